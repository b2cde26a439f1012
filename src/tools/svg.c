/* SVG figures: a voltage trace over its stimulus, and line-and-marker curves.
 *
 * Axes span the data (time exactly, other axes with a 5 % margin) and carry
 * ticks at 1, 2 or 5 times a power of ten. Non-finite samples are skipped.
 * Long series are thinned per half pixel column to the first, lowest,
 * highest and last sample, which draws the same picture in a small file.
 * Elements the tests look for carry ids: trace-area/trace, stim-area/stim,
 * curve-area/curve/markers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_tools.h"
#include "util/atomic_file.h"

#define BINS_PER_PX 2.0

typedef struct axis { double lo, hi, step; } axis;
typedef struct panel { double x0, y0, w, h; axis ax, ay; } panel;

/* A tick step of 1, 2 or 5 times a power of ten giving about `ticks` ticks. */
static double nice_step(double span, double ticks) {
    double raw = span / ticks, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

/* An axis over [lo, hi] widened by margin * span on each side. Constant data
 * gets a span of 1 % of its value, at least 1. Returns -1 when the span is
 * not a finite positive number (values near the limits of double). */
static int make_axis(double lo, double hi, double margin, double ticks, axis *a) {
    double span = hi - lo;
    if (!(span > 1e-12 * fmax(fabs(lo), fabs(hi)))) {
        double mid = 0.5 * lo + 0.5 * hi, pad = fmax(1.0, 0.01 * fabs(mid));
        lo = mid - pad;
        hi = mid + pad;
    } else {
        lo -= margin * span;
        hi += margin * span;
    }
    span = hi - lo;
    if (!isfinite(span) || !(span > 0)) return -1;
    *a = (axis){lo, hi, nice_step(span, ticks)};
    return 0;
}

static double px(const panel *p, double x) {
    return p->x0 + (x - p->ax.lo) / (p->ax.hi - p->ax.lo) * p->w;
}
static double py(const panel *p, double y) {
    return p->y0 + p->h - (y - p->ay.lo) / (p->ay.hi - p->ay.lo) * p->h;
}

/* A decimal comma from a caller's locale would break the SVG. */
static void put_num(FILE *f, char *buf) {
    for (char *c = buf; *c; c++)
        if (*c == ',') *c = '.';
    fputs(buf, f);
}

/* A coordinate in pixels, two decimals. */
static void put_px(FILE *f, double x) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.2f", x);
    put_num(f, buf);
}

/* Length of the valid UTF-8 sequence at p (XML allows no surrogates or
 * overlong forms), 0 when invalid. */
static size_t utf8_len(const unsigned char *p) {
    unsigned c = p[0], cp;
    size_t len;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1Fu; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0Fu; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07u; }
    else return 0;
    for (size_t k = 1; k < len; k++) { /* a NUL stops here: it is no continuation byte */
        if ((p[k] & 0xC0u) != 0x80u) return 0;
        cp = cp << 6 | (p[k] & 0x3Fu);
    }
    if (len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) return 0;
    if (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) return 0;
    return len;
}

/* Text escaped for XML; bytes XML cannot carry (control characters, invalid
 * UTF-8) become U+FFFD so that the file always parses. */
static void xml_text(FILE *f, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        unsigned c = *p;
        size_t len = c < 0x80 ? 1 : utf8_len(p);
        if (c == '<') fputs("&lt;", f);
        else if (c == '>') fputs("&gt;", f);
        else if (c == '&') fputs("&amp;", f);
        else if (c == '"') fputs("&quot;", f);
        else if (c == '\'') fputs("&#39;", f);
        else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || len == 0) {
            fputs("\xEF\xBF\xBD", f);
            len = 1;
        } else fwrite(p, 1, len, f);
        p += len;
    }
}

static void text(FILE *f, double x, double y, const char *anchor, const char *extra,
                 const char *s) {
    fputs("<text x=\"", f);
    put_px(f, x);
    fputs("\" y=\"", f);
    put_px(f, y);
    fprintf(f, "\" text-anchor=\"%s\"%s>", anchor, extra);
    xml_text(f, s);
    fputs("</text>\n", f);
}

/* A tick label: enough digits to tell neighbouring ticks apart. */
static void tick_label(FILE *f, double x, double y, const char *anchor, const axis *a,
                       double value) {
    double big = fmax(fabs(a->lo), fabs(a->hi));
    int digits = (int)(floor(log10(big)) - floor(log10(a->step))) + 2;
    digits = digits < 6 ? 6 : digits > 17 ? 17 : digits;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, value);
    for (char *c = buf; *c; c++)
        if (*c == ',') *c = '.';
    text(f, x, y, anchor, "", buf);
}

