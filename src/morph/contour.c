/* NEURON Import3d's soma contour → 21 centroid points (contourcenter in
 * import3d_sec.hoc, contour2centroid in import3d_gui.hoc, NEURON 8.2.2).
 *
 * Every step keeps the operation order of the hoc code and of the library
 * routines it calls (Vector.interpolate/sum/dot/indgen, hoc's comparisons
 * with float_epsilon, and Meschach's symmeig for Matrix.symmeig), so the
 * doubles match NEURON's bit for bit. Compile without FMA contraction. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* newlocale, uselocale */
#endif
#include "morph/contour.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NRES 101        /* contourcenter's resampled points */
#define HOC_EPS 1e-11   /* hoc's float_epsilon, used by its comparison operators */
#define HOC_PI 3.14159265358979323846 /* hoc's PI */
#define IND_EPS 1e-9    /* Vector.indgen's rounding slack */
#define MAX_QR 1000     /* the QR loop has no cap in Meschach; NaN would loop forever */

static int fail(char *err, size_t errlen, const char *fmt, ...) {
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return 1;
}

/* Vector.interpolate(xd, xs, ys): piecewise linear, clamped at both ends,
 * skipping source intervals that do not increase. */
static void interpolate(double *yd, const double *xd, size_t nd, const double *xs,
                        const double *ys, size_t ns) {
    size_t id = 0;
    for (; id < nd && xd[id] <= xs[0]; ++id) yd[id] = ys[0];
    for (size_t is = 1; is < ns && id < nd; ++is) {
        if (xs[is] <= xs[is - 1]) continue;
        while (xd[id] <= xs[is]) {
            double thet = (xd[id] - xs[is - 1]) / (xs[is] - xs[is - 1]);
            yd[id] = (1. - thet) * ys[is - 1] + thet * ys[is];
            if (++id >= nd) break;
        }
    }
    for (; id < nd; ++id) yd[id] = ys[ns - 1];
}

/* ---- Meschach symmeig for a 3x3 matrix -----------------------------------
 * Householder tridiagonalisation (Hfactor), its orthogonal matrix (makeHQ),
 * then implicit-shift QR with Givens rotations (trieig). */

/* Householder vector eliminating v[i0+1..]; returns beta, stores the new
 * sub-diagonal value in *newval only when the column is not already zero. */
static double hh_vec(double v[3], int i0, double *newval) {
    double ip = 0.0;
    for (int i = i0; i < 3; i++) ip += v[i] * v[i];
    double norm = sqrt(ip);
    if (norm <= 0.0) return 0.0;
    double beta = 1.0 / (norm * (norm + fabs(v[i0])));
    *newval = v[i0] > 0.0 ? -norm : norm;
    v[i0] -= *newval;
    return beta;
}

static void hfactor(double A[3][3], double diag[2], double beta[2]) {
    for (int k = 0; k < 2; k++) {
        double hh[3] = {A[0][k], A[1][k], A[2][k]};
        int i0 = k + 1;
        beta[k] = hh_vec(hh, i0, &A[i0][k]);
        diag[k] = hh[i0];
        if (beta[k] == 0.0) continue;
        /* hhtrcols: A[i0.., i0..] -= beta hh (hh' A) */
        double w[3] = {0.0, 0.0, 0.0};
        for (int i = i0; i < 3; i++) {
            if (hh[i] == 0.0) continue;
            for (int j = i0; j < 3; j++) w[j] += hh[i] * A[i][j];
        }
        for (int i = i0; i < 3; i++) {
            if (hh[i] == 0.0) continue;
            double s = -beta[k] * hh[i];
            for (int j = i0; j < 3; j++) A[i][j] += s * w[j];
        }
        /* hhtrrows: every row, columns i0.. */
        for (int i = 0; i < 3; i++) {
            double ip = 0.0;
            for (int j = i0; j < 3; j++) ip += A[i][j] * hh[j];
            double scale = beta[k] * ip;
            if (scale == 0.0) continue;
            for (int j = i0; j < 3; j++) A[i][j] += -scale * hh[j];
        }
    }
}

static void make_hq(double H[3][3], const double diag[2], const double beta[2], double Q[3][3]) {
    for (int i = 0; i < 3; i++) {
        double v[3] = {0.0, 0.0, 0.0};
        v[i] = 1.0;
        for (int j = 1; j >= 0; j--) {
            double hh[3] = {H[0][j], H[1][j], H[2][j]};
            int i0 = j + 1;
            hh[i0] = diag[j];
            double ip = 0.0;
            for (int k = i0; k < 3; k++) ip += hh[k] * v[k];
            double scale = beta[j] * ip;
            for (int k = i0; k < 3; k++) v[k] += -scale * hh[k];
        }
        for (int r = 0; r < 3; r++) Q[r][i] = v[r];
    }
}

