"""Compile a loss landscape to Hamiltonians: dimod BQM / BinaryPolynomial, qiskit Pauli, QP.

Every export uses variable / qubit ``i`` for bit ``i`` and reproduces the landscape's loss exactly
on every bit string, the constant included (``bqm.offset``, the polynomial's ``()`` term, the Pauli
identity term, the program's objective constant). Coefficients below a tolerance *relative to the
loss's own spread* are zero, so a loss that varies by 1e-12 keeps its shape.

A trap next door: qiskit-optimization 0.7's ``NumPyMinimumEigensolver`` misjudges a diagonal
operator holding an exact zero on its diagonal as non-diagonal and falls back to ARPACK, which can
return a wrong minimum (e.g. 0.99999 instead of 0). The Pauli export of a landscape whose loss
reaches 0 has such a diagonal: to find its minimum, use :meth:`SparsePauliOp.to_matrix` with
``sparse=True`` and read the diagonal, or Quark's own exhaustive search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from quark.encoding._terms import DEFAULT_MAX_TERMS, coefficient_terms, terms_to_bqm
from quark.encoding.problem import DEFAULT_MAX_TABLE_QUBITS

if TYPE_CHECKING:  # pragma: no cover
    from quark.encoding.problem import SearchProblem
    import dimod
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_optimization import QuadraticProgram

    from quark.encoding.weights import WeightEncoding
    from quark.models.base import WeightQuadratic

__all__ = [
    "landscape_to_bqm",
    "landscape_to_polynomial",
    "landscape_to_pauli",
    "landscape_to_quadratic_program",
    "bqm_to_pauli",
    "bqm_to_quadratic_program",
    "coefficient_terms",
    "quadratic_terms",
    "weight_quadratic_terms",
    "DEFAULT_MAX_TERMS",
    "DEFAULT_MAX_TABLE_QUBITS",
]


def weight_quadratic_terms(wq: "WeightQuadratic", encoding: "WeightEncoding") -> dict[tuple[int, ...], float]:
    """A quadratic function of the weights as terms over the weight *bits* (``b_j**2 = b_j``).

    With ``w = w0 + G b``: ``f = f(w0) + (c + 2 Q w0) . G b + b . (G^T Q G) b``.
    """
    w0, G = encoding.affine_map()
    Q = np.asarray(wq.quadratic, dtype=np.float64)
    c = np.asarray(wq.linear, dtype=np.float64)
    offset = float(wq.offset + c @ w0 + w0 @ Q @ w0)
    lin = G.T @ (c + 2.0 * Q @ w0)
    QB = G.T @ Q @ G
    lin = lin + np.diag(QB)
    terms: dict[tuple[int, ...], float] = {(): offset} if offset else {}
    terms.update({(i,): float(v) for i, v in enumerate(lin) if v})
    rows, cols = np.triu_indices(QB.shape[0], 1)
    vals = QB[rows, cols] + QB[cols, rows]
    terms.update({(int(i), int(j)): float(v) for i, j, v in zip(rows, cols, vals) if v})
    return terms


def quadratic_terms(land: "SearchProblem") -> dict[tuple[int, ...], float]:
    """Terms of the exact QUBO of a quadratic landscape (squared loss on a linear model), from the data."""
    if not land.is_quadratic:
        raise ValueError(
            f"the {land.loss!r} loss of model {land.model.name!r} is not quadratic in the bits, so it has "
            "no exact QUBO; use loss='squared' with a linear model ('spin-perceptron', "
            "'fixed-point-linear'), or to_polynomial() for the exact higher-order form"
        )
    return weight_quadratic_terms(penalized_surrogate(land), land.encoding)


def penalized_surrogate(land: "SearchProblem"):
    """The model's quadratic surrogate of a landscape, sample weights and ridge penalty included."""
    from dataclasses import replace

    wq = land.model.quadratic_surrogate(land.X, land.y, land.sample_weight)
    if wq is None or not land.alpha:
        return wq
    return replace(wq, quadratic=wq.quadratic + land.alpha * np.diag(land._penalized.astype(np.float64)))


