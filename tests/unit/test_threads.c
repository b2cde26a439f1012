/* Threads (cl_sim_set_threads, cl_network_options.threads): the same model
 * stepped by 1, 2, 3, 4 threads and "all cores" must give the same bits in
 * every recorded sample and spike time (memcmp), and a cell among others it
 * is not connected to must give the bits it gives alone (trees are
 * independent; the alone case is the layout the NEURON oracles check). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cellulab.h"
#include "cellulab_memcircuit.h"
#include "cellulab_network.h"
#include "fixtures.h"

#define MORPH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Pvalb_470522102_m.swc"

#define OK(sim, call)                                                                         \
    do {                                                                                     \
        cl_status st_ = (call);                                                              \
        if (st_ != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(sim));                     \
    } while (0)

/* Everything a run produced, concatenated. */
typedef struct blob {
    double *x;
    size_t n, cap;
} blob;

static void blob_add(blob *b, const double *x, size_t n) {
    if (b->n + n + 1 > b->cap) {
        b->cap = 2 * (b->n + n + 1);
        b->x = realloc(b->x, b->cap * sizeof *b->x);
        assert_non_null(b->x);
    }
    b->x[b->n++] = (double)n; /* lengths count too */
    memcpy(b->x + b->n, x, n * sizeof *x);
    b->n += n;
}

static void assert_same(const blob *a, const blob *b, const char *what, int threads) {
    if (a->n != b->n || memcmp(a->x, b->x, a->n * sizeof *a->x) != 0) {
        size_t k = 0;
        while (k < a->n && k < b->n && memcmp(&a->x[k], &b->x[k], sizeof(double)) == 0) k++;
        fail_msg("%s: %d threads differ from 1 thread (%zu vs %zu values, first difference at %zu)", what,
                 threads, b->n, a->n, k);
    }
}

/* A cell: soma (hh) and a dendrite (hh with a tenth of the sodium) of
 * nseg segments, a size that differs per cell so that groups are uneven. */
static void make_cell(cl_sim *s, int nseg, cl_section *soma, cl_section *dend) {
    cl_cell c;
    OK(s, cl_cell_new(s, NULL, &c));
    OK(s, cl_section_new(s, c, "soma", soma));
    OK(s, cl_section_new(s, c, "dend", dend));
    OK(s, cl_section_connect(s, *dend, *soma, 1.0));
    OK(s, cl_section_set_L(s, *soma, 20));
    OK(s, cl_section_set_diam(s, *soma, 20));
    OK(s, cl_section_set_L(s, *dend, 10.0 * nseg));
    OK(s, cl_section_set_diam(s, *dend, 2));
    OK(s, cl_section_set_nseg(s, *dend, nseg));
    OK(s, cl_section_insert(s, *soma, "hh"));
    OK(s, cl_section_insert(s, *dend, "hh"));
    OK(s, cl_section_set(s, *dend, "gnabar_hh", 0.012));
}

/* A ring of ncell cells: soma(0.5) of cell i drives an ExpSyn at dend(0.5)
 * of cell i+1; a NetStim drives cell 0; an IClamp sits at the root node of
 * cell 3 (soma(0)) and an APCount on cell 2. Returns the run's results. */
