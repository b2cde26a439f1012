: A test synapse written for cellulab's oracle: three NET_RECEIVE
: arguments and no INITIAL in NET_RECEIVE, so finitialize zeroes the
: second and third weights of its connections.
NEURON {
    POINT_PROCESS PlainSyn
    RANGE tau, i
    NONSPECIFIC_CURRENT i
}
UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
}
PARAMETER { tau = 2 (ms) }
ASSIGNED {
    v (mV)
    i (nA)
}
STATE { g }
BREAKPOINT {
    SOLVE decay METHOD cnexp
    i = g*(v + 10)
}
DERIVATIVE decay { g' = -g/tau }
NET_RECEIVE(w, a, b) {
    g = g + w + a + b
    a = a + 1
}
