/* Inputs of a network simulation: the simulation config's "inputs" read
 * generically (cl_input + input_param), checked against the module
 * definitions of libsonata (BBP) and bmtk, and built per cell. The
 * deterministic BBP modules are built the way neurodamus builds them (its
 * SignalSource time/value vectors, played into an IClamp's amp with
 * Vector.play(..., 1)), as of neurodamus' last release. Every input is
 * built or refused: nothing is silently dropped.
 *
 * The random inputs (noise, shot noise, Ornstein-Uhlenbeck, current or
 * conductance) are built as BlueCelluLab builds them in its Random123 mode,
 * the one SONATA has: the same hoc Random123 streams (seeded from the
 * family count, run.stimulus_seed and the node id or the input's
 * random_seed), the same libg++ draws (src/stim/hocrand.c) and the same
 * vectors (TStim.noise; stimuli_generator's shot noise and OU), so a
 * BlueCelluLab replay injects the same currents, quirks included (see
 * bcl_noise). */
#include "sim/network_inputs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_tools.h"
#include "sim/inject_int.h"
#include "stim/hocrand.h"
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
    if (has_key(&p, "compartment_set")) { /* not silently widened to every node */
        s = cl_error_fail(err, CL_EFORMAT, "%s.compartment_set: compartment-set targets are not supported", in.where);
        goto done;
    }
    for (int k = 0; k < 6 && m->req[k] && !s && m->id != M_ICLAMP; k++) { /* IClamp: numbers or lists */
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
    if (!(seed >= 0 && seed <= 4294967295.0 && seed == floor(seed))) {
        s = cl_error_fail(err, CL_EFORMAT, "%s.random_seed: %g is not an integer in [0, 2^32)", in.where, seed);
        goto done;
    }
    n->seed = seed;
    if (!isnan(in.run_seed) && !(in.run_seed >= 0 && in.run_seed <= 4294967295.0 && in.run_seed == floor(in.run_seed))) {
        s = cl_error_fail(err, CL_EFORMAT, "%s: the run's stimulus_seed %g is not an integer in [0, 2^32)", in.where,
                          in.run_seed);
        goto done;
    }
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
            if ((s = pnum(&p, "relative_skew", 0, 0.5, &n->e, err))) break;
            if (!(n->e >= 0 && n->e <= 1)) {
                s = cl_error_fail(err, CL_EFORMAT, "%s.relative_skew: %g is not in [0, 1]", in.where, n->e);
                break;
            }
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
    /* sampled signals: a bound on their points (never an endless build) */
    if (!s) {
        double span = m->id == M_NOISE ? n->in.delay + n->in.duration : n->in.duration; /* noise draws from 0 */
        double pts = n->dt > 0 ? span / n->dt : m->id == M_PULSE && n->b > 0 ? n->in.duration * n->b / 1000 : 0;
        if (pts > 1e8)
            s = cl_error_fail(err, CL_EFORMAT, "%s: duration %g ms makes %.3g signal points (at most 1e8)", in.where,
                              n->in.duration, pts);
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
    double base; /* SignalSource's base_amp: 0, or a conductance source's reversal */
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
    pt(s, s->base);
    segment(s, amp, duration, amp);
    pt(s, s->base);
}
/* SignalSource(base, delay): a base point at 0, then the signal from the
 * delay (every shape starts with a base point of its own) */
static void start(sig *s, double delay) {
    if (delay > 0) {
        pt(s, s->base);
        s->t = delay;
    }
}

/* NEURON's Vector.indgen(start, stop, step) length. */
static size_t indgen_n(double a, double b, double step) { return (size_t)floor((b - a) / step + 1e-9) + 1; }

/* ---- BlueCelluLab's random inputs (Random123 mode) ----
 * The streams are hoc Random objects seeded as BlueCelluLab's injector
 * seeds them, Random123(family count + c1, stimulus_seed + c2, node id + c3
 * or the input's random_seed), drawn through NEURON's libg++ distributions
 * (src/stim/hocrand.c); the signals are its TStim.noise and its
 * stimuli_generator's shot noise and Ornstein-Uhlenbeck vectors, number for
 * number (each hoc r.normal(...), r.negexp(...) or r.uniform(...) call
 * draws a value of its own that is thrown away). */

/* NEURON's values of tstop and dt when BlueCelluLab builds its stimuli: it
 * sets h.tstop and h.dt only when it runs, so TStim.noise sees stdrun.hoc's
 * tstop = 5 ms and NEURON's dt = 0.025 ms. */
#define TSTIM_TSTOP 5.0
#define TSTIM_DT 0.025

/* A (t, y) pair of growing vectors (hoc Vector.append). */
typedef struct vec2 {
    double *t, *y;
    size_t n, cap;
} vec2;

static int v2_add(vec2 *v, double t, double y) {
    if (v->n == v->cap) {
        size_t cap = v->cap ? 2 * v->cap : 256;
        double *nt = realloc(v->t, cap * sizeof *nt);
        if (!nt) return -1;
        v->t = nt;
        double *ny = realloc(v->y, cap * sizeof *ny);
        if (!ny) return -1;
        v->y = ny;
        v->cap = cap;
    }
    v->t[v->n] = t;
    v->y[v->n++] = y;
    return 0;
}
static void v2_free(vec2 *v) {
    free(v->t);
    free(v->y);
}

/* Vector.indgen(start, end, step)'s length (step 0 < step <= |end - start|,
 * else NEURON stops with "arg out of range": 0 here). */
static size_t indgen_count(double start, double end, double step) {
    if (!(step > 0 && step <= fabs(end - start))) return 0;
    return (size_t)(floor((end - start) / step + 1e-9) + 1.);
}

/* r.NAME(a, b) in hoc: a new distribution, and one draw */
static double hoc_dist(cl_hocrand *r, int dist, double a, double b, unsigned gix) {
    char msg[96];
    if (cl_hocrand_set(r, dist, a, b, msg, sizeof msg)) return NAN; /* parameters checked by the callers */
    return cl_hocrand_pick(r, gix);
}

/* BlueCelluLab's gamma(rng, shape a, scale b, N) (Marsaglia and Tsang 2000;
 * for a < 1, gamma(a + 1) times u^(1/a) with the u drawn first). */
static int bcl_gamma(cl_hocrand *r, unsigned gix, double a, double b, size_t N, double *out) {
    if (a < 1) {
        (void)hoc_dist(r, CL_HOCRAND_UNIFORM, 0, 1, gix);
        double *w = malloc((N ? N : 1) * sizeof *w), p = 1 / a;
        if (!w) return -1;
        for (size_t i = 0; i < N; i++) w[i] = cl_hocrand_pick(r, gix);
        for (size_t i = 0; i < N; i++) w[i] = p == 2 ? w[i] * w[i] : pow(w[i], p); /* Vector.pow */
        int st = bcl_gamma(r, gix, 1 + a, b, N, out);
        for (size_t i = 0; i < N; i++) out[i] *= w[i];
        free(w);
        return st;
    }
    double d = a - 1.0 / 3, c = 1.0 / 3 / sqrt(d);
    for (size_t i = 0; i < N; i++) {
        for (;;) {
            double x = hoc_dist(r, CL_HOCRAND_NORMAL, 0, 1, gix);
            double v = 1 + c * x;
            if (!(v > 0)) continue;
            v = v * v * v;
            double u = hoc_dist(r, CL_HOCRAND_UNIFORM, 0, 1, gix);
            if (u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v))) {
                out[i] = b * d * v;
                break;
            }
        }
    }
    return 0;
}

