/*
 * The ABI of compiled mechanisms: what a mechanism (a channel, a synapse, an
 * artificial cell, an ion) gives the engine, and what the engine gives it.
 * cellulab's built-in mechanisms and the C that `cellulab nmodl` generates
 * from MOD files are written against this header alone.
 *
 * Instance data of one mechanism type in one simulation is a structure of
 * arrays: var[k][i] is variable k of instance i, each var[k] one contiguous
 * array. The entry points are NEURON's nrn_init / nrn_cur (+ nrn_jacob) /
 * nrn_state / net_receive and must do the same floating-point operations in
 * the same order as the C that NEURON's nocmodl emits.
 *
 * A shared library of mechanisms exports
 *     const cl_mech_type *const *cellulab_mechanisms_v<CL_MECH_ABI_VERSION>(int *count);
 * (CL_MECH_LIST_SYMBOL), so that a library built against another version of
 * this header is refused instead of misread.
 * returning its types in registration order.
 */
#ifndef CELLULAB_MECH_ABI_H
#define CELLULAB_MECH_ABI_H

#define CL_MECH_ABI_VERSION 4 /* 2: tables, net_init, nwatch, watch_cond, watch_activate, cl_event_list;
                                 3: cl_mech_ctx.legacy_units;
                                 4: cl_mech_ctx.ran123_globalindex, cl_ran123_* (RANDOM) */
#define CL_MECH_STR2_(x) #x
#define CL_MECH_STR_(x) CL_MECH_STR2_(x)
#define CL_MECH_LIST_SYMBOL "cellulab_mechanisms_v" CL_MECH_STR_(CL_MECH_ABI_VERSION)

#include <stddef.h>

typedef enum cl_mech_kind {
    CL_MECH_DENSITY,   /* inserted in sections, per segment; currents in mA/cm2 */
    CL_MECH_POINT,     /* located at one node; currents in nA, scaled by 1e2/area */
    CL_MECH_ARTIFICIAL,/* no location; events only */
    CL_MECH_ION        /* per-node ion state (erev, concentrations, current) */
} cl_mech_kind;

typedef enum cl_var_kind {
    CL_VAR_PARAM,    /* set by the user; survives re-initialisation */
    CL_VAR_ASSIGNED, /* computed */
    CL_VAR_STATE     /* integrated; set by INITIAL */
} cl_var_kind;

typedef struct cl_mech_var {
    const char *name; /* short name ("gnabar"); density names get "_<mech>" appended */
    cl_var_kind kind;
    double dflt;
} cl_mech_var;

/* How a mechanism uses an ion (NEURON's nrn_promote bits, simplified). */
enum {
    CL_ION_READ_EREV = 1,
    CL_ION_READ_CONC = 2,  /* reads ci or co: erev follows Nernst at initialisation */
    CL_ION_WRITE_CUR = 4,
    CL_ION_WRITE_CONC = 8, /* writes ci or co: erev recomputed every step */
    CL_ION_WRITE_EREV = 16 /* writes the reversal potential itself */
};

typedef struct cl_ion_use {
    const char *ion; /* "na", "k", "ca", ... */
    int flags;
    double valence;  /* VALENCE given in the MOD file, 0 if none */
} cl_ion_use;

/* Variables of an ion instance, in this order. */
enum { CL_ION_EREV, CL_ION_CI, CL_ION_CO, CL_ION_CUR, CL_ION_DCURDV, CL_ION_NVAR };

/* Per-node ion data of one ion type (a view into its cl_mech_block). */
typedef struct cl_ion_view {
    double *erev, *ci, *co, *cur, *dcurdv;
    const int *style;  /* per ion instance: the OR of its users' CL_ION_* flags */
    double valence;
} cl_ion_view;

struct cl_engine;
struct cl_mech_block;

typedef void (*cl_net_send_fn)(struct cl_engine *eng, struct cl_mech_block *b, int i, double *w,
                               double te, double flag);
