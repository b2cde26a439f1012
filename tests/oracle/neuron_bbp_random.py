#!/usr/bin/python3
"""NEURON 8.2 reference for cellulab's maintained Blue Brain mechanisms
(mod/bbp) against their VERBATIM originals, and for its RANDOM streams.

usage: neuron_bbp_random.py LIBNRNMECH.so OUTDIR   (twin: bbp_random_compare.c)

draws.txt: NEURON's nrnran123 (through the Ran123Probe MOD file) for a few
streams: lines "S gix id1 id2 id3 seq which" start a stream, then lines
"KIND value" (i ipick, u dblpick, e negexp, n normal) in draw order.

Per mechanism M (OUTDIR/M/): a soma (L = diam = 20 um, hh, 34 degC,
v_init -65, dt 0.025 ms, 1000 ms) with M at soma(0.5) driven by a VecStim
through a NetCon (delay 1, weight 100 for AMPANMDA (it fires), 10 for GABAAB) at the times in spikes.txt; Use 0.5,
Dep 150, Fac 30 (Prob*: Nrrp 3, setRNG(1234, 56, 789), Random123 global
index 5; ProbGABAAB_EMS / DetGABAAB: GABAB_ratio 0.5; M_variant: the
other branches, Fac 0 (u = Use) and for ProbAMPANMDA_EMS Nrrp 5,
init_depleted 1, minis_single_vesicle 1 with nc_type (weight[4]) 1).
Written: v.txt, g.txt
at every step (with t = 0), stim_spikes.txt (what the VecStim,
BlueCelluLab's VecStim.mod, sent), occupied.txt (Prob*) and next_draws.txt (Prob*:
4 urand() after the run, i.e. where the synapse's stream stands).

StochKv3 and StochKv (OUTDIR/M/): the same soma and VecStim driving an
ExpSyn (tau 2 ms, e 0, weight 0.05 uS, delay 1) at soma(0.5); M inserted
in the soma (StochKv3 with gkbar 0.01 S/cm2, StochKv with its default),
setRNG_M(1234, 56, 789) through setdata; v.txt, gk.txt (gk_M) and
next_draws.txt.

GluSynapse (OUTDIR/GluSynapse/): as the synapses above (weight 1: its
NET_RECEIVE INITIAL sets it), gmax0_AMPA 20 nS, gmax_NMDA 10 nS, Nrrp 3,
Use 0.5, Dep 150, Fac 30, setRNG(1234, 56, 789); v.txt, g_NMDA.txt,
effcai_GB.txt, dep_GB.txt and pot_GB.txt (the WATCHes), next_draws.txt.

InhPoissonStim (OUTDIR/InhPoissonStim/): time bins 0, 200, 400, 600, 800
ms with rates 20, 80, 5, 50, 120 Hz, setRNGs(11, 22, 33, 44, 55, 66),
driving an ExpSyn (tau 2, e 0, weight 0.05, delay 1) on the hh soma;
spikes.txt (its spike times), v.txt, next_draws.txt (2 urand() then 2
erand() after the run)."""
import math
import os
import sys

from neuron import h

h.nrn_load_dll(sys.argv[1])
h.load_file("stdrun.hoc")
outdir = sys.argv[2]
os.makedirs(outdir, exist_ok=True)


def write(path, xs):
    with open(path, "w") as f:
        for x in xs:
            f.write("%.17g\n" % x)


# ---- the streams
probe = h.Ran123Probe()
rnd = h.Random()
scen = [(0, 1, 2, 3, 0, 0), (5, 0, 0, 0, 0, 0), (1, 4294967295, 17, 123456789, 4294967295, 1),
        (4294967295, 1234, 56, 789, 7, 3)]
with open(os.path.join(outdir, "draws.txt"), "w") as f:
    for gix, a, b, c, seq, which in scen:
        rnd.Random123_globalindex(gix)
        probe.setstream(a, b, c)
        probe.setseq(seq, which)
        f.write("S %d %d %d %d %d %d\n" % (gix, a, b, c, seq, which))
        for k in range(60):
            kind = "iuen"[k % 4] if k < 40 else "u"
            val = {"i": probe.ipick, "u": probe.dblpick, "e": probe.negexp, "n": probe.normal}[kind]()
            f.write("%s %.17g\n" % (kind, val))
rnd.Random123_globalindex(5)

# ---- the mechanisms
spikes = []
k = 0
while True:
    t = 5 + 7.3 * k + 3 * math.sin(k)
    if t >= 995:
        break
    spikes.append(t)
    k += 1
write(os.path.join(outdir, "spikes.txt"), spikes)

