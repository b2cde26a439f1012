/* The statements of Blue Brain "configure" strings (connection_overrides'
 * synapse_configure, conditions.modifications' section_configure):
 * "PREFIX.VAR op NUMBER" with op one of =, *=, /=, +=, -=, separated by ';'
 * or newlines (private to src/sim). */
#ifndef CELLULAB_SIM_CONFIGURE_STMT_H
#define CELLULAB_SIM_CONFIGURE_STMT_H

#include <stddef.h>

/* Read the next statement at *p whose target starts with prefix (e.g.
 * "%s." or "apical."): 1 with the variable name (at most cap - 1 chars),
 * the operator ('=', '*', '/', '+', '-') and the number, *p advanced past
 * it; 0 at the end of the string; -1 when the statement at *p (left
 * pointing at it) has another form. */
int cl_configure_next(const char **p, const char *prefix, char *var, size_t cap, char *op, double *value);

/* old op value, as the statement assigns it. */
double cl_configure_apply(char op, double old, double value);

#endif
