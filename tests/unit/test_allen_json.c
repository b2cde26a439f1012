/* The Allen fit JSON loader (cl_cell_load_model with a *_fit.json): what a
 * good file builds (bmtk's semantics: stub, passive properties by section
 * type, genome, reversal potentials, nseg after the biophysics) and that
 * bad files are refused with the file and the JSON path in the message.
 * Built-in mechanisms only (pas, hh); the NEURON comparison is the
 * oracle_allen_json test. */
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
#include "cellulab_morph.h"

#define OK(call) assert_int_equal((call), CL_OK)
#define MORPH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Nr5a1_471087815_m.swc"

static char path[64];

static const char *good =
    "{\"passive\": [{\"ra\": 120.5, \"e_pas\": -88.5, \"cm\": [{\"section\": \"soma\", \"cm\": 1.5},"
    " {\"section\": \"axon\", \"cm\": 1.25}, {\"section\": \"dend\", \"cm\": 2.5}, {\"section\": \"apic\", \"cm\": 2.5}]}],"
    " \"conditions\": [{\"celsius\": 31.0, \"v_init\": -77.0, \"erev\": [{\"section\": \"soma\", \"ena\": 53.0, \"ek\": -107.0}]}],"
    " \"genome\": [{\"section\": \"soma\", \"name\": \"gnabar_hh\", \"value\": 0.2, \"mechanism\": \"hh\"},"
    " {\"section\": \"soma\", \"name\": \"g_pas\", \"value\": 2e-5, \"mechanism\": \"\"},"
    " {\"section\": \"dend\", \"name\": \"g_pas\", \"value\": 3e-5, \"mechanism\": \"\"},"
    " {\"section\": \"apic\", \"name\": \"g_pas\", \"value\": 4e-5, \"mechanism\": \"\"},"
    " {\"section\": \"axon\", \"name\": \"g_pas\", \"value\": 5e-5, \"mechanism\": \"\"}]}";

