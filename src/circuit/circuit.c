/* cl_circuit: an implementation of cl_circuit_ops and its state. */
#include <stdio.h>
#include <stdlib.h>

#include "cellulab_circuit.h"

struct cl_circuit {
    const cl_circuit_ops *ops;
    void *state;
};

static cl_status fail(cl_error *err, cl_status st, const char *msg) {
    if (err) snprintf(err->msg, sizeof err->msg, "%s", msg);
    return st;
}

cl_status cl_circuit_new(const cl_circuit_ops *ops, void *state, cl_circuit **out, cl_error *err) {
    if (!ops || !out) return fail(err, CL_EINVAL, "cl_circuit_new: ops and out must not be NULL");
    cl_circuit *c = malloc(sizeof *c);
    if (!c) return fail(err, CL_ENOMEM, "cl_circuit_new: out of memory");
    c->ops = ops;
    c->state = state;
    *out = c;
    return CL_OK;
}

void cl_circuit_free(cl_circuit *c) {
    if (!c) return;
    if (c->ops->free) c->ops->free(c->state);
    free(c);
}

const cl_circuit_ops *cl_circuit_get_ops(const cl_circuit *c) { return c ? c->ops : NULL; }
void *cl_circuit_get_state(const cl_circuit *c) { return c ? c->state : NULL; }
