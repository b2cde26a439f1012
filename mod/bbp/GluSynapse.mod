COMMENT
cellulab's maintained GluSynapse: the Blue Brain Project's glutamatergic
synapse with calcium-based long-term plasticity (GluSynapse.mod,
Apache-2.0; Chindemi et al. 2022) with the same dynamics and the same
random draws, written with NEURON 9's RANDOM construct instead of VERBATIM.
AMPA and NMDA conductances, stochastic multi-vesicular Tsodyks-Markram
release (binomial recovery and release by counting uniform draws), an
R-type VDCC and spine calcium driving the Graupner-Brunel plasticity
variable rho_GB through four WATCHes. As in the original, INITIAL does not
restart the stream (setting the ids does: rng_id1..3 with rng_seq and
rng_which 0, the original's setRNG). Not kept: delayed-weight vectors
(setup_delay_vecs, flag 10), bbsavestate, CoreNEURON serialisation; printf
does nothing in cellulab.
ENDCOMMENT

TITLE Glutamatergic synapse with stochastic release and calcium-based plasticity (cellulab, RANDOM)

NEURON {
    THREADSAFE
    POINT_PROCESS GluSynapse
    GLOBAL tau_r_AMPA, E_AMPA
    RANGE tau_d_AMPA, gmax0_AMPA, gmax_d_AMPA, gmax_p_AMPA, g_AMPA
    GLOBAL scale_NMDA, slope_NMDA
    GLOBAL tau_r_NMDA, tau_d_NMDA, E_NMDA
    RANGE gmax_NMDA, g_NMDA
    GLOBAL mg
    RANGE Use, Dep, Fac, Nrrp
    RANGE Use_d, Use_p
    RANDOM rng
    RANGE ica_NMDA
    RANGE volume_CR
    GLOBAL ljp_VDCC, vhm_VDCC, km_VDCC, mtau_VDCC, vhh_VDCC, kh_VDCC, htau_VDCC, gca_bar_VDCC
    RANGE ica_VDCC
    GLOBAL gamma_ca_CR, tau_ca_CR, min_ca_CR, cao_CR
    GLOBAL rho_star_GB, tau_ind_GB, tau_exp_GB, tau_effca_GB
    GLOBAL gamma_d_GB, gamma_p_GB
    RANGE theta_d_GB, theta_p_GB, rho0_GB, dep_GB, pot_GB
    RANGE vsyn, synapseID, selected_for_report, verbose
    NONSPECIFIC_CURRENT i
    RANGE conductance
    RANGE next_delay
    GLOBAL nc_type_param
    GLOBAL minis_single_vesicle
    GLOBAL init_depleted
}

UNITS {
    (nA)    = (nanoamp)
    (mV)    = (millivolt)
    (uS)    = (microsiemens)
    (nS)    = (nanosiemens)
    (pS)    = (picosiemens)
    (umho)  = (micromho)
    (um)    = (micrometers)
    (mM)    = (milli/liter)
    (uM)    = (micro/liter)
    FARADAY = (faraday) (coulomb)
    PI      = (pi)      (1)
    R       = (k-mole)  (joule/degC)
}

PARAMETER {
    celsius                     (degC)
    tau_r_AMPA      = 0.2       (ms)
    tau_d_AMPA      = 1.7       (ms)
    E_AMPA          = 0         (mV)
    gmax0_AMPA      = 1.0       (nS)
    gmax_d_AMPA     = 1.0       (nS)
    gmax_p_AMPA     = 2.0       (nS)
    mg              = 1         (mM)
    scale_NMDA      = 2.552     (mM)
    slope_NMDA      = 0.072     (/mV)
    tau_r_NMDA      = 0.29      (ms)
    tau_d_NMDA      = 70        (ms)
    E_NMDA          = -3        (mV)
    gmax_NMDA       = 0.55      (nS)
    Use             = 0.5       (1)
    Dep             = 100       (ms)
    Fac             = 10        (ms)
    Nrrp            = 1         (1)
    Use_d           = 0.2       (1)
    Use_p           = 0.8       (1)
    volume_CR       = 0.087     (um3)
    gca_bar_VDCC    = 0.0744    (nS/um2)
    ljp_VDCC        = 0         (mV)
    vhm_VDCC        = -5.9      (mV)
    km_VDCC         = 9.5       (mV)
    vhh_VDCC        = -39       (mV)
    kh_VDCC         = -9.2      (mV)
    mtau_VDCC       = 1         (ms)
    htau_VDCC       = 27        (ms)
    gamma_ca_CR     = 0.04      (1)
    tau_ca_CR       = 12        (ms)
    min_ca_CR       = 70e-6     (mM)
    cao_CR          = 2.0       (mM)
    rho_star_GB     = 0.5       (1)
    tau_ind_GB      = 70        (s)
    tau_exp_GB      = 100       (s)
    tau_effca_GB    = 200       (ms)
    gamma_d_GB      = 100       (1)
    gamma_p_GB      = 450       (1)
    theta_d_GB      = 0.006     (us/liter)
    theta_p_GB      = 0.001     (us/liter)
    rho0_GB         = 0         (1)
    synapseID       = 0
    verbose         = 0
    selected_for_report = 0
    conductance     = 0.0
    nc_type_param = 5
    minis_single_vesicle = 0
    init_depleted = 0
}

ASSIGNED {
    g_AMPA          (uS)
    g_NMDA          (uS)
    ica_NMDA        (nA)
    ica_VDCC        (nA)
    dep_GB          (1)
    pot_GB          (1)
    v               (mV)
    vsyn            (mV)
    i               (nA)

    next_delay (ms)
}

STATE {
    A_AMPA      (1)
    B_AMPA      (1)
    gmax_AMPA   (nS)
    A_NMDA      (1)
    B_NMDA      (1)
    Use_GB      (1)
    m_VDCC      (1)
    h_VDCC      (1)
    cai_CR      (mM)        <1e-6>
    rho_GB      (1)
    effcai_GB   (us/liter)  <1e-3>
}

INITIAL{
    A_AMPA      = 0
    B_AMPA      = 0
    gmax_AMPA   = gmax0_AMPA
    A_NMDA      = 0
    B_NMDA      = 0
    Use_GB      = Use
    cai_CR      = min_ca_CR
    rho_GB      = rho0_GB
    effcai_GB   = 0
    dep_GB      = 0
    pot_GB      = 0
    next_delay = -1

    net_send(0, 1)
}

BREAKPOINT {
    LOCAL Eca_syn, mggate, i_AMPA, i_NMDA, Pf_NMDA, gca_bar_abs_VDCC, gca_VDCC
    SOLVE state METHOD euler
    g_AMPA = (1e-3)*gmax_AMPA*(B_AMPA - A_AMPA)
    i_AMPA = g_AMPA*(v-E_AMPA)
    mggate = 1 / (1 + exp(-slope_NMDA*v) * (mg/scale_NMDA))
    g_NMDA = (1e-3)*gmax_NMDA*mggate*(B_NMDA - A_NMDA)
    i_NMDA = g_NMDA*(v - E_NMDA)
    Pf_NMDA  = (4*cao_CR) / (4*cao_CR + (1/1.38) * 120 (mM)) * 0.6
    ica_NMDA = Pf_NMDA*g_NMDA*(v-40.0)
    gca_bar_abs_VDCC = gca_bar_VDCC * 4(um2)*PI*(3(1/um3)/4*volume_CR*1/PI)^(2/3)
    gca_VDCC = (1e-3) * gca_bar_abs_VDCC * m_VDCC * m_VDCC * h_VDCC
    Eca_syn = nernst(cai_CR, cao_CR, 2)
    ica_VDCC = gca_VDCC*(v-Eca_syn)
    vsyn = v
    i = i_AMPA + i_NMDA + ica_VDCC
}

DERIVATIVE state {
    LOCAL minf_VDCC, hinf_VDCC
    A_AMPA'      = - A_AMPA/tau_r_AMPA
    B_AMPA'      = - B_AMPA/tau_d_AMPA
    gmax_AMPA'   = (gmax_d_AMPA + rho_GB*(gmax_p_AMPA - gmax_d_AMPA) - gmax_AMPA) / ((1e3)*tau_exp_GB)
    A_NMDA'      = - A_NMDA/tau_r_NMDA
    B_NMDA'      = - B_NMDA/tau_d_NMDA
    Use_GB'         = (Use_d + rho_GB*(Use_p - Use_d) - Use_GB) / ((1e3)*tau_exp_GB)
    minf_VDCC    = 1 / (1 + exp(((vhm_VDCC - ljp_VDCC) - v) / km_VDCC))
    hinf_VDCC    = 1 / (1 + exp(((vhh_VDCC - ljp_VDCC) - v) / kh_VDCC))
    m_VDCC'      = (minf_VDCC-m_VDCC)/mtau_VDCC
    h_VDCC'      = (hinf_VDCC-h_VDCC)/htau_VDCC
    effcai_GB'   = - effcai_GB/tau_effca_GB + (cai_CR - min_ca_CR)
    rho_GB'      = ( - rho_GB*(1 - rho_GB)*(rho_star_GB - rho_GB)
                     + pot_GB*gamma_p_GB*(1 - rho_GB)
                     - dep_GB*gamma_d_GB*rho_GB ) / ((1e3)*tau_ind_GB)
    cai_CR'      = - (1e-9)*(ica_NMDA + ica_VDCC)*gamma_ca_CR/((1e-15)*volume_CR*2*FARADAY)
                   - (cai_CR - min_ca_CR)/tau_ca_CR
}