typedef void (*cl_net_event_fn)(struct cl_engine *eng, struct cl_mech_block *b, int i, double te);
typedef void (*cl_watch_activate_fn)(struct cl_engine *eng, struct cl_mech_block *b, int i, int k,
                                     int remove_first, double flag);

/* What an entry point may see of the simulation. */
typedef struct cl_mech_ctx {
    double t;        /* t_{n+1/2} in cur, t_{n+1} in state, event time in net_receive */
    double dt;
    double celsius;
    double *v;       /* node voltages */
    double *rhs;     /* right-hand side being assembled */
    double *d;       /* diagonal being assembled */
    const double *area; /* node areas, µm² */
    const double *diam; /* node diameters, µm (of the segment the node is the centre of) */
    struct cl_engine *eng; /* for net_send / net_event */
    /* Queue a self-event for instance i at absolute time te with flag; w is
     * the weight vector of the connection being delivered (NULL from INITIAL). */
    cl_net_send_fn net_send;
    /* Instance i emits a spike at time te (its outgoing connections fire). */
    cl_net_event_fn net_event;
    /* WATCH k (0-based, the order of the WATCH conditions in the MOD file)
     * of instance i becomes active with the NET_RECEIVE flag `flag`; with
     * remove_first (the first WATCH run in one NET_RECEIVE call) the
     * instance's active WATCHes and their pending events go first
     * (NEURON's _nrn_watch_activate, docs/nmodl-lowering.md §9.4). */
    cl_watch_activate_fn watch_activate;
    /* 1: NEURON 7's physical constants, as NEURON 8's nrnunit_use_legacy(1)
     * (cl_sim_set_legacy_units): cl_nernst_u's FARADAY and R, and the
     * legacy column of a MOD file's UNITS constants; 0: NEURON 8.2's. */
    int legacy_units;
    /* The Random123 global index of this simulation (NEURON's
     * Random123_globalindex, cl_sim_set_random123_globalindex): the first
     * word of the Philox key of every RANDOM stream (cl_ran123_*). */
    unsigned int ran123_globalindex;
} cl_mech_ctx;

typedef struct cl_mech_type {
    const char *name;
    cl_mech_kind kind;
    int nvar;
    const cl_mech_var *vars;
    int nion;
    const cl_ion_use *ions;  /* each used ion gets an index array in the block */
    int electrode_current;   /* ELECTRODE_CURRENT: rhs += i, d -= g */
    int nweight;             /* NET_RECEIVE arguments (0: receives no events) */
    double valence;          /* ions only: the charge (na 1, ca 2, ...) */
    int emits_events;        /* net_event: can be a NetCon source */
    int nglobal;
    const cl_mech_var *globals; /* per-simulation globals ("usetable") */
    /* Per-simulation private data (rate tables); NULL if none. */
    void *(*globals_new)(void);
    void (*globals_free)(void *);
    void (*table_check)(struct cl_mech_block *b, double celsius);
    void (*init)(const cl_mech_ctx *c, struct cl_mech_block *b);
    void (*cur)(const cl_mech_ctx *c, struct cl_mech_block *b);
    void (*state)(const cl_mech_ctx *c, struct cl_mech_block *b);
    void (*net_receive)(const cl_mech_ctx *c, struct cl_mech_block *b, int i, double *w,
                        double flag);
    /* Added for compiled MOD files (docs/nmodl-lowering.md §8, §9.3, §9.4);
     * all may be NULL / 0. */
    /* TABLE check with the full context (celsius, dt): called where
     * table_check is (finitialize, the start of every step), only for types
     * with instances; instance 0's values serve RANGE dependencies. */
    void (*tables)(const cl_mech_ctx *c, struct cl_mech_block *b);
    /* INITIAL inside NET_RECEIVE: at finitialize, after the INITIAL blocks,
     * for each connection (creation order) to an instance of this type, with
     * its weight vector. Types without it get weights [1..nweight-1] zeroed. */
    void (*net_init)(const cl_mech_ctx *c, struct cl_mech_block *b, int i, double *w);
    /* WATCH: nwatch conditions; watch_cond returns lhs - rhs for
     * WATCH (lhs > rhs), -(lhs - rhs) for WATCH (lhs < rhs), with v re-read
     * from the node. The engine keeps which are active (see watch_activate). */
    int nwatch;
    double (*watch_cond)(const cl_mech_ctx *c, struct cl_mech_block *b, int i, int k);
} cl_mech_type;

