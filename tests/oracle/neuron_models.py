#!/usr/bin/python3
"""Reference traces from NEURON 8.2 (Debian's python3-neuron) for the oracle
tests. Each model here has a twin in models.c, built with cellulab's API; the
C test compares every sample.

usage: neuron_models.py OUTDIR [SHARED_DATA_DIR]

Writes OUTDIR/<model>/<vector>.txt, one value per line with %.17g. The
ball-and-stick is loaded from BlueCelluLab's morphology.asc through NEURON's
own Import3d, as BlueCelluLab does, so the soma geometry is NEURON's and not
ours.
"""
import os
import sys

from neuron import h

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared", "data"))
if len(sys.argv) > 2:
    SHARED = sys.argv[2]
BALLSTICK_ASC = os.path.join(SHARED, "bluecellulab", "ballstick", "morphology.asc")

h.load_file("stdrun.hoc")
h.load_file("import3d.hoc")
h(
    """
begintemplate OracleCell
public soma, dend, apic, axon, all, somatic, basal, apical, axonal
create soma[1], dend[1], apic[1], axon[1]
objref all, somatic, basal, apical, axonal
proc init() {
    all = new SectionList() somatic = new SectionList() basal = new SectionList()
    apical = new SectionList() axonal = new SectionList()
}
endtemplate OracleCell
"""
)


def write(outdir, model, name, values):
    d = os.path.join(outdir, model)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".txt"), "w") as f:
        for x in values:
            f.write("%.17g\n" % x)


def run(tstop, celsius, usetable=1, dt=0.025):
    h.celsius = celsius
    h.usetable_hh = usetable
    h.cvode_active(0)
    h.dt = dt
    h.steps_per_ms = 1.0 / dt
    h.v_init = -65
    h.stdinit()
    h.continuerun(tstop)


def ballstick():
    """BlueCelluLab's create_ball_stick(): Import3d of the ASC, hh, gnabar 0.24."""
    cell = h.OracleCell()
    morph = h.Import3d_Neurolucida3()
    morph.quiet = 1
    morph.input(BALLSTICK_ASC)
    h.Import3d_GUI(morph, 0).instantiate(cell)
    for sec in cell.basal:
        sec.nseg = 200
    for sec in cell.somatic:
        sec.nseg = 1
    for sec in cell.all:
        sec.insert("hh")
        sec.gnabar_hh = 0.24
    return cell


def vec_record(ref, dt=None):
    v = h.Vector()
    if dt is None:
        v.record(ref)
    else:
        v.record(ref, dt)
    return v


def model_hh1(outdir):
    """(a) one hh compartment with an IClamp, at 6.3 and 34 degC."""
    for celsius in (6.3, 34.0):
        soma = h.Section(name="soma")
        soma.L = soma.diam = 20
        soma.insert("hh")
        stim = h.IClamp(soma(0.5))
        stim.delay, stim.dur, stim.amp = 2, 40, 0.15
        t = vec_record(h._ref_t)
        v = vec_record(soma(0.5)._ref_v)
        m = vec_record(soma(0.5)._ref_m_hh)
        ina = vec_record(soma(0.5)._ref_ina)
        run(50, celsius)
        name = "hh1_c%g" % celsius
        write(outdir, name, "t", t)
        write(outdir, name, "v", v)
        write(outdir, name, "m_hh", m)
        write(outdir, name, "ina", ina)
        del stim, soma


def model_headline(outdir):
    """(b, e) the headline example, hh table and exact rates; (f) record at 0.1 ms."""
    for usetable in (1, 0):
        cell = ballstick()
        stim = h.IClamp(cell.soma[0](0.5))
        stim.delay, stim.dur, stim.amp = 5, 15, 0.5
        t = vec_record(h._ref_t)
        v = vec_record(cell.soma[0](0.5)._ref_v)
        vd = vec_record(cell.dend[0](0.5)._ref_v)
        t01 = vec_record(h._ref_t, 0.1)
        v01 = vec_record(cell.soma[0](0.5)._ref_v, 0.1)
        run(25, 34, usetable)
        name = "headline_table%d" % usetable
        write(outdir, name, "t", t)
        write(outdir, name, "v", v)
        write(outdir, name, "v_dend", vd)
        write(outdir, name, "t_dt0.1", t01)
        write(outdir, name, "v_dt0.1", v01)
        geo = []
        for sec in (cell.soma[0], cell.dend[0]):
            for seg in sec:
                geo += [seg.area(), h.ri(seg.x, sec=sec), seg.diam]
        write(outdir, name, "geometry", geo)
        del stim, cell


