/* hoc built-in functions (math, printf/sprint/sscanf, execute, load_file)
 * and object classes (List, Vector, String, StringFunctions), as NEURON 8.2
 * defines them for the calls templates make. */
#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoc/interp.h"

static int want(hoc_interp *h, const hoc_node *at, const char *fn, hoc_value *a, int n, const char *kinds) {
    int need = (int)strlen(kinds);
    int opt = 0;
    for (const char *k = kinds; *k; k++)
        if (*k == 'N' || *k == 'S' || *k == 'O') opt++; /* upper case: optional */
    if (n < need - opt || n > need)
        return hoc_fail(h, at, "%s: expected %d%s argument(s), got %d", fn, need - opt, opt ? " or more" : "", n);
    for (int i = 0; i < n; i++) {
        char k = (char)tolower((unsigned char)kinds[i]);
        int ok = (k == 'n' && a[i].k == V_NUM) || (k == 's' && a[i].k == V_STR) || (k == 'o' && a[i].k == V_OBJ) || k == 'a';
        if (!ok)
            return hoc_fail(h, at, "%s: argument %d must be a %s", fn, i + 1,
                            k == 'n' ? "number" : k == 's' ? "string" : "object");
    }
    return 0;
}

static void ret_num(hoc_value *r, double x) {
    r->k = V_NUM;
    r->num = x;
}

static int set_str(hoc_interp *h, const hoc_node *at, char **dst, const char *src, size_t n) {
    char *c = malloc(n + 1);
    if (!c) return hoc_fail(h, at, "out of memory");
    memcpy(c, src, n);
    c[n] = '\0';
    free(*dst);
    *dst = c;
    return 0;
}

/* ---------- printf-style formatting ---------- */

int hoc_format(hoc_interp *h, const hoc_node *at, const char *fmt, hoc_value *args, int n, char **out) {
    size_t cap = 256, len = 0;
    char *buf = malloc(cap);
    if (!buf) return hoc_fail(h, at, "out of memory");
    int ai = 0;
    for (const char *p = fmt; *p;) {
        char piece[512];
        int k;
        if (*p != '%') {
            piece[0] = *p++;
            k = 1;
        } else if (p[1] == '%') {
            piece[0] = '%';
            k = 1;
            p += 2;
        } else {
            /* %[flags][width][.prec][l|h]conv */
            const char *s = p++;
            while (*p && strchr("-+ #0", *p)) p++;
            while (isdigit((unsigned char)*p)) p++;
            if (*p == '.') {
                p++;
                while (isdigit((unsigned char)*p)) p++;
            }
            while (*p == 'l' || *p == 'h') p++;
            char conv = *p;
            if (!conv || !strchr("dioxXucfeEgGs", conv)) {
                free(buf);
                return hoc_fail(h, at, "unsupported format '%.*s' (use %%g %%f %%e %%d %%s %%c %%%%)", (int)(p - s + (conv ? 1 : 0)), s);
            }
            p++;
            char spec[64];
            size_t sl = (size_t)(p - s);
            if (sl > 40) {
                free(buf);
                return hoc_fail(h, at, "format specification too long");
            }
            /* drop length modifiers: we supply the C type ourselves */
            size_t j = 0;
            for (size_t i = 0; i < sl; i++)
                if (s[i] != 'l' && s[i] != 'h') spec[j++] = s[i];
            spec[j] = '\0';
            if (ai >= n) {
                free(buf);
                return hoc_fail(h, at, "format '%s' has more conversions than arguments", fmt);
            }
            hoc_value *a = &args[ai++];
            if (conv == 's') {
                char name[128];
                const char *str;
                if (a->k == V_STR) str = a->str;
                else if (a->k == V_OBJ) str = hoc_obj_name(a->obj, name, sizeof name);
                else {
                    free(buf);
                    return hoc_fail(h, at, "argument %d for %%s is not a string", ai);
                }
                int need = snprintf(NULL, 0, spec, str);
                char *tmp = malloc((size_t)need + 1);
                if (!tmp) {
                    free(buf);
                    return hoc_fail(h, at, "out of memory");
                }
                snprintf(tmp, (size_t)need + 1, spec, str);
                if (len + (size_t)need + 1 > cap) {
                    while (len + (size_t)need + 1 > cap) cap *= 2;
                    char *t = realloc(buf, cap);
                    if (!t) {
                        free(tmp);
                        free(buf);
                        return hoc_fail(h, at, "out of memory");
                    }
                    buf = t;
                }
                memcpy(buf + len, tmp, (size_t)need);
                len += (size_t)need;
                free(tmp);
                continue;
            }
            if (a->k != V_NUM) {
                free(buf);
                return hoc_fail(h, at, "argument %d for %%%c is not a number", ai, conv);
            }
            if (strchr("dioxXuc", conv)) {
                /* hoc converts the double to an integer (truncating) */
                char ispec[72];
                snprintf(ispec, sizeof ispec, "%.*sl%c", (int)(strlen(spec) - 1), spec, conv);
                double x = a->num;
                long v = (isfinite(x) && fabs(x) < 9.2e18) ? (long)x : 0;
                if (conv == 'c') k = snprintf(piece, sizeof piece, spec, (int)v);
                else k = snprintf(piece, sizeof piece, ispec, v);
            } else {
                k = snprintf(piece, sizeof piece, spec, a->num);
            }
            if (k < 0) k = 0;
            if ((size_t)k >= sizeof piece) k = (int)sizeof piece - 1;
        }
        if (len + (size_t)k + 1 > cap) {
            while (len + (size_t)k + 1 > cap) cap *= 2;
            char *t = realloc(buf, cap);
            if (!t) {
                free(buf);
                return hoc_fail(h, at, "out of memory");
            }
            buf = t;
        }
        memcpy(buf + len, piece, (size_t)k);
        len += (size_t)k;
    }
    buf[len] = '\0';
    *out = buf;
    return 0;
}

