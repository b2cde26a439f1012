/* The distribution of a network over MPI ranks (cl_network_comm): the
 * partition of the cells, the run in windows with the spikes exchanged at
 * their ends, the reports gathered on rank 0. The library stays MPI-free:
 * the communication goes through the caller's cl_network_comm. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_morph.h"
#include "cellulab_network.h"
#include "sim/network_output.h"
#include "sim/network_int.h"
#include "util/util.h"

/* ---- distribution over ranks (cl_network_comm) ------------------------------
 * Each rank builds the cells cl_network_partition gives it; an edge from a
 * cell of another rank starts at a stand-in VecStim (source_stim) into
 * which that cell's spikes are injected. The run goes in windows no longer
 * than the shortest such delay: a spike detected in a window arrives after
 * its end, so exchanging the windows' spikes at their ends delivers every
 * one at spike time + delay, as one process does. */

int net_is_remote(const cl_network *net, const npop *P, uint64_t k) {
    return P->rank_of && k < P->n && P->rank_of[k] >= 0 && P->rank_of[k] != net->rank;
}

typedef struct morph_cost {
    char *key;
    double n;
} morph_cost;

/* A biophysical node's compartments for the partition: its morphology with
 * the axon rule make_biophysical applies (hoc e-models: as in the file) at
 * the run's dL rule, counted once per file and rule in a scratch
 * simulation; 1 when it does not load (the rank that builds the cell
 * reports why). */
static double compartments(cl_network *net, cl_sim **scratch, morph_cost **cache, size_t *ncache,
                           const cl_node_model *m) {
    if (!m->morphology) return 1;
    const char *proc = m->model_processing ? m->model_processing : "";
    const char *axon = strstr(proc, "aibs_allactive") ? "aibs_allactive"
                       : strstr(proc, "aibs_perisomatic") ? "aibs_perisomatic" : "none";
    char key[4200];
    snprintf(key, sizeof key, "%s\n%s\n%s", m->morphology, m->h5_cell ? m->h5_cell : "", axon);
    for (size_t i = 0; i < *ncache; i++)
        if (strcmp((*cache)[i].key, key) == 0) return (*cache)[i].n;
    if (!*scratch && cl_sim_new(scratch)) return 1;
    double n = 1;
    cl_morph_options mo = {.soma = net->soma, .pt3d_digits = net->pt3d_digits, .h5_cell = m->h5_cell, .axon = axon};
    cl_cell cell;
    if (cl_cell_load_morphology_opt(*scratch, m->morphology, &mo, &cell) == CL_OK) {
        size_t ns = 0;
        cl_section *secs = NULL;
        if (!cl_cell_discretize(*scratch, cell, CL_NSEG_MAXLEN, net->dL, 100, 100) &&
            !cl_cell_section_list(*scratch, cell, "all", NULL, 0, &ns) && (secs = malloc((ns + 1) * sizeof *secs)) &&
            !cl_cell_section_list(*scratch, cell, "all", secs, ns, &ns)) {
            n = 0;
            for (size_t i = 0; i < ns; i++) {
                int k = 1;
                cl_section_get_nseg(*scratch, secs[i], &k);
                n += k;
            }
        }
        free(secs);
        cl_cell_delete(*scratch, cell);
    }
    morph_cost *c = realloc(*cache, (*ncache + 1) * sizeof *c);
    if (c) {
        *cache = c;
        if ((c[*ncache].key = strdup(key))) c[(*ncache)++].n = n;
    }
    return n;
}

/* Owners of every selected non-virtual node (P->rank_of), the same on every
 * rank; then the mechanisms, built by rank 0 while the others wait. */
