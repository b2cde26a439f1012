/* Deleting sections and cells, as NEURON's delete_section: the section's
 * children become roots; what lives in it (point processes, their
 * connections and recordings, voltage sources and their connections,
 * recordings of its variables) goes with it. Indices stay in place (a
 * deleted section keeps its slot, marked dead) so every other handle stays
 * valid. */
#include <stdlib.h>
#include <string.h>

#include "cellulab.h"
#include "sim/sim.h"

void cl_sim_kill_pp(cl_engine *e, int pi) {
    e->pp[pi].alive = 0;
    for (int i = 0; i < e->nnc; i++) {
        cl_netconobj *nc = &e->nc[i];
        if (nc->alive && (nc->target == pi || e->presyn[nc->presyn].pp == pi)) nc->alive = 0;
    }
    for (int i = 0; i < e->nrec; i++)
        if (e->rec[i].alive && e->rec[i].kind == CL_REC_PP && e->rec[i].pp == pi) e->rec[i].alive = 0;
    for (int i = 0; i < e->nplay; i++)
        if (e->play[i].alive && e->play[i].pp == pi) e->play[i].alive = 0;
}

static void kill_section(cl_engine *e, int si) {
    cl_sec *sec = &e->sec[si];
    for (int i = 0; i < e->nsec; i++)
        if (!e->sec[i].dead && e->sec[i].parent == si) {
            e->sec[i].parent = -1;
            e->sec[i].parent_x = 0;
        }
    for (int i = 0; i < e->npp; i++)
        if (e->pp[i].alive && e->pp[i].sec == si) cl_sim_kill_pp(e, i);
    for (int i = 0; i < e->npresyn; i++) {
        cl_presyn *p = &e->presyn[i];
        if (p->dead || p->pp >= 0 || p->sec != si) continue;
        p->dead = 1;
        for (int k = 0; k < e->nnc; k++)
            if (e->nc[k].alive && e->nc[k].presyn == i) e->nc[k].alive = 0;
    }
    for (int i = 0; i < e->nrec; i++)
        if (e->rec[i].alive && e->rec[i].kind == CL_REC_SEC && e->rec[i].sec == si) {
            e->rec[i].alive = 0;
            cl_cellrec *cr = &e->cell[sec->cell];
            if (cr->rec_v == i) cr->rec_v = -1; /* made again for the new soma at the next run */
        }
    cl_cellrec *cr = &e->cell[sec->cell];
    for (int k = 0; k < cr->nsec; k++)
        if (cr->sec[k] == si) {
            memmove(cr->sec + k, cr->sec + k + 1, (size_t)(cr->nsec - k - 1) * sizeof *cr->sec);
            cr->nsec--;
            break;
        }
    sec->dead = 1;
    sec->parent = -1;
}

cl_status cl_section_delete(cl_sim *s, cl_section h) {
    if (!s) return CL_EINVAL;
    int si = cl_handle_index(s, h.id, CL_TAG_SECTION, "cl_section_delete", "sec");
    if (si < 0) return CL_EHANDLE;
    kill_section(&s->eng, si);
    cl_sim_structure_changed(s);
    return cl_ok(s);
}

cl_status cl_cell_delete(cl_sim *s, cl_cell h) {
    if (!s) return CL_EINVAL;
    int c = cl_handle_index(s, h.id, CL_TAG_CELL, "cl_cell_delete", "cell");
    if (c < 0) return CL_EHANDLE;
    cl_engine *e = &s->eng;
    while (e->cell[c].nsec > 0) kill_section(e, e->cell[c].sec[e->cell[c].nsec - 1]);
    e->cell[c].dead = 1;
    cl_sim_structure_changed(s);
    return cl_ok(s);
}
