#!/bin/sh
# KINETIC (sparse), CONSERVE and LINEAR MOD files (docs/nmodl-lowering.md §6),
# plus a probe (mods_kinetic/kin_probe.mod) for what the real files lack:
# build them twice, with NEURON 8.2's nrnivmodl and with cellulab
# build-mechanisms, then write NEURON's reference traces.
# usage: build_mods_kinetic.sh CELLULAB_BINARY SHARED_DATA OUTDIR
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
shared=$2
out=$3
son="$shared/sonata-examples/shared_components/mechanisms/modfiles"
bcl="$shared/bluecellulab/mechanisms"
# in nrnivmodl's (LC_ALL=C) file order: the mechanisms' registration order is
# their execution order (docs/nmodl-lowering.md §10)
files="$bcl/CaDynamics_E2.mod $bcl/Ca_HVA.mod $son/Kv3_1.mod $son/NaV.mod $bcl/TC_Ih_CaMod.mod"
files="$files $(dirname "$0")/mods_kinetic/kin_probe.mod"
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
# shellcheck disable=SC2086
cp $files "$out/nrn/"
nrnivmodl_build "$out/nrn" "$out/bin"
# shellcheck disable=SC2086
"$cellulab" build-mechanisms $files -o "$out/cl/libmech.so"
/usr/bin/python3 "$(dirname "$0")/neuron_mods_kinetic.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref"
