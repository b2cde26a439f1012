/* The legacy-units switch (cl_sim_set_legacy_units) against NEURON 8.2 with
 * h.nrnunit_use_legacy(0) and (1) (neuron_legacy.py): (a) the Allen
 * CaDynamics + Ca_HVA, whose eca follows cai by Nernst in the ion code and
 * whose CaDynamics uses FARADAY from its UNITS block; (b) unitcon.mod, FARADAY
 * and R in its own arithmetic, and nrn_ghk (the core's constants). Every sample must be equal (0 difference:
 * the same constants and the same operations); the two settings must differ.
 *
 * usage: legacy_compare ALLEN_LIB.so UNITCON_LIB.so NEURON_REFERENCE_DIR */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "soma_oracle.h"

static const char *allen_lib, *unitcon_lib, *refdir;

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

#define NVEC 3

/* Builds the model of neuron_legacy.py, runs it with the switch at legacy
 * and compares every recorded vector with NEURON's; the largest |diff|.
 * out[k] receives a copy of vector k (for comparing the two settings). */
static double run_config(const char *config, int legacy, double *out[NVEC], size_t *nout) {
    int cahva = config[0] == 'c';
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp stim;
    cl_rec r[NVEC];
    const char *vars[NVEC] = {"v", cahva ? "cai" : "erev_unitcon", cahva ? "eca" : "gh_unitcon"};
    const char *files[NVEC] = {"v", cahva ? "cai" : "erev", cahva ? "eca" : "gh"};
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, cahva ? allen_lib : unitcon_lib));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    static const so_mech cam[SO_MAXMECH] = {{"Ca_HVA", "gbar", 0.001}, {"CaDynamics", NULL, 0}};
    static const so_mech um[SO_MAXMECH] = {{"unitcon", NULL, 0}};
    so_decorate(s, soma, cahva ? cam : um);
    OK(cl_pp_new(s, "IClamp", soma, 0.5, &stim));
    OK(cl_pp_set(s, stim, "del", 20));
    OK(cl_pp_set(s, stim, "dur", 150));
    OK(cl_pp_set(s, stim, "amp", 0.3));
    for (int k = 0; k < NVEC && vars[k]; k++) OK(cl_rec_section(s, soma, 0.5, vars[k], 0, &r[k]));
    OK(cl_sim_set_celsius(s, 34));
    OK(cl_sim_set_legacy_units(s, legacy));
    OK(cl_sim_run(s, 200));
    char model[64];
    snprintf(model, sizeof model, "%s_leg%d", config, legacy);
    double worst = 0;
    for (int k = 0; k < NVEC; k++) {
        out[k] = NULL;
        if (!vars[k]) continue;
        const double *x;
        size_t n, nref;
        OK(cl_rec_data(s, r[k], &x, &n));
        double *ref = so_load(refdir, model, files[k], &nref);
        double maxd = n == nref ? 0 : INFINITY;
        for (size_t i = 0; i < n && i < nref; i++) maxd = fmax(maxd, fabs(x[i] - ref[i]));
        printf("  %-14s %-5s samples %zu/%zu  max|diff| %.3g\n", model, files[k], n, nref, maxd);
        free(ref);
        worst = fmax(worst, maxd);
        out[k] = malloc(n * sizeof *out[k]);
        assert_non_null(out[k]);
        for (size_t i = 0; i < n; i++) out[k][i] = x[i];
        nout[k] = n;
    }
    cl_sim_free(s);
    return worst;
}

static void check(const char *config) {
    double *a[NVEC], *b[NVEC];
    size_t na[NVEC] = {0}, nb[NVEC] = {0};
    /* the same constants and operations as NEURON: bit-identical expected */
    assert_true(run_config(config, 0, a, na) == 0.0);
    assert_true(run_config(config, 1, b, nb) == 0.0);
    for (int k = 0; k < NVEC; k++) {
        if (!a[k]) continue;
        double d = 0;
        for (size_t i = 0; i < na[k] && i < nb[k]; i++) d = fmax(d, fabs(a[k][i] - b[k][i]));
        printf("  %s vector %d: legacy vs modern max|diff| %.3g\n", config, k, d);
        assert_true(d > 0); /* the switch changes the numbers */
        free(a[k]);
        free(b[k]);
    }
}

static void test_cahva(void **state) {
    (void)state;
    check("cahva");
}

static void test_unitcon(void **state) {
    (void)state;
    check("unitcon");
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: legacy_compare ALLEN_LIB.so UNITCON_LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    allen_lib = argv[1];
    unitcon_lib = argv[2];
    refdir = argv[3];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cahva), cmocka_unit_test(test_unitcon)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
