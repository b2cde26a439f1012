/* The engine: a model description (cells, sections, mechanisms, point
 * processes, connections, recordings) and, compiled from it, the node arrays
 * and mechanism blocks that NEURON's fixed step runs on.
 *
 * The description is what the API edits. cl_engine_compile() turns it into
 * the run-time layout (NEURON's setup_topology + v_setup_vectors +
 * recalc_diam); cl_engine_init() is finitialize; cl_engine_step() is fadvance. */
#ifndef CELLULAB_ENGINE_H
#define CELLULAB_ENGINE_H

#include <stdint.h>

#include "mech/mech.h"

typedef struct cl_pt3d {
    float x, y, z, d; /* float, as NEURON's Pt3d */
    double arc;
} cl_pt3d;

/* A mechanism inserted in a section: per-segment values of its variables.
 * Only the variables given a value are stored (most keep their default in
 * every segment, and the compiled block holds the running values), in one
 * allocation: store is NULL until a first variable is set, then nvar int16
 * slots (the column of each variable, -1 while it has its default
 * everywhere), padded to 8 bytes, then ncol columns of nseg values. Read
 * and write through cl_sec_mech_get / cl_sec_mech_put. */
typedef struct cl_sec_mech {
    int type;
    int ncol;
    void *store;
    int inst0;   /* compiled: instance of segment 0; segments are contiguous */
    int style;   /* ions: OR of the users' CL_ION_* flags in this section */
} cl_sec_mech;

typedef struct cl_sec {
    char *name;
    int cell;
    double tmpl_index; /* the index a hoc e-model's indexSections gave it (v(0.0001)), -1 if none */
    int nseg;
    double L, Ra;
    double *diam; /* per segment (derived from pt3d when there are points) */
    double *cm;   /* per segment */
    cl_pt3d *pt;
    size_t npt, cappt;
    int parent;      /* section index, -1 for a root */
    double parent_x;
    long connect_seq;
    /* NEURON's pt3dstyle 1 (Import3d's wire to the soma): the logical
     * connection point, float as NEURON stores it; used by define_shape */
    int has_logical;
    float lx, ly, lz;
    cl_sec_mech *mech;
    int nmech, capmech;
    int dead;       /* deleted (cl_section_delete): kept for its index, never compiled */
    /* compiled */
    int node0;      /* node of segment 0; segment j is node0 + j, the 1-end node0 + nseg */
    int parentnode; /* the node the 0-end attaches to */
} cl_sec;

typedef struct cl_cellrec {
    char *name;
    int *sec;
    int nsec, capsec;
    int rec_t, rec_v; /* automatic time and soma voltage recordings, -1 if none */
    int dead;         /* deleted (cl_cell_delete) */
} cl_cellrec;

/* A point-process variable given a value (cl_pp_set). */
typedef struct cl_ppval {
    int k;
    double v;
} cl_ppval;

typedef struct cl_ppobj {
    int type;
    int alive;
    int sec; /* -1 for artificial cells */
    int nset;          /* entries of set */
    double x;
    long seq;
    /* the variables given a value other than their default, in the order
     * first set (the others keep their default): most synapses set two or
     * three of ten; read and write with cl_pp_val_get / cl_pp_val_put */
    cl_ppval *set;
    cl_event_list ev;  /* VecStim: times to play; APCount: times seen */
    int presyn;        /* presyn index when this is an event source, -1 */
    int inst;          /* compiled instance index in its type's block */
} cl_ppobj;

typedef struct cl_presyn {
    int pp;        /* source point process, or -1 for a voltage source */
    int sec;       /* voltage source location */
    double x;
    double threshold;
    int flag;      /* above threshold at the last check */
    int node;      /* compiled */
    int record;    /* keep spike times */
    cl_event_list spikes;
    /* NEURON's use_min_delay_: more than two connections, all with one
     * delay, share a single queued event (decided at initialisation) */
    int use_min_delay;
    double delay;
    int dead;      /* its section was deleted */
} cl_presyn;

