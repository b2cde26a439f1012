/* Engine behaviour with independent references: hand-derived values,
 * NEURON's documented semantics, and self-consistency that must hold
 * bit for bit (threads, continuation). */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab.h"

#define OK(call) assert_int_equal((call), CL_OK)

/* The headline example; returns a malloc'd copy of the soma trace. */
static double *headline(size_t *n, double split) {
    cl_sim *s;
    cl_cell cell;
    cl_stim stim;
    const double *v;
    OK(cl_sim_new(&s));
    OK(cl_cell_ballstick(s, &cell));
    OK(cl_cell_add_step(s, cell, 5.0, 20.0, 0.5, &stim));
    if (split > 0) {
        OK(cl_sim_run(s, split));
        OK(cl_sim_continue(s, 25.0));
    } else {
        OK(cl_sim_run(s, 25.0));
    }
    OK(cl_cell_get_soma_voltage(s, cell, &v, n));
    double *copy = malloc(*n * sizeof *copy);
    memcpy(copy, v, *n * sizeof *copy);
    cl_sim_free(s);
    return copy;
}

static void test_continuation_is_identical(void **state) {
    (void)state;
    size_t n1, n2, n3;
    double *one = headline(&n1, 0), *two = headline(&n2, 10.0), *odd = headline(&n3, 7.3);
    assert_int_equal(n1, 1001);
    assert_int_equal(n2, n1);
    assert_int_equal(n3, n1);
    assert_memory_equal(one, two, n1 * sizeof *one);
    assert_memory_equal(one, odd, n1 * sizeof *one);
    free(one); free(two); free(odd);
}

typedef struct job { double *v; size_t n; } job;

static void *run_job(void *arg) {
    job *j = arg;
    j->v = headline(&j->n, 0);
    return NULL;
}

static void test_two_simulations_in_threads(void **state) {
    (void)state;
    size_t n;
    double *ref = headline(&n, 0);
    job jobs[2] = {{0}};
    pthread_t th[2];
    for (int i = 0; i < 2; i++) assert_int_equal(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(jobs[i].n, n);
        assert_memory_equal(jobs[i].v, ref, n * sizeof *ref);
        free(jobs[i].v);
    }
    free(ref);
}

static void test_two_simulations_interleaved(void **state) {
    (void)state;
    /* Two simulations with different settings stepped alternately in one
     * thread: each gives what it gives alone. */
    size_t n;
    double *ref = headline(&n, 0);
    cl_sim *a, *b;
    cl_cell ca, cb;
    cl_stim sa, sb;
    OK(cl_sim_new(&a));
    OK(cl_sim_new(&b));
    OK(cl_cell_ballstick(a, &ca));
    OK(cl_cell_ballstick(b, &cb));
    OK(cl_cell_add_step(a, ca, 5.0, 20.0, 0.5, &sa));
    OK(cl_cell_add_step(b, cb, 1.0, 2.0, 3.0, &sb));
    OK(cl_sim_set_celsius(b, 6.3));
    OK(cl_sim_set_global(b, "usetable_hh", 0));
    OK(cl_sim_init(a));
    OK(cl_sim_init(b));
    for (int i = 0; i < 1000; i++) {
        OK(cl_sim_step(a));
        OK(cl_sim_step(b));
    }
    const double *v;
    size_t na;
    OK(cl_cell_get_soma_voltage(a, ca, &v, &na));
    assert_int_equal(na, n);
    assert_memory_equal(v, ref, n * sizeof *ref);
    double g;
    OK(cl_sim_get_global(a, "usetable_hh", &g));
    assert_true(g == 1.0);
    cl_sim_free(a);
    cl_sim_free(b);
    free(ref);
}

/* One passive compartment relaxing from v_init to e_pas. Backward Euler with
 * NEURON's units: (cm*1e-3/dt + g) dv = -g (v - e), so
 * v_{n+1} - e = (v_n - e) * c / (c + g), c = 1e-3 cm / dt. The finite
 * difference di/dv differs from g by ~1e-13 relative, hence the tolerance. */
