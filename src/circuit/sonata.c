/* The SONATA implementation of CircuitAccess: configs (circuit, simulation
 * or bmtk's combined config.json) opened and validated up front, HDF5
 * populations read on demand, everything behind cl_circuit_ops. */
#include <dirent.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "circuit/sonata_int.h"

typedef struct pop_props {
    char *type, *morph_dir, *asc_dir, *h5v1, *biophys_dir, *point_dir;
} pop_props;

typedef struct spike_in {
    char *file;
    const char *pop; /* pool */
    const char *file_pop; /* the population inside the file; NULL: legacy layout */
} spike_in;

typedef struct sonata {
    sn_json_file circ, sim;
    int have_sim;
    sn_pool pool;
    hid_t *files;
    size_t nfiles;
    sn_pop *np, *ep;
    pop_props *npp;
    size_t nn, ne;
    const char **pop_names; /* node population names, for implicit node sets */
    char *mech_dir, *syn_dir, *templates_dir, *circ_dir;
    sn_nodesets ns;
    const char **set_names;
    size_t nsets;
    spike_in *spikes;
    size_t nspikes;
    cl_current_clamp *clamps;
    size_t nclamps;
    cl_report_config *reports;
    size_t nreports;
    cl_connection_override *overrides;
    size_t noverrides;
    cl_modification *mods;
    size_t nmods;
    cl_run_config run;
    /* every input of the simulation config (cl_input), with its JSON object
     * (borrowed from sim.root) for input_param */
    cl_input *inputs;
    json_t **input_obj;
    char **input_where;
    size_t ninputs;
    cl_bbp_run_settings bbp; /* NAN where absent */
    const char **bbp_gnames; /* conditions.mechanisms, names interned */
    double *bbp_gvalues;
} sonata;

static void props_free(pop_props *p) {
    free(p->type);
    free(p->morph_dir);
    free(p->asc_dir);
    free(p->h5v1);
    free(p->biophys_dir);
    free(p->point_dir);
}

static void st_free(void *state) {
    sonata *s = state;
    if (!s) return;
    for (size_t i = 0; i < s->nn; i++) {
        sn_pop_close(&s->np[i]);
        props_free(&s->npp[i]);
    }
    for (size_t i = 0; i < s->ne; i++) sn_pop_close(&s->ep[i]);
    for (size_t i = 0; i < s->nfiles; i++) H5Fclose(s->files[i]);
    for (size_t i = 0; i < s->nspikes; i++) free(s->spikes[i].file);
    free(s->bbp_gnames);
    free(s->bbp_gvalues);
    free(s->spikes);
    free(s->files);
    free(s->np);
    free(s->npp);
    free(s->ep);
    free(s->pop_names);
    free(s->set_names);
    free(s->clamps);
    for (size_t i = 0; i < s->ninputs; i++) free(s->input_where[i]);
    free(s->input_where);
    free(s->input_obj);
    free(s->inputs);
    free(s->reports);
    free(s->overrides);
    free(s->mods);
    free(s->mech_dir);
    free(s->syn_dir);
    free(s->templates_dir);
    free(s->circ_dir);
    sn_nodesets_free(&s->ns);
    sn_json_free(&s->circ);
    sn_json_free(&s->sim);
    sn_pool_free(&s->pool);
    free(s);
}

static sn_pop *find_node_pop(sonata *s, const char *name, size_t *idx) {
    for (size_t i = 0; i < s->nn; i++)
        if (!strcmp(s->np[i].name, name)) {
            if (idx) *idx = i;
            return &s->np[i];
        }
    return NULL;
}

static sn_pop *find_edge_pop(sonata *s, const char *name) {
    for (size_t i = 0; i < s->ne; i++)
        if (!strcmp(s->ep[i].name, name)) return &s->ep[i];
    return NULL;
}

static const char *P(sonata *s, char *owned) { /* intern a malloc'd string */
    const char *r = sn_intern(&s->pool, owned);
    free(owned);
    return r;
}

/* ---- opening ---- */
static cl_status get_props(sonata *s, json_t *obj, const char *path, pop_props *pp, cl_error *err) {
    const sn_json_file *f = &s->circ;
    cl_status st = CL_OK;
    const char *type = NULL;
    char *v = NULL;
    if ((st = sn_get_str(f, obj, path, "type", 0, &type, err)) != CL_OK) return st;
    if (type) {
        free(pp->type);
        pp->type = sn_strdup(type);
    }
#define OVR(key, field)                                                                  \
    v = NULL;                                                                            \
    if ((st = sn_get_path(f, obj, path, key, 0, &v, err)) != CL_OK) return st;           \
    if (v) {                                                                             \
        free(pp->field);                                                                 \
        pp->field = v;                                                                   \
    }
    OVR("morphologies_dir", morph_dir)
    OVR("biophysical_neuron_models_dir", biophys_dir)
    OVR("point_neuron_models_dir", point_dir)
    json_t *alt = NULL;
    if ((st = sn_get_obj(f, obj, path, "alternate_morphologies", 0, &alt, err)) != CL_OK) return st;
    if (alt) {
        char p2[512];
        snprintf(p2, sizeof p2, "%s.alternate_morphologies", path);
        v = NULL;
        if ((st = sn_get_path(f, alt, p2, "neurolucida-asc", 0, &v, err)) != CL_OK) return st;
        if (v) {
            free(pp->asc_dir);
            pp->asc_dir = v;
        }
        v = NULL;
        if ((st = sn_get_path(f, alt, p2, "h5v1", 0, &v, err)) != CL_OK) return st;
        if (v) {
            free(pp->h5v1);
            pp->h5v1 = v;
        }
    }
#undef OVR
    return CL_OK;
}

static cl_status dup_props(const pop_props *a, pop_props *b) {
    b->type = sn_strdup(a->type);
    b->morph_dir = sn_strdup(a->morph_dir);
    b->asc_dir = sn_strdup(a->asc_dir);
    b->h5v1 = sn_strdup(a->h5v1);
    b->biophys_dir = sn_strdup(a->biophys_dir);
    b->point_dir = sn_strdup(a->point_dir);
    return CL_OK;
}

