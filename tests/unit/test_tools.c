/* The toolbox on the ball-and-stick: curves in a pool of processes equal the
 * serial ones bit for bit; injection modes against hand-derived balances;
 * recordings of all voltages, spike detectors by location, path distance. */
#include <math.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab_tools.h"

#define OK(call) assert_int_equal((call), CL_OK)

/* An 8-amplitude FI curve in a pool of processes equals the serial one. */
static void test_fi_curve_pool_equals_serial(void **state) {
    (void)state;
    cl_tool_config pool, serial;
    cl_tool_config_default(&pool);
    pool.nproc = 4;
    serial = pool;
    serial.isolated = 0;
    double a1[8], c1[8], r1[8], a2[8], c2[8], r2[8];
    cl_error err = {{0}};
    if (cl_tool_fi_curve(&pool, 0.1, 0.45, 8, a1, c1, r1, &err) != CL_OK) fail_msg("%s", err.msg);
    if (cl_tool_fi_curve(&serial, 0.1, 0.45, 8, a2, c2, r2, &err) != CL_OK) fail_msg("%s", err.msg);
    assert_memory_equal(a1, a2, sizeof a1);
    assert_memory_equal(c1, c2, sizeof c1);
    assert_memory_equal(r1, r2, sizeof r1);
    assert_true(c1[0] < c1[7]); /* more current, more spikes */
    assert_true(a1[0] == 0.1 && a1[7] == 0.45);
}

/* A child that crashes becomes an error, and the next call still works. */
static cl_status crash_builder(cl_sim *sim, const void *ctx, cl_cell *out) {
    (void)sim; (void)ctx; (void)out;
    raise(SIGSEGV); /* a deliberate crash inside the isolated child */
    return CL_OK;
}

static void test_tool_child_crash_is_an_error(void **state) {
    (void)state;
    cl_tool_config cfg;
    cl_tool_config_default(&cfg);
    cfg.build = crash_builder;
    double v;
    cl_error err = {{0}};
    assert_int_not_equal(cl_tool_steady_state_voltage(&cfg, 0, &v, &err), CL_OK);
    if (!strstr(err.msg, "signal")) fail_msg("unexpected message: %s", err.msg);
    cl_tool_config_default(&cfg);
    OK(cl_tool_holding_current(&cfg, -65, &v, &err));
    assert_true(isfinite(v));
}

/* Conductance clamp: g towards E at steady state on a passive compartment
 * balances the leak: g (E - v) = g_pas area 1e-2 (v - e_pas), so
 * v = (g E + G e_pas) / (g + G) with G = g_pas * area * 1e-2 (uS). */
static void test_conductance_and_voltage_clamp(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_section sec;
    OK(cl_sim_new(&s));
    OK(cl_cell_new(s, "p", &cell));
    OK(cl_section_new(s, cell, "soma", &sec));
    OK(cl_section_set_L(s, sec, 20));
    OK(cl_section_set_diam(s, sec, 20));
    OK(cl_section_insert(s, sec, "pas"));
    double t[2] = {0, 1000}, g[2] = {0.002, 0.002};
    cl_waveform *w;
    OK(cl_waveform_from_arrays(t, g, 2, &w, NULL));
    cl_stim clamp;
    OK(cl_inject_waveform(s, sec, 0.5, w, CL_INJECT_CONDUCTANCE, 0.0, 0, &clamp));
    OK(cl_sim_run(s, 300));
    double v, area;
    OK(cl_section_get_at(s, sec, 0.5, "v", &v));
    OK(cl_section_area(s, sec, 0.5, &area));
    double G = 1e-3 * area * 1e-2, expect = (0.002 * 0.0 + G * -70.0) / (0.002 + G);
    assert_true(fabs(v - expect) < 1e-6); /* 300 ms is > 30 time constants: steady to 1e-6 mV */
    cl_waveform_free(w);

    /* voltage clamp with a command waveform: v follows the command through rs */
    double tv[4] = {0, 100, 100, 1000}, vc[4] = {-70, -70, -40, -40};
    OK(cl_waveform_from_arrays(tv, vc, 4, &w, NULL));
    cl_stim vclamp;
    cl_sim *s2;
    cl_cell c2;
    cl_section sec2;
    OK(cl_sim_new(&s2));
    OK(cl_cell_new(s2, "p", &c2));
    OK(cl_section_new(s2, c2, "soma", &sec2));
    OK(cl_section_insert(s2, sec2, "pas"));
    OK(cl_inject_waveform(s2, sec2, 0.5, w, CL_INJECT_VOLTAGE, 0, 0.01, &vclamp));
    cl_rec i_rec;
    OK(cl_rec_pp(s2, vclamp, "i", 0, &i_rec));
    OK(cl_sim_run(s2, 200));
    double v2, i2;
    OK(cl_section_get_at(s2, sec2, 0.5, "v", &v2));
    OK(cl_pp_get(s2, vclamp, "i", &i2));
    assert_true(fabs(v2 - (-40 - i2 * 0.01)) < 1e-9); /* i = (vc - v)/rs */
    assert_int_equal(cl_inject_waveform(s2, sec2, 0.5, w, CL_INJECT_VOLTAGE, 0, 0, &vclamp), CL_EINVAL);
    assert_non_null(strstr(cl_sim_errmsg(s2), "series_resistance"));
    cl_waveform_free(w);
    cl_sim_free(s);
    cl_sim_free(s2);
}

