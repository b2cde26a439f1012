/* The BluePyOpt JSON loader: the formula evaluator against Python's own
 * results (each expected value was printed by /usr/bin/python3 -c
 * "import math; print(repr(EXPR))" for the expression written beside it,
 * or is derived by hand), the JSON checks with their messages (file and
 * JSON path), and a small model on the ball-and-stick morphology. The
 * whole-cell comparison with NEURON is oracle_bluepyopt. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cellulab.h"
#include "cellulab_model.h"
#include "model/bpo_json.h"
#include "model/expr.h"

#define OK(call) assert_int_equal((call), CL_OK)

static const struct {
    const char *expr;
    double want; /* repr(eval(expr)) in Python 3 */
} PY[] = {
    {"(-0.8696 + 2.087*math.exp((123.456)*0.0031))*2.6113487420290699e-05", 5.720108540364371e-05},
    {"math.exp(517.25*-0.00453252486077)*0.081013620392016858", 0.00776921251086975},
    {"0.00098549473641638421*(1 + 9/(1 + math.exp(-(700.5 - 685)/50)))", 0.006102151231672791},
    {"-2**2", -4},    /* ** binds tighter than unary minus */
    {"2**-1", 0.5},   /* ... but not on its right */
    {"2**3**2", 512}, /* right associative */
    {"(-2)**2", 4},
    {"-3.0**2", -9.0},
    {"1/3", 0.3333333333333333},
    {"0.1+0.2", 0.30000000000000004},
    {"1 - 2 - 3", -4}, /* left associative */
    {"2*3/7", 0.8571428571428571},
    {"8/2/2", 2.0},
    {"math.sqrt(2)", 1.4142135623730951},
    {"math.log(10)", 2.302585092994046},
    {"math.log(8, 2)", 3.0},
    {"math.pow(2, 0.5)", 1.4142135623730951},
    {"math.fabs(-1.5)", 1.5},
    {"abs(-2.5)", 2.5},
    {"min(3, 1, 2)", 1},
    {"max(1e-3, 2e-3)", 0.002},
    {"1e-3*1e3", 1.0},
    {".5 + 1.", 1.5},
    {"+-+1", -1},
    {"math.pi*2", 6.283185307179586},
    {"math.e", 2.718281828459045},
    {"10**-3", 0.001},
    {"2**0.5", 1.4142135623730951},
};

static void expr_python_values(void **state) {
    (void)state;
    char err[256];
    for (size_t i = 0; i < sizeof PY / sizeof PY[0]; i++) {
        double v = NAN;
        if (cl_expr_eval(PY[i].expr, NULL, &v, err, sizeof err) != 0) fail_msg("%s: %s", PY[i].expr, err);
        if (v != PY[i].want) fail_msg("%s = %.17g, Python %.17g", PY[i].expr, v, PY[i].want);
    }
    /* float overflow in * is inf in Python too (no exception): 1.5e300*1e10 */
    double v;
    assert_int_equal(cl_expr_eval("1.5e300*1e10", NULL, &v, err, sizeof err), 0);
    assert_true(isinf(v) && v > 0);
}

static double eval_with(const char *f, double value, double distance) {
    const char *names[] = {"value", "distance", "constant"};
    double vals[] = {value, distance, -0.5};
    cl_expr_vars vars = {names, vals, 3};
    char err[256];
    double v = NAN;
    if (cl_expr_eval(f, &vars, &v, err, sizeof err) != 0) fail_msg("%s: %s", f, err);
    return v;
}

/* BluePyOpt puts "%.17g" of the number into the text: a negative value
 * brings its minus sign along. Python: eval("-3**2") = -9,
 * eval("2**-1") = 0.5, eval("1--0.1") = 1.1. */
static void expr_placeholders(void **state) {
    (void)state;
    assert_true(eval_with("{value}**2", -3, 0) == -9);
    assert_true(eval_with("({value})**2", -3, 0) == 9);
    assert_true(eval_with("2**{value}", -1, 0) == 0.5);
    assert_true(eval_with("1-{value}", -0.1, 0) == 1.1);
    /* hand-derived: exp(10*-0.5)*2 with the same libm exp */
    assert_true(eval_with("math.exp({distance}*{constant})*{value}", 2, 10) == exp(10 * -0.5) * 2);
    assert_true(eval_with("{distance}", 0, 123.25) == 123.25);
    /* -0.0 prints "-0": unary minus of 0 */
    double z = eval_with("{value}", -0.0, 0);
    assert_true(z == 0 && signbit(z));

    char names[64];
    size_t n;
    char err[128];
    assert_int_equal(cl_expr_placeholders("{a}*{b}+{a}", names, sizeof names, &n, err, sizeof err), 0);
    assert_int_equal(n, 2);
    assert_string_equal(names, "a");
    assert_string_equal(names + 2, "b");
}

