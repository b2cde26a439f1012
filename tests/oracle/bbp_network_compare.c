/* The Blue Brain synapses of a SONATA network against NEURON 8.2 with the
 * VERBATIM originals (tests/oracle/check_bbp_network.py builds the circuit
 * and the references): every cortex cell's soma voltage at every step
 * within 1e-6 mV (issue 9's bound) and the same spikes (times within
 * 1e-9 ms: threshold crossings interpolate the same doubles).
 *
 * usage: bbp_network_compare SIMULATION_CONFIG CL_MECH_LIB REFDIR SYNAPSE_SEED CA MINIS GABA
 * (SYNAPSE_SEED and CA as cl_network_options: 0 takes the config's, CA < 0
 * none; MINIS 1 adds the spontaneous minis; GABA as gaba_rise_time) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_circuit.h"
#include "cellulab_network.h"

static double *read_col(const char *path, size_t *n) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 1024;
    double *a = malloc(cap * sizeof *a);
    *n = 0;
    while (a && fscanf(f, "%lf", &a[*n]) == 1)
        if (++*n == cap) {
            double *b = realloc(a, (cap *= 2) * sizeof *a);
            if (!b) {
                free(a);
                a = NULL;
            } else
                a = b;
        }
    fclose(f);
    return a;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: bbp_network_compare SIMULATION_CONFIG CL_MECH_LIB REFDIR SYNAPSE_SEED CA MINIS GABA\n");
        return 2;
    }
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
    for (uint64_t i = 0; i < 3; i++)
        if (cl_network_record_soma(net, "cortex", i, &err)) {
            fprintf(stderr, "%s\n", err.msg);
            bad = 1;
        }
    if (!bad && cl_network_run(net, NULL, NULL, &err)) {
        fprintf(stderr, "run: %s\n", err.msg);
        bad = 1;
    }
    double worst = 0;
    for (uint64_t i = 0; i < 3 && !bad; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/v_%llu.txt", argv[3], (unsigned long long)i);
        size_t nr = 0, n = 0;
        double *ref = read_col(p, &nr);
        const double *v = NULL;
        if (!ref || cl_network_soma_trace(net, "cortex", i, &v, &n, &err) || n != nr) {
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
        if (!ref || cl_network_spikes(net, "cortex", &nodes, &times, &n, &err)) {
            fprintf(stderr, "spikes: %s\n", ref ? err.msg : p);
            bad = 1;
        } else {
            size_t matched = 0;
            for (size_t j = 0; j + 1 < nr; j += 2) /* each reference spike found once */
                for (size_t q = 0; q < n; q++)
                    if ((double)nodes[q] == ref[j] && fabs(times[q] - ref[j + 1]) <= 1e-9) {
                        matched++;
                        break;
                    }
            printf("spikes: cellulab %zu, NEURON %zu, matched %zu\n", n, nr / 2, matched);
            if (matched != nr / 2 || n != nr / 2 || n == 0) bad = 1;
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
