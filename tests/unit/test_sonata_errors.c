/* Malformed SONATA input: a table of broken circuits (written here with the
 * HDF5 C API and plain text), each of which must fail with a message that
 * names the file and the place (JSON path, HDF5 dataset, CSV line) and says
 * what is wrong. Every case starts from the same small valid circuit, which
 * must open. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellulab_circuit.h"
#include "fixtures.h"

static char dir[] = "/tmp/test_sonata_err_XXXXXX";

static const char *tmp(const char *name) { return fx_path(dir, name); }
static void text(const char *name, const char *body) { fx_write_file(dir, name, body); }

static void put_str_attr(hid_t loc, const char *dset, const char *name, const char *val) {
    hid_t d = H5Dopen2(loc, dset, H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(d, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, t, &val);
    H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    H5Dclose(d);
}

enum { NODES_OK, NODES_FLOAT_TYPE, NODES_DANGLING, NODES_NO_TYPE };

static void write_nodes(int variant) {
    hid_t f = H5Fcreate(tmp("nodes.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t p = H5Gcreate2(g, "pop", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double types[3] = {1, 1, variant == NODES_DANGLING ? 9 : 2}, zero[3] = {0, 0, 0}, idx[3] = {0, 1, 2};
    if (variant != NODES_NO_TYPE)
        fx_put_doubles(p, "node_type_id", variant == NODES_FLOAT_TYPE ? H5T_IEEE_F64LE : H5T_STD_U64LE, 3, types);
    fx_put_doubles(p, "node_group_id", H5T_STD_U32LE, 3, zero);
    fx_put_doubles(p, "node_group_index", H5T_STD_U64LE, 3, idx);
    hid_t g0 = H5Gcreate2(p, "0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    fx_put_doubles(g0, "x", H5T_IEEE_F64LE, 3, idx);
    H5Gclose(g0);
    H5Gclose(p);
    H5Gclose(g);
    H5Fclose(f);
}

static void write_edges(const char *target_pop) {
    hid_t f = H5Fcreate(tmp("edges.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/edges", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t p = H5Gcreate2(g, "e", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double src[2] = {0, 1}, tgt[2] = {1, 2}, type[2] = {5, 5};
    fx_put_doubles(p, "source_node_id", H5T_STD_U64LE, 2, src);
    fx_put_doubles(p, "target_node_id", H5T_STD_U64LE, 2, tgt);
    fx_put_doubles(p, "edge_type_id", H5T_STD_U32LE, 2, type);
    put_str_attr(p, "source_node_id", "node_population", "pop");
    put_str_attr(p, "target_node_id", "node_population", target_pop);
    H5Gclose(p);
    H5Gclose(g);
    H5Fclose(f);
}

static void write_spikes(const char *pop) {
    hid_t f = H5Fcreate(tmp("spikes.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t p = H5Gcreate2(g, pop, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    double ids[2] = {0, 1}, t[2] = {1.5, 2.5};
    fx_put_doubles(p, "node_ids", H5T_STD_U64LE, 2, ids);
    fx_put_doubles(p, "timestamps", H5T_IEEE_F64LE, 2, t);
    H5Gclose(p);
    H5Gclose(g);
    H5Fclose(f);
}

#define CIRCUIT_OK                                                                                          \
    "{\"manifest\": {\"$D\": \".\"},\n"                                                                     \
    " \"networks\": {\"nodes\": [{\"nodes_file\": \"$D/nodes.h5\", \"node_types_file\": \"node_types.csv\"}],\n" \
    "              \"edges\": [{\"edges_file\": \"edges.h5\", \"edge_types_file\": \"edge_types.csv\"}]}}\n"
#define SIM_OK                                                                                                  \
    "{\"network\": \"circuit_config.json\", \"node_sets_file\": \"node_sets.json\",\n"                          \
    " \"run\": {\"tstop\": 10, \"dt\": 0.025}, \"node_set\": \"all\",\n"                                       \
    " \"inputs\": {\"spk\": {\"input_type\": \"spikes\", \"module\": \"sonata\", \"input_file\": \"spikes.h5\"},\n" \
    "            \"clamp\": {\"input_type\": \"current_clamp\", \"module\": \"IClamp\", \"node_set\": \"pop\",\n"  \
    "                      \"amp\": 0.1, \"delay\": 1, \"duration\": 2}},\n"                                    \
    " \"connection_overrides\": [{\"name\": \"o\", \"source\": \"all\", \"target\": \"pop\", \"weight\": 2}]}\n"

static void write_good(void) {
    write_nodes(NODES_OK);
    write_edges("pop");
    write_spikes("pop");
    text("node_types.csv", "node_type_id model_type\n1 biophysical\n2 virtual\n");
    text("edge_types.csv", "edge_type_id syn_weight\n5 0.1\n");
    text("node_sets.json", "{\"all\": [\"pop\"], \"bio\": {\"model_type\": \"biophysical\"}}");
    text("circuit_config.json", CIRCUIT_OK);
    text("simulation_config.json", SIM_OK);
}

static int setup(void **state) {
    (void)state;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* the test's own writes: quiet */
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    const char *files[] = {"nodes.h5", "edges.h5", "spikes.h5", "node_types.csv", "edge_types.csv",
                           "node_sets.json", "circuit_config.json", "simulation_config.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) remove(tmp(files[i]));
    rmdir(dir);
    return 0;
}

