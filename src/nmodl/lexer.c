/* The NMODL lexer (see lexer.h for the rules it follows). */
#include "nmodl/lexer.h"

#include <string.h>

typedef struct {
    const char *text;
    cl_kw kw;
} kw_entry;

/* nocmodl 8.2's keyword table (init.cpp) and its method names. Sorted by
 * text for bsearch-free linear lookup is unnecessary: the table is small and
 * names are short; lookup compares lengths first. */
static const kw_entry kw_table[] = {
    {"VERBATIM", CL_KW_VERBATIM}, {"COMMENT", CL_KW_COMMENT}, {"TITLE", CL_KW_TITLE},
    {"CONSTANT", CL_KW_CONSTANT}, {"PARAMETER", CL_KW_PARAMETER},
    {"INDEPENDENT", CL_KW_INDEPENDENT}, {"ASSIGNED", CL_KW_ASSIGNED},
    {"INITIAL", CL_KW_INITIAL}, {"TERMINAL", CL_KW_TERMINAL},
    {"DERIVATIVE", CL_KW_DERIVATIVE}, {"EQUATION", CL_KW_EQUATION},
    {"BREAKPOINT", CL_KW_BREAKPOINT}, {"CONDUCTANCE", CL_KW_CONDUCTANCE},
    {"SOLVE", CL_KW_SOLVE}, {"STATE", CL_KW_STATE}, {"STEPPED", CL_KW_STEPPED},
    {"LINEAR", CL_KW_LINEAR}, {"NONLINEAR", CL_KW_NONLINEAR}, {"DISCRETE", CL_KW_DISCRETE},
    {"FUNCTION", CL_KW_FUNCTION}, {"FUNCTION_TABLE", CL_KW_FUNCTION_TABLE},
    {"PROCEDURE", CL_KW_PROCEDURE}, {"PARTIAL", CL_KW_PARTIAL}, {"INT", CL_KW_INT},
    {"DEL2", CL_KW_DEL2}, {"DEL", CL_KW_DEL}, {"LOCAL", CL_KW_LOCAL},
    {"METHOD", CL_KW_METHOD}, {"STEADYSTATE", CL_KW_STEADYSTATE}, {"SENS", CL_KW_SENS},
    {"STEP", CL_KW_STEP}, {"WITH", CL_KW_WITH}, {"FROM", CL_KW_FROM},
    {"FORALL", CL_KW_FORALL}, {"TO", CL_KW_TO}, {"BY", CL_KW_BY},
    {"if", CL_KW_IF}, {"IF", CL_KW_IF}, {"else", CL_KW_ELSE}, {"ELSE", CL_KW_ELSE},
    {"while", CL_KW_WHILE}, {"WHILE", CL_KW_WHILE}, {"START", CL_KW_START},
    {"DEFINE", CL_KW_DEFINE}, {"KINETIC", CL_KW_KINETIC}, {"CONSERVE", CL_KW_CONSERVE},
    {"PLOT", CL_KW_PLOT}, {"VS", CL_KW_VS}, {"LAG", CL_KW_LAG}, {"RESET", CL_KW_RESET},
    {"MATCH", CL_KW_MATCH}, {"MODEL_LEVEL", CL_KW_MODEL_LEVEL}, {"SWEEP", CL_KW_SWEEP},
    {"FIRST", CL_KW_FIRST}, {"LAST", CL_KW_LAST}, {"COMPARTMENT", CL_KW_COMPARTMENT},
    {"LONGITUDINAL_DIFFUSION", CL_KW_LONGDIFUS}, {"PUTQ", CL_KW_PUTQ},
    {"GETQ", CL_KW_GETQ}, {"IFERROR", CL_KW_IFERROR}, {"SOLVEFOR", CL_KW_SOLVEFOR},
    {"UNITS", CL_KW_UNITS}, {"UNITSON", CL_KW_UNITSON}, {"UNITSOFF", CL_KW_UNITSOFF},
    {"TABLE", CL_KW_TABLE}, {"DEPEND", CL_KW_DEPEND}, {"NEURON", CL_KW_NEURON},
    {"SUFFIX", CL_KW_SUFFIX}, {"POINT_PROCESS", CL_KW_POINT_PROCESS},
    {"ARTIFICIAL_CELL", CL_KW_ARTIFICIAL_CELL},
    {"NONSPECIFIC_CURRENT", CL_KW_NONSPECIFIC_CURRENT},
    {"ELECTRODE_CURRENT", CL_KW_ELECTRODE_CURRENT}, {"SECTION", CL_KW_SECTION},
    {"RANGE", CL_KW_RANGE}, {"USEION", CL_KW_USEION}, {"READ", CL_KW_READ},
    {"WRITE", CL_KW_WRITE}, {"VALENCE", CL_KW_VALENCE}, {"CHARGE", CL_KW_VALENCE},
    {"GLOBAL", CL_KW_GLOBAL}, {"POINTER", CL_KW_POINTER},
    {"BBCOREPOINTER", CL_KW_BBCOREPOINTER}, {"EXTERNAL", CL_KW_EXTERNAL},
    {"INCLUDE", CL_KW_INCLUDE}, {"CONSTRUCTOR", CL_KW_CONSTRUCTOR},
    {"DESTRUCTOR", CL_KW_DESTRUCTOR}, {"NET_RECEIVE", CL_KW_NET_RECEIVE},
    {"BEFORE", CL_KW_BEFORE}, {"AFTER", CL_KW_AFTER}, {"WATCH", CL_KW_WATCH},
    {"FOR_NETCONS", CL_KW_FOR_NETCONS}, {"THREADSAFE", CL_KW_THREADSAFE},
    {"PROTECT", CL_KW_PROTECT}, {"MUTEXLOCK", CL_KW_MUTEXLOCK},
    {"MUTEXUNLOCK", CL_KW_MUTEXUNLOCK}, {"REPRESENTS", CL_KW_REPRESENTS},
    /* integration methods: reserved like keywords in nocmodl */
    {"adams", CL_KW_METHODNAME}, {"runge", CL_KW_METHODNAME}, {"euler", CL_KW_METHODNAME},
    {"adeuler", CL_KW_METHODNAME}, {"heun", CL_KW_METHODNAME},
    {"adrunge", CL_KW_METHODNAME}, {"gear", CL_KW_METHODNAME},
    {"newton", CL_KW_METHODNAME}, {"simplex", CL_KW_METHODNAME},
    {"simeq", CL_KW_METHODNAME}, {"seidel", CL_KW_METHODNAME},
    {"sparse", CL_KW_METHODNAME}, {"derivimplicit", CL_KW_METHODNAME},
    {"cnexp", CL_KW_METHODNAME}, {"clsoda", CL_KW_METHODNAME},
    {"after_cvode", CL_KW_METHODNAME}, {"cvode_t", CL_KW_METHODNAME},
    {"cvode_t_v", CL_KW_METHODNAME},
};

