/* Axon replacement as published models require. The public API cannot
 * delete sections, so the morphology is loaded into a scratch simulation
 * and every non-axon section is copied (name, pt3d points, parent and
 * connection x, nseg) into a new cell of the caller's simulation; the new
 * axon sections are then added. Uses only the public API. */
#include <stdio.h>
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

cl_status cl_axon_load(cl_sim *sim, const char *path, const cl_morph_options *opt, cl_cell *out) {
    return cl_axon_load_nseg(sim, path, opt, NULL, out);
}

cl_status cl_axon_load_nseg(cl_sim *sim, const char *path, const cl_morph_options *opt, const cl_nseg_spec *pre,
                            cl_cell *out) {
    const char *axon_rule = opt->axon;
    int bpo = strcmp(axon_rule, "bluepyopt") == 0;
    if (!bpo)
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
    if (bpo && (st = bpo_diams(tmp, src, &d1, &d2)) != CL_OK) goto done;
    if ((st = cl_cell_new(sim, NULL, &dst)) != CL_OK) goto done;
    size_t n;
    cl_cell_section_count(tmp, src, &n);
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        cl_section a, b, pa, pb;
        const char *nm, *pn;
        size_t np;
        int nseg;
        double px;
        cl_cell_section_at(tmp, src, i, &a);
        cl_section_name(tmp, a, &nm);
        if (bpo && is_axon(nm)) continue;
        if ((st = cl_section_new(sim, dst, nm, &b)) != CL_OK) break;
        cl_section_n3d(tmp, a, &np);
        for (size_t k = 0; k < np && st == CL_OK; k++) {
            double x, y, z, d;
            cl_section_pt3d(tmp, a, k, &x, &y, &z, &d);
            st = cl_section_pt3dadd(sim, b, x, y, z, d);
        }
        if (st != CL_OK) break;
        cl_section_get_nseg(tmp, a, &nseg);
        if ((st = cl_section_set_nseg(sim, b, nseg)) != CL_OK) break;
        if (cl_section_parent(tmp, a, &pa, &px) == CL_OK) {
            cl_section_name(tmp, pa, &pn);
            if ((st = cl_cell_section(sim, dst, pn, &pb)) != CL_OK) break;
            st = cl_section_connect(sim, b, pb, px);
        }
    }
    if (st == CL_OK && bpo) {
        cl_section soma, ax0, ax1;
        double dd[2] = {d1, d2};
        if ((st = cl_cell_section(sim, dst, "soma[0]", &soma)) != CL_OK) goto done;
        if ((st = cl_section_new(sim, dst, "axon[0]", &ax0)) != CL_OK) goto done;
        if ((st = cl_section_new(sim, dst, "axon[1]", &ax1)) != CL_OK) goto done;
        cl_section ax[2] = {ax0, ax1};
        for (int k = 0; k < 2 && st == CL_OK; k++) {
            if ((st = cl_section_set_L(sim, ax[k], 30.)) != CL_OK) break;
            if ((st = cl_section_set_diam(sim, ax[k], dd[k])) != CL_OK) break;
            st = cl_section_set_nseg(sim, ax[k], 1 + 2 * (int)(30. / 40.));
        }
        if (st == CL_OK) st = cl_section_connect(sim, ax0, soma, 1.);
        if (st == CL_OK) st = cl_section_connect(sim, ax1, ax0, 1.);
    }
    if (st == CL_OK) *out = dst;
done:
    cl_sim_free(tmp);
    return st;
}
