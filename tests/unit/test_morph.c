/* Unit tests for the Neurolucida ASC reader and the soma contour → centroid
 * conversion (NEURON Import3d's contour2centroid). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "morph/asc.h"
#include "morph/contour.h"

#define BALLSTICK CELLULAB_SHARED_DATA "/bluecellulab/ballstick/morphology.asc"
#define EXAMPLE1 CELLULAB_SHARED_DATA "/bluecellulab/cell_example1/test_cell.asc"
#define L5TPC                                                                                      \
    CELLULAB_SHARED_DATA "/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/morphologies/" \
                         "asc/dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_"    \
                         "y0.950_z1.000_-_Clone_0.asc"

typedef struct centroid {
    double x[CL_CONTOUR_NPTS], y[CL_CONTOUR_NPTS], z[CL_CONTOUR_NPTS], d[CL_CONTOUR_NPTS];
} centroid;

static void centroid_of(const cl_asc_contour *c, cl_soma_axis axis, centroid *out) {
    double *x = malloc(3 * c->npts * sizeof *x);
    assert_non_null(x);
    double *y = x + c->npts, *z = y + c->npts;
    for (size_t i = 0; i < c->npts; i++) {
        x[i] = c->pts[i].x;
        y[i] = c->pts[i].y;
        z[i] = c->pts[i].z;
    }
    char err[256] = "";
    int rc = cl_contour_to_centroid(x, y, z, c->npts, axis, out->x, out->y, out->z, out->d, err,
                                    sizeof err);
    free(x);
    if (rc) print_error("%s\n", err);
    assert_int_equal(rc, 0);
}

static void read_ok(const char *path, cl_asc_morph *m) {
    char err[512] = "";
    int rc = cl_asc_read(path, m, err, sizeof err);
    if (rc) print_error("%s\n", err);
    assert_int_equal(rc, 0);
}

static void parse_ok(const char *text, cl_asc_morph *m) {
    char err[512] = "";
    int rc = cl_asc_parse(text, strlen(text), "t.asc", m, err, sizeof err);
    if (rc) print_error("%s\n", err);
    assert_int_equal(rc, 0);
}

/* NEURON stores pt3d values as float; equality is checked at that precision. */
static void expect_centroid(const centroid *c, const double ex[CL_CONTOUR_NPTS][4]) {
    for (int i = 0; i < CL_CONTOUR_NPTS; i++) {
        const double got[4] = {c->x[i], c->y[i], c->z[i], c->d[i]};
        for (int k = 0; k < 4; k++) {
            if ((float)got[k] != (float)ex[i][k])
                print_error("point %d coord %d: got %.9g expected %.9g\n", i, k, got[k], ex[i][k]);
            assert_true((float)got[k] == (float)ex[i][k]);
        }
    }
}

static void expect_point(const cl_asc_point *p, double x, double y, double z, double d) {
    assert_true(p->x == x && p->y == y && p->z == z && p->d == d);
}

/* ---- reader ---------------------------------------------------------------- */

static void test_ballstick_parse(void **state) {
    (void)state;
    cl_asc_morph m;
    read_ok(BALLSTICK, &m);
    assert_int_equal(m.nsomas, 1);
    const cl_asc_contour *s = &m.somas[0];
    assert_int_equal(s->npts, 5); /* the closing repeat of the first point is kept */
    expect_point(&s->pts[0], 10, 0, 0, 0);
    expect_point(&s->pts[1], 0, 10, 0, 0);
    expect_point(&s->pts[2], -10, 0, 0, 0);
    expect_point(&s->pts[3], 0, -10, 0, 0);
    expect_point(&s->pts[4], 10, 0, 0, 0);
    assert_int_equal(m.ntrees, 1);
    assert_int_equal(m.trees[0].type, CL_ASC_DENDRITE);
    assert_int_equal(m.trees[0].nbranches, 1);
    const cl_asc_branch *b = &m.trees[0].branches[0];
    assert_int_equal(b->parent, -1);
    assert_int_equal(b->npts, 2);
    expect_point(&b->pts[0], 10, 0, 0, 3);
    expect_point(&b->pts[1], 210, 0, 0, 3);
    cl_asc_free(&m);
    assert_int_equal(m.nsomas, 0);
    assert_null(m.somas);
    cl_asc_free(&m); /* freeing twice is harmless */
}

