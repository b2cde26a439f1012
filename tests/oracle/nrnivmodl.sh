# Shared by the build_*.sh oracle scripts (sourced, POSIX sh).
# nrnivmodl_build DIR TOOLDIR: compile the MOD files in DIR with NEURON
# 8.2's nrnivmodl (LC_ALL=C, NEURON's file order), leaving
# DIR/x86_64/.libs/libnrnmech.so, or print the log and fail.
nrnivmodl_build() {
    # Debian's nrnivmodl looks for its makefile on the PATH (docs: neuron-oracle.md)
    if ! command -v nrnmech_makefile >/dev/null 2>&1; then
        mkdir -p "$2"
        ln -sf /usr/lib/nrn/nrnmech_makefile "$2/nrnmech_makefile"
        PATH="$2:$PATH"
        export PATH
    fi
    # the link step of `special` fails on Debian (missing ivstream.h); the
    # library is built before it
    (cd "$1" && LC_ALL=C nrnivmodl -loadflags "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn" > build.log 2>&1 || true)
    test -f "$1/x86_64/.libs/libnrnmech.so" || { cat "$1/build.log"; return 1; }
}
