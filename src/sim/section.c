/* Cells, sections, geometry, density mechanisms and range variables. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "util/util.h"

#define SEC_INDEX(fn, h) cl_handle_index(s, (h).id, CL_TAG_SECTION, fn, "sec")

/* ---- cells -------------------------------------------------------------- */

cl_status cl_cell_new(cl_sim *s, const char *name, cl_cell *out) {
    if (!s) return CL_EINVAL;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_cell_new: out is NULL");
    out->id = 0;
    cl_engine *e = &s->eng;
    size_t cap = (size_t)e->capcell;
    if (CL_GROW(e->cell, cap, (size_t)e->ncell + 1) != 0)
        return cl_fail(s, CL_ENOMEM, "cl_cell_new: out of memory");
    e->capcell = (int)cap;
    char buf[32];
    if (!name) name = cl_fmt(buf, sizeof buf, "cell%d", e->ncell);
    cl_cellrec *c = &e->cell[e->ncell];
    memset(c, 0, sizeof *c);
    c->name = cl_strdup(name);
    if (!c->name) return cl_fail(s, CL_ENOMEM, "cl_cell_new: out of memory");
    c->rec_t = c->rec_v = -1;
    out->id = cl_handle_make(s, CL_TAG_CELL, e->ncell++);
    return cl_ok(s);
}

cl_status cl_cell_section_count(cl_sim *s, cl_cell cell, size_t *out) {
    if (!s) return CL_EINVAL;
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, "cl_cell_section_count", "cell");
    if (c < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_cell_section_count: out is NULL");
    *out = (size_t)s->eng.cell[c].nsec;
    return cl_ok(s);
}

cl_status cl_cell_section_at(cl_sim *s, cl_cell cell, size_t index, cl_section *out) {
    if (!s) return CL_EINVAL;
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, "cl_cell_section_at", "cell");
    if (c < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_cell_section_at: out is NULL");
    const cl_cellrec *cr = &s->eng.cell[c];
    if (index >= (size_t)cr->nsec)
        return cl_fail(s, CL_EINVAL, "cl_cell_section_at: index: %zu is out of range (cell %s has %d sections)",
                       index, cr->name, cr->nsec);
    out->id = cl_handle_make(s, CL_TAG_SECTION, cr->sec[index]);
    return cl_ok(s);
}

static int find_section(const cl_engine *e, int c, const char *name) {
    const cl_cellrec *cr = &e->cell[c];
    for (int i = 0; i < cr->nsec; i++)
        if (strcmp(e->sec[cr->sec[i]].name, name) == 0) return cr->sec[i];
    return -1;
}

cl_status cl_cell_section(cl_sim *s, cl_cell cell, const char *name, cl_section *out) {
    if (!s) return CL_EINVAL;
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, "cl_cell_section", "cell");
    if (c < 0) return CL_EHANDLE;
    if (!name || !out) return cl_fail(s, CL_EINVAL, "cl_cell_section: name and out must not be NULL");
    int i = find_section(&s->eng, c, name);
    if (i < 0)
        return cl_fail(s, CL_ENOTFOUND, "cl_cell_section: name: cell %s has no section \"%s\"",
                       s->eng.cell[c].name, name);
    out->id = cl_handle_make(s, CL_TAG_SECTION, i);
    return cl_ok(s);
}

int cl_cell_soma_index(const cl_engine *e, int c) {
    int i = find_section(e, c, "soma[0]");
    if (i < 0) i = find_section(e, c, "soma");
    if (i >= 0) return i;
    const cl_cellrec *cr = &e->cell[c];
    for (int k = 0; k < cr->nsec; k++)
        if (e->sec[cr->sec[k]].parent < 0) return cr->sec[k];
    return -1;
}

cl_status cl_cell_soma(cl_sim *s, cl_cell cell, cl_section *out) {
    if (!s) return CL_EINVAL;
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, "cl_cell_soma", "cell");
    if (c < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_cell_soma: out is NULL");
    int i = cl_cell_soma_index(&s->eng, c);
    if (i < 0) return cl_fail(s, CL_ENOTFOUND, "cl_cell_soma: cell %s has no sections", s->eng.cell[c].name);
    out->id = cl_handle_make(s, CL_TAG_SECTION, i);
    return cl_ok(s);
}

/* ---- sections ----------------------------------------------------------- */