static void test_nested_branches(void **state) {
    (void)state;
    const char *text =
        "; header comment\n"
        "(ImageCoords Filename \"C:\\img.jpg\" Merge 65535 65535 65535 0 Coords 0.36 0.36 0 0 0)\n"
        "(Sections S1 S2)\n"
        "(Description \"a cell; with (parens) inside\")\n"
        "(\"Pia\" (Closed) (1 2 3 4) (5 6 7 8))\n"
        "( (Color Yellow) (Font \"Arial\" 10) (1 2 3 4) \"a text label\")\n"
        "(\"CellBody\" (Color Red) (CellBody) (1, 0, 0, 0) (0 1 0 0) (-1 0 0 0 S1))\n"
        "( (Color Green) (Apical)\n"
        "  (0 0 0 2) (0, 10, 0, 2 S2) <(Class 1 \"thin\") (Color Red) (1 11 0 0.5)>\n"
        "  (Dot (Color Blue) (Name \"Marker 1\") (3 3 3 1))\n"
        "  (\n"
        "    (0 10 0 1) (5 15 0 1) ; a comment ( ) |\n"
        "    (\n"
        "      (5 15 0 1) (5 20 0 1) Normal\n"
        "    |\n"
        "      (5 15 0 1) (10 15 0 1) High\n"
        "    )\n"
        "  |\n"
        "    (0 10 0 1) (-5 15 0 1) Incomplete\n"
        "  )\n"
        ")\n"
        "( (Axon) (0 0 0 1) (0 -10 0 1) Generated)\n";
    cl_asc_morph m;
    parse_ok(text, &m);
    assert_int_equal(m.nsomas, 1);
    assert_int_equal(m.somas[0].npts, 3);
    expect_point(&m.somas[0].pts[2], -1, 0, 0, 0);
    assert_int_equal(m.ntrees, 2); /* the text label is not a tree */
    const cl_asc_tree *t = &m.trees[0];
    assert_int_equal(t->type, CL_ASC_APICAL);
    assert_int_equal(t->nbranches, 5);
    const int parent[5] = {-1, 0, 1, 1, 0};
    const size_t npts[5] = {2, 2, 2, 2, 2};
    for (int i = 0; i < 5; i++) {
        assert_int_equal(t->branches[i].parent, parent[i]);
        assert_int_equal(t->branches[i].npts, npts[i]);
    }
    expect_point(&t->branches[0].pts[1], 0, 10, 0, 2);
    expect_point(&t->branches[1].pts[1], 5, 15, 0, 1);
    expect_point(&t->branches[2].pts[1], 5, 20, 0, 1);
    expect_point(&t->branches[3].pts[1], 10, 15, 0, 1);
    expect_point(&t->branches[4].pts[1], -5, 15, 0, 1);
    assert_int_equal(m.trees[1].type, CL_ASC_AXON);
    assert_int_equal(m.trees[1].nbranches, 1);
    cl_asc_free(&m);
}

static void test_single_child_chain(void **state) {
    (void)state;
    /* groups with one alternative, nested (as in ringtest's cell_big.asc) */
    const char *text = "( (Dendrite) (0 0 0 1) (1 0 0 1)\n"
                       "  ( (2 0 0 1) ( (3 0 0 1) ( (4 0 0 1) ) ) ) )";
    cl_asc_morph m;
    parse_ok(text, &m);
    assert_int_equal(m.nsomas, 0);
    assert_int_equal(m.ntrees, 1);
    assert_int_equal(m.trees[0].nbranches, 4);
    for (int i = 0; i < 4; i++) assert_int_equal(m.trees[0].branches[i].parent, i - 1);
    expect_point(&m.trees[0].branches[3].pts[0], 4, 0, 0, 1);
    cl_asc_free(&m);
}

