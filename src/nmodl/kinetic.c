/* KINETIC blocks solved by sparse, STEADYSTATE sparse and LINEAR blocks,
 * with the arithmetic of NEURON 8.2.2's nocmodl + scopmath
 * (docs/nmodl-lowering.md §6).
 *
 * The matrix structure of a KINETIC block is static, so the minimum-degree
 * pivot order of scopmath's sparse solver (§6.4) is computed here, at
 * translation time, and the elimination (§6.5) is emitted as straight-line
 * code over a dense n x n array (only the structure's elements are ever
 * read). emit.c supplies the expression and statement printers (hooks). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nmodl/nmodl.h"
#include "util/util.h"

#define PRELUDE                                                                                    \
    "    double **_p = _b->var; double *_g = _b->global; double *_w = NULL; (void)_p; (void)_g; " \
    "(void)_w;\n"

typedef struct kin {
    const cl_kin_hooks *h;
    int n, ncons;
    const char **st;      /* state name by varnum */
    unsigned char *S;     /* n*n structure */
    int lin;              /* _linmat1 */
    int failed;
} kin;

static void kfail(kin *k, const cl_ast *n, const char *msg) {
    if (!k->failed) k->h->fail(k->h->g, n, msg);
    k->failed = 1;
}

static int varnum(const kin *k, const char *name) {
    for (int i = 0; i < k->n; i++)
        if (strcmp(k->st[i], name) == 0) return i;
    return -1;
}

/* ---- §6.1 numbering ------------------------------------------------------- */

/* First position (line, col) where name occurs in the tree. */
static void first_pos(const cl_ast *n, const char *name, long *best) {
    if (!n) return;
    if (n->name && strcmp(n->name, name) == 0 && n->kind != NK_KINETIC && n->kind != NK_LINEAR &&
        n->kind != NK_PROCEDURE && n->kind != NK_FUNCTION && n->kind != NK_DERIVATIVE) {
        long pos = (long)n->line * 100000L + n->col;
        if (*best < 0 || pos < *best) *best = pos;
    }
    for (int i = 0; i < n->nkid; i++) first_pos(n->kid[i], name, best);
}

static int add_state(kin *k, const char *name) {
    if (varnum(k, name) >= 0) return 0;
    const char **p = realloc(k->st, (size_t)(k->n + 1) * sizeof *p);
    if (!p) return -1;
    k->st = p;
    p[k->n++] = name;
    return 0;
}

typedef struct cand { const char *name; long pos; } cand;

static int cand_cmp(const void *a, const void *b) {
    const cand *x = a, *y = b;
    unsigned char cx = (unsigned char)x->name[0], cy = (unsigned char)y->name[0];
    if (cx != cy) return cx < cy ? -1 : 1;
    /* most recently installed first */
    return x->pos > y->pos ? -1 : x->pos < y->pos ? 1 : 0;
}

