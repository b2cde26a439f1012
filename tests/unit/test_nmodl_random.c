#define _DEFAULT_SOURCE /* mkdtemp */
/* NEURON 9's RANDOM construct in cellulab's NMODL compiler
 * (docs/nmodl-lowering.md §14) and the maintained Blue Brain MOD files:
 * messages for misuse, every maintained file compiles, which originals are
 * replaced, and the draws a compiled mechanism makes (per instance, per
 * simulation's global index, setseq's 34-bit form) against the stream
 * functions of cellulab_mech.h, themselves checked against Random123 and
 * NEURON (test_ran123, oracle_bbp_random). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"

#include "cellulab.h"
#include "cellulab_mech.h"
#include "cellulab_nmodl.h"
#include "nmodl/nmodl.h"

static void test_messages(void **state) {
    (void)state;
    const char *cases[][2] = {
        {"NEURON { POINT_PROCESS x RANDOM r }\nASSIGNED { y }\nINITIAL { y = random_uniform(y) }\n",
         "first argument must be a RANDOM variable"},
        {"NEURON { POINT_PROCESS x RANDOM r }\nASSIGNED { y }\nINITIAL { y = r }\n",
         "RANDOM r can only be the first argument"},
        {"NEURON { POINT_PROCESS x RANDOM r }\nASSIGNED { y }\nINITIAL { y = random_normal(r, 1) }\n",
         "random_normal called with 2 argument(s)"},
        {"NEURON { POINT_PROCESS x RANDOM r }\nASSIGNED { y }\nINITIAL { y = random_gamma(r) }\n",
         "not one of NEURON 9's RANDOM functions"},
        {"NEURON { POINT_PROCESS x RANDOM r }\nASSIGNED { r }\n", "RANDOM r is also declared"},
        {"NEURON { POINT_PROCESS x RANDOM r }\nASSIGNED { r_seq }\n", "r_seq is declared"},
        {"NEURON { POINT_PROCESS x RANDOM r, r }\n", "named twice"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *in = fx_temp_file(".mod", cases[i][0]);
        cl_error err = {{0}};
        assert_int_not_equal(cl_nmodl_translate(in, "/tmp/cl_random_never.c", &err), CL_OK);
        if (!strstr(err.msg, cases[i][1])) fail_msg("case %zu: message lacks \"%s\": %s", i, cases[i][1], err.msg);
        if (!strstr(err.msg, ".mod:")) fail_msg("case %zu: message lacks the place: %s", i, err.msg);
        unlink(in);
    }
}

static const char *const maintained[] = {"ProbAMPANMDA_EMS", "ProbGABAAB_EMS", "DetAMPANMDA", "DetGABAAB",
                                         "GluSynapse",       "StochKv",        "StochKv3",    "InhPoissonStim"};

/* Each maintained file translates to C the compiler accepts, and has no VERBATIM. */
static void test_maintained_files_compile(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof maintained / sizeof *maintained; i++) {
        char path[4096], cmd[8400];
        assert_int_equal(cl_nmodl_maintained_path(maintained[i], path, sizeof path), 1);
        const char *out = fx_temp_file(".c", NULL);
        cl_error err = {{0}};
        if (cl_nmodl_translate(path, out, &err) != CL_OK) fail_msg("%s: %s", path, err.msg);
        snprintf(cmd, sizeof cmd, "cc -std=c17 -O2 -Wall -Werror -Wno-unused-variable -Wno-unused-function "
                 "-ffp-contract=off -fPIC -c -I%s -o /dev/null %s", CELLULAB_INCLUDE_DIR, out);
        if (system(cmd) != 0) fail_msg("%s: the generated C (%s) does not compile", path, out);
        unlink(out);
        assert_null(cl_nmodl_maintained_name(path)); /* no VERBATIM: used as it is */
    }
    char buf[64];
    assert_int_equal(cl_nmodl_maintained_path("VecStim", buf, sizeof buf), 0); /* built in */
    assert_int_equal(cl_nmodl_maintained_path("hh", buf, sizeof buf), 0);
}

