/* cl_cell_load_template: a Blue Brain e-model template loaded as
 * BlueCelluLab loads it (formats v5, v6, bluepyopt), in an interpreter of
 * its own that is freed before returning; the cell stays in the sim. */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellulab_hoc.h"
#include "hoc/interp.h"
#include "model/model.h"
#include "sim/sim.h"

/* Loop iterations a template may run (all loops of one statement together). */
#define CL_TEMPLATE_MAX_LOOP_ITERS 100000000LL

/* The name the loader gives the instance (a global of the interpreter). */
#define LOADED "cellulab_loaded_"

static char *read_text(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        char *t = realloc(buf, 2 * cap + 1);
        if (!t) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = t;
        cap *= 2;
    }
    fclose(f);
    if (!buf) return NULL;
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* The text with comments blanked out (strings kept), for the scans below. */
static void blank_comments(char *s) {
    for (char *p = s; *p; p++) {
        if (*p == '"') {
            for (p++; *p && *p != '"' && *p != '\n'; p++)
                if (*p == '\\' && p[1]) p++;
            if (!*p) break;
        } else if (p[0] == '/' && p[1] == '/') {
            while (*p && *p != '\n') *p++ = ' ';
            if (!*p) break;
        } else if (p[0] == '/' && p[1] == '*') {
            while (*p && !(p[0] == '*' && p[1] == '/')) {
                if (*p != '\n') *p = ' ';
                p++;
            }
            if (!*p) break;
            p[0] = p[1] = ' ';
            p++;
        }
    }
}

static int ident_char(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/* The next occurrence of word `w` as a whole token at or after p. */
static const char *find_word(const char *text, const char *p, const char *w) {
    size_t n = strlen(w);
    for (const char *q = strstr(p, w); q; q = strstr(q + 1, w))
        if ((q == text || !ident_char(q[-1])) && !ident_char(q[n])) return q;
    return NULL;
}

/* The first template's name (BlueCelluLab takes the first begintemplate)
 * and its init body [*ib, *ie) (NULL when there is no init). 0 or -1. */
static int scan_template(const char *text, char *name, size_t cap, const char **ib, const char **ie) {
    *ib = *ie = NULL;
    const char *p = find_word(text, text, "begintemplate");
    if (!p) return -1;
    p += strlen("begintemplate");
    while (*p == ' ' || *p == '\t') p++;
    size_t n = 0;
    while (ident_char(p[n])) n++;
    if (!n || n >= cap) return -1;
    memcpy(name, p, n);
    name[n] = '\0';
    const char *end = find_word(text, p, "endtemplate");
    for (const char *q = find_word(text, p, "proc"); q && (!end || q < end); q = find_word(text, q + 1, "proc")) {
        const char *r = q + 4;
        while (*r == ' ' || *r == '\t') r++;
        if (strncmp(r, "init", 4) != 0 || ident_char(r[4])) continue;
        const char *b = strchr(r, '{');
        if (!b) break;
        int depth = 0;
        const char *e = b;
        for (; *e; e++) {
            if (*e == '{') depth++;
            else if (*e == '}' && --depth == 0) break;
        }
        *ib = b;
        *ie = e;
        break;
    }
    return 0;
}

/* Does [b, e) contain `w` (e.g. "$s1") not followed by a digit? */
static int body_has(const char *b, const char *e, const char *w) {
    size_t n = strlen(w);
    for (const char *q = b; q && q + n <= e; q++) {
        q = strstr(q, w);
        if (!q || q + n > e) return 0;
        if (!(q[n] >= '0' && q[n] <= '9')) return 1;
    }
    return 0;
}

/* Appends s as a hoc string literal. */
static int put_string(char *buf, size_t cap, size_t *len, const char *s) {
    if (*len + 1 >= cap) return -1;
    buf[(*len)++] = '"';
    for (; *s; s++) {
        if (*len + 3 >= cap) return -1;
        if (*s == '"' || *s == '\\') buf[(*len)++] = '\\';
        if (*s == '\n') return -1;
        buf[(*len)++] = *s;
    }
    buf[(*len)++] = '"';
    buf[*len] = '\0';
    return 0;
}

static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    if (r < 0 || (size_t)r >= cap - *len) return -1;
    *len += (size_t)r;
    return 0;
}

static void to_stderr(void *ctx, const char *text, size_t len) {
    (void)ctx;
    fwrite(text, 1, len, stderr);
}

static int has_public(const hoc_template *t, const char *name) {
    for (size_t i = 0; t && i < t->npub; i++)
        if (strcmp(t->publics[i], name) == 0) return 1;
    return 0;
}

