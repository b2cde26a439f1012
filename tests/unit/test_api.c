/* Misuse of the public API: each wrong call returns a status and a message
 * naming the argument and the value, and never crashes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab.h"

static cl_sim *sim;
static cl_cell cell;
static cl_section soma;

static int setup(void **state) {
    (void)state;
    if (cl_sim_new(&sim) != CL_OK) return -1;
    if (cl_cell_new(sim, "c", &cell) != CL_OK) return -1;
    return cl_section_new(sim, cell, "soma", &soma) == CL_OK ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    cl_sim_free(sim);
    return 0;
}

/* The message mentions each of the given fragments. */
static void expect_msg(const char *a, const char *b) {
    const char *m = cl_sim_errmsg(sim);
    if (a && !strstr(m, a)) fail_msg("message \"%s\" lacks \"%s\"", m, a);
    if (b && !strstr(m, b)) fail_msg("message \"%s\" lacks \"%s\"", m, b);
}

static void test_geometry_arguments(void **state) {
    (void)state;
    assert_int_equal(cl_section_set_L(sim, soma, NAN), CL_EINVAL);
    expect_msg("cl_section_set_L", "L");
    assert_int_equal(cl_section_set_L(sim, soma, -3), CL_EINVAL);
    expect_msg("-3", NULL);
    assert_int_equal(cl_section_set_L(sim, soma, 0), CL_EINVAL);
    assert_int_equal(cl_section_set_diam(sim, soma, 0), CL_EINVAL);
    expect_msg("diam", "got 0");
    assert_int_equal(cl_section_set_diam(sim, soma, INFINITY), CL_EINVAL);
    assert_int_equal(cl_section_set_nseg(sim, soma, 0), CL_EINVAL);
    expect_msg("nseg", "got 0");
    assert_int_equal(cl_section_set_nseg(sim, soma, -5), CL_EINVAL);
    assert_int_equal(cl_section_set_nseg(sim, soma, 40000), CL_EINVAL);
    assert_int_equal(cl_section_set_Ra(sim, soma, -1), CL_EINVAL);
    assert_int_equal(cl_section_set_cm(sim, soma, NAN), CL_EINVAL);
    assert_int_equal(cl_section_pt3dadd(sim, soma, 0, NAN, 0, 1), CL_EINVAL);
    assert_int_equal(cl_section_pt3dadd(sim, soma, 0, 0, 0, -1), CL_EINVAL);
    /* valid values are accepted */
    assert_int_equal(cl_section_set_L(sim, soma, 20), CL_OK);
    assert_int_equal(strlen(cl_sim_errmsg(sim)), 0);
}

static void test_locations(void **state) {
    (void)state;
    cl_pp pp;
    assert_int_equal(cl_pp_new(sim, "IClamp", soma, 1.5, &pp), CL_EINVAL);
    expect_msg("x", "1.5");
    assert_int_equal(cl_pp_new(sim, "IClamp", soma, -0.1, &pp), CL_EINVAL);
    assert_int_equal(cl_pp_new(sim, "IClamp", soma, NAN, &pp), CL_EINVAL);
    cl_rec r;
    assert_int_equal(cl_rec_section(sim, soma, 2, "v", 0, &r), CL_EINVAL);
    assert_int_equal(cl_section_set_at(sim, soma, 7, "cm", 1), CL_EINVAL);
    cl_netcon nc;
    assert_int_equal(cl_netcon_from_section(sim, soma, -1, (cl_pp){0}, &nc), CL_EINVAL);
    cl_section child;
    assert_int_equal(cl_section_new(sim, cell, "child", &child), CL_OK);
    assert_int_equal(cl_section_connect(sim, child, soma, 1.01), CL_EINVAL);
    expect_msg("parent_x", "1.01");
}