static cl_status open_networks(sonata *s, int edges, pop_props *base, cl_error *err) {
    const sn_json_file *f = &s->circ;
    json_t *nets = NULL, *list = NULL;
    cl_status st = sn_get_obj(f, f->root, "$", "networks", 1, &nets, err);
    if (st != CL_OK) return st;
    const char *key = edges ? "edges" : "nodes";
    if ((st = sn_get_arr(f, nets, "$.networks", key, 0, &list, err)) != CL_OK || !list) return st;
    size_t i;
    json_t *ent;
    json_array_foreach(list, i, ent) {
        char path[128];
        snprintf(path, sizeof path, "$.networks.%s[%zu]", key, i);
        if (!json_is_object(ent)) return cl_error_fail(err, CL_EFORMAT, "%s: %s: expected an object", f->path, path);
        json_t *en = json_object_get(ent, "enabled");
        if (en && json_is_false(en)) continue;
        char *h5 = NULL, *types = NULL;
        json_t *pops = NULL;
        st = sn_get_path(f, ent, path, edges ? "edges_file" : "nodes_file", 1, &h5, err);
        if (st == CL_OK) st = sn_get_path(f, ent, path, edges ? "edge_types_file" : "node_types_file", 0, &types, err);
        if (st == CL_OK) st = sn_get_obj(f, ent, path, "populations", 0, &pops, err);
        if (st != CL_OK) {
            free(h5);
            free(types);
            return st;
        }
        sn_h5quiet q;
        sn_h5_quiet(&q);
        hid_t fid = sn_file_exists(h5) ? H5Fopen(h5, H5F_ACC_RDONLY, H5P_DEFAULT) : H5I_INVALID_HID;
        sn_h5_loud(&q);
        if (fid < 0) {
            st = cl_error_fail(err, CL_EIO, "%s: %s.%s: cannot open %s as HDF5 (%s)", f->path, path,
                         edges ? "edges_file" : "nodes_file", h5, sn_file_exists(h5) ? "not HDF5?" : "missing file");
            free(h5);
            free(types);
            return st;
        }
        hid_t *nf = realloc(s->files, (s->nfiles + 1) * sizeof *nf);
        if (!nf) {
            H5Fclose(fid);
            free(h5);
            free(types);
            return cl_error_fail(err, CL_ENOMEM, "out of memory");
        }
        s->files = nf;
        s->files[s->nfiles++] = fid;
        char **names = NULL;
        size_t n = 0;
        sn_h5_quiet(&q);
        st = sn_h5_list(fid, h5, key, &names, &n, err);
        sn_h5_loud(&q);
        if (st == CL_OK && pops) { /* listed populations must exist in the file */
            const char *pk;
            json_t *pv;
            json_object_foreach(pops, pk, pv) {
                size_t k;
                for (k = 0; k < n && strcmp(names[k], pk); k++) {}
                if (k == n) {
                    st = cl_error_fail(err, CL_ENOTFOUND, "%s: %s.populations.%s: unknown population (no /%s/%s in %s)",
                                 f->path, path, pk, key, pk, h5);
                    break;
                }
                if (!json_is_object(pv)) {
                    st = cl_error_fail(err, CL_EFORMAT, "%s: %s.populations.%s: expected an object", f->path, path, pk);
                    break;
                }
            }
        }
        for (size_t k = 0; k < n && st == CL_OK; k++) {
            if ((edges ? find_edge_pop(s, names[k]) : find_node_pop(s, names[k], NULL)) != NULL) {
                st = cl_error_fail(err, CL_EFORMAT, "%s: %s: population %s appears twice", f->path, path, names[k]);
                break;
            }
            if (edges) {
                sn_pop *np = realloc(s->ep, (s->ne + 1) * sizeof *np);
                if (!np) {
                    st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                    break;
                }
                s->ep = np;
                st = sn_pop_open(fid, h5, names[k], 1, types, &s->ep[s->ne], err);
                if (st != CL_OK) sn_pop_close(&s->ep[s->ne]);
                else s->ne++;
            } else {
                sn_pop *np = realloc(s->np, (s->nn + 1) * sizeof *np);
                pop_props *npp = np ? realloc(s->npp, (s->nn + 1) * sizeof *npp) : NULL;
                if (np) s->np = np;
                if (npp) s->npp = npp;
                if (!np || !npp) {
                    st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                    break;
                }
                memset(&s->npp[s->nn], 0, sizeof *s->npp);
                dup_props(base, &s->npp[s->nn]);
                json_t *pv = pops ? json_object_get(pops, names[k]) : NULL;
                if (pv) {
                    char pp[300];
                    snprintf(pp, sizeof pp, "%s.populations.%s", path, names[k]);
                    st = get_props(s, pv, pp, &s->npp[s->nn], err);
                }
                if (st == CL_OK) st = sn_pop_open(fid, h5, names[k], 0, types, &s->np[s->nn], err);
                if (st != CL_OK) {
                    sn_pop_close(&s->np[s->nn]);
                    props_free(&s->npp[s->nn]);
                } else
                    s->nn++;
            }
        }
        for (size_t k = 0; k < n; k++) free(names[k]);
        free(names);
        free(h5);
        free(types);
        if (st != CL_OK) return st;
    }
    return CL_OK;
}

static int set_known(sonata *s, const char *name) {
    if (s->ns.root && json_object_get(s->ns.root, name)) return 1;
    for (size_t i = 0; i < s->nn; i++)
        if (!strcmp(s->pop_names[i], name)) return 1;
    return 0;
}

static cl_status check_set(sonata *s, const char *where, const char *name, cl_error *err) {
    if (!name || set_known(s, name)) return CL_OK;
    return cl_error_fail(err, CL_ENOTFOUND, "%s: %s: unknown node set \"%s\" (not in %s, not a population)", s->sim.path,
                   where, name, s->ns.path ? s->ns.path : "any node sets file");
}

static cl_status node_attr_cb(void *ctx, const char *attr, uint64_t node, cl_value *out, cl_error *err);

typedef struct cbctx {
    sonata *s;
    sn_pop *p;
} cbctx;

static cl_status eval_set(sonata *s, const char *name, sn_pop *p, uint64_t **ids, size_t *n, cl_error *err) {
    cbctx c = {s, p};
    sn_ns_pop np = {.name = p->name, .size = p->size, .ctx = &c, .attr = node_attr_cb};
    return sn_nodeset_eval(&s->ns, name, &np, s->pop_names, s->nn, ids, n, err);
}

static cl_status node_attr_cb(void *ctx, const char *attr, uint64_t node, cl_value *out, cl_error *err) {
    cbctx *c = ctx;
    return sn_pop_attr(c->p, &c->s->pool, attr, node, out, err);
}

/* conditions.modifications: an array (libsonata) or an object keyed by
 * name (older configs); each entry's type and node_set checked here, its
 * section_configure when the network applies it. */
static cl_status read_modifications(sonata *s, const sn_json_file *f, json_t *cond, cl_error *err) {
    json_t *m = cond ? json_object_get(cond, "modifications") : NULL;
    if (!m || json_is_null(m)) return CL_OK;
    if (!json_is_array(m) && !json_is_object(m))
        return cl_error_fail(err, CL_EFORMAT, "%s: $.conditions.modifications: expected an array", f->path);
    size_t n = json_is_array(m) ? json_array_size(m) : json_object_size(m);
    s->mods = calloc(n ? n : 1, sizeof *s->mods);
    if (!s->mods) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    void *it = json_is_object(m) ? json_object_iter(m) : NULL;
    for (size_t i = 0; i < n; i++) {
        char path[300];
        json_t *o;
        cl_modification *c = &s->mods[i];
        if (json_is_array(m)) {
            o = json_array_get(m, i);
            snprintf(path, sizeof path, "$.conditions.modifications[%zu]", i);
        } else {
            o = json_object_iter_value(it);
            c->name = json_object_iter_key(it);
            snprintf(path, sizeof path, "$.conditions.modifications.%s", c->name);
            it = json_object_iter_next(m, it);
        }
        if (!json_is_object(o)) return cl_error_fail(err, CL_EFORMAT, "%s: %s: expected an object", f->path, path);
        cl_status st;
        if ((st = sn_get_str(f, o, path, "name", 0, &c->name, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, o, path, "type", 1, &c->type, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, o, path, "node_set", 0, &c->node_set, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, o, path, "section_configure", 0, &c->section_configure, err)) != CL_OK) return st;
        size_t wn = strlen(f->path) + strlen(path) + 3;
        char *w = malloc(wn);
        if (!w) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        snprintf(w, wn, "%s: %s", f->path, path);
        c->where = P(s, w);
        int ttx = !strcmp(c->type, "ttx") || !strcmp(c->type, "TTX");
        if (!ttx && strcmp(c->type, "configure_all_sections") && strcmp(c->type, "ConfigureAllSections") &&
            strcmp(c->type, "section_list") && strcmp(c->type, "section"))
            return cl_error_fail(err, CL_EFORMAT,
                                 "%s.type: \"%s\" is not a modification cellulab applies (ttx, "
                                 "configure_all_sections, section_list, section)", c->where, c->type);
        if (!c->node_set)
            return cl_error_fail(err, CL_EFORMAT, "%s: a %s modification needs a node_set", c->where, c->type);
        if (!ttx && !c->section_configure)
            return cl_error_fail(err, CL_EFORMAT, "%s: a %s modification needs a section_configure", c->where,
                                 c->type);
        char w2[340];
        snprintf(w2, sizeof w2, "%s.node_set", path);
        if ((st = check_set(s, w2, c->node_set, err)) != CL_OK) return st;
    }
    s->nmods = n;
    return CL_OK;
}

