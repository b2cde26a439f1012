/* Loading compiled mechanism libraries (the .so that `cellulab
 * build-mechanisms` makes) into a simulation's type table. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_mech.h"
#include "mech/ion.h"
#include "sim/sim.h"

typedef const cl_mech_type *const *(*list_fn)(int *count);

/* Append a type; for the ions it uses that the table lacks, first an ion
 * type each (NEURON registers an ion when the first mechanism naming it is). */
static cl_status add_type(cl_sim *s, const char *path, const cl_mech_type *m) {
    cl_engine *e = &s->eng;
    if (!m || !m->name || m->nvar < 0 || (m->nvar && !m->vars) || m->nion < 0 || (m->nion && !m->ions))
        return cl_fail(s, CL_EFORMAT, "cl_sim_load_mechanisms: %s: a malformed mechanism description", path);
    if (cl_eng_find(e, m->name) >= 0)
        return cl_fail(s, CL_EINVAL, "cl_sim_load_mechanisms: %s: mechanism %s already exists (built in, or "
                                     "from a library loaded earlier)", path, m->name);
    for (int u = 0; u < m->nion; u++) {
        char name[64];
        snprintf(name, sizeof name, "%s_ion", m->ions[u].ion);
        if (cl_eng_find(e, name) >= 0) continue;
        if (e->ntypes + 2 > CL_MAX_TYPES || e->nowned >= CL_MAX_TYPES)
            return cl_fail(s, CL_EINVAL, "cl_sim_load_mechanisms: more than %d mechanism types", CL_MAX_TYPES);
        cl_mech_type *ion = cl_ion_type_new(m->ions[u].ion, m->ions[u].valence ? m->ions[u].valence : 1);
        if (!ion) return cl_fail(s, CL_ENOMEM, "cl_sim_load_mechanisms: out of memory");
        e->owned[e->nowned++] = ion;
        e->types[e->ntypes++] = ion;
    }
    if (e->ntypes + 1 > CL_MAX_TYPES)
        return cl_fail(s, CL_EINVAL, "cl_sim_load_mechanisms: more than %d mechanism types", CL_MAX_TYPES);
    e->types[e->ntypes++] = m;
    return CL_OK;
}

cl_status cl_sim_load_mechanisms(cl_sim *s, const char *path) {
    if (!s) return CL_EINVAL;
    if (!path) return cl_fail(s, CL_EINVAL, "cl_sim_load_mechanisms: path is NULL");
    cl_engine *e = &s->eng;
    if (e->nlibs >= (int)(sizeof e->libs / sizeof e->libs[0]))
        return cl_fail(s, CL_EINVAL, "cl_sim_load_mechanisms: too many libraries loaded");
    /* RTLD_LOCAL: two simulations may load libraries with the same names */
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) return cl_fail(s, CL_EIO, "cl_sim_load_mechanisms: %s: %s", path, dlerror());
    list_fn list;
    *(void **)&list = dlsym(h, CL_MECH_LIST_SYMBOL);
    if (!list) {
        int other = dlsym(h, "cellulab_mechanisms_v1") ? 1 : dlsym(h, "cellulab_mechanisms_v2") ? 2
                    : dlsym(h, "cellulab_mechanisms_v3") ? 3 : dlsym(h, "cellulab_mechanisms_v4") ? 4 : 0;
        dlclose(h);
        if (other)
            return cl_fail(s, CL_EFORMAT, "cl_sim_load_mechanisms: %s: built for an older cellulab (mechanism "
                                          "ABI %d, this is %d): rebuild it with cellulab build-mechanisms --force",
                           path, other, CL_MECH_ABI_VERSION);
        return cl_fail(s, CL_EFORMAT, "cl_sim_load_mechanisms: %s: not a cellulab mechanism library (no "
                                      "%s; build it with cellulab build-mechanisms)", path, CL_MECH_LIST_SYMBOL);
    }
    int n = 0;
    const cl_mech_type *const *types = list(&n);
    if (n < 0 || (n && !types)) {
        dlclose(h);
        return cl_fail(s, CL_EFORMAT, "cl_sim_load_mechanisms: %s: a malformed mechanism list", path);
    }
    int ntypes0 = e->ntypes, nowned0 = e->nowned;
    for (int i = 0; i < n; i++) {
        cl_status st = add_type(s, path, types[i]);
        if (st != CL_OK) { /* all or nothing */
            for (int k = nowned0; k < e->nowned; k++) cl_ion_type_free(e->owned[k]);
            e->nowned = nowned0;
            e->ntypes = ntypes0;
            dlclose(h);
            return st;
        }
    }
    e->libs[e->nlibs++] = h;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}
