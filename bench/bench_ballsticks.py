#!/usr/bin/python3
"""Benchmark (not a test): N hh ball-and-sticks for 1 s of biological time in
NEURON 8.2 and in cellulab, in the same run, each in its own process.

Prints wall time of the run (model building excluded), ns per
compartment-step, the ratio, peak memory (max RSS of each process) and the
agreement of cell 0's soma trace. usage:
  bench_ballsticks.py --cellulab build/bench/bench_ballsticks [--n 100] [--tstop 1000]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

NEURON_SIDE = r'''
import json, sys, time
from neuron import h
n, tstop, asc, trace = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4]
h.load_file("stdrun.hoc"); h.load_file("import3d.hoc")
h("""begintemplate BCell
public soma, dend, apic, axon, all, somatic, basal, apical, axonal
create soma[1], dend[1], apic[1], axon[1]
objref all, somatic, basal, apical, axonal
proc init() { all = new SectionList() somatic = new SectionList() basal = new SectionList()
  apical = new SectionList() axonal = new SectionList() }
endtemplate BCell""")
cells, stims = [], []
for i in range(n):
    c = h.BCell(); m = h.Import3d_Neurolucida3(); m.quiet = 1; m.input(asc)
    h.Import3d_GUI(m, 0).instantiate(c)
    for s in c.basal: s.nseg = 200
    for s in c.all:
        s.insert("hh"); s.gnabar_hh = 0.24
    st = h.IClamp(c.soma[0](0.5)); st.delay, st.dur, st.amp = 100, 800, 0.3
    cells.append(c); stims.append(st)
# every cell records its soma voltage and time is recorded once, as cellulab
# (and BlueCelluLab) do
vs = [h.Vector() for c in cells]
for vec, c in zip(vs, cells): vec.record(c.soma[0](0.5)._ref_v)
v = vs[0]
tv = h.Vector(); tv.record(h._ref_t)
h.celsius = 34; h.cvode_active(0); h.dt = 0.025; h.steps_per_ms = 40; h.v_init = -65
t0 = time.perf_counter(); h.stdinit(); h.continuerun(tstop); wall = time.perf_counter() - t0
with open(trace, "w") as f:
    for x in v: f.write("%.17g\n" % x)
print(json.dumps({"wall_s": wall}))
'''


def run_child(cmd):
    """Run cmd; return its JSON result and its own peak RSS in KiB (wait4)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit("benchmark child failed: %s\n%s" % (" ".join(cmd), err))
    return json.loads(out.strip().splitlines()[-1]), usage.ru_maxrss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cellulab", required=True)
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--tstop", type=float, default=1000.0)
    a = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    asc = os.path.normpath(os.path.join(here, "..", "..", "shared", "data", "bluecellulab", "ballstick", "morphology.asc"))
    with tempfile.TemporaryDirectory() as tmp:
        ct, nt = os.path.join(tmp, "c.txt"), os.path.join(tmp, "n.txt")
        cres, crss = run_child([a.cellulab, "--n", str(a.n), "--tstop", str(a.tstop), "--trace", ct])
        nres, nrss = run_child(["/usr/bin/python3", "-c", NEURON_SIDE, str(a.n), str(a.tstop), asc, nt])
        cv = [float(x) for x in open(ct)]
        nv = [float(x) for x in open(nt)]
    comp_steps = cres["compartments"] * cres["steps"]
    maxdv = max(abs(x - y) for x, y in zip(cv, nv)) if len(cv) == len(nv) else float("nan")
    print("model: %d hh ball-and-sticks (%d compartments), %.0f ms at dt 0.025 ms (%d steps)"
          % (a.n, cres["compartments"], a.tstop, cres["steps"]))
    print("%-10s %10s %14s %14s" % ("", "wall (s)", "ns/comp-step", "peak RSS (MiB)"))
    print("%-10s %10.3f %14.2f %14s" % ("NEURON", nres["wall_s"], 1e9 * nres["wall_s"] / comp_steps,
                                        "%.1f" % (nrss / 1024.0)))
    print("%-10s %10.3f %14.2f %14s" % ("cellulab", cres["wall_s"], 1e9 * cres["wall_s"] / comp_steps,
                                        "%.1f" % (crss / 1024.0)))
    print("speed ratio NEURON/cellulab: %.2f" % (nres["wall_s"] / cres["wall_s"]))
    print("agreement, cell 0 soma trace: %d vs %d samples, max|dv| = %.3g mV, spikes cellulab %d"
          % (len(cv), len(nv), maxdv, cres["spikes_cell0"]))
    print("memory ratio NEURON/cellulab (peak RSS): %.2f" % (nrss / crss))


if __name__ == "__main__":
    main()
