#include "soma_oracle.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

double *so_load(const char *refdir, const char *model, const char *vec, size_t *n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s/%s.txt", refdir, model, vec);
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    size_t cap = 1024;
    double *x = malloc(cap * sizeof *x);
    *n = 0;
    double y;
    while (x && fscanf(f, "%lf", &y) == 1) {
        if (*n == cap) x = realloc(x, (cap *= 2) * sizeof *x);
        if (x) x[(*n)++] = y;
    }
    fclose(f);
    if (!x) fail_msg("out of memory reading %s", path);
    return x;
}

double so_compare_file(const char *path, const char *label, const double *x, size_t n) {
    FILE *f = fopen(path, "r");
    if (!f) fail_msg("cannot open %s", path);
    double y, maxd = 0;
    size_t m = 0;
    while (fscanf(f, "%lf", &y) == 1) {
        if (m < n) maxd = fmax(maxd, fabs(x[m] - y));
        m++;
    }
    fclose(f);
    if (m != n) maxd = INFINITY;
    printf("  %-16s samples %zu/%zu  max|diff| %.3g\n", label, n, m, maxd);
    return maxd;
}

void so_decorate(cl_sim *s, cl_section sec, const so_mech *m) {
    OK(cl_section_insert(s, sec, "pas"));
    OK(cl_section_set(s, sec, "g_pas", 1e-4));
    OK(cl_section_set(s, sec, "e_pas", -70));
    for (int k = 0; k < SO_MAXMECH && m[k].name; k++) {
        OK(cl_section_insert(s, sec, m[k].name));
        if (m[k].param) {
            char var[128];
            snprintf(var, sizeof var, "%s_%s", m[k].param, m[k].name);
            OK(cl_section_set(s, sec, var, m[k].value));
        }
    }
}

double so_run(const char *lib, const char *refdir, const so_config *c) {
    return so_run_change(lib, refdir, c, c->name, 0, 0);
}

double so_run_change(const char *lib, const char *refdir, const so_config *c, const char *name,
                     double t_change, double celsius2) {
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp stim;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    so_decorate(s, soma, c->m);
    OK(cl_pp_new(s, "IClamp", soma, 0.5, &stim));
    OK(cl_pp_set(s, stim, "del", 20));
    OK(cl_pp_set(s, stim, "dur", 150));
    OK(cl_pp_set(s, stim, "amp", 0.3));
    OK(cl_sim_set_celsius(s, 34));
    if (t_change > 0) {
        OK(cl_sim_run(s, t_change));
        OK(cl_sim_set_celsius(s, celsius2));
        OK(cl_sim_continue(s, 200));
    } else {
        OK(cl_sim_run(s, 200));
    }
    const double *v;
    size_t n, nref;
    OK(cl_cell_get_soma_voltage(s, cell, &v, &n));
    double *ref = so_load(refdir, name, "v", &nref);
    double maxd = n == nref ? 0 : INFINITY;
    for (size_t i = 0; i < n && i < nref; i++) maxd = fmax(maxd, fabs(v[i] - ref[i]));
    printf("  %-16s samples %zu/%zu  max|dv| %.3g mV\n", name, n, nref, maxd);
    free(ref);
    cl_sim_free(s);
    return maxd;
}

int so_run_all(const char *lib, const char *refdir, const so_config *c, size_t n, double bound) {
    int failures = 0;
    for (size_t i = 0; i < n; i++)
        if (!(so_run(lib, refdir, &c[i]) <= bound)) failures++;
    return failures;
}
