/* libFuzzer target for the Allen fit JSON reader: parse and check a text
 * for both recipes, and where it passes, apply it to a tiny cell (soma[0],
 * dend[0], apic[0], axon[0]; built-in mechanisms only).
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude \
 *     tests/fuzz/fuzz_allen_json.c build-fuzz/libcellulab.a -ljansson -lxml2 -lhdf5 -lm -ldl \
 *     -o fuzz_allen_json      (libcellulab built with the same sanitizers)
 *   ./fuzz_allen_json -max_total_time=60
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
