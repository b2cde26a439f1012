: A test synapse written for cellulab's oracle: each connection keeps the
: time of its last event (set to -1e9 at initialisation by the INITIAL
: block inside NET_RECEIVE); a connection's event adds more conductance
: the longer that connection was silent.
NEURON {
    POINT_PROCESS LastSyn
    RANGE tau, e, i
    NONSPECIFIC_CURRENT i
}
UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}
PARAMETER {
    tau = 3 (ms)
    e = 0 (mV)
}
ASSIGNED {
    v (mV)
    i (nA)
}
STATE { g (uS) }
INITIAL { g = 0 }
BREAKPOINT {
    SOLVE decay METHOD cnexp
    i = g*(v - e)
}
DERIVATIVE decay { g' = -g/tau }
NET_RECEIVE(weight (uS), tlast (ms), seen) {
    INITIAL {
        tlast = -1e9
        seen = 0
    }
    if (t - tlast > 20) {
        g = g + weight
    } else {
        g = g + weight*(t - tlast)/20
    }
    tlast = t
    seen = seen + 1
}
