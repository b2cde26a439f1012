/* NMODL syntax tree: allocation, freeing, dump. */
#include "nmodl/ast.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const kind_names[] = {
    [NK_PROGRAM] = "PROGRAM",
    [NK_NEURON] = "NEURON",
    [NK_SUFFIX] = "SUFFIX",
    [NK_POINT_PROCESS] = "POINT_PROCESS",
    [NK_ARTIFICIAL_CELL] = "ARTIFICIAL_CELL",
    [NK_USEION] = "USEION",
    [NK_READ] = "READ",
    [NK_WRITE] = "WRITE",
    [NK_VALENCE] = "VALENCE",
    [NK_NONSPECIFIC] = "NONSPECIFIC",
    [NK_ELECTRODE] = "ELECTRODE",
    [NK_RANGE] = "RANGE",
    [NK_GLOBAL] = "GLOBAL",
    [NK_POINTER] = "POINTER",
    [NK_THREADSAFE] = "THREADSAFE",
    [NK_RANDOM] = "RANDOM",
    [NK_UNITS] = "UNITS",
    [NK_UNIT_DEF] = "UNIT_DEF",
    [NK_UNIT_CONST] = "UNIT_CONST",
    [NK_PARAMETER] = "PARAMETER",
    [NK_ASSIGNED] = "ASSIGNED",
    [NK_STATE] = "STATE",
    [NK_CONSTANT] = "CONSTANT",
    [NK_INDEPENDENT] = "INDEPENDENT",
    [NK_DECL] = "DECL",
    [NK_LIMITS] = "LIMITS",
    [NK_INITIAL] = "INITIAL",
    [NK_BREAKPOINT] = "BREAKPOINT",
    [NK_DERIVATIVE] = "DERIVATIVE",
    [NK_KINETIC] = "KINETIC",
    [NK_LINEAR] = "LINEAR",
    [NK_NONLINEAR] = "NONLINEAR",
    [NK_PROCEDURE] = "PROCEDURE",
    [NK_FUNCTION] = "FUNCTION",
    [NK_NET_RECEIVE] = "NET_RECEIVE",
    [NK_ARGS] = "ARGS",
    [NK_BEFORE] = "BEFORE",
    [NK_AFTER] = "AFTER",
    [NK_CONSTRUCTOR] = "CONSTRUCTOR",
    [NK_DESTRUCTOR] = "DESTRUCTOR",
    [NK_FUNCTION_TABLE] = "FUNCTION_TABLE",
    [NK_VERBATIM] = "VERBATIM",
    [NK_DEFINE] = "DEFINE",
    [NK_INCLUDE] = "INCLUDE",
    [NK_BLOCK] = "BLOCK",
    [NK_LOCAL] = "LOCAL",
    [NK_ASSIGN] = "ASSIGN",
    [NK_IF] = "IF",
    [NK_WHILE] = "WHILE",
    [NK_FROM] = "FROM",
    [NK_SOLVE] = "SOLVE",
    [NK_TABLE] = "TABLE",
    [NK_NAMES] = "NAMES",
    [NK_REACTION] = "REACTION",
    [NK_REACTANTS] = "REACTANTS",
    [NK_REACTANT] = "REACTANT",
    [NK_CONSERVE] = "CONSERVE",
    [NK_COMPARTMENT] = "COMPARTMENT",
    [NK_LINEQ] = "LINEQ",
    [NK_EXPR_STMT] = "EXPR_STMT",
    [NK_NET_SEND] = "NET_SEND",
    [NK_NET_EVENT] = "NET_EVENT",
    [NK_NET_MOVE] = "NET_MOVE",
    [NK_WATCH] = "WATCH",
    [NK_WATCH_ITEM] = "WATCH_ITEM",
    [NK_FOR_NETCONS] = "FOR_NETCONS",
    [NK_PRINTF] = "PRINTF",
    [NK_UNITSON] = "UNITSON",
    [NK_UNITSOFF] = "UNITSOFF",
    [NK_PROTECT] = "PROTECT",
    [NK_BY] = "BY",
    [NK_NUM] = "NUM",
    [NK_STRING] = "STRING",
    [NK_NAME] = "NAME",
    [NK_INDEX] = "INDEX",
    [NK_PRIME] = "PRIME",
    [NK_CALL] = "CALL",
    [NK_UNARY] = "UNARY",
    [NK_BINARY] = "BINARY",
    [NK_PAREN] = "PAREN",
    [NK_TITLE] = "TITLE",
    [NK_EXTERNAL] = "EXTERNAL",
    [NK_SECTION] = "SECTION",
    [NK_REPRESENTS] = "REPRESENTS",
    [NK_START] = "START",
    [NK_ABSTOL] = "ABSTOL",
    [NK_WITH] = "WITH",
    [NK_CONDUCTANCE] = "CONDUCTANCE",
    [NK_LONGDIFUS] = "LONGDIFUS",
    [NK_MUTEXLOCK] = "MUTEXLOCK",
    [NK_MUTEXUNLOCK] = "MUTEXUNLOCK",
};
_Static_assert(sizeof kind_names / sizeof kind_names[0] == NK_COUNT,
               "every node kind needs a name");

