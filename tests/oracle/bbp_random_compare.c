/* cellulab's maintained Blue Brain mechanisms (mod/bbp: RANDOM instead of
 * VERBATIM) against their VERBATIM originals under NEURON 8.2, and its
 * RANDOM streams against NEURON's nrnran123 (neuron_bbp_random.py writes
 * the references; build_bbp_random.sh builds both sides, cellulab's from
 * the original files, which build-mechanisms must replace).
 *
 * - draws: every ipick/dblpick/negexp/normal of NEURON's nrnran123 for 4
 *   streams (global index, ids, start seq/which; one wraps seq at 2^32),
 *   replayed with cellulab_mech.h's cl_ran123_*: equal bit for bit.
 * - per mechanism: v and g at every step for 1 s, the synapse's occupied
 *   sites (Prob*), and where its stream stands after the run (the next 4
 *   urand() of NEURON against the draws from cellulab's rng_* variables):
 *   the bound is 1e-6 mV; expected 0 (same operations in the same
 *   order), and the draws must be equal.
 *
 * usage: bbp_random_compare LIBMECH.so REFDIR BUILD_OUT */
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
#include "cellulab_mech.h"
#include "soma_oracle.h"

static const char *lib, *refdir, *buildout;

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

static void test_draws(void **state) {
    (void)state;
    char path[1024], line[256];
    snprintf(path, sizeof path, "%s/draws.txt", refdir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    double col[5] = {0};
    double *st[5] = {&col[0], &col[1], &col[2], &col[3], &col[4]};
    cl_mech_ctx c = {0};
    int ndraw = 0, nstream = 0, bad = 0;
    while (fgets(line, sizeof line, f)) {
        char kind;
        double gix, a, b, d, seq, which, val;
        if (sscanf(line, "S %lf %lf %lf %lf %lf %lf", &gix, &a, &b, &d, &seq, &which) == 6) {
            c.ran123_globalindex = (unsigned int)gix;
            cl_ran123_setids(st, 0, a, b, d);
            cl_ran123_setseq(st, 0, 4 * seq + which); /* nrnran123_setseq(s, seq, which) */
            nstream++;
            continue;
        }
        assert_int_equal(sscanf(line, "%c %lf", &kind, &val), 2);
        double x = kind == 'i' ? (double)cl_ran123_ipick(&c, st, 0)
                 : kind == 'u' ? cl_ran123_uniform(&c, st, 0)
                 : kind == 'e' ? cl_ran123_negexp(&c, st, 0)
                               : cl_ran123_normal(&c, st, 0);
        if (x != val) {
            if (bad++ < 5) printf("stream %d draw %c: cellulab %.17g NEURON %.17g\n", nstream, kind, x, val);
        }
        ndraw++;
    }
    fclose(f);
    printf("nrnran123: %d draws of %d streams, %d differ\n", ndraw, nstream, bad);
    assert_int_equal(nstream, 4);
    assert_int_equal(ndraw, 240);
    assert_int_equal(bad, 0);
}

/* One soma with mechanism mech driven by a VecStim, as neuron_bbp_random.py
 * (variant 1: Fac 0; Prob*: Nrrp 5, init_depleted, minis_single_vesicle
 * with nc_type 1). */
static double run_mech(const char *mech, int variant) {
    char dir[128];
    snprintf(dir, sizeof dir, "%s%s", mech, variant ? "_variant" : "");
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp syn, vs;
    cl_netcon nc;
    int prob = strncmp(mech, "Prob", 4) == 0;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_sim_set_random123_globalindex(s, 5));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_pp_new(s, mech, soma, 0.5, &syn));
    OK(cl_pp_set(s, syn, "Use", 0.5));
    OK(cl_pp_set(s, syn, "Dep", 150));
    OK(cl_pp_set(s, syn, "Fac", 30));
    if (strstr(mech, "GABAAB")) OK(cl_pp_set(s, syn, "GABAB_ratio", 0.5));
    if (prob) {
        OK(cl_pp_set(s, syn, "Nrrp", 3));
        /* the original's setRNG(1234, 56, 789) */
        OK(cl_pp_set(s, syn, "rng_id1", 1234));
        OK(cl_pp_set(s, syn, "rng_id2", 56));
        OK(cl_pp_set(s, syn, "rng_id3", 789));
    }
    if (variant) {
        OK(cl_pp_set(s, syn, "Fac", 0));
        if (prob) {
            char g[128];
            OK(cl_pp_set(s, syn, "Nrrp", 5));
            snprintf(g, sizeof g, "init_depleted_%s", mech);
            OK(cl_sim_set_global(s, g, 1));
            snprintf(g, sizeof g, "minis_single_vesicle_%s", mech);
            OK(cl_sim_set_global(s, g, 1));
        }
    }
    size_t nsp;
    double *spikes = so_load(refdir, ".", "spikes", &nsp);
    assert_non_null(spikes);
    OK(cl_artcell_new(s, "VecStim", &vs));
    OK(cl_vecstim_play(s, vs, spikes, nsp));
    free(spikes);
    OK(cl_netcon_from_pp(s, vs, syn, &nc));
    OK(cl_netcon_set_delay(s, nc, 1));
    OK(cl_netcon_set_weight(s, nc, 0, strstr(mech, "AMPANMDA") ? 100 : 10));
    OK(cl_netcon_record(s, nc));
    if (variant && prob) OK(cl_netcon_set_weight(s, nc, 4, 1)); /* nc_type: a spontaneous mini */
    cl_rec rv, rg, ro;
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &rv));
    OK(cl_rec_pp(s, syn, "g", 0, &rg));
    if (prob) OK(cl_rec_pp(s, syn, "occupied", 0, &ro));
    OK(cl_sim_set_celsius(s, 34));
    OK(cl_sim_run(s, 1000));
    char path[1024], label[256];
    const double *x;
    size_t n;
    snprintf(path, sizeof path, "%s/%s/v.txt", refdir, dir);
    snprintf(label, sizeof label, "%s v (mV)", dir);
    OK(cl_rec_data(s, rv, &x, &n));
    double dv = so_compare_file(path, label, x, n);
    assert_int_equal(n, 40001);
    snprintf(path, sizeof path, "%s/%s/g.txt", refdir, dir);
    snprintf(label, sizeof label, "%s g (uS)", dir);
    OK(cl_rec_data(s, rg, &x, &n));
    double dg = so_compare_file(path, label, x, n);
    assert_true(dg <= 1e-12); /* follows from the draws and v; expected 0 */
    /* the built-in VecStim against BlueCelluLab's VERBATIM VecStim.mod */
    snprintf(path, sizeof path, "%s/%s/stim_spikes.txt", refdir, dir);
    OK(cl_netcon_spikes(s, nc, &x, &n));
    assert_true(n > 100 && so_compare_file(path, "VecStim spike times (ms)", x, n) == 0);
    if (prob) {
        snprintf(path, sizeof path, "%s/%s/occupied.txt", refdir, dir);
        snprintf(label, sizeof label, "%s occupied sites", dir);
        OK(cl_rec_data(s, ro, &x, &n));
        assert_true(so_compare_file(path, label, x, n) == 0); /* the releases: every draw decided the same */
        /* where the stream stands: the next draws from the rng_* variables */
        double col[5];
        const char *part[5] = {"rng_id1", "rng_id2", "rng_id3", "rng_seq", "rng_which"};
        for (int k = 0; k < 5; k++) OK(cl_pp_get(s, syn, part[k], &col[k]));
        double *st[5] = {&col[0], &col[1], &col[2], &col[3], &col[4]};
        cl_mech_ctx c = {.ran123_globalindex = 5};
        double next[4];
        for (int k = 0; k < 4; k++) next[k] = cl_ran123_uniform(&c, st, 0);
        snprintf(path, sizeof path, "%s/%s/next_draws.txt", refdir, dir);
        snprintf(label, sizeof label, "%s next 4 draws after 1 s (stream position %.0f.%.0f)", dir, col[3], col[4]);
        assert_true(so_compare_file(path, label, next, 4) == 0);
        assert_true(col[3] > 10); /* the run drew numbers */
    }
    cl_sim_free(s);
    return dv;
}

