/* Inputs of a network simulation (private to src/sim): a circuit's inputs
 * (cl_input, read through cl_circuit_ops) parsed and checked against the
 * BBP/libsonata and bmtk module definitions, then built per cell as
 * neurodamus builds them (network_inputs.c). */
#ifndef CELLULAB_SIM_NETWORK_INPUTS_H
#define CELLULAB_SIM_NETWORK_INPUTS_H

#include "cellulab_circuit.h"

/* What an input needs of each cell it is built on. */
enum { CL_NETIN_HOLDING = 1, CL_NETIN_THRESHOLD = 2, CL_NETIN_RIN = 4 };

typedef struct cl_netin cl_netin;

/* Parse and check input i of the circuit. *out is NULL for inputs that are
 * not built here (spikes: the spike-input path replays them). family_index:
 * how many earlier inputs of the same random family (noise / shot noise /
 * Ornstein-Uhlenbeck) there are, counted by the caller as neurodamus'
 * stimCount (pass the counters array of 3; it is advanced). Errors name
 * `where` (file and JSON path) and the key. */
cl_status cl_netin_parse(const cl_circuit_ops *ops, void *st, size_t i, unsigned family_count[3], cl_netin **out,
                         cl_error *err);
void cl_netin_free(cl_netin *in);
const cl_input *cl_netin_input(const cl_netin *in);
unsigned cl_netin_needs(const cl_netin *in);

/* Where on the cell (bmtk IClamp's section_name / section_index /
 * segment_x; BBP modules: the soma, x 0.5): section_name NULL = soma. */
void cl_netin_location(const cl_netin *in, const char **section_name, int *section_index, double *x);

/* The per-cell values an input may use (NAN: unknown). */
typedef struct cl_netin_cell {
    const char *pop;
    uint64_t node;
    double holding, threshold, input_resistance; /* nA, nA, MOhm */
} cl_netin_cell;

/* Build the input on one cell at sec(x); *n_made counts the point
 * processes made (0 for a module that is a no-op with these parameters,
 * as in neurodamus). If made is not NULL it receives up to cap of them. */
cl_status cl_netin_build(const cl_netin *in, cl_sim *sim, cl_section sec, double x, const cl_netin_cell *cell,
                         cl_pp *made, size_t cap, size_t *n_made, cl_error *err);

#endif
