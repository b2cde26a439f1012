/* SONATA spike files and compartment reports (see output_sonata.h). */
#include "sim/output_sonata.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- shared helpers ---------------------------------------------------- */

static void seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void seterr(char *err, size_t errlen, const char *fmt, ...) {
    if (!err || errlen == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* HDF5 would print its error stack on stderr; our messages say it better. */
typedef struct {
    H5E_auto2_t fn;
    void *data;
} quiet;

static quiet hush(void) {
    quiet q = {NULL, NULL};
    H5Eget_auto2(H5E_DEFAULT, &q.fn, &q.data);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    return q;
}

static void unhush(quiet q) { H5Eset_auto2(H5E_DEFAULT, q.fn, q.data); }

/* Reserve PATH.tmp-XXXXXX beside path and open it as a new HDF5 file. */
static hid_t create_tmp(const char *path, char **tmp_out, char *err, size_t errlen) {
    *tmp_out = NULL;
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    if (!tmp) {
        seterr(err, errlen, "%s: out of memory", path);
        return H5I_INVALID_HID;
    }
    snprintf(tmp, n, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        seterr(err, errlen, "%s: cannot create file: %s", path, strerror(errno));
        free(tmp);
        return H5I_INVALID_HID;
    }
    fchmod(fd, 0644); /* mkstemp's 0600 would hide results from colleagues */
    close(fd);
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) {
        seterr(err, errlen, "%s: cannot create HDF5 file %s", path, tmp);
        unlink(tmp);
        free(tmp);
        return H5I_INVALID_HID;
    }
    *tmp_out = tmp;
    return f;
}

/* Close f; rename tmp to path when ok, else remove it. Frees tmp. */
static int finish_tmp(hid_t f, char *tmp, const char *path, int ok, char *err, size_t errlen) {
    if (f >= 0 && H5Fclose(f) < 0 && ok) {
        seterr(err, errlen, "%s: closing the HDF5 file failed (disk full?)", path);
        ok = 0;
    }
    if (ok && rename(tmp, path) != 0) {
        seterr(err, errlen, "%s: cannot write file: %s", path, strerror(errno));
        ok = 0;
    }
    if (!ok) unlink(tmp);
    free(tmp);
    return ok ? 0 : -1;
}

static int attr_str(hid_t loc, const char *name, const char *value) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = (a >= 0 && H5Awrite(a, t, &value) >= 0) ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return rc;
}

static int attr_u32(hid_t loc, const char *name, const uint32_t *v, hsize_t n) {
    hid_t sp = n == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
    hid_t a = H5Acreate2(loc, name, H5T_STD_U32LE, sp, H5P_DEFAULT, H5P_DEFAULT);
    int rc = (a >= 0 && H5Awrite(a, H5T_NATIVE_UINT32, v) >= 0) ? 0 : -1;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    return rc;
}

