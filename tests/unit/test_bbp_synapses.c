/* Blue Brain synapse rules of the network (network_bbp_synapses.c), values
 * derived by hand from their definitions (BlueCelluLab / neurodamus) and
 * from RFC 1321's test suite, and bad edge rows as clear errors. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab.h"
#include "cellulab_memcircuit.h"
#include "cellulab_network.h"
#include "fixtures.h"

#define MORPH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Pvalb_470522102_m.swc"

static void ok(cl_status st, const cl_error *e) {
    if (st) fail_msg("%s", e->msg);
}

static void hex(const char *text, size_t n, const char *want) {
    unsigned char d[16];
    char got[33];
    cl_bbp_md5(text, n, d);
    for (int i = 0; i < 16; i++) snprintf(got + 2 * i, 3, "%02x", d[i]);
    assert_string_equal(got, want);
}

/* RFC 1321 appendix A.5; the 80-byte one takes two padded blocks, the
 * 56-byte boundary one ("a" * 56) a second block of padding only */
static void test_md5(void **state) {
    (void)state;
    hex("", 0, "d41d8cd98f00b204e9800998ecf8427e");
    hex("abc", 3, "900150983cd24fb0d6963f7d28e17f72");
    hex("message digest", 14, "f96b697d7cb7938d525a2f31aaf161d0");
    const char *digits = "12345678901234567890123456789012345678901234567890123456789012345678901234567890";
    hex(digits, 80, "57edf4a22be3c955ac49da2e2107b67a");
    /* the population id: md5("abc") = 90 01 ...: ((0x01 & 0x0f) << 8) + 0x90 = 400 */
    assert_int_equal(cl_bbp_population_id("abc"), 400);
    /* md5("") = d4 1d ...: ((0x1d & 0x0f) << 8) + 0xd4 = 13 * 256 + 212 = 3540 */
    assert_int_equal(cl_bbp_population_id(""), 3540);
}

static void test_delay_rounding(void **state) {
    (void)state;
    /* trunc(d / dt + 1e-5) * dt at dt 0.025: 0.74 -> 29 steps (29.6 is cut,
     * not rounded), 0.0749999 -> 3 steps (2.999996 + 1e-5 passes 3), 2 -> 80
     * steps, 0 -> 0 */
    assert_true(cl_bbp_round_delay(0.74, 0.025) == 29 * 0.025);
    assert_true(cl_bbp_round_delay(0.0749999, 0.025) == 3 * 0.025);
    assert_true(cl_bbp_round_delay(2.0, 0.025) == 80 * 0.025);
    assert_true(cl_bbp_round_delay(0.0, 0.025) == 0.0);
    assert_true(cl_bbp_round_delay(0.26, 0.1) == 2 * 0.1);
}

static void test_u_scale(void **state) {
    (void)state;
    /* (k^4 + 16) / 16 * ca^4 / (k^4 + ca^4): k = 2, ca = 1 -> 32/16 * 1/17 = 2/17 */
    assert_true(fabs(cl_bbp_u_scale(2, 1) - 2.0 / 17) < 1e-16); /* a few roundings apart at most */
    /* at 2 mM the factor is 1 for any k: (k^4 + 16)/16 * 16/(k^4 + 16) */
    assert_true(fabs(cl_bbp_u_scale(1.94, 2.0) - 1) < 1e-15);
    assert_true(fabs(cl_bbp_u_scale(2.79, 2.0) - 1) < 1e-15);
    /* k = 0 (no Hill dependence written): (16/16) * ca^4 / ca^4 = 1 */
    assert_true(cl_bbp_u_scale(0, 1.2) == 1);
    /* no calcium or no coefficient: 1 */
    assert_true(cl_bbp_u_scale(2, 0) == 1);
    assert_true(cl_bbp_u_scale(NAN, 1.2) == 1);
}

static void test_seeds(void **state) {
    (void)state;
    double ids[3];
    /* gid 3 (from 0), synapse 7, populations "abc" (400) onto "" (3540), seed 11:
     * 3 + 1 + 250, 7 + 100, 400 * 65536 + 3540 + 11 + 300 */
    cl_bbp_synapse_ids(3, 7, cl_bbp_population_id("abc"), cl_bbp_population_id(""), 11, ids);
    assert_true(ids[0] == 254);
    assert_true(ids[1] == 107);
    assert_true(ids[2] == 26214400.0 + 3851);
    /* minis of node 3, synapse 7, "abc" onto "", minis_seed 5: s = 400 * 65536
     * + 3540 + 5; (207, 253, s + 300) then (207, 253, s + 350) */
    double m[6];
    cl_bbp_minis_ids(3, 7, 400, 3540, 5, m);
    const double s = 26214400.0 + 3545;
    const double want[6] = {207, 253, s + 300, 207, 253, s + 350};
    for (int i = 0; i < 6; i++) assert_true(m[i] == want[i]);
}

/* Bad rows of a BBP edge population: each fails cl_network_new with a
 * message naming the edge and the attribute: no syn_type_id, NaN
 * conductance, section 4000, Nrrp 1.5, neither position nor segment, one
 * GluSynapse column of eight. */
static void test_bad_rows(void **state) {
    (void)state;
    const char *want[] = {"syn_type_id", "conductance", "afferent_section_id", "n_rrp_vesicles",
                          "afferent_segment_id", "1 of the 8 GluSynapse columns"};
    for (int bad = 0; bad < 6; bad++) {
        cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH};
        cl_run_config rc = {NAN, 5, 0.025, 20, NAN, 34, -70, NULL, NULL, NULL, NULL};
        cl_memcircuit *mc = fx_bio_ext(&bm, &rc);
        cl_error e;
        uint64_t id;
        ok(cl_memcircuit_add_edge(mc, "ext_bio", 0, 0, NULL, &id, &e), &e);
        struct {
            const char *name;
            double v;
        } a[] = {{"syn_type_id", 120},    {"conductance", 0.5},          {"u_syn", 0.5},
                 {"depression_time", 600}, {"facilitation_time", 20},   {"decay_time", 1.7},
                 {"delay", 1.0},           {"afferent_section_id", 0}, {"afferent_section_pos", 0.5},
                 {"n_rrp_vesicles", 2}};
        for (size_t i = 0; i < sizeof a / sizeof *a; i++) {
            double v = a[i].v;
            if (bad == 0 && i == 0) continue; /* missing syn_type_id (u_syn says BBP) */
            if (bad == 1 && i == 1) v = NAN;
            if (bad == 2 && i == 7) v = 4000;
            if (bad == 3 && i == 9) v = 1.5;
            if (bad == 4 && i == 8) continue;
            ok(cl_memcircuit_set_edge_num(mc, "ext_bio", id, a[i].name, v, &e), &e);
        }
        if (bad == 5) ok(cl_memcircuit_set_edge_num(mc, "ext_bio", id, "rho0_GB", 0.7, &e), &e);
        cl_circuit *c;
        ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
        cl_network_options o = {.numbering = CL_SECNUM_SPEC};
        cl_network *net = NULL;
        cl_status st = cl_network_new(c, &o, &net, &e);
        assert_int_not_equal(st, CL_OK);
        assert_null(net);
        if (!strstr(e.msg, want[bad]) || !strstr(e.msg, "edge 0")) fail_msg("case %d: %s", bad, e.msg);
        cl_circuit_free(c);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_md5),         cmocka_unit_test(test_delay_rounding), cmocka_unit_test(test_u_scale),
        cmocka_unit_test(test_seeds),       cmocka_unit_test(test_bad_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
