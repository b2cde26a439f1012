/* Ions: per-node reversal potential, concentrations and summed current,
 * NEURON's eion.cpp. Channels add their current in their own cur pass; the
 * ion's cur pass, which runs before them (type order), zeroes the sums. */
#include <math.h>

#include "mech/mech.h"
#include "mech/ion.h"

/* CODATA 2018 exact constants, as NEURON 8.2's nrnunits.h. */
#define CL_E_CHARGE 1.602176634e-19
#define CL_AVOGADRO 6.02214076e+23
#define CL_BOLTZMANN 1.380649e-23
#define CL_FARADAY (CL_E_CHARGE * CL_AVOGADRO)
#define CL_GASCONST (CL_BOLTZMANN * CL_AVOGADRO)

double cl_ion_nernst(double ci, double co, double z, double celsius) {
    if (z == 0) return 0.;
    if (ci <= 0.) return 1e6;
    if (co <= 0.) return -1e6;
    double ktf = 1000. * CL_GASCONST * (celsius + 273.15) / CL_FARADAY;
    return ktf / z * log(co / ci);
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

static double charge(const cl_mech_block *b) { return b->type->name[0] == 'c' ? 2. : 1.; }

static void init(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    double z = charge(b);
    for (int i = 0; i < b->n; i++) {
        int s = style(b, i);
        if (s & (CL_ION_READ_CONC | CL_ION_WRITE_CONC))
            p[CL_ION_EREV][i] = cl_ion_nernst(p[CL_ION_CI][i], p[CL_ION_CO][i], z, c->celsius);
        p[CL_ION_CUR][i] = 0;
        p[CL_ION_DCURDV][i] = 0;
    }
}

static void cur(const cl_mech_ctx *c, cl_mech_block *b) {
    double **p = b->var;
    double z = charge(b);
    for (int i = 0; i < b->n; i++) {
        p[CL_ION_CUR][i] = 0;
        p[CL_ION_DCURDV][i] = 0;
        if (style(b, i) & CL_ION_WRITE_CONC)
            p[CL_ION_EREV][i] = cl_ion_nernst(p[CL_ION_CI][i], p[CL_ION_CO][i], z, c->celsius);
    }
}

const cl_mech_type cl_mech_na_ion = {.name = "na_ion", .kind = CL_MECH_ION, .nvar = CL_ION_NVAR,
                                     .vars = na_vars, .init = init, .cur = cur};
const cl_mech_type cl_mech_k_ion = {.name = "k_ion", .kind = CL_MECH_ION, .nvar = CL_ION_NVAR,
                                    .vars = k_vars, .init = init, .cur = cur};
const cl_mech_type cl_mech_ca_ion = {.name = "ca_ion", .kind = CL_MECH_ION, .nvar = CL_ION_NVAR,
                                     .vars = ca_vars, .init = init, .cur = cur};
