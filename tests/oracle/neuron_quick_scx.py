#!/usr/bin/python3
"""NEURON 8.2 building a BBP SONATA circuit of hoc e-models as BlueCelluLab
and neurodamus do (issue 8), without the circuit's synapses (issue 9).

For each node of the config's node_set: its template (hoc:NAME ->
biophysical_neuron_models_dir/NAME.hoc, each file loaded once), v6
`new NAME(gid = node id, morph_dir, morph_file, NeededAttributes...)` with
the values of the node's dynamics_params datasets (@dynamics:NAME;
AIS_scaler and soma_scaler default to 1.0 as in BlueCelluLab's
EmodelProperties), the ASC morphology of alternate_morphologies
neurolucida-asc (BlueCelluLab's morph_filepath prefers it over the
morphologies_dir SWC). celsius 34 (BBP default, the configs give none),
v_init from conditions (-80 if absent), dt and tstop from run.
Inputs: "hyperpolarizing" = an IClamp at soma[0](0.5) with amp = the node's
holding_current, delay and duration from the input. Spikes: a NetCon on
soma[0](1) v with threshold -30 (neurodamus' connect2target /
BlueCelluLab's spike detector). Recorded: soma[0](0.5) v at every step, into OUT.h5 (v[node, step],
spike_node, spike_t) and as text next to it (v_K.txt, spikes_K.txt).

With "synapses" (issue 9): the circuit's Blue Brain synapses onto the
nodes as BlueCelluLab's Random123 mode builds them (neuron_bbp.py): per edge
population the afferent edges of each node in id order, synapse id =
index; sections by the template's indexSections (v(0.0001), BlueCelluLab's
SerializedSections); run.synapse_seed (0 if absent); no calcium scaling
when conditions give no extracellular_calcium; the source cell's soma(1)
through a NetCon of threshold -30 mV (axon[1](0.5) under spike_location
AIS, for the cells' own spikes too), delay rounded
to the step, weight = conductance.

conditions.modifications (issue 9) are applied as BlueCelluLab applies
them (its simulation/modifications.py: Python statements on each section,
skipped where the section lacks a variable they name): ttx inserts
TTXDynamicsSwitch everywhere with ttxo_level 1; configure_all_sections
("%s.VAR ..."), section_list ("apical.VAR ...") and section
("dend[3].VAR ...") exec their statements with sec.VAR in place of the
target.

The configs are read with json + h5py, independently of cellulab.
usage: neuron_quick_scx.py LIBNRNMECH SIMULATION_CONFIG OUT.h5 [synapses]
"""
import json
import os
import re
import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import neuron_bbp as bbp  # noqa: E402


def resolve(d, base, manifest):
    """A path of a SONATA config: manifest variables, then relative to base."""
    for _ in range(8):
        m = re.search(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", d)
        if not m:
            break
        key = "$" + m.group(1)
        d = d[:m.start()] + manifest[key] + d[m.end():]
    return d if os.path.isabs(d) else os.path.normpath(os.path.join(base, d))


def load_json(path):
    with open(path) as f:
        j = json.load(f)
    base = os.path.dirname(os.path.abspath(path))
    man = {}
    for k, v in j.get("manifest", {}).items():
        man[k] = v if os.path.isabs(v) else os.path.normpath(os.path.join(base, v))
    return j, base, man


def strs(a):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in a]


def detector_site(sim, cell):
    """neurodamus' connect2target: soma(1), or axon[1](0.5) under
    conditions.spike_location AIS."""
    if sim.get("conditions", {}).get("spike_location") == "AIS":
        return cell.axon[1], 0.5
    return cell.soma[0], 1.0