cl_status cl_section_new(cl_sim *s, cl_cell cell, const char *name, cl_section *out) {
    if (!s) return CL_EINVAL;
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, "cl_section_new", "cell");
    if (c < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_new: out is NULL");
    out->id = 0;
    cl_engine *e = &s->eng;
    char buf[48];
    if (!name) name = cl_fmt(buf, sizeof buf, "section[%d]", e->cell[c].nsec);
    if (!*name) return cl_fail(s, CL_EINVAL, "cl_section_new: name: empty name");
    if (find_section(e, c, name) >= 0)
        return cl_fail(s, CL_EINVAL, "cl_section_new: name: cell %s already has a section \"%s\"",
                       e->cell[c].name, name);
    size_t cap = (size_t)e->capsec, ccap = (size_t)e->cell[c].capsec;
    if (CL_GROW(e->sec, cap, (size_t)e->nsec + 1) != 0 ||
        CL_GROW(e->cell[c].sec, ccap, (size_t)e->cell[c].nsec + 1) != 0)
        return cl_fail(s, CL_ENOMEM, "cl_section_new: out of memory");
    e->capsec = (int)cap;
    e->cell[c].capsec = (int)ccap;
    cl_sec *sec = &e->sec[e->nsec];
    memset(sec, 0, sizeof *sec);
    sec->name = cl_strdup(name);
    sec->diam = malloc(sizeof(double));
    sec->cm = malloc(sizeof(double));
    if (!sec->name || !sec->diam || !sec->cm) {
        free(sec->name); free(sec->diam); free(sec->cm);
        return cl_fail(s, CL_ENOMEM, "cl_section_new: out of memory");
    }
    sec->cell = c;
    sec->nseg = 1;
    sec->L = 100.;
    sec->Ra = 35.4;
    sec->diam[0] = 500.;
    sec->cm[0] = 1.;
    sec->parent = -1;
    sec->tmpl_index = -1;
    e->cell[c].sec[e->cell[c].nsec++] = e->nsec;
    out->id = cl_handle_make(s, CL_TAG_SECTION, e->nsec++);
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_section_name(cl_sim *s, cl_section sec, const char **out) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_name", sec);
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_name: out is NULL");
    *out = s->eng.sec[i].name;
    return cl_ok(s);
}

cl_status cl_section_connect(cl_sim *s, cl_section child, cl_section parent, double x) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_section_connect";
    int c = cl_handle_index(s, child.id, CL_TAG_SECTION, fn, "child");
    if (c < 0) return CL_EHANDLE;
    int p = cl_handle_index(s, parent.id, CL_TAG_SECTION, fn, "parent");
    if (p < 0) return CL_EHANDLE;
    cl_engine *e = &s->eng;
    if (!(x >= 0. && x <= 1.))
        return cl_fail(s, CL_EINVAL, "%s: parent_x: expected 0 <= x <= 1, got %g", fn, x);
    if (e->sec[c].cell != e->sec[p].cell)
        return cl_fail(s, CL_EINVAL, "%s: %s and %s belong to different cells", fn, e->sec[c].name,
                       e->sec[p].name);
    for (int a = p; a >= 0; a = e->sec[a].parent)
        if (a == c)
            return cl_fail(s, CL_EINVAL, "%s: connecting %s to %s would make a loop", fn,
                           e->sec[c].name, e->sec[p].name);
    e->sec[c].parent = p;
    e->sec[c].parent_x = x;
    e->sec[c].connect_seq = ++e->seq;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

/* Resample per-segment values when nseg changes: each new segment takes the
 * value of the old segment containing its centre. */
static int resample(double **vals, int nvar, int old_n, int new_n) {
    double *nv = malloc((size_t)nvar * (size_t)new_n * sizeof(double));
    if (!nv) return -1;
    for (int k = 0; k < nvar; k++)
        for (int j = 0; j < new_n; j++) {
            int o = (int)(old_n * ((j + 0.5) / new_n));
            if (o >= old_n) o = old_n - 1;
            nv[(size_t)k * new_n + j] = (*vals)[(size_t)k * old_n + o];
        }
    free(*vals);
    *vals = nv;
    return 0;
}

static cl_status check_pos(cl_sim *s, const char *fn, const char *arg, double x, int allow_zero) {
    if (!isfinite(x) || x < 0 || (!allow_zero && x == 0))
        return cl_fail(s, CL_EINVAL, "%s: %s: expected a finite number %s 0, got %g", fn, arg,
                       allow_zero ? ">=" : ">", x);
    return CL_OK;
}

