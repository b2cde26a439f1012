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

#define CL_MECH_ABI_VERSION 5 /* 2: tables, net_init, nwatch, watch_cond, watch_activate, cl_event_list;
                                 3: cl_mech_ctx.legacy_units;
                                 4: cl_mech_ctx.ran123_globalindex, cl_ran123_* (RANDOM);
                                 5: cl_mech_ctx.exp_inline, cl_hoc_exp_c */
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
    /* 1: libm's exp is the one cl_exp_fma_ reproduces (checked when the
     * simulation starts, cl_exp_inline_usable), so cl_hoc_exp_c may compute
     * it inline; 0: every exp calls libm. */
    int exp_inline;
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

/* glibc's exp (2.28 and later) as it runs on x86-64 CPUs with FMA and AVX2
 * (the variant libm picks there), operation for operation, so that it can
 * be inlined into a mechanism's loops: x = (k + i/128) ln 2 + r, exp(x) =
 * 2^k 2^(i/128) (1 + tail + r + r^2/2 + ...), with the table below
 * (tools/gen_exp_table.py computes it: 2^(i/128) rounded, the relative
 * remainder, the index bits taken out) and glibc's polynomial. Arguments
 * outside [2^-54, 512) in magnitude go to libm. Only where the compiler
 * emits FMA instructions (-mfma: an fma() call instead would cost more than
 * libm's exp); cl_exp_inline_usable checks, when a simulation starts, that
 * the running libm gives the same bits. */
