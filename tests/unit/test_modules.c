/* Module-level unit tests: util helpers, the event queue, the mechanism
 * registry and ions, cylinder geometry, node ordering. References are
 * hand-derived values and NEURON's documented rules. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab.h"
#include "engine/engine.h"
#include "mech/ion.h"
#include "mech/mech.h"
#include "sim/sim.h"
#include "util/util.h"

#define OK(call) assert_int_equal((call), CL_OK)

static void test_util_grow_and_fmt(void **state) {
    (void)state;
    int *a = NULL;
    size_t cap = 0;
    assert_int_equal(CL_GROW(a, cap, 100), 0);
    assert_true(cap >= 100);
    for (int i = 0; i < 100; i++) a[i] = i;
    assert_int_equal(CL_GROW(a, cap, 50), 0); /* no shrink */
    assert_int_equal(a[99], 99);
    free(a);
    char buf[8];
    assert_string_equal(cl_fmt(buf, sizeof buf, "%s", "truncated!"), "truncat");
    char *d = cl_strdup("abc");
    assert_string_equal(d, "abc");
    free(d);
    assert_true(cl_finite(1.0) && !cl_finite(NAN) && !cl_finite(INFINITY));
}

/* Earliest first; equal times in the order they were sent; nothing after tmax. */
static void test_event_queue_order(void **state) {
    (void)state;
    cl_engine e;
    cl_engine_init_empty(&e);
    const double t[8] = {5, 1, 3, 3, 2, 3, 9, 0.5};
    for (int i = 0; i < 8; i++) assert_int_equal(cl_event_push(&e, (cl_event){.t = t[i], .a = i}), 0);
    cl_event ev;
    const int expect[7] = {7, 1, 4, 2, 3, 5, 0};
    for (int k = 0; k < 7; k++) {
        assert_int_equal(cl_event_pop_until(&e, 5.0, &ev), 1);
        assert_int_equal(ev.a, expect[k]);
    }
    assert_int_equal(cl_event_pop_until(&e, 5.0, &ev), 0); /* 9 stays */
    assert_int_equal(cl_event_pop_until(&e, 9.0, &ev), 1);
    assert_int_equal(ev.a, 6);
    cl_event_clear(&e);
    assert_int_equal(cl_event_pop_until(&e, 1e9, &ev), 0);
    cl_engine_release(&e);
}

/* NEURON's type order: pas before the clamps and synapses, ions right before
 * hh, artificial cells after. */
static void test_registry_order(void **state) {
    (void)state;
    cl_engine e;
    cl_engine_init_empty(&e);
    int pas = cl_eng_find(&e, "pas"), ic = cl_eng_find(&e, "IClamp"), na = cl_eng_find(&e, "na_ion"),
        k = cl_eng_find(&e, "k_ion"), hh = cl_eng_find(&e, "hh"), ns = cl_eng_find(&e, "NetStim");
    assert_true(pas >= 0 && pas < ic && ic < na && na < k && k < hh && hh < ns);
    assert_int_equal(cl_eng_find(&e, "nothing"), -1);
    assert_null(cl_eng_type(&e, -1));
    assert_null(cl_eng_type(&e, e.ntypes));
    assert_int_equal(e.ntypes, cl_builtin_count());
    const cl_mech_type *m = cl_eng_type(&e, hh);
    assert_int_equal(m->nion, 2);
    assert_true(cl_mech_var_find(m, "gnabar") >= 0);
    assert_int_equal(cl_mech_var_find(m, "gnabar_hh"), -1); /* short names only */
    const char *const *names = cl_mechanism_names();
    int count = 0;
    for (; names[count]; count++) assert_true(cl_eng_find(&e, names[count]) >= 0);
    assert_true(count >= 10);
    cl_engine_release(&e);
}

/* Nernst with CODATA 2018 constants: RT/F at 6.3 degC = 24.0811... mV. */
static void test_nernst(void **state) {
    (void)state;
    double R = 1.380649e-23 * 6.02214076e+23, F = 1.602176634e-19 * 6.02214076e+23;
    double ktf = 1000. * R * (6.3 + 273.15) / F;
    assert_true(fabs(ktf - 24.08114) < 1e-5); /* 8.314462618 * 279.45 / 96485.33212 */
    double ek = cl_ion_nernst(54.4, 2.5, 1, 6.3, 0);
    assert_true(fabs(ek - ktf * log(2.5 / 54.4)) < 1e-12);
    double eca = cl_ion_nernst(5e-5, 2, 2, 6.3, 0);
    assert_true(fabs(eca - ktf / 2 * log(2 / 5e-5)) < 1e-12);
    assert_true(cl_ion_nernst(0, 1, 1, 6.3, 0) == 1e6);  /* NEURON's guards */
    assert_true(cl_ion_nernst(1, 0, 1, 6.3, 0) == -1e6);
    assert_true(cl_ion_nernst(1, 2, 0, 6.3, 0) == 0);
    /* legacy: NEURON 7's 8.3134 and 96485.309 (eion.cpp under nrnunit_use_legacy) */
    double ktf7 = 1000. * 8.3134 * (6.3 + 273.15) / 96485.309;
    assert_true(cl_ion_nernst(5e-5, 2, 2, 6.3, 1) == ktf7 / 2 * log(2 / 5e-5));
    assert_true(cl_ion_nernst(5e-5, 2, 2, 6.3, 1) != eca);
}