/* A number-returning method of the loaded instance: its value, or NAN. */
static int call_number(hoc_interp *h, const char *method, double *out) {
    char src[256];
    snprintf(src, sizeof src, "cellulab_number_ = " LOADED ".%s()\n", method);
    if (hoc_run_string(h, src, "cl_cell_load_template")) return -1;
    return hoc_get_number(h, "cellulab_number_", out);
}

/* The attribute value for a needed name: given, else 1.0 (the rule
 * for SONATA @dynamics attributes a node lacks; BlueCelluLab's default of
 * its AIS_scaler and soma_scaler). */
static void attr_value(const cl_template_options *o, const char *name, double *v) {
    *v = 1.0;
    for (size_t i = 0; i < o->n_attrs; i++)
        if (o->attr_names && o->attr_names[i] && strcmp(o->attr_names[i], name) == 0) {
            *v = o->attr_values[i];
            return;
        }
}

static const char *format_name(cl_template_format f) {
    return f == CL_TEMPLATE_V5 ? "v5" : f == CL_TEMPLATE_V6 ? "v6" : "bluepyopt";
}

cl_status cl_cell_load_template(cl_sim *s, const char *tpath, const char *mpath, const cl_template_options *opt,
                                cl_cell *out, cl_template_info *info) {
    if (!s) return CL_EINVAL;
    if (!tpath || !mpath || !out)
        return cl_fail(s, CL_EINVAL, "cl_cell_load_template: template_path, morphology_path and out must not be NULL");
    cl_template_options o = {0};
    if (opt) o = *opt;
    if (o.format != CL_TEMPLATE_AUTO && o.format != CL_TEMPLATE_V5 && o.format != CL_TEMPLATE_V6 &&
        o.format != CL_TEMPLATE_BLUEPYOPT)
        return cl_fail(s, CL_EINVAL, "cl_cell_load_template: unknown template format %d (0 auto, 5 v5, 6 v6, 7 bluepyopt)",
                       (int)o.format);
    if (o.n_attrs && (!o.attr_names || !o.attr_values))
        return cl_fail(s, CL_EINVAL, "cl_cell_load_template: n_attrs is %zu but attr_names or attr_values is NULL",
                       o.n_attrs);
    for (size_t i = 0; i < o.n_attrs; i++)
        if (!isfinite(o.attr_values[i]))
            return cl_fail(s, CL_EINVAL, "cl_cell_load_template: attribute %s is not a finite number",
                           o.attr_names[i] ? o.attr_names[i] : "(null)");
    size_t len = 0;
    char *text = read_text(tpath, &len);
    if (!text) return cl_fail(s, CL_EIO, "%s: cannot read the template: %s", tpath, strerror(errno));
    if (memchr(text, '\0', len)) {
        free(text);
        return cl_fail(s, CL_EFORMAT, "%s: not a text file", tpath);
    }
    blank_comments(text);
    char name[256];
    const char *ib, *ie;
    if (scan_template(text, name, sizeof name, &ib, &ie)) {
        free(text);
        return cl_fail(s, CL_EFORMAT, "%s: no template in the file (expected 'begintemplate NAME')", tpath);
    }
    int init_s1 = ib && body_has(ib, ie, "$s1"), init_s3 = ib && body_has(ib, ie, "$s3");
    free(text);
    /* a cell of an HDF5 container given as (container, h5_cell): the
     * template sees "container.h5/cell.h5", as BlueCelluLab passes it */
    char joined[4096];
    if (o.morph.h5_cell && *o.morph.h5_cell) {
        size_t hl = strlen(o.morph.h5_cell);
        int has_ext = hl > 3 && strcmp(o.morph.h5_cell + hl - 3, ".h5") == 0;
        int w = snprintf(joined, sizeof joined, "%s/%s%s", mpath, o.morph.h5_cell, has_ext ? "" : ".h5");
        if (w < 0 || (size_t)w >= sizeof joined)
            return cl_fail(s, CL_EINVAL, "%s: morphology path too long with h5_cell %s", mpath, o.morph.h5_cell);
        mpath = joined;
    }
    if (access(mpath, R_OK) != 0) {
        /* "container.h5/cell.h5": a cell of an HDF5 container (morphio_read) */
        int err = errno;
        char cont[4096];
        const char *sl = strrchr(mpath, '/');
        size_t cl = sl ? (size_t)(sl - mpath) : 0;
        int is_container = sl && cl < sizeof cont && cl > 3 && strncmp(mpath + cl - 3, ".h5", 3) == 0;
        if (is_container) {
            memcpy(cont, mpath, cl);
            cont[cl] = '\0';
            is_container = access(cont, R_OK) == 0;
        }
        if (!is_container) return cl_fail(s, CL_EIO, "%s: cannot read the morphology: %s", mpath, strerror(err));
    }

    /* a template that never ends its loops is stopped (real ones loop a few
     * times per segment: 1e5 iterations for a large cell) */
    hoc_limits lim = {.max_loop_iters = CL_TEMPLATE_MAX_LOOP_ITERS};
    hoc_interp *h = hoc_new(&lim);
    if (!h) return cl_fail(s, CL_ENOMEM, "cl_cell_load_template: out of memory");
    hoc_bind_sim(h, s);
    hoc_set_soma_neuron82(h, o.morph.soma == CL_SOMA_NEURON82);
    hoc_set_pt3d_digits(h, o.morph.pt3d_digits);
    hoc_set_output(h, to_stderr, NULL);
    int ncell0 = s->eng.ncell;
    cl_status st = CL_OK;
    char *src = NULL;
    /* BlueCelluLab has its Cell and TDistFunc templates loaded before any
     * e-model template (ballstick/emodel.hoc relies on it); a file of that
     * name next to the template takes precedence over cellulab's copy. */
    if (hoc_run_string(h, "{load_file(\"Cell.hoc\")}\n{load_file(\"TDistFunc.hoc\")}\n", tpath) ||
        hoc_run_file(h, tpath)) {
        st = cl_fail(s, CL_EFORMAT, "%s", hoc_error(h));
        goto fail;
    }
    char attrname[300];
    snprintf(attrname, sizeof attrname, "%s_NeededAttributes", name);
    hoc_sym *na = hoc_global(h, attrname);
    const char *needed = na && na->type == S_STR && na->count && na->strs[0] ? na->strs[0] : NULL;
    hoc_sym *ts = hoc_global(h, name);
    if (!ts || ts->type != S_TEMPLATE) {
        st = cl_fail(s, CL_EFORMAT, "%s: template %s is not defined after running the file", tpath, name);
        goto fail;
    }
    cl_template_format fmt = o.format;
    if (fmt == CL_TEMPLATE_AUTO)
        fmt = (needed || init_s3) ? CL_TEMPLATE_V6 : init_s1 ? CL_TEMPLATE_BLUEPYOPT : CL_TEMPLATE_V5;
    if (needed && fmt != CL_TEMPLATE_V6) {
        st = cl_fail(s, CL_EINVAL, "%s: %s defines %s (format v6), but format %s was asked for", tpath, name, attrname,
                     format_name(fmt));
        goto fail;
    }
    /* dir and file of the morphology for v6 and bluepyopt */
    const char *slash = strrchr(mpath, '/');
    char dir[4096];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - mpath) : 1, slash ? mpath : ".");
    if (slash && slash == mpath) snprintf(dir, sizeof dir, "/");
    const char *file = slash ? slash + 1 : mpath;
    size_t cap = 3 * strlen(mpath) + 8192, n = 0;
    if (needed) cap += 32 * strlen(needed);
    src = malloc(cap);
    if (!src) {
        st = cl_fail(s, CL_ENOMEM, "cl_cell_load_template: out of memory");
        goto fail;
    }
    int bad = put(src, cap, &n, "objref " LOADED ", cellulab_cellref_\n" LOADED " = new %s(", name);
    if (fmt == CL_TEMPLATE_V5) {
        bad = bad || put(src, cap, &n, "%" PRIu64 ", ", o.gid) || put_string(src, cap, &n, mpath);
    } else {
        if (fmt == CL_TEMPLATE_V6) bad = bad || put(src, cap, &n, "%" PRIu64 ", ", o.gid);
        bad = bad || put_string(src, cap, &n, dir) || put(src, cap, &n, ", ") || put_string(src, cap, &n, file);
    }
    if (needed && *needed) {
        /* "AIS_scaler;soma_scaler": values in that order */
        const char *p = needed;
        for (;;) {
            const char *q = strchr(p, ';');
            size_t l = q ? (size_t)(q - p) : strlen(p);
            /* names may be written "a; b" */
            while (l && (*p == ' ' || *p == '\t')) p++, l--;
            while (l && (p[l - 1] == ' ' || p[l - 1] == '\t')) l--;
            char an[256];
            if (!l || l >= sizeof an) {
                st = cl_fail(s, CL_EFORMAT, "%s: %s = \"%s\": an empty or too long attribute name", tpath, attrname,
                             needed);
                goto fail;
            }
            memcpy(an, p, l);
            an[l] = '\0';
            double v;
            attr_value(&o, an, &v);
            bad = bad || put(src, cap, &n, ", %.17g", v);
            if (!q) break;
            p = q + 1;
        }
    }
    bad = bad || put(src, cap, &n, ")\n");
    if (bad) {
        st = cl_fail(s, CL_EINVAL, "%s: the morphology path cannot be passed to hoc (too long or has a newline)", mpath);
        goto fail;
    }
    if (hoc_run_string(h, src, "cl_cell_load_template")) {
        st = cl_fail(s, CL_EFORMAT, "%s (loading %s as format %s with %s)", hoc_error(h), name, format_name(fmt), mpath);
        goto fail;
    }
    hoc_sym *ls = hoc_global(h, LOADED);
    hoc_object *inst = ls && ls->type == S_OBJ && ls->count ? ls->objs[0] : NULL;
    hoc_object *cellobj = inst;
    if (inst && has_public(inst->tmpl, "getCell")) {
        if (hoc_run_string(h, "cellulab_cellref_ = " LOADED ".getCell()\n", "cl_cell_load_template")) {
            st = cl_fail(s, CL_EFORMAT, "%s (%s.getCell())", hoc_error(h), name);
            goto fail;
        }
        hoc_sym *cs = hoc_global(h, "cellulab_cellref_");
        cellobj = cs && cs->type == S_OBJ && cs->count ? cs->objs[0] : NULL;
    } else if (inst) {
        hoc_sym *cr = hoc_obj_field(inst, "CellRef");
        if (cr && cr->type == S_OBJ && cr->count && cr->objs[0]) cellobj = cr->objs[0];
    }
    if (!cellobj || !cellobj->tmpl || !cellobj->has_cell) {
        st = cl_fail(s, CL_EFORMAT, "%s: %s made no sections (its getCell()/CellRef has no cell)%s%s", tpath, name,
                     h->exec1_err[0] ? "; execute1 failed: " : "", h->exec1_err);
        goto fail;
    }
    cl_cell cell = cellobj->cell;
    size_t nsec = 0;
    if (cl_cell_section_count(s, cell, &nsec) != CL_OK || nsec == 0) {
        st = cl_fail(s, CL_EFORMAT, "%s: %s made no sections%s%s", tpath, name,
                     h->exec1_err[0] ? "; execute1 failed: " : "", h->exec1_err);
        goto fail;
    }
    if (info) {
        info->threshold_nA = NAN;
        info->hypamp_nA = NAN;
        if (has_public(inst->tmpl, "getThreshold") && call_number(h, "getThreshold", &info->threshold_nA)) {
            st = cl_fail(s, CL_EFORMAT, "%s (%s.getThreshold())", hoc_error(h), name);
            goto fail;
        }
        if (has_public(inst->tmpl, "getHypAmp") && call_number(h, "getHypAmp", &info->hypamp_nA)) {
            st = cl_fail(s, CL_EFORMAT, "%s (%s.getHypAmp())", hoc_error(h), name);
            goto fail;
        }
    }
    /* indexSections' numbering (v(0.0001) = index), kept before anything
     * else can change v */
    {
        size_t na = 0;
        if (cl_cell_section_list(s, cell, "all", NULL, 0, &na) == CL_OK && na) {
            cl_section *all = malloc(na * sizeof *all);
            if (all && cl_cell_section_list(s, cell, "all", all, na, &na) == CL_OK)
                for (size_t i = 0; i < na; i++) {
                    /* the interpreter keeps v assignments until a run
                     * (hoc_interp.vset); the last one at 0.0001 counts */
                    double v = -1;
                    for (size_t k = h->nvset; k-- > 0;)
                        if (h->vset[k].id == all[i].id && h->vset[k].x == 0.0001) {
                            v = h->vset[k].v;
                            break;
                        }
                    int si = cl_handle_index(s, all[i].id, CL_TAG_SECTION, "cl_cell_load_template", "section");
                    if (si >= 0 && v >= 0 && v == floor(v) && v < 1e7) s->eng.sec[si].tmpl_index = v;
                }
            free(all);
        }
    }
    free(src);
    hoc_free(h);
    /* empty cells the interpreter left (placeholders) go */
    for (int c = ncell0; c < s->eng.ncell; c++) {
        cl_cell hc = {cl_handle_make(s, CL_TAG_CELL, c)};
        size_t k = 0;
        if (!s->eng.cell[c].dead && hc.id != cell.id && cl_cell_section_count(s, hc, &k) == CL_OK && k == 0)
            cl_cell_delete(s, hc);
    }
    *out = cell;
    return cl_ok(s);
fail:
    free(src);
    hoc_free(h);
    return cl_model_discard_cells(s, ncell0, st);
}
