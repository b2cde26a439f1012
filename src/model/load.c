/* cl_cell_load_model: pick the loader by the model file's content. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cellulab.h"
#include "cellulab_hoc.h"
#include "cellulab_model.h"
#include "model/model.h"
#include "sim/sim.h"

typedef enum { FMT_NEUROML, FMT_ALLEN, FMT_BLUEPYOPT } model_format;

/* '<' first: XML (NeuroML2); '{': JSON, Allen when it has "genome",
 * BluePyOpt when it has "mechanisms" and "parameters". */
static cl_status sniff(cl_sim *s, const char *model, model_format *fmt) {
    FILE *f = fopen(model, "rb");
    if (!f) return cl_fail(s, CL_EIO, "cl_cell_load_model: %s: cannot open: %s", model, strerror(errno));
    int c;
    do c = fgetc(f);
    while (c != EOF && isspace(c));
    /* a UTF-8 byte order mark before XML */
    if (c == 0xEF) {
        fgetc(f), fgetc(f);
        c = fgetc(f);
    }
    fclose(f);
    if (c == '<') {
        *fmt = FMT_NEUROML;
        return CL_OK;
    }
    if (c != '{')
        return cl_fail(s, CL_EFORMAT,
                       "cl_cell_load_model: %s: not a model description (expected a NeuroML2 document or a JSON "
                       "object)",
                       model);
    json_error_t e;
    json_t *root = json_load_file(model, 0, &e);
    if (!root)
        return cl_fail(s, CL_EFORMAT, "cl_cell_load_model: %s:%d:%d: %s", model, e.line, e.column, e.text);
    cl_status st = CL_OK;
    if (json_object_get(root, "genome")) *fmt = FMT_ALLEN;
    else if (json_object_get(root, "mechanisms") && json_object_get(root, "parameters")) *fmt = FMT_BLUEPYOPT;
    else
        st = cl_fail(s, CL_EFORMAT,
                     "cl_cell_load_model: %s: JSON object is neither an Allen fit (no \"genome\") nor a BluePyOpt "
                     "model (no \"mechanisms\" and \"parameters\")",
                     model);
    json_decref(root);
    return st;
}

cl_status cl_cell_load_model(cl_sim *s, const char *morph, const char *model, const cl_model_options *opt,
                             cl_cell *out) {
    if (!s) return CL_EINVAL;
    if (!morph || !out) return cl_fail(s, CL_EINVAL, "cl_cell_load_model: morph and out must not be NULL");
    cl_model_options o = {0};
    if (opt) o = *opt;
    if (!model) {
        cl_cell c;
        cl_status st = cl_cell_load_morphology_opt(s, morph, &o.morph, &c);
        if (st != CL_OK) return st;
        if (o.nseg_set && (st = cl_cell_discretize(s, c, o.nseg_rule, o.nseg_value, o.nseg_freq_hz, 35.4)) != CL_OK)
            return cl_model_discard_cells(s, s->eng.ncell - 1, st);
        *out = c;
        return cl_ok(s);
    }
    size_t ml = strlen(model);
    if (ml > 4 && strcmp(model + ml - 4, ".hoc") == 0) {
        /* a Blue Brain e-model template: its own loader, format detected */
        cl_template_options t = {.morph = o.morph};
        t.morph.axon = NULL;
        return cl_cell_load_template(s, model, morph, &t, out, NULL);
    }
    model_format fmt = FMT_NEUROML;
    cl_status st = sniff(s, model, &fmt);
    if (st != CL_OK) return st;
    int ncell = s->eng.ncell;
    switch (fmt) {
    case FMT_NEUROML: st = cl_model_load_neuroml(s, morph, model, &o, out); break;
    case FMT_ALLEN: st = cl_model_load_allen_json(s, morph, model, &o, out); break;
    case FMT_BLUEPYOPT: st = cl_model_load_bluepyopt(s, morph, model, &o, out); break;
    }
    return st == CL_OK ? st : cl_model_discard_cells(s, ncell, st);
}

cl_status cl_model_discard_cells(cl_sim *s, int first, cl_status st) {
    char msg[sizeof s->err];
    snprintf(msg, sizeof msg, "%s", s->err);
    for (int c = first; c < s->eng.ncell; c++)
        if (!s->eng.cell[c].dead) {
            cl_cell h = {cl_handle_make(s, CL_TAG_CELL, c)};
            cl_cell_delete(s, h);
        }
    return cl_fail(s, st, "%s", msg);
}
