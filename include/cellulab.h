/*
 * cellulab — simulate morphologically detailed neurons with NEURON's numbers.
 *
 * The public C API. One opaque object, cl_sim, owns everything: cells,
 * sections, mechanisms, point processes, connections, recordings. Freeing it
 * frees them all. Everything else is named by a small typed handle that every
 * call checks: a handle from another simulation, a deleted object or a
 * made-up value is reported as an error, never dereferenced.
 *
 * Every fallible call returns a cl_status. On failure, cl_sim_errmsg() says
 * which argument was wrong, its value, and what was expected.
 *
 * Conventions (for language bindings): no varargs; handles are structs
 * holding one uint64_t; arrays cross the boundary as pointer + length;
 * strings are NUL-terminated UTF-8 and are copied by the library.
 *
 * Units follow NEURON: ms, mV, µm, nA, µS, Ω·cm, µF/cm², S/cm², mA/cm².
 *
 * The shortest program (BlueCelluLab's headline example):
 *
 *     cl_sim *sim; cl_cell cell; cl_stim stim;
 *     const double *t, *v; size_t n;
 *     cl_sim_new(&sim);
 *     cl_cell_ballstick(sim, &cell);
 *     cl_cell_add_step(sim, cell, 5.0, 20.0, 0.5, &stim);
 *     cl_sim_run(sim, 25.0);
 *     cl_cell_get_time(sim, cell, &t, &n);
 *     cl_cell_get_soma_voltage(sim, cell, &v, &n);
 *     cl_sim_free(sim);
 */
#ifndef CELLULAB_H
#define CELLULAB_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CELLULAB_VERSION "0.1.0"

/* ---- status ------------------------------------------------------------ */

typedef enum cl_status {
    CL_OK = 0,
    CL_EINVAL = 1,   /* an argument is out of range, NaN, or of the wrong kind */
    CL_EHANDLE = 2,  /* a handle is stale, foreign or was never valid */
    CL_ENOTFOUND = 3,/* a name (section, mechanism, variable) does not exist */
    CL_ESTATE = 4,   /* the call is not allowed in the simulation's current state */
    CL_ENOMEM = 5,   /* out of memory */
    CL_EIO = 6,      /* a file could not be read or written */
    CL_EFORMAT = 7   /* a file is malformed */
} cl_status;

/* A short constant description of a status code ("invalid argument", ...). */
const char *cl_strerror(cl_status status);

/* The message of a failed call that has no simulation (may be passed as
 * NULL where it is an argument). */
typedef struct cl_error { char msg[512]; } cl_error;

/* ---- handles ----------------------------------------------------------- */

typedef struct cl_sim cl_sim;
typedef struct cl_cell { uint64_t id; } cl_cell;       /* a cell: a tree of sections */
typedef struct cl_section { uint64_t id; } cl_section; /* one unbranched cable */
typedef struct cl_pp { uint64_t id; } cl_pp;           /* a point process or artificial cell */
typedef struct cl_netcon { uint64_t id; } cl_netcon;   /* a connection carrying spikes */
typedef struct cl_rec { uint64_t id; } cl_rec;         /* a recording of one variable */
typedef cl_pp cl_stim;                                  /* a stimulus is a point process */

/* ---- simulation -------------------------------------------------------- */

/* Create an empty simulation with BlueCelluLab's defaults: dt 0.025 ms,
 * celsius 34 °C, v_init -65 mV. *out is set to NULL on failure. */
cl_status cl_sim_new(cl_sim **out);

/* Free a simulation and everything it owns. NULL is allowed. */
void cl_sim_free(cl_sim *sim);

/* The message of the last failed call on this simulation ("" if none). The
 * pointer stays valid until the next call on the simulation. */
const char *cl_sim_errmsg(const cl_sim *sim);

/* Fixed time step in ms (> 0, finite). Takes effect at the next cl_sim_run. */
cl_status cl_sim_set_dt(cl_sim *sim, double dt);
double cl_sim_dt(const cl_sim *sim);

/* Temperature in °C used by temperature-dependent mechanisms (finite). */
cl_status cl_sim_set_celsius(cl_sim *sim, double celsius);
double cl_sim_celsius(const cl_sim *sim);

