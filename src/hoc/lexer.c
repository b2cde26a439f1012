/* hoc lexer. Follows NEURON's hoc: '//' and block comments,
 * backslash-newline joins lines, numbers as strtod reads them (1e-3, .5),
 * strings with C escapes. */
#include "hoc/lexer.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hoc_lexer_init(hoc_lexer *lx, const char *src, size_t len) {
    lx->src = src;
    lx->len = len;
    lx->pos = 0;
    lx->line = 1;
    lx->col = 1;
    lx->err[0] = '\0';
}

static int peekc(const hoc_lexer *lx, size_t k) {
    return lx->pos + k < lx->len ? (unsigned char)lx->src[lx->pos + k] : -1;
}

static void adv(hoc_lexer *lx) {
    if (lx->pos >= lx->len) return;
    if (lx->src[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->pos++;
}

static const struct { const char *w; hoc_tok t; } keywords[] = {
    {"if", T_IF}, {"else", T_ELSE}, {"for", T_FOR}, {"while", T_WHILE},
    {"break", T_BREAK}, {"continue", T_CONTINUE}, {"return", T_RETURN},
    {"stop", T_STOP}, {"proc", T_PROC}, {"func", T_FUNC}, {"obfunc", T_OBFUNC},
    {"local", T_LOCAL}, {"localobj", T_LOCALOBJ}, {"strdef", T_STRDEF},
    {"objref", T_OBJREF}, {"objectvar", T_OBJVAR}, {"double", T_DOUBLE},
    {"begintemplate", T_BEGINTEMPLATE}, {"endtemplate", T_ENDTEMPLATE},
    {"public", T_PUBLIC}, {"external", T_EXTERNAL}, {"new", T_NEW},
    {"create", T_CREATE}, {"access", T_ACCESS}, {"connect", T_CONNECT},
    {"forall", T_FORALL}, {"forsec", T_FORSEC}, {"ifsec", T_IFSEC},
    {"insert", T_INSERT}, {"uninsert", T_UNINSERT}, {"print", T_PRINT},
    {"delete", T_DELETE}, {"iterator", T_ITERATOR},
    {"iterator_statement", T_ITERSTMT},
};

static hoc_token mk(hoc_tok t, int line, int col) {
    hoc_token k;
    memset(&k, 0, sizeof k);
    k.t = t;
    k.line = line;
    k.col = col;
    return k;
}

static hoc_token fail(hoc_lexer *lx, int line, int col, const char *msg) {
    snprintf(lx->err, sizeof lx->err, "%s", msg);
    return mk(T_ERROR, line, col);
}

/* Skips blanks, comments and line continuations; stops at a newline. */
static int skip_space(hoc_lexer *lx) {
    for (;;) {
        int c = peekc(lx, 0);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            adv(lx);
        } else if (c == '\\' && (peekc(lx, 1) == '\n' || (peekc(lx, 1) == '\r' && peekc(lx, 2) == '\n'))) {
            adv(lx);
            if (peekc(lx, 0) == '\r') adv(lx);
            adv(lx);
        } else if (c == '/' && peekc(lx, 1) == '/') {
            while (peekc(lx, 0) != -1 && peekc(lx, 0) != '\n') adv(lx);
        } else if (c == '/' && peekc(lx, 1) == '*') {
            adv(lx);
            adv(lx);
            for (;;) {
                if (peekc(lx, 0) == -1) return -1;
                if (peekc(lx, 0) == '*' && peekc(lx, 1) == '/') {
                    adv(lx);
                    adv(lx);
                    break;
                }
                adv(lx);
            }
        } else {
            return 0;
        }
    }
}

hoc_token hoc_lex(hoc_lexer *lx) {
    int line = lx->line, col = lx->col;
    if (skip_space(lx) < 0) return fail(lx, line, col, "unterminated /* comment");
    line = lx->line;
    col = lx->col;
    int c = peekc(lx, 0);
    if (c == -1) return mk(T_EOF, line, col);
    if (c == '\n') {
        adv(lx);
        return mk(T_NL, line, col);
    }
    if (isdigit(c) || (c == '.' && isdigit(peekc(lx, 1)))) {
        char buf[128];
        size_t n = 0;
        while (isdigit(peekc(lx, 0)) || peekc(lx, 0) == '.') {
            if (n < sizeof buf - 1) buf[n++] = (char)peekc(lx, 0);
            adv(lx);
        }
        int e = peekc(lx, 0);
        if (e == 'e' || e == 'E') {
            int k = 1;
            if (peekc(lx, 1) == '+' || peekc(lx, 1) == '-') k = 2;
            if (isdigit(peekc(lx, (size_t)k))) {
                for (int i = 0; i < k; i++) {
                    if (n < sizeof buf - 1) buf[n++] = (char)peekc(lx, 0);
                    adv(lx);
                }
                while (isdigit(peekc(lx, 0))) {
                    if (n < sizeof buf - 1) buf[n++] = (char)peekc(lx, 0);
                    adv(lx);
                }
            }
        }
        buf[n] = '\0';
        if (n >= sizeof buf - 1) return fail(lx, line, col, "number too long");
        char *end;
        hoc_token k = mk(T_NUM, line, col);
        k.num = strtod(buf, &end);
        if (*end) return fail(lx, line, col, "malformed number");
        return k;
    }
    if (isalpha(c) || c == '_') {
        size_t start = lx->pos;
        while (isalnum(peekc(lx, 0)) || peekc(lx, 0) == '_') adv(lx);
        size_t n = lx->pos - start;
        for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
            if (strlen(keywords[i].w) == n && memcmp(keywords[i].w, lx->src + start, n) == 0)
                return mk(keywords[i].t, line, col);
        hoc_token k = mk(T_NAME, line, col);
        k.text = malloc(n + 1);
        if (!k.text) return fail(lx, line, col, "out of memory");
        memcpy(k.text, lx->src + start, n);
        k.text[n] = '\0';
        return k;
    }
    if (c == '"') {
        adv(lx);
        size_t cap = 32, n = 0;
        char *s = malloc(cap);
        if (!s) return fail(lx, line, col, "out of memory");
        for (;;) {
            int d = peekc(lx, 0);
            if (d == -1 || d == '\n') {
                free(s);
                return fail(lx, line, col, "unterminated string");
            }
            adv(lx);
            if (d == '"') break;
            if (d == '\\') {
                int e = peekc(lx, 0);
                if (e == -1) continue;
                adv(lx);
                switch (e) {
                case 'n': d = '\n'; break;
                case 't': d = '\t'; break;
                case 'r': d = '\r'; break;
                case 'b': d = '\b'; break;
                case 'f': d = '\f'; break;
                case '\\': d = '\\'; break;
                case '"': d = '"'; break;
                case '\n': continue; /* continuation inside a string */
                default:
                    if (e >= '0' && e <= '7') {
                        d = e - '0';
                        for (int i = 0; i < 2 && peekc(lx, 0) >= '0' && peekc(lx, 0) <= '7'; i++) {
                            d = d * 8 + (peekc(lx, 0) - '0');
                            adv(lx);
                        }
                        d &= 0xff;
                    } else {
                        d = e;
                    }
                }
            }
            if (n + 2 > cap) {
                cap *= 2;
                char *t = realloc(s, cap);
                if (!t) {
                    free(s);
                    return fail(lx, line, col, "out of memory");
                }
                s = t;
            }
            s[n++] = (char)d;
        }
        s[n] = '\0';
        hoc_token k = mk(T_STR, line, col);
        k.text = s;
        return k;
    }
    if (c == '$') {
        adv(lx);
        char kind = 'n';
        int d = peekc(lx, 0);
        if (d == 's' || d == 'o' || d == '&') {
            kind = (char)d;
            adv(lx);
        }
        if (isalpha(peekc(lx, 0)) || peekc(lx, 0) == '_') {
            /* $i: the argument numbered by variable i */
            size_t start = lx->pos;
            while (isalnum(peekc(lx, 0)) || peekc(lx, 0) == '_') adv(lx);
            hoc_token k = mk(T_ARG, line, col);
            k.argkind = kind;
            k.text = malloc(lx->pos - start + 1);
            if (!k.text) return fail(lx, line, col, "out of memory");
            memcpy(k.text, lx->src + start, lx->pos - start);
            k.text[lx->pos - start] = '\0';
            return k;
        }
        if (!isdigit(peekc(lx, 0))) return fail(lx, line, col, "'$' must be followed by an argument number ($1, $s1, $o1, $&1, $i)");
        double v = 0;
        while (isdigit(peekc(lx, 0))) {
            v = v * 10 + (peekc(lx, 0) - '0');
            if (v > 1e6) return fail(lx, line, col, "argument number too large");
            adv(lx);
        }
        hoc_token k = mk(T_ARG, line, col);
        k.num = v;
        k.argkind = kind;
        return k;
    }
    adv(lx);
    int n1 = peekc(lx, 0);
#define TWO(ch, t2, t1) \
    if (n1 == (ch)) {   \
        adv(lx);        \
        return mk(t2, line, col); \
    }                   \
    return mk(t1, line, col)
    switch (c) {
    case '(': return mk(T_LPAREN, line, col);
    case ')': return mk(T_RPAREN, line, col);
    case '{': return mk(T_LBRACE, line, col);
    case '}': return mk(T_RBRACE, line, col);
    case '[': return mk(T_LBRACK, line, col);
    case ']': return mk(T_RBRACK, line, col);
    case ',': return mk(T_COMMA, line, col);
    case ';': return mk(T_SEMI, line, col);
    case '.': return mk(T_DOT, line, col);
    case '^': return mk(T_CARET, line, col);
    case '%': return mk(T_PERCENT, line, col);
    case '+': TWO('=', T_ADDEQ, T_PLUS);
    case '-': TWO('=', T_SUBEQ, T_MINUS);
    case '*': TWO('=', T_MULEQ, T_STAR);
    case '/': TWO('=', T_DIVEQ, T_SLASH);
    case '=': TWO('=', T_EQ, T_ASSIGN);
    case '!': TWO('=', T_NE, T_NOT);
    case '<': TWO('=', T_LE, T_LT);
    case '>': TWO('=', T_GE, T_GT);
    case '&': TWO('&', T_AND, T_AMP);
    case '|':
        if (n1 == '|') {
            adv(lx);
            return mk(T_OR, line, col);
        }
        break;
    default: break;
    }
#undef TWO
    char msg[64];
    if (c >= 32 && c < 127) snprintf(msg, sizeof msg, "unexpected character '%c'", c);
    else snprintf(msg, sizeof msg, "unexpected byte 0x%02x", (unsigned)c);
    return fail(lx, line, col, msg);
}

const char *hoc_tok_name(hoc_tok t) {
    static const char *names[] = {
        "end of file", "newline", "number", "string", "name", "$argument",
        "'if'", "'else'", "'for'", "'while'", "'break'", "'continue'", "'return'", "'stop'",
        "'proc'", "'func'", "'obfunc'", "'local'", "'localobj'", "'strdef'", "'objref'",
        "'objectvar'", "'double'", "'begintemplate'", "'endtemplate'", "'public'", "'external'",
        "'new'", "'create'", "'access'", "'connect'", "'forall'", "'forsec'", "'ifsec'",
        "'insert'", "'uninsert'", "'print'", "'delete'", "'iterator'", "'iterator_statement'",
        "'('", "')'", "'{'", "'}'", "'['", "']'", "','", "';'", "'.'", "'&'", "'='", "'+='",
        "'-='", "'*='", "'/='", "'+'", "'-'", "'*'", "'/'", "'%'", "'^'", "'!'",
        "'=='", "'!='", "'<'", "'<='", "'>'", "'>='", "'&&'", "'||'", "malformed input",
    };
    return (unsigned)t < sizeof names / sizeof names[0] ? names[t] : "?";
}