cl_status net_dist_partition(cl_network *net, const cl_network_options *o, cl_error *err) {
    typedef struct who {
        size_t p;
        uint64_t k;
    } who;
    who *w = NULL;
    double *cost = NULL;
    int *owner = NULL;
    size_t n = 0, cap = 0, ncache = 0;
    morph_cost *cache = NULL;
    cl_sim *scratch = NULL;
    int any_bio = 0;
    cl_status st = CL_OK;
    for (size_t p = 0; p < net->n_pops && !st; p++) {
        npop *P = &net->pops[p];
        P->rank_of = malloc((P->n + 1) * sizeof *P->rank_of);
        unsigned char *sel = calloc(P->n + 1, 1);
        if (!P->rank_of || !sel) {
            free(sel);
            st = cl_error_fail(err, CL_ENOMEM, "out of memory");
            break;
        }
        for (uint64_t k = 0; k < P->n; k++) P->rank_of[k] = -1;
        st = net_select_nodes(net, o, p, sel, err);
        for (uint64_t k = 0; k < P->n && !st; k++) {
            if (!sel[k]) continue;
            cl_node_model m;
            if ((st = net->ops->node_model(net->st, P->name, k, &m, err))) break;
            const char *type = m.model_type ? m.model_type : "";
            if (strcmp(type, "virtual") == 0) continue;
            int bio = strcmp(type, "biophysical") == 0;
            any_bio |= bio;
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 256;
                who *w2 = realloc(w, nc * sizeof *w2);
                if (w2) w = w2;
                double *c2 = realloc(cost, nc * sizeof *c2);
                if (c2) cost = c2;
                if (!w2 || !c2) {
                    st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                    break;
                }
                cap = nc;
            }
            w[n] = (who){p, k};
            cost[n++] = bio ? compartments(net, &scratch, &cache, &ncache, &m) : 1;
        }
        free(sel);
    }
    for (size_t i = 0; i < ncache; i++) free(cache[i].key);
    free(cache);
    cl_sim_free(scratch);
    if (!st && !(owner = malloc((n + 1) * sizeof *owner))) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
    if (!st) st = cl_network_partition(cost, n, net->nranks, owner, NULL, err);
    for (size_t i = 0; i < n && !st; i++) net->pops[w[i].p].rank_of[w[i].k] = owner[i];
    free(w);
    free(cost);
    free(owner);
    if (st || !any_bio || !o->build_mechanisms) return st;
    /* rank 0 compiles; the others then find the library up to date */
    int ok = 1;
    cl_status sb = CL_OK;
    if (net->rank == 0) {
        sb = net_build_mechanisms(net, o, err);
        ok = sb == CL_OK;
    }
    void *all = NULL;
    size_t na = 0;
    cl_error e2 = {{0}};
    st = net->comm->allgather(net->comm->ctx, &ok, sizeof ok, &all, &na, &e2);
    int ok0 = !st && all && na >= sizeof ok0 ? *(int *)all : 0;
    free(all);
    if (sb) return sb;
    if (st) return cl_error_fail(err, st, "exchanging the mechanism build: %s", e2.msg);
    if (!ok0) return cl_error_fail(err, CL_EIO, "rank 0 could not build the circuit's mechanisms (see its message)");
    return net->rank == 0 ? CL_OK : net_build_mechanisms(net, o, err);
}

/* A spike as the ranks exchange it. */
typedef struct dspk {
    uint64_t pop, node;
    double t;
} dspk;

static int cmp_dspk(const void *a, const void *b) {
    const dspk *x = a, *y = b;
    if (x->t != y->t) return (x->t > y->t) - (x->t < y->t);
    if (x->pop != y->pop) return (x->pop > y->pop) - (x->pop < y->pop);
    return (x->node > y->node) - (x->node < y->node);
}

typedef struct dspk_list {
    dspk *a;
    size_t n, cap;
} dspk_list;

static int dspk_push(dspk_list *l, dspk s) {
    if (net_grow((void **)&l->a, &l->cap, l->n, sizeof *l->a)) return -1;
    l->a[l->n++] = s;
    return 0;
}

/* The end of a window: this rank's new spikes to every rank; the others'
 * injected into their stand-ins in time order (then population, node, as
 * one process detects them); all of them kept in every_spike. */
static cl_status exchange_spikes(cl_network *net, size_t *seen, dspk_list *every_spike, cl_error *err) {
    dspk_list mine = {0};
    for (size_t i = 0; i < net->n_cells; i++) {
        const double *t;
        size_t n;
        if (cl_netcon_spikes(net->sim, net->cells[i].det, &t, &n)) return net_simfail(net, CL_EINVAL, err, "spikes");
        for (; seen[i] < n; seen[i]++)
            if (dspk_push(&mine, (dspk){net->cells[i].pop, net->cells[i].node, t[seen[i]]})) {
                free(mine.a);
                return cl_error_fail(err, CL_ENOMEM, "out of memory");
            }
    }
    void *all = NULL;
    size_t nb = 0;
    cl_status st = net->comm->allgather(net->comm->ctx, mine.a, mine.n * sizeof(dspk), &all, &nb, err);
    free(mine.a);
    if (st) return st;
    size_t n = nb / sizeof(dspk);
    dspk *s = all;
    if (n) qsort(s, n, sizeof *s, cmp_dspk);
    for (size_t i = 0; i < n && !st; i++) {
        if (s[i].pop >= net->n_pops || s[i].node >= net->pops[s[i].pop].n) {
            st = cl_error_fail(err, CL_EINVAL, "spike exchange: population %llu node %llu out of range",
                               (unsigned long long)s[i].pop, (unsigned long long)s[i].node);
            break;
        }
        if (dspk_push(every_spike, s[i])) {
            st = cl_error_fail(err, CL_ENOMEM, "out of memory");
            break;
        }
        npop *P = &net->pops[s[i].pop];
        if (!net_is_remote(net, P, s[i].node) || P->stim_of[s[i].node] < 0) continue; /* ours, or not a source here */
        if (cl_pp_inject_spike(net->sim, net->stims[P->stim_of[s[i].node]], s[i].t)) {
            char w[300];
            snprintf(w, sizeof w, "spike of population \"%s\" node %llu at %.17g ms from rank %d", P->name,
                     (unsigned long long)s[i].node, s[i].t, P->rank_of[s[i].node]);
            st = net_simfail(net, CL_EINVAL, err, w);
        }
    }
    free(all);
    return st;
}

