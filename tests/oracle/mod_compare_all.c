/* Every mechanism of one shared MOD folder that cellulab translates,
 * against NEURON 8.2 (neuron_mods_all.py): the models are read from the
 * manifest NEURON's side wrote (sections, inserted mechanisms, parameter
 * values, point processes, stimuli), built here the same way, and every
 * sample of v (soma(0.5), and d1(0.9), d2(0.4) in the trees) compared; the
 * soma's spike count (threshold -20 mV) must be identical. The issue's
 * bound is 1e-6 mV; the maximum difference is printed per model, and the
 * first differing sample of any model past the bound.
 *
 * usage: mod_compare_all LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cellulab.h"

static const char *lib, *refdir;

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

static double *load(const char *model, const char *key, size_t *n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s.txt", refdir, model, key);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    size_t cap = 1024;
    double *x = malloc(cap * sizeof *x);
    *n = 0;
    while (fscanf(f, "%lf", &x[*n]) == 1)
        if (++*n == cap) x = realloc(x, (cap *= 2) * sizeof *x);
    fclose(f);
    return x;
}

/* max |x - ref| over the samples (INFINITY when the counts differ); the
 * first sample past the bound is reported */
static double compare(const char *model, const char *key, const double *x, size_t n) {
    size_t m;
    double *ref = load(model, key, &m);
    double maxd = n == m ? 0 : INFINITY;
    int shown = 0;
    for (size_t i = 0; i < n && i < m; i++) {
        double d = fabs(x[i] - ref[i]);
        if (!(d <= 1e-6) && !shown) {
            printf("    MISMATCH %s %s: first at sample %zu (t %.3f ms): cellulab %.17g NEURON %.17g\n",
                   model, key, i, i * 0.025, x[i], ref[i]);
            shown = 1;
        }
        if (!(d <= maxd)) maxd = d;
    }
    if (n != m) printf("    MISMATCH %s %s: %zu samples, NEURON %zu\n", model, key, n, m);
    free(ref);
    return maxd;
}

static cl_section section(cl_section *secs, const char *name) {
    if (!strcmp(name, "soma")) return secs[0];
    if (!strcmp(name, "d1")) return secs[1];
    if (!strcmp(name, "d2")) return secs[2];
    fail_msg("unknown section %s", name);
    return secs[0];
}

