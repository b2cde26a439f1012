/* The mechanism layer: the ABI (include/cellulab_mech.h), the built-in
 * registry and the engine functions mechanisms call. */
#ifndef CELLULAB_MECH_H
#define CELLULAB_MECH_H

#include "cellulab_mech.h"

/* Most mechanism types one simulation can hold (built-ins, ions, loaded). */
#define CL_MAX_TYPES 512

/* The engine's event functions behind cl_mech_ctx.net_send / net_event. */
void cl_engine_net_send(struct cl_engine *eng, cl_mech_block *b, int i, double *w, double te,
                        double flag);
void cl_engine_net_event(struct cl_engine *eng, cl_mech_block *b, int i, double te);

/* Engine data behind a VecStim / APCount instance: cl_event_list
 * (include/cellulab_mech.h). */
int cl_event_list_push(cl_event_list *l, double t);

/* The built-in mechanisms, in NEURON's type order. A simulation starts its
 * own type table from these and appends the mechanisms it loads. */
int cl_builtin_count(void);
const cl_mech_type *cl_builtin_at(int i);
int cl_mech_var_find(const cl_mech_type *m, const char *name); /* short name; -1 if none */

/* 1 when mechanisms may compute exp inline (cl_mech_ctx.exp_inline): built
 * with FMA, run on a CPU with FMA and AVX2, and libm's exp gives the bits
 * cl_exp_fma_ gives (checked on a few thousand arguments). exp_inline.c. */
int cl_exp_inline_usable(void);

#endif