/* TStim.noise(delay, duration, mean, variance, dT) with RNG mode Random123:
 * the draws a noise started at 0 would have used before the delay are
 * drawn first (in chunks of duration - dt), then one value every dT from
 * the delay to its end; the first is 0 when there is a delay, the last 0
 * when the noise ends before tstop; then a point (0 ms, 0) is appended (so
 * after the last sample NEURON's continuous play extrapolates the last
 * segment back to (0, 0): a current growing with t, not 0). An indgen
 * NEURON refuses is refused (returns a message). */
static const char *bcl_noise(cl_hocrand *r, unsigned gix, double delay, double duration, double mean, double var,
                             double dT, vec2 *v) {
    char msg[96];
    if (cl_hocrand_set(r, CL_HOCRAND_NORMAL, mean, var, msg, sizeof msg)) return "a negative variance";
    (void)cl_hocrand_pick(r, gix);
    double tend = delay + duration;
    if (delay > 0) {
        double prev = 0, tstep = tend - delay - TSTIM_DT;
        if (!(tstep > 0)) return "its duration is not above NEURON's dt (TStim.noise would not end)";
        while (prev < delay - TSTIM_DT) {
            double next = prev + tstep < delay - TSTIM_DT ? prev + tstep : delay - TSTIM_DT;
            size_t m = indgen_count(prev, next, dT);
            if (!m) return "TStim.noise's draws before the delay take a chunk shorter than dt (NEURON's indgen fails)";
            for (size_t k = 0; k < m; k++) (void)cl_hocrand_pick(r, gix);
            prev = next + TSTIM_DT;
        }
    }
    size_t m = indgen_count(delay, tend, dT);
    if (!m) return "its duration is shorter than dt (NEURON's indgen fails)";
    for (size_t k = 0; k < m; k++)
        if (v2_add(v, (double)k * dT + delay, cl_hocrand_pick(r, gix))) return "out of memory";
    if (delay > 0) v->y[0] = 0; /* delay > t, t = 0 when the stimulus is made */
    if (tend < TSTIM_TSTOP) v->y[m - 1] = 0;
    if (v2_add(v, 0, 0)) return "out of memory";
    return NULL;
}

