/* Somas of a Neurolucida file as Import3d_Neurolucida3 (read_nlcda3.hoc,
 * NEURON 8.2.2) builds them: soma_contour_stack, connect2soma(_2),
 * stk_center, stk_bbox, contourstack2centroid. Comparisons written with
 * hoc operators carry hoc's float_epsilon; GUIMath.inside compares in float
 * (InterViews' Coord), as NEURON does. */
#include "morph/asc_soma.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOC_EPS 1e-11

typedef struct bbox {
    double lo[3], hi[3];
} bbox;

static bbox contour_box(const cl_asc_contour *c) {
    bbox b;
    for (int k = 0; k < 3; k++) b.lo[k] = INFINITY, b.hi[k] = -INFINITY;
    for (size_t i = 0; i < c->npts; i++) {
        double v[3] = {c->pts[i].x, c->pts[i].y, c->pts[i].z};
        for (int k = 0; k < 3; k++) {
            if (v[k] < b.lo[k]) b.lo[k] = v[k];
            if (v[k] > b.hi[k]) b.hi[k] = v[k];
        }
    }
    return b;
}

/* xy_intersect: hoc's '>' is a > b + float_epsilon */
static int xy_overlap(const bbox *a, const bbox *b) {
    for (int i = 0; i < 2; i++)
        if (a->lo[i] > b->hi[i] + HOC_EPS || b->lo[i] > a->hi[i] + HOC_EPS) return 0;
    return 1;
}

static int inside_f(double x, double y, double x1, double y1, double x2, double y2) {
    float fx = (float)x, fy = (float)y;
    return fx >= (float)x1 && fx <= (float)x2 && fy >= (float)y1 && fy <= (float)y2;
}

typedef struct coords {
    double *x, *y, *z;
} coords;

static int coords_of(const cl_asc_contour *c, coords *o) {
    o->x = malloc(3 * c->npts * sizeof(double));
    if (!o->x) return -1;
    o->y = o->x + c->npts;
    o->z = o->y + c->npts;
    for (size_t i = 0; i < c->npts; i++) {
        o->x[i] = c->pts[i].x;
        o->y[i] = c->pts[i].y;
        o->z[i] = c->pts[i].z;
    }
    return 0;
}

static int soma_alloc(cl_asc_soma *s, size_t n) {
    s->x = calloc(4 * n, sizeof(double));
    if (!s->x) return -1;
    s->y = s->x + n;
    s->z = s->y + n;
    s->d = s->z + n;
    s->npt = n;
    return 0;
}

void cl_asc_somas_free(cl_asc_somas *s) {
    for (size_t i = 0; i < s->nsoma; i++) free(s->soma[i].x);
    free(s->soma);
    free(s->root_soma);
    memset(s, 0, sizeof *s);
}

int cl_asc_somas_build(const cl_asc_morph *a, cl_soma_axis axis, cl_asc_somas *out, char *err, size_t errlen) {
    return cl_asc_somas_build_digits(a, axis, 8, out, err, errlen);
}

