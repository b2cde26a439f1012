COMMENT
cellulab's maintained InhPoissonStim: the Blue Brain Project's
inhomogeneous Poisson spike source (netstim_inhpoisson.mod, Apache-2.0)
with the same spike times and the same random draws, written with NEURON
9's RANDOM construct and cellulab's list extensions instead of VERBATIM.

A homogeneous Poisson process at the largest rate rmax (intervals
1000/rmax * negexp draws from exp_rng) is thinned: an event at time t
becomes a spike when a uniform draw from uniform_rng is below
curRate/rmax, curRate the rate of t's time bin.

Inputs: the time bins (ms) and their rates (Hz) are the instance's list,
given with cl_pp_play(sim, pp, tbins, rates, n) (the original's
setTbins(vec) and setRate(vec), with vectors of the same length). The
streams: exp_rng_id1..3 and uniform_rng_id1..3 (the original's
setRNGs(e1, e2, e3, u1, u2, u3)); INITIAL restarts both, as the original.
Not kept: a change of the rates during a run (setRate's activeFlag bump),
the save/restore entry points (getPostRestoreFlag, resumeEvent,
restartEvent; flag -99 is still honoured), CoreNEURON serialisation.
ENDCOMMENT

TITLE Inhomogeneous Poisson spike source by thinning (cellulab, RANDOM)

NEURON {
    THREADSAFE
    ARTIFICIAL_CELL InhPoissonStim
    RANGE rmax
    RANGE duration
    RANDOM exp_rng, uniform_rng
}

PARAMETER {
    interval_min = 1.0          : unused (kept from the original)
    duration = 1e6 (ms) <0,1e9> : no events after start + duration
}

ASSIGNED {
    index       : the current time bin; -1: no more bins
    curRate     : the rate of the current bin (Hz)
    start (ms)  : the first bin's time
    event (ms)  : the next interval
    rmax        : the largest rate (Hz)
    activeFlag  : the flag of this cell's self-events
}

INITIAL {
    LOCAL k, n, r
    index = 0.
    activeFlag = 0.
    n = cellulab_play_count()
    if (n >= 1) {
        start = cellulab_play_time(0)
        if (start < 0.0) {
            start = 0.0
        }
    } else {
        start = 0.0
    }
    event = start
    rmax = 0.0
    k = 0
    WHILE (k < n) {
        r = cellulab_play_value(k)
        if (r > rmax) {
            rmax = r
        }
        k = k + 1
    }
    if (n > 0) {
        curRate = cellulab_play_value(0)
    } else {
        curRate = 1.0
        rmax = 1.0
    }
    random_setseq(uniform_rng, 0)
    random_setseq(exp_rng, 0)
    update_time()
    : the original discards the first exponential draw
    erand()
    generate_next_event()
    if (t+event < start+duration) {
        net_send(event, activeFlag)
    }
}

: the next event of the process at rate rmax
PROCEDURE generate_next_event() {
    event = 1000.0/rmax*erand()
    if (event < 0) {
        event = 0
    }
}

: the streams' ids, as the original's setRNGs(e1, e2, e3, u1, u2, u3)
PROCEDURE setRNGs(e1, e2, e3, u1, u2, u3) {
    random_setids(exp_rng, e1, e2, e3)
    random_setseq(exp_rng, 0)
    random_setids(uniform_rng, u1, u2, u3)
    random_setseq(uniform_rng, 0)
}

FUNCTION urand() {
    urand = random_uniform(uniform_rng)
}

FUNCTION erand() {
    erand = random_negexp(exp_rng)
}

: move to the bin of t (bins are never skipped backwards); curRate follows
PROCEDURE update_time() {
    LOCAL i, i_prev, size
    i = index
    i_prev = i
    if (i >= 0) {
        size = cellulab_play_count()
        if (size > 0) {
            WHILE ((i+1 < size) && (t >= cellulab_play_time(i+1))) {
                index = index + 1.
                i = i + 1
            }
            if (i != i_prev) {
                if (size > i) {
                    curRate = cellulab_play_value(i)
                } else {
                    curRate = 1.0
                }
            }
            if (i == size) {
                index = -1.
            }
        } else {
            rmax = 1.0
            curRate = 1.0
            index = -1.
        }
    }
}

NET_RECEIVE (w) {
    LOCAL u
    if (flag == -99) {
        : after a restore (the original's POST_RESTORE_RESTART_FLAG)
        if (t+event < start+duration) {
            net_send(event, activeFlag)
        }
    } else if (activeFlag == flag) {
        update_time()
        generate_next_event()
        if (t+event < start+duration) {
            net_send(event, activeFlag)
        }
        u = urand()
        if (u < curRate/rmax) {
            net_event(t)
        }
    }
}
