/* Blue Brain synapses in the network simulation: one ProbAMPANMDA_EMS or
 * ProbGABAAB_EMS per edge of a BBP-flavour edge population, with the
 * parameters, U_SE calcium scaling, delay rounding and Random123 stream ids
 * that BlueCelluLab (Random123 mode, as neurodamus) gives them. The rules
 * were learnt from BlueCelluLab's synapse_types.py, synapse_factory.py and
 * sonata_circuit_access.py. */
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "cellulab_mech.h"
#include "cellulab_morph.h"
#include "sim/network_bbp.h"
#include "sim/configure_stmt.h"
#include "util/util.h"

/* ---- MD5 (RFC 1321), only for the 12-bit population ids ---------------- */

static uint32_t rotl(uint32_t x, unsigned s) { return (x << s) | (x >> (32 - s)); }

static void md5_block(uint32_t h[4], const unsigned char *p) {
    static const unsigned char shift[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};
    uint32_t m[16];
    for (int i = 0; i < 16; i++)
        m[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
               (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g, round = i / 16;
        switch (round) {
        case 0: f = (b & c) | (~b & d); g = i; break;
        case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
        case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
        default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
        }
        /* the constants: floor(|sin(i + 1)| * 2^32) */
        uint32_t k = (uint32_t)(uint64_t)floor(fabs(sin((double)(i + 1))) * 4294967296.0);
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rotl(a + f + k + m[g], shift[round][i % 4]);
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

void cl_bbp_md5(const void *data, size_t n, unsigned char digest[16]) {
    uint32_t h[4] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u};
    const unsigned char *p = data;
    size_t full = n / 64;
    for (size_t i = 0; i < full; i++) md5_block(h, p + 64 * i);
    unsigned char tail[128] = {0};
    size_t rest = n - 64 * full;
    if (rest) memcpy(tail, p + 64 * full, rest);
    tail[rest] = 0x80;
    size_t len = rest + 1 + 8 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < 8; i++) tail[len - 8 + i] = (unsigned char)(bits >> (8 * i));
    md5_block(h, tail);
    if (len == 128) md5_block(h, tail + 64);
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) digest[4 * i + j] = (unsigned char)(h[i] >> (8 * j));
}

uint32_t cl_bbp_population_id(const char *name) {
    unsigned char d[16];
    cl_bbp_md5(name ? name : "", name ? strlen(name) : 0, d);
    return ((uint32_t)(d[1] & 0x0f) << 8) + d[0];
}

double cl_bbp_round_delay(double delay, double dt) {
    /* numpy's astype('i4') truncates toward zero */
    return (double)(int32_t)(delay / dt + 1e-5) * dt;
}

double cl_bbp_u_scale(double k, double ca) {
    if (!(ca > 0) || isnan(k)) return 1.0;
    double k4 = pow(k, 4), y4 = pow(ca, 4); /* Python's ** as BlueCelluLab: pow, not k*k*k*k */
    return (k4 + 16) / 16 * y4 / (k4 + y4);
}

void cl_bbp_synapse_ids(uint64_t post_gid, uint64_t sid, uint32_t src_popid, uint32_t tgt_popid,
                        uint32_t synapse_seed, double ids[3]) {
    ids[0] = (double)post_gid + 1 + 250; /* neurodamus counts gids from 1 */
    ids[1] = (double)sid + 100;
    ids[2] = (double)src_popid * 65536 + tgt_popid + synapse_seed + 300;
}

double cl_bbp_gaba_rise_time(uint64_t post_gid, uint64_t sid, uint32_t src_popid, uint32_t tgt_popid,
                             uint32_t synapse_seed, unsigned globalindex) {
    cl_mech_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.ran123_globalindex = globalindex;
    /* a stream as 5 one-instance columns: id1, id2, id3, seq, which */
    double id1 = (double)post_gid + 250, id2 = (double)sid + 100,
           id3 = (double)src_popid * 65536 + tgt_popid + synapse_seed + 450, seq = 0, which = 0;
    double *st[5] = {&id1, &id2, &id3, &seq, &which};
    /* LogNormal(mean 0.2, variance 0.1) over a normal of these parameters */
    const double mean = 0.2, var = 0.1, m2 = mean * mean;
    const double mu = log(m2 / sqrt(var + m2)), sd = sqrt(log((var + m2) / m2));
    for (;;) { /* the polar method; lognormal() returns x1, repick() the cached x2 */
        double v1 = 2 * cl_ran123_uniform(&ctx, st, 0) - 1;
        double v2 = 2 * cl_ran123_uniform(&ctx, st, 0) - 1;
        double w = v1 * v1 + v2 * v2;
        if (w <= 1) {
            double y = sqrt((-2 * log(w)) / w);
            return pow(2.71828182845904523536, v2 * y * sd + mu); /* libg++ LogNormal: pow(M_E, x), not exp(x) */
        }
    }
}

