#!/usr/bin/python3
"""Reference geometry for cellulab's bmtk Import3d switch (pt3d_digits = 6):
NEURON 8.2 loads a few shared morphologies with its own Import3d, except that
Import3d_GUI.instantiate writes the 3-D points with "%g" (6 significant
digits) where NEURON 8.2 writes "%.8g". That is the one difference of the
Import3d copy bmtk ships (bmtk/simulator/bionet/import3d/import3d_gui.hoc:
pt3dadd and pt3dstyle with %g; sonata.md section 6). The patched copy is
made at run time from NEURON's installed hoc files into OUTDIR/hoc and
loaded instead of the standard one. Output: as neuron_morph.py (one
OUTDIR/<n>.txt per cell, OUTDIR/index.txt); morph_compare REFDIR 6 checks.

usage: neuron_morph_bmtk.py OUTDIR SHARED_DATA_DIR
"""
import glob
import os
import shutil
import sys

outdir, data = sys.argv[1], sys.argv[2]
hocdir = os.path.join(outdir, "hoc")
shutil.rmtree(outdir, ignore_errors=True)
os.makedirs(os.path.join(hocdir, "import3d"))

# NEURON's hoc library folder, from the neuron package's own settings
import neuron  # noqa: E402
from neuron import h  # noqa: E402

lib = os.path.join(h.neuronhome(), "lib", "hoc")
shutil.copy(os.path.join(lib, "import3d.hoc"), hocdir)
for f in glob.glob(os.path.join(lib, "import3d", "*.hoc")):
    shutil.copy(f, os.path.join(hocdir, "import3d"))
gui = os.path.join(hocdir, "import3d", "import3d_gui.hoc")
with open(gui) as f:
    lines = f.readlines()
changed = 0
for i, line in enumerate(lines):
    if ("pt3dadd(" in line or "pt3dstyle(" in line) and "%.8g" in line:
        changed += line.count("%.8g")
        lines[i] = line.replace("%.8g", "%g")
# pt3dstyle's 3 values and pt3dadd's 4: anything else means NEURON's file changed
if changed != 7:
    sys.exit("%s: expected 7 \"%%.8g\" in the pt3dadd/pt3dstyle lines, found %d" % (gui, changed))
with open(gui, "w") as f:
    f.writelines(lines)

# load the patched Import3d first (load_file finds the current folder's
# import3d.hoc before NEURON's, and later load_file("import3d.hoc") calls
# see it loaded), then reuse neuron_morph.py's cell template and dump()
here = os.path.dirname(os.path.abspath(__file__))
cwd = os.getcwd()
os.chdir(hocdir)
h.load_file("stdlib.hoc")
if not h.load_file("import3d.hoc"):
    sys.exit("cannot load the patched import3d.hoc")
os.chdir(cwd)
sys.path.insert(0, here)
import neuron_morph  # noqa: E402

files = sorted(glob.glob(os.path.join(data, "sonata-examples", "shared_components", "morphologies", "*.swc")))
files += [os.path.join(data, "bluecellulab", p) for p in (
    "cell_example1/test_cell.asc", "ballstick/morphology.asc",
    "circuit_sonata_quick_scx/components/morphologies/asc/C210401C.asc")]
# one single-cell HDF5 file (contour soma), read through its text twin
h5 = [p for p, c in neuron_morph.find_cells(os.path.join(data, "bluecellulab"))
      if p.lower().endswith(".h5") and c is None]
files += sorted(h5)[:1]
with open(os.path.join(outdir, "index.txt"), "w") as idx:
    for i, p in enumerate(files):
        out = os.path.join(outdir, "%d.txt" % i)
        text = None
        if p.lower().endswith(".h5"):
            text = neuron_morph.h5_to_text(p, None, os.path.join(outdir, "h5_%d" % i))
        neuron_morph.dump(p, out, None, text)
        idx.write("%s\n" % out)
print("%d morphologies with %%g points" % len(files))
