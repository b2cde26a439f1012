/* NEURON's fixed step (secondorder = 0) and finitialize, in NEURON's order of
 * operations (docs/reference/neuron-numerics.md sections 1 and 5). */
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"

#if defined(__AVX2__)
#include <immintrin.h>
#endif

static void watch_activate(cl_engine *e, cl_mech_block *b, int i, int k, int remove_first, double flag);

static cl_mech_ctx make_ctx(cl_engine *e) {
    cl_mech_ctx c = {.t = e->t, .dt = e->dt, .celsius = e->celsius, .v = e->v, .rhs = e->rhs,
                     .d = e->d, .area = e->area, .diam = e->diam, .eng = e, .net_send = cl_engine_net_send,
                     .net_event = cl_engine_net_event, .watch_activate = watch_activate,
                     .legacy_units = e->legacy_units, .ran123_globalindex = e->ran123_globalindex,
                     .exp_inline = e->exp_inline};
    return c;
}

/* ---- events ------------------------------------------------------------- */

static void push(cl_engine *e, cl_event ev) {
    if (cl_event_push(e, ev) != 0) e->oom = 1;
}

void cl_engine_net_send(cl_engine *e, cl_mech_block *b, int i, double *w, double te,
                        double flag) {
    int type = (int)(b - e->block);
    push(e, (cl_event){.t = te, .kind = CL_EV_SELF, .a = type, .b = i,
                       .wnc = w ? e->cur_netcon : -1, .flag = flag});
}

/* A spike from a source: recorded, and sent along each of its connections,
 * or as one event for all of them (NEURON's use_min_delay_). */
static void presyn_send(cl_engine *e, int ps, double tt) {
    cl_presyn *p = &e->presyn[ps];
    if (p->record && cl_event_list_push(&p->spikes, tt) != 0) e->oom = 1;
    if (p->use_min_delay) {
        push(e, (cl_event){.t = tt + p->delay, .kind = CL_EV_PRESYN, .a = ps});
        return;
    }
    for (int k = e->ps_nc_start[ps]; k < e->ps_nc_start[ps + 1]; k++) {
        int n = e->ps_nc[k];
        if (e->nc[n].target >= 0) push(e, (cl_event){.t = tt + e->nc[n].delay, .kind = CL_EV_NETCON, .a = n});
    }
}

/* A spike of source ps at tt that happened outside this simulation (a cell
 * another MPI rank simulates): sent along the source's connections here as
 * if it had fired here. */
int cl_engine_presyn_inject(cl_engine *e, int ps, double tt) {
    if (ps < 0 || ps >= e->npresyn) return -1;
    presyn_send(e, ps, tt);
    return e->oom ? -1 : 0;
}

/* NEURON's init_events: which sources send one event for all connections. */
static void presyn_min_delay(cl_engine *e) {
    for (int ps = 0; ps < e->npresyn; ps++) {
        cl_presyn *p = &e->presyn[ps];
        int k0 = e->ps_nc_start[ps], k1 = e->ps_nc_start[ps + 1];
        p->use_min_delay = k1 - k0 > 2;
        p->delay = k1 > k0 ? e->nc[e->ps_nc[k0]].delay : 0;
        for (int k = k0; k < k1 && p->use_min_delay; k++)
            if (e->nc[e->ps_nc[k]].delay != p->delay) p->use_min_delay = 0;
    }
}

void cl_engine_net_event(cl_engine *e, cl_mech_block *b, int i, double te) {
    if (!b->owner) return; /* density mechanisms emit no events (NEURON refuses NET_EVENT there) */
    int pp = b->owner[i];
    if (e->pp[pp].presyn >= 0) presyn_send(e, e->pp[pp].presyn, te);
}

/* ---- WATCH (docs/nmodl-lowering.md §9.4) -------------------------------------
 * NEURON keeps one list of active WatchConditions per thread, appended to on
 * activation (after removal when already there) and checked in list order
 * at the start of every fixed step, after the NetCon thresholds. Here: the
 * per-instance states in e->wstate[type] and the list e->wact. */

