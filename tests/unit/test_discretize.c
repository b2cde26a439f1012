/* Unit tests for the discretisation rules (cl_cell_discretize). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "cellulab.h"
#include "cellulab_morph.h"

static void test_rules(void **state) {
    (void)state;
    cl_sim *sim;
    cl_cell cell;
    cl_section a, b;
    assert_int_equal(cl_sim_new(&sim), CL_OK);
    assert_int_equal(cl_cell_new(sim, "c", &cell), CL_OK);
    assert_int_equal(cl_section_new(sim, cell, "a", &a), CL_OK);
    assert_int_equal(cl_section_new(sim, cell, "b", &b), CL_OK);
    assert_int_equal(cl_section_set_L(sim, a, 250.), CL_OK);
    assert_int_equal(cl_section_set_diam(sim, a, 2.), CL_OK);
    assert_int_equal(cl_section_pt3dadd(sim, b, 0, 0, 0, 1), CL_OK);
    assert_int_equal(cl_section_pt3dadd(sim, b, 81, 0, 0, 1), CL_OK);
    assert_int_equal(cl_section_connect(sim, b, a, 1.), CL_OK);
    int n;
    assert_int_equal(cl_cell_discretize(sim, cell, CL_NSEG_FIXED, 5, 0, 0), CL_OK);
    assert_int_equal(cl_section_get_nseg(sim, b, &n), CL_OK);
    assert_int_equal(n, 5);
    assert_int_equal(cl_cell_discretize(sim, cell, CL_NSEG_BBP40, 0, 0, 0), CL_OK);
    assert_int_equal(cl_section_get_nseg(sim, a, &n), CL_OK);
    assert_int_equal(n, 13); /* 1 + 2*int(250/40) */
    assert_int_equal(cl_section_get_nseg(sim, b, &n), CL_OK);
    assert_int_equal(n, 5);
    assert_int_equal(cl_cell_discretize(sim, cell, CL_NSEG_MAXLEN, 20, 0, 0), CL_OK);
    assert_int_equal(cl_section_get_nseg(sim, a, &n), CL_OK);
    assert_int_equal(n, 13); /* 1 + 2*int(250/40) */
    /* uniform cylinder: both lambda_f branches give 1e5*sqrt(d/(4 pi f Ra cm)) */
    double lf, want = 1e5 * sqrt(1. / (4 * 3.14159265358979323846 * 100 * 100 * 1));
    assert_int_equal(cl_section_lambda_f(sim, b, 100, 100, &lf), CL_OK);
    assert_true(fabs(lf - want) < 1e-9 * want);
    assert_int_equal(cl_cell_discretize(sim, cell, CL_NSEG_DLAMBDA, 0.1, 100, 100), CL_OK);
    assert_int_equal(cl_section_get_nseg(sim, b, &n), CL_OK);
    assert_int_equal(n, (int)((81 / (0.1 * want) + 0.9) / 2) * 2 + 1);
    assert_int_equal(cl_cell_discretize(sim, cell, CL_NSEG_DLAMBDA, 0.1, 0, 100), CL_EINVAL);
    assert_int_equal(cl_cell_discretize(sim, cell, CL_NSEG_MAXLEN, -1, 0, 0), CL_EINVAL);
    cl_sim_free(sim);
}

#define BALLSTICK CELLULAB_SHARED_DATA "/bluecellulab/ballstick/morphology.asc"

static void test_replace_axon(void **state) {
    (void)state;
    cl_sim *sim;
    cl_cell cell;
    cl_section ax0, ax1, p;
    double x, d;
    size_t n;
    assert_int_equal(cl_sim_new(&sim), CL_OK);
    assert_int_equal(cl_cell_load_morphology_axon(sim, BALLSTICK, "nosuch", &cell), CL_EINVAL);
    assert_int_equal(cl_cell_load_morphology_axon(sim, BALLSTICK, "bluepyopt", &cell), CL_OK);
    assert_int_equal(cl_cell_section_count(sim, cell, &n), CL_OK);
    assert_int_equal(n, 4); /* soma, dend, two new axon sections */
    assert_int_equal(cl_cell_section(sim, cell, "axon[0]", &ax0), CL_OK);
    assert_int_equal(cl_cell_section(sim, cell, "axon[1]", &ax1), CL_OK);
    assert_int_equal(cl_section_parent(sim, ax1, &p, &x), CL_OK);
    assert_true(p.id == ax0.id && x == 1.);
    assert_int_equal(cl_section_get_at(sim, ax1, 0.5, "diam", &d), CL_OK);
    assert_true(d == 1.); /* no axon in the file */
    cl_sim_free(sim);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_rules),
                                       cmocka_unit_test(test_replace_axon)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
