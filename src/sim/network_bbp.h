/* Blue Brain synapses of the network simulation (network_bbp_synapses.c):
 * what network.c calls for an edge of the BBP flavour. */
#ifndef CELLULAB_NETWORK_BBP_H
#define CELLULAB_NETWORK_BBP_H

#include "cellulab_circuit.h"
#include "cellulab_network.h"

/* What one synapse needs to know besides the edge's attributes. */
typedef struct bbp_syn_ctx {
    cl_sim *sim;
    const cl_circuit_ops *ops;
    void *st;
    const char *epop;
    uint64_t edge;
    uint64_t sid;            /* index among the target's afferent edges of epop */
    const cl_section *secs;  /* the target's sections, BBP numbering */
    size_t n_secs;
    uint64_t post_gid;       /* BlueCelluLab's global id of the target, from 0 */
    uint32_t src_popid, tgt_popid, synapse_seed;
    double dt, ca;           /* ca: extracellular calcium (mM), 0: none */
    int gaba_rise;           /* 1: randomise tau_r_GABAA (BlueCelluLab's default) */
    unsigned globalindex;    /* Random123's global index */
    int kind;                /* set by bbp_make_synapse, for bbp_add_minis */
} bbp_syn_ctx;

/* *is_bbp = 1 when the edge is a Blue Brain one: it has syn_type_id or
 * u_syn and no model_template. */
cl_status bbp_edge_is_bbp(const cl_circuit_ops *ops, void *st, const char *epop, uint64_t edge, int *is_bbp,
                          cl_error *err);

/* Make the edge's ProbAMPANMDA_EMS (syn_type_id >= 100) or ProbGABAAB_EMS
 * at its afferent location with its parameters and stream ids, and give
 * its NetCon weight (conductance) and delay (on the dt grid). */
cl_status bbp_make_synapse(const bbp_syn_ctx *c, cl_pp *syn, double *weight, double *delay, int *kind,
                           cl_error *err);

/* The synapse kinds: GABAAB (syn_type_id < 100), AMPANMDA, GluSynapse
 * (excitatory with the 8 plasticity columns); their MOD names; the weight
 * index of NET_RECEIVE's nc_type (the mechanism's nc_type_param). */
enum { BBP_GABAAB = 0, BBP_AMPANMDA = 1, BBP_GLU = 2 };
const char *bbp_mech_name(int kind);
int bbp_nc_type_index(cl_sim *sim, int kind);

/* A connection override's synapse_configure on one synapse: statements
 * "%s.VAR = NUMBER" (also *=, /=, +=, -=) separated by blanks, newlines or
 * ';', VAR a parameter of the synapse or a GLOBAL of its mechanism; any
 * other hoc is refused with a message naming the override. */
cl_status bbp_synapse_configure(const bbp_syn_ctx *c, cl_pp syn, int kind, const char *text, const char *ov_name,
                                cl_error *err);

/* The spontaneous minis of a synapse: an InhPoissonStim at rate Hz from
 * t = 0, seeded by cl_bbp_minis_ids (node: the target's node id), into syn
 * through a NetCon of delay 0.1 ms, weight w and nc_type 1. */
cl_status bbp_add_minis(const bbp_syn_ctx *c, uint64_t node, uint32_t minis_seed, cl_pp syn, double rate, double w,
                        cl_error *err);

/* nc_type values: presynaptic cell, spontaneous mini, replay. */
enum { BBP_NC_PRESYN = 0, BBP_NC_MINI = 1, BBP_NC_REPLAY = 2 };

#endif
