/* SONATA node and edge populations in HDF5: type ids, groups (several per
 * population), attributes (group dataset over types CSV column), @library
 * enumerations, dynamics_params, and afferent edges through the
 * target_to_source index (both spellings) or a fallback index built from
 * target_node_id. Datasets are read through small block caches. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/sonata_int.h"

#define BLK 4096

static void col_drop_block(sn_col *c) {
    if (c->sv)
        for (uint64_t i = 0; i < c->blk_n; i++) free(c->sv[i]);
    free(c->sv);
    free(c->dv);
    free(c->uv);
    c->sv = NULL;
    c->dv = NULL;
    c->uv = NULL;
    c->blk_n = 0;
}

static void col_close(sn_col *c) {
    col_drop_block(c);
    if (c->ds > 0) H5Dclose(c->ds);
    c->ds = 0;
    for (size_t i = 0; i < c->nlib; i++) free(c->lib[i]);
    free(c->lib);
    free(c->name);
    memset(c, 0, sizeof *c);
}

/* read n strings of a string dataset from start (hyperslab) into malloc'd copies */
static int read_strings(hid_t ds, hid_t fsp, hid_t msp, uint64_t n, char **outv) {
    hid_t ft = H5Dget_type(ds);
    if (ft < 0) return -1;
    int ok = -1;
    if (H5Tis_variable_str(ft) > 0) {
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, H5T_VARIABLE);
        H5Tset_cset(mt, H5Tget_cset(ft)); /* HDF5 does not convert ASCII <-> UTF-8 */
        char **tmp = calloc(n ? n : 1, sizeof *tmp);
        if (tmp && H5Dread(ds, mt, msp, fsp, H5P_DEFAULT, tmp) >= 0) {
            ok = 0;
            for (uint64_t i = 0; i < n; i++) {
                outv[i] = sn_strdup(tmp[i] ? tmp[i] : "");
                if (!outv[i]) ok = -1;
            }
            H5Dvlen_reclaim(mt, msp, H5P_DEFAULT, tmp);
        }
        free(tmp);
        H5Tclose(mt);
    } else {
        size_t sz = H5Tget_size(ft);
        hid_t mt = H5Tcopy(H5T_C_S1);
        H5Tset_size(mt, sz + 1);
        H5Tset_strpad(mt, H5T_STR_NULLTERM);
        H5Tset_cset(mt, H5Tget_cset(ft));
        char *buf = calloc(n ? n : 1, sz + 1);
        if (buf && H5Dread(ds, mt, msp, fsp, H5P_DEFAULT, buf) >= 0) {
            ok = 0;
            for (uint64_t i = 0; i < n; i++) {
                outv[i] = sn_strdup(buf + i * (sz + 1));
                if (!outv[i]) ok = -1;
            }
        }
        free(buf);
        H5Tclose(mt);
    }
    H5Tclose(ft);
    return ok;
}

/* Open a 1-D dataset as a column. want_int: integer elements required. */
static cl_status col_open(hid_t loc, const char *name, const char *file, const char *where, int want_int,
                          sn_col *c, cl_error *err) {
    memset(c, 0, sizeof *c);
    c->name = sn_strdup(where);
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0) {
        col_close(c);
        return cl_error_fail(err, CL_EFORMAT, "%s: %s: not a dataset", file, where);
    }
    c->ds = d;
    hid_t sp = H5Dget_space(d);
    int rank = sp >= 0 ? H5Sget_simple_extent_ndims(sp) : -1;
    hsize_t dim = 0;
    if (rank == 1) H5Sget_simple_extent_dims(sp, &dim, NULL);
    if (sp >= 0) H5Sclose(sp);
    hid_t t = H5Dget_type(d);
    H5T_class_t k = t >= 0 ? H5Tget_class(t) : H5T_NO_CLASS;
    if (t >= 0) H5Tclose(t);
    cl_status st = CL_OK;
    if (rank != 1)
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s: rank %d, expected a 1-D dataset", file, where, rank);
    else if (want_int && k != H5T_INTEGER)
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s: element type is not integer", file, where);
    else if (k != H5T_INTEGER && k != H5T_FLOAT && k != H5T_STRING && k != H5T_ENUM)
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s: unsupported element type (not a number or string)", file, where);
    if (st != CL_OK) {
        col_close(c);
        return st;
    }
    c->len = dim;
    c->is_str = k == H5T_STRING;
    c->is_u64 = want_int;
    return CL_OK;
}

