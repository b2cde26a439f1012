/* hoc abstract syntax tree. A parse unit owns all nodes it created; procs
 * defined by a unit keep pointing into it, so units live as long as the
 * interpreter that ran them. */
#ifndef CL_HOC_AST_H
#define CL_HOC_AST_H

#include <stddef.h>

typedef enum hoc_kind {
    /* expressions */
    N_NUM, N_STR, N_VAR, /* name [idx]* [(args)] */
    N_MEMBER,            /* a.name [idx]* [(args)] */
    N_ARG,               /* $1 $s1 $o1 $&1 ; a = index expression for $1 forms none */
    N_UNARY, N_BIN, N_ASSIGN, N_NEW, N_ADDR,
    /* statements */
    N_BLOCK, N_EXPR, N_IF, N_WHILE, N_FOR, N_FORRANGE, N_FORX, N_BREAK,
    N_CONTINUE, N_RETURN, N_STOP, N_FUNCDEF, N_LOCAL, N_LOCALOBJ, N_STRDEF,
    N_OBJREF, N_DOUBLE, N_TEMPLATE, N_PUBLIC, N_EXTERNAL, N_CREATE, N_ACCESS,
    N_CONNECT, N_FORALL, N_FORSEC, N_IFSEC, N_SECSTMT, N_INSERT, N_UNINSERT,
    N_PRINT, N_DECL, /* a declared name with dimensions (list) */
    N_EMPTY
} hoc_kind;

typedef struct hoc_node hoc_node;
struct hoc_node {
    hoc_kind kind;
    int op;         /* operator token (N_UNARY, N_BIN, N_ASSIGN); N_FUNCDEF: T_PROC/T_FUNC/T_OBFUNC */
    int line, col;
    const char *file; /* owned by the unit */
    double num;       /* N_NUM; N_ARG: argument number */
    char argkind;     /* N_ARG: 'n' 's' 'o' '&' */
    char *name;       /* N_VAR, N_MEMBER, N_NEW, N_FUNCDEF, N_DECL, N_TEMPLATE, N_INSERT; N_STR: text */
    hoc_node *a, *b, *c, *d;
    hoc_node **list;  /* N_BLOCK statements, N_VAR/N_MEMBER indices, declared names, print items */
    size_t n;
    hoc_node **args;  /* call arguments (N_VAR/N_MEMBER with has_call, N_NEW) */
    size_t nargs;
    int has_call;
};

typedef struct hoc_unit {
    char *file;
    hoc_node **nodes; /* every node, for freeing */
    size_t n, cap;
    hoc_node *root;   /* N_BLOCK of the top-level statements */
} hoc_unit;

hoc_unit *hoc_unit_new(const char *file);
/* A new zeroed node owned by the unit (NULL when out of memory). */
hoc_node *hoc_node_new(hoc_unit *u, hoc_kind kind, int line, int col);
/* Appends to a node's list (which = 0: list, 1: args); 0 on success. */
int hoc_node_push(hoc_node *n, int which, hoc_node *item);
void hoc_unit_free(hoc_unit *u);

#endif
