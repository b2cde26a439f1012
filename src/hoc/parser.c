/* hoc recursive-descent parser. The grammar follows NEURON's hoc as the
 * Blue Brain templates use it: statements end at a newline or ';' or simply
 * where the next statement begins; `sec stmt` runs stmt with sec as the
 * current section. Operator precedence as in hoc: || < && < comparisons <
 * + - < * / % < unary - ! < ^ (right associative). */
#include "hoc/parser.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoc/lexer.h"

#define MAX_DEPTH 200

typedef struct P {
    hoc_lexer lx;
    hoc_token tok;   /* current token */
    int prev_line;   /* line of the previous token */
    hoc_unit *u;
    char *err;
    size_t errlen;
    int failed;
    int depth;
    int paren;       /* inside ( ): newlines are skipped */
} P;

static void perr(P *p, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void perr(P *p, int line, int col, const char *fmt, ...) {
    if (p->failed) return;
    p->failed = 1;
    if (p->tok.t == T_EOF && line == p->tok.line && p->prev_line > 0) {
        line = p->prev_line; /* as NEURON: the error is on the last line read */
        col = 1;
    }
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errlen, "%s:%d:%d: %s", p->u->file, line, col, msg);
}

static void next(P *p) {
    free(p->tok.text);
    p->prev_line = p->tok.line;
    for (;;) {
        p->tok = hoc_lex(&p->lx);
        if (p->tok.t == T_ERROR) {
            perr(p, p->tok.line, p->tok.col, "%s", p->lx.err);
            p->tok.t = T_EOF;
        }
        if (p->tok.t == T_NL && p->paren > 0) continue;
        break;
    }
}

/* The token after the current one (lexer state copied and restored). */
static hoc_tok peek2(P *p) {
    hoc_lexer save = p->lx;
    hoc_token t;
    do {
        t = hoc_lex(&p->lx);
        free(t.text);
    } while (t.t == T_NL && p->paren > 0);
    p->lx = save;
    return t.t;
}

static int accept(P *p, hoc_tok t) {
    if (p->tok.t == t) {
        next(p);
        return 1;
    }
    return 0;
}

static void expect(P *p, hoc_tok t, const char *where) {
    if (p->tok.t != t) {
        perr(p, p->tok.line, p->tok.col, "expected %s %s, found %s", hoc_tok_name(t), where, hoc_tok_name(p->tok.t));
        return;
    }
    next(p);
}

static hoc_node *node(P *p, hoc_kind k) {
    hoc_node *n = hoc_node_new(p->u, k, p->tok.line, p->tok.col);
    if (!n) {
        perr(p, p->tok.line, p->tok.col, "out of memory");
        /* a static dummy keeps the parser going until it unwinds */
        static _Thread_local hoc_node dummy;
        memset(&dummy, 0, sizeof dummy);
        return &dummy;
    }
    return n;
}

static void push(P *p, hoc_node *n, int which, hoc_node *item) {
    if (p->failed) return;
    if (hoc_node_push(n, which, item)) perr(p, n->line, n->col, "out of memory");
}

static char *take_name(P *p) {
    char *s = p->tok.text;
    p->tok.text = NULL;
    return s;
}

static void skip_nl(P *p) {
    while (p->tok.t == T_NL || p->tok.t == T_SEMI) next(p);
}

static hoc_node *expr(P *p);
static hoc_node *statement(P *p);

static void call_args(P *p, hoc_node *n) {
    /* current token is '(' */
    n->has_call = 1;
    p->paren++;
    next(p);
    if (p->tok.t != T_RPAREN) {
        for (;;) {
            push(p, n, 1, expr(p));
            if (p->failed || !accept(p, T_COMMA)) break;
        }
    }
    p->paren--;
    expect(p, T_RPAREN, "to close the argument list");
}

static void indices(P *p, hoc_node *n) {
    while (!p->failed && p->tok.t == T_LBRACK) {
        p->paren++;
        next(p);
        push(p, n, 0, expr(p));
        p->paren--;
        expect(p, T_RBRACK, "after an index");
    }
}