static cl_kw kw_lookup(const char *s, size_t n) {
    for (size_t i = 0; i < sizeof kw_table / sizeof kw_table[0]; i++) {
        const char *k = kw_table[i].text;
        if (strlen(k) == n && memcmp(k, s, n) == 0) return kw_table[i].kw;
    }
    return CL_KW_NONE;
}

const char *cl_kw_text(cl_kw kw) {
    if (kw == CL_KW_NONE || kw == CL_KW_METHODNAME) return NULL;
    for (size_t i = 0; i < sizeof kw_table / sizeof kw_table[0]; i++)
        if (kw_table[i].kw == kw) return kw_table[i].text;
    return NULL;
}

void cl_lex_init(cl_lexer *lx, const char *src, size_t len) {
    size_t n = 0;
    while (n < len && src[n] != 4 && src[n] != 26) n++;
    lx->src = src;
    lx->len = n;
    lx->pos = 0;
    lx->line = 1;
    lx->col = 1;
}

static int at(const cl_lexer *lx, size_t off) {
    size_t i = lx->pos + off;
    return i < lx->len ? (unsigned char)lx->src[i] : -1;
}

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum_(int c) { return is_alpha(c) || is_digit(c) || c == '_'; }
static int is_newline(int c) { return c == '\n' || c == '\r'; }