static cl_status open_sim(sonata *s, cl_error *err) {
    const sn_json_file *f = &s->sim;
    json_t *r = f->root, *run = NULL, *cond = NULL, *outp = NULL, *inputs = NULL, *reps = NULL, *ovr;
    cl_status st;
    cl_run_config *rc = &s->run;
    if ((st = sn_get_obj(f, r, "$", "run", 0, &run, err)) != CL_OK) return st;
    if ((st = sn_get_obj(f, r, "$", "conditions", 0, &cond, err)) != CL_OK) return st;
    if ((st = sn_get_obj(f, r, "$", "output", 0, &outp, err)) != CL_OK) return st;
    if ((st = sn_get_obj(f, r, "$", "inputs", 0, &inputs, err)) != CL_OK) return st;
    if ((st = sn_get_obj(f, r, "$", "reports", 0, &reps, err)) != CL_OK) return st;
    const struct {
        json_t *o;
        const char *p, *k;
        double *v;
    } nums[] = {{run, "$.run", "tstart", &rc->tstart},        {run, "$.run", "tstop", &rc->tstop},
                {run, "$.run", "dt", &rc->dt},                {run, "$.run", "dL", &rc->dL},
                {run, "$.run", "spike_threshold", &rc->spike_threshold},
                {cond, "$.conditions", "celsius", &rc->celsius}, {cond, "$.conditions", "v_init", &rc->v_init},
                {run, "$.run", "synapse_seed", &s->bbp.synapse_seed},
                {run, "$.run", "minis_seed", &s->bbp.minis_seed},
                {run, "$.run", "random_seed", &s->bbp.random_seed},
                {cond, "$.conditions", "extracellular_calcium", &s->bbp.extracellular_calcium}};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++)
        if ((st = sn_get_num(f, nums[i].o, nums[i].p, nums[i].k, 0, nums[i].v, err)) != CL_OK) return st;
    if ((st = sn_get_str(f, cond, "$.conditions", "spike_location", 0, &s->bbp.spike_location, err)) != CL_OK) return st;
    if (s->bbp.spike_location && strcmp(s->bbp.spike_location, "soma") && strcmp(s->bbp.spike_location, "AIS"))
        return cl_error_fail(err, CL_EFORMAT, "%s: $.conditions.spike_location: \"%s\" (expected soma or AIS)", f->path,
                             s->bbp.spike_location);
    json_t *rg = cond ? json_object_get(cond, "randomize_gaba_rise_time") : NULL;
    if (rg && !json_is_boolean(rg))
        return cl_error_fail(err, CL_EFORMAT, "%s: $.conditions.randomize_gaba_rise_time: expected true or false",
                             f->path);
    if (rg) s->bbp.randomize_gaba_rise_time = json_is_true(rg);
    json_t *mechs = cond ? json_object_get(cond, "mechanisms") : NULL;
    if (mechs && !json_is_object(mechs))
        return cl_error_fail(err, CL_EFORMAT, "%s: $.conditions.mechanisms: expected an object", f->path);
    if (mechs) {
        size_t cap = 0, n = 0;
        const char *suffix, *var;
        json_t *vars, *val;
        json_object_foreach(mechs, suffix, vars) cap += json_is_object(vars) ? json_object_size(vars) : 0;
        s->bbp_gnames = calloc(cap + 1, sizeof *s->bbp_gnames);
        s->bbp_gvalues = calloc(cap + 1, sizeof *s->bbp_gvalues);
        if (!s->bbp_gnames || !s->bbp_gvalues) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        json_object_foreach(mechs, suffix, vars) {
            if (!json_is_object(vars))
                return cl_error_fail(err, CL_EFORMAT, "%s: $.conditions.mechanisms.%s: expected an object", f->path,
                                     suffix);
            json_object_foreach(vars, var, val) {
                if (!json_is_number(val) && !json_is_boolean(val))
                    return cl_error_fail(err, CL_EFORMAT, "%s: $.conditions.mechanisms.%s.%s: expected a number or a boolean",
                                         f->path, suffix, var);
                size_t len = strlen(var) + strlen(suffix) + 2;
                char *name = malloc(len);
                if (!name) return cl_error_fail(err, CL_ENOMEM, "out of memory");
                snprintf(name, len, "%s_%s", var, suffix);
                s->bbp_gnames[n] = P(s, name);
                s->bbp_gvalues[n++] = json_is_boolean(val) ? (double)json_is_true(val) : json_number_value(val);
            }
        }
        s->bbp.n_globals = n;
        s->bbp.global_names = s->bbp_gnames;
        s->bbp.global_values = s->bbp_gvalues;
    }
    if ((st = sn_get_str(f, r, "$", "node_set", 0, &rc->node_set, err)) != CL_OK) return st;
    if ((st = check_set(s, "$.node_set", rc->node_set, err)) != CL_OK) return st;
    char *od = NULL;
    if ((st = sn_get_path(f, outp, "$.output", "output_dir", 0, &od, err)) != CL_OK) return st;
    rc->output_dir = od ? P(s, od) : NULL;
    const char *sf = NULL, *so = NULL;
    if ((st = sn_get_str(f, outp, "$.output", "spikes_file", 0, &sf, err)) != CL_OK) return st;
    if ((st = sn_get_str(f, outp, "$.output", "spikes_sort_order", 0, &so, err)) != CL_OK) return st;
    if (!sf) sf = "spikes.h5";
    rc->spikes_file = P(s, sn_join(rc->output_dir ? rc->output_dir : f->dir, sf));
    if (so) {
        if (!strcmp(so, "time") || !strcmp(so, "by_time")) rc->spikes_sort_order = "by_time";
        else if (!strcmp(so, "id") || !strcmp(so, "gid") || !strcmp(so, "by_id") || !strcmp(so, "by_gid"))
            rc->spikes_sort_order = "by_id";
        else if (!strcmp(so, "none")) rc->spikes_sort_order = "none";
        else
            return cl_error_fail(err, CL_EFORMAT, "%s: $.output.spikes_sort_order: \"%s\" (expected by_time, by_id or none)",
                           f->path, so);
    }
    /* inputs */
    const char *k;
    json_t *v;
    size_t ni = inputs ? json_object_size(inputs) : 0;
    s->clamps = calloc(ni ? ni : 1, sizeof *s->clamps);
    s->inputs = calloc(ni ? ni : 1, sizeof *s->inputs);
    s->input_obj = calloc(ni ? ni : 1, sizeof *s->input_obj);
    s->input_where = calloc(ni ? ni : 1, sizeof *s->input_where);
    if (!s->clamps || !s->inputs || !s->input_obj || !s->input_where)
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    double run_seed = NAN;
    /* neurodamus' StimulusSeed (not random_seed, its BaseSeed) */
    if ((st = sn_get_num(f, run, "$.run", "stimulus_seed", 0, &run_seed, err)) != CL_OK) return st;
    json_object_foreach(inputs, k, v) {
        char path[300];
        snprintf(path, sizeof path, "$.inputs.%s", k);
        if (!json_is_object(v)) return cl_error_fail(err, CL_EFORMAT, "%s: %s: expected an object", f->path, path);
        const char *type = NULL, *module = NULL, *nset = NULL;
        if ((st = sn_get_str(f, v, path, "input_type", 1, &type, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, v, path, "module", 0, &module, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, v, path, "node_set", 0, &nset, err)) != CL_OK) return st;
        char w[340];
        snprintf(w, sizeof w, "%s.node_set", path);
        if ((st = check_set(s, w, nset, err)) != CL_OK) return st;
        { /* the generic description; the simulation builds or refuses it */
            cl_input *in = &s->inputs[s->ninputs];
            in->name = k;
            in->module = module;
            in->input_type = type;
            in->node_set = nset;
            in->delay = in->duration = NAN;
            in->run_seed = run_seed;
            /* numbers here; bmtk IClamp lists are read with input_param_array */
            if (!json_is_array(json_object_get(v, "delay")) &&
                (st = sn_get_num(f, v, path, "delay", 0, &in->delay, err)) != CL_OK)
                return st;
            if (!json_is_array(json_object_get(v, "duration")) &&
                (st = sn_get_num(f, v, path, "duration", 0, &in->duration, err)) != CL_OK)
                return st;
            size_t wl = strlen(f->path) + strlen(path) + 3;
            char *wh = malloc(wl);
            if (!wh) return cl_error_fail(err, CL_ENOMEM, "out of memory");
            snprintf(wh, wl, "%s: %s", f->path, path);
            in->where = s->input_where[s->ninputs] = wh;
            s->input_obj[s->ninputs] = v;
            s->ninputs++;
        }
        if (!strcmp(type, "spikes")) {
            char *file = NULL;
            if ((st = sn_get_path(f, v, path, "input_file", 0, &file, err)) != CL_OK) return st;
            if (!file && (st = sn_get_path(f, v, path, "spike_file", 1, &file, err)) != CL_OK) return st;
            if (module && (!strcmp(module, "csv") || !strcmp(module, "nwb"))) {
                free(file);
                return cl_error_fail(err, CL_EFORMAT, "%s: %s.module: \"%s\" spike files are not supported (SONATA HDF5 only)",
                               f->path, path, module);
            }
            char **pops = NULL;
            size_t np = 0;
            int legacy = 0;
            st = sn_spikes_list(file, &pops, &np, &legacy, err);
            if (st != CL_OK) {
                char m[sizeof err->msg];
                snprintf(m, sizeof m, "%s", err->msg);
                free(file);
                return cl_error_fail(err, st, "%s: %s.input_file: %s", f->path, path, m);
            }
            const char *lpop = NULL;
            if (legacy) { /* the node set names the population */
                if (!nset) st = cl_error_fail(err, CL_EFORMAT, "%s: %s: a /spikes/gids file needs a node_set (its population)",
                                        f->path, path);
                for (size_t i = 0; i < s->nn && st == CL_OK; i++) {
                    uint64_t *ids;
                    size_t n;
                    st = eval_set(s, nset, &s->np[i], &ids, &n, err);
                    free(ids);
                    if (st == CL_OK && n) {
                        if (lpop) st = cl_error_fail(err, CL_EFORMAT,
                                               "%s: %s.node_set: \"%s\" spans populations %s and %s: the legacy spike "
                                               "file's population is ambiguous",
                                               f->path, path, nset, lpop, s->np[i].name);
                        lpop = s->np[i].name;
                    }
                }
                if (st == CL_OK && !lpop)
                    st = cl_error_fail(err, CL_EFORMAT, "%s: %s.node_set: \"%s\" is empty: no population for %s", f->path,
                                 path, nset, file);
                np = 1;
            }
            for (size_t i = 0; i < np && st == CL_OK; i++) {
                const char *pn = legacy ? lpop : pops[i];
                if (!find_node_pop(s, pn, NULL)) {
                    st = cl_error_fail(err, CL_ENOTFOUND, "%s: /spikes/%s: unknown population (not in %s)", file, pn,
                                 s->circ.path);
                    break;
                }
                spike_in *ns = realloc(s->spikes, (s->nspikes + 1) * sizeof *ns);
                if (!ns) {
                    st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                    break;
                }
                s->spikes = ns;
                s->spikes[s->nspikes].file = sn_strdup(file);
                s->spikes[s->nspikes].pop = sn_intern(&s->pool, pn);
                s->spikes[s->nspikes].file_pop = legacy ? NULL : sn_intern(&s->pool, pn);
                s->nspikes++;
            }
            for (size_t i = 0; i < (legacy ? 0 : np); i++) free(pops[i]);
            free(pops);
            free(file);
            if (st != CL_OK) return st;
        } else if (!strcmp(type, "current_clamp") && (!module || !strcmp(module, "IClamp") || !strcmp(module, "linear")) &&
                   !json_is_array(json_object_get(v, "amp")) && !json_is_array(json_object_get(v, "delay")) &&
                   !json_is_array(json_object_get(v, "duration"))) {
            /* the constant steps only (kept for current_clamp readers); every
             * module is also in the generic inputs (o_input) */
            cl_current_clamp *c = &s->clamps[s->nclamps];
            memset(c, 0, sizeof *c);
            c->name = k;
            c->node_set = nset;
            c->amp = c->delay = c->duration = NAN;
            c->segment_x = 0.5;
            json_t *amp = json_object_get(v, "amp");
            const char *ak = !amp && module && !strcmp(module, "linear") ? "amp_start" : "amp"; /* BBP: amp_start */
            if ((st = sn_get_num(f, v, path, ak, 1, &c->amp, err)) != CL_OK) return st;
            if ((st = sn_get_num(f, v, path, "delay", 1, &c->delay, err)) != CL_OK) return st;
            if ((st = sn_get_num(f, v, path, "duration", 1, &c->duration, err)) != CL_OK) return st;
            if ((st = sn_get_str(f, v, path, "section_name", 0, &c->section_name, err)) != CL_OK) return st;
            double si = 0;
            if ((st = sn_get_num(f, v, path, "section_index", 0, &si, err)) != CL_OK) return st;
            c->section_index = (int)si;
            if ((st = sn_get_num(f, v, path, "segment_x", 0, &c->segment_x, err)) != CL_OK) return st;
            s->nclamps++;
        }
        /* every input (lists of bmtk IClamp, the BBP modules, ...) is in
         * s->inputs: the simulation builds it or refuses it */
    }
    /* reports */
    size_t nr = reps ? json_object_size(reps) : 0;
    s->reports = calloc(nr ? nr : 1, sizeof *s->reports);
    if (!s->reports) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    json_object_foreach(reps, k, v) {
        char path[300];
        snprintf(path, sizeof path, "$.reports.%s", k);
        if (!json_is_object(v)) return cl_error_fail(err, CL_EFORMAT, "%s: %s: expected an object", f->path, path);
        json_t *en = json_object_get(v, "enabled");
        if (en && json_is_false(en)) continue;
        /* membrane reports only (bmtk membrane/multimeter, BBP compartment/soma); ecp, lfp, ... are not ours */
        const char *mod = NULL, *typ = NULL;
        if ((st = sn_get_str(f, v, path, "module", 0, &mod, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, v, path, "type", 0, &typ, err)) != CL_OK) return st;
        if (mod && strcmp(mod, "membrane_report") && strcmp(mod, "multimeter_report")) continue;
        if (typ && strcmp(typ, "compartment") && strcmp(typ, "soma")) continue;
        cl_report_config *rp = &s->reports[s->nreports];
        rp->name = k;
        rp->dt = rc->dt;
        rp->start_time = 0;
        rp->end_time = rc->tstop;
        rp->sections = "soma";
        const char *fn = NULL;
        if ((st = sn_get_str(f, v, path, "cells", 0, &rp->node_set, err)) != CL_OK) return st;
        if (!rp->node_set) rp->node_set = rc->node_set;
        char w[340];
        snprintf(w, sizeof w, "%s.cells", path);
        if ((st = check_set(s, w, rp->node_set, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, v, path, "variable_name", 1, &rp->variable_name, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, v, path, "sections", 0, &rp->sections, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, v, path, "compartments", 0, &rp->compartments, err)) != CL_OK) return st;
        if (strcmp(rp->sections, "soma") && strcmp(rp->sections, "axon") && strcmp(rp->sections, "dend") &&
            strcmp(rp->sections, "apic") && strcmp(rp->sections, "all"))
            return cl_error_fail(err, CL_EFORMAT, "%s: %s.sections: \"%s\" is not one of soma, axon, dend, apic, all",
                                 f->path, path, rp->sections);
        if (rp->compartments && strcmp(rp->compartments, "center") && strcmp(rp->compartments, "all"))
            return cl_error_fail(err, CL_EFORMAT, "%s: %s.compartments: \"%s\" is not one of center, all", f->path,
                                 path, rp->compartments);
        if ((st = sn_get_num(f, v, path, "dt", 0, &rp->dt, err)) != CL_OK) return st;
        if ((st = sn_get_num(f, v, path, "start_time", 0, &rp->start_time, err)) != CL_OK) return st;
        if ((st = sn_get_num(f, v, path, "end_time", 0, &rp->end_time, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, v, path, "file_name", 0, &fn, err)) != CL_OK) return st;
        char def[320];
        snprintf(def, sizeof def, "%s.h5", k);
        rp->file_name = P(s, sn_join(rc->output_dir ? rc->output_dir : f->dir, fn ? fn : def));
        s->nreports++;
    }
    /* connection overrides: an array (BBP) or an object keyed by name */
    ovr = json_object_get(r, "connection_overrides");
    if (ovr && !json_is_array(ovr) && !json_is_object(ovr))
        return cl_error_fail(err, CL_EFORMAT, "%s: $.connection_overrides: expected an array", f->path);
    size_t no = ovr ? (json_is_array(ovr) ? json_array_size(ovr) : json_object_size(ovr)) : 0;
    s->overrides = calloc(no ? no : 1, sizeof *s->overrides);
    if (!s->overrides) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    for (size_t i = 0; i < no; i++) {
        char path[300];
        json_t *o;
        const char *oname = NULL;
        if (json_is_array(ovr)) {
            o = json_array_get(ovr, i);
            snprintf(path, sizeof path, "$.connection_overrides[%zu]", i);
        } else {
            void *it = json_object_iter(ovr);
            for (size_t j = 0; j < i; j++) it = json_object_iter_next(ovr, it);
            o = json_object_iter_value(it);
            oname = json_object_iter_key(it);
            snprintf(path, sizeof path, "$.connection_overrides.%s", oname);
        }
        if (!json_is_object(o)) return cl_error_fail(err, CL_EFORMAT, "%s: %s: expected an object", f->path, path);
        cl_connection_override *c = &s->overrides[i];
        c->name = oname;
        c->weight = c->delay = c->spont_minis = c->synapse_delay_override = NAN;
        if ((st = sn_get_str(f, o, path, "name", 0, &c->name, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, o, path, "source", 1, &c->source, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, o, path, "target", 1, &c->target, err)) != CL_OK) return st;
        if ((st = sn_get_num(f, o, path, "weight", 0, &c->weight, err)) != CL_OK) return st;
        if ((st = sn_get_num(f, o, path, "delay", 0, &c->delay, err)) != CL_OK) return st;
        if ((st = sn_get_num(f, o, path, "spont_minis", 0, &c->spont_minis, err)) != CL_OK) return st;
        if ((st = sn_get_str(f, o, path, "synapse_configure", 0, &c->synapse_configure, err)) != CL_OK) return st;
        if ((st = sn_get_num(f, o, path, "synapse_delay_override", 0, &c->synapse_delay_override, err)) != CL_OK)
            return st;
        if (!isnan(c->synapse_delay_override) && !(c->synapse_delay_override > 0 && isfinite(c->synapse_delay_override)))
            return cl_error_fail(err, CL_EFORMAT, "%s: %s.synapse_delay_override: %g is not a delay > 0 ms", f->path,
                                 path, c->synapse_delay_override);
        char w[340];
        snprintf(w, sizeof w, "%s.source", path);
        if ((st = check_set(s, w, c->source, err)) != CL_OK) return st;
        snprintf(w, sizeof w, "%s.target", path);
        if ((st = check_set(s, w, c->target, err)) != CL_OK) return st;
    }
    s->noverrides = no;
    return read_modifications(s, f, cond, err);
}

