/* NMODL → C for cellulab's mechanism ABI, with the arithmetic of NEURON
 * 8.2.2's nocmodl (docs/nmodl-lowering.md, cited as §n below).
 *
 * Expressions are printed token for token as written (parentheses kept as
 * NK_PAREN nodes), so the C compiler builds the same expression trees as it
 * does from nocmodl's output. cnexp updates are built as strings by
 * nocmodl's four-string rules (§3.3) and likewise left to the C parser.
 *
 * Supported now: SUFFIX / POINT_PROCESS / ARTIFICIAL_CELL, USEION,
 * NONSPECIFIC_CURRENT, ELECTRODE_CURRENT, RANGE, GLOBAL, PARAMETER,
 * ASSIGNED, STATE, CONSTANT, UNITS constants, INITIAL, BREAKPOINT with
 * SOLVE ... METHOD cnexp / derivimplicit and SOLVE of a PROCEDURE,
 * DERIVATIVE (cnexp, derivimplicit with scopmath's Newton, §4),
 * SOLVE ... METHOD euler (§5), TABLE in PROCEDUREs and FUNCTIONs (§8),
 * PROCEDURE, FUNCTION, LOCAL, if/else, WHILE, FROM loops, NET_RECEIVE with
 * net_send / net_event, INITIAL inside NET_RECEIVE (§9.3), WATCH (§9.4),
 * and cellulab's extensions cellulab_play_count(), cellulab_play_time(k),
 * cellulab_record_event(t), cellulab_record_clear() (cellulab_nmodl.h).
 * Everything else is refused with a message naming the construct and its
 * place. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_mech.h"
#include "cellulab_nmodl.h"
#include "nmodl/nmodl.h"
#include "util/atomic_file.h"
#include "util/util.h"

/* ---- strings -------------------------------------------------------------- */

void cl_sb_add(cl_sb *b, const char *t) {
    size_t n = strlen(t);
    if (b->oom) return;
    if (CL_GROW(b->s, b->cap, b->n + n + 1) != 0) { b->oom = 1; return; }
    memcpy(b->s + b->n, t, n + 1);
    b->n += n;
}

void cl_sb_addf(cl_sb *b, const char *fmt, ...) {
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) { b->oom = 1; return; }
    if ((size_t)n < sizeof small) { cl_sb_add(b, small); return; }
    char *big = malloc((size_t)n + 1);
    if (!big) { b->oom = 1; return; }
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cl_sb_add(b, big);
    free(big);
}

void cl_sb_free(cl_sb *b) { free(b->s); memset(b, 0, sizeof *b); }

static char *xstrdup(const char *s) { return s ? cl_strdup(s) : NULL; }

static char *cat(const char *a, const char *b, const char *c, const char *d, const char *e) {
    cl_sb sb = {0};
    const char *parts[5] = {a, b, c, d, e};
    for (int i = 0; i < 5; i++)
        if (parts[i]) cl_sb_add(&sb, parts[i]);
    if (!sb.s) return cl_strdup("");
    return sb.s;
}

/* ---- symbols ---------------------------------------------------------------- */

enum sym_kind { SK_RANGE, SK_GLOBAL, SK_CONST, SK_ION };
enum ion_field { IF_NONE = -1, IF_EREV, IF_CI, IF_CO, IF_CUR };

typedef struct sym {
    char *name;
    int kind;       /* SK_* */
    int slot;       /* instance var index (SK_RANGE, SK_ION) or global index */
    int is_state, is_param, is_assigned;
    double dflt;
    int len;        /* array length, 0 for scalars */
    int ion;        /* SK_ION: which USEION */
    int field;      /* SK_ION: IF_* */
    char *cexpr;    /* SK_CONST: the C text of the value */
    int dslot;      /* derivimplicit: the instance slot of D<name>, -1 if none */
} sym;

typedef struct ionuse {
    char *name;
    char **reads, **writes;
    int nread, nwrite;
    double valence;
    int flags;
} ionuse;

#define CL_NMODL_BATCH_EQ 16 /* most cnexp equations gathered over instances */
#define CL_NMODL_BATCH_N 32  /* instances per gathered group */

typedef struct gen {
    const char *file;
    cl_error *err;
    int failed;
    const cl_ast *root;
    const char *text;    /* the MOD source (symbol-table order, §6.1) */
    size_t textlen;
    /* NEURON block */
    char *mname;         /* suffix or point process name */
    int kind;            /* CL_MECH_* */
    int electrode;
    char **currents;     /* current list in NEURON-block order */
    int ncur;
    char **range, **global;
    int nrange, nglobal_decl;
    ionuse ions[16];
    int nion;
    char **randoms;      /* RANDOM names (NEURON 9), in NEURON-block order */
    int nrandom;
    int rslot[16];       /* the first of each stream's 5 instance slots (cellulab_mech.h) */
    /* symbols */
    sym *syms;
    int nsym, capsym;
    int nvar, nglob;     /* instance slots, global slots */
    int v_slot, tsav_slot;
    /* blocks */
    const cl_ast *initial, *breakpoint, *netrec;
    const cl_ast **procs, **funcs, **derivs;
    int nproc, nfunc, nderiv;
    const cl_ast **tabled;    /* PROCEDUREs / FUNCTIONs with a TABLE, in file order */
    int ntabled;
    int usetable_slot;        /* global slot of usetable_<suffix>, -1 without tables */
    const cl_ast *netinit;    /* INITIAL inside NET_RECEIVE, or NULL */
    const cl_ast **watches;   /* NK_WATCH_ITEMs in NET_RECEIVE, in text order */
    int nwatch;
    int in_table_body;        /* emitting the un-tabled body of a tabled block */
    /* the block being emitted */
    const cl_ast *cur_func;   /* FUNCTION whose name is its value */
    const cl_ast *cur_args;   /* NK_ARGS of the current function/procedure/net_receive */
    char **locals;
    int nlocal, caplocal;
    int in_netrec;
    /* a cnexp block gathered over instances (cnexp_batch_of): while its
     * first part is emitted, batch is 1 and each exp argument goes to
     * _xa[k][_j], the rest of its update to _xb[k][_j]; batch_x[k] is the
     * state's reference for the second part */
    const cl_ast *batch_deriv;
    int batch, nbatch;
    char *batch_x[CL_NMODL_BATCH_EQ];
    /* split: the equations' arithmetic runs in a loop of its own over the
     * group (vectorisable: divisions four at a time), reading the GLOBALs
     * the block left for each instance from _gv[m][_j] (gcap[m]: their
     * slots) and RANGE variables in place; batch_de/b/a are the equations'
     * strings in that form. capture is 1 while they are made (name_ref then
     * writes globals as _gv; capture_bad: a name that cannot be read there) */
    int split, capture, capture_bad, ngcap;
    int gcap[32];
    char *batch_de[CL_NMODL_BATCH_EQ], *batch_b[CL_NMODL_BATCH_EQ], *batch_a[CL_NMODL_BATCH_EQ];
    int nsplit;
    /* _cur with the instance's variables in locals _r<slot> (sr_of): name_ref
     * writes them so while sr is 1 and marks sr_used */
    int sr;
    char *sr_used; /* nvar entries */
    const cl_ast *dflt_from;  /* another file's AST whose PARAMETER defaults win (maintained files) */
    /* hoisted: pow and math calls whose arguments cannot change while a
     * block of instances runs (numbers, celsius, dt, GLOBALs nothing in the
     * file assigns), computed once per entry into the mechanism by _hoist
     * into hidden global slots nglob + k; hoist[k] is the C text */
    char **hoist;
    int nhoist, caphoist, in_hoist;
    /* what the hoisted values read: _hoist recomputes them only when one
     * of these differs from last time (kept in hidden slots after them) */
    int key_celsius, key_dt, nkey;
    int key_gslot[64], nkey_gslot;
    /* in a FUNCTION/PROCEDURE body (fbody set): such calls whose arguments
     * also read the function's arguments (none of them assigned there) are
     * computed once at its top into locals _h<k>; fhoist[k] is the text */
    const cl_ast *fbody;
    char **fhoist;
    int nfhoist, capfhoist;
    /* a cnexp DERIVATIVE emitted as _d_<name> (not gathered): its update
     * exps go through cl_exp_memo_ with _em + 2k, k < ndmemo, one pair
     * per place; dmemo_n[i]: the count of g->derivs[i] + 1, 0 for the
     * DERIVATIVEs emitted otherwise (derivimplicit, euler, gathered) */
    int dmemo, ndmemo;
    int *dmemo_n;
    cl_sb out;
} gen;

static void fail_at(gen *g, const cl_ast *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_at(gen *g, const cl_ast *n, const char *fmt, ...) {
    if (g->failed) return;
    g->failed = 1;
    if (!g->err) return;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n) snprintf(g->err->msg, sizeof g->err->msg, "%s:%d:%d: %s", g->file, n->line, n->col, msg);
    else snprintf(g->err->msg, sizeof g->err->msg, "%s: %s", g->file, msg);
}

static sym *find_sym(gen *g, const char *name) {
    for (int i = 0; i < g->nsym; i++)
        if (strcmp(g->syms[i].name, name) == 0) return &g->syms[i];
    return NULL;
}

static sym *add_sym(gen *g, const char *name) {
    sym *s = find_sym(g, name);
    if (s) return s;
    size_t cap = (size_t)g->capsym;
    if (CL_GROW(g->syms, cap, (size_t)g->nsym + 1) != 0) { g->failed = 1; return NULL; }
    g->capsym = (int)cap;
    s = &g->syms[g->nsym++];
    memset(s, 0, sizeof *s);
    s->name = cl_strdup(name);
    s->slot = -1;
    s->ion = -1;
    s->field = IF_NONE;
    s->dslot = -1;
    return s;
}

static int in_list(char **list, int n, const char *name) {
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0) return 1;
    return 0;
}

static int push_name(char ***list, int *n, const char *name) {
    char **p = realloc(*list, (size_t)(*n + 1) * sizeof *p);
    if (!p) return -1;
    *list = p;
    p[(*n)++] = cl_strdup(name);
    return 0;
}

/* Which ion variable a name is, for ion ion: "ena" erev, "nai" ci, "nao" co, "ina" cur. */
static int ion_field_of(const char *ion, const char *name) {
    char buf[80];
    snprintf(buf, sizeof buf, "e%s", ion);
    if (strcmp(buf, name) == 0) return IF_EREV;
    snprintf(buf, sizeof buf, "%si", ion);
    if (strcmp(buf, name) == 0) return IF_CI;
    snprintf(buf, sizeof buf, "%so", ion);
    if (strcmp(buf, name) == 0) return IF_CO;
    snprintf(buf, sizeof buf, "i%s", ion);
    if (strcmp(buf, name) == 0) return IF_CUR;
    return IF_NONE;
}

/* §2.3: PARAMETER defaults go through %g (6 significant digits). */
static double round_g(double x) {
    char buf[64];
    snprintf(buf, sizeof buf, "%g", x);
    return strtod(buf, NULL);
}

/* Units constants nocmodl's database gives (§2.4): NEURON 8.2's CODATA 2018
 * value and the legacy one nocmodl prints next to it (NEURON 7's units
 * database through %g, e.g. 96485.3 and 8.3145), which the generated code
 * picks at run time from cl_mech_ctx.legacy_units as nocmodl's C picks by
 * _nrnunit_use_legacy_. Legacy column read from NEURON 8.2.2's nocmodl. */
static const char *unit_constant(const char *unit, const char *in, const char **legacy) {
    static const struct { const char *u, *in, *val, *leg; } table[] = {
        {"faraday", "coulomb", "0x1.78e555060882cp+16", "96485.3"},
        {"faraday", "coulombs", "0x1.78e555060882cp+16", "96485.3"},
        {"faraday", "kilocoulombs", "0x1.81f0fae775425p+6", "96.4853"},
        {"faraday", "kilocoulomb", "0x1.81f0fae775425p+6", "96.4853"},
        {"k-mole", "joule/degC", "0x1.0a1013e8990bep+3", "8.3145"},
        {"e", "coulomb", "0x1.7a4da290c1653p-63", "1.60219e-19"},
        {"k", "joule/degC", "0x1.0b0e6d55e647cp-76", "1.38065e-23"},
        {"mole", "1", "0x1.fe185ca57c517p+78", "6.02217e+23"},
        {"planck", "joule-sec", "0x1.b860bde023111p-111", "6.626e-34"},
        {"pi", "1", "0x1.921fb54442d18p+1", "3.14159"},
        {"millivolt", "volt", "0x1.0624dd2f1a9fcp-10", "0.001"},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].u, unit) == 0 && strcmp(table[i].in, in) == 0) {
            *legacy = table[i].leg;
            return table[i].val;
        }
    return NULL;
}

/* ---- collecting the model ---------------------------------------------------- */

static const char *unsupported_block(cl_nk k) {
    switch (k) {
    case NK_NONLINEAR: return "NONLINEAR blocks are not supported yet";
    case NK_VERBATIM: return "VERBATIM C code is not supported: rewrite the block in NMODL (or use "
                             "cellulab's maintained version of this mechanism when there is one)";
    case NK_BEFORE: case NK_AFTER: return "BEFORE/AFTER blocks are not supported yet";
    case NK_CONSTRUCTOR: case NK_DESTRUCTOR: return "CONSTRUCTOR/DESTRUCTOR blocks need VERBATIM code and are not supported";
    case NK_FUNCTION_TABLE: return "FUNCTION_TABLE is not supported";
    case NK_INCLUDE: return "INCLUDE is not supported yet: paste the included file in";
    default: return NULL;
    }
}

static void collect_neuron(gen *g, const cl_ast *nb) {
    for (int i = 0; i < nb->nkid && !g->failed; i++) {
        const cl_ast *s = nb->kid[i];
        if (!s) continue;
        switch (s->kind) {
        case NK_SUFFIX: g->mname = xstrdup(s->name); g->kind = CL_MECH_DENSITY; break;
        case NK_POINT_PROCESS: g->mname = xstrdup(s->name); g->kind = CL_MECH_POINT; break;
        case NK_ARTIFICIAL_CELL: g->mname = xstrdup(s->name); g->kind = CL_MECH_ARTIFICIAL; break;
        case NK_USEION: {
            if (g->nion >= 16) { fail_at(g, s, "more than 16 USEION statements"); return; }
            ionuse *u = &g->ions[g->nion++];
            memset(u, 0, sizeof *u);
            u->name = xstrdup(s->name);
            for (int k = 0; k < s->nkid; k++) {
                const cl_ast *l = s->kid[k];
                if (!l) continue;
                if (l->kind == NK_VALENCE) u->valence = l->num;
                for (int m = 0; l->kind != NK_VALENCE && m < l->nkid; m++) {
                    const char *nm = l->kid[m]->name;
                    int f = ion_field_of(u->name, nm);
                    if (f == IF_NONE) {
                        fail_at(g, l->kid[m], "%s is not a variable of ion %s (expected e%s, %si, %so or i%s)",
                                nm, u->name, u->name, u->name, u->name, u->name);
                        return;
                    }
                    if (l->kind == NK_READ) {
                        push_name(&u->reads, &u->nread, nm);
                        u->flags |= f == IF_EREV ? CL_ION_READ_EREV : f == IF_CUR ? 0 : CL_ION_READ_CONC;
                    } else {
                        push_name(&u->writes, &u->nwrite, nm);
                        u->flags |= f == IF_CUR ? CL_ION_WRITE_CUR : f == IF_EREV ? CL_ION_WRITE_EREV : CL_ION_WRITE_CONC;
                        if (f == IF_CUR) push_name(&g->currents, &g->ncur, nm);
                    }
                }
            }
            break;
        }
        case NK_NONSPECIFIC:
            for (int k = 0; k < s->nkid; k++) push_name(&g->currents, &g->ncur, s->kid[k]->name);
            break;
        case NK_ELECTRODE:
            g->electrode = 1;
            for (int k = 0; k < s->nkid; k++) push_name(&g->currents, &g->ncur, s->kid[k]->name);
            break;
        case NK_RANGE:
            for (int k = 0; k < s->nkid; k++) push_name(&g->range, &g->nrange, s->kid[k]->name);
            break;
        case NK_GLOBAL:
            for (int k = 0; k < s->nkid; k++) push_name(&g->global, &g->nglobal_decl, s->kid[k]->name);
            break;
        case NK_POINTER:
            fail_at(g, s, "%s is not supported (it needs VERBATIM code)", s->flag ? "BBCOREPOINTER" : "POINTER");
            return;
        case NK_RANDOM:
            for (int k = 0; k < s->nkid; k++) {
                if (g->nrandom >= 16) { fail_at(g, s->kid[k], "more than 16 RANDOM variables"); return; }
                if (in_list(g->randoms, g->nrandom, s->kid[k]->name)) {
                    fail_at(g, s->kid[k], "RANDOM %s is named twice", s->kid[k]->name);
                    return;
                }
                push_name(&g->randoms, &g->nrandom, s->kid[k]->name);
            }
            break;
        default: break; /* THREADSAFE, EXTERNAL, REPRESENTS... change nothing */
        }
    }
}