static void write_json(const char *text) {
    snprintf(path, sizeof path, "/tmp/cl_allen_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Load text with opt; returns the status and copies the message. */
static cl_status load(const char *text, const cl_model_options *opt, char *msg, size_t cap) {
    cl_sim *s;
    cl_cell c;
    OK(cl_sim_new(&s));
    write_json(text);
    cl_status st = cl_cell_load_model(s, MORPH, path, opt, &c);
    snprintf(msg, cap, "%s", cl_sim_errmsg(s));
    cl_sim_free(s);
    unlink(path);
    return st;
}

/* good with one substring replaced */
static cl_status load_edit(const char *from, const char *to, const char *recipe, char *msg, size_t cap) {
    const char *p = strstr(good, from);
    assert_non_null(p);
    size_t n = strlen(good) + strlen(to) + 1;
    char *t = malloc(n);
    assert_non_null(t);
    snprintf(t, n, "%.*s%s%s", (int)(p - good), good, to, p + strlen(from));
    cl_model_options o = {0};
    o.recipe = recipe;
    cl_status st = load(t, &o, msg, cap);
    free(t);
    return st;
}

static void expect_msg(const char *msg, const char *part) {
    if (!strstr(msg, part)) fail_msg("message \"%s\" lacks \"%s\"", msg, part);
}

static void test_perisomatic(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    cl_section soma, ax0, ax1, dend, p;
    double v, px;
    OK(cl_sim_new(&s));
    write_json(good);
    cl_model_options o = {0};
    o.apply_conditions = 1;
    OK(cl_cell_load_model(s, MORPH, path, &o, &c));
    unlink(path);
    OK(cl_cell_section(s, c, "soma[0]", &soma));
    OK(cl_cell_section(s, c, "axon[0]", &ax0));
    OK(cl_cell_section(s, c, "axon[1]", &ax1));
    OK(cl_cell_section(s, c, "dend[0]", &dend));
    /* the stub: soma(0.5), L 30, diam 1, 3 points from define_shape */
    OK(cl_section_parent(s, ax0, &p, &px));
    assert_true(p.id == soma.id && px == 0.5);
    OK(cl_section_parent(s, ax1, &p, &px));
    assert_true(p.id == ax0.id && px == 1.0);
    OK(cl_section_get_L(s, ax1, &v));
    assert_true(v == 30.);
    OK(cl_section_get_at(s, ax1, 0.5, "diam", &v));
    assert_true(v == 1.);
    size_t np;
    OK(cl_section_n3d(s, ax0, &np));
    assert_int_equal(np, 3);
    /* passive properties by section type, the genome, erev on the soma */
    OK(cl_section_get_Ra(s, dend, &v));
    assert_true(v == 120.5);
    OK(cl_section_get_at(s, soma, 0.5, "cm", &v));
    assert_true(v == 1.5);
    OK(cl_section_get_at(s, ax0, 0.5, "cm", &v));
    assert_true(v == 1.25);
    OK(cl_section_get_at(s, dend, 0.5, "cm", &v));
    assert_true(v == 2.5);
    OK(cl_section_get_at(s, dend, 0.5, "e_pas", &v));
    assert_true(v == -88.5);
    OK(cl_section_get_at(s, dend, 0.5, "g_pas", &v));
    assert_true(v == 3e-5);
    OK(cl_section_get_at(s, ax1, 0.5, "g_pas", &v));
    assert_true(v == 5e-5);
    OK(cl_section_get_at(s, soma, 0.5, "gnabar_hh", &v));
    assert_true(v == 0.2);
    OK(cl_section_get_at(s, soma, 0.5, "ena", &v));
    assert_true(v == 53.);
    assert_int_not_equal(cl_section_get_at(s, dend, 0.5, "gnabar_hh", &v), CL_OK);
    /* nseg = 1 + 2*int(L/40) after the biophysics */
    size_t n;
    OK(cl_cell_section_count(s, c, &n));
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        int nseg;
        OK(cl_cell_section_at(s, c, i, &sec));
        OK(cl_section_get_L(s, sec, &v));
        OK(cl_section_get_nseg(s, sec, &nseg));
        assert_int_equal(nseg, 1 + 2 * (int)(v / 40.));
    }
    /* apply_conditions */
    assert_true(cl_sim_celsius(s) == 31.);
    assert_true(cl_sim_v_init(s) == -77.);
    cl_sim_free(s);
}

static void test_defaults_keep_conditions(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    OK(cl_sim_new(&s));
    double t0 = cl_sim_celsius(s), v0 = cl_sim_v_init(s);
    write_json(good);
    cl_model_options o = {0};
    o.nseg_set = 1;
    o.nseg_rule = CL_NSEG_FIXED;
    o.nseg_value = 3;
    OK(cl_cell_load_model(s, MORPH, path, &o, &c));
    unlink(path);
    assert_true(cl_sim_celsius(s) == t0 && cl_sim_v_init(s) == v0);
    cl_section soma;
    int nseg;
    OK(cl_cell_section(s, c, "soma[0]", &soma));
    OK(cl_section_get_nseg(s, soma, &nseg));
    assert_int_equal(nseg, 3);
    cl_sim_free(s);
}

static void test_allactive(void **state) {
    (void)state;
    /* only ra (as 318331342_fit.json), a glob entry, erev on dend without na/k */
    const char *t =
        "{\"passive\": [{\"ra\": 100}], \"conditions\": [{\"erev\": [{\"section\": \"dend\", \"ena\": 50, \"ek\": -90},"
        " {\"section\": \"soma\", \"ena\": 51, \"ek\": -91}]}],"
        " \"genome\": [{\"section\": \"glob\", \"name\": 7},"
        " {\"section\": \"soma\", \"name\": \"gkbar_hh\", \"value\": \"0.05\", \"mechanism\": \"hh\"},"
        " {\"section\": \"dend\", \"name\": \"g_pas\", \"value\": 1e-5}]}";
    cl_sim *s;
    cl_cell c;
    cl_section soma, ax0, dend, p;
    double v, px;
    OK(cl_sim_new(&s));
    write_json(t);
    cl_model_options o = {0};
    o.recipe = "aibs_allactive";
    OK(cl_cell_load_model(s, MORPH, path, &o, &c));
    unlink(path);
    OK(cl_cell_section(s, c, "soma[0]", &soma));
    OK(cl_cell_section(s, c, "axon[0]", &ax0));
    OK(cl_cell_section(s, c, "dend[0]", &dend));
    OK(cl_section_parent(s, ax0, &p, &px));
    assert_true(p.id == soma.id && px == 1.0);
    OK(cl_section_get_at(s, soma, 0.5, "gkbar_hh", &v));
    assert_true(v == 0.05);
    OK(cl_section_get_at(s, soma, 0.5, "ek", &v));
    assert_true(v == -91.);
    OK(cl_section_get_at(s, dend, 0.5, "g_pas", &v));
    assert_true(v == 1e-5);
    OK(cl_section_get_at(s, dend, 0.5, "cm", &v));
    assert_true(v == 1.);
    cl_sim_free(s);
}

static void test_bad_json(void **state) {
    (void)state;
    char m[1024];
    /* wrong types */
    assert_int_equal(load_edit("\"value\": 0.2", "\"value\": \"x\"", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "genome[0].value: expected a number");
    expect_msg(m, "/tmp/cl_allen_");
    assert_int_equal(load_edit("\"value\": 0.2", "\"value\": \"x\"", "aibs_allactive", m, sizeof m), CL_EFORMAT);
    expect_msg(m, "genome[0].value: \"x\" is not a number");
    assert_int_equal(load_edit("\"ra\": 120.5", "\"ra\": [1]", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "passive[0].ra: expected a number");
    assert_int_equal(load_edit("\"ek\": -107.0", "\"ek\": null", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "conditions[0].erev[0].ek: expected a number");
    assert_int_equal(load_edit("\"name\": \"g_pas\", \"value\": 3e-5", "\"name\": 3, \"value\": 3e-5", NULL, m, sizeof m),
                     CL_EFORMAT);
    expect_msg(m, "genome[2].name: expected a string");
    assert_int_equal(load_edit("\"genome\": [", "\"genome\": 5, \"x\": [", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "genome: expected an array");
    /* missing keys */
    assert_int_equal(load_edit("\"e_pas\": -88.5, ", "", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "passive[0]: missing key \"e_pas\"");
    assert_int_equal(load_edit(", \"mechanism\": \"hh\"", "", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "genome[0]: missing key \"mechanism\"");
    assert_int_equal(load_edit("\"passive\"", "\"passiv\"", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "missing key \"passive\"");
    assert_int_equal(load_edit("{\"section\": \"dend\", \"cm\": 2.5}, ", "", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "passive[0].cm: no entry for section type \"dend\"");
    /* unknown section type, unknown mechanism, unknown variable */
    assert_int_equal(load_edit("\"section\": \"soma\", \"name\": \"gnabar_hh\"", "\"section\": \"somx\", \"name\": \"gnabar_hh\"",
                               NULL, m, sizeof m),
                     CL_EFORMAT);
    expect_msg(m, "genome[0].section: unknown section type \"somx\"");
    assert_int_not_equal(load_edit("\"mechanism\": \"hh\"", "\"mechanism\": \"NaTs\"", NULL, m, sizeof m), CL_OK);
    expect_msg(m, "genome[0].mechanism \"NaTs\"");
    expect_msg(m, "NaTs");
    assert_int_not_equal(load_edit("\"gnabar_hh\"", "\"gnabar_hx\"", NULL, m, sizeof m), CL_OK);
    expect_msg(m, "genome[0].name \"gnabar_hx\"");
    /* ena where there is no sodium (perisomatic sets it unconditionally, as bmtk) */
    assert_int_not_equal(load_edit("{\"section\": \"soma\", \"ena\"", "{\"section\": \"dend\", \"ena\"", NULL, m, sizeof m),
                         CL_OK);
    expect_msg(m, "conditions[0].erev[0]");
    /* syntax, recipe */
    assert_int_equal(load_edit("\"genome\": [", "\"genome\": [,", NULL, m, sizeof m), CL_EFORMAT);
    expect_msg(m, "/tmp/cl_allen_");
    assert_int_equal(load_edit("\"ra\"", "\"ra\"", "aibs_other", m, sizeof m), CL_EINVAL);
    expect_msg(m, "aibs_other");
}

/* the stub rules on their own: allactive needs an axon; peri builds one */
static void test_stub_rules(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell c;
    cl_section ax0, p;
    double px, d;
    const char *asc = CELLULAB_SHARED_DATA "/bluecellulab/ballstick/morphology.asc"; /* soma + dendrite */
    OK(cl_sim_new(&s));
    cl_morph_options o = {.soma = CL_SOMA_NEURON82, .axon = "aibs_allactive"};
    assert_int_equal(cl_cell_load_morphology_opt(s, asc, &o, &c), CL_EFORMAT);
    expect_msg(cl_sim_errmsg(s), "needs an axon");
    o.axon = "aibs_perisomatic";
    OK(cl_cell_load_morphology_opt(s, asc, &o, &c));
    OK(cl_cell_section(s, c, "axon[0]", &ax0));
    OK(cl_section_parent(s, ax0, &p, &px));
    assert_true(px == 0.5);
    OK(cl_section_get_at(s, ax0, 0.5, "diam", &d));
    assert_true(d == 1.);
    o.axon = "aibs_other";
    assert_int_equal(cl_cell_load_morphology_opt(s, asc, &o, &c), CL_EINVAL);
    expect_msg(cl_sim_errmsg(s), "aibs_other");
    /* the all-active stub takes the axon's diameters (diam(0.5) at nseg 1) */
    o.axon = "aibs_allactive";
    OK(cl_cell_load_morphology_opt(s, MORPH, &o, &c));
    OK(cl_cell_section(s, c, "axon[0]", &ax0));
    OK(cl_section_parent(s, ax0, &p, &px));
    assert_true(px == 1.0);
    OK(cl_section_get_at(s, ax0, 0.5, "diam", &d));
    assert_true(d > 0 && d != 1.);
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_perisomatic),
        cmocka_unit_test(test_defaults_keep_conditions),
        cmocka_unit_test(test_allactive),
        cmocka_unit_test(test_bad_json),
        cmocka_unit_test(test_stub_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
