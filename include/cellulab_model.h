/* cellulab: a cell from a morphology and a published model description —
 * NeuroML2 cell files, Allen Cell Types fit JSON, BluePyOpt JSON — built as
 * the tool that publishes each format builds it in NEURON. */
#ifndef CELLULAB_MODEL_H_PUBLIC
#define CELLULAB_MODEL_H_PUBLIC

#include "cellulab.h"
#include "cellulab_morph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Options of cl_cell_load_model; all-zero means each format's defaults. */
typedef struct cl_model_options {
    /* Soma orientation, axon rule, pt3d_digits (bmtk: 6). axon NULL: the format's own rule
     * (NeuroML2 and Allen fit JSON: "aibs_perisomatic", or the recipe's;
     * BluePyOpt: "bluepyopt"). */
    cl_morph_options morph;
    /* Allen fit JSON recipe: NULL or "aibs_perisomatic" (default), or
     * "aibs_allactive". Ignored by the other formats. */
    const char *recipe;
    /* Discretisation. nseg_set 0: the format's rule (bmtk for NeuroML2 and
     * Allen: CL_NSEG_MAXLEN 20 µm after the biophysics; BluePyOpt:
     * CL_NSEG_BBP40 before it). nseg_set 1: nseg_rule with nseg_value (and
     * nseg_freq_hz for CL_NSEG_DLAMBDA), applied where the format applies
     * its own. */
    int nseg_set;
    cl_nseg_rule nseg_rule;
    double nseg_value, nseg_freq_hz;
    /* 1: the model's conditions (celsius, v_init) are set on the simulation
     * where the model gives them; 0 (default): the simulation's stay, as
     * bmtk does. */
    int apply_conditions;
} cl_model_options;

/* Build a new cell from a morphology file (.swc, .asc, .h5) and a model
 * description, chosen by its content: a NeuroML2 document (.nml), an Allen
 * fit JSON (with "genome") or a BluePyOpt JSON (with "mechanisms" and
 * "parameters"), or a Blue Brain hoc template (a name ending ".hoc":
 * cl_cell_load_template with its format detected, gid 0, no attributes and
 * opt->morph's soma orientation and pt3d_digits; nseg options do not
 * apply). model NULL: the morphology alone (opt->morph applies).
 * The mechanisms the model names must be known to sim (built-ins or a
 * library loaded with cl_sim_load_mechanisms); a missing one is an error
 * that names it. Errors name the file, the place (line or JSON path) and
 * the problem; a failed load deletes whatever it had begun, so the
 * simulation is as before. */
cl_status cl_cell_load_model(cl_sim *sim, const char *morph, const char *model,
                             const cl_model_options *opt, cl_cell *out);

#ifdef __cplusplus
}
#endif
#endif
