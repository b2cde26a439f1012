/* BlueCelluLab's preliminary simulations and searches (bluecellulab/tools.py,
 * analysis/analysis.py): steady-state voltage, input resistance, holding
 * current, hyperpolarising-current and threshold searches, rheobase, IV and
 * FI curves, bAP. Built on the public API only. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_tools.h"

#define SS_STIM_START 500.0   /* calculate_SS_voltage: ramp from 500 ms */
#define SS_T0 800.0           /* mean over 800 < t <= 1000 */
#define SS_TSTOP 1000.0
#define RIN_DELTA (-0.02)     /* calculate_input_resistance */
#define HOLD_RS 0.01          /* holding_current: SEClamp rs, dur1, run */
#define HOLD_DUR1 2000.0
#define HOLD_TSTOP 1000.0
#define RHEO_START 300.0      /* calculate_rheobase */
#define RHEO_STOP 1000.0
#define RHEO_PRECISION 0.005
#define RHEO_CAP 2.0
#define TSTIM_HOLD_MS 5000.0  /* add_ramp(0, 5000, hyp, hyp) */
#define CURVE_PRE 100.0       /* compute_plot_iv/fi_curve: step 100/500/100 ms, dt 0.1 */
#define CURVE_DUR 500.0
#define CURVE_POST 100.0
#define CURVE_DT 0.1
#define BAP_START 100.0       /* our bAP: 5 ms pulse at 100 ms, run 150 ms */
#define BAP_DUR 5.0
#define BAP_TSTOP 150.0

static void seterr(cl_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(cl_error *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

cl_status cl_builder_ballstick(cl_sim *sim, const void *ctx, cl_cell *out) {
    (void)ctx;
    return cl_cell_ballstick(sim, out);
}

void cl_tool_config_default(cl_tool_config *c) {
    memset(c, 0, sizeof *c);
    c->build = cl_builder_ballstick;
    c->x = 0.5;
    c->dt = 0.025;
    c->celsius = 34.0;
    c->v_init = -65.0;
    c->spike_threshold_mV = -20.0;
    c->isolated = 1;
    c->nproc = 0;
    c->timeout_s = 600.0;
}

static cl_status check_config(const cl_tool_config *c, const char *fn, cl_error *err) {
    if (!c) { seterr(err, "%s: cfg is NULL", fn); return CL_EINVAL; }
    if (!c->build) { seterr(err, "%s: cfg->build is NULL", fn); return CL_EINVAL; }
    if (!(c->x >= 0 && c->x <= 1)) { seterr(err, "%s: cfg->x: expected 0 <= x <= 1, got %g", fn, c->x); return CL_EINVAL; }
    if (!(c->dt > 0) || !isfinite(c->dt)) { seterr(err, "%s: cfg->dt: expected > 0, got %g", fn, c->dt); return CL_EINVAL; }
    if (!isfinite(c->celsius) || !isfinite(c->v_init) || !isfinite(c->spike_threshold_mV)) {
        seterr(err, "%s: cfg: celsius, v_init and spike_threshold_mV must be finite", fn);
        return CL_EINVAL;
    }
    if (c->isolated && !(c->timeout_s > 0)) {
        seterr(err, "%s: cfg->timeout_s: expected > 0 s, got %g", fn, c->timeout_s);
        return CL_EINVAL;
    }
    return CL_OK;
}

/* ---- one trial ------------------------------------------------------------ */

enum trial_kind { TRIAL_SS, TRIAL_HOLD, TRIAL_SPIKE_STEP, TRIAL_STEP_CURVE };

typedef struct trial_spec {
    const cl_tool_config *cfg;
    int kind;
    double a, b, c, d; /* kind-specific: levels and times */
} trial_spec;

typedef struct trial_result {
    double value;   /* SS voltage, holding current, steady state of a curve step */
    double count;   /* spikes (curve steps) */
    int spiked;     /* spike step */
} trial_result;

/* BlueCelluLab's TStim.ramp as add_ramp calls it: 0 until start, a line from
 * a1 to a2 until stop, then 0; times accumulated as hoc's Vector.integral. */
static cl_status tstim_ramp(cl_sim *s, cl_section sec, double x, double start, double stop, double a1,
                            double a2, cl_error *err) {
    double dur = stop - start;
    double t[6], y[6] = {0, 0, a1, a2, 0, 0};
    const double steps[6] = {0, start, 0, dur, 0, 0};
    t[0] = steps[0];
    for (int i = 1; i < 6; i++) t[i] = t[i - 1] + steps[i];
    cl_waveform *w;
    cl_status st = cl_waveform_from_arrays(t, y, 6, &w, err);
    if (st != CL_OK) return st;
    cl_stim stim;
    st = cl_inject_waveform(s, sec, x, w, CL_INJECT_CURRENT, 0, 0, &stim);
    cl_waveform_free(w);
    if (st != CL_OK) seterr(err, "%s", cl_sim_errmsg(s));
    return st;
}

#define SIMTRY(call)                                             \
    do {                                                         \
        st = (call);                                             \
        if (st != CL_OK) { seterr(err, "%s", cl_sim_errmsg(s)); goto done; } \
    } while (0)

/* The site (section, x) of a configuration in a built cell. */
static cl_status site(cl_sim *s, const cl_tool_config *c, cl_cell cell, cl_section *sec) {
    return c->section ? cl_cell_section(s, cell, c->section, sec) : cl_cell_soma(s, cell, sec);
}

static cl_status new_trial_sim(const cl_tool_config *c, cl_sim **out, cl_cell *cell, cl_error *err) {
    cl_sim *s;
    if (cl_sim_new(&s) != CL_OK) { seterr(err, "out of memory"); return CL_ENOMEM; }
    cl_status st = cl_sim_set_dt(s, c->dt);
    if (st == CL_OK && c->mechanisms) st = cl_sim_load_mechanisms(s, c->mechanisms);
    if (st == CL_OK) st = cl_sim_set_celsius(s, c->celsius);
    if (st == CL_OK) st = cl_sim_set_v_init(s, c->v_init);
    if (st == CL_OK) st = c->build(s, c->ctx, cell);
    if (st != CL_OK) {
        seterr(err, "building the cell: %s", cl_sim_errmsg(s));
        cl_sim_free(s);
        return st;
    }
    *out = s;
    return CL_OK;
}

/* Mean of v over t0 < t <= t1 (BlueCelluLab's SS window). */
static double mean_window(const double *t, const double *v, size_t n, double t0, double t1) {
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] > t0 && t[i] <= t1) { sum += v[i]; k++; }
    return k ? sum / (double)k : NAN;
}

