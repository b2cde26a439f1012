#!/usr/bin/python3
"""Conformance of `cellulab run` on the SONATA example 300_intfire
(300 IntFire1 cells, 120 virtual inputs replayed from legacy spike files):

the full run reproduces every spike of the reference output/spikes.h5
(bmtk + NEURON): the same (node id, time) pairs, times within 1e-6 ms (the
reference stores event times; both sides add the same delays).

No replay check here: IntFire1 depends on the order of events that arrive
at the same time (an inhibitory event before an excitatory one that
crosses threshold prevents the spike, after it is ignored as refractory),
and this circuit has such ties (all delays 2 ms); a VecStim standing in for
a cell queues its events in another order, so replaying part of the network
is not exact for it (tried: 1363 spikes vs 1323 from the first tie at
620.315 ms on). The replay property is tested on biophysical cells, whose
synapses sum simultaneous events (tests/unit/test_network.c).

The reference is read with h5py; the outputs too, so the files' layout is
checked as a SONATA reader sees it.

usage: check_sonata_300_intfire.py CELLULAB SHARED_DATA WORKDIR
"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def spikes(path, pop):
    with h5py.File(path, "r") as f:
        g = f["spikes"][pop] if pop in f["spikes"] else f["spikes"]
        s = g.attrs.get("sorting")
        return np.asarray(g["node_ids"][()], dtype=np.int64), np.asarray(g["timestamps"][()]), s


def compare(name, nodes_a, t_a, nodes_b, t_b, tol):
    a = sorted(zip(nodes_a.tolist(), t_a.tolist()))
    b = sorted(zip(nodes_b.tolist(), t_b.tolist()))
    if len(a) != len(b):
        print("%s: %d spikes, expected %d" % (name, len(b), len(a)))
        return False
    same_ids = all(x[0] == y[0] for x, y in zip(a, b))
    md = max((abs(x[1] - y[1]) for x, y in zip(a, b)), default=0.0)
    print("%s: %d spikes, ids %s, max |dt| %.3g ms (tolerance %g)"
          % (name, len(a), "equal" if same_ids else "DIFFER", md, tol))
    return same_ids and md <= tol


def run(cellulab, args):
    r = subprocess.run([cellulab, "run"] + args + ["--no-progress"], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        sys.exit("cellulab run %s failed:\n%s" % (" ".join(args), r.stderr))


def main():
    cellulab, shared, work = sys.argv[1:4]
    base = os.path.join(shared, "sonata-examples", "300_intfire")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    full = os.path.join(work, "full")
    run(cellulab, [os.path.join(base, "config.json"), "--output", full])
    rn, rt, _ = spikes(os.path.join(base, "output", "spikes.h5"), "v1")
    on, ot, sorting = spikes(os.path.join(full, "spikes.h5"), "v1")
    ok = compare("300_intfire vs bmtk reference", rn, rt, on, ot, 1e-6)
    if not np.all(np.diff(ot) >= 0):
        print("output spikes are not sorted by time")
        ok = False
    print("sorting attribute:", sorting)

    print("OK" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