static void test_three_number_point(void **state) {
    (void)state;
    /* NEURON reads (x y z) as d = 0; ringtest_allen_v1's soma contours need it */
    cl_asc_morph m;
    parse_ok("(\"CellBody\" (16.5 0.0 0.0) (0.0 15.5 0.0) (-16.5 0 0))", &m);
    assert_int_equal(m.somas[0].npts, 3);
    expect_point(&m.somas[0].pts[1], 0, 15.5, 0, 0);
    cl_asc_free(&m);
}

/* Import3d_Neurolucida3's set_sectype: the type is the label of the tree's
 * last property (Axon 2, Dendrite 3, Apical 4, anything else 0); sets
 * ("name" ...) are not properties. */
static void test_tree_type_from_last_property(void **state) {
    (void)state;
    cl_asc_morph m;
    parse_ok("( (Color Red) (Dendrite) (0 0 0 1) (1 0 0 1) )\n"
             "( (Apical) (Color Red) (0 0 0 1) (1 0 0 1) )\n"
             "( (0 0 0 1) (1 0 0 1) )\n"
             "( (Axon) (\"a set\" x) (0 0 0 1) (1 0 0 1) )\n",
             &m);
    assert_int_equal(m.ntrees, 4);
    assert_int_equal(m.trees[0].type, CL_ASC_DENDRITE);
    assert_int_equal(m.trees[1].type, CL_ASC_UNTYPED);
    assert_int_equal(m.trees[2].type, CL_ASC_UNTYPED);
    assert_int_equal(m.trees[3].type, CL_ASC_AXON);
    cl_asc_free(&m);
}

/* text must fail with exactly "t.asc:line:col: ..." containing what. */
static void expect_error(const char *text, size_t line, size_t col, const char *what) {
    char err[512] = "", prefix[64];
    cl_asc_morph m;
    memset(&m, 0x5a, sizeof m);
    int rc = cl_asc_parse(text, strlen(text), "t.asc", &m, err, sizeof err);
    if (rc == 0) print_error("no error for: %s\n", text);
    assert_int_not_equal(rc, 0);
    assert_int_equal(m.nsomas, 0);
    assert_int_equal(m.ntrees, 0);
    assert_null(m.somas);
    assert_null(m.trees);
    snprintf(prefix, sizeof prefix, "t.asc:%zu:%zu: ", line, col);
    if (strncmp(err, prefix, strlen(prefix)) != 0 || !strstr(err, what))
        print_error("got \"%s\", expected \"%s...%s\"\n", err, prefix, what);
    assert_true(strncmp(err, prefix, strlen(prefix)) == 0);
    assert_non_null(strstr(err, what));
}

