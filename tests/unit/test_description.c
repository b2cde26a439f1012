/* Unit tests for the model description's compact storage (engine.h): a
 * section mechanism stores only the variables given a value, a point
 * process only the variables set to a non-default value, and connection
 * weights live in one pool. What the API reads back must be what was
 * written, before and after compiling, across nseg changes (NEURON's rule:
 * each new segment takes the value of the old segment containing its
 * centre) and across many connections (the pool grows). Defaults are the
 * MOD files' (hh: gnabar 0.12, gkbar 0.036; Exp2Syn: tau1 0.1, tau2 10,
 * e 0), as in NEURON 8.2. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "cellulab.h"

#define OK(call) assert_int_equal((call), CL_OK)

static double get_at(cl_sim *s, cl_section sec, double x, const char *var) {
    double v = NAN;
    OK(cl_section_get_at(s, sec, x, var, &v));
    return v;
}

/* values set in some segments, defaults in the others, then nseg 4 -> 8 */
static void test_section_values(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    cl_section sec;
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, "c", &c));
    OK(cl_section_new(s, c, "soma", &sec));
    OK(cl_section_set_nseg(s, sec, 4));
    OK(cl_section_insert(s, sec, "hh"));
    for (int j = 0; j < 4; j++) assert_true(get_at(s, sec, (j + 0.5) / 4, "gnabar_hh") == 0.12);
    OK(cl_section_set_at(s, sec, 0.1, "gnabar_hh", 0.3));   /* segment 0 */
    OK(cl_section_set_at(s, sec, 0.9, "gkbar_hh", 0.05));   /* segment 3 */
    OK(cl_section_set_at(s, sec, 0.6, "gnabar_hh", 0.12));  /* the default again: nothing changes */
    assert_true(get_at(s, sec, 0.125, "gnabar_hh") == 0.3);
    assert_true(get_at(s, sec, 0.375, "gnabar_hh") == 0.12);
    assert_true(get_at(s, sec, 0.875, "gkbar_hh") == 0.05);
    assert_true(get_at(s, sec, 0.125, "gkbar_hh") == 0.036);
    OK(cl_section_set_nseg(s, sec, 8));
    /* new segment j takes old segment floor(4 (j + 0.5) / 8) */
    for (int j = 0; j < 8; j++) {
        double x = (j + 0.5) / 8;
        assert_true(get_at(s, sec, x, "gnabar_hh") == (j / 2 == 0 ? 0.3 : 0.12));
        assert_true(get_at(s, sec, x, "gkbar_hh") == (j / 2 == 3 ? 0.05 : 0.036));
        assert_true(get_at(s, sec, x, "gl_hh") == 0.0003);
    }
    /* the compiled values are the description's */
    OK(cl_sim_init(s));
    for (int j = 0; j < 8; j++) {
        double x = (j + 0.5) / 8;
        assert_true(get_at(s, sec, x, "gnabar_hh") == (j / 2 == 0 ? 0.3 : 0.12));
        assert_true(get_at(s, sec, x, "gkbar_hh") == (j / 2 == 3 ? 0.05 : 0.036));
    }
    cl_sim_free(s);
}

/* a point process: set, reset, -0 against a default of +0, before and
 * after compiling */
static void test_pp_values(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    cl_section sec;
    cl_pp syn;
    double v;
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, "c", &c));
    OK(cl_section_new(s, c, "soma", &sec));
    OK(cl_pp_new(s, "Exp2Syn", sec, 0.5, &syn));
    OK(cl_pp_get(s, syn, "tau2", &v));
    assert_true(v == 10);
    OK(cl_pp_set(s, syn, "tau1", 0.5));
    OK(cl_pp_set(s, syn, "tau1", 0.7));
    OK(cl_pp_set(s, syn, "e", -0.0)); /* not the default bit for bit: kept */
    OK(cl_pp_get(s, syn, "tau1", &v));
    assert_true(v == 0.7);
    OK(cl_pp_get(s, syn, "e", &v));
    assert_true(v == 0 && signbit(v));
    OK(cl_pp_set(s, syn, "tau2", 10)); /* the default: nothing changes */
    for (int pass = 0; pass < 2; pass++) {
        OK(cl_pp_get(s, syn, "tau1", &v));
        assert_true(v == 0.7);
        OK(cl_pp_get(s, syn, "tau2", &v));
        assert_true(v == 10);
        OK(cl_pp_get(s, syn, "e", &v));
        assert_true(v == 0 && signbit(v));
        OK(cl_sim_init(s)); /* second pass: the compiled block */
    }
    cl_sim_free(s);
}

/* many connections (the weight pool moves as it grows): each keeps its
 * own weights; a structural change and re-initialisation keep them */
static void test_weights(void **state) {
    (void)state;
    enum { N = 1000 };
    cl_sim *s;
    cl_cell c;
    cl_section sec, extra;
    cl_pp syn, stim;
    cl_netcon nc[N];
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, "c", &c));
    OK(cl_section_new(s, c, "soma", &sec));
    OK(cl_pp_new(s, "Exp2Syn", sec, 0.5, &syn));
    OK(cl_artcell_new(s, "NetStim", &stim));
    for (int i = 0; i < N; i++) {
        OK(cl_netcon_from_pp(s, stim, syn, &nc[i]));
        OK(cl_netcon_set_weight(s, nc[i], 0, 1e-3 * i));
    }
    double w;
    assert_int_equal(cl_netcon_get_weight(s, nc[0], 1, &w), CL_EINVAL); /* Exp2Syn has one weight */
    OK(cl_sim_init(s));
    OK(cl_section_new(s, c, "extra", &extra)); /* layout rebuilt at the next init */
    OK(cl_sim_init(s));
    for (int i = 0; i < N; i++) {
        OK(cl_netcon_get_weight(s, nc[i], 0, &w));
        assert_true(w == 1e-3 * i);
    }
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_section_values),
        cmocka_unit_test(test_pp_values),
        cmocka_unit_test(test_weights),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
