/* Unit tests for the NMODL lexer and parser (src/nmodl): every MOD file of
 * the shared data, the trees of a few of them, small mechanisms written
 * here that use what NEURON 8.2's built-in mechanisms use (hh, pas, IClamp,
 * ExpSyn, Exp2Syn, NetStim, IntFire1, SEClamp, APCount), expression
 * precedence, and malformed inputs with their positions and messages. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "nmodl/ast.h"

#ifndef CELLULAB_SHARED_DATA
#define CELLULAB_SHARED_DATA "/work/shared/data"
#endif

#define BCL_MECH CELLULAB_SHARED_DATA "/bluecellulab/mechanisms/"
#define ALLEN_MECH CELLULAB_SHARED_DATA "/sonata-examples/shared_components/mechanisms/modfiles/"

/* ------------------------------------------------------------------ helpers */

static cl_ast *parse_ok(const char *text) {
    char err[512] = "";
    cl_ast *t = cl_nmodl_parse(text, strlen(text), "t.mod", err, sizeof err);
    if (!t) print_error("%s\n", err);
    assert_non_null(t);
    assert_int_equal(t->kind, NK_PROGRAM);
    return t;
}

static cl_ast *parse_file_ok(const char *path) {
    char err[512] = "";
    cl_ast *t = cl_nmodl_parse_file(path, err, sizeof err);
    if (!t) print_error("%s\n", err);
    assert_non_null(t);
    return t;
}

/* The error must start with "t.mod:<pos>: " and contain msg. */
static void parse_err(const char *text, size_t len, const char *pos, const char *msg) {
    char err[512] = "";
    cl_ast *t = cl_nmodl_parse(text, len, "t.mod", err, sizeof err);
    if (t) {
        print_error("accepted, expected an error at %s: %s\n--\n%s\n", pos, msg, text);
        cl_ast_free(t);
        fail();
    }
    char want[64];
    snprintf(want, sizeof want, "t.mod:%s: ", pos);
    if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, msg)) {
        print_error("got      %s\nexpected %s...%s\n", err, want, msg);
        fail();
    }
}

#define ERR(text, pos, msg) parse_err(text, strlen(text), pos, msg)

/* First node of that kind (and name, when given) in preorder. */
static const cl_ast *find(const cl_ast *n, cl_nk kind, const char *name) {
    if (!n) return NULL;
    if (n->kind == kind && (!name || (n->name && !strcmp(n->name, name)))) return n;
    for (int i = 0; i < n->nkid; i++) {
        const cl_ast *f = find(n->kid[i], kind, name);
        if (f) return f;
    }
    return NULL;
}

static const cl_ast *must_find(const cl_ast *n, cl_nk kind, const char *name) {
    const cl_ast *f = find(n, kind, name);
    if (!f) print_error("no %s %s\n", cl_ast_kind_name(kind), name ? name : "");
    assert_non_null(f);
    return f;
}

static int count(const cl_ast *n, cl_nk kind) {
    if (!n) return 0;
    int c = n->kind == kind;
    for (int i = 0; i < n->nkid; i++) c += count(n->kid[i], kind);
    return c;
}

/* Names of the NK_NAME kids, comma separated. */
static const char *names(const cl_ast *n, char *buf, size_t len) {
    buf[0] = 0;
    for (int i = 0; i < n->nkid; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, len - used, "%s%s", i ? "," : "", n->kid[i]->name);
    }
    return buf;
}

static const char *op_text(cl_op op) {
    static const char *const t[] = {"", "+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==",
                                    "!=", "&&", "||", "-", "!", "<->", "->", "<<"};
    return t[op];
}

/* An expression in prefix form: (op a b), NUM as written with [units],
 * PAREN as {x}, calls as f(a,b), indices as x[i], primes as x'. */
static void sexpr(const cl_ast *n, char *buf, size_t len) {
    size_t used = strlen(buf);
    char *w = buf + used;
    size_t room = len - used;
    if (!n) {
        snprintf(w, room, "NULL");
        return;
    }
    switch (n->kind) {
    case NK_NUM:
        snprintf(w, room, "%s%s%s%s", n->text, n->text2 ? "[" : "", n->text2 ? n->text2 : "",
                 n->text2 ? "]" : "");
        return;
    case NK_NAME: snprintf(w, room, "%s", n->name); return;
    case NK_STRING: snprintf(w, room, "\"%s\"", n->text); return;
    case NK_PRIME:
        snprintf(w, room, "%s%.*s", n->name, (int)n->num, "''''''''");
        if (n->nkid) {
            strncat(buf, "[", len - strlen(buf) - 1);
            sexpr(n->kid[0], buf, len);
            strncat(buf, "]", len - strlen(buf) - 1);
        }
        return;
    case NK_INDEX:
        snprintf(w, room, "%s[", n->name);
        sexpr(n->kid[0], buf, len);
        strncat(buf, "]", len - strlen(buf) - 1);
        return;
    case NK_PAREN:
        snprintf(w, room, "{");
        sexpr(n->kid[0], buf, len);
        strncat(buf, "}", len - strlen(buf) - 1);
        return;
    case NK_CALL:
        snprintf(w, room, "%s(", n->name);
        for (int i = 0; i < n->nkid; i++) {
            if (i) strncat(buf, ",", len - strlen(buf) - 1);
            sexpr(n->kid[i], buf, len);
        }
        strncat(buf, ")", len - strlen(buf) - 1);
        return;
    case NK_UNARY:
    case NK_BINARY:
        snprintf(w, room, "(%s ", op_text(n->op));
        sexpr(n->kid[0], buf, len);
        if (n->kind == NK_BINARY) {
            strncat(buf, " ", len - strlen(buf) - 1);
            sexpr(n->kid[1], buf, len);
        }
        strncat(buf, ")", len - strlen(buf) - 1);
        return;
    default: snprintf(w, room, "?%s", cl_ast_kind_name(n->kind)); return;
    }
}

static const char *ex(const cl_ast *n, char *buf, size_t len) {
    buf[0] = 0;
    sexpr(n, buf, len);
    return buf;
}

/* ------------------------------------------------------------------ the shared MOD files */

typedef struct {
    int files, failed;
} walk_stats;

static void walk(const char *dir, int depth, walk_stats *st) {
    if (depth > 12) return;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(path, &sb) != 0) continue;
        if (S_ISDIR(sb.st_mode)) {
            walk(path, depth + 1, st);
            continue;
        }
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".mod") != 0) continue;
        char err[512] = "";
        cl_ast *t = cl_nmodl_parse_file(path, err, sizeof err);
        st->files++;
        if (!t) {
            st->failed++;
            print_error("%s\n", err);
        }
        cl_ast_free(t);
    }
    closedir(d);
}

static void test_every_shared_mod_file(void **state) {
    (void)state;
    walk_stats st = {0, 0};
    walk(CELLULAB_SHARED_DATA, 0, &st);
    print_message("parsed %d MOD files under %s, %d failed\n", st.files, CELLULAB_SHARED_DATA,
                  st.failed);
    assert_true(st.files >= 90); /* 17 Allen, 62 + 16 BlueCelluLab when written */
    assert_int_equal(st.failed, 0);
}

/* ------------------------------------------------------------------ trees of real files */

static void test_tc_hh(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_file_ok(BCL_MECH "TC_HH.mod");
    assert_string_equal(must_find(t, NK_TITLE, NULL)->text, "Hippocampal HH channels");
    assert_string_equal(must_find(t, NK_SUFFIX, NULL)->name, "TC_HH");
    const cl_ast *na = must_find(t, NK_USEION, "na");
    assert_int_equal(na->nkid, 2);
    assert_int_equal(na->kid[0]->kind, NK_READ);
    assert_string_equal(names(na->kid[0], buf, sizeof buf), "ena");
    assert_int_equal(na->kid[1]->kind, NK_WRITE);
    assert_string_equal(names(na->kid[1], buf, sizeof buf), "ina");
    /* INDEPENDENT {t FROM 0 TO 1 WITH 1 (ms)} */
    const cl_ast *tdecl = must_find(must_find(t, NK_INDEPENDENT, NULL), NK_DECL, "t");
    assert_string_equal(tdecl->text, "ms");
    assert_int_equal(must_find(tdecl, NK_LIMITS, NULL)->flag, 1);
    assert_true(must_find(tdecl, NK_WITH, NULL)->num == 1);
    /* SOLVE states METHOD cnexp, three primes */
    const cl_ast *solve = must_find(t, NK_SOLVE, "states");
    assert_string_equal(solve->text, "cnexp");
    assert_int_equal(solve->flag, 0);
    const cl_ast *deriv = must_find(t, NK_DERIVATIVE, "states");
    const cl_ast *body = deriv->kid[0];
    assert_int_equal(body->kind, NK_BLOCK);
    assert_int_equal(body->nkid, 4);
    assert_int_equal(body->kid[0]->kind, NK_EXPR_STMT);
    const char *st[] = {"m", "h", "n"};
    for (int i = 0; i < 3; i++) {
        const cl_ast *a = body->kid[i + 1];
        assert_int_equal(a->kind, NK_ASSIGN);
        assert_int_equal(a->kid[0]->kind, NK_PRIME);
        assert_string_equal(a->kid[0]->name, st[i]);
        assert_true(a->kid[0]->num == 1);
    }
    assert_string_equal(ex(body->kid[1]->kid[1], buf, sizeof buf), "(/ {(- m_inf m)} tau_m)");
    /* PROCEDURE evaluate_fct(v(mV)) { LOCAL a,b,v2, v3 ... */
    const cl_ast *proc = must_find(t, NK_PROCEDURE, "evaluate_fct");
    assert_string_equal(proc->kid[0]->kid[0]->text, "mV");
    assert_int_equal(proc->kid[1]->kid[0]->kind, NK_LOCAL);
    assert_string_equal(names(proc->kid[1]->kid[0], buf, sizeof buf), "a,b,v2,v3");
    /* UNITSOFF / UNITSON at the top level */
    assert_int_equal(t->kid[t->nkid - 1]->kind, NK_UNITSON);
    assert_int_equal(count(t, NK_UNITSOFF), 1);
    cl_ast_free(t);
}

