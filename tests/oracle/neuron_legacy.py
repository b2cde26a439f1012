#!/usr/bin/python3
"""NEURON 8.2 references for cellulab's legacy-units switch
(cl_sim_set_legacy_units), with h.nrnunit_use_legacy(0) and (1).

usage: neuron_legacy.py LIBNRNMECH.so OUTDIR CONFIG
CONFIG cahva: the Allen CaDynamics + Ca_HVA (gbar 0.001) in one soma
compartment, where eca follows cai by Nernst; unitcon: the test mechanism
mods_legacy/unitcon.mod (FARADAY and R from its UNITS block, and nrn_ghk). Both with pas
(g 1e-4, e -70), L = diam = 20 µm, IClamp 0.3 nA 20..170 ms, 200 ms at
dt 0.025, 34 °C. Writes OUTDIR/<config>_leg<0|1>/<vec>.txt (%.17g), the
same models legacy_compare.c builds."""
import os
import sys

from neuron import h


def main():
    lib, outdir, config = sys.argv[1:4]
    h.nrn_load_dll(lib)
    h.load_file("stdrun.hoc")
    for legacy in (0, 1):
        h.nrnunit_use_legacy(legacy)
        soma = h.Section(name="soma")
        soma.L = soma.diam = 20
        soma.insert("pas")
        soma.g_pas = 1e-4
        soma.e_pas = -70
        seg = soma(0.5)
        recs = {"v": seg._ref_v}
        if config == "cahva":
            soma.insert("Ca_HVA")
            soma.insert("CaDynamics")
            seg.gbar_Ca_HVA = 0.001
            recs.update(cai=seg._ref_cai, eca=seg._ref_eca)
        else:
            soma.insert("unitcon")
            recs.update(erev=seg._ref_erev_unitcon, gh=seg._ref_gh_unitcon)
        stim = h.IClamp(seg)
        stim.delay, stim.dur, stim.amp = 20, 150, 0.3
        vecs = {}
        for k, r in recs.items():
            vecs[k] = h.Vector()
            vecs[k].record(r)
        h.celsius = 34
        h.cvode_active(0)
        h.dt = 0.025
        h.steps_per_ms = 40
        h.v_init = -65
        h.stdinit()
        h.continuerun(200)
        d = os.path.join(outdir, "%s_leg%d" % (config, legacy))
        os.makedirs(d, exist_ok=True)
        for k, vec in vecs.items():
            with open(os.path.join(d, k + ".txt"), "w") as f:
                for x in vec:
                    f.write("%.17g\n" % x)
        del stim, soma, seg, vecs
    h.nrnunit_use_legacy(0)


main()
