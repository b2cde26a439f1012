#!/usr/bin/python3
"""Reference geometry from NEURON 8.2 (Debian's python3-neuron) for the
morphology oracle: every .swc and .asc file under SHARED_DATA_DIR is loaded
with Import3d (Import3d_SWC_read / Import3d_Neurolucida3) and
Import3d_GUI(morph, 0).instantiate(cell) into a template with soma, dend,
apic, axon and the usual section lists. NEURON 8.2 cannot read HDF5
morphologies: every MorphIO H5 v1 file (and every cell of an H5 container)
is turned with h5py into the equivalent Neurolucida text (OUTDIR/h5_<n>.asc
or .swc, see h5_to_text) and that file is read by Import3d. For each cell,
OUTDIR/<n>.txt lists:

  file PATH [CELL]                       (CELL: the group in a container)
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


def h5_cells(path):
    """[None] for a single-cell MorphIO file, the cell group names of a
    container, [] for other HDF5 files (SONATA nodes, reports...)."""
    import h5py
    with h5py.File(path, "r") as f:
        if "structure" in f and "points" in f:
            return [None]
        return sorted(k for k in f if isinstance(f[k], h5py.Group) and "structure" in f[k]
                      and "points" in f[k])


def find_files(root):
    """The .swc and .asc files (neuron_discretize.py uses this too)."""
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.lower().endswith((".swc", ".asc")):
                out.append(os.path.join(dirpath, f))
    return sorted(out)


def find_cells(root):
    """(path, cell) for every .swc, .asc and MorphIO .h5 file (cell None)
    and every cell of an HDF5 container."""
    out = [(p, None) for p in find_files(root)]
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.lower().endswith(".h5"):
                p = os.path.join(dirpath, f)
                out.extend((p, c) for c in h5_cells(p))
    return sorted(out, key=lambda t: (t[0], t[1] or ""))


def num(v):
    # the float32 value, widened to double, printed so that Import3d's
    # %lf / %f reading gives back exactly that value (lossless)
    return repr(float(v))


def h5_to_text(path, cell, outbase):
    """Write the cell as the text file Import3d reads as the same morphology
    and return its path. Soma of >= 3 points or none: Neurolucida ASC with
    the soma as a CellBody contour and one tree per root section, each
    section a branch holding all its points, children nested in file order.
    Soma of 1 or 2 points: SWC with the soma points as samples, root
    sections hanging from the first, each other section's first point left
    out when it repeats its parent's last (x, y, z, d)."""
    import h5py
    with h5py.File(path, "r") as f:
        g = f[cell] if cell else f
        pts = g["points"][()].astype("f8")
        st = g["structure"][()].astype("i8")
    n, m = len(pts), len(st)
    ends = [int(st[i + 1, 0]) if i + 1 < m else n for i in range(m)]
    sec = [pts[int(st[i, 0]):ends[i]] for i in range(m)]
    children = [[] for _ in range(m)]
    roots = []
    for i in range(m):
        if st[i, 1] == 1:
            continue
        p = int(st[i, 2])
        if p < 0 or st[p, 1] == 1:
            roots.append(i)
        else:
            children[p].append(i)
    nsoma = len(sec[0]) if st[0, 1] == 1 else 0
    if nsoma in (1, 2):
        out = outbase + ".swc"
        lines, lastid = [], {}
        for k in range(nsoma):
            x = sec[0][k]
            lines.append("%d 1 %s %s %s %s %d" % (k + 1, num(x[0]), num(x[1]), num(x[2]), num(x[3] / 2),
                                                   k if k else -1))
        nid = nsoma

        def walk(i, pid, parent_last):
            nonlocal nid
            q = sec[i]
            if parent_last is not None and (q[0] == parent_last).all():
                q = q[1:]
            for x in q:
                nid += 1
                lines.append("%d %d %s %s %s %s %d" % (nid, st[i, 1], num(x[0]), num(x[1]), num(x[2]),
                                                       num(x[3] / 2), pid))
                pid = nid
            for c in children[i]:
                walk(c, pid, sec[i][-1])
        for r in roots:
            walk(r, 1, None)
        with open(out, "w") as fo:
            fo.write("\n".join(lines) + "\n")
        return out
    out = outbase + ".asc"
    tag = {2: "Axon", 3: "Dendrite", 4: "Apical"}
    w = []
    if nsoma:
        w.append('("CellBody"\n  (CellBody)\n')
        for x in sec[0]:
            w.append("  (%s %s %s %s)\n" % tuple(num(v) for v in x))
        w.append(")\n\n")

    def branch(i, depth):
        ind = "  " * depth
        for x in sec[i]:
            w.append("%s(%s %s %s %s)\n" % ((ind,) + tuple(num(v) for v in x)))
        if children[i]:
            w.append(ind + "(\n")
            for k, c in enumerate(children[i]):
                if k:
                    w.append(ind + "|\n")
                branch(c, depth + 1)
            w.append(ind + ")\n")
    for r in roots:
        w.append("( (%s)\n" % tag[int(st[r, 1])])
        branch(r, 1)
        w.append(")\n\n")
    with open(out, "w") as fo:
        fo.write("".join(w))
    return out


