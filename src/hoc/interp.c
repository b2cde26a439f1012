/* The hoc evaluator: walks the AST. Scoping follows NEURON: inside a
 * template, names are the object's own (plus `external` ones and the
 * built-ins); at top level, names are global; proc locals shadow both.
 * Assigning to an undeclared name creates a number in the current scope. */
#include "hoc/interp.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <regex.h>
#include <string.h>
#include <sys/stat.h>

#include "hoc/lexer.h"
#include "hoc/parser.h"

#define HOC_EPS 1e-11 /* hoc's float_epsilon for comparisons */

enum { EX_OK, EX_BREAK, EX_CONTINUE, EX_RETURN, EX_STOP, EX_ERR };

/* ---------- errors and output ---------- */

int hoc_fail(hoc_interp *h, const hoc_node *at, const char *fmt, ...) {
    if (h->err_set) return -1;
    h->err_set = 1;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t n;
    if (at) n = (size_t)snprintf(h->err, sizeof h->err, "%s:%d:%d: %s", at->file, at->line, at->col, msg);
    else n = (size_t)snprintf(h->err, sizeof h->err, "%s", msg);
    for (hoc_frame *f = h->fr; f && f->site && n < sizeof h->err; f = f->up) {
        n += (size_t)snprintf(h->err + n, sizeof h->err - n, "\n  in %s, called from %s:%d:%d", f->name,
                              f->site->file, f->site->line, f->site->col);
    }
    return -1;
}

void hoc_out(hoc_interp *h, const char *s, size_t n) {
    if (h->out) h->out(h->out_ctx, s, n);
    else fwrite(s, 1, n, stdout);
}

/* ---------- scopes ---------- */

static size_t hash(const char *s) {
    size_t x = 5381;
    while (*s) x = x * 33 + (unsigned char)*s++;
    return x;
}

static hoc_sym *scope_find(const hoc_scope *sc, const char *name) {
    if (!sc->nb) return NULL;
    for (hoc_sym *s = sc->b[hash(name) % sc->nb]; s; s = s->next)
        if (strcmp(s->name, name) == 0) return s;
    return NULL;
}

static void sym_clear_storage(hoc_interp *h, hoc_sym *s) {
    for (size_t i = 0; s->strs && i < s->count; i++) free(s->strs[i]);
    for (size_t i = 0; s->objs && i < s->count; i++) hoc_obj_unref(h, s->objs[i]);
    free(s->nums);
    free(s->strs);
    free(s->objs);
    free(s->secs);
    s->secs = NULL;
    s->nums = NULL;
    s->strs = NULL;
    s->objs = NULL;
    s->count = 0;
}

static hoc_sym *scope_add(hoc_scope *sc, const char *name) {
    if (sc->n >= sc->nb) {
        size_t nb = sc->nb ? sc->nb * 2 : 16;
        hoc_sym **b = calloc(nb, sizeof *b);
        if (!b) return NULL;
        for (size_t i = 0; i < sc->nb; i++) {
            for (hoc_sym *s = sc->b[i], *nx; s; s = nx) {
                nx = s->next;
                size_t k = hash(s->name) % nb;
                s->next = b[k];
                b[k] = s;
            }
        }
        free(sc->b);
        sc->b = b;
        sc->nb = nb;
    }
    hoc_sym *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->name = strdup(name);
    if (!s->name) {
        free(s);
        return NULL;
    }
    size_t k = hash(name) % sc->nb;
    s->next = sc->b[k];
    sc->b[k] = s;
    sc->n++;
    return s;
}

static void scope_free(hoc_interp *h, hoc_scope *sc) {
    for (size_t i = 0; i < sc->nb; i++) {
        for (hoc_sym *s = sc->b[i], *nx; s; s = nx) {
            nx = s->next;
            sym_clear_storage(h, s);
            if (s->tmpl) {
                free(s->tmpl->publics);
                free(s->tmpl->externals);
                free(s->tmpl);
            }
            free(s->name);
            free(s);
        }
        sc->b[i] = NULL;
    }
    free(sc->b);
    sc->b = NULL;
    sc->nb = sc->n = 0;
}

/* ---------- values and objects ---------- */

void hoc_value_clear(hoc_interp *h, hoc_value *v) {
    free(v->str);
    if (v->obj) hoc_obj_unref(h, v->obj);
    memset(v, 0, sizeof *v);
}

hoc_object *hoc_obj_ref(hoc_object *o) {
    if (o) o->ref++;
    return o;
}

static void obj_destroy(hoc_interp *h, hoc_object *o) {
    o->dying = 1;
    if (o->cls && o->cls->dtor) o->cls->dtor(h, o);
    scope_free(h, &o->fields);
    if (o->prev) o->prev->next = o->next;
    else h->objects = o->next;
    if (o->next) o->next->prev = o->prev;
    free(o);
}

void hoc_obj_unref(hoc_interp *h, hoc_object *o) {
    if (!o || o->dying) return;
    if (--o->ref <= 0) obj_destroy(h, o);
}

const char *hoc_obj_name(const hoc_object *o, char *buf, size_t n) {
    if (!o) snprintf(buf, n, "NULLobject");
    else if (o->cls == &hoc_pp_class && o->data) snprintf(buf, n, "%s[%d]", (const char *)o->data, o->index);
    else snprintf(buf, n, "%s[%d]", o->tmpl ? o->tmpl->name : o->cls->name, o->index);
    return buf;
}

static hoc_object *obj_alloc(hoc_interp *h) {
    hoc_object *o = calloc(1, sizeof *o);
    if (!o) return NULL;
    o->next = h->objects;
    if (h->objects) h->objects->prev = o;
    h->objects = o;
    return o;
}

static char *xstrdup(hoc_interp *h, const hoc_node *at, const char *s) {
    char *d = strdup(s ? s : "");
    if (!d) hoc_fail(h, at, "out of memory");
    return d;
}

/* ---------- interpreter lifetime ---------- */

static void set_global(hoc_interp *h, const char *name, double v) {
    hoc_sym *s = scope_add(&h->globals, name);
    if (!s) return;
    s->type = S_NUM;
    s->count = 1;
    s->nums = calloc(1, sizeof(double));
    if (s->nums) s->nums[0] = v;
}

hoc_interp *hoc_new(const hoc_limits *limits) {
    hoc_interp *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    if (limits) h->lim = *limits;
    if (h->lim.max_call_depth <= 0) h->lim.max_call_depth = 500;
    if (!(h->lim.max_elements > 0)) h->lim.max_elements = 1e8;
    h->fr = &h->top;
    h->top.name = "top level";
    /* NEURON's defaults for the globals templates read */
    set_global(h, "PI", 3.14159265358979323846);
    set_global(h, "E", 2.71828182845904523536);
    set_global(h, "DEG", 57.29577951308232087680);
    set_global(h, "GAMMA", 0.57721566490153286060);
    set_global(h, "FARADAY", 96485.309);
    set_global(h, "R", 8.31441);
    set_global(h, "float_epsilon", HOC_EPS);
    set_global(h, "hoc_ac_", 0);
    set_global(h, "celsius", 6.3);
    set_global(h, "v_init", -65);
    set_global(h, "dt", 0.025);
    set_global(h, "t", 0);
    set_global(h, "tstop", 5);
    set_global(h, "secondorder", 0);
    return h;
}

void hoc_free(hoc_interp *h) {
    if (!h) return;
    /* Break reference cycles (e.g. CellRef = this): pin every object so
     * none is freed while others still point at it, empty the fields and
     * globals, run the built-in destructors, then free the objects. */
    h->freeing = 1;
    for (hoc_object *o = h->objects; o; o = o->next) o->ref++;
    for (hoc_object *o = h->objects; o; o = o->next) scope_free(h, &o->fields);
    scope_free(h, &h->globals);
    for (hoc_object *o = h->objects; o; o = o->next)
        if (o->cls && o->cls->dtor) o->cls->dtor(h, o);
    while (h->objects) {
        hoc_object *o = h->objects;
        h->objects = o->next;
        free(o);
    }
    for (size_t i = 0; i < h->nunits; i++) hoc_unit_free(h->units[i]);
    free(h->units);
    for (size_t i = 0; i < h->nloaded; i++) free(h->loaded[i]);
    free(h->loaded);
    free(h->deleted);
    free(h->vset);
    free(h);
}

void hoc_set_output(hoc_interp *h, hoc_output_fn fn, void *ctx) {
    h->out = fn;
    h->out_ctx = ctx;
}

const char *hoc_error(const hoc_interp *h) { return h->err; }

int hoc_set_number(hoc_interp *h, const char *name, double v) {
    hoc_sym *s = scope_find(&h->globals, name);
    if (!s || s->type != S_NUM || !s->count) return -1;
    s->nums[0] = v;
    return 0;
}

int hoc_get_number(hoc_interp *h, const char *name, double *out) {
    hoc_sym *s = scope_find(&h->globals, name);
    if (!s || s->type != S_NUM || !s->count) return -1;
    *out = s->nums[0];
    return 0;
}

/* ---------- name resolution ---------- */

hoc_sym *hoc_obj_field(hoc_object *o, const char *name) { return o ? scope_find(&o->fields, name) : NULL; }

hoc_sym *hoc_global(hoc_interp *h, const char *name) { return scope_find(&h->globals, name); }

