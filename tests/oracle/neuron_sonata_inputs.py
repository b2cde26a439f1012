#!/usr/bin/python3
"""NEURON 8.2 reference for the BBP input modules of a SONATA simulation
config (issue 5): writes a small SONATA circuit into OUTDIR/circuit — three
Allen perisomatic cells of the 5_cells_iclamp example (NeuroML2 models,
shared morphologies and MOD files by path), each node with
@dynamics:holding_current and @dynamics:threshold_current — and a
simulation config whose inputs are the deterministic libsonata modules
(hyperpolarizing, linear, relative_linear, subthreshold, pulse, sinusoidal,
seclamp) and a bmtk IClamp with lists. Then NEURON builds the same network (as neuron_sonata_5cells.py
does) and the stimuli from the module definitions, independently, the way
neurodamus builds them: a time/value Vector pair (a base point at 0, the
signal from the delay) played
into an IClamp's amp with Vector.play(amp, t, 1), the IClamp on from 0 to
the last time of the signal; seclamp an SEClamp (rs, dur1 = duration,
amp1 = voltage; the delay is not used).

usage: neuron_sonata_inputs.py LIBNRNMECH.so SHARED_DATA OUTDIR
Writes OUTDIR/circuit/simulation_config.json (for network_compare) and
OUTDIR/ref/v_<node>.txt, spikes_<node>.txt.
"""
import csv
import json
import os
import sys

import h5py
import numpy as np
from neuron import h

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neuron_allen import fix_axon_peri  # noqa: E402
from neuron_allen_nml import apply_nml, read_nml  # noqa: E402

TYPES = [100, 104, 101]  # node types of 5_cells_iclamp's biophysical_node_types.csv
HOLDING = [-0.02, -0.03, -0.01]  # nA
THRESHOLD = [0.2, 0.15, 0.3]  # nA
RUN = {"tstop": 300.0, "dt": 0.025, "dL": 20.0, "spike_threshold": -15.0}
COND = {"celsius": 34.0, "v_init": -80.0}
INPUTS = {
    "hyp": {"module": "hyperpolarizing", "input_type": "current_clamp", "node_set": "all", "delay": 0.0,
            "duration": 250.0},
    "ramp": {"module": "linear", "input_type": "current_clamp", "node_set": "n0", "delay": 20.0,
             "duration": 200.0, "amp_start": 0.1, "amp_end": 0.4},
    "rel": {"module": "relative_linear", "input_type": "current_clamp", "node_set": "n1", "delay": 30.0,
            "duration": 150.0, "percent_start": 80.0, "percent_end": 150.0},
    "sub": {"module": "subthreshold", "input_type": "current_clamp", "node_set": "n2", "delay": 10.0,
            "duration": 100.0, "percent_less": 20.0},
    "pul": {"module": "pulse", "input_type": "current_clamp", "node_set": "n2", "delay": 120.0,
            "duration": 110.0, "amp_start": 0.5, "frequency": 40.0, "width": 5.0},
    "sin": {"module": "sinusoidal", "input_type": "current_clamp", "node_set": "n0", "delay": 230.0,
            "duration": 50.0, "amp_start": 0.2, "frequency": 20.0},
    "vc": {"module": "seclamp", "input_type": "voltage_clamp", "node_set": "n1", "delay": 5.0,
           "duration": 20.0, "voltage": -70.0},
    "steps": {"module": "IClamp", "input_type": "current_clamp", "node_set": "n1", "amp": [0.2, 0.3],
              "delay": [190.0, 260.0], "duration": [30.0, 20.0]},
    "lin2": {"module": "linear", "input_type": "current_clamp", "node_set": "n2", "delay": 240.0,
             "duration": 40.0, "amp_start": 0.25},
}
SETS = {"all": [0, 1, 2], "n0": [0], "n1": [1], "n2": [2]}


