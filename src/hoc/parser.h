/* hoc parser: source text to an AST (hoc/ast.h). */
#ifndef CL_HOC_PARSER_H
#define CL_HOC_PARSER_H

#include <stddef.h>

#include "hoc/ast.h"

/* Parses a whole file/string. Returns the unit, or NULL with err set to
 * "file:line:col: problem". Nesting deeper than 200 levels is an error. */
hoc_unit *hoc_parse(const char *src, size_t len, const char *file, char *err, size_t errlen);

#endif
