/* The cellulab command: one file per subcommand, public API only. */
#ifndef CELLULAB_CLI_H
#define CELLULAB_CLI_H

#include <stddef.h>
#include <stdio.h>

int cli_demo(int argc, char **argv);
int cli_cell(int argc, char **argv);
int cli_nmodl(int argc, char **argv);
int cli_build_mechanisms(int argc, char **argv);

/* Write a file atomically: the content goes to PATH.tmp-XXXXXX, which is
 * renamed to PATH only when complete. write_fn returns 0 on success. */
int cli_write_file(const char *path, int (*write_fn)(FILE *f, void *ctx), void *ctx);

#endif
