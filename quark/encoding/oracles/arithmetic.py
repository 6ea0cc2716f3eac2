"""The arithmetic oracle: a QUBO / HUBO with real coefficients, summed in a two's-complement register.

The energy ``E(x) = offset + sum_t c_t prod_{i in t} x_i`` is added term by term into a value
register held in Fourier space (Gilliam et al., arXiv:1912.04088: Grover adaptive search for
constrained polynomial binary optimization); the register's sign bit, set where
``E(x) < threshold``, flips the phase, and everything is uncomputed.

A register adds integers, so the coefficients are put on a grid first:

- **exact** — coefficients that are fractions with a small common denominator ``s`` (integer or
  dyadic QUBOs, squared losses on 0/1 or ±1 data) are scaled by ``s``; marks are exactly
  ``E(x) < t``.
- **fixed point** — otherwise (every landscape on real-valued features) each coefficient is
  rounded to the nearest multiple of ``h = 2**e``. The circuit then compares the *rounded* energy
  ``R(x)`` with ``t``. Every rounding error ``e_t = h round(c_t / h) - c_t`` is known, so
  ``|R(x) - E(x)| <= max(sum_t max(e_t, 0), sum_t max(-e_t, 0))`` for every ``x``: the oracle's
  :attr:`~quark.encoding.oracles.ThresholdOracle.error_bound`. A setting further than the bound
  from the threshold is marked exactly as ``E(x) < t`` would mark it.

``bits`` fixes the value register's width (the grid is then the finest that fits); by default the
grid is the coarsest whose error bound is at most ``2**-DEFAULT_PRECISION`` of the landscape's
spread (the register's range, ``sum_t |c_t|``). A search stays exact whatever the grid: every
measured setting is checked classically on its exact loss.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Sequence

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.oracles._base import ThresholdOracle, below_bound
from quark.encoding.oracles._fourier import PARAM, fourier_add, fourier_add_terms, fourier_order, inverse_qft
from quark.encoding.oracles._fourier import sign_bits, sign_phase_oracle
from quark.encoding.problem import as_problem

__all__ = ["arithmetic_oracle", "integer_scaling", "is_exactly_scalable", "has_polynomial_form",
           "fixed_point_grid", "DEFAULT_PRECISION"]

#: Largest weight register whose simulator form (``blocks=True``) adds all terms as one diagonal per
#: register qubit (``2**(n+1)`` entries each).
WIDE_BLOCK_WEIGHTS = 14
#: Default grid: the rounding error bound is at most ``2**-DEFAULT_PRECISION`` of the spread.
DEFAULT_PRECISION = 9


def has_polynomial_form(problem) -> bool:
    """Whether a problem's polynomial is known symbolically (no loss table needed to write it)."""
    from quark.encoding.problem import PolynomialProblem, RestrictedProblem

    p = as_problem(problem)
    if p.is_quadratic:
        return True
    while isinstance(p, RestrictedProblem):
        p = p.parent
    return isinstance(p, PolynomialProblem)


def _polynomial_terms(problem) -> tuple[list, dict[tuple[int, ...], float], float]:
    """``(variables, {sorted position tuple: coefficient}, offset)`` of a QUBO / HUBO problem."""
    p = as_problem(problem)
    if not has_polynomial_form(p):
        if p.classifies:
            what = f"model={p.model.name!r}, loss={p.loss!r}" if isinstance(p, LossLandscape) else repr(p)
            raise ValueError(
                f"the arithmetic oracle needs a landscape whose loss is a known polynomial of the bits (the squared "
                f"loss of a linear model); got {what} (use oracle='counting' for a 0-1 loss of a Boolean model, or "
                "oracle='table' for a small landscape, whose 2**n losses are then computed classically)"
            )
        raise TypeError(
            "the arithmetic oracle takes a dimod BinaryQuadraticModel or BinaryPolynomial, a binary "
            f"QuadraticProgram or a quadratic LossLandscape; got {type(problem).__name__}"
        )
    terms = dict(p.polynomial(max_terms=1 << 62))
    offset = terms.pop((), 0.0)
    return list(p.variables), terms, float(offset)


def integer_scaling(coefficients: Sequence[float], *, max_denominator: int = 1 << 16) -> int:
    """The smallest positive integer ``s`` with every ``s * c`` an integer (to float precision).

    Raises ``ValueError`` when some coefficient is not a fraction with denominator
    ``<= max_denominator`` (e.g. ``sqrt(2)``): exact integer arithmetic is then impossible.

    Examples
    --------
    >>> integer_scaling([0.5, 1.0, -0.25])
    4
    >>> integer_scaling([1 / 3, 2.0])
    3
    """
    scale = 1
    for c in coefficients:
        c = float(c)
        if not np.isfinite(c):
            raise ValueError(f"coefficients must be finite; got {c!r}")
        f = Fraction(c).limit_denominator(max_denominator)
        if abs(float(f) - c) > 8 * np.finfo(float).eps * max(abs(c), 1e-300):
            raise ValueError(
                f"coefficient {c!r} is not an exact fraction with denominator <= {max_denominator}, so the "
                "problem does not scale to exact integers (the arithmetic oracle rounds it to a fixed-point grid)"
            )
        scale = scale * f.denominator // math.gcd(scale, f.denominator)
    return int(scale)


