/* Import3d_Neurolucida3's somas: CellBody contours grouped into somas
 * (stacks of overlapping contours), each soma's centroid points, and the
 * soma each tree's root attaches to (connect2soma). */
#ifndef CELLULAB_MORPH_ASC_SOMA_H
#define CELLULAB_MORPH_ASC_SOMA_H

#include <stddef.h>

#include "morph/asc.h"
#include "morph/contour.h"

typedef struct cl_asc_soma {
    double *x, *y, *z, *d; /* centroid points (contour: 21 rounded %.8g; stack: one circle per contour) */
    size_t npt;
} cl_asc_soma;

typedef struct cl_asc_somas {
    cl_asc_soma *soma; /* in file order of their first contour */
    size_t nsoma;
    long *root_soma;   /* per tree: the soma its root attaches to (at 0.5), -1 without somas */
} cl_asc_somas;

/* Group a->somas (contours with >= 3 points; others are ignored, as
 * Import3d does) into somas: a contour whose x-y bounding box overlaps the
 * previous contour's joins its stack. A single contour becomes 21 centroid
 * points (axis: the soma orientation); a stack one circle per contour
 * (approximate_contour_by_circle). Each tree's root goes to the first soma
 * whose x-y box (a contour's widened by 0.5 µm, a stack's not) holds its
 * first point, else to the nearest soma centre. 0, or nonzero with err. */
int cl_asc_somas_build(const cl_asc_morph *a, cl_soma_axis axis, cl_asc_somas *out, char *err, size_t errlen);
/* The same with the contour centroid points rounded to digits significant
 * digits (cl_contour_to_centroid_digits); cl_asc_somas_build uses 8. */
int cl_asc_somas_build_digits(const cl_asc_morph *a, cl_soma_axis axis, int digits, cl_asc_somas *out, char *err,
                              size_t errlen);
void cl_asc_somas_free(cl_asc_somas *s);

#endif
