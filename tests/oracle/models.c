/* The oracle models built with cellulab's public API: each is the twin of a
 * function in neuron_models.py. Every recorded vector is returned by name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models.h"

#define OK(call)                                                                   \
    do {                                                                           \
        if ((call) != CL_OK) {                                                     \
            fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, cl_sim_errmsg(s)); \
            abort();                                                               \
        }                                                                          \
    } while (0)

static void add(oracle_run *r, const char *name, cl_rec rec) {
    r->name[r->n] = name;
    r->rec[r->n] = rec;
    r->is_spikes[r->n] = 0;
    r->n++;
}

static void add_spikes(oracle_run *r, const char *name, cl_netcon nc) {
    r->name[r->n] = name;
    r->nc[r->n] = nc;
    r->is_spikes[r->n] = 1;
    r->n++;
}

int oracle_get(cl_sim *s, const oracle_run *r, int i, const double **data, size_t *n) {
    if (r->is_spikes[i]) return cl_netcon_spikes(s, r->nc[i], data, n);
    return cl_rec_data(s, r->rec[i], data, n);
}

static void run(cl_sim *s, double tstop, double celsius, int usetable) {
    OK(cl_sim_set_celsius(s, celsius));
    OK(cl_sim_set_global(s, "usetable_hh", usetable));
    OK(cl_sim_set_dt(s, 0.025));
    OK(cl_sim_set_v_init(s, -65));
    OK(cl_sim_run(s, tstop));
}

static cl_rec rec(cl_sim *s, cl_section sec, double x, const char *var, double dt) {
    cl_rec r;
    OK(cl_rec_section(s, sec, x, var, dt, &r));
    return r;
}

static cl_rec rec_t(cl_sim *s, double dt) {
    cl_rec r;
    OK(cl_rec_time(s, dt, &r));
    return r;
}

void oracle_hh1(cl_sim *s, double celsius, oracle_run *r) {
    cl_cell cell;
    cl_section soma;
    cl_pp stim;
    OK(cl_cell_new(s, "hh1", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_pp_new(s, "IClamp", soma, 0.5, &stim));
    OK(cl_pp_set(s, stim, "del", 2));
    OK(cl_pp_set(s, stim, "dur", 40));
    OK(cl_pp_set(s, stim, "amp", 0.15));
    add(r, "t", rec_t(s, 0));
    add(r, "v", rec(s, soma, 0.5, "v", 0));
    add(r, "m_hh", rec(s, soma, 0.5, "m_hh", 0));
    add(r, "ina", rec(s, soma, 0.5, "ina", 0));
    run(s, 50, celsius, 1);
}

void oracle_headline(cl_sim *s, int usetable, oracle_run *r) {
    cl_cell cell;
    cl_stim stim;
    cl_section soma, dend;
    OK(cl_cell_ballstick(s, &cell));
    OK(cl_cell_add_step(s, cell, 5.0, 20.0, 0.5, &stim));
    OK(cl_cell_section(s, cell, "soma[0]", &soma));
    OK(cl_cell_section(s, cell, "dend[0]", &dend));
    add(r, "t", rec_t(s, 0));
    add(r, "v", rec(s, soma, 0.5, "v", 0));
    add(r, "v_dend", rec(s, dend, 0.5, "v", 0));
    add(r, "t_dt0.1", rec_t(s, 0.1));
    add(r, "v_dt0.1", rec(s, soma, 0.5, "v", 0.1));
    run(s, 25, 34, usetable);
}

static cl_pp pp(cl_sim *s, const char *mech, cl_section sec, double x) {
    cl_pp p;
    OK(cl_pp_new(s, mech, sec, x, &p));
    return p;
}

void oracle_synapses(cl_sim *s, int usetable, oracle_run *r) {
    cl_cell cell;
    cl_section soma, dend;
    OK(cl_cell_ballstick(s, &cell));
    OK(cl_cell_section(s, cell, "soma[0]", &soma));
    OK(cl_cell_section(s, cell, "dend[0]", &dend));
    /* three ExpSyns on one node: NEURON sums them newest first */
    cl_pp syn[6] = {pp(s, "ExpSyn", dend, 0.9), pp(s, "ExpSyn", dend, 1.0),
                    pp(s, "Exp2Syn", dend, 0.9), pp(s, "Exp2Syn", dend, 1.0),
                    pp(s, "ExpSyn", dend, 0.9), pp(s, "ExpSyn", dend, 0.9)};
    OK(cl_pp_set(s, syn[0], "tau", 2));
    OK(cl_pp_set(s, syn[1], "tau", 3));
    OK(cl_pp_set(s, syn[1], "e", -10));
    OK(cl_pp_set(s, syn[2], "tau1", 0.5));
    OK(cl_pp_set(s, syn[2], "tau2", 5));
    OK(cl_pp_set(s, syn[3], "tau1", 1));
    OK(cl_pp_set(s, syn[3], "tau2", 8));
    OK(cl_pp_set(s, syn[4], "tau", 0.7));
    OK(cl_pp_set(s, syn[5], "tau", 1.1));
    cl_pp ns;
    OK(cl_artcell_new(s, "NetStim", &ns));
    OK(cl_pp_set(s, ns, "start", 3));
    OK(cl_pp_set(s, ns, "interval", 12.5));
    OK(cl_pp_set(s, ns, "number", 6));
    const double delay[6] = {1, 2.5, 0.7, 4, 1.7, 3.3};
    const double weight[6] = {0.02, 0.015, 0.01, 0.012, 0.0137, 0.0071};
    cl_netcon nc[6], det;
    for (int i = 0; i < 6; i++) {
        OK(cl_netcon_from_pp(s, ns, syn[i], &nc[i]));
        OK(cl_netcon_set_delay(s, nc[i], delay[i]));
        OK(cl_netcon_set_weight(s, nc[i], 0, weight[i]));
    }
    OK(cl_netcon_from_section(s, soma, 0.5, (cl_pp){0}, &det));
    OK(cl_netcon_set_threshold(s, det, -20));
    OK(cl_netcon_record(s, det));
    OK(cl_netcon_record(s, nc[0]));
    cl_pp ifire;
    cl_netcon nc_in, nc_det, nc_out;
    OK(cl_artcell_new(s, "IntFire1", &ifire));
    OK(cl_pp_set(s, ifire, "tau", 4));
    OK(cl_pp_set(s, ifire, "refrac", 2));
    OK(cl_netcon_from_pp(s, ns, ifire, &nc_in));
    OK(cl_netcon_set_delay(s, nc_in, 0.5));
    OK(cl_netcon_set_weight(s, nc_in, 0, 0.7));
    OK(cl_netcon_from_section(s, soma, 0.5, ifire, &nc_det)); /* shares det's source */
    OK(cl_netcon_set_delay(s, nc_det, 1.5));
    OK(cl_netcon_set_weight(s, nc_det, 0, 0.3));
    OK(cl_netcon_from_pp(s, ifire, (cl_pp){0}, &nc_out));
    OK(cl_netcon_record(s, nc_out));
    add(r, "t", rec_t(s, 0));
    add(r, "v", rec(s, soma, 0.5, "v", 0));
    add(r, "v_dend09", rec(s, dend, 0.9, "v", 0));
    add(r, "v_dend1", rec(s, dend, 1.0, "v", 0));
    cl_rec g2;
    OK(cl_rec_pp(s, syn[2], "g", 0, &g2));
    add(r, "g_exp2syn09", g2);
    add_spikes(r, "spikes", det);
    add_spikes(r, "netstim_spikes", nc[0]);
    add_spikes(r, "intfire1_spikes", nc_out);
    run(s, 80, 34, usetable);
}

