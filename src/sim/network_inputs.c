/* Inputs of a network simulation: the simulation config's "inputs" read
 * generically (cl_input + input_param), checked against the module
 * definitions of libsonata (BBP) and bmtk, and built per cell the way
 * neurodamus builds them (its SignalSource time/value vectors, played into
 * an IClamp's amp — or an SEClamp's rs for conductances — with
 * Vector.play(..., 1)). Every input is built or refused: nothing is
 * silently dropped.
 *
 * Random inputs (noise, shot noise, Ornstein-Uhlenbeck) follow neurodamus'
 * algorithms but draw from cellulab's Philox stream (src/stim/rng.h), keyed
 * like neurodamus' Random123 triple (family count, stimulus seed + a
 * per-family constant, node id + 123 or the input's random_seed): the
 * draws are NOT neurodamus' numbers yet (nrnran123 streams: issue 9). */
#include "sim/network_inputs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_tools.h"
#include "stim/rng.h"
#include "util/util.h"

/* pi, as NEURON uses it in Vector.sin */
#define NI_PI 3.14159265358979323846

typedef enum mod_id {
    M_ICLAMP, M_LINEAR, M_RELLINEAR, M_HYPER, M_SUBTHR, M_PULSE, M_SIN, M_SECLAMP, M_NOISE, M_SHOT, M_RELSHOT,
    M_ABSSHOT, M_OU, M_RELOU
} mod_id;

/* Allowed input types: bit 1 current_clamp, 2 conductance, 4 voltage_clamp. */
enum { T_CUR = 1, T_COND = 2, T_VC = 4 };

typedef struct modinfo {
    const char *name;
    mod_id id;
    unsigned types;
    const char *req[6]; /* required numeric keys */
} modinfo;

static const modinfo MODS[] = {
    {"IClamp", M_ICLAMP, T_CUR, {"amp"}},
    {"linear", M_LINEAR, T_CUR, {"amp_start"}},
    {"relative_linear", M_RELLINEAR, T_CUR, {"percent_start"}},
    {"hyperpolarizing", M_HYPER, T_CUR, {0}},
    {"subthreshold", M_SUBTHR, T_CUR, {"percent_less"}},
    {"pulse", M_PULSE, T_CUR, {"amp_start", "frequency", "width"}},
    {"sinusoidal", M_SIN, T_CUR, {"amp_start", "frequency"}},
    {"seclamp", M_SECLAMP, T_VC, {"voltage"}},
    {"noise", M_NOISE, T_CUR, {"variance"}},
    {"shot_noise", M_SHOT, T_CUR | T_COND, {"rise_time", "decay_time", "rate", "amp_mean", "amp_var"}},
    {"relative_shot_noise", M_RELSHOT, T_CUR | T_COND, {"rise_time", "decay_time", "mean_percent", "sd_percent"}},
    {"absolute_shot_noise", M_ABSSHOT, T_CUR | T_COND, {"rise_time", "decay_time", "mean", "sigma"}},
    {"ornstein_uhlenbeck", M_OU, T_CUR | T_COND, {"tau", "sigma", "mean"}},
    {"relative_ornstein_uhlenbeck", M_RELOU, T_CUR | T_COND, {"tau", "mean_percent", "sd_percent"}},
};

/* Modules we know of but do not build (refused with that reason). */
static const char *const UNSUPPORTED[] = {"SEClamp", "xstim", "comsol", "csv", "file", "nwb", "allen",
                                          "spatially_uniform_e_field", "poisson", "extracellular_stimulation",
                                          "syn_activity", "replay", "ecephys_probe", NULL};

struct cl_netin {
    cl_input in;
    const modinfo *mod;
    int conductance; /* input_type conductance */
    unsigned needs;
    double a, b, c, d, e, f; /* the module's numbers (see parse) */
    double dt, reversal;
    double cv2;            /* shot noise amplitude CV squared */
    int has_seed;          /* the input's own random_seed */
    double seed;
    unsigned family_index; /* neurodamus' stimCount of the family */
    double *amps, *dels, *durs; /* bmtk IClamp: one clamp per element */
    size_t n_list;
    const char *section_name;
    int section_index;
    double segment_x;
};

