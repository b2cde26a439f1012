/* hoc lexer: turns hoc source text into tokens (numbers, strings, names,
 * keywords, $-arguments, operators, newlines). Positions are 1-based
 * line/column so that errors read "file:line:col: problem". */
#ifndef CL_HOC_LEXER_H
#define CL_HOC_LEXER_H

#include <stddef.h>

typedef enum hoc_tok {
    T_EOF, T_NL, T_NUM, T_STR, T_NAME, T_ARG, /* $1 $s2 $o3 $&1 */
    /* keywords */
    T_IF, T_ELSE, T_FOR, T_WHILE, T_BREAK, T_CONTINUE, T_RETURN, T_STOP,
    T_PROC, T_FUNC, T_OBFUNC, T_LOCAL, T_LOCALOBJ, T_STRDEF, T_OBJREF,
    T_OBJVAR, T_DOUBLE, T_BEGINTEMPLATE, T_ENDTEMPLATE, T_PUBLIC, T_EXTERNAL,
    T_NEW, T_CREATE, T_ACCESS, T_CONNECT, T_FORALL, T_FORSEC, T_IFSEC,
    T_INSERT, T_UNINSERT, T_PRINT, T_DELETE, T_ITERATOR, T_ITERSTMT,
    /* operators */
    T_LPAREN, T_RPAREN, T_LBRACE, T_RBRACE, T_LBRACK, T_RBRACK, T_COMMA,
    T_SEMI, T_DOT, T_AMP, T_ASSIGN, T_ADDEQ, T_SUBEQ, T_MULEQ, T_DIVEQ,
    T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_CARET, T_NOT,
    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_AND, T_OR,
    T_ERROR
} hoc_tok;

typedef struct hoc_token {
    hoc_tok t;
    int line, col;
    double num;   /* T_NUM; T_ARG: argument number */
    char *text;   /* T_NAME, T_STR (escapes resolved); malloc'd; NULL otherwise */
    char argkind; /* T_ARG: 'n' ($1), 's' ($s1), 'o' ($o1), '&' ($&1) */
} hoc_token;

typedef struct hoc_lexer {
    const char *src;
    size_t len, pos;
    int line, col;
    char err[256]; /* set when a T_ERROR token is returned */
} hoc_lexer;

void hoc_lexer_init(hoc_lexer *lx, const char *src, size_t len);
/* The next token; T_ERROR with lx->err on malformed input. The caller
 * frees tok->text. */
hoc_token hoc_lex(hoc_lexer *lx);
const char *hoc_tok_name(hoc_tok t);

#endif
