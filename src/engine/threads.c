/* Threads: the trees of a simulation split into groups, one per thread,
 * and the simulation's own pool of worker threads that steps them.
 *
 * Trees are independent in the matrix and each mechanism instance touches
 * only its own node (and the ion instance there), so a group's currents,
 * elimination, voltage update and states can run beside the others' with
 * no barrier between them; every node sees the same operations in the same
 * order as on one thread, which keeps results bit-identical for every
 * thread count. Events, thresholds and recordings stay on the calling
 * thread (step.c). */
#ifdef __linux__
#define _GNU_SOURCE /* sched_getaffinity: the cores this process may use */
#endif
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/types.h>
#include <unistd.h>

#include "engine/engine.h"

/* ---- the pool ------------------------------------------------------------
 * One job at a time: the caller bumps gen, workers run fn(e, their group)
 * and count down pending. Both sides spin a little before sleeping on a
 * condition variable: a step is tens of microseconds, a sleep and wake-up
 * about as long. */
typedef struct cl_pool {
    int n; /* workers: group k + 1 is worker k's */
    pthread_t *tid;
    int *started;
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    atomic_uint gen;
    atomic_int pending;
    atomic_int sleepers; /* workers waiting on go */
    atomic_int quit;
    void (*fn)(cl_engine *e, int g);
    cl_engine *e;
    pid_t pid; /* the process that started the workers (a fork's child has none) */
} cl_pool;

typedef struct worker_arg {
    cl_pool *pool;
    int k;
} worker_arg;

/* How long a waiting thread spins before it sleeps; while spinning it
 * yields the core now and then, so that a machine with fewer free cores than
 * threads still makes progress. */
#define SPIN_NS 50000L

static long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000000000L + ts.tv_nsec;
}

/* One round of spinning; 0 once SPIN_NS have passed since *t0 (set on the
 * first call, *t0 = 0 before it). */
static int spin(long *t0, int *k) {
    if ((++*k & 63) != 0) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        return 1;
    }
    long t = now_ns();
    if (!*t0) *t0 = t;
    if (t - *t0 > SPIN_NS) return 0;
    sched_yield();
    return 1;
}

static void *worker(void *p) {
    worker_arg *wa = p;
    cl_pool *pl = wa->pool;
    int id = wa->k;
    free(wa);
    unsigned seen = 0;
    for (;;) {
        long t0 = 0;
        int k = 0;
        while (atomic_load(&pl->gen) == seen && !atomic_load(&pl->quit) && spin(&t0, &k)) {
        }
        if (atomic_load(&pl->gen) == seen && !atomic_load(&pl->quit)) {
            pthread_mutex_lock(&pl->mu);
            atomic_fetch_add(&pl->sleepers, 1);
            while (atomic_load(&pl->gen) == seen && !atomic_load(&pl->quit)) pthread_cond_wait(&pl->go, &pl->mu);
            atomic_fetch_sub(&pl->sleepers, 1);
            pthread_mutex_unlock(&pl->mu);
        }
        if (atomic_load(&pl->quit)) break;
        seen = atomic_load(&pl->gen);
        pl->fn(pl->e, id + 1);
        if (atomic_fetch_sub(&pl->pending, 1) == 1) {
            pthread_mutex_lock(&pl->mu);
            pthread_cond_signal(&pl->done);
            pthread_mutex_unlock(&pl->mu);
        }
    }
    return NULL;
}

static void pool_free(cl_pool *pl) {
    if (!pl) return;
    pthread_mutex_lock(&pl->mu);
    atomic_store(&pl->quit, 1);
    pthread_cond_broadcast(&pl->go);
    pthread_mutex_unlock(&pl->mu);
    for (int k = 0; k < pl->n; k++)
        if (pl->started[k]) pthread_join(pl->tid[k], NULL);
    pthread_mutex_destroy(&pl->mu);
    pthread_cond_destroy(&pl->go);
    pthread_cond_destroy(&pl->done);
    free(pl->tid);
    free(pl->started);
    free(pl);
}

