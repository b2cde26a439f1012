#!/usr/bin/python3
"""NEURON 8.2 references for the Allen Cell Types models as bmtk's BioNet
builds them (bmtk/simulator/bionet/default_setters/cell_models.py and
default_templates/Biophys1.hoc, rewritten here from their semantics):
Import3d_SWC_read + Import3d_GUI.instantiate into a Biophys1-like template,
then fix_axon_peri / fix_axon_allactive (delete the axon, create axon[2],
L 30, diam, connect, h.define_shape()), set_params_peri, and the nseg rule
nseg = 1 + 2*int(L/40) after the biophysics (bmtk's dL = 20).

usage:
  neuron_allen.py geom OUTFILE MORPH_DIR
      for each .swc in MORPH_DIR and each stub rule (aibs_perisomatic,
      aibs_allactive): the stub applied, then the nseg rule; OUTFILE lists
        file PATH RULE
        sec NAME PARENT PARENT_X NSEG L N3D    (PARENT '-' for a root)
        pt X Y Z D                             (N3D lines, %.17g)
        seg AREA RI                            (NSEG lines)
  neuron_allen.py dyn LIBNRNMECH OUTDIR SONATA_EXAMPLES
      the five cells of 5_cells_iclamp (morphology + <id>_fit.json by the
      node types CSV), each built alone with aibs_perisomatic, an IClamp at
      soma[0](0.5) (AMP nA from DELAY for DUR ms), 34 degC, v_init -80,
      dt 0.025, TSTOP ms, secondorder 0; OUTDIR/<id>.txt: soma[0](0.5) v at
      every step (%.17g), OUTDIR/<id>.geom: sec/seg lines as above (no pt).
      OUTDIR/cells.txt lists: ID MORPHOLOGY_PATH FIT_JSON_PATH RECIPE AMP; a sixth
      cell is the all-active fit 318331342 on Rorb_325404214_m (aibs_allactive,
      0.8 nA: it spikes tonically there).
"""
import csv
import json
import os
import sys

from neuron import h

h.load_file("stdrun.hoc")
h.load_file("import3d.hoc")

# bmtk's Biophys1 template, with NEURON 8.2's own Import3d
h("""
begintemplate ClBiophys1
public soma, dend, apic, axon, all, somatic, basal, apical, axonal
objref all, somatic, basal, apical, axonal, this, nl, i3d
create soma[1], dend[1], apic[1], axon[1]
proc init() {
  all = new SectionList() somatic = new SectionList() basal = new SectionList()
  apical = new SectionList() axonal = new SectionList()
  forall delete_section()
  nl = new Import3d_SWC_read()
  nl.quiet = 1
  nl.input($s1)
  i3d = new Import3d_GUI(nl, 0)
  i3d.instantiate(this)
}
endtemplate ClBiophys1
""")

AMP, DELAY, DUR, TSTOP = 0.4, 100.0, 1000.0, 1200.0


def prefix(sec):
    return sec.name().split(".")[1][:4]


def fix_axon_peri(cell):
    for sec in cell.axon:
        h.delete_section(sec=sec)
    h.execute("create axon[2]", cell)
    for sec in cell.axon:
        sec.L = 30
        sec.diam = 1
        cell.axonal.append(sec=sec)
        cell.all.append(sec=sec)
    cell.axon[0].connect(cell.soma[0], 0.5, 0)
    cell.axon[1].connect(cell.axon[0], 1, 0)
    h.define_shape()


def fix_axon_allactive(cell):
    diams = [cell.axon[0].diam, cell.axon[0].diam]
    for sec in cell.all:
        if prefix(sec) == "axon":
            diams[1] = sec.diam
    for sec in cell.axon:
        h.delete_section(sec=sec)
    h.execute("create axon[2]", cell)
    for i, sec in enumerate(cell.axon):
        sec.L = 30
        sec.diam = diams[i]
        cell.axonal.append(sec=sec)
        cell.all.append(sec=sec)
    cell.axon[0].connect(cell.soma[0], 1.0, 0)
    cell.axon[1].connect(cell.axon[0], 1.0, 0)
    h.define_shape()


def set_params_peri(cell, p):
    passive = p["passive"][0]
    conditions = p["conditions"][0]
    cm = dict((c["section"], c["cm"]) for c in passive["cm"])
    for sec in cell.all:
        sec.Ra = passive["ra"]
        sec.cm = cm[prefix(sec)]
        sec.insert("pas")
        for seg in sec:
            seg.pas.e = passive["e_pas"]
    for g in p["genome"]:
        for sec in [s for s in cell.all if prefix(s) == g["section"]]:
            if g["mechanism"] != "":
                sec.insert(g["mechanism"])
            setattr(sec, g["name"], g["value"])
    for e in conditions["erev"]:
        for sec in [s for s in cell.all if prefix(s) == e["section"]]:
            sec.ena = e["ena"]
            sec.ek = e["ek"]


