/* Write a file atomically: the content goes to PATH.tmp-XXXXXX, which is
 * renamed to PATH only when complete, so a failure never leaves a file that
 * looks whole. */
#ifndef CELLULAB_ATOMIC_FILE_H
#define CELLULAB_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

/* write_fn writes the content and returns 0 on success. On failure returns
 * -1 and puts "PATH: reason" into err (errlen bytes, may be NULL). */
int cl_write_file_atomic(const char *path, int (*write_fn)(FILE *f, void *ctx), void *ctx,
                         char *err, size_t errlen);

#endif
