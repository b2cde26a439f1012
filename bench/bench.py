#!/usr/bin/python3
"""Benchmarks (not tests): each model in NEURON 8.2 and in cellulab, in the
same run, each side in its own process, one after the other.

  (a) ring   rings of hh ball-and-sticks connected through NetCons (default
             50 rings x 10 cells = 100,500 compartments, 100 ms)
  (b) allen5 the five Allen perisomatic cells of 5_cells_iclamp from their
             NeuroML2 files, a 1 s step (1200 ms)
  (c) l5tpc  the L5 TPC with the 40 um rule, hh in soma and axon, pas in the
             dendrites, 5,000 Exp2Syn driven by 500 NetStims (1000 ms)

For each: wall time of the run (building excluded), ns per
compartment-step, the ratio NEURON/cellulab, memory (peak resident set
minus the resident set before building, per compartment; for l5tpc also
bytes per synapse, from two extra short runs with N and 2N synapses) and agreement
(max |dv| of the traced soma, its spike counts). cellulab runs with 1 and
with 2 threads (cl_sim_set_threads; NEURON on one); the 2-thread trace must
be the 1-thread trace bit for bit. The one-thread runs of both sides are
bound to the same core (one_core). Prints a table and writes
bench/results.json. --quick: small sizes, about a minute in all.

usage: bench.py --build BUILD_DIR [--quick] [--only ring,allen5,l5tpc]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.environ.get("CELLULAB_SHARED_DATA", os.path.normpath(os.path.join(ROOT, "..", "shared", "data")))
ALLEN_MODS = os.path.join(DATA, "sonata-examples", "shared_components", "mechanisms", "modfiles")

FULL = {"ring": {"nring": 50, "ncell": 10, "tstop": 100.0}, "allen5": {"tstop": 1200.0},
        "l5tpc": {"nsyn": 5000, "tstop": 1000.0}}
# bytes per synapse (bench/README.md): the l5tpc model with N and 2N
# synapses (Exp2Syn + NetCon, the same 500 NetStims), a short run each
SYN_N, SYN_TSTOP = 5000, 20.0
QUICK = {"ring": {"nring": 4, "ncell": 5, "tstop": 50.0}, "allen5": {"tstop": 300.0},
         "l5tpc": {"nsyn": 5000, "tstop": 100.0}}


def one_core():
    """The processor the one-thread runs of both sides are bound to (the
    last this process may use): a process the system moves between cores
    mid-run, or onto the core the other side's leftovers warm, times
    differently from one that stays. None where there is one core only."""
    cores = sorted(os.sched_getaffinity(0))
    return cores[-1] if len(cores) > 1 else None


def run_child(cmd, core=None):
    pin = (lambda: os.sched_setaffinity(0, {core})) if core is not None else None
    p = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=pin)
    if p.returncode != 0:
        sys.exit("benchmark child failed: %s\n%s" % (" ".join(cmd), p.stderr[-3000:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


def build_allen_mechanisms(build, work):
    """The Allen MOD files for both simulators (cached in the build folder)."""
    cl_lib = os.path.join(build, "bench", "allen_mechanisms.so")
    subprocess.run([os.path.join(build, "cellulab"), "build-mechanisms", ALLEN_MODS, "-o", cl_lib],
                   check=True, capture_output=True)
    nrn_dir = os.path.join(build, "bench", "nrn_allen")
    nrn_lib = os.path.join(nrn_dir, "x86_64", ".libs", "libnrnmech.so")
    if not os.path.exists(nrn_lib):
        os.makedirs(nrn_dir, exist_ok=True)
        for f in sorted(os.listdir(ALLEN_MODS)):
            if f.endswith(".mod"):
                with open(os.path.join(ALLEN_MODS, f)) as a, open(os.path.join(nrn_dir, f), "w") as b:
                    b.write(a.read())
        script = ". '%s'; nrnivmodl_build '%s' '%s'" % (os.path.join(ROOT, "tests", "oracle", "nrnivmodl.sh"),
                                                       nrn_dir, os.path.join(work, "tool"))
        subprocess.run(["sh", "-c", script], check=True)
    return cl_lib, nrn_lib


def synapse_bytes(build, work):
    """Bytes per synapse on each side: the resident set after a short run of
    the l5tpc model (free heap pages given back) with 2N synapses minus that
    with N, divided by N."""
    exe = os.path.join(build, "bench", "bench_models")
    live = {}
    for n in (SYN_N, 2 * SYN_N):
        c = run_child([exe, "l5tpc", "--tstop", str(SYN_TSTOP), "--trace", os.path.join(work, "syn.cl"),
                       "--data", DATA, "--nsyn", str(n)])
        r = run_child(["/usr/bin/python3", os.path.join(HERE, "neuron_models.py"), "l5tpc",
                       os.path.join(work, "syn.nrn"), str(SYN_TSTOP), DATA, str(n)])
        live[n] = (c["rss_trim_kib"] - c["rss0_kib"], r["rss_trim_kib"] - r["rss0_kib"])
    cl = 1024.0 * (live[2 * SYN_N][0] - live[SYN_N][0]) / SYN_N
    nrn = 1024.0 * (live[2 * SYN_N][1] - live[SYN_N][1]) / SYN_N
    return {"bytes_per_synapse": cl, "neuron_bytes_per_synapse": nrn, "synapse_memory_ratio": nrn / cl}


def best(runs):
    """The run with the shortest wall time, with every run's wall time."""
    b = dict(min(runs, key=lambda r: r["wall_s"]))
    b["runs_s"] = [r["wall_s"] for r in runs]
    return b


