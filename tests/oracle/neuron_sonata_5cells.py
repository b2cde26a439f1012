#!/usr/bin/python3
"""NEURON 8.2 reference for the network simulation of the SONATA example
5_cells_iclamp, with cellulab's defaults (NEURON 8's constants, NEURON's
own Import3d): the five cells built in one NEURON session the way bmtk's
BioNet builds a `nml:` model_template with aibs_perisomatic (the helpers of
neuron_allen_nml.py / neuron_allen.py: Biophys1 + fix_axon_peri + the NML
biophysics + nseg 1 + 2*int(L/(2*dL)) after them), the three IClamps of the
simulation config at soma[0](0.5) of every cell, celsius and v_init from
the config's conditions, its dt and tstop, secondorder 0. Spikes as bmtk
detects them: a NetCon at soma[0](0.5) with the run's spike_threshold.

usage: neuron_sonata_5cells.py LIBNRNMECH.so SHARED_DATA OUTDIR [legacy]
(legacy: h.nrnunit_use_legacy(1), NEURON 7's constants)

Writes OUTDIR/v_<node>.txt (soma v at every step from t = 0, %.17g) and
OUTDIR/spikes_<node>.txt (spike times, %.17g), one per node id.
"""
import csv
import json
import os
import sys

import h5py
from neuron import h

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neuron_allen import fix_axon_peri  # noqa: E402
from neuron_allen_nml import apply_nml, read_nml  # noqa: E402


def main():
    lib, shared, out = sys.argv[1:4]
    h.nrnunit_use_legacy(1 if sys.argv[4:5] == ["legacy"] else 0)
    h.load_file("stdrun.hoc")
    h.nrn_load_dll(lib)
    ex = os.path.join(shared, "sonata-examples")
    base = os.path.join(ex, "5_cells_iclamp")
    with open(os.path.join(base, "simulation_config.json")) as f:
        sim = json.load(f)
    run, cond = sim["run"], sim["conditions"]
    clamps = [v for v in sim["inputs"].values() if v["input_type"] == "current_clamp"]
    net = os.path.join(base, "network")
    morph_dir = os.path.join(ex, "shared_components", "morphologies")
    nml_dir = os.path.join(ex, "shared_components", "biophysical_neuron_templates", "nml")
    with open(os.path.join(net, "biophysical_node_types.csv")) as f:
        types = {int(r["node_type_id"]): r for r in csv.DictReader(f, delimiter=" ")}
    with h5py.File(os.path.join(net, "biophysical_nodes.h5"), "r") as f:
        type_ids = [int(x) for x in f["nodes/biophysical/node_type_id"][:]]
    keep = []
    for node, tid in enumerate(type_ids):
        r = types[tid]
        assert r["model_processing"] == "aibs_perisomatic"
        cell = h.ClBiophys1(os.path.join(morph_dir, r["morphology"] + ".swc"))
        fix_axon_peri(cell)
        apply_nml(cell, read_nml(os.path.join(nml_dir, r["model_template"].split(":", 1)[1])))
        for sec in cell.all:
            sec.nseg = 1 + 2 * int(sec.L / (2 * run["dL"]))
        stims = []
        for c in clamps:
            s = h.IClamp(cell.soma[0](0.5))
            s.delay, s.dur, s.amp = c["delay"], c["duration"], c["amp"]
            stims.append(s)
        v = h.Vector()
        v.record(cell.soma[0](0.5)._ref_v)
        nc = h.NetCon(cell.soma[0](0.5)._ref_v, None, sec=cell.soma[0])
        nc.threshold = run["spike_threshold"]
        spikes = h.Vector()
        nc.record(spikes)
        keep.append((node, cell, stims, v, nc, spikes))
    h.celsius = cond["celsius"]
    h.cvode_active(0)
    h.secondorder = 0
    h.dt = run["dt"]
    h.steps_per_ms = 1.0 / run["dt"]
    h.v_init = cond["v_init"]
    h.tstop = run["tstop"]
    h.stdinit()
    h.continuerun(run["tstop"])
    os.makedirs(out, exist_ok=True)
    for node, _, _, v, _, spikes in keep:
        with open(os.path.join(out, "v_%d.txt" % node), "w") as f:
            f.writelines("%.17g\n" % x for x in v)
        with open(os.path.join(out, "spikes_%d.txt" % node), "w") as f:
            f.writelines("%.17g\n" % x for x in spikes)
        print("node %d: %d samples, %d spikes" % (node, len(v), len(spikes)))


if __name__ == "__main__":
    main()