/* The originals with VERBATIM are recognised; other files are not. */
static void test_originals_recognised(void **state) {
    (void)state;
    const char *files[][2] = {{"ProbAMPANMDA_EMS.mod", "ProbAMPANMDA_EMS"}, {"ProbGABAAB_EMS.mod", "ProbGABAAB_EMS"},
                              {"DetAMPANMDA.mod", "DetAMPANMDA"},           {"DetGABAAB.mod", "DetGABAAB"},
                              {"GluSynapse.mod", "GluSynapse"},             {"StochKv.mod", "StochKv"},
                              {"StochKv3.mod", "StochKv3"},                 {"netstim_inhpoisson.mod", "InhPoissonStim"},
                              {"VecStim.mod", "VecStim"},                   {"Ih.mod", NULL}};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/bluecellulab/mechanisms/%s", CELLULAB_SHARED_DATA, files[i][0]);
        const char *got = cl_nmodl_maintained_name(path);
        if (files[i][1]) {
            assert_non_null(got);
            assert_string_equal(got, files[i][1]);
        } else {
            assert_null(got);
        }
    }
}

/* A maintained file standing in for another version of the original keeps
 * that version's PARAMETER defaults: the L5 TPC container's
 * ProbAMPANMDA_EMS has slope_mg 0.07207477 and scale_mg 2.5522415 (nocmodl:
 * %g, 0.0720748 and 2.55224) where BlueCelluLab's has 0.062 and 3.57. */
static void test_original_defaults_kept(void **state) {
    (void)state;
    char mpath[4096], orig[4096];
    assert_int_equal(cl_nmodl_maintained_path("ProbAMPANMDA_EMS", mpath, sizeof mpath), 1);
    snprintf(orig, sizeof orig, "%s/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/mod/ProbAMPANMDA_EMS.mod",
             CELLULAB_SHARED_DATA);
    const char *out = fx_temp_file(".c", NULL);
    cl_error err = {{0}};
    char *name = NULL;
    if (cl_nmodl_translate_defaults(mpath, orig, out, &name, &err) != CL_OK) fail_msg("%s", err.msg);
    assert_string_equal(name, "ProbAMPANMDA_EMS");
    free(name);
    const char *text = fx_read_file(out);
    unlink(out);
    const char *vals[][2] = {{"slope_mg", "0.0720748"}, {"scale_mg", "2.55224"}, {"NMDA_ratio", "0.71"}};
    for (int k = 0; k < 3; k++) {
        char want[128];
        snprintf(want, sizeof want, "{\"%s\", CL_VAR_PARAM, %a}", vals[k][0], strtod(vals[k][1], NULL));
        if (!strstr(text, want)) fail_msg("generated C lacks %s", want);
    }
}

static const char *probe_mod =
    "NEURON { POINT_PROCESS RanProbe RANDOM r RANGE x1, x2, x3, x4, xs, xv }\n"
    "ASSIGNED { x1 x2 x3 x4 xs xv }\n"
    "INITIAL {\n"
    "    xv = cellulab_play_value(1) + cellulab_play_count() + cellulab_play_value(2)\n"
    "    random_setseq(r, 0)\n"
    "    x1 = random_uniform(r)\n"
    "    x2 = random_negexp(r, 2)\n"
    "    x3 = random_normal(r, 1, 3)\n"
    "    x4 = random_uniform(r, -1, 1)\n"
    "    random_setseq(r, 4*7 + 2)\n"
    "    xs = random_ipick(r)\n"
    "}\n";

/* Draws of a compiled mechanism: the instance's own stream (ids from its
 * variables), the simulation's global index, setseq(4*seq + which). */
