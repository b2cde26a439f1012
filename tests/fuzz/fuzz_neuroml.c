/* libFuzzer target for the NeuroML2 biophysics reader (parse from memory,
 * libxml2's xmlCtxtReadMemory underneath): any input must parse or fail
 * with a message naming the place; never crash, leak or hang. Built by
 * CMake with -DCELLULAB_FUZZ=ON (make fuzz), seeded with the .nml files. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "model/neuroml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cl_nml m;
    char err[768];
    if (cl_nml_parse_memory((const char *)data, size, "fuzz.nml", &m, err, sizeof err) != 0) {
        /* a failure always says something */
        if (err[0] == 0) __builtin_trap();
        return 0;
    }
    for (int t = 0; t < CL_NML_NTYPES; t++)
        for (size_t k = 0; k < m.norder[t]; k++)
            if (m.order[t][k] >= m.nprops) __builtin_trap();
    cl_nml_free(&m);
    return 0;
}