/* Physical constants: 0 (the default) NEURON 8.2's CODATA 2018 values; 1
 * NEURON 7's, what NEURON 8's h.nrnunit_use_legacy(1) restores: FARADAY
 * 96485.309 and R 8.3134 in the ions' Nernst potentials, and in compiled MOD
 * files the legacy value of each UNITS constant (FARADAY = (faraday)
 * (coulomb) gives 96485.3, R = (k-mole) (joule/degC) 8.3145). Per
 * simulation; may change at any time, takes effect at the next
 * initialisation or step (as in NEURON, rate tables already built are not
 * rebuilt). Other values: CL_EINVAL. */
cl_status cl_sim_set_legacy_units(cl_sim *sim, int legacy);
int cl_sim_legacy_units(const cl_sim *sim); /* -1 for a NULL sim */

/* The Random123 global index of this simulation, NEURON's
 * Random123_globalindex (nrnran123_set_globalindex): the first key word of
 * every RANDOM stream of its compiled MOD files (cellulab_mech.h,
 * cl_ran123_*). 0 by default; gix is truncated (0 <= gix < 2^32, else
 * CL_EINVAL). Per simulation; takes effect at the next draw, so set it
 * before initialising, as NEURON's documentation advises. */
cl_status cl_sim_set_random123_globalindex(cl_sim *sim, double gix);
unsigned int cl_sim_random123_globalindex(const cl_sim *sim); /* 0 for a NULL sim */

/* Threads stepping this simulation: its cells (independent trees of
 * sections) are split into n groups of about equal compartment counts, each
 * stepped by one thread of a pool the simulation owns (started at the first
 * step that needs it, joined by cl_sim_free or the next change of n). Events,
 * spike detection and recordings stay on the calling thread, so results are
 * bit-identical for every n. n = 0: one thread per core this process may
 * use (sched_getaffinity, else sysconf); 1 (the default): no worker thread.
 * A simulation never uses more threads than it has cells. Takes effect at
 * the next step; n < 0 or n > 1024: CL_EINVAL. */
cl_status cl_sim_set_threads(cl_sim *sim, int n);
/* The thread count set (0: all cores), -1 for a NULL sim. */
int cl_sim_threads(const cl_sim *sim);

/* Membrane potential every node starts from at initialisation, in mV. */
cl_status cl_sim_set_v_init(cl_sim *sim, double v_init);
double cl_sim_v_init(const cl_sim *sim);

/* Set a mechanism global such as "usetable_hh" (1: hh uses its rate table,
 * NEURON's default; 0: exact rates), "celsius" or "dt". */
cl_status cl_sim_set_global(cl_sim *sim, const char *name, double value);
cl_status cl_sim_get_global(cl_sim *sim, const char *name, double *out);

/* Initialise (NEURON's finitialize(v_init)) and advance to tstop ms, taking
 * round(tstop/dt) steps exactly as NEURON's stdinit() + continuerun(tstop).
 * Recordings are cleared and restart at t = 0. */
cl_status cl_sim_run(cl_sim *sim, double tstop);

/* Initialise only: t = 0, states at their initial values, t = 0 samples taken. */
cl_status cl_sim_init(cl_sim *sim);

/* Continue from the current time to tstop ms (NEURON's continuerun). Running
 * to 10 ms then continuing to 25 ms gives the same numbers as one run to
 * 25 ms. Parameter changes between the two take effect at the next step;
 * structural changes (new sections, insertions, connections) need cl_sim_run. */
cl_status cl_sim_continue(cl_sim *sim, double tstop);

/* Advance by exactly one time step (NEURON's fadvance). */
cl_status cl_sim_step(cl_sim *sim);

/* Current simulation time in ms (accumulated as NEURON does). */
double cl_sim_time(const cl_sim *sim);

/* ---- cells and sections ------------------------------------------------ */

/* Create an empty cell named name (may be NULL for "cell<N>"). */
cl_status cl_cell_new(cl_sim *sim, const char *name, cl_cell *out);

/* BlueCelluLab's create_ball_stick(): a Neurolucida contour soma (21 pt3d
 * points as NEURON's Import3d makes them), one 200 µm dendrite of 200
 * segments at soma(0.5), hh everywhere with gnabar_hh = 0.24. Records time
 * and soma(0.5) voltage at every step. */
