/* The NMODL syntax tree: one node type for everything, a kind, a source
 * position, a name or number, and children. The parser builds it; analysis
 * and the C emitter walk it.
 *
 * Conventions (parser.c):
 *   - kids[] may hold NULL where a comment below says "or NULL"; every other
 *     optional part is simply absent (fewer kids).
 *   - units are stored without their parentheses, trimmed: "(mV)" -> "mV".
 *   - COMMENT blocks and ':' / '?' comments leave no node.
 *   - a name given a value by DEFINE reads as the number: NK_NUM with num,
 *     text the integer as written in the DEFINE and name the DEFINEd name.
 *   - the tree's depth is bounded (the parser caps nesting), so the
 *     recursive walkers (free, dump) cannot run out of stack. */
#ifndef CELLULAB_NMODL_AST_H
#define CELLULAB_NMODL_AST_H

#include <stddef.h>

typedef enum cl_nk {
    /* the file */
    NK_PROGRAM,        /* kids: top-level blocks in file order */
    /* NEURON block and its statements */
    NK_NEURON,         /* kids: the statements below */
    NK_SUFFIX,         /* name: the suffix */
    NK_POINT_PROCESS,  /* name */
    NK_ARTIFICIAL_CELL,/* name */
    NK_USEION,         /* name: ion; kids: NK_READ, NK_WRITE lists (NK_NAME kids), optional NK_VALENCE (num),
                          each present only when written, in that order; text: REPRESENTS id or NULL */
    NK_READ, NK_WRITE, NK_VALENCE,
    NK_NONSPECIFIC,    /* kids: NK_NAME */
    NK_ELECTRODE,      /* kids: NK_NAME */
    NK_RANGE,          /* kids: NK_NAME */
    NK_GLOBAL,         /* kids: NK_NAME */
    NK_POINTER,        /* kids: NK_NAME (POINTER and BBCOREPOINTER; unsupported); flag 1 for BBCOREPOINTER */
    NK_THREADSAFE,     /* kids: NK_NAME (THREADSAFE may list names; usually none) */
    NK_RANDOM,         /* kids: NK_NAME (NEURON 9's RANDOM; a keyword only inside the NEURON block) */
    /* declaration blocks; kids are NK_DECL */
    NK_UNITS,          /* kids: NK_UNIT_DEF (name = new unit text, text = definition), NK_UNIT_CONST */
    NK_UNIT_DEF,
    NK_UNIT_CONST,     /* name = constant; text2 = the unit it is expressed in.
                          FARADAY = (faraday) (coulomb): text "faraday", text2 "coulomb";
                          foot2inch = (foot) -> (inch): text "foot", text2 "inch", flag 1;
                          FARADAY = 96485.309 (coul): has_num, num, text NULL, text2 "coul" */
    NK_PARAMETER, NK_ASSIGNED, NK_STATE, NK_CONSTANT, NK_INDEPENDENT,
    NK_DECL,           /* name; has_num/num: value; text: units; kids[0..1]: NK_LIMITS;
                          array_len > 0 for name[n]; for STATE: FROM lo TO hi in kids as NK_LIMITS.
                          kids, each only when written: NK_LIMITS (flag 1: FROM lo TO hi),
                          NK_WITH (INDEPENDENT), NK_START, NK_LIMITS (flag 0: <lo, hi>),
                          NK_ABSTOL (STATE/ASSIGNED <tol>); flag 1 for INDEPENDENT's SWEEP */
    NK_LIMITS,         /* kids: two expressions (lo, hi), NK_NUM; flag 0: <lo, hi>, flag 1: FROM lo TO hi */
    /* code blocks */
    NK_INITIAL,        /* kids[0]: NK_BLOCK */
    NK_BREAKPOINT,     /* kids[0]: NK_BLOCK */
    NK_DERIVATIVE,     /* name; kids[0]: NK_BLOCK */
    NK_KINETIC,        /* name; kids[0]: NK_BLOCK; kids[1] (only with SOLVEFOR a, b): NK_NAMES */
    NK_LINEAR,         /* name; kids[0]: NK_BLOCK; kids[1] (only with SOLVEFOR a, b): NK_NAMES */
    NK_NONLINEAR,      /* name; kids[0]: NK_BLOCK; kids[1] (only with SOLVEFOR a, b): NK_NAMES */
    NK_PROCEDURE,      /* name; text: units (rarely given); kids[0]: NK_ARGS, kids[1]: NK_BLOCK */
    NK_FUNCTION,       /* name; text: units of the result; kids[0]: NK_ARGS, kids[1]: NK_BLOCK */
    NK_NET_RECEIVE,    /* kids[0]: NK_ARGS, kids[1]: NK_BLOCK */
    NK_ARGS,           /* kids: NK_NAME (text: units) */
    NK_BEFORE, NK_AFTER,           /* name: BREAKPOINT/SOLVE/INITIAL/STEP; kids[0]: NK_BLOCK */
    NK_CONSTRUCTOR, NK_DESTRUCTOR, /* kids[0]: NK_BLOCK */
    NK_FUNCTION_TABLE, /* name; text: units of the result; kids[0]: NK_ARGS */
    NK_VERBATIM,       /* text: the C code (unsupported: an error later) */
    NK_DEFINE,         /* name; num (has_num); text: the integer as written */
    NK_INCLUDE,        /* text: the file, without quotes (not read by the parser) */
    /* statements */
    NK_BLOCK,          /* kids: statements */
    NK_LOCAL,          /* kids: NK_NAME (array_len for arrays); first statement of a block, or top level */
    NK_ASSIGN,         /* kids[0]: lvalue (NK_NAME, NK_INDEX, NK_PRIME), kids[1]: expr */
    NK_IF,             /* kids[0]: cond, kids[1]: NK_BLOCK, kids[2] (optional): NK_BLOCK or NK_IF */
    NK_WHILE,          /* kids[0]: cond, kids[1]: NK_BLOCK */
    NK_FROM,           /* name: loop variable; kids: lo, hi, [NK_BY step or NULL], NK_BLOCK (always 4 kids) */
    NK_SOLVE,          /* name: block; text: method or NULL; flag: 1 when STEADYSTATE (then text is
                          its method); kids[0] (only with IFERROR { }): NK_BLOCK */
    NK_TABLE,          /* kids[0]: NK_NAMES of tabled vars (may be empty), kids[1]: NK_NAMES DEPEND,
                          kids[2]: from, kids[3]: to, kids[4]: with (expressions) */
    NK_NAMES,          /* kids: NK_NAME */
    NK_REACTION,       /* ~ lhs <-> rhs (kf, kb); kids[0]: NK_REACTANTS lhs, kids[1]: rhs,
                          kids[2]: kf, kids[3]: kb; op: OP_REACT2 (<->), OP_REACT1 (->), OP_FLUX (<<).
                          Always 4 kids: ~ A -> (k) and ~ A << (f) have kids[1] and kids[3] NULL
                          and their one rate in kids[2] */
    NK_REACTANTS,      /* kids: NK_REACTANT */
    NK_REACTANT,       /* name: the species; kids[0] (only for A[i]): index expression;
                          num: stoichiometry (default 1); flag 1 when the name is a derivative A' */
    NK_CONSERVE,       /* kids[0]: NK_REACTANTS, kids[1]: expr */
    NK_COMPARTMENT,    /* kids: [index NK_NAME or NULL], volume expr, NK_NAMES (always 3 kids) */
    NK_LINEQ,          /* ~ lhs = rhs (LINEAR/NONLINEAR, also DERIVATIVE as nocmodl's grammar
                          allows); kids[0], kids[1]; flag 1 for '~+' */
    NK_EXPR_STMT,      /* kids[0]: a call expression */
    NK_NET_SEND,       /* kids: args (delay, flag) */
    NK_NET_EVENT,      /* kids: args (time) */
    NK_NET_MOVE,       /* kids: args */
    NK_WATCH,          /* kids: pairs (condition, flag expr) as NK_WATCH_ITEM */
    NK_WATCH_ITEM,     /* kids[0]: condition (NK_BINARY, OP_GT or OP_LT), kids[1]: flag (NK_NUM) */
    NK_FOR_NETCONS,    /* unsupported; kids[0]: NK_ARGS, kids[1]: NK_BLOCK */
    NK_PRINTF,         /* kids: args (string first) */
    NK_UNITSON, NK_UNITSOFF,
    NK_PROTECT,        /* kids[0]: assignment */
    NK_BY,             /* kids[0]: step expression */
    /* expressions */
    NK_NUM,            /* num; text: literal as written; text2: unit annotation "2 (mV)" or NULL;
                          flag 1 when written as an integer */
    NK_STRING,         /* text (without the quotes) */
    NK_NAME,           /* name; text: units annotation if any (arguments) */
    NK_INDEX,          /* name; kids[0]: index expression */
    NK_PRIME,          /* name: state; num: order (number of primes); kids[0] (only for x'[i]): index */
    NK_CALL,           /* name; kids: arguments */
    NK_UNARY,          /* op: OP_NEG, OP_NOT; kids[0] */
    NK_BINARY,         /* op; kids[0], kids[1] */
    NK_PAREN,          /* kids[0]: parenthesised expression (kept: it records the source's grouping) */
    /* added with the parser */
    NK_TITLE,          /* text: the TITLE line (trimmed, cut at '!') */
    NK_EXTERNAL,       /* kids: NK_NAME (NEURON block EXTERNAL) */
    NK_SECTION,        /* kids: NK_NAME (NEURON block SECTION) */
    NK_REPRESENTS,     /* text: ontology id, e.g. "NCIT:C17145" (NEURON block) */
    NK_START,          /* num: START value of a declaration */
    NK_ABSTOL,         /* num: <tol> after a STATE or ASSIGNED declaration */
    NK_WITH,           /* num: INDEPENDENT's WITH count */
    NK_CONDUCTANCE,    /* CONDUCTANCE g [USEION ion]: name g; text ion or NULL */
    NK_LONGDIFUS,      /* LONGITUDINAL_DIFFUSION: kids as NK_COMPARTMENT */
    NK_MUTEXLOCK, NK_MUTEXUNLOCK,
    NK_COUNT
} cl_nk;