/* A 1-D dataset of n elements (n may be 0), optionally with units. */
static int put1d(hid_t loc, const char *name, hid_t filetype, hid_t memtype, hsize_t n, const void *v,
                 const char *units) {
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t d = H5Dcreate2(loc, name, filetype, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int rc = d >= 0 ? 0 : -1;
    if (rc == 0 && n > 0 && H5Dwrite(d, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) < 0) rc = -1;
    if (rc == 0 && units && attr_str(d, "units", units) < 0) rc = -1;
    if (d >= 0) H5Dclose(d);
    H5Sclose(sp);
    return rc;
}

/* ---- spikes ------------------------------------------------------------ */

typedef struct {
    double t;
    uint64_t id;
    size_t k; /* input position: makes qsort stable */
} spike;

static int by_time(const void *a, const void *b) {
    const spike *x = a, *y = b;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

static int by_id(const void *a, const void *b) {
    const spike *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    if (x->t != y->t) return x->t < y->t ? -1 : 1;
    return (x->k > y->k) - (x->k < y->k);
}

/* libsonata's Sorting: an enum over a signed 8-bit integer. */
static hid_t sorting_type(void) {
    hid_t t = H5Tenum_create(H5T_STD_I8LE);
    const char *names[3] = {"none", "by_id", "by_time"};
    for (int8_t v = 0; v < 3; v++) H5Tenum_insert(t, names[v], &v);
    return t;
}

static int write_pop(hid_t f, const char *path, const char *pop, const uint64_t *ids, const double *ts,
                     size_t n, int mode, char *err, size_t errlen) {
    spike *s = n ? malloc(n * sizeof *s) : NULL;
    uint64_t *oid = n ? malloc(n * sizeof *oid) : NULL;
    double *ot = n ? malloc(n * sizeof *ot) : NULL;
    int rc = -1;
    hid_t g = H5I_INVALID_HID;
    if (n && (!s || !oid || !ot)) {
        seterr(err, errlen, "%s: /spikes/%s: out of memory for %zu spikes", path, pop, n);
        goto out;
    }
    for (size_t k = 0; k < n; k++) s[k] = (spike){ts[k], ids[k], k};
    if (mode == 1 && n) qsort(s, n, sizeof *s, by_id);
    if (mode == 2 && n) qsort(s, n, sizeof *s, by_time);
    for (size_t k = 0; k < n; k++) {
        oid[k] = s[k].id;
        ot[k] = s[k].t;
    }
    char gname[512];
    snprintf(gname, sizeof gname, "/spikes/%s", pop);
    g = H5Gcreate2(f, gname, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) {
        seterr(err, errlen, "%s: %s: cannot create group", path, gname);
        goto out;
    }
    hid_t et = sorting_type();
    hid_t sp = H5Screate(H5S_SCALAR);
    int8_t v = (int8_t)mode;
    hid_t a = H5Acreate2(g, "sorting", et, sp, H5P_DEFAULT, H5P_DEFAULT);
    int ok = a >= 0 && H5Awrite(a, et, &v) >= 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(et);
    if (!ok) {
        seterr(err, errlen, "%s: %s: cannot write attribute sorting", path, gname);
        goto out;
    }
    if (put1d(g, "timestamps", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, n, ot, "ms") < 0) {
        seterr(err, errlen, "%s: %s/timestamps: cannot write %zu values", path, gname, n);
        goto out;
    }
    if (put1d(g, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, n, oid, NULL) < 0) {
        seterr(err, errlen, "%s: %s/node_ids: cannot write %zu values", path, gname, n);
        goto out;
    }
    rc = 0;
out:
    if (g >= 0) H5Gclose(g);
    free(s);
    free(oid);
    free(ot);
    return rc;
}

static int check_spikes(const char *path, size_t npop, const char *const *pops, const uint64_t *const *node_ids,
                        const double *const *times, const size_t *counts, const char *sort, int *mode,
                        char *err, size_t errlen) {
    if (!sort || strcmp(sort, "by_time") == 0) *mode = 2;
    else if (strcmp(sort, "by_id") == 0) *mode = 1;
    else if (strcmp(sort, "none") == 0) *mode = 0;
    else {
        seterr(err, errlen, "%s: unknown spike sorting \"%s\" (by_time, by_id or none)", path, sort);
        return -1;
    }
    if (npop == 0 || !pops || !counts || !node_ids || !times) {
        seterr(err, errlen, "%s: no spike population to write", path);
        return -1;
    }
    for (size_t p = 0; p < npop; p++) {
        const char *name = pops[p];
        if (!name || !*name || strchr(name, '/') || strlen(name) > 400) {
            seterr(err, errlen, "%s: population %zu: invalid name \"%s\"", path, p, name ? name : "(null)");
            return -1;
        }
        for (size_t q = 0; q < p; q++)
            if (strcmp(pops[q], name) == 0) {
                seterr(err, errlen, "%s: /spikes/%s: population given twice", path, name);
                return -1;
            }
        if (counts[p] && (!node_ids[p] || !times[p])) {
            seterr(err, errlen, "%s: /spikes/%s: %zu spikes but no %s", path, name, counts[p],
                   node_ids[p] ? "times" : "node ids");
            return -1;
        }
        for (size_t k = 0; k < counts[p]; k++)
            if (!isfinite(times[p][k])) {
                seterr(err, errlen, "%s: /spikes/%s/timestamps: spike %zu (node %llu) has time %g", path, name,
                       k, (unsigned long long)node_ids[p][k], times[p][k]);
                return -1;
            }
    }
    return 0;
}

int cl_sonata_write_spikes(const char *path, size_t npop, const char *const *pops,
                           const uint64_t *const *node_ids, const double *const *times,
                           const size_t *counts, const char *sort, char *err, size_t errlen) {
    int mode;
    if (!path || !*path) {
        seterr(err, errlen, "spike file: no path given");
        return -1;
    }
    if (check_spikes(path, npop, pops, node_ids, times, counts, sort, &mode, err, errlen) < 0) return -1;
    quiet q = hush();
    char *tmp;
    hid_t f = create_tmp(path, &tmp, err, errlen);
    if (f < 0) {
        unhush(q);
        return -1;
    }
    int ok = 1;
    const uint32_t magic = 0x0A7A, version[2] = {0, 1};
    if (attr_u32(f, "magic", &magic, 1) < 0 || attr_u32(f, "version", version, 2) < 0) {
        seterr(err, errlen, "%s: /: cannot write attributes magic and version", path);
        ok = 0;
    }
    hid_t g = ok ? H5Gcreate2(f, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT) : H5I_INVALID_HID;
    if (ok && g < 0) {
        seterr(err, errlen, "%s: /spikes: cannot create group", path);
        ok = 0;
    }
    if (g >= 0) H5Gclose(g);
    for (size_t p = 0; ok && p < npop; p++)
        if (write_pop(f, path, pops[p], node_ids[p], times[p], counts[p], mode, err, errlen) < 0) ok = 0;
    int rc = finish_tmp(f, tmp, path, ok, err, errlen);
    unhush(q);
    return rc;
}

/* ---- reports ----------------------------------------------------------- */

struct cl_report_writer {
    char *path, *tmp, *pop;
    hid_t file, data;
    size_t nvals;
    size_t rows;     /* rows written to the file */
    float *buf;      /* block of rows not yet written */
    size_t buffered, block;
    int failed;
    char err[1024];
};

static void wfail(cl_report_writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wfail(cl_report_writer *w, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof w->err, fmt, ap);
    va_end(ap);
    w->failed = 1;
}

static char *dupstr(const char *s) {
    char *d = malloc(strlen(s) + 1);
    if (d) strcpy(d, s);
    return d;
}

static void free_writer(cl_report_writer *w) {
    free(w->path);
    free(w->tmp);
    free(w->pop);
    free(w->buf);
    free(w);
}

static int check_report(const char *path, const char *pop, const uint64_t *node_ids, size_t n_nodes,
                        const uint64_t *ip, const uint32_t *element_ids, double tstart, double tstop,
                        double dt, char *err, size_t errlen) {
    if (!pop || !*pop || strchr(pop, '/') || strlen(pop) > 400) {
        seterr(err, errlen, "%s: invalid report population name \"%s\"", path, pop ? pop : "(null)");
        return -1;
    }
    if (!ip || (n_nodes && !node_ids)) {
        seterr(err, errlen, "%s: /report/%s/mapping: node_ids or index_pointers missing", path, pop);
        return -1;
    }
    if (ip[0] != 0) {
        seterr(err, errlen, "%s: /report/%s/mapping/index_pointers: starts at %llu, not 0", path, pop,
               (unsigned long long)ip[0]);
        return -1;
    }
    for (size_t i = 0; i < n_nodes; i++)
        if (ip[i + 1] < ip[i]) {
            seterr(err, errlen, "%s: /report/%s/mapping/index_pointers: decreases at %zu (%llu after %llu)", path,
                   pop, i + 1, (unsigned long long)ip[i + 1], (unsigned long long)ip[i]);
            return -1;
        }
    if (ip[n_nodes] == 0) {
        seterr(err, errlen, "%s: /report/%s: no values to report (%zu nodes)", path, pop, n_nodes);
        return -1;
    }
    if (ip[n_nodes] > (uint64_t)(SIZE_MAX / 8)) {
        seterr(err, errlen, "%s: /report/%s: %llu values per row is too many", path, pop,
               (unsigned long long)ip[n_nodes]);
        return -1;
    }
    if (!element_ids) {
        seterr(err, errlen, "%s: /report/%s/mapping/element_ids: missing", path, pop);
        return -1;
    }
    if (!isfinite(tstart) || !isfinite(tstop) || !isfinite(dt) || !(dt > 0) || tstop < tstart) {
        seterr(err, errlen, "%s: /report/%s/mapping/time: invalid [start, stop, dt] = [%g, %g, %g]", path, pop,
               tstart, tstop, dt);
        return -1;
    }
    return 0;
}

cl_report_writer *cl_report_open(const char *path, const char *pop, const uint64_t *node_ids,
                                 size_t n_nodes, const uint64_t *index_pointers,
                                 const uint32_t *element_ids, const float *element_pos,
                                 double tstart, double tstop, double dt, const char *units,
                                 char *err, size_t errlen) {
    if (!path || !*path) {
        seterr(err, errlen, "report: no path given");
        return NULL;
    }
    if (check_report(path, pop, node_ids, n_nodes, index_pointers, element_ids, tstart, tstop, dt, err,
                     errlen) < 0)
        return NULL;
    if (!units) units = "mV";
    size_t nv = (size_t)index_pointers[n_nodes];
    cl_report_writer *w = calloc(1, sizeof *w);
    if (!w) {
        seterr(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    w->file = w->data = H5I_INVALID_HID;
    w->nvals = nv;
    /* blocks of about 1 MiB: few HDF5 calls, bounded memory */
    w->block = (1u << 20) / (nv * sizeof(float));
    if (w->block < 1) w->block = 1;
    if (w->block > 4096) w->block = 4096;
    w->path = dupstr(path);
    w->pop = dupstr(pop);
    w->buf = malloc(w->block * nv * sizeof(float));
    if (!w->path || !w->pop || !w->buf) {
        seterr(err, errlen, "%s: out of memory for a report of %zu values", path, nv);
        free_writer(w);
        return NULL;
    }
    quiet q = hush();
    w->file = create_tmp(path, &w->tmp, err, errlen);
    if (w->file < 0) {
        unhush(q);
        free_writer(w);
        return NULL;
    }
    const char *where = NULL;
    char gname[512];
    snprintf(gname, sizeof gname, "/report/%s/mapping", pop);
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t m = H5Gcreate2(w->file, gname, lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    double tm[3] = {tstart, tstop, dt};
    if (m < 0) where = "";
    else if (put1d(m, "node_ids", H5T_STD_U64LE, H5T_NATIVE_UINT64, n_nodes, node_ids, NULL) < 0)
        where = "/node_ids";
    else if (put1d(m, "index_pointers", H5T_STD_U64LE, H5T_NATIVE_UINT64, n_nodes + 1, index_pointers, NULL) < 0)
        where = "/index_pointers";
    else if (put1d(m, "element_ids", H5T_STD_U32LE, H5T_NATIVE_UINT32, nv, element_ids, NULL) < 0)
        where = "/element_ids";
    else if (element_pos && put1d(m, "element_pos", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, nv, element_pos, NULL) < 0)
        where = "/element_pos";
    else if (put1d(m, "time", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, 3, tm, "ms") < 0)
        where = "/time";
    if (m >= 0) H5Gclose(m);
    if (where) {
        seterr(err, errlen, "%s: %s%s: cannot write", path, gname, where);
        finish_tmp(w->file, w->tmp, path, 0, NULL, 0);
        w->tmp = NULL;
        unhush(q);
        free_writer(w);
        return NULL;
    }
    /* data: chunked, unlimited in time, extended block by block */
    hsize_t dims[2] = {0, nv}, maxd[2] = {H5S_UNLIMITED, nv}, chunk[2] = {w->block, nv};
    hid_t sp = H5Screate_simple(2, dims, maxd);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_chunk(dcpl, 2, chunk);
    snprintf(gname, sizeof gname, "/report/%s/data", pop);
    w->data = H5Dcreate2(w->file, gname, H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(sp);
    if (w->data < 0 || attr_str(w->data, "units", units) < 0) {
        seterr(err, errlen, "%s: %s: cannot create dataset", path, gname);
        if (w->data >= 0) H5Dclose(w->data);
        finish_tmp(w->file, w->tmp, path, 0, NULL, 0);
        w->tmp = NULL;
        unhush(q);
        free_writer(w);
        return NULL;
    }
    unhush(q);
    return w;
}

/* Write the buffered rows at the end of data. */
static int flush_rows(cl_report_writer *w) {
    if (w->buffered == 0) return 0;
    hsize_t dims[2] = {w->rows + w->buffered, w->nvals};
    hsize_t start[2] = {w->rows, 0}, count[2] = {w->buffered, w->nvals};
    int ok = H5Dset_extent(w->data, dims) >= 0;
    hid_t fs = ok ? H5Dget_space(w->data) : H5I_INVALID_HID;
    hid_t ms = H5Screate_simple(2, count, NULL);
    ok = ok && fs >= 0 && H5Sselect_hyperslab(fs, H5S_SELECT_SET, start, NULL, count, NULL) >= 0 &&
         H5Dwrite(w->data, H5T_NATIVE_FLOAT, ms, fs, H5P_DEFAULT, w->buf) >= 0;
    if (fs >= 0) H5Sclose(fs);
    H5Sclose(ms);
    if (!ok) {
        wfail(w, "%s: /report/%s/data: cannot write rows %zu..%zu (disk full?)", w->path, w->pop, w->rows,
              w->rows + w->buffered - 1);
        return -1;
    }
    w->rows += w->buffered;
    w->buffered = 0;
    return 0;
}

int cl_report_append(cl_report_writer *w, const double *row) {
    if (!w) return -1;
    if (w->failed) return -1;
    if (!row) {
        wfail(w, "%s: /report/%s/data: no row given", w->path, w->pop);
        return -1;
    }
    float *dst = w->buf + w->buffered * w->nvals;
    for (size_t j = 0; j < w->nvals; j++) dst[j] = (float)row[j];
    w->buffered++;
    if (w->buffered < w->block) return 0;
    quiet q = hush();
    int rc = flush_rows(w);
    unhush(q);
    return rc;
}

const char *cl_report_errmsg(const cl_report_writer *w) { return w ? w->err : "no report writer"; }

size_t cl_report_rows(const cl_report_writer *w) { return w ? w->rows + w->buffered : 0; }

int cl_report_close(cl_report_writer *w, char *err, size_t errlen) {
    if (!w) {
        seterr(err, errlen, "report: no writer to close");
        return -1;
    }
    quiet q = hush();
    int ok = !w->failed && flush_rows(w) == 0;
    if (!ok) seterr(err, errlen, "%s", w->err);
    if (H5Dclose(w->data) < 0 && ok) {
        seterr(err, errlen, "%s: /report/%s/data: closing failed", w->path, w->pop);
        ok = 0;
    }
    int rc = finish_tmp(w->file, w->tmp, w->path, ok, err, errlen);
    w->tmp = NULL;
    unhush(q);
    free_writer(w);
    return rc;
}

void cl_report_abort(cl_report_writer *w) {
    if (!w) return;
    quiet q = hush();
    H5Dclose(w->data);
    finish_tmp(w->file, w->tmp, w->path, 0, NULL, 0);
    w->tmp = NULL;
    unhush(q);
    free_writer(w);
}
