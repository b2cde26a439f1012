#!/bin/sh
# Build the BlueCelluLab (BBP) MOD files twice, with NEURON 8.2's nrnivmodl
# (the whole folder) and with cellulab build-mechanisms (the files cellulab
# translates), then write NEURON's reference traces.
# usage: build_mods_bbp.sh CELLULAB_BINARY SHARED_DATA OUTDIR
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
shared=$2
out=$3
mods="$shared/bluecellulab/mechanisms"
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
cp "$mods"/*.mod "$out/nrn/"
nrnivmodl_build "$out/nrn" "$out/bin"
# cellulab: every file it translates (VERBATIM/BBCOREPOINTER and KINETIC
# files are refused for now; VecStim is built in)
files=""
for f in "$mods"/*.mod; do
    if "$cellulab" nmodl "$f" -o "$out/cl/probe.c" > /dev/null 2>> "$out/cl/skipped.txt"; then
        files="$files $f"
    fi
done
rm -f "$out/cl/probe.c"
# shellcheck disable=SC2086
"$cellulab" build-mechanisms $files -o "$out/cl/libmech.so"
/usr/bin/python3 "$(dirname "$0")/neuron_mods_bbp.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref"
