/* From description to run-time layout: NEURON's node order (root nodes
 * first, then sections breadth first with children sorted by connection
 * position), connection coefficients, and one structure-of-arrays block per
 * mechanism type with instances in node order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dlfcn.h>

#include "engine/engine.h"
#include "mech/ion.h"

static void free_block(cl_mech_block *b) {
    free(b->node);
    if (b->var) free(b->var[0]);
    free(b->var);
    free(b->g);
    if (b->ion_index) {
        for (int u = 0; u < b->type->nion; u++) free(b->ion_index[u]);
    }
    free(b->ion_index);
    free(b->ion);
    free(b->user);
    free(b->iflag);
    free(b->owner);
    memset(b, 0, sizeof *b);
}

static void free_layout(cl_engine *e) {
    free(e->nodemem); /* v, rhs, d, a, b, area, rinv, diam, cm */
    e->nodemem = NULL;
    free(e->parent);
    free(e->ps_nc_start); free(e->ps_nc);
    e->ps_nc_start = e->ps_nc = NULL;
    cl_engine_groups_free(e);
    free(e->tree_node); free(e->node_tree);
    e->tree_node = e->node_tree = NULL;
    e->v = e->rhs = e->d = e->a = e->b = e->area = e->rinv = e->diam = e->cm = NULL;
    e->parent = NULL;
    for (int t = 0; t < e->nblock; t++) free_block(&e->block[t]);
    e->nblock = 0;
    e->nnode = e->nroot = 0;
}

const cl_mech_type *cl_eng_type(const cl_engine *e, int type) {
    return type >= 0 && type < e->ntypes ? e->types[type] : NULL;
}

int cl_eng_find(const cl_engine *e, const char *name) {
    for (int t = 0; t < e->ntypes; t++)
        if (strcmp(e->types[t]->name, name) == 0) return t;
    return -1;
}

void cl_engine_init_empty(cl_engine *e) {
    memset(e, 0, sizeof *e);
    for (int i = 0; i < cl_builtin_count(); i++) e->types[e->ntypes++] = cl_builtin_at(i);
    e->dt = 0.025;
    e->celsius = 34.0;
    e->v_init = -65.0;
    e->threads = 1;
    e->exp_inline = cl_exp_inline_usable();
}

void cl_engine_release(cl_engine *e) {
    cl_engine_threads_free(e);
    free_layout(e);
    for (int s = 0; s < e->nsec; s++) {
        cl_sec *sec = &e->sec[s];
        free(sec->name); free(sec->diam); free(sec->cm); free(sec->pt);
        for (int m = 0; m < sec->nmech; m++) cl_sec_mech_free(e, &sec->mech[m]);
        free(sec->mech);
    }
    free(e->sec);
    for (int c = 0; c < e->ncell; c++) { free(e->cell[c].name); free(e->cell[c].sec); }
    free(e->cell);
    for (int i = 0; i < e->npp; i++) { free(e->pp[i].set); free(e->pp[i].ev.t); free(e->pp[i].ev.v); }
    free(e->pp);
    for (int i = 0; i < e->npresyn; i++) free(e->presyn[i].spikes.t);
    free(e->presyn);
    free(e->nc);
    free(e->ncw);
    for (int i = 0; i < e->nrec; i++) free(e->rec[i].data.t);
    free(e->rec);
    for (int i = 0; i < e->nplay; i++) { free(e->play[i].t); free(e->play[i].y); }
    free(e->play);
    free(e->heap);
    cl_engine_watch_free(e);
    for (int t = 0; t < e->ntypes; t++) {
        free(e->global[t]);
        const cl_mech_type *m = e->types[t];
        if (e->priv[t] && m && m->globals_free) m->globals_free(e->priv[t]);
    }
    for (int i = 0; i < e->nowned; i++) cl_ion_type_free(e->owned[i]);
    for (int i = e->nlibs - 1; i >= 0; i--) dlclose(e->libs[i]);
    memset(e, 0, sizeof *e);
}

double *cl_engine_globals(cl_engine *e, int type) {
    const cl_mech_type *m = e->types[type];
    if (!e->global[type]) {
        e->global[type] = calloc(m->nglobal ? (size_t)m->nglobal : 1, sizeof(double));
        if (!e->global[type]) return NULL;
        for (int k = 0; k < m->nglobal; k++) e->global[type][k] = m->globals[k].dflt;
    }
    if (m->globals_new && !e->priv[type]) {
        e->priv[type] = m->globals_new();
        if (!e->priv[type]) return NULL;
    }
    return e->global[type];
}

