/* SONATA node sets: basic sets (rules ANDed, a list = any of; population,
 * node_id / bmtk's gids, $regex full match, $gt/$lt/$gte/$lte), compound
 * sets (the union of named sets, nested lists allowed; cycles are an
 * error), and population names as implicit sets (bmtk). */
#include <inttypes.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/sonata_int.h"

#define MAX_DEPTH 64

cl_status sn_nodesets_parse(const char *text, size_t len, const char *path, sn_nodesets *out, cl_error *err) {
    memset(out, 0, sizeof *out);
    json_error_t je;
    json_t *r = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!r) return cl_error_fail(err, CL_EFORMAT, "%s: line %d, column %d: bad JSON: %s", path, je.line, je.column, je.text);
    if (!json_is_object(r)) {
        json_decref(r);
        return cl_error_fail(err, CL_EFORMAT, "%s: $: node sets must be a JSON object", path);
    }
    out->root = r;
    out->path = sn_strdup(path);
    return CL_OK;
}

cl_status sn_nodesets_load(const char *path, sn_nodesets *out, cl_error *err) {
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) return cl_error_fail(err, CL_EIO, "%s: cannot open (missing node sets file?)", path);
    json_error_t je;
    json_t *r = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
    fclose(fp);
    if (!r) return cl_error_fail(err, CL_EFORMAT, "%s: line %d, column %d: bad JSON: %s", path, je.line, je.column, je.text);
    if (!json_is_object(r)) {
        json_decref(r);
        return cl_error_fail(err, CL_EFORMAT, "%s: $: node sets must be a JSON object", path);
    }
    out->root = r;
    out->path = sn_strdup(path);
    return CL_OK;
}

void sn_nodesets_free(sn_nodesets *ns) {
    if (!ns) return;
    json_decref(ns->root);
    free(ns->path);
    memset(ns, 0, sizeof *ns);
}

/* a growing sorted id list */
typedef struct idv {
    uint64_t *v;
    size_t n, cap;
} idv;

