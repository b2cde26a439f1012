/* NMODL recursive-descent parser: the language NEURON 8.2's nocmodl accepts
 * (its grammar is src/nmodl/parse1.ypp in NEURON), less the SCoP leftovers
 * no NEURON model uses, into the tree of ast.h.
 *
 * Accepted, as nocmodl accepts them:
 *   top level: TITLE, COMMENT, VERBATIM, NEURON, UNITS, PARAMETER, ASSIGNED,
 *     STATE, CONSTANT, INDEPENDENT, LOCAL, DEFINE, INCLUDE, UNITSON/UNITSOFF,
 *     INITIAL, BREAKPOINT, DERIVATIVE, KINETIC, LINEAR, NONLINEAR (with
 *     SOLVEFOR), PROCEDURE, FUNCTION, NET_RECEIVE, FUNCTION_TABLE,
 *     BEFORE/AFTER (BREAKPOINT|SOLVE|INITIAL|STEP), CONSTRUCTOR, DESTRUCTOR;
 *   NEURON block: SUFFIX, POINT_PROCESS, ARTIFICIAL_CELL, USEION .. READ ..
 *     WRITE .. VALENCE/CHARGE .. REPRESENTS .., NONSPECIFIC_CURRENT,
 *     ELECTRODE_CURRENT, SECTION, RANGE, GLOBAL, POINTER, BBCOREPOINTER,
 *     EXTERNAL, THREADSAFE, REPRESENTS, and NEURON 9's RANDOM;
 *   statements: one LOCAL first in a block, assignments (x, x[i], x', x'[i]),
 *     if / else if / else, while, FROM i = a TO b [BY c], SOLVE x [METHOD m |
 *     STEADYSTATE m] [IFERROR {}], TABLE, reactions and CONSERVE,
 *     COMPARTMENT and LONGITUDINAL_DIFFUSION (KINETIC), ~ equations (LINEAR,
 *     NONLINEAR, DERIVATIVE), PROTECT, calls (net_send, net_event, net_move
 *     and printf get their own kinds), WATCH, FOR_NETCONS, INITIAL (in
 *     NET_RECEIVE), CONDUCTANCE, MUTEXLOCK/MUTEXUNLOCK, UNITSON/UNITSOFF,
 *     VERBATIM, COMMENT, nested { } blocks.
 * Expressions follow nocmodl's precedence: || < && < comparisons (all one
 * level) < + - < * / < unary - and ! < ^ (right-associative), so -x^2 is
 * -(x^2) and !a > b is (!a) > b. A '(' right after a number is a unit,
 * "0.0878 (1/mV)", read raw to the next ')' as nocmodl does; after a name it
 * is a call. Array indices and loop bounds are nocmodl's integer
 * expressions: names, integers, + - * /, parentheses and INT(expr).
 *
 * Beyond nocmodl 8.2, as NEURON 9 accepts them: RANDOM in the NEURON block,
 * and signed numbers in PARAMETER limits <-1, 1>.
 *
 * Rejected with a message: the SCoP constructs (TERMINAL, DISCRETE, PARTIAL,
 * STEPPED, PLOT, MATCH, SENS, LAG, RESET, FORALL, PUTQ, GETQ, MODEL_LEVEL,
 * SWEEP, '@' indices, x'0), derivatives declared in STATE/ASSIGNED,
 * and everything nocmodl's grammar rejects (a second LOCAL in a block,
 * keywords and method names used as variables, ...). INCLUDE is kept as a
 * node; the parser does not read the included file.
 * Semantic checks (declared names, NET_RECEIVE only in point processes, ...)
 * are left to analysis; the few nocmodl makes while parsing and that only
 * need local context are made here (TABLE only in FUNCTION/PROCEDURE, one
 * per block; CONSERVE/COMPARTMENT in KINETIC; '<<' with one state; ...).
 *
 * Memory: every node the parser makes is also listed in the parser; on an
 * error the list frees them all, so no path leaks. There is no static mutable
 * state. Nesting (blocks, parentheses, unary operators, chains of binary
 * operators) is capped at CL_NMODL_MAX_DEPTH so no input can exhaust the
 * stack of the parser or of the recursive tree walkers. */
#include "nmodl/ast.h"
#include "nmodl/lexer.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CL_NMODL_MAX_DEPTH 2000
#define CL_NMODL_MAX_FILE ((size_t)256 << 20)

#if defined(__GNUC__)
#define PRINTF_LIKE(a, b) __attribute__((format(printf, a, b)))
#define NOINLINE __attribute__((noinline))
#else
#define PRINTF_LIKE(a, b)
#define NOINLINE
#endif

typedef struct {
    size_t name, name_len, val, val_len; /* spans in the source */
} def_entry;

typedef struct parser {
    cl_lexer lx; /* positioned just after cur */
    cl_tok cur;
    const char *src;
    const char *fname;
    char *err;
    size_t errlen;
    int failed;
    int depth;
    cl_ast **all; /* every node made, for freeing on error */
    size_t nall, capall;
    def_entry *defs;
    size_t ndefs, capdefs;
    size_t *defhash; /* open addressing: 1 + index into defs, 0 empty */
    size_t hashcap;
    /* context */
    cl_kw block;         /* the top-level block being parsed */
    const char *blockname;
    int table_seen;
    int nr_nargs;        /* NET_RECEIVE's argument count */
    int aexpr;           /* in a WATCH condition: no comparisons, no '!' */
} P;

/* ---------------------------------------------------------------- errors */