static void givens(double x, double y, double *c, double *s) {
    double norm = sqrt(x * x + y * y);
    if (norm == 0.0) {
        *c = 1.0;
        *s = 0.0;
    } else {
        *c = x / norm;
        *s = y / norm;
    }
}

/* Q <- Q G for the rotation (c, s) acting on columns i and k. */
static void rot_cols(double Q[3][3], int i, int k, double c, double s) {
    for (int j = 0; j < 3; j++) {
        double t = c * Q[j][i] + s * Q[j][k];
        Q[j][k] = -s * Q[j][i] + c * Q[j][k];
        Q[j][i] = t;
    }
}

/* One Givens step on rows/cols i, i+1 of the tridiagonal (a, b). Meschach
 * tests fabs(c) < sqrt(2), which always holds, so s2 = 1 - c*c. */
static void qr_rotate(double *a, double *b, int i, int i_max, double c, double s, double *z) {
    double c2 = c * c, s2 = 1 - c2, cs = c * s;
    double ak1 = c2 * a[i] + s2 * a[i + 1] - 2 * cs * b[i];
    double bk1 = cs * (a[i] - a[i + 1]) + (c2 - s2) * b[i];
    double ak2 = s2 * a[i] + c2 * a[i + 1] + 2 * cs * b[i];
    double bk2 = (i + 1 < i_max) ? c * b[i + 1] : 0.0;
    *z = (i + 1 < i_max) ? -s * b[i + 1] : 0.0;
    a[i] = ak1;
    a[i + 1] = ak2;
    b[i] = bk1;
    if (i < i_max - 1) b[i + 1] = bk2;
}

static int trieig(double a[3], double b[2], double Q[3][3]) {
    const int n = 3;
    int i_min = 0, iters = 0;
    while (i_min < n) {
        int i_max = n - 1;
        for (int i = i_min; i < n - 1; i++)
            if (b[i] == 0.0) {
                i_max = i;
                break;
            }
        if (i_max <= i_min) {
            i_min = i_max + 1;
            continue;
        }
        int split = 0;
        while (!split) {
            if (++iters > MAX_QR) return 1;
            /* Wilkinson shift */
            double d = (a[i_max - 1] - a[i_max]) / 2;
            double b_sqr = b[i_max - 1] * b[i_max - 1];
            double sg = d >= 0 ? 1 : -1;
            double mu = a[i_max] - b_sqr / (d + sg * sqrt(d * d + b_sqr));
            double c, s, z;
            givens(a[i_min] - mu, b[i_min], &c, &s);
            s = -s;
            qr_rotate(a, b, i_min, i_max, c, s, &z);
            rot_cols(Q, i_min, i_min + 1, c, -s);
            for (int i = i_min + 1; i < i_max; i++) {
                givens(b[i - 1], z, &c, &s);
                s = -s;
                double bk = c * b[i - 1] - s * z;
                qr_rotate(a, b, i, i_max, c, s, &z);
                if (i > i_min) b[i - 1] = bk;
                rot_cols(Q, i, i + 1, c, -s);
            }
            for (int i = i_min; i < i_max; i++)
                if (fabs(b[i]) < DBL_EPSILON * (fabs(a[i]) + fabs(a[i + 1]))) {
                    b[i] = 0.0;
                    split = 1;
                }
        }
    }
    return 0;
}

/* Eigenvalues in ev, eigenvectors in the columns of Q, as Matrix.symmeig. */
static int symmeig3(double M[3][3], double ev[3], double Q[3][3]) {
    double T[3][3], diag[2], beta[2], b[2];
    memcpy(T, M, sizeof T);
    hfactor(T, diag, beta);
    make_hq(T, diag, beta, Q);
    for (int i = 0; i < 2; i++) {
        ev[i] = T[i][i];
        b[i] = T[i][i + 1];
    }
    ev[2] = T[2][2];
    return trieig(ev, b, Q);
}

/* ---- the two sides of the outline ---------------------------------------- */

/* hoc's loop that drops points until the side strictly increases (by more
 * than float_epsilon); note it re-tests index j after a removal. */