static void test_recordings_and_locations(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_stim stim;
    OK(cl_sim_new(&s));
    OK(cl_cell_ballstick(s, &cell));
    OK(cl_cell_add_step(s, cell, 5, 20, 0.5, &stim));
    size_t n;
    assert_int_equal(cl_rec_all_voltages(s, cell, 0, NULL, 0, &n), CL_EINVAL);
    assert_int_equal(n, 201);
    cl_rec *recs = calloc(n, sizeof *recs);
    OK(cl_rec_all_voltages(s, cell, 0.1, recs, n, &n));
    cl_netcon soma_det, dend_det, ais;
    OK(cl_cell_record_spikes(s, cell, "soma", -20, &soma_det));
    OK(cl_cell_record_spikes(s, cell, "dend[0](0.1)", -20, &dend_det));
    assert_int_equal(cl_cell_record_spikes(s, cell, "AIS", -20, &ais), CL_ENOTFOUND);
    assert_int_equal(cl_cell_record_spikes(s, cell, "dend[0](2)", -20, &ais), CL_EINVAL);
    assert_int_equal(cl_cell_record_spikes(s, cell, "nowhere(0.5)", -20, &ais), CL_ENOTFOUND);
    OK(cl_sim_run(s, 25));
    const double *v, *vs, *sp1, *sp2;
    size_t nv, nvs, n1, n2;
    OK(cl_rec_data(s, recs[0], &v, &nv)); /* soma(0.5) every 0.1 ms */
    OK(cl_cell_get_soma_voltage(s, cell, &vs, &nvs));
    assert_int_equal(nv, 250);
    for (size_t k = 0; k < nv; k++) assert_true(v[k] == vs[4 * k]);
    OK(cl_netcon_spikes(s, soma_det, &sp1, &n1));
    OK(cl_netcon_spikes(s, dend_det, &sp2, &n2));
    assert_int_equal(n1, 10);
    /* the spike reaches dend(0.1) in the same or a later step */
    if (!(n2 == n1 && sp2[0] >= sp1[0])) fail_msg("dend spikes %zu, first %g; soma first %g", n2, n2 ? sp2[0] : -1, sp1[0]);
    free(recs);
    /* path distance: soma(0.5) to dend(x) is x * 200 um (dend starts at the soma centre) */
    cl_section soma, dend;
    double d;
    OK(cl_cell_soma(s, cell, &soma));
    OK(cl_cell_section(s, cell, "dend[0]", &dend));
    OK(cl_section_distance(s, soma, 0.5, dend, 0.25, &d));
    assert_true(fabs(d - 50.0) < 1e-12);
    OK(cl_section_distance(s, soma, 0.0, soma, 1.0, &d));
    assert_true(fabs(d - 19.600000381469727) < 1e-12); /* the soma's float arc length */
    cl_section par;
    double px;
    OK(cl_section_parent(s, dend, &par, &px));
    assert_true(par.id == soma.id && px == 0.5);
    assert_int_equal(cl_section_parent(s, soma, &par, &px), CL_ENOTFOUND);
    cl_sim_free(s);
}

/* The bAP on the ball-and-stick: amplitude falls with distance in the dendrite. */
static void test_bap(void **state) {
    (void)state;
    cl_tool_config cfg;
    cl_tool_config_default(&cfg);
    cfg.isolated = 0;
    double *dist, *amp, lambda;
    size_t n;
    cl_error err = {{0}};
    if (cl_tool_bap(&cfg, 1.0, &dist, &amp, &n, &lambda, &err) != CL_OK) fail_msg("%s", err.msg);
    assert_int_equal(n, 201);
    assert_true(dist[0] == 0.0);      /* the soma's own segment */
    assert_true(amp[0] > 50);          /* a full spike at the soma */
    assert_true(isfinite(lambda) || isnan(lambda));
    free(dist);
    free(amp);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fi_curve_pool_equals_serial),
        cmocka_unit_test(test_tool_child_crash_is_an_error),
        cmocka_unit_test(test_conductance_and_voltage_clamp),
        cmocka_unit_test(test_recordings_and_locations),
        cmocka_unit_test(test_bap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
