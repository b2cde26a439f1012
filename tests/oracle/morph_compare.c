/* Morphology oracle: cellulab's cl_cell_load_morphology against NEURON 8.2's
 * Import3d (reference files from neuron_morph.py): section number, names,
 * order, parents and connection x exactly; pt3d points exactly (float);
 * segment area and ri to 1e-9 relative (nseg = 1). HDF5 files (and each
 * cell of an HDF5 container) are loaded directly here; the reference read
 * the equivalent text file that neuron_morph.py wrote.
 * usage: morph_compare REFDIR [PT3D_DIGITS]
 * (PT3D_DIGITS: cl_morph_options.pt3d_digits, e.g. 6 against neuron_morph_bmtk.py) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_morph.h"

#define TOL 1e-9

static int pt3d_digits; /* 0: the default */

static double rel(double a, double b) {
    double m = fmax(fabs(a), fabs(b));
    return m == 0 ? 0 : fabs(a - b) / m;
}

static int compare(const char *ref) {
    FILE *f = fopen(ref, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", ref); return 1; }
    char line[4096], path[4096] = "", cellname[1024] = "";
    /* "file PATH [CELL]": CELL names the cell of an HDF5 container */
    if (!fgets(line, sizeof line, f) || sscanf(line, "file %4095s %1023s", path, cellname) < 1) {
        fprintf(stderr, "%s: bad header\n", ref); fclose(f); return 1;
    }
    cl_sim *sim;
    if (cl_sim_new(&sim) != CL_OK) { fclose(f); return 1; }
    cl_cell cell;
    int fails = 0;
    /* NEURON 8.2 is the reference: its soma orientation */
    if (cl_cell_load_morphology_opt(sim, path, &(cl_morph_options){.soma = CL_SOMA_NEURON82, .h5_cell = *cellname ? cellname : NULL,
                                                                    .pt3d_digits = pt3d_digits},
                                    &cell) != CL_OK) {
        fprintf(stderr, "%s: load failed: %s\n", path, cl_sim_errmsg(sim));
        cl_sim_free(sim); fclose(f); return 1;
    }
    size_t nsec = 0;
    cl_cell_section_count(sim, cell, &nsec);
    size_t isec = 0, ipt = 0, nref = 0;
    int iseg = 0;
    cl_section sec = {0};
    double maxpt = 0, maxarea = 0, maxri = 0;
    while (fgets(line, sizeof line, f)) {
        char name[256], pname[256];
        double px, a, b, c, d;
        int nseg, n3d;
        if (sscanf(line, "sec %255s %255s %lf %d %d", name, pname, &px, &nseg, &n3d) == 5) {
            nref++;
            if (isec >= nsec) { fprintf(stderr, "%s: cellulab has only %zu sections\n", path, nsec); fails++; break; }
            cl_cell_section_at(sim, cell, isec++, &sec);
            const char *nm = "";
            cl_section_name(sim, sec, &nm);
            if (strcmp(nm, name) != 0) { fprintf(stderr, "%s: section %zu: %s, NEURON %s\n", path, isec - 1, nm, name); fails++; break; }
            cl_section par; double x = 0; const char *pn = "-";
            if (cl_section_parent(sim, sec, &par, &x) == CL_OK) cl_section_name(sim, par, &pn);
            if (strcmp(pn, pname) != 0 || x != px) {
                fprintf(stderr, "%s: %s parent %s(%g), NEURON %s(%g)\n", path, name, pn, x, pname, px); fails++;
            }
            cl_section_set_nseg(sim, sec, nseg);
            size_t n = 0;
            cl_section_n3d(sim, sec, &n);
            if ((int)n != n3d) { fprintf(stderr, "%s: %s has %zu points, NEURON %d\n", path, name, n, n3d); fails++; break; }
            ipt = 0; iseg = 0;
        } else if (sscanf(line, "pt %lf %lf %lf %lf", &a, &b, &c, &d) == 4) {
            double x, y, z, dd;
            cl_section_pt3d(sim, sec, ipt++, &x, &y, &z, &dd);
            double r = fmax(fmax(rel(x, a), rel(y, b)), fmax(rel(z, c), rel(dd, d)));
            if (r > maxpt) maxpt = r;
            if (r > 0 && getenv("MORPH_DEBUG")) fprintf(stderr, "pt %zu: %.9g %.9g %.9g %.9g vs %.9g %.9g %.9g %.9g\n", ipt - 1, x, y, z, dd, a, b, c, d);
        } else if (sscanf(line, "seg %lf %lf", &a, &b) == 2) {
            int ns = 1;
            cl_section_get_nseg(sim, sec, &ns);
            double xx = (iseg + 0.5) / ns, ar = 0, ri = 0;
            iseg++;
            cl_section_area(sim, sec, xx, &ar);
            cl_section_ri(sim, sec, xx, &ri);
            if (rel(ar, a) > maxarea) maxarea = rel(ar, a);
            if (rel(ri, b) > maxri) maxri = rel(ri, b);
        }
    }
    fclose(f);
    if (!fails && nref != nsec) { fprintf(stderr, "%s: %zu sections, NEURON %zu\n", path, nsec, nref); fails++; }
    if (maxpt != 0 || maxarea > TOL || maxri > TOL) fails++;
    printf("%s %s%s%s: %zu sections, max rel diff pt3d %.3g area %.3g ri %.3g\n", fails ? "FAIL" : "ok", path,
           *cellname ? " cell " : "", cellname, nref,
           maxpt, maxarea, maxri);
    cl_sim_free(sim);
    return fails != 0;
}

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) { fprintf(stderr, "usage: morph_compare REFDIR [PT3D_DIGITS]\n"); return 2; }
    if (argc == 3) pt3d_digits = atoi(argv[2]);
    char idx[4096];
    snprintf(idx, sizeof idx, "%s/index.txt", argv[1]);
    FILE *f = fopen(idx, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", idx); return 1; }
    char line[4096];
    int fails = 0, n = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!*line) continue;
        size_t L = strlen(line);
        (void)L;
        n++;
        fails += compare(line);
    }
    fclose(f);
    printf("%d of %d morphologies differ\n", fails, n);
    return fails != 0;
}
