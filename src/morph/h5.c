/* MorphIO / BBP H5 v1 morphology reader (see h5.h). */
#include "morph/h5.h"

#include <errno.h>
#include <hdf5.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* upper bounds that keep sizes sane on hostile files */
#define MAX_ROWS 10000000ULL /* 1e7 points: 320 MB as double; real cells have ~1e5 */
#define MAX_TYPE 1000

typedef struct ctx {
    const char *path;
    char prefix[512]; /* "" or "/cell" */
    char *err;
    size_t errlen;
} ctx;

static cl_status fail(ctx *c, cl_status st, const char *dset, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (dset)
        snprintf(c->err, c->errlen, "%s: %s/%s: %s", c->path, c->prefix, dset, msg);
    else
        snprintf(c->err, c->errlen, "%s: %s", c->path, msg);
    return st;
}

void cl_h5_free(cl_h5_morph *m) {
    if (!m) return;
    free(m->pts);
    free(m->offset);
    free(m->type);
    free(m->parent);
    memset(m, 0, sizeof *m);
}

/* Open a 2-D dataset under loc; checks rank, columns and type class. */
static cl_status open2d(ctx *c, hid_t loc, const char *name, size_t cols, H5T_class_t cls, int optional,
                        hid_t *ds, size_t *rows) {
    *ds = H5I_INVALID_HID;
    htri_t ex = H5Lexists(loc, name, H5P_DEFAULT);
    if (ex <= 0) {
        if (optional) return CL_OK;
        return fail(c, CL_EFORMAT, name, "missing dataset");
    }
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) return fail(c, CL_EFORMAT, name, "not a dataset");
    hid_t sp = H5Dget_space(d);
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    hsize_t dims[2] = {0, 0};
    if (rank == (int)(cols ? 2 : 1)) H5Sget_simple_extent_dims(sp, dims, NULL);
    if (sp >= 0) H5Sclose(sp);
    cl_status st = CL_OK;
    if (rank != (int)(cols ? 2 : 1))
        st = fail(c, CL_EFORMAT, name, "rank %d, expected %s", rank, cols ? "2 (rows x columns)" : "1");
    else if (cols && dims[1] != cols)
        st = fail(c, CL_EFORMAT, name, "shape %llu x %llu, expected %zu columns", (unsigned long long)dims[0],
                  (unsigned long long)dims[1], cols);
    else if (dims[0] > MAX_ROWS)
        st = fail(c, CL_EFORMAT, name, "%llu rows: too many", (unsigned long long)dims[0]);
    if (st == CL_OK) {
        hid_t t = H5Dget_type(d);
        H5T_class_t k = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
        if (t >= 0) H5Tclose(t);
        if (k != cls)
            st = fail(c, CL_EFORMAT, name, "element type is not %s", cls == H5T_FLOAT ? "floating point" : "integer");
    }
    if (st != CL_OK) {
        H5Dclose(d);
        return st;
    }
    *ds = d;
    *rows = (size_t)dims[0];
    return CL_OK;
}

