/* NEURON Import3d's treatment of a Neurolucida soma contour: the closed
 * outline becomes 21 points along its major axis with diameters equal to the
 * width of the outline (contourcenter + contour2centroid). */
#ifndef CELLULAB_MORPH_CONTOUR_H
#define CELLULAB_MORPH_CONTOUR_H

#include <stddef.h>

#define CL_CONTOUR_NPTS 21

typedef enum cl_soma_axis {
    CL_SOMA_AXIS_NEURON8 = 0, /* keep the eigenvector sign NEURON 8.2 gets */
    CL_SOMA_AXIS_NEURON9 = 1  /* NEURON >= 9.0: flip so the largest component is positive */
} cl_soma_axis;

/* x, y, z: the contour's n points (n >= 3). out_*: 21 values each, rounded as
 * NEURON stores them (printed with %.8g, then read back). Returns 0, or
 * nonzero with a message in err for a degenerate contour. */
int cl_contour_to_centroid(const double *x, const double *y, const double *z, size_t n,
                           cl_soma_axis axis, double *out_x, double *out_y, double *out_z,
                           double *out_d, char *err, size_t errlen);

/* cl_contour_to_centroid with the points rounded to digits significant
 * digits (8: NEURON 8.2's "%.8g"; 6: the "%g" of bmtk's Import3d). */
int cl_contour_to_centroid_digits(const double *x, const double *y, const double *z, size_t n,
                                  cl_soma_axis axis, int digits, double *out_x, double *out_y, double *out_z,
                                  double *out_d, char *err, size_t errlen);

/* contourcenter: the mean of the outline resampled at 101 points equally
 * spaced along its x-y arc length. 0, or nonzero with a message. */
int cl_contour_center(const double *x, const double *y, const double *z, size_t n, double center[3], char *err,
                      size_t errlen);

/* approximate_contour_by_circle: the centre as cl_contour_center and a
 * diameter: the mean distance of the resampled points from it plus the
 * closed outline's perimeter / 2 pi. */
int cl_contour_circle(const double *x, const double *y, const double *z, size_t n, double center[3], double *d,
                      char *err, size_t errlen);

/* One contour of a soma stack. */
typedef struct cl_contour_pts {
    const double *x, *y, *z;
    size_t n;
} cl_contour_pts;

/* stk_center: the point halfway along the polyline through the centres of
 * the k contours of a stack (first = the main one). */
int cl_contour_stack_center(const cl_contour_pts *c, size_t k, double center[3], char *err, size_t errlen);

#endif