static void test_compiled_draws(void **state) {
    (void)state;
    char dir[] = "/tmp/cl_random_lib_XXXXXX";
    assert_non_null(mkdtemp(dir));
    const char *mod = fx_write_file(dir, "ranprobe.mod", probe_mod), *so = fx_path(dir, "libranprobe.so");
    const char *inputs[1] = {mod};
    cl_error err = {{0}};
    if (cl_build_mechanisms(inputs, 1, so, 1, &err) != CL_OK) fail_msg("%s", err.msg);
    for (int gix = 0; gix < 2; gix++) {
        cl_sim *s;
        cl_cell cell;
        cl_section sec;
        cl_pp p[2];
        assert_int_equal(cl_sim_new(&s), CL_OK);
        assert_int_equal(cl_sim_load_mechanisms(s, so), CL_OK);
        assert_int_equal(cl_sim_set_random123_globalindex(s, 3 * gix), CL_OK);
        assert_int_equal(cl_cell_new(s, "c", &cell), CL_OK);
        assert_int_equal(cl_section_new(s, cell, "soma", &sec), CL_OK);
        for (int k = 0; k < 2; k++) {
            assert_int_equal(cl_pp_new(s, "RanProbe", sec, 0.5, &p[k]), CL_OK);
            assert_int_equal(cl_pp_set(s, p[k], "r_id1", 10 + k), CL_OK);
            assert_int_equal(cl_pp_set(s, p[k], "r_id2", 20), CL_OK);
            assert_int_equal(cl_pp_set(s, p[k], "r_id3", 30), CL_OK);
        }
        /* cl_pp_play: times and values for the instance's list */
        const double tt[2] = {1, 2}, vv[2] = {5, 7}, bad_t[2] = {2, 1}, bad_v[2] = {1, NAN};
        assert_int_equal(cl_pp_play(s, p[0], bad_t, vv, 2), CL_EINVAL);
        assert_non_null(strstr(cl_sim_errmsg(s), "must not decrease"));
        assert_int_equal(cl_pp_play(s, p[0], tt, bad_v, 2), CL_EINVAL);
        assert_int_equal(cl_pp_play(s, p[0], tt, NULL, 2), CL_OK);
        assert_int_equal(cl_pp_play(s, p[0], tt, vv, 2), CL_OK);
        assert_int_equal(cl_sim_run(s, 0.1), CL_OK);
        double xv;
        assert_int_equal(cl_pp_get(s, p[0], "xv", &xv), CL_OK);
        assert_true(xv == 7 + 2 + 0); /* value 1, the count, value 2 (outside: 0) */
        assert_int_equal(cl_pp_get(s, p[1], "xv", &xv), CL_OK);
        assert_true(xv == 0); /* no list */
        for (int k = 0; k < 2; k++) {
            double col[5] = {10 + k, 20, 30, 0, 0}, want[5], got[5], id1;
            double *st[5] = {&col[0], &col[1], &col[2], &col[3], &col[4]};
            cl_mech_ctx c = {.ran123_globalindex = (unsigned)(3 * gix)};
            want[0] = cl_ran123_uniform(&c, st, 0);
            want[1] = cl_ran123_negexp1(&c, st, 0, 2);
            want[2] = cl_ran123_normal2(&c, st, 0, 1, 3);
            want[3] = cl_ran123_uniform2(&c, st, 0, -1, 1);
            cl_ran123_setseq(st, 0, 30);
            want[4] = cl_ran123_ipick(&c, st, 0);
            const char *names[5] = {"x1", "x2", "x3", "x4", "xs"};
            for (int j = 0; j < 5; j++) {
                assert_int_equal(cl_pp_get(s, p[k], names[j], &got[j]), CL_OK);
                assert_true(got[j] == want[j]);
            }
            assert_int_equal(cl_pp_get(s, p[k], "r_seq", &got[0]), CL_OK);
            assert_int_equal(cl_pp_get(s, p[k], "r_which", &got[1]), CL_OK);
            assert_true(got[0] == 7 && got[1] == 3); /* setseq(30): seq 7, which 2, one draw */
            assert_int_equal(cl_pp_get(s, p[k], "r_id1", &id1), CL_OK);
            assert_true(id1 == 10 + k); /* ids survive initialisation */
        }
        cl_sim_free(s);
    }
    assert_int_equal(fx_remove_dir(dir), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages), cmocka_unit_test(test_maintained_files_compile),
        cmocka_unit_test(test_originals_recognised), cmocka_unit_test(test_compiled_draws),
        cmocka_unit_test(test_original_defaults_kept)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
