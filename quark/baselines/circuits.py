"""The variational baseline's circuit, and an exact real-amplitude simulator of it.

The circuit is the usual variational quantum classifier: a feature map that loads one sample,
a hardware-efficient ansatz, and a readout that maps a measured bit string to a class. Quark uses
basis encoding -- ``RY(pi * x_j)`` on qubit ``j`` turns a 0/1 pixel into ``|x_j>`` exactly -- and
qiskit's ``real_amplitudes`` ansatz (RY rotations and CX entanglers). Every gate is real, so the
state stays real and the exact simulator here needs only float64 amplitudes.

The simulator is the *referee*, never a trainer that pays shots: it gives the noiseless ceiling
(exact probabilities and exact parameter-shift gradients), the barren-plateau variances, the
degeneracy check that runs before any shot is spent, and the accuracy of a weight vector when
a training curve is monitored. Shot-based training goes through
:class:`~quark.baselines.counting.CountingSampler` on Aer instead.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

__all__ = [
    "READOUTS",
    "basis_feature_map",
    "vqc_ansatz",
    "vqc_circuit",
    "RealCircuitSimulator",
    "degeneracy_bound",
]


def _qubit0(k: int) -> int:
    return int(k) & 1


def _parity(k: int) -> int:
    return bin(int(k)).count("1") & 1


#: Readouts: measured integer (qubit ``i`` = bit ``i``) -> class. ``"qubit0"`` is qiskit-machine-
#: learning's default for two classes (``x % 2``); ``"parity"`` is the parity of every qubit.
READOUTS: dict[str, Callable[[int], int]] = {"qubit0": _qubit0, "parity": _parity}


def basis_feature_map(n_qubits: int):
    """``RY(pi * x_j)`` on qubit ``j``: a 0/1 feature becomes the basis state ``|x_j>``.

    Examples
    --------
    >>> basis_feature_map(3).num_parameters
    3
    """
    from qiskit import QuantumCircuit
    from qiskit.circuit import ParameterVector

    x = ParameterVector("x", n_qubits)
    qc = QuantumCircuit(n_qubits, name="basis_encoding")
    for j in range(n_qubits):
        qc.ry(np.pi * x[j], j)
    return qc


def vqc_ansatz(n_qubits: int, reps: int = 2, entanglement: str = "full"):
    """qiskit's ``real_amplitudes`` ansatz: ``(reps + 1) * n_qubits`` RY angles, CX entanglers.

    Examples
    --------
    >>> vqc_ansatz(3, reps=1).num_parameters
    6
    """
    from qiskit.circuit.library import real_amplitudes

    return real_amplitudes(n_qubits, reps=reps, entanglement=entanglement)


def vqc_circuit(n_qubits: int, reps: int = 2, entanglement: str = "full"):
    """Feature map followed by the ansatz (unmeasured), as qiskit-machine-learning's VQC builds it."""
    from qiskit import QuantumCircuit

    qc = QuantumCircuit(n_qubits)
    qc.compose(basis_feature_map(n_qubits), inplace=True)
    qc.compose(vqc_ansatz(n_qubits, reps, entanglement), inplace=True)
    return qc