/* make element i's block current */
static cl_status col_fetch(sn_col *c, const char *file, uint64_t i, cl_error *err) {
    if (i >= c->len)
        return cl_error_fail(err, CL_EFORMAT, "%s: %s: row %" PRIu64 " out of range (%" PRIu64 " rows)", file, c->name, i,
                       c->len);
    if (c->blk_n && i >= c->blk_start && i < c->blk_start + c->blk_n) return CL_OK;
    col_drop_block(c);
    uint64_t s = i - i % BLK, n = c->len - s < BLK ? c->len - s : BLK;
    hsize_t off = s, cnt = n;
    hid_t fsp = H5Dget_space(c->ds);
    hid_t msp = H5Screate_simple(1, &cnt, NULL);
    int ok = fsp >= 0 && msp >= 0 && H5Sselect_hyperslab(fsp, H5S_SELECT_SET, &off, NULL, &cnt, NULL) >= 0;
    if (ok) {
        if (c->is_str) {
            c->sv = calloc(n, sizeof *c->sv);
            ok = c->sv && read_strings(c->ds, fsp, msp, n, c->sv) == 0;
        } else if (c->is_u64) {
            c->uv = malloc(n * sizeof *c->uv);
            ok = c->uv && H5Dread(c->ds, H5T_NATIVE_UINT64, msp, fsp, H5P_DEFAULT, c->uv) >= 0;
        } else {
            c->dv = malloc(n * sizeof *c->dv);
            ok = c->dv && H5Dread(c->ds, H5T_NATIVE_DOUBLE, msp, fsp, H5P_DEFAULT, c->dv) >= 0;
        }
    }
    if (fsp >= 0) H5Sclose(fsp);
    if (msp >= 0) H5Sclose(msp);
    c->blk_start = s;
    c->blk_n = n;
    if (!ok) {
        col_drop_block(c);
        return cl_error_fail(err, CL_EIO, "%s: %s: cannot read rows %" PRIu64 "..%" PRIu64 " (corrupt or unconvertible)",
                       file, c->name, s, s + n);
    }
    return CL_OK;
}

cl_status sn_col_u64(sn_col *c, const char *file, uint64_t i, uint64_t *out, cl_error *err) {
    sn_h5quiet q;
    sn_h5_quiet(&q);
    cl_status st = col_fetch(c, file, i, err);
    sn_h5_loud(&q);
    if (st == CL_OK) *out = c->uv[i - c->blk_start];
    return st;
}

static cl_status col_value(sn_col *c, const char *file, sn_pool *pool, uint64_t i, cl_value *out, cl_error *err) {
    cl_status st = col_fetch(c, file, i, err);
    if (st != CL_OK) return st;
    memset(out, 0, sizeof *out);
    uint64_t k = i - c->blk_start;
    if (c->is_str) {
        out->kind = CL_VALUE_STRING;
        out->str = sn_intern(pool, c->sv[k]);
        if (!out->str) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", file);
    } else if (c->lib) {
        double v = c->dv[k];
        if (!(v >= 0 && v < (double)c->nlib))
            return cl_error_fail(err, CL_EFORMAT, "%s: %s: row %" PRIu64 ": enumeration index %g outside @library (%zu entries)",
                           file, c->name, i, v, c->nlib);
        out->kind = CL_VALUE_STRING;
        out->str = sn_intern(pool, c->lib[(size_t)v]);
    } else {
        out->kind = CL_VALUE_NUMBER;
        out->num = c->is_u64 ? (double)c->uv[k] : c->dv[k];
    }
    return CL_OK;
}

/* ---- listing ---- */
static int is_digits(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

/* names of the links of loc, each malloc'd */
static int link_names(hid_t loc, char ***names, size_t *n) {
    H5G_info_t info;
    *names = NULL;
    *n = 0;
    if (H5Gget_info(loc, &info) < 0) return -1;
    char **v = calloc(info.nlinks ? info.nlinks : 1, sizeof *v);
    if (!v) return -1;
    for (hsize_t i = 0; i < info.nlinks; i++) {
        ssize_t l = H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0, H5P_DEFAULT);
        if (l < 0) continue;
        char *s = malloc((size_t)l + 1);
        if (!s) break;
        H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, s, (size_t)l + 1, H5P_DEFAULT);
        v[(*n)++] = s;
    }
    *names = v;
    return 0;
}

