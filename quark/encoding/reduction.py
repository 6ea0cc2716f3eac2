"""Reduce a higher-order binary polynomial to an equivalent QUBO, with a penalty proved to keep the minimum.

Every product of two variables inside a term of degree > 2 becomes a new auxiliary variable
``p = u*v``, enforced by the AND-gate penalty ``P * (u*v - 2*u*p - 2*v*p + 3*p)`` — what
``dimod.make_quadratic`` does, but with a deterministic choice of pairs (``make_quadratic`` iterates
over sets of string labels, so its reduction changes with ``PYTHONHASHSEED``). For tables the
polynomial is taken in the bits' sparsest polarity (:func:`sparse_polynomial`). :func:`penalty_bound`
gives a strength ``P`` *proved* to keep the minimum.
"""

from __future__ import annotations

import warnings

import numpy as np

from quark.encoding._terms import RELATIVE_TOLERANCE, coefficient_terms, terms_to_bqm
from quark.encoding.compiled_model import CompiledModel
from quark.encoding.transforms import mobius_transform
from quark.exceptions import ProblemTooLargeError, advised

__all__ = ["reduce_polynomial", "penalty_bound", "sparse_polynomial", "sparse_terms", "MAX_REDUCTION_TERMS"]

#: Largest polynomial (number of monomials) :func:`reduce_polynomial` reduces by default.
MAX_REDUCTION_TERMS = 20_000
# Relative margin above the proved penalty bound (the bound itself is already sufficient; the
# margin keeps floating-point rounding from making a violated state tie with the ground state).
PENALTY_MARGIN = 1e-6
#: What ends an error that refuses a polynomial too large to reduce.
SURROGATE_NOTE = "'surrogate' is a quadratic stand-in; the true loss is still reported"


def _term_count(table: np.ndarray, mask: int) -> tuple[int, np.ndarray]:
    t = table[np.arange(table.size, dtype=np.int64) ^ mask]
    c = mobius_transform(t - t.min())
    c[0] += t.min()
    tol = RELATIVE_TOLERANCE * float(np.abs(c[1:]).max(initial=0.0))
    return int(np.count_nonzero(np.abs(c[1:]) > tol)), c


def sparse_polynomial(table: np.ndarray, *, max_greedy_bits: int = 16) -> tuple[np.ndarray, int]:
    """Möbius coefficients of a loss table in the variables ``y_i = b_i XOR flip_i``, with few terms.

    OR-type models are dense polynomials in their bits but sparse in the complemented ones
    (``1 - prod_j (1 - w_j)`` expands to ``2**k - 1`` terms; in ``1 - w_j`` it is one term). Tries no
    flip and all flips, then (up to ``max_greedy_bits`` bits) greedy single-bit changes of the flip
    mask while they remove terms. Returns ``(coefficients over y, flip mask as an int)``.

    Examples
    --------
    >>> t = np.array([0.0, 1.0, 1.0, 1.0])          # b0 OR b1 = b0 + b1 - b0 b1
    >>> c, flip = sparse_polynomial(t)              # = 1 - y0 y1 with y = NOT b
    >>> flip, c.tolist()
    (3, [1.0, 0.0, 0.0, -1.0])
    """
    n = table.size.bit_length() - 1
    full = (1 << n) - 1
    best, coeffs = _term_count(table, 0)
    mask = 0
    cnt, c = _term_count(table, full)
    if cnt < best:
        best, coeffs, mask = cnt, c, full
    improved = n <= max_greedy_bits
    while improved:
        improved = False
        for i in range(n):
            cnt, c = _term_count(table, mask ^ (1 << i))
            if cnt < best:
                best, coeffs, mask, improved = cnt, c, mask ^ (1 << i), True
    return coeffs, mask


def sparse_terms(table: np.ndarray, max_terms: int = MAX_REDUCTION_TERMS) -> tuple[dict[tuple[int, ...], float], int]:
    """The terms of :func:`sparse_polynomial` (``{positions: coefficient}`` over the flipped bits) and the flip mask.

    Examples
    --------
    >>> sparse_terms(np.array([0.0, 1.0, 1.0, 1.0]))     # b0 OR b1 = 1 - y0 y1, y = NOT b
    ({(): 1.0, (0, 1): -1.0}, 3)
    """
    coeffs, flip = sparse_polynomial(np.asarray(table, dtype=np.float64))
    low = float(coeffs[0])
    c = coeffs.copy()
    c[0] = 0.0
    try:
        return coefficient_terms(c, max_terms, constant=low), flip
    except ProblemTooLargeError as exc:
        raise too_large_to_reduce(exc.reason, exc.alternatives) from None


def too_large_to_reduce(reason: str, alternatives=()) -> ProblemTooLargeError:
    """The error for a polynomial too large to reduce: it advises the surrogate (and ``alternatives``)."""
    return advised(ProblemTooLargeError, f"{reason}: too large to reduce to a QUBO", {"encoding": "surrogate"},
                   *alternatives, note=SURROGATE_NOTE)