class RealCircuitSimulator:
    """Exact simulation of a circuit of RY / CX / CZ / X gates, batched over inputs and parameters.

    The circuit is lowered to those gates with ``transpile(optimization_level=0)``; each RY angle
    must be affine in one parameter (``a + b * p``), which holds for the feature map (``pi * x``)
    and for ``real_amplitudes``. Amplitudes are real (float64), and the state of a batch is an
    array ``(batch, 2**n)`` with qubit ``i`` as bit ``i`` of the basis index (qiskit's order).

    Parameters
    ----------
    circuit : QuantumCircuit
        Unmeasured; its parameters are split into ``input_params`` and ``weight_params``.
    input_params, weight_params : sequence of Parameter
        The feature map's and the ansatz's parameters (their order is the column order of
        ``X`` and of the weight vectors).

    Examples
    --------
    >>> import numpy as np
    >>> from quark.baselines.circuits import basis_feature_map, vqc_ansatz, vqc_circuit
    >>> qc = vqc_circuit(2, reps=1)
    >>> sim = RealCircuitSimulator(qc, basis_feature_map(2).parameters, vqc_ansatz(2, 1).parameters)
    >>> p = sim.probabilities(np.array([[0, 1]]), np.zeros((1, 4)))
    >>> p.shape, float(p[0, 0, 2])          # all angles 0: |x> = |10> (qubit 1 set) is index 2
    ((1, 1, 4), 1.0)
    """

    def __init__(self, circuit, input_params, weight_params) -> None:
        from qiskit import transpile

        self.n_qubits = int(circuit.num_qubits)
        if self.n_qubits > 20:
            raise ValueError(f"the exact simulator handles at most 20 qubits; got {self.n_qubits}")
        low = transpile(circuit.remove_final_measurements(inplace=False), basis_gates=["ry", "cx", "cz", "x"],
                        optimization_level=0)
        self.input_params = list(input_params)
        self.weight_params = list(weight_params)
        # by name: a circuit composed from fresh copies of the feature map / ansatz holds equal-named
        # parameters that are distinct objects
        index = {p.name: ("x", j) for j, p in enumerate(self.input_params)}
        index.update({p.name: ("w", j) for j, p in enumerate(self.weight_params)})
        self._ops: list[tuple] = []
        for inst in low.data:
            name = inst.operation.name
            qubits = [low.find_bit(q).index for q in inst.qubits]
            if name == "ry":
                self._ops.append(("ry", qubits[0], self._affine(inst.operation.params[0], index)))
            elif name in ("cx", "cz"):
                self._ops.append((name, qubits[0], qubits[1]))
            elif name == "x":
                self._ops.append(("x", qubits[0]))
            elif name == "barrier":
                continue
            else:  # pragma: no cover - transpile guarantees the basis
                raise ValueError(f"gate {name!r} is not supported by the real simulator")
        self.two_qubit_gates = sum(op[0] in ("cx", "cz") for op in self._ops)

    @staticmethod
    def _affine(angle, index):
        """``(kind, column, a, b)`` with angle = ``a + b * param``; ``kind`` None for a constant."""
        if not hasattr(angle, "parameters") or not angle.parameters:
            return (None, 0, float(angle), 0.0)
        (p,) = tuple(angle.parameters)
        if p.name not in index:
            raise ValueError(f"parameter {p} is neither an input nor a weight parameter")
        f = lambda v: float(angle.bind({p: v}))  # noqa: E731
        a, b = f(0.0), f(1.0) - f(0.0)
        if abs(f(2.0) - (a + 2 * b)) > 1e-9:
            raise ValueError(f"RY angle {angle} is not affine in {p}")
        kind, col = index[p.name]
        return (kind, col, a, b)

    def states(self, X: np.ndarray, W: np.ndarray) -> np.ndarray:
        """Final states ``(n_weights_sets, m, 2**n)`` for inputs ``X (m, d)`` and weights ``W (B, P)``."""
        X = np.asarray(X, dtype=np.float64)
        W = np.atleast_2d(np.asarray(W, dtype=np.float64))
        B, m, n = W.shape[0], X.shape[0], self.n_qubits
        psi = np.zeros((B * m, 1 << n))
        psi[:, 0] = 1.0
        for op in self._ops:
            if op[0] == "ry":
                _, q, (kind, col, a, b) = op
                if kind is None:
                    theta = np.full(B * m, a)
                elif kind == "x":
                    theta = np.tile(a + b * X[:, col], B)
                else:
                    theta = np.repeat(a + b * W[:, col], m)
                psi = self._ry(psi, q, theta)
            elif op[0] == "x":
                v = psi.reshape(B * m, -1, 2, 1 << op[1])
                psi = v[:, :, ::-1, :].reshape(B * m, -1)
            else:
                psi = self._controlled(psi, op[0], op[1], op[2])
        return psi.reshape(B, m, 1 << n)

    def _ry(self, psi, q, theta):
        n = self.n_qubits
        v = psi.reshape(psi.shape[0], 1 << (n - q - 1), 2, 1 << q)
        c = np.cos(theta / 2)[:, None, None]
        s = np.sin(theta / 2)[:, None, None]
        a0, a1 = v[:, :, 0, :], v[:, :, 1, :]
        out = np.empty_like(v)
        out[:, :, 0, :] = c * a0 - s * a1
        out[:, :, 1, :] = s * a0 + c * a1
        return out.reshape(psi.shape)

    def _controlled(self, psi, kind, ctrl, tgt):
        idx = np.arange(psi.shape[1])
        on = ((idx >> ctrl) & 1).astype(bool)
        if kind == "cz":
            sign = np.where(on & ((idx >> tgt) & 1).astype(bool), -1.0, 1.0)
            return psi * sign
        perm = np.where(on, idx ^ (1 << tgt), idx)
        return psi[:, perm]

    def probabilities(self, X, W) -> np.ndarray:
        """Measurement probabilities ``(B, m, 2**n)``."""
        return self.states(X, W) ** 2

    def class_one_probability(self, X, W, readout: str | Callable[[int], int] = "qubit0") -> np.ndarray:
        """``P(class 1)`` of every (weight set, sample): ``(B, m)``."""
        fn = READOUTS[readout] if isinstance(readout, str) else readout
        mask = np.array([fn(k) == 1 for k in range(1 << self.n_qubits)])
        return self.probabilities(X, W)[..., mask].sum(axis=-1)

    def parameter_shift_gradient(self, f: Callable[[np.ndarray], np.ndarray], W: np.ndarray) -> np.ndarray:
        """Exact parameter-shift gradient of ``f(W_batch) -> (B,)`` at each row of ``W`` ``(B, P)``.

        Valid because every weight enters exactly one RY gate (``real_amplitudes``): the shift rule
        ``(f(w + pi/2) - f(w - pi/2)) / 2`` is then exact.
        """
        W = np.atleast_2d(np.asarray(W, dtype=np.float64))
        B, P = W.shape
        shifts = np.repeat(W[:, None, :], 2 * P, axis=1)
        k = np.arange(P)
        shifts[:, k, k] += np.pi / 2
        shifts[:, P + k, k] -= np.pi / 2
        vals = f(shifts.reshape(B * 2 * P, P)).reshape(B, 2 * P)
        return (vals[:, :P] - vals[:, P:]) / 2