static void declare(gen *g, const cl_ast *blk) {
    for (int i = 0; i < blk->nkid && !g->failed; i++) {
        const cl_ast *d = blk->kid[i];
        if (!d || d->kind != NK_DECL) continue;
        const char *nm = d->name;
        if (strcmp(nm, "v") == 0 || strcmp(nm, "celsius") == 0 || strcmp(nm, "t") == 0 ||
            strcmp(nm, "dt") == 0 || strcmp(nm, "area") == 0 || strcmp(nm, "diam") == 0)
            continue; /* provided by the simulation (§2.3: defaults ignored) */
        sym *s = add_sym(g, nm);
        if (!s) return;
        s->len = d->array_len;
        if (blk->kind == NK_PARAMETER) {
            s->is_param = 1;
            s->dflt = d->has_num ? round_g(d->num) : 0;
            /* a maintained file standing in for an original takes the original's default */
            for (int b = 0; g->dflt_from && b < g->dflt_from->nkid; b++) {
                const cl_ast *ob = g->dflt_from->kid[b];
                if (!ob || ob->kind != NK_PARAMETER) continue;
                for (int j = 0; j < ob->nkid; j++) {
                    const cl_ast *od = ob->kid[j];
                    if (od && od->kind == NK_DECL && od->has_num && od->name && strcmp(od->name, nm) == 0)
                        s->dflt = round_g(od->num);
                }
            }
        }
        if (blk->kind == NK_ASSIGNED) s->is_assigned = 1;
        if (blk->kind == NK_STATE) s->is_state = 1;
        if (blk->kind == NK_CONSTANT) {
            s->kind = SK_CONST;
            char buf[64];
            snprintf(buf, sizeof buf, "%.17g", d->has_num ? d->num : 0.0);
            s->cexpr = cl_strdup(buf);
        }
    }
}

static void units_consts(gen *g, const cl_ast *blk) {
    for (int i = 0; i < blk->nkid && !g->failed; i++) {
        const cl_ast *u = blk->kid[i];
        if (!u || u->kind != NK_UNIT_CONST) continue;
        sym *s = add_sym(g, u->name);
        if (!s) return;
        s->kind = SK_CONST;
        char buf[64];
        if (u->has_num) {
            snprintf(buf, sizeof buf, "%.17g", u->num);
            s->cexpr = cl_strdup(buf);
        } else {
            const char *leg = NULL;
            const char *val = unit_constant(u->text ? u->text : "", u->text2 ? u->text2 : "", &leg);
            if (!val) {
                fail_at(g, u, "the units constant %s = (%s) (%s) is not in cellulab's table (faraday, "
                        "k-mole, e, k, mole, planck, pi, millivolt)", u->name, u->text ? u->text : "",
                        u->text2 ? u->text2 : "");
                return;
            }
            snprintf(buf, sizeof buf, "(_c->legacy_units ? %s : %s)", leg, val);
            s->cexpr = cl_strdup(buf);
        }
    }
}

static int deriv_implicit(gen *g, const cl_ast *d);
static int deriv_euler(gen *g, const cl_ast *d);
static int prime_list(gen *g, const cl_ast *d, const char **eq);

/* Give every symbol its storage. */
static void layout(gen *g) {
    for (int u = 0; u < g->nion; u++) {
        ionuse *iu = &g->ions[u];
        char **lists[2] = {iu->reads, iu->writes};
        int ns[2] = {iu->nread, iu->nwrite};
        for (int l = 0; l < 2; l++)
            for (int k = 0; k < ns[l]; k++) {
                sym *s = add_sym(g, lists[l][k]);
                if (!s) return;
                s->kind = SK_ION;
                s->ion = u;
                s->field = ion_field_of(iu->name, lists[l][k]);
            }
    }
    /* declared currents that are not ion currents (NONSPECIFIC / ELECTRODE) */
    for (int i = 0; i < g->ncur; i++) {
        sym *s = find_sym(g, g->currents[i]);
        if (!s) {
            fail_at(g, NULL, "current %s is named in the NEURON block but not declared (ASSIGNED)", g->currents[i]);
            return;
        }
    }
    /* RANDOM r (docs/nmodl-lowering.md §14): 5 instance slots, parameters
     * (they survive initialisation) named r_id1, r_id2, r_id3, r_seq,
     * r_which, the stream of cellulab_mech.h's cl_ran123_*. Default ids
     * (1, 0, 0), NEURON 9's (1, rank, ++id3) without the instance count. */
    for (int r = 0; r < g->nrandom; r++) {
        static const char *const part[5] = {"id1", "id2", "id3", "seq", "which"};
        if (find_sym(g, g->randoms[r])) {
            fail_at(g, NULL, "RANDOM %s is also declared as a variable", g->randoms[r]);
            return;
        }
        g->rslot[r] = g->nvar;
        for (int k = 0; k < 5; k++) {
            char nm[200];
            snprintf(nm, sizeof nm, "%s_%s", g->randoms[r], part[k]);
            if (find_sym(g, nm)) {
                fail_at(g, NULL, "%s is declared, but cellulab names a part of the stream of RANDOM %s so",
                        nm, g->randoms[r]);
                return;
            }
            sym *s = add_sym(g, nm);
            if (!s) return;
            s->kind = SK_RANGE;
            s->is_param = 1;
            s->dflt = k == 0 ? 1.0 : 0.0;
            s->slot = g->nvar++;
        }
    }
    /* instance slots: RANGE parameters first (the values users set), then the rest */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < g->nsym; i++) {
            sym *s = &g->syms[i];
            if (s->kind == SK_CONST || s->slot >= 0) continue;
            int is_range_param = s->is_param && in_list(g->range, g->nrange, s->name) && s->kind != SK_ION;
            if (pass == 0 && !is_range_param) continue;
            if (s->kind != SK_ION && ((s->is_param && !in_list(g->range, g->nrange, s->name)) ||
                                      in_list(g->global, g->nglobal_decl, s->name))) {
                s->kind = SK_GLOBAL;
                s->slot = g->nglob;
                g->nglob += s->len ? s->len : 1;
                continue;
            }
            if (s->kind != SK_ION) s->kind = SK_RANGE;
            s->slot = g->nvar;
            g->nvar += s->len ? s->len : 1;
        }
    /* derivimplicit: a D<state> slot per equation's state (§4.1) */
    for (int d = 0; d < g->nderiv && !g->failed; d++) {
        if (!deriv_implicit(g, g->derivs[d]) && !deriv_euler(g, g->derivs[d])) continue;
        const char *eq[CL_NEWTON_MAXN];
        int n = prime_list(g, g->derivs[d], eq);
        for (int k = 0; k < n; k++) {
            sym *s = find_sym(g, eq[k]);
            if (s && s->dslot < 0) s->dslot = g->nvar++;
        }
    }
    g->v_slot = g->kind == CL_MECH_ARTIFICIAL ? -1 : g->nvar++;
    g->tsav_slot = g->netrec ? g->nvar++ : -1;
}

/* ---- expressions ------------------------------------------------------------- */

static int is_builtin(const char *f) {
    static const char *const names[] = {"fabs", "sqrt", "sin",  "cos",   "tan",  "acos", "asin", "atan",
                                        "atan2", "sinh", "cosh", "tanh", "floor", "ceil", "fmod", "log10",
                                        "log", "pow", "exp", "erf", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], f) == 0) return 1;
    return 0;
}

static const cl_ast *find_func(gen *g, const char *name, int *is_func) {
    for (int i = 0; i < g->nfunc; i++)
        if (strcmp(g->funcs[i]->name, name) == 0) { *is_func = 1; return g->funcs[i]; }
    for (int i = 0; i < g->nproc; i++)
        if (strcmp(g->procs[i]->name, name) == 0) { *is_func = 0; return g->procs[i]; }
    return NULL;
}

static int is_local(gen *g, const char *name) {
    for (int i = 0; i < g->nlocal; i++)
        if (strcmp(g->locals[i], name) == 0) return 1;
    return 0;
}

static int arg_index(gen *g, const char *name) {
    if (!g->cur_args) return -1;
    for (int i = 0; i < g->cur_args->nkid; i++)
        if (strcmp(g->cur_args->kid[i]->name, name) == 0) return i;
    return -1;
}

/* The C text a name stands for. */
static void name_ref(gen *g, cl_sb *b, const cl_ast *n, const char *name) {
    if (g->capture && (is_local(g, name) || arg_index(g, name) >= 0 || strcmp(name, "t") == 0 ||
                       strcmp(name, "area") == 0 || strcmp(name, "diam") == 0)) {
        g->capture_bad = 1;
        return;
    }
    if (g->capture) {
        sym *s = find_sym(g, name);
        if (s && s->kind == SK_GLOBAL) {
            int m = 0;
            while (m < g->ngcap && g->gcap[m] != s->slot) m++;
            if (m == g->ngcap) {
                if (m == 32) { g->capture_bad = 1; return; }
                g->gcap[g->ngcap++] = s->slot;
            }
            cl_sb_addf(b, "_gv[%d][_j]", m);
            return;
        }
    }
    if (is_local(g, name)) { cl_sb_addf(b, "_l%s", name); return; }
    int a = arg_index(g, name);
    if (a >= 0) {
        if (g->in_netrec) cl_sb_addf(b, "_w[%d]", a);
        else cl_sb_addf(b, "_l%s", name);
        return;
    }
    if (g->cur_func && strcmp(g->cur_func->name, name) == 0) { cl_sb_addf(b, "_l%s", name); return; }
    if (strcmp(name, "t") == 0) { cl_sb_add(b, "_c->t"); return; }
    if (strcmp(name, "dt") == 0) { cl_sb_add(b, "_c->dt"); return; }
    if (strcmp(name, "celsius") == 0) { cl_sb_add(b, "_c->celsius"); return; }
    if (strcmp(name, "flag") == 0 && g->in_netrec) { cl_sb_add(b, "_lflag"); return; }
    if (strcmp(name, "v") == 0 && g->v_slot >= 0) {
        if (g->sr) { g->sr_used[g->v_slot] = 1; cl_sb_addf(b, "_r%d", g->v_slot); return; }
        cl_sb_addf(b, "_p[%d][_i]", g->v_slot);
        return;
    }
    if (strcmp(name, "area") == 0 && g->kind != CL_MECH_ARTIFICIAL) { cl_sb_add(b, "_c->area[_b->node[_i]]"); return; }
    if (strcmp(name, "diam") == 0 && g->kind != CL_MECH_ARTIFICIAL) { cl_sb_add(b, "_c->diam[_b->node[_i]]"); return; }
    sym *s = find_sym(g, name);
    if (!s && in_list(g->randoms, g->nrandom, name)) {
        fail_at(g, n, "RANDOM %s can only be the first argument of a random_* function", name);
        return;
    }
    if (!s) { fail_at(g, n, "%s is not declared (PARAMETER, ASSIGNED, STATE, LOCAL or USEION)", name); return; }
    if (s->kind == SK_CONST) cl_sb_addf(b, "(%s)", s->cexpr);
    else if (s->kind == SK_GLOBAL) cl_sb_addf(b, "_g[%d]", s->slot);
    else if (g->sr && s->slot >= 0 && s->slot < g->nvar) { g->sr_used[s->slot] = 1; cl_sb_addf(b, "_r%d", s->slot); }
    else cl_sb_addf(b, "_p[%d][_i]", s->slot);
}

/* A number as nocmodl prints it: integers get ".0" (§2.2), others verbatim. */
static void num_text(cl_sb *b, const cl_ast *n) {
    const char *t = n->text;
    int digits = t && *t;
    for (const char *p = t; p && *p; p++)
        if (!isdigit((unsigned char)*p)) digits = 0;
    if (digits) cl_sb_addf(b, "%s.0", t);
    else if (t && *t) cl_sb_add(b, t);
    else cl_sb_addf(b, "%.17g", n->num);
}

static void expr(gen *g, cl_sb *b, const cl_ast *n);

/* NEURON 9's random_* functions on a RANDOM stream (§14): the first
 * argument names the stream, the C calls cellulab_mech.h's cl_ran123_*. */
static void random_call(gen *g, cl_sb *b, const cl_ast *n) {
    static const struct { const char *name, *c; int nextra; int stream_ctx; } fn[] = {
        {"random_uniform", "cl_ran123_uniform", 0, 1}, {"random_uniform", "cl_ran123_uniform2", 2, 1},
        {"random_dpick", "cl_ran123_uniform", 0, 1},   {"random_ipick", "(double)cl_ran123_ipick", 0, 1},
        {"random_negexp", "cl_ran123_negexp", 0, 1},   {"random_negexp", "cl_ran123_negexp1", 1, 1},
        {"random_normal", "cl_ran123_normal", 0, 1},   {"random_normal", "cl_ran123_normal2", 2, 1},
        {"random_setseq", "cl_ran123_setseq", 1, 0},   {"random_setids", "cl_ran123_setids", 3, 0}};
    int known = 0;
    for (size_t k = 0; k < sizeof fn / sizeof fn[0]; k++) {
        if (strcmp(fn[k].name, n->name) != 0) continue;
        known = 1;
        if (n->nkid != 1 + fn[k].nextra) continue;
        const cl_ast *a = n->kid[0];
        int r = -1;
        for (int j = 0; a && a->kind == NK_NAME && j < g->nrandom; j++)
            if (strcmp(g->randoms[j], a->name) == 0) r = j;
        if (r < 0) {
            fail_at(g, n, "%s: the first argument must be a RANDOM variable of the NEURON block", n->name);
            return;
        }
        cl_sb_addf(b, "%s ( %s_p + %d, _i", fn[k].c, fn[k].stream_ctx ? "_c, " : "", g->rslot[r]);
        for (int i = 1; i < n->nkid; i++) {
            cl_sb_add(b, " , ");
            expr(g, b, n->kid[i]);
        }
        cl_sb_add(b, " )");
        return;
    }
    if (known)
        fail_at(g, n, "%s called with %d argument(s): see NEURON 9's list (random_uniform(r [, min, max]), "
                      "random_negexp(r [, mean]), random_normal(r [, mean, std]), random_setseq(r, x), "
                      "random_setids(r, id1, id2, id3), random_ipick(r), random_dpick(r))", n->name, n->nkid);
    else
        fail_at(g, n, "%s is not one of NEURON 9's RANDOM functions (random_uniform, random_negexp, "
                      "random_normal, random_setseq, random_setids, random_ipick, random_dpick)", n->name);
}

static void call(gen *g, cl_sb *b, const cl_ast *n) {
    if (is_builtin(n->name)) {
        cl_sb_addf(b, "%s ( ", n->name);
    } else if (strcmp(n->name, "nrn_ghk") == 0) {
        cl_sb_add(b, "cl_nrn_ghk ( _c , "); /* celsius and the constants from the context */
    } else if (strncmp(n->name, "cellulab_", 9) == 0) {
        /* cellulab's extensions (cellulab_nmodl.h): the instance's event list */
        static const struct { const char *name, *c; int nargs; } ext[] = {
            {"cellulab_play_count", "cl_play_count", 0}, {"cellulab_play_time", "cl_play_time", 1},
            {"cellulab_record_event", "cl_record_event", 1}, {"cellulab_record_clear", "cl_record_clear", 0},
            {"cellulab_play_value", "cl_play_value", 1}};
        for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++) {
            if (strcmp(ext[k].name, n->name) != 0) continue;
            if (n->nkid != ext[k].nargs) {
                fail_at(g, n, "%s takes %d argument(s), called with %d", n->name, ext[k].nargs, n->nkid);
                return;
            }
            if (g->kind == CL_MECH_DENSITY) {
                fail_at(g, n, "%s: only point processes and artificial cells have an event list", n->name);
                return;
            }
            cl_sb_addf(b, "%s ( _b, _i", ext[k].c);
            for (int i = 0; i < n->nkid; i++) {
                cl_sb_add(b, ", ");
                expr(g, b, n->kid[i]);
            }
            cl_sb_add(b, " )");
            return;
        }
        fail_at(g, n, "%s is not a cellulab extension (cellulab_play_count, cellulab_play_time, "
                      "cellulab_play_value, cellulab_record_event, cellulab_record_clear)", n->name);
        return;
    } else if (strncmp(n->name, "random_", 7) == 0) {
        random_call(g, b, n);
        return;
    } else if (strcmp(n->name, "at_time") == 0) {
        cl_sb_add(b, "0.0"); /* does nothing in a fixed step (returns 0) */
        return;
    } else {
        int is_func;
        const cl_ast *f = find_func(g, n->name, &is_func);
        if (!f) {
            fail_at(g, n, "call of %s, which is neither a FUNCTION/PROCEDURE of this file nor a built-in "
                          "(fmin/fmax are not NMODL built-ins either)", n->name);
            return;
        }
        if (f->kid[0]->nkid != n->nkid) {
            fail_at(g, n, "%s takes %d argument(s), called with %d", n->name, f->kid[0]->nkid, n->nkid);
            return;
        }
        cl_sb_addf(b, "_%c_%s ( _b, _i, _c%s", is_func ? 'f' : 'p', n->name, n->nkid ? ", " : " ");
    }
    for (int i = 0; i < n->nkid; i++) {
        if (i) cl_sb_add(b, " , ");
        expr(g, b, n->kid[i]);
    }
    cl_sb_add(b, " )");
}

