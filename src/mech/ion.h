#ifndef CELLULAB_MECH_ION_H
#define CELLULAB_MECH_ION_H
/* Nernst potential (mV) for concentrations ci, co (mM), valence z, as NEURON. */
double cl_ion_nernst(double ci, double co, double z, double celsius);
#endif
