/* Morphology files into cells, as NEURON 8.2.2's Import3d:
 * Import3d_SWC_read (read_swc.hoc: rdfile, check_pid, sectionify,
 * mksections), Import3d_Neurolucida3 (read_nlcda3.hoc: newsec, need_extra,
 * connect2soma; one soma contour at most) and Import3d_GUI.instantiate (import3d_gui.hoc: chk_valid,
 * set_nameindex, sphere_rep, points written with %.8g then stored as float
 * by pt3dadd). HDF5 files (MorphIO H5 v1, read by src/morph/h5.c) go
 * through the same builders as the ASC or SWC text NEURON would be given
 * for them (h5_sections). The SWC text reader is src/morph/swc.c.
 * Everything is read and checked before the first section is created, so a
 * failure leaves the simulation as it was. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cellulab.h"
#include "cellulab_morph.h"
#include "morph/asc.h"
#include "morph/asc_soma.h"
#include "morph/h5.h"
#include "morph/swc.h"
#include "model/model.h"
#include "morph/contour.h"
#include "sim/sim.h"

/* ---- Import3d sections ----------------------------------------------- */

typedef struct i3sec {
    long id;       /* Import3d_Section.id: index of its first own sample */
    int type;
    long parent;   /* index into the section list, -1 for the root */
    double parentx;
    int first;     /* 1: the first point is a wire start (skipped) */
    size_t npt;
    double *x, *y, *z, *d;
    int removed;
    int nameindex;
} i3sec;

typedef struct i3 {
    i3sec *sec;
    size_t nsec;
} i3;

static void i3_free(i3 *m) {
    for (size_t i = 0; i < m->nsec; i++) {
        free(m->sec[i].x);
        free(m->sec[i].y);
        free(m->sec[i].z);
        free(m->sec[i].d);
    }
    free(m->sec);
    memset(m, 0, sizeof *m);
}

static int sec_alloc(i3sec *s, size_t n) {
    s->npt = n;
    s->x = calloc(n ? n : 1, sizeof(double));
    s->y = calloc(n ? n : 1, sizeof(double));
    s->z = calloc(n ? n : 1, sizeof(double));
    s->d = calloc(n ? n : 1, sizeof(double));
    return (s->x && s->y && s->z && s->d) ? 0 : -1;
}

static void sec_set(i3sec *s, size_t j, const cl_swc *w, size_t k) {
    s->x[j] = w->x[k];
    s->y[j] = w->y[k];
    s->z[j] = w->z[k];
    s->d[j] = w->d[k];
}