def landscape_to_bqm(land: "SearchProblem") -> "dimod.BinaryQuadraticModel":
    """Exact QUBO of a quadratic landscape as a BINARY ``dimod.BinaryQuadraticModel``.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.encoding import LossLandscape
    >>> X = np.array([[0.5, -1.0], [1.0, 0.25]]); y = np.array([1, 0])
    >>> land = LossLandscape("fixed-point-linear", None, X, y, loss="squared")
    >>> bqm = land.to_bqm()                          # 2 weights and a bias, 4 bits each
    >>> bits = [1, 0, 0, 1, 1, 1, 0, 1, 0, 0, 1, 1]
    >>> bool(np.isclose(bqm.energy(dict(enumerate(bits))), land.evaluate(bits)))
    True
    """
    return terms_to_bqm(quadratic_terms(land), land.n_qubits)


def landscape_to_polynomial(
    land: "SearchProblem",
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_qubits: int = DEFAULT_MAX_TABLE_QUBITS,
) -> "dimod.BinaryPolynomial":
    """Exact higher-order ``dimod.BinaryPolynomial`` (BINARY) of any landscape.

    Quadratic landscapes are compiled symbolically; others by the fast Möbius transform of the
    loss table (``O(n 2**n)``), keeping the non-zero monomials. Raises
    :class:`~quark.exceptions.ProblemTooLargeError` past ``max_qubits`` or ``max_terms``.
    The constant is the ``()`` term.
    """
    import dimod

    return dimod.BinaryPolynomial(land.polynomial(max_terms=max_terms, max_qubits=max_qubits), dimod.BINARY)


def landscape_to_pauli(
    land: "SearchProblem",
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_qubits: int = DEFAULT_MAX_TABLE_QUBITS,
) -> "SparsePauliOp":
    """Diagonal ``SparsePauliOp`` (Z strings only) whose diagonal is the loss table.

    Qubit ``i`` is bit ``i`` (Qiskit's little-endian order), so basis state ``|k>`` has energy
    ``table[k]``. Quadratic landscapes go through the QUBO (at most 2-local terms); others through
    the Walsh–Hadamard transform of the table. See the module docstring before handing the result
    to qiskit-optimization's ``NumPyMinimumEigensolver``.
    """
    if land.is_quadratic:
        return bqm_to_pauli(landscape_to_bqm(land))
    from qiskit.quantum_info import SparsePauliOp

    terms = land.polynomial(max_terms=max_terms, max_qubits=max_qubits, basis="spin")
    sparse = [("Z" * len(v), list(v), c) for v, c in terms.items()] or [("", [], 0.0)]
    return SparsePauliOp.from_sparse_list(sparse, num_qubits=land.n_qubits).simplify(atol=0)


def bqm_to_pauli(bqm, variable_order=None) -> "SparsePauliOp":
    """Diagonal ``SparsePauliOp`` of a BQM: qubit ``i`` is ``variable_order[i]``.

    With ``b = (1 - z) / 2`` (``z`` the Z eigenvalue), i.e. dimod's spin ``s = 2b - 1 = -z``.
    """
    from qiskit.quantum_info import SparsePauliOp

    order = list(bqm.variables) if variable_order is None else list(variable_order)
    pos = {v: i for i, v in enumerate(order)}
    h, J, offset = bqm.spin.to_ising()
    sparse = [("", [], float(offset))]
    sparse += [("Z", [pos[v]], -float(c)) for v, c in h.items() if c]
    sparse += [("ZZ", [pos[u], pos[v]], float(c)) for (u, v), c in J.items() if c]
    return SparsePauliOp.from_sparse_list(sparse, num_qubits=len(order)).simplify(atol=0)


def bqm_to_quadratic_program(bqm, variable_order=None, name: str = "quark") -> "QuadraticProgram":
    """Binary ``QuadraticProgram`` (minimize) of a BQM: variable ``x{i}`` is ``variable_order[i]``."""
    from qiskit_optimization import QuadraticProgram

    order = list(bqm.variables) if variable_order is None else list(variable_order)
    pos = {v: i for i, v in enumerate(order)}
    b = bqm.binary
    qp = QuadraticProgram(name)
    for i in range(len(order)):
        qp.binary_var(f"x{i}")
    qp.minimize(
        constant=float(b.offset),
        linear={f"x{pos[v]}": float(c) for v, c in b.linear.items()},
        quadratic={(f"x{pos[u]}", f"x{pos[v]}"): float(c) for (u, v), c in b.quadratic.items()},
    )
    return qp


def landscape_to_quadratic_program(land: "SearchProblem") -> "QuadraticProgram":
    """qiskit-optimization ``QuadraticProgram`` of a quadratic landscape (variables ``x0..x{n-1}``)."""
    return bqm_to_quadratic_program(landscape_to_bqm(land), range(land.n_qubits))
