/* cellulab: CircuitAccess — everything a network simulation needs from a
 * circuit, behind one interface (a table of functions plus opaque state),
 * so that the simulation never depends on a file format. SONATA (both the
 * Allen/bmtk and the BBP/libsonata flavour) is the first implementation;
 * cl_circuit_new wraps any other, e.g. an in-memory circuit in a test.
 *
 * Nodes are (population, node id); edges are (edge population, edge id),
 * ids counted from 0 in file order. Strings a circuit returns are owned by
 * it and stay valid until cl_circuit_free. Arrays it returns through
 * `uint64_t **` / `double **` out-parameters are malloc'd for the caller,
 * who frees them with free(). Every call returns a status and, on failure,
 * a message in err naming the file, the place (JSON path, HDF5 dataset,
 * CSV line) and the problem. */
#ifndef CELLULAB_CIRCUIT_H_PUBLIC
#define CELLULAB_CIRCUIT_H_PUBLIC

#include <stddef.h>
#include <stdint.h>

#include "cellulab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An attribute value: a number, a string, or nothing (absent / NULL in a
 * types CSV). Integer attributes come as numbers; @library enumerations as
 * their strings. */
typedef enum cl_value_kind { CL_VALUE_NONE = 0, CL_VALUE_NUMBER = 1, CL_VALUE_STRING = 2 } cl_value_kind;
typedef struct cl_value {
    cl_value_kind kind;
    double num;
    const char *str; /* owned by the circuit */
} cl_value;

/* Where a node's cell comes from, with paths resolved (components dirs,
 * manifest, the node's own attributes over its type's). Strings may be NULL
 * when the circuit does not give them. */
typedef struct cl_node_model {
    const char *model_type;       /* "biophysical", "point_process", "point_neuron", "virtual", ... */
    const char *model_template;   /* as written, e.g. "nml:Cell_472363762.cell.nml", "nrn:IntFire1", "hoc:cADpyr" */
    const char *template_path;    /* the template's resource as a file path (NULL for nrn:, or when not a file) */
    const char *model_processing; /* e.g. "aibs_perisomatic" */
    const char *morphology;       /* the morphology file (resolved, with its extension) */
    const char *h5_cell;          /* the cell's name inside an HDF5 container, else NULL */
    const char *dynamics_params;  /* the dynamics_params JSON file (resolved), else NULL */
} cl_node_model;

/* The run as a simulation config describes it; NAN/NULL where it says
 * nothing (the simulation then uses its defaults). */
typedef struct cl_run_config {
    double tstart, tstop, dt, dL, spike_threshold, celsius, v_init;
    const char *node_set;    /* what to simulate, NULL: everything */
    const char *output_dir;  /* resolved */
    const char *spikes_file; /* resolved (inside output_dir unless absolute) */
    const char *spikes_sort_order; /* "by_time", "by_id", "none" */
} cl_run_config;

/* A current-clamp input (bmtk IClamp module; BBP "linear" with the same
 * meaning): amp nA from delay for duration ms, at each node of node_set,
 * at soma(0.5) unless section_name/segment_x say otherwise. */
typedef struct cl_current_clamp {
    const char *name;      /* the input's key in "inputs" */
    const char *node_set;
    double amp, delay, duration;
    const char *section_name; /* NULL: the soma */
    int section_index;
    double segment_x;
} cl_current_clamp;

/* A report (bmtk membrane_report; BBP compartment/soma): variable_name of
 * the nodes of node_set ("cells"), sections "soma", "axon", "dend", "apic"
 * or "all" (element ids: the sections' numbers in the cell), every dt
 * between start_time and end_time, into file_name (resolved). */
typedef struct cl_report_config {
    const char *name, *node_set, *variable_name, *sections, *file_name;
    double dt, start_time, end_time;
    /* "center" (one value per section, at x = 0.5) or "all" (every
     * segment centre); NULL: libsonata's default, "center" for the soma
     * and "all" for the other section kinds */
    const char *compartments;
} cl_report_config;

/* connection_overrides entry: for edges from source to target node sets. */
typedef struct cl_connection_override {
    const char *name, *source, *target;
    double weight;  /* a factor; NAN when absent */
    double delay;   /* ms; NAN when absent */
    double spont_minis; /* Hz of spontaneous minis (BBP); NAN when absent (0: none) */
    const char *synapse_configure; /* BBP hoc statements on "%s" (the synapse); NULL if none */
    /* BBP: the NetCon delay (ms) of the synapses, replacing the edge's
     * rounded delay when this is the last matching block; NAN or 0 when
     * absent */
    double synapse_delay_override;
} cl_connection_override;

