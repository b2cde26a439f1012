/* Unit tests for the NeuroML2 loader: quantities and units, the reader's
 * order and messages on bad documents, and what cl_cell_load_model applies.
 * Expected numbers come from the documents' text and NeuroML's unit
 * definitions; the dynamics are checked against NEURON by oracle_allen_nml. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cellulab.h"
#include "cellulab_model.h"
#include "model/neuroml.h"

#define NML_DIR CELLULAB_SHARED_DATA "/sonata-examples/shared_components/biophysical_neuron_templates/nml/"
#define MORPH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Nr5a1_471087815_m.swc"

static void test_quantities(void **state) {
    (void)state;
    double x;
    char err[256];
    /* NEURON units keep the value's bits */
    assert_int_equal(cl_nml_quantity("0.00120211549788 S_per_cm2", "conductanceDensity", &x, err, sizeof err), 0);
    assert_true(x == 0.00120211549788);
    assert_int_equal(cl_nml_quantity("2 mS_per_cm2", "conductanceDensity", &x, err, sizeof err), 0);
    assert_true(x == 0.002);
    assert_int_equal(cl_nml_quantity("3 S_per_m2", "conductanceDensity", &x, err, sizeof err), 0);
    assert_true(x == 3e-4);
    assert_int_equal(cl_nml_quantity("0.01 F_per_m2", "specificCapacitance", &x, err, sizeof err), 0);
    assert_true(x == 1.0);
    assert_int_equal(cl_nml_quantity("1.5 ohm_m", "resistivity", &x, err, sizeof err), 0);
    assert_true(x == 150.0);
    assert_int_equal(cl_nml_quantity("0.1 kohm_cm", "resistivity", &x, err, sizeof err), 0);
    assert_true(x == 100.0);
    assert_int_equal(cl_nml_quantity("-0.065V", "voltage", &x, err, sizeof err), 0);
    assert_true(x == -65.0);
    assert_int_equal(cl_nml_quantity(" 0.5 s ", "time", &x, err, sizeof err), 0);
    assert_true(x == 500.0);
    assert_int_equal(cl_nml_quantity("1e-4 mM", "concentration", &x, err, sizeof err), 0);
    assert_true(x == 1e-4);
    assert_int_equal(cl_nml_quantity("0.1 um", "length", &x, err, sizeof err), 0);
    assert_true(x == 0.1);
    assert_int_equal(cl_nml_quantity("0.05", "none", &x, err, sizeof err), 0);
    assert_true(x == 0.05);
    /* refused, with the reason */
    assert_int_equal(cl_nml_quantity("1 furlong", "voltage", &x, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown unit \"furlong\" (expected mV or V)"));
    assert_int_equal(cl_nml_quantity("1 mV", "conductanceDensity", &x, err, sizeof err), -1);
    assert_non_null(strstr(err, "unknown unit \"mV\""));
    assert_int_equal(cl_nml_quantity("NaN mV", "voltage", &x, err, sizeof err), -1);
    assert_non_null(strstr(err, "not a number"));
    assert_int_equal(cl_nml_quantity("inf mV", "voltage", &x, err, sizeof err), -1);
    assert_int_equal(cl_nml_quantity("0x10 mV", "voltage", &x, err, sizeof err), -1);
    assert_int_equal(cl_nml_quantity("1e999 mV", "voltage", &x, err, sizeof err), -1);
    assert_non_null(strstr(err, "out of range"));
    assert_int_equal(cl_nml_quantity("1e mV", "voltage", &x, err, sizeof err), -1);
    assert_int_equal(cl_nml_quantity("-70", "voltage", &x, err, sizeof err), -1);
    assert_non_null(strstr(err, "has no unit"));
    assert_int_equal(cl_nml_quantity("1 mV extra", "voltage", &x, err, sizeof err), -1);
    assert_int_equal(cl_nml_quantity("0.05 mV", "none", &x, err, sizeof err), -1);
}

/* The reader on a real file: bmtk's NMLTree order (document order, the
 * concentrationModel before the cell; "all" in every type). */
