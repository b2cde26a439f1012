/* Point processes (new IClamp(x) in the current section, any point
 * process cellulab knows or loaded) and NetCon, on cellulab's C API.
 * Their variables (stim.amp, nc.threshold, nc.weight[0]) are places the
 * evaluator reads and writes through hoc_lval_get / hoc_lval_set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoc/interp.h"

typedef struct pp { char name[64]; cl_pp pp; } pp;
typedef struct nc { cl_netcon nc; } nc;

static int next_index(hoc_interp *h, const char *name) {
    for (int i = 0; i < h->nppcount; i++)
        if (strcmp(h->ppcount[i].name, name) == 0) return h->ppcount[i].n++;
    if (h->nppcount < (int)(sizeof h->ppcount / sizeof h->ppcount[0])) {
        snprintf(h->ppcount[h->nppcount].name, sizeof h->ppcount[0].name, "%s", name);
        h->ppcount[h->nppcount].n = 1;
        h->nppcount++;
    }
    return 0;
}

int hoc_pp_new(hoc_interp *h, const hoc_node *at, const char *name, hoc_value *a, int n, hoc_object *o) {
    if (!h->sim || strlen(name) >= 64) return 0;
    const char *const *known = cl_mechanism_names();
    int found = 0;
    for (size_t i = 0; known && known[i]; i++)
        if (strcmp(known[i], name) == 0) found = 1;
    if (!found) return 0;
    if (n != 1 || a[0].k != V_NUM) return hoc_fail(h, at, "new %s(x): one position", name);
    cl_section sec;
    if (hoc_current_section(h, at, &sec)) return -1;
    pp *p = calloc(1, sizeof *p);
    if (!p) return hoc_fail(h, at, "out of memory");
    snprintf(p->name, sizeof p->name, "%s", name);
    if (hoc_cl(h, at, cl_pp_new(h->sim, name, sec, a[0].num, &p->pp), name)) {
        free(p);
        return -1;
    }
    o->cls = &hoc_pp_class;
    o->data = p;
    o->index = next_index(h, name);
    return 1;
}

static void pp_dtor(hoc_interp *h, hoc_object *o) {
    pp *p = o->data;
    /* as in NEURON, the last reference gone removes the point process;
     * those alive when the interpreter is freed stay in the simulation */
    if (p && h->sim && !h->freeing) cl_pp_delete(h->sim, p->pp);
    free(p);
    o->data = NULL;
}

static int pp_member(hoc_interp *h, hoc_object *o, const char *name, const hoc_node *at, const double *idx, int nidx,
                     hoc_lval *out) {
    pp *p = o->data;
    (void)idx;
    double d;
    if (cl_pp_get(h->sim, p->pp, name, &d) != CL_OK) return 0;
    if (nidx) return hoc_fail(h, at, "%s.%s takes no index", p->name, name), -1;
    memset(out, 0, sizeof *out);
    out->k = V_PPVAR;
    out->pp = p->pp;
    out->var = name;
    return 1;
}

const hoc_class hoc_pp_class = {"PointProcess", NULL, pp_dtor, NULL, pp_member};

static int nc_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    if (!h->sim) return hoc_fail(h, at, "NetCon: needs a simulation (hoc_bind_sim)");
    if (n < 2 || n > 5) return hoc_fail(h, at, "new NetCon(&v(x) or source, target [, threshold, delay, weight])");
    cl_pp target = {0};
    if (a[1].k != V_OBJ) return hoc_fail(h, at, "NetCon: the target must be a point process or nil");
    if (a[1].obj) {
        if (a[1].obj->cls != &hoc_pp_class) return hoc_fail(h, at, "NetCon: the target must be a point process or nil");
        target = ((pp *)a[1].obj->data)->pp;
    }
    nc *c = calloc(1, sizeof *c);
    if (!c) return hoc_fail(h, at, "out of memory");
    o->data = c;
    cl_status st;
    if (a[0].k == V_NUM && a[0].has_rptr) st = cl_netcon_from_section(h->sim, a[0].rsec, a[0].rx, target, &c->nc);
    else if (a[0].k == V_OBJ && a[0].obj && a[0].obj->cls == &hoc_pp_class)
        st = cl_netcon_from_pp(h->sim, ((pp *)a[0].obj->data)->pp, target, &c->nc);
    else return hoc_fail(h, at, "NetCon: the source must be &v(x) or a point process");
    if (hoc_cl(h, at, st, "NetCon")) return -1;
    for (int i = 2; i < n; i++) {
        if (a[i].k != V_NUM) return hoc_fail(h, at, "NetCon: argument %d must be a number", i + 1);
        st = i == 2 ? cl_netcon_set_threshold(h->sim, c->nc, a[i].num)
           : i == 3 ? cl_netcon_set_delay(h->sim, c->nc, a[i].num)
                    : cl_netcon_set_weight(h->sim, c->nc, 0, a[i].num);
        if (hoc_cl(h, at, st, "NetCon")) return -1;
    }
    return 0;
}

static void nc_dtor(hoc_interp *h, hoc_object *o) {
    (void)h;
    free(o->data);
    o->data = NULL;
}

static int nc_member(hoc_interp *h, hoc_object *o, const char *name, const hoc_node *at, const double *idx, int nidx,
                     hoc_lval *out) {
    nc *c = o->data;
    if (strcmp(name, "threshold") != 0 && strcmp(name, "delay") != 0 && strcmp(name, "weight") != 0) return 0;
    memset(out, 0, sizeof *out);
    out->k = V_NCVAR;
    out->nc = c->nc;
    out->var = name;
    out->x = 0;
    if (name[0] == 'w') {
        if (nidx > 1 || (nidx == 1 && !(idx[0] >= 0 && idx[0] < 64)))
            return hoc_fail(h, at, "NetCon.weight[i]: index out of range"), -1;
        out->x = nidx ? idx[0] : 0;
    } else if (nidx) {
        return hoc_fail(h, at, "NetCon.%s takes no index", name), -1;
    }
    return 1;
}

const hoc_class hoc_netcon_class = {"NetCon", nc_ctor, nc_dtor, NULL, nc_member};

int hoc_lval_get(hoc_interp *h, const hoc_node *at, hoc_lval *lv, double *out) {
    if (lv->k == V_PPVAR) return hoc_cl(h, at, cl_pp_get(h->sim, lv->pp, lv->var, out), lv->var);
    if (lv->var[0] == 'w') return hoc_cl(h, at, cl_netcon_get_weight(h->sim, lv->nc, (int)lv->x, out), "weight");
    return hoc_fail(h, at, "NetCon.%s cannot be read back yet", lv->var);
}

int hoc_lval_set(hoc_interp *h, const hoc_node *at, hoc_lval *lv, double v) {
    if (lv->k == V_PPVAR) return hoc_cl(h, at, cl_pp_set(h->sim, lv->pp, lv->var, v), lv->var);
    cl_status st = lv->var[0] == 't' ? cl_netcon_set_threshold(h->sim, lv->nc, v)
                 : lv->var[0] == 'd' ? cl_netcon_set_delay(h->sim, lv->nc, v)
                                     : cl_netcon_set_weight(h->sim, lv->nc, (int)lv->x, v);
    return hoc_cl(h, at, st, lv->var);
}
