/* The cellulab side of bench/bench.py: builds one benchmark model (the same
 * one bench/neuron_models.py builds in NEURON), runs it, and prints one JSON
 * object: wall time of the run (building excluded), compartments, steps,
 * memory (resident set once the simulation and its mechanisms are loaded,
 * before building, at its peak, and after the run once the heap's free pages
 * are given back with malloc_trim), the spike count of
 * the traced soma; writes that soma's trace (every step) to --trace.
 *
 *   bench_models ring   --nring R --ncell C --tstop MS --trace FILE
 *   bench_models allen5 --data DIR --mechanisms LIB --tstop MS --trace FILE
 *   bench_models l5tpc  --data DIR --nsyn N --tstop MS --trace FILE
 * and --threads N (cl_sim_set_threads; default 1) with any of them.
 *
 * The models are described in bench/README.md. */
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cellulab.h"
#include "cellulab_model.h"
#include "cellulab_morph.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* CPU time of this process (all its threads): on a busy machine it leaves
 * out the time spent waiting for a core */
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* VmRSS or VmHWM of this process, in KiB */
static long status_kib(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    size_t k = strlen(key);
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, k) == 0 && line[k] == ':') v = atol(line + k + 1);
    if (f) fclose(f);
    return v;
}

/* compartments (segments) of the cells built, counted as they are built */
static long comps;

#define CHECK(call)                                                                                  \
    do {                                                                                             \
        if ((call) != CL_OK) {                                                                       \
            fprintf(stderr, "bench_models: %s\n", cl_sim_errmsg(s));                                 \
            exit(1);                                                                                 \
        }                                                                                            \
    } while (0)

static void count(cl_sim *s, cl_cell c);

typedef struct opts {
    const char *model, *trace, *data, *mechanisms;
    int nring, ncell, nsyn;
    double tstop;
    int threads;
} opts;

static void count(cl_sim *s, cl_cell c) {
    size_t n;
    CHECK(cl_cell_section_count(s, c, &n));
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        int nseg;
        CHECK(cl_cell_section_at(s, c, i, &sec));
        CHECK(cl_section_get_nseg(s, sec, &nseg));
        comps += nseg;
    }
}

/* (a) rings of hh ball-and-sticks: cell i's soma drives an ExpSyn at
 * dend(0.5) of cell i+1 of its ring (threshold -20 mV, delay 1 ms, weight
 * 0.05 uS); a NetStim (every 20 ms from 5 ms) drives cell 0 of each ring. */
static void build_ring(cl_sim *s, const opts *o, cl_section *traced) {
    int n = o->nring * o->ncell;
    cl_cell *cells = calloc((size_t)n, sizeof *cells);
    cl_pp *syn = calloc((size_t)n, sizeof *syn);
    if (!cells || !syn) exit(1);
    for (int i = 0; i < n; i++) {
        cl_section dend;
        CHECK(cl_cell_ballstick(s, &cells[i]));
        CHECK(cl_cell_section(s, cells[i], "dend[0]", &dend));
        CHECK(cl_pp_new(s, "ExpSyn", dend, 0.5, &syn[i]));
        CHECK(cl_pp_set(s, syn[i], "tau", 2.0));
        count(s, cells[i]);
    }
    for (int r = 0; r < o->nring; r++) {
        for (int c = 0; c < o->ncell; c++) {
            int i = r * o->ncell + c, j = r * o->ncell + (c + 1) % o->ncell;
            cl_section soma;
            cl_netcon nc;
            CHECK(cl_cell_soma(s, cells[i], &soma));
            CHECK(cl_netcon_from_section(s, soma, 0.5, syn[j], &nc));
            CHECK(cl_netcon_set_threshold(s, nc, -20));
            CHECK(cl_netcon_set_delay(s, nc, 1));
            CHECK(cl_netcon_set_weight(s, nc, 0, 0.05));
        }
        cl_pp stim;
        cl_netcon nc;
        CHECK(cl_artcell_new(s, "NetStim", &stim));
        CHECK(cl_pp_set(s, stim, "interval", 20));
        CHECK(cl_pp_set(s, stim, "number", 1e9));
        CHECK(cl_pp_set(s, stim, "start", 5));
        CHECK(cl_pp_set(s, stim, "noise", 0));
        CHECK(cl_netcon_from_pp(s, stim, syn[r * o->ncell], &nc));
        CHECK(cl_netcon_set_delay(s, nc, 1));
        CHECK(cl_netcon_set_weight(s, nc, 0, 0.05));
    }
    CHECK(cl_cell_soma(s, cells[0], traced));
    free(cells);
    free(syn);
}

