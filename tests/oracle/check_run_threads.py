#!/usr/bin/python3
"""`cellulab run --threads N` gives the same bits for every N: the SONATA
examples 5_cells_iclamp (five biophysical Allen cells, one group of trees
per thread) and 300_intfire (artificial cells only) run with 1, 2 and 3
threads, and every dataset of every HDF5 output (spikes, reports) must be
byte for byte the one of the 1-thread run, attributes included. The HDF5
files themselves are not compared as bytes: HDF5 stamps object times.

usage: check_run_threads.py CELLULAB SHARED_DATA WORKDIR
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def datasets(path):
    """{name: (dtype, shape, raw bytes)} of every dataset, and the attributes."""
    out = {}

    def visit(name, obj):
        attrs = {k: np.asarray(v).tobytes() for k, v in obj.attrs.items()}
        if isinstance(obj, h5py.Dataset):
            a = obj[()]
            a = np.asarray(a)
            out[name] = (str(a.dtype), a.shape, a.tobytes(), attrs)
        else:
            out[name] = (None, None, None, attrs)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def run(exe, config, out, threads, extra):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    p = subprocess.run([exe, "run", config, "--output", out, "--threads", str(threads), "--no-progress"] + extra,
                       capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit("cellulab run --threads %d failed: %s" % (threads, p.stderr))
    return sorted(f for f in os.listdir(out) if f.endswith(".h5"))


def main():
    exe, data, work = sys.argv[1:4]
    ok = True
    for example in ("5_cells_iclamp", "300_intfire"):
        config = os.path.join(data, "sonata-examples", example, "config.json")
        base = os.path.join(work, example)
        ref_dir = base + "_t1"
        files = run(exe, config, ref_dir, 1, [])
        extra = []
        if os.path.exists(os.path.join(ref_dir, "mechanisms.so")):  # built once, reused
            extra = ["--mechanisms", os.path.join(ref_dir, "mechanisms.so")]
        if not files:
            sys.exit("%s: no HDF5 output" % example)
        ref = {f: datasets(os.path.join(ref_dir, f)) for f in files}
        for threads in (2, 3):
            d = "%s_t%d" % (base, threads)
            got_files = run(exe, config, d, threads, extra)
            if got_files != files:
                print("%s: --threads %d wrote %s, 1 thread %s" % (example, threads, got_files, files))
                ok = False
                continue
            for f in files:
                got = datasets(os.path.join(d, f))
                for name, r in ref[f].items():
                    g = got.get(name)
                    if g is None or g[0] != r[0] or g[1] != r[1] or g[2] != r[2] or g[3] != r[3]:
                        print("%s: %s/%s differs between 1 and %d threads" % (example, f, name, threads))
                        ok = False
                if set(got) != set(ref[f]):
                    print("%s: %s: other objects with %d threads" % (example, f, threads))
                    ok = False
            nbytes = sum(len(v[2]) for r in ref.values() for v in r.values() if v[2] is not None)
            print("%s: --threads %d vs 1: %d files, %d data bytes compared" % (example, threads, len(files), nbytes))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