static void fail_at(P *p, int line, int col, const char *fmt, ...) PRINTF_LIKE(4, 5);
static void fail_at(P *p, int line, int col, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = 1;
    p->cur.type = CL_TK_EOF; /* every loop ends */
    p->cur.kw = CL_KW_NONE;
    if (!p->err || !p->errlen) return;
    int n = snprintf(p->err, p->errlen, "%s:%d:%d: ", p->fname, line, col);
    if (n < 0 || (size_t)n >= p->errlen) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void oom(P *p) { fail_at(p, p->cur.line, p->cur.col, "out of memory"); }

/* A short description of a token for messages. */
static const char *desc(const P *p, const cl_tok *t, char *buf, size_t n) {
    size_t len = t->end - t->start;
    const char *s = p->src + t->start;
    int shown = len > 40 ? 40 : (int)len;
    const char *more = len > 40 ? "..." : "";
    switch (t->type) {
    case CL_TK_EOF: snprintf(buf, n, "the end of the file"); break;
    case CL_TK_ERROR: snprintf(buf, n, "an invalid token"); break;
    case CL_TK_NAME:
    case CL_TK_PRIME: snprintf(buf, n, "'%.*s%s'", shown, s, more); break;
    case CL_TK_INT:
    case CL_TK_REAL:
        if (t->define) {
            const def_entry *d = &p->defs[t->define - 1];
            snprintf(buf, n, "'%.*s' (DEFINEd as %.*s)", shown, s,
                     (int)(d->val_len > 40 ? 40 : d->val_len), p->src + d->val);
        } else {
            snprintf(buf, n, "the number %.*s%s", shown, s, more);
        }
        break;
    case CL_TK_STRING: snprintf(buf, n, "a string"); break;
    case CL_TK_TITLE: snprintf(buf, n, "TITLE"); break;
    case CL_TK_COMMENT: snprintf(buf, n, "a COMMENT block"); break;
    case CL_TK_VERBATIM: snprintf(buf, n, "a VERBATIM block"); break;
    case CL_TK_CHAR: {
        unsigned char c = (unsigned char)s[0];
        if (c >= 32 && c < 127) snprintf(buf, n, "'%c'", c);
        else snprintf(buf, n, "the character 0x%02x", c);
        break;
    }
    default: snprintf(buf, n, "'%.*s'", shown, s); break;
    }
    return buf;
}

#define D(t) desc(p, (t), dbuf, sizeof dbuf)

static void expected(P *p, const char *what, const char *hint);

/* fmt has one %s: the description of the current token. */
static NOINLINE void fail_found(P *p, const char *fmt) {
    char dbuf[128];
    fail_at(p, p->cur.line, p->cur.col, fmt, D(&p->cur));
}

/* "expected X, found Y (to close the C at L:C)" */
static NOINLINE void fail_unclosed(P *p, const char *what, const char *opener, int line, int col) {
    char hint[96];
    snprintf(hint, sizeof hint, "to close the %s at %d:%d", opener, line, col);
    expected(p, what, hint);
}

/* The error helpers hold the message buffers, so that the recursive parsing
 * functions keep small stack frames. */

/* "expected X, found Y" at the current token, with an optional hint. */
static NOINLINE void expected(P *p, const char *what, const char *hint) {
    char dbuf[128];
    if (hint && *hint)
        fail_at(p, p->cur.line, p->cur.col, "expected %s, found %s (%s)", what, D(&p->cur), hint);
    else
        fail_at(p, p->cur.line, p->cur.col, "expected %s, found %s", what, D(&p->cur));
}

/* ---------------------------------------------------------------- DEFINEs */

static size_t hash_span(const char *s, size_t n) {
    size_t h = 1469598103u;
    for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int def_find(const P *p, const char *s, size_t n) {
    if (!p->hashcap) return 0;
    size_t mask = p->hashcap - 1;
    for (size_t i = hash_span(s, n) & mask;; i = (i + 1) & mask) {
        size_t k = p->defhash[i];
        if (!k) return 0;
        const def_entry *d = &p->defs[k - 1];
        if (d->name_len == n && memcmp(p->src + d->name, s, n) == 0) return (int)k;
    }
}

static int def_add(P *p, size_t name, size_t name_len, size_t val, size_t val_len) {
    if (p->ndefs == p->capdefs) {
        size_t cap = p->capdefs ? p->capdefs * 2 : 8;
        def_entry *d = realloc(p->defs, cap * sizeof *d);
        if (!d) return -1;
        p->defs = d;
        p->capdefs = cap;
    }
    if ((p->ndefs + 1) * 2 > p->hashcap) {
        size_t cap = p->hashcap ? p->hashcap * 2 : 16;
        size_t *h = calloc(cap, sizeof *h);
        if (!h) return -1;
        for (size_t k = 0; k < p->ndefs; k++) {
            const def_entry *d = &p->defs[k];
            size_t i = hash_span(p->src + d->name, d->name_len) & (cap - 1);
            while (h[i]) i = (i + 1) & (cap - 1);
            h[i] = k + 1;
        }
        free(p->defhash);
        p->defhash = h;
        p->hashcap = cap;
    }
    p->defs[p->ndefs] = (def_entry){name, name_len, val, val_len};
    size_t i = hash_span(p->src + name, name_len) & (p->hashcap - 1);
    while (p->defhash[i]) i = (i + 1) & (p->hashcap - 1);
    p->defhash[i] = ++p->ndefs;
    return 0;
}

/* ---------------------------------------------------------------- tokens */

static void apply_define(const P *p, cl_tok *t) {
    if (t->type != CL_TK_NAME || t->kw != CL_KW_NONE || !p->ndefs) return;
    int k = def_find(p, p->src + t->start, t->end - t->start);
    if (k) {
        t->type = CL_TK_INT;
        t->define = k;
    }
}

static void next(P *p) {
    if (p->failed) return;
    p->cur = cl_lex_next(&p->lx);
    if (p->cur.type == CL_TK_ERROR) {
        fail_at(p, p->cur.line, p->cur.col, "%s", p->cur.msg);
        return;
    }
    apply_define(p, &p->cur);
}

static cl_tok peek(P *p) {
    cl_lexer l = p->lx;
    cl_tok t = cl_lex_next(&l);
    if (t.type == CL_TK_ERROR) {
        fail_at(p, t.line, t.col, "%s", t.msg);
        t.type = CL_TK_EOF;
        return t;
    }
    apply_define(p, &t);
    return t;
}

/* The type of the next token (kept out of the callers' frames). */
static NOINLINE cl_tk peek_type(P *p) { return peek(p).type; }

/* '@' after a name: SCoP's discrete index. */
static NOINLINE void fail_at_sign(P *p) {
    cl_tok t = peek(p);
    fail_at(p, t.line, t.col, "'@' (SCoP discrete indices) is not supported");
}

static int is(const P *p, cl_tk t) { return !p->failed && p->cur.type == t; }
static int is_kw(const P *p, cl_kw k) {
    return !p->failed && p->cur.type == CL_TK_NAME && p->cur.kw == k;
}
static int is_plain_name(const P *p) {
    return !p->failed && p->cur.type == CL_TK_NAME && p->cur.kw == CL_KW_NONE;
}

/* Consumes a token of type t or fails with "expected what". */
static int expect(P *p, cl_tk t, const char *what, const char *hint) {
    if (is(p, t)) {
        next(p);
        return 1;
    }
    expected(p, what, hint);
    return 0;
}

static int enter(P *p) {
    if (p->failed) return 0;
    if (++p->depth > CL_NMODL_MAX_DEPTH) {
        fail_at(p, p->cur.line, p->cur.col,
                "nesting deeper than %d levels (blocks, parentheses, unary operators; a chain of "
                "binary operators counts one level per operator)",
                CL_NMODL_MAX_DEPTH);
        return 0;
    }
    return 1;
}

static void leave(P *p) { p->depth--; }

/* ---------------------------------------------------------------- nodes */

static cl_ast *mk(P *p, cl_nk kind, int line, int col) {
    if (p->failed) return NULL;
    if (p->nall == p->capall) {
        size_t cap = p->capall ? p->capall * 2 : 256;
        cl_ast **a = realloc(p->all, cap * sizeof *a);
        if (!a) {
            oom(p);
            return NULL;
        }
        p->all = a;
        p->capall = cap;
    }
    cl_ast *n = cl_ast_new(kind, line, col);
    if (!n) {
        oom(p);
        return NULL;
    }
    p->all[p->nall++] = n;
    return n;
}

static cl_ast *mk_cur(P *p, cl_nk kind) { return mk(p, kind, p->cur.line, p->cur.col); }

static int add(P *p, cl_ast *parent, cl_ast *kid) {
    if (p->failed || !parent) return -1;
    if (cl_ast_add(parent, kid) < 0) {
        oom(p);
        return -1;
    }
    return 0;
}

/* Unlists and frees a leaf node made only to read a value. */
static void drop(P *p, cl_ast *n) {
    if (!n) return;
    for (size_t i = p->nall; i-- > 0;) {
        if (p->all[i] == n) {
            p->all[i] = p->all[--p->nall];
            break;
        }
    }
    cl_ast_free(n);
}

/* Moves a number node's value into node (has_num, num) and drops it. */
static int take_num(P *p, cl_ast *num, cl_ast *node) {
    if (!num || !node || p->failed) return -1;
    node->num = num->num;
    node->has_num = 1;
    drop(p, num);
    return 0;
}

/* Copies src[s, e) into *dst (a field of a listed node). */
static int set_span(P *p, char **dst, size_t s, size_t e) {
    if (p->failed) return -1;
    char *c = malloc(e - s + 1);
    if (!c) {
        oom(p);
        return -1;
    }
    memcpy(c, p->src + s, e - s);
    c[e - s] = 0;
    free(*dst);
    *dst = c;
    return 0;
}

static int set_str(P *p, char **dst, const char *s) {
    if (p->failed) return -1;
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c) {
        oom(p);
        return -1;
    }
    memcpy(c, s, n + 1);
    free(*dst);
    *dst = c;
    return 0;
}

/* Text with blanks trimmed at both ends. */
static int set_trimmed(P *p, char **dst, size_t s, size_t e) {
    while (s < e && (p->src[s] == ' ' || p->src[s] == '\t')) s++;
    while (e > s && (p->src[e - 1] == ' ' || p->src[e - 1] == '\t')) e--;
    return set_span(p, dst, s, e);
}

/* Block text with line breaks made '\n'. */
static int set_block_text(P *p, char **dst, size_t s, size_t e) {
    if (set_span(p, dst, s, e) < 0) return -1;
    char *w = *dst;
    for (const char *r = *dst; *r; r++) {
        if (*r == '\r') {
            *w++ = '\n';
            if (r[1] == '\n') r++;
        } else {
            *w++ = *r;
        }
    }
    *w = 0;
    return 0;
}

/* ---------------------------------------------------------------- pieces */

static const char *kw_hint(const P *p) {
    if (p->cur.type == CL_TK_NAME && p->cur.kw == CL_KW_METHODNAME)
        return "the integration method names are reserved in NMODL";
    if (p->cur.type == CL_TK_NAME && p->cur.kw != CL_KW_NONE)
        return "keywords cannot be used as names";
    return NULL;
}

/* A plain name: a node of that kind named by it. */
static cl_ast *name_node(P *p, cl_nk kind, const char *what) {
    if (!is_plain_name(p)) {
        expected(p, what, kw_hint(p));
        return NULL;
    }
    cl_ast *n = mk_cur(p, kind);
    if (!n || set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
    next(p);
    return n;
}

/* Literal text of a number token (a DEFINEd name gives its value). */
static void num_span(const P *p, const cl_tok *t, size_t *s, size_t *e) {
    if (t->define) {
        const def_entry *d = &p->defs[t->define - 1];
        *s = d->val;
        *e = d->val + d->val_len;
    } else {
        *s = t->start;
        *e = t->end;
    }
}

/* The current INT or REAL token as NK_NUM; negative puts a '-' in front. */
static cl_ast *num_node(P *p, int negative, int line, int col) {
    if (!is(p, CL_TK_INT) && !is(p, CL_TK_REAL)) {
        expected(p, "a number", NULL);
        return NULL;
    }
    cl_ast *n = mk(p, NK_NUM, line, col);
    if (!n) return NULL;
    size_t s, e;
    num_span(p, &p->cur, &s, &e);
    size_t len = e - s;
    char *c = malloc(len + 2);
    if (!c) {
        oom(p);
        return NULL;
    }
    if (negative) c[0] = '-';
    memcpy(c + (negative ? 1 : 0), p->src + s, len);
    c[len + (negative ? 1 : 0)] = 0;
    n->text = c;
    n->num = strtod(c, NULL);
    n->has_num = 1;
    n->flag = p->cur.type == CL_TK_INT;
    if (p->cur.define && set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
    next(p);
    return n;
}

/* nocmodl's `number`: ['-'] (integer | real). */
static cl_ast *signed_num(P *p) {
    int line = p->cur.line, col = p->cur.col;
    int neg = 0;
    if (is(p, CL_TK_MINUS)) {
        neg = 1;
        next(p);
    }
    return num_node(p, neg, line, col);
}

/* nocmodl's `real`: an unsigned integer or real. */
static cl_ast *unsigned_num(P *p, const char *what) {
    if (is(p, CL_TK_MINUS)) {
        expected(p, what, "NEURON 8.2 accepts no sign here");
        return NULL;
    }
    if (!is(p, CL_TK_INT) && !is(p, CL_TK_REAL)) {
        expected(p, what, NULL);
        return NULL;
    }
    return num_node(p, 0, p->cur.line, p->cur.col);
}

/* A positive integer (array size): INT or DEFINEd name. */
static int array_size(P *p, int *out) {
    if (!is(p, CL_TK_INT)) {
        expected(p, "an integer array size", NULL);
        return -1;
    }
    size_t s, e;
    num_span(p, &p->cur, &s, &e);
    long long v = 0;
    for (size_t i = s; i < e; i++) {
        v = v * 10 + (p->src[i] - '0');
        if (v > 0x7fffffff) break;
    }
    if (v < 1 || v > 0x7fffffff) {
        fail_at(p, p->cur.line, p->cur.col, "array size must be between 1 and 2147483647");
        return -1;
    }
    *out = (int)v;
    next(p);
    return 0;
}

/* Optional units "(...)" into *dst. 1 when present, 0 when not, -1 error. */
static int units(P *p, char **dst) {
    if (!is(p, CL_TK_LPAREN)) return 0;
    int line = p->cur.line, col = p->cur.col;
    size_t s, e;
    int el, ec;
    if (cl_lex_units(&p->lx, &s, &e, &el, &ec) < 0) {
        fail_at(p, el, ec, "no ')' to close the units opened at %d:%d (units end on their line)",
                line, col);
        return -1;
    }
    if (set_trimmed(p, dst, s, e) < 0) return -1;
    next(p); /* the ')' */
    if (!expect(p, CL_TK_RPAREN, "')'", NULL)) return -1;
    return 1;
}

static int required_units(P *p, char **dst, const char *what) {
    if (!is(p, CL_TK_LPAREN)) {
        expected(p, what, NULL);
        return -1;
    }
    return units(p, dst);
}

/* name {',' name} into kids of list (NK_NAME). */
static int name_list(P *p, cl_ast *list, const char *what) {
    for (;;) {
        cl_ast *n = name_node(p, NK_NAME, what);
        if (!n || add(p, list, n) < 0) return -1;
        if (!is(p, CL_TK_COMMA)) return 0;
        next(p);
    }
}

/* ---------------------------------------------------------------- expressions */

enum { PREC_OR = 1, PREC_AND, PREC_CMP, PREC_ADD, PREC_MUL };

static int binop(const cl_tok *t, cl_op *op) {
    switch (t->type) {
    case CL_TK_OR: *op = OP_OR; return PREC_OR;
    case CL_TK_AND: *op = OP_AND; return PREC_AND;
    case CL_TK_GT: *op = OP_GT; return PREC_CMP;
    case CL_TK_GE: *op = OP_GE; return PREC_CMP;
    case CL_TK_LT: *op = OP_LT; return PREC_CMP;
    case CL_TK_LE: *op = OP_LE; return PREC_CMP;
    case CL_TK_EQ: *op = OP_EQ; return PREC_CMP;
    case CL_TK_NE: *op = OP_NE; return PREC_CMP;
    case CL_TK_PLUS: *op = OP_ADD; return PREC_ADD;
    case CL_TK_MINUS: *op = OP_SUB; return PREC_ADD;
    case CL_TK_STAR: *op = OP_MUL; return PREC_MUL;
    case CL_TK_SLASH: *op = OP_DIV; return PREC_MUL;
    default: return 0;
    }
}

static cl_ast *expr_prec(P *p, int min_prec);
static cl_ast *intexpr(P *p);

static cl_ast *expr(P *p) { return expr_prec(p, p->aexpr ? PREC_ADD : PREC_OR); }

static cl_ast *binary(P *p, cl_op op, cl_ast *l, cl_ast *r) {
    if (!l || !r) return NULL;
    cl_ast *b = mk(p, NK_BINARY, l->line, l->col);
    if (!b) return NULL;
    b->op = op;
    if (add(p, b, l) < 0 || add(p, b, r) < 0) return NULL;
    return b;
}

/* '[' intexpr ']' as kids[0] of n. */
static int index_suffix(P *p, cl_ast *n) {
    int line = p->cur.line, col = p->cur.col;
    next(p); /* '[' */
    cl_ast *i = intexpr(p);
    if (!i || add(p, n, i) < 0) return -1;
    if (!is(p, CL_TK_RBRACKET)) {
        fail_unclosed(p, "']'", "'['", line, col);
        return -1;
    }
    next(p);
    return 0;
}

/* x' or x'' ... with an optional index. */
static cl_ast *prime_node(P *p) {
    cl_ast *n = mk_cur(p, NK_PRIME);
    if (!n || set_span(p, &n->name, p->cur.start, p->cur.name_end) < 0) return NULL;
    n->num = p->cur.order;
    next(p);
    if (is(p, CL_TK_LBRACKET) && index_suffix(p, n) < 0) return NULL;
    return n;
}

static NOINLINE void fail_call_args(P *p, const char *name, int line, int col) {
    char what[96];
    snprintf(what, sizeof what, "',' or ')' in the arguments of '%.40s'", name);
    fail_unclosed(p, what, "'('", line, col);
}

/* name '(' args ')', args: expressions or strings. */
static cl_ast *call(P *p) {
    cl_ast *c = mk_cur(p, NK_CALL);
    if (!c || set_span(p, &c->name, p->cur.start, p->cur.end) < 0) return NULL;
    next(p); /* name */
    int line = p->cur.line, col = p->cur.col;
    next(p); /* '(' */
    int saved = p->aexpr;
    p->aexpr = 0;
    if (!is(p, CL_TK_RPAREN)) {
        for (;;) {
            cl_ast *a;
            if (is(p, CL_TK_STRING)) {
                a = mk_cur(p, NK_STRING);
                if (!a || set_span(p, &a->text, p->cur.start + 1, p->cur.end - 1) < 0) return NULL;
                next(p);
            } else {
                a = expr(p);
            }
            if (!a || add(p, c, a) < 0) return NULL;
            if (!is(p, CL_TK_COMMA)) break;
            next(p);
        }
    }
    p->aexpr = saved;
    if (!is(p, CL_TK_RPAREN)) {
        fail_call_args(p, c->name, line, col);
        return NULL;
    }
    next(p);
    return c;
}

static cl_ast *primary(P *p) {
    if (p->failed) return NULL;
    switch (p->cur.type) {
    case CL_TK_INT:
    case CL_TK_REAL: {
        cl_ast *n = num_node(p, 0, p->cur.line, p->cur.col);
        if (n && units(p, &n->text2) < 0) return NULL;
        return n;
    }
    case CL_TK_PRIME: return prime_node(p);
    case CL_TK_LPAREN: {
        int line = p->cur.line, col = p->cur.col;
        cl_ast *n = mk_cur(p, NK_PAREN);
        next(p);
        cl_ast *e = expr(p);
        if (!n || !e || add(p, n, e) < 0) return NULL;
        if (!is(p, CL_TK_RPAREN)) {
            fail_unclosed(p,
                          p->aexpr ? "')' (a WATCH condition holds no comparisons but its own)"
                                   : "')'",
                          "'('", line, col);
            return NULL;
        }
        next(p);
        return n;
    }
    case CL_TK_NAME:
        if (p->cur.kw == CL_KW_NONE) {
            cl_tk t = peek_type(p);
            if (t == CL_TK_LPAREN) return call(p);
            if (t == CL_TK_AT) {
                fail_at_sign(p);
                return NULL;
            }
            cl_ast *n = mk_cur(p, t == CL_TK_LBRACKET ? NK_INDEX : NK_NAME);
            if (!n || set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
            next(p);
            if (n->kind == NK_INDEX && index_suffix(p, n) < 0) return NULL;
            return n;
        }
        expected(p, "an expression", kw_hint(p));
        return NULL;
    case CL_TK_STRING:
        fail_at(p, p->cur.line, p->cur.col, "a string can only be a function argument");
        return NULL;
    default: fail_found(p, "expected an expression, found %s"); return NULL;
    }
}

static cl_ast *unary(P *p);

/* primary ['^' unary]: right-associative, tighter than unary minus. */
static cl_ast *power(P *p) {
    cl_ast *b = primary(p);
    if (!b || !is(p, CL_TK_CARET)) return b;
    next(p);
    if (!enter(p)) return NULL;
    cl_ast *e = unary(p);
    leave(p);
    return binary(p, OP_POW, b, e);
}

static cl_ast *unary(P *p) {
    if (is(p, CL_TK_MINUS) || is(p, CL_TK_NOT)) {
        if (is(p, CL_TK_NOT) && p->aexpr) {
            fail_at(p, p->cur.line, p->cur.col, "'!' is not allowed in a WATCH condition");
            return NULL;
        }
        cl_ast *n = mk_cur(p, NK_UNARY);
        if (!n) return NULL;
        n->op = is(p, CL_TK_MINUS) ? OP_NEG : OP_NOT;
        next(p);
        if (!enter(p)) return NULL;
        cl_ast *o = unary(p);
        leave(p);
        if (!o || add(p, n, o) < 0) return NULL;
        return n;
    }
    return power(p);
}

/* Precedence climbing; each operator folded into the left operand counts a
 * level of depth, so the tree's height stays bounded. */
static cl_ast *expr_prec(P *p, int min_prec) {
    if (!enter(p)) return NULL;
    int folds = 0;
    cl_ast *l = unary(p);
    for (;;) {
        cl_op op;
        int prec = p->failed ? 0 : binop(&p->cur, &op);
        if (!l || !prec || prec < min_prec) break;
        if (p->aexpr && prec < PREC_ADD) break;
        next(p);
        if (!enter(p)) {
            l = NULL;
            break;
        }
        folds++;
        cl_ast *r = expr_prec(p, prec + 1);
        l = binary(p, op, l, r);
    }
    p->depth -= folds;
    leave(p);
    return p->failed ? NULL : l;
}

/* nocmodl's integer expressions: name | integer | ( intexpr ) | INT(expr)
 * joined by + - * /. */
static cl_ast *int_prec(P *p, int min_prec);

static cl_ast *int_primary(P *p) {
    if (p->failed) return NULL;
    if (is_plain_name(p)) {
        cl_ast *n = mk_cur(p, NK_NAME);
        if (!n || set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
        next(p);
        return n;
    }
    if (is(p, CL_TK_INT)) return num_node(p, 0, p->cur.line, p->cur.col);
    if (is(p, CL_TK_LPAREN)) {
        int line = p->cur.line, col = p->cur.col;
        cl_ast *n = mk_cur(p, NK_PAREN);
        next(p);
        cl_ast *e = int_prec(p, PREC_ADD);
        if (!n || !e || add(p, n, e) < 0) return NULL;
        if (!is(p, CL_TK_RPAREN)) {
            fail_unclosed(p, "')'", "'('", line, col);
            return NULL;
        }
        next(p);
        return n;
    }
    if (is_kw(p, CL_KW_INT)) {
        cl_ast *n = mk_cur(p, NK_CALL);
        if (!n || set_str(p, &n->name, "INT") < 0) return NULL;
        next(p);
        if (!expect(p, CL_TK_LPAREN, "'(' after INT", NULL)) return NULL;
        int saved = p->aexpr;
        p->aexpr = 0;
        cl_ast *e = expr(p);
        p->aexpr = saved;
        if (!e || add(p, n, e) < 0) return NULL;
        if (!expect(p, CL_TK_RPAREN, "')' to close INT(", NULL)) return NULL;
        return n;
    }
    fail_found(p, "expected an integer expression (names, integers, + - * /, parentheses, "
                  "INT(x)), found %s");
    return NULL;
}

static cl_ast *int_prec(P *p, int min_prec) {
    if (!enter(p)) return NULL;
    int folds = 0;
    cl_ast *l = int_primary(p);
    for (;;) {
        cl_op op;
        int prec = p->failed ? 0 : binop(&p->cur, &op);
        if (!l || prec < PREC_ADD || prec < min_prec) break;
        next(p);
        if (!enter(p)) {
            l = NULL;
            break;
        }
        folds++;
        cl_ast *r = int_prec(p, prec + 1);
        l = binary(p, op, l, r);
    }
    p->depth -= folds;
    leave(p);
    return p->failed ? NULL : l;
}

static cl_ast *intexpr(P *p) { return int_prec(p, PREC_ADD); }

/* ---------------------------------------------------------------- statements */

static cl_ast *stmtlist(P *p, const char *owner, int oline, int ocol);

static int is_toplevel_kw(cl_kw k) {
    switch (k) {
    case CL_KW_NEURON: case CL_KW_UNITS: case CL_KW_PARAMETER: case CL_KW_ASSIGNED:
    case CL_KW_STATE: case CL_KW_CONSTANT: case CL_KW_INDEPENDENT: case CL_KW_BREAKPOINT:
    case CL_KW_DERIVATIVE: case CL_KW_KINETIC: case CL_KW_LINEAR: case CL_KW_NONLINEAR:
    case CL_KW_PROCEDURE: case CL_KW_FUNCTION: case CL_KW_NET_RECEIVE: case CL_KW_BEFORE:
    case CL_KW_AFTER: case CL_KW_CONSTRUCTOR: case CL_KW_DESTRUCTOR:
    case CL_KW_FUNCTION_TABLE: case CL_KW_DEFINE: case CL_KW_INCLUDE:
        return 1;
    default: return 0;
    }
}

static int is_scop_kw(cl_kw k) {
    switch (k) {
    case CL_KW_TERMINAL: case CL_KW_DISCRETE: case CL_KW_PARTIAL: case CL_KW_STEPPED:
    case CL_KW_PLOT: case CL_KW_MATCH: case CL_KW_SENS: case CL_KW_LAG: case CL_KW_RESET:
    case CL_KW_FORALL: case CL_KW_PUTQ: case CL_KW_GETQ: case CL_KW_MODEL_LEVEL:
    case CL_KW_SWEEP: case CL_KW_EQUATION: case CL_KW_DEL: case CL_KW_DEL2: case CL_KW_FIRST:
    case CL_KW_LAST: case CL_KW_VS:
        return 1;
    default: return 0;
    }
}

static void fail_scop(P *p) {
    fail_at(p, p->cur.line, p->cur.col, "'%.*s' (a SCoP construct) is not supported",
            (int)(p->cur.end - p->cur.start), p->src + p->cur.start);
}

/* name ['[' intexpr ']'] or name' ... : the target of an assignment. */
static cl_ast *lvalue(P *p) {
    if (is(p, CL_TK_PRIME)) return prime_node(p);
    if (!is_plain_name(p)) {
        expected(p, "a variable", kw_hint(p));
        return NULL;
    }
    cl_tk t = peek_type(p);
    if (t == CL_TK_AT) {
        fail_at_sign(p);
        return NULL;
    }
    cl_ast *n = mk_cur(p, t == CL_TK_LBRACKET ? NK_INDEX : NK_NAME);
    if (!n || set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
    next(p);
    if (n->kind == NK_INDEX && index_suffix(p, n) < 0) return NULL;
    return n;
}

static cl_ast *assignment(P *p) {
    cl_ast *l = lvalue(p);
    if (!l) return NULL;
    if (!is(p, CL_TK_ASSIGN)) {
        char what[128];
        snprintf(what, sizeof what, "'=' after '%s'%s", l->name,
                 l->kind == NK_NAME ? " (or '(' for a call)" : "");
        expected(p, what, NULL);
        return NULL;
    }
    next(p);
    cl_ast *r = expr(p);
    if (!r) return NULL;
    cl_ast *a = mk(p, NK_ASSIGN, l->line, l->col);
    if (!a || add(p, a, l) < 0 || add(p, a, r) < 0) return NULL;
    return a;
}

static cl_ast *call_stmt(P *p) {
    cl_ast *c = call(p);
    if (!c) return NULL;
    if (!strcmp(c->name, "net_send")) c->kind = NK_NET_SEND;
    else if (!strcmp(c->name, "net_event")) c->kind = NK_NET_EVENT;
    else if (!strcmp(c->name, "net_move")) c->kind = NK_NET_MOVE;
    else if (!strcmp(c->name, "printf")) c->kind = NK_PRINTF;
    else {
        cl_ast *s = mk(p, NK_EXPR_STMT, c->line, c->col);
        if (!s || add(p, s, c) < 0) return NULL;
        return s;
    }
    return c;
}

/* [integer] species {'+' [integer] species} */
static cl_ast *reactants(P *p) {
    cl_ast *list = mk_cur(p, NK_REACTANTS);
    for (;;) {
        if (!list) return NULL;
        int line = p->cur.line, col = p->cur.col;
        double coef = 1;
        if (is(p, CL_TK_INT)) {
            size_t s, e;
            num_span(p, &p->cur, &s, &e);
            coef = 0;
            for (size_t i = s; i < e; i++) coef = coef * 10 + (p->src[i] - '0');
            next(p);
        }
        cl_ast *r = mk(p, NK_REACTANT, line, col);
        if (!r) return NULL;
        r->num = coef;
        if (is(p, CL_TK_PRIME)) {
            r->flag = 1;
            if (set_span(p, &r->name, p->cur.start, p->cur.name_end) < 0) return NULL;
            next(p);
        } else if (is_plain_name(p)) {
            if (peek_type(p) == CL_TK_AT) {
                fail_at_sign(p);
                return NULL;
            }
            if (set_span(p, &r->name, p->cur.start, p->cur.end) < 0) return NULL;
            next(p);
        } else {
            expected(p, "a species name", kw_hint(p));
            return NULL;
        }
        if (is(p, CL_TK_LBRACKET) && index_suffix(p, r) < 0) return NULL;
        if (add(p, list, r) < 0) return NULL;
        if (!is(p, CL_TK_PLUS)) return list;
        next(p);
    }
}

/* '(' expr ')' after a reaction arrow. */
static cl_ast *paren_rate(P *p, const char *what) {
    if (!expect(p, CL_TK_LPAREN, what, NULL)) return NULL;
    cl_ast *e = expr(p);
    if (!e) return NULL;
    if (!expect(p, CL_TK_RPAREN, "')' after the rate", NULL)) return NULL;
    return e;
}

static cl_ast *reaction(P *p) {
    cl_ast *n = mk_cur(p, NK_REACTION);
    if (!n) return NULL;
    if (is(p, CL_TK_TILDEPLUS)) {
        fail_at(p, p->cur.line, p->cur.col,
                "'~+' (equation addition) can't occur in a KINETIC block");
        return NULL;
    }
    next(p);
    cl_ast *lhs = reactants(p);
    if (!lhs || add(p, n, lhs) < 0) return NULL;
    if (is(p, CL_TK_REACT2)) {
        n->op = OP_REACT2;
        next(p);
        cl_ast *rhs = reactants(p);
        if (!rhs || add(p, n, rhs) < 0) return NULL;
        if (!expect(p, CL_TK_LPAREN, "'(' and the rates (kf, kb)", NULL)) return NULL;
        cl_ast *kf = expr(p);
        if (!kf || add(p, n, kf) < 0) return NULL;
        if (!expect(p, CL_TK_COMMA, "',' between the forward and backward rates", NULL))
            return NULL;
        cl_ast *kb = expr(p);
        if (!kb || add(p, n, kb) < 0) return NULL;
        if (!expect(p, CL_TK_RPAREN, "')' after the rates", NULL)) return NULL;
        return n;
    }
    if (is(p, CL_TK_LT) && peek_type(p) == CL_TK_LT) {
        next(p);
        next(p);
        n->op = OP_FLUX;
        if (lhs->nkid != 1 || lhs->kid[0]->num != 1) {
            fail_at(p, n->line, n->col, "flux equations (<<) involve only one state");
            return NULL;
        }
    } else if (is(p, CL_TK_MINUS) && peek_type(p) == CL_TK_GT) {
        next(p);
        next(p);
        n->op = OP_REACT1;
    } else {
        expected(p, "'<->', '<<' or '->' after the reactants", NULL);
        return NULL;
    }
    cl_ast *rate = paren_rate(p, "'(' and the rate");
    if (!rate || add(p, n, NULL) < 0 || add(p, n, rate) < 0 || add(p, n, NULL) < 0) return NULL;
    return n;
}

static cl_ast *equation(P *p) {
    cl_ast *n = mk_cur(p, NK_LINEQ);
    if (!n) return NULL;
    n->flag = is(p, CL_TK_TILDEPLUS);
    next(p);
    cl_ast *l = expr(p);
    if (!l || add(p, n, l) < 0) return NULL;
    if (!expect(p, CL_TK_ASSIGN, "'=' in the equation", NULL)) return NULL;
    cl_ast *r = expr(p);
    if (!r || add(p, n, r) < 0) return NULL;
    return n;
}

static int only_in(P *p, cl_kw k, const char *what, const char *where) {
    if (p->block == k) return 1;
    fail_at(p, p->cur.line, p->cur.col, "%s is only allowed in %s (this is %s)", what, where,
            p->blockname ? p->blockname : "another block");
    return 0;
}

/* COMPARTMENT / LONGITUDINAL_DIFFUSION [i,] expr { names } */
static cl_ast *compartment(P *p, cl_nk kind) {
    cl_ast *n = mk_cur(p, kind);
    next(p);
    if (!n) return NULL;
    cl_ast *index = NULL;
    if (is_plain_name(p) && peek_type(p) == CL_TK_COMMA) {
        index = name_node(p, NK_NAME, "an index name");
        next(p); /* ',' */
    }
    if (add(p, n, index) < 0) return NULL;
    cl_ast *vol = expr(p);
    if (!vol || add(p, n, vol) < 0) return NULL;
    if (!expect(p, CL_TK_LBRACE, "'{' and the species", NULL)) return NULL;
    cl_ast *names = mk_cur(p, NK_NAMES);
    if (!names || add(p, n, names) < 0) return NULL;
    do {
        cl_ast *s = name_node(p, NK_NAME, "a species name");
        if (!s || add(p, names, s) < 0) return NULL;
    } while (!is(p, CL_TK_RBRACE) && !p->failed);
    next(p);
    return n;
}

static cl_ast *table(P *p) {
    if (p->block != CL_KW_FUNCTION && p->block != CL_KW_PROCEDURE) {
        fail_at(p, p->cur.line, p->cur.col, "TABLE is only allowed in a FUNCTION or PROCEDURE");
        return NULL;
    }
    if (p->table_seen) {
        fail_at(p, p->cur.line, p->cur.col, "only one TABLE per FUNCTION or PROCEDURE");
        return NULL;
    }
    p->table_seen = 1;
    const char *syntax = "TABLE [names] [DEPEND names] FROM lo TO hi WITH n";
    cl_ast *n = mk_cur(p, NK_TABLE);
    next(p);
    cl_ast *vars = mk_cur(p, NK_NAMES);
    if (!n || !vars || add(p, n, vars) < 0) return NULL;
    if (is_plain_name(p) && name_list(p, vars, "a name") < 0) return NULL;
    cl_ast *deps = mk_cur(p, NK_NAMES);
    if (!deps || add(p, n, deps) < 0) return NULL;
    if (is_kw(p, CL_KW_DEPEND)) {
        next(p);
        if (name_list(p, deps, "a name after DEPEND") < 0) return NULL;
    }
    if (!is_kw(p, CL_KW_FROM)) {
        expected(p, "FROM", syntax);
        return NULL;
    }
    next(p);
    cl_ast *lo = expr(p);
    if (!lo || add(p, n, lo) < 0) return NULL;
    if (!is_kw(p, CL_KW_TO)) {
        expected(p, "TO", syntax);
        return NULL;
    }
    next(p);
    cl_ast *hi = expr(p);
    if (!hi || add(p, n, hi) < 0) return NULL;
    if (!is_kw(p, CL_KW_WITH)) {
        expected(p, "WITH", syntax);
        return NULL;
    }
    next(p);
    if (!is(p, CL_TK_INT) || p->cur.define) {
        expected(p, "an integer after WITH", NULL);
        return NULL;
    }
    cl_ast *with = num_node(p, 0, p->cur.line, p->cur.col);
    if (!with || add(p, n, with) < 0) return NULL;
    return n;
}

static cl_ast *solve(P *p) {
    cl_ast *n = mk_cur(p, NK_SOLVE);
    next(p);
    if (!n) return NULL;
    if (!is_plain_name(p)) {
        expected(p, "the name of the block to SOLVE", kw_hint(p));
        return NULL;
    }
    if (set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
    next(p);
    if (is_kw(p, CL_KW_METHOD) || is_kw(p, CL_KW_STEADYSTATE)) {
        n->flag = is_kw(p, CL_KW_STEADYSTATE);
        next(p);
        if (!is_kw(p, CL_KW_METHODNAME)) {
            expected(p, "an integration method", "NEURON 8.2 knows cnexp, derivimplicit, euler, "
                                                 "runge, sparse, clsoda, after_cvode, ...");
            return NULL;
        }
        if (set_span(p, &n->text, p->cur.start, p->cur.end) < 0) return NULL;
        next(p);
    }
    if (is_kw(p, CL_KW_IFERROR)) {
        int line = p->cur.line, col = p->cur.col;
        next(p);
        cl_ast *b = stmtlist(p, "the IFERROR block", line, col);
        if (!b || add(p, n, b) < 0) return NULL;
    }
    return n;
}

static cl_ast *from_loop(P *p) {
    int line = p->cur.line, col = p->cur.col;
    const char *syntax = "FROM i = lo TO hi [BY step] { ... }";
    cl_ast *n = mk_cur(p, NK_FROM);
    next(p);
    if (!n) return NULL;
    if (!is_plain_name(p)) {
        expected(p, "a loop variable", syntax);
        return NULL;
    }
    if (set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
    next(p);
    if (!expect(p, CL_TK_ASSIGN, "'='", syntax)) return NULL;
    cl_ast *lo = intexpr(p);
    if (!lo || add(p, n, lo) < 0) return NULL;
    if (!is_kw(p, CL_KW_TO)) {
        expected(p, "TO", syntax);
        return NULL;
    }
    next(p);
    cl_ast *hi = intexpr(p);
    if (!hi || add(p, n, hi) < 0) return NULL;
    cl_ast *by = NULL;
    if (is_kw(p, CL_KW_BY)) {
        by = mk_cur(p, NK_BY);
        next(p);
        cl_ast *step = intexpr(p);
        if (!by || !step || add(p, by, step) < 0) return NULL;
    }
    if (add(p, n, by) < 0) return NULL;
    cl_ast *b = stmtlist(p, "the FROM loop", line, col);
    if (!b || add(p, n, b) < 0) return NULL;
    return n;
}

/* if/while: the keyword, "( condition )" and "{ statements }" as n's
 * kids; NULL on an error. */
static cl_ast *cond_block(P *p, cl_nk kind, const char *kw, const char *article) {
    int line = p->cur.line, col = p->cur.col;
    char what[64], hint[96];
    cl_ast *n = mk_cur(p, kind);
    next(p);
    snprintf(what, sizeof what, "'(' after %s", kw);
    if (!expect(p, CL_TK_LPAREN, what, NULL)) return NULL;
    cl_ast *c = expr(p);
    if (!n || !c || add(p, n, c) < 0) return NULL;
    snprintf(what, sizeof what, "')' after the %s condition", kw);
    if (!expect(p, CL_TK_RPAREN, what, NULL)) return NULL;
    if (!is(p, CL_TK_LBRACE)) {
        snprintf(hint, sizeof hint, "NMODL needs braces around the statements of %s %s", article, kw);
        expected(p, "'{'", hint);
        return NULL;
    }
    snprintf(what, sizeof what, "the '%s' block", kw);
    cl_ast *b = stmtlist(p, what, line, col);
    if (!b || add(p, n, b) < 0) return NULL;
    return n;
}

static cl_ast *if_stmt(P *p) {
    cl_ast *n = cond_block(p, NK_IF, "if", "an");
    if (!n) return NULL;
    if (is_kw(p, CL_KW_ELSE)) {
        int eline = p->cur.line, ecol = p->cur.col;
        next(p);
        cl_ast *e;
        if (is_kw(p, CL_KW_IF)) {
            if (!enter(p)) return NULL;
            e = if_stmt(p);
            leave(p);
        } else {
            if (!is(p, CL_TK_LBRACE)) {
                expected(p, "'{' or if after else", NULL);
                return NULL;
            }
            e = stmtlist(p, "the 'else' block", eline, ecol);
        }
        if (!e || add(p, n, e) < 0) return NULL;
    }
    return n;
}

static cl_ast *while_stmt(P *p) { return cond_block(p, NK_WHILE, "while", "a"); }

/* WATCH (a > b) flag [, (a < b) flag ...] */
static cl_ast *watch(P *p) {
    const char *syntax = "WATCH (expr > expr) flag, ... with '>' or '<'";
    cl_ast *n = mk_cur(p, NK_WATCH);
    next(p);
    for (;;) {
        if (!n) return NULL;
        cl_ast *item = mk_cur(p, NK_WATCH_ITEM);
        if (!expect(p, CL_TK_LPAREN, "'(' and a condition", syntax)) return NULL;
        p->aexpr = 1;
        cl_ast *l = expr(p);
        if (!l) return NULL;
        cl_op op = OP_GT;
        if (is(p, CL_TK_LT)) op = OP_LT;
        else if (!is(p, CL_TK_GT)) {
            expected(p, "'>' or '<'", syntax);
            return NULL;
        }
        next(p);
        cl_ast *r = expr(p);
        p->aexpr = 0;
        cl_ast *cond = binary(p, op, l, r);
        if (!cond || !item || add(p, item, cond) < 0) return NULL;
        if (!expect(p, CL_TK_RPAREN, "')' after the WATCH condition", syntax)) return NULL;
        cl_ast *flag = unsigned_num(p, "a flag number after the WATCH condition");
        if (!flag || add(p, item, flag) < 0 || add(p, n, item) < 0) return NULL;
        if (!is(p, CL_TK_COMMA)) return n;
        next(p);
    }
}

static cl_ast *arglist(P *p, const char *owner);
static void stmt_error(P *p, const char *owner, int oline, int ocol);

static cl_ast *stmt(P *p, const char *owner, int oline, int ocol) {
    if (p->failed) return NULL;
    switch (p->cur.type) {
    case CL_TK_LBRACE: return stmtlist(p, "the block", p->cur.line, p->cur.col);
    case CL_TK_COMMENT: next(p); return NULL;
    case CL_TK_VERBATIM: {
        cl_ast *n = mk_cur(p, NK_VERBATIM);
        if (!n || set_block_text(p, &n->text, p->cur.body_start, p->cur.body_end) < 0)
            return NULL;
        next(p);
        return n;
    }
    case CL_TK_TILDE:
    case CL_TK_TILDEPLUS:
        if (p->block == CL_KW_KINETIC) return reaction(p);
        if (p->block == CL_KW_LINEAR || p->block == CL_KW_NONLINEAR ||
            p->block == CL_KW_DERIVATIVE)
            return equation(p);
        fail_at(p, p->cur.line, p->cur.col,
                "'~' equations can only appear in KINETIC, LINEAR and NONLINEAR blocks "
                "(this is %s)",
                p->blockname ? p->blockname : "another block");
        return NULL;
    case CL_TK_PRIME: return assignment(p);
    case CL_TK_INT:
        if (p->cur.define) {
            fail_found(p, "%s cannot be assigned");
            return NULL;
        }
        break;
    case CL_TK_EOF: break;
    case CL_TK_NAME: {
        cl_kw k = p->cur.kw;
        if (k == CL_KW_NONE) {
            if (peek_type(p) == CL_TK_LPAREN) return call_stmt(p);
            return assignment(p);
        }
        switch (k) {
        case CL_KW_IF: return if_stmt(p);
        case CL_KW_WHILE: return while_stmt(p);
        case CL_KW_FROM: return from_loop(p);
        case CL_KW_SOLVE: return solve(p);
        case CL_KW_TABLE: return table(p);
        case CL_KW_WATCH: return watch(p);
        case CL_KW_UNITSON:
        case CL_KW_UNITSOFF:
        case CL_KW_MUTEXLOCK:
        case CL_KW_MUTEXUNLOCK: {
            cl_ast *n = mk_cur(p, k == CL_KW_UNITSON    ? NK_UNITSON
                                  : k == CL_KW_UNITSOFF ? NK_UNITSOFF
                                  : k == CL_KW_MUTEXLOCK ? NK_MUTEXLOCK
                                                         : NK_MUTEXUNLOCK);
            next(p);
            return n;
        }
        case CL_KW_PROTECT: {
            cl_ast *n = mk_cur(p, NK_PROTECT);
            next(p);
            cl_ast *a = assignment(p);
            if (!n || !a || add(p, n, a) < 0) return NULL;
            return n;
        }
        case CL_KW_CONSERVE: {
            if (!only_in(p, CL_KW_KINETIC, "CONSERVE", "a KINETIC block")) return NULL;
            cl_ast *n = mk_cur(p, NK_CONSERVE);
            next(p);
            cl_ast *r = reactants(p);
            if (!n || !r || add(p, n, r) < 0) return NULL;
            if (!expect(p, CL_TK_ASSIGN, "'=' in CONSERVE", NULL)) return NULL;
            cl_ast *e = expr(p);
            if (!e || add(p, n, e) < 0) return NULL;
            return n;
        }
        case CL_KW_COMPARTMENT:
            if (!only_in(p, CL_KW_KINETIC, "COMPARTMENT", "a KINETIC block")) return NULL;
            return compartment(p, NK_COMPARTMENT);
        case CL_KW_LONGDIFUS:
            if (!only_in(p, CL_KW_KINETIC, "LONGITUDINAL_DIFFUSION", "a KINETIC block"))
                return NULL;
            return compartment(p, NK_LONGDIFUS);
        case CL_KW_INITIAL: {
            if (!only_in(p, CL_KW_NET_RECEIVE, "INITIAL inside a block", "NET_RECEIVE"))
                return NULL;
            int line = p->cur.line, col = p->cur.col;
            cl_ast *n = mk_cur(p, NK_INITIAL);
            next(p);
            cl_ast *b = stmtlist(p, "the INITIAL block", line, col);
            if (!n || !b || add(p, n, b) < 0) return NULL;
            return n;
        }
        case CL_KW_FOR_NETCONS: {
            if (!only_in(p, CL_KW_NET_RECEIVE, "FOR_NETCONS", "NET_RECEIVE")) return NULL;
            int line = p->cur.line, col = p->cur.col;
            cl_ast *n = mk_cur(p, NK_FOR_NETCONS);
            next(p);
            cl_ast *a = arglist(p, "FOR_NETCONS");
            if (!n || !a || add(p, n, a) < 0) return NULL;
            if (a->nkid != p->nr_nargs) {
                fail_at(p, line, col,
                        "FOR_NETCONS and NET_RECEIVE do not have the same number of arguments");
                return NULL;
            }
            cl_ast *b = stmtlist(p, "the FOR_NETCONS block", line, col);
            if (!b || add(p, n, b) < 0) return NULL;
            return n;
        }
        case CL_KW_CONDUCTANCE: {
            cl_ast *n = mk_cur(p, NK_CONDUCTANCE);
            next(p);
            if (!n) return NULL;
            if (!is_plain_name(p)) {
                expected(p, "a conductance name after CONDUCTANCE", kw_hint(p));
                return NULL;
            }
            if (set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
            next(p);
            if (is_kw(p, CL_KW_USEION)) {
                next(p);
                if (!is_plain_name(p)) {
                    expected(p, "an ion name after USEION", kw_hint(p));
                    return NULL;
                }
                if (set_span(p, &n->text, p->cur.start, p->cur.end) < 0) return NULL;
                next(p);
            }
            return n;
        }
        case CL_KW_LOCAL:
            fail_at(p, p->cur.line, p->cur.col,
                    "LOCAL must come first in its block (NEURON allows one LOCAL statement "
                    "per block: LOCAL a, b, c)");
            return NULL;
        case CL_KW_ELSE:
            fail_at(p, p->cur.line, p->cur.col, "else without a matching if");
            return NULL;
        default: break;
        }
        if (is_scop_kw(k)) {
            fail_scop(p);
            return NULL;
        }
        break;
    }
    default: break;
    }
    stmt_error(p, owner, oline, ocol);
    return NULL;
}

/* Nothing starts a statement at the current token. */
static NOINLINE void stmt_error(P *p, const char *owner, int oline, int ocol) {
    char dbuf[128];
    if (is(p, CL_TK_EOF) || (is(p, CL_TK_NAME) && is_toplevel_kw(p->cur.kw)) ||
        is(p, CL_TK_TITLE)) {
        fail_at(p, p->cur.line, p->cur.col,
                "expected '}' to close %s opened at %d:%d, found %s", owner, oline, ocol,
                D(&p->cur));
        return;
    }
    const char *hint = kw_hint(p);
    if (is(p, CL_TK_NAME) && p->cur.kw != CL_KW_NONE && p->cur.kw != CL_KW_METHODNAME)
        hint = NULL;
    if (hint)
        fail_at(p, p->cur.line, p->cur.col, "expected a statement, found %s (%s)", D(&p->cur),
                hint);
    else
        fail_at(p, p->cur.line, p->cur.col, "expected a statement, found %s", D(&p->cur));
}

/* LOCAL a, b[3], ... */
static cl_ast *local(P *p) {
    cl_ast *n = mk_cur(p, NK_LOCAL);
    next(p);
    for (;;) {
        cl_ast *v = name_node(p, NK_NAME, "a name after LOCAL");
        if (!n || !v || add(p, n, v) < 0) return NULL;
        if (is(p, CL_TK_LBRACKET)) {
            next(p);
            if (array_size(p, &v->array_len) < 0) return NULL;
            if (!expect(p, CL_TK_RBRACKET, "']'", NULL)) return NULL;
        }
        if (!is(p, CL_TK_COMMA)) return n;
        next(p);
    }
}

/* '{' [LOCAL ...] statements '}'; owner names the block for messages. */
static NOINLINE void fail_open(P *p, const char *owner) {
    char what[160];
    snprintf(what, sizeof what, "'{' to open %s", owner);
    expected(p, what, NULL);
}

static cl_ast *stmtlist(P *p, const char *owner, int oline, int ocol) {
    if (!is(p, CL_TK_LBRACE)) {
        fail_open(p, owner);
        return NULL;
    }
    if (!enter(p)) return NULL;
    cl_ast *b = mk_cur(p, NK_BLOCK);
    next(p);
    if (is_kw(p, CL_KW_LOCAL)) {
        cl_ast *l = local(p);
        if (!l || add(p, b, l) < 0) {
            leave(p);
            return NULL;
        }
    }
    while (!p->failed) {
        if (is(p, CL_TK_RBRACE)) {
            next(p);
            break;
        }
        if (is(p, CL_TK_EOF)) {
            stmt_error(p, owner, oline, ocol);
            break;
        }
        cl_ast *s = stmt(p, owner, oline, ocol);
        if (s) add(p, b, s);
    }
    leave(p);
    return p->failed ? NULL : b;
}

/* '(' [name [units] {',' name [units]}] ')' */
static cl_ast *arglist(P *p, const char *owner) {
    cl_ast *a = mk_cur(p, NK_ARGS);
    char what[96];
    snprintf(what, sizeof what, "'(' and the arguments of %s", owner);
    if (!expect(p, CL_TK_LPAREN, what, NULL)) return NULL;
    if (!is(p, CL_TK_RPAREN)) {
        for (;;) {
            cl_ast *n = name_node(p, NK_NAME, "an argument name");
            if (!a || !n || add(p, a, n) < 0) return NULL;
            if (units(p, &n->text) < 0) return NULL;
            if (!is(p, CL_TK_COMMA)) break;
            next(p);
        }
    }
    if (!expect(p, CL_TK_RPAREN, "',' or ')' in the argument list", NULL)) return NULL;
    return a;
}

/* ---------------------------------------------------------------- declaration blocks */

static int block_open(P *p, const char *name) {
    char what[96];
    snprintf(what, sizeof what, "'{' after %s", name);
    return expect(p, CL_TK_LBRACE, what, NULL);
}

/* At a token that does not continue the block's body. */
static void body_error(P *p, const char *name, int line, int col, const char *item) {
    char dbuf[128];
    if (is(p, CL_TK_EOF) || (is(p, CL_TK_NAME) && is_toplevel_kw(p->cur.kw)))
        fail_at(p, p->cur.line, p->cur.col, "expected '}' to close the %s block opened at %d:%d, found %s",
                name, line, col, D(&p->cur));
    else if (is(p, CL_TK_COMMENT) || is(p, CL_TK_VERBATIM))
        fail_at(p, p->cur.line, p->cur.col,
                "%s cannot appear inside the %s block (NEURON allows COMMENT and VERBATIM only "
                "between blocks and among statements)",
                D(&p->cur), name);
    else
        fail_at(p, p->cur.line, p->cur.col,
                "expected %s or '}' to close the %s block opened at %d:%d, found %s%s%s%s", item,
                name, line, col, D(&p->cur), kw_hint(p) ? " (" : "", kw_hint(p) ? kw_hint(p) : "",
                kw_hint(p) ? ")" : "");
}

static cl_ast *neuron_block(P *p) {
    int line = p->cur.line, col = p->cur.col;
    cl_ast *blk = mk_cur(p, NK_NEURON);
    next(p);
    if (!block_open(p, "NEURON")) return NULL;
    while (!p->failed) {
        if (is(p, CL_TK_RBRACE)) {
            next(p);
            return blk;
        }
        cl_ast *n = NULL;
        cl_kw k = is(p, CL_TK_NAME) ? p->cur.kw : CL_KW_NONE;
        int random = is_plain_name(p) && p->cur.end - p->cur.start == 6 &&
                     !memcmp(p->src + p->cur.start, "RANDOM", 6);
        switch (k) {
        case CL_KW_SUFFIX:
        case CL_KW_POINT_PROCESS:
        case CL_KW_ARTIFICIAL_CELL: {
            char what[64];
            snprintf(what, sizeof what, "a name after %s", cl_kw_text(k));
            n = mk_cur(p, k == CL_KW_SUFFIX          ? NK_SUFFIX
                          : k == CL_KW_POINT_PROCESS ? NK_POINT_PROCESS
                                                     : NK_ARTIFICIAL_CELL);
            next(p);
            if (!n) return NULL;
            if (!is_plain_name(p)) {
                expected(p, what, kw_hint(p));
                return NULL;
            }
            if (set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
            next(p);
            break;
        }
        case CL_KW_USEION: {
            n = mk_cur(p, NK_USEION);
            next(p);
            if (!n) return NULL;
            if (!is_plain_name(p)) {
                expected(p, "an ion name after USEION", kw_hint(p));
                return NULL;
            }
            if (set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
            next(p);
            if (!is_kw(p, CL_KW_READ) && !is_kw(p, CL_KW_WRITE)) {
                expected(p, "READ or WRITE", "USEION ion READ a, b WRITE c VALENCE n");
                return NULL;
            }
            if (is_kw(p, CL_KW_READ)) {
                cl_ast *r = mk_cur(p, NK_READ);
                next(p);
                if (!r || add(p, n, r) < 0 || name_list(p, r, "a name after READ") < 0)
                    return NULL;
            }
            if (is_kw(p, CL_KW_WRITE)) {
                cl_ast *w = mk_cur(p, NK_WRITE);
                next(p);
                if (!w || add(p, n, w) < 0 || name_list(p, w, "a name after WRITE") < 0)
                    return NULL;
            }
            if (is_kw(p, CL_KW_VALENCE)) {
                cl_ast *v = mk_cur(p, NK_VALENCE);
                next(p);
                int neg = 0;
                if (is(p, CL_TK_MINUS)) {
                    neg = 1;
                    next(p);
                }
                if (!is(p, CL_TK_INT) && !is(p, CL_TK_REAL)) {
                    expected(p, "a number after VALENCE", NULL);
                    return NULL;
                }
                cl_ast *num = num_node(p, neg, p->cur.line, p->cur.col);
                if (!v || !num || add(p, n, v) < 0) return NULL;
                v->text = num->text; /* the literal as written */
                num->text = NULL;
                if (take_num(p, num, v) < 0) return NULL;
            }
            if (is_kw(p, CL_KW_REPRESENTS)) {
                size_t s, e;
                int l, c;
                if (cl_lex_ontology(&p->lx, &s, &e, &l, &c) < 0) {
                    fail_at(p, l, c, "expected an ontology id (like CHEBI:29101) after REPRESENTS");
                    return NULL;
                }
                if (set_span(p, &n->text, s, e) < 0) return NULL;
                next(p);
            }
            break;
        }
        case CL_KW_REPRESENTS: {
            n = mk_cur(p, NK_REPRESENTS);
            size_t s, e;
            int l, c;
            if (!n) return NULL;
            if (cl_lex_ontology(&p->lx, &s, &e, &l, &c) < 0) {
                fail_at(p, l, c, "expected an ontology id (like NCIT:C17145) after REPRESENTS");
                return NULL;
            }
            if (set_span(p, &n->text, s, e) < 0) return NULL;
            next(p);
            break;
        }
        case CL_KW_NONSPECIFIC_CURRENT:
        case CL_KW_ELECTRODE_CURRENT:
        case CL_KW_SECTION:
        case CL_KW_RANGE:
        case CL_KW_GLOBAL:
        case CL_KW_POINTER:
        case CL_KW_BBCOREPOINTER:
        case CL_KW_EXTERNAL:
        case CL_KW_THREADSAFE: {
            cl_nk kind = k == CL_KW_NONSPECIFIC_CURRENT ? NK_NONSPECIFIC
                         : k == CL_KW_ELECTRODE_CURRENT ? NK_ELECTRODE
                         : k == CL_KW_SECTION           ? NK_SECTION
                         : k == CL_KW_RANGE             ? NK_RANGE
                         : k == CL_KW_GLOBAL            ? NK_GLOBAL
                         : k == CL_KW_EXTERNAL          ? NK_EXTERNAL
                         : k == CL_KW_THREADSAFE        ? NK_THREADSAFE
                                                        : NK_POINTER;
            char what[64];
            snprintf(what, sizeof what, "a name after %s", cl_kw_text(k));
            n = mk_cur(p, kind);
            if (!n) return NULL;
            n->flag = k == CL_KW_BBCOREPOINTER;
            next(p);
            int list = k != CL_KW_THREADSAFE ||
                       (is_plain_name(p) && !(p->cur.end - p->cur.start == 6 &&
                                              !memcmp(p->src + p->cur.start, "RANDOM", 6)));
            if (list && name_list(p, n, what) < 0) return NULL;
            break;
        }
        default:
            if (random) {
                n = mk_cur(p, NK_RANDOM);
                next(p);
                if (!n || name_list(p, n, "a name after RANDOM") < 0) return NULL;
                break;
            }
            if (is_plain_name(p)) {
                char dbuf[128];
                fail_at(p, p->cur.line, p->cur.col,
                        "expected a NEURON block statement (SUFFIX, USEION, RANGE, ...) or '}' "
                        "to close the NEURON block opened at %d:%d, found %s (separate the "
                        "names of a list with commas)",
                        line, col, D(&p->cur));
            } else {
                body_error(p, "NEURON", line, col,
                           "a NEURON block statement (SUFFIX, USEION, RANGE, ...)");
            }
            return NULL;
        }
        if (add(p, blk, n) < 0) return NULL;
    }
    return NULL;
}

static cl_ast *units_block(P *p) {
    int line = p->cur.line, col = p->cur.col;
    cl_ast *blk = mk_cur(p, NK_UNITS);
    next(p);
    if (!block_open(p, "UNITS")) return NULL;
    while (!p->failed) {
        if (is(p, CL_TK_RBRACE)) {
            next(p);
            return blk;
        }
        cl_ast *n;
        if (is(p, CL_TK_LPAREN)) {
            n = mk_cur(p, NK_UNIT_DEF);
            if (!n || units(p, &n->name) < 0) return NULL;
            if (!expect(p, CL_TK_ASSIGN, "'='", "(units) = (units)")) return NULL;
            if (required_units(p, &n->text, "'(' and the units that define it") < 0) return NULL;
        } else if (is_plain_name(p)) {
            n = mk_cur(p, NK_UNIT_CONST);
            if (!n || set_span(p, &n->name, p->cur.start, p->cur.end) < 0) return NULL;
            next(p);
            const char *forms = "F = 96485.309 (coul), R = (k-mole) (joule/degC) or "
                                "foot2inch = (foot) -> (inch)";
            if (!expect(p, CL_TK_ASSIGN, "'='", forms)) return NULL;
            if (is(p, CL_TK_LPAREN)) {
                if (units(p, &n->text) < 0) return NULL;
                if (is(p, CL_TK_MINUS)) {
                    next(p);
                    if (!expect(p, CL_TK_GT, "'->'", forms)) return NULL;
                    n->flag = 1;
                }
                if (required_units(p, &n->text2, "'(' and the second units") < 0) return NULL;
            } else if (is(p, CL_TK_INT) || is(p, CL_TK_REAL)) {
                cl_ast *num = num_node(p, 0, p->cur.line, p->cur.col);
                if (take_num(p, num, n) < 0) return NULL;
                if (required_units(p, &n->text2, "'(' and the units of the value") < 0)
                    return NULL;
            } else {
                expected(p, "a number or '(' after '='", forms);
                return NULL;
            }
        } else {
            body_error(p, "UNITS", line, col, "a unit definition");
            return NULL;
        }
        if (add(p, blk, n) < 0) return NULL;
    }
    return NULL;
}

/* PARAMETER, ASSIGNED, STATE, CONSTANT, INDEPENDENT */
static cl_ast *decl_block(P *p, cl_kw k) {
    int line = p->cur.line, col = p->cur.col;
    const char *bname = cl_kw_text(k);
    cl_nk kind = k == CL_KW_PARAMETER ? NK_PARAMETER
                 : k == CL_KW_ASSIGNED ? NK_ASSIGNED
                 : k == CL_KW_STATE    ? NK_STATE
                 : k == CL_KW_CONSTANT ? NK_CONSTANT
                                       : NK_INDEPENDENT;
    cl_ast *blk = mk_cur(p, kind);
    next(p);
    if (!block_open(p, bname)) return NULL;
    while (!p->failed) {
        if (is(p, CL_TK_RBRACE)) {
            next(p);
            return blk;
        }
        if (k == CL_KW_INDEPENDENT && is_kw(p, CL_KW_SWEEP)) {
            fail_scop(p);
            return NULL;
        }
        if (is(p, CL_TK_PRIME) && (k == CL_KW_STATE || k == CL_KW_ASSIGNED)) {
            fail_at(p, p->cur.line, p->cur.col, "declaring a derivative (%.*s) is not supported",
                    (int)(p->cur.end - p->cur.start), p->src + p->cur.start);
            return NULL;
        }
        if (!is_plain_name(p)) {
            body_error(p, bname, line, col, "a declaration");
            return NULL;
        }
        cl_ast *d = name_node(p, NK_DECL, "a name");
        if (!d || add(p, blk, d) < 0) return NULL;
        if (k == CL_KW_PARAMETER || k == CL_KW_CONSTANT) {
            if (is(p, CL_TK_ASSIGN)) {
                next(p);
                if (take_num(p, signed_num(p), d) < 0) return NULL;
            } else if (k == CL_KW_CONSTANT) {
                expected(p, "'=' and a value", "CONSTANT { name = number (units) }");
                return NULL;
            } else if (is(p, CL_TK_LBRACKET)) {
                next(p);
                if (array_size(p, &d->array_len) < 0) return NULL;
                if (!expect(p, CL_TK_RBRACKET, "']'", NULL)) return NULL;
            }
            if (units(p, &d->text) < 0) return NULL;
            if (k == CL_KW_PARAMETER && is(p, CL_TK_LT)) {
                cl_ast *lim = mk_cur(p, NK_LIMITS);
                next(p);
                /* nocmodl 8.2 takes no sign here; NEURON 9's NMODL does */
                cl_ast *lo = signed_num(p);
                if (!lim || !lo || add(p, lim, lo) < 0) return NULL;
                if (!expect(p, CL_TK_COMMA, "',' between the limits", "<lo, hi>")) return NULL;
                cl_ast *hi = signed_num(p);
                if (!hi || add(p, lim, hi) < 0) return NULL;
                if (!expect(p, CL_TK_GT, "'>' to close the limits", NULL)) return NULL;
                if (add(p, d, lim) < 0) return NULL;
            }
            continue;
        }
        if (k == CL_KW_INDEPENDENT) {
            const char *syntax = "name FROM lo TO hi WITH n [START x] (units)";
            cl_ast *lim = mk_cur(p, NK_LIMITS);
            if (!lim || add(p, d, lim) < 0) return NULL;
            lim->flag = 1;
            if (!is_kw(p, CL_KW_FROM)) {
                expected(p, "FROM", syntax);
                return NULL;
            }
            next(p);
            cl_ast *lo = signed_num(p);
            if (!lo || add(p, lim, lo) < 0) return NULL;
            if (!is_kw(p, CL_KW_TO)) {
                expected(p, "TO", syntax);
                return NULL;
            }
            next(p);
            cl_ast *hi = signed_num(p);
            if (!hi || add(p, lim, hi) < 0) return NULL;
            if (!is_kw(p, CL_KW_WITH)) {
                expected(p, "WITH", syntax);
                return NULL;
            }
            cl_ast *with = mk_cur(p, NK_WITH);
            next(p);
            if (!with || add(p, d, with) < 0) return NULL;
            if (!is(p, CL_TK_INT)) {
                expected(p, "an integer after WITH", syntax);
                return NULL;
            }
            if (take_num(p, num_node(p, 0, p->cur.line, p->cur.col), with) < 0) return NULL;
        } else {
            /* ASSIGNED, STATE */
            if (is(p, CL_TK_ASSIGN)) {
                fail_at(p, p->cur.line, p->cur.col,
                        "%s variables take no value here (set them in INITIAL)", bname);
                return NULL;
            }
            if (is(p, CL_TK_LBRACKET)) {
                next(p);
                if (array_size(p, &d->array_len) < 0) return NULL;
                if (!expect(p, CL_TK_RBRACKET, "']'", NULL)) return NULL;
            }
            if (is_kw(p, CL_KW_FROM)) {
                cl_ast *lim = mk_cur(p, NK_LIMITS);
                next(p);
                if (!lim || add(p, d, lim) < 0) return NULL;
                lim->flag = 1;
                cl_ast *lo = signed_num(p);
                if (!lo || add(p, lim, lo) < 0) return NULL;
                if (!is_kw(p, CL_KW_TO)) {
                    expected(p, "TO", "name FROM lo TO hi");
                    return NULL;
                }
                next(p);
                cl_ast *hi = signed_num(p);
                if (!hi || add(p, lim, hi) < 0) return NULL;
            }
        }
        if (is_kw(p, CL_KW_START)) {
            cl_ast *st = mk_cur(p, NK_START);
            next(p);
            if (!st || add(p, d, st) < 0 || take_num(p, signed_num(p), st) < 0) return NULL;
        }
        if (units(p, &d->text) < 0) return NULL;
        if (k != CL_KW_INDEPENDENT && is(p, CL_TK_LT)) {
            cl_ast *tol = mk_cur(p, NK_ABSTOL);
            next(p);
            if (!tol || add(p, d, tol) < 0 ||
                take_num(p, unsigned_num(p, "an absolute tolerance"), tol) < 0)
                return NULL;
            if (!expect(p, CL_TK_GT, "'>' after the tolerance", NULL)) return NULL;
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------- code blocks */

static cl_ast *code_block(P *p, cl_kw k) {
    int line = p->cur.line, col = p->cur.col;
    const char *bname = cl_kw_text(k);
    char owner[128];
    cl_nk kind;
    switch (k) {
    case CL_KW_INITIAL: kind = NK_INITIAL; break;
    case CL_KW_BREAKPOINT: kind = NK_BREAKPOINT; break;
    case CL_KW_CONSTRUCTOR: kind = NK_CONSTRUCTOR; break;
    case CL_KW_DESTRUCTOR: kind = NK_DESTRUCTOR; break;
    case CL_KW_DERIVATIVE: kind = NK_DERIVATIVE; break;
    case CL_KW_KINETIC: kind = NK_KINETIC; break;
    case CL_KW_LINEAR: kind = NK_LINEAR; break;
    case CL_KW_NONLINEAR: kind = NK_NONLINEAR; break;
    case CL_KW_PROCEDURE: kind = NK_PROCEDURE; break;
    case CL_KW_FUNCTION: kind = NK_FUNCTION; break;
    case CL_KW_NET_RECEIVE: kind = NK_NET_RECEIVE; break;
    case CL_KW_FUNCTION_TABLE: kind = NK_FUNCTION_TABLE; break;
    case CL_KW_BEFORE: kind = NK_BEFORE; break;
    default: kind = NK_AFTER; break;
    }
    cl_ast *blk = mk_cur(p, kind);
    if (!blk) return NULL;
    p->block = k;
    p->table_seen = 0;
    snprintf(owner, sizeof owner, "the %s block", bname);
    next(p);
    cl_ast *solvefor = NULL;
    switch (k) {
    case CL_KW_DERIVATIVE:
    case CL_KW_KINETIC:
    case CL_KW_LINEAR:
    case CL_KW_NONLINEAR:
    case CL_KW_PROCEDURE:
    case CL_KW_FUNCTION:
    case CL_KW_FUNCTION_TABLE: {
        char what[64];
        snprintf(what, sizeof what, "a name after %s", bname);
        if (!is_plain_name(p)) {
            expected(p, what, kw_hint(p));
            return NULL;
        }
        if (set_span(p, &blk->name, p->cur.start, p->cur.end) < 0) return NULL;
        snprintf(owner, sizeof owner, "the %s %.*s block", bname,
                 (int)(p->cur.end - p->cur.start > 40 ? 40 : p->cur.end - p->cur.start),
                 p->src + p->cur.start);
        next(p);
        if (k == CL_KW_PROCEDURE || k == CL_KW_FUNCTION || k == CL_KW_FUNCTION_TABLE) {
            cl_ast *a = arglist(p, bname);
            if (!a || add(p, blk, a) < 0) return NULL;
            if (units(p, &blk->text) < 0) return NULL;
            if (k == CL_KW_FUNCTION_TABLE) return blk;
        }
        if ((k == CL_KW_KINETIC || k == CL_KW_LINEAR || k == CL_KW_NONLINEAR) &&
            is_kw(p, CL_KW_SOLVEFOR)) {
            solvefor = mk_cur(p, NK_NAMES);
            next(p);
            if (!solvefor || name_list(p, solvefor, "a name after SOLVEFOR") < 0) return NULL;
        }
        break;
    }
    case CL_KW_NET_RECEIVE: {
        cl_ast *a = arglist(p, "NET_RECEIVE");
        if (!a || add(p, blk, a) < 0) return NULL;
        if (a->nkid == 0) {
            fail_at(p, line, col, "NET_RECEIVE must have at least one argument (the weight)");
            return NULL;
        }
        p->nr_nargs = a->nkid;
        break;
    }
    case CL_KW_BEFORE:
    case CL_KW_AFTER:
        if (!is_kw(p, CL_KW_BREAKPOINT) && !is_kw(p, CL_KW_SOLVE) && !is_kw(p, CL_KW_INITIAL) &&
            !is_kw(p, CL_KW_STEP)) {
            char what[64];
            snprintf(what, sizeof what, "BREAKPOINT, SOLVE, INITIAL or STEP after %s", bname);
            expected(p, what, NULL);
            return NULL;
        }
        if (set_span(p, &blk->name, p->cur.start, p->cur.end) < 0) return NULL;
        snprintf(owner, sizeof owner, "the %s %s block", bname, blk->name);
        next(p);
        break;
    default: break;
    }
    p->blockname = owner;
    cl_ast *body = stmtlist(p, owner, line, col);
    p->blockname = NULL;
    p->block = CL_KW_NONE;
    if (!body || add(p, blk, body) < 0) return NULL;
    if (solvefor && add(p, blk, solvefor) < 0) return NULL;
    return blk;
}

/* ---------------------------------------------------------------- top level */

static const char *const top_words[] = {
    "NEURON", "UNITS", "PARAMETER", "ASSIGNED", "STATE", "CONSTANT", "INDEPENDENT",
    "INITIAL", "BREAKPOINT", "DERIVATIVE", "KINETIC", "LINEAR", "NONLINEAR", "PROCEDURE",
    "FUNCTION", "NET_RECEIVE", "FUNCTION_TABLE", "BEFORE", "AFTER", "CONSTRUCTOR",
    "DESTRUCTOR", "TITLE", "COMMENT", "VERBATIM", "DEFINE", "INCLUDE", "LOCAL", "UNITSON",
    "UNITSOFF",
};

static cl_ast *top(P *p) {
    char dbuf[128];
    switch (p->cur.type) {
    case CL_TK_TITLE: {
        cl_ast *n = mk_cur(p, NK_TITLE);
        size_t s = p->cur.body_start, e = p->cur.body_end;
        const char *bang = memchr(p->src + s, '!', e - s);
        if (bang) e = (size_t)(bang - p->src);
        while (s < e && (p->src[s] == ' ' || p->src[s] == '\t')) s++;
        while (e > s && (p->src[e - 1] == ' ' || p->src[e - 1] == '\t')) e--;
        if (!n || set_span(p, &n->text, s, e) < 0) return NULL;
        next(p);
        return n;
    }
    case CL_TK_COMMENT: next(p); return NULL;
    case CL_TK_VERBATIM: {
        cl_ast *n = mk_cur(p, NK_VERBATIM);
        if (!n || set_block_text(p, &n->text, p->cur.body_start, p->cur.body_end) < 0)
            return NULL;
        next(p);
        return n;
    }
    case CL_TK_NAME: break;
    case CL_TK_RBRACE:
        fail_at(p, p->cur.line, p->cur.col, "'}' closes no block");
        return NULL;
    default:
        fail_at(p, p->cur.line, p->cur.col,
                "expected a block (NEURON, PARAMETER, BREAKPOINT, ...) at the top level, found %s",
                D(&p->cur));
        return NULL;
    }
    cl_kw k = p->cur.kw;
    switch (k) {
    case CL_KW_NEURON: return neuron_block(p);
    case CL_KW_UNITS: return units_block(p);
    case CL_KW_PARAMETER:
    case CL_KW_ASSIGNED:
    case CL_KW_STATE:
    case CL_KW_CONSTANT:
    case CL_KW_INDEPENDENT: return decl_block(p, k);
    case CL_KW_INITIAL:
    case CL_KW_BREAKPOINT:
    case CL_KW_CONSTRUCTOR:
    case CL_KW_DESTRUCTOR:
    case CL_KW_DERIVATIVE:
    case CL_KW_KINETIC:
    case CL_KW_LINEAR:
    case CL_KW_NONLINEAR:
    case CL_KW_PROCEDURE:
    case CL_KW_FUNCTION:
    case CL_KW_NET_RECEIVE:
    case CL_KW_FUNCTION_TABLE:
    case CL_KW_BEFORE:
    case CL_KW_AFTER: return code_block(p, k);
    case CL_KW_LOCAL: return local(p);
    case CL_KW_UNITSON:
    case CL_KW_UNITSOFF: {
        cl_ast *n = mk_cur(p, k == CL_KW_UNITSON ? NK_UNITSON : NK_UNITSOFF);
        next(p);
        return n;
    }
    case CL_KW_DEFINE: {
        cl_ast *n = mk_cur(p, NK_DEFINE);
        next(p);
        if (!n) return NULL;
        if (is(p, CL_TK_INT) && p->cur.define) {
            fail_at(p, p->cur.line, p->cur.col, "%s is already DEFINEd", D(&p->cur));
            return NULL;
        }
        if (!is_plain_name(p)) {
            expected(p, "a name after DEFINE", "DEFINE name integer");
            return NULL;
        }
        size_t ns = p->cur.start, ne = p->cur.end;
        if (set_span(p, &n->name, ns, ne) < 0) return NULL;
        next(p);
        if (!is(p, CL_TK_INT) || p->cur.define) {
            expected(p, "an integer", "DEFINE name integer");
            return NULL;
        }
        size_t vs = p->cur.start, ve = p->cur.end;
        cl_ast *v = num_node(p, 0, p->cur.line, p->cur.col);
        if (!v) return NULL;
        n->text = v->text;
        v->text = NULL;
        if (take_num(p, v, n) < 0) return NULL;
        if (def_add(p, ns, ne - ns, vs, ve - vs) < 0) {
            oom(p);
            return NULL;
        }
        return n;
    }
    case CL_KW_INCLUDE: {
        cl_ast *n = mk_cur(p, NK_INCLUDE);
        next(p);
        if (!is(p, CL_TK_STRING)) {
            expected(p, "a quoted file name after INCLUDE", NULL);
            return NULL;
        }
        if (!n || set_span(p, &n->text, p->cur.start + 1, p->cur.end - 1) < 0) return NULL;
        next(p);
        return n;
    }
    default: break;
    }
    if (is_scop_kw(k)) {
        fail_scop(p);
        return NULL;
    }
    if (k == CL_KW_NONE) {
        const char *hint = NULL;
        for (size_t i = 0; i < sizeof top_words / sizeof top_words[0]; i++) {
            size_t n = strlen(top_words[i]);
            if (n == p->cur.end - p->cur.start &&
                !strncasecmp(top_words[i], p->src + p->cur.start, n))
                hint = top_words[i];
        }
        if (hint)
            fail_at(p, p->cur.line, p->cur.col,
                    "unknown top-level keyword %s (keywords are upper case: %s)", D(&p->cur), hint);
        else
            fail_at(p, p->cur.line, p->cur.col,
                    "unknown top-level keyword %s (expected a block such as NEURON, PARAMETER, "
                    "STATE, BREAKPOINT, PROCEDURE)",
                    D(&p->cur));
        return NULL;
    }
    fail_at(p, p->cur.line, p->cur.col, "%s cannot start a top-level block", D(&p->cur));
    return NULL;
}

cl_ast *cl_nmodl_parse(const char *text, size_t len, const char *name, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    P p;
    memset(&p, 0, sizeof p);
    if (!text) {
        text = "";
        len = 0;
    }
    p.src = text;
    p.fname = name ? name : "<input>";
    p.err = err;
    p.errlen = errlen;
    cl_lex_init(&p.lx, text, len);
    cl_ast *prog = mk(&p, NK_PROGRAM, 1, 1);
    next(&p);
    while (!p.failed && !is(&p, CL_TK_EOF)) {
        cl_ast *b = top(&p);
        if (b) add(&p, prog, b);
    }
    if (p.failed) {
        for (size_t i = 0; i < p.nall; i++) {
            cl_ast *n = p.all[i];
            free(n->kid);
            free(n->name);
            free(n->text);
            free(n->text2);
            free(n);
        }
        prog = NULL;
    }
    free(p.all);
    free(p.defs);
    free(p.defhash);
    return prog;
}

cl_ast *cl_nmodl_parse_file(const char *path, char *err, size_t errlen) {
    if (err && errlen) err[0] = 0;
    if (!path) {
        if (err && errlen) snprintf(err, errlen, "(null): no file name");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (err && errlen) snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int bad = !buf;
    while (!bad) {
        if (len == cap) {
            if (cap >= CL_NMODL_MAX_FILE) {
                if (err && errlen) snprintf(err, errlen, "%s: file larger than 256 MiB", path);
                bad = 2;
                break;
            }
            char *b = realloc(buf, cap * 2);
            if (!b) {
                bad = 1;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) {
                if (err && errlen) snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
                bad = 2;
            }
            break;
        }
    }
    fclose(f);
    if (bad) {
        if (bad == 1 && err && errlen) snprintf(err, errlen, "%s: out of memory", path);
        free(buf);
        return NULL;
    }
    cl_ast *t = cl_nmodl_parse(buf, len, path, err, errlen);
    free(buf);
    return t;
}
