/* The waveform value type: points (t_k, y_k) with non-decreasing, finite t
 * and finite y, read as a piecewise-linear function (cellulab_tools.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_tools.h"
#include "util/util.h"

/* The most points one waveform may hold (1.6 GB of times and values). */
#define WF_MAX_POINTS ((size_t)100000000)

struct cl_waveform {
    double *t;
    double *y;
    size_t n;
    size_t cap;
};

/* Room for at least need points; the two arrays are grown one after the
 * other, so a failure leaves a consistent (possibly larger) t. */
static int wf_reserve(cl_waveform *w, size_t need) {
    if (need <= w->cap) return 0;
    if (need > WF_MAX_POINTS) return -1;
    size_t ncap = w->cap ? w->cap : 16;
    while (ncap < need) ncap = ncap > WF_MAX_POINTS / 2 ? WF_MAX_POINTS : ncap * 2;
    double *nt = realloc(w->t, ncap * sizeof *nt);
    if (!nt) return -1;
    w->t = nt;
    double *ny = realloc(w->y, ncap * sizeof *ny);
    if (!ny) return -1;
    w->y = ny;
    w->cap = ncap;
    return 0;
}

cl_status cl_waveform_new(cl_waveform **out, cl_error *err) {
    if (!out) return cl_error_fail(err, CL_EINVAL, "cl_waveform_new: out: expected a non-NULL pointer, got NULL");
    *out = calloc(1, sizeof **out);
    if (!*out) return cl_error_fail(err, CL_ENOMEM, "cl_waveform_new: out of memory");
    return CL_OK;
}

cl_status cl_waveform_from_arrays(const double *t, const double *y, size_t n, cl_waveform **out,
                                  cl_error *err) {
    static const char fn[] = "cl_waveform_from_arrays";
    if (!out) return cl_error_fail(err, CL_EINVAL, "%s: out: expected a non-NULL pointer, got NULL", fn);
    *out = NULL;
    if (n > 0 && !t) return cl_error_fail(err, CL_EINVAL, "%s: t: expected %zu times, got NULL", fn, n);
    if (n > 0 && !y) return cl_error_fail(err, CL_EINVAL, "%s: y: expected %zu values, got NULL", fn, n);
    if (n > WF_MAX_POINTS)
        return cl_error_fail(err, CL_EINVAL, "%s: n: expected at most %zu points, got %zu", fn, WF_MAX_POINTS, n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]))
            return cl_error_fail(err, CL_EINVAL, "%s: t[%zu]: expected a finite time, got %g", fn, i, t[i]);
        if (i > 0 && t[i] < t[i - 1])
            return cl_error_fail(err, CL_EINVAL, "%s: t[%zu]: expected a time >= t[%zu] = %g, got %g", fn, i, i - 1,
                           t[i - 1], t[i]);
        if (!isfinite(y[i]))
            return cl_error_fail(err, CL_EINVAL, "%s: y[%zu]: expected a finite value, got %g", fn, i, y[i]);
    }
    cl_waveform *w = calloc(1, sizeof *w);
    if (!w || wf_reserve(w, n) != 0) {
        cl_waveform_free(w);
        return cl_error_fail(err, CL_ENOMEM, "%s: out of memory for %zu points", fn, n);
    }
    if (n > 0) {
        memcpy(w->t, t, n * sizeof *t);
        memcpy(w->y, y, n * sizeof *y);
    }
    w->n = n;
    *out = w;
    return CL_OK;
}

void cl_waveform_free(cl_waveform *w) {
    if (!w) return;
    free(w->t);
    free(w->y);
    free(w);
}

size_t cl_waveform_size(const cl_waveform *w) { return w ? w->n : 0; }

const double *cl_waveform_times(const cl_waveform *w) { return w ? w->t : NULL; }

const double *cl_waveform_values(const cl_waveform *w) { return w ? w->y : NULL; }

cl_status cl_waveform_append(cl_waveform *w, double t, double y, cl_error *err) {
    static const char fn[] = "cl_waveform_append";
    if (!w) return cl_error_fail(err, CL_EINVAL, "%s: w: expected a waveform, got NULL", fn);
    if (!isfinite(t)) return cl_error_fail(err, CL_EINVAL, "%s: t: expected a finite time, got %g", fn, t);
    if (w->n > 0 && t < w->t[w->n - 1])
        return cl_error_fail(err, CL_EINVAL, "%s: t: expected a time >= the last time %g, got %g", fn,
                       w->t[w->n - 1], t);
    if (!isfinite(y)) return cl_error_fail(err, CL_EINVAL, "%s: y: expected a finite value, got %g", fn, y);
    if (w->n >= WF_MAX_POINTS)
        return cl_error_fail(err, CL_EINVAL, "%s: w: expected fewer than %zu points, got %zu", fn, WF_MAX_POINTS,
                       w->n);
    if (wf_reserve(w, w->n + 1) != 0) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", fn);
    w->t[w->n] = t;
    w->y[w->n] = y;
    w->n++;
    return CL_OK;
}

