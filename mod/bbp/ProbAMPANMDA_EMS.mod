COMMENT
cellulab's maintained ProbAMPANMDA_EMS: the Blue Brain Project's
probabilistic AMPA + NMDA synapse (ProbAMPANMDA_EMS.mod, Apache-2.0; King,
Muller, Reimann, Ramaswamy 2011) with the same dynamics and the same random
draws, written with NEURON 9's RANDOM construct instead of VERBATIM.

Model: dual-exponential AMPA and NMDA conductances (NMDA with the Jahr &
Stevens Mg block); release follows Tsodyks-Markram facilitation (u, Use,
Fac) with Nrrp release sites, each site a two-state Markov process
(occupied / unoccupied, recovery with time constant Dep), drawn with
uniform numbers from one Random123 stream per synapse.

Differences from the original:
- the stream is `RANDOM rng` (nrnran123 layout, cellulab_mech.h). The
  original's setRNG(seed1, seed2, seed3) creates it with those ids; here the
  ids are the variables rng_id1, rng_id2, rng_id3 (or setRNG from NMODL).
  The original without setRNG draws 0 (every release fails); here it draws
  from the stream with the default ids.
- no delayed-weight vectors (setup_delay_vecs, NET_RECEIVE flag 1), no
  bbsavestate or CoreNEURON serialisation, no verbose printing.
ENDCOMMENT

TITLE Probabilistic AMPA and NMDA synapse with stochastic Tsodyks-Markram release (cellulab, RANDOM)

NEURON {
    THREADSAFE
    POINT_PROCESS ProbAMPANMDA_EMS
    RANDOM rng
    GLOBAL tau_r_AMPA, tau_r_NMDA, tau_d_NMDA
    RANGE tau_d_AMPA
    RANGE Use, u, Dep, Fac, u0, mg, tsyn
    RANGE unoccupied, occupied, Nrrp
    RANGE i_AMPA, i_NMDA, g_AMPA, g_NMDA, g, NMDA_ratio
    RANGE A_AMPA_step, B_AMPA_step, A_NMDA_step, B_NMDA_step
    GLOBAL slope_mg, scale_mg, e
    NONSPECIFIC_CURRENT i
    RANGE synapseID, selected_for_report, verboseLevel, conductance
    RANGE next_delay
    GLOBAL nc_type_param
    GLOBAL minis_single_vesicle
    GLOBAL init_depleted
}

PARAMETER {
    tau_r_AMPA = 0.2    (ms)  : rise, AMPA
    tau_d_AMPA = 1.7    (ms)  : decay, AMPA (tau_r < tau_d)
    tau_r_NMDA = 0.29   (ms)  : rise, NMDA
    tau_d_NMDA = 43     (ms)  : decay, NMDA
    Use = 1.0           (1)   : utilisation of synaptic efficacy
    Dep = 100           (ms)  : recovery from depression
    Fac = 10            (ms)  : facilitation time constant
    e   = 0             (mV)  : reversal potential
    mg  = 1             (mM)  : extracellular Mg2+
    slope_mg = 0.062    (/mV) : Mg block (Jahr & Stevens 1990)
    scale_mg = 3.57     (mM)
    gmax = .001         (uS)  : weight (nS) to conductance (uS)
    u0   = 0                  : initial release probability
    Nrrp = 1            (1)   : release sites of this contact
    synapseID = 0
    verboseLevel = 0
    selected_for_report = 0
    NMDA_ratio = 0.71   (1)   : NMDA to AMPA ratio
    conductance = 0.0
    nc_type_param = 4
    minis_single_vesicle = 0  : 1: a spontaneous mini releases one vesicle at most
    init_depleted = 0         : 1: start with every site unoccupied
}

ASSIGNED {
    v (mV)
    i (nA)
    i_AMPA (nA)
    i_NMDA (nA)
    g_AMPA (uS)
    g_NMDA (uS)
    g (uS)
    factor_AMPA
    factor_NMDA
    A_AMPA_step
    B_AMPA_step
    A_NMDA_step
    B_NMDA_step
    mggate
    unoccupied (1)   : sites without a vesicle
    occupied   (1)   : sites with a vesicle
    tsyn (ms)        : time of the last presynaptic event
    u (1)            : running release probability
    next_delay (ms)
}

STATE {
    A_AMPA
    B_AMPA
    A_NMDA
    B_NMDA
}