/* Children of each section, ordered as NEURON's sibling list: by connection
 * position, and among equal positions the most recently connected first. */
static int cmp_child(const void *pa, const void *pb, void *ctx) {
    const cl_engine *e = ctx;
    const cl_sec *a = &e->sec[*(const int *)pa], *b = &e->sec[*(const int *)pb];
    if (a->parent_x != b->parent_x) return a->parent_x < b->parent_x ? -1 : 1;
    if (a->connect_seq != b->connect_seq) return a->connect_seq > b->connect_seq ? -1 : 1;
    return 0;
}

/* Plain insertion sort with a context (qsort_r is not portable C17); child
 * lists are short. */
static void sort_children(int *v, int n, cl_engine *e) {
    for (int i = 1; i < n; i++) {
        int x = v[i], j = i - 1;
        while (j >= 0 && cmp_child(&v[j], &x, e) > 0) { v[j + 1] = v[j]; j--; }
        v[j + 1] = x;
    }
}

/* Section order: the roots (their 0-end nodes are the root nodes, in this
 * order), and for numbering, tree by tree, each root followed by its tree
 * breadth first over the children lists. NEURON numbers all roots then one
 * breadth-first sweep over every tree; restricted to one tree the two orders
 * are the same, so each tree's elimination and sums are NEURON's, and a tree
 * owns a contiguous range of nodes (threads.c steps trees apart). Deleted
 * sections (detached, childless) are left out. Returns how many sections
 * are ordered, or -1. */
static int section_order(cl_engine *e, int *order, int *roots) {
    int n = 0;
    int *nchild = calloc((size_t)e->nsec + 1, sizeof(int));
    int *first = calloc((size_t)e->nsec + 1, sizeof(int));
    int *child = malloc(((size_t)e->nsec + 1) * sizeof(int));
    if (!nchild || !first || !child) { free(nchild); free(first); free(child); return -1; }
    for (int s = 0; s < e->nsec; s++)
        if (e->sec[s].parent >= 0) nchild[e->sec[s].parent]++;
    for (int s = 0, acc = 0; s < e->nsec; s++) { first[s] = acc; acc += nchild[s]; nchild[s] = 0; }
    for (int s = 0; s < e->nsec; s++) {
        int p = e->sec[s].parent;
        if (p >= 0) child[first[p] + nchild[p]++] = s;
    }
    for (int s = 0; s < e->nsec; s++) sort_children(child + first[s], nchild[s], e);
    int nr = 0;
    for (int s = 0; s < e->nsec; s++)
        if (e->sec[s].parent < 0 && !e->sec[s].dead) roots[nr++] = s;
    e->nroot = nr;
    for (int r = 0; r < nr; r++) {
        int q = n;
        order[n++] = roots[r];
        for (; q < n; q++) {
            int s = order[q];
            for (int c = 0; c < nchild[s]; c++) order[n++] = child[first[s] + c];
        }
    }
    free(nchild); free(first); free(child);
    return n;
}

static int alloc_block(cl_mech_block *b, const cl_mech_type *m, int n) {
    size_t nn = n ? (size_t)n : 1;
    b->type = m;
    b->n = n;
    b->node = calloc(nn, sizeof(int));
    b->var = calloc((size_t)m->nvar + 1, sizeof(double *));
    b->g = calloc(nn, sizeof(double));
    if (!b->node || !b->var || !b->g) return -1;
    if (m->kind == CL_MECH_POINT || m->kind == CL_MECH_ARTIFICIAL) { /* per-object data: point processes only */
        b->user = calloc(nn, sizeof(void *));
        b->owner = calloc(nn, sizeof(int));
        if (!b->user || !b->owner) return -1;
    }
    double *base = calloc(nn * (size_t)(m->nvar ? m->nvar : 1), sizeof(double));
    if (!base) return -1;
    for (int k = 0; k < m->nvar; k++) b->var[k] = base + (size_t)k * nn;
    if (m->nvar == 0) b->var[0] = base;
    if (m->nion) {
        b->ion_index = calloc((size_t)m->nion, sizeof(int *));
        b->ion = calloc((size_t)m->nion, sizeof(cl_ion_view));
        if (!b->ion_index || !b->ion) return -1;
        for (int u = 0; u < m->nion; u++) {
            b->ion_index[u] = calloc(nn, sizeof(int));
            if (!b->ion_index[u]) return -1;
        }
    }
    if (m->kind == CL_MECH_ION) {
        b->iflag = calloc(nn, sizeof(int));
        if (!b->iflag) return -1;
    }
    return 0;
}

