/* A hoc interpreter for Blue Brain e-model templates (see docs/hoc.md).
 * No global state: every hoc_interp is independent, several may run at
 * once (one thread each). Errors carry "file:line:col: problem" and the
 * hoc call chain. */
#ifndef CL_HOC_HOC_H
#define CL_HOC_HOC_H

#include <stddef.h>

typedef struct hoc_interp hoc_interp;

/* Where printed output goes (print, printf); NULL writes to stdout. */
typedef void (*hoc_output_fn)(void *ctx, const char *text, size_t len);

typedef struct hoc_limits {
    int max_call_depth;      /* proc/func nesting; 0: 500 */
    long long max_loop_iters;/* iterations of all loops together per run; 0: unlimited */
    double max_elements;     /* largest array / Vector; 0: 1e8 */
} hoc_limits;

/* A new interpreter (NULL when out of memory). */
hoc_interp *hoc_new(const hoc_limits *limits);
void hoc_free(hoc_interp *h);
void hoc_set_output(hoc_interp *h, hoc_output_fn fn, void *ctx);

struct cl_sim;
/* Sections (create, insert, range variables...) are made in this
 * simulation, which must outlive the interpreter. Without one, section
 * statements are errors. */
void hoc_bind_sim(hoc_interp *h, struct cl_sim *sim);

/* Import3d (morphology loading) orients contour somas as NEURON 8.2 when
 * neuron82 is nonzero, else as NEURON 9 (cellulab's default). */
void hoc_set_soma_neuron82(hoc_interp *h, int neuron82);

/* Import3d's significant digits of 3-D points (cl_morph_options.pt3d_digits). */
void hoc_set_pt3d_digits(hoc_interp *h, int digits);

/* Runs hoc source text; `file` names it in errors and anchors relative
 * load_file paths (its folder). 0 on success, -1 with hoc_error set. */
int hoc_run_string(hoc_interp *h, const char *src, const char *file);
/* Reads and runs a file. 0 on success, -1 with hoc_error set. */
int hoc_run_file(hoc_interp *h, const char *path);
/* The last error message ("" when none). */
const char *hoc_error(const hoc_interp *h);

/* Value of a top-level number variable (0 when found, -1 otherwise). */
int hoc_get_number(hoc_interp *h, const char *name, double *out);
/* Sets an existing top-level number variable (0, or -1 if there is none). */
int hoc_set_number(hoc_interp *h, const char *name, double v);

#endif