static int template_has(char **names, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0) return 1;
    return 0;
}

/* The scope where a new name is created: the object's or the globals. */
static hoc_scope *current_scope(hoc_interp *h) {
    return h->fr->obj ? &h->fr->obj->fields : &h->globals;
}

static hoc_sym *lookup(hoc_interp *h, const char *name) {
    hoc_sym *s;
    if (h->fr->is_proc && (s = scope_find(&h->fr->locals, name))) return s;
    hoc_object *o = h->fr->obj;
    if (o) {
        if ((s = scope_find(&o->fields, name))) return s;
        if (o->tmpl && template_has(o->tmpl->externals, o->tmpl->next, name)) return scope_find(&h->globals, name);
        /* templates are visible everywhere (for `new`) */
        s = scope_find(&h->globals, name);
        if (s && s->type == S_TEMPLATE) return s;
        return NULL;
    }
    return scope_find(&h->globals, name);
}

/* ---------- declarations ---------- */

static int eval(hoc_interp *h, const hoc_node *n, hoc_value *out);
static int exec(hoc_interp *h, const hoc_node *n);

static int eval_num(hoc_interp *h, const hoc_node *n, double *out) {
    hoc_value v = {0};
    if (eval(h, n, &v)) return -1;
    if (v.k != V_NUM) {
        hoc_value_clear(h, &v);
        return hoc_fail(h, n, "expected a number here");
    }
    *out = v.num;
    return 0;
}

/* Declares (or re-declares) name with the given type and dimensions. */
static int declare(hoc_interp *h, hoc_scope *sc, const hoc_node *d, int type) {
    size_t dims[4] = {1, 1, 1, 1};
    int ndim = (int)d->n;
    if (ndim > 4) return hoc_fail(h, d, "'%s': at most 4 dimensions", d->name);
    size_t count = 1;
    for (int i = 0; i < ndim; i++) {
        double x = 0;
        if (eval_num(h, d->list[i], &x)) return -1;
        if (!(x >= 1) || x > h->lim.max_elements)
            return hoc_fail(h, d->list[i], "'%s': array size %g is not in 1..%g", d->name, x, h->lim.max_elements);
        dims[i] = (size_t)x;
        if ((double)count * (double)dims[i] > h->lim.max_elements) return hoc_fail(h, d, "'%s': array too large", d->name);
        count *= dims[i];
    }
    hoc_sym *s = scope_find(sc, d->name);
    if (s && (s->type == S_FUNC || s->type == S_TEMPLATE))
        return hoc_fail(h, d, "'%s' is already a %s", d->name, s->type == S_FUNC ? "procedure" : "template");
    /* re-declaring a scalar of the same type keeps its value (hoc keeps
     * strdefs and objrefs declared again inside procs) */
    if (s && s->type == type && s->ndim == 0 && ndim == 0) return 0;
    if (!s) s = scope_add(sc, d->name);
    if (!s) return hoc_fail(h, d, "out of memory");
    sym_clear_storage(h, s);
    s->type = type;
    s->ndim = ndim;
    memcpy(s->dims, dims, sizeof dims);
    s->count = count;
    if (type == S_NUM) s->nums = calloc(count, sizeof(double));
    else if (type == S_SEC) {
        s->secs = calloc(count, sizeof(cl_section));
        if (!s->secs) return hoc_fail(h, d, "out of memory");
        return 0;
    } else if (type == S_STR) {
        s->strs = calloc(count, sizeof(char *));
        for (size_t i = 0; s->strs && i < count; i++) {
            s->strs[i] = strdup("");
            if (!s->strs[i]) return hoc_fail(h, d, "out of memory");
        }
    } else if (type == S_OBJ) s->objs = calloc(count, sizeof(hoc_object *));
    if (!s->nums && !s->strs && !s->objs) return hoc_fail(h, d, "out of memory");
    return 0;
}

/* ---------- places (lvalues) ---------- */

static int flat_index(hoc_interp *h, const hoc_node *n, const hoc_sym *s, size_t *out) {
    if ((int)n->n != s->ndim) {
        if (n->n == 0 && s->ndim > 0) {
            *out = 0; /* hoc: a bare array name means element 0 */
            return 0;
        }
        return hoc_fail(h, n, "'%s' has %d dimension(s), %zu index(es) given", s->name, s->ndim, n->n);
    }
    size_t k = 0;
    for (int i = 0; i < s->ndim; i++) {
        double x = 0;
        if (eval_num(h, n->list[i], &x)) return -1;
        if (!(x >= 0) || x >= (double)s->dims[i] + 0.0)
            return hoc_fail(h, n->list[i], "index %g of '%s' is out of range (size %zu)", x, s->name, s->dims[i]);
        k = k * s->dims[i] + (size_t)x;
    }
    *out = k;
    return 0;
}

static int sym_place(hoc_interp *h, const hoc_node *n, hoc_sym *s, hoc_lval *lv) {
    size_t k = 0;
    switch (s->type) {
    case S_NUM:
    case S_STR:
    case S_OBJ:
        if (flat_index(h, n, s, &k)) return -1;
        lv->k = s->type == S_NUM ? V_NUM : s->type == S_STR ? V_STR : V_OBJ;
        if (s->type == S_NUM) lv->num = &s->nums[k];
        else if (s->type == S_STR) lv->str = &s->strs[k];
        else lv->obj = &s->objs[k];
        return 0;
    case S_SEC:
        return hoc_fail(h, n, "'%s' is a section, not a variable", s->name);
    case S_FUNC:
        return hoc_fail(h, n, "'%s' is a procedure, not a variable", s->name);
    default:
        return hoc_fail(h, n, "'%s' is a template, not a variable", s->name);
    }
}

static int eval_indices(hoc_interp *h, const hoc_node *n, double *idx) {
    for (size_t i = 0; i < n->n; i++)
        if (eval_num(h, n->list[i], &idx[i])) return -1;
    return 0;
}

/* The place a member names; create: allow nothing new (members can't be created from outside) */
static int member_place(hoc_interp *h, const hoc_node *n, hoc_object *o, hoc_lval *lv) {
    char buf[128];
    if (!o) return hoc_fail(h, n, "member '%s' of a NULL object", n->name);
    if (o->tmpl) {
        hoc_sym *s = scope_find(&o->fields, n->name);
        if (!s || (o != h->fr->obj && !template_has(o->tmpl->publics, o->tmpl->npub, n->name)))
            return hoc_fail(h, n, "'%s' is not a public member of %s", n->name, hoc_obj_name(o, buf, sizeof buf));
        hoc_frame *save = h->fr;
        int r = sym_place(h, n, s, lv);
        h->fr = save;
        return r;
    }
    if (n->n > 4) return hoc_fail(h, n, "too many indices");
    double idx[4];
    if (eval_indices(h, n, idx)) return -1;
    int r = o->cls->member ? o->cls->member(h, o, n->name, n, idx, (int)n->n, lv) : 0;
    if (r == 0) return hoc_fail(h, n, "%s has no member '%s' (unsupported built-in member)", o->cls->name, n->name);
    return r < 0 ? -1 : 0;
}

static int arg_place(hoc_interp *h, const hoc_node *n, hoc_lval *lv) {
    hoc_frame *f = h->fr;
    int i = (int)n->num;
    if (n->a) {
        double x = 0;
        if (eval_num(h, n->a, &x)) return -1;
        i = x >= 1 && x <= 1e6 ? (int)x : 0;
    }
    if (!f->is_proc || i < 1 || i > f->nargs)
        return hoc_fail(h, n, "$%s%d: argument %d was not passed (numarg() = %d)",
                        n->argkind == 'n' ? "" : n->argkind == 's' ? "s" : n->argkind == 'o' ? "o" : "&", i, i,
                        f->is_proc ? f->nargs : 0);
    hoc_value *a = &f->args[i - 1];
    switch (n->argkind) {
    case 'n':
        if (a->k != V_NUM) return hoc_fail(h, n, "$%d: argument %d is not a number", i, i);
        lv->k = V_NUM;
        lv->num = &a->num; /* $1 = x changes the local copy, as in hoc */
        return 0;
    case '&':
        if (!a->nref) return hoc_fail(h, n, "$&%d: argument %d is not a pointer (&var)", i, i);
        lv->k = V_NUM;
        lv->num = a->nref;
        return 0;
    case 's':
        if (a->k != V_STR) return hoc_fail(h, n, "$s%d: argument %d is not a string", i, i);
        lv->k = V_STR;
        lv->str = a->sref ? a->sref : &a->str;
        return 0;
    default:
        if (a->k != V_OBJ) return hoc_fail(h, n, "$o%d: argument %d is not an object", i, i);
        lv->k = V_OBJ;
        lv->obj = a->oref ? a->oref : &a->obj;
        return 0;
    }
}

/* Does node name a section (soma, dend[i], obj.soma[0])? 1 with *out,
 * 0 if not, -1 on error. Call arguments on the node are ignored. */
