/* SWC text reader (moved here from src/model/morphology.c so the fuzz
 * target can reach it; the rules are Import3d_SWC_read's rdfile and
 * check_pid in NEURON 8.2.2's read_swc.hoc). */
#include "morph/swc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cl_swc_free(cl_swc *w) {
    free(w->id); free(w->type); free(w->x); free(w->y); free(w->z); free(w->d); free(w->pid);
    free(w->line); free(w->id2index);
    memset(w, 0, sizeof *w);
}

static int swc_push(cl_swc *w, const double a[7], long line) {
    if (w->n == w->cap) {
        size_t c = w->cap ? 2 * w->cap : 256;
        double **v[] = {&w->id, &w->type, &w->x, &w->y, &w->z, &w->d, &w->pid};
        for (int k = 0; k < 7; k++) {
            double *p = realloc(*v[k], c * sizeof(double));
            if (!p) return -1;
            *v[k] = p;
        }
        long *l = realloc(w->line, c * sizeof(long));
        if (!l) return -1;
        w->line = l;
        w->cap = c;
    }
    size_t i = w->n++;
    w->id[i] = a[0]; w->type[i] = a[1]; w->x[i] = a[2]; w->y[i] = a[3]; w->z[i] = a[4];
    w->d[i] = a[5] * 2; /* radius to diameter */
    w->pid[i] = a[6];
    w->line[i] = line;
    return 0;
}

int cl_swc_add(cl_swc *w, double id, double type, double x, double y, double z, double diam, double pid) {
    const double a[7] = {id, type, x, y, z, diam / 2, pid};
    if (swc_push(w, a, 0) != 0) return -1;
    w->d[w->n - 1] = diam; /* exact: no radius round trip */
    return 0;
}

int cl_swc_index(cl_swc *w) {
    if (w->n == 0) return 0;
    w->maxid = (long)w->id[w->n - 1];
    free(w->id2index);
    w->id2index = malloc((size_t)(w->maxid + 1) * sizeof(long));
    if (!w->id2index) return -1;
    for (long k = 0; k <= w->maxid; k++) w->id2index[k] = -1;
    for (size_t i = 0; i < w->n; i++) w->id2index[(long)w->id[i]] = (long)i;
    return 0;
}

long cl_swc_parent(const cl_swc *w, size_t i) {
    double p = w->pid[i];
    if (p < 0) return -1;
    return w->id2index[(long)p];
}

/* one line (NUL-terminated copy, with its newline if any) */
static cl_status parse_line(cl_swc *w, const char *buf, const char *name, long lineno, char *err, size_t errlen) {
    const char *p = buf;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    if (*p == '#' || *p == '\0') return CL_OK; /* comment, blank */
    double a[7];
    int k = 0;
    const char *q = buf;
    for (; k < 7; k++) {
        char *e;
        errno = 0;
        a[k] = strtof(q, &e); /* hoc's sscanf "%f" reads a float */
        if (e == q) break;
        q = e;
    }
    if (k < 7) {
        snprintf(err, errlen, "%s:%ld: could not parse (expected 7 numbers): %.60s", name, lineno, p);
        return CL_EFORMAT;
    }
    for (k = 0; k < 7; k++)
        if (!isfinite(a[k])) {
            snprintf(err, errlen, "%s:%ld: value %d is not finite", name, lineno, k + 1);
            return CL_EFORMAT;
        }
    if (a[0] != floor(a[0]) || a[6] != floor(a[6]) || a[0] < 0 || a[0] > 1e7 || a[6] > 1e7) {
        snprintf(err, errlen, "%s:%ld: sample id %g or parent %g is not a valid integer", name, lineno, a[0], a[6]);
        return CL_EFORMAT;
    }
    if (a[1] != floor(a[1]) || fabs(a[1]) > 1e6) {
        snprintf(err, errlen, "%s:%ld: type %g is not an integer", name, lineno, a[1]);
        return CL_EFORMAT;
    }
    if (swc_push(w, a, lineno) != 0) {
        snprintf(err, errlen, "%s: out of memory", name);
        return CL_ENOMEM;
    }
    return CL_OK;
}

