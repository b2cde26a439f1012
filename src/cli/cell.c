/* cellulab cell: single-cell protocols, searches and the cell's description.
 *   cellulab cell run CELL --protocol NAME [--amp NA | --threshold NA [--percent P]]
 *   cellulab cell rheobase|iv|fi|holding|rin CELL [options]
 *   cellulab cell info CELL [--json] [--sections]
 * CELL is "ballstick" or MORPHOLOGY [MODEL] (cl_cell_load_model). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cellulab_model.h"
#include "cellulab_tools.h"
#include "cli/cli.h"

static void cell_usage(FILE *f) {
    fprintf(f,
            "usage: cellulab cell COMMAND CELL [options]\n"
            "\n"
            "commands (BlueCelluLab's defaults; every trial in its own process):\n"
            "  run       inject a protocol and record the soma\n"
            "  rheobase  threshold current of a 300-1000 ms step (bisection to 0.005 nA)\n"
            "  holding   current that clamps the soma at --v-hold mV (default -70)\n"
            "  rin       input resistance from a -0.02 nA step (MOhm)\n"
            "  iv        steady-state voltage of 11 steps up to rheobase - 0.1 nA\n"
            "  fi        spike counts of 11 steps from rheobase to --max nA (default 0.8)\n"
            "  info      sections, segments, membrane area and mechanisms of the cell\n"
            "\n"
            "CELL: ballstick (the built-in ball-and-stick cell), or MORPHOLOGY [MODEL]:\n"
            "  a morphology (.swc, .asc, .h5) and a model description (NeuroML2 .cell.nml,\n"
            "  Allen fit JSON, BluePyOpt JSON, or a Blue Brain hoc template .hoc loaded as\n"
            "  BlueCelluLab does); the model's MOD files via --mechanisms\n"
            "\n"
            "options:\n"
            "  --protocol NAME   run: ap_waveform, idrest, iv, fire_pattern, pos_cheops,\n"
            "                    neg_cheops, sinespec, step, ramp\n"
            "  --amp NA          run: the protocol's amplitude in nA\n"
            "  --threshold NA    run: amplitude as a percentage of this threshold current\n"
            "  --percent P       run: that percentage (default: the protocol's)\n"
            "  --v-hold MV       holding: the clamp voltage (default -70)\n"
            "  --max NA          fi: the largest amplitude (default 0.8)\n"
            "  --rheobase NA     iv, fi: skip the rheobase search\n"
            "  --nproc N         processes for curves (default: all cores)\n"
            "  --mechanisms LIB  load a library of compiled MOD files (cellulab build-mechanisms)\n"
            "  --nseg-rule RULE  discretisation: fixed=N, dlambda=D (at --freq Hz, default 100),\n"
            "                    maxlen=UM, bbp40 (default: the model format's own rule)\n"
            "  --axon RULE       none, bluepyopt, aibs_perisomatic, aibs_allactive\n"
            "                    (default: the model format's own rule; none without a model)\n"
            "  --h5-cell NAME    the cell of an HDF5 morphology container (its group name)\n"
            "  --recipe NAME     Allen fit JSON: aibs_perisomatic (default) or aibs_allactive\n"
            "  --soma-orientation V  neuron9 (default) or neuron8.2: how a contour soma's\n"
            "                    axis is oriented (NEURON 9.0 flips it, 8.2 does not)\n"
            "  --pt3d-digits N   8 (default, NEURON 8.2's Import3d) or 6 (the older Import3d\n"
            "                    bmtk ships, which wrote 3-D points with %%g)\n"
            "  --template-format F  .hoc: v5 (gid, path), v6 (gid, dir, file, attributes),\n"
            "                    bluepyopt (dir, file) or auto (default: detected)\n"
            "  --gid N           .hoc: the gid passed to the template (default 0)\n"
            "  --attr NAME=VALUE .hoc v6: a value for <Template>_NeededAttributes (repeatable;\n"
            "                    AIS_scaler and soma_scaler default to 1.0)\n"
            "  --sections        info: print every section\n"
            "  --csv FILE        write the data as CSV\n"
            "  --svg FILE        write a figure\n"
            "  --json            print one JSON object (keys name quantity and unit)\n"
            "  -h, --help        show this help\n");
}

typedef cli_cell_opts opts;

static int parse_number(const char *opt, const char *s, double *out) {
    char *end;
    double x = strtod(s, &end);
    if (end == s || *end || !isfinite(x)) {
        fprintf(stderr, "cellulab cell: %s: expected a number, got \"%s\"\n", opt, s);
        return -1;
    }
    *out = x;
    return 0;
}

/* fixed=N, dlambda=D, maxlen=UM, bbp40 */
static int parse_nseg_rule(const char *v, cl_model_options *m) {
    const char *eq = strchr(v, '=');
    size_t klen = eq ? (size_t)(eq - v) : strlen(v);
    double x = 0;
    m->nseg_set = 1;
    if (klen == 5 && strncmp(v, "bbp40", 5) == 0 && !eq) {
        m->nseg_rule = CL_NSEG_BBP40;
        return 0;
    }
    if (eq && parse_number("--nseg-rule", eq + 1, &x) == 0 && x > 0) {
        if (klen == 5 && strncmp(v, "fixed", 5) == 0 && x == floor(x) && x <= 32767) m->nseg_rule = CL_NSEG_FIXED;
        else if (klen == 7 && strncmp(v, "dlambda", 7) == 0) m->nseg_rule = CL_NSEG_DLAMBDA;
        else if (klen == 6 && strncmp(v, "maxlen", 6) == 0) m->nseg_rule = CL_NSEG_MAXLEN;
        else goto bad;
        m->nseg_value = x;
        return 0;
    }
bad:
    fprintf(stderr, "cellulab cell: --nseg-rule: expected fixed=N (1..32767), dlambda=D, maxlen=UM or bbp40, got \"%s\"\n", v);
    return -1;
}