static void expect_expr_error(const char *f, const char *text, const char *col) {
    const char *names[] = {"value", "distance"};
    double vals[] = {1, 0};
    cl_expr_vars vars = {names, vals, 2};
    char err[256];
    double v;
    if (cl_expr_eval(f, &vars, &v, err, sizeof err) == 0) fail_msg("%s: no error", f);
    if (!strstr(err, text) || !strstr(err, col))
        fail_msg("%s: message \"%s\" lacks \"%s\" / \"%s\"", f, err, text, col);
}

static void expr_errors(void **state) {
    (void)state;
    expect_expr_error("1/0", "division by zero", "column 2");
    expect_expr_error("1/{distance}", "division by zero", "column 2");
    expect_expr_error("math.exp(1000)", "overflow", "column 1");
    expect_expr_error("exp(1)", "math.exp", "column 1");
    expect_expr_error("2{value}", "touches", "column 2");
    expect_expr_error("(1+2", "expected ')'", "column 5");
    expect_expr_error("1 +", "unexpected end", "column 4");
    expect_expr_error("{nope}*2", "unknown placeholder {nope}", "column 1");
    expect_expr_error("math.log(0)", "domain", "column 1");
    expect_expr_error("math.sqrt(-1)", "domain", "column 1");
    expect_expr_error("(-8)**(1/3)", "fractional", "column 5");
    expect_expr_error("0**-1", "negative power", "column 2");
    expect_expr_error("1 // 2", "floor division", "column 3");
    expect_expr_error("{value:.3f}", "malformed placeholder", "column 1");
    expect_expr_error("1 2", "after the end", "column 3");
    expect_expr_error("1 $ 2", "unexpected '$'", "column 3");
    expect_expr_error("math.exp(1, 2)", "takes 1 argument", "column 1");
    expect_expr_error("foo", "unknown name foo", "column 1");
    expect_expr_error("1e", "exponent", "column 1");
    char deep[1200];
    size_t k = 0;
    for (int i = 0; i < 500; i++)
        deep[k++] = '(';
    deep[k++] = '1';
    for (int i = 0; i < 500; i++)
        deep[k++] = ')';
    deep[k] = 0;
    expect_expr_error(deep, "nested too deeply", "column");
    char err[128];
    assert_int_equal(cl_expr_check("1/{x}", err, sizeof err), 0); /* syntax only */
    assert_int_equal(cl_expr_check("1/", err, sizeof err), -1);
}

/* ---- JSON ----------------------------------------------------------------- */

static void expect_json_error(const char *json, const char *path, const char *text) {
    cl_bpo_model m;
    char err[512];
    if (cl_bpo_parse(json, strlen(json), "m.json", &m, err, sizeof err) == 0) {
        cl_bpo_free(&m);
        fail_msg("no error for %s", json);
    }
    if (strncmp(err, "m.json: ", 8) != 0 || !strstr(err, path) || !strstr(err, text))
        fail_msg("message \"%s\" lacks \"m.json: %s\" / \"%s\"", err, path, text);
}

#define MECH "\"mechanisms\": {\"all\": [\"pas\"]}"
#define DIST "\"distributions\": {\"exp\": {\"fun\": \"math.exp({distance}*{k})*{value}\", \"parameters\": [\"k\"]}}"

