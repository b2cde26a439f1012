/* cl_model_load_neuroml: a cell from a morphology and a NeuroML2 .cell.nml
 * file, built as bmtk's NMLLoad (bmtk/simulator/bionet/default_setters/
 * cell_models.py) builds it in NEURON:
 *   1. Biophys1(swc): the morphology through Import3d;
 *   2. fix_axon_peri: always the Allen perisomatic stub (our axon rule
 *      "aibs_perisomatic"; opt->morph.axon overrides it);
 *   3. for each section of `all` in order, the properties of its type (the
 *      name's first four letters) in the NMLTree's order: resistivity -> Ra,
 *      specificCapacitance -> cm, channelDensity of pas -> insert pas, g_pas,
 *      e_pas; other channelDensity / channelDensityNernst -> insert the
 *      ionChannel, set the variable named by the id to condDensity, then ena
 *      (ion na) or ek (ion k) to erev; concentrationModel -> insert the
 *      mechanism named by its id, set gamma_<type> and decay_<type>;
 *   4. BioCell.set_segment_dl: nseg = 1 + 2*int(L/(2*dL)), dL = 20 µm. */
#include <stdio.h>
#include <string.h>

#include "cellulab.h"
#include "cellulab_model.h"
#include "model/model.h"
#include "model/neuroml.h"
#include "sim/sim.h"

static cl_status prop_fail(cl_sim *s, const char *model, const cl_nml_prop *p, const char *sec_name,
                           cl_status st, const char *what) {
    /* keep the engine's own message: it names the mechanism or variable */
    char inner[512];
    snprintf(inner, sizeof inner, "%s", cl_sim_errmsg(s));
    return cl_fail(s, st, "cl_cell_load_model: %s:%d: <%s id=\"%s\">: %s in %s: %s", model, p->line, p->element,
                   p->key, what, sec_name, inner);
}

static cl_status apply(cl_sim *s, const char *model, const cl_nml_prop *p, cl_section sec, const char *nm) {
    cl_status st;
    char var[256];
    switch (p->kind) {
    case CL_NML_RESISTIVITY:
        if ((st = cl_section_set_Ra(s, sec, p->value)) != CL_OK) return prop_fail(s, model, p, nm, st, "setting Ra");
        return CL_OK;
    case CL_NML_CAPACITANCE:
        if ((st = cl_section_set_cm(s, sec, p->value)) != CL_OK) return prop_fail(s, model, p, nm, st, "setting cm");
        return CL_OK;
    case CL_NML_CHANNEL:
    case CL_NML_NERNST:
        if (p->kind == CL_NML_CHANNEL && strcmp(p->channel, "pas") == 0) {
            if ((st = cl_section_insert(s, sec, "pas")) != CL_OK)
                return prop_fail(s, model, p, nm, st, "inserting pas");
            if ((st = cl_section_set(s, sec, "g_pas", p->value)) != CL_OK)
                return prop_fail(s, model, p, nm, st, "setting g_pas");
            if ((st = cl_section_set(s, sec, "e_pas", p->erev)) != CL_OK)
                return prop_fail(s, model, p, nm, st, "setting e_pas");
            return CL_OK;
        }
        if ((st = cl_section_insert(s, sec, p->channel)) != CL_OK) {
            char what[300];
            snprintf(what, sizeof what, "ionChannel \"%s\" is not a loaded mechanism (build its MOD file with "
                     "cellulab build-mechanisms and load it with cl_sim_load_mechanisms)", p->channel);
            return prop_fail(s, model, p, nm, st, what);
        }
        /* bmtk sets the range variable the id names (gbar_NaTs ...) */
        if ((st = cl_section_set(s, sec, p->key, p->value)) != CL_OK) {
            char what[300];
            snprintf(what, sizeof what, "setting the variable named by the id (\"%s\", as bmtk does)", p->key);
            return prop_fail(s, model, p, nm, st, what);
        }
        if (p->has_erev && p->ion && strcmp(p->ion, "na") == 0) {
            if ((st = cl_section_set(s, sec, "ena", p->erev)) != CL_OK)
                return prop_fail(s, model, p, nm, st, "setting ena");
        } else if (p->has_erev && p->ion && strcmp(p->ion, "k") == 0) {
            if ((st = cl_section_set(s, sec, "ek", p->erev)) != CL_OK)
                return prop_fail(s, model, p, nm, st, "setting ek");
        }
        return CL_OK;
    case CL_NML_CONCENTRATION:
        if ((st = cl_section_insert(s, sec, p->key)) != CL_OK) {
            char what[300];
            snprintf(what, sizeof what, "concentration model \"%s\" is not a loaded mechanism (build its MOD file with "
                     "cellulab build-mechanisms and load it with cl_sim_load_mechanisms)", p->key);
            return prop_fail(s, model, p, nm, st, what);
        }
        snprintf(var, sizeof var, "gamma_%s", p->type);
        if ((st = cl_section_set(s, sec, var, p->gamma)) != CL_OK) return prop_fail(s, model, p, nm, st, "setting gamma");
        snprintf(var, sizeof var, "decay_%s", p->type);
        if ((st = cl_section_set(s, sec, var, p->decay)) != CL_OK) return prop_fail(s, model, p, nm, st, "setting decay");
        return CL_OK;
    }
    return CL_OK;
}

cl_status cl_model_load_neuroml(cl_sim *sim, const char *morph, const char *model, const cl_model_options *opt,
                                cl_cell *out) {
    cl_nml m;
    char err[768];
    if (cl_nml_parse_file(model, &m, err, sizeof err) != 0)
        return cl_fail(sim, CL_EFORMAT, "cl_cell_load_model: %s", err);
    cl_morph_options mo = opt->morph;
    if (!mo.axon) mo.axon = "aibs_perisomatic";
    cl_cell cell;
    cl_status st = cl_cell_load_morphology_opt(sim, morph, &mo, &cell);
    if (st != CL_OK) goto done;
    size_t n = 0;
    cl_cell_section_count(sim, cell, &n);
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        cl_section sec;
        const char *nm;
        cl_cell_section_at(sim, cell, i, &sec);
        cl_section_name(sim, sec, &nm);
        int t = 0;
        while (t < CL_NML_NTYPES && strncmp(nm, cl_nml_type_names[t], 4) != 0) t++;
        if (t == CL_NML_NTYPES) {
            st = cl_fail(sim, CL_EINVAL,
                         "cl_cell_load_model: %s: section %s of %s is not soma, axon, dend or apic: NeuroML "
                         "segment groups cannot be mapped to it",
                         model, nm, morph);
            break;
        }
        for (size_t k = 0; k < m.norder[t] && st == CL_OK; k++) st = apply(sim, model, &m.props[m.order[t][k]], sec, nm);
    }
    /* the discretisation comes after the biophysics, as in bmtk */
    cl_nseg_rule rule = opt->nseg_set ? opt->nseg_rule : CL_NSEG_MAXLEN;
    double value = opt->nseg_set ? opt->nseg_value : 20.;
    for (size_t i = 0; i < n && st == CL_OK; i++) {
        cl_section sec;
        double Ra;
        int nseg;
        cl_cell_section_at(sim, cell, i, &sec);
        cl_section_get_Ra(sim, sec, &Ra);
        if ((st = cl_section_nseg_by_rule(sim, sec, rule, value, opt->nseg_freq_hz, Ra, &nseg)) != CL_OK) break;
        st = cl_section_set_nseg(sim, sec, nseg);
    }
    if (st == CL_OK) {
        *out = cell;
        st = cl_ok(sim);
    }
done:
    cl_nml_free(&m);
    return st;
}