static size_t make_increasing(double *d, double *r, size_t n) {
    for (long j = (long)n - 1; j > 0; j--) {
        if (d[j] <= d[j - 1] + HOC_EPS) {
            memmove(d + j, d + j + 1, (n - (size_t)j - 1) * sizeof *d);
            memmove(r + j, r + j + 1, (n - (size_t)j - 1) * sizeof *r);
            n--;
            if ((size_t)j != n) j++;
        }
    }
    return n;
}

static int cmp_double(const void *pa, const void *pb) {
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a > b) - (a < b);
}

/* hoc's sprint("%.8g") (or "%g": digits 6) followed by reading the text back. */
static double round_g(double v, int digits) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    return strtod(buf, NULL);
}

/* contourcenter (import3d_sec.hoc): the outline resampled at 101 points
 * equally spaced along its x-y arc length (the closing difference is
 * computed by hoc but never summed), and their mean. Returns nonzero when
 * out of memory. */
static int contour_center(const double *x, const double *y, const double *z, size_t n, double res[3][NRES],
                          double mean[3]) {
    double *perim = malloc(n * sizeof *perim);
    if (!perim) return 1;
    perim[0] = 0.0;
    for (size_t i = 1; i < n; i++) {
        double dx = x[i] - x[i - 1], dy = y[i] - y[i - 1];
        double ss = 0.0;
        ss += dx * dx;
        ss += dy * dy;
        ss += 0.0 * 0.0;
        perim[i] = perim[i - 1] + sqrt(ss);
    }
    double step = perim[n - 1] / 100;
    double t[NRES];
    for (int i = 0; i < NRES; i++) t[i] = (double)i * step + 0.0;
    interpolate(res[0], t, NRES, perim, x, n);
    interpolate(res[1], t, NRES, perim, y, n);
    interpolate(res[2], t, NRES, perim, z, n);
    free(perim);
    for (int k = 0; k < 3; k++) {
        double s = 0.0;
        for (int i = 0; i < NRES; i++) s += res[k][i];
        mean[k] = s / NRES;
    }
    return 0;
}

static int check_finite(const double *x, const double *y, const double *z, size_t n, char *err, size_t errlen) {
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]) || !isfinite(y[i]) || !isfinite(z[i]))
            return fail(err, errlen, "soma contour point %zu is not finite", i);
    return 0;
}

int cl_contour_center(const double *x, const double *y, const double *z, size_t n, double center[3], char *err,
                      size_t errlen) {
    if (n < 3) return fail(err, errlen, "soma contour has %zu points; need at least 3", n);
    if (check_finite(x, y, z, n, err, errlen)) return 1;
    double res[3][NRES];
    if (contour_center(x, y, z, n, res, center)) return fail(err, errlen, "soma contour: out of memory");
    return 0;
}

int cl_contour_circle(const double *x, const double *y, const double *z, size_t n, double center[3], double *d,
                      char *err, size_t errlen) {
    if (n < 3) return fail(err, errlen, "soma contour has %zu points; need at least 3", n);
    if (check_finite(x, y, z, n, err, errlen)) return 1;
    /* the closed outline's perimeter in 3-D (edgelen: sqrt of sumsq) */
    double perim = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
        double ss = 0.0;
        ss += dx * dx;
        ss += dy * dy;
        ss += dz * dz;
        perim += sqrt(ss);
    }
    double res[3][NRES];
    if (contour_center(x, y, z, n, res, center)) return fail(err, errlen, "soma contour: out of memory");
    /* mean distance of the resampled points from the centre, plus the
     * radius of a circle with that perimeter: hoc calls it a diameter */
    double s = 0;
    for (int i = 0; i < NRES; i++) {
        double a = (res[0][i] - center[0]) * (res[0][i] - center[0]);
        double b = (res[1][i] - center[1]) * (res[1][i] - center[1]);
        double c = (res[2][i] - center[2]) * (res[2][i] - center[2]);
        s += sqrt(a + b + c);
    }
    *d = s / NRES + perim / (2 * HOC_PI);
    return 0;
}

