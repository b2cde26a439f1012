/* Unit tests for cl_cell_load_morphology on SWC files (NEURON Import3d's
 * rules: one-point soma as a 3-point cylinder, neuromorpho 3-point soma,
 * soma children at soma(0.5), errors with file:line). */
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
#include "fixtures.h"

#define NR5A1 CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Nr5a1_471087815_m.swc"

static char dir[] = "/tmp/test_swc_XXXXXX";

static const char *write_file(const char *name, const char *text) { return fx_write_file(dir, name, text); }

static void test_one_point_soma(void **state) {
    (void)state;
    const char *p = write_file("one.swc", "# comment\n\n1 1 0 0 0 5 -1\n2 3 10 0 0 1 1\n3 3 20 0 0 1 2\n"
                                          "4 3 30 5 0 0.5 3\n5 3 30 -5 0 0.5 3\n");
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell cell;
    assert_int_equal(cl_cell_load_morphology(s, p, &cell), CL_OK);
    size_t n = 0;
    assert_int_equal(cl_cell_section_count(s, cell, &n), CL_OK);
    assert_int_equal(n, 4);
    cl_section soma, dend;
    assert_int_equal(cl_cell_section_at(s, cell, 0, &soma), CL_OK);
    const char *name;
    cl_section_name(s, soma, &name);
    assert_string_equal(name, "soma[0]");
    assert_int_equal(cl_section_n3d(s, soma, &n), CL_OK);
    assert_int_equal(n, 3);
    fx_assert_pt3d(s, soma, 0, -5, 0, 0, 10);
    fx_assert_pt3d(s, soma, 1, 0, 0, 0, 10);
    fx_assert_pt3d(s, soma, 2, 5, 0, 0, 10);
    assert_int_equal(cl_cell_section_at(s, cell, 1, &dend), CL_OK);
    cl_section_name(s, dend, &name);
    assert_string_equal(name, "dend[0]");
    cl_section par;
    double x;
    assert_int_equal(cl_section_parent(s, dend, &par, &x), CL_OK);
    assert_true(par.id == soma.id && x == 0.5);
    assert_int_equal(cl_section_n3d(s, dend, &n), CL_OK);
    assert_int_equal(n, 2); /* wire to the soma: the copy of the soma point is left out */
    fx_assert_pt3d(s, dend, 0, 10, 0, 0, 2);
    cl_section d2;
    assert_int_equal(cl_cell_section_at(s, cell, 3, &d2), CL_OK);
    cl_section_name(s, d2, &name);
    assert_string_equal(name, "dend[2]");
    assert_int_equal(cl_section_parent(s, d2, &par, &x), CL_OK);
    assert_true(par.id == dend.id && x == 1);
    fx_assert_pt3d(s, d2, 0, 20, 0, 0, 2); /* parent's last point with the parent's diameter */
    fx_assert_pt3d(s, d2, 1, 30, -5, 0, 1);
    cl_sim_free(s);
}

static void test_three_point_soma(void **state) {
    (void)state;
    const char *p = write_file("three.SWC", "1 1 0 0 0 5 -1\n2 1 0 -5 0 5 1\n3 1 0 5 0 5 1\n"
                                            "4 2 0 -10 0 1 1\n5 2 0 -20 0 1 4\n");
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell cell;
    assert_int_equal(cl_cell_load_morphology(s, p, &cell), CL_OK);
    cl_section soma, axon;
    assert_int_equal(cl_cell_section(s, cell, "soma[0]", &soma), CL_OK);
    size_t n;
    assert_int_equal(cl_section_n3d(s, soma, &n), CL_OK);
    assert_int_equal(n, 3); /* a sphere: cylinder along x, L = diam */
    fx_assert_pt3d(s, soma, 0, -5, 0, 0, 10);
    fx_assert_pt3d(s, soma, 2, 5, 0, 0, 10);
    double L;
    assert_int_equal(cl_section_get_L(s, soma, &L), CL_OK);
    assert_true(L == 10);
    assert_int_equal(cl_cell_section(s, cell, "axon[0]", &axon), CL_OK);
    cl_section par;
    double x;
    assert_int_equal(cl_section_parent(s, axon, &par, &x), CL_OK);
    assert_true(par.id == soma.id && x == 0.5);
    cl_sim_free(s);
}

static void expect_error(const char *name, const char *text, cl_status want, const char *msg) {
    fx_expect_morph_error(dir, name, text, want, msg);
}

static void test_errors(void **state) {
    (void)state;
    expect_error("/nonexistent/none.swc", NULL, CL_EIO, "none.swc");
    expect_error("bad.swc", "1 1 0 0 0 5 -1\n# ok\n2 3 1 2 x 4 1\n", CL_EFORMAT, "bad.swc:3:");
    expect_error("unknown.swc", "1 1 0 0 0 5 -1\n2 3 1 2 3 4 7\n", CL_EFORMAT, "unknown.swc:2: parent");
    expect_error("cycle.swc", "1 1 0 0 0 5 -1\n2 3 1 2 3 4 3\n3 3 1 2 3 4 2\n", CL_EFORMAT, "cycle.swc:2:");
    expect_error("dup.swc", "1 1 0 0 0 5 -1\n2 3 1 2 3 4 1\n2 3 1 2 3 4 1\n", CL_EFORMAT, "duplicate");
    expect_error("empty.swc", "# nothing\n", CL_EFORMAT, "no samples");
    expect_error("two.swc", "1 1 0 0 0 5 -1\n2 3 1 2 3 4 -1\n", CL_EFORMAT, "trees");
    expect_error("nan.swc", "1 1 nan 0 0 5 -1\n", CL_EFORMAT, "nan.swc:1:");
    expect_error("x.txt", "1 1 0 0 0 5 -1\n", CL_EINVAL, "x.txt");
}

static void test_allen(void **state) {
    (void)state;
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell cell;
    assert_int_equal(cl_cell_load_morphology(s, NR5A1, &cell), CL_OK);
    size_t n;
    assert_int_equal(cl_cell_section_count(s, cell, &n), CL_OK);
    assert_int_equal(n, 38); /* as NEURON 8.2.2's Import3d */
    cl_section soma;
    assert_int_equal(cl_cell_soma(s, cell, &soma), CL_OK);
    cl_sim_free(s);
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_point_soma),
        cmocka_unit_test(test_three_point_soma),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_allen),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (fx_remove_dir(dir) != 0) rc = rc ? rc : 0;
    return rc;
}