void cl_netin_free(cl_netin *in) {
    if (!in) return;
    free(in->amps);
    free(in->dels);
    free(in->durs);
    free(in);
}
const cl_input *cl_netin_input(const cl_netin *in) { return &in->in; }
unsigned cl_netin_needs(const cl_netin *in) { return in->needs; }
void cl_netin_location(const cl_netin *in, const char **section_name, int *section_index, double *x) {
    *section_name = in->section_name;
    *section_index = in->section_index;
    *x = in->segment_x;
}

typedef struct pctx {
    const cl_circuit_ops *ops;
    void *st;
    size_t i;
    const cl_input *in;
} pctx;

/* A numeric parameter: required (fails when absent), else def. Strings,
 * arrays and non-finite values fail naming the JSON path. */
static cl_status pnum(const pctx *p, const char *key, int required, double def, double *out, cl_error *err) {
    cl_value v;
    cl_status st = p->ops->input_param(p->st, p->i, key, &v, err);
    if (st) return st;
    if (v.kind == CL_VALUE_NONE) {
        if (required)
            return cl_error_fail(err, CL_EFORMAT, "%s.%s: missing (module \"%s\" requires it)", p->in->where, key,
                                 p->in->module ? p->in->module : "");
        *out = def;
        return CL_OK;
    }
    if (v.kind != CL_VALUE_NUMBER)
        return cl_error_fail(err, CL_EFORMAT, "%s.%s: expected a number, got the string \"%s\"", p->in->where, key,
                             v.str ? v.str : "");
    if (!isfinite(v.num))
        return cl_error_fail(err, CL_EFORMAT, "%s.%s: %g is not a finite number", p->in->where, key, v.num);
    *out = v.num;
    return CL_OK;
}

static int has_key(const pctx *p, const char *key) {
    cl_value v;
    cl_error e;
    return p->ops->input_param(p->st, p->i, key, &v, &e) != CL_OK || v.kind != CL_VALUE_NONE;
}

#define TRY(x)                        \
    do {                              \
        cl_status st_ = (x);          \
        if (st_ != CL_OK) return st_; \
    } while (0)

static cl_status positive(const pctx *p, const char *key, double v, cl_error *err) {
    if (!(v > 0)) return cl_error_fail(err, CL_EFORMAT, "%s.%s: %g must be > 0", p->in->where, key, v);
    return CL_OK;
}

/* bmtk IClamp: amp, delay and duration are numbers or lists of the same
 * length (one clamp per element). */
static cl_status parse_iclamp(const pctx *p, cl_netin *n, cl_error *err) {
    const char *keys[3] = {"amp", "delay", "duration"};
    double **dst[3] = {&n->amps, &n->dels, &n->durs};
    size_t len[3];
    for (int k = 0; k < 3; k++) {
        cl_value v;
        cl_error e;
        cl_status ps = p->ops->input_param(p->st, p->i, keys[k], &v, &e);
        if (ps == CL_OK) {
            double x;
            TRY(pnum(p, keys[k], 1, 0, &x, err));
            *dst[k] = malloc(sizeof(double));
            if (!*dst[k]) return cl_error_fail(err, CL_ENOMEM, "out of memory");
            (*dst[k])[0] = x;
            len[k] = 1;
        } else {
            if (!p->ops->input_param_array) return cl_error_fail(err, ps, "%s", e.msg);
            TRY(p->ops->input_param_array(p->st, p->i, keys[k], dst[k], &len[k], err));
            if (len[k] == 0)
                return cl_error_fail(err, CL_EFORMAT, "%s.%s: an empty list", p->in->where, keys[k]);
            for (size_t j = 0; j < len[k]; j++)
                if (!isfinite((*dst[k])[j]))
                    return cl_error_fail(err, CL_EFORMAT, "%s.%s[%zu]: %g is not a finite number", p->in->where, keys[k],
                                         j, (*dst[k])[j]);
        }
    }
    if (len[0] != len[1] || len[0] != len[2])
        return cl_error_fail(err, CL_EFORMAT, "%s: amp, delay and duration have %zu, %zu and %zu elements (expected the same)",
                             p->in->where, len[0], len[1], len[2]);
    n->n_list = len[0];
    for (size_t j = 0; j < n->n_list; j++) {
        if (n->dels[j] < 0) return cl_error_fail(err, CL_EFORMAT, "%s.delay: %g is negative", p->in->where, n->dels[j]);
        if (n->durs[j] < 0)
            return cl_error_fail(err, CL_EFORMAT, "%s.duration: %g is negative", p->in->where, n->durs[j]);
    }
    cl_value v;
    TRY(p->ops->input_param(p->st, p->i, "section_name", &v, err));
    if (v.kind == CL_VALUE_NUMBER)
        return cl_error_fail(err, CL_EFORMAT, "%s.section_name: expected a string", p->in->where);
    n->section_name = v.kind == CL_VALUE_STRING ? v.str : NULL;
    double si = 0;
    TRY(pnum(p, "section_index", 0, 0, &si, err));
    if (si < 0 || si != floor(si) || si > 1e9)
        return cl_error_fail(err, CL_EFORMAT, "%s.section_index: %g is not an index", p->in->where, si);
    n->section_index = (int)si;
    TRY(pnum(p, "segment_x", 0, 0.5, &n->segment_x, err));
    if (!(n->segment_x >= 0 && n->segment_x <= 1))
        return cl_error_fail(err, CL_EFORMAT, "%s.segment_x: %g is not in [0, 1]", p->in->where, n->segment_x);
    return CL_OK;
}