/* sscanf(string, format, &x or strdef ...): one conversion at a time. */
static int do_sscanf(hoc_interp *h, const hoc_node *at, hoc_value *a, int n, hoc_value *ret) {
    if (n < 2 || a[0].k != V_STR || a[1].k != V_STR) return hoc_fail(h, at, "sscanf(string, format, ...)");
    const char *in = a[0].str, *f = a[1].str;
    int ai = 2, count = 0;
    size_t pos = 0;
    while (*f) {
        /* literal text up to the next conversion, then the conversion */
        const char *pc = strchr(f, '%');
        while (pc && pc[1] == '%') pc = strchr(pc + 2, '%');
        if (!pc) break;
        const char *e = pc + 1;
        while (isdigit((unsigned char)*e)) e++;
        while (*e == 'l' || *e == 'h') e++;
        char conv = *e;
        if (!conv || !strchr("dioxufeEgGsc", conv)) return hoc_fail(h, at, "sscanf: unsupported format in '%s'", a[1].str);
        char spec[600];
        int width = 0;
        for (const char *w = pc + 1; isdigit((unsigned char)*w); w++) width = width * 10 + (*w - '0');
        if (pc - f > 500) return hoc_fail(h, at, "sscanf: format too long");
        int consumed = 0;
        const char *rest = in + pos;
        if (ai >= n) return hoc_fail(h, at, "sscanf: more conversions than arguments");
        hoc_value *dst = &a[ai++];
        int got;
        if (conv == 's') {
            if (!dst->sref) return hoc_fail(h, at, "sscanf: argument %d for %%s must be a string variable", ai);
            size_t rl = strlen(rest);
            char *tmp = malloc(rl + 1);
            if (!tmp) return hoc_fail(h, at, "out of memory");
            snprintf(spec, sizeof spec, "%.*s%%%s%%n", (int)(pc - f), f, width ? "" : "");
            if (width) snprintf(spec, sizeof spec, "%.*s%%%ds%%n", (int)(pc - f), f, width);
            else snprintf(spec, sizeof spec, "%.*s%%s%%n", (int)(pc - f), f);
            got = sscanf(rest, spec, tmp, &consumed);
            if (got == 1) {
                if (set_str(h, at, dst->sref, tmp, strlen(tmp))) {
                    free(tmp);
                    return -1;
                }
            }
            free(tmp);
        } else {
            if (!dst->nref) return hoc_fail(h, at, "sscanf: argument %d for %%%c must be &variable", ai, conv);
            if (conv == 'c') {
                char c;
                snprintf(spec, sizeof spec, "%.*s%%c%%n", (int)(pc - f), f);
                got = sscanf(rest, spec, &c, &consumed);
                if (got == 1) *dst->nref = (double)(unsigned char)c;
            } else if (strchr("dioxu", conv)) {
                long v;
                snprintf(spec, sizeof spec, "%.*s%%l%c%%n", (int)(pc - f), f, conv == 'u' ? 'd' : conv);
                got = sscanf(rest, spec, &v, &consumed);
                if (got == 1) *dst->nref = (double)v;
            } else {
                double v;
                snprintf(spec, sizeof spec, "%.*s%%lf%%n", (int)(pc - f), f);
                got = sscanf(rest, spec, &v, &consumed);
                if (got == 1) *dst->nref = v;
            }
        }
        if (got != 1) break;
        count++;
        pos += (size_t)consumed;
        f = e + 1;
    }
    ret_num(ret, count == 0 && !in[0] ? -1 : count);
    return 0;
}

