/* libFuzzer target for SONATA node-set evaluation (src/circuit/nodesets.c):
 *   cmake -DCELLULAB_FUZZ=ON (clang) && ./fuzz_nodesets -max_total_time=60
 * The input is a node sets JSON; every set it defines (and a population
 * name) is evaluated on a tiny in-memory population. Any input must give
 * sorted, unique, in-range ids or fail with a message; never crash or hang
 * (cycles and exponential compound sets are refused). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "circuit/sonata_int.h"

#define N 8
static const char *mtype[N] = {"L5_TPC:A", "L5_TPC:B", "L4_SS", NULL, "L23_MC", "5", "", "L5_TPC:A"};

static cl_status attr(void *ctx, const char *a, uint64_t node, cl_value *out, cl_error *err) {
    (void)ctx;
    (void)err;
    memset(out, 0, sizeof *out);
    if (node >= N) abort();
    if (!strcmp(a, "mtype") && mtype[node]) {
        out->kind = CL_VALUE_STRING;
        out->str = mtype[node];
    } else if (!strcmp(a, "x") || !strcmp(a, "layer")) {
        out->kind = CL_VALUE_NUMBER;
        out->num = (double)node - 2.5;
    }
    return CL_OK;
}

static void check(const sn_nodesets *ns, const char *name) {
    sn_ns_pop p = {.name = "pop", .size = N, .attr = attr};
    const char *pops[2] = {"pop", "other"};
    uint64_t *ids = NULL;
    size_t n = 0;
    cl_error err;
    err.msg[0] = '\0';
    cl_status st = sn_nodeset_eval(ns, name, &p, pops, 2, &ids, &n, &err);
    if (st != CL_OK) {
        if (!err.msg[0] || ids || n) abort();
        return;
    }
    for (size_t i = 0; i < n; i++)
        if (ids[i] >= N || (i && ids[i] <= ids[i - 1])) abort();
    free(ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sn_nodesets ns;
    cl_error err;
    err.msg[0] = '\0';
    if (sn_nodesets_parse((const char *)data, size, "fuzz.json", &ns, &err) != CL_OK) {
        if (!err.msg[0]) abort();
        return 0;
    }
    const char *k;
    json_t *v;
    json_object_foreach(ns.root, k, v) check(&ns, k);
    check(&ns, "pop");
    check(&ns, "other");
    check(&ns, "undefined-name");
    sn_nodesets_free(&ns);
    return 0;
}
