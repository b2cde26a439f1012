/* Unit tests of the hoc interpreter's errors and limits: error positions
 * (file:line:col), the call chain, recursion and loop limits, unsupported
 * built-ins, and two interpreters side by side. The language's printed
 * output is checked against NEURON itself by tests/oracle/check_hoc.py. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hoc/hoc.h"
#include "hoc/parser.h"

typedef struct buf { char s[4096]; size_t n; } buf;

static void collect(void *ctx, const char *s, size_t n) {
    buf *b = ctx;
    if (b->n + n >= sizeof b->s) n = sizeof b->s - 1 - b->n;
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

/* Runs src; returns the error ("" on success) and the output in *out. */
static const char *run(hoc_interp *h, const char *src, buf *out) {
    memset(out, 0, sizeof *out);
    hoc_set_output(h, collect, out);
    if (hoc_run_string(h, src, "t.hoc") == 0) return "";
    return hoc_error(h);
}

static void expect_error(const char *src, const char *needle) {
    hoc_limits lim = {.max_call_depth = 50, .max_loop_iters = 1000};
    hoc_interp *h = hoc_new(&lim);
    assert_non_null(h);
    buf out;
    const char *e = run(h, src, &out);
    if (!strstr(e, needle)) fail_msg("source:\n%s\nerror: '%s'\nexpected to contain: '%s'", src, e, needle);
    hoc_free(h);
}