static void put2(hid_t loc, const char *name, hsize_t rows, const double *v) {
    hsize_t dims[2] = {rows, 2};
    hid_t sp = H5Screate_simple(2, dims, NULL);
    hid_t d = H5Dcreate2(loc, name, H5T_STD_U64LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
}

/* Two groups with different columns, an @library enumeration, per-node
 * dynamics_params, and an edge index spelled "indicies"/node_id_to_range
 * (the older bmtk files): values are the ones written here. */
static void test_groups(void **state) {
    (void)state;
    write_good();
    hid_t f = H5Fcreate(tmp("nodes.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t p = H5Gcreate2(g, "pop", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const double types[4] = {1, 2, 1, 2}, gid[4] = {1, 0, 1, 0}, gix[4] = {0, 0, 1, 1};
    fx_put_doubles(p, "node_type_id", H5T_STD_U64LE, 4, types);
    fx_put_doubles(p, "node_group_id", H5T_STD_U32LE, 4, gid);
    fx_put_doubles(p, "node_group_index", H5T_STD_U64LE, 4, gix);
    hid_t g0 = H5Gcreate2(p, "0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const double x[2] = {10, 11}, mt[2] = {1, 0}, gd[2] = {0.5, 0.6}, y[2] = {20, 21};
    fx_put_doubles(g0, "x", H5T_IEEE_F64LE, 2, x);
    fx_put_doubles(g0, "mtype", H5T_STD_U32LE, 2, mt);
    hid_t lib = H5Gcreate2(g0, "@library", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const char *names[2] = {"L5_TPC:A", "L23_MC"};
    fx_put_strings(lib, "mtype", 2, names);
    hid_t dyn = H5Gcreate2(g0, "dynamics_params", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    fx_put_doubles(dyn, "gbar", H5T_IEEE_F32LE, 2, gd);
    hid_t g1 = H5Gcreate2(p, "1", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    fx_put_doubles(g1, "y", H5T_IEEE_F64LE, 2, y);
    H5Gclose(dyn);
    H5Gclose(lib);
    H5Gclose(g0);
    H5Gclose(g1);
    H5Gclose(p);
    H5Gclose(g);
    H5Fclose(f);
    /* edges onto 1, 0, 1 with an index in the old spelling */
    f = H5Fcreate(tmp("edges.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    g = H5Gcreate2(f, "/edges", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    p = H5Gcreate2(g, "e", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const double src[3] = {3, 2, 0}, tgt[3] = {1, 0, 1}, et[3] = {5, 5, 5};
    fx_put_doubles(p, "source_node_id", H5T_STD_U64LE, 3, src);
    fx_put_doubles(p, "target_node_id", H5T_STD_U64LE, 3, tgt);
    fx_put_doubles(p, "edge_type_id", H5T_STD_U32LE, 3, et);
    put_str_attr(p, "source_node_id", "node_population", "pop");
    put_str_attr(p, "target_node_id", "node_population", "pop");
    hid_t ix = H5Gcreate2(p, "indicies", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t2s = H5Gcreate2(ix, "target_to_source", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const double n2r[8] = {0, 1, 1, 3, 3, 3, 3, 3}, r2e[6] = {1, 2, 2, 3, 0, 1};
    put2(t2s, "node_id_to_range", 4, n2r);
    put2(t2s, "range_to_edge_id", 3, r2e);
    H5Gclose(t2s);
    H5Gclose(ix);
    H5Gclose(p);
    H5Gclose(g);
    H5Fclose(f);
    text("node_sets.json", "{\"all\": [\"pop\"], \"A\": {\"mtype\": \"L23_MC\"}, \"y\": {\"y\": {\"$gt\": 20}}}");
    cl_circuit *c;
    cl_error err = {{0}};
    cl_status st = cl_circuit_open_sonata(tmp("simulation_config.json"), &c, &err);
    if (st) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, CL_OK);
    const cl_circuit_ops *o = cl_circuit_get_ops(c);
    void *s = cl_circuit_get_state(c);
    cl_value v;
    assert_int_equal(o->node_attribute(s, "pop", "y", 0, &v, &err), CL_OK); /* group 1, row 0 */
    assert_true(v.kind == CL_VALUE_NUMBER && v.num == 20);
    assert_int_equal(o->node_attribute(s, "pop", "x", 3, &v, &err), CL_OK); /* group 0, row 1 */
    assert_true(v.kind == CL_VALUE_NUMBER && v.num == 11);
    assert_int_equal(o->node_attribute(s, "pop", "x", 0, &v, &err), CL_OK); /* not in group 1 */
    assert_int_equal(v.kind, CL_VALUE_NONE);
    assert_int_equal(o->node_attribute(s, "pop", "mtype", 1, &v, &err), CL_OK);
    assert_true(v.kind == CL_VALUE_STRING && !strcmp(v.str, "L23_MC"));
    assert_int_equal(o->node_attribute(s, "pop", "model_type", 1, &v, &err), CL_OK); /* CSV, type 2 */
    assert_true(v.kind == CL_VALUE_STRING && !strcmp(v.str, "virtual"));
    assert_int_equal(o->node_dynamics(s, "pop", "gbar", 3, &v, &err), CL_OK);
    assert_true(v.kind == CL_VALUE_NUMBER && v.num == (double)0.6f);
    uint64_t *ids;
    size_t n;
    assert_int_equal(o->node_set(s, "A", "pop", &ids, &n, &err), CL_OK);
    assert_true(n == 1 && ids[0] == 1);
    free(ids);
    assert_int_equal(o->node_set(s, "y", "pop", &ids, &n, &err), CL_OK);
    assert_true(n == 1 && ids[0] == 2);
    free(ids);
    const uint64_t want[4][2] = {{1, 1}, {0, 2}, {0, 0}, {0, 0}};
    const size_t nwant[4] = {1, 2, 0, 0};
    for (uint64_t t = 0; t < 4; t++) {
        assert_int_equal(o->afferent_edges(s, "e", t, &ids, &n, &err), CL_OK);
        assert_int_equal(n, nwant[t]);
        for (size_t k = 0; k < n; k++) assert_int_equal(ids[k], want[t][k]);
        free(ids);
    }
    cl_circuit_free(c);
}

static void test_good(void **state) {
    (void)state;
    write_good();
    cl_circuit *c;
    cl_error err = {{0}};
    cl_status st = cl_circuit_open_sonata(tmp("simulation_config.json"), &c, &err);
    if (st) fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(st, CL_OK);
    const cl_circuit_ops *o = cl_circuit_get_ops(c);
    void *s = cl_circuit_get_state(c);
    uint64_t *ids;
    size_t n;
    assert_int_equal(o->node_set(s, "bio", "pop", &ids, &n, &err), CL_OK);
    assert_int_equal(n, 2);
    free(ids);
    /* no index in edges.h5: the fallback scan */
    assert_int_equal(o->afferent_edges(s, "e", 2, &ids, &n, &err), CL_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], 1);
    free(ids);
    assert_int_equal(o->afferent_edges(s, "e", 0, &ids, &n, &err), CL_OK);
    assert_int_equal(n, 0);
    free(ids);
    cl_value v;
    assert_int_equal(o->edge_attribute(s, "e", "syn_weight", 1, &v, &err), CL_OK);
    assert_true(v.kind == CL_VALUE_NUMBER && v.num == 0.1);
    cl_connection_override ov;
    assert_int_equal(o->connection_override_count(s), 1);
    assert_int_equal(o->connection_override(s, 0, &ov, &err), CL_OK);
    assert_true(ov.weight == 2 && ov.delay != ov.delay);
    assert_int_equal(o->spike_input_count(s), 1);
    cl_circuit_free(c);
    /* bmtk-style: connection_overrides as an object keyed by name */
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"node_sets_file\": \"node_sets.json\","
                                   " \"connection_overrides\": {\"ov\": {\"source\": \"pop\", \"target\": \"bio\","
                                   " \"delay\": 3}}}");
    assert_int_equal(cl_circuit_open_sonata(tmp("simulation_config.json"), &c, &err), CL_OK);
    o = cl_circuit_get_ops(c);
    s = cl_circuit_get_state(c);
    assert_int_equal(o->connection_override_count(s), 1);
    assert_int_equal(o->connection_override(s, 0, &ov, &err), CL_OK);
    assert_string_equal(ov.name, "ov");
    assert_string_equal(ov.target, "bio");
    assert_true(ov.delay == 3 && ov.weight != ov.weight);
    cl_circuit_free(c);
    /* no "network": circuit_config.json beside it (libsonata's default) */
    text("simulation_config.json", "{\"run\": {\"tstop\": 5, \"dt\": 0.1}}");
    assert_int_equal(cl_circuit_open_sonata(tmp("simulation_config.json"), &c, &err), CL_OK);
    assert_int_equal(cl_circuit_get_ops(c)->node_population_count(cl_circuit_get_state(c)), 1);
    cl_circuit_free(c);
}

typedef struct bad_case {
    const char *what;
    void (*mutate)(void);
    const char *file;     /* the file the message must name */
    const char *expect[2]; /* and these substrings */
    const char *set;      /* evaluate this node set after a successful open */
} bad_case;

static void m_missing(void) { text("circuit_config.json", "{\"networks\": {\"nodes\": [{\"nodes_file\": \"gone.h5\"}]}}"); }
static void m_float_type(void) { write_nodes(NODES_FLOAT_TYPE); }
static void m_no_type(void) { write_nodes(NODES_NO_TYPE); }
static void m_dangling(void) { write_nodes(NODES_DANGLING); }
static void m_unknown_set(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"node_sets_file\": \"node_sets.json\","
                                   " \"node_set\": \"nope\"}");
}
static void m_unknown_set_input(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"node_sets_file\": \"node_sets.json\","
                                   " \"inputs\": {\"c\": {\"input_type\": \"current_clamp\", \"node_set\": \"nope\","
                                   " \"amp\": 1, \"delay\": 1, \"duration\": 1}}}");
}
static void m_cycle(void) { text("node_sets.json", "{\"all\": [\"a\"], \"a\": [\"pop\", \"b\"], \"b\": [\"a\"]}"); }
static void m_json_syntax(void) { text("circuit_config.json", "{\"networks\": {\n  \"nodes\": [,]}}"); }
static void m_json_type(void) { text("circuit_config.json", "{\"networks\": {\"nodes\": 5}}"); }
static void m_json_type_sim(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"run\": {\"tstop\": \"long\"}}");
}
static void m_json_type_entry(void) {
    text("circuit_config.json", "{\"networks\": {\"nodes\": [{\"nodes_file\": 3}]}}");
}
static void m_unknown_pop(void) {
    text("circuit_config.json", "{\"networks\": {\"nodes\": [{\"nodes_file\": \"nodes.h5\", \"populations\": "
                                "{\"nope\": {\"type\": \"biophysical\"}}}]}}");
}
static void m_edge_pop(void) { write_edges("other"); }
static void m_spike_pop(void) { write_spikes("zzz"); }
static void m_csv(void) { text("node_types.csv", "model_type\nbiophysical\n"); }
static void m_csv_fields(void) { text("node_types.csv", "node_type_id model_type\n1 biophysical\n2 virtual extra\n"); }
static void m_clamp_amp(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"inputs\": {\"clamp\": {\"input_type\":"
                                   " \"current_clamp\", \"delay\": 1, \"duration\": 2}}}");
}
static void m_nodesets_json(void) { text("node_sets.json", "[1, 2"); }
static void m_overrides(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"connection_overrides\": 3}");
}
/* Blue Brain conditions (issue 9) */
static void m_bbp_gaba(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": "
                                   "{\"randomize_gaba_rise_time\": 1}}");
}
static void m_bbp_mechs(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"mechanisms\": 2}}");
}
static void m_bbp_mech_value(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"mechanisms\": "
                                   "{\"ProbAMPANMDA_EMS\": {\"init_depleted\": \"yes\"}}}}");
}
static void m_bbp_spike_location(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"spike_location\": \"axon\"}}");
}
static void m_syn_delay(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"connection_overrides\": "
                                   "[{\"source\": \"all\", \"target\": \"all\", \"synapse_delay_override\": -1}]}");
}
static void m_mods_type(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"modifications\": 1}}");
}
static void m_mods_kind(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"modifications\": "
                                   "[{\"name\": \"m\", \"type\": \"melt\", \"node_set\": \"all\"}]}}");
}
static void m_mods_no_set(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"modifications\": "
                                   "[{\"name\": \"m\", \"type\": \"ttx\"}]}}");
}
static void m_mods_no_cfg(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"modifications\": "
                                   "{\"m\": {\"type\": \"section_list\", \"node_set\": \"all\"}}}}");
}
static void m_mods_set(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"conditions\": {\"modifications\": "
                                   "[{\"type\": \"ttx\", \"node_set\": \"nope\"}]}}");
}
static void m_not_config(void) { text("simulation_config.json", "{\"something\": 1}"); }
static void m_bad_regex(void) { text("node_sets.json", "{\"all\": {\"model_type\": {\"$regex\": \"[\"}}}"); }
static void m_missing_nodesets(void) {
    text("simulation_config.json", "{\"network\": \"circuit_config.json\", \"node_sets_file\": \"ns2.json\"}");
}
static void m_missing_network(void) { text("simulation_config.json", "{\"network\": \"nowhere.json\"}"); }