static int push(idv *a, uint64_t x) {
    if (a->n == a->cap) {
        size_t nc = a->cap ? 2 * a->cap : 16;
        uint64_t *nv = realloc(a->v, nc * sizeof *nv);
        if (!nv) return -1;
        a->v = nv;
        a->cap = nc;
    }
    a->v[a->n++] = x;
    return 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void sort_unique(idv *a) {
    if (!a->n) return;
    qsort(a->v, a->n, sizeof *a->v, cmp_u64);
    size_t k = 1;
    for (size_t i = 1; i < a->n; i++)
        if (a->v[i] != a->v[k - 1]) a->v[k++] = a->v[i];
    a->n = k;
}

typedef struct ev {
    const sn_nodesets *ns;
    const sn_ns_pop *pop;
    const char *const *pops;
    size_t npops;
    const char *stack[MAX_DEPTH];
    int depth;
    long calls; /* bounds the work of shared sub-sets ([A, A] nested deeply) */
    cl_error *err;
} ev;

static const char *nspath(const ev *e) { return e->ns && e->ns->path ? e->ns->path : "<node sets>"; }

/* ---- rules of a basic set ---- */
enum { R_EQ, R_REGEX, R_GT, R_LT, R_GTE, R_LTE };
typedef struct rule {
    const char *attr;
    json_t *vals; /* scalars (any of) for R_EQ */
    int op;
    double num;
    regex_t re;
    int have_re;
} rule;

static int scalar(json_t *v) { return json_is_string(v) || json_is_number(v) || json_is_boolean(v); }

static int as_number(const cl_value *v, double *out) {
    if (v->kind == CL_VALUE_NUMBER) {
        *out = v->num;
        return 1;
    }
    if (v->kind == CL_VALUE_STRING && v->str && *v->str) {
        char *end;
        double d = strtod(v->str, &end);
        if (!*end) {
            *out = d;
            return 1;
        }
    }
    return 0;
}

static int eq(const cl_value *v, json_t *r) {
    if (v->kind == CL_VALUE_NONE) return 0;
    if (json_is_string(r)) {
        if (v->kind == CL_VALUE_STRING) return !strcmp(v->str, json_string_value(r));
        char *end;
        double d = strtod(json_string_value(r), &end);
        return *json_string_value(r) && !*end && d == v->num;
    }
    double rv = json_is_boolean(r) ? (json_is_true(r) ? 1.0 : 0.0) : json_number_value(r);
    double x;
    return as_number(v, &x) && x == rv;
}

static cl_status match(ev *e, rule *r, uint64_t node, int *ok) {
    cl_value v;
    cl_status st = e->pop->attr(e->pop->ctx, r->attr, node, &v, e->err);
    if (st != CL_OK) return st;
    double x;
    switch (r->op) {
    case R_EQ:
        *ok = 0;
        if (json_is_array(r->vals)) {
            size_t i;
            json_t *s;
            json_array_foreach(r->vals, i, s) if (eq(&v, s)) {
                *ok = 1;
                break;
            }
        } else
            *ok = eq(&v, r->vals);
        break;
    case R_REGEX: {
        char buf[64];
        const char *s = v.kind == CL_VALUE_STRING ? v.str : NULL;
        if (v.kind == CL_VALUE_NUMBER) {
            snprintf(buf, sizeof buf, "%.17g", v.num);
            s = buf;
        }
        *ok = s && regexec(&r->re, s, 0, NULL, 0) == 0;
        break;
    }
    default:
        *ok = as_number(&v, &x) && (r->op == R_GT    ? x > r->num
                                    : r->op == R_LT  ? x < r->num
                                    : r->op == R_GTE ? x >= r->num
                                                     : x <= r->num);
    }
    return CL_OK;
}

static cl_status basic(ev *e, const char *name, json_t *obj, idv *out) {
    size_t nk = json_object_size(obj);
    rule *rules = calloc(nk ? nk : 1, sizeof *rules);
    if (!rules) return cl_error_fail(e->err, CL_ENOMEM, "out of memory");
    size_t nr = 0;
    int in_pop = 1;
    json_t *ids = NULL;
    const char *ids_key = NULL;
    cl_status st = CL_OK;
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        if (!strcmp(k, "population")) {
            if (json_is_string(v))
                in_pop = !strcmp(json_string_value(v), e->pop->name);
            else if (json_is_array(v)) {
                size_t i;
                json_t *s;
                in_pop = 0;
                json_array_foreach(v, i, s) {
                    if (!json_is_string(s)) {
                        st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s.population[%zu]: expected a population name",
                                     nspath(e), name, i);
                        break;
                    }
                    if (!strcmp(json_string_value(s), e->pop->name)) in_pop = 1;
                }
            } else
                st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s.population: expected a string or a list of strings",
                             nspath(e), name);
        } else if (!strcmp(k, "node_id") || !strcmp(k, "gids")) {
            int good = json_is_integer(v) || json_is_array(v);
            if (json_is_array(v)) {
                size_t i;
                json_t *s;
                json_array_foreach(v, i, s) if (!json_is_integer(s) || json_integer_value(s) < 0) good = 0;
            } else if (json_is_integer(v) && json_integer_value(v) < 0)
                good = 0;
            if (!good)
                st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s.%s: expected a node id or a list of node ids (integers >= 0)",
                             nspath(e), name, k);
            ids = v;
            ids_key = k;
        } else {
            rule *r = &rules[nr];
            r->attr = k;
            if (scalar(v)) {
                r->op = R_EQ;
                r->vals = v;
            } else if (json_is_array(v)) {
                size_t i;
                json_t *s;
                json_array_foreach(v, i, s) if (!scalar(s)) {
                    st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s.%s[%zu]: expected a string or a number", nspath(e), name,
                                 k, i);
                    break;
                }
                r->op = R_EQ;
                r->vals = v;
            } else if (json_is_object(v) && json_object_size(v) == 1) {
                const char *op = NULL;
                json_t *ov = NULL;
                json_object_foreach(v, op, ov) break;
                if (!strcmp(op, "$regex")) {
                    if (!json_is_string(ov))
                        st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s.%s.$regex: expected a string", nspath(e), name, k);
                    else {
                        const char *pat = json_string_value(ov);
                        size_t l = strlen(pat);
                        char *full = malloc(l + 5);
                        if (!full) {
                            st = cl_error_fail(e->err, CL_ENOMEM, "out of memory");
                        } else {
                            snprintf(full, l + 5, "^(%s)$", pat); /* a full match, as libsonata */
                            if (regcomp(&r->re, full, REG_EXTENDED | REG_NOSUB) != 0)
                                st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s.%s.$regex: bad regular expression \"%s\"",
                                             nspath(e), name, k, pat);
                            else
                                r->have_re = 1;
                            free(full);
                        }
                        r->op = R_REGEX;
                    }
                } else if (!strcmp(op, "$gt") || !strcmp(op, "$lt") || !strcmp(op, "$gte") || !strcmp(op, "$lte")) {
                    if (!json_is_number(ov))
                        st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s.%s.%s: expected a number", nspath(e), name, k, op);
                    r->op = !strcmp(op, "$gt") ? R_GT : !strcmp(op, "$lt") ? R_LT : !strcmp(op, "$gte") ? R_GTE : R_LTE;
                    r->num = json_number_value(ov);
                } else
                    st = cl_error_fail(e->err, CL_EFORMAT,
                                 "%s: $.%s.%s: unknown operator \"%s\" (expected $regex, $gt, $lt, $gte or $lte)",
                                 nspath(e), name, k, op);
            } else
                st = cl_error_fail(e->err, CL_EFORMAT,
                             "%s: $.%s.%s: expected a value, a list of values or {\"$operator\": value}", nspath(e), name,
                             k);
            nr++;
        }
        if (st != CL_OK) break;
    }
    if (st == CL_OK && in_pop) {
        idv cand = {0};
        if (ids) {
            if (json_is_array(ids)) {
                size_t i;
                json_t *s;
                json_array_foreach(ids, i, s) {
                    uint64_t id = (uint64_t)json_integer_value(s);
                    if (id < e->pop->size && push(&cand, id) < 0) st = cl_error_fail(e->err, CL_ENOMEM, "out of memory");
                }
            } else if ((uint64_t)json_integer_value(ids) < e->pop->size)
                push(&cand, (uint64_t)json_integer_value(ids));
            sort_unique(&cand);
        }
        (void)ids_key;
        uint64_t total = ids ? cand.n : e->pop->size;
        for (uint64_t i = 0; i < total && st == CL_OK; i++) {
            uint64_t node = ids ? cand.v[i] : i;
            int ok = 1;
            for (size_t j = 0; j < nr && ok && st == CL_OK; j++) st = match(e, &rules[j], node, &ok);
            if (st == CL_OK && ok && push(out, node) < 0) st = cl_error_fail(e->err, CL_ENOMEM, "out of memory");
        }
        free(cand.v);
    }
    for (size_t j = 0; j < nr; j++)
        if (rules[j].have_re) regfree(&rules[j].re);
    free(rules);
    return st;
}

