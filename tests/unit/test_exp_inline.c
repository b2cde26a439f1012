/* The inline exp (cellulab_mech.h: cl_exp_fma_, cl_hoc_exp_c,
 * cl_hoc_exp_batch) against libm's exp, the function NEURON's hoc_Exp calls:
 * the same bits for every argument tried (random bit patterns over the whole
 * double range, the rates' usual range, every reduction index, the limits
 * of the fast path and hoc_Exp's clamps at +-700, NaN, infinities, zeros,
 * subnormals), one at a time and gathered in groups of every length up to
 * 37 with slow lanes mixed in. Built with FMA when the library is
 * (CELLULAB_FMA); otherwise only the libm path is there to check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>
#include <cmocka.h>

#include "cellulab_mech.h"
#include "mech/mech.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;
static uint64_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* hoc_Exp as NEURON 8.2 defines it, from libm */
static double hoc_exp_ref(double x) {
    if (x < -700.) return 0.;
    if (x > 700.) return exp(700.);
    return exp(x);
}

static int same(double a, double b) { return memcmp(&a, &b, sizeof a) == 0 || (isnan(a) && isnan(b)); }

/* an argument: a raw bit pattern, or uniform over one of a few spans */
static double arg(void) {
    uint64_t u = next();
    double f = (double)(u >> 11) * 0x1p-53 - 0.5;
    switch (u % 6) {
    case 0: { double x; memcpy(&x, &u, sizeof x); return x; }
    case 1: return f * 1600.;
    case 2: return f * 40.;
    case 3: return f * 1e-3;
    case 4: return f * 0x1p-50;
    default: return -0.025 * (f + 0.5) * 10.; /* dt/tau of a rate */
    }
}

static void test_usable(void **state) {
    (void)state;
#ifdef CL_EXP_INLINE
    __builtin_cpu_init();
    if (__builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2")) assert_int_equal(cl_exp_inline_usable(), 1);
#else
    assert_int_equal(cl_exp_inline_usable(), 0);
#endif
}

static const double special[] = {0., -0., 0x1p-54, -0x1p-54, 0x1.fffffffffffffp-55, 0x1p-1074, -0x1p-1022,
                                 511.99, -511.99, 512., -512., 700., -700., 700.0000001, -700.0000001,
                                 709.7, -745.2, 1e308, -1e308, INFINITY, -INFINITY, NAN, 1., -1.};

static void test_scalar(void **state) {
    (void)state;
    cl_mech_ctx c = {.exp_inline = cl_exp_inline_usable()};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
        assert_true(same(cl_hoc_exp_c(&c, special[i]), hoc_exp_ref(special[i])));
    for (int k = -70000; k <= 70000; k++) { /* every reduction index, at and off the table's points */
        double x = k * 0x1.62e42fefa39efp-8 / 10.;
        assert_true(same(cl_hoc_exp_c(&c, x), hoc_exp_ref(x)));
    }
    long bad = 0;
    for (long n = 0; n < 4000000; n++) {
        double x = arg();
        bad += !same(cl_hoc_exp_c(&c, x), hoc_exp_ref(x));
#ifdef CL_EXP_INLINE
        if (c.exp_inline) bad += !same(cl_exp_fma_(x), exp(x));
#endif
    }
    assert_int_equal(bad, 0);
}

static void test_batch(void **state) {
    (void)state;
    for (int inl = 0; inl < 2; inl++) {
        cl_mech_ctx c = {.exp_inline = inl ? cl_exp_inline_usable() : 0};
        double x[37], y[37];
        for (int rep = 0; rep < 20000; rep++) {
            int n = rep % 38;
            for (int i = 0; i < n; i++) {
                x[i] = next() % 7 == 0 ? special[next() % (sizeof special / sizeof special[0])] : arg();
                y[i] = x[i];
            }
            cl_hoc_exp_batch(&c, y, n);
            for (int i = 0; i < n; i++) assert_true(same(y[i], hoc_exp_ref(x[i])));
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usable),
        cmocka_unit_test(test_scalar),
        cmocka_unit_test(test_batch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