cl_status cl_section_set_L(cl_sim *s, cl_section h, double L) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_set_L", h);
    if (i < 0) return CL_EHANDLE;
    if (check_pos(s, "cl_section_set_L", "L", L, 0) != CL_OK) return CL_EINVAL;
    if (s->eng.sec[i].npt >= 2)
        return cl_fail(s, CL_ESTATE, "cl_section_set_L: %s has 3-D points; its length comes from them",
                       s->eng.sec[i].name);
    s->eng.sec[i].L = L;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_section_set_diam(cl_sim *s, cl_section h, double diam) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_set_diam", h);
    if (i < 0) return CL_EHANDLE;
    if (check_pos(s, "cl_section_set_diam", "diam", diam, 0) != CL_OK) return CL_EINVAL;
    cl_sec *sec = &s->eng.sec[i];
    if (sec->npt >= 2)
        return cl_fail(s, CL_ESTATE, "cl_section_set_diam: %s has 3-D points; its diameters come from them",
                       sec->name);
    for (int j = 0; j < sec->nseg; j++) sec->diam[j] = diam;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_section_set_nseg(cl_sim *s, cl_section h, int nseg) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_set_nseg", h);
    if (i < 0) return CL_EHANDLE;
    if (nseg < 1 || nseg > 32767)
        return cl_fail(s, CL_EINVAL, "cl_section_set_nseg: nseg: expected 1 <= nseg <= 32767, got %d", nseg);
    cl_sec *sec = &s->eng.sec[i];
    if (nseg == sec->nseg) return cl_ok(s);
    if (resample(&sec->diam, 1, sec->nseg, nseg) != 0 || resample(&sec->cm, 1, sec->nseg, nseg) != 0)
        return cl_fail(s, CL_ENOMEM, "cl_section_set_nseg: out of memory");
    for (int m = 0; m < sec->nmech; m++)
        if (cl_sec_mech_resample(&s->eng, &sec->mech[m], sec->nseg, nseg) != 0)
            return cl_fail(s, CL_ENOMEM, "cl_section_set_nseg: out of memory");
    sec->nseg = nseg;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_section_set_Ra(cl_sim *s, cl_section h, double Ra) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_set_Ra", h);
    if (i < 0) return CL_EHANDLE;
    if (check_pos(s, "cl_section_set_Ra", "Ra", Ra, 0) != CL_OK) return CL_EINVAL;
    s->eng.sec[i].Ra = Ra;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_section_set_cm(cl_sim *s, cl_section h, double cm) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_set_cm", h);
    if (i < 0) return CL_EHANDLE;
    if (check_pos(s, "cl_section_set_cm", "cm", cm, 1) != CL_OK) return CL_EINVAL;
    return cl_section_set(s, h, "cm", cm);
}

cl_status cl_section_get_L(cl_sim *s, cl_section h, double *out) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_get_L", h);
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_get_L: out is NULL");
    const cl_sec *sec = &s->eng.sec[i];
    *out = sec->npt >= 2 ? sec->pt[sec->npt - 1].arc : sec->L;
    return cl_ok(s);
}

cl_status cl_section_get_Ra(cl_sim *s, cl_section h, double *out) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_get_Ra", h);
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_get_Ra: out is NULL");
    *out = s->eng.sec[i].Ra;
    return cl_ok(s);
}

cl_status cl_section_get_nseg(cl_sim *s, cl_section h, int *out) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_get_nseg", h);
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_get_nseg: out is NULL");
    *out = s->eng.sec[i].nseg;
    return cl_ok(s);
}

cl_status cl_section_pt3dadd(cl_sim *s, cl_section h, double x, double y, double z, double d) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_section_pt3dadd";
    int i = SEC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!isfinite(x) || !isfinite(y) || !isfinite(z))
        return cl_fail(s, CL_EINVAL, "%s: point (%g, %g, %g): coordinates must be finite", fn, x, y, z);
    if (!isfinite(d) || d < 0)
        return cl_fail(s, CL_EINVAL, "%s: d: expected a finite diameter >= 0, got %g", fn, d);
    cl_sec *sec = &s->eng.sec[i];
    if (CL_GROW(sec->pt, sec->cappt, sec->npt + 1) != 0)
        return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    cl_pt3d *p = &sec->pt[sec->npt];
    p->x = (float)x;
    p->y = (float)y;
    p->z = (float)z;
    p->d = (float)d;
    if (sec->npt == 0) {
        p->arc = 0.;
    } else {
        /* float differences promoted to double, as nrn_pt3dmodified */
        const cl_pt3d *q = p - 1;
        double t1 = (float)(p->x - q->x), t2 = (float)(p->y - q->y), t3 = (float)(p->z - q->z);
        p->arc = q->arc + sqrt(t1 * t1 + t2 * t2 + t3 * t3);
    }
    sec->npt++;
    if (sec->npt >= 2) sec->L = sec->pt[sec->npt - 1].arc;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

