/* A BluePyOpt / BluePyEModel model JSON read and checked into plain data
 * (no simulation needed, so it can be fuzzed from memory). The accepted
 * layout is described in docs/bluepyopt-json.md and bluepyopt.c. */
#ifndef CELLULAB_MODEL_BPO_JSON_H
#define CELLULAB_MODEL_BPO_JSON_H

#include <stddef.h>

enum { CL_BPO_PATH = 160 };

/* A section location: a bit set of the base lists it covers. */
enum {
    CL_BPO_SOMATIC = 1,
    CL_BPO_AXONAL = 2,
    CL_BPO_BASAL = 4,
    CL_BPO_APICAL = 8,
    CL_BPO_ALL = 16,
    CL_BPO_MYELINATED = 32
};

typedef struct cl_bpo_dist {
    char *name;
    char *fun;            /* NULL for "uniform" */
    char **pnames;        /* its own parameters ("constant" ...) */
    double *pvals;
    int *pset;            /* 1 once a distribution_NAME entry gave a value */
    size_t np;
    double soma_ref;      /* soma_ref_location, default 0.5 */
    char path[CL_BPO_PATH];
} cl_bpo_dist;

typedef struct cl_bpo_mech {
    unsigned loc;
    char *mech;
    char path[CL_BPO_PATH];
} cl_bpo_mech;

typedef enum { CL_BPO_GLOBAL, CL_BPO_UNIFORM, CL_BPO_DISTRIBUTED } cl_bpo_kind;

typedef struct cl_bpo_param {
    cl_bpo_kind kind;
    unsigned loc;   /* not for GLOBAL */
    char *name;
    double value;
    size_t dist;    /* DISTRIBUTED: index in dists */
    char path[CL_BPO_PATH];
} cl_bpo_param;

typedef struct cl_bpo_model {
    cl_bpo_mech *mechs;
    size_t nmechs;
    cl_bpo_dist *dists;
    size_t ndists;
    cl_bpo_param *params; /* in file order; distribution parameters are in dists */
    size_t nparams;
} cl_bpo_model;

/* Parse and check text (len bytes; need not be NUL-terminated). file names
 * the source in messages. 0 on success (free with cl_bpo_free), -1 with
 * err = "FILE: JSON.PATH: problem" (m is then empty). */
int cl_bpo_parse(const char *text, size_t len, const char *file, cl_bpo_model *m, char *err, size_t errlen);
void cl_bpo_free(cl_bpo_model *m);

/* The base lists of a location name ("apical", "alldend", ...): 0 if unknown. */
unsigned cl_bpo_location(const char *name);

#endif
