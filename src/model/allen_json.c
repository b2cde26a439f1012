/* Allen Cell Types fit JSON (<id>_fit.json) built as bmtk's BioNet builds
 * it (bmtk/simulator/bionet/default_setters/cell_models.py):
 *   aibs_perisomatic: Biophys1 (Import3d), fix_axon_peri (stub at
 *     soma(0.5), define_shape), set_params_peri: every section Ra, cm by
 *     its type, insert pas, e_pas; the genome in order (insert, set); ena/ek
 *     by section type;
 *   aibs_allactive: fix_axon_allactive (stub at soma(1) with the axon's
 *     diameters), set_params_allactive: pas everywhere, e_pas/ra/cm where
 *     given, the genome without "glob" entries, ena/ek only where the ion is;
 * then bmtk's nseg rule (1 + 2*int(L/40)). Section types are the first four
 * characters of the section name, as bmtk compares them.
 * The JSON is read and checked completely (types, keys) before any section
 * is created; errors name the file and the JSON path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "model/allen.h"
#include "model/model.h"
#include "sim/sim.h"

#define FAILJ(...) cl_fail(s, CL_EFORMAT, __VA_ARGS__)

/* A member of an object that must be there. */
static cl_status member(cl_sim *s, const char *file, json_t *obj, const char *path, const char *key, json_t **out) {
    *out = json_object_get(obj, key);
    if (!*out) return FAILJ("%s: %s: missing key \"%s\"", file, path, key);
    return CL_OK;
}

static cl_status want_number(cl_sim *s, const char *file, json_t *v, const char *path, double *out) {
    if (!json_is_number(v)) return FAILJ("%s: %s: expected a number", file, path);
    *out = json_number_value(v);
    return CL_OK;
}

/* bmtk's allactive genome takes float(value): a number or a numeric string */
static cl_status want_float(cl_sim *s, const char *file, json_t *v, const char *path, double *out) {
    if (json_is_string(v)) {
        const char *t = json_string_value(v);
        char *end;
        double x = strtod(t, &end);
        while (*end == ' ' || *end == '\t' || *end == '\n') end++;
        if (end == t || *end) return FAILJ("%s: %s: \"%s\" is not a number", file, path, t);
        *out = x;
        return CL_OK;
    }
    return want_number(s, file, v, path, out);
}

static cl_status want_string(cl_sim *s, const char *file, json_t *v, const char *path, const char **out) {
    if (!json_is_string(v)) return FAILJ("%s: %s: expected a string", file, path);
    *out = json_string_value(v);
    return CL_OK;
}

/* root[key][0], an object */
static cl_status first_object(cl_sim *s, const char *file, json_t *root, const char *key, json_t **out) {
    json_t *a;
    cl_status st = member(s, file, root, "(top level)", key, &a);
    if (st != CL_OK) return st;
    if (!json_is_array(a)) return FAILJ("%s: %s: expected an array", file, key);
    if (json_array_size(a) == 0) return FAILJ("%s: %s: empty array (expected one object)", file, key);
    *out = json_array_get(a, 0);
    if (!json_is_object(*out)) return FAILJ("%s: %s[0]: expected an object", file, key);
    return CL_OK;
}

static int known_section(const char *sec) {
    static const char *const k[] = {"soma", "axon", "dend", "apic", "glob"};
    for (size_t i = 0; i < sizeof k / sizeof *k; i++)
        if (strcmp(sec, k[i]) == 0) return 1;
    return 0;
}

static cl_status section_field(cl_sim *s, const char *file, json_t *o, const char *path, const char **out) {
    json_t *v;
    cl_status st;
    char p[128];
    snprintf(p, sizeof p, "%s.section", path);
    if ((st = member(s, file, o, path, "section", &v)) != CL_OK) return st;
    if ((st = want_string(s, file, v, p, out)) != CL_OK) return st;
    if (!known_section(*out))
        return FAILJ("%s: %s: unknown section type \"%s\" (expected soma, axon, dend, apic or glob)", file, p, *out);
    return CL_OK;
}

void cl_allen_fit_free(cl_allen_fit *f) {
    if (!f) return;
    free(f->cm);
    free(f->gene);
    free(f->erev);
    if (f->root) json_decref(f->root);
    memset(f, 0, sizeof *f);
}

