#!/usr/bin/python3
"""NEURON 8.2 reference for the random BBP inputs of a SONATA simulation
config (issue 9): noise, shot_noise, relative_shot_noise,
absolute_shot_noise, ornstein_uhlenbeck and relative_ornstein_uhlenbeck
(current and conductance) on the 3-cell circuit of neuron_sonata_inputs.py,
built here as BlueCelluLab builds them in its Random123 mode (written from
reading its injector.py, stimuli_generator.py, random.py, TStim.hoc and
circuit_simulation.py):

- streams: hoc Random objects, Random123(count + 100, stimulus_seed + 500,
  node id + 300) for noise, (count + 2997, stimulus_seed + 19216, node id +
  123 or random_seed) for shot noise, (count + 2997, stimulus_seed +
  291204, same) for Ornstein-Uhlenbeck; count: the index of the input among
  the earlier inputs of its family; Random123 global index run.random_seed
  (absent, i.e. 0, for "a"; 3 for "b");
- noise: TStim.noise with NEURON's state when BlueCelluLab builds stimuli
  (tstop = 5 of stdrun.hoc, dt = 0.025, t = 0): the draws before the delay,
  a value every 0.5 ms, a point (0, 0) appended, played into an IClamp
  (del 0, dur 1e308) with Vector.play(amp, t, 1);
- shot noise and OU: the generator's vectors (time from 0 plus the delay, a
  (duration, 0) point appended) into an IClamp (dur = last time) or, for a
  conductance, an SEClamp (dur1 = last time, amp1 = reversal, a (0, 0)
  point first, rs = 1/g, 1e9 where g is not in (1e-9, 1e9)).

usage: neuron_sonata_noise.py LIBNRNMECH.so SHARED_DATA OUTDIR
For stimulus seeds 0 ("a") and 12345 ("b") it writes OUTDIR/<tag>/circuit
(the config for network_compare), and NEURON's OUTDIR/<tag>/ref/v_<node>.txt,
spikes_<node>.txt and i_<input>_<node>.txt (the input's clamp current at
every step); then checks that the two seeds give other voltages. Each seed
runs in a process of its own (a fresh NEURON, as BlueCelluLab would).
"""
import math
import os
import subprocess
import sys

from neuron import h

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import neuron_sonata_inputs as base  # noqa: E402

RUN = {"tstop": 200.0, "dt": 0.025, "dL": 20.0, "spike_threshold": -15.0}
RIN = [150.0, 80.0, 120.0]  # MOhm, @dynamics:input_resistance
SEEDS = {"a": 0, "b": 12345}
GLOBAL_INDEX = {"a": None, "b": 3}  # run.random_seed: neurodamus' BaseSeed, the streams' global index
SETS = base.SETS
# file order is the family count order
INPUTS = {
    "noi_abs": {"module": "noise", "input_type": "current_clamp", "node_set": "n0", "delay": 20.0,
                "duration": 100.0, "mean": 0.05, "variance": 0.001},
    "noi_rel": {"module": "noise", "input_type": "current_clamp", "node_set": "all", "delay": 0.0,
                "duration": 150.0, "mean_percent": 20.0, "variance": 2.0},
    "noi_short": {"module": "noise", "input_type": "current_clamp", "node_set": "n2", "delay": 1.0,
                  "duration": 3.0, "mean": 0.1, "variance": 0.002},
    "noi_late": {"module": "noise", "input_type": "current_clamp", "node_set": "n1", "delay": 100.0,
                 "duration": 20.0, "mean_percent": 30.0, "variance": 3.0},
    "shot": {"module": "shot_noise", "input_type": "current_clamp", "node_set": "n0", "delay": 10.0,
             "duration": 150.0, "rise_time": 0.4, "decay_time": 4.0, "rate": 500.0, "amp_mean": 0.02,
             "amp_var": 1e-4},
    "shot_small": {"module": "shot_noise", "input_type": "current_clamp", "node_set": "n1", "delay": 5.0,
                   "duration": 120.0, "rise_time": 0.5, "decay_time": 5.0, "rate": 300.0, "amp_mean": 0.01,
                   "amp_var": 0.001, "random_seed": 42, "dt": 0.1},
    "rshot_g": {"module": "relative_shot_noise", "input_type": "conductance", "node_set": "n2", "delay": 30.0,
                "duration": 100.0, "rise_time": 0.5, "decay_time": 3.0, "mean_percent": 40.0,
                "sd_percent": 15.0, "reversal": 0.0},
    "rshot_i": {"module": "relative_shot_noise", "input_type": "current_clamp", "node_set": "all", "delay": 60.0,
                "duration": 80.0, "rise_time": 1.0, "decay_time": 6.0, "mean_percent": 10.0, "sd_percent": 5.0,
                "relative_skew": 0.3},
    "ashot": {"module": "absolute_shot_noise", "input_type": "current_clamp", "node_set": "n1", "delay": 140.0,
              "duration": 40.0, "rise_time": 0.4, "decay_time": 4.0, "mean": 0.03, "sigma": 0.01},
    "ou_i": {"module": "ornstein_uhlenbeck", "input_type": "current_clamp", "node_set": "n1", "delay": 15.0,
             "duration": 150.0, "tau": 5.0, "sigma": 0.02, "mean": 0.03},
    "rou_g": {"module": "relative_ornstein_uhlenbeck", "input_type": "conductance", "node_set": "n0",
              "delay": 40.0, "duration": 120.0, "tau": 2.0, "mean_percent": 30.0, "sd_percent": 10.0,
              "reversal": -10.0},
    "ou_white": {"module": "ornstein_uhlenbeck", "input_type": "current_clamp", "node_set": "n2", "delay": 150.0,
                 "duration": 30.0, "tau": 0.0, "sigma": 0.01, "mean": 0.02, "random_seed": 7},
}
FAMILY = {"noise": 0, "shot_noise": 1, "relative_shot_noise": 1, "absolute_shot_noise": 1,
          "ornstein_uhlenbeck": 2, "relative_ornstein_uhlenbeck": 2}


