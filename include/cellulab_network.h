/* cellulab: CircuitSimulation — a network simulation built from any circuit
 * (include/cellulab_circuit.h), talking to it only through cl_circuit_ops.
 *
 * cl_network_new instantiates the chosen cells (biophysical cells through
 * cl_cell_load_model, or cl_cell_load_template for Blue Brain hoc e-models;
 * NEURON artificial cells such as IntFire1 through
 * cl_artcell_new), VecStims replaying the spike inputs for virtual
 * populations and for presynaptic cells that are not loaded, a NetCon per
 * edge onto a loaded target (onto an Exp2Syn at the edge's afferent section
 * and position for biophysical targets, straight onto point targets with
 * bmtk's weight rule; Blue Brain edges onto their own ProbAMPANMDA_EMS /
 * ProbGABAAB_EMS / GluSynapse as BlueCelluLab builds them), current
 * clamps, spike detectors on every loaded cell and the recordings of the
 * reports. cl_network_run runs it; the results
 * are read back through the API or written as SONATA files.
 *
 * Spike inputs drive only sources that are not loaded: a loaded cell's own
 * spikes drive its targets, its rows in an input are not used.
 * Edge weights: syn_weight (BBP: conductance) times a connection
 * override's factor; for point targets times the synaptic model's "sign"
 * and the edge's nsyns (default 1). Synaptic models (Exp2Syn or the edge's
 * model_template) get every number of their dynamics_params JSON that is
 * one of their parameters (tau1, tau2, erev).
 *
 * Blue Brain edges (syn_type_id or u_syn, no model_template; onto
 * biophysical cells) are built as BlueCelluLab builds them in its
 * Random123 mode (src/sim/network_bbp_synapses.c): a ProbAMPANMDA_EMS
 * (syn_type_id >= 100) or ProbGABAAB_EMS per edge at afferent_section_id
 * (counted as the spec: soma, axon, basal, apical, whatever the
 * numbering option) and afferent_section_pos (or afferent_segment_id /
 * offset), parameters from the edge (Use scaled by the extracellular
 * calcium Hill factor), stream ids from the target's global id, the
 * synapse's index among the target's afferent edges of its population, the
 * 12-bit population ids and synapse_seed; NetCon weight = conductance times
 * a connection override's weight (0: no NetCon), delay on the dt grid;
 * optional spontaneous minis; conditions.mechanisms globals. The MOD files
 * (mod/bbp, or the originals that build-mechanisms replaces) must be
 * loaded. */
#ifndef CELLULAB_NETWORK_H_PUBLIC
#define CELLULAB_NETWORK_H_PUBLIC

#include "cellulab.h"
#include "cellulab_circuit.h"
#include "cellulab_morph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which cells to instantiate. */
typedef enum cl_network_select {
    CL_NET_DEFAULT = 0,   /* the run config's node_set, else every non-virtual node */
    CL_NET_ALL = 1,       /* every non-virtual node */
    CL_NET_NODE_SET = 2,  /* the nodes of node_set */
    CL_NET_IDS = 3,       /* ids[0..n_ids) of population */
    CL_NET_ATTRIBUTE = 4  /* nodes whose attribute equals attr_value (string) or attr_num */
} cl_network_select;

/* How an edge's afferent_section_id numbers sections (sonata.md 1.5). */
typedef enum cl_section_numbering {
    CL_SECNUM_BMTK = 0, /* index into the cell's `all` list (soma, dend, apic, axon stub), as bmtk */
    CL_SECNUM_SPEC = 1  /* the SONATA spec: soma, then axon, basal, apical sections */
} cl_section_numbering;

struct cl_network; /* cl_network, below */

/* Distribution over processes (MPI ranks) with no MPI in the library: the
 * caller supplies the two collective operations (cellulab run's
 * src/cli/run_mpi.c wraps MPI_Allgatherv / MPI_Gatherv). Every rank makes
 * the network with the same circuit and options and its own rank; each
 * builds only its share of the cells (cl_network_partition over the cells'
 * compartment counts, the same on every rank), edges from a cell of
 * another rank get a stand-in source, and cl_network_run runs in windows of
 * the shortest delay of those edges, exchanging the windows' spikes and
 * injecting the other ranks' into the stand-ins (cl_pp_inject_spike), so a
 * spike arrives at spike time + delay as it does in one process. After the
 * run every rank holds every spike (cl_network_spikes);
 * cl_network_write_outputs gathers the reports and writes the files on rank
 * 0 only. Each function must be called by every rank in the same order; a
 * rank that fails returns its error and the caller must stop all ranks
 * (MPI_Abort): the others may be waiting in a collective. */
