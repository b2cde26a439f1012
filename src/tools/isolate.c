/* Isolated processes: run a function in a forked child and copy its result
 * back over a pipe, as BlueCelluLab runs its preliminary simulations (the
 * rheobase and holding-current searches) in separate processes.
 *
 * The child runs fn(arg, result, result_size, &err) on its own copy of the
 * caller's result buffer, then writes one reply to the pipe:
 *
 *     header (magic, status, result length, message length)
 *     result bytes (only when the status is CL_OK)
 *     message bytes (the fn's error message, without the NUL)
 *
 * and ends with _exit(), so the parent's atexit handlers never run twice and
 * the parent's stdio buffers (flushed before fork) are never written twice.
 *
 * The parent reads every running child's pipe with poll() against each
 * child's own deadline; a child that overruns it is killed with SIGKILL. A
 * reply is accepted only when it is complete and the child then exits with
 * status 0; a signal, another exit status or a short reply is an error.
 * Every child that was started is reaped, on every path. Nothing global is
 * touched: no signal handlers, no static mutable state.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cellulab_tools.h"

#define ISO_MAGIC UINT64_C(0x434c49534f4c4154) /* "CLISOLAT" */
#define ISO_MSG_MAX (sizeof(((cl_error *)0)->msg) - 1)
/* How often a child that closed its pipe is checked for having exited. */
#define ISO_REAP_POLL_MS 1

/* The reply header. Parent and child are the same program, so a plain
 * struct has the same layout on both ends. */
typedef struct iso_header {
    uint64_t magic;
    int32_t status;
    uint32_t msg_len;
    uint64_t result_len;
} iso_header;

typedef enum iso_state {
    ISO_FREE = 0,    /* no child */
    ISO_READING = 1, /* child running, pipe open */
    ISO_REAPING = 2  /* pipe closed (reply complete or EOF), waiting for exit */
} iso_state;

typedef struct iso_slot {
    iso_state state;
    pid_t pid;
    int fd;
    size_t task;
    double deadline;    /* CLOCK_MONOTONIC seconds */
    iso_header hdr;
    size_t got;         /* reply bytes received so far */
    size_t expect;      /* total reply bytes, known once the header is in */
    int complete;       /* the whole reply arrived */
    unsigned char *buf; /* staging for the result (result_size bytes) */
    char msg[ISO_MSG_MAX + 1];
} iso_slot;

/* What a map call shares with its helpers. */
typedef struct iso_job {
    const char *who; /* "cl_isolated_run" or "cl_isolated_map" */
    cl_isolated_fn fn;
    const unsigned char *args;
    size_t arg_size;
    unsigned char *results;
    size_t result_size;
    double timeout_s;
    size_t memory_limit_bytes;
    cl_status *statuses;
    cl_error *errs;
    iso_slot *slots;
    size_t nslots;
} iso_job;

__attribute__((format(printf, 2, 3))) static void iso_msg(cl_error *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

static double iso_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "2.0", "0.5", "0.25": one decimal unless the value needs more. */
static void iso_fmt_seconds(char *buf, size_t len, double s) {
    double tenths = s * 10.0;
    if (tenths < 1e15 && tenths == floor(tenths))
        snprintf(buf, len, "%.1f", s);
    else
        snprintf(buf, len, "%g", s);
}

/* ---- the child -------------------------------------------------------------- */

/* Write all of buf; 0, or -1 on a write error (EPIPE and others). A write
 * to a pipe whose reader is gone raises SIGPIPE, which ends the child by
 * default; where SIGPIPE is ignored the write fails and the child ends too. */
static int iso_write_all(int fd, const void *buf, size_t len) {
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += (size_t)w;
        len -= (size_t)w;
    }
    return 0;
}