void cl_engine_watch_free(cl_engine *e) {
    for (int t = 0; t < CL_MAX_TYPES; t++) {
        free(e->wstate[t]);
        e->wstate[t] = NULL;
        e->wn[t] = 0;
    }
    free(e->wact);
    e->wact = NULL;
    e->nwact = e->capwact = 0;
}

/* finitialize: fresh, inactive states for the current layout. */
static void watch_reset(cl_engine *e) {
    e->nwact = 0;
    for (int t = 0; t < e->nblock; t++) {
        cl_mech_block *b = &e->block[t];
        free(e->wstate[t]);
        e->wstate[t] = NULL;
        e->wn[t] = 0;
        int nw = b->type ? b->type->nwatch : 0;
        if (nw <= 0 || b->n <= 0) continue;
        e->wstate[t] = calloc((size_t)b->n * (size_t)nw, sizeof(cl_watch));
        if (!e->wstate[t]) { e->oom = 1; continue; }
        e->wn[t] = b->n;
        for (int i = 0; i < b->n; i++)
            for (int k = 0; k < nw; k++) {
                cl_watch *w = &e->wstate[t][i * nw + k];
                w->type = t;
                w->inst = i;
                w->k = k;
            }
    }
}

static void watch_unlink(cl_engine *e, cl_watch *w) {
    for (int j = 0; j < e->nwact; j++)
        if (e->wact[j] == w) {
            for (int m = j + 1; m < e->nwact; m++) e->wact[m - 1] = e->wact[m];
            e->nwact--;
            break;
        }
    w->active = 0;
}

static void watch_activate(cl_engine *e, cl_mech_block *b, int i, int k, int remove_first, double flag) {
    int type = (int)(b - e->block);
    int nw = b->type->nwatch;
    if (!e->wstate[type] || i < 0 || i >= b->n || i >= e->wn[type] || k < 0 || k >= nw) return;
    cl_watch *ws = &e->wstate[type][i * nw];
    if (remove_first)
        for (int j = 0; j < nw; j++)
            if (ws[j].active) {
                watch_unlink(e, &ws[j]);
                ws[j].gen++; /* its pending event goes too */
            }
    cl_watch *w = &ws[k];
    if (w->active) watch_unlink(e, w);
    if (e->nwact == e->capwact) {
        int cap = e->capwact ? 2 * e->capwact : 16;
        cl_watch **p = realloc(e->wact, (size_t)cap * sizeof *p);
        if (!p) { e->oom = 1; return; }
        e->wact = p;
        e->capwact = cap;
    }
    e->wact[e->nwact++] = w;
    w->active = 1;
    w->nrflag = flag;
    cl_mech_ctx c = make_ctx(e);
    w->flag = b->type->watch_cond(&c, b, i, k) >= -1e-11; /* hoc_epsilon */
}

/* Checked at t_n: an event at t (no epsilon) when a condition becomes true. */
static void check_watches(cl_engine *e) {
    cl_mech_ctx c = make_ctx(e);
    for (int j = 0; j < e->nwact; j++) {
        cl_watch *w = e->wact[j];
        cl_mech_block *b = &e->block[w->type];
        if (w->inst >= b->n || w->inst >= e->wn[w->type]) continue;
        if (b->type->watch_cond(&c, b, w->inst, w->k) > 0.0) {
            if (!w->flag) {
                w->flag = 1;
                push(e, (cl_event){.t = e->t, .kind = CL_EV_WATCH, .a = w->type, .b = w->inst, .wnc = w->k,
                                   .flag = w->nrflag, .gen = w->gen});
            }
        } else {
            w->flag = 0;
        }
    }
}

/* ---- Vector.play (VecPlayContinuous) -------------------------------------- */

static double play_interpolate(cl_playobj *p, double tt) {
    const double *t = p->t, *y = p->y;
    if (tt >= t[p->ubound]) {
        p->last = p->ubound;
        if (p->last == 0) return y[0];
    } else if (tt <= t[0]) {
        p->last = 0;
        return y[0];
    } else {
        while (tt < t[p->last]) --p->last;
        while (tt >= t[p->last]) ++p->last;
    }
    double x0 = y[p->last - 1], x1 = y[p->last], t0 = t[p->last - 1], t1 = t[p->last];
    if (t0 == t1) return (x0 + x1) / 2.;
    return x0 + (x1 - x0) * ((tt - t0) / (t1 - t0));
}

