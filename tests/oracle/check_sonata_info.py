#!/usr/bin/python3
"""`cellulab info CONFIG --json` against sonata_ref.py's facts (h5py + json):
population sizes, attribute names, edge populations (source, target, count)
and node set sizes (summed over populations) for every circuit in REF.

usage: check_sonata_info.py REF CELLULAB"""
import json, subprocess, sys


def main(ref, cli):
    facts, cur = {}, None
    for line in open(ref):
        w = line.split()
        if w[0] == "config":
            cur = facts.setdefault(w[1], {"pop": {}, "attrs": {}, "edges": {}, "sets": {}})
        elif w[0] == "pop":
            cur["pop"][w[1]] = int(w[2])
        elif w[0] == "attr":
            cur["attrs"].setdefault(w[1], set()).add(w[3])
        elif w[0] == "edges":
            cur["edges"][w[1]] = (w[2], w[3], int(w[4]))
        elif w[0] == "nodeset":
            cur["sets"][w[1]] = cur["sets"].get(w[1], 0) + int(w[3])
    bad = 0
    for cfg, f in facts.items():
        out = json.loads(subprocess.run([cli, "info", cfg, "--json"], check=True, capture_output=True,
                                        text=True).stdout)
        got_pop = {p["name"]: p["size"] for p in out["node_populations"]}
        got_attrs = {p["name"]: set(p["attributes"]) for p in out["node_populations"]}
        got_edges = {e["name"]: (e["source"], e["target"], e["edges"]) for e in out["edge_populations"]}
        got_sets = {s["name"]: s["size"] for s in out["node_sets"]}
        for what, want, got in (("populations", f["pop"], got_pop), ("edges", f["edges"], got_edges),
                                ("node sets", f["sets"], got_sets)):
            if want != got:
                bad += 1
                print("MISMATCH %s %s:\n  want %s\n  got  %s" % (cfg, what, want, got))
        for p, names in f["attrs"].items():
            if names != got_attrs.get(p):
                bad += 1
                print("MISMATCH %s attributes of %s: want %s got %s" % (cfg, p, sorted(names),
                                                                        sorted(got_attrs.get(p, []))))
    print("check_sonata_info: %d circuits, %d mismatches" % (len(facts), bad))
    sys.exit(1 if bad or not facts else 0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