static _Noreturn void iso_child(const iso_job *job, size_t task, int fd) {
    cl_error err;
    err.msg[0] = '\0';
    cl_status st = CL_OK;
    unsigned char *result = job->result_size ? job->results + task * job->result_size : NULL;

    if (job->memory_limit_bytes > 0) {
        struct rlimit rl;
        if (getrlimit(RLIMIT_AS, &rl) != 0) {
            st = CL_EIO;
            iso_msg(&err, "isolated process: getrlimit(RLIMIT_AS) failed: %s", strerror(errno));
        } else {
            rlim_t lim = (rlim_t)job->memory_limit_bytes;
            if ((uintmax_t)job->memory_limit_bytes > (uintmax_t)(rlim_t)-1) lim = RLIM_INFINITY;
            if (rl.rlim_max != RLIM_INFINITY && lim > rl.rlim_max) lim = rl.rlim_max;
            rl.rlim_cur = lim;
            rl.rlim_max = lim;
            if (setrlimit(RLIMIT_AS, &rl) != 0) {
                st = CL_EIO;
                iso_msg(&err, "isolated process: setrlimit(RLIMIT_AS, %zu) failed: %s",
                        job->memory_limit_bytes, strerror(errno));
            }
        }
    }
    /* A crash in the child must kill the child: handlers the parent installed
     * (a test framework's, say) would otherwise catch it and carry on running
     * the parent's code in the child. */
    {
        const int fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS};
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        for (size_t k = 0; k < sizeof fatal / sizeof fatal[0]; k++) sigaction(fatal[k], &dfl, NULL);
    }
    if (st == CL_OK) {
        const void *arg = job->args ? job->args + task * job->arg_size : NULL;
        st = job->fn(arg, result, job->result_size, &err);
    }
    /* Whatever the fn printed is the child's own output (the parent flushed
     * its buffers before fork, so these start empty). Other streams are left
     * alone: they may hold the parent's unflushed data. */
    fflush(stdout);
    fflush(stderr);

    iso_header h;
    memset(&h, 0, sizeof h);
    h.magic = ISO_MAGIC;
    h.status = (int32_t)st;
    h.result_len = st == CL_OK ? (uint64_t)job->result_size : 0;
    size_t mlen = 0;
    if (st != CL_OK) {
        err.msg[ISO_MSG_MAX] = '\0';
        mlen = strlen(err.msg);
    }
    h.msg_len = (uint32_t)mlen;
    if (iso_write_all(fd, &h, sizeof h) != 0) _exit(125);
    if (h.result_len > 0 && iso_write_all(fd, result, job->result_size) != 0) _exit(125);
    if (mlen > 0 && iso_write_all(fd, err.msg, mlen) != 0) _exit(125);
    close(fd);
    _exit(0);
}

/* ---- the parent ------------------------------------------------------------- */

static void iso_task_done(const iso_job *job, size_t task, cl_status st) {
    job->statuses[task] = st;
}

static cl_error *iso_task_err(const iso_job *job, size_t task) {
    return job->errs ? &job->errs[task] : NULL;
}

/* waitpid that retries on EINTR. */
static pid_t iso_waitpid(pid_t pid, int *wstatus, int options) {
    for (;;) {
        pid_t r = waitpid(pid, wstatus, options);
        if (r >= 0 || errno != EINTR) return r;
    }
}

static void iso_close_fd(iso_slot *s) {
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
}

/* Kill a child and reap it (SIGKILL cannot be caught, so the wait is short). */
static void iso_kill_and_reap(iso_slot *s) {
    iso_close_fd(s);
    kill(s->pid, SIGKILL);
    int ws;
    (void)iso_waitpid(s->pid, &ws, 0);
    s->state = ISO_FREE;
}

static void iso_append_memory_hint(const iso_job *job, cl_error *e) {
    if (!e || job->memory_limit_bytes == 0) return;
    size_t len = strlen(e->msg);
    snprintf(e->msg + len, sizeof e->msg - len, " (memory limit %zu bytes)",
             job->memory_limit_bytes);
}

/* The child has been reaped (have_status: wstatus is valid); record the task. */
static void iso_finish(const iso_job *job, iso_slot *s, int have_status, int wstatus) {
    size_t task = s->task;
    cl_error *e = iso_task_err(job, task);
    s->state = ISO_FREE;
    iso_close_fd(s);

    if (have_status && WIFSIGNALED(wstatus)) {
        int sig = WTERMSIG(wstatus);
        const char *name = strsignal(sig);
        iso_msg(e, "isolated process: killed by signal %d (%s)", sig, name ? name : "unknown");
        if (sig == SIGSEGV || sig == SIGBUS || sig == SIGABRT || sig == SIGKILL)
            iso_append_memory_hint(job, e);
        iso_task_done(job, task, CL_EIO);
        return;
    }
    if (!s->complete) {
        if (have_status && WIFEXITED(wstatus))
            iso_msg(e,
                    "isolated process: exited with status %d without sending a complete "
                    "result (received %zu of %zu bytes)",
                    WEXITSTATUS(wstatus), s->got,
                    s->expect ? s->expect : sizeof(iso_header) + job->result_size);
        else
            iso_msg(e,
                    "isolated process: ended without sending a complete result (received "
                    "%zu bytes)",
                    s->got);
        if (have_status && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) != 0)
            iso_append_memory_hint(job, e);
        iso_task_done(job, task, CL_EIO);
        return;
    }
    if (have_status && (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)) {
        iso_msg(e, "isolated process: exited with status %d after sending its result",
                WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
        iso_task_done(job, task, CL_EIO);
        return;
    }
    cl_status st = (cl_status)s->hdr.status;
    if (st == CL_OK) {
        if (job->result_size > 0)
            memcpy(job->results + task * job->result_size, s->buf, job->result_size);
        if (e) e->msg[0] = '\0';
    } else if (s->hdr.msg_len > 0) {
        if (e) memcpy(e->msg, s->msg, s->hdr.msg_len + 1);
    } else {
        iso_msg(e, "isolated function failed: %s", cl_strerror(st));
    }
    iso_task_done(job, task, st);
}