int cl_asc_somas_build_digits(const cl_asc_morph *a, cl_soma_axis axis, int digits, cl_asc_somas *out, char *err,
                              size_t errlen) {
    memset(out, 0, sizeof *out);
    size_t nc = 0;
    const cl_asc_contour **c = calloc(a->nsomas ? a->nsomas : 1, sizeof *c);
    size_t *group = calloc(a->nsomas ? a->nsomas : 1, sizeof *group); /* first contour index of each soma */
    size_t *gsize = calloc(a->nsomas ? a->nsomas : 1, sizeof *gsize);
    coords *xyz = calloc(a->nsomas ? a->nsomas : 1, sizeof *xyz);
    bbox *box = calloc(a->nsomas ? a->nsomas : 1, sizeof *box);
    double(*center)[3] = calloc(a->nsomas ? a->nsomas : 1, sizeof *center);
    out->root_soma = calloc(a->ntrees ? a->ntrees : 1, sizeof *out->root_soma);
    int rc = -1;
    if (!c || !group || !gsize || !xyz || !box || !center || !out->root_soma) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < a->nsomas; i++)
        if (a->somas[i].npts > 2) c[nc++] = &a->somas[i];
    for (size_t i = 0; i < nc; i++)
        if (coords_of(c[i], &xyz[i]) != 0) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
    /* soma_contour_stack: each contour against the one before it */
    size_t ng = 0;
    bbox prev = {{0}, {0}};
    for (size_t i = 0; i < nc; i++) {
        bbox b = contour_box(c[i]);
        if (i > 0 && xy_overlap(&prev, &b)) gsize[ng - 1]++;
        else {
            group[ng] = i;
            gsize[ng++] = 1;
        }
        prev = b;
    }
    out->soma = calloc(ng ? ng : 1, sizeof *out->soma);
    if (!out->soma) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (size_t g = 0; g < ng; g++) {
        out->nsoma = g + 1; /* freed on failure from here on */
        cl_asc_soma *s = &out->soma[g];
        size_t i0 = group[g], k = gsize[g];
        if (k == 1) {
            if (soma_alloc(s, CL_CONTOUR_NPTS) != 0) {
                snprintf(err, errlen, "out of memory");
                goto done;
            }
            if (cl_contour_to_centroid_digits(xyz[i0].x, xyz[i0].y, xyz[i0].z, c[i0]->npts, axis, digits, s->x, s->y, s->z, s->d,
                                       err, errlen) != 0)
                goto done;
            if (cl_contour_center(xyz[i0].x, xyz[i0].y, xyz[i0].z, c[i0]->npts, center[g], err, errlen) != 0)
                goto done;
            box[g] = contour_box(c[i0]);
            for (int q = 0; q < 2; q++) box[g].lo[q] -= .5, box[g].hi[q] += .5;
            continue;
        }
        if (soma_alloc(s, k) != 0) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        cl_contour_pts *stk = calloc(k, sizeof *stk);
        if (!stk) {
            snprintf(err, errlen, "out of memory");
            goto done;
        }
        box[g] = contour_box(c[i0]);
        for (size_t j = 0; j < k; j++) {
            const coords *p = &xyz[i0 + j];
            stk[j] = (cl_contour_pts){p->x, p->y, p->z, c[i0 + j]->npts};
            double cc[3];
            if (cl_contour_circle(p->x, p->y, p->z, stk[j].n, cc, &s->d[j], err, errlen) != 0) {
                free(stk);
                goto done;
            }
            s->x[j] = cc[0], s->y[j] = cc[1], s->z[j] = cc[2];
            bbox b = contour_box(c[i0 + j]);
            for (int q = 0; q < 3; q++) {
                if (box[g].lo[q] > b.lo[q]) box[g].lo[q] = b.lo[q];
                if (box[g].hi[q] < b.hi[q]) box[g].hi[q] = b.hi[q];
            }
        }
        int r = cl_contour_stack_center(stk, k, center[g], err, errlen);
        free(stk);
        if (r != 0) goto done;
    }
    /* connect2soma: roots inside a soma's box, then the nearest centre */
    for (size_t t = 0; t < a->ntrees; t++) out->root_soma[t] = -1;
    for (size_t g = 0; g < ng; g++)
        for (size_t t = a->ntrees; t-- > 0;) {
            if (out->root_soma[t] >= 0 || a->trees[t].nbranches == 0 || a->trees[t].branches[0].npts == 0) continue;
            const cl_asc_point *p = &a->trees[t].branches[0].pts[0];
            if (inside_f(p->x, p->y, box[g].lo[0], box[g].lo[1], box[g].hi[0], box[g].hi[1])) out->root_soma[t] = (long)g;
        }
    for (size_t t = 0; t < a->ntrees && ng; t++) {
        if (out->root_soma[t] >= 0 || a->trees[t].nbranches == 0 || a->trees[t].branches[0].npts == 0) continue;
        const cl_asc_point *p = &a->trees[t].branches[0].pts[0];
        double dmin = 1e9;
        long imin = 0;
        for (size_t g = 0; g < ng; g++) {
            double dx = p->x - center[g][0], dy = p->y - center[g][1], dz = p->z - center[g][2];
            double ss = 0.0;
            ss += dx * dx;
            ss += dy * dy;
            ss += dz * dz;
            double d = sqrt(ss);
            if (d < dmin - HOC_EPS) {
                dmin = d;
                imin = (long)g;
            }
        }
        out->root_soma[t] = imin;
    }
    rc = 0;
done:
    for (size_t i = 0; i < nc && xyz; i++) free(xyz[i].x);
    free(c);
    free(group);
    free(gsize);
    free(xyz);
    free(box);
    free(center);
    if (rc != 0) cl_asc_somas_free(out);
    return rc;
}