NET_RECEIVE (weight, u, tsyn (ms), recovered, unrecovered, nc_type) {
    LOCAL p_rec, released, tp, factor, rec
    INITIAL {
        weight = 1
        u = 0
        tsyn = 0 (ms)
        if (init_depleted){
            recovered = 0
            unrecovered = Nrrp
        } else {
            recovered = Nrrp
            unrecovered = 0
        }
    }

    if(verbose > 0){ UNITSOFF printf("Time = %g ms, incoming spike at synapse %g\n", t, synapseID) UNITSON }
    if(flag == 0) {
        if(weight <= 0){
            if(verbose > 0){ printf("Inactive synapse, weight = %g\n", weight) }
        } else {
            if(verbose > 0){ printf("Flag 0, Regular spike\n") }
            u = Use_GB + u*(1 - Use_GB)*exp(-(t - tsyn)/Fac)
            if ( verbose > 0 ) { printf("\tVesicle release probability = %g\n", u) }
            p_rec = 1 - exp(-(t - tsyn)/Dep)
            if ( verbose > 0 ) { printf("\tVesicle recovery probability = %g\n", p_rec) }
            if ( verbose > 0 ) { printf("\tVesicle available before recovery = %g\n", recovered) }
            recovered = recovered + brand(unrecovered, p_rec)
            if ( verbose > 0 ) { printf("\tVesicles available after recovery = %g\n", recovered) }
            rec = recovered
            if (rec > 1 && minis_single_vesicle && nc_type == 1) { rec = 1 }
            released = brand(rec, u)
            if ( verbose > 0 ) { printf("\tReleased %g vesicles out of %g\n", released, recovered) }
            recovered = recovered - released
            unrecovered = Nrrp - recovered
            if ( verbose > 0 ) { printf("\tFinal vesicle count, Recovered = %g, Unrecovered = %g, Nrrp = %g\n", recovered, unrecovered, Nrrp) }
            tp = (tau_r_AMPA*tau_d_AMPA)/(tau_d_AMPA-tau_r_AMPA)*log(tau_d_AMPA/tau_r_AMPA)
            factor = 1 / (-exp(-tp/tau_r_AMPA)+exp(-tp/tau_d_AMPA))
            A_AMPA = A_AMPA + released/Nrrp*factor
            B_AMPA = B_AMPA + released/Nrrp*factor
            tp = (tau_r_NMDA*tau_d_NMDA)/(tau_d_NMDA-tau_r_NMDA)*log(tau_d_NMDA/tau_r_NMDA)
            factor = 1 / (-exp(-tp/tau_r_NMDA)+exp(-tp/tau_d_NMDA))
            A_NMDA = A_NMDA + released/Nrrp*factor
            B_NMDA = B_NMDA + released/Nrrp*factor
            tsyn = t
        }
    } else if(flag == 1) {
        if(verbose > 0){ printf("Flag 1, Initialize watchers\n") }
        WATCH (effcai_GB > theta_d_GB) 2
        WATCH (effcai_GB < theta_d_GB) 3
        WATCH (effcai_GB > theta_p_GB) 4
        WATCH (effcai_GB < theta_p_GB) 5
    } else if(flag == 2) {
        if(verbose > 0){ printf("Flag 2, Activate depression mechanisms\n") }
        dep_GB = 1
    } else if(flag == 3) {
        if(verbose > 0){ printf("Flag 3, Deactivate depression mechanisms\n") }
        dep_GB = 0
    } else if(flag == 4) {
        if(verbose > 0){ printf("Flag 4, Activate potentiation mechanisms\n") }
        pot_GB = 1
    } else if(flag == 5) {
        if(verbose > 0){ printf("Flag 5, Deactivate potentiation mechanisms\n") }
        pot_GB = 0
    }
}

FUNCTION nernst(ci(mM), co(mM), z) (mV) {
    nernst = (1000) * R * (celsius + 273.15) / (z*FARADAY) * log(co/ci)
    if(verbose > 1) { UNITSOFF printf("nernst:%g R:%g temperature (c):%g \n", nernst, R, celsius) UNITSON }
}

: the stream's ids, as the original's setRNG(seed1, seed2, seed3)
PROCEDURE setRNG(a1, a2, a3) {
    random_setids(rng, a1, a2, a3)
    random_setseq(rng, 0)
}

FUNCTION urand() {
    urand = random_uniform(rng)
}

FUNCTION brand(n, p) {
    LOCAL result, count, success
    success = 0
    FROM count = 0 TO (n - 1) {
        result = urand()
        if(result <= p) {
            success = success + 1
        }
    }
    brand = success
}