def write_circuit(d, shared, inputs=None, run=None, dynamics=None):
    """The 3-cell circuit and its simulation config (inputs, run and extra
    @dynamics columns default to this oracle's)."""
    inputs = INPUTS if inputs is None else inputs
    run = RUN if run is None else run
    ex = os.path.join(shared, "sonata-examples")
    comp = os.path.join(ex, "shared_components")
    os.makedirs(d, exist_ok=True)
    with h5py.File(os.path.join(d, "nodes.h5"), "w") as f:
        g = f.create_group("nodes/net")
        g["node_type_id"] = np.array(TYPES, dtype=np.uint64)
        g["node_id"] = np.arange(3, dtype=np.uint64)
        g["node_group_id"] = np.zeros(3, dtype=np.uint32)
        g["node_group_index"] = np.arange(3, dtype=np.uint64)
        dp = g.create_group("0/dynamics_params")
        dp["holding_current"] = np.array(HOLDING)
        dp["threshold_current"] = np.array(THRESHOLD)
        for k, v in (dynamics or {}).items():
            dp[k] = np.array(v)
    circuit = {
        "components": {
            "morphologies_dir": os.path.join(comp, "morphologies"),
            "mechanisms_dir": os.path.join(comp, "mechanisms"),
            "biophysical_neuron_models_dir": os.path.join(comp, "biophysical_neuron_templates", "nml"),
        },
        "networks": {"nodes": [{"nodes_file": "nodes.h5", "node_types_file": os.path.join(
            ex, "5_cells_iclamp", "network", "biophysical_node_types.csv")}]},
    }
    with open(os.path.join(d, "circuit_config.json"), "w") as f:
        json.dump(circuit, f, indent=1)
    with open(os.path.join(d, "node_sets.json"), "w") as f:
        json.dump({k: {"population": "net", "node_id": v} for k, v in SETS.items()}, f, indent=1)
    sim = {"network": "circuit_config.json", "node_sets_file": "node_sets.json", "run": run,
           "conditions": COND, "inputs": inputs, "output": {"output_dir": "output"}}
    with open(os.path.join(d, "simulation_config.json"), "w") as f:
        json.dump(sim, f, indent=1)


class Signal:
    """A time/value list as neurodamus' SignalSource builds it."""

    def __init__(self, delay):
        self.t, self.y, self.now = [], [], 0.0
        if delay > 0:  # a base point at 0, the signal from the delay
            self.point(0.0)
            self.now = delay

    def point(self, y):
        self.t.append(self.now)
        self.y.append(y)

    def segment(self, a1, dur, a2):
        self.point(a1)
        self.now += dur
        self.point(a2)

    def pulse(self, amp, dur):
        self.point(0.0)
        self.segment(amp, dur, amp)
        self.point(0.0)


def signal_for(inp, node):
    d, dur, mod = inp["delay"], inp["duration"], inp["module"]
    s = Signal(d)
    if mod in ("linear", "relative_linear", "hyperpolarizing", "subthreshold"):
        if mod == "linear":
            a1, a2 = inp["amp_start"], inp.get("amp_end", inp["amp_start"])
        elif mod == "relative_linear":
            thr = THRESHOLD[node]
            a1 = thr * (inp["percent_start"] / 100)
            a2 = thr * (inp.get("percent_end", inp["percent_start"]) / 100)
        elif mod == "hyperpolarizing":
            a1 = a2 = HOLDING[node]
        else:
            a1 = a2 = THRESHOLD[node] * (100 - inp["percent_less"]) / 100
        s.point(0.0)
        s.segment(a1, dur, a2)
        s.point(0.0)
    elif mod == "pulse":
        period = 1000 / inp["frequency"]
        gap = period - inp["width"]
        n = int(dur / period)
        for _ in range(n):
            s.pulse(inp["amp_start"], inp["width"])
            s.now += gap
        rest = dur - n * period
        if inp["width"] <= rest:
            s.pulse(inp["amp_start"], inp["width"])
            s.now += min(gap, rest - inp["width"])
        else:
            s.pulse(inp["amp_start"], rest)
        s.point(0.0)
    elif mod == "sinusoidal":
        step = inp.get("dt", 0.025)
        tv = h.Vector()
        tv.indgen(s.now, s.now + dur, step)
        sv = h.Vector(len(tv))
        sv.sin(inp["frequency"], 0.0, step)
        sv.mul(inp["amp_start"])
        s.t.extend(tv)
        s.y.extend(sv)
        s.now += dur
        s.point(0.0)
    else:
        raise ValueError(mod)
    return s


