/* The simulation object: lifetime, messages, handles, globals and running. */
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sim.h"
#include "util/util.h"

/* The only process-wide variable: a counter that gives each simulation a
 * distinct tag for its handles, so that a handle from another simulation is
 * recognised. It carries no simulation state. */
static atomic_uint_fast32_t next_sim_id = 1;

const char *cl_strerror(cl_status st) {
    switch (st) {
    case CL_OK: return "ok";
    case CL_EINVAL: return "invalid argument";
    case CL_EHANDLE: return "invalid handle";
    case CL_ENOTFOUND: return "not found";
    case CL_ESTATE: return "not allowed in the current state";
    case CL_ENOMEM: return "out of memory";
    case CL_EIO: return "input/output error";
    case CL_EFORMAT: return "malformed file";
    }
    return "unknown status";
}

cl_status cl_fail(cl_sim *s, cl_status st, const char *fmt, ...) {
    if (!s) return st;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
    return st;
}

cl_status cl_ok(cl_sim *s) {
    s->err[0] = '\0';
    return CL_OK;
}

uint64_t cl_handle_make(const cl_sim *s, int tag, int index) {
    return ((uint64_t)tag << 56) | ((uint64_t)(s->id & 0xFFFFFFu) << 32) | (uint64_t)(index + 1);
}

static const char *tag_name(int tag) {
    switch (tag) {
    case CL_TAG_CELL: return "cell";
    case CL_TAG_SECTION: return "section";
    case CL_TAG_PP: return "point process";
    case CL_TAG_NETCON: return "connection";
    case CL_TAG_REC: return "recording";
    }
    return "object";
}

int cl_handle_index(cl_sim *s, uint64_t h, int tag, const char *fn, const char *arg) {
    int htag = (int)(h >> 56);
    uint32_t hsim = (uint32_t)((h >> 32) & 0xFFFFFFu);
    long idx = (long)(h & 0xFFFFFFFFu) - 1;
    const cl_engine *e = &s->eng;
    if (h == 0) {
        cl_fail(s, CL_EHANDLE, "%s: %s: null %s handle", fn, arg, tag_name(tag));
        return -1;
    }
    if (htag != tag) {
        cl_fail(s, CL_EHANDLE, "%s: %s: handle 0x%016llx is not a %s handle", fn, arg,
                (unsigned long long)h, tag_name(tag));
        return -1;
    }
    if (hsim != (s->id & 0xFFFFFFu)) {
        cl_fail(s, CL_EHANDLE, "%s: %s: %s handle 0x%016llx belongs to another simulation", fn,
                arg, tag_name(tag), (unsigned long long)h);
        return -1;
    }
    int alive = 0;
    switch (tag) {
    case CL_TAG_CELL: alive = idx >= 0 && idx < e->ncell && !e->cell[idx].dead; break;
    case CL_TAG_SECTION: alive = idx >= 0 && idx < e->nsec && !e->sec[idx].dead; break;
    case CL_TAG_PP: alive = idx >= 0 && idx < e->npp && e->pp[idx].alive; break;
    case CL_TAG_NETCON: alive = idx >= 0 && idx < e->nnc && e->nc[idx].alive; break;
    case CL_TAG_REC: alive = idx >= 0 && idx < e->nrec && e->rec[idx].alive; break;
    }
    if (!alive) {
        cl_fail(s, CL_EHANDLE, "%s: %s: %s handle 0x%016llx was deleted or never existed", fn,
                arg, tag_name(tag), (unsigned long long)h);
        return -1;
    }
    return (int)idx;
}

void cl_sim_structure_changed(cl_sim *s) {
    s->eng.compiled = 0;
    s->eng.initialized = 0;
}

cl_status cl_sim_new(cl_sim **out) {
    if (!out) return CL_EINVAL;
    *out = NULL;
    cl_sim *s = calloc(1, sizeof *s);
    if (!s) return CL_ENOMEM;
    cl_engine_init_empty(&s->eng);
    s->id = (uint32_t)atomic_fetch_add(&next_sim_id, 1);
    if ((s->id & 0xFFFFFFu) == 0) s->id = (uint32_t)atomic_fetch_add(&next_sim_id, 1);
    *out = s;
    return CL_OK;
}

void cl_sim_free(cl_sim *s) {
    if (!s) return;
    cl_engine_release(&s->eng);
    free(s);
}

const char *cl_sim_errmsg(const cl_sim *s) { return s ? s->err : "cl_sim_errmsg: sim is NULL"; }

#define CHECK_SIM(s) \
    do { if (!(s)) return CL_EINVAL; } while (0)