/* sort, check the tree and index the ids */
static cl_status swc_check(cl_swc *w, const char *path, char *err, size_t errlen) {
    if (w->n == 0) {
        snprintf(err, errlen, "%s: no samples", path);
        return CL_EFORMAT;
    }
    /* tree topology: pid < id (so no cycles); sort by id (stable) */
    int needsort = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (i > 0 && w->id[i] <= w->id[i - 1]) needsort = 1;
        if (w->pid[i] >= w->id[i]) {
            snprintf(err, errlen, "%s:%ld: parent %g is not less than id %g (not a tree)", path, w->line[i],
                     w->pid[i], w->id[i]);
            return CL_EFORMAT;
        }
    }
    if (needsort) { /* insertion sort of all columns, keeps file order of ties */
        for (size_t i = 1; i < w->n; i++) {
            double id = w->id[i], ty = w->type[i], x = w->x[i], y = w->y[i], z = w->z[i], d = w->d[i],
                   pi = w->pid[i];
            long ln = w->line[i];
            size_t j = i;
            while (j > 0 && w->id[j - 1] > id) {
                w->id[j] = w->id[j - 1]; w->type[j] = w->type[j - 1]; w->x[j] = w->x[j - 1];
                w->y[j] = w->y[j - 1]; w->z[j] = w->z[j - 1]; w->d[j] = w->d[j - 1];
                w->pid[j] = w->pid[j - 1]; w->line[j] = w->line[j - 1];
                j--;
            }
            w->id[j] = id; w->type[j] = ty; w->x[j] = x; w->y[j] = y; w->z[j] = z; w->d[j] = d;
            w->pid[j] = pi; w->line[j] = ln;
        }
    }
    size_t nroot = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (i > 0 && w->id[i] == w->id[i - 1]) {
            snprintf(err, errlen, "%s:%ld: duplicate id %g (also line %ld)", path, w->line[i], w->id[i],
                     w->line[i - 1]);
            return CL_EFORMAT;
        }
        if (w->pid[i] < 0) nroot++;
    }
    if (nroot != 1) {
        snprintf(err, errlen, "%s: %zu trees (roots), expected one", path, nroot);
        return CL_EFORMAT;
    }
    if (cl_swc_index(w) != 0) {
        snprintf(err, errlen, "%s: out of memory", path);
        return CL_ENOMEM;
    }
    for (size_t i = 0; i < w->n; i++)
        if (w->pid[i] >= 0 && w->id2index[(long)w->pid[i]] < 0) {
            snprintf(err, errlen, "%s:%ld: unknown parent id %g", path, w->line[i], w->pid[i]);
            return CL_EFORMAT;
        }
    if (w->pid[0] >= 0) { /* cannot happen with pid < id, kept for safety */
        snprintf(err, errlen, "%s:%ld: first sample is not a root", path, w->line[0]);
        return CL_EFORMAT;
    }
    return CL_OK;
}

cl_status cl_swc_parse(const char *text, size_t len, const char *name, cl_swc *w, char *err, size_t errlen) {
    memset(w, 0, sizeof *w);
    char *buf = NULL;
    size_t bcap = 0;
    long lineno = 0;
    size_t pos = 0;
    cl_status st = CL_OK;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t ll = nl ? (size_t)(nl - (text + pos)) + 1 : len - pos;
        lineno++;
        if (ll + 1 > bcap) {
            size_t c = ll + 1 > 2 * bcap ? ll + 1 : 2 * bcap;
            char *nb = realloc(buf, c);
            if (!nb) {
                snprintf(err, errlen, "%s: out of memory", name);
                st = CL_ENOMEM;
                break;
            }
            buf = nb;
            bcap = c;
        }
        memcpy(buf, text + pos, ll);
        buf[ll] = '\0';
        pos += ll;
        if (strlen(buf) != ll) {
            snprintf(err, errlen, "%s:%ld: NUL byte in line", name, lineno);
            st = CL_EFORMAT;
            break;
        }
        if ((st = parse_line(w, buf, name, lineno, err, errlen)) != CL_OK) break;
    }
    free(buf);
    if (st != CL_OK) return st;
    return swc_check(w, name, err, errlen);
}

cl_status cl_swc_read(const char *path, cl_swc *w, char *err, size_t errlen) {
    memset(w, 0, sizeof *w);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return CL_EIO;
    }
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            size_t c = cap ? 2 * cap : 65536;
            char *t = realloc(text, c);
            if (!t) {
                free(text);
                fclose(f);
                snprintf(err, errlen, "%s: out of memory", path);
                return CL_ENOMEM;
            }
            text = t;
            cap = c;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        snprintf(err, errlen, "%s: read error", path);
        return CL_EIO;
    }
    cl_status st = cl_swc_parse(text, len, path, w, err, errlen);
    free(text);
    return st;
}
