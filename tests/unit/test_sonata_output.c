/* Unit tests for the SONATA output writers (src/sim/output_sonata.c): files
 * are read back with the HDF5 C API (layout, types, values, the sorting
 * enum); failures leave no file behind and name the file and dataset. The
 * h5py view of the same files is checked by the oracle test
 * oracle_sonata_output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <hdf5.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/output_sonata.h"

static char dir[] = "/tmp/test_sonout_XXXXXX";

static const char *tmp(const char *name) {
    static char path[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

/* number of entries in dir (to see that no temporary file is left) */
static int entries(void) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static void clear_dir(void) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
    closedir(d);
}

static size_t read_len(hid_t f, const char *name) {
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t sp = H5Dget_space(d);
    hsize_t n = 0;
    assert_int_equal(H5Sget_simple_extent_ndims(sp), 1);
    H5Sget_simple_extent_dims(sp, &n, NULL);
    H5Sclose(sp);
    H5Dclose(d);
    return (size_t)n;
}

/* the dataset's stored type must equal want */
static void check_type(hid_t f, const char *name, hid_t want) {
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    hid_t t = H5Dget_type(d);
    if (H5Tequal(t, want) <= 0) fail_msg("%s: unexpected stored type", name);
    H5Tclose(t);
    H5Dclose(d);
}

static void read_all(hid_t f, const char *name, hid_t memtype, void *out) {
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    assert_true(d >= 0);
    assert_true(H5Dread(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) >= 0);
    H5Dclose(d);
}

static void check_str_attr(hid_t loc, const char *obj, const char *name, const char *want) {
    hid_t a = H5Aopen_by_name(loc, obj, name, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_STRING);
    assert_true(H5Tis_variable_str(t) > 0);
    char *s = NULL;
    assert_true(H5Aread(a, t, &s) >= 0);
    assert_string_equal(s, want);
    H5free_memory(s);
    H5Tclose(t);
    H5Aclose(a);
}

/* the sorting attribute: an int8 enum with libsonata's names and values */
static int read_sorting(hid_t f, const char *group) {
    hid_t a = H5Aopen_by_name(f, group, "sorting", H5P_DEFAULT, H5P_DEFAULT);
    assert_true(a >= 0);
    hid_t t = H5Aget_type(a);
    assert_int_equal(H5Tget_class(t), H5T_ENUM);
    hid_t base = H5Tget_super(t);
    assert_true(H5Tequal(base, H5T_STD_I8LE) > 0);
    assert_int_equal(H5Tget_nmembers(t), 3);
    const char *names[3] = {"none", "by_id", "by_time"};
    for (int8_t v = 0; v < 3; v++) {
        char nm[16];
        assert_true(H5Tenum_nameof(t, &v, nm, sizeof nm) >= 0);
        assert_string_equal(nm, names[v]);
    }
    int8_t v = -1;
    assert_true(H5Aread(a, t, &v) >= 0);
    H5Tclose(base);
    H5Tclose(t);
    H5Aclose(a);
    return v;
}