/* ---------- classes ---------- */

typedef struct vec { double *x; size_t n, cap; } vec;
typedef struct list { hoc_object **o; size_t n, cap; } list;

static int vec_resize(vec *v, size_t n) {
    if (n > v->cap) {
        size_t cap = v->cap ? v->cap : 8;
        while (cap < n) cap *= 2;
        double *t = realloc(v->x, cap * sizeof *t);
        if (!t) return -1;
        v->x = t;
        v->cap = cap;
    }
    for (size_t i = v->n; i < n; i++) v->x[i] = 0;
    v->n = n;
    return 0;
}

static int vector_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    vec *v = calloc(1, sizeof *v);
    if (!v) return hoc_fail(h, at, "out of memory");
    o->data = v;
    if (n >= 1) {
        if (a[0].k != V_NUM || !(a[0].num >= 0) || a[0].num > h->lim.max_elements)
            return hoc_fail(h, at, "new Vector(size): size must be a number in 0..%g", h->lim.max_elements);
        if (vec_resize(v, (size_t)a[0].num)) return hoc_fail(h, at, "out of memory");
        if (n >= 2 && a[1].k == V_NUM)
            for (size_t i = 0; i < v->n; i++) v->x[i] = a[1].num;
    }
    return 0;
}

static void vector_dtor(hoc_interp *h, hoc_object *o) {
    (void)h;
    vec *v = o->data;
    if (v) free(v->x);
    free(v);
}

static int vec_index(hoc_interp *h, const hoc_node *at, vec *v, double x, size_t *i) {
    if (!(x >= 0) || x >= (double)v->n) return hoc_fail(h, at, "Vector index %g out of range (size %zu)", x, v->n);
    *i = (size_t)x;
    return 0;
}

static int vector_member(hoc_interp *h, hoc_object *o, const char *name, const hoc_node *at, const double *idx, int nidx,
                         hoc_lval *out) {
    vec *v = o->data;
    if (strcmp(name, "x") != 0) return 0;
    if (nidx != 1) return hoc_fail(h, at, "Vector.x needs one index"), -1;
    size_t i = 0;
    if (vec_index(h, at, v, idx[0], &i)) return -1;
    out->k = V_NUM;
    out->num = &v->x[i];
    return 1;
}

