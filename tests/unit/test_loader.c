/* Loading a compiled mechanism library: a hand-written twin of pas, built
 * here with the system C compiler against include/cellulab_mech.h, gives the
 * same numbers as the built-in pas; clashes, missing files and foreign
 * libraries are errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cellulab.h"
#include "cellulab_mech.h"

#define OK(call) assert_int_equal((call), CL_OK)

static const char *leak_src =
    "#include \"cellulab_mech.h\"\n"
    "static const cl_mech_var vars[3] = {{\"g\", CL_VAR_PARAM, .001}, {\"e\", CL_VAR_PARAM, -70},\n"
    "                                   {\"i\", CL_VAR_ASSIGNED, 0}};\n"
    "static double cur1(double **p, int i, double v) {\n"
    "    double c = 0.; p[2][i] = p[0][i] * (v - p[1][i]); c += p[2][i]; return c; }\n"
    "static void cur(const cl_mech_ctx *c, cl_mech_block *b) {\n"
    "    for (int i = 0; i < b->n; i++) { int nd = b->node[i]; double v = c->v[nd];\n"
    "        double g = cur1(b->var, i, v + .001); double rhs = cur1(b->var, i, v);\n"
    "        g = (g - rhs) / .001; c->rhs[nd] -= rhs; c->d[nd] += g; } }\n"
    "static const cl_mech_type leak = {.name = \"leak2\", .kind = CL_MECH_DENSITY, .nvar = 3,\n"
    "                                  .vars = vars, .cur = cur};\n"
    "static const cl_mech_type *const list[1] = {&leak};\n"
    "const cl_mech_type *const *cellulab_mechanisms_v" CL_MECH_STR_(CL_MECH_ABI_VERSION)
    "(int *n) { *n = 1; return list; }\n";

static char libpath[256], dir[64];

static int build_lib(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/cl_loader_XXXXXX");
    if (!mkdtemp(dir)) return -1;
    char src[128], cmd[1024];
    snprintf(src, sizeof src, "%s/leak2.c", dir);
    snprintf(libpath, sizeof libpath, "%s/libleak2.so", dir);
    FILE *f = fopen(src, "w");
    if (!f) return -1;
    fputs(leak_src, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "cc -std=c17 -O2 -ffp-contract=off -shared -fPIC -I%s -o %s %s",
             CELLULAB_INCLUDE_DIR, libpath, src);
    return system(cmd) == 0 ? 0 : -1;
}

static int cleanup(void **state) {
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void run(const char *mech, int load, double *out, size_t *n) {
    cl_sim *s;
    cl_cell c;
    cl_section sec;
    cl_pp stim;
    const double *v;
    OK(cl_sim_new(&s));
    if (load) OK(cl_sim_load_mechanisms(s, libpath));
    OK(cl_cell_new(s, "c", &c));
    OK(cl_section_new(s, c, "soma", &sec));
    OK(cl_section_set_L(s, sec, 20));
    OK(cl_section_set_diam(s, sec, 20));
    OK(cl_section_insert(s, sec, mech));
    OK(cl_pp_new(s, "IClamp", sec, 0.5, &stim));
    OK(cl_pp_set(s, stim, "del", 1));
    OK(cl_pp_set(s, stim, "dur", 3));
    OK(cl_pp_set(s, stim, "amp", 0.1));
    OK(cl_sim_run(s, 10));
    OK(cl_cell_get_soma_voltage(s, c, &v, n));
    memcpy(out, v, *n * sizeof *v);
    cl_sim_free(s);
}

static void test_loaded_twin_of_pas(void **state) {
    (void)state;
    double a[512], b[512];
    size_t na, nb;
    run("pas", 0, a, &na);
    run("leak2", 1, b, &nb);
    assert_int_equal(na, 401);
    assert_int_equal(nb, na);
    assert_memory_equal(a, b, na * sizeof *a);
}

static void test_load_errors(void **state) {
    (void)state;
    cl_sim *s;
    OK(cl_sim_new(&s));
    assert_int_equal(cl_sim_load_mechanisms(s, "/nonexistent/libx.so"), CL_EIO);
    assert_non_null(strstr(cl_sim_errmsg(s), "/nonexistent/libx.so"));
    assert_int_equal(cl_sim_load_mechanisms(s, "libm.so.6"), CL_EFORMAT);
    assert_non_null(strstr(cl_sim_errmsg(s), CL_MECH_LIST_SYMBOL));
    OK(cl_sim_load_mechanisms(s, libpath));
    assert_int_equal(cl_sim_load_mechanisms(s, libpath), CL_EINVAL); /* leak2 exists now */
    assert_non_null(strstr(cl_sim_errmsg(s), "leak2 already exists"));
    cl_sim *other; /* another simulation loads it on its own */
    OK(cl_sim_new(&other));
    OK(cl_sim_load_mechanisms(other, libpath));
    cl_sim_free(other);
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded_twin_of_pas),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, build_lib, cleanup);
}
