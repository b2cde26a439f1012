#!/usr/bin/python3
"""Issue 9, Done-when 2: the container L5 TPC
(bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A) with all its
afferent synapses (4,850 edges from the virtual populations POm, VPM and
external_S1nonbarrel_neurons) and their spontaneous minis, the virtual
sources replayed from a seeded Poisson spike file this script writes,
1 s, against NEURON 8.2 running the same template, the container's own MOD
files plus BlueCelluLab's netstim_inhpoisson.mod (the VERBATIM originals of ProbAMPANMDA_EMS / ProbGABAAB_EMS /
InhPoissonStim / VecStim) and the same seeds.

cellulab side: the container's circuit_config.json as it is (the cell's
morphology from merged-morphologies.h5), a simulation config written here
(synapse_replay of the spike file, synapse_seed, minis_seed, extracellular
calcium), the container's MOD folder through `cellulab build-mechanisms`
(which substitutes the project's maintained versions of the VERBATIM
files), run by bbp_network_compare in doubles, and by `cellulab run` for
the spike file.

NEURON side (written here, BlueCelluLab's Random123 mode, see
neuron_bbp.py): Cell.hoc / TDistFunc.hoc, the template cADpyr_L5TPC with
(gid 0, folder, morphology); NEURON 8.2 cannot read HDF5, so the cell's
group of merged-morphologies.h5 is written as the equivalent ASC text
(neuron_morph.h5_to_text, checked point for point by oracle_morph_compare);
sections numbered by the template's indexSections (v(0.0001), as
BlueCelluLab's SerializedSections); per edge population the afferent edges
in id order, synapse id = index; the target's global id from BlueCelluLab's
namespace (populations in name order, offsets rounded up to 1000: POm 0,
S1nonbarrel_neurons 1000); VecStims for the virtual sources; spikes at
soma(1), threshold -30 mV (the template's connect2target); celsius 34,
v_init -80; the Random123 global index run.random_seed, as BlueCelluLab's
RNGSettings sets it.

Bounds (issue 9): soma v within 1e-6 mV at every step over 1 s, identical
spikes (times within 1e-9 ms).

usage: check_bbp_container.py CELLULAB COMPARER SHARED_DATA HOC_LIB OUTDIR
"""
import json
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import neuron_bbp as bbp  # noqa: E402

CONTAINER = "container_nbS1-O1__202247__cADpyr__L5_TPC_A"
TARGET = "S1nonbarrel_neurons"
EPOPS = [("POm__S1nonbarrel_neurons__chemical", "POm__S1nonbarrel_neurons__chemical/edges.h5"),
         ("VPM__S1nonbarrel_neurons__chemical", "VPM__S1nonbarrel_neurons__chemical/edges.h5"),
         ("external_S1nonbarrel_neurons__S1nonbarrel_neurons__chemical",
          "external_S1nonbarrel_neurons__S1nonbarrel_neurons__chemical.h5")]
VIRTUAL = {"POm": ("POm/nodes.h5", 15.0), "VPM": ("VPM/nodes.h5", 15.0),
           "external_S1nonbarrel_neurons": ("external_S1nonbarrel_neurons/nodes.h5", 4.0)}  # rate in Hz
SPIKE_SEED = 20261126     # numpy's generator for the Poisson trains
SYN_SEED, MINIS_SEED = 11, 17
RANDOM_SEED = 4           # run.random_seed: the Random123 global index of every stream
CA = 1.05                 # conditions.extracellular_calcium (mM)
DT, TSTOP, CELSIUS, VINIT = 0.025, 1000.0, 34.0, -80.0
COLS = ("conductance", "u_syn", "depression_time", "facilitation_time", "decay_time", "delay",
        "conductance_scale_factor", "u_hill_coefficient", "afferent_section_pos")


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=1800, stdin=subprocess.DEVNULL, **kw)


