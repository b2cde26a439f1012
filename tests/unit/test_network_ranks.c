/* A network shared among ranks (cl_network_comm) without MPI: the ranks
 * are threads of this process joined by a barrier-based allgather, so the
 * library's distribution (partition, stand-in sources, windows, spike
 * exchange, gathered outputs) is tested in every build. References are
 * independent of the code under test: a brute-force optimum for the
 * partition, a VecStim playing the same time for cl_pp_inject_spike, and
 * the single-process run of the same circuit for the distributed one
 * (bit-identical spikes, and the files rank 0 writes equal dataset by
 * dataset). */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "cellulab.h"
#include "cellulab_memcircuit.h"
#include "cellulab_morph.h"
#include "cellulab_network.h"
#include "fixtures.h"

static char tmpdir[256];

static void ok(cl_status st, const cl_error *e) {
    if (st) fail_msg("%s", e->msg);
}

/* ---- the partition -------------------------------------------------------- */

/* The least possible maximum load, by trying every assignment. */
static double best_max_load(const double *cost, size_t n, int k) {
    double best = INFINITY;
    size_t total = 1;
    for (size_t i = 0; i < n; i++) total *= (size_t)k;
    for (size_t code = 0; code < total; code++) {
        double load[8] = {0};
        size_t c = code;
        for (size_t i = 0; i < n; i++, c /= (size_t)k) load[c % (size_t)k] += cost[i];
        double m = 0;
        for (int r = 0; r < k; r++) m = fmax(m, load[r]);
        best = fmin(best, m);
    }
    return best;
}

/* Graham's bound for largest-first greedy: max load <= (4/3 - 1/(3k)) of
 * the optimum; every cell owned once; loads add up; the same twice. */
static void test_partition_balance(void **state) {
    (void)state;
    uint32_t seed = 12345;
    for (int trial = 0; trial < 200; trial++) {
        size_t n = 1 + (size_t)(trial % 9);
        int k = 2 + trial % 3;
        double cost[16], load[8];
        int owner[16], owner2[16];
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            cost[i] = 1 + (seed >> 16) % 400; /* compartments */
        }
        cl_error e;
        ok(cl_network_partition(cost, n, k, owner, load, &e), &e);
        ok(cl_network_partition(cost, n, k, owner2, NULL, &e), &e);
        double sum[8] = {0}, mx = 0, total = 0, lsum = 0;
        for (size_t i = 0; i < n; i++) {
            assert_true(owner[i] >= 0 && owner[i] < k);
            assert_int_equal(owner[i], owner2[i]);
            sum[owner[i]] += cost[i];
            total += cost[i];
        }
        for (int r = 0; r < k; r++) {
            assert_true(sum[r] == load[r]);
            mx = fmax(mx, load[r]);
            lsum += load[r];
        }
        assert_true(lsum == total);
        double opt = best_max_load(cost, n, k);
        assert_true(mx <= (4.0 / 3.0 - 1.0 / (3.0 * k)) * opt + 1e-9);
    }
    /* equal costs: cells dealt round-robin, so the counts differ by <= 1 */
    double c[7] = {5, 5, 5, 5, 5, 5, 5};
    int o[7], cnt[3] = {0};
    cl_error e;
    ok(cl_network_partition(c, 7, 3, o, NULL, &e), &e);
    for (int i = 0; i < 7; i++) cnt[o[i]]++;
    assert_true(cnt[0] == 3 && cnt[1] == 2 && cnt[2] == 2);
}

static void test_partition_errors(void **state) {
    (void)state;
    double c[2] = {1, NAN};
    int o[2];
    cl_error e = {{0}};
    assert_int_equal(cl_network_partition(c, 1, 0, o, NULL, &e), CL_EINVAL);
    assert_non_null(strstr(e.msg, "nranks"));
    assert_int_equal(cl_network_partition(c, 2, 2, o, NULL, &e), CL_EINVAL);
    assert_non_null(strstr(e.msg, "cost[1]"));
    c[1] = -3;
    assert_int_equal(cl_network_partition(c, 2, 2, o, NULL, &e), CL_EINVAL);
    assert_non_null(strstr(e.msg, "cost[1]"));
}

