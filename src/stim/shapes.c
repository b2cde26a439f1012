/* Stimulus shapes sampled like BlueCelluLab's StimulusFactory(dt)
 * (bluecellulab/stimulus/stimulus.py and cell/stimuli_generator.py).
 *
 * How BlueCelluLab builds a shape, and so how we do:
 *
 *  - Every shape is Empty(pre) + Shape(dur) + Empty(post). Each part has its
 *    own local time array starting at 0; "a + b" appends b's times shifted
 *    as (t_b + last_time_of_a) + dt, in that order of floating-point
 *    operations, and a part with no samples is skipped (the next part is
 *    then shifted from the previous non-empty one, or not at all if nothing
 *    came before). We shift the same way, so sample times equal
 *    BlueCelluLab's bit for bit (not exactly k*dt).
 *  - Empty, Flat, Slope, Zap: times np.arange(0, d, dt): ceil(d/dt) samples
 *    j*dt (numpy's fill computes start + j*delta with delta = dt).
 *    Slope values are np.linspace(a0, a1, n): j*step + a0 with
 *    step = (a1 - a0)/(n - 1), the last one set to a1 exactly (when the step
 *    is 0: (j/(n - 1))*(a1 - a0) + a0).
 *  - SinusoidalWave, OU and shot noise take their times from NEURON's
 *    Vector.indgen(0, d, dt): floor(d/dt + 1e-9) + 1 samples j*dt, so the
 *    end point d is included. Sinusoid values are NEURON's Vector.sin:
 *    sin(((2*PI/1000)*f*dt)*j + 0) times the amplitude. OU and shot noise
 *    then append one more point (d, 0).
 *  - PulseTrain uses np.linspace(0, d, int(d/dt)) for its times (not a
 *    multiple of dt), and sets the amplitude where start <= t < start + width
 *    for start = 0, 1000/f, 2*1000/f, ... (accumulated) while
 *    start + width < d.
 *
 * Deliberate differences, each for a reason stated where it applies:
 *  - dur_ms == 0 gives no shape samples at all for every shape (NEURON's
 *    indgen refuses a range shorter than its step, BlueCelluLab then fails);
 *    0 < dur_ms < dt gives the one sample at local time 0.
 *  - The point (d, 0) appended by OU and shot noise is put at
 *    max(d, last indgen time): indgen's last time can exceed d by rounding
 *    (0.3/0.1), which would make the times decrease.
 *  - The random shapes use our Philox4x32-10 streams (stim/rng.h), not
 *    NEURON's Random123 wrapper, so their samples differ from BlueCelluLab's
 *    while following the same definitions; see each function.
 *  - Step noise is sampled at dt and holds each level for step_interval_ms
 *    (BlueCelluLab puts one point per level, which a piecewise-linear
 *    reading turns into ramps between levels), and its sd is a standard
 *    deviation (BlueCelluLab passes sigma as NEURON's normal() variance).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "cellulab_tools.h"
#include "stim/rng.h"
#include "util/util.h"

/* The most samples one shape may have (as the waveform's own limit). */
#define WF_MAX_SAMPLES 1e8
#define PI_NRN 3.14159265358979323846 /* M_PI, as NEURON's ivocvect.cpp */

/* Stream ids under one seed, one per use, so that shapes built with the
 * same seed do not share numbers. */
enum { STREAM_NOISE_STEP = 1, STREAM_OU = 2, STREAM_SHOT_TIMES = 3, STREAM_SHOT_AMPS = 4 };

/* ---- argument checks ---------------------------------------------------- */

static cl_status check_dt(const char *fn, double dt, cl_error *err) {
    if (!(dt > 0) || !isfinite(dt))
        return cl_error_fail(err, CL_EINVAL, "%s: dt: expected a finite time step > 0 ms, got %g", fn, dt);
    return CL_OK;
}

