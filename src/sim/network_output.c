/* The network's outputs through the SONATA writers of src/sim/output_sonata.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/network_output.h"
#include "sim/output_sonata.h"

cl_status net_write_spikes(const char *path, const net_spikes_pop *pops, size_t n_pops, const char *sort,
                           cl_error *err) {
    if (n_pops == 0) return CL_OK; /* nothing loaded: no file (the writer refuses an empty one) */
    const char **names = malloc(n_pops * sizeof *names);
    const uint64_t **ids = malloc(n_pops * sizeof *ids);
    const double **times = malloc(n_pops * sizeof *times);
    size_t *counts = malloc(n_pops * sizeof *counts);
    cl_status st = CL_OK;
    if (!names || !ids || !times || !counts) {
        st = CL_ENOMEM;
        if (err) snprintf(err->msg, sizeof err->msg, "%s: out of memory", path);
    } else {
        for (size_t i = 0; i < n_pops; i++) {
            names[i] = pops[i].name;
            ids[i] = pops[i].nodes;
            times[i] = pops[i].times;
            counts[i] = pops[i].n;
        }
        /* bmtk's configs say "time" / "id" for by_time / by_id */
        if (!sort || strcmp(sort, "time") == 0) sort = "by_time";
        if (strcmp(sort, "id") == 0) sort = "by_id";
        char msg[512] = "";
        if (cl_sonata_write_spikes(path, n_pops, names, ids, times, counts, sort, msg, sizeof msg) != 0) {
            st = CL_EIO;
            if (err) snprintf(err->msg, sizeof err->msg, "%s", msg);
        }
    }
    free(names);
    free(ids);
    free(times);
    free(counts);
    return st;
}

cl_status net_write_report(const char *path, const net_report_pop *P, cl_error *err) {
    uint64_t *ptr = malloc((P->n_nodes + 1) * sizeof *ptr);
    uint32_t *el = calloc(P->n_nodes + 1, sizeof *el);
    float *pos = malloc((P->n_nodes + 1) * sizeof *pos);
    double *row = malloc((P->n_nodes + 1) * sizeof *row);
    cl_status st = CL_OK;
    char msg[512] = "";
    if (!ptr || !el || !pos || !row) {
        st = CL_ENOMEM;
        snprintf(msg, sizeof msg, "%s: out of memory", path);
        goto out;
    }
    for (size_t k = 0; k <= P->n_nodes; k++) {
        ptr[k] = k;
        pos[k] = 0.5f; /* soma(0.5), section 0 */
    }
    cl_report_writer *w = cl_report_open(path, P->name, P->nodes, P->n_nodes, ptr, el, pos, P->tstart, P->tstop,
                                         P->dt, strcmp(P->variable, "v") == 0 ? "mV" : "", msg, sizeof msg);
    if (!w) {
        st = CL_EIO;
        goto out;
    }
    for (size_t r = 0; r < P->n_times; r++) {
        for (size_t c = 0; c < P->n_nodes; c++) row[c] = P->data[r * P->n_nodes + c];
        if (cl_report_append(w, row) != 0) {
            snprintf(msg, sizeof msg, "%s", cl_report_errmsg(w));
            cl_report_abort(w);
            st = CL_EIO;
            goto out;
        }
    }
    if (cl_report_close(w, msg, sizeof msg) != 0) st = CL_EIO;
out:
    if (st && err) snprintf(err->msg, sizeof err->msg, "%s", msg);
    free(ptr);
    free(el);
    free(pos);
    free(row);
    return st;
}
