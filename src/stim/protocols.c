/* BlueCelluLab's named protocols (bluecellulab/stimulus/factory.py), with
 * its default timings and percentages:
 *
 *   ap_waveform   Step 250 / 50 / 250 ms, 220 %      (APWaveformTimings)
 *   idrest        Step 250 / 1350 / 250 ms, 200 %    (IDRestTimings)
 *   iv            Step 250 / 3000 / 250 ms, -40 %    (IVTimings)
 *   fire_pattern  Step 250 / 3600 / 250 ms, 200 %    (FirePatternTimings)
 *   pos_cheops    Empty 250, then for r = 4000, 2000, 1333 ms a triangle
 *                 Slope(r, 0 -> A) + Slope(r, A -> 0), the triangles
 *                 separated by Empty 2000, then Empty 250; 300 %
 *                 (PosCheopsTimings; 19166 ms)
 *   neg_cheops    as pos_cheops with A = -threshold * percent / 100,
 *                 Empty 1750 first and r = 3333, 1666, 1111 ms; 300 %
 *                 (NegCheopsTimings; 18220 ms)
 *   sinespec      DelayedZap: Empty 0, Zap 5000 ms, Empty 0; 60 %
 *   step          Step 100 / 500 / 100 ms, 100 %
 *   ramp          Ramp (Slope 0 -> A) 100 / 500 / 100 ms, 220 %
 *
 * factory.py has no default timings for step and ramp (the caller passes
 * them); we use 100 / 500 / 100 ms, the defaults of BlueCelluLab's IV and FI
 * curves (analysis.compute_plot_iv_curve / compute_plot_fi_curve, which
 * build StimulusFactory.step). step has no percentage there (it takes an
 * amplitude), so its default is 100 % (amplitude = threshold); ramp's
 * default percentage is factory.ramp's 220 %.
 *
 * The parts are joined as BlueCelluLab's Stimulus.__add__ (see shapes.c):
 * each part's times shifted by (t + last time) + dt.
 *
 * sinespec, a deliberate difference: BlueCelluLab's Zap evaluates
 *   sin(2 pi (1 + 1/(5.15 - (t - 0.1))) (t - 0.1))
 * with t in ms on np.arange(0, 5000, dt), a formula written for seconds (the
 * BBP SineSpec eCode); with t in ms it divides by zero at t = 5.25 ms (NaN
 * at dt = 0.025) and is a 1 kHz sine after that. We evaluate the same
 * formula with t in seconds (tau = t/1000) on the same sample times: a chirp
 * whose frequency rises from about 1.2 Hz to about 80 Hz over 5 s. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cellulab_tools.h"
#include "util/util.h"

#define WF_MAX_SAMPLES 1e8

typedef enum { K_STEP, K_RAMP, K_CHEOPS, K_ZAP } proto_kind;

typedef struct proto {
    const char *name;
    proto_kind kind;
    double percent;        /* the default percentage */
    double sign;           /* neg_cheops: A = -threshold * percent / 100 */
    double pre, dur, post; /* K_STEP, K_RAMP, K_ZAP */
    double ramp[3], inter; /* K_CHEOPS: pre, the three half-ramps, gap, post */
} proto;

static const proto PROTOCOLS[] = {
    {"ap_waveform", K_STEP, 220.0, 1.0, 250.0, 50.0, 250.0, {0, 0, 0}, 0},
    {"idrest", K_STEP, 200.0, 1.0, 250.0, 1350.0, 250.0, {0, 0, 0}, 0},
    {"iv", K_STEP, -40.0, 1.0, 250.0, 3000.0, 250.0, {0, 0, 0}, 0},
    {"fire_pattern", K_STEP, 200.0, 1.0, 250.0, 3600.0, 250.0, {0, 0, 0}, 0},
    {"pos_cheops", K_CHEOPS, 300.0, 1.0, 250.0, 0.0, 250.0, {4000.0, 2000.0, 1333.0}, 2000.0},
    {"neg_cheops", K_CHEOPS, 300.0, -1.0, 1750.0, 0.0, 250.0, {3333.0, 1666.0, 1111.0}, 2000.0},
    {"sinespec", K_ZAP, 60.0, 1.0, 0.0, 5000.0, 0.0, {0, 0, 0}, 0},
    {"step", K_STEP, 100.0, 1.0, 100.0, 500.0, 100.0, {0, 0, 0}, 0},
    {"ramp", K_RAMP, 220.0, 1.0, 100.0, 500.0, 100.0, {0, 0, 0}, 0},
};

