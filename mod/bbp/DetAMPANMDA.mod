COMMENT
cellulab's maintained DetAMPANMDA: the Blue Brain Project's deterministic
AMPA + NMDA synapse (DetAMPANMDA.mod, Apache-2.0) with the same dynamics:
dual-exponential conductances (NMDA with the Jahr & Stevens Mg block), each
event scaled by the Tsodyks-Markram release probability Pr = u*R
(Fuhrmann et al. 2002), kept per connection in the NET_RECEIVE arguments.
The original needs VERBATIM only for delayed-weight vectors
(setup_delay_vecs, NET_RECEIVE flag 1) and CoreNEURON serialisation; this
version has neither. It draws no random numbers.
ENDCOMMENT

TITLE Deterministic AMPA and NMDA synapse with Tsodyks-Markram depression and facilitation (cellulab)

NEURON {
    THREADSAFE

    POINT_PROCESS DetAMPANMDA
    RANGE tau_r_AMPA, tau_d_AMPA, tau_r_NMDA, tau_d_NMDA
    RANGE Use, u, Dep, Fac, u0, mg, NMDA_ratio
    RANGE i, i_AMPA, i_NMDA, g_AMPA, g_NMDA, g, e
    NONSPECIFIC_CURRENT i
    RANGE synapseID, verboseLevel
    RANGE conductance
    RANGE next_delay
    GLOBAL nc_type_param

}

PARAMETER {
    tau_r_AMPA = 0.2   (ms)
    tau_d_AMPA = 1.7   (ms)
    tau_r_NMDA = 0.29  (ms)
    tau_d_NMDA = 43    (ms)
    Use = 1.0          (1)
    Dep = 100          (ms)
    Fac = 10           (ms)
    e = 0              (mV)
    mg = 1             (mM)
    gmax = .001        (uS)
    u0 = 0
    NMDA_ratio = 0.71  (1)
    synapseID = 0
    verboseLevel = 0
    conductance = 0.0
    nc_type_param = 7

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
    mggate

    next_delay (ms)
}

STATE {
    A_AMPA
    B_AMPA
    A_NMDA
    B_NMDA
}

INITIAL{
    LOCAL tp_AMPA, tp_NMDA

    A_AMPA = 0
    B_AMPA = 0

    A_NMDA = 0
    B_NMDA = 0

    tp_AMPA = (tau_r_AMPA*tau_d_AMPA)/(tau_d_AMPA-tau_r_AMPA)*log(tau_d_AMPA/tau_r_AMPA)
    tp_NMDA = (tau_r_NMDA*tau_d_NMDA)/(tau_d_NMDA-tau_r_NMDA)*log(tau_d_NMDA/tau_r_NMDA)

    factor_AMPA = -exp(-tp_AMPA/tau_r_AMPA)+exp(-tp_AMPA/tau_d_AMPA)
    factor_AMPA = 1/factor_AMPA

    factor_NMDA = -exp(-tp_NMDA/tau_r_NMDA)+exp(-tp_NMDA/tau_d_NMDA)
    factor_NMDA = 1/factor_NMDA

    next_delay = -1
}

BREAKPOINT {
    SOLVE state METHOD cnexp
    mggate = 1 / (1 + exp(0.062 (/mV) * -(v)) * (mg / 3.57 (mM)))
    g_AMPA = gmax*(B_AMPA-A_AMPA)
    g_NMDA = gmax*(B_NMDA-A_NMDA) * mggate
    g = g_AMPA + g_NMDA
    i_AMPA = g_AMPA*(v-e)
    i_NMDA = g_NMDA*(v-e)
    i = i_AMPA + i_NMDA
}

DERIVATIVE state{
    A_AMPA' = -A_AMPA/tau_r_AMPA
    B_AMPA' = -B_AMPA/tau_d_AMPA
    A_NMDA' = -A_NMDA/tau_r_NMDA
    B_NMDA' = -B_NMDA/tau_d_NMDA
}

NET_RECEIVE (weight, weight_AMPA, weight_NMDA, R, Pr, u, tsyn (ms), nc_type){
    LOCAL result
    weight_AMPA = weight
    weight_NMDA = weight * NMDA_ratio

    INITIAL{
        R=1
        u=u0
        tsyn=t
    }

    : events before t = 0 and self-events (flag 1, delayed weights in the original) change nothing
    if (t >= 0 && flag == 0) {

        if (Fac > 0) {
            u = u*exp(-(t - tsyn)/Fac)
        } else {
            u = Use
        }
        if(Fac > 0){
            u = u + Use*(1-u)
        }

        R  = 1 - (1-R) * exp(-(t-tsyn)/Dep)

        Pr  = u * R
        R  = R - u * R

        if( verboseLevel > 0 ) {
            printf("Synapse %f at time %g: R = %g Pr = %g erand = %g\n", synapseID, t, R, Pr, result )
        }

        tsyn = t

        A_AMPA = A_AMPA + Pr*weight_AMPA*factor_AMPA
        B_AMPA = B_AMPA + Pr*weight_AMPA*factor_AMPA
        A_NMDA = A_NMDA + Pr*weight_NMDA*factor_NMDA
        B_NMDA = B_NMDA + Pr*weight_NMDA*factor_NMDA

        if( verboseLevel > 0 ) {
            printf( " vals %g %g %g %g\n", A_AMPA, weight_AMPA, factor_AMPA, weight )
        }
    }
}

FUNCTION toggleVerbose() {
    verboseLevel = 1-verboseLevel
}
