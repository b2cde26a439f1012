#!/usr/bin/env python3
"""A Blue Brain e-model template, run whole by NEURON 8.2 and by cellulab's
hoc interpreter, with the same MOD files (the container's mod/ folder,
compiled by nrnivmodl and by `cellulab build-mechanisms`).

Both print, for every section of the cell's `all` list: its name, nseg, L,
and at each segment center x: area, path distance from soma(0.5), diam and
the distance-dependent gIhbar_Ih; then counts and parameters. Names and
integers must be equal; other numbers equal to 1e-9 relative (issue 8's
tolerance for segment areas; in practice they agree to the last digit).
Cases: cADpyr_L5TPC (container), cADpyr_L2TPC and cNAC_L23BTC (quick_scx).
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
c = new %(name)s(7, "%(morphdir)s", "%(morph)s"%(extra)s)
print c.nSecAll, c.nSecSoma, c.nSecApical, c.nSecBasal, c.nSecAxonal, c.nSecMyelinated, c.gid
forsec c.all {
  printf("%%s %%d %%.17g\n", secname(), nseg, L)
}
c.soma[0] distance(0, 0.5)
forsec c.all for (x, 0) {
  printf("%%s %%.17g %%.17g %%.17g %%.17g\n", secname(), x, area(x), distance(x), diam(x))
}
forsec c.all for (x, 0) printf("%%s %%.17g %%.17g\n", secname(), x, g_pas(x))
forsec c.apical for (x, 0) printf("%%s %%.17g %%.17g\n", secname(), x, gIhbar_Ih(x))
c.soma[0] printf("%%.17g %%.17g %%.17g %%.17g %%.17g\n", gNaTgbar_NaTg, g_pas, e_pas, cm, Ra)
c.axon[1] printf("%%.17g %%.17g %%.17g %%.17g\n", gNaTgbar_NaTg, ena, ek, cm)
// every section left in the model (cellulab: counted in its cells, so the
// deleted original axon and the template's placeholders must be gone)
nall = 0
forall nall += 1
print nall
// a 200 ms current step at soma(0.5): v every ms (stdinit + continuerun)
objref stim
c.soma[0] stim = new IClamp(0.5)
stim.del = 20
stim.dur = 150
stim.amp = %(amp)s
tstop = 200
dt = 0.025
stdinit()
for i = 1, 200 {
  continuerun(i)
  c.soma[0] printf("vstep %%g %%.17g\n", t, v(0.5))
}
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
    quick = os.path.join(shared, "bluecellulab", "circuit_sonata_quick_scx", "components")
    asc = os.path.join(cont, "morphologies", "asc")
    cases = [
        ("cADpyr_L5TPC", os.path.join(cont, "emodels_hoc", "cADpyr_L5TPC.hoc"), asc,
         [f for f in os.listdir(asc) if f.endswith(".asc")][0], ""),
        ("cADpyr_L2TPC", os.path.join(quick, "hoc", "cADpyr_L2TPC.hoc"),
         os.path.join(quick, "morphologies", "asc"), "rr110330_C3_idA.asc", ", 1.26456, 1.1"),
        ("cNAC_L23BTC", os.path.join(quick, "hoc", "cNAC_L23BTC.hoc"),
         os.path.join(quick, "morphologies", "asc"), "C210401C.asc", ", 1.77423, 0.9"),
    ]
    total_bad = 0
    # the quick_scx templates (format v6) take their NeededAttributes
    # (AIS_scaler, soma_scaler) after the morphology
    for name, hoc, morphdir, morph, extra in cases:
        bad = compare(name, hoc, morphdir, morph, extra, hoc_run, cllib, nrnlib, out)
        total_bad += bad
    return 1 if total_bad else 0


def compare(name, hoc, morphdir, morph, extra, hoc_run, cllib, nrnlib, out):
    driver = DRIVER % {"hoc": hoc, "name": name, "morphdir": morphdir, "morph": morph, "extra": extra,
                       "amp": "0.6"}
    with open(os.path.join(out, name + "_ours.hoc"), "w") as f:
        f.write(driver)
    with open(os.path.join(out, name + "_neuron.hoc"), "w") as f:
        f.write('{nrn_load_dll("%s")}\n' % nrnlib + driver)
    n = run(["nrniv", "-nobanner", os.path.join(out, name + "_neuron.hoc"), "-c", "quit()"])
    o = run([hoc_run, "--mechs", cllib, os.path.join(out, name + "_ours.hoc")])
    if o.returncode != 0:
        print(name, "cellulab failed:", o.stderr)
        return 1
    if re.search(r"nrniv: ", n.stderr + n.stdout):
        print(name, "NEURON failed:", n.stderr)
        return 1
    nl = [l for l in n.stdout.splitlines() if "DISPLAY" not in l and "No graphics" not in l]
    ol = o.stdout.splitlines()
    if len(nl) != len(ol):
        print(name, "line counts differ: NEURON %d, cellulab %d" % (len(nl), len(ol)))
        return 1
    worst, bad, worst_v = 0.0, 0, 0.0
    for a, b in zip(nl, ol):
        ta, tb = a.split(), b.split()
        ok = len(ta) == len(tb)
        if ta and ta[0] == "vstep" and ok:
            # issue 8: the current-step response within 1e-6 mV
            dv = abs(float(ta[2]) - float(tb[2]))
            worst_v = max(worst_v, dv)
            if ta[1] != tb[1] or dv > 1e-6:
                bad += 1
                print("differs:\n  NEURON   %s\n  cellulab %s" % (a, b))
            continue
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
    print("%s: %d lines compared, %d differ, largest relative difference %.3g, largest |dv| %.3g mV"
          % (name, len(nl), bad, worst, worst_v))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