static void test_manifest(void **state) {
    (void)state;
    char path[1024], line[512];
    snprintf(path, sizeof path, "%s/manifest.txt", refdir);
    FILE *man = fopen(path, "r");
    if (!man) fail_msg("cannot open %s", path);
    int failures = 0, models = 0;
    double worst = 0;
    printf("  %-24s %7s  %-10s %-10s %-10s %s\n", "model", "samples", "max|dv|", "d1", "d2",
           "spikes cl/NEURON");
    while (fgets(line, sizeof line, man)) {
        char model[128], kind[16];
        if (sscanf(line, "model %127s %15s", model, kind) != 2) fail_msg("manifest: %s", line);
        int tree = !strcmp(kind, "tree");
        cl_sim *s;
        cl_cell cell;
        cl_section secs[3];
        cl_pp pp = {0};
        assert_int_equal(cl_sim_new(&s), CL_OK);
        OK(cl_sim_load_mechanisms(s, lib));
        OK(cl_cell_new(s, "c", &cell));
        OK(cl_section_new(s, cell, "soma", &secs[0]));
        OK(cl_section_set_L(s, secs[0], 20));
        OK(cl_section_set_diam(s, secs[0], 20));
        if (tree) {
            OK(cl_section_new(s, cell, "d1", &secs[1]));
            OK(cl_section_set_L(s, secs[1], 100));
            OK(cl_section_set_diam(s, secs[1], 2));
            OK(cl_section_set_nseg(s, secs[1], 5));
            OK(cl_section_new(s, cell, "d2", &secs[2]));
            OK(cl_section_set_L(s, secs[2], 150));
            OK(cl_section_set_diam(s, secs[2], 1.5));
            OK(cl_section_set_nseg(s, secs[2], 4));
            OK(cl_section_connect(s, secs[1], secs[0], 1));
            OK(cl_section_connect(s, secs[2], secs[0], 0.5));
        }
        while (fgets(line, sizeof line, man) && strncmp(line, "end", 3)) {
            char a[128], b[128];
            double val;
            if (sscanf(line, "insert %127s %127s", a, b) == 2) {
                OK(cl_section_insert(s, section(secs, a), b));
            } else if (sscanf(line, "set %127s %127s %lf", a, b, &val) == 3) {
                OK(cl_section_set(s, section(secs, a), b, val));
            } else if (sscanf(line, "pp %127s", a) == 1) {
                OK(cl_pp_new(s, a, secs[0], 0.5, &pp));
            } else if (!strncmp(line, "netstim", 7)) {
                cl_pp ns;
                cl_netcon nc;
                OK(cl_artcell_new(s, "NetStim", &ns));
                OK(cl_pp_set(s, ns, "start", 10));
                OK(cl_pp_set(s, ns, "interval", 10));
                OK(cl_pp_set(s, ns, "number", 20));
                OK(cl_netcon_from_pp(s, ns, pp, &nc));
                OK(cl_netcon_set_delay(s, nc, 1));
                OK(cl_netcon_set_weight(s, nc, 0, 0.01));
            } else if (sscanf(line, "iclamp %lf", &val) == 1) {
                cl_pp stim;
                OK(cl_pp_new(s, "IClamp", secs[0], 0.5, &stim));
                OK(cl_pp_set(s, stim, "del", 20));
                OK(cl_pp_set(s, stim, "dur", 150));
                OK(cl_pp_set(s, stim, "amp", val));
            } else {
                fail_msg("manifest: %s", line);
            }
        }
        cl_rec rv, r1, r2;
        cl_netcon det;
        OK(cl_rec_section(s, secs[0], 0.5, "v", 0, &rv));
        if (tree) {
            OK(cl_rec_section(s, secs[1], 0.9, "v", 0, &r1));
            OK(cl_rec_section(s, secs[2], 0.4, "v", 0, &r2));
        }
        OK(cl_netcon_from_section(s, secs[0], 0.5, (cl_pp){0}, &det));
        OK(cl_netcon_set_threshold(s, det, -20));
        OK(cl_netcon_record(s, det));
        OK(cl_sim_set_celsius(s, 6.3));
        OK(cl_sim_run(s, 200));
        const double *x;
        size_t n, nspk_ref;
        double d[3] = {0, 0, 0};
        OK(cl_rec_data(s, rv, &x, &n));
        size_t samples = n;
        d[0] = compare(model, "v", x, n);
        if (tree) {
            OK(cl_rec_data(s, r1, &x, &n));
            d[1] = compare(model, "v_d1", x, n);
            OK(cl_rec_data(s, r2, &x, &n));
            d[2] = compare(model, "v_d2", x, n);
        }
        OK(cl_netcon_spikes(s, det, &x, &n));
        free(load(model, "spikes", &nspk_ref));
        double m = fmax(d[0], fmax(d[1], d[2]));
        char c1[16] = "-", c2[16] = "-";
        if (tree) {
            snprintf(c1, sizeof c1, "%.3g", d[1]);
            snprintf(c2, sizeof c2, "%.3g", d[2]);
        }
        printf("  %-24s %7zu  %-10.3g %-10s %-10s %zu/%zu%s\n", model, samples, d[0], c1, c2, n,
               nspk_ref, (m <= 1e-6 && n == nspk_ref) ? "" : "  FAIL");
        if (!(m <= 1e-6) || n != nspk_ref) failures++;
        if (!(m <= worst)) worst = m;
        models++;
        cl_sim_free(s);
    }
    fclose(man);
    printf("  %d models, %d past the bound (1e-6 mV) or with another spike count; worst max|dv| %.3g mV\n",
           models, failures, worst);
    assert_true(models > 0);
    assert_int_equal(failures, 0);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: mod_compare_all LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_manifest)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
