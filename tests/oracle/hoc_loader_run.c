/* The cellulab side of oracle_hoc_loader (tests/oracle/check_hoc_loader.py):
 * loads a Blue Brain template with cl_cell_load_template (NEURON 8.2's soma
 * orientation) and prints what the NEURON side prints for the same template:
 *   info THRESHOLD HYPAMP
 *   sec NAME PARENT PARENT_X NSEG L        (PARENT "-" for a root)
 *   seg NAME X AREA                        (every segment centre)
 *   v T V                                  (soma(0.5), every step of a 200 ms
 *                                           run with 0.5 nA from 20 to 180 ms)
 * Usage: hoc_loader_run LIB TEMPLATE MORPHOLOGY FORMAT GID [NAME=VALUE ...]
 * FORMAT: v5, v6, bluepyopt or auto. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_hoc.h"

static int die(cl_sim *s, const char *what) {
    fprintf(stderr, "%s: %s\n", what, cl_sim_errmsg(s));
    return 1;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: hoc_loader_run LIB TEMPLATE MORPHOLOGY FORMAT GID [NAME=VALUE ...]\n");
        return 2;
    }
    cl_sim *s;
    if (cl_sim_new(&s) != CL_OK) return 2;
    if (strcmp(argv[1], "-") != 0 && cl_sim_load_mechanisms(s, argv[1]) != CL_OK) return die(s, argv[1]);
    cl_template_options o = {.morph = {.soma = CL_SOMA_NEURON82}};
    o.format = strcmp(argv[4], "v5") == 0 ? CL_TEMPLATE_V5
             : strcmp(argv[4], "v6") == 0 ? CL_TEMPLATE_V6
             : strcmp(argv[4], "bluepyopt") == 0 ? CL_TEMPLATE_BLUEPYOPT : CL_TEMPLATE_AUTO;
    o.gid = strtoull(argv[5], NULL, 10);
    int na = argc - 6;
    const char **names = calloc((size_t)na + 1, sizeof *names);
    double *vals = calloc((size_t)na + 1, sizeof *vals);
    char **copies = calloc((size_t)na + 1, sizeof *copies);
    for (int i = 0; i < na; i++) {
        copies[i] = strdup(argv[6 + i]);
        char *eq = strchr(copies[i], '=');
        if (!eq) return 2;
        *eq = '\0';
        names[i] = copies[i];
        vals[i] = strtod(eq + 1, NULL);
    }
    o.n_attrs = (size_t)na;
    o.attr_names = names;
    o.attr_values = vals;
    cl_cell cell;
    cl_template_info info;
    if (cl_cell_load_template(s, argv[2], argv[3], &o, &cell, &info) != CL_OK) return die(s, argv[2]);
    printf("info %.17g %.17g\n", info.threshold_nA, info.hypamp_nA);
    size_t ns = 0;
    cl_cell_section_count(s, cell, &ns);
    for (size_t i = 0; i < ns; i++) {
        cl_section sec, par;
        const char *name, *pname = "-";
        double px = 0, L = 0;
        int nseg = 0;
        cl_cell_section_at(s, cell, i, &sec);
        cl_section_name(s, sec, &name);
        if (cl_section_parent(s, sec, &par, &px) == CL_OK) cl_section_name(s, par, &pname);
        cl_section_get_nseg(s, sec, &nseg);
        cl_section_get_L(s, sec, &L);
        printf("sec %s %s %.17g %d %.17g\n", name, pname, px, nseg, L);
        for (int k = 0; k < nseg; k++) {
            double x = (k + 0.5) / nseg, a = 0;
            cl_section_area(s, sec, x, &a);
            printf("seg %s %.17g %.17g\n", name, x, a);
        }
    }
    cl_stim stim;
    cl_section soma;
    cl_rec rv, rt;
    if (cl_cell_add_step(s, cell, 20, 180, 0.5, &stim) != CL_OK || cl_cell_soma(s, cell, &soma) != CL_OK ||
        cl_rec_section(s, soma, 0.5, "v", 0, &rv) != CL_OK || cl_rec_time(s, 0, &rt) != CL_OK)
        return die(s, "stimulus");
    cl_sim_set_dt(s, 0.025);
    cl_sim_set_celsius(s, 34);
    cl_sim_set_v_init(s, -65);
    if (cl_sim_run(s, 200) != CL_OK) return die(s, "run");
    const double *v, *t;
    size_t nv, nt;
    cl_rec_data(s, rv, &v, &nv);
    cl_rec_data(s, rt, &t, &nt);
    for (size_t i = 0; i < nv && i < nt; i++) printf("v %.17g %.17g\n", t[i], v[i]);
    for (int i = 0; i < na; i++) free(copies[i]);
    free(copies);
    free(names);
    free(vals);
    cl_sim_free(s);
    return 0;
}
