#!/usr/bin/python3
"""BlueCelluLab's preliminary searches on the ball-and-stick, run in NEURON 8.2
as BlueCelluLab runs them (bluecellulab/tools.py), but with a fixed step of
0.025 ms: the reference for tools_compare.c.

usage: neuron_tools.py OUT.json SHARED_DATA_DIR

Stimuli are built as BlueCelluLab's TStim does: an IClamp (del 0, dur 1e308)
whose amp is played (Vector.play continuous) from a time vector made of
durations summed by Vector.integral. Each trial builds a fresh cell; NEURON's
state is global, so earlier cells are deleted first.
"""
import json
import os
import sys

from neuron import h

out_path, shared = sys.argv[1], sys.argv[2]
ASC = os.path.join(shared, "bluecellulab", "ballstick", "morphology.asc")

h.load_file("stdrun.hoc")
h.load_file("import3d.hoc")
h(
    """
begintemplate ToolCell
public soma, dend, apic, axon, all, somatic, basal, apical, axonal
create soma[1], dend[1], apic[1], axon[1]
objref all, somatic, basal, apical, axonal
proc init() {
    all = new SectionList() somatic = new SectionList() basal = new SectionList()
    apical = new SectionList() axonal = new SectionList()
}
endtemplate ToolCell
"""
)


def ballstick():
    cell = h.ToolCell()
    m = h.Import3d_Neurolucida3()
    m.quiet = 1
    m.input(ASC)
    h.Import3d_GUI(m, 0).instantiate(cell)
    for sec in cell.basal:
        sec.nseg = 200
    for sec in cell.somatic:
        sec.nseg = 1
    for sec in cell.all:
        sec.insert("hh")
        sec.gnabar_hh = 0.24
    return cell


class TStimRamp:
    """TStim.ramp(0, start, a1, a2, stop - start, 0, 0), as Cell.add_ramp."""

    def __init__(self, seg, start, stop, a1, a2):
        self.ic = h.IClamp(seg)
        self.ic.delay = 0
        self.ic.dur = 1e308
        self.ic.amp = 0
        self.tvec = h.Vector([0, start, 0, stop - start, 0, 0])
        self.stim = h.Vector([0, 0, a1, a2, 0, 0])
        self.tvec.integral()
        self.stim.play(self.ic._ref_amp, self.tvec, 1)


def run(tstop):
    h.celsius = 34
    h.cvode_active(0)
    h.dt = 0.025
    h.steps_per_ms = 40
    h.v_init = -65
    h.stdinit()
    h.continuerun(tstop)


def ss_voltage(level):
    cell = ballstick()
    soma = cell.soma[0]
    ramp = TStimRamp(soma(0.5), 500, 5000, level, level)
    t, v = h.Vector(), h.Vector()
    t.record(h._ref_t)
    v.record(soma(0.5)._ref_v)
    run(1000)
    sel = [x for tt, x in zip(t, v) if 800 < tt <= 1000]
    del ramp, cell
    return sum(sel) / len(sel)  # numpy.mean sums pairwise; see tools_compare.c


def holding(v_hold):
    cell = ballstick()
    clamp = h.SEClamp(cell.soma[0](0.5))
    clamp.rs, clamp.dur1, clamp.amp1 = 0.01, 2000, v_hold
    run(1000)
    i = clamp.i
    del clamp, cell
    return i


def spikes_for_step(hyp, start, stop, step, thresh=-20.0):
    cell = ballstick()
    soma = cell.soma[0]
    r1 = TStimRamp(soma(0.5), 0, 5000, hyp, hyp)
    r2 = TStimRamp(soma(0.5), start, stop, step, step)
    t, v = h.Vector(), h.Vector()
    t.record(h._ref_t)
    v.record(soma(0.5)._ref_v)
    run(int(stop))
    vmax = max([x for tt, x in zip(t, v) if start < tt < stop] or [-1e9])
    del r1, r2, cell
    return vmax > thresh


def threshold_current(hyp, start, stop, lo, hi, precision):
    while not abs(hi - lo) < precision:
        med = lo + abs(lo - hi) / 2
        if spikes_for_step(hyp, start, stop, med):
            hi = med
        else:
            lo = med
    return hi


def main():
    rest = ss_voltage(0.0)
    step = ss_voltage(-0.02)
    rin = (step - rest) / -0.02
    upper = min((-20.0 - rest) / rin, 2.0)
    rheobase = threshold_current(0.0, 300.0, 1000.0, 0.0, upper, 0.005)
    result = {
        "resting_mV": rest,
        "ss_minus_0.02_mV": step,
        "input_resistance_MOhm": rin,
        "holding_current_nA_at_-70": holding(-70.0),
        "rheobase_nA": rheobase,
        "rheobase_upper_bound_nA": upper,
    }
    with open(out_path, "w") as f:
        json.dump({k: repr(v) for k, v in result.items()}, f, indent=1)
    print(result)


main()
