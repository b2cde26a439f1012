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
    sm->val = malloc(((size_t)mt->nvar * (size_t)sec->nseg + 1) * sizeof(double));
    if (!sm->val) return -1;
    for (int k = 0; k < mt->nvar; k++)
        for (int j = 0; j < sec->nseg; j++) sm->val[(size_t)k * sec->nseg + j] = mt->vars[k].dflt;
    return sec->nmech++;
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
