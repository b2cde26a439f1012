/* SWC text reader as NEURON 8.2's Import3d_SWC_read reads it (rdfile,
 * check_pid): seven numbers a line read as float, '#' comments and blank
 * lines skipped, samples sorted by id, one root, every parent known. */
#ifndef CELLULAB_MORPH_SWC_H
#define CELLULAB_MORPH_SWC_H

#include <stddef.h>

#include "cellulab.h"

/* The samples, sorted by id (columns). d is the diameter (twice the file's
 * radius). line: the file line of each sample (0 for samples not from text). */
typedef struct cl_swc {
    size_t n, cap;
    double *id, *type, *x, *y, *z, *d, *pid;
    long *line;
    long maxid;
    long *id2index; /* by raw id, -1 where absent */
} cl_swc;

/* Read and check a file; CL_OK, else CL_EIO / CL_EFORMAT / CL_ENOMEM with
 * "path:line: problem" in err. *w must be freed with cl_swc_free either way. */
cl_status cl_swc_read(const char *path, cl_swc *w, char *err, size_t errlen);

/* The same from text in memory (len bytes, need not end in NUL); name is
 * used in messages as the path. */
cl_status cl_swc_parse(const char *text, size_t len, const char *name, cl_swc *w, char *err,
                       size_t errlen);

/* Append one sample (diameter, not radius) to a cl_swc being built by hand
 * (samples in increasing id order, pid < id); 0, or -1 when out of memory. */
int cl_swc_add(cl_swc *w, double id, double type, double x, double y, double z, double diam,
               double pid);

/* After cl_swc_add calls: index the ids; 0, or -1 when out of memory. */
int cl_swc_index(cl_swc *w);

/* Index of sample i's parent, -1 for the root. */
long cl_swc_parent(const cl_swc *w, size_t i);

void cl_swc_free(cl_swc *w);

#endif
