/* Unit tests of cl_cell_load_template (include/cellulab_hoc.h): the v5, v6
 * and bluepyopt calling conventions, format detection, one file loaded
 * twice, getCell()/CellRef, getThreshold/getHypAmp, and a table of
 * malformed templates with the exact error each gives (the simulation left
 * as before). Whole Blue Brain templates are compared with NEURON 8.2 by
 * the oracle test oracle_hoc_loader. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cellulab.h"
#include "cellulab_hoc.h"
#include "cellulab_model.h"
#include "sim/sim.h"

static char dir[] = "/tmp/test_hoc_loader_XXXXXX";
static char morph[4096];

/* Writes text to dir/name; returns the path (static buffer per call site). */
static const char *write_file(const char *name, const char *text, char *path, size_t cap) {
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* A template body: Import3d on the morphology path `morph_expr` builds the
 * cell, pas everywhere; ARGS_CHECK lets a case add lines to init. */
#define HEAD "{load_file(\"stdrun.hoc\")}\n{load_file(\"import3d.hoc\")}\n"
#define BODY(NAME, LOAD, EXTRA)                                                                  \
    "begintemplate " NAME "\n"                                                                   \
    "public init, soma, dend, apic, axon, all, somatic, basal, apical, axonal, CellRef, gid\n"   \
    "public getCell, getThreshold, getHypAmp\n"                                                  \
    "objref all, somatic, basal, apical, axonal, CellRef, this, rng\n"                                \
    "create soma[1], dend[1], apic[1], axon[1]\n"                                                \
    "proc init() { localobj m, imp\n"                                                            \
    "  strdef path\n"                                                                            \
    "  all = new SectionList()\n  somatic = new SectionList()\n  basal = new SectionList()\n"    \
    "  apical = new SectionList()\n  axonal = new SectionList()\n"                               \
    "  CellRef = this\n"                                                                         \
    "  forall delete_section()\n" LOAD                                                           \
    "  m = new Import3d_Neurolucida3()\n  m.quiet = 1\n  m.input(path)\n"                        \
    "  imp = new Import3d_GUI(m, 0)\n  imp.instantiate(this)\n"                                  \
    "  forsec all { insert pas }\n" EXTRA "}\n"                                                  \
    "obfunc getCell() { return CellRef }\n"                                                      \
    "func getThreshold() { return 0.25 }\n"                                                      \
    "func getHypAmp() { return -0.07 }\n"                                                        \
    "endtemplate " NAME "\n"

#define LOAD_V5 "  gid = $1\n  path = $s2\n"
#define LOAD_V6 "  gid = $1\n  sprint(path, \"%s/%s\", $s2, $s3)\n"
#define LOAD_BPO "  sprint(path, \"%s/%s\", $s1, $s2)\n"

static void ok(cl_sim *s, cl_status st) {
    if (st != CL_OK) fail_msg("%s", cl_sim_errmsg(s));
}

static int live_cells(cl_sim *s) {
    int n = 0;
    for (int c = 0; c < s->eng.ncell; c++) n += !s->eng.cell[c].dead;
    return n;
}

static int setup(void **state) {
    (void)state;
    if (!mkdtemp(dir)) return -1;
    snprintf(morph, sizeof morph, "%s/bluecellulab/ballstick/morphology.asc", CELLULAB_SHARED_DATA);
    return 0;
}

static int teardown(void **state) {
    (void)state;
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static double section_Ra(cl_sim *s, cl_cell c, const char *name) {
    cl_section sec;
    assert_int_equal(cl_cell_section(s, c, name, &sec), CL_OK);
    double L = 0;
    assert_int_equal(cl_section_get_Ra(s, sec, &L), CL_OK);
    return L;
}

static void test_v5_loaded_twice(void **state) {
    (void)state;
    char p[4200];
    write_file("v5.hoc", HEAD BODY("A", LOAD_V5, ""), p, sizeof p);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell a, b;
    cl_template_info info;
    cl_template_options o = {.gid = 3};
    assert_int_equal(cl_cell_load_template(s, p, morph, &o, &a, &info), CL_OK);
    assert_float_equal(info.threshold_nA, 0.25, 0);
    assert_float_equal(info.hypamp_nA, -0.07, 0);
    /* the same file again: an independent second cell */
    assert_int_equal(cl_cell_load_template(s, p, morph, NULL, &b, NULL), CL_OK);
    assert_true(a.id != b.id);
    assert_int_equal(live_cells(s), 2);
    size_t na = 0, nb = 0;
    assert_int_equal(cl_cell_section_count(s, a, &na), CL_OK);
    assert_int_equal(cl_cell_section_count(s, b, &nb), CL_OK);
    assert_int_equal(na, 2); /* soma and one dendrite */
    assert_int_equal(nb, 2);
    /* cells outlive the interpreter: they run */
    cl_pp stim;
    assert_int_equal(cl_cell_add_step(s, a, 1, 2, 0.1, &stim), CL_OK);
    assert_int_equal(cl_sim_run(s, 5), CL_OK);
    /* and through cl_cell_load_model (a .hoc model file) */
    cl_cell c;
    assert_int_equal(cl_cell_load_model(s, morph, p, NULL, &c), CL_OK);
    assert_int_equal(live_cells(s), 3);
    cl_sim_free(s);
}

static void test_v6_attributes(void **state) {
    (void)state;
    char p[4200];
    /* the soma's Ra set from by the attributes, to see which came where */
    write_file("v6.hoc",
               HEAD "strdef B_NeededAttributes\nB_NeededAttributes = \"AIS_scaler; my_length; no_such\"\n" BODY(
                   "B", LOAD_V6, "  soma[0] Ra = $4 * 10 + $5 + $6 * 100\n"),
               p, sizeof p);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    const char *names[] = {"unused", "my_length"};
    const double vals[] = {99, 7};
    cl_template_options o = {.n_attrs = 2, .attr_names = names, .attr_values = vals};
    cl_cell c;
    ok(s, cl_cell_load_template(s, p, morph, &o, &c, NULL));
    /* AIS_scaler and no_such not given: 1.0 each */
    assert_float_equal(section_Ra(s, c, "soma[0]"), 117, 1e-12);
    cl_sim_free(s);
}

static void test_bluepyopt_and_detection(void **state) {
    (void)state;
    char p[4200], q[4200];
    write_file("bpo.hoc", HEAD BODY("C", LOAD_BPO, ""), p, sizeof p);
    /* v6 without NeededAttributes (the container's form): $s3 read */
    write_file("v6plain.hoc", HEAD BODY("D", LOAD_V6, ""), q, sizeof q);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell c;
    assert_int_equal(cl_cell_load_template(s, p, morph, NULL, &c, NULL), CL_OK);
    cl_template_options o = {.format = CL_TEMPLATE_BLUEPYOPT};
    assert_int_equal(cl_cell_load_template(s, p, morph, &o, &c, NULL), CL_OK);
    assert_int_equal(cl_cell_load_template(s, q, morph, NULL, &c, NULL), CL_OK);
    o.format = CL_TEMPLATE_V6;
    assert_int_equal(cl_cell_load_template(s, q, morph, &o, &c, NULL), CL_OK);
    assert_int_equal(live_cells(s), 4);
    cl_sim_free(s);
}

/* A template without getThreshold/getHypAmp: NAN. */
static void test_no_threshold(void **state) {
    (void)state;
    char p[4200];
    write_file("plain.hoc",
               "{load_file(\"import3d.hoc\")}\nbegintemplate P\npublic init, all, soma, dend\n"
               "objref all\ncreate soma[1], dend[1]\n"
               "proc init() { localobj m, imp\n  all = new SectionList()\n  forall delete_section()\n"
               "  m = new Import3d_Neurolucida3()\n  m.input($s2)\n"
               "  imp = new Import3d_GUI(m, 0)\n  imp.instantiate(this)\n}\nendtemplate P\n",
               p, sizeof p);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell c;
    cl_template_info info = {0, 0};
    ok(s, cl_cell_load_template(s, p, morph, NULL, &c, &info));
    assert_true(isnan(info.threshold_nA));
    assert_true(isnan(info.hypamp_nA));
    cl_sim_free(s);
}

/* indexSections as Blue Brain templates write it (forsec all
 * { v(0.0001) = index }, then the dendrite deleted): each remaining section
 * keeps its index (cl_section_template_index), as BlueCelluLab's
 * SerializedSections reads them back; a section without one says -1. */
static void test_section_index(void **state) {
    (void)state;
    char p[4200];
    write_file("indexed.hoc",
               HEAD BODY("I", LOAD_V5,
                         "  index = 0\n  forsec all { v(0.0001) = index\n index = index + 1 }\n"
                         "  dend[0] v(0.0001) = 9.5\n"),
               p, sizeof p);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell c;
    ok(s, cl_cell_load_template(s, p, morph, NULL, &c, NULL));
    cl_section soma, dend;
    ok(s, cl_cell_section(s, c, "soma[0]", &soma));
    ok(s, cl_cell_section(s, c, "dend[0]", &dend));
    double a = -2, b = -2;
    ok(s, cl_section_template_index(s, soma, &a));
    ok(s, cl_section_template_index(s, dend, &b));
    assert_true(a == 0);  /* first in `all` */
    assert_true(b == -1); /* its last v(0.0001) is not an integer: no index */
    cl_cell plain;
    ok(s, cl_cell_load_model(s, morph, NULL, NULL, &plain));
    cl_section ps;
    ok(s, cl_cell_soma(s, plain, &ps));
    ok(s, cl_section_template_index(s, ps, &a));
    assert_true(a == -1); /* not made by a template */
    cl_sim_free(s);
}

/* load_file("Cell.hoc"): a file next to the template wins over the
 * built-in copy; without one the built-in Cell template is there. */
static void test_cell_hoc_precedence(void **state) {
    (void)state;
    char sub[4200], p[4200], q[4200];
    snprintf(sub, sizeof sub, "%s/own", dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    /* a v5 wrapper as test_cell.hoc: CellRef = new Cell(gid, path) */
    const char *wrapper = "{load_file(\"Cell.hoc\")}\nbegintemplate W\npublic init, getCell, CellRef\n"
                          "objref CellRef\nproc init() {\n  CellRef = new Cell($1, $s2)\n"
                          "  forsec CellRef.all insert pas\n}\nobfunc getCell() { return CellRef }\nendtemplate W\n";
    write_file("wrapper.hoc", wrapper, p, sizeof p);
    write_file("own/wrapper.hoc", wrapper, q, sizeof q);
    /* our own Cell.hoc next to the second copy: it marks the soma's Ra */
    char c[4200];
    write_file("own/Cell.hoc",
               "{load_file(\"import3d.hoc\")}\nbegintemplate Cell\npublic soma, dend, all\nobjref all\n"
               "create soma[1], dend[1]\nproc init() { localobj m, g\n  all = new SectionList()\n"
               "  forall delete_section()\n  m = new Import3d_Neurolucida3()\n  m.input($s2)\n"
               "  g = new Import3d_GUI(m, 0)\n  g.instantiate(this)\n  soma[0] Ra = 123\n}\nendtemplate Cell\n",
               c, sizeof c);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell a, b;
    ok(s, cl_cell_load_template(s, p, morph, NULL, &a, NULL));
    ok(s, cl_cell_load_template(s, q, morph, NULL, &b, NULL));
    /* the built-in Cell leaves NEURON's default Ra (35.4 ohm cm) */
    assert_float_equal(section_Ra(s, a, "soma[0]"), 35.4, 1e-12);
    assert_float_equal(section_Ra(s, b, "soma[0]"), 123, 0);
    size_t n = 0;
    assert_int_equal(cl_cell_section_count(s, a, &n), CL_OK);
    assert_int_equal(n, 2);
    cl_sim_free(s);
}

/* .h5 morphologies: the templates call morphio_read(this, path); a path
 * "container.h5/cell.h5" names a cell of an HDF5 container. The container
 * and the single file hold the same cell: the same sections and areas. */
#define H5DIR CELLULAB_SHARED_DATA "/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/morphologies/"
#define H5CELL "dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_y0.950_z1.000_-_Clone_0"
static void test_h5_morphio_read(void **state) {
    (void)state;
    char p[4200];
    write_file("h5.hoc",
               "begintemplate H5\npublic init, soma, dend, apic, axon, all, somatic, basal, apical, axonal\n"
               "objref all, somatic, basal, apical, axonal, this\ncreate soma[1], dend[1], apic[1], axon[1]\n"
               "proc init() { strdef path, cmd\n"
               "  all = new SectionList()\n  somatic = new SectionList()\n  basal = new SectionList()\n"
               "  apical = new SectionList()\n  axonal = new SectionList()\n  forall delete_section()\n"
               "  sprint(path, \"%s/%s\", $s2, $s3)\n"
               "  sprint(cmd, \"morphio_read( %s, \\\"%s\\\" )\", this, path)\n"
               "  execute1(cmd)\n  forsec all insert pas\n}\nendtemplate H5\n",
               p, sizeof p);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell a, b;
    ok(s, cl_cell_load_template(s, p, H5DIR "h5/" H5CELL ".h5", NULL, &a, NULL));
    ok(s, cl_cell_load_template(s, p, H5DIR "merged-morphologies.h5/" H5CELL ".h5", NULL, &b, NULL));
    /* the container and its cell as options */
    cl_template_options o = {.morph = {.h5_cell = H5CELL}};
    cl_cell d;
    ok(s, cl_cell_load_template(s, p, H5DIR "merged-morphologies.h5", &o, &d, NULL));
    assert_int_equal(cl_cell_delete(s, d), CL_OK);
    size_t na = 0, nb = 0;
    assert_int_equal(cl_cell_section_count(s, a, &na), CL_OK);
    assert_int_equal(cl_cell_section_count(s, b, &nb), CL_OK);
    assert_true(na > 100);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        cl_section sa, sb;
        double aa, ab;
        assert_int_equal(cl_cell_section_at(s, a, i, &sa), CL_OK);
        assert_int_equal(cl_cell_section_at(s, b, i, &sb), CL_OK);
        assert_int_equal(cl_section_area(s, sa, 0.5, &aa), CL_OK);
        assert_int_equal(cl_section_area(s, sb, 0.5, &ab), CL_OK);
        assert_true(aa == ab);
    }
    /* a cell the container does not hold */
    cl_cell c;
    assert_int_equal(cl_cell_load_template(s, p, H5DIR "merged-morphologies.h5/no_such_cell.h5", NULL, &c, NULL),
                     CL_EFORMAT);
    assert_non_null(strstr(cl_sim_errmsg(s), "H5 made no sections; execute1 failed: execute:1:1: morphio_read: "
                                             "cl_cell_load_morphology: "));
    assert_non_null(strstr(cl_sim_errmsg(s), "merged-morphologies.h5: no cell \"no_such_cell.h5\""));
    assert_int_equal(live_cells(s), 2);
    cl_sim_free(s);
}

static void test_malformed(void **state) {
    (void)state;
    static const struct {
        const char *name, *text;
        int format;
        const char *morph; /* NULL: the good one */
        cl_status st;
        const char *msg; /* expected in the error message */
    } cases[] = {
        {"none.hoc", "proc init() { }\n", 0, NULL, CL_EFORMAT,
         "none.hoc: no template in the file (expected 'begintemplate NAME')"},
        {"syntax.hoc", "begintemplate F\nproc init() { x = ( }\nendtemplate F\n", 0, NULL, CL_EFORMAT,
         "syntax.hoc:2:21: expected a name, found '}'"},
        {"empty_attr.hoc",
         HEAD "strdef H_NeededAttributes\nH_NeededAttributes = \"AIS_scaler;\"\n" BODY("H", LOAD_V6, ""), 0, NULL,
         CL_EFORMAT, "H_NeededAttributes = \"AIS_scaler;\": an empty or too long attribute name"},
        {"wrong_format.hoc",
         HEAD "strdef I_NeededAttributes\nI_NeededAttributes = \"AIS_scaler\"\n" BODY("I", LOAD_V6, ""),
         CL_TEMPLATE_V5, NULL, CL_EINVAL, "I defines I_NeededAttributes (format v6), but format v5 was asked for"},
        /* too few arguments: a v6 template called as v5 */
        {"argcount.hoc", HEAD BODY("J", LOAD_V6, ""), CL_TEMPLATE_V5, NULL, CL_EFORMAT,
         "$s3: argument 3 was not passed (numarg() = 2)\n  in init, called from cl_cell_load_template:2:"},
        {"nomorph.hoc", HEAD BODY("K", LOAD_V5, ""), 0, "/nonexistent/m.asc", CL_EIO,
         "/nonexistent/m.asc: cannot read the morphology: No such file or directory"},
        {"initerr.hoc", HEAD BODY("L", LOAD_V5, "  execerror(\"bad cell\")\n"), 0, NULL, CL_EFORMAT,
         "initerr.hoc:25:3: execerror: bad cell\n  in init, called from cl_cell_load_template:2:"},
        {"nosections.hoc", "begintemplate M\npublic init\nproc init() { }\nendtemplate M\n", 0, NULL, CL_EFORMAT,
         "nosections.hoc: M made no sections"},
        /* a template that never ends: stopped */
        {"endless.hoc", HEAD BODY("Endless", LOAD_V5, "  while (1) { }\n"), 0, NULL, CL_EFORMAT,
         "endless.hoc:25:3: loop iteration limit (100000000) exceeded"},
        /* Random seeds with MCellRan4, but its draws are not reproduced */
        {"random.hoc", HEAD BODY("Q", LOAD_V5, "  rng = new Random()\n  rng.MCellRan4(7)\n  x = rng.uniform(0, 1)\n"), 0,
         NULL, CL_EFORMAT, "Random.uniform: draws are supported from the Random123 generator only"},
        {"badmech.hoc", HEAD BODY("N", LOAD_V5, "  forsec all { insert no_such_mech }\n"), 0, NULL, CL_EFORMAT,
         "no_such_mech"},
    };
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    char p[4200];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(cases[i].name, cases[i].text, p, sizeof p);
        cl_template_options o = {.format = (cl_template_format)cases[i].format};
        cl_cell c;
        cl_status st = cl_cell_load_template(s, p, cases[i].morph ? cases[i].morph : morph, &o, &c, NULL);
        const char *e = cl_sim_errmsg(s);
        if (st != cases[i].st || !strstr(e, cases[i].msg))
            fail_msg("%s: status %d (expected %d)\nerror: '%s'\nexpected to contain: '%s'", cases[i].name, st,
                     cases[i].st, e, cases[i].msg);
        /* nothing left behind */
        assert_int_equal(live_cells(s), 0);
    }
    cl_cell c;
    assert_int_equal(cl_cell_load_template(s, "/nonexistent/t.hoc", morph, NULL, &c, NULL), CL_EIO);
    assert_non_null(strstr(cl_sim_errmsg(s), "/nonexistent/t.hoc: cannot read the template"));
    cl_template_options bad = {.format = (cl_template_format)3};
    assert_int_equal(cl_cell_load_template(s, p, morph, &bad, &c, NULL), CL_EINVAL);
    assert_int_equal(cl_cell_load_template(s, NULL, morph, NULL, &c, NULL), CL_EINVAL);
    cl_sim_free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v5_loaded_twice),
        cmocka_unit_test(test_v6_attributes),
        cmocka_unit_test(test_bluepyopt_and_detection),
        cmocka_unit_test(test_no_threshold),
        cmocka_unit_test(test_section_index),
        cmocka_unit_test(test_cell_hoc_precedence),
        cmocka_unit_test(test_h5_morphio_read),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