static void test_unknown_names(void **state) {
    (void)state;
    assert_int_equal(cl_section_insert(sim, soma, "hhh"), CL_ENOTFOUND);
    expect_msg("hhh", NULL);
    assert_int_equal(cl_section_insert(sim, soma, "IClamp"), CL_EINVAL);
    expect_msg("point process", NULL);
    assert_int_equal(cl_section_set(sim, soma, "gnabar_hh", 0.1), CL_ENOTFOUND);
    expect_msg("not inserted", "soma");
    assert_int_equal(cl_section_insert(sim, soma, "hh"), CL_OK);
    assert_int_equal(cl_section_set(sim, soma, "gnabar_hh", 0.1), CL_OK);
    assert_int_equal(cl_section_set(sim, soma, "gnobar_hh", 0.1), CL_ENOTFOUND);
    expect_msg("gnobar_hh", NULL);
    assert_int_equal(cl_section_set(sim, soma, "gnabar_hh", NAN), CL_EINVAL);
    cl_pp pp;
    assert_int_equal(cl_pp_new(sim, "NoSuchSyn", soma, 0.5, &pp), CL_ENOTFOUND);
    assert_int_equal(cl_pp_new(sim, "NetStim", soma, 0.5, &pp), CL_EINVAL);
    expect_msg("artificial cell", NULL);
    assert_int_equal(cl_artcell_new(sim, "ExpSyn", &pp), CL_EINVAL);
    assert_int_equal(cl_pp_new(sim, "ExpSyn", soma, 0.5, &pp), CL_OK);
    assert_int_equal(cl_pp_set(sim, pp, "taux", 1), CL_ENOTFOUND);
    expect_msg("ExpSyn", "taux");
    assert_int_equal(cl_pp_set(sim, pp, "tau", -1), CL_EINVAL);
    assert_int_equal(cl_sim_set_global(sim, "usetable_foo", 1), CL_ENOTFOUND);
    cl_rec r;
    assert_int_equal(cl_rec_section(sim, soma, 0.5, "q_hh", 0, &r), CL_ENOTFOUND);
    assert_int_equal(cl_rec_pp(sim, pp, "nothing", 0, &r), CL_ENOTFOUND);
}

static void test_handles(void **state) {
    (void)state;
    cl_pp stim;
    assert_int_equal(cl_pp_new(sim, "IClamp", soma, 0.5, &stim), CL_OK);
    assert_int_equal(cl_pp_delete(sim, stim), CL_OK);
    assert_int_equal(cl_pp_set(sim, stim, "amp", 1), CL_EHANDLE);
    expect_msg("deleted", NULL);
    assert_int_equal(cl_pp_delete(sim, stim), CL_EHANDLE);
    /* a handle of another kind */
    cl_pp fake = {soma.id};
    assert_int_equal(cl_pp_set(sim, fake, "amp", 1), CL_EHANDLE);
    expect_msg("not a point process", NULL);
    /* a made-up handle and a null handle */
    assert_int_equal(cl_section_set_L(sim, (cl_section){0x0123456789abcdefULL}, 1), CL_EHANDLE);
    assert_int_equal(cl_section_set_L(sim, (cl_section){0}, 1), CL_EHANDLE);
    expect_msg("null", NULL);
    /* a handle from another simulation */
    cl_sim *other;
    cl_cell oc;
    cl_section os;
    assert_int_equal(cl_sim_new(&other), CL_OK);
    assert_int_equal(cl_cell_new(other, NULL, &oc), CL_OK);
    assert_int_equal(cl_section_new(other, oc, "soma", &os), CL_OK);
    assert_int_equal(cl_section_set_L(sim, os, 10), CL_EHANDLE);
    expect_msg("another simulation", NULL);
    assert_int_equal(cl_section_connect(sim, os, soma, 0.5), CL_EHANDLE);
    cl_sim_free(other);
    /* deleting a target removes its connections */
    cl_pp syn, ns;
    cl_netcon nc;
    assert_int_equal(cl_pp_new(sim, "ExpSyn", soma, 0.5, &syn), CL_OK);
    assert_int_equal(cl_artcell_new(sim, "NetStim", &ns), CL_OK);
    assert_int_equal(cl_netcon_from_pp(sim, ns, syn, &nc), CL_OK);
    assert_int_equal(cl_pp_delete(sim, syn), CL_OK);
    assert_int_equal(cl_netcon_set_weight(sim, nc, 0, 1), CL_EHANDLE);
    /* a source that emits no events, a target that receives none */
    cl_pp ic;
    assert_int_equal(cl_pp_new(sim, "IClamp", soma, 0.5, &ic), CL_OK);
    assert_int_equal(cl_netcon_from_pp(sim, ic, (cl_pp){0}, &nc), CL_EINVAL);
    assert_int_equal(cl_netcon_from_pp(sim, ns, ic, &nc), CL_EINVAL);
    expect_msg("does not receive events", NULL);
    /* NULL simulation */
    assert_int_equal(cl_sim_run(NULL, 10), CL_EINVAL);
    assert_int_equal(cl_sim_new(NULL), CL_EINVAL);
    cl_sim_free(NULL);
}