static void number_states(kin *k, const cl_ast *root, const cl_ast *blk) {
    const cl_kin_hooks *h = k->h;
    /* CONSERVE in reverse source order, its terms in reverse */
    for (int i = blk->nkid - 1; i >= 0; i--) {
        const cl_ast *s = blk->kid[i];
        if (!s || s->kind != NK_CONSERVE) continue;
        k->ncons++;
        const cl_ast *r = s->kid[0];
        int got = 0;
        for (int j = r->nkid - 1; j >= 0 && !got; j--) {
            const cl_ast *t = r->kid[j];
            if (t->nkid) { kfail(k, t, "array states in CONSERVE are not supported"); return; }
            if (h->is_state(h->g, t->name) && varnum(k, t->name) < 0) {
                add_state(k, t->name);
                got = 1;
            }
        }
        if (!got) { kfail(k, s, "CONSERVE has no state left to solve for (nocmodl refuses it too)"); return; }
    }
    /* the other states used in reactions and CONSERVE, in symbol-table order */
    cand *c = NULL;
    int nc = 0;
    for (int i = 0; i < blk->nkid; i++) {
        const cl_ast *s = blk->kid[i];
        if (!s || (s->kind != NK_REACTION && s->kind != NK_CONSERVE)) continue;
        int sides = s->kind == NK_REACTION ? 2 : 1;
        for (int side = 0; side < sides; side++) {
            const cl_ast *r = s->kid[side];
            for (int j = 0; r && j < r->nkid; j++) {
                const cl_ast *t = r->kid[j];
                if (t->nkid) { kfail(k, t, "array states in KINETIC blocks are not supported"); free(c); return; }
                if (t->flag) { kfail(k, t, "derivatives in reactions are not supported"); free(c); return; }
                if (!h->is_state(h->g, t->name) || varnum(k, t->name) >= 0) continue;
                int dup = 0;
                for (int q = 0; q < nc; q++)
                    if (strcmp(c[q].name, t->name) == 0) dup = 1;
                if (dup) continue;
                cand *nc2 = realloc(c, (size_t)(nc + 1) * sizeof *c);
                if (!nc2) { free(c); k->failed = 1; return; }
                c = nc2;
                c[nc].name = t->name;
                c[nc].pos = -1;
                first_pos(root, t->name, &c[nc].pos);
                nc++;
            }
        }
    }
    qsort(c, (size_t)nc, sizeof *c, cand_cmp);
    for (int q = 0; q < nc; q++) add_state(k, c[q].name);
    free(c);
}

/* ---- emission helpers ------------------------------------------------------- */

static void ref(kin *k, cl_sb *b, const char *name) { k->h->name(k->h->g, b, name); }

static void mat(kin *k, cl_sb *b, int r, int c, const char *op) {
    k->S[r * k->n + c] = 1;
    cl_sb_addf(b, "    _A[%d] %s ", r * k->n + c, op);
}

static const cl_ast *kid_or_null(const cl_ast *n, int i) { return n && i < n->nkid ? n->kid[i] : NULL; }

/* f_flux / b_flux = k * Tn * ... * T1 (reverse order, each term n times) */
static void flux_text(kin *k, cl_sb *b, const char *which, const cl_ast *rate, const cl_ast *side) {
    cl_sb_addf(b, "    %s =  ", which);
    k->h->expr(k->h->g, b, rate);
    for (int j = side->nkid - 1; j >= 0; j--)
        for (int m = 0; m < (int)side->kid[j]->num; m++) {
            cl_sb_add(b, " * ");
            ref(k, b, side->kid[j]->name);
        }
    cl_sb_add(b, " ;\n");
}

static int stoich(const cl_ast *t) { return (int)t->num; }