static const char *const op_names[] = {
    [OP_NONE] = "", [OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/",
    [OP_POW] = "^", [OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=",
    [OP_EQ] = "==", [OP_NE] = "!=", [OP_AND] = "&&", [OP_OR] = "||", [OP_NEG] = "-",
    [OP_NOT] = "!", [OP_REACT2] = "<->", [OP_REACT1] = "->", [OP_FLUX] = "<<",
};

const char *cl_ast_kind_name(cl_nk kind) {
    if ((int)kind < 0 || kind >= NK_COUNT || !kind_names[kind]) return "?";
    return kind_names[kind];
}

cl_ast *cl_ast_new(cl_nk kind, int line, int col) {
    cl_ast *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->line = line;
    n->col = col;
    return n;
}

int cl_ast_add(cl_ast *node, cl_ast *kid) {
    int n = node->nkid;
    /* capacity is implied by the count: 4, then powers of two */
    if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
        if (n > (1 << 28)) return -1;
        size_t cap = n == 0 ? 4 : (size_t)n * 2;
        cl_ast **k = realloc(node->kid, cap * sizeof *k);
        if (!k) return -1;
        node->kid = k;
    }
    node->kid[n] = kid;
    node->nkid = n + 1;
    return 0;
}

void cl_ast_free(cl_ast *node) {
    if (!node) return;
    for (int i = 0; i < node->nkid; i++) cl_ast_free(node->kid[i]);
    free(node->kid);
    free(node->name);
    free(node->text);
    free(node->text2);
    free(node);
}

static void put_text(FILE *f, const char *label, const char *s) {
    fprintf(f, " %s=\"", label);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p == '\t') fputs("\\t", f);
        else if (*p < 32 || *p > 126) fprintf(f, "\\x%02x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

static void dump(const cl_ast *n, FILE *f, int depth) {
    for (int i = 0; i < depth; i++) fputs("  ", f);
    if (!n) {
        fputs("(null)\n", f);
        return;
    }
    fputs(cl_ast_kind_name(n->kind), f);
    if (n->name) fprintf(f, " name=%s", n->name);
    if (n->text) put_text(f, "text", n->text);
    if (n->text2) put_text(f, "text2", n->text2);
    if (n->has_num || n->kind == NK_NUM || n->kind == NK_REACTANT || n->kind == NK_PRIME)
        fprintf(f, " num=%.17g", n->num);
    if (n->op != OP_NONE && (int)n->op >= 0 && n->op <= OP_FLUX) fprintf(f, " op=%s", op_names[n->op]);
    if (n->flag) fprintf(f, " flag=%d", n->flag);
    if (n->array_len) fprintf(f, " len=%d", n->array_len);
    fprintf(f, " @%d:%d\n", n->line, n->col);
    for (int i = 0; i < n->nkid; i++) dump(n->kid[i], f, depth + 1);
}

void cl_ast_dump(const cl_ast *node, void *file) {
    FILE *f = file ? (FILE *)file : stdout;
    dump(node, f, 0);
}
