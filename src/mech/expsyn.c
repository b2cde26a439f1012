/* ExpSyn: conductance with a single exponential decay, NEURON's expsyn.mod. */
#include <math.h>

#include "mech/mech.h"

enum { TAU, E, I, G, NV };
static const cl_mech_var vars[NV] = {
    [TAU] = {"tau", CL_VAR_PARAM, 0.1}, [E] = {"e", CL_VAR_PARAM, 0},
    [I] = {"i", CL_VAR_ASSIGNED, 0},    [G] = {"g", CL_VAR_STATE, 0}};

static double current(double **p, int i, double v) {
    double cur = 0.;
    p[I][i] = p[G][i] * (v - p[E][i]);
    cur += p[I][i];
    return cur;
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    (void)c;
    for (int i = 0; i < b->n; i++) b->var[G][i] = 0.0;
}

static void cur(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        int nd = b->node[i];
        double v = c->v[nd];
        double g = current(p, i, v + .001);
        double rhs = current(p, i, v);
        g = (g - rhs) / .001;
        g *= 1.e2 / (c->area[nd]);
        rhs *= 1.e2 / (c->area[nd]);
        c->rhs[nd] -= rhs;
        c->d[nd] += g;
    }
}

static void state(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        double tau = p[TAU][i], g = p[G][i];
        p[G][i] = g + (1. - cl_hoc_exp(c->dt * ((-1.0) / tau))) * (-(0.0) / ((-1.0) / tau) - g);
    }
}

static void net_receive(const cl_mech_ctx *c, cl_mech_block *b, int i, double *w, double flag) {
    (void)c;
    (void)flag;
    b->var[G][i] = b->var[G][i] + w[0];
}

const cl_mech_type cl_mech_expsyn = {.name = "ExpSyn", .kind = CL_MECH_POINT, .nvar = NV,
                                     .vars = vars, .nweight = 1, .init = init, .cur = cur,
                                     .state = state, .net_receive = net_receive};
