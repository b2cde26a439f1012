/* The simulation config's input modules (src/sim/network_inputs.c) on
 * networks of the in-memory circuit. The cells are a morphology with no
 * membrane mechanism (pure capacitance), so an injected charge Q changes
 * the voltage by exactly Q / C everywhere once it has spread; the injected
 * currents are read back from the clamps' "i" and compared with values
 * derived by hand from the module definitions (neurodamus' SignalSource
 * vectors played with Vector.play(..., 1): the value used in the step
 * ending at t_k is the signal at t_k - dt/2). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <hdf5.h>
#include <unistd.h>

#include "cellulab.h"
#include "cellulab_memcircuit.h"
#include "cellulab_network.h"
#include "fixtures.h"

#define MORPH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/morphologies/Pvalb_470522102_m.swc"
#define DT 0.025

static void ok(cl_status st, const cl_error *e) {
    if (st) fail_msg("%s", e->msg);
}

/* n passive cells in population "bio", node set "all_bio"; run config tstop. */
static cl_memcircuit *cells(uint64_t n, double tstop) {
    cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH};
    cl_run_config rc = {NAN, tstop, DT, 20, NAN, 34, -70, NULL, NULL, NULL, NULL};
    cl_memcircuit *mc = fx_cells("bio", n, &bm, &rc);
    uint64_t ids[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    cl_error e;
    ok(cl_memcircuit_add_node_set(mc, "all_bio", "bio", ids, n, &e), &e);
    return mc;
}

static double g_stimulus_seed = 7; /* run.stimulus_seed of the inputs add() makes */
static size_t add(cl_memcircuit *mc, const char *name, const char *module, const char *type, double delay,
                  double duration) {
    cl_input in = {.name = name, .module = module, .input_type = type, .node_set = "all_bio", .delay = delay,
                   .duration = duration, .run_seed = g_stimulus_seed};
    size_t k;
    cl_error e;
    ok(cl_memcircuit_add_input(mc, &in, &k, &e), &e);
    ok(cl_memcircuit_set_input_num(mc, k, "delay", delay, &e), &e);
    ok(cl_memcircuit_set_input_num(mc, k, "duration", duration, &e), &e);
    return k;
}
static void num(cl_memcircuit *mc, size_t k, const char *key, double v) {
    cl_error e;
    ok(cl_memcircuit_set_input_num(mc, k, key, v, &e), &e);
}

/* The recorded "i" of input `name` on node (its only point process). */
static cl_rec rec_i(cl_network *net, const char *name, uint64_t node, cl_pp *pp_out) {
    cl_pp pp[4];
    size_t n;
    cl_error e;
    ok(cl_network_input_pps(net, name, "bio", node, pp, 4, &n, &e), &e);
    assert_int_equal(n, 1);
    cl_rec r;
    assert_int_equal(cl_rec_pp(cl_network_sim(net), pp[0], "i", 0, &r), CL_OK);
    if (pp_out) *pp_out = pp[0];
    return r;
}

static double total_area(cl_network *net, uint64_t node) {
    cl_sim *sim = cl_network_sim(net);
    cl_cell cell;
    cl_error e;
    ok(cl_network_cell(net, "bio", node, &cell, NULL, &e), &e);
    size_t ns = 0;
    assert_int_equal(cl_cell_section_list(sim, cell, "all", NULL, 0, &ns), CL_OK);
    cl_section *secs = malloc(ns * sizeof *secs);
    assert_int_equal(cl_cell_section_list(sim, cell, "all", secs, ns, &ns), CL_OK);
    double area = 0;
    for (size_t i = 0; i < ns; i++) {
        int nseg;
        assert_int_equal(cl_section_get_nseg(sim, secs[i], &nseg), CL_OK);
        for (int s = 0; s < nseg; s++) {
            double a;
            assert_int_equal(cl_section_area(sim, secs[i], (s + 0.5) / nseg, &a), CL_OK);
            area += a;
        }
    }
    free(secs);
    return area;
}

/* holding currents: node 0 from @dynamics:holding_current, node 1 from the
 * options' cell_value hook (what hoc templates' getHypAmp fills) */
static cl_status hook(void *ctx, cl_network *net, const char *pop, uint64_t node, const char *name, double *value,
                      cl_error *err) {
    (void)net, (void)err, (void)pop;
    int *calls = ctx;
    ++*calls;
    if (node == 1 && !strcmp(name, "holding_current")) *value = -0.07;
    return CL_OK;
}

