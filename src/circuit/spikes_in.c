/* SONATA spike input files: the population layout /spikes/<pop>/{node_ids,
 * timestamps} and the legacy layout /spikes/{gids,timestamps} (bmtk), whose
 * population the input's node_set names. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/sonata_int.h"

#define MAX_SPIKES 500000000ULL

static int exists(hid_t loc, const char *name) { return H5Lexists(loc, name, H5P_DEFAULT) > 0; }

cl_status sn_spikes_list(const char *path, char ***pops, size_t *n, int *legacy, cl_error *err) {
    *pops = NULL;
    *n = 0;
    *legacy = 0;
    sn_h5quiet q;
    sn_h5_quiet(&q);
    cl_status st = CL_OK;
    hid_t f = sn_file_exists(path) ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT) : H5I_INVALID_HID;
    if (f < 0) {
        st = cl_error_fail(err, CL_EIO, "%s: cannot open as HDF5 (missing file?)", path);
        goto out;
    }
    if (!exists(f, "spikes")) st = cl_error_fail(err, CL_EFORMAT, "%s: /spikes: missing group", path);
    else if (exists(f, "spikes/gids") || exists(f, "spikes/node_ids")) {
        if (!exists(f, "spikes/timestamps"))
            st = cl_error_fail(err, CL_EFORMAT, "%s: /spikes/timestamps: missing dataset", path);
        *legacy = 1;
    } else
        st = sn_h5_list(f, path, "spikes", pops, n, err);
    H5Fclose(f);
out:
    sn_h5_loud(&q);
    return st;
}

/* a whole 1-D dataset read as mt */
static cl_status read1(hid_t f, const char *path, const char *name, hid_t mt, size_t esz, int want_int, void **buf,
                       size_t *n, cl_error *err) {
    *buf = NULL;
    *n = 0;
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d < 0) return cl_error_fail(err, CL_EFORMAT, "%s: %s: missing dataset", path, name);
    hid_t sp = H5Dget_space(d), t = H5Dget_type(d);
    int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t dim = 0;
    if (rank == 1) H5Sget_simple_extent_dims(sp, &dim, NULL);
    H5T_class_t k = H5Tget_class(t);
    H5Sclose(sp);
    H5Tclose(t);
    cl_status st = CL_OK;
    if (rank != 1) st = cl_error_fail(err, CL_EFORMAT, "%s: %s: rank %d, expected 1", path, name, rank);
    else if (want_int ? k != H5T_INTEGER : (k != H5T_FLOAT && k != H5T_INTEGER))
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s: element type is not %s", path, name, want_int ? "integer" : "a number");
    else if (dim > MAX_SPIKES)
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s: %llu spikes: too many", path, name, (unsigned long long)dim);
    else {
        *buf = malloc(dim ? dim * esz : 1);
        if (!*buf) st = cl_error_fail(err, CL_ENOMEM, "%s: out of memory", path);
        else if (dim && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, *buf) < 0)
            st = cl_error_fail(err, CL_EIO, "%s: %s: cannot read", path, name);
        *n = dim;
    }
    H5Dclose(d);
    if (st != CL_OK) {
        free(*buf);
        *buf = NULL;
    }
    return st;
}

cl_status sn_spikes_read(const char *path, const char *pop, uint64_t **nodes, double **times, size_t *n,
                         cl_error *err) {
    *nodes = NULL;
    *times = NULL;
    *n = 0;
    sn_h5quiet q;
    sn_h5_quiet(&q);
    cl_status st = CL_OK;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        sn_h5_loud(&q);
        return cl_error_fail(err, CL_EIO, "%s: cannot open as HDF5", path);
    }
    char ids[512], ts[512];
    if (pop) {
        snprintf(ids, sizeof ids, "/spikes/%s/node_ids", pop);
        snprintf(ts, sizeof ts, "/spikes/%s/timestamps", pop);
    } else {
        snprintf(ids, sizeof ids, "%s", exists(f, "spikes/gids") ? "/spikes/gids" : "/spikes/node_ids");
        snprintf(ts, sizeof ts, "/spikes/timestamps");
    }
    size_t ni = 0, nt = 0;
    void *a = NULL, *b = NULL;
    st = read1(f, path, ids, H5T_NATIVE_UINT64, sizeof(uint64_t), 1, &a, &ni, err);
    if (st == CL_OK) st = read1(f, path, ts, H5T_NATIVE_DOUBLE, sizeof(double), 0, &b, &nt, err);
    if (st == CL_OK && ni != nt)
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s has %zu rows but %s has %zu", path, ids, ni, ts, nt);
    H5Fclose(f);
    sn_h5_loud(&q);
    if (st != CL_OK) {
        free(a);
        free(b);
        return st;
    }
    *nodes = a;
    *times = b;
    *n = ni;
    return CL_OK;
}