static int parse(int argc, char **argv, opts *o) {
    memset(o, 0, sizeof *o);
    o->v_hold = -70;
    o->max = 0.8;
    o->rheobase = NAN;
    o->percent = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) return 1;
        if (strcmp(a, "--json") == 0) { o->json = 1; continue; }
        if (strcmp(a, "--sections") == 0) { o->sections = 1; continue; }
        if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc) {
                fprintf(stderr, "cellulab cell: %s needs a value\n", a);
                return -1;
            }
            const char *v = argv[++i];
            double x = 0;
            if (strcmp(a, "--protocol") == 0) o->protocol = v;
            else if (strcmp(a, "--csv") == 0) o->csv = v;
            else if (strcmp(a, "--svg") == 0) o->svg = v;
            else if (strcmp(a, "--mechanisms") == 0) o->mechanisms = v;
            else if (strcmp(a, "--nseg-rule") == 0) { if (parse_nseg_rule(v, &o->load)) return -1; }
            else if (strcmp(a, "--freq") == 0) {
                if (parse_number(a, v, &o->load.nseg_freq_hz) || o->load.nseg_freq_hz <= 0) {
                    fprintf(stderr, "cellulab cell: --freq: expected a frequency > 0 Hz\n");
                    return -1;
                }
            }
            else if (strcmp(a, "--axon") == 0) o->load.morph.axon = v;
            else if (strcmp(a, "--template-format") == 0) {
                o->have_tmpl_opt = 1;
                if (strcmp(v, "v5") == 0) o->tmpl.format = CL_TEMPLATE_V5;
                else if (strcmp(v, "v6") == 0) o->tmpl.format = CL_TEMPLATE_V6;
                else if (strcmp(v, "bluepyopt") == 0) o->tmpl.format = CL_TEMPLATE_BLUEPYOPT;
                else if (strcmp(v, "auto") == 0) o->tmpl.format = CL_TEMPLATE_AUTO;
                else {
                    fprintf(stderr, "cellulab cell: --template-format: expected v5, v6, bluepyopt or auto, got \"%s\"\n", v);
                    return -1;
                }
            }
            else if (strcmp(a, "--gid") == 0) {
                o->have_tmpl_opt = 1;
                if (parse_number(a, v, &x) || x < 0 || x != floor(x) || x > 9007199254740992.0) {
                    fprintf(stderr, "cellulab cell: --gid: expected a whole number >= 0, got \"%s\"\n", v);
                    return -1;
                }
                o->tmpl.gid = (uint64_t)x;
            }
            else if (strcmp(a, "--attr") == 0) {
                o->have_tmpl_opt = 1;
                const char *eq = strchr(v, '=');
                if (!eq || eq == v) {
                    fprintf(stderr, "cellulab cell: --attr: expected NAME=VALUE, got \"%s\"\n", v);
                    return -1;
                }
                if (o->tmpl.n_attrs >= CLI_MAX_ATTRS) {
                    fprintf(stderr, "cellulab cell: --attr: at most %d attributes\n", CLI_MAX_ATTRS);
                    return -1;
                }
                if (parse_number(a, eq + 1, &o->attr_values[o->tmpl.n_attrs])) return -1;
                size_t n = (size_t)(eq - v);
                if (n >= sizeof o->attr_buf[0]) {
                    fprintf(stderr, "cellulab cell: --attr: name too long in \"%s\"\n", v);
                    return -1;
                }
                memcpy(o->attr_buf[o->tmpl.n_attrs], v, n);
                o->attr_buf[o->tmpl.n_attrs][n] = '\0';
                o->attr_names[o->tmpl.n_attrs] = o->attr_buf[o->tmpl.n_attrs];
                o->tmpl.n_attrs++;
            }
            else if (strcmp(a, "--h5-cell") == 0) o->load.morph.h5_cell = v;
            else if (strcmp(a, "--recipe") == 0) o->load.recipe = v;
            else if (strcmp(a, "--soma-orientation") == 0) {
                if (strcmp(v, "neuron9") == 0) o->load.morph.soma = CL_SOMA_NEURON9;
                else if (strcmp(v, "neuron8.2") == 0) o->load.morph.soma = CL_SOMA_NEURON82;
                else {
                    fprintf(stderr, "cellulab cell: --soma-orientation: expected neuron9 or neuron8.2, got \"%s\"\n", v);
                    return -1;
                }
            }
            else if (strcmp(a, "--pt3d-digits") == 0) {
                if (strcmp(v, "6") == 0) o->load.morph.pt3d_digits = 6;
                else if (strcmp(v, "8") == 0) o->load.morph.pt3d_digits = 8;
                else {
                    fprintf(stderr, "cellulab cell: --pt3d-digits: expected 8 or 6, got \"%s\"\n", v);
                    return -1;
                }
            }
            else if (strcmp(a, "--amp") == 0) { if (parse_number(a, v, &o->amp)) return -1; o->have_amp = 1; }
            else if (strcmp(a, "--threshold") == 0) { if (parse_number(a, v, &o->threshold)) return -1; o->have_threshold = 1; }
            else if (strcmp(a, "--percent") == 0) { if (parse_number(a, v, &o->percent)) return -1; }
            else if (strcmp(a, "--v-hold") == 0) { if (parse_number(a, v, &o->v_hold)) return -1; }
            else if (strcmp(a, "--max") == 0) { if (parse_number(a, v, &o->max)) return -1; }
            else if (strcmp(a, "--rheobase") == 0) { if (parse_number(a, v, &o->rheobase)) return -1; }
            else if (strcmp(a, "--nproc") == 0) {
                if (parse_number(a, v, &x) || x < 0 || x != floor(x) || x > 4096) {
                    fprintf(stderr, "cellulab cell: --nproc: expected a whole number 0..4096\n");
                    return -1;
                }
                o->nproc = (int)x;
            } else {
                fprintf(stderr, "cellulab cell: unknown option \"%s\" (see cellulab cell --help)\n", a);
                return -1;
            }
        } else if (!o->cmd) {
            o->cmd = a;
        } else if (!o->model) {
            o->model = a;
        } else if (!o->model_file) {
            o->model_file = a;
        } else {
            fprintf(stderr, "cellulab cell: unexpected argument \"%s\"\n", a);
            return -1;
        }
    }
    if (!o->cmd || !o->model) {
        fprintf(stderr, "cellulab cell: expected COMMAND and CELL (see cellulab cell --help)\n");
        return -1;
    }
    o->tmpl.attr_names = o->attr_names;
    o->tmpl.attr_values = o->attr_values;
    if (o->have_tmpl_opt && !cli_is_template(o->model_file)) {
        fprintf(stderr, "cellulab cell: --template-format, --gid and --attr apply to a .hoc template model only\n");
        return -1;
    }
    if (strcmp(o->model, "ballstick") == 0 && o->model_file) {
        fprintf(stderr, "cellulab cell: ballstick takes no model file (got \"%s\")\n", o->model_file);
        return -1;
    }
    if (o->load.nseg_set && o->load.nseg_rule == CL_NSEG_DLAMBDA && o->load.nseg_freq_hz == 0)
        o->load.nseg_freq_hz = 100;
    return 0;
}