def build_mechanisms(cellulab, cont, out):
    mods = os.path.join(out, "mods")
    shutil.copytree(os.path.join(cont, "mod"), mods)
    # the container ships no InhPoissonStim (the minis' source); BlueCelluLab's
    # mechanism folder has the original
    shutil.copy(os.path.join(os.path.dirname(cont), "mechanisms", "netstim_inhpoisson.mod"), mods)
    nrn = os.path.join(out, "nrn")
    shutil.copytree(mods, nrn)
    p = run(["sh", "-c", '. "%s/nrnivmodl.sh"; nrnivmodl_build "%s" "%s"' % (HERE, nrn, os.path.join(out, "bin"))])
    nrnlib = os.path.join(nrn, "x86_64", ".libs", "libnrnmech.so")
    cllib = os.path.join(out, "libmech.so")
    q = run([cellulab, "build-mechanisms", mods, "-o", cllib])
    if not os.path.exists(nrnlib) or q.returncode != 0:
        sys.exit("mechanism builds failed:\n%s%s%s%s" % (p.stdout, p.stderr, q.stdout, q.stderr))
    # the VERBATIM originals are replaced by the maintained files, and said so
    said = q.stdout + q.stderr
    for m in ("ProbAMPANMDA_EMS", "ProbGABAAB_EMS", "InhPoissonStim"):
        if m not in said:
            sys.exit("build-mechanisms did not say it substituted %s:\n%s" % (m, said))
    return nrnlib, cllib


def poisson_spikes(cont):
    """{population: (node ids, times)}: each virtual node fires as a Poisson
    process of its population's rate over [0, TSTOP)."""
    rng = np.random.default_rng(SPIKE_SEED)
    out = {}
    for pop, (f, rate) in sorted(VIRTUAL.items()):
        with h5py.File(os.path.join(cont, f), "r") as h:
            n = h["nodes/%s/node_type_id" % pop].shape[0]
        ids, ts = [], []
        for k in range(n):
            t = rng.exponential(1000.0 / rate)
            while t < TSTOP:
                ids.append(k)
                ts.append(t)
                t += rng.exponential(1000.0 / rate)
        order = np.argsort(ts, kind="stable")
        out[pop] = (np.array(ids, dtype=np.uint64)[order], np.array(ts)[order])
    return out


def read_spikes(path):
    """The spike file write_config wrote, as poisson_spikes returns them."""
    with h5py.File(path, "r") as f:
        return {pop: (g["node_ids"][()], g["timestamps"][()]) for pop, g in f["spikes"].items()}


def write_config(out, cont, spikes):
    with h5py.File(os.path.join(out, "input_spikes.h5"), "w") as f:
        for pop, (ids, ts) in spikes.items():
            g = f.create_group("spikes/" + pop)
            g["node_ids"] = ids
            g["timestamps"] = ts
    with open(os.path.join(out, "node_sets.json"), "w") as f:
        json.dump({"cell": {"population": TARGET, "node_id": [0]}}, f, indent=1)
    sim = {"network": os.path.join(cont, "circuit_config.json"), "node_sets_file": "node_sets.json",
           "node_set": "cell",
           "run": {"tstop": TSTOP, "dt": DT, "random_seed": RANDOM_SEED, "synapse_seed": SYN_SEED, "minis_seed": MINIS_SEED},
           "conditions": {"celsius": CELSIUS, "v_init": VINIT, "extracellular_calcium": CA},
           "inputs": {"thalamus_and_cortex": {"input_type": "spikes", "module": "synapse_replay",
                                              "node_set": "cell", "spike_file": "input_spikes.h5",
                                              "delay": 0.0, "duration": TSTOP}},
           "reports": {"soma": {"cells": "cell", "variable_name": "v", "type": "compartment",
                                "sections": "soma", "dt": DT, "start_time": 0.0, "end_time": TSTOP}},
           "output": {"output_dir": "out", "spikes_file": "out.h5"}}
    cfg = os.path.join(out, "simulation_config.json")
    with open(cfg, "w") as f:
        json.dump(sim, f, indent=1)
    return cfg


def read_edges(cont, path, pop):
    """The afferent edges of node 0 in id order, as dicts of Python numbers."""
    with h5py.File(os.path.join(cont, path), "r") as f:
        g = f["edges/" + pop]
        src = g["source_node_id"][()]
        tgt = g["target_node_id"][()]
        spop = g["source_node_id"].attrs["node_population"]
        spop = spop.decode() if isinstance(spop, bytes) else str(spop)
        grp = g["0"]
        cols = {c: grp[c][()] for c in COLS}
        stype = grp["syn_type_id"][()]
        sec = grp["afferent_section_id"][()]
        nrrp = grp["n_rrp_vesicles"][()]
    rows = []
    for i in np.nonzero(tgt == 0)[0]:
        e = {c: float(cols[c][i]) for c in COLS}  # float32 columns widen exactly
        e.update(source=int(src[i]), syn_type_id=int(stype[i]), section=int(sec[i]), n_rrp_vesicles=int(nrrp[i]))
        rows.append(e)
    return spop, rows