static cl_status check_dur(const char *fn, const char *name, double v, cl_error *err) {
    if (!(v >= 0) || !isfinite(v))
        return cl_error_fail(err, CL_EINVAL, "%s: %s: expected a finite duration >= 0 ms, got %g", fn, name, v);
    return CL_OK;
}

static cl_status check_finite(const char *fn, const char *name, double v, cl_error *err) {
    if (!isfinite(v)) return cl_error_fail(err, CL_EINVAL, "%s: %s: expected a finite number, got %g", fn, name, v);
    return CL_OK;
}

static cl_status check_positive(const char *fn, const char *name, const char *what, double v, cl_error *err) {
    if (!(v > 0) || !isfinite(v))
        return cl_error_fail(err, CL_EINVAL, "%s: %s: expected a finite %s > 0, got %g", fn, name, what, v);
    return CL_OK;
}

#define CHECK(call)                                                                                          \
    do {                                                                                                     \
        cl_status st_ = (call);                                                                              \
        if (st_ != CL_OK) return st_;                                                                        \
    } while (0)

/* ---- sample counts ------------------------------------------------------ */

/* d/dt as a sample count estimate, or HUGE_VAL when it is past the limit. */
static double ratio(double d, double dt) {
    double q = d / dt;
    return q <= WF_MAX_SAMPLES ? q : HUGE_VAL;
}

/* len(np.arange(0, d, dt)): ceil(d/dt); numpy gives 1 when d/dt underflows. */
static size_t n_arange(double d, double dt) {
    if (!(d > 0)) return 0;
    double q = d / dt;
    if (q == 0) return 1;
    return (size_t)ceil(q);
}

/* len(Vector.indgen(0, d, dt)): floor(d/dt + 1e-9) + 1 (0 for d == 0, see
 * the note at the top). */
static size_t n_indgen(double d, double dt) {
    if (!(d > 0)) return 0;
    return (size_t)floor(d / dt + 1e-9) + 1;
}

/* int(d/dt), PulseTrain's number of samples. */
static size_t n_pulse(double d, double dt) {
    if (!(d > 0)) return 0;
    return (size_t)(d / dt);
}

/* Refuse more than WF_MAX_SAMPLES samples in all, before allocating. */
static cl_status check_total(const char *fn, double dt, double pre, double dur, double post, cl_error *err) {
    double total = ratio(pre, dt) + ratio(dur, dt) + ratio(post, dt) + 8.0;
    if (!(total <= WF_MAX_SAMPLES))
        return cl_error_fail(err, CL_EINVAL,
                    "%s: dt: expected a step giving at most %.0f samples for %g + %g + %g ms, got %g", fn,
                    WF_MAX_SAMPLES, pre, dur, post, dt);
    return CL_OK;
}

/* ---- building: parts joined as BlueCelluLab's Stimulus.__add__ ----------- */

typedef struct build {
    const char *fn;
    const char *vname; /* the argument blamed for a non-finite value */
    cl_error *err;
    double dt;
    cl_waveform *w;
    int shift;     /* this part is shifted (something came before it) */
    double offset; /* the last time before this part */
} build;

static cl_status build_start(build *b, const char *fn, double dt, cl_error *err) {
    b->fn = fn;
    b->vname = "amplitude";
    b->err = err;
    b->dt = dt;
    b->w = NULL;
    b->shift = 0;
    b->offset = 0.0;
    if (cl_waveform_new(&b->w, NULL) != CL_OK) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", fn);
    return CL_OK;
}

/* Start a new part: its local times are shifted by the current last time. */
static void part_begin(build *b) {
    size_t n = cl_waveform_size(b->w);
    b->shift = n > 0;
    b->offset = n > 0 ? cl_waveform_times(b->w)[n - 1] : 0.0;
}

static cl_status part_point(build *b, double local_t, double y) {
    double t = b->shift ? (local_t + b->offset) + b->dt : local_t;
    if (!isfinite(y))
        return cl_error_fail(b->err, CL_EINVAL,
                    "%s: %s: expected parameters giving finite values, got %g at t = %g ms", b->fn, b->vname,
                    y, t);
    cl_error e;
    cl_status st = cl_waveform_append(b->w, t, y, &e);
    if (st != CL_OK) return cl_error_fail(b->err, st, "%s: %s", b->fn, e.msg);
    return CL_OK;
}