cl_status cl_sim_set_dt(cl_sim *s, double dt) {
    CHECK_SIM(s);
    if (!isfinite(dt) || dt <= 0)
        return cl_fail(s, CL_EINVAL, "cl_sim_set_dt: dt: expected a finite number > 0 ms, got %g", dt);
    s->eng.dt = dt;
    return cl_ok(s);
}
double cl_sim_dt(const cl_sim *s) { return s ? s->eng.dt : NAN; }

cl_status cl_sim_set_celsius(cl_sim *s, double celsius) {
    CHECK_SIM(s);
    if (!isfinite(celsius))
        return cl_fail(s, CL_EINVAL, "cl_sim_set_celsius: celsius: expected a finite number, got %g",
                       celsius);
    s->eng.celsius = celsius;
    return cl_ok(s);
}
double cl_sim_celsius(const cl_sim *s) { return s ? s->eng.celsius : NAN; }

cl_status cl_sim_set_legacy_units(cl_sim *s, int legacy) {
    CHECK_SIM(s);
    if (legacy != 0 && legacy != 1)
        return cl_fail(s, CL_EINVAL, "cl_sim_set_legacy_units: legacy: expected 0 (NEURON 8.2's constants) "
                                     "or 1 (NEURON 7's), got %d", legacy);
    s->eng.legacy_units = legacy;
    return cl_ok(s);
}
int cl_sim_legacy_units(const cl_sim *s) { return s ? s->eng.legacy_units : -1; }

cl_status cl_sim_set_random123_globalindex(cl_sim *s, double gix) {
    CHECK_SIM(s);
    if (!(gix >= 0.0) || !(gix < 4294967296.0))
        return cl_fail(s, CL_EINVAL, "cl_sim_set_random123_globalindex: index: expected 0 <= index < 2^32, got %g", gix);
    s->eng.ran123_globalindex = (unsigned int)gix;
    return cl_ok(s);
}
unsigned int cl_sim_random123_globalindex(const cl_sim *s) { return s ? s->eng.ran123_globalindex : 0u; }

cl_status cl_sim_set_threads(cl_sim *s, int n) {
    CHECK_SIM(s);
    if (n < 0 || n > 1024)
        return cl_fail(s, CL_EINVAL, "cl_sim_set_threads: n: expected 0 (all cores) to 1024 threads, got %d", n);
    if (n != s->eng.threads) {
        s->eng.threads = n;
        cl_engine_groups_free(&s->eng); /* regrouped at the next step */
    }
    return cl_ok(s);
}
int cl_sim_threads(const cl_sim *s) { return s ? s->eng.threads : -1; }

cl_status cl_sim_set_v_init(cl_sim *s, double v) {
    CHECK_SIM(s);
    if (!isfinite(v))
        return cl_fail(s, CL_EINVAL, "cl_sim_set_v_init: v_init: expected a finite number, got %g", v);
    s->eng.v_init = v;
    return cl_ok(s);
}
double cl_sim_v_init(const cl_sim *s) { return s ? s->eng.v_init : NAN; }
double cl_sim_time(const cl_sim *s) { return s ? s->eng.t : NAN; }

/* "usetable_hh" -> type of hh, index of "usetable" (mechanism names may
 * hold underscores: try every type whose name ends the string). */
static int find_global(const cl_sim *s, const char *name, int *type, int *k) {
    size_t nlen = strlen(name);
    for (int t = 0; t < s->eng.ntypes; t++) {
        const cl_mech_type *m = cl_eng_type(&s->eng, t);
        size_t mlen = strlen(m->name);
        if (nlen < mlen + 2 || name[nlen - mlen - 1] != '_' || strcmp(name + nlen - mlen, m->name) != 0) continue;
        size_t len = nlen - mlen - 1;
        for (int i = 0; i < m->nglobal; i++) {
            if (strlen(m->globals[i].name) == len && strncmp(m->globals[i].name, name, len) == 0) {
                *type = t;
                *k = i;
                return 0;
            }
        }
    }
    return -1;
}

cl_status cl_sim_set_global(cl_sim *s, const char *name, double value) {
    CHECK_SIM(s);
    if (!name) return cl_fail(s, CL_EINVAL, "cl_sim_set_global: name is NULL");
    if (strcmp(name, "celsius") == 0) return cl_sim_set_celsius(s, value);
    if (strcmp(name, "dt") == 0) return cl_sim_set_dt(s, value);
    if (strcmp(name, "v_init") == 0) return cl_sim_set_v_init(s, value);
    if (!isfinite(value))
        return cl_fail(s, CL_EINVAL, "cl_sim_set_global: %s: expected a finite number, got %g", name,
                       value);
    int t, k;
    if (find_global(s, name, &t, &k) != 0)
        return cl_fail(s, CL_ENOTFOUND,
                       "cl_sim_set_global: name: no global variable \"%s\" (known: celsius, dt, "
                       "v_init, usetable_hh)", name);
    double *g = cl_engine_globals(&s->eng, t);
    if (!g) return cl_fail(s, CL_ENOMEM, "cl_sim_set_global: out of memory");
    g[k] = value;
    return cl_ok(s);
}

