/* Internal structures of the hoc interpreter, shared by interp.c (the
 * evaluator) and builtins.c (built-in functions and object classes). */
#ifndef CL_HOC_INTERP_H
#define CL_HOC_INTERP_H

#include <stddef.h>
#include <stdint.h>

#include "cellulab.h"
#include "hoc/ast.h"
#include "hoc/hoc.h"

typedef struct hoc_object hoc_object;
typedef struct hoc_class hoc_class;

enum { V_NONE, V_NUM, V_STR, V_OBJ, V_RANGE, V_PPVAR, V_NCVAR };

/* A value. str is owned; obj holds one reference. The *ref fields point
 * at the variable an argument came from (strdef, objref, &x) so built-ins
 * and $s/$o assignments can write back. */
typedef struct hoc_value {
    int k;
    double num;
    char *str;
    hoc_object *obj;
    double *nref;
    char **sref;
    hoc_object **oref;
    int has_rptr;     /* &v(x): a range variable's location */
    cl_section rsec;
    double rx;
} hoc_value;

/* An assignable place. */
typedef struct hoc_lval {
    int k; /* V_NUM, V_STR, V_OBJ, V_RANGE */
    double *num;
    cl_section sec; /* V_RANGE: a section's range variable */
    double x;       /* V_RANGE: position, or -1 for the whole section */
    const char *var;
    cl_pp pp;       /* V_PPVAR */
    cl_netcon nc;   /* V_NCVAR (var: threshold, delay, weight; index in x) */
    char **str;
    hoc_object **obj;
} hoc_lval;

enum { S_NUM = 1, S_STR, S_OBJ, S_SEC, S_FUNC, S_TEMPLATE };

typedef struct hoc_template {
    char *name;
    const hoc_node *def; /* N_TEMPLATE */
    char **publics, **externals;
    size_t npub, next;
    int count;           /* instances created so far (object index) */
    struct hoc_object *proto; /* the body run once at definition: the shape of every instance */
} hoc_template;

typedef struct hoc_sym {
    char *name;
    int type;
    int ndim;
    size_t dims[4];
    size_t count;
    double *nums;
    char **strs;
    hoc_object **objs;
    cl_section *secs;      /* S_SEC */
    const hoc_node *def;   /* S_FUNC: N_FUNCDEF */
    hoc_template *tmpl;    /* S_TEMPLATE */
    struct hoc_sym *next;  /* hash chain */
} hoc_sym;

typedef struct hoc_scope {
    hoc_sym **b;
    size_t nb, n;
} hoc_scope;

struct hoc_class {
    const char *name;
    int (*ctor)(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *args, int n);
    void (*dtor)(hoc_interp *h, hoc_object *o);
    /* 1: handled, 0: no such method, -1: error (already reported) */
    int (*method)(hoc_interp *h, hoc_object *o, const char *name, const hoc_node *at, hoc_value *args, int n,
                  hoc_value *ret);
    /* Assignable members (String.s, Vector.x[i]): 1, 0 or -1 as above. */
    int (*member)(hoc_interp *h, hoc_object *o, const char *name, const hoc_node *at, const double *idx, int nidx,
                  hoc_lval *out);
};

struct hoc_object {
    int ref;
    int index;      /* the N in Name[N] */
    int dying;
    hoc_template *tmpl; /* user template instance, or */
    const hoc_class *cls; /* built-in class instance */
    hoc_scope fields;
    void *data;
    cl_cell cell;   /* template instance: the cell holding its sections */
    int has_cell;
    hoc_object *prev, *next; /* the interpreter's list of live objects */
};

typedef struct hoc_frame {
    hoc_value *args;
    int nargs;
    hoc_scope locals;
    int is_proc;        /* locals apply */
    hoc_object *obj;    /* object context (NULL: top level) */
    const char *name;   /* proc name, for the call chain */
    const hoc_node *site; /* where it was called */
    hoc_value ret;
    struct hoc_frame *up;
} hoc_frame;

#define HOC_NCLASS 10