/* Every spike of every rank into the populations' results, sorted as
 * one process keeps them (net_set_spikes). */
static cl_status spikes_from(cl_network *net, const dspk_list *l, cl_error *err) {
    for (size_t p = 0; p < net->n_pops; p++) {
        npop *P = &net->pops[p];
        size_t total = 0;
        for (size_t i = 0; i < l->n; i++) total += l->a[i].pop == p;
        spk *a = malloc((total ? total : 1) * sizeof *a);
        if (!a) return cl_error_fail(err, CL_ENOMEM, "out of memory");
        size_t j = 0;
        for (size_t i = 0; i < l->n; i++)
            if (l->a[i].pop == p) a[j++] = (spk){l->a[i].t, l->a[i].node};
        cl_status st = net_set_spikes(P, a, total, err);
        if (st) return st;
    }
    return CL_OK;
}

/* The step at which the window from step `done` (time now) ends: at most
 * wsteps steps on, and no further than the accumulated time (the engine's
 * t += dt/2 twice a step, replayed here) at which a spike fired just after
 * now would arrive with the shortest delay dmin: every spike of the window
 * then arrives after its end, and its exchange is in time. At least one
 * step (cl_pp_inject_spike refuses a late arrival, should one remain). */
static double window_end(cl_network *net, double done, double wsteps, double dmin) {
    if (isinf(dmin)) return done + wsteps;
    double t0 = cl_sim_time(net->sim), h = 0.5 * net->dt, x = t0;
    double limit = nextafter(t0, INFINITY) + dmin;
    double m = 0;
    while (m < wsteps) {
        double y = x + h;
        y = y + h;
        if (!(y < limit) && m >= 1) break;
        x = y;
        m++;
    }
    return done + m;
}

cl_status net_dist_run(cl_network *net, cl_network_progress_fn progress, void *ctx, cl_error *err) {
    if (cl_sim_init(net->sim)) return net_simfail(net, CL_EINVAL, err, "initialisation");
    void *all = NULL;
    size_t nb = 0;
    cl_status st = net->comm->allgather(net->comm->ctx, &net->remote_min_delay, sizeof(double), &all, &nb, err);
    if (st) return st;
    double dmin = INFINITY;
    for (size_t i = 0; i + 1 <= nb / sizeof(double); i++) dmin = fmin(dmin, ((double *)all)[i]);
    free(all);
    net->exchange = dmin;
    double nsteps = round(net->tstop / net->dt);
    /* whole steps no longer than the shortest delay */
    double wsteps = isinf(dmin) ? fmax(nsteps, 1) : fmin(floor(dmin / net->dt * (1 + 1e-12)), fmax(nsteps, 1));
    if (wsteps < 1)
        return cl_error_fail(err, CL_EINVAL,
                             "a connection between cells on different ranks has delay %g ms, less than dt = %g ms: "
                             "its spikes cannot be exchanged in time (run on one rank)", dmin, net->dt);
    size_t *seen = calloc(net->n_cells + 1, sizeof *seen);
    dspk_list every = {0};
    if (!seen) return cl_error_fail(err, CL_ENOMEM, "out of memory");
    const int chunks = 100;
    int chunk = 1;
    double done = 0, next_w = window_end(net, 0, wsteps, dmin);
    for (;;) {
        double next_p = round(nsteps * chunk / chunks);
        double target = fmin(next_w, next_p);
        double t = target >= nsteps ? net->tstop : target * net->dt;
        if (cl_sim_continue(net->sim, t)) {
            st = net_simfail(net, CL_EINVAL, err, "run");
            break;
        }
        done = target;
        if (target == next_w || target >= nsteps) {
            if ((st = exchange_spikes(net, seen, &every, err))) break;
            next_w = window_end(net, done, wsteps, dmin);
        }
        if (target == next_p) {
            if (progress && progress(cl_sim_time(net->sim), net->tstop, ctx)) {
                st = cl_error_fail(err, CL_ESTATE, "run stopped at t = %g ms by the progress callback",
                                   cl_sim_time(net->sim));
                break;
            }
            chunk++;
        }
        if (target >= nsteps) break;
    }
    if (!st) st = spikes_from(net, &every, err);
    free(seen);
    free(every.a);
    if (!st) net->ran = 1;
    return st;
}