void cl_bbp_minis_ids(uint64_t node, uint64_t sid, uint32_t src_popid, uint32_t tgt_popid, uint32_t minis_seed,
                      double ids[6]) {
    double s = (double)src_popid * 65536 + tgt_popid + minis_seed;
    ids[0] = ids[3] = (double)sid + 200;
    ids[1] = ids[4] = (double)node + 250;
    ids[2] = s + 300;
    ids[5] = s + 350;
}

/* ---- synapse creation ------------------------------------------------ */

static cl_status attr(const bbp_syn_ctx *c, const char *name, cl_value *v, cl_error *err) {
    memset(v, 0, sizeof *v);
    return c->ops->edge_attribute(c->st, c->epop, name, c->edge, v, err);
}

cl_status bbp_edge_is_bbp(const cl_circuit_ops *ops, void *st, const char *epop, uint64_t edge, int *is_bbp,
                          cl_error *err) {
    cl_value a = {0}, b = {0}, m = {0};
    cl_status s = ops->edge_attribute(st, epop, "syn_type_id", edge, &a, err);
    if (!s) s = ops->edge_attribute(st, epop, "u_syn", edge, &b, err);
    if (!s) s = ops->edge_attribute(st, epop, "model_template", edge, &m, err);
    if (s) return s;
    *is_bbp = (a.kind != CL_VALUE_NONE || b.kind != CL_VALUE_NONE) && m.kind == CL_VALUE_NONE;
    return CL_OK;
}

/* A numeric attribute: required ones must be present and finite; optional
 * ones give NaN when absent. */
static cl_status num(const bbp_syn_ctx *c, const char *where, const char *name, int required, double *out,
                     cl_error *err) {
    cl_value v;
    cl_status s = attr(c, name, &v, err);
    if (s) return s;
    if (v.kind == CL_VALUE_STRING)
        return cl_error_fail(err, CL_EFORMAT, "%s: attribute \"%s\" is a string (\"%s\"), expected a number", where,
                             name, v.str);
    if (v.kind == CL_VALUE_NONE) {
        if (required) return cl_error_fail(err, CL_EFORMAT, "%s: attribute \"%s\" is missing", where, name);
        *out = NAN;
        return CL_OK;
    }
    if (required && !isfinite(v.num))
        return cl_error_fail(err, CL_EFORMAT, "%s: attribute \"%s\" is %g, expected a finite number", where, name,
                             v.num);
    *out = v.num;
    return CL_OK;
}

static cl_status set(const bbp_syn_ctx *c, cl_pp syn, const char *where, const char *var, double v, cl_error *err) {
    if (cl_pp_set(c->sim, syn, var, v))
        return cl_error_fail(err, CL_EINVAL, "%s: setting %s: %s", where, var, cl_sim_errmsg(c->sim));
    return CL_OK;
}

/* Old circuits place a synapse by 3-D point and offset: x = (arc length
 * at point ipt + offset) / L, kept off the ends, 0.5 past the last point
 * (BlueCelluLab's synlocation_to_segx; our sections are all oriented from
 * their 0 end). */
static cl_status segment_x(const bbp_syn_ctx *c, const char *where, cl_section sec, double *x, cl_error *err) {
    double ipt = 0, off = 0, L = 0;
    cl_status s = num(c, where, "afferent_segment_id", 1, &ipt, err);
    if (!s) s = num(c, where, "afferent_segment_offset", 1, &off, err);
    if (s) return s;
    size_t n = 0;
    if (cl_section_n3d(c->sim, sec, &n) || cl_section_get_L(c->sim, sec, &L))
        return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(c->sim));
    if (!(ipt >= 0) || ipt != floor(ipt))
        return cl_error_fail(err, CL_EINVAL, "%s: afferent_segment_id %g: expected a whole number >= 0", where, ipt);
    if (off < 0) off = 0;
    if (ipt >= (double)n) {
        *x = 0.5;
        return CL_OK;
    }
    double arc = 0, px = 0, py = 0, pz = 0;
    for (size_t i = 0; i <= (size_t)ipt; i++) {
        double X, Y, Z, D;
        if (cl_section_pt3d(c->sim, sec, i, &X, &Y, &Z, &D))
            return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(c->sim));
        if (i) arc += sqrt((X - px) * (X - px) + (Y - py) * (Y - py) + (Z - pz) * (Z - pz));
        px = X, py = Y, pz = Z;
    }
    double d = (arc + off) / L;
    if (d == 0.0) d = 0.0000001;
    if (d >= 1.0) d = 0.9999999;
    *x = d;
    return CL_OK;
}

