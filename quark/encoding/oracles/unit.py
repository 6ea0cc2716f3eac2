"""The unit oracle: a block of one unit of a quantized network, its loss compared coherently.

With every other bit of the network frozen, a block of ``b`` bits of one unit
(:class:`~quark.encoding.network.RestrictedUnit`) moves the unit's pre-activation on sample ``i``
affinely, ``a_i(x) = a0_i + x . G_i``, and each sample's loss is a function of it with one kink:

- a hidden sign unit: the loss depends only on the unit's level, ``+1`` where ``a_i >= -TIE``
  (:data:`quark.models.quantized_mlp.TIE`: ties go up), else ``-1`` — ``L_i(+1)`` or ``L_i(-1)``,
  classical data of the block like ``a0`` and ``G`` (one forward pass of the layers above per level);
- the output unit under the 0-1 loss: an error where an affine function of the score is ``>= 0``;
- the output unit under the hinge loss: ``const_i + max(0, affine function of the score)``.

So every sample has an affine ``z_i(x) = c0_i + x . g_i`` (``a_i + TIE`` for a hidden unit) and, with
``p_i`` the sample weights, ::

    loss(x) = sum_i p_i const_i + sum_i [z_i(x) >= 0] p_i (step_i + slope_i z_i(x))

(a step: ``slope = 0``, ``step = L_i(+1) - L_i(-1)``; the hinge: ``step = 0``, ``slope = 1``).
Samples that no setting of the block moves across their kink (``|c0_i|`` beyond the block's reach)
become a constant or a linear term classically (``O(m b)``), samples whose loss does not change are
dropped. For the others the circuit computes, sample group by sample group, the rounded ``Z_i(x)``
into a value register by Fourier-space addition (:mod:`~quark.encoding.oracles._fourier`), adds the
sample's amount into a loss accumulator controlled on the register's sign qubit being 0 (and on the
weight qubit, for the hinge's ``slope z`` terms), and moves the value register on to the next sample
(in Fourier space: the difference of the two samples' terms); the accumulator's sign, set where the
loss lies below the threshold, flips the phase, and everything is uncomputed
(:func:`~quark.encoding.oracles._fourier.sign_phase_oracle`).

Two roundings, both stated in ``info``:

- **kinks** — only the sign of ``z_i`` matters, so each sample has its own grid ``h_i = 2**e_i``,
  the finest on which ``|round(c0_i / h_i)| + sum_j |round(g_ij / h_i)|`` fits the
  ``value_bits``-qubit register. ``h_i Z_i(x)`` lies within sample ``i``'s sign bound of ``z_i(x)``.
  A step is exact wherever ``|z_i(x)|`` exceeds it (``info["sign_error_bounds"]``, per sample); a
  hinge is continuous at its kink, so its misjudged signs move the loss by at most ``p_i`` times the
  bound, which ``error_bound`` includes. Samples whose rounded rows agree share one computation
  (their amounts summed).
- **the loss** — the amounts are integers after an exact scaling where one exists (the 0-1 loss,
  uniform weights), else on a fixed-point grid (``bits`` / ``precision`` as for the arithmetic
  oracle). ``info["error_bound"]``: where every step is exact, a setting whose loss lies further than
  it from the threshold is marked exactly as ``loss < t``.

A search stays exact whatever the grids: every measured setting is checked classically. Hidden
``"clip"`` units (more than two levels) have no unit oracle yet.
"""

from __future__ import annotations

import math

import numpy as np

from quark.encoding.oracles._base import ThresholdOracle, below_bound
from quark.encoding.oracles._fourier import PARAM, fourier_add, inverse_qft, sign_bits, sign_phase_oracle
from quark.encoding.oracles.arithmetic import DEFAULT_PRECISION, _rounded, fixed_point_grid, integer_scaling

__all__ = ["unit_oracle", "unit_applies", "DEFAULT_VALUE_BITS"]

#: Default qubits of the pre-activation register.
DEFAULT_VALUE_BITS = 10
#: Largest block whose simulator form adds the accumulator as one diagonal per register qubit.
COMPACT_WEIGHTS = 14


def unit_applies(problem) -> bool:
    """Whether the unit oracle is coherent for a problem: a block of one unit of a quantized network with
    sign activations (a hidden unit, or the output unit under either loss)."""
    from quark.encoding.network import RestrictedUnit

    return isinstance(problem, RestrictedUnit) and (problem._mode == 1 or problem._model.activation == "sign")