for mech, variant in [("ProbAMPANMDA_EMS", 0), ("ProbGABAAB_EMS", 0), ("DetAMPANMDA", 0), ("DetGABAAB", 0),
                      ("ProbAMPANMDA_EMS", 1), ("DetAMPANMDA", 1)]:
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    soma.insert("hh")
    syn = getattr(h, mech)(soma(0.5))
    syn.Use, syn.Dep, syn.Fac = 0.5, 150, 30
    if "GABAAB" in mech:
        syn.GABAB_ratio = 0.5
    prob = mech.startswith("Prob")
    if prob:
        syn.Nrrp = 3
        syn.setRNG(1234, 56, 789)
    if variant:
        syn.Fac = 0
        if prob:
            syn.Nrrp = 5
            setattr(h, "init_depleted_" + mech, 1)
            setattr(h, "minis_single_vesicle_" + mech, 1)
    vs = h.VecStim()
    tv = h.Vector(spikes)
    vs.play(tv)
    nc = h.NetCon(vs, syn)
    nc.delay, nc.weight[0] = 1, (100 if "AMPANMDA" in mech else 10)
    if variant and prob:
        nc.weight[4] = 1  # nc_type: a spontaneous mini
    stim_spikes = h.Vector()
    nc.record(stim_spikes)
    recs = {"v": soma(0.5)._ref_v, "g": syn._ref_g}
    if prob:
        recs["occupied"] = syn._ref_occupied
    vecs = {}
    for name, ref in recs.items():
        vecs[name] = h.Vector()
        vecs[name].record(ref)
    h.celsius = 34
    h.cvode_active(0)
    h.dt = 0.025
    h.steps_per_ms = 40
    h.v_init = -65
    h.stdinit()
    h.continuerun(1000)
    if variant and prob:
        setattr(h, "init_depleted_" + mech, 0)
        setattr(h, "minis_single_vesicle_" + mech, 0)
    d = os.path.join(outdir, mech + ("_variant" if variant else ""))
    os.makedirs(d, exist_ok=True)
    for name, vec in vecs.items():
        write(os.path.join(d, name + ".txt"), vec)
    write(os.path.join(d, "stim_spikes.txt"), stim_spikes)
    if prob:
        write(os.path.join(d, "next_draws.txt"), [syn.urand() for _ in range(4)])
    del nc, vs, syn, soma, vecs, tv

# ---- stochastic channels
for mech, gkbar in [("StochKv3", 0.01), ("StochKv", None)]:
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    soma.insert("hh")
    soma.insert(mech)
    if gkbar is not None:
        setattr(soma(0.5), "gkbar_" + mech, gkbar)
    getattr(h, "setdata_" + mech)(0.5, sec=soma)
    getattr(h, "setRNG_" + mech)(1234, 56, 789)
    syn = h.ExpSyn(soma(0.5))
    syn.tau, syn.e = 2, 0
    vs = h.VecStim()
    tv = h.Vector(spikes)
    vs.play(tv)
    nc = h.NetCon(vs, syn)
    nc.delay, nc.weight[0] = 1, 0.05
    vecs = {"v": h.Vector(), "gk": h.Vector()}
    vecs["v"].record(soma(0.5)._ref_v)
    vecs["gk"].record(getattr(soma(0.5), "_ref_gk_" + mech))
    h.stdinit()
    h.continuerun(1000)
    d = os.path.join(outdir, mech)
    os.makedirs(d, exist_ok=True)
    for name, vec in vecs.items():
        write(os.path.join(d, name + ".txt"), vec)
    getattr(h, "setdata_" + mech)(0.5, sec=soma)
    write(os.path.join(d, "next_draws.txt"), [getattr(h, "urand_" + mech)() for _ in range(4)])
    del nc, vs, syn, soma, vecs, tv

# ---- GluSynapse (WATCH, euler, binomial release)
soma = h.Section(name="soma")
soma.L = soma.diam = 20
soma.insert("hh")
syn = h.GluSynapse(soma(0.5))
syn.gmax0_AMPA, syn.gmax_NMDA, syn.Nrrp, syn.Use, syn.Dep, syn.Fac = 20, 10, 3, 0.5, 150, 30
syn.setRNG(1234, 56, 789)
vs = h.VecStim()
tv = h.Vector(spikes)
vs.play(tv)
nc = h.NetCon(vs, syn)
nc.delay, nc.weight[0] = 1, 1
recs = {"v": soma(0.5)._ref_v, "g_NMDA": syn._ref_g_NMDA, "effcai_GB": syn._ref_effcai_GB,
        "dep_GB": syn._ref_dep_GB, "pot_GB": syn._ref_pot_GB}
vecs = {}
for name, ref in recs.items():
    vecs[name] = h.Vector()
    vecs[name].record(ref)
h.stdinit()
h.continuerun(1000)
d = os.path.join(outdir, "GluSynapse")
os.makedirs(d, exist_ok=True)
for name, vec in vecs.items():
    write(os.path.join(d, name + ".txt"), vec)
write(os.path.join(d, "next_draws.txt"), [syn.urand() for _ in range(4)])

# ---- InhPoissonStim (two streams, thinning)
soma = h.Section(name="soma")
soma.L = soma.diam = 20
soma.insert("hh")
syn = h.ExpSyn(soma(0.5))
syn.tau, syn.e = 2, 0
ips = h.InhPoissonStim()
tb = h.Vector([0, 200, 400, 600, 800])
rt = h.Vector([20, 80, 5, 50, 120])
ips.setTbins(tb)
ips.setRate(rt)
ips.setRNGs(11, 22, 33, 44, 55, 66)
nc = h.NetCon(ips, syn)
nc.delay, nc.weight[0] = 1, 0.05
ipspikes = h.Vector()
nc.record(ipspikes)
vv = h.Vector()
vv.record(soma(0.5)._ref_v)
h.stdinit()
h.continuerun(1000)
d = os.path.join(outdir, "InhPoissonStim")
os.makedirs(d, exist_ok=True)
write(os.path.join(d, "spikes.txt"), ipspikes)
write(os.path.join(d, "v.txt"), vv)
write(os.path.join(d, "next_draws.txt"), [ips.urand(), ips.urand(), ips.erand(), ips.erand()])
