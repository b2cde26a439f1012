/* SONATA reader internals (src/circuit/): configs, types CSV, HDF5
 * populations, node sets and spike inputs; sonata.c puts them behind
 * cl_circuit_ops. Every failing call writes "FILE: PLACE: PROBLEM" into err. */
#ifndef CELLULAB_SONATA_INT_H
#define CELLULAB_SONATA_INT_H

#include <hdf5.h>
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cellulab_circuit.h"
#include "util/util.h"

/* ---- util (config.c) ---- */
char *sn_strdup(const char *s);
/* dir of a file path ("." when none), malloc'd */
char *sn_dirname(const char *path);
/* base joined with rel unless rel is absolute, lexically normalised; malloc'd */
char *sn_join(const char *base, const char *rel);
int sn_file_exists(const char *path);

/* Interned strings: stable pointers until sn_pool_free. */
typedef struct sn_pool {
    char **s;
    size_t n, cap;
    size_t *hash; /* open addressing table of indices+1 */
    size_t hcap;
} sn_pool;
const char *sn_intern(sn_pool *p, const char *s);
void sn_pool_free(sn_pool *p);

/* HDF5 error printing off while alive (save / restore around calls). */
typedef struct sn_h5quiet {
    H5E_auto2_t fn;
    void *data;
} sn_h5quiet;
void sn_h5_quiet(sn_h5quiet *q);
void sn_h5_loud(const sn_h5quiet *q);

/* ---- JSON configs (config.c) ---- */
typedef struct sn_json_file {
    char *path, *dir;
    json_t *root; /* manifest-expanded */
} sn_json_file;

/* Load path, expand its manifest ($VAR, ${VAR}, ${configdir}); bad JSON and
 * bad manifests fail naming the file, line/column or JSON path. */
cl_status sn_json_load(const char *path, sn_json_file *out, cl_error *err);
void sn_json_free(sn_json_file *f);

/* Typed getters: path is the object's JSON path (for messages); missing
 * optional keys leave *out alone and return CL_OK. */
cl_status sn_get_str(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     const char **out, cl_error *err);
cl_status sn_get_num(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     double *out, cl_error *err);
cl_status sn_get_obj(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     json_t **out, cl_error *err);
cl_status sn_get_arr(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                     json_t **out, cl_error *err);
/* A path-valued key resolved against the file's folder (malloc'd, NULL if absent or ""). */
cl_status sn_get_path(const sn_json_file *f, json_t *obj, const char *path, const char *key, int required,
                      char **out, cl_error *err);

/* ---- types CSV (csv.c) ---- */
typedef struct sn_csv {
    char *path;
    size_t ncol, nrow;
    char **header;  /* ncol */
    char **cell;    /* nrow * ncol, NULL for null values */
    int64_t *type_id; /* per row */
    size_t *line;   /* per row, 1-based source line */
} sn_csv;

/* Parse text (space separated, "quoted" with "" escapes; NULL, NONE, None
 * and empty are null); id_col ("node_type_id" / "edge_type_id") must exist. */
cl_status sn_csv_parse(const char *text, size_t len, const char *path, const char *id_col, sn_csv *out,
                       cl_error *err);
cl_status sn_csv_load(const char *path, const char *id_col, sn_csv *out, cl_error *err);
void sn_csv_free(sn_csv *c);
/* row of a type id, -1 if none */
long sn_csv_row(const sn_csv *c, int64_t type_id);
/* column index, -1 if none */
long sn_csv_col(const sn_csv *c, const char *name);
/* a CSV cell as a value: numbers when the whole text is one */
void sn_csv_value(const char *s, cl_value *out);

/* ---- HDF5 populations (population.c) ---- */
/* A 1-D dataset read through a small block cache (memory stays bounded). */
typedef struct sn_col {
    hid_t ds;
    char *name;   /* relative to the population, for messages */
    uint64_t len;
    int is_str, is_u64;
    char **lib;   /* @library strings, else NULL */
    size_t nlib;
    uint64_t blk_start, blk_n;
    double *dv;
    uint64_t *uv;
    char **sv;
} sn_col;