int cl_contour_stack_center(const cl_contour_pts *c, size_t k, double center[3], char *err, size_t errlen) {
    if (k == 0) return fail(err, errlen, "soma stack without contours");
    double(*cen)[3] = malloc(k * sizeof *cen);
    double *lenvec = malloc(k * sizeof *lenvec);
    if (!cen || !lenvec) {
        free(cen);
        free(lenvec);
        return fail(err, errlen, "soma stack: out of memory");
    }
    double len = 0;
    lenvec[0] = 0;
    int rc = 0;
    for (size_t i = 0; i < k && !rc; i++) {
        rc = cl_contour_center(c[i].x, c[i].y, c[i].z, c[i].n, cen[i], err, errlen);
        if (rc || i == 0) continue;
        double ss = 0.0;
        for (int j = 0; j < 3; j++) ss += (cen[i][j] - cen[i - 1][j]) * (cen[i][j] - cen[i - 1][j]);
        len += sqrt(ss);
        lenvec[i] = len;
    }
    if (!rc) {
        /* the point halfway along the polyline of contour centres */
        len = len / 2;
        if (fabs(len) <= HOC_EPS) {
            memcpy(center, cen[0], sizeof cen[0]);
        } else {
            size_t i = 1;
            while (i < k - 1 && !(lenvec[i] > len + HOC_EPS)) i++;
            double th = (len - lenvec[i - 1]) / (lenvec[i] - lenvec[i - 1]);
            for (int j = 0; j < 3; j++) center[j] = th * cen[i][j] + (1 - th) * cen[i - 1][j];
        }
    }
    free(cen);
    free(lenvec);
    return rc;
}

int cl_contour_to_centroid(const double *x, const double *y, const double *z, size_t n,
                           cl_soma_axis axis, double *out_x, double *out_y, double *out_z,
                           double *out_d, char *err, size_t errlen) {
    return cl_contour_to_centroid_digits(x, y, z, n, axis, 8, out_x, out_y, out_z, out_d, err, errlen);
}