/* 1 when the file writes name anywhere (assignment, loop variable, TABLE,
 * reaction, equation): then it is not a constant of the mechanism. */
static int written_in(const cl_ast *n, const char *name) {
    if (!n) return 0;
    switch (n->kind) {
    case NK_ASSIGN:
        if (n->kid[0] && n->kid[0]->name && strcmp(n->kid[0]->name, name) == 0) return 1;
        break;
    case NK_FROM:
    case NK_REACTANT:
        if (n->name && strcmp(n->name, name) == 0) return 1;
        break;
    case NK_TABLE:
    case NK_LINEQ:
    case NK_CONSERVE:
    case NK_KINETIC:
    case NK_LINEAR:
    case NK_NONLINEAR:
    case NK_NAMES: { /* any name inside counts */
        for (int i = 0; i < n->nkid; i++)
            if (n->kid[i] && n->kid[i]->kind == NK_NAME && strcmp(n->kid[i]->name, name) == 0) return 1;
        break;
    }
    default: break;
    }
    for (int i = 0; i < n->nkid; i++)
        if (written_in(n->kid[i], name)) return 1;
    return 0;
}

/* An expression whose value cannot change while the engine runs one block
 * of instances (see gen.hoist); with args, also one reading the current
 * function's arguments that its body never assigns (gen.fbody), which
 * cannot change during one call. */
static int invariant_of(gen *g, const cl_ast *n, int args) {
    if (!n) return 0;
    switch (n->kind) {
    case NK_NUM: return 1;
    case NK_PAREN:
    case NK_UNARY: return invariant_of(g, n->kid[0], args);
    case NK_BINARY: return invariant_of(g, n->kid[0], args) && invariant_of(g, n->kid[1], args);
    case NK_CALL:
        if (!is_builtin(n->name)) return 0;
        for (int i = 0; i < n->nkid; i++)
            if (!invariant_of(g, n->kid[i], args)) return 0;
        return 1;
    case NK_NAME: {
        const char *nm = n->name;
        if (is_local(g, nm) || (g->cur_func && strcmp(g->cur_func->name, nm) == 0)) return 0;
        if (arg_index(g, nm) >= 0)
            return args && g->fbody && !g->in_netrec && !written_in(g->fbody, nm);
        if (strcmp(nm, "celsius") == 0 || strcmp(nm, "dt") == 0) return 1;
        if (strcmp(nm, "t") == 0 || strcmp(nm, "v") == 0 || strcmp(nm, "area") == 0 || strcmp(nm, "diam") == 0)
            return 0;
        sym *sy = find_sym(g, nm);
        if (!sy) return 0;
        if (sy->kind == SK_CONST) return 1;
        return sy->kind == SK_GLOBAL && sy->len == 0 && !written_in(g->root, nm);
    }
    default: return 0;
    }
}

static int invariant(gen *g, const cl_ast *n) { return invariant_of(g, n, 0); }

/* A pow or math call worth computing once per block (gen.hoist) or once
 * per call of a function (gen.fhoist): writes its slot or local and
 * returns 1, or returns 0. */
static int hoisted(gen *g, cl_sb *b, const cl_ast *n);

