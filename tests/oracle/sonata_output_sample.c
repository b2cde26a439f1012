/* Writes sample SONATA outputs with cellulab's writers for
 * check_sonata_output.py, which reads them with h5py (and libsonata when
 * installed) and recomputes every value from the same formulas:
 *   spikes_{by_time,by_id,none}.h5: population "A", spike k (k < 1000) of
 *     node (k * 7919) % 50 at ((k * 104729) % 10007) * 0.025 ms (many ties);
 *     population "B": spike k (k < 3) of node 2 - k at 1.5 ms; "empty": none.
 *   report.h5: population "L5", nodes {4, 1, 8} with 3, 1 and 2 values,
 *     element ids {0, 1, 1, 0, 2, 3}, positions {0.5, 0.25, 0.75, 0.5, 0.5,
 *     0.125}, time [0, 10, 0.1), row k value j = -70 + 0.1 k + j / 7.
 *   aborted.h5: opened, given rows, aborted (must not exist).
 * Usage: sonata_output_sample OUTDIR */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/output_sonata.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    char path[4096], err[1024];
    enum { NA = 1000 };
    static uint64_t ida[NA];
    static double ta[NA];
    for (uint64_t k = 0; k < NA; k++) {
        ida[k] = (k * 7919) % 50;
        ta[k] = (double)((k * 104729) % 10007) * 0.025;
    }
    const uint64_t idb[3] = {2, 1, 0};
    const double tb[3] = {1.5, 1.5, 1.5};
    const char *pops[3] = {"A", "B", "empty"};
    const uint64_t *ids[3] = {ida, idb, NULL};
    const double *ts[3] = {ta, tb, NULL};
    const size_t counts[3] = {NA, 3, 0};
    const char *sorts[3] = {"by_time", "by_id", "none"};
    for (int s = 0; s < 3; s++) {
        snprintf(path, sizeof path, "%s/spikes_%s.h5", argv[1], sorts[s]);
        if (cl_sonata_write_spikes(path, 3, pops, ids, ts, counts, sorts[s], err, sizeof err) != 0) {
            fprintf(stderr, "%s\n", err);
            return 1;
        }
    }
    const uint64_t nodes[3] = {4, 1, 8}, ip[4] = {0, 3, 4, 6};
    const uint32_t el[6] = {0, 1, 1, 0, 2, 3};
    const float pos[6] = {0.5f, 0.25f, 0.75f, 0.5f, 0.5f, 0.125f};
    snprintf(path, sizeof path, "%s/report.h5", argv[1]);
    cl_report_writer *w = cl_report_open(path, "L5", nodes, 3, ip, el, pos, 0.0, 10.0, 0.1, "mV", err, sizeof err);
    if (!w) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    double row[6];
    for (int k = 0; k < 100; k++) {
        for (int j = 0; j < 6; j++) row[j] = -70.0 + 0.1 * k + j / 7.0;
        if (cl_report_append(w, row) != 0) {
            fprintf(stderr, "%s\n", cl_report_errmsg(w));
            cl_report_abort(w);
            return 1;
        }
    }
    if (cl_report_close(w, err, sizeof err) != 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    snprintf(path, sizeof path, "%s/aborted.h5", argv[1]);
    w = cl_report_open(path, "L5", nodes, 3, ip, el, pos, 0.0, 10.0, 0.1, "mV", err, sizeof err);
    if (!w) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    for (int k = 0; k < 10; k++) cl_report_append(w, row);
    cl_report_abort(w);
    return 0;
}