static cl_status parse_root(cl_sim *s, json_t *root, const char *file, int allactive, cl_allen_fit *f) {
    cl_status st;
    json_t *passive, *cond, *genome, *v;
    char p[128];
    if (!json_is_object(root)) return FAILJ("%s: (top level): expected an object", file);
    f->allactive = allactive;
    /* passive[0]: peri needs ra, cm, e_pas; allactive takes what is there */
    if ((st = first_object(s, file, root, "passive", &passive)) != CL_OK) return st;
    if ((v = json_object_get(passive, "ra")) || !allactive) {
        if (!v) return FAILJ("%s: passive[0]: missing key \"ra\"", file);
        if ((st = want_number(s, file, v, "passive[0].ra", &f->ra)) != CL_OK) return st;
        f->has_ra = 1;
    }
    if ((v = json_object_get(passive, "e_pas")) || !allactive) {
        if (!v) return FAILJ("%s: passive[0]: missing key \"e_pas\"", file);
        if ((st = want_number(s, file, v, "passive[0].e_pas", &f->e_pas)) != CL_OK) return st;
        f->has_e_pas = 1;
    }
    if ((v = json_object_get(passive, "cm")) || !allactive) {
        if (!v) return FAILJ("%s: passive[0]: missing key \"cm\"", file);
        if (!json_is_array(v)) return FAILJ("%s: passive[0].cm: expected an array", file);
        f->ncm = json_array_size(v);
        f->cm = calloc(f->ncm ? f->ncm : 1, sizeof *f->cm);
        if (!f->cm) return cl_fail(s, CL_ENOMEM, "%s: out of memory", file);
        for (size_t i = 0; i < f->ncm; i++) {
            json_t *e = json_array_get(v, i), *x;
            snprintf(p, sizeof p, "passive[0].cm[%zu]", i);
            if (!json_is_object(e)) return FAILJ("%s: %s: expected an object", file, p);
            if ((st = section_field(s, file, e, p, &f->cm[i].section)) != CL_OK) return st;
            if ((st = member(s, file, e, p, "cm", &x)) != CL_OK) return st;
            snprintf(p, sizeof p, "passive[0].cm[%zu].cm", i);
            if ((st = want_number(s, file, x, p, &f->cm[i].value)) != CL_OK) return st;
        }
        f->has_cm = 1;
    }
    /* conditions[0]: erev always; celsius and v_init optional */
    if ((st = first_object(s, file, root, "conditions", &cond)) != CL_OK) return st;
    if ((v = json_object_get(cond, "celsius"))) {
        if ((st = want_number(s, file, v, "conditions[0].celsius", &f->celsius)) != CL_OK) return st;
        f->has_celsius = 1;
    }
    if ((v = json_object_get(cond, "v_init"))) {
        if ((st = want_number(s, file, v, "conditions[0].v_init", &f->v_init)) != CL_OK) return st;
        f->has_v_init = 1;
    }
    if ((st = member(s, file, cond, "conditions[0]", "erev", &v)) != CL_OK) return st;
    if (!json_is_array(v)) return FAILJ("%s: conditions[0].erev: expected an array", file);
    f->nerev = json_array_size(v);
    f->erev = calloc(f->nerev ? f->nerev : 1, sizeof *f->erev);
    if (!f->erev) return cl_fail(s, CL_ENOMEM, "%s: out of memory", file);
    for (size_t i = 0; i < f->nerev; i++) {
        json_t *e = json_array_get(v, i), *x;
        snprintf(p, sizeof p, "conditions[0].erev[%zu]", i);
        if (!json_is_object(e)) return FAILJ("%s: %s: expected an object", file, p);
        if ((st = section_field(s, file, e, p, &f->erev[i].section)) != CL_OK) return st;
        const char *keys[2] = {"ena", "ek"};
        double *dst[2] = {&f->erev[i].ena, &f->erev[i].ek};
        for (int k = 0; k < 2; k++) {
            char q[160];
            if ((st = member(s, file, e, p, keys[k], &x)) != CL_OK) return st;
            snprintf(q, sizeof q, "%s.%s", p, keys[k]);
            if ((st = want_number(s, file, x, q, dst[k])) != CL_OK) return st;
        }
    }
    /* genome */
    if ((st = member(s, file, root, "(top level)", "genome", &genome)) != CL_OK) return st;
    if (!json_is_array(genome)) return FAILJ("%s: genome: expected an array", file);
    f->ngene = json_array_size(genome);
    f->gene = calloc(f->ngene ? f->ngene : 1, sizeof *f->gene);
    if (!f->gene) return cl_fail(s, CL_ENOMEM, "%s: out of memory", file);
    for (size_t i = 0; i < f->ngene; i++) {
        json_t *e = json_array_get(genome, i), *x;
        cl_allen_gene *g = &f->gene[i];
        char q[160];
        snprintf(p, sizeof p, "genome[%zu]", i);
        if (!json_is_object(e)) return FAILJ("%s: %s: expected an object", file, p);
        if ((st = section_field(s, file, e, p, &g->section)) != CL_OK) return st;
        /* allactive skips "glob" before reading anything else */
        if (allactive && strcmp(g->section, "glob") == 0) continue;
        if ((st = member(s, file, e, p, "name", &x)) != CL_OK) return st;
        snprintf(q, sizeof q, "%s.name", p);
        if ((st = want_string(s, file, x, q, &g->name)) != CL_OK) return st;
        if (!*g->name) return FAILJ("%s: %s: empty variable name", file, q);
        if ((st = member(s, file, e, p, "value", &x)) != CL_OK) return st;
        snprintf(q, sizeof q, "%s.value", p);
        if ((st = (allactive ? want_float : want_number)(s, file, x, q, &g->value)) != CL_OK) return st;
        g->mech = "";
        x = json_object_get(e, "mechanism");
        if (!x && !allactive) return FAILJ("%s: %s: missing key \"mechanism\"", file, p);
        snprintf(q, sizeof q, "%s.mechanism", p);
        if (x && (st = want_string(s, file, x, q, &g->mech)) != CL_OK) return st;
    }
    return CL_OK;
}

