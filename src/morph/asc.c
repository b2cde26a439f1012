/* Neurolucida ASC reader.
 *
 * One pass over the tokens with an explicit stack of open forms, so nesting
 * depth costs heap, not C stack (capped at ASC_MAX_DEPTH). Each '(' is
 * classified by the token after it: in a tree, a number starts a point and
 * another '(' (or '|') starts a branch group "( alt | alt ... )"; words and
 * strings start annotations, which are skipped whole. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* newlocale, uselocale */
#endif
#include "morph/asc.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ASC_MAX_DEPTH 10000
#define ASC_MAX_NUMLEN 127

typedef enum tok_kind {
    T_EOF, T_LP, T_RP, T_BAR, T_COMMA, T_LT, T_GT, T_NUM, T_STR, T_WORD
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *s; /* text; for T_STR the part inside the quotes */
    size_t len;
    size_t line, col;
    double num;
    int num_ok; /* T_NUM: the whole token is one finite number */
} token;

typedef enum frame_kind {
    F_TOP_PENDING,     /* top-level '(' not yet classified */
    F_CONTOUR,         /* a CellBody contour */
    F_CONTOUR_PENDING, /* '(' inside a contour */
    F_ROOT,            /* a tree's outermost form: the root branch */
    F_GROUP,           /* "( alt | alt ... )"; always has an F_ALT above it */
    F_ALT,             /* one alternative of a group: a child branch */
    F_BRANCH_PENDING,  /* '(' inside a branch */
    F_POINT,
    F_SKIP,            /* an annotation in parentheses */
    F_SPINE            /* "<( ... )>" */
} frame_kind;

enum {
    FL_GROUP = 1, /* a branch group has been closed in this branch */
    FL_STRING = 2 /* the tree form holds a bare string: maybe a text label */
};

typedef struct frame {
    frame_kind kind;
    int nnum;
    int flags;
    size_t line, col;
    size_t branch; /* F_ROOT/F_ALT: own branch; F_GROUP: the parent branch */
    double v[4];
} frame;

typedef struct parser {
    const char *name;
    char *err;
    size_t errlen;
    const char *p, *end;
    size_t line, col;
    cl_asc_morph *m;
    frame *st;
    size_t depth, cap;
} parser;