static const char *const PROTOCOL_NAMES[] = {"ap_waveform", "idrest",   "iv",   "fire_pattern", "pos_cheops",
                                             "neg_cheops",  "sinespec", "step", "ramp",         NULL};

const char *const *cl_wf_protocol_names(void) { return PROTOCOL_NAMES; }

static const char FN[] = "cl_wf_protocol";

/* acc + piece as Stimulus.__add__; the piece is freed. */
static cl_status join(cl_waveform *acc, cl_waveform *piece, double dt, cl_error *err) {
    size_t na = cl_waveform_size(acc), np = cl_waveform_size(piece);
    int shift = na > 0;
    double off = shift ? cl_waveform_times(acc)[na - 1] : 0.0;
    const double *t = cl_waveform_times(piece), *y = cl_waveform_values(piece);
    cl_status st = CL_OK;
    cl_error e;
    for (size_t k = 0; st == CL_OK && k < np; k++) {
        st = cl_waveform_append(acc, shift ? (t[k] + off) + dt : t[k], y[k], &e);
        if (st != CL_OK) cl_error_fail(err, st, "%s: %s", FN, e.msg);
    }
    cl_waveform_free(piece);
    return st;
}

/* Empty(d) and Slope(d, a0, a1) alone: the shapes with no pre/post parts. */
static cl_status add_empty(cl_waveform *acc, double dt, double d, cl_error *err) {
    cl_waveform *p = NULL;
    cl_error e;
    cl_status st = cl_wf_step(dt, 0.0, d, 0.0, 0.0, &p, &e);
    if (st != CL_OK) return cl_error_fail(err, st, "%s: %s", FN, e.msg);
    return join(acc, p, dt, err);
}

static cl_status add_slope(cl_waveform *acc, double dt, double d, double a0, double a1, cl_error *err) {
    cl_waveform *p = NULL;
    cl_error e;
    cl_status st = cl_wf_ramp(dt, 0.0, d, 0.0, a0, a1, &p, &e);
    if (st != CL_OK) return cl_error_fail(err, st, "%s: %s", FN, e.msg);
    return join(acc, p, dt, err);
}

static cl_status build_cheops(const proto *p, double dt, double amp, cl_waveform *acc, cl_error *err) {
    cl_status st = add_empty(acc, dt, p->pre, err);
    for (int r = 0; r < 3 && st == CL_OK; r++) {
        if (r > 0) st = add_empty(acc, dt, p->inter, err);
        if (st == CL_OK) st = add_slope(acc, dt, p->ramp[r], 0.0, amp, err);
        if (st == CL_OK) st = add_slope(acc, dt, p->ramp[r], amp, 0.0, err);
    }
    if (st == CL_OK) st = add_empty(acc, dt, p->post, err);
    return st;
}

/* Zap on np.arange(0, dur, dt), the formula in seconds (see the top). */
static cl_status build_zap(const proto *p, double dt, double amp, cl_waveform *acc, cl_error *err) {
    cl_status st = add_empty(acc, dt, p->pre, err);
    if (st != CL_OK) return st;
    cl_waveform *z = NULL;
    cl_error e;
    st = cl_waveform_new(&z, &e);
    if (st != CL_OK) return cl_error_fail(err, st, "%s: %s", FN, e.msg);
    double q = p->dur / dt;
    size_t n = p->dur > 0 ? (q == 0 ? 1 : (size_t)ceil(q)) : 0;
    const double pi = 3.141592653589793; /* np.pi */
    for (size_t j = 0; st == CL_OK && j < n; j++) {
        double t = (double)j * dt;
        double tau = t / 1000.0;
        double y = amp * sin(2.0 * pi * (1.0 + (1.0 / (5.15 - (tau - 0.1)))) * (tau - 0.1));
        st = cl_waveform_append(z, t, y, &e);
        if (st != CL_OK) cl_error_fail(err, st, "%s: %s", FN, e.msg);
    }
    if (st != CL_OK) {
        cl_waveform_free(z);
        return st;
    }
    st = join(acc, z, dt, err);
    if (st == CL_OK) st = add_empty(acc, dt, p->post, err);
    return st;
}

