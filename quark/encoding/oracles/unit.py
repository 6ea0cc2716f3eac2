"""The unit oracle: a block of one unit of a quantized network, its loss compared coherently.

With every other bit of the network frozen, a block of ``b`` bits of one unit
(:class:`~quark.encoding.network.RestrictedUnit`) moves the unit's pre-activation on sample ``i``
affinely, ``a_i(x) = a0_i + x . G_i``. For a hidden sign unit the sample's loss depends only on the
unit's output level, ``+1`` where ``a_i >= -TIE`` (:data:`quark.models.quantized_mlp.TIE`: ties go
up), else ``-1``: ``L_i(+1)`` or ``L_i(-1)``, classical data of the block like ``a0`` and ``G`` (one
forward pass of the layers above per level). Under the 0-1 loss the output unit is the same kind of
step: sample ``i`` is an error where an affine function of its score is ``>= 0``. So every sample
has an affine ``z_i(x) = c0_i + x . g_i`` (``a_i + TIE`` for a hidden unit) and, with ``p_i`` the
sample weights, ::

    loss(x) = sum_i p_i L0_i + sum_i D_i [z_i(x) >= 0],      D_i = p_i (L1_i - L0_i).

Samples whose step no block setting can change (``|c0_i|`` beyond the block's reach) and samples
with ``D_i = 0`` go into the constant classically (``O(m b)``). For the others the circuit computes,
sample group by sample group, the rounded ``Z_i(x)`` into a value register by Fourier-space addition
(:mod:`~quark.encoding.oracles._fourier`), adds ``-D_i`` into a loss accumulator controlled on its
sign qubit (plus ``D_i`` unconditionally), and moves the value register on to the next sample (in
Fourier space: the difference of the two samples' terms); the accumulator's sign, set where the loss
lies below the threshold, flips the phase, and everything is uncomputed
(:func:`~quark.encoding.oracles._fourier.sign_phase_oracle`).

Two roundings, both stated in ``info``:

- **steps** — only the sign of ``z_i`` matters, so each sample has its own grid ``h_i = 2**e_i``,
  the finest on which ``|round(c0_i / h_i)| + sum_j |round(g_ij / h_i)|`` fits the
  ``value_bits``-qubit register. ``h_i Z_i(x)`` lies within ``info["sign_error_bounds"][i]`` of
  ``z_i(x)``, so the step is exact wherever ``|z_i(x)|`` exceeds it. Samples whose rounded rows
  agree share one computation (their ``D`` summed).
- **loss steps** — the ``D`` are integers after an exact scaling where one exists (the 0-1 loss,
  uniform weights), else on a fixed-point grid (``bits`` / ``precision`` as for the arithmetic
  oracle); ``info["error_bound"]`` bounds the difference. Where every step is exact, a setting whose
  loss lies further than ``error_bound`` from the threshold is marked exactly as ``loss < t``.

A search stays exact whatever the grids: every measured setting is checked classically. The output
unit under the hinge loss and ``"clip"`` activations have no unit oracle yet.
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
    """Whether the unit oracle is coherent for a problem: a block of one unit of a quantized network whose
    samples' losses are steps of affine functions of the bits (a hidden sign unit; the output unit under
    the 0-1 loss)."""
    from quark.encoding.network import RestrictedUnit

    if not isinstance(problem, RestrictedUnit):
        return False
    if problem._mode == 0:
        return problem._model.activation == "sign"
    return problem.parent.loss == "zero_one"


def _refusal(problem) -> str:
    from quark.encoding.network import RestrictedUnit

    if not isinstance(problem, RestrictedUnit):
        return (f"the unit oracle needs a block of bits of one unit of a quantized network (a RestrictedUnit); "
                f"got {type(problem).__name__}")
    if problem._mode != 0:
        return ("the unit oracle covers hidden sign units and the output unit under loss='zero_one'; this block "
                "lies in the output unit under the hinge loss, a piecewise-linear function of a real-valued score "
                "(not yet coherent: use oracle='table' or backend='statevector')")
    return (f"the unit oracle covers sign activations; this network uses activation="
            f"{problem._model.activation!r} (not yet coherent: use oracle='table' or backend='statevector')")


def _steps(problem):
    """``(c0, G, L0, L1)``: sample ``i``'s loss is ``L1_i`` where ``c0_i + x . G_i >= 0``, else ``L0_i``."""
    from quark.models.quantized_mlp import TIE

    a0, G = problem._a0, problem._G
    if problem._mode == 0:  # hidden sign unit: level +1 where a >= -TIE
        return a0 + TIE, G, problem._T[:, 0], problem._T[:, 1]
    # output unit, 0-1 loss: an error where x = c + s max(L, a) >= 0 (quark.encoding._network_kernels)
    c, s, L = problem._c, problem._s, problem._L
    fixed = np.isfinite(L) & (c + L >= 0)  # max(L, a) >= L already makes it an error (s = +1 there)
    ones = np.ones_like(c)
    # s = -1 (L = -inf): c - a >= 0;  s = +1: c + max(L, a) >= 0 <=> c + a >= 0 where c + L < 0
    return s * a0 + c, s[:, None] * G, np.where(fixed, 1.0, 0.0), ones


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
    """The unit oracle of a hidden sign unit's block: phase -1 where the (rounded) loss lies below a threshold.

    Parameters
    ----------
    problem : RestrictedUnit
        A block of bits of one hidden unit with ``activation="sign"`` (module docstring).
    bits : int, optional
        Loss-accumulator qubits (fixes the grid of the loss steps). Default: an exact scaling where
        one exists, else the grid of ``precision``.
    value_bits : int
        Qubits of the pre-activation register (each sample's grid is the finest that fits).
    precision : int
        Default grid of the loss steps: error bound at most ``2**-precision`` of their spread.
    compact : bool
        The simulator form: the accumulator's additions as one ``DiagonalGate`` per accumulator qubit
        on it and the weights (the same marks, computed from the same rounded integers; no value
        register), up to ``COMPACT_WEIGHTS`` weights; the accumulator sized per threshold. The hardware
        form (``False``) is the circuit a device would run.
    max_value_qubits : int
        Refuse wider accumulators.

    Raises ``ValueError`` for any other problem (an output unit, a clip activation), saying why.
    """
    from quark._validation import check_int

    if not unit_applies(problem):
        raise ValueError(_refusal(problem))
    check_int(bits, "bits", minimum=2, allow_none=True)
    check_int(value_bits, "value_bits", minimum=2)
    a0, G, L0, L1 = _steps(problem)
    p = problem.parent.p
    m, n = G.shape
    lo = a0 + np.clip(G, None, 0).sum(1)
    hi = a0 + np.clip(G, 0, None).sum(1)
    tol = 1e-9 * (np.abs(a0) + np.abs(G).sum(1)) + 1e-12  # float order of the sums
    always_up, always_down = lo >= tol, hi < -tol
    D = p * (L1 - L0)
    coherent = ~always_up & ~always_down & (D != 0)
    const = float(p @ L0 + D[always_up].sum())
    A, sign_bound = _sample_grids(np.column_stack([a0, G])[coherent], value_bits)
    rows, inverse = np.unique(A, axis=0, return_inverse=True)
    Dg = np.bincount(inverse.ravel(), weights=D[coherent], minlength=rows.shape[0])
    # the loss steps on an integer grid: exact where they scale (0-1 loss), else fixed point
    try:
        s = float(integer_scaling(Dg.tolist())) if Dg.size else 1.0
        ints = np.rint(Dg * s).astype(np.int64)
        if sign_bits(0, int(np.abs(ints).sum()) + 1) > (bits if bits is not None else max_value_qubits):
            raise ValueError("too wide")
        bound, exact = 0.0, True
    except (ValueError, OverflowError):
        e = fixed_point_grid(Dg, bits=bits, precision=precision)
        ints, bound, _ = _rounded(Dg, e)
        s, exact = 2.0**-e, False
    keep = ints != 0
    rows, ints = rows[keep], ints[keep]
    lb, ub = int(ints[ints < 0].sum()), int(ints[ints > 0].sum())

    def width_of(kk: int) -> int:
        return sign_bits(kk - lb, ub - kk + 1)  # V - K for V in [lb, K - 1] (marked) and [K, ub]

    wide = width_of(lb)
    if wide > max_value_qubits:
        raise ValueError(f"the loss accumulator would need {wide} qubits, more than max_value_qubits={max_value_qubits}; "
                         "set bits= to round the loss steps to a coarser grid")
    if compact and n > COMPACT_WEIGHTS:
        compact = False

    def build(width: int):
        return (_compact_form if compact else _hardware_form)(n, rows, ints, value_bits, width)

    def k_of(threshold: float) -> int:
        # C + V / s < t  <=>  V < s (t - C)
        return below_bound((threshold - const) * s if math.isfinite(threshold) else threshold, lb, ub)

    circuit, k = build(wide)
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
        "error_bound": bound,
        "bounds": (lb, ub),
        "sign_error_bound": float(sign_bound.max(initial=0.0)),
        # per sample (0 where its level is fixed or it does not count): levels are exact beyond it
        "sign_error_bounds": _scatter(coherent, sign_bound),
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


