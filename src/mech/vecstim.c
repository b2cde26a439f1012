/* VecStim: replays a list of spike times (the vecevent.mod found in model
 * sets). net_send(etime - t, 1) is compiled by nocmodl as t + etime - t,
 * that is (t + etime) - t, which is not always etime: kept as is. */
#include "mech/mech.h"

enum { INDEX, ETIME, NV };
static const cl_mech_var vars[NV] = {[INDEX] = {"index", CL_VAR_ASSIGNED, 0},
                                     [ETIME] = {"etime", CL_VAR_ASSIGNED, 0}};

static void element(cl_mech_block *b, int i) {
    double **p = b->var;
    int k = (int)p[INDEX][i];
    if (k < 0) return;
    const cl_event_list *l = b->user ? b->user[i] : NULL;
    if (l && (size_t)k < l->n) {
        p[ETIME][i] = l->t[k];
        p[INDEX][i] += 1.;
    } else {
        p[INDEX][i] = -1.;
    }
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    for (int i = 0; i < b->n; i++) {
        b->var[INDEX][i] = 0;
        element(b, i);
        if (b->var[INDEX][i] > 0)
            c->net_send(c->eng, b, i, NULL, c->t + b->var[ETIME][i] - c->t, 1.0);
    }
}

static void net_receive(const cl_mech_ctx *c, cl_mech_block *b, int i, double *w, double flag) {
    if (flag == 1) {
        c->net_event(c->eng, b, i, c->t);
        element(b, i);
        if (b->var[INDEX][i] > 0)
            c->net_send(c->eng, b, i, w, c->t + b->var[ETIME][i] - c->t, 1.0);
    }
}

const cl_mech_type cl_mech_vecstim = {.name = "VecStim", .kind = CL_MECH_ARTIFICIAL,
                                      .nvar = NV, .vars = vars, .nweight = 1,
                                      .emits_events = 1, .init = init,
                                      .net_receive = net_receive};
