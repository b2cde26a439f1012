/* Reading a BluePyOpt / BluePyEModel model JSON (layout: bluepyopt.c's
 * header and docs/bluepyopt-json.md). Everything is checked here, before a
 * section is touched: types, locations, distribution names, formulas, the
 * distribution parameters. Mechanism and variable names are checked when
 * the cell is built (they need the simulation's mechanisms). */
#include "model/bpo_json.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/expr.h"

typedef struct {
    const char *file;
    char *err;
    size_t errlen;
    cl_bpo_model *m;
} reader;

static int fail(reader *r, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(reader *r, const char *path, const char *fmt, ...) {
    if (r->err && r->errlen) {
        int k = snprintf(r->err, r->errlen, "%s: %s: ", r->file, path);
        if (k < 0) k = 0;
        if ((size_t)k < r->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

static const struct {
    const char *name;
    unsigned loc;
} LOCATIONS[] = {
    {"all", CL_BPO_ALL},
    {"somatic", CL_BPO_SOMATIC},
    {"axonal", CL_BPO_AXONAL},
    {"basal", CL_BPO_BASAL},
    {"apical", CL_BPO_APICAL},
    {"myelinated", CL_BPO_MYELINATED},
    /* BluePyEModel's multi-locations (bluepyemodel/model/model.py) */
    {"alldend", CL_BPO_APICAL | CL_BPO_BASAL},
    {"somadend", CL_BPO_APICAL | CL_BPO_BASAL | CL_BPO_SOMATIC},
    {"allnoaxon", CL_BPO_APICAL | CL_BPO_BASAL | CL_BPO_SOMATIC},
    {"somaxon", CL_BPO_AXONAL | CL_BPO_SOMATIC},
    {"allact", CL_BPO_APICAL | CL_BPO_BASAL | CL_BPO_SOMATIC | CL_BPO_AXONAL},
};

unsigned cl_bpo_location(const char *name) {
    for (size_t i = 0; i < sizeof LOCATIONS / sizeof LOCATIONS[0]; i++)
        if (!strcmp(LOCATIONS[i].name, name)) return LOCATIONS[i].loc;
    return 0;
}

static int comment_key(const char *k) { return k[0] == '_' && k[1] == '_'; }

static int location(reader *r, const char *path, const char *name, unsigned *loc) {
    *loc = cl_bpo_location(name);
    if (!*loc)
        return fail(r, path,
                    "unknown location \"%s\" (expected all, somatic, axonal, basal, apical, myelinated, alldend, "
                    "somadend, allnoaxon, somaxon or allact)",
                    name);
    return 0;
}

static char *dup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

/* Grow an array by one zeroed element. */
static void *push(reader *r, const char *path, void **arr, size_t *n, size_t size) {
    void *a = realloc(*arr, (*n + 1) * size);
    if (!a) {
        fail(r, path, "out of memory");
        return NULL;
    }
    *arr = a;
    void *e = (char *)a + *n * size;
    memset(e, 0, size);
    (*n)++;
    return e;
}

/* ---- mechanisms ---------------------------------------------------------- */

static int add_mech(reader *r, const char *path, unsigned loc, json_t *name) {
    if (!json_is_string(name) || !json_string_length(name))
        return fail(r, path, "a mechanism name must be a non-empty string");
    if (strlen(json_string_value(name)) != json_string_length(name))
        return fail(r, path, "mechanism name contains a NUL byte");
    cl_bpo_mech *e = push(r, path, (void **)&r->m->mechs, &r->m->nmechs, sizeof *e);
    if (!e) return -1;
    e->loc = loc;
    snprintf(e->path, sizeof e->path, "%s", path);
    if (!(e->mech = dup(json_string_value(name)))) return fail(r, path, "out of memory");
    return 0;
}

static int mechanisms(reader *r, json_t *v) {
    char path[CL_BPO_PATH];
    if (json_is_object(v)) {
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val) {
            if (comment_key(key)) continue;
            unsigned loc;
            snprintf(path, sizeof path, "mechanisms.%s", key);
            if (location(r, path, key, &loc)) return -1;
            json_t *list = val;
            if (json_is_object(val)) {
                list = json_object_get(val, "mech");
                if (!list) return fail(r, path, "expected a \"mech\" list of mechanism names");
                snprintf(path, sizeof path, "mechanisms.%s.mech", key);
            }
            if (!json_is_array(list)) return fail(r, path, "expected a list of mechanism names");
            size_t i;
            json_t *name;
            json_array_foreach(list, i, name) {
                char p2[CL_BPO_PATH + 32];
                snprintf(p2, sizeof p2, "%s[%zu]", path, i);
                if (add_mech(r, p2, loc, name)) return -1;
            }
        }
        return 0;
    }
    if (json_is_array(v)) { /* BluePyEModel's EModel configuration: [{"name", "location"}, ...] */
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            snprintf(path, sizeof path, "mechanisms[%zu]", i);
            if (!json_is_object(e)) return fail(r, path, "expected an object with \"name\" and \"location\"");
            json_t *l = json_object_get(e, "location");
            unsigned loc;
            if (!json_is_string(l)) return fail(r, path, "\"location\" must be a string");
            if (location(r, path, json_string_value(l), &loc)) return -1;
            /* BluePyOpt would switch such a mechanism to its stochastic mode */
            if (json_is_true(json_object_get(e, "stochastic")))
                return fail(r, path, "stochastic mechanisms are not supported");
            if (add_mech(r, path, loc, json_object_get(e, "name"))) return -1;
        }
        return 0;
    }
    return fail(r, "mechanisms", "expected an object keyed by location, or a list");
}

/* ---- distributions ------------------------------------------------------- */

static int find_dist(const cl_bpo_model *m, const char *name) {
    for (size_t i = 0; i < m->ndists; i++)
        if (!strcmp(m->dists[i].name, name)) return (int)i;
    return -1;
}

static int check_formula(reader *r, const char *path, cl_bpo_dist *d) {
    char msg[256], names[512];
    size_t n;
    if (cl_expr_check(d->fun, msg, sizeof msg) ||
        cl_expr_placeholders(d->fun, names, sizeof names, &n, msg, sizeof msg))
        return fail(r, path, "formula \"%s\": %s", d->fun, msg);
    for (size_t k = 0, i = 0; i < n; i++, k += strlen(names + k) + 1) {
        const char *nm = names + k;
        int known = !strcmp(nm, "distance") || !strcmp(nm, "value");
        for (size_t j = 0; j < d->np && !known; j++)
            known = !strcmp(d->pnames[j], nm);
        if (!known)
            return fail(r, path,
                        "formula \"%s\": unknown placeholder {%s} (expected {distance}, {value} or a "
                        "name in \"parameters\")",
                        d->fun, nm);
    }
    /* BluePyOpt refuses a declared parameter the formula does not mention */
    for (size_t j = 0; j < d->np; j++)
        if (!strstr(d->fun, d->pnames[j]))
            return fail(r, path, "parameter \"%s\" does not appear in the formula \"%s\"", d->pnames[j], d->fun);
    return 0;
}

static int add_dist(reader *r, const char *path, const char *name, json_t *fun, json_t *params, json_t *ref) {
    if (find_dist(r->m, name) >= 0) return fail(r, path, "distribution \"%s\" defined twice", name);
    cl_bpo_dist *d = push(r, path, (void **)&r->m->dists, &r->m->ndists, sizeof *d);
    if (!d) return -1;
    snprintf(d->path, sizeof d->path, "%s", path);
    d->soma_ref = 0.5;
    if (!(d->name = dup(name))) return fail(r, path, "out of memory");
    if (ref) {
        if (!json_is_number(ref) || !(json_number_value(ref) >= 0 && json_number_value(ref) <= 1))
            return fail(r, path, "\"soma_ref_location\" must be a number from 0 to 1");
        d->soma_ref = json_number_value(ref);
    }
    if (params && !json_is_null(params)) {
        if (!json_is_array(params)) return fail(r, path, "\"parameters\" must be a list of names");
        size_t np = json_array_size(params);
        d->pnames = calloc(np ? np : 1, sizeof *d->pnames);
        d->pvals = calloc(np ? np : 1, sizeof *d->pvals);
        d->pset = calloc(np ? np : 1, sizeof *d->pset);
        if (!d->pnames || !d->pvals || !d->pset) return fail(r, path, "out of memory");
        for (size_t i = 0; i < np; i++) {
            json_t *p = json_array_get(params, i);
            if (!json_is_string(p) || !json_string_length(p) || !strcmp(json_string_value(p), "distance") ||
                !strcmp(json_string_value(p), "value"))
                return fail(r, path, "\"parameters\"[%zu] must be a name other than distance and value", i);
            if (!(d->pnames[i] = dup(json_string_value(p)))) return fail(r, path, "out of memory");
            d->np = i + 1;
        }
    }
    if (!strcmp(name, "uniform")) return 0; /* BluePyEModel: always the linear scaler */
    if (!json_is_string(fun)) return fail(r, path, "expected a formula string (\"fun\")");
    if (strlen(json_string_value(fun)) != json_string_length(fun)) return fail(r, path, "formula contains a NUL byte");
    if (!(d->fun = dup(json_string_value(fun)))) return fail(r, path, "out of memory");
    return check_formula(r, path, d);
}

static int distributions(reader *r, json_t *v) {
    char path[CL_BPO_PATH];
    if (!v) return 0;
    if (json_is_object(v)) {
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val) {
            if (comment_key(key)) continue;
            snprintf(path, sizeof path, "distributions.%s", key);
            if (json_is_string(val)) {
                if (add_dist(r, path, key, val, NULL, NULL)) return -1;
                continue;
            }
            if (!json_is_object(val)) return fail(r, path, "expected an object with \"fun\", or a formula string");
            json_t *fun = json_object_get(val, "fun");
            if (!fun) fun = json_object_get(val, "function");
            if (add_dist(r, path, key, fun, json_object_get(val, "parameters"),
                         json_object_get(val, "soma_ref_location")))
                return -1;
        }
        return 0;
    }
    if (json_is_array(v)) { /* [{"name", "function", "parameters", "soma_ref_location"}, ...] */
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            snprintf(path, sizeof path, "distributions[%zu]", i);
            if (!json_is_object(e)) return fail(r, path, "expected an object with \"name\" and \"function\"");
            json_t *n = json_object_get(e, "name");
            if (!json_is_string(n)) return fail(r, path, "\"name\" must be a string");
            json_t *fun = json_object_get(e, "function");
            if (!fun) fun = json_object_get(e, "fun");
            if (add_dist(r, path, json_string_value(n), fun, json_object_get(e, "parameters"),
                         json_object_get(e, "soma_ref_location")))
                return -1;
        }
        return 0;
    }
    return fail(r, "distributions", "expected an object keyed by distribution name, or a list");
}