static cl_status recipe_of(cl_sim *s, const char *recipe, int *allactive) {
    if (!recipe || strcmp(recipe, "aibs_perisomatic") == 0) *allactive = 0;
    else if (strcmp(recipe, "aibs_allactive") == 0) *allactive = 1;
    else
        return cl_fail(s, CL_EINVAL,
                       "cl_cell_load_model: unknown Allen recipe \"%s\" (expected aibs_perisomatic or "
                       "aibs_allactive)",
                       recipe);
    return CL_OK;
}

cl_status cl_allen_fit_parse_text(cl_sim *s, const char *text, size_t len, const char *file, const char *recipe,
                                  cl_allen_fit *out) {
    memset(out, 0, sizeof *out);
    int allactive = 0;
    cl_status st = recipe_of(s, recipe, &allactive);
    if (st != CL_OK) return st;
    json_error_t e;
    json_t *root = json_loadb(text, len, 0, &e);
    if (!root) return FAILJ("%s:%d:%d: %s", file, e.line, e.column, e.text);
    out->root = root;
    if ((st = parse_root(s, root, file, allactive, out)) != CL_OK) cl_allen_fit_free(out);
    return st;
}

static cl_status parse_file(cl_sim *s, const char *file, int allactive, cl_allen_fit *out) {
    memset(out, 0, sizeof *out);
    json_error_t e;
    json_t *root = json_load_file(file, 0, &e);
    if (!root) return FAILJ("%s:%d:%d: %s", file, e.line, e.column, e.text);
    out->root = root;
    cl_status st = parse_root(s, root, file, allactive, out);
    if (st != CL_OK) cl_allen_fit_free(out);
    return st;
}

/* ---- applying ------------------------------------------------------------ */

/* bmtk: sec.name().split(".")[1][:4] */
static int type_is(const char *secname, const char *type) { return strncmp(secname, type, 4) == 0 && strlen(type) == 4; }

/* Re-prefix the message of a failed call with the file and the JSON path. */
static cl_status wrap(cl_sim *s, cl_status st, const char *file, const char *path, const char *secname) {
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", cl_sim_errmsg(s));
    return cl_fail(s, st, "%s: %s: section %s: %s", file, path, secname, msg);
}

/* Python's setattr(sec, name, value): Ra is a section attribute, the rest
 * (cm, g_pas, gbar_X, ...) range variables */
static cl_status set_attr(cl_sim *s, cl_section sec, const char *name, double value) {
    if (strcmp(name, "Ra") == 0) return cl_section_set_Ra(s, sec, value);
    return cl_section_set(s, sec, name, value);
}

