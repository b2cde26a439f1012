/* MPI glue of `cellulab run`: the collectives of cl_network_comm over
 * MPI_COMM_WORLD (include/cellulab_network.h). The library itself has no
 * MPI; without CELLULAB_MPI this file only says there is none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#ifdef CELLULAB_MPI
#include <limits.h>
#include <stdarg.h>
#include <mpi.h>
#include <stdio.h>

static cl_network_comm world;
static int started;

static cl_status efail(cl_error *err, cl_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static cl_status efail(cl_error *err, cl_status st, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return st;
}

static cl_status mpi_fail(cl_error *err, int rc, const char *what) {
    char msg[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, msg, &len) != MPI_SUCCESS) snprintf(msg, sizeof msg, "MPI error %d", rc);
    return efail(err, CL_EIO, "%s: %s", what, msg);
}

/* Counts and displacements in bytes; MPI counts are int, so each exchange
 * is limited to 2 GiB in all. */
static cl_status collect(void *ctx, const void *data, size_t n, void **all, size_t *n_all, int root_only,
                         cl_error *err) {
    (void)ctx;
    *all = NULL;
    *n_all = 0;
    int size = world.size, rank = world.rank;
    unsigned long long mine = n, *counts = malloc((size_t)size * sizeof *counts);
    int *ic = malloc((size_t)size * sizeof *ic), *disp = malloc((size_t)size * sizeof *disp);
    if (!counts || !ic || !disp) {
        free(counts);
        free(ic);
        free(disp);
        return efail(err, CL_ENOMEM, "out of memory");
    }
    cl_status st = CL_OK;
    int rc = MPI_Allgather(&mine, 1, MPI_UNSIGNED_LONG_LONG, counts, 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
    if (rc != MPI_SUCCESS) st = mpi_fail(err, rc, "MPI_Allgather");
    unsigned long long total = 0;
    for (int r = 0; r < size && !st; r++) {
        if (total + counts[r] > INT_MAX) {
            st = efail(err, CL_EINVAL, "rank exchange of %llu bytes and more: MPI counts stop at 2 GiB",
                               total + counts[r]);
            break;
        }
        ic[r] = (int)counts[r];
        disp[r] = (int)total;
        total += counts[r];
    }
    unsigned char *buf = NULL;
    int receive = !root_only || rank == 0;
    if (!st && receive && !(buf = malloc(total ? total : 1))) st = efail(err, CL_ENOMEM, "out of memory");
    /* a rank that failed above fails alike on every rank (same counts), so
     * no rank is left waiting in the exchange */
    if (!st) {
        rc = root_only ? MPI_Gatherv(data, (int)n, MPI_BYTE, buf, ic, disp, MPI_BYTE, 0, MPI_COMM_WORLD)
                       : MPI_Allgatherv(data, (int)n, MPI_BYTE, buf, ic, disp, MPI_BYTE, MPI_COMM_WORLD);
        if (rc != MPI_SUCCESS) st = mpi_fail(err, rc, root_only ? "MPI_Gatherv" : "MPI_Allgatherv");
    }
    free(counts);
    free(ic);
    free(disp);
    if (st) {
        free(buf);
        return st;
    }
    if (receive) {
        *all = buf;
        *n_all = total;
    }
    return CL_OK;
}

static cl_status allgather(void *ctx, const void *data, size_t n, void **all, size_t *n_all, cl_error *err) {
    return collect(ctx, data, n, all, n_all, 0, err);
}

static cl_status gather(void *ctx, const void *data, size_t n, void **all, size_t *n_all, cl_error *err) {
    return collect(ctx, data, n, all, n_all, 1, err);
}

/* Launched by mpirun (Open MPI, or a PMI launcher): a plain start stays a
 * single process without touching MPI. */
static int under_launcher(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMI_SIZE") || getenv("PMIX_RANK");
}

const cl_network_comm *cli_mpi_start(int *argc, char ***argv) {
    if (started) return &world;
    if (!under_launcher()) return NULL;
    if (MPI_Init(argc, argv) != MPI_SUCCESS) {
        fprintf(stderr, "cellulab run: MPI_Init failed\n");
        exit(1);
    }
    started = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    world.allgather = allgather;
    world.gather = gather;
    return &world;
}

void cli_mpi_abort(const cl_network_comm *comm, int code) {
    if (!comm || !started) return;
    fflush(stdout);
    fflush(stderr);
    if (comm->size > 1) MPI_Abort(MPI_COMM_WORLD, code ? code : 1);
    MPI_Finalize();
    exit(code);
}

void cli_mpi_sum(const cl_network_comm *comm, size_t *v, size_t n) {
    if (!comm || !started || comm->size < 2) return;
    for (size_t i = 0; i < n; i++) {
        unsigned long long x = v[i], s = 0;
        MPI_Allreduce(&x, &s, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
        v[i] = (size_t)s;
    }
}

void cli_mpi_finish(const cl_network_comm *comm) {
    if (comm && started) MPI_Finalize();
}

int cli_mpi_built(void) { return 1; }

#else /* no MPI: one process */

const cl_network_comm *cli_mpi_start(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    return NULL;
}
void cli_mpi_abort(const cl_network_comm *comm, int code) {
    (void)comm;
    (void)code;
}
void cli_mpi_sum(const cl_network_comm *comm, size_t *v, size_t n) {
    (void)comm;
    (void)v;
    (void)n;
}
void cli_mpi_finish(const cl_network_comm *comm) { (void)comm; }
int cli_mpi_built(void) { return 0; }

#endif