static void test_malformed(void **state) {
    (void)state;
    const char *soma = "(\"CellBody\" (1 0 0 0) (0 1 0 0) (-1 0 0 0))\n";
    char buf[256];
    expect_error("", 1, 1, "no CellBody contour and no tree");
    expect_error("  ; only a comment\n\n", 3, 1, "no CellBody contour and no tree");
    expect_error("(\"CellBody\"\n  (1 0 0 0)\n  (0 1 0 0)\n", 1, 1, "unbalanced");
    expect_error("(\"CellBody\" (1 0 0 0) (0 1 0 0)))", 1, 33, "unbalanced");
    expect_error("(\"CellBody\"\n  (1 2 x 4)\n)", 2, 8, "expected a number, found 'x'");
    expect_error("(\"CellBody\" (1 2 3e 4))", 1, 18, "bad number '3e'");
    expect_error("(\"CellBody\" (1 2 1e999 4))", 1, 18, "bad number");
    expect_error("(\"CellBody\" (1 2))", 1, 13, "point has 2 numbers");
    expect_error("(\"CellBody\" (1 2 3 4 5))", 1, 22, "more than 4 numbers");
    expect_error("(\"CellBody\" (Color Red))", 1, 1, "contour has no points");
    expect_error("(\"CellBody", 1, 2, "unterminated string");
    expect_error("(\"CellBody\" (1 2 3 4)\x01)", 1, 22, "unexpected character 0x01");
    expect_error("Dendrite", 1, 1, "expected '(' at top level");
    snprintf(buf, sizeof buf, "%s( (Dendrite) (0 0 0 1) | (1 0 0 1) )", soma);
    expect_error(buf, 2, 24, "'|' outside a branch group");
    snprintf(buf, sizeof buf, "%s( (Axon) (0 0 0 1) ( | (1 0 0 1) ) )", soma);
    expect_error(buf, 2, 20, "branch has no points");
    snprintf(buf, sizeof buf, "%s( (Axon) ( (0 0 0 1) | (1 0 0 1) ) )", soma);
    expect_error(buf, 2, 10, "branch group before any point");
    snprintf(buf, sizeof buf, "%s( (Axon) (0 0 0 1) ( (1 0 0 1) | (2 0 0 1) ) (3 0 0 1) )", soma);
    expect_error(buf, 2, 46, "point after a branch group");
    snprintf(buf, sizeof buf, "%s( (Axon) (0 0 0 1) <(1 0 0 1)) )", soma);
    expect_error(buf, 2, 30, "inside a spine");
    snprintf(buf, sizeof buf, "%s( (Axon) (0 0 0 1) ( (1 0 0 1) | (2 0 0 1", soma);
    expect_error(buf, 2, 34, "'(' is never closed"); /* the point */
    snprintf(buf, sizeof buf, "%s( (Axon) (0 0 0 1) ( (1 0 0 1) | (2 0 0 1)", soma);
    expect_error(buf, 2, 20, "'(' is never closed"); /* the group */
    snprintf(buf, sizeof buf, "%s( (Axon) (0 0 0 1) ( (1 0 0 1) | (2 0 0 1))", soma);
    expect_error(buf, 2, 1, "'(' is never closed"); /* the tree */

    /* a missing file */
    char err[512] = "";
    cl_asc_morph m;
    const char *missing = CELLULAB_SHARED_DATA "/no/such/file.asc";
    assert_int_not_equal(cl_asc_read(missing, &m, err, sizeof err), 0);
    assert_int_equal(strncmp(err, missing, strlen(missing)), 0);
    assert_non_null(strstr(err, ":1:1: cannot open"));
    assert_int_equal(m.nsomas + m.ntrees, 0);
    /* a directory opens but cannot be read */
    assert_int_not_equal(cl_asc_read(CELLULAB_SHARED_DATA, &m, err, sizeof err), 0);
    /* a tiny error buffer is truncated, not overrun */
    char small[8];
    assert_int_not_equal(cl_asc_parse("(", 1, "t.asc", &m, small, sizeof small), 0);
    assert_string_equal(small, "t.asc:1");
    assert_int_not_equal(cl_asc_parse("(", 1, "t.asc", &m, NULL, 0), 0);
}

static void test_deep_nesting(void **state) {
    (void)state;
    /* far deeper than the cap: must fail cleanly, not exhaust the C stack */
    size_t n = 200000;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memcpy(text, "(Skip ", 6); /* an annotation, so every '(' is legal until the cap */
    memset(text + 6, '(', n - 6);
    text[n] = 0;
    char err[256] = "";
    cl_asc_morph m;
    assert_int_not_equal(cl_asc_parse(text, n, "deep.asc", &m, err, sizeof err), 0);
    assert_non_null(strstr(err, "deep.asc:1:10006: nesting deeper than 10000"));
    /* deep but legal: a chain of single-child groups */
    size_t levels = 2000, len = 0;
    char *t2 = malloc(levels * 24 + 64);
    assert_non_null(t2);
    len += (size_t)sprintf(t2, "( (Dendrite) (0 0 0 1)");
    for (size_t i = 0; i < levels; i++) len += (size_t)sprintf(t2 + len, " ( (%zu 0 0 1)", i + 1);
    for (size_t i = 0; i <= levels; i++) t2[len++] = ')';
    t2[len] = 0;
    parse_ok(t2, &m);
    assert_int_equal(m.trees[0].nbranches, levels + 1);
    assert_int_equal(m.trees[0].branches[levels].parent, (int)levels - 1);
    cl_asc_free(&m);
    free(t2);
    free(text);
}