/* n workers, or NULL when they cannot all be started. */
static cl_pool *pool_new(int n) {
    cl_pool *pl = calloc(1, sizeof *pl);
    if (!pl) return NULL;
    pl->tid = calloc((size_t)n, sizeof *pl->tid);
    pl->started = calloc((size_t)n, sizeof *pl->started);
    if (!pl->tid || !pl->started) {
        free(pl->tid);
        free(pl->started);
        free(pl);
        return NULL;
    }
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->go, NULL);
    pthread_cond_init(&pl->done, NULL);
    atomic_init(&pl->gen, 0u);
    atomic_init(&pl->pending, 0);
    atomic_init(&pl->sleepers, 0);
    atomic_init(&pl->quit, 0);
    pl->n = n;
    pl->pid = getpid();
    for (int k = 0; k < n; k++) {
        worker_arg *wa = malloc(sizeof *wa);
        if (!wa) { pool_free(pl); return NULL; }
        *wa = (worker_arg){pl, k};
        if (pthread_create(&pl->tid[k], NULL, worker, wa) != 0) {
            free(wa);
            pool_free(pl);
            return NULL;
        }
        pl->started[k] = 1;
    }
    return pl;
}

int cl_engine_cores(void) {
#ifdef __linux__
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 1) return CPU_COUNT(&set);
#endif
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n >= 1 ? (n > 1024 ? 1024 : (int)n) : 1;
}

void cl_engine_parallel(cl_engine *e, void (*fn)(cl_engine *e, int g)) {
    int nw = e->ngroup - 1;
    if (e->pool && e->pool->pid != getpid()) {
        /* a fork's child: the workers stayed in the parent; their pool
         * is left as it is (its threads and locks are not this process's) */
        e->pool = NULL;
    }
    if (nw > 0 && (!e->pool || e->pool->n != nw)) {
        pool_free(e->pool);
        e->pool = pool_new(nw);
    }
    cl_pool *pl = e->pool;
    if (nw <= 0 || !pl) { /* one group, or no workers: all here, in group order */
        for (int g = 0; g < e->ngroup; g++) fn(e, g);
        return;
    }
    pl->fn = fn;
    pl->e = e;
    atomic_store(&pl->pending, nw);
    atomic_fetch_add(&pl->gen, 1u);
    if (atomic_load(&pl->sleepers) > 0) {
        pthread_mutex_lock(&pl->mu);
        pthread_cond_broadcast(&pl->go);
        pthread_mutex_unlock(&pl->mu);
    }
    fn(e, 0);
    long t0 = 0;
    int k = 0;
    while (atomic_load(&pl->pending) > 0 && spin(&t0, &k)) {
    }
    if (atomic_load(&pl->pending) > 0) {
        pthread_mutex_lock(&pl->mu);
        while (atomic_load(&pl->pending) > 0) pthread_cond_wait(&pl->done, &pl->mu);
        pthread_mutex_unlock(&pl->mu);
    }
}

/* ---- groups --------------------------------------------------------------- */

void cl_engine_groups_free(cl_engine *e) {
    for (int g = 0; g < e->ngroup && e->group; g++) {
        cl_group *gr = &e->group[g];
        if (gr->gcopy)
            for (int t = 0; t < e->nblock; t++) free(gr->gcopy[t]);
        free(gr->gcopy);
        free(gr->view);
        free(gr->vars);
        free(gr->ions);
        free(gr->sched);
        free(gr->spar);
        free(gr->level);
        free(gr->sa);
        free(gr->sb);
        free(gr->offchain);
    }
    free(e->group);
    e->group = NULL;
    e->ngroup = 0;
}

void cl_engine_threads_free(cl_engine *e) {
    if (e->pool && e->pool->pid == getpid()) pool_free(e->pool); /* else a fork's copy: not ours to join */
    e->pool = NULL;
    cl_engine_groups_free(e);
}

/* Trees [0, nroot) into ng contiguous ranges of about equal node counts:
 * first[g] is group g's first tree. */
static void split_trees(const cl_engine *e, int ng, int *first) {
    if (ng <= 1 || e->nroot <= 1) {
        first[0] = 0;
        for (int g = 1; g <= ng; g++) first[g] = e->nroot;
        return;
    }
    long total = 0;
    for (int r = 0; r < e->nroot; r++) total += 1 + e->tree_node[r + 1] - e->tree_node[r];
    long acc = 0;
    int r = 0;
    for (int g = 0; g < ng; g++) {
        first[g] = r;
        long target = total * (g + 1) / ng;
        int last = e->nroot - (ng - g - 1); /* leave a tree for each group after this one */
        do {
            acc += 1 + e->tree_node[r + 1] - e->tree_node[r];
            r++;
        } while (r < last && acc + (1 + e->tree_node[r + 1] - e->tree_node[r]) / 2 <= target);
    }
    first[ng] = e->nroot;
}

