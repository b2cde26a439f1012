/* SONATA reader on the shared circuits: facts checked by hand in the files
 * (see ../shared/docs/reference/sonata.md: 300_intfire has 87,720 edges,
 * v1 300 / lgn 90 / tw 30 nodes), path resolution of models and
 * morphologies, the simulation config (run, conditions, inputs, reports),
 * node-set rules on a small in-memory population, the types CSV quirks and
 * manifest expansion. (Attribute values, edge lists and node-set sizes on
 * all five circuits are checked against h5py by oracle_sonata_compare.) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellulab_circuit.h"
#include "circuit/sonata_int.h"

#define EX CELLULAB_SHARED_DATA "/sonata-examples/"
#define BCL CELLULAB_SHARED_DATA "/bluecellulab/"
#define L5 BCL "container_nbS1-O1__202247__cADpyr__L5_TPC_A/"
#define L5NAME "dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_y0.950_z1.000_-_Clone_0"

static cl_circuit *open_ok(const char *path) {
    cl_circuit *c = NULL;
    cl_error err = {{0}};
    cl_status st = cl_circuit_open_sonata(path, &c, &err);
    if (st != CL_OK) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, CL_OK);
    return c;
}

static int ends_with(const char *s, const char *suf) {
    size_t a = s ? strlen(s) : 0, b = strlen(suf);
    return s && a >= b && !strcmp(s + a - b, suf);
}

static void test_300_intfire(void **state) {
    (void)state;
    cl_circuit *c = open_ok(EX "300_intfire/config.json");
    const cl_circuit_ops *o = cl_circuit_get_ops(c);
    void *s = cl_circuit_get_state(c);
    cl_error err;
    assert_int_equal(o->node_population_count(s), 3);
    const char *pops[3] = {"v1", "lgn", "tw"};
    uint64_t sizes[3] = {300, 90, 30}, n;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(o->node_population_size(s, pops[i], &n, &err), CL_OK);
        assert_int_equal(n, sizes[i]);
    }
    uint64_t total = 0;
    for (size_t i = 0; i < o->edge_population_count(s); i++) {
        const char *src, *tgt;
        assert_int_equal(o->edge_population_info(s, o->edge_population_name(s, i), &src, &tgt, &n, &err), CL_OK);
        assert_string_equal(tgt, "v1");
        total += n;
    }
    assert_int_equal(total, 87720);
    cl_run_config rc;
    assert_int_equal(o->run_config(s, &rc, &err), CL_OK);
    assert_true(rc.tstop == 3000.0 && rc.dt == 0.1 && rc.spike_threshold == -15 && rc.celsius == 34 && rc.v_init == -80);
    assert_true(rc.dL == 20.0 && isnan(rc.tstart));
    assert_true(ends_with(rc.spikes_file, "300_intfire/output/spikes.h5"));
    assert_string_equal(rc.spikes_sort_order, "by_time"); /* the file says "time" */
    /* two legacy /spikes/gids inputs, populations from their node sets ("lgn" is implicit) */
    assert_int_equal(o->spike_input_count(s), 2);
    const char *pop;
    uint64_t *nodes;
    double *times;
    size_t ns;
    assert_int_equal(o->spike_input(s, 0, &pop, &nodes, &times, &ns, &err), CL_OK);
    assert_string_equal(pop, "lgn");
    for (size_t i = 0; i < ns; i++) assert_true(nodes[i] < 90 && times[i] >= 0);
    free(nodes);
    free(times);
    cl_node_model m;
    assert_int_equal(o->node_model(s, "v1", 0, &m, &err), CL_OK);
    assert_string_equal(m.model_type, "point_process");
    assert_string_equal(m.model_template, "nrn:IntFire1");
    assert_null(m.template_path);
    assert_true(ends_with(m.dynamics_params, "shared_components/point_neuron_models_dir/IntFire1_exc_1.json"));
    assert_int_equal(access(m.dynamics_params, R_OK), 0);
    assert_int_equal(o->node_model(s, "lgn", 3, &m, &err), CL_OK);
    assert_string_equal(m.model_type, "virtual");
    const char *dp;
    assert_int_equal(o->edge_dynamics_params(s, "v1_to_v1", 0, &dp, &err), CL_OK);
    assert_int_equal(access(dp, R_OK), 0);
    assert_true(ends_with(o->mechanisms_dir(s), "shared_components/mechanisms"));
    /* out of range and unknown names fail with a message */
    cl_value v;
    assert_int_equal(o->node_attribute(s, "v1", "ei", 300, &v, &err), CL_EINVAL);
    assert_non_null(strstr(err.msg, "300 out of range"));
    assert_int_equal(o->node_attribute(s, "v2", "ei", 0, &v, &err), CL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "\"v2\""));
    cl_circuit_free(c);
}