static void test_hyperpolarizing(void **state) {
    (void)state;
    cl_memcircuit *mc = cells(2, 60);
    cl_error e;
    ok(cl_memcircuit_set_dynamics(mc, "bio", 0, "holding_current", -0.05, &e), &e);
    add(mc, "hyp", "hyperpolarizing", "current_clamp", 5, 20);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    /* without the hook node 1 has no holding current: refused, naming it */
    assert_int_equal(cl_network_new(c, NULL, &net, &e), CL_EFORMAT);
    assert_non_null(strstr(e.msg, "memory circuit: input \"hyp\""));
    assert_non_null(strstr(e.msg, "node 1"));
    assert_non_null(strstr(e.msg, "holding_current"));
    int calls = 0;
    cl_network_options o = {.cell_value = hook, .cell_value_ctx = &calls};
    ok(cl_network_new(c, &o, &net, &e), &e);
    assert_int_equal(calls, 1); /* node 0 had its own */
    assert_int_equal(cl_network_get_counts(net).clamps, 2);
    cl_rec r0 = rec_i(net, "hyp", 0, NULL), r1 = rec_i(net, "hyp", 1, NULL);
    ok(cl_network_record_soma(net, "bio", 0, &e), &e);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const double *i0, *i1, *v;
    size_t n0, n1, nv;
    assert_int_equal(cl_rec_data(cl_network_sim(net), r0, &i0, &n0), CL_OK);
    assert_int_equal(cl_rec_data(cl_network_sim(net), r1, &i1, &n1), CL_OK);
    assert_int_equal(n0, 2401);
    for (size_t k = 1; k < n0; k++) {
        double tm = (k - 0.5) * DT, on = tm > 5 && tm < 25;
        if (i0[k] != (on ? -0.05 : 0)) fail_msg("k %zu tm %g i %.17g", k, tm, i0[k]);
        assert_true(i1[k] == (on ? -0.07 : 0));
    }
    /* the charge -0.05 nA x 20 ms over the membrane (1 uF/cm2) */
    ok(cl_network_soma_trace(net, "bio", 0, &v, &nv, &e), &e);
    double dv = -0.05 * 20 / (total_area(net, 0) * 1e-8) * 1e-3;
    /* 35 ms after the step the charge has spread far below 1e-6 mV of
     * gradient; the sum is exact up to rounding */
    assert_true(fabs(v[nv - 1] - (-70 + dv)) < 1e-6);
    cl_network_free(net);
    cl_circuit_free(c);
}

/* linear, relative_linear, subthreshold, pulse, sinusoidal: the current
 * each step, derived from the module definitions */
static void test_waveforms(void **state) {
    (void)state;
    cl_memcircuit *mc = cells(1, 40);
    cl_error e;
    ok(cl_memcircuit_set_dynamics(mc, "bio", 0, "threshold_current", 0.4, &e), &e);
    size_t k = add(mc, "lin", "linear", "current_clamp", 5, 20);
    num(mc, k, "amp_start", 0.1);
    num(mc, k, "amp_end", 0.3);
    k = add(mc, "rel", "relative_linear", "current_clamp", 2, 10);
    num(mc, k, "percent_start", 50);
    k = add(mc, "sub", "subthreshold", "current_clamp", 0, 30);
    num(mc, k, "percent_less", 25);
    k = add(mc, "pul", "pulse", "current_clamp", 5, 25);
    num(mc, k, "amp_start", 0.2);
    num(mc, k, "frequency", 100);
    num(mc, k, "width", 3);
    k = add(mc, "sin", "sinusoidal", "current_clamp", 4, 30);
    num(mc, k, "amp_start", 0.1);
    num(mc, k, "frequency", 50);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_rec r[5] = {rec_i(net, "lin", 0, NULL), rec_i(net, "rel", 0, NULL), rec_i(net, "sub", 0, NULL),
                   rec_i(net, "pul", 0, NULL), rec_i(net, "sin", 0, NULL)};
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const double *d[5];
    size_t n;
    for (int j = 0; j < 5; j++) assert_int_equal(cl_rec_data(cl_network_sim(net), r[j], &d[j], &n), CL_OK);
    double max_lin = 0, max_sin = 0;
    for (size_t s = 1; s < n; s++) {
        double tm = (s - 0.5) * DT;
        double lin = tm > 5 && tm < 25 ? 0.1 + 0.2 * (tm - 5) / 20 : 0;
        max_lin = fmax(max_lin, fabs(d[0][s] - lin));
        assert_true(d[1][s] == (tm > 2 && tm < 12 ? 0.4 * 0.5 : 0));
        assert_true(d[2][s] == (tm < 30 ? 0.4 * 75 / 100 : 0));
        /* 100 Hz: pulses of 3 ms from 5, 15 and 25 ms (the last one fits
         * in the 5 ms left of the 25 ms train) */
        int on = (tm > 5 && tm < 8) || (tm > 15 && tm < 18) || (tm > 25 && tm < 28);
        assert_true(d[3][s] == (on ? 0.2 : 0));
        double sn = tm > 4 && tm < 34 ? 0.1 * sin(2 * 3.14159265358979323846 * 50 * (tm - 4) / 1000) : 0;
        max_sin = fmax(max_sin, fabs(d[4][s] - sn));
    }
    /* the ramp is interpolated between its two ends: rounding only */
    assert_true(max_lin < 1e-14);
    /* the sine is sampled every 0.025 ms and played linearly between the
     * samples: the error is at most amp (w dt)^2 / 8 = 7.7e-7 nA for
     * w = 2 pi 50 / 1000 per ms */
    assert_true(max_sin < 7.8e-7);
    cl_network_free(net);
    cl_circuit_free(c);
}

