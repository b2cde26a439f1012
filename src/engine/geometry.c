/* Segment areas and axial resistances: NEURON's nrn_area_ri and
 * diam_from_list (src/nrnoc/treeset.cpp), including the float32 pt3d
 * arithmetic and the frustum slant term of the area. */
#include <math.h>

#include "engine/engine.h"

#define CL_PI 3.14159265358979323846

int cl_engine_seg_index(const cl_engine *e, int s, double x) {
    int nseg = e->sec[s].nseg;
    int j = (int)(nseg * x);
    if (j >= nseg) j = nseg - 1;
    if (j < 0) j = 0;
    return j;
}

int cl_engine_node_exact(const cl_engine *e, int s, double x) {
    const cl_sec *sec = &e->sec[s];
    if (x <= 0.) return sec->parentnode;
    if (x >= 1.) return sec->node0 + sec->nseg;
    return sec->node0 + cl_engine_seg_index(e, s, x);
}

/* Section length: the arc length of the 3-D points when there are two or more. */
static double section_length(const cl_sec *sec) {
    if (sec->npt >= 2) {
        double L = sec->pt[sec->npt - 1].arc;
        return L < 1e-9 ? 1e-9 : L;
    }
    return sec->L;
}

/* Trapezoidal integration over the 3-D points, segment by segment, each in two
 * halves; the walking state (j, x1, y1) carries over from one segment to the
 * next exactly as NEURON's static variables do. */
static void pt3d_geometry(cl_engine *e, cl_sec *sec) {
    const cl_pt3d *pt = sec->pt;
    int npt = (int)sec->npt;
    double ra = sec->Ra;
    int j = 0;
    double x1 = pt[0].arc, y1 = fabs((double)pt[0].d);
    double ds = pt[npt - 1].arc / ((double)sec->nseg);
    double rright = 0.;
    for (int inode = 0; inode < sec->nseg; inode++) {
        double si = (double)inode * ds;
        double diam = 0., area = 0., ri = 0., rleft = 0.;
        for (int ihalf = 0; ihalf < 2; ihalf++) {
            ri = 0.;
            double sip = si + ds / 2.;
            for (;;) {
                int jp = j + 1, jnext;
                double x2, y2;
                double xj = pt[j].arc, xjp = pt[jp].arc;
                if (xjp > sip || jp == npt - 1) {
                    double frac;
                    if (fabs(xjp - xj) < 1e-10) {
                        frac = 1;
                    } else {
                        frac = (sip - xj) / (xjp - xj);
                    }
                    x2 = sip;
                    y2 = (1. - frac) * fabs((double)pt[j].d) + frac * fabs((double)pt[jp].d);
                    jnext = j;
                } else {
                    x2 = xjp;
                    y2 = fabs((double)pt[jp].d);
                    jnext = jp;
                }
                double delta = (x2 - x1), temp;
                diam += (y2 + y1) * delta;
                if (delta < 1e-15) delta = 1e-15;
                if ((temp = y2 * y1 / delta) == 0) temp = 1e-15;
                ri += 1 / temp;
                temp = .5 * (y2 - y1);
                temp = sqrt(delta * delta + temp * temp);
                area += (y2 + y1) * temp;
                x1 = x2;
                y1 = y2;
                if (j == jnext) break;
                j = jnext;
            }
            if (ihalf == 0) {
                rleft = ri * ra / CL_PI * (4. * .01);
            } else {
                ri = ri * ra / CL_PI * (4. * .01);
            }
            si = sip;
        }
        int nd = sec->node0 + inode;
        e->rinv[nd] = 1. / (rright + rleft);
        diam *= .5 / ds;
        if (fabs(diam - sec->diam[inode]) > 1e-9 || diam < 1e-5) sec->diam[inode] = diam;
        e->area[nd] = area * .5 * CL_PI;
        rright = ri;
    }
    int end = sec->node0 + sec->nseg;
    e->area[end] = 1.e2;
    e->rinv[end] = 1. / rright;
}

void cl_engine_section_geometry(cl_engine *e, int s) {
    cl_sec *sec = &e->sec[s];
    if (sec->npt >= 2) {
        sec->L = section_length(sec);
        pt3d_geometry(e, sec);
        return;
    }
    double ra = sec->Ra;
    double dx = section_length(sec) / ((double)sec->nseg);
    double rright = 0.;
    for (int j = 0; j < sec->nseg; j++) {
        int nd = sec->node0 + j;
        double diam = sec->diam[j];
        e->area[nd] = CL_PI * diam * dx;
        double rleft = 1e-2 * ra * (dx / 2) / (CL_PI * diam * diam / 4.);
        e->rinv[nd] = 1. / (rleft + rright);
        rright = rleft;
    }
    int end = sec->node0 + sec->nseg;
    e->area[end] = 1.e2;
    e->rinv[end] = 1. / rright;
}
