/* libFuzzer target for the NMODL lexer and parser:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude \
 *     tests/fuzz/fuzz_nmodl.c src/nmodl/lexer.c src/nmodl/parser.c src/nmodl/ast.c \
 *     -o fuzz_nmodl
 *   mkdir -p corpus && cp ../shared/data/bluecellulab/mechanisms/\*.mod corpus/
 *   ./fuzz_nmodl -max_total_time=120 -max_len=16384 corpus
 * (drop the backslash before the '*': it only keeps this comment a comment)
 * Any input must parse or fail with a "name:line:col: problem" message;
 * never crash, leak or hang. A parsed tree is also dumped, to walk all of it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "nmodl/ast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    cl_ast *t = cl_nmodl_parse((const char *)data, size, "fuzz.mod", err, sizeof err);
    if (!t) {
        /* every error names the input and a position */
        if (strncmp(err, "fuzz.mod:", 9) != 0) __builtin_trap();
        return 0;
    }
    FILE *devnull = fopen("/dev/null", "w");
    if (devnull) {
        cl_ast_dump(t, devnull);
        fclose(devnull);
    }
    cl_ast_free(t);
    return 0;
}
