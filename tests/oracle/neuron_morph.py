#!/usr/bin/python3
"""Reference geometry from NEURON 8.2 (Debian's python3-neuron) for the
morphology oracle: every .swc and .asc file under SHARED_DATA_DIR is loaded
with Import3d (Import3d_SWC_read / Import3d_Neurolucida3) and
Import3d_GUI(morph, 0).instantiate(cell) into a template with soma, dend,
apic, axon and the usual section lists. For each file, OUTDIR/<n>.txt lists:

  file PATH
  sec NAME PARENT PARENT_X NSEG N3D      (PARENT is '-' for a root)
  pt X Y Z D                             (N3D lines, %.17g)
  seg AREA RI                            (NSEG lines, at x = (i+0.5)/nseg)

and OUTDIR/index.txt lists the reference files, one per line.

usage: neuron_morph.py OUTDIR SHARED_DATA_DIR
"""
import os
import sys

from neuron import h

h.load_file("stdlib.hoc")
h.load_file("import3d.hoc")

h("""
begintemplate ClMorphCell
public soma, dend, apic, axon, dend_0, all, somatic, axonal, basal, apical, dendritic_0
create soma[1], dend[1], apic[1], axon[1], dend_0[1]
objref all, somatic, axonal, basal, apical, dendritic_0
proc init() {
  all = new SectionList() somatic = new SectionList() axonal = new SectionList()
  basal = new SectionList() apical = new SectionList() dendritic_0 = new SectionList()
}
endtemplate ClMorphCell
""")


def find_files(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.lower().endswith((".swc", ".asc")):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def dump(path, outfile):
    cell = h.ClMorphCell()
    if path.lower().endswith(".swc"):
        r = h.Import3d_SWC_read()
    else:
        r = h.Import3d_Neurolucida3()
    r.quiet = 1
    r.input(path)
    gui = h.Import3d_GUI(r, 0)
    gui.instantiate(cell)
    # the template's placeholder sections of types the file lacks stay empty
    secs = [s for s in cell.all
            if s.n3d() > 0 or h.SectionRef(sec=s).has_parent() or h.SectionRef(sec=s).nchild() > 0]
    with open(outfile, "w") as f:
        f.write("file %s\n" % path)
        for s in secs:
            s.nseg = 1
        for s in secs:
            name = s.name().split(".", 1)[1]
            ref = h.SectionRef(sec=s)
            if ref.has_parent():
                p = ref.parent
                pname = p.name().split(".", 1)[1]
                px = s.parentseg().x
            else:
                pname, px = "-", 0.0
            f.write("sec %s %s %.17g %d %d\n" % (name, pname, px, s.nseg, s.n3d()))
            for i in range(int(s.n3d())):
                f.write("pt %.17g %.17g %.17g %.17g\n" % (h.x3d(i, sec=s), h.y3d(i, sec=s),
                                                      h.z3d(i, sec=s), h.diam3d(i, sec=s)))
            for seg in s:
                f.write("seg %.17g %.17g\n" % (seg.area(), seg.ri()))


def main():
    outdir, data = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    files = find_files(data)
    with open(os.path.join(outdir, "index.txt"), "w") as idx:
        for i, p in enumerate(files):
            out = os.path.join(outdir, "%d.txt" % i)
            dump(p, out)
            idx.write("%s\n" % out)
    print("%d morphologies" % len(files))


if __name__ == "__main__":
    main()