static void reaction(kin *k, const cl_ast *s) {
    cl_sb *b = k->h->out;
    const cl_ast *L = s->kid[0], *R = kid_or_null(s, 1), *kf = kid_or_null(s, 2), *kb = kid_or_null(s, 3);
    for (int j = 0; j < L->nkid; j++)
        if (L->kid[j]->num < 1 || L->kid[j]->num != (int)L->kid[j]->num) { kfail(k, s, "stoichiometry must be a positive integer"); return; }
    for (int j = 0; R && j < R->nkid; j++)
        if (R->kid[j]->num < 1 || R->kid[j]->num != (int)R->kid[j]->num) { kfail(k, s, "stoichiometry must be a positive integer"); return; }
    if (s->op == OP_FLUX) {
        const cl_ast *t = L->kid[0];
        int v = varnum(k, t->name);
        if (v < 0) { kfail(k, s, "a flux (<<) on a name that is not a STATE of the block"); return; }
        if (v < k->ncons) { kfail(k, s, "a flux (<<) on a conserved state (nocmodl refuses it)"); return; }
        cl_sb_addf(b, "    f_flux = b_flux = 0.;\n    _rhs[%d] += (b_flux = ( ", v);
        k->h->expr(k->h->g, b, kf);
        cl_sb_add(b, " ) );\n");
        return;
    }
    if (s->op == OP_REACT1) {
        /* as a reaction with no right side; the rate keeps its parentheses */
        cl_sb_add(b, "    f_flux =  ( ");
        k->h->expr(k->h->g, b, kf);
        cl_sb_add(b, " )");
        for (int j = L->nkid - 1; j >= 0; j--)
            for (int m = 0; m < stoich(L->kid[j]); m++) {
                cl_sb_add(b, " * ");
                ref(k, b, L->kid[j]->name);
            }
        cl_sb_add(b, " ;\n    b_flux = 0. ;\n");
        for (int j = L->nkid - 1; j >= 0; j--) {
            const cl_ast *t = L->kid[j];
            int v = varnum(k, t->name);
            if (v < k->ncons) continue;
            cl_sb_addf(b, "    _rhs[%d] -= ", v);
            if (stoich(t) > 1) cl_sb_addf(b, "%d.0 * ", stoich(t));
            cl_sb_add(b, "(f_flux - b_flux);\n");
        }
        for (int j = L->nkid - 1; j >= 0; j--) {
            const cl_ast *t = L->kid[j];
            int vt = varnum(k, t->name);
            if (vt < 0) continue;
            cl_sb_add(b, "    _term =  ( ");
            k->h->expr(k->h->g, b, kf);
            cl_sb_add(b, " )");
            if (stoich(t) > 1) cl_sb_addf(b, " * %d", stoich(t));
            for (int q = L->nkid - 1; q >= 0; q--) {
                const cl_ast *u = L->kid[q];
                int cnt = u == t ? stoich(u) - 1 : stoich(u);
                for (int m = 0; m < cnt; m++) {
                    cl_sb_add(b, " * ");
                    ref(k, b, u->name);
                    if (varnum(k, u->name) >= 0) k->lin = 0;
                }
            }
            cl_sb_add(b, " ;\n");
            for (int q = L->nkid - 1; q >= 0; q--) {
                const cl_ast *u = L->kid[q];
                int vu = varnum(k, u->name);
                if (vu < k->ncons) continue;
                mat(k, b, vu, vt, "+=");
                if (stoich(u) > 1) cl_sb_addf(b, "%d * ", stoich(u));
                cl_sb_add(b, " _term;\n");
            }
        }
        return;
    }
    /* <-> */
    flux_text(k, b, "f_flux", kf, L);
    flux_text(k, b, "b_flux", kb, R);
    const cl_ast *sides[2] = {L, R};
    for (int sd = 0; sd < 2; sd++)
        for (int j = sides[sd]->nkid - 1; j >= 0; j--) {
            const cl_ast *t = sides[sd]->kid[j];
            int v = varnum(k, t->name);
            if (v < k->ncons) continue;
            cl_sb_addf(b, "    _rhs[%d] %s ", v, sd ? "+=" : "-=");
            if (stoich(t) > 1) cl_sb_addf(b, "%d.0 * ", stoich(t));
            cl_sb_add(b, "(f_flux - b_flux);\n");
        }
    for (int sd = 0; sd < 2; sd++) {
        const cl_ast *side = sides[sd];
        for (int j = side->nkid - 1; j >= 0; j--) {
            const cl_ast *t = side->kid[j];
            int vt = varnum(k, t->name);
            if (vt < 0) continue;
            cl_sb_add(b, "    _term =  ");
            k->h->expr(k->h->g, b, sd ? kb : kf);
            if (stoich(t) > 1) cl_sb_addf(b, " * %d", stoich(t));
            for (int q = side->nkid - 1; q >= 0; q--) {
                const cl_ast *u = side->kid[q];
                int cnt = u == t ? stoich(u) - 1 : stoich(u);
                for (int m = 0; m < cnt; m++) {
                    cl_sb_add(b, " * ");
                    ref(k, b, u->name);
                    if (varnum(k, u->name) >= 0) k->lin = 0;
                }
            }
            cl_sb_add(b, " ;\n");
            for (int s2 = 0; s2 < 2; s2++)
                for (int q = sides[s2]->nkid - 1; q >= 0; q--) {
                    const cl_ast *u = sides[s2]->kid[q];
                    int vu = varnum(k, u->name);
                    if (vu < k->ncons) continue;
                    mat(k, b, vu, vt, (s2 == sd) ? "+=" : "-=");
                    if (stoich(u) > 1) cl_sb_addf(b, "%d * ", stoich(u));
                    cl_sb_add(b, " _term;\n");
                }
        }
    }
}