static void expr(gen *g, cl_sb *b, const cl_ast *n) {
    if (!n || g->failed) return;
    if (((n->kind == NK_BINARY && n->op == OP_POW) || (n->kind == NK_CALL && is_builtin(n->name) &&
                                                          strcmp(n->name, "fabs") != 0)) &&
        hoisted(g, b, n))
        return;
    switch (n->kind) {
    case NK_NUM: num_text(b, n); break;
    case NK_NAME: name_ref(g, b, n, n->name); break;
    case NK_INDEX:
        name_ref(g, b, n, n->name);
        /* arrays: slots k .. k+n-1; the instance index follows */
        if (b->n >= 5 && strcmp(b->s + b->n - 5, "[_i]") == 0) b->n -= 4, b->s[b->n] = '\0';
        cl_sb_add(b, " + (int)( ");
        expr(g, b, n->kid[0]);
        cl_sb_add(b, " )");
        break;
    case NK_CALL: call(g, b, n); break;
    case NK_PAREN: cl_sb_add(b, "( "); expr(g, b, n->kid[0]); cl_sb_add(b, " )"); break;
    case NK_UNARY: cl_sb_add(b, n->op == OP_NOT ? "! " : "- "); expr(g, b, n->kid[0]); break;
    case NK_BINARY: {
        if (n->op == OP_POW) {
            cl_sb_add(b, "pow( ");
            expr(g, b, n->kid[0]);
            cl_sb_add(b, " , ");
            expr(g, b, n->kid[1]);
            cl_sb_add(b, " )");
            break;
        }
        static const char *const ops[] = {[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
                                          [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
                                          [OP_EQ] = "==", [OP_NE] = "!=", [OP_AND] = "&&", [OP_OR] = "||"};
        expr(g, b, n->kid[0]);
        cl_sb_addf(b, " %s ", ops[n->op] ? ops[n->op] : "?");
        expr(g, b, n->kid[1]);
        break;
    }
    case NK_STRING: cl_sb_addf(b, "\"%s\"", n->text ? n->text : ""); break;
    default: fail_at(g, n, "%s is not allowed in an expression", cl_ast_kind_name(n->kind));
    }
}

static int add_text(char ***list, int *n, int *cap, char *t) {
    for (int k = 0; k < *n; k++)
        if (strcmp((*list)[k], t) == 0) { free(t); return k; }
    if (*n == *cap) {
        int c = *cap ? 2 * *cap : 8;
        char **l = realloc(*list, (size_t)c * sizeof *l);
        if (!l) { free(t); return -1; }
        *list = l;
        *cap = c;
    }
    (*list)[*n] = t;
    return (*n)++;
}

/* Records in gen.key_* what an invariant expression reads; 0 when there
 * are more GLOBALs than the key holds (then it is not hoisted). */
static int hoist_keys(gen *g, const cl_ast *n) {
    if (!n) return 1;
    if (n->kind == NK_NAME) {
        if (strcmp(n->name, "celsius") == 0) g->key_celsius = 1;
        else if (strcmp(n->name, "dt") == 0) g->key_dt = 1;
        else {
            sym *sy = find_sym(g, n->name);
            if (sy && sy->kind == SK_GLOBAL) {
                int m = 0;
                while (m < g->nkey_gslot && g->key_gslot[m] != sy->slot) m++;
                if (m == g->nkey_gslot) {
                    if (m == 64) return 0;
                    g->key_gslot[g->nkey_gslot++] = sy->slot;
                }
            }
        }
        return 1;
    }
    for (int i = 0; i < n->nkid; i++)
        if (!hoist_keys(g, n->kid[i])) return 0;
    return 1;
}

static int hoisted(gen *g, cl_sb *b, const cl_ast *n) {
    if (g->in_hoist || g->capture) return 0;
    int global = invariant(g, n); /* else per call of the function */
    if (global ? !hoist_keys(g, n) : !g->fbody || !invariant_of(g, n, 1)) return 0;
    cl_sb t = {0};
    g->in_hoist = 1;
    expr(g, &t, n);
    g->in_hoist = 0;
    if (t.oom || !t.s) { free(t.s); g->failed = 1; return 1; }
    int k = global ? add_text(&g->hoist, &g->nhoist, &g->caphoist, t.s)
                   : add_text(&g->fhoist, &g->nfhoist, &g->capfhoist, t.s);
    if (k < 0) { g->failed = 1; return 1; }
    if (global) cl_sb_addf(b, "_g[%d]", g->nglob + k);
    else cl_sb_addf(b, "_h%d", k);
    return 1;
}

/* ---- cnexp (§3.3): the four strings of an expression ----------------------- */

typedef struct four { char *E, *DE, *A, *B; int nonlin, fallback; } four;

#define Z "0.0"
static int nz(const char *s) { return strcmp(s, Z) != 0; }
static void four_free(four *f) { free(f->E); free(f->DE); free(f->A); free(f->B); }

static char *e_text(gen *g, const cl_ast *n) {
    cl_sb b = {0};
    expr(g, &b, n);
    return b.s ? b.s : cl_strdup("");
}

static four analyse(gen *g, const cl_ast *n, const char *state) {
    four r = {0};
    if (n->kind == NK_NAME && strcmp(n->name, state) == 0) {
        r.E = e_text(g, n);
        r.DE = cl_strdup("1.0");
        r.A = cl_strdup("1.0");
        r.B = cl_strdup(Z);
        return r;
    }
    if (n->kind == NK_NAME || n->kind == NK_NUM || n->kind == NK_INDEX) {
        r.E = e_text(g, n);
        r.DE = cl_strdup(Z);
        r.A = cl_strdup(Z);
        r.B = cl_strdup(r.E);
        return r;
    }
    if (n->kind == NK_CALL) {
        for (int i = 0; i < n->nkid; i++) {
            four a = analyse(g, n->kid[i], state);
            if (nz(a.DE) || a.fallback) r.fallback = 1;
            four_free(&a);
        }
        r.E = e_text(g, n);
        r.DE = cl_strdup(Z);
        r.A = cl_strdup(Z);
        r.B = cl_strdup(r.E);
        return r;
    }
    if (n->kind == NK_PAREN) {
        four a = analyse(g, n->kid[0], state);
        r.E = cat("( ", a.E, " )", 0, 0);
        r.DE = nz(a.DE) ? cat("( ", a.DE, " )", 0, 0) : cl_strdup(Z);
        r.A = nz(a.A) ? cat("( ", a.A, " )", 0, 0) : cl_strdup(Z);
        r.B = nz(a.B) ? cat("( ", a.B, " )", 0, 0) : cl_strdup(Z);
        r.nonlin = a.nonlin;
        r.fallback = a.fallback;
        four_free(&a);
        return r;
    }
    if (n->kind == NK_UNARY && n->op == OP_NEG) {
        four a = analyse(g, n->kid[0], state);
        r.E = cat("- ", a.E, 0, 0, 0);
        r.DE = nz(a.DE) ? cat("- ", a.DE, 0, 0, 0) : cl_strdup(Z);
        r.A = nz(a.A) ? cat("- ", a.A, 0, 0, 0) : cl_strdup(Z);
        r.B = nz(a.B) ? cat("- ", a.B, 0, 0, 0) : cl_strdup(Z);
        r.nonlin = a.nonlin;
        r.fallback = a.fallback;
        four_free(&a);
        return r;
    }
    if (n->kind == NK_BINARY && (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL || n->op == OP_DIV)) {
        four l = analyse(g, n->kid[0], state), rr = analyse(g, n->kid[1], state);
        r.nonlin = l.nonlin || rr.nonlin;
        r.fallback = l.fallback || rr.fallback;
        if (n->op == OP_ADD || n->op == OP_SUB) {
            const char *op = n->op == OP_ADD ? " + " : " - ";
            r.E = cat(l.E, op, rr.E, 0, 0);
            char *fl[3] = {l.DE, l.A, l.B}, *fr[3] = {rr.DE, rr.A, rr.B}, *res[3];
            for (int k = 0; k < 3; k++) {
                if (nz(fl[k]) && nz(fr[k])) res[k] = cat(fl[k], op, fr[k], 0, 0);
                else if (nz(fl[k])) res[k] = cl_strdup(fl[k]);
                else if (nz(fr[k])) res[k] = n->op == OP_ADD ? cl_strdup(fr[k]) : cat("( - ", fr[k], " )", 0, 0);
                else res[k] = cl_strdup(Z);
            }
            r.DE = res[0]; r.A = res[1]; r.B = res[2];
        } else if (n->op == OP_MUL) {
            r.E = cat(l.E, " * ", rr.E, 0, 0);
            if (nz(l.DE) && nz(rr.DE)) {
                char *x = cat("(( ", l.DE, " )*( ", rr.E, " )");
                r.DE = cat(x, " + ( ", l.E, " )*( ", rr.DE);
                free(x);
                x = r.DE;
                r.DE = cat(x, " ))", 0, 0, 0);
                free(x);
            } else if (nz(l.DE)) {
                r.DE = cat("( ", l.DE, " )*( ", rr.E, " )");
            } else if (nz(rr.DE)) {
                r.DE = cat("( ", l.E, " )*( ", rr.DE, " )");
            } else {
                r.DE = cl_strdup(Z);
            }
            if (nz(l.A) && nz(rr.A)) { r.nonlin = 1; r.A = cl_strdup(Z); }
            else if (nz(l.A)) r.A = nz(rr.B) ? cat("( ", l.A, " )*( ", rr.B, " )") : cl_strdup(Z);
            else if (nz(rr.A)) r.A = nz(l.B) ? cat("( ", l.B, " )*( ", rr.A, " )") : cl_strdup(Z);
            else r.A = cl_strdup(Z);
            r.B = nz(l.B) && nz(rr.B) ? cat("( ", l.B, " )*( ", rr.B, " )") : cl_strdup(Z);
        } else {
            r.E = cat(l.E, " / ", rr.E, 0, 0);
            if (nz(rr.DE)) r.fallback = 1;
            if (nz(rr.A)) r.nonlin = 1;
            r.DE = nz(l.DE) ? cat("( ", l.DE, " ) / ", rr.E, 0) : cl_strdup(Z);
            r.A = nz(l.A) ? cat("( ", l.A, " ) / ", rr.E, 0) : cl_strdup(Z);
            r.B = nz(l.B) ? cat("( ", l.B, " ) / ", rr.E, 0) : cl_strdup(Z);
        }
        four_free(&l);
        four_free(&rr);
        return r;
    }
    fail_at(g, n, "%s is not allowed in a cnexp equation (only + - * / and calls; '^' makes nocmodl abort)",
            n->kind == NK_BINARY && n->op == OP_POW ? "'^'" : cl_ast_kind_name(n->kind));
    r.E = cl_strdup(Z); r.DE = cl_strdup(Z); r.A = cl_strdup(Z); r.B = cl_strdup(Z);
    return r;
}

/* ---- statements ------------------------------------------------------------- */

static void block(gen *g, const cl_ast *blk, int depth, int cnexp);
static void kin_solve_stmt(gen *g, const cl_ast *s, int depth); /* kinetic hooks, below */
static int kin_solve_bp(gen *g, const cl_ast *s);

static void indent(cl_sb *b, int depth) {
    for (int i = 0; i < depth; i++) cl_sb_add(b, "    ");
}

static void stmt(gen *g, const cl_ast *s, int depth, int cnexp) {
    cl_sb *b = &g->out;
    if (!s || g->failed) return;
    const char *why = unsupported_block(s->kind);
    if (why) { fail_at(g, s, "%s", why); return; }
    switch (s->kind) {
    case NK_LOCAL:
        for (int i = 0; i < s->nkid; i++) {
            indent(b, depth);
            if (s->kid[i]->array_len > 0) cl_sb_addf(b, "double _l%s[%d];\n", s->kid[i]->name, s->kid[i]->array_len);
            else cl_sb_addf(b, "double _l%s;\n", s->kid[i]->name);
            size_t cap = (size_t)g->caplocal;
            if (CL_GROW(g->locals, cap, (size_t)g->nlocal + 1) != 0) { g->failed = 1; return; }
            g->caplocal = (int)cap;
            g->locals[g->nlocal++] = s->kid[i]->name;
        }
        break;
    case NK_ASSIGN: {
        const cl_ast *lhs = s->kid[0];
        if (lhs->kind == NK_PRIME && cnexp == 2) {
            /* derivimplicit (§4.2): D<state> = rhs, token-copied */
            if (lhs->num != 1 || lhs->nkid) { fail_at(g, lhs, "higher-order or array derivatives are not supported"); return; }
            sym *st = find_sym(g, lhs->name);
            if (!st || !st->is_state || st->dslot < 0) { fail_at(g, lhs, "%s' names no STATE", lhs->name); return; }
            indent(b, depth);
            cl_sb_addf(b, "_p[%d][_i] = ", st->dslot);
            expr(g, b, s->kid[1]);
            cl_sb_add(b, " ;\n");
            break;
        }
        if (lhs->kind == NK_PRIME) {
            if (!cnexp) { fail_at(g, lhs, "a derivative %s' outside a DERIVATIVE block solved by cnexp", lhs->name); return; }
            if (lhs->num != 1 || lhs->nkid) { fail_at(g, lhs, "higher-order or array derivatives are not supported"); return; }
            sym *st = find_sym(g, lhs->name);
            if (!st || !st->is_state) { fail_at(g, lhs, "%s' names no STATE", lhs->name); return; }
            four f = analyse(g, s->kid[1], lhs->name);
            if (f.fallback) {
                fail_at(g, s, "%s' = ...: the state appears inside a function argument or a denominator, where "
                        "nocmodl switches the block to derivimplicit", lhs->name);
            } else if (f.nonlin) {
                fail_at(g, s, "%s' = ...: non-linear in %s; cnexp would integrate it wrongly (use derivimplicit)",
                        lhs->name, lhs->name);
            }
            cl_sb x = {0};
            name_ref(g, &x, lhs, lhs->name);
            indent(b, depth);
            if (nz(f.DE) && g->batch && g->split) {
                /* arithmetic, exp and update follow for the whole group */
                cl_sb_addf(b, "/* %s' : gathered */\n", lhs->name);
                g->batch_x[g->nbatch++] = x.s;
                x.s = NULL;
            } else if (nz(f.DE) && g->batch && g->nbatch < CL_NMODL_BATCH_EQ) {
                /* the same operands; the exp and the update follow for the whole group */
                cl_sb_addf(b, "_xa[%d][_j] = _c->dt*(%s) ;\n", g->nbatch, f.DE);
                indent(b, depth);
                cl_sb_addf(b, "_xb[%d][_j] = - ( %s ) / ( %s ) ;\n", g->nbatch, f.B, f.A);
                g->batch_x[g->nbatch++] = x.s;
                x.s = NULL;
            } else if (nz(f.DE) && g->dmemo) {
                cl_sb_addf(b, "%s = %s + (1. - cl_exp_memo_(_c, _c->dt*(%s), _em + %d))*(- ( %s ) / ( %s ) - %s) ;\n",
                           x.s, x.s, f.DE, 2 * g->ndmemo++, f.B, f.A, x.s);
            } else if (nz(f.DE))
                cl_sb_addf(b, "%s = %s + (1. - exp(_c->dt*(%s)))*(- ( %s ) / ( %s ) - %s) ;\n", x.s, x.s, f.DE, f.B,
                           f.A, x.s);
            else
                cl_sb_addf(b, "%s = %s - _c->dt*(- ( %s ) ) ;\n", x.s, x.s, f.B);
            cl_sb_free(&x);
            four_free(&f);
            break;
        }
        indent(b, depth);
        expr(g, b, lhs);
        cl_sb_add(b, " = ");
        expr(g, b, s->kid[1]);
        cl_sb_add(b, " ;\n");
        break;
    }
    case NK_PROTECT: stmt(g, s->kid[0], depth, cnexp); break;
    case NK_IF:
        indent(b, depth);
        cl_sb_add(b, "if ( ");
        expr(g, b, s->kid[0]);
        cl_sb_add(b, " ) {\n");
        block(g, s->kid[1], depth + 1, cnexp);
        indent(b, depth);
        cl_sb_add(b, "}\n");
        if (s->nkid > 2 && s->kid[2]) {
            indent(b, depth);
            cl_sb_add(b, "else {\n");
            if (s->kid[2]->kind == NK_IF) stmt(g, s->kid[2], depth + 1, cnexp);
            else block(g, s->kid[2], depth + 1, cnexp);
            indent(b, depth);
            cl_sb_add(b, "}\n");
        }
        break;
    case NK_WHILE:
        indent(b, depth);
        cl_sb_add(b, "while ( ");
        expr(g, b, s->kid[0]);
        cl_sb_add(b, " ) {\n");
        block(g, s->kid[1], depth + 1, cnexp);
        indent(b, depth);
        cl_sb_add(b, "}\n");
        break;
    case NK_FROM: {
        /* §2.7: a new int loop variable; bounds in int arithmetic */
        indent(b, depth);
        cl_sb_addf(b, "{ int _i_%s;\n", s->name);
        indent(b, depth);
        cl_sb_addf(b, "for (_i_%s = (int)( ", s->name);
        expr(g, b, s->kid[0]);
        cl_sb_addf(b, " ); _i_%s <= (int)( ", s->name);
        expr(g, b, s->kid[1]);
        cl_sb_addf(b, " ); _i_%s += ", s->name);
        if (s->kid[2]) { cl_sb_add(b, "(int)( "); expr(g, b, s->kid[2]->kid[0]); cl_sb_add(b, " )"); }
        else cl_sb_add(b, "1");
        cl_sb_addf(b, ") { double _l%s = (double)_i_%s;\n", s->name, s->name);
        size_t cap = (size_t)g->caplocal;
        if (CL_GROW(g->locals, cap, (size_t)g->nlocal + 1) != 0) { g->failed = 1; return; }
        g->caplocal = (int)cap;
        g->locals[g->nlocal++] = s->name;
        block(g, s->kid[3], depth + 1, cnexp);
        g->nlocal--;
        indent(b, depth);
        cl_sb_add(b, "} }\n");
        break;
    }
    case NK_EXPR_STMT:
        indent(b, depth);
        if (s->kid[0]->kind == NK_CALL && strcmp(s->kid[0]->name, "at_time") == 0) {
            cl_sb_add(b, "/* at_time(): nothing to do in a fixed step */\n");
            break;
        }
        expr(g, b, s->kid[0]);
        cl_sb_add(b, " ;\n");
        break;
    case NK_NET_SEND:
        if (g->kind == CL_MECH_DENSITY) { fail_at(g, s, "net_send in a density mechanism"); return; }
        indent(b, depth);
        /* §9.2: "t + " pasted before the delay tokens, no parentheses */
        cl_sb_add(b, "_c->net_send(_c->eng, _b, _i, _w, _c->t + ");
        expr(g, b, s->kid[0]);
        cl_sb_add(b, " , ");
        expr(g, b, s->kid[1]);
        cl_sb_add(b, " ) ;\n");
        break;
    case NK_NET_EVENT:
        if (!g->in_netrec) { fail_at(g, s, "net_event outside NET_RECEIVE"); return; }
        indent(b, depth);
        cl_sb_add(b, "_c->net_event(_c->eng, _b, _i, ");
        expr(g, b, s->kid[0]);
        cl_sb_add(b, " ) ;\n");
        break;
    case NK_SOLVE: kin_solve_stmt(g, s, depth); break; /* BREAKPOINT's: by the wrappers */
    case NK_TABLE: /* §8: the table is built and looked up around the body (emit_tables) */
        if (!g->in_table_body) fail_at(g, s, "TABLE must be a statement of its FUNCTION or PROCEDURE's body");
        break;
    case NK_UNITSON: case NK_UNITSOFF: break; /* units are never converted (§2.4) */
    case NK_WATCH: /* §9.4: activation; the conditions become _watch_cond */
        if (!g->in_netrec || g->kind == CL_MECH_DENSITY) {
            fail_at(g, s, "WATCH is only allowed in the NET_RECEIVE block of a POINT_PROCESS or ARTIFICIAL_CELL");
            return;
        }
        for (int k = 0; k < s->nkid; k++) {
            const cl_ast *item = s->kid[k];
            const cl_ast **p = realloc(g->watches, (size_t)(g->nwatch + 1) * sizeof *p);
            if (!p) { g->failed = 1; return; }
            g->watches = p;
            p[g->nwatch] = item;
            indent(b, depth);
            cl_sb_addf(b, "_c->watch_activate(_c->eng, _b, _i, %d, _watch_rm++ == 0, ", g->nwatch);
            expr(g, b, item->kid[1]);
            cl_sb_add(b, ") ;\n");
            g->nwatch++;
        }
        break;
    case NK_INITIAL: /* INITIAL inside NET_RECEIVE: _net_init (§9.3) */
        if (!g->in_netrec || g->netinit != s) fail_at(g, s, "INITIAL is only allowed at the top level of NET_RECEIVE");
        break;
    case NK_NET_MOVE: fail_at(g, s, "net_move is not supported"); break;
    case NK_FOR_NETCONS: fail_at(g, s, "FOR_NETCONS is not supported"); break;
    case NK_PRINTF: break; /* diagnostics only; nothing to compute */
    case NK_REACTION: case NK_CONSERVE: case NK_COMPARTMENT: case NK_LINEQ:
        fail_at(g, s, "%s outside the top level of a KINETIC or LINEAR block (not supported)", cl_ast_kind_name(s->kind));
        break;
    default: fail_at(g, s, "the statement %s is not supported", cl_ast_kind_name(s->kind));
    }
}

static void block(gen *g, const cl_ast *blk, int depth, int cnexp) {
    if (!blk) return;
    int nlocal0 = g->nlocal;
    if (blk->kind != NK_BLOCK) { stmt(g, blk, depth, cnexp); return; }
    for (int i = 0; i < blk->nkid && !g->failed; i++) stmt(g, blk->kid[i], depth, cnexp);
    g->nlocal = nlocal0;
}

/* ---- hooks for KINETIC / LINEAR (kinetic.c, §6) ------------------------------- */

static void kh_expr(void *g, cl_sb *b, const cl_ast *n) { expr(g, b, n); }
static void kh_name(void *g, cl_sb *b, const char *name) { name_ref(g, b, NULL, name); }
static int kh_stmt(void *g, const cl_ast *s, int depth) { stmt(g, s, depth, 0); return !((gen *)g)->failed; }
static int kh_is_state(void *g, const char *name) {
    sym *s = find_sym(g, name);
    return s && s->is_state && !s->len;
}
static int kh_mark(void *g) { return ((gen *)g)->nlocal; }
static void kh_reset(void *g, int mark) { ((gen *)g)->nlocal = mark; }
static void kh_fail(void *g, const cl_ast *n, const char *msg) { fail_at(g, n, "%s", msg); }

static const cl_ast *kin_block(gen *g, cl_nk kind, const char *name) {
    for (int i = 0; i < g->root->nkid; i++) {
        const cl_ast *k = g->root->kid[i];
        if (k && k->kind == kind && k->name && strcmp(k->name, name) == 0) return k;
    }
    return NULL;
}

static void kin_emit(gen *g) {
    cl_kin_hooks h = {g, &g->out, kh_expr, kh_name, kh_stmt, kh_is_state, kh_mark, kh_reset, kh_fail};
    for (int i = 0; i < g->root->nkid && !g->failed; i++) {
        const cl_ast *k = g->root->kid[i];
        if (k && k->kind == NK_KINETIC) cl_kin_emit_kinetic(&h, g->root, k);
        if (k && k->kind == NK_LINEAR) cl_kin_emit_linear(&h, k);
    }
}

/* SOLVE in INITIAL (or another block): a LINEAR block, or STEADYSTATE sparse. */
static void kin_solve_stmt(gen *g, const cl_ast *s, int depth) {
    if (kin_block(g, NK_LINEAR, s->name)) {
        indent(&g->out, depth);
        cl_sb_addf(&g->out, "(void)_lin_%s(_b, _i, _c); /* NEURON would abort_run on an error */\n", s->name);
    } else if (kin_block(g, NK_KINETIC, s->name)) {
        if (!s->flag || !s->text || strcmp(s->text, "sparse") != 0) {
            fail_at(g, s, "SOLVE %s outside BREAKPOINT: only STEADYSTATE sparse is supported for KINETIC blocks", s->name);
            return;
        }
        indent(&g->out, depth);
        cl_sb_addf(&g->out, "(void)_kss_%s(_b, _i, _c); /* NEURON would abort_run on an error */\n", s->name);
    }
}

/* SOLVE kin METHOD sparse in BREAKPOINT: 1 when handled. */
static int kin_solve_bp(gen *g, const cl_ast *s) {
    if (!kin_block(g, NK_KINETIC, s->name)) {
        if (kin_block(g, NK_LINEAR, s->name)) {
            cl_sb_addf(&g->out, "        (void)_lin_%s(_b, _i, _c);\n", s->name);
            return 1;
        }
        return 0;
    }
    if (!s->text || strcmp(s->text, "sparse") != 0) {
        fail_at(g, s, "SOLVE %s METHOD %s: KINETIC blocks are solved with METHOD sparse only", s->name,
                s->text ? s->text : "(none)");
        return 1;
    }
    cl_sb_addf(&g->out, "        (void)_k_%s(_b, _i, _c, _c->dt, _linmat_%s); /* NEURON would abort_run on an error */\n",
               s->name, s->name);
    return 1;
}

/* ---- derivimplicit (§4) ------------------------------------------------------ */

#define FN_PARAMS "cl_mech_block *_b, int _i, const cl_mech_ctx *_c"
#define FN_PRELUDE "    double **_p = _b->var; double *_g = _b->global; double *_w = NULL; (void)_p; (void)_g; (void)_w;\n"

/* The METHOD a BREAKPOINT SOLVE names for block name (NULL if none). */
static const char *solve_method(gen *g, const char *name) {
    if (!g->breakpoint) return NULL;
    const cl_ast *blk = g->breakpoint->kid[0];
    for (int i = 0; i < blk->nkid; i++) {
        const cl_ast *s = blk->kid[i];
        if (s && s->kind == NK_SOLVE && !s->flag && s->name && strcmp(s->name, name) == 0) return s->text;
    }
    return NULL;
}

static void primes_walk(const cl_ast *n, const cl_ast **eqs, int *neq, int max) {
    if (!n) return;
    if (n->kind == NK_ASSIGN && n->nkid > 1 && n->kid[0] && n->kid[0]->kind == NK_PRIME) {
        if (*neq < max) eqs[*neq] = n;
        (*neq)++;
        return;
    }
    for (int i = 0; i < n->nkid; i++) primes_walk(n->kid[i], eqs, neq, max);
}

/* The states of the block's equations, in equation order (_slist1). */
static int prime_list(gen *g, const cl_ast *d, const char **eq) {
    const cl_ast *eqs[CL_NEWTON_MAXN];
    int n = 0;
    primes_walk(d->kid[0], eqs, &n, CL_NEWTON_MAXN);
    if (n > CL_NEWTON_MAXN) {
        fail_at(g, d, "DERIVATIVE %s: more than %d equations for derivimplicit", d->name, CL_NEWTON_MAXN);
        return 0;
    }
    for (int k = 0; k < n; k++) eq[k] = eqs[k]->kid[0]->name;
    return n;
}

/* derivimplicit, or cnexp that nocmodl switches to derivimplicit (§3.1). */
static int deriv_implicit(gen *g, const cl_ast *d) {
    const char *m = solve_method(g, d->name);
    if (!m) return 0;
    if (strcmp(m, "derivimplicit") == 0) return 1;
    if (strcmp(m, "cnexp") != 0) return 0;
    const cl_ast *eqs[64];
    int n = 0;
    primes_walk(d->kid[0], eqs, &n, 64);
    int fb = 0, failed0 = g->failed;
    cl_error *err0 = g->err;
    g->err = NULL; /* a probe: errors show when the block is emitted */
    for (int k = 0; k < n && k < 64 && !fb; k++) {
        four f = analyse(g, eqs[k]->kid[1], eqs[k]->kid[0]->name);
        fb = f.fallback;
        four_free(&f);
    }
    g->err = err0;
    g->failed = failed0;
    return fb;
}

/* SOLVE ... METHOD euler (§5). */
static int deriv_euler(gen *g, const cl_ast *d) {
    const char *m = solve_method(g, d->name);
    return m && strcmp(m, "euler") == 0;
}

/* euler_thread: the block once (D<x> from the old states, statements in
 * order), then x += dt*Dx in equation order. */
static void emit_euler(gen *g, const cl_ast *d) {
    cl_sb *b = &g->out;
    const char *eq[CL_NEWTON_MAXN];
    int n = prime_list(g, d, eq);
    if (g->failed) return;
    if (n == 0) { fail_at(g, d, "DERIVATIVE %s has no equation", d->name); return; }
    cl_sb_addf(b, "static void _d_%s(" FN_PARAMS ") {\n" FN_PRELUDE, d->name);
    block(g, d->kid[0], 1, 2);
    for (int i = 0; i < n; i++) {
        sym *st = find_sym(g, eq[i]);
        cl_sb_addf(b, "    _p[%d][_i] += _c->dt * (_p[%d][_i]);\n", st->slot, st->dslot);
    }
    cl_sb_add(b, "}\n\n");
}

/* Where a name is first met by nocmodl's lexer (for the symbol-table order). */
static size_t first_seen(gen *g, const char *name) {
    const char *t = g->text;
    size_t n = g->textlen, len = strlen(name), i = 0;
    while (i < n) {
        char c = t[i];
        if (c == ':' || c == '?') { while (i < n && t[i] != '\n') i++; continue; }
        if (c == '"') { i++; while (i < n && t[i] != '"') i++; i++; continue; }
        if (isdigit((unsigned char)c) || (c == '.' && i + 1 < n && isdigit((unsigned char)t[i + 1]))) {
            while (i < n && (isdigit((unsigned char)t[i]) || t[i] == '.')) i++;
            if (i < n && (t[i] == 'e' || t[i] == 'E')) {
                size_t j = i + 1;
                if (j < n && (t[j] == '+' || t[j] == '-')) j++;
                if (j < n && isdigit((unsigned char)t[j])) { i = j; while (i < n && isdigit((unsigned char)t[i])) i++; }
            }
            continue;
        }
        if (isalpha((unsigned char)c) || c == '_') {
            size_t s0 = i;
            while (i < n && (isalnum((unsigned char)t[i]) || t[i] == '_')) i++;
            if (i - s0 == 7 && strncmp(t + s0, "COMMENT", 7) == 0) {
                const char *e = strstr(t + i, "ENDCOMMENT");
                i = e ? (size_t)(e - t) + 10 : n;
                continue;
            }
            if (i - s0 == len && strncmp(t + s0, name, len) == 0) return s0;
            continue;
        }
        i++;
    }
    return n;
}

static void emit_derivimplicit(gen *g, const cl_ast *d) {
    cl_sb *b = &g->out;
    const char *eq[CL_NEWTON_MAXN], *un[CL_NEWTON_MAXN];
    int n = prime_list(g, d, eq);
    if (g->failed) return;
    if (n == 0) { fail_at(g, d, "DERIVATIVE %s has no equation", d->name); return; }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++)
            if (strcmp(eq[i], eq[k]) == 0) { fail_at(g, d, "DERIVATIVE %s: two equations for %s'", d->name, eq[i]); return; }
    /* _slist2: the unknowns in symbol-table order (§4.1, §6.1) */
    size_t pos[CL_NEWTON_MAXN];
    for (int i = 0; i < n; i++) { un[i] = eq[i]; pos[i] = first_seen(g, eq[i]); }
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0; k--) {
            unsigned char a = (unsigned char)un[k - 1][0], c = (unsigned char)un[k][0];
            if (a > c || (a == c && pos[k - 1] < pos[k])) {
                const char *tn = un[k]; un[k] = un[k - 1]; un[k - 1] = tn;
                size_t tp = pos[k]; pos[k] = pos[k - 1]; pos[k - 1] = tp;
            } else break;
        }
    const char *nm = d->name;
    /* the block body, then the residuals D - (x - x_old)/dt in equation order */
    cl_sb_addf(b, "static void _r_%s(" FN_PARAMS ", const double *_sav, double *_val) {\n" FN_PRELUDE, nm);
    block(g, d->kid[0], 1, 2);
    for (int i = 0; i < n; i++) {
        sym *s = find_sym(g, eq[i]);
        cl_sb_addf(b, "    _val[%d] = _p[%d][_i] - (_p[%d][_i] - _sav[%d])/_c->dt;\n", i, s->dslot, s->slot, i);
    }
    cl_sb_add(b, "}\n\n");
    cl_sb_addf(b, "typedef struct { cl_mech_block *b; int i; const cl_mech_ctx *c; const double *sav; double *val; } _rc_%s;\n", nm);
    cl_sb_addf(b, "static void _rf_%s(void *_x) { _rc_%s *_r = _x; _r_%s(_r->b, _r->i, _r->c, _r->sav, _r->val); }\n\n", nm, nm, nm);
    cl_sb_addf(b, "static void _d_%s(" FN_PARAMS ") {\n" FN_PRELUDE, nm);
    cl_sb_addf(b, "    double _sav[%d], _val[%d];\n    cl_newton_work _nw;\n", n, n);
    cl_sb_addf(b, "    double *const _x[%d] = {", n);
    for (int i = 0; i < n; i++) cl_sb_addf(b, "%s&_p[%d][_i]", i ? ", " : "", find_sym(g, un[i])->slot);
    cl_sb_add(b, "};\n");
    for (int i = 0; i < n; i++) cl_sb_addf(b, "    _sav[%d] = _p[%d][_i];\n", i, find_sym(g, eq[i])->slot);
    cl_sb_addf(b, "    _rc_%s _r = {_b, _i, _c, _sav, _val};\n", nm);
    cl_sb_addf(b, "    (void)cl_newton(%d, _x, _val, _rf_%s, &_r, &_nw); /* NEURON would abort_run on an error */\n", n, nm);
    cl_sb_addf(b, "    _r_%s(_b, _i, _c, _sav, _val);\n}\n\n", nm);
}

