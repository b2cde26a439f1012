/* Distribution formulas evaluated as Python's eval() does (see expr.h).
 * A recursive-descent reader that computes while it parses, with Python's
 * grammar for the subset:
 *   expr   := term (('+' | '-') term)*
 *   term   := factor (('*' | '/') factor)*
 *   factor := ('+' | '-') factor | power
 *   power  := atom ['**' factor]
 *   atom   := NUMBER | '(' expr ')' | NAME | NAME '(' args ')'
 * Each operation is one C double operation, as Python's float ops are. */
#include "model/expr.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_END, T_NUM, T_NAME, T_LP, T_RP, T_COMMA, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_POW };

enum { MAX_DEPTH = 100, MAX_NAME = 64 };

typedef struct {
    const char *src;
    size_t pos;
    const cl_expr_vars *vars;
    char *err;
    size_t errlen;
    int failed, depth;
    int check; /* syntax only: placeholders read as 1, no run-time errors */
    /* current token */
    int tok;
    size_t col; /* 1-based column of the current token */
    double num;
    char name[MAX_NAME];
    /* a negative placeholder is read as '-' then its magnitude */
    int queued;
    double queued_num;
    size_t queued_col;
} parser;

static int fail_at(parser *p, size_t col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(parser *p, size_t col, const char *fmt, ...) {
    if (p->failed) return -1;
    p->failed = 1;
    if (p->err && p->errlen) {
        int k = snprintf(p->err, p->errlen, "column %zu: ", col);
        if (k < 0) k = 0;
        if ((size_t)k < p->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->err + k, p->errlen - (size_t)k, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

/* A run-time error (Python would raise while evaluating): -1, or 1 in
 * check mode, where the caller carries on with 1.0. */
static int runtime_err(parser *p, size_t col, const char *msg) {
    if (p->check) return 1;
    return fail_at(p, col, "%s", msg);
}

static int is_ident(int c) { return isalnum(c) || c == '_'; }

/* Read "{name}" at p->pos (just past '{' is start); the name's length or -1. */
static int read_placeholder(const char *s, size_t start, size_t *name_len, size_t *end) {
    size_t i = start;
    while (s[i] && s[i] != '}' && s[i] != '{') {
        if (!is_ident((unsigned char)s[i])) return -1;
        i++;
    }
    if (s[i] != '}' || i == start) return -1;
    *name_len = i - start;
    *end = i + 1;
    return 0;
}

static int placeholder_value(parser *p, const char *name, size_t len, size_t col, double *out) {
    if (p->check) {
        *out = 1.;
        return 0;
    }
    if (p->vars)
        for (size_t i = 0; i < p->vars->n; i++)
            if (strlen(p->vars->names[i]) == len && memcmp(p->vars->names[i], name, len) == 0) {
                *out = p->vars->vals[i];
                if (!isfinite(*out))
                    return fail_at(p, col, "{%.*s} is %g, which Python cannot read back", (int)len, name, *out);
                return 0;
            }
    return fail_at(p, col, "unknown placeholder {%.*s}", (int)len, name);
}

static int next(parser *p) {
    if (p->failed) return -1;
    if (p->queued) {
        p->queued = 0;
        p->tok = T_NUM;
        p->num = p->queued_num;
        p->col = p->queued_col;
        return 0;
    }
    const char *s = p->src;
    while (s[p->pos] == ' ' || s[p->pos] == '\t')
        p->pos++;
    size_t i = p->pos;
    p->col = i + 1;
    unsigned char c = (unsigned char)s[i];
    if (!c) {
        p->tok = T_END;
        return 0;
    }
    if (c == '{') {
        size_t len, end;
        if (s[i + 1] == '{') return fail_at(p, p->col, "'{{' (a literal brace) is not a number");
        if (read_placeholder(s, i + 1, &len, &end) != 0)
            return fail_at(p, p->col, "malformed placeholder (expected {name} with a plain name)");
        if ((i > 0 && (is_ident((unsigned char)s[i - 1]) || s[i - 1] == '.')) || is_ident((unsigned char)s[end]) ||
            s[end] == '.')
            return fail_at(p, p->col, "placeholder {%.*s} touches a number or name", (int)len, s + i + 1);
        double v = 0;
        if (placeholder_value(p, s + i + 1, len, p->col, &v) != 0) return -1;
        p->pos = end;
        if (signbit(v)) { /* Python reads "-x": a unary minus, then x */
            p->tok = T_MINUS;
            p->queued = 1;
            p->queued_num = -v;
            p->queued_col = p->col;
        } else {
            p->tok = T_NUM;
            p->num = v;
        }
        return 0;
    }
    if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[i + 1]))) {
        size_t j = i;
        while (isdigit((unsigned char)s[j]))
            j++;
        if (s[j] == '.') {
            j++;
            while (isdigit((unsigned char)s[j]))
                j++;
        }
        if (s[j] == 'e' || s[j] == 'E') {
            size_t k = j + 1;
            if (s[k] == '+' || s[k] == '-') k++;
            if (!isdigit((unsigned char)s[k])) return fail_at(p, p->col, "malformed exponent in number");
            while (isdigit((unsigned char)s[k]))
                k++;
            j = k;
        }
        if (s[j] == '{') return fail_at(p, j + 1, "placeholder touches a number or name");
        if (is_ident((unsigned char)s[j]) || s[j] == '.') return fail_at(p, p->col, "malformed number");
        char buf[128];
        if (j - i >= sizeof buf) return fail_at(p, p->col, "number too long");
        memcpy(buf, s + i, j - i);
        buf[j - i] = 0;
        p->num = strtod(buf, NULL); /* correctly rounded, as Python's float() */
        p->tok = T_NUM;
        p->pos = j;
        return 0;
    }
    if (isalpha(c) || c == '_') {
        size_t j = i;
        while (is_ident((unsigned char)s[j]) || (s[j] == '.' && is_ident((unsigned char)s[j + 1])))
            j++;
        if (j - i >= MAX_NAME) return fail_at(p, p->col, "name too long");
        memcpy(p->name, s + i, j - i);
        p->name[j - i] = 0;
        p->tok = T_NAME;
        p->pos = j;
        return 0;
    }
    p->pos = i + 1;
    switch (c) {
    case '(': p->tok = T_LP; return 0;
    case ')': p->tok = T_RP; return 0;
    case ',': p->tok = T_COMMA; return 0;
    case '+': p->tok = T_PLUS; return 0;
    case '-': p->tok = T_MINUS; return 0;
    case '/':
        if (s[i + 1] == '/') return fail_at(p, p->col, "'//' (floor division) is not supported");
        p->tok = T_SLASH;
        return 0;
    case '*':
        if (s[i + 1] == '*') {
            p->pos = i + 2;
            p->tok = T_POW;
        } else
            p->tok = T_STAR;
        return 0;
    default:
        if (isprint(c)) return fail_at(p, p->col, "unexpected '%c'", c);
        return fail_at(p, p->col, "unexpected byte 0x%02x", c);
    }
}

static int expr(parser *p, double *out);
static int factor(parser *p, double *out);

/* Python's float ** (float_pow): its error cases, then C's pow. */
static int py_pow(parser *p, size_t col, double a, double b, double *out) {
    const char *bad = NULL;
    double r = pow(a, b);
    if (a == 0 && b < 0)
        bad = "0 raised to a negative power (ZeroDivisionError in Python)";
    else if (a < 0 && isfinite(a) && isfinite(b) && b != floor(b))
        bad = "negative number raised to a fractional power (a complex number in Python)";
    else if (isinf(r) && isfinite(a) && isfinite(b))
        bad = "overflow in power";
    if (bad) {
        if (runtime_err(p, col, bad) < 0) return -1;
        r = 1.;
    }
    *out = r;
    return 0;
}

static int call(parser *p, const char *fn, size_t col, const double *a, int n, double *out) {
    int want = -1; /* -1: two or more */
    if (!strcmp(fn, "math.exp") || !strcmp(fn, "math.sqrt") || !strcmp(fn, "math.fabs") || !strcmp(fn, "abs"))
        want = 1;
    else if (!strcmp(fn, "math.pow"))
        want = 2;
    else if (!strcmp(fn, "math.log")) {
        if (n != 1 && n != 2) return fail_at(p, col, "math.log takes 1 or 2 arguments, not %d", n);
        want = n;
    } else if (!strcmp(fn, "min") || !strcmp(fn, "max")) {
        if (n < 2) return fail_at(p, col, "%s needs at least 2 arguments here", fn);
        want = n;
    } else if (!strncmp(fn, "math.", 5))
        return fail_at(p, col,
                       "unknown function %s (supported: math.exp, math.log, math.sqrt, math.pow, "
                       "math.fabs)",
                       fn);
    else if (!strcmp(fn, "exp") || !strcmp(fn, "log") || !strcmp(fn, "sqrt") || !strcmp(fn, "pow"))
        return fail_at(p, col, "unknown function %s (Python needs math.%s)", fn, fn);
    else
        return fail_at(p, col, "unknown function %s", fn);
    if (n != want) return fail_at(p, col, "%s takes %d argument%s, not %d", fn, want, want == 1 ? "" : "s", n);
    if (p->check) { /* no run-time errors in a syntax check */
        *out = 1.;
        return 0;
    }
    if (!strcmp(fn, "math.exp")) {
        double r = exp(a[0]);
        if (isinf(r) && isfinite(a[0])) return fail_at(p, col, "overflow in math.exp");
        *out = r;
    } else if (!strcmp(fn, "math.sqrt")) {
        if (a[0] < 0) return fail_at(p, col, "math domain error (sqrt of a negative number)");
        *out = sqrt(a[0]);
    } else if (!strcmp(fn, "math.fabs") || !strcmp(fn, "abs")) {
        *out = fabs(a[0]);
    } else if (!strcmp(fn, "math.pow")) {
        if (a[0] == 0 && a[1] < 0) return fail_at(p, col, "math domain error (0 to a negative power)");
        if (a[0] < 0 && isfinite(a[0]) && isfinite(a[1]) && a[1] != floor(a[1]))
            return fail_at(p, col, "math domain error (negative number to a fractional power)");
        double r = pow(a[0], a[1]);
        if (isinf(r) && isfinite(a[0]) && isfinite(a[1])) return fail_at(p, col, "overflow in math.pow");
        *out = r;
    } else if (!strcmp(fn, "math.log")) {
        for (int i = 0; i < n; i++)
            if (!(a[i] > 0) && !isnan(a[i])) return fail_at(p, col, "math domain error (log of a number <= 0)");
        double r = log(a[0]);
        if (n == 2) {
            double d = log(a[1]);
            if (d == 0) return fail_at(p, col, "math.log with base 1 (ZeroDivisionError in Python)");
            r = r / d;
        }
        *out = r;
    } else { /* min, max: Python keeps the first and replaces on a strict < (>) */
        int is_min = fn[1] == 'i';
        double r = a[0];
        for (int i = 1; i < n; i++)
            if (is_min ? a[i] < r : a[i] > r) r = a[i];
        *out = r;
    }
    return 0;
}

enum { MAX_ARGS = 16 };

static int atom(parser *p, double *out) {
    size_t col = p->col;
    switch (p->tok) {
    case T_NUM: *out = p->num; return next(p);
    case T_LP:
        if (++p->depth > MAX_DEPTH) return fail_at(p, col, "formula nested too deeply");
        if (next(p) || expr(p, out)) return -1;
        p->depth--;
        if (p->tok != T_RP) return fail_at(p, p->col, "expected ')' to close the '(' of column %zu", col);
        return next(p);
    case T_NAME: {
        char fn[MAX_NAME];
        memcpy(fn, p->name, sizeof fn);
        if (next(p)) return -1;
        if (p->tok != T_LP) {
            if (!strcmp(fn, "math.pi"))
                *out = 3.141592653589793;
            else if (!strcmp(fn, "math.e"))
                *out = 2.718281828459045;
            else
                return fail_at(p, col, "unknown name %s (placeholders are written {name})", fn);
            return 0;
        }
        if (++p->depth > MAX_DEPTH) return fail_at(p, col, "formula nested too deeply");
        double args[MAX_ARGS];
        int n = 0;
        if (next(p)) return -1;
        if (p->tok != T_RP) {
            for (;;) {
                if (n == MAX_ARGS) return fail_at(p, p->col, "too many arguments to %s", fn);
                if (expr(p, &args[n++])) return -1;
                if (p->tok == T_COMMA) {
                    if (next(p)) return -1;
                    if (p->tok == T_RP) break; /* Python allows f(a, b,) */
                    continue;
                }
                if (p->tok != T_RP) return fail_at(p, p->col, "expected ',' or ')' in the call of %s", fn);
                break;
            }
        }
        p->depth--;
        if (call(p, fn, col, args, n, out)) return -1;
        return next(p);
    }
    case T_END: return fail_at(p, col, "unexpected end of formula");
    case T_RP: return fail_at(p, col, "unexpected ')'");
    case T_COMMA: return fail_at(p, col, "unexpected ','");
    default: return fail_at(p, col, "expected a number, a name, a placeholder or '('");
    }
}

static int power(parser *p, double *out) {
    double a = 0, b = 0;
    if (atom(p, &a)) return -1;
    if (p->tok == T_POW) {
        size_t col = p->col;
        if (next(p) || factor(p, &b)) return -1; /* right operand is a factor: 2**-1, 2**3**2 */
        return py_pow(p, col, a, b, out);
    }
    *out = a;
    return 0;
}

static int factor(parser *p, double *out) {
    if (p->tok == T_PLUS || p->tok == T_MINUS) {
        int neg = p->tok == T_MINUS;
        size_t col = p->col;
        if (++p->depth > MAX_DEPTH) return fail_at(p, col, "formula nested too deeply");
        double a = 0;
        if (next(p) || factor(p, &a)) return -1;
        p->depth--;
        *out = neg ? -a : a;
        return 0;
    }
    return power(p, out);
}

static int term(parser *p, double *out) {
    double a = 0, b = 0;
    if (factor(p, &a)) return -1;
    while (p->tok == T_STAR || p->tok == T_SLASH) {
        int op = p->tok;
        size_t col = p->col;
        if (next(p) || factor(p, &b)) return -1;
        if (op == T_STAR)
            a = a * b;
        else {
            if (b == 0) {
                if (runtime_err(p, col, "division by zero") < 0) return -1;
                b = 1.;
            }
            a = a / b;
        }
    }
    *out = a;
    return 0;
}

static int expr(parser *p, double *out) {
    double a = 0, b = 0;
    if (term(p, &a)) return -1;
    while (p->tok == T_PLUS || p->tok == T_MINUS) {
        int op = p->tok;
        if (next(p) || term(p, &b)) return -1;
        a = op == T_PLUS ? a + b : a - b;
    }
    *out = a;
    return 0;
}

int cl_expr_eval(const char *formula, const cl_expr_vars *vars, double *out, char *err, size_t errlen) {
    parser p = {.src = formula, .vars = vars, .err = err, .errlen = errlen};
    if (err && errlen) err[0] = 0;
    if (!formula) return fail_at(&p, 1, "no formula");
    double v = 0;
    if (next(&p) || expr(&p, &v)) return -1;
    if (p.tok != T_END) return fail_at(&p, p.col, "unexpected text after the end of the formula");
    *out = v;
    return 0;
}

int cl_expr_check(const char *formula, char *err, size_t errlen) {
    parser p = {.src = formula, .err = err, .errlen = errlen, .check = 1};
    if (err && errlen) err[0] = 0;
    if (!formula) return fail_at(&p, 1, "no formula");
    double v = 0;
    if (next(&p) || expr(&p, &v)) return -1;
    if (p.tok != T_END) return fail_at(&p, p.col, "unexpected text after the end of the formula");
    return 0;
}

int cl_expr_placeholders(const char *formula, char *names, size_t cap, size_t *n, char *err, size_t errlen) {
    parser p = {.src = formula, .err = err, .errlen = errlen};
    size_t used = 0, count = 0;
    if (err && errlen) err[0] = 0;
    for (size_t i = 0; formula[i]; i++) {
        if (formula[i] == '}') return fail_at(&p, i + 1, "'}' without '{'");
        if (formula[i] != '{') continue;
        size_t len, end;
        if (read_placeholder(formula, i + 1, &len, &end) != 0)
            return fail_at(&p, i + 1, "malformed placeholder (expected {name} with a plain name)");
        /* already listed? */
        int seen = 0;
        for (size_t k = 0; k < used; k += strlen(names + k) + 1)
            if (strlen(names + k) == len && !memcmp(names + k, formula + i + 1, len)) seen = 1;
        if (!seen) {
            if (used + len + 1 > cap) return fail_at(&p, i + 1, "too many placeholders");
            memcpy(names + used, formula + i + 1, len);
            names[used + len] = 0;
            used += len + 1;
            count++;
        }
        i = end - 1;
    }
    *n = count;
    return 0;
}