typedef struct cl_netconobj {
    int alive;
    int presyn;
    int target; /* pp index, -1 for none */
    int nw;
    double delay;
    size_t w0;  /* its nw weights: the engine's ncw[w0 .. w0 + nw) (cl_nc_w) */
} cl_netconobj;

enum { CL_REC_SEC, CL_REC_PP, CL_REC_TIME };

typedef struct cl_recobj {
    int alive;
    int kind;
    int sec;      /* CL_REC_SEC */
    double x;
    int type;     /* mechanism type, or -1 for v */
    int var;      /* variable index in the type */
    int pp;       /* CL_REC_PP */
    double interval; /* 0: every step */
    double *ptr;  /* compiled target */
    cl_event_list data;
} cl_recobj;

/* A sampled waveform played into a point-process variable, as NEURON's
 * Vector.play(&var, tvec, 1) (VecPlayContinuous): linear interpolation at
 * t_{n+1/2} each step, with an event at every sample time that moves the
 * interpolation window on. */
typedef struct cl_playobj {
    int alive;
    int pp, var;     /* target */
    double *t, *y;
    size_t n;
    size_t last, ubound; /* run state, as NEURON's last_index_ / ubound_index_ */
    double *ptr;     /* compiled target */
} cl_playobj;

enum { CL_EV_NETCON, CL_EV_SELF, CL_EV_RECORD, CL_EV_PLAY, CL_EV_PRESYN, CL_EV_WATCH };

/* One WATCH condition of one instance (docs/nmodl-lowering.md §9.4). The
 * engine keeps these per type (n * nwatch, instance-major) and a list of
 * the active ones in activation order, checked in that order at the start
 * of every step. gen counts removals: a queued WATCH event carries the gen
 * it was sent with and is dropped when they differ (NEURON removes it from
 * the queue). */
typedef struct cl_watch {
    int type, inst, k;
    int active;    /* in the engine's active list */
    int flag;      /* NEURON's flag_: the condition was true at the last check */
    double nrflag; /* the NET_RECEIVE flag of its events */
    int gen;
} cl_watch;

typedef struct cl_event {
    double t;
    uint64_t seq;
    int kind;
    int a;       /* netcon / record index, or mechanism type for self events */
    int b;       /* instance for self events */
    int wnc;     /* netcon whose weights a self event carries, -1 for none; CL_EV_WATCH: k */
    double flag;
    int gen;     /* CL_EV_WATCH: the watch's gen when sent */
} cl_event;