def neuron_reference(nrnlib, hoclib, cont, spikes, out):
    from neuron import h
    import neuron_morph
    h.nrn_load_dll(nrnlib)
    h.load_file("stdrun.hoc")
    h.load_file("import3d.hoc")
    h.Random().Random123_globalindex(RANDOM_SEED)  # BlueCelluLab's RNGSettings
    h.load_file(os.path.join(hoclib, "Cell.hoc"))
    h.load_file(os.path.join(hoclib, "TDistFunc.hoc"))
    h.load_file(os.path.join(cont, "emodels_hoc", "cADpyr_L5TPC.hoc"))
    with h5py.File(os.path.join(cont, "S1nonbarrel_neurons", "nodes.h5"), "r") as f:
        g = f["nodes/%s/0" % TARGET]
        morph = g["morphology"][0].decode()
        exc_rate = float(g["exc_mini_frequency"][0])
        inh_rate = float(g["inh_mini_frequency"][0])
    asc = neuron_morph.h5_to_text(os.path.join(cont, "morphologies", "merged-morphologies.h5"), morph,
                                  os.path.join(out, "morph"))
    cell = h.cADpyr_L5TPC(0, os.path.dirname(asc), os.path.basename(asc))
    isec = {}
    for sec in cell.all:  # BlueCelluLab's SerializedSections
        v = sec(0.0001).v
        if v >= 0:
            isec[int(v)] = sec
    max_node = {TARGET: 0}
    for pop, (f, _) in VIRTUAL.items():
        with h5py.File(os.path.join(cont, f), "r") as hf:
            max_node[pop] = hf["nodes/%s/node_type_id" % pop].shape[0] - 1
    post_gid = bbp.gid_offsets(max_node)[TARGET] + 0
    tgt_pid = bbp.popid(TARGET)
    keep, vecstims = [], {}
    for pop, (ids, ts) in spikes.items():
        for k in np.unique(ids):
            vec = h.Vector(np.sort(ts[ids == k]))
            vs = h.VecStim()
            vs.play(vec)
            vecstims[(pop, int(k))] = vs
            keep.append(vec)
    n_syn = {"ProbAMPANMDA_EMS": 0, "ProbGABAAB_EMS": 0}
    n_minis = 0
    for epop, path in EPOPS:
        spop, rows = read_edges(cont, path, epop)
        src_pid = bbp.popid(spop)
        for sid, e in enumerate(rows):
            sec = isec[e["section"]]
            x = bbp.clamp_x(e["afferent_section_pos"])
            syn, mech = bbp.prob_synapse(h, sec, x, e, post_gid, sid, src_pid, tgt_pid, SYN_SEED, CA)
            n_syn[mech] += 1
            rate = exc_rate if mech == "ProbAMPANMDA_EMS" else inh_rate
            if rate > 0:
                keep += bbp.minis(h, sec, x, syn, mech, e["conductance"], 0, sid, src_pid, tgt_pid, MINIS_SEED,
                                  rate)
                n_minis += 1
            keep.append(syn)
            vs = vecstims.get((spop, e["source"]))
            if vs is None:  # a source that never fires
                continue
            nc = h.NetCon(vs, syn)
            nc.delay = bbp.delay_rounded(e["delay"], DT)
            nc.weight[0] = e["conductance"]
            nc.weight[int(getattr(h, "nc_type_param_" + mech))] = 2  # replay
            keep.append(nc)
    soma = cell.soma[0]
    det = h.NetCon(soma(1)._ref_v, None, sec=soma)
    det.threshold = -30
    tv = h.Vector()
    det.record(tv)
    v = h.Vector()
    v.record(soma(0.5)._ref_v)
    h.celsius = CELSIUS
    h.v_init = VINIT
    h.cvode_active(0)
    h.dt = DT
    h.steps_per_ms = 1 / DT
    h.stdinit()
    h.continuerun(TSTOP)
    ref = os.path.join(out, "ref")
    os.makedirs(ref)
    with open(os.path.join(ref, "v_0.txt"), "w") as f:
        f.write("".join("%.17g\n" % x for x in v))
    with open(os.path.join(ref, "spikes.txt"), "w") as f:
        f.write("".join("0 %.17g\n" % t for t in tv))
    print("NEURON: %d sections, %d ProbAMPANMDA_EMS, %d ProbGABAAB_EMS, %d with minis, %d spikes" % (
        len(isec), n_syn["ProbAMPANMDA_EMS"], n_syn["ProbGABAAB_EMS"], n_minis, int(tv.size())))
    sys.stdout.flush()
    return ref, [t for t in tv]