/* Any input of the simulation config's "inputs" (every input_type and
 * module: spikes, BBP/libsonata current_clamp / conductance / voltage_clamp
 * modules, bmtk IClamp, ...), described generically: the fields every
 * input has, the rest read by key with the circuit's input_param op. The
 * simulation decides what it can build and refuses the rest (naming
 * `where`). Strings are owned by the circuit. */
typedef struct cl_input {
    const char *name;       /* the input's key in "inputs" */
    const char *module;     /* e.g. "linear", "hyperpolarizing", "IClamp"; NULL if not given */
    const char *input_type; /* "current_clamp", "conductance", "voltage_clamp", "spikes", ...; NULL if not given */
    const char *node_set;   /* NULL: every node */
    double delay, duration; /* ms; NAN when absent (or not a number: input_param says what it is) */
    const char *where;      /* for messages: "FILE: $.inputs.NAME" (never NULL) */
    /* run.stimulus_seed of the config (neurodamus' StimulusSeed, which
     * seeds the noise inputs; libsonata's default 0); NAN if none */
    double run_seed;
} cl_input;
/* Blue Brain run settings: run.synapse_seed, run.minis_seed,
 * conditions.extracellular_calcium (mM) and
 * conditions.randomize_gaba_rise_time (1 true, 0 false); NAN where the
 * config is silent. */
typedef struct cl_bbp_run_settings {
    double synapse_seed, minis_seed, extracellular_calcium, randomize_gaba_rise_time;
    /* conditions.mechanisms {SUFFIX: {VAR: value}}: n globals "VAR_SUFFIX"
     * (booleans as 1/0), owned by the circuit */
    size_t n_globals;
    const char *const *global_names;
    const double *global_values;
    const char *spike_location; /* conditions.spike_location ("soma", "AIS"), NULL if absent */
    /* run.random_seed: neurodamus' BaseSeed, which BlueCelluLab and
     * neurodamus make the Random123 global index of every stream; NAN if absent */
    double random_seed;
} cl_bbp_run_settings;

/* conditions.modifications entry (Blue Brain): type "ttx" (block sodium:
 * TTXDynamicsSwitch in every section), "configure_all_sections",
 * "section_list" or "section" (section_configure: statements such as
 * "%s.gnabar_hh *= 0.5", "apical.cm = 2" or "apic[10].e_pas = -70") on the
 * cells of node_set. Strings owned by the circuit; where names the entry
 * for messages ("FILE: $.conditions.modifications[i]"). */
typedef struct cl_modification {
    const char *name, *type, *node_set;
    const char *section_configure; /* NULL for ttx */
    const char *where;
} cl_modification;

/* The functions an implementation provides; state is its own. NULL
 * entries mean "not available" (the wrappers then fail with a message). */