/* ---- cl_pp_inject_spike ----------------------------------------------------- */

/* A spike injected into a stand-in VecStim at 4 ms reaches an IntFire1 (w
 * 2: it fires on every event) through a 2.5 ms NetCon at 6.5 ms, as the
 * same VecStim playing 4 ms would deliver it; an arrival in the past is
 * refused. */
static void test_inject_spike(void **state) {
    (void)state;
    double got[2];
    for (int pass = 0; pass < 2; pass++) {
        cl_sim *s;
        assert_int_equal(cl_sim_new(&s), CL_OK);
        cl_pp vs, cell;
        cl_netcon nc, rec;
        assert_int_equal(cl_artcell_new(s, "VecStim", &vs), CL_OK);
        assert_int_equal(cl_artcell_new(s, "IntFire1", &cell), CL_OK);
        assert_int_equal(cl_netcon_from_pp(s, vs, cell, &nc), CL_OK);
        assert_int_equal(cl_netcon_set_weight(s, nc, 0, 2.0), CL_OK);
        assert_int_equal(cl_netcon_set_delay(s, nc, 2.5), CL_OK);
        assert_int_equal(cl_netcon_from_pp(s, cell, (cl_pp){0}, &rec), CL_OK);
        assert_int_equal(cl_netcon_record(s, rec), CL_OK);
        double t4 = 4.0;
        if (pass == 0) assert_int_equal(cl_vecstim_play(s, vs, &t4, 1), CL_OK);
        if (pass == 1) assert_int_equal(cl_pp_inject_spike(s, vs, 4.0), CL_ESTATE); /* before init */
        assert_int_equal(cl_sim_init(s), CL_OK);
        assert_int_equal(cl_sim_continue(s, 5.0), CL_OK);
        if (pass == 1) {
            assert_int_equal(cl_pp_inject_spike(s, vs, 4.0), CL_OK);
            assert_int_equal(cl_pp_inject_spike(s, vs, 2.0), CL_EINVAL); /* would arrive at 4.5 < 5 */
            assert_non_null(strstr(cl_sim_errmsg(s), "arrives"));
        }
        assert_int_equal(cl_sim_continue(s, 10.0), CL_OK);
        const double *t;
        size_t n;
        assert_int_equal(cl_netcon_spikes(s, rec, &t, &n), CL_OK);
        assert_int_equal(n, 1);
        got[pass] = t[0];
        cl_sim_free(s);
    }
    assert_true(got[0] == 6.5 && got[1] == got[0]);
}

/* ---- ranks as threads ------------------------------------------------------- */

#define MAXR 4
typedef struct world {
    pthread_barrier_t bar;
    int size;
    const void *data[MAXR];
    size_t n[MAXR];
} world;

typedef struct rank_ctx {
    world *w;
    int rank;
    cl_network_comm comm;
    int (*body)(struct rank_ctx *);
    void *result;
} rank_ctx;

static cl_status exchange(void *ctx, const void *data, size_t n, void **all, size_t *n_all, int root_only) {
    rank_ctx *r = ctx;
    world *w = r->w;
    w->data[r->rank] = data;
    w->n[r->rank] = n;
    pthread_barrier_wait(&w->bar);
    size_t total = 0;
    for (int i = 0; i < w->size; i++) total += w->n[i];
    *all = NULL;
    *n_all = 0;
    if (!root_only || r->rank == 0) {
        unsigned char *b = malloc(total ? total : 1);
        size_t off = 0;
        for (int i = 0; i < w->size; i++) {
            if (w->n[i]) memcpy(b + off, w->data[i], w->n[i]);
            off += w->n[i];
        }
        *all = b;
        *n_all = total;
    }
    pthread_barrier_wait(&w->bar); /* the buffers stay until everyone copied */
    return CL_OK;
}