/* Every prefix of a valid file, and the file with each byte replaced, must
 * parse or fail without crashing (run under ASan to make this meaningful). */
static void test_no_crash_on_mutations(void **state) {
    (void)state;
    const char *text = "(\"CellBody\" (1 0 0 0) (0 1 0 0) (-1 0 0 0))\n"
                       "( (Dendrite) (0 0 0 1) (1, 0, 0, 1 S1) <(2 0 0 1)>\n"
                       "  ( (2 0 0 1) ( (3 0 0 1) | (4 0 0 1) ) | (5 0 0 1) Normal ) )\n";
    size_t n = strlen(text);
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    const char subst[] = "()|,<>\";x0 \n";
    char err[128];
    cl_asc_morph m;
    for (size_t len = 0; len <= n; len++) {
        memcpy(buf, text, len); /* not NUL-terminated: the parser must respect len */
        if (cl_asc_parse(buf, len, "p", &m, err, sizeof err) == 0) cl_asc_free(&m);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof subst - 1; k++) {
            memcpy(buf, text, n);
            buf[i] = subst[k];
            if (cl_asc_parse(buf, n, "p", &m, err, sizeof err) == 0) cl_asc_free(&m);
        }
    free(buf);
}

/* ---- contour → centroid ---------------------------------------------------- */

static void test_ballstick_centroid(void **state) {
    (void)state;
    static const double ex_x[CL_CONTOUR_NPTS] = {
        -9.6, -8.62, -7.64, -6.66, -5.68, -4.7, -3.72, -2.74, -1.76, -0.78, 0.2,
        1.18, 2.16,  3.14,  4.12,  5.1,   6.08, 7.06,  8.04,  9.02,  10};
    static const double ex_d[CL_CONTOUR_NPTS] = {
        1.78,  2.76,  4.72,  6.68,  8.64, 10.6, 12.56, 14.52, 16.48, 18.44, 19.6,
        17.64, 15.68, 13.72, 11.76, 9.8,  7.84, 5.88,  3.92,  1.96,  0.98};
    cl_asc_morph m;
    read_ok(BALLSTICK, &m);
    for (int axis = 0; axis < 2; axis++) { /* both modes agree on this contour */
        centroid c;
        centroid_of(&m.somas[0], (cl_soma_axis)axis, &c);
        for (int i = 0; i < CL_CONTOUR_NPTS; i++) {
            assert_true((float)c.x[i] == (float)ex_x[i]);
            assert_true((float)c.d[i] == (float)ex_d[i]);
            assert_true(fabs(c.y[i]) < 1e-13);
            assert_true(c.z[i] == 0);
        }
    }
    cl_asc_free(&m);
}

/* x3d, y3d, z3d, diam3d of soma[0], printed by NEURON 8.2.2 with
 *   r = h.Import3d_Neurolucida3(); r.input(path)
 *   h.Import3d_GUI(r, 0).instantiate(None)
 *   print("%.17g ..." % (h.x3d(i, sec=soma), ...)) for i in range(21)
 * (/usr/bin/python3, Debian python3-neuron). */