/* ---- the generated functions ---------------------------------------------------- */


/* The TABLE statement of a FUNCTION/PROCEDURE body, or NULL. */
static const cl_ast *table_of(const cl_ast *f) {
    const cl_ast *blk = f->kid[1];
    for (int i = 0; blk && i < blk->nkid; i++)
        if (blk->kid[i] && blk->kid[i]->kind == NK_TABLE) return blk->kid[i];
    return NULL;
}

static void proto(gen *g, const cl_ast *f, int is_proc, const char *pre, const char *end) {
    cl_sb *b = &g->out;
    /* a table's lookup is small and called in the instance loops: inlined */
    int lookup = table_of(f) && (strcmp(pre, "_p_") == 0 || strcmp(pre, "_f_") == 0);
    cl_sb_addf(b, "static %sdouble %s%s(" FN_PARAMS, lookup ? "inline __attribute__((always_inline)) " : "", pre,
               f->name);
    for (int a = 0; a < f->kid[0]->nkid; a++) cl_sb_addf(b, ", double _l%s", f->kid[0]->kid[a]->name);
    cl_sb_add(b, end);
    (void)is_proc;
}

/* §8: per-simulation table storage (cl_mech_block.priv), the build
 * (_check_<name>, from nrn_thread_table_check: finitialize and the start of
 * every step, with instance 0) and the lookup that replaces the block. */
static void emit_tables(gen *g) {
    cl_sb *b = &g->out;
    if (!g->ntabled) return;
    for (int t = 0; t < g->ntabled; t++) {
        const cl_ast *f = g->tabled[t], *tb = table_of(f);
        int is_proc = f->kind == NK_PROCEDURE;
        int nv = is_proc ? tb->kid[0]->nkid : 1, nd = tb->kid[1]->nkid;
        const cl_ast *with = tb->kid[4];
        if (with->kind != NK_NUM || with->num < 1 || with->num != (double)(int)with->num) {
            fail_at(g, with, "TABLE ... WITH needs a positive integer"); return;
        }
        if (f->kid[0]->nkid != 1) {
            fail_at(g, tb, "TABLE in %s: the FUNCTION or PROCEDURE must take exactly one argument", f->name); return;
        }
        if (is_proc && nv == 0) { fail_at(g, tb, "TABLE in PROCEDURE %s names no variable", f->name); return; }
        if (!is_proc && nv != 1) { fail_at(g, tb, "TABLE in FUNCTION %s: the table is the function's value; "
                                         "name no variable", f->name); return; }
        int n = (int)with->num;
        cl_sb_addf(b, "typedef struct { int mak; double sav[%d]; double tmin, mfac; double t[%d][%d]; } _tab_%s;\n",
                   nd ? nd : 1, nv, n + 1, f->name);
    }
    cl_sb_add(b, "typedef struct {\n");
    for (int t = 0; t < g->ntabled; t++) cl_sb_addf(b, "    _tab_%s %s;\n", g->tabled[t]->name, g->tabled[t]->name);
    cl_sb_add(b, "} _tabs;\n\n");
    cl_sb_add(b, "static void *_tabs_new(void) {\n    _tabs *_T = calloc(1, sizeof *_T);\n    if (!_T) return NULL;\n");
    for (int t = 0; t < g->ntabled; t++) cl_sb_addf(b, "    _T->%s.mak = 1;\n", g->tabled[t]->name);
    cl_sb_add(b, "    return _T;\n}\nstatic void _tabs_free(void *_T) { free(_T); }\n\n");
    for (int t = 0; t < g->ntabled && !g->failed; t++) {
        const cl_ast *f = g->tabled[t], *tb = table_of(f);
        int is_proc = f->kind == NK_PROCEDURE;
        int nv = is_proc ? tb->kid[0]->nkid : 1, nd = tb->kid[1]->nkid, n = (int)tb->kid[4]->num;
        const char *nm = f->name;
        /* the build */
        cl_sb_addf(b, "static void _check_%s(const cl_mech_ctx *_c, cl_mech_block *_b) {\n"
                      "    double **_p = _b->var; double *_g = _b->global; double *_w = NULL; int _i = 0;\n"
                      "    (void)_p; (void)_w;\n"
                      "    _tab_%s *_t = &((_tabs *)_b->priv)->%s;\n"
                      "    if (!_g[%d]) return;\n", nm, nm, nm, g->usetable_slot);
        for (int d = 0; d < nd; d++) {
            cl_sb_addf(b, "    if (_t->sav[%d] != ", d);
            name_ref(g, b, tb->kid[1]->kid[d], tb->kid[1]->kid[d]->name);
            cl_sb_add(b, ") _t->mak = 1;\n");
        }
        cl_sb_add(b, "    if (_t->mak) {\n        double _x, _dx, _tmax; int _ix;\n        _t->mak = 0;\n        _t->tmin = ");
        expr(g, b, tb->kid[2]);
        cl_sb_add(b, " ;\n        _tmax = ");
        expr(g, b, tb->kid[3]);
        cl_sb_addf(b, " ;\n        _dx = (_tmax - _t->tmin)/%d.; _t->mfac = 1./_dx;\n", n);
        cl_sb_addf(b, "        for (_ix = 0, _x = _t->tmin; _ix < %d; _x += _dx, _ix++) {\n", n + 1);
        if (is_proc) {
            cl_sb_addf(b, "            _pb_%s(_b, _i, _c, _x);\n", nm);
            for (int k = 0; k < nv; k++) {
                cl_sb_addf(b, "            _t->t[%d][_ix] = ", k);
                name_ref(g, b, tb->kid[0]->kid[k], tb->kid[0]->kid[k]->name);
                cl_sb_add(b, ";\n");
            }
        } else {
            cl_sb_addf(b, "            _t->t[0][_ix] = _fb_%s(_b, _i, _c, _x);\n", nm);
        }
        cl_sb_add(b, "        }\n");
        for (int d = 0; d < nd; d++) {
            cl_sb_addf(b, "        _t->sav[%d] = ", d);
            name_ref(g, b, tb->kid[1]->kid[d], tb->kid[1]->kid[d]->name);
            cl_sb_add(b, ";\n");
        }
        cl_sb_add(b, "    }\n}\n\n");
        /* the lookup */
        proto(g, f, is_proc, is_proc ? "_p_" : "_f_", ") {\n" FN_PRELUDE);
        const char *arg = f->kid[0]->kid[0]->name;
        cl_sb_addf(b, "    const _tab_%s *_t = &((const _tabs *)_b->priv)->%s;\n    double _xi, _theta; int _j;\n"
                      "    (void)_theta;\n", nm, nm);
        if (is_proc) {
            cl_sb_addf(b, "    if (!_g[%d]) { _pb_%s(_b, _i, _c, _l%s); return 0.; }\n", g->usetable_slot, nm, arg);
            cl_sb_addf(b, "    _xi = _t->mfac * (_l%s - _t->tmin);\n", arg);
            const char *val[4] = {"_xi", "_t->t[%d][0]", "", "_t->t[%d][_j] + _theta*(_t->t[%d][_j+1] - _t->t[%d][_j])"};
            char last[64];
            snprintf(last, sizeof last, "_t->t[%%d][%d]", n);
            val[2] = last;
            for (int c = 0; c < 4; c++) {
                if (c == 0) cl_sb_add(b, "    if (isnan(_xi)) {\n");
                if (c == 1) cl_sb_add(b, "    if (_xi <= 0.) {\n");
                if (c == 2) cl_sb_addf(b, "    if (_xi >= %d.) {\n", n);
                if (c == 3) cl_sb_add(b, "    _j = (int) _xi;\n    _theta = _xi - (double)_j;\n    {\n");
                for (int k = 0; k < nv; k++) {
                    cl_sb_add(b, "        ");
                    name_ref(g, b, tb->kid[0]->kid[k], tb->kid[0]->kid[k]->name);
                    cl_sb_add(b, " = ");
                    cl_sb_addf(b, val[c], k, k, k);
                    cl_sb_add(b, ";\n");
                }
                cl_sb_add(b, "        return 0.;\n    }\n");
            }
        } else {
            cl_sb_addf(b, "    if (!_g[%d]) return _fb_%s(_b, _i, _c, _l%s);\n", g->usetable_slot, nm, arg);
            cl_sb_addf(b, "    _xi = _t->mfac * (_l%s - _t->tmin);\n", arg);
            cl_sb_add(b, "    if (isnan(_xi)) return _xi;\n    if (_xi <= 0.) return _t->t[0][0];\n");
            cl_sb_addf(b, "    if (_xi >= %d.) return _t->t[0][%d];\n", n, n);
            cl_sb_add(b, "    _j = (int) _xi;\n    return _t->t[0][_j] + (_xi - (double)_j)*(_t->t[0][_j+1] - _t->t[0][_j]);\n");
        }
        cl_sb_add(b, "}\n\n");
    }
    cl_sb_add(b, "static void _tables(const cl_mech_ctx *_c, cl_mech_block *_b) {\n    _hoist(_c, _b->global);\n    if (!_b->priv) return;\n");
    for (int t = 0; t < g->ntabled; t++) cl_sb_addf(b, "    _check_%s(_c, _b);\n", g->tabled[t]->name);
    cl_sb_add(b, "}\n\n");
}

/* ---- cnexp gathered over instances ------------------------------------------
 * nrn_state of a density mechanism whose last SOLVE is a cnexp DERIVATIVE
 * ending in its equations runs in groups of CL_NMODL_BATCH_N instances:
 * the block up to each equation's exp argument per instance (_dp_<name>),
 * the group's exps at once (cl_hoc_exp_batch: four lanes of the inline exp),
 * then each instance's updates (_df_<name>) and what follows the SOLVE. Every
 * value sees the operations and operands of the one-instance order; it
 * applies only where that is plain: the equations are the block's last
 * statements, none reads the state of an earlier one or calls a MOD
 * function, and each instance has its own node and ions. */

/* 1 when expression n reads one of the states names[0..n-1], a derivative,
 * or calls a function of the MOD file. */
static int batch_blocked(const cl_ast *n, const char *const *names, int nn) {
    if (!n) return 0;
    if (n->kind == NK_PRIME) return 1;
    if (n->kind == NK_CALL && !is_builtin(n->name)) return 1;
    if ((n->kind == NK_NAME || n->kind == NK_INDEX) && n->name)
        for (int k = 0; k < nn; k++)
            if (strcmp(n->name, names[k]) == 0) return 1;
    for (int i = 0; i < n->nkid; i++)
        if (batch_blocked(n->kid[i], names, nn)) return 1;
    return 0;
}

static int has_prime(const cl_ast *n) {
    if (!n) return 0;
    if (n->kind == NK_PRIME) return 1;
    for (int i = 0; i < n->nkid; i++)
        if (has_prime(n->kid[i])) return 1;
    return 0;
}

static const cl_ast *cnexp_batch_of(gen *g) {
    if (g->kind != CL_MECH_DENSITY || !g->breakpoint) return NULL;
    const cl_ast *blk = g->breakpoint->kid[0], *last = NULL;
    for (int i = 0; i < blk->nkid; i++)
        if (blk->kid[i] && blk->kid[i]->kind == NK_SOLVE) last = blk->kid[i];
    if (!last || last->flag || !last->text || strcmp(last->text, "cnexp") != 0 || last->nkid) return NULL;
    const cl_ast *d = NULL;
    for (int k = 0; k < g->nderiv; k++)
        if (strcmp(g->derivs[k]->name, last->name) == 0) d = g->derivs[k];
    if (!d || deriv_implicit(g, d) || deriv_euler(g, d)) return NULL;
    const cl_ast *body = d->kid[0];
    if (!body || body->kind != NK_BLOCK) return NULL;
    int first = -1;
    for (int i = 0; i < body->nkid; i++) {
        const cl_ast *st = body->kid[i];
        if (st && st->kind == NK_ASSIGN && st->kid[0]->kind == NK_PRIME) { first = i; break; }
    }
    if (first < 0 || body->nkid - first > CL_NMODL_BATCH_EQ) return NULL;
    const char *names[CL_NMODL_BATCH_EQ];
    int nn = 0;
    for (int i = first; i < body->nkid; i++) {
        const cl_ast *st = body->kid[i];
        if (!st || st->kind != NK_ASSIGN || st->kid[0]->kind != NK_PRIME || st->kid[0]->num != 1 ||
            st->kid[0]->nkid)
            return NULL;
        for (int k = 0; k < nn; k++)
            if (strcmp(names[k], st->kid[0]->name) == 0) return NULL;
        if (batch_blocked(st->kid[1], names, nn)) return NULL;
        names[nn++] = st->kid[0]->name;
    }
    /* no equation nested in the statements before them (it would be gathered unconditionally) */
    for (int i = 0; i < first; i++)
        if (has_prime(body->kid[i])) return NULL;
    return d;
}

/* Whether the equations can run in a loop of their own (g->split): each
 * reads only GLOBALs, RANGE variables, dt and constants. Fills gcap and the
 * equations' strings. A probe: errors show when the block is emitted. */
static void split_probe(gen *g, const cl_ast *d) {
    const cl_ast *body = d->kid[0];
    int failed0 = g->failed;
    cl_error *err0 = g->err;
    g->err = NULL;
    g->capture = 1;
    g->capture_bad = 0;
    g->ngcap = 0;
    g->nsplit = 0;
    for (int i = 0; i < body->nkid && !g->capture_bad && !g->failed; i++) {
        const cl_ast *st = body->kid[i];
        if (!st || st->kind != NK_ASSIGN || st->kid[0]->kind != NK_PRIME) continue;
        four f = analyse(g, st->kid[1], st->kid[0]->name);
        if (nz(f.DE) && !f.fallback && !f.nonlin && g->nsplit < CL_NMODL_BATCH_EQ) {
            g->batch_de[g->nsplit] = f.DE;
            g->batch_b[g->nsplit] = f.B;
            g->batch_a[g->nsplit++] = f.A;
            f.DE = f.B = f.A = NULL;
        }
        four_free(&f);
    }
    g->split = !g->capture_bad && !g->failed && g->nsplit > 0;
    g->capture = 0;
    g->err = err0;
    g->failed = failed0;
}