static int sec_of(hoc_interp *h, const hoc_node *n, cl_section *out) {
    hoc_sym *s = NULL;
    hoc_object *held = NULL;
    if (n->kind == N_VAR) {
        s = lookup(h, n->name);
    } else if (n->kind == N_MEMBER) {
        hoc_value ov = {0};
        if (n->a->kind == N_VAR || n->a->kind == N_MEMBER || n->a->kind == N_ARG) {
            /* the left side may itself be a section (soma.L): not an object */
            cl_section tmp;
            if (n->a->kind != N_ARG) {
                int k = sec_of(h, n->a, &tmp);
                if (k != 0) return k < 0 ? -1 : 0;
            }
        }
        if (eval(h, n->a, &ov)) return -1;
        if (ov.k != V_OBJ || !ov.obj || !ov.obj->tmpl) {
            hoc_value_clear(h, &ov);
            return 0;
        }
        held = ov.obj;
        s = scope_find(&held->fields, n->name);
        if (s && s->type == S_SEC && held != h->fr->obj &&
            !template_has(held->tmpl->publics, held->tmpl->npub, n->name)) {
            char buf[128];
            hoc_value_clear(h, &ov);
            return hoc_fail(h, n, "'%s' is not a public member of %s", n->name, hoc_obj_name(held, buf, sizeof buf));
        }
        if (!s || s->type != S_SEC) {
            hoc_value_clear(h, &ov);
            return 0;
        }
        size_t k;
        int r = flat_index(h, n, s, &k);
        if (r == 0) *out = s->secs[k];
        hoc_value_clear(h, &ov);
        return r < 0 ? -1 : 1;
    } else {
        return 0;
    }
    if (!s || s->type != S_SEC) return 0;
    size_t k;
    if (flat_index(h, n, s, &k)) return -1;
    *out = s->secs[k];
    if (hoc_section_deleted(h, *out)) return hoc_fail(h, n, "section %s was deleted", n->name);
    return 1;
}

static int range_known(hoc_interp *h, cl_section sec, const char *var) {
    static const char *geo[] = {"L", "nseg", "Ra", "diam", "cm", "v", NULL};
    for (int i = 0; geo[i]; i++)
        if (strcmp(geo[i], var) == 0) return 1;
    double d;
    return cl_section_get_at(h->sim, sec, 0.5, var, &d) == CL_OK;
}

static int range_get(hoc_interp *h, const hoc_node *at, hoc_lval *lv, double *out) {
    cl_status st;
    if (strcmp(lv->var, "v") == 0) {
        double x = lv->x < 0 ? 0.5 : lv->x;
        for (size_t i = h->nvset; i-- > 0;)
            if (h->vset[i].id == lv->sec.id && h->vset[i].x == x) {
                *out = h->vset[i].v;
                return 0;
            }
    }
    if (strcmp(lv->var, "L") == 0) st = cl_section_get_L(h->sim, lv->sec, out);
    else if (strcmp(lv->var, "Ra") == 0) st = cl_section_get_Ra(h->sim, lv->sec, out);
    else if (strcmp(lv->var, "nseg") == 0) {
        int k = 0;
        st = cl_section_get_nseg(h->sim, lv->sec, &k);
        *out = k;
    } else st = cl_section_get_at(h->sim, lv->sec, lv->x < 0 ? 0.5 : lv->x, lv->var, out);
    return hoc_cl(h, at, st, lv->var);
}

static int range_set(hoc_interp *h, const hoc_node *at, hoc_lval *lv, double v) {
    cl_status st;
    if (strcmp(lv->var, "v") == 0) {
        struct hoc_vset *t = realloc(h->vset, (h->nvset + 1) * sizeof *t);
        if (!t) return hoc_fail(h, at, "out of memory");
        h->vset = t;
        h->vset[h->nvset++] = (struct hoc_vset){lv->sec.id, lv->x < 0 ? 0.5 : lv->x, v};
        return 0;
    }
    if (strcmp(lv->var, "L") == 0) st = cl_section_set_L(h->sim, lv->sec, v);
    else if (strcmp(lv->var, "Ra") == 0) st = cl_section_set_Ra(h->sim, lv->sec, v);
    else if (strcmp(lv->var, "nseg") == 0) {
        if (!(v >= 1 && v <= 32767)) return hoc_fail(h, at, "nseg = %g: must be in 1..32767", v);
        st = cl_section_set_nseg(h->sim, lv->sec, (int)v);
    } else if (lv->x < 0) st = cl_section_set(h->sim, lv->sec, lv->var, v);
    else st = cl_section_set_at(h->sim, lv->sec, lv->x, lv->var, v);
    return hoc_cl(h, at, st, lv->var);
}

/* name or name(x) as a range variable of sec; 1 if it is one. */
static int range_place(hoc_interp *h, const hoc_node *n, cl_section sec, const char *var, hoc_lval *lv) {
    if (!range_known(h, sec, var)) return 0;
    memset(lv, 0, sizeof *lv);
    lv->k = V_RANGE;
    lv->sec = sec;
    lv->var = var;
    lv->x = -1;
    if (n->has_call) {
        if (n->nargs != 1) return hoc_fail(h, n, "%s(x) takes one position", var);
        double x = 0;
        if (eval_num(h, n->args[0], &x)) return -1;
        if (!(x >= 0 && x <= 1)) return hoc_fail(h, n, "%s(%g): position must be in [0, 1]", var, x);
        lv->x = x;
    }
    return 1;
}

/* A range variable of the current section, when the name is one. */
static int current_range(hoc_interp *h, const hoc_node *n, hoc_lval *lv) {
    if (!h->sim || (h->nsec == 0 && !h->has_access)) return 0;
    cl_section sec = {0};
    if (hoc_current_section(h, n, &sec)) return -1;
    return range_place(h, n, sec, n->name, lv);
}

/* Resolves an assignable expression; `create` makes an undeclared plain
 * name a new number variable in the current scope. */
static int place(hoc_interp *h, const hoc_node *n, hoc_lval *lv, int create) {
    memset(lv, 0, sizeof *lv);
    if (n->kind == N_ARG) return arg_place(h, n, lv);
    if (n->kind == N_MEMBER) {
        cl_section sec = {0};
        int k = sec_of(h, n->a, &sec);
        if (k < 0) return -1;
        if (k == 1) {
            k = range_place(h, n, sec, n->name, lv);
            if (k == 0) return hoc_fail(h, n, "'%s' is not a range variable of this section (mechanism not inserted?)", n->name);
            return k < 0 ? -1 : 0;
        }
    }
    if (n->kind == N_VAR && !lookup(h, n->name)) {
        int k = current_range(h, n, lv);
        if (k) return k < 0 ? -1 : 0;
    }
    if (n->has_call) return hoc_fail(h, n, "a function call cannot be assigned to");
    if (n->kind == N_VAR) {
        if (strcmp(n->name, "this") == 0) return hoc_fail(h, n, "'this' cannot be assigned to");
        hoc_sym *s = lookup(h, n->name);
        if (!s) {
            if (!create) return hoc_fail(h, n, "undefined variable %s", n->name);
            if (n->n) return hoc_fail(h, n, "'%s' is not an array", n->name);
            s = scope_add(current_scope(h), n->name);
            if (!s || !(s->nums = calloc(1, sizeof(double)))) return hoc_fail(h, n, "out of memory");
            s->type = S_NUM;
            s->count = 1;
        }
        return sym_place(h, n, s, lv);
    }
    if (n->kind == N_MEMBER) {
        hoc_value ov = {0};
        if (eval(h, n->a, &ov)) return -1;
        if (ov.k != V_OBJ) {
            hoc_value_clear(h, &ov);
            return hoc_fail(h, n, "left of '.%s' is not an object", n->name);
        }
        hoc_object *o = ov.obj;
        int r = member_place(h, n, o, lv);
        /* the place stays valid while something else holds the object */
        if (o && o->ref <= 1 && r == 0) {
            hoc_value_clear(h, &ov);
            return hoc_fail(h, n, "'.%s' of a temporary object", n->name);
        }
        hoc_value_clear(h, &ov);
        return r;
    }
    return hoc_fail(h, n, "not assignable");
}

static void lval_read(hoc_lval *lv, hoc_value *out, hoc_interp *h, const hoc_node *at) {
    memset(out, 0, sizeof *out);
    out->k = lv->k;
    if (lv->k == V_PPVAR || lv->k == V_NCVAR) {
        out->k = V_NUM;
        if (hoc_lval_get(h, at, lv, &out->num)) out->k = V_NONE;
        return;
    }
    if (lv->k == V_NUM) {
        out->num = *lv->num;
        out->nref = lv->num;
    } else if (lv->k == V_STR) {
        out->str = xstrdup(h, at, *lv->str);
        out->sref = lv->str;
    } else {
        out->obj = hoc_obj_ref(*lv->obj);
        out->oref = lv->obj;
    }
}

static int assign_to(hoc_interp *h, const hoc_node *at, hoc_lval *lv, hoc_value *v) {
    if (lv->k == V_RANGE) {
        if (v->k != V_NUM) return hoc_fail(h, at, "%s needs a number", lv->var);
        return range_set(h, at, lv, v->num);
    }
    if (lv->k == V_PPVAR || lv->k == V_NCVAR) {
        if (v->k != V_NUM) return hoc_fail(h, at, "%s needs a number", lv->var);
        return hoc_lval_set(h, at, lv, v->num);
    }
    if (lv->k == V_NUM) {
        if (v->k != V_NUM) return hoc_fail(h, at, "cannot assign a %s to a number", v->k == V_STR ? "string" : "object");
        *lv->num = v->num;
    } else if (lv->k == V_STR) {
        if (v->k != V_STR) return hoc_fail(h, at, "cannot assign a %s to a string", v->k == V_NUM ? "number" : "object");
        char *c = xstrdup(h, at, v->str);
        if (!c) return -1;
        free(*lv->str);
        *lv->str = c;
    } else {
        if (v->k != V_OBJ) return hoc_fail(h, at, "cannot assign a %s to an object reference", v->k == V_NUM ? "number" : "string");
        hoc_object *old = *lv->obj;
        *lv->obj = hoc_obj_ref(v->obj);
        hoc_obj_unref(h, old);
    }
    return 0;
}

