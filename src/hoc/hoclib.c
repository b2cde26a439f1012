/* The hoc files cellulab ships (src/hoc/lib), embedded at build time by
 * cmake/embed_text.cmake: load_file finds them when no file of that name
 * lies next to the calling file. */
#include <string.h>

#include "hoc/interp.h"

extern const char cl_hoc_lib_Cell[], cl_hoc_lib_TDistFunc[];

const char *hoc_lib_text(const char *path) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    if (strcmp(b, "Cell.hoc") == 0) return cl_hoc_lib_Cell;
    if (strcmp(b, "TDistFunc.hoc") == 0) return cl_hoc_lib_TDistFunc;
    return NULL;
}
