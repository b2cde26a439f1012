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
    char msg[512] = "";
    cl_report_writer *w = cl_report_open(path, P->name, P->nodes, P->n_nodes, P->index_pointers, P->element_ids,
                                         P->element_pos, P->tstart, P->tstop, P->dt,
                                         strcmp(P->variable, "v") == 0 ? "mV" : "", msg, sizeof msg);
    if (!w) {
        if (err) snprintf(err->msg, sizeof err->msg, "%s", msg);
        return CL_EIO;
    }
    for (size_t r = 0; r < P->n_times; r++)
        if (cl_report_append(w, P->data + r * P->n_values) != 0) {
            if (err) snprintf(err->msg, sizeof err->msg, "%s", cl_report_errmsg(w));
            cl_report_abort(w);
            return CL_EIO;
        }
    if (cl_report_close(w, msg, sizeof msg) != 0) {
        if (err) snprintf(err->msg, sizeof err->msg, "%s", msg);
        return CL_EIO;
    }
    return CL_OK;
}

void net_report_pops_free(net_report_pop *pops, size_t n) {
    for (size_t k = 0; k < n; k++) {
        free((void *)pops[k].nodes);
        free((void *)pops[k].index_pointers);
        free((void *)pops[k].element_ids);
        free((void *)pops[k].element_pos);
        free((void *)pops[k].data);
    }
}