/* ---------- calls ---------- */

static int eval_args(hoc_interp *h, const hoc_node *n, hoc_value **out) {
    *out = NULL;
    if (!n->nargs) return 0;
    hoc_value *a = calloc(n->nargs, sizeof *a);
    if (!a) return hoc_fail(h, n, "out of memory");
    for (size_t i = 0; i < n->nargs; i++) {
        if (eval(h, n->args[i], &a[i])) {
            for (size_t j = 0; j < i; j++) hoc_value_clear(h, &a[j]);
            free(a);
            return -1;
        }
    }
    *out = a;
    return 0;
}

static void free_args(hoc_interp *h, hoc_value *a, size_t n) {
    for (size_t i = 0; i < n; i++) hoc_value_clear(h, &a[i]);
    free(a);
}

static int call_user(hoc_interp *h, const hoc_node *site, hoc_sym *s, hoc_object *obj, hoc_value *args, int nargs,
                     hoc_value *ret) {
    if (h->depth >= h->lim.max_call_depth)
        return hoc_fail(h, site, "call depth limit (%d) exceeded calling %s: infinite recursion?", h->lim.max_call_depth,
                        s->name);
    hoc_frame f;
    memset(&f, 0, sizeof f);
    f.args = args;
    f.nargs = nargs;
    f.is_proc = 1;
    f.obj = obj;
    f.name = s->name;
    f.site = site;
    f.up = h->fr;
    h->fr = &f;
    h->depth++;
    int r = exec(h, s->def->a);
    h->depth--;
    h->fr = f.up;
    scope_free(h, &f.locals);
    if (r == EX_ERR) {
        hoc_value_clear(h, &f.ret);
        return -1;
    }
    if (r == EX_BREAK || r == EX_CONTINUE) {
        hoc_value_clear(h, &f.ret);
        return hoc_fail(h, site, "'break' or 'continue' outside a loop in %s", s->name);
    }
    if (r == EX_STOP) {
        hoc_value_clear(h, &f.ret);
        return hoc_fail(h, site, "stop");
    }
    int kind = s->def->op;
    if (kind == T_FUNC && f.ret.k != V_NUM) {
        hoc_value_clear(h, &f.ret);
        if (r != EX_RETURN) f.ret.k = V_NUM; /* falling off the end returns 0 */
        else return hoc_fail(h, site, "func %s must return a number", s->name);
    }
    if (kind == T_OBFUNC && f.ret.k != V_OBJ) {
        hoc_value_clear(h, &f.ret);
        if (r != EX_RETURN) f.ret.k = V_OBJ;
        else return hoc_fail(h, site, "obfunc %s must return an object", s->name);
    }
    if (kind == T_PROC) hoc_value_clear(h, &f.ret);
    f.ret.nref = NULL;
    f.ret.sref = NULL;
    f.ret.oref = NULL;
    *ret = f.ret;
    return 0;
}

/* Creates the sections of a `create`d symbol in the context's cell. */
static int make_sections(hoc_interp *h, const hoc_node *at, hoc_object *o, hoc_sym *s) {
    cl_cell cell;
    if (hoc_context_cell(h, at, o, &cell)) return -1;
    for (size_t i = 0; i < s->count; i++) {
        char name[200];
        if (s->ndim == 0) snprintf(name, sizeof name, "%s", s->name);
        else snprintf(name, sizeof name, "%s[%zu]", s->name, i);
        cl_section old;
        if (cl_cell_section(h->sim, cell, name, &old) == CL_OK) {
            /* a deleted section keeps its name in the cell: the new one gets a suffix */
            size_t l = strlen(name);
            snprintf(name + l, sizeof name - l, "#%d", ++h->generation);
        }
        if (hoc_cl(h, at, cl_section_new(h->sim, cell, name, &s->secs[i]), "create")) return -1;
    }
    return 0;
}

static int instantiate(hoc_interp *h, const hoc_node *at, hoc_object *o, hoc_object *proto) {
    hoc_scope *src = &proto->fields;
    for (size_t b = 0; b < src->nb; b++) {
        for (hoc_sym *ps = src->b[b]; ps; ps = ps->next) {
            hoc_sym *s = scope_add(&o->fields, ps->name);
            if (!s) return hoc_fail(h, at, "out of memory");
            s->type = ps->type;
            s->ndim = ps->ndim;
            memcpy(s->dims, ps->dims, sizeof s->dims);
            s->count = ps->count;
            s->def = ps->def;
            if (s->type == S_SEC) {
                if (!(s->secs = calloc(s->count, sizeof(cl_section)))) return hoc_fail(h, at, "out of memory");
                if (make_sections(h, at, o, s)) return -1;
            } else if (s->type == S_NUM) {
                if (!(s->nums = calloc(s->count, sizeof(double)))) return hoc_fail(h, at, "out of memory");
            } else if (s->type == S_STR) {
                if (!(s->strs = calloc(s->count, sizeof(char *)))) return hoc_fail(h, at, "out of memory");
                for (size_t i = 0; i < s->count; i++)
                    if (!(s->strs[i] = strdup(""))) return hoc_fail(h, at, "out of memory");
            } else if (s->type == S_OBJ) {
                if (!(s->objs = calloc(s->count, sizeof(hoc_object *)))) return hoc_fail(h, at, "out of memory");
            }
        }
    }
    return 0;
}

static int new_object(hoc_interp *h, const hoc_node *n, hoc_value *out) {
    hoc_sym *s = scope_find(&h->globals, n->name);
    hoc_value *args = NULL;
    if (eval_args(h, n, &args)) return -1;
    int r = -1;
    if (s && s->type == S_TEMPLATE) {
        hoc_template *t = s->tmpl;
        hoc_object *o = obj_alloc(h);
        if (!o) {
            free_args(h, args, n->nargs);
            return hoc_fail(h, n, "out of memory");
        }
        o->tmpl = t;
        o->index = t->count++;
        o->ref = 1;
        /* every instance gets the variables and procs the template body
         * declared at definition, with fresh storage (NEURON does not run
         * the body again) */
        r = instantiate(h, n, o, t->proto);
        hoc_sym *init = scope_find(&o->fields, "init");
        if (r == 0 && init && init->type == S_FUNC) {
            hoc_value rv = {0};
            r = call_user(h, n, init, o, args, (int)n->nargs, &rv);
            hoc_value_clear(h, &rv);
        }
        if (r == 0) {
            out->k = V_OBJ;
            out->obj = o;
        } else {
            hoc_obj_unref(h, o);
        }
    } else {
        int ci;
        const hoc_class *c = hoc_find_class(n->name, &ci);
        if (!c && !s && h->sim) {
            hoc_object *o = obj_alloc(h);
            if (!o) {
                free_args(h, args, n->nargs);
                return hoc_fail(h, n, "out of memory");
            }
            o->ref = 1;
            o->cls = &hoc_pp_class; /* placeholder until made */
            int k = hoc_pp_new(h, n, n->name, args, (int)n->nargs, o);
            if (k == 1) {
                free_args(h, args, n->nargs);
                out->k = V_OBJ;
                out->obj = o;
                return 0;
            }
            o->cls = NULL;
            o->tmpl = NULL;
            o->data = NULL;
            /* unlink without a destructor */
            if (o->prev) o->prev->next = o->next;
            else h->objects = o->next;
            if (o->next) o->next->prev = o->prev;
            free(o);
            if (k < 0) {
                free_args(h, args, n->nargs);
                return -1;
            }
        }
        if (!c) {
            free_args(h, args, n->nargs);
            if (s) return hoc_fail(h, n, "'%s' is not a template", n->name);
            return hoc_fail(h, n, "unknown template or unsupported built-in class '%s'", n->name);
        }
        hoc_object *o = obj_alloc(h);
        if (!o) {
            free_args(h, args, n->nargs);
            return hoc_fail(h, n, "out of memory");
        }
        o->cls = c;
        o->index = h->class_count[ci]++;
        o->ref = 1;
        r = c->ctor ? c->ctor(h, o, n, args, (int)n->nargs) : 0;
        if (r == 0) {
            out->k = V_OBJ;
            out->obj = o;
        } else {
            hoc_obj_unref(h, o);
            r = -1;
        }
    }
    free_args(h, args, n->nargs);
    return r;
}

