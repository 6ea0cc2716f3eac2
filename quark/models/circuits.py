"""Reversible-circuit forms of the Boolean models, for gate-level oracles.

Every model here that has a reversible form is a *gated OR* with an optional polarity bit::

    out(w, x) = w_pol XOR OR_k ( w_{g(k)} AND AND_{p in P_k} x_p )

one *term* ``k`` per (gate weight ``g(k)``, pixel set ``P_k``):

- ``perceptron`` (``threshold=1``, the paper's Tiny-MNIST model): term ``j`` is
  ``(w_j, {x_j})``; the polarity bit is the last weight.
- ``line-detector``: term ``l`` is (the weight that gates line ``l``, the pixels of line ``l``);
  ``grouping="lines"`` gives each line its own weight, ``grouping="paper"`` gates all rows with
  ``w0``, all columns with ``w1``, both diagonals with ``w2``.

Grouping the terms by their gate weight gives the *gate features* ``u_g(x) = OR_{k: g(k)=g}
AND_{p in P_k} x_p`` and ``out = w_pol XOR OR_g (w_g AND u_g(x))``. For a classical sample
``x`` the output is an OR of the weight qubits with ``u_g(x) = 1`` — one multi-controlled X
(De Morgan: ``OR = NOT AND NOT``) — which is what the coherent counting oracle uses; with the
sample in a quantum register (the paper's joint oracle) each term needs one ancilla.

Models without such a form (``spin-perceptron``, ``fixed-point-linear``, ``sign-mlp``, a
perceptron with ``threshold > 1``) raise a ``ValueError`` from :func:`reversible_form` that names
the models that have one. Qiskit is imported only by the functions that build circuits.

Examples
--------
>>> import numpy as np
>>> from quark.models import LineDetector
>>> form = reversible_form(LineDetector(grouping="paper"), 9)
>>> form.n_weights, form.n_gates, len(form.terms)
(3, 3, 8)
>>> img = np.array([[1, 1, 1, 0, 0, 0, 0, 0, 0]])        # top row full
>>> form.gate_features(img).tolist()
[[1, 0, 0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from qiskit import QuantumCircuit

__all__ = ["GatedOrForm", "reversible_form", "has_reversible_form", "REVERSIBLE_MODELS", "evaluate_reversible"]


def _reversible_models() -> dict[str, str]:
    from quark.models.registry import model_classes

    return {name: cls.reversible_condition for name, cls in model_classes().items()
            if getattr(cls, "reversible_condition", None)}


@dataclass(frozen=True)
class GatedOrForm:
    """``out(w, x) = w_pol XOR OR_k (w_{g(k)} AND AND_{p in P_k} x_p)`` as reversible logic.

    Parameters
    ----------
    model_name : str
        The model this form belongs to (for messages).
    n_features : int
        Pixels ``d`` of a sample.
    n_gates : int
        Gate weights ``w_0 .. w_{G-1}``.
    terms : tuple of (int, tuple of int)
        ``(g(k), P_k)`` per term.
    polarity : int or None
        Index of the polarity weight (``G``), or ``None``.
    """

    model_name: str
    n_features: int
    n_gates: int
    terms: tuple[tuple[int, tuple[int, ...]], ...]
    polarity: int | None

    @property
    def n_weights(self) -> int:
        """Weights (= weight qubits): the gates, plus the polarity bit if any."""
        return self.n_gates + int(self.polarity is not None)

    # -- classical evaluation ---------------------------------------------------------------------
    def gate_features(self, X: np.ndarray) -> np.ndarray:
        """``u_g(x)``, shape ``(m, n_gates)`` uint8: 1 where some term of gate ``g`` fires on ``x``."""
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(f"'X' must have shape (m, {self.n_features}); got {X.shape}")
        u = np.zeros((X.shape[0], self.n_gates), dtype=bool)
        for g, pixels in self.terms:
            u[:, g] |= X[:, list(pixels)].astype(bool).all(axis=1)
        return u.astype(np.uint8)

    def predict(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Outputs ``(B, m)`` of the form (equal to the model's ``predict``; used to check it)."""
        W = np.asarray(W, dtype=np.int64)
        out = (W[:, : self.n_gates] @ self.gate_features(X).T.astype(np.int64)) > 0
        if self.polarity is not None:
            out ^= W[:, self.polarity : self.polarity + 1].astype(bool)
        return out.astype(np.uint8)

    # -- gates ------------------------------------------------------------------------------------
    def append_classical(self, qc: "QuantumCircuit", weights: Sequence, u_row: Sequence[int], target) -> None:
        """``target ^= out(w, x)`` for a classical sample with gate features ``u_row``.

        One multi-controlled X on the selected weight qubits (controls on ``|0>``: ``NOT OR``),
        an X, and a CX from the polarity qubit. No ancilla.
        """
        selected = [weights[g] for g in range(self.n_gates) if u_row[g]]
        if selected:
            _or_into(qc, selected, target)
        if self.polarity is not None:
            qc.cx(weights[self.polarity], target)

    def append_features(self, qc: "QuantumCircuit", weights: Sequence, u: Sequence, anc: Sequence, target) -> None:
        """``target ^= out(w, x)`` with the gate features ``u`` in qubits; ``anc`` (``n_gates``) is returned clean."""
        if len(u) != self.n_gates or len(anc) < self.n_gates:
            raise ValueError(f"need {self.n_gates} feature qubits and as many ancillas")
        for g in range(self.n_gates):
            qc.ccx(weights[g], u[g], anc[g])
        _or_into(qc, list(anc[: self.n_gates]), target)
        for g in reversed(range(self.n_gates)):
            qc.ccx(weights[g], u[g], anc[g])
        if self.polarity is not None:
            qc.cx(weights[self.polarity], target)

    def append_pixels(self, qc: "QuantumCircuit", weights: Sequence, x: Sequence, anc: Sequence, target) -> None:
        """``target ^= out(w, x)`` from pixel qubits ``x``: one ancilla per term (returned clean).

        The paper's form: ``a_k = w_{g(k)} AND (all pixels of P_k)``, ``out = OR_k a_k XOR w_pol``.
        """
        if len(x) != self.n_features or len(anc) < len(self.terms):
            raise ValueError(f"need {self.n_features} pixel qubits and {len(self.terms)} ancillas")
        for k, (g, pixels) in enumerate(self.terms):
            qc.mcx([weights[g]] + [x[p] for p in pixels], anc[k])
        _or_into(qc, list(anc[: len(self.terms)]), target)
        for k, (g, pixels) in reversed(list(enumerate(self.terms))):
            qc.mcx([weights[g]] + [x[p] for p in pixels], anc[k])
        if self.polarity is not None:
            qc.cx(weights[self.polarity], target)

    def forward_circuit(self) -> "QuantumCircuit":
        """The model as a stand-alone reversible circuit on registers ``w``, ``x``, ``anc``, ``out``.

        Maps ``|w>|x>|0>|o>`` to ``|w>|x>|0>|o XOR out(w, x)>``.

        Examples
        --------
        >>> from quark.models import BinaryPerceptron
        >>> qc = reversible_form(BinaryPerceptron(), 2).forward_circuit()
        >>> [r.name for r in qc.qregs], qc.num_qubits
        (['w', 'x', 'anc', 'out'], 8)
        """
        from qiskit import QuantumCircuit, QuantumRegister

        w = QuantumRegister(self.n_weights, "w")
        x = QuantumRegister(self.n_features, "x")
        anc = QuantumRegister(len(self.terms), "anc")
        out = QuantumRegister(1, "out")
        qc = QuantumCircuit(w, x, anc, out, name=f"{self.model_name}-forward")
        self.append_pixels(qc, list(w), list(x), list(anc), out[0])
        return qc