static cl_section sec_new(cl_sim *s, cl_cell cell, const char *name) {
    cl_section sec;
    OK(cl_section_new(s, cell, name, &sec));
    return sec;
}

void oracle_tree(cl_sim *s, oracle_run *r, cl_section secs[ORACLE_TREE_NSEC]) {
    cl_cell cell;
    OK(cl_cell_new(s, "tree", &cell));
    cl_section soma = sec_new(s, cell, "soma"), a = sec_new(s, cell, "a"), b = sec_new(s, cell, "b"),
               c = sec_new(s, cell, "c"), d = sec_new(s, cell, "d"), e = sec_new(s, cell, "e"),
               f = sec_new(s, cell, "f"), g = sec_new(s, cell, "g"), k = sec_new(s, cell, "k");
    OK(cl_section_pt3dadd(s, soma, 0, 0, 0, 14));
    OK(cl_section_pt3dadd(s, soma, 7, 1, 0, 17));
    OK(cl_section_pt3dadd(s, soma, 15, 0, 0.5, 12));
    OK(cl_section_set_nseg(s, soma, 3));
    OK(cl_section_pt3dadd(s, a, 15, 0, 0.5, 4));
    OK(cl_section_pt3dadd(s, a, 60, 10, 2, 3.1));
    OK(cl_section_pt3dadd(s, a, 130, 25, 3, 2.2));
    OK(cl_section_set_nseg(s, a, 7));
    OK(cl_section_set_L(s, b, 90));
    OK(cl_section_set_diam(s, b, 1.5));
    OK(cl_section_set_nseg(s, b, 4));
    OK(cl_section_pt3dadd(s, c, 0, 0, 0, 2.5));
    OK(cl_section_pt3dadd(s, c, 0, 40, 0, 1.0));
    OK(cl_section_set_nseg(s, c, 5));
    OK(cl_section_set_L(s, d, 55));
    OK(cl_section_set_diam(s, d, 0.9));
    OK(cl_section_set_nseg(s, d, 2));
    OK(cl_section_pt3dadd(s, e, 0, 0, 0, 1.2));
    OK(cl_section_pt3dadd(s, e, 10, 3, 0, 1.1));
    OK(cl_section_pt3dadd(s, e, 25, 3, 4, 0.7));
    OK(cl_section_pt3dadd(s, e, 50, 6, 4, 0.5));
    OK(cl_section_set_nseg(s, e, 6));
    OK(cl_section_set_L(s, f, 30));
    OK(cl_section_set_diam(s, f, 0.8));
    OK(cl_section_set_nseg(s, f, 3));
    OK(cl_section_set_L(s, g, 20));
    OK(cl_section_set_diam(s, g, 1.1));
    OK(cl_section_set_L(s, k, 35));
    OK(cl_section_set_diam(s, k, 0.7));
    OK(cl_section_set_nseg(s, k, 2));
    OK(cl_section_connect(s, a, soma, 1));
    OK(cl_section_connect(s, b, soma, 0.5));
    OK(cl_section_connect(s, c, a, 0.3));
    OK(cl_section_connect(s, d, a, 1));
    OK(cl_section_connect(s, e, a, 1));
    OK(cl_section_connect(s, f, c, 0.77));
    OK(cl_section_connect(s, g, soma, 0)); /* on the root node */
    OK(cl_section_connect(s, k, b, 0));    /* on b's parent node */
    cl_section hhs[3] = {soma, a, d}, pass[6] = {b, c, e, f, g, k};
    for (int i = 0; i < 3; i++) OK(cl_section_insert(s, hhs[i], "hh"));
    for (int i = 0; i < 6; i++) {
        OK(cl_section_insert(s, pass[i], "pas"));
        OK(cl_section_set(s, pass[i], "g_pas", 2e-4));
        OK(cl_section_set(s, pass[i], "e_pas", -65));
    }
    OK(cl_section_set_Ra(s, b, 120));
    OK(cl_section_set_cm(s, e, 1.5));
    cl_pp stim = pp(s, "IClamp", soma, 0.5), stim2 = pp(s, "IClamp", f, 1);
    OK(cl_pp_set(s, stim, "del", 1));
    OK(cl_pp_set(s, stim, "dur", 20));
    OK(cl_pp_set(s, stim, "amp", 2.5));
    OK(cl_pp_set(s, stim2, "del", 10));
    OK(cl_pp_set(s, stim2, "dur", 5));
    OK(cl_pp_set(s, stim2, "amp", 0.05));
    cl_pp clamp = pp(s, "SEClamp", d, 0.5), apc = pp(s, "APCount", soma, 0.5);
    OK(cl_pp_set(s, clamp, "rs", 2));
    OK(cl_pp_set(s, clamp, "dur1", 25));
    OK(cl_pp_set(s, clamp, "amp1", -70));
    OK(cl_pp_set(s, clamp, "dur2", 5));
    OK(cl_pp_set(s, clamp, "amp2", -30));
    OK(cl_pp_set(s, apc, "thresh", -20));
    r->apcount = apc;
    add(r, "t", rec_t(s, 0));
    cl_rec ic;
    OK(cl_rec_pp(s, clamp, "i", 0, &ic));
    add(r, "i_seclamp", ic);
    static const char *names[ORACLE_TREE_NSEC] = {"soma", "a", "b", "c", "d", "e", "f", "g", "k"};
    static char recname[3 * ORACLE_TREE_NSEC][16];
    cl_section all[ORACLE_TREE_NSEC] = {soma, a, b, c, d, e, f, g, k};
    const double xs[3] = {0, 0.5, 1};
    for (int i = 0; i < ORACLE_TREE_NSEC; i++) {
        secs[i] = all[i];
        for (int k = 0; k < 3; k++) {
            snprintf(recname[i * 3 + k], sizeof recname[0], "v_%s_%g", names[i], xs[k]);
            add(r, recname[i * 3 + k], rec(s, all[i], xs[k], "v", 0));
        }
    }
    run(s, 40, 34, 1);
}