/* np.arange(0, d, dt) at a constant value (Empty, Flat). */
static cl_status part_const(build *b, double d, double value) {
    part_begin(b);
    size_t n = n_arange(d, b->dt);
    for (size_t j = 0; j < n; j++) CHECK(part_point(b, (double)j * b->dt, value));
    return CL_OK;
}

/* Slope: np.arange times, np.linspace(a0, a1, n) values. */
static cl_status part_slope(build *b, double d, double a0, double a1) {
    part_begin(b);
    size_t n = n_arange(d, b->dt);
    if (n == 0) return CL_OK;
    double delta = a1 - a0;
    if (n == 1) return part_point(b, 0.0, 0.0 * delta + a0);
    double div = (double)(n - 1);
    double step = delta / div;
    for (size_t j = 0; j < n; j++) {
        double y;
        if (j == n - 1)
            y = a1;
        else if (step == 0)
            y = ((double)j / div) * delta + a0;
        else
            y = (double)j * step + a0;
        CHECK(part_point(b, (double)j * b->dt, y));
    }
    return CL_OK;
}

static cl_status build_finish(build *b, cl_status st, cl_waveform **out) {
    if (st != CL_OK) {
        cl_waveform_free(b->w);
        return st;
    }
    *out = b->w;
    return CL_OK;
}

static cl_status check_out(const char *fn, cl_waveform **out, cl_error *err) {
    if (!out) return cl_error_fail(err, CL_EINVAL, "%s: out: expected a non-NULL pointer, got NULL", fn);
    *out = NULL;
    return CL_OK;
}

/* The common checks: out, dt, the three durations, the total count. */
static cl_status check_common(const char *fn, double dt, double pre, double dur, double post,
                              cl_waveform **out, cl_error *err) {
    CHECK(check_out(fn, out, err));
    CHECK(check_dt(fn, dt, err));
    CHECK(check_dur(fn, "pre_ms", pre, err));
    CHECK(check_dur(fn, "dur_ms", dur, err));
    CHECK(check_dur(fn, "post_ms", post, err));
    return check_total(fn, dt, pre, dur, post, err);
}

/* ---- deterministic shapes ------------------------------------------------- */

cl_status cl_wf_step(double dt, double pre_ms, double dur_ms, double post_ms, double amplitude,
                     cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_wf_step";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_finite(fn, "amplitude", amplitude, err));
    build b;
    CHECK(build_start(&b, fn, dt, err));
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK) st = part_const(&b, dur_ms, amplitude);
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}

cl_status cl_wf_ramp(double dt, double pre_ms, double dur_ms, double post_ms, double amp_start,
                     double amp_end, cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_wf_ramp";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_finite(fn, "amp_start", amp_start, err));
    CHECK(check_finite(fn, "amp_end", amp_end, err));
    if (!isfinite(amp_end - amp_start))
        return cl_error_fail(err, CL_EINVAL, "%s: amp_end: expected amp_end - amp_start to be finite, got %g - %g", fn,
                    amp_end, amp_start);
    build b;
    CHECK(build_start(&b, fn, dt, err));
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK) st = part_slope(&b, dur_ms, amp_start, amp_end);
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}

/* PulseTrain: times np.linspace(0, dur, int(dur/dt)); pulses at
 * start_k = sum of k periods, set where start_k <= t < start_k + width,
 * while start_k + width < dur. The marking walks the samples once: starts
 * increase and the widths are equal, so the pulses' ends increase too. */
