/* NEURON 8.2's define_shape (nrn_define_shape in src/nrnoc/treeset.cpp),
 * restricted to one cell: sections without 3-D points get a straight line of
 * nseg + 2 points from their parent's connection point, and sections with
 * points are translated so that their start (or their logical connection
 * point, pt3dstyle 1) sits at the parent's connection point. The arithmetic
 * keeps NEURON's float and double steps: the points are float, the
 * direction angle is a float (and, NEURON being C++, atan2, sin and cos
 * of it are the float overloads), the translation is a float difference added to
 * each float coordinate, and arcs are not recomputed by a translation. */
#include <math.h>
#include <stdlib.h>

#include "engine/engine.h"
#include "model/model.h"
#include "sim/sim.h"
#include "util/util.h"

/* NEURON's sibling order: by connection position, newest connection first. */
static int sib_before(const cl_engine *e, int a, int b) {
    const cl_sec *x = &e->sec[a], *y = &e->sec[b];
    if (x->parent_x != y->parent_x) return x->parent_x < y->parent_x;
    return x->connect_seq > y->connect_seq;
}

static void add_point(cl_sec *c, float x, float y, float z, double d) {
    cl_pt3d *p = &c->pt[c->npt];
    p->x = x, p->y = y, p->z = z, p->d = (float)d;
    if (c->npt == 0) p->arc = 0.;
    else {
        const cl_pt3d *q = p - 1;
        double t1 = (float)(p->x - q->x), t2 = (float)(p->y - q->y), t3 = (float)(p->z - q->z);
        p->arc = q->arc + sqrt(t1 * t1 + t2 * t2 + t3 * t3);
    }
    c->npt++;
}

cl_status cl_define_shape(cl_sim *s, cl_cell cell) {
    int ci = cl_handle_index(s, cell.id, CL_TAG_CELL, "cl_define_shape", "cell");
    if (ci < 0) return CL_EHANDLE;
    cl_engine *e = &s->eng;
    const cl_cellrec *cr = &e->cell[ci];
    int n = cr->nsec;
    int *order = malloc((size_t)(n ? n : 1) * sizeof(int));
    char *done = calloc((size_t)e->nsec + 1, 1);
    if (!order || !done) {
        free(order), free(done);
        return cl_fail(s, CL_ENOMEM, "define_shape: out of memory");
    }
    /* roots, then breadth first; children in sibling order */
    int m = 0;
    for (int i = 0; i < n; i++)
        if (e->sec[cr->sec[i]].parent < 0) order[m++] = cr->sec[i], done[cr->sec[i]] = 1;
    for (int h = 0; h < m; h++) {
        int p = order[h], first = m;
        for (int i = 0; i < n; i++) {
            int c = cr->sec[i];
            if (done[c] || e->sec[c].parent != p) continue;
            int j = m++;
            while (j > first && sib_before(e, c, order[j - 1])) { order[j] = order[j - 1]; j--; }
            order[j] = c;
            done[c] = 1;
        }
    }
    cl_status st = CL_OK;
    for (int i = 0; i < m; i++) {
        cl_sec *c = &e->sec[order[i]];
        double arc = c->parent_x;
        float x, y, z, x1, y1, angle, nch, ich = 0.f;
        const cl_sec *p = c->parent >= 0 ? &e->sec[c->parent] : NULL;
        if (!p) {
            x = 0, y = 0, z = (float)(i * 100.);
            x1 = 1, y1 = 0;
        } else {
            /* parent processed earlier: it has points (sections are
             * connected at their 0 end, so the parent's 0 end is at 0) */
            const cl_pt3d *a = &p->pt[0], *b = &p->pt[p->npt - 1];
            double arc1 = arc;
            x1 = b->x - a->x;
            y1 = b->y - a->y;
            if (arc1 < .5) x1 = -x1, y1 = -y1;
            x = (float)(b->x * arc1 + a->x * (1 - arc1));
            y = (float)(b->y * arc1 + a->y * (1 - arc1));
            z = (float)(b->z * arc1 + a->z * (1 - arc1));
        }
        if (c->npt) {
            if (p) {
                float dx, dy, dz;
                if (c->has_logical) {
                    dx = x - c->lx, dy = y - c->ly, dz = z - c->lz;
                    c->lx = x, c->ly = y, c->lz = z;
                } else {
                    dx = x - c->pt[0].x, dy = y - c->pt[0].y, dz = z - c->pt[0].z;
                }
                for (size_t k = 0; k < c->npt; k++) c->pt[k].x += dx, c->pt[k].y += dy, c->pt[k].z += dz;
            }
            continue;
        }
        if (fabsf(y1) < 1e-6 && fabsf(x1) < 1e-6) angle = 0.f;
        else angle = atan2f(y1, x1); /* C++ <cmath>: the float overloads */
        if (arc > 0. && arc < 1.) angle = (float)(angle + 3.14159265358979323846 / 2.);
        nch = 0.f;
        if (p)
            for (int j = 0; j < m; j++) {
                const cl_sec *ch = &e->sec[order[j]];
                if (ch->parent != c->parent) continue;
                if (ch == c) ich = nch;
                if (arc == ch->parent_x) ++nch;
            }
        if (nch > 1) angle = (float)(angle + (ich / (nch - 1.) * .8 - .4));
        double len = c->L;
        x1 = (float)(x + len * cosf(angle));
        y1 = (float)(y + len * sinf(angle));
        if (CL_GROW(c->pt, c->cappt, (size_t)c->nseg + 2) != 0) {
            st = cl_fail(s, CL_ENOMEM, "define_shape: out of memory");
            break;
        }
        add_point(c, x, y, z, c->diam[0]);
        for (int j = 0; j < c->nseg; j++) {
            double frac = ((double)j + .5) / (double)c->nseg;
            add_point(c, (float)(x * (1 - frac) + x1 * frac), (float)(y * (1 - frac) + y1 * frac), z, c->diam[j]);
        }
        add_point(c, x1, y1, z, c->diam[c->nseg - 1]);
        /* the length stays what it was, whatever the float round-off */
        c->pt[c->npt - 1].arc = len;
        c->L = len;
    }
    free(order);
    free(done);
    if (st == CL_OK) cl_sim_structure_changed(s);
    return st;
}
