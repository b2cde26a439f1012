/* hoc parser: source text to an AST (hoc/ast.h). */
#ifndef CL_HOC_PARSER_H
#define CL_HOC_PARSER_H

#include <stddef.h>

#include "hoc/ast.h"

/* Parses a whole file/string. Returns the unit, or NULL with err set to
 * "file:line:col: problem". Nesting deeper than 200 levels is an error. */
hoc_unit *hoc_parse(const char *src, size_t len, const char *file, char *err, size_t errlen);

/* Incremental parsing, as hoc runs a file: each top-level statement is
 * parsed, then run, before the next is read (so a syntax error comes after
 * the output of the statements before it). Nodes go into `unit`. */
typedef struct hoc_parser hoc_parser;
hoc_parser *hoc_parser_open(const char *src, size_t len, hoc_unit *unit, char *err, size_t errlen);
/* 1: *stmt is the next top-level statement; 0: end of input; -1: error in err. */
int hoc_parser_next(hoc_parser *p, hoc_node **stmt);
void hoc_parser_close(hoc_parser *p);

#endif
