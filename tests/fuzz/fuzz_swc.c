/* libFuzzer target for the SWC reader (Import3d_SWC_read's rules):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude \
 *     tests/fuzz/fuzz_swc.c src/morph/swc.c -lm -o fuzz_swc
 *   ./fuzz_swc -max_total_time=60
 * Any input must parse or fail with a message; never crash, leak or hang.
 * A parsed file is a tree: one root, every parent found and before its child. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "morph/swc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cl_swc w;
    char err[256];
    err[0] = '\0';
    cl_status st = cl_swc_parse((const char *)data, size, "fuzz.swc", &w, err, sizeof err);
    if (st != CL_OK) {
        if (!err[0]) abort(); /* every failure says why */
    } else {
        size_t roots = 0;
        for (size_t i = 0; i < w.n; i++) {
            long p = cl_swc_parent(&w, i);
            if (p < 0) roots++;
            else if ((size_t)p >= i) abort();
        }
        if (roots != 1) abort();
    }
    cl_swc_free(&w);
    return 0;
}
