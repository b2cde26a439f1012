/* Isolated processes: results come back bit for bit; crashes, aborts,
 * hangs, early exits, memory exhaustion and the fn's own errors become
 * errors in the parent, whose next call still works; a map places results in
 * argument order; a pool of real simulations equals the serial run; no child
 * is left unreaped. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cellulab.h"
#include "cellulab_tools.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define MiB ((size_t)1 << 20)

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void expect_msg(const cl_error *e, const char *frag) {
    if (!strstr(e->msg, frag)) fail_msg("message \"%s\" lacks \"%s\"", e->msg, frag);
}

/* ---- functions run in children ------------------------------------------ */

typedef struct calc_result {
    double values[64];
    uint64_t checksum;
} calc_result;

/* Something with awkward bits: sines, an inexact sum, a NaN payload. */
static cl_status fn_calc(const void *arg, void *result, size_t result_size, cl_error *err) {
    if (result_size != sizeof(calc_result)) {
        snprintf(err->msg, sizeof err->msg, "fn_calc: result_size %zu", result_size);
        return CL_EINVAL;
    }
    double x = *(const double *)arg;
    calc_result *r = result;
    memset(r, 0, sizeof *r);
    uint64_t h = 1469598103934665603u;
    for (int i = 0; i < 64; i++) {
        r->values[i] = sin(x * (i + 1)) / (i + 0.1) + exp(-x * i);
        uint64_t bits;
        memcpy(&bits, &r->values[i], sizeof bits);
        h = (h ^ bits) * 1099511628211u;
    }
    r->values[63] = nan("0x123");
    r->checksum = h;
    return CL_OK;
}

