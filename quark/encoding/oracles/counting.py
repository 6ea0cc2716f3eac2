"""The coherent counting oracle: the 0-1 loss of a model with a reversible form, counted in a register.

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

import numpy as np

from quark.encoding.landscape import LossLandscape
from quark.encoding.oracles._base import ThresholdOracle
from quark.encoding.oracles._fourier import (
    PARAM,
    fourier_add,
    fourier_add_terms,
    fourier_order,
    inverse_qft,
    sign_bits,
    sign_phase_oracle,
)

__all__ = ["counting_oracle", "COUNTING_FORMS"]

#: Circuit forms of the counting oracle.
COUNTING_FORMS = ("ancilla", "phase")


def counting_oracle(landscape: "LossLandscape", *, form: str = "ancilla", narrow: bool = False,
                    blocks: bool = False) -> ThresholdOracle:
    """The coherent counting oracle of a 0-1-loss landscape of a model with a reversible form.

    Samples with the same gate features ``u(x)`` (:meth:`GatedOrForm.gate_features`) share one
    correctness circuit: a class with ``mu1`` positive and ``mu0`` negative samples adds
    ``mu0 + (mu1 - mu0) * out(w)`` correct answers, so the counter needs one controlled addition per
    distinct feature row (the circuit is the per-sample one with identical sub-circuits merged).
    The register holds ``K - 1 - count`` in two's complement with ``bit_length(m) + 1`` qubits:
    it never overflows, and its sign qubit is 1 exactly when ``count >= K``, the smallest count
    whose loss ``(m - count) / m`` is below the threshold.

    Parameters
    ----------
    landscape : LossLandscape
        0-1 loss of a model with a reversible form.
    form : {"ancilla", "phase"}
        Circuit form (module docstring): ``"ancilla"`` for hardware, ``"phase"`` for simulators.
    narrow : bool
        Counter sized from the count's bounds, narrowest per threshold (:meth:`ThresholdOracle.at`);
        :attr:`ThresholdOracle.circuit` is then the widest shape, valid for every threshold.
    blocks : bool
        With ``form="phase"``: classes with few selected weights gathered into diagonal blocks of at
        most ten qubits (:func:`~quark.encoding.oracles._fourier.fourier_add_terms`), where a
        statevector simulator gains by it.

    Raises ``ValueError`` for another loss, or for a model without a reversible form (naming the
    models that have one).
    """
    from qiskit.circuit import Parameter

    if not isinstance(landscape, LossLandscape):
        raise TypeError(f"'landscape' must be a LossLandscape; got {type(landscape).__name__}")
    if form not in COUNTING_FORMS:
        raise ValueError(f"'form' must be one of {COUNTING_FORMS}; got {form!r}")
    if landscape.loss != "zero_one":
        raise ValueError(
            f"the counting oracle counts correct samples, i.e. the 'zero_one' loss; got loss={landscape.loss!r} "
            "(use oracle='qubo' for a quadratic loss or oracle='table' for a small landscape)"
        )
    rform = landscape.model.reversible_form(landscape.X.shape[1])
    if landscape.n_qubits != rform.n_weights:  # pragma: no cover - binary models have 1 bit per weight
        raise ValueError("the counting oracle needs one qubit per binary weight")
    m = landscape.n_samples
    u = rform.gate_features(landscape.X)
    keys = u.astype(np.int64) @ (1 << np.arange(rform.n_gates, dtype=np.int64))
    uniq, first, inv = np.unique(keys, return_index=True, return_inverse=True)
    y = landscape.y.astype(np.int64)
    mu1 = np.bincount(inv, weights=y, minlength=uniq.size).astype(np.int64)
    mu0 = np.bincount(inv, weights=1 - y, minlength=uniq.size).astype(np.int64)
    c0 = int(mu0.sum())  # every negative sample is right when out = 0
    classes = []  # (selected gates, delta) of every class whose contribution depends on w
    cmin = cmax = 0
    for r in range(uniq.size):
        delta = int(mu1[r] - mu0[r])
        selected = [g for g in range(rform.n_gates) if u[first[r]][g]]
        if delta == 0 or (rform.polarity is None and not selected):  # out(w) = 0 always, or no effect
            cmin, cmax = cmin + int(mu0[r]), cmax + int(mu0[r])
            continue
        classes.append((selected, delta))
        cmin, cmax = cmin + int(min(mu0[r], mu1[r])), cmax + int(max(mu0[r], mu1[r]))
    if not narrow:
        cmin, cmax = 0, m

    blocks_made: dict[int, int] = {}

    def build(b: int):
        k = Parameter(PARAM)
        if form == "phase":
            U = _phase_form(rform, classes, b, k, c0, blocks)
        else:
            U = _ancilla_form(rform, classes, b, k, c0)
        blocks_made[b] = int((U.metadata or {}).get("diagonal_blocks", 0))
        w_sign = U.qregs[-1][b - 1]
        oracle = sign_phase_oracle(U, w_sign)
        oracle.name = "counting_oracle"
        return oracle, k

    losses = (m - np.arange(m + 1)) / m  # the landscape's (pred != y).mean() for each count

    def k_of(threshold: float) -> int:
        hit = np.nonzero(losses < threshold)[0]
        kk = int(hit[0]) if hit.size else m + 1
        return min(max(kk, cmin), cmax + 1)  # all marked below cmin, none above cmax: the same marks

    def width_of(kk: int) -> int:
        return sign_bits(cmax + 1 - kk, kk - cmin)  # marked counts [K, cmax]; unmarked [cmin, K - 1]

    b = width_of(cmin)  # the widest: every K in [cmin, cmax + 1]
    circuit, k = build(b)
    info = {
        "weight_qubits": rform.n_weights,
        "counter_qubits": b,
        "ancillas": int(form == "ancilla"),
        "samples": m,
        "classes": int(uniq.size),
        "controlled_adds": len(classes),
        "model": rform.model_name,
        "form": form,
        "diagonal_blocks": blocks_made[b],
        "count_bounds": (cmin, cmax),
    }
    orc = ThresholdOracle("counting", rform.n_weights, circuit, k, info, k_of)
    if narrow:
        orc._width_of, orc._build, orc._shapes = width_of, build, {b: (circuit, k)}
    return orc


def _ancilla_form(rform, classes, b, k, c0):
    """``U``: counter ``|K - 1 - count>`` from one ancilla per class (the hardware form)."""
    from qiskit import QuantumCircuit, QuantumRegister

    w = QuantumRegister(rform.n_weights, "w")
    anc = QuantumRegister(1, "correct")
    val = QuantumRegister(b, "count")
    U = QuantumCircuit(w, anc, val, name="count")
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
    inverse_qft(U, list(val))
    return U


def _phase_form(rform, classes, b, k, c0, blocks=False):
    """``U``: counter ``|K - 1 - count>`` from multi-controlled phases on the complemented weights.

    With ``A_r = AND(w̄ over class r's selected gates)`` the output is ``1 - A_r`` without polarity
    and ``p̄ XOR A_r`` with it, so with ``S = sum_r delta_r A_r``:
    ``K - 1 - count = K - 1 - c0 - sum(delta) + S`` (no polarity), and with polarity
    ``K - 1 - c0 - S`` when ``p̄ = 0``, ``K - 1 - c0 - sum(delta) + S`` when ``p̄ = 1``.
    """
    from qiskit import QuantumCircuit, QuantumRegister

    w = QuantumRegister(rform.n_weights, "w")
    val = QuantumRegister(b, "count")
    U = QuantumCircuit(w, val, name="count")
    U.x(w)  # hold w̄
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
    inverse_qft(U, list(val), swaps=False)
    return U