typedef struct cl_network_comm {
    int rank, size; /* this process, and how many there are (size 1: one process) */
    void *ctx;
    /* Every rank passes n bytes; each gets all ranks' bytes, concatenated
     * in rank order, in *all (malloc'd, the caller frees; may be NULL when
     * *n_all is 0). Non-zero on failure, with a message in err. */
    cl_status (*allgather)(void *ctx, const void *data, size_t n, void **all, size_t *n_all, cl_error *err);
    /* The same, received by rank 0 only (the others get NULL, 0). */
    cl_status (*gather)(void *ctx, const void *data, size_t n, void **all, size_t *n_all, cl_error *err);
} cl_network_comm;

/* Options of cl_network_new; all-zero means the defaults. */
typedef struct cl_network_options {
    cl_network_select select;
    const char *node_set;   /* CL_NET_NODE_SET */
    const char *population; /* CL_NET_IDS */
    const uint64_t *ids;
    size_t n_ids;
    const char *attribute;  /* CL_NET_ATTRIBUTE: name, and a string value or (attr_value NULL) attr_num */
    const char *attr_value;
    double attr_num;
    /* Mechanism libraries to load (built by `cellulab build-mechanisms`). */
    const char *const *mechanisms;
    size_t n_mechanisms;
    /* 1: build the circuit's mechanisms_dir (its modfiles/ folder if there
     * is one) with cl_build_mechanisms into mechanisms_cache (NULL:
     * OUTPUT_DIR/mechanisms.so, OUTPUT_DIR from output_dir or the run
     * config) and load it, before the first biophysical cell (circuits of
     * point neurons never build). */
    int build_mechanisms;
    const char *mechanisms_cache;
    const char *output_dir;
    cl_section_numbering numbering;
    cl_soma_orientation soma; /* contour somas of the morphologies */
    /* Digits of imported 3-D points: 0 = NEURON 8.2's 8; 6 = bmtk's own
     * Import3d (the Allen example references; cl_morph_options) */
    int pt3d_digits;
    /* 1: edge populations of Blue Brain synapses (a syn_type_id and no
     * model_template) are left out, each with a warning
     * (cl_network_warning): BlueCelluLab's add_synapses=False. 0 (default):
     * they are built (ProbAMPANMDA_EMS / ProbGABAAB_EMS / GluSynapse, whose
     * MOD files must be loaded). */
    int no_bbp_synapses;
    /* Per-cell values of the inputs relative to a cell (hyperpolarizing:
     * "holding_current"; relative_linear, subthreshold, noise with
     * mean_percent, relative_shot_noise, relative_ornstein_uhlenbeck:
     * "threshold_current"; their conductance forms: "input_resistance"),
     * asked when the node's @dynamics:NAME (node_dynamics) gives none and,
     * for hoc e-models, the template's getHypAmp / getThreshold neither
     * (cl_network_cell_currents): set *value (nA, MOhm) or leave it NAN (the
     * input then fails naming the node). NULL: none. */
    cl_status (*cell_value)(void *ctx, struct cl_network *net, const char *pop, uint64_t node, const char *name,
                            double *value, cl_error *err);
    void *cell_value_ctx;
    /* Threads stepping the simulation (cl_sim_set_threads): 0 = as many as
     * the machine has cores; results are the same for every count. */
    int threads;
    /* Blue Brain synapses (edges with syn_type_id and no model_template,
     * src/sim/network_bbp_synapses.c): run.synapse_seed and
     * conditions.extracellular_calcium (mM) over the run config's (0: take
     * the run config's; calcium < 0: none, U_SE is not scaled). */
    uint32_t synapse_seed;
    double extracellular_calcium;
    /* 1: spontaneous minis on Blue Brain synapses (an InhPoissonStim per
     * synapse whose rate is a connection override's spont_minis, else the
     * target node's exc_mini_frequency / inh_mini_frequency), seeded with
     * minis_seed (0: the config's run.minis_seed). Off by default, as
     * BlueCelluLab's add_minis. */
    int minis;
    uint32_t minis_seed;
    /* ProbGABAAB_EMS rise time drawn as BlueCelluLab (cl_bbp_gaba_rise_time):
     * 0 as conditions.randomize_gaba_rise_time says (absent: drawn), 1
     * drawn, -1 not (the MOD default 0.2 ms). */
    int gaba_rise_time;
    /* Processes to share the cells with (cl_network_comm); NULL or size 1:
     * this process simulates every cell. Kept by pointer: it must outlive
     * the network. */
    const cl_network_comm *comm;
} cl_network_options;

typedef struct cl_network cl_network;

