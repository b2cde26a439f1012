/* cellulab cell info: what a cell is made of — sections, segments, membrane
 * area, section lists and mechanisms — as text or one JSON object. Also the
 * builder that makes a cell from files for the toolbox's trials. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cellulab.h"
#include "cellulab_model.h"
#include "cli/cli.h"

int cli_is_template(const char *model) {
    size_t n = model ? strlen(model) : 0;
    return n > 4 && strcmp(model + n - 4, ".hoc") == 0;
}

cl_status cli_load_cell(cl_sim *sim, const char *morph, const char *model, const cl_model_options *load,
                        const cl_template_options *tmpl, cl_cell *out, cl_template_info *info) {
    if (!cli_is_template(model)) return cl_cell_load_model(sim, morph, model, load, out);
    cl_template_options t = {0};
    if (tmpl) t = *tmpl;
    t.morph = load->morph;
    t.morph.axon = NULL; /* the template replaces its axon itself */
    return cl_cell_load_template(sim, model, morph, &t, out, info);
}

cl_status cli_build_from_files(cl_sim *sim, const void *ctx, cl_cell *out) {
    const cli_cell_files *f = ctx;
    return cli_load_cell(sim, f->morph, f->model, &f->load, f->tmpl, out, NULL);
}

typedef struct mech_count {
    const char *name;
    size_t nsec;
} mech_count;

/* Count the sections each mechanism is in, in order of first appearance. */
static int count_mech(mech_count **list, size_t *n, const char *name) {
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*list)[i].name, name) == 0) {
            (*list)[i].nsec++;
            return 0;
        }
    mech_count *m = realloc(*list, (*n + 1) * sizeof *m);
    if (!m) return -1;
    *list = m;
    m[*n] = (mech_count){name, 1};
    (*n)++;
    return 0;
}

static int fail(cl_sim *sim, const char *what) {
    fprintf(stderr, "cellulab cell info: %s%s%s\n", what, sim ? ": " : "", sim ? cl_sim_errmsg(sim) : "");
    return 1;
}