# ------------------------------------------------------------------------------------------------
def penalty_bound(terms: dict[tuple[int, ...], float], n_original: int) -> float:
    """Sum of ``|c|`` over the reduced objective's terms that contain an auxiliary variable.

    With the AND-gate penalty ``pen(u, v, p) = u*v - 2*u*p - 2*v*p + 3*p`` (0 when ``p = u*v``,
    at least 1 otherwise), a strength ``P`` *above* this bound ``B`` makes every state with a wrong
    auxiliary variable cost more than the same original bits with correct products: changing the
    auxiliaries moves the objective by at most ``B`` while removing a penalty of at least ``P``.
    So the reduced model's ground states are exactly the polynomial's minima (with their products).
    """
    return float(sum(abs(c) for t, c in terms.items() if any(v >= n_original for v in t)))


def reduce_polynomial(
    poly: dict[tuple[int, ...], float],
    n_original: int,
    penalty: float | None = None,
    *,
    max_terms: int = MAX_REDUCTION_TERMS,
) -> "CompiledModel":
    """Reduce a polynomial over ``0..n_original-1`` to an equivalent BINARY BQM.

    Repeatedly substitutes the pair of variables that occurs in the most terms of degree > 2 (ties:
    the smallest pair), as ``dimod.make_quadratic`` does, but deterministically. Auxiliary
    variables are labelled ``n_original, n_original + 1, ...``.

    Parameters
    ----------
    poly : dict
        ``{sorted tuple of positions: coefficient}``.
    n_original : int
        Number of original variables.
    penalty : float, optional
        AND-gate strength. Default: just above :func:`penalty_bound`, which provably keeps the
        ground state (or 1.0 when nothing had to be reduced). A smaller value warns.
    max_terms : int
        Refuse polynomials with more monomials (the error suggests the surrogate).

    Examples
    --------
    >>> import dimod
    >>> poly = {(0, 1, 2): -2.0, (0,): 1.0}
    >>> red = reduce_polynomial(poly, 3)
    >>> red.products, red.penalty > red.penalty_bound
    ([(0, 1, 3)], True)
    >>> ss = dimod.ExactSolver().sample(red.bqm)
    >>> float(ss.first.energy), [int(ss.first.sample[i]) for i in range(3)]
    (-1.0, [1, 1, 1])
    """
    if len(poly) > max_terms:
        raise too_large_to_reduce(f"the polynomial has {len(poly)} terms, more than max_terms={max_terms}",
                                  [{"max_terms": len(poly)}])
    low: dict[frozenset, float] = {}
    high: dict[int, tuple[set[int], float]] = {}
    pair_terms: dict[tuple[int, int], set[int]] = {}

    def add_low(term, c):
        key = frozenset(term)
        low[key] = low.get(key, 0.0) + c

    def pairs(term):
        s = sorted(term)
        return [(s[i], s[j]) for i in range(len(s)) for j in range(i + 1, len(s))]

    for tid, (t, c) in enumerate(poly.items()):
        if len(t) <= 2:
            add_low(t, float(c))
        else:
            high[tid] = (set(t), float(c))
            for pr in pairs(t):
                pair_terms.setdefault(pr, set()).add(tid)

    products: list[tuple[int, int, int]] = []
    next_var = n_original
    while pair_terms:
        # The most shared pair; ties broken by the smallest pair so the reduction is deterministic.
        best = max(pair_terms, key=lambda pr: (len(pair_terms[pr]), -pr[0], -pr[1]))
        u, v = best
        p = next_var
        next_var += 1
        products.append((u, v, p))
        for tid in sorted(pair_terms[best]):
            t, c = high[tid]
            for pr in pairs(t):
                s = pair_terms.get(pr)
                if s is not None:
                    s.discard(tid)
                    if not s:
                        del pair_terms[pr]
            t = (t - {u, v}) | {p}
            if len(t) <= 2:
                del high[tid]
                add_low(t, c)
            else:
                high[tid] = (t, c)
                for pr in pairs(t):
                    pair_terms.setdefault(pr, set()).add(tid)

    objective = {tuple(sorted(k)): c for k, c in low.items() if c}
    bound = penalty_bound(objective, n_original)
    auto = penalty is None
    if auto:
        penalty = bound * (1.0 + PENALTY_MARGIN) + PENALTY_MARGIN if products else 1.0
    else:
        penalty = float(penalty)
        if not np.isfinite(penalty) or penalty <= 0:
            raise ValueError(f"'penalty' must be a positive number or None (automatic); got {penalty!r}")
        if products and penalty <= bound:
            warnings.warn(
                f"penalty={penalty:.6g} is not above the bound {bound:.6g} that guarantees the reduced "
                "QUBO keeps the polynomial's minimum; decoded losses are still verified",
                UserWarning,
                stacklevel=3,
            )
    bqm = terms_to_bqm(objective, next_var)  # every term has degree <= 2 after the reduction
    for u, v, p in products:  # AND gate p = u*v, scaled by the penalty
        bqm.add_quadratic(u, v, penalty)
        bqm.add_quadratic(u, p, -2.0 * penalty)
        bqm.add_quadratic(v, p, -2.0 * penalty)
        bqm.add_linear(p, 3.0 * penalty)
    return CompiledModel(
        bqm=bqm,
        n_original=n_original,
        encoding="reduced",
        products=products,
        penalty=float(penalty),
        penalty_bound=bound,
    )