/* Instance ranges of one block per group (first[g]..first[g+1]); 0, or -1
 * when its instances are not ordered by group (then one group must do). */
static int block_ranges(const cl_engine *e, const cl_mech_block *b, int ng, const int *tree_group, int *first) {
    if (b->type->kind == CL_MECH_ARTIFICIAL) { /* no node: all in group 0 */
        first[0] = 0;
        for (int g = 1; g <= ng; g++) first[g] = b->n;
        return 0;
    }
    int g = 0;
    first[0] = 0;
    for (int i = 0; i < b->n; i++) {
        int nd = b->node[i];
        int gi = nd >= 0 ? tree_group[e->node_tree[nd]] : 0;
        if (gi < g) return -1;
        while (g < gi) first[++g] = i;
    }
    while (g < ng) first[++g] = b->n;
    return 0;
}

/* The solve's order for a group (cl_group.sched). Elimination then meets,
 * at each node, its children's updates in the plain sweep's order
 * (children of one parent have one depth and come by decreasing index) and
 * all of them before its own pivot; nodes of one depth in different
 * branches and trees do not wait on each other, so the processor overlaps
 * their divisions. Back substitution runs it backwards (parents first). */
static int solve_schedule(const cl_engine *e, cl_group *gr) {
    int n = gr->n1 - gr->n0;
    gr->sched = malloc(((size_t)n + 1) * sizeof(int));
    gr->spar = malloc(((size_t)n + 1) * sizeof(int));
    gr->level = malloc(((size_t)n + 2) * sizeof(int));
    gr->sa = malloc(((size_t)n + 1) * sizeof(double));
    gr->sb = malloc(((size_t)n + 1) * sizeof(double));
    gr->nlevel = 0;
    int *depth = malloc(((size_t)n + 1) * sizeof(int));
    int *count = NULL;
    if (!gr->sched || !gr->spar || !gr->level || !gr->sa || !gr->sb || !depth) { free(depth); return -1; }
    int maxd = 0;
    for (int i = gr->n0; i < gr->n1; i++) { /* parents come first; roots have depth 0 */
        int p = e->parent[i];
        int d = p >= gr->n0 ? depth[p - gr->n0] + 1 : 1;
        depth[i - gr->n0] = d;
        if (d > maxd) maxd = d;
    }
    count = malloc(((size_t)maxd + 2) * sizeof(int));
    if (!count) { free(depth); return -1; }
    int out = 0;
    for (int r = gr->r0; r < gr->r1;) {
        int r2 = r, a = e->tree_node[r];
        do r2++; /* whole trees, about CL_SOLVE_BATCH nodes */
        while (r2 < gr->r1 && e->tree_node[r2 + 1] - a <= CL_SOLVE_BATCH);
        int b = e->tree_node[r2];
        /* counting sort by depth, deepest first, decreasing index within one */
        memset(count, 0, ((size_t)maxd + 2) * sizeof(int));
        for (int i = a; i < b; i++) count[maxd - depth[i - gr->n0]]++;
        int acc = out;
        for (int d = 0; d <= maxd; d++) {
            int c = count[d];
            if (c > 0) gr->level[gr->nlevel++] = acc; /* a depth of this batch starts here */
            count[d] = acc;
            acc += c;
        }
        for (int i = b - 1; i >= a; i--) gr->sched[count[maxd - depth[i - gr->n0]]++] = i;
        out += b - a;
        r = r2;
    }
    gr->level[gr->nlevel] = out;
    for (int k = 0; k < out; k++) {
        int i = gr->sched[k];
        gr->spar[k] = e->parent[i];
        gr->sa[k] = e->a[i];
        gr->sb[k] = e->b[i];
    }
    free(count);
    free(depth);
    return out == n ? 0 : -1;
}

/* The nodes of a group whose parent is not the node just before them
 * (cl_group.offchain): the first node of each section but a few, every
 * child of a root. The matrix adds their terms to their parents apart. */
static int offchain_list(const cl_engine *e, cl_group *gr) {
    gr->offchain = malloc(((size_t)(gr->n1 - gr->n0) + 1) * sizeof(int));
    if (!gr->offchain) return -1;
    gr->noffchain = 0;
    for (int i = gr->n0; i < gr->n1; i++)
        if (i == gr->n0 || e->parent[i] != i - 1) gr->offchain[gr->noffchain++] = i;
    return 0;
}

