/* BlueCelluLab's ball-and-stick cell (bluecellulab/cell/ballstick): a
 * Neurolucida contour soma, one dendrite of 200 segments at soma(0.5), hh in
 * every section with gnabar_hh = 0.24. Built on the public API only. */
#include <stdio.h>
#include <string.h>

#include "cellulab.h"
#include "morph/asc.h"
#include "morph/contour.h"
#include "sim/sim.h"

/* BlueCelluLab's ballstick/morphology.asc (Apache-2.0), kept here so the
 * built-in cell needs no file at run time. */
static const char ballstick_asc[] =
    "(\"CellBody\"\n  (Color Red)\n  (CellBody)\n  (10, 0, 0, 0)\n  (0, 10, 0, 0)\n"
    "  (-10, 0, 0, 0)\n  (0, -10, 0, 0)\n  (10, 0, 0, 0)\n);\n\n"
    "( (Color Green)\n  (Dendrite)\n  (10, 0, 0, 3)\n  (210, 0, 0, 3)\n);\n";

#define TRY(call)                          \
    do {                                   \
        cl_status st_ = (call);            \
        if (st_ != CL_OK) return st_;      \
    } while (0)

static cl_status build(cl_sim *s, const cl_asc_morph *m, const char *name, cl_cell *out) {
    const char *fn = "cl_cell_ballstick";
    if (m->nsomas != 1 || m->ntrees != 1 || m->trees[0].nbranches != 1 ||
        m->trees[0].type != CL_ASC_DENDRITE)
        return cl_fail(s, CL_EFORMAT, "%s: %s: expected one CellBody contour and one unbranched "
                                      "Dendrite (the ball-and-stick), found %zu contours and %zu trees",
                       fn, name, m->nsomas, m->ntrees);
    const cl_asc_contour *c = &m->somas[0];
    double cx[1024], cy[1024], cz[1024];
    if (c->npts < 3 || c->npts > 1024)
        return cl_fail(s, CL_EFORMAT, "%s: %s: soma contour has %zu points (expected 3 to 1024)", fn,
                       name, c->npts);
    for (size_t i = 0; i < c->npts; i++) { cx[i] = c->pts[i].x; cy[i] = c->pts[i].y; cz[i] = c->pts[i].z; }
    double px[CL_CONTOUR_NPTS], py[CL_CONTOUR_NPTS], pz[CL_CONTOUR_NPTS], pd[CL_CONTOUR_NPTS];
    char err[256];
    if (cl_contour_to_centroid(cx, cy, cz, c->npts, CL_SOMA_AXIS_NEURON8, px, py, pz, pd, err, sizeof err) != 0)
        return cl_fail(s, CL_EFORMAT, "%s: %s: soma contour: %s", fn, name, err);

    cl_cell cell;
    cl_section soma, dend;
    TRY(cl_cell_new(s, "ballstick", &cell));
    TRY(cl_section_new(s, cell, "soma[0]", &soma));
    for (int i = 0; i < CL_CONTOUR_NPTS; i++) TRY(cl_section_pt3dadd(s, soma, px[i], py[i], pz[i], pd[i]));
    TRY(cl_section_new(s, cell, "dend[0]", &dend));
    const cl_asc_branch *b = &m->trees[0].branches[0];
    for (size_t i = 0; i < b->npts; i++)
        TRY(cl_section_pt3dadd(s, dend, b->pts[i].x, b->pts[i].y, b->pts[i].z, b->pts[i].d));
    TRY(cl_section_connect(s, dend, soma, 0.5));
    TRY(cl_section_set_nseg(s, soma, 1));
    TRY(cl_section_set_nseg(s, dend, 200));
    TRY(cl_section_insert(s, soma, "hh"));
    TRY(cl_section_insert(s, dend, "hh"));
    TRY(cl_section_set(s, soma, "gnabar_hh", 0.24));
    TRY(cl_section_set(s, dend, "gnabar_hh", 0.24));
    *out = cell;
    return cl_ok(s);
}

cl_status cl_cell_ballstick(cl_sim *s, cl_cell *out) {
    if (!s) return CL_EINVAL;
    if (!out) return cl_fail(s, CL_EINVAL, "cl_cell_ballstick: out is NULL");
    out->id = 0;
    cl_asc_morph m;
    char err[512];
    if (cl_asc_parse(ballstick_asc, strlen(ballstick_asc), "ballstick.asc", &m, err, sizeof err) != 0)
        return cl_fail(s, CL_EFORMAT, "cl_cell_ballstick: %s", err);
    cl_status st = build(s, &m, "built-in ballstick.asc", out);
    cl_asc_free(&m);
    return st;
}

cl_status cl_cell_ballstick_from_file(cl_sim *s, const char *path, cl_cell *out) {
    if (!s) return CL_EINVAL;
    if (!path || !out) return cl_fail(s, CL_EINVAL, "cl_cell_ballstick_from_file: path and out must not be NULL");
    out->id = 0;
    cl_asc_morph m;
    char err[512];
    if (cl_asc_read(path, &m, err, sizeof err) != 0)
        return cl_fail(s, CL_EFORMAT, "cl_cell_ballstick_from_file: %s", err);
    cl_status st = build(s, &m, path, out);
    cl_asc_free(&m);
    return st;
}