/* Tick values k * step inside the axis; at most 100 (the step gives ~10). */
static long first_tick(const axis *a) { return (long)ceil(a->lo / a->step); }
static int tick_in(const axis *a, long k, long k0) {
    return k - k0 < 100 && (double)k * a->step <= a->hi + a->step * 1e-9;
}

static void grid_line(FILE *f, double x1, double y1, double x2, double y2) {
    fputs("<line x1=\"", f);
    put_px(f, x1);
    fputs("\" y1=\"", f);
    put_px(f, y1);
    fputs("\" x2=\"", f);
    put_px(f, x2);
    fputs("\" y2=\"", f);
    put_px(f, y2);
    fputs("\" stroke=\"#e4e4e4\"/>\n", f);
}

/* Grid, tick labels, y label and frame of a panel; x labels when asked. */
static void draw_panel(FILE *f, const panel *p, const char *id, const char *ylabel,
                       int x_labels) {
    long k0 = first_tick(&p->ay);
    for (long k = k0; tick_in(&p->ay, k, k0); k++) {
        double y = (double)k * p->ay.step, Y = py(p, y);
        grid_line(f, p->x0, Y, p->x0 + p->w, Y);
        tick_label(f, p->x0 - 6, Y + 4, "end", &p->ay, k == 0 ? 0 : y);
    }
    k0 = first_tick(&p->ax);
    for (long k = k0; tick_in(&p->ax, k, k0); k++) {
        double x = (double)k * p->ax.step, X = px(p, x);
        grid_line(f, X, p->y0, X, p->y0 + p->h);
        if (x_labels) tick_label(f, X, p->y0 + p->h + 18, "middle", &p->ax, k == 0 ? 0 : x);
    }
    fprintf(f, "<rect id=\"%s\" x=\"", id);
    put_px(f, p->x0);
    fputs("\" y=\"", f);
    put_px(f, p->y0);
    fputs("\" width=\"", f);
    put_px(f, p->w);
    fputs("\" height=\"", f);
    put_px(f, p->h);
    fputs("\" fill=\"none\" stroke=\"#333\"/>\n", f);
    fputs("<text transform=\"translate(18,", f);
    put_px(f, p->y0 + p->h / 2);
    fputs(") rotate(-90)\" text-anchor=\"middle\">", f);
    xml_text(f, ylabel);
    fputs("</text>\n", f);
}

static void emit(FILE *f, const panel *p, double x, double y) {
    put_px(f, px(p, x));
    fputc(',', f);
    put_px(f, py(p, y));
    fputc(' ', f);
}

static size_t count_finite(const double *x, const double *y, size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) m += isfinite(x[i]) && isfinite(y[i]);
    return m;
}

/* The finite points of a series as a polyline. Beyond 4 points per half
 * pixel column each column keeps its first, lowest, highest and last point,
 * in their original order. */
static void polyline(FILE *f, const panel *p, const char *id, const char *color,
                     const double *x, const double *y, size_t n) {
    double bins = ceil(p->w * BINS_PER_PX) + 1;
    int thin = (double)count_finite(x, y, n) > 4 * bins;
    fprintf(f, "<polyline id=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" "
               "stroke-linejoin=\"round\" points=\"", id, color);
    double bin = 0;
    size_t keep[4];
    int open = 0;
    for (size_t i = 0; i <= n; i++) {
        int more = i < n;
        if (more && (!isfinite(x[i]) || !isfinite(y[i]))) continue;
        if (more && !thin) { emit(f, p, x[i], y[i]); continue; }
        double b = more ? floor((px(p, x[i]) - p->x0) * BINS_PER_PX) : -1;
        if (more && open && b == bin) {
            if (y[i] < y[keep[1]]) keep[1] = i;
            if (y[i] > y[keep[2]]) keep[2] = i;
            keep[3] = i;
            continue;
        }
        if (open) { /* flush the column in index order, each point once */
            for (int a = 1; a < 4; a++)
                for (int c = a; c > 0 && keep[c] < keep[c - 1]; c--) {
                    size_t s = keep[c]; keep[c] = keep[c - 1]; keep[c - 1] = s;
                }
            for (int a = 0; a < 4; a++)
                if (a == 0 || keep[a] != keep[a - 1]) emit(f, p, x[keep[a]], y[keep[a]]);
        }
        open = more;
        bin = b;
        if (more) keep[0] = keep[1] = keep[2] = keep[3] = i;
    }
    fputs("\"/>\n", f);
}