/* The time vector of stimuli_generator's signals: indgen(0, duration, dt)
 * (ntstep points); the caller appends (duration, 0) and adds the delay. */
static size_t bcl_ntstep(double duration, double dt) { return indgen_count(0, duration, dt); }

/* gen_shotnoise_signal: Poisson events (exponential intervals of mean
 * 1/rate s, a first batch of n + 3 sqrt(n) then batches of 100 until past
 * the end; cumulated, in ms), rounded to the dt grid (half to even), gamma
 * amplitudes drawn after every interval, a bi-exponential response by a
 * composite autoregressive process. v gets ntstep values + (duration, 0). */
static int bcl_shot(cl_hocrand *r, unsigned gix, double tau_D, double tau_R, double rate, double amp_mean,
                    double amp_var, double duration, double dt, double delay, vec2 *v) {
    size_t nt = bcl_ntstep(duration, dt), cap = 0, nev = 0;
    double rate_ms = rate / 1000;
    double na = (double)(1 + (long long)(duration * rate_ms));
    size_t napprox = (size_t)(na + 3 * sqrt(na));
    (void)hoc_dist(r, CL_HOCRAND_NEGEXP, 1 / rate, 0, gix);
    double *ev = NULL, *E = NULL, *P = NULL, *B = NULL, *amp = NULL;
    int st = -1;
    for (size_t batch = napprox; nev == 0 || ev[nev - 1] < duration; batch = 100) {
        if (nev + batch > cap) {
            cap = 2 * (nev + batch);
            double *ne = realloc(ev, cap * sizeof *ev);
            if (!ne) goto out;
            ev = ne;
        }
        double base = nev ? ev[nev - 1] : 0, cum = 0;
        for (size_t k = 0; k < batch; k++) {
            double iei = cl_hocrand_pick(r, gix);
            cum = k ? cum + iei * 1. : iei; /* Vector.integral(iei, 1) */
            ev[nev + k] = nev ? cum * 1000 + base : cum * 1000;
        }
        nev += batch;
    }
    size_t nk = 0; /* events kept: before the end, index inside the grid */
    for (size_t k = 0; k < nev; k++) {
        if (!(ev[k] < duration)) continue;
        double idx = nearbyint(ev[k] / dt); /* Python's round: half to even */
        if (idx < (double)nt) ev[nk++] = idx;
    }
    double sign = 1;
    if (amp_mean < 0) amp_mean = -amp_mean, sign = -1;
    double scale = amp_var / amp_mean, shape = amp_mean / scale;
    E = calloc(nt, sizeof *E), P = calloc(nt, sizeof *P), B = calloc(nt, sizeof *B);
    amp = malloc((nk ? nk : 1) * sizeof *amp);
    if (!E || !P || !B || !amp || bcl_gamma(r, gix, shape, scale, nk, amp)) goto out;
    for (size_t k = 0; k < nk; k++) E[(size_t)ev[k]] += sign * amp[k];
    double a = exp(-dt / tau_D), b = exp(-dt / tau_R), D = -log(a), R = -log(b);
    double t_peak = log(R / D) / (R - D);
    double A = (a / b - 1) / (pow(a, t_peak) - pow(b, t_peak));
    for (size_t k = 1; k < nt; k++) {
        P[k] = a * P[k - 1] + b * B[k - 1];
        B[k] = b * B[k - 1] + E[k - 1];
    }
    st = 0;
    for (size_t k = 0; k < nt && !st; k++) st = v2_add(v, (double)k * dt + delay, P[k] * A);
    if (!st) st = v2_add(v, duration + delay, 0);
out:
    free(ev), free(E), free(P), free(B), free(amp);
    return st;
}