/* read_swc.hoc's sectionify + mksections */
static cl_status swc_sections(cl_swc *w, i3 *m) {
    size_t n = w->n;
    memset(m, 0, sizeof *m);
    double *nchild = calloc(n, sizeof(double));
    double *nchild_soma = calloc(n, sizeof(double));
    char *c2p = calloc(n, 1);
    long *p2s = calloc(n, sizeof(long));
    cl_status st = CL_ENOMEM;
    if (!nchild || !nchild_soma || !c2p || !p2s) goto out;
    /* mark_branch */
    for (size_t i = 0; i < n; i++) {
        long p = cl_swc_parent(w, i);
        if (p < 0) continue;
        nchild[p] += 1;
        if (p != (long)i - 1) {
            nchild[p] += .01;
            if (p > 1) {
                if (w->type[p] != 1 && w->type[cl_swc_parent(w, (size_t)p)] == 1) {
                    c2p[i] = 1;
                    nchild[p] = 1;
                }
            } else if (p == 0) {
                if (w->type[p] != 1) {
                    c2p[i] = 1;
                    nchild[p] = 1;
                }
            }
        }
        if (w->type[p] != w->type[i]) nchild[p] += .01;
    }
    int nsoma = w->type[0] == 1;
    for (size_t i = 1; i < n; i++)
        if (w->type[i] == 1) {
            nsoma++;
            long p = cl_swc_parent(w, i);
            if (p >= 0 && w->type[p] == 1) nchild_soma[p] += 1;
        }
    int soma3geom = 0;
    if (nsoma == 3 && n >= 3 && cl_swc_parent(w, 1) == 0 && cl_swc_parent(w, 2) == 0 && nchild[1] == 0 && nchild[2] == 0 &&
        w->d[1] == w->d[0] && w->d[2] == w->d[0]) {
        double len = 0;
        for (int i = 1; i <= 2; i++)
            len += sqrt(pow(w->x[i] - w->x[0], 2) + pow(w->y[i] - w->y[0], 2) + pow(w->z[i] - w->z[0], 2));
        if (fabs(len / w->d[0] - 1) < .01) {
            soma3geom = 1;
            w->pid[2] = w->id[1];
        }
    }
    for (size_t i = 0; i + 1 < n; i++)
        if (w->type[i] == 1 && w->type[i + 1] == 1 && cl_swc_parent(w, i + 1) == (long)i) {
            if (!(i != 0 && nchild_soma[i] > 1)) nchild[i] = 1;
        }
    /* sec2point: the last point of each section; point2sec */
    size_t nsec = 0;
    for (size_t i = 0; i < n; i++)
        if (nchild[i] != 1) nsec++;
    long *s2p = calloc(nsec ? nsec : 1, sizeof(long));
    if (!s2p) goto out;
    nsec = 0;
    for (size_t i = 0; i < n; i++)
        if (nchild[i] != 1) s2p[nsec++] = (long)i;
    {
        long si = 0;
        p2s[0] = 0;
        for (size_t i = 1; i < n; i++) {
            if ((long)i > s2p[si]) si++;
            p2s[i] = si;
        }
        nsec = (size_t)si + 1;
    }
    free(s2p);
    m->sec = calloc(nsec, sizeof(i3sec));
    if (!m->sec) goto out;
    /* mksections */
    {
        size_t first = 0;
        long isec = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i < n && p2s[i] <= isec) continue;
            /* section isec: points first .. i-1 */
            i3sec *s = &m->sec[m->nsec];
            s->id = (long)first;
            s->parent = -1;
            s->parentx = 1;
            size_t end = i;
            if (isec == 0) {
                if (soma3geom) end = 1;
                if (sec_alloc(s, end - first) != 0) goto out;
                for (size_t k = first; k < end; k++) sec_set(s, k - first, w, k);
            } else {
                long pp = cl_swc_parent(w, first);
                s->parent = p2s[pp];
                const i3sec *ps = &m->sec[s->parent];
                int den_con_soma = ps->type == 1 && w->type[first] != 1;
                int con_soma = ps->type == 1;
                int handled = 0;
                if (s->parent == 0) {
                    handled = 1;
                    if (den_con_soma && ps->npt == 1) {
                        s->parentx = 0.5;
                        if (end - first > 1) s->first = 1;
                    } else if (pp == ps->id) {
                        s->parentx = 0.0;
                        if (w->type[first] != 1 && nchild_soma[pp] > 1) s->first = 1;
                    } else {
                        handled = 0;
                    }
                }
                if (!handled && con_soma) {
                    long offset = ps->id == 0 ? -1 : -2;
                    if (pp < ps->id + (long)ps->npt + offset) {
                        s->parentx = 0.5;
                        if (den_con_soma && end - first > 1) s->first = 1;
                    } else if (end - first > 1 && nchild_soma[pp] > 1) {
                        if (w->type[first] != 1) s->first = 1;
                    }
                }
                if (sec_alloc(s, end - first + 1) != 0) goto out;
                sec_set(s, 0, w, (size_t)pp);
                for (size_t k = first; k < end; k++) sec_set(s, k - first + 1, w, k);
            }
            s->type = (int)w->type[first];
            if (s->parent >= 0 && m->sec[s->parent].type == 1 && s->type != 1) s->d[0] = s->d[1];
            if (c2p[first]) s->parentx = 0; /* sec.pid = parent's id: display only */
            m->nsec++;
            isec++;
            first = i;
        }
    }
    st = CL_OK;