static void svg_open(FILE *f, double w, double h) {
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"13\">\n",
            w, h, w, h);
    fputs("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n", f);
}

static void title_text(FILE *f, double w, const char *title) {
    if (title && *title) text(f, w / 2, 26, "middle", " font-size=\"15\"", title);
}

static void range_of(const double *x, const double *y, size_t n, double *xlo, double *xhi,
                     double *ylo, double *yhi) {
    *xlo = *ylo = INFINITY;
    *xhi = *yhi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) continue;
        *xlo = fmin(*xlo, x[i]); *xhi = fmax(*xhi, x[i]);
        *ylo = fmin(*ylo, y[i]); *yhi = fmax(*yhi, y[i]);
    }
}

static cl_status fail(cl_error *err, cl_status st, const char *fn, const char *what) {
    if (err) snprintf(err->msg, sizeof err->msg, "%s: %s", fn, what);
    return st;
}

/* Common checks of the arguments of both figures. */
static cl_status check_series(const char *fn, const char *path, const double *x, const char *xn,
                              const double *y, const char *yn, size_t n, cl_error *err) {
    char msg[128];
    if (!path) return fail(err, CL_EINVAL, fn, "path: NULL");
    if (n == 0) return fail(err, CL_EINVAL, fn, "n: 0 points (expected at least 1)");
    if (!x || !y) {
        snprintf(msg, sizeof msg, "%s: NULL with n = %zu", !x ? xn : yn, n);
        return fail(err, CL_EINVAL, fn, msg);
    }
    if (count_finite(x, y, n) == 0) {
        snprintf(msg, sizeof msg, "%s, %s: none of the %zu points is finite", xn, yn, n);
        return fail(err, CL_EINVAL, fn, msg);
    }
    return CL_OK;
}

static cl_status write_svg(const char *fn, const char *path, int (*write_fn)(FILE *, void *),
                           void *ctx, cl_error *err) {
    char msg[sizeof err->msg - 64];
    if (cl_write_file_atomic(path, write_fn, ctx, msg, sizeof msg) != 0)
        return fail(err, CL_EIO, fn, msg);
    return CL_OK;
}

/* ---- trace ---------------------------------------------------------------- */

typedef struct trace_fig {
    double w, h;
    const double *t, *v;
    size_t n;
    const double *st, *sv; /* stimulus points inside the time axis */
    size_t sn;
    panel top, bottom;
    const char *title;
} trace_fig;

