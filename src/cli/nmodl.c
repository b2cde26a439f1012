/* cellulab nmodl FILE.mod [-o FILE.c]
 * cellulab build-mechanisms DIR_OR_FILES... [-o libNAME.so] [--force] */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cellulab_nmodl.h"
#include "cli/cli.h"

int cli_nmodl(int argc, char **argv) {
    const char *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: cellulab nmodl FILE.mod [-o FILE.c]\n\n"
                   "Translate a MOD file into C for cellulab's mechanism ABI (include/cellulab_mech.h),\n"
                   "with the arithmetic of NEURON 8.2's nocmodl. Default output: FILE.c beside FILE.mod.\n");
            return 0;
        }
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) out = argv[++i];
        else if (!in && argv[i][0] != '-') in = argv[i];
        else {
            fprintf(stderr, "cellulab nmodl: unexpected argument \"%s\" (see cellulab nmodl --help)\n", argv[i]);
            return 2;
        }
    }
    if (!in) {
        fprintf(stderr, "cellulab nmodl: expected FILE.mod\n");
        return 2;
    }
    char buf[4096];
    if (!out) {
        size_t n = strlen(in);
        if (n > 4 && strcmp(in + n - 4, ".mod") == 0) snprintf(buf, sizeof buf, "%.*s.c", (int)(n - 4), in);
        else snprintf(buf, sizeof buf, "%s.c", in);
        out = buf;
    }
    cl_error err = {{0}};
    if (cl_nmodl_translate(in, out, &err) != CL_OK) {
        fprintf(stderr, "cellulab nmodl: %s\n", err.msg);
        return 1;
    }
    return 0;
}

/* Say which input files were left out for a built-in version. */
static void note_maintained(const char *path) {
    DIR *d = opendir(path);
    if (!d) {
        const char *name = cl_nmodl_maintained_name(path);
        char mp[4096];
        if (name && cl_nmodl_maintained_path(name, mp, sizeof mp))
            printf("%s: %s needs VERBATIM; replaced by cellulab's maintained version %s (NMODL without "
                   "VERBATIM, the same dynamics and random draws)\n", path, name, mp);
        else if (name) printf("%s: %s is built into cellulab (without VERBATIM); its version is used\n", path, name);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".mod") != 0) continue;
        char full[4096];
        snprintf(full, sizeof full, "%s/%s", path, e->d_name);
        note_maintained(full);
    }
    closedir(d);
}

int cli_build_mechanisms(int argc, char **argv) {
    const char *out = "libcellulabmech.so";
    int force = 0;
    const char **inputs = calloc((size_t)argc + 1, sizeof *inputs);
    size_t n = 0;
    if (!inputs) return 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            printf("usage: cellulab build-mechanisms DIR_OR_FILES... [-o libNAME.so] [--force]\n\n"
                   "Translate MOD files (files, or folders of *.mod taken in bytewise name order) and compile\n"
                   "them with the system C compiler ($CC, default cc) into one shared library that\n"
                   "cl_sim_load_mechanisms loads. Rebuilt only when the sources change (LIB.so.hash).\n");
            free(inputs);
            return 0;
        }
        if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) out = argv[++i];
        else if (strcmp(argv[i], "--force") == 0) force = 1;
        else if (argv[i][0] == '-') {
            fprintf(stderr, "cellulab build-mechanisms: unknown option \"%s\"\n", argv[i]);
            free(inputs);
            return 2;
        } else inputs[n++] = argv[i];
    }
    if (!n) {
        fprintf(stderr, "cellulab build-mechanisms: expected MOD files or folders\n");
        free(inputs);
        return 2;
    }
    /* built or kept: the library file is replaced (renamed over) when built */
    struct stat before, after;
    int existed = stat(out, &before) == 0;
    cl_error err = {{0}};
    cl_status st = cl_build_mechanisms(inputs, n, out, force, &err);
    if (st != CL_OK) {
        free(inputs);
        fprintf(stderr, "cellulab build-mechanisms: %s\n", err.msg);
        return 1;
    }
    for (size_t i = 0; i < n; i++) note_maintained(inputs[i]);
    free(inputs);
    int kept = existed && stat(out, &after) == 0 && after.st_ino == before.st_ino &&
               after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec;
    printf(kept ? "%s is up to date\n" : "built %s\n", out);
    return 0;
}
