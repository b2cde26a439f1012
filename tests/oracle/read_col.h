/* Reading the oracles' reference text files (shared by the comparers). */
#ifndef CELLULAB_ORACLE_READ_COL_H
#define CELLULAB_ORACLE_READ_COL_H

#include <stdio.h>
#include <stdlib.h>

/* Every number of a whitespace-separated text file, in order (malloc'd;
 * *n of them); NULL when the file cannot be read or memory runs out. */
static inline double *read_col(const char *path, size_t *n) {
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 1024;
    double *a = malloc(cap * sizeof *a);
    *n = 0;
    while (a && fscanf(f, "%lf", &a[*n]) == 1)
        if (++*n == cap) {
            double *b = realloc(a, (cap *= 2) * sizeof *a);
            if (!b) {
                free(a);
                a = NULL;
            } else
                a = b;
        }
    fclose(f);
    return a;
}

#endif
