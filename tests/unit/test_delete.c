/* Unit tests for cl_section_delete / cl_cell_delete: a model with sections
 * deleted runs exactly as the same model built without them (the
 * reference), stale handles are refused, what lived in a deleted section
 * goes with it, and children become roots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "cellulab.h"

/* soma + dend (+ axon with an IClamp and a NetCon source when extra): hh
 * soma, pas dend, a step into the soma */
static void build(cl_sim *s, int extra, cl_cell *cell, cl_section *axon, cl_rec *rec) {
    cl_section soma, dend;
    cl_pp stim;
    assert_int_equal(cl_cell_new(s, "c", cell), CL_OK);
    assert_int_equal(cl_section_new(s, *cell, "soma", &soma), CL_OK);
    if (extra) assert_int_equal(cl_section_new(s, *cell, "axon", axon), CL_OK);
    assert_int_equal(cl_section_new(s, *cell, "dend", &dend), CL_OK);
    cl_section_set_L(s, soma, 20), cl_section_set_diam(s, soma, 20);
    cl_section_set_L(s, dend, 300), cl_section_set_diam(s, dend, 2), cl_section_set_nseg(s, dend, 11);
    assert_int_equal(cl_section_insert(s, soma, "hh"), CL_OK);
    assert_int_equal(cl_section_insert(s, dend, "pas"), CL_OK);
    assert_int_equal(cl_section_connect(s, dend, soma, 1), CL_OK);
    if (extra) {
        cl_pp ax_stim;
        cl_netcon nc;
        cl_section_set_L(s, *axon, 100), cl_section_set_diam(s, *axon, 1), cl_section_set_nseg(s, *axon, 5);
        assert_int_equal(cl_section_insert(s, *axon, "hh"), CL_OK);
        assert_int_equal(cl_section_connect(s, *axon, soma, 0), CL_OK);
        assert_int_equal(cl_pp_new(s, "IClamp", *axon, 0.5, &ax_stim), CL_OK);
        assert_int_equal(cl_pp_set(s, ax_stim, "amp", 1), CL_OK);
        assert_int_equal(cl_pp_set(s, ax_stim, "dur", 1e9), CL_OK);
        assert_int_equal(cl_netcon_from_section(s, *axon, 1, (cl_pp){0}, &nc), CL_OK);
    }
    assert_int_equal(cl_pp_new(s, "IClamp", soma, 0.5, &stim), CL_OK);
    cl_pp_set(s, stim, "delay", 1), cl_pp_set(s, stim, "dur", 5), cl_pp_set(s, stim, "amp", 0.5);
    assert_int_equal(cl_rec_section(s, dend, 0.9, "v", 0, rec), CL_OK);
}

static void test_deleted_equals_never_built(void **state) {
    (void)state;
    cl_sim *a, *b;
    cl_cell ca, cb;
    cl_section axon;
    cl_rec ra, rb;
    assert_int_equal(cl_sim_new(&a), CL_OK);
    assert_int_equal(cl_sim_new(&b), CL_OK);
    build(a, 1, &ca, &axon, &ra);
    build(b, 0, &cb, NULL, &rb);
    assert_int_equal(cl_sim_run(a, 2), CL_OK); /* compiled once with the axon */
    assert_int_equal(cl_section_delete(a, axon), CL_OK);
    assert_int_equal(cl_sim_run(a, 20), CL_OK);
    assert_int_equal(cl_sim_run(b, 20), CL_OK);
    const double *va, *vb;
    size_t na, nb;
    assert_int_equal(cl_rec_data(a, ra, &va, &na), CL_OK);
    assert_int_equal(cl_rec_data(b, rb, &vb, &nb), CL_OK);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) assert_true(va[i] == vb[i]); /* the same model: the same bits */
    size_t n;
    assert_int_equal(cl_cell_section_count(a, ca, &n), CL_OK);
    assert_int_equal(n, 2);
    /* the deleted section's handle is refused */
    double L;
    assert_int_equal(cl_section_get_L(a, axon, &L), CL_EHANDLE);
    assert_non_null(strstr(cl_sim_errmsg(a), "deleted"));
    assert_int_equal(cl_section_delete(a, axon), CL_EHANDLE);
    cl_sim_free(a);
    cl_sim_free(b);
}

static void test_children_become_roots(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    cl_section p, mid, leaf, par;
    double x;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    assert_int_equal(cl_cell_new(s, "c", &c), CL_OK);
    cl_section_new(s, c, "p", &p), cl_section_new(s, c, "mid", &mid), cl_section_new(s, c, "leaf", &leaf);
    assert_int_equal(cl_section_connect(s, mid, p, 1), CL_OK);
    assert_int_equal(cl_section_connect(s, leaf, mid, 0.5), CL_OK);
    cl_pp syn;
    assert_int_equal(cl_pp_new(s, "ExpSyn", mid, 0.5, &syn), CL_OK);
    assert_int_equal(cl_section_delete(s, mid), CL_OK);
    assert_int_equal(cl_section_parent(s, leaf, &par, &x), CL_ENOTFOUND); /* a root now */
    assert_int_equal(cl_pp_set(s, syn, "tau", 1), CL_EHANDLE);           /* went with its section */
    assert_int_equal(cl_sim_run(s, 1), CL_OK);
    /* deleting the whole cell */
    assert_int_equal(cl_cell_delete(s, c), CL_OK);
    size_t n;
    assert_int_equal(cl_cell_section_count(s, c, &n), CL_EHANDLE);
    assert_int_equal(cl_section_get_L(s, p, &x), CL_EHANDLE);
    assert_int_equal(cl_sim_run(s, 1), CL_OK); /* an empty simulation runs */
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_deleted_equals_never_built),
        cmocka_unit_test(test_children_become_roots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