static void test_passive_decay_matches_backward_euler(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_section sec;
    cl_rec r;
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, "p", &cell));
    OK(cl_section_new(s, cell, "soma", &sec));
    OK(cl_section_set_L(s, sec, 10));
    OK(cl_section_set_diam(s, sec, 10));
    OK(cl_section_insert(s, sec, "pas"));
    OK(cl_section_set(s, sec, "g_pas", 5e-4));
    OK(cl_section_set(s, sec, "e_pas", -70));
    OK(cl_rec_section(s, sec, 0.5, "v", 0, &r));
    OK(cl_sim_set_v_init(s, -60));
    OK(cl_sim_run(s, 50));
    const double *v;
    size_t n;
    OK(cl_rec_data(s, r, &v, &n));
    assert_int_equal(n, 2001);
    double c = 1e-3 * 1.0 / 0.025, g = 5e-4, x = 10.0;
    for (size_t i = 0; i < n; i++) {
        double expect = -70 + x;
        assert_true(fabs(v[i] - expect) <= 1e-9 * fabs(x) + 1e-12);
        x = x * c / (c + g);
    }
    cl_sim_free(s);
}

/* VecStim times reach a NetCon unchanged; IntFire1 integrates them:
 * m = w at 2 ms; at 3.5 ms m = w*exp(-1.5/10) + w > 1 fires; the second
 * 3.5 ms event and the 8 ms one arrive while refractory (until 8.5 ms). */
static void test_vecstim_intfire1_hand_derived(void **state) {
    (void)state;
    cl_sim *s;
    cl_pp vs, cell;
    cl_netcon in, out;
    OK(cl_sim_new(&s));
    OK(cl_artcell_new(s, "VecStim", &vs));
    OK(cl_artcell_new(s, "IntFire1", &cell));
    const double times[4] = {1.0, 2.5, 2.5, 7.0};
    OK(cl_vecstim_play(s, vs, times, 4));
    OK(cl_netcon_from_pp(s, vs, cell, &in));
    OK(cl_netcon_set_delay(s, in, 1.0));
    OK(cl_netcon_set_weight(s, in, 0, 0.6));
    OK(cl_netcon_record(s, in));
    OK(cl_netcon_from_pp(s, cell, (cl_pp){0}, &out));
    OK(cl_netcon_record(s, out));
    OK(cl_sim_run(s, 20));
    const double *t;
    size_t n;
    OK(cl_netcon_spikes(s, in, &t, &n));
    assert_int_equal(n, 4);
    for (int i = 0; i < 4; i++) assert_true(t[i] == times[i]);
    OK(cl_netcon_spikes(s, out, &t, &n));
    assert_int_equal(n, 1);
    assert_true(t[0] == 3.5);
    double m;
    OK(cl_pp_get(s, cell, "m", &m));
    assert_true(m == 0.0); /* reset when the refractory period ended at 8.5 ms */
    cl_sim_free(s);
}

/* NetStim: start 5, interval 2, number 3 -> 5, 7, 9 ms; a VecStim-free check
 * of NEURON's (start + interval) - interval arithmetic. */
static void test_netstim_times(void **state) {
    (void)state;
    cl_sim *s;
    cl_pp ns;
    cl_netcon nc;
    OK(cl_sim_new(&s));
    OK(cl_artcell_new(s, "NetStim", &ns));
    OK(cl_pp_set(s, ns, "start", 5));
    OK(cl_pp_set(s, ns, "interval", 2));
    OK(cl_pp_set(s, ns, "number", 3));
    OK(cl_netcon_from_pp(s, ns, (cl_pp){0}, &nc));
    OK(cl_netcon_record(s, nc));
    OK(cl_sim_run(s, 30));
    const double *t;
    size_t n;
    OK(cl_netcon_spikes(s, nc, &t, &n));
    assert_int_equal(n, 3);
    assert_true(t[0] == 5 && t[1] == 7 && t[2] == 9);
    cl_sim_free(s);
}