INITIAL {
    LOCAL tp_AMPA, tp_NMDA
    tsyn = 0
    u=u0
    if ( init_depleted ) {
        unoccupied = Nrrp
        occupied = 0
    } else {
        unoccupied = 0
        occupied = Nrrp
    }
    A_AMPA = 0
    B_AMPA = 0
    A_NMDA = 0
    B_NMDA = 0
    : time of the conductance peak, and the factor that makes the peak the weight
    tp_AMPA = (tau_r_AMPA*tau_d_AMPA)/(tau_d_AMPA-tau_r_AMPA)*log(tau_d_AMPA/tau_r_AMPA)
    tp_NMDA = (tau_r_NMDA*tau_d_NMDA)/(tau_d_NMDA-tau_r_NMDA)*log(tau_d_NMDA/tau_r_NMDA)
    factor_AMPA = -exp(-tp_AMPA/tau_r_AMPA)+exp(-tp_AMPA/tau_d_AMPA)
    factor_AMPA = 1/factor_AMPA
    factor_NMDA = -exp(-tp_NMDA/tau_r_NMDA)+exp(-tp_NMDA/tau_d_NMDA)
    factor_NMDA = 1/factor_NMDA
    : exact one-step decay factors
    A_AMPA_step = exp(dt*(( - 1.0 ) / tau_r_AMPA))
    B_AMPA_step = exp(dt*(( - 1.0 ) / tau_d_AMPA))
    A_NMDA_step = exp(dt*(( - 1.0 ) / tau_r_NMDA))
    B_NMDA_step = exp(dt*(( - 1.0 ) / tau_d_NMDA))
    random_setseq(rng, 0)
    next_delay = -1
}

BREAKPOINT {
    SOLVE state
    mggate = 1 / (1 + exp(slope_mg * -(v)) * (mg / scale_mg))
    g_AMPA = gmax*(B_AMPA-A_AMPA)
    g_NMDA = gmax*(B_NMDA-A_NMDA) * mggate
    g = g_AMPA + g_NMDA
    i_AMPA = g_AMPA*(v-e)
    i_NMDA = g_NMDA*(v-e)
    i = i_AMPA + i_NMDA
}

PROCEDURE state() {
    A_AMPA = A_AMPA*A_AMPA_step
    B_AMPA = B_AMPA*B_AMPA_step
    A_NMDA = A_NMDA*A_NMDA_step
    B_NMDA = B_NMDA*B_NMDA_step
}

NET_RECEIVE (weight, weight_AMPA, weight_NMDA, Psurv, nc_type) {
    : nc_type 0 presynaptic, 1 spontaneous mini, 2 replay
    LOCAL result, ves, occu
    weight_AMPA = weight
    weight_NMDA = weight * NMDA_ratio
    INITIAL {
        : present so that the connection's weights (nc_type ...) survive
        : initialisation, as in the original (whose block sets up delays)
    }
    : an inactive connection (weight <= 0) or an event before t = 0 draws nothing
    if ( flag == 0 && !( weight <= 0 || t < 0 ) ) {
        : facilitation
        if (Fac > 0) {
            u = u * exp(-(t - tsyn)/Fac)
        } else {
            u = Use
        }
        if(Fac > 0){
            u = u + Use*(1-u)
        }
        : each unoccupied site recovers with probability 1 - exp(-(t - tsyn)/Dep)
        FROM counter = 0 TO (unoccupied - 1) {
            Psurv = exp(-(t-tsyn)/Dep)
            result = urand()
            if (result>Psurv) {
                occupied = occupied + 1
            }
        }
        : each occupied site releases with probability u
        ves = 0
        occu = occupied
        if (occu > 1 && minis_single_vesicle && nc_type == 1) {
            occu = 1
        }
        FROM counter = 0 TO (occu - 1) {
            result = urand()
            if (result < u) {
                occupied = occupied - 1
                ves = ves + 1
            }
        }
        unoccupied = Nrrp - occupied
        tsyn = t
        if (ves > 0) {
            A_AMPA = A_AMPA + ves/Nrrp*weight_AMPA*factor_AMPA
            B_AMPA = B_AMPA + ves/Nrrp*weight_AMPA*factor_AMPA
            A_NMDA = A_NMDA + ves/Nrrp*weight_NMDA*factor_NMDA
            B_NMDA = B_NMDA + ves/Nrrp*weight_NMDA*factor_NMDA
        }
    }
}

: the stream's ids, as the original's setRNG(seed1, seed2, seed3); the
: sequence restarts (INITIAL restarts it too)
PROCEDURE setRNG(a1, a2, a3) {
    random_setids(rng, a1, a2, a3)
    random_setseq(rng, 0)
}

FUNCTION urand() {
    urand = random_uniform(rng)
}

FUNCTION toggleVerbose() {
    verboseLevel = 1 - verboseLevel
}