static void die_by(int sig) {
    /* The child's own default action, also under sanitizers that catch
     * SIGSEGV: deterministic death by this signal. Only the child changes it. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
    raise(sig);
}

static cl_status fn_segv(const void *arg, void *result, size_t result_size, cl_error *err) {
    (void)arg, (void)result, (void)result_size, (void)err;
    die_by(SIGSEGV);
    return CL_OK;
}

static cl_status fn_abort(const void *arg, void *result, size_t result_size, cl_error *err) {
    (void)arg, (void)result, (void)result_size, (void)err;
    abort();
}

static cl_status fn_hang(const void *arg, void *result, size_t result_size, cl_error *err) {
    (void)arg, (void)result, (void)result_size, (void)err;
    volatile uint64_t spin = 0;
    for (;;) spin++;
    return CL_OK;
}

static cl_status fn_exit3(const void *arg, void *result, size_t result_size, cl_error *err) {
    (void)arg, (void)result, (void)result_size, (void)err;
    exit(3);
}

/* Allocate *arg bytes and touch every page; the sum keeps the compiler from
 * eliding the allocation. */
static cl_status fn_alloc(const void *arg, void *result, size_t result_size, cl_error *err) {
    size_t bytes = *(const size_t *)arg;
    if (result_size != sizeof(uint64_t)) return CL_EINVAL;
    volatile unsigned char *p = malloc(bytes);
    if (!p) {
        snprintf(err->msg, sizeof err->msg, "fn_alloc: malloc(%zu) failed", bytes);
        return CL_ENOMEM;
    }
    uint64_t sum = 0;
    for (size_t i = 0; i < bytes; i += 4096) p[i] = (unsigned char)(i >> 12);
    for (size_t i = 0; i < bytes; i += 4096) sum += p[i];
    free((void *)p);
    memcpy(result, &sum, sizeof sum);
    return CL_OK;
}

static cl_status fn_fail(const void *arg, void *result, size_t result_size, cl_error *err) {
    (void)result, (void)result_size;
    snprintf(err->msg, sizeof err->msg, "fn_fail: no such thing: %d", *(const int *)arg);
    return CL_ENOTFOUND;
}

static cl_status fn_fail_silent(const void *arg, void *result, size_t result_size,
                                cl_error *err) {
    (void)arg, (void)result, (void)result_size, (void)err;
    return CL_ESTATE;
}

/* Task i of a map: sleeps so that later tasks tend to finish first, then
 * computes; task 4 of a "crashy" map segfaults instead. */
typedef struct map_arg {
    double x;
    int sleep_ms;
    int crash;
} map_arg;

static cl_status fn_map(const void *arg, void *result, size_t result_size, cl_error *err) {
    const map_arg *a = arg;
    if (a->sleep_ms > 0) {
        struct timespec ts = {a->sleep_ms / 1000, (long)(a->sleep_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    if (a->crash) die_by(SIGSEGV);
    return fn_calc(&a->x, result, result_size, err);
}

/* A result larger than a pipe's buffer, so the parent must read while the
 * children write. */
#define BIG_DOUBLES (128 * 1024)
static cl_status fn_big(const void *arg, void *result, size_t result_size, cl_error *err) {
    (void)err;
    double x = *(const double *)arg;
    double *r = result;
    for (size_t i = 0; i < result_size / sizeof(double); i++) r[i] = cos(x + (double)i * 1e-3);
    return CL_OK;
}

static cl_status fn_print(const void *arg, void *result, size_t result_size, cl_error *err) {
    (void)arg, (void)result_size, (void)err;
    fputs("child-out", stdout); /* no newline: stays buffered until _exit's flush */
    memset(result, 7, 1);
    return CL_OK;
}

/* ---- helpers ------------------------------------------------------------ */

/* After a failure, an ordinary call still works and is bit-identical. */
static void check_next_call_works(void) {
    double x = 0.7;
    calc_result direct, iso;
    cl_error err;
    memset(&iso, 0xAB, sizeof iso);
    assert_int_equal(fn_calc(&x, &direct, sizeof direct, &err), CL_OK);
    assert_int_equal(cl_isolated_run(fn_calc, &x, &iso, sizeof iso, 10.0, 0, &err), CL_OK);
    assert_memory_equal(&direct, &iso, sizeof direct);
    assert_string_equal(err.msg, "");
}

/* ---- tests -------------------------------------------------------------- */

static void test_result_bits(void **state) {
    (void)state;
    for (int k = 0; k < 3; k++) {
        double x = 0.1 + 1.37 * k;
        calc_result direct, iso;
        cl_error err;
        memset(&direct, 0x11, sizeof direct);
        memset(&iso, 0x22, sizeof iso);
        assert_int_equal(fn_calc(&x, &direct, sizeof direct, &err), CL_OK);
        assert_int_equal(cl_isolated_run(fn_calc, &x, &iso, sizeof iso, 10.0, 0, &err), CL_OK);
        assert_memory_equal(&direct, &iso, sizeof direct);
    }
    /* err may be NULL; a zero-size result is fine. */
    double x = 2.0;
    calc_result iso;
    assert_int_equal(cl_isolated_run(fn_calc, &x, &iso, sizeof iso, 10.0, 0, NULL), CL_OK);
    assert_int_equal(cl_isolated_run(fn_fail_silent, NULL, NULL, 0, 10.0, 0, NULL), CL_ESTATE);
}

static void test_segfault(void **state) {
    (void)state;
    calc_result r;
    memset(&r, 0x5A, sizeof r);
    calc_result before = r;
    cl_error err;
    cl_status st = cl_isolated_run(fn_segv, NULL, &r, sizeof r, 10.0, 0, &err);
    assert_int_not_equal(st, CL_OK);
    assert_string_equal(err.msg, "isolated process: killed by signal 11 (Segmentation fault)");
    assert_memory_equal(&r, &before, sizeof r); /* untouched on failure */
    check_next_call_works();
}

static void test_abort(void **state) {
    (void)state;
    calc_result r;
    cl_error err;
    cl_status st = cl_isolated_run(fn_abort, NULL, &r, sizeof r, 10.0, 0, &err);
    assert_int_not_equal(st, CL_OK);
    expect_msg(&err, "killed by signal 6 (Aborted)");
    check_next_call_works();
}

static void test_timeout(void **state) {
    (void)state;
    calc_result r;
    cl_error err;
    double t0 = now_s();
    cl_status st = cl_isolated_run(fn_hang, NULL, &r, sizeof r, 0.5, 0, &err);
    double took = now_s() - t0;
    assert_int_not_equal(st, CL_OK);
    assert_string_equal(err.msg, "isolated process: timed out after 0.5 s");
    if (took < 0.5 || took > 1.0) fail_msg("timeout of 0.5 s took %.3f s", took);
    assert_int_equal(cl_isolated_run(fn_hang, NULL, &r, sizeof r, 0.2, 0, &err), CL_EIO);
    assert_string_equal(err.msg, "isolated process: timed out after 0.2 s");
    check_next_call_works();
}

static void test_exit_without_result(void **state) {
    (void)state;
    calc_result r;
    cl_error err;
    cl_status st = cl_isolated_run(fn_exit3, NULL, &r, sizeof r, 10.0, 0, &err);
    assert_int_not_equal(st, CL_OK);
    expect_msg(&err, "exited with status 3 without sending a complete result");
    check_next_call_works();
}

static void test_memory_limit(void **state) {
    (void)state;
    size_t bytes = 512 * MiB;
    uint64_t sum = 0;
    cl_error err;
    cl_status st = cl_isolated_run(fn_alloc, &bytes, &sum, sizeof sum, 30.0, 256 * MiB, &err);
    assert_int_not_equal(st, CL_OK);
    if (!UNDER_ASAN) {
        /* Without a sanitizer malloc simply fails: the fn's own error. */
        assert_int_equal(st, CL_ENOMEM);
        assert_string_equal(err.msg, "fn_alloc: malloc(536870912) failed");
    }
    check_next_call_works();
    if (!UNDER_ASAN) {
        /* Under the limit (ASan's shadow memory rules this out there). */
        bytes = 64 * MiB;
        assert_int_equal(
            cl_isolated_run(fn_alloc, &bytes, &sum, sizeof sum, 30.0, 1024 * MiB, &err), CL_OK);
        uint64_t direct;
        assert_int_equal(fn_alloc(&bytes, &direct, sizeof direct, &err), CL_OK);
        assert_int_equal(sum, direct);
    }
}

static void test_fn_error(void **state) {
    (void)state;
    int what = 42;
    calc_result r;
    cl_error err;
    assert_int_equal(cl_isolated_run(fn_fail, &what, &r, sizeof r, 10.0, 0, &err), CL_ENOTFOUND);
    assert_string_equal(err.msg, "fn_fail: no such thing: 42");
    assert_int_equal(cl_isolated_run(fn_fail_silent, NULL, &r, sizeof r, 10.0, 0, &err),
                     CL_ESTATE);
    expect_msg(&err, "isolated function failed");
    check_next_call_works();
}

static void test_arguments(void **state) {
    (void)state;
    calc_result r;
    double x = 1.0;
    cl_error err;
    assert_int_equal(cl_isolated_run(NULL, &x, &r, sizeof r, 1.0, 0, &err), CL_EINVAL);
    expect_msg(&err, "cl_isolated_run: fn is NULL");
    assert_int_equal(cl_isolated_run(fn_calc, &x, NULL, sizeof r, 1.0, 0, &err), CL_EINVAL);
    expect_msg(&err, "cl_isolated_run: result is NULL but result_size is 520");
    assert_int_equal(cl_isolated_run(fn_calc, &x, &r, sizeof r, 0.0, 0, &err), CL_EINVAL);
    expect_msg(&err, "timeout_s is 0");
    assert_int_equal(cl_isolated_run(fn_calc, &x, &r, sizeof r, -1.0, 0, &err), CL_EINVAL);
    expect_msg(&err, "timeout_s is -1");
    assert_int_equal(cl_isolated_run(fn_calc, &x, &r, sizeof r, NAN, 0, &err), CL_EINVAL);
    expect_msg(&err, "timeout_s is nan");
    assert_int_equal(cl_isolated_run(fn_calc, &x, &r, sizeof r, INFINITY, 0, NULL), CL_EINVAL);

    double xs[2] = {1, 2};
    calc_result rs[2];
    cl_status sts[2];
    cl_error errs[2];
    assert_int_equal(cl_isolated_map(NULL, xs, sizeof xs[0], 2, rs, sizeof rs[0], 2, 1.0, 0, sts,
                                     errs),
                     CL_EINVAL);
    assert_int_equal(sts[0], CL_EINVAL);
    assert_int_equal(sts[1], CL_EINVAL);
    expect_msg(&errs[1], "cl_isolated_map: fn is NULL");
    assert_int_equal(cl_isolated_map(fn_calc, xs, sizeof xs[0], 2, NULL, sizeof rs[0], 2, 1.0, 0,
                                     sts, errs),
                     CL_EINVAL);
    expect_msg(&errs[0], "results is NULL");
    assert_int_equal(cl_isolated_map(fn_calc, NULL, sizeof xs[0], 2, rs, sizeof rs[0], 2, 1.0, 0,
                                     sts, errs),
                     CL_EINVAL);
    expect_msg(&errs[0], "args is NULL");
    assert_int_equal(cl_isolated_map(fn_calc, xs, sizeof xs[0], 2, rs, sizeof rs[0], 2, 1.0, 0,
                                     NULL, errs),
                     CL_EINVAL);
    expect_msg(&errs[0], "statuses is NULL");
    assert_int_equal(cl_isolated_map(fn_calc, xs, sizeof xs[0], 2, rs, sizeof rs[0], 2, -3.0, 0,
                                     sts, NULL),
                     CL_EINVAL);
}

static void test_map_empty(void **state) {
    (void)state;
    assert_int_equal(cl_isolated_map(fn_calc, NULL, 0, 0, NULL, 0, 3, 1.0, 0, NULL, NULL), CL_OK);
}

static void make_map_args(map_arg *args, size_t n, int crash_index) {
    for (size_t i = 0; i < n; i++) {
        args[i].x = 0.25 + 0.5 * (double)i;
        args[i].sleep_ms = (int)(n - i) * 15; /* later tasks finish first */
        args[i].crash = (int)i == crash_index;
    }
}

static void test_map_equals_serial(void **state) {
    (void)state;
    enum { N = 8 };
    map_arg args[N];
    make_map_args(args, N, -1);
    calc_result serial[N], pooled[N];
    cl_status sts[N];
    cl_error errs[N];
    memset(serial, 0x33, sizeof serial);
    memset(pooled, 0x44, sizeof pooled);
    for (size_t i = 0; i < N; i++) {
        map_arg a = args[i];
        a.sleep_ms = 0;
        assert_int_equal(fn_map(&a, &serial[i], sizeof serial[i], &errs[i]), CL_OK);
    }
    assert_int_equal(cl_isolated_map(fn_map, args, sizeof args[0], N, pooled, sizeof pooled[0], 3,
                                     10.0, 0, sts, errs),
                     CL_OK);
    for (size_t i = 0; i < N; i++) {
        assert_int_equal(sts[i], CL_OK);
        assert_string_equal(errs[i].msg, "");
    }
    assert_memory_equal(serial, pooled, sizeof serial);

    /* nproc <= 0: as many as there are CPUs; errs may be NULL. */
    memset(pooled, 0x55, sizeof pooled);
    assert_int_equal(cl_isolated_map(fn_map, args, sizeof args[0], N, pooled, sizeof pooled[0], 0,
                                     10.0, 0, sts, NULL),
                     CL_OK);
    assert_memory_equal(serial, pooled, sizeof serial);
}

static void test_map_with_crash(void **state) {
    (void)state;
    enum { N = 8, CRASH = 4 };
    map_arg args[N];
    make_map_args(args, N, CRASH);
    calc_result serial[N], pooled[N];
    cl_status sts[N];
    cl_error errs[N];
    for (size_t i = 0; i < N; i++) {
        double x = args[i].x;
        assert_int_equal(fn_calc(&x, &serial[i], sizeof serial[i], &errs[i]), CL_OK);
    }
    memset(pooled, 0x66, sizeof pooled);
    calc_result untouched;
    memset(&untouched, 0x66, sizeof untouched);
    cl_status st = cl_isolated_map(fn_map, args, sizeof args[0], N, pooled, sizeof pooled[0], 3,
                                   10.0, 0, sts, errs);
    assert_int_equal(st, CL_EIO);
    for (size_t i = 0; i < N; i++) {
        if (i == CRASH) {
            assert_int_equal(sts[i], CL_EIO);
            assert_string_equal(errs[i].msg,
                                "isolated process: killed by signal 11 (Segmentation fault)");
            assert_memory_equal(&pooled[i], &untouched, sizeof untouched);
        } else {
            assert_int_equal(sts[i], CL_OK);
            assert_memory_equal(&pooled[i], &serial[i], sizeof serial[i]);
        }
    }

    /* The first failure (in argument order) is what the call returns. */
    args[6].crash = 0;
    args[2].crash = 0;
    args[CRASH].crash = 0;
    args[1].sleep_ms = 10000; /* times out */
    args[6].crash = 1;
    st = cl_isolated_map(fn_map, args, sizeof args[0], N, pooled, sizeof pooled[0], 4, 0.3, 0, sts,
                         errs);
    assert_int_equal(st, CL_EIO);
    expect_msg(&errs[1], "timed out after 0.3 s");
    expect_msg(&errs[6], "signal 11");
    check_next_call_works();
}

static void test_map_large_results(void **state) {
    (void)state;
    enum { N = 5 };
    size_t size = BIG_DOUBLES * sizeof(double); /* 1 MiB each */
    double *serial = malloc(N * size), *pooled = malloc(N * size);
    assert_non_null(serial);
    assert_non_null(pooled);
    double xs[N];
    cl_status sts[N];
    for (int i = 0; i < N; i++) {
        xs[i] = 0.3 * i;
        assert_int_equal(fn_big(&xs[i], serial + (size_t)i * BIG_DOUBLES, size, NULL), CL_OK);
    }
    assert_int_equal(
        cl_isolated_map(fn_big, xs, sizeof xs[0], N, pooled, size, 3, 20.0, 0, sts, NULL), CL_OK);
    assert_memory_equal(serial, pooled, N * size);
    free(serial);
    free(pooled);
}

/* The parent's buffered output is written once; the child's output once. */
static void test_stdio_flushed_once(void **state) {
    (void)state;
    fflush(stdout);
    char path[] = "/tmp/cellulab_isolate_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    int saved = dup(STDOUT_FILENO);
    assert_true(saved >= 0);
    assert_true(dup2(fd, STDOUT_FILENO) >= 0);
    fputs("parent-out", stdout); /* buffered: no newline, not flushed */
    unsigned char r = 0;
    cl_status st = cl_isolated_run(fn_print, NULL, &r, 1, 10.0, 0, NULL);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    assert_int_equal(st, CL_OK);
    assert_int_equal(r, 7);
    char buf[128] = {0};
    ssize_t got = pread(fd, buf, sizeof buf - 1, 0);
    close(fd);
    assert_true(got >= 0);
    assert_string_equal(buf, "parent-outchild-out");
}

/* ---- a real simulation in a pool ----------------------------------------- */

typedef struct sim_result {
    uint64_t crossings; /* upward crossings of -20 mV */
    uint64_t samples;
    double v_max;
} sim_result;

static cl_status fn_sim(const void *arg, void *result, size_t result_size, cl_error *err) {
    double amp = *(const double *)arg;
    sim_result *r = result;
    if (result_size != sizeof *r) return CL_EINVAL;
    memset(r, 0, sizeof *r);
    cl_sim *sim = NULL;
    cl_cell cell;
    cl_stim stim;
    const double *v;
    size_t n;
    cl_status st = cl_sim_new(&sim);
    if (st == CL_OK) st = cl_cell_ballstick(sim, &cell);
    if (st == CL_OK) st = cl_cell_add_step(sim, cell, 5.0, 20.0, amp, &stim);
    if (st == CL_OK) st = cl_sim_run(sim, 25.0);
    if (st == CL_OK) st = cl_cell_get_soma_voltage(sim, cell, &v, &n);
    if (st != CL_OK) {
        snprintf(err->msg, sizeof err->msg, "fn_sim(%g): %s", amp,
                 sim ? cl_sim_errmsg(sim) : "cl_sim_new failed");
        cl_sim_free(sim);
        return st;
    }
    r->samples = n;
    r->v_max = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        if (v[k] > r->v_max) r->v_max = v[k];
        if (k > 0 && v[k - 1] < -20.0 && v[k] >= -20.0) r->crossings++;
    }
    cl_sim_free(sim);
    return CL_OK;
}

static void test_map_simulations(void **state) {
    (void)state;
    enum { N = 8 };
    double amps[N];
    sim_result serial[N], pooled[N];
    cl_status sts[N];
    cl_error errs[N];
    for (int i = 0; i < N; i++) amps[i] = 0.05 * (i + 1);
    memset(serial, 0, sizeof serial);
    memset(pooled, 0xEE, sizeof pooled);

    double t0 = now_s();
    for (int i = 0; i < N; i++)
        assert_int_equal(fn_sim(&amps[i], &serial[i], sizeof serial[i], &errs[i]), CL_OK);
    double t_serial = now_s() - t0;

    t0 = now_s();
    cl_status st = cl_isolated_map(fn_sim, amps, sizeof amps[0], N, pooled, sizeof pooled[0], 4,
                                   120.0, 0, sts, errs);
    double t_pool = now_s() - t0;
    for (int i = 0; i < N; i++)
        if (sts[i] != CL_OK) fail_msg("task %d: %s", i, errs[i].msg);
    assert_int_equal(st, CL_OK);
    assert_memory_equal(serial, pooled, sizeof serial);

    for (int i = 0; i < N; i++) {
        assert_int_equal(serial[i].samples, 1001);
        assert_true(isfinite(serial[i].v_max));
        printf("  amp %.2f nA: %llu crossings of -20 mV, v_max %.17g mV\n", amps[i],
               (unsigned long long)serial[i].crossings, serial[i].v_max);
    }
    printf("  8 simulations: serial in-process %.3f s, pool of 4 processes %.3f s\n", t_serial,
           t_pool);
}

/* The lowest free file descriptor before the tests. */
static int first_free_fd = -1;

static int lowest_free_fd(void) {
    int fd = dup(STDIN_FILENO);
    if (fd >= 0) close(fd);
    return fd;
}

/* Last: every child has been reaped and no pipe end is left open. */
static void test_no_zombies(void **state) {
    (void)state;
    assert_int_equal(lowest_free_fd(), first_free_fd);
    errno = 0;
    pid_t r = waitpid(-1, NULL, WNOHANG);
    assert_int_equal(r, -1);
    assert_int_equal(errno, ECHILD);
}

int main(void) {
    first_free_fd = lowest_free_fd();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_bits),
        cmocka_unit_test(test_segfault),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_exit_without_result),
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_fn_error),
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_map_empty),
        cmocka_unit_test(test_map_equals_serial),
        cmocka_unit_test(test_map_with_crash),
        cmocka_unit_test(test_map_large_results),
        cmocka_unit_test(test_stdio_flushed_once),
        cmocka_unit_test(test_map_simulations),
        cmocka_unit_test(test_no_zombies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
