#!/usr/bin/python3
"""Reference nseg from NEURON 8.2 (Debian's python3-neuron) for the
discretisation oracle: every .swc/.asc under SHARED_DATA_DIR is loaded with
Import3d as in neuron_morph.py, then each rule is applied with every
section's Ra and cm set first. OUTFILE lists, per morphology and rule:

  file PATH
  rule KIND VALUE FREQ RA CM        (KIND: fixed dlambda maxlen bbp40)
  n NAME NSEG LAMBDA_F              (LAMBDA_F: stdlib.hoc lambda_f(FREQ), %.17g;
                                     NSEG -1 and nan where lambda_f fails: a 0 diameter)

The d_lambda rule is nseg = int((L/(d_lambda*lambda_f(freq))+0.9)/2)*2+1.

With a third argument AXONFILE, each morphology is loaded again and
BluePyOpt's default replace_axon hoc is applied (in Python, same steps);
AXONFILE then lists:

  file PATH
  sec NAME PARENT PARENT_X NSEG L      (PARENT '-' for a root)
  seg AREA RI                          (NSEG lines)

usage: neuron_discretize.py OUTFILE SHARED_DATA_DIR [AXONFILE]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import neuron_morph as nm  # noqa: E402
from neuron_morph import h  # noqa: E402
from neuron_bluepyopt import replace_axon  # noqa: E402  (BluePyOpt's default replace_axon hoc)

RULES = [("fixed", 3, 100, 35.4, 1.0), ("dlambda", 0.1, 100, 100.0, 1.0),
         ("dlambda", 0.05, 500, 35.4, 2.0), ("dlambda", 0.3, 10, 150.0, 0.5),
         ("maxlen", 20, 100, 35.4, 1.0), ("maxlen", 7.5, 100, 35.4, 1.0),
         ("bbp40", 40, 100, 35.4, 1.0)]


def nseg_of(s, kind, value, freq):
    if kind == "fixed":
        return int(value)
    if kind == "dlambda":
        return int((s.L / (value * h.lambda_f(freq, sec=s)) + 0.9) / 2) * 2 + 1
    if kind == "maxlen":
        return 1 + 2 * int(s.L / (2 * value))
    return 1 + 2 * int(s.L / 40.0)


def main():
    out, data = sys.argv[1], sys.argv[2]
    with open(out, "w") as f:
        for path in nm.find_files(data):
            cell = h.ClMorphCell()
            r = h.Import3d_SWC_read() if path.lower().endswith(".swc") else h.Import3d_Neurolucida3()
            r.quiet = 1
            r.input(path)
            h.Import3d_GUI(r, 0).instantiate(cell)
            secs = [s for s in cell.all if s.n3d() > 0 or h.SectionRef(sec=s).has_parent()
                    or h.SectionRef(sec=s).nchild() > 0]
            f.write("file %s\n" % path)
            for kind, value, freq, ra, cm in RULES:
                f.write("rule %s %.17g %.17g %.17g %.17g\n" % (kind, value, freq, ra, cm))
                for s in secs:
                    s.Ra = ra
                    s.cm = cm
                for s in secs:
                    name = s.name().split(".", 1)[1]
                    try:
                        lf = h.lambda_f(freq, sec=s)
                    except RuntimeError:  # a 0 pt3d diameter: lambda_f's execerror
                        lf = None
                    if lf is None and kind == "dlambda":
                        f.write("n %s -1 nan\n" % name)
                        continue
                    s.nseg = nseg_of(s, kind, value, freq)
                    f.write("n %s %d %s\n" % (name, s.nseg, "nan" if lf is None else "%.17g" % lf))
                for s in secs:
                    s.nseg = 1
                    s.cm = 1.0
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as f:
            for path in nm.find_files(data):
                replace_axon_dump(path, f)
    print("ok")


def replace_axon_dump(path, f):
    cell = h.ClMorphCell()
    r = h.Import3d_SWC_read() if path.lower().endswith(".swc") else h.Import3d_Neurolucida3()
    r.quiet = 1
    r.input(path)
    h.Import3d_GUI(r, 0).instantiate(cell)
    ax = list(cell.axonal)
    if not any(s.n3d() > 0 for s in ax):
        # no axon in the file: ClMorphCell's empty placeholder axon (diam 500)
        # would be read as D1, D2; not compared
        return
    replace_axon(cell)
    f.write("file %s\n" % path)
    for s in cell.all:
        ref = h.SectionRef(sec=s)
        if not (s.n3d() > 0 or ref.has_parent() or ref.nchild() > 0):
            continue
        name = s.name().split(".", 1)[1]
        if ref.has_parent():
            pname, px = ref.parent.name().split(".", 1)[1], s.parentseg().x
        else:
            pname, px = "-", 0.0
        f.write("sec %s %s %.17g %d %.17g\n" % (name, pname, px, s.nseg, s.L))
        for seg in s:
            f.write("seg %.17g %.17g\n" % (seg.area(), seg.ri()))


if __name__ == "__main__":
    main()
