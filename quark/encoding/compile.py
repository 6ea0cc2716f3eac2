"""Compile any problem to what a dimod sampler receives: an exact QUBO, a reduced HUBO, a surrogate.

Four encodings (:func:`compile_problem`):

``"qubo"``
    The exact QUBO: squared loss on a linear model, a dimod BQM, a binary ``QuadraticProgram``, or
    any polynomial of degree <= 2.
``"reduced"``
    The exact higher-order polynomial reduced to a QUBO with auxiliary variables and a penalty
    proved to keep the minimum (:mod:`quark.encoding.reduction`). For tables and non-quadratic
    landscapes the polynomial comes from the full loss table — as many model evaluations as an
    exhaustive search, reported as :attr:`CompiledModel.compile_evaluations`.
``"surrogate"``
    A quadratic stand-in for losses whose polynomial is too large (:func:`quadratic_surrogate`);
    the *true* loss of every decoded sample is still what a search reports.
``"hubo"``
    The unreduced polynomial, for samplers that solve polynomials directly (``sample_poly``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from quark.encoding._terms import DEFAULT_MAX_TERMS, terms_to_bqm
from quark.encoding.compiled_model import ENCODINGS, CompiledModel
from quark.encoding.hamiltonians import penalized_surrogate, weight_quadratic_terms
from quark.encoding.landscape import LossLandscape
from quark.encoding.problem import DEFAULT_MAX_TABLE_QUBITS, PolynomialProblem, RestrictedProblem, SearchProblem, as_problem
from quark.encoding.reduction import MAX_REDUCTION_TERMS, reduce_polynomial, sparse_terms, too_large_to_reduce
from quark.encoding.transforms import walsh_hadamard_transform
from quark._validation import check_int
from quark.exceptions import ProblemTooLargeError, advised

__all__ = ["compile_problem", "quadratic_surrogate", "problem_polynomial", "CompiledModel", "ENCODINGS"]



def problem_polynomial(problem: SearchProblem, *, max_terms: int = MAX_REDUCTION_TERMS) -> dict[tuple[int, ...], float]:
    """The exact multilinear polynomial of a problem over bit positions ``0..n-1``, or an error
    that suggests the surrogate.

    Examples
    --------
    >>> problem_polynomial(as_problem([0.0, 1.0, 2.0, 5.0]))   # b0 + 2 b1 + 2 b0 b1
    {(0,): 1.0, (1,): 2.0, (0, 1): 2.0}
    """
    try:
        return as_problem(problem).polynomial(max_terms=max_terms)
    except ProblemTooLargeError as exc:
        # only max_terms is an argument here: other limits of the export are not the caller's to raise
        kept = [a for a in getattr(exc, "alternatives", ()) if set(a) <= {"max_terms"}]
        raise too_large_to_reduce(getattr(exc, "reason", str(exc)), kept) from None


def _surrogate_terms(problem: SearchProblem) -> tuple[dict, str, int]:
    """``(terms over bits, description, model evaluations spent)`` of the quadratic surrogate."""
    if isinstance(problem, LossLandscape):
        wq = penalized_surrogate(problem)
        if wq is not None:
            exact = " (exact QUBO)"
            return weight_quadratic_terms(wq, problem.encoding), wq.description + exact, 0
    if isinstance(problem, RestrictedProblem):
        terms, how, spent = _surrogate_terms(problem.parent)
        return problem.substitute(terms), how + ", restricted to a block", spent
    if problem.is_quadratic:
        return problem.polynomial(), "exact QUBO", 0
    return _walsh_projection(problem)


def _walsh_projection(problem: SearchProblem) -> tuple[dict, str, int]:
    """The least-squares quadratic fit of the loss over all bit strings (Walsh degree <= 2)."""
    n = problem.n_qubits
    if n > DEFAULT_MAX_TABLE_QUBITS:
        raise ProblemTooLargeError(
            f"no structural quadratic surrogate for this {n}-bit problem, and the least-squares fit needs its "
            f"full table of 2**{n} losses (limit {DEFAULT_MAX_TABLE_QUBITS} bits); search it block-wise "
            "(BlockSearch: blocks of at most 24 bits)"
        )
    table = problem.table(np.float64)
    low = float(table.min())
    coeffs = walsh_hadamard_transform(table - low)
    k = np.arange(coeffs.size, dtype=np.int64)
    degree = np.zeros(coeffs.size, dtype=np.int64)
    for i in range(n):
        degree += (k >> i) & 1
    # keep degree <= 2 of the expansion in z_i = (-1)**b_i = 1 - 2 b_i, then back to bits
    terms: dict[tuple[int, ...], float] = {(): low + float(coeffs[0])}

    def add(key, c):
        terms[key] = terms.get(key, 0.0) + c

    for i in range(n):
        c = float(coeffs[1 << i])
        add((), c)
        add((i,), -2.0 * c)
    for kk in np.flatnonzero(degree == 2).tolist():
        i, j = [b for b in range(n) if (kk >> b) & 1]
        c = float(coeffs[kk])
        add((), c)
        add((i,), -2.0 * c)
        add((j,), -2.0 * c)
        add((i, j), 4.0 * c)
    spent = (1 << n) * problem.evaluation_cost
    return {t: c for t, c in terms.items() if c}, "least-squares quadratic fit of the loss table (Walsh degree <= 2)", spent


def quadratic_surrogate(problem) -> tuple[Any, str]:
    """A quadratic model whose low states are good bit strings: ``(BINARY BQM over 0..n-1, description)``.

    * models with a :meth:`~quark.models.QuantizedModel.quadratic_surrogate` hook: linear models
      (the squared loss on the score) and the binary perceptron (the squared loss of its
      polarity-signed pre-activation) — exact QUBOs of the stand-in;
    * a restriction of such a landscape: the parent's surrogate with the fixed bits substituted;
    * anything else up to 24 bits (other models, tables, polynomials): the least-squares quadratic
      fit of the loss over all bit strings (the Walsh expansion truncated at degree 2).

    The surrogate only guides the sampler: annealing reports the true loss.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 0], [0, 1], [1, 1]]); y = np.array([1, 0, 1])
    >>> bqm, how = quadratic_surrogate(LossLandscape("perceptron", None, X, y))
    >>> how.startswith("squared pre-activation"), sorted(bqm.variables)
    (True, [0, 1, 2])
    """
    prob = as_problem(problem)
    terms, how, _ = _surrogate_terms(prob)
    return terms_to_bqm(terms, prob.n_qubits), how


def compile_problem(
    problem,
    encoding: str = "auto",
    penalty: float | None = None,
    *,
    poly_sampler: bool = False,
    max_terms: int = MAX_REDUCTION_TERMS,
) -> CompiledModel:
    """Compile a problem to what a sampler receives (see the module docstring)."""
    import dimod

    if not isinstance(encoding, str) or encoding not in ENCODINGS:
        raise ValueError(f"'encoding' must be one of {ENCODINGS}; got {encoding!r}")
    check_int(max_terms, "max_terms", minimum=0)
    problem = as_problem(problem)
    n = problem.n_qubits
    if encoding == "auto":
        encoding = "qubo" if problem.is_quadratic else ("hubo" if poly_sampler else "reduced")
    if encoding == "qubo":
        if isinstance(problem, LossLandscape) and not problem.is_quadratic:
            raise advised(
                ValueError, f"encoding='qubo' needs a quadratic loss (squared loss on a linear model); the "
                f"{problem.loss!r} loss of model {problem.model.name!r} is not", {"encoding": "reduced"},
                {"encoding": "surrogate"}, note="'reduced' is exact; 'surrogate' a quadratic stand-in")
        bqm = problem.to_bqm() if problem.is_quadratic else terms_to_bqm(problem_polynomial(problem, max_terms=max_terms), n)
        return CompiledModel(bqm=bqm, n_original=n, encoding="qubo", description="exact QUBO",
                             compile_evaluations=_table_cost(problem))
    if encoding == "surrogate":
        terms, how, spent = _surrogate_terms(problem)
        return CompiledModel(bqm=terms_to_bqm(terms, n), n_original=n, encoding="surrogate", description=how,
                             compile_evaluations=spent)
    terms, flip = _reduction_polynomial(problem, max_terms)
    spent = _table_cost(problem)
    if encoding == "hubo":
        if not poly_sampler:
            raise advised(ValueError, "encoding='hubo' needs a sampler with sample_poly (the 'exact' backend)",
                          {"encoding": "reduced"})
        poly = dimod.BinaryPolynomial(terms, dimod.BINARY)
        for i in range(n):  # every bit is a variable, even one the loss does not depend on
            poly.setdefault((i,), 0.0)
        return CompiledModel(poly=poly, n_original=n, encoding="hubo", flip=flip, description="exact polynomial",
                             compile_evaluations=spent)
    red = reduce_polynomial(terms, n, penalty, max_terms=max_terms)
    red.flip = flip
    red.description = f"exact polynomial reduced to a QUBO with {len(red.products)} auxiliary variables"
    red.compile_evaluations = spent
    return red


def _symbolic(problem: SearchProblem) -> bool:
    """Whether the problem's polynomial comes without its loss table."""
    if isinstance(problem, RestrictedProblem):
        return _symbolic(problem.parent) and (problem.is_quadratic or isinstance(problem.parent, PolynomialProblem))
    return problem.is_quadratic or isinstance(problem, PolynomialProblem)


def _table_cost(problem: SearchProblem) -> int:
    """Model evaluations spent on the loss table behind a non-symbolic polynomial (0 for symbolic ones
    and for bare tables, which cost nothing to read)."""
    if _symbolic(problem) or problem.n_samples is None:
        return 0
    return (1 << problem.n_qubits) * problem.evaluation_cost


def _reduction_polynomial(problem: SearchProblem, max_terms: int) -> tuple[dict, int]:
    """The polynomial to reduce and its flip mask: the sparsest of the table's polarity choices."""
    if _symbolic(problem):
        return problem_polynomial(problem, max_terms=max_terms), 0
    n = problem.n_qubits
    if n > DEFAULT_MAX_TABLE_QUBITS:
        raise too_large_to_reduce(
            f"the exact polynomial of a {n}-bit problem is built from its table of 2**{n} losses (limit "
            f"{DEFAULT_MAX_TABLE_QUBITS} bits; or search it block-wise with BlockSearch)"
        )
    return sparse_terms(problem.table(np.float64), max_terms)


__all__ += ["DEFAULT_MAX_TERMS"]
