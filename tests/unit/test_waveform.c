/* Waveforms, shapes, named protocols and the seeded random streams
 * (cellulab_tools.h, src/stim). Expected values are hand-derived from each
 * shape's definition (BlueCelluLab's StimulusFactory sampling: np.arange
 * parts of ceil(d/dt) samples joined by shifting (t + last) + dt;
 * Vector.indgen parts of floor(d/dt + 1e-9) + 1 samples); statistical
 * checks state their tolerance and why next to the assertion. */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab_tools.h"
#include "stim/rng.h"

#define OK(call) assert_int_equal((call), CL_OK)
#define PI 3.14159265358979323846

static void assert_near(double got, double want, double tol) {
    if (!(fabs(got - want) <= tol)) fail_msg("got %.17g, want %.17g (tolerance %g)", got, want, tol);
}

/* The call failed with status want and a message holding both fragments. */
static void expect_err(cl_status got, cl_status want, const cl_error *e, const char *a, const char *b) {
    if (got != want) fail_msg("status %d, want %d (message \"%s\")", got, want, e->msg);
    if (a && !strstr(e->msg, a)) fail_msg("message \"%s\" lacks \"%s\"", e->msg, a);
    if (b && !strstr(e->msg, b)) fail_msg("message \"%s\" lacks \"%s\"", e->msg, b);
}

static int same_bytes(const cl_waveform *a, const cl_waveform *b) {
    size_t n = cl_waveform_size(a);
    if (n != cl_waveform_size(b)) return 0;
    if (n == 0) return 1;
    return memcmp(cl_waveform_times(a), cl_waveform_times(b), n * sizeof(double)) == 0 &&
           memcmp(cl_waveform_values(a), cl_waveform_values(b), n * sizeof(double)) == 0;
}

/* ---- random streams ---------------------------------------------------- */