static void emit_batched(gen *g, const cl_ast *d) {
    cl_sb *b = &g->out;
    split_probe(g, d);
    cl_sb_addf(b, "static inline __attribute__((always_inline)) void _dp_%s(" FN_PARAMS
                  ", double (*_xa)[%d], double (*_xb)[%d], double (*_gv)[%d], int _j) {\n" FN_PRELUDE,
               d->name, CL_NMODL_BATCH_N, CL_NMODL_BATCH_N, CL_NMODL_BATCH_N);
    cl_sb_add(b, "    (void)_xa; (void)_xb; (void)_gv;\n");
    g->batch = 1;
    block(g, d->kid[0], 1, 1);
    g->batch = 0;
    if (g->split) /* the GLOBALs the equations read, as this instance left them */
        for (int m = 0; m < g->ngcap; m++) cl_sb_addf(b, "    _gv[%d][_j] = _g[%d];\n", m, g->gcap[m]);
    if (g->split && g->nbatch != g->nsplit) fail_at(g, d, "internal: cnexp equations counted differently");
    cl_sb_add(b, "}\n\n");
    cl_sb_addf(b, "static inline __attribute__((always_inline)) void _df_%s(" FN_PARAMS
                  ", double (*_xa)[%d], double (*_xb)[%d], int _j) {\n" FN_PRELUDE,
               d->name, CL_NMODL_BATCH_N, CL_NMODL_BATCH_N);
    for (int k = 0; k < g->nbatch; k++)
        cl_sb_addf(b, "    %s = %s + (1. - _xa[%d][_j])*(_xb[%d][_j] - %s) ;\n", g->batch_x[k], g->batch_x[k], k, k,
                   g->batch_x[k]);
    cl_sb_add(b, "}\n\n");
}

static void emit_functions(gen *g) {
    cl_sb *b = &g->out;
    /* prototypes first: functions may call each other in any order */
    for (int k = 0; k < 2; k++) {
        int n = k ? g->nproc : g->nfunc;
        for (int i = 0; i < n; i++) {
            const cl_ast *f = k ? g->procs[i] : g->funcs[i];
            proto(g, f, k, k ? "_p_" : "_f_", ");\n");
            if (table_of(f)) proto(g, f, k, k ? "_pb_" : "_fb_", ");\n");
        }
    }
    for (int k = 0; k < 2; k++) {
        int n = k ? g->nproc : g->nfunc;
        for (int i = 0; i < n && !g->failed; i++) {
            const cl_ast *f = k ? g->procs[i] : g->funcs[i];
            int tabled = table_of(f) != NULL;
            proto(g, f, k, k ? (tabled ? "_pb_" : "_p_") : (tabled ? "_fb_" : "_f_"), ") {\n" FN_PRELUDE);
            if (!k) cl_sb_addf(b, "    double _l%s = 0.0;\n", f->name);
            g->cur_func = k ? NULL : f;
            g->cur_args = f->kid[0];
            g->in_table_body = tabled;
            /* the body apart, so that the calls it hoists (gen.fhoist) can
             * be declared before it */
            cl_sb body = {0}, saved = g->out;
            g->out = body;
            g->fbody = f->kid[1];
            block(g, f->kid[1], 1, 0);
            g->fbody = NULL;
            body = g->out;
            g->out = saved;
            b = &g->out;
            for (int h = 0; h < g->nfhoist; h++) {
                cl_sb_addf(b, "    const double _h%d = %s;\n", h, g->fhoist[h]);
                free(g->fhoist[h]);
            }
            g->nfhoist = 0;
            if (body.oom) g->failed = 1;
            if (body.s) cl_sb_add(b, body.s);
            free(body.s);
            g->in_table_body = 0;
            g->cur_func = NULL;
            g->cur_args = NULL;
            if (!k) cl_sb_addf(b, "    return _l%s;\n}\n\n", f->name);
            else cl_sb_add(b, "    return 0.;\n}\n\n");
        }
    }
    if (!g->failed) emit_tables(g);
    for (int i = 0; i < g->nderiv && !g->failed; i++) {
        if (deriv_implicit(g, g->derivs[i])) { emit_derivimplicit(g, g->derivs[i]); continue; }
        if (deriv_euler(g, g->derivs[i])) { emit_euler(g, g->derivs[i]); continue; }
        if (g->derivs[i] == g->batch_deriv) {
            emit_batched(g, g->derivs[i]);
            continue;
        }
        cl_sb_addf(b, "static inline __attribute__((always_inline)) void _d_%s(" FN_PARAMS ", double *_em) {\n"
                      FN_PRELUDE, g->derivs[i]->name);
        g->dmemo = 1;
        g->ndmemo = 0;
        block(g, g->derivs[i]->kid[0], 1, 1);
        g->dmemo = 0;
        if (g->dmemo_n) g->dmemo_n[i] = g->ndmemo + 1;
        cl_sb_add(b, "}\n\n");
    }
}

static const char *field_name(int f) {
    switch (f) {
    case IF_EREV: return "erev";
    case IF_CI: return "ci";
    case IF_CO: return "co";
    default: return "cur";
    }
}

/* §7.2 step 3: the READ list in order, then the written concentrations. */
static void read_ions(gen *g) {
    cl_sb *b = &g->out;
    for (int u = 0; u < g->nion; u++) {
        const ionuse *iu = &g->ions[u];
        for (int k = 0; k < iu->nread; k++) {
            sym *s = find_sym(g, iu->reads[k]);
            cl_sb_addf(b, "        _p[%d][_i] = _b->ion[%d].%s[_b->ion_index[%d][_i]];\n", s->slot, u,
                       field_name(s->field), u);
        }
        for (int k = 0; k < iu->nwrite; k++) {
            sym *s = find_sym(g, iu->writes[k]);
            if (s->field == IF_CI || s->field == IF_CO)
                cl_sb_addf(b, "        _p[%d][_i] = _b->ion[%d].%s[_b->ion_index[%d][_i]];\n", s->slot, u,
                           field_name(s->field), u);
        }
    }
}

static void write_concs(gen *g) {
    cl_sb *b = &g->out;
    for (int u = 0; u < g->nion; u++) {
        const ionuse *iu = &g->ions[u];
        for (int k = 0; k < iu->nwrite; k++) {
            sym *s = find_sym(g, iu->writes[k]);
            if (s->field == IF_CI || s->field == IF_CO || s->field == IF_EREV)
                cl_sb_addf(b, "        _b->ion[%d].%s[_b->ion_index[%d][_i]] = _p[%d][_i];\n", u,
                           field_name(s->field), u, s->slot);
        }
    }
}

static int has_solve_kind(const cl_ast *bp, int want_method) {
    if (!bp) return 0;
    const cl_ast *blk = bp->kid[0];
    for (int i = 0; i < blk->nkid; i++)
        if (blk->kid[i] && blk->kid[i]->kind == NK_SOLVE && (want_method ? blk->kid[i]->text != NULL : 1)) return 1;
    return 0;
}

static void emit_solves(gen *g) {
    cl_sb *b = &g->out;
    if (!g->breakpoint) return;
    const cl_ast *blk = g->breakpoint->kid[0];
    for (int i = 0; i < blk->nkid && !g->failed; i++) {
        const cl_ast *s = blk->kid[i];
        if (!s || s->kind != NK_SOLVE) continue;
        if (s->flag) { fail_at(g, s, "STEADYSTATE is not supported yet"); return; }
        const char *m = s->text;
        int found = 0;
        for (int k = 0; k < g->nderiv; k++)
            if (strcmp(g->derivs[k]->name, s->name) == 0) {
                found = 1;
                if (!m || (strcmp(m, "cnexp") != 0 && strcmp(m, "derivimplicit") != 0 && strcmp(m, "euler") != 0)) {
                    fail_at(g, s, "SOLVE %s METHOD %s: DERIVATIVE blocks are solved with cnexp, derivimplicit or "
                                  "euler", s->name, m ? m : "(none: adrunge)");
                    return;
                }
                if (g->derivs[k] == g->batch_deriv)
                    cl_sb_addf(b, "            _dp_%s(_b, _i, _c, _xa, _xb, _gv, _j);\n", s->name);
                else if (g->dmemo_n && g->dmemo_n[k])
                    cl_sb_addf(b, "        _d_%s(_b, _i, _c, _em%d);\n", s->name, k);
                else
                    cl_sb_addf(b, "        _d_%s(_b, _i, _c);\n", s->name);
            }
        for (int k = 0; k < g->nproc && !found; k++)
            if (strcmp(g->procs[k]->name, s->name) == 0) {
                found = 1;
                if (m && strcmp(m, "after_cvode") != 0 && strcmp(m, "cvode_t") != 0 && strcmp(m, "cnexp") != 0) {
                    fail_at(g, s, "SOLVE %s METHOD %s: a PROCEDURE is solved by calling it", s->name, m);
                    return;
                }
                cl_sb_addf(b, "        _p_%s(_b, _i, _c);\n", s->name);
            }
        if (!found) found = kin_solve_bp(g, s);
        if (!found) { fail_at(g, s, "SOLVE %s: no DERIVATIVE, KINETIC, LINEAR or PROCEDURE of that name", s->name); return; }
    }
}

/* BREAKPOINT statements other than SOLVE, at v (the current function, §7.3). */
static void breakpoint_body(gen *g, int depth) {
    if (!g->breakpoint) return;
    const cl_ast *blk = g->breakpoint->kid[0];
    int nlocal0 = g->nlocal;
    for (int i = 0; i < blk->nkid && !g->failed; i++)
        if (blk->kid[i] && blk->kid[i]->kind != NK_SOLVE) stmt(g, blk->kid[i], depth, 0);
    g->nlocal = nlocal0;
}

/* Whether nrn_cur can keep the instance's variables in locals: the
 * BREAKPOINT statements call no function of the MOD file (those read and
 * write the instance through _p) and index no array. */
static int sr_blocked(const cl_ast *n) {
    if (!n) return 0;
    if (n->kind == NK_CALL && !is_builtin(n->name)) return 1;
    if (n->kind == NK_INDEX || n->kind == NK_VERBATIM || n->kind == NK_NET_SEND || n->kind == NK_NET_EVENT ||
        n->kind == NK_WATCH || n->kind == NK_PRINTF || n->kind == NK_TABLE || n->kind == NK_SOLVE)
        return 1;
    for (int i = 0; i < n->nkid; i++)
        if (sr_blocked(n->kid[i])) return 1;
    return 0;
}

static int sr_of(gen *g) {
    if (!g->breakpoint || g->v_slot < 0 || g->nvar <= 0) return 0;
    const cl_ast *blk = g->breakpoint->kid[0];
    for (int i = 0; i < blk->nkid; i++)
        if (blk->kid[i] && blk->kid[i]->kind != NK_SOLVE && sr_blocked(blk->kid[i])) return 0;
    for (int i = 0; i < g->nsym; i++)
        if (g->syms[i].len > 0) return 0; /* arrays: not worth the bookkeeping */
    return 1;
}

/* Marks in w the instance slots that assignments in n write. */
static void sr_written(gen *g, const cl_ast *n, char *w) {
    if (!n) return;
    if (n->kind == NK_ASSIGN && n->kid[0]->kind == NK_NAME && !is_local(g, n->kid[0]->name)) {
        sym *s = find_sym(g, n->kid[0]->name);
        if (s && s->kind != SK_GLOBAL && s->kind != SK_CONST && s->slot >= 0 && s->slot < g->nvar) w[s->slot] = 1;
    }
    for (int i = 0; i < n->nkid; i++) sr_written(g, n->kid[i], w);
}

/* An instance variable in _cur: its local, or its place. */
static void slot_ref(gen *g, cl_sb *b, int slot) {
    if (g->sr) { g->sr_used[slot] = 1; cl_sb_addf(b, "_r%d", slot); }
    else cl_sb_addf(b, "_p[%d][_i]", slot);
}

/* Whether name n, read in BREAKPOINT, is one of the instance's variables
 * (then a vector of four instances in _cur's vector loop) or a value all
 * instances share; *inst tells which. 0 for names the vector loop cannot
 * take (area, diam: per node, through _b->node[_i]; locals; unknowns). */
static int vec_name_ok(gen *g, const cl_ast *n, int *inst) {
    const char *name = n->name;
    if (!name || is_local(g, name) || !strcmp(name, "area") || !strcmp(name, "diam")) return 0;
    if (!strcmp(name, "t") || !strcmp(name, "dt") || !strcmp(name, "celsius")) { *inst = 0; return 1; }
    if (!strcmp(name, "v")) { *inst = 1; return g->v_slot >= 0; }
    const sym *sy = find_sym(g, name);
    if (!sy || sy->len) return 0;
    if (sy->kind == SK_GLOBAL || sy->kind == SK_CONST) { *inst = 0; return 1; }
    *inst = 1;
    return sy->slot >= 0 && sy->slot < g->nvar;
}

/* An expression of +, -, *, / on numbers and names (vec_name_ok): IEEE
 * operations that a vector of four instances performs lane by lane with the
 * same results. *inst becomes 1 when it reads an instance variable. */
static int vec_expr_ok(gen *g, const cl_ast *n, int *inst) {
    if (!n) return 0;
    switch (n->kind) {
    case NK_NUM: return 1;
    case NK_NAME: {
        int k = 0;
        if (!vec_name_ok(g, n, &k)) return 0;
        *inst |= k;
        return 1;
    }
    case NK_PAREN: return vec_expr_ok(g, n->kid[0], inst);
    case NK_UNARY: return n->op == OP_NEG && vec_expr_ok(g, n->kid[0], inst);
    case NK_BINARY:
        return (n->op == OP_ADD || n->op == OP_SUB || n->op == OP_MUL || n->op == OP_DIV) &&
               vec_expr_ok(g, n->kid[0], inst) && vec_expr_ok(g, n->kid[1], inst);
    default: return 0;
    }
}

/* Whether _cur can run four instances at once in vectors (gen.vcur): a
 * density mechanism whose BREAKPOINT statements (SOLVE aside) are
 * assignments to instance variables of expressions vec_expr_ok takes, each
 * reading an instance variable (a vector; a shared value alone would be a
 * scalar). pas, hh and most channels' currents are such. */
static int vec_cur_ok(gen *g) {
    if (g->kind != CL_MECH_DENSITY || !g->breakpoint) return 0;
    const cl_ast *blk = g->breakpoint->kid[0];
    for (int i = 0; i < blk->nkid; i++) {
        const cl_ast *st = blk->kid[i];
        if (!st || st->kind == NK_SOLVE) continue;
        if (st->kind != NK_ASSIGN || !st->kid[0] || st->kid[0]->kind != NK_NAME) return 0;
        int lhs = 0, rhs = 0;
        if (!vec_name_ok(g, st->kid[0], &lhs) || !lhs || !strcmp(st->kid[0]->name, "v")) return 0;
        if (!vec_expr_ok(g, st->kid[1], &rhs) || !rhs) return 0;
    }
    return 1;
}

/* _state's places for cl_exp_memo_ (gen.dmemo): a NaN argument, equal to
 * nothing, for each cnexp DERIVATIVE emitted as _d_<name>. */
static void dmemo_decls(gen *g) {
    for (int i = 0; i < g->nderiv && g->dmemo_n; i++) {
        if (!g->dmemo_n[i]) continue;
        int n = g->dmemo_n[i] > 1 ? g->dmemo_n[i] - 1 : 1;
        cl_sb_addf(&g->out, "    double _em%d[%d];\n"
                            "    for (int _k = 0; _k < %d; _k += 2) { _em%d[_k] = __builtin_nan(\"\"); _em%d[_k + 1] = 0.; }\n",
                   i, 2 * n, 2 * n, i, i);
    }
}

/* _cur's stores of its locals: v and what the BREAKPOINT statements
 * assign, each as fmt (slot, slot, slot) prints it. */
static void store_back(gen *g, const char *fmt) {
    char *w = calloc((size_t)g->nvar, 1);
    if (!w) { g->failed = 1; return; }
    w[g->v_slot] = 1;
    const cl_ast *bb = g->breakpoint->kid[0];
    for (int i = 0; i < bb->nkid; i++)
        if (bb->kid[i] && bb->kid[i]->kind != NK_SOLVE) sr_written(g, bb->kid[i], w);
    for (int k = 0; k < g->nvar; k++)
        if (g->sr_used[k] && w[k]) cl_sb_addf(&g->out, fmt, k, k, k);
    free(w);
}

/* _cur's vector loop (vec_cur_ok): four instances at a time, the
 * BREAKPOINT statements (body, on the _r locals) once at v + .001 and once
 * at v on vectors of the four, each lane the scalar loop's operations on its
 * instance. The instances of a density mechanism sit at distinct nodes, so
 * their reads and writes of rhs, d and ion variables do not meet. The
 * scalar loop after it takes the last n % 4. */
