"""Blue Brain synapses built in NEURON 8.2 the way BlueCelluLab's Random123
mode builds them (written here from reading BlueCelluLab's
synapse_types.py, cell/core.py and circuit_simulation.py), shared by the
oracles check_bbp_network.py and check_bbp_container.py."""
import hashlib


def popid(name):
    """The 12-bit MD5 population id that seeds the synapse streams."""
    d = hashlib.md5(name.encode()).digest()
    return ((d[1] & 0x0F) << 8) + d[0]


def u_scale(k, ca):
    """The extracellular calcium scaling of U_SE (Hill coefficient k)."""
    k4, y4 = k ** 4, ca ** 4
    return (k4 + 16) / 16 * y4 / (k4 + y4)


def gid_offsets(max_node):
    """BlueCelluLab's global id offsets: populations in name order, each
    starting at the end of the one before rounded up to a multiple of 1000;
    max_node maps a population to its largest loaded node id (virtual
    populations: their size - 1)."""
    off, prev = {}, None
    for p in sorted(max_node):
        off[p] = 0 if prev is None else (off[prev] + max_node[prev] + 1 + 999) // 1000 * 1000
        prev = p
    return off


def clamp_x(pos):
    """afferent_section_pos as BlueCelluLab places it."""
    if pos == 0.0:
        return 0.0000001
    if pos >= 1.0:
        return 0.9999999
    return pos


def prob_synapse(h, sec, x, e, post_gid, sid, src_pid, tgt_pid, seed, ca):
    """ProbAMPANMDA_EMS (syn_type_id >= 100) or ProbGABAAB_EMS at sec(x)
    with the edge's parameters e (a dict of Python floats), its stream
    seeded from (post_gid, sid, populations, synapse seed) and, for GABA,
    its rise time drawn. Returns (synapse, mechanism name)."""
    exc = e["syn_type_id"] >= 100
    mech = "ProbAMPANMDA_EMS" if exc else "ProbGABAAB_EMS"
    syn = getattr(h, mech)(x, sec=sec)
    if exc:
        syn.NMDA_ratio = e["conductance_scale_factor"]
        syn.tau_d_AMPA = e["decay_time"]
    else:
        rng = h.Random()
        rng.Random123(post_gid + 250, sid + 100, src_pid * 65536 + tgt_pid + seed + 450)
        rng.lognormal(0.2, 0.1)
        syn.tau_r_GABAA = rng.repick()
        syn.GABAB_ratio = e["conductance_scale_factor"]
        syn.tau_d_GABAA = e["decay_time"]
    us = u_scale(e["u_hill_coefficient"], ca) if ca is not None else 1.0
    syn.Use = abs(e["u_syn"] * us)
    syn.Dep = abs(e["depression_time"])
    syn.Fac = abs(e["facilitation_time"])
    syn.Nrrp = e["n_rrp_vesicles"]
    syn.setRNG(post_gid + 1 + 250, sid + 100, src_pid * 65536 + tgt_pid + seed + 300)
    syn.synapseID = sid
    return syn, mech


def minis(h, sec, x, syn, mech, weight, node, sid, src_pid, tgt_pid, minis_seed, rate):
    """A spontaneous-mini InhPoissonStim into syn (rate in Hz from time 0),
    as BlueCelluLab's add_replay_minis; returns the objects to keep."""
    ips = h.InhPoissonStim(x, sec=sec)
    nc = h.NetCon(ips, syn, sec=sec)
    nc.delay = 0.1
    nc.weight[0] = weight
    nc.weight[int(getattr(h, "nc_type_param_" + mech))] = 1
    s2 = src_pid * 65536 + tgt_pid + minis_seed
    ips.setRNGs(sid + 200, node + 250, s2 + 300, sid + 200, node + 250, s2 + 350)
    tb, rv = h.Vector([0.0]), h.Vector([rate])
    ips.setTbins(tb)
    ips.setRate(rv)
    return [ips, nc, tb, rv]


def delay_rounded(d, dt):
    """The NetCon delay as neurodamus rounds it to the step."""
    return int(d / dt + 1e-5) * dt
