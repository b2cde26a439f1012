/* Placeholder until the SONATA reader lands: refuses with a clear message. */
#include <stdio.h>

#include "cellulab_circuit.h"

cl_status cl_circuit_open_sonata(const char *config_path, cl_circuit **out, cl_error *err) {
    (void)out;
    if (err) snprintf(err->msg, sizeof err->msg, "%s: SONATA circuits are not supported yet", config_path);
    return CL_EINVAL;
}