static int build_groups(cl_engine *e, int ng) {
    int nb = e->nblock;
    int *tfirst = malloc(((size_t)ng + 1) * sizeof(int));
    int *tree_group = malloc(((size_t)e->nroot + 1) * sizeof(int));
    int *ifirst = malloc(((size_t)nb + 1) * ((size_t)ng + 1) * sizeof(int));
    e->group = calloc((size_t)ng, sizeof(cl_group));
    if (!tfirst || !tree_group || !ifirst || !e->group) goto oom;
    e->ngroup = ng;
    split_trees(e, ng, tfirst);
    for (int g = 0; g < ng; g++)
        for (int r = tfirst[g]; r < tfirst[g + 1]; r++) tree_group[r] = g;
    for (int t = 0; t < nb; t++) {
        int *f = ifirst + (size_t)t * ((size_t)ng + 1);
        if (block_ranges(e, &e->block[t], ng, tree_group, f) != 0) {
            free(tfirst); free(tree_group); free(ifirst);
            cl_engine_groups_free(e);
            return 1; /* not splittable: the caller makes one group */
        }
    }
    size_t nvars = 0, nions = 0;
    for (int t = 0; t < nb; t++) {
        nvars += (size_t)e->block[t].type->nvar + 1;
        nions += (size_t)e->block[t].type->nion;
    }
    for (int g = 0; g < ng; g++) {
        cl_group *gr = &e->group[g];
        int r0 = tfirst[g], r1 = tfirst[g + 1];
        *gr = (cl_group){.r0 = r0, .r1 = r1, .n0 = e->tree_node[r0], .n1 = e->tree_node[r1]};
        if (solve_schedule(e, gr) != 0 || offchain_list(e, gr) != 0) goto oom;
        gr->view = calloc((size_t)nb + 1, sizeof(cl_mech_block));
        gr->gcopy = calloc((size_t)nb + 1, sizeof(double *));
        gr->vars = calloc(nvars + 1, sizeof(double *));
        gr->ions = calloc(nions + 1, sizeof(int *));
        if (!gr->view || !gr->gcopy || !gr->vars || !gr->ions) goto oom;
        double **vp = gr->vars;
        int **ip = gr->ions;
        for (int t = 0; t < nb; t++) {
            const cl_mech_block *b = &e->block[t];
            const cl_mech_type *m = b->type;
            const int *f = ifirst + (size_t)t * ((size_t)ng + 1);
            int i0 = f[g], n = f[g + 1] - f[g];
            cl_mech_block *v = &gr->view[t];
            *v = *b;
            v->n = n;
            v->node = b->node + i0;
            v->g = b->g + i0;
            if (b->user) v->user = b->user + i0;
            if (b->owner) v->owner = b->owner + i0;
            if (b->iflag) v->iflag = b->iflag + i0;
            v->var = vp;
            for (int k = 0; k < (m->nvar ? m->nvar : 1); k++) vp[k] = b->var[k] + i0;
            vp += m->nvar + 1;
            if (b->ion_index) {
                v->ion_index = ip;
                for (int u = 0; u < m->nion; u++) ip[u] = b->ion_index[u] + i0;
                ip += m->nion;
            }
            /* own globals unless this is the last group with instances */
            int last = n > 0;
            for (int h = g + 1; h < ng && last; h++)
                if (f[h + 1] > f[h]) last = 0;
            if (n > 0 && !last && m->nglobal > 0) {
                gr->gcopy[t] = malloc((size_t)m->nglobal * sizeof(double));
                if (!gr->gcopy[t]) goto oom;
                memcpy(gr->gcopy[t], b->global, (size_t)m->nglobal * sizeof(double));
                v->global = gr->gcopy[t];
            }
        }
    }
    free(tfirst); free(tree_group); free(ifirst);
    return 0;
oom:
    free(tfirst); free(tree_group); free(ifirst);
    cl_engine_groups_free(e);
    return -1;
}

int cl_engine_groups_prepare(cl_engine *e) {
    if (e->group) return 0;
    int want = e->threads > 0 ? e->threads : cl_engine_cores();
    int ng = want < e->nroot ? want : e->nroot;
    if (ng < 1) ng = 1;
    int rc = build_groups(e, ng);
    if (rc == 1) rc = build_groups(e, 1);
    return rc == 0 ? 0 : -1;
}
