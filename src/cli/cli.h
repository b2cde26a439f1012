/* The cellulab command: one file per subcommand, public API only. */
#ifndef CELLULAB_CLI_H
#define CELLULAB_CLI_H

#include <stddef.h>
#include <stdio.h>

int cli_demo(int argc, char **argv);
int cli_cell(int argc, char **argv);
int cli_nmodl(int argc, char **argv);
int cli_build_mechanisms(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_info(int argc, char **argv); /* src/cli/info.c */

#include "cellulab_hoc.h"
#include "cellulab_model.h"

#define CLI_MAX_ATTRS 64

/* cellulab cell's options (src/cli/cell.c). */
typedef struct cli_cell_opts {
    const char *cmd, *model, *model_file, *protocol, *csv, *svg, *mechanisms;
    double amp, threshold, percent, v_hold, max, rheobase;
    int json, nproc, have_amp, have_threshold, sections;
    cl_model_options load;
    /* a .hoc template model: --template-format, --gid, --attr NAME=VALUE */
    cl_template_options tmpl;
    int have_tmpl_opt;
    const char *attr_names[CLI_MAX_ATTRS];
    double attr_values[CLI_MAX_ATTRS];
    char attr_buf[CLI_MAX_ATTRS][128];
} cli_cell_opts;

/* A cell from files, for the toolbox (cl_cell_builder): ctx is a cli_cell_files. */
typedef struct cli_cell_files {
    const char *morph, *model;
    cl_model_options load;
    const cl_template_options *tmpl; /* for a .hoc model; NULL: defaults */
} cli_cell_files;
cl_status cli_build_from_files(cl_sim *sim, const void *ctx, cl_cell *out);
/* The cell of MORPHOLOGY [MODEL]: a model ending in .hoc goes through
 * cl_cell_load_template with tmpl (and load's soma orientation, pt3d
 * digits); others through cl_cell_load_model. info may be NULL. */
int cli_is_template(const char *model);
cl_status cli_load_cell(cl_sim *sim, const char *morph, const char *model, const cl_model_options *load,
                        const cl_template_options *tmpl, cl_cell *out, cl_template_info *info);

/* cellulab cell info (src/cli/cell_info.c) */
int cli_cell_info(const cli_cell_opts *o);

/* Write a file atomically: the content goes to PATH.tmp-XXXXXX, which is
 * renamed to PATH only when complete. write_fn returns 0 on success. */
int cli_write_file(const char *path, int (*write_fn)(FILE *f, void *ctx), void *ctx);

/* MPI glue of `cellulab run` (src/cli/run_mpi.c; MPI only there, and only
 * when built with CELLULAB_MPI). cli_mpi_start: under mpirun (the launcher's
 * environment says so) MPI_Init and the collectives over MPI_COMM_WORLD for
 * cl_network_options.comm; NULL in one process, or without MPI. */
#include "cellulab_network.h"
const cl_network_comm *cli_mpi_start(int *argc, char ***argv);
/* A rank failed and printed why: stop every rank (MPI_Abort). Returns only
 * without MPI. */
void cli_mpi_abort(const cl_network_comm *comm, int code);
/* Sum n counts over the ranks, in place (nothing without MPI). */
void cli_mpi_sum(const cl_network_comm *comm, size_t *v, size_t n);
/* MPI_Finalize after a run that went well. */
void cli_mpi_finish(const cl_network_comm *comm);
/* 1 when this build has MPI. */
int cli_mpi_built(void);

#endif
