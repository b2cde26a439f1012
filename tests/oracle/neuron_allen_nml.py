#!/usr/bin/python3
"""NEURON 8.2 references for the NeuroML2 loader: the five cells of the
SONATA example 5_cells_iclamp built the way bmtk's BioNet builds a
`nml:` model_template (NMLLoad in bmtk/simulator/bionet/default_setters/
cell_models.py, NMLTree in nml_reader.py), re-written here from that
behaviour:

  Biophys1(swc)   Import3d_SWC_read (quiet) + Import3d_GUI(r, 0).instantiate
  fix_axon_peri   (AXON = aibs_perisomatic) the axon sections deleted,
                  axon[0..1] L 30 diam 1, axon[0](0) at soma[0](0.5),
                  axon[1](0) at axon[0](1), define_shape(); AXON = none
                  keeps the reconstructed axon
  biophysics      for each section of `all`, its type's NML elements in
                  document order keyed by id (a dict: a repeated key keeps
                  its first place), values taken as NEURON units (bmtk
                  ignores the unit strings; the files use NEURON's)
  nseg            1 + 2*int(L/(2*20)) after the biophysics (set_segment_dl)

then a current step at soma[0](0.5) (IClamp del DELAY dur DUR amp AMP),
34 degC, v_init -80, dt 0.025, secondorder 0, run to TSTOP.

usage: neuron_allen_nml.py LIBNRNMECH.so SHARED_DATA OUTDIR AXON

Writes OUTDIR/index.txt (one cell name a line) and for each cell
OUTDIR/<name>/cell.txt:
  morph PATH / nml PATH / axon RULE / amp A / delay D / dur T / tstop S
  sec NAME NSEG            then NSEG lines "seg AREA" (x = (i+.5)/nseg)
and OUTDIR/<name>/v.txt (soma[0](0.5) v at every step with t = 0, %.17g).
"""
import csv
import os
import sys
import xml.etree.ElementTree as ET

import h5py
from neuron import h

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from neuron_allen import fix_axon_peri  # noqa: E402  (and bmtk's Biophys1 template, ClBiophys1)

DELAY, DUR, TSTOP = 100.0, 1000.0, 1200.0
# a step every cell answers with spikes (checked below)
AMP = 0.3

NS = "{http://www.neuroml.org/schema/neuroml2}"
TAGS = ("channelDensity", "channelDensityNernst", "resistivity", "specificCapacitance",
        "concentrationModel")
GROUPS = {"soma": ["soma"], "somatic": ["soma"], "axon": ["axon"], "axonal": ["axon"],
          "dend": ["dend"], "basal": ["dend"], "dendritic": ["dend"], "apic": ["apic"],
          "apical": ["apic"], "all": ["soma", "axon", "apic", "dend"]}


def first_number(s):
    return float(s.split(" ")[0])


def read_nml(path):
    """Per section type, an insertion-ordered dict id -> (tag, attributes)."""
    table = {"soma": {}, "axon": {}, "dend": {}, "apic": {}}
    for el in ET.parse(path).getroot().iter():
        if not el.tag.startswith(NS) or el.tag[len(NS):] not in TAGS:
            continue
        tag = el.tag[len(NS):]
        key = el.attrib.get("id", tag)
        for t in GROUPS[el.attrib["segmentGroup"].lower()]:
            table[t][key] = (tag, el.attrib)
    return table


def apply_nml(cell, table):
    for sec in cell.all:
        kind = sec.name().split(".")[1][:4]
        for key, (tag, a) in table[kind].items():
            if tag == "resistivity":
                sec.Ra = first_number(a["value"])
            elif tag == "specificCapacitance":
                sec.cm = first_number(a["value"])
            elif tag == "channelDensity" and a["ionChannel"] == "pas":
                sec.insert("pas")
                sec.g_pas = first_number(a["condDensity"])
                for seg in sec:
                    seg.pas.e = first_number(a["erev"])
            elif tag in ("channelDensity", "channelDensityNernst"):
                sec.insert(a["ionChannel"])
                setattr(sec, key, first_number(a["condDensity"]))
                if a["ion"] == "na":
                    sec.ena = first_number(a["erev"])
                elif a["ion"] == "k":
                    sec.ek = first_number(a["erev"])
            elif tag == "concentrationModel":
                sec.insert(key)
                setattr(sec, "gamma_" + a["type"], first_number(a["gamma"]))
                setattr(sec, "decay_" + a["type"], first_number(a["decay"]))


def main():
    lib, shared, out, axon = sys.argv[1:5]
    h.load_file("stdrun.hoc")
    h.load_file("stdlib.hoc")
    h.load_file("import3d.hoc")
    h.nrn_load_dll(lib)
    ex = os.path.join(shared, "sonata-examples")
    net = os.path.join(ex, "5_cells_iclamp", "network")
    morph_dir = os.path.join(ex, "shared_components", "morphologies")
    nml_dir = os.path.join(ex, "shared_components", "biophysical_neuron_templates", "nml")
    with open(os.path.join(net, "biophysical_node_types.csv")) as f:
        types = {int(r["node_type_id"]): r for r in csv.DictReader(f, delimiter=" ")}
    with h5py.File(os.path.join(net, "biophysical_nodes.h5"), "r") as f:
        type_ids = [int(x) for x in f["nodes/biophysical/node_type_id"][:]]
    os.makedirs(out, exist_ok=True)
    names = []
    for tid in type_ids:
        r = types[tid]
        name = r["model_name"]
        morph = os.path.join(morph_dir, r["morphology"] + ".swc")
        nml = os.path.join(nml_dir, r["model_template"].split(":", 1)[1])
        cell = h.ClBiophys1(morph)
        if axon == "aibs_perisomatic":
            fix_axon_peri(cell)
        elif axon != "none":
            sys.exit("unknown axon rule " + axon)
        apply_nml(cell, read_nml(nml))
        for sec in cell.all:
            sec.nseg = 1 + 2 * int(sec.L / (2 * 20.0))
        stim = h.IClamp(cell.soma[0](0.5))
        stim.delay, stim.dur, stim.amp = DELAY, DUR, AMP
        v = h.Vector()
        v.record(cell.soma[0](0.5)._ref_v)
        h.celsius = 34
        h.cvode_active(0)
        h.secondorder = 0
        h.dt = 0.025
        h.steps_per_ms = 40
        h.v_init = -80
        h.tstop = TSTOP
        h.stdinit()
        h.continuerun(TSTOP)
        spikes = sum(1 for i in range(1, len(v)) if v[i - 1] <= -15 < v[i])
        if spikes == 0:
            sys.exit("%s: no spike with amp %g" % (name, AMP))
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "cell.txt"), "w") as f:
            f.write("morph %s\nnml %s\naxon %s\namp %.17g\ndelay %.17g\ndur %.17g\ntstop %.17g\n"
                    % (morph, nml, axon, AMP, DELAY, DUR, TSTOP))
            for sec in cell.all:
                f.write("sec %s %d\n" % (sec.name().split(".")[1], sec.nseg))
                for seg in sec:
                    f.write("seg %.17g\n" % seg.area())
        with open(os.path.join(d, "v.txt"), "w") as f:
            f.writelines("%.17g\n" % x for x in v)
        print("%s: %d sections, %d spikes, %d samples" % (name, len(list(cell.all)), spikes, len(v)))
        names.append(name)
        del stim, v, cell
    with open(os.path.join(out, "index.txt"), "w") as f:
        f.writelines(n + "\n" for n in names)


if __name__ == "__main__":
    main()