/* A cylinder: area = pi d L/nseg; ri(x) = Ra (dx/2 + dx/2) / (pi d^2/4) * 1e-2
 * between centres, half that for the first segment. */
static void test_cylinder_geometry(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    cl_section sec;
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, NULL, &c));
    OK(cl_section_new(s, c, "cable", &sec));
    OK(cl_section_set_L(s, sec, 100));
    OK(cl_section_set_diam(s, sec, 2));
    OK(cl_section_set_nseg(s, sec, 4));
    OK(cl_section_set_Ra(s, sec, 150));
    double pi = 3.14159265358979323846, dx = 25, area, ri0, ri1, riend;
    OK(cl_section_area(s, sec, 0.6, &area));
    OK(cl_section_ri(s, sec, 0.1, &ri0));
    OK(cl_section_ri(s, sec, 0.4, &ri1));
    OK(cl_section_ri(s, sec, 1.0, &riend));
    double half = 1e-2 * 150 * (dx / 2) / (pi * 2 * 2 / 4.);
    assert_true(fabs(area - pi * 2 * dx) < 1e-12);
    assert_true(fabs(ri0 - half) < 1e-12);
    assert_true(fabs(ri1 - 2 * half) < 1e-12);
    assert_true(fabs(riend - half) < 1e-12);
    double a0, a1;
    OK(cl_section_area(s, sec, 0, &a0));
    OK(cl_section_area(s, sec, 1, &a1));
    assert_true(a0 == 0 && a1 == 0); /* NEURON's area() at the zero-area ends */
    /* 3-D points: L from the arc length (float differences), here 5 and 12 -> 13 */
    cl_section p3;
    OK(cl_section_new(s, c, "p3", &p3));
    OK(cl_section_pt3dadd(s, p3, 0, 0, 0, 1));
    OK(cl_section_pt3dadd(s, p3, 5, 12, 0, 1));
    double L;
    OK(cl_section_get_L(s, p3, &L));
    assert_true(L == 13.0);
    assert_int_equal(cl_section_set_L(s, p3, 4), CL_ESTATE);
    cl_sim_free(s);
}

/* Node order: root nodes first, then sections breadth first, children sorted
 * by connection position and, at equal positions, newest connection first. */
static void test_node_order(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    cl_section root, x1, x05a, x05b, deep;
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, NULL, &c));
    OK(cl_section_new(s, c, "root", &root));
    OK(cl_section_new(s, c, "x1", &x1));
    OK(cl_section_new(s, c, "x05a", &x05a));
    OK(cl_section_new(s, c, "x05b", &x05b));
    OK(cl_section_new(s, c, "deep", &deep));
    OK(cl_section_connect(s, deep, x1, 0.5));
    OK(cl_section_connect(s, x1, root, 1));
    OK(cl_section_connect(s, x05a, root, 0.5));
    OK(cl_section_connect(s, x05b, root, 0.5));
    OK(cl_sim_init(s));
    cl_engine *e = &s->eng; /* white-box: the engine behind the API */
    /* nseg 1 each: 2 nodes per section after one root node */
    int n_x05b = e->sec[3].node0, n_x05a = e->sec[2].node0, n_x1 = e->sec[1].node0,
        n_deep = e->sec[4].node0;
    assert_int_equal(e->sec[0].node0, 1);
    assert_true(n_x05b < n_x05a && n_x05a < n_x1 && n_x1 < n_deep);
    assert_int_equal(e->sec[3].parentnode, e->sec[0].node0);     /* root(0.5): centre */
    assert_int_equal(e->sec[1].parentnode, e->sec[0].node0 + 1); /* root(1): end node */
    for (int i = e->nroot; i < e->nnode; i++) assert_true(e->parent[i] < i);
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util_grow_and_fmt),
        cmocka_unit_test(test_event_queue_order),
        cmocka_unit_test(test_registry_order),
        cmocka_unit_test(test_nernst),
        cmocka_unit_test(test_cylinder_geometry),
        cmocka_unit_test(test_node_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