cl_status cl_netin_parse(const cl_circuit_ops *ops, void *st, size_t i, unsigned family_count[3], cl_netin **out,
                         cl_error *err) {
    *out = NULL;
    cl_input in;
    TRY(ops->input(st, i, &in, err));
    if (!in.where) in.where = "input";
    const char *type = in.input_type ? in.input_type : "";
    const char *mname = in.module;
    /* spikes (and synapse_replay) are replayed by the spike-input path */
    if (!strcmp(type, "spikes") || (mname && !strcmp(mname, "synapse_replay"))) return CL_OK;
    if (!mname && !strcmp(type, "current_clamp")) mname = "IClamp"; /* bmtk's default clamp */
    if (!mname) return cl_error_fail(err, CL_EFORMAT, "%s.module: missing", in.where);
    const modinfo *m = NULL;
    for (size_t k = 0; k < sizeof MODS / sizeof MODS[0]; k++)
        if (!strcmp(MODS[k].name, mname)) m = &MODS[k];
    if (!m) {
        for (size_t k = 0; UNSUPPORTED[k]; k++)
            if (!strcmp(UNSUPPORTED[k], mname))
                return cl_error_fail(err, CL_EFORMAT, "%s.module: \"%s\" inputs are not supported", in.where, mname);
        return cl_error_fail(err, CL_EFORMAT, "%s.module: unknown module \"%s\"", in.where, mname);
    }
    unsigned t = !strcmp(type, "current_clamp") ? T_CUR
                 : !strcmp(type, "conductance") ? T_COND
                 : !strcmp(type, "voltage_clamp") ? T_VC
                                                  : 0;
    if (!(t & m->types))
        return cl_error_fail(err, CL_EFORMAT, "%s.input_type: \"%s\" is not one module \"%s\" takes (%s%s%s)", in.where,
                             type, m->name, m->types & T_CUR ? "current_clamp" : "",
                             m->types & T_COND ? ", conductance" : "", m->types & T_VC ? "voltage_clamp" : "");
    cl_netin *n = calloc(1, sizeof *n);
    if (!n) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    n->in = in;
    n->in.module = m->name;
    n->mod = m;
    n->conductance = t == T_COND;
    n->segment_x = 0.5;
    pctx p = {ops, st, i, &n->in};
    cl_status s = CL_OK;
    if (!ops->input_param) {
        s = cl_error_fail(err, CL_EFORMAT, "%s: the circuit cannot read input parameters", in.where);
        goto done;
    }
    for (int k = 0; k < 6 && m->req[k] && !s; k++) {
        double x;
        s = pnum(&p, m->req[k], 1, 0, &x, err);
    }
    if (s) goto done;
    if (m->id == M_ICLAMP) {
        s = parse_iclamp(&p, n, err);
        goto done;
    }
    /* every BBP module has delay and duration: numbers, >= 0 */
    if ((s = pnum(&p, "delay", 1, 0, &n->in.delay, err)) || (s = pnum(&p, "duration", 1, 0, &n->in.duration, err)))
        goto done;
    if (n->in.delay < 0) {
        s = cl_error_fail(err, CL_EFORMAT, "%s.delay: %g is negative", in.where, n->in.delay);
        goto done;
    }
    if (n->in.duration < 0) {
        s = cl_error_fail(err, CL_EFORMAT, "%s.duration: %g is negative", in.where, n->in.duration);
        goto done;
    }
    double seed = 0;
    n->has_seed = has_key(&p, "random_seed");
    if (n->has_seed && (s = pnum(&p, "random_seed", 1, 0, &seed, err))) goto done;
    n->seed = seed;
    switch (m->id) {
    case M_LINEAR: /* a = amp_start, b = amp_end */
        if (!(s = pnum(&p, "amp_start", 1, 0, &n->a, err))) s = pnum(&p, "amp_end", 0, n->a, &n->b, err);
        break;
    case M_RELLINEAR: /* a, b = percent_start, percent_end */
        if (!(s = pnum(&p, "percent_start", 1, 0, &n->a, err))) s = pnum(&p, "percent_end", 0, n->a, &n->b, err);
        n->needs = CL_NETIN_THRESHOLD;
        break;
    case M_HYPER:
        n->needs = CL_NETIN_HOLDING;
        break;
    case M_SUBTHR: /* a = percent_less */
        s = pnum(&p, "percent_less", 1, 0, &n->a, err);
        n->needs = CL_NETIN_THRESHOLD;
        break;
    case M_PULSE: /* a = amp, b = frequency Hz, c = width ms */
        if (!(s = pnum(&p, "amp_start", 1, 0, &n->a, err)) && !(s = pnum(&p, "frequency", 1, 0, &n->b, err)))
            s = pnum(&p, "width", 1, 0, &n->c, err);
        if (!s && (n->b < 0 || n->c < 0))
            s = cl_error_fail(err, CL_EFORMAT, "%s: frequency %g and width %g must be >= 0", in.where, n->b, n->c);
        break;
    case M_SIN: /* a = amp, b = frequency */
        if (!(s = pnum(&p, "amp_start", 1, 0, &n->a, err)) && !(s = pnum(&p, "frequency", 1, 0, &n->b, err)) &&
            !(s = pnum(&p, "dt", 0, 0.025, &n->dt, err)))
            s = positive(&p, "dt", n->dt, err);
        break;
    case M_SECLAMP: /* a = voltage, b = series resistance */
        if (!(s = pnum(&p, "voltage", 1, 0, &n->a, err)) && !(s = pnum(&p, "series_resistance", 0, 0.01, &n->b, err)))
            s = positive(&p, "series_resistance", n->b, err);
        break;
    case M_NOISE: /* a = mean (or mean_percent), b = variance (or its percent of threshold) */
        if ((s = pnum(&p, "dt", 0, 0.5, &n->dt, err)) || (s = positive(&p, "dt", n->dt, err))) break;
        if (has_key(&p, "mean")) {
            if (has_key(&p, "mean_percent")) {
                s = cl_error_fail(err, CL_EFORMAT, "%s: both mean and mean_percent given (one of them)", in.where);
                break;
            }
            s = pnum(&p, "mean", 1, 0, &n->a, err);
        } else {
            n->c = 1; /* relative */
            n->needs = CL_NETIN_THRESHOLD;
            s = pnum(&p, "mean_percent", 1, 0, &n->a, err);
        }
        if (!s && !(s = pnum(&p, "variance", 1, 0, &n->b, err))) s = positive(&p, "variance", n->b, err);
        n->family_index = family_count[0]++;
        break;
    case M_SHOT: case M_RELSHOT: case M_ABSSHOT: /* a = tau_R, b = tau_D, c, d = rate & amp_mean & amp_var or mean & sd */
        if ((s = pnum(&p, "dt", 0, 0.25, &n->dt, err)) || (s = positive(&p, "dt", n->dt, err)) ||
            (s = pnum(&p, "reversal", 0, 0, &n->reversal, err)) || (s = pnum(&p, "rise_time", 1, 0, &n->a, err)) ||
            (s = pnum(&p, "decay_time", 1, 0, &n->b, err)))
            break;
        if (!(n->a < n->b)) {
            s = cl_error_fail(err, CL_EFORMAT, "%s: rise_time %g must be smaller than decay_time %g", in.where, n->a, n->b);
            break;
        }
        if (m->id == M_SHOT) {
            if (!(s = pnum(&p, "rate", 1, 0, &n->c, err)) && !(s = pnum(&p, "amp_mean", 1, 0, &n->d, err)) &&
                !(s = pnum(&p, "amp_var", 1, 0, &n->e, err))) {
                if (n->c < 0) s = cl_error_fail(err, CL_EFORMAT, "%s.rate: %g is negative", in.where, n->c);
                else if (n->d == 0) s = cl_error_fail(err, CL_EFORMAT, "%s.amp_mean: must be non-zero", in.where);
                else s = positive(&p, "amp_var", n->e, err);
            }
        } else {
            const char *mk = m->id == M_RELSHOT ? "mean_percent" : "mean", *sk = m->id == M_RELSHOT ? "sd_percent" : "sigma";
            if ((s = pnum(&p, mk, 1, 0, &n->c, err)) || (s = pnum(&p, sk, 1, 0, &n->d, err)) || (s = positive(&p, sk, n->d, err)))
                break;
            if (!has_key(&p, "amp_cv")) {
                s = cl_error_fail(err, CL_EFORMAT,
                                  "%s.amp_cv: missing; libsonata's relative_skew is not implemented here (give "
                                  "neurodamus' amp_cv, the coefficient of variation of the shot amplitudes)",
                                  in.where);
                break;
            }
            double cv;
            if ((s = pnum(&p, "amp_cv", 1, 0, &cv, err)) || (s = positive(&p, "amp_cv", cv, err))) break;
            n->cv2 = cv * cv;
            if (m->id == M_RELSHOT) n->needs = n->conductance ? CL_NETIN_RIN : CL_NETIN_THRESHOLD;
        }
        n->family_index = family_count[1]++;
        break;
    case M_OU: case M_RELOU: /* a = tau, b = sigma (or sd_percent), c = mean (or mean_percent) */
        if ((s = pnum(&p, "dt", 0, 0.25, &n->dt, err)) || (s = positive(&p, "dt", n->dt, err)) ||
            (s = pnum(&p, "reversal", 0, 0, &n->reversal, err)) || (s = pnum(&p, "tau", 1, 0, &n->a, err)))
            break;
        if (n->a < 0) {
            s = cl_error_fail(err, CL_EFORMAT, "%s.tau: %g is negative", in.where, n->a);
            break;
        }
        if (m->id == M_OU) {
            if (!(s = pnum(&p, "sigma", 1, 0, &n->b, err)) && !(s = positive(&p, "sigma", n->b, err)))
                s = pnum(&p, "mean", 1, 0, &n->c, err);
        } else {
            if (!(s = pnum(&p, "sd_percent", 1, 0, &n->b, err)) && !(s = positive(&p, "sd_percent", n->b, err)))
                s = pnum(&p, "mean_percent", 1, 0, &n->c, err);
            n->needs = n->conductance ? CL_NETIN_RIN : CL_NETIN_THRESHOLD;
        }
        n->family_index = family_count[2]++;
        break;
    default:
        break;
    }
done:
    if (s) {
        cl_netin_free(n);
        return s;
    }
    *out = n;
    return CL_OK;
}

