/* NMODL features compiled by cellulab's NMODL compiler against NEURON 8.2
 * (neuron_ext.py, MOD files in mods_ext/): TABLE in PROCEDUREs and
 * FUNCTIONs (DEPEND celsius, dt, a RANGE and a GLOBAL variable; usetable
 * 0 and 1), METHOD euler, INITIAL inside NET_RECEIVE and WATCH. Every
 * sample, the spike times and the connections' weights after each of three
 * runs. Expected bit-identical; the bound is 1e-6 mV.
 *
 * A second test checks cellulab's NMODL extensions (cellulab_play_count /
 * cellulab_play_time, cellulab_record_event / cellulab_record_clear) with
 * mods_ext/clx_*.mod (cellulab only) against the built-in VecStim and
 * APCount: equal spike and crossing times.
 *
 * usage: ext_compare LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab.h"
#include "soma_oracle.h"
#include "sim/sim.h"

static const char *lib, *refdir;

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

static double compare(int run, const char *name, const double *x, size_t n) {
    char path[1024], label[128];
    snprintf(path, sizeof path, "%s/run%d_%s.txt", refdir, run, name);
    snprintf(label, sizeof label, "run %d %s", run, name);
    return so_compare_file(path, label, x, n);
}

static void test_ext_oracle(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp ic, ls, ps, cc, ns1, ns2;
    cl_netcon nc1, nc2, nc3, spk;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_section_insert(s, soma, "tabk"));
    OK(cl_section_insert(s, soma, "eulh"));
    OK(cl_pp_new(s, "IClamp", soma, 0.5, &ic));
    OK(cl_pp_set(s, ic, "del", 20));
    OK(cl_pp_set(s, ic, "dur", 50));
    OK(cl_pp_set(s, ic, "amp", 0.12));
    OK(cl_pp_new(s, "LastSyn", soma, 0.5, &ls));
    OK(cl_pp_new(s, "PlainSyn", soma, 0.5, &ps));
    OK(cl_pp_new(s, "CrossCount", soma, 0.5, &cc));
    OK(cl_artcell_new(s, "NetStim", &ns1));
    OK(cl_artcell_new(s, "NetStim", &ns2));
    OK(cl_pp_set(s, ns1, "start", 5));
    OK(cl_pp_set(s, ns1, "interval", 7));
    OK(cl_pp_set(s, ns1, "number", 12));
    OK(cl_pp_set(s, ns1, "noise", 0));
    OK(cl_pp_set(s, ns2, "start", 8));
    OK(cl_pp_set(s, ns2, "interval", 13));
    OK(cl_pp_set(s, ns2, "number", 6));
    OK(cl_pp_set(s, ns2, "noise", 0));
    OK(cl_netcon_from_pp(s, ns1, ls, &nc1));
    OK(cl_netcon_set_delay(s, nc1, 1));
    OK(cl_netcon_set_weight(s, nc1, 0, 0.004));
    OK(cl_netcon_from_pp(s, ns2, ls, &nc2));
    OK(cl_netcon_set_delay(s, nc2, 2.25)); /* no tie with nc1 (see the report) */
    OK(cl_netcon_set_weight(s, nc2, 0, 0.006));
    OK(cl_netcon_from_pp(s, ns1, ps, &nc3));
    OK(cl_netcon_set_delay(s, nc3, 0.5));
    OK(cl_netcon_from_section(s, soma, 0.5, (cl_pp){0}, &spk));
    OK(cl_netcon_set_threshold(s, spk, -20));
    OK(cl_netcon_record(s, spk));
    static const char *const sec_vars[] = {"v", "n_tabk", "ninf_tabk", "r_eulh", "s_eulh"};
    static const char *const pp_names[] = {"i_ls", "i_ps", "cc_n", "cc_tup", "cc_tdown"};
    cl_rec rec[10];
    for (int k = 0; k < 5; k++) OK(cl_rec_section(s, soma, 0.5, sec_vars[k], 0, &rec[k]));
    OK(cl_rec_pp(s, ls, "i", 0, &rec[5]));
    OK(cl_rec_pp(s, ps, "i", 0, &rec[6]));
    OK(cl_rec_pp(s, cc, "n", 0, &rec[7]));
    OK(cl_rec_pp(s, cc, "tup", 0, &rec[8]));
    OK(cl_rec_pp(s, cc, "tdown", 0, &rec[9]));
    static const struct { double celsius, dt, usetable; } runs[3] = {{30, 0.025, 1}, {22, 0.0125, 1}, {30, 0.025, 0}};
    double worst = 0, spikes_worst = 0;
    size_t nspikes = 0;
    for (int r = 0; r < 3; r++) {
        OK(cl_netcon_set_weight(s, nc3, 0, 0.001));
        OK(cl_netcon_set_weight(s, nc3, 1, 5)); /* zeroed by finitialize (no INITIAL in its NET_RECEIVE) */
        OK(cl_netcon_set_weight(s, nc3, 2, 7));
        OK(cl_sim_set_celsius(s, runs[r].celsius));
        OK(cl_sim_set_dt(s, runs[r].dt));
        OK(cl_sim_set_global(s, "usetable_tabk", runs[r].usetable));
        OK(cl_sim_set_global(s, "usetable_eulh", runs[r].usetable));
        OK(cl_sim_run(s, 100));
        const double *x;
        size_t n;
        for (int k = 0; k < 10; k++) {
            OK(cl_rec_data(s, rec[k], &x, &n));
            worst = fmax(worst, compare(r + 1, k < 5 ? sec_vars[k] : pp_names[k - 5], x, n));
        }
        OK(cl_netcon_spikes(s, spk, &x, &n));
        nspikes += n;
        spikes_worst = fmax(spikes_worst, compare(r + 1, "spikes", x, n));
        double w[6];
        cl_netcon ncs[3] = {nc1, nc2, nc3};
        for (int k = 0; k < 6; k++) OK(cl_netcon_get_weight(s, ncs[k / 2], 1 + k % 2, &w[k]));
        spikes_worst = fmax(spikes_worst, compare(r + 1, "weights", w, 6));
    }
    printf("  worst sample difference %.3g, worst spike/weight difference %.3g (%zu spikes)\n", worst,
           spikes_worst, nspikes);
    assert_true(worst <= 1e-6);        /* the bound; expected 0 */
    assert_true(spikes_worst == 0.0);  /* spike times and weights identical */
    cl_sim_free(s);
}