/* ---- parameters ---------------------------------------------------------- */

/* One parameter. loc_name: its location; e: the entry. In the l5pc layout
 * (entries with "param_name") "dist" is the formula itself. */
static int add_param(reader *r, const char *path, const char *loc_name, json_t *e, int l5pc) {
    json_t *n = json_object_get(e, l5pc ? "param_name" : "name");
    if (!json_is_string(n) || !json_string_length(n))
        return fail(r, path, "\"%s\" must be a non-empty string", l5pc ? "param_name" : "name");
    const char *name = json_string_value(n);
    json_t *v = json_object_get(e, "val");
    if (!v) v = json_object_get(e, "value");
    if (json_is_array(v) || (!v && json_object_get(e, "bounds")))
        return fail(r, path, "\"%s\" has bounds, not a value: this is an optimisation set-up; give the fitted value",
                    name);
    if (!json_is_number(v)) return fail(r, path, "\"%s\": the value (\"val\") must be a number", name);
    double value = json_number_value(v);

    if (!strncmp(loc_name, "distribution_", 13)) {
        int di = find_dist(r->m, loc_name + 13);
        if (di < 0) return fail(r, path, "unknown distribution \"%s\"", loc_name + 13);
        cl_bpo_dist *d = &r->m->dists[di];
        for (size_t j = 0; j < d->np; j++)
            if (!strcmp(d->pnames[j], name)) {
                d->pvals[j] = value;
                d->pset[j] = 1;
                return 0;
            }
        return fail(r, path, "\"%s\" is not a parameter of distribution \"%s\"", name, d->name);
    }

    cl_bpo_param *p = push(r, path, (void **)&r->m->params, &r->m->nparams, sizeof *p);
    if (!p) return -1;
    snprintf(p->path, sizeof p->path, "%s", path);
    p->value = value;
    if (!(p->name = dup(name))) return fail(r, path, "out of memory");
    if (!strcmp(loc_name, "global")) {
        p->kind = CL_BPO_GLOBAL;
        return 0;
    }
    if (location(r, path, loc_name, &p->loc)) return -1;
    p->kind = CL_BPO_UNIFORM;
    if (l5pc) {
        json_t *dt = json_object_get(e, "dist_type");
        if (!dt || (json_is_string(dt) && !strcmp(json_string_value(dt), "uniform"))) return 0;
        if (!json_is_string(dt)) return fail(r, path, "\"dist_type\" must be a string");
        /* the formula is inline: an unnamed distribution of its own */
        char dname[64];
        snprintf(dname, sizeof dname, "#%zu", r->m->nparams - 1);
        if (add_dist(r, path, dname, json_object_get(e, "dist"), NULL, NULL)) return -1;
        p->kind = CL_BPO_DISTRIBUTED;
        p->dist = r->m->ndists - 1;
        return 0;
    }
    json_t *dn = json_object_get(e, "dist");
    if (!dn) dn = json_object_get(e, "distribution");
    if (!dn || json_is_null(dn)) return 0;
    if (!json_is_string(dn)) return fail(r, path, "\"dist\" must be a distribution name");
    const char *dname = json_string_value(dn);
    int di = find_dist(r->m, dname);
    if (di < 0 && !strcmp(dname, "uniform")) return 0;
    if (di < 0) return fail(r, path, "unknown distribution \"%s\"", dname);
    if (!r->m->dists[di].fun) return 0; /* "uniform" defined in the file */
    if (!strcmp(name, "Ra") || !strcmp(name, "L") || !strcmp(name, "nseg"))
        return fail(r, path, "%s is a section property; it cannot follow a distribution", name);
    p->kind = CL_BPO_DISTRIBUTED;
    p->dist = (size_t)di;
    return 0;
}

