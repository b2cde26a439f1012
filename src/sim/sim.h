/* The simulation object behind the public API, and its handle helpers. */
#ifndef CELLULAB_SIM_H
#define CELLULAB_SIM_H

#include <stdint.h>

#include "cellulab.h"
#include "engine/engine.h"

struct cl_sim {
    cl_engine eng;
    uint32_t id;     /* distinguishes this simulation's handles from others' */
    char err[1024];  /* message of the last failure */
};

enum { CL_TAG_CELL = 1, CL_TAG_SECTION, CL_TAG_PP, CL_TAG_NETCON, CL_TAG_REC };

uint64_t cl_handle_make(const cl_sim *s, int tag, int index);

/* Decode a handle: its index, or -1 (with a message in s->err naming fn and
 * arg) when it is not a live object of that kind in this simulation. */
int cl_handle_index(cl_sim *s, uint64_t h, int tag, const char *fn, const char *arg);

/* Record a failure message and return st. */
cl_status cl_fail(cl_sim *s, cl_status st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Succeeded: clear the message. */
cl_status cl_ok(cl_sim *s);

/* The model is about to change structurally: the layout must be rebuilt and
 * the simulation re-initialised before it can run again. */
/* Delete point process pi with its connections, recordings and plays
 * (cl_pp_delete; also for the point processes of a deleted section). */
void cl_sim_kill_pp(cl_engine *e, int pi);

void cl_sim_structure_changed(cl_sim *s);

#endif
