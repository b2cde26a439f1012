#!/bin/sh
# The BluePyOpt JSON oracle's fixture: the MOD files the test model
# (tests/data/bpo_l5tpc.json) uses, copied from the L5 TPC container's mod/
# folder (the others there need VERBATIM, which cellulab refuses), built by
# NEURON 8.2's nrnivmodl and by cellulab build-mechanisms; then NEURON's
# references (neuron_bluepyopt.py) for the ASC and the SWC file of the cell.
# usage: build_mods_bpo.sh CELLULAB_BINARY SHARED_DATA MODEL_JSON OUTDIR [LISTS_JSON]
# LISTS_JSON: the same model in the list layout (other soma reference
# points), referenced on the ASC file only
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
shared=$2
model=$3
out=$4
lists=${5:-}
container="$shared/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A"
cell="dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_y0.950_z1.000_-_Clone_0"
rm -rf "$out"
mkdir -p "$out/nrn" "$out/cl"
for m in CaDynamics_DC0 Ca_HVA2 Ca_LVAst Ih K_Pst K_Tst NaTg Nap_Et2 SK_E2 SKv3_1; do
    cp "$container/mod/$m.mod" "$out/nrn/"
done
nrnivmodl_build "$out/nrn" "$out/bin"
"$cellulab" build-mechanisms "$out"/nrn/*.mod -o "$out/cl/libmech.so"
# the same cell as a Neurolucida file (contour soma) and as an SWC file
for ext in asc swc; do
    /usr/bin/python3 "$(dirname "$0")/neuron_bluepyopt.py" "$out/nrn/x86_64/.libs/libnrnmech.so" \
        "$container/morphologies/$ext/$cell.$ext" "$model" "$out/ref_$ext"
done
if [ -n "$lists" ]; then
    /usr/bin/python3 "$(dirname "$0")/neuron_bluepyopt.py" "$out/nrn/x86_64/.libs/libnrnmech.so" \
        "$container/morphologies/asc/$cell.asc" "$lists" "$out/ref_lists"
fi