def apply_modifications(h, sim, ns, cells):
    lists = {"somatic": "somatic", "soma": "somatic", "basal": "basal", "dend": "basal", "apical": "apical",
             "apic": "apical", "axonal": "axonal", "axon": "axonal"}
    for m in sim.get("conditions", {}).get("modifications", []):
        sel = ns[m["node_set"]]
        nodes = sel.get("node_id", range(len(cells)))
        cfg = m.get("section_configure", "")
        for k in nodes:
            cell = cells[k]
            if m["type"] == "ttx":
                for sec in cell.all:
                    sec.insert("TTXDynamicsSwitch")
                    sec.ttxo_level_TTXDynamicsSwitch = 1.0
                continue
            if m["type"] == "configure_all_sections":
                secs, code = list(cell.all), cfg.replace("%s.", "sec.")
            elif m["type"] == "section_list":
                name = re.match(r"^(\w+)\.", cfg).group(1)
                secs, code = list(getattr(cell, lists[name])), cfg.replace(name + ".", "sec.")
            else:
                name = re.match(r"^(\w+\[\d+\])\.", cfg).group(1)
                secs = [sec for sec in cell.all if sec.name().split(".")[-1] == name]
                code = cfg.replace(name + ".", "sec.")
            names = set(re.findall(r"sec\.(\w+)", code))
            for sec in secs:
                if all(hasattr(sec, a) for a in names):
                    exec(code, {"__builtins__": None}, {"sec": sec})


def add_synapses(h, sim, net, nbase, nman, pop_name, cells):
    seed = int(sim["run"].get("synapse_seed", 0))
    ca = sim.get("conditions", {}).get("extracellular_calcium")
    dt = float(sim["run"].get("dt", 0.025))
    isec = []
    for c in cells:
        m = {}
        for sec in c.all:
            v = sec(0.0001).v
            if v >= 0:
                m[int(v)] = sec
        isec.append(m)
    # one biophysical population, no virtual ones: its global ids are its node ids
    keep, n = [], 0
    for e in net["networks"].get("edges", []):
        with h5py.File(resolve(e["edges_file"], nbase, nman), "r") as f:
            for epop in f["edges"]:
                g = f["edges"][epop]
                spop = g["source_node_id"].attrs["node_population"]
                tpop = g["target_node_id"].attrs["node_population"]
                spop, tpop = [x.decode() if isinstance(x, bytes) else str(x) for x in (spop, tpop)]
                assert spop == tpop == pop_name
                src, tgt = g["source_node_id"][()], g["target_node_id"][()]
                grp = g["0"]
                cols = {k: grp[k][()] for k in ("conductance", "u_syn", "depression_time", "facilitation_time",
                                                "decay_time", "delay", "conductance_scale_factor",
                                                "u_hill_coefficient", "afferent_section_pos", "syn_type_id",
                                                "afferent_section_id", "n_rrp_vesicles")}
                pid = bbp.popid(pop_name)
                for k in range(len(cells)):
                    for sid, i in enumerate(np.nonzero(tgt == k)[0]):
                        r = {c: float(v[i]) for c, v in cols.items()}
                        sec = isec[k][int(r["afferent_section_id"])]
                        x = bbp.clamp_x(r["afferent_section_pos"])
                        syn, mech = bbp.prob_synapse(h, sec, x, r, k, sid, pid, pid, seed,
                                                     None if ca is None else float(ca))
                        s, sx = detector_site(sim, cells[int(src[i])])
                        nc = h.NetCon(s(sx)._ref_v, syn, sec=s)
                        nc.threshold = -30.0
                        nc.delay = bbp.delay_rounded(r["delay"], dt)
                        nc.weight[0] = r["conductance"]
                        nc.weight[int(getattr(h, "nc_type_param_" + mech))] = 0
                        keep += [syn, nc]
                        n += 1
    print("NEURON: %d Blue Brain synapses" % n)
    return keep


