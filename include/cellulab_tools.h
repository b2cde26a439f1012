/*
 * cellulab single-cell toolbox: stimulus waveforms, spike analysis, the
 * standard protocols and searches (rheobase, holding current, input
 * resistance, IV and FI curves), isolated processes and SVG figures.
 *
 * Built strictly on cellulab.h. Calls that have no simulation report errors
 * through an optional cl_error (may be NULL); its message names the argument,
 * its value and what was expected.
 */
#ifndef CELLULAB_TOOLS_H
#define CELLULAB_TOOLS_H

#include <stddef.h>
#include <stdint.h>

#include "cellulab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- waveforms ------------------------------------------------------------
 * A waveform is a current (nA), conductance (µS) or voltage (mV) against time
 * (ms): points (t_k, y_k) with non-decreasing t, read as a piecewise-linear
 * function. Two points with the same time make a jump. Shapes are sampled at
 * dt like BlueCelluLab's StimulusFactory(dt). Waveforms are plain values the
 * caller owns: build, sum, sample, plot and inject them. */

typedef struct cl_waveform cl_waveform;

cl_status cl_waveform_new(cl_waveform **out, cl_error *err);
/* Copy n points; t must be finite and non-decreasing, y finite. */
cl_status cl_waveform_from_arrays(const double *t, const double *y, size_t n, cl_waveform **out,
                                  cl_error *err);
void cl_waveform_free(cl_waveform *w);
size_t cl_waveform_size(const cl_waveform *w);
const double *cl_waveform_times(const cl_waveform *w);
const double *cl_waveform_values(const cl_waveform *w);
/* Append a point (t >= the last time). */
cl_status cl_waveform_append(cl_waveform *w, double t, double y, cl_error *err);
/* Value at t: linear between points, the first/last value outside. At a jump
 * the value after it. */
double cl_waveform_at(const cl_waveform *w, double t);
/* a + b on the union of their time points (each read with cl_waveform_at). */
cl_status cl_waveform_sum(const cl_waveform *a, const cl_waveform *b, cl_waveform **out,
                          cl_error *err);
/* Multiply every value by factor (finite). */
cl_status cl_waveform_scale(cl_waveform *w, double factor, cl_error *err);

/* Shapes. Every shape is pre_ms of 0, then the shape for dur_ms, then post_ms
 * of 0; dt > 0; durations >= 0; amplitudes finite. */
cl_status cl_wf_step(double dt, double pre_ms, double dur_ms, double post_ms, double amplitude,
                     cl_waveform **out, cl_error *err);
cl_status cl_wf_ramp(double dt, double pre_ms, double dur_ms, double post_ms, double amp_start,
                     double amp_end, cl_waveform **out, cl_error *err);
/* Rectangular pulses of width_ms at frequency_hz, starting at pre_ms. */
cl_status cl_wf_pulse_train(double dt, double pre_ms, double dur_ms, double post_ms,
                            double amplitude, double frequency_hz, double width_ms,
                            cl_waveform **out, cl_error *err);
cl_status cl_wf_sinusoid(double dt, double pre_ms, double dur_ms, double post_ms, double amplitude,
                         double frequency_hz, cl_waveform **out, cl_error *err);
/* Chirp (ZAP): amplitude * sin(phase), frequency sweeping linearly from
 * f_start_hz to f_end_hz over dur_ms. */
cl_status cl_wf_chirp(double dt, double pre_ms, double dur_ms, double post_ms, double amplitude,
                      double f_start_hz, double f_end_hz, cl_waveform **out, cl_error *err);
/* A step whose level is redrawn every step_interval_ms from a normal
 * distribution (mean, sd). */
cl_status cl_wf_noise_step(double dt, double pre_ms, double dur_ms, double post_ms, double mean,
                           double sd, double step_interval_ms, uint64_t seed, cl_waveform **out,
                           cl_error *err);