static void free_names(char **v, size_t n) {
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

/* the type of the object loc/name: H5I_GROUP, H5I_DATASET or H5I_BADID */
static H5I_type_t obj_type(hid_t loc, const char *name) {
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0) return H5I_BADID;
    hid_t o = H5Oopen(loc, name, H5P_DEFAULT);
    if (o < 0) return H5I_BADID;
    H5I_type_t t = H5Iget_type(o);
    H5Oclose(o);
    return t;
}

cl_status sn_h5_list(hid_t f, const char *file, const char *top, char ***names, size_t *n, cl_error *err) {
    *names = NULL;
    *n = 0;
    if (obj_type(f, top) != H5I_GROUP) return cl_error_fail(err, CL_EFORMAT, "%s: /%s: missing group", file, top);
    hid_t g = H5Gopen2(f, top, H5P_DEFAULT);
    char **all;
    size_t na;
    int r = link_names(g, &all, &na);
    cl_status st = CL_OK;
    if (r < 0) st = cl_error_fail(err, CL_EIO, "%s: /%s: cannot list", file, top);
    else {
        size_t k = 0;
        for (size_t i = 0; i < na; i++) {
            if (obj_type(g, all[i]) == H5I_GROUP) all[k++] = all[i];
            else free(all[i]);
        }
        *names = all;
        *n = k;
    }
    H5Gclose(g);
    return st;
}

/* ---- groups ---- */
static cl_status open_lib(hid_t grp, const char *name, const char *file, const char *where, sn_col *c,
                          cl_error *err) {
    char lp[512];
    snprintf(lp, sizeof lp, "@library/%s", name);
    if (obj_type(grp, "@library") != H5I_GROUP || obj_type(grp, lp) != H5I_DATASET) return CL_OK;
    sn_col lib;
    char lw[1200];
    const char *slash = strrchr(where, '/');
    snprintf(lw, sizeof lw, "%.*s/@library/%s", (int)(slash ? slash - where : 0), where, name);
    cl_status st = col_open(grp, lp, file, lw, 0, &lib, err);
    if (st != CL_OK) return st;
    if (!lib.is_str || lib.len > 10000000) {
        col_close(&lib);
        return cl_error_fail(err, CL_EFORMAT, "%s: %s: @library enumeration is not a list of strings", file, lw);
    }
    if (c->is_str) {
        col_close(&lib);
        return cl_error_fail(err, CL_EFORMAT, "%s: %s: has an @library enumeration but holds strings", file, where);
    }
    c->lib = calloc(lib.len ? lib.len : 1, sizeof *c->lib);
    hsize_t cnt = lib.len;
    hid_t fsp = H5Dget_space(lib.ds), msp = H5Screate_simple(1, &cnt, NULL);
    H5Sselect_all(fsp);
    int r = c->lib ? read_strings(lib.ds, fsp, msp, lib.len, c->lib) : -1;
    H5Sclose(fsp);
    H5Sclose(msp);
    c->nlib = lib.len;
    col_close(&lib);
    if (r < 0) return cl_error_fail(err, CL_EIO, "%s: %s: cannot read @library", file, lw);
    return CL_OK;
}

static cl_status group_open(sn_pop *p, const char *gid, sn_group *g, cl_error *err) {
    memset(g, 0, sizeof *g);
    g->id = sn_strdup(gid);
    g->g = H5Gopen2(p->root, gid, H5P_DEFAULT);
    char base[512];
    snprintf(base, sizeof base, "/%s/%s/%s", p->is_edge ? "edges" : "nodes", p->name, gid);
    if (g->g < 0) return cl_error_fail(err, CL_EFORMAT, "%s: %s: cannot open group", p->file, base);
    char **names;
    size_t n;
    if (link_names(g->g, &names, &n) < 0) return cl_error_fail(err, CL_EIO, "%s: %s: cannot list", p->file, base);
    cl_status st = CL_OK;
    g->col = calloc(n ? n : 1, sizeof *g->col);
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        char where[1024];
        snprintf(where, sizeof where, "%s/%s", base, names[i]);
        H5I_type_t t = obj_type(g->g, names[i]);
        if (t == H5I_DATASET) {
            st = col_open(g->g, names[i], p->file, where, 0, &g->col[g->ncol], err);
            if (st == CL_OK) {
                g->ncol++;
                st = open_lib(g->g, names[i], p->file, where, &g->col[g->ncol - 1], err);
            }
        } else if (t == H5I_GROUP && !strcmp(names[i], "dynamics_params")) {
            hid_t dg = H5Gopen2(g->g, names[i], H5P_DEFAULT);
            char **dn;
            size_t nd;
            if (dg < 0 || link_names(dg, &dn, &nd) < 0) {
                if (dg >= 0) H5Gclose(dg);
                st = cl_error_fail(err, CL_EFORMAT, "%s: %s: cannot list", p->file, where);
                break;
            }
            g->dyn = calloc(nd ? nd : 1, sizeof *g->dyn);
            for (size_t j = 0; j < nd && st == CL_OK; j++) {
                if (obj_type(dg, dn[j]) != H5I_DATASET) continue;
                char w2[1100];
                snprintf(w2, sizeof w2, "%s/%s", where, dn[j]);
                st = col_open(dg, dn[j], p->file, w2, 0, &g->dyn[g->ndyn], err);
                if (st == CL_OK) g->ndyn++;
            }
            free_names(dn, nd);
            H5Gclose(dg);
        }
    }
    free_names(names, n);
    return st;
}