const char *bbp_mech_name(int kind) {
    return kind == BBP_GLU ? "GluSynapse" : kind == BBP_AMPANMDA ? "ProbAMPANMDA_EMS" : "ProbGABAAB_EMS";
}

int bbp_nc_type_index(cl_sim *sim, int kind) {
    char name[64];
    double v;
    snprintf(name, sizeof name, "nc_type_param_%s", bbp_mech_name(kind));
    if (cl_sim_get_global(sim, name, &v) || !(v >= 1 && v < 64)) return kind == BBP_GLU ? 5 : 4;
    return (int)v;
}

/* GluSynapse (all eight plasticity columns): BlueCelluLab's
 * use_glusynapse_helper. Use_d/Use_p take the calcium factor; the state
 * (depressed or potentiated) follows rho0_GB against rho_star_GB. */
static cl_status glu_params(const bbp_syn_ctx *c, const char *where, cl_pp syn, const double pl[8], double ratio,
                            double uscale, double dtc, double dep, double fac, double nrrp, cl_error *err) {
    /* pl: volume_CR, rho0_GB, Use_d_TM, Use_p_TM, gmax_d_AMPA, gmax_p_AMPA, theta_d, theta_p */
    if (isnan(ratio))
        return cl_error_fail(err, CL_EFORMAT, "%s: attribute \"conductance_scale_factor\" is missing (GluSynapse)",
                             where);
    double use_d = pl[2] * uscale, use_p = pl[3] * uscale, star = 0.5;
    if (cl_sim_get_global(c->sim, "rho_star_GB_GluSynapse", &star))
        return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(c->sim));
    int pot = pl[1] > star;
    double gmax0 = pot ? pl[5] : pl[4];
    double ids[3] = {(double)c->post_gid, 100000.0 + (double)c->sid, (double)c->synapse_seed + 200};
    const struct {
        const char *name;
        double v;
    } p[] = {{"Use_d", use_d},          {"Use_p", use_p},       {"theta_d_GB", pl[6]},      {"theta_p_GB", pl[7]},
             {"rho0_GB", pl[1]},        {"volume_CR", pl[0]},   {"gmax_d_AMPA", pl[4]},     {"gmax_p_AMPA", pl[5]},
             {"gmax0_AMPA", gmax0},     {"Use", pot ? use_p : use_d},                      {"gmax_NMDA", gmax0 * ratio},
             {"tau_d_AMPA", dtc},       {"Dep", fabs(dep)},     {"Fac", fabs(fac)},         {"rng_id1", ids[0]},
             {"rng_id2", ids[1]},       {"rng_id3", ids[2]},    {"synapseID", (double)c->sid}};
    cl_status s = CL_OK;
    for (size_t i = 0; i < sizeof p / sizeof *p && !s; i++) {
        s = set(c, syn, where, p[i].name, p[i].v, err);
        if (!s && i == 13 && !isnan(nrrp) && nrrp >= 0) s = set(c, syn, where, "Nrrp", nrrp, err);
    }
    return s;
}