static int vector_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n,
                         hoc_value *r) {
    vec *v = o->data;
    if (strcmp(m, "size") == 0) {
        if (want(h, at, "Vector.size", a, n, "")) return -1;
        ret_num(r, (double)v->n);
    } else if (strcmp(m, "resize") == 0) {
        if (want(h, at, "Vector.resize", a, n, "n")) return -1;
        if (!(a[0].num >= 0) || a[0].num > h->lim.max_elements)
            return hoc_fail(h, at, "Vector.resize(%g): size not in 0..%g", a[0].num, h->lim.max_elements), -1;
        if (vec_resize(v, (size_t)a[0].num)) return hoc_fail(h, at, "out of memory"), -1;
        r->k = V_OBJ;
        r->obj = hoc_obj_ref(o);
    } else if (strcmp(m, "append") == 0) {
        for (int i = 0; i < n; i++) {
            if ((double)v->n >= h->lim.max_elements) return hoc_fail(h, at, "Vector.append: Vector too large"), -1;
            if (a[i].k == V_NUM) {
                if (vec_resize(v, v->n + 1)) return hoc_fail(h, at, "out of memory"), -1;
                v->x[v->n - 1] = a[i].num;
            } else if (a[i].k == V_OBJ && a[i].obj && a[i].obj->cls && strcmp(a[i].obj->cls->name, "Vector") == 0) {
                vec *w = a[i].obj->data;
                size_t old = v->n, wn = w->n;
                if (vec_resize(v, old + wn)) return hoc_fail(h, at, "out of memory"), -1;
                if (wn) memmove(v->x + old, w->x, wn * sizeof(double));
            } else {
                return hoc_fail(h, at, "Vector.append: argument %d must be a number or a Vector", i + 1), -1;
            }
        }
        r->k = V_OBJ;
        r->obj = hoc_obj_ref(o);
    } else if (strcmp(m, "fill") == 0) {
        if (want(h, at, "Vector.fill", a, n, "nNN")) return -1;
        size_t lo = 0, hi = v->n ? v->n - 1 : 0;
        if (n == 3 && (vec_index(h, at, v, a[1].num, &lo) || vec_index(h, at, v, a[2].num, &hi))) return -1;
        for (size_t i = lo; v->n && i <= hi; i++) v->x[i] = a[0].num;
        r->k = V_OBJ;
        r->obj = hoc_obj_ref(o);
    } else if (strcmp(m, "indgen") == 0) {
        if (want(h, at, "Vector.indgen", a, n, "")) return -1;
        for (size_t i = 0; i < v->n; i++) v->x[i] = (double)i;
        r->k = V_OBJ;
        r->obj = hoc_obj_ref(o);
    } else if (strcmp(m, "sum") == 0 || strcmp(m, "mean") == 0) {
        if (want(h, at, m, a, n, "")) return -1;
        double s = 0;
        for (size_t i = 0; i < v->n; i++) s += v->x[i];
        if (m[0] == 'm') {
            if (!v->n) return hoc_fail(h, at, "Vector.mean of an empty Vector"), -1;
            s /= (double)v->n;
        }
        ret_num(r, s);
    } else if (strcmp(m, "max") == 0 || strcmp(m, "min") == 0) {
        if (want(h, at, m, a, n, "")) return -1;
        if (!v->n) return hoc_fail(h, at, "Vector.%s of an empty Vector", m), -1;
        double s = v->x[0];
        for (size_t i = 1; i < v->n; i++) s = m[1] == 'a' ? (v->x[i] > s ? v->x[i] : s) : (v->x[i] < s ? v->x[i] : s);
        ret_num(r, s);
    } else if (strcmp(m, "remove") == 0) {
        if (want(h, at, "Vector.remove", a, n, "n")) return -1;
        size_t i = 0;
        if (vec_index(h, at, v, a[0].num, &i)) return -1;
        memmove(v->x + i, v->x + i + 1, (v->n - i - 1) * sizeof(double));
        v->n--;
        r->k = V_OBJ;
        r->obj = hoc_obj_ref(o);
    } else if (strcmp(m, "contains") == 0) {
        if (want(h, at, "Vector.contains", a, n, "n")) return -1;
        int f = 0;
        for (size_t i = 0; i < v->n; i++)
            if (fabs(v->x[i] - a[0].num) <= 1e-11) f = 1;
        ret_num(r, f);
    } else if (strcmp(m, "add") == 0 || strcmp(m, "mul") == 0 || strcmp(m, "sub") == 0 || strcmp(m, "div") == 0) {
        if (want(h, at, m, a, n, "n")) return -1;
        for (size_t i = 0; i < v->n; i++) {
            if (m[0] == 'a') v->x[i] += a[0].num;
            else if (m[0] == 'm') v->x[i] *= a[0].num;
            else if (m[0] == 's') v->x[i] -= a[0].num;
            else v->x[i] /= a[0].num;
        }
        r->k = V_OBJ;
        r->obj = hoc_obj_ref(o);
    } else {
        return 0;
    }
    return 1;
}

static int list_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    (void)a;
    o->data = calloc(1, sizeof(list));
    if (!o->data) return hoc_fail(h, at, "out of memory");
    if (n) return hoc_fail(h, at, "new List(\"template\") is not supported");
    return 0;
}

static void list_dtor(hoc_interp *h, hoc_object *o) {
    list *l = o->data;
    if (!l) return;
    o->data = NULL;
    for (size_t i = 0; i < l->n; i++) hoc_obj_unref(h, l->o[i]);
    free(l->o);
    free(l);
}