static const bad_case cases[] = {
    {"missing nodes file", m_missing, "circuit_config.json", {"$.networks.nodes[0].nodes_file", "missing file"}, NULL},
    {"missing circuit config", m_missing_network, "nowhere.json", {"cannot open", NULL}, NULL},
    {"missing node sets file", m_missing_nodesets, "ns2.json", {"cannot open", NULL}, NULL},
    {"float node_type_id", m_float_type, "nodes.h5", {"/nodes/pop/node_type_id", "element type is not integer"}, NULL},
    {"no node_type_id", m_no_type, "nodes.h5", {"/nodes/pop/node_type_id", "missing dataset"}, NULL},
    {"dangling node_type_id", m_dangling, "nodes.h5", {"/nodes/pop/node_type_id[2]", "node_type_id 9 is not in"}, NULL},
    {"unknown node set", m_unknown_set, "simulation_config.json", {"$.node_set", "unknown node set \"nope\""}, NULL},
    {"unknown input node set", m_unknown_set_input, "simulation_config.json",
     {"$.inputs.c.node_set", "unknown node set \"nope\""}, NULL},
    {"cyclic compound node set", m_cycle, "node_sets.json", {"$.a", "cyclic compound node set (a -> b -> a)"}, "all"},
    {"bad regex", m_bad_regex, "node_sets.json", {"$.all.model_type.$regex", "bad regular expression"}, "all"},
    {"JSON syntax", m_json_syntax, "circuit_config.json", {"line 2", "bad JSON"}, NULL},
    {"JSON type (networks.nodes)", m_json_type, "circuit_config.json", {"$.networks.nodes", "expected an array"}, NULL},
    {"JSON type (nodes_file)", m_json_type_entry, "circuit_config.json",
     {"$.networks.nodes[0].nodes_file", "expected a string"}, NULL},
    {"JSON type (run.tstop)", m_json_type_sim, "simulation_config.json", {"$.run.tstop", "expected a number"}, NULL},
    {"node sets JSON", m_nodesets_json, "node_sets.json", {"line 1", "bad JSON"}, NULL},
    {"unknown population (config)", m_unknown_pop, "circuit_config.json",
     {"$.networks.nodes[0].populations.nope", "unknown population"}, NULL},
    {"unknown population (edges)", m_edge_pop, "edges.h5",
     {"/edges/e/target_node_id", "node_population \"other\" is an unknown population"}, NULL},
    {"unknown population (spikes)", m_spike_pop, "spikes.h5", {"/spikes/zzz", "unknown population"}, NULL},
    {"types CSV without id column", m_csv, "node_types.csv", {"line 1", "no \"node_type_id\" column"}, NULL},
    {"types CSV field count", m_csv_fields, "node_types.csv", {"line 3", "3 fields, the header has 2"}, NULL},
    {"current clamp without amp", m_clamp_amp, "simulation_config.json", {"$.inputs.clamp.amp", "missing"}, NULL},
    {"connection_overrides type", m_overrides, "simulation_config.json",
     {"$.connection_overrides", "expected an array"}, NULL},
    {"randomize_gaba_rise_time type", m_bbp_gaba, "simulation_config.json",
     {"$.conditions.randomize_gaba_rise_time", "expected true or false"}, NULL},
    {"conditions.mechanisms type", m_bbp_mechs, "simulation_config.json",
     {"$.conditions.mechanisms", "expected an object"}, NULL},
    {"conditions.mechanisms value", m_bbp_mech_value, "simulation_config.json",
     {"$.conditions.mechanisms.ProbAMPANMDA_EMS.init_depleted", "expected a number or a boolean"}, NULL},
    {"spike_location value", m_bbp_spike_location, "simulation_config.json",
     {"$.conditions.spike_location", "expected soma or AIS"}, NULL},
    {"negative synapse_delay_override", m_syn_delay, "simulation_config.json",
     {"$.connection_overrides[0].synapse_delay_override", "-1 is not a delay > 0 ms"}, NULL},
    {"modifications type", m_mods_type, "simulation_config.json",
     {"$.conditions.modifications", "expected an array"}, NULL},
    {"modification kind", m_mods_kind, "simulation_config.json",
     {"$.conditions.modifications[0].type", "\"melt\" is not a modification"}, NULL},
    {"modification without node_set", m_mods_no_set, "simulation_config.json",
     {"$.conditions.modifications[0]", "needs a node_set"}, NULL},
    {"modification without section_configure", m_mods_no_cfg, "simulation_config.json",
     {"$.conditions.modifications.m", "needs a section_configure"}, NULL},
    {"modification node set", m_mods_set, "simulation_config.json",
     {"$.conditions.modifications[0].node_set", "unknown node set \"nope\""}, NULL},
    {"not a config", m_not_config, "simulation_config.json", {"neither \"networks\" nor \"network\"", NULL}, NULL},
};

