/* SONATA JSON configs: loading with manifest expansion, path resolution,
 * typed getters whose errors name the file and the JSON path; plus small
 * helpers shared by the reader (string pool, HDF5 quiet mode). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "circuit/sonata_int.h"

char *sn_strdup(const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

char *sn_dirname(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash) return sn_strdup(".");
    if (slash == path) return sn_strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, path, n);
    d[n] = '\0';
    return d;
}

/* Lexical normalisation: drop "." and empty parts, fold "x/..". */
static void normalise(char *p) {
    int abs = p[0] == '/';
    size_t n = strlen(p);
    char **parts = malloc((n / 2 + 2) * sizeof *parts);
    if (!parts) return;
    size_t k = 0;
    char *save = NULL;
    for (char *t = strtok_r(p, "/", &save); t; t = strtok_r(NULL, "/", &save)) {
        if (strcmp(t, ".") == 0) continue;
        if (strcmp(t, "..") == 0 && k > 0 && strcmp(parts[k - 1], "..") != 0) {
            k--;
            continue;
        }
        if (strcmp(t, "..") == 0 && abs) continue;
        parts[k++] = t;
    }
    char *out = malloc(n + 2);
    if (!out) {
        free(parts);
        return;
    }
    size_t o = 0;
    if (abs) out[o++] = '/';
    for (size_t i = 0; i < k; i++) {
        size_t l = strlen(parts[i]);
        memmove(out + o, parts[i], l);
        o += l;
        if (i + 1 < k) out[o++] = '/';
    }
    if (o == 0) out[o++] = '.';
    out[o] = '\0';
    memcpy(p, out, o + 1);
    free(out);
    free(parts);
}

char *sn_join(const char *base, const char *rel) {
    size_t nb = base ? strlen(base) : 0, nr = strlen(rel);
    char *r = malloc(nb + nr + 2);
    if (!r) return NULL;
    if (rel[0] == '/' || !base || !nb)
        memcpy(r, rel, nr + 1);
    else {
        memcpy(r, base, nb);
        r[nb] = '/';
        memcpy(r + nb + 1, rel, nr + 1);
    }
    normalise(r);
    return r;
}

int sn_file_exists(const char *path) {
    struct stat st;
    return path && stat(path, &st) == 0;
}

