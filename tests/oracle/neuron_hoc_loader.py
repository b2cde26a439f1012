#!/usr/bin/env python3
"""The NEURON 8.2 side of oracle_hoc_loader: loads one Blue Brain template
the way BlueCelluLab does (its Cell.hoc and TDistFunc.hoc loaded first, from
the current folder, which holds cellulab's copies; then the template; then
one instance with the arguments of the format) and prints what
hoc_loader_run.c prints (see there).
Usage: neuron_hoc_loader.py LIBNRNMECH TEMPLATE MORPHOLOGY FORMAT GID [NAME=VALUE ...]"""
import os
import re
import sys

from neuron import h


def main():
    lib, template, morph, fmt, gid = sys.argv[1:6]
    attrs = dict(a.split("=", 1) for a in sys.argv[6:])
    h.nrn_load_dll(lib)
    h.load_file("stdrun.hoc")
    h.load_file("import3d.hoc")
    h.load_file("Cell.hoc")
    h.load_file("TDistFunc.hoc")
    h.load_file(template)
    with open(template) as f:
        name = re.search(r"begintemplate\s+(\S+)", f.read()).group(1)
    cls = getattr(h, name)
    mdir, mfile = os.path.split(morph)
    if fmt == "v6":
        needed = getattr(h, name + "_NeededAttributes", None)
        # BlueCelluLab: AIS_scaler and soma_scaler default to 1.0
        values = [float(attrs.get(a, "1.0")) for a in needed.split(";")] if needed else []
        cell = cls(int(gid), mdir, mfile, *values)
    elif fmt == "bluepyopt":
        cell = cls(mdir, mfile)
    else:
        cell = cls(int(gid), morph)
    c = cell.getCell() if hasattr(cell, "getCell") else cell
    thr = cell.getThreshold() if hasattr(cell, "getThreshold") else float("nan")
    hyp = cell.getHypAmp() if hasattr(cell, "getHypAmp") else float("nan")
    out = ["info %.17g %.17g" % (thr, hyp)]

    def short(sec):
        return sec.name().split(".", 1)[-1]

    for sec in c.all:
        ps = sec.parentseg()
        if ps is None:
            out.append("sec %s - 0 %d %.17g" % (short(sec), sec.nseg, sec.L))
        else:
            out.append("sec %s %s %.17g %d %.17g" % (short(sec), short(ps.sec), ps.x, sec.nseg, sec.L))
        for seg in sec:
            out.append("seg %s %.17g %.17g" % (short(sec), seg.x, seg.area()))
    soma = c.soma[0]
    stim = h.IClamp(soma(0.5))
    stim.amp = 0.5
    stim.dur = 160
    setattr(stim, "del", 20)
    rv = h.Vector().record(soma(0.5)._ref_v)
    rt = h.Vector().record(h._ref_t)
    h.dt = 0.025
    h.celsius = 34
    h.v_init = -65
    h.tstop = 200
    h.run()
    for t, v in zip(rt, rv):
        out.append("v %.17g %.17g" % (t, v))
    print("\n".join(out))


if __name__ == "__main__":
    main()