static cl_status t_allgather(void *ctx, const void *data, size_t n, void **all, size_t *n_all, cl_error *err) {
    (void)err;
    return exchange(ctx, data, n, all, n_all, 0);
}

static cl_status t_gather(void *ctx, const void *data, size_t n, void **all, size_t *n_all, cl_error *err) {
    (void)err;
    return exchange(ctx, data, n, all, n_all, 1);
}

static void *rank_main(void *arg) {
    rank_ctx *r = arg;
    r->body(r);
    return NULL;
}

/* Runs body on `size` ranks (threads); results in ctx[i].result. */
static void run_ranks(int size, rank_ctx *ctx, int (*body)(rank_ctx *)) {
    world w = {.size = size};
    pthread_barrier_init(&w.bar, NULL, (unsigned)size);
    pthread_t th[MAXR];
    for (int i = 0; i < size; i++) {
        ctx[i] = (rank_ctx){.w = &w, .rank = i, .body = body};
        ctx[i].comm = (cl_network_comm){.rank = i, .size = size, .ctx = &ctx[i], .allgather = t_allgather,
                                        .gather = t_gather};
        assert_int_equal(pthread_create(&th[i], NULL, rank_main, &ctx[i]), 0);
    }
    for (int i = 0; i < size; i++) pthread_join(th[i], NULL);
    pthread_barrier_destroy(&w.bar);
}

/* 60 IntFire1 cells (tau 10 ms, refractory 2 ms), each with 12 recurrent
 * edges from cells picked by a fixed generator, delays from 1 ms to 2 ms
 * on a 1e-4 ms grid, and 5 virtual inputs firing at irregular times: many
 * spikes cross ranks. Times and delays are irregular on purpose: events
 * that reach one cell at the very same time from a cell of another rank
 * and from one here are delivered in the order of their arrival in the
 * queue, which only one process decides as NEURON does (see
 * docs/STATUS.md); this test checks everything else. tstop 300 ms. */
