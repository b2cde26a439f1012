/* IntFire1: leaky integrate-and-fire artificial cell, NEURON's intfire1.mod.
 * m decays with tau between events; above 1 it fires and is refractory. */
#include <math.h>

#include "mech/mech.h"

enum { TAU, REFRAC, M, T0, REFRACTORY, NV };
static const cl_mech_var vars[NV] = {
    [TAU] = {"tau", CL_VAR_PARAM, 10}, [REFRAC] = {"refrac", CL_VAR_PARAM, 5},
    [M] = {"m", CL_VAR_ASSIGNED, 0},   [T0] = {"t0", CL_VAR_ASSIGNED, 0},
    [REFRACTORY] = {"refractory", CL_VAR_ASSIGNED, 0}};

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    for (int i = 0; i < b->n; i++) {
        b->var[M][i] = 0;
        b->var[T0][i] = c->t;
        b->var[REFRACTORY][i] = 0;
    }
}

static void net_receive(const cl_mech_ctx *c, cl_mech_block *b, int i, double *w, double flag) {
    double **p = b->var;
    double t = c->t;
    if (p[REFRACTORY][i] == 0) {
        p[M][i] = p[M][i] * cl_hoc_exp(-(t - p[T0][i]) / p[TAU][i]);
        p[T0][i] = t;
        p[M][i] = p[M][i] + w[0];
        if (p[M][i] > 1) {
            p[REFRACTORY][i] = 1;
            p[M][i] = 2;
            c->net_send(c->eng, b, i, w, t + p[REFRAC][i], p[REFRACTORY][i]);
            c->net_event(c->eng, b, i, t);
        }
    } else if (flag == 1) {
        p[T0][i] = t;
        p[REFRACTORY][i] = 0;
        p[M][i] = 0;
    }
}

const cl_mech_type cl_mech_intfire1 = {.name = "IntFire1", .kind = CL_MECH_ARTIFICIAL,
                                       .nvar = NV, .vars = vars, .nweight = 1,
                                       .emits_events = 1, .init = init,
                                       .net_receive = net_receive};