/* gen_ornstein_uhlenbeck: ntstep standard normals (after the one hoc's
 * r.normal(0, 1) draws); white noise sigma z if tau < 1e-9, else the exact
 * update x[n] = x[n-1] mu + A z[n] from x[0] = 0; plus the mean. */
static int bcl_ou(cl_hocrand *r, unsigned gix, double tau, double sigma, double mean, double duration, double dt,
                  double delay, vec2 *v) {
    size_t nt = bcl_ntstep(duration, dt);
    (void)hoc_dist(r, CL_HOCRAND_NORMAL, 0, 1, gix);
    double mu = tau < 1e-9 ? 0 : exp(-dt / tau), A = tau < 1e-9 ? sigma : sigma * sqrt(1 - mu * mu), prev = 0;
    for (size_t k = 0; k < nt; k++) {
        double z = cl_hocrand_pick(r, gix) * A, x = tau < 1e-9 ? z : (k == 0 ? 0 : prev * mu + z);
        prev = x;
        if (v2_add(v, (double)k * dt + delay, x + mean)) return -1;
    }
    return v2_add(v, duration + delay, 0);
}

/* BlueCelluLab's inject_current_clamp_signal (an IClamp on until the last
 * time, amp played) or inject_dynamic_clamp_signal (an SEClamp at the
 * reversal on until the last time, a (0, 0) point put first, rs = 1/g
 * played, 1e9 MOhm where g is not in (1e-9, 1e9) uS). */
static cl_status bcl_inject(cl_sim *sim, cl_section sec, double x, const cl_netin *n, const vec2 *v, cl_pp *out,
                            cl_error *err) {
    const char *where = n->in.where;
    double tlast = v->t[v->n - 1];
    if (!n->conductance) {
        if (cl_pp_new(sim, "IClamp", sec, x, out) || cl_pp_set(sim, *out, "dur", tlast) ||
            cl_inject_play_var(sim, *out, "amp", v->t, v->y, v->n))
            return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(sim));
        return CL_OK;
    }
    double *t2 = malloc((v->n + 1) * sizeof *t2), *rs = malloc((v->n + 1) * sizeof *rs);
    cl_status st = CL_OK;
    if (!t2 || !rs) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
    else {
        t2[0] = 0, rs[0] = 1e9;
        for (size_t k = 0; k < v->n; k++) {
            t2[k + 1] = v->t[k];
            rs[k + 1] = v->y[k] > 1e-9 && v->y[k] < 1e9 ? 1 / v->y[k] : 1e9;
        }
        if (cl_pp_new(sim, "SEClamp", sec, x, out) || cl_pp_set(sim, *out, "dur1", tlast) ||
            cl_pp_set(sim, *out, "amp1", n->reversal) || cl_inject_play_var(sim, *out, "rs", t2, rs, v->n + 1))
            st = cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(sim));
    }
    free(t2);
    free(rs);
    return st;
}

/* noise, shot noise and Ornstein-Uhlenbeck inputs on one cell, as
 * BlueCelluLab builds them (Random123 mode), with the per-cell values
 * already checked. */
