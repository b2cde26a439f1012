/* Builders shared by the unit tests (fixtures.c): in-memory circuits and
 * files in a test's temporary folder. Each fails the running cmocka test
 * (with the library's message) when a call fails, so the tests read as
 * what they build. */
#ifndef CELLULAB_TEST_FIXTURES_H
#define CELLULAB_TEST_FIXTURES_H

#include <stddef.h>
#include <stdint.h>

#include <hdf5.h>

#include "cellulab.h"
#include "cellulab_memcircuit.h"
#include "cellulab_morph.h"

/* Fails the current test with e's message unless st is CL_OK. */
void fx_ok(cl_status st, const cl_error *e);

/* A new circuit with one node population `pop` of n nodes of model m and
 * the run config rc. */
cl_memcircuit *fx_cells(const char *pop, uint64_t n, const cl_node_model *m, const cl_run_config *rc);

/* A new circuit with one cell of model bm in population "bio", one virtual
 * node in population "ext", the edge population "ext_bio" (ext -> bio,
 * no edges yet) and the run config rc. */
cl_memcircuit *fx_bio_ext(const cl_node_model *bm, const cl_run_config *rc);

/* A new circuit of n biophysical cells of morphology `morph` in population
 * "bio" with the recurrent edge population "bio_bio" (no edges yet); run
 * config: tstop, dt 0.025 ms, dL 20 um, spike threshold -20 mV, celsius
 * 6.3, v_init -65 mV; node set "drive" (the n_drive nodes `drive`) gets
 * the current step "step" of 2 nA from 5 ms for 40 ms. */
cl_memcircuit *fx_driven_bio(uint64_t n, const char *morph, double tstop, const uint64_t *drive, size_t n_drive);

/* Adds the edge s -> t to edge population epop with dynamics file dyn
 * (may be NULL), syn_weight w and delay d; returns its id. */
uint64_t fx_edge(cl_memcircuit *mc, const char *epop, uint64_t s, uint64_t t, double w, double d, const char *dyn);

/* fx_edge, then afferent_section_id sec and afferent_section_pos pos. */
uint64_t fx_edge_at(cl_memcircuit *mc, const char *epop, uint64_t s, uint64_t t, double w, double d, const char *dyn,
                    double sec, double pos);

/* Inserts mechanism mech in every section of cell. */
void fx_insert_all(cl_sim *sim, cl_cell cell, const char *mech);

/* ---- files ---------------------------------------------------------------- */

/* "dir/name" in one of 8 static buffers reused in turn (so up to 8 paths
 * may be held at once). */
const char *fx_path(const char *dir, const char *name);

/* Writes text into the file dir/name, replacing it; returns its path
 * (an fx_path buffer). */
const char *fx_write_file(const char *dir, const char *name, const char *text);

/* A new file /tmp/cl_test_XXXXXX<suffix> holding text (empty for NULL);
 * its path, in one of 8 static buffers reused in turn. The caller removes
 * it. */
const char *fx_temp_file(const char *suffix, const char *text);

/* The whole text of the file at path (at most 1 MiB), in a static buffer
 * the next call overwrites. */
const char *fx_read_file(const char *path);

/* Removes the folder dir and all it holds (rm -rf); 0 on success. */
int fx_remove_dir(const char *dir);

/* Creates the 1-D dataset `name` under loc holding the n values v (in
 * memory of the HDF5 type memtype), stored with the HDF5 type filetype. */
void fx_put_array(hid_t loc, const char *name, hid_t filetype, hid_t memtype, hsize_t n, const void *v);

/* fx_put_array of n doubles. */
void fx_put_doubles(hid_t loc, const char *name, hid_t filetype, hsize_t n, const double *v);

/* Creates the 1-D dataset `name` under loc holding the n strings v, stored
 * as variable-length UTF-8 strings. */
void fx_put_strings(hid_t loc, const char *name, hsize_t n, const char **v);

/* Asserts that 3-d point i of sec is (x, y, z, d) rounded to float, the
 * precision NEURON keeps its pt3d points in. */
void fx_assert_pt3d(cl_sim *s, cl_section sec, size_t i, double x, double y, double z, double d);

/* Asserts that loading the morphology `name` fails with status want and a
 * message containing msg; where text is not NULL the file is first
 * written with it as dir/name (fx_write_file). */
void fx_expect_morph_error(const char *dir, const char *name, const char *text, cl_status want, const char *msg);

#endif
