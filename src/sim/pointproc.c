/* Point processes, artificial cells, connections and recordings. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "util/util.h"

int cl_cell_soma_index(const cl_engine *e, int c);        /* section.c */

#define PP_INDEX(fn, h, arg) cl_handle_index(s, (h).id, CL_TAG_PP, fn, arg)

static cl_status new_pp(cl_sim *s, const char *fn, const char *mech, int sec, double x, cl_pp *out) {
    cl_engine *e = &s->eng;
    if (!mech) return cl_fail(s, CL_EINVAL, "%s: mech is NULL", fn);
    int t = cl_eng_find(&s->eng, mech);
    if (t < 0) return cl_fail(s, CL_ENOTFOUND, "%s: mech: no mechanism named \"%s\"", fn, mech);
    const cl_mech_type *mt = cl_eng_type(&s->eng, t);
    if (sec >= 0 && mt->kind != CL_MECH_POINT)
        return cl_fail(s, CL_EINVAL, "%s: mech: %s is not a point process%s", fn, mech,
                       mt->kind == CL_MECH_ARTIFICIAL ? " (it is an artificial cell: use cl_artcell_new)"
                                                      : " (insert density mechanisms with cl_section_insert)");
    if (sec < 0 && mt->kind != CL_MECH_ARTIFICIAL)
        return cl_fail(s, CL_EINVAL, "%s: mech: %s is not an artificial cell%s", fn, mech,
                       mt->kind == CL_MECH_POINT ? " (it needs a location: use cl_pp_new)" : "");
    if (sec >= 0 && mt->nion && (x == 0 || x == 1))
        return cl_fail(s, CL_EINVAL, "%s: x: %s uses ions and cannot sit at the zero-area end x = %g",
                       fn, mech, x);
    size_t cap = (size_t)e->cappp;
    if (CL_GROW(e->pp, cap, (size_t)e->npp + 1) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    e->cappp = (int)cap;
    cl_ppobj *p = &e->pp[e->npp];
    memset(p, 0, sizeof *p);
    /* every variable starts at its default: nothing stored (cl_pp_val_put) */
    if (sec >= 0 && cl_sec_add_ions(e, &e->sec[sec], mt) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    p->type = t;
    p->alive = 1;
    p->sec = sec;
    p->x = x;
    p->seq = ++e->seq;
    p->presyn = -1;
    out->id = cl_handle_make(s, CL_TAG_PP, e->npp++);
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_pp_new(cl_sim *s, const char *mech, cl_section sec, double x, cl_pp *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_pp_new";
    int i = cl_handle_index(s, sec.id, CL_TAG_SECTION, fn, "sec");
    if (i < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    out->id = 0;
    if (!(x >= 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "%s: x: expected 0 <= x <= 1, got %g", fn, x);
    return new_pp(s, fn, mech, i, x, out);
}

cl_status cl_artcell_new(cl_sim *s, const char *mech, cl_pp *out) {
    if (!s) return CL_EINVAL;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_artcell_new: out is NULL");
    out->id = 0;
    return new_pp(s, "cl_artcell_new", mech, -1, 0, out);
}

static cl_status pp_var(cl_sim *s, const char *fn, cl_pp h, const char *var, int *pi, int *k) {
    *pi = PP_INDEX(fn, h, "pp");
    if (*pi < 0) return CL_EHANDLE;
    if (!var) return cl_fail(s, CL_EINVAL, "%s: var is NULL", fn);
    const cl_mech_type *mt = cl_eng_type(&s->eng, s->eng.pp[*pi].type);
    *k = cl_mech_var_find(mt, var);
    if (*k < 0) return cl_fail(s, CL_ENOTFOUND, "%s: var: %s has no variable \"%s\"", fn, mt->name, var);
    return CL_OK;
}

cl_status cl_pp_set(cl_sim *s, cl_pp h, const char *var, double value) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_pp_set";
    int pi, k = -1;
    cl_status st = pp_var(s, fn, h, var, &pi, &k);
    if (st != CL_OK) return st;
    if (!isfinite(value)) return cl_fail(s, CL_EINVAL, "%s: %s: expected a finite number, got %g", fn, var, value);
    cl_engine *e = &s->eng;
    cl_ppobj *p = &e->pp[pi];
    const cl_mech_type *mt = cl_eng_type(&s->eng, p->type);
    if (strcmp(mt->name, "NetStim") == 0 && strcmp(var, "noise") == 0 && value != 0)
        return cl_fail(s, CL_EINVAL, "%s: noise: NetStim with noise > 0 needs random streams, which "
                                     "are not supported yet; use noise = 0 or a VecStim with your own times", fn);
    if ((strcmp(mt->name, "IClamp") == 0 && strcmp(var, "dur") == 0 && value < 0) ||
        (strcmp(mt->name, "SEClamp") == 0 && strcmp(var, "rs") == 0 && value <= 0) ||
        (strcmp(var, "tau") == 0 && value <= 0) || (strcmp(var, "tau1") == 0 && value <= 0) ||
        (strcmp(var, "tau2") == 0 && value <= 0))
        return cl_fail(s, CL_EINVAL, "%s: %s: %g is out of range for %s", fn, var, value, mt->name);
    if (cl_pp_val_put(e, p, k, value) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    if (e->compiled) e->block[p->type].var[k][p->inst] = value;
    return cl_ok(s);
}

cl_status cl_pp_get(cl_sim *s, cl_pp h, const char *var, double *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_pp_get";
    int pi, k = -1;
    cl_status st = pp_var(s, fn, h, var, &pi, &k);
    if (st != CL_OK) return st;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    const cl_engine *e = &s->eng;
    const cl_ppobj *p = &e->pp[pi];
    *out = e->compiled ? e->block[p->type].var[k][p->inst] : cl_pp_val_get(e, p, k);
    return cl_ok(s);
}

cl_status cl_vecstim_play(cl_sim *s, cl_pp h, const double *times, size_t n) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_vecstim_play";
    int pi = PP_INDEX(fn, h, "vecstim");
    if (pi < 0) return CL_EHANDLE;
    cl_ppobj *p = &s->eng.pp[pi];
    if (strcmp(cl_eng_type(&s->eng, p->type)->name, "VecStim") != 0)
        return cl_fail(s, CL_EINVAL, "%s: vecstim: is a %s, not a VecStim", fn, cl_eng_type(&s->eng, p->type)->name);
    if (n && !times) return cl_fail(s, CL_EINVAL, "%s: times is NULL with n = %zu", fn, n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(times[i]) || times[i] < 0)
            return cl_fail(s, CL_EINVAL, "%s: times[%zu]: expected a finite time >= 0 ms, got %g", fn, i, times[i]);
        if (i && times[i] < times[i - 1])
            return cl_fail(s, CL_EINVAL, "%s: times[%zu] = %g is before times[%zu] = %g: times must not decrease",
                           fn, i, times[i], i - 1, times[i - 1]);
    }
    p->ev.n = 0;
    free(p->ev.v);
    p->ev.v = NULL;
    p->ev.nv = 0;
    for (size_t i = 0; i < n; i++)
        if (cl_event_list_push(&p->ev, times[i]) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    s->eng.initialized = 0;
    return cl_ok(s);
}

cl_status cl_pp_play(cl_sim *s, cl_pp h, const double *times, const double *values, size_t n) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_pp_play";
    int pi = PP_INDEX(fn, h, "pp");
    if (pi < 0) return CL_EHANDLE;
    cl_ppobj *p = &s->eng.pp[pi];
    if (n && !times) return cl_fail(s, CL_EINVAL, "%s: times is NULL with n = %zu", fn, n);
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(times[i]) || times[i] < 0)
            return cl_fail(s, CL_EINVAL, "%s: times[%zu]: expected a finite time >= 0 ms, got %g", fn, i, times[i]);
        if (i && times[i] < times[i - 1])
            return cl_fail(s, CL_EINVAL, "%s: times[%zu] = %g is before times[%zu] = %g: times must not decrease",
                           fn, i, times[i], i - 1, times[i - 1]);
        if (values && !isfinite(values[i]))
            return cl_fail(s, CL_EINVAL, "%s: values[%zu]: expected a finite number, got %g", fn, i, values[i]);
    }
    double *v = NULL;
    if (values && n) {
        v = malloc(n * sizeof *v);
        if (!v) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
        memcpy(v, values, n * sizeof *v);
    }
    p->ev.n = 0;
    for (size_t i = 0; i < n; i++)
        if (cl_event_list_push(&p->ev, times[i]) != 0) {
            free(v);
            return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
        }
    free(p->ev.v);
    p->ev.v = v;
    p->ev.nv = v ? n : 0;
    s->eng.initialized = 0;
    return cl_ok(s);
}

static cl_status not_run(cl_sim *s, const char *fn) {
    return cl_fail(s, CL_ESTATE, "%s: nothing recorded yet: run the simulation first (cl_sim_run)", fn);
}

cl_status cl_apcount_times(cl_sim *s, cl_pp h, const double **times, size_t *n) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_apcount_times";
    int pi = PP_INDEX(fn, h, "apcount");
    if (pi < 0) return CL_EHANDLE;
    if (!times || !n) return cl_fail(s, CL_EINVAL, "%s: times and n must not be NULL", fn);
    cl_ppobj *p = &s->eng.pp[pi];
    if (strcmp(cl_eng_type(&s->eng, p->type)->name, "APCount") != 0)
        return cl_fail(s, CL_EINVAL, "%s: apcount: is a %s, not an APCount", fn, cl_eng_type(&s->eng, p->type)->name);
    if (!s->eng.initialized) return not_run(s, fn);
    *times = p->ev.t;
    *n = p->ev.n;
    return cl_ok(s);
}

