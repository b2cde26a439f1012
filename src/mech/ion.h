#ifndef CELLULAB_MECH_ION_H
#define CELLULAB_MECH_ION_H
/* Nernst potential (mV) for concentrations ci, co (mM), valence z, as NEURON. */
/* legacy: NEURON 7's constants (cl_mech_ctx.legacy_units) */
double cl_ion_nernst(double ci, double co, double z, double celsius, int legacy);

struct cl_mech_type;
/* A new ion type "<ion>_ion" with NEURON's defaults for unknown ions; NULL
 * when out of memory. Free it with cl_ion_type_free. */
struct cl_mech_type *cl_ion_type_new(const char *ion, double valence);
void cl_ion_type_free(struct cl_mech_type *t);
#endif