out:
    free(nchild);
    free(nchild_soma);
    free(c2p);
    free(p2s);
    return st;
}

/* ---- Neurolucida ASC: read_nlcda3.hoc (Import3d_Neurolucida3) ------------ */

/* Sections as Import3d_Neurolucida3 makes them: the somas first (a single
 * contour as its 21 centroid points, a stack of contours as one circle per
 * contour; src/morph/asc_soma.c), then every tree's branches in file order
 * (pre-order). A root branch gets its soma (connect2soma) as parent at 0.5
 * with the soma centre in front as a skipped logical point, so only its own
 * points are kept here. A branch whose first point differs from its
 * parent's last (need_extra) gets that parent point in front, with the
 * branch's first diameter. Numbers are read as double (sscanf "%lf"). */
static cl_status asc_sections_somas(const cl_asc_morph *a, const cl_asc_somas *so_, i3 *m, char *err,
                                    size_t errlen) {
    const cl_asc_somas so = *so_;
    size_t nsoma = so.nsoma;
    size_t n = nsoma;
    for (size_t t = 0; t < a->ntrees; t++) n += a->trees[t].nbranches;
    if (n == 0) {
        snprintf(err, errlen, "no soma contour and no tree");
        return CL_EFORMAT;
    }
    m->sec = calloc(n, sizeof(i3sec));
    if (!m->sec) {
        snprintf(err, errlen, "out of memory");
        return CL_ENOMEM;
    }
    for (size_t g = 0; g < nsoma; g++) {
        const cl_asc_soma *c = &so.soma[g];
        i3sec *s = &m->sec[m->nsec++];
        s->type = 1;
        s->parent = -1;
        s->parentx = 1;
        if (sec_alloc(s, c->npt) != 0) {
            snprintf(err, errlen, "out of memory");
            return CL_ENOMEM;
        }
        memcpy(s->x, c->x, c->npt * sizeof *s->x);
        memcpy(s->y, c->y, c->npt * sizeof *s->y);
        memcpy(s->z, c->z, c->npt * sizeof *s->z);
        memcpy(s->d, c->d, c->npt * sizeof *s->d);
    }
    for (size_t t = 0; t < a->ntrees; t++) {
        const cl_asc_tree *tr = &a->trees[t];
        size_t base = m->nsec;
        for (size_t b = 0; b < tr->nbranches; b++) {
            const cl_asc_branch *br = &tr->branches[b];
            i3sec *s = &m->sec[m->nsec++];
            s->type = (int)tr->type;
            s->parentx = 1;
            if (br->npts == 0) {
                snprintf(err, errlen, "branch without points");
                return CL_EFORMAT;
            }
            size_t extra = 0;
            const cl_asc_point *pl = NULL;
            if (br->parent < 0) {
                s->parent = so.root_soma[t]; /* the soma's section index: somas come first */
                s->parentx = s->parent >= 0 ? 0.5 : 1;
            } else {
                if ((size_t)br->parent >= b) {
                    snprintf(err, errlen, "branch parent out of order");
                    return CL_EFORMAT;
                }
                s->parent = (long)(base + (size_t)br->parent);
                const cl_asc_branch *pb = &tr->branches[br->parent];
                pl = &pb->pts[pb->npts - 1];
                if (pl->x != br->pts[0].x || pl->y != br->pts[0].y || pl->z != br->pts[0].z) extra = 1;
            }
            if (sec_alloc(s, br->npts + extra) != 0) {
                snprintf(err, errlen, "out of memory");
                return CL_ENOMEM;
            }
            if (extra) {
                s->x[0] = pl->x;
                s->y[0] = pl->y;
                s->z[0] = pl->z;
                s->d[0] = br->pts[0].d;
            }
            for (size_t k = 0; k < br->npts; k++) {
                s->x[k + extra] = br->pts[k].x;
                s->y[k + extra] = br->pts[k].y;
                s->z[k + extra] = br->pts[k].z;
                s->d[k + extra] = br->pts[k].d;
            }
        }
    }
    return CL_OK;
}