def _hardware_form(n: int, rows: np.ndarray, ints: np.ndarray, value_bits: int, width: int):
    """``U^dagger Z U``: per sample group, its pre-activation into the value register, its loss step
    into the accumulator on the register's sign, the register moved on to the next group."""
    from qiskit import QuantumCircuit, QuantumRegister
    from qiskit.circuit import Parameter
    from qiskit.circuit.library import QFTGate

    w = QuantumRegister(n, "w")
    val = QuantumRegister(value_bits, "preact")
    acc = QuantumRegister(width, "loss")
    k = Parameter(PARAM)
    U = QuantumCircuit(w, val, acc, name="unit_loss")
    U.h(acc)
    fourier_add(U, list(acc), int(ints.sum()) - k)  # V - K with V = sum_g D_g - sum_g D_g [A_g < 0]
    U.h(val)
    prev = np.zeros(n + 1, dtype=np.int64)
    for row, d in zip(rows, ints.tolist()):
        step = row - prev
        fourier_add(U, list(val), int(step[0]))
        for j in np.flatnonzero(step[1:]):
            fourier_add(U, list(val), int(step[1 + j]), [w[int(j)]])
        inverse_qft(U, list(val))
        fourier_add(U, list(acc), -d, [val[value_bits - 1]])
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


def _compact_form(n: int, rows: np.ndarray, ints: np.ndarray, value_bits: int, width: int):
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
    bits = ((np.arange(1 << n, dtype=np.int64)[:, None] >> np.arange(n)) & 1)
    value = np.zeros(1 << n, dtype=np.int64)
    for row, d in zip(rows, ints.tolist()):
        value += np.where(row[0] + bits @ row[1:] >= 0, d, 0)
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
