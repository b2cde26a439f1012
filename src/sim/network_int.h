/* The network simulation's private state (include/cellulab_network.h is
 * the public side), shared by network.c (building, running, outputs) and
 * network_ranks.c (the distribution over MPI ranks). Private to src/sim. */
#ifndef CELLULAB_SIM_NETWORK_INT_H
#define CELLULAB_SIM_NETWORK_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "cellulab.h"
#include "cellulab_circuit.h"
#include "cellulab_network.h"

typedef struct ncell {
    size_t pop;
    uint64_t node;
    int art; /* 1: an artificial cell */
    cl_cell cell;
    cl_section soma;
    cl_pp pp;
    cl_netcon det; /* spike detector */
    cl_section det_sec; /* where spikes are detected: the soma, or axon[1] (spike_location AIS) */
    double det_x, thr; /* the position on det_sec, and the threshold (mV) */
    double threshold_nA, holding_nA; /* e-model currents (hoc: templates), else NAN */
    cl_section *secs; /* numbered for afferent_section_id */
    size_t n_secs;
    cl_section *bbp_secs; /* BBP numbering (soma, axon, basal, apical) when secs is not */
    size_t n_bbp_secs;
    int has_v;
    cl_rec v;
} ncell;

typedef struct npop {
    const char *name;
    uint64_t n;
    int is_virtual;
    int64_t *cell_of; /* node -> index in cells, -1 */
    int64_t *stim_of; /* node -> VecStim index, -1 */
    size_t *in_off;   /* spike inputs: node k's times in in_t[in_off[k]..in_off[k+1]) */
    double *in_t;
    uint64_t *sp_nodes; /* results */
    double *sp_times;
    size_t n_sp;
    int *rank_of; /* ranks (cl_network_comm): node -> the rank simulating it, -1 none; NULL in one process */
} npop;

typedef struct nreport {
    cl_report_config rc;
    size_t *cells; /* per node: index in cells */
    size_t *off;   /* per node + 1: its values are recs[off[j] .. off[j+1]) */
    cl_rec *recs;  /* per value (a segment) */
    uint32_t *elem;
    float *pos;
    size_t n, n_vals, cap_vals;
    int sampled; /* 1: recs sample every report dt from 0; 0: every step */
} nreport;

typedef struct jcache {
    char *path;
    json_t *j;
} jcache;

struct cl_network {
    cl_circuit *c;
    const cl_circuit_ops *ops;
    void *st;
    cl_sim *sim;
    cl_run_config rc;
    double tstop, dt, dL, thr;
    npop *pops;
    size_t n_pops;
    ncell *cells;
    size_t n_cells, cap_cells;
    cl_pp *stims;
    size_t n_stims, cap_stims;
    nreport *reps;
    size_t n_reps;
    jcache *jc;
    size_t n_jc;
    cl_network_counts counts;
    cl_section_numbering numbering;
    cl_soma_orientation soma;
    int pt3d_digits;
    char *output_dir;
    int ran, built;
    int no_bbp_synapses;
    char **warn; /* what was left out, one line each */
    size_t n_warn;
    /* the point processes the inputs made (for cl_network_input_pps) */
    struct nin_pp {
        const char *input; /* the circuit's string */
        size_t cell;
        cl_pp pp;
    } *in_pps;
    size_t n_in_pps, cap_in_pps;
    cl_status (*cell_value)(void *ctx, cl_network *net, const char *pop, uint64_t node, const char *name,
                            double *value, cl_error *err);
    void *cell_value_ctx;
    /* Blue Brain synapses (network_bbp_synapses.c) */
    uint32_t synapse_seed, minis_seed;
    int minis, gaba_rise;
    cl_bbp_run_settings bbp_globals; /* conditions.mechanisms (circuit-owned) */
    double ca;
    uint64_t *gid_off; /* per population: BlueCelluLab's global id offset */
    /* distribution over ranks (the end of this file) */
    const cl_network_comm *comm; /* NULL in one process */
    int rank, nranks;
    double remote_min_delay; /* shortest delay from a stand-in source, INFINITY if none */
    double exchange;         /* the global one (cl_network_exchange_interval) */
};

/* A failed cl_sim call: the context, then the simulation's message. */
cl_status net_simfail(cl_network *net, cl_status st, cl_error *err, const char *ctx);
/* Grow *a (elements of sz bytes, capacity *cap) to hold more than n; -1 when out of memory. */
int net_grow(void **a, size_t *cap, size_t n, size_t sz);
/* A report's file path and time layout (rows of stride steps from first, nt rows from t0). */
void net_report_layout(const cl_network *net, const nreport *R, const char *od, const char *output_dir, char *path,
                       size_t cap, size_t *stride, double *step, size_t *first, size_t *nt, double *t0);

/* The nodes of population p the options select (sel: one flag per node). */
cl_status net_select_nodes(cl_network *net, const cl_network_options *o, size_t p, unsigned char *sel,
                           cl_error *err);
/* The circuit's MOD files built and loaded, once (cl_network_options.build_mechanisms). */
cl_status net_build_mechanisms(cl_network *net, const cl_network_options *o, cl_error *err);
/* A spike of a population's results. */
typedef struct spk {
    double t;
    uint64_t node;
} spk;
/* A population's spike results: a (total spikes, malloc'd; freed here)
 * sorted by time, then node, into P->sp_nodes / sp_times. */
cl_status net_set_spikes(npop *P, spk *a, size_t total, cl_error *err);

/* network_ranks.c: whether node k of P is simulated by another rank; the
 * partition of the cells over the ranks; the run in exchange windows; the
 * reports gathered and written on rank 0. */
int net_is_remote(const cl_network *net, const npop *P, uint64_t k);
cl_status net_dist_partition(cl_network *net, const cl_network_options *o, cl_error *err);
cl_status net_dist_run(cl_network *net, cl_network_progress_fn progress, void *ctx, cl_error *err);
cl_status net_dist_write_reports(cl_network *net, const char *od, const char *output_dir, cl_error *err);

#endif