/* Index of the last point with t_k <= t (n - 1 at most); t >= t_0 and n > 0. */
static size_t last_at_or_before(const cl_waveform *w, double t) {
    size_t lo = 0, hi = w->n; /* invariant: t_lo <= t, and t_hi > t or hi == n */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->t[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double cl_waveform_at(const cl_waveform *w, double t) {
    if (!w || w->n == 0) return 0.0;
    if (isnan(t)) return NAN;
    if (t < w->t[0]) return w->y[0];
    size_t k = last_at_or_before(w, t);
    if (k == w->n - 1) return w->y[k];
    /* t_k <= t < t_{k+1}, so t_{k+1} > t_k: no division by zero. NEURON's
     * interpolation (VecPlayContinuous::interpolate): x0 + (x1 - x0) * th. */
    double t0 = w->t[k], t1 = w->t[k + 1], x0 = w->y[k], x1 = w->y[k + 1];
    double th = (t - t0) / (t1 - t0);
    return x0 + (x1 - x0) * th;
}

/* The value of w just before t (the first point at t if w has points there,
 * else the interpolated value) and at t (cl_waveform_at); *i advances past
 * w's points at t. */
static void values_at(const cl_waveform *w, size_t *i, double t, double *left, double *right) {
    if (*i < w->n && w->t[*i] == t) {
        *left = w->y[*i];
        while (*i < w->n && w->t[*i] == t) (*i)++;
        *right = w->y[*i - 1];
    } else {
        *left = *right = cl_waveform_at(w, t);
    }
}

cl_status cl_waveform_sum(const cl_waveform *a, const cl_waveform *b, cl_waveform **out, cl_error *err) {
    static const char fn[] = "cl_waveform_sum";
    if (!out) return cl_error_fail(err, CL_EINVAL, "%s: out: expected a non-NULL pointer, got NULL", fn);
    *out = NULL;
    if (!a) return cl_error_fail(err, CL_EINVAL, "%s: a: expected a waveform, got NULL", fn);
    if (!b) return cl_error_fail(err, CL_EINVAL, "%s: b: expected a waveform, got NULL", fn);
    cl_waveform *w = calloc(1, sizeof *w);
    if (!w) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", fn);
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        double t;
        if (i < a->n && j < b->n)
            t = a->t[i] < b->t[j] ? a->t[i] : b->t[j];
        else
            t = i < a->n ? a->t[i] : b->t[j];
        double la, ra, lb, rb;
        values_at(a, &i, t, &la, &ra);
        values_at(b, &j, t, &lb, &rb);
        double left = la + lb, right = ra + rb;
        /* A jump in either input stays a jump: two points at t. */
        int two = left != right;
        if (!isfinite(left) || !isfinite(right)) {
            cl_waveform_free(w);
            return cl_error_fail(err, CL_EINVAL, "%s: a: expected a + b to be finite, got %g at t = %g ms", fn,
                           isfinite(left) ? right : left, t);
        }
        if (w->n + 1 + (size_t)two > WF_MAX_POINTS) {
            cl_waveform_free(w);
            return cl_error_fail(err, CL_EINVAL, "%s: a: expected at most %zu points in the sum, got more", fn,
                           WF_MAX_POINTS);
        }
        if (wf_reserve(w, w->n + 1 + (size_t)two) != 0) {
            cl_waveform_free(w);
            return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", fn);
        }
        w->t[w->n] = t;
        w->y[w->n] = left;
        w->n++;
        if (two) {
            w->t[w->n] = t;
            w->y[w->n] = right;
            w->n++;
        }
    }
    *out = w;
    return CL_OK;
}

cl_status cl_waveform_scale(cl_waveform *w, double factor, cl_error *err) {
    static const char fn[] = "cl_waveform_scale";
    if (!w) return cl_error_fail(err, CL_EINVAL, "%s: w: expected a waveform, got NULL", fn);
    if (!isfinite(factor))
        return cl_error_fail(err, CL_EINVAL, "%s: factor: expected a finite number, got %g", fn, factor);
    for (size_t k = 0; k < w->n; k++)
        if (!isfinite(w->y[k] * factor))
            return cl_error_fail(
                err, CL_EINVAL,
                "%s: factor: expected a factor keeping values finite, got %g (value %g at t = %g ms)", fn,
                factor, w->y[k], w->t[k]);
    for (size_t k = 0; k < w->n; k++) w->y[k] *= factor;
    return CL_OK;
}