static blob ring_run(int threads, int ncell, double tstop) {
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(s, cl_sim_set_threads(s, threads));
    cl_section *soma = calloc((size_t)ncell, sizeof *soma), *dend = calloc((size_t)ncell, sizeof *dend);
    cl_pp *syn = calloc((size_t)ncell, sizeof *syn);
    cl_netcon *nc = calloc((size_t)ncell, sizeof *nc);
    cl_rec *rec = calloc((size_t)(4 * ncell + 8), sizeof *rec);
    size_t nrec = 0;
    for (int i = 0; i < ncell; i++) {
        make_cell(s, 20 + 37 * (i % 4), &soma[i], &dend[i]);
        OK(s, cl_pp_new(s, "ExpSyn", dend[i], 0.1, &syn[i]));
        OK(s, cl_pp_set(s, syn[i], "tau", 2.0));
    }
    for (int i = 0; i < ncell; i++) {
        OK(s, cl_netcon_from_section(s, soma[i], 0.5, syn[(i + 1) % ncell], &nc[i]));
        OK(s, cl_netcon_set_threshold(s, nc[i], -20));
        OK(s, cl_netcon_set_weight(s, nc[i], 0, 0.5));
        OK(s, cl_netcon_set_delay(s, nc[i], 1.0 + 0.25 * (i % 3)));
        OK(s, cl_netcon_record(s, nc[i]));
    }
    cl_pp stim, ic, apc;
    cl_netcon snc;
    OK(s, cl_artcell_new(s, "NetStim", &stim));
    OK(s, cl_pp_set(s, stim, "start", 2));
    OK(s, cl_pp_set(s, stim, "interval", 15));
    OK(s, cl_pp_set(s, stim, "number", 3));
    OK(s, cl_netcon_from_pp(s, stim, syn[0], &snc));
    OK(s, cl_netcon_set_weight(s, snc, 0, 1.0));
    OK(s, cl_pp_new(s, "IClamp", soma[3 % ncell], 0.0, &ic));
    OK(s, cl_pp_set(s, ic, "del", 7));
    OK(s, cl_pp_set(s, ic, "dur", 3));
    OK(s, cl_pp_set(s, ic, "amp", 0.3));
    OK(s, cl_pp_new(s, "APCount", soma[2 % ncell], 0.5, &apc));
    for (int i = 0; i < ncell; i++) {
        OK(s, cl_rec_section(s, soma[i], 0.5, "v", 0, &rec[nrec++]));
        OK(s, cl_rec_section(s, dend[i], 0.3, "v", 0, &rec[nrec++]));
        OK(s, cl_rec_section(s, dend[i], 0.9, "m_hh", 0, &rec[nrec++]));
        OK(s, cl_rec_pp(s, syn[i], "g", 0, &rec[nrec++]));
    }
    OK(s, cl_rec_pp(s, apc, "n", 0, &rec[nrec++]));
    OK(s, cl_rec_time(s, 0.1, &rec[nrec++]));
    OK(s, cl_rec_section(s, soma[0], 0.5, "v", 0.1, &rec[nrec++]));
    /* run in pieces, as cl_network_run does */
    OK(s, cl_sim_run(s, tstop / 2));
    OK(s, cl_sim_continue(s, tstop));
    blob b = {0};
    for (size_t k = 0; k < nrec; k++) {
        const double *x;
        size_t n;
        OK(s, cl_rec_data(s, rec[k], &x, &n));
        blob_add(&b, x, n);
    }
    size_t spikes = 0;
    for (int i = 0; i < ncell; i++) {
        const double *t;
        size_t n;
        OK(s, cl_netcon_spikes(s, nc[i], &t, &n));
        blob_add(&b, t, n);
        spikes += n;
    }
    /* the ring must carry activity around, or the test shows little */
    if (spikes < (size_t)ncell) fail_msg("only %zu spikes", spikes);
    cl_sim_free(s);
    free(soma); free(dend); free(syn); free(nc); free(rec);
    return b;
}

static void test_ring_threads(void **state) {
    (void)state;
    blob ref = ring_run(1, 9, 60.0);
    const int counts[] = {2, 3, 4, 0, 16};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        blob b = ring_run(counts[k], 9, 60.0);
        assert_same(&ref, &b, "ring", counts[k]);
        free(b.x);
    }
    free(ref.x);
}

/* One cell alone, then the same cell among six others it is not connected
 * to (before and after it in the layout), on 1 and 3 threads. */
static blob lone_cell(int others, int threads) {
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(s, cl_sim_set_threads(s, threads));
    cl_section so, de, xs, xd;
    for (int i = 0; i < others / 2; i++) make_cell(s, 15 + 11 * i, &xs, &xd);
    make_cell(s, 50, &so, &de);
    for (int i = others / 2; i < others; i++) {
        make_cell(s, 15 + 11 * i, &xs, &xd);
        cl_pp ic;
        OK(s, cl_pp_new(s, "IClamp", xs, 0.5, &ic));
        OK(s, cl_pp_set(s, ic, "del", 1));
        OK(s, cl_pp_set(s, ic, "dur", 20));
        OK(s, cl_pp_set(s, ic, "amp", 0.2 + 0.1 * i));
    }
    cl_pp ic;
    OK(s, cl_pp_new(s, "IClamp", so, 0.5, &ic));
    OK(s, cl_pp_set(s, ic, "del", 2));
    OK(s, cl_pp_set(s, ic, "dur", 25));
    OK(s, cl_pp_set(s, ic, "amp", 0.4));
    cl_rec r[2];
    OK(s, cl_rec_section(s, so, 0.5, "v", 0, &r[0]));
    OK(s, cl_rec_section(s, de, 0.7, "h_hh", 0, &r[1]));
    OK(s, cl_sim_run(s, 40));
    blob b = {0};
    for (int k = 0; k < 2; k++) {
        const double *x;
        size_t n;
        OK(s, cl_rec_data(s, r[k], &x, &n));
        blob_add(&b, x, n);
    }
    cl_sim_free(s);
    return b;
}

