/* CircuitSimulation (include/cellulab_network.h): a network built from a
 * circuit through cl_circuit_ops only, with the public cellulab API. */
#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cellulab_hoc.h"
#include "cellulab_model.h"
#include "cellulab_morph.h"
#include "cellulab_network.h"
#include "cellulab_nmodl.h"
#include "sim/network_bbp.h"
#include "sim/network_output.h"
#include "sim/network_inputs.h"
#include "sim/network_modify.h"
#include "sim/network_int.h"
#include "util/util.h"

/* A failed cl_sim call: the context, then the simulation's message. */
cl_status net_simfail(cl_network *net, cl_status st, cl_error *err, const char *ctx) {
    return cl_error_fail(err, st, "%s: %s", ctx, cl_sim_errmsg(net->sim));
}

int net_grow(void **a, size_t *cap, size_t n, size_t sz) {
    if (n < *cap) return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*a, nc * sz);
    if (!p) return -1;
    *a = p;
    *cap = nc;
    return 0;
}

static npop *pop_by_name(cl_network *net, const char *name) {
    for (size_t i = 0; i < net->n_pops; i++)
        if (name && strcmp(net->pops[i].name, name) == 0) return &net->pops[i];
    return NULL;
}

/* A JSON file, parsed once. */
static cl_status json_get(cl_network *net, const char *path, json_t **out, cl_error *err) {
    for (size_t i = 0; i < net->n_jc; i++)
        if (strcmp(net->jc[i].path, path) == 0) {
            *out = net->jc[i].j;
            return CL_OK;
        }
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j) return cl_error_fail(err, CL_EFORMAT, "%s:%d: %s", path, je.line, je.text);
    if (!json_is_object(j)) {
        json_decref(j);
        return cl_error_fail(err, CL_EFORMAT, "%s: expected a JSON object", path);
    }
    jcache *n = realloc(net->jc, (net->n_jc + 1) * sizeof *n);
    char *p = strdup(path);
    if (!n || !p) {
        free(p);
        if (n) net->jc = n;
        json_decref(j);
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    net->jc = n;
    n[net->n_jc].path = p;
    n[net->n_jc].j = j;
    net->n_jc++;
    *out = j;
    return CL_OK;
}

static double or_default(double v, double d) { return isnan(v) ? d : v; }

/* ---- selection ----------------------------------------------------------- */

/* sel[node] = 1 for the nodes of node set name in population p. */
static cl_status mark_node_set(cl_network *net, const char *name, size_t p, unsigned char *sel, cl_error *err) {
    if (!net->ops->node_set) return cl_error_fail(err, CL_EINVAL, "node set \"%s\": the circuit has no node sets", name);
    uint64_t *ids = NULL;
    size_t n = 0;
    cl_status st = net->ops->node_set(net->st, name, net->pops[p].name, &ids, &n, err);
    if (st) return st;
    for (size_t i = 0; i < n; i++)
        if (ids[i] < net->pops[p].n) sel[ids[i]] = 1;
    free(ids);
    return CL_OK;
}

cl_status net_select_nodes(cl_network *net, const cl_network_options *o, size_t p, unsigned char *sel,
                              cl_error *err) {
    npop *P = &net->pops[p];
    cl_network_select mode = o->select;
    const char *set = o->node_set;
    if (mode == CL_NET_DEFAULT) {
        set = net->rc.node_set;
        mode = set ? CL_NET_NODE_SET : CL_NET_ALL;
    }
    switch (mode) {
    case CL_NET_ALL:
    case CL_NET_DEFAULT:
        memset(sel, 1, P->n);
        return CL_OK;
    case CL_NET_NODE_SET:
        if (!set) return cl_error_fail(err, CL_EINVAL, "network options: select is CL_NET_NODE_SET but node_set is NULL");
        return mark_node_set(net, set, p, sel, err);
    case CL_NET_IDS:
        if (!o->population) return cl_error_fail(err, CL_EINVAL, "network options: select is CL_NET_IDS but population is NULL");
        if (strcmp(o->population, P->name) != 0) return CL_OK;
        for (size_t i = 0; i < o->n_ids; i++) {
            if (o->ids[i] >= P->n)
                return cl_error_fail(err, CL_EINVAL, "network options: node %llu out of range in population \"%s\" (%llu nodes)",
                            (unsigned long long)o->ids[i], P->name, (unsigned long long)P->n);
            sel[o->ids[i]] = 1;
        }
        return CL_OK;
    case CL_NET_ATTRIBUTE:
        if (!o->attribute) return cl_error_fail(err, CL_EINVAL, "network options: select is CL_NET_ATTRIBUTE but attribute is NULL");
        for (uint64_t k = 0; k < P->n; k++) {
            cl_value v = {0};
            cl_status st = net->ops->node_attribute(net->st, P->name, o->attribute, k, &v, err);
            if (st) return st;
            if (o->attr_value)
                sel[k] = v.kind == CL_VALUE_STRING && strcmp(v.str, o->attr_value) == 0;
            else
                sel[k] = v.kind == CL_VALUE_NUMBER && v.num == o->attr_num;
        }
        return CL_OK;
    }
    return cl_error_fail(err, CL_EINVAL, "network options: unknown select %d", (int)mode);
}

/* ---- spike inputs --------------------------------------------------------- */

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Group every spike input row by (population, node), times sorted. */
static cl_status gather_inputs(cl_network *net, cl_error *err) {
    size_t ni = net->ops->spike_input_count ? net->ops->spike_input_count(net->st) : 0;
    for (size_t i = 0; i < net->n_pops; i++) {
        net->pops[i].in_off = calloc(net->pops[i].n + 2, sizeof(size_t));
        if (!net->pops[i].in_off) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    typedef struct rows {
        const char *pop;
        uint64_t *nodes;
        double *times;
        size_t n;
    } rows;
    rows *r = calloc(ni ? ni : 1, sizeof *r);
    if (!r) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    cl_status st = CL_OK;
    for (size_t i = 0; i < ni && !st; i++) {
        st = net->ops->spike_input(net->st, i, &r[i].pop, &r[i].nodes, &r[i].times, &r[i].n, err);
        if (st) break;
        npop *P = pop_by_name(net, r[i].pop);
        if (!P) {
            st = cl_error_fail(err, CL_ENOTFOUND, "spike input %zu: no node population \"%s\"", i, r[i].pop ? r[i].pop : "(null)");
            break;
        }
        for (size_t k = 0; k < r[i].n; k++) {
            if (r[i].nodes[k] >= P->n) {
                st = cl_error_fail(err, CL_EINVAL, "spike input %zu: node %llu out of range in \"%s\" (%llu nodes)", i,
                          (unsigned long long)r[i].nodes[k], P->name, (unsigned long long)P->n);
                break;
            }
            if (!isfinite(r[i].times[k])) {
                st = cl_error_fail(err, CL_EINVAL, "spike input %zu: row %zu: time is not finite", i, k);
                break;
            }
            P->in_off[r[i].nodes[k] + 2]++;
        }
    }
    for (size_t p = 0; p < net->n_pops && !st; p++) {
        npop *P = &net->pops[p];
        for (uint64_t k = 0; k < P->n; k++) P->in_off[k + 2] += P->in_off[k + 1];
        P->in_t = malloc((P->in_off[P->n + 1] + 1) * sizeof *P->in_t);
        if (!P->in_t) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    /* counting sort: in_off[k+1] is the write cursor of node k */
    for (size_t i = 0; i < ni && !st; i++) {
        npop *P = pop_by_name(net, r[i].pop);
        for (size_t k = 0; k < r[i].n; k++) P->in_t[P->in_off[r[i].nodes[k] + 1]++] = r[i].times[k];
    }
    for (size_t p = 0; p < net->n_pops && !st; p++) {
        npop *P = &net->pops[p];
        for (uint64_t k = 0; k < P->n; k++)
            qsort(P->in_t + P->in_off[k], P->in_off[k + 1] - P->in_off[k], sizeof(double), cmp_dbl);
    }
    for (size_t i = 0; i < ni; i++) {
        free(r[i].nodes);
        free(r[i].times);
    }
    free(r);
    return st;
}

/* ---- cells ---------------------------------------------------------------- */

static const char *schema_rest(const char *tmpl, char *schema, size_t cap) {
    const char *c = tmpl ? strchr(tmpl, ':') : NULL;
    if (!c) {
        schema[0] = 0;
        return tmpl;
    }
    size_t n = (size_t)(c - tmpl) < cap - 1 ? (size_t)(c - tmpl) : cap - 1;
    memcpy(schema, tmpl, n);
    schema[n] = 0;
    return c + 1;
}

/* The sections of the named lists of cell, one list after the other, into
 * a malloc'd array (*out, *n). */
static cl_status gather_sections(cl_network *net, cl_cell cell, const char *const *lists, size_t nl,
                                 cl_section **out, size_t *n_out, const char *where, cl_error *err) {
    size_t total = 0;
    for (size_t i = 0; i < nl; i++) {
        size_t n = 0;
        if (cl_cell_section_list(net->sim, cell, lists[i], NULL, 0, &n)) return net_simfail(net, CL_EINVAL, err, where);
        total += n;
    }
    cl_section *secs = malloc((total ? total : 1) * sizeof *secs);
    if (!secs) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < nl; i++) {
        size_t n = 0;
        if (cl_cell_section_list(net->sim, cell, lists[i], secs + k, total - k, &n)) {
            free(secs);
            return net_simfail(net, CL_EINVAL, err, where);
        }
        k += n;
    }
    *out = secs;
    *n_out = k;
    return CL_OK;
}

/* The spec's section order (soma, axon, basal, apical) */
static const char *const spec_lists[] = {"somatic", "axonal", "basal", "apical"};

static cl_status number_sections(cl_network *net, ncell *C, const char *where, cl_error *err) {
    static const char *const bmtk[] = {"all"};
    int spec = net->numbering == CL_SECNUM_SPEC;
    return gather_sections(net, C->cell, spec ? spec_lists : bmtk, spec ? 4 : 1, &C->secs, &C->n_secs, where, err);
}

/* The soma, the numbered sections and the spike detector of a loaded cell. */
static cl_status finish_biophysical(cl_network *net, ncell *C, const char *where, cl_error *err) {
    if (cl_cell_soma(net->sim, C->cell, &C->soma)) return net_simfail(net, CL_EINVAL, err, where);
    cl_status st = number_sections(net, C, where, err);
    if (st) return st;
    C->det_sec = C->soma;
    const char *loc = net->bbp_globals.spike_location;
    if (loc && strcmp(loc, "AIS") == 0) { /* neurodamus' connect2target: axon[1](0.5) */
        cl_section ax[2];
        size_t nax = 0;
        if (cl_cell_section_list(net->sim, C->cell, "axonal", ax, 2, &nax) || nax < 2)
            return cl_error_fail(err, CL_EINVAL, "%s: spike_location AIS: the cell has %zu axon sections, needs 2",
                                 where, nax);
        C->det_sec = ax[1];
        C->det_x = 0.5;
    }
    if (cl_netcon_from_section(net->sim, C->det_sec, C->det_x, (cl_pp){0}, &C->det) ||
        cl_netcon_set_threshold(net->sim, C->det, C->thr) || cl_netcon_record(net->sim, C->det))
        return net_simfail(net, CL_EINVAL, err, where);
    net->counts.biophysical++;
    return CL_OK;
}

/* A number of the node's dynamics_params (@dynamics:NAME), NAN when absent. */
static cl_status node_dyn_num(cl_network *net, const char *pop, uint64_t node, const char *name, double *out,
                              cl_error *err) {
    *out = NAN;
    if (!net->ops->node_dynamics) return CL_OK;
    cl_value v = {0};
    cl_status st = net->ops->node_dynamics(net->st, pop, name, node, &v, err);
    if (!st && v.kind == CL_VALUE_NUMBER) *out = v.num;
    return st;
}

/* BlueCelluLab numbers an e-model's sections as the template's
 * indexSections left them (its SerializedSections reads v(0.0001) of every
 * section: soma 0, then the axon, basal and apical sections of the
 * morphology as loaded, before the axon was replaced); Blue Brain edges'
 * afferent_section_id count that way (cl_section_template_index).
 * Sections the template deleted leave holes (id 0). A template that does
 * not index keeps the list order. */
static cl_status hoc_section_index(cl_network *net, ncell *C, const char *where, cl_error *err) {
    static const char *const every[] = {"all"};
    cl_section *all = NULL;
    size_t n = 0;
    cl_status st = gather_sections(net, C->cell, every, 1, &all, &n, where, err);
    if (st) return st;
    double *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx) {
        free(all);
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    double top = -1;
    int indexed = n > 0;
    for (size_t i = 0; i < n && !st && indexed; i++) {
        if (cl_section_template_index(net->sim, all[i], &idx[i])) st = net_simfail(net, CL_EINVAL, err, where);
        else if (idx[i] < 0) indexed = 0;
        else if (idx[i] > top) top = idx[i];
    }
    if (!st && indexed) {
        size_t m = (size_t)top + 1;
        C->bbp_secs = calloc(m, sizeof *C->bbp_secs);
        if (!C->bbp_secs) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
        for (size_t i = 0; i < n && !st; i++) {
            if (C->bbp_secs[(size_t)idx[i]].id)
                st = cl_error_fail(err, CL_EINVAL, "%s: two sections carry the index %g (v(0.0001) set by the template's indexSections)",
                                   where, idx[i]);
            C->bbp_secs[(size_t)idx[i]] = all[i];
        }
        C->n_bbp_secs = m;
    }
    free(all);
    free(idx);
    return st;
}

/* A Blue Brain e-model (model_template "hoc:NAME") as BlueCelluLab and
 * neurodamus build it: the template's init gets gid = node id, the
 * morphology, and (v6) the values its NeededAttributes lists, taken from
 * the node's dynamics_params (AIS_scaler, soma_scaler, ...). The cell's
 * threshold and holding currents: @dynamics:threshold_current /
 * holding_current, else the template's getThreshold() / getHypAmp(). */
static cl_status load_hoc_cell(cl_network *net, ncell *C, const char *pop, const cl_node_model *m, const char *where,
                               cl_error *err) {
    if (!m->template_path) return cl_error_fail(err, CL_EINVAL, "%s: model_template \"%s\": no template file", where, m->model_template);
    const char **names = NULL;
    size_t nn = 0;
    cl_status st = CL_OK;
    if (net->ops->node_dynamics_names && (st = net->ops->node_dynamics_names(net->st, pop, &names, &nn, err))) return st;
    const char **an = calloc(nn + 1, sizeof *an);
    double *av = calloc(nn + 1, sizeof *av);
    size_t na = 0;
    if (!an || !av) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
    for (size_t i = 0; i < nn && !st; i++) {
        double x;
        st = node_dyn_num(net, pop, C->node, names[i], &x, err);
        if (!st && !isnan(x)) {
            an[na] = names[i];
            av[na++] = x;
        }
    }
    cl_template_info info = {NAN, NAN};
    if (!st) {
        cl_template_options to = {.format = CL_TEMPLATE_AUTO,
                                  .gid = C->node,
                                  .morph = {.soma = net->soma, .pt3d_digits = net->pt3d_digits, .h5_cell = m->h5_cell},
                                  .n_attrs = na,
                                  .attr_names = an,
                                  .attr_values = av};
        if (cl_cell_load_template(net->sim, m->template_path, m->morphology, &to, &C->cell, &info))
            st = cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(net->sim));
    }
    free(names);
    free(an);
    free(av);
    if (!st) st = node_dyn_num(net, pop, C->node, "threshold_current", &C->threshold_nA, err);
    if (!st) st = node_dyn_num(net, pop, C->node, "holding_current", &C->holding_nA, err);
    if (st) return st;
    if (isnan(C->threshold_nA)) C->threshold_nA = info.threshold_nA;
    if (isnan(C->holding_nA)) C->holding_nA = info.hypamp_nA;
    if ((st = hoc_section_index(net, C, where, err))) return st;
    /* neurodamus / BlueCelluLab: spikes at the soma's end, soma(1), -30 mV */
    C->det_x = 1.0;
    C->thr = or_default(net->rc.spike_threshold, -30.0);
    return CL_OK;
}