/* Point processes of one type, ordered as NEURON's node property lists:
 * by node, and at one node the most recently created first; tree by tree
 * (a process at a root node comes first in its tree), so that each tree's
 * processes are contiguous. Trees are independent: the order between them
 * changes no sum. */
static int pp_before(const cl_engine *e, int na, long seqa, int nb, long seqb) {
    int ta = e->node_tree[na], tb = e->node_tree[nb];
    if (ta != tb) return ta < tb;
    if (na != nb) return na < nb;
    return seqa > seqb;
}

static void sort_pps(cl_engine *e, int *v, int n) {
    for (int i = 1; i < n; i++) {
        int x = v[i], j = i - 1;
        const cl_ppobj *px = &e->pp[x];
        int nx = cl_engine_node_exact(e, px->sec, px->x);
        while (j >= 0) {
            const cl_ppobj *pj = &e->pp[v[j]];
            int nj = cl_engine_node_exact(e, pj->sec, pj->x);
            if (pp_before(e, nj, pj->seq, nx, px->seq)) break;
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = x;
    }
}

/* NEURON's memb_order_ (docs/nmodl-lowering.md §10.2): the ions move to just
 * after pas (registration order), then the mechanisms that write a
 * concentration in reverse registration order, then everything else in type
 * order. It decides summation order and which concentration a reader sees. */
static int writes_conc(const cl_mech_type *m) {
    for (int u = 0; u < m->nion; u++)
        if (m->ions[u].flags & CL_ION_WRITE_CONC) return 1;
    return 0;
}

static void exec_order(cl_engine *e) {
    int n = 0, pas = cl_eng_find(e, "pas");
    if (pas >= 0) e->exec[n++] = pas;
    for (int t = 0; t < e->ntypes; t++)
        if (e->types[t]->kind == CL_MECH_ION) e->exec[n++] = t;
    for (int t = e->ntypes - 1; t >= 0; t--)
        if (e->types[t]->kind != CL_MECH_ION && t != pas && writes_conc(e->types[t])) e->exec[n++] = t;
    for (int t = 0; t < e->ntypes; t++)
        if (e->types[t]->kind != CL_MECH_ION && t != pas && !writes_conc(e->types[t])) e->exec[n++] = t;
}

static int build_blocks(cl_engine *e, const int *order, int norder) {
    int ntype = e->ntypes;
    int *list = malloc(((size_t)e->npp + 1) * sizeof(int));
    if (!list) return -1;
    e->nblock = ntype;
    for (int t = 0; t < ntype; t++) {
        const cl_mech_type *m = e->types[t];
        cl_mech_block *b = &e->block[t];
        int n = 0;
        if (m->kind == CL_MECH_DENSITY || m->kind == CL_MECH_ION) {
            for (int i = 0; i < norder; i++) {
                cl_sec *sec = &e->sec[order[i]];
                int mi = cl_sec_mech_find(sec, t);
                if (mi < 0) continue;
                sec->mech[mi].inst0 = n;
                n += sec->nseg;
            }
        } else {
            for (int i = 0; i < e->npp; i++)
                if (e->pp[i].alive && e->pp[i].type == t) list[n++] = i;
            if (m->kind == CL_MECH_POINT) sort_pps(e, list, n);
        }
        if (alloc_block(b, m, n) != 0) { free(list); return -1; }
        double *g = cl_engine_globals(e, t);
        if (!g) { free(list); return -1; }
        b->global = g;
        b->priv = e->priv[t];
        if (m->kind == CL_MECH_DENSITY || m->kind == CL_MECH_ION) {
            for (int i = 0; i < norder; i++) {
                cl_sec *sec = &e->sec[order[i]];
                int mi = cl_sec_mech_find(sec, t);
                if (mi < 0) continue;
                const cl_sec_mech *sm = &sec->mech[mi];
                for (int j = 0; j < sec->nseg; j++) {
                    int inst = sm->inst0 + j;
                    b->node[inst] = sec->node0 + j;
                    if (b->iflag) b->iflag[inst] = sm->style;
                }
                for (int k = 0; k < m->nvar; k++) {
                    const double *c = cl_sec_mech_column(e, sec, sm, k);
                    double *dst = b->var[k] + sm->inst0;
                    if (c) memcpy(dst, c, (size_t)sec->nseg * sizeof *dst);
                    else for (int j = 0; j < sec->nseg; j++) dst[j] = m->vars[k].dflt;
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                cl_ppobj *p = &e->pp[list[i]];
                p->inst = i;
                b->node[i] = p->sec >= 0 ? cl_engine_node_exact(e, p->sec, p->x) : -1;
                for (int k = 0; k < m->nvar; k++) b->var[k][i] = m->vars[k].dflt;
                for (int q = 0; q < p->nset; q++) b->var[p->set[q].k][i] = p->set[q].v;
                b->user[i] = &p->ev;
                b->owner[i] = list[i];
            }
        }
    }
    free(list);
    /* Ion links: a density mechanism's segment j uses the ion's segment j in the
     * same section; a point process uses the ion of the segment it sits in. */
    for (int t = 0; t < ntype; t++) {
        const cl_mech_type *m = e->types[t];
        cl_mech_block *b = &e->block[t];
        for (int u = 0; u < m->nion; u++) {
            char name[32];
            snprintf(name, sizeof name, "%s_ion", m->ions[u].ion);
            int it = cl_eng_find(e, name);
            cl_mech_block *ib = &e->block[it];
            b->ion[u] = (cl_ion_view){ib->var[CL_ION_EREV], ib->var[CL_ION_CI], ib->var[CL_ION_CO],
                                      ib->var[CL_ION_CUR], ib->var[CL_ION_DCURDV], ib->iflag,
                                      ib->type->valence};
            if (m->kind == CL_MECH_DENSITY) {
                for (int s = 0; s < e->nsec; s++) {
                    cl_sec *sec = &e->sec[s];
                    if (sec->dead) continue;
                    int mi = cl_sec_mech_find(sec, t);
                    if (mi < 0) continue;
                    int ii = cl_sec_mech_find(sec, it);
                    for (int j = 0; j < sec->nseg; j++)
                        b->ion_index[u][sec->mech[mi].inst0 + j] = sec->mech[ii].inst0 + j;
                }
            } else if (m->kind == CL_MECH_POINT) {
                for (int i = 0; i < e->npp; i++) {
                    cl_ppobj *p = &e->pp[i];
                    if (!p->alive || p->type != t) continue;
                    cl_sec *sec = &e->sec[p->sec];
                    int ii = cl_sec_mech_find(sec, it);
                    b->ion_index[u][p->inst] =
                        sec->mech[ii].inst0 + cl_engine_seg_index(e, p->sec, p->x);
                }
            }
        }
    }
    return 0;
}

static double *rec_target(cl_engine *e, const cl_recobj *r) {
    if (r->kind == CL_REC_TIME) return &e->t;
    if (r->kind == CL_REC_PP) {
        const cl_ppobj *p = &e->pp[r->pp];
        return &e->block[p->type].var[r->var][p->inst];
    }
    if (r->type < 0) return &e->v[cl_engine_node_exact(e, r->sec, r->x)];
    const cl_sec *sec = &e->sec[r->sec];
    int mi = cl_sec_mech_find(sec, r->type);
    if (mi < 0) return NULL;
    return &e->block[r->type].var[r->var][sec->mech[mi].inst0 + cl_engine_seg_index(e, r->sec, r->x)];
}

int cl_engine_compile(cl_engine *e) {
    free_layout(e);
    e->compiled = 0;
    e->initialized = 0;
    int *order = malloc(((size_t)e->nsec + 1) * sizeof(int));
    int *roots = malloc(((size_t)e->nsec + 1) * sizeof(int));
    int norder = order && roots ? section_order(e, order, roots) : -1;
    if (norder < 0) { free(order); free(roots); return -1; }

    /* node numbering */
    int nnode = e->nroot;
    for (int i = 0; i < norder; i++) nnode += e->sec[order[i]].nseg + 1;
    e->nnode = nnode;
    size_t nn = (size_t)nnode + 1;
    /* The per-node arrays in one block, each starting 512 bytes further
     * into a 4 KiB page than the one before: the step reads one array at
     * i while writing another at i, and equal page offsets can make the
     * processor take such a load for a dependence on the store (4K
     * aliasing). A precaution: on allen5 other offsets measured the same
     * within this machine's noise. The block is 64-byte aligned, so that
     * the axial pass's vectors (step.c) meet no cache-line split. */
    size_t stride = (nn * sizeof(double) + 4095) / 4096 * 4096 + 512;
    if (posix_memalign(&e->nodemem, 64, 9 * stride) != 0) e->nodemem = NULL;
    if (e->nodemem) {
        memset(e->nodemem, 0, 9 * stride);
        double **arr[9] = {&e->v, &e->rhs, &e->d, &e->a, &e->b, &e->area, &e->rinv, &e->diam, &e->cm};
        for (int k = 0; k < 9; k++) *arr[k] = (double *)((char *)e->nodemem + (size_t)k * stride);
    }
    e->parent = calloc(nn, sizeof(int));
    e->tree_node = calloc((size_t)e->nroot + 1, sizeof(int));
    e->node_tree = calloc(nn, sizeof(int));
    if (!e->nodemem || !e->parent || !e->tree_node || !e->node_tree) {
        free(order);
        free(roots);
        return -1;
    }
    for (int r = 0; r < e->nroot; r++) {
        e->sec[roots[r]].parentnode = r;
        e->area[r] = 100.; /* a root node's area stays NEURON's default */
        e->parent[r] = -1;
        e->node_tree[r] = r;
    }
    int next = e->nroot, tree = -1;
    for (int i = 0; i < norder; i++) {
        cl_sec *sec = &e->sec[order[i]];
        if (sec->parent < 0) e->tree_node[++tree] = next;
        for (int j = 0; j <= sec->nseg; j++) e->node_tree[next + j] = tree;
        sec->node0 = next;
        if (sec->parent >= 0) {
            const cl_sec *ps = &e->sec[sec->parent];
            double x = sec->parent_x;
            if (x >= 1.) sec->parentnode = ps->node0 + ps->nseg;
            else if (x <= 0.) sec->parentnode = ps->parentnode;
            else sec->parentnode = ps->node0 + cl_engine_seg_index(e, sec->parent, x);
        }
        e->parent[next] = sec->parentnode;
        for (int j = 1; j <= sec->nseg; j++) e->parent[next + j] = next + j - 1;
        next += sec->nseg + 1;
    }
    e->tree_node[e->nroot] = next;

    /* geometry and coefficients (connection_coef) */
    for (int s = 0; s < e->nsec; s++)
        if (!e->sec[s].dead) cl_engine_section_geometry(e, s);
    for (int i = 0; i < norder; i++) {
        const cl_sec *sec = &e->sec[order[i]];
        int nd = sec->node0;
        e->a[nd] = -1.e2 * 1.0 * e->rinv[nd] / e->area[sec->parentnode];
        for (int j = 1; j <= sec->nseg; j++)
            e->a[nd + j] = -1.e2 * e->rinv[nd + j] / e->area[nd + j - 1];
        for (int j = 0; j <= sec->nseg; j++)
            e->b[nd + j] = -1.e2 * e->rinv[nd + j] / e->area[nd + j];
        for (int j = 0; j < sec->nseg; j++) {
            e->diam[nd + j] = sec->diam[j]; /* after the geometry: pt3d diameters are derived */
            e->cm[nd + j] = sec->cm[j];
        }
    }

    free(roots);
    if (build_blocks(e, order, norder) != 0) { free(order); return -1; }
    exec_order(e);
    free(order);

    for (int i = 0; i < e->npresyn; i++) {
        cl_presyn *ps = &e->presyn[i];
        ps->node = ps->pp < 0 && !ps->dead ? cl_engine_node_exact(e, ps->sec, ps->x) : -1;
    }
    /* connections grouped by source, in creation order */
    e->ps_nc_start = calloc((size_t)e->npresyn + 1, sizeof(int));
    e->ps_nc = calloc((size_t)e->nnc + 1, sizeof(int));
    if (!e->ps_nc_start || !e->ps_nc) return -1;
    for (int i = 0; i < e->nnc; i++)
        if (e->nc[i].alive) e->ps_nc_start[e->nc[i].presyn + 1]++;
    for (int i = 0; i < e->npresyn; i++) e->ps_nc_start[i + 1] += e->ps_nc_start[i];
    {
        int *fill = calloc((size_t)e->npresyn + 1, sizeof(int));
        if (!fill) return -1;
        for (int i = 0; i < e->nnc; i++) {
            if (!e->nc[i].alive) continue;
            int ps = e->nc[i].presyn;
            e->ps_nc[e->ps_nc_start[ps] + fill[ps]++] = i;
        }
        free(fill);
    }
    for (int i = 0; i < e->nrec; i++)
        if (e->rec[i].alive) e->rec[i].ptr = rec_target(e, &e->rec[i]);
    for (int i = 0; i < e->nplay; i++) {
        cl_playobj *pl = &e->play[i];
        if (!pl->alive) continue;
        const cl_ppobj *p = &e->pp[pl->pp];
        pl->ptr = &e->block[p->type].var[pl->var][p->inst];
    }
    e->compiled = 1;
    return 0;
}
