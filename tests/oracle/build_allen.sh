#!/bin/sh
# The Allen dynamics oracle's references: every Allen MOD file built by
# cellulab build-mechanisms (NaV included, VecStim is built in) in
# nrnivmodl's LC_ALL=C file order, so that the mechanisms run in NEURON's
# order; NEURON's side uses the library of the oracle_mods_build fixture.
# usage: build_allen.sh CELLULAB_BINARY SHARED_DATA MODS_DIR OUTDIR
set -eu
export LC_ALL=C
cellulab=$1
shared=$2
mods_dir=$3
out=$4
son="$shared/sonata-examples"
rm -rf "$out"
mkdir -p "$out/cl"
files=""
for f in "$son"/shared_components/mechanisms/modfiles/*.mod; do
    case "$(basename "$f")" in vecevent.mod) ;; *) files="$files $f" ;; esac
done
# shellcheck disable=SC2086
"$cellulab" build-mechanisms $files -o "$out/cl/libmech.so"
/usr/bin/python3 "$(dirname "$0")/neuron_allen.py" dyn "$mods_dir/nrn/x86_64/.libs/libnrnmech.so" "$out/ref" "$son"
