/* cellulab run: simulate a SONATA network (CircuitSimulation) and write its
 * outputs; a progress bar on a terminal, a summary at the end. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cellulab_circuit.h"
#include "cellulab_network.h"
#include "cli/cli.h"

static void usage(FILE *f) {
    fprintf(f,
            "usage: cellulab run CONFIG.json [--node-set NAME] [--output DIR] [--mechanisms LIB]...\n"
            "                    [--numbering bmtk|spec] [--legacy-units] [--bmtk-import3d] [--threads N]\n"
            "                    [--soma-orientation neuron9|neuron82] [--no-synapses] [--minis]\n"
            "                    [--no-progress]\n"
            "\n"
            "Simulate a SONATA network: a simulation config (or a config.json naming\n"
            "the circuit and the simulation). Spikes and soma reports are written as\n"
            "SONATA files into the output folder (the config's output_dir unless\n"
            "--output is given).\n"
            "\n"
            "  --node-set NAME   simulate only this node set; the other cells' spikes\n"
            "                    come from the spike inputs (replay)\n"
            "  --output DIR      the output folder\n"
            "  --mechanisms LIB  load a library from `cellulab build-mechanisms` (repeatable);\n"
            "                    without it the circuit's mechanisms_dir is built into\n"
            "                    OUTPUT/mechanisms.so when a biophysical cell needs it\n"
            "  --numbering bmtk|spec  how afferent_section_id numbers sections (default bmtk)\n"
            "  --legacy-units    NEURON 7's physical constants (FARADAY, R), as NEURON 8's\n"
            "                    h.nrnunit_use_legacy(1); the Allen example references used them\n"
            "  --bmtk-import3d   3-D points with 6 significant digits, as bmtk's own Import3d\n"
            "                    writes them (the Allen example references too)\n"
            "  --threads N       threads stepping the cells (default: all cores; 1: none);\n"
            "                    results are bit-identical for every N\n"
            "  --soma-orientation neuron9|neuron82  the major axis of Neurolucida contour\n"
            "                    somas as NEURON 9 (default) or NEURON 8.2 orients it\n"
            "  --no-synapses     leave out Blue Brain synapses (edges with syn_type_id and\n"
            "                    no model_template), as BlueCelluLab's add_synapses=False;\n"
            "                    by default they are built (their MOD files must be loaded)\n"
            "  --minis           spontaneous minis on Blue Brain synapses (an InhPoissonStim\n"
            "                    per synapse at the node's exc/inh mini frequency or a\n"
            "                    connection override's spont_minis, seeded by run.minis_seed),\n"
            "                    as BlueCelluLab's add_minis=True (off by default, as there)\n"
            "  --no-progress     no progress bar\n"
            "\n"
            "Under mpirun (mpirun -n K cellulab run CONFIG.json) the cells are shared among\n"
            "the K ranks, balanced by compartment count; spikes are exchanged every\n"
            "shortest delay between cells of different ranks (it must be at least dt) and\n"
            "rank 0 writes the same spike and report files as one process, bit for bit\n"
            "(except events meeting one target at the very same time from causes on two\n"
            "ranks: docs/STATUS.md). --threads defaults to 1 per rank there. An error on\n"
            "any rank stops every rank. %s\n",
            cli_mpi_built() ? "This build has MPI." : "This build has no MPI: each rank would run everything.");
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int bar(double t, double tstop, void *ctx) {
    (void)ctx;
    const int width = 40;
    double f = tstop > 0 ? t / tstop : 1;
    if (f > 1) f = 1;
    int k = (int)(f * width);
    fprintf(stderr, "\r[%.*s%*s] %3d%%  t = %.1f / %.1f ms", k, "########################################",
            width - k, "", (int)round(f * 100), t, tstop);
    fflush(stderr);
    return 0;
}

int cli_run(int argc, char **argv) {
    const char *config = NULL, *node_set = NULL, *output = NULL;
    const char **mechs = calloc((size_t)argc + 1, sizeof *mechs);
    size_t n_mechs = 0;
    int threads_given = 0;
    int show = isatty(STDERR_FILENO), rc = 1, legacy_units = 0, pt3d_digits = 0, threads = 0, no_synapses = 0,
        minis = 0;
    cl_section_numbering numbering = CL_SECNUM_BMTK;
    cl_soma_orientation soma = CL_SOMA_NEURON9;
    if (!mechs) return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            free(mechs);
            return 0;
        } else if (strcmp(a, "--node-set") == 0 && i + 1 < argc) {
            node_set = argv[++i];
        } else if (strcmp(a, "--output") == 0 && i + 1 < argc) {
            output = argv[++i];
        } else if (strcmp(a, "--mechanisms") == 0 && i + 1 < argc) {
            mechs[n_mechs++] = argv[++i];
        } else if (strcmp(a, "--numbering") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "bmtk") == 0)
                numbering = CL_SECNUM_BMTK;
            else if (strcmp(v, "spec") == 0)
                numbering = CL_SECNUM_SPEC;
            else {
                fprintf(stderr, "cellulab run: --numbering: expected bmtk or spec, got \"%s\"\n", v);
                free(mechs);
                return 2;
            }
        } else if (strcmp(a, "--soma-orientation") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            if (strcmp(v, "neuron9") == 0)
                soma = CL_SOMA_NEURON9;
            else if (strcmp(v, "neuron82") == 0)
                soma = CL_SOMA_NEURON82;
            else {
                fprintf(stderr, "cellulab run: --soma-orientation: expected neuron9 or neuron82, got \"%s\"\n", v);
                free(mechs);
                return 2;
            }
        } else if (strcmp(a, "--legacy-units") == 0) {
            legacy_units = 1;
        } else if (strcmp(a, "--bmtk-import3d") == 0) {
            pt3d_digits = 6;
        } else if (strcmp(a, "--threads") == 0 && i + 1 < argc) {
            const char *v = argv[++i];
            char *end;
            long n = strtol(v, &end, 10);
            if (end == v || *end || n < 0 || n > 1024) {
                fprintf(stderr, "cellulab run: --threads: expected a count from 0 (all cores) to 1024, got \"%s\"\n", v);
                free(mechs);
                return 2;
            }
            threads = (int)n;
            threads_given = 1;
        } else if (strcmp(a, "--no-synapses") == 0) {
            no_synapses = 1;
        } else if (strcmp(a, "--minis") == 0) {
            minis = 1;
        } else if (strcmp(a, "--no-progress") == 0) {
            show = 0;
        } else if (!config && a[0] != '-') {
            config = a;
        } else {
            fprintf(stderr, "cellulab run: unexpected argument \"%s\" (see cellulab run --help)\n", a);
            free(mechs);
            return 2;
        }
    }
    if (!config) {
        usage(stderr);
        free(mechs);
        return 2;
    }
    const cl_network_comm *comm = cli_mpi_start(&argc, &argv);
    int rank = comm ? comm->rank : 0, nranks = comm ? comm->size : 1;
    if (rank != 0) show = 0;
    if (nranks > 1 && !threads_given) threads = 1; /* ranks already share the cores */
    char who[32] = ""; /* whose message, with several ranks */
    if (nranks > 1) snprintf(who, sizeof who, "rank %d: ", rank);
    double t0 = now_s();
    cl_error err = {{0}};
    cl_circuit *c = NULL;
    cl_network *net = NULL;
    if (cl_circuit_open_sonata(config, &c, &err)) {
        fprintf(stderr, "cellulab run: %s%s\n", who, err.msg);
        goto out;
    }
    cl_network_options o = {.select = node_set ? CL_NET_NODE_SET : CL_NET_DEFAULT,
                            .node_set = node_set,
                            .mechanisms = mechs,
                            .n_mechanisms = n_mechs,
                            .build_mechanisms = n_mechs == 0 && cl_circuit_get_ops(c)->mechanisms_dir &&
                                                cl_circuit_get_ops(c)->mechanisms_dir(cl_circuit_get_state(c)),
                            .output_dir = output,
                            .numbering = numbering,
                            .pt3d_digits = pt3d_digits,
                            .threads = threads,
                            .soma = soma,
                            .no_bbp_synapses = no_synapses,
                            .minis = minis,
                            .comm = comm};
    if (cl_network_new(c, &o, &net, &err)) {
        fprintf(stderr, "cellulab run: %s%s: %s\n", who, config, err.msg);
        goto out;
    }
    for (size_t i = 0; i < cl_network_warning_count(net); i++)
        fprintf(stderr, "cellulab run: %swarning: %s\n", who, cl_network_warning(net, i));
    if (legacy_units && cl_sim_set_legacy_units(cl_network_sim(net), 1)) {
        fprintf(stderr, "cellulab run: %s\n", cl_sim_errmsg(cl_network_sim(net)));
        goto out;
    }
    double t_built = now_s();
    cl_status st = cl_network_run(net, show ? bar : NULL, NULL, &err);
    if (show) fprintf(stderr, "\n");
    if (st) {
        fprintf(stderr, "cellulab run: %s%s: %s\n", who, config, err.msg);
        goto out;
    }
    double t_ran = now_s();
    if (cl_network_write_outputs(net, output, &err)) {
        fprintf(stderr, "cellulab run: %s%s\n", who, err.msg);
        goto out;
    }
    size_t spikes = 0;
    for (size_t i = 0; i < cl_network_population_count(net); i++) {
        const uint64_t *ids;
        const double *t;
        size_t n = 0;
        if (cl_network_spikes(net, cl_network_population_name(net, i), &ids, &t, &n, &err) == CL_OK) spikes += n;
    }
    cl_network_counts k = cl_network_get_counts(net);
    size_t sums[8] = {k.cells, k.biophysical, k.point, k.vecstims, k.netcons, k.synapses, k.clamps, k.edges_left_out};
    cli_mpi_sum(comm, sums, 8); /* every rank's share, as one process counts them */
    k.cells = sums[0], k.biophysical = sums[1], k.point = sums[2], k.vecstims = sums[3], k.netcons = sums[4];
    k.synapses = sums[5], k.clamps = sums[6], k.edges_left_out = sums[7];
    rc = 0;
    if (rank != 0) goto out;
    if (nranks > 1)
        printf("ranks: %d, spikes exchanged every %g ms\n", nranks, cl_network_exchange_interval(net));
    printf("cells: %zu (%zu biophysical, %zu point), inputs replayed: %zu VecStims\n", k.cells, k.biophysical, k.point,
           k.vecstims);
    printf("connections: %zu netcons, %zu synapses; input clamps: %zu\n", k.netcons, k.synapses, k.clamps);
    if (k.edges_left_out)
        printf("left out: %zu edges (Blue Brain synapses, --no-synapses; see the warnings)\n", k.edges_left_out);
    printf("spikes: %zu\n", spikes);
    printf("wall time: %.2f s (build %.2f s, run %.2f s, write %.2f s)\n", now_s() - t0, t_built - t0,
           t_ran - t_built, now_s() - t_ran);
out:
    if (rc) cli_mpi_abort(comm, rc); /* the other ranks may wait in an exchange */
    cl_network_free(net);
    cl_circuit_free(c);
    free(mechs);
    cli_mpi_finish(comm);
    return rc;
}