/* seclamp: holds soma(0.5) at the voltage for duration (the delay is
 * ignored, as neurodamus does); a passive cell ends exactly there */
static void test_seclamp(void **state) {
    (void)state;
    cl_memcircuit *mc = cells(1, 30);
    cl_error e;
    size_t k = add(mc, "vc", "seclamp", "voltage_clamp", 0, 20);
    num(mc, k, "voltage", -60);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_pp vc;
    cl_rec ri = rec_i(net, "vc", 0, &vc);
    ok(cl_network_record_soma(net, "bio", 0, &e), &e);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const double *v, *i;
    size_t nv, ni;
    ok(cl_network_soma_trace(net, "bio", 0, &v, &nv, &e), &e);
    assert_int_equal(cl_rec_data(cl_network_sim(net), ri, &i, &ni), CL_OK);
    /* at 20 ms the soma sits at the command minus the drop on rs: the
     * clamp's equation i = (vc - v) / rs, 0.01 MOhm; i is computed from the
     * step's v, the recorded v is the step's end: 1e-9 mV of rounding and
     * step lag (i has settled to < 1e-3 nA, 1e-5 mV on rs) */
    size_t k20 = (size_t)llround(20 / DT);
    assert_true(fabs(i[k20]) < 1e-3);
    assert_true(fabs(v[k20] - (-60)) < 1e-5);
    /* the clamp is off after duration: no current */
    for (size_t k = k20 + 1; k < ni; k++) assert_true(i[k] == 0);
    /* no leak: after release the charge only spreads; the mean voltage
     * stays near -60 mV (the distal dendrites had not quite reached it) */
    assert_true(fabs(v[nv - 1] - (-60)) < 1e-3);
    cl_network_free(net);
    cl_circuit_free(c);
}

/* noise, shot noise and OU (current and conductance) build, are zero
 * before their delay (shot noise and OU after their end too), are
 * reproducible and depend on run.stimulus_seed (BlueCelluLab's streams:
 * tests/oracle/neuron_sonata_noise.py checks the numbers). */
static void run_noise(double stimulus_seed, double out[3]) {
    g_stimulus_seed = stimulus_seed;
    cl_memcircuit *mc = cells(1, 40);
    cl_error e;
    ok(cl_memcircuit_set_dynamics(mc, "bio", 0, "threshold_current", 0.2, &e), &e);
    ok(cl_memcircuit_set_dynamics(mc, "bio", 0, "input_resistance", 100, &e), &e);
    size_t k = add(mc, "noi", "noise", "current_clamp", 5, 20);
    num(mc, k, "mean_percent", 10);
    num(mc, k, "variance", 5);
    k = add(mc, "sht", "shot_noise", "current_clamp", 5, 20);
    num(mc, k, "rise_time", 0.4), num(mc, k, "decay_time", 4), num(mc, k, "rate", 2000);
    num(mc, k, "amp_mean", 0.01), num(mc, k, "amp_var", 1e-5);
    k = add(mc, "ou", "relative_ornstein_uhlenbeck", "conductance", 5, 20);
    num(mc, k, "tau", 2), num(mc, k, "mean_percent", 20), num(mc, k, "sd_percent", 5);
    g_stimulus_seed = 7;
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_rec r[3] = {rec_i(net, "noi", 0, NULL), rec_i(net, "sht", 0, NULL), rec_i(net, "ou", 0, NULL)};
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    for (int j = 0; j < 3; j++) {
        const double *d;
        size_t n;
        assert_int_equal(cl_rec_data(cl_network_sim(net), r[j], &d, &n), CL_OK);
        out[j] = 0;
        for (size_t s = 1; s < n; s++) {
            /* an IClamp's i is its amp at mid-step; an SEClamp's recorded i
             * is computed after the step with rs played at its end (as NEURON:
             * a second play at t + dt before the states) */
            double tm = j == 2 ? s * DT : (s - 0.5) * DT;
            /* the conductance clamp's rs goes linearly from 1e9 MOhm at 0 to
             * 1/g at the delay (BlueCelluLab's (0, 0) first point): at
             * least 5e6 MOhm a step before it, under 1e-4 nA at 100 mV.
             * TStim.noise goes on after its end (see bcl_noise): not checked */
            int outside = tm < 5 || (tm > 25 && j != 0);
            if (outside && !(fabs(d[s]) < (j == 2 ? 1e-4 : 0) + 1e-300)) fail_msg("j %d tm %g i %g", j, tm, d[s]);
            if (tm < 25) out[j] += d[s] * DT;
        }
    }
    cl_network_free(net);
    cl_circuit_free(c);
}

