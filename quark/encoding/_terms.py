"""Polynomials over bit positions as ``{sorted tuple of positions: coefficient}``: the one form that
tables, dimod models and landscapes all compile to, and the BQM built from it."""

from __future__ import annotations

from typing import Any

import numpy as np

from quark.encoding.transforms import mobius_transform, walsh_hadamard_transform
from quark.exceptions import ProblemTooLargeError, advised

__all__ = ["coefficient_terms", "table_terms", "terms_to_bqm", "model_terms", "DEFAULT_MAX_TERMS", "RELATIVE_TOLERANCE"]

#: Largest number of monomials a polynomial / Pauli export builds by default.
DEFAULT_MAX_TERMS = 200_000
#: A coefficient counts as zero below this fraction of the largest one (after the constant is
#: taken out, so that the tolerance follows the loss's own spread, not its offset).
RELATIVE_TOLERANCE = 1e-10

_MORE_TERMS = "a landscape's loss='squared' on a linear model is quadratic: its polynomial is small"


def coefficient_terms(
    coeffs: np.ndarray, max_terms: int = DEFAULT_MAX_TERMS, *, what: str = "polynomial", note: str = _MORE_TERMS,
    constant: float = 0.0,
) -> dict[tuple[int, ...], float]:
    """The non-zero terms of a transform's coefficient vector as ``{variables: coefficient}``.

    ``coeffs[S]`` is the coefficient of the monomial over the set bits of ``S``; entries below
    :data:`RELATIVE_TOLERANCE` times the largest non-constant one are zero. ``constant`` is added to
    the ``()`` term. More than ``max_terms`` terms raises
    :class:`~quark.exceptions.ProblemTooLargeError` that advises ``max_terms`` (see
    :func:`~quark.exceptions.advised`; ``note`` ends the message).

    Examples
    --------
    >>> coefficient_terms(np.array([0.5, 0.0, 0.0, -2.0]))
    {(): 0.5, (0, 1): -2.0}
    """
    coeffs = np.asarray(coeffs, dtype=np.float64)
    scale = float(np.abs(coeffs[1:]).max(initial=0.0))
    keep = np.abs(coeffs) > RELATIVE_TOLERANCE * scale
    keep[0] = False
    idx = np.flatnonzero(keep)
    c0 = float(coeffs[0]) + float(constant)
    n_terms = idx.size + int(c0 != 0.0)
    if n_terms > max_terms:
        raise advised(ProblemTooLargeError, f"the {what} has {n_terms} terms, more than max_terms={max_terms}",
                      {"max_terms": n_terms}, note=note)
    terms = {(): c0} if c0 != 0.0 else {}
    terms.update({tuple(i for i in range(k.bit_length()) if (k >> i) & 1): float(coeffs[k]) for k in idx.tolist()})
    return terms


def table_terms(table: np.ndarray, max_terms: int = DEFAULT_MAX_TERMS, *, basis: str = "binary",
                what: str = "polynomial", note: str = _MORE_TERMS) -> dict[tuple[int, ...], float]:
    """The exact polynomial of a loss table: Möbius (``basis="binary"``, monomials of bits) or
    Walsh–Hadamard (``basis="spin"``, monomials of ``z_i = (-1)**b_i``).

    The table's minimum is taken out before transforming, so that the zero tolerance is relative
    to the spread of the losses and a loss with a tiny spread keeps its shape.

    Examples
    --------
    >>> table_terms(np.array([0.0, 1.0, 2.0, 5.0]))
    {(0,): 1.0, (1,): 2.0, (0, 1): 2.0}
    >>> t = table_terms(1.0 + 1e-12 * np.array([0.0, 1.0, 0.0, 1.0]))   # spread 1e-12: still exact
    >>> sorted(t), round(t[(0,)] * 1e12, 3)
    ([(), (0,)], 1.0)
    """
    t = np.asarray(table, dtype=np.float64)
    low = float(t.min())
    transform = mobius_transform if basis == "binary" else walsh_hadamard_transform
    return coefficient_terms(transform(t - low), max_terms, what=what, note=note, constant=low)


def model_terms(model: Any, variables: list) -> dict[tuple[int, ...], float]:
    """The terms of a BINARY dimod ``BinaryQuadraticModel`` or ``BinaryPolynomial`` over positions
    of ``variables`` (labels merged, zero coefficients dropped, the offset as ``()``)."""
    pos = {v: i for i, v in enumerate(variables)}
    terms: dict[tuple[int, ...], float] = {}
    if hasattr(model, "quadratic"):
        items = [((v,), b) for v, b in model.linear.items()]
        items += [((u, v), b) for (u, v), b in model.quadratic.items()]
        items.append(((), model.offset))
    else:
        items = list(model.items())
    for t, c in items:
        key = tuple(sorted({pos[v] for v in t}))
        terms[key] = terms.get(key, 0.0) + float(c)
    return {t: c for t, c in terms.items() if c != 0.0}


def terms_to_bqm(terms: dict[tuple[int, ...], float], n: int):
    """A BINARY ``dimod.BinaryQuadraticModel`` over ``0..n-1`` from terms of degree <= 2."""
    import dimod

    linear = np.zeros(n)
    rows, cols, vals = [], [], []
    offset = 0.0
    for t, c in terms.items():
        if len(t) == 0:
            offset += c
        elif len(t) == 1:
            linear[t[0]] += c
        elif len(t) == 2:
            rows.append(t[0])
            cols.append(t[1])
            vals.append(c)
        else:
            raise advised(ValueError, f"the problem has a term of degree {len(t)}, so it has no exact QUBO",
                          {"encoding": "reduced"}, {"encoding": "surrogate"},
                          note="'reduced' is exact, with auxiliary variables; 'surrogate' a quadratic stand-in")
    return dimod.BinaryQuadraticModel.from_numpy_vectors(
        linear, (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(vals)), offset,
        dimod.BINARY, variable_order=range(n)
    )
