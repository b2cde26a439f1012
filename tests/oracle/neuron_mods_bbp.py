#!/usr/bin/python3
"""NEURON 8.2 references for the BlueCelluLab (BBP) MOD files compiled by
cellulab's NMODL compiler.

usage: neuron_mods_bbp.py LIBNRNMECH.so OUTDIR

For each configuration below: one soma compartment (L = diam = 20 µm, pas
g 1e-4 S/cm2 e -70 mV) with the named mechanisms inserted and the given
RANGE parameters set, a 0.3 nA IClamp from 20 to 170 ms, 200 ms at dt
0.025, 34 °C. Writes OUTDIR/<config>/v.txt (every step, %.17g). The same
list is built by mod_compare_bbp.c (keep the two in step)."""
import os
import sys

from neuron import h

# mechanisms driving calcium: spikes (NaTs2_t, SKv3_1) open Ca_HVA
SPIKE_CA = [("NaTs2_t", "gNaTs2_tbar", 0.5), ("SKv3_1", "gSKv3_1bar", 0.5),
            ("Ca_HVA", "gCa_HVAbar", 0.001)]

CONFIGS = [
    # cnexp channels
    ("NaTs2_t", [("NaTs2_t", "gNaTs2_tbar", 0.5)]),
    ("SKv3_1", [("SKv3_1", "gSKv3_1bar", 0.5)]),
    ("Ih", [("Ih", "gIhbar", 0.0001)]),
    ("K_Pst", [("K_Pst", "gK_Pstbar", 0.05)]),
    ("spiking", SPIKE_CA + [("K_Pst", "gK_Pstbar", 0.05), ("Ih", "gIhbar", 0.0001)]),
    # derivimplicit
    ("cacum", SPIKE_CA + [("cacum", None, 0)]),
    ("cacumb", SPIKE_CA + [("cacumb", None, 0)]),
    ("TC_cad", SPIKE_CA + [("TC_cad", None, 0)]),
    ("kca", SPIKE_CA + [("cacum", None, 0), ("kca", "gbar", 0.01)]),
    ("kca_TC_cad", SPIKE_CA + [("TC_cad", None, 0), ("kca", "gbar", 0.01)]),
]


def main():
    lib, outdir = sys.argv[1], sys.argv[2]
    h.nrn_load_dll(lib)
    h.load_file("stdrun.hoc")
    for name, mechs in CONFIGS:
        soma = h.Section(name="soma")
        soma.L = soma.diam = 20
        soma.insert("pas")
        soma.g_pas = 1e-4
        soma.e_pas = -70
        for m, p, g in mechs:
            soma.insert(m)
            if p is not None:
                setattr(soma(0.5), p + "_" + m, g)
        stim = h.IClamp(soma(0.5))
        stim.delay, stim.dur, stim.amp = 20, 150, 0.3
        v = h.Vector()
        v.record(soma(0.5)._ref_v)
        h.celsius = 34
        h.cvode_active(0)
        h.dt = 0.025
        h.steps_per_ms = 40
        h.v_init = -65
        h.stdinit()
        h.continuerun(200)
        d = os.path.join(outdir, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "v.txt"), "w") as f:
            for x in v:
                f.write("%.17g\n" % x)
        del stim, soma


main()
