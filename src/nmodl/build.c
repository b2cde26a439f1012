/* build-mechanisms: translate MOD files, compile them with the system C
 * compiler into one shared library, and skip all of it when a content hash
 * says nothing changed. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cellulab_mech.h"
#include "cellulab_nmodl.h"
#include "nmodl/nmodl.h"
#include "util/atomic_file.h"
#include "util/util.h"

#ifndef CELLULAB_INCLUDE_DIR
#define CELLULAB_INCLUDE_DIR "include"
#endif
#ifndef CELLULAB_MAINTAINED_MOD_DIR
#define CELLULAB_MAINTAINED_MOD_DIR "mod/bbp"
#endif

static void seterr(cl_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void seterr(cl_error *err, const char *fmt, ...) {
    if (!err) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
}

typedef struct strlist { char **s; size_t n, cap; } strlist;

static int maintained_file(const char *name, char *buf, size_t n);

static int push(strlist *l, const char *s) {
    if (CL_GROW(l->s, l->cap, l->n + 1) != 0) return -1;
    if (!(l->s[l->n] = cl_strdup(s))) return -1;
    l->n++;
    return 0;
}

static void strlist_free(strlist *l) {
    for (size_t i = 0; i < l->n; i++) free(l->s[i]);
    free(l->s);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* The .mod files named by the inputs, in registration order. */
static cl_status collect(const char *const *inputs, size_t n, strlist *out, cl_error *err) {
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (!inputs[i] || stat(inputs[i], &st) != 0) {
            seterr(err, "build-mechanisms: %s: %s", inputs[i] ? inputs[i] : "(null)", strerror(errno));
            return CL_EIO;
        }
        if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(inputs[i]);
            if (!d) {
                seterr(err, "build-mechanisms: %s: %s", inputs[i], strerror(errno));
                return CL_EIO;
            }
            strlist here = {0};
            struct dirent *de;
            while ((de = readdir(d))) {
                if (!ends_with(de->d_name, ".mod")) continue;
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", inputs[i], de->d_name);
                if (push(&here, path) != 0) { closedir(d); strlist_free(&here); return CL_ENOMEM; }
            }
            closedir(d);
            qsort(here.s, here.n, sizeof *here.s, cmp_str); /* bytewise: LC_ALL=C */
            for (size_t k = 0; k < here.n; k++)
                if (push(out, here.s[k]) != 0) { strlist_free(&here); return CL_ENOMEM; }
            strlist_free(&here);
        } else {
            if (!ends_with(inputs[i], ".mod")) {
                seterr(err, "build-mechanisms: %s: not a .mod file or a folder", inputs[i]);
                return CL_EINVAL;
            }
            if (push(out, inputs[i]) != 0) return CL_ENOMEM;
        }
    }
    if (out->n == 0) {
        seterr(err, "build-mechanisms: no .mod files in the inputs");
        return CL_EINVAL;
    }
    return CL_OK;
}

/* FNV-1a over the file names and contents, the compiler and our version. */
static int content_hash(const strlist *files, const char *cc, uint64_t *out) {
    uint64_t h = 1469598103934665603ULL;
#define MIX(byte) (h = (h ^ (uint8_t)(byte)) * 1099511628211ULL)
    /* the generator's revision and the ABI: a library made by another
     * translator, or against another cellulab_mech.h, is rebuilt */
    const char *salt[5] = {CELLULAB_VERSION, cc, CELLULAB_INCLUDE_DIR, CL_MECH_STR_(CL_MECH_ABI_VERSION),
                           CL_NMODL_GENERATOR_REVISION};
    for (int k = 0; k < 5; k++)
        for (const char *p = salt[k]; *p; p++) MIX(*p);
    for (size_t i = 0; i < files->n; i++) {
        /* a file replaced by cellulab's maintained version: that version's text counts too */
        const char *mname = cl_nmodl_maintained_name(files->s[i]);
        char mpath[4096];
        if (mname && maintained_file(mname, mpath, sizeof mpath)) {
            FILE *f = fopen(mpath, "rb");
            if (!f) return -1;
            int c;
            while ((c = fgetc(f)) != EOF) MIX(c);
            fclose(f);
        }
        const char *base = strrchr(files->s[i], '/');
        for (const char *p = base ? base + 1 : files->s[i]; *p; p++) MIX(*p);
        MIX(0);
        FILE *f = fopen(files->s[i], "rb");
        if (!f) return -1;
        int c;
        while ((c = fgetc(f)) != EOF) MIX(c);
        fclose(f);
        MIX(0xff);
    }
#undef MIX
    *out = h;
    return 0;
}

static int write_text(FILE *f, void *ctx) { return fputs(ctx, f) < 0 ? -1 : 0; }

