/* An in-memory CircuitAccess implementation (include/cellulab_memcircuit.h):
 * plain arrays, filled by the builder calls, read through cl_circuit_ops. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_memcircuit.h"
#include "util/util.h"

typedef struct kv {
    const char *name;
    cl_value v;
} kv;
typedef struct kvlist {
    kv *a;
    size_t n, cap;
} kvlist;

typedef struct mpop {
    const char *name;
    uint64_t n;
    cl_node_model model;
    kvlist *attrs, *dyn; /* per node */
    const char **attr_names;
    size_t n_attr_names;
} mpop;

typedef struct mnset {
    const char *name, *pop;
    uint64_t *ids;
    size_t n;
} mnset;

typedef struct medge {
    uint64_t src, tgt;
    const char *dyn;
    kvlist attrs;
} medge;

typedef struct mepop {
    const char *name;
    size_t src, tgt;
    medge *e;
    size_t n, cap;
} mepop;

typedef struct mspk {
    const char *pop;
    uint64_t *nodes;
    double *times;
    size_t n;
} mspk;

struct cl_memcircuit {
    char **pool; /* every string the circuit owns */
    size_t n_pool, cap_pool;
    mpop *pops;
    size_t n_pops;
    mnset *sets;
    size_t n_sets;
    mepop *epops;
    size_t n_epops;
    mspk *spk;
    size_t n_spk;
    cl_run_config rc;
    cl_current_clamp *cc;
    size_t n_cc;
    cl_report_config *rep;
    size_t n_rep;
    cl_connection_override *ov;
    size_t n_ov;
    const char *mech_dir;
    struct minput *in; /* generic inputs (after the current clamps in input order) */
    const char **cc_where; /* per current clamp: "memory circuit: current clamp \"NAME\"" */
    size_t n_in;
};

/* A generic input: its description and its parameters by key. */
typedef struct mparam {
    const char *key;
    cl_value v;
    double *arr; /* an array parameter (n_arr numbers), else NULL */
    size_t n_arr;
} mparam;
typedef struct minput {
    cl_input in;
    mparam *p;
    size_t n_p;
} minput;

/* Grow an array of elements of size sz to hold n + 1. */
static int grow(void **a, size_t *cap, size_t n, size_t sz) {
    if (n < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 8;
    void *p = realloc(*a, nc * sz);
    if (!p) return -1;
    *a = p;
    *cap = nc;
    return 0;
}

/* A copy of s kept until the circuit is freed (NULL stays NULL; "" on OOM
 * is avoided by returning NULL and setting *bad). */
static const char *keep(cl_memcircuit *mc, const char *s, int *bad) {
    if (!s) return NULL;
    if (grow((void **)&mc->pool, &mc->cap_pool, mc->n_pool, sizeof *mc->pool)) {
        *bad = 1;
        return NULL;
    }
    char *c = strdup(s);
    if (!c) {
        *bad = 1;
        return NULL;
    }
    mc->pool[mc->n_pool++] = c;
    return c;
}

cl_status cl_memcircuit_new(cl_memcircuit **out, cl_error *err) {
    if (!out) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_new: out must not be NULL");
    cl_memcircuit *mc = calloc(1, sizeof *mc);
    if (!mc) return cl_error_fail(err, CL_ENOMEM, "cl_memcircuit_new: out of memory");
    mc->rc.tstart = mc->rc.tstop = mc->rc.dt = mc->rc.dL = NAN;
    mc->rc.spike_threshold = mc->rc.celsius = mc->rc.v_init = NAN;
    *out = mc;
    return CL_OK;
}

static void mem_free(void *state) {
    cl_memcircuit *mc = state;
    if (!mc) return;
    for (size_t i = 0; i < mc->n_pops; i++) {
        mpop *p = &mc->pops[i];
        for (uint64_t k = 0; k < p->n; k++) {
            free(p->attrs[k].a);
            free(p->dyn[k].a);
        }
        free(p->attrs);
        free(p->dyn);
        free(p->attr_names);
    }
    free(mc->pops);
    for (size_t i = 0; i < mc->n_sets; i++) free(mc->sets[i].ids);
    free(mc->sets);
    for (size_t i = 0; i < mc->n_epops; i++) {
        for (size_t k = 0; k < mc->epops[i].n; k++) free(mc->epops[i].e[k].attrs.a);
        free(mc->epops[i].e);
    }
    free(mc->epops);
    for (size_t i = 0; i < mc->n_spk; i++) {
        free(mc->spk[i].nodes);
        free(mc->spk[i].times);
    }
    free(mc->spk);
    free(mc->cc);
    free(mc->cc_where);
    for (size_t i = 0; i < mc->n_in; i++) {
        for (size_t j = 0; j < mc->in[i].n_p; j++) free(mc->in[i].p[j].arr);
        free(mc->in[i].p);
    }
    free(mc->in);
    free(mc->rep);
    free(mc->ov);
    for (size_t i = 0; i < mc->n_pool; i++) free(mc->pool[i]);
    free(mc->pool);
    free(mc);
}

void cl_memcircuit_free(cl_memcircuit *mc) { mem_free(mc); }

static mpop *find_pop(const cl_memcircuit *mc, const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < mc->n_pops; i++)
        if (strcmp(mc->pops[i].name, name) == 0) return &mc->pops[i];
    return NULL;
}

