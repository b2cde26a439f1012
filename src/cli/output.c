/* Output files of the command, written atomically (see util/atomic_file.h). */
#include <stdio.h>

#include "cli/cli.h"
#include "util/atomic_file.h"

int cli_write_file(const char *path, int (*write_fn)(FILE *f, void *ctx), void *ctx) {
    char err[600];
    if (cl_write_file_atomic(path, write_fn, ctx, err, sizeof err) != 0) {
        fprintf(stderr, "cellulab: %s\n", err);
        return -1;
    }
    return 0;
}