/* StochKv3 or StochKv (gkbar < 0: its default) in an hh soma driven by an ExpSyn, as neuron_bbp_random.py. */
static double run_stochkv(const char *mech, double gkbar) {
    char nm[5][64], path[1024], label[128];
    const char *part[5] = {"rng_id1", "rng_id2", "rng_id3", "rng_seq", "rng_which"};
    for (int k = 0; k < 5; k++) snprintf(nm[k], sizeof nm[k], "%s_%s", part[k], mech);
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp syn, vs;
    cl_netcon nc;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_sim_set_random123_globalindex(s, 5));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_section_insert(s, soma, mech));
    if (gkbar >= 0) {
        char g[64];
        snprintf(g, sizeof g, "gkbar_%s", mech);
        OK(cl_section_set(s, soma, g, gkbar));
    }
    OK(cl_section_set_at(s, soma, 0.5, nm[0], 1234)); /* setRNG_M(1234, 56, 789) */
    OK(cl_section_set_at(s, soma, 0.5, nm[1], 56));
    OK(cl_section_set_at(s, soma, 0.5, nm[2], 789));
    OK(cl_pp_new(s, "ExpSyn", soma, 0.5, &syn));
    OK(cl_pp_set(s, syn, "tau", 2));
    OK(cl_pp_set(s, syn, "e", 0));
    size_t nsp;
    double *spikes = so_load(refdir, ".", "spikes", &nsp);
    assert_non_null(spikes);
    OK(cl_artcell_new(s, "VecStim", &vs));
    OK(cl_vecstim_play(s, vs, spikes, nsp));
    free(spikes);
    OK(cl_netcon_from_pp(s, vs, syn, &nc));
    OK(cl_netcon_set_delay(s, nc, 1));
    OK(cl_netcon_set_weight(s, nc, 0, 0.05));
    cl_rec rv, rg;
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &rv));
    snprintf(label, sizeof label, "gk_%s", mech);
    OK(cl_rec_section(s, soma, 0.5, label, 0, &rg));
    OK(cl_sim_set_celsius(s, 34));
    OK(cl_sim_run(s, 1000));
    const double *x;
    size_t n;
    snprintf(path, sizeof path, "%s/%s/v.txt", refdir, mech);
    snprintf(label, sizeof label, "%s v (mV)", mech);
    OK(cl_rec_data(s, rv, &x, &n));
    double dv = so_compare_file(path, label, x, n);
    assert_int_equal(n, 40001);
    snprintf(path, sizeof path, "%s/%s/gk.txt", refdir, mech);
    snprintf(label, sizeof label, "%s gk", mech);
    OK(cl_rec_data(s, rg, &x, &n));
    assert_true(so_compare_file(path, label, x, n) <= 1e-15); /* open channels; expected 0 */
    double col[5];
    for (int k = 0; k < 5; k++) OK(cl_section_get_at(s, soma, 0.5, nm[k], &col[k]));
    double *st[5] = {&col[0], &col[1], &col[2], &col[3], &col[4]};
    cl_mech_ctx c = {.ran123_globalindex = 5};
    double next[4];
    for (int k = 0; k < 4; k++) next[k] = cl_ran123_uniform(&c, st, 0);
    snprintf(label, sizeof label, "%s next 4 draws after 1 s (stream position %.0f.%.0f)", mech, col[3], col[4]);
    snprintf(path, sizeof path, "%s/%s/next_draws.txt", refdir, mech);
    assert_true(so_compare_file(path, label, next, 4) == 0);
    assert_true(col[3] > 1000);
    cl_sim_free(s);
    return dv;
}