def main():
    cellulab, comparer, shared, hoclib, out = sys.argv[1:6]
    out = os.path.abspath(out)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    cont = os.path.join(os.path.abspath(shared), "bluecellulab", CONTAINER)
    nrnlib, cllib = build_mechanisms(cellulab, cont, out)
    spikes = poisson_spikes(cont)
    print("input: %s spikes" % {p: len(t) for p, (_, t) in spikes.items()})
    cfg = write_config(out, cont, spikes)
    # NEURON in its own process: its mechanisms and ours never share one
    p = run(["/usr/bin/python3", os.path.abspath(__file__), "--neuron", nrnlib, hoclib, cont, out])
    print(p.stdout.strip())
    if p.returncode != 0:
        sys.exit("NEURON side failed:\n" + p.stderr)
    ref = os.path.join(out, "ref")
    # the library in doubles: every step within 1e-6 mV, spikes equal
    q = run([comparer, cfg, cllib, ref, "0", "0", "1", "0", TARGET, "0"])
    print(q.stdout.strip())
    if q.returncode != 0:
        sys.exit("bbp_network_compare failed:\n" + q.stderr)
    with open(os.path.join(ref, "spikes.txt")) as f:
        ref_t = [float(line.split()[1]) for line in f if line.strip()]
    if len(ref_t) < 2:
        sys.exit("the input should make the cell fire (NEURON: %d spikes)" % len(ref_t))
    # the seeds, the calcium and the minis matter: each change moves v by more than 1e-3 mV
    for what, args in (("synapse_seed %d" % (SYN_SEED + 1), [str(SYN_SEED + 1), "0", "1", "0"]),
                       ("no extracellular calcium", ["0", "-1", "1", "0"]),
                       ("no minis", ["0", "0", "0", "0"]),
                       ("GABA rise time not drawn", ["0", "0", "1", "-1"])):
        q = run([comparer, cfg, cllib, ref] + args + [TARGET, "0"])
        dv = [float(line.split()[4]) for line in q.stdout.splitlines() if line.startswith("max |dv| over cells")]
        print("with %s: max |dv| %s mV (must exceed 1e-3)" % (what, dv[0] if dv else "?"))
        if not dv or not dv[0] > 1e-3:
            sys.exit(1)
    # the CLI as a user runs it: out.h5 holds the same spikes
    o = os.path.join(out, "cl")
    r = run([cellulab, "run", cfg, "--soma-orientation", "neuron82", "--mechanisms", cllib, "--minis",
             "--output", o, "--no-progress"])
    print(r.stdout.strip())
    if r.returncode != 0:
        sys.exit("cellulab run failed:\n" + r.stderr)
    with h5py.File(os.path.join(o, "out.h5"), "r") as f:
        st = f["spikes/%s/timestamps" % TARGET][()]
    dts = float(np.max(np.abs(np.sort(st) - np.array(ref_t)))) if len(st) == len(ref_t) else float("inf")
    print("cellulab run: %d spikes (NEURON %d), max |dt| %.3g ms (bound 1e-9)" % (len(st), len(ref_t), dts))
    if not dts <= 1e-9:
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--neuron":
        nrnlib_, hoclib_, cont_, out_ = sys.argv[2:6]
        neuron_reference(nrnlib_, hoclib_, cont_, read_spikes(os.path.join(out_, "input_spikes.h5")), out_)
    else:
        main()