typedef struct sn_group {
    char *id; /* "0", "1", ... */
    hid_t g;
    size_t ncol, ndyn;
    sn_col *col; /* attributes */
    sn_col *dyn; /* dynamics_params/<p> */
} sn_group;

typedef struct sn_pop {
    char *name;
    char *file;      /* the HDF5 file */
    int is_edge;
    hid_t f, root;   /* file and /nodes/<name> or /edges/<name> */
    uint64_t size;
    sn_csv types;    /* may be empty (ncol 0) */
    int have_types;
    sn_col type_id, group_id, group_index;
    int have_group_id;
    size_t ngroup;
    sn_group *groups;
    /* edges */
    char *source, *target;
    sn_col src, tgt;
    int have_index;  /* target_to_source index found */
    hid_t idx_n2r, idx_r2e;
    uint64_t idx_rows;
    uint64_t *csr_off, *csr_edges; /* fallback index, built on first use */
    uint64_t csr_n;
} sn_pop;

cl_status sn_pop_open(hid_t f, const char *file, const char *name, int is_edge, const char *types_path,
                      sn_pop *p, cl_error *err);
void sn_pop_close(sn_pop *p);
/* an attribute of element i: group dataset, then CSV column; strings interned */
cl_status sn_pop_attr(sn_pop *p, sn_pool *pool, const char *attr, uint64_t i, cl_value *out, cl_error *err);
cl_status sn_pop_dyn(sn_pop *p, sn_pool *pool, const char *name, uint64_t i, cl_value *out, cl_error *err);
/* the distinct dynamics_params dataset names over the population's groups */
cl_status sn_pop_dyn_names(sn_pop *p, sn_pool *pool, const char ***names, size_t *n, cl_error *err);
/* names (pool strings) of group datasets and CSV columns; *names malloc'd */
cl_status sn_pop_attr_names(sn_pop *p, sn_pool *pool, const char ***names, size_t *n, cl_error *err);
cl_status sn_col_u64(sn_col *c, const char *file, uint64_t i, uint64_t *out, cl_error *err);
cl_status sn_edge_afferent(sn_pop *p, uint64_t target, uint64_t **edges, size_t *n, cl_error *err);
/* the population names under /nodes or /edges of an open file; malloc'd list of malloc'd */
cl_status sn_h5_list(hid_t f, const char *file, const char *top, char ***names, size_t *n, cl_error *err);

/* ---- node sets (nodesets.c) ---- */
/* What a node set is evaluated on: one population, through callbacks. */
typedef struct sn_ns_pop {
    const char *name;
    uint64_t size;
    void *ctx;
    cl_status (*attr)(void *ctx, const char *attr, uint64_t node, cl_value *out, cl_error *err);
} sn_ns_pop;

typedef struct sn_nodesets {
    char *path; /* for messages ("<inline>" when none) */
    json_t *root; /* an object, or NULL: no file */
} sn_nodesets;

cl_status sn_nodesets_parse(const char *text, size_t len, const char *path, sn_nodesets *out, cl_error *err);
cl_status sn_nodesets_load(const char *path, sn_nodesets *out, cl_error *err);
void sn_nodesets_free(sn_nodesets *ns);
/* the sorted ids of pop in set name; population names (all_pops, n_pops)
 * are implicit sets; unknown names and cycles fail */
cl_status sn_nodeset_eval(const sn_nodesets *ns, const char *name, const sn_ns_pop *pop, const char *const *all_pops,
                          size_t n_pops, uint64_t **ids, size_t *n, cl_error *err);

/* ---- spike inputs (spikes_in.c) ---- */
/* populations in a spike file (population layout), or none for the legacy
 * /spikes/gids layout (*legacy = 1); names malloc'd */
cl_status sn_spikes_list(const char *path, char ***pops, size_t *n, int *legacy, cl_error *err);
/* the spikes of pop (NULL: legacy layout) */
cl_status sn_spikes_read(const char *path, const char *pop, uint64_t **nodes, double **times, size_t *n,
                         cl_error *err);

#endif
