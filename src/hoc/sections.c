/* hoc sections bound to cellulab's C API: every template instance gets a
 * cell of its own, top-level sections go to one cell "hoc". The current
 * section is a stack (`sec stmt`, forall, forsec) over `access`. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoc/interp.h"

typedef struct seclist { cl_section *s; size_t n, cap; } seclist;

void hoc_bind_sim(hoc_interp *h, struct cl_sim *sim) { h->sim = sim; }

void hoc_set_soma_neuron82(hoc_interp *h, int neuron82) { h->soma_neuron82 = neuron82 != 0; }

void hoc_set_pt3d_digits(hoc_interp *h, int digits) { h->pt3d_digits = digits; }

int hoc_sectionlist_add(hoc_object *o, cl_section sec) {
    if (!o || o->cls != &hoc_sectionlist_class) return 0;
    seclist *l = o->data;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        cl_section *t = realloc(l->s, cap * sizeof *t);
        if (!t) return -1;
        l->s = t;
        l->cap = cap;
    }
    l->s[l->n++] = sec;
    return 0;
}

int hoc_cl(hoc_interp *h, const hoc_node *at, cl_status st, const char *what) {
    if (st == CL_OK) return 0;
    return hoc_fail(h, at, "%s: %s", what, h->sim ? cl_sim_errmsg(h->sim) : cl_strerror(st));
}

int hoc_context_cell(hoc_interp *h, const hoc_node *at, hoc_object *o, cl_cell *out) {
    if (!h->sim) return hoc_fail(h, at, "sections need a simulation (hoc_bind_sim)");
    if (o) {
        if (!o->has_cell) {
            char name[160];
            if (hoc_cl(h, at, cl_cell_new(h->sim, hoc_obj_name(o, name, sizeof name), &o->cell), "new cell")) return -1;
            o->has_cell = 1;
        }
        *out = o->cell;
        return 0;
    }
    if (!h->has_topcell) {
        if (hoc_cl(h, at, cl_cell_new(h->sim, "hoc", &h->topcell), "new cell")) return -1;
        h->has_topcell = 1;
    }
    *out = h->topcell;
    return 0;
}

int hoc_current_section(hoc_interp *h, const hoc_node *at, cl_section *out) {
    if (h->nsec > 0) {
        *out = h->secstack[h->nsec - 1];
        if (!out->id) return hoc_fail(h, at, "the current section was deleted");
        return 0;
    }
    if (h->has_access) {
        *out = h->accessed;
        return 0;
    }
    return hoc_fail(h, at, "no accessed section (use `access sec` or `sec { ... }`)");
}

int hoc_push_section(hoc_interp *h, const hoc_node *at, cl_section s) {
    if (h->nsec >= (int)(sizeof h->secstack / sizeof h->secstack[0]))
        return hoc_fail(h, at, "sections nested too deeply");
    h->secstack[h->nsec++] = s;
    return 0;
}

void hoc_pop_section(hoc_interp *h) {
    if (h->nsec > 0) h->nsec--;
}

/* The object owning a section's cell (NULL: top level). */
static hoc_object *owner(hoc_interp *h, cl_section sec) {
    (void)sec;
    /* sections are found by cell: compare with each instance's cell */
    const char *name;
    (void)name;
    for (hoc_object *o = h->objects; o; o = o->next) {
        if (!o->has_cell) continue;
        size_t n = 0;
        if (cl_cell_section_count(h->sim, o->cell, &n) != CL_OK) continue;
        for (size_t i = 0; i < n; i++) {
            cl_section s = {0};
            if (cl_cell_section_at(h->sim, o->cell, i, &s) == CL_OK && s.id == sec.id) return o;
        }
    }
    return NULL;
}

int hoc_section_deleted(const hoc_interp *h, cl_section s) {
    for (size_t i = 0; i < h->ndeleted; i++)
        if (h->deleted[i] == s.id) return 1;
    return 0;
}

const char *hoc_secname(hoc_interp *h, cl_section sec, char *buf, size_t n) {
    const char *name = "?";
    if (cl_section_name(h->sim, sec, &name) != CL_OK) name = "?";
    /* re-created sections carry "#generation" in cellulab; hoc never shows it */
    int len = (int)strcspn(name, "#");
    hoc_object *o = owner(h, sec);
    if (o) {
        char on[128];
        snprintf(buf, n, "%s.%.*s", hoc_obj_name(o, on, sizeof on), len, name);
    } else {
        snprintf(buf, n, "%.*s", len, name);
    }
    return buf;
}