static void test_stochkv3_table_and_units(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_file_ok(BCL_MECH "StochKv3.mod");
    const cl_ast *proc = must_find(t, NK_PROCEDURE, "trates");
    const cl_ast *tab = must_find(proc, NK_TABLE, NULL);
    assert_int_equal(tab->nkid, 5);
    assert_string_equal(names(tab->kid[0], buf, sizeof buf), "ntau,ltau,ninf,linf,al,bl,an,bn");
    assert_string_equal(names(tab->kid[1], buf, sizeof buf), "dt");
    assert_string_equal(ex(tab->kid[2], buf, sizeof buf), "vmin");
    assert_string_equal(ex(tab->kid[3], buf, sizeof buf), "vmax");
    assert_string_equal(ex(tab->kid[4], buf, sizeof buf), "199");
    /* ninf = 1/(1+exp(0.0878(1/mV)*(v+55.1(mV)))) */
    const cl_ast *ninf = NULL;
    for (int i = 0; i < proc->kid[1]->nkid; i++) {
        const cl_ast *s = proc->kid[1]->kid[i];
        if (s->kind == NK_ASSIGN && !strcmp(s->kid[0]->name, "ninf")) ninf = s;
    }
    assert_non_null(ninf);
    assert_string_equal(ex(ninf->kid[1], buf, sizeof buf),
                        "(/ 1 {(+ 1 exp((* 0.0878[1/mV] {(+ v 55.1[mV])})))})");
    /* linf = 1/(1+exp((-30(mV)-v)/10(mV))) */
    const cl_ast *linf = proc->kid[1]->kid[2];
    assert_string_equal(linf->kid[0]->name, "linf");
    assert_string_equal(ex(linf->kid[1], buf, sizeof buf),
                        "(/ 1 {(+ 1 exp((/ {(- (- 30[mV]) v)} 10[mV])))})");
    cl_ast_free(t);
}

static void test_nav_kinetic(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_file_ok(ALLEN_MECH "NaV.mod");
    const cl_ast *kin = must_find(t, NK_KINETIC, "activation");
    const cl_ast *body = kin->kid[0];
    assert_int_equal(count(body, NK_REACTION), 16);
    const cl_ast *r = must_find(body, NK_REACTION, NULL);
    assert_int_equal(r->op, OP_REACT2);
    assert_int_equal(r->nkid, 4);
    assert_string_equal(r->kid[0]->kid[0]->name, "C1");
    assert_string_equal(r->kid[1]->kid[0]->name, "C2");
    assert_string_equal(ex(r->kid[2], buf, sizeof buf), "f01");
    assert_string_equal(ex(r->kid[3], buf, sizeof buf), "b01");
    const cl_ast *cons = must_find(body, NK_CONSERVE, NULL);
    assert_int_equal(cons->kid[0]->kind, NK_REACTANTS);
    assert_int_equal(cons->kid[0]->nkid, 12);
    assert_string_equal(cons->kid[0]->kid[11]->name, "I6");
    assert_true(cons->kid[0]->kid[5]->num == 1);
    assert_string_equal(ex(cons->kid[1], buf, sizeof buf), "1");
    /* LINEAR seqinitial: 12 equations for the 12 states */
    const cl_ast *lin = must_find(t, NK_LINEAR, "seqinitial");
    assert_int_equal(count(lin, NK_LINEQ), 12);
    assert_string_equal(ex(must_find(lin, NK_LINEQ, NULL)->kid[0], buf, sizeof buf),
                        "(- (+ (* I1 bi1) (* C2 b01)) (* C1 {(+ fi1 f01)}))");
    /* SOLVE activation METHOD sparse; SOLVE seqinitial with no method */
    assert_string_equal(must_find(t, NK_SOLVE, "activation")->text, "sparse");
    assert_null(must_find(t, NK_SOLVE, "seqinitial")->text);
    /* qt = 2.3^((celsius-37)/10) */
    const cl_ast *rates = must_find(t, NK_PROCEDURE, "rates");
    assert_string_equal(rates->kid[0]->kid[0]->text, "mV");
    assert_string_equal(ex(rates->kid[1]->kid[1]->kid[1], buf, sizeof buf),
                        "(^ 2.3 {(/ {(- celsius 37)} 10)})");
    cl_ast_free(t);
}

static void test_bbp_synapse_net_receive(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_file_ok(BCL_MECH "ProbAMPANMDA_EMS.mod");
    assert_string_equal(must_find(t, NK_POINT_PROCESS, NULL)->name, "ProbAMPANMDA_EMS");
    assert_non_null(must_find(t, NK_THREADSAFE, NULL));
    const cl_ast *bbcore = must_find(t, NK_POINTER, NULL);
    assert_int_equal(bbcore->flag, 1);
    assert_string_equal(names(bbcore, buf, sizeof buf), "rng");
    const cl_ast *nr = must_find(t, NK_NET_RECEIVE, NULL);
    assert_string_equal(names(nr->kid[0], buf, sizeof buf),
                        "weight,weight_AMPA,weight_NMDA,Psurv,nc_type");
    const cl_ast *init = must_find(nr, NK_INITIAL, NULL);
    assert_int_equal(init->kid[0]->kind, NK_BLOCK);
    /* if (nc_type == 0) { VERBATIM ... ENDVERBATIM net_send(next_delay_t, 1) VERBATIM ... } */
    const cl_ast *iff = must_find(init, NK_IF, NULL);
    assert_string_equal(ex(iff->kid[0], buf, sizeof buf), "(== nc_type 0)");
    const cl_ast *blk = iff->kid[1];
    assert_int_equal(blk->nkid, 3);
    assert_int_equal(blk->kid[0]->kind, NK_VERBATIM);
    assert_non_null(strstr(blk->kid[0]->text, "IvocVect *vv_delay_times"));
    assert_int_equal(blk->kid[1]->kind, NK_NET_SEND);
    assert_string_equal(ex(blk->kid[1]->kid[0], buf, sizeof buf), "next_delay_t");
    assert_int_equal(blk->kid[2]->kind, NK_VERBATIM);
    /* printf inside UNITSOFF ... UNITSON in a FROM loop */
    const cl_ast *from = must_find(nr, NK_FROM, "counter");
    assert_int_equal(from->nkid, 4);
    assert_string_equal(ex(from->kid[1], buf, sizeof buf), "{(- unoccupied 1)}");
    assert_null(from->kid[2]);
    const cl_ast *pf = must_find(from, NK_PRINTF, NULL);
    assert_int_equal(pf->kid[0]->kind, NK_STRING);
    assert_non_null(strstr(pf->kid[0]->text, "Recovered!"));
    assert_non_null(must_find(from, NK_UNITSOFF, NULL));
    cl_ast_free(t);
}

static void test_function_units(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_file_ok(BCL_MECH "IN_iT.mod");
    const cl_ast *f = must_find(t, NK_FUNCTION, "ghk");
    assert_string_equal(f->text, ".001 coul/cm3");
    assert_string_equal(names(f->kid[0], buf, sizeof buf), "v,ci,co");
    assert_string_equal(f->kid[0]->kid[1]->text, "mM");
    /* z = (1e-3)*2*FARADAY*v/(R*(celsius+273.15)) */
    const cl_ast *z = f->kid[1]->kid[1];
    assert_string_equal(ex(z->kid[1], buf, sizeof buf),
                        "(/ (* (* (* {1e-3} 2) FARADAY) v) {(* R {(+ celsius 273.15)})})");
    cl_ast_free(t);
    t = parse_file_ok(BCL_MECH "cagk.mod");
    f = must_find(t, NK_FUNCTION, "alp");
    assert_string_equal(f->text, "1/ms");
    cl_ast_free(t);
}

/* ------------------------------------------------------------------ mechanisms like NEURON's built-ins */

