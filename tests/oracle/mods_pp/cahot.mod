: A test point process written for cellulab's oracle: a calcium current
: through a point process (ion current scaled by the node area), a time
: course from t, and a voltage-dependent gate integrated by cnexp.
NEURON {
    POINT_PROCESS CaHot
    USEION ca READ eca WRITE ica
    RANGE gmax, ica, onset
}
UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}
PARAMETER {
    gmax = 0.002 (uS)
    onset = 30 (ms)
}
ASSIGNED {
    v (mV)
    eca (mV)
    ica (nA)
    minf
    mtau (ms)
}
STATE { m }
INITIAL {
    rates(v)
    m = minf
}
BREAKPOINT {
    SOLVE states METHOD cnexp
    if (t > onset) {
        ica = gmax*m*m*(v - eca)
    } else {
        ica = 0
    }
}
DERIVATIVE states {
    rates(v)
    m' = (minf - m)/mtau
}
PROCEDURE rates(v (mV)) {
    minf = 1/(1 + exp(-(v + 30)/6))
    mtau = 1 + 5/(1 + exp((v + 40)/10))
}