/* Instances of one type in one simulation. */
typedef struct cl_mech_block {
    const cl_mech_type *type;
    int n;
    int *node;          /* node of each instance (-1: artificial) */
    double **var;       /* var[k][i] */
    double *g;          /* scratch: di/dv of the last cur pass */
    int **ion_index;    /* ion_index[u][i]: instance in the ion block of type->ions[u] */
    cl_ion_view *ion;   /* one view per used ion */
    double *global;     /* type->nglobal values, owned by the simulation */
    void *priv;         /* globals_new() result, owned by the simulation */
    void **user;        /* per-instance engine data (VecStim times, APCount list); may be NULL */
    int *owner;         /* point processes: the owning object's index */
    int *iflag;         /* ions: per-instance style, the OR of the users' CL_ION_* flags */
} cl_mech_block;

/* Per-instance event list behind point processes and artificial cells:
 * cl_mech_block.user[i] (may be NULL): the times a VecStim plays, the times
 * an APCount saw, the time bins of an InhPoissonStim. v (ABI 4) holds nv
 * values that go with the times (cl_pp_play: an InhPoissonStim's rates);
 * NULL when none were given. */
typedef struct cl_event_list {
    double *t;
    size_t n, cap;
    double *v;
    size_t nv;
} cl_event_list;

void *realloc(void *, size_t);

/* CODATA 2018 constants as NEURON 8.2 uses them (e*NA, k*NA). */
#define CL_FARADAY (1.602176634e-19 * 6.02214076e+23)
#define CL_GASCONST (1.380649e-23 * 6.02214076e+23)

/* The extensions' bodies (declared above). An instance without a list
 * (user NULL) plays nothing and records nothing. */
static inline const cl_event_list *cl_event_list_of_(const cl_mech_block *b, int i) {
    return b->user ? (const cl_event_list *)b->user[i] : NULL;
}
static inline double cl_play_count(const cl_mech_block *b, int i) {
    const cl_event_list *l = cl_event_list_of_(b, i);
    return l ? (double)l->n : 0.0;
}
/* Element k (truncated to an integer) of the list; 0 outside it. */
static inline double cl_play_time(const cl_mech_block *b, int i, double k) {
    const cl_event_list *l = cl_event_list_of_(b, i);
    if (!l || !(k >= 0.0) || k >= (double)l->n) return 0.0;
    return l->t[(size_t)k];
}
/* Value k (truncated to an integer) of the values given with the list; 0
 * outside them or when there are none. */
static inline double cl_play_value(const cl_mech_block *b, int i, double k) {
    const cl_event_list *l = cl_event_list_of_(b, i);
    if (!l || !l->v || !(k >= 0.0) || k >= (double)l->nv) return 0.0;
    return l->v[(size_t)k];
}
/* Appends t. When memory runs out the time is dropped (the list keeps what
 * it has); nothing else of the simulation depends on the list. */
static inline double cl_record_event(cl_mech_block *b, int i, double t) {
    cl_event_list *l = b->user ? (cl_event_list *)b->user[i] : NULL;
    if (!l) return 0.0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        double *p = (double *)realloc(l->t, cap * sizeof *p);
        if (!p) return 0.0;
        l->t = p;
        l->cap = cap;
    }
    l->t[l->n++] = t;
    return 0.0;
}
static inline double cl_record_clear(cl_mech_block *b, int i) {
    cl_event_list *l = b->user ? (cl_event_list *)b->user[i] : NULL;
    if (l) l->n = 0;
    return 0.0;
}

double log(double);

/* NEURON 7's values, which NEURON 8.2's eion.cpp restores under
 * nrnunit_use_legacy(1) for the Nernst (and GHK) factor ktf. The gas constant
 * really is 8.3134 there (not the 8.31441 hoc's R shows), checked against
 * NEURON 8.2's nernst(). */