static const char squid[] =
    "TITLE squid-like sodium and potassium channels   ! text after a bang is dropped\n"
    "COMMENT\n"
    "  what this is: a test\n"
    "ENDCOMMENT\n"
    "? interface\n"
    "UNITS {\n"
    "  (mA) = (milliamp)\n"
    "  (mV) = (millivolt)\n"
    "  (S) = (siemens)\n"
    "}\n"
    "NEURON {\n"
    "  SUFFIX sq\n"
    "  REPRESENTS NCIT:C17145   : ontology\n"
    "  USEION na READ ena WRITE ina REPRESENTS CHEBI:29101\n"
    "  USEION k READ ek WRITE ik\n"
    "  NONSPECIFIC_CURRENT il\n"
    "  RANGE gnabar, gkbar, gl, el\n"
    "  GLOBAL minf, hinf, ninf, mtau, htau, ntau\n"
    "  THREADSAFE : per thread\n"
    "}\n"
    "PARAMETER {\n"
    "  gnabar = .12 (S/cm2) <0,1e9>\n"
    "  gkbar = .036 (S/cm2)\t<0,1e9>\n"
    "  gl = .0003 (S/cm2) <0,1e9>\n"
    "  el = -54.3 (mV)\n"
    "}\n"
    "STATE { m h n }\n"
    "ASSIGNED {\n"
    "  v (mV)\n"
    "  celsius (degC)\n"
    "  ena (mV) ek (mV)\n"
    "  ina (mA/cm2) ik (mA/cm2) il (mA/cm2)\n"
    "  minf hinf ninf\n"
    "  mtau (ms) htau (ms) ntau (ms)\n"
    "}\n"
    "? currents\n"
    "BREAKPOINT {\n"
    "  SOLVE states METHOD cnexp\n"
    "  ina = gnabar*m*m*m*h*(v - ena)\n"
    "  ik = gkbar*n*n*n*n*(v - ek)\n"
    "  il = gl*(v - el)\n"
    "}\n"
    "INITIAL { rates(v) m = minf h = hinf n = ninf }\n"
    "DERIVATIVE states {\n"
    "  rates(v)\n"
    "  m' = (minf-m)/mtau\n"
    "  h' = (hinf-h)/htau\n"
    "  n' = (ninf-n)/ntau\n"
    "}\n"
    ":LOCAL q10\n"
    "PROCEDURE rates(v(mV)) { :a comment after the brace\n"
    "  LOCAL alpha, beta, sum, q10\n"
    "  TABLE minf, mtau, hinf, htau, ninf, ntau DEPEND celsius FROM -100 TO 100 WITH 200\n"
    "UNITSOFF\n"
    "  q10 = 3^((celsius - 6.3)/10)\n"
    "  alpha = .1 * vtrap(-(v+40),10)\n"
    "  beta = 4 * exp(-(v+65)/18)\n"
    "  sum = alpha + beta\n"
    "  mtau = 1/(q10*sum)\n"
    "  minf = alpha/sum\n"
    "}\n"
    "FUNCTION vtrap(x,y) {\n"
    "  if (fabs(x/y) < 1e-6) {\n"
    "    vtrap = y*(1 - x/y/2)\n"
    "  }else{\n"
    "    vtrap = x/(exp(x/y) - 1)\n"
    "  }\n"
    "}\n"
    "UNITSON\n";

static void test_squid(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_ok(squid);
    assert_string_equal(t->kid[0]->text, "squid-like sodium and potassium channels");
    assert_int_equal(t->kid[1]->kind, NK_UNITS); /* the COMMENT leaves nothing */
    const cl_ast *u = t->kid[1];
    assert_int_equal(u->nkid, 3);
    assert_string_equal(u->kid[1]->name, "mV");
    assert_string_equal(u->kid[1]->text, "millivolt");
    assert_string_equal(must_find(t, NK_REPRESENTS, NULL)->text, "NCIT:C17145");
    assert_string_equal(must_find(t, NK_USEION, "na")->text, "CHEBI:29101");
    assert_null(must_find(t, NK_USEION, "k")->text);
    assert_string_equal(names(must_find(t, NK_GLOBAL, NULL), buf, sizeof buf),
                        "minf,hinf,ninf,mtau,htau,ntau");
    assert_int_equal(must_find(t, NK_THREADSAFE, NULL)->nkid, 0);
    const cl_ast *g = must_find(must_find(t, NK_PARAMETER, NULL), NK_DECL, "gkbar");
    assert_true(g->has_num && g->num == .036);
    assert_string_equal(g->text, "S/cm2");
    assert_int_equal(g->kid[0]->kind, NK_LIMITS);
    assert_true(g->kid[0]->kid[1]->num == 1e9);
    const cl_ast *el = must_find(t, NK_DECL, "el");
    assert_true(el->num == -54.3);
    assert_int_equal(el->nkid, 0);
    assert_int_equal(must_find(t, NK_STATE, NULL)->nkid, 3);
    assert_int_equal(must_find(t, NK_ASSIGNED, NULL)->nkid, 13);
    const cl_ast *init = must_find(t, NK_INITIAL, NULL);
    assert_int_equal(init->kid[0]->nkid, 4);
    assert_int_equal(count(must_find(t, NK_DERIVATIVE, "states"), NK_PRIME), 3);
    const cl_ast *tab = must_find(t, NK_TABLE, NULL);
    assert_string_equal(ex(tab->kid[2], buf, sizeof buf), "(- 100)");
    const cl_ast *vt = must_find(t, NK_FUNCTION, "vtrap");
    const cl_ast *iff = vt->kid[1]->kid[0];
    assert_int_equal(iff->kind, NK_IF);
    assert_int_equal(iff->nkid, 3);
    assert_int_equal(iff->kid[2]->kind, NK_BLOCK);
    assert_string_equal(ex(iff->kid[0], buf, sizeof buf), "(< fabs((/ x y)) 1e-6)");
    assert_string_equal(ex(must_find(t, NK_PROCEDURE, "rates")->kid[1]->kid[4]->kid[1], buf,
                           sizeof buf),
                        "(* .1 vtrap((- {(+ v 40)}),10))");
    cl_ast_free(t);
}

static void test_passive_and_stim(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_ok("TITLE leak\n"
                         "UNITS { (mV) = (millivolt) (mA) = (milliamp) (S) = (siemens) }\n"
                         "NEURON { SUFFIX leak NONSPECIFIC_CURRENT i RANGE g, e }\n"
                         "PARAMETER { g = .001\t(S/cm2)\t<0,1e9>\n\te = -70\t(mV) }\n"
                         "ASSIGNED {v (mV)  i (mA/cm2)}\n"
                         "BREAKPOINT { i = g*(v - e) }\n");
    assert_int_equal(must_find(t, NK_ASSIGNED, NULL)->nkid, 2);
    assert_string_equal(names(must_find(t, NK_NONSPECIFIC, NULL), buf, sizeof buf), "i");
    cl_ast_free(t);

    t = parse_ok("COMMENT\nan electrode\nENDCOMMENT\n"
                 "NEURON { POINT_PROCESS Stim RANGE del, dur, amp, i ELECTRODE_CURRENT i }\n"
                 "UNITS { (nA) = (nanoamp) }\n"
                 "PARAMETER { del (ms) dur (ms) <0,1e9> amp (nA) }\n"
                 "ASSIGNED { i (nA) }\n"
                 "INITIAL { i = 0 }\n"
                 "BREAKPOINT {\n"
                 "  at_time(del)\n  at_time(del+dur)\n"
                 "  if (t < del + dur && t >= del) { i = amp }else{ i = 0 }\n"
                 "}\n");
    const cl_ast *p = must_find(t, NK_PARAMETER, NULL);
    assert_int_equal(p->nkid, 3);
    assert_false(p->kid[0]->has_num);
    assert_string_equal(p->kid[1]->text, "ms");
    assert_int_equal(p->kid[1]->nkid, 1);
    assert_string_equal(names(must_find(t, NK_ELECTRODE, NULL), buf, sizeof buf), "i");
    const cl_ast *bp = must_find(t, NK_BREAKPOINT, NULL)->kid[0];
    assert_int_equal(bp->kid[0]->kind, NK_EXPR_STMT);
    assert_string_equal(ex(bp->kid[1]->kid[0], buf, sizeof buf), "at_time((+ del dur))");
    assert_string_equal(ex(bp->kid[2]->kid[0], buf, sizeof buf),
                        "(&& (< t (+ del dur)) (>= t del))");
    cl_ast_free(t);
}

static void test_synapses(void **state) {
    (void)state;
    char buf[256];
    /* ExpSyn and Exp2Syn: NET_RECEIVE with units on its argument, a
     * DERIVATIVE, LOCAL in INITIAL */
    cl_ast *t = parse_ok(
        "NEURON { POINT_PROCESS Syn2 RANGE tau1, tau2, e, i NONSPECIFIC_CURRENT i RANGE g }\n"
        "UNITS { (nA) = (nanoamp) (mV) = (millivolt) (uS) = (microsiemens) }\n"
        "PARAMETER { tau1 = 0.1 (ms) <1e-9,1e9> tau2 = 10 (ms) <1e-9,1e9> e=0\t(mV) }\n"
        "ASSIGNED { v (mV) i (nA) g (uS) factor }\n"
        "STATE { A (uS) B (uS) }\n"
        "INITIAL {\n  LOCAL tp\n"
        "  if (tau1/tau2 > 0.9999) { tau1 = 0.9999*tau2 }\n"
        "  A = 0 B = 0\n"
        "  tp = (tau1*tau2)/(tau2 - tau1) * log(tau2/tau1)\n"
        "  factor = -exp(-tp/tau1) + exp(-tp/tau2)\n"
        "  factor = 1/factor\n}\n"
        "BREAKPOINT { SOLVE state METHOD cnexp g = B - A i = g*(v - e) }\n"
        "DERIVATIVE state { A' = -A/tau1 B' = -B/tau2 }\n"
        "NET_RECEIVE(weight (uS)) { A = A + weight*factor B = B + weight*factor }\n");
    const cl_ast *nr = must_find(t, NK_NET_RECEIVE, NULL);
    assert_int_equal(nr->kid[0]->kind, NK_ARGS);
    assert_string_equal(nr->kid[0]->kid[0]->name, "weight");
    assert_string_equal(nr->kid[0]->kid[0]->text, "uS");
    assert_int_equal(nr->kid[1]->nkid, 2);
    const cl_ast *init = must_find(t, NK_INITIAL, NULL)->kid[0];
    assert_string_equal(ex(init->kid[5]->kid[1], buf, sizeof buf),
                        "(+ (- exp((/ (- tp) tau1))) exp((/ (- tp) tau2)))");
    assert_string_equal(ex(must_find(t, NK_DERIVATIVE, NULL)->kid[0]->kid[0]->kid[1], buf,
                           sizeof buf),
                        "(/ (- A) tau1)");
    assert_string_equal(must_find(t, NK_DECL, "A")->text, "uS");
    cl_ast_free(t);
}

