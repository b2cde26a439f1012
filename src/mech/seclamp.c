/* SEClamp: single-electrode voltage clamp with series resistance rs and three
 * levels, NEURON's svclmp.mod. i is the current the clamp injects (nA). */
#include "mech/mech.h"

enum { RS, DUR1, AMP1, DUR2, AMP2, DUR3, AMP3, I, VC, TC2, TC3, ON, NV };
static const cl_mech_var vars[NV] = {
    [RS] = {"rs", CL_VAR_PARAM, 1},       [DUR1] = {"dur1", CL_VAR_PARAM, 0},
    [AMP1] = {"amp1", CL_VAR_PARAM, 0},   [DUR2] = {"dur2", CL_VAR_PARAM, 0},
    [AMP2] = {"amp2", CL_VAR_PARAM, 0},   [DUR3] = {"dur3", CL_VAR_PARAM, 0},
    [AMP3] = {"amp3", CL_VAR_PARAM, 0},   [I] = {"i", CL_VAR_ASSIGNED, 0},
    [VC] = {"vc", CL_VAR_ASSIGNED, 0},    [TC2] = {"tc2", CL_VAR_ASSIGNED, 0},
    [TC3] = {"tc3", CL_VAR_ASSIGNED, 0},  [ON] = {"on", CL_VAR_ASSIGNED, 0}};

static void icur(double **p, int i, double v) {
    if (p[ON][i]) {
        p[I][i] = (p[VC][i] - v) / p[RS][i];
    } else {
        p[I][i] = 0.0;
    }
}

static double current(double **p, int i, double v, double t) {
    double cur = 0.;
    p[ON][i] = 1.0;
    if (t < p[DUR1][i]) {
        p[VC][i] = p[AMP1][i];
    } else if (t < p[TC2][i]) {
        p[VC][i] = p[AMP2][i];
    } else if (t < p[TC3][i]) {
        p[VC][i] = p[AMP3][i];
    } else {
        p[VC][i] = 0.0;
        p[ON][i] = 0.0;
    }
    icur(p, i, v);
    cur += p[I][i];
    return cur;
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    (void)c;
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        p[TC2][i] = p[DUR1][i] + p[DUR2][i];
        p[TC3][i] = p[TC2][i] + p[DUR3][i];
        p[ON][i] = 0.0;
    }
}

static void cur(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        int nd = b->node[i];
        double v = c->v[nd];
        double g = current(p, i, v + .001, c->t);
        double rhs = current(p, i, v, c->t);
        g = (g - rhs) / .001;
        g *= 1.e2 / (c->area[nd]);
        rhs *= 1.e2 / (c->area[nd]);
        c->rhs[nd] += rhs;
        c->d[nd] -= g;
    }
}

/* SOLVE icur METHOD after_cvode: i with the new voltage. */
static void state(const cl_mech_ctx *c, cl_mech_block *b) {
    for (int i = 0; i < b->n; i++) icur(b->var, i, c->v[b->node[i]]);
}

const cl_mech_type cl_mech_seclamp = {.name = "SEClamp", .kind = CL_MECH_POINT, .nvar = NV,
                                      .vars = vars, .electrode_current = 1, .init = init,
                                      .cur = cur, .state = state};