static cl_status trial_run(const void *arg, void *result, size_t size, cl_error *err) {
    const trial_spec *sp = arg;
    const cl_tool_config *c = sp->cfg;
    trial_result *r = result;
    (void)size;
    memset(r, 0, sizeof *r);
    cl_sim *s;
    cl_cell cell;
    cl_status st = new_trial_sim(c, &s, &cell, err);
    if (st != CL_OK) return st;
    cl_section sec, soma;
    cl_rec vrec, trec;
    const double *t, *v;
    size_t n, nv;
    SIMTRY(site(s, c, cell, &sec));
    SIMTRY(cl_cell_soma(s, cell, &soma));
    if (sp->kind == TRIAL_HOLD) {
        cl_pp clamp;
        SIMTRY(cl_pp_new(s, "SEClamp", soma, 0.5, &clamp));
        SIMTRY(cl_pp_set(s, clamp, "rs", HOLD_RS));
        SIMTRY(cl_pp_set(s, clamp, "dur1", HOLD_DUR1));
        SIMTRY(cl_pp_set(s, clamp, "amp1", sp->a));
        SIMTRY(cl_sim_run(s, HOLD_TSTOP));
        SIMTRY(cl_pp_get(s, clamp, "i", &r->value));
        goto done;
    }
    SIMTRY(cl_rec_section(s, sec, c->x, "v", 0, &vrec));
    SIMTRY(cl_rec_time(s, 0, &trec));
    double tstop = 0;
    cl_netcon det = {0};
    if (sp->kind == TRIAL_SS) {
        if ((st = tstim_ramp(s, sec, c->x, SS_STIM_START, 5000, sp->a, sp->a, err)) != CL_OK) goto done;
        tstop = SS_TSTOP;
    } else if (sp->kind == TRIAL_SPIKE_STEP) {
        /* a = hyp, b = start, c = stop, d = step */
        if ((st = tstim_ramp(s, sec, c->x, 0, TSTIM_HOLD_MS, sp->a, sp->a, err)) != CL_OK) goto done;
        if ((st = tstim_ramp(s, sec, c->x, sp->b, sp->c, sp->d, sp->d, err)) != CL_OK) goto done;
        tstop = (double)(int)sp->c; /* simulation.run(int(inj_stop)) */
    } else { /* TRIAL_STEP_CURVE: a = amplitude, b = holding */
        cl_waveform *w;
        if ((st = cl_wf_step(CURVE_DT, CURVE_PRE, CURVE_DUR, CURVE_POST, sp->a, &w, err)) != CL_OK) goto done;
        cl_stim stim;
        st = cl_inject_waveform(s, sec, c->x, w, CL_INJECT_CURRENT, 0, 0, &stim);
        cl_waveform_free(w);
        if (st != CL_OK) { seterr(err, "%s", cl_sim_errmsg(s)); goto done; }
        if (sp->b != 0 &&
            (st = tstim_ramp(s, sec, c->x, 0, TSTIM_HOLD_MS, sp->b, sp->b, err)) != CL_OK)
            goto done;
        SIMTRY(cl_netcon_from_section(s, sec, c->x, (cl_pp){0}, &det));
        SIMTRY(cl_netcon_set_threshold(s, det, c->spike_threshold_mV));
        SIMTRY(cl_netcon_record(s, det));
        tstop = CURVE_PRE + CURVE_DUR + CURVE_POST;
    }
    SIMTRY(cl_sim_run(s, tstop));
    SIMTRY(cl_rec_data(s, vrec, &v, &nv));
    SIMTRY(cl_rec_data(s, trec, &t, &n));
    if (sp->kind == TRIAL_SS) {
        r->value = mean_window(t, v, n, SS_T0, SS_TSTOP);
    } else if (sp->kind == TRIAL_SPIKE_STEP) {
        double vmax = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (t[i] > sp->b && t[i] < sp->c && v[i] > vmax) vmax = v[i];
        r->spiked = vmax > c->spike_threshold_mV;
    } else {
        /* eFEL's steady_state_voltage_stimend: mean over the last 10 % of the step */
        double end = CURVE_PRE + CURVE_DUR, begin = end - 0.1 * CURVE_DUR, sum = 0;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (t[i] >= begin && t[i] < end) { sum += v[i]; k++; }
        r->value = k ? sum / (double)k : NAN;
        const double *sp_t;
        size_t nsp;
        SIMTRY(cl_netcon_spikes(s, det, &sp_t, &nsp));
        r->count = (double)nsp;
    }
done:
    cl_sim_free(s);
    return st;
}

