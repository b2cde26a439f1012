/* APCount: counts threshold crossings at a location, NEURON's apcount.mod.
 * Checked after each step with the new voltage; time is t_{n+1} (no 1e-10). */
#include "mech/mech.h"

enum { N, THRESH, TIME, FIRING, NV };
static const cl_mech_var vars[NV] = {
    [N] = {"n", CL_VAR_PARAM, 0}, [THRESH] = {"thresh", CL_VAR_PARAM, -20},
    [TIME] = {"time", CL_VAR_PARAM, 0}, [FIRING] = {"firing", CL_VAR_ASSIGNED, 0}};

static void check(const cl_mech_ctx *c, cl_mech_block *b, int i) {
    double **p = b->var;
    double v = c->v[b->node[i]];
    if (v >= p[THRESH][i] && !p[FIRING][i]) {
        p[FIRING][i] = 1;
        p[TIME][i] = c->t;
        p[N][i] += 1.;
        if (b->user && b->user[i]) cl_event_list_push(b->user[i], c->t);
    }
    if (p[FIRING][i] && v < p[THRESH][i] && c->t > p[TIME][i]) p[FIRING][i] = 0;
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    for (int i = 0; i < b->n; i++) {
        b->var[N][i] = 0;
        b->var[FIRING][i] = 0;
        if (b->user && b->user[i]) ((cl_event_list *)b->user[i])->n = 0;
        check(c, b, i);
    }
}

static void state(const cl_mech_ctx *c, cl_mech_block *b) {
    for (int i = 0; i < b->n; i++) check(c, b, i);
}

const cl_mech_type cl_mech_apcount = {.name = "APCount", .kind = CL_MECH_POINT, .nvar = NV,
                                      .vars = vars, .init = init, .state = state};
