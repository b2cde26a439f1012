/* Spike detection and spike features on hand-built traces.
 *
 * The main trace is piecewise linear with every corner on a sample, so the
 * linear interpolation of the library is exact and each feature has a
 * closed form (below). Tolerance 1e-9: the library and the closed forms
 * round differently, by some 1e-14 ms or mV, nothing more. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab_tools.h"

#define OK(call) assert_int_equal((call), CL_OK)
#define TOL 1e-9

/* cmocka 1.1's float check rounds to float; this one stays in double. */
#define assert_double_equal(a, b, tol) near((a), (b), (tol), #a, __FILE__, __LINE__)
static void near(double a, double b, double tol, const char *what, const char *file, int line) {
    if (fabs(a - b) <= tol) return;
    print_error("%s = %.17g, expected %.17g (tolerance %g)\n", what, a, b, tol);
    _fail(file, line);
}

/* dt = 1/8 ms makes every sample time exact in binary. */
#define DT 0.125
#define TEND 400.0
#define NS ((size_t)(TEND / DT) + 1)

#define THR (-20.0)
#define STIM_START 100.0
#define STIM_END 300.0
#define NSPIKE 5 /* the last one lies after stim_end */

/* Spike k: a rise from -65 mV at onset[k] to peak[k] in 1 ms, a fall to
 * trough[k] in 2 ms, a recovery to -65 mV in 10 ms. Before stim_start the
 * trace alternates -65, -67 (mean -66, all below threshold). */
static const double onset[NSPIKE] = {110, 130, 160, 200, 350};
static const double peak[NSPIKE] = {30, 20, 25, 10, 30};
static const double trough[NSPIKE] = {-75, -72, -70, -78, -75};

static double lerp(double t, double t0, double v0, double t1, double v1) {
    return v0 + (v1 - v0) * (t - t0) / (t1 - t0);
}

static void build_trace(double *t, double *v) {
    for (size_t i = 0; i < NS; i++) {
        double ti = (double)i * DT, vi = -65;
        if (ti < STIM_START) vi = i % 2 ? -67 : -65;
        for (int k = 0; k < NSPIKE; k++) {
            double o = onset[k];
            if (ti >= o && ti <= o + 1) vi = lerp(ti, o, -65, o + 1, peak[k]);
            else if (ti > o + 1 && ti <= o + 3) vi = lerp(ti, o + 1, peak[k], o + 3, trough[k]);
            else if (ti > o + 3 && ti <= o + 13) vi = lerp(ti, o + 3, trough[k], o + 13, -65);
        }
        t[i] = ti;
        v[i] = vi;
    }
}

/* Closed forms. The rise -65 -> P over 1 ms reaches level L at
 * onset + (L + 65) / (P + 65); the fall P -> H over 2 ms reaches it at
 * onset + 1 + 2 (P - L) / (P - H). */
static double crossing(int k) { return onset[k] + (THR + 65) / (peak[k] + 65); }
static double half_width(int k) {
    double half = (THR + peak[k]) / 2;
    return 1 + 2 * (peak[k] - half) / (peak[k] - trough[k]) - (half + 65) / (peak[k] + 65);
}

static void test_detect_spikes(void **state) {
    (void)state;
    double *t = malloc(NS * sizeof *t), *v = malloc(NS * sizeof *v), times[8];
    build_trace(t, v);
    size_t count = 0;
    cl_error err;
    OK(cl_detect_spikes(t, v, NS, THR, times, 8, &count, &err));
    assert_int_equal(count, NSPIKE);
    for (int k = 0; k < NSPIKE; k++) assert_double_equal(times[k], crossing(k), TOL);
    /* e.g. the first: 110 + 45/95 = 110.47368... */
    assert_double_equal(times[0], 110.47368421052632, 1e-12);

    /* A short buffer: the first cap times, the full count. */
    times[2] = -1;
    OK(cl_detect_spikes(t, v, NS, THR, times, 2, &count, &err));
    assert_int_equal(count, NSPIKE);
    assert_double_equal(times[1], crossing(1), TOL);
    assert_true(times[2] == -1);
    OK(cl_detect_spikes(t, v, NS, THR, NULL, 0, &count, NULL));
    assert_int_equal(count, NSPIKE);
    /* Above every peak: none. */
    OK(cl_detect_spikes(t, v, NS, 40, times, 8, &count, &err));
    assert_int_equal(count, 0);
    free(t);
    free(v);
}