static void test_artificial_cells(void **state) {
    (void)state;
    char buf[256];
    /* NetStim-like: VERBATIM between statements, BBCOREPOINTER, net_send */
    cl_ast *t = parse_ok(
        "NEURON { ARTIFICIAL_CELL Stim2 RANGE interval, number, start RANGE noise\n"
        "  THREADSAFE : only when every instance has its own stream\n"
        "  BBCOREPOINTER donotuse }\n"
        "PARAMETER { interval = 10 (ms) <1e-9,1e9>: between spikes\n"
        "  number = 10 <0,1e9> start = 50 (ms) noise = 0 <0,1> }\n"
        "ASSIGNED { event (ms) on ispike donotuse }\n"
        "VERBATIM\n#define IFNEWSTYLE(arg) arg\nENDVERBATIM\n"
        "PROCEDURE seed(x) {\nVERBATIM\n#if !NRNBBCORE\nENDVERBATIM\n"
        "  set_seed(x)\nVERBATIM\n#endif\nENDVERBATIM\n}\n"
        "INITIAL {\n  on = 0 : off\n  if (start >= 0 && number > 0) {\n    on = 1\n"
        "    event = start + invl(interval) - interval*(1. - noise)\n"
        "    if (event < 0) { event = 0 }\n    net_send(event, 3)\n  }\n}\n"
        "FUNCTION invl(mean (ms)) (ms) {\n  if (mean <= 0.) {\n"
        "    mean = .01 (ms) : would worry if it were 0\n  }\n"
        "  if (noise == 0) { invl = mean }else{ invl = (1. - noise)*mean + noise*mean*erand() }\n"
        "}\n"
        "FUNCTION erand() {\nVERBATIM\n\t_lerand = 1.;\nENDVERBATIM\n"
        "  erand = exprand(1)\n}\n"
        "NET_RECEIVE (w) {\n  if (flag == 0) { if (w > 0 && on == 0) { on = 1 net_send(0, 3) }\n"
        "  }else if (flag == 3) { if (on == 1) { net_event(t) net_send(invl(interval), 3) } }\n"
        "}\n");
    assert_int_equal(t->kid[3]->kind, NK_VERBATIM);
    assert_string_equal(t->kid[3]->text, "#define IFNEWSTYLE(arg) arg\n");
    const cl_ast *seed = must_find(t, NK_PROCEDURE, "seed")->kid[1];
    assert_int_equal(seed->nkid, 3);
    assert_string_equal(seed->kid[0]->text, "#if !NRNBBCORE\n");
    assert_int_equal(seed->kid[1]->kind, NK_EXPR_STMT);
    const cl_ast *invl = must_find(t, NK_FUNCTION, "invl");
    assert_string_equal(invl->text, "ms");
    assert_string_equal(invl->kid[0]->kid[0]->text, "ms");
    const cl_ast *mean = invl->kid[1]->kid[0]->kid[1]->kid[0];
    assert_int_equal(mean->kind, NK_ASSIGN);
    assert_string_equal(ex(mean->kid[1], buf, sizeof buf), ".01[ms]");
    const cl_ast *ns = must_find(must_find(t, NK_INITIAL, NULL), NK_NET_SEND, NULL);
    assert_int_equal(ns->nkid, 2);
    assert_string_equal(ex(ns->kid[0], buf, sizeof buf), "event");
    const cl_ast *nr = must_find(t, NK_NET_RECEIVE, NULL);
    assert_int_equal(count(nr, NK_NET_SEND), 2);
    assert_int_equal(count(nr, NK_NET_EVENT), 1);
    const cl_ast *top_if = nr->kid[1]->kid[0];
    assert_int_equal(top_if->nkid, 3);
    assert_int_equal(top_if->kid[2]->kind, NK_IF); /* else if */
    assert_string_equal(ex(top_if->kid[2]->kid[0], buf, sizeof buf), "(== flag 3)");
    cl_ast_free(t);

    /* IntFire1-like: a FUNCTION with no arguments, else if chains, net_send
     * with a variable flag */
    t = parse_ok("NEURON { ARTIFICIAL_CELL IF1 RANGE tau, refrac, m }\n"
                 "PARAMETER { tau = 10 (ms) refrac = 5 (ms) }\n"
                 "ASSIGNED { m t0(ms) refractory }\n"
                 "INITIAL { m = 0 t0 = t refractory = 0 }\n"
                 "FUNCTION M() {\n  if (refractory == 0) {\n    M = m*exp(-(t - t0)/tau)\n"
                 "  }else if (refractory == 1) {\n    if (t - t0 < .5) { M = 2 }else{ M = -1 }\n"
                 "  }\n}\n"
                 "NET_RECEIVE (w) {\n  if (refractory == 0) {\n"
                 "    m = m*exp(-(t - t0)/tau) t0 = t m = m + w\n"
                 "    if (m > 1) { refractory = 1 m = 2 net_send(refrac, refractory) net_event(t) }\n"
                 "  }else if (flag == 1) { t0 = t refractory = 0 m = 0 }\n}\n");
    const cl_ast *M = must_find(t, NK_FUNCTION, "M");
    assert_int_equal(M->kid[0]->nkid, 0);
    assert_string_equal(must_find(t, NK_DECL, "t0")->text, "ms");
    assert_string_equal(ex(must_find(M, NK_IF, NULL)->kid[2]->kid[0], buf, sizeof buf),
                        "(== refractory 1)");
    cl_ast_free(t);
}

static void test_clamps_and_counters(void **state) {
    (void)state;
    char buf[256];
    /* SEClamp-like */
    cl_ast *t = parse_ok(
        "NEURON { POINT_PROCESS SEC ELECTRODE_CURRENT i\n"
        "  RANGE dur1, amp1, dur2, amp2, rs, vc, i }\n"
        "UNITS { (nA) = (nanoamp) (mV) = (millivolt) (uS) = (microsiemens) }\n"
        "PARAMETER {\n  rs = 1 (megohm) <1e-9, 1e9>\n  dur1 (ms) \t  amp1 (mV)\n"
        "  dur2 (ms) <0,1e9> amp2 (mV)\n}\n"
        "ASSIGNED { v (mV) i (nA) vc (mV) tc2 (ms) on }\n"
        "INITIAL { tc2 = dur1 + dur2 on = 0 }\n"
        "BREAKPOINT { SOLVE icur METHOD after_cvode vstim() }\n"
        "PROCEDURE icur() { if (on) { i = (vc - v)/rs }else{ i = 0 } }\n"
        "COMMENT\nwhy icur is SOLVEd\nENDCOMMENT\n"
        "PROCEDURE vstim() {\n  on = 1\n  if (dur1) {at_time(dur1)}\n  if (dur2) {at_time(tc2)}\n"
        "  if (t < dur1) {\n    vc = amp1\n  }else if (t < tc2) {\n    vc = amp2\n"
        "  }else {\n    vc = 0\n    on = 0\n  }\n  icur()\n}\n");
    assert_string_equal(must_find(t, NK_SOLVE, "icur")->text, "after_cvode");
    const cl_ast *p = must_find(t, NK_PARAMETER, NULL);
    assert_int_equal(p->nkid, 5);
    assert_string_equal(p->kid[2]->name, "amp1");
    const cl_ast *vstim = must_find(t, NK_PROCEDURE, "vstim")->kid[1];
    assert_int_equal(vstim->nkid, 5);
    const cl_ast *chain = vstim->kid[3];
    assert_int_equal(chain->kid[2]->kind, NK_IF);
    assert_int_equal(chain->kid[2]->kid[2]->kind, NK_BLOCK);
    assert_int_equal(chain->kid[2]->kid[2]->nkid, 2);
    cl_ast_free(t);

    /* APCount-like: PROCEDUREs made only of VERBATIM, SOLVE of a PROCEDURE */
    t = parse_ok("NEURON { POINT_PROCESS APC RANGE n, thresh, time, firing\n  THREADSAFE }\n"
                 "UNITS { (mV) = (millivolt) }\n"
                 "PARAMETER { n thresh = -20 (mV) time (ms) }\n"
                 "ASSIGNED { firing space }\n"
                 "VERBATIM\nextern void vector_resize();\nENDVERBATIM\n"
                 "INITIAL { n = 0 firing = 0\nVERBATIM\n\t{ void* vv; }\nENDVERBATIM\n check() }\n"
                 "BREAKPOINT { SOLVE check METHOD after_cvode }\n"
                 "PROCEDURE check() {\nVERBATIM\n\tif (v >= thresh && !firing) { firing = 1; }\n"
                 "ENDVERBATIM\n}\n");
    const cl_ast *th = must_find(t, NK_DECL, "thresh");
    assert_true(th->num == -20);
    const cl_ast *check = must_find(t, NK_PROCEDURE, "check")->kid[1];
    assert_int_equal(check->nkid, 1);
    assert_string_equal(check->kid[0]->text, "\tif (v >= thresh && !firing) { firing = 1; }\n");
    assert_string_equal(ex(must_find(t, NK_INITIAL, NULL)->kid[0]->kid[3]->kid[0], buf, sizeof buf),
                        "check()");
    cl_ast_free(t);
}