cl_status cl_sim_get_global(cl_sim *s, const char *name, double *out) {
    CHECK_SIM(s);
    if (!name || !out) return cl_fail(s, CL_EINVAL, "cl_sim_get_global: name and out must not be NULL");
    if (strcmp(name, "celsius") == 0) { *out = s->eng.celsius; return cl_ok(s); }
    if (strcmp(name, "dt") == 0) { *out = s->eng.dt; return cl_ok(s); }
    if (strcmp(name, "v_init") == 0) { *out = s->eng.v_init; return cl_ok(s); }
    int t, k;
    if (find_global(s, name, &t, &k) != 0)
        return cl_fail(s, CL_ENOTFOUND, "cl_sim_get_global: name: no global variable \"%s\"", name);
    double *g = cl_engine_globals(&s->eng, t);
    if (!g) return cl_fail(s, CL_ENOMEM, "cl_sim_get_global: out of memory");
    *out = g[k];
    return cl_ok(s);
}

/* ---- running ------------------------------------------------------------ */

cl_status cl_sim_ensure_cell_recordings(cl_sim *s); /* cell.c */

static cl_status prepare(cl_sim *s, const char *fn) {
    cl_engine *e = &s->eng;
    int any_art = 0;
    for (int i = 0; i < e->npp; i++) any_art |= e->pp[i].alive && e->pp[i].sec < 0;
    if (e->nsec == 0 && !any_art)
        return cl_fail(s, CL_ESTATE, "%s: the simulation is empty: create a cell, a section or an "
                                     "artificial cell first", fn);
    cl_status st = cl_sim_ensure_cell_recordings(s);
    if (st != CL_OK) return st;
    if (cl_engine_initialize(e) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory", fn);
    return CL_OK;
}

static cl_status advance_to(cl_sim *s, double tstop, const char *fn) {
    cl_engine *e = &s->eng;
    double ts = tstop - e->dt / 2;
    cl_engine_reserve_records(e, tstop);
    while (e->t < ts) {
        if (cl_engine_step(e) != 0) return cl_fail(s, CL_ENOMEM, "%s: out of memory at t = %g ms", fn, e->t);
    }
    return cl_ok(s);
}

static cl_status check_tstop(cl_sim *s, double tstop, const char *fn) {
    if (!isfinite(tstop) || tstop < 0)
        return cl_fail(s, CL_EINVAL, "%s: tstop: expected a finite number >= 0 ms, got %g", fn, tstop);
    if (tstop / s->eng.dt > 2e9)
        return cl_fail(s, CL_EINVAL, "%s: tstop: %g ms is more than 2e9 steps of dt = %g ms", fn,
                       tstop, s->eng.dt);
    return CL_OK;
}

cl_status cl_sim_init(cl_sim *s) {
    CHECK_SIM(s);
    cl_status st = prepare(s, "cl_sim_init");
    return st != CL_OK ? st : cl_ok(s);
}

cl_status cl_sim_run(cl_sim *s, double tstop) {
    CHECK_SIM(s);
    cl_status st = check_tstop(s, tstop, "cl_sim_run");
    if (st != CL_OK) return st;
    st = prepare(s, "cl_sim_run");
    if (st != CL_OK) return st;
    return advance_to(s, tstop, "cl_sim_run");
}

static cl_status check_running(cl_sim *s, const char *fn) {
    if (!s->eng.initialized)
        return cl_fail(s, CL_ESTATE,
                       "%s: the simulation is not initialised, or the model changed since (new "
                       "section, mechanism, point process, connection or recording): call "
                       "cl_sim_run or cl_sim_init first", fn);
    return CL_OK;
}

cl_status cl_sim_continue(cl_sim *s, double tstop) {
    CHECK_SIM(s);
    cl_status st = check_tstop(s, tstop, "cl_sim_continue");
    if (st == CL_OK) st = check_running(s, "cl_sim_continue");
    if (st != CL_OK) return st;
    return advance_to(s, tstop, "cl_sim_continue");
}

cl_status cl_sim_step(cl_sim *s) {
    CHECK_SIM(s);
    cl_status st = check_running(s, "cl_sim_step");
    if (st != CL_OK) return st;
    if (cl_engine_step(&s->eng) != 0) return cl_fail(s, CL_ENOMEM, "cl_sim_step: out of memory");
    return cl_ok(s);
}
