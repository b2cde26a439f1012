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
 * extension, case-insensitive:
 *  ".swc": Import3d_SWC_read;
 *  ".asc": Import3d_Neurolucida3: a soma contour becomes 21 centroid
 *          points, a stack of overlapping contours one circle per contour,
 *          separate contours separate somas; each tree attaches at
 *          soma(0.5) of the soma whose box holds its first point, else the
 *          nearest;
 *  ".h5":  MorphIO's H5 v1 layout, single cell or container (see
 *          cl_morph_options.h5_cell), built as Import3d builds the
 *          equivalent text file. A soma of >= 3 points (or none): the ASC
 *          with that soma contour and one tree per root section, each
 *          section a branch of all its points, children in file order. A
 *          soma of 1 or 2 points: the SWC whose soma samples are those
 *          points, root sections hanging from the first, each other
 *          section's samples its points less the first when it repeats its
 *          parent's last (x, y, z and d). MorphIO also calls an H5 soma of
 *          >= 3 points a contour and of 1 point a sphere (2: undefined);
 *          neurodamus and BlueCelluLab, which build through MorphIO and not
 *          Import3d, make a 1-point soma 21 points (via a circle) where
 *          Import3d's SWC reader makes 3. Sections are taken depth-first,
 *          which is the file order of MorphIO-written files.
 * Soma orientation: NEURON 9's (see cl_morph_options). Sections are named
 * and ordered as Import3d_GUI.instantiate creates them: soma[i], axon[i],
 * dend[i], apic[i] (other SWC types: dend_N / minus_N), grouped by type in
 * ascending type code, each group in file order; parents, connection points
 * and pt3d points as NEURON 8.2.2. Errors (CL_EIO, CL_EFORMAT, CL_EINVAL)
 * name the file and the line or HDF5 dataset and the problem in
 * cl_sim_errmsg(); nothing is created on failure. */
cl_status cl_cell_load_morphology(cl_sim *sim, const char *path, cl_cell *out);

/* How a Neurolucida soma contour's major axis is oriented. NEURON 9.0
 * flips the axis when its largest component is negative, which reverses the
 * 21 soma points of some cells (and moves what attaches at soma(1)); NEURON
 * 8.2 keeps the sign its eigen-solver returns. */
typedef enum cl_soma_orientation {
    CL_SOMA_NEURON9 = 0, /* the default */
    CL_SOMA_NEURON82 = 1
} cl_soma_orientation;

/* Options of a morphology load; all-zero means the defaults. */
typedef struct cl_morph_options {
    cl_soma_orientation soma; /* contour somas (ASC, HDF5 contours) */
    /* Axon handling by name (NULL = "none"): "none", "bluepyopt",
     * "aibs_perisomatic", "aibs_allactive"; see cl_cell_load_morphology_axon. */
    const char *axon;
    /* HDF5 containers (one file, one top-level group per cell): the cell's
     * group name, i.e. the morphology name without extension (a trailing
     * ".h5" is accepted), as MorphIO's Collection, neurodamus and BlueCelluLab
     * name it: in SONATA, the node's "morphology" attribute when the
     * population's alternate_morphologies "h5v1" names a file (a container)
     * rather than a folder. NULL for single-cell files (and other formats). */
    const char *h5_cell;
    /* Significant digits of the imported 3-D points (x, y, z, diam, and the
     * soma contour's centroid points): Import3d's instantiate prints each
     * point as text and hoc reads it back. 0 or 8: NEURON 8.2's "%.8g" (the
     * default); 6: the "%g" of the older Import3d that bmtk ships (its
     * BioNet builds, and so the Allen SONATA example references, use it).
     * Other values are refused (CL_EINVAL). */
    int pt3d_digits;
} cl_morph_options;

/* cl_cell_load_morphology with options (opt NULL: the defaults). */
cl_status cl_cell_load_morphology_opt(cl_sim *sim, const char *path, const cl_morph_options *opt,
                                      cl_cell *out);

/* Number of 3-D points of a section and one of them (as stored: float). */
cl_status cl_section_n3d(cl_sim *sim, cl_section sec, size_t *out);
cl_status cl_section_pt3d(cl_sim *sim, cl_section sec, size_t i, double *x, double *y,
                          double *z, double *d);

