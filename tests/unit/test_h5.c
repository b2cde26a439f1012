/* Unit tests for HDF5 (MorphIO H5 v1) morphologies: small files written
 * with the HDF5 C API. A good file must give the same cell as its
 * equivalent text file (ASC for a contour soma, SWC for a one-point soma),
 * whose readers the NEURON oracle checks; containers need a known cell
 * name; bad files fail with the file, the dataset and the problem. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellulab.h"
#include "cellulab_morph.h"
#include "sim/sim.h" /* cell names and count: no public getter */

#define L5DIR CELLULAB_SHARED_DATA "/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/morphologies/"
#define L5NAME "dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_y0.950_z1.000_-_Clone_0"

static char dir[] = "/tmp/test_h5_XXXXXX";

static const char *tmp(const char *name) {
    static char path[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

/* a dataset of rank 1 or 2 from doubles, stored as filetype */
static void put(hid_t loc, const char *name, hid_t filetype, int rank, hsize_t rows, hsize_t cols,
                const double *v) {
    hsize_t dims[2] = {rows, cols};
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    hid_t d = H5Dcreate2(loc, name, filetype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    if (rows) assert_true(H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
}

static void put_version(hid_t loc, unsigned major, unsigned minor) {
    hid_t g = H5Gcreate2(loc, "metadata", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hsize_t two = 2, one = 1;
    unsigned v[2] = {major, minor}, fam = 0;
    hid_t sp = H5Screate_simple(1, &two, NULL);
    hid_t a = H5Acreate2(g, "version", H5T_STD_U32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_UINT, v);
    H5Aclose(a);
    H5Sclose(sp);
    sp = H5Screate_simple(1, &one, NULL);
    a = H5Acreate2(g, "cell_family", H5T_STD_U32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, H5T_NATIVE_UINT, &fam);
    H5Aclose(a);
    H5Sclose(sp);
    H5Gclose(g);
}

/* A cell with a contour soma (8 points), an axon of one section and a
 * dendrite that forks: dend root (3 points) with two children, each child's
 * first point repeating the root's last (MorphIO's layout), the second child
 * with another diameter there. */
static const double contour_pts[][4] = {
    {5, 0, 0, 0},   {3.5, 3.5, 0.5, 0}, {0, 5, 1, 0},    {-3.5, 3.5, 0.5, 0},
    {-5, 0, 0, 0},  {-3.5, -3.5, -0.5, 0}, {0, -5, -1, 0}, {3.5, -3.5, -0.5, 0},
    {0, -6, 0, 1.5}, {0, -20, 0.5, 1.25}, {0.25, -40, 1, 1},              /* axon: section 1 */
    {6, 0, 0, 3}, {20, 1, 0, 2.5}, {40, 2, 0.5, 2},                        /* dend root: 2 */
    {40, 2, 0.5, 2}, {60, 12, 0.5, 1.5}, {80, 20, 1, 1},                   /* child: 3 */
    {40, 2, 0.5, 1.75}, {60, -10, 0, 1.25}, {70, -25, 0, 0.75},            /* child: 4 */
};
static const double contour_structure[][3] = {{0, 1, -1}, {8, 2, 0}, {11, 3, 0}, {14, 3, 2}, {17, 3, 2}};

static const char *contour_asc =
    "(\"CellBody\" (CellBody)\n"
    " (5 0 0 0) (3.5 3.5 0.5 0) (0 5 1 0) (-3.5 3.5 0.5 0)\n"
    " (-5 0 0 0) (-3.5 -3.5 -0.5 0) (0 -5 -1 0) (3.5 -3.5 -0.5 0))\n"
    "( (Axon) (0 -6 0 1.5) (0 -20 0.5 1.25) (0.25 -40 1 1))\n"
    "( (Dendrite) (6 0 0 3) (20 1 0 2.5) (40 2 0.5 2)\n"
    "  ( (40 2 0.5 2) (60 12 0.5 1.5) (80 20 1 1)\n"
    "  | (40 2 0.5 1.75) (60 -10 0 1.25) (70 -25 0 0.75) ) )\n";

static void write_cell(hid_t loc, const double (*pts)[4], size_t np, const double (*st)[3], size_t ns) {
    put(loc, "points", H5T_IEEE_F32LE, 2, np, 4, &pts[0][0]);
    put(loc, "structure", H5T_STD_I32LE, 2, ns, 3, &st[0][0]);
    put_version(loc, 1, 3);
}

static const char *write_contour_file(const char *name) {
    const char *p = tmp(name);
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_cell(f, contour_pts, 20, contour_structure, 5);
    H5Fclose(f);
    return p;
}

static const char *write_text(const char *name, const char *text) {
    const char *p = tmp(name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

/* the two cells have the same sections, parents, points (exactly) */
static const char *cell_name(cl_sim *s, cl_cell c) {
    int i = cl_handle_index(s, c.id, CL_TAG_CELL, "test", "cell");
    assert_true(i >= 0);
    return s->eng.cell[i].name;
}

static void same_cell(cl_sim *s, cl_cell a, cl_cell b) {
    size_t na = 0, nb = 0;
    assert_int_equal(cl_cell_section_count(s, a, &na), CL_OK);
    assert_int_equal(cl_cell_section_count(s, b, &nb), CL_OK);
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++) {
        cl_section x, y, px, py;
        cl_cell_section_at(s, a, i, &x);
        cl_cell_section_at(s, b, i, &y);
        const char *n1, *n2;
        cl_section_name(s, x, &n1);
        cl_section_name(s, y, &n2);
        assert_string_equal(n1, n2);
        double x1 = -1, x2 = -1;
        int h1 = cl_section_parent(s, x, &px, &x1) == CL_OK, h2 = cl_section_parent(s, y, &py, &x2) == CL_OK;
        assert_int_equal(h1, h2);
        if (h1) {
            cl_section_name(s, px, &n1);
            cl_section_name(s, py, &n2);
            assert_string_equal(n1, n2);
            assert_true(x1 == x2);
        }
        size_t p = 0, q = 0;
        cl_section_n3d(s, x, &p);
        cl_section_n3d(s, y, &q);
        assert_int_equal(p, q);
        for (size_t k = 0; k < p; k++) {
            double a1, a2, a3, a4, b1, b2, b3, b4;
            cl_section_pt3d(s, x, k, &a1, &a2, &a3, &a4);
            cl_section_pt3d(s, y, k, &b1, &b2, &b3, &b4);
            assert_true(a1 == b1 && a2 == b2 && a3 == b3 && a4 == b4);
        }
    }
}

static void test_contour_soma(void **state) {
    (void)state;
    const char *h5 = write_contour_file("contour.H5"); /* extension case-insensitive */
    const char *asc = write_text("contour.asc", contour_asc);
    for (int orient = 0; orient < 2; orient++) {
        cl_sim *s;
        assert_int_equal(cl_sim_new(&s), CL_OK);
        cl_morph_options o = {.soma = orient ? CL_SOMA_NEURON82 : CL_SOMA_NEURON9};
        cl_cell a, b;
        assert_int_equal(cl_cell_load_morphology_opt(s, h5, &o, &a), CL_OK);
        assert_int_equal(cl_cell_load_morphology_opt(s, asc, &o, &b), CL_OK);
        same_cell(s, a, b);
        size_t n = 0;
        cl_cell_section_count(s, a, &n);
        assert_int_equal(n, 5); /* soma, axon, 3 dend */
        cl_section soma, d2;
        cl_cell_section_at(s, a, 0, &soma);
        cl_section_n3d(s, soma, &n);
        assert_int_equal(n, 21); /* the contour's 21 centroid points */
        const char *nm;
        assert_string_equal(cell_name(s, a), "contour");
        /* the second child's first point: the h5 point itself (same xyz as
         * the parent's end, so no extra point), diameter 1.75 */
        cl_cell_section_at(s, a, 4, &d2);
        cl_section_name(s, d2, &nm);
        assert_string_equal(nm, "dend[2]");
        double x, y, z, d;
        cl_section_n3d(s, d2, &n);
        assert_int_equal(n, 3);
        cl_section_pt3d(s, d2, 0, &x, &y, &z, &d);
        assert_true(x == 40 && y == 2 && z == 0.5 && d == 1.75);
        cl_sim_free(s);
    }
}

/* one-point soma: the SWC with the same samples (the repeated fork point
 * left out where it repeats the parent's last point with its diameter) */
static void test_one_point_soma(void **state) {
    (void)state;
    const double pts[][4] = {
        {0, 0, 0, 10},
        {0, -6, 0, 1.5}, {0, -20, 0.5, 1.25},                /* axon */
        {6, 0, 0, 3}, {20, 1, 0, 2.5}, {40, 2, 0.5, 2},      /* dend */
        {40, 2, 0.5, 2}, {60, 12, 0.5, 1.5},                 /* child repeating the fork point */
        {40, 2, 0.5, 1.5}, {60, -10, 0, 1.25},               /* child with its own diameter */
    };
    const double st[][3] = {{0, 1, -1}, {1, 2, 0}, {3, 3, 0}, {6, 3, 2}, {8, 3, 2}};
    const char *h5 = tmp("one.h5");
    hid_t f = H5Fcreate(h5, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_cell(f, pts, 10, st, 5);
    H5Fclose(f);
    const char *swc = write_text("one.swc", "1 1 0 0 0 5 -1\n"
                                            "2 2 0 -6 0 0.75 1\n3 2 0 -20 0.5 0.625 2\n"
                                            "4 3 6 0 0 1.5 1\n5 3 20 1 0 1.25 4\n6 3 40 2 0.5 1 5\n"
                                            "7 3 60 12 0.5 0.75 6\n"
                                            "8 3 40 2 0.5 0.75 6\n9 3 60 -10 0 0.625 8\n");
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell a, b;
    assert_int_equal(cl_cell_load_morphology(s, h5, &a), CL_OK);
    assert_int_equal(cl_cell_load_morphology(s, swc, &b), CL_OK);
    same_cell(s, a, b);
    cl_section soma;
    size_t n;
    cl_cell_section_at(s, a, 0, &soma);
    cl_section_n3d(s, soma, &n);
    assert_int_equal(n, 3); /* Import3d's sphere_rep */
    cl_sim_free(s);
}

static void test_container(void **state) {
    (void)state;
    const char *p = tmp("merged.h5");
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const char *names[] = {"cellA", "cellB", "cellC", "cellD"};
    for (int i = 0; i < 4; i++) {
        hid_t g = H5Gcreate2(f, names[i], H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        write_cell(g, contour_pts, 20, contour_structure, i == 1 ? 3 : 5); /* cellB: soma, axon, 1 dend */
        H5Gclose(g);
    }
    H5Fclose(f);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell c;
    cl_morph_options o = {.h5_cell = "cellB"};
    assert_int_equal(cl_cell_load_morphology_opt(s, p, &o, &c), CL_OK);
    size_t n = 0;
    cl_cell_section_count(s, c, &n);
    assert_int_equal(n, 3);
    assert_string_equal(cell_name(s, c), "cellB");
    o.h5_cell = "cellC.h5"; /* as BlueCelluLab's "container.h5/cell.h5" */
    assert_int_equal(cl_cell_load_morphology_opt(s, p, &o, &c), CL_OK);
    cl_cell_section_count(s, c, &n);
    assert_int_equal(n, 5);
    o.h5_cell = NULL;
    assert_int_equal(cl_cell_load_morphology_opt(s, p, &o, &c), CL_EINVAL);
    const char *m = cl_sim_errmsg(s);
    assert_non_null(strstr(m, p));
    assert_non_null(strstr(m, "container of 4 cells"));
    assert_non_null(strstr(m, "\"cellA\""));
    o.h5_cell = "nope";
    assert_int_equal(cl_cell_load_morphology_opt(s, p, &o, &c), CL_EINVAL);
    m = cl_sim_errmsg(s);
    assert_non_null(strstr(m, p));
    assert_non_null(strstr(m, "no cell \"nope\""));
    assert_non_null(strstr(m, "\"cellB\""));
    o.h5_cell = "../x";
    assert_int_equal(cl_cell_load_morphology_opt(s, p, &o, &c), CL_EINVAL);
    /* a name for a single-cell file, or for a text format */
    o.h5_cell = "cellA";
    assert_int_equal(cl_cell_load_morphology_opt(s, write_contour_file("single.h5"), &o, &c), CL_EINVAL);
    assert_non_null(strstr(cl_sim_errmsg(s), "single.h5"));
    assert_non_null(strstr(cl_sim_errmsg(s), "not a container"));
    assert_int_equal(cl_cell_load_morphology_opt(s, write_text("c.asc", contour_asc), &o, &c), CL_EINVAL);
    cl_sim_free(s);
}

/* a soma alone (one point, or a contour) and a cell without soma, as their
 * SWC / ASC twins */
static void test_edge_shapes(void **state) {
    (void)state;
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    const double one[][4] = {{1, 2, 3, 8}};
    const double st1[][3] = {{0, 1, -1}};
    const char *p = tmp("soma_only.h5");
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_cell(f, one, 1, st1, 1);
    H5Fclose(f);
    cl_cell a, b;
    assert_int_equal(cl_cell_load_morphology(s, p, &a), CL_OK);
    assert_int_equal(cl_cell_load_morphology(s, write_text("soma_only.swc", "1 1 1 2 3 4 -1\n"), &b), CL_OK);
    same_cell(s, a, b);
    p = tmp("contour_only.h5");
    f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_cell(f, contour_pts, 8, contour_structure, 1);
    H5Fclose(f);
    assert_int_equal(cl_cell_load_morphology(s, p, &a), CL_OK);
    assert_int_equal(cl_cell_load_morphology(s, write_text("contour_only.asc",
        "(\"CellBody\" (CellBody)\n (5 0 0 0) (3.5 3.5 0.5 0) (0 5 1 0) (-3.5 3.5 0.5 0)\n"
        " (-5 0 0 0) (-3.5 -3.5 -0.5 0) (0 -5 -1 0) (3.5 -3.5 -0.5 0))\n"), &b), CL_OK);
    same_cell(s, a, b);
    /* no soma: the dendrite tree alone (sections 2..4, offsets from 0) */
    double nosoma_pts[9][4];
    memcpy(nosoma_pts, contour_pts[11], sizeof nosoma_pts);
    const double nosoma_st[][3] = {{0, 3, -1}, {3, 3, 0}, {6, 3, 0}};
    p = tmp("nosoma.h5");
    f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    write_cell(f, (const double (*)[4])nosoma_pts, 9, nosoma_st, 3);
    H5Fclose(f);
    assert_int_equal(cl_cell_load_morphology(s, p, &a), CL_OK);
    assert_int_equal(cl_cell_load_morphology(s, write_text("nosoma.asc",
        "( (Dendrite) (6 0 0 3) (20 1 0 2.5) (40 2 0.5 2)\n"
        "  ( (40 2 0.5 2) (60 12 0.5 1.5) (80 20 1 1)\n"
        "  | (40 2 0.5 1.75) (60 -10 0 1.25) (70 -25 0 0.75) ) )\n"), &b), CL_OK);
    same_cell(s, a, b);
    cl_sim_free(s);
}

static int rnd(unsigned long long *r, int n) {
    *r = *r * 6364136223846793005ULL + 1442695040888963407ULL;
    return (int)((*r >> 33) % (unsigned long long)n);
}

/* Many small random files (fixed seed): each loads or fails with a message
 * naming the file; never a crash (the sanitizer build runs this too). */
static void test_random_files(void **state) {
    (void)state;
    unsigned long long r = 12345;
#define RND(n) rnd(&r, (n))
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    int ok = 0, bad = 0;
    for (int it = 0; it < 1000; it++) {
        int n = 1 + RND(14), m = 1 + RND(6);
        double pts[16][4], st[8][3];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < 4; k++) pts[i][k] = RND(400) == 0 ? NAN : (double)RND(5) * (k == 3 ? 0.5 : 1.5);
        for (int i = 0; i < n; i++)
            if (i && RND(3) == 0) memcpy(pts[i], pts[i - 1], sizeof pts[i]); /* repeated points */
        int off = 0;
        for (int i = 0; i < m; i++) {
            st[i][0] = RND(12) == 0 ? RND(n + 2) - 1 : off;
            off += 1 + RND(4);
            st[i][1] = i == 0 && RND(4) ? 1 : 2 + RND(3) - (RND(20) == 0 ? 3 : 0);
            st[i][2] = i == 0 ? -1 : RND(10) == 0 ? RND(m + 2) - 1 : RND(6) == 0 ? -1 : RND(i);
        }
        const char *p = tmp("random.h5");
        hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        write_cell(f, (const double (*)[4])pts, (size_t)n, (const double (*)[3])st, (size_t)m);
        H5Fclose(f);
        cl_cell c;
        cl_status rc = cl_cell_load_morphology_opt(s, p, &(cl_morph_options){.soma = (cl_soma_orientation)RND(2)}, &c);
        if (rc == CL_OK) {
            size_t ns = 0;
            assert_int_equal(cl_cell_section_count(s, c, &ns), CL_OK);
            assert_true(ns >= 1);
            ok++;
        } else {
            if (!strstr(cl_sim_errmsg(s), p)) fail_msg("random file %d: %s", it, cl_sim_errmsg(s));
            if (getenv("TEST_H5_VERBOSE")) print_message("%s\n", cl_sim_errmsg(s));
            bad++;
        }
    }
#undef RND
    print_message("random files: %d loaded, %d refused\n", ok, bad);
    assert_true(ok > 20 && bad > 20);
    cl_sim_free(s);
}

/* ---- bad files ---------------------------------------------------------- */

typedef enum { B_NOPOINTS, B_COLS, B_RANK, B_INTPOINTS, B_FLOATSTRUCT, B_PARENT, B_PARENT_LATE, B_OFFSET,
               B_MONOTONE, B_NAN, B_VERSION, B_SOMA2, B_PERIM, B_EMPTY, B_CONTAINER_BAD, B_N } bad_kind;

static const struct { const char *dset, *words; } bad_expect[B_N] = {
    [B_NOPOINTS] = {"/points", "missing dataset"},
    [B_COLS] = {"/points", "shape 20 x 3, expected 4 columns"},
    [B_RANK] = {"/structure", "rank 1"},
    [B_INTPOINTS] = {"/points", "not floating point"},
    [B_FLOATSTRUCT] = {"/structure", "not integer"},
    [B_PARENT] = {"/structure", "row 3: parent index 7 is out of range"},
    [B_PARENT_LATE] = {"/structure", "row 3: parent 4 does not come before"},
    [B_OFFSET] = {"/structure", "row 4: first point 20 is out of range"},
    [B_MONOTONE] = {"/structure", "row 3: first point 11 is not after row 2's 11"},
    [B_NAN] = {"/points", "row 12 column 1 is not finite"},
    [B_VERSION] = {"/metadata attribute version", "version 2.0"},
    [B_SOMA2] = {"/structure", "row 2: soma section"},
    [B_PERIM] = {"/perimeters", "19 values for 20 points"},
    [B_EMPTY] = {"/structure", "no sections"},
    [B_CONTAINER_BAD] = {"/cellX/points", "missing dataset"},
};

static const char *write_bad(bad_kind k) {
    char name[32];
    snprintf(name, sizeof name, "bad%d.h5", (int)k);
    const char *p = tmp(name);
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    double pts[20][4], st[5][3];
    memcpy(pts, contour_pts, sizeof pts);
    memcpy(st, contour_structure, sizeof st);
    hid_t loc = f;
    if (k == B_CONTAINER_BAD) loc = H5Gcreate2(f, "cellX", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (k == B_PARENT) st[3][2] = 7;
    if (k == B_PARENT_LATE) st[3][2] = 4;
    if (k == B_OFFSET) st[4][0] = 20;
    if (k == B_MONOTONE) st[3][0] = 11;
    if (k == B_NAN) pts[12][1] = NAN;
    if (k == B_SOMA2) st[2][1] = 1;
    if (k != B_NOPOINTS && k != B_CONTAINER_BAD) {
        if (k == B_COLS) {
            double p3[20][3];
            for (int i = 0; i < 20; i++) memcpy(p3[i], pts[i], sizeof p3[i]);
            put(loc, "points", H5T_IEEE_F32LE, 2, 20, 3, &p3[0][0]);
        } else {
            put(loc, "points", k == B_INTPOINTS ? H5T_STD_I32LE : H5T_IEEE_F64LE, 2, 20, 4, &pts[0][0]);
        }
    }
    if (k == B_RANK) put(loc, "structure", H5T_STD_I32LE, 1, 15, 0, &st[0][0]);
    else if (k == B_EMPTY) put(loc, "structure", H5T_STD_I32LE, 2, 0, 3, &st[0][0]);
    else put(loc, "structure", k == B_FLOATSTRUCT ? H5T_IEEE_F32LE : H5T_STD_I64LE, 2, 5, 3, &st[0][0]);
    if (k == B_PERIM) put(loc, "perimeters", H5T_IEEE_F32LE, 1, 19, 0, &pts[0][0]);
    put_version(loc, k == B_VERSION ? 2 : 1, 0);
    if (loc != f) H5Gclose(loc);
    H5Fclose(f);
    return p;
}

static int printed;
static herr_t count_prints(hid_t stack, void *data) {
    (void)stack;
    (void)data;
    printed++;
    return 0;
}

static void test_bad_files(void **state) {
    (void)state;
    /* a caller's own HDF5 error handler is kept, and not called by us */
    H5Eset_auto2(H5E_DEFAULT, count_prints, NULL);
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    for (int k = 0; k < B_N; k++) {
        const char *p = write_bad((bad_kind)k);
        cl_cell c;
        cl_morph_options o = {.h5_cell = k == B_CONTAINER_BAD ? "cellX" : NULL};
        cl_status st = cl_cell_load_morphology_opt(s, p, &o, &c);
        const char *m = cl_sim_errmsg(s);
        print_message("%s\n", m);
        if (st == CL_OK || !strstr(m, p) || !strstr(m, bad_expect[k].dset) || !strstr(m, bad_expect[k].words))
            fail_msg("bad file %d: status %d, message \"%s\"", k, (int)st, m);
    }
    cl_cell c;
    assert_int_equal(cl_cell_load_morphology(s, write_text("text.h5", "not hdf5\n"), &c), CL_EFORMAT);
    assert_non_null(strstr(cl_sim_errmsg(s), "not an HDF5 file"));
    assert_int_equal(cl_cell_load_morphology(s, tmp("absent.h5"), &c), CL_EIO);
    assert_non_null(strstr(cl_sim_errmsg(s), "absent.h5"));
    assert_int_equal(s->eng.ncell, 0); /* nothing created on failure */
    H5E_auto2_t fn = NULL;
    void *data = (void *)1;
    H5Eget_auto2(H5E_DEFAULT, &fn, &data);
    assert_true(fn == count_prints && data == NULL);
    assert_int_equal(printed, 0);
    H5Eset_auto2(H5E_DEFAULT, (H5E_auto2_t)H5Eprint2, stderr);
    cl_sim_free(s);
}

/* The L5 TPC cell as HDF5 and as its ASC twin (MorphIO converted one into
 * the other): the same sections, names, parents and diameters; MorphIO
 * stored the ASC's decimals as float32, so a coordinate may land on the
 * other side of a %.8g rounding (pt3dadd's) than the decimal does: such a
 * point may differ by one unit in the 8th significant digit, plus float
 * storage (the only tolerance; the cell has one such coordinate: dend[65] point 3, x
 * 10.161674500 in the ASC, 10.1616744995 as float32). */
static void test_l5_twin(void **state) {
    (void)state;
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_morph_options o = {.soma = CL_SOMA_NEURON82};
    cl_cell a, b;
    assert_int_equal(cl_cell_load_morphology_opt(s, L5DIR "h5/" L5NAME ".h5", &o, &a), CL_OK);
    assert_int_equal(cl_cell_load_morphology_opt(s, L5DIR "asc/" L5NAME ".asc", &o, &b), CL_OK);
    size_t na = 0, nb = 0;
    cl_cell_section_count(s, a, &na);
    cl_cell_section_count(s, b, &nb);
    assert_int_equal(na, nb);
    size_t npts = 0, nxyz = 0;
    for (size_t i = 0; i < na; i++) {
        cl_section x, y, px, py;
        cl_cell_section_at(s, a, i, &x);
        cl_cell_section_at(s, b, i, &y);
        const char *n1, *n2;
        cl_section_name(s, x, &n1);
        cl_section_name(s, y, &n2);
        assert_string_equal(n1, n2);
        double x1 = -1, x2 = -1;
        int h1 = cl_section_parent(s, x, &px, &x1) == CL_OK, h2 = cl_section_parent(s, y, &py, &x2) == CL_OK;
        assert_int_equal(h1, h2);
        if (h1) {
            const char *p1, *p2;
            cl_section_name(s, px, &p1);
            cl_section_name(s, py, &p2);
            assert_string_equal(p1, p2);
            assert_true(x1 == x2);
        }
        size_t p = 0, q = 0;
        cl_section_n3d(s, x, &p);
        cl_section_n3d(s, y, &q);
        assert_int_equal(p, q);
        for (size_t k = 0; k < p; k++) {
            double u[4], v[4];
            cl_section_pt3d(s, x, k, &u[0], &u[1], &u[2], &u[3]);
            cl_section_pt3d(s, y, k, &v[0], &v[1], &v[2], &v[3]);
            npts++;
            assert_true(u[3] == v[3]);
            int differs = 0;
            for (int c = 0; c < 3; c++)
                if (u[c] != v[c]) {
                    differs = 1;
                    /* one unit of the 8th digit (<= 1e-7 relative) plus the
                     * float32 storage of both values (<= 2^-24 relative each) */
                    assert_true(fabs(u[c] - v[c]) <= (1e-7 + 2 * 0x1p-24) * fmax(fabs(u[c]), fabs(v[c])));
                }
            if (differs) {
                nxyz++;
                print_message("%s point %zu: %.9g %.9g %.9g (h5) vs %.9g %.9g %.9g (asc)\n", n1, k, u[0], u[1],
                              u[2], v[0], v[1], v[2]);
            }
        }
    }
    print_message("L5 TPC h5 vs asc: %zu sections, %zu points, %zu differ in x/y/z by one 8th digit, none in "
                  "diameter\n", na, npts, nxyz);
    assert_true(nxyz <= 1);
    cl_sim_free(s);
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contour_soma),
        cmocka_unit_test(test_one_point_soma),
        cmocka_unit_test(test_container),
        cmocka_unit_test(test_edge_shapes),
        cmocka_unit_test(test_random_files),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_l5_twin),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) rc = rc ? rc : 0;
    return rc;
}
