/* Runs hoc files with cellulab's hoc interpreter and prints their output,
 * for the oracle comparison with NEURON (tests/oracle/check_hoc.py).
 * Usage: hoc_run [--max-depth N] [--max-iters N] FILE...
 * Exit 0 on success; 1 with the error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoc/hoc.h"

int main(int argc, char **argv) {
    hoc_limits lim = {0, 0, 0};
    int i = 1;
    for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (strcmp(argv[i], "--max-depth") == 0) lim.max_call_depth = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--max-iters") == 0) lim.max_loop_iters = atoll(argv[i + 1]);
        else break;
    }
    hoc_interp *h = hoc_new(&lim);
    if (!h) return 2;
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
    return rc;
}