/* (b) the five cells of 5_cells_iclamp from their NeuroML2 files with the
 * perisomatic stub (bmtk's build), 0.3 nA at soma(0.5) from 100 to 1100 ms;
 * the first cell's soma is traced. */
static void build_allen5(cl_sim *s, const opts *o, cl_section *traced) {
    static const char *const cells[5][2] = {
        {"Scnn1a_473845048_m.swc", "Cell_472363762.cell.nml"},
        {"Rorb_325404214_m.swc", "Cell_473863510.cell.nml"},
        {"Nr5a1_471087815_m.swc", "Cell_473863035.cell.nml"},
        {"Pvalb_470522102_m.swc", "Cell_472912177.cell.nml"},
        {"Pvalb_469628681_m.swc", "Cell_473862421.cell.nml"},
    };
    for (int i = 0; i < 5; i++) {
        char morph[1024], model[1024];
        snprintf(morph, sizeof morph, "%s/sonata-examples/shared_components/morphologies/%s", o->data, cells[i][0]);
        snprintf(model, sizeof model, "%s/sonata-examples/shared_components/biophysical_neuron_templates/nml/%s",
                 o->data, cells[i][1]);
        cl_model_options mo = {0};
        mo.morph.soma = CL_SOMA_NEURON82;
        cl_cell c;
        cl_stim st;
        CHECK(cl_cell_load_model(s, morph, model, &mo, &c));
        CHECK(cl_cell_add_step(s, c, 100, 1100, 0.3, &st));
        count(s, c);
        if (i == 0) CHECK(cl_cell_soma(s, c, traced));
    }
}

/* (c) the L5 TPC: nseg 1 + 2*int(L/40), hh in soma and axon, pas (g 3e-5,
 * e -70) in the dendrites, nsyn Exp2Syn (tau1 0.5, tau2 5, e 0) at
 * dendrite k % ndend, x = ((k * 7919) % 1000 + 0.5) / 1000, driven by
 * NetStim k % 500 (interval 50 + 5 * (j % 10) ms, start 0.1 * j ms),
 * weight 0.0002 uS, delay 1 ms (the soma settles near -40 mV: a
 * synapse-heavy load, not a firing pattern). */
static void build_l5tpc(cl_sim *s, const opts *o, cl_section *traced) {
    char morph[1024];
    snprintf(morph, sizeof morph,
             "%s/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/morphologies/asc/"
             "dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_y0.950_z1.000_-_Clone_0.asc",
             o->data);
    cl_morph_options mo = {0};
    mo.soma = CL_SOMA_NEURON82;
    cl_cell c;
    CHECK(cl_cell_load_morphology_opt(s, morph, &mo, &c));
    CHECK(cl_cell_discretize(s, c, CL_NSEG_BBP40, 0, 0, 35.4));
    size_t n, nd;
    CHECK(cl_cell_section_count(s, c, &n));
    CHECK(cl_cell_section_list(s, c, "alldend", NULL, 0, &nd));
    cl_section *dend = calloc(nd ? nd : 1, sizeof *dend);
    if (!dend || nd == 0) exit(1);
    CHECK(cl_cell_section_list(s, c, "alldend", dend, nd, &nd));
    for (size_t i = 0; i < n; i++) {
        cl_section sec;
        const char *nm;
        CHECK(cl_cell_section_at(s, c, i, &sec));
        CHECK(cl_section_name(s, sec, &nm));
        if (strncmp(nm, "soma", 4) == 0 || strncmp(nm, "axon", 4) == 0) {
            CHECK(cl_section_insert(s, sec, "hh"));
        } else {
            CHECK(cl_section_insert(s, sec, "pas"));
            CHECK(cl_section_set(s, sec, "g_pas", 3e-5));
            CHECK(cl_section_set(s, sec, "e_pas", -70));
        }
    }
    enum { NSTIM = 500 };
    cl_pp stim[NSTIM];
    for (int j = 0; j < NSTIM; j++) {
        CHECK(cl_artcell_new(s, "NetStim", &stim[j]));
        CHECK(cl_pp_set(s, stim[j], "interval", 50 + 5 * (j % 10)));
        CHECK(cl_pp_set(s, stim[j], "number", 1e9));
        CHECK(cl_pp_set(s, stim[j], "start", 0.1 * j));
        CHECK(cl_pp_set(s, stim[j], "noise", 0));
    }
    for (int k = 0; k < o->nsyn; k++) {
        cl_pp syn;
        cl_netcon nc;
        double x = ((k * 7919) % 1000 + 0.5) / 1000;
        CHECK(cl_pp_new(s, "Exp2Syn", dend[(size_t)k % nd], x, &syn));
        CHECK(cl_pp_set(s, syn, "tau1", 0.5));
        CHECK(cl_pp_set(s, syn, "tau2", 5));
        CHECK(cl_pp_set(s, syn, "e", 0));
        CHECK(cl_netcon_from_pp(s, stim[k % NSTIM], syn, &nc));
        CHECK(cl_netcon_set_delay(s, nc, 1));
        CHECK(cl_netcon_set_weight(s, nc, 0, 0.0002));
    }
    free(dend);
    count(s, c);
    CHECK(cl_cell_soma(s, c, traced));
}

