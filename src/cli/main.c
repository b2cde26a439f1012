/* cellulab: the command-line entry point and subcommand dispatch. */
#include <stdio.h>
#include <string.h>

#include "cellulab.h"
#include "cli/cli.h"

static void usage(FILE *f) {
    fprintf(f,
            "cellulab %s — simulate detailed neurons with NEURON's numbers\n"
            "\n"
            "usage: cellulab <command> [options]\n"
            "\n"
            "commands:\n"
            "  demo      run BlueCelluLab's headline example (ball-and-stick, 0.5 nA step)\n"
            "  cell      single-cell protocols and searches: run, rheobase, holding, rin, iv, fi\n"
            "  nmodl     translate a MOD file into C\n"
            "  build-mechanisms  compile MOD files into a library a simulation can load\n"
            "  run       simulate a SONATA network (spikes and soma reports as SONATA files)\n"
            "  info      what a SONATA circuit holds: populations, edges, node sets\n"
            "\n"
            "options:\n"
            "  -h, --help     show this help (cellulab <command> --help for a command)\n"
            "  --version      print the version\n",
            CELLULAB_VERSION);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("cellulab %s\n", CELLULAB_VERSION);
        return 0;
    }
    if (strcmp(cmd, "demo") == 0) return cli_demo(argc - 1, argv + 1);
    if (strcmp(cmd, "cell") == 0) return cli_cell(argc - 1, argv + 1);
    if (strcmp(cmd, "nmodl") == 0) return cli_nmodl(argc - 1, argv + 1);
    if (strcmp(cmd, "build-mechanisms") == 0) return cli_build_mechanisms(argc - 1, argv + 1);
    if (strcmp(cmd, "run") == 0) return cli_run(argc - 1, argv + 1);
    if (strcmp(cmd, "info") == 0) return cli_info(argc - 1, argv + 1);
    fprintf(stderr, "cellulab: unknown command \"%s\" (see cellulab --help)\n", cmd);
    return 2;
}
