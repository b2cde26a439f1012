/* Internal to src/sim: Vector.play into a point-process variable. */
#ifndef CELLULAB_SIM_INJECT_INT_H
#define CELLULAB_SIM_INJECT_INT_H

#include "cellulab.h"

/* Play (t[i], y[i]) into pp's variable var as NEURON's
 * Vector.play(&var, tvec, 1) (continuous), values as given. */
cl_status cl_inject_play_var(cl_sim *s, cl_pp pp, const char *var, const double *t, const double *y, size_t n);

/* The same, the times in any order, as NEURON takes them: a time that goes
 * back (BlueCelluLab's TStim.noise ends with a point at t = 0) is played by
 * VecPlayContinuous' rules (its event is delivered at once; the value
 * after it extrapolates the last segment). */
cl_status cl_inject_play_var_any(cl_sim *s, cl_pp pp, const char *var, const double *t, const double *y, size_t n);

#endif
