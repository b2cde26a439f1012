#!/bin/sh
# Build tests/oracle/mods_ext with NEURON 8.2's nrnivmodl and with cellulab
# build-mechanisms, then write NEURON's reference (neuron_ext.py).
# usage: build_ext.sh CELLULAB_BINARY OUTDIR
set -eu
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
if ! command -v nrnmech_makefile >/dev/null 2>&1; then
    mkdir -p "$out/bin"
    ln -sf /usr/lib/nrn/nrnmech_makefile "$out/bin/nrnmech_makefile"
    PATH="$out/bin:$PATH"
    export PATH
fi
(cd "$out/nrn" && LC_ALL=C nrnivmodl -loadflags "-L/usr/lib/nrn -Wl,-rpath,/usr/lib/nrn" > build.log 2>&1 || true)
test -f "$out/nrn/x86_64/.libs/libnrnmech.so" || { cat "$out/nrn/build.log"; exit 1; }
"$cellulab" build-mechanisms "$here/mods_ext" -o "$out/cl/libmech.so"
# run NEURON away from the folder: its module would load ./x86_64 by itself too
cd "$out"
/usr/bin/python3 "$here/neuron_ext.py" "$out/nrn/x86_64/.libs/libnrnmech.so" "$out/ref"
