: A test artificial cell written for cellulab's oracle: fires at start, then
: every interval, a given number of times; an incoming positive weight
: makes an extra spike half an interval later.
NEURON {
    ARTIFICIAL_CELL Gen
    RANGE interval, number, start
}
PARAMETER {
    interval = 7 (ms)
    number = 8
    start = 12 (ms)
}
ASSIGNED { n }
INITIAL {
    n = 0
    net_send(start, 1)
}
NET_RECEIVE(w) {
    if (flag == 1) {
        if (n < number) {
            net_event(t)
            n = n + 1
            net_send(interval, 1)
        }
    } else if (flag == 2) {
        net_event(t)
    } else if (w > 0) {
        net_send(interval/2, 2)
    }
}
