/* cl_network_partition: cells shared among ranks by compartment count, the
 * greedy "largest first onto the least loaded" rule (within 4/3 of the best
 * possible maximum load); deterministic, so that every rank computes the
 * same owners without talking to the others. */
#include <math.h>
#include <stdlib.h>

#include "cellulab_network.h"
#include "util/util.h"

typedef struct item {
    double cost;
    size_t i;
} item;

static int by_cost_desc(const void *a, const void *b) {
    const item *x = a, *y = b;
    if (x->cost != y->cost) return x->cost < y->cost ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

cl_status cl_network_partition(const double *cost, size_t n, int nranks, int *owner, double *load, cl_error *err) {
    if (nranks < 1) return cl_error_fail(err, CL_EINVAL, "cl_network_partition: nranks: expected >= 1, got %d", nranks);
    if (n && (!cost || !owner)) return cl_error_fail(err, CL_EINVAL, "cl_network_partition: cost and owner must not be NULL");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(cost[i]) || cost[i] < 0)
            return cl_error_fail(err, CL_EINVAL, "cl_network_partition: cost[%zu]: expected a finite number >= 0, got %g",
                                 i, cost[i]);
    item *it = malloc((n ? n : 1) * sizeof *it);
    double *ld = calloc((size_t)nranks, sizeof *ld);
    if (!it || !ld) {
        free(it);
        free(ld);
        return cl_error_fail(err, CL_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) it[i] = (item){cost[i], i};
    qsort(it, n, sizeof *it, by_cost_desc);
    for (size_t k = 0; k < n; k++) {
        int best = 0; /* a linear scan: rank counts are small next to cell counts */
        for (int r = 1; r < nranks; r++)
            if (ld[r] < ld[best]) best = r;
        owner[it[k].i] = best;
        ld[best] += it[k].cost;
    }
    if (load)
        for (int r = 0; r < nranks; r++) load[r] = ld[r];
    free(it);
    free(ld);
    return CL_OK;
}