static void vec_cur_loop(gen *g, const char *body) {
    cl_sb *b = &g->out;
    /* the arrays in locals: the vector stores (memcpy) may alias anything,
     * so the compiler would reload each pointer from _b, _c, _p after them */
    cl_sb_add(b, "    typedef double _cl_v4 __attribute__((vector_size(32)));\n"
                 "    const _cl_v4 _vz = {0., 0., 0., 0.};\n"
                 "    const int _nv = _b->n, *const _node = _b->node;\n"
                 "    const double *const _vv = _c->v;\n"
                 "    double *const _rv = _c->rhs, *const _dv = _c->d;\n");
    for (int k = 0; k < g->nvar; k++)
        if (g->sr_used[k]) cl_sb_addf(b, "    double *const _q%d = _p[%d];\n", k, k);
    for (int u = 0; u < g->nion; u++)
        if (g->ions[u].nwrite)
            cl_sb_addf(b, "    double *const _ic%d = _b->ion[%d].cur, *const _id%d = _b->ion[%d].dcurdv;\n"
                          "    const int *const _ix%d = _b->ion_index[%d];\n", u, u, u, u, u, u);
    /* blocks of a few instances (a soma's channels) go faster without */
    cl_sb_add(b, "    int _iv = 0;\n"
                 "    for (; _nv >= 8 && _iv + 4 <= _nv; _iv += 4) {\n"
                 "        for (int _i = _iv; _i < _iv + 4; _i++) {\n");
    read_ions(g);
    cl_sb_add(b, "        }\n        const int _i = _iv;\n"
                 "        _cl_v4 _rhs, _gg, _current, _v = {_vv[_node[_i]], _vv[_node[_i + 1]], "
                 "_vv[_node[_i + 2]], _vv[_node[_i + 3]]};\n");
    for (int k = 0; k < g->nvar; k++)
        if (g->sr_used[k]) cl_sb_addf(b, "        _cl_v4 _r%d;\n        __builtin_memcpy(&_r%d, _q%d + _i, sizeof _r%d);\n", k, k, k, k);
    int ns = 0;
    for (int pass = 0; pass < 2; pass++) {
        cl_sb_addf(b, "        _current = _vz;\n        _r%d = %s;\n        {\n", g->v_slot, pass ? "_v" : "_v + .001");
        cl_sb_add(b, body);
        cl_sb_addf(b, "        }\n        %s = _current;\n", pass ? "_rhs" : "_gg");
        for (int u = 0; u < g->nion && !pass; u++)
            for (int k = 0; k < g->ions[u].nwrite; k++) {
                sym *sy = find_sym(g, g->ions[u].writes[k]);
                if (sy->field == IF_CUR) cl_sb_addf(b, "        _cl_v4 _d%d = _r%d;\n", ns++, sy->slot);
            }
    }
    store_back(g, "        __builtin_memcpy(_q%d + _i, &_r%d, sizeof _r%d);\n");
    ns = 0;
    for (int u = 0; u < g->nion; u++)
        for (int k = 0; k < g->ions[u].nwrite; k++) {
            sym *sy = find_sym(g, g->ions[u].writes[k]);
            if (sy->field == IF_CUR) cl_sb_addf(b, "        _d%d = (_d%d - _r%d)/.001 ;\n", ns, ns, sy->slot), ns++;
        }
    cl_sb_add(b, "        _gg = (_gg - _rhs)/.001;\n"
                 "        for (int _u = 0; _u < 4; _u++) {\n"
                 "            int _nd = _node[_i + _u];\n");
    ns = 0;
    for (int u = 0; u < g->nion; u++)
        for (int k = 0; k < g->ions[u].nwrite; k++) {
            sym *sy = find_sym(g, g->ions[u].writes[k]);
            if (sy->field == IF_CUR) {
                cl_sb_addf(b, "            _id%d[_ix%d[_i + _u]] += _d%d[_u];\n", u, u, ns++);
                cl_sb_addf(b, "            _ic%d[_ix%d[_i + _u]] += _r%d[_u] ;\n", u, u, sy->slot);
            } else {
                cl_sb_addf(b, "            _b->ion[%d].%s[_ix%d[_i + _u]] = _r%d[_u];\n", u, field_name(sy->field), u,
                           sy->slot);
            }
        }
    if (g->electrode) cl_sb_add(b, "            _rv[_nd] += _rhs[_u];\n            _dv[_nd] -= _gg[_u];\n");
    else cl_sb_add(b, "            _rv[_nd] -= _rhs[_u];\n            _dv[_nd] += _gg[_u];\n");
    cl_sb_add(b, "        }\n    }\n");
}

static void emit_wrappers(gen *g) {
    cl_sb *b = &g->out;
    int art = g->kind == CL_MECH_ARTIFICIAL, pp = g->kind == CL_MECH_POINT;
    /* the current at v: BREAKPOINT body, then the current list summed in order */
    if (g->ncur) {
        /* inlined into the loop of _cur: its two calls then share the loads */
        cl_sb_add(b, "static inline __attribute__((always_inline)) double _nrn_current(" FN_PARAMS ", double _v) {\n" FN_PRELUDE);
        cl_sb_add(b, "    double _current = 0.;\n");
        cl_sb_addf(b, "    _p[%d][_i] = _v;\n", g->v_slot);
        breakpoint_body(g, 1);
        for (int k = 0; k < g->ncur; k++) cl_sb_addf(b, "    _current += _p[%d][_i];\n", find_sym(g, g->currents[k])->slot);
        cl_sb_add(b, "    return _current;\n}\n\n");
    }
    /* nrn_init */
    cl_sb_add(b, "static void _init(const cl_mech_ctx *_c, cl_mech_block *_b) {\n    _hoist(_c, _b->global);\n"
                 "    double **_p = _b->var; double *_g = _b->global; double *_w = NULL; (void)_g; (void)_w;\n"
                 "    for (int _i = 0; _i < _b->n; _i++) {\n");
    if (g->tsav_slot >= 0) cl_sb_addf(b, "        _p[%d][_i] = -1e20;\n", g->tsav_slot);
    if (!art) cl_sb_addf(b, "        _p[%d][_i] = _c->v[_b->node[_i]];\n", g->v_slot);
    read_ions(g);
    for (int i = 0; i < g->nsym; i++) { /* states start at their x0 = 0, ion concentrations excepted */
        const sym *s = &g->syms[i];
        if (s->is_state && s->kind != SK_ION)
            for (int k = 0; k < (s->len ? s->len : 1); k++) cl_sb_addf(b, "        _p[%d][_i] = 0.0;\n", s->slot + k);
    }
    if (g->initial) {
        cl_sb_add(b, "        {\n");
        block(g, g->initial->kid[0], 3, 0);
        cl_sb_add(b, "        }\n");
    }
    write_concs(g);
    for (int u = 0; u < g->nion; u++) /* nrn_wrote_conc: Nernst again where the style says so */
        if (g->ions[u].flags & CL_ION_WRITE_CONC)
            cl_sb_addf(b, "        cl_ion_wrote_conc(&_b->ion[%d], _b->ion_index[%d][_i]);\n", u, u);
    cl_sb_add(b, "    }\n}\n\n");
    /* nrn_cur + nrn_jacob */
    if (g->ncur) {
        /* with sr: the BREAKPOINT statements twice in the loop (at v + .001,
         * then at v), on locals loaded once and stored once; the same
         * operations on the same values as the two _nrn_current calls */
        char *body = NULL;
        if (sr_of(g)) {
            g->sr_used = calloc((size_t)g->nvar, 1);
            if (!g->sr_used) { g->failed = 1; return; }
            g->sr = 1;
            cl_sb saved = g->out, tmp = {0};
            g->out = tmp;
            breakpoint_body(g, 3);
            for (int k = 0; k < g->ncur; k++) {
                cl_sb_add(&g->out, "            _current += ");
                slot_ref(g, &g->out, find_sym(g, g->currents[k])->slot);
                cl_sb_add(&g->out, ";\n");
            }
            body = g->out.s ? g->out.s : cl_strdup("");
            if (g->out.oom) g->failed = 1;
            g->out = saved;
            g->sr_used[g->v_slot] = 1;
            for (int u = 0; u < g->nion; u++) /* the ion variables the tail below uses */
                for (int k = 0; k < g->ions[u].nwrite; k++) g->sr_used[find_sym(g, g->ions[u].writes[k])->slot] = 1;
        }
        cl_sb_add(b, "static void _cur(const cl_mech_ctx *_c, cl_mech_block *_b) {\n    _hoist(_c, _b->global);\n"
                     "    double **_p = _b->var; double *_g = _b->global; double *_w = NULL; (void)_p; (void)_g; (void)_w;\n");
        int vec = body && vec_cur_ok(g);
        if (vec) vec_cur_loop(g, body);
        cl_sb_addf(b, "    for (int _i = %s; _i < _b->n; _i++) {\n"
                      "        int _nd = _b->node[_i];\n"
                      "        double _v = _c->v[_nd], _rhs, _gg;\n", vec ? "_iv" : "0");
        read_ions(g);
        if (body) {
            for (int k = 0; k < g->nvar; k++)
                if (g->sr_used[k]) cl_sb_addf(b, "        double _r%d = _p[%d][_i];\n", k, k);
            cl_sb_add(b, "        double _current;\n");
            for (int pass = 0; pass < 2; pass++) {
                cl_sb_addf(b, "        _current = 0.;\n        _r%d = %s;\n        {\n", g->v_slot,
                           pass ? "_v" : "_v + .001");
                cl_sb_add(b, body);
                cl_sb_addf(b, "        }\n        %s = _current;\n", pass ? "_rhs" : "_gg");
                if (pass) break;
                int ns = 0;
                for (int u = 0; u < g->nion; u++)
                    for (int k = 0; k < g->ions[u].nwrite; k++) {
                        sym *sy = find_sym(g, g->ions[u].writes[k]);
                        if (sy->field == IF_CUR) cl_sb_addf(b, "        double _d%d = _r%d;\n", ns++, sy->slot);
                    }
            }
            store_back(g, "        _p[%d][_i] = _r%d;\n");
            free(body);
        } else {
            cl_sb_add(b, "        _gg = _nrn_current(_b, _i, _c, _v + .001);\n");
            int ns = 0;
            for (int u = 0; u < g->nion; u++)
                for (int k = 0; k < g->ions[u].nwrite; k++) {
                    sym *sy = find_sym(g, g->ions[u].writes[k]);
                    if (sy->field == IF_CUR) cl_sb_addf(b, "        double _d%d = _p[%d][_i];\n", ns++, sy->slot);
                }
            cl_sb_add(b, "        _rhs = _nrn_current(_b, _i, _c, _v);\n");
        }
        int nsaved = 0;
        for (int u = 0; u < g->nion; u++)
            for (int k = 0; k < g->ions[u].nwrite; k++) {
                sym *sy = find_sym(g, g->ions[u].writes[k]);
                if (sy->field != IF_CUR) continue;
                cl_sb_addf(b, "        _b->ion[%d].dcurdv[_b->ion_index[%d][_i]] += (_d%d - ", u, u, nsaved++);
                slot_ref(g, b, sy->slot);
                cl_sb_add(b, pp ? ")/.001 * 1.e2/ (_c->area[_nd]);\n" : ")/.001 ;\n");
            }
        cl_sb_add(b, "        _gg = (_gg - _rhs)/.001;\n");
        for (int u = 0; u < g->nion; u++)
            for (int k = 0; k < g->ions[u].nwrite; k++) {
                sym *sy = find_sym(g, g->ions[u].writes[k]);
                if (sy->field == IF_CUR) {
                    cl_sb_addf(b, "        _b->ion[%d].cur[_b->ion_index[%d][_i]] += ", u, u);
                    slot_ref(g, b, sy->slot);
                    cl_sb_add(b, pp ? " * 1.e2/ (_c->area[_nd]);\n" : " ;\n");
                } else {
                    cl_sb_addf(b, "        _b->ion[%d].%s[_b->ion_index[%d][_i]] = ", u, field_name(sy->field), u);
                    slot_ref(g, b, sy->slot);
                    cl_sb_add(b, ";\n");
                }
            }
        g->sr = 0;
        free(g->sr_used);
        g->sr_used = NULL;
        if (pp) cl_sb_add(b, "        _gg *= 1.e2/(_c->area[_nd]);\n        _rhs *= 1.e2/(_c->area[_nd]);\n");
        if (g->electrode) cl_sb_add(b, "        _c->rhs[_nd] += _rhs;\n        _c->d[_nd] -= _gg;\n");
        else cl_sb_add(b, "        _c->rhs[_nd] -= _rhs;\n        _c->d[_nd] += _gg;\n");
        cl_sb_add(b, "    }\n}\n\n");
    }
    /* nrn_state */
    if (g->batch_deriv && g->nbatch > 0) {
        cl_sb_addf(b, "static void _state(const cl_mech_ctx *_c, cl_mech_block *_b) {\n    _hoist(_c, _b->global);\n"
                      "    double **_p = _b->var; double *_g = _b->global; double *_w = NULL; (void)_g; (void)_w;\n"
                      "    double _xa[%d][%d], _xb[%d][%d], _gv[%d][%d];\n",
                   g->nbatch, CL_NMODL_BATCH_N, g->nbatch, CL_NMODL_BATCH_N, g->ngcap ? g->ngcap : 1, CL_NMODL_BATCH_N);
        dmemo_decls(g);
        cl_sb_addf(b, "    for (int _i0 = 0; _i0 < _b->n; _i0 += %d) {\n"
                      "        int _m = _b->n - _i0 < %d ? _b->n - _i0 : %d;\n"
                      "        for (int _j = 0; _j < _m; _j++) {\n"
                      "            int _i = _i0 + _j;\n",
                   CL_NMODL_BATCH_N, CL_NMODL_BATCH_N, CL_NMODL_BATCH_N);
        cl_sb_addf(b, "        _p[%d][_i] = _c->v[_b->node[_i]];\n", g->v_slot);
        read_ions(g);
        emit_solves(g);
        cl_sb_add(b, "        }\n");
        if (g->split) { /* the equations' arithmetic over the group, each value as in one instance's order */
            cl_sb_add(b, "        for (int _j = 0; _j < _m; _j++) {\n            int _i = _i0 + _j; (void)_i;\n");
            for (int k = 0; k < g->nsplit; k++) {
                cl_sb_addf(b, "            _xa[%d][_j] = _c->dt*(%s) ;\n", k, g->batch_de[k]);
                cl_sb_addf(b, "            _xb[%d][_j] = - ( %s ) / ( %s ) ;\n", k, g->batch_b[k], g->batch_a[k]);
            }
            cl_sb_add(b, "        }\n");
        }
        cl_sb_addf(b, "        for (int _k = 0; _k < %d; _k++) cl_hoc_exp_batch(_c, _xa[_k], _m);\n"
                      "        for (int _j = 0; _j < _m; _j++) {\n"
                      "            int _i = _i0 + _j;\n"
                      "            _df_%s(_b, _i, _c, _xa, _xb, _j);\n",
                   g->nbatch, g->batch_deriv->name);
        if (!g->ncur) {
            cl_sb_add(b, "        {\n");
            breakpoint_body(g, 3);
            cl_sb_add(b, "        }\n");
        }
        write_concs(g);
        cl_sb_add(b, "        }\n    }\n}\n\n");
    } else if (has_solve_kind(g->breakpoint, 0) || (!g->ncur && g->breakpoint)) {
        cl_sb_add(b, "static void _state(const cl_mech_ctx *_c, cl_mech_block *_b) {\n    _hoist(_c, _b->global);\n"
                     "    double **_p = _b->var; double *_g = _b->global; double *_w = NULL; (void)_g; (void)_w;\n");
        dmemo_decls(g);
        cl_sb_add(b, "    for (int _i = 0; _i < _b->n; _i++) {\n");
        if (!art) cl_sb_addf(b, "        _p[%d][_i] = _c->v[_b->node[_i]];\n", g->v_slot);
        read_ions(g);
        emit_solves(g);
        if (!g->ncur) {
            cl_sb_add(b, "        {\n");
            breakpoint_body(g, 3);
            cl_sb_add(b, "        }\n");
        }
        write_concs(g);
        cl_sb_add(b, "    }\n}\n\n");
    }
    /* NET_RECEIVE */
    if (g->netrec) {
        cl_sb_add(b, "static void _net_receive(const cl_mech_ctx *_c, cl_mech_block *_b, int _i, double *_w, double _lflag) {\n    _hoist(_c, _b->global);\n"
                     "    double **_p = _b->var; double *_g = _b->global; (void)_g; (void)_lflag;\n");
        cl_sb_addf(b, "    int _watch_rm = 0; (void)_watch_rm;\n    _p[%d][_i] = _c->t;\n", g->tsav_slot);
        g->in_netrec = 1;
        g->cur_args = g->netrec->kid[0];
        block(g, g->netrec->kid[1], 1, 0);
        g->cur_args = NULL;
        g->in_netrec = 0;
        cl_sb_add(b, "}\n\n");
    }
    /* INITIAL inside NET_RECEIVE (§9.3): flag 0, the connection's weights */
    if (g->netinit) {
        cl_sb_add(b, "static void _net_init(const cl_mech_ctx *_c, cl_mech_block *_b, int _i, double *_w) {\n    _hoist(_c, _b->global);\n"
                     "    double **_p = _b->var; double *_g = _b->global; double _lflag = 0.0; (void)_p; (void)_g; (void)_lflag;\n");
        g->in_netrec = 1;
        g->cur_args = g->netrec->kid[0];
        block(g, g->netinit->kid[0], 1, 0);
        g->cur_args = NULL;
        g->in_netrec = 0;
        cl_sb_add(b, "}\n\n");
    }
    /* WATCH conditions (§9.4): v re-read from the node into the instance's copy */
    if (g->nwatch) {
        cl_sb_add(b, "static double _watch_cond(const cl_mech_ctx *_c, cl_mech_block *_b, int _i, int _k) {\n    _hoist(_c, _b->global);\n" FN_PRELUDE);
        if (g->v_slot >= 0) cl_sb_addf(b, "    _p[%d][_i] = _c->v[_b->node[_i]];\n", g->v_slot);
        cl_sb_add(b, "    switch (_k) {\n");
        for (int k = 0; k < g->nwatch; k++) {
            const cl_ast *cond = g->watches[k]->kid[0];
            cl_sb_addf(b, "    case %d: return %s( ", k, cond->op == OP_LT ? "-( " : " ");
            expr(g, b, cond->kid[0]);
            cl_sb_add(b, " ) - ( ");
            expr(g, b, cond->kid[1]);
            cl_sb_addf(b, " )%s;\n", cond->op == OP_LT ? " )" : "");
        }
        cl_sb_add(b, "    }\n    return 0.0;\n}\n\n");
    }
}