/* GluSynapse driven by a VecStim, as neuron_bbp_random.py. */
static double run_glusynapse(void) {
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp syn, vs;
    cl_netcon nc;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_sim_set_random123_globalindex(s, 5));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_pp_new(s, "GluSynapse", soma, 0.5, &syn));
    const char *par[6] = {"gmax0_AMPA", "gmax_NMDA", "Nrrp", "Use", "Dep", "Fac"};
    const double val[6] = {20, 10, 3, 0.5, 150, 30};
    for (int k = 0; k < 6; k++) OK(cl_pp_set(s, syn, par[k], val[k]));
    OK(cl_pp_set(s, syn, "rng_id1", 1234)); /* setRNG(1234, 56, 789) */
    OK(cl_pp_set(s, syn, "rng_id2", 56));
    OK(cl_pp_set(s, syn, "rng_id3", 789));
    size_t nsp;
    double *spikes = so_load(refdir, ".", "spikes", &nsp);
    assert_non_null(spikes);
    OK(cl_artcell_new(s, "VecStim", &vs));
    OK(cl_vecstim_play(s, vs, spikes, nsp));
    free(spikes);
    OK(cl_netcon_from_pp(s, vs, syn, &nc));
    OK(cl_netcon_set_delay(s, nc, 1));
    OK(cl_netcon_set_weight(s, nc, 0, 1));
    const char *vars[5] = {"v", "g_NMDA", "effcai_GB", "dep_GB", "pot_GB"};
    cl_rec rec[5];
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &rec[0]));
    for (int k = 1; k < 5; k++) OK(cl_rec_pp(s, syn, vars[k], 0, &rec[k]));
    OK(cl_sim_set_celsius(s, 34));
    OK(cl_sim_run(s, 1000));
    double dv = INFINITY;
    for (int k = 0; k < 5; k++) {
        char path[1024], label[64];
        const double *x;
        size_t n;
        snprintf(path, sizeof path, "%s/GluSynapse/%s.txt", refdir, vars[k]);
        snprintf(label, sizeof label, "GluSynapse %s", vars[k]);
        OK(cl_rec_data(s, rec[k], &x, &n));
        double d = so_compare_file(path, label, x, n);
        assert_int_equal(n, 40001);
        if (k == 0) dv = d;
        else assert_true(d <= 1e-12); /* follow from the draws and v; expected 0 */
    }
    double col[5];
    const char *part[5] = {"rng_id1", "rng_id2", "rng_id3", "rng_seq", "rng_which"};
    for (int k = 0; k < 5; k++) OK(cl_pp_get(s, syn, part[k], &col[k]));
    double *st[5] = {&col[0], &col[1], &col[2], &col[3], &col[4]};
    cl_mech_ctx c = {.ran123_globalindex = 5};
    double next[4];
    for (int k = 0; k < 4; k++) next[k] = cl_ran123_uniform(&c, st, 0);
    char path[1024], label[128];
    snprintf(label, sizeof label, "GluSynapse next 4 draws after 1 s (stream position %.0f.%.0f)", col[3], col[4]);
    snprintf(path, sizeof path, "%s/GluSynapse/next_draws.txt", refdir);
    assert_true(so_compare_file(path, label, next, 4) == 0);
    assert_true(col[3] > 10);
    cl_sim_free(s);
    return dv;
}