static cl_status ensure_compiled(cl_sim *s, const char *fn) {
    if (!s->eng.compiled && cl_engine_compile(&s->eng) != 0)
        return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    return CL_OK;
}

cl_status cl_section_area(cl_sim *s, cl_section h, double x, double *out) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_area", h);
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_area: out is NULL");
    if (!(x >= 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "cl_section_area: x: expected 0 <= x <= 1, got %g", x);
    if (ensure_compiled(s, "cl_section_area") != CL_OK) return CL_ENOMEM;
    /* NEURON's area(x) is 0 at the zero-area ends */
    *out = (x == 0 || x == 1) ? 0. : s->eng.area[cl_engine_node_exact(&s->eng, i, x)];
    return cl_ok(s);
}

cl_status cl_section_ri(cl_sim *s, cl_section h, double x, double *out) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_ri", h);
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_section_ri: out is NULL");
    if (!(x > 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "cl_section_ri: x: expected 0 < x <= 1, got %g", x);
    if (ensure_compiled(s, "cl_section_ri") != CL_OK) return CL_ENOMEM;
    double r = s->eng.rinv[cl_engine_node_exact(&s->eng, i, x)];
    *out = r ? 1. / r : 1e30;
    return cl_ok(s);
}

/* ---- mechanisms ---------------------------------------------------------- */

cl_status cl_section_insert(cl_sim *s, cl_section h, const char *mech) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_section_insert";
    int i = SEC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!mech) return cl_fail(s, CL_EINVAL, "%s: mech is NULL", fn);
    int t = cl_eng_find(&s->eng, mech);
    if (t < 0) return cl_fail(s, CL_ENOTFOUND, "%s: mech: no mechanism named \"%s\"", fn, mech);
    const cl_mech_type *mt = cl_eng_type(&s->eng, t);
    if (mt->kind != CL_MECH_DENSITY && mt->kind != CL_MECH_ION)
        return cl_fail(s, CL_EINVAL, "%s: mech: %s is a point process; place it with cl_pp_new", fn, mech);
    cl_sec *sec = &s->eng.sec[i];
    if (cl_sec_mech_find(sec, t) >= 0) return cl_ok(s);
    if (cl_sec_insert_type(&s->eng, sec, t) < 0 || cl_sec_add_ions(&s->eng, sec, mt) != 0)
        return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_section_mechanisms(cl_sim *s, cl_section h, const char **out, size_t cap, size_t *n) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_section_mechanisms";
    int i = SEC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!n || (!out && cap)) return cl_fail(s, CL_EINVAL, "%s: n must not be NULL (out only with cap 0)", fn);
    const cl_sec *sec = &s->eng.sec[i];
    size_t k = 0;
    for (int m = 0; m < sec->nmech; m++) {
        const cl_mech_type *mt = cl_eng_type(&s->eng, sec->mech[m].type);
        if (mt->kind != CL_MECH_DENSITY) continue;
        if (k < cap) out[k] = mt->name;
        k++;
    }
    *n = k;
    return cl_ok(s);
}

/* A range variable of a section: "diam", "cm", an ion variable ("ena") or
 * "<var>_<mech>". Sets *type (-1 diam, -2 cm) and *k. */
