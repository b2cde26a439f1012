#!/usr/bin/python3
"""NEURON 8.2 references for MOD files compiled by cellulab's NMODL compiler.

usage: neuron_mods.py LIBNRNMECH.so OUTDIR

For each configuration below: one soma compartment (L = diam = 20 µm, pas
g 1e-4 S/cm2 e -70 mV) with the named mechanisms inserted at the given
densities, a 0.3 nA IClamp from 20 to 170 ms, 200 ms at dt 0.025, 34 °C.
Writes OUTDIR/<config>/v.txt (every step, %.17g). The same list is built by
mod_compare.c (keep the two in step)."""
import os
import sys

from neuron import h

CONFIGS = [
    ("NaTs", {"NaTs": 0.5}),
    ("NaTa", {"NaTa": 0.5}),
    ("Nap", {"Nap": 0.001}),
    ("Kv3_1", {"Kv3_1": 0.5}),
    ("K_T", {"K_T": 0.05}),
    ("K_P", {"K_P": 0.05}),
    ("Kd", {"Kd": 0.01}),
    ("Kv2like", {"Kv2like": 0.05}),
    ("Im", {"Im": 0.001}),
    ("Im_v2", {"Im_v2": 0.001}),
    ("Ih", {"Ih": 0.0001}),
    ("Ca_HVA", {"Ca_HVA": 0.001}),
    ("Ca_LVA", {"Ca_LVA": 0.005}),
    ("spiking", {"NaTs": 0.5, "Kv3_1": 0.5, "K_T": 0.05, "Nap": 0.001, "Ih": 0.0001,
                 "Im": 0.001, "Ca_HVA": 0.001, "Ca_LVA": 0.005, "SK": 0.01, "CaDynamics": None}),
]


# The 3-section tree: the spiking soma, a dendrite at soma(1) and one at
# soma(0.5), different mechanisms and nseg.
DEND1 = {"Ih": 0.0002, "Im": 0.002, "Ca_LVA": 0.002, "CaDynamics": None, "SK": 0.005}
DEND2 = {"K_P": 0.01, "Kv3_1": 0.05, "NaTa": 0.02}


def run(tstop):
    h.celsius = 34
    h.cvode_active(0)
    h.dt = 0.025
    h.steps_per_ms = 40
    h.v_init = -65
    h.stdinit()
    h.continuerun(tstop)


def write(outdir, name, vecs):
    d = os.path.join(outdir, name)
    os.makedirs(d, exist_ok=True)
    for key, vec in vecs.items():
        with open(os.path.join(d, key + ".txt"), "w") as f:
            for x in vec:
                f.write("%.17g\n" % x)


def decorate(sec, mechs):
    """pas (1e-4 S/cm2, -70 mV) and mechs {name: gbar or None} in every
    segment of sec (soma_oracle.c's so_decorate)."""
    sec.insert("pas")
    sec.g_pas = 1e-4
    sec.e_pas = -70
    for m, g in mechs.items():
        sec.insert(m)
        if g is not None:
            for seg in sec:
                setattr(seg, "gbar_" + m, g)


def clamp(sec):
    """The 0.3 nA step from 20 to 170 ms at sec(0.5)."""
    stim = h.IClamp(sec(0.5))
    stim.delay, stim.dur, stim.amp = 20, 150, 0.3
    return stim


def tree(outdir):
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    d1 = h.Section(name="d1")
    d1.L, d1.diam, d1.nseg = 100, 2, 5
    d2 = h.Section(name="d2")
    d2.L, d2.diam, d2.nseg = 150, 1.5, 4
    d1.connect(soma(1))
    d2.connect(soma(0.5))
    for sec, mechs in ((soma, CONFIGS[-1][1]), (d1, DEND1), (d2, DEND2)):
        decorate(sec, mechs)
    stim = clamp(soma)  # noqa: F841 (kept alive until the run ends)
    vecs = {}
    for key, seg in (("v", soma(0.5)), ("v_d1", d1(0.9)), ("v_d2", d2(0.4)), ("cai_d1", None)):
        vec = h.Vector()
        vec.record(seg._ref_v if seg is not None else d1(0.5)._ref_cai)
        vecs[key] = vec
    run(200)
    write(outdir, "tree", vecs)


def soma_run(outdir, name, mechs, change=None):
    """The soma of one configuration; change = (t, celsius): at t ms celsius
    becomes that, without a new initialisation (rates read it at every
    call)."""
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    decorate(soma, mechs)
    stim = clamp(soma)  # noqa: F841 (kept alive until the run ends)
    v = h.Vector()
    v.record(soma(0.5)._ref_v)
    if change:
        run(change[0])
        h.celsius = change[1]
        h.continuerun(200)
    else:
        run(200)
    write(outdir, name, {"v": v})


def main():
    lib, outdir = sys.argv[1], sys.argv[2]
    h.nrn_load_dll(lib)
    h.load_file("stdrun.hoc")
    tree(outdir)
    for name, mechs in CONFIGS:
        soma_run(outdir, name, mechs)
    # the spiking soma with celsius changed at 100 ms (mod_compare.c)
    soma_run(outdir, "celsius_change", CONFIGS[-1][1], (100, 22))


main()