typedef enum cl_op {
    OP_NONE, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_POW, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
    OP_AND, OP_OR, OP_NEG, OP_NOT, OP_REACT2, OP_REACT1, OP_FLUX
} cl_op;

typedef struct cl_ast {
    cl_nk kind;
    int line, col;     /* 1-based position of the node's first token */
    char *name;        /* identifiers */
    char *text;        /* units, methods, literal text, verbatim code */
    char *text2;       /* a second text: NK_NUM's units, NK_UNIT_CONST's unit; else NULL */
    double num;
    int has_num;
    int array_len;     /* name[array_len] declarations; 0 otherwise */
    int flag;          /* kind-specific */
    cl_op op;
    struct cl_ast **kid;
    int nkid;
} cl_ast;

/* Parse NMODL text. name is used in messages ("hh.mod"). On error returns
 * NULL and writes "name:line:col: problem (hint)" into err. */
cl_ast *cl_nmodl_parse(const char *text, size_t len, const char *name, char *err, size_t errlen);

/* Read and parse a file. */
cl_ast *cl_nmodl_parse_file(const char *path, char *err, size_t errlen);

/* Frees a node and everything below it (NULL is fine). */
void cl_ast_free(cl_ast *node);

/* A zeroed node of that kind and position; NULL when out of memory. */
cl_ast *cl_ast_new(cl_nk kind, int line, int col);

/* Appends kid (may be NULL) to node's kids; 0, or -1 when out of memory
 * (kid is then not attached). */
int cl_ast_add(cl_ast *node, cl_ast *kid);

/* "PARAMETER", "BINARY", ...; "?" for a value out of range. */
const char *cl_ast_kind_name(cl_nk kind);

/* A readable dump of the tree (tests, debugging) to a FILE *: one node per
 * line, indented two spaces a level: KIND name=.. text=".." text2=".."
 * num=.. op=.. flag=.. len=.. @line:col; a NULL kid prints as "(null)". */
void cl_ast_dump(const cl_ast *node, void *file);

#endif
