/* The SONATA reader against sonata_ref.py (h5py + json reading the same
 * files on their own): population sizes, node and edge attributes (group
 * datasets, types CSV, @library), afferent edge lists (the reader uses the
 * files' indices, the reference scans target_node_id), edge sources, node
 * set sizes and spike input counts. Exact equality: both sides read the
 * same stored numbers (attribute values are printed with 17 digits). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_circuit.h"

static int bad, checked;

static void check(int ok, const char *line, const char *why) {
    checked++;
    if (!ok) {
        bad++;
        if (bad < 30) fprintf(stderr, "MISMATCH %s: %s\n", why, line);
    }
}

static int same_value(const cl_value *v, const char *ref) {
    if (!strcmp(ref, "none")) return v->kind == CL_VALUE_NONE;
    if (!strncmp(ref, "s:", 2)) return v->kind == CL_VALUE_STRING && !strcmp(v->str, ref + 2);
    double r = strtod(ref + 2, NULL);
    if (v->kind == CL_VALUE_STRING) return strtod(v->str, NULL) == r; /* "5" stored as a string: numeric text */
    return v->kind == CL_VALUE_NUMBER && v->num == r;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: sonata_compare REF.txt\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    static char line[1 << 20], copy[1 << 20];
    cl_circuit *c = NULL;
    const cl_circuit_ops *o = NULL;
    void *s = NULL;
    cl_error err = {{0}};
    /* spike counts per population, summed over inputs */
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(copy, sizeof copy, "%s", line);
        char *save = NULL, *kind = strtok_r(line, " ", &save);
        if (!kind) continue;
        if (!strcmp(kind, "config")) {
            cl_circuit_free(c);
            const char *p = strtok_r(NULL, " ", &save);
            if (cl_circuit_open_sonata(p, &c, &err) != CL_OK) {
                fprintf(stderr, "FAIL open %s: %s\n", p, err.msg);
                return 1;
            }
            o = cl_circuit_get_ops(c);
            s = cl_circuit_get_state(c);
            continue;
        }
        char *a1 = strtok_r(NULL, " ", &save), *a2 = strtok_r(NULL, " ", &save);
        if (!strcmp(kind, "pop")) {
            uint64_t n = 0;
            check(o->node_population_size(s, a1, &n, &err) == CL_OK && n == strtoull(a2, NULL, 10), copy, "size");
        } else if (!strcmp(kind, "attr") || !strcmp(kind, "eattr")) {
            char *name = strtok_r(NULL, " ", &save), *ref = save;
            cl_value v;
            cl_status st = kind[0] == 'a' ? o->node_attribute(s, a1, name, strtoull(a2, NULL, 10), &v, &err)
                                          : o->edge_attribute(s, a1, name, strtoull(a2, NULL, 10), &v, &err);
            check(st == CL_OK && same_value(&v, ref), copy, st == CL_OK ? "value" : err.msg);
        } else if (!strcmp(kind, "edges")) {
            const char *src, *tgt;
            uint64_t n;
            char *t = strtok_r(NULL, " ", &save), *cnt = strtok_r(NULL, " ", &save);
            check(o->edge_population_info(s, a1, &src, &tgt, &n, &err) == CL_OK && !strcmp(src, a2) &&
                      !strcmp(tgt, t) && n == strtoull(cnt, NULL, 10),
                  copy, "edge population");
        } else if (!strcmp(kind, "afferent")) {
            uint64_t *e = NULL;
            size_t n = 0;
            cl_status st = o->afferent_edges(s, a1, strtoull(a2, NULL, 10), &e, &n, &err);
            int ok = st == CL_OK;
            size_t k = 0;
            for (char *t = strtok_r(NULL, " ", &save); t && ok; t = strtok_r(NULL, " ", &save), k++)
                ok = k < n && e[k] == strtoull(t, NULL, 10);
            check(ok && k == n, copy, st == CL_OK ? "afferent edges" : err.msg);
            free(e);
        } else if (!strcmp(kind, "source")) {
            uint64_t src = 0;
            char *r = strtok_r(NULL, " ", &save);
            check(o->edge_source(s, a1, strtoull(a2, NULL, 10), &src, &err) == CL_OK && src == strtoull(r, NULL, 10),
                  copy, "edge source");
        } else if (!strcmp(kind, "nodeset")) {
            uint64_t *ids = NULL;
            size_t n = 0;
            char *r = strtok_r(NULL, " ", &save);
            cl_status st = o->node_set(s, a1, a2, &ids, &n, &err);
            check(st == CL_OK && n == strtoull(r, NULL, 10), copy, st == CL_OK ? "node set size" : err.msg);
            free(ids);
        } else if (!strcmp(kind, "spikes")) {
            size_t tot = 0;
            int ok = 1;
            for (size_t i = 0; i < o->spike_input_count(s) && ok; i++) {
                const char *pop;
                uint64_t *nodes;
                double *times;
                size_t n;
                ok = o->spike_input(s, i, &pop, &nodes, &times, &n, &err) == CL_OK;
                if (ok && !strcmp(pop, a1)) tot += n;
                if (ok) {
                    free(nodes);
                    free(times);
                }
            }
            check(ok && tot == strtoull(a2, NULL, 10), copy, ok ? "spike count" : err.msg);
        }
    }
    fclose(f);
    cl_circuit_free(c);
    printf("sonata_compare: %d facts checked, %d mismatches\n", checked, bad);
    return bad || checked < 100 ? 1 : 0;
}
