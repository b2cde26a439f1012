/* KINETIC (sparse) / CONSERVE / LINEAR MOD files (NaV, TC_Ih_CaMod) compiled
 * by cellulab's NMODL compiler against the same files compiled by NEURON
 * 8.2's nrnivmodl (neuron_mods_kinetic.py): every sample of the soma
 * voltage. The bound is 1e-6 mV; the result is expected bit-identical, and
 * the maximum difference is printed per model.
 *
 * usage: mod_compare_kinetic LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
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

typedef struct mech { const char *name, *var; double val; } mech; /* var NULL: none to set */
typedef struct config { const char *name; mech m[8]; } config;

static const config configs[] = {
    {"NaV", {{"NaV", "gbar_NaV", 0.1}}},
    {"NaV_Kv3_1", {{"NaV", "gbar_NaV", 0.1}, {"Kv3_1", "gbar_Kv3_1", 0.5}}},
    {"TC_Ih_CaMod", {{"TC_Ih_CaMod", "ghbar_TC_Ih_CaMod", 0.002}, {"Ca_HVA", "gCa_HVAbar_Ca_HVA", 0.001},
                     {"CaDynamics_E2", NULL, 0}}},
    {"TC_Ih_CaMod_NaV", {{"TC_Ih_CaMod", "ghbar_TC_Ih_CaMod", 0.002}, {"Ca_HVA", "gCa_HVAbar_Ca_HVA", 0.001},
                         {"CaDynamics_E2", NULL, 0}, {"NaV", "gbar_NaV", 0.1}, {"Kv3_1", "gbar_Kv3_1", 0.5}}},
    {"kin_probe", {{"kin_probe", "gbar_kin_probe", 0.002}}},
    {"kin_probe_NaV", {{"kin_probe", "gbar_kin_probe", 0.002}, {"NaV", "gbar_NaV", 0.1}, {"Kv3_1", "gbar_Kv3_1", 0.5}}},
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
        for (int k = 0; k < 8 && cf->m[k].name; k++) {
            OK(cl_section_insert(s, soma, cf->m[k].name));
            if (cf->m[k].var) OK(cl_section_set(s, soma, cf->m[k].var, cf->m[k].val));
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
        printf("  %-16s samples %zu/%zu  max|dv| %.3g mV\n", cf->name, n, nref, maxd);
        /* expected bit-identical; the bound is 1e-6 mV */
        if (n != nref || !(maxd <= 1e-6)) failures++;
        free(ref);
        cl_sim_free(s);
    }
    assert_int_equal(failures, 0);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: mod_compare_kinetic LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_configs)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