/* name[i]...(args) then .member[i](args)... */
static hoc_node *postfix(P *p) {
    hoc_node *n;
    if (p->tok.t == T_NAME) {
        n = node(p, N_VAR);
        n->name = take_name(p);
        next(p);
        indices(p, n);
        if (p->tok.t == T_LPAREN) call_args(p, n);
    } else if (p->tok.t == T_ARG) {
        n = node(p, N_ARG);
        n->num = p->tok.num;
        n->argkind = p->tok.argkind;
        if (p->tok.text) {
            hoc_node *iv = node(p, N_VAR);
            iv->name = take_name(p);
            n->a = iv;
        }
        next(p);
    } else {
        perr(p, p->tok.line, p->tok.col, "expected a name, found %s", hoc_tok_name(p->tok.t));
        return node(p, N_EMPTY);
    }
    while (!p->failed && p->tok.t == T_DOT) {
        next(p);
        if (p->tok.t != T_NAME) {
            perr(p, p->tok.line, p->tok.col, "expected a member name after '.', found %s", hoc_tok_name(p->tok.t));
            break;
        }
        hoc_node *m = node(p, N_MEMBER);
        m->a = n;
        m->name = take_name(p);
        next(p);
        indices(p, m);
        if (p->tok.t == T_LPAREN) call_args(p, m);
        n = m;
    }
    return n;
}

static hoc_node *unary(P *p);

static hoc_node *primary(P *p) {
    if (++p->depth > MAX_DEPTH) {
        perr(p, p->tok.line, p->tok.col, "expression nested too deeply");
        return node(p, N_EMPTY);
    }
    hoc_node *n;
    switch (p->tok.t) {
    case T_NUM:
        n = node(p, N_NUM);
        n->num = p->tok.num;
        next(p);
        break;
    case T_STR:
        n = node(p, N_STR);
        n->name = take_name(p);
        next(p);
        break;
    case T_LPAREN:
        p->paren++;
        next(p);
        n = expr(p);
        p->paren--;
        expect(p, T_RPAREN, "to close '('");
        break;
    case T_NEW:
        n = node(p, N_NEW);
        next(p);
        if (p->tok.t != T_NAME) {
            perr(p, p->tok.line, p->tok.col, "expected a template name after 'new'");
            break;
        }
        n->name = take_name(p);
        next(p);
        if (p->tok.t == T_LPAREN) call_args(p, n);
        else perr(p, p->tok.line, p->tok.col, "expected '(' after 'new %s'", n->name);
        break;
    case T_AMP:
        n = node(p, N_ADDR);
        next(p);
        n->a = postfix(p);
        break;
    default:
        n = postfix(p);
    }
    p->depth--;
    return n;
}

/* base ^ unary  (right associative, binds tighter than unary minus) */
static hoc_node *power(P *p, hoc_node *left) {
    hoc_node *b = left ? left : primary(p);
    if (p->tok.t == T_CARET) {
        hoc_node *n = node(p, N_BIN);
        n->op = T_CARET;
        next(p);
        n->a = b;
        n->b = unary(p);
        return n;
    }
    return b;
}

static hoc_node *unary(P *p) {
    if (p->tok.t == T_MINUS || p->tok.t == T_NOT || p->tok.t == T_PLUS) {
        if (++p->depth > MAX_DEPTH) {
            perr(p, p->tok.line, p->tok.col, "expression nested too deeply");
            return node(p, N_EMPTY);
        }
        hoc_tok op = p->tok.t;
        hoc_node *n = node(p, N_UNARY);
        n->op = op;
        next(p);
        n->a = unary(p);
        p->depth--;
        return op == T_PLUS ? n->a : n;
    }
    return power(p, NULL);
}

static int prec(hoc_tok t) {
    switch (t) {
    case T_OR: return 1;
    case T_AND: return 2;
    case T_EQ: case T_NE: case T_LT: case T_LE: case T_GT: case T_GE: return 3;
    case T_PLUS: case T_MINUS: return 4;
    case T_STAR: case T_SLASH: case T_PERCENT: return 5;
    default: return 0;
    }
}

