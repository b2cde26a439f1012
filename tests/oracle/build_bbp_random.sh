#!/bin/sh
# The Blue Brain mechanisms cellulab maintains (mod/bbp, RANDOM instead of
# VERBATIM) against their VERBATIM originals: NEURON 8.2's nrnivmodl builds
# the originals (BlueCelluLab's folder) and the nrnran123 probe
# (mods_ran123/); cellulab build-mechanisms is given the same originals and
# must replace them by its maintained versions (its messages are kept in
# cl/build.out); then NEURON writes the references (neuron_bbp_random.py).
# usage: build_bbp_random.sh CELLULAB_BINARY SHARED_DATA OUTDIR
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
shared=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
mods="$shared/bluecellulab/mechanisms"
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
originals="ProbAMPANMDA_EMS ProbGABAAB_EMS DetAMPANMDA DetGABAAB StochKv StochKv3 GluSynapse netstim_inhpoisson VecStim"
files=""
for m in $originals; do
    cp "$mods/$m.mod" "$out/nrn/"
    files="$files $mods/$m.mod"
done
cp "$here"/mods_ran123/*.mod "$out/nrn/"
nrnivmodl_build "$out/nrn" "$out/bin"
# shellcheck disable=SC2086
"$cellulab" build-mechanisms $files -o "$out/cl/libmech.so" > "$out/cl/build.out"
cd "$out"
/usr/bin/python3 "$here/neuron_bbp_random.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref"