/* A sample exactly at threshold counts, at its own time; a trace that starts
 * above threshold has no crossing there; one sample is a valid trace. */
static void test_detect_spikes_edges(void **state) {
    (void)state;
    const double t[6] = {0, 1, 2, 3, 4, 5};
    const double v[6] = {0, -30, -20, -30, -10, 5};
    double times[4];
    size_t count;
    OK(cl_detect_spikes(t, v, 6, -20, times, 4, &count, NULL));
    assert_int_equal(count, 2);
    assert_true(times[0] == 2.0);
    assert_double_equal(times[1], 3.5, 1e-15); /* -30 -> -10 reaches -20 halfway */
    OK(cl_detect_spikes(t, v, 1, -20, times, 4, &count, NULL));
    assert_int_equal(count, 0);
    /* Equal consecutive times are allowed: the crossing takes that time. */
    const double te[3] = {0, 1, 1}, ve[3] = {-70, -70, 0};
    OK(cl_detect_spikes(te, ve, 3, -20, times, 4, &count, NULL));
    assert_int_equal(count, 1);
    assert_true(times[0] == 1.0);
}

static void test_features_triangles(void **state) {
    (void)state;
    double *t = malloc(NS * sizeof *t), *v = malloc(NS * sizeof *v);
    build_trace(t, v);
    cl_spike_features f;
    cl_error err;
    OK(cl_spike_features_compute(t, v, NS, THR, STIM_START, STIM_END, &f, &err));

    /* Spikes 0..3 lie in [100, 300]; spike 4 (at 350) is outside. */
    const int m = 4;
    assert_int_equal(f.spike_count, m);
    assert_double_equal(f.mean_frequency_hz, 4 * 1000.0 / 200.0, TOL); /* 20 Hz */
    assert_double_equal(f.first_spike_latency_ms, crossing(0) - STIM_START, TOL);
    /* mean(30, 20, 25, 10) + 20 = 41.25 mV */
    assert_double_equal(f.ap_amplitude_mV, 41.25, TOL);
    double w = 0;
    for (int k = 0; k < m; k++) w += half_width(k);
    assert_double_equal(f.half_width_ms, w / m, TOL);
    /* spike 0: half level 5 mV; rise at 70/95, fall at 1 + 50/105 -> 0.73935 ms */
    assert_double_equal(half_width(0), 1 + 50.0 / 105 - 70.0 / 95, 1e-15);
    /* Minima between consecutive spikes are the troughs of spikes 0..2:
     * mean(-75, -72, -70) - (-66) = -6.3333 mV. */
    assert_double_equal(f.ahp_depth_mV, (-75.0 - 72 - 70) / 3 + 66, TOL);
    assert_double_equal(f.v_rest_mV, -66, TOL);
    /* ISIs between crossings, population sd. */
    double isi[3], mean = 0, var = 0;
    for (int k = 0; k < 3; k++) mean += (isi[k] = crossing(k + 1) - crossing(k)) / 3;
    for (int k = 0; k < 3; k++) var += (isi[k] - mean) * (isi[k] - mean) / 3;
    assert_double_equal(f.isi_cv, sqrt(var) / mean, TOL);
    /* roughly 20, 30, 40 ms: cv = sqrt(200/3)/30 = 0.272 */
    assert_double_equal(f.isi_cv, 0.2722, 2e-3);

    /* A window holding spikes 1 and 2 only: one ISI, so no CV; one AHP. */
    OK(cl_spike_features_compute(t, v, NS, THR, 120, 170, &f, &err));
    assert_int_equal(f.spike_count, 2);
    assert_double_equal(f.mean_frequency_hz, 2 * 1000.0 / 50, TOL);
    assert_true(isnan(f.isi_cv));
    assert_double_equal(f.ahp_depth_mV, -72 - f.v_rest_mV, TOL);
    /* v_rest is now the mean of all samples before 120 ms, spike 0 included. */
    double sum = 0;
    size_t nb = 0;
    for (size_t i = 0; t[i] < 120; i++, nb++) sum += v[i];
    assert_double_equal(f.v_rest_mV, sum / (double)nb, TOL);
    free(t);
    free(v);
}

