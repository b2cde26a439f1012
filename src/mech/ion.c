/* Ions: per-node reversal potential, concentrations and summed current,
 * NEURON's eion.cpp. Channels add their current in their own cur pass; the
 * ion's cur pass, which runs before them (type order), zeroes the sums. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mech/mech.h"
#include "mech/ion.h"


double cl_ion_nernst(double ci, double co, double z, double celsius, int legacy) {
    return cl_nernst_u(ci, co, z, celsius, legacy);
}

#define ION_VARS(e, i, o, cur, didv, e0, i0, o0)                                   \
    {[CL_ION_EREV] = {e, CL_VAR_PARAM, e0},  [CL_ION_CI] = {i, CL_VAR_PARAM, i0}, \
     [CL_ION_CO] = {o, CL_VAR_PARAM, o0},    [CL_ION_CUR] = {cur, CL_VAR_ASSIGNED, 0}, \
     [CL_ION_DCURDV] = {didv, CL_VAR_ASSIGNED, 0}}

static const cl_mech_var na_vars[CL_ION_NVAR] =
    ION_VARS("ena", "nai", "nao", "ina", "dina_dv_", 50., 10., 140.);
static const cl_mech_var k_vars[CL_ION_NVAR] =
    ION_VARS("ek", "ki", "ko", "ik", "dik_dv_", -77., 54.4, 2.5);
static const cl_mech_var ca_vars[CL_ION_NVAR] =
    ION_VARS("eca", "cai", "cao", "ica", "dica_dv_", 132.4579341637009, 5e-5, 2.);

static int style(const cl_mech_block *b, int i) { return b->iflag ? b->iflag[i] : 0; }

static double charge(const cl_mech_block *b) { return b->type->valence; }

/* Reversal potential from Nernst unless a mechanism writes it (NEURON's
 * einit / eadvance need rev == 2, i.e. nobody writes e). */
static int nernst_style(int s) {
    return (s & (CL_ION_READ_CONC | CL_ION_WRITE_CONC)) && !(s & CL_ION_WRITE_EREV);
}

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    double z = charge(b);
    for (int i = 0; i < b->n; i++) {
        int s = style(b, i);
        if (s & CL_ION_WRITE_CONC) { /* cinit: concentrations start from ci0, co0 */
            p[CL_ION_CI][i] = b->global[0];
            p[CL_ION_CO][i] = b->global[1];
        }
        if (nernst_style(s)) p[CL_ION_EREV][i] = cl_ion_nernst(p[CL_ION_CI][i], p[CL_ION_CO][i], z, c->celsius, c->legacy_units);
        /* NEURON's ion init leaves the currents alone; the first cur pass zeroes them */
    }
}

static void cur(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    double z = charge(b);
    double *cu = p[CL_ION_CUR], *dc = p[CL_ION_DCURDV];
    for (int i = 0; i < b->n; i++) cu[i] = 0;
    for (int i = 0; i < b->n; i++) dc[i] = 0;
    if (!b->iflag) return; /* style 0 everywhere: no eadvance */
    for (int i = 0; i < b->n; i++) {
        int s = b->iflag[i];
        if ((s & CL_ION_WRITE_CONC) && nernst_style(s)) /* eadvance */
            p[CL_ION_EREV][i] = cl_ion_nernst(p[CL_ION_CI][i], p[CL_ION_CO][i], z, c->celsius, c->legacy_units);
    }
}

/* ci0 and co0 (NEURON's nai0_na_ion, ...): where concentrations start when
 * a mechanism writes them. */
static const cl_mech_var na_globals[2] = {{"nai0", CL_VAR_PARAM, 10.}, {"nao0", CL_VAR_PARAM, 140.}};
static const cl_mech_var k_globals[2] = {{"ki0", CL_VAR_PARAM, 54.4}, {"ko0", CL_VAR_PARAM, 2.5}};
static const cl_mech_var ca_globals[2] = {{"cai0", CL_VAR_PARAM, 5e-5}, {"cao0", CL_VAR_PARAM, 2.}};

const cl_mech_type cl_mech_na_ion = {.name = "na_ion", .kind = CL_MECH_ION, .nvar = CL_ION_NVAR,
                                     .vars = na_vars, .valence = 1, .nglobal = 2, .globals = na_globals,
                                     .init = init, .cur = cur};
const cl_mech_type cl_mech_k_ion = {.name = "k_ion", .kind = CL_MECH_ION, .nvar = CL_ION_NVAR,
                                    .vars = k_vars, .valence = 1, .nglobal = 2, .globals = k_globals,
                                    .init = init, .cur = cur};
const cl_mech_type cl_mech_ca_ion = {.name = "ca_ion", .kind = CL_MECH_ION, .nvar = CL_ION_NVAR,
                                     .vars = ca_vars, .valence = 2, .nglobal = 2, .globals = ca_globals,
                                     .init = init, .cur = cur};

/* An ion that only mechanisms loaded at run time name: NEURON's defaults for
 * an ion it does not know (erev 0 mV, both concentrations 1 mM). */
cl_mech_type *cl_ion_type_new(const char *ion, double valence) {
    size_t n = strlen(ion);
    cl_mech_type *t = calloc(1, sizeof *t);
    cl_mech_var *v = calloc(CL_ION_NVAR + 2, sizeof *v); /* the vars, then the two globals */
    char *names = calloc(8 * (n + 16), 1);
    if (!t || !v || !names) {
        free(t); free(v); free(names);
        return NULL;
    }
    char *p = names;
    const char *fmt[CL_ION_NVAR + 1] = {"e%s", "%si", "%so", "i%s", "di%s_dv_", "%s_ion"};
    const double dflt[CL_ION_NVAR] = {0., 1., 1., 0., 0.};
    for (int k = 0; k <= CL_ION_NVAR; k++) {
        int w = snprintf(p, n + 16, fmt[k], ion);
        if (k < CL_ION_NVAR) {
            v[k].name = p;
            v[k].kind = k <= CL_ION_CO ? CL_VAR_PARAM : CL_VAR_ASSIGNED;
            v[k].dflt = dflt[k];
        } else {
            t->name = p;
        }
        p += w + 1;
    }
    for (int k = 0; k < 2; k++) {
        int w = snprintf(p, n + 16, k ? "%so0" : "%si0", ion);
        v[CL_ION_NVAR + k].name = p;
        v[CL_ION_NVAR + k].kind = CL_VAR_PARAM;
        v[CL_ION_NVAR + k].dflt = 1.;
        p += w + 1;
    }
    t->kind = CL_MECH_ION;
    t->nvar = CL_ION_NVAR;
    t->vars = v;
    t->nglobal = 2;
    t->globals = v + CL_ION_NVAR;
    t->valence = valence;
    t->init = init;
    t->cur = cur;
    return t;
}

void cl_ion_type_free(cl_mech_type *t) {
    if (!t) return;
    free((void *)t->vars[0].name); /* the block holding every name starts with it */
    free((void *)t->vars);
    free(t);
}
