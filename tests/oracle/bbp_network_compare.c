/* The Blue Brain synapses of a SONATA network against NEURON 8.2 with the
 * VERBATIM originals (tests/oracle/check_bbp_network.py builds the circuit
 * and the references): every cortex cell's soma voltage at every step
 * within 1e-6 mV (issue 9's bound) and the same spikes (times within
 * 1e-9 ms: threshold crossings interpolate the same doubles).
 *
 * usage: bbp_network_compare SIMULATION_CONFIG CL_MECH_LIB REFDIR SYNAPSE_SEED CA MINIS GABA [POP NODES [write]]
 * (SYNAPSE_SEED and CA as cl_network_options: 0 takes the config's, CA < 0
 * none; MINIS 1 adds the spontaneous minis; GABA as gaba_rise_time; POP
 * and NODES, a comma-separated list, the compared cells: cortex 0,1,2 by
 * default). With "write", REFDIR receives this run's traces and spikes in
 * the reference format instead (the full run of a replay check). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_circuit.h"
#include "cellulab_network.h"
#include "read_col.h"

static int write_refs(cl_network *net, const char *pop, const uint64_t *ids, size_t n_ids, const char *dir,
                      cl_error *err) {
    char p[4096];
    for (size_t i = 0; i < n_ids; i++) {
        const double *v = NULL;
        size_t n = 0;
        snprintf(p, sizeof p, "%s/v_%llu.txt", dir, (unsigned long long)ids[i]);
        FILE *f = fopen(p, "w");
        if (!f || cl_network_soma_trace(net, pop, ids[i], &v, &n, err)) {
            fprintf(stderr, "%s: %s\n", p, f ? err->msg : "cannot write");
            if (f) fclose(f);
            return 1;
        }
        for (size_t j = 0; j < n; j++) fprintf(f, "%.17g\n", v[j]);
        fclose(f);
    }
    const uint64_t *nodes;
    const double *times;
    size_t n = 0;
    snprintf(p, sizeof p, "%s/spikes.txt", dir);
    FILE *f = fopen(p, "w");
    if (!f || cl_network_spikes(net, pop, &nodes, &times, &n, err)) {
        fprintf(stderr, "%s: %s\n", p, f ? err->msg : "cannot write");
        if (f) fclose(f);
        return 1;
    }
    for (size_t j = 0; j < n; j++) fprintf(f, "%llu %.17g\n", (unsigned long long)nodes[j], times[j]);
    fclose(f);
    printf("wrote %zu traces and %zu spikes to %s\n", n_ids, n, dir);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 8 && argc != 10 && argc != 11) {
        fprintf(stderr, "usage: bbp_network_compare SIMULATION_CONFIG CL_MECH_LIB REFDIR SYNAPSE_SEED CA MINIS GABA "
                        "[POP NODES [write]]\n");
        return 2;
    }
    const char *pop = argc > 8 ? argv[8] : "cortex";
    uint64_t ids[64];
    size_t n_ids = 0;
    for (const char *s = argc > 8 ? argv[9] : "0,1,2"; *s;) {
        char *end;
        unsigned long long x = strtoull(s, &end, 10);
        if (end == s || n_ids == 64) {
            fprintf(stderr, "NODES: a comma-separated list of at most 64 node ids, not \"%s\"\n", argv[9]);
            return 2;
        }
        ids[n_ids++] = x;
        s = *end == ',' ? end + 1 : end;
    }
    int write = argc == 11 && !strcmp(argv[10], "write");
    cl_error err = {{0}};
    cl_circuit *c = NULL;
    if (cl_circuit_open_sonata(argv[1], &c, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    const char *libs[] = {argv[2]};
    cl_network_options o = {.mechanisms = libs,
                            .n_mechanisms = 1,
                            .numbering = CL_SECNUM_BMTK, /* BBP edges count as the spec anyway */
                            .soma = CL_SOMA_NEURON82,
                            .synapse_seed = (uint32_t)strtoul(argv[4], NULL, 10),
                            .extracellular_calcium = strtod(argv[5], NULL),
                            .minis = atoi(argv[6]),
                            .gaba_rise_time = atoi(argv[7])};
    cl_network *net = NULL;
    if (cl_network_new(c, &o, &net, &err)) {
        fprintf(stderr, "cl_network_new: %s\n", err.msg);
        cl_circuit_free(c);
        return 1;
    }
    cl_network_counts k = cl_network_get_counts(net);
    printf("cellulab: %zu cells, %zu synapses, %zu netcons, %zu vecstims\n", k.cells, k.synapses, k.netcons,
           k.vecstims);
    int bad = 0;
    for (size_t i = 0; i < n_ids; i++)
        if (cl_network_record_soma(net, pop, ids[i], &err)) {
            fprintf(stderr, "%s\n", err.msg);
            bad = 1;
        }
    if (!bad && cl_network_run(net, NULL, NULL, &err)) {
        fprintf(stderr, "run: %s\n", err.msg);
        bad = 1;
    }
    if (!bad && write) {
        bad = write_refs(net, pop, ids, n_ids, argv[3], &err);
        cl_network_free(net);
        cl_circuit_free(c);
        return bad;
    }
    double worst = 0;
    for (size_t k = 0; k < n_ids && !bad; k++) {
        uint64_t i = ids[k];
        char p[4096];
        snprintf(p, sizeof p, "%s/v_%llu.txt", argv[3], (unsigned long long)i);
        size_t nr = 0, n = 0;
        double *ref = read_col(p, &nr);
        const double *v = NULL;
        if (!ref || cl_network_soma_trace(net, pop, i, &v, &n, &err) || n != nr) {
            fprintf(stderr, "node %llu: %zu samples, reference %zu (%s)\n", (unsigned long long)i, n, nr, p);
            free(ref);
            bad = 1;
            break;
        }
        double m = 0;
        size_t at = 0;
        for (size_t j = 0; j < n; j++)
            if (!(fabs(v[j] - ref[j]) <= m)) {
                m = isnan(v[j]) ? INFINITY : fabs(v[j] - ref[j]);
                at = j;
            }
        printf("node %llu: %zu steps, max |dv| %.3g mV (step %zu), v at end %.6f\n", (unsigned long long)i, n,
               m, at, v[n - 1]);
        if (m > worst) worst = m;
        free(ref);
    }
    /* spikes: "node time" rows of NEURON against the network's */
    if (!bad) {
        char p[4096];
        snprintf(p, sizeof p, "%s/spikes.txt", argv[3]);
        size_t nr = 0;
        double *ref = read_col(p, &nr); /* pairs */
        const uint64_t *nodes;
        const double *times;
        size_t n = 0;
        if (!ref || cl_network_spikes(net, pop, &nodes, &times, &n, &err)) {
            fprintf(stderr, "spikes: %s\n", ref ? err.msg : p);
            bad = 1;
        } else {
            size_t matched = 0, want = 0;
            for (size_t j = 0; j + 1 < nr; j += 2) { /* each reference spike of a compared node found once */
                int ours = 0;
                for (size_t k = 0; k < n_ids; k++) ours |= (double)ids[k] == ref[j];
                if (!ours) continue;
                want++;
                for (size_t q = 0; q < n; q++)
                    if ((double)nodes[q] == ref[j] && fabs(times[q] - ref[j + 1]) <= 1e-9) {
                        matched++;
                        break;
                    }
            }
            printf("spikes: cellulab %zu, reference %zu, matched %zu\n", n, want, matched);
            if (matched != want || n != want || n == 0) bad = 1;
        }
        free(ref);
    }
    /* bound 1e-6 mV: issue 9's. 0 is reached except where a drawn
     * tau_r_GABAA is 1 ulp from NEURON's (NEURON's exp in its lognormal
     * is 0.67 ulp from the exact value, ours rounds correctly): 1.6e-11 mV
     * on one cell */
    printf("max |dv| over cells %.3g mV (bound 1e-6)\n", worst);
    if (worst > 1e-6) bad = 1;
    cl_network_free(net);
    cl_circuit_free(c);
    return bad;
}
