/* Editing a section's list of inserted mechanisms (the model description). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine.h"
#include "util/util.h"

int cl_sec_mech_find(const cl_sec *sec, int type) {
    for (int m = 0; m < sec->nmech; m++)
        if (sec->mech[m].type == type) return m;
    return -1;
}

/* Insert type in sec (no-op if present); returns its index or -1 (no memory). */
int cl_sec_insert_type(cl_engine *e, cl_sec *sec, int type) {
    int m = cl_sec_mech_find(sec, type);
    if (m >= 0) return m;
    size_t cap = (size_t)sec->capmech;
    if (CL_GROW(sec->mech, cap, (size_t)sec->nmech + 1) != 0) return -1;
    sec->capmech = (int)cap;
    (void)e; /* the type's defaults need no storage until a value is set */
    cl_sec_mech *sm = &sec->mech[sec->nmech];
    memset(sm, 0, sizeof *sm); /* every variable at its default: nothing stored */
    sm->type = type;
    return sec->nmech++;
}

/* The parts of a section mechanism's store (engine.h). */
static size_t store_head(int nvar) { return ((size_t)nvar * sizeof(int16_t) + 7) / 8 * 8; }
static const int16_t *store_slot(const cl_sec_mech *sm) { return (const int16_t *)sm->store; }
static double *store_col(const cl_sec_mech *sm, int nvar, int nseg, int c) {
    return (double *)(void *)((char *)sm->store + store_head(nvar)) + (size_t)c * (size_t)nseg;
}

double cl_sec_mech_get(const cl_engine *e, const cl_sec *sec, const cl_sec_mech *sm, int k, int j) {
    const cl_mech_type *mt = cl_eng_type(e, sm->type);
    if (sm->store && store_slot(sm)[k] >= 0) return store_col(sm, mt->nvar, sec->nseg, store_slot(sm)[k])[j];
    return mt->vars[k].dflt;
}

int cl_sec_mech_put(cl_engine *e, const cl_sec *sec, cl_sec_mech *sm, int k, int j, double value) {
    const cl_mech_type *mt = cl_eng_type(e, sm->type);
    if (!sm->store || store_slot(sm)[k] < 0) {
        /* the default, bit for bit (not -0 for 0): nothing to store */
        if (memcmp(&value, &mt->vars[k].dflt, sizeof value) == 0) return 0;
        if (mt->nvar > INT16_MAX) return -1;
        size_t head = store_head(mt->nvar), nseg = (size_t)sec->nseg;
        char *st = realloc(sm->store, head + ((size_t)sm->ncol + 1) * nseg * sizeof(double));
        if (!st) return -1;
        if (!sm->store)
            for (int q = 0; q < mt->nvar; q++) ((int16_t *)(void *)st)[q] = -1;
        sm->store = st;
        ((int16_t *)sm->store)[k] = (int16_t)sm->ncol;
        double *c = store_col(sm, mt->nvar, sec->nseg, sm->ncol++);
        for (size_t q = 0; q < nseg; q++) c[q] = mt->vars[k].dflt;
    }
    store_col(sm, mt->nvar, sec->nseg, store_slot(sm)[k])[j] = value;
    return 0;
}

int cl_sec_mech_resample(cl_engine *e, cl_sec_mech *sm, int old_n, int new_n) {
    if (!sm->store) return 0;
    int nvar = cl_eng_type(e, sm->type)->nvar;
    size_t head = store_head(nvar);
    cl_sec_mech n = *sm;
    n.store = malloc(head + (size_t)sm->ncol * (size_t)new_n * sizeof(double));
    if (!n.store) return -1;
    memcpy(n.store, sm->store, head);
    for (int c = 0; c < sm->ncol; c++) {
        const double *o = store_col(sm, nvar, old_n, c);
        double *d = store_col(&n, nvar, new_n, c);
        for (int j = 0; j < new_n; j++) {
            int q = (int)(old_n * ((j + 0.5) / new_n));
            if (q >= old_n) q = old_n - 1;
            d[j] = o[q];
        }
    }
    free(sm->store);
    sm->store = n.store;
    return 0;
}

void cl_sec_mech_free(cl_engine *e, cl_sec_mech *sm) {
    (void)e;
    free(sm->store);
    sm->store = NULL;
    sm->ncol = 0;
}

/* Description values of variable k in every segment, or NULL while it has
 * its default everywhere. */
const double *cl_sec_mech_column(const cl_engine *e, const cl_sec *sec, const cl_sec_mech *sm, int k) {
    if (!sm->store || store_slot(sm)[k] < 0) return NULL;
    return store_col(sm, cl_eng_type(e, sm->type)->nvar, sec->nseg, store_slot(sm)[k]);
}

/* Make sure the ions a mechanism uses are in the section, with its flags. */
int cl_sec_add_ions(cl_engine *e, cl_sec *sec, const cl_mech_type *mt) {
    for (int u = 0; u < mt->nion; u++) {
        char name[32];
        snprintf(name, sizeof name, "%s_ion", mt->ions[u].ion);
        int it = cl_eng_find(e, name);
        if (it < 0) return -1;
        int m = cl_sec_insert_type(e, sec, it);
        if (m < 0) return -1;
        sec->mech[m].style |= mt->ions[u].flags;
    }
    return 0;
}

double cl_pp_val_get(const cl_engine *e, const cl_ppobj *p, int k) {
    for (int i = 0; i < p->nset; i++)
        if (p->set[i].k == k) return p->set[i].v;
    return cl_eng_type(e, p->type)->vars[k].dflt;
}

int cl_pp_val_put(cl_engine *e, cl_ppobj *p, int k, double value) {
    for (int i = 0; i < p->nset; i++)
        if (p->set[i].k == k) { p->set[i].v = value; return 0; }
    /* the default, bit for bit (not -0 for 0): nothing to store */
    if (memcmp(&value, &cl_eng_type(e, p->type)->vars[k].dflt, sizeof value) == 0) return 0;
    /* one entry more at a time: lists stay short and allocations exact */
    cl_ppval *n = realloc(p->set, ((size_t)p->nset + 1) * sizeof *n);
    if (!n) return -1;
    p->set = n;
    p->set[p->nset++] = (cl_ppval){k, value};
    return 0;
}
