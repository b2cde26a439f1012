/* Writes the figures that check_svg.py inspects, with expected.json saying
 * what each should contain, and checks the failures that leave no figure.
 * Usage: make_svgs DIR (created when missing). Exit status 1 on a failure. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cellulab_tools.h"

#define FAIL(...) (fprintf(stderr, "make_svgs: " __VA_ARGS__), fputc('\n', stderr), 1)

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

/* One line of expected.json; counts < 0 are left out. */
static void expect(FILE *f, int *first, const char *file, const char *kind, const char *title,
                   long points, long min_points, long max_points, long stim_points,
                   long stim_max_points, int constant) {
    fprintf(f, "%s\n  ", *first ? "" : ",");
    *first = 0;
    json_str(f, file);
    fprintf(f, ": {\"kind\": \"%s\", \"title\": ", kind);
    json_str(f, title);
    if (points >= 0) fprintf(f, ", \"points\": %ld", points);
    if (min_points >= 0) fprintf(f, ", \"min_points\": %ld, \"max_points\": %ld", min_points, max_points);
    if (stim_points >= 0) fprintf(f, ", \"stim_points\": %ld", stim_points);
    if (stim_max_points >= 0) fprintf(f, ", \"stim_max_points\": %ld", stim_max_points);
    fprintf(f, ", \"constant\": %s}", constant ? "true" : "false");
}

static char *join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Spikes as triangles on -65 mV: a rise to +30 in 1 ms, a fall to -75 in
 * 2 ms, a recovery in 10 ms, every 40 ms from 60 ms on. */
static double spiky(double t) {
    if (t < 60) return -65;
    double s = fmod(t - 60, 40);
    if (s < 1) return -65 + 95 * s;
    if (s < 3) return 30 - 52.5 * (s - 1);
    if (s < 13) return -75 + (s - 3);
    return -65;
}

