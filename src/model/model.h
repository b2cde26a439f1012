/* Internal interfaces of the model layer: morphology post-processing and
 * the biophysics loaders behind cl_cell_load_model (include/cellulab_model.h). */
#ifndef CELLULAB_MODEL_MODEL_H
#define CELLULAB_MODEL_MODEL_H

#include "cellulab.h"
#include "cellulab_model.h"
#include "cellulab_morph.h"

/* Load path's morphology with opt->axon handling (not "none"): the
 * morphology is read into a scratch simulation and copied, without the
 * axon, into a new cell of sim; the replacement axon is added last. */
cl_status cl_axon_load(cl_sim *sim, const char *path, const cl_morph_options *opt, cl_cell *out);

/* A discretisation rule with its arguments (cl_cell_discretize's). */
typedef struct cl_nseg_spec {
    cl_nseg_rule rule;
    double value, freq_hz, Ra;
} cl_nseg_spec;

/* cl_axon_load with the rule pre (NULL: none) applied to every section of
 * the morphology as loaded, before the axon is replaced (BluePyOpt's
 * order: the replacement axon's diameters are read from those segments). */
cl_status cl_axon_load_nseg(cl_sim *sim, const char *path, const cl_morph_options *opt, const cl_nseg_spec *pre,
                            cl_cell *out);

/* NEURON 8.2's define_shape on one cell (src/model/shape.c): sections
 * without 3-D points get nseg + 2 points from their parent's connection
 * point (float arithmetic as nrn_define_shape); sections with points are
 * translated to their parent's connection point (or their logical point). */
cl_status cl_define_shape(cl_sim *sim, cl_cell cell);

/* The biophysics loaders. Each builds the whole cell (morphology, axon,
 * mechanisms, parameters, nseg) in the order its source tool does, into a
 * new cell of sim. opt is never NULL here (the defaults are filled in). */
cl_status cl_model_load_neuroml(cl_sim *sim, const char *morph, const char *model,
                                const cl_model_options *opt, cl_cell *out);
cl_status cl_model_load_allen_json(cl_sim *sim, const char *morph, const char *model,
                                   const cl_model_options *opt, cl_cell *out);
cl_status cl_model_load_bluepyopt(cl_sim *sim, const char *morph, const char *model,
                                  const cl_model_options *opt, cl_cell *out);

/* After a failed load: delete the cells from index first on (the partly
 * built ones), keep the failure's message, return st. */
cl_status cl_model_discard_cells(cl_sim *sim, int first, cl_status st);

#endif