static int call_method(hoc_interp *h, const hoc_node *n, hoc_object *o, hoc_value *out) {
    char buf[128];
    if (!o) return hoc_fail(h, n, "%s() called on a NULL object", n->name);
    hoc_value *args = NULL;
    if (eval_args(h, n, &args)) return -1;
    int r;
    if (o->tmpl) {
        hoc_sym *s = scope_find(&o->fields, n->name);
        if (!s || (o != h->fr->obj && !template_has(o->tmpl->publics, o->tmpl->npub, n->name))) {
            r = hoc_fail(h, n, "'%s' is not a public member of %s", n->name, hoc_obj_name(o, buf, sizeof buf));
        } else if (s->type != S_FUNC) {
            r = hoc_fail(h, n, "'%s' of %s is not a procedure", n->name, hoc_obj_name(o, buf, sizeof buf));
        } else {
            hoc_obj_ref(o); /* keep the object alive during its own call */
            r = call_user(h, n, s, o, args, (int)n->nargs, out);
            hoc_obj_unref(h, o);
            if (r == 0 && out->k == V_NONE) out->k = V_NUM; /* obj.proc() is 0 in hoc */
        }
    } else {
        int k = o->cls->method ? o->cls->method(h, o, n->name, n, args, (int)n->nargs, out) : 0;
        if (k == 0) r = hoc_fail(h, n, "%s has no method '%s' (unsupported built-in method)", o->cls->name, n->name);
        else r = k < 0 ? -1 : 0;
    }
    free_args(h, args, n->nargs);
    return r;
}

static int call_name(hoc_interp *h, const hoc_node *n, hoc_value *out) {
    hoc_sym *s = lookup(h, n->name);
    if (s && s->type == S_FUNC) {
        hoc_value *args = NULL;
        if (eval_args(h, n, &args)) return -1;
        int r = call_user(h, n, s, h->fr->obj, args, (int)n->nargs, out);
        free_args(h, args, n->nargs);
        return r;
    }
    if (s && s->type != S_TEMPLATE)
        return hoc_fail(h, n, "'%s' is not a procedure (range variables and sections are not supported yet)", n->name);
    if (strcmp(n->name, "numarg") == 0) {
        out->k = V_NUM;
        out->num = h->fr->is_proc ? h->fr->nargs : 0;
        return 0;
    }
    if (!s) {
        hoc_lval rl;
        int k = current_range(h, n, &rl);
        if (k < 0) return -1;
        if (k == 1) {
            out->k = V_NUM;
            return range_get(h, n, &rl, &out->num);
        }
    }
    hoc_value *args = NULL;
    if (eval_args(h, n, &args)) return -1;
    int r = hoc_section_call(h, n->name, n, args, (int)n->nargs, out);
    if (r == 0) r = hoc_builtin_call(h, n->name, n, args, (int)n->nargs, out);
    free_args(h, args, n->nargs);
    if (r == 0) return hoc_fail(h, n, "undefined function or unsupported built-in '%s'", n->name);
    return r < 0 ? -1 : 0;
}

/* ---------- expressions ---------- */

static int compare(hoc_interp *h, const hoc_node *n, hoc_value *a, hoc_value *b, double *r) {
    if (a->k == V_OBJ && b->k == V_OBJ && (n->op == T_EQ || n->op == T_NE)) {
        int eq = a->obj == b->obj;
        *r = n->op == T_EQ ? eq : !eq;
        return 0;
    }
    if (a->k != V_NUM || b->k != V_NUM) return hoc_fail(h, n, "%s needs numbers", hoc_tok_name((hoc_tok)n->op));
    double x = a->num, y = b->num;
    switch (n->op) {
    case T_EQ: *r = fabs(x - y) <= HOC_EPS; break;
    case T_NE: *r = fabs(x - y) > HOC_EPS; break;
    case T_LT: *r = x < y - HOC_EPS; break;
    case T_LE: *r = x <= y + HOC_EPS; break;
    case T_GT: *r = x > y + HOC_EPS; break;
    default: *r = x >= y - HOC_EPS; break;
    }
    return 0;
}

static int eval(hoc_interp *h, const hoc_node *n, hoc_value *out) {
    memset(out, 0, sizeof *out);
    switch (n->kind) {
    case N_NUM:
        out->k = V_NUM;
        out->num = n->num;
        return 0;
    case N_STR:
        out->k = V_STR;
        out->str = xstrdup(h, n, n->name);
        return out->str ? 0 : -1;
    case N_VAR: {
        if (n->has_call) return call_name(h, n, out);
        if (strcmp(n->name, "this") == 0 && !lookup(h, "this")) {
            if (!h->fr->obj) return hoc_fail(h, n, "'this' used outside a template");
            out->k = V_OBJ;
            out->obj = hoc_obj_ref(h->fr->obj);
            return 0;
        }
        hoc_sym *s = lookup(h, n->name);
        if (s && s->type == S_FUNC) {
            /* a proc named without parentheses: hoc calls it */
            return call_name(h, n, out);
        }
        if (s && s->type == S_TEMPLATE && n->n == 1) {
            /* Name[i]: the live instance with that index, as hoc names objects */
            double x = 0;
            if (eval_num(h, n->list[0], &x)) return -1;
            for (hoc_object *o = h->objects; o; o = o->next)
                if (o->tmpl == s->tmpl && o->index == x && !o->dying) {
                    out->k = V_OBJ;
                    out->obj = hoc_obj_ref(o);
                    return 0;
                }
            return hoc_fail(h, n, "%s[%g] is not a live object", n->name, x);
        }
        if (!s) {
            if (strcmp(n->name, "nil") == 0 || strcmp(n->name, "NULLobject") == 0) {
                out->k = V_OBJ;
                return 0;
            }
            hoc_lval rl;
            int k = current_range(h, n, &rl);
            if (k < 0) return -1;
            if (k == 1) {
                out->k = V_NUM;
                return range_get(h, n, &rl, &out->num);
            }
            return hoc_fail(h, n, "undefined variable %s", n->name);
        }
        hoc_lval lv;
        if (sym_place(h, n, s, &lv)) return -1;
        lval_read(&lv, out, h, n);
        return out->k == V_STR && !out->str ? -1 : 0;
    }
    case N_ARG:
    case N_MEMBER: {
        if (n->kind == N_MEMBER) {
            cl_section sec = {0};
            int k = sec_of(h, n->a, &sec);
            if (k < 0) return -1;
            if (k == 1) {
                hoc_lval rl;
                k = range_place(h, n, sec, n->name, &rl);
                if (k == 0) return hoc_fail(h, n, "'%s' is not a range variable of this section (mechanism not inserted?)", n->name);
                if (k < 0) return -1;
                out->k = V_NUM;
                return range_get(h, n, &rl, &out->num);
            }
        }
        if (n->kind == N_MEMBER && n->has_call) {
            hoc_value ov = {0};
            if (eval(h, n->a, &ov)) return -1;
            if (ov.k != V_OBJ) {
                hoc_value_clear(h, &ov);
                return hoc_fail(h, n, "left of '.%s()' is not an object", n->name);
            }
            int r = call_method(h, n, ov.obj, out);
            hoc_value_clear(h, &ov);
            return r;
        }
        hoc_lval lv;
        if (n->kind == N_ARG) {
            if (arg_place(h, n, &lv)) return -1;
            lval_read(&lv, out, h, n);
            /* $1 is a copy; $o1 and $s1 keep the caller's variable */
            if (n->argkind == 'n') out->nref = NULL;
            return out->k == V_STR && !out->str ? -1 : 0;
        }
        hoc_value ov = {0};
        if (eval(h, n->a, &ov)) return -1;
        if (ov.k != V_OBJ) {
            hoc_value_clear(h, &ov);
            return hoc_fail(h, n, "left of '.%s' is not an object", n->name);
        }
        int r = member_place(h, n, ov.obj, &lv);
        if (r == 0) {
            lval_read(&lv, out, h, n);
            if (out->k == V_NONE) r = -1;
        }
        if (ov.obj && ov.obj->ref <= 1) { /* temporary: the place dies with it */
            out->nref = NULL;
            out->sref = NULL;
            out->oref = NULL;
        }
        hoc_value_clear(h, &ov);
        return r;
    }
    case N_NEW:
        return new_object(h, n, out);
    case N_ADDR: {
        hoc_lval lv;
        if (place(h, n->a, &lv, 0)) return -1;
        if (lv.k == V_RANGE) {
            if (strcmp(lv.var, "v") != 0) return hoc_fail(h, n, "pointers to range variables other than &v(x) are not supported yet");
            out->k = V_NUM;
            out->has_rptr = 1;
            out->rsec = lv.sec;
            out->rx = lv.x < 0 ? 0.5 : lv.x;
            return range_get(h, n, &lv, &out->num);
        }
        if (lv.k != V_NUM) return hoc_fail(h, n, "'&' needs a number variable");
        out->k = V_NUM;
        out->num = *lv.num;
        out->nref = lv.num;
        return 0;
    }
    case N_UNARY: {
        double x = 0;
        if (eval_num(h, n->a, &x)) return -1;
        out->k = V_NUM;
        out->num = n->op == T_MINUS ? -x : (x == 0);
        return 0;
    }
    case N_BIN: {
        if (n->op == T_AND || n->op == T_OR) {
            double x = 0, y = 0;
            if (eval_num(h, n->a, &x)) return -1;
            out->k = V_NUM;
            /* hoc evaluates both sides (no short circuit) */
            if (eval_num(h, n->b, &y)) return -1;
            out->num = n->op == T_AND ? (x != 0 && y != 0) : (x != 0 || y != 0);
            return 0;
        }
        hoc_value a = {0}, b = {0};
        if (eval(h, n->a, &a)) return -1;
        if (eval(h, n->b, &b)) {
            hoc_value_clear(h, &a);
            return -1;
        }
        int r = 0;
        out->k = V_NUM;
        if (n->op == T_EQ || n->op == T_NE || n->op == T_LT || n->op == T_LE || n->op == T_GT || n->op == T_GE) {
            r = compare(h, n, &a, &b, &out->num);
        } else if (a.k != V_NUM || b.k != V_NUM) {
            r = hoc_fail(h, n, "%s needs numbers", hoc_tok_name((hoc_tok)n->op));
        } else {
            double x = a.num, y = b.num;
            switch (n->op) {
            case T_PLUS: out->num = x + y; break;
            case T_MINUS: out->num = x - y; break;
            case T_STAR: out->num = x * y; break;
            case T_SLASH:
                if (y == 0) r = hoc_fail(h, n, "division by zero");
                else out->num = x / y;
                break;
            case T_PERCENT:
                /* hoc: x - y*floor(x/y)... as NEURON computes it */
                if (y == 0) r = hoc_fail(h, n, "modulus by zero");
                else out->num = x - y * floor(x / y);
                break;
            case T_CARET:
                out->num = pow(x, y);
                if (isnan(out->num) && !isnan(x) && !isnan(y)) r = hoc_fail(h, n, "%g^%g is not a real number", x, y);
                break;
            default: r = hoc_fail(h, n, "unknown operator");
            }
        }
        hoc_value_clear(h, &a);
        hoc_value_clear(h, &b);
        return r;
    }
    case N_ASSIGN: {
        hoc_value v = {0};
        if (eval(h, n->b, &v)) return -1;
        hoc_lval lv;
        if (place(h, n->a, &lv, 1)) {
            hoc_value_clear(h, &v);
            return -1;
        }
        if (n->op != T_ASSIGN) {
            if ((lv.k != V_NUM && lv.k != V_RANGE && lv.k != V_PPVAR && lv.k != V_NCVAR) || v.k != V_NUM) {
                hoc_value_clear(h, &v);
                return hoc_fail(h, n, "%s needs numbers", hoc_tok_name((hoc_tok)n->op));
            }
            double x = 0;
            if (lv.k == V_RANGE) {
                if (range_get(h, n, &lv, &x)) return -1;
            } else if (lv.k == V_PPVAR || lv.k == V_NCVAR) {
                if (hoc_lval_get(h, n, &lv, &x)) return -1;
            } else {
                x = *lv.num;
            }
            if (n->op == T_ADDEQ) v.num = x + v.num;
            else if (n->op == T_SUBEQ) v.num = x - v.num;
            else if (n->op == T_MULEQ) v.num = x * v.num;
            else {
                if (v.num == 0) return hoc_fail(h, n, "division by zero");
                v.num = x / v.num;
            }
        }
        int r = assign_to(h, n, &lv, &v);
        if (r == 0) *out = v;
        else hoc_value_clear(h, &v);
        out->nref = NULL;
        out->sref = NULL;
        out->oref = NULL;
        return r;
    }
    default:
        return hoc_fail(h, n, "not an expression");
    }
}

