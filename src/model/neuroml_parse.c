/* NeuroML2 biophysics: the document read into per-section-type property
 * lists (see neuroml.h for the semantics, which are bmtk's NMLTree). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "model/neuroml.h"

const char *const cl_nml_type_names[CL_NML_NTYPES] = {"soma", "axon", "dend", "apic"};

/* ---- quantities ----------------------------------------------------------- */

typedef struct unit_def {
    const char *dimension, *unit;
    double mul, div; /* NEURON value = x * mul / div (one of them is 1) */
} unit_def;

/* NeuroML2's core units (NeuroMLCoreDimensions) of the quantities read
 * here, converted to NEURON's S/cm², µF/cm², Ω·cm, mV, ms, mM and µm. */
static const unit_def units[] = {
    {"conductanceDensity", "S_per_cm2", 1, 1},
    {"conductanceDensity", "mS_per_cm2", 1, 1e3},
    {"conductanceDensity", "S_per_m2", 1, 1e4},
    {"specificCapacitance", "uF_per_cm2", 1, 1},
    {"specificCapacitance", "F_per_m2", 1e2, 1},
    {"resistivity", "ohm_cm", 1, 1},
    {"resistivity", "kohm_cm", 1e3, 1},
    {"resistivity", "ohm_m", 1e2, 1},
    {"voltage", "mV", 1, 1},
    {"voltage", "V", 1e3, 1},
    {"time", "ms", 1, 1},
    {"time", "s", 1e3, 1},
    {"concentration", "mM", 1, 1},
    {"concentration", "mol_per_m3", 1, 1},
    {"concentration", "mol_per_cm3", 1e6, 1},
    {"concentration", "M", 1e3, 1},
    {"length", "um", 1, 1},
    {"length", "m", 1e6, 1},
    {"length", "cm", 1e4, 1},
};

static void units_of(const char *dimension, char *buf, size_t n) {
    size_t k = 0, count = 0, total = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(units[i].dimension, dimension) == 0) total++;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0] && k < n; i++) {
        if (strcmp(units[i].dimension, dimension) != 0) continue;
        count++;
        int w = snprintf(buf + k, n - k, "%s%s", count == 1 ? "" : count == total ? " or " : ", ", units[i].unit);
        if (w < 0) break;
        k += (size_t)w;
    }
}

int cl_nml_quantity(const char *text, const char *dimension, double *out, char *err, size_t errlen) {
    const char *p = text;
    while (isspace((unsigned char)*p)) p++;
    /* NeuroML's number syntax (decimal; no hex, inf or nan) checked first,
     * then read by strtod, correctly rounded as Python's float() */
    const char *q = p;
    if (*q == '-' || *q == '+') q++;
    size_t digits = 0;
    while (isdigit((unsigned char)*q)) q++, digits++;
    if (*q == '.') {
        q++;
        while (isdigit((unsigned char)*q)) q++, digits++;
    }
    if (digits == 0) {
        snprintf(err, errlen, "\"%s\" is not a number", text);
        return -1;
    }
    if (*q == 'e' || *q == 'E') {
        const char *e = q + 1;
        if (*e == '-' || *e == '+') e++;
        if (!isdigit((unsigned char)*e)) {
            snprintf(err, errlen, "\"%s\" has a malformed exponent", text);
            return -1;
        }
        while (isdigit((unsigned char)*e)) e++;
        q = e;
    }
    char num[128];
    size_t nl = (size_t)(q - p);
    if (nl >= sizeof num) {
        snprintf(err, errlen, "\"%.40s...\" is too long a number", text);
        return -1;
    }
    memcpy(num, p, nl);
    num[nl] = 0;
    errno = 0;
    double x = strtod(num, NULL);
    if (!isfinite(x)) {
        snprintf(err, errlen, "\"%s\" is out of range", text);
        return -1;
    }
    while (isspace((unsigned char)*q)) q++;
    const char *u = q;
    while (*q && !isspace((unsigned char)*q)) q++;
    size_t ul = (size_t)(q - u);
    while (isspace((unsigned char)*q)) q++;
    if (*q) {
        snprintf(err, errlen, "\"%s\" has text after the unit", text);
        return -1;
    }
    char expected[160];
    units_of(dimension, expected, sizeof expected);
    if (strcmp(dimension, "none") == 0) {
        if (ul != 0) {
            snprintf(err, errlen, "\"%s\": a dimensionless number takes no unit", text);
            return -1;
        }
        *out = x;
        return 0;
    }
    if (ul == 0) {
        snprintf(err, errlen, "\"%s\" has no unit (expected %s)", text, expected);
        return -1;
    }
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(units[i].dimension, dimension) != 0) continue;
        if (strlen(units[i].unit) != ul || strncmp(units[i].unit, u, ul) != 0) continue;
        /* the factors are exact: 1 keeps the value's bits */
        double y = units[i].div != 1 ? x / units[i].div : x * units[i].mul;
        if (!isfinite(y)) {
            snprintf(err, errlen, "\"%s\" is out of range", text);
            return -1;
        }
        *out = y;
        return 0;
    }
    snprintf(err, errlen, "unknown unit \"%.*s\" (expected %s)", (int)(ul > 40 ? 40 : ul), u, expected);
    return -1;
}