static const char *short_name(const sn_col *c) {
    const char *s = strrchr(c->name, '/');
    return s ? s + 1 : c->name;
}

static sn_col *group_col(sn_group *g, const char *attr) {
    for (size_t i = 0; i < g->ncol; i++)
        if (!strcmp(short_name(&g->col[i]), attr)) return &g->col[i];
    return NULL;
}

/* ---- population ---- */
static cl_status req_col(sn_pop *p, const char *name, int want_int, sn_col *c, int optional, int *found,
                         cl_error *err) {
    char where[512];
    snprintf(where, sizeof where, "/%s/%s/%s", p->is_edge ? "edges" : "nodes", p->name, name);
    if (found) *found = 0;
    if (obj_type(p->root, name) == H5I_BADID) {
        if (optional) return CL_OK;
        return cl_error_fail(err, CL_EFORMAT, "%s: %s: missing dataset", p->file, where);
    }
    cl_status st = col_open(p->root, name, p->file, where, want_int, c, err);
    if (st == CL_OK && found) *found = 1;
    if (st == CL_OK && p->size != UINT64_MAX && c->len != p->size)
        return cl_error_fail(err, CL_EFORMAT, "%s: %s: %" PRIu64 " rows, expected %" PRIu64, p->file, where, c->len, p->size);
    return st;
}

static char *read_str_attr(hid_t loc, const char *dset, const char *attr) {
    hid_t d = H5Oopen(loc, dset, H5P_DEFAULT);
    if (d < 0) return NULL;
    char *res = NULL;
    if (H5Aexists(d, attr) > 0) {
        hid_t a = H5Aopen(d, attr, H5P_DEFAULT);
        hid_t t = H5Aget_type(a);
        if (t >= 0 && H5Tget_class(t) == H5T_STRING) {
            if (H5Tis_variable_str(t) > 0) {
                hid_t mt = H5Tcopy(H5T_C_S1);
                H5Tset_size(mt, H5T_VARIABLE);
                H5Tset_cset(mt, H5Tget_cset(t));
                char *s = NULL;
                if (H5Aread(a, mt, &s) >= 0 && s) {
                    res = sn_strdup(s);
                    H5free_memory(s);
                }
                H5Tclose(mt);
            } else {
                size_t sz = H5Tget_size(t);
                hid_t mt = H5Tcopy(H5T_C_S1);
                H5Tset_size(mt, sz + 1);
                H5Tset_strpad(mt, H5T_STR_NULLTERM);
                H5Tset_cset(mt, H5Tget_cset(t));
                res = calloc(1, sz + 1);
                if (res && H5Aread(a, mt, res) < 0) {
                    free(res);
                    res = NULL;
                }
                H5Tclose(mt);
            }
        }
        if (t >= 0) H5Tclose(t);
        H5Aclose(a);
    }
    H5Oclose(d);
    return res;
}

