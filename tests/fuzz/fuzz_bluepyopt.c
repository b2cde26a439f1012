/* libFuzzer target for the BluePyOpt JSON reader and the formula evaluator:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -Iinclude \
 *     tests/fuzz/fuzz_bluepyopt.c src/model/bpo_json.c src/model/expr.c -ljansson -lm -o fuzz_bluepyopt
 *   ./fuzz_bluepyopt -max_total_time=60
 * An input that begins with '{' or white space is a model JSON (parsed and
 * checked, then every distribution's formula evaluated at a few
 * distances), so JSON files seed it; any other input is one formula,
 * evaluated with {value}, {distance} and {k}. Any input must succeed or
 * fail with a message; never crash, leak or hang. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/bpo_json.h"
#include "model/expr.h"

static void eval_all(const char *f, const char *const *names, double *vals, size_t n) {
    static const double dist[] = {0, 0.5, 123.456, 1e6};
    char err[256];
    for (size_t i = 0; i < sizeof dist / sizeof dist[0]; i++) {
        double v;
        cl_expr_vars vars = {names, vals, n};
        vals[1] = dist[i];
        cl_expr_eval(f, &vars, &v, err, sizeof err);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    const char *text = (const char *)data;
    size_t len = size;
    char err[512];
    if (!(data[0] == '{' || data[0] == ' ' || data[0] == '\t' || data[0] == '\n' || data[0] == '\r')) {
        char *f = malloc(len + 1);
        if (!f) return 0;
        memcpy(f, text, len);
        f[len] = 0;
        const char *names[] = {"value", "distance", "k"};
        double vals[] = {-1.5, 0, 0.25};
        eval_all(f, names, vals, 3);
        char ph[256];
        size_t n;
        cl_expr_placeholders(f, ph, sizeof ph, &n, err, sizeof err);
        cl_expr_check(f, err, sizeof err);
        free(f);
        return 0;
    }
    cl_bpo_model m;
    if (cl_bpo_parse(text, len, "fuzz.json", &m, err, sizeof err) != 0) return 0;
    for (size_t i = 0; i < m.nparams; i++) {
        const cl_bpo_param *p = &m.params[i];
        if (p->kind != CL_BPO_DISTRIBUTED) continue;
        const cl_bpo_dist *d = &m.dists[p->dist];
        const char *names[18] = {"value", "distance"};
        double vals[18] = {p->value, 0};
        size_t n = 2;
        for (size_t j = 0; j < d->np && n < 18; j++, n++) names[n] = d->pnames[j], vals[n] = d->pvals[j];
        eval_all(d->fun, names, vals, n);
    }
    cl_bpo_free(&m);
    return 0;
}