def gamma(rng, a, b, n):
    """n gamma(shape a, scale b) values (Marsaglia and Tsang), drawn as
    BlueCelluLab's random.gamma draws them."""
    if a < 1:
        rng.uniform(0, 1)
        w = h.Vector(n)
        w.setrand(rng)
        w.pow(1 / a)
        return gamma(rng, 1 + a, b, n).mul(w)
    d = a - 1 / 3
    c = 1 / 3 / math.sqrt(d)
    out = h.Vector(n)
    for i in range(n):
        while True:
            x = rng.normal(0, 1)
            v = 1 + c * x
            if v <= 0:
                continue
            v = v * v * v
            u = rng.uniform(0, 1)
            if u < 1 - 0.0331 * x * x * x * x or math.log(u) < 0.5 * x * x + d * (1 - v + math.log(v)):
                out.x[i] = b * d * v
                break
    return out


def shot_signal(tau_d, tau_r, rate, amp_mean, amp_var, duration, dt, rng):
    """Poisson events with gamma amplitudes through a bi-exponential kernel
    (a composite autoregressive process), BlueCelluLab's vectors."""
    tvec = h.Vector()
    tvec.indgen(0, duration, dt)
    nt = len(tvec)
    napprox = 1 + int(duration * rate / 1000)
    napprox = int(napprox + 3 * math.sqrt(napprox))
    rng.negexp(1 / rate)
    iei = h.Vector(napprox)
    iei.setrand(rng)
    ev = h.Vector()
    ev.integral(iei, 1).mul(1000)
    while ev[-1] < duration:
        more = h.Vector(100)
        more.setrand(rng)
        nxt = h.Vector()
        nxt.integral(more, 1).mul(1000).add(ev[-1])
        ev.append(nxt)
    ev.where("<", duration)
    ev.div(dt)
    idx = h.Vector([round(x) for x in ev])
    idx.where("<", nt)
    sign = 1
    if amp_mean < 0:
        amp_mean, sign = -amp_mean, -1
    scale = amp_var / amp_mean
    amps = gamma(rng, amp_mean / scale, scale, len(idx))
    e = h.Vector(nt, 0)
    for k, amp in zip(idx, amps):
        e.x[int(k)] += sign * amp
    a, b = math.exp(-dt / tau_d), math.exp(-dt / tau_r)
    dd, rr = -math.log(a), -math.log(b)
    tp = math.log(rr / dd) / (rr - dd)
    norm = (a / b - 1) / (a ** tp - b ** tp)
    p, bb = h.Vector(nt, 0), h.Vector(nt, 0)
    for k in range(1, nt):
        p.x[k] = a * p[k - 1] + b * bb[k - 1]
        bb.x[k] = b * bb[k - 1] + e[k - 1]
    p.mul(norm)
    tvec.append(duration)
    p.append(0.0)
    return tvec, p


