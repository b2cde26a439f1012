/* Whether a simulation may compute exp inline (cl_exp_fma_,
 * include/cellulab_mech.h): only when this file is built with FMA (as the
 * built-in mechanisms then are), the CPU has FMA and AVX2 (glibc then runs
 * the variant cl_exp_fma_ reproduces) and libm gives the same bits for a
 * spread of arguments: every reduction index, both signs, the magnitudes
 * where its fast path starts and ends, and rates' usual range. Otherwise
 * mechanisms call libm, and results stay NEURON's either way. */
#include <math.h>
#include <string.h>

#include "mech/mech.h"

#ifdef CL_EXP_INLINE
static int same(double x) {
    double a = exp(x), b = cl_exp_fma_(x);
    return memcmp(&a, &b, sizeof a) == 0;
}
#endif

int cl_exp_inline_usable(void) {
#ifdef CL_EXP_INLINE
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("fma") || !__builtin_cpu_supports("avx2")) return 0;
    unsigned long long s = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 4096; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        double u = (double)(s >> 11) * 0x1p-53; /* [0, 1) */
        double span = i % 4 == 0 ? 1400. : i % 4 == 1 ? 40. : i % 4 == 2 ? 1. : 1e-3;
        if (!same((u - 0.5) * span)) return 0;
    }
    for (int k = -2000; k <= 2000; k++) /* every index, near and between the table's points */
        if (!same(k * 0x1.62e42fefa39efp-8) || !same(k * 0x1.62e42fefa39efp-8 + 1e-3)) return 0;
    static const double edge[] = {0x1p-54, -0x1p-54, 0x1.fffffffffffffp-55, 511.9, -511.9, 700., -700., 0.};
    for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++)
        if (!same(edge[i])) return 0;
    return 1;
#else
    return 0;
#endif
}
