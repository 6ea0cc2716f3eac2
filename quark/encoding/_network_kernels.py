"""Numba kernels of a network unit's restricted landscape (:class:`quark.encoding.network.RestrictedUnit`).

A block of ``b`` bits of one unit moves the unit's pre-activation on sample ``i`` by ``G[i, j]`` per set
bit ``j``. For the whole table, the ``2**b`` pre-activations of a sample are built by doubling
(``a[k | 2**j] = a[k] + G[i, j]``: one addition per setting, no matrix product), and the sample's loss
at each is read from its per-level loss table (hidden unit) or computed from its margin (output unit),
summed into the table. Single bit strings add the same terms in the same order (``j`` ascending), so
the table and every check of a measured setting agree to the last bit.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from quark.models.quantized_mlp import TIE

__all__ = ["unit_table", "unit_losses"]

# A hidden unit (``mode`` 0) reads the sample's loss at its level from ``T`` (``q``: 0 for sign, else the
# clip unit's levels per side). An output unit's loss on a sample is ``f(c + s * max(L, a))`` with per-sample
# constants (a class-u sample: ``s = -1, L = -inf``; another: ``s = +1, L`` the best other score; one
# output: ``s = -t, L = -inf``) and ``f(x) = max(0, x)`` (hinge, ``c`` holds the margin) or ``x >= 0`` (0-1).


@njit(cache=True, nogil=True, inline="always")
def _level(a, q):  # pragma: no cover - compiled
    if q == 0:
        return 1 if a >= -TIE else 0
    v = np.floor(a * q + (0.5 + TIE))
    if v < -q:
        v = -q
    elif v > q:
        v = q
    return int(v) + q


@njit(cache=True, nogil=True, inline="always")
def _out_loss(a, c, s, L, hinge):  # pragma: no cover - compiled
    x = c + s * (L if L > a else a)
    if hinge:
        return x if x > 0.0 else 0.0
    return 1.0 if x >= 0.0 else 0.0


@njit(cache=True, nogil=True)
def unit_table(a0, G, p, mode, q, T, c, s, L, hinge):  # pragma: no cover - compiled
    m, b = G.shape
    K = 1 << b
    out = np.zeros(K)
    buf = np.empty(K)
    for i in range(m):
        buf[0] = a0[i]
        for j in range(b):
            step = 1 << j
            g = G[i, j]
            for k in range(step):
                buf[k + step] = buf[k] + g
        w = p[i]
        if mode == 0 and q == 0:
            # a sign unit: a select between the sample's two weighted losses, which the compiler vectorizes
            # (an index into T does not); the same products as w * T[i, level], so the same sums
            t0, t1 = w * T[i, 0], w * T[i, 1]
            for k in range(K):
                out[k] += t1 if buf[k] >= -TIE else t0
        elif mode == 0:
            for k in range(K):
                out[k] += w * T[i, _level(buf[k], q)]
        else:
            ci, si, Li = c[i], s[i], L[i]
            for k in range(K):
                out[k] += w * _out_loss(buf[k], ci, si, Li, hinge)
    return out


@njit(cache=True, nogil=True)
def unit_losses(bits, a0, G, p, mode, q, T, c, s, L, hinge):  # pragma: no cover - compiled
    B = bits.shape[0]
    m, b = G.shape
    out = np.zeros(B)
    for r in range(B):
        for i in range(m):
            a = a0[i]
            for j in range(b):
                if bits[r, j]:
                    a += G[i, j]
            if mode == 0:
                out[r] += p[i] * T[i, _level(a, q)]
            else:
                out[r] += p[i] * _out_loss(a, c[i], s[i], L[i], hinge)
    return out