static void play_continuous(cl_engine *e) {
    for (int i = 0; i < e->nplay; i++) {
        cl_playobj *p = &e->play[i];
        if (p->alive && p->ptr) *p->ptr = play_interpolate(p, e->t);
    }
}

static void deliver(cl_engine *e, const cl_event *ev) {
    double tsav = e->t;
    e->t = ev->t;
    cl_mech_ctx c = make_ctx(e);
    if (ev->kind == CL_EV_PRESYN) { /* every connection of the source, in creation order */
        for (int k = e->ps_nc_start[ev->a]; k < e->ps_nc_start[ev->a + 1]; k++) {
            cl_netconobj *nc = &e->nc[e->ps_nc[k]];
            if (!nc->alive || nc->target < 0) continue;
            const cl_ppobj *p = &e->pp[nc->target];
            cl_mech_block *b = &e->block[p->type];
            e->cur_netcon = e->ps_nc[k];
            b->type->net_receive(&c, b, p->inst, cl_nc_w(e, nc), 0.0);
        }
    } else if (ev->kind == CL_EV_NETCON) {
        cl_netconobj *nc = &e->nc[ev->a];
        if (nc->alive && nc->target >= 0) {
            const cl_ppobj *p = &e->pp[nc->target];
            cl_mech_block *b = &e->block[p->type];
            e->cur_netcon = ev->a;
            b->type->net_receive(&c, b, p->inst, cl_nc_w(e, nc), 0.0);
        }
    } else if (ev->kind == CL_EV_SELF) {
        cl_mech_block *b = &e->block[ev->a];
        e->cur_netcon = ev->wnc;
        b->type->net_receive(&c, b, ev->b, ev->wnc >= 0 ? cl_nc_w(e, &e->nc[ev->wnc]) : NULL, ev->flag);
    } else if (ev->kind == CL_EV_WATCH) {
        cl_mech_block *b = &e->block[ev->a];
        int nw = b->type->nwatch;
        const cl_watch *w = e->wstate[ev->a] && ev->b < b->n && ev->b < e->wn[ev->a] ? &e->wstate[ev->a][ev->b * nw + ev->wnc] : NULL;
        if (w && w->gen == ev->gen) b->type->net_receive(&c, b, ev->b, NULL, ev->flag);
    } else if (ev->kind == CL_EV_PLAY) {
        cl_playobj *p = &e->play[ev->a];
        p->last = p->ubound;
        if (p->ubound < p->n - 1) {
            p->ubound++;
            push(e, (cl_event){.t = p->t[p->ubound], .kind = CL_EV_PLAY, .a = ev->a});
        }
        *p->ptr = play_interpolate(p, ev->t);
    } else {
        cl_recobj *r = &e->rec[ev->a];
        double value = r->kind == CL_REC_TIME ? ev->t : *r->ptr;
        if (cl_event_list_push(&r->data, value) != 0) e->oom = 1;
        push(e, (cl_event){.t = ev->t + r->interval, .kind = CL_EV_RECORD, .a = ev->a});
    }
    e->cur_netcon = -1;
    e->t = tsav;
}

static void deliver_until(cl_engine *e, double tmax) {
    cl_event ev;
    while (cl_event_pop_until(e, tmax, &ev)) deliver(e, &ev);
}

/* Threshold detection at the start of a step: a spike at t_n + 1e-10 the
 * first step v is strictly above threshold (no interpolation). */
static void check_thresholds(cl_engine *e) {
    for (int i = 0; i < e->npresyn; i++) {
        cl_presyn *p = &e->presyn[i];
        if (p->pp >= 0 || p->node < 0) continue;
        if (e->v[p->node] - p->threshold > 0.0) {
            if (!p->flag) {
                p->flag = 1;
                presyn_send(e, i, e->t + 1e-10);
            }
        } else {
            p->flag = 0;
        }
    }
}

