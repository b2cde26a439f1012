/* libFuzzer target for the SONATA types CSV reader (src/circuit/csv.c):
 *   cmake -DCELLULAB_FUZZ=ON (clang) && ./fuzz_types_csv -max_total_time=60
 * Any input must parse (every row with the header's field count, unique
 * type ids, increasing line numbers) or fail with a message. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/sonata_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sn_csv c;
    cl_error err;
    err.msg[0] = '\0';
    if (sn_csv_parse((const char *)data, size, "fuzz.csv", "node_type_id", &c, &err) != CL_OK) {
        if (!err.msg[0]) abort();
        return 0;
    }
    if (!c.ncol || sn_csv_col(&c, "node_type_id") < 0) abort();
    for (size_t r = 0; r < c.nrow; r++) {
        if (sn_csv_row(&c, c.type_id[r]) != (long)r) abort();
        if (r && c.line[r] <= c.line[r - 1]) abort();
        for (size_t k = 0; k < c.ncol; k++) {
            cl_value v;
            sn_csv_value(c.cell[r * c.ncol + k], &v);
            if (c.cell[r * c.ncol + k] == NULL && v.kind != CL_VALUE_NONE) abort();
        }
    }
    sn_csv_free(&c);
    return 0;
}
