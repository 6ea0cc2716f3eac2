"""The settings of a squared-loss block below a threshold, found without the block's loss table.

A block step of a linear model's squared loss restricts the loss to a quadratic in the block's bits,
``q(b) = c + l.b + b'Qb`` (:class:`~quark.encoding.restricted.RestrictedLinearLandscape`), and it is
*convex in the block's weights*: with ``x_w = sum coef_i b_i`` the part of weight ``w`` that the
block's bits set, ``q = c + g.x + x'Ax``, ``A`` the block's part of the Gram matrix plus the ridge
penalty. The settings below a threshold ``t`` are the points of a small lattice (each weight's
reachable values) inside the ellipsoid ``q(x) < t``. Fincke–Pohst enumeration visits those points and
the few nodes that bound them instead of all ``2**b`` settings: a warm block step's threshold is its
incumbent's loss, and nothing or almost nothing lies below it.

Exactness. The exact kernel compares the *table's* values with the threshold — what every classical
check reads — and those are sums in one fixed order (the doubling of
:func:`~quark.encoding.kernels.quadratic_table`). :func:`table_values` repeats the same additions in the
same order for single settings. The enumeration takes every point within a slack far above any
rounding of either computation, then keeps those whose table value lies below the threshold: the
same settings, in index order, as a pass over the table. Where the form is not of this shape (a
weight without place value, a penalty-free singular Gram block) or too many settings lie below, it
answers ``None`` and the caller builds the table.

Examples
--------
>>> import numpy as np
>>> from quark.encoding.kernels import quadratic_table
>>> rng = np.random.default_rng(0)
>>> F = rng.normal(size=(40, 2)); coef = np.repeat([0.1, 0.2, 0.4, 0.8], 2) * 0.5   # 2 weights, 4 bits each
>>> groups = np.tile([0, 1], 4)                          # bit i sets part of weight i % 2
>>> A = F.T @ F / 40; g = rng.normal(size=2)
>>> Q = coef[:, None] * coef[None, :] * A[groups[:, None], groups]
>>> lin = coef * g[groups]
>>> table = quadratic_table(0.3, lin, Q)
>>> t = np.sort(table)[5]                                 # five settings lie below
>>> got = settings_below(0.3, lin, Q, groups, coef, t)
>>> got.tolist() == np.flatnonzero(table < t).tolist()
True
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["settings_below", "table_values", "MAX_BELOW"]

#: Most settings the enumeration returns; past it (a cold threshold marks a large share) the table is cheaper.
MAX_BELOW = 4096
#: Nodes the enumeration may visit before it gives way to the table.
_MAX_NODES = 1 << 15
#: Slack of the enumeration, relative to the form's magnitude: far above the rounding of the table's sums
#: (``b(b+1)/2 + b`` additions: about 1e-14 relative at 16 bits) and of the enumeration's own arithmetic.
_SLACK = 1e-8
#: Relative mismatch allowed between the bit-level form and its weight-level reading.
_SHAPE_TOL = 1e-12
#: Least pivot of the weight-level form's Cholesky factor, relative to its largest diagonal entry: below it
#: the ellipsoid is too thin for the slack to cover the arithmetic, and the table is built instead.
_MIN_PIVOT = 1e-6


@njit(cache=True, nogil=True)
def _table_value(const, lin, Q, x):  # pragma: no cover - compiled
    # the additions _quadratic_table makes for entry x, in its order: x's bits from the lowest up, each
    # new top bit j adding (its step, then its cross sum over the bits below, taken from the highest down)
    v = const
    j = 0
    y = x
    while y:
        if y & 1:
            step = lin[j] + Q[j, j]
            below = x & ((1 << j) - 1)
            if below == 0:
                v = v + step
            else:
                c = 0.0
                for i in range(j - 1, -1, -1):
                    if (below >> i) & 1:
                        c = c + 2.0 * Q[i, j]
                v = (v + step) + c
        y >>= 1
        j += 1
    return v


@njit(cache=True, nogil=True)
def _table_values(const, lin, Q, idx, out):  # pragma: no cover - compiled
    for k in range(idx.size):
        out[k] = _table_value(const, lin, Q, idx[k])


def table_values(const: float, lin: np.ndarray, Q: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """``quadratic_table(const, lin, Q)[idx]`` to the last bit, without the table.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.encoding.kernels import quadratic_table
    >>> rng = np.random.default_rng(1)
    >>> Q = rng.normal(size=(6, 6)); Q = Q + Q.T; lin = rng.normal(size=6)
    >>> idx = np.array([0, 5, 63, 40])
    >>> bool((table_values(0.7, lin, Q, idx) == quadratic_table(0.7, lin, Q)[idx]).all())
    True
    """
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    out = np.empty(idx.size, dtype=np.float64)
    _table_values(float(const), np.ascontiguousarray(lin, dtype=np.float64),
                  np.ascontiguousarray(Q, dtype=np.float64), idx, out)
    return out


@njit(cache=True, nogil=True)
def _enumerate(const, lin, Q, group, coef, key, out):  # pragma: no cover - compiled
    """Settings whose table value is below ``key`` into ``out`` (unsorted); their number, -1 where the form is
    not a well-conditioned convex quadratic of the groups' values, -2 past ``out``'s size or the node budget."""
    b = lin.shape[0]
    if not np.isfinite(key) or not np.isfinite(const):
        return -1
    # groups: bits that set parts of one weight, numbered 0..G-1 in order of first appearance
    gid = np.empty(b, dtype=np.int64)
    rep = np.empty(b, dtype=np.int64)
    G = 0
    for i in range(b):
        found = -1
        for c in range(G):
            if group[rep[c]] == group[i]:
                found = c
                break
        if found < 0:
            rep[G] = i
            found = G
            G += 1
        gid[i] = found
    # the weight-level form: Q_ij = coef_i coef_j A[gi, gj], lin_i = coef_i g[gi] (checked, not assumed)
    A = np.empty((G, G))
    g = np.empty(G)
    for c in range(G):
        ic = rep[c]
        if coef[ic] == 0.0 or not np.isfinite(coef[ic]):
            return -1
        g[c] = lin[ic] / coef[ic]
        for d in range(G):
            A[c, d] = Q[ic, rep[d]] / (coef[ic] * coef[rep[d]])
    qmax = 0.0
    lmax = 0.0
    size = abs(const)
    for i in range(b):
        if not np.isfinite(lin[i]):
            return -1
        lmax = max(lmax, abs(lin[i]))
        size += abs(lin[i])
        for j in range(b):
            if not np.isfinite(Q[i, j]):
                return -1
            qmax = max(qmax, abs(Q[i, j]))
            size += abs(Q[i, j])
    for i in range(b):
        if abs(lin[i] - coef[i] * g[gid[i]]) > _SHAPE_TOL * lmax:
            return -1
        for j in range(b):
            if abs(Q[i, j] - coef[i] * coef[j] * A[gid[i], gid[j]]) > _SHAPE_TOL * qmax:
                return -1
    # Cholesky A = L L' (positive definite and not too thin, else the table)
    L = np.zeros((G, G))
    amax = 0.0
    for c in range(G):
        amax = max(amax, A[c, c])
    if not amax > 0.0:
        return -1
    for j in range(G):
        s = A[j, j]
        for k in range(j):
            s -= L[j, k] * L[j, k]
        if not s > _MIN_PIVOT * amax:
            return -1
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, G):
            s = A[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            L[i, j] = s / L[j, j]
    # centre x* = -A^{-1} g / 2 and least value f* = c + g.x*/2 of the continuous form
    z = np.empty(G)
    for i in range(G):
        s = -0.5 * g[i]
        for k in range(i):
            s -= L[i, k] * z[k]
        z[i] = s / L[i, i]
    xs = np.empty(G)
    for i in range(G - 1, -1, -1):
        s = z[i]
        for k in range(i + 1, G):
            s -= L[k, i] * xs[k]
        xs[i] = s / L[i, i]
    fstar = const
    for c in range(G):
        fstar += 0.5 * g[c] * xs[c]
    slack = _SLACK * (size + abs(key) + abs(fstar))
    r2 = key + slack - fstar
    if r2 < 0.0:
        return 0  # the whole continuous form lies above the threshold: nothing below
    # each group's reachable values (sums of its bits' place values), ascending, with their bits
    n_in = np.zeros(G, dtype=np.int64)
    for i in range(b):
        n_in[gid[i]] += 1
    start = np.zeros(G + 1, dtype=np.int64)
    for c in range(G):
        start[c + 1] = start[c] + (1 << n_in[c])
    vals = np.empty(start[G])
    masks = np.empty(start[G], dtype=np.int64)
    members = np.empty(b, dtype=np.int64)
    for c in range(G):
        m = 0
        for i in range(b):
            if gid[i] == c:
                members[m] = i
                m += 1
        for s_ in range(1 << m):
            v = 0.0
            mk = 0
            for t in range(m):
                if (s_ >> t) & 1:
                    v += coef[members[t]]
                    mk |= 1 << members[t]
            vals[start[c] + s_] = v
            masks[start[c] + s_] = mk
        seg = vals[start[c]:start[c + 1]]
        order = np.argsort(seg)
        vals[start[c]:start[c + 1]] = seg[order].copy()
        masks[start[c]:start[c + 1]] = masks[start[c]:start[c + 1]][order].copy()
    # depth-first over the groups, last first: level k adds (L[k,k] d_k + sum_{j>k} L[j,k] d_j)^2, d = x - x*
    d = np.zeros(G)
    above = np.zeros(G)  # sum_{j>k} L[j,k] d_j of level k, made when the level is entered
    rem = np.zeros(G)
    pos = np.zeros(G, dtype=np.int64)
    end = np.zeros(G, dtype=np.int64)
    chosen = np.zeros(G, dtype=np.int64)
    count = 0
    nodes = 0
    k = G - 1
    rem[k] = r2
    while True:
        # the values of level k inside the ellipsoid given the levels above: an interval around its centre
        s = 0.0
        for j in range(k + 1, G):
            s += L[j, k] * d[j]
        above[k] = s
        half = np.sqrt(max(rem[k], 0.0)) / L[k, k]
        centre = xs[k] - s / L[k, k]
        wid = 1e-9 * (abs(centre) + half) + 1e-300
        lo = centre - half - wid
        hi = centre + half + wid
        p = start[k]
        while p < start[k + 1] and vals[p] < lo:
            p += 1
        e = p
        while e < start[k + 1] and vals[e] <= hi:
            e += 1
        pos[k], end[k] = p, e
        # descend through the first value of each level, or climb back where a level is exhausted
        while True:
            if pos[k] < end[k]:
                p = pos[k]
                pos[k] += 1
                nodes += 1
                if nodes > _MAX_NODES:
                    return -2
                d[k] = vals[p] - xs[k]
                chosen[k] = masks[p]
                if k == 0:
                    x = 0
                    for c in range(G):
                        x |= chosen[c]
                    if _table_value(const, lin, Q, x) < key:
                        if count >= out.size:
                            return -2
                        out[count] = x
                        count += 1
                    continue
                t = L[k, k] * d[k] + above[k]
                rem[k - 1] = rem[k] - t * t
                k -= 1
                break
            k += 1  # back to a level entered before: the levels above it have not moved since
            if k == G:
                return count


def settings_below(const: float, lin: np.ndarray, Q: np.ndarray, group: np.ndarray, coef: np.ndarray,
                   threshold: float, limit: int = MAX_BELOW) -> np.ndarray | None:
    """The indices whose ``quadratic_table(const, lin, Q)`` value lies below ``threshold``, ascending; ``None``
    where the form is not a well-conditioned convex quadratic of its weights' values or more than ``limit``
    settings (or too many nodes) are below — then a pass over the table answers.

    ``group[i]``: the weight bit ``i`` belongs to; ``coef[i]``: what it adds to that weight.
    """
    out = np.empty(int(limit), dtype=np.int64)
    n = _enumerate(float(const), np.ascontiguousarray(lin, dtype=np.float64), np.ascontiguousarray(Q, dtype=np.float64),
                   np.ascontiguousarray(group, dtype=np.int64), np.ascontiguousarray(coef, dtype=np.float64),
                   float(threshold), out)
    if n < 0:
        return None
    return np.sort(out[:n])