typedef struct cl_engine {
    /* description */
    cl_sec *sec;
    int nsec, capsec;
    cl_cellrec *cell;
    int ncell, capcell;
    cl_ppobj *pp;
    int npp, cappp;
    cl_presyn *presyn;
    int npresyn, cappresyn;
    cl_netconobj *nc;
    int nnc, capnc;
    double *ncw;         /* the connections' weights, one pool (no allocation per connection) */
    size_t nncw, capncw;
    cl_recobj *rec;
    int nrec, caprec;
    cl_playobj *play;
    int nplay, capplay;
    long seq;
    double dt, celsius, v_init;
    int legacy_units; /* cl_sim_set_legacy_units */
    unsigned int ran123_globalindex; /* cl_sim_set_random123_globalindex */
    int exp_inline;                  /* cl_mech_ctx.exp_inline (cl_exp_inline_usable) */
    /* mechanism types: the built-ins, then loaded ones, in registration order */
    const cl_mech_type *types[CL_MAX_TYPES];
    int ntypes;
    cl_mech_type *owned[CL_MAX_TYPES]; /* types made at run time (ions of loaded mechanisms) */
    int nowned;
    void *libs[64];                    /* loaded mechanism libraries (dlopen handles) */
    int nlibs;
    double *global[CL_MAX_TYPES]; /* per-type global values, allocated on first use */
    void *priv[CL_MAX_TYPES];     /* per-type private data (rate tables) */

    /* compiled */
    int compiled;  /* layout matches the description */
    int initialized;
    int nnode, nroot;
    /* per node, in nodemem (compile.c); cm is 0 where a node has no
     * capacitance (roots, the 1 end of each section) */
    double *v, *rhs, *d, *a, *b, *area, *rinv, *diam, *cm;
    void *nodemem;
    int *parent;
    cl_mech_block block[CL_MAX_TYPES];
    int nblock;
    int exec[CL_MAX_TYPES]; /* NEURON's memb_order_: the order init, cur and state run in */

    /* run state */
    double t;
    /* NEURON's TQueue: the earliest event kept apart (least), the others in a
     * queue ordered by time, then insertion ("after all equal keys"); an
     * earlier arrival sends the old least back into the queue behind its
     * equals. This decides the delivery order of simultaneous events. */
    cl_event least;
    int has_least;
    cl_event *heap;
    size_t nheap, capheap;
    uint64_t evseq;
    int oom; /* an allocation failed inside a step */
    int cur_netcon; /* connection whose event is being delivered, -1 */
    int *ps_nc_start, *ps_nc; /* connections of each source (CSR) */
    cl_watch *wstate[CL_MAX_TYPES]; /* WATCH state per type, NULL without WATCH (step.c) */
    int wn[CL_MAX_TYPES];           /* instances wstate[type] was made for */
    cl_watch **wact;                /* the active WATCHes in activation order */
    int nwact, capwact;

    /* trees (compiled): root node r's other nodes are [tree_node[r],
     * tree_node[r+1]) (compile.c numbers the nodes tree by tree) */
    int *tree_node;
    int *node_tree; /* tree of each node */

    /* threads (threads.c) */
    int threads;             /* requested: 0 = all cores, >= 1 */
    struct cl_pool *pool;    /* workers, made on the first parallel step */
    struct cl_group *group;  /* the trees split into ngroup parts, NULL when stale */
    int ngroup;
} cl_engine;

#define CL_SOLVE_BATCH 2048
/* One part of the trees, stepped by one thread: roots [r0, r1), their other
 * nodes [n0, n1), and per mechanism type a view of its instances there
 * (view[t].n == 0: none); views share the
 * block's arrays at an offset. Globals: each part but the last one with
 * instances of a type has its own copy, refreshed from the simulation's at
 * every step, so that GLOBALs a mechanism assigns while it runs (hh's minf)
 * are per thread, as NEURON's THREADSAFE globals. */
typedef struct cl_group {
    int r0, r1, n0, n1;
    /* the solve's order (step.c): the nodes [n0, n1) in batches of whole
     * trees (about CL_SOLVE_BATCH nodes), each batch by depth, deepest
     * first, and by decreasing index within a depth */
    int *sched;
    /* per sched entry k: parent[sched[k]], a[sched[k]], b[sched[k]]; and
     * sched[level[j] .. level[j+1]) is one depth of one batch (j < nlevel),
     * where no node is another's parent */
    int *spar, *level, nlevel;
    double *sa, *sb;
    /* the nodes i in [n0, n1) with parent[i] != i - 1 (and n0), increasing */
    int *offchain, noffchain;
    cl_mech_block *view;  /* nblock entries */
    double **gcopy;       /* nblock entries: own globals, or NULL (view uses the master) */
    double **vars;        /* storage behind view[t].var */
    int **ions;           /* storage behind view[t].ion_index */
} cl_group;

/* Thread pool and groups (threads.c). */
void cl_engine_threads_free(cl_engine *e);   /* joins the workers, frees the groups */
void cl_engine_groups_free(cl_engine *e);    /* groups only (layout or thread count changed) */
/* Groups for the current layout and thread count; 0, or -1 out of memory. */
int cl_engine_groups_prepare(cl_engine *e);
/* Runs fn(e, g) for every group g = 0..ngroup-1, group 0 on the calling
 * thread, the others on the workers (all on the caller when the workers
 * cannot be started); returns when all are done. */
void cl_engine_parallel(cl_engine *e, void (*fn)(cl_engine *e, int g));
/* Cores available to this process (sysconf), at least 1. */
int cl_engine_cores(void);

/* Lifetime. */
void cl_engine_init_empty(cl_engine *e);
void cl_engine_release(cl_engine *e);