/* Progress on a terminal: one line rewritten in place. */
static void progress(void *ctx, const char *what) {
    int *count = ctx;
    fprintf(stderr, "\r\033[K  trial %d: %s", ++*count, what);
    fflush(stderr);
}

static void progress_done(int enabled) {
    if (enabled) fprintf(stderr, "\r\033[K");
}

typedef struct table { const char *header; const double *cols[3]; int ncol; size_t n; } table;

static int write_table(FILE *f, void *ctx) {
    const table *t = ctx;
    fprintf(f, "%s\n", t->header);
    for (size_t i = 0; i < t->n; i++) {
        for (int c = 0; c < t->ncol; c++) fprintf(f, "%s%.17g", c ? "," : "", t->cols[c][i]);
        fputc('\n', f);
    }
    return 0;
}

static int fail(const char *what, const cl_error *err) {
    fprintf(stderr, "cellulab cell %s: %s\n", what, err->msg);
    return 1;
}

static void json_array(const char *key, const double *x, size_t n, int last) {
    printf("  \"%s\": [", key);
    for (size_t i = 0; i < n; i++) printf("%s%.17g", i ? ", " : "", x[i]);
    printf("]%s\n", last ? "" : ",");
}

static int cmd_run(const opts *o, cl_tool_config *cfg) {
    if (!o->protocol) {
        fprintf(stderr, "cellulab cell run: --protocol NAME is required\n");
        return 2;
    }
    double threshold = o->have_amp ? o->amp : o->threshold, percent = o->have_amp ? 100 : o->percent;
    if (!o->have_amp && !o->have_threshold) {
        fprintf(stderr, "cellulab cell run: give --amp NA or --threshold NA [--percent P]\n");
        return 2;
    }
    cl_error err = {{0}};
    cl_waveform *w;
    if (cl_wf_protocol(o->protocol, cfg->dt, threshold, percent, &w, &err) != CL_OK) return fail("run", &err);
    cl_trial tr;
    cl_status st = cl_tool_run_waveform(cfg, w, 0, &tr, &err);
    progress_done(cfg->progress != NULL);
    if (st != CL_OK) {
        cl_waveform_free(w);
        return fail("run", &err);
    }
    int rc = 0;
    if (o->csv) {
        table t = {.header = "t_ms,v_mV", .cols = {tr.t, tr.v}, .ncol = 2, .n = tr.n};
        if (cli_write_file(o->csv, write_table, &t) != 0) rc = 1;
    }
    if (o->svg) {
        char title[160];
        snprintf(title, sizeof title, "%s: %s", o->model, o->protocol);
        if (cl_svg_trace(o->svg, tr.t, tr.v, tr.n, w, title, &err) != CL_OK) rc = fail("run", &err);
    }
    if (o->json) {
        printf("{\n  \"model\": \"%s\",\n  \"protocol\": \"%s\",\n  \"spike_count\": %zu,\n", o->model,
               o->protocol, tr.nspikes);
        json_array("spike_times_ms", tr.spikes, tr.nspikes, 0);
        printf("  \"samples\": %zu\n}\n", tr.n);
    } else {
        printf("%s, %s: %zu samples, %zu spikes", o->model, o->protocol, tr.n, tr.nspikes);
        for (size_t i = 0; i < tr.nspikes && i < 20; i++) printf("%s%.3f", i ? ", " : " at ", tr.spikes[i]);
        printf("%s\n", tr.nspikes > 20 ? ", ... ms" : tr.nspikes ? " ms" : "");
    }
    cl_trial_free(&tr);
    cl_waveform_free(w);
    return rc;
}