def set_params_allactive(cell, p):
    passive = p["passive"][0]
    genome = p["genome"]
    conditions = p["conditions"][0]
    smap = {}
    for sec in cell.all:
        smap.setdefault(prefix(sec), []).append(sec)
    for sec in cell.all:
        sec.insert("pas")
    if "e_pas" in passive:
        for sec in cell.all:
            for seg in sec:
                seg.pas.e = passive["e_pas"]
    if "ra" in passive:
        for sec in cell.all:
            sec.Ra = passive["ra"]
    for c in passive.get("cm", []):
        for sec in smap.get(c["section"], []):
            sec.cm = c["cm"]
    for g in genome:
        if g["section"] == "glob":
            continue
        mech = g.get("mechanism", "")
        for sec in smap.get(g["section"], []):
            if mech != "":
                sec.insert(mech)
            setattr(sec, g["name"], float(g["value"]))
    for e in conditions["erev"]:
        for sec in smap.get(e["section"], []):
            if h.ismembrane("k_ion", sec=sec) == 1:
                sec.ek = e["ek"]
            if h.ismembrane("na_ion", sec=sec) == 1:
                sec.ena = e["ena"]


def nseg_rule(cell):
    for sec in cell.all:
        sec.nseg = 1 + 2 * int(sec.L / 40.0)


def dump(cell, f, points):
    for s in cell.all:
        ref = h.SectionRef(sec=s)
        name = s.name().split(".", 1)[1]
        if ref.has_parent():
            pname, px = ref.parent.name().split(".", 1)[1], s.parentseg().x
        else:
            pname, px = "-", 0.0
        n3d = int(s.n3d()) if points else 0
        f.write("sec %s %s %.17g %d %.17g %d\n" % (name, pname, px, s.nseg, s.L, n3d))
        for i in range(n3d):
            f.write("pt %.17g %.17g %.17g %.17g\n" % (s.x3d(i), s.y3d(i), s.z3d(i), s.diam3d(i)))
        for seg in s:
            f.write("seg %.17g %.17g\n" % (seg.area(), seg.ri()))


def geom(out, mdir):
    with open(out, "w") as f:
        for fn in sorted(os.listdir(mdir)):
            if not fn.lower().endswith(".swc"):
                continue
            path = os.path.join(mdir, fn)
            for rule, fix in (("aibs_perisomatic", fix_axon_peri), ("aibs_allactive", fix_axon_allactive)):
                cell = h.ClBiophys1(path)
                fix(cell)
                nseg_rule(cell)
                f.write("file %s %s\n" % (path, rule))
                dump(cell, f, True)
                del cell


def cells(sonata):
    net = os.path.join(sonata, "5_cells_iclamp", "network", "biophysical_node_types.csv")
    shared = os.path.join(sonata, "shared_components")
    out = []
    with open(net) as f:
        for row in csv.DictReader(f, delimiter=" "):
            mid = row["model_template"].split("_")[-1].split(".")[0]
            out.append((mid, os.path.join(shared, "morphologies", row["morphology"] + ".swc"),
                        os.path.join(shared, "biophysical_neuron_templates", "json", mid + "_fit.json"),
                        "aibs_perisomatic", AMP))
    # the all-active fit of the shared folder (no node uses it) on a cell with an apical tree
    out.append(("318331342", os.path.join(shared, "morphologies", "Rorb_325404214_m.swc"),
                os.path.join(shared, "biophysical_neuron_templates", "json", "318331342_fit.json"),
                "aibs_allactive", 0.8))
    return out


def dyn(lib, outdir, sonata):
    h.nrn_load_dll(lib)
    os.makedirs(outdir, exist_ok=True)
    todo = cells(sonata)
    with open(os.path.join(outdir, "cells.txt"), "w") as f:
        for mid, morph, fit, recipe, amp in todo:
            f.write("%s %s %s %s %.17g\n" % (mid, morph, fit, recipe, amp))
    for mid, morph, fit, recipe, amp in todo:
        with open(fit) as f:
            params = json.load(f)
        cell = h.ClBiophys1(morph)
        if recipe == "aibs_perisomatic":
            fix_axon_peri(cell)
            set_params_peri(cell, params)
        else:
            fix_axon_allactive(cell)
            set_params_allactive(cell, params)
        nseg_rule(cell)
        stim = h.IClamp(cell.soma[0](0.5))
        stim.delay, stim.dur, stim.amp = DELAY, DUR, amp
        v = h.Vector()
        v.record(cell.soma[0](0.5)._ref_v)
        h.celsius = 34
        h.cvode_active(0)
        h.secondorder = 0
        h.dt = 0.025
        h.steps_per_ms = 40
        h.v_init = -80
        h.stdinit()
        h.continuerun(TSTOP)
        with open(os.path.join(outdir, mid + ".txt"), "w") as f:
            for x in v:
                f.write("%.17g\n" % x)
        with open(os.path.join(outdir, mid + ".geom"), "w") as f:
            dump(cell, f, False)
        nsp = sum(1 for i in range(1, len(v)) if v[i - 1] <= -15 < v[i])
        print("%s: %d spikes, %d sections" % (mid, nsp, len(list(cell.all))))
        del stim, v, cell


if __name__ == "__main__":
    if sys.argv[1] == "geom":
        geom(sys.argv[2], sys.argv[3])
    else:
        dyn(sys.argv[2], sys.argv[3], sys.argv[4])
    print("ok")
