#!/bin/sh
# NEURON 8.2 references for the legacy-units switch: the Allen library that
# oracle_mods_build made (MODS_DIR), and tests/oracle/mods_legacy built here
# with nrnivmodl and cellulab build-mechanisms.
# usage: build_legacy.sh CELLULAB_BINARY MODS_DIR OUTDIR
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
mods=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
cp "$here"/mods_legacy/*.mod "$out/nrn/"
nrnivmodl_build "$out/nrn" "$out/bin"
"$cellulab" build-mechanisms "$here/mods_legacy" -o "$out/cl/libmech.so"
cd "$out"
/usr/bin/python3 "$here/neuron_legacy.py" "$mods/nrn/x86_64/.libs/libnrnmech.so" "$out/ref" cahva
/usr/bin/python3 "$here/neuron_legacy.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref" unitcon
