/* SONATA output files of the network simulation (spikes and soma reports).
 * A small writer of our own until src/sim/output_sonata.h lands; the
 * network calls only these two functions, so the writers can be swapped. */
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

/* /spikes/<pop>/{timestamps, node_ids}, sorting = by_time (HDF5 enum, as
 * libsonata reads it), written to a temporary name and renamed. */
cl_status net_write_spikes(const char *path, const net_spikes_pop *pops, size_t n_pops, cl_error *err);

typedef struct net_report_pop {
    const char *name;
    const uint64_t *nodes;
    size_t n_nodes;
    const float *data; /* n_times x n_nodes, row-major */
    size_t n_times;
    double tstart, tstop, dt;
    const char *variable;
} net_report_pop;

/* /report/<pop>/{data, mapping/{node_ids, index_pointers, element_ids,
 * element_pos, time}}: one soma element per node; atomic like the spikes. */
cl_status net_write_report(const char *path, const net_report_pop *pops, size_t n_pops, cl_error *err);

#endif