static mepop *find_epop(const cl_memcircuit *mc, const char *name) {
    if (!name) return NULL;
    for (size_t i = 0; i < mc->n_epops; i++)
        if (strcmp(mc->epops[i].name, name) == 0) return &mc->epops[i];
    return NULL;
}

cl_status cl_memcircuit_add_population(cl_memcircuit *mc, const char *name, uint64_t n, const cl_node_model *m,
                                       cl_error *err) {
    if (!mc || !name || !m) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_population: NULL argument");
    if (find_pop(mc, name)) return cl_error_fail(err, CL_EINVAL, "memory circuit: node population \"%s\" exists", name);
    mpop *np = realloc(mc->pops, (mc->n_pops + 1) * sizeof *np);
    if (!np) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->pops = np;
    mpop *p = &mc->pops[mc->n_pops];
    memset(p, 0, sizeof *p);
    int bad = 0;
    p->name = keep(mc, name, &bad);
    p->n = n;
    p->model.model_type = keep(mc, m->model_type, &bad);
    p->model.model_template = keep(mc, m->model_template, &bad);
    p->model.template_path = keep(mc, m->template_path, &bad);
    p->model.model_processing = keep(mc, m->model_processing, &bad);
    p->model.morphology = keep(mc, m->morphology, &bad);
    p->model.h5_cell = keep(mc, m->h5_cell, &bad);
    p->model.dynamics_params = keep(mc, m->dynamics_params, &bad);
    p->attrs = calloc(n ? n : 1, sizeof *p->attrs);
    p->dyn = calloc(n ? n : 1, sizeof *p->dyn);
    if (bad || !p->attrs || !p->dyn) {
        free(p->attrs);
        free(p->dyn);
        return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    }
    mc->n_pops++;
    return CL_OK;
}

/* Set name = v in a list (replacing an earlier value). */
static cl_status kv_set(cl_memcircuit *mc, kvlist *l, const char *name, cl_value v, cl_error *err) {
    int bad = 0;
    if (v.kind == CL_VALUE_STRING) v.str = keep(mc, v.str, &bad);
    if (bad) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->a[i].name, name) == 0) {
            l->a[i].v = v;
            return CL_OK;
        }
    const char *nm = keep(mc, name, &bad);
    if (bad || grow((void **)&l->a, &l->cap, l->n, sizeof *l->a))
        return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    l->a[l->n].name = nm;
    l->a[l->n].v = v;
    l->n++;
    return CL_OK;
}

static const cl_value *kv_get(const kvlist *l, const char *name) {
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->a[i].name, name) == 0) return &l->a[i].v;
    return NULL;
}

static cl_status node_ref(cl_memcircuit *mc, const char *pop, uint64_t node, mpop **p, cl_error *err) {
    if (!mc || !pop) return cl_error_fail(err, CL_EINVAL, "memory circuit: NULL argument");
    *p = find_pop(mc, pop);
    if (!*p) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no node population \"%s\"", pop);
    if (node >= (*p)->n)
        return cl_error_fail(err, CL_EINVAL, "memory circuit: node %llu out of range in \"%s\" (%llu nodes)",
                    (unsigned long long)node, pop, (unsigned long long)(*p)->n);
    return CL_OK;
}

static cl_status note_attr_name(cl_memcircuit *mc, mpop *p, const char *attr, cl_error *err) {
    for (size_t i = 0; i < p->n_attr_names; i++)
        if (strcmp(p->attr_names[i], attr) == 0) return CL_OK;
    int bad = 0;
    const char *nm = keep(mc, attr, &bad);
    const char **na = bad ? NULL : realloc(p->attr_names, (p->n_attr_names + 1) * sizeof *na);
    if (!na) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    p->attr_names = na;
    na[p->n_attr_names++] = nm;
    return CL_OK;
}

static cl_status set_attr(cl_memcircuit *mc, const char *pop, uint64_t node, const char *attr, cl_value v,
                          cl_error *err) {
    mpop *p;
    cl_status st = node_ref(mc, pop, node, &p, err);
    if (st) return st;
    if (!attr) return cl_error_fail(err, CL_EINVAL, "memory circuit: attribute name is NULL");
    st = note_attr_name(mc, p, attr, err);
    return st ? st : kv_set(mc, &p->attrs[node], attr, v, err);
}

cl_status cl_memcircuit_set_attribute_num(cl_memcircuit *mc, const char *pop, uint64_t node, const char *attr,
                                          double value, cl_error *err) {
    return set_attr(mc, pop, node, attr, (cl_value){.kind = CL_VALUE_NUMBER, .num = value}, err);
}