cl_status cl_cell_ballstick(cl_sim *sim, cl_cell *out);

/* Build the ball-and-stick from a Neurolucida file and its folder, e.g. the
 * copy in BlueCelluLab's data. cl_cell_ballstick uses the built-in copy. */
cl_status cl_cell_ballstick_from_file(cl_sim *sim, const char *asc_path, cl_cell *out);

/* Number of sections in a cell, and the i-th one (creation order). */
cl_status cl_cell_section_count(cl_sim *sim, cl_cell cell, size_t *out);
cl_status cl_cell_section_at(cl_sim *sim, cl_cell cell, size_t index, cl_section *out);

/* Find a section by its name, e.g. "soma[0]" or "dend[0]". */
cl_status cl_cell_section(cl_sim *sim, cl_cell cell, const char *name, cl_section *out);

/* The soma: the section named "soma[0]" or "soma", else the first root section. */
cl_status cl_cell_soma(cl_sim *sim, cl_cell cell, cl_section *out);

/* Create a section in a cell. New sections have NEURON's defaults:
 * L 100 µm, diam 500 µm, nseg 1, Ra 35.4 Ω·cm, cm 1 µF/cm². */
cl_status cl_section_new(cl_sim *sim, cl_cell cell, const char *name, cl_section *out);

/* Delete a section, as NEURON's delete_section: its children become root
 * sections (disconnected); the point processes in it, their connections,
 * connections from its voltage, and recordings of it are deleted too. Its
 * handle (and theirs) becomes invalid; every other handle stays valid. */
cl_status cl_section_delete(cl_sim *sim, cl_section sec);

/* Delete a cell: all its sections as cl_section_delete, then the cell. */
cl_status cl_cell_delete(cl_sim *sim, cl_cell cell);

/* Attach child's 0-end to parent at parent_x (0 <= x <= 1), as NEURON's
 * child.connect(parent(x)). A section has at most one parent; loops are
 * refused; both sections must belong to the same cell. */
cl_status cl_section_connect(cl_sim *sim, cl_section child, cl_section parent, double parent_x);

/* The section's name as given at creation. The pointer is owned by sim. */
cl_status cl_section_name(cl_sim *sim, cl_section sec, const char **out);

/* Geometry and passive cable properties. L and diam > 0, nseg >= 1 (and at
 * most 32767, as NEURON), Ra > 0, cm >= 0, all finite. Setting L or diam on
 * a section with 3-D points is refused (they are derived from the points). */
cl_status cl_section_set_L(cl_sim *sim, cl_section sec, double L);
cl_status cl_section_set_diam(cl_sim *sim, cl_section sec, double diam);
cl_status cl_section_set_nseg(cl_sim *sim, cl_section sec, int nseg);
cl_status cl_section_set_Ra(cl_sim *sim, cl_section sec, double Ra);
cl_status cl_section_set_cm(cl_sim *sim, cl_section sec, double cm);
cl_status cl_section_get_L(cl_sim *sim, cl_section sec, double *out);
cl_status cl_section_get_nseg(cl_sim *sim, cl_section sec, int *out);
cl_status cl_section_get_Ra(cl_sim *sim, cl_section sec, double *out);

/* Append a 3-D point (µm; d is the diameter, >= 0). Points are stored as
 * float32 like NEURON's pt3d; L and the segment diameters, areas and axial
 * resistances then come from the points (NEURON's pt3d geometry). */
cl_status cl_section_pt3dadd(cl_sim *sim, cl_section sec, double x, double y, double z, double d);

/* The section's parent and the position on it (parent_x); a root section
 * gives CL_ENOTFOUND. */
cl_status cl_section_parent(cl_sim *sim, cl_section sec, cl_section *parent, double *parent_x);

/* Path distance (µm) along the tree between sec_a(x_a) and sec_b(x_b), as
 * NEURON's distance(): positions are x·L along each section. Both sections
 * must be in the same cell. */
cl_status cl_section_distance(cl_sim *sim, cl_section sec_a, double x_a, cl_section sec_b,
                              double x_b, double *out);

/* Membrane area (µm²) of the segment containing x (0 < x < 1), NEURON's area(x). */
cl_status cl_section_area(cl_sim *sim, cl_section sec, double x, double *out);