static cl_status asc_sections(const cl_asc_morph *a, cl_soma_axis axis, int digits, i3 *m, char *err,
                              size_t errlen) {
    memset(m, 0, sizeof *m);
    cl_asc_somas so;
    if (cl_asc_somas_build_digits(a, axis, digits, &so, err, errlen) != 0) return CL_EFORMAT;
    cl_status st = asc_sections_somas(a, &so, m, err, errlen);
    cl_asc_somas_free(&so);
    return st;
}

/* ---- HDF5 (MorphIO H5 v1): the equivalent ASC or SWC ------------------- */

/* Sections in depth-first pre-order, children and roots in file order (the
 * order MorphIO writes; the ASC or SWC text of the cell lists them so).
 * Roots: sections without parent or whose parent is the soma. */
static cl_status h5_preorder(const cl_h5_morph *h, long *order, size_t *norder) {
    size_t n = h->nsec;
    long *first = malloc(n * sizeof(long)), *next = malloc(n * sizeof(long)), *last = malloc(n * sizeof(long));
    long *stack = malloc(n * sizeof(long));
    cl_status st = CL_ENOMEM;
    if (!first || !next || !last || !stack) goto out;
    for (size_t i = 0; i < n; i++) first[i] = next[i] = last[i] = -1;
    long rfirst = -1, rlast = -1;
    for (size_t i = 0; i < n; i++) {
        if (h->type[i] == 1) continue;
        long p = h->parent[i];
        int root = p < 0 || h->type[p] == 1;
        long *f = root ? &rfirst : &first[p], *l = root ? &rlast : &last[p];
        if (*f < 0) *f = (long)i;
        else next[*l] = (long)i;
        *l = (long)i;
    }
    size_t k = 0, sp = 0;
    /* push roots in reverse so the first root comes out first */
    for (long r = rfirst; r >= 0; r = next[r]) stack[sp++] = r;
    for (size_t a = 0, b = sp; a + 1 < b; a++, b--) { long t = stack[a]; stack[a] = stack[b - 1]; stack[b - 1] = t; }
    while (sp) {
        long i = stack[--sp];
        order[k++] = i;
        size_t base = sp;
        for (long ch = first[i]; ch >= 0; ch = next[ch]) stack[sp++] = ch;
        for (size_t a = base, b = sp; a + 1 < b; a++, b--) { long t = stack[a]; stack[a] = stack[b - 1]; stack[b - 1] = t; }
    }
    *norder = k;
    st = CL_OK;
out:
    free(first); free(next); free(last); free(stack);
    return st;
}

static size_t h5_nsoma(const cl_h5_morph *h) {
    return h->type[0] == 1 ? cl_h5_sec_end(h, 0) : 0;
}

/* soma of >= 3 points or none: the Neurolucida file with that contour and
 * one tree per root section, its branches the sections in pre-order */