cl_status cl_pp_delete(cl_sim *s, cl_pp h) {
    if (!s) return CL_EINVAL;
    int pi = PP_INDEX("cl_pp_delete", h, "pp");
    if (pi < 0) return CL_EHANDLE;
    cl_sim_kill_pp(&s->eng, pi);
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_cell_add_step(cl_sim *s, cl_cell cell, double start, double stop, double level, cl_stim *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_cell_add_step";
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, fn, "cell");
    if (c < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    if (!isfinite(start) || start < 0)
        return cl_fail(s, CL_EINVAL, "%s: start_ms: expected a finite time >= 0, got %g", fn, start);
    if (!isfinite(stop) || stop < start)
        return cl_fail(s, CL_EINVAL, "%s: stop_ms: expected a finite time >= start_ms (%g), got %g", fn, start, stop);
    if (!isfinite(level)) return cl_fail(s, CL_EINVAL, "%s: level_nA: expected a finite number, got %g", fn, level);
    int soma = cl_cell_soma_index(&s->eng, c);
    if (soma < 0) return cl_fail(s, CL_ESTATE, "%s: cell %s has no sections", fn, s->eng.cell[c].name);
    cl_status st = new_pp(s, fn, "IClamp", soma, 0.5, out);
    if (st != CL_OK) return st;
    cl_ppobj *p = &s->eng.pp[s->eng.npp - 1];
    const cl_mech_type *mt = cl_eng_type(&s->eng, p->type);
    if (cl_pp_val_put(&s->eng, p, cl_mech_var_find(mt, "del"), start) != 0 ||
        cl_pp_val_put(&s->eng, p, cl_mech_var_find(mt, "dur"), stop - start) != 0 ||
        cl_pp_val_put(&s->eng, p, cl_mech_var_find(mt, "amp"), level) != 0)
        return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    return cl_ok(s);
}

/* ---- connections ---------------------------------------------------------- */

static int new_presyn(cl_engine *e, int pp, int sec, double x) {
    for (int i = 0; i < e->npresyn; i++) {
        const cl_presyn *q = &e->presyn[i];
        if (!q->dead && (pp >= 0 ? q->pp == pp : (q->pp < 0 && q->sec == sec && q->x == x))) return i;
    }
    size_t cap = (size_t)e->cappresyn;
    if (CL_GROW(e->presyn, cap, (size_t)e->npresyn + 1) != 0) return -1;
    e->cappresyn = (int)cap;
    cl_presyn *p = &e->presyn[e->npresyn];
    memset(p, 0, sizeof *p);
    p->pp = pp;
    p->sec = sec;
    p->x = x;
    p->threshold = 10.;
    p->node = -1;
    if (pp >= 0) e->pp[pp].presyn = e->npresyn;
    return e->npresyn++;
}

static cl_status new_netcon(cl_sim *s, const char *fn, int ps, cl_pp target, cl_netcon *out) {
    cl_engine *e = &s->eng;
    int ti = -1, nw = 1;
    if (target.id) {
        ti = PP_INDEX(fn, target, "target");
        if (ti < 0) return CL_EHANDLE;
        const cl_mech_type *mt = cl_eng_type(&s->eng, e->pp[ti].type);
        if (!mt->net_receive)
            return cl_fail(s, CL_EINVAL, "%s: target: %s does not receive events", fn, mt->name);
        nw = mt->nweight;
    }
    size_t cap = (size_t)e->capnc;
    if (CL_GROW(e->nc, cap, (size_t)e->nnc + 1) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    e->capnc = (int)cap;
    cl_netconobj *nc = &e->nc[e->nnc];
    if (CL_GROW(e->ncw, e->capncw, e->nncw + (size_t)nw) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    memset(nc, 0, sizeof *nc);
    nc->w0 = e->nncw;
    for (int k = 0; k < nw; k++) e->ncw[e->nncw++] = 0.;
    nc->nw = nw;
    nc->alive = 1;
    nc->presyn = ps;
    nc->target = ti;
    nc->delay = 1.;
    out->id = cl_handle_make(s, CL_TAG_NETCON, e->nnc++);
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_netcon_from_section(cl_sim *s, cl_section sec, double x, cl_pp target, cl_netcon *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_netcon_from_section";
    int si = cl_handle_index(s, sec.id, CL_TAG_SECTION, fn, "sec");
    if (si < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    out->id = 0;
    if (!(x >= 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "%s: x: expected 0 <= x <= 1, got %g", fn, x);
    if (target.id && PP_INDEX(fn, target, "target") < 0) return CL_EHANDLE;
    int ps = new_presyn(&s->eng, -1, si, x);
    if (ps < 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    return new_netcon(s, fn, ps, target, out);
}

cl_status cl_netcon_from_pp(cl_sim *s, cl_pp source, cl_pp target, cl_netcon *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_netcon_from_pp";
    int pi = PP_INDEX(fn, source, "source");
    if (pi < 0) return CL_EHANDLE;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    out->id = 0;
    const cl_mech_type *mt = cl_eng_type(&s->eng, s->eng.pp[pi].type);
    if (!mt->emits_events)
        return cl_fail(s, CL_EINVAL, "%s: source: %s does not emit events (for a voltage threshold "
                                     "use cl_netcon_from_section)", fn, mt->name);
    if (target.id && PP_INDEX(fn, target, "target") < 0) return CL_EHANDLE;
    int ps = new_presyn(&s->eng, pi, -1, 0);
    if (ps < 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    return new_netcon(s, fn, ps, target, out);
}

#define NC_INDEX(fn, h) cl_handle_index(s, (h).id, CL_TAG_NETCON, fn, "nc")

cl_status cl_netcon_set_weight(cl_sim *s, cl_netcon h, int index, double w) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_netcon_set_weight";
    int i = NC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    cl_netconobj *nc = &s->eng.nc[i];
    if (index < 0 || index >= nc->nw)
        return cl_fail(s, CL_EINVAL, "%s: index: %d is out of range (this connection has %d weight%s)",
                       fn, index, nc->nw, nc->nw == 1 ? "" : "s");
    if (!isfinite(w)) return cl_fail(s, CL_EINVAL, "%s: weight: expected a finite number, got %g", fn, w);
    cl_nc_w(&s->eng, nc)[index] = w;
    return cl_ok(s);
}

cl_status cl_netcon_get_weight(cl_sim *s, cl_netcon h, int index, double *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_netcon_get_weight";
    int i = NC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    const cl_netconobj *nc = &s->eng.nc[i];
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    if (index < 0 || index >= nc->nw)
        return cl_fail(s, CL_EINVAL, "%s: index: %d is out of range (this connection has %d weight%s)", fn, index,
                       nc->nw, nc->nw == 1 ? "" : "s");
    *out = cl_nc_w(&s->eng, nc)[index];
    return cl_ok(s);
}

cl_status cl_netcon_set_delay(cl_sim *s, cl_netcon h, double delay) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_netcon_set_delay";
    int i = NC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!isfinite(delay) || delay < 0)
        return cl_fail(s, CL_EINVAL, "%s: delay: expected a finite number >= 0 ms, got %g", fn, delay);
    s->eng.nc[i].delay = delay;
    return cl_ok(s);
}

cl_status cl_netcon_set_threshold(cl_sim *s, cl_netcon h, double th) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_netcon_set_threshold";
    int i = NC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!isfinite(th)) return cl_fail(s, CL_EINVAL, "%s: threshold: expected a finite number, got %g", fn, th);
    s->eng.presyn[s->eng.nc[i].presyn].threshold = th;
    return cl_ok(s);
}

cl_status cl_netcon_record(cl_sim *s, cl_netcon h) {
    if (!s) return CL_EINVAL;
    int i = NC_INDEX("cl_netcon_record", h);
    if (i < 0) return CL_EHANDLE;
    cl_presyn *p = &s->eng.presyn[s->eng.nc[i].presyn];
    if (!p->record) {
        p->record = 1;
        s->eng.initialized = 0;
    }
    return cl_ok(s);
}

cl_status cl_netcon_spikes(cl_sim *s, cl_netcon h, const double **times, size_t *n) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_netcon_spikes";
    int i = NC_INDEX(fn, h);
    if (i < 0) return CL_EHANDLE;
    if (!times || !n) return cl_fail(s, CL_EINVAL, "%s: times and n must not be NULL", fn);
    const cl_presyn *p = &s->eng.presyn[s->eng.nc[i].presyn];
    if (!p->record) return cl_fail(s, CL_ESTATE, "%s: this connection's spikes are not recorded: call cl_netcon_record before running", fn);
    if (!s->eng.initialized) return not_run(s, fn);
    *times = p->spikes.t;
    *n = p->spikes.n;
    return cl_ok(s);
}

/* ---- recordings ----------------------------------------------------------- */

static cl_status new_rec(cl_sim *s, const char *fn, cl_recobj r, cl_rec *out) {
    cl_engine *e = &s->eng;
    if (!isfinite(r.interval) || r.interval < 0)
        return cl_fail(s, CL_EINVAL, "%s: interval: expected a finite number >= 0 ms (0: every step), got %g",
                       fn, r.interval);
    size_t cap = (size_t)e->caprec;
    if (CL_GROW(e->rec, cap, (size_t)e->nrec + 1) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    e->caprec = (int)cap;
    r.alive = 1;
    r.ptr = NULL;
    memset(&r.data, 0, sizeof r.data);
    e->rec[e->nrec] = r;
    int idx = e->nrec++;
    if (e->compiled) cl_engine_compile(e); /* resolve the new target */
    e->initialized = 0;
    if (out) out->id = cl_handle_make(s, CL_TAG_REC, idx);
    return cl_ok(s);
}

cl_status cl_rec_section(cl_sim *s, cl_section sec, double x, const char *var, double interval, cl_rec *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_rec_section";
    int si = cl_handle_index(s, sec.id, CL_TAG_SECTION, fn, "sec");
    if (si < 0) return CL_EHANDLE;
    if (!var || !out) return cl_fail(s, CL_EINVAL, "%s: var and out must not be NULL", fn);
    out->id = 0;
    if (!(x >= 0 && x <= 1)) return cl_fail(s, CL_EINVAL, "%s: x: expected 0 <= x <= 1, got %g", fn, x);
    cl_recobj r = {.kind = CL_REC_SEC, .sec = si, .x = x, .type = -1, .interval = interval};
    if (strcmp(var, "v") != 0) {
        double dummy;
        cl_status st = cl_section_get_at(s, sec, x, var, &dummy);
        if (st != CL_OK) return st;
        if (strcmp(var, "diam") == 0 || strcmp(var, "cm") == 0)
            return cl_fail(s, CL_EINVAL, "%s: var: %s does not change during a run; read it with cl_section_get_at", fn, var);
        /* find the (type, var) pair the name resolved to */
        const cl_sec *sc = &s->eng.sec[si];
        for (int m = 0; m < sc->nmech && r.type < 0; m++) {
            const cl_mech_type *mt = cl_eng_type(&s->eng, sc->mech[m].type);
            for (int k = 0; k < mt->nvar; k++) {
                char full[96];
                if (mt->kind == CL_MECH_ION) snprintf(full, sizeof full, "%s", mt->vars[k].name);
                else snprintf(full, sizeof full, "%s_%s", mt->vars[k].name, mt->name);
                if (strcmp(full, var) == 0) { r.type = sc->mech[m].type; r.var = k; break; }
            }
        }
    }
    return new_rec(s, fn, r, out);
}

cl_status cl_rec_pp(cl_sim *s, cl_pp pp, const char *var, double interval, cl_rec *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_rec_pp";
    int pi, k = -1;
    cl_status st = pp_var(s, fn, pp, var, &pi, &k);
    if (st != CL_OK) return st;
    if (!out) return cl_fail(s, CL_EINVAL, "%s: out is NULL", fn);
    out->id = 0;
    cl_recobj r = {.kind = CL_REC_PP, .pp = pi, .var = k, .sec = -1, .type = -1, .interval = interval};
    return new_rec(s, fn, r, out);
}

cl_status cl_rec_time(cl_sim *s, double interval, cl_rec *out) {
    if (!s) return CL_EINVAL;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_rec_time: out is NULL");
    out->id = 0;
    cl_recobj r = {.kind = CL_REC_TIME, .sec = -1, .type = -1, .interval = interval};
    return new_rec(s, "cl_rec_time", r, out);
}

cl_status cl_rec_data(cl_sim *s, cl_rec h, const double **data, size_t *n) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_rec_data";
    int i = cl_handle_index(s, h.id, CL_TAG_REC, fn, "rec");
    if (i < 0) return CL_EHANDLE;
    if (!data || !n) return cl_fail(s, CL_EINVAL, "%s: data and n must not be NULL", fn);
    if (!s->eng.initialized) return not_run(s, fn);
    *data = s->eng.rec[i].data.t;
    *n = s->eng.rec[i].data.n;
    return cl_ok(s);
}

/* Every cell with a soma records its soma(0.5) voltage, as BlueCelluLab's
 * Cell does; all cells share one time recording. Called before each
 * initialisation. */
cl_status cl_sim_ensure_cell_recordings(cl_sim *s) {
    cl_engine *e = &s->eng;
    int shared_t = -1;
    for (int c = 0; c < e->ncell; c++)
        if (e->cell[c].rec_t >= 0) shared_t = e->cell[c].rec_t;
    for (int c = 0; c < e->ncell; c++) {
        if (e->cell[c].rec_v >= 0 || e->cell[c].dead) continue;
        int soma = cl_cell_soma_index(e, c);
        if (soma < 0) continue;
        cl_rec rt, rv;
        if (shared_t < 0) {
            cl_status st = new_rec(s, "cl_sim_run", (cl_recobj){.kind = CL_REC_TIME, .sec = -1, .type = -1}, &rt);
            if (st != CL_OK) return st;
            shared_t = e->nrec - 1;
        }
        cl_status st = new_rec(s, "cl_sim_run", (cl_recobj){.kind = CL_REC_SEC, .sec = soma, .x = 0.5, .type = -1}, &rv);
        if (st != CL_OK) return st;
        e->cell[c].rec_t = shared_t;
        e->cell[c].rec_v = e->nrec - 1;
    }
    return CL_OK;
}

static cl_status cell_rec(cl_sim *s, const char *fn, cl_cell cell, int which, const double **data, size_t *n) {
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, fn, "cell");
    if (c < 0) return CL_EHANDLE;
    if (!data || !n) return cl_fail(s, CL_EINVAL, "%s: output pointers must not be NULL", fn);
    int r = which ? s->eng.cell[c].rec_v : s->eng.cell[c].rec_t;
    if (r < 0 || !s->eng.initialized) return not_run(s, fn);
    *data = s->eng.rec[r].data.t;
    *n = s->eng.rec[r].data.n;
    return cl_ok(s);
}

cl_status cl_cell_get_time(cl_sim *s, cl_cell cell, const double **t, size_t *n) {
    if (!s) return CL_EINVAL;
    return cell_rec(s, "cl_cell_get_time", cell, 0, t, n);
}

cl_status cl_cell_get_soma_voltage(cl_sim *s, cl_cell cell, const double **v, size_t *n) {
    if (!s) return CL_EINVAL;
    return cell_rec(s, "cl_cell_get_soma_voltage", cell, 1, v, n);
}

cl_status cl_rec_all_voltages(cl_sim *s, cl_cell cell, double interval, cl_rec *out, size_t cap, size_t *n_out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_rec_all_voltages";
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, fn, "cell");
    if (c < 0) return CL_EHANDLE;
    if (!n_out || (cap && !out)) return cl_fail(s, CL_EINVAL, "%s: out and n_out must not be NULL", fn);
    size_t total = 0;
    const cl_cellrec *cr = &s->eng.cell[c];
    for (int k = 0; k < cr->nsec; k++) total += (size_t)s->eng.sec[cr->sec[k]].nseg;
    *n_out = total;
    if (total > cap)
        return cl_fail(s, CL_EINVAL, "%s: cap: cell %s has %zu segments, room for %zu", fn, cr->name, total, cap);
    size_t n = 0;
    for (int k = 0; k < s->eng.cell[c].nsec; k++) {
        int si = s->eng.cell[c].sec[k];
        int nseg = s->eng.sec[si].nseg;
        for (int j = 0; j < nseg; j++) {
            cl_recobj r = {.kind = CL_REC_SEC, .sec = si, .x = (j + 0.5) / nseg, .type = -1, .interval = interval};
            cl_status st = new_rec(s, fn, r, &out[n++]);
            if (st != CL_OK) return st;
        }
    }
    return cl_ok(s);
}

