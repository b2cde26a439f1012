/* Internals of the NMODL compiler shared by its files. */
#ifndef CELLULAB_NMODL_INTERNAL_H
#define CELLULAB_NMODL_INTERNAL_H

#include <stddef.h>

#include "cellulab.h"
#include "nmodl/ast.h"

/* A growable string. */
typedef struct cl_sb {
    char *s;
    size_t n, cap;
    int oom;
} cl_sb;

void cl_sb_add(cl_sb *b, const char *text);
void cl_sb_addf(cl_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cl_sb_free(cl_sb *b);

/* Translate mod_path into C at c_path; *mechname (malloc'd) receives the
 * mechanism's name for the library's registration list. */
cl_status cl_nmodl_translate_named(const char *mod_path, const char *c_path, char **mechname,
                                   cl_error *err);

/* Translate NMODL text into C text (out, malloc'd). name names the file in
 * messages. */
cl_status cl_nmodl_to_c(const char *text, size_t len, const char *name, char **out, char **mechname,
                        cl_error *err);

#endif