int cl_contour_to_centroid_digits(const double *x, const double *y, const double *z, size_t n,
                                  cl_soma_axis axis, int digits, double *out_x, double *out_y, double *out_z,
                                  double *out_d, char *err, size_t errlen) {
    if (digits < 1 || digits > 17) return fail(err, errlen, "soma contour: %d significant digits", digits);
    if (!x || !y || !z || !out_x || !out_y || !out_z || !out_d)
        return fail(err, errlen, "soma contour: null argument");
    if (n < 3) return fail(err, errlen, "soma contour has %zu points; need at least 3", n);
    if (axis != CL_SOMA_AXIS_NEURON8 && axis != CL_SOMA_AXIS_NEURON9)
        return fail(err, errlen, "soma contour: unknown axis mode %d", (int)axis);
    if (check_finite(x, y, z, n, err, errlen)) return 1;

    double res[3][NRES], mean[3];
    if (contour_center(x, y, z, n, res, mean)) return fail(err, errlen, "soma contour: out of memory");
    double pts[3][NRES];
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < NRES; i++) pts[k][i] = res[k][i] - mean[k];

    /* scatter matrix, then its eigenvectors */
    double M[3][3], ev[3], Q[3][3];
    for (int i = 0; i < 3; i++)
        for (int j = i; j < 3; j++) {
            double s = 0.0;
            for (int p = 0; p < NRES; p++) s += pts[i][p] * pts[j][p];
            M[i][j] = M[j][i] = s;
        }
    if (symmeig3(M, ev, Q)) return fail(err, errlen, "soma contour: eigen solver did not converge");
    int imaxe = 0, imine = 0;
    for (int i = 1; i < 3; i++) {
        if (ev[i] > ev[imaxe]) imaxe = i;
        if (ev[i] < ev[imine]) imine = i;
    }
    if (imaxe == imine) return fail(err, errlen, "soma contour is degenerate (no major axis)");
    double major[3], minor[3];
    int imid = 3 - imine - imaxe;
    for (int k = 0; k < 3; k++) {
        major[k] = Q[k][imaxe];
        minor[k] = Q[k][imid];
    }
    if (axis == CL_SOMA_AXIS_NEURON9) {
        /* NEURON 9 turns the major axis so its largest component is positive */
        int ia = 0;
        for (int k = 1; k < 3; k++)
            if (fabs(major[k]) > fabs(major[ia])) ia = k;
        if (major[ia] < 0 - HOC_EPS)
            for (int k = 0; k < 3; k++) major[k] *= -1;
    }
    minor[2] = 0;
    double mmag = 0.0, Mmag = 0.0;
    for (int k = 0; k < 3; k++) {
        mmag += minor[k] * minor[k];
        Mmag += major[k] * major[k];
    }
    mmag = sqrt(mmag);
    Mmag = sqrt(Mmag);
    if (mmag == 0.0 || (axis == CL_SOMA_AXIS_NEURON9 && mmag / (Mmag + 1e-100) < 1e-6 - HOC_EPS))
        return fail(err, errlen, "soma contour: failed to compute the centroid (no minor axis)");
    for (int k = 0; k < 3; k++) minor[k] /= mmag;

    /* position along the major axis and offset along the minor one */
    double d[NRES], rad[NRES];
    for (int i = 0; i < NRES; i++) {
        double sd = 0.0, sr = 0.0;
        for (int k = 0; k < 3; k++) {
            sd += pts[k][i] * major[k];
            sr += pts[k][i] * minor[k];
        }
        d[i] = sd;
        rad[i] = sr;
    }
    /* rotate so the farthest point comes first, then split at the nearest */
    int imax = 0;
    for (int i = 1; i < NRES; i++)
        if (d[i] > d[imax]) imax = i;
    double dr[NRES], rr[NRES];
    for (int i = 0; i < NRES; i++) {
        dr[i] = d[(i + imax) % NRES];
        rr[i] = rad[(i + imax) % NRES];
    }
    int imin = 0;
    for (int i = 1; i < NRES; i++)
        if (dr[i] < dr[imin]) imin = i;
    if (imin == 0) return fail(err, errlen, "soma contour is degenerate (zero extent)");
    double s1[NRES], r1[NRES], s2[NRES], r2[NRES];
    size_t n1 = (size_t)imin, n2 = (size_t)(NRES - imin);
    for (size_t i = 0; i < n1; i++) {
        s1[i] = dr[n1 - 1 - i];
        r1[i] = rr[n1 - 1 - i];
    }
    memcpy(s2, dr + imin, n2 * sizeof *s2);
    memcpy(r2, rr + imin, n2 * sizeof *r2);
    n1 = make_increasing(s1, r1, n1);
    n2 = make_increasing(s2, r2, n2);

    /* 21 positions between the second smallest and second largest */
    double all[2 * NRES];
    size_t na = n1 + n2;
    memcpy(all, s1, n1 * sizeof *all);
    memcpy(all + n1, s2, n2 * sizeof *all);
    qsort(all, na, sizeof *all, cmp_double);
    if (na < 2) return fail(err, errlen, "soma contour is degenerate (too few distinct points)");
    double lo = all[1], hi = all[na - 2];
    double st = (hi - lo) / 20;
    double xn = floor((hi - lo) / st + IND_EPS) + 1.;
    if (!(st != 0.0) || !isfinite(st) || xn != CL_CONTOUR_NPTS)
        return fail(err, errlen, "soma contour is degenerate (zero width along its axis)");
    double pos[CL_CONTOUR_NPTS], ra[CL_CONTOUR_NPTS], rb[CL_CONTOUR_NPTS];
    for (int i = 0; i < CL_CONTOUR_NPTS; i++) pos[i] = (double)i * st + lo;
    interpolate(ra, pos, CL_CONTOUR_NPTS, s1, r1, n1);
    interpolate(rb, pos, CL_CONTOUR_NPTS, s2, r2, n2);

    double px[3][CL_CONTOUR_NPTS], diam[CL_CONTOUR_NPTS];
    for (int i = 0; i < CL_CONTOUR_NPTS; i++) {
        for (int k = 0; k < 3; k++) px[k][i] = major[k] * pos[i] + mean[k];
        diam[i] = fabs(ra[i] - rb[i]);
    }
    /* avoid zero diameters at the ends */
    const int last = CL_CONTOUR_NPTS - 1;
    diam[0] = (diam[0] + diam[1]) / 2;
    diam[last] = (diam[last] + diam[last - 1]) / 2;

    /* the C locale, so a host program's locale cannot change the decimal point */
    locale_t cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = cloc ? uselocale(cloc) : (locale_t)0;
    for (int i = 0; i < CL_CONTOUR_NPTS; i++) {
        out_x[i] = round_g(px[0][i], digits);
        out_y[i] = round_g(px[1][i], digits);
        out_z[i] = round_g(px[2][i], digits);
        out_d[i] = round_g(diam[i], digits);
    }
    if (cloc) {
        uselocale(old);
        freelocale(cloc);
    }
    for (int i = 0; i < CL_CONTOUR_NPTS; i++)
        if (!isfinite(out_x[i]) || !isfinite(out_y[i]) || !isfinite(out_z[i]) || !isfinite(out_d[i]))
            return fail(err, errlen, "soma contour: result is not finite (coordinates too large?)");
    return 0;
}
