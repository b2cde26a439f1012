/* The NMODL lexer: tokens as NEURON 8.2's nocmodl (lex.lpp, io.cpp) forms
 * them, read on demand from a text buffer.
 *
 * The lexer is a pure function of its position: cl_lex_next() reads one
 * token and advances a small state struct, so peeking is copying the struct.
 * Tokens refer to spans of the source; nothing is allocated.
 *
 * What it does, following nocmodl:
 *   - names [a-zA-Z][a-zA-Z0-9_]* (no leading '_'); keywords are names in a
 *     fixed table (case-sensitive; IF/ELSE/WHILE and if/else/while both);
 *     the integration method names (cnexp, euler, sparse, ...) are reserved
 *     too (kind CL_KW_METHODNAME).
 *   - a name followed by one or more ' is a derivative (CL_TK_PRIME).
 *   - integers [0-9]+ and reals  1.  .5  1.5  1e3  1.5e-3  .5E+2 ; "1e" is the
 *     integer 1 and the name e, as in flex.
 *   - strings "..." (no escapes; may span lines).
 *   - ':' and '?' start a comment to the end of the line.
 *   - COMMENT ... ENDCOMMENT and VERBATIM ... ENDVERBATIM: the keyword must be
 *     followed by a blank or a line break; the block ends at the first later
 *     line whose first word (letters only, after blanks) is ENDCOMMENT or
 *     ENDVERBATIM; the rest of that line is dropped. The token's body span is
 *     the text in between.
 *   - TITLE: the rest of its line is the title (after one blank); like
 *     nocmodl, a TITLE that ends its line takes the next line as the title.
 *   - line breaks are \n, \r\n or a lone \r.
 *   - bytes above 127 are an error except inside COMMENT blocks.
 *   - the input ends at the first ^D or ^Z byte (as nocmodl's reader); a NUL
 *     byte is an error.
 * Units "(mV)" and REPRESENTS ontology ids depend on the grammar: the parser
 * asks for them with cl_lex_units() and cl_lex_ontology(). */
#ifndef CELLULAB_NMODL_LEXER_H
#define CELLULAB_NMODL_LEXER_H

#include <stddef.h>

typedef enum cl_tk {
    CL_TK_EOF,
    CL_TK_ERROR,    /* msg says what; position is where */
    CL_TK_NAME,     /* also keywords: see kw */
    CL_TK_PRIME,    /* name' (order primes); span covers the primes; name_end ends the name */
    CL_TK_INT,
    CL_TK_REAL,
    CL_TK_STRING,   /* span includes the quotes */
    CL_TK_TITLE,    /* body: the title text (untrimmed) */
    CL_TK_COMMENT,  /* body: the comment text */
    CL_TK_VERBATIM, /* body: the C text */
    CL_TK_LBRACE, CL_TK_RBRACE, CL_TK_LPAREN, CL_TK_RPAREN, CL_TK_LBRACKET, CL_TK_RBRACKET,
    CL_TK_COMMA, CL_TK_ASSIGN, CL_TK_PLUS, CL_TK_MINUS, CL_TK_STAR, CL_TK_SLASH, CL_TK_CARET,
    CL_TK_AT, CL_TK_TILDE, CL_TK_TILDEPLUS, /* '~' and '~+' */
    CL_TK_GT, CL_TK_GE, CL_TK_LT, CL_TK_LE, CL_TK_EQ, CL_TK_NE, CL_TK_NOT, CL_TK_AND, CL_TK_OR,
    CL_TK_REACT2,   /* <-> */
    CL_TK_CHAR      /* any other single byte (always a syntax error) */
} cl_tk;

