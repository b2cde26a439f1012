/* The BlueCelluLab (BBP) MOD files compiled by cellulab's NMODL compiler
 * against the same files compiled by NEURON 8.2's nrnivmodl
 * (neuron_mods_bbp.py): every sample of the soma voltage. The bound
 * is 1e-6 mV; cnexp and derivimplicit mechanisms are expected to be
 * bit-identical, and the maximum difference is printed per model.
 *
 * usage: mod_compare_bbp LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
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

typedef struct mech { const char *name, *param; double value; } mech; /* param NULL: none to set */
typedef struct config { const char *name; mech m[12]; } config;

#define SPIKE_CA {"NaTs2_t", "gNaTs2_tbar", 0.5}, {"SKv3_1", "gSKv3_1bar", 0.5}, {"Ca_HVA", "gCa_HVAbar", 0.001}

static const config configs[] = {
    /* cnexp channels */
    {"NaTs2_t", {{"NaTs2_t", "gNaTs2_tbar", 0.5}}},
    {"SKv3_1", {{"SKv3_1", "gSKv3_1bar", 0.5}}},
    {"Ih", {{"Ih", "gIhbar", 0.0001}}},
    {"K_Pst", {{"K_Pst", "gK_Pstbar", 0.05}}},
    {"spiking", {SPIKE_CA, {"K_Pst", "gK_Pstbar", 0.05}, {"Ih", "gIhbar", 0.0001}}},
    /* derivimplicit */
    {"cacum", {SPIKE_CA, {"cacum", NULL, 0}}},
    {"cacumb", {SPIKE_CA, {"cacumb", NULL, 0}}},
    {"TC_cad", {SPIKE_CA, {"TC_cad", NULL, 0}}},
    {"kca", {SPIKE_CA, {"cacum", NULL, 0}, {"kca", "gbar", 0.01}}},
    {"kca_TC_cad", {SPIKE_CA, {"TC_cad", NULL, 0}, {"kca", "gbar", 0.01}}},
};

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

static double *load(const char *model, size_t *n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/v.txt", refdir, model);
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
            if (cf->m[k].param) {
                char var[64];
                snprintf(var, sizeof var, "%s_%s", cf->m[k].param, cf->m[k].name);
                OK(cl_section_set(s, soma, var, cf->m[k].value));
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
        double *ref = load(cf->name, &nref);
        double maxd = 0;
        for (size_t i = 0; i < n && i < nref; i++) maxd = fmax(maxd, fabs(v[i] - ref[i]));
        printf("  %-11s samples %zu/%zu  max|dv| %.3g mV\n", cf->name, n, nref, maxd);
        /* the bound is 1e-6 mV */
        if (n != nref || !(maxd <= 1e-6)) failures++;
        free(ref);
        cl_sim_free(s);
    }
    assert_int_equal(failures, 0);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: mod_compare_bbp LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_configs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
