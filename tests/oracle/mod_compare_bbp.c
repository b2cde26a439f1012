/* The BlueCelluLab (BBP) MOD files compiled by cellulab's NMODL compiler
 * against the same files compiled by NEURON 8.2's nrnivmodl
 * (neuron_mods_bbp.py): every sample of the soma voltage. The bound
 * is 1e-6 mV; cnexp and derivimplicit mechanisms are expected to be
 * bit-identical, and the maximum difference is printed per model.
 *
 * usage: mod_compare_bbp LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "soma_oracle.h"

static const char *lib, *refdir;

#define SPIKE_CA {"NaTs2_t", "gNaTs2_tbar", 0.5}, {"SKv3_1", "gSKv3_1bar", 0.5}, {"Ca_HVA", "gCa_HVAbar", 0.001}

static const so_config configs[] = {
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

static void test_configs(void **state) {
    (void)state;
    /* the bound is 1e-6 mV; expected bit-identical */
    assert_int_equal(so_run_all(lib, refdir, configs, sizeof configs / sizeof configs[0], 1e-6), 0);
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
