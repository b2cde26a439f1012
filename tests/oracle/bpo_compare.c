/* Oracle: cellulab's BluePyOpt JSON loader against NEURON 8.2 building the
 * same model the way BluePyOpt does (neuron_bluepyopt.py, run by the
 * fixture build_mods_bpo.sh).
 * usage: bpo_compare LIBMECH.so MORPHOLOGY MODEL.json REFDIR [AMP_NA]
 * Checks: every section's nseg and Ra; every segment's value of every
 * variable the parameters set (REFDIR/params.txt); celsius and v_init taken
 * from the model; the soma[0](0.5) voltage at every step of a 1 s current
 * step (REFDIR/v.txt). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_model.h"

static int failures;

#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            if (failures++ < 20) printf(__VA_ARGS__);                                                                  \
        }                                                                                                              \
    } while (0)

static void ok(cl_sim *s, cl_status st, const char *what) {
    if (st != CL_OK) {
        printf("FAIL %s: %s\n", what, cl_sim_errmsg(s));
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: bpo_compare LIBMECH.so MORPHOLOGY MODEL.json REFDIR [AMP_NA]\n");
        return 2;
    }
    const char *lib = argv[1], *morph = argv[2], *model = argv[3], *ref = argv[4];
    double amp = argc > 5 ? atof(argv[5]) : 0.5;
    cl_sim *s;
    if (cl_sim_new(&s) != CL_OK) return 1;
    ok(s, cl_sim_load_mechanisms(s, lib), "load mechanisms");
    cl_model_options o = {0};
    o.morph.soma = CL_SOMA_NEURON82; /* the reference is NEURON 8.2 */
    o.apply_conditions = 1;
    cl_cell c;
    ok(s, cl_cell_load_model(s, morph, model, &o, &c), "cl_cell_load_model");

    char path[4096];
    snprintf(path, sizeof path, "%s/params.txt", ref);
    FILE *f = fopen(path, "r");
    if (!f) {
        printf("FAIL cannot open %s\n", path);
        return 1;
    }
    /* Values: exact. Both sides compute each value with the same double
     * operations (the formula's, in Python's order; the same path distance),
     * so any difference is a real one. */
    char line[512], kind[16], sec[128], var[128];
    size_t nvals = 0, nsecs = 0;
    double maxrel = 0;
    while (fgets(line, sizeof line, f)) {
        cl_section h;
        double x, want, got;
        int n;
        if (sscanf(line, "nseg %127s %d", sec, &n) == 2) {
            int m = -1;
            cl_status st = cl_cell_section(s, c, sec, &h);
            CHECK(st == CL_OK, "missing section %s\n", sec);
            if (st != CL_OK) continue;
            cl_section_get_nseg(s, h, &m);
            CHECK(m == n, "%s: nseg %d, NEURON %d\n", sec, m, n);
            nsecs++;
        } else if (sscanf(line, "Ra %127s %lf", sec, &want) == 2) {
            if (cl_cell_section(s, c, sec, &h) != CL_OK) continue;
            cl_section_get_Ra(s, h, &got);
            CHECK(got == want, "%s: Ra %.17g, NEURON %.17g\n", sec, got, want);
        } else if (sscanf(line, "%15s %127s %lf %127s %lf", kind, sec, &x, var, &want) == 5 && !strcmp(kind, "seg")) {
            if (cl_cell_section(s, c, sec, &h) != CL_OK) continue;
            cl_status st = cl_section_get_at(s, h, x, var, &got);
            CHECK(st == CL_OK, "%s(%g).%s: %s\n", sec, x, var, cl_sim_errmsg(s));
            if (st != CL_OK) continue;
            double rel = want == got ? 0 : fabs(got - want) / fmax(fabs(want), 1e-300);
            if (rel > maxrel) maxrel = rel;
            CHECK(got == want, "%s(%.17g).%s = %.17g, NEURON %.17g\n", sec, x, var, got, want);
            nvals++;
        }
    }
    fclose(f);
    size_t ours;
    cl_cell_section_count(s, c, &ours);
    CHECK(ours == nsecs, "sections: %zu, NEURON %zu\n", ours, nsecs);
    printf("parameters: %zu sections, %zu segment values, max relative difference %.3g\n", nsecs, nvals, maxrel);

    snprintf(path, sizeof path, "%s/conditions.txt", ref);
    f = fopen(path, "r");
    double celsius = 0, v_init = 0;
    if (!f || fscanf(f, "%lf %lf", &celsius, &v_init) != 2) {
        printf("FAIL cannot read %s\n", path);
        return 1;
    }
    fclose(f);
    CHECK(cl_sim_celsius(s) == celsius && cl_sim_v_init(s) == v_init, "celsius %g v_init %g, NEURON %g %g\n",
          cl_sim_celsius(s), cl_sim_v_init(s), celsius, v_init);

    cl_section soma;
    cl_pp stim;
    cl_rec rec;
    ok(s, cl_cell_section(s, c, "soma[0]", &soma), "soma");
    ok(s, cl_pp_new(s, "IClamp", soma, 0.5, &stim), "IClamp");
    ok(s, cl_pp_set(s, stim, "del", 100), "del");
    ok(s, cl_pp_set(s, stim, "dur", 1000), "dur");
    ok(s, cl_pp_set(s, stim, "amp", amp), "amp");
    ok(s, cl_rec_section(s, soma, 0.5, "v", 0, &rec), "record");
    ok(s, cl_sim_set_dt(s, 0.025), "dt");
    ok(s, cl_sim_run(s, 1200), "run");
    const double *v;
    size_t nv;
    ok(s, cl_rec_data(s, rec, &v, &nv), "data");
    snprintf(path, sizeof path, "%s/v.txt", ref);
    f = fopen(path, "r");
    double y, maxd = 0;
    size_t m = 0;
    int spikes = 0;
    while (f && fscanf(f, "%lf", &y) == 1) {
        if (m < nv) maxd = fmax(maxd, fabs(v[m] - y));
        if (m > 0 && m < nv && v[m - 1] < 0 && v[m] >= 0) spikes++;
        m++;
    }
    if (f) fclose(f);
    if (m != nv) maxd = INFINITY;
    printf("soma v: %zu/%zu samples, %d spikes, max|dv| %.3g mV\n", nv, m, spikes, maxd);
    /* 1e-6 mV: room for a last-bit difference in a rate function's libm
     * call; the same arithmetic gives 0 */
    CHECK(maxd <= 1e-6, "soma v differs from NEURON's by %.3g mV\n", maxd);
    cl_sim_free(s);
    if (failures) printf("FAIL: %d mismatches\n", failures);
    return failures ? 1 : 0;
}