static cl_status h5_as_asc(const cl_h5_morph *h, const long *order, size_t norder, cl_asc_morph *a) {
    memset(a, 0, sizeof *a);
    long *where = malloc(h->nsec * sizeof(long)); /* section -> branch index in its tree */
    if (!where) return CL_ENOMEM;
    size_t ns = h5_nsoma(h);
    if (ns) {
        a->somas = calloc(1, sizeof *a->somas);
        if (!a->somas) goto oom;
        a->nsomas = 1;
        a->somas[0].pts = malloc(ns * sizeof(cl_asc_point));
        if (!a->somas[0].pts) goto oom;
        a->somas[0].npts = ns;
        for (size_t i = 0; i < ns; i++)
            a->somas[0].pts[i] = (cl_asc_point){h->pts[4 * i], h->pts[4 * i + 1], h->pts[4 * i + 2], h->pts[4 * i + 3]};
    }
    size_t nroots = 0;
    for (size_t k = 0; k < norder; k++) {
        long p = h->parent[order[k]];
        if (p < 0 || h->type[p] == 1) nroots++;
    }
    a->trees = calloc(nroots ? nroots : 1, sizeof *a->trees);
    if (!a->trees) goto oom;
    for (size_t k = 0; k < norder;) {
        /* a tree: the root at k and every following section until the next root */
        size_t e = k + 1;
        while (e < norder && !(h->parent[order[e]] < 0 || h->type[h->parent[order[e]]] == 1)) e++;
        cl_asc_tree *t = &a->trees[a->ntrees++];
        t->type = (cl_asc_tree_type)h->type[order[k]];
        t->branches = calloc(e - k, sizeof *t->branches);
        if (!t->branches) goto oom;
        for (size_t j = k; j < e; j++) {
            long i = order[j];
            cl_asc_branch *b = &t->branches[t->nbranches];
            where[i] = (long)t->nbranches++;
            b->parent = j == k ? -1 : (int)where[h->parent[i]];
            size_t s0 = (size_t)h->offset[i], s1 = cl_h5_sec_end(h, (size_t)i);
            b->pts = malloc((s1 - s0) * sizeof(cl_asc_point));
            if (!b->pts) goto oom;
            b->npts = s1 - s0;
            for (size_t q = s0; q < s1; q++)
                b->pts[q - s0] = (cl_asc_point){h->pts[4 * q], h->pts[4 * q + 1], h->pts[4 * q + 2], h->pts[4 * q + 3]};
        }
        k = e;
    }
    free(where);
    return CL_OK;
oom:
    free(where);
    cl_asc_free(a);
    return CL_ENOMEM;
}

/* soma of 1 or 2 points: the SWC file whose samples are the soma points,
 * then each section's points in pre-order; a section's first point is left
 * out when it repeats its parent's last (x, y, z and d: SWC shares that
 * sample), and its first sample hangs from the parent's last sample (root
 * sections from the first soma sample) */
static cl_status h5_as_swc(const cl_h5_morph *h, const long *order, size_t norder, cl_swc *w) {
    memset(w, 0, sizeof *w);
    long *lastid = malloc(h->nsec * sizeof(long));
    if (!lastid) return CL_ENOMEM;
    size_t ns = h5_nsoma(h);
    double id = 0;
    for (size_t i = 0; i < ns; i++) {
        const double *p = &h->pts[4 * i];
        id++;
        if (cl_swc_add(w, id, 1, p[0], p[1], p[2], p[3], i ? id - 1 : -1) != 0) goto oom;
    }
    lastid[0] = 1;
    for (size_t k = 0; k < norder; k++) {
        long i = order[k], par = h->parent[i];
        int root = par < 0 || h->type[par] == 1;
        double pid = root ? 1 : (double)lastid[par];
        size_t s0 = (size_t)h->offset[i], s1 = cl_h5_sec_end(h, (size_t)i);
        if (!root) {
            const double *q = &h->pts[4 * (cl_h5_sec_end(h, (size_t)par) - 1)], *f = &h->pts[4 * s0];
            if (q[0] == f[0] && q[1] == f[1] && q[2] == f[2] && q[3] == f[3]) s0++;
        }
        lastid[i] = (long)pid;
        for (size_t q = s0; q < s1; q++) {
            const double *p = &h->pts[4 * q];
            id++;
            if (cl_swc_add(w, id, h->type[i], p[0], p[1], p[2], p[3], pid) != 0) goto oom;
            pid = id;
            lastid[i] = (long)id;
        }
    }
    free(lastid);
    return cl_swc_index(w) == 0 ? CL_OK : CL_ENOMEM;
oom:
    free(lastid);
    cl_swc_free(w);
    return CL_ENOMEM;
}