/* Ornstein–Uhlenbeck process with mean, sigma (stationary sd) and tau_ms. */
cl_status cl_wf_ornstein_uhlenbeck(double dt, double pre_ms, double dur_ms, double post_ms,
                                   double mean, double sigma, double tau_ms, uint64_t seed,
                                   cl_waveform **out, cl_error *err);
/* Shot noise: Poisson events at rate_hz, each a bi-exponential (rise_ms <
 * decay_ms) of gamma-distributed amplitude (mean amp_mean, sd amp_sd). */
cl_status cl_wf_shot_noise(double dt, double pre_ms, double dur_ms, double post_ms,
                           double rate_hz, double amp_mean, double amp_sd, double rise_ms,
                           double decay_ms, uint64_t seed, cl_waveform **out, cl_error *err);

/* Relative forms: a current in % of the threshold current is a shape built
 * with amplitude = threshold_nA * percent / 100 (or cl_wf_protocol below); a
 * conductance relative to the input resistance (BlueCelluLab's relative
 * shot noise in conductance mode) is a shape scaled by
 * cl_waveform_scale(w, percent / 100 / R_in_MOhm), in µS. */

/* BlueCelluLab's named protocols with its default timings: "ap_waveform",
 * "idrest", "iv", "fire_pattern", "pos_cheops", "neg_cheops", "sinespec",
 * "step", "ramp". amplitude = threshold_nA * percent / 100; percent <= 0
 * selects the protocol's default percentage. */
cl_status cl_wf_protocol(const char *name, double dt, double threshold_nA, double percent,
                         cl_waveform **out, cl_error *err);
/* Names of the protocols, NULL-terminated. */
const char *const *cl_wf_protocol_names(void);

/* ---- injection -------------------------------------------------------------- */

typedef enum cl_inject_mode {
    CL_INJECT_CURRENT = 0,     /* nA into an IClamp */
    CL_INJECT_CONDUCTANCE = 1, /* µS towards reversal_mV (a clamp with rs = 1/g) */
    CL_INJECT_VOLTAGE = 2      /* mV command of a voltage clamp with series resistance */
} cl_inject_mode;

/* Play a waveform into sec(x), as NEURON's Vector.play(&var, tvec, 1): the
 * value used in each step is the waveform at t_{n+1/2}. reversal_mV is used
 * by the conductance mode; series_resistance_MOhm by the voltage mode
 * (> 0; BlueCelluLab's default is 0.01). The waveform is copied. */
cl_status cl_inject_waveform(cl_sim *sim, cl_section sec, double x, const cl_waveform *w,
                             cl_inject_mode mode, double reversal_mV,
                             double series_resistance_MOhm, cl_stim *out);

/* Record the stimulus a point process delivers ("i" of the clamp). */

/* ---- spike analysis --------------------------------------------------------- */

/* Times (ms) at which v crosses threshold upwards, interpolated linearly
 * between samples. Writes at most cap times; *count is the total found. */
cl_status cl_detect_spikes(const double *t, const double *v, size_t n, double threshold,
                           double *times, size_t cap, size_t *count, cl_error *err);

typedef struct cl_spike_features {
    size_t spike_count;
    double mean_frequency_hz;   /* spikes / (stim_end - stim_start) */
    double first_spike_latency_ms; /* first spike - stim_start; NaN without spikes */
    double ap_amplitude_mV;     /* mean peak minus threshold-crossing voltage */
    double half_width_ms;       /* mean width at half amplitude */
    double ahp_depth_mV;        /* mean minimum between spikes minus v_rest */
    double isi_cv;              /* sd/mean of interspike intervals; NaN if < 2 ISIs */
    double v_rest_mV;           /* mean voltage before stim_start */
} cl_spike_features;

cl_status cl_spike_features_compute(const double *t, const double *v, size_t n, double threshold,
                                    double stim_start, double stim_end, cl_spike_features *out,
                                    cl_error *err);

/* Mean of v over t0 <= t <= t1. */
cl_status cl_trace_mean(const double *t, const double *v, size_t n, double t0, double t1,
                        double *out, cl_error *err);

