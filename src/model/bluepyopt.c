/* BluePyOpt / BluePyEModel model JSON: a cell built as BluePyOpt's
 * NrnCellModel.instantiate builds it in NEURON.
 *
 * Accepted layout (one file; docs/bluepyopt-json.md has the details):
 *   {
 *     "mechanisms": { LOCATION: ["pas", ...] or {"mech": ["pas", ...]} },
 *     "distributions": { NAME: {"fun": "FORMULA", "parameters": ["constant"],
 *                               "soma_ref_location": 0.5} },
 *     "parameters": {
 *       "global": [{"name": "celsius", "val": 34}, {"name": "v_init", "val": -80}],
 *       "distribution_NAME": [{"name": "constant", "val": -0.0045}],
 *       LOCATION: [{"name": "Ra", "val": 100}, {"name": "gIhbar_Ih", "val": 8e-5, "dist": "exp"}]
 *     }
 *   }
 * LOCATION: all, somatic, axonal, basal, apical, myelinated and
 * BluePyEModel's alldend, somadend, allnoaxon, somaxon, allact. Keys that
 * begin with "__" are comments. Also read: the lists of BluePyEModel's
 * EModel configuration (mechanisms [{"name", "location"}], distributions
 * [{"name", "function", "parameters", "soma_ref_location"}], parameters
 * [{"name", "value", "location", "distribution"}]) and BluePyOpt's
 * examples/l5pc parameter list ({"param_name", "type", "sectionlist",
 * "dist_type", "dist": FORMULA, "value"}).
 *
 * Order (NrnCellModel.instantiate; NrnFileMorphology.instantiate):
 *  1. morphology (Import3d), nseg = 1 + 2*int(L/40) in every section
 *     (or the options' rule), then replace_axon (BluePyOpt's default hoc:
 *     its diameters are read from the segments that rule made);
 *  2. mechanisms, entry by entry, in every section of the location;
 *  3. parameters in file order: globals (celsius, v_init on the simulation
 *     when apply_conditions; any other name with cl_sim_set_global);
 *     uniform ones per section (NrnSectionParameter: 1.0*value + 0.0);
 *     distributed ones per segment, x = (i + 0.5)/nseg, with {distance} =
 *     path distance from soma[0](soma_ref_location) (NrnSegmentSomaDistance-
 *     Scaler: h.distance(0, 0.5, sec=soma[0]) then h.distance(1, x)) and
 *     the formula evaluated as Python's eval (src/model/expr.c).
 * "myelinated" is empty: Import3d makes no myelin sections. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/bpo_json.h"
#include "model/expr.h"
#include "model/model.h"
#include "sim/sim.h"

static const struct {
    unsigned bit;
    const char *list;
} BASE[] = {{CL_BPO_ALL, "all"},
            {CL_BPO_SOMATIC, "somatic"},
            {CL_BPO_AXONAL, "axonal"},
            {CL_BPO_BASAL, "basal"},
            {CL_BPO_APICAL, "apical"}};

/* The sections of a location, list by list (the lists do not overlap
 * except "all", which is never combined). *out is malloc'ed. */
static cl_status sections_of(cl_sim *s, cl_cell c, unsigned loc, cl_section **out, size_t *n) {
    size_t total = 0, k;
    cl_status st;
    *out = NULL;
    *n = 0;
    for (size_t b = 0; b < sizeof BASE / sizeof BASE[0]; b++) {
        if (!(loc & BASE[b].bit)) continue;
        if ((st = cl_cell_section_list(s, c, BASE[b].list, NULL, 0, &k)) != CL_OK) return st;
        total += k;
    }
    cl_section *v = malloc((total ? total : 1) * sizeof *v);
    if (!v) return cl_fail(s, CL_ENOMEM, "cl_cell_load_model: out of memory");
    size_t used = 0;
    for (size_t b = 0; b < sizeof BASE / sizeof BASE[0]; b++) {
        if (!(loc & BASE[b].bit)) continue;
        if ((st = cl_cell_section_list(s, c, BASE[b].list, v + used, total - used, &k)) != CL_OK) {
            free(v);
            return st;
        }
        used += k;
    }
    *out = v;
    *n = used;
    return CL_OK;
}