cl_status cl_memcircuit_set_attribute_str(cl_memcircuit *mc, const char *pop, uint64_t node, const char *attr,
                                          const char *value, cl_error *err) {
    cl_value v = {.kind = value ? CL_VALUE_STRING : CL_VALUE_NONE, .str = value};
    return set_attr(mc, pop, node, attr, v, err);
}

cl_status cl_memcircuit_set_dynamics(cl_memcircuit *mc, const char *pop, uint64_t node, const char *name,
                                     double value, cl_error *err) {
    mpop *p;
    cl_status st = node_ref(mc, pop, node, &p, err);
    if (st) return st;
    if (!name) return cl_error_fail(err, CL_EINVAL, "memory circuit: dynamics name is NULL");
    return kv_set(mc, &p->dyn[node], name, (cl_value){.kind = CL_VALUE_NUMBER, .num = value}, err);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

cl_status cl_memcircuit_add_node_set(cl_memcircuit *mc, const char *name, const char *pop, const uint64_t *ids,
                                     size_t n, cl_error *err) {
    if (!mc || !name || !pop || (n && !ids)) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_node_set: NULL argument");
    mpop *p = find_pop(mc, pop);
    if (!p) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: node set \"%s\": no node population \"%s\"", name, pop);
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= p->n)
            return cl_error_fail(err, CL_EINVAL, "memory circuit: node set \"%s\": node %llu out of range in \"%s\"", name,
                        (unsigned long long)ids[i], pop);
    mnset *ns = realloc(mc->sets, (mc->n_sets + 1) * sizeof *ns);
    if (!ns) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->sets = ns;
    mnset *s = &ns[mc->n_sets];
    int bad = 0;
    s->name = keep(mc, name, &bad);
    s->pop = keep(mc, pop, &bad);
    s->ids = malloc((n ? n : 1) * sizeof *s->ids);
    if (bad || !s->ids) {
        free(s->ids);
        return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    }
    if (n) memcpy(s->ids, ids, n * sizeof *ids);
    qsort(s->ids, n, sizeof *s->ids, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || s->ids[k - 1] != s->ids[i]) s->ids[k++] = s->ids[i];
    s->n = k;
    mc->n_sets++;
    return CL_OK;
}

cl_status cl_memcircuit_add_edge_population(cl_memcircuit *mc, const char *name, const char *source_pop,
                                            const char *target_pop, cl_error *err) {
    if (!mc || !name) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_edge_population: NULL argument");
    mpop *s = find_pop(mc, source_pop), *t = find_pop(mc, target_pop);
    if (!s || !t)
        return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: edge population \"%s\": no node population \"%s\"", name,
                    !s ? (source_pop ? source_pop : "(null)") : (target_pop ? target_pop : "(null)"));
    if (find_epop(mc, name)) return cl_error_fail(err, CL_EINVAL, "memory circuit: edge population \"%s\" exists", name);
    mepop *ne = realloc(mc->epops, (mc->n_epops + 1) * sizeof *ne);
    if (!ne) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->epops = ne;
    mepop *e = &ne[mc->n_epops];
    memset(e, 0, sizeof *e);
    int bad = 0;
    e->name = keep(mc, name, &bad);
    if (bad) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    e->src = (size_t)(s - mc->pops);
    e->tgt = (size_t)(t - mc->pops);
    mc->n_epops++;
    return CL_OK;
}

cl_status cl_memcircuit_add_edge(cl_memcircuit *mc, const char *epop, uint64_t source, uint64_t target,
                                 const char *dynamics_params, uint64_t *edge_id, cl_error *err) {
    if (!mc) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_edge: NULL circuit");
    mepop *e = find_epop(mc, epop);
    if (!e) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no edge population \"%s\"", epop ? epop : "(null)");
    if (source >= mc->pops[e->src].n || target >= mc->pops[e->tgt].n)
        return cl_error_fail(err, CL_EINVAL, "memory circuit: edge %llu -> %llu of \"%s\": node out of range",
                    (unsigned long long)source, (unsigned long long)target, epop);
    int bad = 0;
    const char *dp = keep(mc, dynamics_params, &bad);
    if (bad || grow((void **)&e->e, &e->cap, e->n, sizeof *e->e))
        return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    e->e[e->n] = (medge){.src = source, .tgt = target, .dyn = dp};
    if (edge_id) *edge_id = e->n;
    e->n++;
    return CL_OK;
}

static cl_status set_edge(cl_memcircuit *mc, const char *epop, uint64_t edge, const char *attr, cl_value v,
                          cl_error *err) {
    if (!mc || !attr) return cl_error_fail(err, CL_EINVAL, "memory circuit: NULL argument");
    mepop *e = find_epop(mc, epop);
    if (!e) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no edge population \"%s\"", epop ? epop : "(null)");
    if (edge >= e->n)
        return cl_error_fail(err, CL_EINVAL, "memory circuit: edge %llu out of range in \"%s\"", (unsigned long long)edge,
                    epop);
    return kv_set(mc, &e->e[edge].attrs, attr, v, err);
}

