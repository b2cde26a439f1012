/* The NeuroML2 biophysics reader behind cl_model_load_neuroml, split from
 * the cell building so that it can be fuzzed from memory. It reads what
 * bmtk's NMLTree reads (bmtk/simulator/bionet/nml_reader.py): every
 * resistivity, specificCapacitance, channelDensity, channelDensityNernst
 * and concentrationModel element of the document, grouped per section type
 * by its segmentGroup, keyed by its id (the element name when it has none),
 * in document order; a later element with a key already present replaces
 * the earlier one in its place (a Python dict). species elements are
 * checked but not applied (bmtk ignores them). Quantities are converted to
 * NEURON's units. */
#ifndef CELLULAB_MODEL_NEUROML_H
#define CELLULAB_MODEL_NEUROML_H

#include <stddef.h>

typedef enum {
    CL_NML_RESISTIVITY,  /* Ra, Ω·cm */
    CL_NML_CAPACITANCE,  /* cm, µF/cm² */
    CL_NML_CHANNEL,      /* channelDensity */
    CL_NML_NERNST,       /* channelDensityNernst */
    CL_NML_CONCENTRATION /* concentrationModel */
} cl_nml_kind;

typedef struct cl_nml_prop {
    cl_nml_kind kind;
    const char *element; /* the element's name */
    int line;
    char *key;        /* id, or the element name */
    char *ion;        /* channels, concentration models (may be NULL) */
    char *channel;    /* ionChannel of a channel */
    char *type;       /* type of a concentration model */
    double value;     /* Ra, cm or condDensity (S/cm²) */
    int has_erev;
    double erev;      /* mV */
    double gamma;     /* concentration model: gamma (1) and decay (ms) */
    double decay;
} cl_nml_prop;

/* Section types as bmtk names them (the first four letters of the name). */
enum { CL_NML_SOMA, CL_NML_AXON, CL_NML_DEND, CL_NML_APIC, CL_NML_NTYPES };
extern const char *const cl_nml_type_names[CL_NML_NTYPES];

typedef struct cl_nml {
    cl_nml_prop *props;
    size_t nprops, cap;
    /* per section type: indices into props, in application order */
    size_t *order[CL_NML_NTYPES];
    size_t norder[CL_NML_NTYPES];
} cl_nml;

/* Parse a NeuroML2 document held in memory (name is used in messages).
 * 0 on success; -1 with a message "name:line: <element> ..." in err and
 * nothing to free. Never reads the network or external entities. */
int cl_nml_parse_memory(const char *buf, size_t len, const char *name, cl_nml *out, char *err,
                        size_t errlen);

/* The same for a file. */
int cl_nml_parse_file(const char *path, cl_nml *out, char *err, size_t errlen);

void cl_nml_free(cl_nml *m);

/* Parse a NeuroML2 quantity "NUMBER UNIT" for a dimension ("conductanceDensity",
 * "specificCapacitance", "resistivity", "voltage", "time", "concentration",
 * "length", "none") into NEURON's units. 0 on success; -1 with the reason in
 * err. */
int cl_nml_quantity(const char *text, const char *dimension, double *out, char *err, size_t errlen);

#endif
