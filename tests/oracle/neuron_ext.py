#!/usr/bin/python3
"""NEURON 8.2 reference for the NMODL features TABLE (FUNCTION and
PROCEDURE tables, DEPEND celsius / dt / a RANGE and a GLOBAL variable),
METHOD euler, INITIAL inside NET_RECEIVE and WATCH, compiled by cellulab's
NMODL compiler (mods_ext/: tabk, eulh, lastsyn, plainsyn, crosscount).

usage: neuron_ext.py LIBNRNMECH.so OUTDIR   (twin: ext_compare.c)

One soma (L = diam = 20 um) with hh, tabk and eulh; an IClamp; LastSyn
driven by two NetStims (per-connection last-spike time, INITIAL in
NET_RECEIVE); PlainSyn from the first NetStim with weights 1 and 2 set
non-zero before the run (finitialize zeroes them); CrossCount watching v.
Three runs of 100 ms: (1) 30 degC, dt 0.025; (2) 22 degC, dt 0.0125 (the
celsius and dt tables rebuilt); (3) 30 degC, dt 0.025, usetable_tabk =
usetable_eulh = 0. Each run writes run<k>_<name>.txt."""
import os
import sys

from neuron import h

h.nrn_load_dll(sys.argv[1])
h.load_file("stdrun.hoc")
outdir = sys.argv[2]
os.makedirs(outdir, exist_ok=True)
soma = h.Section(name="soma")
soma.L = soma.diam = 20
soma.insert("hh")
soma.insert("tabk")
soma.insert("eulh")
ic = h.IClamp(soma(0.5))
ic.delay, ic.dur, ic.amp = 20, 50, 0.12
ls = h.LastSyn(soma(0.5))
ps = h.PlainSyn(soma(0.5))
cc = h.CrossCount(soma(0.5))
ns1, ns2 = h.NetStim(), h.NetStim()
ns1.start, ns1.interval, ns1.number, ns1.noise = 5, 7, 12, 0
ns2.start, ns2.interval, ns2.number, ns2.noise = 8, 13, 6, 0
nc1 = h.NetCon(ns1, ls)
nc1.delay, nc1.weight[0] = 1, 0.004
nc2 = h.NetCon(ns2, ls)
nc2.delay, nc2.weight[0] = 2.25, 0.006
nc3 = h.NetCon(ns1, ps)
nc3.delay = 0.5
spk = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
spk.threshold = -20
spikes = h.Vector()
spk.record(spikes)
recs = {"v": soma(0.5)._ref_v, "n_tabk": soma(0.5)._ref_n_tabk,
        "ninf_tabk": soma(0.5)._ref_ninf_tabk, "r_eulh": soma(0.5)._ref_r_eulh,
        "s_eulh": soma(0.5)._ref_s_eulh, "i_ls": ls._ref_i, "i_ps": ps._ref_i,
        "cc_n": cc._ref_n, "cc_tup": cc._ref_tup, "cc_tdown": cc._ref_tdown}
h.cvode_active(0)
runs = [(30, 0.025, 1), (22, 0.0125, 1), (30, 0.025, 0)]
for k, (celsius, dt, usetable) in enumerate(runs, 1):
    vecs = {}
    for name, ref in recs.items():
        vecs[name] = h.Vector()
        vecs[name].record(ref)
    nc3.weight[0], nc3.weight[1], nc3.weight[2] = 0.001, 5, 7
    h.celsius = celsius
    h.dt = dt
    h.steps_per_ms = 1 / dt
    h.usetable_tabk = usetable
    h.usetable_eulh = usetable
    h.v_init = -65
    h.stdinit()
    h.continuerun(100)
    vecs["spikes"] = spikes
    vecs["weights"] = h.Vector([nc1.weight[1], nc1.weight[2], nc2.weight[1], nc2.weight[2],
                                nc3.weight[1], nc3.weight[2]])
    for name, vec in vecs.items():
        with open(os.path.join(outdir, "run%d_%s.txt" % (k, name)), "w") as f:
            for x in vec:
                f.write("%.17g\n" % x)
