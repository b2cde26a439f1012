/* Discretisation rules: fixed nseg, NEURON's d_lambda rule (stdlib.hoc's
 * lambda_f, NEURON 8.2.2), bmtk's maximum segment length and the BBP 40 µm
 * rule. Uses only the public API. */
#include <math.h>
#include <stddef.h>

#include "cellulab.h"
#include "cellulab_morph.h"

#define CL_HOC_PI 3.14159265358979323846

/* stdlib.hoc:
 *   if (cm == 0) return 1e10
 *   if (n3d() < 2) return 1e5*sqrt(diam/(4*PI*$1*Ra*cm))
 *   lam = sum (arc3d(i)-arc3d(i-1))/sqrt(diam3d(i-1)+diam3d(i))
 *   lam *= sqrt(2) * 1e-5*sqrt(4*PI*$1*Ra*cm)
 *   return L/lam
 * arc3d as nrn_pt3dmodified: float coordinate differences, double sums. */
cl_status cl_section_lambda_f(cl_sim *sim, cl_section sec, double freq_hz, double Ra,
                              double *out) {
    if (!out || !(freq_hz > 0) || !isfinite(freq_hz) || !(Ra > 0) || !isfinite(Ra))
        return CL_EINVAL;
    double cm, L;
    size_t n;
    cl_status st;
    if ((st = cl_section_get_at(sim, sec, 0.5, "cm", &cm)) != CL_OK) return st;
    if ((st = cl_section_get_L(sim, sec, &L)) != CL_OK) return st;
    if ((st = cl_section_n3d(sim, sec, &n)) != CL_OK) return st;
    if (cm == 0) {
        *out = 1e10;
        return CL_OK;
    }
    if (n < 2) {
        double diam;
        if ((st = cl_section_get_at(sim, sec, 0.5, "diam", &diam)) != CL_OK) return st;
        *out = 1e5 * sqrt(diam / (4 * CL_HOC_PI * freq_hz * Ra * cm));
        return CL_OK;
    }
    double px, py, pz, pd;
    if ((st = cl_section_pt3d(sim, sec, 0, &px, &py, &pz, &pd)) != CL_OK) return st;
    double x1 = 0., d1 = pd, lam = 0.;
    for (size_t i = 1; i < n; i++) {
        if (d1 == 0) return CL_EINVAL;
        double x, y, z, d;
        if ((st = cl_section_pt3d(sim, sec, i, &x, &y, &z, &d)) != CL_OK) return st;
        double t1 = (float)((float)x - (float)px), t2 = (float)((float)y - (float)py),
               t3 = (float)((float)z - (float)pz);
        double x2 = x1 + sqrt(t1 * t1 + t2 * t2 + t3 * t3);
        lam += (x2 - x1) / sqrt(d1 + d);
        x1 = x2;
        d1 = d;
        px = x;
        py = y;
        pz = z;
    }
    lam *= sqrt(2) * 1e-5 * sqrt(4 * CL_HOC_PI * freq_hz * Ra * cm);
    *out = L / lam;
    return CL_OK;
}

cl_status cl_section_nseg_by_rule(cl_sim *sim, cl_section sec, cl_nseg_rule rule, double value,
                                  double freq_hz, double Ra, int *out) {
    if (!out || !isfinite(value)) return CL_EINVAL;
    double L;
    cl_status st;
    if ((st = cl_section_get_L(sim, sec, &L)) != CL_OK) return st;
    double nseg;
    switch (rule) {
    case CL_NSEG_FIXED:
        nseg = trunc(value);
        break;
    case CL_NSEG_DLAMBDA: {
        if (!(value > 0)) return CL_EINVAL;
        double lf;
        if ((st = cl_section_lambda_f(sim, sec, freq_hz, Ra, &lf)) != CL_OK) return st;
        nseg = trunc((L / (value * lf) + 0.9) / 2) * 2 + 1;
        break;
    }
    case CL_NSEG_MAXLEN:
        if (!(value > 0)) return CL_EINVAL;
        nseg = 1 + 2 * trunc(L / (2 * value));
        break;
    case CL_NSEG_BBP40:
        nseg = 1 + 2 * trunc(L / 40.);
        break;
    default:
        return CL_EINVAL;
    }
    if (!(nseg >= 1 && nseg <= 32767)) return CL_EINVAL;
    *out = (int)nseg;
    return CL_OK;
}

cl_status cl_cell_discretize(cl_sim *sim, cl_cell cell, cl_nseg_rule rule, double value,
                             double freq_hz, double Ra) {
    size_t n;
    cl_status st;
    if ((st = cl_cell_section_count(sim, cell, &n)) != CL_OK) return st;
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        int nseg;
        if ((st = cl_cell_section_at(sim, cell, i, &sec)) != CL_OK) return st;
        if ((st = cl_section_nseg_by_rule(sim, sec, rule, value, freq_hz, Ra, &nseg)) != CL_OK)
            return st;
        if ((st = cl_section_set_nseg(sim, sec, nseg)) != CL_OK) return st;
    }
    return CL_OK;
}
