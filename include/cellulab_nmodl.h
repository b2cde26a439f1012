/*
 * cellulab's NMODL compiler: MOD files become mechanisms a simulation can
 * load, with the arithmetic of NEURON 8.2's nocmodl (docs/nmodl-lowering.md).
 */
#ifndef CELLULAB_NMODL_H
#define CELLULAB_NMODL_H

#include <stddef.h>

#include "cellulab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Translate one MOD file into C written against cellulab_mech.h. The C
 * defines `const cl_mech_type cl_mod_<name>` (name: SUFFIX or
 * POINT_PROCESS / ARTIFICIAL_CELL name). Errors name file:line:column, the
 * construct and what to do. c_path is written atomically. */
cl_status cl_nmodl_translate(const char *mod_path, const char *c_path, cl_error *err);

/* Translate and compile MOD files into one shared library for
 * cl_sim_load_mechanisms. inputs are .mod files or folders (their *.mod,
 * sorted by name bytewise, i.e. NEURON's nrnivmodl order under LC_ALL=C);
 * mechanisms register in that order. The library is rebuilt only when the
 * sources (or cellulab's version) changed: a content hash is kept next to
 * it (so_path + ".hash"); force = 1 rebuilds anyway. Uses the system C
 * compiler ($CC, default cc). */
cl_status cl_build_mechanisms(const char *const *inputs, size_t n, const char *so_path, int force,
                              cl_error *err);

#ifdef __cplusplus
}
#endif
#endif