static cl_status part_pulses(build *b, double dur, double amplitude, double frequency_hz, double width) {
    part_begin(b);
    size_t m = n_pulse(dur, b->dt);
    if (m == 0) return CL_OK;
    double *tl = malloc(m * sizeof *tl);
    double *yl = malloc(m * sizeof *yl);
    if (!tl || !yl) {
        free(tl);
        free(yl);
        return cl_error_fail(b->err, CL_ENOMEM, "%s: out of memory for %zu samples", b->fn, m);
    }
    if (m == 1) {
        tl[0] = 0.0 * dur + 0.0;
    } else {
        double div = (double)(m - 1);
        double step = dur / div;
        for (size_t i = 0; i < m; i++)
            tl[i] = step == 0 ? ((double)i / div) * dur + 0.0 : (double)i * step + 0.0;
        tl[m - 1] = dur;
    }
    for (size_t i = 0; i < m; i++) yl[i] = 0.0;
    double period = 1000.0 / frequency_hz;
    double start = 0.0;
    size_t lo = 0, marked = 0; /* first sample >= start; samples [0, marked) are done */
    cl_status st = CL_OK;
    while (start + width < dur) {
        double end = start + width;
        while (lo < m && tl[lo] < start) lo++;
        size_t i = lo > marked ? lo : marked;
        for (; i < m && tl[i] < end; i++) yl[i] = amplitude;
        if (i > marked) marked = i;
        double next = start + period;
        if (!(next > start)) {
            st = cl_error_fail(b->err, CL_EINVAL,
                      "%s: frequency_hz: expected a period (1000/frequency_hz ms) that advances the pulse "
                      "start %g ms, got %g",
                      b->fn, start, frequency_hz);
            break;
        }
        start = next;
    }
    for (size_t i = 0; st == CL_OK && i < m; i++) st = part_point(b, tl[i], yl[i]);
    free(tl);
    free(yl);
    return st;
}

cl_status cl_wf_pulse_train(double dt, double pre_ms, double dur_ms, double post_ms, double amplitude,
                            double frequency_hz, double width_ms, cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_wf_pulse_train";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_finite(fn, "amplitude", amplitude, err));
    CHECK(check_positive(fn, "frequency_hz", "frequency (Hz)", frequency_hz, err));
    CHECK(check_dur(fn, "width_ms", width_ms, err));
    /* One pass per pulse: refuse more pulses than the sample limit. */
    if (!(dur_ms * frequency_hz / 1000.0 <= WF_MAX_SAMPLES))
        return cl_error_fail(err, CL_EINVAL, "%s: frequency_hz: expected at most %.0f pulses in %g ms, got %g Hz", fn,
                    WF_MAX_SAMPLES, dur_ms, frequency_hz);
    build b;
    CHECK(build_start(&b, fn, dt, err));
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK) st = part_pulses(&b, dur_ms, amplitude, frequency_hz, width_ms);
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}

cl_status cl_wf_sinusoid(double dt, double pre_ms, double dur_ms, double post_ms, double amplitude,
                         double frequency_hz, cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_wf_sinusoid";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_finite(fn, "amplitude", amplitude, err));
    CHECK(check_positive(fn, "frequency_hz", "frequency (Hz)", frequency_hz, err));
    build b;
    CHECK(build_start(&b, fn, dt, err));
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK) {
        /* SinusoidalWave: Vector.indgen(0, dur, dt) times, Vector.sin(f, 0, dt)
         * values, Vector.mul(amplitude). */
        part_begin(&b);
        size_t n = n_indgen(dur_ms, dt);
        double period = 2 * PI_NRN / 1000 * frequency_hz * dt;
        b.vname = "frequency_hz"; /* only a phase out of range makes a NaN */
        if (n > 0 && !isfinite(period * (double)(n - 1)))
            st = cl_error_fail(err, CL_EINVAL,
                      "%s: frequency_hz: expected a frequency giving a finite phase over %g ms, got %g", fn,
                      dur_ms, frequency_hz);
        for (size_t j = 0; st == CL_OK && j < n; j++)
            st = part_point(&b, (double)j * dt + 0.0, sin(period * (double)j + 0.0) * amplitude);
    }
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}