/* Build the simulation of circuit c (kept by pointer: it must outlive the
 * network). Run parameters come from the circuit's run config (tstop is
 * required; dt 0.025 ms, dL 20 µm, spike_threshold -15 mV, celsius 34 °C,
 * v_init -80 mV when it says nothing — bmtk's defaults). Spikes are
 * detected at soma(0.5), except on cells of Blue Brain e-models
 * (model_template "hoc:NAME", BBP flavour) where neurodamus and
 * BlueCelluLab detect them: soma(1), -30 mV unless the config gives
 * spike_threshold.
 *
 * Biophysical nodes: NeuroML, Allen fit and BluePyOpt models through
 * cl_cell_load_model; "hoc:NAME" through cl_cell_load_template
 * (include/cellulab_hoc.h: gid = node id, the format detected, v6
 * NeededAttributes from the node's dynamics_params, the morphology the
 * circuit resolves — for hoc: nodes alternate_morphologies neurolucida-asc
 * first, then h5v1, then morphologies_dir — and opt->soma). Errors name
 * the population, node or edge and the problem. */
cl_status cl_network_new(cl_circuit *c, const cl_network_options *opt, cl_network **out, cl_error *err);

/* Free the network, its simulation and its results (NULL allowed). */
void cl_network_free(cl_network *net);

/* The simulation underneath (for extra recordings or stimuli before the
 * run); owned by the network. */
cl_sim *cl_network_sim(cl_network *net);

/* Counts: loaded cells, VecStims replaying inputs, NetCons (one per edge
 * onto a loaded cell; an edge onto a biophysical cell also has its own
 * synapse), clamps: the point processes of the inputs (IClamps, SEClamps). */
typedef struct cl_network_counts {
    size_t cells, biophysical, point, vecstims, netcons, synapses, clamps;
    size_t edges_left_out; /* edges onto loaded cells not built (see cl_network_warning) */
    size_t remote_sources; /* stand-ins for source cells simulated by another rank (cl_network_comm) */
} cl_network_counts;
cl_network_counts cl_network_get_counts(const cl_network *net);

/* The point processes input `input` (its name in "inputs") made on a
 * loaded node: IClamps (current clamps, amp played as neurodamus plays its
 * signal vectors), SEClamps (conductance: rs played = 1/g; seclamp). Up to
 * cap of them go to pps (may be NULL); *n is how many there are (0: the
 * input is not on that node, or is a no-op there). Record their "i" with
 * cl_rec_pp. */
cl_status cl_network_input_pps(cl_network *net, const char *input, const char *pop, uint64_t node, cl_pp *pps,
                               size_t cap, size_t *n, cl_error *err);

/* Record the soma(0.5) voltage of a loaded node at every step (reports do
 * this for their nodes already). Before cl_network_run. */
cl_status cl_network_record_soma(cl_network *net, const char *pop, uint64_t node, cl_error *err);

/* The objects of a loaded node: its cell (biophysical) or its artificial
 * cell (point neurons); the other is set to {0}. CL_ENOTFOUND if the node
 * is not loaded. */
cl_status cl_network_cell(cl_network *net, const char *pop, uint64_t node, cl_cell *cell, cl_pp *artcell,
                          cl_error *err);

/* Progress: called with the simulated time and tstop about every 1 % of
 * the run; a non-zero return stops the run with CL_ESTATE. */
typedef int (*cl_network_progress_fn)(double t, double tstop, void *ctx);

/* Initialise and run to tstop. */
cl_status cl_network_run(cl_network *net, cl_network_progress_fn progress, void *ctx, cl_error *err);

/* The spikes of the loaded cells of population pop after the run, sorted by
 * time then node id: node ids and times (ms), owned by the network. */
cl_status cl_network_spikes(cl_network *net, const char *pop, const uint64_t **nodes, const double **times,
                            size_t *n, cl_error *err);

/* The populations with loaded cells (for cl_network_spikes). */
size_t cl_network_population_count(const cl_network *net);
const char *cl_network_population_name(const cl_network *net, size_t i);

/* A node's soma(0.5) voltage after the run: one sample per step from t = 0
 * (n = steps + 1). Needs a report or cl_network_record_soma. */
cl_status cl_network_soma_trace(cl_network *net, const char *pop, uint64_t node, const double **v, size_t *n,
                                cl_error *err);

/* Write the results as SONATA files into output_dir (NULL: the run
 * config's): the spikes file (run config's spikes_file, else
 * OUTPUT_DIR/spikes.h5; no file when no cell is loaded) and each report
 * (its file_name, else OUTPUT_DIR/NAME.h5): sections "soma" (soma(0.5),
 * rows every report dt from start_time) or "all" (every segment centre,
 * element ids = section numbers of the circuit's numbering); a report
 * holds one population. Each file is written under a temporary name and
 * renamed when complete. */