static cl_status open_all(sonata *s, const char *path, cl_error *err) {
    sn_json_file top;
    cl_status st = sn_json_load(path, &top, err);
    if (st != CL_OK) return st;
    json_t *r = top.root;
    int is_circ = json_object_get(r, "networks") != NULL;
    int is_sim = json_object_get(r, "run") || json_object_get(r, "inputs") || json_object_get(r, "output") ||
                 json_object_get(r, "reports") || json_object_get(r, "conditions");
    const char *simref = NULL, *netref = NULL;
    if ((st = sn_get_str(&top, r, "$", "simulation", 0, &simref, err)) != CL_OK) goto fail;
    if ((st = sn_get_str(&top, r, "$", "network", 0, &netref, err)) != CL_OK) goto fail;
    if (simref) {
        char *p = sn_join(top.dir, simref);
        st = sn_json_load(p, &s->sim, err);
        free(p);
        if (st != CL_OK) goto fail;
        s->have_sim = 1;
        if (!netref && (st = sn_get_str(&s->sim, s->sim.root, "$", "network", 0, &netref, err)) != CL_OK) goto fail;
        if (netref && !json_object_get(r, "network")) { /* relative to the simulation config */
            char *q = sn_join(s->sim.dir, netref);
            sn_json_free(&top);
            st = sn_json_load(q, &s->circ, err);
            free(q);
            return st;
        }
    } else if (is_sim || netref) {
        if ((st = sn_json_load(path, &s->sim, err)) != CL_OK) goto fail;
        s->have_sim = 1;
    }
    if (is_circ) {
        s->circ = top;
        return CL_OK;
    }
    if (!netref && s->have_sim) { /* libsonata's default */
        char *d = sn_join(top.dir, "circuit_config.json");
        int ok = sn_file_exists(d) && strcmp(d, path);
        free(d);
        if (ok) netref = "circuit_config.json";
    }
    if (!netref) {
        st = cl_error_fail(err, CL_EFORMAT, "%s: $: neither \"networks\" nor \"network\": not a SONATA circuit or simulation config",
                     path);
        goto fail;
    }
    char *q = sn_join(top.dir, netref);
    st = sn_json_load(q, &s->circ, err);
    free(q);
    sn_json_free(&top);
    return st;
fail:
    sn_json_free(&top);
    return st;
}

