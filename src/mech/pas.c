/* pas: passive leak, NEURON's src/nrnoc/passive.mod. */
#include "mech/mech.h"

enum { G, E, I, NV };
static const cl_mech_var vars[NV] = {
    [G] = {"g", CL_VAR_PARAM, .001}, [E] = {"e", CL_VAR_PARAM, -70}, [I] = {"i", CL_VAR_ASSIGNED, 0}};

static double current(double **p, int i, double v) {
    double cur = 0.;
    p[I][i] = p[G][i] * (v - p[E][i]);
    cur += p[I][i];
    return cur;
}

static void cur(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        int nd = b->node[i];
        double v = c->v[nd];
        double g = current(p, i, v + .001);
        double rhs = current(p, i, v);
        g = (g - rhs) / .001;
        c->rhs[nd] -= rhs;
        c->d[nd] += g;
    }
}

const cl_mech_type cl_mech_pas = {
    .name = "pas", .kind = CL_MECH_DENSITY, .nvar = NV, .vars = vars, .cur = cur};
