#!/bin/sh
# The cellulab command: help, errors, and output files that are either whole
# or absent. usage: test_cli.sh PATH_TO_CELLULAB
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() { # name, then a command that must succeed
    name=$1; shift
    if "$@" >"$tmp/out" 2>"$tmp/err"; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL: $name"; cat "$tmp/out" "$tmp/err"; fi
}
expect_status() { # name, expected status, command...
    name=$1; want=$2; shift 2
    "$@" >"$tmp/out" 2>"$tmp/err"; got=$?; cp "$tmp/err" "$tmp/last_err"
    if [ "$got" = "$want" ]; then pass=$((pass + 1)); else
        fail=$((fail + 1)); echo "FAIL: $name: exit $got, expected $want"; cat "$tmp/err"; fi
}

check "help" sh -c "\"$bin\" --help | grep -q 'usage: cellulab'"
check "demo help" sh -c "\"$bin\" demo --help | grep -q -- '--csv FILE'"
expect_status "no command" 2 "$bin"
expect_status "unknown command" 2 "$bin" frobnicate
check "unknown command message" grep -q 'unknown command "frobnicate"' "$tmp/last_err"
expect_status "unknown option" 2 "$bin" demo --bogus
expect_status "missing file name" 2 "$bin" demo --csv
check "demo summary" sh -c "\"$bin\" demo | grep -q 'spikes (v > -20 mV): 10 at 5.650'"
check "demo csv" "$bin" demo --csv "$tmp/d.csv" --svg "$tmp/d.svg"
check "csv header" sh -c "head -1 '$tmp/d.csv' | grep -qx 't,v'"
check "csv rows" sh -c "[ \$(wc -l < '$tmp/d.csv') -eq 1002 ]"
check "csv last time" sh -c "tail -1 '$tmp/d.csv' | grep -q '^24.99999999999'"
check "svg complete" sh -c "tail -1 '$tmp/d.svg' | grep -qx '</svg>'"
# an unwritable destination: an error, and no file (complete or partial) left behind
expect_status "unwritable csv" 1 "$bin" demo --csv "$tmp/no/such/dir/d.csv"
check "no partial output" sh -c "! ls '$tmp/no' 2>/dev/null"
mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
if [ "$(id -u)" != 0 ]; then
    expect_status "read-only dir" 1 "$bin" demo --csv "$tmp/ro/d.csv"
