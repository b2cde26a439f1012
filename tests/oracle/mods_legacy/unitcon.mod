: A leak whose reversal potential is computed from the UNITS constants
: FARADAY and R, plus a small current from nrn_ghk (NEURON's core constants),
: so that the soma voltage depends on which values are used (NEURON 8's
: nrnunit_use_legacy switch; cellulab's cl_sim_set_legacy_units). Test
: mechanism for tests/oracle/legacy_compare.c.
NEURON {
    SUFFIX unitcon
    NONSPECIFIC_CURRENT i
    USEION ca READ cai, cao
    RANGE g, erev, ktf, gh
}
UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    FARADAY = (faraday) (coulomb)
    R = (k-mole) (joule/degC)
}
PARAMETER {
    g = 0.001 (S/cm2)
}
ASSIGNED {
    v (mV)
    celsius (degC)
    i (mA/cm2)
    erev (mV)
    ktf (mV)
    cai (mM)
    cao (mM)
    gh
}
BREAKPOINT {
    ktf = 1000 * R * (celsius + 273.15) / FARADAY
    erev = ktf * log(30) - 150
    gh = nrn_ghk(v, cai, cao, 2)
    i = g * (v - erev) + 1e-6 * gh
}