cl_status cl_cell_record_spikes(cl_sim *s, cl_cell cell, const char *location, double threshold, cl_netcon *out) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_cell_record_spikes";
    int c = cl_handle_index(s, cell.id, CL_TAG_CELL, fn, "cell");
    if (c < 0) return CL_EHANDLE;
    if (!location || !out) return cl_fail(s, CL_EINVAL, "%s: location and out must not be NULL", fn);
    if (!isfinite(threshold)) return cl_fail(s, CL_EINVAL, "%s: threshold: expected a finite number, got %g", fn, threshold);
    cl_section sec;
    double x;
    cl_status st;
    if (strcmp(location, "soma") == 0) {
        st = cl_cell_soma(s, cell, &sec);
        x = 1.0;
    } else if (strcmp(location, "AIS") == 0) {
        st = cl_cell_section(s, cell, "axon[1]", &sec);
        x = 0.5;
        if (st != CL_OK)
            return cl_fail(s, CL_ENOTFOUND, "%s: location: \"AIS\" is axon[1](0.5), and cell %s has no axon[1]", fn,
                           s->eng.cell[c].name);
    } else {
        /* NAME(x) */
        const char *open = strrchr(location, '(');
        char name[256], *end;
        size_t len = open ? (size_t)(open - location) : 0;
        if (!open || len == 0 || len >= sizeof name || location[strlen(location) - 1] != ')')
            return cl_fail(s, CL_EINVAL, "%s: location: \"%s\": expected \"soma\", \"AIS\" or NAME(x) such as dend[0](0.5)",
                           fn, location);
        memcpy(name, location, len);
        name[len] = '\0';
        x = strtod(open + 1, &end);
        if (end == open + 1 || *end != ')' || !(x >= 0 && x <= 1))
            return cl_fail(s, CL_EINVAL, "%s: location: \"%s\": x must be a number in [0, 1]", fn, location);
        st = cl_cell_section(s, cell, name, &sec);
    }
    if (st != CL_OK) return st;
    st = cl_netcon_from_section(s, sec, x, (cl_pp){0}, out);
    if (st == CL_OK) st = cl_netcon_set_threshold(s, *out, threshold);
    if (st == CL_OK) st = cl_netcon_record(s, *out);
    return st;
}