def _or_into(qc: "QuantumCircuit", controls: list, target) -> None:
    """``target ^= OR(controls)`` = ``target ^= NOT AND(NOT controls)``: one MCX on ``|0...0>`` and an X."""
    qc.mcx(controls, target, ctrl_state=0)
    qc.x(target)


def has_reversible_form(model: "QuantizedModel | str", n_features: int) -> bool:
    """Whether :func:`reversible_form` succeeds for this model and feature count."""
    try:
        reversible_form(model, n_features)
    except ValueError:
        return False
    return True


def reversible_form(model: "QuantizedModel | str", n_features: int) -> GatedOrForm:
    """The reversible-circuit form of a model, or a ``ValueError`` naming the models that have one.

    Examples
    --------
    >>> reversible_form("perceptron", 4).n_weights
    5
    >>> reversible_form("sign-mlp", 4)
    Traceback (most recent call last):
        ...
    ValueError: model 'sign-mlp' has no reversible circuit form; models with one: 'line-detector' (grouping='lines' or 'paper', with or without polarity), 'perceptron' (threshold=1 (the paper's 'any selected pixel' model))
    """
    from quark.models.registry import get_model

    return get_model(model).reversible_form(n_features)


def evaluate_reversible(circuit: "QuantumCircuit", inputs: np.ndarray) -> np.ndarray:
    """Run a circuit of X / CX / CCX / MCX gates on classical bit strings (a batch at once).

    ``inputs`` has shape ``(B, circuit.num_qubits)`` (column ``q`` is qubit ``q``); returns the output
    bits in the same layout. Raises ``ValueError`` on any other gate. Used to check reversible
    logic exhaustively without a statevector.

    Examples
    --------
    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(3); _ = qc.ccx(0, 1, 2)
    >>> evaluate_reversible(qc, np.array([[1, 1, 0], [1, 0, 0]])).tolist()
    [[1, 1, 1], [1, 0, 0]]
    """
    bits = np.array(inputs, dtype=bool, copy=True)
    if bits.ndim != 2 or bits.shape[1] != circuit.num_qubits:
        raise ValueError(f"'inputs' must have shape (B, {circuit.num_qubits}); got {bits.shape}")
    index = {q: i for i, q in enumerate(circuit.qubits)}
    for inst in circuit.data:
        op, qs = inst.operation, [index[q] for q in inst.qubits]
        if op.name in ("barrier", "id"):
            continue
        if op.name == "x":
            bits[:, qs[0]] ^= True
            continue
        n_ctrl = getattr(op, "num_ctrl_qubits", None)
        base = getattr(op, "base_gate", None)
        if n_ctrl is None or base is None or base.name != "x":
            raise ValueError(f"evaluate_reversible supports X/CX/CCX/MCX gates only; got {op.name!r}")
        state = op.ctrl_state
        want = np.array([(state >> j) & 1 for j in range(n_ctrl)], dtype=bool)
        fire = (bits[:, qs[:n_ctrl]] == want).all(axis=1)
        bits[:, qs[n_ctrl]] ^= fire
    return bits.astype(np.uint8)


def __getattr__(name: str):
    # computed on first use: the models register their condition as a class attribute
    if name == "REVERSIBLE_MODELS":
        return _reversible_models()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
