/* Philox4x32-10 streams and the variates derived from them; see rng.h. */
#include "stim/rng.h"

#include <math.h>

#include <Random123/philox.h>

void cl_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    philox4x32_ctr_t c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    philox4x32_key_t k = {{key[0], key[1]}};
    philox4x32_ctr_t o = philox4x32(c, k);
    for (int i = 0; i < 4; i++) out[i] = o.v[i];
}

void cl_rng_init(cl_rng *r, uint64_t seed, uint64_t stream) {
    r->key[0] = (uint32_t)(seed & 0xffffffffu);
    r->key[1] = (uint32_t)(seed >> 32);
    r->ctr[0] = 0;
    r->ctr[1] = 0;
    r->ctr[2] = (uint32_t)(stream & 0xffffffffu);
    r->ctr[3] = (uint32_t)(stream >> 32);
    r->buf[0] = r->buf[1] = r->buf[2] = r->buf[3] = 0;
    r->avail = 0;
    r->has_spare = 0;
    r->spare = 0.0;
}

/* Fill buf from the current counter, then advance the 64-bit block index. */
static void refill(cl_rng *r) {
    cl_rng_philox4x32(r->ctr, r->key, r->buf);
    r->avail = 4;
    if (++r->ctr[0] == 0) ++r->ctr[1];
}

uint32_t cl_rng_u32(cl_rng *r) {
    if (r->avail == 0) refill(r);
    uint32_t x = r->buf[4 - r->avail];
    r->avail--;
    return x;
}

uint64_t cl_rng_u64(cl_rng *r) {
    uint64_t hi = cl_rng_u32(r);
    uint64_t lo = cl_rng_u32(r);
    return (hi << 32) | lo;
}

double cl_rng_uniform(cl_rng *r) {
    /* 53 bits, centred in their cell: never 0, never 1. */
    uint64_t bits = cl_rng_u64(r) >> 11;
    return ((double)bits + 0.5) * 0x1p-53;
}

double cl_rng_normal(cl_rng *r) {
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1 = cl_rng_uniform(r);
    double u2 = cl_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    double ang = 2.0 * 3.14159265358979323846 * u2;
    r->spare = rad * sin(ang);
    r->has_spare = 1;
    return rad * cos(ang);
}

double cl_rng_exponential(cl_rng *r) { return -log(cl_rng_uniform(r)); }

/* Marsaglia & Tsang (2000), "A simple method for generating gamma
 * variables", for shape >= 1; acceptance is above 95 % per try. */
static double gamma_ge1(cl_rng *r, double shape) {
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = cl_rng_normal(r);
        double v = 1.0 + c * x;
        if (v <= 0.0) continue;
        v = v * v * v;
        double u = cl_rng_uniform(r);
        double x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2) return d * v;
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) return d * v;
    }
}

double cl_rng_gamma(cl_rng *r, double shape) {
    if (!(shape > 0.0) || !isfinite(shape)) return NAN;
    if (shape >= 1.0) return gamma_ge1(r, shape);
    /* shape < 1: G(shape) = G(shape + 1) * U^(1/shape). */
    double g = gamma_ge1(r, shape + 1.0);
    double u = cl_rng_uniform(r);
    return g * pow(u, 1.0 / shape);
}
