/* cellulab: Blue Brain e-model hoc templates loaded as BlueCelluLab loads
 * them (issue 8), run by cellulab's own hoc interpreter (docs/hoc.md). */
#ifndef CELLULAB_HOC_H_PUBLIC
#define CELLULAB_HOC_H_PUBLIC

#include <stddef.h>
#include <stdint.h>

#include "cellulab.h"
#include "cellulab_morph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How a template's init takes its arguments (BlueCelluLab's template_format). */
typedef enum cl_template_format {
    /* Detect: v6 when the file defines the strdef <Template>_NeededAttributes
     * or init reads $s3; bluepyopt when init reads $s1; else v5. */
    CL_TEMPLATE_AUTO = 0,
    CL_TEMPLATE_V5 = 5,        /* new NAME(gid, "morphology path") */
    CL_TEMPLATE_V6 = 6,        /* new NAME(gid, "dir", "file", attributes...) */
    CL_TEMPLATE_BLUEPYOPT = 7  /* new NAME("dir", "file") */
} cl_template_format;

/* Options of cl_cell_load_template; all-zero (or NULL) means the defaults. */
typedef struct cl_template_options {
    cl_template_format format; /* CL_TEMPLATE_AUTO: detected, see above */
    uint64_t gid;              /* v5 / v6: init's first argument (default 0) */
    /* Morphology options the template's Import3d uses: the soma orientation
     * (CL_SOMA_NEURON82 to match NEURON 8.2) and pt3d_digits. h5_cell: the
     * morphology path is an HDF5 container and this its cell; the template
     * gets "container.h5/cell.h5" (dir, file), as BlueCelluLab passes a
     * SONATA h5v1 container (the path may also be given so directly). The
     * templates read .h5 files with morphio_read, which cellulab maps onto
     * its HDF5 reader. axon is ignored: the template replaces its axon. */
    cl_morph_options morph;
    /* v6: values for the names listed by <Template>_NeededAttributes (e.g.
     * SONATA's @dynamics:AIS_scaler), passed to init after the morphology
     * in the listed order; a needed name not given is 1.0 (BlueCelluLab's
     * default for AIS_scaler and soma_scaler). Names given but not needed
     * are ignored (a SONATA node may carry more). */
    size_t n_attrs;
    const char *const *attr_names;
    const double *attr_values;
} cl_template_options;

/* What the template says about its cell. */
typedef struct cl_template_info {
    double threshold_nA; /* the template's getThreshold(), NAN when it has none */
    double hypamp_nA;    /* its getHypAmp(), NAN when it has none */
} cl_template_info;

/* Load the first template defined in template_path (a .hoc file) on the
 * morphology morphology_path (.asc or .swc): the file is run, then one
 * instance is made with the arguments of opt->format. The cell whose
 * sections the instance made (the object its getCell() returns, else its
 * CellRef, else the instance itself) becomes *out, owned by sim like any
 * other cell (cl_cell_delete).
 *
 * Every call runs the file in an interpreter of its own, freed before the
 * call returns, so one file may be loaded any number of times (each load is
 * independent, like BlueCelluLab's renamed templates); nothing is global.
 * load_file("Cell.hoc") / load_file("TDistFunc.hoc") find a file of that
 * name next to the template first, else cellulab's built-in copies (BBP's
 * generic Cell template and its distribution helper).
 *
 * The mechanisms the template inserts must be known to sim (built-ins or a
 * library loaded with cl_sim_load_mechanisms). Errors (CL_EIO, CL_EFORMAT,
 * CL_EINVAL) give "file:line:col: problem" and the hoc call chain; a failed
 * load deletes every cell it had begun, so the simulation is as before.
 * opt NULL: the defaults; info may be NULL. */
cl_status cl_cell_load_template(cl_sim *sim, const char *template_path, const char *morphology_path,
                                const cl_template_options *opt, cl_cell *out, cl_template_info *info);

/* The index a Blue Brain template's indexSections gave sec (it writes
 * v(0.0001) = 0, 1, 2, ... over `forsec all` before the axon is replaced;
 * BlueCelluLab's SerializedSections reads it back, and SONATA edges'
 * afferent_section_id count that way), as cl_cell_load_template found it
 * when the template had run; -1 when it gave none (not an integer >= 0,
 * or the section was not made by a template). */
cl_status cl_section_template_index(cl_sim *sim, cl_section sec, double *out);

#ifdef __cplusplus
}
#endif
#endif