static cl_status make_biophysical(cl_network *net, ncell *C, const char *pop, const cl_node_model *m,
                                  const char *where, cl_error *err) {
    char schema[16];
    schema_rest(m->model_template, schema, sizeof schema);
    if (!m->morphology) return cl_error_fail(err, CL_EINVAL, "%s: biophysical node without a morphology", where);
    C->threshold_nA = C->holding_nA = NAN;
    C->det_x = 0.5; /* bmtk: soma(0.5), -15 mV */
    C->thr = net->thr;
    if (strcmp(schema, "hoc") == 0) {
        cl_status st = load_hoc_cell(net, C, pop, m, where, err);
        if (st) return st;
        return finish_biophysical(net, C, where, err);
    }
    const char *model = NULL;
    if (strcmp(schema, "nml") == 0 || !m->dynamics_params)
        model = m->template_path;
    else
        model = m->dynamics_params; /* ctdb:Biophys1 + fit JSON, BluePyOpt JSON */
    const char *proc = m->model_processing ? m->model_processing : "";
    cl_model_options mo = {0};
    mo.morph.soma = net->soma;
    mo.morph.pt3d_digits = net->pt3d_digits;
    mo.morph.h5_cell = m->h5_cell;
    if (strstr(proc, "aibs_allactive")) {
        mo.morph.axon = "aibs_allactive";
        mo.recipe = "aibs_allactive";
    } else if (strstr(proc, "aibs_perisomatic")) {
        mo.morph.axon = "aibs_perisomatic";
    } else {
        mo.morph.axon = "none"; /* bmtk's "fullaxon" */
    }
    mo.nseg_set = 1;
    mo.nseg_rule = CL_NSEG_MAXLEN;
    mo.nseg_value = net->dL;
    if (cl_cell_load_model(net->sim, m->morphology, model, &mo, &C->cell))
        return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(net->sim));
    return finish_biophysical(net, C, where, err);
}

/* A BBP point-neuron hoc template as BlueCelluLab's ring test writes them:
 * one `X = new MECH()` of an artificial cell and `X.VAR = NUMBER`
 * assignments in the template. Only that form is read (hoc is not
 * interpreted): anything else in the file is ignored. */
static cl_status hoc_point(cl_network *net, ncell *C, const char *path, const char *where, cl_error *err) {
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) return cl_error_fail(err, CL_EIO, "%s: cannot open the hoc template \"%s\"", where, path ? path : "(none)");
    char line[1024], obj[128] = "", mech[128] = "";
    int lineno = 0;
    cl_status st = CL_OK;
    while (!st && fgets(line, sizeof line, f)) {
        lineno++;
        char *p = line;
        while (isspace((unsigned char)*p)) p++;
        if (strncmp(p, "//", 2) == 0) continue;
        char a[128], b[128];
        double x;
        if (!mech[0] && sscanf(p, "%127[A-Za-z0-9_] = new %127[A-Za-z0-9_] (", a, b) == 2) {
            snprintf(obj, sizeof obj, "%s", a);
            snprintf(mech, sizeof mech, "%s", b);
            if (cl_artcell_new(net->sim, mech, &C->pp)) st = cl_error_fail(err, CL_EINVAL, "%s: %s:%d: %s", where, path, lineno, cl_sim_errmsg(net->sim));
        } else if (mech[0] && sscanf(p, "%127[A-Za-z0-9_] . %127[A-Za-z0-9_] = %lf", a, b, &x) == 3 &&
                   strcmp(a, obj) == 0) {
            if (cl_pp_set(net->sim, C->pp, b, x))
                st = cl_error_fail(err, CL_EINVAL, "%s: %s:%d: %s", where, path, lineno, cl_sim_errmsg(net->sim));
        }
    }
    fclose(f);
    if (!st && !mech[0])
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s: no `NAME = new MECH()` of an artificial cell in the template", where, path);
    return st;
}

static cl_status make_artcell(cl_network *net, ncell *C, const char *pop, const cl_node_model *m, const char *where,
                              cl_error *err) {
    char schema[16];
    const char *mech = schema_rest(m->model_template, schema, sizeof schema);
    if (mech && strcmp(schema, "hoc") == 0) {
        cl_status st = hoc_point(net, C, m->template_path, where, err);
        if (st) return st;
        C->art = 1;
        mech = NULL; /* its parameters came from the template */
    } else if (!mech || strcmp(schema, "nrn") != 0) {
        return cl_error_fail(err, CL_EINVAL, "%s: model_template \"%s\": expected nrn:NAME (a NEURON artificial cell)", where,
                    m->model_template ? m->model_template : "(null)");
    } else {
        if (cl_artcell_new(net->sim, mech, &C->pp)) return net_simfail(net, CL_EINVAL, err, where);
        C->art = 1;
    }
    if (mech && m->dynamics_params) {
        json_t *j;
        cl_status st = json_get(net, m->dynamics_params, &j, err);
        if (st) return st;
        const char *key;
        json_t *val;
        /* bmtk's IntFire1 loader takes tau and refrac in seconds */
        int seconds = strcmp(mech, "IntFire1") == 0;
        json_object_foreach(j, key, val) {
            if (!json_is_number(val)) continue;
            double x = json_number_value(val);
            cl_value ov = {0};
            if (net->ops->node_dynamics) {
                st = net->ops->node_dynamics(net->st, pop, key, C->node, &ov, err);
                if (st) return st;
                if (ov.kind == CL_VALUE_NUMBER) x = ov.num;
            }
            if (seconds && (strcmp(key, "tau") == 0 || strcmp(key, "refrac") == 0)) x *= 1000.0;
            cl_status s2 = cl_pp_set(net->sim, C->pp, key, x);
            if (s2 == CL_ENOTFOUND) continue; /* descriptive keys the mechanism does not have */
            if (s2) return cl_error_fail(err, s2, "%s: %s: \"%s\": %s", where, m->dynamics_params, key, cl_sim_errmsg(net->sim));
        }
    }
    if (cl_netcon_from_pp(net->sim, C->pp, (cl_pp){0}, &C->det) || cl_netcon_record(net->sim, C->det))
        return net_simfail(net, CL_EINVAL, err, where);
    net->counts.point++;
    return CL_OK;
}