/* ------------------------------------------------------------------ expressions */

static void test_expressions(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"-2^2", "(- (^ 2 2))"},
        {"2^-3^2", "(^ 2 (- (^ 3 2)))"},
        {"a^b^c", "(^ a (^ b c))"},
        {"a^b*c", "(* (^ a b) c)"},
        {"-a*b", "(* (- a) b)"},
        {"!a > b", "(> (! a) b)"},
        {"!a^2", "(! (^ a 2))"},
        {"a || b && c == d + e * f", "(|| a (&& b (== c (+ d (* e f)))))"},
        {"a < b == c", "(== (< a b) c)"},
        {"a <= b != c >= d", "(>= (!= (<= a b) c) d)"},
        {"a - b - c", "(- (- a b) c)"},
        {"a / b / c * d", "(* (/ (/ a b) c) d)"},
        {"- - a", "(- (- a))"},
        {"-!-a", "(- (! (- a)))"},
        {"0.0878 (1/mV) * x", "(* 0.0878[1/mV] x)"},
        {"0.0878(1/mV)*(v+55.1(mV))", "(* 0.0878[1/mV] {(+ v 55.1[mV])})"},
        {"(1e-3) * x", "(* {1e-3} x)"},
        {"2 (x+1)", "2[x+1]"},
        {"3 ( mV )", "3[mV]"},
        {"f(x, 2 (mV))", "f(x,2[mV])"},
        {"f()", "f()"},
        {"f(g(h(1)))", "f(g(h(1)))"},
        {".5 + 5. + 1e-3 + 1.5E+3 + 12", "(+ (+ (+ (+ .5 5.) 1e-3) 1.5E+3) 12)"},
        {"x[i+1] + y[2*(j-1)]", "(+ x[(+ i 1)] y[(* 2 {(- j 1)})])"},
        {"x[INT(v/2)]", "x[INT((/ v 2))]"},
        {"m' + m''", "(+ m' m'')"},
        {"n'[2]", "n'[2]"},
        {"a\n*\nb", "(* a b)"},
        {"f\n(1)", "f(1)"},
    };
    char buf[512], text[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(text, sizeof text, "NEURON { SUFFIX t }\nBREAKPOINT { x = %s }\n", cases[i].in);
        cl_ast *t = parse_ok(text);
        const cl_ast *a = must_find(t, NK_ASSIGN, NULL);
        ex(a->kid[1], buf, sizeof buf);
        if (strcmp(buf, cases[i].out)) print_error("%s\n  got      %s\n  expected %s\n", cases[i].in, buf, cases[i].out);
        assert_string_equal(buf, cases[i].out);
        cl_ast_free(t);
    }
    /* numbers: value, literal, integer flag */
    cl_ast *t = parse_ok("BREAKPOINT { x = 12 y = 1.5e-3 z = .25 }");
    const cl_ast *b = must_find(t, NK_BLOCK, NULL);
    assert_true(b->kid[0]->kid[1]->num == 12 && b->kid[0]->kid[1]->flag == 1);
    assert_true(b->kid[1]->kid[1]->num == 1.5e-3 && b->kid[1]->kid[1]->flag == 0);
    assert_string_equal(b->kid[2]->kid[1]->text, ".25");
    cl_ast_free(t);
    /* "1e" is the integer 1 and then the name e, as in nocmodl's lexer */
    t = parse_ok("PARAMETER { x = 1e }");
    const cl_ast *p = must_find(t, NK_PARAMETER, NULL);
    assert_int_equal(p->nkid, 2);
    assert_string_equal(p->kid[1]->name, "e");
    cl_ast_free(t);
    /* a WATCH condition parses at the additive level on each side */
    t = parse_ok("NET_RECEIVE(w) { WATCH (v + 2*(a-b) > -c^2) 2 }");
    assert_string_equal(ex(must_find(t, NK_WATCH_ITEM, NULL)->kid[0], buf, sizeof buf),
                        "(> (+ v (* 2 {(- a b)})) (- (^ c 2)))");
    cl_ast_free(t);
}

/* ------------------------------------------------------------------ statements and blocks */

static void test_statements(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_ok(
        "NEURON { POINT_PROCESS P }\n"
        "ASSIGNED { x[4] y }\n"
        "BREAKPOINT {\n"
        "  LOCAL i2, tmp[3]\n"
        "  FROM i = 0 TO 3 BY 2 { x[i] = i }\n"
        "  FROM j = 1 TO (N - 1) { }\n"
        "  WHILE (y < 10) { y = y + 1 }\n"
        "  IF (y > 1) { y = 1 } ELSE IF (y < 0) { y = 0 } ELSE { y = y }\n"
        "  { y = 2 }\n"
        "  PROTECT y = y + 1\n"
        "  MUTEXLOCK MUTEXUNLOCK\n"
        "  SOLVE s STEADYSTATE sparse\n"
        "  SOLVE d METHOD derivimplicit IFERROR { y = 0 }\n"
        "  CONDUCTANCE g USEION na\n"
        "  net_move(t + 1)\n"
        "  COMMENT\n  nothing\n  ENDCOMMENT\n"
        "}\n");
    const cl_ast *b = must_find(t, NK_BREAKPOINT, NULL)->kid[0];
    assert_int_equal(b->nkid, 13);
    const cl_ast *loc = b->kid[0];
    assert_int_equal(loc->kind, NK_LOCAL);
    assert_int_equal(loc->kid[1]->array_len, 3);
    const cl_ast *from = b->kid[1];
    assert_string_equal(from->name, "i");
    assert_int_equal(from->kid[2]->kind, NK_BY);
    assert_string_equal(ex(from->kid[2]->kid[0], buf, sizeof buf), "2");
    assert_null(b->kid[2]->kid[2]);
    assert_int_equal(b->kid[3]->kind, NK_WHILE);
    const cl_ast *iff = b->kid[4];
    assert_int_equal(iff->kid[2]->kind, NK_IF);
    assert_int_equal(iff->kid[2]->kid[2]->kind, NK_BLOCK);
    assert_int_equal(b->kid[5]->kind, NK_BLOCK);
    assert_int_equal(b->kid[6]->kind, NK_PROTECT);
    assert_int_equal(b->kid[6]->kid[0]->kind, NK_ASSIGN);
    assert_int_equal(b->kid[7]->kind, NK_MUTEXLOCK);
    assert_int_equal(b->kid[8]->kind, NK_MUTEXUNLOCK);
    assert_int_equal(b->kid[9]->flag, 1);
    assert_string_equal(b->kid[9]->text, "sparse");
    assert_int_equal(b->kid[10]->flag, 0);
    assert_int_equal(b->kid[10]->kid[0]->kind, NK_BLOCK);
    assert_string_equal(b->kid[11]->name, "g");
    assert_string_equal(b->kid[11]->text, "na");
    assert_int_equal(b->kid[12]->kind, NK_NET_MOVE);
    cl_ast_free(t);
}

static void test_kinetic_linear_nonlinear(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_ok(
        "STATE { a b c ca[4] }\n"
        "KINETIC k SOLVEFOR a, b {\n"
        "  ~ a + 2b <-> c (kf, kb)\n"
        "  ~ a -> (3)\n"
        "  ~ c << (flux)\n"
        "  ~ a - > (4)\n"
        "  ~ c < < (5)\n"
        "  ~ ca[0] <-> ca[1] (1, 2)\n"
        "  FROM i = 0 TO 2 { ~ ca[i] <-> ca[i+1] (1, 2) }\n"
        "  CONSERVE a + 2b + c = 1\n"
        "  COMPARTMENT vol { a b }\n"
        "  COMPARTMENT i, vol*i { ca }\n"
        "  LONGITUDINAL_DIFFUSION i, D { ca }\n"
        "}\n"
        "LINEAR l { ~ a + b = 1 ~+ a - b = 0 }\n"
        "NONLINEAR n SOLVEFOR a { ~ a*a = 2 }\n"
        "DERIVATIVE d { ~ a = 1 }\n");
    const cl_ast *k = must_find(t, NK_KINETIC, "k");
    assert_int_equal(k->nkid, 2);
    assert_string_equal(names(k->kid[1], buf, sizeof buf), "a,b");
    const cl_ast *b = k->kid[0];
    const cl_ast *r = b->kid[0];
    assert_int_equal(r->op, OP_REACT2);
    assert_true(r->kid[0]->kid[1]->num == 2);
    assert_string_equal(r->kid[0]->kid[1]->name, "b");
    assert_int_equal(b->kid[1]->op, OP_REACT1);
    assert_int_equal(b->kid[1]->nkid, 4);
    assert_null(b->kid[1]->kid[1]);
    assert_string_equal(ex(b->kid[1]->kid[2], buf, sizeof buf), "3");
    assert_null(b->kid[1]->kid[3]);
    assert_int_equal(b->kid[2]->op, OP_FLUX);
    assert_string_equal(ex(b->kid[2]->kid[2], buf, sizeof buf), "flux");
    assert_int_equal(b->kid[3]->op, OP_REACT1);
    assert_int_equal(b->kid[4]->op, OP_FLUX);
    const cl_ast *idx = b->kid[5]->kid[0]->kid[0];
    assert_string_equal(idx->name, "ca");
    assert_string_equal(ex(idx->kid[0], buf, sizeof buf), "0");
    assert_int_equal(b->kid[6]->kind, NK_FROM);
    assert_true(b->kid[7]->kid[0]->kid[1]->num == 2);
    const cl_ast *c1 = b->kid[8], *c2 = b->kid[9];
    assert_int_equal(c1->nkid, 3);
    assert_null(c1->kid[0]);
    assert_string_equal(names(c1->kid[2], buf, sizeof buf), "a,b");
    assert_string_equal(c2->kid[0]->name, "i");
    assert_string_equal(ex(c2->kid[1], buf, sizeof buf), "(* vol i)");
    assert_int_equal(b->kid[10]->kind, NK_LONGDIFUS);
    const cl_ast *lin = must_find(t, NK_LINEAR, "l")->kid[0];
    assert_int_equal(lin->nkid, 2);
    assert_int_equal(lin->kid[0]->flag, 0);
    assert_int_equal(lin->kid[1]->flag, 1);
    assert_string_equal(ex(lin->kid[1]->kid[0], buf, sizeof buf), "(- a b)");
    assert_int_equal(must_find(t, NK_NONLINEAR, "n")->nkid, 2);
    assert_int_equal(count(must_find(t, NK_DERIVATIVE, "d"), NK_LINEQ), 1);
    cl_ast_free(t);
}

