/* hoc's Random with the Random123 generator (see hocrand.h): the draws are
 * cellulab_mech.h's nrnran123 primitives (cl_ran123_*), the distributions
 * libg++'s as NEURON 8.2 builds them. */
#include "stim/hocrand.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cellulab_mech.h"

void cl_hocrand_random123(cl_hocrand *r, double id1, double id2, double id3) {
    r->id1 = (double)cl_ran123_u32_(id1);
    r->id2 = (double)cl_ran123_u32_(id2);
    r->id3 = (double)cl_ran123_u32_(id3);
    r->seq = r->which = 0;
    r->cached = 0;
}

double cl_hocrand_uniform01(cl_hocrand *r, unsigned globalindex) {
    cl_mech_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.ran123_globalindex = globalindex;
    double *st[5] = {&r->id1, &r->id2, &r->id3, &r->seq, &r->which};
    return cl_ran123_uniform(&ctx, st, 0);
}

/* libg++'s Normal: the polar method, the second value kept for the next */
static double normal01(cl_hocrand *r, unsigned gix) {
    if (r->cached) {
        r->cached = 0;
        return r->cache;
    }
    for (;;) {
        double v1 = 2 * cl_hocrand_uniform01(r, gix) - 1;
        double v2 = 2 * cl_hocrand_uniform01(r, gix) - 1;
        double w = v1 * v1 + v2 * v2;
        if (w <= 1) {
            double y = sqrt((-2 * log(w)) / w);
            r->cache = v2 * y;
            r->cached = 1;
            return v1 * y;
        }
    }
}

int cl_hocrand_set(cl_hocrand *r, int dist, double a, double b, char *msg, unsigned long n) {
    if (dist == CL_HOCRAND_NORMAL && !(b >= 0)) {
        snprintf(msg, n, "the variance must be >= 0, got %g", b);
        return -1;
    }
    if (dist == CL_HOCRAND_LOGNORMAL && !(a > 0 && b >= 0)) {
        snprintf(msg, n, "expected mean > 0 and variance >= 0, got %g, %g", a, b);
        return -1;
    }
    r->dist = dist;
    r->cached = 0; /* a new distribution object in NEURON */
    r->a = a;
    r->b = dist == CL_HOCRAND_NEGEXP ? 0 : b;
    if (dist == CL_HOCRAND_NORMAL) {
        r->b = sqrt(b);
    } else if (dist == CL_HOCRAND_LOGNORMAL) {
        double m2 = a * a;
        r->a = log(m2 / sqrt(b + m2));
        r->b = sqrt(log((b + m2) / m2));
    }
    return 0;
}

double cl_hocrand_pick(cl_hocrand *r, unsigned gix) {
    switch (r->dist) {
    case CL_HOCRAND_UNIFORM: return r->a + (r->b - r->a) * cl_hocrand_uniform01(r, gix);
    case CL_HOCRAND_NORMAL: return normal01(r, gix) * r->b + r->a;
    /* libg++: pow(M_E, x), not exp(x) */
    case CL_HOCRAND_LOGNORMAL: return pow(2.71828182845904523536, normal01(r, gix) * r->b + r->a);
    default: return -r->a * log(cl_hocrand_uniform01(r, gix)); /* negexp */
    }
}