def dump(path, outfile, cell_name=None, text=None):
    cell = h.ClMorphCell()
    src = text or path
    if src.lower().endswith(".swc"):
        r = h.Import3d_SWC_read()
    else:
        r = h.Import3d_Neurolucida3()
    r.quiet = 1
    r.input(src)
    gui = h.Import3d_GUI(r, 0)
    gui.instantiate(cell)
    # the template's placeholder sections of types the file lacks stay empty
    secs = [s for s in cell.all
            if s.n3d() > 0 or h.SectionRef(sec=s).has_parent() or h.SectionRef(sec=s).nchild() > 0]
    with open(outfile, "w") as f:
        f.write("file %s%s\n" % (path, " " + cell_name if cell_name else ""))
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


def one_point_soma_twin(src, out):
    """The shared data have only contour somas in HDF5: write a copy of the
    first single-cell file whose soma is one point (the contour's mean, with
    the mean distance to it as radius), so the SWC-like path is checked on a
    real tree too."""
    import h5py
    import numpy as np
    with h5py.File(src, "r") as f:
        pts = f["points"][()]
        st = f["structure"][()].copy()
    ns = int(st[1, 0])
    c = pts[:ns, :3].astype("f8").mean(axis=0)
    r = np.sqrt(((pts[:ns, :3] - c) ** 2).sum(axis=1)).mean()
    soma = np.array([[c[0], c[1], c[2], 2 * r]], dtype=pts.dtype)
    st[1:, 0] -= ns - 1
    with h5py.File(out, "w") as f:
        f["points"] = np.vstack([soma, pts[ns:]])
        f["structure"] = st
        g = f.create_group("metadata")
        g.attrs["version"] = np.array([1, 3], dtype="u4")
        g.attrs["cell_family"] = np.array([0], dtype="u4")


def main():
    outdir, data = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    files = find_cells(data)
    single = [p for p, c in files if p.lower().endswith(".h5") and c is None]
    if single:
        twin = os.path.join(outdir, "one_point_soma.h5")
        one_point_soma_twin(single[0], twin)
        files.append((twin, None))
    with open(os.path.join(outdir, "index.txt"), "w") as idx:
        for i, (p, c) in enumerate(files):
            out = os.path.join(outdir, "%d.txt" % i)
            text = h5_to_text(p, c, os.path.join(outdir, "h5_%d" % i)) if p.lower().endswith(".h5") else None
            dump(p, out, c, text)
            idx.write("%s\n" % out)
    print("%d morphologies" % len(files))


if __name__ == "__main__":
    main()