/* An InhPoissonStim driving an ExpSyn, as neuron_bbp_random.py. */
static double run_inhpoisson(void) {
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp syn, ips;
    cl_netcon nc;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_sim_set_random123_globalindex(s, 5));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_pp_new(s, "ExpSyn", soma, 0.5, &syn));
    OK(cl_pp_set(s, syn, "tau", 2));
    OK(cl_pp_set(s, syn, "e", 0));
    OK(cl_artcell_new(s, "InhPoissonStim", &ips));
    const double tbins[5] = {0, 200, 400, 600, 800}, rates[5] = {20, 80, 5, 50, 120};
    OK(cl_pp_play(s, ips, tbins, rates, 5)); /* setTbins, setRate */
    const char *ids[6] = {"exp_rng_id1", "exp_rng_id2", "exp_rng_id3",
                          "uniform_rng_id1", "uniform_rng_id2", "uniform_rng_id3"};
    for (int k = 0; k < 6; k++) OK(cl_pp_set(s, ips, ids[k], 11 * (k + 1))); /* setRNGs(11, ..., 66) */
    OK(cl_netcon_from_pp(s, ips, syn, &nc));
    OK(cl_netcon_set_delay(s, nc, 1));
    OK(cl_netcon_set_weight(s, nc, 0, 0.05));
    OK(cl_netcon_record(s, nc));
    cl_rec rv;
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &rv));
    OK(cl_sim_set_celsius(s, 34));
    OK(cl_sim_run(s, 1000));
    char path[1024];
    const double *x;
    size_t n;
    snprintf(path, sizeof path, "%s/InhPoissonStim/spikes.txt", refdir);
    OK(cl_netcon_spikes(s, nc, &x, &n));
    assert_true(n > 20);
    assert_true(so_compare_file(path, "InhPoissonStim spike times (ms)", x, n) == 0); /* the thinning draws */
    snprintf(path, sizeof path, "%s/InhPoissonStim/v.txt", refdir);
    OK(cl_rec_data(s, rv, &x, &n));
    double dv = so_compare_file(path, "InhPoissonStim v (mV)", x, n);
    assert_int_equal(n, 40001);
    /* where both streams stand: 2 uniform, then 2 negexp draws */
    double ucol[5], ecol[5];
    const char *part[5] = {"id1", "id2", "id3", "seq", "which"};
    for (int k = 0; k < 5; k++) {
        char nm[64];
        snprintf(nm, sizeof nm, "uniform_rng_%s", part[k]);
        OK(cl_pp_get(s, ips, nm, &ucol[k]));
        snprintf(nm, sizeof nm, "exp_rng_%s", part[k]);
        OK(cl_pp_get(s, ips, nm, &ecol[k]));
    }
    double *ust[5] = {&ucol[0], &ucol[1], &ucol[2], &ucol[3], &ucol[4]};
    double *est[5] = {&ecol[0], &ecol[1], &ecol[2], &ecol[3], &ecol[4]};
    cl_mech_ctx c = {.ran123_globalindex = 5};
    double next[4] = {cl_ran123_uniform(&c, ust, 0), cl_ran123_uniform(&c, ust, 0), cl_ran123_negexp(&c, est, 0),
                      cl_ran123_negexp(&c, est, 0)};
    snprintf(path, sizeof path, "%s/InhPoissonStim/next_draws.txt", refdir);
    assert_true(so_compare_file(path, "InhPoissonStim next draws of both streams", next, 4) == 0);
    cl_sim_free(s);
    return dv;
}