static int cmd_curve(const opts *o, cl_tool_config *cfg, int fi) {
    enum { NBINS = 11 };
    double amps[NBINS], y[NBINS], rates[NBINS];
    cl_error err = {{0}};
    cl_status st = fi ? cl_tool_fi_curve(cfg, o->rheobase, o->max, NBINS, amps, y, rates, &err)
                      : cl_tool_iv_curve(cfg, o->rheobase, NBINS, amps, y, &err);
    progress_done(cfg->progress != NULL);
    if (st != CL_OK) return fail(fi ? "fi" : "iv", &err);
    int rc = 0;
    if (o->csv) {
        table t = fi ? (table){.header = "amp_nA,spike_count,rate_Hz", .cols = {amps, y, rates}, .ncol = 3, .n = NBINS}
                     : (table){.header = "amp_nA,v_ss_mV", .cols = {amps, y}, .ncol = 2, .n = NBINS};
        if (cli_write_file(o->csv, write_table, &t) != 0) rc = 1;
    }
    if (o->svg) {
        st = fi ? cl_svg_curve(o->svg, amps, rates, NBINS, "FI curve", "injected current (nA)", "firing rate (Hz)", &err)
                : cl_svg_curve(o->svg, amps, y, NBINS, "IV curve", "injected current (nA)", "steady-state voltage (mV)", &err);
        if (st != CL_OK) rc = fail(fi ? "fi" : "iv", &err);
    }
    if (o->json) {
        printf("{\n  \"model\": \"%s\",\n", o->model);
        json_array("amps_nA", amps, NBINS, 0);
        if (fi) {
            json_array("spike_counts", y, NBINS, 0);
            json_array("rates_Hz", rates, NBINS, 1);
        } else {
            json_array("steady_state_voltage_mV", y, NBINS, 1);
        }
        printf("}\n");
    } else {
        printf("%-12s %s\n", "amp (nA)", fi ? "spikes   rate (Hz)" : "V_ss (mV)");
        for (int i = 0; i < NBINS; i++) {
            if (fi) printf("%-12.4f %-8.0f %.1f\n", amps[i], y[i], rates[i]);
            else printf("%-12.4f %.3f\n", amps[i], y[i]);
        }
    }
    return rc;
}

