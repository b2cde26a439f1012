/* SONATA spikes and soma reports with libhdf5 (see network_output.h). */
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/network_output.h"

static cl_status fail(cl_error *err, cl_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static cl_status fail(cl_error *err, cl_status st, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* A 1-D or 2-D dataset of type t holding buf. */
static int write_ds(hid_t loc, const char *name, hid_t t, int rank, const hsize_t *dims, const void *buf) {
    hid_t sp = H5Screate_simple(rank, dims, NULL);
    if (sp < 0) return -1;
    hid_t ds = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    int r = ds < 0 ? -1 : (H5Dwrite(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0 ? -1 : 0);
    if (ds >= 0) H5Dclose(ds);
    H5Sclose(sp);
    return r;
}

static int attr_str(hid_t loc, const char *name, const char *val) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, strlen(val) + 1);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
    int r = a < 0 ? -1 : (H5Awrite(a, t, val) < 0 ? -1 : 0);
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(t);
    return r;
}

static int attr_ds_str(hid_t loc, const char *ds, const char *name, const char *val) {
    hid_t d = H5Dopen2(loc, ds, H5P_DEFAULT);
    if (d < 0) return -1;
    int r = attr_str(d, name, val);
    H5Dclose(d);
    return r;
}

static int root_attrs(hid_t f) {
    uint32_t magic = 0x0A7A, version[2] = {0, 1};
    hsize_t one = 1, two = 2;
    hid_t s1 = H5Screate_simple(1, &one, NULL), s2 = H5Screate_simple(1, &two, NULL);
    hid_t a = H5Acreate2(f, "magic", H5T_NATIVE_UINT32, s1, H5P_DEFAULT, H5P_DEFAULT);
    int r = a < 0 || H5Awrite(a, H5T_NATIVE_UINT32, &magic) < 0;
    if (a >= 0) H5Aclose(a);
    a = H5Acreate2(f, "version", H5T_NATIVE_UINT32, s2, H5P_DEFAULT, H5P_DEFAULT);
    r |= a < 0 || H5Awrite(a, H5T_NATIVE_UINT32, version) < 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(s1);
    H5Sclose(s2);
    return r ? -1 : 0;
}

/* The sorting attribute as libsonata's enum (int8 none/by_id/by_time). */
static int sorting_attr(hid_t g) {
    hid_t et = H5Tenum_create(H5T_NATIVE_INT8);
    int8_t v0 = 0, v1 = 1, v2 = 2;
    H5Tenum_insert(et, "none", &v0);
    H5Tenum_insert(et, "by_id", &v1);
    H5Tenum_insert(et, "by_time", &v2);
    hid_t sp = H5Screate(H5S_SCALAR);
    hid_t a = H5Acreate2(g, "sorting", et, sp, H5P_DEFAULT, H5P_DEFAULT);
    int r = a < 0 || H5Awrite(a, et, &v2) < 0;
    if (a >= 0) H5Aclose(a);
    H5Sclose(sp);
    H5Tclose(et);
    return r ? -1 : 0;
}

static cl_status finish(hid_t f, const char *tmp, const char *path, int bad, cl_error *err) {
    if (f >= 0 && H5Fclose(f) < 0) bad = 1;
    if (bad) {
        unlink(tmp);
        return fail(err, CL_EIO, "%s: could not write the HDF5 file", path);
    }
    if (rename(tmp, path) != 0) {
        unlink(tmp);
        return fail(err, CL_EIO, "%s: could not rename %s into place", path, tmp);
    }
    return CL_OK;
}

cl_status net_write_spikes(const char *path, const net_spikes_pop *pops, size_t n_pops, cl_error *err) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return fail(err, CL_EIO, "%s: cannot create the file", tmp);
    int bad = root_attrs(f) < 0;
    hid_t sg = H5Gcreate2(f, "spikes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= sg < 0;
    for (size_t i = 0; i < n_pops && !bad; i++) {
        hid_t g = H5Gcreate2(sg, pops[i].name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0) {
            bad = 1;
            break;
        }
        hsize_t n = pops[i].n;
        bad |= sorting_attr(g) < 0;
        bad |= write_ds(g, "timestamps", H5T_NATIVE_DOUBLE, 1, &n, pops[i].times) < 0;
        bad |= write_ds(g, "node_ids", H5T_NATIVE_UINT64, 1, &n, pops[i].nodes) < 0;
        if (!bad) bad |= attr_ds_str(g, "timestamps", "units", "ms") < 0;
        H5Gclose(g);
    }
    if (sg >= 0) H5Gclose(sg);
    return finish(f, tmp, path, bad, err);
}

cl_status net_write_report(const char *path, const net_report_pop *pops, size_t n_pops, cl_error *err) {
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    hid_t f = H5Fcreate(tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) return fail(err, CL_EIO, "%s: cannot create the file", tmp);
    int bad = root_attrs(f) < 0;
    hid_t rg = H5Gcreate2(f, "report", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    bad |= rg < 0;
    for (size_t i = 0; i < n_pops && !bad; i++) {
        const net_report_pop *P = &pops[i];
        hid_t g = H5Gcreate2(rg, P->name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        hid_t m = g < 0 ? -1 : H5Gcreate2(g, "mapping", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        if (g < 0 || m < 0) {
            if (g >= 0) H5Gclose(g);
            bad = 1;
            break;
        }
        uint64_t *ptr = malloc((P->n_nodes + 1) * sizeof *ptr);
        uint32_t *el = malloc((P->n_nodes + 1) * sizeof *el);
        float *pos = malloc((P->n_nodes + 1) * sizeof *pos);
        if (!ptr || !el || !pos) bad = 1;
        for (size_t k = 0; !bad && k <= P->n_nodes; k++) {
            ptr[k] = k;
            el[k] = 0;
            pos[k] = 0.5f;
        }
        hsize_t nn = P->n_nodes, np1 = P->n_nodes + 1, three = 3, dims[2] = {P->n_times, P->n_nodes};
        double time[3] = {P->tstart, P->tstop, P->dt};
        if (!bad) {
            bad |= write_ds(g, "data", H5T_NATIVE_FLOAT, 2, dims, P->data) < 0;
            bad |= write_ds(m, "node_ids", H5T_NATIVE_UINT64, 1, &nn, P->nodes) < 0;
            bad |= write_ds(m, "index_pointers", H5T_NATIVE_UINT64, 1, &np1, ptr) < 0;
            bad |= write_ds(m, "element_ids", H5T_NATIVE_UINT32, 1, &nn, el) < 0;
            bad |= write_ds(m, "element_pos", H5T_NATIVE_FLOAT, 1, &nn, pos) < 0;
            bad |= write_ds(m, "time", H5T_NATIVE_DOUBLE, 1, &three, time) < 0;
        }
        if (!bad) {
            bad |= attr_ds_str(g, "data", "units", strcmp(P->variable, "v") == 0 ? "mV" : "") < 0;
            bad |= attr_ds_str(g, "data", "variable", P->variable) < 0;
            bad |= attr_ds_str(m, "time", "units", "ms") < 0;
        }
        free(ptr);
        free(el);
        free(pos);
        H5Gclose(m);
        H5Gclose(g);
    }
    if (rg >= 0) H5Gclose(rg);
    return finish(f, tmp, path, bad, err);
}