static void test_noise_modules(void **state) {
    (void)state;
    double a[3], b[3], c[3];
    run_noise(1, a);
    run_noise(1, b);
    run_noise(2, c);
    for (int j = 0; j < 3; j++) {
        assert_true(a[j] == b[j]); /* reproducible */
        assert_true(a[j] != c[j]); /* seed-dependent */
        assert_true(a[j] != 0);
    }
    /* noise mean 10 % of 0.2 nA over 20 ms: 0.4 pC; 40 draws (dt 0.5 ms)
     * of sd sqrt(0.01) nA, each weighing at most 0.5 ms, give a charge sd
     * of at most 0.32 pC: over 2 sd (the draws are fixed: no flakiness) */
    assert_true(fabs(a[0] - 0.4) < 0.7);
}

/* Statistics derived from the definitions. OU (tau 5 ms, sigma 0.05 nA,
 * mean 0.1 nA) and noise (mean -0.1 nA, variance 0.0025 nA^2, i.e. sd
 * 0.05) sampled every 0.25 ms for 5 s; with a run dt of 0.5 ms each step's
 * value is the signal at t_k - 0.25, an odd multiple of 0.25: a sample
 * itself, not an interpolation. */
static void stats(const double *d, size_t n, double *mean, double *sd, double *rho1) {
    double m = 0, v = 0, c = 0;
    for (size_t k = 0; k < n; k++) m += d[k];
    m /= (double)n;
    for (size_t k = 0; k < n; k++) v += (d[k] - m) * (d[k] - m);
    for (size_t k = 1; k < n; k++) c += (d[k] - m) * (d[k - 1] - m);
    *mean = m;
    *sd = sqrt(v / (double)n);
    *rho1 = c / v;
}

static void test_noise_statistics(void **state) {
    (void)state;
    cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH};
    cl_run_config rc = {NAN, 5001, 0.5, 200, NAN, 34, -70, NULL, NULL, NULL, NULL};
    cl_memcircuit *mc = fx_cells("bio", 1, &bm, &rc);
    cl_error e;
    uint64_t id0 = 0;
    ok(cl_memcircuit_add_node_set(mc, "all_bio", "bio", &id0, 1, &e), &e);
    size_t k = add(mc, "ou", "ornstein_uhlenbeck", "current_clamp", 0, 5000);
    num(mc, k, "tau", 5), num(mc, k, "sigma", 0.05), num(mc, k, "mean", 0.1);
    k = add(mc, "noi", "noise", "current_clamp", 0, 5000);
    num(mc, k, "mean", -0.1), num(mc, k, "variance", 0.0025), num(mc, k, "dt", 0.25), num(mc, k, "random_seed", 11);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_rec r[2] = {rec_i(net, "ou", 0, NULL), rec_i(net, "noi", 0, NULL)};
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const double *d;
    size_t n;
    double m, sd, rho;
    /* OU: stationary from its first sample 0 after ~5 tau; skip 100 ms */
    assert_int_equal(cl_rec_data(cl_network_sim(net), r[0], &d, &n), CL_OK);
    stats(d + 200, 10000 - 200, &m, &sd, &rho);
    /* lag 0.5 ms: rho = exp(-0.1) = 0.905; about 9800 (1 - rho) / (1 + rho)
     * = 490 independent samples: 5 standard errors are 0.011 nA on the
     * mean, 16 % on the sd, 0.02 on rho ((1 - rho^2) / sqrt(n) x 5) */
    print_message("OU: mean %.12g sd %.5g rho %.5g (0.1, 0.05, %.5g)\n", m, sd, rho, exp(-0.1));
    assert_true(fabs(m - 0.1) < 0.011);
    assert_true(fabs(sd / 0.05 - 1) < 0.16);
    assert_true(fabs(rho - exp(-0.1)) < 0.02);
    /* noise: independent samples every 0.25 ms, sd sqrt(variance); 5 SE */
    assert_int_equal(cl_rec_data(cl_network_sim(net), r[1], &d, &n), CL_OK);
    stats(d + 1, 10000 - 1, &m, &sd, &rho);
    print_message("noise: mean %.12g sd %.5g rho %.5g (-0.1, 0.05, 0)\n", m, sd, rho);
    assert_true(fabs(m + 0.1) < 5 * 0.05 / 100);
    assert_true(fabs(sd / 0.05 - 1) < 5 / sqrt(2 * 9999.0));
    assert_true(fabs(rho) < 5 / 100.0);
    cl_network_free(net);
    cl_circuit_free(c);
}

