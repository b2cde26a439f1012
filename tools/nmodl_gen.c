/* Build-time tool: translate one of the mod/ files (the built-in mechanisms)
 * into C for the library. usage: nmodl_gen IN.mod OUT.c */
#include <stdio.h>

#include "cellulab_nmodl.h"

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: nmodl_gen IN.mod OUT.c\n");
        return 2;
    }
    cl_error err = {{0}};
    if (cl_nmodl_translate(argv[1], argv[2], &err) != CL_OK) {
        fprintf(stderr, "nmodl_gen: %s\n", err.msg);
        return 1;
    }
    return 0;
}
