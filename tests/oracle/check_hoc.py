#!/usr/bin/env python3
"""Runs every tests/oracle/hoc_snippets/*.hoc with NEURON 8.2's hoc (nrniv)
and with cellulab's interpreter (hoc_run) and compares what they print.

Snippets named err_*.hoc must fail in both, at the same line (NEURON:
"near line N"; cellulab: "file:N:col:"), after printing the same output.
"@SHARED@" in a snippet is replaced by the shared data folder (a copy of
the snippet is run). Usage: check_hoc.py HOC_RUN SNIPPET_DIR SHARED_DATA"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile


def neuron(path):
    nrniv = shutil.which("nrniv")
    if nrniv:
        cmd = [nrniv, "-nobanner", path, "-c", "quit()"]
    else:
        cmd = ["/usr/bin/python3", "-c",
               "import sys\nfrom neuron import h\nh.load_file(sys.argv[1])", path]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                       cwd=os.path.dirname(path))
    out = "".join(l for l in p.stdout.splitlines(True)
                  if "DISPLAY" not in l and "No graphics" not in l)
    m = re.search(r"near line (\d+)", p.stdout + p.stderr)
    # nrniv prints hoc errors on stderr (and keeps going to quit())
    failed = bool(re.search(r"(nrniv|NEURON): ", p.stderr + p.stdout)) or p.returncode != 0
    return out, failed, int(m.group(1)) if m else None


def ours(hoc_run, path):
    p = subprocess.run([hoc_run, path], capture_output=True, text=True, timeout=120,
                       cwd=os.path.dirname(path))
    m = re.match(r"[^:\n]*:(\d+):\d+: ", p.stderr)
    return p.stdout, p.returncode != 0, int(m.group(1)) if m else None, p.stderr


def main():
    hoc_run, snippets, shared = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    tmp = tempfile.mkdtemp(prefix="check_hoc_")
    files = []
    for f in sorted(glob.glob(os.path.join(snippets, "*.hoc"))):
        text = open(f).read()
        if "@SHARED@" in text:
            f = os.path.join(tmp, os.path.basename(f))
            with open(f, "w") as out:
                out.write(text.replace("@SHARED@", os.path.abspath(shared)))
        files.append(os.path.abspath(f))
    bad = 0
    for f in files:
        name = os.path.basename(f)
        n_out, n_fail, n_line = neuron(f)
        o_out, o_fail, o_line, o_err = ours(hoc_run, f)
        problems = []
        if n_out != o_out:
            problems.append("output differs:\n--- NEURON\n%s--- cellulab\n%s" % (n_out, o_out))
        if name.startswith("err_"):
            if not n_fail:
                problems.append("NEURON did not fail (bad snippet)")
            if not o_fail:
                problems.append("cellulab did not fail")
            elif n_line is not None and o_line != n_line:
                problems.append("error line: NEURON %s, cellulab %s (%s)" % (n_line, o_line, o_err.strip()))
        else:
            if n_fail:
                problems.append("NEURON failed (bad snippet)")
            if o_fail:
                problems.append("cellulab failed: " + o_err.strip())
        status = "ok" if not problems else "FAIL"
        print("%-28s %s (%d lines)" % (name, status, o_out.count("\n")))
        for p in problems:
            print("   ", p)
        bad += bool(problems)
    shutil.rmtree(tmp, ignore_errors=True)
    print("%d of %d snippets differ" % (bad, len(files)))
    return 1 if bad or not files else 0


if __name__ == "__main__":
    sys.exit(main())