static cl_status read_all(ctx *c, hid_t ds, const char *name, hid_t memtype, void *buf) {
    if (H5Dread(ds, memtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0)
        return fail(c, CL_EIO, name, "cannot read (corrupt file or unconvertible values)");
    return CL_OK;
}

/* /metadata attributes, when present */
static cl_status read_metadata(ctx *c, hid_t loc, cl_h5_morph *m) {
    if (H5Lexists(loc, "metadata", H5P_DEFAULT) <= 0) return CL_OK;
    hid_t g = H5Oopen(loc, "metadata", H5P_DEFAULT);
    if (g < 0) return fail(c, CL_EFORMAT, "metadata", "cannot open");
    cl_status st = CL_OK;
    const char *names[2] = {"version", "cell_family"};
    for (int k = 0; k < 2 && st == CL_OK; k++) {
        if (H5Aexists(g, names[k]) <= 0) continue;
        hid_t a = H5Aopen(g, names[k], H5P_DEFAULT);
        hid_t sp = a >= 0 ? H5Aget_space(a) : H5I_INVALID_HID;
        hssize_t n = sp >= 0 ? H5Sget_simple_extent_npoints(sp) : -1;
        hid_t t = a >= 0 ? H5Aget_type(a) : H5I_INVALID_HID;
        int isint = t >= 0 && H5Tget_class(t) == H5T_INTEGER;
        long long v[2] = {0, 0};
        size_t want = k == 0 ? 2 : 1;
        char where[64];
        snprintf(where, sizeof where, "metadata attribute %s", names[k]);
        if (a < 0 || n != (hssize_t)want || !isint)
            st = fail(c, CL_EFORMAT, where, "expected %zu integer%s", want, want > 1 ? "s" : "");
        else if (H5Aread(a, H5T_NATIVE_LLONG, v) < 0)
            st = fail(c, CL_EIO, where, "cannot read");
        else if (k == 0) {
            if (v[0] != 1)
                st = fail(c, CL_EFORMAT, where, "version %lld.%lld: only H5 version 1.x is supported", v[0], v[1]);
            m->version[0] = (int)v[0];
            m->version[1] = v[1] > 1000000 || v[1] < 0 ? -1 : (int)v[1];
        } else if (v[0] != 0)
            st = fail(c, CL_EFORMAT, where, "cell_family %lld: not a neuron (glia and spines are not supported)", v[0]);
        if (t >= 0) H5Tclose(t);
        if (sp >= 0) H5Sclose(sp);
        if (a >= 0) H5Aclose(a);
    }
    H5Oclose(g);
    return st;
}

static cl_status read_cell(ctx *c, hid_t loc, cl_h5_morph *m) {
    cl_status st = read_metadata(c, loc, m);
    if (st != CL_OK) return st;
    hid_t dp, dsr, dper;
    size_t np = 0, ns = 0, nper = 0;
    if ((st = open2d(c, loc, "points", 4, H5T_FLOAT, 0, &dp, &np)) != CL_OK) return st;
    if ((st = open2d(c, loc, "structure", 3, H5T_INTEGER, 0, &dsr, &ns)) != CL_OK) {
        H5Dclose(dp);
        return st;
    }
    if ((st = open2d(c, loc, "perimeters", 0, H5T_FLOAT, 1, &dper, &nper)) != CL_OK) {
        H5Dclose(dp);
        H5Dclose(dsr);
        return st;
    }
    long long *s = NULL;
    if (dper >= 0) {
        if (nper != np) st = fail(c, CL_EFORMAT, "perimeters", "%zu values for %zu points", nper, np);
        H5Dclose(dper); /* NEURON has no use for perimeters: checked, not kept */
    }
    if (st == CL_OK && ns == 0) st = fail(c, CL_EFORMAT, "structure", "no sections");
    if (st == CL_OK && np == 0) st = fail(c, CL_EFORMAT, "points", "no points");
    if (st == CL_OK) {
        m->pts = malloc(np * 4 * sizeof(double));
        s = malloc(ns * 3 * sizeof(long long));
        m->offset = malloc(ns * sizeof(long));
        m->type = malloc(ns * sizeof(int));
        m->parent = malloc(ns * sizeof(long));
        if (!m->pts || !s || !m->offset || !m->type || !m->parent) st = fail(c, CL_ENOMEM, NULL, "out of memory");
    }
    if (st == CL_OK) st = read_all(c, dp, "points", H5T_NATIVE_DOUBLE, m->pts);
    if (st == CL_OK) st = read_all(c, dsr, "structure", H5T_NATIVE_LLONG, s);
    H5Dclose(dp);
    H5Dclose(dsr);
    if (st == CL_OK) {
        m->npts = np;
        m->nsec = ns;
    }
    for (size_t i = 0; st == CL_OK && i < np; i++)
        for (int k = 0; k < 4; k++)
            if (!isfinite(m->pts[4 * i + (size_t)k])) {
                st = fail(c, CL_EFORMAT, "points", "row %zu column %d is not finite (%g)", i, k,
                          m->pts[4 * i + (size_t)k]);
                break;
            }
    for (size_t i = 0; st == CL_OK && i < ns; i++) {
        long long off = s[3 * i], ty = s[3 * i + 1], par = s[3 * i + 2];
        if (off < 0 || (unsigned long long)off >= np)
            st = fail(c, CL_EFORMAT, "structure", "row %zu: first point %lld is out of range (%zu points)", i, off, np);
        else if (i == 0 && off != 0)
            st = fail(c, CL_EFORMAT, "structure", "row 0: first point %lld, expected 0 (points before it belong to no section)", off);
        else if (i > 0 && off <= s[3 * (i - 1)])
            st = fail(c, CL_EFORMAT, "structure", "row %zu: first point %lld is not after row %zu's %lld (offsets must increase)",
                      i, off, i - 1, s[3 * (i - 1)]);
        else if (par < -1 || par >= (long long)ns)
            st = fail(c, CL_EFORMAT, "structure", "row %zu: parent index %lld is out of range (%zu sections)", i, par, ns);
        else if (par >= (long long)i)
            st = fail(c, CL_EFORMAT, "structure", "row %zu: parent %lld does not come before its child", i, par);
        else if (ty < 1 || ty > MAX_TYPE)
            st = fail(c, CL_EFORMAT, "structure", "row %zu: section type %lld (expected 1 for the soma, 2..%d for neurites)",
                      i, ty, MAX_TYPE);
        else if (ty == 1 && (i != 0 || par != -1))
            st = fail(c, CL_EFORMAT, "structure", "row %zu: soma section (type 1) that is not the first section "
                      "without parent (one soma section only)", i);
        if (st != CL_OK) break;
        m->offset[i] = (long)off;
        m->type[i] = (int)ty;
        m->parent[i] = (long)par;
    }
    free(s);
    return st;
}

/* names of the top-level groups that hold a cell */
typedef struct names {
    char list[400];
    size_t n;
} names;

static herr_t add_name(hid_t g, const char *name, const H5L_info_t *info, void *data) {
    (void)info;
    names *nm = data;
    char p[1024];
    snprintf(p, sizeof p, "%s/structure", name);
    if (H5Lexists(g, p, H5P_DEFAULT) <= 0) return 0; /* not a cell group (e.g. a dataset) */
    if (nm->n < 3) {
        size_t L = strlen(nm->list);
        snprintf(nm->list + L, sizeof nm->list - L, "%s\"%s\"", nm->n ? ", " : "", name);
    }
    nm->n++;
    return 0;
}

static cl_status container_names(ctx *c, hid_t f, names *nm) {
    memset(nm, 0, sizeof *nm);
    H5Literate(f, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, add_name, nm);
    (void)c;
    return CL_OK;
}

static int valid_link_name(const char *s) {
    return *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

static cl_status read_file(ctx *c, hid_t f, const char *cell, cl_h5_morph *m) {
    int single = H5Lexists(f, "structure", H5P_DEFAULT) > 0 || H5Lexists(f, "points", H5P_DEFAULT) > 0;
    if (single) {
        if (cell)
            return fail(c, CL_EINVAL, NULL,
                        "holds one cell (/points, /structure at the top), not a container: the cell name \"%s\" "
                        "must not be given (h5_cell NULL)", cell);
        return read_cell(c, f, m);
    }
    names nm;
    container_names(c, f, &nm);
    if (nm.n == 0)
        return fail(c, CL_EFORMAT, "structure", "missing dataset (neither a single-cell file nor a container "
                    "of cell groups)");
    if (!cell)
        return fail(c, CL_EINVAL, NULL, "is a container of %zu cells: give the cell's name (h5_cell), e.g. %s%s",
                    nm.n, nm.list, nm.n > 3 ? ", ..." : "");
    char name[480];
    snprintf(name, sizeof name, "%s", cell);
    int found = valid_link_name(name) && H5Lexists(f, name, H5P_DEFAULT) > 0;
    size_t L = strlen(name);
    if (!found && L > 3 && (strcmp(name + L - 3, ".h5") == 0 || strcmp(name + L - 3, ".H5") == 0)) {
        name[L - 3] = '\0';
        found = valid_link_name(name) && H5Lexists(f, name, H5P_DEFAULT) > 0;
    }
    if (!found)
        return fail(c, CL_EINVAL, NULL, "no cell \"%s\" in this container of %zu cells (e.g. %s%s)", cell, nm.n,
                    nm.list, nm.n > 3 ? ", ..." : "");
    hid_t g = H5Gopen2(f, name, H5P_DEFAULT);
    if (g < 0) return fail(c, CL_EFORMAT, NULL, "/%s: not a group", name);
    snprintf(c->prefix, sizeof c->prefix, "/%s", name);
    cl_status st = read_cell(c, g, m);
    H5Gclose(g);
    return st;
}

cl_status cl_h5_read(const char *path, const char *cell, cl_h5_morph *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    ctx c = {.path = path, .prefix = "", .err = err, .errlen = errlen};
    /* silence HDF5's error stack printing for this call only */
    H5E_auto2_t oldfn = NULL;
    void *olddata = NULL;
    H5Eget_auto2(H5E_DEFAULT, &oldfn, &olddata);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    cl_status st;
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        st = fail(&c, CL_EIO, NULL, "cannot open: %s", strerror(errno));
    } else {
        fclose(probe);
        hid_t f = H5Fis_hdf5(path) > 0 ? H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT)
                                                           : H5I_INVALID_HID;
        if (f < 0) {
            st = fail(&c, CL_EFORMAT, NULL, "not an HDF5 file");
        } else {
            st = read_file(&c, f, cell, out);
            H5Fclose(f);
        }
    }
    H5Eset_auto2(H5E_DEFAULT, oldfn, olddata);
    if (st != CL_OK) cl_h5_free(out);
    return st;
}
