/* libFuzzer target for the Neurolucida reader and the contour conversion:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude \
 *     tests/fuzz/fuzz_asc.c src/morph/asc.c src/morph/contour.c -lm -o fuzz_asc
 *   ./fuzz_asc -max_total_time=60
 * Any input must parse or fail with a message; never crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "morph/asc.h"
#include "morph/contour.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cl_asc_morph m;
    char err[256];
    if (cl_asc_parse((const char *)data, size, "fuzz.asc", &m, err, sizeof err) != 0) return 0;
    for (size_t i = 0; i < m.nsomas; i++) {
        const cl_asc_contour *c = &m.somas[i];
        if (c->npts < 3 || c->npts > 4096) continue;
        static double x[4096], y[4096], z[4096];
        for (size_t k = 0; k < c->npts; k++) { x[k] = c->pts[k].x; y[k] = c->pts[k].y; z[k] = c->pts[k].z; }
        double ox[CL_CONTOUR_NPTS], oy[CL_CONTOUR_NPTS], oz[CL_CONTOUR_NPTS], od[CL_CONTOUR_NPTS];
        cl_contour_to_centroid(x, y, z, c->npts, CL_SOMA_AXIS_NEURON9, ox, oy, oz, od, err, sizeof err);
    }
    cl_asc_free(&m);
    return 0;
}