static cl_status open_index(sn_pop *p, cl_error *err) {
    const char *grp[2] = {"indices/target_to_source", "indicies/target_to_source"};
    const char *n2r[2] = {"node_id_to_ranges", "node_id_to_range"};
    for (int a = 0; a < 2; a++) {
        if (obj_type(p->root, grp[a]) != H5I_GROUP) continue;
        hid_t g = H5Gopen2(p->root, grp[a], H5P_DEFAULT);
        for (int b = 0; b < 2; b++) {
            if (obj_type(g, n2r[b]) != H5I_DATASET || obj_type(g, "range_to_edge_id") != H5I_DATASET) continue;
            p->idx_n2r = H5Dopen2(g, n2r[b], H5P_DEFAULT);
            p->idx_r2e = H5Dopen2(g, "range_to_edge_id", H5P_DEFAULT);
            hsize_t d1[2] = {0, 0}, d2[2] = {0, 0};
            hid_t s1 = H5Dget_space(p->idx_n2r), s2 = H5Dget_space(p->idx_r2e);
            int r1 = H5Sget_simple_extent_ndims(s1), r2 = H5Sget_simple_extent_ndims(s2);
            if (r1 == 2) H5Sget_simple_extent_dims(s1, d1, NULL);
            if (r2 == 2) H5Sget_simple_extent_dims(s2, d2, NULL);
            H5Sclose(s1);
            H5Sclose(s2);
            H5Gclose(g);
            if (r1 != 2 || r2 != 2 || d1[1] != 2 || d2[1] != 2)
                return cl_error_fail(err, CL_EFORMAT, "%s: /edges/%s/%s: index datasets must be N x 2", p->file, p->name,
                               grp[a]);
            p->idx_rows = d1[0];
            p->have_index = 1;
            return CL_OK;
        }
        H5Gclose(g);
    }
    return CL_OK;
}

cl_status sn_pop_open(hid_t f, const char *file, const char *name, int is_edge, const char *types_path,
                      sn_pop *p, cl_error *err) {
    memset(p, 0, sizeof *p);
    p->name = sn_strdup(name);
    p->file = sn_strdup(file);
    p->is_edge = is_edge;
    p->f = f;
    const char *top = is_edge ? "edges" : "nodes";
    char path[512];
    snprintf(path, sizeof path, "/%s/%s", top, name);
    sn_h5quiet q;
    sn_h5_quiet(&q);
    cl_status st = CL_OK;
    if (obj_type(f, path) != H5I_GROUP) {
        st = cl_error_fail(err, CL_ENOTFOUND, "%s: %s: no such population", file, path);
        goto out;
    }
    p->root = H5Gopen2(f, path, H5P_DEFAULT);
    const char *tid = is_edge ? "edge_type_id" : "node_type_id";
    /* the size comes from the type ids (as libsonata) */
    p->size = UINT64_MAX; /* not known yet: req_col skips its length check */
    st = req_col(p, tid, 1, &p->type_id, 0, NULL, err);
    p->size = p->type_id.len;
    if (st != CL_OK) goto out;
    if (is_edge) {
        if ((st = req_col(p, "source_node_id", 1, &p->src, 0, NULL, err)) != CL_OK) goto out;
        if ((st = req_col(p, "target_node_id", 1, &p->tgt, 0, NULL, err)) != CL_OK) goto out;
        p->source = read_str_attr(p->root, "source_node_id", "node_population");
        p->target = read_str_attr(p->root, "target_node_id", "node_population");
        if (!p->source || !p->target) {
            st = cl_error_fail(err, CL_EFORMAT, "%s: %s/%s: missing string attribute node_population", file, path,
                         p->source ? "target_node_id" : "source_node_id");
            goto out;
        }
        if ((st = open_index(p, err)) != CL_OK) goto out;
    }
    char gidn[32], gidx[32];
    snprintf(gidn, sizeof gidn, "%s_group_id", is_edge ? "edge" : "node");
    snprintf(gidx, sizeof gidx, "%s_group_index", is_edge ? "edge" : "node");
    int f1 = 0, f2 = 0;
    if ((st = req_col(p, gidn, 1, &p->group_id, 1, &f1, err)) != CL_OK) goto out;
    if ((st = req_col(p, gidx, 1, &p->group_index, 1, &f2, err)) != CL_OK) goto out;
    if (f1 != f2) {
        st = cl_error_fail(err, CL_EFORMAT, "%s: %s: %s without %s", file, path, f1 ? gidn : gidx, f1 ? gidx : gidn);
        goto out;
    }
    p->have_group_id = f1;
    char **names;
    size_t n;
    if (link_names(p->root, &names, &n) < 0) {
        st = cl_error_fail(err, CL_EIO, "%s: %s: cannot list", file, path);
        goto out;
    }
    p->groups = calloc(n ? n : 1, sizeof *p->groups);
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        if (!is_digits(names[i]) || obj_type(p->root, names[i]) != H5I_GROUP) continue;
        st = group_open(p, names[i], &p->groups[p->ngroup], err);
        p->ngroup++;
    }
    free_names(names, n);
    if (st != CL_OK) goto out;
    if (types_path) {
        st = sn_csv_load(types_path, tid, &p->types, err);
        if (st != CL_OK) goto out;
        p->have_types = 1;
        /* every type id must name a CSV row: checked up front, except on
         * very large edge files (there the lookup itself reports it) */
        if (is_edge && p->size > 10000000ULL) goto out;
        int64_t last = -1;
        int have_last = 0;
        for (uint64_t i = 0; i < p->size && st == CL_OK; i++) {
            uint64_t t;
            st = sn_col_u64(&p->type_id, file, i, &t, err);
            if (st != CL_OK) break;
            if (have_last && (int64_t)t == last) continue;
            if (sn_csv_row(&p->types, (int64_t)t) < 0)
                st = cl_error_fail(err, CL_EFORMAT, "%s: %s/%s[%" PRIu64 "]: %s %" PRIu64 " is not in %s (dangling type id)",
                             file, path, tid, i, tid, t, types_path);
            last = (int64_t)t;
            have_last = 1;
        }
    }