/* The sections of a cell in one of Import3d's section lists, in creation
 * order: "all", "somatic" (soma...), "axonal" (axon...), "basal" (dend[...]),
 * "apical" (apic...), and BluePyOpt's "alldend" (basal + apical, in creation
 * order) and "allact" (= all). Membership follows the section name's prefix
 * as Import3d names them. Writes up to cap handles to out (out may be NULL
 * with cap 0 to count) and the list's size to *n. CL_EINVAL for an unknown
 * list name. */
cl_status cl_cell_section_list(cl_sim *sim, cl_cell cell, const char *list, cl_section *out,
                               size_t cap, size_t *n);

/* ---- discretisation rules (src/model/discretize.c) -------------------- */

typedef enum cl_nseg_rule {
    CL_NSEG_FIXED = 0,   /* nseg = (int)value in every section */
    CL_NSEG_DLAMBDA = 1, /* NEURON's d_lambda rule, value = d_lambda, at freq_hz:
                          * nseg = int((L/(d_lambda*lambda_f(freq))+0.9)/2)*2+1 */
    CL_NSEG_MAXLEN = 2,  /* bmtk: nseg = 1 + 2*int(L/(2*value)), value = max length µm */
    CL_NSEG_BBP40 = 3    /* BluePyOpt / BBP templates: nseg = 1 + 2*int(L/40) */
} cl_nseg_rule;

/* Set nseg of every section of a cell by one rule. For CL_NSEG_DLAMBDA,
 * lambda_f is stdlib.hoc's (NEURON 8.2.2): the section's pt3d arc lengths
 * and diameters when it has >= 2 points, else diam(0.5); cm is cm(0.5) and
 * Ra must be given (the public API has no Ra getter), as must freq_hz
 * (> 0; the usual 100). freq_hz and Ra are ignored by the other rules.
 * Errors: CL_EINVAL for a bad value or a 0 pt3d diameter (as lambda_f's
 * execerror); sections before the failing one keep their new nseg. */
cl_status cl_cell_discretize(cl_sim *sim, cl_cell cell, cl_nseg_rule rule, double value,
                             double freq_hz, double Ra);

/* nseg for one section by one rule, without setting it (same arguments). */
cl_status cl_section_nseg_by_rule(cl_sim *sim, cl_section sec, cl_nseg_rule rule, double value,
                                  double freq_hz, double Ra, int *out);

/* stdlib.hoc's lambda_f(freq_hz) for one section (µm), with the given Ra. */
cl_status cl_section_lambda_f(cl_sim *sim, cl_section sec, double freq_hz, double Ra,
                              double *out);

/* ---- axon handling (src/model/axon.c) ----------------------------------- */

/* Load a morphology as cl_cell_load_morphology into a new cell, with the
 * axon handled by name: "none" (as loaded) or "bluepyopt" (BluePyOpt's
 * default replace_axon hoc: the axon[i] sections are dropped and axon[0],
 * axon[1] added, L 30 µm, nseg 1, axon[0](0) at soma[0](1), axon[1](0) at
 * axon[0](1); diameters D1 = diam(0.5) of the original axon[0], D2 = that of
 * the first original axon section whose midpoint is > 60 µm from soma[0](0),
 * D1 if none, both 1 without an axon). Sections are copies built through
 * the public API (no section can be deleted), so the new axon sections come
 * last; Ra and cm have NEURON's defaults. "aibs_perisomatic" (bmtk's
 * fix_axon_peri): the axon[i] sections are dropped, axon[0] and axon[1]
 * added with L 30 µm, diam 1, nseg 1, axon[0](0) at soma[0](0.5),
 * axon[1](0) at axon[0](1), then NEURON 8.2's define_shape gives the stub
 * its 3-D points (nseg + 2 float points on a line whose angle depends on
 * the soma's axis and on the other children at soma(0.5)) and moves the
 * other sections onto their parents' connection points; "aibs_allactive"
 * (fix_axon_allactive): the same at soma[0](1), diameters diam(0.5) of the
 * original axon[0] and of the last original axon section (an axon is
 * required). Connections keep the file's order (NEURON's sibling and node
 * order). CL_EINVAL for an unknown
 * rule; on a failure the partly built cell is deleted and *out is not
 * set. */
cl_status cl_cell_load_morphology_axon(cl_sim *sim, const char *path, const char *axon_rule,
                                       cl_cell *out);

#ifdef __cplusplus
}
#endif
#endif