#define CL_FARADAY_LEGACY 96485.309
#define CL_GASCONST_LEGACY 8.3134

/* Nernst potential (mV), NEURON's nrn_nernst; legacy selects NEURON 7's
 * constants (cl_mech_ctx.legacy_units). */
static inline double cl_nernst_u(double ci, double co, double z, double celsius, int legacy) {
    if (z == 0) return 0.;
    if (ci <= 0.) return 1e6;
    if (co <= 0.) return -1e6;
    double ktf = legacy ? 1000. * CL_GASCONST_LEGACY * (celsius + 273.15) / CL_FARADAY_LEGACY
                        : 1000. * CL_GASCONST * (celsius + 273.15) / CL_FARADAY;
    return ktf / z * log(co / ci);
}
/* With NEURON 8.2's modern constants. */
static inline double cl_nernst(double ci, double co, double z, double celsius) {
    return cl_nernst_u(ci, co, z, celsius, 0);
}

/* NEURON's nrn_ghk(v, ci, co, z) as a MOD file calls it (mA/cm2 per
 * cm/s): ktf from the context's celsius and constants as cl_nernst_u, libm's
 * exp in efun (eion.cpp's own, not hoc_Exp). */
double exp(double);
double fabs(double);
static inline double cl_ghk_efun_(double x) { return fabs(x) < 1e-4 ? 1. - x / 2. : x / (exp(x) - 1.); }
static inline double cl_nrn_ghk(const cl_mech_ctx *c, double v, double ci, double co, double z) {
    double F = c->legacy_units ? CL_FARADAY_LEGACY : CL_FARADAY;
    double ktf = c->legacy_units ? 1000. * CL_GASCONST_LEGACY * (c->celsius + 273.15) / CL_FARADAY_LEGACY
                                 : 1000. * CL_GASCONST * (c->celsius + 273.15) / CL_FARADAY;
    double temp = z * v / ktf;
    double eco = co * cl_ghk_efun_(temp);
    double eci = ci * cl_ghk_efun_(-temp);
    return .001 * z * F * (eci - eco);
}

/* NEURON's nrn_wrote_conc: after a mechanism wrote a concentration at
 * initialisation, the reversal potential follows by Nernst unless some
 * mechanism writes the reversal potential itself. celsius comes from the
 * block's context at the call site. */
#define cl_ion_wrote_conc(view, idx)                                                          \
    do {                                                                                     \
        const cl_ion_view *v_ = (view);                                                      \
        int k_ = (idx);                                                                      \
        if ((v_->style[k_] & (CL_ION_READ_CONC | CL_ION_WRITE_CONC)) &&                      \
            !(v_->style[k_] & CL_ION_WRITE_EREV))                                            \
            v_->erev[k_] = cl_nernst_u(v_->ci[k_], v_->co[k_], v_->valence, _c->celsius,      \
                                        _c->legacy_units);                                   \
    } while (0)

/* exp as NEURON's MOD files see it (hoc_Exp): 0 below -700, exp(700) above
 * 700, so that rates stay finite; libm's exp in between. Every exp in a
 * mechanism goes through it, as nocmodl's `#define exp hoc_Exp` does. */
double exp(double);
static inline double cl_hoc_exp(double x) {
    if (x < -700.) return 0.;
    if (x > 700.) return exp(700.);
    return exp(x);
}

double fabs(double);

/* scopmath's simeq (Gaussian elimination with partial pivoting, the first
 * largest pivot wins) as NEURON 8.2.2 solves LINEAR blocks with it
 * (docs/nmodl-lowering.md §6.7). coef is n rows of n+1 (the last column the
 * right-hand side), overwritten; x receives the solution. 0, or 1 when a
 * pivot is below 1e-20 (SINGULAR). n <= 64. */