out:
    sn_h5_loud(&q);
    return st;
}

void sn_pop_close(sn_pop *p) {
    col_close(&p->type_id);
    col_close(&p->group_id);
    col_close(&p->group_index);
    col_close(&p->src);
    col_close(&p->tgt);
    for (size_t i = 0; i < p->ngroup; i++) {
        sn_group *g = &p->groups[i];
        for (size_t j = 0; j < g->ncol; j++) col_close(&g->col[j]);
        for (size_t j = 0; j < g->ndyn; j++) col_close(&g->dyn[j]);
        free(g->col);
        free(g->dyn);
        free(g->id);
        if (g->g > 0) H5Gclose(g->g);
    }
    free(p->groups);
    if (p->idx_n2r > 0) H5Dclose(p->idx_n2r);
    if (p->idx_r2e > 0) H5Dclose(p->idx_r2e);
    if (p->root > 0) H5Gclose(p->root);
    sn_csv_free(&p->types);
    free(p->csr_off);
    free(p->csr_edges);
    free(p->name);
    free(p->file);
    free(p->source);
    free(p->target);
    memset(p, 0, sizeof *p);
}

/* the group and row of element i */
static cl_status locate(sn_pop *p, uint64_t i, sn_group **g, uint64_t *row, cl_error *err) {
    *g = NULL;
    *row = i;
    if (i >= p->size)
        return cl_error_fail(err, CL_EINVAL, "%s: /%s/%s: %s %" PRIu64 " out of range (size %" PRIu64 ")", p->file,
                       p->is_edge ? "edges" : "nodes", p->name, p->is_edge ? "edge" : "node", i, p->size);
    uint64_t gid = 0;
    if (p->have_group_id) {
        cl_status st = sn_col_u64(&p->group_id, p->file, i, &gid, err);
        if (st == CL_OK) st = sn_col_u64(&p->group_index, p->file, i, row, err);
        if (st != CL_OK) return st;
    }
    char id[32];
    snprintf(id, sizeof id, "%" PRIu64, gid);
    for (size_t k = 0; k < p->ngroup; k++)
        if (!strcmp(p->groups[k].id, id)) {
            *g = &p->groups[k];
            return CL_OK;
        }
    if (!p->have_group_id) return CL_OK; /* no group at all: CSV only */
    return cl_error_fail(err, CL_EFORMAT, "%s: /%s/%s: element %" PRIu64 " names group %s, which does not exist", p->file,
                   p->is_edge ? "edges" : "nodes", p->name, i, id);
}

cl_status sn_pop_attr(sn_pop *p, sn_pool *pool, const char *attr, uint64_t i, cl_value *out, cl_error *err) {
    memset(out, 0, sizeof *out);
    sn_group *g;
    uint64_t row;
    sn_h5quiet q;
    sn_h5_quiet(&q);
    cl_status st = locate(p, i, &g, &row, err);
    sn_col *c = st == CL_OK && g ? group_col(g, attr) : NULL;
    if (c) st = col_value(c, p->file, pool, row, out, err);
    else if (st == CL_OK && p->have_types) {
        uint64_t t = 0;
        st = sn_col_u64(&p->type_id, p->file, i, &t, err);
        long r = st == CL_OK ? sn_csv_row(&p->types, (int64_t)t) : -1;
        long k = sn_csv_col(&p->types, attr);
        if (st == CL_OK && r < 0)
            st = cl_error_fail(err, CL_EFORMAT, "%s: type id %" PRIu64 " of element %" PRIu64 " is not in %s", p->file, t, i,
                         p->types.path);
        else if (st == CL_OK && k >= 0) {
            const char *s = p->types.cell[(size_t)r * p->types.ncol + (size_t)k];
            sn_csv_value(sn_intern(pool, s), out);
        }
    } else if (st == CL_OK && (!strcmp(attr, "node_type_id") || !strcmp(attr, "edge_type_id"))) {
        uint64_t t = 0;
        st = sn_col_u64(&p->type_id, p->file, i, &t, err);
        out->kind = CL_VALUE_NUMBER;
        out->num = (double)t;
    }
    sn_h5_loud(&q);
    return st;
}