cl_status cl_memcircuit_set_edge_num(cl_memcircuit *mc, const char *epop, uint64_t edge, const char *attr,
                                     double value, cl_error *err) {
    return set_edge(mc, epop, edge, attr, (cl_value){.kind = CL_VALUE_NUMBER, .num = value}, err);
}

cl_status cl_memcircuit_set_edge_str(cl_memcircuit *mc, const char *epop, uint64_t edge, const char *attr,
                                     const char *value, cl_error *err) {
    return set_edge(mc, epop, edge, attr, (cl_value){.kind = value ? CL_VALUE_STRING : CL_VALUE_NONE, .str = value},
                    err);
}

cl_status cl_memcircuit_add_spike_input(cl_memcircuit *mc, const char *pop, const uint64_t *nodes,
                                        const double *times, size_t n, cl_error *err) {
    if (!mc || !pop || (n && (!nodes || !times)))
        return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_spike_input: NULL argument");
    mspk *ns = realloc(mc->spk, (mc->n_spk + 1) * sizeof *ns);
    if (!ns) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->spk = ns;
    mspk *s = &ns[mc->n_spk];
    int bad = 0;
    s->pop = keep(mc, pop, &bad);
    s->nodes = malloc((n ? n : 1) * sizeof *s->nodes);
    s->times = malloc((n ? n : 1) * sizeof *s->times);
    if (bad || !s->nodes || !s->times) {
        free(s->nodes);
        free(s->times);
        return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    }
    if (n) {
        memcpy(s->nodes, nodes, n * sizeof *nodes);
        memcpy(s->times, times, n * sizeof *times);
    }
    s->n = n;
    mc->n_spk++;
    return CL_OK;
}

cl_status cl_memcircuit_set_run_config(cl_memcircuit *mc, const cl_run_config *rc, cl_error *err) {
    if (!mc || !rc) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_set_run_config: NULL argument");
    int bad = 0;
    cl_run_config c = *rc;
    c.node_set = keep(mc, rc->node_set, &bad);
    c.output_dir = keep(mc, rc->output_dir, &bad);
    c.spikes_file = keep(mc, rc->spikes_file, &bad);
    c.spikes_sort_order = keep(mc, rc->spikes_sort_order, &bad);
    if (bad) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->rc = c;
    return CL_OK;
}

cl_status cl_memcircuit_add_current_clamp(cl_memcircuit *mc, const cl_current_clamp *cc, cl_error *err) {
    if (!mc || !cc) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_current_clamp: NULL argument");
    cl_current_clamp *n = realloc(mc->cc, (mc->n_cc + 1) * sizeof *n);
    if (!n) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->cc = n;
    int bad = 0;
    cl_current_clamp c = *cc;
    c.name = keep(mc, cc->name, &bad);
    c.node_set = keep(mc, cc->node_set, &bad);
    c.section_name = keep(mc, cc->section_name, &bad);
    const char **w = realloc(mc->cc_where, (mc->n_cc + 1) * sizeof *w);
    if (w) mc->cc_where = w;
    char wh[300];
    snprintf(wh, sizeof wh, "memory circuit: current clamp \"%s\"", cc->name ? cc->name : "");
    if (w) w[mc->n_cc] = keep(mc, wh, &bad);
    if (bad || !w) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    n[mc->n_cc++] = c;
    return CL_OK;
}

cl_status cl_memcircuit_add_report(cl_memcircuit *mc, const cl_report_config *r, cl_error *err) {
    if (!mc || !r) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_report: NULL argument");
    cl_report_config *n = realloc(mc->rep, (mc->n_rep + 1) * sizeof *n);
    if (!n) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->rep = n;
    int bad = 0;
    cl_report_config c = *r;
    c.name = keep(mc, r->name, &bad);
    c.node_set = keep(mc, r->node_set, &bad);
    c.variable_name = keep(mc, r->variable_name, &bad);
    c.sections = keep(mc, r->sections, &bad);
    c.file_name = keep(mc, r->file_name, &bad);
    c.compartments = keep(mc, r->compartments, &bad);
    if (bad) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    n[mc->n_rep++] = c;
    return CL_OK;
}

cl_status cl_memcircuit_add_connection_override(cl_memcircuit *mc, const cl_connection_override *o,
                                                cl_error *err) {
    if (!mc || !o) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_connection_override: NULL argument");
    cl_connection_override *n = realloc(mc->ov, (mc->n_ov + 1) * sizeof *n);
    if (!n) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->ov = n;
    int bad = 0;
    cl_connection_override c = *o;
    c.name = keep(mc, o->name, &bad);
    c.source = keep(mc, o->source, &bad);
    c.target = keep(mc, o->target, &bad);
    c.synapse_configure = keep(mc, o->synapse_configure, &bad);
    if (bad) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    n[mc->n_ov++] = c;
    return CL_OK;
}

