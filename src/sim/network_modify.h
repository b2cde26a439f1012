/* conditions.modifications of a Blue Brain simulation config applied to a
 * cell, as BlueCelluLab applies them (private to src/sim). */
#ifndef CELLULAB_SIM_NETWORK_MODIFY_H
#define CELLULAB_SIM_NETWORK_MODIFY_H

#include "cellulab.h"
#include "cellulab_circuit.h"

/* Apply m to one cell; *n_sections (may be NULL) counts the sections it
 * changed. ttx: TTXDynamicsSwitch in every section, ttxo_level 1 (its MOD
 * file must be loaded). configure_all_sections ("%s.VAR op NUMBER; ..."),
 * section_list ("LIST.VAR ...": somatic/soma, basal/dend, apical/apic,
 * axonal/axon) and section ("NAME[i].VAR ...") run their statements on
 * each section that has every variable they name, and skip the others,
 * as BlueCelluLab's hasattr rule: VAR = v sets every segment; VAR *= v
 * (and /=, +=, -=) reads VAR at x = 0.5 first, as Python's sec.VAR does.
 * Ra is the section's; nseg, L and diam are refused. Errors name
 * m->where. */
cl_status cl_netmod_apply(cl_sim *sim, cl_cell cell, const cl_modification *m, size_t *n_sections, cl_error *err);

#endif
