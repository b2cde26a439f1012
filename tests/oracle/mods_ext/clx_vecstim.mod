: cellulab-only test (clx_: not built by nrnivmodl): mod/vecstim.mod as VecStimX,
: replaying the instance event list with cellulab_play_count/_time.
: is sent at t + (etime - t) written as nocmodl writes it, t + etime - t.
NEURON {
    ARTIFICIAL_CELL VecStimX
}
ASSIGNED {
    index
    etime (ms)
}
INITIAL {
    index = 0
    element()
    if (index > 0) {
        net_send(etime - t, 1)
    }
}
NET_RECEIVE(w) {
    if (flag == 1) {
        net_event(t)
        element()
        if (index > 0) {
            net_send(etime - t, 1)
        }
    }
}
: the next time of the list into etime, or index = -1 at its end
PROCEDURE element() {
    if (index >= 0) {
        if (index < cellulab_play_count()) {
            etime = cellulab_play_time(index)
            index = index + 1
        } else {
            index = -1
        }
    }
}
