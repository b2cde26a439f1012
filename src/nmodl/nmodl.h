/* Internals of the NMODL compiler shared by its files. */
#ifndef CELLULAB_NMODL_INTERNAL_H
#define CELLULAB_NMODL_INTERNAL_H

#include <stddef.h>

#include "cellulab.h"
#include "nmodl/ast.h"

/* Bump when the generated C changes for the same MOD file: libraries made by
 * an older generator are then rebuilt (build.c hashes it). */
#define CL_NMODL_GENERATOR_REVISION "2026-11-27.7-vector-cur-min8"

/* A growable string. */
typedef struct cl_sb {
    char *s;
    size_t n, cap;
    int oom;
} cl_sb;

void cl_sb_add(cl_sb *b, const char *text);
void cl_sb_addf(cl_sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void cl_sb_free(cl_sb *b);

/* Translate mod_path into C at c_path; *mechname (malloc'd) receives the
 * mechanism's name for the library's registration list. */
cl_status cl_nmodl_translate_named(const char *mod_path, const char *c_path, char **mechname,
                                   cl_error *err);

/* As cl_nmodl_translate_named, but a PARAMETER that defaults_path (NULL:
 * none) also declares with a value takes that file's value: a maintained
 * file standing in for an original keeps the original's defaults (e.g. the
 * slope_mg and scale_mg of an older ProbAMPANMDA_EMS). */
cl_status cl_nmodl_translate_defaults(const char *mod_path, const char *defaults_path, const char *c_path,
                                      char **mechname, cl_error *err);

/* Translate NMODL text into C text (out, malloc'd). name names the file in
 * messages. */
cl_status cl_nmodl_to_c(const char *text, size_t len, const char *name, char **out, char **mechname,
                        cl_error *err);

/* What kinetic.c needs of the emitter (emit.c fills it; g is its state). */
typedef struct cl_kin_hooks {
    void *g;
    cl_sb *out;                                                    /* the generated C */
    void (*expr)(void *g, cl_sb *b, const cl_ast *n);              /* an expression, token for token */
    void (*name)(void *g, cl_sb *b, const char *name);             /* the C text of a variable */
    int (*stmt)(void *g, const cl_ast *s, int depth);              /* a statement into out; 0 on failure */
    int (*is_state)(void *g, const char *name);                    /* a scalar STATE */
    int (*locals_mark)(void *g);
    void (*locals_reset)(void *g, int mark);
    void (*fail)(void *g, const cl_ast *n, const char *msg);
} cl_kin_hooks;

/* KINETIC block kb (§6): emits static _kb_<name> (the block), static int
 * _k_<name>(_b, _i, _c, dt, linflag) (sparse: 0, 1 singular, 2 too many
 * iterations), static const int _linmat_<name>, and static int
 * _kss_<name>(_b, _i, _c) (STEADYSTATE sparse). 0, or -1 after h->fail. */
int cl_kin_emit_kinetic(const cl_kin_hooks *h, const cl_ast *root, const cl_ast *kb);

/* LINEAR block lb (§6.7): emits static int _lin_<name>(_b, _i, _c)
 * (0, or 1 singular). 0, or -1 after h->fail. */
int cl_kin_emit_linear(const cl_kin_hooks *h, const cl_ast *lb);

#endif
