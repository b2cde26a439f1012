/* Discretisation oracle: cl_cell_discretize's rules against NEURON 8.2
 * (reference from neuron_discretize.py): per section nseg identical,
 * lambda_f to 1e-12 relative; where NEURON's lambda_f fails (0 diameter)
 * cellulab must refuse with CL_EINVAL.
 * With AXONFILE (neuron_discretize.py's third output), each cell loaded by
 * cl_cell_load_morphology_axon(..., "bluepyopt", ...) must have NEURON's
 * sections (by name), parents, connection x and nseg exactly, L, segment
 * area and ri to 1e-9 relative.
 * usage: discretize_compare REFFILE [AXONFILE] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_morph.h"

static double rel(double a, double b) {
    double m = fmax(fabs(a), fabs(b));
    return m == 0 ? 0 : fabs(a - b) / m;
}

static int axon_compare(const char *ref) {
    FILE *f = fopen(ref, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", ref); return 1; }
    char line[4096], path[4096] = "", name[256], pname[256];
    cl_sim *sim = NULL;
    cl_cell cell = {0};
    cl_section sec = {0};
    int nseg = 0, iseg = 0, bad = 0, ncells = 0, nsecs = 0;
    size_t want = 0;
    double px, L, area, ri, worst = 0;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "file %4095s", path) == 1) {
            size_t n;
            if (sim) {
                cl_cell_section_count(sim, cell, &n);
                if (n != want) { fprintf(stderr, "%s: %zu sections, NEURON %zu\n", path, n, want); bad++; }
                cl_sim_free(sim);
            }
            want = 0;
            if (cl_sim_new(&sim) != CL_OK ||
                cl_cell_load_morphology_opt(sim, path, &(cl_morph_options){.soma = CL_SOMA_NEURON82, .axon = "bluepyopt"}, &cell) != CL_OK) {
                fprintf(stderr, "%s: cannot load with replace_axon\n", path);
                return 1;
            }
            ncells++;
        } else if (sscanf(line, "sec %255s %255s %lf %d %lf", name, pname, &px, &nseg, &L) == 5) {
            want++;
            nsecs++;
            iseg = 0;
            if (cl_cell_section(sim, cell, name, &sec) != CL_OK) {
                fprintf(stderr, "%s: %s missing\n", path, name);
                bad++;
                sec.id = 0;
                continue;
            }
            cl_section p;
            double gx, gL;
            int gn;
            const char *gp = "-";
            if (cl_section_parent(sim, sec, &p, &gx) == CL_OK) cl_section_name(sim, p, &gp);
            else gx = 0;
            cl_section_get_nseg(sim, sec, &gn);
            cl_section_get_L(sim, sec, &gL);
            if (strcmp(gp, pname) != 0 || gx != px || gn != nseg || rel(gL, L) > 1e-9) {
                fprintf(stderr, "%s %s: parent %s(%g) nseg %d L %.17g; NEURON %s(%g) %d %.17g\n",
                        path, name, gp, gx, gn, gL, pname, px, nseg, L);
                bad++;
            }
        } else if (sscanf(line, "seg %lf %lf", &area, &ri) == 2 && sec.id) {
            double x = (iseg + 0.5) / nseg, ga, gr;
            iseg++;
            cl_section_area(sim, sec, x, &ga);
            cl_section_ri(sim, sec, x, &gr);
            double r = fmax(rel(ga, area), rel(gr, ri));
            if (r > worst) worst = r;
            if (r > 1e-9) {
                fprintf(stderr, "%s %s(%g): area %.17g ri %.17g; NEURON %.17g %.17g\n", path, name,
                        x, ga, gr, area, ri);
                bad++;
            }
        }
    }
    fclose(f);
    if (sim) {
        size_t n;
        cl_cell_section_count(sim, cell, &n);
        if (n != want) { fprintf(stderr, "%s: %zu sections, NEURON %zu\n", path, n, want); bad++; }
        cl_sim_free(sim);
    }
    printf("replace_axon: %d cells, %d sections, %d mismatches, worst area/ri rel %.3g\n", ncells,
           nsecs, bad, worst);
    return bad ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc != 2 && argc != 3) {
        fprintf(stderr, "usage: discretize_compare REFFILE [AXONFILE]\n");
        return 2;
    }
    if (argc == 3 && axon_compare(argv[2]) != 0) return 1;
    FILE *f = fopen(argv[1], "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", argv[1]); return 1; }
    char line[4096], path[4096], kind[32], name[256], lfs[64];
    cl_sim *sim = NULL;
    cl_cell cell = {0};
    cl_nseg_rule rule = CL_NSEG_FIXED;
    double value = 0, freq = 0, Ra = 0, cm = 0, worst = 0;
    long nsec = 0, bad = 0, ncells = 0;
    while (fgets(line, sizeof line, f)) {
        int nseg;
        if (sscanf(line, "file %4095s", path) == 1) {
            if (sim) cl_sim_free(sim);
            if (cl_sim_new(&sim) != CL_OK || cl_cell_load_morphology_opt(sim, path, &(cl_morph_options){.soma = CL_SOMA_NEURON82}, &cell) != CL_OK) {
                fprintf(stderr, "%s: cannot load\n", path);
                return 1;
            }
            ncells++;
        } else if (sscanf(line, "rule %31s %lf %lf %lf %lf", kind, &value, &freq, &Ra, &cm) == 5) {
            rule = !strcmp(kind, "fixed") ? CL_NSEG_FIXED : !strcmp(kind, "dlambda") ? CL_NSEG_DLAMBDA
                 : !strcmp(kind, "maxlen") ? CL_NSEG_MAXLEN : CL_NSEG_BBP40;
            size_t n;
            cl_cell_section_count(sim, cell, &n);
            for (size_t i = 0; i < n; i++) {
                cl_section s;
                cl_cell_section_at(sim, cell, i, &s);
                cl_section_set_Ra(sim, s, Ra);
                cl_section_set_cm(sim, s, cm);
            }
        } else if (sscanf(line, "n %255s %d %63s", name, &nseg, lfs) == 3) {
            cl_section s;
            nsec++;
            if (cl_cell_section(sim, cell, name, &s) != CL_OK) {
                fprintf(stderr, "%s: %s missing\n", path, name);
                bad++;
                continue;
            }
            int got = 0;
            cl_status st = cl_section_nseg_by_rule(sim, s, rule, value, freq, Ra, &got);
            if (nseg < 0) {
                if (st != CL_EINVAL) { fprintf(stderr, "%s %s %s: expected CL_EINVAL\n", path, name, kind); bad++; }
                continue;
            }
            if (st != CL_OK || got != nseg) {
                fprintf(stderr, "%s %s %s %g: nseg %d, NEURON %d\n", path, name, kind, value, got, nseg);
                bad++;
            }
            if (strcmp(lfs, "nan") != 0) {
                double ref = strtod(lfs, NULL), lf;
                if (cl_section_lambda_f(sim, s, freq, Ra, &lf) != CL_OK) { bad++; continue; }
                double r = fabs(lf - ref) / fmax(fabs(ref), 1e-300);
                if (r > worst) worst = r;
                if (r > 1e-12) {
                    fprintf(stderr, "%s %s: lambda_f %.17g, NEURON %.17g\n", path, name, lf, ref);
                    bad++;
                }
            }
        }
    }
    fclose(f);
    if (sim) cl_sim_free(sim);
    printf("%ld cells, %ld section-rules, %ld mismatches, worst lambda_f rel %.3g\n", ncells, nsec,
           bad, worst);
    return bad ? 1 : 0;
}
