/* cellulab: an in-memory circuit — a CircuitAccess implementation built
 * through function calls instead of files. Tests use it to drive the
 * network simulation without SONATA, which proves that the simulation talks
 * to circuits only through cl_circuit_ops.
 *
 * Build it with cl_memcircuit_new and the add/set calls, then hand it over
 * with cl_memcircuit_to_circuit (the circuit owns it from then on). Strings
 * are copied. Every call returns a status and, on failure, a message in err. */
#ifndef CELLULAB_MEMCIRCUIT_H_PUBLIC
#define CELLULAB_MEMCIRCUIT_H_PUBLIC

#include "cellulab_circuit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cl_memcircuit cl_memcircuit;

/* An empty circuit: no populations, no run config (all NAN/NULL). */
cl_status cl_memcircuit_new(cl_memcircuit **out, cl_error *err);

/* Free a circuit that was not handed over (NULL allowed). */
void cl_memcircuit_free(cl_memcircuit *mc);

/* A node population of n nodes (ids 0..n-1), every node with model m
 * (copied; its strings may be NULL). Names must be unique. */
cl_status cl_memcircuit_add_population(cl_memcircuit *mc, const char *name, uint64_t n, const cl_node_model *m,
                                       cl_error *err);

/* A node attribute (e.g. "mtype"): a number or a string (value NULL: none). */
cl_status cl_memcircuit_set_attribute_num(cl_memcircuit *mc, const char *pop, uint64_t node, const char *attr,
                                          double value, cl_error *err);
cl_status cl_memcircuit_set_attribute_str(cl_memcircuit *mc, const char *pop, uint64_t node, const char *attr,
                                          const char *value, cl_error *err);

/* A per-node dynamics_params override (what node_dynamics returns). */
cl_status cl_memcircuit_set_dynamics(cl_memcircuit *mc, const char *pop, uint64_t node, const char *name,
                                     double value, cl_error *err);

/* A node set: the ids of pop (sorted and deduplicated here). Adding the
 * same name for another population extends the set. */
cl_status cl_memcircuit_add_node_set(cl_memcircuit *mc, const char *name, const char *pop, const uint64_t *ids,
                                     size_t n, cl_error *err);

/* An edge population from source_pop to target_pop (both must exist). */
cl_status cl_memcircuit_add_edge_population(cl_memcircuit *mc, const char *name, const char *source_pop,
                                            const char *target_pop, cl_error *err);

/* An edge source -> target; its id (counted from 0 in the population) goes
 * to *edge_id (may be NULL). dynamics_params: the synaptic model JSON file
 * (may be NULL). */
cl_status cl_memcircuit_add_edge(cl_memcircuit *mc, const char *epop, uint64_t source, uint64_t target,
                                 const char *dynamics_params, uint64_t *edge_id, cl_error *err);

/* An edge attribute ("syn_weight", "delay", "afferent_section_id", ...). */
cl_status cl_memcircuit_set_edge_num(cl_memcircuit *mc, const char *epop, uint64_t edge, const char *attr,
                                     double value, cl_error *err);
cl_status cl_memcircuit_set_edge_str(cl_memcircuit *mc, const char *epop, uint64_t edge, const char *attr,
                                     const char *value, cl_error *err);

/* A spike input: n rows (pop's node ids[i] fires at times[i] ms). */
cl_status cl_memcircuit_add_spike_input(cl_memcircuit *mc, const char *pop, const uint64_t *nodes,
                                        const double *times, size_t n, cl_error *err);

/* The run config (copied; NAN/NULL fields: not given). */
cl_status cl_memcircuit_set_run_config(cl_memcircuit *mc, const cl_run_config *rc, cl_error *err);

/* Inputs, reports and overrides (copied). */
cl_status cl_memcircuit_add_current_clamp(cl_memcircuit *mc, const cl_current_clamp *cc, cl_error *err);
cl_status cl_memcircuit_add_report(cl_memcircuit *mc, const cl_report_config *r, cl_error *err);
cl_status cl_memcircuit_add_connection_override(cl_memcircuit *mc, const cl_connection_override *o,
                                                cl_error *err);

/* A generic input (cellulab_circuit.h cl_input; strings copied; where NULL:
 * "memory circuit: input \"NAME\""). Its index among the circuit's inputs
 * (the current clamps come first, as bmtk IClamp inputs) goes to *index
 * (may be NULL); its parameters are set by key with the calls below (a
 * later call with the same key replaces the value). */
cl_status cl_memcircuit_add_input(cl_memcircuit *mc, const cl_input *in, size_t *index, cl_error *err);
cl_status cl_memcircuit_set_input_num(cl_memcircuit *mc, size_t index, const char *key, double value, cl_error *err);
cl_status cl_memcircuit_set_input_str(cl_memcircuit *mc, size_t index, const char *key, const char *value,
                                      cl_error *err);
cl_status cl_memcircuit_set_input_array(cl_memcircuit *mc, size_t index, const char *key, const double *vals,
                                        size_t n, cl_error *err);

/* The MOD-file folder the circuit names (NULL: none). */
cl_status cl_memcircuit_set_mechanisms_dir(cl_memcircuit *mc, const char *dir, cl_error *err);

/* Hand the circuit over: *out wraps it (cl_circuit_free frees both). On
 * failure mc is freed too. */
cl_status cl_memcircuit_to_circuit(cl_memcircuit *mc, cl_circuit **out, cl_error *err);

#ifdef __cplusplus
}
#endif
#endif
