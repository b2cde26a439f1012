/* cellulab info CONFIG [--json]: what a SONATA circuit holds — node
 * populations (size, model types, attributes), edge populations (source ->
 * target, count) and node sets with their sizes. Public API only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cellulab_circuit.h"
#include "cli/cli.h"

static int usage(FILE *f) {
    fprintf(f, "usage: cellulab info CONFIG.json [--json]\n"
               "  CONFIG: a SONATA circuit_config.json, simulation_config.json or bmtk config.json\n"
               "  --json  print one JSON object instead of text\n");
    return f == stdout ? 0 : 2;
}

static int fail(const char *what, const cl_error *e) {
    fprintf(stderr, "cellulab info: %s%s%s\n", what, e ? ": " : "", e ? e->msg : "");
    return 1;
}

int cli_info(int argc, char **argv) {
    const char *path = NULL;
    int as_json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return usage(stdout);
        if (!strcmp(argv[i], "--json")) as_json = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "cellulab info: unknown option %s\n", argv[i]);
            return usage(stderr);
        } else if (!path)
            path = argv[i];
        else
            return usage(stderr);
    }
    if (!path) return usage(stderr);
    cl_circuit *c;
    cl_error err = {{0}};
    if (cl_circuit_open_sonata(path, &c, &err) != CL_OK) return fail("cannot open the circuit", &err);
    const cl_circuit_ops *o = cl_circuit_get_ops(c);
    void *s = cl_circuit_get_state(c);
    int rc = 1;
    json_t *root = json_object(), *pops = json_array(), *edges = json_array(), *sets = json_array();
    json_object_set_new(root, "config", json_string(path));
    for (size_t i = 0; i < o->node_population_count(s); i++) {
        const char *pn = o->node_population_name(s, i);
        uint64_t n = 0;
        if (o->node_population_size(s, pn, &n, &err) != CL_OK) goto done;
        json_t *jp = json_object(), *types = json_object(), *attrs = json_array();
        json_object_set_new(jp, "name", json_string(pn));
        json_object_set_new(jp, "size", json_integer((json_int_t)n));
        for (uint64_t k = 0; k < n; k++) {
            cl_node_model m; /* the config's population type can override the attribute */
            if (o->node_model(s, pn, k, &m, &err) != CL_OK) {
                json_decref(jp);
                json_decref(types);
                json_decref(attrs);
                goto done;
            }
            const char *t = m.model_type ? m.model_type : "(none)";
            json_t *cnt = json_object_get(types, t);
            json_object_set_new(types, t, json_integer(cnt ? json_integer_value(cnt) + 1 : 1));
        }
        const char **names = NULL;
        size_t na = 0;
        if (o->node_attribute_names(s, pn, &names, &na, &err) != CL_OK) {
            json_decref(jp);
            json_decref(types);
            json_decref(attrs);
            goto done;
        }
        for (size_t k = 0; k < na; k++) json_array_append_new(attrs, json_string(names[k]));
        free(names);
        json_object_set_new(jp, "model_types", types);
        json_object_set_new(jp, "attributes", attrs);
        json_array_append_new(pops, jp);
    }
    for (size_t i = 0; i < o->edge_population_count(s); i++) {
        const char *en = o->edge_population_name(s, i), *src, *tgt;
        uint64_t n;
        if (o->edge_population_info(s, en, &src, &tgt, &n, &err) != CL_OK) goto done;
        json_array_append_new(edges, json_pack("{s:s, s:s, s:s, s:I}", "name", en, "source", src, "target", tgt,
                                               "edges", (json_int_t)n));
    }
    for (size_t i = 0; i < o->node_set_count(s); i++) {
        const char *sn = o->node_set_name(s, i);
        json_int_t total = 0;
        for (size_t k = 0; k < o->node_population_count(s); k++) {
            uint64_t *ids = NULL;
            size_t n = 0;
            if (o->node_set(s, sn, o->node_population_name(s, k), &ids, &n, &err) != CL_OK) goto done;
            free(ids);
            total += (json_int_t)n;
        }
        json_array_append_new(sets, json_pack("{s:s, s:I}", "name", sn, "size", total));
    }
    json_object_set(root, "node_populations", pops);
    json_object_set(root, "edge_populations", edges);
    json_object_set(root, "node_sets", sets);
    if (as_json) {
        char *txt = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (txt) puts(txt);
        free(txt);
    } else {
        size_t i;
        json_t *v;
        printf("circuit %s\n\nnode populations:\n", path);
        json_array_foreach(pops, i, v) {
            printf("  %-30s %8lld nodes  ", json_string_value(json_object_get(v, "name")),
                   (long long)json_integer_value(json_object_get(v, "size")));
            const char *k;
            json_t *t;
            json_object_foreach(json_object_get(v, "model_types"), k, t) printf(" %s:%lld", k,
                                                                                 (long long)json_integer_value(t));
            printf("\n    attributes:");
            size_t j;
            json_t *a;
            json_array_foreach(json_object_get(v, "attributes"), j, a) printf(" %s", json_string_value(a));
            printf("\n");
        }
        printf("\nedge populations:\n");
        json_array_foreach(edges, i, v) printf("  %-40s %s -> %s  %lld edges\n",
                                                json_string_value(json_object_get(v, "name")),
                                                json_string_value(json_object_get(v, "source")),
                                                json_string_value(json_object_get(v, "target")),
                                                (long long)json_integer_value(json_object_get(v, "edges")));
        printf("\nnode sets:\n");
        json_array_foreach(sets, i, v) printf("  %-30s %lld nodes\n", json_string_value(json_object_get(v, "name")),
                                               (long long)json_integer_value(json_object_get(v, "size")));
    }
    rc = 0;
done:
    if (rc) fail(path, &err);
    json_decref(pops);
    json_decref(edges);
    json_decref(sets);
    json_decref(root);
    cl_circuit_free(c);
    return rc;
}