static int list_insert(hoc_interp *h, const hoc_node *at, list *l, size_t i, hoc_object *x) {
    if (!x) return hoc_fail(h, at, "List: cannot add a NULL object");
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        hoc_object **t = realloc(l->o, cap * sizeof *t);
        if (!t) return hoc_fail(h, at, "out of memory");
        l->o = t;
        l->cap = cap;
    }
    memmove(l->o + i + 1, l->o + i, (l->n - i) * sizeof *l->o);
    l->o[i] = hoc_obj_ref(x);
    l->n++;
    return 0;
}

static int list_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n,
                       hoc_value *r) {
    list *l = o->data;
    if (strcmp(m, "append") == 0 || strcmp(m, "prepend") == 0) {
        if (want(h, at, m, a, n, "o")) return -1;
        if (list_insert(h, at, l, m[0] == 'a' ? l->n : 0, a[0].obj)) return -1;
        ret_num(r, (double)l->n);
    } else if (strcmp(m, "insrt") == 0) {
        if (want(h, at, "List.insrt", a, n, "no")) return -1;
        if (!(a[0].num >= 0) || a[0].num > (double)l->n) return hoc_fail(h, at, "List.insrt: index %g out of range", a[0].num), -1;
        if (list_insert(h, at, l, (size_t)a[0].num, a[1].obj)) return -1;
        ret_num(r, (double)l->n);
    } else if (strcmp(m, "count") == 0) {
        if (want(h, at, "List.count", a, n, "")) return -1;
        ret_num(r, (double)l->n);
    } else if (strcmp(m, "o") == 0 || strcmp(m, "object") == 0) {
        if (want(h, at, "List.o", a, n, "n")) return -1;
        if (!(a[0].num >= 0) || a[0].num >= (double)l->n)
            return hoc_fail(h, at, "List.%s(%g): index out of range (count %zu)", m, a[0].num, l->n), -1;
        r->k = V_OBJ;
        r->obj = hoc_obj_ref(l->o[(size_t)a[0].num]);
    } else if (strcmp(m, "remove") == 0) {
        if (want(h, at, "List.remove", a, n, "n")) return -1;
        if (!(a[0].num >= 0) || a[0].num >= (double)l->n)
            return hoc_fail(h, at, "List.remove(%g): index out of range (count %zu)", a[0].num, l->n), -1;
        size_t i = (size_t)a[0].num;
        hoc_object *x = l->o[i];
        memmove(l->o + i, l->o + i + 1, (l->n - i - 1) * sizeof *l->o);
        l->n--;
        hoc_obj_unref(h, x);
        ret_num(r, (double)l->n);
    } else if (strcmp(m, "remove_all") == 0) {
        if (want(h, at, "List.remove_all", a, n, "")) return -1;
        while (l->n) hoc_obj_unref(h, l->o[--l->n]);
        ret_num(r, 0);
    } else if (strcmp(m, "index") == 0) {
        if (want(h, at, "List.index", a, n, "o")) return -1;
        double k = -1;
        for (size_t i = 0; i < l->n; i++)
            if (l->o[i] == a[0].obj) {
                k = (double)i;
                break;
            }
        ret_num(r, k);
    } else {
        return 0;
    }
    return 1;
}

static int string_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    if (want(h, at, "new String", a, n, "S")) return -1;
    o->data = strdup(n ? a[0].str : "");
    if (!o->data) return hoc_fail(h, at, "out of memory");
    return 0;
}

static void string_dtor(hoc_interp *h, hoc_object *o) {
    (void)h;
    free(o->data);
}

static int string_member(hoc_interp *h, hoc_object *o, const char *name, const hoc_node *at, const double *idx, int nidx,
                         hoc_lval *out) {
    (void)idx;
    if (strcmp(name, "s") != 0) return 0;
    if (nidx) return hoc_fail(h, at, "String.s takes no index"), -1;
    out->k = V_STR;
    out->str = (char **)&o->data;
    return 1;
}

static int sf_regex(hoc_interp *h, const hoc_node *at, const char *re, const char *s, regmatch_t *m) {
    regex_t rx;
    if (regcomp(&rx, re, 0) != 0) return hoc_fail(h, at, "StringFunctions: bad regular expression '%s'", re);
    int r = regexec(&rx, s, 1, m, 0);
    regfree(&rx);
    return r == 0 ? 1 : 0;
}