/* absolute_shot_noise: neurodamus turns the signal's mean, sd and relative
 * skewness into a Poisson rate and gamma amplitudes (the cumulants of a
 * bi-exponential shot noise, Campbell's theorem generalised); the discrete
 * signal is each event's impulse response sampled every dt, P[n] =
 * A b (a^(n-1) - b^(n-1)) / (a - b), whose sum is A b / ((1 - a)(1 - b)),
 * so the expected mean is events per step x amp_mean x that sum. */
static void test_shot_noise_mean(void **state) {
    (void)state;
    cl_node_model bm = {.model_type = "biophysical", .morphology = MORPH};
    cl_run_config rc = {NAN, 20001, 0.5, 200, NAN, 34, -70, NULL, NULL, NULL, NULL};
    cl_memcircuit *mc = fx_cells("bio", 1, &bm, &rc);
    cl_error e;
    uint64_t id0 = 0;
    ok(cl_memcircuit_add_node_set(mc, "all_bio", "bio", &id0, 1, &e), &e);
    const double tR = 0.4, tD = 4, mean = 0.1, sigma = 0.03, rskew = 0.3, dt = 0.25;
    size_t k = add(mc, "shot", "absolute_shot_noise", "current_clamp", 0, 20000);
    num(mc, k, "rise_time", tR), num(mc, k, "decay_time", tD), num(mc, k, "mean", mean);
    num(mc, k, "sigma", sigma), num(mc, k, "relative_skew", rskew), num(mc, k, "random_seed", 3);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_rec r = rec_i(net, "shot", 0, NULL);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    const double *d;
    size_t n;
    assert_int_equal(cl_rec_data(cl_network_sim(net), r, &d, &n), CL_OK);
    double m, sd, rho;
    stats(d + 100, 40000 - 100, &m, &sd, &rho);
    /* the shot noise's cumulants: kernel K(t) = (e^-t/tD - e^-t/tR) / peak,
     * integral xi = (tD - tR) / peak; a Poisson rate r of gamma shots
     * (mean m) has mean r m xi, so r = mean / (m xi), where m follows from
     * the variance and skewness asked: m = 2 theta1 - theta2 (neurodamus'
     * params_from_mean_sd, its skewness between its bounds s0 and 2 s0) */
    double t_peak = log(tD / tR) / (1 / tR - 1 / tD);
    double peak = exp(-t_peak / tD) - exp(-t_peak / tR);
    double xi = (tD - tR) / peak, A1 = 1 / (tD + tR), B1 = 1 / ((tD + 2 * tR) * (2 * tD + tR));
    double skew = (1 + rskew) * (8.0 / 3) * (B1 / (A1 * A1)) * (sigma / mean);
    double th1 = 2 / (A1 * xi) * (sigma * sigma / mean), th2 = 3 * A1 / (4 * B1 * xi) * (sigma * skew);
    double amp_mean = 2 * th1 - th2, rate_ms = mean / (amp_mean * xi);
    double a = exp(-dt / tD), b = exp(-dt / tR), D = -log(a), R = -log(b);
    double tp = log(R / D) / (R - D), A = (a / b - 1) / (pow(a, tp) - pow(b, tp));
    double expect = rate_ms * dt * amp_mean * A * b / ((1 - a) * (1 - b));
    /* the sampled kernel's sum is within 5 % of the continuous one (dt
     * 0.25 against a 0.4 ms rise), so the mean is near the asked 0.1 */
    assert_true(fabs(expect / mean - 1) < 0.05);
    /* statistics: correlation ~ tD + tR, 20 s give ~2200 independent
     * values, sd 0.03: 5 standard errors = 0.0032 nA */
    print_message("shot noise: mean %.5g nA (expected %.5g), sd %.5g (asked %.5g)\n", m, expect, sd, sigma);
    if (!(fabs(m - expect) < 0.0032)) fail_msg("shot noise mean %g, expected %g", m, expect);
    /* and the sd near the asked sigma (Campbell; 20 % covers the sampling) */
    if (!(fabs(sd / sigma - 1) < 0.2)) fail_msg("shot noise sd %g, asked %g", sd, sigma);
    cl_network_free(net);
    cl_circuit_free(c);
}