cl_status bbp_make_synapse(const bbp_syn_ctx *c, cl_pp *syn, double *weight, double *delay, int *kind_out,
                           cl_error *err) {
    char where[300];
    snprintf(where, sizeof where, "edge population \"%s\" edge %llu", c->epop, (unsigned long long)c->edge);
    double type = 0, g = 0, u = 0, dep = 0, fac = 0, dtc = 0, d = 0, sec = 0, pos = NAN, nrrp = NAN, hill = NAN,
           ratio = NAN;
    cl_status s = num(c, where, "syn_type_id", 1, &type, err);
    if (!s) s = num(c, where, "conductance", 1, &g, err);
    if (!s) s = num(c, where, "u_syn", 1, &u, err);
    if (!s) s = num(c, where, "depression_time", 1, &dep, err);
    if (!s) s = num(c, where, "facilitation_time", 1, &fac, err);
    if (!s) s = num(c, where, "decay_time", 1, &dtc, err);
    if (!s) s = num(c, where, "delay", 1, &d, err);
    if (!s) s = num(c, where, "afferent_section_id", 1, &sec, err);
    if (!s) s = num(c, where, "afferent_section_pos", 0, &pos, err);
    if (!s) s = num(c, where, "n_rrp_vesicles", 0, &nrrp, err);
    if (!s) s = num(c, where, "u_hill_coefficient", 0, &hill, err);
    if (!s) s = num(c, where, "conductance_scale_factor", 0, &ratio, err);
    if (s) return s;
    static const char *const plastic[8] = {"volume_CR",   "rho0_GB",     "Use_d_TM", "Use_p_TM",
                                           "gmax_d_AMPA", "gmax_p_AMPA", "theta_d",  "theta_p"};
    double pl[8];
    int n_pl = 0;
    for (int i = 0; i < 8 && !s; i++) {
        s = num(c, where, plastic[i], 0, &pl[i], err);
        n_pl += !isnan(pl[i]);
    }
    if (s) return s;
    if (!(sec >= 0) || sec != floor(sec) || sec >= (double)c->n_secs)
        return cl_error_fail(err, CL_EINVAL,
                             "%s: afferent_section_id %g out of range: the target cell has %zu sections (BBP numbering: "
                             "soma, axon, basal, apical)",
                             where, sec, c->n_secs);
    if (!c->secs[(size_t)sec].id)
        return cl_error_fail(err, CL_EINVAL, "%s: afferent_section_id %g: the cell no longer has that section (its "
                             "e-model removed it, e.g. when replacing the axon)", where, sec);
    if (isnan(pos) && (s = segment_x(c, where, c->secs[(size_t)sec], &pos, err))) return s;
    if (!(pos >= 0 && pos <= 1))
        return cl_error_fail(err, CL_EINVAL, "%s: afferent_section_pos %g outside [0, 1]", where, pos);
    if (!isnan(nrrp) && (nrrp != floor(nrrp) || nrrp < 1))
        return cl_error_fail(err, CL_EINVAL, "%s: n_rrp_vesicles %g: expected a whole number >= 1", where, nrrp);
    if (!(d >= 0)) return cl_error_fail(err, CL_EINVAL, "%s: delay %g is negative", where, d);
    /* BlueCelluLab keeps synapses off the section ends */
    if (pos == 0.0) pos = 0.0000001;
    else if (pos >= 1.0) pos = 0.9999999;
    int exc = type >= 100;
    if (exc && n_pl != 0 && n_pl != 8)
        return cl_error_fail(err, CL_EFORMAT,
                             "%s: %d of the 8 GluSynapse columns (volume_CR, rho0_GB, Use_d_TM, Use_p_TM, gmax_d_AMPA, "
                             "gmax_p_AMPA, theta_d, theta_p) are given: cannot tell the synapse type",
                             where, n_pl);
    int kind = !exc ? BBP_GABAAB : n_pl == 8 ? BBP_GLU : BBP_AMPANMDA;
    const char *mech = bbp_mech_name(kind);
    if (cl_pp_new(c->sim, mech, c->secs[(size_t)sec], pos, syn))
        return cl_error_fail(err, CL_EINVAL, "%s: %s: %s", where, mech, cl_sim_errmsg(c->sim));
    *weight = g;
    *delay = cl_bbp_round_delay(d, c->dt);
    *kind_out = kind;
    if (kind == BBP_GLU) return glu_params(c, where, *syn, pl, ratio, cl_bbp_u_scale(hill, c->ca), dtc, dep, fac, nrrp, err);
    double use = fabs(u * cl_bbp_u_scale(hill, c->ca));
    double ids[3];
    cl_bbp_synapse_ids(c->post_gid, c->sid, c->src_popid, c->tgt_popid, c->synapse_seed, ids);
    /* in BlueCelluLab's order: ratio, decay, Use, Dep, Fac, Nrrp, stream */
    if (!exc && c->gaba_rise)
        s = set(c, *syn, where, "tau_r_GABAA",
                cl_bbp_gaba_rise_time(c->post_gid, c->sid, c->src_popid, c->tgt_popid, c->synapse_seed, c->globalindex),
                err);
    if (!s && !isnan(ratio)) s = set(c, *syn, where, exc ? "NMDA_ratio" : "GABAB_ratio", ratio, err);
    if (!s) s = set(c, *syn, where, exc ? "tau_d_AMPA" : "tau_d_GABAA", dtc, err);
    if (!s) s = set(c, *syn, where, "Use", use, err);
    if (!s) s = set(c, *syn, where, "Dep", fabs(dep), err);
    if (!s) s = set(c, *syn, where, "Fac", fabs(fac), err);
    if (!s && !isnan(nrrp)) s = set(c, *syn, where, "Nrrp", nrrp, err);
    if (!s) s = set(c, *syn, where, "rng_id1", ids[0], err);
    if (!s) s = set(c, *syn, where, "rng_id2", ids[1], err);
    if (!s) s = set(c, *syn, where, "rng_id3", ids[2], err);
    if (!s) s = set(c, *syn, where, "synapseID", (double)c->sid, err);
    return s;
}

