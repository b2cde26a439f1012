/* Placeholder until the loader lands: refuses with a clear message. */
#include "model/model.h"
#include "sim/sim.h"

cl_status cl_model_load_neuroml(cl_sim *sim, const char *morph, const char *model, const cl_model_options *opt,
                            cl_cell *out) {
    (void)morph, (void)opt, (void)out;
    return cl_fail(sim, CL_EINVAL, "cl_cell_load_model: %s: this model format is not supported yet", model);
}