/* Axial resistance (MΩ) from the node at x to its parent node, NEURON's ri(x). */
cl_status cl_section_ri(cl_sim *sim, cl_section sec, double x, double *out);

/* ---- mechanisms -------------------------------------------------------- */

/* Insert a density mechanism ("hh", "pas") in every segment of a section.
 * Inserting twice is a no-op, as in NEURON. */
cl_status cl_section_insert(cl_sim *sim, cl_section sec, const char *mech);

/* The density mechanisms inserted in a section (not the ions), in the
 * section's mechanism order (NEURON's). Writes up to cap names (owned by sim) to out
 * (out may be NULL with cap 0 to count) and their number to *n. */
cl_status cl_section_mechanisms(cl_sim *sim, cl_section sec, const char **out, size_t cap, size_t *n);

/* Set or get a range variable in every segment of a section, or in the
 * segment containing x. Names are NEURON's: "gnabar_hh", "e_pas", "ena",
 * "diam" and "cm" are range variables too. */
cl_status cl_section_set(cl_sim *sim, cl_section sec, const char *var, double value);
cl_status cl_section_set_at(cl_sim *sim, cl_section sec, double x, const char *var, double value);
cl_status cl_section_get_at(cl_sim *sim, cl_section sec, double x, const char *var, double *out);

/* Load a library of compiled mechanisms (made by `cellulab build-mechanisms`
 * from MOD files) into this simulation: its mechanisms can then be inserted
 * and placed by name. Names must not clash with those already known; the
 * library stays loaded until the simulation is freed. */
cl_status cl_sim_load_mechanisms(cl_sim *sim, const char *path);

/* Names of the built-in mechanisms, NULL-terminated. */
const char *const *cl_mechanism_names(void);

/* ---- point processes and artificial cells ------------------------------ */

/* Place a point process ("IClamp", "ExpSyn", "Exp2Syn", "SEClamp",
 * "APCount") at sec(x), 0 <= x <= 1. */
cl_status cl_pp_new(cl_sim *sim, const char *mech, cl_section sec, double x, cl_pp *out);

/* Create an artificial cell ("NetStim", "VecStim", "IntFire1"): it has no
 * location and talks only through events. */
cl_status cl_artcell_new(cl_sim *sim, const char *mech, cl_pp *out);

/* Set or get a point-process variable ("amp", "del", "dur", "tau", "e" ...). */
cl_status cl_pp_set(cl_sim *sim, cl_pp pp, const char *var, double value);
cl_status cl_pp_get(cl_sim *sim, cl_pp pp, const char *var, double *out);

/* Give a VecStim its spike times (ms, finite, non-decreasing; copied). */
cl_status cl_vecstim_play(cl_sim *sim, cl_pp vecstim, const double *times, size_t n);

/* Give a point process or artificial cell whose MOD file reads its list
 * (cellulab_play_count / cellulab_play_time / cellulab_play_value,
 * cellulab_nmodl.h) n times (ms, finite, >= 0, non-decreasing) and, unless
 * values is NULL, n values that go with them (finite); both copied. E.g.
 * an InhPoissonStim's time bins and rates (NEURON's setTbins and setRate,
 * with vectors of the same length). Takes effect at the next
 * initialisation. */
cl_status cl_pp_play(cl_sim *sim, cl_pp pp, const double *times, const double *values, size_t n);

/* Spike times an APCount has seen since the last initialisation. */
cl_status cl_apcount_times(cl_sim *sim, cl_pp apcount, const double **times, size_t *n);

/* Remove a point process, its recordings and the connections to and from it.
 * Its handle, and theirs, become invalid. */
cl_status cl_pp_delete(cl_sim *sim, cl_pp pp);

/* ---- stimuli (convenience layer) ---------------------------------------- */

/* A current step of level nA from start_ms to stop_ms at the cell's
 * soma(0.5): an IClamp with del = start, dur = stop - start, amp = level. */
cl_status cl_cell_add_step(cl_sim *sim, cl_cell cell, double start_ms, double stop_ms,
                           double level_nA, cl_stim *out);

/* ---- connections ------------------------------------------------------- */

/* A connection from the membrane potential at sec(x) (a spike when v rises
 * above the threshold, NEURON's default 10 mV) to a target that receives
 * events (ExpSyn, Exp2Syn, IntFire1, NetStim ...). The target may be
 * {0} for a pure spike detector. Defaults: delay 1 ms, weight 0. */