static void report(const cl_tool_config *c, const trial_spec *sp) {
    if (!c->progress) return;
    char msg[128];
    switch (sp->kind) {
    case TRIAL_SS: snprintf(msg, sizeof msg, "steady state at %.4g nA", sp->a); break;
    case TRIAL_HOLD: snprintf(msg, sizeof msg, "voltage clamp at %.4g mV", sp->a); break;
    case TRIAL_SPIKE_STEP: snprintf(msg, sizeof msg, "step of %.4g nA", sp->d); break;
    default: snprintf(msg, sizeof msg, "step of %.4g nA", sp->a); break;
    }
    c->progress(c->progress_ctx, msg);
}

static cl_status run_one(const cl_tool_config *c, const trial_spec *sp, trial_result *r, cl_error *err) {
    report(c, sp);
    if (c->isolated) return cl_isolated_run(trial_run, sp, r, sizeof *r, c->timeout_s, 0, err);
    return trial_run(sp, r, sizeof *r, err);
}

/* Several independent trials: in a pool of processes, or in turn here. */
static cl_status run_many(const cl_tool_config *c, const trial_spec *sp, trial_result *r, size_t n,
                          cl_error *err) {
    if (c->isolated && n > 1) {
        for (size_t i = 0; i < n; i++) report(c, &sp[i]);
        cl_status *sts = calloc(n, sizeof *sts);
        cl_error *errs = calloc(n, sizeof *errs);
        if (!sts || !errs) { free(sts); free(errs); seterr(err, "out of memory"); return CL_ENOMEM; }
        cl_status st = cl_isolated_map(trial_run, sp, sizeof *sp, n, r, sizeof *r, c->nproc, c->timeout_s,
                                       0, sts, errs);
        for (size_t i = 0; i < n && st != CL_OK; i++)
            if (sts[i] != CL_OK) { seterr(err, "trial %zu: %s", i, errs[i].msg); break; }
        free(sts);
        free(errs);
        return st;
    }
    for (size_t i = 0; i < n; i++) {
        cl_status st = run_one(c, &sp[i], &r[i], err);
        if (st != CL_OK) return st;
    }
    return CL_OK;
}

