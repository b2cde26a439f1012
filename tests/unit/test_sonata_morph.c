/* Morphology lookup of SONATA nodes (issue 8), on a circuit generated in a
 * temporary folder: extensions in any case on disk (x.ASC, x.Swc), as
 * neurodamus and BlueCelluLab accept them; hoc: e-models (BBP flavour)
 * take the alternate_morphologies neurolucida-asc file first
 * (BlueCelluLab's morph_filepath), other nodes the morphologies_dir SWC
 * first (bmtk); a morphology found nowhere names the file looked for. Also
 * the node_dynamics_names op (the @dynamics datasets a template's
 * NeededAttributes are taken from). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cellulab_circuit.h"
#include "fixtures.h"

static char dir[] = "/tmp/test_sonata_morph_XXXXXX";

static const char *tmp(const char *name) { return fx_path(dir, name); }
static void text(const char *name, const char *body) { fx_write_file(dir, name, body); }

#define N 6
static const char *tmpl[N] = {"hoc:T", "hoc:T", "nml:m.cell.nml", "hoc:T", "hoc:T", "nml:m.cell.nml"};
static const char *morph[N] = {"a", "b", "c", "c", "gone", "d"};
/* the file each node must resolve to (relative to dir) */
static const char *want[N] = {"asc/a.ASC", "swc/b.SWC", "swc/c.swc", "asc/c.asc", "swc/gone.swc", "asc/d.Asc"};
static const int exists[N] = {1, 1, 1, 1, 0, 1};

static void write_circuit(void) {
    assert_non_null(mkdtemp(dir));
    assert_int_equal(mkdir(tmp("swc"), 0777), 0);
    assert_int_equal(mkdir(tmp("asc"), 0777), 0);
    /* a: both, odd cases; b: SWC only; c: both, lower case; d: ASC only */
    const char *files[] = {"swc/a.Swc", "asc/a.ASC", "swc/b.SWC", "swc/c.swc", "asc/c.asc", "asc/d.Asc"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) text(files[i], "\n");
    hid_t f = H5Fcreate(tmp("nodes.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t p = H5Gcreate2(g, "pop", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double types[N], zero[N], idx[N], ais[N];
    for (int i = 0; i < N; i++) {
        types[i] = -1;
        zero[i] = 0;
        idx[i] = i;
        ais[i] = 1.0 + 0.25 * i;
    }
    fx_put_doubles(p, "node_type_id", H5T_STD_I64LE, N, types);
    fx_put_doubles(p, "node_group_id", H5T_STD_U32LE, N, zero);
    fx_put_doubles(p, "node_group_index", H5T_STD_U64LE, N, idx);
    hid_t g0 = H5Gcreate2(p, "0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    fx_put_strings(g0, "model_template", N, tmpl);
    fx_put_strings(g0, "morphology", N, morph);
    const char *mtype[N] = {"biophysical", "biophysical", "biophysical", "biophysical", "biophysical", "biophysical"};
    fx_put_strings(g0, "model_type", N, mtype);
    hid_t dyn = H5Gcreate2(g0, "dynamics_params", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    fx_put_doubles(dyn, "AIS_scaler", H5T_IEEE_F32LE, N, ais);
    fx_put_doubles(dyn, "holding_current", H5T_IEEE_F32LE, N, ais);
    H5Gclose(dyn);
    H5Gclose(g0);
    H5Gclose(p);
    H5Gclose(g);
    H5Fclose(f);
    text("circuit_config.json", "{\"networks\": {\"nodes\": [{\"nodes_file\": \"nodes.h5\", \"populations\": {\"pop\": {\n"
                                "  \"type\": \"biophysical\", \"morphologies_dir\": \"swc\",\n"
                                "  \"alternate_morphologies\": {\"neurolucida-asc\": \"asc\"}}}}]}}\n");
}

static void test_lookup(void **state) {
    (void)state;
    write_circuit();
    cl_circuit *c = NULL;
    cl_error err = {{0}};
    cl_status st = cl_circuit_open_sonata(tmp("circuit_config.json"), &c, &err);
    if (st) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, CL_OK);
    const cl_circuit_ops *o = cl_circuit_get_ops(c);
    void *s = cl_circuit_get_state(c);
    for (int i = 0; i < N; i++) {
        cl_node_model m;
        assert_int_equal(o->node_model(s, "pop", (uint64_t)i, &m, &err), CL_OK);
        assert_non_null(m.morphology);
        const char *w = tmp(want[i]);
        if (strcmp(m.morphology, w) != 0) fprintf(stderr, "node %d: %s, expected %s\n", i, m.morphology, w);
        assert_string_equal(m.morphology, w);
        assert_int_equal(access(m.morphology, R_OK) == 0, exists[i]);
    }
    /* the dynamics_params names, each once */
    const char **names = NULL;
    size_t n = 0;
    assert_non_null(o->node_dynamics_names);
    assert_int_equal(o->node_dynamics_names(s, "pop", &names, &n, &err), CL_OK);
    assert_int_equal(n, 2);
    int ais = 0, hold = 0;
    for (size_t i = 0; i < n; i++) {
        ais += !strcmp(names[i], "AIS_scaler");
        hold += !strcmp(names[i], "holding_current");
    }
    assert_true(ais == 1 && hold == 1);
    free(names);
    assert_int_equal(o->node_dynamics_names(s, "nope", &names, &n, &err), CL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "unknown node population \"nope\""));
    cl_circuit_free(c);
}

static int teardown(void **state) {
    (void)state;
    const char *files[] = {"swc/a.Swc", "asc/a.ASC",  "swc/b.SWC",     "swc/c.swc", "asc/c.asc",
                           "asc/d.Asc", "nodes.h5", "circuit_config.json", "swc",       "asc"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) remove(tmp(files[i]));
    rmdir(dir);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test_teardown(test_lookup, teardown)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
