#!/usr/bin/python3
"""`cellulab demo --csv` against NEURON 8.2: the issue's acceptance check.

usage: check_demo_csv.py CELLULAB_BINARY NEURON_REFERENCE_DIR
Runs the demo, reads its CSV (header t,v) and compares every one of the 1001
samples with NEURON's headline trace (table mode). Pass: max |dv| <= 1e-9 mV,
equal sample counts, equal times."""
import os
import subprocess
import sys
import tempfile

binary, refdir = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    csv = os.path.join(tmp, "demo.csv")
    subprocess.run([binary, "demo", "--csv", csv], check=True, stdout=subprocess.DEVNULL)
    with open(csv) as f:
        header = f.readline().strip()
        rows = [tuple(float(x) for x in line.split(",")) for line in f]
assert header == "t,v", "unexpected header %r" % header
ref_t = [float(x) for x in open(os.path.join(refdir, "headline_table1", "t.txt"))]
ref_v = [float(x) for x in open(os.path.join(refdir, "headline_table1", "v.txt"))]
assert len(rows) == len(ref_v) == 1001, "samples: ours %d, NEURON %d" % (len(rows), len(ref_v))
dt = max(abs(r[0] - t) for r, t in zip(rows, ref_t))
dv = max(abs(r[1] - v) for r, v in zip(rows, ref_v))
print("cellulab demo --csv vs NEURON 8.2: %d samples, max|dt| %.3g ms, max|dv| %.3g mV" % (len(rows), dt, dv))
assert dt == 0.0, "times differ"
assert dv <= 1e-9, "max |dv| %.17g mV exceeds 1e-9" % dv