/* ---- the tools -------------------------------------------------------------- */

cl_status cl_tool_steady_state_voltage(const cl_tool_config *c, double level, double *out, cl_error *err) {
    const char *fn = "cl_tool_steady_state_voltage";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!out || !isfinite(level)) { seterr(err, "%s: level_nA must be finite and out not NULL", fn); return CL_EINVAL; }
    trial_spec sp = {.cfg = c, .kind = TRIAL_SS, .a = level};
    trial_result r;
    st = run_one(c, &sp, &r, err);
    if (st == CL_OK) *out = r.value;
    return st;
}

cl_status cl_tool_input_resistance(const cl_tool_config *c, double *out, cl_error *err) {
    const char *fn = "cl_tool_input_resistance";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!out) { seterr(err, "%s: out is NULL", fn); return CL_EINVAL; }
    trial_spec sp[2] = {{.cfg = c, .kind = TRIAL_SS, .a = 0.0}, {.cfg = c, .kind = TRIAL_SS, .a = RIN_DELTA}};
    trial_result r[2];
    st = run_many(c, sp, r, 2, err);
    if (st == CL_OK) *out = (r[1].value - r[0].value) / RIN_DELTA;
    return st;
}

cl_status cl_tool_holding_current(const cl_tool_config *c, double v_hold, double *out, cl_error *err) {
    const char *fn = "cl_tool_holding_current";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!out || !isfinite(v_hold)) { seterr(err, "%s: v_hold_mV must be finite and out not NULL", fn); return CL_EINVAL; }
    trial_spec sp = {.cfg = c, .kind = TRIAL_HOLD, .a = v_hold};
    trial_result r;
    st = run_one(c, &sp, &r, err);
    if (st == CL_OK) *out = r.value;
    return st;
}

cl_status cl_tool_hyperpolarizing_current(const cl_tool_config *c, double target, double *out, cl_error *err) {
    const char *fn = "cl_tool_hyperpolarizing_current";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!out || !isfinite(target)) { seterr(err, "%s: target_mV must be finite and out not NULL", fn); return CL_EINVAL; }
    double lo = -1.0, hi = 0.0;
    for (int iter = 0; iter < 60; iter++) { /* the bracket halves: 60 halvings reach 1e-18 nA */
        double med = lo + fabs(lo - hi) / 2;
        double v;
        if ((st = cl_tool_steady_state_voltage(c, med, &v, err)) != CL_OK) return st;
        if (fabs(v - target) < 0.5) { *out = med; return CL_OK; }
        if (v > target) hi = med;
        else lo = med;
    }
    seterr(err, "%s: no current in [-1, 0] nA brings the steady state within 0.5 mV of %g mV", fn, target);
    return CL_ESTATE;
}

cl_status cl_tool_spikes_for_step(const cl_tool_config *c, double hyp, double start, double stop, double step,
                                  int *out, cl_error *err) {
    const char *fn = "cl_tool_spikes_for_step";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!out || !isfinite(hyp) || !isfinite(step) || !(start >= 0) || !(stop > start) || !isfinite(stop)) {
        seterr(err, "%s: expected finite currents and 0 <= start_ms < stop_ms (got %g, %g)", fn, start, stop);
        return CL_EINVAL;
    }
    trial_spec sp = {.cfg = c, .kind = TRIAL_SPIKE_STEP, .a = hyp, .b = start, .c = stop, .d = step};
    trial_result r;
    st = run_one(c, &sp, &r, err);
    if (st == CL_OK) *out = r.spiked;
    return st;
}

