/* cl_sim_set_legacy_units: NEURON 7's physical constants per simulation, in
 * the ions' Nernst potentials and in compiled MOD files' UNITS constants.
 * Expected values are NEURON 8.2's (eion.cpp: FARADAY 96485.309, R 8.3134
 * under nrnunit_use_legacy(1); nocmodl's legacy FARADAY 96485.3). The oracle
 * test legacy_compare checks whole runs against NEURON itself. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cellulab.h"
#include "cellulab_nmodl.h"

/* writes cai (so eca follows Nernst every step) and copies FARADAY */
static const char mod[] =
    "NEURON { SUFFIX farcopy USEION ca READ cai WRITE cai RANGE f }\n"
    "UNITS { FARADAY = (faraday) (coulomb) }\n"
    "ASSIGNED { f cai }\n"
    "INITIAL { f = FARADAY }\n"
    "BREAKPOINT { f = FARADAY }\n";

static char dir[] = "/tmp/test_legacy_units_XXXXXX";
static char lib[160];

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir)) return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/farcopy.mod", dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(mod, f);
    fclose(f);
    snprintf(lib, sizeof lib, "%s/libmech.so", dir);
    const char *in[1] = {path};
    cl_error err;
    if (cl_build_mechanisms(in, 1, lib, 1, &err) != CL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[200];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

#define OK(call) assert_int_equal((call), CL_OK)

/* NEURON's nrn_nernst for cai0 5e-5, cao0 2, z 2 at 34 °C */
static double nernst(double R, double F) { return 1000. * R * (34 + 273.15) / F / 2 * log(2 / 5e-5); }

static void eca_f(cl_sim *s, cl_section sec, double *eca, double *f) {
    OK(cl_section_get_at(s, sec, 0.5, "eca", eca));
    OK(cl_section_get_at(s, sec, 0.5, "f_farcopy", f));
}

static void test_switch(void **state) {
    (void)state;
    const double modern = nernst(1.380649e-23 * 6.02214076e+23, 1.602176634e-19 * 6.02214076e+23);
    const double legacy = nernst(8.3134, 96485.309);
    cl_sim *s;
    cl_cell c;
    cl_section sec;
    double eca, f;
    OK(cl_sim_new(&s));
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_cell_new(s, "c", &c));
    OK(cl_section_new(s, c, "soma", &sec));
    OK(cl_section_insert(s, sec, "farcopy"));
    assert_int_equal(cl_sim_legacy_units(s), 0); /* the default: NEURON 8.2's values */
    OK(cl_sim_init(s));
    eca_f(s, sec, &eca, &f);
    assert_true(eca == modern);
    assert_true(f == 0x1.78e555060882cp+16); /* 96485.33212331001 */

    /* switched before initialisation: both places take NEURON 7's values */
    OK(cl_sim_set_legacy_units(s, 1));
    assert_int_equal(cl_sim_legacy_units(s), 1);
    OK(cl_sim_init(s));
    eca_f(s, sec, &eca, &f);
    assert_true(eca == legacy);
    assert_true(f == 96485.3);
    assert_true(eca != modern);

    /* switched after initialisation: the next step uses the new values */
    OK(cl_sim_set_legacy_units(s, 0));
    OK(cl_sim_step(s));
    eca_f(s, sec, &eca, &f);
    assert_true(eca == modern);
    assert_true(f == 0x1.78e555060882cp+16);
    cl_sim_free(s);
}

static void test_invalid(void **state) {
    (void)state;
    cl_sim *s;
    OK(cl_sim_new(&s));
    OK(cl_sim_set_legacy_units(s, 1));
    assert_int_equal(cl_sim_set_legacy_units(s, 2), CL_EINVAL);
    assert_non_null(strstr(cl_sim_errmsg(s), "cl_sim_set_legacy_units: legacy: expected 0"));
    assert_non_null(strstr(cl_sim_errmsg(s), "got 2"));
    assert_int_equal(cl_sim_set_legacy_units(s, -1), CL_EINVAL);
    assert_int_equal(cl_sim_legacy_units(s), 1); /* unchanged */
    assert_int_not_equal(cl_sim_set_legacy_units(NULL, 1), CL_OK);
    assert_int_equal(cl_sim_legacy_units(NULL), -1);
    /* per simulation: another one keeps the default */
    cl_sim *t;
    OK(cl_sim_new(&t));
    assert_int_equal(cl_sim_legacy_units(t), 0);
    cl_sim_free(t);
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_switch), cmocka_unit_test(test_invalid)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