static cl_status h5_sections(const cl_h5_morph *h, cl_soma_axis axis, int digits, i3 *m, char *err,
                             size_t errlen) {
    memset(m, 0, sizeof *m);
    long *order = malloc(h->nsec * sizeof(long));
    size_t norder = 0;
    cl_status st = order ? h5_preorder(h, order, &norder) : CL_ENOMEM;
    if (st != CL_OK) {
        free(order);
        snprintf(err, errlen, "out of memory");
        return st;
    }
    size_t ns = h5_nsoma(h);
    if (ns == 0 || ns >= 3) {
        cl_asc_morph a;
        st = h5_as_asc(h, order, norder, &a);
        if (st == CL_OK) {
            st = asc_sections(&a, axis, digits, m, err, errlen);
            cl_asc_free(&a);
        } else {
            snprintf(err, errlen, "out of memory");
        }
    } else {
        cl_swc w;
        st = h5_as_swc(h, order, norder, &w);
        if (st == CL_OK) st = swc_sections(&w, m);
        if (st != CL_OK) snprintf(err, errlen, "out of memory");
        cl_swc_free(&w);
    }
    free(order);
    return st;
}

/* ---- Import3d_GUI.instantiate ------------------------------------------- */

/* chk_valid: one-point and zero-length two-point sections (not the root) */
static void chk_valid(i3 *m) {
    for (size_t ii = m->nsec; ii-- > 0;) {
        i3sec *s = &m->sec[ii];
        if (s->removed || s->parent < 0) continue;
        int rm = 0;
        if (s->npt - (size_t)s->first <= 1) rm = 1;
        else if (s->npt - (size_t)s->first <= 2) {
            size_t a = (size_t)s->first;
            rm = s->x[a] == s->x[a + 1] && s->y[a] == s->y[a + 1] && s->z[a] == s->z[a + 1];
        }
        if (!rm) continue;
        s->removed = 1;
        for (size_t j = ii + 1; j < m->nsec; j++) {
            i3sec *c = &m->sec[j];
            if (!c->removed && c->parent == (long)ii) {
                c->parent = s->parent;
                c->parentx = s->parentx;
            }
        }
    }
}

static void type2name(int type, char *buf, size_t len) {
    switch (type) {
    case 1: snprintf(buf, len, "soma"); break;
    case 2: snprintf(buf, len, "axon"); break;
    case 3: snprintf(buf, len, "dend"); break;
    case 4: snprintf(buf, len, "apic"); break;
    default:
        if (type < 0) snprintf(buf, len, "minus_%d", -type);
        else snprintf(buf, len, "dend_%d", type);
    }
}

/* the value pt3dadd receives: printed with %.8g (bmtk's Import3d: %g, 6
 * digits), read back */
static double gd(double v, int digits) {
    char b[64];
    snprintf(b, sizeof b, "%.*g", digits, v);
    return strtod(b, NULL);
}