/* No spike: count and rate 0, every spike feature NaN; no sample before
 * stim_start: v_rest NaN. */
static void test_features_quiet(void **state) {
    (void)state;
    const double t[5] = {0, 1, 2, 3, 4}, v[5] = {-70, -70, -60, -60, -70};
    cl_spike_features f;
    OK(cl_spike_features_compute(t, v, 5, -20, 1.5, 3.5, &f, NULL));
    assert_int_equal(f.spike_count, 0);
    assert_true(f.mean_frequency_hz == 0);
    assert_true(isnan(f.first_spike_latency_ms) && isnan(f.ap_amplitude_mV) &&
                isnan(f.half_width_ms) && isnan(f.ahp_depth_mV) && isnan(f.isi_cv));
    assert_double_equal(f.v_rest_mV, -70, 0);
    OK(cl_spike_features_compute(t, v, 5, -20, 0, 3.5, &f, NULL));
    assert_true(isnan(f.v_rest_mV));
}

/* A spike cut off by the end of the trace counts, has an amplitude (its
 * largest sample) but no half width. */
static void test_features_truncated(void **state) {
    (void)state;
    const double t[5] = {0, 1, 2, 3, 4}, v[5] = {-70, -70, -10, 10, 20};
    cl_spike_features f;
    OK(cl_spike_features_compute(t, v, 5, -20, 0.5, 4, &f, NULL));
    assert_int_equal(f.spike_count, 1);
    assert_double_equal(f.first_spike_latency_ms, 1 + 50.0 / 60 - 0.5, 1e-12);
    assert_double_equal(f.ap_amplitude_mV, 40, 0);
    assert_true(isnan(f.half_width_ms));
    assert_true(isnan(f.ahp_depth_mV));
}