/* ---- the document ---------------------------------------------------------- */

typedef struct pstate {
    const char *name;
    cl_nml *m;
    char *err;
    size_t errlen;
} pstate;

static int perr(pstate *ps, const xmlNode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int perr(pstate *ps, const xmlNode *n, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(ps->err, ps->errlen, "%s:%ld: <%s>: %s", ps->name, n ? xmlGetLineNo((xmlNode *)n) : 0L,
             n ? (const char *)n->name : "?", msg);
    return -1;
}

/* An attribute's value (malloc'd) or NULL when absent. */
static char *attr(const xmlNode *n, const char *name) {
    xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)name);
    if (!v) return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

static int need(pstate *ps, const xmlNode *n, const char *name, char **out) {
    *out = attr(n, name);
    if (!*out) return perr(ps, n, "missing attribute \"%s\"", name);
    return 0;
}

static int quantity(pstate *ps, const xmlNode *n, const char *name, const char *dimension, int required,
                    int *present, double *out) {
    char *v = attr(n, name);
    if (present) *present = v != NULL;
    if (!v) return required ? perr(ps, n, "missing attribute \"%s\"", name) : 0;
    char why[256];
    int r = cl_nml_quantity(v, dimension, out, why, sizeof why);
    free(v);
    if (r != 0) return perr(ps, n, "attribute \"%s\": %s", name, why);
    return 0;
}

/* segmentGroup to section types, as bmtk's NMLTree (case-insensitive),
 * plus NeuroML's conventional group names. */
static int group_types(const char *g, int types[CL_NML_NTYPES]) {
    static const struct {
        const char *name;
        int t[CL_NML_NTYPES];
    } map[] = {
        {"soma", {1, 0, 0, 0}},   {"somatic", {1, 0, 0, 0}},  {"soma_group", {1, 0, 0, 0}},
        {"axon", {0, 1, 0, 0}},   {"axonal", {0, 1, 0, 0}},   {"axon_group", {0, 1, 0, 0}},
        {"dend", {0, 0, 1, 0}},   {"basal", {0, 0, 1, 0}},    {"dendritic", {0, 0, 1, 0}},
        {"apic", {0, 0, 0, 1}},   {"apical", {0, 0, 0, 1}},   {"dendrite_group", {0, 0, 1, 1}},
        {"all", {1, 1, 1, 1}},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strcasecmp(map[i].name, g) != 0) continue;
        memcpy(types, map[i].t, sizeof map[i].t);
        return 0;
    }
    return -1;
}

static void prop_free(cl_nml_prop *p) {
    free(p->key);
    free(p->ion);
    free(p->channel);
    free(p->type);
}

/* Add the finished property to the lists of its segment group's types. */
static int add(pstate *ps, const xmlNode *n, cl_nml_prop *p) {
    char *g = attr(n, "segmentGroup");
    if (!g) {
        prop_free(p);
        return perr(ps, n, "missing attribute \"segmentGroup\"");
    }
    int types[CL_NML_NTYPES];
    if (group_types(g, types) != 0) {
        perr(ps, n,
             "unknown segmentGroup \"%.64s\" (expected soma, axon, dend, apic or all, or somatic, axonal, "
             "basal, dendritic, apical, soma_group, axon_group, dendrite_group)",
             g);
        free(g);
        prop_free(p);
        return -1;
    }
    free(g);
    cl_nml *m = ps->m;
    if (m->nprops == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 32;
        cl_nml_prop *np = realloc(m->props, cap * sizeof *np);
        if (!np) {
            prop_free(p);
            return perr(ps, n, "out of memory");
        }
        m->props = np;
        for (int t = 0; t < CL_NML_NTYPES; t++) {
            size_t *no = realloc(m->order[t], cap * sizeof *no);
            if (!no) {
                prop_free(p);
                return perr(ps, n, "out of memory");
            }
            m->order[t] = no;
        }
        m->cap = cap;
    }
    size_t idx = m->nprops++;
    m->props[idx] = *p;
    for (int t = 0; t < CL_NML_NTYPES; t++) {
        if (!types[t]) continue;
        size_t k = 0;
        /* a Python dict: the same key keeps its place, the value is replaced */
        while (k < m->norder[t] && strcmp(m->props[m->order[t][k]].key, p->key) != 0) k++;
        if (k < m->norder[t]) m->order[t][k] = idx;
        else m->order[t][m->norder[t]++] = idx;
    }
    return 0;
}