cl_status sn_pop_dyn(sn_pop *p, sn_pool *pool, const char *name, uint64_t i, cl_value *out, cl_error *err) {
    memset(out, 0, sizeof *out);
    sn_group *g;
    uint64_t row;
    sn_h5quiet q;
    sn_h5_quiet(&q);
    cl_status st = locate(p, i, &g, &row, err);
    if (st == CL_OK && g)
        for (size_t k = 0; k < g->ndyn; k++)
            if (!strcmp(short_name(&g->dyn[k]), name)) {
                st = col_value(&g->dyn[k], p->file, pool, row, out, err);
                break;
            }
    sn_h5_loud(&q);
    return st;
}

/* Appends interned name s to v[0..*m) unless it is there already. */
static void add_name(const char **v, size_t *m, const char *s) {
    for (size_t d = 0; d < *m; d++)
        if (v[d] == s) return;
    v[(*m)++] = s;
}

cl_status sn_pop_dyn_names(sn_pop *p, sn_pool *pool, const char ***names, size_t *n, cl_error *err) {
    size_t cap = 1;
    for (size_t k = 0; k < p->ngroup; k++) cap += p->groups[k].ndyn;
    const char **v = calloc(cap, sizeof *v);
    if (!v) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t k = 0; k < p->ngroup; k++)
        for (size_t j = 0; j < p->groups[k].ndyn; j++) add_name(v, &m, sn_intern(pool, short_name(&p->groups[k].dyn[j])));
    *names = v;
    *n = m;
    return CL_OK;
}

cl_status sn_pop_attr_names(sn_pop *p, sn_pool *pool, const char ***names, size_t *n, cl_error *err) {
    size_t cap = p->types.ncol + 1;
    for (size_t k = 0; k < p->ngroup; k++) cap += p->groups[k].ncol;
    const char **v = calloc(cap, sizeof *v);
    if (!v) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t k = 0; k < p->ngroup; k++)
        for (size_t j = 0; j < p->groups[k].ncol; j++) add_name(v, &m, sn_intern(pool, short_name(&p->groups[k].col[j])));
    for (size_t j = 0; j < p->types.ncol; j++) add_name(v, &m, sn_intern(pool, p->types.header[j]));
    *names = v;
    *n = m;
    return CL_OK;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* fallback: a CSR index of target_node_id, built once */
static cl_status build_csr(sn_pop *p, cl_error *err) {
    uint64_t maxt = 0;
    for (uint64_t e = 0; e < p->size; e++) {
        uint64_t t = 0;
        cl_status st = sn_col_u64(&p->tgt, p->file, e, &t, err);
        if (st != CL_OK) return st;
        if (t > maxt) maxt = t;
    }
    if (p->size && maxt > 100000000ULL)
        return cl_error_fail(err, CL_EFORMAT, "%s: /edges/%s/target_node_id: node id %" PRIu64 " is implausibly large", p->file,
                       p->name, maxt);
    uint64_t nt = p->size ? maxt + 1 : 0;
    p->csr_off = calloc(nt + 1, sizeof *p->csr_off);
    p->csr_edges = malloc((p->size ? p->size : 1) * sizeof *p->csr_edges);
    if (!p->csr_off || !p->csr_edges) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", p->file);
    uint64_t t = 0;
    for (uint64_t e = 0; e < p->size; e++) {
        sn_col_u64(&p->tgt, p->file, e, &t, err);
        p->csr_off[t + 1]++;
    }
    for (uint64_t k = 0; k < nt; k++) p->csr_off[k + 1] += p->csr_off[k];
    uint64_t *fill = calloc(nt + 1, sizeof *fill);
    if (!fill) return cl_error_fail(err, CL_ENOMEM, "%s: out of memory", p->file);
    for (uint64_t e = 0; e < p->size; e++) {
        sn_col_u64(&p->tgt, p->file, e, &t, err);
        p->csr_edges[p->csr_off[t] + fill[t]++] = e;
    }
    free(fill);
    p->csr_n = nt;
    return CL_OK;
}

