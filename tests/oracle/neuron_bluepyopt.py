#!/usr/bin/python3
"""NEURON 8.2 reference for cellulab's BluePyOpt JSON loader.

usage: neuron_bluepyopt.py LIBNRNMECH.so MORPHOLOGY MODEL.json OUTDIR [AMP_NA]

Builds the cell the way BluePyOpt's NrnCellModel.instantiate does, written
here from BluePyOpt's semantics (not with cellulab's code):
  morphology with Import3d; nseg = 1 + 2*int(L/40) in every section;
  replace_axon as BluePyOpt's default hoc (origin soma(0), 60 um, two 30 um
  sections); mechanisms per location, with BluePyEModel's multi-locations;
  parameters in file order: globals on h; uniform ones per section
  (NrnSegmentLinearScaler: 1.0*value + 0.0); distributed ones per segment
  (NrnSegmentSomaDistanceScaler: origin soma[0](soma_ref_location), the
  distribution's own parameters put in with str.format, then value and
  distance as '%.17g', then Python's eval with math imported).
Writes OUTDIR/params.txt ("nseg SEC N", "Ra SEC VALUE", "seg SEC X NAME
VALUE" for every segment and every variable the parameters set) and
OUTDIR/v.txt (soma[0](0.5) voltage at every step of a 1 s step current:
IClamp delay 100 ms, dur 1000 ms, AMP_NA (default 0.5) nA, tstop 1200 ms,
dt 0.025 ms, celsius and v_init from the model)."""
import json
import math  # noqa: F401  (used by the formulas through eval)
import os
import string
import sys

from neuron import h

MULTI = {  # bluepyemodel/model/model.py: multi_locations
    "alldend": ["apical", "basal"],
    "somadend": ["apical", "basal", "somatic"],
    "allnoaxon": ["apical", "basal", "somatic"],
    "somaxon": ["axonal", "somatic"],
    "allact": ["apical", "basal", "somatic", "axonal"],
}

h("""
begintemplate BpoCell
public soma, dend, apic, axon, myelin, all, somatic, axonal, basal, apical, myelinated
create soma[1], dend[1], apic[1], axon[1], myelin[1]
objref all, somatic, axonal, basal, apical, myelinated
proc init() {
  all = new SectionList() somatic = new SectionList() axonal = new SectionList()
  basal = new SectionList() apical = new SectionList() myelinated = new SectionList()
}
endtemplate BpoCell
""")