static const cl_circuit_ops sonata_ops;

cl_status cl_circuit_open_sonata(const char *config_path, cl_circuit **out, cl_error *err) {
    if (!config_path || !out) return cl_error_fail(err, CL_EINVAL, "cl_circuit_open_sonata: NULL argument");
    *out = NULL;
    sonata *s = calloc(1, sizeof *s);
    if (!s) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    s->run.tstart = s->run.tstop = s->run.dt = s->run.dL = s->run.spike_threshold = s->run.celsius = s->run.v_init =
        NAN;
    s->bbp.synapse_seed = s->bbp.minis_seed = s->bbp.extracellular_calcium = s->bbp.randomize_gaba_rise_time = NAN;
    s->bbp.random_seed = NAN;
    cl_status st = open_all(s, config_path, err);
    const sn_json_file *f = &s->circ;
    json_t *comp = NULL;
    pop_props base = {0};
    if (st == CL_OK) st = sn_get_obj(f, f->root, "$", "components", 0, &comp, err);
    if (st == CL_OK && comp) st = get_props(s, comp, "$.components", &base, err);
    if (st == CL_OK) st = sn_get_path(f, comp, "$.components", "mechanisms_dir", 0, &s->mech_dir, err);
    if (st == CL_OK) st = sn_get_path(f, comp, "$.components", "synaptic_models_dir", 0, &s->syn_dir, err);
    if (st == CL_OK) st = sn_get_path(f, comp, "$.components", "templates_dir", 0, &s->templates_dir, err);
    if (st == CL_OK) s->circ_dir = sn_strdup(f->dir);
    if (st == CL_OK) st = open_networks(s, 0, &base, err);
    if (st == CL_OK) st = open_networks(s, 1, &base, err);
    props_free(&base);
    if (st == CL_OK) {
        s->pop_names = calloc(s->nn ? s->nn : 1, sizeof *s->pop_names);
        if (!s->pop_names) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
        for (size_t i = 0; st == CL_OK && i < s->nn; i++) s->pop_names[i] = s->np[i].name;
    }
    for (size_t i = 0; st == CL_OK && i < s->ne; i++) { /* edge endpoints must be known populations */
        if (!find_node_pop(s, s->ep[i].source, NULL) || !find_node_pop(s, s->ep[i].target, NULL))
            st = cl_error_fail(err, CL_ENOTFOUND, "%s: /edges/%s/%s_node_id: node_population \"%s\" is an unknown population",
                         s->ep[i].file, s->ep[i].name, find_node_pop(s, s->ep[i].source, NULL) ? "target" : "source",
                         find_node_pop(s, s->ep[i].source, NULL) ? s->ep[i].target : s->ep[i].source);
    }
    /* node sets: the simulation config's file wins */
    char *nsf = NULL;
    if (st == CL_OK && s->have_sim) st = sn_get_path(&s->sim, s->sim.root, "$", "node_sets_file", 0, &nsf, err);
    if (st == CL_OK && !nsf) st = sn_get_path(f, f->root, "$", "node_sets_file", 0, &nsf, err);
    if (st == CL_OK && nsf) st = sn_nodesets_load(nsf, &s->ns, err);
    free(nsf);
    if (st == CL_OK) {
        size_t n = (s->ns.root ? json_object_size(s->ns.root) : 0) + s->nn;
        s->set_names = calloc(n ? n : 1, sizeof *s->set_names);
        if (!s->set_names) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
        const char *k;
        json_t *v;
        if (st == CL_OK && s->ns.root) json_object_foreach(s->ns.root, k, v) s->set_names[s->nsets++] = k;
        for (size_t i = 0; st == CL_OK && i < s->nn; i++)
            if (!s->ns.root || !json_object_get(s->ns.root, s->pop_names[i])) s->set_names[s->nsets++] = s->pop_names[i];
    }
    if (st == CL_OK && s->have_sim) st = open_sim(s, err);
    if (st == CL_OK) st = cl_circuit_new(&sonata_ops, s, out, err);
    if (st != CL_OK) st_free(s);
    return st;
}