static void test_net_receive_parts(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_ok(
        "NEURON { POINT_PROCESS W }\n"
        "NET_RECEIVE(w, tlast (ms)) {\n"
        "  INITIAL { tlast = -1e9 }\n"
        "  WATCH (v > thresh) 2, (v < -20 (mV)) 3\n"
        "  FOR_NETCONS(w1, t1) { t1 = t }\n"
        "  net_event(t)\n"
        "}\n");
    const cl_ast *nr = must_find(t, NK_NET_RECEIVE, NULL);
    assert_string_equal(nr->kid[0]->kid[1]->text, "ms");
    const cl_ast *b = nr->kid[1];
    assert_int_equal(b->kid[0]->kind, NK_INITIAL);
    const cl_ast *w = b->kid[1];
    assert_int_equal(w->kind, NK_WATCH);
    assert_int_equal(w->nkid, 2);
    assert_int_equal(w->kid[0]->kid[0]->op, OP_GT);
    assert_int_equal(w->kid[1]->kid[0]->op, OP_LT);
    assert_string_equal(ex(w->kid[1]->kid[0]->kid[1], buf, sizeof buf), "(- 20[mV])");
    assert_true(w->kid[1]->kid[1]->num == 3);
    const cl_ast *fn = b->kid[2];
    assert_int_equal(fn->kind, NK_FOR_NETCONS);
    assert_int_equal(fn->kid[0]->nkid, 2);
    assert_int_equal(fn->kid[1]->kind, NK_BLOCK);
    assert_int_equal(b->kid[3]->kind, NK_NET_EVENT);
    cl_ast_free(t);
}

static void test_declarations(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_ok(
        "NEURON {\n  SUFFIX d\n  USEION ca READ cai, cao WRITE ica VALENCE 2\n"
        "  USEION cl WRITE icl CHARGE -1\n  RANGE a, b\n  POINTER p\n  EXTERNAL e1, e2\n"
        "  SECTION s\n  THREADSAFE a, b\n  RANDOM r1, r2\n}\n"
        "UNITS {\n  (mA) = (milliamp)\n  FARADAY = (faraday) (coulomb)\n"
        "  R = (k-mole) (joule/degC)\n  F2 = 96485.309 (coul)\n  ft = (foot) -> (inch)\n}\n"
        "PARAMETER {\n  a = 1 (mV) < -4.1,-3>\n  b[3] (mV) <0, 1>\n  c\n  d = -1e-3\n}\n"
        "STATE {\n  s FROM 0 TO 1 START 0.5 (mM) <1e-5>\n  q[2] FROM -1 TO 1\n  u <1e-8>\n}\n"
        "ASSIGNED { x (mV) y[8] }\n"
        "CONSTANT { K = 3 (mM) L = -2 }\n"
        "INDEPENDENT { t FROM 0 TO 1 WITH 1 START 0 (ms) }\n");
    const cl_ast *ca = must_find(t, NK_USEION, "ca");
    assert_int_equal(ca->nkid, 3);
    assert_int_equal(ca->kid[2]->kind, NK_VALENCE);
    assert_true(ca->kid[2]->num == 2);
    const cl_ast *cl = must_find(t, NK_USEION, "cl");
    assert_int_equal(cl->kid[0]->kind, NK_WRITE);
    assert_true(cl->kid[1]->num == -1);
    assert_int_equal(must_find(t, NK_POINTER, NULL)->flag, 0);
    assert_string_equal(names(must_find(t, NK_EXTERNAL, NULL), buf, sizeof buf), "e1,e2");
    assert_string_equal(names(must_find(t, NK_SECTION, NULL), buf, sizeof buf), "s");
    assert_string_equal(names(must_find(t, NK_THREADSAFE, NULL), buf, sizeof buf), "a,b");
    assert_string_equal(names(must_find(t, NK_RANDOM, NULL), buf, sizeof buf), "r1,r2");
    const cl_ast *u = must_find(t, NK_UNITS, NULL);
    assert_int_equal(u->nkid, 5);
    assert_string_equal(u->kid[1]->text, "faraday");
    assert_string_equal(u->kid[1]->text2, "coulomb");
    assert_string_equal(u->kid[2]->text2, "joule/degC");
    assert_true(u->kid[3]->has_num && u->kid[3]->num == 96485.309);
    assert_null(u->kid[3]->text);
    assert_string_equal(u->kid[3]->text2, "coul");
    assert_int_equal(u->kid[4]->flag, 1);
    /* signed limits, as NEURON 9 takes them */
    const cl_ast *alim = must_find(t, NK_DECL, "a")->kid[0];
    assert_true(alim->kid[0]->num == -4.1 && alim->kid[1]->num == -3);
    const cl_ast *b = must_find(t, NK_DECL, "b");
    assert_int_equal(b->array_len, 3);
    assert_false(b->has_num);
    assert_int_equal(b->kid[0]->flag, 0);
    assert_true(must_find(t, NK_DECL, "d")->num == -1e-3);
    const cl_ast *s = must_find(t, NK_DECL, "s");
    assert_int_equal(s->nkid, 3);
    assert_int_equal(s->kid[0]->kind, NK_LIMITS);
    assert_int_equal(s->kid[0]->flag, 1);
    assert_int_equal(s->kid[1]->kind, NK_START);
    assert_true(s->kid[1]->num == 0.5);
    assert_int_equal(s->kid[2]->kind, NK_ABSTOL);
    assert_true(s->kid[2]->num == 1e-5);
    assert_string_equal(s->text, "mM");
    assert_true(must_find(t, NK_DECL, "q")->kid[0]->kid[0]->num == -1);
    assert_int_equal(must_find(t, NK_DECL, "u")->kid[0]->kind, NK_ABSTOL);
    assert_int_equal(must_find(t, NK_DECL, "y")->array_len, 8);
    assert_true(must_find(t, NK_DECL, "L")->num == -2);
    const cl_ast *tt = must_find(must_find(t, NK_INDEPENDENT, NULL), NK_DECL, "t");
    assert_int_equal(tt->nkid, 3);
    assert_int_equal(tt->kid[1]->kind, NK_WITH);
    assert_int_equal(tt->kid[2]->kind, NK_START);
    cl_ast_free(t);
}

static void test_other_blocks(void **state) {
    (void)state;
    char buf[256];
    cl_ast *t = parse_ok(
        "DEFINE NSTEP 4\n"
        "INCLUDE \"extra.inc\"\n"
        "LOCAL q, r[NSTEP]\n"
        "NEURON { POINT_PROCESS B }\n"
        "ASSIGNED { x[NSTEP] }\n"
        "BEFORE BREAKPOINT { q = 1 }\n"
        "AFTER SOLVE { q = 2 }\n"
        "BEFORE INITIAL { }\nAFTER STEP { }\n"
        "CONSTRUCTOR {\nVERBATIM\n  make();\nENDVERBATIM\n}\n"
        "DESTRUCTOR { }\n"
        "FUNCTION_TABLE tab(v (mV), c) (mV)\n"
        "PROCEDURE p() (ms) { FROM i = 0 TO NSTEP - 1 { x[i] = NSTEP (mV) } }\n"
        "UNITSOFF\n");
    assert_int_equal(t->nkid, 14);
    const cl_ast *d = t->kid[0];
    assert_int_equal(d->kind, NK_DEFINE);
    assert_string_equal(d->name, "NSTEP");
    assert_true(d->num == 4);
    assert_string_equal(t->kid[1]->text, "extra.inc");
    assert_int_equal(t->kid[2]->kind, NK_LOCAL);
    assert_int_equal(t->kid[2]->kid[1]->array_len, 4);
    assert_int_equal(must_find(t, NK_DECL, "x")->array_len, 4);
    assert_int_equal(must_find(t, NK_BEFORE, "BREAKPOINT")->kid[0]->kind, NK_BLOCK);
    assert_non_null(must_find(t, NK_AFTER, "SOLVE"));
    assert_non_null(must_find(t, NK_BEFORE, "INITIAL"));
    assert_non_null(must_find(t, NK_AFTER, "STEP"));
    assert_string_equal(must_find(t, NK_CONSTRUCTOR, NULL)->kid[0]->kid[0]->text, "  make();\n");
    const cl_ast *ft = must_find(t, NK_FUNCTION_TABLE, "tab");
    assert_string_equal(ft->text, "mV");
    assert_int_equal(ft->nkid, 1);
    assert_string_equal(ft->kid[0]->kid[0]->text, "mV");
    const cl_ast *p = must_find(t, NK_PROCEDURE, "p");
    assert_string_equal(p->text, "ms");
    const cl_ast *from = must_find(p, NK_FROM, "i");
    assert_string_equal(ex(from->kid[1], buf, sizeof buf), "(- 4 1)");
    assert_string_equal(from->kid[1]->kid[0]->name, "NSTEP");
    assert_string_equal(ex(must_find(from, NK_ASSIGN, NULL)->kid[1], buf, sizeof buf), "4[mV]");
    assert_int_equal(t->kid[13]->kind, NK_UNITSOFF);
    cl_ast_free(t);
}