static int parameters(reader *r, json_t *v) {
    char path[CL_BPO_PATH];
    if (json_is_object(v)) {
        const char *key;
        json_t *val;
        json_object_foreach(v, key, val) {
            if (comment_key(key)) continue;
            snprintf(path, sizeof path, "parameters.%s", key);
            if (!json_is_array(val)) return fail(r, path, "expected a list of parameters");
            size_t i;
            json_t *e;
            json_array_foreach(val, i, e) {
                snprintf(path, sizeof path, "parameters.%s[%zu]", key, i);
                if (!json_is_object(e)) return fail(r, path, "expected an object with \"name\" and \"val\"");
                if (add_param(r, path, key, e, 0)) return -1;
            }
        }
        return 0;
    }
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
            snprintf(path, sizeof path, "parameters[%zu]", i);
            if (!json_is_object(e)) return fail(r, path, "expected an object");
            int l5pc = json_object_get(e, "param_name") != NULL;
            json_t *l;
            const char *ln;
            if (l5pc) { /* BluePyOpt's examples/l5pc: "type" global / section / range, "sectionlist" */
                json_t *t = json_object_get(e, "type");
                if (!json_is_string(t)) return fail(r, path, "\"type\" must be global, section or range");
                const char *ts = json_string_value(t);
                if (!strcmp(ts, "global"))
                    ln = "global";
                else if (!strcmp(ts, "section") || !strcmp(ts, "range")) {
                    l = json_object_get(e, "sectionlist");
                    if (!json_is_string(l)) return fail(r, path, "\"sectionlist\" must be a string");
                    ln = json_string_value(l);
                } else
                    return fail(r, path, "\"type\" must be global, section or range, not \"%s\"", ts);
            } else {
                l = json_object_get(e, "location");
                if (!json_is_string(l)) return fail(r, path, "\"location\" must be a string");
                ln = json_string_value(l);
            }
            if (add_param(r, path, ln, e, l5pc)) return -1;
        }
        return 0;
    }
    return fail(r, "parameters", "expected an object keyed by location, or a list");
}

