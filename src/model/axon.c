/* Axon replacement as published models require. The public API cannot
 * delete sections, so the morphology is loaded into a scratch simulation
 * and every non-axon section is copied (name, pt3d points, parent and
 * connection x, nseg) into a new cell of the caller's simulation; the new
 * axon sections are then added. Uses only the public API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_morph.h"
#include "model/model.h"
#include "sim/sim.h"

static int is_axon(const char *name) { return strncmp(name, "axon[", 5) == 0; }

/* BluePyOpt's default replace_axon hoc: D1 = D2 = diam(0.5) of axon[0];
 * with several axon sections D2 = diam(0.5) of the first (in order) whose
 * midpoint lies more than 60 µm from soma[0](0). */
static cl_status bpo_diams(cl_sim *s, cl_cell c, double *d1, double *d2) {
    size_t n, nax = 0;
    cl_status st;
    cl_section soma, first = {0};
    *d1 = *d2 = 1.;
    if ((st = cl_cell_section_count(s, c, &n)) != CL_OK) return st;
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        const char *nm;
        cl_cell_section_at(s, c, i, &sec);
        cl_section_name(s, sec, &nm);
        if (is_axon(nm) && nax++ == 0) first = sec;
    }
    if (nax == 0) return CL_OK;
    if ((st = cl_section_get_at(s, first, 0.5, "diam", d1)) != CL_OK) return st;
    *d2 = *d1;
    if (nax == 1) return CL_OK;
    if ((st = cl_cell_section(s, c, "soma[0]", &soma)) != CL_OK) return st;
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        const char *nm;
        double dist;
        cl_cell_section_at(s, c, i, &sec);
        cl_section_name(s, sec, &nm);
        if (!is_axon(nm)) continue;
        if ((st = cl_section_distance(s, soma, 0., sec, 0.5, &dist)) != CL_OK) return st;
        if (dist > 60) return cl_section_get_at(s, sec, 0.5, "diam", d2);
    }
    return CL_OK;
}

cl_status cl_cell_load_morphology_axon(cl_sim *sim, const char *path, const char *axon_rule,
                                       cl_cell *out) {
    if (!sim) return CL_EINVAL;
    cl_morph_options o = {0};
    o.axon = axon_rule;
    return cl_cell_load_morphology_opt(sim, path, &o, out);
}

typedef enum { RULE_BPO, RULE_PERI, RULE_ALLACT } stub_rule;

/* bmtk's fix_axon_allactive: D1 = diam(0.5) of axon[0], D2 = diam(0.5) of
 * the last axon section in creation order (`all`), as loaded (nseg 1). */
static cl_status allact_diams(cl_sim *s, cl_cell c, const char *path, double *d1, double *d2) {
    size_t n, nax = 0;
    cl_status st;
    if ((st = cl_cell_section_count(s, c, &n)) != CL_OK) return st;
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        const char *nm;
        cl_cell_section_at(s, c, i, &sec);
        cl_section_name(s, sec, &nm);
        if (!is_axon(nm)) continue;
        if ((st = cl_section_get_at(s, sec, 0.5, "diam", nax++ == 0 ? d1 : d2)) != CL_OK) return st;
    }
    if (nax == 0)
        return cl_fail(s, CL_EFORMAT,
                       "cl_cell_load_morphology: %s: axon rule aibs_allactive needs an axon (its stub takes the "
                       "axon's diameters), the file has none",
                       path);
    if (nax == 1) *d2 = *d1;
    return CL_OK;
}

/* Copy every section of src (tmp) into dst (sim) except the dropped axon:
 * names, points, nseg, logical connection points; connections are made in
 * the source's connection order so that NEURON's sibling order (and so the
 * node order) is kept. A section whose parent was dropped stays a root, as
 * after NEURON's delete_section. */
static cl_status copy_cell(cl_sim *sim, cl_sim *tmp, cl_cell src, cl_cell dst, int drop_axon) {
    size_t n;
    cl_status st = CL_OK;
    cl_cell_section_count(tmp, src, &n);
    int *map = malloc((n ? n : 1) * sizeof(int));     /* src position -> dst engine index, -1 dropped */
    size_t *ord = malloc((n ? n : 1) * sizeof(size_t)); /* src positions by connect_seq */
    cl_section *dsec = malloc((n ? n : 1) * sizeof(cl_section));
    if (!map || !ord || !dsec) {
        st = cl_fail(sim, CL_ENOMEM, "cl_cell_load_morphology: out of memory");
        goto out;
    }
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        cl_section a, b;
        const char *nm;
        size_t np;
        int nseg;
        map[i] = -1;
        ord[i] = i;
        cl_cell_section_at(tmp, src, i, &a);
        cl_section_name(tmp, a, &nm);
        if (drop_axon && is_axon(nm)) continue;
        if ((st = cl_section_new(sim, dst, nm, &b)) != CL_OK) break;
        dsec[i] = b;
        cl_section_n3d(tmp, a, &np);
        for (size_t k = 0; k < np && st == CL_OK; k++) {
            double x, y, z, d;
            cl_section_pt3d(tmp, a, k, &x, &y, &z, &d);
            st = cl_section_pt3dadd(sim, b, x, y, z, d);
        }
        if (st != CL_OK) break;
        cl_section_get_nseg(tmp, a, &nseg);
        if ((st = cl_section_set_nseg(sim, b, nseg)) != CL_OK) break;
        int ia = cl_handle_index(tmp, a.id, CL_TAG_SECTION, "copy", "a");
        int ib = cl_handle_index(sim, b.id, CL_TAG_SECTION, "copy", "b");
        map[i] = ib;
        const cl_sec *ea = &tmp->eng.sec[ia];
        cl_sec *eb = &sim->eng.sec[ib];
        eb->has_logical = ea->has_logical;
        eb->lx = ea->lx, eb->ly = ea->ly, eb->lz = ea->lz;
    }
    if (st != CL_OK) goto out;
    /* connect in the source's connection order (insertion sort: short) */
    for (size_t i = 1; i < n; i++) {
        size_t v = ord[i], j = i;
        cl_section sv, sw;
        cl_cell_section_at(tmp, src, v, &sv);
        long kv = tmp->eng.sec[cl_handle_index(tmp, sv.id, CL_TAG_SECTION, "copy", "a")].connect_seq;
        while (j > 0) {
            cl_cell_section_at(tmp, src, ord[j - 1], &sw);
            if (tmp->eng.sec[cl_handle_index(tmp, sw.id, CL_TAG_SECTION, "copy", "a")].connect_seq <= kv) break;
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = v;
    }
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        size_t k = ord[i];
        cl_section a, pa, pb;
        const char *pn;
        double px;
        if (map[k] < 0) continue;
        cl_cell_section_at(tmp, src, k, &a);
        if (cl_section_parent(tmp, a, &pa, &px) != CL_OK) continue;
        cl_section_name(tmp, pa, &pn);
        if (drop_axon && is_axon(pn)) continue;
        if ((st = cl_cell_section(sim, dst, pn, &pb)) != CL_OK) break;
        st = cl_section_connect(sim, dsec[k], pb, px);
    }