static hoc_node *binary(P *p, int minp, hoc_node *left) {
    hoc_node *l = left ? power(p, left) : unary(p);
    for (;;) {
        int pr = prec(p->tok.t);
        if (!pr || pr < minp || p->failed) return l;
        hoc_node *n = node(p, N_BIN);
        n->op = p->tok.t;
        next(p);
        n->a = l;
        n->b = binary(p, pr + 1, NULL);
        l = n;
    }
}

static int is_assign(hoc_tok t) {
    return t == T_ASSIGN || t == T_ADDEQ || t == T_SUBEQ || t == T_MULEQ || t == T_DIVEQ;
}

/* An expression whose leftmost operand may already be parsed. */
static hoc_node *expr_from(P *p, hoc_node *left) {
    hoc_node *l = binary(p, 1, left);
    if (is_assign(p->tok.t) && !p->failed) {
        if (l->kind != N_VAR && l->kind != N_MEMBER && l->kind != N_ARG) {
            perr(p, p->tok.line, p->tok.col, "left side of %s is not assignable", hoc_tok_name(p->tok.t));
            return l;
        }
        if (++p->depth > MAX_DEPTH) {
            perr(p, p->tok.line, p->tok.col, "expression nested too deeply");
            return l;
        }
        hoc_node *n = node(p, N_ASSIGN);
        n->op = p->tok.t;
        next(p);
        n->a = l;
        n->b = expr_from(p, NULL);
        p->depth--;
        return n;
    }
    return l;
}

static hoc_node *expr(P *p) { return expr_from(p, NULL); }

/* name[dim]... , name ... */
static void decl_list(P *p, hoc_node *n, int dims_ok) {
    for (;;) {
        if (p->tok.t != T_NAME) {
            perr(p, p->tok.line, p->tok.col, "expected a name to declare, found %s", hoc_tok_name(p->tok.t));
            return;
        }
        hoc_node *d = node(p, N_DECL);
        d->name = take_name(p);
        next(p);
        if (dims_ok) indices(p, d);
        else if (p->tok.t == T_LBRACK) perr(p, p->tok.line, p->tok.col, "'%s' cannot be an array here", d->name);
        push(p, n, 0, d);
        if (p->failed || !accept(p, T_COMMA)) return;
    }
}

/* Starts a statement on the same line after a section reference? */
static int starts_stmt(P *p) {
    if (p->tok.line != p->prev_line) return 0;
    switch (p->tok.t) {
    case T_NAME: case T_ARG: case T_LBRACE: case T_CONNECT: case T_INSERT: case T_UNINSERT:
    case T_FOR: case T_IF: case T_WHILE: case T_PRINT: case T_ACCESS: case T_FORSEC: case T_FORALL:
    case T_IFSEC:
        return 1;
    default:
        return 0;
    }
}

static hoc_node *block(P *p) {
    hoc_node *b = node(p, N_BLOCK);
    expect(p, T_LBRACE, "to open a block");
    int save = p->paren;
    p->paren = 0;
    for (;;) {
        skip_nl(p);
        if (p->failed || p->tok.t == T_RBRACE || p->tok.t == T_EOF) break;
        push(p, b, 0, statement(p));
    }
    p->paren = save;
    if (p->tok.t != T_RBRACE) perr(p, b->line, b->col, "'{' is never closed");
    else next(p);
    return b;
}

/* The statement after a control header: newlines may separate them. */
static hoc_node *body(P *p) {
    while (p->tok.t == T_NL) next(p);
    return statement(p);
}

static hoc_node *funcdef(P *p) {
    hoc_node *n = node(p, N_FUNCDEF);
    n->op = p->tok.t;
    next(p);
    if (p->tok.t != T_NAME) {
        perr(p, p->tok.line, p->tok.col, "expected a name after %s", hoc_tok_name((hoc_tok)n->op));
        return n;
    }
    n->name = take_name(p);
    next(p);
    expect(p, T_LPAREN, "after the procedure name");
    expect(p, T_RPAREN, "(hoc procedures take no named parameters; use $1, $s2, $o3)");
    while (p->tok.t == T_NL) next(p);
    if (p->tok.t != T_LBRACE) {
        perr(p, p->tok.line, p->tok.col, "expected '{' to begin the body of %s", n->name);
        return n;
    }
    n->a = block(p);
    return n;
}

