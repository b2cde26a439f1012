/* libFuzzer target for the Allen fit JSON reader: parse and check a text
 * for both recipes, and where it passes, apply it to a tiny cell (soma[0],
 * dend[0], apic[0], axon[0]; built-in mechanisms only).
 *   CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DCELLULAB_SANITIZE=ON \
 *     -DCELLULAB_ORACLE=OFF -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link -O1"
 *   cmake --build build-fuzz -j2 --target cellulab
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude tests/fuzz/fuzz_allen_json.c \
 *     build-fuzz/libcellulab.a build-fuzz/libcellulab_nmodl.a -ljansson -lxml2 -lhdf5_serial -lm -ldl \
 *     -lpthread -o fuzz_allen_json
 *   ./fuzz_allen_json -max_total_time=60 -max_len=8192 CORPUS   (e.g. the shared *_fit.json files)
 * Any input must be accepted or refused with a message; never crash, leak
 * or hang. */
#include <stddef.h>
#include <stdint.h>

#include "cellulab.h"
#include "model/allen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const recipes[2] = {"aibs_perisomatic", "aibs_allactive"};
    for (int r = 0; r < 2; r++) {
        cl_sim *s;
        if (cl_sim_new(&s) != CL_OK) return 0;
        cl_allen_fit f;
        if (cl_allen_fit_parse_text(s, (const char *)data, size, "fuzz.json", recipes[r], &f) == CL_OK) {
            cl_cell c;
            cl_section sec;
            static const char *const names[4] = {"soma[0]", "dend[0]", "apic[0]", "axon[0]"};
            cl_cell_new(s, "c", &c);
            for (int k = 0; k < 4; k++) cl_section_new(s, c, names[k], &sec);
            cl_allen_fit_apply(s, c, &f, "fuzz.json");
            cl_allen_fit_free(&f);
        }
        cl_sim_free(s);
    }
    return 0;
}