/* The type table of a simulation. */
const cl_mech_type *cl_eng_type(const cl_engine *e, int type); /* NULL if out of range */
int cl_eng_find(const cl_engine *e, const char *name);          /* type, or -1 */

/* Index in sec->mech of a mechanism type, or -1 when it is not inserted. */
int cl_sec_mech_find(const cl_sec *sec, int type);
/* Insert a mechanism type in a section's description (no-op when present):
 * its index in sec->mech, or -1 when out of memory. */
int cl_sec_insert_type(cl_engine *e, cl_sec *sec, int type);
/* Description value of variable k in segment j of a section's mechanism,
 * and setting it (0, or -1 out of memory); cl_sec_mech_resample moves the
 * stored columns to a new nseg (each new segment takes the value of the old
 * segment containing its centre; 0 or -1); cl_sec_mech_free frees them. */
double cl_sec_mech_get(const cl_engine *e, const cl_sec *sec, const cl_sec_mech *sm, int k, int j);
int cl_sec_mech_put(cl_engine *e, const cl_sec *sec, cl_sec_mech *sm, int k, int j, double value);
int cl_sec_mech_resample(cl_engine *e, cl_sec_mech *sm, int old_n, int new_n);
void cl_sec_mech_free(cl_engine *e, cl_sec_mech *sm);
/* Variable k's values in every segment, or NULL while it has its default
 * everywhere. */
const double *cl_sec_mech_column(const cl_engine *e, const cl_sec *sec, const cl_sec_mech *sm, int k);
/* A point process's description value of variable k (its default unless
 * set), and setting it: 0, or -1 out of memory. */
double cl_pp_val_get(const cl_engine *e, const cl_ppobj *p, int k);
int cl_pp_val_put(cl_engine *e, cl_ppobj *p, int k, double value);
/* The weights of a connection. */
static inline double *cl_nc_w(const cl_engine *e, const cl_netconobj *nc) { return e->ncw + nc->w0; }
/* Insert the ions a mechanism uses, or-ing in its usage flags. 0 or -1. */
int cl_sec_add_ions(cl_engine *e, cl_sec *sec, const cl_mech_type *mt);

/* Global values of a mechanism type (allocated with defaults on first use);
 * NULL when out of memory. */
double *cl_engine_globals(cl_engine *e, int type);

/* Build the run-time layout from the description. Returns 0 or -1 (out of
 * memory). */
int cl_engine_compile(cl_engine *e);

/* NEURON's finitialize(v_init). Compiles first when needed. */
int cl_engine_initialize(cl_engine *e);

/* Frees the WATCH state (cl_engine_release calls it). */
void cl_engine_watch_free(cl_engine *e);

/* Room in every recording for the samples of a run to tstop (at least
 * half as much again as it has), so that one run does not grow it by
 * doubling (up to half of it unused, and a copy at each step up); a
 * recording out of memory grows as it goes. */
void cl_engine_reserve_records(cl_engine *e, double tstop);

/* One fadvance. */
int cl_engine_step(cl_engine *e);

/* Node for a location, as NEURON's node_exact (x = 0: parent node, x = 1:
 * end node) and the segment containing x (node_index). */
int cl_engine_node_exact(const cl_engine *e, int sec, double x);
int cl_engine_seg_index(const cl_engine *e, int sec, double x);

/* Geometry of one section (NEURON's nrn_area_ri), filling area and rinv
 * of its nodes; exposed for area() and ri() queries. */
void cl_engine_section_geometry(cl_engine *e, int s);

/* Event queue. */
int cl_event_push(cl_engine *e, cl_event ev);
int cl_event_pop_until(cl_engine *e, double tmax, cl_event *out);
void cl_event_clear(cl_engine *e);

/* A spike of source ps at tt from outside the simulation (step.c): its
 * connections deliver at tt + delay, as for a spike detected here. 0, or -1
 * (out of range, out of memory). */
int cl_engine_presyn_inject(cl_engine *e, int ps, double tt);

#endif