static int write_trace(FILE *f, void *ctx) {
    const trace_fig *g = ctx;
    svg_open(f, g->w, g->h);
    title_text(f, g->w, g->title);
    draw_panel(f, &g->top, "trace-area", "membrane potential (mV)", g->st == NULL);
    if (g->st) draw_panel(f, &g->bottom, "stim-area", "stimulus (nA)", 1);
    const panel *low = g->st ? &g->bottom : &g->top;
    text(f, low->x0 + low->w / 2, g->h - 14, "middle", "", "time (ms)");
    polyline(f, &g->top, "trace", "#1f5fa8", g->t, g->v, g->n);
    if (g->st) polyline(f, &g->bottom, "stim", "#c0392b", g->st, g->sv, g->sn);
    fputs("</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

/* The stimulus over [lo, hi]: its value at both ends and its points in
 * between (a jump is two points at one time, so it stays vertical). */
static int stim_points(const cl_waveform *w, double lo, double hi, double **st, double **sv,
                       size_t *sn) {
    size_t m = cl_waveform_size(w);
    const double *wt = cl_waveform_times(w), *wv = cl_waveform_values(w);
    *st = malloc((m + 2) * sizeof **st);
    *sv = malloc((m + 2) * sizeof **sv);
    if (!*st || !*sv) return -1;
    size_t k = 0;
    (*st)[k] = lo;
    (*sv)[k++] = m ? cl_waveform_at(w, lo) : 0;
    for (size_t i = 0; i < m; i++)
        if (wt[i] > lo && wt[i] < hi) { (*st)[k] = wt[i]; (*sv)[k++] = wv[i]; }
    (*st)[k] = hi;
    (*sv)[k++] = m ? cl_waveform_at(w, hi) : 0;
    *sn = k;
    return 0;
}

cl_status cl_svg_trace(const char *path, const double *t, const double *v, size_t n,
                       const cl_waveform *stim, const char *title, cl_error *err) {
    static const char fn[] = "cl_svg_trace";
    cl_status st = check_series(fn, path, t, "t", v, "v", n, err);
    if (st != CL_OK) return st;
    const double W = 800, L = 80, R = 20, T = 40, B = 55, gap = 24;
    trace_fig g = {.w = W, .h = stim ? 600 : 450, .t = t, .v = v, .n = n, .title = title};
    double plot_h = g.h - T - B - (stim ? gap : 0);
    double top_h = stim ? round(0.7 * plot_h) : plot_h;
    g.top = (panel){L, T, W - L - R, top_h, {0, 0, 0}, {0, 0, 0}};
    double tlo, thi, vlo, vhi;
    range_of(t, v, n, &tlo, &thi, &vlo, &vhi);
    if (make_axis(tlo, thi, 0, 8, &g.top.ax) || make_axis(vlo, vhi, 0.05, 6, &g.top.ay))
        return fail(err, CL_EINVAL, fn, "t, v: values too large to plot");
    double *sxt = NULL, *sxv = NULL;
    if (stim) {
        g.bottom = (panel){L, T + top_h + gap, W - L - R, plot_h - top_h, g.top.ax, {0, 0, 0}};
        if (stim_points(stim, g.top.ax.lo, g.top.ax.hi, &sxt, &sxv, &g.sn)) {
            free(sxt);
            free(sxv);
            return fail(err, CL_ENOMEM, fn, "out of memory");
        }
        double slo, shi, ulo, uhi;
        range_of(sxt, sxv, g.sn, &slo, &shi, &ulo, &uhi);
        if (!isfinite(ulo) || make_axis(ulo, uhi, 0.1, 3, &g.bottom.ay)) {
            free(sxt);
            free(sxv);
            return fail(err, CL_EINVAL, fn, "stim: values too large to plot");
        }
        g.st = sxt;
        g.sv = sxv;
    }
    st = write_svg(fn, path, write_trace, &g, err);
    free(sxt);
    free(sxv);
    return st;
}

/* ---- curve ---------------------------------------------------------------- */

typedef struct curve_fig {
    double w, h;
    const double *x, *y;
    size_t n;
    panel p;
    const char *title, *xlabel, *ylabel;
} curve_fig;

static int write_curve(FILE *f, void *ctx) {
    const curve_fig *g = ctx;
    svg_open(f, g->w, g->h);
    title_text(f, g->w, g->title);
    draw_panel(f, &g->p, "curve-area", g->ylabel, 1);
    text(f, g->p.x0 + g->p.w / 2, g->h - 14, "middle", "", g->xlabel ? g->xlabel : "");
    polyline(f, &g->p, "curve", "#1f5fa8", g->x, g->y, g->n);
    fputs("<g id=\"markers\" fill=\"#1f5fa8\" stroke=\"white\">\n", f);
    for (size_t i = 0; i < g->n; i++) {
        if (!isfinite(g->x[i]) || !isfinite(g->y[i])) continue;
        fputs("<circle cx=\"", f);
        put_px(f, px(&g->p, g->x[i]));
        fputs("\" cy=\"", f);
        put_px(f, py(&g->p, g->y[i]));
        fputs("\" r=\"4\"/>\n", f);
    }
    fputs("</g>\n</svg>\n", f);
    return ferror(f) ? -1 : 0;
}

cl_status cl_svg_curve(const char *path, const double *x, const double *y, size_t n,
                       const char *title, const char *xlabel, const char *ylabel, cl_error *err) {
    static const char fn[] = "cl_svg_curve";
    cl_status st = check_series(fn, path, x, "x", y, "y", n, err);
    if (st != CL_OK) return st;
    const double W = 640, H = 480, L = 80, R = 24, T = 40, B = 55;
    curve_fig g = {.w = W, .h = H, .x = x, .y = y, .n = n, .title = title, .xlabel = xlabel,
                   .ylabel = ylabel};
    g.p = (panel){L, T, W - L - R, H - T - B, {0, 0, 0}, {0, 0, 0}};
    double xlo, xhi, ylo, yhi;
    range_of(x, y, n, &xlo, &xhi, &ylo, &yhi);
    if (make_axis(xlo, xhi, 0.05, 6, &g.p.ax) || make_axis(ylo, yhi, 0.05, 6, &g.p.ay))
        return fail(err, CL_EINVAL, fn, "x, y: values too large to plot");
    return write_svg(fn, path, write_curve, &g, err);
}
