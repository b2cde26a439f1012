COMMENT
cellulab's maintained StochKv3: the Blue Brain Project's stochastic
potassium channel (StochKv3.mod, Apache-2.0) with the same dynamics and the
same random draws, written with NEURON 9's RANDOM construct instead of
VERBATIM. Channels with an n and an l gate; the numbers of channels in the
four states move by binomial draws each step (deterministic = 0), or follow
the gates (deterministic != 0, or dt > 1). The binomial deviates (BnlDev)
and ln gamma (gammln) are the original's C written in NMODL with the same
operations in the same order. One stream per segment: RANDOM rng (ids
rng_id1..3_StochKv3, the original's setRNG). Not kept: bbsavestate,
CoreNEURON serialisation, the stderr warning of ChkProb.
ENDCOMMENT

TITLE Stochastic potassium channel StochKv3 (cellulab, RANDOM)

NEURON {
    SUFFIX StochKv3
    THREADSAFE
    USEION k READ ek WRITE ik
    RANGE N, eta, gk, gamma, deterministic, gkbar, ik
    RANGE N0, N1, n0_n1, n1_n0
    RANGE ninf, linf, ltau, ntau, an, bn, al, bl
    RANGE P_an, P_bn, P_al, P_bl
    GLOBAL vmin, vmax
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

    gamma  =  50      (pS)
    eta              (1/um2)
    gkbar = .01      (S/cm2)

    deterministic = 0
    vmin = -120 (mV)
    vmax = 100  (mV)
}

ASSIGNED {
    an      (/ms)
    bn      (/ms)
    al      (/ms)
    bl      (/ms)
    ik      (mA/cm2)
    gk      (S/cm2)
    ek      (mV)
    ninf
    ntau (ms)
    linf
    ltau (ms)

    N
    scale_dens (pS/um2)
    P_an
    P_bn
    P_al
    P_bl

}

STATE {
    n l
}
ASSIGNED {
    N0L0 N1L0 N0L1 N1L1
    n0l0_n1l0 n0l0_n0l1
    n1l0_n1l1 n1l0_n0l0
    n0l1_n1l1 n0l1_n0l0
    n1l1_n0l1 n1l1_n1l0
}

INITIAL {
    random_setseq(rng, 0)

    eta = (gkbar / gamma) * (10000)
    trates(v)
    n=ninf
    l=linf
    scale_dens = gamma/area
    N = floor(eta*area + 0.5)

    N1L1 = n*l*N
    N1L0 = n*(1-l)*N
    N0L1 = (1-n)*l*N
    if( !deterministic) {
        N1L1 = floor(N1L1 + 0.5)
        N1L0 = floor(N1L0 + 0.5)
        N0L1 = floor(N0L1 + 0.5)
    }
    N0L0 = N - N1L1 - N1L0 - N0L1

    n0l0_n1l0 = 0
    n0l0_n0l1 = 0
    n1l0_n1l1 = 0
    n1l0_n0l0 = 0
    n0l1_n1l1 = 0
    n0l1_n0l0 = 0
    n1l1_n0l1 = 0
    n1l1_n1l0 = 0
}

BREAKPOINT {
  SOLVE states METHOD cnexp

  gk = (strap(N1L1) * scale_dens) * (0.0001)

  ik = gk * (v - ek)
}

DERIVATIVE states {

    trates(v)

    l' = al - (al + bl)*l
    n' = an - (an + bn)*n

    if (deterministic || dt > 1) {

      N1L1 = n*l*N
      N1L0 = n*(1-l)*N
      N0L1 = (1-n)*l*N

    }else{

      N1L1 = floor(N1L1 + 0.5)
      N1L0 = floor(N1L0 + 0.5)
      N0L1 = floor(N0L1 + 0.5)
      N0L0 = N - N1L1 - N1L0 - N0L1

      P_an = strap(an*dt)
      P_bn = strap(bn*dt)
      ChkProb(P_an)
      ChkProb(P_bn)

      n0l0_n1l0 = BnlDev(P_an, N0L0)
      n0l1_n1l1 = BnlDev(P_an, N0L1)
      n1l1_n0l1 = BnlDev(P_bn, N1L1)
      n1l0_n0l0 = BnlDev(P_bn, N1L0)

      N0L0 = strap(N0L0 - n0l0_n1l0 + n1l0_n0l0)
      N1L0 = strap(N1L0 - n1l0_n0l0 + n0l0_n1l0)
      N0L1 = strap(N0L1 - n0l1_n1l1 + n1l1_n0l1)
      N1L1 = strap(N1L1 - n1l1_n0l1 + n0l1_n1l1)

      P_al = strap(al*dt)
      P_bl  = strap(bl*dt)
      ChkProb(P_al)
      ChkProb(P_bl)

      n0l0_n0l1 = BnlDev(P_al,N0L0-n0l0_n1l0)
      n1l0_n1l1 = BnlDev(P_al,N1L0-n1l0_n0l0)
      n0l1_n0l0 = BnlDev(P_bl,N0L1-n0l1_n1l1)
      n1l1_n1l0 = BnlDev(P_bl,N1L1-n1l1_n0l1)

      N0L0 = strap(N0L0 - n0l0_n0l1  + n0l1_n0l0)
      N1L0 = strap(N1L0 - n1l0_n1l1  + n1l1_n1l0)
      N0L1 = strap(N0L1 - n0l1_n0l0  + n0l0_n0l1)
      N1L1 = strap(N1L1 - n1l1_n1l0  + n1l0_n1l1)

    }

    N0L0 = N - N1L1 - N1L0 - N0L1
}

PROCEDURE trates(v (mV)) {
    TABLE ntau,ltau,ninf,linf,al,bl,an,bn
    DEPEND dt
    FROM vmin TO vmax WITH 199

    v = v + 10
    linf = 1/(1+exp((-30(mV)-v)/10(mV)))
    ltau = 0.346(ms)*exp(-v/(18.272(mV)))+2.09(ms)

    ninf = 1/(1+exp(0.0878(1/mV)*(v+55.1(mV))))
    ntau = 2.1(ms)*exp(-v/21.2(mV))+4.627(ms)
    v = v - 10

    al = linf/ltau
    bl = 1/ltau - al
    an = ninf/ntau
    bn = 1/ntau - an
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