/* ---- ops ---- */
static size_t o_npop(void *st) { return ((sonata *)st)->nn; }
static const char *o_npop_name(void *st, size_t i) {
    sonata *s = st;
    return i < s->nn ? s->np[i].name : NULL;
}

#define NODE_POP(p, pop)                                                                                  \
    sn_pop *p = find_node_pop(s, pop ? pop : "", NULL);                                                   \
    if (!p) return cl_error_fail(err, CL_ENOTFOUND, "%s: unknown node population \"%s\"", s->circ.path, pop ? pop : "(null)")
#define EDGE_POP(p, pop)                                                                                  \
    sn_pop *p = find_edge_pop(s, pop ? pop : "");                                                         \
    if (!p) return cl_error_fail(err, CL_ENOTFOUND, "%s: unknown edge population \"%s\"", s->circ.path, pop ? pop : "(null)")

static cl_status o_npop_size(void *st, const char *pop, uint64_t *n, cl_error *err) {
    sonata *s = st;
    NODE_POP(p, pop);
    *n = p->size;
    return CL_OK;
}

static cl_status o_attr_names(void *st, const char *pop, const char ***names, size_t *n, cl_error *err) {
    sonata *s = st;
    NODE_POP(p, pop);
    return sn_pop_attr_names(p, &s->pool, names, n, err);
}

static cl_status o_dyn_names(void *st, const char *pop, const char ***names, size_t *n, cl_error *err) {
    sonata *s = st;
    NODE_POP(p, pop);
    return sn_pop_dyn_names(p, &s->pool, names, n, err);
}

static cl_status o_attr(void *st, const char *pop, const char *attr, uint64_t node, cl_value *out, cl_error *err) {
    sonata *s = st;
    NODE_POP(p, pop);
    return sn_pop_attr(p, &s->pool, attr, node, out, err);
}

static cl_status o_dyn(void *st, const char *pop, const char *name, uint64_t node, cl_value *out, cl_error *err) {
    sonata *s = st;
    NODE_POP(p, pop);
    return sn_pop_dyn(p, &s->pool, name, node, out, err);
}

static const char *str_attr(sonata *s, sn_pop *p, const char *attr, uint64_t node, cl_status *st, cl_error *err) {
    cl_value v;
    *st = sn_pop_attr(p, &s->pool, attr, node, &v, err);
    if (*st != CL_OK || v.kind != CL_VALUE_STRING) return NULL;
    return v.str;
}

static int has_ext(const char *name) {
    const char *b = strrchr(name, '/');
    b = b ? b + 1 : name;
    const char *d = strrchr(b, '.');
    return d && (!strcasecmp(d, ".swc") || !strcasecmp(d, ".asc") || !strcasecmp(d, ".h5"));
}

static const char *with_ext(sonata *s, const char *dir, const char *name, const char *ext) {
    char *j = sn_join(dir, name);
    if (!j) return NULL;
    size_t n = strlen(j) + strlen(ext) + 1;
    char *r = malloc(n);
    if (r) snprintf(r, n, "%s%s", j, ext);
    free(j);
    return P(s, r);
}

/* dir/name + ext, accepting any case of the extension on disk (x.ASC,
 * x.Swc), as neurodamus and BlueCelluLab find morphologies; NULL when no
 * such file exists. */
