#!/usr/bin/python3
"""NEURON 8.2 reference for point processes and artificial cells compiled
by cellulab's NMODL compiler (mods_pp/: a synapse with per-connection state
and self-events, a calcium point current, an artificial cell).

usage: neuron_pp.py LIBNRNMECH.so OUTDIR   (twin: pp_compare.c)

One hh soma (L = diam = 20 µm); SynX at soma(0.5) driven by a Gen through
a NetCon (delay 1, weight 0.05); the soma's spikes (threshold -20) drive
the Gen back (delay 2, weight 1); CaHot at soma(0.5). 120 ms, 34 °C."""
import os
import sys

from neuron import h

h.nrn_load_dll(sys.argv[1])
h.load_file("stdrun.hoc")
outdir = sys.argv[2]
soma = h.Section(name="soma")
soma.L = soma.diam = 20
soma.insert("hh")
syn = h.SynX(soma(0.5))
gen = h.Gen()
hot = h.CaHot(soma(0.5))
nc = h.NetCon(gen, syn)
nc.delay, nc.weight[0] = 1, 0.05
back = h.NetCon(soma(0.5)._ref_v, gen, sec=soma)
back.threshold, back.delay, back.weight[0] = -20, 2, 1
gen_spikes, soma_spikes = h.Vector(), h.Vector()
nc.record(gen_spikes)
back.record(soma_spikes)
recs = {"v": soma(0.5)._ref_v, "i_syn": syn._ref_i, "ica": hot._ref_ica, "m": hot._ref_m}
vecs = {}
for k, ref in recs.items():
    vecs[k] = h.Vector()
    vecs[k].record(ref)
h.celsius = 34
h.cvode_active(0)
h.dt = 0.025
h.steps_per_ms = 40
h.v_init = -65
h.stdinit()
h.continuerun(120)
vecs["gen_spikes"] = gen_spikes
vecs["soma_spikes"] = soma_spikes
vecs["count"] = h.Vector([nc.weight[1]])
os.makedirs(outdir, exist_ok=True)
for k, vec in vecs.items():
    with open(os.path.join(outdir, k + ".txt"), "w") as f:
        for x in vec:
            f.write("%.17g\n" % x)
