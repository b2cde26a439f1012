/* SONATA output files of the network simulation (spikes and soma reports).
 * An adapter over src/sim/output_sonata.h: the network calls only these
 * two functions. */
#ifndef CELLULAB_NETWORK_OUTPUT_H
#define CELLULAB_NETWORK_OUTPUT_H

#include <stddef.h>
#include <stdint.h>

#include "cellulab.h"

typedef struct net_spikes_pop {
    const char *name;
    const uint64_t *nodes;
    const double *times; /* sorted by time */
    size_t n;
} net_spikes_pop;

/* /spikes/<pop>/{timestamps, node_ids}; sort "by_time" (NULL, or bmtk's
 * "time"), "by_id" ("id") or "none"; written to a temporary name and
 * renamed. No population: no file. */
cl_status net_write_spikes(const char *path, const net_spikes_pop *pops, size_t n_pops, const char *sort,
                           cl_error *err);

typedef struct net_report_pop {
    const char *name;
    const uint64_t *nodes;
    size_t n_nodes;
    const uint64_t *index_pointers; /* n_nodes + 1: node i's values are columns [i], [i+1]) */
    const uint32_t *element_ids;    /* per value: the section number */
    const float *element_pos;       /* per value: the segment's x */
    size_t n_values;
    const double *data; /* n_times x n_values, row-major (stored as float32) */
    size_t n_times;
    double tstart, tstop, dt;
    const char *variable;
} net_report_pop;

/* A compartment or soma report of one population: /report/<pop>/{data,
 * mapping/{node_ids, index_pointers, element_ids, element_pos, time}};
 * atomic like the spikes. */
cl_status net_write_report(const char *path, const net_report_pop *pop, cl_error *err);

/* Frees the arrays of pops[0 .. n) that their builder allocated (nodes,
 * index_pointers, element_ids, element_pos, data; not the names). */
void net_report_pops_free(net_report_pop *pops, size_t n);

#endif
