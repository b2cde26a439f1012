/* Seeded random streams for the stochastic stimuli (noise step,
 * Ornstein–Uhlenbeck, shot noise) and anything else that needs reproducible
 * numbers.
 *
 * The generator is Philox4x32-10 (Salmon et al. 2011, Random123): a
 * counter-based generator whose output block is a pure function of
 * (key, counter). The key is the 64-bit seed; the counter holds a 64-bit
 * block index (words 0-1) and a 64-bit stream id (words 2-3), so one seed
 * gives 2^64 independent streams. Every stream yields the same numbers on
 * any machine and in any thread: the state lives in a cl_rng the caller
 * owns, nothing is global.
 *
 * Variates are derived with plain IEEE double arithmetic and libm (log, sqrt,
 * cos, sin, pow), in a fixed order:
 *   uniform     64 random bits -> ((bits >> 11) + 0.5) * 2^-53, in (0, 1)
 *   normal      Box–Muller on two uniforms u1, u2: r = sqrt(-2 log u1),
 *               z1 = r cos(2 pi u2) is returned, z2 = r sin(2 pi u2) is kept
 *               for the next call
 *   exponential -log(u), mean 1
 *   gamma       Marsaglia & Tsang (2000) for shape >= 1; for shape < 1,
 *               gamma(shape + 1) * u^(1/shape) (the same method as
 *               BlueCelluLab's cell/random.py); scale 1
 */
#ifndef CELLULAB_STIM_RNG_H
#define CELLULAB_STIM_RNG_H

#include <stdint.h>

typedef struct cl_rng {
    uint32_t key[2]; /* the seed: low word, high word */
    uint32_t ctr[4]; /* next block: index low, index high, stream low, stream high */
    uint32_t buf[4]; /* the current output block */
    unsigned avail;  /* words of buf not yet used (taken from buf[4 - avail]) */
    int has_spare;   /* a second Box–Muller normal is waiting */
    double spare;
} cl_rng;

/* Start stream `stream` of generator `seed` at its first block. */
void cl_rng_init(cl_rng *r, uint64_t seed, uint64_t stream);

/* The Philox4x32-10 block for (counter, key), as Random123's philox4x32(). */
void cl_rng_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]);

/* The next 32 random bits (words of each block are used in order 0..3). */
uint32_t cl_rng_u32(cl_rng *r);
/* Two words: first << 32 | second. */
uint64_t cl_rng_u64(cl_rng *r);
/* Uniform on the open interval (0, 1), 53-bit resolution. */
double cl_rng_uniform(cl_rng *r);
/* Standard normal. */
double cl_rng_normal(cl_rng *r);
/* Exponential with mean 1. */
double cl_rng_exponential(cl_rng *r);
/* Gamma with the given shape (> 0, finite) and scale 1; NaN for a bad shape. */
double cl_rng_gamma(cl_rng *r, double shape);

#endif