/* ---- neurodamus' SignalSource: a piecewise-linear (time, value) list ---- */

typedef struct sig {
    cl_waveform *w;
    double t;
    cl_error *err;
    cl_status st;
} sig;

static void pt(sig *s, double y) {
    if (s->st == CL_OK) s->st = cl_waveform_append(s->w, s->t, y, s->err);
}
/* amp held (or ramped to amp2) for duration */
static void segment(sig *s, double amp, double duration, double amp2) {
    pt(s, amp);
    s->t += duration;
    pt(s, amp2);
}
static void pulse(sig *s, double amp, double duration) {
    pt(s, 0);
    segment(s, amp, duration, amp);
    pt(s, 0);
}
/* 0 until the delay (the newer SignalSource's delay: a base point at 0
 * and at the delay; the old one started the signal at its first sample,
 * i.e. from t = 0) */
static void start(sig *s, double delay) {
    if (delay > 0) {
        pt(s, 0);
        s->t = delay;
        pt(s, 0);
    }
}

/* NEURON's Vector.indgen(start, stop, step) length. */
static size_t indgen_n(double a, double b, double step) { return (size_t)floor((b - a) / step + 1e-9) + 1; }

/* A standard-normal stream keyed as neurodamus keys Random123. */
static void rng_for(const cl_netin *n, const cl_netin_cell *c, uint32_t seed1_add, uint32_t seed2_add,
                    uint32_t seed3_add, cl_rng *r) {
    double rs = isnan(n->in.run_seed) ? 0 : n->in.run_seed;
    uint32_t seed1 = (uint32_t)n->family_index + seed1_add;   /* the input's block: family count */
    uint32_t seed2 = (uint32_t)(int64_t)rs + seed2_add;        /* the stimulus seed */
    uint64_t seed3 = n->has_seed ? (uint64_t)(int64_t)n->seed : c->node + seed3_add; /* the cell */
    cl_rng_init(r, ((uint64_t)seed2 << 32) | seed1, seed3);
}

