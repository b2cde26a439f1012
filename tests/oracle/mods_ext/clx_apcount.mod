: cellulab-only test (clx_: not built by nrnivmodl): mod/apcount.mod as APCountX,
: recording crossings with cellulab_record_event/_clear.
: recorder's list (read with cl_apcount_times). Checked after each step
: with the new voltage; a crossing is v >= thresh after v < thresh.
NEURON {
    POINT_PROCESS APCountX
    RANGE n, thresh, time, firing
}
UNITS {
    (mV) = (millivolt)
}
PARAMETER {
    n
    thresh = -20 (mV)
    time (ms)
}
ASSIGNED {
    v (mV)
    firing
}
INITIAL {
    n = 0
    firing = 0
    cellulab_record_clear()
    check()
}
BREAKPOINT {
    SOLVE check METHOD after_cvode
}
PROCEDURE check() {
    if (v >= thresh && !firing) {
        firing = 1
        time = t
        n = n + 1
        cellulab_record_event(time)
    }
    if (firing && v < thresh && t > time) {
        firing = 0
    }
}