static int sf_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n, hoc_value *r) {
    (void)o;
    if (strcmp(m, "len") == 0) {
        if (want(h, at, "StringFunctions.len", a, n, "s")) return -1;
        ret_num(r, (double)strlen(a[0].str));
    } else if (strcmp(m, "substr") == 0) {
        if (want(h, at, "StringFunctions.substr", a, n, "ss")) return -1;
        const char *p = strstr(a[0].str, a[1].str);
        ret_num(r, p ? (double)(p - a[0].str) : -1);
    } else if (strcmp(m, "right") == 0 || strcmp(m, "left") == 0) {
        if (want(h, at, m, a, n, "sn")) return -1;
        if (!a[0].sref) return hoc_fail(h, at, "StringFunctions.%s: the first argument must be a string variable", m), -1;
        size_t len = strlen(a[0].str);
        double k = a[1].num;
        size_t i = k <= 0 ? 0 : k >= (double)len ? len : (size_t)k;
        if (m[0] == 'r') {
            if (set_str(h, at, a[0].sref, a[0].str + i, len - i)) return -1;
        } else if (set_str(h, at, a[0].sref, a[0].str, i)) {
            return -1;
        }
        ret_num(r, 1);
    } else if (strcmp(m, "head") == 0 || strcmp(m, "tail") == 0) {
        if (want(h, at, m, a, n, "sss")) return -1;
        if (!a[2].sref) return hoc_fail(h, at, "StringFunctions.%s: the third argument must be a string variable", m), -1;
        regmatch_t mt;
        int f = sf_regex(h, at, a[1].str, a[0].str, &mt);
        if (f < 0) return -1;
        if (!f) {
            if (set_str(h, at, a[2].sref, "", 0)) return -1;
            ret_num(r, -1);
        } else if (m[0] == 'h') {
            if (set_str(h, at, a[2].sref, a[0].str, (size_t)mt.rm_so)) return -1;
            ret_num(r, (double)mt.rm_so);
        } else {
            const char *t = a[0].str + mt.rm_eo;
            if (set_str(h, at, a[2].sref, t, strlen(t))) return -1;
            ret_num(r, (double)mt.rm_eo);
        }
    } else {
        return 0;
    }
    return 1;
}

static int sf_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    (void)o;
    (void)a;
    if (n) return hoc_fail(h, at, "new StringFunctions() takes no arguments");
    return 0;
}

static const hoc_class classes[] = {
    {"List", list_ctor, list_dtor, list_method, NULL},
    {"Vector", vector_ctor, vector_dtor, vector_method, vector_member},
    {"String", string_ctor, string_dtor, NULL, string_member},
    {"StringFunctions", sf_ctor, NULL, sf_method, NULL},
};

const hoc_class *hoc_find_class(const char *name, int *index) {
    static const hoc_class *more[] = {&hoc_sectionlist_class, &hoc_import3d_asc_class, &hoc_import3d_swc_class,
                                      &hoc_import3d_gui_class, &hoc_netcon_class, &hoc_random_class};
    for (int i = 0; i < 6; i++)
        if (strcmp(name, more[i]->name) == 0) {
            *index = 4 + i;
            return more[i];
        }
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strcmp(classes[i].name, name) == 0) {
            *index = (int)i;
            return &classes[i];
        }
    return NULL;
}

/* ---------- functions ---------- */

static const struct { const char *name; double (*f)(double); } math1[] = {
    {"sin", sin}, {"cos", cos}, {"tan", tan}, {"atan", atan}, {"exp", exp}, {"log", log}, {"log10", log10},
    {"sqrt", sqrt}, {"fabs", fabs}, {"abs", fabs}, {"tanh", tanh}, {"erf", erf}, {"erfc", erfc},
    {"floor", floor}, {"ceil", ceil},
};