def _refusal(problem) -> str:
    from quark.encoding.network import RestrictedUnit

    if not isinstance(problem, RestrictedUnit):
        return (f"the unit oracle needs a block of bits of one unit of a quantized network (a RestrictedUnit); "
                f"got {type(problem).__name__}")
    return (f"the unit oracle covers hidden units with activation='sign'; this block lies in a hidden unit with "
            f"activation={problem._model.activation!r}, whose output takes {problem._model.activation_levels().size} "
            "levels (not yet coherent: use oracle='table' or backend='statevector')")


def _pieces(problem):
    """``(c0, G, const, step, slope)``: sample ``i``'s loss is
    ``const_i + [z_i(x) >= 0] (step_i + slope_i z_i(x))`` with ``z_i(x) = c0_i + x . G_i``."""
    from quark.models.quantized_mlp import TIE

    a0, G = problem._a0, problem._G
    m = a0.size
    zero = np.zeros(m)
    if problem._mode == 0:  # hidden sign unit: level +1 where a >= -TIE
        T = problem._T
        return a0 + TIE, G, T[:, 0], T[:, 1] - T[:, 0], zero
    # the output unit: the sample's loss is f(x) with x = c + s max(L, a) (quark.encoding._network_kernels),
    # f(x) = [x >= 0] (0-1) or max(0, x) (hinge). L = -inf: x = c + s a. L finite (s = +1): where c + L >= 0,
    # x = (c + L) + max(0, a - L) >= 0 always; else x >= 0 only where a > L, so x = c + a there.
    c, sg, L = problem._c, problem._s, problem._L
    fixed = np.isfinite(L) & (c + L >= 0)
    c0 = np.where(fixed, -np.where(fixed, L, 0.0), c) + sg * a0
    g = sg[:, None] * G
    if problem.parent.loss == "zero_one":  # a fixed sample is an error whatever the block: a constant
        return np.where(fixed, 1.0, c0), np.where(fixed[:, None], 0.0, g), fixed.astype(np.float64), \
            (~fixed).astype(np.float64), zero
    return c0, g, np.where(fixed, c + np.where(fixed, L, 0.0), 0.0), zero, np.ones(m)


