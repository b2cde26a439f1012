: A leak whose reversal potential is computed from the UNITS constants
: FARADAY and R, so that the soma voltage depends on which values the
: compiled code uses (NEURON 8's nrnunit_use_legacy switch; cellulab's
: cl_sim_set_legacy_units). Test mechanism for tests/oracle/legacy_compare.c.
NEURON {
    SUFFIX unitcon
    NONSPECIFIC_CURRENT i
    RANGE g, erev, ktf
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
}
BREAKPOINT {
    ktf = 1000 * R * (celsius + 273.15) / FARADAY
    erev = ktf * log(30) - 150
    i = g * (v - erev)
}