/* Run argv, wait; 0 when it exited 0. */
static int run(char *const argv[], cl_error *err) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) { seterr(err, "build-mechanisms: fork failed: %s", strerror(errno)); return -1; }
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) { seterr(err, "build-mechanisms: waitpid: %s", strerror(errno)); return -1; }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 0;
    seterr(err, "build-mechanisms: %s failed (%s %d)", argv[0], WIFEXITED(status) ? "exit status" : "signal",
           WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return -1;
}

/* Mechanisms whose original MOD files need VERBATIM and of which cellulab
 * keeps its own NMODL version: VecStim among the built-ins (mod/), the
 * others as MOD files in CELLULAB_MAINTAINED_MOD_DIR (mod/bbp/<name>.mod),
 * used only where that file exists. */
static const char *const maintained[] = {"VecStim",   "ProbAMPANMDA_EMS", "ProbGABAAB_EMS", "DetAMPANMDA",
                                         "DetGABAAB", "GluSynapse",       "StochKv",        "StochKv3",
                                         "InhPoissonStim"};

const char *cl_nmodl_maintained_dir(void) { return CELLULAB_MAINTAINED_MOD_DIR; }

/* The maintained MOD file of name, or 0 (built in, or not written). */
static int maintained_file(const char *name, char *buf, size_t n) {
    if (strcmp(name, "VecStim") == 0) return 0;
    snprintf(buf, n, "%s/%s.mod", CELLULAB_MAINTAINED_MOD_DIR, name);
    return access(buf, R_OK) == 0;
}

static int has_verbatim(const cl_ast *n) {
    if (!n) return 0;
    if (n->kind == NK_VERBATIM) return 1;
    for (int i = 0; i < n->nkid; i++)
        if (has_verbatim(n->kid[i])) return 1;
    return 0;
}

const char *cl_nmodl_maintained_name(const char *mod_path) {
    if (!mod_path) return NULL;
    char perr[256], path[4096];
    cl_ast *root = cl_nmodl_parse_file(mod_path, perr, sizeof perr);
    const char *found = NULL;
    if (root && !has_verbatim(root)) { cl_ast_free(root); return NULL; } /* the user's own NMODL version */
    for (int i = 0; root && i < root->nkid && !found; i++) {
        const cl_ast *blk = root->kid[i];
        if (!blk || blk->kind != NK_NEURON) continue;
        for (int j = 0; j < blk->nkid && !found; j++) {
            const cl_ast *st = blk->kid[j];
            if (!st || !st->name ||
                (st->kind != NK_SUFFIX && st->kind != NK_POINT_PROCESS && st->kind != NK_ARTIFICIAL_CELL))
                continue;
            for (size_t m = 0; m < sizeof maintained / sizeof *maintained; m++)
                if (strcmp(st->name, maintained[m]) == 0 &&
                    (strcmp(st->name, "VecStim") == 0 || maintained_file(st->name, path, sizeof path)))
                    found = maintained[m];
        }
    }
    cl_ast_free(root);
    return found;
}

int cl_nmodl_maintained_path(const char *name, char *buf, size_t n) {
    if (!name || !buf || n == 0) return 0;
    return maintained_file(name, buf, n);
}