static inline int cl_simeq(int n, double *coef, double *x) {
    int perm[64];
    int w = n + 1;
    if (n > 64) return 1;
    for (int i = 0; i < n; i++) perm[i] = i;
    for (int j = 0; j < n; j++) {
        int ip = perm[j], isave = j;
        for (int i = j + 1; i < n; i++)
            if (fabs(coef[ip * w + j]) < fabs(coef[perm[i] * w + j])) { ip = perm[i]; isave = i; }
        if (fabs(coef[ip * w + j]) < 1e-20) return 1;
        if (ip != perm[j]) { perm[isave] = perm[j]; perm[j] = ip; }
        for (int k = j + 1; k <= n; k++) coef[ip * w + k] /= coef[ip * w + j];
        for (int i = j + 1; i < n; i++) {
            int jr = perm[i];
            for (int k = j + 1; k <= n; k++) coef[jr * w + k] -= coef[ip * w + k] * coef[jr * w + j];
        }
    }
    for (int i = n - 1; i >= 0; i--) {
        int jr = perm[i];
        x[i] = coef[jr * w + n];
        for (int j = i + 1; j < n; j++) x[i] -= coef[jr * w + j] * x[j];
    }
    return 0;
}

/* SOLVE ... METHOD derivimplicit: scopmath's nrn_newton_thread with its
 * finite-difference Jacobian, crout and solve, operation for operation
 * (docs/nmodl-lowering.md §4.3). x[j] points at unknown j (the _slist2
 * order); f(ctx) evaluates the block body and writes the residuals into
 * value[0..n-1] (equation order). Returns 0, 1 (too many iterations) or 2
 * (singular Jacobian). The caller keeps the work arrays across calls only
 * within one solve. */
#define CL_NEWTON_MAXN 16
typedef struct cl_newton_work {
    double jac[CL_NEWTON_MAXN][CL_NEWTON_MAXN];
    double high[CL_NEWTON_MAXN], low[CL_NEWTON_MAXN], delta[CL_NEWTON_MAXN], rowmax[CL_NEWTON_MAXN];
    int perm[CL_NEWTON_MAXN];
} cl_newton_work;
double fabs(double);
static inline int cl_newton_crout(int n, double (*a)[CL_NEWTON_MAXN], int *perm, double *rowmax) {
    int save_i = 0;
    for (int i = 0; i < n; i++) {
        perm[i] = i;
        int k = 0;
        for (int j = 1; j < n; j++)
            if (fabs(a[i][j]) > fabs(a[i][k])) k = j;
        rowmax[i] = a[i][k];
    }
    for (int r = 0; r < n; r++) {
        for (int i = r; i < n; i++) {
            int irow = perm[i];
            double sum = 0.0;
            for (int k = 0; k < r; k++) sum += a[irow][k] * a[perm[k]][r];
            a[irow][r] -= sum;
        }
        int pivot = perm[r];
        double e1 = fabs(a[pivot][r] / rowmax[pivot]);
        for (int i = r + 1; i < n; i++) {
            int irow = perm[i];
            double e2 = fabs(a[irow][r] / rowmax[irow]);
            if (e2 > e1) { pivot = irow; save_i = i; e1 = e2; }
        }
        if (pivot != perm[r]) { perm[save_i] = perm[r]; perm[r] = pivot; }
        if (fabs(a[pivot][r]) < 1e-20) return 2;
        for (int j = r + 1; j < n; j++) {
            double sum = 0.0;
            for (int k = 0; k < r; k++) sum += a[pivot][k] * a[perm[k]][j];
            a[pivot][j] = (a[pivot][j] - sum) / a[pivot][r];
        }
    }
    return 0;
}
static inline void cl_newton_solve(int n, double (*a)[CL_NEWTON_MAXN], const int *perm, const double *b, double *y) {
    for (int i = 0; i < n; i++) {
        int p = perm[i];
        double sum = 0.0;
        for (int j = 0; j < i; j++) sum += a[p][j] * y[j];
        y[i] = (b[p] - sum) / a[p][i];
    }
    for (int i = n - 1; i >= 0; i--) {
        int p = perm[i];
        double sum = 0.0;
        for (int j = i + 1; j < n; j++) sum += a[p][j] * y[j];
        y[i] -= sum;
    }
}
static inline int cl_newton(int n, double *const *x, double *value, void (*f)(void *), void *ctx, cl_newton_work *w) {
    int count = 0, error = 0;
    double change = 1.0;
    while (count++ < 50) {
        if (change > 0.05) {
            for (int j = 0; j < n; j++) {
                double h = fabs(0.02 * *x[j]);
                if (!(h > 1e-6)) h = 1e-6;
                *x[j] += h;
                f(ctx);
                for (int i = 0; i < n; i++) w->high[i] = value[i];
                *x[j] -= 2.0 * h;
                f(ctx);
                for (int i = 0; i < n; i++) {
                    w->low[i] = value[i];
                    w->jac[i][j] = (w->high[i] - w->low[i]) / (2.0 * h);
                }
                *x[j] += h;
                f(ctx);
            }
            for (int i = 0; i < n; i++) value[i] = -value[i];
            error = cl_newton_crout(n, w->jac, w->perm, w->rowmax);
            if (error != 0) break;
        }
        cl_newton_solve(n, w->jac, w->perm, value, w->delta);
        change = 0.0;
        for (int i = 0; i < n; i++) {
            double xi = *x[i], temp;
            if (fabs(xi) > 1e-8 && (temp = fabs(w->delta[i] / xi)) > change) change = temp;
            *x[i] += w->delta[i];
        }
        f(ctx);
        double max_dev = 0.0;
        for (int i = 0; i < n; i++) {
            value[i] = -value[i];
            if (fabs(value[i]) > max_dev) max_dev = fabs(value[i]);
        }
        if (change <= 1e-6 && max_dev <= 1e-8) break;
        if (count == 50) { error = 1; break; }
    }
    return error;
}

