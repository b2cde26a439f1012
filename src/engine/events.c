/* The event queue, ordered as NEURON's TQueue (src/nrncvode/sptbinq.cpp):
 * the least event kept apart, the rest in a binary min-heap ordered by time,
 * then by the order they entered the heap (a splay tree's "after all equal
 * keys"). */
#include <stdlib.h>

#include "engine/engine.h"

static int before(const cl_event *x, const cl_event *y) {
    return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

static int heap_push(cl_engine *e, cl_event ev) {
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

static void heap_pop(cl_engine *e, cl_event *out) {
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
}

/* TQueue::insert: an event earlier than the least takes its place, and the
 * old least goes into the queue behind any equal times already there. */
int cl_event_push(cl_engine *e, cl_event ev) {
    if (!e->has_least) {
        ev.seq = e->evseq++;
        e->least = ev;
        e->has_least = 1;
        return 0;
    }
    if (ev.t < e->least.t) {
        cl_event old = e->least;
        if (heap_push(e, old) != 0) return -1;
        ev.seq = e->evseq++;
        e->least = ev;
        return 0;
    }
    return heap_push(e, ev);
}

/* TQueue::atomic_dq: the least event if its time is <= tmax; the next least
 * is the earliest (first entered among equals) of the queue. */
int cl_event_pop_until(cl_engine *e, double tmax, cl_event *out) {
    if (!e->has_least || e->least.t > tmax) return 0;
    *out = e->least;
    if (e->nheap) heap_pop(e, &e->least);
    else e->has_least = 0;
    return 1;
}

void cl_event_clear(cl_engine *e) {
    e->nheap = 0;
    e->has_least = 0;
    e->evseq = 0;
}