int main(int argc, char **argv) {
    opts o = {.nring = 50, .ncell = 10, .nsyn = 5000, .tstop = 100, .threads = 1};
    if (argc < 2) {
        fprintf(stderr, "usage: bench_models ring|allen5|l5tpc [options] (see the source)\n");
        return 2;
    }
    o.model = argv[1];
    for (int i = 2; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--nring")) o.nring = atoi(v);
        else if (!strcmp(k, "--ncell")) o.ncell = atoi(v);
        else if (!strcmp(k, "--nsyn")) o.nsyn = atoi(v);
        else if (!strcmp(k, "--tstop")) o.tstop = atof(v);
        else if (!strcmp(k, "--trace")) o.trace = v;
        else if (!strcmp(k, "--data")) o.data = v;
        else if (!strcmp(k, "--mechanisms")) o.mechanisms = v;
        else if (!strcmp(k, "--threads")) o.threads = atoi(v);
        else {
            fprintf(stderr, "bench_models: unknown option %s\n", k);
            return 2;
        }
    }
    cl_sim *s;
    if (cl_sim_new(&s) != CL_OK) return 1;
    CHECK(cl_sim_set_threads(s, o.threads));
    if (o.mechanisms) CHECK(cl_sim_load_mechanisms(s, o.mechanisms));
    /* the model's memory: from here (simulation and mechanisms ready) to the peak */
    long rss0 = status_kib("VmRSS");
    /* BlueCelluLab's and bmtk's conditions; the NEURON side sets the same */
    CHECK(cl_sim_set_celsius(s, 34));
    CHECK(cl_sim_set_v_init(s, strcmp(o.model, "allen5") == 0 ? -80 : -65));
    cl_section traced;
    if (!strcmp(o.model, "ring") && o.nring > 0 && o.ncell > 0) build_ring(s, &o, &traced);
    else if (!strcmp(o.model, "allen5") && o.data && o.mechanisms) build_allen5(s, &o, &traced);
    else if (!strcmp(o.model, "l5tpc") && o.data && o.nsyn > 0) build_l5tpc(s, &o, &traced);
    else {
        fprintf(stderr, "bench_models: unknown model or missing option (%s)\n", o.model);
        return 2;
    }
    cl_rec rec;
    CHECK(cl_rec_section(s, traced, 0.5, "v", 0, &rec));
    CHECK(cl_sim_init(s));
    double t0 = now(), c0 = cpu_now();
    CHECK(cl_sim_continue(s, o.tstop));
    double wall = now() - t0, cpu = cpu_now() - c0;
    const double *v;
    size_t nv;
    CHECK(cl_rec_data(s, rec, &v, &nv));
    int spikes = 0;
    for (size_t i = 1; i < nv; i++) spikes += v[i - 1] <= -20 && v[i] > -20;
    if (o.trace) {
        FILE *f = fopen(o.trace, "w");
        if (!f) return 1;
        for (size_t i = 0; i < nv; i++) fprintf(f, "%.17g\n", v[i]);
        fclose(f);
    }
    long peak = status_kib("VmHWM");
    /* the live model: freed heap pages (the morphology reader's) go back to
     * the system, so that memory later allocations reused counts; bench.py's
     * bytes per synapse compare this between two synapse counts */
    malloc_trim(0);
    printf("{\"wall_s\": %.6f, \"cpu_s\": %.6f, \"compartments\": %ld, \"steps\": %zu, \"spikes\": %d, "
           "\"rss0_kib\": %ld, \"peak_kib\": %ld, \"rss_trim_kib\": %ld}\n",
           wall, cpu, comps, nv - 1, spikes, rss0, peak, status_kib("VmRSS"));
    cl_sim_free(s);
    return 0;
}
