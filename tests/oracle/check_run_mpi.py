#!/usr/bin/python3
"""`mpirun -n K cellulab run` writes the files one process writes, bit for
bit: the SONATA examples 5_cells_iclamp (five biophysical Allen cells with
soma and calcium reports) and 300_intfire (300 IntFire1 cells, 87,720
edges, every spike crossing ranks) run by one process (no mpirun) and by
mpirun -n 2 (and any other counts given), and every dataset of every HDF5
output (spikes, reports) must be byte for byte the one of the single
process, attributes included. The HDF5 files themselves are not compared as
bytes: HDF5 stamps object times. Also: -n 1 under mpirun, and a rank that
fails (a cell whose morphology is missing) stops every rank with its
message instead of hanging.

usage: check_run_mpi.py CELLULAB MPIRUN SHARED_DATA WORKDIR [K ...]
       check_run_mpi.py CELLULAB MPIRUN --config CONFIG WORKDIR [K ...] [-- RUN_ARGS...]
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def datasets(path):
    """{name: (dtype, shape, raw bytes, attributes)} of every object."""
    out = {}

    def visit(name, obj):
        attrs = {k: np.asarray(v).tobytes() for k, v in obj.attrs.items()}
        if isinstance(obj, h5py.Dataset):
            a = np.asarray(obj[()])
            out[name] = (str(a.dtype), a.shape, a.tobytes(), attrs)
        else:
            out[name] = (None, None, None, attrs)

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return out


def mpirun(mpi, k):
    return [mpi, "--oversubscribe", "--allow-run-as-root", "-n", str(k)]


# containers often forbid the cross-memory attach Open MPI's shared-memory
# transport tries first; plain copies work everywhere
os.environ.setdefault("OMPI_MCA_btl_vader_single_copy_mechanism", "none")


def run(cmd, out, timeout=600):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    p = subprocess.run(cmd + ["--output", out, "--no-progress"], capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        sys.exit("%s failed:\n%s%s" % (" ".join(cmd), p.stdout, p.stderr))
    return sorted(f for f in os.listdir(out) if f.endswith(".h5")), p.stdout


def compare(name, ref_dir, files, d, label):
    ok = True
    got_files = sorted(f for f in os.listdir(d) if f.endswith(".h5"))
    if got_files != files:
        print("%s: %s wrote %s, one process %s" % (name, label, got_files, files))
        return False, 0
    nbytes = 0
    for f in files:
        ref = datasets(os.path.join(ref_dir, f))
        got = datasets(os.path.join(d, f))
        for key, r in ref.items():
            g = got.get(key)
            if g is None or g[0] != r[0] or g[1] != r[1] or g[2] != r[2] or g[3] != r[3]:
                print("%s: %s/%s differs between one process and %s" % (name, f, key, label))
                ok = False
            if r[2] is not None:
                nbytes += len(r[2])
        if set(got) != set(ref):
            print("%s: %s: other objects with %s" % (name, f, label))
            ok = False
    return ok, nbytes


def check(exe, mpi, name, config, work, counts, extra):
    base = os.path.join(work, name)
    ref_dir = base + "_serial"
    files, _ = run([exe, "run", config] + extra, ref_dir)
    if not files:
        sys.exit("%s: no HDF5 output" % name)
    if os.path.exists(os.path.join(ref_dir, "mechanisms.so")) and "--mechanisms" not in extra:
        extra = extra + ["--mechanisms", os.path.join(ref_dir, "mechanisms.so")]  # built once, reused
    ok = True
    for k in [1] + counts:
        d = "%s_n%d" % (base, k)
        _, out = run(mpirun(mpi, k) + [exe, "run", config] + extra, d)
        good, nbytes = compare(name, ref_dir, files, d, "mpirun -n %d" % k)
        ok &= good
        line = [l for l in out.splitlines() if l.startswith("ranks:")]
        print("%s: mpirun -n %d vs one process: %d files, %d data bytes compared%s%s" % (
            name, k, len(files), nbytes, " (%s)" % line[0] if line else "", "" if good else ": DIFFERENT"))
    return ok


def check_failure(exe, mpi, data, work, lib):
    """One rank fails (a cell whose morphology file is missing, built on
    one rank only) while the other waits in an exchange: both stop, with
    the failing rank's message, in bounded time."""
    d = os.path.join(work, "failure")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    src = os.path.join(data, "sonata-examples")
    shutil.copytree(os.path.join(src, "5_cells_iclamp"), os.path.join(d, "5_cells_iclamp"),
                    ignore=shutil.ignore_patterns("output", "verification"))
    os.symlink(os.path.join(src, "shared_components"), os.path.join(d, "shared_components"))
    csv = os.path.join(d, "5_cells_iclamp", "network", "biophysical_node_types.csv")
    with open(csv) as f:
        text = f.read()
    with open(csv, "w") as f:
        f.write(text.replace("Rorb_325404214_m", "Missing_cell_m"))
    cmd = mpirun(mpi, 2) + [exe, "run", os.path.join(d, "5_cells_iclamp", "config.json"), "--mechanisms", lib,
                            "--output", os.path.join(d, "out"), "--no-progress"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        print("failure: mpirun -n 2 with one rank failing hung (> 120 s)")
        return False
    lines = [l for l in p.stderr.splitlines() if "Missing_cell_m" in l and "rank " in l]
    if p.returncode == 0 or not lines:
        print("failure: expected a non-zero exit and a rank's message naming Missing_cell_m, got %d:\n%s" % (
            p.returncode, p.stderr))
        return False
    print("failure: one rank failing: exit %d, message: %s" % (p.returncode, lines[0]))
    return True


def main():
    args = sys.argv[1:]
    extra = []
    if "--" in args:
        extra = args[args.index("--") + 1:]
        args = args[:args.index("--")]
    exe, mpi = args[0], args[1]
    if args[2] == "--config":
        config, work = args[3], args[4]
        counts = [int(k) for k in args[5:]] or [2]
        os.makedirs(work, exist_ok=True)
        ok = check(exe, mpi, os.path.splitext(os.path.basename(config))[0], config, work, counts, extra)
    else:
        data, work = args[2], args[3]
        counts = [int(k) for k in args[4:]] or [2]
        os.makedirs(work, exist_ok=True)
        ok = True
        for example in ("300_intfire", "5_cells_iclamp"):
            config = os.path.join(data, "sonata-examples", example, "config.json")
            ok &= check(exe, mpi, example, config, work, counts, extra)
        ok &= check_failure(exe, mpi, data, work, os.path.join(work, "5_cells_iclamp_serial", "mechanisms.so"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
