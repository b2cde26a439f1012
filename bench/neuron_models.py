#!/usr/bin/python3
"""The NEURON 8.2 side of bench/bench.py: builds the same model as
bench/bench_models.c (see bench/README.md), runs it and prints one JSON
object (wall time of the run, building excluded; compartments; steps;
resident set once NEURON and the mechanisms are loaded, before building, at
its peak, and after the run once the heap's free pages are given back with
malloc_trim; spikes of the traced soma);
writes that soma's trace (every step) to TRACE.

usage: neuron_models.py MODEL TRACE TSTOP [ring NRING NCELL | allen5 DATA LIBNRNMECH | l5tpc DATA NSYN]
"""
import ctypes
import json
import os
import sys
import time


def status_kib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return -1


from neuron import h  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "oracle"))

h.load_file("stdrun.hoc")
h.load_file("import3d.hoc")
h("""begintemplate BenchCell
public soma, dend, apic, axon, all, somatic, basal, apical, axonal
create soma[1], dend[1], apic[1], axon[1]
objref all, somatic, basal, apical, axonal
proc init() { all = new SectionList() somatic = new SectionList() basal = new SectionList()
  apical = new SectionList() axonal = new SectionList() }
endtemplate BenchCell""")


def load(path, reader):
    """A cell from Import3d, and its sections (without the template's empty
    placeholders of types the file lacks)."""
    c = h.BenchCell()
    m = reader()
    m.quiet = 1
    m.input(path)
    h.Import3d_GUI(m, 0).instantiate(c)
    return c, [s for s in c.all if s.n3d() > 0]


def ring(nring, ncell, data, keep):
    asc = os.path.join(data, "bluecellulab", "ballstick", "morphology.asc")
    cells, syns, allsecs = [], [], []
    for i in range(nring * ncell):
        c, secs = load(asc, h.Import3d_Neurolucida3)
        allsecs += secs
        for s in c.basal:
            s.nseg = 200
        for s in secs:
            s.insert("hh")
            s.gnabar_hh = 0.24
        syn = h.ExpSyn(c.dend[0](0.5))
        syn.tau = 2.0
        # cellulab's ballstick records its soma voltage at every step
        v = h.Vector()
        v.record(c.soma[0](0.5)._ref_v)
        cells.append(c)
        syns.append(syn)
        keep.append(v)
    for r in range(nring):
        for k in range(ncell):
            i, j = r * ncell + k, r * ncell + (k + 1) % ncell
            nc = h.NetCon(cells[i].soma[0](0.5)._ref_v, syns[j], sec=cells[i].soma[0])
            nc.threshold, nc.delay, nc.weight[0] = -20, 1, 0.05
            keep.append(nc)
        st = h.NetStim()
        st.interval, st.number, st.start, st.noise = 20, 1e9, 5, 0
        nc = h.NetCon(st, syns[r * ncell])
        nc.delay, nc.weight[0] = 1, 0.05
        keep += [st, nc]
    keep += cells + syns
    return cells[0].soma[0], sum(s.nseg for s in allsecs)


def allen5(data, lib, keep):
    from neuron_allen import fix_axon_peri  # bmtk's Biophys1 template (ClBiophys1) too
    from neuron_allen_nml import apply_nml, read_nml
    shared = os.path.join(data, "sonata-examples", "shared_components")
    pairs = [("Scnn1a_473845048_m.swc", "Cell_472363762.cell.nml"),
             ("Rorb_325404214_m.swc", "Cell_473863510.cell.nml"),
             ("Nr5a1_471087815_m.swc", "Cell_473863035.cell.nml"),
             ("Pvalb_470522102_m.swc", "Cell_472912177.cell.nml"),
             ("Pvalb_469628681_m.swc", "Cell_473862421.cell.nml")]
    first, comps = None, 0
    for morph, nml in pairs:
        c = h.ClBiophys1(os.path.join(shared, "morphologies", morph))
        fix_axon_peri(c)
        apply_nml(c, read_nml(os.path.join(shared, "biophysical_neuron_templates", "nml", nml)))
        for s in c.all:
            s.nseg = 1 + 2 * int(s.L / 40.0)
        st = h.IClamp(c.soma[0](0.5))
        st.delay, st.dur, st.amp = 100, 1000, 0.3
        keep += [c, st]
        comps += sum(s.nseg for s in c.all)
        first = first or c.soma[0]
    return first, comps


