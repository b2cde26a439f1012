"""Reads the SONATA files that sonata_output_sample writes with h5py (the
reader bmtk and most analysis code use) and, when installed, libsonata (the
reader BlueCelluLab and neurodamus use), and checks layout, dtypes,
attribute types (the sorting enum libsonata expects) and every value, which
are recomputed here from the formulas in sonata_output_sample.c.
Usage: check_sonata_output.py SAMPLE_PROGRAM OUTDIR"""
import os
import shutil
import subprocess
import sys

import h5py
import numpy as np

prog, out = sys.argv[1], sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
subprocess.run([prog, out], check=True)

errors = []


def check(cond, what):
    if not cond:
        errors.append(what)


# what the sample program was given
ka = np.arange(1000, dtype=np.uint64)
A = (list(((ka * 7919) % 50).tolist()), [((k * 104729) % 10007) * 0.025 for k in range(1000)])
B = ([2, 1, 0], [1.5, 1.5, 1.5])
inputs = {"A": A, "B": B, "empty": ([], [])}


def expect(ids, ts, sort):
    pairs = list(zip(ids, ts))
    if sort == "by_time":
        pairs.sort(key=lambda p: (p[1], p[0]))
    elif sort == "by_id":
        pairs.sort(key=lambda p: (p[0], p[1]))
    return [p[0] for p in pairs], [p[1] for p in pairs]


codes = {"none": 0, "by_id": 1, "by_time": 2}
for sort in ("by_time", "by_id", "none"):
    path = os.path.join(out, "spikes_%s.h5" % sort)
    with h5py.File(path, "r") as f:
        check(f.attrs["magic"] == 0x0A7A and f.attrs["magic"].dtype == np.uint32, path + ": magic")
        v = f.attrs["version"]
        check(v.dtype == np.uint32 and list(v) == [0, 1], path + ": version")
        check(sorted(f["spikes"].keys()) == ["A", "B", "empty"], path + ": populations")
        for pop, (ids, ts) in inputs.items():
            g = f["spikes"][pop]
            tid = g.attrs.get_id("sorting").get_type()
            check(isinstance(tid, h5py.h5t.TypeEnumID), path + ": sorting is not an enum")
            check(tid.get_super().get_size() == 1 and tid.get_super().get_sign() == h5py.h5t.SGN_2,
                  path + ": sorting enum is not over int8")
            members = {tid.get_member_name(i).decode(): tid.get_member_value(i) for i in range(tid.get_nmembers())}
            check(members == codes, path + ": sorting members %s" % members)
            check(h5py.check_enum_dtype(h5py.h5a.open(g.id, b"sorting").dtype) == codes, path + ": h5py enum dtype")
            check(int(g.attrs["sorting"]) == codes[sort], path + ": sorting value")
            t = g["timestamps"]
            n = g["node_ids"]
            check(t.dtype == np.dtype("<f8") and n.dtype == np.dtype("<u8"), path + ": dtypes of " + pop)
            check(t.attrs["units"] == "ms", path + ": timestamps units")
            eid, et = expect(ids, ts, sort)
            check(list(n[()]) == eid, "%s: /spikes/%s/node_ids" % (path, pop))
            check(list(t[()]) == et, "%s: /spikes/%s/timestamps" % (path, pop))

path = os.path.join(out, "report.h5")
with h5py.File(path, "r") as f:
    g = f["report/L5"]
    d = g["data"]
    check(d.dtype == np.dtype("<f4") and d.shape == (100, 6), path + ": data %s %s" % (d.dtype, d.shape))
    check(d.attrs["units"] == "mV", path + ": data units")
    want = np.array([[-70.0 + 0.1 * k + j / 7.0 for j in range(6)] for k in range(100)]).astype(np.float32)
    check(np.array_equal(d[()], want), path + ": data values")
    m = g["mapping"]
    for name, dt, val in (("node_ids", "<u8", [4, 1, 8]), ("index_pointers", "<u8", [0, 3, 4, 6]),
                          ("element_ids", "<u4", [0, 1, 1, 0, 2, 3]),
                          ("element_pos", "<f4", [0.5, 0.25, 0.75, 0.5, 0.5, 0.125]),
                          ("time", "<f8", [0.0, 10.0, 0.1])):
        check(m[name].dtype == np.dtype(dt), "%s: mapping/%s dtype %s" % (path, name, m[name].dtype))
        check(list(m[name][()]) == val, "%s: mapping/%s values" % (path, name))
    check(m["time"].attrs["units"] == "ms", path + ": time units")

check(sorted(os.listdir(out)) == ["report.h5", "spikes_by_id.h5", "spikes_by_time.h5", "spikes_none.h5"],
      out + ": unexpected files (temporaries or aborted report): %s" % sorted(os.listdir(out)))

try:
    import libsonata
except ImportError:
    libsonata = None
    print("libsonata not installed: checked with h5py only")
if libsonata is not None:
    for sort in ("by_time", "by_id", "none"):
        r = libsonata.SpikeReader(os.path.join(out, "spikes_%s.h5" % sort))
        check(sorted(r.get_population_names()) == ["A", "B", "empty"], "libsonata: populations")
        p = r["A"]
        check(p.sorting == sort, "libsonata: sorting %s != %s" % (p.sorting, sort))
        got = p.get()
        eid, et = expect(*A, sort)
        check([s[0] for s in got] == eid and [s[1] for s in got] == et, "libsonata: spikes of A (" + sort + ")")
    rr = libsonata.ElementReportReader(path)["L5"]
    check(list(rr.get_node_ids()) == [1, 4, 8] or list(rr.get_node_ids()) == [4, 1, 8], "libsonata: report nodes")
    check(tuple(rr.times) == (0.0, 10.0, 0.1), "libsonata: report times")
    frame = rr.get(node_ids=[1])
    check(np.array_equal(np.asarray(frame.data)[:, 0], want[:, 3]), "libsonata: report data of node 1")

for e in errors:
    print("FAIL", e)
print("%d failures" % len(errors))
sys.exit(1 if errors else 0)