static cl_status instantiate(cl_sim *s, i3 *m, const char *cellname, int dg, cl_cell *out) {
    int ncell = s->eng.ncell;
    chk_valid(m);
    int tmin = 0, tmax = 0, any = 0;
    for (size_t i = 0; i < m->nsec; i++) {
        if (m->sec[i].removed) continue;
        int t = m->sec[i].type;
        if (!any || t < tmin) tmin = t;
        if (!any || t > tmax) tmax = t;
        any = 1;
    }
    size_t ntypes = (size_t)(tmax - tmin + 1);
    int *count = calloc(ntypes, sizeof(int));
    cl_section *h = calloc(m->nsec ? m->nsec : 1, sizeof(cl_section));
    cl_status st = CL_ENOMEM;
    if (!count || !h) {
        st = cl_fail(s, CL_ENOMEM, "cl_cell_load_morphology: out of memory");
        goto done;
    }
    for (size_t i = 0; i < m->nsec; i++)
        if (!m->sec[i].removed) m->sec[i].nameindex = count[m->sec[i].type - tmin]++;
    cl_cell cell;
    st = cl_cell_new(s, cellname, &cell);
    if (st != CL_OK) goto done;
    /* create, grouped by type in ascending order (forall order) */
    for (size_t t = 0; t < ntypes; t++) {
        char base[32], name[64];
        type2name((int)t + tmin, base, sizeof base);
        for (size_t i = 0; i < m->nsec; i++) {
            if (m->sec[i].removed || m->sec[i].type - tmin != (int)t) continue;
            snprintf(name, sizeof name, "%s[%d]", base, m->sec[i].nameindex);
            if ((st = cl_section_new(s, cell, name, &h[i])) != CL_OK) goto done;
        }
    }
    for (size_t i = 0; i < m->nsec; i++) {
        const i3sec *c = &m->sec[i];
        if (c->removed) continue;
        if (c->parent >= 0 && (st = cl_section_connect(s, h[i], h[c->parent], c->parentx)) != CL_OK) goto done;
        size_t j = (size_t)c->first, np = c->npt - j;
        if (c->first == 1) { /* pt3dstyle(1, raw point 0) with the same digits */
            int k = cl_handle_index(s, h[i].id, CL_TAG_SECTION, "cl_cell_load_morphology", "sec");
            if (k >= 0) {
                cl_sec *e = &s->eng.sec[k];
                e->has_logical = 1;
                e->lx = (float)gd(c->x[0], dg), e->ly = (float)gd(c->y[0], dg), e->lz = (float)gd(c->z[0], dg);
            }
        }
        if (np == 1) { /* sphere_rep: 3-point cylinder along x, L = diam */
            double x = c->x[j], y = c->y[j], z = c->z[j], d = c->d[j];
            double xs[3] = {x - d / 2, x, x + d / 2};
            for (int k = 0; k < 3; k++)
                if ((st = cl_section_pt3dadd(s, h[i], gd(xs[k], dg), gd(y, dg), gd(z, dg), gd(d, dg))) != CL_OK) goto done;
        } else {
            for (; j < c->npt; j++)
                if ((st = cl_section_pt3dadd(s, h[i], gd(c->x[j], dg), gd(c->y[j], dg), gd(c->z[j], dg),
                                                    gd(c->d[j], dg))) !=
                    CL_OK)
                    goto done;
        }
    }
    *out = cell;
    st = cl_ok(s);
done:
    free(count);
    free(h);
    return st == CL_OK ? st : cl_model_discard_cells(s, ncell, st);
}

static int has_ext(const char *path, const char *ext) {
    size_t n = strlen(path), e = strlen(ext);
    return n >= e && strcasecmp(path + n - e, ext) == 0;
}

cl_status cl_cell_load_morphology(cl_sim *s, const char *path, cl_cell *out) {
    return cl_cell_load_morphology_opt(s, path, NULL, out);
}