/* Moves past one byte, or past one line break (\r\n counts as one). */
static void step(cl_lexer *lx) {
    int c = at(lx, 0);
    if (c < 0) return;
    if (c == '\r' && at(lx, 1) == '\n') lx->pos++;
    lx->pos++;
    if (is_newline(c)) {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
}

static cl_tok tok_at(const cl_lexer *lx, cl_tk type) {
    cl_tok t;
    memset(&t, 0, sizeof t);
    t.type = type;
    t.kw = CL_KW_NONE;
    t.start = t.end = lx->pos;
    t.line = lx->line;
    t.col = lx->col;
    return t;
}

static cl_tok error_at(const cl_lexer *lx, const char *msg) {
    cl_tok t = tok_at(lx, CL_TK_ERROR);
    t.msg = msg;
    t.end = t.start + (lx->pos < lx->len ? 1 : 0);
    return t;
}

static const char MSG_NONASCII[] =
    "non-ASCII character (NEURON accepts these only inside COMMENT ... ENDCOMMENT)";
static const char MSG_NUL[] = "NUL byte in the input";

/* Moves to the end of the current line (before its line break). Returns -1
 * at a byte that is not allowed (non-ASCII unless allow_high, NUL). */
static int to_line_end(cl_lexer *lx, int allow_high) {
    for (;;) {
        int c = at(lx, 0);
        if (c < 0 || is_newline(c)) return 0;
        if (c == 0 || (c > 127 && !allow_high)) return -1;
        step(lx);
    }
}

/* Is the line at lx->pos one whose first word is end_word? */
static int is_end_line(const cl_lexer *lx, const char *end_word) {
    size_t i = lx->pos, n = strlen(end_word);
    while (i < lx->len && (lx->src[i] == ' ' || lx->src[i] == '\t')) i++;
    size_t w = i;
    while (i < lx->len && is_alpha((unsigned char)lx->src[i])) i++;
    return i - w == n && memcmp(lx->src + w, end_word, n) == 0;
}

/* After TITLE / COMMENT / VERBATIM: nocmodl's scanner has consumed exactly
 * one character beyond the keyword before the block is read line by line.
 * We require that character to be a blank or a line break. Returns 0 when
 * consumed (or at the end of input), -1 otherwise. */
static int eat_separator(cl_lexer *lx) {
    int c = at(lx, 0);
    if (c < 0) return 0;
    if (c == ' ' || c == '\t' || is_newline(c)) {
        step(lx);
        return 0;
    }
    return -1;
}

static cl_tok lex_block(cl_lexer *lx, cl_tok t, int is_comment) {
    const char *end_word = is_comment ? "ENDCOMMENT" : "ENDVERBATIM";
    int line = lx->line;
    if (eat_separator(lx) < 0)
        return error_at(lx, is_comment ? "expected a blank or a line break after COMMENT"
                                       : "expected a blank or a line break after VERBATIM");
    t.body_start = lx->pos;
    int first = lx->line == line; /* still on the keyword's line */
    for (;;) {
        if (lx->pos >= lx->len) {
            cl_tok e = t;
            e.type = CL_TK_ERROR;
            e.msg = is_comment ? "COMMENT block goes to the end of the file (no ENDCOMMENT line)"
                               : "VERBATIM block goes to the end of the file (no ENDVERBATIM line)";
            return e;
        }
        int end = is_end_line(lx, end_word);
        if (end) t.body_end = lx->pos;
        /* the keyword's own line was read before the comment began; inside
         * a COMMENT other bytes are free */
        if (to_line_end(lx, is_comment && !first) < 0)
            return error_at(lx, at(lx, 0) == 0 ? MSG_NUL : MSG_NONASCII);
        step(lx); /* the line break, if any */
        first = 0;
        if (end) break;
    }
    t.end = lx->pos;
    return t;
}

static cl_tok lex_title(cl_lexer *lx, cl_tok t) {
    if (eat_separator(lx) < 0) return error_at(lx, "expected a blank after TITLE");
    t.body_start = lx->pos;
    if (to_line_end(lx, 0) < 0) return error_at(lx, at(lx, 0) == 0 ? MSG_NUL : MSG_NONASCII);
    t.body_end = lx->pos;
    step(lx);
    t.end = lx->pos;
    return t;
}

cl_tok cl_lex_next(cl_lexer *lx) {
    /* blanks, line breaks, ':' and '?' comments */
    for (;;) {
        int c = at(lx, 0);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            step(lx);
        } else if (c == ':' || c == '?') {
            if (to_line_end(lx, 0) < 0) return error_at(lx, at(lx, 0) == 0 ? MSG_NUL : MSG_NONASCII);
        } else {
            break;
        }
    }
    cl_tok t = tok_at(lx, CL_TK_EOF);
    int c = at(lx, 0);
    if (c < 0) return t;
    if (c == 0) return error_at(lx, MSG_NUL);
    if (c > 127) return error_at(lx, MSG_NONASCII);

    if (is_alpha(c)) {
        while (is_alnum_(at(lx, 0))) step(lx);
        size_t name_end = lx->pos;
        if (at(lx, 0) == '\'') {
            int order = 0;
            while (at(lx, 0) == '\'') {
                step(lx);
                order++;
            }
            if (at(lx, 0) == '0') {
                lx->pos = t.start;
                lx->col = t.col;
                return error_at(lx, "a name followed by ' and 0 (a derivative's initial value, "
                                    "SCoP syntax) is not supported");
            }
            t.type = CL_TK_PRIME;
            t.name_end = name_end;
            t.order = order;
            t.end = lx->pos;
            return t;
        }
        t.type = CL_TK_NAME;
        t.end = lx->pos;
        t.kw = kw_lookup(lx->src + t.start, t.end - t.start);
        if (t.kw == CL_KW_COMMENT) return lex_block(lx, (t.type = CL_TK_COMMENT, t), 1);
        if (t.kw == CL_KW_VERBATIM) return lex_block(lx, (t.type = CL_TK_VERBATIM, t), 0);
        if (t.kw == CL_KW_TITLE) return lex_title(lx, (t.type = CL_TK_TITLE, t));
        return t;
    }

    if (is_digit(c) || (c == '.' && is_digit(at(lx, 1)))) {
        int real = 0;
        while (is_digit(at(lx, 0))) step(lx);
        if (at(lx, 0) == '.') {
            real = 1;
            step(lx);
            while (is_digit(at(lx, 0))) step(lx);
        }
        int e = at(lx, 0);
        if (e == 'e' || e == 'E') {
            size_t k = 1;
            if (at(lx, 1) == '+' || at(lx, 1) == '-') k = 2;
            if (is_digit(at(lx, k))) {
                real = 1;
                for (size_t i = 0; i < k; i++) step(lx);
                while (is_digit(at(lx, 0))) step(lx);
            }
        }
        t.type = real ? CL_TK_REAL : CL_TK_INT;
        t.end = lx->pos;
        return t;
    }

    if (c == '"') {
        step(lx);
        for (;;) {
            int d = at(lx, 0);
            if (d < 0) {
                cl_tok e = t;
                e.type = CL_TK_ERROR;
                e.end = e.start + 1;
                e.msg = "unterminated string (no closing '\"')";
                return e;
            }
            if (d == 0) return error_at(lx, MSG_NUL);
            if (d > 127) return error_at(lx, MSG_NONASCII);
            step(lx);
            if (d == '"') break;
        }
        t.type = CL_TK_STRING;
        t.end = lx->pos;
        return t;
    }

    int c1 = at(lx, 1);
    cl_tk type = CL_TK_CHAR;
    int n = 1;
    switch (c) {
    case '{': type = CL_TK_LBRACE; break;
    case '}': type = CL_TK_RBRACE; break;
    case '(': type = CL_TK_LPAREN; break;
    case ')': type = CL_TK_RPAREN; break;
    case '[': type = CL_TK_LBRACKET; break;
    case ']': type = CL_TK_RBRACKET; break;
    case ',': type = CL_TK_COMMA; break;
    case '+': type = CL_TK_PLUS; break;
    case '-': type = CL_TK_MINUS; break;
    case '*': type = CL_TK_STAR; break;
    case '/': type = CL_TK_SLASH; break;
    case '^': type = CL_TK_CARET; break;
    case '@': type = CL_TK_AT; break;
    case '~':
        if (c1 == '+') type = CL_TK_TILDEPLUS, n = 2;
        else type = CL_TK_TILDE;
        break;
    case '>':
        if (c1 == '=') type = CL_TK_GE, n = 2;
        else type = CL_TK_GT;
        break;
    case '<':
        if (c1 == '-' && at(lx, 2) == '>') type = CL_TK_REACT2, n = 3;
        else if (c1 == '=') type = CL_TK_LE, n = 2;
        else type = CL_TK_LT;
        break;
    case '=':
        if (c1 == '=') type = CL_TK_EQ, n = 2;
        else type = CL_TK_ASSIGN;
        break;
    case '!':
        if (c1 == '=') type = CL_TK_NE, n = 2;
        else type = CL_TK_NOT;
        break;
    case '&':
        if (c1 == '&') type = CL_TK_AND, n = 2;
        break;
    case '|':
        if (c1 == '|') type = CL_TK_OR, n = 2;
        break;
    default: break;
    }
    for (int i = 0; i < n; i++) step(lx);
    t.type = type;
    t.end = lx->pos;
    return t;
}

int cl_lex_units(cl_lexer *lx, size_t *start, size_t *end, int *err_line, int *err_col) {
    *start = lx->pos;
    for (;;) {
        int c = at(lx, 0);
        if (c == ')') break;
        if (c < 0 || is_newline(c) || c == 0 || c > 127) {
            *err_line = lx->line;
            *err_col = lx->col;
            return -1;
        }
        step(lx);
    }
    *end = lx->pos;
    return 0;
}

int cl_lex_ontology(cl_lexer *lx, size_t *start, size_t *end, int *line, int *col) {
    while (at(lx, 0) == ' ' || at(lx, 0) == '\t') step(lx);
    *line = lx->line;
    *col = lx->col;
    *start = lx->pos;
    int bracket = at(lx, 0) == '[';
    size_t k = bracket ? 1 : 0;
    if (!is_alpha(at(lx, k))) return -1;
    while (is_alnum_(at(lx, k))) k++;
    if (at(lx, k) != ':') return -1;
    k++;
    while (is_alnum_(at(lx, k))) k++;
    if (bracket) {
        if (at(lx, k) != ']') return -1;
        k++;
    }
    for (size_t i = 0; i < k; i++) step(lx);
    *end = lx->pos;
    return 0;
}