fi
check "no temporary files left" sh -c "! ls '$tmp' | grep -q 'tmp-'"
# cellulab cell
check "cell help" sh -c "\"$bin\" cell --help | grep -q rheobase"
check "cell rin json" sh -c "\"$bin\" cell rin ballstick --json | grep -q '\"input_resistance_MOhm\": 40.94'"
check "cell holding json" sh -c "\"$bin\" cell holding ballstick --v-hold -70 --json | grep -q '\"holding_current_nA\": -0.117'"
expect_status "cell unknown morphology" 1 "$bin" cell rin nosuchmodel.swc
check "cell unknown morphology message" grep -q 'nosuchmodel.swc' "$tmp/last_err"
expect_status "cell unknown morphology format" 1 "$bin" cell info nosuchmodel
check "cell unknown format message" grep -q 'unknown morphology format' "$tmp/last_err"
check "cell info" sh -c "\"$bin\" cell info ballstick | grep -q '^segments    201'"
check "cell info json" sh -c "\"$bin\" cell info ballstick --json | grep -q '\"n_segments\": 201'"
printf '# a soma and one dendrite\n1 1 0 0 0 5 -1\n2 3 10 0 0 1 1\n3 3 30 0 0 1 2\n' > "$tmp/two.swc"
check "cell info swc" sh -c "\"$bin\" cell info '$tmp/two.swc' --nseg-rule fixed=3 --sections | grep -q '^dend\[0\] .* 3 '"
expect_status "cell info bad nseg rule" 2 "$bin" cell info "$tmp/two.swc" --nseg-rule fixed=0
check "bad nseg rule message" grep -q 'expected fixed=N' "$tmp/last_err"
expect_status "cell info bad soma orientation" 2 "$bin" cell info "$tmp/two.swc" --soma-orientation 9
expect_status "cell info pt3d digits 6" 0 "$bin" cell info "$tmp/two.swc" --pt3d-digits 6
expect_status "cell info bad pt3d digits" 2 "$bin" cell info "$tmp/two.swc" --pt3d-digits 7
expect_status "ballstick takes no model" 2 "$bin" cell info ballstick "$tmp/two.swc"
printf 'not a model' > "$tmp/bad.model"
expect_status "cell info bad model file" 1 "$bin" cell info "$tmp/two.swc" "$tmp/bad.model"
check "bad model file message" grep -q 'bad.model: not a model description' "$tmp/last_err"
expect_status "cell run without protocol" 2 "$bin" cell run ballstick --amp 0.3
expect_status "cell bad number" 2 "$bin" cell run ballstick --protocol step --amp abc
expect_status "cell unknown protocol" 1 "$bin" cell run ballstick --protocol nosuch --amp 0.3
check "cell fi files" "$bin" cell fi ballstick --rheobase 0.3 --max 0.5 --csv "$tmp/fi.csv" --svg "$tmp/fi.svg" --nproc 2
check "cell fi csv" sh -c "head -1 '$tmp/fi.csv' | grep -qx 'amp_nA,spike_count,rate_Hz' && [ \$(wc -l < '$tmp/fi.csv') -eq 12 ]"
check "cell fi svg" sh -c "tail -1 '$tmp/fi.svg' | grep -qx '</svg>'"
check "cell run" sh -c "\"$bin\" cell run ballstick --protocol step --amp 0.5 --json | grep -q '\"spike_count\": '"
expect_status "cell missing mechanisms library" 1 "$bin" cell rin ballstick --mechanisms "$tmp/nope.so"
check "cell missing mechanisms message" grep -q 'nope.so' "$tmp/last_err"
# build-mechanisms: rebuilt only when the sources change (content hash)
mkdir -p "$tmp/mods" && cp "$(dirname "$0")/../oracle/mods_pp/gen.mod" "$tmp/mods/"
check "build-mechanisms" sh -c "\"$bin\" build-mechanisms '$tmp/mods' -o '$tmp/lib.so' > '$tmp/b1.out'"
check "build-mechanisms says built" grep -qx "built $tmp/lib.so" "$tmp/b1.out"
cp -p "$tmp/lib.so" "$tmp/lib.so.first"
sleep 1
check "build-mechanisms again" sh -c "\"$bin\" build-mechanisms '$tmp/mods' -o '$tmp/lib.so' > '$tmp/b1.out'"
check "build-mechanisms says kept" grep -qx "$tmp/lib.so is up to date" "$tmp/b1.out"
check "unchanged library kept" sh -c "[ '$tmp/lib.so' -ot '$tmp/lib.so.first' ] || [ ! '$tmp/lib.so' -nt '$tmp/lib.so.first' ]"
echo ": a comment changes the content" >> "$tmp/mods/gen.mod"
check "build-mechanisms after a change" "$bin" build-mechanisms "$tmp/mods" -o "$tmp/lib.so"
check "changed library rebuilt" sh -c "[ '$tmp/lib.so' -nt '$tmp/lib.so.first' ]"
# a folder with NEURON's VERBATIM VecStim: left out for the built-in one
mkdir -p "$tmp/mods2" && cp "$tmp/mods/gen.mod" "$tmp/mods2/"
printf 'NEURON { ARTIFICIAL_CELL VecStim }\nNET_RECEIVE (w) {\nVERBATIM\nreturn;\nENDVERBATIM\n}\n' > "$tmp/mods2/vecevent.mod"
check "build-mechanisms with vecevent.mod" sh -c "\"$bin\" build-mechanisms '$tmp/mods2' -o '$tmp/lib2.so' > '$tmp/b2.out'"
check "vecevent.mod note" grep -q 'vecevent.mod: VecStim is built into cellulab' "$tmp/b2.out"
check "library without VecStim loads" "$bin" cell info ballstick --mechanisms "$tmp/lib2.so"
check "nmodl translates" "$bin" nmodl "$tmp/mods/gen.mod" -o "$tmp/gen.c"
check "nmodl output" grep -q "cl_mod_Gen" "$tmp/gen.c"
printf 'NEURON { SUFFIX bad }\nBREAKPOINT {\nVERBATIM\nx = 1;\nENDVERBATIM\n}\n' > "$tmp/bad.mod"
expect_status "nmodl refuses VERBATIM" 1 "$bin" nmodl "$tmp/bad.mod" -o "$tmp/bad.c"
check "nmodl VERBATIM message" grep -q 'bad.mod:3:[0-9]*: VERBATIM' "$tmp/last_err"
check "no output for a refused file" sh -c "[ ! -e '$tmp/bad.c' ]"
# HDF5 morphology containers: the cell by name (--h5-cell)
h5c="$(dirname "$0")/../../../shared/data/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/morphologies/merged-morphologies.h5"
if [ -f "$h5c" ]; then
    check "cell info h5 container" sh -c "\"$bin\" cell info '$h5c' --h5-cell dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_y0.950_z1.000_-_Clone_0 | grep -q '^sections *242 '"
    expect_status "cell info h5 container without a name" 1 "$bin" cell info "$h5c"
    check "h5 container message" grep -q 'container of 1 cells' "$tmp/last_err"
