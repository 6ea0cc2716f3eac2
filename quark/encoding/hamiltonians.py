"""Compile a loss landscape to Hamiltonians: dimod BQM / BinaryPolynomial, qiskit Pauli, QP.

Every export uses variable / qubit ``i`` for bit ``i`` and reproduces the landscape's loss exactly
on every bit string, the constant included (``bqm.offset``, the polynomial's ``()`` term, the Pauli
identity term, the program's objective constant).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from quark._memory import check_fits
from quark.encoding.transforms import mobius_transform, walsh_hadamard_transform
from quark.exceptions import ProblemTooLargeError

if TYPE_CHECKING:  # pragma: no cover
    import dimod
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_optimization import QuadraticProgram

    from quark.encoding.landscape import LossLandscape

__all__ = [
    "landscape_to_bqm",
    "landscape_to_polynomial",
    "landscape_to_pauli",
    "landscape_to_quadratic_program",
    "bqm_to_pauli",
    "bqm_to_quadratic_program",
    "coefficient_terms",
    "DEFAULT_MAX_TERMS",
    "DEFAULT_MAX_TABLE_QUBITS",
]

#: Largest number of monomials a polynomial / Pauli export builds by default.
DEFAULT_MAX_TERMS = 200_000
#: Largest landscape whose full table a transform-based export computes by default.
DEFAULT_MAX_TABLE_QUBITS = 24


def _qubo_terms(land: "LossLandscape") -> tuple[np.ndarray, np.ndarray, float]:
    """``(linear, Q_upper, offset)`` of the squared loss of a linear model, from the data.

    score_i = Phi_i . w,  w = w0 + G b  =>  score = a + H b,  a = Phi w0,  H = Phi G.
    mean_i (score_i - t_i)^2 = (r.r + 2 r.H b + b.H^T H b) / m   with r = a - t, and b_j^2 = b_j.
    """
    if not land.is_quadratic:
        raise ValueError(
            f"the {land.loss!r} loss of model {land.model.name!r} is not quadratic in the bits, so it has "
            "no exact QUBO; use loss='squared' with a linear model ('spin-perceptron', "
            "'fixed-point-linear'), or to_polynomial() for the exact higher-order form"
        )
    m = land.n_samples
    phi = land.model.features(land.X)
    w0, G = land.encoding.affine_map()
    t = 2.0 * land.y - 1.0
    H = phi @ G
    r = phi @ w0 - t
    Q = H.T @ H / m
    linear = 2.0 * (r @ H) / m + np.diag(Q)
    upper = 2.0 * np.triu(Q, 1)
    return linear, upper, float(r @ r / m)


def landscape_to_bqm(land: "LossLandscape") -> "dimod.BinaryQuadraticModel":
    """Exact QUBO of a quadratic landscape as a BINARY ``dimod.BinaryQuadraticModel``.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.encoding import LossLandscape
    >>> X = np.array([[0.5, -1.0], [1.0, 0.25]]); y = np.array([1, 0])
    >>> land = LossLandscape("fixed-point-linear", None, X, y, loss="squared")
    >>> bqm = land.to_bqm()
    >>> bits = [1, 0, 0, 1, 1, 1]
    >>> bool(np.isclose(bqm.energy(dict(enumerate(bits))), land.evaluate(bits)))
    True
    """
    import dimod

    linear, upper, offset = _qubo_terms(land)
    n = land.n_qubits
    rows, cols = np.nonzero(upper)
    bqm = dimod.BinaryQuadraticModel.from_numpy_vectors(
        linear, (rows, cols, upper[rows, cols]), offset, dimod.BINARY, variable_order=range(n)
    )
    return bqm


def _checked_table(land: "LossLandscape", max_qubits: int, what: str) -> np.ndarray:
    if land.n_qubits > max_qubits:
        raise ProblemTooLargeError(
            f"the {what} export of a {land.n_qubits}-qubit landscape transforms its full table of "
            f"2**{land.n_qubits} losses; the limit is max_qubits={max_qubits} (raise it if memory allows)"
        )
    check_fits(3 * 8 * (1 << land.n_qubits), f"the {what} transform of {land.n_qubits} qubits")
    return land.table(np.float64)


_SURROGATE_HINT = "raise max_terms, or use a quadratic surrogate (loss='squared' on a linear model)"


def coefficient_terms(
    coeffs: np.ndarray, max_terms: int = DEFAULT_MAX_TERMS, *, what: str = "polynomial", hint: str = _SURROGATE_HINT
) -> dict[tuple[int, ...], float]:
    """The non-zero terms of a transform's coefficient vector as ``{variables: coefficient}``.

    ``coeffs[S]`` is the coefficient of the monomial over the set bits of ``S`` (relative
    tolerance 1e-10). More than ``max_terms`` terms raises
    :class:`~quark.exceptions.ProblemTooLargeError` whose message ends with ``hint``.

    Examples
    --------
    >>> coefficient_terms(np.array([0.5, 0.0, 0.0, -2.0]))
    {(): 0.5, (0, 1): -2.0}
    """
    tol = 1e-10 * max(1.0, float(np.abs(coeffs).max(initial=0.0)))
    idx = np.flatnonzero(np.abs(coeffs) > tol)
    if idx.size > max_terms:
        raise ProblemTooLargeError(f"the {what} has {idx.size} terms, more than max_terms={max_terms}; {hint}")
    return {tuple(i for i in range(k.bit_length()) if (k >> i) & 1): float(coeffs[k]) for k in idx.tolist()}


def landscape_to_polynomial(
    land: "LossLandscape",
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

    if land.is_quadratic:
        bqm = landscape_to_bqm(land)
        terms = {(v,): float(c) for v, c in bqm.linear.items()}
        terms.update({(u, v): float(c) for (u, v), c in bqm.quadratic.items()})
        terms[()] = float(bqm.offset)
        return dimod.BinaryPolynomial(terms, dimod.BINARY)
    coeffs = mobius_transform(_checked_table(land, max_qubits, "polynomial"))
    terms = coefficient_terms(coeffs, max_terms)
    return dimod.BinaryPolynomial(terms, dimod.BINARY)


def landscape_to_pauli(
    land: "LossLandscape",
    *,
    max_terms: int = DEFAULT_MAX_TERMS,
    max_qubits: int = DEFAULT_MAX_TABLE_QUBITS,
) -> "SparsePauliOp":
    """Diagonal ``SparsePauliOp`` (Z strings only) whose diagonal is the loss table.

    Qubit ``i`` is bit ``i`` (Qiskit's little-endian order), so basis state ``|k>`` has energy
    ``table[k]``. Quadratic landscapes go through the QUBO (at most 2-local terms); others through
    the Walsh–Hadamard transform of the table.
    """
    if land.is_quadratic:
        return bqm_to_pauli(landscape_to_bqm(land))
    from qiskit.quantum_info import SparsePauliOp

    coeffs = walsh_hadamard_transform(_checked_table(land, max_qubits, "Pauli"))
    terms = coefficient_terms(coeffs, max_terms, what="Pauli operator")
    sparse = [("Z" * len(v), list(v), c) for v, c in terms.items()]
    if not sparse:
        sparse = [("", [], 0.0)]
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


def landscape_to_quadratic_program(land: "LossLandscape") -> "QuadraticProgram":
    """qiskit-optimization ``QuadraticProgram`` of a quadratic landscape (variables ``x0..x{n-1}``)."""
    return bqm_to_quadratic_program(landscape_to_bqm(land), range(land.n_qubits))
