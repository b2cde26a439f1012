COMMENT
cellulab's maintained StochKv: the Blue Brain Project's stochastic
potassium channel (StochKv.mod, Apache-2.0) with the same dynamics and the
same random draws, written with NEURON 9's RANDOM construct instead of
VERBATIM. One gate n; the channels move between the closed (N0) and open
(N1) states by binomial draws each step (deterministic = 0), or follow the
gate (deterministic != 0, or dt > 1). The units quirks of the original
(eta without its 1e4, ik with 1e-4) are kept: same numbers. BnlDev and
gammln as in mod/bbp/StochKv3.mod (the original's C in NMODL, the same
operations in order). One stream per segment: RANDOM rng (ids
rng_id1..3_StochKv, the original's setRNG). Not kept: bbsavestate,
CoreNEURON serialisation, the stderr warning of ChkProb.
ENDCOMMENT

TITLE Stochastic potassium channel StochKv (cellulab, RANDOM)

NEURON {
    SUFFIX StochKv
    THREADSAFE
    USEION k READ ek WRITE ik
    RANGE N, eta, gk, gamma, deterministic, gkbar, ik
    RANGE N0, N1, n0_n1, n1_n0
    RANGE ninf, ntau, a, b, P_a, P_b
    RANGE Ra, Rb, tadj
    GLOBAL vmin, vmax, q10, temp
    RANDOM rng
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (pS) = (picosiemens)
    (S) = (siemens)
    (um) = (micron)
}

PARAMETER {
    v           (mV)
    dt      (ms)
    area    (um2)

    gamma  =  30          (pS)
    eta              (1/um2)
    gkbar = .75      (S/cm2)

    tha  = -40   (mV)
    qa   = 9
    Ra   = 0.02 (/ms)
    Rb   = 0.002    (/ms)

    celsius (degC)
    temp = 23 (degC)
    q10 = 2.3

    deterministic = 0
    vmin = -120 (mV)
    vmax = 100  (mV)
}

ASSIGNED {
    a       (/ms)
    b       (/ms)
    ik      (mA/cm2)
    gk      (S/cm2)
    ek      (mV)
    ninf
    ntau (ms)
    tadj

    N
    scale_dens (pS/um2)
    P_a
    P_b

    n0_n1_new
}

STATE {
    n
}
ASSIGNED {
    N0 N1
    n0_n1 n1_n0
}

INITIAL {
    random_setseq(rng, 0)

    eta = (gkbar / gamma)
    trates(v)
    n = ninf
    scale_dens = gamma/area
    N = floor(eta*area + 0.5)

    N1 = n*N
    if( !deterministic) {
        N1 = floor(N1 + 0.5)
    }
    N0 = N-N1

    n0_n1 = 0
    n1_n0 = 0
}

BREAKPOINT {
  SOLVE states METHOD cnexp

  gk = (strap(N1) * scale_dens * tadj)

  ik = 1e-4 * gk * (v - ek)
}

DERIVATIVE states {

    trates(v)

    n' = a - (a + b)*n
    if (deterministic || dt > 1) {
        N1 = n*N
    }else{

    N0 = floor(N0+0.5)
    N1 = N - N0

    P_a = strap(a*dt)
    P_b = strap(b*dt)

    ChkProb( P_a)
    ChkProb( P_b)

    n0_n1 = BnlDev(P_a, N0)
    n1_n0 = BnlDev(P_b, N1)

    N0    = strap(N0 - n0_n1 + n1_n0)
    N1    = N - N0

    }

    N0 = N-N1
}

PROCEDURE trates(v (mV)) {
    TABLE ntau, ninf, a, b, tadj
    DEPEND dt, Ra, Rb, tha, qa, q10, temp, celsius
    FROM vmin TO vmax WITH 199

    tadj = q10 ^ ((celsius - temp)/(10 (K)))
    a = SigmoidRate(v, tha, Ra, qa)
    a = a * tadj
    b = SigmoidRate(-v, -tha, Rb, qa)
    b = b * tadj
    ntau = 1/(a+b)
    ninf = a*ntau
}

FUNCTION SigmoidRate(v (mV),th (mV),a (1/ms),q) (1/ms){
    UNITSOFF
    if (fabs(v-th) > 1e-6 ) {
        SigmoidRate = a * (v - th) / (1 - exp(-(v - th)/q))
    UNITSON

    } else {
        SigmoidRate = a * q
    }
}

FUNCTION strap(x) {
    if (x < 0) {
        strap = 0
    } else {
        strap = x
    }
}

: a value outside [0, 1] (the original prints a warning on stderr)
PROCEDURE ChkProb(p) {
    if (p < 0.0 || p > 1.0) {
    }
}

: the stream's ids, as the original's setRNG(seed1, seed2, seed3)
PROCEDURE setRNG(a1, a2, a3) {
    random_setids(rng, a1, a2, a3)
    random_setseq(rng, 0)
}

FUNCTION urand() {
    urand = random_uniform(rng)
}

: binomial by counting (the original's brand)
FUNCTION brand(P, N) {
    LOCAL value, i
    value = 0.0
    i = 0
    WHILE (i < N) {
        if (urand() < P) {
            value = value + 1
        }
        i = i + 1
    }
    brand = value
}

: ln(gamma(xx)), the Lanczos series of Numerical Recipes (gammln), the
: original's C operation for operation
FUNCTION gammln(xx) {
    LOCAL x, tmp, ser
    x=xx-1.0
    tmp=x+5.5
    tmp = tmp - (x+0.5)*log(tmp)
    ser=1.0
    x = x + 1.0
    ser = ser + 76.18009173/x
    x = x + 1.0
    ser = ser + -86.50532033/x
    x = x + 1.0
    ser = ser + 24.01409822/x
    x = x + 1.0
    ser = ser + -1.231739516/x
    x = x + 1.0
    ser = ser + 0.120858003e-2/x
    x = x + 1.0
    ser = ser + -0.536382e-5/x
    gammln = -tmp+log(2.50662827465*ser)
}

: a binomial deviate B(nnr, ppr) drawn with urand(): direct counting below
: 25 trials, the Poisson-style product when the mean is below 1, else
: rejection from a Lorentzian (Numerical Recipes' bnldev, as the original,
: whose angle is drawn twice per try; both draws kept)
FUNCTION BnlDev(ppr, nnr) {
    LOCAL j, am, em, g, angle, p, bnl, sq, bt, y, pc, plog, pclog, en, oldg, going, again
    if (ppr <= 0.5) {
        p = ppr
    } else {
        p = 1.0-ppr
    }
    am=nnr*p
    if (nnr < 25) {
        bnl=0.0
        j = 1
        WHILE (j <= nnr) {
            if (urand() < p) {
                bnl = bnl + 1.0
            }
            j = j + 1
        }
    } else if (am < 1.0) {
        g=exp(-am)
        bt=1.0
        j = 0
        going = 1
        WHILE (going && j <= nnr) {
            bt = bt * urand()
            if (bt < g) {
                going = 0
            } else {
                j = j + 1
            }
        }
        if (j <= nnr) {
            bnl = j
        } else {
            bnl = nnr
        }
    } else {
        en=nnr
        oldg=gammln(en+1.0)
        pc=1.0-p
        plog=log(p)
        pclog=log(pc)
        sq=sqrt(2.0*am*pc)
        again = 1
        WHILE (again) {
            going = 1
            WHILE (going) {
                angle=3.141592654*urand()
                angle=3.141592654*urand()
                y=tan(angle)
                em=sq*y+am
                going = em < 0.0 || em >= (en+1.0)
            }
            em=floor(em)
            bt=1.2*sq*(1.0+y*y)*exp(oldg-gammln(em+1.0) - gammln(en-em+1.0)+em*plog+(en-em)*pclog)
            again = urand() > bt
        }
        bnl=em
    }
    if (p != ppr) {
        bnl=nnr-bnl
    }
    BnlDev = bnl
}