out:
    free(map);
    free(ord);
    free(dsec);
    return st;
}

cl_status cl_axon_load(cl_sim *sim, const char *path, const cl_morph_options *opt, cl_cell *out) {
    return cl_axon_load_nseg(sim, path, opt, NULL, out);
}

cl_status cl_axon_load_nseg(cl_sim *sim, const char *path, const cl_morph_options *opt, const cl_nseg_spec *pre,
                            cl_cell *out) {
    const char *axon_rule = opt->axon;
    stub_rule rule;
    if (strcmp(axon_rule, "bluepyopt") == 0) rule = RULE_BPO;
    else if (strcmp(axon_rule, "aibs_perisomatic") == 0) rule = RULE_PERI;
    else if (strcmp(axon_rule, "aibs_allactive") == 0) rule = RULE_ALLACT;
    else
        return cl_fail(sim, CL_EINVAL,
                       "cl_cell_load_morphology: %s: unknown axon rule \"%s\" (expected none, bluepyopt, "
                       "aibs_perisomatic or aibs_allactive)",
                       path, axon_rule);
    cl_sim *tmp;
    cl_cell src, dst;
    cl_status st;
    cl_morph_options plain = *opt;
    plain.axon = NULL;
    if ((st = cl_sim_new(&tmp)) != CL_OK) return cl_fail(sim, st, "cl_cell_load_morphology: out of memory");
    if ((st = cl_cell_load_morphology_opt(tmp, path, &plain, &src)) != CL_OK) {
        cl_fail(sim, st, "%s", cl_sim_errmsg(tmp));
        goto done;
    }
    /* BluePyOpt sets nseg before replace_axon: the diameters it reads
     * (diam at 0.5) are those of the segments this rule makes */
    if (pre && (st = cl_cell_discretize(tmp, src, pre->rule, pre->value, pre->freq_hz, pre->Ra)) != CL_OK) {
        cl_fail(sim, st, "%s: %s", path, cl_sim_errmsg(tmp));
        goto done;
    }
    double d1 = 1, d2 = 1;
    if (rule == RULE_BPO && (st = bpo_diams(tmp, src, &d1, &d2)) != CL_OK) goto done;
    if (rule == RULE_ALLACT && (st = allact_diams(tmp, src, path, &d1, &d2)) != CL_OK) {
        cl_fail(sim, st, "%s", cl_sim_errmsg(tmp));
        goto done;
    }
    if ((st = cl_cell_new(sim, NULL, &dst)) != CL_OK) goto done;
    if ((st = copy_cell(sim, tmp, src, dst, 1)) != CL_OK) goto done;
    cl_section soma, ax0, ax1;
    double dd[2] = {d1, d2};
    /* BluePyOpt and allactive connect the stub at soma[0](1), perisomatic at soma[0](0.5) */
    double at = rule == RULE_PERI ? 0.5 : 1.0;
    if ((st = cl_cell_section(sim, dst, "soma[0]", &soma)) != CL_OK) goto done;
    if ((st = cl_section_new(sim, dst, "axon[0]", &ax0)) != CL_OK) goto done;
    if ((st = cl_section_new(sim, dst, "axon[1]", &ax1)) != CL_OK) goto done;
    cl_section ax[2] = {ax0, ax1};
    for (int k = 0; k < 2 && st == CL_OK; k++) {
        if ((st = cl_section_set_L(sim, ax[k], 30.)) != CL_OK) break;
        if ((st = cl_section_set_diam(sim, ax[k], dd[k])) != CL_OK) break;
        /* BluePyOpt sets nseg by its rule; bmtk leaves 1 until its own rule runs */
        if (rule == RULE_BPO) st = cl_section_set_nseg(sim, ax[k], 1 + 2 * (int)(30. / 40.));
    }
    if (st == CL_OK) st = cl_section_connect(sim, ax0, soma, at);
    if (st == CL_OK) st = cl_section_connect(sim, ax1, ax0, 1.);
    /* bmtk calls h.define_shape(): the stub gets its 3-D points from there */
    if (st == CL_OK && rule != RULE_BPO) st = cl_define_shape(sim, dst);
    if (st == CL_OK) *out = dst;
done:
    cl_sim_free(tmp);
    return st;
}