#if defined(__FMA__) && defined(__x86_64__)
#define CL_EXP_INLINE 1
static const unsigned long long cl_exp_tab_[256] = {
    0x0000000000000000ull, 0x3ff0000000000000ull, 0x3c9b3b4f1a88bf6eull, 0x3feff63da9fb3335ull,
    0xbc7160139cd8dc5dull, 0x3fefec9a3e778061ull, 0xbc905e7a108766d1ull, 0x3fefe315e86e7f85ull,
    0x3c8cd2523567f613ull, 0x3fefd9b0d3158574ull, 0xbc8bce8023f98efaull, 0x3fefd06b29ddf6deull,
    0x3c60f74e61e6c861ull, 0x3fefc74518759bc8ull, 0x3c90a3e45b33d399ull, 0x3fefbe3ecac6f383ull,
    0x3c979aa65d837b6dull, 0x3fefb5586cf9890full, 0x3c8eb51a92fdeffcull, 0x3fefac922b7247f7ull,
    0x3c3ebe3d702f9cd1ull, 0x3fefa3ec32d3d1a2ull, 0xbc6a033489906e0bull, 0x3fef9b66affed31bull,
    0xbc9556522a2fbd0eull, 0x3fef9301d0125b51ull, 0xbc5080ef8c4eea55ull, 0x3fef8abdc06c31ccull,
    0xbc91c923b9d5f416ull, 0x3fef829aaea92de0ull, 0x3c80d3e3e95c55afull, 0x3fef7a98c8a58e51ull,
    0xbc801b15eaa59348ull, 0x3fef72b83c7d517bull, 0xbc8f1ff055de323dull, 0x3fef6af9388c8deaull,
    0x3c8b898c3f1353bfull, 0x3fef635beb6fcb75ull, 0xbc96d99c7611eb26ull, 0x3fef5be084045cd4ull,
    0x3c9aecf73e3a2f60ull, 0x3fef54873168b9aaull, 0xbc8fe782cb86389dull, 0x3fef4d5022fcd91dull,
    0x3c8a6f4144a6c38dull, 0x3fef463b88628cd6ull, 0x3c807a05b0e4047dull, 0x3fef3f49917ddc96ull,
    0x3c968efde3a8a894ull, 0x3fef387a6e756238ull, 0x3c875e18f274487dull, 0x3fef31ce4fb2a63full,
    0x3c80472b981fe7f2ull, 0x3fef2b4565e27cddull, 0xbc96b87b3f71085eull, 0x3fef24dfe1f56381ull,
    0x3c82f7e16d09ab31ull, 0x3fef1e9df51fdee1ull, 0xbc3d219b1a6fbffaull, 0x3fef187fd0dad990ull,
    0x3c8b3782720c0ab4ull, 0x3fef1285a6e4030bull, 0x3c6e149289cecb8full, 0x3fef0cafa93e2f56ull,
    0x3c834d754db0abb6ull, 0x3fef06fe0a31b715ull, 0x3c864201e2ac744cull, 0x3fef0170fc4cd831ull,
    0x3c8fdd395dd3f84aull, 0x3feefc08b26416ffull, 0xbc86a3803b8e5b04ull, 0x3feef6c55f929ff1ull,
    0xbc924aedcc4b5068ull, 0x3feef1a7373aa9cbull, 0xbc9907f81b512d8eull, 0x3feeecae6d05d866ull,
    0xbc71d1e83e9436d2ull, 0x3feee7db34e59ff7ull, 0xbc991919b3ce1b15ull, 0x3feee32dc313a8e5ull,
    0x3c859f48a72a4c6dull, 0x3feedea64c123422ull, 0xbc9312607a28698aull, 0x3feeda4504ac801cull,
    0xbc58a78f4817895bull, 0x3feed60a21f72e2aull, 0xbc7c2c9b67499a1bull, 0x3feed1f5d950a897ull,
    0x3c4363ed60c2ac11ull, 0x3feece086061892dull, 0x3c9666093b0664efull, 0x3feeca41ed1d0057ull,
    0x3c6ecce1daa10379ull, 0x3feec6a2b5c13cd0ull, 0x3c93ff8e3f0f1230ull, 0x3feec32af0d7d3deull,
    0x3c7690cebb7aafb0ull, 0x3feebfdad5362a27ull, 0x3c931dbdeb54e077ull, 0x3feebcb299fddd0dull,
    0xbc8f94340071a38eull, 0x3feeb9b2769d2ca7ull, 0xbc87deccdc93a349ull, 0x3feeb6daa2cf6642ull,
    0xbc78dec6bd0f385full, 0x3feeb42b569d4f82ull, 0xbc861246ec7b5cf6ull, 0x3feeb1a4ca5d920full,
    0x3c93350518fdd78eull, 0x3feeaf4736b527daull, 0x3c7b98b72f8a9b05ull, 0x3feead12d497c7fdull,
    0x3c9063e1e21c5409ull, 0x3feeab07dd485429ull, 0x3c34c7855019c6eaull, 0x3feea9268a5946b7ull,
    0x3c9432e62b64c035ull, 0x3feea76f15ad2148ull, 0xbc8ce44a6199769full, 0x3feea5e1b976dc09ull,
    0xbc8c33c53bef4da8ull, 0x3feea47eb03a5585ull, 0xbc845378892be9aeull, 0x3feea34634ccc320ull,
    0xbc93cedd78565858ull, 0x3feea23882552225ull, 0x3c5710aa807e1964ull, 0x3feea155d44ca973ull,
    0xbc93b3efbf5e2228ull, 0x3feea09e667f3bcdull, 0xbc6a12ad8734b982ull, 0x3feea012750bdabfull,
    0xbc6367efb86da9eeull, 0x3fee9fb23c651a2full, 0xbc80dc3d54e08851ull, 0x3fee9f7df9519484ull,
    0xbc781f647e5a3ecfull, 0x3fee9f75e8ec5f74ull, 0xbc86ee4ac08b7db0ull, 0x3fee9f9a48a58174ull,
    0xbc8619321e55e68aull, 0x3fee9feb564267c9ull, 0x3c909ccb5e09d4d3ull, 0x3feea0694fde5d3full,
    0xbc7b32dcb94da51dull, 0x3feea11473eb0187ull, 0x3c94ecfd5467c06bull, 0x3feea1ed0130c132ull,
    0x3c65ebe1abd66c55ull, 0x3feea2f336cf4e62ull, 0xbc88a1c52fb3cf42ull, 0x3feea427543e1a12ull,
    0xbc9369b6f13b3734ull, 0x3feea589994cce13ull, 0xbc805e843a19ff1eull, 0x3feea71a4623c7adull,
    0xbc94d450d872576eull, 0x3feea8d99b4492edull, 0x3c90ad675b0e8a00ull, 0x3feeaac7d98a6699ull,
    0x3c8db72fc1f0eab4ull, 0x3feeace5422aa0dbull, 0xbc65b6609cc5e7ffull, 0x3feeaf3216b5448cull,
    0x3c7bf68359f35f44ull, 0x3feeb1ae99157736ull, 0xbc93091fa71e3d83ull, 0x3feeb45b0b91ffc6ull,
    0xbc5da9b88b6c1e29ull, 0x3feeb737b0cdc5e5ull, 0xbc6c23f97c90b959ull, 0x3feeba44cbc8520full,
    0xbc92434322f4f9aaull, 0x3feebd829fde4e50ull, 0xbc85ca6cd7668e4bull, 0x3feec0f170ca07baull,
    0x3c71affc2b91ce27ull, 0x3feec49182a3f090ull, 0x3c6dd235e10a73bbull, 0x3feec86319e32323ull,
    0xbc87c50422622263ull, 0x3feecc667b5de565ull, 0x3c8b1c86e3e231d5ull, 0x3feed09bec4a2d33ull,
    0xbc91bbd1d3bcbb15ull, 0x3feed503b23e255dull, 0x3c90cc319cee31d2ull, 0x3feed99e1330b358ull,
    0x3c8469846e735ab3ull, 0x3feede6b5579fdbfull, 0xbc82dfcd978e9db4ull, 0x3feee36bbfd3f37aull,
    0x3c8c1a7792cb3387ull, 0x3feee89f995ad3adull, 0xbc907b8f4ad1d9faull, 0x3feeee07298db666ull,
    0xbc55c3d956dcaebaull, 0x3feef3a2b84f15fbull, 0xbc90a40e3da6f640ull, 0x3feef9728de5593aull,
    0xbc68d6f438ad9334ull, 0x3feeff76f2fb5e47ull, 0xbc91eee26b588a35ull, 0x3fef05b030a1064aull,
    0x3c74ffd70a5fddcdull, 0x3fef0c1e904bc1d2ull, 0xbc91bdfbfa9298acull, 0x3fef12c25bd71e09ull,
    0x3c736eae30af0cb3ull, 0x3fef199bdd85529cull, 0x3c8ee3325c9ffd94ull, 0x3fef20ab5fffd07aull,
    0x3c84e08fd10959acull, 0x3fef27f12e57d14bull, 0x3c63cdaf384e1a67ull, 0x3fef2f6d9406e7b5ull,
    0x3c676b2c6c921968ull, 0x3fef3720dcef9069ull, 0xbc808a1883ccb5d2ull, 0x3fef3f0b555dc3faull,
    0xbc8fad5d3ffffa6full, 0x3fef472d4a07897cull, 0xbc900dae3875a949ull, 0x3fef4f87080d89f2ull,
    0x3c74a385a63d07a7ull, 0x3fef5818dcfba487ull, 0xbc82919e2040220full, 0x3fef60e316c98398ull,
    0x3c8e5a50d5c192acull, 0x3fef69e603db3285ull, 0x3c843a59ac016b4bull, 0x3fef7321f301b460ull,
    0xbc82d52107b43e1full, 0x3fef7c97337b9b5full, 0xbc892ab93b470dc9ull, 0x3fef864614f5a129ull,
    0x3c74b604603a88d3ull, 0x3fef902ee78b3ff6ull, 0x3c83c5ec519d7271ull, 0x3fef9a51fbc74c83ull,
    0xbc8ff7128fd391f0ull, 0x3fefa4afa2a490daull, 0xbc8dae98e223747dull, 0x3fefaf482d8e67f1ull,
    0x3c8ec3bc41aa2008ull, 0x3fefba1bee615a27ull, 0x3c842b94c3a9eb32ull, 0x3fefc52b376bba97ull,
    0x3c8a64a931d185eeull, 0x3fefd0765b6e4540ull, 0xbc8e37bae43be3edull, 0x3fefdbfdad9cbe14ull,
    0x3c77893b4d91cd9dull, 0x3fefe7c1819e90d8ull, 0x3c5305c14160cc89ull, 0x3feff3c22b8f71f1ull,
};
static inline double cl_exp_fma_(double x) {
    union { double d; unsigned long long u; } ix = {x}, ki, tl, sc;
    if (((unsigned)(ix.u >> 52) & 0x7ffu) - 0x3c9u > 0x3eu) return exp(x);
    double kd = __builtin_fma(x, 0x1.71547652b82fep+7, 0x1.8p52); /* 128/ln2, round to integer */
    ki.d = kd;
    kd -= 0x1.8p52;
    double r = __builtin_fma(kd, -0x1.62e42fefa0000p-8, x); /* ln2/128, high and low parts */
    r = __builtin_fma(kd, -0x1.cf79abc9e3b3ap-47, r);
    unsigned i2 = 2u * (unsigned)(ki.u & 0x7fu);
    tl.u = cl_exp_tab_[i2];
    sc.u = cl_exp_tab_[i2 + 1] + (ki.u << 45);
    double c23 = __builtin_fma(r, 0x1.555555555543cp-3, 0x1.ffffffffffdbdp-2);
    double tr = r + tl.d, r2 = r * r;
    double c45 = __builtin_fma(r, 0x1.1111167a4d017p-7, 0x1.55555cf172b91p-5);
    double tmp = __builtin_fma(r2 * r2, c45, __builtin_fma(c23, r2, tr));
    return __builtin_fma(sc.d, tmp, sc.d);
}
#endif

