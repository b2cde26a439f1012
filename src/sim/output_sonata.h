/* Simulation outputs in SONATA layout (libsonata's reading of the spec):
 * spike files and compartment/soma reports. Each file is written under a
 * temporary name in the same folder (PATH.tmp-XXXXXX) and renamed to PATH
 * only when complete, so a failed or aborted run never leaves a file that
 * looks whole. Errors put "PATH: /dataset: problem" into err (errlen bytes,
 * err may be NULL). HDF5's own error printing is silenced during each call. */
#ifndef CELLULAB_OUTPUT_SONATA_H
#define CELLULAB_OUTPUT_SONATA_H

#include <stddef.h>
#include <stdint.h>

/* Write a spike file with one group /spikes/<pops[p]> per population:
 * timestamps (float64, attribute units="ms") and node_ids (uint64), counts[p]
 * spikes each (node_ids[p]/times[p] may be NULL when counts[p] is 0). The
 * group attribute "sorting" is an HDF5 enum over int8 {none=0, by_id=1,
 * by_time=2}, as libsonata reads it; the root carries magic (uint32 0x0A7A)
 * and version (uint32[2] {0, 1}). sort: "by_time" (ties by node id; NULL
 * means this), "by_id" (ties by time) or "none" (input order); sorting is
 * stable, the inputs are not changed. Refused: no population, an empty or
 * repeated population name or one containing '/', a time that is NaN or
 * infinite, an unknown sort. Returns 0, or -1 with a message. */
int cl_sonata_write_spikes(const char *path, size_t npop, const char *const *pops,
                           const uint64_t *const *node_ids, const double *const *times,
                           const size_t *counts, const char *sort, char *err, size_t errlen);

/* A compartment (or soma) report being written, one time row at a time. */
typedef struct cl_report_writer cl_report_writer;

/* Start a report of population pop at path: /report/<pop>/mapping gets
 * node_ids (uint64, n_nodes), index_pointers (uint64, n_nodes + 1: node i's
 * values are columns index_pointers[i] .. index_pointers[i+1]-1), element_ids
 * (uint32 section ids, one per value), element_pos (float32, one per value;
 * omitted when NULL) and time = [tstart, tstop, dt] (float64, units "ms",
 * right end open); /report/<pop>/data (float32, N_time x N_values, attribute
 * units) grows by cl_report_append. index_pointers must start at 0, never
 * decrease and end at N_values > 0; tstart, tstop and dt must be finite with
 * dt > 0 and tstop >= tstart; units NULL means "mV". Returns NULL with a
 * message on failure (nothing is left behind). */
cl_report_writer *cl_report_open(const char *path, const char *pop, const uint64_t *node_ids,
                                 size_t n_nodes, const uint64_t *index_pointers,
                                 const uint32_t *element_ids, const float *element_pos,
                                 double tstart, double tstop, double dt, const char *units,
                                 char *err, size_t errlen);

/* Append one time row of N_values doubles, stored as float32. Rows are
 * buffered and written in blocks. Returns 0, or -1 with a message in the
 * writer (cl_report_errmsg); after a failure only abort is useful. */
int cl_report_append(cl_report_writer *w, const double *row);

/* The writer's last error message ("" if none). */
const char *cl_report_errmsg(const cl_report_writer *w);

/* Number of rows appended so far. */
size_t cl_report_rows(const cl_report_writer *w);

/* Finish: write the buffered rows, close the file and rename it to its path.
 * Frees w whatever happens; on failure the temporary file is removed and the
 * message goes to err. Returns 0 or -1. */
int cl_report_close(cl_report_writer *w, char *err, size_t errlen);

/* Give up: close and remove the temporary file, free w (NULL is fine). */
void cl_report_abort(cl_report_writer *w);

#endif