static void json_errors(void **state) {
    (void)state;
    expect_json_error("{\"mechanisms\": {}, ", "line 1", "");
    expect_json_error("[1]", "(top)", "JSON object");
    expect_json_error("{\"mechanisms\": {}}", "(top)", "both");
    expect_json_error("{\"mechanisms\": 3, \"parameters\": {}}", "mechanisms", "expected an object");
    expect_json_error("{\"mechanisms\": {\"dendrites\": [\"pas\"]}, \"parameters\": {}}", "mechanisms.dendrites",
                      "unknown location \"dendrites\"");
    expect_json_error("{\"mechanisms\": {\"all\": [\"pas\", 3]}, \"parameters\": {}}", "mechanisms.all[1]",
                      "non-empty string");
    expect_json_error("{\"mechanisms\": {\"all\": {\"mechs\": []}}, \"parameters\": {}}", "mechanisms.all", "\"mech\"");
    expect_json_error("{" MECH ", \"parameters\": {\"all\": [{\"name\": \"g_pas\", \"val\": \"1\"}]}}",
                      "parameters.all[0]", "must be a number");
    expect_json_error("{" MECH ", \"parameters\": {\"all\": [{\"name\": \"g_pas\", \"val\": [0, 1]}]}}",
                      "parameters.all[0]", "bounds");
    expect_json_error("{" MECH ", \"parameters\": {\"all\": [{\"val\": 1}]}}", "parameters.all[0]", "\"name\"");
    expect_json_error("{" MECH ", \"parameters\": {\"all\": {\"name\": \"x\"}}}", "parameters.all",
                      "list of parameters");
    expect_json_error("{" MECH ", \"parameters\": {\"apic\": [{\"name\": \"g_pas\", \"val\": 1}]}}",
                      "parameters.apic[0]", "unknown location \"apic\"");
    expect_json_error("{" MECH ", \"parameters\": {\"all\": [{\"name\": \"g_pas\", \"val\": 1, \"dist\": \"lin\"}]}}",
                      "parameters.all[0]", "unknown distribution \"lin\"");
    expect_json_error("{" MECH ", " DIST ", \"parameters\": {\"all\": [{\"name\": \"g_pas\", \"val\": 1, "
                      "\"dist\": \"exp\"}]}}",
                      "parameters.all[0]", "needs its parameter \"k\"");
    expect_json_error("{" MECH ", " DIST ", \"parameters\": {\"distribution_exp\": [{\"name\": \"q\", \"val\": 1}]}}",
                      "parameters.distribution_exp[0]", "not a parameter of distribution \"exp\"");
    expect_json_error("{" MECH ", " DIST ", \"parameters\": {\"distribution_lin\": [{\"name\": \"k\", \"val\": 1}]}}",
                      "parameters.distribution_lin[0]", "unknown distribution \"lin\"");
    expect_json_error("{" MECH ", \"distributions\": {\"bad\": {\"fun\": \"(1 + {value}\"}}, \"parameters\": {}}",
                      "distributions.bad", "formula \"(1 + {value}\": column 13: expected ')'");
    expect_json_error("{" MECH ", \"distributions\": {\"bad\": {\"fun\": \"{x}*{value}\"}}, \"parameters\": {}}",
                      "distributions.bad", "unknown placeholder {x}");
    expect_json_error("{" MECH ", \"distributions\": {\"bad\": {\"fun\": \"{value}\", \"parameters\": [\"k\"]}}, "
                      "\"parameters\": {}}",
                      "distributions.bad", "\"k\" does not appear");
    expect_json_error("{" MECH ", \"distributions\": {\"bad\": {\"fun\": 3}}, \"parameters\": {}}", "distributions.bad",
                      "formula string");
    expect_json_error("{" MECH ", \"distributions\": {\"bad\": {\"fun\": \"{value}\", \"soma_ref_location\": 2}}, "
                      "\"parameters\": {}}",
                      "distributions.bad", "soma_ref_location");
    expect_json_error("{" MECH ", \"parameters\": {\"all\": [{\"name\": \"Ra\", \"val\": 1, \"dist\": \"e\"}]}, "
                      "\"distributions\": {\"e\": \"{value}*{distance}\"}}",
                      "parameters.all[0]", "section property");
    expect_json_error("{" MECH ", \"parameters\": [{\"name\": \"g_pas\", \"value\": 1}]}", "parameters[0]",
                      "\"location\"");
    expect_json_error("{" MECH ", \"parameters\": [{\"param_name\": \"g_pas\", \"type\": \"weird\", \"value\": 1}]}",
                      "parameters[0]", "global, section or range");
    expect_json_error("{\"mechanisms\": [{\"name\": \"StochKv3\", \"location\": \"all\", \"stochastic\": true}], "
                      "\"parameters\": {}}",
                      "mechanisms[0]", "stochastic");
    expect_json_error("{\"mechanisms\": {\"all\": [\"pas\"], \"all\": [\"hh\"]}, \"parameters\": {}}", "line 1",
                      "duplicate");
}