static void test_5_cells(void **state) {
    (void)state;
    /* the same circuit through its three config files */
    const char *cfgs[3] = {EX "5_cells_iclamp/config.json", EX "5_cells_iclamp/simulation_config.json",
                           EX "5_cells_iclamp/circuit_config.json"};
    for (int k = 0; k < 3; k++) {
        cl_circuit *c = open_ok(cfgs[k]);
        const cl_circuit_ops *o = cl_circuit_get_ops(c);
        void *s = cl_circuit_get_state(c);
        cl_error err;
        cl_node_model m;
        cl_value v;
        /* node 0 is type 100 (Scnn1a) in biophysical_nodes.h5 */
        assert_int_equal(o->node_attribute(s, "biophysical", "node_type_id", 0, &v, &err), CL_OK);
        assert_int_equal(o->node_model(s, "biophysical", 0, &m, &err), CL_OK);
        assert_string_equal(m.model_type, "biophysical");
        assert_string_equal(m.model_processing, "aibs_perisomatic");
        if (v.num == 100) {
            assert_true(ends_with(m.morphology, "shared_components/morphologies/Scnn1a_473845048_m.swc"));
            assert_true(ends_with(m.template_path, "biophysical_neuron_templates/nml/Cell_472363762.cell.nml"));
        }
        assert_int_equal(access(m.morphology, R_OK), 0);
        assert_int_equal(access(m.template_path, R_OK), 0);
        cl_run_config rc;
        if (k == 2) { /* a circuit config has no run */
            assert_int_equal(o->run_config(s, &rc, &err), CL_ENOTFOUND);
            assert_int_equal(o->current_clamp_count(s), 0);
        } else {
            assert_int_equal(o->run_config(s, &rc, &err), CL_OK);
            assert_true(rc.tstop == 4000.0);
            assert_int_equal(o->current_clamp_count(s), 3);
            const double amp[3] = {0.15, 0.175, 0.2}, delay[3] = {500, 1500, 2500};
            for (size_t i = 0; i < 3; i++) {
                cl_current_clamp cc;
                assert_int_equal(o->current_clamp(s, i, &cc, &err), CL_OK);
                assert_true(cc.amp == amp[i] && cc.delay == delay[i] && cc.duration == 500 && cc.segment_x == 0.5);
                assert_string_equal(cc.node_set, "biophys_cells");
                assert_null(cc.section_name);
            }
            /* membrane reports only: cai and v, not the extracellular "ecp" */
            assert_int_equal(o->report_count(s), 2);
            cl_report_config r;
            assert_int_equal(o->report(s, 1, &r, &err), CL_OK);
            assert_string_equal(r.variable_name, "v");
            assert_string_equal(r.sections, "soma");
            assert_true(ends_with(r.file_name, "5_cells_iclamp/output/membrane_potential.h5"));
            assert_true(r.dt == 0.1 && r.start_time == 0 && r.end_time == 4000);
        }
        cl_circuit_free(c);
    }
}