/* A voltage clamp with a small series resistance holds a passive compartment;
 * at steady state the clamp current equals the leak current through the
 * membrane: i = g*(v - e)*area*1e-2 nA (g in S/cm2, area in um2). */
static void test_seclamp_steady_state(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_section sec;
    cl_pp clamp;
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, "p", &cell));
    OK(cl_section_new(s, cell, "soma", &sec));
    OK(cl_section_set_L(s, sec, 20));
    OK(cl_section_set_diam(s, sec, 20));
    OK(cl_section_insert(s, sec, "pas"));
    OK(cl_pp_new(s, "SEClamp", sec, 0.5, &clamp));
    OK(cl_pp_set(s, clamp, "rs", 0.01));
    OK(cl_pp_set(s, clamp, "dur1", 100));
    OK(cl_pp_set(s, clamp, "amp1", -50));
    OK(cl_sim_run(s, 50));
    double v, i, area;
    OK(cl_section_get_at(s, sec, 0.5, "v", &v));
    OK(cl_pp_get(s, clamp, "i", &i));
    OK(cl_section_area(s, sec, 0.5, &area));
    double leak = 1e-3 * (v - (-70)) * area * 1e-2;
    assert_true(fabs(i - leak) < 1e-9);                /* current balance */
    assert_true(fabs(v - (-50 - i * 0.01)) < 1e-9);   /* i = (vc - v)/rs */
    cl_sim_free(s);
}

/* APCount reports t_{n+1} of the first sample >= thresh; a NetCon with the
 * same threshold sees it at the start of the next step: t_{n+1} + 1e-10. */
static void test_apcount_and_netcon_agree(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_stim stim;
    cl_section soma;
    cl_pp apc;
    cl_netcon nc;
    OK(cl_sim_new(&s));
    OK(cl_cell_ballstick(s, &cell));
    OK(cl_cell_add_step(s, cell, 5.0, 20.0, 0.5, &stim));
    OK(cl_cell_soma(s, cell, &soma));
    OK(cl_pp_new(s, "APCount", soma, 0.5, &apc));
    OK(cl_pp_set(s, apc, "thresh", -20));
    OK(cl_netcon_from_section(s, soma, 0.5, (cl_pp){0}, &nc));
    OK(cl_netcon_set_threshold(s, nc, -20));
    OK(cl_netcon_record(s, nc));
    OK(cl_sim_run(s, 25));
    const double *ta, *tn;
    size_t na, nn;
    OK(cl_apcount_times(s, apc, &ta, &na));
    OK(cl_netcon_spikes(s, nc, &tn, &nn));
    assert_true(na > 3);
    assert_int_equal(na, nn);
    for (size_t k = 0; k < na; k++) assert_true(tn[k] == ta[k] + 1e-10);
    double count;
    OK(cl_pp_get(s, apc, "n", &count));
    assert_true(count == (double)na);
    cl_sim_free(s);
}

/* Vector.record(&v, 0.1) with dt 0.025 samples every 4th step; the sample at
 * exactly tstop = 10 is missing because accumulated t (9.9999999999999662)
 * is below the accumulated record time (9.99999999999998). */
static void test_record_interval_semantics(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_stim stim;
    cl_section soma;
    cl_rec every, coarse, tc;
    OK(cl_sim_new(&s));
    OK(cl_cell_ballstick(s, &cell));
    OK(cl_cell_add_step(s, cell, 2.0, 8.0, 0.5, &stim));
    OK(cl_cell_soma(s, cell, &soma));
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &every));
    OK(cl_rec_section(s, soma, 0.5, "v", 0.1, &coarse));
    OK(cl_rec_time(s, 0.1, &tc));
    OK(cl_sim_run(s, 10));
    const double *ve, *vc, *t;
    size_t ne, nc, nt;
    OK(cl_rec_data(s, every, &ve, &ne));
    OK(cl_rec_data(s, coarse, &vc, &nc));
    OK(cl_rec_data(s, tc, &t, &nt));
    assert_int_equal(ne, 401);
    assert_int_equal(nc, 100);
    assert_int_equal(nt, 100);
    double acc = 0;
    for (size_t k = 0; k < nc; k++) {
        assert_true(vc[k] == ve[4 * k]);
        assert_true(t[k] == acc); /* the event times, accumulated */
        acc += 0.1;
    }
    double tnow = cl_sim_time(s);
    assert_true(tnow == 9.9999999999999662);
    cl_sim_free(s);
}