/* A linear chirp (BlueCelluLab has none; its Zap is the sinespec protocol):
 * on np.arange(0, dur, dt) times t (ms), with tau = t/1000 and D = dur/1000
 * (s), amplitude * sin(2 pi (f0 tau + (f1 - f0) (tau/D) tau / 2)), whose
 * instantaneous frequency f0 + (f1 - f0) tau / D goes from f0 to f1. */
cl_status cl_wf_chirp(double dt, double pre_ms, double dur_ms, double post_ms, double amplitude,
                      double f_start_hz, double f_end_hz, cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_wf_chirp";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_finite(fn, "amplitude", amplitude, err));
    CHECK(check_positive(fn, "f_start_hz", "frequency (Hz)", f_start_hz, err));
    CHECK(check_positive(fn, "f_end_hz", "frequency (Hz)", f_end_hz, err));
    build b;
    CHECK(build_start(&b, fn, dt, err));
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK) {
        part_begin(&b);
        size_t n = n_arange(dur_ms, dt);
        double D = dur_ms / 1000.0;
        double df = f_end_hz - f_start_hz;
        for (size_t j = 0; st == CL_OK && j < n; j++) {
            double t = (double)j * dt;
            double tau = t / 1000.0;
            /* tau/D < 1 keeps the sweep term finite however short D is. */
            double phase = 2.0 * PI_NRN * (f_start_hz * tau + 0.5 * df * (tau / D) * tau);
            if (!isfinite(phase)) {
                st = cl_error_fail(err, CL_EINVAL,
                          "%s: f_end_hz: expected frequencies giving a finite phase, got f_start_hz = %g, "
                          "f_end_hz = %g",
                          fn, f_start_hz, f_end_hz);
                break;
            }
            st = part_point(&b, t, amplitude * sin(phase));
        }
    }
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}

/* ---- random shapes -------------------------------------------------------- */

/* Step noise: levels mean + sd * z, one normal z of the stream per
 * interval in order, level k held on np.arange(0, dur, dt) samples with
 * floor(t/step_interval + 1e-9) == k (the 1e-9 puts a sample that lands on
 * a boundary up to rounding into the new interval). */
cl_status cl_wf_noise_step(double dt, double pre_ms, double dur_ms, double post_ms, double mean, double sd,
                           double step_interval_ms, uint64_t seed, cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_wf_noise_step";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_finite(fn, "mean", mean, err));
    if (!(sd >= 0) || !isfinite(sd))
        return cl_error_fail(err, CL_EINVAL, "%s: sd: expected a finite standard deviation >= 0, got %g", fn, sd);
    CHECK(check_positive(fn, "step_interval_ms", "interval (ms)", step_interval_ms, err));
    cl_rng rng;
    cl_rng_init(&rng, seed, STREAM_NOISE_STEP);
    build b;
    CHECK(build_start(&b, fn, dt, err));
    b.vname = "sd";
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK) {
        part_begin(&b);
        size_t n = n_arange(dur_ms, dt);
        double level = 0.0;
        double k_cur = -1.0;
        for (size_t j = 0; st == CL_OK && j < n; j++) {
            double t = (double)j * dt;
            double k = floor(t / step_interval_ms + 1e-9);
            /* One draw per interval that has samples: an interval shorter
             * than dt that no sample falls in takes no draw, so the work is
             * bounded by the sample count whatever step_interval_ms is. */
            if (k != k_cur) {
                level = mean + sd * cl_rng_normal(&rng);
                k_cur = k;
            }
            st = part_point(&b, t, level);
        }
    }
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}

/* OU (gen_ornstein_uhlenbeck): on indgen(0, dur, dt) times,
 * x_0 = 0, x_j = x_{j-1} mu + A z_j with mu = exp(-dt/tau),
 * A = sigma sqrt(1 - mu^2) (Gillespie 1996's exact update), value x_j + mean;
 * tau < 1e-9 ms gives white noise sigma z_j + mean; then (dur, 0). One normal
 * z_j is drawn per sample, z_0 included (unused unless white), as there. */
