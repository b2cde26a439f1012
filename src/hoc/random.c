/* hoc's Random class as Blue Brain templates and BlueCelluLab use it (the
 * stream and its draws: src/stim/hocrand.c, shared with the network inputs):
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
#include "stim/hocrand.h"

enum { GEN_ACG, GEN_MCELL, GEN_R123 };

typedef struct hoc_random {
    int gen;
    cl_hocrand r; /* the Random123 stream and its distribution (src/stim/hocrand.c) */
} hoc_random;

static int nums(hoc_interp *h, const hoc_node *at, const char *fn, hoc_value *a, int n, int lo, int hi) {
    if (n < lo || n > hi) return hoc_fail(h, at, "Random.%s: expected %d to %d arguments, got %d", fn, lo, hi, n);
    for (int i = 0; i < n; i++)
        if (a[i].k != V_NUM) return hoc_fail(h, at, "Random.%s: argument %d must be a number", fn, i + 1);
    return 0;
}

static unsigned gix(hoc_interp *h) { return h->sim ? cl_sim_random123_globalindex(h->sim) : 0; }

static int random_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n,
                         hoc_value *ret) {
    hoc_random *r = o->data;
    ret->k = V_NUM;
    ret->num = 0;
    if (strcmp(m, "Random123") == 0) {
        if (nums(h, at, m, a, n, 0, 3)) return -1;
        r->gen = GEN_R123;
        cl_hocrand_random123(&r->r, n > 0 ? a[0].num : 0, n > 1 ? a[1].num : 0, n > 2 ? a[2].num : 0);
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
            double *st[5] = {&r->r.id1, &r->r.id2, &r->r.id3, &r->r.seq, &r->r.which};
            cl_ran123_setseq(st, 0, a[0].num); /* x = 4 * seq + which */
        }
        ret->num = r->r.seq * 4 + r->r.which;
        return 1;
    }
    int dist = strcmp(m, "uniform") == 0     ? CL_HOCRAND_UNIFORM
               : strcmp(m, "normal") == 0    ? CL_HOCRAND_NORMAL
               : strcmp(m, "lognormal") == 0 ? CL_HOCRAND_LOGNORMAL
               : strcmp(m, "negexp") == 0    ? CL_HOCRAND_NEGEXP
               : strcmp(m, "repick") == 0    ? CL_HOCRAND_NONE
                                             : -1;
    if (dist < 0) return 0;
    if (r->gen != GEN_R123)
        return hoc_fail(h, at, "Random.%s: draws are supported from the Random123 generator only (call "
                        "Random123(id1, id2, id3) first; %s is not reproduced)", m,
                        r->gen == GEN_MCELL ? "MCellRan4" : "the default ACG"), -1;
    if (dist == CL_HOCRAND_NONE) {
        if (nums(h, at, m, a, n, 0, 0)) return -1;
        if (r->r.dist == CL_HOCRAND_NONE) return hoc_fail(h, at, "Random.repick: no distribution chosen yet"), -1;
    } else {
        int neg = dist == CL_HOCRAND_NEGEXP;
        if (nums(h, at, m, a, n, neg ? 1 : 2, neg ? 1 : 2)) return -1;
        char msg[128];
        if (cl_hocrand_set(&r->r, dist, a[0].num, neg ? 0 : a[1].num, msg, sizeof msg))
            return hoc_fail(h, at, "Random.%s: %s", m, msg), -1;
    }
    ret->num = cl_hocrand_pick(&r->r, gix(h));
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
