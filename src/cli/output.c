/* Output files are written under a temporary name and renamed when complete,
 * so a failed run never leaves a file that looks whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_write_file(const char *path, int (*write_fn)(FILE *f, void *ctx), void *ctx) {
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) return -1;
    snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "cellulab: %s: cannot create file: %s\n", path, strerror(errno));
        free(tmp);
        return -1;
    }
    fchmod(fd, 0644); /* mkstemp's 0600 would hide results from colleagues */
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        unlink(tmp);
        free(tmp);
        return -1;
    }
    int rc = write_fn(f, ctx);
    if (fflush(f) != 0 || ferror(f)) rc = -1;
    if (fclose(f) != 0) rc = -1;
    if (rc == 0 && rename(tmp, path) != 0) {
        fprintf(stderr, "cellulab: %s: cannot write file: %s\n", path, strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        unlink(tmp);
        if (errno) fprintf(stderr, "cellulab: %s: writing failed\n", path);
    }
    free(tmp);
    return rc;
}