static cl_circuit *make_circuit(void) {
    cl_memcircuit *mc;
    cl_error e;
    ok(cl_memcircuit_new(&mc, &e), &e);
    char path[400], syn[400];
    snprintf(path, sizeof path, "%s/if1.json", tmpdir); /* written by main */
    snprintf(syn, sizeof syn, "%s/syn.json", tmpdir);
    cl_node_model pm = {.model_type = "point_process", .model_template = "nrn:IntFire1", .dynamics_params = path};
    cl_node_model vm = {.model_type = "virtual"};
    const uint64_t N = 60, NIN = 5;
    ok(cl_memcircuit_add_population(mc, "v1", N, &pm, &e), &e);
    ok(cl_memcircuit_add_population(mc, "lgn", NIN, &vm, &e), &e);
    ok(cl_memcircuit_add_edge_population(mc, "lgn_v1", "lgn", "v1", &e), &e);
    ok(cl_memcircuit_add_edge_population(mc, "v1_v1", "v1", "v1", &e), &e);
    uint32_t seed = 7;
#define NEXT() (seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7fff)
    uint64_t nodes[400];
    double times[400];
    size_t nin = 0;
    for (uint64_t k = 0; k < NIN; k++)
        for (int j = 0; j < 60; j++) {
            nodes[nin] = k;
            times[nin++] = 0.5 * (double)(1 + NEXT() % 580) + 0.0137 * (double)k + 0.00031 * (double)j;
        }
    ok(cl_memcircuit_add_spike_input(mc, "lgn", nodes, times, nin, &e), &e);
    for (uint64_t t = 0; t < N; t++) {
        uint64_t id;
        for (uint64_t k = 0; k < NIN; k++) {
            ok(cl_memcircuit_add_edge(mc, "lgn_v1", k, t, syn, &id, &e), &e);
            ok(cl_memcircuit_set_edge_num(mc, "lgn_v1", id, "syn_weight", 0.3 + 0.05 * (double)(NEXT() % 5), &e), &e);
            ok(cl_memcircuit_set_edge_num(mc, "lgn_v1", id, "delay", 1.0 + 1e-4 * (double)(NEXT() % 10000), &e), &e);
        }
        for (int j = 0; j < 12; j++) {
            ok(cl_memcircuit_add_edge(mc, "v1_v1", NEXT() % N, t, syn, &id, &e), &e);
            ok(cl_memcircuit_set_edge_num(mc, "v1_v1", id, "syn_weight", 0.1 + 0.01 * (double)(NEXT() % 9), &e), &e);
            ok(cl_memcircuit_set_edge_num(mc, "v1_v1", id, "delay", 1.0 + 1e-4 * (double)(NEXT() % 10000), &e), &e);
        }
    }
#undef NEXT
    cl_run_config rc = {NAN, 300, 0.1, NAN, NAN, NAN, NAN, NULL, NULL, NULL, NULL};
    ok(cl_memcircuit_set_run_config(mc, &rc, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    return c;
}

typedef struct spikes {
    uint64_t *nodes;
    double *times;
    size_t n;
    int owner[60];
    size_t cells, remote;
    double window;
} spikes;

static int simulate(rank_ctx *r) {
    cl_circuit *c = make_circuit();
    cl_network_options o = {.threads = 1, .comm = r ? &r->comm : NULL};
    cl_network *net;
    cl_error e;
    ok(cl_network_new(c, &o, &net, &e), &e);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    spikes *s = calloc(1, sizeof *s);
    const uint64_t *sn;
    const double *st;
    ok(cl_network_spikes(net, "v1", &sn, &st, &s->n, &e), &e);
    s->nodes = malloc((s->n + 1) * sizeof *s->nodes);
    s->times = malloc((s->n + 1) * sizeof *s->times);
    memcpy(s->nodes, sn, s->n * sizeof *sn);
    memcpy(s->times, st, s->n * sizeof *st);
    for (uint64_t k = 0; k < 60; k++) ok(cl_network_node_rank(net, "v1", k, &s->owner[k], &e), &e);
    cl_network_counts k = cl_network_get_counts(net);
    s->cells = k.cells;
    s->remote = k.remote_sources;
    s->window = cl_network_exchange_interval(net);
    cl_network_free(net);
    cl_circuit_free(c);
    if (r) r->result = s;
    return 0;
}

static int simulate_rank(rank_ctx *r) { return simulate(r); }

static void free_spikes(spikes *s) {
    free(s->nodes);
    free(s->times);
    free(s);
}

/* The same spikes, bit for bit, from 2, 3 and 4 ranks as from one process;
 * each cell on exactly one rank, the cells balanced (IntFire1 costs 1 each). */
static void test_ranks_match_one_process(void **state) {
    (void)state;
    cl_circuit *c = make_circuit();
    cl_network_options o = {.threads = 1};
    cl_network *net;
    cl_error e;
    ok(cl_network_new(c, &o, &net, &e), &e);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const uint64_t *rn;
    const double *rt;
    size_t rcount;
    ok(cl_network_spikes(net, "v1", &rn, &rt, &rcount, &e), &e);
    assert_true(rcount > 200); /* the network is busy */
    for (int size = 2; size <= 4; size++) {
        rank_ctx ctx[MAXR];
        run_ranks(size, ctx, simulate_rank);
        size_t cells = 0, per[MAXR] = {0};
        for (int i = 0; i < size; i++) {
            spikes *s = ctx[i].result;
            assert_non_null(s);
            for (size_t j = 0; j < rcount && j < s->n; j++) {
                if (s->nodes[j] != rn[j] || s->times[j] != rt[j])
                    fail_msg("%d ranks, rank %d: spike %zu is node %llu at %.17g ms, one process node %llu at %.17g ms",
                             size, i, j, (unsigned long long)s->nodes[j], s->times[j], (unsigned long long)rn[j], rt[j]);
            }
            assert_int_equal(s->n, rcount);
            for (int k = 0; k < 60; k++) {
                assert_int_equal(s->owner[k], ((spikes *)ctx[0].result)->owner[k]);
                if (s->owner[k] == i) per[i]++;
            }
            assert_int_equal(s->cells, per[i]);
            assert_true(s->remote > 0);
            assert_true(s->window >= 1.0 && s->window < 1.01); /* the shortest delay */
            cells += s->cells;
        }
        assert_int_equal(cells, 60);
        for (int i = 0; i < size; i++) assert_true(per[i] == 60 / (size_t)size || per[i] == 60 / (size_t)size + 1);
        printf("%d ranks: %zu spikes identical to one process\n", size, rcount);
        for (int i = 0; i < size; i++) free_spikes(ctx[i].result);
    }
    cl_network_free(net);
    cl_circuit_free(c);
}


/* ---- outputs written by rank 0 -------------------------------------------------- */

#define MORPH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Pvalb_470522102_m.swc"

/* Five biophysical cells (hh everywhere, added after cl_network_new on the
 * cells each rank has), clamps on nodes 0 and 3, Exp2Syn edges 0->1->2,
 * 3->4->0, 2->4; a soma report (every 0.1 ms) and an "all sections" report
 * (every 0.5 ms from 5 to 40 ms). */
static cl_circuit *bio_circuit(void) {
    uint64_t drive[] = {0, 3};
    cl_memcircuit *mc = fx_driven_bio(5, MORPH, 50, drive, 2);
    cl_error e;
    char syn[400];
    snprintf(syn, sizeof syn, "%s/exp2syn.json", tmpdir);
    const uint64_t src[] = {0, 1, 3, 4, 2}, tgt[] = {1, 2, 4, 0, 4};
    for (int i = 0; i < 5; i++)
        fx_edge_at(mc, "bio_bio", src[i], tgt[i], 0.05, 1.5 + i * 0.25, syn, i % 2 ? 4 : 0, 0.5);
    cl_report_config soma = {.name = "soma_v", .variable_name = "v", .sections = "soma", .dt = 0.1,
                             .start_time = NAN, .end_time = NAN};
    cl_report_config all = {.name = "all_v", .variable_name = "v", .sections = "all", .dt = 0.5,
                            .start_time = 5, .end_time = 40};
    ok(cl_memcircuit_add_report(mc, &soma, &e), &e);
    ok(cl_memcircuit_add_report(mc, &all, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    return c;
}

static char bio_out[MAXR + 1][400];

static int simulate_bio(rank_ctx *r) {
    int size = r ? r->comm.size : 1, rank = r ? r->rank : 0;
    cl_circuit *c = bio_circuit();
    cl_network_options o = {.select = CL_NET_ALL, .threads = 1, .comm = r ? &r->comm : NULL};
    cl_network *net;
    cl_error e;
    ok(cl_network_new(c, &o, &net, &e), &e);
    cl_sim *sim = cl_network_sim(net);
    size_t mine = 0;
    for (uint64_t k = 0; k < 5; k++) {
        int owner;
        ok(cl_network_node_rank(net, "bio", k, &owner, &e), &e);
        assert_true(owner >= 0 && owner < size);
        cl_cell cell;
        cl_status st = cl_network_cell(net, "bio", k, &cell, NULL, &e);
        assert_int_equal(st, owner == rank ? CL_OK : CL_ENOTFOUND);
        if (st) continue;
        mine++;
        fx_insert_all(sim, cell, "hh");
    }
    assert_int_equal(cl_network_get_counts(net).cells, mine);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    ok(cl_network_write_outputs(net, bio_out[size], &e), &e);
    cl_network_free(net);
    cl_circuit_free(c);
    return 0;
}

/* Every byte of dataset `name` of file `path` (its native type); NULL, 0
 * when absent. */
static unsigned char *read_ds(const char *path, const char *name, size_t *n) {
    *n = 0;
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) return NULL;
    unsigned char *buf = NULL;
    hid_t d = H5Dopen2(f, name, H5P_DEFAULT);
    if (d >= 0) {
        hid_t t = H5Dget_type(d), nt = H5Tget_native_type(t, H5T_DIR_ASCEND), sp = H5Dget_space(d);
        hssize_t count = H5Sget_simple_extent_npoints(sp);
        *n = (size_t)count * H5Tget_size(nt);
        buf = malloc(*n + 1);
        if (H5Dread(d, nt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) *n = 0;
        H5Sclose(sp);
        H5Tclose(nt);
        H5Tclose(t);
        H5Dclose(d);
    }
    H5Fclose(f);
    return buf;
}

/* The spike and report files of 2 and 3 ranks equal those of one process,
 * dataset by dataset, byte for byte. */
static void test_ranks_outputs(void **state) {
    (void)state;
    char syn[400];
    snprintf(syn, sizeof syn, "%s/exp2syn.json", tmpdir);
    FILE *f = fopen(syn, "w");
    assert_non_null(f);
    fputs("{\"tau1\": 0.5, \"tau2\": 3.0, \"erev\": 0.0}", f);
    fclose(f);
    for (int k = 1; k <= 3; k++) snprintf(bio_out[k], sizeof bio_out[k], "%s/out%d", tmpdir, k);
    simulate_bio(NULL);
    static const char *files[3] = {"spikes.h5", "soma_v.h5", "all_v.h5"};
    static const char *sets[3][6] = {
        {"/spikes/bio/timestamps", "/spikes/bio/node_ids"},
        {"/report/bio/data", "/report/bio/mapping/node_ids", "/report/bio/mapping/index_pointers",
         "/report/bio/mapping/element_ids", "/report/bio/mapping/time"},
        {"/report/bio/data", "/report/bio/mapping/node_ids", "/report/bio/mapping/index_pointers",
         "/report/bio/mapping/element_ids", "/report/bio/mapping/element_pos", "/report/bio/mapping/time"}};
    for (int size = 2; size <= 3; size++) {
        rank_ctx ctx[MAXR];
        run_ranks(size, ctx, simulate_bio);
        size_t total = 0;
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 6 && sets[i][j]; j++) {
                char a[600], b[600];
                snprintf(a, sizeof a, "%s/%s", bio_out[1], files[i]);
                snprintf(b, sizeof b, "%s/%s", bio_out[size], files[i]);
                size_t na, nb;
                unsigned char *x = read_ds(a, sets[i][j], &na), *y = read_ds(b, sets[i][j], &nb);
                if (!x || !na) fail_msg("%s: %s: missing in the one-process output", files[i], sets[i][j]);
                if (!y || nb != na || memcmp(x, y, na))
                    fail_msg("%d ranks: %s %s differs from one process", size, files[i], sets[i][j]);
                total += na;
                free(x);
                free(y);
            }
        printf("%d ranks: %zu bytes of spikes and reports identical to one process\n", size, total);
    }
}

/* ---- the partition of a real circuit --------------------------------------------- */

static cl_status no_collective(void *ctx, const void *data, size_t n, void **all, size_t *n_all, cl_error *err) {
    (void)ctx, (void)data, (void)n, (void)all, (void)n_all;
    snprintf(err->msg, sizeof err->msg, "no collective expected while building this network");
    return CL_EIO;
}

/* Five biophysical nodes, one per morphology of the SONATA examples: the
 * owners a rank computes (before any exchange) are those of
 * cl_network_partition over the compartments of the cells as one process
 * builds them (nseg of every section), for 2 and 3 ranks; each rank builds
 * exactly its own. */
static void test_partition_by_compartments(void **state) {
    (void)state;
    static const char *morph[5] = {"Scnn1a_473845048_m", "Rorb_325404214_m", "Nr5a1_471087815_m",
                                   "Pvalb_470522102_m", "Pvalb_469628681_m"};
    char paths[5][400];
    cl_memcircuit *mc;
    cl_error e;
    ok(cl_memcircuit_new(&mc, &e), &e);
    for (int i = 0; i < 5; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/sonata-examples/shared_components/morphologies/%s.swc",
                 CELLULAB_SHARED_DATA, morph[i]);
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        cl_node_model bm = {.model_type = "biophysical", .morphology = paths[i]};
        ok(cl_memcircuit_add_population(mc, name, 1, &bm, &e), &e);
    }
    cl_run_config rc = {NAN, 10, 0.025, 20, NAN, NAN, NAN, NULL, NULL, NULL, NULL};
    ok(cl_memcircuit_set_run_config(mc, &rc, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *one;
    cl_network_options o = {.select = CL_NET_ALL};
    ok(cl_network_new(c, &o, &one, &e), &e);
    double cost[5];
    for (int i = 0; i < 5; i++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", i);
        cl_cell cell;
        ok(cl_network_cell(one, name, 0, &cell, NULL, &e), &e);
        cl_sim *s = cl_network_sim(one);
        size_t ns;
        assert_int_equal(cl_cell_section_list(s, cell, "all", NULL, 0, &ns), CL_OK);
        cl_section *secs = malloc(ns * sizeof *secs);
        assert_int_equal(cl_cell_section_list(s, cell, "all", secs, ns, &ns), CL_OK);
        cost[i] = 0;
        for (size_t j = 0; j < ns; j++) {
            int nseg;
            assert_int_equal(cl_section_get_nseg(s, secs[j], &nseg), CL_OK);
            cost[i] += nseg;
        }
        free(secs);
    }
    cl_network_free(one);
    for (int size = 2; size <= 3; size++) {
        int want[5];
        double load[3];
        ok(cl_network_partition(cost, 5, size, want, load, &e), &e);
        for (int rank = 0; rank < size; rank++) {
            cl_network_comm comm = {.rank = rank, .size = size, .allgather = no_collective, .gather = no_collective};
            cl_network_options od = {.select = CL_NET_ALL, .comm = &comm};
            cl_network *net;
            ok(cl_network_new(c, &od, &net, &e), &e);
            size_t mine = 0;
            for (int i = 0; i < 5; i++) {
                char name[16];
                snprintf(name, sizeof name, "p%d", i);
                int owner;
                ok(cl_network_node_rank(net, name, 0, &owner, &e), &e);
                assert_int_equal(owner, want[i]);
                cl_cell cell;
                assert_int_equal(cl_network_cell(net, name, 0, &cell, NULL, &e), owner == rank ? CL_OK : CL_ENOTFOUND);
                mine += owner == rank;
            }
            assert_int_equal(cl_network_get_counts(net).cells, mine);
            cl_network_free(net);
        }
        printf("%d ranks: compartments %g %g %g %g %g -> loads", size, cost[0], cost[1], cost[2], cost[3], cost[4]);
        for (int r = 0; r < size; r++) printf(" %g", load[r]);
        printf("\n");
    }
    /* a rank outside the comm is refused */
    cl_network_comm bad = {.rank = 2, .size = 2, .allgather = no_collective, .gather = no_collective};
    cl_network_options ob = {.comm = &bad};
    cl_network *net = NULL;
    assert_int_equal(cl_network_new(c, &ob, &net, &e), CL_EINVAL);
    assert_null(net);
    assert_non_null(strstr(e.msg, "rank 2 of 2"));
    cl_circuit_free(c);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cellulab_ranks_XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    /* the model files, once: the ranks (threads) only read them */
    const char *files[2][2] = {{"if1.json", "{\"tau\": 0.01, \"refrac\": 0.002}"}, {"syn.json", "{\"sign\": 1}"}};
    for (int i = 0; i < 2; i++) {
        char p[400];
        snprintf(p, sizeof p, "%s/%s", tmpdir, files[i][0]);
        FILE *f = fopen(p, "w");
        if (!f) return 1;
        fputs(files[i][1], f);
        fclose(f);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partition_balance),
        cmocka_unit_test(test_partition_errors),
        cmocka_unit_test(test_partition_by_compartments),
        cmocka_unit_test(test_inject_spike),
        cmocka_unit_test(test_ranks_match_one_process),
        cmocka_unit_test(test_ranks_outputs),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (fx_remove_dir(tmpdir) != 0) rc = rc ? rc : 1;
    return rc;
}
