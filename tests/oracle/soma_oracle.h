/* The single-compartment MOD oracle shared by mod_compare*.c: a soma
 * (L = diam = 20 µm, pas g 1e-4 S/cm2 e -70 mV) with a list of mechanisms,
 * a 0.3 nA IClamp from 20 to 170 ms, 200 ms at dt 0.025 ms and 34 °C,
 * compared sample by sample with NEURON's trace REFDIR/<model>/v.txt
 * (written by the neuron_mods*.py twin of each test). */
#ifndef CELLULAB_SOMA_ORACLE_H
#define CELLULAB_SOMA_ORACLE_H

#include <stddef.h>

#include "cellulab.h"

typedef struct so_mech {
    const char *name;
    const char *param; /* short parameter name ("gbar"), NULL: defaults only */
    double value;
} so_mech;

#define SO_MAXMECH 12
typedef struct so_config {
    const char *name;
    so_mech m[SO_MAXMECH];
} so_config;

/* A reference vector REFDIR/MODEL/VEC.txt (malloc'd). */
double *so_load(const char *refdir, const char *model, const char *vec, size_t *n);

/* Compare x (n values) with the numbers in the file at path: the largest
 * |difference|, infinity when the counts differ; printed with label. */
double so_compare_file(const char *path, const char *label, const double *x, size_t n);

/* Insert pas and the mechanisms of m in sec, with their parameters set. */
void so_decorate(cl_sim *s, cl_section sec, const so_mech *m);

/* Build and run one configuration with the library loaded; the largest
 * |v - v_NEURON| over all samples (infinity when the counts differ),
 * printed with the model's name. */
double so_run(const char *lib, const char *refdir, const so_config *c);
/* so_run with celsius set to celsius2 at t_change ms (> 0; no new
 * initialisation), compared with REFDIR/<name>/v.txt. */
double so_run_change(const char *lib, const char *refdir, const so_config *c, const char *name,
                     double t_change, double celsius2);

/* Run every configuration; the number that exceed bound. */
int so_run_all(const char *lib, const char *refdir, const so_config *c, size_t n, double bound);

#endif