/* ---- isolated processes ---------------------------------------------------- */

/* A function run in a forked child: it fills result (result_size bytes) and
 * returns CL_OK, or an error with a message in err. */
typedef cl_status (*cl_isolated_fn)(const void *arg, void *result, size_t result_size,
                                    cl_error *err);

/* Run fn(arg) in a child process and copy its result back. A child that
 * crashes, exceeds timeout_s (> 0) or memory_limit_bytes (0: no limit), or
 * returns an error, gives an error here; the child is always reaped. */
cl_status cl_isolated_run(cl_isolated_fn fn, const void *arg, void *result, size_t result_size,
                          double timeout_s, size_t memory_limit_bytes, cl_error *err);

/* Run fn on n arguments (args + i*arg_size) in up to nproc children at once;
 * results[i] at results + i*result_size; statuses[i] and errs[i] (errs may be
 * NULL) tell each one's fate. Returns CL_OK when all succeeded. */
cl_status cl_isolated_map(cl_isolated_fn fn, const void *args, size_t arg_size, size_t n,
                          void *results, size_t result_size, int nproc, double timeout_s,
                          size_t memory_limit_bytes, cl_status *statuses, cl_error *errs);

/* ---- protocols and searches ----------------------------------------------
 * Each trial builds the cell afresh in a new simulation (the builder), adds
 * the protocol's stimuli as BlueCelluLab does (its TStim: an IClamp whose
 * amplitude is played from a waveform), runs with a fixed step and measures.
 * With isolated = 1 every trial runs in a child process (cl_isolated_run),
 * as BlueCelluLab's IsolatedProcess; results are the same bits either way. */

/* Build the studied cell in sim. ctx is the builder's own data. */
typedef cl_status (*cl_cell_builder)(cl_sim *sim, const void *ctx, cl_cell *out);

/* The built-in ball-and-stick as a builder (ctx unused). */
cl_status cl_builder_ballstick(cl_sim *sim, const void *ctx, cl_cell *out);

typedef struct cl_tool_config {
    cl_cell_builder build;   /* default: cl_builder_ballstick */
    const void *ctx;
    const char *section;     /* injection and recording section; NULL: the soma */
    double x;                /* 0.5 */
    double dt, celsius, v_init;   /* 0.025 ms, 34 °C, -65 mV */
    double spike_threshold_mV;    /* -20 mV, BlueCelluLab's step_thresh */
    int isolated;            /* 1: each trial in a child process (default 1) */
    int nproc;               /* processes for curves; <= 0: online CPUs */
    double timeout_s;        /* per trial in a child process (default 600) */
    /* Called before each trial with a short description ("rheobase: 0.25 nA");
     * NULL for silence. */
    void (*progress)(void *progress_ctx, const char *what);
    void *progress_ctx;
    /* A library of compiled mechanisms (cellulab build-mechanisms) loaded
     * into every trial's simulation before the cell is built; NULL: none. */
    const char *mechanisms;
} cl_tool_config;

/* Fill a configuration with the defaults above. */
void cl_tool_config_default(cl_tool_config *cfg);

/* Mean soma voltage over 800 < t <= 1000 ms with level_nA injected from 500
 * ms (BlueCelluLab's calculate_SS_voltage). level 0 gives the resting voltage. */
cl_status cl_tool_steady_state_voltage(const cl_tool_config *cfg, double level_nA, double *out_mV,
                                       cl_error *err);

/* (V_ss(-0.02 nA) - V_ss(0)) / -0.02 nA (calculate_input_resistance). */
cl_status cl_tool_input_resistance(const cl_tool_config *cfg, double *out_MOhm, cl_error *err);

/* Current a voltage clamp (rs 0.01 MΩ) needs to hold the soma at v_hold_mV
 * after 1000 ms (holding_current). */
cl_status cl_tool_holding_current(const cl_tool_config *cfg, double v_hold_mV, double *out_nA,
                                  cl_error *err);

