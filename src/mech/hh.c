/* hh: Hodgkin–Huxley squid sodium, potassium and leak channels, as NEURON's
 * src/nrnoc/hh.mod compiled by nocmodl (rates TABLE with usetable_hh). */
#include <math.h>
#include <stdlib.h>

#include "mech/mech.h"

/* minf..ntau are GLOBALs in hh.mod (scratch, not per instance): they are
 * computed where needed and not stored. */
enum { GNABAR, GKBAR, GL, EL, GNA, GK, IL, INA, IK, M, H, N, NV };

static const cl_mech_var vars[NV] = {
    [GNABAR] = {"gnabar", CL_VAR_PARAM, 0.12}, [GKBAR] = {"gkbar", CL_VAR_PARAM, 0.036},
    [GL] = {"gl", CL_VAR_PARAM, 0.0003},       [EL] = {"el", CL_VAR_PARAM, -54.3},
    [GNA] = {"gna", CL_VAR_ASSIGNED, 0},       [GK] = {"gk", CL_VAR_ASSIGNED, 0},
    [IL] = {"il", CL_VAR_ASSIGNED, 0},         [INA] = {"ina", CL_VAR_ASSIGNED, 0},
    [IK] = {"ik", CL_VAR_ASSIGNED, 0},         [M] = {"m", CL_VAR_STATE, 0},
    [H] = {"h", CL_VAR_STATE, 0},              [N] = {"n", CL_VAR_STATE, 0},
};
static const cl_ion_use ions[2] = {{"na", CL_ION_READ_EREV | CL_ION_WRITE_CUR, 0},
                                   {"k", CL_ION_READ_EREV | CL_ION_WRITE_CUR, 0}};
enum { USETABLE, NGLOBAL };
static const cl_mech_var globals[NGLOBAL] = {{"usetable", CL_VAR_PARAM, 1.0}};

#define TABLE_N 201
/* The rate table over v = -100..100 mV in 1 mV steps, per simulation. */
typedef struct hh_table {
    double minf[TABLE_N], mtau[TABLE_N], hinf[TABLE_N], htau[TABLE_N], ninf[TABLE_N],
        ntau[TABLE_N];
    double tmin, mfac, sav_celsius;
    int built;
} hh_table;

typedef struct rates_out { double minf, mtau, hinf, htau, ninf, ntau; } rates_out;

static double vtrap(double x, double y) {
    if (fabs(x / y) < 1e-6) return y * (1.0 - x / y / 2.0);
    return x / (cl_hoc_exp(x / y) - 1.0);
}

/* FUNCTION rates(v), exact: the same expressions as nocmodl's _f_rates. */
static void rates_exact(double v, double celsius, rates_out *r) {
    double q10 = pow(3.0, ((celsius - 6.3) / 10.0));
    double alpha = .1 * vtrap(-(v + 40.0), 10.0);
    double beta = 4.0 * cl_hoc_exp(-(v + 65.0) / 18.0);
    double sum = alpha + beta;
    r->mtau = 1.0 / (q10 * sum);
    r->minf = alpha / sum;
    alpha = .07 * cl_hoc_exp(-(v + 65.0) / 20.0);
    beta = 1.0 / (cl_hoc_exp(-(v + 35.0) / 10.0) + 1.0);
    sum = alpha + beta;
    r->htau = 1.0 / (q10 * sum);
    r->hinf = alpha / sum;
    alpha = .01 * vtrap(-(v + 55.0), 10.0);
    beta = .125 * cl_hoc_exp(-(v + 65.0) / 80.0);
    sum = alpha + beta;
    r->ntau = 1.0 / (q10 * sum);
    r->ninf = alpha / sum;
}

static void *table_new(void) { return calloc(1, sizeof(hh_table)); }
static void table_free(void *p) { free(p); }

static void table_check(cl_mech_block *b, double celsius) {
    hh_table *tb = b->priv;
    if (!b->global[USETABLE]) return;
    if (tb->built && tb->sav_celsius == celsius) return;
    double tmax = 100.0, dx;
    tb->tmin = -100.0;
    dx = (tmax - tb->tmin) / 200.;
    tb->mfac = 1. / dx;
    double x = tb->tmin;
    for (int i = 0; i < TABLE_N; x += dx, i++) {
        rates_out r;
        rates_exact(x, celsius, &r);
        tb->minf[i] = r.minf; tb->mtau[i] = r.mtau; tb->hinf[i] = r.hinf;
        tb->htau[i] = r.htau; tb->ninf[i] = r.ninf; tb->ntau[i] = r.ntau;
    }
    tb->sav_celsius = celsius;
    tb->built = 1;
}

