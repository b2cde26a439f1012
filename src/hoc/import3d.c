/* Import3d_Neurolucida3 / Import3d_SWC_read / Import3d_GUI mapped onto
 * cellulab's morphology import: instantiate(obj) loads the file into a new
 * cell for obj, fills obj's soma/dend/apic/axon section arrays and appends
 * to its all/somatic/basal/apical/axonal SectionLists when it has them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellulab_morph.h"
#include "hoc/interp.h"

typedef struct reader { char *path; double quiet; } reader;

static int reader_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    (void)a;
    if (n) return hoc_fail(h, at, "new %s() takes no arguments", o->cls->name);
    o->data = calloc(1, sizeof(reader));
    return o->data ? 0 : hoc_fail(h, at, "out of memory");
}

static void reader_dtor(hoc_interp *h, hoc_object *o) {
    (void)h;
    reader *r = o->data;
    if (r) free(r->path);
    free(r);
    o->data = NULL;
}

static int reader_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n,
                         hoc_value *ret) {
    reader *r = o->data;
    if (strcmp(m, "input") != 0) return 0;
    if (n != 1 || a[0].k != V_STR) return hoc_fail(h, at, "%s.input(\"file\")", o->cls->name), -1;
    char *p = strdup(a[0].str);
    if (!p) return hoc_fail(h, at, "out of memory"), -1;
    free(r->path);
    r->path = p;
    ret->k = V_NUM;
    ret->num = 0;
    return 1;
}

static int reader_member(hoc_interp *h, hoc_object *o, const char *name, const hoc_node *at, const double *idx, int nidx,
                         hoc_lval *out) {
    (void)idx;
    reader *r = o->data;
    if (strcmp(name, "quiet") != 0) return 0;
    if (nidx) return hoc_fail(h, at, "quiet takes no index"), -1;
    out->k = V_NUM;
    out->num = &r->quiet;
    return 1;
}

const hoc_class hoc_import3d_asc_class = {"Import3d_Neurolucida3", reader_ctor, reader_dtor, reader_method, reader_member};
const hoc_class hoc_import3d_swc_class = {"Import3d_SWC_read", reader_ctor, reader_dtor, reader_method, reader_member};

static int gui_ctor(hoc_interp *h, hoc_object *o, const hoc_node *at, hoc_value *a, int n) {
    if (n < 1 || a[0].k != V_OBJ || !a[0].obj ||
        (a[0].obj->cls != &hoc_import3d_asc_class && a[0].obj->cls != &hoc_import3d_swc_class))
        return hoc_fail(h, at, "new Import3d_GUI(reader, 0): reader must be an Import3d_Neurolucida3 or Import3d_SWC_read");
    o->data = hoc_obj_ref(a[0].obj);
    return 0;
}

static void gui_dtor(hoc_interp *h, hoc_object *o) {
    hoc_object *r = o->data;
    o->data = NULL;
    hoc_obj_unref(h, r);
}

static const struct { const char *base, *list; } kinds[] = {
    {"soma", "somatic"}, {"dend", "basal"}, {"apic", "apical"}, {"axon", "axonal"},
};

static int adopt_cell(hoc_interp *h, const hoc_node *at, hoc_object *obj, cl_cell cell, hoc_value *ret);

static int gui_method(hoc_interp *h, hoc_object *o, const char *m, const hoc_node *at, hoc_value *a, int n,
                      hoc_value *ret) {
    if (strcmp(m, "instantiate") != 0) return 0;
    if (n != 1 || a[0].k != V_OBJ || !a[0].obj || !a[0].obj->tmpl)
        return hoc_fail(h, at, "Import3d_GUI.instantiate(obj): obj must be a template instance"), -1;
    if (!h->sim) return hoc_fail(h, at, "instantiate: sections need a simulation (hoc_bind_sim)"), -1;
    hoc_object *obj = a[0].obj;
    reader *rd = ((hoc_object *)o->data)->data;
    if (!rd->path) return hoc_fail(h, at, "instantiate: input(\"file\") was not called"), -1;
    cl_morph_options opt = {.soma = h->soma_neuron82 ? CL_SOMA_NEURON82 : CL_SOMA_NEURON9,
                            .pt3d_digits = h->pt3d_digits};
    cl_cell cell;
    if (hoc_cl(h, at, cl_cell_load_morphology_opt(h->sim, rd->path, &opt, &cell), "instantiate")) return -1;
    return adopt_cell(h, at, obj, cell, ret);
}

/* The loaded cell becomes obj's: its soma/dend/apic/axon arrays name the
 * sections, which are appended to obj's SectionLists. 1, or -1. */
