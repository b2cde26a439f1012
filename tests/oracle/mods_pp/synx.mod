: A test synapse written for cellulab's oracle: two exponentials, a count
: kept per connection, and a self-event that adds a delayed kick.
NEURON {
    POINT_PROCESS SynX
    RANGE tau1, tau2, e, i, kick
    NONSPECIFIC_CURRENT i
}
UNITS {
    (nA) = (nanoamp)
    (mV) = (millivolt)
    (uS) = (microsiemens)
}
PARAMETER {
    tau1 = 0.5 (ms)
    tau2 = 4 (ms)
    e = 0 (mV)
    kick = 0.3
}
ASSIGNED {
    v (mV)
    i (nA)
    g (uS)
    factor
}
STATE { A (uS) B (uS) }
INITIAL {
    LOCAL tp
    A = 0
    B = 0
    tp = (tau1*tau2)/(tau2 - tau1) * log(tau2/tau1)
    factor = -exp(-tp/tau1) + exp(-tp/tau2)
    factor = 1/factor
}
BREAKPOINT {
    SOLVE state METHOD cnexp
    g = B - A
    i = g*(v - e)
}
DERIVATIVE state {
    A' = -A/tau1
    B' = -B/tau2
}
NET_RECEIVE(weight (uS), count) {
    if (flag == 0) {
        count = count + 1
        A = A + weight*factor
        B = B + weight*factor
        net_send(2.5, 1)
    } else {
        A = A + kick*weight*factor
        B = B + kick*weight*factor
    }
}