/* The genome, entry by entry: insert the mechanism (if named) and set the
 * value in every section of the entry's type. The all-active recipe skips
 * "glob" entries (bmtk: "probably old json file"). */
static cl_status apply_genome(cl_sim *s, cl_cell cell, size_t n, const cl_allen_fit *f, const char *file,
                              int skip_glob) {
    cl_status st;
    char p[160];
    for (size_t g = 0; g < f->ngene; g++) {
        const cl_allen_gene *e = &f->gene[g];
        if (skip_glob && strcmp(e->section, "glob") == 0) continue;
        for (size_t i = 0; i < n; i++) {
            cl_section sec;
            const char *nm;
            cl_cell_section_at(s, cell, i, &sec);
            cl_section_name(s, sec, &nm);
            if (!type_is(nm, e->section)) continue;
            if (*e->mech && (st = cl_section_insert(s, sec, e->mech)) != CL_OK) {
                snprintf(p, sizeof p, "genome[%zu].mechanism \"%s\"", g, e->mech);
                return wrap(s, st, file, p, nm);
            }
            if ((st = set_attr(s, sec, e->name, e->value)) != CL_OK) {
                snprintf(p, sizeof p, "genome[%zu].name \"%s\"", g, e->name);
                return wrap(s, st, file, p, nm);
            }
        }
    }
    return CL_OK;
}

static cl_status apply_peri(cl_sim *s, cl_cell cell, const cl_allen_fit *f, const char *file) {
    size_t n;
    cl_status st;
    char p[160];
    if ((st = cl_cell_section_count(s, cell, &n)) != CL_OK) return st;
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        const char *nm;
        cl_cell_section_at(s, cell, i, &sec);
        cl_section_name(s, sec, &nm);
        const double *cm = NULL;
        for (size_t k = 0; k < f->ncm; k++) /* a dict: the last entry wins */
            if (type_is(nm, f->cm[k].section)) cm = &f->cm[k].value;
        if (!cm) return FAILJ("%s: passive[0].cm: no entry for section type \"%.4s\" (section %s)", file, nm, nm);
        if ((st = cl_section_set_Ra(s, sec, f->ra)) != CL_OK) return wrap(s, st, file, "passive[0].ra", nm);
        if ((st = cl_section_set_cm(s, sec, *cm)) != CL_OK) return wrap(s, st, file, "passive[0].cm", nm);
        if ((st = cl_section_insert(s, sec, "pas")) != CL_OK) return wrap(s, st, file, "passive[0]", nm);
        if ((st = cl_section_set(s, sec, "e_pas", f->e_pas)) != CL_OK) return wrap(s, st, file, "passive[0].e_pas", nm);
    }
    if ((st = apply_genome(s, cell, n, f, file, 0)) != CL_OK) return st;
    for (size_t r = 0; r < f->nerev; r++) {
        for (size_t i = 0; i < n; i++) {
            cl_section sec;
            const char *nm;
            cl_cell_section_at(s, cell, i, &sec);
            cl_section_name(s, sec, &nm);
            if (!type_is(nm, f->erev[r].section)) continue;
            snprintf(p, sizeof p, "conditions[0].erev[%zu]", r);
            if ((st = cl_section_set(s, sec, "ena", f->erev[r].ena)) != CL_OK) return wrap(s, st, file, p, nm);
            if ((st = cl_section_set(s, sec, "ek", f->erev[r].ek)) != CL_OK) return wrap(s, st, file, p, nm);
        }
    }
    return CL_OK;
}

/* whether an ion's reversal potential exists in a section (h.ismembrane) */
static int has_var(cl_sim *s, cl_section sec, const char *var) {
    double x;
    int ok = cl_section_get_at(s, sec, 0.5, var, &x) == CL_OK;
    cl_ok(s);
    return ok;
}

