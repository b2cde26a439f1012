/* The network simulation of a SONATA example against NEURON 8.2 building
 * the same model (tests/oracle/neuron_sonata_5cells.py): every node's soma
 * voltage at every step within 1e-6 mV, and the same spikes.
 *
 * usage: network_compare CONFIG.json REFDIR WORKDIR
 * The circuit's MOD files are built by the network itself (into
 * WORKDIR/mechanisms.so), so the build path is exercised too. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_circuit.h"
#include "cellulab_network.h"
#include "read_col.h"

int main(int argc, char **argv) {
    /* "legacy": NEURON 7's constants on both sides (nrnunit_use_legacy(1));
     * "mech=LIB": load this library instead of building the circuit's
     * mechanisms_dir (circuits that name none, e.g. BBP's quick_scx) */
    /* "holding=DELAY,DUR": an IClamp at every cell's soma(0.5) with the
     * cell's holding current (cl_network_cell_currents), BBP's
     * hyperpolarizing input built by hand */
    /* "tol=X": the voltage bound (mV) instead of 1e-6; "inputs=A,B,...":
     * also compare the current of these inputs' clamps on every node they
     * are on with REFDIR/i_<input>_<node>.txt, at every step (same bound,
     * in nA) */
    int legacy = 0, holding = 0, nosyn = 0;
    double h_del = 0, h_dur = 0, tol = 1e-6;
    const char *mech = NULL, *inputs = NULL;
    for (int i = 4; i < argc; i++) {
        if (strncmp(argv[i], "tol=", 4) == 0)
            tol = atof(argv[i] + 4);
        else if (strncmp(argv[i], "inputs=", 7) == 0)
            inputs = argv[i] + 7;
        else if (strcmp(argv[i], "legacy") == 0)
            legacy = 1;
        else if (strcmp(argv[i], "nosyn") == 0) /* Blue Brain synapses left out */
            nosyn = 1;
        else if (strncmp(argv[i], "mech=", 5) == 0)
            mech = argv[i] + 5;
        else if (sscanf(argv[i], "holding=%lf,%lf", &h_del, &h_dur) == 2)
            holding = 1;
        else
            argc = 0;
    }
    if (argc < 4) {
        fprintf(stderr, "usage: network_compare CONFIG.json REFDIR WORKDIR [legacy] [nosyn] [mech=LIB] [holding=DELAY,DUR] "
                        "[tol=MV] [inputs=NAME,...]\n");
        return 2;
    }
    cl_error e = {{0}};
    cl_circuit *c = NULL;
    if (cl_circuit_open_sonata(argv[1], &c, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    char so[4096];
    snprintf(so, sizeof so, "%s/mechanisms.so", argv[3]);
    /* the oracle is NEURON 8.2: its soma orientation */
    cl_network_options o = {.build_mechanisms = !mech, .mechanisms_cache = so, .output_dir = argv[3],
                            .soma = CL_SOMA_NEURON82, .mechanisms = &mech, .n_mechanisms = mech ? 1 : 0,
                            .no_bbp_synapses = nosyn};
    cl_network *net = NULL;
    if (cl_network_new(c, &o, &net, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        cl_circuit_free(c);
        return 1;
    }
    const char *pop = cl_network_population_name(net, 0);
    uint64_t n_nodes = 0;
    cl_circuit_get_ops(c)->node_population_size(cl_circuit_get_state(c), pop, &n_nodes, &e);
    for (uint64_t k = 0; k < n_nodes; k++)
        if (cl_network_record_soma(net, pop, k, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
    for (uint64_t k = 0; holding && k < n_nodes; k++) {
        double amp;
        cl_cell cell;
        cl_section soma;
        cl_pp ic;
        cl_sim *sim = cl_network_sim(net);
        if (cl_network_cell_currents(net, pop, k, NULL, &amp, &e) || cl_network_cell(net, pop, k, &cell, NULL, &e)) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
        if (isnan(amp) || cl_cell_soma(sim, cell, &soma) || cl_pp_new(sim, "IClamp", soma, 0.5, &ic) ||
            cl_pp_set(sim, ic, "del", h_del) || cl_pp_set(sim, ic, "dur", h_dur) || cl_pp_set(sim, ic, "amp", amp)) {
            fprintf(stderr, "node %llu: no holding current clamp (%s)\n", (unsigned long long)k, cl_sim_errmsg(sim));
            return 1;
        }
    }
    /* the input clamps' currents: up to 64 (input, node) pairs */
    struct irec {
        char name[64];
        uint64_t node;
        cl_rec rec;
    } irecs[64];
    size_t n_irec = 0;
    for (const char *p = inputs; p && *p;) {
        size_t len = strcspn(p, ",");
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), p);
        for (uint64_t k = 0; k < n_nodes; k++) {
            cl_pp pp[4];
            size_t npp = 0;
            if (cl_network_input_pps(net, name, pop, k, pp, 4, &npp, &e)) {
                fprintf(stderr, "%s\n", e.msg);
                return 1;
            }
            if (npp == 0) continue;
            if (npp != 1 || n_irec == 64 || cl_rec_pp(cl_network_sim(net), pp[0], "i", 0, &irecs[n_irec].rec)) {
                fprintf(stderr, "input %s node %llu: %zu clamps, not recorded\n", name, (unsigned long long)k, npp);
                return 1;
            }
            snprintf(irecs[n_irec].name, sizeof irecs[n_irec].name, "%s", name);
            irecs[n_irec++].node = k;
        }
        p += len + (p[len] == ',');
    }
    if (legacy && cl_sim_set_legacy_units(cl_network_sim(net), 1)) {
        fprintf(stderr, "%s\n", cl_sim_errmsg(cl_network_sim(net)));
        return 1;
    }
    if (cl_network_run(net, NULL, NULL, &e)) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    int bad = 0;
    const uint64_t *sn;
    const double *st;
    size_t ns;
    cl_network_spikes(net, pop, &sn, &st, &ns, &e);
    for (uint64_t k = 0; k < n_nodes; k++) {
        char path[4096];
        size_t nr, nv, nrs;
        snprintf(path, sizeof path, "%s/v_%llu.txt", argv[2], (unsigned long long)k);
        double *ref = read_col(path, &nr);
        snprintf(path, sizeof path, "%s/spikes_%llu.txt", argv[2], (unsigned long long)k);
        double *rs = read_col(path, &nrs);
        const double *v;
        if (!ref || !rs || cl_network_soma_trace(net, pop, k, &v, &nv, &e)) {
            fprintf(stderr, "node %llu: no reference or trace (%s)\n", (unsigned long long)k, e.msg);
            return 1;
        }
        double md = 0;
        size_t at = 0;
        if (nv != nr) {
            printf("node %llu: %zu samples, NEURON %zu\n", (unsigned long long)k, nv, nr);
            bad = 1;
        }
        size_t first = (size_t)-1; /* the first step that differs, for diagnosis */
        for (size_t i = 0; i < nv && i < nr; i++) {
            if (first == (size_t)-1 && v[i] != ref[i]) {
                first = i;
                printf("node %llu: first difference at step %zu: %.17g vs NEURON %.17g\n", (unsigned long long)k, i,
                       v[i], ref[i]);
            }
            if (fabs(v[i] - ref[i]) > md) {
                md = fabs(v[i] - ref[i]);
                at = i;
            }
        }
        /* 1e-6 mV: the same arithmetic but for summation order in the
         * translated MOD code over 40,000 steps */
        if (!(md <= tol)) bad = 1;
        size_t mine = 0;
        double sd = 0;
        for (size_t i = 0; i < ns; i++) {
            if (sn[i] != k) continue;
            if (mine < nrs) sd = fmax(sd, fabs(st[i] - rs[mine]));
            mine++;
        }
        /* spike times: both stamp the step where v crosses the threshold */
        if (mine != nrs || !(sd <= 1e-6)) bad = 1;
        printf("node %llu: max |dv| %.3g mV (step %zu), spikes %zu / NEURON %zu, max |dt| %.3g ms\n",
               (unsigned long long)k, md, at, mine, nrs, sd);
        free(ref);
        free(rs);
    }
    for (size_t j = 0; j < n_irec; j++) {
        char path[4096];
        size_t nr, ni;
        const double *iv;
        snprintf(path, sizeof path, "%.4000s/i_%.60s_%llu.txt", argv[2], irecs[j].name, (unsigned long long)irecs[j].node);
        double *ref = read_col(path, &nr);
        if (!ref || cl_rec_data(cl_network_sim(net), irecs[j].rec, &iv, &ni)) {
            printf("input %s node %llu: no reference %s or no record\n", irecs[j].name,
                   (unsigned long long)irecs[j].node, path);
            bad = 1;
            free(ref);
            continue;
        }
        snprintf(path, sizeof path, "%.4000s/i_%.60s_%llu.txt", argv[3], irecs[j].name, (unsigned long long)irecs[j].node);
        FILE *fo = fopen(path, "w"); /* ours, for diagnosis */
        for (size_t i = 0; fo && i < ni; i++) fprintf(fo, "%.17g\n", iv[i]);
        if (fo) fclose(fo);
        double md = 0;
        size_t at = 0, neq = 0;
        for (size_t i = 0; i < ni && i < nr; i++) {
            if (iv[i] == ref[i]) neq++;
            if (fabs(iv[i] - ref[i]) > md) md = fabs(iv[i] - ref[i]), at = i;
        }
        if (ni != nr || !(md <= tol)) bad = 1;
        printf("input %s node %llu: %zu samples (NEURON %zu), %zu equal, max |di| %.3g nA (step %zu)\n",
               irecs[j].name, (unsigned long long)irecs[j].node, ni, nr, neq, md, at);
        free(ref);
    }
    cl_network_free(net);
    cl_circuit_free(c);
    printf("%s\n", bad ? "FAIL" : "OK");
    return bad;
}
