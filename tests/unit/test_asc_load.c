/* Unit tests for cl_cell_load_morphology on Neurolucida ASC files (NEURON
 * Import3d_Neurolucida3 + Import3d_GUI.instantiate): soma contour as 21
 * centroid points, roots at soma(0.5) without the logical centre point, a
 * child whose first point differs from its parent's last gets that point in
 * front (child's diameter), one-point branches removed, sections grouped by
 * type. */
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

static char dir[] = "/tmp/test_asc_load_XXXXXX";

static const char *write_file(const char *name, const char *text) { return fx_write_file(dir, name, text); }

static cl_section sec_named(cl_sim *s, cl_cell cell, size_t i, const char *want, size_t npt) {
    cl_section sec;
    const char *name;
    size_t n = 0;
    assert_int_equal(cl_cell_section_at(s, cell, i, &sec), CL_OK);
    assert_int_equal(cl_section_name(s, sec, &name), CL_OK);
    assert_string_equal(name, want);
    assert_int_equal(cl_section_n3d(s, sec, &n), CL_OK);
    assert_int_equal(n, npt);
    return sec;
}

static void parent_is(cl_sim *s, cl_section sec, const char *want, double wx) {
    cl_section par;
    double x = -1;
    const char *name;
    assert_int_equal(cl_section_parent(s, sec, &par, &x), CL_OK);
    assert_int_equal(cl_section_name(s, par, &name), CL_OK);
    assert_string_equal(name, want);
    assert_true(x == wx);
}

static void test_tree(void **state) {
    (void)state;
    const char *p = write_file("cell.asc",
                               "; comment\n"
                               "(\"CellBody\" (Color Red) (CellBody)\n"
                               "  (0 5 0 0) (5 0 0 0) (0 -5 0 0) (-5 0 0 0) (0 5 0 0)\n"
                               ")\n"
                               "( (Color Green) (Dendrite)\n"
                               "  (0 5 0 2) (0 10 0 2)\n"
                               "  (\n"
                               "    (0 10 0 1) (5 15 0 1) Normal\n"
                               "  |\n"
                               "    (1 11 0 1.5) (-5 15 0 1)\n"
                               "  |\n"
                               "    (0 10 0 3)\n"
                               "  )\n"
                               ")\n"
                               "( (Axon)\n"
                               "  (0 -5 0 1) (0 -20 0 1)\n"
                               ")\n");
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell cell;
    assert_int_equal(cl_cell_load_morphology(s, p, &cell), CL_OK);
    size_t n = 0;
    assert_int_equal(cl_cell_section_count(s, cell, &n), CL_OK);
    assert_int_equal(n, 5); /* the one-point branch is removed */
    sec_named(s, cell, 0, "soma[0]", 21);
    cl_section axon = sec_named(s, cell, 1, "axon[0]", 2);
    cl_section d0 = sec_named(s, cell, 2, "dend[0]", 2);
    cl_section d1 = sec_named(s, cell, 3, "dend[1]", 2);
    cl_section d2 = sec_named(s, cell, 4, "dend[2]", 3);
    parent_is(s, axon, "soma[0]", 0.5);
    parent_is(s, d0, "soma[0]", 0.5);
    parent_is(s, d1, "dend[0]", 1);
    parent_is(s, d2, "dend[0]", 1);
    fx_assert_pt3d(s, axon, 0, 0, -5, 0, 1);
    fx_assert_pt3d(s, d0, 0, 0, 5, 0, 2);
    fx_assert_pt3d(s, d1, 0, 0, 10, 0, 1);
    fx_assert_pt3d(s, d2, 0, 0, 10, 0, 1.5); /* the parent's last point, the child's diameter */
    fx_assert_pt3d(s, d2, 1, 1, 11, 0, 1.5);
    fx_assert_pt3d(s, d2, 2, -5, 15, 0, 1);
    cl_sim_free(s);
}

static void expect_error(const char *name, const char *text, cl_status want, const char *msg) {
    fx_expect_morph_error(dir, name, text, want, msg);
}

static void test_errors(void **state) {
    (void)state;
    expect_error("/nonexistent/none.asc", NULL, CL_EIO, "none.asc");
    expect_error("bad.asc", "( (Dendrite)\n  (0 5 0 2) (0 10 0 2)\n", CL_EFORMAT, "bad.asc");
    /* a contour with no width: no centroid */
    expect_error("two.asc",
                 "(\"CellBody\" (CellBody) (0 0 0 0) (5 0 0 0) (10 0 0 0))\n"
                 "( (Dendrite) (0 5 0 2) (0 10 0 2))\n",
                 CL_EFORMAT, "two.asc: soma contour");
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tree),
        cmocka_unit_test(test_errors),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    const char *names[] = {"cell.asc", "bad.asc", "two.asc"};
    char path[300];
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    return rc;
}