cl_status bbp_add_minis(const bbp_syn_ctx *c, uint64_t node, uint32_t minis_seed, cl_pp syn, double rate, double w,
                        cl_error *err) {
    char where[300];
    snprintf(where, sizeof where, "edge population \"%s\" edge %llu: minis", c->epop, (unsigned long long)c->edge);
    static const char *const names[6] = {"exp_rng_id1",     "exp_rng_id2",     "exp_rng_id3",
                                         "uniform_rng_id1", "uniform_rng_id2", "uniform_rng_id3"};
    double ids[6];
    cl_bbp_minis_ids(node, c->sid, c->src_popid, c->tgt_popid, minis_seed, ids);
    cl_pp ips;
    if (cl_artcell_new(c->sim, "InhPoissonStim", &ips))
        return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(c->sim));
    cl_status s = CL_OK;
    for (int i = 0; i < 6 && !s; i++) s = set(c, ips, where, names[i], ids[i], err);
    if (s) return s;
    const double t0 = 0;
    cl_netcon nc;
    /* one time bin from 0 at the constant rate (setTbins, setRate) */
    if (cl_pp_play(c->sim, ips, &t0, &rate, 1) || cl_netcon_from_pp(c->sim, ips, syn, &nc) ||
        cl_netcon_set_delay(c->sim, nc, 0.1) || cl_netcon_set_weight(c->sim, nc, 0, w) ||
        cl_netcon_set_weight(c->sim, nc, bbp_nc_type_index(c->sim, c->kind), BBP_NC_MINI))
        return cl_error_fail(err, CL_EINVAL, "%s: %s", where, cl_sim_errmsg(c->sim));
    return CL_OK;
}

cl_status bbp_synapse_configure(const bbp_syn_ctx *c, cl_pp syn, int kind, const char *text, const char *ov_name,
                                cl_error *err) {
    const char *mech = bbp_mech_name(kind);
    char where[300];
    snprintf(where, sizeof where, "connection_overrides \"%s\": synapse_configure (edge population \"%s\" edge %llu)",
             ov_name ? ov_name : "", c->epop, (unsigned long long)c->edge);
    const char *p = text;
    for (;;) {
        char var[64], op;
        double v;
        int r = cl_configure_next(&p, "%s.", var, sizeof var, &op, &v);
        if (r == 0) return CL_OK;
        if (r < 0) goto unsupported;
        /* a parameter of the synapse, else its mechanism's GLOBAL VAR_MECH
         * (hoc reaches globals through an instance too) */
        char gname[160];
        snprintf(gname, sizeof gname, "%s_%s", var, mech);
        double old;
        int global = cl_pp_get(c->sim, syn, var, &old) != CL_OK;
        if (global && cl_sim_get_global(c->sim, gname, &old))
            return cl_error_fail(err, CL_EINVAL, "%s: %s has no variable \"%s\"", where, mech, var);
        double nv = cl_configure_apply(op, old, v);
        cl_status s = global ? cl_sim_set_global(c->sim, gname, nv) : cl_pp_set(c->sim, syn, var, nv);
        if (s) return cl_error_fail(err, s, "%s: %s: %s", where, var, cl_sim_errmsg(c->sim));
        continue;
    unsupported:
        return cl_error_fail(err, CL_EINVAL,
                             "%s: \"%.60s\": only statements \"%%s.VAR = NUMBER\" (or *=, /=, +=, -=) are supported",
                             where, p);
    }
}
