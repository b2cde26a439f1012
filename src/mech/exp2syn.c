/* Exp2Syn: difference of two exponentials, NEURON's exp2syn.mod. */
#include <math.h>

#include "mech/mech.h"

enum { TAU1, TAU2, E, I, G, FACTOR, A, B, NV };
static const cl_mech_var vars[NV] = {
    [TAU1] = {"tau1", CL_VAR_PARAM, 0.1}, [TAU2] = {"tau2", CL_VAR_PARAM, 10},
    [E] = {"e", CL_VAR_PARAM, 0},         [I] = {"i", CL_VAR_ASSIGNED, 0},
    [G] = {"g", CL_VAR_ASSIGNED, 0},      [FACTOR] = {"factor", CL_VAR_ASSIGNED, 0},
    [A] = {"A", CL_VAR_STATE, 0},         [B] = {"B", CL_VAR_STATE, 0}};

static double current(double **p, int i, double v) {
    double cur = 0.;
    p[G][i] = p[B][i] - p[A][i];
    p[I][i] = p[G][i] * (v - p[E][i]);
    cur += p[I][i];
    return cur;
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    (void)c;
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        if (p[TAU1][i] / p[TAU2][i] > .9999) p[TAU1][i] = 0.9999 * p[TAU2][i];
        if (p[TAU1][i] / p[TAU2][i] < 1e-9) p[TAU1][i] = p[TAU2][i] * 1e-9;
        p[A][i] = 0.0;
        p[B][i] = 0.0;
        double tau1 = p[TAU1][i], tau2 = p[TAU2][i];
        double tp = (tau1 * tau2) / (tau2 - tau1) * log(tau2 / tau1);
        double factor = -cl_hoc_exp(-tp / tau1) + cl_hoc_exp(-tp / tau2);
        p[FACTOR][i] = 1.0 / factor;
    }
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
    double dt = c->dt;
    for (int i = 0; i < b->n; i++) {
        double tau1 = p[TAU1][i], tau2 = p[TAU2][i], a = p[A][i], bb = p[B][i];
        p[A][i] = a + (1. - cl_hoc_exp(dt * ((-1.0) / tau1))) * (-(0.0) / ((-1.0) / tau1) - a);
        p[B][i] = bb + (1. - cl_hoc_exp(dt * ((-1.0) / tau2))) * (-(0.0) / ((-1.0) / tau2) - bb);
    }
}

static void net_receive(const cl_mech_ctx *c, cl_mech_block *b, int i, double *w, double flag) {
    (void)c;
    (void)flag;
    double **p = b->var;
    p[A][i] = p[A][i] + w[0] * p[FACTOR][i];
    p[B][i] = p[B][i] + w[0] * p[FACTOR][i];
}

const cl_mech_type cl_mech_exp2syn = {.name = "Exp2Syn", .kind = CL_MECH_POINT, .nvar = NV,
                                      .vars = vars, .nweight = 1, .init = init, .cur = cur,
                                      .state = state, .net_receive = net_receive};