/* The event list of the only point process of that type (test access to
 * the engine: the public cl_vecstim_play / cl_apcount_times take the
 * built-in types only). */
static cl_event_list *event_list(cl_sim *s, const char *type) {
    for (int i = 0; i < s->eng.npp; i++)
        if (strcmp(cl_eng_type(&s->eng, s->eng.pp[i].type)->name, type) == 0) return &s->eng.pp[i].ev;
    fail_msg("no %s", type);
    return NULL;
}

static void test_extensions(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp vs, vsx, syn, apc, apcx, ic;
    cl_netcon a, b;
    static const double times[] = {2, 7.3, 12.125, 19.7, 33.3333, 41.05, 41.05, 58.9, 77.77};
    const size_t nt = sizeof times / sizeof times[0];
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_artcell_new(s, "VecStim", &vs));
    OK(cl_artcell_new(s, "VecStimX", &vsx));
    OK(cl_pp_new(s, "ExpSyn", soma, 0.5, &syn));
    OK(cl_pp_new(s, "APCount", soma, 0.5, &apc));
    OK(cl_pp_new(s, "APCountX", soma, 0.5, &apcx));
    OK(cl_pp_new(s, "IClamp", soma, 0.5, &ic));
    OK(cl_pp_set(s, ic, "del", 60));
    OK(cl_pp_set(s, ic, "dur", 30));
    OK(cl_pp_set(s, ic, "amp", 1.0));
    OK(cl_vecstim_play(s, vs, times, nt));
    cl_event_list *l = event_list(s, "VecStimX");
    for (size_t i = 0; i < nt; i++) assert_int_equal(cl_event_list_push(l, times[i]), 0);
    OK(cl_netcon_from_pp(s, vs, syn, &a));
    OK(cl_netcon_set_weight(s, a, 0, 0.05));
    OK(cl_netcon_from_pp(s, vsx, (cl_pp){0}, &b));
    OK(cl_netcon_record(s, a));
    OK(cl_netcon_record(s, b));
    cl_rec rv;
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &rv));
    for (int run = 0; run < 2; run++) { /* the second run: lists cleared and refilled */
        OK(cl_sim_run(s, 100));
        const double *x, *y;
        size_t nx, ny;
        OK(cl_netcon_spikes(s, a, &x, &nx));
        OK(cl_netcon_spikes(s, b, &y, &ny));
        printf("  VecStim %zu events, VecStimX %zu\n", nx, ny);
        assert_int_equal(nx, nt);
        assert_int_equal(nx, ny);
        for (size_t i = 0; i < nx; i++) assert_true(x[i] == y[i]);
        OK(cl_rec_data(s, rv, &x, &nx));
        double vmax = -1e9;
        for (size_t i = 0; i < nx; i++) vmax = fmax(vmax, x[i]);
        printf("  max v %g mV\n", vmax);
        OK(cl_apcount_times(s, apc, &x, &nx));
        const cl_event_list *lx = event_list(s, "APCountX");
        double n1, n2;
        OK(cl_pp_get(s, apc, "n", &n1));
        OK(cl_pp_get(s, apcx, "n", &n2));
        printf("  APCount %zu crossings (n %g), APCountX %zu (n %g)\n", nx, n1, lx->n, n2);
        assert_true(nx > 1);
        assert_int_equal(nx, lx->n);
        assert_true(n1 == n2);
        for (size_t i = 0; i < nx; i++) assert_true(x[i] == lx->t[i]);
    }
    cl_sim_free(s);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: ext_compare LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ext_oracle), cmocka_unit_test(test_extensions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