static void test_bbp_containers(void **state) {
    (void)state;
    cl_circuit *c = open_ok(L5 "circuit_config.json");
    const cl_circuit_ops *o = cl_circuit_get_ops(c);
    void *s = cl_circuit_get_state(c);
    cl_error err;
    cl_node_model m;
    assert_int_equal(o->node_model(s, "S1nonbarrel_neurons", 0, &m, &err), CL_OK);
    assert_true(ends_with(m.morphology, "morphologies/merged-morphologies.h5")); /* h5v1 container */
    assert_string_equal(m.h5_cell, L5NAME);
    assert_string_equal(m.model_template, "hoc:cADpyr_L5TPC");
    assert_true(ends_with(m.template_path, "emodels_hoc/cADpyr_L5TPC.hoc"));
    assert_int_equal(access(m.template_path, R_OK), 0);
    cl_value v;
    assert_int_equal(o->node_dynamics(s, "S1nonbarrel_neurons", "holding_current", 0, &v, &err), CL_OK);
    assert_int_equal(v.kind, CL_VALUE_NUMBER);
    assert_int_equal(o->node_dynamics(s, "S1nonbarrel_neurons", "no_such", 0, &v, &err), CL_OK);
    assert_int_equal(v.kind, CL_VALUE_NONE);
    assert_int_equal(o->node_attribute(s, "S1nonbarrel_neurons", "mtype", 0, &v, &err), CL_OK); /* @library */
    assert_string_equal(v.str, "L5_TPC:A");
    /* circuit_config.json calls this population "virtual"; its nodes say "biophysical" */
    assert_int_equal(o->node_attribute(s, "external_S1nonbarrel_neurons", "model_type", 0, &v, &err), CL_OK);
    assert_string_equal(v.str, "biophysical");
    assert_int_equal(o->node_model(s, "external_S1nonbarrel_neurons", 0, &m, &err), CL_OK);
    assert_string_equal(m.model_type, "virtual");
    assert_null(m.template_path);
    assert_null(m.morphology);
    cl_circuit_free(c);
    /* morphologies_dir (swc) and neurolucida-asc given: the hoc: e-models
     * take the ASC file (BlueCelluLab's morph_filepath), which exists */
    c = open_ok(BCL "circuit_sonata_quick_scx/circuit_sonata.json");
    o = cl_circuit_get_ops(c);
    s = cl_circuit_get_state(c);
    assert_int_equal(o->node_model(s, "NodeA", 0, &m, &err), CL_OK);
    assert_true(ends_with(m.morphology, "/asc/rr110330_C3_idA.asc"));
    assert_int_equal(access(m.morphology, R_OK), 0);
    assert_null(m.h5_cell);
    assert_null(o->mechanisms_dir(s));
    cl_circuit_free(c);
}

/* ---- node sets on a tiny in-memory population ---- */
static const char *mtype[6] = {"L5_TPC:A", "L5_TPC:B", "L4_SS", "L5_TPC:A", "L23_MC", NULL};
static const double xs[6] = {-1, 0, 1, 2, 3, 4};

static cl_status attr(void *ctx, const char *a, uint64_t node, cl_value *out, cl_error *err) {
    (void)ctx;
    (void)err;
    memset(out, 0, sizeof *out);
    if (!strcmp(a, "mtype") && mtype[node]) {
        out->kind = CL_VALUE_STRING;
        out->str = mtype[node];
    } else if (!strcmp(a, "x")) {
        out->kind = CL_VALUE_NUMBER;
        out->num = xs[node];
    }
    return CL_OK;
}

static size_t eval(const char *json, const char *name, uint64_t *first, cl_error *err, cl_status *st) {
    sn_nodesets ns;
    *st = sn_nodesets_parse(json, strlen(json), "sets.json", &ns, err);
    if (*st != CL_OK) return 0;
    sn_ns_pop p = {.name = "A", .size = 6, .attr = attr};
    const char *pops[2] = {"A", "B"};
    uint64_t *ids = NULL;
    size_t n = 0;
    *st = sn_nodeset_eval(&ns, name, &p, pops, 2, &ids, &n, err);
    if (first && n) *first = ids[0];
    free(ids);
    sn_nodesets_free(&ns);
    return n;
}