cl_status cl_memcircuit_set_mechanisms_dir(cl_memcircuit *mc, const char *dir, cl_error *err) {
    if (!mc) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_set_mechanisms_dir: NULL circuit");
    int bad = 0;
    mc->mech_dir = keep(mc, dir, &bad);
    return bad ? cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory") : CL_OK;
}

/* ---- the ops ------------------------------------------------------------ */

static size_t m_pop_count(void *s) { return ((cl_memcircuit *)s)->n_pops; }
static const char *m_pop_name(void *s, size_t i) {
    cl_memcircuit *mc = s;
    return i < mc->n_pops ? mc->pops[i].name : NULL;
}

static cl_status m_pop_size(void *s, const char *pop, uint64_t *n, cl_error *err) {
    mpop *p = find_pop(s, pop);
    if (!p) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no node population \"%s\"", pop ? pop : "(null)");
    *n = p->n;
    return CL_OK;
}

static cl_status m_attr_names(void *s, const char *pop, const char ***names, size_t *n, cl_error *err) {
    mpop *p = find_pop(s, pop);
    if (!p) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no node population \"%s\"", pop ? pop : "(null)");
    *names = malloc((p->n_attr_names ? p->n_attr_names : 1) * sizeof **names);
    if (!*names) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    for (size_t i = 0; i < p->n_attr_names; i++) (*names)[i] = p->attr_names[i];
    *n = p->n_attr_names;
    return CL_OK;
}

static cl_status m_attr(void *s, const char *pop, const char *attr, uint64_t node, cl_value *out, cl_error *err) {
    mpop *p;
    cl_status st = node_ref(s, pop, node, &p, err);
    if (st) return st;
    const cl_value *v = kv_get(&p->attrs[node], attr);
    *out = v ? *v : (cl_value){.kind = CL_VALUE_NONE};
    return CL_OK;
}

/* the distinct names given with cl_memcircuit_set_dynamics over the nodes */
static cl_status m_dyn_names(void *s, const char *pop, const char ***names, size_t *n, cl_error *err) {
    mpop *p = find_pop(s, pop);
    if (!p) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no node population \"%s\"", pop ? pop : "(null)");
    size_t cap = 1, m = 0;
    for (uint64_t k = 0; k < p->n; k++) cap += p->dyn[k].n;
    const char **v = malloc(cap * sizeof *v);
    if (!v) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    for (uint64_t k = 0; k < p->n; k++)
        for (size_t i = 0; i < p->dyn[k].n; i++) {
            size_t d;
            for (d = 0; d < m && strcmp(v[d], p->dyn[k].a[i].name) != 0; d++) {}
            if (d == m) v[m++] = p->dyn[k].a[i].name;
        }
    *names = v;
    *n = m;
    return CL_OK;
}

static cl_status m_dyn(void *s, const char *pop, const char *name, uint64_t node, cl_value *out, cl_error *err) {
    mpop *p;
    cl_status st = node_ref(s, pop, node, &p, err);
    if (st) return st;
    const cl_value *v = kv_get(&p->dyn[node], name);
    *out = v ? *v : (cl_value){.kind = CL_VALUE_NONE};
    return CL_OK;
}

static cl_status m_model(void *s, const char *pop, uint64_t node, cl_node_model *out, cl_error *err) {
    mpop *p;
    cl_status st = node_ref(s, pop, node, &p, err);
    if (st) return st;
    *out = p->model;
    return CL_OK;
}

static cl_status m_node_set(void *s, const char *name, const char *pop, uint64_t **ids, size_t *n, cl_error *err) {
    cl_memcircuit *mc = s;
    int known = 0;
    size_t total = 0;
    for (size_t i = 0; i < mc->n_sets; i++)
        if (strcmp(mc->sets[i].name, name) == 0) {
            known = 1;
            if (strcmp(mc->sets[i].pop, pop) == 0) total += mc->sets[i].n;
        }
    /* as bmtk, a population's name is a node set of all its nodes */
    mpop *p = find_pop(mc, name);
    if (!known && !p) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no node set \"%s\"", name);
    if (!known) total = strcmp(p->name, pop) == 0 ? p->n : 0;
    uint64_t *a = malloc((total ? total : 1) * sizeof *a);
    if (!a) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    size_t k = 0;
    if (known) {
        for (size_t i = 0; i < mc->n_sets; i++)
            if (strcmp(mc->sets[i].name, name) == 0 && strcmp(mc->sets[i].pop, pop) == 0)
                for (size_t j = 0; j < mc->sets[i].n; j++) a[k++] = mc->sets[i].ids[j];
        qsort(a, k, sizeof *a, cmp_u64);
        size_t u = 0;
        for (size_t i = 0; i < k; i++)
            if (u == 0 || a[u - 1] != a[i]) a[u++] = a[i];
        k = u;
    } else {
        for (uint64_t i = 0; i < total; i++) a[k++] = i;
    }
    *ids = a;
    *n = k;
    return CL_OK;
}