static void json_layouts(void **state) {
    (void)state;
    /* BluePyEModel's EModel configuration lists and BluePyOpt's l5pc list */
    const char *emc =
        "{\"mechanisms\": [{\"name\": \"pas\", \"location\": \"all\"}, {\"name\": \"hh\", \"location\": \"somaxon\"}],"
        " \"distributions\": [{\"name\": \"decay\", \"function\": \"math.exp({distance}*{c})*{value}\","
        " \"parameters\": [\"c\"], \"soma_ref_location\": 0}],"
        " \"parameters\": [{\"name\": \"c\", \"value\": -0.01, \"location\": \"distribution_decay\"},"
        " {\"name\": \"g_pas\", \"value\": 1e-4, \"location\": \"alldend\", \"distribution\": \"decay\"},"
        " {\"name\": \"celsius\", \"value\": 30, \"location\": \"global\"}]}";
    cl_bpo_model m;
    char err[512];
    if (cl_bpo_parse(emc, strlen(emc), "emc.json", &m, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(m.nmechs, 2);
    assert_int_equal(m.mechs[1].loc, CL_BPO_AXONAL | CL_BPO_SOMATIC);
    assert_int_equal(m.ndists, 1);
    assert_true(m.dists[0].soma_ref == 0 && m.dists[0].pvals[0] == -0.01);
    assert_int_equal(m.nparams, 2);
    assert_int_equal(m.params[0].kind, CL_BPO_DISTRIBUTED);
    assert_int_equal(m.params[0].loc, CL_BPO_APICAL | CL_BPO_BASAL);
    assert_int_equal(m.params[1].kind, CL_BPO_GLOBAL);
    cl_bpo_free(&m);
    const char *l5pc =
        "{\"mechanisms\": {\"all\": [\"pas\"]}, \"parameters\": ["
        "{\"param_name\": \"g_pas\", \"sectionlist\": \"all\", \"type\": \"section\", \"dist_type\": \"uniform\","
        " \"value\": 3e-05},"
        "{\"param_name\": \"v_init\", \"type\": \"global\", \"value\": -65},"
        "{\"param_name\": \"e_pas\", \"sectionlist\": \"apical\", \"type\": \"range\", \"dist_type\": \"exp\","
        " \"dist\": \"{value}*(1 + {distance}/100)\", \"value\": -70}]}";
    if (cl_bpo_parse(l5pc, strlen(l5pc), "l5pc.json", &m, err, sizeof err)) fail_msg("%s", err);
    assert_int_equal(m.nparams, 3);
    assert_int_equal(m.params[0].kind, CL_BPO_UNIFORM);
    assert_int_equal(m.params[1].kind, CL_BPO_GLOBAL);
    assert_int_equal(m.params[2].kind, CL_BPO_DISTRIBUTED);
    assert_string_equal(m.dists[m.params[2].dist].fun, "{value}*(1 + {distance}/100)");
    cl_bpo_free(&m);
}

/* ---- a cell --------------------------------------------------------------- */

static char model_path[64];

static void write_model(const char *json) {
    snprintf(model_path, sizeof model_path, "/tmp/cl_bpo_XXXXXX");
    int fd = mkstemp(model_path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(json, f);
    fclose(f);
}

#define BALLSTICK CELLULAB_SHARED_DATA "/bluecellulab/ballstick/morphology.asc"

static void cell_built(void **state) {
    (void)state;
    write_model(
        "{\"mechanisms\": {\"all\": [\"pas\"], \"somatic\": {\"mech\": [\"hh\"]}},\n"
        " \"distributions\": {\"exp\": {\"fun\": \"(-0.8696 + 2.087*math.exp(({distance})*0.0031))*{value}\"}},\n"
        " \"parameters\": {\"global\": [{\"name\": \"celsius\", \"val\": 6.3}, {\"name\": \"v_init\", \"val\": -70}],\n"
        "  \"all\": [{\"name\": \"Ra\", \"val\": 123}, {\"name\": \"e_pas\", \"val\": -71}],\n"
        "  \"alldend\": [{\"name\": \"g_pas\", \"val\": 1e-4, \"dist\": \"exp\"}],\n"
        "  \"somatic\": [{\"name\": \"gnabar_hh\", \"val\": 0.2}, {\"name\": \"g_pas\", \"val\": 3e-5}]}}\n");
    for (int apply = 0; apply < 2; apply++) {
        cl_sim *s;
        OK(cl_sim_new(&s));
        cl_model_options o = {0};
        o.apply_conditions = apply;
        cl_cell c;
        if (cl_cell_load_model(s, BALLSTICK, model_path, &o, &c) != CL_OK) fail_msg("%s", cl_sim_errmsg(s));
        cl_section soma, dend, ax1;
        OK(cl_cell_section(s, c, "soma[0]", &soma));
        OK(cl_cell_section(s, c, "dend[0]", &dend));
        OK(cl_cell_section(s, c, "axon[1]", &ax1)); /* replace_axon ran */
        double v, L, d;
        int nseg;
        OK(cl_section_get_Ra(s, dend, &v));
        assert_true(v == 123);
        OK(cl_section_get_at(s, soma, 0.5, "gnabar_hh", &v));
        assert_true(v == 0.2);
        OK(cl_section_get_at(s, soma, 0.5, "g_pas", &v));
        assert_true(v == 3e-5);
        OK(cl_section_get_at(s, ax1, 0.5, "e_pas", &v));
        assert_true(v == -71);
        /* BBP rule on the 200 µm dendrite: 1 + 2*int(200/40) = 11 */
        OK(cl_section_get_L(s, dend, &L));
        OK(cl_section_get_nseg(s, dend, &nseg));
        assert_int_equal(nseg, 1 + 2 * (int)(L / 40));
        for (int k = 0; k < nseg; k++) {
            double x = (k + 0.5) / nseg;
            OK(cl_section_distance(s, soma, 0.5, dend, x, &d));
            OK(cl_section_get_at(s, dend, x, "g_pas", &v));
            assert_true(v == (-0.8696 + 2.087 * exp(d * 0.0031)) * 1e-4);
        }
        assert_true(cl_sim_celsius(s) == (apply ? 6.3 : 34));
        assert_true(cl_sim_v_init(s) == (apply ? -70 : -65));
        cl_sim_free(s);
    }
    unlink(model_path);
}

static void cell_errors(void **state) {
    (void)state;
    cl_sim *s;
    OK(cl_sim_new(&s));
    cl_cell c;
    write_model("{\"mechanisms\": {\"all\": [\"pas\"], \"somatic\": [\"hh\", \"NoSuchMech\"]}, \"parameters\": {}}");
    assert_int_not_equal(cl_cell_load_model(s, BALLSTICK, model_path, NULL, &c), CL_OK);
    const char *e = cl_sim_errmsg(s);
    if (!strstr(e, model_path) || !strstr(e, "mechanisms.somatic[1]") || !strstr(e, "NoSuchMech"))
        fail_msg("message: %s", e);
    unlink(model_path);
    write_model("{\"mechanisms\": {\"all\": [\"pas\"]}, \"parameters\": {\"somatic\": [{\"name\": \"gnabar_hh\", "
                "\"val\": 1}]}}");
    assert_int_not_equal(cl_cell_load_model(s, BALLSTICK, model_path, NULL, &c), CL_OK);
    e = cl_sim_errmsg(s);
    if (!strstr(e, model_path) || !strstr(e, "parameters.somatic[0]") || !strstr(e, "gnabar_hh"))
        fail_msg("message: %s", e);
    unlink(model_path);
    write_model("{\"mechanisms\": {\"all\": [\"pas\"]}, \"distributions\": {\"d\": \"{value}/({distance} - 0)\"},"
                " \"parameters\": {\"somatic\": [{\"name\": \"g_pas\", \"val\": 1, \"dist\": \"d\"}]}}");
    assert_int_not_equal(cl_cell_load_model(s, BALLSTICK, model_path, NULL, &c), CL_OK);
    e = cl_sim_errmsg(s);
    if (!strstr(e, "parameters.somatic[0]") || !strstr(e, "division by zero") || !strstr(e, "soma[0](0.5)"))
        fail_msg("message: %s", e);
    unlink(model_path);
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expr_python_values), cmocka_unit_test(expr_placeholders), cmocka_unit_test(expr_errors),
        cmocka_unit_test(json_errors),        cmocka_unit_test(json_layouts),      cmocka_unit_test(cell_built),
        cmocka_unit_test(cell_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
