/* Builders of in-memory circuits shared by the unit tests (see fixtures.h). */
#include "fixtures.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

void fx_ok(cl_status st, const cl_error *e) {
    if (st) fail_msg("%s", e->msg);
}

cl_memcircuit *fx_cells(const char *pop, uint64_t n, const cl_node_model *m, const cl_run_config *rc) {
    cl_memcircuit *mc;
    cl_error e;
    fx_ok(cl_memcircuit_new(&mc, &e), &e);
    fx_ok(cl_memcircuit_add_population(mc, pop, n, m, &e), &e);
    fx_ok(cl_memcircuit_set_run_config(mc, rc, &e), &e);
    return mc;
}

cl_memcircuit *fx_bio_ext(const cl_node_model *bm, const cl_run_config *rc) {
    cl_memcircuit *mc = fx_cells("bio", 1, bm, rc);
    cl_node_model vm = {.model_type = "virtual"};
    cl_error e;
    fx_ok(cl_memcircuit_add_population(mc, "ext", 1, &vm, &e), &e);
    fx_ok(cl_memcircuit_add_edge_population(mc, "ext_bio", "ext", "bio", &e), &e);
    return mc;
}

cl_memcircuit *fx_driven_bio(uint64_t n, const char *morph, double tstop, const uint64_t *drive, size_t n_drive) {
    cl_node_model bm = {.model_type = "biophysical", .morphology = morph};
    cl_run_config rc = {NAN, tstop, 0.025, 20, -20, 6.3, -65, NULL, NULL, NULL, NULL};
    cl_memcircuit *mc = fx_cells("bio", n, &bm, &rc);
    cl_error e;
    fx_ok(cl_memcircuit_add_edge_population(mc, "bio_bio", "bio", "bio", &e), &e);
    fx_ok(cl_memcircuit_add_node_set(mc, "drive", "bio", drive, n_drive, &e), &e);
    cl_current_clamp cc = {.name = "step", .node_set = "drive", .amp = 2.0, .delay = 5, .duration = 40,
                           .segment_x = NAN};
    fx_ok(cl_memcircuit_add_current_clamp(mc, &cc, &e), &e);
    return mc;
}

uint64_t fx_edge(cl_memcircuit *mc, const char *epop, uint64_t s, uint64_t t, double w, double d, const char *dyn) {
    cl_error e;
    uint64_t id;
    fx_ok(cl_memcircuit_add_edge(mc, epop, s, t, dyn, &id, &e), &e);
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "syn_weight", w, &e), &e);
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "delay", d, &e), &e);
    return id;
}

uint64_t fx_edge_at(cl_memcircuit *mc, const char *epop, uint64_t s, uint64_t t, double w, double d, const char *dyn,
                    double sec, double pos) {
    uint64_t id = fx_edge(mc, epop, s, t, w, d, dyn);
    cl_error e;
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "afferent_section_id", sec, &e), &e);
    fx_ok(cl_memcircuit_set_edge_num(mc, epop, id, "afferent_section_pos", pos, &e), &e);
    return id;
}