static size_t m_set_count(void *s) { return ((cl_memcircuit *)s)->n_sets; }
static const char *m_set_name(void *s, size_t i) {
    cl_memcircuit *mc = s;
    return i < mc->n_sets ? mc->sets[i].name : NULL;
}
static size_t m_epop_count(void *s) { return ((cl_memcircuit *)s)->n_epops; }
static const char *m_epop_name(void *s, size_t i) {
    cl_memcircuit *mc = s;
    return i < mc->n_epops ? mc->epops[i].name : NULL;
}

static cl_status m_epop_info(void *s, const char *epop, const char **src, const char **tgt, uint64_t *n,
                             cl_error *err) {
    cl_memcircuit *mc = s;
    mepop *e = find_epop(mc, epop);
    if (!e) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no edge population \"%s\"", epop ? epop : "(null)");
    if (src) *src = mc->pops[e->src].name;
    if (tgt) *tgt = mc->pops[e->tgt].name;
    if (n) *n = e->n;
    return CL_OK;
}

static cl_status m_afferent(void *s, const char *epop, uint64_t target, uint64_t **edges, size_t *n,
                            cl_error *err) {
    mepop *e = find_epop(s, epop);
    if (!e) return cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no edge population \"%s\"", epop ? epop : "(null)");
    size_t k = 0;
    for (size_t i = 0; i < e->n; i++) k += e->e[i].tgt == target;
    uint64_t *a = malloc((k ? k : 1) * sizeof *a);
    if (!a) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    k = 0;
    for (size_t i = 0; i < e->n; i++)
        if (e->e[i].tgt == target) a[k++] = i;
    *edges = a;
    *n = k;
    return CL_OK;
}

static medge *edge_ref(void *s, const char *epop, uint64_t edge, cl_error *err) {
    mepop *e = find_epop(s, epop);
    if (!e) {
        cl_error_fail(err, CL_ENOTFOUND, "memory circuit: no edge population \"%s\"", epop ? epop : "(null)");
        return NULL;
    }
    if (edge >= e->n) {
        cl_error_fail(err, CL_EINVAL, "memory circuit: edge %llu out of range in \"%s\"", (unsigned long long)edge, epop);
        return NULL;
    }
    return &e->e[edge];
}

static cl_status m_edge_source(void *s, const char *epop, uint64_t edge, uint64_t *src, cl_error *err) {
    medge *e = edge_ref(s, epop, edge, err);
    if (!e) return CL_EINVAL;
    *src = e->src;
    return CL_OK;
}

static cl_status m_edge_attr(void *s, const char *epop, const char *attr, uint64_t edge, cl_value *out,
                             cl_error *err) {
    medge *e = edge_ref(s, epop, edge, err);
    if (!e) return CL_EINVAL;
    const cl_value *v = kv_get(&e->attrs, attr);
    *out = v ? *v : (cl_value){.kind = CL_VALUE_NONE};
    return CL_OK;
}

static cl_status m_edge_dyn(void *s, const char *epop, uint64_t edge, const char **path, cl_error *err) {
    medge *e = edge_ref(s, epop, edge, err);
    if (!e) return CL_EINVAL;
    *path = e->dyn;
    return CL_OK;
}

static size_t m_spk_count(void *s) { return ((cl_memcircuit *)s)->n_spk; }

static cl_status m_spk(void *s, size_t i, const char **pop, uint64_t **nodes, double **times, size_t *n,
                       cl_error *err) {
    cl_memcircuit *mc = s;
    if (i >= mc->n_spk) return cl_error_fail(err, CL_EINVAL, "memory circuit: spike input %zu out of range", i);
    mspk *p = &mc->spk[i];
    size_t k = p->n ? p->n : 1;
    *nodes = malloc(k * sizeof **nodes);
    *times = malloc(k * sizeof **times);
    if (!*nodes || !*times) {
        free(*nodes);
        free(*times);
        *nodes = NULL;
        *times = NULL;
        return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    }
    if (p->n) {
        memcpy(*nodes, p->nodes, p->n * sizeof **nodes);
        memcpy(*times, p->times, p->n * sizeof **times);
    }
    *pop = p->pop;
    *n = p->n;
    return CL_OK;
}

static cl_status m_run(void *s, cl_run_config *out, cl_error *err) {
    (void)err;
    *out = ((cl_memcircuit *)s)->rc;
    return CL_OK;
}