static void test_read_real_file(void **state) {
    (void)state;
    cl_nml m;
    char err[768];
    assert_int_equal(cl_nml_parse_file(NML_DIR "Cell_472363762.cell.nml", &m, err, sizeof err), 0);
    assert_int_equal(m.norder[CL_NML_SOMA], 14); /* CaDynamics, 9 channelDensity, 2 Nernst, cm, Ra */
    const cl_nml_prop *p = &m.props[m.order[CL_NML_SOMA][0]];
    assert_int_equal(p->kind, CL_NML_CONCENTRATION);
    assert_string_equal(p->key, "CaDynamics");
    assert_true(p->decay == 717.91660042899991);
    assert_true(p->gamma == 0.0012510775510599999);
    p = &m.props[m.order[CL_NML_SOMA][1]];
    assert_string_equal(p->key, "gbar_Im");
    assert_string_equal(p->channel, "Im");
    assert_true(p->value == 0.00120211549788 && p->has_erev && p->erev == -107.0);
    p = &m.props[m.order[CL_NML_SOMA][m.norder[CL_NML_SOMA] - 1]];
    assert_int_equal(p->kind, CL_NML_RESISTIVITY);
    assert_true(p->value == 138.28);
    /* axon: g_pas_axon, its specificCapacitance, the resistivity */
    assert_int_equal(m.norder[CL_NML_AXON], 3);
    assert_string_equal(m.props[m.order[CL_NML_AXON][0]].key, "g_pas_axon");
    assert_true(m.props[m.order[CL_NML_APIC][1]].value == 2.12);
    cl_nml_free(&m);
    /* every shared file reads */
    const char *files[] = {"Cell_472912177", "Cell_473862421", "Cell_473863035", "Cell_473863510"};
    for (size_t i = 0; i < 4; i++) {
        char path[512];
        snprintf(path, sizeof path, NML_DIR "%s.cell.nml", files[i]);
        assert_int_equal(cl_nml_parse_file(path, &m, err, sizeof err), 0);
        cl_nml_free(&m);
    }
}

#define HEAD "<neuroml xmlns=\"http://www.neuroml.org/schema/neuroml2\">\n<cell id=\"c\">\n"
#define TAIL "</cell>\n</neuroml>\n"

static void expect_error(const char *doc, const char *want) {
    cl_nml m;
    char err[768] = "";
    assert_int_equal(cl_nml_parse_memory(doc, strlen(doc), "t.nml", &m, err, sizeof err), -1);
    if (!strstr(err, want)) fail_msg("message \"%s\" lacks \"%s\"", err, want);
}