static int element(pstate *ps, const xmlNode *n) {
    const char *nm = (const char *)n->name;
    /* elements of another vocabulary (bmtk reads only NeuroML2's; a
     * document without a namespace is read too) */
    if (n->ns && n->ns->href && strcmp((const char *)n->ns->href, "http://www.neuroml.org/schema/neuroml2") != 0)
        return 0;
    cl_nml_prop p;
    memset(&p, 0, sizeof p);
    p.line = (int)xmlGetLineNo((xmlNode *)n);
    if (strcmp(nm, "species") == 0) {
        /* checked, not applied: bmtk ignores species (CaDynamics' INITIAL
         * sets cai = minCai and cao keeps NEURON's 2 mM) */
        double c;
        char *g = attr(n, "segmentGroup");
        int types[CL_NML_NTYPES];
        if (g && group_types(g, types) != 0) {
            perr(ps, n, "unknown segmentGroup \"%.64s\"", g);
            free(g);
            return -1;
        }
        free(g);
        if (quantity(ps, n, "initialConcentration", "concentration", 0, NULL, &c) != 0) return -1;
        if (quantity(ps, n, "initialExtConcentration", "concentration", 0, NULL, &c) != 0) return -1;
        return 0;
    }
    if (strcmp(nm, "resistivity") == 0) p.kind = CL_NML_RESISTIVITY;
    else if (strcmp(nm, "specificCapacitance") == 0) p.kind = CL_NML_CAPACITANCE;
    else if (strcmp(nm, "channelDensity") == 0) p.kind = CL_NML_CHANNEL;
    else if (strcmp(nm, "channelDensityNernst") == 0) p.kind = CL_NML_NERNST;
    else if (strcmp(nm, "concentrationModel") == 0) p.kind = CL_NML_CONCENTRATION;
    else return 0;
    p.element = p.kind == CL_NML_RESISTIVITY    ? "resistivity"
                : p.kind == CL_NML_CAPACITANCE  ? "specificCapacitance"
                : p.kind == CL_NML_CHANNEL      ? "channelDensity"
                : p.kind == CL_NML_NERNST       ? "channelDensityNernst"
                                                : "concentrationModel";
    p.key = attr(n, "id");
    if (!p.key) p.key = strdup(p.element);
    if (!p.key) return perr(ps, n, "out of memory");
    int r = 0;
    switch (p.kind) {
    case CL_NML_RESISTIVITY:
        r = quantity(ps, n, "value", "resistivity", 1, NULL, &p.value);
        if (r == 0 && !(p.value > 0)) r = perr(ps, n, "attribute \"value\": resistivity must be > 0");
        break;
    case CL_NML_CAPACITANCE:
        r = quantity(ps, n, "value", "specificCapacitance", 1, NULL, &p.value);
        if (r == 0 && p.value < 0) r = perr(ps, n, "attribute \"value\": capacitance must be >= 0");
        break;
    case CL_NML_CHANNEL:
    case CL_NML_NERNST:
        if ((r = need(ps, n, "ion", &p.ion)) != 0) break;
        if ((r = need(ps, n, "ionChannel", &p.channel)) != 0) break;
        if ((r = quantity(ps, n, "condDensity", "conductanceDensity", 1, NULL, &p.value)) != 0) break;
        r = quantity(ps, n, "erev", "voltage", 0, &p.has_erev, &p.erev);
        /* pas takes its e from erev */
        if (r == 0 && strcmp(p.channel, "pas") == 0 && !p.has_erev)
            r = perr(ps, n, "missing attribute \"erev\" (needed for ionChannel pas)");
        break;
    case CL_NML_CONCENTRATION: {
        if ((r = need(ps, n, "type", &p.type)) != 0) break;
        p.ion = attr(n, "ion");
        if ((r = quantity(ps, n, "decay", "time", 1, NULL, &p.decay)) != 0) break;
        if ((r = quantity(ps, n, "gamma", "none", 1, NULL, &p.gamma)) != 0) break;
        /* checked, not applied: bmtk leaves minCai and depth at the MOD
         * file's defaults */
        double unused;
        if ((r = quantity(ps, n, "minCai", "concentration", 0, NULL, &unused)) != 0) break;
        r = quantity(ps, n, "depth", "length", 0, NULL, &unused);
        break;
    }
    }
    if (r != 0) {
        prop_free(&p);
        return -1;
    }
    return add(ps, n, &p);
}