/* ---- matrix ------------------------------------------------------------- */

static void table_check(cl_engine *e) {
    for (int t = 0; t < e->nblock; t++) {
        cl_mech_block *b = &e->block[t];
        if (b->type->table_check) b->type->table_check(b, e->celsius);
        if (b->type->tables && b->n) {
            cl_mech_ctx c = make_ctx(e);
            b->type->tables(&c, b);
        }
    }
}

/* Capacitance and the axial terms of one group's rows. NEURON adds
 * cfac * cm to d at every node with capacitance (nrn_lhs), then sweeps
 * over i giving node i its own axial term (from its parent's voltage) at
 * iteration i, and its children's terms at their later iterations, in
 * index order. Here each node j gets its capacitance (cm 0 where there is
 * none: d + 0. is d, d never being -0. here, a sum started at +0.), its own
 * term and then, when node j + 1 is its child (the next node of a section:
 * j + 1 is then j's first child by index), that child's term, four nodes at
 * a time; then the other children (first nodes of sections, children of
 * roots: cl_group.offchain) add theirs in index order. Every node sees
 * NEURON's operations in NEURON's order; what goes is the chain of a store
 * and a reload between one iteration and the next. */
/* One node j of axial_terms (the vector loop's lanes, one at a time);
 * last: the group's last node. */
static inline void axial_node(cl_engine *e, double cfac, int j, int last) {
    double *rhs = e->rhs, *d = e->d;
    const double *v = e->v, *a = e->a, *b = e->b;
    const int *par = e->parent;
    double r = rhs[j] - b[j] * (v[par[j]] - v[j]), dd = (d[j] + cfac * e->cm[j]) - b[j];
    if (j < last && par[j + 1] == j) {
        r += a[j + 1] * (v[j] - v[j + 1]);
        dd -= a[j + 1];
    }
    rhs[j] = r;
    d[j] = dd;
}

static void axial_terms(cl_engine *e, const cl_group *g) {
    double *rhs = e->rhs, *d = e->d;
    const double *v = e->v, *a = e->a;
    const int *par = e->parent;
    double cfac = .001 * (1.0 / e->dt);
    int j = g->n0, last = g->n1 - 1; /* j < last: node j + 1 is in the group */
#if defined(__AVX2__)
    const double *b = e->b, *cm = e->cm;
    /* to a 32-byte boundary: no access of rhs and d splits a cache line */
    for (; j < last && (j & 3); j++) axial_node(e, cfac, j, last);
    for (; j + 4 <= last; j += 4) {
        __m256d vj = _mm256_loadu_pd(v + j), bj = _mm256_loadu_pd(b + j);
        /* v of the parents, by scalar loads: gathers are slow on some
         * processors (microcode mitigations) */
        __m256d vp = _mm256_set_pd(v[par[j + 3]], v[par[j + 2]], v[par[j + 1]], v[par[j]]);
        __m256d dvp = _mm256_sub_pd(vp, vj);
        __m256d r = _mm256_sub_pd(_mm256_loadu_pd(rhs + j), _mm256_mul_pd(bj, dvp));
        __m256d cj = _mm256_mul_pd(_mm256_set1_pd(cfac), _mm256_loadu_pd(cm + j));
        __m256d dd = _mm256_sub_pd(_mm256_add_pd(_mm256_loadu_pd(d + j), cj), bj);
        __m128i next = _mm_loadu_si128((const __m128i *)(par + j + 1));
        __m128i self = _mm_add_epi32(_mm_set1_epi32(j), _mm_setr_epi32(0, 1, 2, 3));
        __m256d chain = _mm256_castsi256_pd(_mm256_cvtepi32_epi64(_mm_cmpeq_epi32(next, self)));
        __m256d an = _mm256_loadu_pd(a + j + 1);
        __m256d rc = _mm256_add_pd(r, _mm256_mul_pd(an, _mm256_sub_pd(vj, _mm256_loadu_pd(v + j + 1))));
        _mm256_storeu_pd(rhs + j, _mm256_blendv_pd(r, rc, chain));
        _mm256_storeu_pd(d + j, _mm256_blendv_pd(dd, _mm256_sub_pd(dd, an), chain));
    }
#endif
    for (; j < g->n1; j++) axial_node(e, cfac, j, last);
    /* the other children, by increasing index; a parent's children come
     * together, summed in registers (a store and a reload per child would
     * wait on each other) */
    const int *off = g->offchain;
    for (int k = 0, n = g->noffchain; k < n;) {
        int p = par[off[k]];
        double r = rhs[p], dd = d[p], vp = v[p];
        do {
            int i = off[k];
            r += a[i] * (vp - v[i]);
            dd -= a[i];
        } while (++k < n && par[off[k]] == p);
        rhs[p] = r;
        d[p] = dd;
    }
}

