/* The cellulab side of bench_ballsticks.py: N hh ball-and-sticks, each with a
 * 0.3 nA step at the soma from 100 to 900 ms, run for tstop ms at dt 0.025.
 * Prints one JSON object: wall time of the run (building excluded), number of
 * compartments and steps, spike count of cell 0; writes cell 0's soma trace
 * to the file given with --trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cellulab.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

int main(int argc, char **argv) {
    int n = 100;
    double tstop = 1000;
    const char *trace = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--n") == 0) n = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--tstop") == 0) tstop = atof(argv[i + 1]);
        else if (strcmp(argv[i], "--trace") == 0) trace = argv[i + 1];
    }
    if (n < 1 || !(tstop > 0)) {
        fprintf(stderr, "usage: bench_ballsticks [--n N] [--tstop MS] [--trace FILE]\n");
        return 2;
    }
    cl_sim *s;
    if (cl_sim_new(&s) != CL_OK) return 1;
    cl_cell first = {0};
    for (int i = 0; i < n; i++) {
        cl_cell c;
        cl_stim st;
        if (cl_cell_ballstick(s, &c) != CL_OK || cl_cell_add_step(s, c, 100, 900, 0.3, &st) != CL_OK) {
            fprintf(stderr, "%s\n", cl_sim_errmsg(s));
            return 1;
        }
        if (i == 0) first = c;
    }
    double t0 = now();
    if (cl_sim_run(s, tstop) != CL_OK) {
        fprintf(stderr, "%s\n", cl_sim_errmsg(s));
        return 1;
    }
    double wall = now() - t0;
    const double *v;
    size_t nv;
    cl_cell_get_soma_voltage(s, first, &v, &nv);
    int spikes = 0;
    for (size_t i = 1; i < nv; i++) spikes += v[i - 1] <= -20 && v[i] > -20;
    if (trace) {
        FILE *f = fopen(trace, "w");
        if (!f) return 1;
        for (size_t i = 0; i < nv; i++) fprintf(f, "%.17g\n", v[i]);
        fclose(f);
    }
    printf("{\"wall_s\": %.6f, \"cells\": %d, \"compartments\": %d, \"steps\": %zu, \"spikes_cell0\": %d}\n",
           wall, n, n * 201, nv - 1, spikes);
    cl_sim_free(s);
    return 0;
}