def model_synapses(outdir):
    """(c, e) ExpSyn and Exp2Syn at dend(0.9) and dend(1.0), one NetStim, four
    NetCons with different delays, a threshold NetCon at the soma."""
    for usetable in (1, 0):
        cell = ballstick()
        dend = cell.dend[0]
        syns = [h.ExpSyn(dend(0.9)), h.ExpSyn(dend(1.0)), h.Exp2Syn(dend(0.9)), h.Exp2Syn(dend(1.0)),
                h.ExpSyn(dend(0.9)), h.ExpSyn(dend(0.9))]  # three ExpSyns on one node: summation order
        syns[0].tau = 2
        syns[1].tau = 3
        syns[1].e = -10
        syns[2].tau1, syns[2].tau2 = 0.5, 5
        syns[3].tau1, syns[3].tau2 = 1, 8
        syns[4].tau = 0.7
        syns[5].tau = 1.1
        ns = h.NetStim()
        ns.start, ns.interval, ns.number = 3, 12.5, 6
        ncs = []
        for syn, delay, weight in zip(syns, (1, 2.5, 0.7, 4, 1.7, 3.3), (0.02, 0.015, 0.01, 0.012, 0.0137, 0.0071)):
            nc = h.NetCon(ns, syn)
            nc.delay = delay
            nc.weight[0] = weight
            ncs.append(nc)
        det = h.NetCon(cell.soma[0](0.5)._ref_v, None, sec=cell.soma[0])
        det.threshold = -20
        spikes = h.Vector()
        det.record(spikes)
        nsrec = h.Vector()
        ncs[0].record(nsrec)
        ifire = h.IntFire1()
        ifire.tau, ifire.refrac = 4, 2
        nc_in = h.NetCon(ns, ifire)
        nc_in.delay, nc_in.weight[0] = 0.5, 0.7
        # soma spikes also drive it, through the soma's existing threshold detector
        nc_det = h.NetCon(cell.soma[0](0.5)._ref_v, ifire, sec=cell.soma[0])
        nc_det.delay, nc_det.weight[0] = 1.5, 0.3
        nc_out = h.NetCon(ifire, None)
        if_spikes = h.Vector()
        nc_out.record(if_spikes)
        t = vec_record(h._ref_t)
        v = vec_record(cell.soma[0](0.5)._ref_v)
        vd = vec_record(dend(0.9)._ref_v)
        vend = vec_record(dend(1.0)._ref_v)
        g2 = vec_record(syns[2]._ref_g)
        run(80, 34, usetable)
        name = "synapses_table%d" % usetable
        for n, vec in (("t", t), ("v", v), ("v_dend09", vd), ("v_dend1", vend), ("g_exp2syn09", g2),
                       ("spikes", spikes), ("netstim_spikes", nsrec), ("intfire1_spikes", if_spikes)):
            write(outdir, name, n, vec)
        del ncs, det, ns, syns, cell, nc_in, nc_det, nc_out, ifire