static void test_syntax_positions(void **state) {
    (void)state;
    /* {source, expected "file:line:col: problem" prefix} */
    static const char *cases[][2] = {
        {"x = 1\ny = (2 +\n", "t.hoc:2:1: expected a name, found end of file"},
        {"x = 1 +* 2", "t.hoc:1:8: expected a name, found '*'"},
        {"proc p() {\n  print 1\n", "t.hoc:1:10: '{' is never closed"},
        {"begintemplate A\npublic x\n", "t.hoc:1:1: template 'A' has no 'endtemplate'"},
        {"begintemplate A\nendtemplate B\n", "t.hoc:2:13: expected 'endtemplate A'"},
        {"s = \"abc\n", "t.hoc:1:5: unterminated string"},
        {"/* never closed", "t.hoc:1:1: unterminated /* comment"},
        {"x = 3 @ 4", "t.hoc:1:7: unexpected character '@'"},
        {"}", "t.hoc:1:1: unmatched '}'"},
        {"else print 1", "t.hoc:1:1: 'else' without 'if'"},
        {"1 = x", "t.hoc:1:3: left side of '=' is not assignable"},
        {"print $", "t.hoc:1:7: '$' must be followed"},
        {"proc p(x) { }", "t.hoc:1:8: expected ')'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) expect_error(cases[i][0], cases[i][1]);
}

static void test_runtime_errors(void **state) {
    (void)state;
    static const char *cases[][2] = {
        {"print nosuch", "t.hoc:1:7: undefined variable nosuch"},
        {"x = nosuchfn(1)", "t.hoc:1:5: undefined function or unsupported built-in 'nosuchfn'"},
        {"objref o\no = new NoSuchClass()", "t.hoc:2:5: unknown template or unsupported built-in class 'NoSuchClass'"},
        {"objref o\no = new List()\no.nosuch()", "t.hoc:3:3: List has no method 'nosuch' (unsupported built-in method)"},
        {"double a[3]\na[3] = 1", "t.hoc:2:3: index 3 of 'a' is out of range (size 3)"},
        {"x = 1/0", "t.hoc:1:6: division by zero"},
        {"proc p() { print $1 }\np()", "$1: argument 1 was not passed (numarg() = 0)"},
        {"strdef s\ns = 1", "cannot assign a number to a string"},
        {"objref o\nprint o.x", "member 'x' of a NULL object"},
        {"execerror(\"bad parameter\")", "t.hoc:1:1: execerror: bad parameter"},
        {"return 1", "'return' outside a procedure"},
        {"break", "'break' or 'continue' outside a loop"},
        {"create soma", "t.hoc:1:1: 'create': sections need a simulation (hoc_bind_sim)"},
        {"x = area(0.5)", "area(): sections need a simulation"},
        {"uninsert pas", "unsupported built-in 'uninsert'"},
        {"objref r\nr = new Random()\nx = r.MCellRan4(1)\nx = r.uniform(0, 1)",
         "t.hoc:4:7: Random.uniform: draws are supported from the Random123 generator only"},
        {"objref r\nr = new Random()\nr.Random123(1)\nx = r.repick()", "Random.repick: no distribution chosen yet"},
        {"objref r\nr = new Random()\nr.Random123(1)\nx = r.normal(0, -1)", "Random.normal: the variance must be >= 0"},
        {"objref r\nr = new Random()\nr.Random123(\"a\")", "Random.Random123: argument 1 must be a number"},
        {"load_file(\"/nonexistent/x.hoc\")", "cannot read hoc file /nonexistent/x.hoc"},
        {"load_file(\"/dev/zero\")", "cannot read hoc file /dev/zero"},
        {"printf(\"%q\", 1)", "unsupported format '%q'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) expect_error(cases[i][0], cases[i][1]);
}

static void test_call_chain(void **state) {
    (void)state;
    const char *src = "proc inner() { x = nosuch }\n"
                      "proc outer() { inner() }\n"
                      "outer()\n";
    expect_error(src, "t.hoc:1:20: undefined variable nosuch\n"
                      "  in inner, called from t.hoc:2:16\n"
                      "  in outer, called from t.hoc:3:1");
    /* errors inside execute() name the statement string and the caller */
    expect_error("proc p() { execute(\"y = nosuch2\") }\np()", "undefined variable nosuch2");
}

static void test_limits(void **state) {
    (void)state;
    expect_error("func f() { return f($1 + 1) }\nx = f(1)", "call depth limit (50) exceeded calling f");
    expect_error("while (1) { }", "t.hoc:1:1: loop iteration limit (1000) exceeded");
    expect_error("for (i = 0; 1; i += 1) { }", "loop iteration limit (1000) exceeded");
    /* xopen of itself recurses through files: stopped by the depth limit */
    char path[] = "/tmp/test_hoc_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char src[256];
    int n = snprintf(src, sizeof src, "xopen(\"%s\")\n", path);
    FILE *f = fdopen(fd, "w");
    fwrite(src, 1, (size_t)n, f);
    fclose(f);
    expect_error(src, "call depth limit (50) exceeded in execute/load_file");
    remove(path);
    /* a deeply nested expression is a parse error, not a stack overflow */
    char *deep = malloc(20001);
    memset(deep, '(', 20000);
    deep[20000] = '\0';
    expect_error(deep, "nested too deeply");
    free(deep);
}

static void test_two_interpreters(void **state) {
    (void)state;
    hoc_interp *a = hoc_new(NULL), *b = hoc_new(NULL);
    buf oa, ob;
    assert_string_equal(run(a, "x = 1\nbegintemplate T\npublic v\nproc init() { v = $1 }\nendtemplate T", &oa), "");
    assert_string_equal(run(b, "x = 2", &ob), "");
    assert_string_equal(run(a, "objref t\nt = new T(x)\nprint t.v, t", &oa), "");
    assert_string_equal(oa.s, "1 T[0] \n");
    /* b has no template T and its own x */
    assert_non_null(strstr(run(b, "objref t\nt = new T(x)", &ob), "unknown template"));
    double x;
    assert_int_equal(hoc_get_number(b, "x", &x), 0);
    assert_true(x == 2);
    hoc_free(a);
    hoc_free(b);
}

static void test_reference_cycles_freed(void **state) {
    (void)state;
    /* CellRef = this makes a cycle; hoc_free must still release it (ASan) */
    hoc_interp *h = hoc_new(NULL);
    buf o;
    assert_string_equal(run(h, "begintemplate C\npublic r, l\nobjref this, r, l\n"
                               "proc init() { r = this\n l = new List()\n l.append(this) }\nendtemplate C\n"
                               "objref c\nc = new C()\nc = new C()\nprint c.l.count()", &o), "");
    assert_string_equal(o.s, "1 \n");
    hoc_free(h);
}

static void test_real_templates_parse(void **state) {
    (void)state;
    static const char *files[] = {
        CELLULAB_SHARED_DATA "/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/emodels_hoc/cADpyr_L5TPC.hoc",
        CELLULAB_SHARED_DATA "/bluecellulab/cell_example1/test_cell.hoc",
        CELLULAB_SHARED_DATA "/bluecellulab/circuit_sonata_quick_scx/components/hoc/cADpyr_L2TPC.hoc",
        CELLULAB_SHARED_DATA "/bluecellulab/circuit_sonata_quick_scx/components/hoc/cNAC_L23BTC.hoc",
        CELLULAB_SHARED_DATA "/bluecellulab/ballstick/emodel.hoc",
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        FILE *f = fopen(files[i], "rb");
        assert_non_null(f);
        static char text[1 << 20];
        size_t n = fread(text, 1, sizeof text - 1, f);
        fclose(f);
        text[n] = '\0';
        char err[512];
        hoc_unit *u = hoc_parse(text, n, files[i], err, sizeof err);
        if (!u) fail_msg("%s", err);
        assert_true(u->root->n > 0);
        hoc_unit_free(u);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syntax_positions),
        cmocka_unit_test(test_runtime_errors),
        cmocka_unit_test(test_call_chain),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_two_interpreters),
        cmocka_unit_test(test_reference_cycles_freed),
        cmocka_unit_test(test_real_templates_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
