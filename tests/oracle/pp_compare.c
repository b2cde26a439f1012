/* Point processes and an artificial cell compiled by cellulab's NMODL
 * compiler against NEURON 8.2 (neuron_pp.py, MOD files in mods_pp/): every
 * sample of v, the synaptic and calcium currents and a gate, the spike times
 * and a per-connection NET_RECEIVE argument. Expected bit-identical; the
 * issue's bound is 1e-6 mV.
 *
 * usage: pp_compare LIBCELLULABMECH.so NEURON_REFERENCE_DIR */
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
#include "soma_oracle.h"

static const char *lib, *refdir;

#define OK(call)                                                              \
    do {                                                                      \
        if ((call) != CL_OK) fail_msg("%s: %s", #call, cl_sim_errmsg(s));    \
    } while (0)

static double compare(const char *name, const double *x, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.txt", refdir, name);
    return so_compare_file(path, name, x, n);
}

static void test_point_processes(void **state) {
    (void)state;
    cl_sim *s;
    cl_cell cell;
    cl_section soma;
    cl_pp syn, gen, hot;
    cl_netcon nc, back;
    assert_int_equal(cl_sim_new(&s), CL_OK);
    OK(cl_sim_load_mechanisms(s, lib));
    OK(cl_cell_new(s, "c", &cell));
    OK(cl_section_new(s, cell, "soma", &soma));
    OK(cl_section_set_L(s, soma, 20));
    OK(cl_section_set_diam(s, soma, 20));
    OK(cl_section_insert(s, soma, "hh"));
    OK(cl_pp_new(s, "SynX", soma, 0.5, &syn));
    OK(cl_artcell_new(s, "Gen", &gen));
    OK(cl_pp_new(s, "CaHot", soma, 0.5, &hot));
    OK(cl_netcon_from_pp(s, gen, syn, &nc));
    OK(cl_netcon_set_delay(s, nc, 1));
    OK(cl_netcon_set_weight(s, nc, 0, 0.05));
    OK(cl_netcon_from_section(s, soma, 0.5, gen, &back));
    OK(cl_netcon_set_threshold(s, back, -20));
    OK(cl_netcon_set_delay(s, back, 2));
    OK(cl_netcon_set_weight(s, back, 0, 1));
    OK(cl_netcon_record(s, nc));
    OK(cl_netcon_record(s, back));
    cl_rec rv, ri, rca, rm;
    OK(cl_rec_section(s, soma, 0.5, "v", 0, &rv));
    OK(cl_rec_pp(s, syn, "i", 0, &ri));
    OK(cl_rec_pp(s, hot, "ica", 0, &rca));
    OK(cl_rec_pp(s, hot, "m", 0, &rm));
    OK(cl_sim_set_celsius(s, 34));
    OK(cl_sim_run(s, 120));
    const double *x;
    size_t n;
    double worst = 0;
    OK(cl_rec_data(s, rv, &x, &n));
    worst = fmax(worst, compare("v", x, n));
    OK(cl_rec_data(s, ri, &x, &n));
    worst = fmax(worst, compare("i_syn", x, n));
    OK(cl_rec_data(s, rca, &x, &n));
    worst = fmax(worst, compare("ica", x, n));
    OK(cl_rec_data(s, rm, &x, &n));
    worst = fmax(worst, compare("m", x, n));
    OK(cl_netcon_spikes(s, nc, &x, &n));
    double spk = compare("gen_spikes", x, n);
    OK(cl_netcon_spikes(s, back, &x, &n));
    spk = fmax(spk, compare("soma_spikes", x, n));
    double count;
    OK(cl_netcon_get_weight(s, nc, 1, &count)); /* NET_RECEIVE's per-connection count */
    spk = fmax(spk, compare("count", &count, 1));
    assert_true(worst <= 1e-6); /* the bound; expected 0 */
    assert_true(spk == 0.0);    /* spike times identical */
    cl_sim_free(s);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: pp_compare LIB.so NEURON_REFERENCE_DIR\n");
        return 2;
    }
    lib = argv[1];
    refdir = argv[2];
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_point_processes)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