static size_t m_cc_count(void *s) { return ((cl_memcircuit *)s)->n_cc; }
static cl_status m_cc(void *s, size_t i, cl_current_clamp *out, cl_error *err) {
    cl_memcircuit *mc = s;
    if (i >= mc->n_cc) return cl_error_fail(err, CL_EINVAL, "memory circuit: current clamp %zu out of range", i);
    *out = mc->cc[i];
    return CL_OK;
}
static size_t m_rep_count(void *s) { return ((cl_memcircuit *)s)->n_rep; }
static cl_status m_rep(void *s, size_t i, cl_report_config *out, cl_error *err) {
    cl_memcircuit *mc = s;
    if (i >= mc->n_rep) return cl_error_fail(err, CL_EINVAL, "memory circuit: report %zu out of range", i);
    *out = mc->rep[i];
    return CL_OK;
}
static size_t m_ov_count(void *s) { return ((cl_memcircuit *)s)->n_ov; }
static cl_status m_ov(void *s, size_t i, cl_connection_override *out, cl_error *err) {
    cl_memcircuit *mc = s;
    if (i >= mc->n_ov) return cl_error_fail(err, CL_EINVAL, "memory circuit: connection override %zu out of range", i);
    *out = mc->ov[i];
    return CL_OK;
}
static const char *m_mech_dir(void *s) { return ((cl_memcircuit *)s)->mech_dir; }

/* ---- generic inputs: the current clamps first (as bmtk IClamp inputs), then
 * those added with cl_memcircuit_add_input ---- */

cl_status cl_memcircuit_add_input(cl_memcircuit *mc, const cl_input *in, size_t *index, cl_error *err) {
    if (!mc || !in) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_add_input: NULL argument");
    minput *n = realloc(mc->in, (mc->n_in + 1) * sizeof *n);
    if (!n) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    mc->in = n;
    int bad = 0;
    minput m = {.in = *in};
    m.in.name = keep(mc, in->name, &bad);
    m.in.module = keep(mc, in->module, &bad);
    m.in.input_type = keep(mc, in->input_type, &bad);
    m.in.node_set = keep(mc, in->node_set, &bad);
    char wh[300];
    snprintf(wh, sizeof wh, "memory circuit: input \"%s\"", in->name ? in->name : "");
    m.in.where = keep(mc, in->where ? in->where : wh, &bad);
    if (bad) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    if (index) *index = mc->n_cc + mc->n_in;
    n[mc->n_in++] = m;
    return CL_OK;
}

/* The parameter slot key of input index (created if new). */
static cl_status in_slot(cl_memcircuit *mc, size_t index, const char *key, mparam **out, cl_error *err) {
    if (!mc || !key) return cl_error_fail(err, CL_EINVAL, "memory circuit: input parameter: NULL argument");
    if (index < mc->n_cc || index >= mc->n_cc + mc->n_in)
        return cl_error_fail(err, CL_EINVAL, "memory circuit: input %zu is not one added with cl_memcircuit_add_input",
                             index);
    minput *m = &mc->in[index - mc->n_cc];
    for (size_t j = 0; j < m->n_p; j++)
        if (!strcmp(m->p[j].key, key)) {
            free(m->p[j].arr);
            m->p[j].arr = NULL;
            m->p[j].n_arr = 0;
            *out = &m->p[j];
            return CL_OK;
        }
    mparam *np = realloc(m->p, (m->n_p + 1) * sizeof *np);
    if (!np) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    m->p = np;
    int bad = 0;
    memset(&np[m->n_p], 0, sizeof *np);
    np[m->n_p].key = keep(mc, key, &bad);
    if (bad) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    *out = &np[m->n_p++];
    return CL_OK;
}

cl_status cl_memcircuit_set_input_num(cl_memcircuit *mc, size_t index, const char *key, double value, cl_error *err) {
    mparam *p;
    cl_status st = in_slot(mc, index, key, &p, err);
    if (st) return st;
    p->v = (cl_value){.kind = CL_VALUE_NUMBER, .num = value};
    return CL_OK;
}

cl_status cl_memcircuit_set_input_str(cl_memcircuit *mc, size_t index, const char *key, const char *value,
                                      cl_error *err) {
    mparam *p;
    cl_status st = in_slot(mc, index, key, &p, err);
    if (st) return st;
    int bad = 0;
    p->v = (cl_value){.kind = value ? CL_VALUE_STRING : CL_VALUE_NONE, .str = keep(mc, value, &bad)};
    return bad ? cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory") : CL_OK;
}

cl_status cl_memcircuit_set_input_array(cl_memcircuit *mc, size_t index, const char *key, const double *vals,
                                        size_t n, cl_error *err) {
    mparam *p;
    cl_status st = in_slot(mc, index, key, &p, err);
    if (st) return st;
    p->arr = malloc((n ? n : 1) * sizeof *p->arr);
    if (!p->arr) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
    if (n) memcpy(p->arr, vals, n * sizeof *vals);
    p->n_arr = n;
    p->v = (cl_value){0};
    return CL_OK;
}

