/* conditions.modifications (Blue Brain): TTX and section_configure
 * statements on the sections of a cell (see network_modify.h). */
#include "sim/network_modify.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_morph.h"
#include "sim/configure_stmt.h"
#include "util/util.h"

#define MAX_VARS 32

typedef struct stmt {
    char var[64];
    char op;
    double value;
} stmt;

/* The statements of text whose targets all start with prefix. */
static cl_status parse(const cl_modification *m, const char *text, const char *prefix, stmt *out, size_t *n,
                       cl_error *err) {
    const char *p = text;
    *n = 0;
    for (;;) {
        stmt s;
        int r = cl_configure_next(&p, prefix, s.var, sizeof s.var, &s.op, &s.value);
        if (r == 0) break;
        if (r < 0 || *n == MAX_VARS)
            return cl_error_fail(err, CL_EINVAL,
                                 "%s.section_configure: \"%.60s\": only statements \"%sVAR = NUMBER\" (or *=, /=, "
                                 "+=, -=; at most %d) are supported",
                                 m->where, p, prefix, MAX_VARS);
        if (!strcmp(s.var, "nseg") || !strcmp(s.var, "L") || !strcmp(s.var, "diam"))
            return cl_error_fail(err, CL_EINVAL,
                                 "%s.section_configure: %s: changing the geometry (nseg, L, diam) is not supported",
                                 m->where, s.var);
        out[(*n)++] = s;
    }
    if (!*n) return cl_error_fail(err, CL_EINVAL, "%s.section_configure: no statement", m->where);
    return CL_OK;
}

static int has_var(cl_sim *sim, cl_section sec, const char *var) {
    double v;
    if (!strcmp(var, "Ra")) return 1;
    return cl_section_get_at(sim, sec, 0.5, var, &v) == CL_OK;
}

/* Run the statements on sec if it has every variable they name. */
static cl_status run_on(cl_sim *sim, cl_section sec, const stmt *s, size_t n, const cl_modification *m, int *applied,
                        cl_error *err) {
    *applied = 0;
    for (size_t i = 0; i < n; i++)
        if (!has_var(sim, sec, s[i].var)) return CL_OK;
    for (size_t i = 0; i < n; i++) {
        int ra = !strcmp(s[i].var, "Ra");
        double old = 0;
        cl_status st = ra ? cl_section_get_Ra(sim, sec, &old) : cl_section_get_at(sim, sec, 0.5, s[i].var, &old);
        double v = cl_configure_apply(s[i].op, old, s[i].value);
        if (!st) st = ra ? cl_section_set_Ra(sim, sec, v) : cl_section_set(sim, sec, s[i].var, v);
        if (st) return cl_error_fail(err, st, "%s: %s: %s", m->where, s[i].var, cl_sim_errmsg(sim));
    }
    *applied = 1;
    return CL_OK;
}

static cl_status sections_of(cl_sim *sim, cl_cell cell, const char *list, cl_section **out, size_t *n,
                             cl_error *err) {
    *out = NULL;
    if (cl_cell_section_list(sim, cell, list, NULL, 0, n))
        return cl_error_fail(err, CL_EINVAL, "section list %s: %s", list, cl_sim_errmsg(sim));
    *out = malloc((*n ? *n : 1) * sizeof **out);
    if (!*out) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    size_t k = 0;
    if (cl_cell_section_list(sim, cell, list, *out, *n, &k)) {
        free(*out);
        *out = NULL;
        return cl_error_fail(err, CL_EINVAL, "section list %s: %s", list, cl_sim_errmsg(sim));
    }
    return CL_OK;
}