/* ---------- statements ---------- */

static int count_iter(hoc_interp *h, const hoc_node *at) {
    if (h->lim.max_loop_iters > 0 && ++h->iters > h->lim.max_loop_iters) {
        hoc_fail(h, at, "loop iteration limit (%lld) exceeded", h->lim.max_loop_iters);
        return -1;
    }
    return 0;
}

static int define_template(hoc_interp *h, const hoc_node *n) {
    hoc_sym *s = scope_find(&h->globals, n->name);
    if (s && s->type == S_TEMPLATE) return hoc_fail(h, n, "template '%s' is already defined", n->name);
    if (s) return hoc_fail(h, n, "'%s' is already used as a variable name", n->name);
    if (h->fr->obj) return hoc_fail(h, n, "templates cannot be defined inside a template");
    hoc_template *t = calloc(1, sizeof *t);
    if (!t) return hoc_fail(h, n, "out of memory");
    t->name = n->name;
    t->def = n;
    const hoc_node *b = n->a;
    for (size_t i = 0; i < b->n; i++) {
        const hoc_node *st = b->list[i];
        if (st->kind != N_PUBLIC && st->kind != N_EXTERNAL) continue;
        char ***arr = st->kind == N_PUBLIC ? &t->publics : &t->externals;
        size_t *cnt = st->kind == N_PUBLIC ? &t->npub : &t->next;
        char **na = realloc(*arr, (*cnt + st->n) * sizeof *na);
        if (!na) {
            free(t->publics);
            free(t->externals);
            free(t);
            return hoc_fail(h, n, "out of memory");
        }
        *arr = na;
        for (size_t j = 0; j < st->n; j++) na[(*cnt)++] = st->list[j]->name;
    }
    s = scope_add(&h->globals, n->name);
    if (!s) {
        free(t->publics);
        free(t->externals);
        free(t);
        return hoc_fail(h, n, "out of memory");
    }
    s->type = S_TEMPLATE;
    s->tmpl = t;
    hoc_object *proto = obj_alloc(h);
    if (!proto) return hoc_fail(h, n, "out of memory");
    proto->tmpl = t;
    proto->index = -1; /* never named Name[i] */
    proto->ref = 1;
    t->proto = proto;
    hoc_frame f;
    memset(&f, 0, sizeof f);
    f.obj = proto;
    f.name = t->name;
    f.up = h->fr;
    h->fr = &f;
    int ex = exec(h, n->a);
    h->fr = f.up;
    return ex == EX_ERR ? -1 : 0;
}

static int exec_body(hoc_interp *h, const hoc_node *n, int *stop_loop) {
    int r = exec(h, n);
    *stop_loop = 0;
    if (r == EX_BREAK) {
        *stop_loop = 1;
        return EX_OK;
    }
    if (r == EX_CONTINUE) return EX_OK;
    if (r != EX_OK) *stop_loop = 1;
    return r;
}

static void print_value(hoc_interp *h, hoc_value *v, int tab) {
    char buf[128];
    if (v->k == V_NUM) {
        int k = snprintf(buf, sizeof buf, tab ? "\t%.8g \n" : "%.8g ", v->num);
        hoc_out(h, buf, (size_t)k);
    } else if (v->k == V_STR) {
        hoc_out(h, v->str, strlen(v->str));
        if (tab) hoc_out(h, "\n", 1);
    } else if (v->k == V_OBJ) {
        hoc_obj_name(v->obj, buf, sizeof buf);
        if (tab) hoc_out(h, "\t", 1);
        hoc_out(h, buf, strlen(buf));
        hoc_out(h, tab ? " \n" : " ", tab ? 2 : 1);
    }
}

/* Appends the sections of a cell to a growing array. */
static int add_cell_sections(hoc_interp *h, const hoc_node *at, cl_cell cell, cl_section **arr, size_t *n, size_t *cap) {
    size_t cnt = 0;
    if (hoc_cl(h, at, cl_cell_section_count(h->sim, cell, &cnt), "sections")) return -1;
    for (size_t i = 0; i < cnt; i++) {
        if (*n == *cap) {
            size_t c = *cap ? *cap * 2 : 64;
            cl_section *t = realloc(*arr, c * sizeof *t);
            if (!t) return hoc_fail(h, at, "out of memory");
            *arr = t;
            *cap = c;
        }
        if (hoc_cl(h, at, cl_cell_section_at(h->sim, cell, i, &(*arr)[*n]), "sections")) return -1;
        (*n)++;
    }
    return 0;
}

/* forall / forsec "regex" / forsec list / ifsec "regex". Inside an object,
 * forall and the regex forms see the object's sections; at top level, all. */
static int exec_forsec(hoc_interp *h, const hoc_node *n) {
    if (!h->sim) return hoc_fail(h, n, "sections need a simulation (hoc_bind_sim)"), EX_ERR;
    cl_section *secs = NULL;
    size_t ns = 0, cap = 0;
    char *re = NULL;
    hoc_value v = {0};
    int r = EX_OK;
    if (n->kind != N_FORALL) {
        if (eval(h, n->a, &v)) return EX_ERR;
        if (v.k == V_STR) {
            re = v.str;
        } else if (n->kind == N_FORSEC && v.k == V_OBJ && v.obj && v.obj->cls == &hoc_sectionlist_class) {
            const cl_section *items;
            hoc_sectionlist_items(v.obj, &items, &ns);
            secs = malloc((ns ? ns : 1) * sizeof *secs);
            if (!secs) {
                hoc_value_clear(h, &v);
                return hoc_fail(h, n, "out of memory"), EX_ERR;
            }
            if (ns) memcpy(secs, items, ns * sizeof *secs);
        } else {
            hoc_value_clear(h, &v);
            return hoc_fail(h, n->a, "%s needs a string (regular expression)%s", n->kind == N_FORSEC ? "forsec" : "ifsec",
                            n->kind == N_FORSEC ? " or a SectionList" : ""), EX_ERR;
        }
    }
    if (n->kind == N_IFSEC) {
        cl_section cur = {0};
        if (hoc_current_section(h, n, &cur)) r = EX_ERR;
        else {
            secs = malloc(sizeof *secs);
            if (!secs) r = (hoc_fail(h, n, "out of memory"), EX_ERR);
            else {
                secs[0] = cur;
                ns = 1;
            }
        }
    } else if (!secs) {
        hoc_object *o = h->fr->obj;
        if (o) {
            if (o->has_cell && add_cell_sections(h, n, o->cell, &secs, &ns, &cap)) r = EX_ERR;
        } else {
            if (h->has_topcell && add_cell_sections(h, n, h->topcell, &secs, &ns, &cap)) r = EX_ERR;
            for (hoc_object *x = h->objects; r == EX_OK && x; x = x->next)
                if (x->has_cell && add_cell_sections(h, n, x->cell, &secs, &ns, &cap)) r = EX_ERR;
        }
    }
    regex_t rx;
    int have_rx = 0;
    if (r == EX_OK && re) {
        if (regcomp(&rx, re, REG_NOSUB) != 0) r = (hoc_fail(h, n->a, "bad regular expression '%s'", re), EX_ERR);
        else have_rx = 1;
    }
    const hoc_node *body = n->kind == N_FORALL ? n->a : n->b;
    for (size_t i = 0; r == EX_OK && i < ns; i++) {
        if (hoc_section_deleted(h, secs[i])) continue;
        if (have_rx) {
            char name[256];
            if (regexec(&rx, hoc_secname(h, secs[i], name, sizeof name), 0, NULL, 0) != 0) continue;
        }
        if (count_iter(h, n) || hoc_push_section(h, n, secs[i])) {
            r = EX_ERR;
            break;
        }
        int stop;
        r = exec_body(h, body, &stop);
        hoc_pop_section(h);
        if (stop) break;
    }
    if (have_rx) regfree(&rx);
    free(secs);
    hoc_value_clear(h, &v);
    return r;
}

