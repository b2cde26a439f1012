/* Import3d's section lists (somatic, axonal, basal, apical, all) and
 * BluePyOpt's compound ones (alldend, allact), by section name. */
#include <string.h>

#include "cellulab.h"
#include "cellulab_morph.h"
#include "sim/sim.h"

static int has_prefix(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

/* 1 if a section named nm belongs to list; -1 for an unknown list */
static int in_list(const char *list, const char *nm) {
    if (!strcmp(list, "all") || !strcmp(list, "allact")) return 1;
    if (!strcmp(list, "somatic")) return has_prefix(nm, "soma");
    if (!strcmp(list, "axonal")) return has_prefix(nm, "axon");
    if (!strcmp(list, "basal")) return has_prefix(nm, "dend[");
    if (!strcmp(list, "apical")) return has_prefix(nm, "apic");
    if (!strcmp(list, "alldend")) return has_prefix(nm, "dend[") || has_prefix(nm, "apic");
    return -1;
}

cl_status cl_cell_section_list(cl_sim *s, cl_cell cell, const char *list, cl_section *out, size_t cap,
                               size_t *n) {
    if (!s) return CL_EINVAL;
    if (!list || !n || (!out && cap))
        return cl_fail(s, CL_EINVAL, "cl_cell_section_list: list and n must not be NULL (out only with cap 0)");
    if (in_list(list, "") < 0)
        return cl_fail(s, CL_EINVAL,
                       "cl_cell_section_list: unknown section list \"%s\" (expected all, somatic, axonal, basal, "
                       "apical, alldend or allact)",
                       list);
    size_t count;
    cl_status st = cl_cell_section_count(s, cell, &count);
    if (st != CL_OK) return st;
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        cl_section sec;
        const char *nm;
        cl_cell_section_at(s, cell, i, &sec);
        cl_section_name(s, sec, &nm);
        if (in_list(list, nm) != 1) continue;
        if (k < cap) out[k] = sec;
        k++;
    }
    *n = k;
    return cl_ok(s);
}