/* Twin of model_ties: simultaneous events in NEURON's queue order. */
void oracle_ties(cl_sim *s, oracle_run *r) {
    cl_cell cell;
    cl_section soma;
    OK(cl_cell_new(s, "ties", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "pas"));
    cl_pp syn = pp(s, "ExpSyn", soma, 0.5), syns[3];
    OK(cl_pp_set(s, syn, "tau", 2));
    for (int i = 0; i < 3; i++) syns[i] = pp(s, "ExpSyn", soma, 0.5);
    const double start[4] = {10, 12, 13, 11}, delay[4] = {5, 3, 1, 4}, w[4] = {0.1, 0.7, 0.3, 0.05};
    for (int i = 0; i < 4; i++) {
        cl_pp ns;
        cl_netcon nc;
        OK(cl_artcell_new(s, "NetStim", &ns));
        OK(cl_pp_set(s, ns, "start", start[i]));
        OK(cl_pp_set(s, ns, "number", 1));
        OK(cl_netcon_from_pp(s, ns, syn, &nc));
        OK(cl_netcon_set_delay(s, nc, delay[i]));
        OK(cl_netcon_set_weight(s, nc, 0, w[i]));
    }
    cl_pp fan, extra;
    cl_netcon nc;
    OK(cl_artcell_new(s, "NetStim", &fan));
    OK(cl_pp_set(s, fan, "start", 9));
    OK(cl_pp_set(s, fan, "number", 1));
    const double fw[3] = {0.2, 0.9, 0.4};
    for (int i = 0; i < 3; i++) {
        OK(cl_netcon_from_pp(s, fan, syns[i], &nc));
        OK(cl_netcon_set_delay(s, nc, 6));
        OK(cl_netcon_set_weight(s, nc, 0, fw[i]));
    }
    OK(cl_artcell_new(s, "NetStim", &extra));
    OK(cl_pp_set(s, extra, "start", 14));
    OK(cl_pp_set(s, extra, "number", 1));
    OK(cl_netcon_from_pp(s, extra, syns[1], &nc));
    OK(cl_netcon_set_delay(s, nc, 1));
    OK(cl_netcon_set_weight(s, nc, 0, 0.33));
    add(r, "t", rec_t(s, 0));
    add(r, "v", rec(s, soma, 0.5, "v", 0));
    cl_rec g, g1;
    OK(cl_rec_pp(s, syn, "g", 0, &g));
    OK(cl_rec_pp(s, syns[1], "g", 0, &g1));
    add(r, "g", g);
    add(r, "g1", g1);
    run(s, 30, 34, 1);
}