static cl_status resolve_range(cl_sim *s, const char *fn, int si, const char *name, int *type, int *k) {
    const cl_sec *sec = &s->eng.sec[si];
    if (strcmp(name, "diam") == 0) { *type = -1; *k = 0; return CL_OK; }
    if (strcmp(name, "cm") == 0) { *type = -2; *k = 0; return CL_OK; }
    for (int m = 0; m < sec->nmech; m++) {
        const cl_mech_type *mt = cl_eng_type(&s->eng, sec->mech[m].type);
        if (mt->kind != CL_MECH_ION) continue;
        int kk = cl_mech_var_find(mt, name);
        if (kk >= 0) { *type = sec->mech[m].type; *k = kk; return CL_OK; }
    }
    /* "<var>_<mech>": mechanism names may hold underscores (Kv3_1), so try
     * every density mechanism whose name ends the string */
    size_t nlen = strlen(name);
    for (int t = 0; t < s->eng.ntypes; t++) {
        const cl_mech_type *mt = cl_eng_type(&s->eng, t);
        if (mt->kind != CL_MECH_DENSITY) continue;
        size_t mlen = strlen(mt->name);
        if (nlen < mlen + 2 || name[nlen - mlen - 1] != '_' || strcmp(name + nlen - mlen, mt->name) != 0) continue;
        char shortname[128];
        size_t len = nlen - mlen - 1;
        if (len >= sizeof shortname) continue;
        memcpy(shortname, name, len);
        shortname[len] = '\0';
        int kk = cl_mech_var_find(mt, shortname);
        if (kk < 0) continue;
        if (cl_sec_mech_find(sec, t) < 0)
            return cl_fail(s, CL_ENOTFOUND, "%s: var: %s is not inserted in section %s (insert it first)", fn,
                           mt->name, sec->name);
        *type = t;
        *k = kk;
        return CL_OK;
    }
    return cl_fail(s, CL_ENOTFOUND,
                   "%s: var: section %s has no range variable \"%s\" (expected diam, cm, an ion "
                   "variable such as ena, or <name>_<mechanism> such as gnabar_hh)",
                   fn, sec->name, name);
}

/* Write a value into the description and, when the layout is current, into the
 * running instance too, so that a change between run and continue takes effect. */
static int write_range(cl_sim *s, int si, int type, int k, int j, double value) {
    cl_engine *e = &s->eng;
    cl_sec *sec = &e->sec[si];
    if (type == -1) { sec->diam[j] = value; cl_sim_structure_changed(s); return 0; }
    if (type == -2) {
        sec->cm[j] = value;
        if (e->compiled) e->cm[sec->node0 + j] = value;
        return 0;
    }
    int m = cl_sec_mech_find(sec, type);
    if (cl_sec_mech_put(e, sec, &sec->mech[m], k, j, value) != 0) return -1;
    if (e->compiled) e->block[type].var[k][sec->mech[m].inst0 + j] = value;
    return 0;
}

