/* Playing a waveform into a section: current clamp, conductance clamp,
 * voltage clamp (BlueCelluLab's inject_current_waveform,
 * inject_dynamic_clamp_signal and add_voltage_clamp). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_tools.h"
#include "sim/sim.h"
#include "util/util.h"
#include "sim/inject_int.h"

/* Smallest conductance played: a zero sample would make rs = 1/g infinite and
 * the interpolation between two infinities NaN. 1e-12 µS is rs = 1e12 MΩ,
 * under 1e-10 nA at 100 mV of driving force. */
#define MIN_CONDUCTANCE_US 1e-12

/* The clamp stays on for the whole run: its own timing is not used. */
#define ALWAYS_ON_MS 1e9

static cl_status add_play(cl_sim *s, const char *fn, cl_pp pp, const char *var, const double *t,
                          const double *y, size_t n, int reciprocal) {
    cl_engine *e = &s->eng;
    int pi = cl_handle_index(s, pp.id, CL_TAG_PP, fn, "pp");
    if (pi < 0) return CL_EHANDLE;
    int k = cl_mech_var_find(cl_eng_type(&s->eng, e->pp[pi].type), var);
    size_t cap = (size_t)e->capplay;
    if (CL_GROW(e->play, cap, (size_t)e->nplay + 1) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    e->capplay = (int)cap;
    cl_playobj *p = &e->play[e->nplay];
    memset(p, 0, sizeof *p);
    p->t = malloc(n * sizeof *p->t);
    p->y = malloc(n * sizeof *p->y);
    if (!p->t || !p->y) {
        free(p->t);
        free(p->y);
        return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    }
    for (size_t i = 0; i < n; i++) {
        p->t[i] = t[i];
        p->y[i] = reciprocal ? 1.0 / fmax(y[i], MIN_CONDUCTANCE_US) : y[i];
    }
    p->n = n;
    p->alive = 1;
    p->pp = pi;
    p->var = k;
    e->nplay++;
    cl_sim_structure_changed(s);
    return CL_OK;
}

#define TRY(call)                     \
    do {                              \
        cl_status st_ = (call);       \
        if (st_ != CL_OK) return st_; \
    } while (0)

cl_status cl_inject_waveform(cl_sim *s, cl_section sec, double x, const cl_waveform *w,
                             cl_inject_mode mode, double reversal_mV, double rs_MOhm, cl_stim *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_inject_waveform";
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    out->id = 0;
    if (cl_handle_index(s, sec.id, CL_TAG_SECTION, fn, "sec") < 0) return CL_EHANDLE;
    if (!w || cl_waveform_size(w) == 0) return cl_fail(s, CL_EINVAL, "%s: w: the waveform is NULL or empty", fn);
    if (!(x >= 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "%s: x: expected 0 <= x <= 1, got %g", fn, x);
    size_t n = cl_waveform_size(w);
    const double *t = cl_waveform_times(w), *y = cl_waveform_values(w);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(t[i]) || !isfinite(y[i]) || (i && t[i] < t[i - 1]))
            return cl_fail(s, CL_EINVAL, "%s: w: point %zu (%g ms, %g) is not finite or goes back in time", fn, i, t[i], y[i]);
        if (mode == CL_INJECT_CONDUCTANCE && y[i] < 0)
            return cl_fail(s, CL_EINVAL, "%s: w: conductance %g uS at %g ms is negative", fn, y[i], t[i]);
    }
    cl_pp pp;
    switch (mode) {
    case CL_INJECT_CURRENT:
        TRY(cl_pp_new(s, "IClamp", sec, x, &pp));
        TRY(cl_pp_set(s, pp, "del", 0));
        TRY(cl_pp_set(s, pp, "dur", ALWAYS_ON_MS));
        TRY(add_play(s, fn, pp, "amp", t, y, n, 0));
        break;
    case CL_INJECT_CONDUCTANCE:
        if (!isfinite(reversal_mV))
            return cl_fail(s, CL_EINVAL, "%s: reversal_mV: expected a finite number, got %g", fn, reversal_mV);
        TRY(cl_pp_new(s, "SEClamp", sec, x, &pp));
        TRY(cl_pp_set(s, pp, "dur1", ALWAYS_ON_MS));
        TRY(cl_pp_set(s, pp, "amp1", reversal_mV));
        TRY(add_play(s, fn, pp, "rs", t, y, n, 1)); /* rs = 1/g */
        break;
    case CL_INJECT_VOLTAGE:
        if (!isfinite(rs_MOhm) || rs_MOhm <= 0)
            return cl_fail(s, CL_EINVAL, "%s: series_resistance_MOhm: expected a finite number > 0, got %g", fn, rs_MOhm);
        TRY(cl_pp_new(s, "SEClamp", sec, x, &pp));
        TRY(cl_pp_set(s, pp, "dur1", ALWAYS_ON_MS));
        TRY(cl_pp_set(s, pp, "rs", rs_MOhm));
        TRY(add_play(s, fn, pp, "amp1", t, y, n, 0));
        break;
    default:
        return cl_fail(s, CL_EINVAL, "%s: mode: %d is not a cl_inject_mode", fn, (int)mode);
    }
    *out = pp;
    return cl_ok(s);
}

static cl_status play_var(cl_sim *s, const char *fn, cl_pp pp, const char *var, const double *t, const double *y,
                          size_t n, int any_order) {
    if (!s) return CL_EINVAL;
    if (n == 0) return cl_fail(s, CL_EINVAL, "%s: no points", fn);
    for (size_t i = 0; i < n; i++)
        if (!isfinite(t[i]) || !isfinite(y[i]) || (!any_order && i && t[i] < t[i - 1]))
            return cl_fail(s, CL_EINVAL, "%s: point %zu (%g ms, %g) is not finite or goes back in time", fn, i, t[i], y[i]);
    int pi = cl_handle_index(s, pp.id, CL_TAG_PP, fn, "pp");
    if (pi < 0) return CL_EHANDLE;
    if (cl_mech_var_find(cl_eng_type(&s->eng, s->eng.pp[pi].type), var) < 0)
        return cl_fail(s, CL_ENOTFOUND, "%s: the point process has no variable \"%s\"", fn, var);
    TRY(add_play(s, fn, pp, var, t, y, n, 0));
    return cl_ok(s);
}

/* Internal (src/sim/inject_int.h): play values into any variable of a point
 * process, as Vector.play(&pp.var, t, 1), without conversion. */
cl_status cl_inject_play_var(cl_sim *s, cl_pp pp, const char *var, const double *t, const double *y, size_t n) {
    return play_var(s, "cl_inject_play_var", pp, var, t, y, n, 0);
}

/* Internal: the same with times in any order (NEURON plays them as given). */
cl_status cl_inject_play_var_any(cl_sim *s, cl_pp pp, const char *var, const double *t, const double *y, size_t n) {
    return play_var(s, "cl_inject_play_var_any", pp, var, t, y, n, 1);
}
