#!/usr/bin/python3
"""Independent reference for the SONATA reader: reads the shared circuits
directly with h5py and json (its own manifest expansion, CSV reading and
node-set evaluation) and writes facts for sonata_compare.c to check:

  config PATH
  pop NAME SIZE
  attr POP NODE NAME n:VALUE | s:VALUE | none
  edges EPOP SOURCE TARGET COUNT
  afferent EPOP TARGET ID...           (ids from a scan of target_node_id)
  source EPOP EDGE SRC
  eattr EPOP EDGE NAME n:VALUE | s:VALUE
  nodeset NAME POP COUNT
  spikes POP COUNT                      (sum over the spike inputs of POP)

usage: sonata_ref.py OUT SHARED_DATA"""
import json, os, re, shlex, sys
import h5py
import numpy as np

CONFIGS = [
    "sonata-examples/300_intfire/config.json",
    "sonata-examples/5_cells_iclamp/config.json",
    "bluecellulab/circuit_sonata_quick_scx/circuit_sonata.json",
    "bluecellulab/ringtest_allen_v1/simulation_config.json",
    "bluecellulab/ringtest_allen_v1/simulation_config_point.json",
    "bluecellulab/sim_quick_scx_sonata/simulation_config_hypamp.json",
    "bluecellulab/container_nbS1-O1__202247__cADpyr__L5_TPC_A/circuit_config.json",
]


def load(path):
    d = json.load(open(path))
    base = os.path.dirname(os.path.abspath(path))
    man = dict(d.get("manifest", {}))
    for _ in range(10):
        for k, v in man.items():
            for k2, v2 in man.items():
                v = v.replace(k2, v2) if k2 != k else v
            man[k] = v
    names = sorted(man, key=len, reverse=True)  # longest variable first

    def walk(x):
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, str):
            for k in names:
                x = x.replace("${" + k.lstrip("$") + "}", man[k]).replace(k, man[k])
        return x
    return walk(d), base


def absp(base, p):
    return os.path.normpath(os.path.join(base, p))


def split(line):
    """pandas' sep=' ' with quotechar '"' only: a ' is an ordinary character"""
    lex = shlex.shlex(line, posix=True)
    lex.whitespace_split = True
    lex.quotes = '"'
    lex.escapedquotes = '"'
    lex.commenters = ""
    return list(lex)


def read_csv(path):
    rows = [split(l) for l in open(path) if l.strip()]
    head = rows[0]
    out = {}
    for r in rows[1:]:
        rec = {h: (None if v in ("NULL", "NONE", "None", "") else v) for h, v in zip(head, r)}
        out[int(r[head.index([h for h in head if h.endswith("_type_id")][0])])] = rec
    return out


def fmt(v):
    if v is None:
        return "none"
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, str):
        try:
            return "n:%.17g" % float(v)
        except ValueError:
            return "s:" + v
    return "n:%.17g" % float(v)


class Pop:
    def __init__(self, h5, top, name, csv):
        self.g = h5[top][name]
        self.name = name
        self.csv = read_csv(csv) if csv else {}
        t = "node" if top == "nodes" else "edge"
        self.tid = self.g[t + "_type_id"][()]
        self.size = len(self.tid)
        self.gid = self.g[t + "_group_id"][()] if t + "_group_id" in self.g else np.zeros(self.size, int)
        self.gix = self.g[t + "_group_index"][()] if t + "_group_index" in self.g else np.arange(self.size)
        self.cache = {}

    def names(self):
        n = set()
        for k, v in self.g.items():
            if k.isdigit():
                n |= {a for a, d in v.items() if isinstance(d, h5py.Dataset)}
        for r in self.csv.values():
            n |= set(r)
        return sorted(n)

    def column(self, gname, a):
        """a group dataset read whole once (None if the group lacks it)"""
        key = (gname, a)
        if key not in self.cache:
            grp = self.g[gname] if gname in self.g else None
            col = None
            if grp is not None and a in grp and isinstance(grp[a], h5py.Dataset):
                col = grp[a][()]
                if "@library" in grp and a in grp["@library"]:
                    lib = grp["@library"][a][()]
                    col = [lib[int(k)] for k in col]
            self.cache[key] = col
        return self.cache[key]

    def attr(self, i, a):
        col = self.column(str(self.gid[i]), a)
        if col is not None:
            return col[self.gix[i]]
        return self.csv.get(int(self.tid[i]), {}).get(a)