static void test_nodesets(void **state) {
    (void)state;
    cl_error err;
    cl_status st;
    uint64_t first = 99;
    const char *j =
        "{\"tpc\": {\"mtype\": {\"$regex\": \"L5_TPC:.*\"}},"
        " \"tpcA\": {\"mtype\": \"L5_TPC:A\"},"
        " \"two\": {\"mtype\": [\"L4_SS\", \"L23_MC\"]},"
        " \"gt\": {\"x\": {\"$gt\": 1}}, \"lte\": {\"x\": {\"$lte\": 0}},"
        " \"and\": {\"mtype\": \"L5_TPC:A\", \"x\": {\"$gte\": 2}},"
        " \"ids\": {\"node_id\": [5, 1, 99]}, \"gids\": {\"gids\": 2},"
        " \"popB\": {\"population\": \"B\"}, \"popA\": {\"population\": [\"B\", \"A\"], \"x\": 4},"
        " \"union\": [\"two\", [\"lte\"], \"tpcA\"], \"dup\": [\"tpcA\", \"tpcA\"],"
        " \"part\": {\"mtype\": {\"$regex\": \"TPC\"}}}";
    assert_int_equal(eval(j, "tpc", &first, &err, &st), 3);
    assert_int_equal(first, 0);
    assert_int_equal(eval(j, "tpcA", NULL, &err, &st), 2);
    assert_int_equal(eval(j, "two", &first, &err, &st), 2);
    assert_int_equal(first, 2);
    assert_int_equal(eval(j, "gt", NULL, &err, &st), 3);
    assert_int_equal(eval(j, "lte", NULL, &err, &st), 2);
    assert_int_equal(eval(j, "and", &first, &err, &st), 1);
    assert_int_equal(first, 3);
    assert_int_equal(eval(j, "ids", &first, &err, &st), 2); /* 99 is outside the population */
    assert_int_equal(first, 1);
    assert_int_equal(eval(j, "gids", NULL, &err, &st), 1);
    assert_int_equal(eval(j, "popB", NULL, &err, &st), 0);
    assert_int_equal(eval(j, "popA", &first, &err, &st), 1);
    assert_int_equal(first, 5);
    assert_int_equal(eval(j, "union", NULL, &err, &st), 5); /* {2,4} u {0,1} u {0,3} */
    assert_int_equal(eval(j, "dup", NULL, &err, &st), 2);
    assert_int_equal(eval(j, "part", NULL, &err, &st), 0); /* $regex is a full match */
    assert_int_equal(eval(j, "A", NULL, &err, &st), 6);   /* population names are sets */
    assert_int_equal(eval(j, "B", NULL, &err, &st), 0);
    assert_int_equal(st, CL_OK);
    eval(j, "nope", NULL, &err, &st);
    assert_int_equal(st, CL_ENOTFOUND);
    assert_non_null(strstr(err.msg, "sets.json: unknown node set \"nope\""));
    eval("{\"a\": [\"b\"], \"b\": [\"c\", \"a\"], \"c\": {}}", "a", NULL, &err, &st);
    assert_int_equal(st, CL_EFORMAT);
    assert_non_null(strstr(err.msg, "cyclic compound node set (a -> b -> a)"));
    eval("{\"a\": {\"x\": {\"$between\": 1}}}", "a", NULL, &err, &st);
    assert_non_null(strstr(err.msg, "sets.json: $.a.x: unknown operator \"$between\""));
    eval("{\"a\": {\"x\": {\"$regex\": \"(\"}}}", "a", NULL, &err, &st);
    assert_non_null(strstr(err.msg, "$.a.x.$regex: bad regular expression"));
    eval("{\"a\": 3}", "a", NULL, &err, &st);
    assert_non_null(strstr(err.msg, "$.a: expected an object"));
    eval("{\"a\": {\"node_id\": [\"x\"]}}", "a", NULL, &err, &st);
    assert_non_null(strstr(err.msg, "$.a.node_id: expected a node id"));
}