cl_status cl_cell_load_morphology_opt(cl_sim *s, const char *path, const cl_morph_options *opt, cl_cell *out) {
    if (!s) return CL_EINVAL;
    if (!path || !out) return cl_fail(s, CL_EINVAL, "cl_cell_load_morphology: path and out must not be NULL");
    cl_morph_options o = {0};
    if (opt) o = *opt;
    if (o.soma != CL_SOMA_NEURON9 && o.soma != CL_SOMA_NEURON82)
        return cl_fail(s, CL_EINVAL, "cl_cell_load_morphology: %s: soma orientation %d is neither CL_SOMA_NEURON9 nor CL_SOMA_NEURON82",
                       path, (int)o.soma);
    if (o.pt3d_digits != 0 && o.pt3d_digits != 8 && o.pt3d_digits != 6)
        return cl_fail(s, CL_EINVAL, "cl_cell_load_morphology: %s: pt3d_digits %d is not 0 (NEURON 8.2's 8), 8 or 6 (bmtk's Import3d)",
                       path, o.pt3d_digits);
    const int digits = o.pt3d_digits ? o.pt3d_digits : 8;
    if (o.axon && strcmp(o.axon, "none") != 0) {
        int ncell = s->eng.ncell;
        cl_status st = cl_axon_load(s, path, &o, out);
        return st == CL_OK ? st : cl_model_discard_cells(s, ncell, st);
    }
    cl_soma_axis axis = o.soma == CL_SOMA_NEURON82 ? CL_SOMA_AXIS_NEURON8 : CL_SOMA_AXIS_NEURON9;
    char err[512];
    char cellname[128];
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(cellname, sizeof cellname, "%s", b);
    char *dot = strrchr(cellname, '.');
    if (dot && dot != cellname) *dot = '\0';
    if (o.h5_cell && !has_ext(path, ".h5"))
        return cl_fail(s, CL_EINVAL, "cl_cell_load_morphology: %s: h5_cell \"%s\" given for a file that is not .h5", path,
                       o.h5_cell);
    if (has_ext(path, ".swc")) {
        cl_swc w;
        cl_status st = cl_swc_read(path, &w, err, sizeof err);
        if (st != CL_OK) {
            cl_swc_free(&w);
            return cl_fail(s, st, "cl_cell_load_morphology: %s", err);
        }
        i3 m;
        st = swc_sections(&w, &m);
        cl_swc_free(&w);
        if (st != CL_OK) {
            i3_free(&m);
            return cl_fail(s, st, "cl_cell_load_morphology: %s: out of memory", path);
        }
        st = instantiate(s, &m, cellname, digits, out);
        i3_free(&m);
        return st;
    }
    if (has_ext(path, ".asc")) {
        FILE *f = fopen(path, "r");
        if (!f) return cl_fail(s, CL_EIO, "cl_cell_load_morphology: %s: cannot open: %s", path, strerror(errno));
        fclose(f);
        cl_asc_morph a;
        if (cl_asc_read(path, &a, err, sizeof err) != 0) return cl_fail(s, CL_EFORMAT, "cl_cell_load_morphology: %s", err);
        i3 m;
        char e2[300];
        cl_status st = asc_sections(&a, axis, digits, &m, e2, sizeof e2);
        cl_asc_free(&a);
        if (st != CL_OK) {
            i3_free(&m);
            return cl_fail(s, st, "cl_cell_load_morphology: %s: %s", path, e2);
        }
        st = instantiate(s, &m, cellname, digits, out);
        i3_free(&m);
        return st;
    }
    if (has_ext(path, ".h5")) {
        cl_h5_morph h;
        cl_status st = cl_h5_read(path, o.h5_cell, &h, err, sizeof err);
        if (st != CL_OK) return cl_fail(s, st, "cl_cell_load_morphology: %s", err);
        i3 m;
        char e2[300];
        st = h5_sections(&h, axis, digits, &m, e2, sizeof e2);
        cl_h5_free(&h);
        if (st != CL_OK) {
            i3_free(&m);
            return cl_fail(s, st, "cl_cell_load_morphology: %s: %s%s/points and /structure: %s", path,
                           o.h5_cell ? "/" : "", o.h5_cell ? o.h5_cell : "", e2);
        }
        if (o.h5_cell) {
            snprintf(cellname, sizeof cellname, "%s", o.h5_cell);
            size_t L = strlen(cellname);
            if (L > 3 && has_ext(cellname, ".h5")) cellname[L - 3] = '\0';
        }
        st = instantiate(s, &m, cellname, digits, out);
        i3_free(&m);
        return st;
    }
    return cl_fail(s, CL_EINVAL, "cl_cell_load_morphology: %s: unknown morphology format (expected .swc, .asc or .h5)",
                   path);
}

cl_status cl_section_n3d(cl_sim *s, cl_section sec, size_t *out) {
    if (!s) return CL_EINVAL;
    int i = cl_handle_index(s, sec.id, CL_TAG_SECTION, "cl_section_n3d", "sec");
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_n3d: out is NULL");
    *out = s->eng.sec[i].npt;
    return cl_ok(s);
}

cl_status cl_section_pt3d(cl_sim *s, cl_section sec, size_t k, double *x, double *y, double *z, double *d) {
    if (!s) return CL_EINVAL;
    int i = cl_handle_index(s, sec.id, CL_TAG_SECTION, "cl_section_pt3d", "sec");
    if (i < 0) return CL_EHANDLE;
    const cl_sec *c = &s->eng.sec[i];
    if (k >= c->npt) return cl_fail(s, CL_EINVAL, "cl_section_pt3d: point %zu of %zu", k, c->npt);
    if (x) *x = c->pt[k].x;
    if (y) *y = c->pt[k].y;
    if (z) *z = c->pt[k].z;
    if (d) *d = c->pt[k].d;
    return cl_ok(s);
}
