#!/bin/sh
# Build the Allen MOD files twice, with NEURON 8.2's nrnivmodl and with
# cellulab build-mechanisms, then write NEURON's reference traces.
# usage: build_mods.sh CELLULAB_BINARY SHARED_DATA OUTDIR
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
shared=$2
out=$3
mods="$shared/sonata-examples/shared_components/mechanisms/modfiles"
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
cp "$mods"/*.mod "$out/nrn/"
nrnivmodl_build "$out/nrn" "$out/bin"
# cellulab: NaV (KINETIC) is not supported yet; VecStim is built in
files=""
for f in "$mods"/*.mod; do
    case "$(basename "$f")" in NaV.mod|vecevent.mod) ;; *) files="$files $f" ;; esac
done
# shellcheck disable=SC2086
"$cellulab" build-mechanisms $files -o "$out/cl/libmech.so"
/usr/bin/python3 "$(dirname "$0")/neuron_mods.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref"
