/* The event queue: a binary min-heap ordered by time, then by the order in
 * which events were sent (first sent, first delivered). */
#include <stdlib.h>

#include "engine/engine.h"

static int before(const cl_event *x, const cl_event *y) {
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

int cl_event_push(cl_engine *e, cl_event ev) {
    if (e->nheap == e->capheap) {
        size_t ncap = e->capheap ? 2 * e->capheap : 64;
        cl_event *p = realloc(e->heap, ncap * sizeof *p);
        if (!p) return -1;
        e->heap = p;
        e->capheap = ncap;
    }
    ev.seq = e->evseq++;
    size_t i = e->nheap++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!before(&ev, &e->heap[up])) break;
        e->heap[i] = e->heap[up];
        i = up;
    }
    e->heap[i] = ev;
    return 0;
}

/* Pop the earliest event if its time is <= tmax (NEURON's atomic_dq). */
int cl_event_pop_until(cl_engine *e, double tmax, cl_event *out) {
    if (e->nheap == 0 || e->heap[0].t > tmax) return 0;
    *out = e->heap[0];
    cl_event last = e->heap[--e->nheap];
    size_t i = 0, n = e->nheap;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const cl_event *best = &last;
        if (l < n && before(&e->heap[l], best)) { m = l; best = &e->heap[l]; }
        if (r < n && before(&e->heap[r], best)) { m = r; }
        if (m == i) break;
        e->heap[i] = e->heap[m];
        i = m;
    }
    if (n > 0) e->heap[i] = last;
    return 1;
}

void cl_event_clear(cl_engine *e) {
    e->nheap = 0;
    e->evseq = 0;
}