static cl_status read_file(cl_sim *s, const char *path, char **text, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return cl_fail(s, CL_EIO, "cl_cell_load_model: %s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (n < cap) break;
        char *nb = realloc(b, cap *= 2);
        if (!nb) free(b);
        b = nb;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b) return cl_fail(s, CL_ENOMEM, "cl_cell_load_model: %s: out of memory", path);
    if (bad) {
        free(b);
        return cl_fail(s, CL_EIO, "cl_cell_load_model: %s: read error", path);
    }
    *text = b;
    *len = n;
    return CL_OK;
}

static cl_status load_morphology(cl_sim *s, const char *morph, const cl_model_options *opt, cl_cell *out) {
    cl_morph_options mo = opt->morph;
    if (!mo.axon) mo.axon = "bluepyopt";
    cl_nseg_spec ns = {CL_NSEG_BBP40, 40., 100., 35.4};
    if (opt->nseg_set) {
        ns.rule = opt->nseg_rule;
        ns.value = opt->nseg_value;
        ns.freq_hz = opt->nseg_freq_hz;
    }
    if (strcmp(mo.axon, "none") != 0) return cl_axon_load_nseg(s, morph, &mo, &ns, out);
    cl_cell c;
    cl_status st = cl_cell_load_morphology_opt(s, morph, &mo, &c);
    if (st != CL_OK) return st;
    if ((st = cl_cell_discretize(s, c, ns.rule, ns.value, ns.freq_hz, ns.Ra)) != CL_OK) return st;
    *out = c;
    return CL_OK;
}

/* A failure while building: "MODEL: JSON.PATH: what the engine said". */
static cl_status fail_at(cl_sim *s, cl_status st, const char *model, const char *path, const char *what,
                         const char *name) {
    char msg[512];
    snprintf(msg, sizeof msg, "%s", cl_sim_errmsg(s));
    return cl_fail(s, st, "cl_cell_load_model: %s: %s: %s %s: %s", model, path, what, name, msg);
}

static cl_status set_global(cl_sim *s, const cl_bpo_param *p, const cl_model_options *opt) {
    if (!strcmp(p->name, "celsius")) return opt->apply_conditions ? cl_sim_set_celsius(s, p->value) : CL_OK;
    if (!strcmp(p->name, "v_init")) return opt->apply_conditions ? cl_sim_set_v_init(s, p->value) : CL_OK;
    return cl_sim_set_global(s, p->name, p->value);
}

static cl_status set_distributed(cl_sim *s, const char *model, const cl_bpo_model *m, const cl_bpo_param *p,
                                 cl_section soma, const cl_section *secs, size_t n) {
    const cl_bpo_dist *d = &m->dists[p->dist];
    enum { MAXV = 34 };
    const char *names[MAXV];
    double vals[MAXV];
    size_t nv = 2;
    names[0] = "distance", names[1] = "value";
    vals[1] = p->value;
    for (size_t j = 0; j < d->np && nv < MAXV; j++, nv++)
        names[nv] = d->pnames[j], vals[nv] = d->pvals[j];
    if (nv - 2 < d->np)
        return cl_fail(s, CL_EINVAL, "cl_cell_load_model: %s: %s: too many distribution parameters", model, d->path);
    cl_expr_vars vars = {names, vals, nv};
    cl_status st;
    for (size_t i = 0; i < n; i++) {
        int nseg;
        if ((st = cl_section_get_nseg(s, secs[i], &nseg)) != CL_OK)
            return fail_at(s, st, model, p->path, "setting", p->name);
        for (int k = 0; k < nseg; k++) {
            double x = ((double)k + 0.5) / nseg, r; /* NEURON's segment centre, as `for seg in sec` */
            if ((st = cl_section_distance(s, soma, d->soma_ref, secs[i], x, &vals[0])) != CL_OK)
                return fail_at(s, st, model, p->path, "setting", p->name);
            char err[256];
            if (cl_expr_eval(d->fun, &vars, &r, err, sizeof err) != 0) {
                const char *sn = "?";
                cl_section_name(s, secs[i], &sn);
                return cl_fail(s, CL_EINVAL,
                               "cl_cell_load_model: %s: %s: formula \"%s\" (distribution \"%s\") at %s(%g), "
                               "distance %.17g, value %.17g: %s",
                               model, p->path, d->fun, d->name, sn, x, vals[0], p->value, err);
            }
            if ((st = cl_section_set_at(s, secs[i], x, p->name, r)) != CL_OK)
                return fail_at(s, st, model, p->path, "setting", p->name);
        }
    }
    return CL_OK;
}

