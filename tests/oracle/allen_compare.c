/* Allen oracle (references from neuron_allen.py, NEURON 8.2 built as bmtk
 * builds the cells).
 *
 *   allen_compare geom REFFILE
 *     each SWC with each stub rule (cl_cell_load_morphology_opt with axon
 *     "aibs_perisomatic" / "aibs_allactive", CL_SOMA_NEURON82) and then
 *     bmtk's nseg rule: sections (names, parents, connection x, nseg), L,
 *     every pt3d point, every segment's area and ri must equal NEURON's
 *     exactly (same float points, same arithmetic: no tolerance).
 *   allen_compare dyn LIBMECH REFDIR
 *     the five 5_cells_iclamp cells through cl_cell_load_model (fit JSON,
 *     aibs_perisomatic) and the all-active fit 318331342 (aibs_allactive)
 *     on Rorb_325404214_m, 0.4 nA (0.8 nA for the all-active cell) from 100 to 1100 ms, 1200 ms, dt 0.025,
 *     34 degC, v_init -80: soma voltage at every step within 1e-6 mV of
 *     NEURON's (the brief's bound; the same operations in the same order
 *     are expected to give 0), and the built cell's geometry (sections,
 *     nseg, L, areas, ri) exactly NEURON's.
 * Prints the largest differences. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_model.h"
#include "cellulab_morph.h"

typedef struct {
    int bad, nsec, nseg, npt;
    double worst_geom; /* largest relative difference of L, area, ri */
} tally;

static double rel(double a, double b) {
    double m = fmax(fabs(a), fabs(b));
    return m == 0 ? 0 : fabs(a - b) / m;
}

/* Compare one cell with the sec/pt/seg lines of f until the next "file"
 * line or EOF (that line, if any, is left in line). */
static void compare_cell(FILE *f, char *line, size_t cap, cl_sim *sim, cl_cell cell, const char *label, tally *t) {
    char name[256], pname[256];
    cl_section sec = {0};
    int nseg = 0, iseg = 0, n3d = 0, ipt = 0, have = 0;
    size_t want = 0;
    double px, L;
    line[0] = 0;
    while (fgets(line, (int)cap, f)) {
        double a, b, c, d;
        if (strncmp(line, "file ", 5) == 0) break;
        if (sscanf(line, "sec %255s %255s %lf %d %lf %d", name, pname, &px, &nseg, &L, &n3d) == 6) {
            want++;
            t->nsec++;
            iseg = ipt = 0;
            have = cl_cell_section(sim, cell, name, &sec) == CL_OK;
            if (!have) {
                fprintf(stderr, "%s: %s missing\n", label, name);
                t->bad++;
                continue;
            }
            cl_section p;
            double gx, gL;
            int gn;
            size_t gnp;
            const char *gp = "-";
            if (cl_section_parent(sim, sec, &p, &gx) == CL_OK) cl_section_name(sim, p, &gp);
            else gx = 0;
            cl_section_get_nseg(sim, sec, &gn);
            cl_section_get_L(sim, sec, &gL);
            cl_section_n3d(sim, sec, &gnp);
            if (rel(gL, L) > t->worst_geom) t->worst_geom = rel(gL, L);
            if (strcmp(gp, pname) != 0 || gx != px || gn != nseg || gL != L || (n3d && (int)gnp != n3d)) {
                fprintf(stderr, "%s %s: parent %s(%g) nseg %d L %.17g n3d %zu; NEURON %s(%g) %d %.17g %d\n", label,
                        name, gp, gx, gn, gL, gnp, pname, px, nseg, L, n3d);
                t->bad++;
            }
        } else if (sscanf(line, "pt %lf %lf %lf %lf", &a, &b, &c, &d) == 4 && have) {
            double x, y, z, dd;
            t->npt++;
            if (cl_section_pt3d(sim, sec, (size_t)ipt++, &x, &y, &z, &dd) != CL_OK || x != a || y != b || z != c ||
                dd != d) {
                fprintf(stderr, "%s %s pt %d: (%.9g %.9g %.9g %.9g); NEURON (%.9g %.9g %.9g %.9g)\n", label, name,
                        ipt - 1, x, y, z, dd, a, b, c, d);
                t->bad++;
            }
        } else if (sscanf(line, "seg %lf %lf", &a, &b) == 2 && have) {
            double x = (iseg + 0.5) / nseg, ga, gr;
            iseg++;
            t->nseg++;
            cl_section_area(sim, sec, x, &ga);
            cl_section_ri(sim, sec, x, &gr);
            double r = fmax(rel(ga, a), rel(gr, b));
            if (r > t->worst_geom) t->worst_geom = r;
            if (ga != a || gr != b) {
                fprintf(stderr, "%s %s(%g): area %.17g ri %.17g; NEURON %.17g %.17g\n", label, name, x, ga, gr, a,
                        b);
                t->bad++;
            }
        }
    }
    size_t n;
    cl_cell_section_count(sim, cell, &n);
    if (n != want) {
        fprintf(stderr, "%s: %zu sections, NEURON %zu\n", label, n, want);
        t->bad++;
    }
}