/* COMPARTMENT volume of a state, or NULL. */
static const cl_ast *volume_of(const cl_ast *blk, const char *name) {
    for (int i = 0; i < blk->nkid; i++) {
        const cl_ast *s = blk->kid[i];
        if (!s || s->kind != NK_COMPARTMENT) continue;
        const cl_ast *names = s->kid[2];
        for (int j = 0; names && j < names->nkid; j++)
            if (strcmp(names->kid[j]->name, name) == 0) return s->kid[1];
    }
    return NULL;
}

static void conserve_rows(kin *k, const cl_ast *blk) {
    cl_sb *b = k->h->out;
    int e = 0;
    for (int i = blk->nkid - 1; i >= 0; i--, (void)0) {
        const cl_ast *s = blk->kid[i];
        if (!s || s->kind != NK_CONSERVE) continue;
        cl_sb_addf(b, "    _rhs[%d] = ", e);
        k->h->expr(k->h->g, b, s->kid[1]);
        cl_sb_add(b, ";\n");
        const cl_ast *r = s->kid[0];
        for (int j = r->nkid - 1; j >= 0; j--) {
            const cl_ast *t = r->kid[j];
            int v = varnum(k, t->name);
            const cl_ast *V = volume_of(blk, t->name);
            if (v >= 0) {
                mat(k, b, e, v, "=");
                cl_sb_addf(b, "%d", stoich(t));
                if (V) { cl_sb_add(b, " * ( "); k->h->expr(k->h->g, b, V); cl_sb_add(b, ")"); }
                cl_sb_add(b, ";\n");
            }
            cl_sb_addf(b, "    _rhs[%d] -= ", e);
            ref(k, b, t->name);
            if (V) { cl_sb_add(b, " * ( "); k->h->expr(k->h->g, b, V); cl_sb_add(b, ")"); }
            if (stoich(t) > 1) cl_sb_addf(b, " * %d", stoich(t));
            cl_sb_add(b, " ;\n");
        }
        e++;
    }
}

/* ---- §6.4 minimum-degree order ----------------------------------------------- */

static void l_remove(int *L, int *nl, int r) {
    for (int i = 0; i < *nl; i++)
        if (L[i] == r) {
            memmove(L + i, L + i + 1, (size_t)(*nl - i - 1) * sizeof *L);
            (*nl)--;
            return;
        }
}

static void l_insert(int *L, int *nl, const int *cnt, int r) {
    int pos = *nl;
    for (int i = 0; i < *nl; i++)
        if (cnt[L[i]] >= cnt[r]) { pos = i; break; }
    memmove(L + pos + 1, L + pos, (size_t)(*nl - pos) * sizeof *L);
    L[pos] = r;
    (*nl)++;
}

static int *min_order(kin *k) {
    int n = k->n;
    unsigned char *S = k->S;
    for (int i = 0; i < n; i++) S[i * n + i] = 1;
    int *cnt = calloc((size_t)n, sizeof *cnt), *L = calloc((size_t)n, sizeof *L), *P = calloc((size_t)n, sizeof *P);
    unsigned char *done = calloc((size_t)n, 1);
    if (!cnt || !L || !P || !done) { free(cnt); free(L); free(P); free(done); return NULL; }
    int nl = 0;
    for (int r = 0; r < n; r++)
        for (int c = 0; c < n; c++) cnt[r] += S[r * n + c];
    for (int r = 0; r < n; r++) l_insert(L, &nl, cnt, r);
    for (int step = 0; step < n; step++) {
        int p = L[0];
        P[step] = p;
        done[p] = 1;
        for (int r = 0; r < n; r++) {
            if (done[r] || !S[r * n + p]) continue;
            for (int c = 0; c < n; c++) {
                if (done[c] || !S[p * n + c] || S[r * n + c]) continue;
                S[r * n + c] = 1;
                l_remove(L, &nl, r);
                cnt[r]++;
                l_insert(L, &nl, cnt, r);
            }
            l_remove(L, &nl, r);
            cnt[r]--;
            l_insert(L, &nl, cnt, r);
        }
        l_remove(L, &nl, p);
    }
    free(cnt);
    free(L);
    free(done);
    return P;
}

