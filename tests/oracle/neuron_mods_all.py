#!/usr/bin/python3
"""NEURON 8.2 references for every mechanism of one MOD folder that cellulab
translates, built generically (no hand-written parameter lists).

usage: neuron_mods_all.py LIBNRNMECH.so OUTDIR MODFILE...

MODFILE...: the files cellulab translates, in registration (bytewise) order.
NEURON tells each mechanism's kind (h.MechanismType) and its RANGE PARAMETERs
(h.MechanismStandard(name, 1)); the MOD text tells which ions it uses (for
the calcium partners). For each mechanism M two models are built and
written to OUTDIR/manifest.txt, which mod_compare_all.c reads to build the
same models in cellulab:

- "M_1c": one soma compartment, L = diam = 20 um, pas (g 1e-4, e -70) and
  hh (gnabar 0.12, gkbar 0.036) so that it spikes, plus M;
- "M_tree": that soma plus d1 (L 100, diam 2, nseg 5) at soma(1) and d2
  (L 150, diam 1.5, nseg 4) at soma(0.5), both with pas and M (density
  mechanisms; a point process is placed once, at soma(0.5)).

Conductance-like parameters (names g.*bar, gbar.*, g.*max) are set to
max(1e-3, the file's default). A mechanism that reads cai, or writes ica,
gets the folder's first calcium pool (a mechanism writing cai) and one that
reads cai or writes cai gets the folder's first calcium channel (writes
ica, not cai). A point process gets one instance at soma(0.5) with default
parameters, and, if it has NET_RECEIVE, a NetStim (start 10, interval 10,
number 20) through a NetCon (delay 1, weight 0.01). An IClamp at soma(0.5)
(20-170 ms; 0.3 nA in 1c, 0.5 nA in the tree) makes the cell spike where it
can. 200 ms at dt 0.025, v_init -65, fixed step, 6.3 degC (NEURON's default:
hh does not fire repetitively at 34 degC).

Writes OUTDIR/<model>/{v,v_d1,v_d2,spikes}.txt (%.17g); spikes are the soma(0.5)
threshold -20 mV crossings (NetCon.record)."""
import os
import re
import sys

from neuron import h

COND = re.compile(r"g.*bar|gbar.*|g.*max")
TSTOP = 200
STIM = {"1c": 0.3, "tree": 0.5}


def mod_info(path):
    """name, kind keyword, ion usage and NET_RECEIVE of one MOD file"""
    text = open(path, encoding="latin-1").read()
    text = re.sub(r"COMMENT.*?ENDCOMMENT", "", text, flags=re.S)
    text = re.sub(r":[^\n]*", "", text)
    m = re.search(r"\b(SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL)\s+(\w+)", text)
    reads, writes = set(), set()
    for u in re.finditer(r"USEION\s+ca\b(.*)", text):
        line = u.group(1)
        r = re.search(r"READ\s+([\w\s,]+?)(?=WRITE|VALENCE|$)", line)
        w = re.search(r"WRITE\s+([\w\s,]+?)(?=READ|VALENCE|$)", line)
        if r:
            reads |= {x.strip() for x in r.group(1).split(",")}
        if w:
            writes |= {x.strip() for x in w.group(1).split(",")}
    return {"name": m.group(2), "kw": m.group(1), "reads": reads, "writes": writes,
            "net_receive": "NET_RECEIVE" in text}


def params(name, point):
    """RANGE PARAMETERs with NEURON's defaults, conductances adjusted"""
    ms = h.MechanismStandard(name, 1)
    out = []
    sname = h.ref("")
    for i in range(int(ms.count())):
        ms.name(sname, i)
        full = sname[0]
        base = full if point else full[: -(len(name) + 1)]
        if COND.fullmatch(base):
            out.append((full, max(1e-3, ms.get(full))))
    return out


def plan(infos, info):
    """the mechanisms (name, params) inserted for one mechanism under test"""
    pools = [i for i in infos if i["kw"] == "SUFFIX" and "cai" in i["writes"]]
    chans = [i for i in infos if i["kw"] == "SUFFIX" and "ica" in i["writes"]
             and "cai" not in i["writes"]]
    extra = []
    name = info["name"]
    if ("cai" in info["reads"] or "cai" in info["writes"]) and "ica" not in info["writes"]:
        extra += [c for c in chans[:1] if c["name"] != name]
    if ("cai" in info["reads"] or "ica" in info["writes"]) and "cai" not in info["writes"]:
        extra += [p for p in pools[:1] if p["name"] != name]
    return [(e["name"], params(e["name"], False)) for e in extra]


