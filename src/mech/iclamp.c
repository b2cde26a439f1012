/* IClamp: current injection from del to del+dur, NEURON's stim.mod.
 * An ELECTRODE_CURRENT: positive amp depolarises. Evaluated at t_{n+1/2}. */
#include "mech/mech.h"

enum { DEL, DUR, AMP, I, NV };
static const cl_mech_var vars[NV] = {
    [DEL] = {"del", CL_VAR_PARAM, 0}, [DUR] = {"dur", CL_VAR_PARAM, 0},
    [AMP] = {"amp", CL_VAR_PARAM, 0}, [I] = {"i", CL_VAR_ASSIGNED, 0}};

static double current(double **p, int i, double t) {
    double cur = 0.;
    if (t < p[DEL][i] + p[DUR][i] && t >= p[DEL][i]) {
        p[I][i] = p[AMP][i];
    } else {
        p[I][i] = 0.0;
    }
    cur += p[I][i];
    return cur;
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    (void)c;
    for (int i = 0; i < b->n; i++) b->var[I][i] = 0.0;
}

static void cur(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        int nd = b->node[i];
        double g = current(p, i, c->t);
        double rhs = current(p, i, c->t);
        g = (g - rhs) / .001;
        g *= 1.e2 / (c->area[nd]);
        rhs *= 1.e2 / (c->area[nd]);
        c->rhs[nd] += rhs;
        c->d[nd] -= g;
    }
}

const cl_mech_type cl_mech_iclamp = {.name = "IClamp", .kind = CL_MECH_POINT, .nvar = NV,
                                     .vars = vars, .electrode_current = 1, .init = init,
                                     .cur = cur};