cl_status cl_netcon_from_section(cl_sim *sim, cl_section sec, double x, cl_pp target,
                                 cl_netcon *out);

/* A connection from a point process that emits events (NetStim, VecStim,
 * IntFire1). The target may be {0}. */
cl_status cl_netcon_from_pp(cl_sim *sim, cl_pp source, cl_pp target, cl_netcon *out);

/* Parameters. The threshold belongs to the source location and is shared by
 * every connection from it, as in NEURON. delay >= 0. index selects one of
 * the target's weights (0 for most synapses). */
cl_status cl_netcon_set_weight(cl_sim *sim, cl_netcon nc, int index, double weight);
cl_status cl_netcon_set_delay(cl_sim *sim, cl_netcon nc, double delay);
/* Read a weight back (NET_RECEIVE may change its arguments, e.g. a count). */
cl_status cl_netcon_get_weight(cl_sim *sim, cl_netcon nc, int index, double *out);
cl_status cl_netcon_set_threshold(cl_sim *sim, cl_netcon nc, double threshold);

/* Record the spike times of the connection's source (NEURON's
 * NetCon.record): voltage sources stamp t_n + 1e-10 of the first step
 * above threshold; point-process sources their event time. */
cl_status cl_netcon_record(cl_sim *sim, cl_netcon nc);
cl_status cl_netcon_spikes(cl_sim *sim, cl_netcon nc, const double **times, size_t *n);

/* A spike of an event source (an artificial cell such as a VecStim)
 * injected at time t (ms): each of its connections delivers it at t plus
 * its delay, exactly as if the source had fired at t. For spikes of cells
 * simulated elsewhere (another MPI rank's cells, replayed through a
 * stand-in source). After cl_sim_init; t must not be before the current
 * time. */
cl_status cl_pp_inject_spike(cl_sim *sim, cl_pp source, double t);

/* ---- recordings -------------------------------------------------------- */

/* Record a range variable ("v", "m_hh", "ina", ...) at sec(x). interval 0
 * records after every step plus the t = 0 sample (NEURON's
 * Vector.record(&var)); interval > 0 records every interval ms
 * (Vector.record(&var, interval)). */
cl_status cl_rec_section(cl_sim *sim, cl_section sec, double x, const char *var,
                         double interval, cl_rec *out);

/* Record a point-process variable ("i", "g", "m" ...). */
cl_status cl_rec_pp(cl_sim *sim, cl_pp pp, const char *var, double interval, cl_rec *out);

/* Record time itself (with interval > 0: the times of the samples). */
cl_status cl_rec_time(cl_sim *sim, double interval, cl_rec *out);

/* The samples so far. The pointer stays valid until the next run, step or
 * change of the simulation. Reading before any run is CL_ESTATE. */
cl_status cl_rec_data(cl_sim *sim, cl_rec rec, const double **data, size_t *n);

/* Record the voltage at the centre of every segment of every section of a
 * cell (section creation order, segments in order): n_out recordings are
 * written to out (at most cap; *n_out is the number there are). */
cl_status cl_rec_all_voltages(cl_sim *sim, cl_cell cell, double interval, cl_rec *out, size_t cap,
                              size_t *n_out);

/* A spike detector on a cell, as BlueCelluLab's start_recording_spikes:
 * location "soma" (the soma's 1-end, soma[0](1), as BlueCelluLab), "AIS"
 * (axon[1](0.5)), or "NAME(x)" such as "dend[0](0.9)". Spike times are
 * recorded (t_n + 1e-10 of the first step above threshold); read them with
 * cl_netcon_spikes. */
cl_status cl_cell_record_spikes(cl_sim *sim, cl_cell cell, const char *location, double threshold,
                                cl_netcon *out);

/* Time and soma(0.5) voltage recorded for a cell (cells from
 * cl_cell_ballstick record both every step; others start when first asked,
 * before the run). */
cl_status cl_cell_get_time(cl_sim *sim, cl_cell cell, const double **t, size_t *n);
cl_status cl_cell_get_soma_voltage(cl_sim *sim, cl_cell cell, const double **v, size_t *n);

#ifdef __cplusplus
}
#endif
#endif /* CELLULAB_H */
