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
 *     const cl_mech_type *const *cellulab_mechanisms_v1(int *count);
 * returning its types in registration order.
 */
#ifndef CELLULAB_MECH_ABI_H
#define CELLULAB_MECH_ABI_H

#define CL_MECH_ABI_VERSION 1

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

/* CODATA 2018 constants as NEURON 8.2 uses them (e*NA, k*NA). */
#define CL_FARADAY (1.602176634e-19 * 6.02214076e+23)
#define CL_GASCONST (1.380649e-23 * 6.02214076e+23)

double log(double);

/* Nernst potential (mV), NEURON's nrn_nernst. */
static inline double cl_nernst(double ci, double co, double z, double celsius) {
    if (z == 0) return 0.;
    if (ci <= 0.) return 1e6;
    if (co <= 0.) return -1e6;
    double ktf = 1000. * CL_GASCONST * (celsius + 273.15) / CL_FARADAY;
    return ktf / z * log(co / ci);
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
            v_->erev[k_] = cl_nernst(v_->ci[k_], v_->co[k_], v_->valence, _c->celsius);      \
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

#endif
