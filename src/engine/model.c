/* Editing a section's list of inserted mechanisms (the model description). */
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
    const cl_mech_type *mt = cl_eng_type(e, type);
    cl_sec_mech *sm = &sec->mech[sec->nmech];
    memset(sm, 0, sizeof *sm);
    sm->type = type;
    (void)mt; /* every variable starts at its default: nothing stored */
    return sec->nmech++;
}

double cl_sec_mech_get(const cl_engine *e, const cl_sec *sec, const cl_sec_mech *sm, int k, int j) {
    (void)sec;
    if (sm->col && sm->col[k]) return sm->col[k][j];
    return cl_eng_type(e, sm->type)->vars[k].dflt;
}

int cl_sec_mech_put(cl_engine *e, const cl_sec *sec, cl_sec_mech *sm, int k, int j, double value) {
    const cl_mech_type *mt = cl_eng_type(e, sm->type);
    if (!sm->col || !sm->col[k]) {
        /* the default, bit for bit (not -0 for 0): nothing to store */
        if (memcmp(&value, &mt->vars[k].dflt, sizeof value) == 0) return 0;
        if (!sm->col && !(sm->col = calloc((size_t)mt->nvar, sizeof *sm->col))) return -1;
        double *c = malloc((size_t)sec->nseg * sizeof *c);
        if (!c) return -1;
        for (int i = 0; i < sec->nseg; i++) c[i] = mt->vars[k].dflt;
        sm->col[k] = c;
    }
    sm->col[k][j] = value;
    return 0;
}

int cl_sec_mech_resample(cl_engine *e, cl_sec_mech *sm, int old_n, int new_n) {
    if (!sm->col) return 0;
    int nvar = cl_eng_type(e, sm->type)->nvar;
    for (int k = 0; k < nvar; k++) {
        if (!sm->col[k]) continue;
        double *c = malloc((size_t)new_n * sizeof *c);
        if (!c) return -1;
        for (int j = 0; j < new_n; j++) {
            int o = (int)(old_n * ((j + 0.5) / new_n));
            if (o >= old_n) o = old_n - 1;
            c[j] = sm->col[k][o];
        }
        free(sm->col[k]);
        sm->col[k] = c;
    }
    return 0;
}

void cl_sec_mech_free(cl_engine *e, cl_sec_mech *sm) {
    if (sm->col) {
        int nvar = cl_eng_type(e, sm->type)->nvar;
        for (int k = 0; k < nvar; k++) free(sm->col[k]);
    }
    free(sm->col);
    sm->col = NULL;
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