/* ------------------------------------------------------------------ lexical details */

static void test_lexical_details(void **state) {
    (void)state;
    /* empty input */
    cl_ast *t = parse_ok("");
    assert_int_equal(t->nkid, 0);
    cl_ast_free(t);
    t = cl_nmodl_parse(NULL, 0, NULL, NULL, 0);
    assert_non_null(t);
    cl_ast_free(t);

    /* ENDCOMMENT is the first word of a line, letters only; the rest of
     * that line is dropped */
    t = parse_ok("COMMENT\nENDCOMMENTx\n  x ENDCOMMENT\nENDCOMMENT_ PARAMETER { }\n"
                 "STATE { s }\nVERBATIM\ncode\n\tENDVERBATIM ASSIGNED { }\nASSIGNED { a }\n");
    assert_int_equal(t->nkid, 3);
    assert_int_equal(t->kid[0]->kind, NK_STATE);
    assert_string_equal(t->kid[1]->text, "code\n");
    assert_int_equal(t->kid[2]->kind, NK_ASSIGNED);
    assert_int_equal(t->kid[2]->nkid, 1);
    cl_ast_free(t);

    /* as in nocmodl, TITLE at the end of its line takes the next line */
    t = parse_ok("TITLE\nthe title\nNEURON { SUFFIX x }\n");
    assert_string_equal(t->kid[0]->text, "the title");
    assert_int_equal(t->kid[1]->kind, NK_NEURON);
    cl_ast_free(t);

    /* CR LF and lone CR line breaks count lines; VERBATIM text gets \n */
    t = parse_ok("NEURON {\r\n SUFFIX a\r\n}\rVERBATIM\r\nint x;\r\nENDVERBATIM\r\n"
                 "ASSIGNED { y }\r\n");
    assert_string_equal(t->kid[1]->text, "int x;\n");
    assert_int_equal(t->kid[2]->line, 7);
    cl_ast_free(t);
    ERR("NEURON {\r\n SUFFIX a\r\n}\r\rFOO", "5:1", "unknown top-level keyword 'FOO'");

    /* ^Z and ^D end the input, as in nocmodl's reader */
    const char z[] = "NEURON { SUFFIX a }\x1a garbage { {";
    t = cl_nmodl_parse(z, sizeof z - 1, "t.mod", NULL, 0);
    assert_non_null(t);
    cl_ast_free(t);

    /* non-ASCII inside COMMENT is fine */
    t = parse_ok("COMMENT\n \xc2\xa9 BBP\nENDCOMMENT\nNEURON { SUFFIX a }\n");
    assert_int_equal(t->nkid, 1);
    cl_ast_free(t);

    /* keywords: IF/ELSE/WHILE in both cases; the rest upper case only */
    t = parse_ok("BREAKPOINT { if (a) { } ELSE if (b) { } else { } while (a) { } }");
    assert_int_equal(count(t, NK_IF), 2);
    cl_ast_free(t);

    /* a position for every node */
    t = parse_ok("NEURON {\n\tSUFFIX a\n}\nBREAKPOINT {\n  x = y + 1\n}\n");
    const cl_ast *a = must_find(t, NK_ASSIGN, NULL);
    assert_int_equal(a->line, 5);
    assert_int_equal(a->col, 3);
    assert_int_equal(a->kid[1]->kid[1]->col, 11);
    assert_int_equal(must_find(t, NK_SUFFIX, NULL)->col, 2);
    cl_ast_free(t);
}

/* ------------------------------------------------------------------ errors */

