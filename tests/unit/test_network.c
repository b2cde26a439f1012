/* The network simulation driven by the in-memory circuit (no files but
 * small JSON parameter files): expectations are derived by hand from
 * IntFire1's rule (m decays with tau; an event adds w; m > 1 fires, then
 * refractory) and from charge conservation, never taken from our output. */
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
#include <hdf5.h>

#include "cellulab.h"
#include "cellulab_memcircuit.h"
#include "cellulab_morph.h"
#include "cellulab_network.h"
#include "fixtures.h"

#define MORPH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Pvalb_470522102_m.swc"

static char tmpdir[256];

static const char *write_json(const char *name, const char *text) {
    static char paths[8][300];
    static int k;
    char *p = paths[k++ % 8];
    snprintf(p, 300, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static void ok(cl_status st, const cl_error *e) {
    if (st) fail_msg("%s", e->msg);
}

/* tau 10 ms and refrac 5 ms, written in seconds as bmtk's JSON files */
static cl_memcircuit *intfire_circuit(uint64_t n_if, const uint64_t *in_nodes, const double *in_t, size_t n_in,
                                      double tstop) {
    cl_memcircuit *mc;
    cl_error e;
    ok(cl_memcircuit_new(&mc, &e), &e);
    const char *dyn = write_json("if1.json", "{\"tau\": 0.01, \"refrac\": 0.005, \"type\": \"NEURON_IntFire1\"}");
    cl_node_model pm = {.model_type = "point_process", .model_template = "nrn:IntFire1", .dynamics_params = dyn};
    cl_node_model vm = {.model_type = "virtual"};
    ok(cl_memcircuit_add_population(mc, "v1", n_if, &pm, &e), &e);
    ok(cl_memcircuit_add_population(mc, "lgn", 4, &vm, &e), &e);
    ok(cl_memcircuit_add_edge_population(mc, "lgn_v1", "lgn", "v1", &e), &e);
    ok(cl_memcircuit_add_spike_input(mc, "lgn", in_nodes, in_t, n_in, &e), &e);
    cl_run_config rc = {NAN, tstop, 0.1, NAN, NAN, NAN, NAN, NULL, NULL, NULL, NULL};
    ok(cl_memcircuit_set_run_config(mc, &rc, &e), &e);
    return mc;
}

/* Two events of w = 0.55 (syn_weight 0.275 x nsyns 2 x sign +1) dt apart
 * fire iff 0.55 exp(-dt/tau) + 0.55 > 1, i.e. dt < tau ln(0.55/0.45) =
 * 2.00671 ms. Pairs 2.0 ms apart fire at the second event; pairs 2.1 ms
 * apart do not. Refractoriness: events inside the 5 ms after a spike are
 * ignored. Node 0 of lgn: pair at 10, 12 (fires at 12 + delay 1 = 13);
 * node 1: pair at 30, 32.1 (no spike); node 2: pair 50, 52 (fires at 53),
 * then a single 0.55 event at 55 (arrives 56, refractory until 58: ignored),
 * and another pair at 60, 62 -> fires at 63 (m was reset to 0 at 58). */
static void test_intfire_decay_rule(void **state) {
    (void)state;
    uint64_t nodes[] = {0, 0, 1, 1, 2, 2, 2, 2, 2};
    double times[] = {10, 12, 30, 32.1, 50, 52, 55, 60, 62};
    cl_memcircuit *mc = intfire_circuit(1, nodes, times, 9, 100);
    const char *syn = write_json("exc.json", "{\"level_of_detail\": \"instanteneous\", \"sign\": 1}");
    cl_error e;
    for (uint64_t s = 0; s < 3; s++) {
        uint64_t id = fx_edge(mc, "lgn_v1", s, 0, 0.275, 1.0, syn);
        ok(cl_memcircuit_set_edge_num(mc, "lgn_v1", id, "nsyns", 2, &e), &e);
    }
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_network_counts k = cl_network_get_counts(net);
    assert_int_equal(k.cells, 1);
    assert_int_equal(k.point, 1);
    assert_int_equal(k.vecstims, 3);
    assert_int_equal(k.netcons, 3);
    cl_pp art;
    ok(cl_network_cell(net, "v1", 0, NULL, &art, &e), &e);
    double tau, refrac;
    assert_int_equal(cl_pp_get(cl_network_sim(net), art, "tau", &tau), CL_OK);
    assert_int_equal(cl_pp_get(cl_network_sim(net), art, "refrac", &refrac), CL_OK);
    assert_true(tau == 10.0 && refrac == 5.0); /* seconds x 1000, as bmtk */
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const uint64_t *sn;
    const double *st;
    size_t n;
    ok(cl_network_spikes(net, "v1", &sn, &st, &n, &e), &e);
    assert_int_equal(n, 3);
    const double want[] = {13, 53, 63};
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(sn[i], 0);
        /* artificial-cell spikes carry their event time: sums of exact
         * binary fractions up to rounding of 12+1 etc. (1e-9 ms) */
        assert_true(fabs(st[i] - want[i]) < 1e-9);
    }
    cl_network_free(net);
    cl_circuit_free(c);
}

/* A chain v1[0] -> v1[1] -> v1[2] (weight 1.5 > 1: each event fires),
 * delays 3 and 4 ms, with the sign of an inhibitory model on a side edge
 * v1[0] -> v1[3] that must never fire it. Input at 5 ms (delay 1):
 * spikes at 6, 9, 13. Then the same with only v1[2] loaded and v1[1]'s
 * spikes replayed as an input: v1[2] fires at 13 again. */
static void test_chain_and_replay(void **state) {
    (void)state;
    uint64_t nodes[] = {0};
    double times[] = {5};
    const char *syn = write_json("exc2.json", "{\"sign\": 1}");
    const char *inh = write_json("inh2.json", "{\"sign\": -1}");
    for (int pass = 0; pass < 2; pass++) {
        cl_memcircuit *mc = intfire_circuit(4, nodes, times, 1, 50);
        cl_error e;
        ok(cl_memcircuit_add_edge_population(mc, "v1_v1", "v1", "v1", &e), &e);
        fx_edge(mc, "lgn_v1", 0, 0, 1.5, 1.0, syn);
        fx_edge(mc, "v1_v1", 0, 1, 1.5, 3.0, syn);
        fx_edge(mc, "v1_v1", 1, 2, 1.5, 4.0, syn);
        fx_edge(mc, "v1_v1", 0, 3, 1.5, 1.0, inh);
        if (pass == 1) {
            uint64_t rn[] = {1};
            double rt[] = {9};
            ok(cl_memcircuit_add_spike_input(mc, "v1", rn, rt, 1, &e), &e);
        }
        cl_circuit *c;
        ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
        uint64_t only[] = {2};
        cl_network_options o = {.select = CL_NET_IDS, .population = "v1", .ids = only, .n_ids = 1};
        cl_network *net;
        ok(cl_network_new(c, pass ? &o : NULL, &net, &e), &e);
        assert_int_equal(cl_network_get_counts(net).cells, pass ? 1 : 4);
        ok(cl_network_run(net, NULL, NULL, &e), &e);
        const uint64_t *sn;
        const double *st;
        size_t n;
        ok(cl_network_spikes(net, "v1", &sn, &st, &n, &e), &e);
        if (pass == 0) {
            assert_int_equal(n, 3);
            assert_int_equal(sn[0], 0);
            assert_int_equal(sn[1], 1);
            assert_int_equal(sn[2], 2);
            assert_true(fabs(st[0] - 6) < 1e-9 && fabs(st[1] - 9) < 1e-9 && fabs(st[2] - 13) < 1e-9);
        } else {
            assert_int_equal(n, 1);
            assert_int_equal(sn[0], 2);
            assert_true(fabs(st[0] - 13) < 1e-9);
        }
        cl_network_free(net);
        cl_circuit_free(c);
    }
}

/* Selection by attribute and by node set; connection_overrides scale the
 * weight (a factor 0.5 turns the 1.5 event into 0.75: no spike) and
 * replace the delay. */
static void test_selection_and_overrides(void **state) {
    (void)state;
    uint64_t nodes[] = {0};
    double times[] = {5};
    cl_error e;
    const char *syn = write_json("exc3.json", "{\"sign\": 1}");
    cl_memcircuit *mc = intfire_circuit(3, nodes, times, 1, 20);
    ok(cl_memcircuit_set_attribute_str(mc, "v1", 0, "mtype", "L4_E", &e), &e);
    ok(cl_memcircuit_set_attribute_str(mc, "v1", 1, "mtype", "L4_I", &e), &e);
    ok(cl_memcircuit_set_attribute_str(mc, "v1", 2, "mtype", "L4_E", &e), &e);
    uint64_t two[] = {2};
    ok(cl_memcircuit_add_node_set(mc, "half", "v1", two, 1, &e), &e);
    for (uint64_t t = 0; t < 3; t++) fx_edge(mc, "lgn_v1", 0, t, 1.5, 1.0, syn);
    cl_connection_override ov = {.name = "weaken", .source = "lgn", .target = "half", .weight = 0.5, .delay = NAN};
    ok(cl_memcircuit_add_connection_override(mc, &ov, &e), &e);
    uint64_t first[] = {0};
    ok(cl_memcircuit_add_node_set(mc, "first", "v1", first, 1, &e), &e);
    cl_connection_override ov2 = {.name = "slow", .source = "lgn", .target = "first", .weight = NAN, .delay = 4.0};
    ok(cl_memcircuit_add_connection_override(mc, &ov2, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network_options o = {.select = CL_NET_ATTRIBUTE, .attribute = "mtype", .attr_value = "L4_E"};
    cl_network *net;
    ok(cl_network_new(c, &o, &net, &e), &e);
    assert_int_equal(cl_network_get_counts(net).cells, 2);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const uint64_t *sn;
    const double *st;
    size_t n;
    ok(cl_network_spikes(net, "v1", &sn, &st, &n, &e), &e);
    assert_int_equal(n, 1); /* node 0 fires; node 2's event was halved */
    assert_int_equal(sn[0], 0);
    assert_true(fabs(st[0] - 9.0) < 1e-9); /* input at 5 ms, the override's delay 4 ms instead of 1 */
    cl_network_free(net);
    cl_network_options o2 = {.select = CL_NET_NODE_SET, .node_set = "half"};
    ok(cl_network_new(c, &o2, &net, &e), &e);
    assert_int_equal(cl_network_get_counts(net).cells, 1);
    cl_network_free(net);
    cl_network_options o3 = {.select = CL_NET_NODE_SET, .node_set = "nope"};
    assert_int_not_equal(cl_network_new(c, &o3, &net, &e), CL_OK);
    assert_non_null(strstr(e.msg, "nope"));
    cl_circuit_free(c);
}

/* A passive cell (morphology only: no conductance) charged by an IClamp
 * at the soma: backward Euler conserves charge, so once the cell has
 * equalised its potential is v_init + Q / C_total, Q = amp * dur and
 * C_total = cm * (sum of segment areas). The soma report and the trace
 * agree with that and with the SONATA files written. */
static void test_iclamp_charge(void **state) {
    (void)state;
    char out[300];
    snprintf(out, sizeof out, "%s/out", tmpdir);
    cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH};
    cl_run_config rc = {NAN, 300, 0.025, 20, NAN, 34, -70, NULL, out, NULL, NULL};
    cl_memcircuit *mc = fx_cells("bio", 1, &bm, &rc);
    cl_error e;
    cl_current_clamp cc = {.name = "step", .node_set = "bio", .amp = 0.1, .delay = 10, .duration = 50,
                           .segment_x = NAN};
    ok(cl_memcircuit_add_current_clamp(mc, &cc, &e), &e);
    cl_report_config rep = {.name = "soma_v", .node_set = "bio", .variable_name = "v", .sections = "soma",
                            .file_name = "v.h5", .dt = 0.1, .start_time = 0, .end_time = 300};
    ok(cl_memcircuit_add_report(mc, &rep, &e), &e);
    cl_report_config rep_all = {.name = "all_v", .node_set = "bio", .variable_name = "v", .sections = "all",
                                .file_name = "all.h5", .dt = 0.5, .start_time = 0, .end_time = 300};
    ok(cl_memcircuit_add_report(mc, &rep_all, &e), &e);
    /* libsonata's section kinds: the basal dendrites at their centres, the
     * soma at every segment */
    cl_report_config rep_dend = {.name = "dend_v", .node_set = "bio", .variable_name = "v", .sections = "dend",
                                 .compartments = "center", .file_name = "dend.h5", .dt = 0.5, .start_time = 0,
                                 .end_time = 300};
    ok(cl_memcircuit_add_report(mc, &rep_dend, &e), &e);
    cl_report_config rep_soma_all = {.name = "soma_all", .node_set = "bio", .variable_name = "v", .sections = "soma",
                                     .compartments = "all", .file_name = "soma_all.h5", .dt = 0.5,
                                     .start_time = 0, .end_time = 300};
    ok(cl_memcircuit_add_report(mc, &rep_soma_all, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_network_counts k = cl_network_get_counts(net);
    assert_int_equal(k.biophysical, 1);
    assert_int_equal(k.clamps, 1);
    cl_sim *sim = cl_network_sim(net);
    cl_cell cell;
    ok(cl_network_cell(net, "bio", 0, &cell, NULL, &e), &e);
    size_t ns = 0;
    assert_int_equal(cl_cell_section_list(sim, cell, "all", NULL, 0, &ns), CL_OK);
    cl_section *secs = malloc(ns * sizeof *secs);
    assert_int_equal(cl_cell_section_list(sim, cell, "all", secs, ns, &ns), CL_OK);
    double area = 0;
    size_t nsegs = 0;
    for (size_t i = 0; i < ns; i++) {
        int nseg;
        double L;
        assert_int_equal(cl_section_get_nseg(sim, secs[i], &nseg), CL_OK);
        assert_int_equal(cl_section_get_L(sim, secs[i], &L), CL_OK);
        assert_int_equal(nseg, 1 + 2 * (int)(L / 40.0)); /* bmtk's rule, dL = 20 */
        nsegs += (size_t)nseg;
        for (int s = 0; s < nseg; s++) {
            double a;
            assert_int_equal(cl_section_area(sim, secs[i], (s + 0.5) / nseg, &a), CL_OK);
            area += a;
        }
    }
    free(secs);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const double *v;
    size_t n;
    ok(cl_network_soma_trace(net, "bio", 0, &v, &n, &e), &e);
    assert_int_equal(n, 12001);
    /* mV = nA * ms / (µm² * 1e-8 cm²/µm² * µF/cm²) * 1e-3 */
    double dv = 0.1 * 50 / (area * 1e-8 * 1.0) * 1e-3;
    /* the charge spreads within a few ms; 240 ms later the remaining
     * gradient is far below 1e-6 mV, and the sum is exact up to rounding */
    assert_true(fabs(v[n - 1] - (-70 + dv)) < 1e-6);
    assert_true(v[0] == -70);
    ok(cl_network_write_outputs(net, NULL, &e), &e);
    char path[400];
    snprintf(path, sizeof path, "%s/v.h5", out);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    hid_t ds = H5Dopen2(f, "/report/bio/data", H5P_DEFAULT);
    assert_true(ds >= 0);
    hid_t sp = H5Dget_space(ds);
    hsize_t dims[2];
    H5Sget_simple_extent_dims(sp, dims, NULL);
    assert_int_equal(dims[0], 3000);
    assert_int_equal(dims[1], 1);
    float *data = malloc(dims[0] * sizeof *data);
    H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
    for (size_t r = 0; r < dims[0]; r++) assert_true(data[r] == (float)v[r * 4]); /* row r: t = r * 0.1 ms */
    free(data);
    H5Sclose(sp);
    H5Dclose(ds);
    H5Fclose(f);
    /* the compartment report: every segment centre, sections numbered as
     * `all`, 600 rows of 0.5 ms; at t = 0 all at v_init, at the end all
     * equalised at v_init + Q / C (float32 storage: 1e-4 mV) */
    snprintf(path, sizeof path, "%s/all.h5", out);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    ds = H5Dopen2(f, "/report/bio/data", H5P_DEFAULT);
    sp = H5Dget_space(ds);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    assert_int_equal(dims[0], 600);
    assert_int_equal(dims[1], nsegs);
    float *all = malloc(dims[0] * dims[1] * sizeof *all);
    H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, all);
    for (size_t q = 0; q < dims[1]; q++) {
        assert_true(all[q] == -70.0f);
        assert_true(fabs(all[(dims[0] - 1) * dims[1] + q] - (-70 + dv)) < 1e-4);
    }
    free(all);
    H5Sclose(sp);
    H5Dclose(ds);
    uint64_t ptr[2];
    ds = H5Dopen2(f, "/report/bio/mapping/index_pointers", H5P_DEFAULT);
    H5Dread(ds, H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptr);
    assert_true(ptr[0] == 0 && ptr[1] == nsegs);
    H5Dclose(ds);
    H5Fclose(f);
    snprintf(path, sizeof path, "%s/spikes.h5", out);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    ds = H5Dopen2(f, "/spikes/bio/timestamps", H5P_DEFAULT);
    assert_true(ds >= 0);
    H5Dclose(ds);
    H5Fclose(f);
    /* dend.h5: one column per basal section, element id = the section's
     * number in the cell's `all` list, position 0.5, equalised at the end;
     * soma_all.h5: one column per soma segment */
    size_t nb = 0, na = 0;
    assert_int_equal(cl_cell_section_list(sim, cell, "basal", NULL, 0, &nb), CL_OK);
    assert_int_equal(cl_cell_section_list(sim, cell, "all", NULL, 0, &na), CL_OK);
    cl_section *bas = malloc((nb + 1) * sizeof *bas), *alls = malloc((na + 1) * sizeof *alls);
    assert_int_equal(cl_cell_section_list(sim, cell, "basal", bas, nb, &nb), CL_OK);
    assert_int_equal(cl_cell_section_list(sim, cell, "all", alls, na, &na), CL_OK);
    assert_true(nb > 0);
    snprintf(path, sizeof path, "%s/dend.h5", out);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    ds = H5Dopen2(f, "/report/bio/data", H5P_DEFAULT);
    sp = H5Dget_space(ds);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    assert_int_equal(dims[0], 600);
    assert_int_equal(dims[1], nb);
    float *dd = malloc(dims[0] * dims[1] * sizeof *dd);
    H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, dd);
    for (size_t q = 0; q < dims[1]; q++) assert_true(fabs(dd[(dims[0] - 1) * dims[1] + q] - (-70 + dv)) < 1e-4);
    free(dd);
    H5Sclose(sp);
    H5Dclose(ds);
    uint32_t *eid = malloc(nb * sizeof *eid);
    float *epos = malloc(nb * sizeof *epos);
    ds = H5Dopen2(f, "/report/bio/mapping/element_ids", H5P_DEFAULT);
    H5Dread(ds, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, eid);
    H5Dclose(ds);
    ds = H5Dopen2(f, "/report/bio/mapping/element_pos", H5P_DEFAULT);
    H5Dread(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, epos);
    H5Dclose(ds);
    for (size_t q = 0; q < nb; q++) {
        size_t want = na;
        for (size_t j = 0; j < na; j++)
            if (alls[j].id == bas[q].id) want = j;
        assert_int_equal(eid[q], want);
        assert_true(epos[q] == 0.5f);
    }
    free(eid);
    free(epos);
    H5Fclose(f);
    int soma_nseg = 0;
    cl_section soma;
    assert_int_equal(cl_cell_section_list(sim, cell, "somatic", &soma, 1, &nb), CL_OK);
    assert_int_equal(cl_section_get_nseg(sim, soma, &soma_nseg), CL_OK);
    snprintf(path, sizeof path, "%s/soma_all.h5", out);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    ds = H5Dopen2(f, "/report/bio/data", H5P_DEFAULT);
    sp = H5Dget_space(ds);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    assert_int_equal(dims[1], soma_nseg);
    H5Sclose(sp);
    H5Dclose(ds);
    H5Fclose(f);
    free(bas);
    free(alls);
    cl_network_free(net);
    cl_circuit_free(c);
}

/* A passive cell driven by an Exp2Syn from a virtual input, at section 0
 * (the soma in both numberings), with the synaptic model's tau1/tau2/erev
 * and a missing weight or a section id out of range as clear errors. */
static void test_synapse_errors(void **state) {
    (void)state;
    for (int bad = 0; bad < 3; bad++) {
        cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH};
        cl_run_config rc = {NAN, 20, 0.025, 20, NAN, 34, -70, NULL, NULL, NULL, NULL};
        cl_memcircuit *mc = fx_bio_ext(&bm, &rc);
        cl_error e;
        const char *syn = write_json("ampa.json", "{\"level_of_detail\": \"exp2syn\", \"tau1\": 1.0, \"tau2\": 3.0, \"erev\": 0.0}");
        uint64_t id;
        ok(cl_memcircuit_add_edge(mc, "ext_bio", 0, 0, syn, &id, &e), &e);
        if (bad != 1) ok(cl_memcircuit_set_edge_num(mc, "ext_bio", id, "syn_weight", 0.001, &e), &e);
        ok(cl_memcircuit_set_edge_num(mc, "ext_bio", id, "delay", 2, &e), &e);
        ok(cl_memcircuit_set_edge_num(mc, "ext_bio", id, "sec_id", bad == 2 ? 99999 : 0, &e), &e);
        ok(cl_memcircuit_set_edge_num(mc, "ext_bio", id, "sec_x", 0.5, &e), &e);
        uint64_t in[] = {0};
        double t[] = {1};
        ok(cl_memcircuit_add_spike_input(mc, "ext", in, t, 1, &e), &e);
        cl_circuit *c;
        ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
        cl_network *net = NULL;
        cl_status st = cl_network_new(c, NULL, &net, &e);
        if (bad == 0) {
            ok(st, &e);
            assert_int_equal(cl_network_get_counts(net).synapses, 1);
            ok(cl_network_record_soma(net, "bio", 0, &e), &e);
            ok(cl_network_run(net, NULL, NULL, &e), &e);
            const double *v;
            size_t n;
            ok(cl_network_soma_trace(net, "bio", 0, &v, &n, &e), &e);
            /* nothing before the event arrives at 3 ms, depolarised after */
            assert_true(v[100] == -70);
            assert_true(v[n - 1] > -70);
            cl_network_free(net);
        } else {
            assert_int_not_equal(st, CL_OK);
            assert_null(net);
            assert_non_null(strstr(e.msg, bad == 1 ? "syn_weight" : "99999"));
        }
        cl_circuit_free(c);
    }
}


/* Replay: three spiking cells (the Pvalb morphology with hh everywhere,
 * 6.3 °C), node 0 driven by a current step, Exp2Syn edges 0->1, 0->2,
 * 1->2. A full run, then a run that loads only nodes 1 and 2 with node 0's
 * spikes of the full run replayed as an input: both cells' soma traces are
 * the full run's (1e-9 mV: simultaneous events may sum in another order,
 * one rounding each). */
static cl_network *replay_net(const uint64_t *ids, size_t n_ids, const double *in_t, size_t n_in, cl_circuit **c_out) {
    uint64_t zero[] = {0};
    cl_memcircuit *mc = fx_driven_bio(3, MORPH, 60, zero, 1);
    cl_error e;
    const char *syn = write_json("ampa_r.json", "{\"tau1\": 0.5, \"tau2\": 3.0, \"erev\": 0.0}");
    const uint64_t src[] = {0, 0, 1, 0}, tgt[] = {1, 2, 2, 1};
    const double sec[] = {0, 5, 0, 12};
    for (int i = 0; i < 4; i++) fx_edge_at(mc, "bio_bio", src[i], tgt[i], 0.05, 1.5 + i * 0.25, syn, sec[i], 0.5);
    if (n_in) {
        uint64_t *nodes = calloc(n_in, sizeof *nodes);
        ok(cl_memcircuit_add_spike_input(mc, "bio", nodes, in_t, n_in, &e), &e);
        free(nodes);
    }
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network_options o = {.select = ids ? CL_NET_IDS : CL_NET_ALL, .population = "bio", .ids = ids, .n_ids = n_ids};
    cl_network *net;
    ok(cl_network_new(c, &o, &net, &e), &e);
    cl_sim *sim = cl_network_sim(net);
    for (uint64_t k = 0; k < 3; k++) {
        cl_cell cell;
        if (cl_network_cell(net, "bio", k, &cell, NULL, &e)) continue;
        fx_insert_all(sim, cell, "hh");
        ok(cl_network_record_soma(net, "bio", k, &e), &e);
    }
    *c_out = c; /* kept by the network: freed after it */
    return net;
}

static void test_replay_biophysical(void **state) {
    (void)state;
    cl_error e;
    cl_circuit *cf, *cp;
    cl_network *full = replay_net(NULL, 0, NULL, 0, &cf);
    ok(cl_network_run(full, NULL, NULL, &e), &e);
    const uint64_t *sn;
    const double *st;
    size_t n;
    ok(cl_network_spikes(full, "bio", &sn, &st, &n, &e), &e);
    double *t0 = malloc((n + 1) * sizeof *t0);
    size_t n0 = 0, n1 = 0, n2 = 0;
    for (size_t i = 0; i < n; i++) {
        if (sn[i] == 0) t0[n0++] = st[i];
        n1 += sn[i] == 1;
        n2 += sn[i] == 2;
    }
    assert_true(n0 >= 2 && n1 >= 1); /* the drive reaches the downstream cells */
    uint64_t ids[] = {1, 2};
    cl_network *part = replay_net(ids, 2, t0, n0, &cp);
    assert_int_equal(cl_network_get_counts(part).cells, 2);
    assert_int_equal(cl_network_get_counts(part).vecstims, 1);
    ok(cl_network_run(part, NULL, NULL, &e), &e);
    for (uint64_t k = 1; k <= 2; k++) {
        const double *a, *b;
        size_t na, nb;
        ok(cl_network_soma_trace(full, "bio", k, &a, &na, &e), &e);
        ok(cl_network_soma_trace(part, "bio", k, &b, &nb, &e), &e);
        assert_int_equal(na, nb);
        double md = 0;
        for (size_t i = 0; i < na; i++) md = fmax(md, fabs(a[i] - b[i]));
        printf("replay: node %llu max |dv| %.3g mV (%zu spikes of node 0, %zu of node 1, %zu of node 2)\n",
               (unsigned long long)k, md, n0, n1, n2);
        assert_true(md <= 1e-9);
    }
    free(t0);
    cl_network_free(full);
    cl_network_free(part);
    cl_circuit_free(cf);
    cl_circuit_free(cp);
}

/* Malformed circuits: each fails cl_network_new with a message naming the
 * problem, and nothing is returned. */
static void test_error_table(void **state) {
    (void)state;
    struct {
        int kind;
        const char *want;
    } cases[] = {
        {0, "tstop"},          {1, "not supported"},     {2, "IntFire4"}, {3, "morphology"},
        {4, "no node population"}, {5, "expected soma, axon, dend, apic or all"}, {6, "expected nrn:NAME"},
        {7, "cannot open the hoc template"}, {8, "no `NAME = new MECH()`"},
    };
    const char *empty_hoc = write_json("empty.hoc", "begintemplate X\nproc init() { }\nendtemplate X\n");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cl_memcircuit *mc;
        cl_error e;
        ok(cl_memcircuit_new(&mc, &e), &e);
        cl_node_model m = {.model_type = "point_process", .model_template = "nrn:IntFire1"};
        if (cases[i].kind == 1) m.model_type = "nest_neuron";
        if (cases[i].kind == 2) m.model_template = "nrn:IntFire4";
        if (cases[i].kind == 3) m = (cl_node_model){.model_type = "biophysical"};
        if (cases[i].kind == 5) m = (cl_node_model){.model_type = "biophysical", .morphology = MORPH};
        if (cases[i].kind == 6) m.model_template = "nest:iaf_psc_alpha";
        if (cases[i].kind == 7) m.model_template = "hoc:Missing";
        if (cases[i].kind == 8) m = (cl_node_model){.model_type = "point_process", .model_template = "hoc:X",
                                                    .template_path = empty_hoc};
        ok(cl_memcircuit_add_population(mc, "p", 1, &m, &e), &e);
        cl_run_config rc = {NAN, cases[i].kind == 0 ? NAN : 10, NAN, NAN, NAN, NAN, NAN, NULL, NULL, NULL, NULL};
        ok(cl_memcircuit_set_run_config(mc, &rc, &e), &e);
        if (cases[i].kind == 4) {
            uint64_t nd[] = {0};
            double t[] = {1};
            ok(cl_memcircuit_add_spike_input(mc, "ghost", nd, t, 1, &e), &e);
        }
        if (cases[i].kind == 5) {
            cl_report_config r = {.name = "axon_v", .variable_name = "v", .sections = "axn"};
            ok(cl_memcircuit_add_report(mc, &r, &e), &e);
        }
        cl_circuit *c;
        ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
        cl_network *net = NULL;
        e.msg[0] = 0;
        assert_int_not_equal(cl_network_new(c, NULL, &net, &e), CL_OK);
        assert_null(net);
        if (!strstr(e.msg, cases[i].want)) fail_msg("case %zu: \"%s\" lacks \"%s\"", i, e.msg, cases[i].want);
        cl_circuit_free(c);
    }
}