/* ---- RANDOM streams: NEURON's nrnran123 -------------------------------------
 * A MOD file's `RANDOM r` (NEURON 9) is a per-instance Random123 stream with
 * NEURON's nrnran123 layout (NEURON 8.2 src/oc/nrnran123.cpp): Philox4x32-10
 * with counter {seq, id3, id1, id2} and key {globalindex, 0}; each Philox
 * block gives 4 words, drawn in order (`which` 0..3), after the 4th the
 * sequence number seq advances (wrapping at 2^32 as NEURON 8.2's c.v[0]++).
 * The stream lives in 5 instance variables (columns st[0..4] of the
 * structure of arrays: id1, id2, id3, seq, which), all exact in a double, so
 * it needs no allocation; each draw recomputes its Philox block from the
 * counter (nrnran123 caches it; the values are the same). One difference
 * from NEURON 9: random_setids takes effect at the next draw, where NEURON 9
 * keeps drawing from the cached block until the next setseq (the maintained
 * MOD files always setseq in INITIAL, so both agree). */
typedef unsigned int cl_u32_;
typedef unsigned long long cl_u64_;

/* Philox4x32-10 (Salmon et al. 2011; Random123's philox4x32): out = the
 * block for counter ctr and key key. */
static inline void cl_philox4x32_10(const cl_u32_ ctr[4], const cl_u32_ key[2], cl_u32_ out[4]) {
    cl_u32_ c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r) { k0 += 0x9E3779B9u; k1 += 0xBB67AE85u; } /* the key schedule: golden ratio, sqrt(3)-1 */
        cl_u64_ p0 = (cl_u64_)0xD2511F53u * c0, p1 = (cl_u64_)0xCD9E8D57u * c2;
        cl_u32_ hi0 = (cl_u32_)(p0 >> 32), lo0 = (cl_u32_)p0, hi1 = (cl_u32_)(p1 >> 32), lo1 = (cl_u32_)p1;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* A double as a uint32 id or sequence number: truncated, reduced modulo
 * 2^32 (a C conversion of a double in range, as NEURON's (uint32_t) casts of
 * hoc arguments); negative, NaN or >= 2^64 gives 0. */
static inline cl_u32_ cl_ran123_u32_(double x) {
    if (!(x >= 0.0) || !(x < 18446744073709551616.0)) return 0u;
    return (cl_u32_)(cl_u64_)x;
}