typedef struct cl_circuit_ops {
    /* node populations */
    size_t (*node_population_count)(void *state);
    const char *(*node_population_name)(void *state, size_t i);
    cl_status (*node_population_size)(void *state, const char *pop, uint64_t *n, cl_error *err);
    /* the names of the attributes of a population (group datasets and CSV
     * columns), for listing; *names is malloc'd, the strings are not */
    cl_status (*node_attribute_names)(void *state, const char *pop, const char ***names, size_t *n,
                                      cl_error *err);
    cl_status (*node_attribute)(void *state, const char *pop, const char *attr, uint64_t node, cl_value *out,
                                cl_error *err);
    /* a per-node dynamics_params/<name> override, CL_VALUE_NONE if absent */
    cl_status (*node_dynamics)(void *state, const char *pop, const char *name, uint64_t node, cl_value *out,
                               cl_error *err);
    cl_status (*node_model)(void *state, const char *pop, uint64_t node, cl_node_model *out, cl_error *err);
    /* node sets: the sorted ids of pop in set name (empty if none) */
    cl_status (*node_set)(void *state, const char *name, const char *pop, uint64_t **ids, size_t *n,
                          cl_error *err);
    size_t (*node_set_count)(void *state);
    const char *(*node_set_name)(void *state, size_t i);
    /* edge populations */
    size_t (*edge_population_count)(void *state);
    const char *(*edge_population_name)(void *state, size_t i);
    cl_status (*edge_population_info)(void *state, const char *epop, const char **source_pop,
                                      const char **target_pop, uint64_t *n_edges, cl_error *err);
    /* the edges onto target node, sorted by edge id */
    cl_status (*afferent_edges)(void *state, const char *epop, uint64_t target, uint64_t **edges, size_t *n,
                                cl_error *err);
    cl_status (*edge_source)(void *state, const char *epop, uint64_t edge, uint64_t *source, cl_error *err);
    /* edge attributes by name, group dataset over types CSV ("syn_weight",
     * "delay", "afferent_section_id" / "sec_id", "afferent_section_pos" /
     * "sec_x", "model_template", "nsyns", ...) */
    cl_status (*edge_attribute)(void *state, const char *epop, const char *attr, uint64_t edge, cl_value *out,
                                cl_error *err);
    /* the edge's dynamics_params JSON (synaptic model), resolved; NULL if none */
    cl_status (*edge_dynamics_params)(void *state, const char *epop, uint64_t edge, const char **path,
                                      cl_error *err);
    /* external spike inputs (simulation config "inputs" of type spikes):
     * input i's spikes as (population, node id, time) rows */
    size_t (*spike_input_count)(void *state);
    cl_status (*spike_input)(void *state, size_t i, const char **pop, uint64_t **nodes, double **times,
                             size_t *n, cl_error *err);
    /* the simulation config, when the circuit was opened with one */
    cl_status (*run_config)(void *state, cl_run_config *out, cl_error *err);
    size_t (*current_clamp_count)(void *state);
    cl_status (*current_clamp)(void *state, size_t i, cl_current_clamp *out, cl_error *err);
    size_t (*report_count)(void *state);
    cl_status (*report)(void *state, size_t i, cl_report_config *out, cl_error *err);
    size_t (*connection_override_count)(void *state);
    cl_status (*connection_override)(void *state, size_t i, cl_connection_override *out, cl_error *err);
    /* the MOD-file folder of the circuit (components.mechanisms_dir), NULL if none */
    const char *(*mechanisms_dir)(void *state);
    void (*free)(void *state);
    /* the names of the per-node dynamics_params of a population (SONATA
     * @dynamics:NAME datasets, e.g. BBP's AIS_scaler, threshold_current,
     * holding_current), for hoc: templates that need them; *names is
     * malloc'd, the strings are not. NULL: none. */
    cl_status (*node_dynamics_names)(void *state, const char *pop, const char ***names, size_t *n, cl_error *err);
    /* every input of the config, in file order (spikes included); a
     * parameter by key: a number (JSON true/false as 1/0), a string, or
     * CL_VALUE_NONE when absent or null; CL_EFORMAT (naming the JSON path)
     * when the value is an array or object (input_param_array reads
     * arrays of numbers: *vals malloc'd for the caller, n = 0 if absent) */
    size_t (*input_count)(void *state);
    cl_status (*input)(void *state, size_t i, cl_input *out, cl_error *err);
    cl_status (*input_param)(void *state, size_t i, const char *key, cl_value *out, cl_error *err);
    cl_status (*input_param_array)(void *state, size_t i, const char *key, double **vals, size_t *n,
                                   cl_error *err);
    /* Blue Brain runs: seeds and conditions of the simulation config */
    cl_status (*bbp_run_settings)(void *state, struct cl_bbp_run_settings *out, cl_error *err);
    /* conditions.modifications, in file order */
    size_t (*modification_count)(void *state);
    cl_status (*modification)(void *state, size_t i, cl_modification *out, cl_error *err);
} cl_circuit_ops;

typedef struct cl_circuit cl_circuit;

/* Wrap an implementation: ops (kept by pointer: it must outlive the
 * circuit) and state (freed by ops->free in cl_circuit_free). */
cl_status cl_circuit_new(const cl_circuit_ops *ops, void *state, cl_circuit **out, cl_error *err);

/* Open a SONATA circuit: a circuit_config.json, a simulation_config.json
 * (its "network" names the circuit) or a config.json holding both. */
cl_status cl_circuit_open_sonata(const char *config_path, cl_circuit **out, cl_error *err);

void cl_circuit_free(cl_circuit *c);

/* The implementation behind a circuit; simulation code calls these through
 * cl_circuit_ops (a NULL entry means the circuit does not offer it). */
const cl_circuit_ops *cl_circuit_get_ops(const cl_circuit *c);
void *cl_circuit_get_state(const cl_circuit *c);

#ifdef __cplusplus
}
#endif
#endif