def shot_params(mean, sd, tau_d, tau_r, rskew):
    """Rate, amplitude mean and variance of a shot noise with this mean, sd
    and relative skewness (BlueCelluLab's get_relative_shotnoise_params)."""
    tp = math.log(tau_d / tau_r) / (1 / tau_r - 1 / tau_d)
    fp = math.exp(-tp / tau_d) - math.exp(-tp / tau_r)
    xi = (tau_d - tau_r) / fp
    a = 1 / (tau_d + tau_r)
    b = 1 / ((tau_d + 2 * tau_r) * (2 * tau_d + tau_r))
    smin = (8 / 3) * (b / a ** 2) * (sd / mean)
    skew = (1 + rskew) * smin
    assert smin <= skew <= 2 * smin
    t1 = 2 / (a * xi) * (sd ** 2 / mean)
    t2 = (3 * a) / (4 * b * xi) * (sd * skew)
    amp_mean = 2 * t1 - t2
    amp_var = amp_mean * (t2 - t1)
    return mean / (amp_mean * xi) * 1000, amp_mean, amp_var


def ou_signal(tau, sigma, mean, duration, dt, rng):
    tvec = h.Vector()
    tvec.indgen(0, duration, dt)
    nt = len(tvec)
    s = h.Vector(nt, 0)
    z = h.Vector(nt)
    rng.normal(0.0, 1.0)
    z.setrand(rng)
    if tau < 1e-9:
        s = z.mul(sigma)
    else:
        mu = math.exp(-dt / tau)
        z.mul(sigma * math.sqrt(1 - mu * mu))
        for k in range(1, nt):
            s.x[k] = s[k - 1] * mu + z[k]
    s.add(mean)
    tvec.append(duration)
    s.append(0.0)
    return tvec, s


def tstim_noise(seg, rng, delay, duration, mean, var, dT=0.5):
    """TStim(x, rng).noise(delay, duration, mean, var) with NEURON's state
    when BlueCelluLab makes its stimuli (tstop 5, dt 0.025, t 0)."""
    ic = h.IClamp(seg)
    ic.delay, ic.dur, ic.amp = 0, 1e308, 0
    stim, tvec = h.Vector(), h.Vector()
    stim.play(ic._ref_amp, tvec, 1)
    rng.normal(mean, var)
    tend = delay + duration
    if delay > 0:
        prev, tstep = 0.0, tend - delay - h.dt
        while prev < delay - h.dt:
            nxt = prev + tstep if prev + tstep < delay - h.dt else delay - h.dt
            tvec.indgen(prev, nxt, dT)
            stim.copy(tvec.c())
            stim.setrand(rng)
            prev = nxt + h.dt
    tvec.indgen(delay, tend, dT)
    stim.copy(tvec.c())
    stim.setrand(rng)
    if delay > h.t:
        stim.x[0] = 0
    if tend < h.tstop:
        stim.x[len(stim) - 1] = 0
    tvec.append(0)
    stim.append(0)
    return ic, (stim, tvec)


def inject(seg, inp, tvec, svec):
    if inp["input_type"] == "conductance":
        cl = h.SEClamp(seg)
        cl.dur1 = tvec[-1]
        cl.amp1 = inp.get("reversal", 0.0)
        tvec.insrt(0, 0)
        svec.insrt(0, 0)
        rs = h.Vector([1 / x if 1e-9 < x < 1e9 else 1e9 for x in svec])
        rs.play(cl._ref_rs, tvec, 1)
        return cl, (tvec, rs)
    ic = h.IClamp(seg)
    ic.dur = tvec[-1]
    svec.play(ic._ref_amp, tvec, 1)
    return ic, (tvec, svec)


def rng_for(mod, count, sseed, node, inp):
    r = h.Random()
    fam = FAMILY[mod]
    if fam == 0:
        r.Random123(count + 100, sseed + 500, node + 300)
    else:
        r.Random123(count + 2997, sseed + (19216 if fam == 1 else 291204),
                    inp["random_seed"] if "random_seed" in inp else node + 123)
    return r


def build(node, cell, name, inp, count, sseed):
    seg = cell.soma[0](0.5)
    mod = inp["module"]
    rng = rng_for(mod, count, sseed, node, inp)
    thr, rel_g = base.THRESHOLD[node], 1.0 / RIN[node]
    rel = rel_g if inp["input_type"] == "conductance" else thr
    d, dur, dt = inp["delay"], inp["duration"], inp.get("dt", 0.25)
    if mod == "noise":
        if "mean" in inp:
            mean, var = inp["mean"], inp["variance"]
        else:
            mean, var = inp["mean_percent"] * thr / 100, inp["variance"] * thr / 100
        return tstim_noise(seg, rng, d, dur, mean, var) + (rng,)
    if mod in ("shot_noise", "relative_shot_noise", "absolute_shot_noise"):
        if mod == "shot_noise":
            rate, am, av = inp["rate"], inp["amp_mean"], inp["amp_var"]
        else:
            if mod == "relative_shot_noise":
                mean, sd = inp["mean_percent"] / 100 * rel, inp["sd_percent"] / 100 * rel
            else:
                mean, sd = inp["mean"], inp["sigma"]
            rate, am, av = shot_params(mean, sd, inp["decay_time"], inp["rise_time"], inp.get("relative_skew", 0.5))
        tvec, svec = shot_signal(inp["decay_time"], inp["rise_time"], rate, am, av, dur, dt, rng)
    else:
        if mod == "ornstein_uhlenbeck":
            sigma, mean = inp["sigma"], inp["mean"]
        else:
            sigma, mean = inp["sd_percent"] / 100 * rel, inp["mean_percent"] / 100 * rel
        tvec, svec = ou_signal(inp["tau"], sigma, mean, dur, dt, rng)
    tvec.add(d)
    return inject(seg, inp, tvec, svec) + (rng,)


