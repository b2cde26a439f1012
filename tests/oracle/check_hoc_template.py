#!/usr/bin/env python3
"""A Blue Brain e-model template, run whole by NEURON 8.2 and by cellulab's
hoc interpreter, with the same MOD files (the container's mod/ folder,
compiled by nrnivmodl and by `cellulab build-mechanisms`).

Both print, for every section of the cell's `all` list: its name, nseg, L,
and at each segment center x: area, path distance from soma(0.5), diam and
the distance-dependent gIhbar_Ih; then counts and parameters. Names and
integers must be equal; other numbers equal to 1e-9 relative (issue 8's
tolerance for segment areas; in practice they agree to the last digit).
Usage: check_hoc_template.py HOC_RUN CELLULAB SHARED_DATA OUTDIR"""
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

DRIVER = r'''
{load_file("%(hoc)s")}
celsius = 34
v_init = -80
objref c
c = new cADpyr_L5TPC(7, "%(morphdir)s", "%(morph)s")
print c.nSecAll, c.nSecSoma, c.nSecApical, c.nSecBasal, c.nSecAxonal, c.nSecMyelinated, c.gid
forsec c.all {
  printf("%%s %%d %%.17g\n", secname(), nseg, L)
}
c.soma[0] distance(0, 0.5)
forsec c.all for (x, 0) {
  printf("%%s %%.17g %%.17g %%.17g %%.17g\n", secname(), x, area(x), distance(x), diam(x))
}
forsec c.apical for (x, 0) printf("%%s %%.17g %%.17g %%.17g\n", secname(), x, gIhbar_Ih(x), gNaTgbar_NaTg(x))
c.soma[0] printf("%%.17g %%.17g %%.17g %%.17g %%.17g\n", gNaTgbar_NaTg, g_pas, e_pas, cm, Ra)
c.axon[1] printf("%%.17g %%.17g %%.17g\n", gNaTgbar_NaTg, ena, ek)
'''


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL, **kw)
    return p


def main():
    hoc_run, cellulab, shared, out = sys.argv[1:5]
    cont = os.path.join(shared, "bluecellulab", "container_nbS1-O1__202247__cADpyr__L5_TPC_A")
    mods = os.path.join(cont, "mod")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "nrn"))
    os.makedirs(os.path.join(out, "cl"))
    # NEURON: the whole folder
    for f in os.listdir(mods):
        if f.endswith(".mod"):
            shutil.copy(os.path.join(mods, f), os.path.join(out, "nrn"))
    p = run(["sh", "-c", '. "%s/nrnivmodl.sh"; nrnivmodl_build "%s" "%s"'
             % (HERE, os.path.join(out, "nrn"), os.path.join(out, "bin"))])
    nrnlib = os.path.join(out, "nrn", "x86_64", ".libs", "libnrnmech.so")
    if not os.path.exists(nrnlib):
        print(p.stdout, p.stderr)
        return 1
    # cellulab: the files it translates (the template's channels are all among them)
    files = []
    for f in sorted(os.listdir(mods)):
        if f.endswith(".mod") and run([cellulab, "nmodl", os.path.join(mods, f), "-o",
                                       os.path.join(out, "cl", "probe.c")]).returncode == 0:
            files.append(os.path.join(mods, f))
    cllib = os.path.join(out, "cl", "libmech.so")
    p = run([cellulab, "build-mechanisms"] + files + ["-o", cllib])
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        return 1
    morphdir = os.path.join(cont, "morphologies", "asc")
    morph = [f for f in os.listdir(morphdir) if f.endswith(".asc")][0]
    driver = DRIVER % {"hoc": os.path.join(cont, "emodels_hoc", "cADpyr_L5TPC.hoc"),
                       "morphdir": morphdir, "morph": morph}
    with open(os.path.join(out, "ours.hoc"), "w") as f:
        f.write(driver)
    with open(os.path.join(out, "neuron.hoc"), "w") as f:
        f.write('{nrn_load_dll("%s")}\n' % nrnlib + driver)
    n = run(["nrniv", "-nobanner", os.path.join(out, "neuron.hoc"), "-c", "quit()"])
    o = run([hoc_run, "--mechs", cllib, os.path.join(out, "ours.hoc")])
    if o.returncode != 0:
        print("cellulab failed:", o.stderr)
        return 1
    if re.search(r"nrniv: ", n.stderr + n.stdout):
        print("NEURON failed:", n.stderr)
        return 1
    nl = [l for l in n.stdout.splitlines() if "DISPLAY" not in l and "No graphics" not in l]
    ol = o.stdout.splitlines()
    if len(nl) != len(ol):
        print("line counts differ: NEURON %d, cellulab %d" % (len(nl), len(ol)))
        return 1
    worst, bad = 0.0, 0
    for a, b in zip(nl, ol):
        ta, tb = a.split(), b.split()
        ok = len(ta) == len(tb)
        for x, y in zip(ta, tb):
            try:
                fx, fy = float(x), float(y)
            except ValueError:
                ok = ok and x == y
                continue
            rel = abs(fx - fy) / max(abs(fx), abs(fy), 1e-300)
            worst = max(worst, rel)
            ok = ok and rel <= 1e-9  # issue 8's tolerance
        if not ok:
            bad += 1
            if bad <= 10:
                print("differs:\n  NEURON   %s\n  cellulab %s" % (a, b))
    print("%d lines compared, %d differ, largest relative difference %.3g" % (len(nl), bad, worst))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
