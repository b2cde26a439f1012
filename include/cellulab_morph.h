/* cellulab: morphology files (SWC, Neurolucida ASC) loaded as NEURON 8.2's
 * Import3d does (Import3d_SWC_read + Import3d_GUI.instantiate). */
#ifndef CELLULAB_MORPH_H_PUBLIC
#define CELLULAB_MORPH_H_PUBLIC

#include <stddef.h>

#include "cellulab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Build a new cell from a morphology file, the reader chosen by the
 * extension (".swc": Import3d_SWC_read; ".asc": Import3d_Neurolucida3, with
 * at most one soma contour, which becomes 21 centroid points; trees attach
 * at soma(0.5); case-insensitive). Sections are named and ordered as
 * Import3d_GUI.instantiate creates them: soma[i], axon[i], dend[i], apic[i]
 * (other SWC types: dend_N / minus_N), grouped by type in ascending type
 * code, each group in file order; parents, connection points and pt3d points
 * as NEURON 8.2.2. Errors (CL_EIO, CL_EFORMAT) name file:line and the
 * problem in cl_sim_errmsg(); nothing is created on failure. */
cl_status cl_cell_load_morphology(cl_sim *sim, const char *path, cl_cell *out);

/* Number of 3-D points of a section and one of them (as stored: float). */
cl_status cl_section_n3d(cl_sim *sim, cl_section sec, size_t *out);
cl_status cl_section_pt3d(cl_sim *sim, cl_section sec, size_t i, double *x, double *y,
                          double *z, double *d);

#ifdef __cplusplus
}
#endif
#endif
