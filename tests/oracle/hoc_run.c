/* Runs hoc files with cellulab's hoc interpreter and prints their output,
 * for the oracle comparison with NEURON (tests/oracle/check_hoc.py).
 * Usage: hoc_run [--max-depth N] [--max-iters N] [--mechs LIB] FILE...
 * Sections are made in a cellulab simulation (with LIB's mechanisms).
 * Exit 0 on success; 1 with the error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "hoc/hoc.h"

int main(int argc, char **argv) {
    hoc_limits lim = {0, 0, 0};
    const char *mechs = NULL;
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--max-depth") == 0) lim.max_call_depth = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--max-iters") == 0) lim.max_loop_iters = atoll(argv[i + 1]);
        else if (strcmp(argv[i], "--mechs") == 0) mechs = argv[i + 1];
        else break;
    }
    cl_sim *sim = NULL;
    if (cl_sim_new(&sim) != CL_OK) return 2;
    if (mechs && cl_sim_load_mechanisms(sim, mechs) != CL_OK) {
        fprintf(stderr, "%s\n", cl_sim_errmsg(sim));
        return 2;
    }
    hoc_interp *h = hoc_new(&lim);
    if (!h) return 2;
    hoc_bind_sim(h, sim);
    hoc_set_soma_neuron82(h, 1); /* the oracle is NEURON 8.2 */
    int rc = 0;
    for (; i < argc && rc == 0; i++) {
        if (hoc_run_file(h, argv[i])) {
            fflush(stdout);
            fprintf(stderr, "%s\n", hoc_error(h));
            rc = 1;
        }
    }
    fflush(stdout);
    hoc_free(h);
    cl_sim_free(sim);
    return rc;
}