/* cl_hoc_exp with the context: inline where cl_mech_ctx.exp_inline allows
 * (the same bits as libm's exp, faster). Generated mechanisms call this. */
static inline double cl_hoc_exp_c(const cl_mech_ctx *c, double x) {
    if (x < -700.) return 0.;
    if (x > 700.) return exp(700.);
#ifdef CL_EXP_INLINE
    if (c->exp_inline) return cl_exp_fma_(x);
#else
    (void)c;
#endif
    return exp(x);
}

/* cl_hoc_exp_c(c, x) for one place in a mechanism's code, remembering the
 * last argument and value in m[0], m[1] (m[0] NaN at first): instances that
 * share their parameters (synapses with one tau) give that place the same
 * argument, and equal doubles have equal exponentials (+0 and -0 too). */
static inline double cl_exp_memo_(const cl_mech_ctx *c, double x, double *m) {
    if (x == m[0]) return m[1];
    m[0] = x;
    m[1] = cl_hoc_exp_c(c, x);
    return m[1];
}

/* cl_hoc_exp_c of x[0], ..., x[n-1], in place: cl_exp_fma_ four at a time
 * (AVX2) where the context allows, each lane the operations of the scalar
 * one; lanes outside its fast path (and the hoc_Exp limits) go through
 * cl_hoc_exp_c. Generated mechanisms call it for the exponentials of a
 * cnexp block, gathered over instances. */