def model_tree(outdir):
    """(d) a branched tree: three levels, children at 1, 0.5 and interior points
    (0.3, 0.77), tapered pt3d sections, pas and hh, odd and even nseg."""
    soma = h.Section(name="soma")
    soma.pt3dadd(0, 0, 0, 14)
    soma.pt3dadd(7, 1, 0, 17)
    soma.pt3dadd(15, 0, 0.5, 12)
    soma.nseg = 3
    a = h.Section(name="a")
    a.pt3dadd(15, 0, 0.5, 4)
    a.pt3dadd(60, 10, 2, 3.1)
    a.pt3dadd(130, 25, 3, 2.2)
    a.nseg = 7
    b = h.Section(name="b")
    b.L, b.diam, b.nseg = 90, 1.5, 4
    c = h.Section(name="c")
    c.pt3dadd(0, 0, 0, 2.5)
    c.pt3dadd(0, 40, 0, 1.0)
    c.nseg = 5
    d = h.Section(name="d")
    d.L, d.diam, d.nseg = 55, 0.9, 2
    e = h.Section(name="e")
    e.pt3dadd(0, 0, 0, 1.2)
    e.pt3dadd(10, 3, 0, 1.1)
    e.pt3dadd(25, 3, 4, 0.7)
    e.pt3dadd(50, 6, 4, 0.5)
    e.nseg = 6
    f = h.Section(name="f")
    f.L, f.diam, f.nseg = 30, 0.8, 3
    g = h.Section(name="g")
    g.L, g.diam, g.nseg = 20, 1.1, 1
    k = h.Section(name="k")
    k.L, k.diam, k.nseg = 35, 0.7, 2
    a.connect(soma(1))
    b.connect(soma(0.5))
    c.connect(a(0.3))
    d.connect(a(1))
    e.connect(a(1))
    f.connect(c(0.77))
    g.connect(soma(0))  # on the root node
    k.connect(b(0))  # on b's parent node, soma's middle segment
    for sec in (soma, a, d):
        sec.insert("hh")
    for sec in (b, c, e, f, g, k):
        sec.insert("pas")
        sec.g_pas = 2e-4
        sec.e_pas = -65
    b.Ra = 120
    e.cm = 1.5
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur, stim.amp = 1, 20, 2.5
    stim2 = h.IClamp(f(1))
    stim2.delay, stim2.dur, stim2.amp = 10, 5, 0.05
    clamp = h.SEClamp(d(0.5))
    clamp.rs, clamp.dur1, clamp.amp1, clamp.dur2, clamp.amp2 = 2, 25, -70, 5, -30
    apc = h.APCount(soma(0.5))
    apc.thresh = -20
    apc_times = h.Vector()
    apc.record(apc_times)
    recs = {"t": vec_record(h._ref_t), "i_seclamp": vec_record(clamp._ref_i)}
    for n, sec in (("soma", soma), ("a", a), ("b", b), ("c", c), ("d", d), ("e", e), ("f", f),
                   ("g", g), ("k", k)):
        for x in (0, 0.5, 1):
            recs["v_%s_%g" % (n, x)] = vec_record(sec(x)._ref_v)
    run(40, 34)
    for n, vec in recs.items():
        write(outdir, "tree", n, vec)
    write(outdir, "tree", "apcount", apc_times)
    geo = []
    for sec in (soma, a, b, c, d, e, f, g, k):
        for seg in sec:
            geo += [seg.area(), h.ri(seg.x, sec=sec), seg.diam]
        geo.append(sec.L)
    write(outdir, "tree", "geometry", geo)


def model_ties(outdir):
    """Events with equal times, in the order NEURON's queue delivers them: A
    (sent first) and B arrive at 15 ms; C, sent later for 14 ms, pushes A
    back behind B. D fans out to three connections with one delay (one
    queued event for all, NEURON's use_min_delay)."""
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20
    soma.insert("pas")
    syn = h.ExpSyn(soma(0.5))
    syn.tau = 2
    syns = [h.ExpSyn(soma(0.5)) for _ in range(3)]
    keep = []
    for start, delay, w, target in ((10, 5, 0.1, syn), (12, 3, 0.7, syn), (13, 1, 0.3, syn),
                                     (11, 4, 0.05, syn)):
        ns = h.NetStim()
        ns.start, ns.number = start, 1
        nc = h.NetCon(ns, target)
        nc.delay, nc.weight[0] = delay, w
        keep += [ns, nc]
    fan = h.NetStim()
    fan.start, fan.number = 9, 1
    for s_, w in zip(syns, (0.2, 0.9, 0.4)):
        nc = h.NetCon(fan, s_)
        nc.delay, nc.weight[0] = 6, w
        keep.append(nc)
    extra = h.NetStim()
    extra.start, extra.number = 14, 1
    nc = h.NetCon(extra, syns[1])
    nc.delay, nc.weight[0] = 1, 0.33
    keep += [fan, extra, nc]
    t = vec_record(h._ref_t)
    v = vec_record(soma(0.5)._ref_v)
    g = vec_record(syn._ref_g)
    g1 = vec_record(syns[1]._ref_g)
    run(30, 34)
    for n, vec in (("t", t), ("v", v), ("g", g), ("g1", g1)):
        write(outdir, "ties", n, vec)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: neuron_models.py OUTDIR [SHARED_DATA_DIR]")
    if not os.path.exists(BALLSTICK_ASC):
        sys.exit("neuron_models.py: %s not found (pass the shared data folder)" % BALLSTICK_ASC)
    outdir = sys.argv[1]
    if not hasattr(h, "usetable_hh"):
        sys.exit("this NEURON build has no usetable_hh (hh TABLE commented out); use Debian's 8.2")
    model_hh1(outdir)
    model_headline(outdir)
    model_synapses(outdir)
    model_tree(outdir)
    model_ties(outdir)
    print("NEURON %s references written to %s" % (h.nrnversion(), outdir))


if __name__ == "__main__":
    main()
