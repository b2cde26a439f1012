#!/usr/bin/python3
"""Replay from a full run's spike file (issue 5): a small SONATA network of
three Allen biophysical cells (NeuroML2, perisomatic stub) connected
0 -> 1 -> 2 and 2 -> 0 through Exp2Syn edges, node 0 driven by a current
step, is written with h5py into OUTDIR (the shared morphologies, models and
MOD files by path). Run 1 simulates all three cells. Run 2 loads only nodes
1 and 2 (node set "part") and replays node 0's spikes from run 1's spikes
file (an input of type spikes). The soma reports of nodes 1 and 2 must be
identical (the bound 1e-9 mV of the issue; both runs compute the same
doubles, so 0 is expected), and so must their spikes.

usage: check_sonata_replay.py CELLULAB SHARED_DATA OUTDIR
"""
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np


def write_circuit(d, shared):
    comp = os.path.join(shared, "sonata-examples", "shared_components")
    os.makedirs(os.path.join(d, "network"), exist_ok=True)
    with open(os.path.join(d, "network", "net_node_types.csv"), "w") as f:
        f.write("node_type_id model_processing morphology model_template model_type\n")
        f.write("1 aibs_perisomatic Scnn1a_473845048_m nml:Cell_472363762.cell.nml biophysical\n")
        f.write("2 aibs_perisomatic Rorb_325404214_m nml:Cell_473863510.cell.nml biophysical\n")
        f.write("3 aibs_perisomatic Nr5a1_471087815_m nml:Cell_473863035.cell.nml biophysical\n")
    with h5py.File(os.path.join(d, "network", "net_nodes.h5"), "w") as f:
        g = f.create_group("nodes/net")
        g["node_type_id"] = np.array([1, 2, 3], dtype=np.uint64)
        g["node_id"] = np.array([0, 1, 2], dtype=np.uint64)
        g["node_group_id"] = np.zeros(3, dtype=np.uint32)
        g["node_group_index"] = np.arange(3, dtype=np.uint64)
        g.create_group("0")
    with open(os.path.join(d, "network", "net_net_edge_types.csv"), "w") as f:
        f.write("edge_type_id model_template dynamics_params delay\n")
        f.write("1 exp2syn AMPA_ExcToExc.json 2.0\n")
    src, tgt = [0, 1, 2, 0], [1, 2, 0, 2]
    with h5py.File(os.path.join(d, "network", "net_net_edges.h5"), "w") as f:
        g = f.create_group("edges/net_to_net")
        g["source_node_id"] = np.array(src, dtype=np.uint64)
        g["source_node_id"].attrs["node_population"] = "net"
        g["target_node_id"] = np.array(tgt, dtype=np.uint64)
        g["target_node_id"].attrs["node_population"] = "net"
        g["edge_type_id"] = np.ones(4, dtype=np.uint32)
        g["edge_group_id"] = np.zeros(4, dtype=np.uint16)
        g["edge_group_index"] = np.arange(4, dtype=np.uint32)
        e = g.create_group("0")
        e["syn_weight"] = np.array([0.05, 0.05, 0.002, 0.04])
        e["sec_id"] = np.array([5, 10, 3, 20], dtype=np.int32)  # bmtk numbering: dendrites
        e["sec_x"] = np.array([0.5, 0.3, 0.7, 0.9])
    circuit = {
        "components": {
            "morphologies_dir": os.path.join(comp, "morphologies"),
            "mechanisms_dir": os.path.join(comp, "mechanisms"),
            "biophysical_neuron_models_dir": os.path.join(comp, "biophysical_neuron_templates", "nml"),
            "synaptic_models_dir": os.path.join(comp, "synaptic_models"),
        },
        "networks": {
            "nodes": [{"nodes_file": "network/net_nodes.h5", "node_types_file": "network/net_node_types.csv"}],
            "edges": [{"edges_file": "network/net_net_edges.h5", "edge_types_file": "network/net_net_edge_types.csv"}],
        },
    }
    with open(os.path.join(d, "circuit_config.json"), "w") as f:
        json.dump(circuit, f, indent=1)
    with open(os.path.join(d, "node_sets.json"), "w") as f:
        json.dump({"all": {"population": "net"}, "part": {"population": "net", "node_id": [1, 2]},
                   "first": {"population": "net", "node_id": [0]}}, f, indent=1)
    base = {
        "network": "circuit_config.json", "node_sets_file": "node_sets.json",
        "run": {"tstop": 600.0, "dt": 0.025, "dL": 20.0, "spike_threshold": -15},
        "conditions": {"celsius": 34.0, "v_init": -80},
        "inputs": {"step": {"input_type": "current_clamp", "module": "IClamp", "node_set": "first",
                            "amp": 0.3, "delay": 50.0, "duration": 500.0}},
        "reports": {"membrane_potential": {"cells": "all", "variable_name": "v", "module": "membrane_report",
                                           "sections": "soma"}},
    }
    full = dict(base, output={"output_dir": "out_full", "spikes_file": "spikes.h5"})
    part = dict(base, node_set="part", output={"output_dir": "out_part", "spikes_file": "spikes.h5"})
    part["inputs"] = {"replay": {"input_type": "spikes", "module": "sonata", "node_set": "all",
                                 "input_file": "out_full/spikes.h5"}}
    for name, cfg in (("full", full), ("part", part)):
        with open(os.path.join(d, "simulation_%s.json" % name), "w") as f:
            json.dump(cfg, f, indent=1)


def traces(path):
    with h5py.File(path, "r") as f:
        r = f["report/net"]
        ids = r["mapping/node_ids"][:].tolist()
        data = r["data"][:]
        return {n: data[:, i].astype(float) for i, n in enumerate(ids)}


def spikes(path):
    with h5py.File(path, "r") as f:
        g = f["spikes/net"]
        return sorted(zip(g["node_ids"][:].tolist(), g["timestamps"][:].tolist()))


def main():
    exe, shared, out = sys.argv[1], os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    shutil.rmtree(out, ignore_errors=True)
    write_circuit(out, shared)
    for name in ("full", "part"):
        p = subprocess.run([exe, "run", os.path.join(out, "simulation_%s.json" % name), "--no-progress"],
                           capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit("cellulab run %s failed:\n%s%s" % (name, p.stdout, p.stderr))
        print(p.stdout.strip().splitlines()[-1])
    full_s = spikes(os.path.join(out, "out_full", "spikes.h5"))
    part_s = spikes(os.path.join(out, "out_part", "spikes.h5"))
    tf = traces(os.path.join(out, "out_full", "membrane_potential.h5"))
    tp = traces(os.path.join(out, "out_part", "membrane_potential.h5"))
    ok = True
    n0 = sum(1 for n, _ in full_s if n == 0)
    for n in (1, 2):
        dv = float(np.abs(tf[n] - tp[n]).max()) if len(tf[n]) == len(tp[n]) else float("inf")
        sf = [t for m, t in full_s if m == n]
        sp = [t for m, t in part_s if m == n]
        print("node %d: %d samples, max |dv| %.3g mV, spikes full %d, replayed %d" % (n, len(tp[n]), dv, len(sf), len(sp)))
        ok = ok and dv <= 1e-9 and sf == sp
    print("node 0 (replayed): %d spikes" % n0)
    ok = ok and n0 > 0 and 0 not in tp  # node 0 was not simulated in the second run
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