static void emit_type(gen *g) {
    cl_sb *b = &g->out;
    /* variable descriptions: instance slots in order */
    cl_sb_addf(b, "static const cl_mech_var _vars[%d] = {\n", g->nvar ? g->nvar : 1);
    for (int slot = 0; slot < g->nvar; slot++) {
        const char *name = NULL;
        const char *kind = "CL_VAR_ASSIGNED";
        double dflt = 0;
        int k = -1;
        for (int i = 0; i < g->nsym; i++) {
            const sym *s = &g->syms[i];
            if ((s->kind == SK_RANGE || s->kind == SK_ION) && slot >= s->slot && slot < s->slot + (s->len ? s->len : 1)) {
                name = s->name;
                k = slot - s->slot;
                if (s->is_param && s->kind != SK_ION) kind = "CL_VAR_PARAM", dflt = s->dflt;
                else if (s->is_state) kind = "CL_VAR_STATE";
            }
        }
        char nm[160];
        int dk = -1;
        for (int i = 0; i < g->nsym; i++)
            if (g->syms[i].dslot == slot) dk = i;
        if (dk >= 0) snprintf(nm, sizeof nm, "D%s", g->syms[dk].name);
        else if (slot == g->v_slot) snprintf(nm, sizeof nm, "v");
        else if (slot == g->tsav_slot) snprintf(nm, sizeof nm, "_tsav");
        else if (name && k > 0) snprintf(nm, sizeof nm, "%s[%d]", name, k);
        else snprintf(nm, sizeof nm, "%s", name ? name : "?");
        cl_sb_addf(b, "    {\"%s\", %s, %a},\n", nm, kind, dflt);
    }
    cl_sb_add(b, "};\n");
    int nglobal = g->nglob + g->nhoist + g->nkey;
    cl_sb_addf(b, "static const cl_mech_var _globals[%d] = {\n", nglobal ? nglobal : 1);
    for (int i = 0; i < g->nsym; i++) {
        const sym *s = &g->syms[i];
        if (s->kind != SK_GLOBAL) continue;
        for (int k = 0; k < (s->len ? s->len : 1); k++)
            cl_sb_addf(b, "    {\"%s\", %s, %a},\n", s->name, s->is_param ? "CL_VAR_PARAM" : "CL_VAR_ASSIGNED", s->dflt);
    }
    for (int k = 0; k < g->nhoist; k++) /* hidden: no name finds them */
        cl_sb_add(b, "    {\"\", CL_VAR_ASSIGNED, 0},\n");
    for (int k = 0; k < g->nkey; k++) /* NaN: equal to nothing, so the first entry computes */
        cl_sb_add(b, "    {\"\", CL_VAR_ASSIGNED, __builtin_nan(\"\")},\n");
    if (!nglobal) cl_sb_add(b, "    {\"\", CL_VAR_PARAM, 0},\n");
    cl_sb_add(b, "};\n");
    cl_sb_addf(b, "static const cl_ion_use _ions[%d] = {\n", g->nion ? g->nion : 1);
    for (int u = 0; u < g->nion; u++)
        cl_sb_addf(b, "    {\"%s\", %d, %a},\n", g->ions[u].name, g->ions[u].flags, g->ions[u].valence);
    if (!g->nion) cl_sb_add(b, "    {\"\", 0, 0},\n");
    cl_sb_add(b, "};\n\n");
    const char *kinds[] = {"CL_MECH_DENSITY", "CL_MECH_POINT", "CL_MECH_ARTIFICIAL"};
    int has_state = has_solve_kind(g->breakpoint, 0) || (!g->ncur && g->breakpoint);
    cl_sb_addf(b,
               "const cl_mech_type cl_mod_%s = {\n"
               "    .name = \"%s\", .kind = %s, .nvar = %d, .vars = _vars, .nion = %d, .ions = _ions,\n"
               "    .electrode_current = %d, .nweight = %d, .emits_events = %d, .nglobal = %d, .globals = _globals,\n"
               "    .init = _init, .cur = %s, .state = %s, .net_receive = %s,\n"
               "    .globals_new = %s, .globals_free = %s, .tables = %s, .net_init = %s,\n"
               "    .nwatch = %d, .watch_cond = %s,\n"
               "};\n",
               g->mname, g->mname, kinds[g->kind], g->nvar, g->nion, g->electrode,
               g->netrec ? g->netrec->kid[0]->nkid : 0, g->netrec && strstr(g->out.s, "net_event(") != NULL,
               nglobal, g->ncur ? "_cur" : "NULL", has_state ? "_state" : "NULL", g->netrec ? "_net_receive" : "NULL",
               g->ntabled ? "_tabs_new" : "NULL", g->ntabled ? "_tabs_free" : "NULL", g->ntabled ? "_tables" : "NULL",
               g->netinit ? "_net_init" : "NULL", g->nwatch, g->nwatch ? "_watch_cond" : "NULL");
}

static void gen_free(gen *g) {
    free(g->mname);
    for (int k = 0; k < g->nhoist; k++) free(g->hoist[k]);
    free(g->hoist);
    for (int k = 0; k < g->nfhoist; k++) free(g->fhoist[k]);
    free(g->fhoist);
    free(g->dmemo_n);
    for (int i = 0; i < g->nbatch; i++) free(g->batch_x[i]);
    for (int i = 0; i < g->nsplit; i++) { free(g->batch_de[i]); free(g->batch_b[i]); free(g->batch_a[i]); }
    for (int i = 0; i < g->ncur; i++) free(g->currents[i]);
    free(g->currents);
    for (int i = 0; i < g->nrange; i++) free(g->range[i]);
    free(g->range);
    for (int i = 0; i < g->nglobal_decl; i++) free(g->global[i]);
    free(g->global);
    for (int i = 0; i < g->nrandom; i++) free(g->randoms[i]);
    free(g->randoms);
    for (int u = 0; u < g->nion; u++) {
        for (int k = 0; k < g->ions[u].nread; k++) free(g->ions[u].reads[k]);
        for (int k = 0; k < g->ions[u].nwrite; k++) free(g->ions[u].writes[k]);
        free(g->ions[u].reads);
        free(g->ions[u].writes);
        free(g->ions[u].name);
    }
    for (int i = 0; i < g->nsym; i++) { free(g->syms[i].name); free(g->syms[i].cexpr); }
    free(g->syms);
    free(g->procs);
    free(g->funcs);
    free(g->derivs);
    free(g->tabled);
    free(g->watches);
    free(g->locals);
    cl_sb_free(&g->out);
}

static void add_block(const cl_ast ***list, int *n, const cl_ast *blk) {
    const cl_ast **p = realloc(*list, (size_t)(*n + 1) * sizeof *p);
    if (!p) return;
    *list = p;
    p[(*n)++] = blk;
}

static cl_status to_c(const char *text, size_t len, const char *name, const cl_ast *dflt_from, char **out,
                      char **mechname, cl_error *err);

cl_status cl_nmodl_to_c(const char *text, size_t len, const char *name, char **out, char **mechname, cl_error *err) {
    return to_c(text, len, name, NULL, out, mechname, err);
}

static cl_status to_c(const char *text, size_t len, const char *name, const cl_ast *dflt_from, char **out,
                      char **mechname, cl_error *err) {
    char perr[512];
    *out = NULL;
    if (mechname) *mechname = NULL;
    cl_ast *root = cl_nmodl_parse(text, len, name, perr, sizeof perr);
    if (!root) {
        if (err) snprintf(err->msg, sizeof err->msg, "%s", perr);
        return CL_EFORMAT;
    }
    gen g;
    memset(&g, 0, sizeof g);
    g.file = name;
    g.err = err;
    g.kind = -1;
    g.root = root;
    g.text = text;
    g.textlen = len;
    g.dflt_from = dflt_from;
    for (int i = 0; i < root->nkid && !g.failed; i++) {
        const cl_ast *blk = root->kid[i];
        if (!blk) continue;
        const char *why = unsupported_block(blk->kind);
        if (why) { fail_at(&g, blk, "%s", why); break; }
        switch (blk->kind) {
        case NK_NEURON: collect_neuron(&g, blk); break;
        case NK_PARAMETER: case NK_ASSIGNED: case NK_STATE: case NK_CONSTANT: declare(&g, blk); break;
        case NK_UNITS: units_consts(&g, blk); break;
        case NK_INITIAL: g.initial = blk; break;
        case NK_BREAKPOINT: g.breakpoint = blk; break;
        case NK_NET_RECEIVE: g.netrec = blk; break;
        case NK_PROCEDURE: add_block(&g.procs, &g.nproc, blk); break;
        case NK_FUNCTION: add_block(&g.funcs, &g.nfunc, blk); break;
        case NK_DERIVATIVE: add_block(&g.derivs, &g.nderiv, blk); break;
        default: break; /* TITLE, INDEPENDENT, UNITSON/OFF, DEFINE: nothing to emit */
        }
    }
    for (int i = 0; i < root->nkid && !g.failed; i++) { /* tables in file order (§8) */
        const cl_ast *blk = root->kid[i];
        if (blk && (blk->kind == NK_PROCEDURE || blk->kind == NK_FUNCTION) && table_of(blk))
            add_block(&g.tabled, &g.ntabled, blk);
    }
    g.usetable_slot = -1;
    if (!g.failed && g.ntabled) { /* usetable_<suffix>, GLOBAL, default 1 */
        if (find_sym(&g, "usetable")) fail_at(&g, NULL, "usetable is declared by the file, but TABLE defines it");
        sym *u = add_sym(&g, "usetable");
        if (u) { u->is_param = 1; u->dflt = 1; }
    }
    if (!g.failed && g.netrec) { /* INITIAL inside NET_RECEIVE (§9.3) */
        const cl_ast *blk = g.netrec->kid[1];
        for (int i = 0; blk && i < blk->nkid; i++)
            if (blk->kid[i] && blk->kid[i]->kind == NK_INITIAL) g.netinit = blk->kid[i];
    }
    if (!g.failed && (g.kind < 0 || !g.mname)) fail_at(&g, NULL, "no SUFFIX, POINT_PROCESS or ARTIFICIAL_CELL in the NEURON block");
    if (!g.failed && g.kind == CL_MECH_ARTIFICIAL && g.ncur) fail_at(&g, NULL, "an ARTIFICIAL_CELL cannot have currents");
    if (!g.failed) layout(&g);
    if (!g.failed && g.ntabled) g.usetable_slot = find_sym(&g, "usetable")->slot;
    if (!g.failed) {
        cl_sb *b = &g.out;
        cl_sb_addf(b, "/* generated by cellulab nmodl from %s: do not edit */\n", name);
        cl_sb_add(b, "#include <math.h>\n#include <stddef.h>\n#include <stdlib.h>\n#include \"cellulab_mech.h\"\n"
                     "#pragma GCC diagnostic ignored \"-Wunused-variable\"\n"
                     "#pragma GCC diagnostic ignored \"-Wunused-parameter\"\n"
                     "#pragma GCC diagnostic ignored \"-Wunused-but-set-variable\"\n"
                     "/* NEURON's hoc_Exp (docs/nmodl-lowering.md §1), inline where the context allows */\n"
                     "#define exp(x) cl_hoc_exp_c(_c, (x))\n"
                     "/* the hoisted constants (set at every entry: celsius and GLOBALs may change between) */\n"
                     "static inline void _hoist(const cl_mech_ctx *_c, double *_g);\n\n");
        g.batch_deriv = cnexp_batch_of(&g);
        g.dmemo_n = calloc((size_t)g.nderiv + 1, sizeof(int));
        if (!g.dmemo_n) g.failed = 1;
        emit_functions(&g);
        if (!g.failed) kin_emit(&g);
        emit_wrappers(&g);
        if (!g.failed) {
            /* the hoisted values, then the inputs they were made from
             * (hidden slots, NaN at first): recomputed when an input
             * changed (celsius, dt, a GLOBAL set between runs) */
            cl_sb_add(b, "static inline void _hoist(const cl_mech_ctx *_c, double *_g) {\n    (void)_c; (void)_g;\n");
            if (g.nhoist) {
                int key = g.nglob + g.nhoist, nk = 0;
                cl_sb keys = {0}, sets = {0};
                if (g.key_celsius) {
                    cl_sb_addf(&keys, " && _g[%d] == _c->celsius", key + nk);
                    cl_sb_addf(&sets, "    _g[%d] = _c->celsius;\n", key + nk++);
                }
                if (g.key_dt) {
                    cl_sb_addf(&keys, " && _g[%d] == _c->dt", key + nk);
                    cl_sb_addf(&sets, "    _g[%d] = _c->dt;\n", key + nk++);
                }
                for (int m = 0; m < g.nkey_gslot; m++) {
                    cl_sb_addf(&keys, " && _g[%d] == _g[%d]", key + nk, g.key_gslot[m]);
                    cl_sb_addf(&sets, "    _g[%d] = _g[%d];\n", key + nk++, g.key_gslot[m]);
                }
                g.nkey = nk;
                if (nk) cl_sb_addf(b, "    if (1%s) return;\n", keys.s);
                for (int k = 0; k < g.nhoist; k++) cl_sb_addf(b, "    _g[%d] = %s;\n", g.nglob + k, g.hoist[k]);
                if (sets.s) cl_sb_add(b, sets.s);
                if (keys.oom || sets.oom) g.failed = 1;
                free(keys.s);
                free(sets.s);
            }
            cl_sb_add(b, "}\n\n");
            emit_type(&g);
        }
        if (b->oom) { g.failed = 1; if (err) snprintf(err->msg, sizeof err->msg, "%s: out of memory", name); }
    }
    cl_status st = CL_OK;
    if (g.failed) {
        st = CL_EINVAL;
    } else {
        *out = g.out.s;
        g.out.s = NULL;
        if (mechname) *mechname = cl_strdup(g.mname);
    }
    gen_free(&g);
    cl_ast_free(root);
    return st;
}

static int write_text(FILE *f, void *ctx) { return fputs(ctx, f) < 0 ? -1 : 0; }

cl_status cl_nmodl_translate_named(const char *mod_path, const char *c_path, char **mechname, cl_error *err) {
    return cl_nmodl_translate_defaults(mod_path, NULL, c_path, mechname, err);
}

cl_status cl_nmodl_translate_defaults(const char *mod_path, const char *defaults_path, const char *c_path,
                                      char **mechname, cl_error *err) {
    cl_ast *dflt = NULL;
    if (defaults_path) {
        char perr[512];
        dflt = cl_nmodl_parse_file(defaults_path, perr, sizeof perr);
        if (!dflt) {
            if (err) snprintf(err->msg, sizeof err->msg, "%s", perr);
            return CL_EFORMAT;
        }
    }
    FILE *f = fopen(mod_path, "rb");
    if (!f) {
        if (err) snprintf(err->msg, sizeof err->msg, "%s: cannot open: %s", mod_path, strerror(errno));
        cl_ast_free(dflt);
        return CL_EIO;
    }
    cl_sb text = {0};
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf - 1, f)) > 0) {
        buf[n] = '\0';
        if (memchr(buf, '\0', n)) { fclose(f); cl_sb_free(&text); cl_ast_free(dflt); if (err) snprintf(err->msg, sizeof err->msg, "%s: not a text file", mod_path); return CL_EFORMAT; }
        cl_sb_add(&text, buf);
    }
    fclose(f);
    char *c = NULL;
    cl_status st = to_c(text.s ? text.s : "", text.n, mod_path, dflt, &c, mechname, err);
    cl_sb_free(&text);
    cl_ast_free(dflt);
    if (st != CL_OK) return st;
    char emsg[600];
    if (cl_write_file_atomic(c_path, write_text, c, emsg, sizeof emsg) != 0) {
        if (err) snprintf(err->msg, sizeof err->msg, "%.500s", emsg);
        st = CL_EIO;
    }
    free(c);
    return st;
}

cl_status cl_nmodl_translate(const char *mod_path, const char *c_path, cl_error *err) {
    char *name = NULL;
    cl_status st = cl_nmodl_translate_named(mod_path, c_path, &name, err);
    free(name);
    return st;
}
