/* hoc's Random class as Blue Brain templates and BlueCelluLab use it:
 * seeding (Random123, MCellRan4, ACG, seq) and, with NEURON's Random123
 * generator, the draws uniform, normal, lognormal, negexp and repick with
 * the libg++ distributions NEURON 8.2 puts over nrnran123_dblpick (the
 * Normal's polar method caches its second value for the next pick).
 * Draws from the other generators are refused with a message. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_mech.h"
#include "hoc/interp.h"

enum { GEN_ACG, GEN_MCELL, GEN_R123 };
enum { DIST_NONE, DIST_UNIFORM, DIST_NORMAL, DIST_LOGNORMAL, DIST_NEGEXP };

typedef struct hoc_random {
    int gen;
    double id1, id2, id3, seq, which; /* the Random123 stream, as RANDOM's columns */
    int dist;
    double a, b; /* the distribution's parameters (normal: mean, standard deviation) */
    int cached;
    double cache;
} hoc_random;

static int nums(hoc_interp *h, const hoc_node *at, const char *fn, hoc_value *a, int n, int lo, int hi) {
    if (n < lo || n > hi) return hoc_fail(h, at, "Random.%s: expected %d to %d arguments, got %d", fn, lo, hi, n);
    for (int i = 0; i < n; i++)
        if (a[i].k != V_NUM) return hoc_fail(h, at, "Random.%s: argument %d must be a number", fn, i + 1);
    return 0;
}

static double uniform01(hoc_interp *h, hoc_random *r) {
    cl_mech_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.ran123_globalindex = h->sim ? cl_sim_random123_globalindex(h->sim) : 0;
    double *st[5] = {&r->id1, &r->id2, &r->id3, &r->seq, &r->which};
    return cl_ran123_uniform(&ctx, st, 0);
}

/* libg++'s Normal: the polar method, the second value kept for the next */
static double normal01(hoc_interp *h, hoc_random *r) {
    if (r->cached) {
        r->cached = 0;
        return r->cache;
    }
    for (;;) {
        double v1 = 2 * uniform01(h, r) - 1;
        double v2 = 2 * uniform01(h, r) - 1;
        double w = v1 * v1 + v2 * v2;
        if (w <= 1) {
            double y = sqrt((-2 * log(w)) / w);
            r->cache = v2 * y;
            r->cached = 1;
            return v1 * y;
        }
    }
}

static double pick(hoc_interp *h, hoc_random *r) {
    switch (r->dist) {
    case DIST_UNIFORM: return r->a + (r->b - r->a) * uniform01(h, r);
    case DIST_NORMAL: return normal01(h, r) * r->b + r->a;
    case DIST_LOGNORMAL: return pow(2.71828182845904523536, normal01(h, r) * r->b + r->a); /* libg++: pow(M_E, x), not exp(x) */
    default: return -r->a * log(uniform01(h, r)); /* negexp */
    }
}

static int random_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n,
                         hoc_value *ret) {
    hoc_random *r = o->data;
    ret->k = V_NUM;
    ret->num = 0;
    if (strcmp(m, "Random123") == 0) {
        if (nums(h, at, m, a, n, 0, 3)) return -1;
        r->gen = GEN_R123;
        r->id1 = n > 0 ? (double)cl_ran123_u32_(a[0].num) : 0;
        r->id2 = n > 1 ? (double)cl_ran123_u32_(a[1].num) : 0;
        r->id3 = n > 2 ? (double)cl_ran123_u32_(a[2].num) : 0;
        r->seq = r->which = 0;
        r->cached = 0;
        return 1;
    }
    if (strcmp(m, "MCellRan4") == 0 || strcmp(m, "ACG") == 0) {
        if (nums(h, at, m, a, n, 0, 2)) return -1;
        r->gen = m[0] == 'M' ? GEN_MCELL : GEN_ACG;
        ret->num = n ? a[0].num : 0; /* NEURON returns the seed */
        return 1;
    }
    if (strcmp(m, "Random123_globalindex") == 0) {
        if (nums(h, at, m, a, n, 0, 1)) return -1;
        if (n && h->sim) cl_sim_set_random123_globalindex(h->sim, (unsigned)cl_ran123_u32_(a[0].num));
        ret->num = h->sim ? cl_sim_random123_globalindex(h->sim) : 0;
        return 1;
    }
    if (strcmp(m, "seq") == 0) {
        if (nums(h, at, m, a, n, 0, 1)) return -1;
        if (r->gen != GEN_R123) return hoc_fail(h, at, "Random.seq: only the Random123 generator is supported"), -1;
        if (n) {
            double *st[5] = {&r->id1, &r->id2, &r->id3, &r->seq, &r->which};
            cl_ran123_setseq(st, 0, a[0].num); /* x = 4 * seq + which */
        }
        ret->num = r->seq * 4 + r->which;
        return 1;
    }
    int dist = strcmp(m, "uniform") == 0     ? DIST_UNIFORM
               : strcmp(m, "normal") == 0    ? DIST_NORMAL
               : strcmp(m, "lognormal") == 0 ? DIST_LOGNORMAL
               : strcmp(m, "negexp") == 0    ? DIST_NEGEXP
               : strcmp(m, "repick") == 0    ? DIST_NONE
                                             : -1;
    if (dist < 0) return 0;
    if (r->gen != GEN_R123)
        return hoc_fail(h, at, "Random.%s: draws are supported from the Random123 generator only (call "
                        "Random123(id1, id2, id3) first; %s is not reproduced)", m,
                        r->gen == GEN_MCELL ? "MCellRan4" : "the default ACG"), -1;
    if (dist == DIST_NONE) {
        if (nums(h, at, m, a, n, 0, 0)) return -1;
        if (r->dist == DIST_NONE) return hoc_fail(h, at, "Random.repick: no distribution chosen yet"), -1;
    } else {
        if (nums(h, at, m, a, n, dist == DIST_NEGEXP ? 1 : 2, dist == DIST_NEGEXP ? 1 : 2)) return -1;
        r->dist = dist;
        r->cached = 0; /* a new distribution object in NEURON */
        r->a = a[0].num;
        r->b = dist == DIST_NEGEXP ? 0 : a[1].num;
        if (dist == DIST_NORMAL) {
            if (!(r->b >= 0)) return hoc_fail(h, at, "Random.normal: the variance must be >= 0, got %g", r->b), -1;
            r->b = sqrt(r->b);
        } else if (dist == DIST_LOGNORMAL) {
            double mean = r->a, var = r->b, m2 = mean * mean;
            if (!(mean > 0 && var >= 0))
                return hoc_fail(h, at, "Random.lognormal: expected mean > 0 and variance >= 0, got %g, %g", mean, var), -1;
            r->a = log(m2 / sqrt(var + m2));
            r->b = sqrt(log((var + m2) / m2));
        }
    }
    ret->num = pick(h, r);
    return 1;
}

static int random_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    if (nums(h, at, "Random", a, n, 0, 2)) return -1;
    hoc_random *r = calloc(1, sizeof *r);
    if (!r) return hoc_fail(h, at, "out of memory");
    r->gen = GEN_ACG;
    o->data = r;
    return 0;
}

static void random_dtor(hoc_interp *h, hoc_object *o) {
    (void)h;
    free(o->data);
    o->data = NULL;
}

const hoc_class hoc_random_class = {"Random", random_ctor, random_dtor, random_method, NULL};