static void rates(const cl_mech_block *b, double v, double celsius, rates_out *r) {
    const hh_table *tb = b->priv;
    if (!b->global[USETABLE]) {
        rates_exact(v, celsius, r);
        return;
    }
    double xi = tb->mfac * (v - tb->tmin);
    if (isnan(xi)) {
        r->minf = r->mtau = r->hinf = r->htau = r->ninf = r->ntau = xi;
        return;
    }
    int i;
    if (xi <= 0.) {
        i = 0;
    } else if (xi >= 200.) {
        i = 200;
    } else {
        i = (int)xi;
        double th = xi - (double)i;
        r->minf = tb->minf[i] + th * (tb->minf[i + 1] - tb->minf[i]);
        r->mtau = tb->mtau[i] + th * (tb->mtau[i + 1] - tb->mtau[i]);
        r->hinf = tb->hinf[i] + th * (tb->hinf[i + 1] - tb->hinf[i]);
        r->htau = tb->htau[i] + th * (tb->htau[i + 1] - tb->htau[i]);
        r->ninf = tb->ninf[i] + th * (tb->ninf[i + 1] - tb->ninf[i]);
        r->ntau = tb->ntau[i] + th * (tb->ntau[i + 1] - tb->ntau[i]);
        return;
    }
    r->minf = tb->minf[i]; r->mtau = tb->mtau[i]; r->hinf = tb->hinf[i];
    r->htau = tb->htau[i]; r->ninf = tb->ninf[i]; r->ntau = tb->ntau[i];
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    for (int i = 0; i < b->n; i++) {
        rates_out r;
        rates(b, c->v[b->node[i]], c->celsius, &r);
        p[M][i] = r.minf;
        p[H][i] = r.hinf;
        p[N][i] = r.ninf;
    }
}

/* BREAKPOINT currents at v; leaves gna, gk, il, ina, ik as NEURON does. */
static double current(double **p, int i, double v, double ena, double ek) {
    double cur = 0.;
    p[GNA][i] = p[GNABAR][i] * p[M][i] * p[M][i] * p[M][i] * p[H][i];
    p[INA][i] = p[GNA][i] * (v - ena);
    p[GK][i] = p[GKBAR][i] * p[N][i] * p[N][i] * p[N][i] * p[N][i];
    p[IK][i] = p[GK][i] * (v - ek);
    p[IL][i] = p[GL][i] * (v - p[EL][i]);
    cur += p[INA][i];
    cur += p[IK][i];
    cur += p[IL][i];
    return cur;
}

static void cur(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    const cl_ion_view *na = &b->ion[0], *k = &b->ion[1];
    const int *ina_i = b->ion_index[0], *ik_i = b->ion_index[1];
    for (int i = 0; i < b->n; i++) {
        int nd = b->node[i];
        double v = c->v[nd];
        double ena = na->erev[ina_i[i]], ek = k->erev[ik_i[i]];
        double g = current(p, i, v + .001, ena, ek);
        double dina = p[INA][i], dik = p[IK][i];
        double rhs = current(p, i, v, ena, ek);
        na->dcurdv[ina_i[i]] += (dina - p[INA][i]) / .001;
        k->dcurdv[ik_i[i]] += (dik - p[IK][i]) / .001;
        g = (g - rhs) / .001;
        na->cur[ina_i[i]] += p[INA][i];
        k->cur[ik_i[i]] += p[IK][i];
        c->rhs[nd] -= rhs;
        c->d[nd] += g;
    }
}

static void state(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    double dt = c->dt;
    for (int i = 0; i < b->n; i++) {
        rates_out r;
        rates(b, c->v[b->node[i]], c->celsius, &r);
        double m = p[M][i], h = p[H][i], n = p[N][i];
        m = m + (1. - cl_hoc_exp(dt * ((-1.0) / r.mtau))) * (-(r.minf / r.mtau) / ((-1.0) / r.mtau) - m);
        h = h + (1. - cl_hoc_exp(dt * ((-1.0) / r.htau))) * (-(r.hinf / r.htau) / ((-1.0) / r.htau) - h);
        n = n + (1. - cl_hoc_exp(dt * ((-1.0) / r.ntau))) * (-(r.ninf / r.ntau) / ((-1.0) / r.ntau) - n);
        p[M][i] = m;
        p[H][i] = h;
        p[N][i] = n;
    }
}

const cl_mech_type cl_mech_hh = {
    .name = "hh", .kind = CL_MECH_DENSITY, .nvar = NV, .vars = vars, .nion = 2, .ions = ions,
    .nglobal = NGLOBAL, .globals = globals, .globals_new = table_new,
    .globals_free = table_free, .table_check = table_check, .init = init, .cur = cur,
    .state = state,
};