static void test_trace_mean(void **state) {
    (void)state;
    double t[11], v[11], m;
    for (int i = 0; i < 11; i++) t[i] = v[i] = i;
    OK(cl_trace_mean(t, v, 11, 2.5, 5, &m, NULL));
    assert_double_equal(m, 4, 0); /* samples 3, 4, 5 */
    OK(cl_trace_mean(t, v, 11, 2, 5, &m, NULL));
    assert_double_equal(m, 3.5, 0); /* closed window: 2..5 */
    OK(cl_trace_mean(t, v, 11, 7, 7, &m, NULL));
    assert_double_equal(m, 7, 0);
    OK(cl_trace_mean(t, v, 11, -100, 100, &m, NULL));
    assert_double_equal(m, 5, 0);
    cl_error err;
    assert_int_equal(cl_trace_mean(t, v, 11, 5, 2, &m, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_trace_mean: window [5, 2] (expected finite t0 <= t1)");
    assert_int_equal(cl_trace_mean(t, v, 11, 3.2, 3.7, &m, &err), CL_EINVAL);
    assert_non_null(strstr(err.msg, "holds no sample"));
    assert_int_equal(cl_trace_mean(t, v, 11, NAN, 3, &m, &err), CL_EINVAL);
    assert_int_equal(cl_trace_mean(t, v, 11, 0, 3, NULL, &err), CL_EINVAL);
}

/* Every bad input is an error with a message naming it, never a crash;
 * err may be NULL. */
static void test_bad_input(void **state) {
    (void)state;
    double t[10], v[10], times[4], m;
    size_t count;
    cl_spike_features f;
    cl_error err;
    for (int i = 0; i < 10; i++) { t[i] = 0.5 * i; v[i] = -60; }
    t[6] = 3.3;
    t[7] = 3.2;
    t[8] = 4.0;
    t[9] = 4.5;
    assert_int_equal(cl_detect_spikes(t, v, 10, -20, times, 4, &count, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_detect_spikes: t: not increasing at index 7 (3.2 after 3.3)");
    assert_int_equal(cl_spike_features_compute(t, v, 10, -20, 0, 1, &f, &err), CL_EINVAL);
    assert_non_null(strstr(err.msg, "cl_spike_features_compute: t: not increasing at index 7"));
    assert_int_equal(cl_trace_mean(t, v, 10, 0, 1, &m, &err), CL_EINVAL);
    assert_non_null(strstr(err.msg, "cl_trace_mean: t: not increasing"));
    for (int i = 0; i < 10; i++) t[i] = 0.5 * i;

    assert_int_equal(cl_detect_spikes(NULL, v, 10, -20, times, 4, &count, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_detect_spikes: t: NULL with n = 10");
    assert_int_equal(cl_detect_spikes(t, NULL, 10, -20, times, 4, &count, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_detect_spikes: v: NULL with n = 10");
    assert_int_equal(cl_detect_spikes(t, v, 0, -20, times, 4, &count, &err), CL_EINVAL);
    assert_non_null(strstr(err.msg, "n: 0 samples"));
    assert_int_equal(cl_detect_spikes(NULL, NULL, 0, -20, NULL, 0, &count, NULL), CL_EINVAL);
    assert_int_equal(cl_detect_spikes(t, v, 10, -20, NULL, 4, &count, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_detect_spikes: times: NULL with cap = 4");
    assert_int_equal(cl_detect_spikes(t, v, 10, -20, times, 4, NULL, &err), CL_EINVAL);
    assert_int_equal(cl_detect_spikes(t, v, 10, NAN, times, 4, &count, &err), CL_EINVAL);
    assert_non_null(strstr(err.msg, "threshold: nan"));

    v[3] = NAN;
    assert_int_equal(cl_detect_spikes(t, v, 10, -20, times, 4, &count, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_detect_spikes: v: not finite at index 3 (nan)");
    v[3] = -60;
    t[4] = INFINITY;
    assert_int_equal(cl_spike_features_compute(t, v, 10, -20, 0, 1, &f, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_spike_features_compute: t: not finite at index 4 (inf)");
    t[4] = 2.0;

    assert_int_equal(cl_spike_features_compute(t, v, 10, -20, 2, 1, &f, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_spike_features_compute: stimulus window [2, 1] "
                                 "(expected finite stim_start < stim_end)");
    assert_int_equal(cl_spike_features_compute(t, v, 10, -20, 1, 1, &f, NULL), CL_EINVAL);
    assert_int_equal(cl_spike_features_compute(t, v, 10, -20, NAN, 1, &f, NULL), CL_EINVAL);
    assert_int_equal(cl_spike_features_compute(t, v, 10, -20, 0, 1, NULL, &err), CL_EINVAL);
    assert_string_equal(err.msg, "cl_spike_features_compute: out: NULL");
    assert_int_equal(cl_spike_features_compute(t, v, 0, -20, 0, 1, &f, NULL), CL_EINVAL);
    assert_int_equal(cl_spike_features_compute(t, NULL, 10, -20, 0, 1, &f, NULL), CL_EINVAL);
    assert_int_equal(cl_trace_mean(NULL, v, 10, 0, 1, &m, NULL), CL_EINVAL);
    assert_int_equal(cl_trace_mean(t, v, 0, 0, 1, &m, NULL), CL_EINVAL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_spikes),      cmocka_unit_test(test_detect_spikes_edges),
        cmocka_unit_test(test_features_triangles), cmocka_unit_test(test_features_quiet),
        cmocka_unit_test(test_features_truncated), cmocka_unit_test(test_trace_mean),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
