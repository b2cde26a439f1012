/* Spike detection and single-trace features.
 *
 * Definitions (t in ms, v in mV; a "sample" is a pair t[i], v[i]):
 *
 * spike      An upward threshold crossing: v[i-1] < threshold <= v[i]. Its
 *            time is t[i-1] + (threshold - v[i-1]) (t[i] - t[i-1]) /
 *            (v[i] - v[i-1]). A trace that starts at or above threshold has
 *            no crossing there. The spike lasts from sample i up to the first
 *            later sample below threshold (or the end of the trace); its peak
 *            is the largest sample in that stretch (the first, if tied).
 *
 * The features describe the spikes whose crossing time lies in the closed
 * stimulus window [stim_start, stim_end] (eFEL's strict_stiminterval):
 *
 * spike_count             Number of those spikes.
 * mean_frequency_hz       1000 * spike_count / (stim_end - stim_start).
 * first_spike_latency_ms  First crossing time - stim_start; NaN if none.
 * ap_amplitude_mV         Mean over spikes of peak - threshold. The voltage
 *                         at the interpolated crossing is the threshold.
 * half_width_ms           Mean over spikes of (falling - rising) crossing
 *                         time of the level (threshold + peak) / 2, both
 *                         interpolated linearly: the last upward crossing
 *                         before the peak, the first downward one after it.
 *                         Spikes whose trace ends before the fall are left
 *                         out; NaN if none remains.
 * ahp_depth_mV            Mean over consecutive spike pairs of (smallest
 *                         sample between the two crossings - v_rest); NaN
 *                         with fewer than 2 spikes or without v_rest.
 * isi_cv                  Population sd / mean of the intervals between
 *                         consecutive crossing times; NaN if < 2 intervals.
 * v_rest_mV               Mean of the samples with t < stim_start; NaN if
 *                         none.
 *
 * Differences from eFEL features of similar names (efel.readthedocs.io):
 * - Spikecount counts peaks in the whole trace; ours counts crossings inside
 *   the stimulus window (cl_detect_spikes gives the whole trace).
 * - mean_frequency divides by (last spike - stim_start) and uses an open
 *   window; ours divides by the stimulus duration, so a cell that stops
 *   firing early gets a lower rate.
 * - time_to_first_spike uses the time of the first peak; ours the crossing.
 * - ISIs: eFEL uses peak times and drops the first ISI (ignore_first_ISI);
 *   ISI_CV uses the sample sd (n - 1). Ours: crossing times, every interval,
 *   population sd (n).
 * - AP_amplitude is measured from AP_begin (dV/dt > 10 V/s), not from the
 *   threshold; ours is therefore smaller by (threshold - onset voltage).
 * - AP_duration_half_width takes half of that onset-based amplitude and uses
 *   sample indices without interpolation; ours interpolates both crossings.
 * - AHP_depth uses the first minimum after each peak, including the last
 *   spike (up to stim_end), relative to voltage_base (the mean over
 *   [0.9 stim_start, stim_start]); ours is the minimum between consecutive
 *   crossings relative to the mean over all of t < stim_start.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "cellulab_tools.h"
#include "util/util.h"

/* t and v present, finite, t non-decreasing (equal times are allowed: the
 * interpolation formulas then give the shared time). */
static cl_status check_trace(const char *fn, const double *t, const double *v, size_t n,
                             cl_error *err) {
    if (n == 0) return cl_error_fail(err, CL_EINVAL, "%s: n: 0 samples (expected at least 1)", fn);
    if (!t) return cl_error_fail(err, CL_EINVAL, "%s: t: NULL with n = %zu", fn, n);
    if (!v) return cl_error_fail(err, CL_EINVAL, "%s: v: NULL with n = %zu", fn, n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]))
            return cl_error_fail(err, CL_EINVAL, "%s: t: not finite at index %zu (%g)", fn, i, t[i]);
        if (!isfinite(v[i]))
            return cl_error_fail(err, CL_EINVAL, "%s: v: not finite at index %zu (%g)", fn, i, v[i]);
        if (i > 0 && t[i] < t[i - 1])
            return cl_error_fail(err, CL_EINVAL, "%s: t: not increasing at index %zu (%g after %g)", fn, i,
                        t[i], t[i - 1]);
    }
    return CL_OK;
}

/* The time where the segment (t0, v0)-(t1, v1) reaches level. */
static double cross_time(double t0, double v0, double t1, double v1, double level) {
    if (v1 == v0) return t0;
    return t0 + (level - v0) * (t1 - t0) / (v1 - v0);
}

/* The next crossing at or after sample `from` (>= 1): the index of its first
 * sample at or above threshold, or n when there is none. */
static size_t next_crossing(const double *v, size_t n, double threshold, size_t from) {
    for (size_t i = from; i < n; i++)
        if (v[i - 1] < threshold && v[i] >= threshold) return i;
    return n;
}