cl_status cl_network_write_outputs(cl_network *net, const char *output_dir, cl_error *err);

/* ---- Blue Brain synapse rules (BlueCelluLab's Random123 mode, as
 * neurodamus) — the pieces a caller can check by hand ---- */

/* A population's 12-bit id for synapse seeds: bytes 0 and 1 of the MD5 of
 * its name, ((b1 & 0x0f) << 8) + b0. */
uint32_t cl_bbp_population_id(const char *name);

/* The MD5 digest of n bytes (RFC 1321), for cl_bbp_population_id. */
void cl_bbp_md5(const void *data, size_t n, unsigned char digest[16]);

/* An edge's delay on the dt grid: trunc(delay / dt + 1e-5) * dt. */
double cl_bbp_round_delay(double delay, double dt);

/* The factor on U_SE at extracellular calcium ca (mM) for a synapse with
 * u_hill_coefficient k: (k^4 + 16) / 16 * ca^4 / (k^4 + ca^4), so 1 at
 * ca = 2 mM; 1 when ca <= 0 (no calcium given) or k is NaN (absent). */
double cl_bbp_u_scale(double k, double ca);

/* The Random123 stream ids (setRNG) of a ProbAMPANMDA_EMS/ProbGABAAB_EMS
 * synapse: post_gid + 251, sid + 100, src_popid * 65536 + tgt_popid +
 * synapse_seed + 300 (post_gid counted from 0, sid: the synapse's index
 * among its cell's afferent edges of that edge population). */
void cl_bbp_synapse_ids(uint64_t post_gid, uint64_t sid, uint32_t src_popid, uint32_t tgt_popid,
                        uint32_t synapse_seed, double ids[3]);

/* tau_r_GABAA (ms) as BlueCelluLab draws it: hoc Random.Random123(post_gid
 * + 250, sid + 100, src_popid * 65536 + tgt_popid + synapse_seed + 450),
 * lognormal(0.2, 0.1), repick() — the second value of libg++'s polar
 * normal pair on nrnran123 uniforms, exponentiated (NEURON 8.2);
 * globalindex: Random123's global index. */
double cl_bbp_gaba_rise_time(uint64_t post_gid, uint64_t sid, uint32_t src_popid, uint32_t tgt_popid,
                             uint32_t synapse_seed, unsigned globalindex);

/* The stream ids (setRNGs) of a mini's InhPoissonStim, exponential then
 * uniform stream: sid + 200, node + 250, s + 300 and sid + 200, node + 250,
 * s + 350 with s = src_popid * 65536 + tgt_popid + minis_seed (node: the
 * target's node id in its population). */
void cl_bbp_minis_ids(uint64_t node, uint64_t sid, uint32_t src_popid, uint32_t tgt_popid, uint32_t minis_seed,
                      double ids[6]);
/* What cl_network_new left out (e.g. the BBP synapses of an edge
 * population, with the number of edges), one line each, owned by the
 * network; the CLI prints them as warnings. */
size_t cl_network_warning_count(const cl_network *net);
const char *cl_network_warning(const cl_network *net, size_t i);

/* A loaded biophysical node's e-model currents (nA), for inputs that scale
 * with them (BBP's hyperpolarizing = holding current, relative current
 * clamps = % of threshold): the node's dynamics_params threshold_current /
 * holding_current, else its hoc template's getThreshold() / getHypAmp();
 * NAN when neither gives one (and for cells that are not hoc templates). */
cl_status cl_network_cell_currents(cl_network *net, const char *pop, uint64_t node, double *threshold_nA,
                                   double *holding_nA, cl_error *err);

/* ---- distribution over ranks (cl_network_comm) ---- */

/* Share n cells of cost[i] (compartments; finite, >= 0) among nranks
 * ranks, balanced by total cost and the same on every rank: the costliest
 * cell first (equal costs: lower index first), each to the rank with the
 * least total so far (equal totals: the lower rank). owner[i] gets cell
 * i's rank; load (NULL, or nranks entries) each rank's total. */
cl_status cl_network_partition(const double *cost, size_t n, int nranks, int *owner, double *load, cl_error *err);

/* Where a node of the network is simulated: *rank gets its rank (0 in one
 * process), -1 when no rank simulates it (virtual, or not selected). */
cl_status cl_network_node_rank(const cl_network *net, const char *pop, uint64_t node, int *rank, cl_error *err);

/* The shortest delay (ms) of the connections from cells of other ranks onto
 * this rank's cells, over all ranks: the length of the run's exchange
 * windows (rounded down to whole steps); INFINITY when there are none. Set
 * by cl_network_run. */
double cl_network_exchange_interval(const cl_network *net);

#ifdef __cplusplus
}
#endif
#endif