/* A parameter changed between run and continue acts from the next step on:
 * the same as a model where the clamp already had that value from then on. */
static void test_parameter_change_between_runs(void **state) {
    (void)state;
    cl_sim *a, *b;
    cl_cell ca, cb;
    cl_stim sa, sb1, sb2;
    OK(cl_sim_new(&a));
    OK(cl_sim_new(&b));
    OK(cl_cell_ballstick(a, &ca));
    OK(cl_cell_ballstick(b, &cb));
    OK(cl_cell_add_step(a, ca, 5.0, 20.0, 0.2, &sa));
    OK(cl_sim_run(a, 10));
    OK(cl_pp_set(a, sa, "amp", 0.5));
    OK(cl_sim_continue(a, 25));
    /* b: 0.2 nA from 5 to 10 ms, then 0.5 nA from 10 to 20 ms */
    OK(cl_cell_add_step(b, cb, 5.0, 10.0, 0.2, &sb1));
    OK(cl_cell_add_step(b, cb, 10.0, 20.0, 0.5, &sb2));
    OK(cl_sim_run(b, 25));
    const double *va, *vb;
    size_t na, nb;
    OK(cl_cell_get_soma_voltage(a, ca, &va, &na));
    OK(cl_cell_get_soma_voltage(b, cb, &vb, &nb));
    assert_int_equal(na, nb);
    /* Accumulated t makes the step boundary at 10 ms land on the same grid
     * step in both; two clamps add 0.2 + 0 where one has 0.2, so the sums
     * are the same doubles. */
    for (size_t k = 0; k < na; k++) assert_true(va[k] == vb[k]);
    cl_sim_free(a);
    cl_sim_free(b);
}

/* The built-in ball-and-stick equals the one read from BlueCelluLab's file. */
static void test_ballstick_builtin_equals_file(void **state) {
    (void)state;
    size_t n;
    double *ref = headline(&n, 0);
    cl_sim *s;
    cl_cell cell;
    cl_stim stim;
    const double *v;
    size_t nv;
    OK(cl_sim_new(&s));
    OK(cl_cell_ballstick_from_file(s, CELLULAB_SHARED_DATA "/bluecellulab/ballstick/morphology.asc", &cell));
    OK(cl_cell_add_step(s, cell, 5.0, 20.0, 0.5, &stim));
    OK(cl_sim_run(s, 25.0));
    OK(cl_cell_get_soma_voltage(s, cell, &v, &nv));
    assert_int_equal(nv, n);
    assert_memory_equal(v, ref, n * sizeof *ref);
    assert_int_equal(cl_cell_ballstick_from_file(s, "/nonexistent/ballstick.asc", &cell), CL_EFORMAT);
    assert_non_null(strstr(cl_sim_errmsg(s), "/nonexistent/ballstick.asc"));
    cl_sim_free(s);
    free(ref);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_continuation_is_identical),
        cmocka_unit_test(test_two_simulations_in_threads),
        cmocka_unit_test(test_two_simulations_interleaved),
        cmocka_unit_test(test_passive_decay_matches_backward_euler),
        cmocka_unit_test(test_vecstim_intfire1_hand_derived),
        cmocka_unit_test(test_netstim_times),
        cmocka_unit_test(test_seclamp_steady_state),
        cmocka_unit_test(test_apcount_and_netcon_agree),
        cmocka_unit_test(test_record_interval_semantics),
        cmocka_unit_test(test_parameter_change_between_runs),
        cmocka_unit_test(test_ballstick_builtin_equals_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
