#!/bin/sh
# Every mechanism of each shared MOD folder that cellulab translates, against
# NEURON 8.2: per folder, nrnivmodl of the whole folder (LC_ALL=C) and
# cellulab build-mechanisms of the files it translates (same bytewise
# order), then NEURON's references and the model manifest
# (neuron_mods_all.py). One library per folder: a mechanism name used by two
# folders (CaDynamics_DC0, Ca_HVA ...) is never loaded twice into one
# simulation, and each folder is compared by its own mod_compare_all run.
# usage: build_mods_all.sh CELLULAB_BINARY SHARED_DATA OUTDIR
# writes OUTDIR/<tag>/{nrn,cl/libmech.so,ref/manifest.txt,skipped.txt}
set -eu
. "$(dirname "$0")/nrnivmodl.sh"
cellulab=$1
shared=$2
out=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out"
mkdir -p "$out"
LC_ALL=C
export LC_ALL
for entry in \
    "sonata:$shared/sonata-examples/shared_components/mechanisms/modfiles" \
    "bcl:$shared/bluecellulab/mechanisms" \
    "l5tpc:$shared/bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/mod"; do
    tag=${entry%%:*}
    mods=${entry#*:}
    o="$out/$tag"
    mkdir -p "$o/nrn" "$o/cl"
    cp "$mods"/*.mod "$o/nrn/"
    nrnivmodl_build "$o/nrn" "$out/bin"
    files=""
    : > "$o/skipped.txt"
    for f in "$mods"/*.mod; do   # the glob sorts bytewise under LC_ALL=C
        base=$(basename "$f" .mod)
        case $base in
        VecStim|vecevent)
            echo "$base.mod: clashes with cellulab's built-in VecStim" >> "$o/skipped.txt"
            continue ;;
        esac
        if "$cellulab" nmodl "$f" -o "$o/cl/probe.c" > /dev/null 2> "$o/cl/err.txt"; then
            files="$files $f"
        else
            echo "$base.mod: $(head -n 1 "$o/cl/err.txt" | sed 's/^[^ ]* [^ ]* //')" >> "$o/skipped.txt"
        fi
    done
    rm -f "$o/cl/probe.c" "$o/cl/err.txt"
    echo "== $tag ($mods): skipped"
    cat "$o/skipped.txt"
    # shellcheck disable=SC2086
    "$cellulab" build-mechanisms $files -o "$o/cl/libmech.so"
    # run NEURON away from the folder: its module would load ./x86_64 by itself too
    # shellcheck disable=SC2086
    (cd "$out" && /usr/bin/python3 "$here/neuron_mods_all.py" "$o/nrn/x86_64/.libs/libnrnmech.so" "$o/ref" $files)
done
