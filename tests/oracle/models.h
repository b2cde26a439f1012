/* Oracle models built with cellulab (twins of neuron_models.py). */
#ifndef CELLULAB_ORACLE_MODELS_H
#define CELLULAB_ORACLE_MODELS_H

#include <stddef.h>

#include "cellulab.h"

#define ORACLE_MAXVEC 40
#define ORACLE_TREE_NSEC 9

/* The vectors a model records, by the names neuron_models.py writes. */
typedef struct oracle_run {
    int n;
    const char *name[ORACLE_MAXVEC];
    cl_rec rec[ORACLE_MAXVEC];
    cl_netcon nc[ORACLE_MAXVEC];
    int is_spikes[ORACLE_MAXVEC];
    cl_pp apcount; /* tree model: its APCount */
} oracle_run;

int oracle_get(cl_sim *s, const oracle_run *r, int i, const double **data, size_t *n);

void oracle_hh1(cl_sim *s, double celsius, oracle_run *r);
void oracle_headline(cl_sim *s, int usetable, oracle_run *r);
void oracle_synapses(cl_sim *s, int usetable, oracle_run *r);
void oracle_tree(cl_sim *s, oracle_run *r, cl_section secs[ORACLE_TREE_NSEC]);
void oracle_ties(cl_sim *s, oracle_run *r);

#endif
