/* RANDOM streams (cellulab_mech.h, cl_ran123_*): the Philox4x32-10 block
 * against Random123's own philox4x32 (Debian's librandom123-dev) and its
 * published known-answer vectors, and the nrnran123 stream rules (counter
 * layout, 4 words per block, seq advance and wrap, setseq's 34-bit form)
 * against a stream kept with Random123 directly as NEURON 8.2's
 * nrnran123.cpp keeps it. The draws NEURON itself makes are compared by the
 * oracle test oracle_ran123 (tests/oracle/ran123_compare.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include <Random123/philox.h>

#include "cellulab.h"
#include "cellulab_mech.h"

/* Random123 1.09 kat_vectors, philox4x32 10 rounds: ctr, key, expected. */
static void test_kat(void **state) {
    (void)state;
    static const cl_u32_ kat[3][10] = {
        {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
         0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
         0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}};
    for (int k = 0; k < 3; k++) {
        cl_u32_ out[4];
        cl_philox4x32_10(kat[k], kat[k] + 4, out);
        for (int j = 0; j < 4; j++) assert_int_equal(out[j], kat[k][6 + j]);
    }
}

/* Many counters and keys: the same block as the library's. */
static void test_library(void **state) {
    (void)state;
    uint64_t x = 88172645463325252ull; /* xorshift64 for varied inputs */
    for (int n = 0; n < 100000; n++) {
        cl_u32_ w[6];
        for (int j = 0; j < 6; j++) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            w[j] = (cl_u32_)(x >> 16);
        }
        philox4x32_ctr_t c = {{w[0], w[1], w[2], w[3]}};
        philox4x32_key_t k = {{w[4], w[5]}};
        philox4x32_ctr_t r = philox4x32(c, k);
        cl_u32_ out[4];
        cl_philox4x32_10(w, w + 4, out);
        for (int j = 0; j < 4; j++) assert_int_equal(out[j], r.v[j]);
    }
}

/* A stream as nrnran123.cpp keeps it (counter {seq, id3, id1, id2}, key
 * {globalindex, 0}, a cached block, which_). */
typedef struct { philox4x32_ctr_t c, r; int which; philox4x32_key_t k; } ref_stream;
static void ref_setseq(ref_stream *s, uint32_t seq, int which) {
    s->which = which > 3 || which < 0 ? 0 : which;
    s->c.v[0] = seq;
    s->r = philox4x32(s->c, s->k);
}
static uint32_t ref_ipick(ref_stream *s) {
    uint32_t v = s->r.v[s->which++];
    if (s->which > 3) {
        s->which = 0;
        s->c.v[0]++;
        s->r = philox4x32(s->c, s->k);
    }
    return v;
}

static void test_stream(void **state) {
    (void)state;
    double col[5][2] = {{0}};
    double *st[5] = {col[0], col[1], col[2], col[3], col[4]};
    cl_mech_ctx c = {.ran123_globalindex = 7};
    ref_stream r = {.k = {{7, 0}}};
    r.c.v[1] = 3; r.c.v[2] = 1; r.c.v[3] = 2; /* newstream3(1, 2, 3) */
    ref_setseq(&r, 0, 0);
    cl_ran123_setids(st, 1, 1, 2, 3);
    cl_ran123_setseq(st, 1, 0);
    for (int n = 0; n < 1001; n++) assert_int_equal(cl_ran123_ipick(&c, st, 1), ref_ipick(&r));
    assert_int_equal((int)col[3][1], 250); /* 1001 draws: 250 blocks used, 1 word into the next */
    assert_int_equal((int)col[4][1], 1);
    assert_true(col[0][0] == 0 && col[3][0] == 0); /* instance 0 untouched */
    /* setseq(x) is seq*4 + which */
    cl_ran123_setseq(st, 1, 4.0 * 4294967295.0 + 2);
    ref_setseq(&r, 4294967295u, 2);
    for (int n = 0; n < 9; n++) assert_int_equal(cl_ran123_ipick(&c, st, 1), ref_ipick(&r)); /* wraps to 0 */
    assert_int_equal((int)col[3][1], 1); /* 2 words of 2^32-1, 4 of 0, 3 of 1 */
    assert_int_equal((int)col[4][1], 3);
    /* the transforms: dblpick's (u+1)/(2^32+1), negexp, uniform(a, b) */
    ref_setseq(&r, 5, 0);
    cl_ran123_setseq(st, 1, 20);
    for (int n = 0; n < 50; n++) {
        uint32_t u = ref_ipick(&r);
        double d = ((double)u + 1.0) * (1.0 / 4294967297.0);
        if (n % 3 == 0) assert_true(cl_ran123_uniform(&c, st, 1) == d);
        if (n % 3 == 1) assert_true(cl_ran123_negexp1(&c, st, 1, 2.5) == -log(d) * 2.5);
        if (n % 3 == 2) assert_true(cl_ran123_uniform2(&c, st, 1, -1, 3) == -1 + d * 4);
    }
    /* out-of-range arguments: ids truncated modulo 2^32, bad values 0 */
    cl_ran123_setids(st, 0, -5, 4294967296.0 + 9, NAN);
    assert_true(col[0][0] == 0 && col[1][0] == 9 && col[2][0] == 0);
    cl_ran123_setseq(st, 0, -1);
    assert_true(col[3][0] == 0 && col[4][0] == 0);
}

static void test_sim_globalindex(void **state) {
    (void)state;
    cl_sim *sim = NULL;
    assert_int_equal(cl_sim_new(&sim), CL_OK);
    assert_int_equal(cl_sim_random123_globalindex(sim), 0);
    assert_int_equal(cl_sim_set_random123_globalindex(sim, 4294967295.0), CL_OK);
    assert_int_equal(cl_sim_random123_globalindex(sim), 4294967295u);
    assert_int_equal(cl_sim_set_random123_globalindex(sim, -1), CL_EINVAL);
    assert_int_equal(cl_sim_set_random123_globalindex(sim, 4294967296.0), CL_EINVAL);
    cl_sim_free(sim);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kat), cmocka_unit_test(test_library), cmocka_unit_test(test_stream),
        cmocka_unit_test(test_sim_globalindex)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