fi
# cellulab run: a SONATA network; a failed run writes nothing
check "run help" sh -c "\"$bin\" run --help | grep -q -- '--node-set NAME'"
expect_status "run without config" 2 "$bin" run
expect_status "run missing config" 1 "$bin" run "$tmp/none.json"
check "run missing config message" grep -q 'none.json' "$tmp/last_err"
ex="$(dirname "$0")/../../../shared/data/sonata-examples/300_intfire/config.json"
if [ -f "$ex" ]; then
    check "run 300_intfire" sh -c "\"$bin\" run '$ex' --output '$tmp/net' --no-progress > '$tmp/net.out'"
    check "run summary" grep -q '^spikes: 4322$' "$tmp/net.out"
    check "run cells" grep -q '^cells: 300 ' "$tmp/net.out"
    check "run spikes file" test -s "$tmp/net/spikes.h5"
    check "run no temporaries" sh -c "! ls '$tmp/net' | grep -q tmp"
    check "run no progress bar off a terminal" sh -c "\"$bin\" run '$ex' --output '$tmp/net2' >/dev/null 2>'$tmp/net2.err' && ! grep -q '%' '$tmp/net2.err'"
    expect_status "run unknown node set" 1 "$bin" run "$ex" --node-set NOPE --output "$tmp/net3"
    check "run unknown node set message" grep -q 'unknown node set "NOPE"' "$tmp/last_err"
    check "run failed: no spikes file" sh -c "[ ! -e '$tmp/net3/spikes.h5' ]"
fi
# an original Blue Brain VERBATIM file: replaced by the maintained mod/bbp version (issue 9)
bbp="$(dirname "$0")/../../../shared/data/bluecellulab/mechanisms"
if [ -f "$bbp/ProbAMPANMDA_EMS.mod" ]; then
    check "build-mechanisms with ProbAMPANMDA_EMS.mod" sh -c "\"$bin\" build-mechanisms '$bbp/ProbAMPANMDA_EMS.mod' '$bbp/StochKv3.mod' -o '$tmp/lib3.so' > '$tmp/b3.out'"
    check "maintained note" grep -q "ProbAMPANMDA_EMS.mod: ProbAMPANMDA_EMS needs VERBATIM; replaced by cellulab's maintained version .*mod/bbp/ProbAMPANMDA_EMS.mod" "$tmp/b3.out"
    check "maintained note StochKv3" grep -q "StochKv3.mod: StochKv3 needs VERBATIM; replaced" "$tmp/b3.out"
    check "library with the maintained versions loads" "$bin" cell info ballstick --mechanisms "$tmp/lib3.so"
fi
# a Blue Brain hoc template as the model (issue 8): BlueCelluLab's
# ball-and-stick e-model, whose cell is the built-in ballstick's
bs="$(dirname "$0")/../../../shared/data/bluecellulab/ballstick"
if [ -f "$bs/emodel.hoc" ]; then
    check "cell info template" sh -c "\"$bin\" cell info '$bs/morphology.asc' '$bs/emodel.hoc' | grep -q '^segments    201'"
    check "cell info template threshold" sh -c "\"$bin\" cell info '$bs/morphology.asc' '$bs/emodel.hoc' | grep -q '^threshold   0.184062 nA'"
    check "cell rin template" sh -c "\"$bin\" cell rin '$bs/morphology.asc' '$bs/emodel.hoc' --gid 4 --template-format v5 --nproc 1 --json | grep -q '\"input_resistance_MOhm\": 40.94'"
    expect_status "template options without a template" 2 "$bin" cell info "$bs/morphology.asc" --gid 3
    check "template options message" grep -q 'apply to a .hoc template model only' "$tmp/last_err"
    expect_status "bad --attr" 2 "$bin" cell info "$bs/morphology.asc" "$bs/emodel.hoc" --attr AIS_scaler
    expect_status "bad --template-format" 2 "$bin" cell info "$bs/morphology.asc" "$bs/emodel.hoc" --template-format v7
    expect_status "template in the wrong format" 1 "$bin" cell info "$bs/morphology.asc" "$bs/emodel.hoc" --template-format bluepyopt
    check "wrong format message" grep -q 'emodel.hoc:17:32: \$1: argument 1 is not a number' "$tmp/last_err"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
