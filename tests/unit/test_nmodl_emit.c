#define _DEFAULT_SOURCE /* mkstemps, d_type */
/* The NMODL compiler over every MOD file of the shared data: each file
 * either translates to C that the system compiler accepts, or fails with a
 * message naming file:line:column and the construct. The VERBATIM files
 * (C code inside the model) are listed: they must fail with that message. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cellulab_nmodl.h"

/* Files whose model code is C (VERBATIM, BBCOREPOINTER); cellulab refuses
 * them with a clear message (maintained rewrites come with the Blue Brain
 * synapse issue). */
static const char *const verbatim_files[] = {
    "DetAMPANMDA.mod", "DetGABAAB.mod", "GluSynapse.mod", "ProbAMPANMDA_EMS.mod", "ProbGABAAB_EMS.mod",
    "StochKv.mod", "StochKv3.mod", "VecStim.mod", "netstim_inhpoisson.mod", "vecevent.mod", NULL};

/* Constructs the compiler does not handle yet: the message must say so. */
static const char *const not_yet[] = {"KINETIC", "derivimplicit", NULL};

static int listed(const char *const *list, const char *name) {
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0) return 1;
    return 0;
}

static void walk(const char *dir, int *ok, int *refused, int *verbatim) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n = strlen(de->d_name);
        if (n > 4 && strcmp(de->d_name + n - 4, ".mod") == 0) {
            char out[] = "/tmp/cl_emit_XXXXXX.c";
            int fd = mkstemps(out, 2);
            assert_true(fd >= 0);
            close(fd);
            cl_error err = {{0}};
            cl_status st = cl_nmodl_translate(path, out, &err);
            if (listed(verbatim_files, de->d_name)) {
                if (st == CL_OK) fail_msg("%s translated, but it holds VERBATIM code", path);
                if (!strstr(err.msg, "VERBATIM") && !strstr(err.msg, "POINTER"))
                    fail_msg("%s: unexpected message: %s", path, err.msg);
                if (!strstr(err.msg, ".mod:")) fail_msg("%s: message lacks file:line:col: %s", path, err.msg);
                (*verbatim)++;
            } else if (st != CL_OK) {
                int known = 0;
                for (int i = 0; not_yet[i]; i++) known |= strstr(err.msg, not_yet[i]) != NULL;
                if (!known) fail_msg("%s: %s", path, err.msg);
                if (!strstr(err.msg, "not supported yet") && !strstr(err.msg, "only cnexp"))
                    fail_msg("%s: the message should say the construct is not supported yet: %s", path, err.msg);
                (*refused)++;
            } else {
                char cmd[4096];
                snprintf(cmd, sizeof cmd, "cc -std=c17 -O2 -ffp-contract=off -fPIC -c -I%s -o /dev/null %s",
                         CELLULAB_INCLUDE_DIR, out);
                if (system(cmd) != 0) fail_msg("%s: the generated C (%s) does not compile", path, out);
                (*ok)++;
            }
            unlink(out);
        } else if (de->d_type == DT_DIR) {
            walk(path, ok, refused, verbatim);
        }
    }
    closedir(d);
}

static void test_every_shared_mod_file(void **state) {
    (void)state;
    int ok = 0, refused = 0, verbatim = 0;
    walk(CELLULAB_SHARED_DATA, &ok, &refused, &verbatim);
    printf("  translated and compiled: %d; not supported yet: %d; VERBATIM refused: %d\n", ok, refused, verbatim);
    assert_true(ok >= 70);
    assert_true(verbatim >= 10);
}

static void test_errors_name_the_place(void **state) {
    (void)state;
    const char *cases[][2] = {
        {"NEURON { SUFFIX x }\nBREAKPOINT { y = fmin(1, 2) }\nASSIGNED { y }\n", "fmin"},
        {"NEURON { SUFFIX x }\nBREAKPOINT { y = zz }\nASSIGNED { y }\n", "zz is not declared"},
        {"NEURON { SUFFIX x }\nSTATE { s }\nBREAKPOINT { SOLVE d METHOD cnexp }\nDERIVATIVE d { s' = s*s }\n", "non-linear"},
        {"NEURON { SUFFIX x }\nSTATE { s }\nBREAKPOINT { SOLVE d METHOD cnexp }\nDERIVATIVE d { s' = -s^2 }\n", "'^'"},
        {"NEURON { SUFFIX x POINTER p }\n", "POINTER"},
        {"PARAMETER { a = 1 }\n", "no SUFFIX"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char in[] = "/tmp/cl_emit_in_XXXXXX.mod";
        int fd = mkstemps(in, 4);
        assert_true(fd >= 0);
        assert_true(write(fd, cases[i][0], strlen(cases[i][0])) == (ssize_t)strlen(cases[i][0]));
        close(fd);
        cl_error err = {{0}};
        assert_int_not_equal(cl_nmodl_translate(in, "/tmp/cl_emit_never.c", &err), CL_OK);
        if (!strstr(err.msg, cases[i][1])) fail_msg("case %zu: message lacks \"%s\": %s", i, cases[i][1], err.msg);
        assert_int_equal(access("/tmp/cl_emit_never.c", F_OK), -1); /* nothing half-written */
        unlink(in);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shared_mod_file),
        cmocka_unit_test(test_errors_name_the_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