def _sample_grids(C: np.ndarray, value_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``C`` (``a0, G...``): integers on the finest grid ``2**e`` whose absolute sum fits
    ``value_bits`` qubits in two's complement, and the bound on ``|h A(x) - a(x)|`` over all ``x``."""
    cap = (1 << (value_bits - 1)) - 1
    spread = np.abs(C).sum(axis=1)
    e = np.floor(np.log2(np.maximum(spread, 1e-300) / cap)).astype(np.int64)
    while True:
        A = np.rint(np.ldexp(C, -e[:, None]))
        over = np.abs(A).sum(axis=1) > cap
        if not over.any():
            break
        e = e + over
    err = np.ldexp(A, e[:, None]) - C
    rest = err[:, 1:]
    # a0's error is always in; each G's only where its bit is set
    bound = np.maximum(np.abs(err[:, 0] + np.clip(rest, 0, None).sum(1)), np.abs(err[:, 0] + np.clip(rest, None, 0).sum(1)))
    return A.astype(np.int64), bound


def unit_oracle(problem, *, bits: int | None = None, value_bits: int = DEFAULT_VALUE_BITS,
                precision: int = DEFAULT_PRECISION, compact: bool = False, max_value_qubits: int = 32) -> ThresholdOracle:
    """The unit oracle of a block of one network unit: phase -1 where the (rounded) loss lies below a threshold.

    Parameters
    ----------
    problem : RestrictedUnit
        A block of bits of one unit: a hidden unit with ``activation="sign"``, or the output unit (module docstring).
    bits : int, optional
        Loss-accumulator qubits (fixes the grid of the loss). Default: an exact scaling where
        one exists, else the grid of ``precision``.
    value_bits : int
        Qubits of the pre-activation register (each sample's grid is the finest that fits).
    precision : int
        Default grid of the loss: error bound at most ``2**-precision`` of its spread.
    compact : bool
        The simulator form: the accumulator's additions as one ``DiagonalGate`` per accumulator qubit
        on it and the weights (the same marks, computed from the same rounded integers; no value
        register), up to ``COMPACT_WEIGHTS`` weights; the accumulator sized per threshold. A simulation
        shortcut (the diagonals come from the rounded value on all ``2**b`` settings, as the arithmetic
        oracle's simulator form does); the hardware form (``False``) is the circuit a device would run.
    max_value_qubits : int
        Refuse wider accumulators.

    ``info``: ``value_qubits`` and ``accumulator_qubits`` (the circuit's work registers),
    ``coherent_samples`` (those the block can move across their kink) in ``sample_groups``, ``constant``,
    ``scale`` and ``exact`` (the loss amounts scaled to integers exactly: ``error_bound`` is then 0
    under the 0-1 loss), ``error_bound``, and the steps' rounding: ``sign_error_bounds`` (per sample)
    and their maximum ``sign_error_bound`` (module docstring).

    Raises ``ValueError`` for any other problem (a hidden clip unit, a block across units), saying why.
    """
    from quark._validation import check_int

    if not unit_applies(problem):
        raise ValueError(_refusal(problem))
    check_int(bits, "bits", minimum=2, allow_none=True)
    check_int(value_bits, "value_bits", minimum=2)
    c0, G, cst, step, slope = _pieces(problem)
    p = problem.parent.p
    m, n = G.shape
    lo = c0 + np.clip(G, None, 0).sum(1)
    hi = c0 + np.clip(G, 0, None).sum(1)
    tol = 1e-9 * (np.abs(c0) + np.abs(G).sum(1)) + 1e-12  # float order of the sums
    always_up, always_down = lo >= tol, hi < -tol
    # what sample i adds where z_i >= 0: p (step + slope c0) + sum_j p slope G_ij x_j
    amounts = p[:, None] * np.column_stack([step + slope * c0, slope[:, None] * G])
    coherent = ~always_up & ~always_down & (amounts != 0).any(axis=1)
    const = float(p @ cst + amounts[always_up, 0].sum())
    linear = amounts[always_up, 1:].sum(axis=0)  # samples past their kink on every setting: linear in x
    Z, sign_bound = _sample_grids(np.column_stack([c0, G])[coherent], value_bits)
    rows, inverse = np.unique(Z, axis=0, return_inverse=True)
    per_group = np.zeros((rows.shape[0], n + 1))
    np.add.at(per_group, inverse.ravel(), amounts[coherent])  # one event, the amounts add up
    coef = np.r_[linear, per_group.ravel()]
    # the loss on an integer grid: exact where it scales (0-1 loss), else fixed point
    try:
        s = float(integer_scaling(coef.tolist()))
        ints = np.rint(coef * s).astype(np.int64)
        if sign_bits(0, int(np.abs(ints).sum()) + 1) > (bits if bits is not None else max_value_qubits):
            raise ValueError("too wide")
        bound, exact = 0.0, True
    except (ValueError, OverflowError):
        e = fixed_point_grid(coef, bits=bits, precision=precision)
        ints, bound, _ = _rounded(coef, e)
        s, exact = 2.0**-e, False
    lin, groups = ints[:n], ints[n:].reshape(-1, n + 1)
    keep = groups.any(axis=1)
    rows, groups = rows[keep], groups[keep]
    lb, ub = int(ints[ints < 0].sum()), int(ints[ints > 0].sum())
    # a hinge sample whose sign is misjudged has |z| <= its sign bound: its loss moves by at most p * slope * that
    kinked = float((p * slope)[coherent] @ sign_bound)
    exact = exact and kinked == 0.0

    def width_of(kk: int) -> int:
        return sign_bits(kk - lb, ub - kk + 1)  # V - K for V in [lb, K - 1] (marked) and [K, ub]

    wide = width_of(lb)
    if wide > max_value_qubits:
        raise ValueError(f"the loss accumulator would need {wide} qubits, more than max_value_qubits={max_value_qubits}; "
                         "set bits= to round the loss to a coarser grid")
    if compact and n > COMPACT_WEIGHTS:
        compact = False

    def build(width: int):
        return (_compact_form if compact else _hardware_form)(n, lin, rows, groups, value_bits, width)

    def k_of(threshold: float) -> int:
        # C + V / s < t  <=>  V < s (t - C)
        return below_bound((threshold - const) * s if math.isfinite(threshold) else threshold, lb, ub)

    circuit, k = build(wide)
    steps = coherent & (step != 0)
    info = {
        "weight_qubits": n,
        "value_qubits": 0 if compact else value_bits,
        "accumulator_qubits": wide,
        "samples": m,
        "coherent_samples": int(coherent.sum()),
        "sample_groups": int(rows.shape[0]),
        "constant": const,
        "scale": s,
        "exact": exact,
        "error_bound": bound + kinked,
        "bounds": (lb, ub),
        # per sample (0 where its step is fixed or it has none): a step is exact beyond it; the hinge's
        # samples (no step) are in error_bound already
        "sign_error_bounds": _scatter(coherent, sign_bound) * steps,
        "sign_error_bound": float((_scatter(coherent, sign_bound) * steps).max(initial=0.0)),
        "form": "compact" if compact else "hardware",
    }
    orc = ThresholdOracle("unit", n, circuit, k, info, k_of)
    if compact:
        orc._width_of, orc._build, orc._shapes = width_of, build, {wide: (circuit, k)}
    return orc


def _scatter(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    out = np.zeros(mask.size)
    out[mask] = values
    return out


def _hardware_form(n: int, lin: np.ndarray, rows: np.ndarray, groups: np.ndarray, value_bits: int, width: int):
    """``U^dagger Z U``: per sample group, its ``z`` into the value register, its amounts into the
    accumulator where the register's sign is 0, the register moved on to the next group."""
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import QFTGate

    w = QuantumRegister(n, "w")
    val = QuantumRegister(value_bits, "preact")
    acc = QuantumRegister(width, "loss")
    k = Parameter(PARAM)
    U = QuantumCircuit(w, val, acc, name="unit_loss")
    sign = val[value_bits - 1]
    U.h(acc)
    fourier_add(U, list(acc), -k)  # the accumulator holds V(x) - K
    for j in np.flatnonzero(lin):
        fourier_add(U, list(acc), int(lin[j]), [w[int(j)]])
    U.h(val)
    prev = np.zeros(n + 1, dtype=np.int64)
    for row, amount in zip(rows, groups):
        step = row - prev
        fourier_add(U, list(val), int(step[0]))
        for j in np.flatnonzero(step[1:]):
            fourier_add(U, list(val), int(step[1 + j]), [w[int(j)]])
        inverse_qft(U, list(val))
        U.x(sign)  # the amounts count where z >= 0: the sign qubit is 0
        if amount[0]:
            fourier_add(U, list(acc), int(amount[0]), [sign])
        for j in np.flatnonzero(amount[1:]):
            fourier_add(U, list(acc), int(amount[1 + j]), [sign, w[int(j)]])
        U.x(sign)
        U.append(QFTGate(value_bits), list(val))
        prev = row
    fourier_add(U, list(val), -int(prev[0]))
    for j in np.flatnonzero(prev[1:]):
        fourier_add(U, list(val), -int(prev[1 + j]), [w[int(j)]])
    U.h(val)
    inverse_qft(U, list(acc))
    oracle = sign_phase_oracle(U, acc[width - 1])
    oracle.name = "unit_oracle"
    return oracle, k


def _compact_form(n: int, lin: np.ndarray, rows: np.ndarray, groups: np.ndarray, value_bits: int, width: int):
    """The simulator form: the accumulator's value ``V(x)`` (the same rounded integers) added as one
    ``DiagonalGate`` per accumulator qubit on it and the weights; no value register."""
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import DiagonalGate

    from quark.encoding.oracles._fourier import fourier_order

    w = QuantumRegister(n, "w")
    acc = QuantumRegister(width, "loss")
    k = Parameter(PARAM)
    U = QuantumCircuit(w, acc, name="unit_loss")
    x1 = np.column_stack([np.ones(1 << n, dtype=np.int64), (np.arange(1 << n)[:, None] >> np.arange(n)) & 1])
    value = x1[:, 1:] @ lin
    for row, amount in zip(rows, groups):
        value += np.where(x1 @ row >= 0, x1 @ amount, 0)
    U.h(acc)
    order = fourier_order(list(acc), swaps=False)
    fourier_add(U, order, -k)
    for j, q in enumerate(order):
        turn = (value * (1 << j)) % (1 << width) / (1 << width)
        if turn.any():
            U.append(DiagonalGate(np.r_[np.ones(1 << n), np.exp(2j * np.pi * turn)].tolist()), list(w) + [q])
    inverse_qft(U, list(acc), swaps=False)
    oracle = sign_phase_oracle(U, acc[width - 1])
    oracle.name = "unit_oracle"
    return oracle, k
