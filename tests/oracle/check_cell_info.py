#!/usr/bin/python3
"""Oracle for `cellulab cell info --json`: every morphology under
SHARED_DATA_DIR (.swc, .asc) is loaded by NEURON 8.2's Import3d, given
nseg = 1 + 2*int(L/40) (bmtk's rule, dL = 20 um), and its sections, segments
and membrane areas are compared with what the command prints for the same
file with --nseg-rule maxlen=20 --soma-orientation neuron8.2.

The areas must be equal, not close: both sides sum the same float64 segment
areas in the same order (sections in creation order, segments by x).

usage: check_cell_info.py CELLULAB SHARED_DATA_DIR
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import neuron_morph  # noqa: E402  (the Import3d template and file list)
from neuron_morph import h  # noqa: E402


def neuron_cell(path):
    cell = h.ClMorphCell()
    r = h.Import3d_SWC_read() if path.lower().endswith(".swc") else h.Import3d_Neurolucida3()
    r.quiet = 1
    r.input(path)
    h.Import3d_GUI(r, 0).instantiate(cell)
    secs = [s for s in cell.all
            if s.n3d() > 0 or h.SectionRef(sec=s).has_parent() or h.SectionRef(sec=s).nchild() > 0]
    out = []
    for s in secs:
        s.nseg = 1 + 2 * int(s.L / 40.0)
        ref = h.SectionRef(sec=s)
        parent = ref.parent.name().split(".", 1)[1] if ref.has_parent() else None
        out.append({"name": s.name().split(".", 1)[1], "parent": parent, "L": s.L, "nseg": s.nseg,
                    "area_um2": sum(seg.area() for seg in s)})
    return cell, out


def main():
    exe, data = sys.argv[1], sys.argv[2]
    files = [p for p in neuron_morph.find_files(data) if p.lower().endswith((".swc", ".asc"))]
    failures = 0
    for path in files:
        keep, ref = neuron_cell(path)
        p = subprocess.run([exe, "cell", "info", path, "--nseg-rule", "maxlen=20",
                            "--soma-orientation", "neuron8.2", "--json"], capture_output=True, text=True)
        if p.returncode != 0:
            print("FAIL %s: exit %d: %s" % (path, p.returncode, p.stderr.strip()))
            failures += 1
            continue
        got = json.loads(p.stdout)
        want = {"n_sections": len(ref), "n_segments": sum(s["nseg"] for s in ref),
                "area_um2": sum(s["area_um2"] for s in ref)}
        bad = [k for k in want if got[k] != want[k]]
        for a, b in zip(got["sections"], ref):
            for k in b:
                if a[k] != b[k]:
                    bad.append("%s.%s: %r != %r" % (b["name"], k, a[k], b[k]))
        if len(got["sections"]) != len(ref):
            bad.append("section count")
        if bad:
            failures += 1
            print("FAIL %s: %s" % (path, "; ".join(bad[:5])))
        else:
            print("ok   %s: %d sections, %d segments, area %.17g um2" % (
                os.path.basename(path), want["n_sections"], want["n_segments"], want["area_um2"]))
        del keep
    print("%d morphologies, %d failures" % (len(files), failures))
    sys.exit(1 if failures or not files else 0)


if __name__ == "__main__":
    main()