struct hoc_interp {
    hoc_scope globals;
    hoc_frame top;
    hoc_frame *fr;
    int depth;
    hoc_limits lim;
    long long iters;
    char err[4096];
    char exec1_err[1024]; /* the last error execute1 swallowed ("" if none) */
    int err_set;
    hoc_unit **units;
    size_t nunits, capunits;
    hoc_object *objects;
    int class_count[HOC_NCLASS];
    hoc_output_fn out;
    void *out_ctx;
    cl_sim *sim;       /* sections live here (hoc_bind_sim); NULL: none */
    cl_cell topcell;   /* top-level sections */
    int has_topcell;
    cl_section secstack[64]; /* `sec stmt` nesting: the current section */
    int nsec;
    cl_section accessed; /* `access` */
    int has_access;
    cl_section dist_sec; /* distance() origin */
    double dist_x;
    int has_dist;
    int soma_neuron82; /* Import3d: NEURON 8.2's soma orientation */
    int pt3d_digits;   /* Import3d: cl_morph_options.pt3d_digits (0: default) */
    uint64_t *deleted; /* delete_section()ed sections (hidden from hoc) */
    size_t ndeleted;
    /* v(x) = value before a run: kept here (templates store section
     * indices in v); cellulab's v is only set by initialisation */
    struct hoc_vset { uint64_t id; double x, v; } *vset;
    size_t nvset;
    int generation; /* suffix for re-created section names */
    struct hoc_ppcount { char name[64]; int n; } ppcount[32]; /* Name[i] numbering */
    int nppcount;
    int freeing; /* hoc_free is running */
    char **loaded; /* files load_file has run */
    size_t nloaded;
};

/* Reports an error at node `at` (file:line:col), adding the call chain.
 * Always returns -1. */
int hoc_fail(hoc_interp *h, const hoc_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void hoc_out(hoc_interp *h, const char *s, size_t n);
void hoc_value_clear(hoc_interp *h, hoc_value *v);
hoc_object *hoc_obj_ref(hoc_object *o);
void hoc_obj_unref(hoc_interp *h, hoc_object *o);
/* "Name[index]" of an object, into buf. */
const char *hoc_obj_name(const hoc_object *o, char *buf, size_t n);
/* Runs source text in the given object context (execute1). */
int hoc_exec_string(hoc_interp *h, const char *src, const char *file, hoc_object *ctx, const hoc_node *at);
int hoc_load_file(hoc_interp *h, const char *path, const hoc_node *at, int force);

/* hoclib.c: the text of a hoc file cellulab ships (Cell.hoc,
 * TDistFunc.hoc) named by path's last component, or NULL. */
const char *hoc_lib_text(const char *path);

/* A top-level variable, or NULL. */
hoc_sym *hoc_global(hoc_interp *h, const char *name);

/* sections.c */
/* The current section (innermost `sec stmt`, forsec..., else `access`). */
int hoc_current_section(hoc_interp *h, const hoc_node *at, cl_section *out);
/* "Name[i].soma[0]" / "soma" as NEURON's secname(). */
const char *hoc_secname(hoc_interp *h, cl_section sec, char *buf, size_t n);
int hoc_cl(hoc_interp *h, const hoc_node *at, cl_status st, const char *what);
/* The cell new sections go to in the current context. */
int hoc_context_cell(hoc_interp *h, const hoc_node *at, hoc_object *o, cl_cell *out);
/* 1: a section function ran, 0: not one, -1: error */
int hoc_section_call(hoc_interp *h, const char *name, const hoc_node *at, hoc_value *args, int n, hoc_value *ret);
int hoc_push_section(hoc_interp *h, const hoc_node *at, cl_section s);
void hoc_pop_section(hoc_interp *h);
extern const hoc_class hoc_sectionlist_class;
/* Appends sec to a SectionList (no-op for other objects); 0 or -1 (memory). */
int hoc_sectionlist_add(hoc_object *list, cl_section sec);
/* A template instance's own variable, or NULL. */
hoc_sym *hoc_obj_field(hoc_object *o, const char *name);
/* import3d.c */
extern const hoc_class hoc_import3d_asc_class, hoc_import3d_swc_class, hoc_import3d_gui_class;
/* morphio_read(obj, "file.h5" or "container.h5/cell.h5"): 0 or -1. */
int hoc_morphio_read(hoc_interp *h, const hoc_node *at, hoc_value *a, int n, hoc_value *ret);
/* Sections of a SectionList object. */
int hoc_sectionlist_items(hoc_object *o, const cl_section **secs, size_t *n);

int hoc_section_deleted(const hoc_interp *h, cl_section s);

/* pointproc.c */
extern const hoc_class hoc_pp_class, hoc_netcon_class, hoc_random_class;
/* new Name(x) for a point process in the current section: 1 made, 0 not a
 * point process name, -1 error. */
int hoc_pp_new(hoc_interp *h, const hoc_node *at, const char *name, hoc_value *args, int n, hoc_object *o);
int hoc_lval_get(hoc_interp *h, const hoc_node *at, hoc_lval *lv, double *out);
int hoc_lval_set(hoc_interp *h, const hoc_node *at, hoc_lval *lv, double v);

/* builtins.c */
const hoc_class *hoc_find_class(const char *name, int *index);
/* 1: a built-in function ran, 0: no such function, -1: error */
int hoc_builtin_call(hoc_interp *h, const char *name, const hoc_node *at, hoc_value *args, int n, hoc_value *ret);
int hoc_format(hoc_interp *h, const hoc_node *at, const char *fmt, hoc_value *args, int n, char **out);

#endif