int hoc_builtin_call(hoc_interp *h, const char *name, const hoc_node *at, hoc_value *a, int n, hoc_value *r) {
    for (size_t i = 0; i < sizeof math1 / sizeof math1[0]; i++) {
        if (strcmp(name, math1[i].name) == 0) {
            if (want(h, at, name, a, n, "n")) return -1;
            double x = a[0].num;
            if ((name[0] == 'l' && x <= 0) || (name[0] == 's' && name[1] == 'q' && x < 0))
                return hoc_fail(h, at, "%s(%g): argument out of domain", name, x);
            ret_num(r, math1[i].f(x));
            return 1;
        }
    }
    if (strcmp(name, "int") == 0) {
        if (want(h, at, name, a, n, "n")) return -1;
        ret_num(r, trunc(a[0].num)); /* hoc's int() truncates toward zero */
    } else if (strcmp(name, "atan2") == 0 || strcmp(name, "pow") == 0) {
        if (want(h, at, name, a, n, "nn")) return -1;
        ret_num(r, name[0] == 'a' ? atan2(a[0].num, a[1].num) : pow(a[0].num, a[1].num));
    } else if (strcmp(name, "printf") == 0 || strcmp(name, "sprint") == 0) {
        int s = name[0] == 's';
        if (n < 1 + s || (s && a[0].k != V_STR) || a[s].k != V_STR)
            return hoc_fail(h, at, "%s", s ? "sprint(strdef, format, ...)" : "printf(format, ...)");
        if (s && !a[0].sref) return hoc_fail(h, at, "sprint: the first argument must be a string variable");
        char *out;
        if (hoc_format(h, at, a[s].str, a + s + 1, n - s - 1, &out)) return -1;
        size_t len = strlen(out);
        if (s) {
            free(*a[0].sref);
            *a[0].sref = out;
            ret_num(r, 1); /* NEURON's sprint returns 1 */
            return 1;
        } else {
            hoc_out(h, out, len);
            free(out);
        }
        ret_num(r, (double)len);
    } else if (strcmp(name, "sscanf") == 0) {
        return do_sscanf(h, at, a, n, r) ? -1 : 1;
    } else if (strcmp(name, "morphio_read") == 0) {
        return hoc_morphio_read(h, at, a, n, r) ? -1 : 1;
    } else if (strcmp(name, "strcmp") == 0) {
        if (want(h, at, name, a, n, "ss")) return -1;
        int c = strcmp(a[0].str, a[1].str);
        ret_num(r, c < 0 ? -1 : c > 0 ? 1 : 0);
    } else if (strcmp(name, "execute") == 0 || strcmp(name, "execute1") == 0) {
        if (want(h, at, name, a, n, "sO")) return -1;
        hoc_object *ctx = n == 2 ? a[1].obj : NULL;
        int rc = hoc_exec_string(h, a[0].str, "execute", ctx, at);
        if (name[7] == '1') {
            /* execute1 reports the error and returns 0 instead of failing */
            if (rc) {
                fprintf(stderr, "%s\n", h->err); /* NEURON prints it too */
                snprintf(h->exec1_err, sizeof h->exec1_err, "%.1000s", h->err);
                h->err[0] = '\0';
                h->err_set = 0;
            }
            ret_num(r, rc ? 0 : 1);
        } else {
            if (rc) return -1;
            ret_num(r, 0);
        }
    } else if (strcmp(name, "load_file") == 0 || strcmp(name, "xopen") == 0) {
        /* load_file(path) or load_file(force, path) */
        int force = name[0] == 'x';
        const char *path;
        if (n == 2 && a[0].k == V_NUM && a[1].k == V_STR) {
            force = a[0].num != 0;
            path = a[1].str;
        } else if (n == 1 && a[0].k == V_STR) {
            path = a[0].str;
        } else {
            return hoc_fail(h, at, "%s(\"file\")", name);
        }
        if (hoc_load_file(h, path, at, force)) return -1;
        ret_num(r, 1);
    } else if (strcmp(name, "execerror") == 0) {
        if (want(h, at, name, a, n, "SS")) return -1;
        return hoc_fail(h, at, "execerror: %s%s%s", n ? a[0].str : "", n > 1 ? " " : "", n > 1 ? a[1].str : "");
    } else if (strcmp(name, "quit") == 0) {
        return hoc_fail(h, at, "quit() called");
    } else if (strcmp(name, "object_id") == 0) {
        if (want(h, at, name, a, n, "oN")) return -1;
        ret_num(r, a[0].obj ? (double)(size_t)a[0].obj : 0);
    } else if (strcmp(name, "isobj") == 0 || strcmp(name, "startsw") == 0) {
        return hoc_fail(h, at, "unsupported built-in '%s'", name);
    } else {
        return 0;
    }
    return 1;
}