int main(int argc, char **argv) {
    if (argc != 2) return FAIL("usage: make_svgs DIR");
    const char *dir = argv[1];
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return FAIL("%s: %s", dir, strerror(errno));
    char *manifest = join(dir, "expected.json");
    FILE *m = manifest ? fopen(manifest, "w") : NULL;
    if (!m) return FAIL("cannot write %s", manifest ? manifest : "expected.json");
    fputs("{", m);
    int first = 1, bad = 0;
    cl_error err = {{0}};
    char *path;

    /* A 300 ms trace at 0.1 ms with 4 non-finite samples, under a step. */
    enum { N = 3001 };
    double *t = malloc(N * sizeof *t), *v = malloc(N * sizeof *v);
    for (int i = 0; i < N; i++) { t[i] = 0.1 * i; v[i] = spiky(t[i]); }
    v[100] = NAN;
    v[1500] = INFINITY;
    v[1501] = -INFINITY;
    t[2000] = NAN;
    const double st[6] = {-10, 50, 50, 250, 250, 400}, sy[6] = {0, 0, 0.5, 0.5, 0, 0};
    cl_waveform *step = NULL, *empty = NULL;
    if (cl_waveform_from_arrays(st, sy, 6, &step, &err) != CL_OK ||
        cl_waveform_new(&empty, &err) != CL_OK)
        return FAIL("waveform: %s", err.msg);
    const char *title = "Step <0.5 nA> & \"quoted\" 'text'";
    path = join(dir, "trace.svg");
    if (cl_svg_trace(path, t, v, N, step, title, &err) != CL_OK) bad = FAIL("%s", err.msg);
    /* The step's 4 inner points and its values at both ends of the axis. */
    expect(m, &first, "trace.svg", "trace", title, N - 4, -1, -1, 6, -1, 0);
    free(path);
    path = join(dir, "trace_nostim.svg");
    if (cl_svg_trace(path, t, v, N, NULL, "no stimulus", &err) != CL_OK) bad = FAIL("%s", err.msg);
    expect(m, &first, "trace_nostim.svg", "trace", "no stimulus", N - 4, -1, -1, -1, -1, 0);
    free(path);

    /* Constant voltage under an empty (zero) stimulus: both axes need a span. */
    double tc[11], vc[11];
    for (int i = 0; i < 11; i++) { tc[i] = i; vc[i] = -65; }
    path = join(dir, "constant.svg");
    if (cl_svg_trace(path, tc, vc, 11, empty, "constant", &err) != CL_OK) bad = FAIL("%s", err.msg);
    expect(m, &first, "constant.svg", "trace", "constant", 11, -1, -1, 2, -1, 1);
    free(path);

    /* 200001 samples and a stimulus of 10001 points: both are thinned to at
     * most 4 points per half pixel column (the plot is 700 px wide). */
    enum { NL = 200001, NW = 10001 };
    double *tl = malloc(NL * sizeof *tl), *vl = malloc(NL * sizeof *vl);
    double *wt = malloc(NW * sizeof *wt), *wy = malloc(NW * sizeof *wy);
    for (int i = 0; i < NL; i++) {
        tl[i] = 0.005 * i;
        vl[i] = spiky(tl[i]) + 2 * sin(tl[i]);
    }
    for (int i = 0; i < NW; i++) {
        wt[i] = 0.1 * i;
        wy[i] = 0.2 + 0.05 * sin(0.37 * i) + 0.02 * cos(2.9 * i);
    }
    cl_waveform *noisy = NULL;
    if (cl_waveform_from_arrays(wt, wy, NW, &noisy, &err) != CL_OK)
        return FAIL("waveform: %s", err.msg);
    path = join(dir, "trace_long.svg");
    if (cl_svg_trace(path, tl, vl, NL, noisy, "long", &err) != CL_OK) bad = FAIL("%s", err.msg);
    expect(m, &first, "trace_long.svg", "trace", "long", -1, 1000, 4 * 1401, -1, 4 * 1401, 0);
    free(path);

    /* An IV curve with one missing point, an FI curve whose title has bytes
     * XML cannot carry, and a single point. */
    const double ix[7] = {-0.4, -0.3, -0.2, -0.1, 0, 0.1, 0.2};
    const double iy[7] = {-92.5, -85.1, NAN, -71.3, -65, -59.2, -53.9};
    path = join(dir, "iv.svg");
    if (cl_svg_curve(path, ix, iy, 7, "IV curve", "current (nA)", "voltage (mV)", &err) != CL_OK)
        bad = FAIL("%s", err.msg);
    expect(m, &first, "iv.svg", "curve", "IV curve", 6, -1, -1, -1, -1, 0);
    free(path);
    const double fx[5] = {0.1, 0.2, 0.3, 0.4, 0.5}, fy[5] = {0, 0, 12, 25, 31};
    path = join(dir, "fi.svg");
    if (cl_svg_curve(path, fx, fy, 5, "FI \xff curve\x01 \xc2\xb5", "current (nA)",
                     "frequency (Hz)", &err) != CL_OK)
        bad = FAIL("%s", err.msg);
    expect(m, &first, "fi.svg", "curve", "FI \xef\xbf\xbd curve\xef\xbf\xbd \xc2\xb5", 5, -1, -1, -1,
           -1, 0);
    free(path);
    path = join(dir, "single.svg");
    if (cl_svg_curve(path, fx, fy + 2, 1, "one point", NULL, NULL, &err) != CL_OK)
        bad = FAIL("%s", err.msg);
    expect(m, &first, "single.svg", "curve", "one point", 1, -1, -1, -1, -1, 1);
    free(path);
    fputs("\n}\n", m);
    if (fclose(m) != 0) bad = FAIL("cannot write %s", manifest);
    free(manifest);

    /* Failures: an error, and no file at the path (nor a temporary one,
     * which check_svg.py looks for). */
    path = join(dir, "no-such-dir/trace.svg");
    if (cl_svg_trace(path, t, v, N, step, "x", &err) != CL_EIO || !strstr(err.msg, "no-such-dir"))
        bad = FAIL("writing into a missing folder: expected CL_EIO, got \"%s\"", err.msg);
    if (access(path, F_OK) == 0) bad = FAIL("%s exists after a failed write", path);
    if (cl_svg_curve(path, ix, iy, 7, "x", "x", "y", &err) != CL_EIO) bad = FAIL("curve: no CL_EIO");
    free(path);
    path = join(dir, "occupied.svg"); /* a folder: the final rename fails */
    if (mkdir(path, 0755) != 0 && errno != EEXIST) bad = FAIL("%s: %s", path, strerror(errno));
    if (cl_svg_trace(path, t, v, N, NULL, "x", &err) != CL_EIO)
        bad = FAIL("writing over a folder: expected CL_EIO, got \"%s\"", err.msg);
    free(path);
    path = join(dir, "never.svg");
    if (cl_svg_trace(path, t, v, 0, NULL, "x", &err) != CL_EINVAL) bad = FAIL("n = 0 accepted");
    if (cl_svg_curve(path, ix, iy, 0, "x", "x", "y", &err) != CL_EINVAL) bad = FAIL("n = 0 accepted");
    if (cl_svg_trace(path, NULL, v, N, NULL, "x", &err) != CL_EINVAL) bad = FAIL("t = NULL accepted");
    if (cl_svg_trace(NULL, t, v, N, NULL, "x", NULL) != CL_EINVAL) bad = FAIL("path = NULL accepted");
    const double nan2[2] = {NAN, NAN};
    if (cl_svg_curve(path, nan2, nan2, 2, "x", "x", "y", &err) != CL_EINVAL ||
        !strstr(err.msg, "finite"))
        bad = FAIL("all-NaN curve: \"%s\"", err.msg);
    if (access(path, F_OK) == 0) bad = FAIL("%s exists after rejected calls", path);
    free(path);

    cl_waveform_free(step);
    cl_waveform_free(empty);
    cl_waveform_free(noisy);
    free(t); free(v); free(tl); free(vl); free(wt); free(wy);
    if (!bad) printf("make_svgs: figures in %s\n", dir);
    return bad;
}