static cl_status ttx(cl_sim *sim, cl_cell cell, const cl_modification *m, size_t *count, cl_error *err) {
    cl_section *secs;
    size_t n;
    cl_status st = sections_of(sim, cell, "all", &secs, &n, err);
    for (size_t i = 0; i < n && !st; i++) {
        if (cl_section_insert(sim, secs[i], "TTXDynamicsSwitch")) {
            st = cl_error_fail(err, CL_EINVAL,
                               "%s: TTX needs the mechanism TTXDynamicsSwitch (load a library built from its MOD "
                               "file): %s",
                               m->where, cl_sim_errmsg(sim));
            break;
        }
        if (cl_section_set(sim, secs[i], "ttxo_level_TTXDynamicsSwitch", 1.0))
            st = cl_error_fail(err, CL_EINVAL, "%s: %s", m->where, cl_sim_errmsg(sim));
        else
            (*count)++;
    }
    free(secs);
    return st;
}

/* BlueCelluLab's names of the section lists a section_list modification may use. */
static const char *list_of(const char *name) {
    static const char *const map[][2] = {{"somatic", "somatic"}, {"soma", "somatic"}, {"basal", "basal"},
                                         {"dend", "basal"},      {"apical", "apical"}, {"apic", "apical"},
                                         {"axonal", "axonal"},   {"axon", "axonal"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(name, map[i][0])) return map[i][1];
    return NULL;
}

cl_status cl_netmod_apply(cl_sim *sim, cl_cell cell, const cl_modification *m, size_t *n_sections, cl_error *err) {
    size_t count = 0;
    cl_status st = CL_OK;
    const char *t = m->type;
    if (!strcmp(t, "ttx") || !strcmp(t, "TTX")) {
        st = ttx(sim, cell, m, &count, err);
        if (n_sections) *n_sections = count;
        return st;
    }
    const char *text = m->section_configure ? m->section_configure : "";
    while (isspace((unsigned char)*text)) text++;
    char prefix[96];
    const char *list = "all";
    cl_section one;
    int single = 0;
    if (!strcmp(t, "configure_all_sections") || !strcmp(t, "ConfigureAllSections")) {
        snprintf(prefix, sizeof prefix, "%%s.");
    } else {
        /* the target before the first '.': a list name or NAME[i] */
        size_t k = 0;
        while (text[k] && text[k] != '.' && k + 2 < sizeof prefix) k++;
        if (text[k] != '.' || !k)
            return cl_error_fail(err, CL_EINVAL, "%s.section_configure: \"%.60s\": no target before '.'", m->where,
                                 text);
        memcpy(prefix, text, k);
        prefix[k] = 0;
        if (!strcmp(t, "section_list")) {
            list = list_of(prefix);
            if (!list)
                return cl_error_fail(err, CL_EINVAL,
                                     "%s.section_configure: unknown section list \"%s\" (somatic/soma, basal/dend, "
                                     "apical/apic, axonal/axon)",
                                     m->where, prefix);
        } else {
            const char *br = strchr(prefix, '[');
            if (!br || prefix[k - 1] != ']')
                return cl_error_fail(err, CL_EINVAL, "%s.section_configure: \"%s\" is not a section name NAME[i]",
                                     m->where, prefix);
            single = 1;
            if (cl_cell_section(sim, cell, prefix, &one)) {
                if (n_sections) *n_sections = 0; /* BlueCelluLab skips a cell without it */
                return CL_OK;
            }
        }
        prefix[k] = '.';
        prefix[k + 1] = 0;
    }
    stmt s[MAX_VARS];
    size_t ns;
    if ((st = parse(m, text, prefix, s, &ns, err))) return st;
    int applied;
    if (single) {
        st = run_on(sim, one, s, ns, m, &applied, err);
        count += applied;
    } else {
        cl_section *secs;
        size_t n;
        if ((st = sections_of(sim, cell, list, &secs, &n, err))) return st;
        for (size_t i = 0; i < n && !st; i++) {
            st = run_on(sim, secs[i], s, ns, m, &applied, err);
            count += applied;
        }
        free(secs);
    }
    if (n_sections) *n_sections = count;
    return st;
}
