/* libFuzzer target for the hoc interpreter: parses the input and runs it
 * with tight limits (call depth 20, 10000 loop iterations, arrays of at
 * most 1e5 elements) and sections in a fresh simulation, output discarded.
 *   cmake -S . -B build-fuzz -DCELLULAB_FUZZ=ON -DCMAKE_C_COMPILER=clang && \
 *   cmake --build build-fuzz --target fuzz_hoc && build-fuzz/tests/fuzz_hoc -max_total_time=60
 * Any input must run or fail with a message; never crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "hoc/hoc.h"
#include "hoc/parser.h"

static void sink(void *ctx, const char *s, size_t n) {
    (void)ctx;
    (void)s;
    (void)n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *src = malloc(size + 1);
    if (!src) return 0;
    memcpy(src, data, size);
    src[size] = '\0';
    char err[512];
    hoc_unit *u = hoc_parse(src, size, "fuzz.hoc", err, sizeof err);
    if (!u && !err[0]) abort(); /* every failure says why */
    hoc_unit_free(u);
    if (!memchr(src, '\0', size)) {
        hoc_limits lim = {.max_call_depth = 20, .max_loop_iters = 10000, .max_elements = 1e5};
        hoc_interp *h = hoc_new(&lim);
        cl_sim *sim = NULL;
        if (h && cl_sim_new(&sim) == CL_OK) {
            hoc_bind_sim(h, sim);
            hoc_set_output(h, sink, NULL);
            if (hoc_run_string(h, src, "fuzz.hoc") != 0 && !hoc_error(h)[0]) abort();
        }
        hoc_free(h);
        cl_sim_free(sim);
    }
    free(src);
    return 0;
}
