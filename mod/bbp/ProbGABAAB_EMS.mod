COMMENT
cellulab's maintained ProbGABAAB_EMS: the Blue Brain Project's
probabilistic GABAA + GABAB synapse (ProbGABAAB_EMS.mod, Apache-2.0) with the
same dynamics and the same random draws, written with NEURON 9's RANDOM
construct instead of VERBATIM. Release and recovery as ProbAMPANMDA_EMS
(see mod/bbp/ProbAMPANMDA_EMS.mod, and the same differences from the
original: RANDOM rng with ids rng_id1..3, no delayed-weight vectors, no
bbsavestate, no verbose printing).
ENDCOMMENT

TITLE Probabilistic GABAA and GABAB synapse with stochastic Tsodyks-Markram release (cellulab, RANDOM)

NEURON {
    THREADSAFE
    POINT_PROCESS ProbGABAAB_EMS
    RANDOM rng
    RANGE tau_r_GABAA, tau_d_GABAA
    GLOBAL tau_r_GABAB, tau_d_GABAB
    RANGE Use, u, Dep, Fac, u0, tsyn
    RANGE unoccupied, occupied, Nrrp
    RANGE i, i_GABAA, i_GABAB, g_GABAA, g_GABAB, g, e_GABAA, e_GABAB, GABAB_ratio
    RANGE A_GABAA_step, B_GABAA_step, A_GABAB_step, B_GABAB_step
    NONSPECIFIC_CURRENT i
    RANGE synapseID, selected_for_report, verboseLevel, conductance
    RANGE next_delay
    GLOBAL nc_type_param
    GLOBAL minis_single_vesicle
    GLOBAL init_depleted
}

PARAMETER {
    tau_r_GABAA = 0.2   (ms)  : rise, GABAA
    tau_d_GABAA = 8     (ms)  : decay, GABAA (tau_r < tau_d)
    tau_r_GABAB = 3.5   (ms)  : rise, GABAB
    tau_d_GABAB = 260.9 (ms)  : decay, GABAB
    Use = 1.0           (1)   : utilisation of synaptic efficacy
    Dep = 100           (ms)  : recovery from depression
    Fac = 10            (ms)  : facilitation time constant
    e_GABAA = -80       (mV)  : GABAA reversal potential
    e_GABAB = -97       (mV)  : GABAB reversal potential
    gmax = .001         (uS)  : weight (nS) to conductance (uS)
    u0   = 0                  : initial release probability
    Nrrp = 1            (1)   : release sites of this contact
    synapseID = 0
    verboseLevel = 0
    selected_for_report = 0
    GABAB_ratio = 0     (1)   : GABAB to GABAA ratio
    conductance = 0.0
    nc_type_param = 4
    minis_single_vesicle = 0  : 1: a spontaneous mini releases one vesicle at most
    init_depleted = 0         : 1: start with every site unoccupied
}

ASSIGNED {
    v (mV)
    i (nA)
    i_GABAA (nA)
    i_GABAB (nA)
    g_GABAA (uS)
    g_GABAB (uS)
    g (uS)
    factor_GABAA
    factor_GABAB
    A_GABAA_step
    B_GABAA_step
    A_GABAB_step
    B_GABAB_step
    unoccupied (1)   : sites without a vesicle
    occupied   (1)   : sites with a vesicle
    tsyn (ms)        : time of the last presynaptic event
    u (1)            : running release probability
    next_delay (ms)
}

STATE {
    A_GABAA
    B_GABAA
    A_GABAB
    B_GABAB
}

INITIAL {
    LOCAL tp_GABAA, tp_GABAB
    tsyn = 0
    u=u0
    if ( init_depleted ) {
        unoccupied = Nrrp
        occupied = 0
    } else {
        unoccupied = 0
        occupied = Nrrp
    }
    A_GABAA = 0
    B_GABAA = 0
    A_GABAB = 0
    B_GABAB = 0
    : time of the conductance peak, and the factor that makes the peak the weight
    tp_GABAA = (tau_r_GABAA*tau_d_GABAA)/(tau_d_GABAA-tau_r_GABAA)*log(tau_d_GABAA/tau_r_GABAA)
    tp_GABAB = (tau_r_GABAB*tau_d_GABAB)/(tau_d_GABAB-tau_r_GABAB)*log(tau_d_GABAB/tau_r_GABAB)
    factor_GABAA = -exp(-tp_GABAA/tau_r_GABAA)+exp(-tp_GABAA/tau_d_GABAA)
    factor_GABAA = 1/factor_GABAA
    factor_GABAB = -exp(-tp_GABAB/tau_r_GABAB)+exp(-tp_GABAB/tau_d_GABAB)
    factor_GABAB = 1/factor_GABAB
    : exact one-step decay factors
    A_GABAA_step = exp(dt*(( - 1.0 ) / tau_r_GABAA))
    B_GABAA_step = exp(dt*(( - 1.0 ) / tau_d_GABAA))
    A_GABAB_step = exp(dt*(( - 1.0 ) / tau_r_GABAB))
    B_GABAB_step = exp(dt*(( - 1.0 ) / tau_d_GABAB))
    random_setseq(rng, 0)
    next_delay = -1
}

BREAKPOINT {
    SOLVE state
    g_GABAA = gmax*(B_GABAA-A_GABAA)
    g_GABAB = gmax*(B_GABAB-A_GABAB)
    g = g_GABAA + g_GABAB
    i_GABAA = g_GABAA*(v-e_GABAA)
    i_GABAB = g_GABAB*(v-e_GABAB)
    i = i_GABAA + i_GABAB
}

PROCEDURE state() {
    A_GABAA = A_GABAA*A_GABAA_step
    B_GABAA = B_GABAA*B_GABAA_step
    A_GABAB = A_GABAB*A_GABAB_step
    B_GABAB = B_GABAB*B_GABAB_step
}

NET_RECEIVE (weight, weight_GABAA, weight_GABAB, Psurv, nc_type) {
    : nc_type 0 presynaptic, 1 spontaneous mini, 2 replay
    LOCAL result, ves, occu
    weight_GABAA = weight
    weight_GABAB = weight * GABAB_ratio
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
            A_GABAA = A_GABAA + ves/Nrrp*weight_GABAA*factor_GABAA
            B_GABAA = B_GABAA + ves/Nrrp*weight_GABAA*factor_GABAA
            A_GABAB = A_GABAB + ves/Nrrp*weight_GABAB*factor_GABAB
            B_GABAB = B_GABAB + ves/Nrrp*weight_GABAB*factor_GABAB
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
