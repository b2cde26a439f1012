/* MOD files compiled by cellulab's NMODL compiler against the same files
 * compiled by NEURON 8.2's nrnivmodl (neuron_mods.py): every sample of the
 * soma voltage. The bound is 1e-6 mV; cnexp mechanisms are expected
 * to be bit-identical, and the maximum difference is printed per model.
 *
 * usage: mod_compare LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "soma_oracle.h"

static const char *lib, *refdir;

static const so_config configs[] = {
    {"NaTs", {{"NaTs", "gbar", 0.5}}},
    {"NaTa", {{"NaTa", "gbar", 0.5}}},
    {"Nap", {{"Nap", "gbar", 0.001}}},
    {"Kv3_1", {{"Kv3_1", "gbar", 0.5}}},
    {"K_T", {{"K_T", "gbar", 0.05}}},
    {"K_P", {{"K_P", "gbar", 0.05}}},
    {"Kd", {{"Kd", "gbar", 0.01}}},
    {"Kv2like", {{"Kv2like", "gbar", 0.05}}},
    {"Im", {{"Im", "gbar", 0.001}}},
    {"Im_v2", {{"Im_v2", "gbar", 0.001}}},
    {"Ih", {{"Ih", "gbar", 0.0001}}},
    {"Ca_HVA", {{"Ca_HVA", "gbar", 0.001}}},
    {"Ca_LVA", {{"Ca_LVA", "gbar", 0.005}}},
    {"spiking", {{"NaTs", "gbar", 0.5}, {"Kv3_1", "gbar", 0.5}, {"K_T", "gbar", 0.05}, {"Nap", "gbar", 0.001}, {"Ih", "gbar", 0.0001},
                 {"Im", "gbar", 0.001}, {"Ca_HVA", "gbar", 0.001}, {"Ca_LVA", "gbar", 0.005}, {"SK", "gbar", 0.01}, {"CaDynamics", NULL, 0}}},
};

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

static void test_configs(void **state) {
    (void)state;
    /* cnexp mechanisms: bit-identical expected; the bound is 1e-6 mV */
    assert_int_equal(so_run_all(lib, refdir, configs, sizeof configs / sizeof configs[0], 1e-6), 0);
}

static double compare_rec(cl_sim *s, cl_rec r, const char *model, const char *vec) {
    const double *x;
    size_t n, nref;
    if (cl_rec_data(s, r, &x, &n) != CL_OK) fail_msg("%s", cl_sim_errmsg(s));
    double *ref = so_load(refdir, model, vec, &nref);
    double maxd = n == nref ? 0 : INFINITY;
    for (size_t i = 0; i < n && i < nref; i++) maxd = fmax(maxd, fabs(x[i] - ref[i]));
    printf("  %-10s %-8s samples %zu/%zu  max|diff| %.3g\n", model, vec, n, nref, maxd);
    free(ref);
    return maxd;
}

/* The 3-section tree of neuron_mods.py, run twice in one simulation: the
 * second run must start from the same state (concentrations reset). */
static void test_tree(void **state) {
    (void)state;
    static const so_mech d1m[SO_MAXMECH] = {{"Ih", "gbar", 0.0002}, {"Im", "gbar", 0.002}, {"Ca_LVA", "gbar", 0.002},
                                            {"CaDynamics", NULL, 0}, {"SK", "gbar", 0.005}};
    static const so_mech d2m[SO_MAXMECH] = {{"K_P", "gbar", 0.01}, {"Kv3_1", "gbar", 0.05}, {"NaTa", "gbar", 0.02}};
    cl_sim *s;
    cl_cell cell;
    cl_section soma, d1, d2;
    cl_pp stim;
    cl_rec v, vd1, vd2, cai;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_cell_new(s, "tree", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_new(s, cell, "d1", &d1));
    OK(cl_section_new(s, cell, "d2", &d2));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_set_L(s, d1, 100));
    OK(cl_section_set_diam(s, d1, 2));
    OK(cl_section_set_nseg(s, d1, 5));
    OK(cl_section_set_L(s, d2, 150));
    OK(cl_section_set_diam(s, d2, 1.5));
    OK(cl_section_set_nseg(s, d2, 4));
    OK(cl_section_connect(s, d1, soma, 1));
    OK(cl_section_connect(s, d2, soma, 0.5));
    so_decorate(s, soma, configs[sizeof configs / sizeof configs[0] - 1].m);
    so_decorate(s, d1, d1m);
    so_decorate(s, d2, d2m);
    OK(cl_pp_new(s, "IClamp", soma, 0.5, &stim));
    OK(cl_pp_set(s, stim, "del", 20));
    OK(cl_pp_set(s, stim, "dur", 150));
    OK(cl_pp_set(s, stim, "amp", 0.3));
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &v));
    OK(cl_rec_section(s, d1, 0.9, "v", 0, &vd1));
    OK(cl_rec_section(s, d2, 0.4, "v", 0, &vd2));
    OK(cl_rec_section(s, d1, 0.5, "cai", 0, &cai));
    OK(cl_sim_set_celsius(s, 34));
    for (int run = 0; run < 2; run++) {
        OK(cl_sim_run(s, 200));
        double worst = 0;
        worst = fmax(worst, compare_rec(s, v, "tree", "v"));
        worst = fmax(worst, compare_rec(s, vd1, "tree", "v_d1"));
        worst = fmax(worst, compare_rec(s, vd2, "tree", "v_d2"));
        worst = fmax(worst, compare_rec(s, cai, "tree", "cai_d1"));
        if (!(worst <= 1e-6)) fail_msg("run %d: the tree differs from NEURON by %g", run + 1, worst);
    }
    cl_sim_free(s);
}

/* celsius changed in the middle of a run (neuron_mods.py celsius_change):
 * the Allen channels' temperature factors follow it at the next step. */
static void test_celsius_change(void **state) {
    (void)state;
    const so_config *spiking = &configs[sizeof configs / sizeof configs[0] - 1];
    /* cnexp mechanisms: bit-identical expected; the bound is 1e-6 mV */
    assert_true(so_run_change(lib, refdir, spiking, "celsius_change", 100, 22) <= 1e-6);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: mod_compare LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_configs), cmocka_unit_test(test_tree),
                                       cmocka_unit_test(test_celsius_change)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