def run_one(lib, shared, out, tag, sseed):
    """One seed: the circuit for cellulab and NEURON's reference."""
    run = dict(RUN, stimulus_seed=sseed) if sseed else dict(RUN)
    gix = GLOBAL_INDEX[tag]
    if gix is not None:
        run["random_seed"] = gix
    base.write_circuit(os.path.join(out, "circuit"), shared, inputs=INPUTS, run=run,
                       dynamics={"input_resistance": RIN})
    cells = base.build_cells(lib, shared)
    h.Random().Random123_globalindex(gix or 0)  # BlueCelluLab's RNGSettings: run.random_seed (default 0)
    h.tstop, h.dt = 5, 0.025  # NEURON's values while BlueCelluLab makes its stimuli
    count = [0, 0, 0]
    keep, recs = [], []
    for name, inp in INPUTS.items():
        for node in SETS[inp["node_set"]]:
            made = build(node, cells[node], name, inp, count[FAMILY[inp["module"]]], sseed)
            rec = h.Vector()
            rec.record(made[0]._ref_i)
            keep.append(made)
            recs.append((name, node, rec))
        count[FAMILY[inp["module"]]] += 1
    vs = []
    for node, cell in enumerate(cells):
        v = h.Vector()
        v.record(cell.soma[0](0.5)._ref_v)
        nc = h.NetCon(cell.soma[0](0.5)._ref_v, None, sec=cell.soma[0])
        nc.threshold = RUN["spike_threshold"]
        spikes = h.Vector()
        nc.record(spikes)
        vs.append((v, nc, spikes))
    h.celsius = base.COND["celsius"]
    h.cvode_active(0)
    h.secondorder = 0
    h.dt = RUN["dt"]
    h.steps_per_ms = 1.0 / RUN["dt"]
    h.v_init = base.COND["v_init"]
    h.tstop = RUN["tstop"]
    h.stdinit()
    h.continuerun(RUN["tstop"])
    ref = os.path.join(out, "ref")
    os.makedirs(ref, exist_ok=True)
    for node, (v, _, spikes) in enumerate(vs):
        with open(os.path.join(ref, "v_%d.txt" % node), "w") as f:
            f.writelines("%.17g\n" % x for x in v)
        with open(os.path.join(ref, "spikes_%d.txt" % node), "w") as f:
            f.writelines("%.17g\n" % x for x in spikes)
        print("%s node %d: %d samples, %d spikes" % (tag, node, len(v), len(spikes)))
    for name, node, rec in recs:
        with open(os.path.join(ref, "i_%s_%d.txt" % (name, node)), "w") as f:
            f.writelines("%.17g\n" % x for x in rec)


def main():
    lib, shared, out = sys.argv[1:4]
    if len(sys.argv) > 4:  # one seed, in this process
        run_one(lib, shared, os.path.join(out, sys.argv[4]), sys.argv[4], SEEDS[sys.argv[4]])
        return
    for tag in SEEDS:
        subprocess.run([sys.executable, os.path.abspath(__file__), lib, shared, out, tag], check=True)
    # another stimulus seed: other currents and other voltages
    diff = 0.0
    for node in range(3):
        va = [float(x) for x in open(os.path.join(out, "a", "ref", "v_%d.txt" % node))]
        vb = [float(x) for x in open(os.path.join(out, "b", "ref", "v_%d.txt" % node))]
        d = max(abs(x - y) for x, y in zip(va, vb))
        print("node %d: max |v(seed 0) - v(seed 12345)| = %.3g mV" % (node, d))
        diff = min(diff, d) if node else d
    if not diff > 0.1:
        sys.exit("stimulus_seed 12345 leaves a node's voltage within 0.1 mV of seed 0")


if __name__ == "__main__":
    main()