static const double nrn_example1[CL_CONTOUR_NPTS][4] = {
    {-6.5414657592773438, 7.3080868721008301, -0.0070141567848622799, 4.6874299049377441},
    {-5.876805305480957, 6.61407470703125, -0.0063391169533133507, 8.2497749328613281},
    {-5.2121448516845703, 5.9200630187988281, -0.0056640771217644215, 12.302741050720215},
    {-4.5474843978881836, 5.226050853729248, -0.0049890368245542049, 14.567074775695801},
    {-3.8828239440917969, 4.532038688659668, -0.0043139965273439884, 15.540491104125977},
    {-3.2181634902954102, 3.8380265235900879, -0.0036389566957950592, 16.268161773681641},
    {-2.5535032749176025, 3.1440143585205078, -0.0029639166314154863, 16.538728713989258},
    {-1.8888428211212158, 2.4500021934509277, -0.0022888765670359135, 16.725822448730469},
    {-1.2241823673248291, 1.7559901475906372, -0.0016138365026563406, 16.845588684082031},
    {-0.55952197313308716, 1.0619781017303467, -0.00093879643827676773, 16.958896636962891},
    {0.10513842850923538, 0.36796596646308899, -0.00026375637389719486, 16.818283081054688},
    {0.76979881525039673, -0.32604613900184631, 0.00041128371958620846, 16.661083221435547},
    {1.4344592094421387, -1.0200581550598145, 0.0010863237548619509, 16.509597778320312},
    {2.0991196632385254, -1.7140703201293945, 0.0017613638192415237, 15.960901260375977},
    {2.7637801170349121, -2.4080824851989746, 0.0024364038836210966, 15.371341705322266},
    {3.4284405708312988, -3.1020946502685547, 0.0031114439480006695, 14.487865447998047},
    {4.0931010246276855, -3.7961068153381348, 0.0037864840123802423, 13.144145011901855},
    {4.7577614784240723, -4.4901189804077148, 0.0044615240767598152, 11.800424575805664},
    {5.422421932220459, -5.1841306686401367, 0.0051365643739700317, 10.114888191223145},
    {6.0870819091796875, -5.8781428337097168, 0.005811604205518961, 6.5971684455871582},
    {6.7517423629760742, -6.5721549987792969, 0.0064866445027291775, 3.6200244426727295}};

/* The same, for the L5_TPC container morphology (a contour that is not flat). */
static const double nrn_l5tpc[CL_CONTOUR_NPTS][4] = {
    {-6.6042389869689941, -8.9323158264160156, 6.9414100646972656, 5.1404714584350586},
    {-5.9837298393249512, -8.0335655212402344, 6.2716655731201172, 9.3887443542480469},
    {-5.3632206916809082, -7.1348156929016113, 5.6019210815429688, 11.740270614624023},
    {-4.742711067199707, -6.2360653877258301, 4.9321761131286621, 12.905571937561035},
    {-4.1222019195556641, -5.3373150825500488, 4.2624316215515137, 13.471232414245605},
    {-3.5016927719116211, -4.4385652542114258, 3.5926871299743652, 14.044208526611328},
    {-2.881183385848999, -3.5398151874542236, 2.9229423999786377, 14.656490325927734},
    {-2.260673999786377, -2.6410648822784424, 2.2531979084014893, 15.27006721496582},
    {-1.640164852142334, -1.7423148155212402, 1.5834532976150513, 15.843268394470215},
    {-1.0196554660797119, -0.84356468915939331, 0.91370868682861328, 16.384626388549805},
    {-0.39914625883102417, 0.055185429751873016, 0.24396407604217529, 16.722450256347656},
    {0.22136302292346954, 0.95393556356430054, -0.4257805347442627, 16.919824600219727},
    {0.84187227487564087, 1.8526856899261475, -1.0955251455307007, 16.699527740478516},
    {1.4623816013336182, 2.7514357566833496, -1.7652697563171387, 16.325658798217773},
    {2.0828909873962402, 3.6501858234405518, -2.4350142478942871, 15.663158416748047},
    {2.7034001350402832, 4.5489358901977539, -3.1047589778900146, 14.799235343933105},
    {3.3239092826843262, 5.4476861953735352, -3.7745034694671631, 13.856060981750488},
    {3.9444186687469482, 6.3464365005493164, -4.4442481994628906, 12.53370475769043},
    {4.5649280548095703, 7.2451863288879395, -5.1139926910400391, 10.843118667602539},
    {5.1854372024536133, 8.1439361572265625, -5.7837371826171875, 7.048494815826416},
    {5.8059468269348145, 9.0426864624023438, -6.4534816741943359, 3.930840015411377}};