static int perr(parser *P, size_t line, size_t col, const char *fmt, ...) {
    if (P->err && P->errlen) {
        int k = snprintf(P->err, P->errlen, "%s:%zu:%zu: ", P->name, line, col);
        if (k >= 0 && (size_t)k < P->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(P->err + k, P->errlen - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return 1;
}

/* Make room for element n of an array whose capacity is a function of its
 * count (4, then the next power of two), so no capacity field is needed. */
static int room_for(void **arr, size_t n, size_t elsz) {
    if (n != 0 && (n < 4 || (n & (n - 1)) != 0)) return 0;
    size_t cap = n == 0 ? 4 : 2 * n;
    if (n > SIZE_MAX / 2 || cap > SIZE_MAX / elsz) return -1;
    void *q = realloc(*arr, cap * elsz);
    if (!q) return -1;
    *arr = q;
    return 0;
}

/* ---- lexer ---------------------------------------------------------------- */

static int is_space(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_delim(int c) {
    return is_space(c) || c == '(' || c == ')' || c == '|' || c == ',' || c == '<' || c == '>' ||
           c == ';' || c == '"' || c < 0x20 || c == 0x7f;
}

static void advance(parser *P) {
    if (*P->p == '\n') {
        P->line++;
        P->col = 1;
    } else {
        P->col++;
    }
    P->p++;
}

static void describe(const token *t, char *buf, size_t len) {
    switch (t->kind) {
    case T_EOF: snprintf(buf, len, "end of file"); break;
    case T_STR: snprintf(buf, len, "string \"%.*s\"", (int)(t->len > 40 ? 40 : t->len), t->s); break;
    case T_NUM:
    case T_WORD: snprintf(buf, len, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->s); break;
    default: snprintf(buf, len, "'%c'", *t->s); break;
    }
}

static int lex(parser *P, token *t) {
    for (;;) {
        while (P->p < P->end && is_space((unsigned char)*P->p)) advance(P);
        if (P->p < P->end && *P->p == ';') {
            while (P->p < P->end && *P->p != '\n') advance(P);
            continue;
        }
        break;
    }
    memset(t, 0, sizeof *t);
    t->line = P->line;
    t->col = P->col;
    t->s = P->p;
    if (P->p >= P->end) {
        t->kind = T_EOF;
        return 0;
    }
    int c = (unsigned char)*P->p;
    switch (c) {
    case '(': t->kind = T_LP; break;
    case ')': t->kind = T_RP; break;
    case '|': t->kind = T_BAR; break;
    case ',': t->kind = T_COMMA; break;
    case '<': t->kind = T_LT; break;
    case '>': t->kind = T_GT; break;
    default: break;
    }
    if (t->kind != T_EOF) {
        t->len = 1;
        advance(P);
        return 0;
    }
    if (c == '"') {
        advance(P);
        t->s = P->p;
        while (P->p < P->end && *P->p != '"') advance(P);
        if (P->p >= P->end) return perr(P, t->line, t->col, "unterminated string");
        t->len = (size_t)(P->p - t->s);
        t->kind = T_STR;
        advance(P);
        return 0;
    }
    if (c < 0x20 || c == 0x7f) return perr(P, t->line, t->col, "unexpected character 0x%02x", c);
    while (P->p < P->end && !is_delim((unsigned char)*P->p)) advance(P);
    t->len = (size_t)(P->p - t->s);
    if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.') {
        t->kind = T_NUM;
        if (t->len <= ASC_MAX_NUMLEN) {
            char buf[ASC_MAX_NUMLEN + 1], *endp;
            memcpy(buf, t->s, t->len);
            buf[t->len] = 0;
            t->num = strtod(buf, &endp);
            t->num_ok = endp == buf + t->len && isfinite(t->num);
        }
    } else {
        t->kind = T_WORD;
    }
    return 0;
}

/* ---- building the result ---------------------------------------------------- */

static int tok_is(const token *t, const char *s) {
    size_t n = strlen(s);
    return t->len == n && memcmp(t->s, s, n) == 0;
}

/* The contour names NEURON's Import3d keeps as a soma. */
static int is_soma_name(const token *t) {
    return tok_is(t, "CellBody") || tok_is(t, "Cell Body") || tok_is(t, "Soma");
}

static int tree_type_of(const token *t) {
    if (tok_is(t, "Dendrite")) return CL_ASC_DENDRITE;
    if (tok_is(t, "Apical")) return CL_ASC_APICAL;
    if (tok_is(t, "Axon")) return CL_ASC_AXON;
    return 0;
}

static int push(parser *P, frame_kind kind, const token *t) {
    if (P->depth >= ASC_MAX_DEPTH)
        return perr(P, t->line, t->col, "nesting deeper than %d levels", ASC_MAX_DEPTH);
    if (P->depth == P->cap) {
        size_t cap = P->cap ? 2 * P->cap : 64;
        frame *q = realloc(P->st, cap * sizeof *q);
        if (!q) return perr(P, t->line, t->col, "out of memory");
        P->st = q;
        P->cap = cap;
    }
    frame *f = &P->st[P->depth++];
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->line = t->line;
    f->col = t->col;
    return 0;
}

static cl_asc_tree *cur_tree(parser *P) { return &P->m->trees[P->m->ntrees - 1]; }

/* Append an empty branch to the current tree; its index goes in *idx. */
static int new_branch(parser *P, int parent, size_t *idx, const token *t) {
    cl_asc_tree *tr = cur_tree(P);
    if (tr->nbranches >= (size_t)INT32_MAX ||
        room_for((void **)&tr->branches, tr->nbranches, sizeof *tr->branches))
        return perr(P, t->line, t->col, "out of memory");
    cl_asc_branch *b = &tr->branches[tr->nbranches];
    b->pts = NULL;
    b->npts = 0;
    b->parent = parent;
    *idx = tr->nbranches++;
    return 0;
}

static int add_point(cl_asc_point **pts, size_t *n, const double v[4]) {
    if (room_for((void **)pts, *n, sizeof **pts)) return -1;
    cl_asc_point *q = &(*pts)[(*n)++];
    q->x = v[0];
    q->y = v[1];
    q->z = v[2];
    q->d = v[3];
    return 0;
}

static void free_tree(cl_asc_tree *tr) {
    for (size_t i = 0; i < tr->nbranches; i++) free(tr->branches[i].pts);
    free(tr->branches);
    tr->branches = NULL;
    tr->nbranches = 0;
}

void cl_asc_free(cl_asc_morph *m) {
    if (!m) return;
    for (size_t i = 0; i < m->nsomas; i++) free(m->somas[i].pts);
    free(m->somas);
    for (size_t i = 0; i < m->ntrees; i++) free_tree(&m->trees[i]);
    free(m->trees);
    memset(m, 0, sizeof *m);
}

/* ---- the grammar -------------------------------------------------------------- */

/* The innermost form that an end of file leaves open. */
static int unclosed(parser *P) {
    size_t i = P->depth;
    while (i > 0 && P->st[i - 1].kind == F_ALT) i--;
    const frame *f = &P->st[i - 1];
    return perr(P, f->line, f->col, "unbalanced: '%c' is never closed", f->kind == F_SPINE ? '<' : '(');
}

static int finish_tree(parser *P, const frame *f) {
    cl_asc_tree *tr = cur_tree(P);
    size_t root_n = tr->branches[0].npts;
    if ((f->flags & FL_STRING) && tr->nbranches == 1 && root_n <= 1) {
        /* a text label "( props (x y z d) "text" )", not a tree */
        free_tree(tr);
        P->m->ntrees--;
        return 0;
    }
    if (root_n == 0) return perr(P, f->line, f->col, "tree has no points");
    return 0;
}

static int finish_point(parser *P, frame *f) {
    if (f->nnum < 3)
        return perr(P, f->line, f->col, "point has %d number%s; expected x y z d", f->nnum,
                    f->nnum == 1 ? "" : "s");
    if (f->nnum == 3) f->v[3] = 0; /* NEURON reads (x y z) with d = 0 */
    frame *ctx = &P->st[P->depth - 2];
    int bad;
    if (ctx->kind == F_CONTOUR) {
        cl_asc_contour *c = &P->m->somas[P->m->nsomas - 1];
        bad = add_point(&c->pts, &c->npts, f->v);
    } else {
        cl_asc_branch *b = &cur_tree(P)->branches[ctx->branch];
        bad = add_point(&b->pts, &b->npts, f->v);
    }
    if (bad) return perr(P, f->line, f->col, "out of memory");
    P->depth--;
    return 0;
}

static int parse(parser *P) {
    token t;
    char what[64];
    for (;;) {
        if (lex(P, &t)) return 1;
    again:
        if (P->depth == 0) {
            switch (t.kind) {
            case T_EOF:
                if (P->m->nsomas == 0 && P->m->ntrees == 0)
                    return perr(P, t.line, t.col, "no CellBody contour and no tree");
                return 0;
            case T_COMMA: continue;
            case T_LP:
                if (push(P, F_TOP_PENDING, &t)) return 1;
                continue;
            case T_RP: return perr(P, t.line, t.col, "unbalanced: ')' has no matching '('");
            default:
                describe(&t, what, sizeof what);
                return perr(P, t.line, t.col, "expected '(' at top level, found %s", what);
            }
        }
        if (t.kind == T_EOF) return unclosed(P);
        frame *f = &P->st[P->depth - 1];
        describe(&t, what, sizeof what);
        switch (f->kind) {
        case F_TOP_PENDING:
            switch (t.kind) {
            case T_COMMA: continue;
            case T_STR:
                if (!is_soma_name(&t)) {
                    f->kind = F_SKIP; /* another named contour */
                    continue;
                }
                if (room_for((void **)&P->m->somas, P->m->nsomas, sizeof *P->m->somas))
                    return perr(P, t.line, t.col, "out of memory");
                P->m->somas[P->m->nsomas].pts = NULL;
                P->m->somas[P->m->nsomas].npts = 0;
                P->m->nsomas++;
                f->kind = F_CONTOUR;
                continue;
            case T_LP: {
                if (room_for((void **)&P->m->trees, P->m->ntrees, sizeof *P->m->trees))
                    return perr(P, t.line, t.col, "out of memory");
                cl_asc_tree *tr = &P->m->trees[P->m->ntrees++];
                memset(tr, 0, sizeof *tr);
                f->kind = F_ROOT;
                if (new_branch(P, -1, &f->branch, &t)) return 1;
                goto again;
            }
            case T_RP: P->depth--; continue;
            case T_WORD:
            case T_NUM: f->kind = F_SKIP; continue;
            default: return perr(P, t.line, t.col, "unexpected %s after '('", what);
            }
        case F_CONTOUR:
            switch (t.kind) {
            case T_LP:
                if (push(P, F_CONTOUR_PENDING, &t)) return 1;
                continue;
            case T_RP:
                if (P->m->somas[P->m->nsomas - 1].npts == 0)
                    return perr(P, f->line, f->col, "CellBody contour has no points");
                P->depth--;
                continue;
            case T_COMMA:
            case T_WORD:
            case T_STR: continue;
            case T_LT:
                if (push(P, F_SPINE, &t)) return 1;
                continue;
            default: return perr(P, t.line, t.col, "unexpected %s in a contour", what);
            }
        case F_CONTOUR_PENDING:
            if (t.kind == T_COMMA) continue;
            f->kind = t.kind == T_NUM ? F_POINT : F_SKIP;
            goto again;
        case F_ROOT:
        case F_ALT:
            switch (t.kind) {
            case T_LP:
                if (push(P, F_BRANCH_PENDING, &t)) return 1;
                continue;
            case T_RP:
            case T_BAR:
                if (f->kind == F_ROOT) {
                    if (t.kind == T_BAR) return perr(P, t.line, t.col, "'|' outside a branch group");
                    if (finish_tree(P, f)) return 1;
                    P->depth--;
                    continue;
                }
                if (cur_tree(P)->branches[f->branch].npts == 0)
                    return perr(P, f->line, f->col, "branch has no points");
                if (t.kind == T_BAR) { /* next alternative, same parent */
                    size_t parent = P->st[P->depth - 2].branch;
                    f->flags = 0;
                    f->line = t.line;
                    f->col = t.col;
                    if (new_branch(P, (int)parent, &f->branch, &t)) return 1;
                    continue;
                }
                P->depth -= 2; /* the alternative and its group */
                P->st[P->depth - 1].flags |= FL_GROUP;
                continue;
            case T_COMMA:
            case T_WORD: continue; /* Normal, Incomplete, High, Low, Generated, ... */
            case T_STR:
                if (f->kind == F_ROOT) f->flags |= FL_STRING;
                continue;
            case T_LT:
                if (push(P, F_SPINE, &t)) return 1;
                continue;
            default: return perr(P, t.line, t.col, "unexpected %s in a branch", what);
            }
        case F_BRANCH_PENDING: {
            frame *ctx = &P->st[P->depth - 2];
            switch (t.kind) {
            case T_COMMA: continue;
            case T_NUM:
                if (ctx->flags & FL_GROUP)
                    return perr(P, f->line, f->col, "point after a branch group");
                f->kind = F_POINT;
                goto again;
            case T_WORD:
                /* Import3d takes a tree's type from its last leading property:
                 * ((Color Red) (Dendrite) ...) is a dendrite, ((Dendrite)
                 * (Color Red) ...) is untyped (0) */
                if (ctx->kind == F_ROOT && cur_tree(P)->branches[ctx->branch].npts == 0)
                    cur_tree(P)->type = (cl_asc_tree_type)tree_type_of(&t);
                f->kind = F_SKIP;
                continue;
            case T_STR: /* a set ("name" ...) is not a property */
                f->kind = F_SKIP;
                continue;
            case T_LP:
            case T_BAR: {
                if (ctx->flags & FL_GROUP)
                    return perr(P, f->line, f->col, "second branch group in one branch");
                size_t parent = ctx->branch;
                if (cur_tree(P)->branches[parent].npts == 0)
                    return perr(P, f->line, f->col, "branch group before any point");
                f->kind = F_GROUP;
                f->branch = parent;
                token here = t;
                here.line = f->line;
                here.col = f->col;
                if (push(P, F_ALT, &here)) return 1;
                frame *alt = &P->st[P->depth - 1];
                if (new_branch(P, (int)parent, &alt->branch, &t)) return 1;
                goto again;
            }
            case T_RP: P->depth--; continue; /* "()" */
            default: f->kind = F_SKIP; goto again;
            }
        }
        case F_POINT:
            switch (t.kind) {
            case T_NUM:
                if (!t.num_ok) return perr(P, t.line, t.col, "bad number %s", what);
                if (f->nnum == 4) return perr(P, t.line, t.col, "point has more than 4 numbers");
                f->v[f->nnum++] = t.num;
                continue;
            case T_COMMA: continue;
            case T_WORD:
            case T_STR:
            case T_LP:
                if (f->nnum < 4) return perr(P, t.line, t.col, "expected a number, found %s", what);
                if (t.kind == T_LP && push(P, F_SKIP, &t)) return 1;
                continue; /* a sample label or a Bezier control point */
            case T_RP:
                if (finish_point(P, f)) return 1;
                continue;
            default: return perr(P, t.line, t.col, "unexpected %s in a point", what);
            }
        case F_SKIP:
            if (t.kind == T_LP && push(P, F_SKIP, &t)) return 1;
            if (t.kind == T_RP) P->depth--;
            continue;
        case F_SPINE:
            if (t.kind == T_LP && push(P, F_SKIP, &t)) return 1;
            if (t.kind == T_GT) P->depth--;
            if (t.kind == T_RP) return perr(P, t.line, t.col, "unbalanced: ')' inside a spine '<...>'");
            continue;
        case F_GROUP: /* never on top: an F_ALT sits above it */
        default: return perr(P, t.line, t.col, "internal error: bad parser state");
        }
    }
}

int cl_asc_parse(const char *text, size_t len, const char *name, cl_asc_morph *out, char *err,
                 size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!out) return 1;
    memset(out, 0, sizeof *out);
    parser P = {0};
    P.name = name ? name : "<text>";
    P.err = err;
    P.errlen = errlen;
    P.p = text ? text : "";
    P.end = text ? text + len : P.p;
    P.line = 1;
    P.col = 1;
    P.m = out;
    /* numbers in the C locale, whatever the host program's locale */
    locale_t cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = cloc ? uselocale(cloc) : (locale_t)0;
    int rc = parse(&P);
    if (cloc) {
        uselocale(old);
        freelocale(cloc);
    }
    free(P.st);
    if (rc) cl_asc_free(out);
    return rc;
}

int cl_asc_read(const char *path, cl_asc_morph *out, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!out) return 1;
    memset(out, 0, sizeof *out);
    const char *name = path ? path : "(null)";
    parser P = {.name = name, .err = err, .errlen = errlen};
    if (!path) return perr(&P, 1, 1, "no file name");
    FILE *fp = fopen(path, "rb");
    if (!fp) return perr(&P, 1, 1, "cannot open: %s", strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 65536;
            char *q = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!q) {
                free(buf);
                fclose(fp);
                return perr(&P, 1, 1, "out of memory reading the file");
            }
            buf = q;
            cap = ncap;
        }
        size_t k = fread(buf + n, 1, cap - n, fp);
        n += k;
        if (k == 0) break;
    }
    int bad = ferror(fp);
    int e = errno;
    fclose(fp);
    if (bad) {
        free(buf);
        return perr(&P, 1, 1, "cannot read: %s", strerror(e));
    }
    int rc = cl_asc_parse(buf, n, path, out, err, errlen);
    free(buf);
    return rc;
}
