#include "sim/configure_stmt.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int cl_configure_next(const char **pp, const char *prefix, char *var, size_t cap, char *op, double *value) {
    const char *p = *pp;
    while (*p && (isspace((unsigned char)*p) || *p == ';')) p++;
    *pp = p;
    if (!*p) return 0;
    size_t pl = strlen(prefix);
    if (strncmp(p, prefix, pl) != 0) return -1;
    p += pl;
    size_t n = 0;
    while ((isalnum((unsigned char)*p) || *p == '_') && n + 1 < cap) var[n++] = *p++;
    var[n] = 0;
    if (!n || isalnum((unsigned char)*p) || *p == '_') return -1;
    while (*p == ' ' || *p == '\t') p++;
    char o = *p;
    if (o == '=')
        p++;
    else if ((o == '*' || o == '/' || o == '+' || o == '-') && p[1] == '=')
        p += 2;
    else
        return -1;
    char *end;
    double v = strtod(p, &end);
    if (end == p || !isfinite(v) || (*end && !isspace((unsigned char)*end) && *end != ';')) return -1;
    *op = o;
    *value = v;
    *pp = end;
    return 1;
}

double cl_configure_apply(char op, double old, double v) {
    switch (op) {
    case '*': return old * v;
    case '/': return old / v;
    case '+': return old + v;
    case '-': return old - v;
    default: return v;
    }
}