static void test_independent_trees(void **state) {
    (void)state;
    blob alone = lone_cell(0, 1);
    blob among1 = lone_cell(6, 1), among3 = lone_cell(6, 3);
    assert_same(&alone, &among1, "a cell among others (1 thread) vs alone", 1);
    assert_same(&alone, &among3, "a cell among others (3 threads) vs alone", 3);
    free(alone.x); free(among1.x); free(among3.x);
}

/* The thread count may change between runs and between steps. */
static void test_set_threads(void **state) {
    (void)state;
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    assert_int_equal(cl_sim_threads(s), 1);
    assert_int_equal(cl_sim_set_threads(s, -1), CL_EINVAL);
    assert_non_null(strstr(cl_sim_errmsg(s), "cl_sim_set_threads"));
    assert_int_equal(cl_sim_set_threads(s, 5000), CL_EINVAL);
    assert_int_equal(cl_sim_set_threads(NULL, 2), CL_EINVAL);
    assert_int_equal(cl_sim_threads(NULL), -1);
    assert_int_equal(cl_sim_set_threads(s, 0), CL_OK);
    assert_int_equal(cl_sim_threads(s), 0);
    cl_section so[5], de[5];
    for (int i = 0; i < 5; i++) {
        make_cell(s, 10 + 7 * i, &so[i], &de[i]);
        cl_pp ic;
        OK(s, cl_pp_new(s, "IClamp", so[i], 0.5, &ic));
        OK(s, cl_pp_set(s, ic, "del", 1 + i));
        OK(s, cl_pp_set(s, ic, "dur", 10));
        OK(s, cl_pp_set(s, ic, "amp", 0.5));
    }
    cl_rec r;
    OK(s, cl_rec_section(s, so[4], 0.5, "v", 0, &r));
    /* 1 thread, then 3, then 2 */
    OK(s, cl_sim_set_threads(s, 1));
    OK(s, cl_sim_run(s, 10));
    OK(s, cl_sim_set_threads(s, 3));
    OK(s, cl_sim_continue(s, 20));
    OK(s, cl_sim_set_threads(s, 2));
    OK(s, cl_sim_continue(s, 30));
    const double *x;
    size_t n;
    OK(s, cl_rec_data(s, r, &x, &n));
    blob mixed = {0};
    blob_add(&mixed, x, n);
    OK(s, cl_sim_set_threads(s, 1));
    OK(s, cl_sim_run(s, 30));
    OK(s, cl_rec_data(s, r, &x, &n));
    blob one = {0};
    blob_add(&one, x, n);
    assert_same(&one, &mixed, "changing the thread count while running", 3);
    cl_sim_free(s);
    free(mixed.x); free(one.x);
}

/* A process forked from one whose simulation has workers carries on alone
 * (the workers stay in the parent) and gets the parent's bits. */
