/* NetStim: a regular spike generator, NEURON's netstim.mod with noise = 0.
 * (noise > 0 needs the random streams of a later issue and is refused.) */
#include "mech/mech.h"

enum { INTERVAL, NUMBER, START, NOISE, EVENT, ON, ISPIKE, NV };
static const cl_mech_var vars[NV] = {
    [INTERVAL] = {"interval", CL_VAR_PARAM, 10}, [NUMBER] = {"number", CL_VAR_PARAM, 10},
    [START] = {"start", CL_VAR_PARAM, 50},       [NOISE] = {"noise", CL_VAR_PARAM, 0},
    [EVENT] = {"event", CL_VAR_ASSIGNED, 0},     [ON] = {"on", CL_VAR_ASSIGNED, 0},
    [ISPIKE] = {"ispike", CL_VAR_ASSIGNED, 0}};

static double invl(double **p, int i, double mean) {
    if (mean <= 0.) mean = .01;
    (void)p;
    (void)i;
    return mean; /* noise == 0 */
}

static void init_sequence(double **p, int i) {
    if (p[NUMBER][i] > 0) {
        p[ON][i] = 1;
        p[EVENT][i] = 0;
        p[ISPIKE][i] = 0;
    }
}

static void next_invl(double **p, int i) {
    if (p[NUMBER][i] > 0) p[EVENT][i] = invl(p, i, p[INTERVAL][i]);
    if (p[ISPIKE][i] >= p[NUMBER][i]) p[ON][i] = 0;
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        p[ON][i] = 0;
        p[ISPIKE][i] = 0;
        if (p[NOISE][i] < 0) p[NOISE][i] = 0;
        if (p[NOISE][i] > 1) p[NOISE][i] = 1;
        if (p[START][i] >= 0 && p[NUMBER][i] > 0) {
            p[ON][i] = 1;
            p[EVENT][i] = p[START][i] + invl(p, i, p[INTERVAL][i]) -
                          p[INTERVAL][i] * (1. - p[NOISE][i]);
            if (p[EVENT][i] < 0) p[EVENT][i] = 0;
            c->net_send(c->eng, b, i, NULL, c->t + p[EVENT][i], 3.0);
        }
    }
}

static void net_receive(const cl_mech_ctx *c, cl_mech_block *b, int i, double *w, double flag) {
    double **p = b->var;
    if (flag == 0) {
        if (w[0] > 0 && p[ON][i] == 0) {
            init_sequence(p, i);
            next_invl(p, i);
            p[EVENT][i] = p[EVENT][i] - p[INTERVAL][i] * (1. - p[NOISE][i]);
            c->net_send(c->eng, b, i, w, c->t + p[EVENT][i], 1.0);
        } else if (w[0] < 0) {
            p[ON][i] = 0;
        }
    }
    if (flag == 3) {
        if (p[ON][i] == 1) {
            init_sequence(p, i);
            c->net_send(c->eng, b, i, w, c->t + 0.0, 1.0);
        }
    }
    if (flag == 1 && p[ON][i] == 1) {
        p[ISPIKE][i] = p[ISPIKE][i] + 1;
        c->net_event(c->eng, b, i, c->t);
        next_invl(p, i);
        if (p[ON][i] == 1) c->net_send(c->eng, b, i, w, c->t + p[EVENT][i], 1.0);
    }
}

const cl_mech_type cl_mech_netstim = {.name = "NetStim", .kind = CL_MECH_ARTIFICIAL,
                                      .nvar = NV, .vars = vars, .nweight = 1,
                                      .emits_events = 1, .init = init,
                                      .net_receive = net_receive};