def is_exactly_scalable(problem) -> bool:
    """Whether a QUBO / HUBO has coefficients that scale to exact integers (the oracle then rounds nothing)."""
    try:
        _, terms, offset = _polynomial_terms(problem)
        integer_scaling([offset, *terms.values()])
    except (ValueError, TypeError):
        return False
    return True


def _rounded(c: np.ndarray, e: int) -> tuple[np.ndarray, float, int]:
    """``(integers, error bound, register width)`` of coefficients ``c`` on the grid ``2**e``."""
    a = np.rint(np.ldexp(c, -e))
    err = np.ldexp(a, e) - c
    bound = max(float(err[err > 0].sum()), float(-err[err < 0].sum()))
    return a.astype(np.int64), bound, sign_bits(0, int(np.abs(a).sum()) + 1)


def fixed_point_grid(coefficients, *, bits: int | None = None, precision: int = DEFAULT_PRECISION) -> int:
    """The exponent ``e`` of the grid ``2**e`` the arithmetic oracle rounds ``coefficients`` to.

    ``bits``: the finest grid whose value register (``1 + bit_length(sum |round(c / 2**e)|)``
    qubits) has at most ``bits`` qubits. Else the coarsest grid whose error bound is at most
    ``2**-precision`` of the spread ``sum |c|``.

    Examples
    --------
    >>> fixed_point_grid([0.3, -1.7, 2.2], bits=6)       # 4.2 / 2**-3 = 33.6: 1 + 6 bits is too many
    -2
    """
    c = np.asarray(list(coefficients), dtype=np.float64)
    spread = float(np.abs(c).sum())
    if spread == 0.0:
        return 0
    top = math.frexp(spread)[1]  # 2**(top-1) <= spread < 2**top
    if bits is not None:
        e = top - int(bits)
        while e < top + 2 and _rounded(c, e)[2] > bits:
            e += 1
        return e
    e = top
    while _rounded(c, e)[1] > spread * 2.0**-precision and e > top - 60:
        e -= 1
    return e