/* ---- KINETIC -------------------------------------------------------------------- */

static const cl_ast *find_reaction(const cl_ast *n) {
    if (!n) return NULL;
    if (n->kind == NK_REACTION || n->kind == NK_CONSERVE || n->kind == NK_COMPARTMENT) return n;
    for (int i = 0; i < n->nkid; i++) {
        const cl_ast *r = find_reaction(n->kid[i]);
        if (r) return r;
    }
    return NULL;
}

int cl_kin_emit_kinetic(const cl_kin_hooks *h, const cl_ast *root, const cl_ast *kb) {
    kin k = {.h = h, .lin = 1};
    const cl_ast *blk = kb->kid[0];
    cl_sb *b = h->out;
    if (kb->nkid > 1 && kb->kid[1]) { h->fail(h->g, kb, "KINETIC ... SOLVEFOR is not supported"); return -1; }
    for (int i = 0; i < blk->nkid; i++) {
        const cl_ast *t = blk->kid[i];
        int top = t && (t->kind == NK_REACTION || t->kind == NK_CONSERVE || t->kind == NK_COMPARTMENT);
        const cl_ast *nested = top ? NULL : find_reaction(t);
        if (nested) {
            h->fail(h->g, nested, "reactions and CONSERVE inside if/while/FROM are not supported (the sparse "
                                  "solver needs the same matrix elements on every call)");
            return -1;
        }
    }
    number_states(&k, root, blk);
    if (!k.failed && k.n == 0) kfail(&k, kb, "a KINETIC block without reactions");
    if (k.failed) { free(k.st); return -1; }
    int n = k.n;
    k.S = calloc((size_t)n * (size_t)n, 1);
    if (!k.S) { free(k.st); return -1; }
    /* the block: fills _A and _rhs (§6.2) */
    cl_sb_addf(b, "static void _kb_%s(cl_mech_block *_b, int _i, const cl_mech_ctx *_c, double _dt, double *_A, "
                  "double *_rhs, const double *_sold) {\n" PRELUDE, kb->name);
    cl_sb_add(b, "    double b_flux, f_flux, _term; (void)b_flux; (void)f_flux; (void)_term;\n");
    cl_sb_add(b, "    { double _dt1 = 1.0/_dt;\n");
    for (int i = k.ncons; i < n; i++) {
        cl_sb_addf(b, "    _rhs[%d] = -_dt1*(", i);
        ref(&k, b, k.st[i]);
        cl_sb_addf(b, " - _sold[%d]);\n", i);
        mat(&k, b, i, i, "=");
        cl_sb_add(b, "_dt1;\n");
    }
    cl_sb_add(b, "    }\n");
    for (int i = k.ncons; i < n; i++) {
        const cl_ast *V = volume_of(blk, k.st[i]);
        if (!V) continue;
        cl_sb_addf(b, "    _rhs[%d] *= ( ", i);
        h->expr(h->g, b, V);
        cl_sb_add(b, ");\n");
        mat(&k, b, i, i, "*= (");
        h->expr(h->g, b, V);
        cl_sb_add(b, ");\n");
    }
    int last = -1;
    for (int i = 0; i < blk->nkid; i++)
        if (blk->kid[i] && blk->kid[i]->kind == NK_REACTION) last = i;
    int mark = h->locals_mark(h->g);
    for (int i = 0; i < blk->nkid && !k.failed; i++) {
        const cl_ast *s = blk->kid[i];
        if (!s) continue;
        if (s->kind == NK_REACTION) reaction(&k, s);
        else if (s->kind == NK_CONSERVE || s->kind == NK_COMPARTMENT) { /* placed by the rules */ }
        else if (!h->stmt(h->g, s, 1)) k.failed = 1;
        if (i == last && !k.failed) conserve_rows(&k, blk);
    }
    h->locals_reset(h->g, mark);
    cl_sb_add(b, "}\n\n");
    int *P = k.failed ? NULL : min_order(&k);
    if (!P) { free(k.S); free(k.st); if (!k.failed) h->fail(h->g, kb, "out of memory"); return -1; }
    int *rank = calloc((size_t)n, sizeof *rank);
    if (!rank) { free(P); free(k.S); free(k.st); return -1; }
    for (int i = 0; i < n; i++) rank[P[i]] = i;
    /* the solve (§6.3, §6.5): returns 0, or 1 SINGULAR, 2 EXCEED_ITERS */
    cl_sb_addf(b, "__attribute__((unused)) static int _k_%s(cl_mech_block *_b, int _i, const cl_mech_ctx *_c, double _dt, int _linflag) {\n"
                  PRELUDE, kb->name);
    cl_sb_addf(b, "    double _A[%d], _rhs[%d], _sold[%d], _m, _err;\n    int _j;\n    (void)_m;\n", n * n, n, n);
    for (int i = 0; i < n; i++) {
        cl_sb_addf(b, "    _sold[%d] = ", i);
        ref(&k, b, k.st[i]);
        cl_sb_add(b, ";\n");
    }
    cl_sb_add(b, "    for (_err = 1, _j = 0; _err > 1e-6; _j++) {\n");
    cl_sb_addf(b, "        for (int _z = 0; _z < %d; _z++) _A[_z] = 0.0;\n", n * n);
    cl_sb_addf(b, "        _kb_%s(_b, _i, _c, _dt, _A, _rhs, _sold);\n", kb->name);
    for (int s = 0; s < n; s++) {
        int p = P[s];
        cl_sb_addf(b, "        if (fabs(_A[%d]) <= 1e-20) return 1;\n", p * n + p);
        for (int r = 0; r < n; r++) {
            if (rank[r] <= s || !k.S[r * n + p]) continue;
            cl_sb_addf(b, "        _m = _A[%d] / _A[%d];\n", r * n + p, p * n + p);
            cl_sb_addf(b, "        _rhs[%d] -= _rhs[%d] * _m;\n", r, p);
            for (int c = 0; c < n; c++)
                if (rank[c] > s && k.S[p * n + c])
                    cl_sb_addf(b, "        _A[%d] -= _A[%d] * _m;\n", r * n + c, p * n + c);
        }
    }
    for (int s = n - 1; s >= 0; s--) {
        int p = P[s];
        for (int s2 = s + 1; s2 < n; s2++) {
            int c = P[s2];
            if (k.S[p * n + c]) cl_sb_addf(b, "        _rhs[%d] -= _A[%d] * _rhs[%d];\n", p, p * n + c, c);
        }
        cl_sb_addf(b, "        _rhs[%d] /= _A[%d];\n", p, p * n + p);
    }
    cl_sb_add(b, "        _err = 0.;\n");
    for (int i = 0; i < n; i++) {
        cl_sb_add(b, "        ");
        ref(&k, b, k.st[i]);
        cl_sb_addf(b, " += _rhs[%d];\n", i);
        cl_sb_add(b, "        if (!_linflag && ");
        ref(&k, b, k.st[i]);
        cl_sb_add(b, " < 0.) ");
        ref(&k, b, k.st[i]);
        cl_sb_add(b, " = 0.;\n");
        cl_sb_addf(b, "        _err += fabs(_rhs[%d]);\n", i);
    }
    cl_sb_add(b, "        if (_j > 20) return 2;\n        if (_linflag) break;\n    }\n");
    cl_sb_addf(b, "    for (int _z = 0; _z < %d; _z++) _A[_z] = 0.0;\n", n * n);
    cl_sb_addf(b, "    _kb_%s(_b, _i, _c, _dt, _A, _rhs, _sold);\n", kb->name);
    cl_sb_add(b, "    return 0;\n}\n\n");
    /* STEADYSTATE sparse (§6.6): dt = 1e9 */
    cl_sb_addf(b, "static const int _linmat_%s = %d;\n", kb->name, k.lin);
    cl_sb_addf(b, "__attribute__((unused)) static int _kss_%s(cl_mech_block *_b, int _i, const cl_mech_ctx *_c) {\n" PRELUDE, kb->name);
    if (k.lin) {
        cl_sb_addf(b, "    return _k_%s(_b, _i, _c, 1e9, 0);\n}\n\n", kb->name);
    } else {
        cl_sb_addf(b, "    for (int _it = 0; _it < 7; _it++) {\n"
                      "        int _e = _k_%s(_b, _i, _c, 1e9, 1), _neg = 0;\n"
                      "        if (_e) return _e;\n", kb->name);
        for (int i = 0; i < n; i++) {
            cl_sb_add(b, "        if (");
            ref(&k, b, k.st[i]);
            cl_sb_add(b, " < -1e-6) { ");
            ref(&k, b, k.st[i]);
            cl_sb_add(b, " = 0.; _neg = 1; }\n");
        }
        cl_sb_addf(b, "        if (!_neg) return _k_%s(_b, _i, _c, 1e9, 0);\n    }\n    return 2;\n}\n\n", kb->name);
    }
    free(rank);
    free(P);
    free(k.S);
    free(k.st);
    return 0;
}