/* Try to reap a child whose pipe is closed; 1 when it is gone. */
static int iso_try_reap(const iso_job *job, iso_slot *s) {
    int ws = 0;
    pid_t r = iso_waitpid(s->pid, &ws, WNOHANG);
    if (r == 0) return 0;
    /* r < 0: ECHILD (SIGCHLD ignored, the child was reaped for us): the exit
     * status is unknown; trust a complete reply. */
    iso_finish(job, s, r == s->pid, ws);
    return 1;
}

/* A malformed reply: kill the child and report. */
static void iso_protocol_error(const iso_job *job, iso_slot *s, const char *what) {
    size_t task = s->task;
    iso_kill_and_reap(s);
    iso_msg(iso_task_err(job, task), "isolated process: malformed reply (%s)", what);
    iso_task_done(job, task, CL_EIO);
}

/* The pipe is readable (or hung up): read what is there. */
static void iso_read(const iso_job *job, iso_slot *s) {
    const size_t hsz = sizeof(iso_header);
    unsigned char *dst;
    size_t want;
    if (s->got < hsz) {
        dst = (unsigned char *)&s->hdr + s->got;
        want = hsz - s->got;
    } else if (s->got < hsz + s->hdr.result_len) {
        size_t off = s->got - hsz;
        dst = s->buf + off;
        want = (size_t)s->hdr.result_len - off;
    } else {
        size_t off = s->got - hsz - (size_t)s->hdr.result_len;
        dst = (unsigned char *)s->msg + off;
        want = s->hdr.msg_len - off;
    }
    ssize_t r = read(s->fd, dst, want);
    if (r < 0) {
        if (errno == EINTR || errno == EAGAIN) return;
        r = 0; /* treat a read error as the end of the reply */
    }
    if (r == 0) {
        iso_close_fd(s);
        s->state = ISO_REAPING;
        return;
    }
    s->got += (size_t)r;
    if (s->got == hsz) {
        if (s->hdr.magic != ISO_MAGIC) {
            iso_protocol_error(job, s, "bad header");
            return;
        }
        if (s->hdr.msg_len > ISO_MSG_MAX) {
            iso_protocol_error(job, s, "message too long");
            return;
        }
        uint64_t want_len = s->hdr.status == CL_OK ? (uint64_t)job->result_size : 0;
        if (s->hdr.result_len != want_len) {
            iso_protocol_error(job, s, "result length differs from result_size");
            return;
        }
        s->expect = hsz + (size_t)s->hdr.result_len + s->hdr.msg_len;
    }
    if (s->got >= hsz && s->got == s->expect) {
        s->msg[s->hdr.msg_len] = '\0';
        s->complete = 1;
        /* Everything is here: stop reading (a stray copy of the write end,
         * e.g. inherited by a process forked elsewhere, cannot delay us) and
         * wait for the child to exit. */
        iso_close_fd(s);
        s->state = ISO_REAPING;
    }
}

/* Start task in a free slot. Returns 0, or -1 when the task failed to start
 * (its status and message are set). */
static int iso_launch(iso_job *job, iso_slot *s, size_t task) {
    int fds[2];
    if (pipe(fds) != 0) {
        int e = errno;
        iso_msg(iso_task_err(job, task), "%s: pipe() failed: %s", job->who, strerror(e));
        iso_task_done(job, task, CL_EIO);
        return -1;
    }
    /* Empty the parent's stdio buffers so the child cannot write them again. */
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        iso_msg(iso_task_err(job, task), "%s: fork() failed: %s", job->who, strerror(e));
        iso_task_done(job, task, (e == ENOMEM || e == EAGAIN) ? CL_ENOMEM : CL_EIO);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        for (size_t k = 0; k < job->nslots; k++)
            if (job->slots[k].state != ISO_FREE && job->slots[k].fd >= 0) close(job->slots[k].fd);
        iso_child(job, task, fds[1]);
    }
    close(fds[1]);
    s->state = ISO_READING;
    s->pid = pid;
    s->fd = fds[0];
    s->task = task;
    s->deadline = iso_now() + job->timeout_s;
    memset(&s->hdr, 0, sizeof s->hdr);
    s->got = 0;
    s->expect = 0;
    s->complete = 0;
    s->msg[0] = '\0';
    return 0;
}