static int adopt_cell(hoc_interp *h, const hoc_node *at, hoc_object *obj, cl_cell cell, hoc_value *ret) {
    size_t ns = 0;
    if (hoc_cl(h, at, cl_cell_section_count(h->sim, cell, &ns), "instantiate")) return -1;
    cl_section *secs = calloc(ns ? ns : 1, sizeof *secs);
    int *kind = calloc(ns ? ns : 1, sizeof *kind);
    long *index = calloc(ns ? ns : 1, sizeof *index);
    size_t count[4] = {0, 0, 0, 0};
    int rc = (secs && kind && index) ? 0 : hoc_fail(h, at, "out of memory");
    for (size_t i = 0; rc == 0 && i < ns; i++) {
        const char *name;
        if (hoc_cl(h, at, cl_cell_section_at(h->sim, cell, i, &secs[i]), "instantiate") ||
            hoc_cl(h, at, cl_section_name(h->sim, secs[i], &name), "instantiate")) {
            rc = -1;
            break;
        }
        kind[i] = -1;
        for (int k = 0; k < 4; k++) {
            size_t bl = strlen(kinds[k].base);
            char *end;
            if (strncmp(name, kinds[k].base, bl) == 0 && name[bl] == '[') {
                long x = strtol(name + bl + 1, &end, 10);
                if (*end == ']' && x >= 0) {
                    kind[i] = k;
                    index[i] = x;
                    if ((size_t)x + 1 > count[k]) count[k] = (size_t)x + 1;
                }
            }
        }
        if (kind[i] < 0) rc = hoc_fail(h, at, "instantiate: section '%s' is not soma/dend/apic/axon[i]", name);
    }
    /* the object's section arrays now name the loaded sections */
    for (int k = 0; rc == 0 && k < 4; k++) {
        if (!count[k]) continue;
        hoc_sym *s = hoc_obj_field(obj, kinds[k].base);
        if (!s || s->type != S_SEC) {
            rc = hoc_fail(h, at, "instantiate: the template has no section array '%s' (create %s[1])", kinds[k].base,
                          kinds[k].base);
            break;
        }
        cl_section *arr = calloc(count[k], sizeof *arr);
        if (!arr) {
            rc = hoc_fail(h, at, "out of memory");
            break;
        }
        free(s->secs);
        s->secs = arr;
        s->ndim = 1;
        s->dims[0] = count[k];
        s->count = count[k];
        for (size_t i = 0; i < ns; i++)
            if (kind[i] == k) arr[index[i]] = secs[i];
    }
    if (rc == 0) {
        /* the template's placeholder cell goes once emptied by
         * `forall delete_section()`, as NEURON would have nothing left */
        size_t left = 1;
        if (obj->has_cell && cl_cell_section_count(h->sim, obj->cell, &left) == CL_OK && left == 0)
            cl_cell_delete(h->sim, obj->cell);
        obj->cell = cell;
        obj->has_cell = 1;
        /* SectionLists, in the loaded order */
        hoc_sym *all = hoc_obj_field(obj, "all");
        for (size_t i = 0; i < ns; i++) {
            hoc_sym *l = hoc_obj_field(obj, kinds[kind[i]].list);
            if (all && all->type == S_OBJ && all->objs[0]) hoc_sectionlist_add(all->objs[0], secs[i]);
            if (l && l->type == S_OBJ && l->objs[0]) hoc_sectionlist_add(l->objs[0], secs[i]);
        }
    }
    free(secs);
    free(kind);
    free(index);
    if (rc) return -1;
    ret->k = V_NUM;
    ret->num = 0;
    return 1;
}

const hoc_class hoc_import3d_gui_class = {"Import3d_GUI", gui_ctor, gui_dtor, gui_method, NULL};

/* morphio_read(obj, "path"): what the Blue Brain templates call for .h5
 * morphologies (neurodamus / BlueCelluLab read them with MorphIO). Here
 * cellulab's HDF5 reader (cl_cell_load_morphology_opt) builds the cell; a
 * path "container.h5/name.h5" that is not a file names the cell "name" of
 * the container (MorphIO's Collection, as SONATA's h5v1 containers). */
int hoc_morphio_read(hoc_interp *h, const hoc_node *at, hoc_value *a, int n, hoc_value *ret) {
    if (n != 2 || a[0].k != V_OBJ || !a[0].obj || !a[0].obj->tmpl || a[1].k != V_STR)
        return hoc_fail(h, at, "morphio_read(obj, \"file.h5\"): obj must be a template instance");
    if (!h->sim) return hoc_fail(h, at, "morphio_read: sections need a simulation (hoc_bind_sim)");
    cl_morph_options opt = {.soma = h->soma_neuron82 ? CL_SOMA_NEURON82 : CL_SOMA_NEURON9,
                            .pt3d_digits = h->pt3d_digits};
    const char *path = a[1].str;
    char *file = strdup(path);
    if (!file) return hoc_fail(h, at, "out of memory");
    char *cellname = NULL;
    FILE *f = fopen(path, "rb");
    if (f) {
        fclose(f);
    } else {
        char *slash = strrchr(file, '/');
        if (slash) {
            *slash = '\0';
            cellname = slash + 1;
            opt.h5_cell = cellname;
        }
    }
    cl_cell cell;
    cl_status st = cl_cell_load_morphology_opt(h->sim, file, &opt, &cell);
    if (st != CL_OK) {
        int r = hoc_fail(h, at, "morphio_read: %s", cl_sim_errmsg(h->sim));
        free(file);
        return r;
    }
    free(file);
    if (adopt_cell(h, at, a[0].obj, cell, ret) < 0) return -1;
    ret->k = V_NONE; /* a proc in NEURON: nothing printed at top level */
    return 0;
}