/* Random123's known-answer vectors for philox4x32-10 (kat_vectors). */
static void test_rng_philox_known_answers(void **state) {
    (void)state;
    uint32_t out[4];
    const uint32_t c0[4] = {0, 0, 0, 0}, k0[2] = {0, 0};
    cl_rng_philox4x32(c0, k0, out);
    assert_true(out[0] == 0x6627e8d5u && out[1] == 0xe169c58du && out[2] == 0xbc57ac4cu &&
                out[3] == 0x9b00dbd8u);
    const uint32_t c1[4] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                   k1[2] = {0xffffffffu, 0xffffffffu};
    cl_rng_philox4x32(c1, k1, out);
    assert_true(out[0] == 0x408f276du && out[1] == 0x41c83b0eu && out[2] == 0xa20bc7c6u &&
                out[3] == 0x6d5451fdu);
    const uint32_t c2[4] = {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                   k2[2] = {0xa4093822u, 0x299f31d0u};
    cl_rng_philox4x32(c2, k2, out);
    assert_true(out[0] == 0xd16cfe09u && out[1] == 0x94fdccebu && out[2] == 0x5001e420u &&
                out[3] == 0x24126ea1u);

    /* The stream reads block (index, stream) with key = seed, words in order. */
    cl_rng r;
    cl_rng_init(&r, 0, 0);
    assert_true(cl_rng_u32(&r) == 0x6627e8d5u);
    cl_rng_init(&r, UINT64_MAX, UINT64_MAX);
    const uint32_t cs[4] = {0, 0, 0xffffffffu, 0xffffffffu};
    cl_rng_philox4x32(cs, k1, out);
    for (int i = 0; i < 4; i++) assert_true(cl_rng_u32(&r) == out[i]);
    const uint32_t cs1[4] = {1, 0, 0xffffffffu, 0xffffffffu};
    cl_rng_philox4x32(cs1, k1, out);
    assert_true(cl_rng_u32(&r) == out[0]); /* the next block: counter + 1 */
}

static void test_rng_variates(void **state) {
    (void)state;
    cl_rng a, b, c;
    cl_rng_init(&a, 12345, 1);
    cl_rng_init(&b, 12345, 1);
    cl_rng_init(&c, 12346, 1);
    int differ = 0;
    for (int i = 0; i < 1000; i++) {
        double x = cl_rng_normal(&a), y = cl_rng_normal(&b), z = cl_rng_normal(&c);
        assert_true(memcmp(&x, &y, sizeof x) == 0);
        differ += x != z;
    }
    assert_true(differ > 990);
    cl_rng_init(&c, 12345, 2); /* another stream of the same seed */
    cl_rng_init(&a, 12345, 1);
    assert_true(cl_rng_u64(&a) != cl_rng_u64(&c));

    /* Moments over N = 10^6 draws; each tolerance is about 5 standard
     * errors of the estimate (sd/sqrt(N) for a mean), so a correct generator
     * fails with probability below 1e-6 per check. */
    const int N = 1000000;
    double su = 0, sz = 0, sz2 = 0, se = 0, sg = 0, sg2 = 0, sh = 0, sh2 = 0;
    double umin = 1, umax = 0;
    cl_rng_init(&a, 7, 0);
    for (int i = 0; i < N; i++) {
        double u = cl_rng_uniform(&a);
        umin = u < umin ? u : umin;
        umax = u > umax ? u : umax;
        su += u;
        double z = cl_rng_normal(&a);
        sz += z;
        sz2 += z * z;
        se += cl_rng_exponential(&a);
        double g = cl_rng_gamma(&a, 3.0);
        sg += g;
        sg2 += g * g;
        double h = cl_rng_gamma(&a, 0.5);
        sh += h;
        sh2 += h * h;
    }
    assert_true(umin > 0 && umax < 1);
    assert_near(su / N, 0.5, 5 * 0.2887 / 1000);           /* sd of U(0,1) = 1/sqrt(12) */
    assert_near(sz / N, 0.0, 5 * 1.0 / 1000);              /* sd 1 */
    assert_near(sz2 / N, 1.0, 5 * 1.4142 / 1000);          /* sd of z^2 = sqrt(2) */
    assert_near(se / N, 1.0, 5 * 1.0 / 1000);              /* Exp(1): sd 1 */
    assert_near(sg / N, 3.0, 5 * 1.7321 / 1000);           /* Gamma(3): mean 3, sd sqrt(3) */
    assert_near(sg2 / N - (sg / N) * (sg / N), 3.0, 0.05); /* var 3; sd of s^2 ~ sqrt(2*9+6*3)/1000 = 0.006 */
    assert_near(sh / N, 0.5, 5 * 0.7071 / 1000);           /* Gamma(0.5): mean 0.5, sd sqrt(0.5) */
    assert_near(sh2 / N - (sh / N) * (sh / N), 0.5,
                0.02); /* var 0.5; sd of s^2 ~ sqrt(2*0.25+6*0.25)/1000 = 0.0014 */
    assert_true(isnan(cl_rng_gamma(&a, 0.0)) && isnan(cl_rng_gamma(&a, NAN)) &&
                isnan(cl_rng_gamma(&a, INFINITY)));
}

/* ---- the value type ----------------------------------------------------- */

static void test_waveform_value_type(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL;
    OK(cl_waveform_new(&w, &e));
    assert_int_equal(cl_waveform_size(w), 0);
    assert_true(cl_waveform_at(w, 3.0) == 0.0); /* empty: 0 everywhere */
    OK(cl_waveform_append(w, 0.0, 1.0, &e));
    OK(cl_waveform_append(w, 2.0, 3.0, &e));
    OK(cl_waveform_append(w, 2.0, -1.0, &e)); /* a jump at 2 */
    OK(cl_waveform_append(w, 4.0, 1.0, &e));
    expect_err(cl_waveform_append(w, 3.0, 0.0, &e), CL_EINVAL, &e, "cl_waveform_append: t:", "got 3");
    expect_err(cl_waveform_append(w, 5.0, NAN, &e), CL_EINVAL, &e, "y: expected a finite value", "nan");
    expect_err(cl_waveform_append(w, INFINITY, 0.0, &e), CL_EINVAL, &e, "t: expected a finite time", "inf");
    expect_err(cl_waveform_append(NULL, 1.0, 0.0, &e), CL_EINVAL, &e, "w:", "NULL");
    assert_int_equal(cl_waveform_size(w), 4);
    assert_true(cl_waveform_times(w)[2] == 2.0 && cl_waveform_values(w)[2] == -1.0);

    /* Piecewise linear; first/last value outside; after the jump at 2. */
    assert_true(cl_waveform_at(w, -5.0) == 1.0);
    assert_true(cl_waveform_at(w, 0.0) == 1.0);
    assert_near(cl_waveform_at(w, 1.0), 2.0, 1e-15);
    assert_near(cl_waveform_at(w, 1.5), 2.5, 1e-15);
    assert_true(cl_waveform_at(w, 2.0) == -1.0);
    assert_near(cl_waveform_at(w, 3.0), 0.0, 1e-15);
    assert_true(cl_waveform_at(w, 4.0) == 1.0);
    assert_true(cl_waveform_at(w, 1e300) == 1.0);
    assert_true(isnan(cl_waveform_at(w, NAN)));
    assert_true(cl_waveform_at(NULL, 1.0) == 0.0 && cl_waveform_size(NULL) == 0);
    assert_null(cl_waveform_times(NULL));
    assert_null(cl_waveform_values(NULL));

    /* from_arrays copies and validates. */
    double t[3] = {0, 1, 1}, y[3] = {0, 5, 7};
    cl_waveform *c = NULL;
    OK(cl_waveform_from_arrays(t, y, 3, &c, &e));
    t[1] = 99;
    assert_true(cl_waveform_times(c)[1] == 1.0 && cl_waveform_at(c, 1.0) == 7.0);
    cl_waveform_free(c);
    cl_waveform *z = NULL;
    OK(cl_waveform_from_arrays(NULL, NULL, 0, &z, &e));
    assert_int_equal(cl_waveform_size(z), 0);
    cl_waveform_free(z);
    double bad_t[3] = {0, 2, 1};
    expect_err(cl_waveform_from_arrays(bad_t, y, 3, &c, &e), CL_EINVAL, &e, "t[2]: expected a time >= t[1]",
               "got 1");
    assert_null(c);
    double nan_y[3] = {0, NAN, 1};
    expect_err(cl_waveform_from_arrays(t, nan_y, 3, &c, &e), CL_EINVAL, &e, "y[1]", "nan");
    expect_err(cl_waveform_from_arrays(NULL, y, 3, &c, &e), CL_EINVAL, &e, "t: expected 3 times", "NULL");
    expect_err(cl_waveform_from_arrays(t, NULL, 3, &c, &e), CL_EINVAL, &e, "y: expected 3 values", "NULL");
    expect_err(cl_waveform_from_arrays(t, y, 3, NULL, &e), CL_EINVAL, &e, "out:", "NULL");
    expect_err(cl_waveform_from_arrays(t, y, (size_t)2e8, &c, &e), CL_EINVAL, &e, "n: expected at most",
               "200000000");
    expect_err(cl_waveform_new(NULL, &e), CL_EINVAL, &e, "cl_waveform_new: out:", NULL);
    assert_int_equal(cl_waveform_new(NULL, NULL), CL_EINVAL); /* err may be NULL */
    cl_waveform_free(NULL);

    /* scale */
    OK(cl_waveform_scale(w, -2.0, &e));
    assert_true(cl_waveform_values(w)[0] == -2.0 && cl_waveform_values(w)[1] == -6.0 &&
                cl_waveform_values(w)[2] == 2.0);
    expect_err(cl_waveform_scale(w, NAN, &e), CL_EINVAL, &e, "cl_waveform_scale: factor:", "nan");
    expect_err(cl_waveform_scale(w, 1e308, &e), CL_EINVAL, &e,
               "factor: expected a factor keeping values finite", "1e+308");
    assert_true(cl_waveform_values(w)[0] == -2.0); /* unchanged by the failed call */
    expect_err(cl_waveform_scale(NULL, 1.0, &e), CL_EINVAL, &e, "w:", NULL);
    cl_waveform_free(w);
}

static void test_waveform_sum(void **state) {
    (void)state;
    cl_error e;
    /* a: 0 -> 10 over [0, 10]; b: a jump from 1 to 3 at 5, then 3 until 20. */
    const double ta[2] = {0, 10}, ya[2] = {0, 10};
    const double tb[4] = {2, 5, 5, 20}, yb[4] = {1, 1, 3, 3};
    cl_waveform *a = NULL, *b = NULL, *s = NULL;
    OK(cl_waveform_from_arrays(ta, ya, 2, &a, &e));
    OK(cl_waveform_from_arrays(tb, yb, 4, &b, &e));
    OK(cl_waveform_sum(a, b, &s, &e));
    /* Union {0, 2, 5, 5, 10, 20}: b's first value 1 before 2, a's last value
     * 10 after 10; the jump at 5 kept as two points. */
    const double want_t[6] = {0, 2, 5, 5, 10, 20}, want_y[6] = {1, 3, 6, 8, 13, 13};
    assert_int_equal(cl_waveform_size(s), 6);
    for (int i = 0; i < 6; i++) {
        assert_true(cl_waveform_times(s)[i] == want_t[i]);
        assert_near(cl_waveform_values(s)[i], want_y[i], 1e-15);
    }
    for (double t = -1; t <= 25; t += 0.25)
        assert_near(cl_waveform_at(s, t), cl_waveform_at(a, t) + cl_waveform_at(b, t), 1e-14);
    cl_waveform_free(s);

    /* With an empty waveform: the other one. */
    cl_waveform *empty = NULL;
    OK(cl_waveform_new(&empty, &e));
    OK(cl_waveform_sum(empty, b, &s, &e));
    assert_true(same_bytes(s, b));
    cl_waveform_free(s);
    OK(cl_waveform_sum(empty, empty, &s, &e));
    assert_int_equal(cl_waveform_size(s), 0);
    cl_waveform_free(s);

    /* Overflow and NULLs. */
    const double th[1] = {0}, yh[1] = {1.7e308};
    cl_waveform *h = NULL;
    OK(cl_waveform_from_arrays(th, yh, 1, &h, &e));
    expect_err(cl_waveform_sum(h, h, &s, &e), CL_EINVAL, &e, "cl_waveform_sum:", "inf");
    assert_null(s);
    expect_err(cl_waveform_sum(NULL, b, &s, &e), CL_EINVAL, &e, "a:", "NULL");
    expect_err(cl_waveform_sum(a, NULL, &s, &e), CL_EINVAL, &e, "b:", "NULL");
    expect_err(cl_waveform_sum(a, b, NULL, &e), CL_EINVAL, &e, "out:", "NULL");
    cl_waveform_free(h);
    cl_waveform_free(empty);
    cl_waveform_free(a);
    cl_waveform_free(b);
}

/* ---- deterministic shapes ------------------------------------------------ */

static void test_step(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL;
    /* dt 0.1: parts of ceil(1/0.1) = 10, ceil(2/0.1) = 20, 10 samples. */
    OK(cl_wf_step(0.1, 1.0, 2.0, 1.0, 0.55, &w, &e));
    assert_int_equal(cl_waveform_size(w), 40);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    for (int k = 0; k < 40; k++) {
        assert_near(t[k], k * 0.1, 1e-12);
        assert_true(y[k] == (k >= 10 && k < 30 ? 0.55 : 0.0));
    }
    /* BlueCelluLab's join: the first sample of a part is (0 + last) + dt. */
    assert_true(t[10] == (0.0 + t[9]) + 0.1);
    assert_true(t[30] == (0.0 + t[29]) + 0.1);
    /* The edges, read piecewise linearly: 0 up to 0.9, 0.55 from 1.0. */
    assert_true(cl_waveform_at(w, 0.85) == 0.0);
    assert_near(cl_waveform_at(w, 0.95), 0.275, 1e-12);
    assert_true(cl_waveform_at(w, 1.5) == 0.55);
    cl_waveform_free(w);

    /* factory.step(0, 1, 0, 0.55) at dt 0.1: np.arange(0, 1, 0.1), all 0.55
     * (BlueCelluLab's test_create_step). */
    OK(cl_wf_step(0.1, 0.0, 1.0, 0.0, 0.55, &w, &e));
    assert_int_equal(cl_waveform_size(w), 10);
    for (int k = 0; k < 10; k++) {
        assert_true(cl_waveform_times(w)[k] == k * 0.1);
        assert_true(cl_waveform_values(w)[k] == 0.55);
    }
    cl_waveform_free(w);

    /* Zero durations: no samples at all. */
    OK(cl_wf_step(0.1, 0.0, 0.0, 0.0, 1.0, &w, &e));
    assert_int_equal(cl_waveform_size(w), 0);
    cl_waveform_free(w);
}

static void test_ramp(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL;
    /* ramp(1, 2, 0) to 3 at dt 0.1: 10 zeros, then np.linspace(0, 3, 20):
     * value k*3/19 exactly up to the last, which is 3 (test_create_ramp). */
    OK(cl_wf_ramp(0.1, 1.0, 2.0, 0.0, 0.0, 3.0, &w, &e));
    assert_int_equal(cl_waveform_size(w), 30);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    for (int k = 0; k < 10; k++) assert_true(y[k] == 0.0);
    for (int k = 10; k < 30; k++) assert_near(y[k], (k - 10) * 3.0 / 19.0, 1e-15);
    assert_true(y[10] == 0.0 && y[29] == 3.0);
    for (int k = 0; k < 30; k++) assert_near(t[k], k * 0.1, 1e-12);
    /* Slope in nA/ms: 3/19 per sample of 0.1 ms. */
    assert_near((y[20] - y[15]) / (t[20] - t[15]), 3.0 / 19.0 / 0.1, 1e-9);
    cl_waveform_free(w);

    /* Down-ramp with a post part; one-sample slope keeps amp_start. */
    OK(cl_wf_ramp(0.5, 0.0, 2.0, 1.0, 4.0, -4.0, &w, &e));
    assert_int_equal(cl_waveform_size(w), 6);
    const double want[6] = {4.0, 4.0 / 3.0, -4.0 / 3.0, -4.0, 0.0, 0.0};
    for (int k = 0; k < 6; k++) assert_near(cl_waveform_values(w)[k], want[k], 1e-15);
    cl_waveform_free(w);
    OK(cl_wf_ramp(1.0, 0.0, 0.5, 0.0, 2.0, 9.0, &w, &e));
    assert_int_equal(cl_waveform_size(w), 1);
    assert_true(cl_waveform_values(w)[0] == 2.0);
    cl_waveform_free(w);
}

static void test_pulse_train(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL;
    /* 50 Hz (period 20 ms), 2 ms pulses over 100 ms after 5 ms, 5 ms after:
     * pulses start at 0, 20, 40, 60, 80 ms of the train (80 + 2 < 100, the
     * next, 100, is not). The train's m = int(100/dt) samples lie at
     * np.linspace(0, 100, m), spacing h = 100/(m - 1). */
    const double dt = 0.1;
    OK(cl_wf_pulse_train(dt, 5.0, 100.0, 5.0, 1.5, 50.0, 2.0, &w, &e));
    size_t m = (size_t)(100.0 / dt);
    double h = 100.0 / (double)(m - 1);
    assert_int_equal(cl_waveform_size(w), 50 + m + 50);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    double t0 = t[49] + dt; /* the train's local time 0 */
    assert_true(t[50] == t0);
    assert_near(t[50 + m - 1], t0 + 100.0, 1e-9);
    for (size_t k = 0; k < 50; k++) assert_true(y[k] == 0.0 && y[50 + m + k] == 0.0);
    int pulses = 0;
    double rise = 0;
    for (size_t k = 50; k < 50 + m; k++) {
        assert_true(y[k] == 0.0 || y[k] == 1.5);
        double tl = t[k] - t0;
        int up = y[k] == 1.5, was = k > 50 && y[k - 1] == 1.5;
        if (up && !was) { /* a rising edge: the first sample at or after 20 p ms */
            assert_true(tl >= 20.0 * pulses - 1e-9 && tl < 20.0 * pulses + h + 1e-9);
            rise = tl;
            pulses++;
        }
        if (!up && was) { /* the falling edge: width within one sample of 2 ms */
            double width = tl - rise;
            assert_true(width >= 2.0 - h - 1e-9 && width <= 2.0 + h + 1e-9);
        }
        /* Definition: high exactly when start <= t < start + 2 for a start
         * 20 p < 98, t the train's own time i*h (100 for the last). */
        size_t i = k - 50;
        double ti = i == m - 1 ? 100.0 : (double)i * h;
        int inside = 0;
        for (int p = 0; p < 5; p++) inside |= ti >= 20.0 * p && ti < 20.0 * p + 2.0;
        assert_int_equal(up, inside);
    }
    assert_int_equal(pulses, 5);
    cl_waveform_free(w);
}

static void test_sinusoid(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL;
    /* 10 Hz at dt 0.025: indgen(0, 200, 0.025) = 8001 samples (the end point
     * included); a period is 100 ms = 4000 samples. */
    OK(cl_wf_sinusoid(0.025, 0.0, 200.0, 0.0, 2.0, 10.0, &w, &e));
    assert_int_equal(cl_waveform_size(w), 8001);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    assert_true(y[0] == 0.0);
    assert_near(y[1000], 2.0, 1e-12);  /* t = 25 ms, phase pi/2 */
    assert_near(y[2000], 0.0, 1e-12);  /* pi */
    assert_near(y[3000], -2.0, 1e-12); /* 3 pi/2 */
    assert_near(y[500], 2.0 * sin(PI / 4), 1e-12);
    assert_near(t[8000], 200.0, 1e-9);
    cl_waveform_free(w);

    /* With pre/post: zeros around, the post starting one dt after the end. */
    OK(cl_wf_sinusoid(0.5, 2.0, 10.0, 3.0, 1.0, 50.0, &w, &e));
    /* 4 + (floor(10/0.5 + 1e-9) + 1 = 21) + 6 */
    assert_int_equal(cl_waveform_size(w), 31);
    t = cl_waveform_times(w);
    y = cl_waveform_values(w);
    assert_true(t[4] == 2.0 && y[4] == 0.0);
    assert_near(y[5], sin(2 * PI * 50.0 * 0.5 / 1000), 1e-15);
    assert_near(t[24], 12.0, 1e-12);
    assert_near(t[25], 12.5, 1e-12);
    assert_true(y[25] == 0.0 && y[30] == 0.0);
    cl_waveform_free(w);
}

/* Upward zero crossings, by linear interpolation between samples. */
static size_t crossings(const cl_waveform *w, size_t from, size_t to, double *out, size_t cap) {
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    size_t n = 0;
    for (size_t k = from + 1; k < to && n < cap; k++)
        if (y[k - 1] < 0 && y[k] >= 0)
            out[n++] = t[k - 1] + (t[k] - t[k - 1]) * (-y[k - 1]) / (y[k] - y[k - 1]);
    return n;
}

static void test_chirp(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL;
    /* 100 -> 300 Hz over 1 s: f(t) = 100 + 200 t/1000 Hz (t in ms). For a
     * linear chirp the mean frequency between two crossings of the same
     * phase is f at their midpoint exactly; crossings are interpolated
     * between samples 1/512 ms apart (error ~ (2 pi f dt)^2, below 1e-5
     * relative), so 1e-4 relative is ample. dt = 2^-9 ms makes the part
     * sizes exact: 5120 + 512000 + 5120. */
    const double dt = 1.0 / 512;
    OK(cl_wf_chirp(dt, 10.0, 1000.0, 10.0, 0.7, 100.0, 300.0, &w, &e));
    size_t n = cl_waveform_size(w);
    assert_int_equal(n, 5120 + 512000 + 5120);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    double t0 = t[5120];
    assert_true(t0 == 10.0);
    assert_true(y[5120] == 0.0 && y[5119] == 0.0 && y[n - 1] == 0.0);
    double c[400];
    size_t nc = crossings(w, 5120, 517120, c, 400);
    assert_true(nc >= 199); /* 200 cycles in all, the one at t = 0 not counted */
    double f_start = 1000.0 / (c[1] - c[0]);
    double mid = (c[0] + c[1]) / 2 - t0;
    assert_near(f_start, 100.0 + 200.0 * mid / 1000.0, 1e-4 * f_start);
    assert_near(f_start, 103.0, 0.5); /* crossings at ~10 and ~20 ms: f(15 ms) = 103 Hz */
    /* Near the end: the last two crossings. */
    double cl[2] = {0, 0};
    size_t ncl = 0;
    for (size_t k = 5120 + 1; k < 517120; k++)
        if (y[k - 1] < 0 && y[k] >= 0) {
            cl[0] = cl[1];
            cl[1] = t[k - 1] + (t[k] - t[k - 1]) * (-y[k - 1]) / (y[k] - y[k - 1]);
            ncl++;
        }
    double f_end = 1000.0 / (cl[1] - cl[0]);
    double mid_end = (cl[0] + cl[1]) / 2 - t0;
    assert_near(f_end, 100.0 + 200.0 * mid_end / 1000.0, 1e-4 * f_end);
    assert_near(f_end, 300.0, 2.0);
    /* About the integral of f over 1 s = 200 cycles (one crossing each). */
    assert_true(ncl >= 199 && ncl <= 200);
    /* Amplitude: the peak is 0.7. */
    double mx = 0;
    for (size_t k = 0; k < n; k++) mx = y[k] > mx ? y[k] : mx;
    assert_near(mx, 0.7, 1e-6);
    cl_waveform_free(w);
}

/* ---- random shapes -------------------------------------------------------- */

static void test_noise_step(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL, *w2 = NULL, *w3 = NULL;
    /* 20000 intervals of 5 ms (40 samples of 0.125 ms). */
    OK(cl_wf_noise_step(0.125, 0.0, 100000.0, 0.0, 0.2, 0.05, 5.0, 42, &w, &e));
    size_t n = cl_waveform_size(w);
    assert_int_equal(n, 800000);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    size_t levels = 0, run = 0;
    double s = 0, s2 = 0;
    for (size_t k = 0; k < n; k++) {
        size_t iv = (size_t)floor(t[k] / 5.0 + 1e-9);
        size_t prev = k ? (size_t)floor(t[k - 1] / 5.0 + 1e-9) : (size_t)-1;
        if (k > 0 && iv == prev) {
            assert_true(y[k] == y[k - 1]); /* constant within an interval */
            run++;
        } else {
            if (k > 0) {
                assert_int_equal(run, 40);
                assert_true(y[k] != y[k - 1]); /* a new level (equal with probability 0) */
            }
            run = 1;
            levels++;
            s += y[k];
            s2 += y[k] * y[k];
        }
    }
    assert_int_equal(levels, 20000);
    double mean = s / levels, sd = sqrt(s2 / levels - mean * mean);
    /* 20000 independent levels: the mean's standard error is
     * 0.05/sqrt(20000) = 3.5e-4 (tolerance ~6 SE); the sd's relative
     * standard error is 1/sqrt(2*20000) = 0.5 % (tolerance 3 %, 6 SE). */
    assert_near(mean, 0.2, 2e-3);
    assert_near(sd, 0.05, 0.03 * 0.05);

    /* Same seed: identical bytes; another seed: different levels. */
    OK(cl_wf_noise_step(0.125, 0.0, 100000.0, 0.0, 0.2, 0.05, 5.0, 42, &w2, &e));
    assert_true(same_bytes(w, w2));
    OK(cl_wf_noise_step(0.125, 0.0, 100000.0, 0.0, 0.2, 0.05, 5.0, 43, &w3, &e));
    assert_int_equal(cl_waveform_size(w3), n);
    assert_true(memcmp(cl_waveform_times(w), cl_waveform_times(w3), n * sizeof(double)) == 0);
    assert_true(memcmp(cl_waveform_values(w), cl_waveform_values(w3), n * sizeof(double)) != 0);
    cl_waveform_free(w);
    cl_waveform_free(w2);
    cl_waveform_free(w3);

    /* sd 0: the mean everywhere inside, zeros in pre/post. */
    OK(cl_wf_noise_step(0.5, 1.0, 10.0, 1.0, -0.3, 0.0, 2.0, 1, &w, &e));
    assert_int_equal(cl_waveform_size(w), 2 + 20 + 2);
    for (size_t k = 0; k < 24; k++) assert_true(cl_waveform_values(w)[k] == (k >= 2 && k < 22 ? -0.3 : 0.0));
    cl_waveform_free(w);
}

static void test_ornstein_uhlenbeck(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL, *w2 = NULL, *w3 = NULL;
    const double dt = 0.125, tau = 10.0, sigma = 1.0, mean = 0.5, dur = 200000.0;
    OK(cl_wf_ornstein_uhlenbeck(dt, 0.0, dur, 0.0, mean, sigma, tau, 2024, &w, &e));
    size_t n = cl_waveform_size(w);
    /* indgen(0, 200000, 0.125): 1600001 samples, then the point (dur, 0). */
    assert_int_equal(n, 1600002);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    assert_true(y[0] == mean); /* x_0 = 0: the process starts at the mean */
    assert_true(t[n - 1] == dur && y[n - 1] == 0.0);
    assert_near(t[n - 2], dur, 1e-6);

    /* Statistics after a 100 ms (10 tau) burn-in, over N ~ 1.6e6 samples whose
     * correlation time is tau: ~T/(2 tau) = 1e4 independent samples. */
    size_t k0 = 800, k1 = n - 1, N = k1 - k0;
    double s = 0;
    for (size_t k = k0; k < k1; k++) s += y[k];
    double m = s / N;
    double v = 0, c1 = 0, ctau = 0;
    const size_t lag = (size_t)(tau / dt);
    for (size_t k = k0; k < k1; k++) {
        double d = y[k] - m;
        v += d * d;
        if (k + 1 < k1) c1 += d * (y[k + 1] - m);
        if (k + lag < k1) ctau += d * (y[k + lag] - m);
    }
    v /= N;
    c1 /= (N - 1) * v;
    ctau /= (N - lag) * v;
    /* Mean: SE = sigma/sqrt(T/(2 tau)) = 0.01; tolerance 0.05 (5 SE). */
    assert_near(m, mean, 0.05);
    /* Variance: SE ~ sigma^2 sqrt(2 tau/T) = 0.01; tolerance 0.05 (5 SE). */
    assert_near(v, sigma * sigma, 0.05);
    /* Lag-1 correlation exp(-dt/tau) = 0.98758: SE ~ sqrt((1 - rho^2)/N) =
     * 1.2e-4; tolerance 1e-3. */
    assert_near(c1, exp(-dt / tau), 1e-3);
    /* Lag-tau correlation exp(-1) = 0.368: SE ~ sqrt(tau/T) ~ 0.007;
     * tolerance 0.04 (~5 SE). */
    assert_near(ctau, exp(-1.0), 0.04);

    OK(cl_wf_ornstein_uhlenbeck(dt, 0.0, dur, 0.0, mean, sigma, tau, 2024, &w2, &e));
    assert_true(same_bytes(w, w2));
    OK(cl_wf_ornstein_uhlenbeck(dt, 0.0, dur, 0.0, mean, sigma, tau, 2025, &w3, &e));
    assert_true(!same_bytes(w, w3));
    cl_waveform_free(w);
    cl_waveform_free(w2);
    cl_waveform_free(w3);

    /* Pre/post parts; the end point (dur, 0) before the post zeros. */
    OK(cl_wf_ornstein_uhlenbeck(1.0, 3.0, 5.0, 2.0, 1.0, 0.5, 4.0, 9, &w, &e));
    /* 3 + (floor(5/1 + 1e-9) + 1 = 6) + 1 + 2 */
    assert_int_equal(cl_waveform_size(w), 12);
    t = cl_waveform_times(w);
    y = cl_waveform_values(w);
    assert_true(t[3] == 3.0 && y[3] == 1.0);
    assert_true(t[8] == 8.0 && t[9] == 8.0 && y[9] == 0.0);
    assert_true(t[10] == 9.0 && y[10] == 0.0 && t[11] == 10.0);
    cl_waveform_free(w);
    /* indgen(0, 0.3, 0.1) ends at 0.30000000000000004 > 0.3: the end point
     * is put there (not at 0.3) so that times never decrease. */
    OK(cl_wf_ornstein_uhlenbeck(0.1, 0.0, 0.3, 0.0, 0.0, 1.0, 1.0, 9, &w, &e));
    assert_int_equal(cl_waveform_size(w), 5);
    assert_true(cl_waveform_times(w)[4] == cl_waveform_times(w)[3] && cl_waveform_times(w)[3] == 3 * 0.1);
    cl_waveform_free(w);
}

/* The shot-noise kernel constants, as gen_shotnoise_signal defines them. */
typedef struct kernel {
    double a, b, A;
} kernel;

static kernel shot_kernel(double dt, double rise, double decay) {
    kernel k;
    k.a = exp(-dt / decay);
    k.b = exp(-dt / rise);
    double D = -log(k.a), R = -log(k.b);
    double tp = log(R / D) / (R - D);
    k.A = (k.a / k.b - 1) / (pow(k.a, tp) - pow(k.b, tp));
    return k;
}

/* Recover the impulse train E from P_j = y_j/A:
 * B_j = (P_{j+1} - a P_j)/b, E_j = B_{j+1} - b B_j. */
static void recover_impulses(const double *y, size_t n, kernel k, double *E) {
    for (size_t j = 0; j + 2 < n; j++) {
        double P0 = y[j] / k.A, P1 = y[j + 1] / k.A, P2 = y[j + 2] / k.A;
        double B0 = (P1 - k.a * P0) / k.b, B1 = (P2 - k.a * P1) / k.b;
        E[j] = B1 - k.b * B0;
    }
}

static void test_shot_noise(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL, *w2 = NULL, *w3 = NULL;
    const double dt = 0.125, dur = 100000.0, rate = 200.0, am = 0.1, asd = 0.05, rise = 1.0, decay = 5.0;
    OK(cl_wf_shot_noise(dt, 0.0, dur, 0.0, rate, am, asd, rise, decay, 77, &w, &e));
    size_t n = cl_waveform_size(w);
    assert_int_equal(n, 800002); /* indgen: 800001 samples, then (dur, 0) */
    const double *y = cl_waveform_values(w);
    assert_true(y[0] == 0.0 && y[n - 1] == 0.0);
    /* Campbell: mean = rate (1/ms) * amp_mean * integral of the kernel; the
     * kernel sampled at dt sums to dt * A * b / ((1 - a)(1 - b)) (the
     * geometric series of (a^(j-1) - b^(j-1))/(a^tp - b^tp)), ~ the
     * continuous (decay - rise)/F_peak = 7.48 ms. */
    kernel k = shot_kernel(dt, rise, decay);
    double integral = dt * k.A * k.b / ((1 - k.a) * (1 - k.b));
    double tp = log(decay / rise) / (1 / rise - 1 / decay);
    double fpeak = exp(-tp / decay) - exp(-tp / rise);
    assert_near(integral, (decay - rise) / fpeak, 0.01 * integral);
    double want_mean = rate / 1000.0 * am * integral;
    double s = 0, s2 = 0;
    for (size_t j = 0; j < n - 1; j++) {
        s += y[j];
        s2 += y[j] * y[j];
    }
    double mean = s / (double)(n - 1), var = s2 / (double)(n - 1) - mean * mean;
    /* The time average over T has variance rate * E[amp^2] * integral^2 / T
     * = 0.2 * 0.0125 * 56 / 1e5: SE 1.2e-3, 0.8 % of the mean; tolerance
     * 5 % (~6 SE). */
    assert_near(mean, want_mean, 0.05 * want_mean);
    /* Campbell's variance rate * E[amp^2] * integral of kernel^2 (~0.0116);
     * its estimate over ~T/decay = 2e4 correlation times is good to a few
     * percent; tolerance 15 %. */
    double k2 = (decay / 2 + rise / 2 - 2 * decay * rise / (decay + rise)) / (fpeak * fpeak);
    double want_var = rate / 1000.0 * (am * am + asd * asd) * k2;
    assert_near(var, want_var, 0.15 * want_var);

    OK(cl_wf_shot_noise(dt, 0.0, dur, 0.0, rate, am, asd, rise, decay, 77, &w2, &e));
    assert_true(same_bytes(w, w2));
    OK(cl_wf_shot_noise(dt, 0.0, dur, 0.0, rate, am, asd, rise, decay, 78, &w3, &e));
    assert_true(!same_bytes(w, w3));
    cl_waveform_free(w);
    cl_waveform_free(w2);
    cl_waveform_free(w3);

    /* Fixed amplitudes (sd 0), negative mean: the recovered impulse train is
     * a whole number of events times -0.3 at every sample (the kernel's
     * normalisation A checked exactly), and the event count is
     * Poisson(rate * T) = 20000 +- 141 (tolerance 5 sd). */
    const double dt2 = 1.0 / 32, dur2 = 100000.0;
    OK(cl_wf_shot_noise(dt2, 0.0, dur2, 0.0, rate, -0.3, 0.0, 0.5, 3.0, 5, &w, &e));
    n = cl_waveform_size(w);
    y = cl_waveform_values(w);
    kernel k2c = shot_kernel(dt2, 0.5, 3.0);
    double *E = malloc(n * sizeof *E);
    assert_non_null(E);
    recover_impulses(y, n - 1, k2c, E);
    double events = 0;
    for (size_t j = 0; j + 3 < n; j++) {
        double c = E[j] / -0.3;
        assert_true(fabs(c - nearbyint(c)) < 1e-6 && nearbyint(c) >= 0);
        events += nearbyint(c);
    }
    assert_near(events, rate / 1000.0 * dur2, 5 * sqrt(rate / 1000.0 * dur2));
    /* The kernel peaks at 1: the largest single-event response is 0.3 times
     * max_j (a^(j-1) - b^(j-1))/(a^tp - b^tp), within 1e-3 of 1 at this dt. */
    double peak = 0;
    for (int j = 1; j < 4000; j++) {
        double r = (pow(k2c.a, j - 1) - pow(k2c.b, j - 1)) * k2c.A * k2c.b / (k2c.a - k2c.b);
        peak = r > peak ? r : peak;
    }
    assert_near(peak, 1.0, 1e-3);
    cl_waveform_free(w);

    /* Gamma amplitudes: at 20 Hz events rarely share a sample (0.2 %), so the
     * recovered nonzero impulses are the amplitudes: mean 0.1 (SE
     * 0.05/sqrt(2000) = 1.1e-3, tolerance 0.006) and sd 0.05 (relative SE
     * ~2 % for gamma of shape 4; tolerance 12 %). */
    OK(cl_wf_shot_noise(dt, 0.0, dur, 0.0, 20.0, am, asd, rise, decay, 11, &w, &e));
    n = cl_waveform_size(w);
    y = cl_waveform_values(w);
    recover_impulses(y, n - 1, k, E);
    double sa = 0, sa2 = 0;
    size_t na = 0;
    for (size_t j = 0; j + 3 < n; j++)
        if (fabs(E[j]) > 1e-9) {
            assert_true(E[j] > 0);
            sa += E[j];
            sa2 += E[j] * E[j];
            na++;
        }
    assert_near((double)na, 2000.0, 5 * sqrt(2000.0));
    double amean = sa / na, asd_est = sqrt(sa2 / na - amean * amean);
    assert_near(amean, am, 0.006);
    assert_near(asd_est, asd, 0.12 * asd);
    free(E);
    cl_waveform_free(w);
}

/* Seeded shapes built in two threads at once equal the ones built alone. */
typedef struct job {
    uint64_t seed;
    cl_waveform *w[3];
    cl_status st;
} job;

static void build_random(job *j) {
    cl_error e;
    j->st = cl_wf_noise_step(0.025, 5.0, 2000.0, 5.0, 0.1, 0.02, 3.0, j->seed, &j->w[0], &e);
    if (j->st == CL_OK)
        j->st = cl_wf_ornstein_uhlenbeck(0.025, 5.0, 2000.0, 5.0, 0.1, 0.02, 3.0, j->seed, &j->w[1], &e);
    if (j->st == CL_OK)
        j->st = cl_wf_shot_noise(0.025, 5.0, 2000.0, 5.0, 300.0, 0.05, 0.02, 0.4, 4.0, j->seed, &j->w[2], &e);
}

static void *thread_main(void *arg) {
    build_random(arg);
    return NULL;
}

static void test_seeded_threads(void **state) {
    (void)state;
    job ref = {.seed = 99}, t1 = {.seed = 99}, t2 = {.seed = 99};
    build_random(&ref);
    OK(ref.st);
    pthread_t a, b;
    assert_int_equal(pthread_create(&a, NULL, thread_main, &t1), 0);
    assert_int_equal(pthread_create(&b, NULL, thread_main, &t2), 0);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    OK(t1.st);
    OK(t2.st);
    for (int i = 0; i < 3; i++) {
        assert_true(cl_waveform_size(ref.w[i]) > 80000);
        assert_true(same_bytes(ref.w[i], t1.w[i]));
        assert_true(same_bytes(ref.w[i], t2.w[i]));
        cl_waveform_free(ref.w[i]);
        cl_waveform_free(t1.w[i]);
        cl_waveform_free(t2.w[i]);
    }
}

/* ---- protocols ------------------------------------------------------------- */

/* Samples at dt 0.1, from BlueCelluLab's test_factory (stimulus_time =
 * len * dt): ap_waveform 550 ms, idrest 1850, iv 3500, fire_pattern 4100,
 * pos_cheops 19166, neg_cheops 18220, sinespec 5000; step and ramp
 * 100 + 500 + 100. */
static void test_protocols(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = NULL;
    const char *const *names = cl_wf_protocol_names();
    const char *want_names[] = {"ap_waveform", "idrest",   "iv",   "fire_pattern", "pos_cheops",
                                "neg_cheops",  "sinespec", "step", "ramp"};
    for (int i = 0; i < 9; i++) assert_string_equal(names[i], want_names[i]);
    assert_null(names[9]);

    struct {
        const char *name;
        double pre, dur, post, pct;
    } steps[] = {{"ap_waveform", 250, 50, 250, 220},
                 {"idrest", 250, 1350, 250, 200},
                 {"iv", 250, 3000, 250, -40},
                 {"fire_pattern", 250, 3600, 250, 200},
                 {"step", 100, 500, 100, 100}};
    for (int i = 0; i < 5; i++) {
        OK(cl_wf_protocol(steps[i].name, 0.1, 1.0, 0.0, &w, &e)); /* default percent */
        size_t n = cl_waveform_size(w);
        const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
        size_t npre = (size_t)(steps[i].pre * 10), ndur = (size_t)(steps[i].dur * 10);
        assert_int_equal(n, (size_t)((steps[i].pre + steps[i].dur + steps[i].post) * 10));
        double amp = 1.0 * steps[i].pct / 100;
        assert_true(y[0] == 0.0 && y[npre - 1] == 0.0 && y[npre] == amp && y[npre + ndur - 1] == amp &&
                    y[npre + ndur] == 0.0 && y[n - 1] == 0.0);
        assert_near(t[npre], steps[i].pre, 1e-9);
        assert_near(t[npre + ndur], steps[i].pre + steps[i].dur, 1e-9);
        assert_near(t[n - 1], steps[i].pre + steps[i].dur + steps[i].post - 0.1, 1e-9);
        cl_waveform_free(w);
    }
    /* ap_waveform(threshold 1) at dt 0.1: current[2500] == 2.2 (test_factory). */
    OK(cl_wf_protocol("ap_waveform", 0.1, 1.0, -5.0, &w, &e));
    assert_true(cl_waveform_values(w)[2500] == 2.2);
    cl_waveform_free(w);
    /* An explicit percentage: 0.4 nA * 150 % = 0.6 nA; iv at +40 %. */
    OK(cl_wf_protocol("idrest", 0.1, 0.4, 150.0, &w, &e));
    assert_true(cl_waveform_values(w)[3000] == 0.4 * 150.0 / 100);
    cl_waveform_free(w);
    OK(cl_wf_protocol("iv", 0.1, 0.5, 40.0, &w, &e));
    assert_true(cl_waveform_values(w)[3000] == 0.2);
    cl_waveform_free(w);

    /* ramp: 0 -> 220 % over 500 ms after 100 ms. */
    OK(cl_wf_protocol("ramp", 0.1, 0.5, 0.0, &w, &e));
    assert_int_equal(cl_waveform_size(w), 7000);
    assert_true(cl_waveform_values(w)[1000] == 0.0 && cl_waveform_values(w)[5999] == 1.1 &&
                cl_waveform_values(w)[6000] == 0.0);
    assert_near(cl_waveform_values(w)[3500], 1.1 * 2500.0 / 4999.0, 1e-12);
    cl_waveform_free(w);

    /* Cheops: triangles of 2 x 4000, 2 x 2000, 2 x 1333 ms (pos) after
     * 250 ms, gaps of 2000 ms; peak +/- 300 %. */
    struct {
        const char *name;
        double pre, r[3], sign;
        size_t n;
    } ch[] = {{"pos_cheops", 250, {4000, 2000, 1333}, 1, 191660},
              {"neg_cheops", 1750, {3333, 1666, 1111}, -1, 182200}};
    for (int i = 0; i < 2; i++) {
        OK(cl_wf_protocol(ch[i].name, 0.1, 0.2, 0.0, &w, &e));
        assert_int_equal(cl_waveform_size(w), ch[i].n);
        const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
        double A = ch[i].sign * (0.2 * 300.0 / 100);
        size_t k = (size_t)(ch[i].pre * 10);
        assert_true(y[k - 1] == 0.0 && y[k] == 0.0);
        for (int r = 0; r < 3; r++) {
            size_t h = (size_t)(ch[i].r[r] * 10);
            assert_true(y[k] == 0.0 && y[k + h - 1] == A); /* up-ramp ends at the peak */
            assert_near(y[k + h / 2], A * (double)(h / 2) / (double)(h - 1), 1e-12);
            assert_true(y[k + h] == A && y[k + 2 * h - 1] == 0.0); /* down-ramp */
            k += 2 * h;
            if (r < 2) {
                for (size_t g = 0; g < 20000; g++) assert_true(y[k + g] == 0.0);
                k += 20000;
            }
        }
        assert_int_equal(k + 2500, ch[i].n);
        for (size_t j = 0; j < ch[i].n; j += 997) assert_near(t[j], j * 0.1, 1e-7);
        cl_waveform_free(w);
    }

    /* sinespec: 60 % over 5000 ms, amp * sin(2 pi (1 + 1/(5.15 - (s - 0.1))) (s - 0.1))
     * with s = t/1000 (seconds): -0.748 rad at 0, 0 at s = 0.1. */
    OK(cl_wf_protocol("sinespec", 0.1, 0.5, 0.0, &w, &e));
    assert_int_equal(cl_waveform_size(w), 50000);
    const double *y = cl_waveform_values(w);
    assert_near(y[0], 0.3 * sin(2 * PI * (1 + 1 / 5.25) * -0.1), 1e-12);
    assert_near(y[1000], 0.0, 1e-12);
    /* Frequency (1/2 pi) d phase/ds = (1 + 1/(5.25 - s)) + (s - 0.1)/(5.25 - s)^2:
     * 1.19 Hz at the start, 83.4 Hz at 5 s; between two upward crossings near
     * the end the mean frequency is that at the midpoint to within
     * f'' T^2/24 ~ 0.05 Hz; tolerance 0.5 %. */
    double c[2] = {0, 0};
    for (size_t j = 1; j < 50000; j++)
        if (y[j - 1] < 0 && y[j] >= 0) {
            c[0] = c[1];
            c[1] = cl_waveform_times(w)[j - 1] + 0.1 * (-y[j - 1]) / (y[j] - y[j - 1]);
        }
    double s = (c[0] + c[1]) / 2 / 1000;
    double f = (1 + 1 / (5.25 - s)) + (s - 0.1) / ((5.25 - s) * (5.25 - s));
    assert_near(1.0 / ((c[1] - c[0]) / 1000), f, 0.005 * f);
    assert_true(f > 70);
    cl_waveform_free(w);
}

/* ---- argument errors ------------------------------------------------------- */

static void test_argument_errors(void **state) {
    (void)state;
    cl_error e;
    cl_waveform *w = (cl_waveform *)&e; /* must be set to NULL on failure */
    expect_err(cl_wf_step(0.0, 1, 1, 1, 1, &w, &e), CL_EINVAL, &e, "cl_wf_step: dt: expected", "got 0");
    assert_null(w);
    expect_err(cl_wf_step(NAN, 1, 1, 1, 1, &w, &e), CL_EINVAL, &e, "cl_wf_step: dt:", "nan");
    expect_err(cl_wf_step(-0.1, 1, 1, 1, 1, &w, &e), CL_EINVAL, &e, "dt:", "got -0.1");
    expect_err(cl_wf_step(INFINITY, 1, 1, 1, 1, &w, &e), CL_EINVAL, &e, "dt:", "inf");
    expect_err(cl_wf_step(0.1, -1, 1, 1, 1, &w, &e), CL_EINVAL, &e, "pre_ms: expected a finite duration >= 0",
               "got -1");
    expect_err(cl_wf_step(0.1, 1, NAN, 1, 1, &w, &e), CL_EINVAL, &e, "dur_ms:", "nan");
    expect_err(cl_wf_step(0.1, 1, 1, INFINITY, 1, &w, &e), CL_EINVAL, &e, "post_ms:", "inf");
    expect_err(cl_wf_step(0.1, 1, 1, 1, NAN, &w, &e), CL_EINVAL, &e,
               "cl_wf_step: amplitude: expected a finite", "nan");
    expect_err(cl_wf_step(0.1, 1, 1, 1, 1, NULL, &e), CL_EINVAL, &e, "out:", "NULL");
    assert_int_equal(cl_wf_step(0.1, 1, 1, 1, 1, NULL, NULL), CL_EINVAL);
    /* The sample limit, refused before allocating. */
    expect_err(cl_wf_step(1e-9, 0, 1e3, 0, 1, &w, &e), CL_EINVAL, &e,
               "cl_wf_step: dt: expected a step giving at most 100000000 samples", "got 1e-09");
    expect_err(cl_wf_step(1e-300, 1e300, 1e300, 1e300, 1, &w, &e), CL_EINVAL, &e, "at most 100000000 samples",
               NULL);

    expect_err(cl_wf_ramp(0.1, 1, 1, 1, INFINITY, 1, &w, &e), CL_EINVAL, &e, "cl_wf_ramp: amp_start:", "inf");
    expect_err(cl_wf_ramp(0.1, 1, 1, 1, 1, NAN, &w, &e), CL_EINVAL, &e, "amp_end:", "nan");
    expect_err(cl_wf_ramp(0.1, 1, 1, 1, -1e308, 1e308, &w, &e), CL_EINVAL, &e,
               "amp_end: expected amp_end - amp_start to be finite", NULL);

    expect_err(cl_wf_pulse_train(0.1, 1, 10, 1, 1, 0, 1, &w, &e), CL_EINVAL, &e,
               "cl_wf_pulse_train: frequency_hz: expected", "got 0");
    expect_err(cl_wf_pulse_train(0.1, 1, 10, 1, 1, -5, 1, &w, &e), CL_EINVAL, &e, "frequency_hz:", "got -5");
    expect_err(cl_wf_pulse_train(0.1, 1, 10, 1, 1, 5, -1, &w, &e), CL_EINVAL, &e, "width_ms:", "got -1");
    expect_err(cl_wf_pulse_train(0.1, 1, 10, 1, NAN, 5, 1, &w, &e), CL_EINVAL, &e, "amplitude:", "nan");
    expect_err(cl_wf_pulse_train(0.1, 0, 1000, 0, 1, 1e12, 1e-10, &w, &e), CL_EINVAL, &e,
               "frequency_hz: expected at most 100000000 pulses", NULL);

    expect_err(cl_wf_sinusoid(0.1, 1, 10, 1, 1, 0, &w, &e), CL_EINVAL, &e,
               "cl_wf_sinusoid: frequency_hz:", "got 0");
    expect_err(cl_wf_sinusoid(0.1, 1, 10, 1, INFINITY, 5, &w, &e), CL_EINVAL, &e, "amplitude:", "inf");
    expect_err(cl_wf_chirp(0.1, 1, 10, 1, 1, 0, 5, &w, &e), CL_EINVAL, &e,
               "cl_wf_chirp: f_start_hz:", "got 0");
    expect_err(cl_wf_chirp(0.1, 1, 10, 1, 1, 5, NAN, &w, &e), CL_EINVAL, &e, "f_end_hz:", "nan");

    expect_err(cl_wf_noise_step(0.1, 1, 10, 1, 0, -1, 1, 1, &w, &e), CL_EINVAL, &e,
               "cl_wf_noise_step: sd: expected", "got -1");
    expect_err(cl_wf_noise_step(0.1, 1, 10, 1, NAN, 1, 1, 1, &w, &e), CL_EINVAL, &e, "mean:", "nan");
    expect_err(cl_wf_noise_step(0.1, 1, 10, 1, 0, 1, 0, 1, &w, &e), CL_EINVAL, &e,
               "step_interval_ms:", "got 0");
    expect_err(cl_wf_noise_step(0.1, 1, 10, 1, 1.7e308, 1.7e308, 1, 1, &w, &e), CL_EINVAL, &e,
               "sd: expected parameters giving finite values", NULL);
    assert_null(w);
    /* A tiny interval costs no more than one draw per sample. */
    OK(cl_wf_noise_step(0.1, 0, 10, 0, 0, 1, 1e-300, 1, &w, &e));
    cl_waveform_free(w);

    expect_err(cl_wf_ornstein_uhlenbeck(0.1, 1, 10, 1, 0, 1, 0, 1, &w, &e), CL_EINVAL, &e,
               "cl_wf_ornstein_uhlenbeck: tau_ms:", "got 0");
    expect_err(cl_wf_ornstein_uhlenbeck(0.1, 1, 10, 1, 0, -1, 1, 1, &w, &e), CL_EINVAL, &e,
               "sigma:", "got -1");
    expect_err(cl_wf_ornstein_uhlenbeck(0.1, 1, 10, 1, INFINITY, 1, 1, 1, &w, &e), CL_EINVAL, &e,
               "mean:", "inf");

    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 0, 1, 1, 1, 2, 1, &w, &e), CL_EINVAL, &e,
               "cl_wf_shot_noise: rate_hz:", "got 0");
    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 10, 1, 1, 2, 2, 1, &w, &e), CL_EINVAL, &e,
               "rise_ms: expected rise_ms < decay_ms", "got 2");
    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 10, 1, 1, 3, 2, 1, &w, &e), CL_EINVAL, &e,
               "rise_ms:", "got 3");
    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 10, 1, 1, 0, 2, 1, &w, &e), CL_EINVAL, &e,
               "rise_ms:", "got 0");
    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 10, 1, -1, 1, 2, 1, &w, &e), CL_EINVAL, &e,
               "amp_sd:", "got -1");
    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 10, 0, 1, 1, 2, 1, &w, &e), CL_EINVAL, &e,
               "amp_mean: expected a nonzero mean", "got 0");
    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 10, NAN, 1, 1, 2, 1, &w, &e), CL_EINVAL, &e,
               "amp_mean:", "nan");
    expect_err(cl_wf_shot_noise(0.1, 1, 10, 1, 10, 1, 1, 1, INFINITY, 1, &w, &e), CL_EINVAL, &e,
               "decay_ms:", "inf");
    expect_err(cl_wf_shot_noise(0.1, 0, 1e6, 0, 1e9, 1, 1, 1, 2, 1, &w, &e), CL_EINVAL, &e,
               "rate_hz: expected at most", NULL);
    /* A rise far below dt: exp(-dt/rise) underflows, the kernel is undefined. */
    expect_err(cl_wf_shot_noise(1.0, 0, 10, 0, 10, 1, 1, 1e-5, 2, 1, &w, &e), CL_EINVAL, &e,
               "cl_wf_shot_noise: dt: expected a step that resolves", NULL);
    /* Zero mean with zero sd: silence. */
    OK(cl_wf_shot_noise(0.1, 0, 10, 0, 100, 0, 0, 1, 2, 1, &w, &e));
    for (size_t k = 0; k < cl_waveform_size(w); k++) assert_true(cl_waveform_values(w)[k] == 0.0);
    cl_waveform_free(w);

    expect_err(cl_wf_protocol("nope", 0.1, 1, 0, &w, &e), CL_ENOTFOUND, &e,
               "cl_wf_protocol: name: expected one of", "got \"nope\"");
    assert_null(w);
    expect_err(cl_wf_protocol(NULL, 0.1, 1, 0, &w, &e), CL_EINVAL, &e, "name:", "NULL");
    expect_err(cl_wf_protocol("idrest", 0, 1, 0, &w, &e), CL_EINVAL, &e, "cl_wf_protocol: dt:", "got 0");
    expect_err(cl_wf_protocol("idrest", 0.1, NAN, 0, &w, &e), CL_EINVAL, &e, "threshold_nA:", "nan");
    expect_err(cl_wf_protocol("idrest", 0.1, 1, NAN, &w, &e), CL_EINVAL, &e, "percent:", "nan");
    expect_err(cl_wf_protocol("idrest", 0.1, 1e308, 1e10, &w, &e), CL_EINVAL, &e,
               "threshold_nA: expected threshold_nA * percent / 100 finite", NULL);
    expect_err(cl_wf_protocol("pos_cheops", 1e-5, 1, 0, &w, &e), CL_EINVAL, &e,
               "dt: expected a step giving at most", NULL);
    expect_err(cl_wf_protocol("idrest", 0.1, 1, 0, NULL, &e), CL_EINVAL, &e, "out:", NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_philox_known_answers),
        cmocka_unit_test(test_rng_variates),
        cmocka_unit_test(test_waveform_value_type),
        cmocka_unit_test(test_waveform_sum),
        cmocka_unit_test(test_step),
        cmocka_unit_test(test_ramp),
        cmocka_unit_test(test_pulse_train),
        cmocka_unit_test(test_sinusoid),
        cmocka_unit_test(test_chirp),
        cmocka_unit_test(test_noise_step),
        cmocka_unit_test(test_ornstein_uhlenbeck),
        cmocka_unit_test(test_shot_noise),
        cmocka_unit_test(test_seeded_threads),
        cmocka_unit_test(test_protocols),
        cmocka_unit_test(test_argument_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
