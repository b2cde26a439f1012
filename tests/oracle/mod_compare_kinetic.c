/* KINETIC (sparse) / CONSERVE / LINEAR MOD files (NaV, TC_Ih_CaMod) compiled
 * by cellulab's NMODL compiler against the same files compiled by NEURON
 * 8.2's nrnivmodl (neuron_mods_kinetic.py): every sample of the soma
 * voltage. The bound is 1e-6 mV; the result is expected bit-identical, and
 * the maximum difference is printed per model.
 *
 * usage: mod_compare_kinetic LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "soma_oracle.h"

static const char *lib, *refdir;

static const so_config configs[] = {
    {"NaV", {{"NaV", "gbar", 0.1}}},
    {"NaV_Kv3_1", {{"NaV", "gbar", 0.1}, {"Kv3_1", "gbar", 0.5}}},
    {"TC_Ih_CaMod", {{"TC_Ih_CaMod", "ghbar", 0.002}, {"Ca_HVA", "gCa_HVAbar", 0.001},
                     {"CaDynamics_E2", NULL, 0}}},
    {"TC_Ih_CaMod_NaV", {{"TC_Ih_CaMod", "ghbar", 0.002}, {"Ca_HVA", "gCa_HVAbar", 0.001},
                         {"CaDynamics_E2", NULL, 0}, {"NaV", "gbar", 0.1}, {"Kv3_1", "gbar", 0.5}}},
    {"kin_probe", {{"kin_probe", "gbar", 0.002}}},
    {"kin_probe_NaV", {{"kin_probe", "gbar", 0.002}, {"NaV", "gbar", 0.1}, {"Kv3_1", "gbar", 0.5}}},
};

static void test_configs(void **state) {
    (void)state;
    /* the bound is 1e-6 mV; expected bit-identical */
    assert_int_equal(so_run_all(lib, refdir, configs, sizeof configs / sizeof configs[0], 1e-6), 0);
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