static int stop_early(double t, double tstop, void *ctx) {
    (void)tstop;
    ++*(int *)ctx;
    return t > 4.95; /* t accumulates dt as NEURON: 5 ms give or take rounding */
}

/* The progress callback sees the run advance and can stop it; results are
 * refused before a complete run. */
static void test_progress_stop(void **state) {
    (void)state;
    uint64_t nodes[] = {0};
    double times[] = {1};
    cl_memcircuit *mc = intfire_circuit(1, nodes, times, 1, 20);
    cl_circuit *c;
    cl_error e;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    const uint64_t *sn;
    const double *st;
    size_t n;
    assert_int_equal(cl_network_spikes(net, "v1", &sn, &st, &n, &e), CL_ESTATE);
    int calls = 0;
    assert_int_equal(cl_network_run(net, stop_early, &calls, &e), CL_ESTATE);
    assert_int_equal(calls, 25); /* 1 % of 200 steps per call: t = 5 ms at the 25th */
    assert_int_equal(cl_network_spikes(net, "v1", &sn, &st, &n, &e), CL_ESTATE);
    ok(cl_network_run(net, NULL, NULL, &e), &e); /* a new run starts over and completes */
    ok(cl_network_spikes(net, "v1", &sn, &st, &n, &e), &e);
    assert_int_equal(n, 0); /* no edges onto the cell */
    cl_network_free(net);
    cl_circuit_free(c);
}