/* Play w as neurodamus attaches its sources: the clamp is on until the
 * signal's last time (IClamp dur, SEClamp dur1) — after it, NEURON's
 * continuous play would hold the mean of the last two points (a jump). */
static cl_status play(cl_sim *sim, cl_section sec, double x, const cl_waveform *w, double t_end, const cl_netin *n,
                      cl_pp *out, cl_error *err) {
    cl_status st = cl_inject_waveform(sim, sec, x, w, n->conductance ? CL_INJECT_CONDUCTANCE : CL_INJECT_CURRENT,
                                      n->reversal, 0, out);
    if (!st) st = cl_pp_set(sim, *out, n->conductance ? "dur1" : "dur", t_end);
    if (st) return cl_error_fail(err, st, "%s: %s", n->in.where, cl_sim_errmsg(sim));
    return CL_OK;
}

/* neurodamus' shot noise (Poisson events, gamma amplitudes, bi-exponential
 * response by a composite autoregressive process) from t = s->t. */
static cl_status shot(sig *s, cl_rng *r, double tau_D, double tau_R, double rate, double amp_mean, double amp_var,
                      double duration, double dt) {
    size_t nt = indgen_n(s->t, s->t + duration, dt);
    double *E = calloc(nt, sizeof *E), *P = calloc(nt, sizeof *P), *B = calloc(nt, sizeof *B);
    if (!E || !P || !B) {
        free(E), free(P), free(B);
        return cl_error_fail(s->err, CL_ENOMEM, "out of memory");
    }
    double sign = 1;
    if (amp_mean < 0) amp_mean = -amp_mean, sign = -1;
    double scale = amp_var / amp_mean, shape = amp_mean / scale;
    /* event times: exponential intervals of mean 1/rate s, in ms */
    double tev = 0;
    if (rate > 0)
        for (;;) {
            tev += cl_rng_exponential(r) / rate * 1000;
            if (!(tev < duration)) break;
            double k = nearbyint(tev / dt);
            if (k < (double)nt) E[(size_t)k] += sign * cl_rng_gamma(r, shape) * scale;
        }
    double a = exp(-dt / tau_D), b = exp(-dt / tau_R), D = -log(a), R = -log(b);
    double t_peak = log(R / D) / (R - D);
    double A = (a / b - 1) / (pow(a, t_peak) - pow(b, t_peak));
    for (size_t k = 1; k < nt; k++) {
        P[k] = a * P[k - 1] + b * B[k - 1];
        B[k] = b * B[k - 1] + E[k - 1];
    }
    double t0 = s->t;
    for (size_t k = 0; k < nt; k++) {
        s->t = t0 + (double)k * dt;
        pt(s, P[k] * A);
    }
    free(E), free(P), free(B);
    s->t = t0 + duration;
    pt(s, 0);
    return s->st;
}