static void test_spikes_layout(void **state) {
    (void)state;
    const char *pops[2] = {"cortex", "thalamus"};
    const uint64_t ids0[6] = {3, 1, 2, 1, 0, 3};
    const double t0[6] = {5.0, 2.5, 2.5, 0.1, 7.0, 0.1};
    const uint64_t ids1[2] = {9, 4};
    const double t1[2] = {1.0, 0.5};
    const uint64_t *ids[2] = {ids0, ids1};
    const double *ts[2] = {t0, t1};
    const size_t counts[2] = {6, 2};
    char err[512] = "";
    const char *path = tmp("spikes.h5");
    assert_int_equal(cl_sonata_write_spikes(path, 2, pops, ids, ts, counts, NULL, err, sizeof err), 0);
    assert_int_equal(entries(), 1);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    uint32_t magic = 0, version[2] = {9, 9};
    hid_t a = H5Aopen(f, "magic", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_UINT32, &magic) >= 0);
    H5Aclose(a);
    a = H5Aopen(f, "version", H5P_DEFAULT);
    assert_true(H5Aread(a, H5T_NATIVE_UINT32, version) >= 0);
    H5Aclose(a);
    assert_int_equal(magic, 0x0A7A);
    assert_int_equal(version[0], 0);
    assert_int_equal(version[1], 1);
    assert_int_equal(read_sorting(f, "/spikes/cortex"), 2);
    assert_int_equal(read_sorting(f, "/spikes/thalamus"), 2);
    check_type(f, "/spikes/cortex/timestamps", H5T_IEEE_F64LE);
    check_type(f, "/spikes/cortex/node_ids", H5T_STD_U64LE);
    check_str_attr(f, "/spikes/cortex/timestamps", "units", "ms");
    assert_int_equal(read_len(f, "/spikes/cortex/timestamps"), 6);
    double t[6];
    uint64_t id[6];
    read_all(f, "/spikes/cortex/timestamps", H5T_NATIVE_DOUBLE, t);
    read_all(f, "/spikes/cortex/node_ids", H5T_NATIVE_UINT64, id);
    /* by time, ties by node id */
    const double wt[6] = {0.1, 0.1, 2.5, 2.5, 5.0, 7.0};
    const uint64_t wid[6] = {1, 3, 1, 2, 3, 0};
    for (int k = 0; k < 6; k++) {
        assert_true(t[k] == wt[k]);
        assert_int_equal(id[k], wid[k]);
    }
    read_all(f, "/spikes/thalamus/timestamps", H5T_NATIVE_DOUBLE, t);
    read_all(f, "/spikes/thalamus/node_ids", H5T_NATIVE_UINT64, id);
    assert_true(t[0] == 0.5 && t[1] == 1.0);
    assert_int_equal(id[0], 4);
    assert_int_equal(id[1], 9);
    H5Fclose(f);

    /* by id, ties by time; none keeps the input order */
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, ids, ts, counts, "by_id", err, sizeof err), 0);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_int_equal(read_sorting(f, "/spikes/cortex"), 1);
    read_all(f, "/spikes/cortex/timestamps", H5T_NATIVE_DOUBLE, t);
    read_all(f, "/spikes/cortex/node_ids", H5T_NATIVE_UINT64, id);
    const double bt[6] = {7.0, 0.1, 2.5, 2.5, 0.1, 5.0};
    const uint64_t bid[6] = {0, 1, 1, 2, 3, 3};
    for (int k = 0; k < 6; k++) {
        assert_true(t[k] == bt[k]);
        assert_int_equal(id[k], bid[k]);
    }
    assert_true(H5Lexists(f, "/spikes/thalamus", H5P_DEFAULT) == 0);
    H5Fclose(f);
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, ids, ts, counts, "none", err, sizeof err), 0);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_int_equal(read_sorting(f, "/spikes/cortex"), 0);
    read_all(f, "/spikes/cortex/timestamps", H5T_NATIVE_DOUBLE, t);
    read_all(f, "/spikes/cortex/node_ids", H5T_NATIVE_UINT64, id);
    for (int k = 0; k < 6; k++) {
        assert_true(t[k] == t0[k]);
        assert_int_equal(id[k], ids0[k]);
    }
    H5Fclose(f);
    /* a population without spikes: empty datasets */
    const size_t none[1] = {0};
    const uint64_t *nid[1] = {NULL};
    const double *nt[1] = {NULL};
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, nid, nt, none, "by_time", err, sizeof err), 0);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_int_equal(read_len(f, "/spikes/cortex/timestamps"), 0);
    assert_int_equal(read_len(f, "/spikes/cortex/node_ids"), 0);
    H5Fclose(f);
    assert_int_equal(entries(), 1);
    clear_dir();
}

static void test_spikes_errors(void **state) {
    (void)state;
    const char *pops[2] = {"a", "a"};
    const uint64_t ids0[2] = {1, 2};
    const double t0[2] = {1.0, NAN};
    const uint64_t *ids[2] = {ids0, ids0};
    const double *ts[2] = {t0, t0};
    size_t counts[2] = {2, 1};
    char err[512] = "";
    const char *path = tmp("s.h5");
    /* NaN time: refused with the dataset and spike */
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, ids, ts, counts, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "/spikes/a/timestamps"));
    assert_non_null(strstr(err, "nan"));
    counts[0] = 1;
    /* repeated population */
    assert_int_equal(cl_sonata_write_spikes(path, 2, pops, ids, ts, counts, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "given twice"));
    /* unknown sort, bad name, no populations, missing arrays */
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, ids, ts, counts, "by_gid", err, sizeof err), -1);
    assert_non_null(strstr(err, "by_gid"));
    const char *bad[1] = {"x/y"};
    assert_int_equal(cl_sonata_write_spikes(path, 1, bad, ids, ts, counts, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "x/y"));
    assert_int_equal(cl_sonata_write_spikes(path, 0, pops, ids, ts, counts, NULL, err, sizeof err), -1);
    const double *nt[1] = {NULL};
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, ids, nt, counts, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, "no times"));
    assert_int_equal(entries(), 0);
    /* unwritable folder */
    char p[300];
    snprintf(p, sizeof p, "%s/missing/s.h5", dir);
    assert_int_equal(cl_sonata_write_spikes(p, 1, pops, ids, ts, counts, NULL, err, sizeof err), -1);
    assert_non_null(strstr(err, p));
    assert_non_null(strstr(err, "cannot create"));
    if (geteuid() != 0) { /* root writes anywhere */
        char ro[200];
        snprintf(ro, sizeof ro, "%s/ro", dir);
        assert_int_equal(mkdir(ro, 0555), 0);
        snprintf(p, sizeof p, "%s/s.h5", ro);
        assert_int_equal(cl_sonata_write_spikes(p, 1, pops, ids, ts, counts, NULL, err, sizeof err), -1);
        assert_non_null(strstr(err, "cannot create"));
        rmdir(ro);
    }
    /* an existing good file is kept when a rewrite fails */
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, ids, ts, counts, NULL, err, sizeof err), 0);
    struct stat st0, st1;
    assert_int_equal(stat(path, &st0), 0);
    counts[0] = 2;
    assert_int_equal(cl_sonata_write_spikes(path, 1, pops, ids, ts, counts, NULL, err, sizeof err), -1);
    assert_int_equal(stat(path, &st1), 0);
    assert_int_equal(st0.st_ino, st1.st_ino);
    assert_int_equal(entries(), 1);
    clear_dir();
}