static cl_status apply_allact(cl_sim *s, cl_cell cell, const cl_allen_fit *f, const char *file) {
    size_t n;
    cl_status st;
    char p[160];
    if ((st = cl_cell_section_count(s, cell, &n)) != CL_OK) return st;
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        const char *nm;
        cl_cell_section_at(s, cell, i, &sec);
        cl_section_name(s, sec, &nm);
        if ((st = cl_section_insert(s, sec, "pas")) != CL_OK) return wrap(s, st, file, "passive[0]", nm);
        if (f->has_e_pas && (st = cl_section_set(s, sec, "e_pas", f->e_pas)) != CL_OK)
            return wrap(s, st, file, "passive[0].e_pas", nm);
        if (f->has_ra && (st = cl_section_set_Ra(s, sec, f->ra)) != CL_OK)
            return wrap(s, st, file, "passive[0].ra", nm);
    }
    for (size_t k = 0; k < f->ncm; k++)
        for (size_t i = 0; i < n; i++) {
            cl_section sec;
            const char *nm;
            cl_cell_section_at(s, cell, i, &sec);
            cl_section_name(s, sec, &nm);
            if (!type_is(nm, f->cm[k].section)) continue;
            snprintf(p, sizeof p, "passive[0].cm[%zu]", k);
            if ((st = cl_section_set_cm(s, sec, f->cm[k].value)) != CL_OK) return wrap(s, st, file, p, nm);
        }
    if ((st = apply_genome(s, cell, n, f, file, 1)) != CL_OK) return st;
    for (size_t r = 0; r < f->nerev; r++)
        for (size_t i = 0; i < n; i++) {
            cl_section sec;
            const char *nm;
            cl_cell_section_at(s, cell, i, &sec);
            cl_section_name(s, sec, &nm);
            if (!type_is(nm, f->erev[r].section)) continue;
            snprintf(p, sizeof p, "conditions[0].erev[%zu]", r);
            if (has_var(s, sec, "ek") && (st = cl_section_set(s, sec, "ek", f->erev[r].ek)) != CL_OK)
                return wrap(s, st, file, p, nm);
            if (has_var(s, sec, "ena") && (st = cl_section_set(s, sec, "ena", f->erev[r].ena)) != CL_OK)
                return wrap(s, st, file, p, nm);
        }
    return CL_OK;
}

cl_status cl_allen_fit_apply(cl_sim *s, cl_cell cell, const cl_allen_fit *f, const char *file) {
    cl_status st = f->allactive ? apply_allact(s, cell, f, file) : apply_peri(s, cell, f, file);
    return st == CL_OK ? cl_ok(s) : st;
}

cl_status cl_model_load_allen_json(cl_sim *s, const char *morph, const char *model, const cl_model_options *opt,
                                   cl_cell *out) {
    int allactive = 0;
    cl_status st = recipe_of(s, opt->recipe, &allactive);
    if (st != CL_OK) return st;
    cl_allen_fit f;
    if ((st = parse_file(s, model, allactive, &f)) != CL_OK) return st;
    cl_morph_options mo = opt->morph;
    if (!mo.axon) mo.axon = allactive ? "aibs_allactive" : "aibs_perisomatic";
    cl_cell cell;
    if ((st = cl_cell_load_morphology_opt(s, morph, &mo, &cell)) != CL_OK) goto done;
    if ((st = cl_allen_fit_apply(s, cell, &f, model)) != CL_OK) goto done;
    /* bmtk's BioCell sets nseg after the biophysics: 1 + 2*int(L/(2*20));
     * section by section with its own Ra (a genome may set Ra per type) */
    size_t n;
    cl_cell_section_count(s, cell, &n);
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        cl_section sec;
        double Ra;
        int nseg;
        cl_cell_section_at(s, cell, i, &sec);
        cl_section_get_Ra(s, sec, &Ra);
        if (opt->nseg_set)
            st = cl_section_nseg_by_rule(s, sec, opt->nseg_rule, opt->nseg_value, opt->nseg_freq_hz, Ra, &nseg);
        else
            st = cl_section_nseg_by_rule(s, sec, CL_NSEG_MAXLEN, 20., 100., Ra, &nseg);
        if (st == CL_OK) st = cl_section_set_nseg(s, sec, nseg);
    }
    if (st != CL_OK) goto done;
    if (opt->apply_conditions) {
        if (f.has_celsius && (st = cl_sim_set_celsius(s, f.celsius)) != CL_OK) goto done;
        if (f.has_v_init && (st = cl_sim_set_v_init(s, f.v_init)) != CL_OK) goto done;
    }
    *out = cell;
    st = cl_ok(s);
done:
    cl_allen_fit_free(&f);
    return st;
}