/* Kill and reap every running child and fail its task. */
static void iso_abort_all(iso_job *job, const char *why) {
    for (size_t k = 0; k < job->nslots; k++) {
        iso_slot *s = &job->slots[k];
        if (s->state == ISO_FREE) continue;
        size_t task = s->task;
        iso_kill_and_reap(s);
        iso_msg(iso_task_err(job, task), "%s: %s", job->who, why);
        iso_task_done(job, task, CL_EIO);
    }
}

/* The map; single: called as cl_isolated_run (names its arguments so). */
static cl_status iso_map(const char *who, int single, cl_isolated_fn fn, const void *args,
                         size_t arg_size, size_t n, void *results, size_t result_size, int nproc,
                         double timeout_s, size_t memory_limit_bytes, cl_status *statuses,
                         cl_error *errs) {
    /* Argument checks. The message goes to every errs[i] (there is no other
     * place for it) and every statuses[i] is set. */
    char bad[sizeof(((cl_error *)0)->msg)];
    bad[0] = '\0';
    if (!fn)
        snprintf(bad, sizeof bad, "%s: fn is NULL; expected a function to run", who);
    else if (n > 0 && !results && result_size > 0)
        snprintf(bad, sizeof bad,
                 "%s: %s is NULL but result_size is %zu; expected %zu %s of %zu bytes", who,
                 single ? "result" : "results", result_size, n, single ? "buffer" : "buffers",
                 result_size);
    else if (n > 0 && !args && arg_size > 0)
        snprintf(bad, sizeof bad,
                 "%s: args is NULL but arg_size is %zu; expected %zu arguments of %zu bytes",
                 who, arg_size, n, arg_size);
    else if (!(timeout_s > 0) || !isfinite(timeout_s))
        snprintf(bad, sizeof bad, "%s: timeout_s is %g; expected a finite number of seconds > 0",
                 who, timeout_s);
    else if (n > 0 && !statuses)
        snprintf(bad, sizeof bad, "%s: statuses is NULL; expected an array of %zu statuses", who,
                 n);
    else if (result_size > 0 && n > SIZE_MAX / result_size)
        snprintf(bad, sizeof bad, "%s: n (%zu) * result_size (%zu) overflows size_t", who, n,
                 result_size);
    else if (arg_size > 0 && n > SIZE_MAX / arg_size)
        snprintf(bad, sizeof bad, "%s: n (%zu) * arg_size (%zu) overflows size_t", who, n,
                 arg_size);
    if (bad[0]) {
        for (size_t i = 0; i < n; i++) {
            if (statuses) statuses[i] = CL_EINVAL;
            if (errs) memcpy(errs[i].msg, bad, sizeof bad);
        }
        return CL_EINVAL;
    }
    if (n == 0) return CL_OK;

    size_t nslots;
    if (nproc <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        nslots = cpus > 0 ? (size_t)cpus : 1;
    } else {
        nslots = (size_t)nproc;
    }
    if (nslots > n) nslots = n;

    iso_job job = {.who = who,
                   .fn = fn,
                   .args = args,
                   .arg_size = arg_size,
                   .results = results,
                   .result_size = result_size,
                   .timeout_s = timeout_s,
                   .memory_limit_bytes = memory_limit_bytes,
                   .statuses = statuses,
                   .errs = errs,
                   .slots = NULL,
                   .nslots = nslots};
    for (size_t i = 0; i < n; i++) {
        statuses[i] = CL_EIO;
        if (errs) errs[i].msg[0] = '\0';
    }

    iso_slot *slots = calloc(nslots, sizeof *slots);
    struct pollfd *pfds = calloc(nslots, sizeof *pfds);
    size_t *pslot = calloc(nslots, sizeof *pslot);
    int oom = !slots || !pfds || !pslot;
    for (size_t k = 0; !oom && k < nslots; k++) {
        slots[k].fd = -1;
        if (result_size > 0) {
            slots[k].buf = malloc(result_size);
            if (!slots[k].buf) oom = 1;
        }
    }
    if (oom) {
        for (size_t k = 0; slots && k < nslots; k++) free(slots[k].buf);
        free(slots);
        free(pfds);
        free(pslot);
        for (size_t i = 0; i < n; i++) {
            statuses[i] = CL_ENOMEM;
            if (errs)
                snprintf(errs[i].msg, sizeof errs[i].msg,
                         "%s: out of memory for %zu process slots of %zu bytes", who, nslots,
                         result_size);
        }
        return CL_ENOMEM;
    }
    job.slots = slots;

    size_t next = 0, running = 0;
    for (;;) {
        /* Start tasks while there are free slots. */
        for (size_t k = 0; k < nslots && next < n; k++) {
            if (slots[k].state != ISO_FREE) continue;
            if (iso_launch(&job, &slots[k], next++) == 0) running++;
        }
        if (running == 0) {
            if (next >= n) break;
            continue;
        }

        /* Wait for output, an exit or the nearest deadline. */
        double now = iso_now();
        double wait_s = INFINITY;
        int reaping = 0;
        nfds_t np = 0;
        for (size_t k = 0; k < nslots; k++) {
            iso_slot *s = &slots[k];
            if (s->state == ISO_FREE) continue;
            double left = s->deadline - now;
            if (left < wait_s) wait_s = left;
            if (s->state == ISO_REAPING) {
                reaping = 1;
            } else {
                pfds[np].fd = s->fd;
                pfds[np].events = POLLIN;
                pfds[np].revents = 0;
                pslot[np] = k;
                np++;
            }
        }
        int timeout_ms;
        if (wait_s <= 0) timeout_ms = 0;
        else if (wait_s * 1000.0 >= (double)INT_MAX) timeout_ms = INT_MAX;
        else timeout_ms = (int)ceil(wait_s * 1000.0);
        if (reaping && timeout_ms > ISO_REAP_POLL_MS) timeout_ms = ISO_REAP_POLL_MS;

        int pr = poll(np ? pfds : NULL, np, timeout_ms);
        if (pr < 0 && errno != EINTR) {
            char why[160];
            snprintf(why, sizeof why, "poll() failed: %s", strerror(errno));
            iso_abort_all(&job, why);
            running = 0;
            /* Tasks not yet started fail too. */
            for (; next < n; next++) {
                if (errs) snprintf(errs[next].msg, sizeof errs[next].msg, "%s: %s", who, why);
                statuses[next] = CL_EIO;
            }
            break;
        }
        for (nfds_t j = 0; pr > 0 && j < np; j++) {
            iso_slot *s = &slots[pslot[j]];
            if (pfds[j].revents == 0 || s->state != ISO_READING) continue;
            iso_read(&job, s);
            if (s->state == ISO_FREE) running--; /* protocol error: already reaped */
        }

        /* Reap the children that closed their pipes; kill the late ones. */
        now = iso_now();
        for (size_t k = 0; k < nslots; k++) {
            iso_slot *s = &slots[k];
            if (s->state == ISO_REAPING && iso_try_reap(&job, s)) {
                running--;
                continue;
            }
            if (s->state != ISO_FREE && now >= s->deadline) {
                size_t task = s->task;
                iso_kill_and_reap(s);
                char secs[32];
                iso_fmt_seconds(secs, sizeof secs, timeout_s);
                iso_msg(iso_task_err(&job, task), "isolated process: timed out after %s s", secs);
                statuses[task] = CL_EIO;
                running--;
            }
        }
    }

    for (size_t k = 0; k < nslots; k++) free(slots[k].buf);
    free(slots);
    free(pfds);
    free(pslot);

    for (size_t i = 0; i < n; i++)
        if (statuses[i] != CL_OK) return statuses[i];
    return CL_OK;
}

cl_status cl_isolated_map(cl_isolated_fn fn, const void *args, size_t arg_size, size_t n,
                          void *results, size_t result_size, int nproc, double timeout_s,
                          size_t memory_limit_bytes, cl_status *statuses, cl_error *errs) {
    return iso_map("cl_isolated_map", 0, fn, args, arg_size, n, results, result_size, nproc,
                   timeout_s, memory_limit_bytes, statuses, errs);
}

cl_status cl_isolated_run(cl_isolated_fn fn, const void *arg, void *result, size_t result_size,
                          double timeout_s, size_t memory_limit_bytes, cl_error *err) {
    cl_status st = CL_EIO;
    /* One task whose argument is arg itself (arg_size 0: args + 0*0 = arg). */
    return iso_map("cl_isolated_run", 1, fn, arg, 0, 1, result, result_size, 1, timeout_s,
                   memory_limit_bytes, &st, err);
}
