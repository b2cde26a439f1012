#!/usr/bin/python3
"""BlueCelluLab's ringtest_allen_v1, point version (simulation_config_point:
node set RingB, three IntFire1 cells from hoc templates), run by
`cellulab run` and by NEURON 8.2 building the same circuit from the files
with h5py: each RingB cell is its hoc template (loaded and instantiated by
NEURON itself, so tau/refrac are the template's), every edge onto RingB a
NetCon with weight = the edge's conductance and its delay (RingB->RingB from
the IntFire1 source, RingA->RingB from a VecStim playing RingA's spikes of
replay_RingA.h5: RingA is not simulated). Spikes recorded with
NetCon.record; both sides must give the same (node, time) list, times
within 1e-9 ms (event times, no integration involved).

usage: check_ringtest_point.py CELLULAB LIBNRNMECH.so SHARED_DATA WORKDIR
"""
import os
import shutil
import subprocess
import sys

import h5py
from neuron import h


def edges(path, pop):
    with h5py.File(path, "r") as f:
        g = f["edges"][pop]
        return (g["source_node_id"][()].tolist(), g["target_node_id"][()].tolist(),
                g["0/conductance"][()].tolist(), g["0/delay"][()].tolist())


def main():
    cellulab, lib, shared, work = sys.argv[1:5]
    base = os.path.join(shared, "bluecellulab", "ringtest_allen_v1")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    r = subprocess.run([cellulab, "run", os.path.join(base, "simulation_config_point.json"), "--output", work,
                        "--no-progress"], capture_output=True, text=True)
    sys.stdout.write(r.stdout)
    if r.returncode != 0:
        sys.exit("cellulab run failed:\n" + r.stderr)
    with h5py.File(os.path.join(work, "spikes.h5"), "r") as f:
        mine = sorted(zip(f["spikes/RingB/timestamps"][()].tolist(), f["spikes/RingB/node_ids"][()].tolist()))

    h.load_file("stdrun.hoc")
    h.nrn_load_dll(lib)
    with h5py.File(os.path.join(base, "nodes_B.h5"), "r") as f:
        templates = [t.decode().split(":", 1)[1] for t in f["nodes/RingB/0/model_template"][()]]
    cells = []
    for gid, t in enumerate(templates):
        h.load_file(os.path.join(base, "hoc", t + ".hoc"))
        cells.append(getattr(h, t)(gid))
    with h5py.File(os.path.join(base, "replay_RingA.h5"), "r") as f:
        rn = f["spikes/RingA/node_ids"][()].tolist()
        rt = f["spikes/RingA/timestamps"][()].tolist()
    keep = []
    stims = {}
    for node in sorted(set(rn)):
        vs = h.VecStim()
        vec = h.Vector(sorted(t for n, t in zip(rn, rt) if n == node))
        vs.play(vec)
        stims[node] = vs
        keep.append(vec)
    for path, pop, src in (("edges_B.h5", "RingB__RingB__point_process", "B"),
                           ("edges_AB.h5", "RingA__RingB__point_process", "A")):
        for s, t, w, d in zip(*edges(os.path.join(base, path), pop)):
            source = cells[s].pointcell if src == "B" else stims[s]
            nc = h.NetCon(source, cells[t].pointcell)
            nc.weight[0] = w
            nc.delay = d
            keep.append(nc)
    recs = []
    for gid, c in enumerate(cells):
        nc = h.NetCon(c.pointcell, None)
        v = h.Vector()
        nc.record(v)
        recs.append((gid, nc, v))
    h.cvode_active(0)
    h.dt = 0.1
    h.steps_per_ms = 10
    h.celsius = 35
    h.v_init = -65
    h.tstop = 50
    h.stdinit()
    h.continuerun(50)
    ref = sorted((t, gid) for gid, _, v in recs for t in v)
    ok = len(ref) == len(mine) and all(a[1] == b[1] and abs(a[0] - b[0]) <= 1e-9 for a, b in zip(ref, mine))
    print("NEURON %d spikes, cellulab %d spikes" % (len(ref), len(mine)))
    print("NEURON  ", ref)
    print("cellulab", mine)
    print("OK" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