cl_status cl_tool_threshold_current(const cl_tool_config *c, double hyp, double start, double stop, double lo,
                                    double hi, double precision, double *out, cl_error *err) {
    const char *fn = "cl_tool_threshold_current";
    if (!isfinite(lo) || !isfinite(hi) || !(precision > 0)) {
        seterr(err, "%s: expected finite lo_nA, hi_nA and precision_nA > 0 (got %g, %g, %g)", fn, lo, hi, precision);
        return CL_EINVAL;
    }
    if (!out) { seterr(err, "%s: out is NULL", fn); return CL_EINVAL; }
    while (!(fabs(hi - lo) < precision)) {
        double med = lo + fabs(lo - hi) / 2;
        int spiked;
        cl_status st = cl_tool_spikes_for_step(c, hyp, start, stop, med, &spiked, err);
        if (st != CL_OK) return st;
        if (spiked) hi = med;
        else lo = med;
    }
    *out = hi;
    return CL_OK;
}

cl_status cl_tool_rheobase(const cl_tool_config *c, double holding, double *out, cl_error *err) {
    const char *fn = "cl_tool_rheobase";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!out || !isfinite(holding)) { seterr(err, "%s: holding_nA must be finite and out not NULL", fn); return CL_EINVAL; }
    trial_spec sp[2] = {{.cfg = c, .kind = TRIAL_SS, .a = 0.0}, {.cfg = c, .kind = TRIAL_SS, .a = RIN_DELTA}};
    trial_result r[2];
    if ((st = run_many(c, sp, r, 2, err)) != CL_OK) return st;
    double rmp = r[0].value, rin = (r[1].value - r[0].value) / RIN_DELTA;
    double upper = (c->spike_threshold_mV - rmp) / rin;
    if (!(upper < RHEO_CAP)) upper = RHEO_CAP; /* np.min([upper, 2.0]) */
    return cl_tool_threshold_current(c, holding, RHEO_START, RHEO_STOP, holding, upper, RHEO_PRECISION, out, err);
}

static cl_status curve(const cl_tool_config *c, const char *fn, const double *amps, size_t n, double holding,
                       trial_result *r, cl_error *err) {
    trial_spec *sp = calloc(n, sizeof *sp);
    if (!sp) { seterr(err, "%s: out of memory", fn); return CL_ENOMEM; }
    for (size_t i = 0; i < n; i++) sp[i] = (trial_spec){.cfg = c, .kind = TRIAL_STEP_CURVE, .a = amps[i], .b = holding};
    cl_status st = run_many(c, sp, r, n, err);
    free(sp);
    return st;
}

/* numpy.linspace(a, b, n) */
static void linspace(double a, double b, size_t n, double *out) {
    if (n == 1) { out[0] = a; return; }
    double step = (b - a) / (double)(n - 1);
    for (size_t i = 0; i < n; i++) out[i] = a + (double)i * step;
    out[n - 1] = b;
}

cl_status cl_tool_iv_curve(const cl_tool_config *c, double rheobase, size_t nbins, double *amps, double *v_ss,
                           cl_error *err) {
    const char *fn = "cl_tool_iv_curve";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!amps || !v_ss || nbins == 0 || nbins > 10000) {
        seterr(err, "%s: expected 1 <= nbins <= 10000 and output arrays, got nbins %zu", fn, nbins);
        return CL_EINVAL;
    }
    if (isnan(rheobase) && (st = cl_tool_rheobase(c, 0.0, &rheobase, err)) != CL_OK) return st;
    if (!isfinite(rheobase)) { seterr(err, "%s: rheobase_nA: expected a finite number, got %g", fn, rheobase); return CL_EINVAL; }
    linspace(rheobase - 2, rheobase - 0.1, nbins, amps);
    trial_result *r = calloc(nbins, sizeof *r);
    if (!r) { seterr(err, "%s: out of memory", fn); return CL_ENOMEM; }
    st = curve(c, fn, amps, nbins, 0.0, r, err);
    for (size_t i = 0; st == CL_OK && i < nbins; i++) v_ss[i] = r[i].value;
    free(r);
    return st;
}