def nodeset(sets, name, pop, allpops, stack=()):
    if name not in sets:
        return set(range(pop.size)) if name == pop.name else set()
    d = sets[name]
    if isinstance(d, list):
        r = set()
        for n in d:
            r |= nodeset(sets, n, pop, allpops, stack + (name,))
        return r
    ids = set(range(pop.size))
    for k, v in d.items():
        vs = v if isinstance(v, list) else [v]
        if k == "population":
            if pop.name not in vs:
                return set()
        elif k in ("node_id", "gids"):
            ids &= set(vs)
        else:
            ids = {i for i in ids if (lambda x: x is not None and
                   (x.decode() if isinstance(x, bytes) else x) in [str(s) if isinstance(x, (bytes, str)) else s
                                                                  for s in vs])(pop.attr(i, k))}
    return ids


def main(out, shared):
    o = open(out, "w")
    for rel in CONFIGS:
        path = os.path.join(shared, rel)
        o.write("config %s\n" % path)
        top, base = load(path)
        circ, cbase, sim = top, base, None
        if "simulation" in top:
            sim, sbase = load(absp(base, top["simulation"]))
        elif "run" in top or "inputs" in top:
            sim, sbase = top, base
        if "networks" not in top:
            circ, cbase = load(absp(base, top["network"]))
        pops = {}
        for e in circ["networks"].get("nodes", []):
            h = h5py.File(absp(cbase, e["nodes_file"]), "r")
            for n in h["nodes"]:
                pops[n] = Pop(h, "nodes", n, absp(cbase, e["node_types_file"]) if e.get("node_types_file") else None)
        for p in pops.values():
            o.write("pop %s %d\n" % (p.name, p.size))
            for i in sorted({0, p.size // 2, p.size - 1}):
                for a in p.names():
                    o.write("attr %s %d %s %s\n" % (p.name, i, a, fmt(p.attr(i, a))))
        for e in circ["networks"].get("edges", []):
            h = h5py.File(absp(cbase, e["edges_file"]), "r")
            for n in h["edges"]:
                p = Pop(h, "edges", n, absp(cbase, e["edge_types_file"]) if e.get("edge_types_file") else None)
                src = p.g["source_node_id"].attrs["node_population"]
                tgt = p.g["target_node_id"].attrs["node_population"]
                src, tgt = [x.decode() if isinstance(x, bytes) else x for x in (src, tgt)]
                o.write("edges %s %s %s %d\n" % (n, src, tgt, p.size))
                tn = p.g["target_node_id"][()]
                sn = p.g["source_node_id"][()]
                for t in sorted({0, pops[tgt].size // 2, pops[tgt].size - 1}):
                    o.write("afferent %s %d%s\n" % (n, t, "".join(" %d" % k for k in np.nonzero(tn == t)[0])))
                for k in sorted({0, p.size // 2, p.size - 1}):
                    o.write("source %s %d %d\n" % (n, k, sn[k]))
                    for a in p.names():
                        v = p.attr(k, a)
                        if v is not None:
                            o.write("eattr %s %d %s %s\n" % (n, k, a, fmt(v)))
        nsf = (sim or {}).get("node_sets_file") or circ.get("node_sets_file")
        nsbase = sbase if sim and sim.get("node_sets_file") else cbase
        sets = json.load(open(absp(nsbase, nsf))) if nsf else {}
        for name in list(sets) + [p for p in pops if p not in sets]:
            for p in pops.values():
                o.write("nodeset %s %s %d\n" % (name, p.name, len(nodeset(sets, name, p, pops))))
        counts = {}
        for name, inp in ((sim or {}).get("inputs") or {}).items():
            if inp.get("input_type") != "spikes":
                continue
            h = h5py.File(absp(sbase, inp.get("input_file") or inp.get("spike_file")), "r")["spikes"]
            if "timestamps" in h:  # legacy layout: the node set is the population
                pop = [p for p in pops if nodeset(sets, inp["node_set"], pops[p], pops)][0]
                counts[pop] = counts.get(pop, 0) + len(h["timestamps"])
            else:
                for pop in h:
                    counts[pop] = counts.get(pop, 0) + len(h[pop]["timestamps"])
        for pop, c in counts.items():
            o.write("spikes %s %d\n" % (pop, c))
    o.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