def degeneracy_bound(sim: RealCircuitSimulator, X, y, readout="qubit0", n_probes: int = 6, rng=None) -> dict:
    """Which inputs the circuit can never tell apart, and the accuracy that caps.

    Evaluates ``P(class 1)`` at ``n_probes`` random weight vectors in ``[0, 2 pi)``; inputs with the
    same output at every probe are grouped (an input pair that the circuit *can* separate agrees at
    random weights only on a measure-zero set). No weight vector can beat labelling each group by its
    majority, so ``max_accuracy`` is an upper bound on the circuit's training accuracy.

    Returns
    -------
    dict
        ``n_groups``, ``max_accuracy`` and ``groups`` (a group id per sample).
    """
    from quark._random import as_generator

    rng = as_generator(rng)
    X = np.asarray(X)
    y = np.asarray(y)
    W = rng.uniform(0, 2 * np.pi, size=(n_probes, len(sim.weight_params)))
    p = sim.class_one_probability(X, W, readout)  # (probes, m)
    keys = np.round(p.T, 9)
    _, groups = np.unique(keys, axis=0, return_inverse=True)
    groups = groups.reshape(-1)
    pos = np.bincount(groups, weights=(y == 1).astype(float))
    tot = np.bincount(groups)
    best = np.maximum(pos, tot - pos).sum() / len(y)
    return {"n_groups": int(tot.size), "max_accuracy": float(best), "groups": groups}
