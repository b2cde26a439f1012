#!/usr/bin/python3
"""NEURON 8.2 references for the KINETIC / LINEAR MOD files (NaV, TC_Ih_CaMod)
compiled by cellulab's NMODL compiler.

usage: neuron_mods_kinetic.py LIBNRNMECH.so OUTDIR

As neuron_mods.py: one soma compartment (L = diam = 20 µm, pas g 1e-4 S/cm2
e -70 mV), the mechanisms below with the given parameters, a 0.3 nA IClamp
from 20 to 170 ms, 200 ms at dt 0.025, 34 °C. Writes OUTDIR/<config>/v.txt
(every step, %.17g). mod_compare_kinetic.c builds the same list (keep the
two in step)."""
import os
import sys

from neuron import h

CONFIGS = [
    ("NaV", [("NaV", "gbar_NaV", 0.1)]),
    ("NaV_Kv3_1", [("NaV", "gbar_NaV", 0.1), ("Kv3_1", "gbar_Kv3_1", 0.5)]),
    ("TC_Ih_CaMod", [("TC_Ih_CaMod", "ghbar_TC_Ih_CaMod", 0.002), ("Ca_HVA", "gCa_HVAbar_Ca_HVA", 0.001),
                     ("CaDynamics_E2", None, None)]),
    ("TC_Ih_CaMod_NaV", [("TC_Ih_CaMod", "ghbar_TC_Ih_CaMod", 0.002), ("Ca_HVA", "gCa_HVAbar_Ca_HVA", 0.001),
                         ("CaDynamics_E2", None, None), ("NaV", "gbar_NaV", 0.1),
                         ("Kv3_1", "gbar_Kv3_1", 0.5)]),
    ("kin_probe", [("kin_probe", "gbar_kin_probe", 0.002)]),
    ("kin_probe_NaV", [("kin_probe", "gbar_kin_probe", 0.002), ("NaV", "gbar_NaV", 0.1),
                       ("Kv3_1", "gbar_Kv3_1", 0.5)]),
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
        for m, var, val in mechs:
            soma.insert(m)
            if var is not None:
                setattr(soma(0.5), var, val)
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