def build(kind, info, partners, manifest):
    """one model in NEURON and in the manifest"""
    name = info["name"]
    point = info["kw"] != "SUFFIX"
    model = "%s_%s" % (name, kind)
    lines = ["model %s %s" % (model, kind)]
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    secs = {"soma": soma}
    if kind == "tree":
        d1 = h.Section(name="d1")
        d1.L, d1.diam, d1.nseg = 100, 2, 5
        d2 = h.Section(name="d2")
        d2.L, d2.diam, d2.nseg = 150, 1.5, 4
        d1.connect(soma(1))
        d2.connect(soma(0.5))
        secs["d1"], secs["d2"] = d1, d2

    def insert(secname, mech, pars):
        sec = secs[secname]
        sec.insert(mech)
        lines.append("insert %s %s" % (secname, mech))
        for var, val in pars:
            setattr(sec, var, val)
            lines.append("set %s %s %.17g" % (secname, var, val))

    dens = ([] if point else [(name, params(name, False))]) + partners
    for secname in secs:
        insert(secname, "pas", [("g_pas", 1e-4), ("e_pas", -70)])
        if secname == "soma":
            insert(secname, "hh", [("gnabar_hh", 0.12), ("gkbar_hh", 0.036)])
        for mech, pars in dens:
            insert(secname, mech, pars)
    keep = []
    if point:
        pp = getattr(h, name)(soma(0.5))
        lines.append("pp %s" % name)
        keep.append(pp)
        if info["net_receive"]:
            ns = h.NetStim()
            ns.start, ns.interval, ns.number = 10, 10, 20
            nc = h.NetCon(ns, pp)
            nc.delay, nc.weight[0] = 1, 0.01
            lines.append("netstim")
            keep += [ns, nc]
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 20, 150, STIM[kind]
    lines.append("iclamp %.17g" % STIM[kind])
    vecs = {"v": h.Vector()}
    vecs["v"].record(soma(0.5)._ref_v)
    if kind == "tree":
        vecs["v_d1"], vecs["v_d2"] = h.Vector(), h.Vector()
        vecs["v_d1"].record(secs["d1"](0.9)._ref_v)
        vecs["v_d2"].record(secs["d2"](0.4)._ref_v)
    det = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    det.threshold = -20
    vecs["spikes"] = h.Vector()
    det.record(vecs["spikes"])
    h.celsius = 6.3
    h.cvode_active(0)
    h.dt = 0.025
    h.steps_per_ms = 40
    h.v_init = -65
    h.stdinit()
    h.continuerun(TSTOP)
    d = os.path.join(OUTDIR, model)
    os.makedirs(d, exist_ok=True)
    for key, vec in vecs.items():
        with open(os.path.join(d, key + ".txt"), "w") as f:
            f.write("".join("%.17g\n" % x for x in vec))
    lines.append("end")
    manifest.write("\n".join(lines) + "\n")
    print("  %-24s spikes %d" % (model, len(vecs["spikes"])))
    del det, stim, keep, vecs
    for sec in secs.values():
        h.delete_section(sec=sec)


def main():
    global OUTDIR
    lib, OUTDIR, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    h.nrn_load_dll(lib)
    h.load_file("stdrun.hoc")
    os.makedirs(OUTDIR, exist_ok=True)
    infos = [mod_info(f) for f in files]
    with open(os.path.join(OUTDIR, "manifest.txt"), "w") as manifest:
        for info in infos:
            name = info["name"]
            point = info["kw"] != "SUFFIX"
            if info["kw"] == "ARTIFICIAL_CELL":
                print("  skip %s: artificial cell" % name)
                continue
            # the kind as NEURON knows it: density (0) or point process (1)
            mt = h.MechanismType(1 if point else 0)
            mt.select(name)
            if mt.selected() < 0:
                sys.exit("%s: not registered in NEURON" % name)
            partners = [] if point else plan(infos, info)
            for kind in ("1c", "tree"):
                build(kind, info, partners, manifest)


main()