cl_status cl_build_mechanisms(const char *const *inputs, size_t n, const char *so_path, int force, cl_error *err) {
    if (!inputs || n == 0 || !so_path) {
        seterr(err, "build-mechanisms: expected inputs and an output path");
        return CL_EINVAL;
    }
    const char *cc = getenv("CC");
    if (!cc || !*cc) cc = "cc";
    strlist files = {0};
    cl_status st = collect(inputs, n, &files, err);
    char hashpath[4096], hashtext[64], tmpdir[64] = "";
    char *mechlist = NULL;
    uint64_t h = 0;
    if (st != CL_OK) goto done;
    if (content_hash(&files, cc, &h) != 0) { seterr(err, "build-mechanisms: cannot read the inputs"); st = CL_EIO; goto done; }
    snprintf(hashpath, sizeof hashpath, "%s.hash", so_path);
    snprintf(hashtext, sizeof hashtext, "%016llx\n", (unsigned long long)h);
    if (!force && access(so_path, R_OK) == 0) {
        FILE *f = fopen(hashpath, "r");
        char old[64] = "";
        if (f) {
            if (!fgets(old, sizeof old, f)) old[0] = '\0';
            fclose(f);
        }
        if (strcmp(old, hashtext) == 0) goto done; /* up to date */
    }
    snprintf(tmpdir, sizeof tmpdir, "/tmp/cellulab-mech-XXXXXX");
    if (!mkdtemp(tmpdir)) { seterr(err, "build-mechanisms: mkdtemp: %s", strerror(errno)); st = CL_EIO; tmpdir[0] = '\0'; goto done; }
    /* translate each file; the mechanism list registers them in order */
    size_t cap = 4096 + files.n * 160;
    mechlist = malloc(cap);
    if (!mechlist) { st = CL_ENOMEM; goto done; }
    size_t len = (size_t)snprintf(mechlist, cap, "/* generated by cellulab build-mechanisms */\n#include \"cellulab_mech.h\"\n");
    char **cfiles = calloc(files.n + 16, sizeof *cfiles);
    char **names = calloc(files.n, sizeof *names);
    if (!cfiles || !names) { free(cfiles); free(names); st = CL_ENOMEM; goto done; }
    for (size_t i = 0; i < files.n && st == CL_OK; i++) {
        char cpath[4200];
        snprintf(cpath, sizeof cpath, "%s/m%zu.c", tmpdir, i);
        char *mechname = NULL;
        const char *mname = cl_nmodl_maintained_name(files.s[i]);
        char mpath[4096];
        if (mname && !maintained_file(mname, mpath, sizeof mpath)) continue; /* built in (VecStim) */
        /* an original VERBATIM file of a maintained mechanism: cellulab's version */
        st = mname ? cl_nmodl_translate_defaults(mpath, files.s[i], cpath, &mechname, err)
                   : cl_nmodl_translate_named(files.s[i], cpath, &mechname, err);
        if (st != CL_OK) break;
        names[i] = mechname;
        cfiles[i] = cl_strdup(cpath);
        len += (size_t)snprintf(mechlist + len, cap - len, "extern const cl_mech_type cl_mod_%s;\n", mechname);
    }
    if (st == CL_OK) {
        len += (size_t)snprintf(mechlist + len, cap - len,
                                "const cl_mech_type *const *cellulab_mechanisms_v%d(int *n) {\n"
                                "    static const cl_mech_type *const list[] = {\n", CL_MECH_ABI_VERSION);
        size_t nmech = 0;
        for (size_t i = 0; i < files.n; i++)
            if (names[i]) {
                len += (size_t)snprintf(mechlist + len, cap - len, "        &cl_mod_%s,\n", names[i]);
                nmech++;
            }
        if (nmech == 0) len += (size_t)snprintf(mechlist + len, cap - len, "        0,\n");
        snprintf(mechlist + len, cap - len, "    };\n    *n = %zu;\n    return list;\n}\n", nmech);
        char listpath[128], incl[4200], out_tmp[4200];
        snprintf(listpath, sizeof listpath, "%s/mechlist.c", tmpdir);
        snprintf(incl, sizeof incl, "-I%s", CELLULAB_INCLUDE_DIR);
        snprintf(out_tmp, sizeof out_tmp, "%s/lib.so", tmpdir);
        char emsg[600];
        if (cl_write_file_atomic(listpath, write_text, mechlist, emsg, sizeof emsg) != 0) {
            seterr(err, "build-mechanisms: %s", emsg);
            st = CL_EIO;
        } else {
            /* NEURON's nrnivmodl compiles with -O2 and no FMA; -ffp-contract=off
             * keeps the arithmetic that way on compilers that would contract */
            char *argv[32 + 4096];
            size_t a = 0;
            argv[a++] = (char *)cc;
            argv[a++] = "-std=c17";
            argv[a++] = "-O2";
            argv[a++] = "-ffp-contract=off";
            argv[a++] = "-fno-fast-math";
            argv[a++] = "-fPIC";
            /* FMA instructions for the inline exp (cl_exp_fma_) on CPUs
             * that have them; contraction stays off */
            __builtin_cpu_init();
            if (__builtin_cpu_supports("fma") && __builtin_cpu_supports("avx2")) {
                argv[a++] = "-mfma";
                argv[a++] = "-mavx2";
            }
            argv[a++] = "-shared";
            argv[a++] = incl;
            argv[a++] = "-o";
            argv[a++] = out_tmp;
            argv[a++] = listpath;
            for (size_t i = 0; i < files.n && a < sizeof argv / sizeof argv[0] - 2; i++)
                if (cfiles[i]) argv[a++] = cfiles[i];
            argv[a++] = "-lm";
            argv[a] = NULL;
            if (files.n > 4000) { seterr(err, "build-mechanisms: more than 4000 files"); st = CL_EINVAL; }
            else if (run(argv, err) != 0) st = CL_EIO;
            else if (rename(out_tmp, so_path) != 0) {
                /* across file systems: copy */
                char *cp[] = {"cp", out_tmp, (char *)so_path, NULL};
                if (run(cp, err) != 0) st = CL_EIO;
            }
            if (st == CL_OK && cl_write_file_atomic(hashpath, write_text, hashtext, emsg, sizeof emsg) != 0) {
                seterr(err, "build-mechanisms: %s", emsg);
                st = CL_EIO;
            }
        }
    }
    for (size_t i = 0; i < files.n; i++) { free(cfiles[i]); free(names[i]); }
    free(cfiles);
    free(names);
done:
    free(mechlist);
    if (tmpdir[0]) {
        char *rm[] = {"rm", "-rf", tmpdir, NULL};
        cl_error ignore;
        run(rm, &ignore);
    }
    strlist_free(&files);
    return st;
}