/* ---- LINEAR (§6.7) ----------------------------------------------------------- */

typedef struct lin {
    const cl_kin_hooks *h;
    const char **un;
    int n;
    int failed;
} lin;

static int lin_col(const lin *l, const char *name) {
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->un[i], name) == 0) return i;
    return -1;
}

static void collect_unknowns(lin *l, const cl_ast *n) {
    if (!n || l->failed) return;
    if (n->kind == NK_NAME && l->h->is_state(l->h->g, n->name) && lin_col(l, n->name) < 0) {
        const char **p = realloc(l->un, (size_t)(l->n + 1) * sizeof *p);
        if (!p) { l->failed = 1; return; }
        l->un = p;
        p[l->n++] = n->name;
    }
    for (int i = 0; i < n->nkid; i++) collect_unknowns(l, n->kid[i]);
}

static int count_states(const lin *l, const cl_ast *n) {
    if (!n) return 0;
    int c = n->kind == NK_NAME && lin_col(l, n->name) >= 0;
    for (int i = 0; i < n->nkid; i++) c += count_states(l, n->kid[i]);
    return c;
}

/* The state that is a factor of the product/quotient term (at its top level), or NULL. */
static const cl_ast *factor_state(const lin *l, const cl_ast *t) {
    if (t->kind == NK_NAME && lin_col(l, t->name) >= 0) return t;
    if (t->kind == NK_BINARY && t->op == OP_MUL) {
        const cl_ast *a = factor_state(l, t->kid[0]);
        return a ? a : factor_state(l, t->kid[1]);
    }
    if (t->kind == NK_BINARY && t->op == OP_DIV) return factor_state(l, t->kid[0]);
    return NULL;
}