static cl_status make_cells(cl_network *net, const cl_network_options *o, cl_error *err) {
    if (net->nranks > 1) {
        cl_status sp = net_dist_partition(net, o, err);
        if (sp) return sp;
    }
    for (size_t p = 0; p < net->n_pops; p++) {
        npop *P = &net->pops[p];
        unsigned char *sel = calloc(P->n + 1, 1);
        if (!sel) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        cl_status st = net_select_nodes(net, o, p, sel, err);
        for (uint64_t k = 0; k < P->n && !st; k++) {
            if (!sel[k]) continue;
            cl_node_model m;
            st = net->ops->node_model(net->st, P->name, k, &m, err);
            if (st) break;
            const char *type = m.model_type ? m.model_type : "";
            if (strcmp(type, "virtual") == 0) {
                P->is_virtual = 1;
                continue;
            }
            if (P->rank_of && P->rank_of[k] != net->rank) continue; /* another rank's */
            if (net_grow((void **)&net->cells, &net->cap_cells, net->n_cells, sizeof *net->cells)) {
                st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                break;
            }
            ncell *C = &net->cells[net->n_cells];
            memset(C, 0, sizeof *C);
            C->pop = p;
            C->node = k;
            char where[300];
            snprintf(where, sizeof where, "population \"%s\" node %llu", P->name, (unsigned long long)k);
            if (strcmp(type, "biophysical") == 0) {
                st = net_build_mechanisms(net, o, err);
                if (!st) st = make_biophysical(net, C, P->name, &m, where, err);
            }
            else if (strcmp(type, "point_process") == 0 || strcmp(type, "point_neuron") == 0 ||
                     strcmp(type, "point_soma") == 0 || strcmp(type, "single_compartment") == 0)
                st = make_artcell(net, C, P->name, &m, where, err);
            else
                st = cl_error_fail(err, CL_EINVAL, "%s: model_type \"%s\" is not supported", where, type);
            if (st) {
                free(C->secs);
                break;
            }
            P->cell_of[k] = (int64_t)net->n_cells++;
        }
        free(sel);
        if (st) return st;
    }
    net->counts.cells = net->n_cells;
    return CL_OK;
}

/* ---- edges ---------------------------------------------------------------- */

typedef struct override_set {
    cl_connection_override o;
    unsigned char **src, **tgt; /* per population membership */
} override_set;

static cl_status load_overrides(cl_network *net, override_set **out, size_t *n_out, cl_error *err) {
    size_t n = net->ops->connection_override_count ? net->ops->connection_override_count(net->st) : 0;
    *n_out = 0;
    *out = calloc(n ? n : 1, sizeof **out);
    if (!*out) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        override_set *s = &(*out)[i];
        cl_status st = net->ops->connection_override(net->st, i, &s->o, err);
        if (st) return st;
        *n_out = i + 1;
        s->src = calloc(net->n_pops, sizeof *s->src);
        s->tgt = calloc(net->n_pops, sizeof *s->tgt);
        if (!s->src || !s->tgt) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        for (size_t p = 0; p < net->n_pops; p++) {
            s->src[p] = calloc(net->pops[p].n + 1, 1);
            s->tgt[p] = calloc(net->pops[p].n + 1, 1);
            if (!s->src[p] || !s->tgt[p]) return cl_error_fail(err, CL_ENOMEM, "out of memory");
            if (s->o.source) {
                st = mark_node_set(net, s->o.source, p, s->src[p], err);
                if (st) return cl_error_fail(err, st, "connection_overrides \"%s\": %s", s->o.name ? s->o.name : "", err->msg);
            } else {
                memset(s->src[p], 1, net->pops[p].n);
            }
            if (s->o.target) {
                st = mark_node_set(net, s->o.target, p, s->tgt[p], err);
                if (st) return cl_error_fail(err, st, "connection_overrides \"%s\": %s", s->o.name ? s->o.name : "", err->msg);
            } else {
                memset(s->tgt[p], 1, net->pops[p].n);
            }
        }
    }
    return CL_OK;
}

static void free_overrides(override_set *s, size_t n, size_t n_pops) {
    for (size_t i = 0; s && i < n; i++) {
        for (size_t p = 0; p < n_pops; p++) {
            if (s[i].src) free(s[i].src[p]);
            if (s[i].tgt) free(s[i].tgt[p]);
        }
        free(s[i].src);
        free(s[i].tgt);
    }
    free(s);
}

static cl_status edge_num(cl_network *net, const char *epop, uint64_t e, const char *a, const char *b, double dflt,
                          int required, double *out, cl_error *err) {
    cl_value v = {0};
    cl_status st = net->ops->edge_attribute(net->st, epop, a, e, &v, err);
    if (st) return st;
    if (v.kind == CL_VALUE_NONE && b) {
        st = net->ops->edge_attribute(net->st, epop, b, e, &v, err);
        if (st) return st;
    }
    if (v.kind == CL_VALUE_NUMBER) {
        *out = v.num;
        return CL_OK;
    }
    if (v.kind == CL_VALUE_STRING)
        return cl_error_fail(err, CL_EFORMAT, "edge population \"%s\" edge %llu: attribute \"%s\" is a string (\"%s\"), expected a number",
                    epop, (unsigned long long)e, a, v.str);
    if (required)
        return cl_error_fail(err, CL_EFORMAT, "edge population \"%s\" edge %llu: attribute \"%s\"%s%s%s is missing", epop,
                    (unsigned long long)e, a, b ? " (or \"" : "", b ? b : "", b ? "\")" : "");
    *out = dflt;
    return CL_OK;
}

/* The VecStim replaying node k of population P (made on first use). */
static cl_status source_stim(cl_network *net, npop *P, uint64_t k, cl_pp *out, cl_error *err) {
    if (P->stim_of[k] >= 0) {
        *out = net->stims[P->stim_of[k]];
        return CL_OK;
    }
    cl_pp vs;
    if (cl_artcell_new(net->sim, "VecStim", &vs)) return net_simfail(net, CL_EINVAL, err, "VecStim");
    /* a cell of another rank: a stand-in that plays nothing, its spikes
     * injected as they come (dist_run); its input rows are not used */
    int remote = net_is_remote(net, P, k);
    size_t a = P->in_off[k], b = remote ? a : P->in_off[k + 1];
    if (b > a && cl_vecstim_play(net->sim, vs, P->in_t + a, b - a)) {
        char w[300];
        snprintf(w, sizeof w, "spike input of population \"%s\" node %llu", P->name, (unsigned long long)k);
        return net_simfail(net, CL_EINVAL, err, w);
    }
    if (net_grow((void **)&net->stims, &net->cap_stims, net->n_stims, sizeof *net->stims))
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    P->stim_of[k] = (int64_t)net->n_stims;
    net->stims[net->n_stims++] = vs;
    if (remote)
        net->counts.remote_sources++;
    else
        net->counts.vecstims++;
    *out = vs;
    return CL_OK;
}

static cl_status connect_bbp_edge(cl_network *net, const char *epop, uint64_t e, npop *S, size_t s_idx,
                                  ncell *T, uint64_t sid, override_set *ov, size_t n_ov, cl_error *err);

static cl_status connect_edge(cl_network *net, const char *epop, uint64_t e, npop *S, size_t s_idx, ncell *T,
                              uint64_t sid, override_set *ov, size_t n_ov, cl_error *err) {
    if (!T->art) {
        int bbp = 0;
        cl_status sb = bbp_edge_is_bbp(net->ops, net->st, epop, e, &bbp, err);
        if (sb) return sb;
        if (bbp) return connect_bbp_edge(net, epop, e, S, s_idx, T, sid, ov, n_ov, err);
    }
    char where[300];
    snprintf(where, sizeof where, "edge population \"%s\" edge %llu", epop, (unsigned long long)e);
    uint64_t src;
    cl_status st = net->ops->edge_source(net->st, epop, e, &src, err);
    if (st) return st;
    if (src >= S->n)
        return cl_error_fail(err, CL_EFORMAT, "%s: source node %llu out of range in \"%s\" (%llu nodes)", where,
                    (unsigned long long)src, S->name, (unsigned long long)S->n);
    double w, delay;
    /* BBP's edges call the weight "conductance" */
    st = edge_num(net, epop, e, "syn_weight", "conductance", 0, 1, &w, err);
    if (!st) st = edge_num(net, epop, e, "delay", NULL, 0, 1, &delay, err);
    if (st) return st;
    json_t *dyn = NULL;
    const char *dyn_path = NULL;
    if (net->ops->edge_dynamics_params) {
        st = net->ops->edge_dynamics_params(net->st, epop, e, &dyn_path, err);
        if (st) return st;
        if (dyn_path && (st = json_get(net, dyn_path, &dyn, err))) return st;
    }
    /* connection_overrides: the last one whose sets hold both ends wins */
    size_t t_pop = T->pop;
    for (size_t i = 0; i < n_ov; i++) {
        if (!ov[i].src[s_idx][src] || !ov[i].tgt[t_pop][T->node]) continue;
        if (!isnan(ov[i].o.weight)) w *= ov[i].o.weight;
        if (!isnan(ov[i].o.delay)) delay = ov[i].o.delay;
    }
    cl_pp target;
    if (T->art) {
        /* bmtk's point-target rule: syn_weight * sign * nsyns */
        double nsyns = 1, sign = 1;
        st = edge_num(net, epop, e, "nsyns", NULL, 1, 0, &nsyns, err);
        if (st) return st;
        json_t *sj = dyn ? json_object_get(dyn, "sign") : NULL;
        if (sj && json_is_number(sj)) sign = json_number_value(sj);
        w = w * sign * nsyns;
        target = T->pp;
    } else {
        double sec_id, pos;
        st = edge_num(net, epop, e, "afferent_section_id", "sec_id", 0, 1, &sec_id, err);
        if (!st) st = edge_num(net, epop, e, "afferent_section_pos", "sec_x", 0, 1, &pos, err);
        if (st) return st;
        if (!(sec_id >= 0) || sec_id != floor(sec_id) || (size_t)sec_id >= T->n_secs)
            return cl_error_fail(err, CL_EINVAL, "%s: afferent section id %g out of range: the target cell has %zu sections (%s numbering)",
                        where, sec_id, T->n_secs, net->numbering == CL_SECNUM_SPEC ? "spec" : "bmtk");
        if (!(pos >= 0 && pos <= 1))
            return cl_error_fail(err, CL_EINVAL, "%s: afferent section position %g outside [0, 1]", where, pos);
        const char *mech = "Exp2Syn";
        cl_value mt = {0};
        st = net->ops->edge_attribute(net->st, epop, "model_template", e, &mt, err);
        if (st) return st;
        if (mt.kind == CL_VALUE_STRING && strcmp(mt.str, "exp2syn") != 0) mech = mt.str;
        if (cl_pp_new(net->sim, mech, T->secs[(size_t)sec_id], pos, &target)) return net_simfail(net, CL_EINVAL, err, where);
        net->counts.synapses++;
        if (dyn) {
            const char *key;
            json_t *val;
            json_object_foreach(dyn, key, val) {
                if (!json_is_number(val)) continue;
                cl_status s2 = cl_pp_set(net->sim, target, key, json_number_value(val));
                if (s2 == CL_ENOTFOUND) continue; /* e.g. a descriptive "sign" */
                if (s2) return cl_error_fail(err, s2, "%s: %s: \"%s\": %s", where, dyn_path, key, cl_sim_errmsg(net->sim));
            }
        }
    }
    cl_netcon nc;
    int64_t sc = S->cell_of[src];
    if (sc >= 0 && !net->cells[sc].art) {
        if (cl_netcon_from_section(net->sim, net->cells[sc].det_sec, net->cells[sc].det_x, target, &nc) ||
            cl_netcon_set_threshold(net->sim, nc, net->cells[sc].thr))
            return net_simfail(net, CL_EINVAL, err, where);
    } else {
        cl_pp from;
        if (sc >= 0)
            from = net->cells[sc].pp;
        else if ((st = source_stim(net, S, src, &from, err)))
            return st;
        if (cl_netcon_from_pp(net->sim, from, target, &nc)) return net_simfail(net, CL_EINVAL, err, where);
    }
    if (cl_netcon_set_weight(net->sim, nc, 0, w) || cl_netcon_set_delay(net->sim, nc, delay))
        return net_simfail(net, CL_EINVAL, err, where);
    if (sc < 0 && net_is_remote(net, S, src)) net->remote_min_delay = fmin(net->remote_min_delay, delay);
    net->counts.netcons++;
    return CL_OK;
}