static void test_connections(void **state) {
    (void)state;
    cl_section a, b;
    cl_cell other;
    assert_int_equal(cl_section_new(sim, cell, "a", &a), CL_OK);
    assert_int_equal(cl_section_new(sim, cell, "b", &b), CL_OK);
    assert_int_equal(cl_section_connect(sim, a, soma, 1), CL_OK);
    assert_int_equal(cl_section_connect(sim, b, a, 1), CL_OK);
    assert_int_equal(cl_section_connect(sim, soma, b, 0.5), CL_EINVAL);
    expect_msg("loop", NULL);
    assert_int_equal(cl_section_connect(sim, a, a, 0.5), CL_EINVAL);
    assert_int_equal(cl_cell_new(sim, "other", &other), CL_OK);
    cl_section x;
    assert_int_equal(cl_section_new(sim, other, "x", &x), CL_OK);
    assert_int_equal(cl_section_connect(sim, x, soma, 0.5), CL_EINVAL);
    expect_msg("different cells", NULL);
    assert_int_equal(cl_section_new(sim, cell, "a", &x), CL_EINVAL);
    expect_msg("already has", NULL);
}

static void test_run_states(void **state) {
    (void)state;
    cl_sim *empty;
    assert_int_equal(cl_sim_new(&empty), CL_OK);
    assert_int_equal(cl_sim_run(empty, 10), CL_ESTATE);
    assert_non_null(strstr(cl_sim_errmsg(empty), "empty"));
    assert_int_equal(cl_sim_set_dt(empty, 0), CL_EINVAL);
    assert_non_null(strstr(cl_sim_errmsg(empty), "dt"));
    assert_int_equal(cl_sim_set_dt(empty, -0.1), CL_EINVAL);
    assert_int_equal(cl_sim_set_dt(empty, NAN), CL_EINVAL);
    assert_int_equal(cl_sim_set_celsius(empty, INFINITY), CL_EINVAL);
    assert_int_equal(cl_sim_continue(empty, 10), CL_ESTATE);
    cl_sim_free(empty);

    cl_rec r;
    const double *data;
    size_t n;
    assert_int_equal(cl_rec_section(sim, soma, 0.5, "v", 0, &r), CL_OK);
    assert_int_equal(cl_rec_data(sim, r, &data, &n), CL_ESTATE);
    assert_non_null(strstr(cl_sim_errmsg(sim), "run"));
    assert_int_equal(cl_cell_get_soma_voltage(sim, cell, &data, &n), CL_ESTATE);
    assert_int_equal(cl_sim_run(sim, -1), CL_EINVAL);
    assert_int_equal(cl_sim_run(sim, NAN), CL_EINVAL);
    assert_int_equal(cl_sim_continue(sim, 5), CL_ESTATE);
    assert_int_equal(cl_sim_run(sim, 1), CL_OK);
    assert_int_equal(cl_rec_data(sim, r, &data, &n), CL_OK);
    assert_int_equal(n, 41);
    /* a structural change needs a new run before continuing */
    assert_int_equal(cl_section_insert(sim, soma, "pas"), CL_OK);
    assert_int_equal(cl_sim_continue(sim, 2), CL_ESTATE);
    assert_non_null(strstr(cl_sim_errmsg(sim), "cl_sim_run"));
    assert_int_equal(cl_rec_data(sim, r, &data, &n), CL_ESTATE);
    cl_netcon nc;
    assert_int_equal(cl_netcon_from_section(sim, soma, 0.5, (cl_pp){0}, &nc), CL_OK);
    assert_int_equal(cl_netcon_spikes(sim, nc, &data, &n), CL_ESTATE);
    assert_non_null(strstr(cl_sim_errmsg(sim), "cl_netcon_record"));
}

static void test_vecstim_arguments(void **state) {
    (void)state;
    cl_pp vs, ns;
    assert_int_equal(cl_artcell_new(sim, "VecStim", &vs), CL_OK);
    assert_int_equal(cl_artcell_new(sim, "NetStim", &ns), CL_OK);
    const double bad_order[3] = {1, 3, 2}, bad_nan[2] = {1, NAN}, good[2] = {1, 2};
    assert_int_equal(cl_vecstim_play(sim, vs, bad_order, 3), CL_EINVAL);
    expect_msg("times[2]", NULL);
    assert_int_equal(cl_vecstim_play(sim, vs, bad_nan, 2), CL_EINVAL);
    assert_int_equal(cl_vecstim_play(sim, vs, NULL, 2), CL_EINVAL);
    assert_int_equal(cl_vecstim_play(sim, ns, good, 2), CL_EINVAL);
    assert_int_equal(cl_vecstim_play(sim, vs, good, 2), CL_OK);
    assert_int_equal(cl_pp_set(sim, ns, "noise", 0.5), CL_EINVAL);
    expect_msg("random", NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_geometry_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run_states, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vecstim_arguments, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