/* bmtk IClamp with lists: one IClamp (del, dur, amp) per element */
static void test_iclamp_lists(void **state) {
    (void)state;
    cl_memcircuit *mc = cells(1, 30);
    cl_error e;
    cl_input in = {.name = "steps", .module = "IClamp", .input_type = "current_clamp", .node_set = "all_bio",
                   .delay = NAN, .duration = NAN, .run_seed = NAN};
    size_t k;
    ok(cl_memcircuit_add_input(mc, &in, &k, &e), &e);
    const double amp[2] = {0.1, -0.2}, del[2] = {5, 15}, dur[2] = {5, 10};
    ok(cl_memcircuit_set_input_array(mc, k, "amp", amp, 2, &e), &e);
    ok(cl_memcircuit_set_input_array(mc, k, "delay", del, 2, &e), &e);
    ok(cl_memcircuit_set_input_array(mc, k, "duration", dur, 2, &e), &e);
    cl_circuit *c;
    ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
    cl_network *net;
    ok(cl_network_new(c, NULL, &net, &e), &e);
    cl_pp pp[4];
    size_t n;
    ok(cl_network_input_pps(net, "steps", "bio", 0, pp, 4, &n, &e), &e);
    assert_int_equal(n, 2);
    cl_rec r[2];
    for (int j = 0; j < 2; j++) assert_int_equal(cl_rec_pp(cl_network_sim(net), pp[j], "i", 0, &r[j]), CL_OK);
    ok(cl_network_run(net, NULL, NULL, &e), &e);
    for (int j = 0; j < 2; j++) {
        const double *d;
        size_t m;
        assert_int_equal(cl_rec_data(cl_network_sim(net), r[j], &d, &m), CL_OK);
        for (size_t s = 1; s < m; s++) {
            double tm = (s - 0.5) * DT;
            assert_true(d[s] == (tm > del[j] && tm < del[j] + dur[j] ? amp[j] : 0));
        }
    }
    cl_network_free(net);
    cl_circuit_free(c);
}

