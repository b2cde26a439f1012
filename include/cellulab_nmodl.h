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

/* NMODL extensions (cellulab only; NEURON's nocmodl does not know them).
 * They give a POINT_PROCESS or ARTIFICIAL_CELL access to its instance's
 * event list (the times cl_vecstim_play gives a VecStim, the times
 * cl_apcount_times returns for an APCount), so that such mechanisms can be
 * written in NMODL without VERBATIM (see mod/vecstim.mod, mod/apcount.mod):
 *
 *   cellulab_play_count()      FUNCTION: the number of times in the list
 *                              (0 when the instance has no list)
 *   cellulab_play_time(k)      FUNCTION: element k (truncated to an integer,
 *                              from 0); 0 when k is outside the list
 *   cellulab_play_value(k)     FUNCTION: the value given with element k
 *                              (cl_pp_play); 0 outside them or without any
 *   cellulab_record_event(t)   statement (or FUNCTION returning 0): appends
 *                              t to the list; if memory runs out the time
 *                              is dropped (nothing else depends on it)
 *   cellulab_record_clear()    statement: empties the list
 *
 * They compile to calls of the static inline cl_play_count, cl_play_time,
 * cl_play_value, cl_record_event and cl_record_clear of cellulab_mech.h. A density
 * mechanism using them is refused. */

/* NEURON 9's RANDOM construct (docs/nmodl-lowering.md §14): in the
 * NEURON block `RANDOM r` gives every instance (point process, artificial
 * cell, density segment) its own Random123 stream with NEURON's nrnran123
 * layout and transforms (cellulab_mech.h, cl_ran123_*):
 *
 *   random_uniform(r [, min, max])   (u + 1)/(2^32 + 1), or min + u*(max - min)
 *   random_negexp(r [, mean])        -log(u) [* mean]
 *   random_normal(r [, mean, std])   polar Box-Muller, one value per call
 *   random_ipick(r), random_dpick(r) the raw 32-bit word, the uniform
 *   random_setids(r, id1, id2, id3)  the stream's ids (truncated to uint32)
 *   random_setseq(r, x)              x = 4*seq + which (NEURON 9's form)
 *
 * The stream is 5 instance variables kept across initialisation: r_id1,
 * r_id2, r_id3, r_seq, r_which (density mechanisms append _<suffix>), set
 * and read with cl_pp_set / cl_section_set_at like any variable; default
 * ids (1, 0, 0). The Philox key is the simulation's Random123 global index
 * (cl_sim_set_random123_globalindex). */

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
 * compiler ($CC, default cc). An original VERBATIM file of a mechanism
 * cellulab maintains itself (cl_nmodl_maintained_name) is replaced: by the
 * built-in version (vecevent.mod's VecStim: the file is left out), or by
 * cellulab's maintained MOD file (cl_nmodl_maintained_path: the Blue Brain
 * synapses and channels, written with RANDOM instead of VERBATIM), which is
 * translated in its place and registers under the same name. */
cl_status cl_build_mechanisms(const char *const *inputs, size_t n, const char *so_path, int force,
                              cl_error *err);

/* If the MOD file at mod_path has VERBATIM code and defines a mechanism
 * that cellulab ships as its own maintained MOD file, return its name
 * (static storage); else NULL, also for a file that cannot be read or
 * parsed and for a file without VERBATIM (the user's own NMODL version,
 * which is used as it is). Maintained: the built-in VecStim (NEURON's
 * vecevent.mod), and those of ProbAMPANMDA_EMS, ProbGABAAB_EMS,
 * DetAMPANMDA, DetGABAAB, GluSynapse, StochKv, StochKv3 and InhPoissonStim
 * (BlueCelluLab's netstim_inhpoisson.mod) that have a file in
 * cl_nmodl_maintained_dir(). */
const char *cl_nmodl_maintained_name(const char *mod_path);

/* The folder of the maintained MOD files (the source tree's mod/bbp: they
 * use NEURON 9's RANDOM, docs/nmodl-lowering.md §14), and the file of one
 * maintained mechanism: 1 and its path in buf (n bytes), or 0 when name
 * has none (not maintained, or built in as VecStim). */
const char *cl_nmodl_maintained_dir(void);
int cl_nmodl_maintained_path(const char *name, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