static hoc_node *statement(P *p) {
    if (++p->depth > MAX_DEPTH) {
        perr(p, p->tok.line, p->tok.col, "statements nested too deeply");
        return node(p, N_EMPTY);
    }
    hoc_node *n = NULL;
    switch (p->tok.t) {
    case T_LBRACE:
        n = block(p);
        break;
    case T_IF:
        n = node(p, N_IF);
        next(p);
        expect(p, T_LPAREN, "after 'if'");
        p->paren++;
        n->a = expr(p);
        p->paren--;
        expect(p, T_RPAREN, "after the condition");
        if (p->failed) break;
        n->b = body(p);
        {
            /* 'else' may follow on a later line */
            hoc_lexer save = p->lx;
            hoc_token savet = p->tok;
            int saveprev = p->prev_line;
            int nl = 0;
            while (p->tok.t == T_NL) {
                p->tok = hoc_lex(&p->lx);
                nl = 1;
            }
            if (p->tok.t == T_ELSE) {
                next(p);
                n->c = body(p);
            } else if (nl) {
                free(p->tok.text);
                p->lx = save;
                p->tok = savet;
                p->prev_line = saveprev;
            }
        }
        break;
    case T_WHILE:
        n = node(p, N_WHILE);
        next(p);
        expect(p, T_LPAREN, "after 'while'");
        p->paren++;
        n->a = expr(p);
        p->paren--;
        expect(p, T_RPAREN, "after the condition");
        if (!p->failed) n->b = body(p);
        break;
    case T_FOR: {
        int line = p->tok.line, col = p->tok.col;
        next(p);
        if (p->tok.t == T_NAME && peek2(p) == T_ASSIGN) {
            /* for i = a, b stmt */
            n = hoc_node_new(p->u, N_FORRANGE, line, col);
            if (!n) { perr(p, line, col, "out of memory"); n = node(p, N_EMPTY); break; }
            n->a = postfix(p);
            expect(p, T_ASSIGN, "in 'for i = a, b'");
            n->b = expr(p);
            expect(p, T_COMMA, "in 'for i = a, b'");
            n->c = expr(p);
            if (!p->failed) n->d = body(p);
            break;
        }
        expect(p, T_LPAREN, "after 'for'");
        p->paren++;
        if (p->tok.t == T_NAME && (peek2(p) == T_RPAREN || peek2(p) == T_COMMA)) {
            /* for (x) / for (x, 0): segment centers of the current section */
            n = hoc_node_new(p->u, N_FORX, line, col);
            if (!n) { perr(p, line, col, "out of memory"); n = node(p, N_EMPTY); break; }
            n->a = postfix(p);
            if (accept(p, T_COMMA)) n->b = expr(p);
            p->paren--;
            expect(p, T_RPAREN, "after 'for (x'");
            if (!p->failed) n->d = body(p);
            break;
        }
        n = hoc_node_new(p->u, N_FOR, line, col);
        if (!n) { perr(p, line, col, "out of memory"); n = node(p, N_EMPTY); break; }
        if (p->tok.t != T_SEMI) n->a = expr(p);
        expect(p, T_SEMI, "in 'for (init; condition; step)'");
        if (p->tok.t != T_SEMI) n->b = expr(p);
        expect(p, T_SEMI, "in 'for (init; condition; step)'");
        if (p->tok.t != T_RPAREN) n->c = expr(p);
        p->paren--;
        expect(p, T_RPAREN, "to close 'for ('");
        if (!p->failed) n->d = body(p);
        break;
    }
    case T_BREAK: n = node(p, N_BREAK); next(p); break;
    case T_CONTINUE: n = node(p, N_CONTINUE); next(p); break;
    case T_STOP: n = node(p, N_STOP); next(p); break;
    case T_RETURN:
        n = node(p, N_RETURN);
        next(p);
        if (p->tok.t != T_NL && p->tok.t != T_SEMI && p->tok.t != T_RBRACE && p->tok.t != T_EOF) n->a = expr(p);
        break;
    case T_PROC: case T_FUNC: case T_OBFUNC:
        n = funcdef(p);
        break;
    case T_ITERATOR:
        perr(p, p->tok.line, p->tok.col, "'iterator' definitions are not supported");
        n = node(p, N_EMPTY);
        break;
    case T_LOCAL: case T_LOCALOBJ: case T_STRDEF: case T_OBJREF: case T_OBJVAR: case T_DOUBLE:
    case T_PUBLIC: case T_EXTERNAL: case T_CREATE: {
        hoc_tok t = p->tok.t;
        hoc_kind k = t == T_LOCAL ? N_LOCAL : t == T_LOCALOBJ ? N_LOCALOBJ : t == T_STRDEF ? N_STRDEF
                   : t == T_DOUBLE ? N_DOUBLE : t == T_PUBLIC ? N_PUBLIC : t == T_EXTERNAL ? N_EXTERNAL
                   : t == T_CREATE ? N_CREATE : N_OBJREF;
        n = node(p, k);
        next(p);
        decl_list(p, n, k == N_STRDEF || k == N_OBJREF || k == N_DOUBLE || k == N_CREATE);
        break;
    }
    case T_BEGINTEMPLATE: {
        n = node(p, N_TEMPLATE);
        next(p);
        if (p->tok.t != T_NAME) {
            perr(p, p->tok.line, p->tok.col, "expected a template name after 'begintemplate'");
            break;
        }
        n->name = take_name(p);
        next(p);
        hoc_node *b = node(p, N_BLOCK);
        n->a = b;
        for (;;) {
            skip_nl(p);
            if (p->failed) break;
            if (p->tok.t == T_EOF) {
                perr(p, n->line, n->col, "template '%s' has no 'endtemplate'", n->name);
                break;
            }
            if (p->tok.t == T_ENDTEMPLATE) {
                next(p);
                if (p->tok.t != T_NAME || strcmp(p->tok.text, n->name) != 0)
                    perr(p, p->tok.line, p->tok.col, "expected 'endtemplate %s'", n->name);
                else
                    next(p);
                break;
            }
            if (p->tok.t == T_BEGINTEMPLATE) {
                perr(p, p->tok.line, p->tok.col, "templates cannot be nested (missing 'endtemplate %s')", n->name);
                break;
            }
            push(p, b, 0, statement(p));
        }
        break;
    }
    case T_ENDTEMPLATE:
        perr(p, p->tok.line, p->tok.col, "'endtemplate' without 'begintemplate'");
        n = node(p, N_EMPTY);
        break;
    case T_ACCESS:
        n = node(p, N_ACCESS);
        next(p);
        n->a = postfix(p);
        break;
    case T_CONNECT: {
        /* connect child(x), parent(y)  |  connect child(x), y (parent = current section) */
        n = node(p, N_CONNECT);
        next(p);
        n->a = postfix(p);
        expect(p, T_COMMA, "in 'connect child(x), parent(y)'");
        if (p->failed) break;
        hoc_node *e = expr(p);
        if (e->kind == N_VAR || e->kind == N_MEMBER) n->c = e;
        else n->d = e;
        break;
    }
    case T_FORALL:
        n = node(p, N_FORALL);
        next(p);
        n->a = body(p);
        break;
    case T_FORSEC: case T_IFSEC:
        n = node(p, p->tok.t == T_FORSEC ? N_FORSEC : N_IFSEC);
        next(p);
        n->a = expr(p);
        if (!p->failed) n->b = body(p);
        break;
    case T_INSERT: case T_UNINSERT:
        n = node(p, p->tok.t == T_INSERT ? N_INSERT : N_UNINSERT);
        next(p);
        if (p->tok.t != T_NAME) {
            perr(p, p->tok.line, p->tok.col, "expected a mechanism name after %s", n->kind == N_INSERT ? "'insert'" : "'uninsert'");
            break;
        }
        n->name = take_name(p);
        next(p);
        break;
    case T_PRINT:
        n = node(p, N_PRINT);
        next(p);
        for (;;) {
            push(p, n, 0, expr(p));
            if (p->failed || !accept(p, T_COMMA)) break;
        }
        break;
    case T_NAME: case T_ARG: {
        hoc_node *e = postfix(p);
        int bare = (e->kind == N_VAR || e->kind == N_MEMBER) && !e->has_call;
        if (!p->failed && bare && starts_stmt(p)) {
            n = hoc_node_new(p->u, N_SECSTMT, e->line, e->col);
            if (!n) { perr(p, e->line, e->col, "out of memory"); n = node(p, N_EMPTY); break; }
            n->a = e;
            n->b = statement(p);
            break;
        }
        n = hoc_node_new(p->u, N_EXPR, e->line, e->col);
        if (!n) { perr(p, e->line, e->col, "out of memory"); n = node(p, N_EMPTY); break; }
        n->a = expr_from(p, e);
        break;
    }
    case T_ELSE:
        perr(p, p->tok.line, p->tok.col, "'else' without 'if'");
        n = node(p, N_EMPTY);
        break;
    default: {
        int line = p->tok.line, col = p->tok.col;
        n = hoc_node_new(p->u, N_EXPR, line, col);
        if (!n) { perr(p, line, col, "out of memory"); n = node(p, N_EMPTY); break; }
        if (p->tok.t == T_EOF || p->tok.t == T_RBRACE || p->tok.t == T_RPAREN || p->tok.t == T_RBRACK ||
            p->tok.t == T_COMMA || is_assign(p->tok.t)) {
            perr(p, line, col, "unexpected %s", hoc_tok_name(p->tok.t));
            break;
        }
        n->a = expr(p);
    }
    }
    p->depth--;
    if (!n) n = node(p, N_EMPTY);
    return n;
}