static void term_text(const lin *l, cl_sb *b, const cl_ast *t, const cl_ast *st) {
    if (t == st) { cl_sb_add(b, "1.0"); return; }
    if (t->kind == NK_BINARY && (t->op == OP_MUL || t->op == OP_DIV)) {
        term_text(l, b, t->kid[0], st);
        cl_sb_add(b, t->op == OP_MUL ? " * " : " / ");
        term_text(l, b, t->kid[1], st);
        return;
    }
    l->h->expr(l->h->g, b, t);
}

/* side: 0 left of '=', 1 right; sign: +1 or -1 */
static void lin_terms(lin *l, const cl_ast *e, int side, int sign) {
    if (l->failed) return;
    if (e->kind == NK_BINARY && (e->op == OP_ADD || e->op == OP_SUB)) {
        lin_terms(l, e->kid[0], side, sign);
        lin_terms(l, e->kid[1], side, e->op == OP_SUB ? -sign : sign);
        return;
    }
    if (e->kind == NK_UNARY && e->op == OP_NEG) { lin_terms(l, e->kid[0], side, -sign); return; }
    cl_sb *b = l->h->out;
    int ns = count_states(l, e);
    const cl_ast *st = ns == 1 ? factor_state(l, e) : NULL;
    if (ns > 1 || (ns == 1 && !st)) {
        l->h->fail(l->h->g, e, "a LINEAR equation term must be linear in one state (state * expression)");
        l->failed = 1;
        return;
    }
    /* a state term on the left subtracts; a constant term on the left adds */
    int minus = (side == 0) == (sign > 0);
    if (st) cl_sb_addf(b, "    _coef[%d * _counte + %d] %s ", l->n + 1, lin_col(l, st->name), minus ? "-=" : "+=");
    else cl_sb_addf(b, "    _coef[%d * _counte + %d] %s ", l->n + 1, l->n, minus ? "+=" : "-=");
    term_text(l, b, e, st);
    cl_sb_add(b, " ;\n");
}