static int exec(hoc_interp *h, const hoc_node *n) {
    if (!n) return EX_OK;
    switch (n->kind) {
    case N_EMPTY:
        return EX_OK;
    case N_BLOCK:
        for (size_t i = 0; i < n->n; i++) {
            int r = exec(h, n->list[i]);
            if (r != EX_OK) return r;
        }
        return EX_OK;
    case N_EXPR: {
        hoc_value v = {0};
        if (eval(h, n->a, &v)) return EX_ERR;
        hoc_value_clear(h, &v);
        return EX_OK;
    }
    case N_IF: {
        double c = 0;
        if (eval_num(h, n->a, &c)) return EX_ERR;
        return c != 0 ? exec(h, n->b) : exec(h, n->c);
    }
    case N_WHILE:
        for (;;) {
            double c = 0;
            if (eval_num(h, n->a, &c)) return EX_ERR;
            if (c == 0) return EX_OK;
            if (count_iter(h, n)) return EX_ERR;
            int stop, r = exec_body(h, n->b, &stop);
            if (stop) return r;
        }
    case N_FOR: {
        hoc_value v = {0};
        if (n->a) {
            if (eval(h, n->a, &v)) return EX_ERR;
            hoc_value_clear(h, &v);
        }
        for (;;) {
            if (n->b) {
                double c = 0;
                if (eval_num(h, n->b, &c)) return EX_ERR;
                if (c == 0) return EX_OK;
            }
            if (count_iter(h, n)) return EX_ERR;
            int stop, r = exec_body(h, n->d, &stop);
            if (stop) return r;
            if (n->c) {
                if (eval(h, n->c, &v)) return EX_ERR;
                hoc_value_clear(h, &v);
            }
        }
    }
    case N_FORRANGE: {
        /* for i = a, b: i runs from a while i <= b (hoc re-reads i each pass) */
        double lo = 0, hi = 0;
        if (eval_num(h, n->b, &lo) || eval_num(h, n->c, &hi)) return EX_ERR;
        hoc_lval lv;
        if (place(h, n->a, &lv, 1)) return EX_ERR;
        if (lv.k != V_NUM) return hoc_fail(h, n->a, "loop variable must be a number"), EX_ERR;
        for (double i = lo; i <= hi; i += 1) {
            if (count_iter(h, n)) return EX_ERR;
            if (place(h, n->a, &lv, 1)) return EX_ERR;
            *lv.num = i;
            int stop, r = exec_body(h, n->d, &stop);
            if (stop) return r;
            if (place(h, n->a, &lv, 1)) return EX_ERR;
            i = *lv.num;
        }
        return EX_OK;
    }
    case N_BREAK: return EX_BREAK;
    case N_CONTINUE: return EX_CONTINUE;
    case N_STOP: return EX_STOP;
    case N_RETURN: {
        hoc_frame *f = h->fr;
        if (!f->is_proc) {
            hoc_fail(h, n, "'return' outside a procedure");
            return EX_ERR;
        }
        hoc_value_clear(h, &f->ret);
        if (n->a && eval(h, n->a, &f->ret)) return EX_ERR;
        return EX_RETURN;
    }
    case N_FUNCDEF: {
        if (h->fr->is_proc) return hoc_fail(h, n, "procedures cannot be defined inside a procedure"), EX_ERR;
        hoc_scope *sc = current_scope(h);
        hoc_sym *s = scope_find(sc, n->name);
        if (s && s->type != S_FUNC) return hoc_fail(h, n, "'%s' is already a variable", n->name), EX_ERR;
        if (!s && !(s = scope_add(sc, n->name))) return hoc_fail(h, n, "out of memory"), EX_ERR;
        s->type = S_FUNC;
        s->def = n; /* redefinition replaces, as in hoc */
        return EX_OK;
    }
    case N_LOCAL:
    case N_LOCALOBJ: {
        hoc_frame *f = h->fr;
        if (!f->is_proc) return hoc_fail(h, n, "'%s' outside a procedure", n->kind == N_LOCAL ? "local" : "localobj"), EX_ERR;
        for (size_t i = 0; i < n->n; i++)
            if (declare(h, &f->locals, n->list[i], n->kind == N_LOCAL ? S_NUM : S_OBJ)) return EX_ERR;
        return EX_OK;
    }
    case N_STRDEF:
    case N_OBJREF:
    case N_DOUBLE: {
        hoc_scope *sc = current_scope(h);
        int type = n->kind == N_STRDEF ? S_STR : n->kind == N_OBJREF ? S_OBJ : S_NUM;
        for (size_t i = 0; i < n->n; i++) {
            const hoc_node *d = n->list[i];
            if (type == S_OBJ && strcmp(d->name, "this") == 0) continue; /* `objref this` */
            /* a declaration inside a proc makes a local of the same name visible? no:
             * hoc declares it in the object/global scope */
            if (h->fr->is_proc && scope_find(&h->fr->locals, d->name))
                return hoc_fail(h, d, "'%s' is a local variable", d->name), EX_ERR;
            if (declare(h, sc, d, type)) return EX_ERR;
        }
        return EX_OK;
    }
    case N_PUBLIC:
    case N_EXTERNAL:
        if (!h->fr->obj) return hoc_fail(h, n, "'%s' outside a template", n->kind == N_PUBLIC ? "public" : "external"), EX_ERR;
        return EX_OK;
    case N_TEMPLATE:
        return define_template(h, n) ? EX_ERR : EX_OK;
    case N_PRINT:
        for (size_t i = 0; i < n->n; i++) {
            hoc_value v = {0};
            if (eval(h, n->list[i], &v)) return EX_ERR;
            print_value(h, &v, 0);
            /* NEURON prints a space after obj.strdef, not after other strings */
            if (v.k == V_STR && n->list[i]->kind == N_MEMBER) hoc_out(h, " ", 1);
            hoc_value_clear(h, &v);
        }
        hoc_out(h, "\n", 1);
        return EX_OK;
    case N_CREATE: {
        if (!h->sim) return hoc_fail(h, n, "'create': sections need a simulation (hoc_bind_sim)"), EX_ERR;
        hoc_scope *sc = current_scope(h);
        hoc_object *o = h->fr->obj;
        for (size_t i = 0; i < n->n; i++) {
            const hoc_node *d = n->list[i];
            hoc_sym *old = scope_find(sc, d->name);
            if (old && old->type == S_SEC) {
                for (size_t j = 0; j < old->count; j++)
                    if (old->secs[j].id && !hoc_section_deleted(h, old->secs[j]))
                        return hoc_fail(h, d, "re-creating sections that were not deleted ('create %s' again) is not supported",
                                        d->name), EX_ERR;
                sym_clear_storage(h, old);
                old->type = 0; /* declare() makes it anew */
            }
            if (declare(h, sc, d, S_SEC)) return EX_ERR;
            /* a template's body only declares; instances create them */
            if (o && o->index < 0) continue;
            if (make_sections(h, d, o, scope_find(sc, d->name))) return EX_ERR;
        }
        return EX_OK;
    }
    case N_ACCESS: {
        cl_section sec = {0};
        int k = sec_of(h, n->a, &sec);
        if (k == 0) hoc_fail(h, n->a, "'access': not a section");
        if (k != 1) return EX_ERR;
        h->accessed = sec;
        h->has_access = 1;
        return EX_OK;
    }
    case N_SECSTMT: {
        cl_section sec = {0};
        int k = sec_of(h, n->a, &sec);
        if (k == 0) hoc_fail(h, n->a, "'%s' is not a section (a section name must precede a statement here)",
                             n->a->name ? n->a->name : "?");
        if (k != 1) return EX_ERR;
        if (hoc_push_section(h, n, sec)) return EX_ERR;
        int r = exec(h, n->b);
        hoc_pop_section(h);
        return r;
    }
    case N_CONNECT: {
        cl_section child = {0}, parent = {0};
        double cx = 0, px = 1;
        int k = sec_of(h, n->a, &child);
        if (k == 0) hoc_fail(h, n->a, "'connect': the child is not a section");
        if (k != 1) return EX_ERR;
        if (n->a->has_call && (n->a->nargs != 1 || eval_num(h, n->a->args[0], &cx))) {
            if (!h->err_set) hoc_fail(h, n->a, "'connect child(x)': one position");
            return EX_ERR;
        }
        if (cx != 0) return hoc_fail(h, n->a, "connect: only the child's 0 end can be connected (got %g)", cx), EX_ERR;
        if (n->c) {
            k = sec_of(h, n->c, &parent);
            if (k == 0) hoc_fail(h, n->c, "'connect': the parent is not a section");
            if (k != 1) return EX_ERR;
            if (n->c->has_call && (n->c->nargs != 1 || eval_num(h, n->c->args[0], &px))) {
                if (!h->err_set) hoc_fail(h, n->c, "'connect ..., parent(x)': one position");
                return EX_ERR;
            }
        } else {
            if (hoc_current_section(h, n, &parent) || eval_num(h, n->d, &px)) return EX_ERR;
        }
        if (hoc_cl(h, n, cl_section_connect(h->sim, child, parent, px), "connect")) return EX_ERR;
        return EX_OK;
    }
    case N_INSERT: {
        cl_section sec = {0};
        if (!h->sim) return hoc_fail(h, n, "'insert': sections need a simulation (hoc_bind_sim)"), EX_ERR;
        if (hoc_current_section(h, n, &sec)) return EX_ERR;
        if (hoc_cl(h, n, cl_section_insert(h->sim, sec, n->name), "insert")) return EX_ERR;
        return EX_OK;
    }
    case N_UNINSERT:
        hoc_fail(h, n, "unsupported built-in 'uninsert'");
        return EX_ERR;
    case N_FORALL:
    case N_FORSEC:
    case N_IFSEC:
        return exec_forsec(h, n);
    case N_FORX: {
        cl_section sec = {0};
        if (!h->sim) return hoc_fail(h, n, "'for (x)': sections need a simulation (hoc_bind_sim)"), EX_ERR;
        if (hoc_current_section(h, n, &sec)) return EX_ERR;
        int nseg = 1;
        if (hoc_cl(h, n, cl_section_get_nseg(h->sim, sec, &nseg), "nseg")) return EX_ERR;
        int ends = 1;
        if (n->b) {
            double e = 0;
            if (eval_num(h, n->b, &e)) return EX_ERR;
            ends = e != 0;
        }
        for (int i = ends ? -1 : 0; i <= (ends ? nseg : nseg - 1); i++) {
            /* NEURON steps by dx = 1/nseg: x = (i + 0.5) * dx (not (i + 0.5) / nseg) */
            double x = i < 0 ? 0 : i == nseg ? 1 : (i + 0.5) * (1.0 / nseg);
            if (count_iter(h, n)) return EX_ERR;
            hoc_lval lv;
            if (place(h, n->a, &lv, 1)) return EX_ERR;
            if (lv.k != V_NUM) return hoc_fail(h, n->a, "'for (x)': x must be a number variable"), EX_ERR;
            *lv.num = x;
            int stop, r = exec_body(h, n->d, &stop);
            if (stop) return r;
        }
        return EX_OK;
    }
    default:
        hoc_fail(h, n, "statement not supported");
        return EX_ERR;
    }
}

