/* NeuroML2 dynamics oracle: the five cells of 5_cells_iclamp built by
 * cl_cell_load_model(morphology, .cell.nml) against NEURON 8.2 building
 * them as bmtk's NMLLoad does (reference files from neuron_allen_nml.py,
 * which also fixes the protocol: a current step at soma[0](0.5), 34 °C,
 * v_init -80 mV, dt 0.025 ms).
 * Checked: the sections (names, order), every nseg, every segment area
 * (relative 1e-12: both sides compute the same frustum sums from the same
 * float points, so any difference is a bug; the bound only allows for
 * summation order), and soma[0](0.5) v at every step: max|dv| <= 1e-6 mV
 * (the same arithmetic is expected to give exactly 0; the bound is the
 * issue's).
 * usage: allen_nml_compare LIBMECH.so REFDIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_model.h"

#define V_BOUND 1e-6
#define AREA_REL 1e-12

static double rel(double a, double b) {
    double m = fmax(fabs(a), fabs(b));
    return m == 0 ? 0 : fabs(a - b) / m;
}

static int one(const char *lib, const char *refdir, const char *name) {
    char path[4096], line[4096], morph[4096] = "", nml[4096] = "", axon[64] = "";
    double amp = NAN, delay = NAN, dur = NAN, tstop = NAN;
    snprintf(path, sizeof path, "%s/%s/cell.txt", refdir, name);
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", path); return 1; }
    /* the header */
    long body = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "sec ", 4) == 0) break;
        body = ftell(f);
        sscanf(line, "morph %4095s", morph);
        sscanf(line, "nml %4095s", nml);
        sscanf(line, "axon %63s", axon);
        sscanf(line, "amp %lf", &amp);
        sscanf(line, "delay %lf", &delay);
        sscanf(line, "dur %lf", &dur);
        sscanf(line, "tstop %lf", &tstop);
    }
    fseek(f, body, SEEK_SET);
    cl_sim *s;
    if (cl_sim_new(&s) != CL_OK) { fclose(f); return 1; }
    int fails = 0;
    cl_cell cell;
    cl_model_options o = {0};
    o.morph.soma = CL_SOMA_NEURON82; /* NEURON 8.2 is the reference */
    o.morph.axon = axon;
    if (cl_sim_load_mechanisms(s, lib) != CL_OK || cl_cell_load_model(s, morph, nml, &o, &cell) != CL_OK) {
        fprintf(stderr, "%s: %s\n", name, cl_sim_errmsg(s));
        cl_sim_free(s); fclose(f); return 1;
    }
    size_t nsec = 0, isec = 0, nref = 0;
    cl_cell_section_count(s, cell, &nsec);
    cl_section sec = {0};
    int iseg = 0, nseg = 0;
    double maxarea = 0;
    while (fgets(line, sizeof line, f)) {
        char sname[256];
        int rn;
        double a;
        if (sscanf(line, "sec %255s %d", sname, &rn) == 2) {
            nref++;
            if (isec >= nsec) { fprintf(stderr, "%s: cellulab has only %zu sections\n", name, nsec); fails++; break; }
            const char *cn;
            cl_cell_section_at(s, cell, isec++, &sec);
            cl_section_name(s, sec, &cn);
            cl_section_get_nseg(s, sec, &nseg);
            if (strcmp(cn, sname) != 0 || nseg != rn) {
                fprintf(stderr, "%s: section %zu: NEURON %s nseg %d, cellulab %s nseg %d\n", name, isec - 1, sname,
                        rn, cn, nseg);
                fails++;
                break;
            }
            iseg = 0;
        } else if (sscanf(line, "seg %lf", &a) == 1) {
            double x = (iseg + 0.5) / nseg, ca = 0;
            iseg++;
            cl_section_area(s, sec, x, &ca);
            maxarea = fmax(maxarea, rel(ca, a));
        }
    }
    fclose(f);
    if (!fails && nref != nsec) { fprintf(stderr, "%s: NEURON %zu sections, cellulab %zu\n", name, nref, nsec); fails++; }
    if (maxarea > AREA_REL) { fprintf(stderr, "%s: segment area differs by %.3g relative\n", name, maxarea); fails++; }
    /* the protocol */
    cl_section soma;
    cl_pp stim;
    cl_rec rec;
    const double *v = NULL;
    size_t n = 0;
    if (cl_cell_section(s, cell, "soma[0]", &soma) != CL_OK || cl_pp_new(s, "IClamp", soma, 0.5, &stim) != CL_OK ||
        cl_pp_set(s, stim, "del", delay) != CL_OK || cl_pp_set(s, stim, "dur", dur) != CL_OK ||
        cl_pp_set(s, stim, "amp", amp) != CL_OK || cl_rec_section(s, soma, 0.5, "v", 0, &rec) != CL_OK ||
        cl_sim_set_celsius(s, 34) != CL_OK || cl_sim_set_v_init(s, -80) != CL_OK || cl_sim_set_dt(s, 0.025) != CL_OK ||
        cl_sim_run(s, tstop) != CL_OK || cl_rec_data(s, rec, &v, &n) != CL_OK) {
        fprintf(stderr, "%s: %s\n", name, cl_sim_errmsg(s));
        cl_sim_free(s);
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s/v.txt", refdir, name);
    f = fopen(path, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", path); cl_sim_free(s); return 1; }
    double y, maxd = 0;
    size_t m = 0, spikes = 0;
    while (fscanf(f, "%lf", &y) == 1) {
        if (m < n) maxd = fmax(maxd, fabs(v[m] - y));
        if (m > 0 && m < n && v[m - 1] <= -15 && v[m] > -15) spikes++;
        m++;
    }
    fclose(f);
    if (m != n) maxd = INFINITY;
    printf("%-8s axon %-16s sections %zu  max area rel diff %.3g  samples %zu/%zu  spikes %zu  max|dv| %.3g mV\n",
           name, axon, nsec, maxarea, n, m, spikes, maxd);
    if (!(maxd <= V_BOUND)) fails++;
    cl_sim_free(s);
    return fails;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: %s LIBMECH.so REFDIR\n", argv[0]); return 2; }
    char path[4096], name[256];
    snprintf(path, sizeof path, "%s/index.txt", argv[2]);
    FILE *f = fopen(path, "r");
    if (!f) { fprintf(stderr, "%s: cannot open\n", path); return 1; }
    int fails = 0, cells = 0;
    while (fscanf(f, "%255s", name) == 1) {
        cells++;
        fails += one(argv[1], argv[2], name) != 0;
    }
    fclose(f);
    printf("%d of %d cells differ\n", fails, cells);
    return fails || cells != 5;
}