static cl_status set_range(cl_sim *s, const char *fn, cl_section h, int all, double x, const char *var, double value) {
    int i = SEC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!var) return cl_fail(s, CL_EINVAL, "%s: var is NULL", fn);
    if (!all && !(x >= 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "%s: x: expected 0 <= x <= 1, got %g", fn, x);
    if (!isfinite(value)) return cl_fail(s, CL_EINVAL, "%s: %s: expected a finite number, got %g", fn, var, value);
    int type, k;
    cl_status st = resolve_range(s, fn, i, var, &type, &k);
    if (st != CL_OK) return st;
    if (type == -1 && value <= 0) return cl_fail(s, CL_EINVAL, "%s: diam: expected > 0, got %g", fn, value);
    if (type == -1 && s->eng.sec[i].npt >= 2)
        return cl_fail(s, CL_ESTATE, "%s: %s has 3-D points; its diameters come from them", fn, s->eng.sec[i].name);
    if (type == -2 && value < 0) return cl_fail(s, CL_EINVAL, "%s: cm: expected >= 0, got %g", fn, value);
    const cl_sec *sec = &s->eng.sec[i];
    if (all) {
        for (int j = 0; j < sec->nseg; j++)
            if (write_range(s, i, type, k, j, value) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    } else if (write_range(s, i, type, k, cl_engine_seg_index(&s->eng, i, x), value) != 0) {
        return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    }
    return cl_ok(s);
}

cl_status cl_section_set(cl_sim *s, cl_section h, const char *var, double value) {
    if (!s) return CL_EINVAL;
    return set_range(s, "cl_section_set", h, 1, 0, var, value);
}

cl_status cl_section_set_at(cl_sim *s, cl_section h, double x, const char *var, double value) {
    if (!s) return CL_EINVAL;
    return set_range(s, "cl_section_set_at", h, 0, x, var, value);
}

cl_status cl_section_get_at(cl_sim *s, cl_section h, double x, const char *var, double *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_section_get_at";
    int i = SEC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!var || !out) return cl_fail(s, CL_EINVAL, "%s: var and out must not be NULL", fn);
    if (!(x >= 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "%s: x: expected 0 <= x <= 1, got %g", fn, x);
    cl_engine *e = &s->eng;
    if (strcmp(var, "v") == 0) {
        if (!e->compiled) { *out = e->v_init; return cl_ok(s); }
        *out = e->v[cl_engine_node_exact(e, i, x)];
        return cl_ok(s);
    }
    int type, k;
    cl_status st = resolve_range(s, fn, i, var, &type, &k);
    if (st != CL_OK) return st;
    const cl_sec *sec = &e->sec[i];
    int j = cl_engine_seg_index(e, i, x);
    if (type == -1) {
        if (sec->npt >= 2 && ensure_compiled(s, fn) != CL_OK) return CL_ENOMEM;
        *out = sec->diam[j];
    } else if (type == -2) {
        *out = sec->cm[j];
    } else {
        int m = cl_sec_mech_find(sec, type);
        *out = e->compiled ? e->block[type].var[k][sec->mech[m].inst0 + j]
                           : cl_sec_mech_get(e, sec, &sec->mech[m], k, j);
    }
    return cl_ok(s);
}

const char *const *cl_mechanism_names(void) {
    static const char *const names[] = {"pas",  "hh",      "IClamp",  "ExpSyn",   "Exp2Syn",
                                        "SEClamp", "APCount", "NetStim", "IntFire1", "VecStim",
                                        NULL};
    return names;
}

cl_status cl_section_parent(cl_sim *s, cl_section h, cl_section *parent, double *parent_x) {
    if (!s) return CL_EINVAL;
    int i = SEC_INDEX("cl_section_parent", h);
    if (i < 0) return CL_EHANDLE;
    if (!parent || !parent_x) return cl_fail(s, CL_EINVAL, "cl_section_parent: parent and parent_x must not be NULL");
    const cl_sec *sec = &s->eng.sec[i];
    if (sec->parent < 0) return cl_fail(s, CL_ENOTFOUND, "cl_section_parent: %s is a root section", sec->name);
    parent->id = cl_handle_make(s, CL_TAG_SECTION, sec->parent);
    *parent_x = sec->parent_x;
    return cl_ok(s);
}

/* Length of a section as the geometry uses it (3-D points give the arc length). */
static double sec_length(const cl_sec *sec) {
    return sec->npt >= 2 ? sec->pt[sec->npt - 1].arc : sec->L;
}

cl_status cl_section_distance(cl_sim *s, cl_section ha, double xa, cl_section hb, double xb, double *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_section_distance";
    int a = cl_handle_index(s, ha.id, CL_TAG_SECTION, fn, "sec_a");
    if (a < 0) return CL_EHANDLE;
    int b = cl_handle_index(s, hb.id, CL_TAG_SECTION, fn, "sec_b");
    if (b < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    if (!(xa >= 0 && xa <= 1)) return cl_fail(s, CL_EINVAL, "%s: x_a: expected 0 <= x <= 1, got %g", fn, xa);
    if (!(xb >= 0 && xb <= 1)) return cl_fail(s, CL_EINVAL, "%s: x_b: expected 0 <= x <= 1, got %g", fn, xb);
    const cl_engine *e = &s->eng;
    if (e->sec[a].cell != e->sec[b].cell)
        return cl_fail(s, CL_EINVAL, "%s: %s and %s are in different cells", fn, e->sec[a].name, e->sec[b].name);
    /* Walk the deeper point up until both are in the same section. The
     * position of (sec, x) seen from its parent is (parent, parent_x). */
    int da = 0, db = 0;
    for (int k = a; e->sec[k].parent >= 0; k = e->sec[k].parent) da++;
    for (int k = b; e->sec[k].parent >= 0; k = e->sec[k].parent) db++;
    double acc = 0;
    while (a != b) {
        if (da >= db) {
            acc += xa * sec_length(&e->sec[a]);
            xa = e->sec[a].parent_x;
            a = e->sec[a].parent;
            da--;
        } else {
            acc += xb * sec_length(&e->sec[b]);
            xb = e->sec[b].parent_x;
            b = e->sec[b].parent;
            db--;
        }
    }
    *out = acc + fabs(xa - xb) * sec_length(&e->sec[a]);
    return cl_ok(s);
}

cl_status cl_section_template_index(cl_sim *s, cl_section h, double *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_section_template_index";
    int i = SEC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    *out = s->eng.sec[i].tmpl_index;
    return cl_ok(s);
}