/* Runs one top-level statement: a bare expression prints its value as
 * hoc's interpreter does ("\t%.8g \n"). */
static int run_top(hoc_interp *h, const hoc_node *st) {
    if (st->kind == N_EXPR && st->a->kind != N_ASSIGN && !h->fr->obj) {
        hoc_value v = {0};
        if (eval(h, st->a, &v)) return -1;
        if (v.k != V_NONE) print_value(h, &v, 1);
        hoc_value_clear(h, &v);
        return 0;
    }
    int r = exec(h, st);
    if (r == EX_ERR) return -1;
    if (r == EX_STOP) return 1;
    if (r == EX_BREAK || r == EX_CONTINUE) return hoc_fail(h, st, "'break' or 'continue' outside a loop");
    if (r == EX_RETURN) return hoc_fail(h, st, "'return' outside a procedure");
    return 0;
}

static int keep_unit(hoc_interp *h, hoc_unit *u) {
    if (h->nunits == h->capunits) {
        size_t cap = h->capunits ? h->capunits * 2 : 8;
        hoc_unit **t = realloc(h->units, cap * sizeof *t);
        if (!t) return -1;
        h->units = t;
        h->capunits = cap;
    }
    h->units[h->nunits++] = u;
    return 0;
}

int hoc_exec_string(hoc_interp *h, const char *src, const char *file, hoc_object *ctx, const hoc_node *at) {
    char perr[1024];
    hoc_unit *u = hoc_unit_new(file);
    if (!u || keep_unit(h, u)) {
        hoc_unit_free(u);
        return hoc_fail(h, at, "out of memory");
    }
    if (h->depth >= h->lim.max_call_depth)
        return hoc_fail(h, at, "call depth limit (%d) exceeded in execute/load_file", h->lim.max_call_depth);
    hoc_parser *ps = hoc_parser_open(src, strlen(src), u, perr, sizeof perr);
    if (!ps) return hoc_fail(h, at, "out of memory");
    h->depth++;
    hoc_frame f;
    memset(&f, 0, sizeof f);
    f.obj = ctx;
    f.name = at ? (ctx ? "execute1" : "load_file/execute") : "top level";
    f.site = at;
    f.up = h->fr;
    hoc_frame *save = h->fr;
    h->fr = &f;
    int r = 0;
    for (;;) {
        hoc_node *st;
        int k = hoc_parser_next(ps, &st);
        if (k == 0) break;
        if (k < 0) {
            r = hoc_fail(h, NULL, "%s", perr);
            break;
        }
        k = run_top(h, st);
        if (k < 0) {
            r = -1;
            break;
        }
        if (k == 1) break; /* stop */
    }
    h->fr = save;
    h->depth--;
    hoc_parser_close(ps);
    return r;
}

int hoc_run_string(hoc_interp *h, const char *src, const char *file) {
    h->err[0] = '\0';
    h->err_set = 0;
    h->iters = 0;
    return hoc_exec_string(h, src, file ? file : "<string>", NULL, NULL);
}

static char *read_all(const char *path, size_t *len) {
    struct stat st;
    /* only regular files of sane size (never /dev/zero or a fifo) */
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > (64 << 20)) return NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + n, 1, cap - n - 1, f);
        n += k;
        if (n + 1 < cap) break;
        cap *= 2;
        char *t = realloc(buf, cap);
        if (!t) {
            free(buf);
            buf = NULL;
        }
        buf = t;
    }
    fclose(f);
    if (buf) buf[n] = '\0';
    *len = n;
    return buf;
}

static int builtin_library(const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    static const char *libs[] = {"stdrun.hoc", "stdlib.hoc", "stdgui.hoc", "import3d.hoc", "nrngui.hoc"};
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++)
        if (strcmp(b, libs[i]) == 0) return 1;
    return 0;
}

int hoc_load_file(hoc_interp *h, const char *path, const hoc_node *at, int force) {
    /* NEURON's libraries are provided natively (only by name from hoc) */
    if (at && builtin_library(path)) return 0;
    char full[4096];
    if (path[0] != '/' && at && strchr(at->file, '/')) {
        const char *slash = strrchr(at->file, '/');
        snprintf(full, sizeof full, "%.*s/%s", (int)(slash - at->file), at->file, path);
    } else {
        snprintf(full, sizeof full, "%s", path);
    }
    if (!force) {
        for (size_t i = 0; i < h->nloaded; i++)
            if (strcmp(h->loaded[i], full) == 0) return 0;
    }
    size_t len;
    char *src = read_all(full, &len);
    const char *lib = src ? NULL : hoc_lib_text(path);
    if (lib) {
        /* cellulab's own Cell.hoc / TDistFunc.hoc when none lies there */
        const char *b = strrchr(path, '/');
        snprintf(full, sizeof full, "<cellulab>/%s", b ? b + 1 : path);
        for (size_t i = 0; !force && i < h->nloaded; i++)
            if (strcmp(h->loaded[i], full) == 0) return 0;
        len = strlen(lib);
        src = strdup(lib);
        if (!src) return hoc_fail(h, at, "out of memory");
    }
    if (!src) return hoc_fail(h, at, "cannot read hoc file %s", full);
    if (memchr(src, '\0', len)) {
        free(src);
        return hoc_fail(h, at, "%s is not a text file", full);
    }
    char **t = realloc(h->loaded, (h->nloaded + 1) * sizeof *t);
    if (!t || !(t[h->nloaded] = strdup(full))) {
        if (t) h->loaded = t;
        free(src);
        return hoc_fail(h, at, "out of memory");
    }
    h->loaded = t;
    h->nloaded++;
    int r = hoc_exec_string(h, src, full, NULL, at);
    free(src);
    return r;
}

int hoc_run_file(hoc_interp *h, const char *path) {
    h->err[0] = '\0';
    h->err_set = 0;
    h->iters = 0;
    return hoc_load_file(h, path, NULL, 1);
}
