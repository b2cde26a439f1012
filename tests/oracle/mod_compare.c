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
#include <string.h>

#include <cmocka.h>

#include "cellulab.h"

static const char *lib, *refdir;

typedef struct mech { const char *name; double gbar; } mech; /* gbar < 0: none to set */
typedef struct config { const char *name; mech m[12]; } config;

static const config configs[] = {
    {"NaTs", {{"NaTs", 0.5}}},
    {"NaTa", {{"NaTa", 0.5}}},
    {"Nap", {{"Nap", 0.001}}},
    {"Kv3_1", {{"Kv3_1", 0.5}}},
    {"K_T", {{"K_T", 0.05}}},
    {"K_P", {{"K_P", 0.05}}},
    {"Kd", {{"Kd", 0.01}}},
    {"Kv2like", {{"Kv2like", 0.05}}},
    {"Im", {{"Im", 0.001}}},
    {"Im_v2", {{"Im_v2", 0.001}}},
    {"Ih", {{"Ih", 0.0001}}},
    {"Ca_HVA", {{"Ca_HVA", 0.001}}},
    {"Ca_LVA", {{"Ca_LVA", 0.005}}},
    {"spiking", {{"NaTs", 0.5}, {"Kv3_1", 0.5}, {"K_T", 0.05}, {"Nap", 0.001}, {"Ih", 0.0001},
                 {"Im", 0.001}, {"Ca_HVA", 0.001}, {"Ca_LVA", 0.005}, {"SK", 0.01}, {"CaDynamics", -1}}},
};

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

static double *load_vec(const char *model, const char *vec, size_t *n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s.txt", refdir, model, vec);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    double *x = malloc(20000 * sizeof *x);
    *n = 0;
    while (*n < 20000 && fscanf(f, "%lf", &x[*n]) == 1) (*n)++;
    fclose(f);
    return x;
}

static void test_configs(void **state) {
    (void)state;
    int failures = 0;
    for (size_t c = 0; c < sizeof configs / sizeof configs[0]; c++) {
        const config *cf = &configs[c];
        cl_sim *s;
        cl_cell cell;
        cl_section soma;
        cl_pp stim;
        assert_int_equal(cl_sim_new(&s), CL_OK);
        OK(cl_sim_load_mechanisms(s, lib));
        OK(cl_cell_new(s, "c", &cell));
        OK(cl_section_new(s, cell, "soma", &soma));
        OK(cl_section_set_L(s, soma, 20));
        OK(cl_section_set_diam(s, soma, 20));
        OK(cl_section_insert(s, soma, "pas"));
        OK(cl_section_set(s, soma, "g_pas", 1e-4));
        OK(cl_section_set(s, soma, "e_pas", -70));
        for (int k = 0; k < 12 && cf->m[k].name; k++) {
            OK(cl_section_insert(s, soma, cf->m[k].name));
            if (cf->m[k].gbar >= 0) {
                char var[64];
                snprintf(var, sizeof var, "gbar_%s", cf->m[k].name);
                OK(cl_section_set(s, soma, var, cf->m[k].gbar));
            }
        }
        OK(cl_pp_new(s, "IClamp", soma, 0.5, &stim));
        OK(cl_pp_set(s, stim, "del", 20));
        OK(cl_pp_set(s, stim, "dur", 150));
        OK(cl_pp_set(s, stim, "amp", 0.3));
        OK(cl_sim_set_celsius(s, 34));
        OK(cl_sim_run(s, 200));
        const double *v;
        size_t n, nref;
        OK(cl_cell_get_soma_voltage(s, cell, &v, &n));
        double *ref = load_vec(cf->name, "v", &nref);
        double maxd = 0;
        for (size_t i = 0; i < n && i < nref; i++) maxd = fmax(maxd, fabs(v[i] - ref[i]));
        printf("  %-10s samples %zu/%zu  max|dv| %.3g mV\n", cf->name, n, nref, maxd);
        /* cnexp mechanisms: bit-identical; the bound is 1e-6 mV */
        if (n != nref || !(maxd <= 1e-6)) failures++;
        free(ref);
        cl_sim_free(s);
    }
    assert_int_equal(failures, 0);
}

static double compare_rec(cl_sim *s, cl_rec r, const char *model, const char *vec) {
    const double *x;
    size_t n, nref;
    if (cl_rec_data(s, r, &x, &n) != CL_OK) fail_msg("%s", cl_sim_errmsg(s));
    double *ref = load_vec(model, vec, &nref);
    double maxd = n == nref ? 0 : INFINITY;
    for (size_t i = 0; i < n && i < nref; i++) maxd = fmax(maxd, fabs(x[i] - ref[i]));
    printf("  %-10s %-8s samples %zu/%zu  max|diff| %.3g\n", model, vec, n, nref, maxd);
    free(ref);
    return maxd;
}

static void set_all(cl_sim *s, cl_section sec, const mech *m) {
    OK(cl_section_insert(s, sec, "pas"));
    OK(cl_section_set(s, sec, "g_pas", 1e-4));
    OK(cl_section_set(s, sec, "e_pas", -70));
    for (int k = 0; k < 12 && m[k].name; k++) {
        OK(cl_section_insert(s, sec, m[k].name));
        if (m[k].gbar >= 0) {
            char var[64];
            snprintf(var, sizeof var, "gbar_%s", m[k].name);
            OK(cl_section_set(s, sec, var, m[k].gbar));
        }
    }
}

/* The 3-section tree of neuron_mods.py, run twice in one simulation: the
 * second run must start from the same state (concentrations reset). */
static void test_tree(void **state) {
    (void)state;
    static const mech d1m[] = {{"Ih", 0.0002}, {"Im", 0.002}, {"Ca_LVA", 0.002}, {"CaDynamics", -1}, {"SK", 0.005}, {0, 0}};
    static const mech d2m[] = {{"K_P", 0.01}, {"Kv3_1", 0.05}, {"NaTa", 0.02}, {0, 0}};
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
    set_all(s, soma, configs[sizeof configs / sizeof configs[0] - 1].m);
    set_all(s, d1, d1m);
    set_all(s, d2, d2m);
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

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: mod_compare LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_configs), cmocka_unit_test(test_tree)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
