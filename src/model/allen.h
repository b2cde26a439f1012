/* The Allen fit JSON, read and checked (src/model/allen_json.c). Split from
 * the loader so that the fuzz target and the unit tests can parse a text
 * and apply it to a cell of their own. */
#ifndef CELLULAB_MODEL_ALLEN_H
#define CELLULAB_MODEL_ALLEN_H

#include <stddef.h>

#include <jansson.h>

#include "cellulab.h"

typedef struct cl_allen_gene {
    const char *section, *name, *mech; /* borrowed from the JSON; mech "" for none */
    double value;
} cl_allen_gene;

typedef struct cl_allen_fit {
    json_t *root; /* owns the strings */
    int allactive;
    int has_ra, has_e_pas, has_cm, has_celsius, has_v_init;
    double ra, e_pas, celsius, v_init;
    struct { const char *section; double value; } *cm;
    size_t ncm;
    cl_allen_gene *gene; /* allactive "glob" entries have name NULL */
    size_t ngene;
    struct { const char *section; double ena, ek; } *erev;
    size_t nerev;
} cl_allen_fit;

/* Parse and check a fit JSON text for a recipe (NULL or "aibs_perisomatic",
 * "aibs_allactive"); file names it in messages. On failure *out is empty
 * and cl_sim_errmsg names file and JSON path. */
cl_status cl_allen_fit_parse_text(cl_sim *sim, const char *text, size_t len, const char *file,
                                  const char *recipe, cl_allen_fit *out);

/* Apply the passive properties, genome and reversal potentials to every
 * section of cell (by the 4-character section type), in bmtk's order. */
cl_status cl_allen_fit_apply(cl_sim *sim, cl_cell cell, const cl_allen_fit *fit, const char *file);

void cl_allen_fit_free(cl_allen_fit *fit);

#endif
