#!/bin/sh
# Build tests/oracle/mods_ext with NEURON 8.2's nrnivmodl and with cellulab
# build-mechanisms, then write NEURON's reference (neuron_ext.py).
# usage: build_ext.sh CELLULAB_BINARY OUTDIR
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
# clx_*.mod use cellulab's extensions (cellulab_play_*, cellulab_record_*):
# cellulab only
for f in "$here"/mods_ext/*.mod; do
    case $(basename "$f") in clx_*) ;; *) cp "$f" "$out/nrn/" ;; esac
done
nrnivmodl_build "$out/nrn" "$out/bin"
"$cellulab" build-mechanisms "$here/mods_ext" -o "$out/cl/libmech.so"
# run NEURON away from the folder: its module would load ./x86_64 by itself too
cd "$out"
/usr/bin/python3 "$here/neuron_ext.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref"