static void test_bad_documents(void **state) {
    (void)state;
    expect_error(HEAD "<resistivity segmentGroup=\"all\" value=\"100 ohm_cm\">\n" TAIL, "t.nml:4: malformed XML");
    expect_error("", "malformed XML");
    expect_error(HEAD "<channelDensity id=\"g\" segmentGroup=\"soma\" ion=\"na\" ionChannel=\"X\" "
                      "erev=\"50 mV\" condDensity=\"1 S_per_furlong\"/>\n" TAIL,
                 "t.nml:3: <channelDensity>: attribute \"condDensity\": unknown unit \"S_per_furlong\" "
                 "(expected S_per_cm2, mS_per_cm2 or S_per_m2)");
    expect_error(HEAD "\n<channelDensity id=\"g\" segmentGroup=\"soma\" ion=\"na\" erev=\"50 mV\" "
                      "condDensity=\"1 S_per_cm2\"/>\n" TAIL,
                 "t.nml:4: <channelDensity>: missing attribute \"ionChannel\"");
    expect_error(HEAD "<specificCapacitance segmentGroup=\"soma\" value=\"NaN uF_per_cm2\"/>\n" TAIL,
                 "t.nml:3: <specificCapacitance>: attribute \"value\": \"NaN uF_per_cm2\" is not a number");
    expect_error(HEAD "<resistivity value=\"100 ohm_cm\"/>\n" TAIL, "missing attribute \"segmentGroup\"");
    expect_error(HEAD "<resistivity segmentGroup=\"spine\" value=\"100 ohm_cm\"/>\n" TAIL,
                 "t.nml:3: <resistivity>: unknown segmentGroup \"spine\"");
    expect_error(HEAD "<resistivity segmentGroup=\"all\" value=\"-1 ohm_cm\"/>\n" TAIL, "must be > 0");
    expect_error(HEAD "<channelDensity id=\"g_pas\" segmentGroup=\"soma\" ion=\"non_specific\" ionChannel=\"pas\" "
                      "condDensity=\"1 S_per_cm2\"/>\n" TAIL,
                 "missing attribute \"erev\"");
    expect_error(HEAD "<concentrationModel id=\"CaDynamics\" type=\"CaDynamics\" segmentGroup=\"soma\" "
                      "decay=\"80 ms\" gamma=\"0.05\" depth=\"0.1 furlong\"/>\n" TAIL,
                 "attribute \"depth\": unknown unit \"furlong\" (expected um, m or cm)");
    expect_error(HEAD "<species segmentGroup=\"soma\" ion=\"ca\" initialConcentration=\"1e-4 mV\"/>\n" TAIL,
                 "<species>: attribute \"initialConcentration\": unknown unit \"mV\"");
    expect_error("<notneuroml/>", "t.nml:1: <notneuroml>: not a NeuroML2 document");
    /* no DTD, so no entity can expand (nor be fetched) */
    expect_error("<?xml version=\"1.0\"?>\n<!DOCTYPE neuroml [<!ENTITY a \"aaaa\">]>\n<neuroml>&a;</neuroml>",
                 "DOCTYPE is not allowed");
    expect_error("<!DOCTYPE neuroml SYSTEM \"http://example.invalid/x.dtd\"><neuroml/>", "DOCTYPE is not allowed");
    cl_nml m;
    char err[256];
    assert_int_equal(cl_nml_parse_file("/nonexistent/x.cell.nml", &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/x.cell.nml: cannot open"));
}

/* A later element with an id already present replaces it in its place, as
 * bmtk's dict; elements without an id are keyed by their name. */
static void test_dict_order(void **state) {
    (void)state;
    const char *doc = HEAD "<resistivity segmentGroup=\"all\" value=\"100 ohm_cm\"/>\n"
                           "<channelDensity id=\"g_pas\" segmentGroup=\"soma\" ion=\"non_specific\" ionChannel=\"pas\" "
                           "erev=\"-70 mV\" condDensity=\"1e-4 S_per_cm2\"/>\n"
                           "<resistivity segmentGroup=\"soma\" value=\"200 ohm_cm\"/>\n"
                           "<x:resistivity xmlns:x=\"urn:other\" segmentGroup=\"bogus\" value=\"1 furlong\"/>\n" TAIL;
    cl_nml m;
    char err[768];
    assert_int_equal(cl_nml_parse_memory(doc, strlen(doc), "t.nml", &m, err, sizeof err), 0);
    assert_int_equal(m.norder[CL_NML_SOMA], 2);
    assert_int_equal(m.props[m.order[CL_NML_SOMA][0]].kind, CL_NML_RESISTIVITY);
    assert_true(m.props[m.order[CL_NML_SOMA][0]].value == 200.);
    assert_int_equal(m.norder[CL_NML_DEND], 1);
    assert_true(m.props[m.order[CL_NML_DEND][0]].value == 100.);
    cl_nml_free(&m);
}

static const char *write_tmp(char *path, size_t n, const char *tag, const char *text) {
    snprintf(path, n, "/tmp/cellulab_test_neuroml_%ld_%s.cell.nml", (long)getpid(), tag);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* What the loader applies, with built-in mechanisms only. */
static void test_load(void **state) {
    (void)state;
    char path[256];
    write_tmp(path, sizeof path, "ok",
              HEAD "<channelDensity id=\"gnabar_hh\" segmentGroup=\"soma\" ion=\"na\" ionChannel=\"hh\" "
                   "erev=\"0.05 V\" condDensity=\"120 mS_per_cm2\"/>\n"
                   "<channelDensity id=\"g_pas_dend\" segmentGroup=\"dendrite_group\" ion=\"non_specific\" "
                   "ionChannel=\"pas\" erev=\"-70 mV\" condDensity=\"3 S_per_m2\"/>\n"
                   "<specificCapacitance segmentGroup=\"soma\" value=\"0.02 F_per_m2\"/>\n"
                   "<resistivity segmentGroup=\"all\" value=\"1.5 ohm_m\"/>\n" TAIL);
    cl_sim *sim;
    cl_cell cell;
    cl_section soma, dend;
    double x;
    int nseg;
    assert_int_equal(cl_sim_new(&sim), CL_OK);
    cl_model_options o = {0};
    o.morph.axon = "none";
    if (cl_cell_load_model(sim, MORPH, path, &o, &cell) != CL_OK) fail_msg("%s", cl_sim_errmsg(sim));
    assert_int_equal(cl_cell_section(sim, cell, "soma[0]", &soma), CL_OK);
    assert_int_equal(cl_cell_section(sim, cell, "dend[0]", &dend), CL_OK);
    assert_int_equal(cl_section_get_at(sim, soma, 0.5, "gnabar_hh", &x), CL_OK);
    assert_true(x == 0.12);
    assert_int_equal(cl_section_get_at(sim, soma, 0.5, "ena", &x), CL_OK);
    assert_true(x == 50.);
    assert_int_equal(cl_section_get_at(sim, soma, 0.5, "cm", &x), CL_OK);
    assert_true(x == 2.);
    assert_int_equal(cl_section_get_Ra(sim, dend, &x), CL_OK);
    assert_true(x == 150.);
    assert_int_equal(cl_section_get_at(sim, dend, 0.5, "g_pas", &x), CL_OK);
    assert_true(x == 3e-4);
    assert_int_equal(cl_section_get_at(sim, dend, 0.5, "e_pas", &x), CL_OK);
    assert_true(x == -70.);
    assert_int_equal(cl_section_get_at(sim, dend, 0.5, "cm", &x), CL_OK);
    assert_true(x == 1.); /* no capacitance for dend: NEURON's default */
    assert_int_equal(cl_section_get_at(sim, soma, 0.5, "g_pas", &x), CL_ENOTFOUND);
    /* bmtk's nseg after the biophysics: 1 + 2*int(L/40) */
    assert_int_equal(cl_section_get_L(sim, dend, &x), CL_OK);
    assert_int_equal(cl_section_get_nseg(sim, dend, &nseg), CL_OK);
    assert_int_equal(nseg, 1 + 2 * (int)(x / 40.));

    /* the default axon is bmtk's: the perisomatic stub, two 30 µm sections */
    cl_model_options dflt = {0};
    cl_section ax1;
    if (cl_cell_load_model(sim, MORPH, path, &dflt, &cell) != CL_OK) fail_msg("%s", cl_sim_errmsg(sim));
    assert_int_equal(cl_cell_section(sim, cell, "axon[1]", &ax1), CL_OK);
    assert_int_equal(cl_section_get_L(sim, ax1, &x), CL_OK);
    assert_true(fabs(x - 30.) < 1e-4); /* from float pt3d points */
    assert_int_equal(cl_cell_section(sim, cell, "axon[2]", &ax1), CL_ENOTFOUND);
    unlink(path);

    /* a mechanism that is not loaded is named, with the file and line */
    write_tmp(path, sizeof path, "nomech",
              HEAD "\n<channelDensity id=\"gbar_NoSuch\" segmentGroup=\"soma\" ion=\"k\" ionChannel=\"NoSuch\" "
                   "erev=\"-90 mV\" condDensity=\"1 S_per_cm2\"/>\n" TAIL);
    assert_int_equal(cl_cell_load_model(sim, MORPH, path, &o, &cell), CL_ENOTFOUND);
    const char *msg = cl_sim_errmsg(sim);
    if (!strstr(msg, ".cell.nml:4: <channelDensity id=\"gbar_NoSuch\">: ionChannel \"NoSuch\" is not a loaded "
                     "mechanism"))
        fail_msg("%s", msg);
    unlink(path);

    /* the id must name a variable of the channel (bmtk sets it by name) */
    write_tmp(path, sizeof path, "badid",
              HEAD "<channelDensity id=\"na_soma\" segmentGroup=\"soma\" ion=\"na\" ionChannel=\"hh\" "
                   "erev=\"50 mV\" condDensity=\"1 S_per_cm2\"/>\n" TAIL);
    assert_int_not_equal(cl_cell_load_model(sim, MORPH, path, &o, &cell), CL_OK);
    if (!strstr(cl_sim_errmsg(sim), ":3: <channelDensity id=\"na_soma\">: setting the variable named by the id"))
        fail_msg("%s", cl_sim_errmsg(sim));
    unlink(path);

    /* a parse error comes back as CL_EFORMAT with the place */
    write_tmp(path, sizeof path, "unit",
              HEAD "<resistivity segmentGroup=\"all\" value=\"100 ohms\"/>\n" TAIL);
    assert_int_equal(cl_cell_load_model(sim, MORPH, path, &o, &cell), CL_EFORMAT);
    if (!strstr(cl_sim_errmsg(sim), ".cell.nml:3: <resistivity>: attribute \"value\": unknown unit \"ohms\""))
        fail_msg("%s", cl_sim_errmsg(sim));
    unlink(path);
    cl_sim_free(sim);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quantities),
        cmocka_unit_test(test_read_real_file),
        cmocka_unit_test(test_bad_documents),
        cmocka_unit_test(test_dict_order),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