def bench(model, p, build, libs, work, repeat):
    ct, nt = os.path.join(work, model + ".cl"), os.path.join(work, model + ".nrn")
    exe = os.path.join(build, "bench", "bench_models")
    tstop = str(p["tstop"])
    if model == "ring":
        cargs = ["--nring", str(p["nring"]), "--ncell", str(p["ncell"])]
        nargs = [str(p["nring"]), str(p["ncell"]), DATA]
    elif model == "allen5":
        cargs = ["--data", DATA, "--mechanisms", libs[0]]
        nargs = [DATA, libs[1]]
    else:
        cargs = ["--data", DATA, "--nsyn", str(p["nsyn"])]
        nargs = [DATA, str(p["nsyn"])]
    # each side `repeat` times, interleaved; the fastest run of each counts
    # (a shared machine slows single runs by tens of percent at random)
    # (the one-thread runs of both sides on one core, the same for both)
    cr, c2r, nr = [], [], []
    core = one_core()
    for _ in range(repeat):
        cr.append(run_child([exe, model, "--tstop", tstop, "--trace", ct] + cargs, core))
        c2r.append(run_child([exe, model, "--tstop", tstop, "--trace", ct + "2", "--threads", "2"] + cargs))
        nr.append(run_child(["/usr/bin/python3", os.path.join(HERE, "neuron_models.py"), model, nt, tstop] + nargs,
                            core))
    c, c2, n = best(cr), best(c2r), best(nr)
    cv = [float(x) for x in open(ct)]
    nv = [float(x) for x in open(nt)]
    if open(ct).read() != open(ct + "2").read():
        sys.exit("%s: the 2-thread trace differs from the 1-thread trace" % model)
    if c["compartments"] != n["compartments"] or len(cv) != len(nv):
        sys.exit("%s: the two models differ: %d vs %d compartments, %d vs %d samples"
                 % (model, c["compartments"], n["compartments"], len(cv), len(nv)))
    cs = c["compartments"] * c["steps"]
    mem = lambda r: 1024.0 * (r["peak_kib"] - r["rss0_kib"]) / r["compartments"]  # noqa: E731
    return {
        "compartments": c["compartments"], "steps": c["steps"],
        "neuron_s": n["wall_s"], "cellulab_s": c["wall_s"], "ratio": n["wall_s"] / c["wall_s"],
        "neuron_runs_s": n["runs_s"], "cellulab_runs_s": c["runs_s"],
        "threads": {"1": {"cellulab_s": c["wall_s"], "ratio": n["wall_s"] / c["wall_s"]},
                    "2": {"cellulab_s": c2["wall_s"], "ratio": n["wall_s"] / c2["wall_s"],
                          "speedup": c["wall_s"] / c2["wall_s"]}},
        # CPU time (the process's, run only): on a busy machine the wall
        # times include waiting for a core; cpu_ratio leaves that out
        "neuron_cpu_s": n["cpu_s"], "cellulab_cpu_s": c["cpu_s"], "cpu_ratio": n["cpu_s"] / c["cpu_s"],
        "ns_per_compartment_step": 1e9 * c["wall_s"] / cs,
        "neuron_ns_per_compartment_step": 1e9 * n["wall_s"] / cs,
        "bytes_per_compartment": mem(c), "neuron_bytes_per_compartment": mem(n),
        "memory_ratio": mem(n) / mem(c),
        "max_dv_mV": max(abs(a - b) for a, b in zip(cv, nv)),
        "spikes": c["spikes"], "neuron_spikes": n["spikes"],
        # measured for the synapse-heavy model only (synapse_bytes)
        "bytes_per_synapse": None, "neuron_bytes_per_synapse": None, "synapse_memory_ratio": None,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="ring,allen5,l5tpc")
    ap.add_argument("--repeat", type=int, default=0,
                    help="runs of each side per model, the fastest counts (default 3, QUICK 1)")
    a = ap.parse_args()
    sizes = QUICK if a.quick else FULL
    repeat = a.repeat if a.repeat > 0 else (1 if a.quick else 3)
    models = [m for m in a.only.split(",") if m]
    for m in models:
        if m not in FULL:
            sys.exit("unknown model %s (ring, allen5, l5tpc)" % m)
    results = {}
    with tempfile.TemporaryDirectory() as work:
        libs = build_allen_mechanisms(a.build, work) if "allen5" in models else None
        for m in models:
            print("running %s ..." % m, file=sys.stderr, flush=True)
            results[m] = bench(m, sizes[m], a.build, libs, work, repeat)
            if m == "l5tpc":
                print("running l5tpc with %d and %d synapses (bytes per synapse) ..." % (SYN_N, 2 * SYN_N),
                      file=sys.stderr, flush=True)
                results[m].update(synapse_bytes(a.build, work))
    print("%-7s %9s %6s %10s %10s %6s %7s %8s %8s %6s %6s %10s %10s %6s %7s %7s %6s %9s %9s" % (
        "model", "comps", "steps", "NEURON s", "cellulab s", "ratio", "cpu rat", "ns/c-s", "NRN ns", "2T s", "2T rat",
        "B/comp", "NRN B/comp", "mem x", "B/syn", "NRN B/s", "syn x", "max|dv|", "spikes"))
    opt = lambda x, f: "-" if x is None else f % x  # noqa: E731
    for m, r in results.items():
        t2 = r["threads"]["2"]
        print("%-7s %9d %6d %10.3f %10.3f %6.2f %7.2f %8.1f %8.1f %6.3f %6.2f %10.0f %10.0f %6.2f %7s %7s %6s "
              "%9.2g %4d/%-4d" % (
                  m, r["compartments"], r["steps"], r["neuron_s"], r["cellulab_s"], r["ratio"], r["cpu_ratio"],
                  r["ns_per_compartment_step"], r["neuron_ns_per_compartment_step"], t2["cellulab_s"], t2["ratio"],
                  r["bytes_per_compartment"], r["neuron_bytes_per_compartment"], r["memory_ratio"],
                  opt(r["bytes_per_synapse"], "%.0f"), opt(r["neuron_bytes_per_synapse"], "%.0f"),
                  opt(r["synapse_memory_ratio"], "%.2f"), r["max_dv_mV"], r["spikes"], r["neuron_spikes"]))
    out = os.path.join(HERE, "results.json")
    with open(out + ".tmp", "w") as f:
        json.dump({"quick": a.quick, "repeat": repeat, "models": results}, f, indent=1)
    os.replace(out + ".tmp", out)
    print("written %s" % out)


if __name__ == "__main__":
    main()