/* A Blue Brain edge from a biophysical cell of another rank: the ranks
 * exchange the spikes of each cell's detector (axon[1](0.5) with
 * spike_location AIS, else soma(1) for hoc e-models and soma(0.5) for the
 * others), while one process starts these edges at the AIS or soma(1):
 * refused where the two differ (soma(0.5) vs soma(1)). */
static cl_status bbp_remote_source(cl_network *net, npop *S, uint64_t src, const char *where, cl_error *err) {
    cl_node_model m;
    cl_status st = net->ops->node_model(net->st, S->name, src, &m, err);
    if (st) return st;
    if (!m.model_type || strcmp(m.model_type, "biophysical") != 0) return CL_OK; /* an artificial cell's events */
    char schema[16];
    schema_rest(m.model_template, schema, sizeof schema);
    const char *loc = net->bbp_globals.spike_location;
    if (loc && strcmp(loc, "AIS") == 0) return CL_OK; /* the detector is the edges' source */
    if (strcmp(schema, "hoc") != 0)
        return cl_error_fail(err, CL_EINVAL, "%s: a Blue Brain synapse from a cell that detects its spikes at "
                             "soma(0.5), on another rank, is not supported (the edge starts at soma(1)); run on "
                             "one rank", where);
    return CL_OK;
}

/* A Blue Brain edge (network_bbp_synapses.c): its own ProbAMPANMDA_EMS,
 * ProbGABAAB_EMS or GluSynapse, its minis, and a NetCon from the source's
 * spike_location or replay VecStim, as BlueCelluLab connects them.
 * connection_overrides: weight factor, spont_minis, synapse_configure; a
 * "delay" (BBP: a delayed weight change) is refused, not supported yet. */
static cl_status connect_bbp_edge(cl_network *net, const char *epop, uint64_t e, npop *S, size_t s_idx,
                                  ncell *T, uint64_t sid, override_set *ov, size_t n_ov, cl_error *err) {
    char where[300];
    snprintf(where, sizeof where, "edge population \"%s\" edge %llu", epop, (unsigned long long)e);
    uint64_t src;
    cl_status st = net->ops->edge_source(net->st, epop, e, &src, err);
    if (st) return st;
    if (src >= S->n)
        return cl_error_fail(err, CL_EFORMAT, "%s: source node %llu out of range in \"%s\" (%llu nodes)", where,
                             (unsigned long long)src, S->name, (unsigned long long)S->n);
    npop *TP = &net->pops[T->pop];
    /* Blue Brain edges always count sections as the spec (soma, axon,
     * basal, apical), whatever the network's numbering option */
    const cl_section *secs = T->secs;
    size_t n_secs = T->n_secs;
    if (net->numbering != CL_SECNUM_SPEC || T->bbp_secs) { /* e-models: their own index */
        if (!T->bbp_secs) {
            cl_status sg = gather_sections(net, T->cell, spec_lists, 4, &T->bbp_secs, &T->n_bbp_secs, where, err);
            if (sg) return sg;
        }
        secs = T->bbp_secs;
        n_secs = T->n_bbp_secs;
    }
    bbp_syn_ctx c = {.sim = net->sim, .ops = net->ops, .st = net->st, .epop = epop, .edge = e, .sid = sid,
                     .secs = secs, .n_secs = n_secs, .post_gid = net->gid_off[T->pop] + T->node,
                     .src_popid = cl_bbp_population_id(S->name), .tgt_popid = cl_bbp_population_id(TP->name),
                     .synapse_seed = net->synapse_seed, .dt = net->dt, .ca = net->ca,
                     .gaba_rise = net->gaba_rise, .globalindex = cl_sim_random123_globalindex(net->sim)};
    cl_pp syn;
    double w, delay;
    int kind = 0;
    if ((st = bbp_make_synapse(&c, &syn, &w, &delay, &kind, err))) return st;
    c.kind = kind;
    int exc = kind != BBP_GABAAB;
    net->counts.synapses++;
    /* BlueCelluLab folds the matching blocks in order (weight and
     * spont_minis: the last given; synapse_configure: all), and skips the
     * NetCon when the last matching block's weight is 0 */
    double factor = 1, minis = NAN, last_weight = NAN, delay_override = NAN;
    for (size_t i = 0; i < n_ov; i++) {
        if (!ov[i].src[s_idx][src] || !ov[i].tgt[T->pop][T->node]) continue;
        last_weight = ov[i].o.weight;
        /* BlueCelluLab: the last matching block's synapse_delay_override, as given (not rounded) */
        delay_override = ov[i].o.synapse_delay_override > 0 ? ov[i].o.synapse_delay_override : NAN;
        if (!isnan(ov[i].o.delay))
            return cl_error_fail(err, CL_EINVAL, "%s: connection_overrides \"%s\": \"delay\" (a delayed weight) is "
                                 "not supported for Blue Brain synapses", where, ov[i].o.name ? ov[i].o.name : "");
        if (!isnan(ov[i].o.weight)) factor = ov[i].o.weight;
        if (!isnan(ov[i].o.spont_minis)) minis = ov[i].o.spont_minis;
        /* every matching block's synapse_configure, in order */
        if (ov[i].o.synapse_configure &&
            (st = bbp_synapse_configure(&c, syn, kind, ov[i].o.synapse_configure, ov[i].o.name, err)))
            return st;
    }
    if (net->minis) {
        /* BlueCelluLab: an override's spont_minis, else the node's rate */
        if (isnan(minis)) {
            const char *keys[2][2] = {{"inh-mini_frequency", "inh_mini_frequency"},
                                      {"exc-mini_frequency", "exc_mini_frequency"}};
            for (int i = 0; i < 2 && isnan(minis) && net->ops->node_attribute; i++) {
                cl_value v = {0};
                if ((st = net->ops->node_attribute(net->st, TP->name, keys[exc][i], T->node, &v, err))) return st;
                if (v.kind == CL_VALUE_NUMBER) minis = v.num;
            }
        }
        if (minis > 0 && (st = bbp_add_minis(&c, T->node, net->minis_seed, syn, minis, w * factor, err))) return st;
    }
    if (last_weight == 0) return CL_OK;
    cl_netcon nc;
    int64_t sc = S->cell_of[src];
    int replay = 0;
    if (sc >= 0 && !net->cells[sc].art) {
        /* BlueCelluLab's spike_location: soma -> soma(1), AIS -> axon[1](0.5),
         * where the cell's detector already is */
        const char *loc = net->bbp_globals.spike_location;
        int ais = loc && strcmp(loc, "AIS") == 0;
        cl_section at = ais ? net->cells[sc].det_sec : net->cells[sc].soma;
        double x = ais ? 0.5 : 1.0;
        /* the source cell's own threshold (-30 mV for hoc e-models): the
         * detector shares this source, and one threshold rules both */
        if (cl_netcon_from_section(net->sim, at, x, syn, &nc) ||
            cl_netcon_set_threshold(net->sim, nc, net->cells[sc].thr))
            return net_simfail(net, CL_EINVAL, err, where);
    } else {
        cl_pp from;
        if (sc < 0 && net_is_remote(net, S, src) && (st = bbp_remote_source(net, S, src, where, err))) return st;
        if (sc >= 0)
            from = net->cells[sc].pp;
        else if ((st = source_stim(net, S, src, &from, err)))
            return st;
        replay = sc < 0 && !net_is_remote(net, S, src); /* a stand-in carries a cell's spikes */
        if (cl_netcon_from_pp(net->sim, from, syn, &nc)) return net_simfail(net, CL_EINVAL, err, where);
    }
    if (!isnan(delay_override)) delay = delay_override;
    if (sc < 0 && net_is_remote(net, S, src)) net->remote_min_delay = fmin(net->remote_min_delay, delay);
    if (cl_netcon_set_weight(net->sim, nc, 0, w * factor) || cl_netcon_set_delay(net->sim, nc, delay) ||
        cl_netcon_set_weight(net->sim, nc, bbp_nc_type_index(net->sim, kind), replay ? BBP_NC_REPLAY : BBP_NC_PRESYN))
        return net_simfail(net, CL_EINVAL, err, where);
    net->counts.netcons++;
    return CL_OK;
}

/* BlueCelluLab's global ids: populations in name order, each after the one
 * before rounded up to a multiple of 1000; a population spans its largest
 * loaded node id (virtual ones: all their nodes). */