static void ret_num(hoc_value *r, double x) {
    r->k = V_NUM;
    r->num = x;
}

static int num_args(hoc_interp *h, const hoc_node *at, const char *fn, hoc_value *a, int n, int lo, int hi) {
    if (n < lo || n > hi) return hoc_fail(h, at, "%s: expected %d to %d arguments, got %d", fn, lo, hi, n);
    for (int i = 0; i < n; i++)
        if (a[i].k != V_NUM) return hoc_fail(h, at, "%s: argument %d must be a number", fn, i + 1);
    return 0;
}

/* stdrun's run() / stdinit() / continuerun(t) on cl_sim_run / init /
 * continue, with hoc's dt, celsius, v_init; t follows the simulation. */
static int sim_globals(hoc_interp *h, const hoc_node *at) {
    double dt = 0.025, celsius = 6.3, v_init = -65;
    hoc_get_number(h, "dt", &dt);
    hoc_get_number(h, "celsius", &celsius);
    hoc_get_number(h, "v_init", &v_init);
    if (hoc_cl(h, at, cl_sim_set_dt(h->sim, dt), "dt") || hoc_cl(h, at, cl_sim_set_celsius(h->sim, celsius), "celsius") ||
        hoc_cl(h, at, cl_sim_set_v_init(h->sim, v_init), "v_init"))
        return -1;
    h->nvset = 0; /* v values stored before the run are superseded */
    return 0;
}

static int run_call(hoc_interp *h, const char *name, const hoc_node *at, hoc_value *a, int n, hoc_value *r) {
    int k = strcmp(name, "run") == 0 ? 0 : strcmp(name, "stdinit") == 0 ? 1 : strcmp(name, "continuerun") == 0 ? 2 : -1;
    if (k < 0) return 0;
    if (!h->sim) return hoc_fail(h, at, "%s(): needs a simulation (hoc_bind_sim)", name);
    cl_status st;
    if (k == 2) {
        if (num_args(h, at, name, a, n, 1, 1)) return -1;
        st = cl_sim_continue(h->sim, a[0].num);
    } else {
        if (num_args(h, at, name, a, n, 0, 0) || sim_globals(h, at)) return -1;
        double tstop = 5;
        hoc_get_number(h, "tstop", &tstop);
        st = k == 0 ? cl_sim_run(h->sim, tstop) : cl_sim_init(h->sim);
    }
    if (hoc_cl(h, at, st, name)) return -1;
    hoc_set_number(h, "t", cl_sim_time(h->sim));
    (void)r; /* procs in stdrun.hoc: no value (nothing printed at top level) */
    return 1;
}