static cl_status build_random(const cl_netin *n, cl_sim *sim, cl_section sec, double x, const cl_netin_cell *c,
                              cl_pp *made, size_t cap, size_t *n_made, cl_error *err) {
    const char *where = n->in.where;
    double d = n->in.delay, T = n->in.duration, thr = c->threshold;
    double sseed = isnan(n->in.run_seed) ? 0 : n->in.run_seed; /* run.stimulus_seed (checked: 32 bits) */
    double node = (double)c->node, fam = (double)n->family_index;
    unsigned gix = cl_sim_random123_globalindex(sim); /* BlueCelluLab: Random123_globalindex(run.random_seed) */
    cl_hocrand r = {0};
    vec2 v = {0};
    const char *bad = NULL;
    switch (n->mod->id) {
    case M_NOISE: { /* add_replay_noise: the input's random_seed is not used */
        double mean = n->a, var = n->b;
        if (n->c) mean = n->a * thr / 100, var = n->b * thr / 100;
        if (!(var > 0))
            return cl_error_fail(err, CL_EFORMAT, "%s: the variance %g of population \"%s\" node %llu is not > 0", where,
                                 var, c->pop, (unsigned long long)c->node);
        cl_hocrand_random123(&r, fam + 100, sseed + 500, node + 300);
        bad = bcl_noise(&r, gix, d, T, mean, var, n->dt, &v);
        break;
    }
    case M_SHOT: case M_RELSHOT: case M_ABSSHOT: {
        double tau_R = n->a, tau_D = n->b, rate = n->c, amp_mean = n->d, amp_var = n->e;
        if (n->mod->id != M_SHOT) {
            /* get_relative_shotnoise_params: the first three cumulants of
             * the signal (mean, sd, a skewness between its bounds for a
             * bi-exponential shot noise, placed by relative_skew) give the
             * gamma amplitudes' mean and variance and the Poisson rate
             * (Campbell's theorem generalised, Rice 1944); absolute_shot_noise
             * (not in BlueCelluLab) takes its mean and sd as they are */
            double rel = n->mod->id == M_ABSSHOT ? 1 : (n->conductance ? 1.0 / c->input_resistance : thr);
            double mean = n->mod->id == M_ABSSHOT ? n->c : n->c / 100 * rel;
            double sdv = n->mod->id == M_ABSSHOT ? n->d : n->d / 100 * rel;
            if (mean == 0) return CL_OK; /* a no-op in neurodamus (a division by 0 in BlueCelluLab) */
            double t_peak = log(tau_D / tau_R) / (1 / tau_R - 1 / tau_D);
            double f_peak = exp(-t_peak / tau_D) - exp(-t_peak / tau_R);
            double xi = (tau_D - tau_R) / f_peak, A1 = 1 / (tau_D + tau_R);
            double B1 = 1 / ((tau_D + 2 * tau_R) * (2 * tau_D + tau_R));
            double skew_min = (8.0 / 3) * (B1 / (A1 * A1)) * (sdv / mean);
            double skew = (1 + n->e) * skew_min;
            if (!(skew >= skew_min && skew <= 2 * skew_min))
                return cl_error_fail(err, CL_EFORMAT,
                                     "%s: population \"%s\" node %llu: the skewness is out of its bounds (mean %g, sd %g: "
                                     "a negative mean?)",
                                     where, c->pop, (unsigned long long)c->node, mean, sdv);
            double l21 = sdv * sdv / mean, l32 = sdv * skew;
            double th1 = 2 / (A1 * xi) * l21, th2 = (3 * A1) / (4 * B1 * xi) * l32;
            amp_mean = 2 * th1 - th2;
            amp_var = amp_mean * (th2 - th1);
            double rate_ms = mean / (amp_mean * xi);
            rate = rate_ms * 1000;
        }
        if (!(rate > 0)) return CL_OK; /* no events (a division by 0 in BlueCelluLab) */
        if (!(T * rate / 1000 < 1e8))
            return cl_error_fail(err, CL_EFORMAT, "%s: population \"%s\" node %llu: rate %g Hz over %g ms is over 1e8 events",
                                 where, c->pop, (unsigned long long)c->node, rate, T);
        if (!bcl_ntstep(T, n->dt)) {
            bad = "its duration is shorter than dt (NEURON's indgen fails)";
            break;
        }
        cl_hocrand_random123(&r, fam + 2997, sseed + 19216, n->has_seed ? n->seed : node + 123);
        if (bcl_shot(&r, gix, tau_D, tau_R, rate, amp_mean, amp_var, T, n->dt, d, &v)) bad = "out of memory";
        break;
    }
    case M_OU: case M_RELOU: {
        double tau = n->a, sigma = n->b, mean = n->c;
        if (n->mod->id == M_RELOU) {
            double rel = n->conductance ? 1.0 / c->input_resistance : thr;
            sigma = n->b / 100 * rel;
            mean = n->c / 100 * rel;
            if (!(sigma > 0))
                return cl_error_fail(err, CL_EFORMAT, "%s: sigma %g of population \"%s\" node %llu is not > 0", where,
                                     sigma, c->pop, (unsigned long long)c->node);
        }
        if (!bcl_ntstep(T, n->dt)) {
            bad = "its duration is shorter than dt (NEURON's indgen fails)";
            break;
        }
        cl_hocrand_random123(&r, fam + 2997, sseed + 291204, n->has_seed ? n->seed : node + 123);
        if (bcl_ou(&r, gix, tau, sigma, mean, T, n->dt, d, &v)) bad = "out of memory";
        break;
    }
    default:
        break;
    }
    cl_status st = CL_OK;
    cl_pp pp;
    if (bad) st = cl_error_fail(err, CL_EFORMAT, "%s: population \"%s\" node %llu: %s", where, c->pop,
                                (unsigned long long)c->node, bad);
    else if (n->mod->id == M_NOISE) { /* TStim: an IClamp always on, the vectors played as they are */
        if (cl_pp_new(sim, "IClamp", sec, x, &pp) || cl_pp_set(sim, pp, "del", 0) || cl_pp_set(sim, pp, "dur", 1e308) ||
            cl_inject_play_var_any(sim, pp, "amp", v.t, v.y, v.n))
            st = cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(sim));
    } else
        st = bcl_inject(sim, sec, x, n, &v, &pp, err);
    v2_free(&v);
    if (!st) {
        if (cap) made[0] = pp;
        *n_made = 1;
    }
    return st;
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
    if (n->mod->id >= M_NOISE) return build_random(n, sim, sec, x, c, made, cap, n_made, err);
    double thr = c->threshold;
    sig s = {.err = err, .base = 0}; /* the deterministic modules are currents */
    TRY(cl_waveform_new(&s.w, err));
    switch (n->mod->id) {
    case M_LINEAR: case M_RELLINEAR: case M_HYPER: case M_SUBTHR: {
        double a1 = n->a, a2 = n->b;
        if (n->mod->id == M_RELLINEAR) a1 = thr * (n->a / 100), a2 = thr * (n->b / 100);
        if (n->mod->id == M_HYPER) a1 = a2 = c->holding;
        if (n->mod->id == M_SUBTHR) a1 = a2 = thr * (100 - n->a) / 100;
        if (a1 == 0 && a2 == 0 && n->mod->id != M_HYPER && n->mod->id != M_SUBTHR) break; /* a no-op in neurodamus */
        start(&s, d);
        pt(&s, s.base);
        segment(&s, a1, T, a2);
        pt(&s, s.base);
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
        pt(&s, s.base);
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
        pt(&s, s.base);
        break;
    }
    default:
        break;
    }
    cl_status st = s.st;
    if (!st && cl_waveform_size(s.w) > 0) {
        /* neurodamus' current source: an IClamp on from 0 until the signal's
         * last time (after it, NEURON's continuous play would hold the mean
         * of the last two points, a jump), the signal played into amp */
        const double *tv = cl_waveform_times(s.w);
        cl_pp pp;
        st = cl_inject_waveform(sim, sec, x, s.w, CL_INJECT_CURRENT, 0, 0, &pp);
        if (!st) st = cl_pp_set(sim, pp, "dur", tv[cl_waveform_size(s.w) - 1]);
        if (st) st = cl_error_fail(err, st, "%s: %s", where, cl_sim_errmsg(sim));
        else {
            if (cap) made[0] = pp;
            *n_made = 1;
        }
    }
    cl_waveform_free(s.w);
    return st;
}