cl_status cl_pp_inject_spike(cl_sim *s, cl_pp h, double t) {
    if (!s) return CL_EINVAL;
    const char *fn = "cl_pp_inject_spike";
    int pi = PP_INDEX(fn, h, "source");
    if (pi < 0) return CL_EHANDLE;
    cl_engine *e = &s->eng;
    if (!e->initialized)
        return cl_fail(s, CL_ESTATE, "%s: the simulation is not initialised (cl_sim_init first)", fn);
    if (!isfinite(t)) return cl_fail(s, CL_EINVAL, "%s: t: expected a finite time, got %g", fn, t);
    int ps = e->pp[pi].presyn;
    if (ps < 0) return cl_ok(s); /* no connections: nothing to deliver */
    /* an arrival at or before now would miss its place among the events */
    for (int k = e->ps_nc_start[ps]; k < e->ps_nc_start[ps + 1]; k++) {
        const cl_netconobj *nc = &e->nc[e->ps_nc[k]];
        if (nc->alive && nc->target >= 0 && !(t + nc->delay > e->t))
            return cl_fail(s, CL_EINVAL, "%s: a spike at %.17g ms with delay %g ms arrives at or before the current "
                           "time %.17g ms", fn, t, nc->delay, e->t);
    }
    if (cl_engine_presyn_inject(e, ps, t) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    return cl_ok(s);
}