cl_status cl_wf_ornstein_uhlenbeck(double dt, double pre_ms, double dur_ms, double post_ms, double mean,
                                   double sigma, double tau_ms, uint64_t seed, cl_waveform **out,
                                   cl_error *err) {
    static const char fn[] = "cl_wf_ornstein_uhlenbeck";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_finite(fn, "mean", mean, err));
    if (!(sigma >= 0) || !isfinite(sigma))
        return cl_error_fail(err, CL_EINVAL, "%s: sigma: expected a finite standard deviation >= 0, got %g", fn,
                    sigma);
    CHECK(check_positive(fn, "tau_ms", "time constant (ms)", tau_ms, err));
    cl_rng rng;
    cl_rng_init(&rng, seed, STREAM_OU);
    build b;
    CHECK(build_start(&b, fn, dt, err));
    b.vname = "sigma";
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK) {
        part_begin(&b);
        size_t n = n_indgen(dur_ms, dt);
        int white = tau_ms < 1e-9;
        double mu = exp(-dt / tau_ms);
        double A = sigma * sqrt(1 - mu * mu);
        double x = 0.0, last_t = 0.0;
        for (size_t j = 0; st == CL_OK && j < n; j++) {
            double z = cl_rng_normal(&rng);
            if (white)
                x = z * sigma;
            else if (j > 0)
                x = x * mu + z * A;
            last_t = (double)j * dt;
            st = part_point(&b, last_t, x + mean);
        }
        if (st == CL_OK && n > 0) st = part_point(&b, dur_ms > last_t ? dur_ms : last_t, 0.0);
    }
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}

/* Round half to even, as Python's round() (the default rounding mode). */
static double round_even(double x) { return nearbyint(x); }

/* Shot noise (gen_shotnoise_signal): on indgen(0, dur, dt) times (n samples),
 * events at cumulative sums of exponential intervals of mean 1000/rate ms,
 * kept while < dur, each put at sample round(t/dt) (ties to even) if < n,
 * with amplitude sign(amp_mean) * Gamma(shape = m^2/v, scale = v/m),
 * m = |amp_mean|, v = amp_sd^2 (amp_sd == 0: exactly m). The impulse train
 * E is filtered by the composite autoregression
 *   P_j = a P_{j-1} + b B_{j-1},  B_j = b B_{j-1} + E_{j-1},  P_0 = B_0 = 0,
 * a = exp(-dt/decay), b = exp(-dt/rise), and scaled by
 * A = (a/b - 1)/(a^tp - b^tp), tp = log(R/D)/(R - D), D = -log a, R = -log b,
 * so that one event of amplitude 1 peaks at 1 (the bi-exponential
 * (exp(-t/decay) - exp(-t/rise)) / peak, delayed by one step). Then (dur, 0). */