static cl_status build(cl_sim *s, const char *morph, const char *model, const cl_bpo_model *m,
                       const cl_model_options *opt, cl_cell *out) {
    cl_cell c;
    cl_status st = load_morphology(s, morph, opt, &c);
    if (st != CL_OK) return st;
    cl_section *secs = NULL;
    size_t n;
    for (size_t i = 0; i < m->nmechs; i++) {
        if ((st = sections_of(s, c, m->mechs[i].loc, &secs, &n)) != CL_OK) return st;
        for (size_t k = 0; k < n && st == CL_OK; k++)
            if ((st = cl_section_insert(s, secs[k], m->mechs[i].mech)) != CL_OK)
                st = fail_at(s, st, model, m->mechs[i].path, "inserting", m->mechs[i].mech);
        free(secs);
        if (st != CL_OK) return st;
    }
    cl_section soma = {0};
    int have_soma = cl_cell_section(s, c, "soma[0]", &soma) == CL_OK;
    for (size_t i = 0; i < m->nparams; i++) {
        const cl_bpo_param *p = &m->params[i];
        if (p->kind == CL_BPO_GLOBAL) {
            if ((st = set_global(s, p, opt)) != CL_OK) return fail_at(s, st, model, p->path, "setting", p->name);
            continue;
        }
        if (p->kind == CL_BPO_DISTRIBUTED && !have_soma)
            return cl_fail(s, CL_EINVAL, "cl_cell_load_model: %s: %s: a distribution needs soma[0], and %s has none",
                           model, p->path, morph);
        if ((st = sections_of(s, c, p->loc, &secs, &n)) != CL_OK) return st;
        if (p->kind == CL_BPO_DISTRIBUTED)
            st = set_distributed(s, model, m, p, soma, secs, n);
        else {
            double v = 1.0 * p->value + 0.0; /* NrnSegmentLinearScaler: multiplier*value + offset */
            for (size_t k = 0; k < n && st == CL_OK; k++) {
                st = !strcmp(p->name, "Ra") ? cl_section_set_Ra(s, secs[k], v) : cl_section_set(s, secs[k], p->name, v);
                if (st != CL_OK) st = fail_at(s, st, model, p->path, "setting", p->name);
            }
        }
        free(secs);
        if (st != CL_OK) return st;
    }
    *out = c;
    return CL_OK;
}

cl_status cl_model_load_bluepyopt(cl_sim *sim, const char *morph, const char *model, const cl_model_options *opt,
                                  cl_cell *out) {
    char *text = NULL;
    size_t len = 0;
    cl_status st = read_file(sim, model, &text, &len);
    if (st != CL_OK) return st;
    cl_bpo_model m;
    char err[512];
    int rc = cl_bpo_parse(text, len, model, &m, err, sizeof err);
    free(text);
    if (rc != 0) return cl_fail(sim, CL_EFORMAT, "cl_cell_load_model: %s", err);
    st = build(sim, morph, model, &m, opt, out);
    cl_bpo_free(&m);
    return st == CL_OK ? cl_ok(sim) : st;
}