cl_status cl_detect_spikes(const double *t, const double *v, size_t n, double threshold,
                           double *times, size_t cap, size_t *count, cl_error *err) {
    static const char fn[] = "cl_detect_spikes";
    cl_status st = check_trace(fn, t, v, n, err);
    if (st != CL_OK) return st;
    if (!isfinite(threshold))
        return cl_error_fail(err, CL_EINVAL, "%s: threshold: %g (expected a finite voltage)", fn, threshold);
    if (!count) return cl_error_fail(err, CL_EINVAL, "%s: count: NULL", fn);
    if (!times && cap > 0) return cl_error_fail(err, CL_EINVAL, "%s: times: NULL with cap = %zu", fn, cap);
    size_t found = 0;
    for (size_t i = next_crossing(v, n, threshold, 1); i < n;
         i = next_crossing(v, n, threshold, i + 1)) {
        if (found < cap) times[found] = cross_time(t[i - 1], v[i - 1], t[i], v[i], threshold);
        found++;
    }
    *count = found;
    return CL_OK;
}

/* Running mean and sum of squared deviations (Welford), for the ISIs. */
typedef struct running { size_t n; double mean, m2; } running;

static void running_add(running *r, double x) {
    r->n++;
    double d = x - r->mean;
    r->mean += d / (double)r->n;
    r->m2 += d * (x - r->mean);
}

cl_status cl_spike_features_compute(const double *t, const double *v, size_t n, double threshold,
                                    double stim_start, double stim_end, cl_spike_features *out,
                                    cl_error *err) {
    static const char fn[] = "cl_spike_features_compute";
    cl_status st = check_trace(fn, t, v, n, err);
    if (st != CL_OK) return st;
    if (!isfinite(threshold))
        return cl_error_fail(err, CL_EINVAL, "%s: threshold: %g (expected a finite voltage)", fn, threshold);
    if (!isfinite(stim_start) || !isfinite(stim_end) || !(stim_start < stim_end))
        return cl_error_fail(err, CL_EINVAL,
                    "%s: stimulus window [%g, %g] (expected finite stim_start < stim_end)", fn,
                    stim_start, stim_end);
    if (!out) return cl_error_fail(err, CL_EINVAL, "%s: out: NULL", fn);

    double rest_sum = 0;
    size_t rest_n = 0;
    for (size_t i = 0; i < n && t[i] < stim_start; i++, rest_n++) rest_sum += v[i];
    double v_rest = rest_n ? rest_sum / (double)rest_n : NAN;

    size_t count = 0, widths = 0, prev_end = 0;
    double first = NAN, prev_time = 0, amp_sum = 0, width_sum = 0, ahp_sum = 0;
    running isi = {0, 0, 0};
    for (size_t i = next_crossing(v, n, threshold, 1); i < n;
         i = next_crossing(v, n, threshold, i + 1)) {
        double tc = cross_time(t[i - 1], v[i - 1], t[i], v[i], threshold);
        if (tc < stim_start) continue;
        if (tc > stim_end) break;
        size_t peak = i, end = i + 1;
        for (; end < n && v[end] >= threshold; end++)
            if (v[end] > v[peak]) peak = end;
        amp_sum += v[peak] - threshold;

        double half = 0.5 * threshold + 0.5 * v[peak]; /* >= threshold, cannot overflow */
        size_t r = peak, f = peak + 1;
        while (v[r - 1] >= half) r--; /* stops at r >= i: v[i-1] < threshold <= half */
        while (f < n && v[f] >= half) f++;
        if (f < n) {
            width_sum += cross_time(t[f - 1], v[f - 1], t[f], v[f], half) -
                         cross_time(t[r - 1], v[r - 1], t[r], v[r], half);
            widths++;
        }

        if (count == 0) {
            first = tc;
        } else {
            running_add(&isi, tc - prev_time);
            /* The minimum lies after the previous spike fell below threshold. */
            double vmin = v[prev_end];
            for (size_t k = prev_end; k < i; k++) vmin = fmin(vmin, v[k]);
            ahp_sum += vmin - v_rest;
        }
        count++;
        prev_time = tc;
        prev_end = end; /* a later crossing implies end < n */
    }

    out->spike_count = count;
    out->mean_frequency_hz = 1000.0 * (double)count / (stim_end - stim_start);
    out->first_spike_latency_ms = count ? first - stim_start : NAN;
    out->ap_amplitude_mV = count ? amp_sum / (double)count : NAN;
    out->half_width_ms = widths ? width_sum / (double)widths : NAN;
    out->ahp_depth_mV = count >= 2 ? ahp_sum / (double)(count - 1) : NAN;
    out->isi_cv = isi.n >= 2 ? sqrt(isi.m2 / (double)isi.n) / isi.mean : NAN;
    out->v_rest_mV = v_rest;
    return CL_OK;
}

cl_status cl_trace_mean(const double *t, const double *v, size_t n, double t0, double t1,
                        double *out, cl_error *err) {
    static const char fn[] = "cl_trace_mean";
    cl_status st = check_trace(fn, t, v, n, err);
    if (st != CL_OK) return st;
    if (!isfinite(t0) || !isfinite(t1) || t0 > t1)
        return cl_error_fail(err, CL_EINVAL, "%s: window [%g, %g] (expected finite t0 <= t1)", fn, t0, t1);
    if (!out) return cl_error_fail(err, CL_EINVAL, "%s: out: NULL", fn);
    double sum = 0;
    size_t m = 0;
    for (size_t i = 0; i < n && t[i] <= t1; i++)
        if (t[i] >= t0) { sum += v[i]; m++; }
    if (m == 0)
        return cl_error_fail(err, CL_EINVAL, "%s: window [%g, %g] holds no sample (the trace spans [%g, %g])",
                    fn, t0, t1, t[0], t[n - 1]);
    *out = sum / (double)m;
    return CL_OK;
}