cl_status cl_netin_build(const cl_netin *n, cl_sim *sim, cl_section sec, double x, const cl_netin_cell *c,
                         cl_pp *made, size_t cap, size_t *n_made, cl_error *err) {
    *n_made = 0;
    const char *where = n->in.where;
    double d = n->in.delay, T = n->in.duration;
    if (n->mod->id == M_ICLAMP) { /* bmtk: plain IClamps with del/dur/amp */
        for (size_t j = 0; j < n->n_list; j++) {
            cl_pp ic;
            if (cl_pp_new(sim, "IClamp", sec, x, &ic) || cl_pp_set(sim, ic, "del", n->dels[j]) ||
                cl_pp_set(sim, ic, "dur", n->durs[j]) || cl_pp_set(sim, ic, "amp", n->amps[j]))
                return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(sim));
            if (*n_made < cap) made[*n_made] = ic;
            ++*n_made;
        }
        return CL_OK;
    }
    if (n->mod->id == M_SECLAMP) { /* neurodamus: the delay is ignored */
        cl_pp vc;
        if (cl_pp_new(sim, "SEClamp", sec, x, &vc) || cl_pp_set(sim, vc, "rs", n->b) ||
            cl_pp_set(sim, vc, "dur1", T) || cl_pp_set(sim, vc, "amp1", n->a))
            return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(sim));
        if (cap) made[0] = vc;
        *n_made = 1;
        return CL_OK;
    }
    /* per-cell values */
    const char *miss = NULL;
    if ((n->needs & CL_NETIN_HOLDING) && !isfinite(c->holding)) miss = "holding current (@dynamics:holding_current)";
    if ((n->needs & CL_NETIN_THRESHOLD) && !isfinite(c->threshold))
        miss = "threshold current (@dynamics:threshold_current)";
    if ((n->needs & CL_NETIN_RIN) && !(c->input_resistance > 0)) miss = "input resistance (@dynamics:input_resistance)";
    if (miss)
        return cl_error_fail(err, CL_EFORMAT, "%s: module \"%s\" needs the %s of population \"%s\" node %llu, which has none",
                             where, n->mod->name, miss, c->pop, (unsigned long long)c->node);
    double thr = c->threshold;
    sig s = {.err = err};
    TRY(cl_waveform_new(&s.w, err));
    cl_rng r;
    switch (n->mod->id) {
    case M_LINEAR: case M_RELLINEAR: case M_HYPER: case M_SUBTHR: {
        double a1 = n->a, a2 = n->b;
        if (n->mod->id == M_RELLINEAR) a1 = thr * (n->a / 100), a2 = thr * (n->b / 100);
        if (n->mod->id == M_HYPER) a1 = a2 = c->holding;
        if (n->mod->id == M_SUBTHR) a1 = a2 = thr * (100 - n->a) / 100;
        if (a1 == 0 && a2 == 0 && n->mod->id != M_HYPER && n->mod->id != M_SUBTHR) break; /* a no-op in neurodamus */
        start(&s, d);
        pt(&s, 0);
        segment(&s, a1, T, a2);
        pt(&s, 0);
        break;
    }
    case M_PULSE: { /* neurodamus' add_train */
        double amp = n->a, freq = n->b, width = n->c;
        if (!(freq > 0 && width > 0)) break;
        start(&s, d);
        double tau = 1000 / freq, gap = tau - width;
        double np = floor(T / tau);
        for (double k = 0; k < np; k++) {
            pulse(&s, amp, width);
            s.t += gap;
        }
        double rem = T - np * tau;
        if (width <= rem) {
            pulse(&s, amp, width);
            s.t += fmin(gap, rem - width);
        } else
            pulse(&s, amp, rem);
        pt(&s, 0);
        break;
    }
    case M_SIN: { /* neurodamus' add_sin: samples every dt, NEURON's Vector.sin */
        if (!(n->b > 0)) break;
        start(&s, d);
        double t0 = s.t;
        size_t m = indgen_n(t0, t0 + T, n->dt);
        double w = 2 * NI_PI / 1000 * n->b * n->dt;
        for (size_t k = 0; k < m; k++) {
            s.t = t0 + (double)k * n->dt;
            pt(&s, sin(w * (double)k + 0.0) * n->a);
        }
        s.t = t0 + T;
        pt(&s, 0);
        break;
    }
    case M_NOISE: { /* normal(mean, variance) every dt */
        double mean = n->a, var = n->b;
        if (n->c) mean = thr * n->a / 100, var = thr * n->b / 100;
        if (!(var > 0)) {
            cl_waveform_free(s.w);
            return cl_error_fail(err, CL_EFORMAT, "%s: the variance %g of population \"%s\" node %llu is not > 0", where,
                                 var, c->pop, (unsigned long long)c->node);
        }
        rng_for(n, c, 100, 500, 300, &r);
        start(&s, d);
        double t0 = s.t, sd = sqrt(var);
        size_t m = indgen_n(t0, t0 + T, n->dt);
        for (size_t k = 0; k < m; k++) {
            s.t = t0 + (double)k * n->dt;
            pt(&s, mean + sd * cl_rng_normal(&r));
        }
        s.t = t0 + T;
        pt(&s, 0);
        break;
    }
    case M_SHOT: case M_RELSHOT: case M_ABSSHOT: {
        double tau_R = n->a, tau_D = n->b, rate = n->c, amp_mean = n->d, amp_var = n->e;
        if (n->mod->id != M_SHOT) { /* Campbell's theorem: rate and amplitudes from the signal's mean and sd */
            double rel = n->mod->id == M_ABSSHOT ? 1 : (n->conductance ? 1 / c->input_resistance : thr);
            double mean = n->mod->id == M_ABSSHOT ? n->c : n->c / 100 * rel;
            double sdv = n->mod->id == M_ABSSHOT ? n->d : n->d / 100 * rel;
            double var = sdv * sdv;
            double t_peak = log(tau_D / tau_R) / (1 / tau_R - 1 / tau_D);
            double x_peak = exp(-t_peak / tau_D) - exp(-t_peak / tau_R);
            double rate_ms = (1 + n->cv2) / 2 * (mean * mean / var) / (tau_D + tau_R);
            rate = rate_ms * 1000;
            amp_mean = mean * x_peak / rate_ms / (tau_D - tau_R);
            amp_var = n->cv2 * amp_mean * amp_mean;
            if (mean == 0) break; /* a no-op in neurodamus */
        }
        if (!(rate > 0) || (size_t)(T / n->dt) == 0) break;
        rng_for(n, c, 2997, 19216, 123, &r);
        start(&s, d);
        TRY(shot(&s, &r, tau_D, tau_R, rate, amp_mean, amp_var, T, n->dt));
        break;
    }
    case M_OU: case M_RELOU: {
        double tau = n->a, sigma = n->b, mean = n->c;
        if (n->mod->id == M_RELOU) {
            double rel = n->conductance ? 1 / c->input_resistance : thr;
            sigma = n->b / 100 * rel;
            mean = n->c / 100 * rel;
            if (!(sigma > 0)) {
                cl_waveform_free(s.w);
                return cl_error_fail(err, CL_EFORMAT, "%s: sigma %g of population \"%s\" node %llu is not > 0", where,
                                     sigma, c->pop, (unsigned long long)c->node);
            }
        }
        rng_for(n, c, 2997, 291204, 123, &r);
        start(&s, d);
        double t0 = s.t, prev = 0;
        size_t m = indgen_n(t0, t0 + T, n->dt);
        double mu = tau < 1e-9 ? 0 : exp(-n->dt / tau), A = tau < 1e-9 ? sigma : sigma * sqrt(1 - mu * mu);
        for (size_t k = 0; k < m; k++) {
            double z = cl_rng_normal(&r) * A, v = tau < 1e-9 ? z : (k == 0 ? 0 : prev * mu + z);
            prev = v;
            s.t = t0 + (double)k * n->dt;
            pt(&s, v + mean);
        }
        s.t = t0 + T;
        pt(&s, 0);
        break;
    }
    default:
        break;
    }
    cl_status st = s.st;
    if (!st && cl_waveform_size(s.w) > 0) {
        if (n->conductance) { /* neurodamus: g clipped to [1e-9, 1e9) uS before rs = 1/g */
            size_t m = cl_waveform_size(s.w);
            const double *tv = cl_waveform_times(s.w), *yv = cl_waveform_values(s.w);
            cl_waveform *g;
            st = cl_waveform_new(&g, err);
            if (!st) st = cl_waveform_append(g, 0, 1e-9, err);
            for (size_t k = 0; k < m && !st; k++)
                st = cl_waveform_append(g, tv[k], yv[k] > 1e-9 && yv[k] < 1e9 ? yv[k] : 1e-9, err);
            cl_pp pp;
            if (!st) st = play(sim, sec, x, g, tv[m - 1], n, &pp, err);
            if (!st) {
                if (cap) made[0] = pp;
                *n_made = 1;
            }
            cl_waveform_free(g);
        } else {
            cl_pp pp;
            st = play(sim, sec, x, s.w, cl_waveform_times(s.w)[cl_waveform_size(s.w) - 1], n, &pp, err);
            if (!st) {
                if (cap) made[0] = pp;
                *n_made = 1;
            }
        }
    }
    cl_waveform_free(s.w);
    return st;
}
