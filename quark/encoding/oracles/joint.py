"""The paper's joint oracle on weights ⊗ data index: a phase on every correctly classified pair."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from quark.encoding.landscape import LossLandscape

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit

__all__ = ["JointOracle", "joint_oracle"]


@dataclass
class JointOracle:
    """The paper's oracle on weights ⊗ ``copies`` data-index registers.

    Attributes
    ----------
    circuit : QuantumCircuit
        Registers ``w`` (weights), then per copy ``idx{c}``, ``data{c}``, ``y{c}`` (and ``t{c}`` with
        ``index_state="padded"`` when ``m`` is not a power of two), then the shared ancillas ``anc``.
    search_qubits : list of int
        Weights and index qubits: the register the amplification reflects about.
    n_index : int
        Qubits per data-index register (``2**n_index >= m``).
    state_preparation : QuantumCircuit or None
        ``A``: Hadamards on the weights and the index states; ``None`` means Hadamards on every
        search qubit (the padded index).
    """

    circuit: "QuantumCircuit"
    n_weights: int
    search_qubits: list[int]
    n_index: int
    n_samples: int
    copies: int
    loader: str
    state_preparation: "QuantumCircuit | None" = None
    info: dict[str, Any] = field(default_factory=dict)


# -- the paper's joint oracle --------------------------------------------------------------------
def joint_oracle(
    landscape: LossLandscape, copies: int = 1, *, loader: str = "features", index_state: str = "uniform"
) -> JointOracle:
    """The paper's oracle on weights ⊗ data: phase -1 on every correctly classified (w, i_1..i_k).

    Per copy: an index register ``|i>`` over the ``m`` samples padded to ``2**a``; a QRAM-style
    loader (one multi-controlled X per set bit, controlled on ``|i>``) writes the sample's data,
    its label ``y_i`` and — when padded — a valid bit ``t_i`` (padding entries have ``t = 0`` and
    are never marked). The model's reversible forward pass turns ``y`` into ``[out(w, x_i) == y_i]``
    in place, reusing shared ancillas; the phase is a multi-controlled Z over every copy's flags;
    then all is uncomputed.

    ``loader="features"`` loads the gate features ``u(x_i)`` (for the perceptron these *are* the
    pixels ``x_i``; for line detectors the "some gated line is full" bits), one ancilla per gate;
    ``loader="pixels"`` loads the raw pixels and runs the paper's pixel-level circuit (one ancilla
    per term, more qubits).

    ``index_state="uniform"`` (default) prepares each index register in the uniform superposition of
    exactly the ``m`` samples (``UniformSuperpositionGate``; the amplification reflects about that state), so
    the weight distribution is the amplification's closed form (docs/concepts.md) with ``m`` — the exact kernel's.
    ``index_state="padded"`` is the prototype's: Hadamards over ``2**a >= m`` entries, padding
    entries flagged ``t = 0`` and never marked (the closed form with ``m`` replaced by ``2**a`` in
    the unmarked mass). Both are the same when ``m`` is a power of two.
    """
    from qiskit import QuantumCircuit, QuantumRegister

    from quark._validation import check_choice, check_int

    if not isinstance(landscape, LossLandscape):
        raise TypeError(f"the joint amplification needs a LossLandscape (a model and its training data); got {type(landscape).__name__}")
    copies = check_int(copies, "copies")
    check_choice(loader, "loader", ("features", "pixels"))
    check_choice(index_state, "index_state", ("uniform", "padded"))
    form = landscape.model.reversible_form(landscape.X.shape[1])
    m = landscape.n_samples
    a = max(1, (m - 1).bit_length())
    padded = m < (1 << a) and index_state == "padded"
    data = form.gate_features(landscape.X) if loader == "features" else np.asarray(landscape.X, dtype=np.uint8)
    y = landscape.y
    width = data.shape[1]
    n_anc = form.n_gates if loader == "features" else len(form.terms)

    w = QuantumRegister(form.n_weights, "w")
    regs = [w]
    per_copy = []
    for c in range(int(copies)):
        idx = QuantumRegister(a, f"idx{c}")
        dat = QuantumRegister(width, f"data{c}")
        lab = QuantumRegister(1, f"y{c}")
        val = QuantumRegister(1, f"t{c}") if padded else None
        regs += [r for r in (idx, dat, lab, val) if r is not None]
        per_copy.append((idx, dat, lab, val))
    anc = QuantumRegister(n_anc, "anc")
    regs.append(anc)

    U = QuantumCircuit(*regs, name="forward")
    for idx, dat, lab, val in per_copy:
        # loader: |i>|0> -> |i>|data_i, y_i, t_i>
        for i in range(m):
            targets = [dat[j] for j in range(width) if data[i, j]] + ([lab[0]] if y[i] else []) + ([val[0]] if padded else [])
            for t in targets:
                U.mcx(list(idx), t, ctrl_state=i)
        # y <- y XOR out XOR 1 = [out == y]
        if loader == "features":
            form.append_features(U, list(w), list(dat), list(anc), lab[0])
        else:
            form.append_pixels(U, list(w), list(dat), list(anc), lab[0])
        U.x(lab[0])
    flags = [q for _, _, lab, val in per_copy for q in ([lab[0]] + ([val[0]] if padded else []))]
    oracle = U.copy_empty_like(name="joint_oracle")
    oracle.compose(U, inplace=True)
    if len(flags) == 1:
        oracle.z(flags[0])
    else:
        oracle.mcp(math.pi, flags[:-1], flags[-1])
    oracle.compose(U.inverse(), inplace=True)
    search = list(range(form.n_weights))
    for idx, *_ in per_copy:
        search += [oracle.find_bit(q).index for q in idx]
    prep = None
    if m < (1 << a) and not padded:
        from qiskit.circuit.library import UniformSuperpositionGate

        prep = oracle.copy_empty_like(name="A")
        prep.h(list(w))
        for idx, *_ in per_copy:
            prep.append(UniformSuperpositionGate(m, a), list(idx))
    info = {
        "weight_qubits": form.n_weights,
        "index_qubits": a * copies,
        "data_qubits": (width + 1 + int(padded)) * copies,
        "ancillas": n_anc,
        "index_entries": m if not padded else 1 << a,
    }
    return JointOracle(oracle, form.n_weights, search, a, m, int(copies), loader, prep, info)