/* 3 nodes with 1, 4 and 2 values; rows v = 0.1*t + value index, over many
 * blocks (so data is extended several times) */
#define NV 7
static const uint64_t RIDS[3] = {10, 2, 5};
static const uint64_t RIP[4] = {0, 1, 5, 7};
static const uint32_t REL[NV] = {0, 0, 1, 1, 2, 0, 3};
static const float RPOS[NV] = {0.5f, 0.5f, 0.125f, 0.875f, 0.5f, 0.5f, 0.25f};

static double rv(size_t k, size_t j) { return -65.0 + 0.1 * (double)k + (double)j / 3.0; }

static void test_report_roundtrip(void **state) {
    (void)state;
    char err[512] = "";
    const char *path = tmp("report.h5");
    cl_report_writer *w = cl_report_open(path, "cortex", RIDS, 3, RIP, REL, RPOS, 0.0, 1000.0, 0.025, NULL,
                                         err, sizeof err);
    assert_non_null(w);
    /* while open, only the temporary file exists */
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(entries(), 1);
    const size_t rows = 40000; /* 1000 ms / 0.025: several 1 MiB blocks */
    double row[NV];
    for (size_t k = 0; k < rows; k++) {
        for (size_t j = 0; j < NV; j++) row[j] = rv(k, j);
        assert_int_equal(cl_report_append(w, row), 0);
    }
    assert_int_equal(cl_report_rows(w), rows);
    assert_int_equal(cl_report_close(w, err, sizeof err), 0);
    assert_int_equal(entries(), 1);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(f >= 0);
    check_type(f, "/report/cortex/data", H5T_IEEE_F32LE);
    check_type(f, "/report/cortex/mapping/node_ids", H5T_STD_U64LE);
    check_type(f, "/report/cortex/mapping/index_pointers", H5T_STD_U64LE);
    check_type(f, "/report/cortex/mapping/element_ids", H5T_STD_U32LE);
    check_type(f, "/report/cortex/mapping/element_pos", H5T_IEEE_F32LE);
    check_type(f, "/report/cortex/mapping/time", H5T_IEEE_F64LE);
    check_str_attr(f, "/report/cortex/data", "units", "mV");
    check_str_attr(f, "/report/cortex/mapping/time", "units", "ms");
    uint64_t ids[3], ip[4];
    uint32_t el[NV];
    float pos[NV];
    double tm[3];
    read_all(f, "/report/cortex/mapping/node_ids", H5T_NATIVE_UINT64, ids);
    read_all(f, "/report/cortex/mapping/index_pointers", H5T_NATIVE_UINT64, ip);
    read_all(f, "/report/cortex/mapping/element_ids", H5T_NATIVE_UINT32, el);
    read_all(f, "/report/cortex/mapping/element_pos", H5T_NATIVE_FLOAT, pos);
    read_all(f, "/report/cortex/mapping/time", H5T_NATIVE_DOUBLE, tm);
    assert_memory_equal(ids, RIDS, sizeof ids);
    assert_memory_equal(ip, RIP, sizeof ip);
    assert_memory_equal(el, REL, sizeof el);
    assert_memory_equal(pos, RPOS, sizeof pos);
    assert_true(tm[0] == 0.0 && tm[1] == 1000.0 && tm[2] == 0.025);
    hid_t d = H5Dopen2(f, "/report/cortex/data", H5P_DEFAULT);
    hid_t sp = H5Dget_space(d);
    hsize_t dims[2];
    assert_int_equal(H5Sget_simple_extent_ndims(sp), 2);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    assert_int_equal(dims[0], rows);
    assert_int_equal(dims[1], NV);
    float *data = malloc(rows * NV * sizeof *data);
    assert_true(H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
    for (size_t k = 0; k < rows; k++)
        for (size_t j = 0; j < NV; j++)
            if (data[k * NV + j] != (float)rv(k, j)) fail_msg("data[%zu][%zu] = %.9g", k, j, data[k * NV + j]);
    free(data);
    H5Sclose(sp);
    H5Dclose(d);
    H5Fclose(f);

    /* no element_pos, other units, no rows */
    w = cl_report_open(path, "soma", RIDS, 3, (const uint64_t[]){0, 1, 2, 3}, REL, NULL, 5.0, 5.0, 0.1, "mA",
                       err, sizeof err);
    assert_non_null(w);
    assert_int_equal(cl_report_close(w, err, sizeof err), 0);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    assert_true(H5Lexists(f, "/report/soma/mapping/element_pos", H5P_DEFAULT) == 0);
    check_str_attr(f, "/report/soma/data", "units", "mA");
    H5Fclose(f);
    clear_dir();
}

static void test_report_errors(void **state) {
    (void)state;
    char err[512] = "";
    const char *path = tmp("r.h5");
    /* mismatched lengths: index_pointers that decrease, do not start at 0 or
     * describe no values */
    assert_null(cl_report_open(path, "p", RIDS, 3, (const uint64_t[]){0, 3, 2, 4}, REL, NULL, 0, 1, 0.1, NULL,
                               err, sizeof err));
    assert_non_null(strstr(err, "/report/p/mapping/index_pointers"));
    assert_non_null(strstr(err, "decreases"));
    assert_null(cl_report_open(path, "p", RIDS, 3, (const uint64_t[]){1, 3, 3, 4}, REL, NULL, 0, 1, 0.1, NULL,
                               err, sizeof err));
    assert_non_null(strstr(err, "starts at 1"));
    assert_null(cl_report_open(path, "p", RIDS, 3, (const uint64_t[]){0, 0, 0, 0}, REL, NULL, 0, 1, 0.1, NULL,
                               err, sizeof err));
    assert_non_null(strstr(err, "no values"));
    /* bad time, bad name, missing ids */
    assert_null(cl_report_open(path, "p", RIDS, 3, RIP, REL, NULL, 0, 1, 0, NULL, err, sizeof err));
    assert_non_null(strstr(err, "/report/p/mapping/time"));
    assert_null(cl_report_open(path, "p", RIDS, 3, RIP, REL, NULL, NAN, 1, 0.1, NULL, err, sizeof err));
    assert_null(cl_report_open(path, "p", RIDS, 3, RIP, REL, NULL, 2, 1, 0.1, NULL, err, sizeof err));
    assert_null(cl_report_open(path, "", RIDS, 3, RIP, REL, NULL, 0, 1, 0.1, NULL, err, sizeof err));
    assert_null(cl_report_open(path, "p", RIDS, 3, RIP, NULL, NULL, 0, 1, 0.1, NULL, err, sizeof err));
    assert_non_null(strstr(err, "element_ids"));
    assert_int_equal(entries(), 0);
    /* unwritable folder */
    char p[300];
    snprintf(p, sizeof p, "%s/missing/r.h5", dir);
    assert_null(cl_report_open(p, "p", RIDS, 3, RIP, REL, NULL, 0, 1, 0.1, NULL, err, sizeof err));
    assert_non_null(strstr(err, p));
    /* abort: no file at all, and no temporary */
    cl_report_writer *w = cl_report_open(path, "p", RIDS, 3, RIP, REL, RPOS, 0, 1, 0.1, NULL, err, sizeof err);
    assert_non_null(w);
    double row[NV] = {0};
    assert_int_equal(cl_report_append(w, row), 0);
    assert_int_equal(cl_report_append(w, NULL), -1);
    assert_non_null(strstr(cl_report_errmsg(w), "/report/p/data"));
    /* after a failure close refuses and removes the temporary file */
    assert_int_equal(cl_report_close(w, err, sizeof err), -1);
    assert_non_null(strstr(err, "no row"));
    assert_int_equal(entries(), 0);
    w = cl_report_open(path, "p", RIDS, 3, RIP, REL, RPOS, 0, 1, 0.1, NULL, err, sizeof err);
    assert_int_equal(cl_report_append(w, row), 0);
    cl_report_abort(w);
    assert_int_equal(entries(), 0);
    cl_report_abort(NULL);
}

static int setup(void **state) {
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state) {
    (void)state;
    clear_dir();
    return rmdir(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spikes_layout),
        cmocka_unit_test(test_spikes_errors),
        cmocka_unit_test(test_report_roundtrip),
        cmocka_unit_test(test_report_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