static void test_errors(void **state) {
    (void)state;
    ERR("NEURON { SUFFIX a }\nPARAMETER {\n  x = 1\nASSIGNED { y }\n", "4:1",
        "expected '}' to close the PARAMETER block opened at 2:1, found 'ASSIGNED'");
    ERR("NEURON { SUFFIX a }\nFOO { }\n", "2:1", "unknown top-level keyword 'FOO'");
    ERR("neuron { SUFFIX a }\n", "1:1", "keywords are upper case: NEURON");
    ERR("BREAKPOINT {\n  x = 1\n", "3:1",
        "expected '}' to close the BREAKPOINT block opened at 1:1, found the end of the file");
    ERR("BREAKPOINT {\n  if (x) {\n    x = 1\n}\nPROCEDURE p() { }\n", "5:1",
        "expected '}' to close the BREAKPOINT block opened at 1:1, found 'PROCEDURE'");
    ERR("BREAKPOINT { x = (1 + 2 }", "1:25", "expected ')', found '}' (to close the '(' at 1:18)");
    ERR("NEURON { SUFFIX a }\nCOMMENT\nno end\n", "2:1",
        "COMMENT block goes to the end of the file (no ENDCOMMENT line)");
    ERR("PROCEDURE p() {\nVERBATIM\nno end\n}\n", "2:1", "VERBATIM block goes to the end");
    ERR("BREAKPOINT { x = 1 (mV\n) }", "1:23", "no ')' to close the units opened at 1:20");
    ERR("BREAKPOINT { LOCAL a\n LOCAL b\n a = 1 }", "2:2", "LOCAL must come first in its block");
    ERR("PARAMETER { x = 1 <-1, x> }", "1:24", "expected a number, found 'x'");
    ERR("STATE { x <-1> }", "1:12", "expected an absolute tolerance, found '-' (NEURON 8.2 accepts no sign here)");
    ERR("ASSIGNED { x = 1 }", "1:14", "ASSIGNED variables take no value here");
    ERR("ASSIGNED { euler }", "1:12", "the integration method names are reserved");
    ERR("BREAKPOINT { SOLVE s METHOD foo }", "1:29", "expected an integration method, found 'foo'");
    ERR("BREAKPOINT { ~ a = 1 }", "1:14", "'~' equations can only appear in KINETIC");
    ERR("KINETIC k { ~ a + b << (1) }", "1:13", "flux equations (<<) involve only one state");
    ERR("KINETIC k { ~ a <-> b (1) }", "1:25",
        "expected ',' between the forward and backward rates, found ')'");
    ERR("KINETIC k { ~ a <- > b (1, 2) }", "1:17", "expected '<->', '<<' or '->'");
    ERR("KINETIC k { ~+ a <-> b (1, 2) }", "1:13", "'~+' (equation addition) can't occur");
    ERR("BREAKPOINT { TABLE x FROM 1 TO 2 WITH 3 }", "1:14",
        "TABLE is only allowed in a FUNCTION or PROCEDURE");
    ERR("FUNCTION f() { TABLE FROM 1 TO 2 WITH 3 TABLE FROM 1 TO 2 WITH 3 }", "1:41",
        "only one TABLE per FUNCTION or PROCEDURE");
    ERR("NEURON { POINT_PROCESS a }\nNET_RECEIVE() { }", "2:1",
        "NET_RECEIVE must have at least one argument");
    ERR("NEURON { SUFFIX a RANGE a b }", "1:27", "separate the names of a list with commas");
    ERR("NEURON { SUFFIX a USEION na VALENCE 1 }", "1:29", "expected READ or WRITE, found 'VALENCE'");
    ERR("NEURON { SUFFIX a REPRESENTS foo }", "1:30", "expected an ontology id");
    ERR("BREAKPOINT { x[1.5] = 1 }", "1:16",
        "expected an integer expression (names, integers, + - * /, parentheses, INT(x)), found "
        "the number 1.5");
    ERR("BREAKPOINT { x[-1] = 1 }", "1:16", "expected an integer expression");
    ERR("BREAKPOINT { if (x) x = 1 }", "1:21", "expected '{', found 'x' (NMODL needs braces");
    ERR("BREAKPOINT { else { } }", "1:14", "else without a matching if");
    ERR("BREAKPOINT { x = 1 }\n}\n", "2:1", "'}' closes no block");
    ERR("BREAKPOINT { x = \"s\" }", "1:18", "a string can only be a function argument");
    ERR("BREAKPOINT { x = 1 ; }", "1:20", "expected a statement, found ';'");
    ERR("BREAKPOINT { x = y z }", "1:22", "expected '=' after 'z' (or '(' for a call), found '}'");
    ERR("BREAKPOINT { x = 1 % 2 }", "1:20", "expected a statement, found '%'");
    ERR("BREAKPOINT { x = _y }", "1:18", "expected an expression, found '_'");
    ERR("BREAKPOINT { x = f(1 2) }", "1:22", "expected ',' or ')' in the arguments of 'f'");
    ERR("TERMINAL { }", "1:1", "'TERMINAL' (a SCoP construct) is not supported");
    ERR("BREAKPOINT { y = x@1 }", "1:19", "'@' (SCoP discrete indices) is not supported");
    ERR("PARAMETER { x = 1\nCOMMENT\nhi\nENDCOMMENT\n}", "2:1",
        "a COMMENT block cannot appear inside the PARAMETER block");
    ERR("DEFINE N 3\nDEFINE N 4\n", "2:8", "'N' (DEFINEd as 3) is already DEFINEd");
    ERR("DEFINE N 3.5\n", "1:10", "expected an integer, found the number 3.5");
    ERR("DEFINE N 3\nBREAKPOINT { N = 1 }", "2:14", "'N' (DEFINEd as 3) cannot be assigned");
    ERR("BREAKPOINT { printf(\"abc) }", "1:21", "unterminated string");
    ERR("NET_RECEIVE(w) { WATCH (v >= 1) 2 }", "1:27", "expected '>' or '<', found '>='");
    ERR("NET_RECEIVE(w) { WATCH (v > 1) -2 }", "1:32", "expected a flag number");
    ERR("NET_RECEIVE(w) { FOR_NETCONS(a, b) { } }", "1:18",
        "FOR_NETCONS and NET_RECEIVE do not have the same number of arguments");
    ERR("INITIAL { INITIAL { } }", "1:11", "INITIAL inside a block is only allowed in NET_RECEIVE");
    ERR("STATE { x }\nBREAKPOINT { CONSERVE x = 1 }", "2:14", "CONSERVE is only allowed in a KINETIC block");
    ERR("PARAMETER { x[0] }", "1:15", "array size must be between 1 and 2147483647");
    ERR("PARAMETER { x = 1 <0,1> (mV) }", "1:25", "expected a declaration or '}' to close the PARAMETER block");
    ERR("STATE { x' }", "1:9", "declaring a derivative (x') is not supported");
    ERR("BREAKPOINT { x'0 = 1 }", "1:14", "derivative's initial value");
    ERR("COMMENT:\nENDCOMMENT\n", "1:8", "expected a blank or a line break after COMMENT");
    ERR("UNITS { F = -96485.309 (coul) }", "1:13", "expected a number or '(' after '='");
    ERR("UNITS { F = 96485.309 }", "1:23", "expected '(' and the units of the value");
    ERR("BEFORE FOO { }", "1:8", "expected BREAKPOINT, SOLVE, INITIAL or STEP after BEFORE");
    ERR("INDEPENDENT { t (ms) }", "1:17", "expected FROM");
    ERR("BREAKPOINT { SOLVE STATE }", "1:20", "keywords cannot be used as names");
    ERR("NEURON { SUFFIX a }\n: caf\xc3\xa9\n", "2:6", "non-ASCII character");
    ERR("TITLE na\xc3\xafve\n", "1:9", "non-ASCII character");
    {
        const char nul[] = "NEURON { SUFFIX a\0 }";
        parse_err(nul, sizeof nul - 1, "1:18", "NUL byte in the input");
    }
    /* a tiny or missing error buffer is fine */
    char small[12];
    assert_null(cl_nmodl_parse("FOO", 3, "t.mod", small, sizeof small));
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_null(cl_nmodl_parse("FOO", 3, "t.mod", NULL, 0));
    /* a missing file */
    char err[256];
    assert_null(cl_nmodl_parse_file("/nonexistent/x.mod", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent/x.mod: cannot open"));
}

/* ------------------------------------------------------------------ limits */

static char *repeat(const char *head, const char *unit, int n, const char *mid, const char *unit2,
                    int n2, const char *tail) {
    size_t len = strlen(head) + strlen(unit) * (size_t)n + strlen(mid) +
                 strlen(unit2) * (size_t)n2 + strlen(tail) + 1;
    char *s = malloc(len);
    assert_non_null(s);
    char *w = s;
    w += sprintf(w, "%s", head);
    for (int i = 0; i < n; i++) w += sprintf(w, "%s", unit);
    w += sprintf(w, "%s", mid);
    for (int i = 0; i < n2; i++) w += sprintf(w, "%s", unit2);
    sprintf(w, "%s", tail);
    return s;
}

static void test_depth_limits(void **state) {
    (void)state;
    char err[512];
    /* 1500 nested parentheses parse; 2500 are refused with a message */
    char *s = repeat("BREAKPOINT { x = ", "(", 1500, "1", ")", 1500, " }");
    cl_ast *t = parse_ok(s);
    cl_ast_free(t);
    free(s);
    s = repeat("BREAKPOINT { x = ", "(", 2500, "1", ")", 2500, " }");
    assert_null(cl_nmodl_parse(s, strlen(s), "t.mod", err, sizeof err));
    assert_non_null(strstr(err, "nesting deeper than 2000 levels"));
    free(s);
    /* unary chains, exponent chains, blocks, else-if chains */
    const char *units[][3] = {
        {"BREAKPOINT { x = ", "-", "1 }"},
        {"BREAKPOINT { x = ", "!", "1 }"},
        {"BREAKPOINT { x = ", "2^", "1 }"},
        {"BREAKPOINT { x = ", "f(", "1"},
        {"BREAKPOINT { ", "{ ", ""},
        {"BREAKPOINT { ", "if (x) { ", ""},
        {"BREAKPOINT { if (x) { } ", "else if (x) { } ", "}"},
        {"BREAKPOINT { ", "FROM i = 0 TO 1 { ", ""},
        {"BREAKPOINT { x = ", "1 + ", "1 }"},
        {"BREAKPOINT { x = y[", "(", "1"},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        s = repeat(units[i][0], units[i][1], 100000, units[i][2], "", 0, "");
        err[0] = 0;
        t = cl_nmodl_parse(s, strlen(s), "t.mod", err, sizeof err);
        if (t || !strstr(err, "nesting deeper than 2000 levels")) print_error("%s: %s\n", units[i][1], err);
        assert_null(t);
        assert_non_null(strstr(err, "nesting deeper than 2000 levels"));
        free(s);
    }
    /* a long sum within the limit, and many statements (flat) */
    s = repeat("BREAKPOINT { x = 0", " + 1", 1500, " }", "", 0, "");
    t = parse_ok(s);
    cl_ast_free(t);
    free(s);
    s = repeat("BREAKPOINT {\n", "  x = x + 1 (mV) * exp(-v/2)\n", 50000, "}\n", "", 0, "");
    t = parse_ok(s);
    assert_int_equal(must_find(t, NK_BLOCK, NULL)->nkid, 50000);
    cl_ast_free(t);
    free(s);
}

static void test_dump(void **state) {
    (void)state;
    cl_ast *t = parse_ok("NEURON { SUFFIX a }\nBREAKPOINT { x = -2 (mV)\n"
                         "  FROM i = 0 TO 1 { printf(\"%g\\n\", x) } }\n");
    FILE *f = tmpfile();
    assert_non_null(f);
    cl_ast_dump(t, f);
    cl_ast_free(t);
    char buf[2048];
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    assert_string_equal(buf, "PROGRAM @1:1\n"
                             "  NEURON @1:1\n"
                             "    SUFFIX name=a @1:10\n"
                             "  BREAKPOINT @2:1\n"
                             "    BLOCK @2:12\n"
                             "      ASSIGN @2:14\n"
                             "        NAME name=x @2:14\n"
                             "        UNARY op=- @2:18\n"
                             "          NUM text=\"2\" text2=\"mV\" num=2 flag=1 @2:19\n"
                             "      FROM name=i @3:3\n"
                             "        NUM text=\"0\" num=0 flag=1 @3:12\n"
                             "        NUM text=\"1\" num=1 flag=1 @3:17\n"
                             "        (null)\n"
                             "        BLOCK @3:19\n"
                             "          PRINTF name=printf @3:21\n"
                             "            STRING text=\"%g\\\\n\" @3:28\n"
                             "            NAME name=x @3:36\n");
    assert_string_equal(cl_ast_kind_name(NK_MUTEXUNLOCK), "MUTEXUNLOCK");
    assert_string_equal(cl_ast_kind_name(NK_COUNT), "?");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shared_mod_file),
        cmocka_unit_test(test_tc_hh),
        cmocka_unit_test(test_stochkv3_table_and_units),
        cmocka_unit_test(test_nav_kinetic),
        cmocka_unit_test(test_bbp_synapse_net_receive),
        cmocka_unit_test(test_function_units),
        cmocka_unit_test(test_squid),
        cmocka_unit_test(test_passive_and_stim),
        cmocka_unit_test(test_synapses),
        cmocka_unit_test(test_artificial_cells),
        cmocka_unit_test(test_clamps_and_counters),
        cmocka_unit_test(test_expressions),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_kinetic_linear_nonlinear),
        cmocka_unit_test(test_net_receive_parts),
        cmocka_unit_test(test_declarations),
        cmocka_unit_test(test_other_blocks),
        cmocka_unit_test(test_lexical_details),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_depth_limits),
        cmocka_unit_test(test_dump),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
