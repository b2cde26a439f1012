#!/bin/sh
# Build tests/oracle/mods_pp with NEURON 8.2's nrnivmodl and with cellulab
# build-mechanisms, then write NEURON's reference (neuron_pp.py).
# usage: build_pp.sh CELLULAB_BINARY OUTDIR
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
cp "$here"/mods_pp/*.mod "$out/nrn/"
nrnivmodl_build "$out/nrn" "$out/bin"
"$cellulab" build-mechanisms "$here/mods_pp" -o "$out/cl/libmech.so"
# run NEURON away from the folder: its module would load ./x86_64 by itself too
cd "$out"
/usr/bin/python3 "$here/neuron_pp.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref"