cl_status cl_wf_shot_noise(double dt, double pre_ms, double dur_ms, double post_ms, double rate_hz,
                           double amp_mean, double amp_sd, double rise_ms, double decay_ms, uint64_t seed,
                           cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_wf_shot_noise";
    CHECK(check_common(fn, dt, pre_ms, dur_ms, post_ms, out, err));
    CHECK(check_positive(fn, "rate_hz", "rate (Hz)", rate_hz, err));
    CHECK(check_finite(fn, "amp_mean", amp_mean, err));
    if (!(amp_sd >= 0) || !isfinite(amp_sd))
        return cl_error_fail(err, CL_EINVAL, "%s: amp_sd: expected a finite standard deviation >= 0, got %g", fn,
                    amp_sd);
    if (amp_mean == 0 && amp_sd > 0)
        return cl_error_fail(err, CL_EINVAL,
                    "%s: amp_mean: expected a nonzero mean when amp_sd > 0 (gamma amplitudes), got %g", fn,
                    amp_mean);
    CHECK(check_positive(fn, "rise_ms", "time constant (ms)", rise_ms, err));
    CHECK(check_positive(fn, "decay_ms", "time constant (ms)", decay_ms, err));
    if (!(rise_ms < decay_ms))
        return cl_error_fail(err, CL_EINVAL, "%s: rise_ms: expected rise_ms < decay_ms = %g, got %g", fn, decay_ms,
                    rise_ms);
    if (!(dur_ms * rate_hz / 1000.0 <= WF_MAX_SAMPLES))
        return cl_error_fail(err, CL_EINVAL, "%s: rate_hz: expected at most %.0f expected events in %g ms, got %g Hz",
                    fn, WF_MAX_SAMPLES, dur_ms, rate_hz);
    double a = exp(-dt / decay_ms), b_ = exp(-dt / rise_ms);
    double D = -log(a), R = -log(b_);
    double tp = log(R / D) / (R - D);
    double Anorm = (a / b_ - 1) / (pow(a, tp) - pow(b_, tp));
    if (!(b_ > 0 && b_ < a && a < 1) || !isfinite(tp) || !isfinite(Anorm) || !(Anorm > 0))
        return cl_error_fail(err, CL_EINVAL,
                    "%s: dt: expected a step that resolves rise_ms = %g and decay_ms = %g "
                    "(0 < exp(-dt/rise) < exp(-dt/decay) < 1), got %g",
                    fn, rise_ms, decay_ms, dt);

    build b;
    CHECK(build_start(&b, fn, dt, err));
    b.vname = "amp_mean";
    cl_status st = part_const(&b, pre_ms, 0.0);
    if (st == CL_OK && dur_ms > 0) {
        part_begin(&b);
        size_t n = n_indgen(dur_ms, dt);
        double *E = calloc(n, sizeof *E);
        if (!E) st = cl_error_fail(err, CL_ENOMEM, "%s: out of memory for %zu samples", fn, n);
        if (st == CL_OK) {
            cl_rng rt, ra;
            cl_rng_init(&rt, seed, STREAM_SHOT_TIMES);
            cl_rng_init(&ra, seed, STREAM_SHOT_AMPS);
            double sign = amp_mean < 0 ? -1.0 : 1.0;
            double m = fabs(amp_mean);
            double var = amp_sd * amp_sd;
            double scale = var / m, shape = m / scale;
            int gamma_ok = var > 0 && isfinite(scale) && scale > 0 && isfinite(shape) && shape > 0;
            if (var > 0 && !gamma_ok)
                st = cl_error_fail(
                    err, CL_EINVAL,
                    "%s: amp_sd: expected amp_sd and amp_mean giving a finite gamma shape and scale, got "
                    "%g (amp_mean %g)",
                    fn, amp_sd, amp_mean);
            double mean_iei = 1000.0 / rate_hz;
            double tev = 0.0;
            size_t count = 0;
            while (st == CL_OK) {
                tev += cl_rng_exponential(&rt) * mean_iei;
                if (!(tev < dur_ms)) break;
                if (++count > (size_t)WF_MAX_SAMPLES) {
                    st = cl_error_fail(err, CL_EINVAL, "%s: rate_hz: expected at most %.0f events, got more at %g Hz",
                              fn, WF_MAX_SAMPLES, rate_hz);
                    break;
                }
                double amp = gamma_ok ? scale * cl_rng_gamma(&ra, shape) : m;
                double idx = round_even(tev / dt);
                if (idx < (double)n) E[(size_t)idx] += sign * amp;
            }
            double P = 0.0, B = 0.0, last_t = 0.0;
            for (size_t j = 0; st == CL_OK && j < n; j++) {
                if (j > 0) {
                    double Pn = a * P + b_ * B;
                    B = b_ * B + E[j - 1];
                    P = Pn;
                }
                last_t = (double)j * dt;
                st = part_point(&b, last_t, P * Anorm);
            }
            if (st == CL_OK) st = part_point(&b, dur_ms > last_t ? dur_ms : last_t, 0.0);
        }
        free(E);
    }
    if (st == CL_OK) st = part_const(&b, post_ms, 0.0);
    return build_finish(&b, st, out);
}