cl_status cl_tool_fi_curve(const cl_tool_config *c, double rheobase, double max_nA, size_t nbins, double *amps,
                           double *counts, double *rates, cl_error *err) {
    const char *fn = "cl_tool_fi_curve";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!amps || !counts || !rates || nbins == 0 || nbins > 10000 || !isfinite(max_nA)) {
        seterr(err, "%s: expected 1 <= nbins <= 10000, finite max_nA and output arrays", fn);
        return CL_EINVAL;
    }
    if (isnan(rheobase) && (st = cl_tool_rheobase(c, 0.0, &rheobase, err)) != CL_OK) return st;
    if (!isfinite(rheobase)) { seterr(err, "%s: rheobase_nA: expected a finite number, got %g", fn, rheobase); return CL_EINVAL; }
    linspace(rheobase, max_nA, nbins, amps);
    trial_result *r = calloc(nbins, sizeof *r);
    if (!r) { seterr(err, "%s: out of memory", fn); return CL_ENOMEM; }
    st = curve(c, fn, amps, nbins, 0.0, r, err);
    for (size_t i = 0; st == CL_OK && i < nbins; i++) {
        counts[i] = r[i].count;
        rates[i] = r[i].count / (CURVE_DUR / 1000.0);
    }
    free(r);
    return st;
}

void cl_trial_free(cl_trial *tr) {
    if (!tr) return;
    free(tr->t);
    free(tr->v);
    free(tr->spikes);
    memset(tr, 0, sizeof *tr);
}

static double *copy(const double *x, size_t n) {
    double *p = malloc((n ? n : 1) * sizeof *p);
    if (p && n) memcpy(p, x, n * sizeof *p);
    return p;
}

cl_status cl_tool_run_waveform(const cl_tool_config *c, const cl_waveform *w, double tstop, cl_trial *out,
                               cl_error *err) {
    const char *fn = "cl_tool_run_waveform";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!w || !out || cl_waveform_size(w) == 0) { seterr(err, "%s: w and out must not be NULL, w not empty", fn); return CL_EINVAL; }
    memset(out, 0, sizeof *out);
    if (!(tstop > 0)) tstop = cl_waveform_times(w)[cl_waveform_size(w) - 1];
    if (!isfinite(tstop) || tstop <= 0) { seterr(err, "%s: tstop_ms: expected > 0, got %g", fn, tstop); return CL_EINVAL; }
    cl_sim *s;
    cl_cell cell;
    if ((st = new_trial_sim(c, &s, &cell, err)) != CL_OK) return st;
    cl_section sec;
    cl_rec vrec, trec;
    cl_stim stim;
    cl_netcon det;
    const double *t, *v, *spk;
    size_t n, nv, nsp;
    SIMTRY(site(s, c, cell, &sec));
    SIMTRY(cl_inject_waveform(s, sec, c->x, w, CL_INJECT_CURRENT, 0, 0, &stim));
    SIMTRY(cl_rec_section(s, sec, c->x, "v", 0, &vrec));
    SIMTRY(cl_rec_time(s, 0, &trec));
    SIMTRY(cl_netcon_from_section(s, sec, c->x, (cl_pp){0}, &det));
    SIMTRY(cl_netcon_set_threshold(s, det, c->spike_threshold_mV));
    SIMTRY(cl_netcon_record(s, det));
    SIMTRY(cl_sim_run(s, tstop));
    SIMTRY(cl_rec_data(s, vrec, &v, &nv));
    SIMTRY(cl_rec_data(s, trec, &t, &n));
    SIMTRY(cl_netcon_spikes(s, det, &spk, &nsp));
    out->t = copy(t, n);
    out->v = copy(v, nv);
    out->spikes = copy(spk, nsp);
    out->n = n;
    out->nspikes = nsp;
    if (!out->t || !out->v || !out->spikes) {
        cl_trial_free(out);
        seterr(err, "%s: out of memory", fn);
        st = CL_ENOMEM;
    }