typedef struct bytes {
    unsigned char *a;
    size_t n, cap;
    int oom;
} bytes;

static void put(bytes *b, const void *p, size_t n) {
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (nc < b->n + n) nc *= 2;
        unsigned char *q = realloc(b->a, nc);
        if (!q) {
            b->oom = 1;
            return;
        }
        b->a = q;
        b->cap = nc;
    }
    memcpy(b->a + b->n, p, n);
    b->n += n;
}

static void put_u64(bytes *b, uint64_t v) { put(b, &v, sizeof v); }

/* One cell's part of a report as ranks send it: population, node, values,
 * then element ids, positions and the nt samples of each value. */
typedef struct rblock {
    uint64_t pop, node, nv;
    const unsigned char *elem, *pos, *data;
} rblock;

static int cmp_rblock(const void *a, const void *b) {
    const rblock *x = a, *y = b;
    if (x->pop != y->pop) return (x->pop > y->pop) - (x->pop < y->pop);
    return (x->node > y->node) - (x->node < y->node);
}

cl_status net_dist_write_reports(cl_network *net, const char *od, const char *output_dir, cl_error *err) {
    char path[4096];
    bytes b = {0};
    put_u64(&b, 0); /* this rank's length, set below */
    for (size_t i = 0; i < net->n_reps; i++) {
        nreport *R = &net->reps[i];
        size_t stride, first, nt;
        double step, t0;
        net_report_layout(net, R, od, output_dir, path, sizeof path, &stride, &step, &first, &nt, &t0);
        put_u64(&b, R->n);
        for (size_t j = 0; j < R->n; j++) {
            const ncell *C = &net->cells[R->cells[j]];
            put_u64(&b, C->pop);
            put_u64(&b, C->node);
            put_u64(&b, R->off[j + 1] - R->off[j]);
            for (size_t q = R->off[j]; q < R->off[j + 1]; q++) put(&b, &R->elem[q], sizeof(uint32_t));
            for (size_t q = R->off[j]; q < R->off[j + 1]; q++) put(&b, &R->pos[q], sizeof(float));
            for (size_t q = R->off[j]; q < R->off[j + 1]; q++) {
                const double *v;
                size_t n = 0;
                if (cl_rec_data(net->sim, R->recs[q], &v, &n)) n = 0;
                for (size_t r = 0; r < nt; r++) {
                    size_t idx = (first + r) * stride;
                    double x = idx < n ? v[idx] : NAN;
                    put(&b, &x, sizeof x);
                }
            }
        }
    }
    if (b.oom) {
        free(b.a);
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    uint64_t len = b.n;
    memcpy(b.a, &len, sizeof len);
    void *all = NULL;
    size_t na = 0;
    cl_status st = net->comm->gather(net->comm->ctx, b.a, b.n, &all, &na, err);
    free(b.a);
    if (st || net->rank != 0) {
        free(all);
        return st;
    }
    /* rank 0: each report's blocks from every rank, in node order */
    const unsigned char *base = all;
    size_t *cur = malloc((size_t)net->nranks * sizeof *cur); /* each rank's read position */
    rblock *blk = NULL;
    size_t cap_blk = 0;
    if (!cur) st = cl_error_fail(err, CL_ENOMEM, "out of memory");
    for (size_t off = 0, r = 0; !st && r < (size_t)net->nranks; r++) {
        uint64_t l = 0;
        if (off + sizeof l <= na) memcpy(&l, base + off, sizeof l);
        if (l < sizeof l || off + l > na) st = cl_error_fail(err, CL_EIO, "report gather: rank %zu sent a bad block", r);
        else {
            cur[r] = off + sizeof l;
            off += l;
        }
    }
    for (size_t i = 0; i < net->n_reps && !st; i++) {
        nreport *R = &net->reps[i];
        size_t stride, first, nt;
        double step, t0;
        net_report_layout(net, R, od, output_dir, path, sizeof path, &stride, &step, &first, &nt, &t0);
        size_t nblk = 0;
        for (size_t r = 0; r < (size_t)net->nranks && !st; r++) {
            uint64_t nc;
            memcpy(&nc, base + cur[r], sizeof nc);
            cur[r] += sizeof nc;
            for (uint64_t j = 0; j < nc; j++) {
                if (net_grow((void **)&blk, &cap_blk, nblk, sizeof *blk)) {
                    st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                    break;
                }
                rblock *k = &blk[nblk++];
                memcpy(&k->pop, base + cur[r], 8);
                memcpy(&k->node, base + cur[r] + 8, 8);
                memcpy(&k->nv, base + cur[r] + 16, 8);
                k->elem = base + cur[r] + 24;
                k->pos = k->elem + k->nv * sizeof(uint32_t);
                k->data = k->pos + k->nv * sizeof(float);
                cur[r] = (size_t)(k->data + k->nv * nt * sizeof(double) - base);
            }
        }
        if (st) break;
        if (nblk) qsort(blk, nblk, sizeof *blk, cmp_rblock);
        net_report_pop rp[2] = {{0}};
        size_t nrp = 0;
        for (size_t j0 = 0; j0 < nblk && !st;) {
            size_t j1 = j0, nv = 0;
            for (; j1 < nblk && blk[j1].pop == blk[j0].pop; j1++) nv += blk[j1].nv;
            if (nrp == 1) {
                st = cl_error_fail(err, CL_EINVAL, "report \"%s\": its nodes span several populations; a report file holds one",
                                   R->rc.name ? R->rc.name : "");
                break;
            }
            size_t nn = j1 - j0;
            uint64_t *ids = malloc(nn * sizeof *ids), *ptr = malloc((nn + 1) * sizeof *ptr);
            uint32_t *elem = malloc((nv + 1) * sizeof *elem);
            float *pos = malloc((nv + 1) * sizeof *pos);
            double *data = malloc((nt ? nt : 1) * (nv ? nv : 1) * sizeof *data);
            rp[nrp++] = (net_report_pop){net->pops[blk[j0].pop].name, ids, nn, ptr, elem, pos, nv, data, nt, t0,
                                         t0 + nt * step, step, R->rc.variable_name ? R->rc.variable_name : "v"};
            if (!ids || !ptr || !elem || !pos || !data) {
                st = cl_error_fail(err, CL_ENOMEM, "out of memory");
                break;
            }
            size_t col = 0;
            ptr[0] = 0;
            for (size_t j = j0; j < j1; j++) {
                ids[j - j0] = blk[j].node;
                memcpy(elem + col, blk[j].elem, blk[j].nv * sizeof(uint32_t));
                memcpy(pos + col, blk[j].pos, blk[j].nv * sizeof(float));
                for (size_t q = 0; q < blk[j].nv; q++)
                    for (size_t r = 0; r < nt; r++)
                        memcpy(&data[r * nv + col + q], blk[j].data + (q * nt + r) * sizeof(double), sizeof(double));
                col += blk[j].nv;
                ptr[j - j0 + 1] = col;
            }
            j0 = j1;
        }
        if (!st && nrp == 1) st = net_write_report(path, &rp[0], err);
        net_report_pops_free(rp, nrp);
    }
    free(blk);
    free(cur);
    free(all);
    return st;
}

cl_status cl_network_node_rank(const cl_network *net, const char *pop, uint64_t node, int *rank, cl_error *err) {
    if (!net || !rank) return cl_error_fail(err, CL_EINVAL, "cl_network_node_rank: NULL argument");
    for (size_t p = 0; p < net->n_pops; p++) {
        const npop *P = &net->pops[p];
        if (!pop || strcmp(P->name, pop) != 0) continue;
        if (node >= P->n)
            return cl_error_fail(err, CL_EINVAL, "population \"%s\": node %llu out of range (%llu nodes)", pop,
                                 (unsigned long long)node, (unsigned long long)P->n);
        *rank = P->rank_of ? P->rank_of[node] : P->cell_of[node] >= 0 ? 0 : -1;
        return CL_OK;
    }
    return cl_error_fail(err, CL_ENOTFOUND, "no node population \"%s\"", pop ? pop : "(null)");
}

double cl_network_exchange_interval(const cl_network *net) { return net ? net->exchange : INFINITY; }