class MissingDict(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def seclists(cell, loc):
    out = []
    for name in MULTI.get(loc, [loc]):
        out.extend(getattr(cell, name))
    return out


def replace_axon(cell):
    ax = list(cell.axonal)
    if not ax:
        d1 = d2 = 1
    else:
        d1 = d2 = cell.axon[0].diam
        if len(ax) > 1:
            h.distance(0, 0.0, sec=cell.soma[0])  # hoc: soma distance()
            for s in ax:
                if h.distance(0.5, sec=s) > 60:
                    d2 = s.diam
                    break
    for s in ax:
        h.delete_section(sec=s)
    h.execute("create axon[2]", cell)
    for s, d in ((cell.axon[0], d1), (cell.axon[1], d2)):
        s.L = 30
        s.diam = d
        s.nseg = 1 + 2 * int(s.L / 40)
        cell.all.append(sec=s)
        cell.axonal.append(sec=s)
    cell.axon[0].connect(cell.soma[0](1), 0)
    cell.axon[1].connect(cell.axon[0](1), 0)


def normalise(m):
    """(location, mechanism) pairs; {name: (formula, soma_ref_location)};
    (location, name, value, distribution) in file order. Reads the
    object-by-location layout and BluePyEModel's EModel lists."""
    mechs, dists, params = [], {}, []
    if isinstance(m["mechanisms"], list):
        mechs = [(e["location"], e["name"]) for e in m["mechanisms"]]
    else:
        for loc, v in m["mechanisms"].items():
            if not loc.startswith("__"):
                mechs += [(loc, n) for n in (v["mech"] if isinstance(v, dict) else v)]
    d = m.get("distributions", {})
    items = [(e["name"], e) for e in d] if isinstance(d, list) else d.items()
    for name, e in items:
        if not name.startswith("__") and name != "uniform":
            dists[name] = (e.get("fun", e.get("function")), e.get("soma_ref_location", 0.5))
    if isinstance(m["parameters"], list):
        params = [(e["location"], e["name"], e["value"], e.get("distribution", "uniform"))
                  for e in m["parameters"]]
    else:
        for loc, lst in m["parameters"].items():
            if not loc.startswith("__"):
                params += [(loc, e["name"], e["val"], e.get("dist", "uniform")) for e in lst]
    return mechs, dists, params


def short(sec):
    return sec.name().split(".", 1)[1]


def main():
    lib, morph, model, outdir = sys.argv[1:5]
    amp = float(sys.argv[5]) if len(sys.argv) > 5 else 0.5
    h.nrn_load_dll(lib)
    h.load_file("stdrun.hoc")
    h.load_file("import3d.hoc")
    with open(model) as f:
        m = json.load(f)

    cell = h.BpoCell()
    r = h.Import3d_SWC_read() if morph.lower().endswith(".swc") else h.Import3d_Neurolucida3()
    r.quiet = 1
    r.input(morph)
    h.Import3d_GUI(r, 0).instantiate(cell)
    for s in cell.all:
        s.nseg = 1 + 2 * int(s.L / 40.0)
    replace_axon(cell)

    mechs, dists, params = normalise(m)
    for loc, mech in mechs:
        for s in seclists(cell, loc):
            s.insert(mech)

    # MetaParameter: the distribution's own parameters, set when the model is made
    dparams = {}
    for loc, name, value, dist in params:
        if loc.startswith("distribution_"):
            dparams.setdefault(loc[len("distribution_"):], {})[name] = value

    touched = {}  # section name -> [variable names]
    for loc, name, value, dist in params:
        if loc.startswith("distribution_"):
            continue
        if loc == "global":
            setattr(h, name, value)
            continue
        for s in seclists(cell, loc):
            if dist == "uniform":
                setattr(s, name, 1.0 * value + 0.0)
            else:
                fun, ref = dists[dist]
                fun = string.Formatter().vformat(fun, (), MissingDict(dparams.get(dist, {})))
                for seg in s:
                    h.distance(0, ref, sec=cell.soma[0])
                    dd = h.distance(1, seg.x, sec=s)
                    text = fun.format(value="%.17g" % value, distance="%.17g" % dd)
                    setattr(seg, name, eval(text))
            lst = touched.setdefault(short(s), [])
            if name not in lst and name != "Ra":
                lst.append(name)

    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "params.txt"), "w") as f:
        for s in cell.all:
            ref = h.SectionRef(sec=s)
            if not (s.n3d() > 0 or ref.has_parent() or ref.nchild() > 0):
                # the template's placeholder myelin[0], which Import3d puts
                # in `all`: isolated, cellulab makes no such section
                continue
            n = short(s)
            f.write("nseg %s %d\n" % (n, s.nseg))
            f.write("Ra %s %.17g\n" % (n, s.Ra))
            for var in touched.get(n, []):
                for seg in s:
                    f.write("seg %s %.17g %s %.17g\n" % (n, seg.x, var, getattr(seg, var)))

    stim = h.IClamp(cell.soma[0](0.5))
    stim.delay, stim.dur, stim.amp = 100, 1000, amp
    v = h.Vector()
    v.record(cell.soma[0](0.5)._ref_v)
    h.cvode_active(0)
    h.dt = 0.025
    h.steps_per_ms = 40
    h.stdinit()
    h.continuerun(1200)
    with open(os.path.join(outdir, "v.txt"), "w") as f:
        for x in v:
            f.write("%.17g\n" % x)
    with open(os.path.join(outdir, "conditions.txt"), "w") as f:
        f.write("%.17g %.17g %d\n" % (h.celsius, h.v_init, v.size()))


if __name__ == "__main__":
    main()
