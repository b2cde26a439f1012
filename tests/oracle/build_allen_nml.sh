#!/bin/sh
# NeuroML2 oracle setup: NEURON's references for the five 5_cells_iclamp
# cells (neuron_allen_nml.py) with the NEURON library of the oracle_mods_build
# fixture, and a cellulab library of the same MOD files with NaV (KINETIC),
# which that fixture leaves out, in nrnivmodl's file order (LC_ALL=C): the
# registration order is the mechanisms' execution order.
# usage: build_allen_nml.sh CELLULAB_BINARY SHARED_DATA MODS_DIR OUTDIR AXON
set -eu
cellulab=$1
shared=$2
mods_dir=$3
out=$4
axon=$5
mods="$shared/sonata-examples/shared_components/mechanisms/modfiles"
rm -rf "$out"
mkdir -p "$out/cl"
files=""
for f in $(LC_ALL=C ls "$mods"/*.mod); do
    case "$(basename "$f")" in vecevent.mod) ;; *) files="$files $f" ;; esac
done
# shellcheck disable=SC2086
"$cellulab" build-mechanisms $files -o "$out/cl/libmech.so"
/usr/bin/python3 "$(dirname "$0")/neuron_allen_nml.py" "$mods_dir/nrn/x86_64/.libs/libnrnmech.so" "$shared" \
    "$out/ref" "$axon"
