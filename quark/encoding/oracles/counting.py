"""The coherent counting oracle: the 0-1 loss of a model with a reversible form, counted in a register.

The landscape, or a restriction of it (a block search's), is reduced first to what the register
counts (:func:`~quark.encoding.oracles._counted.counted_register`): a gated OR on the register's
qubits, the samples' classes and weights, the ridge penalty's terms.

Two circuit forms of the same oracle (``form=``):

- ``"ancilla"`` — per class of samples, the model's output into one ancilla (a multi-controlled X on
  the selected weights and a CX from the polarity bit), a controlled Fourier-space addition, the
  ancilla uncomputed. Fewest two-qubit gates once synthesized: the form for hardware.
- ``"phase"`` — no ancilla. The weights are held complemented (``w̄``; an X on each weight at both
  ends), so a class's output is ``p̄ XOR AND(w̄_selected)`` and its addition is one multi-controlled
  phase per counter qubit on the selected weights; the polarity flips the sign of the accumulated
  sum (a CX from ``p̄`` to every counter qubit, which negates a Fourier-space value up to a phase
  that the uncomputation removes). One qubit fewer and gates with many controls, which a statevector
  simulator applies to a small slice of the amplitudes: the form for Aer.

``narrow=True`` sizes the counter from the bounds ``[cmin, cmax]`` of the count (classes whose
samples disagree always contribute their minority) and, per threshold, uses the narrowest counter
that holds every ``K - 1 - count``: two circuit shapes at most, each parametric in ``K``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from quark.encoding.oracles._base import ThresholdOracle, below_bound
from quark.encoding.oracles._fourier import (
    PARAM,
    fourier_add,
    fourier_add_terms,
    fourier_order,
    inverse_qft,
    sign_bits,
    sign_phase_oracle,
)
from quark.encoding.oracles._counted import LOSS_FACTORS, count_terms, counted_register
from quark.encoding.oracles.arithmetic import DEFAULT_PRECISION, _rounded, fixed_point_grid, integer_scaling
from quark.encoding.problem import SearchProblem

__all__ = ["counting_oracle", "COUNTING_FORMS", "LOSS_FACTORS"]

#: Circuit forms of the counting oracle.
COUNTING_FORMS = ("ancilla", "phase")


def counting_oracle(landscape: "SearchProblem", *, form: str = "ancilla", narrow: bool = False,
                    blocks: bool = False, bits: int | None = None, precision: int = DEFAULT_PRECISION) -> ThresholdOracle:
    """The coherent counting oracle of a Boolean model's landscape: weighted correct counts, the ridge penalty.

    Samples with the same gate features ``u(x)`` (:meth:`GatedOrForm.gate_features`) share one
    correctness circuit: a class with positive weight ``mu1`` and negative weight ``mu0`` (sample
    counts, or sums of sample weights) adds ``mu0 + (mu1 - mu0) * out(w)`` to the weighted count
    ``C(w)``, one controlled addition per distinct feature row. A Boolean model scores ±1, so every
    loss it offers is ``f * (T - C) / T`` (``f`` = 1, 4, 2 for the 0-1, squared and hinge losses,
    ``T`` the total weight), and the ridge penalty ``P(w)`` (``alpha`` times a quadratic in the
    weight bits) is added before the comparison: the register holds ``K - 1 - G(w)`` in two's
    complement for ``G = C - (T / f) P`` on an integer grid, and its sign qubit is 1 exactly when
    ``G >= K``, i.e. where ``loss < threshold``.

    Integer sample weights (and penalties that scale to integers, e.g. ``class_weight="balanced"``'s
    fractions) are exact. Otherwise the class weights and penalty coefficients are rounded to a
    fixed-point grid as in :func:`~quark.encoding.oracles.arithmetic_oracle` (``bits`` /
    ``precision``), and ``info["error_bound"]`` bounds ``|compared loss - loss|``.

    A restriction of such a landscape (a block search's :class:`~quark.encoding.problem.RestrictedProblem`,
    nested or not) gets the same circuit on its free bits: the frozen weights enter as classically
    precomputed per-sample data (:mod:`~quark.encoding.oracles._counted`), and the marks are exactly
    ``restricted loss < threshold``; ``info`` then also gives ``frozen_qubits`` and ``forced_samples``.
    Every restriction uses the landscape's grid and holds the landscape's counter in its widest
    shape (:attr:`ThresholdOracle.circuit`), so all blocks of a landscape need the same qubits.

    Parameters
    ----------
    landscape : LossLandscape or RestrictedProblem
        Any loss of a model with a reversible form, with or without sample weights and ``alpha``,
        or a restriction of one.
    form : {"ancilla", "phase"}
        Circuit form (module docstring): ``"ancilla"`` for hardware, ``"phase"`` for simulators.
    narrow : bool
        Counter sized from the count's bounds, narrowest per threshold (:meth:`ThresholdOracle.at`);
        :attr:`ThresholdOracle.circuit` is then the widest shape, valid for every threshold.
    blocks : bool
        With ``form="phase"``: classes with few selected weights gathered into diagonal blocks of at
        most ten qubits (:func:`~quark.encoding.oracles._fourier.fourier_add_terms`), where a
        statevector simulator gains by it.
    bits, precision
        The grid of inexact weights or penalties (see :func:`~quark.encoding.oracles.arithmetic_oracle`).

    Raises ``ValueError`` for a model without a reversible form (naming the models that have one).
    """
    from qiskit.circuit import Parameter

    if not isinstance(landscape, SearchProblem):
        raise TypeError(f"'landscape' must be a LossLandscape or a restriction of one; got {type(landscape).__name__}")
    if form not in COUNTING_FORMS:
        raise ValueError(f"'form' must be one of {COUNTING_FORMS}; got {form!r}")
    reg = counted_register(landscape)
    rform, m, total = reg.form, reg.landscape.n_samples, reg.total
    f = LOSS_FACTORS[reg.landscape.loss]
    terms = count_terms(reg)
    classes, pen_keys = terms.classes, terms.penalty_keys
    root_width, scale = 0, None
    if reg.n_qubits != reg.landscape.n_qubits or reg.qubits != tuple(range(reg.n_qubits)):
        # a restriction: the landscape's grid, and its counter as the widest shape, so that every block of
        # it has the same qubits (the block size a classifier's max_qubits allows holds for every block)
        root = _grid(count_terms(counted_register(reg.landscape)), total, narrow, bits, precision)
        root_width = sign_bits(root.gmax + 1 - root.gmin, 0)
        if root.exact:
            scale = root.scale
        elif bits is None:
            bits = root_width
    g = _grid(terms, total, narrow, bits, precision, scale)
    ints, g0, gmin, gmax, scale = g.ints, g.g0, g.gmin, g.gmax, g.scale
    int_classes = [(sel, int(a)) for (sel, _), a in zip(classes, ints[: len(classes)].tolist()) if a]
    # the register holds K - 1 - G: a penalty term (negative in G) is added to it
    int_penalty = [(t, -int(a)) for t, a in zip(pen_keys, ints[len(classes):].tolist()) if a]

    blocks_made: dict[int, int] = {}

    def build(b: int):
        k = Parameter(PARAM)
        if form == "phase":
            U = _phase_form(reg, int_classes, b, k, g0, blocks, int_penalty)
        else:
            U = _ancilla_form(reg, int_classes, b, k, g0, int_penalty)
        blocks_made[b] = int((U.metadata or {}).get("diagonal_blocks", 0))
        w_sign = U.qregs[-1][b - 1]
        oracle = sign_phase_oracle(U, w_sign)
        oracle.name = "counting_oracle"
        return oracle, k

    def k_of(threshold: float) -> int:
        # loss < t  <=>  G > T (1 - t / f)  <=>  G_int > scale * (T (1 - t / f) - shift_left)
        yv = scale * (total * (1.0 - threshold / f) - g.shift_left) if math.isfinite(threshold) else -threshold
        return 1 - below_bound(-yv, -gmax, -gmin)  # the smallest integer G above yv, in [gmin, gmax + 1]

    def width_of(kk: int) -> int:
        return sign_bits(gmax + 1 - kk, kk - gmin)  # marked G in [K, gmax]; unmarked [gmin, K - 1]

    b = max(width_of(gmin), root_width)  # the widest: every K in [gmin, gmax + 1]
    circuit, k = build(b)
    info = {
        "weight_qubits": reg.n_qubits,
        "counter_qubits": b,
        "ancillas": int(form == "ancilla"),
        "samples": m,
        "classes": terms.n_classes,
        "controlled_adds": len(int_classes),
        "penalty_terms": len(int_penalty),
        "model": rform.model_name,
        "loss": reg.landscape.loss,
        "form": form,
        "diagonal_blocks": blocks_made[b],
        "count_bounds": (gmin, gmax),
        "scale": scale,
        "exact": g.exact,
        "error_bound": g.bound * f / total,
    }
    if reg.n_qubits != reg.landscape.n_qubits:  # a restriction: the frozen bits are data of the circuit
        info.update(frozen_qubits=reg.landscape.n_qubits - reg.n_qubits, forced_samples=reg.forced)
    orc = ThresholdOracle("counting", reg.n_qubits, circuit, k, info, k_of)
    if narrow:
        orc._width_of, orc._build, orc._shapes = width_of, build, {b: (circuit, k)}
    return orc


class _Grid(NamedTuple):
    ints: np.ndarray  # integer coefficients of the classes, then of the penalty terms
    g0: int
    scale: float
    exact: bool
    shift_left: float  # the part of the shift left out of the register (the fixed-point case)
    bound: float  # rounding error bound of G (the fixed-point case)
    gmin: int
    gmax: int


def _grid(terms, total: float, narrow: bool, bits: int | None, precision: int, scale: float | None = None) -> _Grid:
    """``G = C - (T / f) P`` on an integer grid: exact where the coefficients scale to integers, else fixed point.

    ``scale``: use this exact scale (a restriction's coefficients are sums of its landscape's, so the
    landscape's scale makes them integers too).
    """
    coef, shift = terms.coefficients, terms.shift
    try:
        if scale is not None:
            ints = np.rint(coef * scale)
            if not np.allclose(ints, coef * scale, rtol=0.0, atol=1e-6):
                scale = None  # not the landscape's grid after all (cannot happen for exact weights): its own
        if scale is None:
            scale = integer_scaling([shift, *coef])
            ints = np.rint(coef * scale).astype(np.int64)
            g0 = int(round(shift * scale))
            # the loss is the same for every common multiple of the weights: divide out the gcd
            # (class_weight="balanced" on 9 and 16 samples: scale 288 -> 288 / 25, four counter qubits fewer)
            common = int(np.gcd.reduce(np.r_[ints, g0])) if ints.size else 0
            if common > 1:
                ints, g0, scale = ints // common, g0 // common, scale / common
        else:
            ints, g0 = ints.astype(np.int64), int(round(shift * scale))
        if bits is not None and sign_bits(0, int(np.abs(ints).sum()) + abs(g0) + 1) > bits:
            raise ValueError("too wide")
        bound, exact, shift_left = 0.0, True, 0.0
    except ValueError:
        e = fixed_point_grid(coef, bits=bits, precision=precision)
        ints, bound, _ = _rounded(coef, e)
        scale, g0, exact, shift_left = 2.0**-e, 0, False, shift
    gmin = g0 + int(ints[ints < 0].sum())
    gmax = g0 + int(ints[ints > 0].sum())
    if not narrow and exact:  # the plain register: every count from 0 to T
        gmin, gmax = min(gmin, 0), max(gmax, int(math.floor(total * scale + 1e-9)))
    return _Grid(ints, g0, scale, exact, shift_left, bound, gmin, gmax)


def _ancilla_form(reg, classes, b, k, c0, penalty=()):
    """``U``: counter ``|K - 1 - count>`` from one ancilla per class (the hardware form)."""
    from qiskit import QuantumCircuit, QuantumRegister

    rform = reg.form
    wreg = QuantumRegister(reg.n_qubits, "w")
    w = [wreg[q] for q in reg.qubits]  # the form's weights on the register
    anc = QuantumRegister(1, "correct")
    val = QuantumRegister(b, "count")
    U = QuantumCircuit(wreg, anc, val, name="count")
    U.h(val)  # QFT of |0>
    fourier_add(U, list(val), k - 1 - c0)
    for selected, delta in classes:
        if rform.polarity is None and len(selected) == 1:  # out(w) is one weight qubit: no ancilla
            fourier_add(U, list(val), -delta, [w[selected[0]]])
        elif rform.polarity is not None and not selected:
            fourier_add(U, list(val), -delta, [w[rform.polarity]])
        else:
            row = [int(g in selected) for g in range(rform.n_gates)]
            rform.append_classical(U, list(w), row, anc[0])
            fourier_add(U, list(val), -delta, [anc[0]])
            rform.append_classical(U, list(w), row, anc[0])  # XORs of functions of w: self-inverse
    for t, a in penalty:  # + P: the register holds K - 1 - (count - P); ``a`` is that amount
        fourier_add(U, list(val), a, [wreg[i] for i in t])
    inverse_qft(U, list(val))
    return U


def _phase_form(reg, classes, b, k, c0, blocks=False, penalty=()):
    """``U``: counter ``|K - 1 - count>`` from multi-controlled phases on the complemented weights.

    With ``A_r = AND(w̄ over class r's selected gates)`` the output is ``1 - A_r`` without polarity
    and ``p̄ XOR A_r`` with it, so with ``S = sum_r delta_r A_r``:
    ``K - 1 - count = K - 1 - c0 - sum(delta) + S`` (no polarity), and with polarity
    ``K - 1 - c0 - S`` when ``p̄ = 0``, ``K - 1 - c0 - sum(delta) + S`` when ``p̄ = 1``.
    """
    from qiskit import QuantumCircuit, QuantumRegister

    rform = reg.form
    wreg = QuantumRegister(reg.n_qubits, "w")
    w = [wreg[q] for q in reg.qubits]  # the form's weights on the register
    val = QuantumRegister(b, "count")
    U = QuantumCircuit(wreg, val, name="count")
    U.x(wreg)  # hold w̄
    U.h(val)  # QFT of |0>
    order = fourier_order(list(val), swaps=False)
    total = sum(delta for _, delta in classes)
    sign = 1 if rform.polarity is None else -1
    U.metadata = {"diagonal_blocks": fourier_add_terms(
        U, order, [([w[g] for g in selected], sign * delta) for selected, delta in classes], blocks=blocks)}
    if rform.polarity is None:
        fourier_add(U, order, k - 1 - c0 - total)
    else:
        pbar = w[rform.polarity]
        for q in val:  # negate the Fourier-space value when p̄ = 1 (up to a phase U^dagger removes)
            U.cx(pbar, q)
        fourier_add(U, order, k - 1 - c0)
        fourier_add(U, order, -total, [pbar])
    if penalty:  # after the polarity's negation, on the weights themselves (w̄ flipped back)
        involved = sorted({i for t, _ in penalty for i in t})
        U.x([wreg[i] for i in involved])
        fourier_add_terms(U, order, [([wreg[i] for i in t], a) for t, a in penalty])
        U.x([wreg[i] for i in involved])
    inverse_qft(U, list(val), swaps=False)
    return U
