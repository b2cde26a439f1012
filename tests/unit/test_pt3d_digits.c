/* Unit tests for cl_morph_options.pt3d_digits (bmtk's Import3d writes 3-D
 * points with "%g", NEURON 8.2's with "%.8g"): the points of an SWC with
 * long decimals are stored as hoc would read that text back (then as
 * float, as pt3d keeps them); unsupported values are refused. The NEURON
 * side is checked by oracle_morph_bmtk_compare. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellulab.h"
#include "cellulab_morph.h"

static char dir[] = "/tmp/test_pt3d_digits_XXXXXX";
static char path[300];

/* what hoc's sprint with digits significant digits, read back, gives */
static float as_text(double v, int digits) {
    char b[64];
    snprintf(b, sizeof b, "%.*g", digits, v);
    return (float)strtod(b, NULL);
}

static const double X2 = 12.3456789012, Y2 = -0.000123456789, Z2 = 237.654321987, D2 = 1.23456789;

static void check_digits(int option, int digits) {
    cl_sim *sim;
    assert_int_equal(cl_sim_new(&sim), CL_OK);
    cl_cell cell;
    cl_morph_options o = {.soma = CL_SOMA_NEURON82, .pt3d_digits = option};
    assert_int_equal(cl_cell_load_morphology_opt(sim, path, &o, &cell), CL_OK);
    cl_section dend;
    const char *nm = "";
    size_t nsec = 0;
    cl_cell_section_count(sim, cell, &nsec);
    assert_int_equal(nsec, 2);
    cl_cell_section_at(sim, cell, 1, &dend);
    cl_section_name(sim, dend, &nm);
    assert_string_equal(nm, "dend[0]");
    double x, y, z, d;
    /* a root of a one-point soma starts at its own first sample */
    assert_int_equal(cl_section_pt3d(sim, dend, 0, &x, &y, &z, &d), CL_OK);
    assert_true((float)x == as_text(X2, digits));
    assert_true((float)y == as_text(Y2, digits));
    assert_true((float)z == as_text(Z2, digits));
    assert_true((float)d == as_text(D2, digits));
    cl_sim_free(sim);
}

static void test_digits(void **state) {
    (void)state;
    check_digits(0, 8);
    check_digits(8, 8);
    check_digits(6, 6);
    /* the two really differ here (else the test would prove nothing) */
    assert_true(as_text(Z2, 6) != as_text(Z2, 8));
}

static void test_refused(void **state) {
    (void)state;
    cl_sim *sim;
    assert_int_equal(cl_sim_new(&sim), CL_OK);
    cl_cell cell;
    cl_morph_options o = {.pt3d_digits = 7};
    assert_int_equal(cl_cell_load_morphology_opt(sim, path, &o, &cell), CL_EINVAL);
    assert_non_null(strstr(cl_sim_errmsg(sim), "pt3d_digits 7"));
    assert_non_null(strstr(cl_sim_errmsg(sim), path));
    o.pt3d_digits = -1;
    assert_int_equal(cl_cell_load_morphology_opt(sim, path, &o, &cell), CL_EINVAL);
    cl_sim_free(sim);
}

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir)) return -1;
    snprintf(path, sizeof path, "%s/cell.swc", dir);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fprintf(f, "1 1 0 0 0 5 -1\n2 3 %.12g %.12g %.12g %.12g 1\n3 3 40 1 1 1 2\n", X2, Y2, Z2, D2 / 2);
    fclose(f);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unlink(path);
    return rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