static const char *find_morph(sonata *s, const char *dir, const char *name, const char *ext) {
    if (!dir) return NULL;
    const char *c = with_ext(s, dir, name, ext);
    if (!c || sn_file_exists(c)) return c;
    /* the folder holding dir/name (name may have folders of its own) */
    const char *slash = strrchr(c, '/');
    size_t dl = slash ? (size_t)(slash - c) : 0;
    char *folder = malloc(dl + 2);
    if (!folder) return NULL;
    if (slash) {
        memcpy(folder, c, dl);
        folder[dl] = 0;
        if (!dl) strcpy(folder, "/");
    } else {
        strcpy(folder, ".");
    }
    const char *stem = slash ? slash + 1 : c;
    size_t ls = strlen(stem) - strlen(ext), le = strlen(ext);
    const char *found = NULL;
    DIR *d = opendir(folder);
    for (struct dirent *e; d && !found && (e = readdir(d));)
        if (strlen(e->d_name) == ls + le && !strncmp(e->d_name, stem, ls) && !strcasecmp(e->d_name + ls, ext)) {
            char *j = sn_join(folder, e->d_name);
            found = P(s, j);
        }
    if (d) closedir(d);
    free(folder);
    return found;
}

static cl_status o_model(void *st, const char *pop, uint64_t node, cl_node_model *out, cl_error *err) {
    sonata *s = st;
    size_t pi = 0;
    sn_pop *p = find_node_pop(s, pop ? pop : "", &pi);
    if (!p) return cl_error_fail(err, CL_ENOTFOUND, "%s: unknown node population \"%s\"", s->circ.path, pop ? pop : "(null)");
    pop_props *pp = &s->npp[pi];
    memset(out, 0, sizeof *out);
    cl_status stt;
    out->model_type = str_attr(s, p, "model_type", node, &stt, err);
    if (stt != CL_OK) return stt;
    /* the circuit config's population type wins: BBP marks populations of
     * a full circuit "virtual" in extracted containers whose nodes still
     * say model_type "biophysical" */
    if (pp->type) out->model_type = sn_intern(&s->pool, pp->type);
    out->model_template = str_attr(s, p, "model_template", node, &stt, err);
    if (stt != CL_OK) return stt;
    if (out->model_template && !*out->model_template) out->model_template = NULL;
    if (out->model_type && !strcmp(out->model_type, "virtual")) return CL_OK; /* nothing to build */
    out->model_processing = str_attr(s, p, "model_processing", node, &stt, err);
    if (stt != CL_OK) return stt;
    int point = out->model_type && (!strcmp(out->model_type, "point_process") || !strcmp(out->model_type, "point_neuron"));
    const char *mdir = point && pp->point_dir ? pp->point_dir : pp->biophys_dir;
    if (out->model_template) {
        const char *colon = strchr(out->model_template, ':');
        const char *schema_end = colon ? colon : out->model_template;
        const char *res = colon ? colon + 1 : out->model_template;
        int nrn = colon && (size_t)(schema_end - out->model_template) == 3 && !strncmp(out->model_template, "nrn", 3);
        int hoc = colon && (size_t)(schema_end - out->model_template) == 3 && !strncmp(out->model_template, "hoc", 3);
        if (!nrn && *res) {
            const char *ext = hoc && !strchr(res, '.') ? ".hoc" : "";
            const char *cand = NULL;
            const char *dirs[3] = {mdir, s->templates_dir, s->circ_dir};
            for (int i = 0; i < 3 && !cand; i++) {
                if (!dirs[i]) continue;
                const char *c = with_ext(s, dirs[i], res, ext);
                if (sn_file_exists(c)) cand = c;
            }
            if (!cand) cand = with_ext(s, mdir ? mdir : s->circ_dir, res, ext);
            out->template_path = cand;
        }
    }
    const char *m = str_attr(s, p, "morphology", node, &stt, err);
    if (stt != CL_OK) return stt;
    if (m && *m) {
        if (has_ext(m)) {
            out->morphology = with_ext(s, pp->morph_dir ? pp->morph_dir : s->circ_dir, m, "");
        } else {
            /* bmtk appends .swc; BBP circuits give alternate asc / h5
             * locations, and their hoc: e-models are loaded with the ASC
             * file when there is one (BlueCelluLab's morph_filepath), then
             * the h5v1 one, then the morphologies_dir SWC. Extensions in
             * any case (x.ASC). */
            int bbp = out->model_template && !strncmp(out->model_template, "hoc:", 4);
            const char *swc = find_morph(s, pp->morph_dir, m, ".swc");
            const char *asc = find_morph(s, pp->asc_dir, m, ".asc");
            const char *h5 = NULL;
            int container = 0;
            if (pp->h5v1) {
                size_t l = strlen(pp->h5v1);
                container = l > 3 && !strcmp(pp->h5v1 + l - 3, ".h5");
                h5 = container ? sn_intern(&s->pool, pp->h5v1) : find_morph(s, pp->h5v1, m, ".h5");
            }
            const char *c = bbp ? (asc ? asc : h5 ? h5 : swc) : (swc ? swc : asc ? asc : h5);
            if (c && c == h5 && container) out->h5_cell = m;
            if (!c) /* nothing on disk: name the file looked for */
                c = pp->morph_dir ? with_ext(s, pp->morph_dir, m, ".swc")
                    : pp->asc_dir ? with_ext(s, pp->asc_dir, m, ".asc")
                    : pp->h5v1    ? with_ext(s, pp->h5v1, m, ".h5") : NULL;
            out->morphology = c;
        }
    }
    const char *dp = str_attr(s, p, "dynamics_params", node, &stt, err);
    if (stt != CL_OK) return stt;
    if (dp && *dp) out->dynamics_params = with_ext(s, mdir ? mdir : s->circ_dir, dp, "");
    return CL_OK;
}

static cl_status o_node_set(void *st, const char *name, const char *pop, uint64_t **ids, size_t *n, cl_error *err) {
    sonata *s = st;
    NODE_POP(p, pop);
    if (!name) return cl_error_fail(err, CL_EINVAL, "node_set: NULL name");
    return eval_set(s, name, p, ids, n, err);
}

static size_t o_nsets(void *st) { return ((sonata *)st)->nsets; }
static const char *o_set_name(void *st, size_t i) {
    sonata *s = st;
    return i < s->nsets ? s->set_names[i] : NULL;
}
static size_t o_nepop(void *st) { return ((sonata *)st)->ne; }
static const char *o_epop_name(void *st, size_t i) {
    sonata *s = st;
    return i < s->ne ? s->ep[i].name : NULL;
}

static cl_status o_epop_info(void *st, const char *epop, const char **src, const char **tgt, uint64_t *n,
                             cl_error *err) {
    sonata *s = st;
    EDGE_POP(p, epop);
    if (src) *src = p->source;
    if (tgt) *tgt = p->target;
    if (n) *n = p->size;
    return CL_OK;
}

static cl_status o_afferent(void *st, const char *epop, uint64_t target, uint64_t **edges, size_t *n, cl_error *err) {
    sonata *s = st;
    EDGE_POP(p, epop);
    return sn_edge_afferent(p, target, edges, n, err);
}

static cl_status o_edge_source(void *st, const char *epop, uint64_t edge, uint64_t *source, cl_error *err) {
    sonata *s = st;
    EDGE_POP(p, epop);
    if (edge >= p->size)
        return cl_error_fail(err, CL_EINVAL, "%s: /edges/%s: edge %" PRIu64 " out of range (%" PRIu64 " edges)", p->file,
                       p->name, edge, p->size);
    return sn_col_u64(&p->src, p->file, edge, source, err);
}

static cl_status o_edge_attr(void *st, const char *epop, const char *attr, uint64_t edge, cl_value *out,
                             cl_error *err) {
    sonata *s = st;
    EDGE_POP(p, epop);
    cl_status r = sn_pop_attr(p, &s->pool, attr, edge, out, err);
    if (r != CL_OK || out->kind != CL_VALUE_NONE) return r;
    /* bmtk's legacy names and the spec's are the same thing */
    static const char *alias[][2] = {{"afferent_section_id", "sec_id"}, {"afferent_section_pos", "sec_x"}};
    for (size_t i = 0; i < 2; i++)
        for (int k = 0; k < 2; k++)
            if (!strcmp(attr, alias[i][k])) return sn_pop_attr(p, &s->pool, alias[i][1 - k], edge, out, err);
    return CL_OK;
}