/* nrnran123_ipick: the next 32-bit word of stream st (columns), instance i. */
static inline cl_u32_ cl_ran123_ipick(const cl_mech_ctx *c, double *const *st, int i) {
    cl_u32_ ctr[4] = {cl_ran123_u32_(st[3][i]), cl_ran123_u32_(st[2][i]), cl_ran123_u32_(st[0][i]),
                      cl_ran123_u32_(st[1][i])};
    cl_u32_ key[2] = {c->ran123_globalindex, 0u}, r[4];
    int which = st[4][i] >= 0.0 && st[4][i] <= 3.0 ? (int)st[4][i] : 0; /* nrnran123_setseq's rule */
    cl_philox4x32_10(ctr, key, r);
    cl_u32_ v = r[which++];
    if (which > 3) {
        which = 0;
        st[3][i] = (double)(cl_u32_)(ctr[0] + 1u);
    }
    st[4][i] = which;
    return v;
}

/* nrnran123_dblpick: (u + 1)/(2^32 + 1), in the open interval (0, 1). */
static inline double cl_ran123_uniform(const cl_mech_ctx *c, double *const *st, int i) {
    return ((double)cl_ran123_ipick(c, st, i) + 1.0) * (1.0 / 4294967297.0);
}
/* random_uniform(r, a, b): a + u*(b - a) (NEURON 9's nrnran123_uniform). */
static inline double cl_ran123_uniform2(const cl_mech_ctx *c, double *const *st, int i, double a, double b) {
    return a + cl_ran123_uniform(c, st, i) * (b - a);
}
/* nrnran123_negexp: -log(u), mean 1; with a mean, -log(u)*mean (NEURON 9). */
static inline double cl_ran123_negexp(const cl_mech_ctx *c, double *const *st, int i) {
    return -log(cl_ran123_uniform(c, st, i));
}
static inline double cl_ran123_negexp1(const cl_mech_ctx *c, double *const *st, int i, double mean) {
    return -log(cl_ran123_uniform(c, st, i)) * mean;
}
/* nrnran123_normal: polar Box-Muller, a pair of draws per try (rejected
 * while w > 1), one value returned (nothing cached). */
double sqrt(double);
static inline double cl_ran123_normal(const cl_mech_ctx *c, double *const *st, int i) {
    double u1, u2, w;
    do {
        u1 = cl_ran123_uniform(c, st, i);
        u2 = cl_ran123_uniform(c, st, i);
        u1 = 2. * u1 - 1.;
        u2 = 2. * u2 - 1.;
        w = (u1 * u1) + (u2 * u2);
    } while (w > 1);
    return u1 * sqrt((-2. * log(w)) / w);
}
static inline double cl_ran123_normal2(const cl_mech_ctx *c, double *const *st, int i, double mu, double sigma) {
    return mu + cl_ran123_normal(c, st, i) * sigma;
}
/* random_setseq(r, x): NEURON 9's 34-bit form x = seq*4 + which (negative
 * or above 2^40 - 1 gives 0; nrnran123_setseq(s, seq, which) of NEURON 8.2
 * is x = 4*seq + which). Returns 0 (a statement in NMODL). */
static inline double cl_ran123_setseq(double *const *st, int i, double x) {
    if (!(x >= 0.0) || x > 1099511627775.0) x = 0.0;
    cl_u64_ s = (cl_u64_)x & 0x3ffffffffull;
    st[3][i] = (double)(cl_u32_)(s >> 2);
    st[4][i] = (double)(int)(s & 3u);
    return 0.0;
}
/* random_setids(r, id1, id2, id3) (each cl_ran123_u32_). The sequence
 * is left as it is. Returns 0. */
static inline double cl_ran123_setids(double *const *st, int i, double id1, double id2, double id3) {
    st[0][i] = (double)cl_ran123_u32_(id1);
    st[1][i] = (double)cl_ran123_u32_(id2);
    st[2][i] = (double)cl_ran123_u32_(id3);
    return 0.0;
}

#endif