def arithmetic_oracle(problem, *, bits: int | None = None, precision: int = DEFAULT_PRECISION,
                      max_denominator: int = 1 << 16, max_value_qubits: int = 32, narrow: bool = False,
                      swaps: bool = True, blocks: bool = False) -> ThresholdOracle:
    """The arithmetic oracle of a QUBO / HUBO: phase -1 where the (rounded) energy lies below a threshold.

    Coefficients that scale to integers exactly (:func:`integer_scaling`, within ``bits`` or
    ``max_value_qubits``) are scaled; others are rounded to a fixed-point grid (module docstring;
    ``info["exact"]`` says which, ``info["error_bound"]`` how far the compared energy may lie from
    the exact one). The value register holds ``V(x) - K`` with ``V`` the integer energy and
    ``K`` the integer bound of the threshold, and is wide enough for every value in the energy's
    integer bounds ``[lb, ub]``: it cannot overflow. Terms of degree ``d`` become phase gates with
    ``d`` controls, so a ``BinaryPolynomial`` of any degree works.

    Parameters
    ----------
    problem : dimod.BinaryQuadraticModel, dimod.BinaryPolynomial, QuadraticProgram, or SearchProblem
        A landscape must have a symbolic polynomial (squared loss on a linear model; its
        restrictions, as block search makes them).
    bits : int, optional
        Value-register qubits (fixes the grid). Default: an exact scaling where one exists, else
        the grid of ``precision``.
    precision : int
        Default grid: error bound at most ``2**-precision`` of the spread.
    max_denominator : int
        Largest denominator of an exact scaling.
    max_value_qubits : int
        Refuse larger value registers.
    narrow, swaps, blocks
        Simulator forms: per-threshold register widths (:meth:`ThresholdOracle.at`), the inverse
        QFT's final reversal, and diagonal gates (see
        :func:`~quark.encoding.oracles.choose_threshold_oracle`): up to ``WIDE_BLOCK_WEIGHTS``
        weights, all terms as one ``DiagonalGate`` per register qubit on it and the weights (the
        same unitary, ``b`` statevector passes instead of ``terms * b``); beyond, ten-qubit blocks
        for terms on few weights. They never change the marks; the hardware form (all off) is the
        circuit a device would run.

    Examples
    --------
    >>> import dimod
    >>> bqm = dimod.BinaryQuadraticModel({0: 1.5, 1: -1.0}, {(0, 1): -2.0}, 0.5, "BINARY")
    >>> orc = arithmetic_oracle(bqm)
    >>> orc.info["scale"], orc.info["bounds"], orc.info["value_qubits"], orc.error_bound
    (2, (-5, 4), 5, 0.0)
    >>> orc.threshold_value(0.0)       # 2*E < 0
    0
    >>> real = dimod.BinaryQuadraticModel({0: 0.3137, 1: -1.0}, {(0, 1): 0.71}, 0.0, "BINARY")
    >>> rounded = arithmetic_oracle(real, bits=6)
    >>> rounded.info["exact"], rounded.info["value_qubits"], rounded.error_bound <= 2.0**-3   # grid 1/8
    (False, 6, True)
    """
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter

    from quark._validation import check_int

    check_int(bits, "bits", minimum=2, allow_none=True)
    check_int(precision, "precision", minimum=0)
    variables, terms, offset = _polynomial_terms(problem)
    n = len(variables)
    keys = sorted(terms)
    coef = np.array([terms[t] for t in keys], dtype=np.float64)
    if not np.isfinite(coef).all() or not math.isfinite(offset):
        raise ValueError("the arithmetic oracle needs finite coefficients")
    exact = True
    try:
        s = integer_scaling([offset, *coef], max_denominator=max_denominator)
        ints = np.rint(coef * s).astype(np.int64)
        ioff, shift, bound = int(round(offset * s)), 0.0, 0.0
        span = int(np.abs(ints).sum()) + abs(ioff)
        if sign_bits(0, span + 1) > (bits if bits is not None else max_value_qubits):
            raise ValueError("too wide")  # an exact scaling that does not fit: round instead
    except (ValueError, OverflowError):
        exact = False
        e = fixed_point_grid(coef, bits=bits, precision=precision)
        ints, bound, _ = _rounded(coef, e)
        s = 2.0**-e
        ioff, shift = 0, offset  # the offset stays exact: it moves the threshold, not the register
    iterms = {t: int(a) for t, a in zip(keys, ints.tolist()) if a}
    lb = ioff + sum(min(c, 0) for c in iterms.values())
    ub = ioff + sum(max(c, 0) for c in iterms.values())

    def width_of(kk: int) -> int:
        return sign_bits(kk - lb, ub - kk + 1)  # V - K for V in [lb, K - 1] (marked) and [K, ub]

    b = width_of(lb)  # the widest: 1 + bit_length(ub - lb), every K in [lb, ub + 1]
    if b > max_value_qubits:
        raise ValueError(
            f"the value register would need {b} qubits (scale {s}, integer energy range [{lb}, {ub}]), more "
            f"than max_value_qubits={max_value_qubits}; set bits= to round the coefficients to a coarser grid"
        )

    def build(width: int):
        w = QuantumRegister(n, "w")
        val = QuantumRegister(width, "value")
        k = Parameter(PARAM)
        U = QuantumCircuit(w, val, name="energy")
        U.h(val)
        order = fourier_order(list(val), swaps=swaps)
        fourier_add(U, order, ioff - k)
        if blocks and n <= WIDE_BLOCK_WEIGHTS:
            _wide_blocks(U, list(w), order, iterms)
        else:
            fourier_add_terms(U, order, [([w[i] for i in t], c) for t, c in sorted(iterms.items())], blocks=blocks)
        inverse_qft(U, list(val), swaps=swaps)
        oracle = sign_phase_oracle(U, val[width - 1])
        oracle.name = "arithmetic_oracle"
        return oracle, k

    def k_of(threshold: float) -> int:
        # R(x) < T  <=>  V(x) < s * (T - shift): the integer bound, clamped to the energy range
        return below_bound((threshold - shift) * s if math.isfinite(threshold) else threshold, lb, ub)

    circuit, k = build(b)
    info = {
        "weight_qubits": n,
        "value_qubits": b,
        "scale": s,
        "exact": exact,
        "error_bound": bound,
        "grid": 1.0 / s,
        "bounds": (lb, ub),
        "terms": len(iterms),
        "degree": max((len(t) for t in iterms), default=0),
        "variables": variables,
    }
    orc = ThresholdOracle("arithmetic", n, circuit, k, info, k_of)
    if narrow:
        orc._width_of, orc._build, orc._shapes = width_of, build, {b: (circuit, k)}
    return orc


def _wide_blocks(qc, weights: list, order: list, iterms: dict) -> None:
    """The terms' Fourier additions as one ``DiagonalGate`` per register qubit, on it and every weight.

    The same unitary as one phase gate per (term, register qubit): register qubit ``order[j]``
    turns by ``2 pi 2**j V(w) / 2**b`` where ``V(w) = sum_t a_t prod_{i in t} w_i``. ``b`` passes
    over the statevector instead of ``terms * b``: the simulator form of a dense QUBO, whose terms
    on few weights leave no room for the ten-qubit blocks once the register is wide.
    """
    from qiskit.circuit.library import DiagonalGate

    n, b = len(weights), len(order)
    bits = ((np.arange(1 << n, dtype=np.int64)[:, None] >> np.arange(n)) & 1).astype(bool)
    value = np.zeros(1 << n, dtype=np.int64)
    for t, a in iterms.items():
        value += np.where(bits[:, list(t)].all(axis=1), a, 0)
    for j, q in enumerate(order):
        turn = (value * (1 << j)) % (1 << b) / (1 << b)  # exact integer arithmetic before the angle
        if not turn.any():
            continue
        qc.append(DiagonalGate(np.r_[np.ones(1 << n), np.exp(2j * np.pi * turn)].tolist()), weights + [q])


