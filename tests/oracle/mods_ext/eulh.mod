: A test channel written for cellulab's oracle: a slow leak-like current
: with one gate integrated by METHOD euler, and a FUNCTION table that
: depends on a RANGE parameter and on dt.
NEURON {
    SUFFIX eulh
    NONSPECIFIC_CURRENT ih
    RANGE gh, eh, ih, vhalf
}
UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
}
PARAMETER {
    gh = 0.0002 (S/cm2)
    eh = -30 (mV)
    vhalf = -75 (mV)
}
ASSIGNED {
    v (mV)
    ih (mA/cm2)
}
STATE { r s }
INITIAL {
    r = rinf(v)
    s = 0.5
}
BREAKPOINT {
    SOLVE gates METHOD euler
    ih = gh*r*(v - eh) + 0.1*gh*s*(v - eh)
}
DERIVATIVE gates {
    r' = (rinf(v) - r)/(20 + 5*dt)
    s' = (r - s)/7
}
FUNCTION rinf(v (mV)) {
    TABLE DEPEND vhalf, dt FROM -120 TO 20 WITH 70
    rinf = 1/(1 + exp((v - vhalf)/6))
}