void cl_bpo_free(cl_bpo_model *m) {
    if (!m) return;
    for (size_t i = 0; i < m->nmechs; i++)
        free(m->mechs[i].mech);
    for (size_t i = 0; i < m->ndists; i++) {
        cl_bpo_dist *d = &m->dists[i];
        for (size_t j = 0; j < d->np; j++)
            free(d->pnames[j]);
        free(d->pnames), free(d->pvals), free(d->pset), free(d->name), free(d->fun);
    }
    for (size_t i = 0; i < m->nparams; i++)
        free(m->params[i].name);
    free(m->mechs), free(m->dists), free(m->params);
    memset(m, 0, sizeof *m);
}

int cl_bpo_parse(const char *text, size_t len, const char *file, cl_bpo_model *m, char *err, size_t errlen) {
    reader r = {.file = file ? file : "<model>", .err = err, .errlen = errlen, .m = m};
    memset(m, 0, sizeof *m);
    if (err && errlen) err[0] = 0;
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        char where[64];
        snprintf(where, sizeof where, "line %d, column %d", je.line, je.column);
        return fail(&r, where, "%s", je.text);
    }
    int rc = -1;
    if (!json_is_object(root)) {
        fail(&r, "(top)", "expected a JSON object with \"mechanisms\" and \"parameters\"");
        goto done;
    }
    json_t *mech = json_object_get(root, "mechanisms"), *par = json_object_get(root, "parameters");
    if (!mech || !par) {
        fail(&r, "(top)", "a BluePyOpt model needs both \"mechanisms\" and \"parameters\"");
        goto done;
    }
    /* distributions first: parameters refer to them by name */
    if (mechanisms(&r, mech) || distributions(&r, json_object_get(root, "distributions")) || parameters(&r, par))
        goto done;
    /* BluePyOpt sets distribution parameters when the model is made, so the
     * order in the file does not matter; an unset one is an error where it
     * is used */
    for (size_t i = 0; i < m->nparams; i++) {
        if (m->params[i].kind != CL_BPO_DISTRIBUTED) continue;
        cl_bpo_dist *d = &m->dists[m->params[i].dist];
        for (size_t j = 0; j < d->np; j++)
            if (!d->pset[j]) {
                fail(&r, m->params[i].path,
                     "distribution \"%s\" needs its parameter \"%s\" (give it in \"distribution_%s\")", d->name,
                     d->pnames[j], d->name);
                goto done;
            }
    }
    rc = 0;
done:
    json_decref(root);
    if (rc) cl_bpo_free(m);
    return rc;
}