static void test_neuron_real_contours(void **state) {
    (void)state;
    cl_asc_morph m;
    centroid c;
    read_ok(EXAMPLE1, &m);
    assert_int_equal(m.nsomas, 1);
    assert_int_equal(m.somas[0].npts, 25);
    centroid_of(&m.somas[0], CL_SOMA_AXIS_NEURON8, &c);
    expect_centroid(&c, nrn_example1);
    cl_asc_free(&m);

    read_ok(L5TPC, &m);
    assert_int_equal(m.nsomas, 1);
    centroid_of(&m.somas[0], CL_SOMA_AXIS_NEURON8, &c);
    expect_centroid(&c, nrn_l5tpc);
    cl_asc_free(&m);
}

static void test_neuron9_reverses(void **state) {
    (void)state;
    /* NEURON 8.2's eigenvector for this contour points mostly along -x; NEURON 9
     * flips it, so the 21 points come out in the opposite order. */
    cl_asc_morph m;
    centroid c8, c9;
    read_ok(EXAMPLE1, &m);
    centroid_of(&m.somas[0], CL_SOMA_AXIS_NEURON8, &c8);
    centroid_of(&m.somas[0], CL_SOMA_AXIS_NEURON9, &c9);
    assert_true(c8.x[0] != c9.x[0]);
    for (int i = 0; i < CL_CONTOUR_NPTS; i++) {
        int j = CL_CONTOUR_NPTS - 1 - i;
        assert_true((float)c9.x[i] == (float)c8.x[j]);
        assert_true((float)c9.y[i] == (float)c8.y[j]);
        assert_true((float)c9.z[i] == (float)c8.z[j]);
        assert_true((float)c9.d[i] == (float)c8.d[j]);
    }
    cl_asc_free(&m);
}

static void test_contour_errors(void **state) {
    (void)state;
    double o[4][CL_CONTOUR_NPTS];
    char err[128];
    const double x[4] = {1, 1, 1, 1}, y[4] = {2, 2, 2, 2}, z[4] = {0, 0, 0, 0};
    /* too few points */
    assert_int_not_equal(cl_contour_to_centroid(x, y, z, 2, CL_SOMA_AXIS_NEURON8, o[0], o[1], o[2],
                                                o[3], err, sizeof err),
                         0);
    assert_non_null(strstr(err, "need at least 3"));
    /* all points equal: no axis */
    assert_int_not_equal(cl_contour_to_centroid(x, y, z, 4, CL_SOMA_AXIS_NEURON8, o[0], o[1], o[2],
                                                o[3], err, sizeof err),
                         0);
    /* collinear points: no width */
    const double lx[3] = {0, 1, 2}, ly[3] = {0, 1, 2};
    assert_int_not_equal(cl_contour_to_centroid(lx, ly, z, 3, CL_SOMA_AXIS_NEURON9, o[0], o[1], o[2],
                                                o[3], err, sizeof err),
                         0);
    /* not finite */
    const double nx[3] = {0, NAN, 2};
    assert_int_not_equal(cl_contour_to_centroid(nx, ly, z, 3, CL_SOMA_AXIS_NEURON8, o[0], o[1], o[2],
                                                o[3], err, sizeof err),
                         0);
    assert_non_null(strstr(err, "not finite"));
    /* the smallest sensible contour works */
    const double tx[3] = {0, 4, 0}, ty[3] = {0, 0, 3};
    assert_int_equal(cl_contour_to_centroid(tx, ty, z, 3, CL_SOMA_AXIS_NEURON8, o[0], o[1], o[2],
                                            o[3], err, sizeof err),
                     0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ballstick_parse),
        cmocka_unit_test(test_nested_branches),
        cmocka_unit_test(test_single_child_chain),
        cmocka_unit_test(test_three_number_point),
        cmocka_unit_test(test_tree_type_from_last_property),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_no_crash_on_mutations),
        cmocka_unit_test(test_ballstick_centroid),
        cmocka_unit_test(test_neuron_real_contours),
        cmocka_unit_test(test_neuron9_reverses),
        cmocka_unit_test(test_contour_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