/* Bad rows: each input refused with where + key + the problem. */
static void test_bad_inputs(void **state) {
    (void)state;
    struct {
        const char *module, *type, *key, *str;
        double delay, duration, val;
        const char *expect;
    } rows[] = {
        {"nonsense", "current_clamp", NULL, NULL, 0, 10, 0, "module: unknown module \"nonsense\""},
        {"linear", "current_clamp", NULL, NULL, 0, 10, 0, ".amp_start: missing"},
        {"linear", "current_clamp", "amp_start", "0.1", 0, 10, 0, ".amp_start: expected a number, got the string"},
        {"linear", "current_clamp", "amp_start", NULL, 0, -10, 0.1, ".duration: -10 is negative"},
        {"linear", "current_clamp", "amp_start", NULL, 0, 10, NAN, ".amp_start: nan is not a finite number"},
        {"linear", "current_clamp", "amp_start", NULL, NAN, 10, 0.1, ".delay: nan is not a finite number"},
        {"linear", "conductance", "amp_start", NULL, 0, 10, 0.1, "input_type: \"conductance\" is not one"},
        {"pulse", "current_clamp", "amp_start", NULL, 0, 10, 0.1, ".frequency: missing"},
        {"seclamp", "voltage_clamp", "voltage", NULL, 0, 10, -60, NULL}, /* a good row, for contrast */
        {"ornstein_uhlenbeck", "current_clamp", "tau", NULL, 0, 10, 1, ".sigma: missing"},
        {"xstim", "current_clamp", NULL, NULL, 0, 10, 0, "\"xstim\" inputs are not supported"},
        {"relative_shot_noise", "current_clamp", "rise_time", NULL, 0, 10, 1, ".decay_time: missing"},
        {"linear", "current_clamp", "compartment_set", "cs", 0, 10, 0, ".compartment_set: compartment-set targets"},
        {"relative_shot_noise", "current_clamp", "amp_cv", NULL, 0, 10, 0.5, ".rise_time: missing"},
        {"hyperpolarizing", "current_clamp", "random_seed", NULL, 0, 10, -1, ".random_seed: -1 is not an integer"},
        {"hyperpolarizing", "spikes_typo", NULL, NULL, 0, 10, 0, "input_type: \"spikes_typo\" is not one"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cl_memcircuit *mc = cells(1, 5);
        cl_error e;
        size_t k = add(mc, "bad", rows[i].module, rows[i].type, rows[i].delay, rows[i].duration);
        if (rows[i].key && rows[i].str) ok(cl_memcircuit_set_input_str(mc, k, rows[i].key, rows[i].str, &e), &e);
        else if (rows[i].key) num(mc, k, rows[i].key, rows[i].val);
        cl_circuit *c;
        ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
        cl_network *net = NULL;
        cl_status st = cl_network_new(c, NULL, &net, &e);
        if (!rows[i].expect) {
            ok(st, &e);
        } else {
            if (st == CL_OK) fail_msg("row %zu (%s) was accepted", i, rows[i].module);
            if (!strstr(e.msg, "memory circuit: input \"bad\"") || !strstr(e.msg, rows[i].expect))
                fail_msg("row %zu: message \"%s\" lacks \"%s\"", i, e.msg, rows[i].expect);
        }
        cl_network_free(net);
        cl_circuit_free(c);
    }
}

/* Random inputs BlueCelluLab could not build (NEURON's Vector.indgen stops
 * with "arg out of range" when the step exceeds the span): refused when the
 * cell is built, naming the input and the node. */
static void test_noise_refusals(void **state) {
    (void)state;
    struct {
        const char *module;
        double delay, duration;
        const char *expect;
    } rows[] = {
        /* draws before a 0.3 ms delay: indgen(0, 0.275, 0.5) */
        {"noise", 0.3, 10, "chunk shorter than dt"},
        {"noise", 0, 0.2, "duration is shorter than dt"},
        {"shot_noise", 0, 0.1, "duration is shorter than dt"},
        {"ornstein_uhlenbeck", 2, 0.1, "duration is shorter than dt"},
        {"noise", 50, 10, NULL}, /* good, for contrast */
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        cl_memcircuit *mc = cells(1, 5);
        cl_error e;
        size_t k = add(mc, "bad", rows[i].module, "current_clamp", rows[i].delay, rows[i].duration);
        if (!strcmp(rows[i].module, "noise")) num(mc, k, "mean", 0.1), num(mc, k, "variance", 0.01);
        if (!strcmp(rows[i].module, "shot_noise")) {
            num(mc, k, "rise_time", 0.4), num(mc, k, "decay_time", 4), num(mc, k, "rate", 100);
            num(mc, k, "amp_mean", 0.01), num(mc, k, "amp_var", 1e-5);
        }
        if (!strcmp(rows[i].module, "ornstein_uhlenbeck"))
            num(mc, k, "tau", 1), num(mc, k, "sigma", 0.01), num(mc, k, "mean", 0);
        cl_circuit *c;
        ok(cl_memcircuit_to_circuit(mc, &c, &e), &e);
        cl_network *net = NULL;
        cl_status st = cl_network_new(c, NULL, &net, &e);
        if (!rows[i].expect) {
            ok(st, &e);
        } else {
            if (st == CL_OK) fail_msg("row %zu (%s) was accepted", i, rows[i].module);
            if (!strstr(e.msg, "memory circuit: input \"bad\"") || !strstr(e.msg, "node 0") ||
                !strstr(e.msg, rows[i].expect))
                fail_msg("row %zu: message \"%s\" lacks \"%s\"", i, e.msg, rows[i].expect);
        }
        cl_network_free(net);
        cl_circuit_free(c);
    }
}

/* The same refusals through a SONATA simulation config: the message names
 * the config file and the JSON path. The circuit: two virtual nodes (the
 * inputs are checked before any cell is needed). */
static char sdir[] = "/tmp/test_netin_XXXXXX";

static void test_sonata_refusals(void **state) {
    (void)state;
    assert_non_null(mkdtemp(sdir));
    char p[300];
    snprintf(p, sizeof p, "%s/nodes.h5", sdir);
    hid_t f = H5Fcreate(p, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t g = H5Gcreate2(f, "/nodes/v", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (g < 0) {
        hid_t n1 = H5Gcreate2(f, "/nodes", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Gclose(n1);
        g = H5Gcreate2(f, "/nodes/v", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    }
    uint64_t ones[2] = {1, 1}, zeros[2] = {0, 0}, idx[2] = {0, 1};
    fx_put_array(g, "node_type_id", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, ones);
    fx_put_array(g, "node_id", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, idx);
    fx_put_array(g, "node_group_id", H5T_STD_U32LE, H5T_NATIVE_UINT64, 2, zeros);
    fx_put_array(g, "node_group_index", H5T_STD_U64LE, H5T_NATIVE_UINT64, 2, idx);
    hid_t g0 = H5Gcreate2(g, "0", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Gclose(g0);
    H5Gclose(g);
    H5Fclose(f);
    fx_write_file(sdir, "types.csv", "node_type_id model_type\n1 virtual\n");
    fx_write_file(sdir, "circuit_config.json", "{\"networks\": {\"nodes\": [{\"nodes_file\": \"nodes.h5\", "
                                           "\"node_types_file\": \"types.csv\"}]}}");
    struct {
        const char *input, *expect;
    } rows[] = {
        {"{\"module\": \"nonsense\", \"input_type\": \"current_clamp\", \"delay\": 0, \"duration\": 5}",
         "simulation_config.json: $.inputs.bad.module: unknown module \"nonsense\""},
        {"{\"module\": \"linear\", \"input_type\": \"current_clamp\", \"delay\": 0, \"duration\": 5}",
         "simulation_config.json: $.inputs.bad.amp_start: missing"},
        {"{\"module\": \"linear\", \"input_type\": \"current_clamp\", \"delay\": 0, \"duration\": 5, "
         "\"amp_start\": \"0.1\"}",
         "simulation_config.json: $.inputs.bad.amp_start: expected a number"},
        {"{\"module\": \"pulse\", \"input_type\": \"current_clamp\", \"delay\": 0, \"duration\": 5, "
         "\"amp_start\": [0.1], \"frequency\": 10, \"width\": 2}",
         "simulation_config.json: $.inputs.bad.amp_start: expected a number or a string, got an array"},
        {"{\"module\": \"pulse\", \"input_type\": \"current_clamp\", \"delay\": 0, \"duration\": -5, "
         "\"amp_start\": 0.1, \"frequency\": 10, \"width\": 2}",
         "simulation_config.json: $.inputs.bad.duration: -5 is negative"},
        {"{\"module\": \"hyperpolarizing\", \"input_type\": \"current_clamp\", \"delay\": \"0\", "
         "\"duration\": 5}",
         "simulation_config.json: $.inputs.bad.delay: expected a number"},
        {"{\"module\": \"IClamp\", \"input_type\": \"current_clamp\", \"amp\": [0.1, 0.2], \"delay\": [1], "
         "\"duration\": [2, 3]}",
         "simulation_config.json: $.inputs.bad: amp, delay and duration have 2, 1 and 2 elements"},
        {"{\"module\": \"relative_shot_noise\", \"input_type\": \"current_clamp\", \"delay\": 0, \"duration\": 5, "
         "\"rise_time\": 0.4, \"decay_time\": 4, \"mean_percent\": 10, \"sd_percent\": 5, \"relative_skew\": 1.5}",
         "simulation_config.json: $.inputs.bad.relative_skew: 1.5 is not in [0, 1]"},
        {"{\"module\": \"sinusoidal\", \"input_type\": \"current_clamp\", \"delay\": 0, \"duration\": 1e12, "
         "\"amp_start\": 0.1, \"frequency\": 10}",
         "simulation_config.json: $.inputs.bad: duration 1e+12 ms makes 4e+13 signal points (at most 1e8)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char body[1024];
        snprintf(body, sizeof body,
                 "{\"network\": \"circuit_config.json\", \"run\": {\"tstop\": 5, \"dt\": 0.025}, "
                 "\"inputs\": {\"bad\": %s}}",
                 rows[i].input);
        const char *cfg = fx_write_file(sdir, "simulation_config.json", body);
        cl_circuit *c = NULL;
        cl_error e = {{0}};
        cl_status st = cl_circuit_open_sonata(cfg, &c, &e);
        cl_network *net = NULL;
        if (st == CL_OK) st = cl_network_new(c, NULL, &net, &e);
        if (st == CL_OK) fail_msg("row %zu was accepted", i);
        if (!strstr(e.msg, rows[i].expect)) fail_msg("row %zu: \"%s\" lacks \"%s\"", i, e.msg, rows[i].expect);
        cl_network_free(net);
        cl_circuit_free(c);
    }
    assert_int_equal(fx_remove_dir(sdir), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hyperpolarizing), cmocka_unit_test(test_waveforms),
        cmocka_unit_test(test_seclamp),         cmocka_unit_test(test_noise_modules),
        cmocka_unit_test(test_bad_inputs),      cmocka_unit_test(test_sonata_refusals),
        cmocka_unit_test(test_iclamp_lists),    cmocka_unit_test(test_noise_statistics),
        cmocka_unit_test(test_shot_noise_mean), cmocka_unit_test(test_noise_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
