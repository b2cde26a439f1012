/* Neurolucida ASC reader: the s-expression text format of MBF Bioscience's
 * Neurolucida. Reads cell-body contours and neurite trees losslessly;
 * annotations (Color, Font, markers, spines, text labels) are skipped. */
#ifndef CELLULAB_MORPH_ASC_H
#define CELLULAB_MORPH_ASC_H

#include <stddef.h>

typedef enum cl_asc_tree_type {
    CL_ASC_UNTYPED = 0,   /* no (Dendrite)/(Apical)/(Axon) as the last property */
    CL_ASC_DENDRITE = 3,  /* SWC type codes */
    CL_ASC_APICAL = 4,
    CL_ASC_AXON = 2
} cl_asc_tree_type;

typedef struct cl_asc_point { double x, y, z, d; } cl_asc_point;

/* One unbranched piece of a tree. Branches of a piece continue from its
 * last point; their first point is their own first sample in the file. */
typedef struct cl_asc_branch {
    cl_asc_point *pts;
    size_t npts;
    int parent;            /* index in the tree's branch array, -1 for the root piece */
} cl_asc_branch;

typedef struct cl_asc_tree {
    cl_asc_tree_type type;
    cl_asc_branch *branches; /* depth-first in file order: parents before children */
    size_t nbranches;
} cl_asc_tree;

typedef struct cl_asc_contour {
    cl_asc_point *pts;     /* as in the file (a closing repeat of the first point is kept) */
    size_t npts;
} cl_asc_contour;

typedef struct cl_asc_morph {
    cl_asc_contour *somas; /* CellBody contours, file order */
    size_t nsomas;
    cl_asc_tree *trees;    /* file order */
    size_t ntrees;
} cl_asc_morph;

/* Parse an ASC file. On error returns nonzero, writes "path:line:col: problem"
 * into err (errlen bytes), and leaves *out empty. */
int cl_asc_read(const char *path, cl_asc_morph *out, char *err, size_t errlen);

/* Parse ASC text already in memory; name is used in messages. */
int cl_asc_parse(const char *text, size_t len, const char *name, cl_asc_morph *out,
                 char *err, size_t errlen);

void cl_asc_free(cl_asc_morph *m);

#endif