static void test_csv(void **state) {
    (void)state;
    sn_csv c;
    cl_error err;
    const char *t = "node_type_id  name \"two words\" q\n"
                    "1 \"a \"\"b\"\" c\" NULL 'x'\n\n"
                    "2 NONE \"\" None\n";
    assert_int_equal(sn_csv_parse(t, strlen(t), "t.csv", "node_type_id", &c, &err), CL_OK);
    assert_int_equal(c.ncol, 4);
    assert_int_equal(c.nrow, 2);
    assert_string_equal(c.header[2], "two words");
    assert_string_equal(c.cell[1], "a \"b\" c");
    assert_null(c.cell[2]);
    assert_string_equal(c.cell[3], "'x'"); /* only " quotes */
    assert_null(c.cell[5]);
    assert_null(c.cell[6]);
    assert_null(c.cell[7]);
    assert_int_equal(c.line[1], 4);
    assert_int_equal(sn_csv_row(&c, 2), 1);
    assert_int_equal(sn_csv_row(&c, 3), -1);
    cl_value v;
    sn_csv_value("2.5e-3", &v);
    assert_true(v.kind == CL_VALUE_NUMBER && v.num == 2.5e-3);
    sn_csv_value("5a", &v);
    assert_int_equal(v.kind, CL_VALUE_STRING);
    sn_csv_free(&c);
    const char *bad[][2] = {{"node_type_id a\n1 2 3\n", "t.csv: line 2: 3 fields, the header has 2"},
                            {"node_type_id a\n1 \"open\n", "t.csv: line 2: unterminated quote"},
                            {"a b\n1 2\n", "t.csv: line 1: no \"node_type_id\" column"},
                            {"node_type_id a\nx 2\n", "t.csv: line 2: node_type_id \"x\" is not an integer"},
                            {"node_type_id\n1\n1\n", "t.csv: line 3: node_type_id 1 appears twice"},
                            {"", "t.csv: empty file"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(sn_csv_parse(bad[i][0], strlen(bad[i][0]), "t.csv", "node_type_id", &c, &err), CL_EFORMAT);
        if (!strstr(err.msg, bad[i][1])) fprintf(stderr, "got: %s\n", err.msg);
        assert_non_null(strstr(err.msg, bad[i][1]));
    }
}

static void test_manifest(void **state) {
    (void)state;
    char dir[] = "/tmp/test_sonata_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/c.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"manifest\": {\"$A\": \"./x\", \"$AB\": \"$A/y\", \"C\": \"${AB}/z\"},\n"
          " \"p\": \"$AB/f\", \"q\": \"${C}.h5\", \"r\": \"${configdir}/k\", \"l\": [\"$A\", 1]}",
          f);
    fclose(f);
    sn_json_file j;
    cl_error err;
    assert_int_equal(sn_json_load(path, &j, &err), CL_OK);
    assert_string_equal(json_string_value(json_object_get(j.root, "p")), "./x/y/f");
    assert_string_equal(json_string_value(json_object_get(j.root, "q")), "./x/y/z.h5");
    char want[300];
    snprintf(want, sizeof want, "%s/k", dir);
    assert_string_equal(json_string_value(json_object_get(j.root, "r")), want);
    assert_string_equal(json_string_value(json_array_get(json_object_get(j.root, "l"), 0)), "./x");
    char *p = NULL;
    assert_int_equal(sn_get_path(&j, j.root, "$", "p", 1, &p, &err), CL_OK);
    snprintf(want, sizeof want, "%s/x/y/f", dir);
    assert_string_equal(p, want);
    free(p);
    sn_json_free(&j);
    /* a cycle never resolves */
    f = fopen(path, "w");
    fputs("{\"manifest\": {\"$A\": \"$B\", \"$B\": \"$A\"}}", f);
    fclose(f);
    assert_int_equal(sn_json_load(path, &j, &err), CL_EFORMAT);
    assert_non_null(strstr(err.msg, "$.manifest: variables still unresolved"));
    char *n = sn_join("/a/b", "../c/./d//e");
    assert_string_equal(n, "/a/c/d/e");
    free(n);
    remove(path);
    rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_300_intfire), cmocka_unit_test(test_5_cells), cmocka_unit_test(test_bbp_containers),
        cmocka_unit_test(test_nodesets),    cmocka_unit_test(test_csv),     cmocka_unit_test(test_manifest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