int cl_kin_emit_linear(const cl_kin_hooks *h, const cl_ast *lb) {
    lin l = {.h = h};
    const cl_ast *blk = lb->kid[0];
    cl_sb *b = h->out;
    if (lb->nkid > 1 && lb->kid[1]) { h->fail(h->g, lb, "LINEAR ... SOLVEFOR is not supported"); return -1; }
    int neq = 0;
    for (int i = 0; i < blk->nkid; i++) {
        const cl_ast *s = blk->kid[i];
        if (!s || s->kind != NK_LINEQ) continue;
        if (s->flag) { h->fail(h->g, s, "'~+' in a LINEAR block is not supported"); free(l.un); return -1; }
        neq++;
        collect_unknowns(&l, s);
    }
    if (l.failed) { free(l.un); return -1; }
    if (neq != l.n || l.n == 0) {
        h->fail(h->g, lb, "a LINEAR block needs as many equations as states (unknowns)");
        free(l.un);
        return -1;
    }
    int n = l.n;
    cl_sb_addf(b, "__attribute__((unused)) static int _lin_%s(cl_mech_block *_b, int _i, const cl_mech_ctx *_c) {\n" PRELUDE, lb->name);
    cl_sb_addf(b, "    double _coef[%d], _x[%d];\n    int _counte = -1, _e;\n", n * (n + 1), n);
    cl_sb_addf(b, "    for (int _z = 0; _z < %d; _z++) _coef[_z] = 0.0;\n", n * (n + 1));
    int mark = h->locals_mark(h->g);
    for (int i = 0; i < blk->nkid && !l.failed; i++) {
        const cl_ast *s = blk->kid[i];
        if (!s) continue;
        if (s->kind == NK_LINEQ) {
            cl_sb_add(b, "    ++_counte;\n");
            lin_terms(&l, s->kid[0], 0, 1);
            lin_terms(&l, s->kid[1], 1, 1);
        } else if (!h->stmt(h->g, s, 1)) {
            l.failed = 1;
        }
    }
    h->locals_reset(h->g, mark);
    cl_sb_addf(b, "    _e = cl_simeq(%d, _coef, _x);\n    if (_e) return _e;\n", n);
    for (int i = 0; i < n; i++) {
        cl_sb_add(b, "    ");
        h->name(h->g, b, l.un[i]);
        cl_sb_addf(b, " = _x[%d];\n", i);
    }
    cl_sb_add(b, "    return 0;\n}\n\n");
    free(l.un);
    return l.failed ? -1 : 0;
}