int cli_cell_info(const cli_cell_opts *o) {
    cl_sim *sim;
    if (cl_sim_new(&sim) != CL_OK) return fail(NULL, "out of memory");
    int rc = 1;
    cl_cell cell;
    json_t *root = NULL, *secs = NULL;
    mech_count *mechs = NULL;
    size_t nmechs = 0;
    if (o->mechanisms && cl_sim_load_mechanisms(sim, o->mechanisms) != CL_OK) {
        fail(sim, o->mechanisms);
        goto done;
    }
    cl_template_info tinfo = {NAN, NAN};
    cl_status st = strcmp(o->model, "ballstick") == 0
                       ? cl_cell_ballstick(sim, &cell)
                       : cli_load_cell(sim, o->model, o->model_file, &o->load, &o->tmpl, &cell, &tinfo);
    if (st != CL_OK) {
        fail(sim, o->model_file ? o->model_file : o->model);
        goto done;
    }
    size_t nsec = 0, nseg_total = 0;
    double area_total = 0;
    cl_cell_section_count(sim, cell, &nsec);
    root = json_object();
    secs = json_array();
    if (!root || !secs) goto oom;
    if (o->sections && !o->json) printf("%-16s %-16s %8s %12s %5s %14s  %s\n", "section", "parent", "parent_x", "L (um)",
                                       "nseg", "area (um2)", "mechanisms");
    for (size_t i = 0; i < nsec; i++) {
        cl_section sec, par;
        const char *name, *pname = NULL;
        double L, px = 0, area = 0;
        int nseg;
        cl_cell_section_at(sim, cell, i, &sec);
        cl_section_name(sim, sec, &name);
        cl_section_get_L(sim, sec, &L);
        cl_section_get_nseg(sim, sec, &nseg);
        if (cl_section_parent(sim, sec, &par, &px) == CL_OK) cl_section_name(sim, par, &pname);
        for (int j = 0; j < nseg; j++) {
            double a;
            if ((st = cl_section_area(sim, sec, (j + 0.5) / nseg, &a)) != CL_OK) {
                fail(sim, name);
                goto done;
            }
            area += a;
        }
        nseg_total += (size_t)nseg;
        area_total += area;
        size_t nm = 0;
        cl_section_mechanisms(sim, sec, NULL, 0, &nm);
        const char **mn = calloc(nm ? nm : 1, sizeof *mn);
        json_t *jm = json_array();
        if (!mn || !jm) {
            free(mn);
            json_decref(jm);
            goto oom;
        }
        cl_section_mechanisms(sim, sec, mn, nm, &nm);
        for (size_t k = 0; k < nm; k++) {
            if (count_mech(&mechs, &nmechs, mn[k]) != 0) {
                free(mn);
                json_decref(jm);
                goto oom;
            }
            json_array_append_new(jm, json_string(mn[k]));
        }
        json_t *js = json_pack("{s:s, s:s?, s:f, s:f, s:i, s:f, s:o}", "name", name, "parent", pname, "parent_x", px,
                               "L", L, "nseg", nseg, "area_um2", area, "mechanisms", jm);
        if (!js || json_array_append_new(secs, js) != 0) {
            free(mn);
            goto oom;
        }
        if (o->sections && !o->json) {
            printf("%-16s %-16s %8.3g %12.6g %5d %14.6g ", name, pname ? pname : "-", px, L, nseg, area);
            for (size_t k = 0; k < nm; k++) printf(" %s", mn[k]);
            printf("\n");
        }
        free(mn);
    }
    static const char *lists[] = {"somatic", "axonal", "basal", "apical"};
    size_t nlist[4];
    for (int k = 0; k < 4; k++) cl_cell_section_list(sim, cell, lists[k], NULL, 0, &nlist[k]);
    if (o->json) {
        json_t *jl = json_object(), *jmech = json_object();
        if (!jl || !jmech) {
            json_decref(jl);
            json_decref(jmech);
            goto oom;
        }
        for (int k = 0; k < 4; k++) json_object_set_new(jl, lists[k], json_integer((json_int_t)nlist[k]));
        for (size_t k = 0; k < nmechs; k++) json_object_set_new(jmech, mechs[k].name, json_integer((json_int_t)mechs[k].nsec));
        json_object_set_new(root, "morphology", json_string(o->model));
        json_object_set_new(root, "model", o->model_file ? json_string(o->model_file) : json_null());
        json_object_set_new(root, "n_sections", json_integer((json_int_t)nsec));
        json_object_set_new(root, "n_segments", json_integer((json_int_t)nseg_total));
        json_object_set_new(root, "area_um2", json_real(area_total));
        json_object_set_new(root, "section_lists", jl);
        json_object_set_new(root, "mechanisms", jmech);
        if (cli_is_template(o->model_file)) {
            /* the template's getThreshold() / getHypAmp(), null without */
            json_object_set_new(root, "template_threshold_nA",
                                isnan(tinfo.threshold_nA) ? json_null() : json_real(tinfo.threshold_nA));
            json_object_set_new(root, "template_hypamp_nA",
                                isnan(tinfo.hypamp_nA) ? json_null() : json_real(tinfo.hypamp_nA));
        }
        json_object_set(root, "sections", secs);
        /* 17 significant digits: the numbers read back exactly */
        if (json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0) goto oom;
        printf("\n");
    } else {
        printf("cell        %s%s%s\n", o->model, o->model_file ? " + " : "", o->model_file ? o->model_file : "");
        printf("sections    %zu (somatic %zu, axonal %zu, basal %zu, apical %zu)\n", nsec, nlist[0], nlist[1], nlist[2],
               nlist[3]);
        printf("segments    %zu\n", nseg_total);
        printf("area        %.6g um2\n", area_total);
        if (cli_is_template(o->model_file)) {
            if (!isnan(tinfo.threshold_nA)) printf("threshold   %.6g nA (the template's getThreshold())\n", tinfo.threshold_nA);
            if (!isnan(tinfo.hypamp_nA)) printf("hypamp      %.6g nA (the template's getHypAmp())\n", tinfo.hypamp_nA);
        }
        printf("mechanisms ");
        if (!nmechs) printf(" none");
        for (size_t k = 0; k < nmechs; k++)
            printf(" %s (%zu section%s)%s", mechs[k].name, mechs[k].nsec, mechs[k].nsec == 1 ? "" : "s",
                   k + 1 < nmechs ? "," : "");
        printf("\n");
    }
    rc = 0;
    goto done;
oom:
    fail(NULL, "out of memory");
done:
    free(mechs);
    json_decref(secs);
    json_decref(root);
    cl_sim_free(sim);
    return rc;
}