/* Keywords of nocmodl 8.2 (init.cpp), plus the method names. */
typedef enum cl_kw {
    CL_KW_NONE,
    CL_KW_VERBATIM, CL_KW_COMMENT, CL_KW_TITLE, CL_KW_CONSTANT, CL_KW_PARAMETER,
    CL_KW_INDEPENDENT, CL_KW_ASSIGNED, CL_KW_INITIAL, CL_KW_TERMINAL, CL_KW_DERIVATIVE,
    CL_KW_EQUATION, CL_KW_BREAKPOINT, CL_KW_CONDUCTANCE, CL_KW_SOLVE, CL_KW_STATE,
    CL_KW_STEPPED, CL_KW_LINEAR, CL_KW_NONLINEAR, CL_KW_DISCRETE, CL_KW_FUNCTION,
    CL_KW_FUNCTION_TABLE, CL_KW_PROCEDURE, CL_KW_PARTIAL, CL_KW_INT, CL_KW_DEL2, CL_KW_DEL,
    CL_KW_LOCAL, CL_KW_METHOD, CL_KW_STEADYSTATE, CL_KW_SENS, CL_KW_STEP, CL_KW_WITH,
    CL_KW_FROM, CL_KW_FORALL, CL_KW_TO, CL_KW_BY, CL_KW_IF, CL_KW_ELSE, CL_KW_WHILE,
    CL_KW_START, CL_KW_DEFINE, CL_KW_KINETIC, CL_KW_CONSERVE, CL_KW_PLOT, CL_KW_VS,
    CL_KW_LAG, CL_KW_RESET, CL_KW_MATCH, CL_KW_MODEL_LEVEL, CL_KW_SWEEP, CL_KW_FIRST,
    CL_KW_LAST, CL_KW_COMPARTMENT, CL_KW_LONGDIFUS, CL_KW_PUTQ, CL_KW_GETQ, CL_KW_IFERROR,
    CL_KW_SOLVEFOR, CL_KW_UNITS, CL_KW_UNITSON, CL_KW_UNITSOFF, CL_KW_TABLE, CL_KW_DEPEND,
    CL_KW_NEURON, CL_KW_SUFFIX, CL_KW_POINT_PROCESS, CL_KW_ARTIFICIAL_CELL,
    CL_KW_NONSPECIFIC_CURRENT, CL_KW_ELECTRODE_CURRENT, CL_KW_SECTION, CL_KW_RANGE,
    CL_KW_USEION, CL_KW_READ, CL_KW_WRITE, CL_KW_VALENCE, CL_KW_GLOBAL, CL_KW_POINTER,
    CL_KW_BBCOREPOINTER, CL_KW_EXTERNAL, CL_KW_INCLUDE, CL_KW_CONSTRUCTOR, CL_KW_DESTRUCTOR,
    CL_KW_NET_RECEIVE, CL_KW_BEFORE, CL_KW_AFTER, CL_KW_WATCH, CL_KW_FOR_NETCONS,
    CL_KW_THREADSAFE, CL_KW_PROTECT, CL_KW_MUTEXLOCK, CL_KW_MUTEXUNLOCK, CL_KW_REPRESENTS,
    CL_KW_METHODNAME /* adams, runge, euler, ..., cnexp, clsoda, after_cvode, ... */
} cl_kw;

typedef struct cl_tok {
    cl_tk type;
    cl_kw kw;                 /* for CL_TK_NAME */
    size_t start, end;        /* source span [start, end) */
    int line, col;            /* 1-based position of start (col counts bytes) */
    size_t body_start, body_end; /* TITLE, COMMENT, VERBATIM: the text */
    size_t name_end;          /* PRIME: end of the name part */
    int order;                /* PRIME: number of primes */
    const char *msg;          /* ERROR: the problem (a constant string) */
    int define;               /* set by the parser: 1 + index of the DEFINE a name stands
                                 for (the token then reads as CL_TK_INT); 0 otherwise */
} cl_tok;

typedef struct cl_lexer {
    const char *src;
    size_t len;
    size_t pos;
    int line, col;            /* of pos */
} cl_lexer;

/* len is the number of bytes to read; the input stops earlier at a ^D or ^Z. */
void cl_lex_init(cl_lexer *lx, const char *src, size_t len);

/* The next token; lx moves past it. */
cl_tok cl_lex_next(cl_lexer *lx);

/* Units: lx must sit just after a '(' token. Reads the raw text up to the
 * next ')' on the same line and leaves lx at that ')'. Returns 0 and the
 * span, or -1 (no ')' before the line break; err_line and err_col say where). */
int cl_lex_units(cl_lexer *lx, size_t *start, size_t *end, int *err_line, int *err_col);

/* REPRESENTS: skips blanks, then reads an ontology id "[a:b]" or "a:b"
 * (a a name, b letters, digits, '_'). Returns 0 and the span, or -1. */
int cl_lex_ontology(cl_lexer *lx, size_t *start, size_t *end, int *line, int *col);

/* Keyword text (e.g. "PARAMETER") for messages; NULL for none. */
const char *cl_kw_text(cl_kw kw);

#endif
