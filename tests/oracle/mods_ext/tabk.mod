: A test channel written for cellulab's oracle: a potassium-like current
: whose rates come from a PROCEDURE table (DEPEND celsius) and whose
: conductance scale comes from a FUNCTION table over a GLOBAL range.
NEURON {
    SUFFIX tabk
    USEION k READ ek WRITE ik
    RANGE gbar, ik, ninf, ntau
    GLOBAL vlo, vhi, slope
}
UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
}
PARAMETER {
    gbar = 0.004 (S/cm2)
    vlo = -90 (mV)
    vhi = 60 (mV)
    slope = 11 (mV)
}
ASSIGNED {
    v (mV)
    ek (mV)
    ik (mA/cm2)
    ninf
    ntau (ms)
    celsius (degC)
}
STATE { n }
INITIAL {
    rates(v)
    n = ninf
}
BREAKPOINT {
    SOLVE states METHOD cnexp
    ik = gbar*n*n*scale(v)*(v - ek)
}
DERIVATIVE states {
    rates(v)
    n' = (ninf - n)/ntau
}
PROCEDURE rates(v (mV)) {
    LOCAL q
    TABLE ninf, ntau DEPEND celsius FROM vlo TO vhi WITH 150
    q = 2.3^((celsius - 22)/10)
    ninf = 1/(1 + exp(-(v + 35)/slope))
    ntau = 0.7 + 4/(q*(exp((v + 50)/20) + exp(-(v + 50)/25)))
}
FUNCTION scale(v (mV)) {
    TABLE DEPEND slope FROM -80 TO 40 WITH 37
    scale = 0.6 + 0.4/(1 + exp(-(v + 20)/(2*slope)))
}
