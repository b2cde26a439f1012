/* Builders shared by the unit tests (see fixtures.h). */
#define _DEFAULT_SOURCE /* mkstemps */
#include "fixtures.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

void fx_ok(cl_status st, const cl_error *e) {
    if (st) fail_msg("%s", e->msg);
}

cl_memcircuit *fx_cells(const char *pop, uint64_t n, const cl_node_model *m, const cl_run_config *rc) {
    cl_memcircuit *mc;
    cl_error e;
    fx_ok(cl_memcircuit_new(&mc, &e), &e);
    fx_ok(cl_memcircuit_add_population(mc, pop, n, m, &e), &e);
    fx_ok(cl_memcircuit_set_run_config(mc, rc, &e), &e);
    return mc;
}

cl_memcircuit *fx_bio_ext(const cl_node_model *bm, const cl_run_config *rc) {
    cl_memcircuit *mc = fx_cells("bio", 1, bm, rc);
    cl_node_model vm = {.model_type = "virtual"};
    cl_error e;
    fx_ok(cl_memcircuit_add_population(mc, "ext", 1, &vm, &e), &e);
    fx_ok(cl_memcircuit_add_edge_population(mc, "ext_bio", "ext", "bio", &e), &e);
    return mc;
}

cl_memcircuit *fx_driven_bio(uint64_t n, const char *morph, double tstop, const uint64_t *drive, size_t n_drive) {
    cl_node_model bm = {.model_type = "biophysical", .morphology = morph};
    cl_run_config rc = {NAN, tstop, 0.025, 20, -20, 6.3, -65, NULL, NULL, NULL, NULL};
    cl_memcircuit *mc = fx_cells("bio", n, &bm, &rc);
    cl_error e;
    fx_ok(cl_memcircuit_add_edge_population(mc, "bio_bio", "bio", "bio", &e), &e);
    fx_ok(cl_memcircuit_add_node_set(mc, "drive", "bio", drive, n_drive, &e), &e);
    cl_current_clamp cc = {.name = "step", .node_set = "drive", .amp = 2.0, .delay = 5, .duration = 40,
                           .segment_x = NAN};
    fx_ok(cl_memcircuit_add_current_clamp(mc, &cc, &e), &e);
    return mc;
}

uint64_t fx_edge(cl_memcircuit *mc, const char *epop, uint64_t s, uint64_t t, double w, double d, const char *dyn) {
    cl_error e;
    uint64_t id;
    fx_ok(cl_memcircuit_add_edge(mc, epop, s, t, dyn, &id, &e), &e);
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "syn_weight", w, &e), &e);
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "delay", d, &e), &e);
    return id;
}

uint64_t fx_edge_at(cl_memcircuit *mc, const char *epop, uint64_t s, uint64_t t, double w, double d, const char *dyn,
                    double sec, double pos) {
    uint64_t id = fx_edge(mc, epop, s, t, w, d, dyn);
    cl_error e;
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "afferent_section_id", sec, &e), &e);
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "afferent_section_pos", pos, &e), &e);
    return id;
}

void fx_insert_all(cl_sim *sim, cl_cell cell, const char *mech) {
    size_t ns;
    assert_int_equal(cl_cell_section_list(sim, cell, "all", NULL, 0, &ns), CL_OK);
    cl_section *secs = malloc(ns * sizeof *secs);
    assert_non_null(secs);
    assert_int_equal(cl_cell_section_list(sim, cell, "all", secs, ns, &ns), CL_OK);
    for (size_t i = 0; i < ns; i++) assert_int_equal(cl_section_insert(sim, secs[i], mech), CL_OK);
    free(secs);
}

const char *fx_path(const char *dir, const char *name) {
    static char path[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

const char *fx_write_file(const char *dir, const char *name, const char *text) {
    const char *p = fx_path(dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

const char *fx_temp_file(const char *suffix, const char *text) {
    static char path[8][128];
    static int k;
    k = (k + 1) % 8;
    int n = snprintf(path[k], sizeof path[k], "/tmp/cl_test_XXXXXX%s", suffix);
    assert_true(n > 0 && (size_t)n < sizeof path[k]);
    int fd = mkstemps(path[k], (int)strlen(suffix));
    assert_true(fd >= 0);
    size_t len = text ? strlen(text) : 0;
    assert_true(len == 0 || write(fd, text, len) == (ssize_t)len);
    close(fd);
    return path[k];
}

const char *fx_read_file(const char *path) {
    static char text[1 << 20];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    assert_true(feof(f)); /* the whole file */
    fclose(f);
    text[n] = '\0';
    return text;
}

int fx_remove_dir(const char *dir) {
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) != 0;
}

void fx_put_array(hid_t loc, const char *name, hid_t filetype, hid_t memtype, hsize_t n, const void *v) {
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(loc, name, filetype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(d >= 0);
    assert_true(H5Dwrite(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
}

void fx_put_doubles(hid_t loc, const char *name, hid_t filetype, hsize_t n, const double *v) {
    fx_put_array(loc, name, filetype, H5T_NATIVE_DOUBLE, n, v);
}

void fx_put_strings(hid_t loc, const char *name, hsize_t n, const char **v) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
    H5Dclose(d);
    H5Sclose(sp);
    H5Tclose(t);
}

void fx_assert_pt3d(cl_sim *s, cl_section sec, size_t i, double x, double y, double z, double d) {
    double a, b, c, e;
    assert_int_equal(cl_section_pt3d(s, sec, i, &a, &b, &c, &e), CL_OK);
    assert_true(a == (float)x && b == (float)y && c == (float)z && e == (float)d);
}

void fx_expect_morph_error(const char *dir, const char *name, const char *text, cl_status want, const char *msg) {
    const char *p = text ? fx_write_file(dir, name, text) : name;
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    cl_cell cell;
    assert_int_equal(cl_cell_load_morphology(s, p, &cell), want);
    if (!strstr(cl_sim_errmsg(s), msg)) fail_msg("message '%s' lacks '%s'", cl_sim_errmsg(s), msg);
    cl_sim_free(s);
}