/* ---- string pool ---- */
static size_t hstr(const char *s) {
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

const char *sn_intern(sn_pool *p, const char *s) {
    if (!s) return NULL;
    if (p->hcap) {
        for (size_t h = hstr(s) & (p->hcap - 1);; h = (h + 1) & (p->hcap - 1)) {
            if (!p->hash[h]) break;
            if (strcmp(p->s[p->hash[h] - 1], s) == 0) return p->s[p->hash[h] - 1];
        }
    }
    if (2 * (p->n + 1) > p->hcap) { /* grow the table, rehash */
        size_t nc = p->hcap ? 2 * p->hcap : 64;
        size_t *nh = calloc(nc, sizeof *nh);
        if (!nh) return NULL;
        for (size_t i = 0; i < p->n; i++) {
            size_t h = hstr(p->s[i]) & (nc - 1);
            while (nh[h]) h = (h + 1) & (nc - 1);
            nh[h] = i + 1;
        }
        free(p->hash);
        p->hash = nh;
        p->hcap = nc;
    }
    if (p->n == p->cap) {
        size_t nc = p->cap ? 2 * p->cap : 64;
        char **ns = realloc(p->s, nc * sizeof *ns);
        if (!ns) return NULL;
        p->s = ns;
        p->cap = nc;
    }
    char *d = sn_strdup(s);
    if (!d) return NULL;
    p->s[p->n++] = d;
    size_t h = hstr(s) & (p->hcap - 1);
    while (p->hash[h]) h = (h + 1) & (p->hcap - 1);
    p->hash[h] = p->n;
    return d;
}

void sn_pool_free(sn_pool *p) {
    for (size_t i = 0; i < p->n; i++) free(p->s[i]);
    free(p->s);
    free(p->hash);
    memset(p, 0, sizeof *p);
}

void sn_h5_quiet(sn_h5quiet *q) {
    H5Eget_auto2(H5E_DEFAULT, &q->fn, &q->data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}
void sn_h5_loud(const sn_h5quiet *q) { H5Eset_auto2(H5E_DEFAULT, q->fn, q->data); }

/* ---- manifest ---- */
/* Replace every $NAME / ${NAME} of the manifest in s; *changed set when any. */
static char *expand(const char *s, json_t *vars, int *changed, const char **unknown) {
    size_t cap = strlen(s) + 64, o = 0;
    char *r = malloc(cap);
    if (!r) return NULL;
    for (const char *p = s; *p;) {
        const char *val = NULL;
        size_t skip = 0;
        if (*p == '$') {
            char name[256];
            size_t k = 0;
            const char *q = p + 1;
            int brace = *q == '{';
            if (brace) q++;
            while ((q[k] == '_' || (q[k] >= 'a' && q[k] <= 'z') || (q[k] >= 'A' && q[k] <= 'Z') ||
                    (q[k] >= '0' && q[k] <= '9')) &&
                   k < sizeof name - 2)
                k++;
            if (k > 0 && (!brace || q[k] == '}')) {
                name[0] = '$';
                memcpy(name + 1, q, k);
                name[k + 1] = '\0';
                json_t *v = json_object_get(vars, name);
                if (!v) v = json_object_get(vars, name + 1); /* manifests keyed without '$' */
                if (v && json_is_string(v)) {
                    val = json_string_value(v);
                    skip = (size_t)(q + k + (brace ? 1 : 0) - p);
                } else if (brace && unknown && !*unknown)
                    *unknown = p;
            }
        }
        const char *add = val ? val : p;
        size_t nadd = val ? strlen(val) : 1;
        if (o + nadd + 1 > cap) {
            cap = 2 * (o + nadd + 1);
            char *nr = realloc(r, cap);
            if (!nr) {
                free(r);
                return NULL;
            }
            r = nr;
        }
        memcpy(r + o, add, nadd);
        o += nadd;
        if (val) {
            p += skip;
            *changed = 1;
        } else
            p++;
    }
    r[o] = '\0';
    return r;
}

static cl_status expand_tree(const char *file, json_t *node, json_t *vars, cl_error *err) {
    if (json_is_object(node)) {
        const char *k;
        json_t *v;
        json_object_foreach(node, k, v) {
            if (json_is_string(v)) {
                int ch = 0;
                char *e = expand(json_string_value(v), vars, &ch, NULL);
                if (!e) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", file);
                if (ch) json_object_set_new(node, k, json_string(e));
                free(e);
            } else if (expand_tree(file, v, vars, err) != CL_OK)
                return CL_EFORMAT;
        }
    } else if (json_is_array(node)) {
        size_t i;
        json_t *v;
        json_array_foreach(node, i, v) {
            if (json_is_string(v)) {
                int ch = 0;
                char *e = expand(json_string_value(v), vars, &ch, NULL);
                if (!e) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", file);
                if (ch) json_array_set_new(node, i, json_string(e));
                free(e);
            } else if (expand_tree(file, v, vars, err) != CL_OK)
                return CL_EFORMAT;
        }
    }
    return CL_OK;
}

cl_status sn_json_load(const char *path, sn_json_file *out, cl_error *err) {
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) return cl_error_fail(err, CL_EIO, "%s: cannot open (missing file?)", path);
    json_error_t je;
    json_t *root = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
    fclose(fp);
    if (!root) return cl_error_fail(err, CL_EFORMAT, "%s: line %d, column %d: bad JSON: %s", path, je.line, je.column, je.text);
    if (!json_is_object(root)) {
        json_decref(root);
        return cl_error_fail(err, CL_EFORMAT, "%s: $: expected a JSON object", path);
    }
    out->path = sn_strdup(path);
    out->dir = sn_dirname(path);
    out->root = root;
    json_t *man = json_object_get(root, "manifest");
    if (man && !json_is_object(man)) {
        sn_json_free(out);
        return cl_error_fail(err, CL_EFORMAT, "%s: $.manifest: expected an object", path);
    }
    json_t *vars = man ? json_deep_copy(man) : json_object();
    /* bmtk/pysonata predefine these */
    if (!json_object_get(vars, "configdir")) json_object_set_new(vars, "configdir", json_string(out->dir));
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) json_object_set_new(vars, "workingdir", json_string(cwd));
    const char *k;
    json_t *v;
    json_object_foreach(vars, k, v) {
        if (!json_is_string(v)) {
            json_decref(vars);
            sn_json_free(out);
            return cl_error_fail(err, CL_EFORMAT, "%s: $.manifest.%s: expected a string", path, k);
        }
    }
    /* resolve variables in variables: at most 10 passes, as libsonata */
    int pass;
    for (pass = 0; pass < 10; pass++) {
        int any = 0;
        json_object_foreach(vars, k, v) {
            int ch = 0;
            char *e = expand(json_string_value(v), vars, &ch, NULL);
            if (!e) break;
            if (ch) {
                any = 1;
                json_object_set_new(vars, k, json_string(e));
            }
            free(e);
        }
        if (!any) break;
    }
    if (pass == 10) {
        json_decref(vars);
        sn_json_free(out);
        return cl_error_fail(err, CL_EFORMAT, "%s: $.manifest: variables still unresolved after 10 passes (a cycle?)", path);
    }
    cl_status st = expand_tree(path, root, vars, err);
    json_decref(vars);
    if (st != CL_OK) sn_json_free(out);
    return st;
}