int hoc_section_call(hoc_interp *h, const char *name, const hoc_node *at, hoc_value *a, int n, hoc_value *r) {
    int rk = run_call(h, name, at, a, n, r);
    if (rk) return rk;
    static const char *names[] = {"secname", "distance", "area", "ri", "delete_section", "define_shape",
                                  "pt3dadd", "issection", "ismembrane", NULL};
    int k = 0;
    while (names[k] && strcmp(names[k], name) != 0) k++;
    if (!names[k]) return 0;
    if (!h->sim) return hoc_fail(h, at, "%s(): sections need a simulation (hoc_bind_sim)", name);
    cl_section sec = {0};
    if (hoc_current_section(h, at, &sec)) return -1;
    switch (k) {
    case 0: { /* secname() */
        char buf[256];
        r->k = V_STR;
        r->str = strdup(hoc_secname(h, sec, buf, sizeof buf));
        if (!r->str) return hoc_fail(h, at, "out of memory");
        return 1;
    }
    case 1: { /* distance(): distance(0, x) sets the origin; distance(x) measures */
        if (num_args(h, at, name, a, n, 0, 2)) return -1;
        if (n == 0 || (n == 2 && a[0].num == 0)) {
            h->dist_sec = sec;
            h->dist_x = n == 2 ? a[1].num : 0.5;
            h->has_dist = 1;
            ret_num(r, 0);
            return 1;
        }
        if (n == 2) return hoc_fail(h, at, "distance(%g, x): only distance(0, x) and distance(x) are supported", a[0].num);
        if (!h->has_dist) return hoc_fail(h, at, "distance(x) before the origin was set with distance(0, x)");
        double d;
        if (hoc_cl(h, at, cl_section_distance(h->sim, h->dist_sec, h->dist_x, sec, a[0].num, &d), "distance")) return -1;
        ret_num(r, d);
        return 1;
    }
    case 2:
    case 3: {
        if (num_args(h, at, name, a, n, 1, 1)) return -1;
        double v;
        cl_status st = k == 2 ? cl_section_area(h->sim, sec, a[0].num, &v) : cl_section_ri(h->sim, sec, a[0].num, &v);
        if (hoc_cl(h, at, st, name)) return -1;
        ret_num(r, v);
        return 1;
    }
    case 4: {
        /* NEURON's delete_section: gone from the cellulab cell too; the id is
         * kept so that hoc names still pointing at it give a clear error */
        uint64_t *t = realloc(h->deleted, (h->ndeleted + 1) * sizeof *t);
        if (!t) return hoc_fail(h, at, "out of memory");
        h->deleted = t;
        if (hoc_cl(h, at, cl_section_delete(h->sim, sec), "delete_section")) return -1;
        h->deleted[h->ndeleted++] = sec.id;
        /* the deleted section can't stay current or accessed */
        for (int i = 0; i < h->nsec; i++)
            if (h->secstack[i].id == sec.id) h->secstack[i].id = 0;
        if (h->has_access && h->accessed.id == sec.id) h->has_access = 0;
        ret_num(r, 0);
        return 1;
    }
    case 5:
        ret_num(r, 0); /* 3-D shapes: define_shape is not needed for geometry here */
        return 1;
    case 6:
        if (num_args(h, at, name, a, n, 4, 4)) return -1;
        if (hoc_cl(h, at, cl_section_pt3dadd(h->sim, sec, a[0].num, a[1].num, a[2].num, a[3].num), "pt3dadd")) return -1;
        ret_num(r, 1);
        return 1;
    case 8: { /* ismembrane("mech"): 1 when the mechanism is inserted here */
        if (n != 1 || a[0].k != V_STR) return hoc_fail(h, at, "ismembrane(\"mechanism\") takes one string");
        size_t nm = 0;
        if (hoc_cl(h, at, cl_section_mechanisms(h->sim, sec, NULL, 0, &nm), "ismembrane")) return -1;
        const char **names = calloc(nm ? nm : 1, sizeof *names);
        if (!names) return hoc_fail(h, at, "out of memory");
        cl_section_mechanisms(h->sim, sec, names, nm, &nm);
        int found = 0;
        for (size_t i = 0; i < nm; i++) found |= strcmp(names[i], a[0].str) == 0;
        free(names);
        ret_num(r, found);
        return 1;
    }
    default:
        ret_num(r, 1);
        return 1;
    }
}

/* ---------- SectionList ---------- */

int hoc_sectionlist_items(hoc_object *o, const cl_section **secs, size_t *n) {
    if (!o || o->cls != &hoc_sectionlist_class) return -1;
    seclist *l = o->data;
    *secs = l->s;
    *n = l->n;
    return 0;
}

static int sl_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    (void)a;
    if (n) return hoc_fail(h, at, "new SectionList() takes no arguments");
    o->data = calloc(1, sizeof(seclist));
    return o->data ? 0 : hoc_fail(h, at, "out of memory");
}

static void sl_dtor(hoc_interp *h, hoc_object *o) {
    (void)h;
    seclist *l = o->data;
    if (l) free(l->s);
    free(l);
    o->data = NULL;
}

static int sl_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n, hoc_value *r) {
    seclist *l = o->data;
    (void)a;
    if (strcmp(m, "append") == 0) {
        if (n) return hoc_fail(h, at, "SectionList.append() appends the current section; it takes no arguments"), -1;
        cl_section s = {0};
        if (hoc_current_section(h, at, &s)) return -1;
        if (l->n == l->cap) {
            size_t cap = l->cap ? l->cap * 2 : 16;
            cl_section *t = realloc(l->s, cap * sizeof *t);
            if (!t) return hoc_fail(h, at, "out of memory"), -1;
            l->s = t;
            l->cap = cap;
        }
        l->s[l->n++] = s;
        ret_num(r, 1);
        return 1;
    }
    if (strcmp(m, "remove") == 0 && n == 0) {
        cl_section s = {0};
        if (hoc_current_section(h, at, &s)) return -1;
        size_t j = 0;
        for (size_t i = 0; i < l->n; i++)
            if (l->s[i].id != s.id) l->s[j++] = l->s[i];
        ret_num(r, (double)(l->n - j));
        l->n = j;
        return 1;
    }
    return 0;
}

const hoc_class hoc_sectionlist_class = {"SectionList", sl_ctor, sl_dtor, sl_method, NULL};
