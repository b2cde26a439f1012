#!/bin/sh
# Run every libFuzzer target of a CELLULAB_FUZZ build for SECONDS each,
# seeded with the shared data files of its format.
# usage: tools/run-fuzzers.sh BUILD_DIR SECONDS
set -eu
build=$1
secs=$2
data=${CELLULAB_SHARED_DATA:-$(cd "$(dirname "$0")/.." && pwd)/../shared/data}
status=0
for exe in "$build"/tests/fuzz_*; do
    [ -f "$exe" ] && [ -x "$exe" ] || continue
    name=$(basename "$exe")
    corpus="$build/corpus-$name"
    mkdir -p "$corpus"
    case $name in
        fuzz_asc) pat='*.asc' ;;
        fuzz_swc) pat='*.swc' ;;
        fuzz_nmodl) pat='*.mod' ;;
        fuzz_neuroml) pat='*.nml' ;;
        fuzz_allen_json) pat='*_fit.json' ;;
        fuzz_types_csv) pat='*.csv' ;;
        *) pat='*.json' ;;
    esac
    find "$data" -name "$pat" -size -64k -exec cp {} "$corpus/" \; 2>/dev/null || true
    echo "== $name ($secs s)"
    (cd "$corpus" && "$OLDPWD/$exe" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 . >../"$name".log 2>&1) ||
        { echo "$name failed: see $build/$name.log"; tail -30 "$build/$name.log"; status=1; }
done
exit $status
