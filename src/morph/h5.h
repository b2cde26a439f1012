/* HDF5 morphologies in the MorphIO / BBP "H5 v1" layout: /points (n x 4
 * float: x y z diameter), /structure (m x 3 integer: first point, section
 * type, parent section, -1 for none), optional /perimeters (n) and
 * /metadata attributes (version = {1, minor}, cell_family = 0 for neurons).
 * A container ("merged morphologies") holds many cells, one top-level group
 * per cell named as the morphology (no extension), each with the same
 * datasets. The reader is lossless (floats are widened to double exactly)
 * and checks the layout; building sections is src/model/morphology.c's. */
#ifndef CELLULAB_MORPH_H5_H
#define CELLULAB_MORPH_H5_H

#include <stddef.h>

#include "cellulab.h"

typedef struct cl_h5_morph {
    size_t npts;
    double *pts;   /* npts rows of x y z d */
    size_t nsec;
    long *offset;  /* first point of each section; section i ends where i+1 starts */
    int *type;     /* 1 soma, 2 axon, 3 basal, 4 apical, others as given (> 1) */
    long *parent;  /* section index < i, or -1 */
    int version[2]; /* {0, 0} when the file has no /metadata version */
} cl_h5_morph;

/* Points of section i: [offset[i], end) */
static inline size_t cl_h5_sec_end(const cl_h5_morph *m, size_t i) {
    return i + 1 < m->nsec ? (size_t)m->offset[i + 1] : m->npts;
}

/* Read one cell. cell: NULL for a single-cell file, else the group name in a
 * container (a trailing ".h5" is dropped when no group has the full name).
 * Checked: the datasets exist with rank 2, 4 / 3 columns, float / integer
 * type; every value finite; offsets start at 0, increase strictly and stay
 * below the number of points; parents -1 or an earlier section; type 1 (soma)
 * only as the first section, without a parent; version 1.x; cell_family 0.
 * CL_OK, or CL_EIO / CL_EFORMAT / CL_EINVAL / CL_ENOMEM with "path: /dataset:
 * problem" in err (rows counted from 0). HDF5's own error printing is off during the call and
 * restored after. *out is empty on failure; free it with cl_h5_free. */
cl_status cl_h5_read(const char *path, const char *cell, cl_h5_morph *out, char *err, size_t errlen);

void cl_h5_free(cl_h5_morph *m);

#endif