cl_status cl_wf_protocol(const char *name, double dt, double threshold_nA, double percent, cl_waveform **out,
                         cl_error *err) {
    if (!out) return cl_error_fail(err, CL_EINVAL, "%s: out: expected a non-NULL pointer, got NULL", FN);
    *out = NULL;
    if (!name) return cl_error_fail(err, CL_EINVAL, "%s: name: expected a protocol name, got NULL", FN);
    const proto *p = NULL;
    for (size_t i = 0; i < sizeof PROTOCOLS / sizeof PROTOCOLS[0]; i++)
        if (strcmp(PROTOCOLS[i].name, name) == 0) p = &PROTOCOLS[i];
    if (!p)
        return cl_error_fail(err, CL_ENOTFOUND,
                    "%s: name: expected one of ap_waveform, idrest, iv, fire_pattern, pos_cheops, "
                    "neg_cheops, sinespec, step, ramp, got \"%.200s\"",
                    FN, name);
    if (!(dt > 0) || !isfinite(dt))
        return cl_error_fail(err, CL_EINVAL, "%s: dt: expected a finite time step > 0 ms, got %g", FN, dt);
    if (!isfinite(threshold_nA))
        return cl_error_fail(err, CL_EINVAL, "%s: threshold_nA: expected a finite current, got %g", FN, threshold_nA);
    if (!isfinite(percent))
        return cl_error_fail(err, CL_EINVAL, "%s: percent: expected a finite percentage (<= 0: the default), got %g",
                    FN, percent);
    double pct = percent > 0 ? percent : p->percent;
    /* BlueCelluLab: threshold_current * threshold_percentage / 100, negated
     * (exactly) for neg_cheops. */
    double amp = p->sign * (threshold_nA * pct / 100);
    if (!isfinite(amp))
        return cl_error_fail(err, CL_EINVAL,
                    "%s: threshold_nA: expected threshold_nA * percent / 100 finite, got %g * %g", FN,
                    threshold_nA, pct);
    double total = p->kind == K_CHEOPS
                       ? p->pre + 2 * (p->ramp[0] + p->ramp[1] + p->ramp[2]) + 2 * p->inter + p->post
                       : p->pre + p->dur + p->post;
    if (!(total / dt + 16.0 <= WF_MAX_SAMPLES))
        return cl_error_fail(err, CL_EINVAL, "%s: dt: expected a step giving at most %.0f samples for %g ms, got %g",
                    FN, WF_MAX_SAMPLES, total, dt);

    cl_waveform *w = NULL;
    cl_error e;
    cl_status st;
    switch (p->kind) {
    case K_STEP:
        st = cl_wf_step(dt, p->pre, p->dur, p->post, amp, &w, &e);
        if (st != CL_OK) return cl_error_fail(err, st, "%s: %s", FN, e.msg);
        break;
    case K_RAMP:
        st = cl_wf_ramp(dt, p->pre, p->dur, p->post, 0.0, amp, &w, &e);
        if (st != CL_OK) return cl_error_fail(err, st, "%s: %s", FN, e.msg);
        break;
    case K_CHEOPS:
    case K_ZAP:
        st = cl_waveform_new(&w, &e);
        if (st != CL_OK) return cl_error_fail(err, st, "%s: %s", FN, e.msg);
        st = p->kind == K_CHEOPS ? build_cheops(p, dt, amp, w, err) : build_zap(p, dt, amp, w, err);
        if (st != CL_OK) {
            cl_waveform_free(w);
            return st;
        }
        break;
    default:
        return cl_error_fail(err, CL_EINVAL, "%s: name: internal error for \"%s\"", FN, name);
    }
    *out = w;
    return CL_OK;
}