static void test_bad(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bad_case *b = &cases[i];
        write_good();
        b->mutate();
        cl_circuit *c = NULL;
        cl_error err = {{0}};
        cl_status st = cl_circuit_open_sonata(tmp("simulation_config.json"), &c, &err);
        if (b->set) { /* opens: the error comes when the set is evaluated */
            if (st != CL_OK) fprintf(stderr, "%s: %s\n", b->what, err.msg);
            assert_int_equal(st, CL_OK);
            uint64_t *ids = NULL;
            size_t n;
            st = cl_circuit_get_ops(c)->node_set(cl_circuit_get_state(c), b->set, "pop", &ids, &n, &err);
            free(ids);
            cl_circuit_free(c);
            c = NULL;
        }
        assert_null(c);
        int ok = st != CL_OK && strstr(err.msg, tmp(b->file)) != NULL;
        for (int k = 0; k < 2; k++)
            if (b->expect[k] && !strstr(err.msg, b->expect[k])) ok = 0;
        fprintf(stderr, "%-30s %s\n", b->what, err.msg);
        if (!ok) fail_msg("case \"%s\": status %d, message \"%s\"", b->what, st, err.msg);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_good), cmocka_unit_test(test_groups),
                                       cmocka_unit_test(test_bad)};
    return cmocka_run_group_tests(tests, setup, teardown);
}