def l5tpc(data, nsyn, keep):
    asc = os.path.join(data, "bluecellulab", "container_nbS1-O1__202247__cADpyr__L5_TPC_A", "morphologies", "asc",
                       "dend-rat_20150119_LH1_cell1_axon-rp111203_C3_idA_-_Scale_x1.000_y0.950_z1.000_-_Clone_0.asc")
    c, secs = load(asc, h.Import3d_Neurolucida3)
    for s in secs:
        s.nseg = 1 + 2 * int(s.L / 40.0)
        kind = s.name().split(".")[1][:4]
        if kind in ("soma", "axon"):
            s.insert("hh")
        else:
            s.insert("pas")
            s.g_pas, s.e_pas = 3e-5, -70
    dend = [s for s in secs if s.name().split(".")[1][:4] in ("dend", "apic")]
    dend = [s for s in dend if s.name().split(".")[1].startswith("dend[")] + \
        [s for s in dend if s.name().split(".")[1].startswith("apic")]
    stims = []
    for j in range(500):
        st = h.NetStim()
        st.interval, st.number, st.start, st.noise = 50 + 5 * (j % 10), 1e9, 0.1 * j, 0
        stims.append(st)
    for k in range(nsyn):
        x = ((k * 7919) % 1000 + 0.5) / 1000
        syn = h.Exp2Syn(dend[k % len(dend)](x))
        syn.tau1, syn.tau2, syn.e = 0.5, 5, 0
        nc = h.NetCon(stims[k % 500], syn)
        nc.delay, nc.weight[0] = 1, 0.0002
        keep += [syn, nc]
    keep += [c] + stims
    return c.soma[0], sum(s.nseg for s in secs)


def main():
    model, trace, tstop = sys.argv[1], sys.argv[2], float(sys.argv[3])
    keep = []
    if model == "allen5":
        h.nrn_load_dll(sys.argv[5])
    # the model's memory: from here (simulator and mechanisms loaded) to the peak
    rss0 = status_kib("VmRSS")
    if model == "ring":
        data = sys.argv[6]
        soma, comps = ring(int(sys.argv[4]), int(sys.argv[5]), data, keep)
        v_init = -65
    elif model == "allen5":
        soma, comps = allen5(sys.argv[4], sys.argv[5], keep)
        v_init = -80
    elif model == "l5tpc":
        soma, comps = l5tpc(sys.argv[4], int(sys.argv[5]), keep)
        v_init = -65
    else:
        sys.exit("unknown model " + model)
    v = h.Vector()
    v.record(soma(0.5)._ref_v)
    h.celsius = 34
    h.cvode_active(0)
    h.secondorder = 0
    h.dt = 0.025
    h.steps_per_ms = 40
    h.v_init = v_init
    h.stdinit()
    t0, c0 = time.perf_counter(), time.process_time()
    h.continuerun(tstop)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    with open(trace, "w") as f:
        f.writelines("%.17g\n" % x for x in v)
    spikes = sum(1 for i in range(1, len(v)) if v[i - 1] <= -20 < v[i])
    peak = status_kib("VmHWM")
    # the live model: freed heap pages (Import3d's) go back to the system, so
    # that memory later allocations reused counts; bench.py's bytes per
    # synapse compare this between two synapse counts
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "compartments": comps, "steps": len(v) - 1, "spikes": spikes,
                      "rss0_kib": rss0, "peak_kib": peak, "rss_trim_kib": status_kib("VmRSS")}))


if __name__ == "__main__":
    main()