/* nrn_rhs + nrn_lhs for one group (threads.c). Each mechanism adds to rhs
 * and d in type order (the two sums are independent, so one pass per
 * mechanism gives NEURON's bits), then the axial terms; capacitance comes
 * after the mechanisms in d. */
static void group_matrix(cl_engine *e, const cl_group *g, const cl_mech_ctx *c) {
    double *rhs = e->rhs, *d = e->d;
    for (int i = g->r0; i < g->r1; i++) rhs[i] = 0.;
    for (int i = g->n0; i < g->n1; i++) rhs[i] = 0.;
    for (int i = g->r0; i < g->r1; i++) d[i] = 0.;
    for (int i = g->n0; i < g->n1; i++) d[i] = 0.;
    for (int k = 0; k < e->nblock; k++) {
        cl_mech_block *bl = &g->view[e->exec[k]];
        if (bl->n && bl->type->cur) bl->type->cur(c, bl);
    }
    axial_terms(e, g);
}

/* Hines elimination over one group's trees; the solution (Δv) is left in
 * rhs and added to v. Every node's elimination and back substitution
 * divide by its pivot; four divisions in one vector instruction give the
 * same IEEE quotients in about half the time (what bounds the solve now is
 * its indexed loads and stores: docs/STATUS.md, Measured).
 * So the nodes go in the group's schedule (threads.c: by batches of trees,
 * deepest level first), where the nodes of one level do not depend on each
 * other: elimination divides four pivots of a level at once, then applies
 * them to the parents one by one in the plain sweep's order; back
 * substitution, parents' levels first, divides four nodes of a level at
 * once; v gets the solution after. Every node sees the plain sweep's
 * operations, in its order. */
typedef double cl_v4d __attribute__((vector_size(32)));

static inline cl_v4d load4(const double *x) {
    cl_v4d r;
    memcpy(&r, x, sizeof r);
    return r;
}

static void group_solve(cl_engine *e, const cl_group *g) {
    double *rhs = e->rhs, *d = e->d;
    const double *sa = g->sa, *sb = g->sb;
    const int *q = g->sched, *sp = g->spar, *lev = g->level;
    for (int j = 0; j < g->nlevel; j++) {
        int k = lev[j], k1 = lev[j + 1];
        for (; k + 3 < k1; k += 4) {
            int i0 = q[k], i1 = q[k + 1], i2 = q[k + 2], i3 = q[k + 3];
            cl_v4d piv = {d[i0], d[i1], d[i2], d[i3]};
            cl_v4d ri = {rhs[i0], rhs[i1], rhs[i2], rhs[i3]};
            cl_v4d p = load4(sa + k) / piv;
            cl_v4d pb = p * load4(sb + k), pr = p * ri;
            for (int u = 0; u < 4; u++) {
                int pi = sp[k + u];
                d[pi] -= pb[u];
                rhs[pi] -= pr[u];
            }
        }
        for (; k < k1; k++) {
            int i = q[k], pi = sp[k];
            double p = sa[k] / d[i];
            d[pi] -= p * sb[k];
            rhs[pi] -= p * rhs[i];
        }
    }
    for (int r = g->r0; r < g->r1; ++r) rhs[r] /= d[r];
    for (int j = g->nlevel - 1; j >= 0; j--) {
        int k = lev[j + 1] - 1, k0 = lev[j];
        for (; k - 3 >= k0; k -= 4) {
            int m = k - 3;
            int i0 = q[m], i1 = q[m + 1], i2 = q[m + 2], i3 = q[m + 3];
            cl_v4d ri = {rhs[i0], rhs[i1], rhs[i2], rhs[i3]};
            cl_v4d rp = {rhs[sp[m]], rhs[sp[m + 1]], rhs[sp[m + 2]], rhs[sp[m + 3]]};
            cl_v4d piv = {d[i0], d[i1], d[i2], d[i3]};
            cl_v4d x = (ri - load4(sb + m) * rp) / piv;
            rhs[i0] = x[0]; rhs[i1] = x[1]; rhs[i2] = x[2]; rhs[i3] = x[3];
        }
        for (; k >= k0; k--) {
            int i = q[k];
            rhs[i] -= sb[k] * rhs[sp[k]];
            rhs[i] /= d[i];
        }
    }
    /* NEURON's nrn_update_v, in contiguous passes (vectors), not a
     * scatter per node in back substitution */
    double *v = e->v;
    for (int r = g->r0; r < g->r1; ++r) v[r] += rhs[r];
    for (int i = g->n0; i < g->n1; i++) v[i] += rhs[i];
}