static void test_fork(void **state) {
    (void)state;
#ifdef __SANITIZE_THREAD__
    skip(); /* ThreadSanitizer cannot start threads after a multi-threaded fork */
#endif
    cl_sim *s;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(s, cl_sim_set_threads(s, 2));
    cl_section so[3], de[3];
    for (int i = 0; i < 3; i++) {
        make_cell(s, 20 + 9 * i, &so[i], &de[i]);
        cl_pp ic;
        OK(s, cl_pp_new(s, "IClamp", so[i], 0.5, &ic));
        OK(s, cl_pp_set(s, ic, "del", 1 + i));
        OK(s, cl_pp_set(s, ic, "dur", 20));
        OK(s, cl_pp_set(s, ic, "amp", 0.4));
    }
    cl_rec r;
    OK(s, cl_rec_section(s, so[2], 0.5, "v", 0, &r));
    OK(s, cl_sim_run(s, 10));
    int fd[2];
    assert_int_equal(pipe(fd), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    const double *x;
    size_t n;
    if (pid == 0) { /* child: finish the run, send the trace */
        alarm(60);  /* a hang ends the child, and the test fails */
        close(fd[0]);
        int bad = cl_sim_continue(s, 30) != CL_OK || cl_rec_data(s, r, &x, &n) != CL_OK;
        if (!bad) bad = write(fd[1], &n, sizeof n) != (ssize_t)sizeof n ||
                        write(fd[1], x, n * sizeof *x) != (ssize_t)(n * sizeof *x);
        cl_sim_free(s);
        _exit(bad);
    }
    close(fd[1]);
    OK(s, cl_sim_continue(s, 30));
    OK(s, cl_rec_data(s, r, &x, &n));
    size_t cn = 0;
    assert_int_equal(read(fd[0], &cn, sizeof cn), (ssize_t)sizeof cn);
    assert_int_equal(cn, n);
    double *cx = malloc(n * sizeof *cx);
    size_t got = 0;
    while (got < n * sizeof *cx) {
        ssize_t k = read(fd[0], (char *)cx + got, n * sizeof *cx - got);
        assert_true(k > 0);
        got += (size_t)k;
    }
    close(fd[0]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_memory_equal(cx, x, n * sizeof *x);
    free(cx);
    cl_sim_free(s);
}

/* A network from the in-memory circuit: three biophysical cells with hh,
 * Exp2Syn edges between them, a clamp on cell 0. */
static char tmpdir[256];

static void nok(cl_status st, const cl_error *e) {
    if (st) fail_msg("%s", e->msg);
}

static blob network_run(int threads) {
    uint64_t zero[] = {0};
    cl_memcircuit *mc = fx_driven_bio(4, MORPH, 50, zero, 1);
    cl_error e;
    char syn[300];
    snprintf(syn, sizeof syn, "%s/syn.json", tmpdir);
    FILE *f = fopen(syn, "w");
    assert_non_null(f);
    fputs("{\"tau1\": 0.5, \"tau2\": 3.0, \"erev\": 0.0}", f);
    fclose(f);
    const uint64_t src[] = {0, 0, 1, 2, 3}, tgt[] = {1, 2, 2, 3, 0};
    for (int i = 0; i < 5; i++)
        fx_edge_at(mc, "bio_bio", src[i], tgt[i], 0.05, 1.5 + i * 0.25, syn, i % 2 ? 4 : 0, 0.5);
    cl_circuit *c;
    nok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network_options o = {.select = CL_NET_ALL, .threads = threads};
    cl_network *net;
    nok(cl_network_new(c, &o, &net, &e), &e);
    cl_sim *sim = cl_network_sim(net);
    for (uint64_t k = 0; k < 4; k++) {
        cl_cell cell;
        nok(cl_network_cell(net, "bio", k, &cell, NULL, &e), &e);
        fx_insert_all(sim, cell, "hh");
        nok(cl_network_record_soma(net, "bio", k, &e), &e);
    }
    nok(cl_network_run(net, NULL, NULL, &e), &e);
    blob b = {0};
    for (uint64_t k = 0; k < 4; k++) {
        const double *v;
        size_t n;
        nok(cl_network_soma_trace(net, "bio", k, &v, &n, &e), &e);
        blob_add(&b, v, n);
    }
    const uint64_t *ids;
    const double *t;
    size_t n;
    nok(cl_network_spikes(net, "bio", &ids, &t, &n, &e), &e);
    assert_true(n >= 2); /* cell 0 fires and drives the others */
    blob_add(&b, t, n);
    for (size_t i = 0; i < n; i++) {
        double id = (double)ids[i];
        blob_add(&b, &id, 1);
    }
    cl_network_free(net);
    cl_circuit_free(c);
    return b;
}

static void test_network_threads(void **state) {
    (void)state;
    blob ref = network_run(1);
    const int counts[] = {2, 3, 4, 0};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        blob b = network_run(counts[k]);
        assert_same(&ref, &b, "network", counts[k]);
        free(b.x);
    }
    free(ref.x);
    cl_network_options o = {.select = CL_NET_ALL, .threads = -2};
    cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH};
    cl_run_config rc = {NAN, 5, 0.025, 20, -20, 6.3, -65, NULL, NULL, NULL, NULL};
    cl_memcircuit *mc = fx_cells("bio", 1, &bm, &rc);
    cl_error e;
    cl_circuit *c;
    nok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net = NULL;
    assert_int_equal(cl_network_new(c, &o, &net, &e), CL_EINVAL);
    assert_non_null(strstr(e.msg, "threads"));
    cl_circuit_free(c);
}

int main(int argc, char **argv) {
    if (argc > 1) cmocka_set_test_filter(argv[1]); /* one test by name */
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cellulab_threads_XXXXXX");
    if (!mkdtemp(tmpdir)) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_threads),
        cmocka_unit_test(test_independent_trees),
        cmocka_unit_test(test_set_threads),
        cmocka_unit_test(test_fork),
        cmocka_unit_test(test_network_threads),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    if (fx_remove_dir(tmpdir) != 0) rc = rc ? rc : 1;
    return rc;
}