cl_status sn_edge_afferent(sn_pop *p, uint64_t target, uint64_t **edges, size_t *n, cl_error *err) {
    *edges = NULL;
    *n = 0;
    sn_h5quiet q;
    sn_h5_quiet(&q);
    cl_status st = CL_OK;
    if (p->have_index) {
        uint64_t r[2] = {0, 0};
        if (target < p->idx_rows) {
            hsize_t off[2] = {target, 0}, cnt[2] = {1, 2};
            hid_t fsp = H5Dget_space(p->idx_n2r), msp = H5Screate_simple(2, cnt, NULL);
            if (H5Sselect_hyperslab(fsp, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
                H5Dread(p->idx_n2r, H5T_NATIVE_UINT64, msp, fsp, H5P_DEFAULT, r) < 0)
                st = cl_error_fail(err, CL_EIO, "%s: /edges/%s/indices/target_to_source: cannot read row %" PRIu64, p->file,
                             p->name, target);
            H5Sclose(fsp);
            H5Sclose(msp);
        }
        if (st == CL_OK && r[0] < r[1] && r[0] != UINT64_MAX) {
            hsize_t dims[2] = {0, 0};
            hid_t fsp = H5Dget_space(p->idx_r2e);
            H5Sget_simple_extent_dims(fsp, dims, NULL);
            if (r[1] > dims[0]) {
                st = cl_error_fail(err, CL_EFORMAT,
                             "%s: /edges/%s/indices/target_to_source: node %" PRIu64 " ranges %" PRIu64 "..%" PRIu64
                             " beyond range_to_edge_id (%llu rows)",
                             p->file, p->name, target, r[0], r[1], (unsigned long long)dims[0]);
            } else {
                uint64_t nr = r[1] - r[0];
                uint64_t *rg = malloc(nr * 2 * sizeof *rg);
                hsize_t off[2] = {r[0], 0}, cnt[2] = {nr, 2};
                hid_t msp = H5Screate_simple(2, cnt, NULL);
                if (!rg || H5Sselect_hyperslab(fsp, H5S_SELECT_SET, off, NULL, cnt, NULL) < 0 ||
                    H5Dread(p->idx_r2e, H5T_NATIVE_UINT64, msp, fsp, H5P_DEFAULT, rg) < 0)
                    st = cl_error_fail(err, CL_EIO, "%s: /edges/%s/indices/target_to_source/range_to_edge_id: cannot read",
                                 p->file, p->name);
                H5Sclose(msp);
                size_t tot = 0;
                for (uint64_t k = 0; st == CL_OK && k < nr; k++) {
                    if (rg[2 * k] < rg[2 * k + 1] && rg[2 * k + 1] > p->size)
                        st = cl_error_fail(err, CL_EFORMAT, "%s: /edges/%s/indices: edge range beyond %" PRIu64 " edges",
                                     p->file, p->name, p->size);
                    else if (rg[2 * k] < rg[2 * k + 1])
                        tot += rg[2 * k + 1] - rg[2 * k];
                }
                if (st == CL_OK) {
                    *edges = malloc((tot ? tot : 1) * sizeof **edges);
                    if (!*edges) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                    for (uint64_t k = 0; st == CL_OK && k < nr; k++)
                        for (uint64_t e = rg[2 * k]; e < rg[2 * k + 1]; e++) (*edges)[(*n)++] = e;
                    if (st == CL_OK) qsort(*edges, *n, sizeof **edges, cmp_u64);
                }
                free(rg);
            }
            H5Sclose(fsp);
        }
    } else {
        if (!p->csr_off) st = build_csr(p, err);
        if (st == CL_OK && target < p->csr_n) {
            uint64_t a = p->csr_off[target], b = p->csr_off[target + 1];
            *edges = malloc((b - a ? b - a : 1) * sizeof **edges);
            if (!*edges) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
            else {
                memcpy(*edges, p->csr_edges + a, (b - a) * sizeof **edges);
                *n = (size_t)(b - a);
            }
        }
    }
    sn_h5_loud(&q);
    if (st != CL_OK) {
        free(*edges);
        *edges = NULL;
        *n = 0;
    }
    return st;
}
