/* hoc AST storage: nodes are owned by their parse unit. */
#include "hoc/ast.h"

#include <stdlib.h>
#include <string.h>

hoc_unit *hoc_unit_new(const char *file) {
    hoc_unit *u = calloc(1, sizeof *u);
    if (!u) return NULL;
    u->file = strdup(file ? file : "<string>");
    if (!u->file) {
        free(u);
        return NULL;
    }
    return u;
}

hoc_node *hoc_node_new(hoc_unit *u, hoc_kind kind, int line, int col) {
    if (u->n == u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 64;
        hoc_node **t = realloc(u->nodes, cap * sizeof *t);
        if (!t) return NULL;
        u->nodes = t;
        u->cap = cap;
    }
    hoc_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->line = line;
    n->col = col;
    n->file = u->file;
    u->nodes[u->n++] = n;
    return n;
}

int hoc_node_push(hoc_node *n, int which, hoc_node *item) {
    hoc_node ***arr = which ? &n->args : &n->list;
    size_t *cnt = which ? &n->nargs : &n->n;
    /* grow at powers of two */
    if ((*cnt & (*cnt - 1)) == 0) {
        size_t cap = *cnt ? *cnt * 2 : 4;
        hoc_node **t = realloc(*arr, cap * sizeof *t);
        if (!t) return -1;
        *arr = t;
    }
    (*arr)[(*cnt)++] = item;
    return 0;
}

void hoc_unit_free(hoc_unit *u) {
    if (!u) return;
    for (size_t i = 0; i < u->n; i++) {
        free(u->nodes[i]->name);
        free(u->nodes[i]->list);
        free(u->nodes[i]->args);
        free(u->nodes[i]);
    }
    free(u->nodes);
    free(u->file);
    free(u);
}
