/* A small, safe evaluator for BluePyOpt distribution formulas such as
 * "(-0.8696 + 2.087*math.exp(({distance})*0.0031))*{value}".
 *
 * BluePyOpt substitutes each {name} with the number printed as "%.17g" and
 * hands the string to Python's eval(). This evaluator reads the template
 * itself and gives the same double, operation for operation:
 *   - numbers (Python float/int literals, read with strtod: correctly
 *     rounded as Python's), + - * / and ** with Python's precedence
 *     (** binds tighter than unary minus on its left and is right
 *     associative: -2**2 = -4, 2**-1 = 0.5, 2**3**2 = 512), parentheses;
 *   - math.exp, math.log (one or two arguments), math.sqrt, math.pow,
 *     math.fabs, math.pi, math.e, abs, min, max (two or more arguments);
 *   - {name}: a placeholder. A negative value is read as the text Python
 *     would see, a minus sign then the magnitude, so "{value}**2" with
 *     value -3 is -(3**2) as in BluePyOpt.
 * ** is C's pow() (Python's float power); Python's run-time errors are
 * errors here too: division by zero, 0 to a negative power, a negative
 * number to a fractional power (Python would give a complex), math domain
 * errors (log of x <= 0, sqrt of x < 0) and overflow of exp, pow and **.
 * Integers are evaluated as doubles: exact below 2^53, as Python's mixed
 * int/float arithmetic. A placeholder may not touch a digit, letter or dot
 * (Python would read "2{value}" as one longer number); such formulas are
 * refused. Nothing is allocated; recursion depth is bounded. */
#ifndef CELLULAB_MODEL_EXPR_H
#define CELLULAB_MODEL_EXPR_H

#include <stddef.h>

/* Placeholder values: names[i] = vals[i]; a name not listed is an error. */
typedef struct cl_expr_vars {
    const char *const *names;
    const double *vals;
    size_t n;
} cl_expr_vars;

/* Evaluate formula with the placeholders of vars (vars may be NULL when
 * the formula has none). 0 and *out on success; -1 with err set to
 * "column N: problem" (1-based column in formula) on failure. */
int cl_expr_eval(const char *formula, const cl_expr_vars *vars, double *out, char *err, size_t errlen);

/* Check formula's syntax only: every placeholder reads as 1 and Python's
 * run-time errors (division by zero ...) are not raised. 0, or -1 with err
 * as cl_expr_eval's. */
int cl_expr_check(const char *formula, char *err, size_t errlen);

/* The placeholder names used by formula, in order of first use, written
 * one after another into names (each NUL-terminated) up to cap bytes; *n
 * gets their count. -1 with err on a malformed placeholder ("{" without
 * "}", a format spec such as {value:.3f}, an empty name) or overflow. */
int cl_expr_placeholders(const char *formula, char *names, size_t cap, size_t *n, char *err, size_t errlen);

#endif