def main():
    nrnlib, simcfg, out = sys.argv[1:4]
    sim, sbase, sman = load_json(simcfg)
    net, nbase, nman = load_json(resolve(sim["network"], sbase, sman))
    node_set = sim["node_set"]
    if "node_sets_file" in sim:
        ns = load_json(resolve(sim["node_sets_file"], sbase, sman))[0]
    else:
        ns = load_json(resolve(net["node_sets_file"], nbase, nman))[0]
    pop_name = ns[node_set]["population"]  # these configs: a whole population
    entry, props = None, None
    for e in net["networks"]["nodes"]:
        if pop_name in e["populations"]:
            entry, props = e, e["populations"][pop_name]
    nodes_file = resolve(entry["nodes_file"], nbase, nman)
    hoc_dir = resolve(props["biophysical_neuron_models_dir"], nbase, nman)
    asc_dir = resolve(props["alternate_morphologies"]["neurolucida-asc"], nbase, nman)
    with h5py.File(nodes_file, "r") as f:
        g = f["nodes"][pop_name]
        if "node_group_id" in g:  # one group, rows in node order
            assert np.all(np.asarray(g["node_group_id"]) == 0)
        grp = g["0"]
        n = len(grp["model_template"])
        templates = strs(grp["model_template"][()])
        morphs = strs(grp["morphology"][()])
        dyn = {k: [float(x) for x in grp["dynamics_params"][k][()]] for k in grp["dynamics_params"]}

    from neuron import h
    h.nrn_load_dll(nrnlib)
    h.load_file("stdrun.hoc")
    # BlueCelluLab's RNGSettings (and neurodamus): run.random_seed is the
    # Random123 global index of every stream
    h.Random().Random123_globalindex(int(sim["run"].get("random_seed", 0)))
    h.celsius = 34.0
    h.v_init = float(sim.get("conditions", {}).get("v_init", -80.0))
    h.dt = float(sim["run"].get("dt", 0.025))
    h.tstop = float(sim["run"]["tstop"])
    h.steps_per_ms = 1.0 / h.dt
    loaded = set()
    cells, recs, dets, clamps = [], [], [], []
    spk_t, spk_id = h.Vector(), h.Vector()
    for k in range(n):
        name = templates[k].split(":", 1)[1]
        if name not in loaded:
            h.load_file(os.path.join(hoc_dir, name + ".hoc"))
            loaded.add(name)
        needed = getattr(h, name + "_NeededAttributes", None)
        vals = []
        for a in (needed.split(";") if needed else []):
            if a in dyn:
                vals.append(dyn[a][k])
            elif a in ("AIS_scaler", "soma_scaler"):
                vals.append(1.0)
            else:
                raise SystemExit("node %d: no value for %s" % (k, a))
        cell = getattr(h, name)(k, asc_dir, morphs[k] + ".asc", *vals)
        soma = cell.soma[0]
        v = h.Vector()
        v.record(soma(0.5)._ref_v)
        src_sec, src_x = detector_site(sim, cell)
        nc = h.NetCon(src_sec(src_x)._ref_v, None, sec=src_sec)
        nc.threshold = -30.0
        nc.record(spk_t, spk_id, k)
        for inp in sim.get("inputs", {}).values():
            if inp.get("module") == "hyperpolarizing":
                ic = h.IClamp(soma(0.5))
                ic.delay = float(inp["delay"])
                ic.dur = float(inp["duration"])
                ic.amp = dyn["holding_current"][k]
                clamps.append(ic)
        cells.append(cell)
        recs.append(v)
        dets.append(nc)
    apply_modifications(h, sim, ns, cells)
    if len(sys.argv) > 4 and sys.argv[4] == "synapses":
        keep = add_synapses(h, sim, net, nbase, nman, pop_name, cells)
    h.run()
    # text copies for network_compare (REFDIR/v_K.txt, spikes_K.txt)
    refdir = os.path.dirname(os.path.abspath(out))
    st, si = np.array(spk_t), np.array(spk_id)
    for k in range(n):
        np.savetxt(os.path.join(refdir, "v_%d.txt" % k), np.array(recs[k]), fmt="%.17g")
        np.savetxt(os.path.join(refdir, "spikes_%d.txt" % k), st[si == k], fmt="%.17g")
    with h5py.File(out, "w") as f:
        f["v"] = np.array([np.array(r) for r in recs])
        f["spike_node"] = np.array(spk_id, dtype=np.uint64)
        f["spike_t"] = np.array(spk_t)
        f["dt"] = h.dt
        f["celsius"] = h.celsius
    return 0


if __name__ == "__main__":
    sys.exit(main())
