/* The built-in mechanisms, in NEURON 8.2's type order (src/nrnoc/cabvars.h):
 * the order decides the order in which currents are summed into a node, and
 * so the last bits of every result. Ions precede the channels that use them.
 * All but the ions are MOD files (mod/), translated when the library is
 * built; the ions are NEURON's eion.cpp written in C (src/mech/ion.c). */
#include <stdlib.h>
#include <string.h>

#include "mech/mech.h"

extern const cl_mech_type cl_mod_pas, cl_mod_IClamp, cl_mod_ExpSyn, cl_mod_Exp2Syn, cl_mod_SEClamp,
    cl_mod_APCount, cl_mech_na_ion, cl_mech_k_ion, cl_mod_hh, cl_mod_NetStim, cl_mod_IntFire1,
    cl_mech_ca_ion, cl_mod_VecStim;

static const cl_mech_type *const builtin[] = {
    &cl_mod_pas,     &cl_mod_IClamp,  &cl_mod_ExpSyn,   &cl_mod_Exp2Syn, &cl_mod_SEClamp,
    &cl_mod_APCount, &cl_mech_na_ion, &cl_mech_k_ion,   &cl_mod_hh,      &cl_mod_NetStim,
    &cl_mod_IntFire1, &cl_mech_ca_ion, &cl_mod_VecStim,
};
#define NBUILTIN ((int)(sizeof builtin / sizeof builtin[0]))

int cl_builtin_count(void) { return NBUILTIN; }

const cl_mech_type *cl_builtin_at(int i) { return i >= 0 && i < NBUILTIN ? builtin[i] : NULL; }

int cl_mech_var_find(const cl_mech_type *m, const char *name) {
    for (int k = 0; k < m->nvar; k++)
        if (strcmp(m->vars[k].name, name) == 0) return k;
    return -1;
}

int cl_event_list_push(cl_event_list *l, double t) {
    if (l->n == l->cap) {
        size_t ncap = l->cap ? 2 * l->cap : 16;
        double *p = realloc(l->t, ncap * sizeof *p);
        if (!p) return -1;
        l->t = p;
        l->cap = ncap;
    }
    l->t[l->n++] = t;
    return 0;
}