static cl_status eval(ev *e, const char *name, idv *out);

static cl_status compound(ev *e, const char *name, json_t *arr, const char *where, idv *out) {
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s) {
        cl_status st;
        if (json_is_string(s))
            st = eval(e, json_string_value(s), out);
        else if (json_is_array(s)) {
            char w[256];
            snprintf(w, sizeof w, "%s[%zu]", where, i);
            st = compound(e, name, s, w, out);
        } else
            st = cl_error_fail(e->err, CL_EFORMAT, "%s: %s[%zu]: expected a node set name", nspath(e), where, i);
        if (st != CL_OK) return st;
    }
    return CL_OK;
}

static cl_status eval(ev *e, const char *name, idv *out) {
    for (int i = 0; i < e->depth; i++)
        if (!strcmp(e->stack[i], name)) {
            char chain[400] = "";
            size_t o = 0;
            for (int j = i; j < e->depth && o < sizeof chain - 1; j++)
                o += (size_t)snprintf(chain + o, sizeof chain - o, "%s -> ", e->stack[j]);
            if (o < sizeof chain) snprintf(chain + o, sizeof chain - o, "%s", name);
            return cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s: cyclic compound node set (%s)", nspath(e), e->stack[i],
                           chain);
        }
    if (++e->calls > 100000)
        return cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s: compound node sets expand to more than 100000 references",
                       nspath(e), name);
    if (e->depth >= MAX_DEPTH)
        return cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s: compound node sets nested deeper than %d", nspath(e), name,
                       MAX_DEPTH);
    json_t *v = e->ns && e->ns->root ? json_object_get(e->ns->root, name) : NULL;
    if (!v) {
        for (size_t i = 0; i < e->npops; i++)
            if (!strcmp(e->pops[i], name)) { /* a population name is an implicit set */
                if (!strcmp(name, e->pop->name))
                    for (uint64_t k = 0; k < e->pop->size; k++)
                        if (push(out, k) < 0) return cl_error_fail(e->err, CL_ENOMEM, "out of memory");
                return CL_OK;
            }
        return cl_error_fail(e->err, CL_ENOTFOUND, "%s: unknown node set \"%s\" (neither defined there nor a population)",
                       nspath(e), name);
    }
    e->stack[e->depth++] = name;
    cl_status st;
    char where[300];
    snprintf(where, sizeof where, "$.%s", name);
    if (json_is_object(v))
        st = basic(e, name, v, out);
    else if (json_is_array(v))
        st = compound(e, name, v, where, out);
    else
        st = cl_error_fail(e->err, CL_EFORMAT, "%s: $.%s: expected an object (basic set) or a list of names (compound set)",
                     nspath(e), name);
    e->depth--;
    return st;
}

cl_status sn_nodeset_eval(const sn_nodesets *ns, const char *name, const sn_ns_pop *pop, const char *const *all_pops,
                          size_t n_pops, uint64_t **ids, size_t *n, cl_error *err) {
    ev e = {.ns = ns, .pop = pop, .pops = all_pops, .npops = n_pops, .err = err};
    idv out = {0};
    *ids = NULL;
    *n = 0;
    cl_status st = eval(&e, name, &out);
    if (st != CL_OK) {
        free(out.v);
        return st;
    }
    sort_unique(&out);
    *ids = out.v;
    *n = out.n;
    return CL_OK;
}
