/* SONATA types CSV files: whitespace-separated columns with a header,
 * "quotes" with "" escapes, NULL/NONE/None/empty meaning null (bmtk reads
 * them with pandas and na_values='NONE'). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/sonata_int.h"

#define MAX_CSV_BYTES (256u << 20)

static int is_null(const char *s) {
    return !*s || !strcmp(s, "NULL") || !strcmp(s, "NONE") || !strcmp(s, "None") || !strcmp(s, "NaN") ||
           !strcmp(s, "nan");
}

void sn_csv_value(const char *s, cl_value *out) {
    memset(out, 0, sizeof *out);
    if (!s) return;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end != s && *end == '\0' && errno == 0 && isfinite(d)) {
        out->kind = CL_VALUE_NUMBER;
        out->num = d;
    } else {
        out->kind = CL_VALUE_STRING;
        out->str = s;
    }
}

/* One line into fields; returns count or -1 (unterminated quote). fields
 * are malloc'd strings, NULL for null values. */
static long split(const char *s, const char *e, char ***fields, size_t *cap) {
    long n = 0;
    const char *p = s;
    for (;;) {
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
        if (p >= e) break;
        char *buf = malloc((size_t)(e - p) + 1);
        if (!buf) {
            for (long i = 0; i < n; i++) free((*fields)[i]);
            return -2;
        }
        size_t o = 0;
        int quoted = 0;
        if (*p == '"') {
            quoted = 1;
            p++;
            for (;;) {
                if (p >= e) {
                    free(buf);
                    for (long i = 0; i < n; i++) free((*fields)[i]);
                    return -1;
                }
                if (*p == '"') {
                    if (p + 1 < e && p[1] == '"') {
                        buf[o++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                buf[o++] = *p++;
            }
        }
        while (p < e && *p != ' ' && *p != '\t' && *p != '\r') buf[o++] = *p++;
        buf[o] = '\0';
        if ((size_t)n == *cap) {
            size_t nc = *cap ? 2 * *cap : 16;
            char **nf = realloc(*fields, nc * sizeof *nf);
            if (!nf) {
                free(buf);
                for (long i = 0; i < n; i++) free((*fields)[i]);
                return -2;
            }
            *fields = nf;
            *cap = nc;
        }
        if (!quoted && is_null(buf)) {
            free(buf);
            buf = NULL;
        } else if (quoted && !o) {
            free(buf);
            buf = NULL;
        }
        (*fields)[n++] = buf;
    }
    return n;
}

static void free_fields(char **f, long n) {
    for (long i = 0; i < n; i++) free(f[i]);
}

cl_status sn_csv_parse(const char *text, size_t len, const char *path, const char *id_col, sn_csv *out,
                       cl_error *err) {
    memset(out, 0, sizeof *out);
    out->path = sn_strdup(path);
    char **f = NULL;
    size_t fcap = 0, rcap = 0;
    size_t lineno = 0;
    long idc = -1;
    cl_status st = CL_OK;
    const char *p = text, *end = text + len;
    while (p < end && st == CL_OK) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        lineno++;
        if (memchr(p, '\0', (size_t)(le - p))) {
            st = cl_error_fail(err, CL_EFORMAT, "%s: line %zu: NUL byte", path, lineno);
            break;
        }
        long n = split(p, le, &f, &fcap);
        p = nl ? nl + 1 : end;
        if (n == -2) {
            st = cl_error_fail(err, CL_ENOMEM, "%s: out of memory", path);
            break;
        }
        if (n < 0) {
            st = cl_error_fail(err, CL_EFORMAT, "%s: line %zu: unterminated quote", path, lineno);
            break;
        }
        if (n == 0) continue;
        if (!out->header) {
            out->ncol = (size_t)n;
            out->header = calloc((size_t)n, sizeof *out->header);
            if (!out->header) {
                free_fields(f, n);
                st = cl_error_fail(err, CL_ENOMEM, "%s: out of memory", path);
                break;
            }
            for (long i = 0; i < n; i++) {
                out->header[i] = f[i] ? f[i] : sn_strdup("");
                if (f[i] && !strcmp(f[i], id_col)) idc = i;
            }
            if (idc < 0) st = cl_error_fail(err, CL_EFORMAT, "%s: line %zu: no \"%s\" column", path, lineno, id_col);
            continue;
        }
        if ((size_t)n != out->ncol) {
            free_fields(f, n);
            st = cl_error_fail(err, CL_EFORMAT, "%s: line %zu: %ld fields, the header has %zu", path, lineno, n, out->ncol);
            break;
        }
        char *idend = NULL;
        long long id = f[idc] ? strtoll(f[idc], &idend, 10) : 0;
        if (!f[idc] || *idend) {
            st = cl_error_fail(err, CL_EFORMAT, "%s: line %zu: %s \"%s\" is not an integer", path, lineno, id_col,
                         f[idc] ? f[idc] : "");
            free_fields(f, n);
            break;
        }
        if (sn_csv_row(out, id) >= 0) {
            free_fields(f, n);
            st = cl_error_fail(err, CL_EFORMAT, "%s: line %zu: %s %lld appears twice", path, lineno, id_col, id);
            break;
        }
        if (out->nrow == rcap) {
            size_t nc = rcap ? 2 * rcap : 16;
            char **nc1 = realloc(out->cell, nc * out->ncol * sizeof *nc1);
            if (nc1) out->cell = nc1;
            int64_t *ni = realloc(out->type_id, nc * sizeof *ni);
            if (ni) out->type_id = ni;
            size_t *nl2 = realloc(out->line, nc * sizeof *nl2);
            if (nl2) out->line = nl2;
            if (!nc1 || !ni || !nl2) {
                free_fields(f, n);
                st = cl_error_fail(err, CL_ENOMEM, "%s: out of memory", path);
                break;
            }
            rcap = nc;
        }
        memcpy(out->cell + out->nrow * out->ncol, f, out->ncol * sizeof *f);
        out->type_id[out->nrow] = id;
        out->line[out->nrow] = lineno;
        out->nrow++;
    }
    free(f);
    if (st == CL_OK && !out->header) st = cl_error_fail(err, CL_EFORMAT, "%s: empty file (no header)", path);
    if (st != CL_OK) sn_csv_free(out);
    return st;
}

cl_status sn_csv_load(const char *path, const char *id_col, sn_csv *out, cl_error *err) {
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) return cl_error_fail(err, CL_EIO, "%s: cannot open (missing file?)", path);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            cap = 2 * cap + 65536;
            if (cap > MAX_CSV_BYTES) {
                free(buf);
                fclose(fp);
                return cl_error_fail(err, CL_EFORMAT, "%s: too large for a types CSV", path);
            }
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(fp);
                return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", path);
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, fp);
        len += r;
        if (r == 0) break;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        return cl_error_fail(err, CL_EIO, "%s: read error", path);
    }
    cl_status st = sn_csv_parse(buf, len, path, id_col, out, err);
    free(buf);
    return st;
}

void sn_csv_free(sn_csv *c) {
    if (!c) return;
    for (size_t i = 0; i < c->ncol; i++) free(c->header ? c->header[i] : NULL);
    if (c->cell)
        for (size_t i = 0; i < c->nrow * c->ncol; i++) free(c->cell[i]);
    free(c->header);
    free(c->cell);
    free(c->type_id);
    free(c->line);
    free(c->path);
    memset(c, 0, sizeof *c);
}

long sn_csv_row(const sn_csv *c, int64_t type_id) {
    for (size_t i = 0; i < c->nrow; i++)
        if (c->type_id[i] == type_id) return (long)i;
    return -1;
}

long sn_csv_col(const sn_csv *c, const char *name) {
    for (size_t i = 0; i < c->ncol; i++)
        if (!strcmp(c->header[i], name)) return (long)i;
    return -1;
}