/* The bound: 1e-6 mV; the same operations in the same order give 0. */
static void test_prob_ampanmda(void **state) {
    (void)state;
    assert_true(run_mech("ProbAMPANMDA_EMS", 0) <= 1e-6);
    assert_true(run_mech("ProbAMPANMDA_EMS", 1) <= 1e-6);
}
static void test_prob_gabaab(void **state) { (void)state; assert_true(run_mech("ProbGABAAB_EMS", 0) <= 1e-6); }
static void test_det_ampanmda(void **state) {
    (void)state;
    assert_true(run_mech("DetAMPANMDA", 0) <= 1e-6);
    assert_true(run_mech("DetAMPANMDA", 1) <= 1e-6);
}
static void test_det_gabaab(void **state) { (void)state; assert_true(run_mech("DetGABAAB", 0) <= 1e-6); }
static void test_stochkv3(void **state) { (void)state; assert_true(run_stochkv("StochKv3", 0.01) <= 1e-6); }
static void test_stochkv(void **state) { (void)state; assert_true(run_stochkv("StochKv", -1) <= 1e-6); }
static void test_glusynapse(void **state) { (void)state; assert_true(run_glusynapse() <= 1e-6); }
static void test_inhpoisson(void **state) { (void)state; assert_true(run_inhpoisson() <= 1e-6); }

/* build-mechanisms said which originals it replaced. */
static void test_messages(void **state) {
    (void)state;
    FILE *f = fopen(buildout, "r");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    const char *names[] = {"ProbAMPANMDA_EMS", "ProbGABAAB_EMS", "DetAMPANMDA", "DetGABAAB", "StochKv3", "GluSynapse", "StochKv"};
    for (int k = 0; k < 7; k++) {
        char want[256];
        snprintf(want, sizeof want, "%s.mod: %s needs VERBATIM; replaced by cellulab's maintained version", names[k],
                 names[k]);
        if (!strstr(text, want)) fail_msg("no message \"%s\" in %s", want, buildout);
    }
    if (!strstr(text, "netstim_inhpoisson.mod: InhPoissonStim needs VERBATIM; replaced by cellulab's maintained"))
        fail_msg("no message about netstim_inhpoisson.mod in %s", buildout);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: bbp_random_compare LIBMECH.so REFDIR BUILD_OUT\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    buildout = argv[3];
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_draws),        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_prob_ampanmda), cmocka_unit_test(test_prob_gabaab),
        cmocka_unit_test(test_det_ampanmda), cmocka_unit_test(test_det_gabaab),
        cmocka_unit_test(test_stochkv3),     cmocka_unit_test(test_glusynapse),
        cmocka_unit_test(test_inhpoisson),   cmocka_unit_test(test_stochkv)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