struct hoc_parser {
    P p;
};

hoc_parser *hoc_parser_open(const char *src, size_t len, hoc_unit *unit, char *err, size_t errlen) {
    hoc_parser *ps = calloc(1, sizeof *ps);
    if (!ps) return NULL;
    P *p = &ps->p;
    p->u = unit;
    p->err = err;
    p->errlen = errlen;
    if (errlen) err[0] = '\0';
    hoc_lexer_init(&p->lx, src, len);
    p->tok.t = T_NL;
    next(p);
    return ps;
}

int hoc_parser_next(hoc_parser *ps, hoc_node **stmt) {
    P *p = &ps->p;
    *stmt = NULL;
    if (p->failed) return -1;
    skip_nl(p);
    if (p->failed) return -1;
    if (p->tok.t == T_EOF) return 0;
    if (p->tok.t == T_RBRACE) {
        perr(p, p->tok.line, p->tok.col, "unmatched '}'");
        return -1;
    }
    *stmt = statement(p);
    return p->failed ? -1 : 1;
}

void hoc_parser_close(hoc_parser *ps) {
    if (!ps) return;
    free(ps->p.tok.text);
    free(ps);
}

hoc_unit *hoc_parse(const char *src, size_t len, const char *file, char *err, size_t errlen) {
    hoc_unit *u = hoc_unit_new(file);
    if (!u) {
        snprintf(err, errlen, "%s: out of memory", file ? file : "<string>");
        return NULL;
    }
    hoc_parser *ps = hoc_parser_open(src, len, u, err, errlen);
    hoc_node *root = ps ? hoc_node_new(u, N_BLOCK, 1, 1) : NULL;
    if (!root) {
        hoc_parser_close(ps);
        hoc_unit_free(u);
        snprintf(err, errlen, "%s: out of memory", file ? file : "<string>");
        return NULL;
    }
    u->root = root;
    hoc_node *st;
    int r;
    while ((r = hoc_parser_next(ps, &st)) == 1) {
        if (hoc_node_push(root, 0, st)) {
            snprintf(err, errlen, "%s: out of memory", u->file);
            r = -1;
            break;
        }
    }
    hoc_parser_close(ps);
    if (r < 0) {
        hoc_unit_free(u);
        return NULL;
    }
    return u;
}