done:
    cl_sim_free(s);
    return st;
}

cl_status cl_tool_bap(const cl_tool_config *c, double amp, double **dist_out, double **amp_out, size_t *n_out,
                      double *lambda, cl_error *err) {
    const char *fn = "cl_tool_bap";
    cl_status st = check_config(c, fn, err);
    if (st != CL_OK) return st;
    if (!dist_out || !amp_out || !n_out || !lambda || !isfinite(amp)) {
        seterr(err, "%s: output pointers must not be NULL and amp_nA finite", fn);
        return CL_EINVAL;
    }
    *dist_out = *amp_out = NULL;
    *n_out = 0;
    *lambda = NAN;
    cl_sim *s;
    cl_cell cell;
    if ((st = new_trial_sim(c, &s, &cell, err)) != CL_OK) return st;
    cl_section soma;
    cl_rec trec, *recs = NULL;
    double *dist = NULL, *amps = NULL;
    size_t nseg = 0, nsec = 0;
    SIMTRY(cl_cell_soma(s, cell, &soma));
    SIMTRY(cl_cell_section_count(s, cell, &nsec));
    for (size_t is = 0; is < nsec; is++) {
        cl_section sec;
        int ns;
        SIMTRY(cl_cell_section_at(s, cell, is, &sec));
        SIMTRY(cl_section_get_nseg(s, sec, &ns));
        nseg += (size_t)ns;
    }
    if (nseg == 0) { st = CL_ESTATE; seterr(err, "%s: the cell has no segments", fn); goto done; }
    recs = calloc(nseg, sizeof *recs);
    dist = calloc(nseg, sizeof *dist);
    amps = calloc(nseg, sizeof *amps);
    if (!recs || !dist || !amps) { st = CL_ENOMEM; seterr(err, "%s: out of memory", fn); goto done; }
    size_t got;
    SIMTRY(cl_rec_all_voltages(s, cell, 0, recs, nseg, &got));
    SIMTRY(cl_rec_time(s, 0, &trec));
    if ((st = tstim_ramp(s, soma, 0.5, BAP_START, BAP_START + BAP_DUR, amp, amp, err)) != CL_OK) goto done;
    SIMTRY(cl_sim_run(s, BAP_TSTOP));
    const double *t, *v;
    size_t n, nv, k = 0;
    SIMTRY(cl_rec_data(s, trec, &t, &n));
    size_t i0 = 0;
    while (i0 + 1 < n && t[i0] < BAP_START) i0++;
    /* sums for the log-linear fit over dendritic segments */
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t nfit = 0;
    for (size_t is = 0; is < nsec; is++) {
        cl_section sec;
        int ns;
        SIMTRY(cl_cell_section_at(s, cell, is, &sec));
        SIMTRY(cl_section_get_nseg(s, sec, &ns));
        const char *name;
        SIMTRY(cl_section_name(s, sec, &name));
        int dendritic = strncmp(name, "dend", 4) == 0 || strncmp(name, "apic", 4) == 0;
        for (int j = 0; j < ns; j++, k++) {
            double x = (j + 0.5) / ns;
            SIMTRY(cl_section_distance(s, soma, 0.5, sec, x, &dist[k]));
            SIMTRY(cl_rec_data(s, recs[k], &v, &nv));
            double base = v[i0], peak = base;
            for (size_t i = i0; i < nv; i++) peak = fmax(peak, v[i]);
            amps[k] = peak - base;
            if (dendritic && amps[k] > 0) {
                double y = log(amps[k]);
                sx += dist[k]; sy += y; sxx += dist[k] * dist[k]; sxy += dist[k] * y; nfit++;
            }
        }
    }
    if (nfit >= 2) {
        double slope = (nfit * sxy - sx * sy) / (nfit * sxx - sx * sx);
        if (slope < 0) *lambda = -1.0 / slope;
    }
    *dist_out = dist;
    *amp_out = amps;
    *n_out = nseg;
    dist = amps = NULL;
done:
    free(recs);
    free(dist);
    free(amps);
    cl_sim_free(s);
    return st;
}