/* Bisection in [-1, 0] nA for the current whose steady state is within 0.5 mV
 * of target_mV (detect_hyp_current). */
cl_status cl_tool_hyperpolarizing_current(const cl_tool_config *cfg, double target_mV,
                                          double *out_nA, cl_error *err);

/* Whether a step of step_nA from start_ms to stop_ms on top of a constant
 * hyp_nA makes v exceed the spike threshold during the step
 * (detect_spike_step). */
cl_status cl_tool_spikes_for_step(const cl_tool_config *cfg, double hyp_nA, double start_ms,
                                  double stop_ms, double step_nA, int *out_spiked, cl_error *err);

/* Bisection between lo_nA and hi_nA until the bracket is narrower than
 * precision_nA; the upper end of the bracket (search_threshold_current). */
cl_status cl_tool_threshold_current(const cl_tool_config *cfg, double hyp_nA, double start_ms,
                                    double stop_ms, double lo_nA, double hi_nA,
                                    double precision_nA, double *out_nA, cl_error *err);

/* Rheobase: the threshold current for a step from 300 to 1000 ms on top of
 * holding_nA, searched from holding_nA up to min((threshold - V_rest)/R_in,
 * 2 nA) to 0.005 nA (calculate_rheobase). */
cl_status cl_tool_rheobase(const cl_tool_config *cfg, double holding_nA, double *out_nA,
                           cl_error *err);

/* One trial with a waveform injected: the soma trace (malloc'd; free them)
 * and the spike times crossing the threshold. tstop_ms <= 0: the waveform's
 * last time. */
typedef struct cl_trial {
    double *t, *v;
    size_t n;
    double *spikes;
    size_t nspikes;
} cl_trial;
cl_status cl_tool_run_waveform(const cl_tool_config *cfg, const cl_waveform *w, double tstop_ms,
                               cl_trial *out, cl_error *err);
void cl_trial_free(cl_trial *trial);

/* IV curve: nbins steps (pre 100, 500, post 100 ms) from rheobase - 2 to
 * rheobase - 0.1 nA; the steady state is the mean voltage over the last 10 %
 * of the step. amps and v_ss hold nbins values. */
cl_status cl_tool_iv_curve(const cl_tool_config *cfg, double rheobase_nA, size_t nbins,
                           double *amps, double *v_ss, cl_error *err);

/* FI curve: nbins steps from rheobase to max_nA; spike counts and rates
 * (spikes per second of the 500 ms step). */
cl_status cl_tool_fi_curve(const cl_tool_config *cfg, double rheobase_nA, double max_nA,
                           size_t nbins, double *amps, double *counts, double *rates_hz,
                           cl_error *err);

/* Back-propagating action potential: a 5 ms pulse of amp_nA at the soma at
 * 100 ms; for every segment centre of the cell, its path distance from
 * soma(0.5) (µm) and the peak depolarisation above its voltage at 100 ms
 * (mV). Arrays of *n values, malloc'd (free them). length_constant_um: the
 * exponential fit amplitude ~ exp(-d/λ) over dendritic segments (NaN when
 * it cannot be fitted). */
cl_status cl_tool_bap(const cl_tool_config *cfg, double amp_nA, double **distance_um,
                      double **amplitude_mV, size_t *n, double *length_constant_um, cl_error *err);

/* ---- figures ---------------------------------------------------------------- */

/* An SVG of a voltage trace with the stimulus in a panel under it (stim may
 * be NULL). Written to a temporary name and renamed when complete. */
cl_status cl_svg_trace(const char *path, const double *t, const double *v, size_t n,
                       const cl_waveform *stim, const char *title, cl_error *err);

/* An SVG line-and-marker plot (IV and FI curves). */
cl_status cl_svg_curve(const char *path, const double *x, const double *y, size_t n,
                       const char *title, const char *xlabel, const char *ylabel, cl_error *err);

#ifdef __cplusplus
}
#endif
#endif /* CELLULAB_TOOLS_H */