static cl_status make_gid_offsets(cl_network *net, cl_error *err) {
    net->gid_off = calloc(net->n_pops + 1, sizeof *net->gid_off);
    size_t *order = malloc((net->n_pops + 1) * sizeof *order);
    int64_t *span = malloc((net->n_pops + 1) * sizeof *span);
    if (!net->gid_off || !order || !span) {
        free(order);
        free(span);
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    for (size_t p = 0; p < net->n_pops; p++) {
        npop *P = &net->pops[p];
        order[p] = p;
        span[p] = -1;
        cl_node_model m;
        if (P->n && !net->ops->node_model(net->st, P->name, 0, &m, err) && m.model_type &&
            strcmp(m.model_type, "virtual") == 0)
            span[p] = (int64_t)P->n - 1;
        for (uint64_t k = 0; k < P->n; k++)
            if (P->cell_of[k] >= 0 || net_is_remote(net, P, k)) span[p] = (int64_t)k;
    }
    for (size_t i = 1; i < net->n_pops; i++) /* insertion sort by name */
        for (size_t j = i; j > 0 && strcmp(net->pops[order[j - 1]].name, net->pops[order[j]].name) > 0; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    uint64_t end = 0;
    int first = 1;
    for (size_t i = 0; i < net->n_pops; i++) {
        size_t p = order[i];
        if (span[p] < 0) continue;
        net->gid_off[p] = first ? 0 : (end + 999) / 1000 * 1000;
        end = net->gid_off[p] + (uint64_t)span[p] + 1;
        first = 0;
    }
    free(order);
    free(span);
    return CL_OK;
}

static cl_status add_warning(cl_network *net, cl_error *err, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(net->warn, (net->n_warn + 1) * sizeof *w);
    if (!w) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    net->warn = w;
    if (!(w[net->n_warn] = strdup(buf))) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    net->n_warn++;
    return CL_OK;
}

/* Whether epop holds Blue Brain synapses: a syn_type_id and no
 * model_template (ProbAMPANMDA_EMS / ProbGABAAB_EMS / GluSynapse). */
static cl_status bbp_synapses(cl_network *net, const char *epop, uint64_t nedges, int *out, cl_error *err) {
    *out = 0;
    if (!nedges) return CL_OK;
    cl_value t = {0}, mt = {0};
    cl_status st = net->ops->edge_attribute(net->st, epop, "syn_type_id", 0, &t, err);
    if (!st) st = net->ops->edge_attribute(net->st, epop, "model_template", 0, &mt, err);
    if (st) return st;
    *out = t.kind == CL_VALUE_NUMBER && mt.kind == CL_VALUE_NONE;
    return CL_OK;
}

/* Count the edges of epop onto loaded cells and leave them out with a
 * warning (cl_network_options.no_bbp_synapses: BlueCelluLab's
 * add_synapses=False). */
static cl_status leave_out_edges(cl_network *net, const char *epop, npop *T, cl_error *err) {
    size_t n_out = 0;
    for (uint64_t k = 0; k < T->n; k++) {
        if (T->cell_of[k] < 0) continue;
        uint64_t *edges = NULL;
        size_t n = 0;
        cl_status st = net->ops->afferent_edges(net->st, epop, k, &edges, &n, err);
        free(edges);
        if (st) return st;
        n_out += n;
    }
    if (!n_out) return CL_OK;
    net->counts.edges_left_out += n_out;
    return add_warning(net, err,
                       "edge population \"%s\": %zu edges onto the loaded cells left out: Blue Brain synapses "
                       "are off (no_bbp_synapses / --no-synapses)",
                       epop, n_out);
}

/* conditions.modifications on the loaded biophysical cells of each entry's
 * node set, in file order; an entry that changes no section is a warning,
 * as in BlueCelluLab. */
static cl_status make_modifications(cl_network *net, cl_error *err) {
    size_t nm = net->ops->modification_count ? net->ops->modification_count(net->st) : 0;
    for (size_t i = 0; i < nm; i++) {
        cl_modification m;
        cl_status st = net->ops->modification(net->st, i, &m, err);
        if (st) return st;
        size_t total = 0;
        for (size_t p = 0; p < net->n_pops && !st; p++) {
            npop *P = &net->pops[p];
            uint64_t *ids = NULL;
            size_t n = 0;
            if ((st = net->ops->node_set(net->st, m.node_set, P->name, &ids, &n, err))) break;
            for (size_t k = 0; k < n && !st; k++) {
                if (ids[k] >= P->n || P->cell_of[ids[k]] < 0 || net->cells[P->cell_of[ids[k]]].art) continue;
                size_t ns = 0;
                st = cl_netmod_apply(net->sim, net->cells[P->cell_of[ids[k]]].cell, &m, &ns, err);
                total += ns;
            }
            free(ids);
        }
        if (st) return st;
        if (net->comm) { /* the sections every rank changed */
            void *all = NULL;
            size_t nb = 0;
            uint64_t mine = total;
            if ((st = net->comm->allgather(net->comm->ctx, &mine, sizeof mine, &all, &nb, err))) return st;
            total = 0;
            for (size_t r = 0; r + 1 <= nb / sizeof mine; r++) total += ((uint64_t *)all)[r];
            free(all);
        }
        if (!total && (st = add_warning(net, err, "%s: modification \"%s\" (%s) changed no section", m.where,
                                        m.name ? m.name : "", m.type)))
            return st;
    }
    return CL_OK;
}

static cl_status make_edges(cl_network *net, cl_error *err) {
    size_t ne = net->ops->edge_population_count ? net->ops->edge_population_count(net->st) : 0;
    if (ne && (!net->ops->afferent_edges || !net->ops->edge_source || !net->ops->edge_attribute ||
               !net->ops->edge_population_info))
        return cl_error_fail(err, CL_EINVAL, "the circuit has edges but does not give their sources or attributes");
    override_set *ov = NULL;
    size_t n_ov = 0;
    cl_status st = make_gid_offsets(net, err);
    if (st) return st;
    /* the extracellular calcium is GluSynapse's cao_CR (when loaded) */
    if (net->ca > 0) {
        cl_status sg = cl_sim_set_global(net->sim, "cao_CR_GluSynapse", net->ca);
        if (sg && sg != CL_ENOTFOUND) return net_simfail(net, sg, err, "cao_CR_GluSynapse");
    }
    /* conditions.mechanisms: globals of loaded mechanisms, others skipped
     * as BlueCelluLab does (hasattr) */
    for (size_t i = 0; i < net->bbp_globals.n_globals; i++) {
        cl_status sg = cl_sim_set_global(net->sim, net->bbp_globals.global_names[i], net->bbp_globals.global_values[i]);
        if (sg && sg != CL_ENOTFOUND)
            return cl_error_fail(err, sg, "conditions.mechanisms: %s: %s", net->bbp_globals.global_names[i],
                                 cl_sim_errmsg(net->sim));
    }
    st = load_overrides(net, &ov, &n_ov, err);
    for (size_t i = 0; i < ne && !st; i++) {
        const char *epop = net->ops->edge_population_name(net->st, i), *sp, *tp;
        uint64_t nedges;
        st = net->ops->edge_population_info(net->st, epop, &sp, &tp, &nedges, err);
        if (st) break;
        npop *S = pop_by_name(net, sp), *T = pop_by_name(net, tp);
        if (!S || !T) {
            st = cl_error_fail(err, CL_ENOTFOUND, "edge population \"%s\": no node population \"%s\"", epop, !S ? sp : tp);
            break;
        }
        int bbp = 0;
        if ((st = bbp_synapses(net, epop, nedges, &bbp, err))) break;
        if (bbp && net->no_bbp_synapses) {
            st = leave_out_edges(net, epop, T, err);
            continue;
        }
        for (uint64_t k = 0; k < T->n && !st; k++) {
            if (T->cell_of[k] < 0) continue;
            uint64_t *edges = NULL;
            size_t n = 0;
            st = net->ops->afferent_edges(net->st, epop, k, &edges, &n, err);
            for (size_t j = 0; j < n && !st; j++)
                st = connect_edge(net, epop, edges[j], S, (size_t)(S - net->pops), &net->cells[T->cell_of[k]], j,
                                  ov, n_ov, err);
            free(edges);
        }
    }
    free_overrides(ov, n_ov, net->n_pops);
    return st;
}

/* ---- inputs and reports --------------------------------------------------- */

/* A per-cell value of an input relative to the cell: the node's
 * @dynamics:NAME, else (holding / threshold current of a hoc e-model) its
 * template's getHypAmp() / getThreshold(), else the cell_value hook of the
 * options, else NAN. */
static cl_status cell_value(cl_network *net, ncell *C, const char *name, double *out, cl_error *err) {
    *out = NAN;
    const char *pop = net->pops[C->pop].name;
    if (net->ops->node_dynamics) {
        cl_value v = {0};
        cl_status st = net->ops->node_dynamics(net->st, pop, name, C->node, &v, err);
        if (st) return st;
        if (v.kind == CL_VALUE_NUMBER) *out = v.num;
    }
    if (isnan(*out) && !C->art && strcmp(name, "holding_current") == 0) *out = C->holding_nA;
    if (isnan(*out) && !C->art && strcmp(name, "threshold_current") == 0) *out = C->threshold_nA;
    if (isnan(*out) && net->cell_value) return net->cell_value(net->cell_value_ctx, net, pop, C->node, name, out, err);
    return CL_OK;
}

/* Every input of the circuit (cl_circuit_ops input): built on each loaded
 * biophysical cell of its node set, or refused (network_inputs.c). */
static cl_status make_inputs(cl_network *net, cl_error *err) {
    size_t n = net->ops->input_count(net->st);
    unsigned fam[3] = {0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        cl_netin *in = NULL;
        cl_status st = cl_netin_parse(net->ops, net->st, i, fam, &in, err);
        if (st) return st;
        if (!in) continue;
        const cl_input *d = cl_netin_input(in);
        for (size_t p = 0; p < net->n_pops && !st; p++) {
            npop *P = &net->pops[p];
            unsigned char *sel = calloc(P->n + 1, 1);
            if (!sel) {
                cl_netin_free(in);
                return cl_error_fail(err, CL_ENOMEM, "out of memory");
            }
            st = d->node_set ? mark_node_set(net, d->node_set, p, sel, err) : (memset(sel, 1, P->n), CL_OK);
            for (uint64_t k = 0; k < P->n && !st; k++) {
                if (!sel[k] || P->cell_of[k] < 0) continue;
                size_t ci = (size_t)P->cell_of[k];
                ncell *C = &net->cells[ci];
                if (C->art) continue; /* point neurons take spikes only */
                cl_netin_cell cv = {.pop = P->name, .node = k, .holding = NAN, .threshold = NAN,
                                    .input_resistance = NAN};
                unsigned need = cl_netin_needs(in);
                if ((need & CL_NETIN_HOLDING) && (st = cell_value(net, C, "holding_current", &cv.holding, err))) break;
                if ((need & CL_NETIN_THRESHOLD) && (st = cell_value(net, C, "threshold_current", &cv.threshold, err)))
                    break;
                if ((need & CL_NETIN_RIN) && (st = cell_value(net, C, "input_resistance", &cv.input_resistance, err)))
                    break;
                const char *sn;
                int si;
                double x;
                cl_netin_location(in, &sn, &si, &x);
                cl_section sec = C->soma;
                if (sn && strcmp(sn, "soma") != 0) {
                    char nm[128];
                    snprintf(nm, sizeof nm, "%s[%d]", sn, si);
                    if (cl_cell_section(net->sim, C->cell, nm, &sec)) {
                        st = cl_error_fail(err, CL_ENOTFOUND, "%s.section_name: population \"%s\" node %llu: %s",
                                           d->where, P->name, (unsigned long long)k, cl_sim_errmsg(net->sim));
                        break;
                    }
                }
                cl_pp made[64];
                size_t nm = 0;
                if ((st = cl_netin_build(in, net->sim, sec, x, &cv, made, 64, &nm, err))) break;
                for (size_t j = 0; j < nm && j < 64; j++) {
                    if (net_grow((void **)&net->in_pps, &net->cap_in_pps, net->n_in_pps, sizeof *net->in_pps)) {
                        st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                        break;
                    }
                    net->in_pps[net->n_in_pps++] = (struct nin_pp){d->name, ci, made[j]};
                }
                net->counts.clamps += nm;
            }
            free(sel);
        }
        cl_netin_free(in);
        if (st) return st;
    }
    return CL_OK;
}

static cl_status make_clamps(cl_network *net, cl_error *err) {
    if (net->ops->input_count && net->ops->input) return make_inputs(net, err);
    size_t n = net->ops->current_clamp_count ? net->ops->current_clamp_count(net->st) : 0;
    for (size_t i = 0; i < n; i++) {
        cl_current_clamp cc;
        cl_status st = net->ops->current_clamp(net->st, i, &cc, err);
        if (st) return st;
        for (size_t p = 0; p < net->n_pops; p++) {
            npop *P = &net->pops[p];
            unsigned char *sel = calloc(P->n + 1, 1);
            if (!sel) return cl_error_fail(err, CL_ENOMEM, "out of memory");
            st = cc.node_set ? mark_node_set(net, cc.node_set, p, sel, err) : (memset(sel, 1, P->n), CL_OK);
            for (uint64_t k = 0; k < P->n && !st; k++) {
                if (!sel[k] || P->cell_of[k] < 0) continue;
                ncell *C = &net->cells[P->cell_of[k]];
                if (C->art) continue;
                char where[300];
                snprintf(where, sizeof where, "input \"%s\" on population \"%s\" node %llu", cc.name ? cc.name : "",
                         P->name, (unsigned long long)k);
                cl_section sec = C->soma;
                double x = isnan(cc.segment_x) ? 0.5 : cc.segment_x;
                if (cc.section_name && strcmp(cc.section_name, "soma") != 0) {
                    char nm[128];
                    snprintf(nm, sizeof nm, "%s[%d]", cc.section_name, cc.section_index);
                    if (cl_cell_section(net->sim, C->cell, nm, &sec)) st = net_simfail(net, CL_ENOTFOUND, err, where);
                }
                cl_pp ic;
                if (!st && (cl_pp_new(net->sim, "IClamp", sec, x, &ic) || cl_pp_set(net->sim, ic, "del", cc.delay) ||
                            cl_pp_set(net->sim, ic, "dur", cc.duration) || cl_pp_set(net->sim, ic, "amp", cc.amp)))
                    st = net_simfail(net, CL_EINVAL, err, where);
                if (!st) net->counts.clamps++;
            }
            free(sel);
            if (st) return st;
        }
    }
    return CL_OK;
}

static cl_status record_v(cl_network *net, ncell *C, cl_error *err) {
    if (C->has_v || C->art) return CL_OK;
    if (cl_rec_section(net->sim, C->soma, 0.5, "v", 0, &C->v)) return net_simfail(net, CL_EINVAL, err, "soma recording");
    C->has_v = 1;
    return CL_OK;
}

static cl_status rep_add(nreport *R, cl_rec rec, uint32_t elem, double pos, cl_error *err) {
    if (R->n_vals >= R->cap_vals) {
        size_t nc = R->cap_vals ? 2 * R->cap_vals : 64;
        cl_rec *r = realloc(R->recs, nc * sizeof *r);
        if (r) R->recs = r;
        uint32_t *e = realloc(R->elem, nc * sizeof *e);
        if (e) R->elem = e;
        float *p = realloc(R->pos, nc * sizeof *p);
        if (p) R->pos = p;
        if (!r || !e || !p) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        R->cap_vals = nc;
    }
    R->recs[R->n_vals] = rec;
    R->elem[R->n_vals] = elem;
    R->pos[R->n_vals] = (float)pos;
    R->n_vals++;
    return CL_OK;
}

/* The sections of C a report names ("all", or the soma, axon, dend or
 * apic list) at their segment centres (compartments "all") or at x = 0.5
 * (compartments "center"), in the circuit's section numbering (element id =
 * section number), sampled every rdt ms. */
static cl_status report_sections(cl_network *net, nreport *R, ncell *C, const char *secs, int centre_only,
                                 const char *var, double rdt, cl_error *err) {
    const char *list = !strcmp(secs, "soma") ? "somatic" : !strcmp(secs, "axon") ? "axonal"
                     : !strcmp(secs, "dend") ? "basal" : !strcmp(secs, "apic") ? "apical" : NULL;
    cl_section *pick = NULL;
    size_t npick = 0;
    cl_status st = list ? gather_sections(net, C->cell, &list, 1, &pick, &npick, "report", err) : CL_OK;
    for (size_t s = 0; s < C->n_secs && !st; s++) {
        int in = !list;
        for (size_t j = 0; j < npick && !in; j++) in = pick[j].id == C->secs[s].id;
        if (!in) continue;
        int nseg = 1;
        if (cl_section_get_nseg(net->sim, C->secs[s], &nseg)) {
            st = net_simfail(net, CL_EINVAL, err, "report");
            break;
        }
        int n = centre_only ? 1 : nseg;
        for (int i = 0; i < n && !st; i++) {
            double x = centre_only ? 0.5 : (i + 0.5) / nseg;
            cl_rec r;
            if (cl_rec_section(net->sim, C->secs[s], x, var, rdt, &r))
                st = cl_error_fail(err, CL_EINVAL, "report \"%s\": %s", R->rc.name ? R->rc.name : "", cl_sim_errmsg(net->sim));
            else
                st = rep_add(R, r, (uint32_t)s, x, err);
        }
    }
    free(pick);
    return st;
}

static cl_status make_reports(cl_network *net, cl_error *err) {
    size_t n = net->ops->report_count ? net->ops->report_count(net->st) : 0;
    net->reps = calloc(n ? n : 1, sizeof *net->reps);
    if (!net->reps) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        nreport *R = &net->reps[i];
        cl_status st = net->ops->report(net->st, i, &R->rc, err);
        if (st) return st;
        net->n_reps = i + 1;
        const char *var = R->rc.variable_name ? R->rc.variable_name : "v";
        const char *secs = R->rc.sections ? R->rc.sections : "soma";
        int soma = strcmp(secs, "soma") == 0;
        /* libsonata's default: one value per soma, every segment elsewhere */
        int centre_only = R->rc.compartments ? strcmp(R->rc.compartments, "center") == 0 : soma;
        if (R->rc.compartments && !centre_only && strcmp(R->rc.compartments, "all"))
            return cl_error_fail(err, CL_EINVAL, "report \"%s\": compartments \"%s\": expected \"center\" or \"all\"",
                                 R->rc.name ? R->rc.name : "", R->rc.compartments);
        if (!soma && strcmp(secs, "all") && strcmp(secs, "axon") && strcmp(secs, "dend") && strcmp(secs, "apic"))
            return cl_error_fail(err, CL_EINVAL, "report \"%s\": sections \"%s\": expected soma, axon, dend, apic or all",
                                 R->rc.name ? R->rc.name : "", secs);
        /* the soma centre is recorded every step (and thinned when written);
         * everything else is sampled every report dt */
        int general = !(soma && centre_only);
        double rdt = or_default(R->rc.dt, net->dt);
        if (general && !(rdt > 0)) return cl_error_fail(err, CL_EINVAL, "report \"%s\": dt %g must be > 0", R->rc.name ? R->rc.name : "", rdt);
        R->sampled = general;
        R->cells = malloc((net->n_cells + 1) * sizeof *R->cells);
        R->off = calloc(net->n_cells + 2, sizeof *R->off);
        if (!R->cells || !R->off) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        for (size_t p = 0; p < net->n_pops; p++) {
            npop *P = &net->pops[p];
            unsigned char *sel = calloc(P->n + 1, 1);
            if (!sel) return cl_error_fail(err, CL_ENOMEM, "out of memory");
            st = R->rc.node_set ? mark_node_set(net, R->rc.node_set, p, sel, err) : (memset(sel, 1, P->n), CL_OK);
            for (uint64_t k = 0; k < P->n && !st; k++) {
                if (!sel[k] || P->cell_of[k] < 0 || net->cells[P->cell_of[k]].art) continue;
                ncell *C = &net->cells[P->cell_of[k]];
                /* checked once a loaded cell needs it (a report of cells left out is empty) */
                if (general) {
                    st = report_sections(net, R, C, secs, centre_only, var, rdt, err);
                } else if (strcmp(var, "v") == 0) {
                    st = record_v(net, C, err);
                    if (!st) st = rep_add(R, C->v, 0, 0.5, err);
                } else {
                    cl_rec r;
                    if (cl_rec_section(net->sim, C->soma, 0.5, var, 0, &r))
                        st = cl_error_fail(err, CL_EINVAL, "report \"%s\": %s", R->rc.name ? R->rc.name : "", cl_sim_errmsg(net->sim));
                    else
                        st = rep_add(R, r, 0, 0.5, err);
                }
                R->cells[R->n++] = (size_t)P->cell_of[k];
                R->off[R->n] = R->n_vals;
            }
            free(sel);
            if (st) return st;
        }
    }
    return CL_OK;
}

/* ---- mechanisms ----------------------------------------------------------- */

static cl_status load_mechanisms(cl_network *net, const cl_network_options *o, cl_error *err) {
    for (size_t i = 0; i < o->n_mechanisms; i++)
        if (cl_sim_load_mechanisms(net->sim, o->mechanisms[i])) return net_simfail(net, CL_EIO, err, o->mechanisms[i]);
    return CL_OK;
}

/* Build and load the circuit's MOD files (once, before the first
 * biophysical cell: point-neuron circuits never pay for the compiler). */
cl_status net_build_mechanisms(cl_network *net, const cl_network_options *o, cl_error *err) {
    if (!o->build_mechanisms || net->built) return CL_OK;
    net->built = 1;
    const char *dir = net->ops->mechanisms_dir ? net->ops->mechanisms_dir(net->st) : NULL;
    if (!dir) return cl_error_fail(err, CL_EINVAL, "build_mechanisms: the circuit names no mechanisms_dir");
    char src[4096], so[4096];
    struct stat sb;
    snprintf(src, sizeof src, "%s/modfiles", dir);
    if (stat(src, &sb) != 0 || !S_ISDIR(sb.st_mode)) snprintf(src, sizeof src, "%s", dir);
    if (o->mechanisms_cache)
        snprintf(so, sizeof so, "%s", o->mechanisms_cache);
    else if (net->output_dir)
        snprintf(so, sizeof so, "%s/mechanisms.so", net->output_dir);
    else
        return cl_error_fail(err, CL_EINVAL, "build_mechanisms: no mechanisms_cache and no output directory to put it in");
    if (net->output_dir) mkdir(net->output_dir, 0777);
    const char *in[1] = {src};
    cl_status st = cl_build_mechanisms(in, 1, so, 0, err);
    if (st) return st;
    if (cl_sim_load_mechanisms(net->sim, so)) return net_simfail(net, CL_EIO, err, so);
    return CL_OK;
}

/* ---- public --------------------------------------------------------------- */

cl_status cl_network_new(cl_circuit *c, const cl_network_options *opt, cl_network **out, cl_error *err) {
    if (!c || !out) return cl_error_fail(err, CL_EINVAL, "cl_network_new: circuit and out must not be NULL");
    *out = NULL;
    cl_network_options o0 = {0};
    const cl_network_options *o = opt ? opt : &o0;
    cl_network *net = calloc(1, sizeof *net);
    if (!net) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    net->c = c;
    net->ops = cl_circuit_get_ops(c);
    net->st = cl_circuit_get_state(c);
    net->numbering = o->numbering;
    net->soma = o->soma;

    net->pt3d_digits = o->pt3d_digits;
    net->no_bbp_synapses = o->no_bbp_synapses;
    net->comm = o->comm && o->comm->size > 1 ? o->comm : NULL;
    net->rank = net->comm ? net->comm->rank : 0;
    net->nranks = net->comm ? net->comm->size : 1;
    net->remote_min_delay = net->exchange = INFINITY;
    if (net->comm && (net->rank < 0 || net->rank >= net->nranks || !net->comm->allgather || !net->comm->gather)) {
        cl_network_free(net);
        return cl_error_fail(err, CL_EINVAL, "cl_network_new: comm: rank %d of %d, or a collective missing",
                             o->comm->rank, o->comm->size);
    }
    cl_status st = CL_OK;
    const cl_circuit_ops *ops = net->ops;
    if (!ops->node_population_count || !ops->node_population_name || !ops->node_population_size || !ops->node_model ||
        !ops->node_attribute) {
        st = cl_error_fail(err, CL_EINVAL, "the circuit does not list its node populations and models");
        goto done;
    }
    if (cl_sim_new(&net->sim)) {
        st = cl_error_fail(err, CL_ENOMEM, "out of memory");
        goto done;
    }
    if (o->threads < 0 || o->threads > 1024) {
        st = cl_error_fail(err, CL_EINVAL, "cl_network_new: threads: expected 0 (all cores) to 1024, got %d",
                           o->threads);
        goto done;
    }
    cl_sim_set_threads(net->sim, o->threads);
    net->rc = (cl_run_config){NAN, NAN, NAN, NAN, NAN, NAN, NAN, NULL, NULL, NULL, NULL};
    if (ops->run_config && (st = ops->run_config(net->st, &net->rc, err))) goto done;
    /* Blue Brain synapses: the options over the simulation config */
    cl_bbp_run_settings bs = {NAN, NAN, NAN, NAN, 0, NULL, NULL, NULL, NAN};
    if (ops->bbp_run_settings && (st = ops->bbp_run_settings(net->st, &bs, err))) goto done;
    /* run.random_seed is the Random123 global index of every stream
     * (neurodamus' BaseSeed; BlueCelluLab's RNGSettings does the same) */
    if (!isnan(bs.random_seed) && cl_sim_set_random123_globalindex(net->sim, bs.random_seed)) {
        st = cl_error_fail(err, CL_EINVAL, "simulation config: run.random_seed %g: %s", bs.random_seed,
                           cl_sim_errmsg(net->sim));
        goto done;
    }
    net->synapse_seed = o->synapse_seed;
    net->minis_seed = o->minis_seed;
    const struct {
        double v;
        const char *name;
        uint32_t *out;
    } seeds[] = {{bs.synapse_seed, "synapse_seed", &net->synapse_seed}, {bs.minis_seed, "minis_seed", &net->minis_seed}};
    for (size_t i = 0; i < 2; i++) {
        if (*seeds[i].out || !(seeds[i].v > 0)) continue;
        if (seeds[i].v != floor(seeds[i].v) || seeds[i].v > 4294967295.0) {
            st = cl_error_fail(err, CL_EINVAL, "simulation config: run.%s %g is not a 32-bit whole number",
                               seeds[i].name, seeds[i].v);
            goto done;
        }
        *seeds[i].out = (uint32_t)seeds[i].v;
    }
    net->minis = o->minis;
    net->bbp_globals = bs;
    /* BlueCelluLab randomises unless the config says false */
    net->gaba_rise = o->gaba_rise_time ? o->gaba_rise_time > 0 : !(bs.randomize_gaba_rise_time == 0);
    net->ca = o->extracellular_calcium < 0 ? 0
              : o->extracellular_calcium > 0 ? o->extracellular_calcium
              : bs.extracellular_calcium > 0 ? bs.extracellular_calcium : 0;
    net->tstop = net->rc.tstop;
    if (!(net->tstop >= 0)) {
        st = cl_error_fail(err, CL_EINVAL, "run config: tstop is missing or negative (%g)", net->tstop);
        goto done;
    }
    net->dt = or_default(net->rc.dt, 0.025);
    net->dL = or_default(net->rc.dL, 20.0);
    net->thr = or_default(net->rc.spike_threshold, -15.0);
    const char *od = o->output_dir ? o->output_dir : net->rc.output_dir;
    if (od && !(net->output_dir = strdup(od))) {
        st = cl_error_fail(err, CL_ENOMEM, "out of memory");
        goto done;
    }
    if (cl_sim_set_dt(net->sim, net->dt) || cl_sim_set_celsius(net->sim, or_default(net->rc.celsius, 34.0)) ||
        cl_sim_set_v_init(net->sim, or_default(net->rc.v_init, -80.0))) {
        st = net_simfail(net, CL_EINVAL, err, "run config");
        goto done;
    }
    net->cell_value = o->cell_value;
    net->cell_value_ctx = o->cell_value_ctx;
    if ((st = load_mechanisms(net, o, err))) goto done;
    net->n_pops = ops->node_population_count(net->st);
    net->pops = calloc(net->n_pops ? net->n_pops : 1, sizeof *net->pops);
    if (!net->pops) {
        st = cl_error_fail(err, CL_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t p = 0; p < net->n_pops; p++) {
        npop *P = &net->pops[p];
        P->name = ops->node_population_name(net->st, p);
        if ((st = ops->node_population_size(net->st, P->name, &P->n, err))) goto done;
        P->cell_of = malloc((P->n + 1) * sizeof *P->cell_of);
        P->stim_of = malloc((P->n + 1) * sizeof *P->stim_of);
        if (!P->cell_of || !P->stim_of) {
            st = cl_error_fail(err, CL_ENOMEM, "out of memory");
            goto done;
        }
        for (uint64_t k = 0; k < P->n; k++) P->cell_of[k] = P->stim_of[k] = -1;
    }
    if ((st = gather_inputs(net, err))) goto done;
    if ((st = make_cells(net, o, err))) goto done;
    if ((st = make_edges(net, err))) goto done;
    if ((st = make_modifications(net, err))) goto done;
    if ((st = make_clamps(net, err))) goto done;
    if ((st = make_reports(net, err))) goto done;
done:
    if (st) {
        cl_network_free(net);
        return st;
    }
    *out = net;
    return CL_OK;
}

void cl_network_free(cl_network *net) {
    if (!net) return;
    for (size_t p = 0; p < net->n_pops; p++) {
        npop *P = &net->pops[p];
        free(P->cell_of);
        free(P->rank_of);
        free(P->stim_of);
        free(P->in_off);
        free(P->in_t);
        free(P->sp_nodes);
        free(P->sp_times);
    }
    free(net->pops);
    for (size_t i = 0; i < net->n_cells; i++) {
        free(net->cells[i].secs);
        free(net->cells[i].bbp_secs);
    }
    free(net->cells);
    free(net->stims);
    for (size_t i = 0; i < net->n_reps; i++) {
        free(net->reps[i].cells);
        free(net->reps[i].off);
        free(net->reps[i].recs);
        free(net->reps[i].elem);
        free(net->reps[i].pos);
    }
    free(net->reps);
    for (size_t i = 0; i < net->n_jc; i++) {
        free(net->jc[i].path);
        json_decref(net->jc[i].j);
    }
    free(net->jc);
    for (size_t i = 0; i < net->n_warn; i++) free(net->warn[i]);
    free(net->warn);
    free(net->output_dir);
    free(net->in_pps);
    free(net->gid_off);
    cl_sim_free(net->sim);
    free(net);
}

cl_sim *cl_network_sim(cl_network *net) { return net ? net->sim : NULL; }

cl_network_counts cl_network_get_counts(const cl_network *net) {
    return net ? net->counts : (cl_network_counts){0};
}

static cl_status find_cell(cl_network *net, const char *pop, uint64_t node, ncell **out, cl_error *err) {
    if (!net) return cl_error_fail(err, CL_EINVAL, "network is NULL");
    npop *P = pop_by_name(net, pop);
    if (!P) return cl_error_fail(err, CL_ENOTFOUND, "no node population \"%s\"", pop ? pop : "(null)");
    if (node >= P->n || P->cell_of[node] < 0)
        return cl_error_fail(err, CL_ENOTFOUND, "population \"%s\" node %llu is not loaded", pop, (unsigned long long)node);
    *out = &net->cells[P->cell_of[node]];
    return CL_OK;
}

cl_status cl_network_record_soma(cl_network *net, const char *pop, uint64_t node, cl_error *err) {
    ncell *C = NULL;
    cl_status st = find_cell(net, pop, node, &C, err);
    if (st) return st;
    if (C->art) return cl_error_fail(err, CL_EINVAL, "population \"%s\" node %llu is an artificial cell: it has no soma", pop,
                            (unsigned long long)node);
    return record_v(net, C, err);
}

cl_status cl_network_input_pps(cl_network *net, const char *input, const char *pop, uint64_t node, cl_pp *pps,
                               size_t cap, size_t *n, cl_error *err) {
    if (!net || !input || !pop || !n) return cl_error_fail(err, CL_EINVAL, "cl_network_input_pps: NULL argument");
    *n = 0;
    for (size_t i = 0; i < net->n_in_pps; i++) {
        const ncell *C = &net->cells[net->in_pps[i].cell];
        if (strcmp(net->in_pps[i].input, input) || C->node != node || strcmp(net->pops[C->pop].name, pop)) continue;
        if (pps && *n < cap) pps[*n] = net->in_pps[i].pp;
        ++*n;
    }
    return CL_OK;
}

cl_status cl_network_cell(cl_network *net, const char *pop, uint64_t node, cl_cell *cell, cl_pp *artcell,
                          cl_error *err) {
    ncell *C = NULL;
    cl_status st = find_cell(net, pop, node, &C, err);
    if (st) return st;
    if (cell) *cell = C->art ? (cl_cell){0} : C->cell;
    if (artcell) *artcell = C->art ? C->pp : (cl_pp){0};
    return CL_OK;
}

static int cmp_spk(const void *a, const void *b) {
    const spk *x = a, *y = b;
    if (x->t != y->t) return (x->t > y->t) - (x->t < y->t);
    return (x->node > y->node) - (x->node < y->node);
}

static cl_status collect_spikes(cl_network *net, cl_error *err) {
    for (size_t p = 0; p < net->n_pops; p++) {
        npop *P = &net->pops[p];
        size_t total = 0;
        for (uint64_t k = 0; k < P->n; k++) {
            if (P->cell_of[k] < 0) continue;
            const double *t;
            size_t n;
            if (cl_netcon_spikes(net->sim, net->cells[P->cell_of[k]].det, &t, &n))
                return net_simfail(net, CL_EINVAL, err, "spikes");
            total += n;
        }
        spk *a = malloc((total ? total : 1) * sizeof *a);
        if (!a) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        size_t j = 0;
        for (uint64_t k = 0; k < P->n; k++) {
            if (P->cell_of[k] < 0) continue;
            const double *t;
            size_t n;
            cl_netcon_spikes(net->sim, net->cells[P->cell_of[k]].det, &t, &n);
            for (size_t i = 0; i < n; i++) a[j++] = (spk){t[i], k};
        }
        cl_status st = net_set_spikes(P, a, total, err);
        if (st) return st;
    }
    return CL_OK;
}

cl_status net_set_spikes(npop *P, spk *a, size_t total, cl_error *err) {
    free(P->sp_nodes);
    free(P->sp_times);
    P->n_sp = 0;
    P->sp_nodes = malloc((total ? total : 1) * sizeof *P->sp_nodes);
    P->sp_times = malloc((total ? total : 1) * sizeof *P->sp_times);
    if (!P->sp_nodes || !P->sp_times) {
        free(a);
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    qsort(a, total, sizeof *a, cmp_spk);
    for (size_t i = 0; i < total; i++) {
        P->sp_nodes[i] = a[i].node;
        P->sp_times[i] = a[i].t;
    }
    P->n_sp = total;
    free(a);
    return CL_OK;
}

cl_status cl_network_run(cl_network *net, cl_network_progress_fn progress, void *ctx, cl_error *err) {
    if (!net) return cl_error_fail(err, CL_EINVAL, "cl_network_run: network is NULL");
    net->ran = 0;
    if (net->comm) return net_dist_run(net, progress, ctx, err);
    if (cl_sim_init(net->sim)) return net_simfail(net, CL_EINVAL, err, "initialisation");
    /* chunks end on whole steps, so the run takes the steps one run would */
    double nsteps = round(net->tstop / net->dt);
    const int chunks = 100;
    for (int k = 1; k <= chunks; k++) {
        double t = k == chunks ? net->tstop : round(nsteps * k / chunks) * net->dt;
        if (cl_sim_continue(net->sim, t)) return net_simfail(net, CL_EINVAL, err, "run");
        if (progress && progress(cl_sim_time(net->sim), net->tstop, ctx))
            return cl_error_fail(err, CL_ESTATE, "run stopped at t = %g ms by the progress callback", cl_sim_time(net->sim));
    }
    net->ran = 1;
    return collect_spikes(net, err);
}

cl_status cl_network_spikes(cl_network *net, const char *pop, const uint64_t **nodes, const double **times,
                            size_t *n, cl_error *err) {
    if (!net || !nodes || !times || !n) return cl_error_fail(err, CL_EINVAL, "cl_network_spikes: NULL argument");
    if (!net->ran) return cl_error_fail(err, CL_ESTATE, "cl_network_spikes: the network has not run");
    npop *P = pop_by_name(net, pop);
    if (!P) return cl_error_fail(err, CL_ENOTFOUND, "no node population \"%s\"", pop ? pop : "(null)");
    *nodes = P->sp_nodes;
    *times = P->sp_times;
    *n = P->n_sp;
    return CL_OK;
}

size_t cl_network_population_count(const cl_network *net) {
    size_t k = 0;
    for (size_t p = 0; net && p < net->n_pops; p++)
        for (uint64_t i = 0; i < net->pops[p].n; i++)
            if (net->pops[p].cell_of[i] >= 0 || net_is_remote(net, &net->pops[p], i)) {
                k++;
                break;
            }
    return k;
}

const char *cl_network_population_name(const cl_network *net, size_t i) {
    size_t k = 0;
    for (size_t p = 0; net && p < net->n_pops; p++)
        for (uint64_t j = 0; j < net->pops[p].n; j++)
            if (net->pops[p].cell_of[j] >= 0 || net_is_remote(net, &net->pops[p], j)) {
                if (k++ == i) return net->pops[p].name;
                break;
            }
    return NULL;
}

cl_status cl_network_soma_trace(cl_network *net, const char *pop, uint64_t node, const double **v, size_t *n,
                                cl_error *err) {
    ncell *C = NULL;
    cl_status st = find_cell(net, pop, node, &C, err);
    if (st) return st;
    if (!C->has_v)
        return cl_error_fail(err, CL_ENOTFOUND, "population \"%s\" node %llu: its soma voltage was not recorded", pop,
                    (unsigned long long)node);
    if (cl_rec_data(net->sim, C->v, v, n)) return net_simfail(net, CL_ESTATE, err, "soma trace");
    return CL_OK;
}

/* Where report R goes and which samples it keeps: every stride-th
 * recorded value from index first * stride, nt rows step ms apart from t0. */
void net_report_layout(const cl_network *net, const nreport *R, const char *od, const char *output_dir, char *path,
                          size_t cap, size_t *stride, double *step, size_t *first, size_t *nt, double *t0) {
    const char *fn = R->rc.file_name;
    if (fn && fn[0] == '/' && !output_dir)
        snprintf(path, cap, "%s", fn);
    else if (fn) {
        const char *base = strrchr(fn, '/');
        snprintf(path, cap, "%s/%s", od, base ? base + 1 : fn);
    } else
        snprintf(path, cap, "%s/%s.h5", od, R->rc.name ? R->rc.name : "report");
    double rdt = or_default(R->rc.dt, net->dt), t1 = or_default(R->rc.end_time, net->tstop);
    *t0 = or_default(R->rc.start_time, 0.0);
    /* soma v shares the every-step trace; "all" reports sample every rdt */
    *stride = R->sampled ? 1 : (size_t)fmax(1.0, round(rdt / net->dt));
    *step = R->sampled ? rdt : *stride * net->dt;
    *first = (size_t)round(*t0 / *step);
    *nt = t1 > *t0 ? (size_t)round((t1 - *t0) / *step) : 0;
}


cl_status cl_network_write_outputs(cl_network *net, const char *output_dir, cl_error *err) {
    if (!net) return cl_error_fail(err, CL_EINVAL, "cl_network_write_outputs: network is NULL");
    if (!net->ran) return cl_error_fail(err, CL_ESTATE, "cl_network_write_outputs: the network has not run");
    const char *od = output_dir ? output_dir : net->output_dir;
    if (!od) return cl_error_fail(err, CL_EINVAL, "no output directory (none given and none in the run config)");
    if (mkdir(od, 0777) != 0) {
        struct stat sb;
        if (stat(od, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return cl_error_fail(err, CL_EIO, "%s: cannot create the output directory", od);
    }
    char path[4096];
    const char *sf = net->rc.spikes_file;
    if (sf && sf[0] == '/' && !output_dir)
        snprintf(path, sizeof path, "%s", sf);
    else if (sf) {
        const char *base = strrchr(sf, '/');
        snprintf(path, sizeof path, "%s/%s", od, base ? base + 1 : sf);
    } else
        snprintf(path, sizeof path, "%s/spikes.h5", od);
    size_t np = 0;
    net_spikes_pop *sp = calloc(net->n_pops + 1, sizeof *sp);
    if (!sp) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    for (size_t p = 0; p < net->n_pops; p++) {
        npop *P = &net->pops[p];
        int loaded = 0; /* here or on another rank */
        for (uint64_t k = 0; k < P->n && !loaded; k++) loaded = P->cell_of[k] >= 0 || net_is_remote(net, P, k);
        if (!loaded) continue;
        sp[np++] = (net_spikes_pop){P->name, P->sp_nodes, P->sp_times, P->n_sp};
    }
    /* ranks: every rank holds every spike; rank 0 writes */
    cl_status st = net->rank == 0 ? net_write_spikes(path, sp, np, net->rc.spikes_sort_order, err) : CL_OK;
    free(sp);
    if (!st && net->comm) return net_dist_write_reports(net, od, output_dir, err);
    for (size_t i = 0; i < net->n_reps && !st; i++) {
        nreport *R = &net->reps[i];
        size_t stride, first, nt;
        double step, t0;
        net_report_layout(net, R, od, output_dir, path, sizeof path, &stride, &step, &first, &nt, &t0);
        /* one report population per node population, in cell order */
        net_report_pop *rp = calloc(net->n_pops + 1, sizeof *rp);
        if (!rp) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        size_t nrp = 0;
        for (size_t p = 0; p < net->n_pops && !st; p++) {
            size_t nn = 0, nv = 0;
            for (size_t j = 0; j < R->n; j++)
                if (net->cells[R->cells[j]].pop == p) {
                    nn++;
                    nv += R->off[j + 1] - R->off[j];
                }
            if (!nn) continue;
            uint64_t *ids = malloc(nn * sizeof *ids), *ptr = malloc((nn + 1) * sizeof *ptr);
            uint32_t *elem = malloc((nv + 1) * sizeof *elem);
            float *pos = malloc((nv + 1) * sizeof *pos);
            double *data = malloc((nt ? nt : 1) * (nv ? nv : 1) * sizeof *data);
            rp[nrp++] = (net_report_pop){net->pops[p].name, ids, nn, ptr, elem, pos, nv, data, nt, t0,
                                         t0 + nt * step, step, R->rc.variable_name ? R->rc.variable_name : "v"};
            if (!ids || !ptr || !elem || !pos || !data) {
                st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                break;
            }
            size_t c = 0, col = 0;
            ptr[0] = 0;
            for (size_t j = 0; j < R->n; j++) {
                if (net->cells[R->cells[j]].pop != p) continue;
                ids[c] = net->cells[R->cells[j]].node;
                for (size_t q = R->off[j]; q < R->off[j + 1]; q++, col++) {
                    const double *v;
                    size_t n = 0;
                    if (cl_rec_data(net->sim, R->recs[q], &v, &n)) n = 0;
                    elem[col] = R->elem[q];
                    pos[col] = R->pos[q];
                    for (size_t r = 0; r < nt; r++) {
                        size_t idx = (first + r) * stride;
                        data[r * nv + col] = idx < n ? v[idx] : NAN;
                    }
                }
                ptr[++c] = col;
            }
        }
        if (!st && nrp > 1)
            st = cl_error_fail(err, CL_EINVAL, "report \"%s\": its nodes span %zu populations; a report file holds one",
                      R->rc.name ? R->rc.name : "", nrp);
        if (!st && nrp == 1) st = net_write_report(path, &rp[0], err);
        net_report_pops_free(rp, nrp);
        free(rp);
    }
    return st;
}

size_t cl_network_warning_count(const cl_network *net) { return net ? net->n_warn : 0; }

const char *cl_network_warning(const cl_network *net, size_t i) {
    return net && i < net->n_warn ? net->warn[i] : NULL;
}

cl_status cl_network_cell_currents(cl_network *net, const char *pop, uint64_t node, double *threshold_nA,
                                   double *holding_nA, cl_error *err) {
    ncell *C = NULL;
    cl_status st = find_cell(net, pop, node, &C, err);
    if (st) return st;
    if (threshold_nA) *threshold_nA = C->art ? NAN : C->threshold_nA;
    if (holding_nA) *holding_nA = C->art ? NAN : C->holding_nA;
    return CL_OK;
}