/* The parallel part of a step for group gi: matrix at t_{n+1/2} (e->t),
 * solve, v += Δv, states at t_{n+1}. */
/* One step of a group in two halves: the matrix, its solution and the new
 * voltages; then the states (nonvint, at t + dt). */
static void group_update(cl_engine *e, int gi) {
    const cl_group *g = &e->group[gi];
    cl_mech_ctx c = make_ctx(e);
    group_matrix(e, g, &c);
    group_solve(e, g);
}

static void group_states(cl_engine *e, int gi) {
    const cl_group *g = &e->group[gi];
    cl_mech_ctx c = make_ctx(e);
    c.t = e->t + 0.5 * e->dt;
    for (int k = 0; k < e->nblock; k++) {
        cl_mech_block *bl = &g->view[e->exec[k]];
        if (bl->n && bl->type->state) bl->type->state(&c, bl);
    }
}

static void group_step(cl_engine *e, int gi) {
    group_update(e, gi);
    group_states(e, gi);
}

static void group_matrix_only(cl_engine *e, int gi) {
    cl_mech_ctx c = make_ctx(e);
    group_matrix(e, &e->group[gi], &c);
}

/* Globals a group keeps apart get the simulation's values (set by the user
 * or an INITIAL block) before every parallel pass. */
static void groups_refresh_globals(cl_engine *e) {
    for (int g = 0; g < e->ngroup; g++)
        for (int t = 0; t < e->nblock; t++)
            if (e->group[g].gcopy[t])
                memcpy(e->group[g].gcopy[t], e->block[t].global,
                       (size_t)e->block[t].type->nglobal * sizeof(double));
}

void cl_engine_reserve_records(cl_engine *e, double tstop) {
    double steps = (tstop - e->t) / e->dt + 2; /* a step more than the run takes, or two */
    if (!(steps > 0) || steps > (double)(1 << 26)) return; /* very long runs grow as they go */
    for (int i = 0; i < e->nrec; i++) {
        cl_recobj *r = &e->rec[i];
        if (!r->alive || r->interval > 0) continue;
        size_t need = r->data.n + (size_t)steps;
        if (need <= r->data.cap) continue;
        /* runs in many short pieces (cl_network_run's chunks) still grow
         * geometrically, not by a copy per piece */
        if (need < r->data.cap + r->data.cap / 2) need = r->data.cap + r->data.cap / 2;
        double *p = realloc(r->data.t, need * sizeof *p);
        if (!p) return; /* the pushes will try again, and report */
        r->data.t = p;
        r->data.cap = need;
    }
}

static void record_step(cl_engine *e) {
    for (int i = 0; i < e->nrec; i++) {
        cl_recobj *r = &e->rec[i];
        if (!r->alive || r->interval > 0 || !r->ptr) continue;
        if (cl_event_list_push(&r->data, *r->ptr) != 0) e->oom = 1;
    }
}

