: A test point process written for cellulab's oracle: once armed by a
: self-event it watches the voltage; each upward crossing of thr counts
: (n, last crossing time tup) and re-arms for the way down, which records
: tdown and re-arms for the next way up. Passes no current.
NEURON {
    POINT_PROCESS CrossCount
    RANGE thr, n, tup, tdown, armed
}
UNITS { (mV) = (millivolt) }
PARAMETER {
    thr = -30 (mV)
    delay = 1 (ms)
}
ASSIGNED {
    v (mV)
    n
    tup (ms)
    tdown (ms)
    armed
}
INITIAL {
    n = 0
    tup = -1
    tdown = -1
    armed = 0
    net_send(delay, 1)
}
NET_RECEIVE(w) {
    if (flag == 1) {
        armed = 1
        WATCH (v > thr) 2
    } else if (flag == 2) {
        n = n + 1
        tup = t
        WATCH (v < thr - 5) 3
    } else if (flag == 3) {
        tdown = t
        WATCH (v > thr) 2
    }
}