/* Document order, as ElementTree's iter(); iterative so that deep nesting
 * cannot exhaust the stack. */
static int walk(pstate *ps, const xmlNode *root) {
    const xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && element(ps, n) != 0) return -1;
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) n = n->parent;
        if (!n || n == root) break;
        n = n->next;
    }
    return 0;
}

void cl_nml_free(cl_nml *m) {
    if (!m) return;
    for (size_t i = 0; i < m->nprops; i++) prop_free(&m->props[i]);
    free(m->props);
    for (int t = 0; t < CL_NML_NTYPES; t++) free(m->order[t]);
    memset(m, 0, sizeof *m);
}

/* The first error libxml2 reports (it goes on after some, and its
 * lastError is the last): kept in the context's _private. */
typedef struct first_error {
    int set, line;
    char msg[256];
} first_error;

static void on_error(void *data, xmlErrorPtr e) {
    xmlParserCtxtPtr ctx = data;
    first_error *fe = ctx ? ctx->_private : NULL;
    if (!fe || fe->set || !e || e->level < XML_ERR_ERROR) return;
    fe->set = 1;
    fe->line = e->line;
    snprintf(fe->msg, sizeof fe->msg, "%s", e->message ? e->message : "not well-formed");
}

/* libxml2 2.9 wants one initialisation before threads use it */
static pthread_once_t xml_once = PTHREAD_ONCE_INIT;
static void xml_init(void) { xmlInitParser(); }

int cl_nml_parse_memory(const char *buf, size_t len, const char *name, cl_nml *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (len > INT_MAX) {
        snprintf(err, errlen, "%s: too large", name);
        return -1;
    }
    pthread_once(&xml_once, xml_init);
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (!ctx) {
        snprintf(err, errlen, "%s: out of memory", name);
        return -1;
    }
    first_error fe = {0, 0, ""};
    ctx->_private = &fe;
    ctx->sax->serror = on_error;
    /* no network, no DTD loading, no entity substitution, no messages on
     * stderr */
    xmlDocPtr doc = xmlCtxtReadMemory(ctx, buf, (int)len, name, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_BIG_LINES);
    if (!doc || fe.set) {
        if (!fe.set) {
            fe.line = ctx->lastError.line;
            snprintf(fe.msg, sizeof fe.msg, "%s", ctx->lastError.message ? ctx->lastError.message : "not well-formed");
        }
        size_t ml = strlen(fe.msg);
        while (ml && (fe.msg[ml - 1] == '\n' || fe.msg[ml - 1] == ' ')) fe.msg[--ml] = 0;
        snprintf(err, errlen, "%s:%d: malformed XML: %s", name, fe.line, fe.msg);
        if (doc) xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctx);
        return -1;
    }
    xmlFreeParserCtxt(ctx);
    pstate ps = {name, out, err, errlen};
    int r = 0;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (doc->intSubset || doc->extSubset) {
        snprintf(err, errlen, "%s: a DOCTYPE is not allowed in a NeuroML2 document", name);
        r = -1;
    } else if (!root || strcmp((const char *)root->name, "neuroml") != 0) {
        r = perr(&ps, root, "not a NeuroML2 document (the root element must be <neuroml>)");
    } else {
        r = walk(&ps, root);
    }
    xmlFreeDoc(doc);
    if (r != 0) cl_nml_free(out);
    return r;
}

int cl_nml_parse_file(const char *path, cl_nml *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (len < cap) break;
        if (cap >= ((size_t)1 << 30)) {
            free(buf);
            fclose(f);
            snprintf(err, errlen, "%s: too large for a NeuroML2 cell file (over 1 GiB)", path);
            return -1;
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        snprintf(err, errlen, "%s: %s", path, bad ? "read error" : "out of memory");
        return -1;
    }
    int r = cl_nml_parse_memory(buf, len, path, out, err, errlen);
    free(buf);
    return r;
}