int cl_engine_step(cl_engine *e) {
    double dt = e->dt;
    e->cur_netcon = -1;
    if (cl_engine_groups_prepare(e) != 0) return -1;
    table_check(e);
    /* deliver_net_events */
    check_thresholds(e);
    if (e->nwact) check_watches(e);
    deliver_until(e, e->t + 0.5 * dt);
    e->t += 0.5 * dt;
    play_continuous(e);
    groups_refresh_globals(e);
    if (e->nplay) {
        /* NEURON plays again at t + dt, after the new voltages and before
         * the states (fixed_play_continuous in nrn_fixed_step_lastpart): a
         * played variable a state block reads (SEClamp's rs in its
         * after_cvode icur, hence its recorded i) has its t + dt value */
        cl_engine_parallel(e, group_update);
        e->t += 0.5 * dt;
        play_continuous(e);
        e->t -= 0.5 * dt;
        cl_engine_parallel(e, group_states);
    } else
        cl_engine_parallel(e, group_step);
    e->t += 0.5 * dt;
    record_step(e);
    deliver_until(e, e->t);
    return e->oom ? -1 : 0;
}

int cl_engine_initialize(cl_engine *e) {
    if (!e->compiled && cl_engine_compile(e) != 0) return -1;
    e->oom = 0;
    e->cur_netcon = -1;
    e->t = 0.;
    table_check(e);
    cl_event_clear(e);
    presyn_min_delay(e);
    for (int i = 0; i < e->nplay; i++) { /* nrn_play_init, then the play events at t = 0 */
        cl_playobj *p = &e->play[i];
        if (!p->alive || !p->ptr || p->n == 0) continue;
        p->last = p->ubound = 0;
        push(e, (cl_event){.t = p->t[0], .kind = CL_EV_PLAY, .a = i});
    }
    deliver_until(e, e->t);
    for (int i = 0; i < e->nnode; i++) e->v[i] = e->v_init;
    cl_mech_ctx c = make_ctx(e);
    /* INITIAL blocks in type order, artificial cells after the others */
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < e->nblock; k++) {
            cl_mech_block *bl = &e->block[e->exec[k]];
            int art = bl->type->kind == CL_MECH_ARTIFICIAL;
            if (art != pass || !bl->n || !bl->type->init) continue;
            bl->type->init(&c, bl);
        }
    }
    for (int i = 0; i < e->npresyn; i++) {
        e->presyn[i].flag = 0;
        e->presyn[i].spikes.n = 0;
    }
    /* NetCon init (§9.3): NET_RECEIVE's INITIAL per connection, in creation
     * order; other targets get weights [1..n-1] zeroed. Then no WATCH is
     * active. */
    for (int n = 0; n < e->nnc; n++) {
        cl_netconobj *nc = &e->nc[n];
        if (!nc->alive || nc->target < 0) continue;
        const cl_ppobj *p = &e->pp[nc->target];
        cl_mech_block *b = &e->block[p->type];
        if (b->type->net_init) {
            e->cur_netcon = n;
            b->type->net_init(&c, b, p->inst, cl_nc_w(e, nc));
            e->cur_netcon = -1;
        } else {
            for (int k = nc->nw - 1; k > 0; --k) cl_nc_w(e, nc)[k] = 0.;
        }
    }
    watch_reset(e);
    deliver_until(e, e->t);
    if (cl_engine_groups_prepare(e) != 0) return -1;
    groups_refresh_globals(e);
    cl_engine_parallel(e, group_matrix_only);
    for (int i = 0; i < e->nrec; i++) {
        cl_recobj *r = &e->rec[i];
        r->data.n = 0;
        if (r->alive && r->interval > 0 && r->ptr)
            push(e, (cl_event){.t = 0., .kind = CL_EV_RECORD, .a = i});
    }
    record_step(e);
    deliver_until(e, e->t);
    e->initialized = 1;
    return e->oom ? -1 : 0;
}