static int cmd_scalar(const opts *o, cl_tool_config *cfg) {
    cl_error err = {{0}};
    double value;
    const char *key, *label;
    cl_status st;
    if (strcmp(o->cmd, "rheobase") == 0) {
        st = cl_tool_rheobase(cfg, 0.0, &value, &err);
        key = "rheobase_nA";
        label = "rheobase (nA)";
    } else if (strcmp(o->cmd, "holding") == 0) {
        st = cl_tool_holding_current(cfg, o->v_hold, &value, &err);
        key = "holding_current_nA";
        label = "holding current (nA)";
    } else {
        st = cl_tool_input_resistance(cfg, &value, &err);
        key = "input_resistance_MOhm";
        label = "input resistance (MOhm)";
    }
    progress_done(cfg->progress != NULL);
    if (st != CL_OK) return fail(o->cmd, &err);
    if (o->json) {
        printf("{\n  \"model\": \"%s\",\n", o->model);
        if (strcmp(o->cmd, "holding") == 0) printf("  \"holding_voltage_mV\": %.17g,\n", o->v_hold);
        printf("  \"%s\": %.17g\n}\n", key, value);
    } else {
        printf("%s: %.6g\n", label, value);
    }
    if (o->csv) {
        table t = {.header = key, .cols = {&value}, .ncol = 1, .n = 1};
        if (cli_write_file(o->csv, write_table, &t) != 0) return 1;
    }
    return 0;
}

int cli_cell(int argc, char **argv) {
    opts o;
    int pr = parse(argc, argv, &o);
    if (pr == 1) {
        cell_usage(stdout);
        return 0;
    }
    if (pr != 0) return 2;
    if (strcmp(o.cmd, "info") == 0) return cli_cell_info(&o);
    cl_tool_config cfg;
    cl_tool_config_default(&cfg);
    cli_cell_files files = {o.model, o.model_file, o.load, &o.tmpl};
    if (strcmp(o.model, "ballstick") != 0) {
        cfg.build = cli_build_from_files;
        cfg.ctx = &files;
    }
    cfg.nproc = o.nproc;
    cfg.mechanisms = o.mechanisms;
    int count = 0;
    if (isatty(STDERR_FILENO) && !o.json) {
        cfg.progress = progress;
        cfg.progress_ctx = &count;
    }
    if (strcmp(o.cmd, "run") == 0) return cmd_run(&o, &cfg);
    if (strcmp(o.cmd, "iv") == 0) return cmd_curve(&o, &cfg, 0);
    if (strcmp(o.cmd, "fi") == 0) return cmd_curve(&o, &cfg, 1);
    if (strcmp(o.cmd, "rheobase") == 0 || strcmp(o.cmd, "holding") == 0 || strcmp(o.cmd, "rin") == 0)
        return cmd_scalar(&o, &cfg);
    fprintf(stderr, "cellulab cell: unknown command \"%s\" (see cellulab cell --help)\n", o.cmd);
    return 2;
}