void sn_json_free(sn_json_file *f) {
    if (!f) return;
    free(f->path);
    free(f->dir);
    json_decref(f->root);
    memset(f, 0, sizeof *f);
}

static json_t *getkey(json_t *obj, const char *key) { return json_is_object(obj) ? json_object_get(obj, key) : NULL; }

#define GETTER_MISSING()                                                                                        \
    do {                                                                                                        \
        if (!v) {                                                                                               \
            if (required) return cl_error_fail(err, CL_EFORMAT, "%s: %s.%s: missing (required)", f->path, path, key); \
            return CL_OK;                                                                                       \
        }                                                                                                       \
    } while (0)

cl_status sn_get_str(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     const char **out, cl_error *err) {
    json_t *v = getkey(obj, key);
    GETTER_MISSING();
    if (!json_is_string(v)) return cl_error_fail(err, CL_EFORMAT, "%s: %s.%s: expected a string", f->path, path, key);
    *out = json_string_value(v);
    return CL_OK;
}

cl_status sn_get_num(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     double *out, cl_error *err) {
    json_t *v = getkey(obj, key);
    GETTER_MISSING();
    if (!json_is_number(v)) return cl_error_fail(err, CL_EFORMAT, "%s: %s.%s: expected a number", f->path, path, key);
    *out = json_number_value(v);
    return CL_OK;
}

cl_status sn_get_obj(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     json_t **out, cl_error *err) {
    json_t *v = getkey(obj, key);
    GETTER_MISSING();
    if (!json_is_object(v)) return cl_error_fail(err, CL_EFORMAT, "%s: %s.%s: expected an object", f->path, path, key);
    *out = v;
    return CL_OK;
}

cl_status sn_get_arr(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     json_t **out, cl_error *err) {
    json_t *v = getkey(obj, key);
    GETTER_MISSING();
    if (!json_is_array(v)) return cl_error_fail(err, CL_EFORMAT, "%s: %s.%s: expected an array", f->path, path, key);
    *out = v;
    return CL_OK;
}

cl_status sn_get_path(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                      char **out, cl_error *err) {
    const char *s = NULL;
    cl_status st = sn_get_str(f, obj, path, key, required, &s, err);
    if (st != CL_OK) return st;
    if (!s || !*s) {
        if (s && required) return cl_error_fail(err, CL_EFORMAT, "%s: %s.%s: empty path", f->path, path, key);
        return CL_OK;
    }
    *out = sn_join(f->dir, s);
    return *out ? CL_OK : cl_error_fail(err, CL_ENOMEM, "%s: out of memory", f->path);
}