/* A BBP point-neuron hoc template (the form of BlueCelluLab's ring test):
 * the artificial cell it creates, with the parameters it assigns. */
static void test_hoc_point_template(void **state) {
    (void)state;
    const char *hoc = write_json("pt.hoc",
                                 "begintemplate P\npublic pointcell\nobjref pointcell\nproc init() {\n"
                                 "  // pointcell.tau = 99\n  pointcell = new IntFire1()\n  pointcell.tau = 24.0\n"
                                 "  pointcell.refrac = 3\n}\nendtemplate P\n");
    cl_memcircuit *mc;
    cl_error e;
    ok(cl_memcircuit_new(&mc, &e), &e);
    cl_node_model m = {.model_type = "point_process", .model_template = "hoc:P", .template_path = hoc};
    ok(cl_memcircuit_add_population(mc, "p", 2, &m, &e), &e);
    cl_run_config rc = {NAN, 10, NAN, NAN, NAN, NAN, NAN, NULL, NULL, NULL, NULL};
    ok(cl_memcircuit_set_run_config(mc, &rc, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_pp pp;
    ok(cl_network_cell(net, "p", 1, NULL, &pp, &e), &e);
    double tau, refrac;
    assert_int_equal(cl_pp_get(cl_network_sim(net), pp, "tau", &tau), CL_OK);
    assert_int_equal(cl_pp_get(cl_network_sim(net), pp, "refrac", &refrac), CL_OK);
    assert_true(tau == 24.0 && refrac == 3.0); /* ms as written; the comment is not read */
    cl_network_free(net);
    cl_circuit_free(c);
}

/* Section numbering: afferent_section_id counts `all` (bmtk) or soma, axon,
 * basal, apical (the spec). The same section named by its index in each
 * numbering gives the same trace, bit for bit; another section does not. */
static cl_network *numbered_net(cl_section_numbering numbering, double sec_id, cl_circuit **c_out) {
    /* the axon stub of aibs_perisomatic is built last, so `all` ends with it */
    cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH, .model_processing = "aibs_perisomatic"};
    cl_run_config rc = {NAN, 10, 0.025, 20, NAN, 34, -70, NULL, NULL, NULL, NULL};
    cl_memcircuit *mc = fx_bio_ext(&bm, &rc);
    cl_error e;
    const char *syn = write_json("ampa_n.json", "{\"tau1\": 0.5, \"tau2\": 2.0, \"erev\": 0.0}");
    if (sec_id >= 0) {
        fx_edge_at(mc, "ext_bio", 0, 0, 0.01, 1.0, syn, sec_id, 0.5);
        uint64_t in[] = {0};
        double t[] = {1};
        ok(cl_memcircuit_add_spike_input(mc, "ext", in, t, 1, &e), &e);
    }
    ok(cl_memcircuit_to_circuit(mc, c_out, &e), &e);
    cl_network_options o = {.numbering = numbering};
    cl_network *net;
    ok(cl_network_new(*c_out, &o, &net, &e), &e);
    ok(cl_network_record_soma(net, "bio", 0, &e), &e);
    return net;
}

static void test_section_numbering(void **state) {
    (void)state;
    cl_circuit *c;
    cl_error e;
    cl_network *net = numbered_net(CL_SECNUM_BMTK, -1, &c);
    cl_sim *sim = cl_network_sim(net);
    cl_cell cell;
    ok(cl_network_cell(net, "bio", 0, &cell, NULL, &e), &e);
    size_t n_all, n_axon;
    assert_int_equal(cl_cell_section_list(sim, cell, "all", NULL, 0, &n_all), CL_OK);
    assert_int_equal(cl_cell_section_list(sim, cell, "axonal", NULL, 0, &n_axon), CL_OK);
    cl_section *all = malloc(n_all * sizeof *all), dend0;
    assert_int_equal(cl_cell_section_list(sim, cell, "all", all, n_all, &n_all), CL_OK);
    assert_int_equal(cl_cell_section(sim, cell, "dend[0]", &dend0), CL_OK);
    size_t j = 0;
    while (j < n_all && all[j].id != dend0.id) j++;
    assert_true(j == 1 && n_axon == 2); /* soma[0], dend[0] ... apic ..., axon[0], axon[1] */
    free(all);
    cl_network_free(net);
    cl_circuit_free(c);
    size_t spec_id = 1 + n_axon; /* soma[0], axon[0], axon[1], then dend[0] */
    assert_int_not_equal(spec_id, j); /* the numberings differ for this cell */
    cl_circuit *c1, *c2, *c3;
    cl_network *a = numbered_net(CL_SECNUM_BMTK, (double)j, &c1);
    cl_network *b = numbered_net(CL_SECNUM_SPEC, (double)spec_id, &c2);
    cl_network *d = numbered_net(CL_SECNUM_SPEC, (double)j, &c3);
    ok(cl_network_run(a, NULL, NULL, &e), &e);
    ok(cl_network_run(b, NULL, NULL, &e), &e);
    ok(cl_network_run(d, NULL, NULL, &e), &e);
    const double *va, *vb, *vd;
    size_t na, nb, nd;
    ok(cl_network_soma_trace(a, "bio", 0, &va, &na, &e), &e);
    ok(cl_network_soma_trace(b, "bio", 0, &vb, &nb, &e), &e);
    ok(cl_network_soma_trace(d, "bio", 0, &vd, &nd, &e), &e);
    assert_int_equal(na, nb);
    assert_true(va[na - 1] > -70); /* the synapse acted */
    assert_memory_equal(va, vb, na * sizeof *va);
    assert_true(vd[nd - 1] != va[na - 1]);
    cl_network_free(a);
    cl_network_free(b);
    cl_network_free(d);
    cl_circuit_free(c1);
    cl_circuit_free(c2);
    cl_circuit_free(c3);
}

/* The in-memory circuit's builder refuses what a file reader would call
 * malformed, and reads back what was put in through cl_circuit_ops. */
static void test_memcircuit(void **state) {
    (void)state;
    cl_memcircuit *mc;
    cl_error e;
    ok(cl_memcircuit_new(&mc, &e), &e);
    cl_node_model m = {.model_type = "point_process", .model_template = "nrn:IntFire1"};
    ok(cl_memcircuit_add_population(mc, "a", 2, &m, &e), &e);
    assert_int_equal(cl_memcircuit_add_population(mc, "a", 1, &m, &e), CL_EINVAL);
    assert_non_null(strstr(e.msg, "\"a\" exists"));
    assert_int_equal(cl_memcircuit_set_attribute_num(mc, "a", 2, "x", 1, &e), CL_EINVAL);
    assert_non_null(strstr(e.msg, "node 2 out of range"));
    assert_int_equal(cl_memcircuit_set_attribute_num(mc, "b", 0, "x", 1, &e), CL_ENOTFOUND);
    uint64_t bad[] = {5};
    assert_int_equal(cl_memcircuit_add_node_set(mc, "s", "a", bad, 1, &e), CL_EINVAL);
    assert_int_equal(cl_memcircuit_add_edge(mc, "nope", 0, 0, NULL, NULL, &e), CL_ENOTFOUND);
    assert_int_equal(cl_memcircuit_add_edge_population(mc, "e", "a", "ghost", &e), CL_ENOTFOUND);
    ok(cl_memcircuit_add_edge_population(mc, "e", "a", "a", &e), &e);
    assert_int_equal(cl_memcircuit_add_edge(mc, "e", 0, 9, NULL, NULL, &e), CL_EINVAL);
    uint64_t id;
    ok(cl_memcircuit_add_edge(mc, "e", 1, 0, NULL, &id, &e), &e);
    ok(cl_memcircuit_set_edge_str(mc, "e", id, "model_template", "Exp2Syn", &e), &e);
    ok(cl_memcircuit_set_attribute_str(mc, "a", 1, "mtype", "L5", &e), &e);
    uint64_t ids[] = {1, 0, 1};
    ok(cl_memcircuit_add_node_set(mc, "s", "a", ids, 3, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    const cl_circuit_ops *ops = cl_circuit_get_ops(c);
    void *st = cl_circuit_get_state(c);
    cl_value v;
    ok(ops->node_attribute(st, "a", "mtype", 1, &v, &e), &e);
    assert_true(v.kind == CL_VALUE_STRING && strcmp(v.str, "L5") == 0);
    ok(ops->node_attribute(st, "a", "mtype", 0, &v, &e), &e);
    assert_int_equal(v.kind, CL_VALUE_NONE);
    uint64_t *got;
    size_t n;
    ok(ops->node_set(st, "s", "a", &got, &n, &e), &e);
    assert_true(n == 2 && got[0] == 0 && got[1] == 1); /* sorted, deduplicated */
    free(got);
    ok(ops->afferent_edges(st, "e", 0, &got, &n, &e), &e);
    assert_true(n == 1 && got[0] == id);
    free(got);
    uint64_t src;
    ok(ops->edge_source(st, "e", id, &src, &e), &e);
    assert_int_equal(src, 1);
    assert_int_equal(ops->node_set(st, "missing", "a", &got, &n, &e), CL_ENOTFOUND);
    cl_circuit_free(c);
}

/* Blue Brain e-models (model_template hoc:NAME, issue 8) on the ball and
 * stick (a v5 template with getThreshold 0.184062, getHypAmp -0.070557):
 * the currents are the node's dynamics_params, else the template's; spikes
 * are detected where and when soma(1) first reaches -30 mV (neurodamus'
 * default), stamped at that step; the hyperpolarizing input injects those
 * holding currents; an edge population of Blue Brain synapses
 * (syn_type_id, no model_template) is built (here an error: the edge
 * has no u_syn) or, with no_bbp_synapses,
 * left out with a warning naming it and its edge count. */
#define BALLSTICK CELLULAB_SHARED_DATA "/bluecellulab/ballstick/"
static cl_circuit *ballstick_circuit(void) {
    cl_memcircuit *mc;
    cl_error e;
    ok(cl_memcircuit_new(&mc, &e), &e);
    cl_node_model m = {.model_type = "biophysical", .model_template = "hoc:ballstick_cell",
                       .template_path = BALLSTICK "emodel.hoc", .morphology = BALLSTICK "morphology.asc"};
    ok(cl_memcircuit_add_population(mc, "bs", 2, &m, &e), &e);
    ok(cl_memcircuit_set_dynamics(mc, "bs", 1, "holding_current", 0.5, &e), &e);
    ok(cl_memcircuit_add_edge_population(mc, "bs__bs__chemical", "bs", "bs", &e), &e);
    uint64_t id;
    ok(cl_memcircuit_add_edge(mc, "bs__bs__chemical", 0, 1, NULL, &id, &e), &e);
    ok(cl_memcircuit_set_edge_num(mc, "bs__bs__chemical", id, "syn_type_id", 120, &e), &e);
    ok(cl_memcircuit_set_edge_num(mc, "bs__bs__chemical", id, "conductance", 1.0, &e), &e);
    cl_current_clamp cc = {.name = "step", .amp = 1.0, .delay = 1, .duration = 5, .segment_x = 0.5};
    ok(cl_memcircuit_add_current_clamp(mc, &cc, &e), &e);
    /* BBP's hyperpolarizing input: each cell's holding current */
    cl_input in = {.name = "hyp", .module = "hyperpolarizing", .input_type = "current_clamp", .delay = 0,
                   .duration = 20, .where = "test: $.inputs.hyp", .run_seed = NAN};
    size_t ii;
    ok(cl_memcircuit_add_input(mc, &in, &ii, &e), &e);
    ok(cl_memcircuit_set_input_num(mc, ii, "delay", 0, &e), &e);
    ok(cl_memcircuit_set_input_num(mc, ii, "duration", 20, &e), &e);
    cl_run_config rc = {NAN, 10, 0.025, NAN, NAN, NAN, -65, NULL, NULL, NULL, NULL};
    ok(cl_memcircuit_set_run_config(mc, &rc, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    return c;
}

static void test_hoc_emodel(void **state) {
    (void)state;
    cl_error e;
    cl_circuit *c = ballstick_circuit();
    cl_network *net = NULL;
    /* by default the Blue Brain synapse is built: this edge lacks the
     * synapse's parameters, an error naming the edge and the attribute */
    assert_int_not_equal(cl_network_new(c, NULL, &net, &e), CL_OK);
    assert_null(net);
    if (!strstr(e.msg, "edge population \"bs__bs__chemical\" edge 0: attribute \"u_syn\" is missing"))
        fail_msg("unexpected: \"%s\"", e.msg);
    cl_network_options nosyn = {.no_bbp_synapses = 1}; /* BlueCelluLab's add_synapses=False */
    ok(cl_network_new(c, &nosyn, &net, &e), &e);
    assert_int_equal(cl_network_warning_count(net), 1);
    assert_non_null(strstr(cl_network_warning(net, 0), "\"bs__bs__chemical\": 1 edges onto the loaded cells left out"));
    assert_null(cl_network_warning(net, 1));
    cl_network_counts k = cl_network_get_counts(net);
    assert_true(k.biophysical == 2 && k.netcons == 0 && k.synapses == 0 && k.edges_left_out == 1);
    double thr, hold;
    ok(cl_network_cell_currents(net, "bs", 0, &thr, &hold, &e), &e);
    assert_true(thr == 0.184062 && hold == -0.070557); /* the template's */
    ok(cl_network_cell_currents(net, "bs", 1, &thr, &hold, &e), &e);
    assert_true(thr == 0.184062 && hold == 0.5); /* the node's holding_current wins */
    assert_int_equal(cl_network_cell_currents(net, "bs", 2, &thr, &hold, &e), CL_ENOTFOUND);
    cl_cell cell;
    cl_section soma;
    cl_rec r1;
    ok(cl_network_cell(net, "bs", 0, &cell, NULL, &e), &e);
    assert_int_equal(cl_cell_soma(cl_network_sim(net), cell, &soma), CL_OK);
    assert_int_equal(cl_rec_section(cl_network_sim(net), soma, 1.0, "v", 0, &r1), CL_OK);
    cl_rec hi[2];
    for (uint64_t k = 0; k < 2; k++) {
        cl_pp pp;
        size_t npp = 0;
        ok(cl_network_input_pps(net, "hyp", "bs", k, &pp, 1, &npp, &e), &e);
        assert_int_equal(npp, 1);
        assert_int_equal(cl_rec_pp(cl_network_sim(net), pp, "i", 0, &hi[k]), CL_OK);
    }
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    /* the injected current in mid-run: the template's getHypAmp() for
     * node 0, the node's @dynamics:holding_current for node 1 */
    const double *i0, *i1;
    size_t ni;
    assert_int_equal(cl_rec_data(cl_network_sim(net), hi[0], &i0, &ni), CL_OK);
    assert_int_equal(cl_rec_data(cl_network_sim(net), hi[1], &i1, &ni), CL_OK);
    assert_true(ni > 200 && i0[200] == -0.070557 && i1[200] == 0.5);
    const double *v;
    size_t n;
    assert_int_equal(cl_rec_data(cl_network_sim(net), r1, &v, &n), CL_OK);
    size_t first = 0;
    for (size_t i = 1; i < n && !first; i++)
        if (v[i - 1] < -30 && v[i] >= -30) first = i;
    assert_true(first > 0);
    const uint64_t *ids;
    const double *t;
    size_t ns;
    ok(cl_network_spikes(net, "bs", &ids, &t, &ns, &e), &e);
    size_t j = 0;
    while (j < ns && ids[j] != 0) j++; /* node 0's first spike */
    assert_true(j < ns);
    /* the step where soma(1) crossed, up to the accumulated time's rounding */
    assert_true(fabs(t[j] - first * 0.025) < 1e-9);
    cl_network_free(net);
    cl_circuit_free(c);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cl_network_XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_intfire_decay_rule),
        cmocka_unit_test(test_chain_and_replay),
        cmocka_unit_test(test_selection_and_overrides),
        cmocka_unit_test(test_iclamp_charge),
        cmocka_unit_test(test_synapse_errors),
        cmocka_unit_test(test_replay_biophysical),
        cmocka_unit_test(test_error_table),
        cmocka_unit_test(test_progress_stop),
        cmocka_unit_test(test_hoc_point_template),
        cmocka_unit_test(test_section_numbering),
        cmocka_unit_test(test_memcircuit),
        cmocka_unit_test(test_hoc_emodel),
    };
    int r = cmocka_run_group_tests(tests, NULL, NULL);
    if (fx_remove_dir(tmpdir) != 0) r = r ? r : 1;
    return r;
}