static size_t m_in_count(void *s) {
    cl_memcircuit *mc = s;
    return mc->n_cc + mc->n_in;
}
static cl_status m_in(void *s, size_t i, cl_input *out, cl_error *err) {
    cl_memcircuit *mc = s;
    if (i >= mc->n_cc + mc->n_in) return cl_error_fail(err, CL_EINVAL, "memory circuit: input %zu out of range", i);
    if (i >= mc->n_cc) {
        *out = mc->in[i - mc->n_cc].in;
        return CL_OK;
    }
    const cl_current_clamp *c = &mc->cc[i];
    *out = (cl_input){.name = c->name, .module = "IClamp", .input_type = "current_clamp", .node_set = c->node_set,
                      .delay = c->delay, .duration = c->duration, .where = mc->cc_where[i],
                      .run_seed = NAN};
    return CL_OK;
}
static cl_status m_in_param(void *s, size_t i, const char *key, cl_value *out, cl_error *err) {
    cl_memcircuit *mc = s;
    if (i >= mc->n_cc + mc->n_in) return cl_error_fail(err, CL_EINVAL, "memory circuit: input %zu out of range", i);
    *out = (cl_value){0};
    if (!key) return CL_OK;
    if (i < mc->n_cc) {
        const cl_current_clamp *c = &mc->cc[i];
        if (!strcmp(key, "amp")) *out = (cl_value){.kind = CL_VALUE_NUMBER, .num = c->amp};
        else if (!strcmp(key, "delay")) *out = (cl_value){.kind = CL_VALUE_NUMBER, .num = c->delay};
        else if (!strcmp(key, "duration")) *out = (cl_value){.kind = CL_VALUE_NUMBER, .num = c->duration};
        else if (!strcmp(key, "section_name") && c->section_name)
            *out = (cl_value){.kind = CL_VALUE_STRING, .str = c->section_name};
        else if (!strcmp(key, "section_index")) *out = (cl_value){.kind = CL_VALUE_NUMBER, .num = c->section_index};
        else if (!strcmp(key, "segment_x") && !isnan(c->segment_x)) *out = (cl_value){.kind = CL_VALUE_NUMBER, .num = c->segment_x};
        return CL_OK;
    }
    const minput *m = &mc->in[i - mc->n_cc];
    for (size_t j = 0; j < m->n_p; j++)
        if (!strcmp(m->p[j].key, key)) {
            if (m->p[j].arr)
                return cl_error_fail(err, CL_EFORMAT, "%s.%s: expected a number or a string, got an array", m->in.where,
                                     key);
            *out = m->p[j].v;
        }
    return CL_OK;
}
static cl_status m_in_param_array(void *s, size_t i, const char *key, double **vals, size_t *n, cl_error *err) {
    cl_memcircuit *mc = s;
    *vals = NULL;
    *n = 0;
    if (i >= mc->n_cc + mc->n_in) return cl_error_fail(err, CL_EINVAL, "memory circuit: input %zu out of range", i);
    if (i < mc->n_cc || !key) return CL_OK;
    const minput *m = &mc->in[i - mc->n_cc];
    for (size_t j = 0; j < m->n_p; j++)
        if (!strcmp(m->p[j].key, key)) {
            if (!m->p[j].arr) {
                if (m->p[j].v.kind == CL_VALUE_NONE) return CL_OK;
                return cl_error_fail(err, CL_EFORMAT, "%s.%s: expected an array", m->in.where, key);
            }
            *vals = malloc((m->p[j].n_arr ? m->p[j].n_arr : 1) * sizeof **vals);
            if (!*vals) return cl_error_fail(err, CL_ENOMEM, "memory circuit: out of memory");
            if (m->p[j].n_arr) memcpy(*vals, m->p[j].arr, m->p[j].n_arr * sizeof **vals);
            *n = m->p[j].n_arr;
        }
    return CL_OK;
}

static const cl_circuit_ops mem_ops = {
    .node_population_count = m_pop_count,
    .node_population_name = m_pop_name,
    .node_population_size = m_pop_size,
    .node_attribute_names = m_attr_names,
    .node_attribute = m_attr,
    .node_dynamics = m_dyn,
    .node_model = m_model,
    .node_set = m_node_set,
    .node_set_count = m_set_count,
    .node_set_name = m_set_name,
    .edge_population_count = m_epop_count,
    .edge_population_name = m_epop_name,
    .edge_population_info = m_epop_info,
    .afferent_edges = m_afferent,
    .edge_source = m_edge_source,
    .edge_attribute = m_edge_attr,
    .edge_dynamics_params = m_edge_dyn,
    .spike_input_count = m_spk_count,
    .spike_input = m_spk,
    .run_config = m_run,
    .current_clamp_count = m_cc_count,
    .current_clamp = m_cc,
    .report_count = m_rep_count,
    .report = m_rep,
    .connection_override_count = m_ov_count,
    .connection_override = m_ov,
    .mechanisms_dir = m_mech_dir,
    .free = mem_free,
    .node_dynamics_names = m_dyn_names,
    .input_count = m_in_count,
    .input = m_in,
    .input_param = m_in_param,
    .input_param_array = m_in_param_array,
};

cl_status cl_memcircuit_to_circuit(cl_memcircuit *mc, cl_circuit **out, cl_error *err) {
    if (!mc) return cl_error_fail(err, CL_EINVAL, "cl_memcircuit_to_circuit: NULL circuit");
    cl_status st = cl_circuit_new(&mem_ops, mc, out, err);
    if (st) mem_free(mc);
    return st;
}
