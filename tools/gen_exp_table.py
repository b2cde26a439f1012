#!/usr/bin/python3
"""Prints the 2^(k/128) table of cl_exp_fma_ (include/cellulab_mech.h).

For k = 0..127, with H the double nearest 2^(k/128) and T the double
nearest 2^(k/128)/H - 1 (computed with 80 decimal digits):
entry 2k is the bits of T, entry 2k+1 the bits of H minus k << 45 (the
exponent bits that the reduction index adds back). These are the values
glibc's exp (2.28 and later) works with; the header's self-test compares
the whole function with libm's exp."""
import struct
from decimal import Decimal, getcontext

getcontext().prec = 80
LN2 = Decimal(2).ln()


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


rows = []
for k in range(128):
    e = (Decimal(k) / 128 * LN2).exp()
    h = float(e)  # float(Decimal) rounds to nearest
    t = float((e - Decimal(h)) / Decimal(h))
    rows.append("0x%016xull, 0x%016xull" % (bits(t), (bits(h) - (k << 45)) % 2**64))
for i in range(0, 128, 2):
    print("    " + ", ".join(rows[i:i + 2]) + ",")
