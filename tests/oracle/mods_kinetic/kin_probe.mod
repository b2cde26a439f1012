: A probe for cellulab's KINETIC lowering (docs/nmodl-lowering.md section 6),
: not a model: non-linear reactions, stoichiometry 2, COMPARTMENT, CONSERVE,
: a flux, a one-way reaction and STEADYSTATE sparse in INITIAL.
NEURON {
  SUFFIX kin_probe
  NONSPECIFIC_CURRENT i
  RANGE gbar, kf, kb
}
PARAMETER {
  gbar = 0.002
  kf = 0.5
  kb = 0.2
  tot = 1
  vol = 2
  e = -80
}
ASSIGNED { v i a1 b1 }
STATE { X A B AB }
BREAKPOINT {
  SOLVE kin METHOD sparse
  i = gbar*(AB + X)*(v - e)
}
INITIAL {
  A = 1
  X = 0.1
  SOLVE kin STEADYSTATE sparse
}
KINETIC kin {
  COMPARTMENT vol {A B}
  a1 = exp(v/20) * kf
  b1 = kb * exp(-v/30)
  ~ A + B <-> AB (a1*2.0, b1 + 0.01)
  ~ 2 A <-> B (a1, b1)
  ~ X << (0.001*(v+65))
  ~ X -> (0.05)
  CONSERVE A + AB = tot
}
