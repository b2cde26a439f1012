/* cellulab demo: BlueCelluLab's headline example. A ball-and-stick cell, a
 * 0.5 nA step from 5 to 20 ms at the soma, 25 ms at dt 0.025 ms, 34 °C. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_tools.h"
#include "cli/cli.h"

static void demo_usage(FILE *f) {
    fprintf(f,
            "usage: cellulab demo [--csv FILE] [--svg FILE] [--exact-rates]\n"
            "\n"
            "Runs BlueCelluLab's headline example: the ball-and-stick cell, a 0.5 nA\n"
            "current step from 5 to 20 ms at soma(0.5), 25 ms at dt = 0.025 ms,\n"
            "celsius 34, v_init -65 mV. Prints the spikes (soma voltage crossing\n"
            "-20 mV upwards) and the peak voltage.\n"
            "\n"
            "  --csv FILE      write the soma trace: a header t,v then one line per\n"
            "                  sample (ms, mV) with 17 significant digits\n"
            "  --svg FILE      write a plot of the soma trace\n"
            "  --exact-rates   hh computes its rates exactly (usetable_hh = 0) instead\n"
            "                  of NEURON's default 201-point rate table\n"
            "  -h, --help      show this help\n");
}

typedef struct trace { const double *t, *v; size_t n; } trace;

static int write_csv(FILE *f, void *ctx) {
    const trace *tr = ctx;
    fprintf(f, "t,v\n");
    for (size_t i = 0; i < tr->n; i++) fprintf(f, "%.17g,%.17g\n", tr->t[i], tr->v[i]);
    return 0;
}

#define CHECK(call)                                                                  \
    do {                                                                             \
        if ((call) != CL_OK) {                                                       \
            fprintf(stderr, "cellulab demo: %s\n", cl_sim_errmsg(sim));              \
            cl_sim_free(sim);                                                        \
            return 1;                                                                \
        }                                                                            \
    } while (0)

int cli_demo(int argc, char **argv) {
    const char *csv = NULL, *svg = NULL;
    int exact = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            demo_usage(stdout);
            return 0;
        } else if ((strcmp(argv[i], "--csv") == 0 || strcmp(argv[i], "--svg") == 0)) {
            if (i + 1 >= argc || !*argv[i + 1]) {
                fprintf(stderr, "cellulab demo: %s needs a file name\n", argv[i]);
                return 2;
            }
            if (argv[i][2] == 'c') csv = argv[++i];
            else svg = argv[++i];
        } else if (strcmp(argv[i], "--exact-rates") == 0) {
            exact = 1;
        } else {
            fprintf(stderr, "cellulab demo: unknown option \"%s\" (see cellulab demo --help)\n", argv[i]);
            return 2;
        }
    }

    cl_sim *sim = NULL;
    if (cl_sim_new(&sim) != CL_OK) {
        fprintf(stderr, "cellulab demo: out of memory\n");
        return 1;
    }
    cl_cell cell;
    cl_stim stim;
    cl_section soma;
    cl_netcon det;
    CHECK(cl_cell_ballstick(sim, &cell));
    CHECK(cl_cell_add_step(sim, cell, 5.0, 20.0, 0.5, &stim));
    CHECK(cl_cell_soma(sim, cell, &soma));
    CHECK(cl_netcon_from_section(sim, soma, 0.5, (cl_pp){0}, &det));
    CHECK(cl_netcon_set_threshold(sim, det, -20.0));
    CHECK(cl_netcon_record(sim, det));
    if (exact) CHECK(cl_sim_set_global(sim, "usetable_hh", 0));
    CHECK(cl_sim_run(sim, 25.0));

    trace tr;
    size_t nv, nspk;
    const double *spk;
    CHECK(cl_cell_get_time(sim, cell, &tr.t, &tr.n));
    CHECK(cl_cell_get_soma_voltage(sim, cell, &tr.v, &nv));
    CHECK(cl_netcon_spikes(sim, det, &spk, &nspk));
    size_t ipk = 0;
    for (size_t i = 1; i < nv; i++)
        if (tr.v[i] > tr.v[ipk]) ipk = i;

    printf("cellulab demo: ball-and-stick, 0.5 nA step 5-20 ms at soma(0.5), 25 ms, dt 0.025 ms, "
           "34 degC, hh rates %s\n", exact ? "exact" : "from NEURON's table");
    printf("samples: %zu (t = 0 .. %.3f ms)\n", tr.n, tr.n ? tr.t[tr.n - 1] : 0.0);
    printf("spikes (v > -20 mV): %zu", nspk);
    for (size_t i = 0; i < nspk; i++) printf("%s%.3f", i ? ", " : " at ", spk[i]);
    printf("%s\n", nspk ? " ms" : "");
    printf("peak voltage: %.3f mV at %.3f ms\n", tr.v[ipk], tr.t[ipk]);
    printf("resting voltage: %.3f mV at t = 0, %.3f mV at the end\n", tr.v[0], tr.v[nv - 1]);

    int rc = 0;
    if (csv) {
        if (cli_write_file(csv, write_csv, &tr) != 0) rc = 1;
        else printf("trace written to %s\n", csv);
    }
    if (svg) {
        /* the stimulus panel under the trace: 0.5 nA from 5 to 20 ms */
        const double st[6] = {0, 5, 5, 20, 20, 25}, si[6] = {0, 0, 0.5, 0.5, 0, 0};
        cl_waveform *w = NULL;
        cl_error err = {{0}};
        if (cl_waveform_from_arrays(st, si, 6, &w, &err) != CL_OK ||
            cl_svg_trace(svg, tr.t, tr.v, tr.n, w, "Ball-and-stick: soma(0.5) voltage, 0.5 nA step", &err) != CL_OK) {
            fprintf(stderr, "cellulab demo: %s\n", err.msg);
            rc = 1;
        } else {
            printf("plot written to %s\n", svg);
        }
        cl_waveform_free(w);
    }
    cl_sim_free(sim);
    return rc;
}