#if defined(CL_EXP_INLINE) && defined(__AVX2__)
#include <immintrin.h>
#endif
static inline void cl_hoc_exp_batch(const cl_mech_ctx *c, double *x, int n) {
    int i = 0;
#if defined(CL_EXP_INLINE) && defined(__AVX2__)
    if (c->exp_inline) {
        const __m256d inv = _mm256_set1_pd(0x1.71547652b82fep+7), shift = _mm256_set1_pd(0x1.8p52),
                      nhi = _mm256_set1_pd(-0x1.62e42fefa0000p-8), nlo = _mm256_set1_pd(-0x1.cf79abc9e3b3ap-47),
                      c2 = _mm256_set1_pd(0x1.ffffffffffdbdp-2), c3 = _mm256_set1_pd(0x1.555555555543cp-3),
                      c4 = _mm256_set1_pd(0x1.55555cf172b91p-5), c5 = _mm256_set1_pd(0x1.1111167a4d017p-7);
        const __m256i m7f = _mm256_set1_epi64x(0x7f), m7ff = _mm256_set1_epi64x(0x7ff),
                      lo = _mm256_set1_epi64x(0x3c9 - 1), hi = _mm256_set1_epi64x(0x3c9 + 0x3e);
        const long long *tab = (const long long *)cl_exp_tab_;
        for (; i + 4 <= n; i += 4) {
            __m256d vx = _mm256_loadu_pd(x + i);
            __m256i top = _mm256_and_si256(_mm256_srli_epi64(_mm256_castpd_si256(vx), 52), m7ff);
            int slow = _mm256_movemask_pd(_mm256_castsi256_pd(
                _mm256_or_si256(_mm256_cmpgt_epi64(lo, top), _mm256_cmpgt_epi64(top, hi))));
            __m256d kd = _mm256_fmadd_pd(vx, inv, shift);
            __m256i ki = _mm256_castpd_si256(kd);
            kd = _mm256_sub_pd(kd, shift);
            __m256d r = _mm256_fmadd_pd(kd, nhi, vx);
            r = _mm256_fmadd_pd(kd, nlo, r);
            __m256i i2 = _mm256_slli_epi64(_mm256_and_si256(ki, m7f), 1);
            __m256d tl = _mm256_castsi256_pd(_mm256_i64gather_epi64(tab, i2, 8));
            __m256d sc = _mm256_castsi256_pd(
                _mm256_add_epi64(_mm256_i64gather_epi64(tab + 1, i2, 8), _mm256_slli_epi64(ki, 45)));
            __m256d c23 = _mm256_fmadd_pd(r, c3, c2);
            __m256d tr = _mm256_add_pd(r, tl), r2 = _mm256_mul_pd(r, r);
            __m256d c45 = _mm256_fmadd_pd(r, c5, c4);
            __m256d tmp = _mm256_fmadd_pd(_mm256_mul_pd(r2, r2), c45, _mm256_fmadd_pd(c23, r2, tr));
            if (slow) {
                double keep[4];
                _mm256_storeu_pd(keep, vx);
                _mm256_storeu_pd(x + i, _mm256_fmadd_pd(sc, tmp, sc));
                for (int l = 0; l < 4; l++)
                    if (slow >> l & 1) x[i + l] = cl_hoc_exp_c(c, keep[l]);
            } else {
                _mm256_storeu_pd(x + i, _mm256_fmadd_pd(sc, tmp, sc));
            }
        }
    }
#endif
    for (; i < n; i++) x[i] = cl_hoc_exp_c(c, x[i]);
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