static cl_status o_edge_dyn(void *st, const char *epop, uint64_t edge, const char **path, cl_error *err) {
    sonata *s = st;
    EDGE_POP(p, epop);
    cl_value v;
    *path = NULL;
    cl_status r = sn_pop_attr(p, &s->pool, "dynamics_params", edge, &v, err);
    if (r == CL_OK && v.kind == CL_VALUE_STRING && *v.str)
        *path = with_ext(s, s->syn_dir ? s->syn_dir : s->circ_dir, v.str, "");
    return r;
}

static size_t o_nspikes(void *st) { return ((sonata *)st)->nspikes; }
static cl_status o_spikes(void *st, size_t i, const char **pop, uint64_t **nodes, double **times, size_t *n,
                          cl_error *err) {
    sonata *s = st;
    if (i >= s->nspikes) return cl_error_fail(err, CL_EINVAL, "spike input %zu out of range (%zu)", i, s->nspikes);
    *pop = s->spikes[i].pop;
    return sn_spikes_read(s->spikes[i].file, s->spikes[i].file_pop, nodes, times, n, err);
}

static cl_status o_run(void *st, cl_run_config *out, cl_error *err) {
    sonata *s = st;
    if (!s->have_sim) return cl_error_fail(err, CL_ENOTFOUND, "%s: no simulation config (opened as a circuit config)", s->circ.path);
    *out = s->run;
    return CL_OK;
}

static cl_status o_bbp_run(void *st, cl_bbp_run_settings *out, cl_error *err) {
    (void)err;
    *out = ((sonata *)st)->bbp;
    return CL_OK;
}

static size_t o_nclamps(void *st) { return ((sonata *)st)->nclamps; }
static cl_status o_clamp(void *st, size_t i, cl_current_clamp *out, cl_error *err) {
    sonata *s = st;
    if (i >= s->nclamps) return cl_error_fail(err, CL_EINVAL, "current clamp %zu out of range (%zu)", i, s->nclamps);
    *out = s->clamps[i];
    return CL_OK;
}
static size_t o_nreports(void *st) { return ((sonata *)st)->nreports; }
static cl_status o_report(void *st, size_t i, cl_report_config *out, cl_error *err) {
    sonata *s = st;
    if (i >= s->nreports) return cl_error_fail(err, CL_EINVAL, "report %zu out of range (%zu)", i, s->nreports);
    *out = s->reports[i];
    return CL_OK;
}
static size_t o_novr(void *st) { return ((sonata *)st)->noverrides; }
static cl_status o_ovr(void *st, size_t i, cl_connection_override *out, cl_error *err) {
    sonata *s = st;
    if (i >= s->noverrides) return cl_error_fail(err, CL_EINVAL, "connection override %zu out of range (%zu)", i, s->noverrides);
    *out = s->overrides[i];
    return CL_OK;
}
static size_t o_nmods(void *st) { return ((sonata *)st)->nmods; }
static cl_status o_mod(void *st, size_t i, cl_modification *out, cl_error *err) {
    sonata *s = st;
    if (i >= s->nmods) return cl_error_fail(err, CL_EINVAL, "modification %zu out of range (%zu)", i, s->nmods);
    *out = s->mods[i];
    return CL_OK;
}
static const char *o_mech(void *st) { return ((sonata *)st)->mech_dir; }

static size_t o_ninputs(void *st) { return ((sonata *)st)->ninputs; }
static cl_status o_input(void *st, size_t i, cl_input *out, cl_error *err) {
    sonata *s = st;
    if (i >= s->ninputs) return cl_error_fail(err, CL_EINVAL, "input %zu out of range (%zu)", i, s->ninputs);
    *out = s->inputs[i];
    return CL_OK;
}
static cl_status o_input_param(void *st, size_t i, const char *key, cl_value *out, cl_error *err) {
    sonata *s = st;
    if (i >= s->ninputs) return cl_error_fail(err, CL_EINVAL, "input %zu out of range (%zu)", i, s->ninputs);
    memset(out, 0, sizeof *out);
    json_t *v = key ? json_object_get(s->input_obj[i], key) : NULL;
    if (!v || json_is_null(v)) return CL_OK;
    if (json_is_number(v)) {
        out->kind = CL_VALUE_NUMBER;
        out->num = json_number_value(v);
    } else if (json_is_boolean(v)) {
        out->kind = CL_VALUE_NUMBER;
        out->num = json_is_true(v) ? 1 : 0;
    } else if (json_is_string(v)) {
        out->kind = CL_VALUE_STRING;
        out->str = json_string_value(v);
    } else
        return cl_error_fail(err, CL_EFORMAT, "%s.%s: expected a number or a string, got an %s", s->inputs[i].where,
                             key, json_is_array(v) ? "array" : "object");
    return CL_OK;
}
static cl_status o_input_param_array(void *st, size_t i, const char *key, double **vals, size_t *n,
                                     cl_error *err) {
    sonata *s = st;
    *vals = NULL;
    *n = 0;
    if (i >= s->ninputs) return cl_error_fail(err, CL_EINVAL, "input %zu out of range (%zu)", i, s->ninputs);
    json_t *v = key ? json_object_get(s->input_obj[i], key) : NULL;
    if (!v || json_is_null(v)) return CL_OK;
    if (!json_is_array(v)) return cl_error_fail(err, CL_EFORMAT, "%s.%s: expected an array", s->inputs[i].where, key);
    size_t m = json_array_size(v);
    double *a = malloc((m ? m : 1) * sizeof *a);
    if (!a) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    for (size_t j = 0; j < m; j++) {
        json_t *e = json_array_get(v, j);
        if (!json_is_number(e)) {
            free(a);
            return cl_error_fail(err, CL_EFORMAT, "%s.%s[%zu]: expected a number", s->inputs[i].where, key, j);
        }
        a[j] = json_number_value(e);
    }
    *vals = a;
    *n = m;
    return CL_OK;
}

static const cl_circuit_ops sonata_ops = {
    .node_population_count = o_npop,
    .node_population_name = o_npop_name,
    .node_population_size = o_npop_size,
    .node_attribute_names = o_attr_names,
    .node_attribute = o_attr,
    .node_dynamics = o_dyn,
    .node_dynamics_names = o_dyn_names,
    .node_model = o_model,
    .node_set = o_node_set,
    .node_set_count = o_nsets,
    .node_set_name = o_set_name,
    .edge_population_count = o_nepop,
    .edge_population_name = o_epop_name,
    .edge_population_info = o_epop_info,
    .afferent_edges = o_afferent,
    .edge_source = o_edge_source,
    .edge_attribute = o_edge_attr,
    .edge_dynamics_params = o_edge_dyn,
    .spike_input_count = o_nspikes,
    .spike_input = o_spikes,
    .run_config = o_run,
    .current_clamp_count = o_nclamps,
    .current_clamp = o_clamp,
    .input_count = o_ninputs,
    .input = o_input,
    .input_param = o_input_param,
    .input_param_array = o_input_param_array,
    .report_count = o_nreports,
    .report = o_report,
    .connection_override_count = o_novr,
    .connection_override = o_ovr,
    .modification_count = o_nmods,
    .modification = o_mod,
    .mechanisms_dir = o_mech,
    .free = st_free,
    .bbp_run_settings = o_bbp_run,
};