static int geom(const char *ref) {
    FILE *f = fopen(ref, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", ref); return 1; }
    static char line[8192];
    char path[4096], rule[64], label[4200];
    tally t = {0};
    int ncells = 0;
    if (!fgets(line, sizeof line, f)) { fclose(f); return 1; }
    while (sscanf(line, "file %4095s %63s", path, rule) == 2) {
        cl_sim *sim;
        cl_cell cell;
        cl_morph_options o = {.soma = CL_SOMA_NEURON82, .axon = rule};
        snprintf(label, sizeof label, "%s [%s]", path, rule);
        if (cl_sim_new(&sim) != CL_OK || cl_cell_load_morphology_opt(sim, path, &o, &cell) != CL_OK ||
            cl_cell_discretize(sim, cell, CL_NSEG_MAXLEN, 20, 100, 35.4) != CL_OK) {
            fprintf(stderr, "%s: cannot load: %s\n", label, cl_sim_errmsg(sim));
            fclose(f);
            return 1;
        }
        ncells++;
        compare_cell(f, line, sizeof line, sim, cell, label, &t);
        cl_sim_free(sim);
    }
    fclose(f);
    printf("allen stubs: %d cells, %d sections, %d points, %d segments, %d mismatches, worst L/area/ri rel %.3g\n",
           ncells, t.nsec, t.npt, t.nseg, t.bad, t.worst_geom);
    return t.bad || ncells == 0 ? 1 : 0;
}

static int dyn(const char *lib, const char *refdir) {
    char p[4200], line[8192], id[64], morph[4096], fit[4096], recipe[64];
    snprintf(p, sizeof p, "%s/cells.txt", refdir);
    FILE *cells = fopen(p, "r");
    if (!cells) { fprintf(stderr, "%s: cannot open\n", p); return 1; }
    int bad = 0, ncells = 0;
    double worst = 0;
    while (fgets(line, sizeof line, cells)) {
        double amp;
        if (sscanf(line, "%63s %4095s %4095s %63s %lf", id, morph, fit, recipe, &amp) != 5) continue;
        cl_sim *sim;
        cl_cell cell;
        cl_section soma;
        cl_pp stim;
        cl_model_options o = {0};
        o.morph.soma = CL_SOMA_NEURON82;
        o.recipe = recipe;
        if (cl_sim_new(&sim) != CL_OK || cl_sim_load_mechanisms(sim, lib) != CL_OK ||
            cl_cell_load_model(sim, morph, fit, &o, &cell) != CL_OK || cl_cell_section(sim, cell, "soma[0]", &soma) ||
            cl_pp_new(sim, "IClamp", soma, 0.5, &stim) != CL_OK || cl_pp_set(sim, stim, "del", 100) != CL_OK ||
            cl_pp_set(sim, stim, "dur", 1000) != CL_OK || cl_pp_set(sim, stim, "amp", amp) != CL_OK ||
            cl_sim_set_celsius(sim, 34) != CL_OK || cl_sim_set_v_init(sim, -80) != CL_OK ||
            cl_sim_set_dt(sim, 0.025) != CL_OK || cl_sim_run(sim, 1200) != CL_OK) {
            fprintf(stderr, "%s: %s\n", id, cl_sim_errmsg(sim));
            return 1;
        }
        ncells++;
        const double *v;
        size_t n;
        cl_cell_get_soma_voltage(sim, cell, &v, &n);
        snprintf(p, sizeof p, "%s/%s.txt", refdir, id);
        FILE *f = fopen(p, "r");
        if (!f) { fprintf(stderr, "%s: cannot open\n", p); return 1; }
        size_t k = 0;
        double m = 0, r;
        int nsp = 0;
        while (fscanf(f, "%lf", &r) == 1) {
            if (k < n) {
                if (fabs(v[k] - r) > m) m = fabs(v[k] - r);
                if (k > 0 && v[k - 1] <= -15 && v[k] > -15) nsp++;
            }
            k++;
        }
        fclose(f);
        if (k != n) { fprintf(stderr, "%s: %zu samples, NEURON %zu\n", id, n, k); m = INFINITY; }
        if (m > worst) worst = m;
        if (m > 1e-6) bad++; /* the brief's bound; 0 is expected */
        tally t = {0};
        snprintf(p, sizeof p, "%s/%s.geom", refdir, id);
        f = fopen(p, "r");
        if (!f) { fprintf(stderr, "%s: cannot open\n", p); return 1; }
        compare_cell(f, line, sizeof line, sim, cell, id, &t);
        fclose(f);
        bad += t.bad;
        printf("%s: %zu samples, %d spikes, max |dv| %.3g mV; %d sections, %d segments, %d geometry mismatches\n", id,
               n, nsp, m, t.nsec, t.nseg, t.bad);
        cl_sim_free(sim);
    }
    fclose(cells);
    printf("allen dynamics: %d cells, worst max |dv| %.3g mV, %d failures\n", ncells, worst, bad);
    return bad || ncells == 0 ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "geom") == 0) return geom(argv[2]);
    if (argc == 4 && strcmp(argv[1], "dyn") == 0) return dyn(argv[2], argv[3]);
    fprintf(stderr, "usage: allen_compare geom REFFILE | allen_compare dyn LIBMECH REFDIR\n");
    return 2;
}