def build_cells(lib, shared):
    """NEURON's copies of the three cells, as neuron_sonata_5cells.py builds
    them (after loading stdrun.hoc and the MOD library)."""
    h.load_file("stdrun.hoc")
    h.nrn_load_dll(lib)
    ex = os.path.join(shared, "sonata-examples")
    morph_dir = os.path.join(ex, "shared_components", "morphologies")
    nml_dir = os.path.join(ex, "shared_components", "biophysical_neuron_templates", "nml")
    with open(os.path.join(ex, "5_cells_iclamp", "network", "biophysical_node_types.csv")) as f:
        types = {int(r["node_type_id"]): r for r in csv.DictReader(f, delimiter=" ")}
    cells = []
    for tid in TYPES:
        r = types[tid]
        cell = h.ClBiophys1(os.path.join(morph_dir, r["morphology"] + ".swc"))
        fix_axon_peri(cell)
        apply_nml(cell, read_nml(os.path.join(nml_dir, r["model_template"].split(":", 1)[1])))
        for sec in cell.all:
            sec.nseg = 1 + 2 * int(sec.L / (2 * RUN["dL"]))
        cells.append(cell)
    return cells


def main():
    lib, shared, out = sys.argv[1:4]
    cdir = os.path.join(out, "circuit")
    write_circuit(cdir, shared)
    keep = []
    for node, cell in enumerate(build_cells(lib, shared)):
        stims = []
        for inp in INPUTS.values():  # file order, as the config lists them
            if node not in SETS[inp["node_set"]]:
                continue
            if inp["module"] == "IClamp":  # bmtk: one IClamp per list element
                for a, d, du in zip(inp["amp"], inp["delay"], inp["duration"]):
                    ic = h.IClamp(cell.soma[0](0.5))
                    ic.delay, ic.dur, ic.amp = d, du, a
                    stims.append(ic)
                continue
            if inp["module"] == "seclamp":
                vc = h.SEClamp(cell.soma[0](0.5))
                vc.rs = inp.get("series_resistance", 0.01)
                vc.dur1 = inp["duration"]
                vc.amp1 = inp["voltage"]
                stims.append(vc)
                continue
            s = signal_for(inp, node)
            tv, sv = h.Vector(s.t), h.Vector(s.y)
            ic = h.IClamp(cell.soma[0](0.5))
            ic.dur = tv[len(tv) - 1]
            sv.play(ic._ref_amp, tv, 1)
            stims.append((ic, tv, sv))
        v = h.Vector()
        v.record(cell.soma[0](0.5)._ref_v)
        nc = h.NetCon(cell.soma[0](0.5)._ref_v, None, sec=cell.soma[0])
        nc.threshold = RUN["spike_threshold"]
        spikes = h.Vector()
        nc.record(spikes)
        keep.append((node, cell, stims, v, nc, spikes))
    h.celsius = COND["celsius"]
    h.cvode_active(0)
    h.secondorder = 0
    h.dt = RUN["dt"]
    h.steps_per_ms = 1.0 / RUN["dt"]
    h.v_init = COND["v_init"]
    h.tstop = RUN["tstop"]
    h.stdinit()
    h.continuerun(RUN["tstop"])
    ref = os.path.join(out, "ref")
    os.makedirs(ref, exist_ok=True)
    for node, _, _, v, _, spikes in keep:
        with open(os.path.join(ref, "v_%d.txt" % node), "w") as f:
            f.writelines("%.17g\n" % x for x in v)
        with open(os.path.join(ref, "spikes_%d.txt" % node), "w") as f:
            f.writelines("%.17g\n" % x for x in spikes)
        print("node %d: %d samples, %d spikes" % (node, len(v), len(spikes)))


if __name__ == "__main__":
    main()
