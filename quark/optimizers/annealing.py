"""Annealing: the loss Hamiltonian on any dimod sampler, with every decoded sample verified.

:class:`AnnealingSearch` compiles a problem to a binary quadratic model (BQM), sends it to a dimod
sampler (simulated annealing by default), decodes the samples back to bit strings and checks each
decoded bit string's loss on the problem itself — never trusting the sampler's energy.

Three encodings reach a BQM:

``"qubo"``
    The exact QUBO: squared loss on a linear model (:meth:`LossLandscape.to_bqm`), a dimod BQM,
    a binary ``QuadraticProgram``, or any polynomial of degree <= 2.
``"reduced"``
    The exact higher-order polynomial (:meth:`LossLandscape.to_polynomial`, or the Möbius transform
    of a loss table) reduced to a QUBO by :func:`reduce_polynomial`: every product of two variables
    inside a term of degree > 2 becomes a new auxiliary variable ``p = u*v``, enforced by the AND-gate
    penalty ``P * (u*v - 2*u*p - 2*v*p + 3*p)`` — what ``dimod.make_quadratic`` does, but with a
    deterministic choice of pairs (``make_quadratic`` iterates over sets of string labels, so its
    reduction changes with ``PYTHONHASHSEED``). For tables the polynomial is taken in the bits'
    sparsest polarity (:func:`sparse_polynomial`). :func:`penalty_bound` gives a strength ``P``
    *proved* to keep the minimum; :class:`AnnealingSearch` starts far below it and doubles ``P``
    while the sampler's lowest energy has a wrong product. Auxiliary variables are dropped when
    decoding.
``"surrogate"``
    A quadratic stand-in for losses whose polynomial is too large (see
    :func:`quadratic_surrogate`); the *true* loss of every decoded sample is still what is reported.

Samplers that solve polynomials directly (``sample_poly``, e.g. ``ExactPolySolver``) also accept
``"hubo"``, the unreduced polynomial.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from quark.encoding.hamiltonians import DEFAULT_MAX_TABLE_QUBITS, coefficient_terms
from quark.encoding.landscape import LossLandscape
from quark.encoding.transforms import mobius_transform, walsh_hadamard_transform
from quark.exceptions import ProblemTooLargeError
from quark.optimizers.base import Optimizer, check_positive_int
from quark.optimizers.problem import LandscapeProblem, PolynomialProblem, SearchProblem

__all__ = [
    "AnnealingSearch",
    "CompiledModel",
    "compile_problem",
    "reduce_polynomial",
    "sparse_polynomial",
    "penalty_bound",
    "quadratic_surrogate",
    "problem_polynomial",
    "ENCODINGS",
    "DEFAULT_NUM_READS",
    "DEFAULT_REDUCED_NUM_READS",
    "MAX_REDUCTION_TERMS",
]

#: Encodings :class:`AnnealingSearch` accepts.
ENCODINGS = ("auto", "qubo", "reduced", "surrogate", "hubo")
#: Reads per sampler call when ``num_reads`` is not given: exact QUBOs, and reduced HUBOs, whose
#: auxiliary variables and penalties make each read less likely to land on the optimum (measured,
#: docs/annealing.md: 0.007 per read on the edge-detection perceptron, where 100 reads reach the
#: optimum in about half of the seeds).
DEFAULT_NUM_READS = 100
DEFAULT_REDUCED_NUM_READS = 1000
#: Largest polynomial (number of monomials) :func:`reduce_polynomial` reduces by default.
MAX_REDUCTION_TERMS = 20_000
# Relative margin above the proved penalty bound (the bound itself is already sufficient; the
# margin keeps floating-point rounding from making a violated state tie with the ground state).
_PENALTY_MARGIN = 1e-6
# The automatic penalty starts at the proved bound divided by this, and doubles while too weak.
_ADAPTIVE_START = 64.0


# ------------------------------------------------------------------------------------------------
# Polynomials of problems
# ------------------------------------------------------------------------------------------------
def _terms_from_coefficients(coeffs: np.ndarray, max_terms: int) -> dict[tuple[int, ...], float]:
    return coefficient_terms(
        coeffs, max_terms,
        hint="use encoding='surrogate' (a quadratic stand-in, true loss still reported) or raise max_terms",
    )


def _term_count(table: np.ndarray, mask: int) -> tuple[int, np.ndarray]:
    c = mobius_transform(table[np.arange(table.size, dtype=np.int64) ^ mask])
    tol = 1e-10 * max(1.0, float(np.abs(c).max(initial=0.0)))
    return int(np.count_nonzero(np.abs(c) > tol)), c


def sparse_polynomial(table: np.ndarray, *, max_greedy_bits: int = 16) -> tuple[np.ndarray, int]:
    """Möbius coefficients of a loss table in the variables ``y_i = b_i XOR flip_i``, with few terms.

    OR-type models are dense polynomials in their bits but sparse in the complemented ones
    (``1 - prod_j (1 - w_j)`` expands to ``2**k - 1`` terms; in ``1 - w_j`` it is one term). Tries no
    flip and all flips, then (up to ``max_greedy_bits`` bits) greedy single-bit changes of the flip
    mask while they remove terms. Returns ``(coefficients over y, flip mask as an int)``.

    Examples
    --------
    >>> t = np.array([0.0, 1.0, 1.0, 1.0])          # b0 OR b1 = b0 + b1 - b0 b1
    >>> c, flip = sparse_polynomial(t)              # = 1 - y0 y1 with y = NOT b
    >>> flip, c.tolist()
    (3, [1.0, 0.0, 0.0, -1.0])
    """
    n = table.size.bit_length() - 1
    full = (1 << n) - 1
    best, coeffs = _term_count(table, 0)
    mask = 0
    cnt, c = _term_count(table, full)
    if cnt < best:
        best, coeffs, mask = cnt, c, full
    improved = n <= max_greedy_bits
    while improved:
        improved = False
        for i in range(n):
            cnt, c = _term_count(table, mask ^ (1 << i))
            if cnt < best:
                best, coeffs, mask, improved = cnt, c, mask ^ (1 << i), True
    return coeffs, mask


def problem_polynomial(problem: SearchProblem, *, max_terms: int = MAX_REDUCTION_TERMS) -> dict[tuple[int, ...], float]:
    """The exact multilinear polynomial of a problem over bit positions ``0..n-1``.

    Terms are sorted tuples of bit positions (``()`` is the constant). Raises
    :class:`~quark.exceptions.ProblemTooLargeError` past ``max_terms`` monomials (or when the
    loss table it is built from would not fit), suggesting the surrogate.

    Examples
    --------
    >>> from quark.optimizers import as_problem
    >>> problem_polynomial(as_problem([0.0, 1.0, 2.0, 5.0]))   # b0 + 2 b1 + 2 b0 b1
    {(0,): 1.0, (1,): 2.0, (0, 1): 2.0}
    """
    if isinstance(problem, LandscapeProblem):
        land = problem.landscape
        try:
            poly = land.to_polynomial(max_terms=max_terms)
        except ProblemTooLargeError as exc:
            raise ProblemTooLargeError(
                f"{exc}. The exact polynomial of this landscape is too large to reduce to a QUBO; "
                "use encoding='surrogate' (a quadratic stand-in; the true loss is still reported)"
            ) from exc
        return {tuple(sorted(t)): float(c) for t, c in poly.items() if c}
    if isinstance(problem, PolynomialProblem):
        pos = {v: i for i, v in enumerate(problem.variables)}
        terms: dict[tuple[int, ...], float] = {}
        model = problem.model
        items = (
            [((v,), b) for v, b in model.linear.items()]
            + [((u, v), b) for (u, v), b in model.quadratic.items()]
            + [((), model.offset)]
            if hasattr(model, "quadratic")
            else model.items()
        )
        for t, c in items:
            key = tuple(sorted({pos[v] for v in t}))
            terms[key] = terms.get(key, 0.0) + float(c)
        terms = {t: c for t, c in terms.items() if c}
        if len(terms) > max_terms:
            raise ProblemTooLargeError(
                f"the polynomial has {len(terms)} terms, more than max_terms={max_terms}; "
                "use encoding='surrogate' (a quadratic stand-in, true loss still reported) or raise max_terms"
            )
        return terms
    if problem.n_qubits > DEFAULT_MAX_TABLE_QUBITS:
        raise ProblemTooLargeError(
            f"the polynomial of a {problem.n_qubits}-bit problem is built from its full table of "
            f"2**{problem.n_qubits} losses; the limit is {DEFAULT_MAX_TABLE_QUBITS} bits. "
            "Use encoding='surrogate'"
        )
    return _terms_from_coefficients(mobius_transform(problem.table(np.float64)), max_terms)


# ------------------------------------------------------------------------------------------------
# Reduction of a polynomial to a QUBO
# ------------------------------------------------------------------------------------------------
def penalty_bound(terms: dict[tuple[int, ...], float], n_original: int) -> float:
    """Sum of ``|c|`` over the reduced objective's terms that contain an auxiliary variable.

    With the AND-gate penalty ``pen(u, v, p) = u*v - 2*u*p - 2*v*p + 3*p`` (0 when ``p = u*v``,
    at least 1 otherwise), a strength ``P`` *above* this bound ``B`` makes every state with a wrong
    auxiliary variable cost more than the same original bits with correct products: changing the
    auxiliaries moves the objective by at most ``B`` while removing a penalty of at least ``P``.
    So the reduced model's ground states are exactly the polynomial's minima (with their products).
    """
    return float(sum(abs(c) for t, c in terms.items() if any(v >= n_original for v in t)))


def reduce_polynomial(
    poly: dict[tuple[int, ...], float],
    n_original: int,
    penalty: float | None = None,
    *,
    max_terms: int = MAX_REDUCTION_TERMS,
) -> "CompiledModel":
    """Reduce a polynomial over ``0..n_original-1`` to an equivalent BINARY BQM.

    Repeatedly substitutes the pair of variables that occurs in the most terms of degree > 2 (ties:
    the smallest pair), as ``dimod.make_quadratic`` does, but deterministically. Auxiliary
    variables are labelled ``n_original, n_original + 1, ...``.

    Parameters
    ----------
    poly : dict
        ``{sorted tuple of positions: coefficient}``.
    n_original : int
        Number of original variables.
    penalty : float, optional
        AND-gate strength. Default: just above :func:`penalty_bound`, which provably keeps the
        ground state (or 1.0 when nothing had to be reduced). A smaller value warns.
    max_terms : int
        Refuse polynomials with more monomials (the error suggests the surrogate).

    Examples
    --------
    >>> import dimod
    >>> poly = {(0, 1, 2): -2.0, (0,): 1.0}
    >>> red = reduce_polynomial(poly, 3)
    >>> red.products, red.penalty > red.penalty_bound
    ([(0, 1, 3)], True)
    >>> ss = dimod.ExactSolver().sample(red.bqm)
    >>> float(ss.first.energy), [int(ss.first.sample[i]) for i in range(3)]
    (-1.0, [1, 1, 1])
    """
    if len(poly) > max_terms:
        raise ProblemTooLargeError(
            f"the polynomial has {len(poly)} terms, more than max_terms={max_terms} for the reduction "
            "to a QUBO; use encoding='surrogate' (a quadratic stand-in, true loss still reported)"
        )
    low: dict[frozenset, float] = {}
    high: dict[int, tuple[set[int], float]] = {}
    pair_terms: dict[tuple[int, int], set[int]] = {}

    def add_low(term, c):
        key = frozenset(term)
        low[key] = low.get(key, 0.0) + c

    def pairs(term):
        s = sorted(term)
        return [(s[i], s[j]) for i in range(len(s)) for j in range(i + 1, len(s))]

    for tid, (t, c) in enumerate(poly.items()):
        if len(t) <= 2:
            add_low(t, float(c))
        else:
            high[tid] = (set(t), float(c))
            for pr in pairs(t):
                pair_terms.setdefault(pr, set()).add(tid)

    products: list[tuple[int, int, int]] = []
    next_var = n_original
    while pair_terms:
        # The most shared pair; ties broken by the smallest pair so the reduction is deterministic.
        best = max(pair_terms, key=lambda pr: (len(pair_terms[pr]), -pr[0], -pr[1]))
        u, v = best
        p = next_var
        next_var += 1
        products.append((u, v, p))
        for tid in sorted(pair_terms[best]):
            t, c = high[tid]
            for pr in pairs(t):
                s = pair_terms.get(pr)
                if s is not None:
                    s.discard(tid)
                    if not s:
                        del pair_terms[pr]
            t = (t - {u, v}) | {p}
            if len(t) <= 2:
                del high[tid]
                add_low(t, c)
            else:
                high[tid] = (t, c)
                for pr in pairs(t):
                    pair_terms.setdefault(pr, set()).add(tid)

    objective = {tuple(sorted(k)): c for k, c in low.items() if c}
    bound = penalty_bound(objective, n_original)
    auto = penalty is None
    if auto:
        penalty = bound * (1.0 + _PENALTY_MARGIN) + _PENALTY_MARGIN if products else 1.0
    else:
        penalty = float(penalty)
        if not np.isfinite(penalty) or penalty <= 0:
            raise ValueError(f"'penalty' must be a positive number or None (automatic); got {penalty!r}")
        if products and penalty <= bound:
            warnings.warn(
                f"penalty={penalty:.6g} is not above the bound {bound:.6g} that guarantees the reduced "
                "QUBO keeps the polynomial's minimum; decoded losses are still verified",
                UserWarning,
                stacklevel=3,
            )
    bqm = _bqm_from_terms(objective, next_var)  # every term has degree <= 2 after the reduction
    for u, v, p in products:  # AND gate p = u*v, scaled by the penalty
        bqm.add_quadratic(u, v, penalty)
        bqm.add_quadratic(u, p, -2.0 * penalty)
        bqm.add_quadratic(v, p, -2.0 * penalty)
        bqm.add_linear(p, 3.0 * penalty)
    return CompiledModel(
        bqm=bqm,
        n_original=n_original,
        encoding="reduced",
        products=products,
        penalty=float(penalty),
        penalty_bound=bound,
    )


# ------------------------------------------------------------------------------------------------
# Quadratic surrogates
# ------------------------------------------------------------------------------------------------
def _perceptron_surrogate(land: LossLandscape):
    """Squared loss of the polarity-signed pre-activation of the binary perceptron (exact QUBO).

    ``a_i = sum_j w_j x_ij - (threshold - 1/2)`` and the score is ``(1 - 2 p) a_i`` (``p`` the
    polarity bit); since ``(1 - 2p)**2 = 1`` the loss ``mean_i ((1 - 2p) a_i - t_i)**2`` equals
    ``mean_i (a_i**2 - 2 t_i a_i + 4 p t_i a_i + 1)`` — quadratic in the bits.
    """
    import dimod

    A = np.asarray(land.X, dtype=np.float64)
    m, d = A.shape
    c = land.model.threshold - 0.5
    t = 2.0 * land.y.astype(np.float64) - 1.0
    Q = A.T @ A / m
    ta = t @ A / m
    linear = np.zeros(d + 1)
    linear[:d] = np.diag(Q) - 2.0 * c * A.mean(axis=0) - 2.0 * ta
    linear[d] = -4.0 * c * t.mean()
    bqm = dimod.BinaryQuadraticModel.from_numpy_vectors(linear, ([], [], []), 0.0, dimod.BINARY)
    rows, cols = np.triu_indices(d, 1)
    vals = 2.0 * Q[rows, cols]
    bqm.add_quadratic_from(zip(rows.tolist(), cols.tolist(), vals.tolist()))
    bqm.add_quadratic_from((j, d, 4.0 * ta[j]) for j in range(d) if ta[j])
    bqm.offset = c * c + 2.0 * c * t.mean() + 1.0
    return bqm


def _walsh_projection(problem: SearchProblem):
    """The least-squares quadratic fit of the loss over all bit strings (Walsh degree <= 2)."""
    import dimod

    n = problem.n_qubits
    if n > DEFAULT_MAX_TABLE_QUBITS:
        raise ProblemTooLargeError(
            f"no structural quadratic surrogate for this problem, and the least-squares fit needs its "
            f"full table of 2**{n} losses (limit {DEFAULT_MAX_TABLE_QUBITS} bits)"
        )
    coeffs = walsh_hadamard_transform(problem.table(np.float64))
    k = np.arange(coeffs.size, dtype=np.int64)
    degree = np.zeros(coeffs.size, dtype=np.int64)
    for i in range(n):
        degree += (k >> i) & 1
    # z_i = (-1)**b_i = -s_i with dimod's spin s = 2b - 1: linear terms flip sign, pairs do not.
    h = {i: -float(coeffs[1 << i]) for i in range(n)}
    sel = np.flatnonzero(degree == 2)
    J = {}
    for kk in sel.tolist():
        i, j = [b for b in range(n) if (kk >> b) & 1]
        J[(i, j)] = float(coeffs[kk])
    return dimod.BinaryQuadraticModel(h, J, float(coeffs[0]), dimod.SPIN).change_vartype(dimod.BINARY, inplace=False)


def quadratic_surrogate(problem) -> tuple[Any, str]:
    """A quadratic model whose low states are good bit strings: ``(BINARY BQM over 0..n-1, description)``.

    * linear models (``spin-perceptron``, ``fixed-point-linear``) with any loss: the squared loss
      on the score (pre-activation) — an exact QUBO;
    * the binary ``perceptron``: the squared loss of its polarity-signed pre-activation
      ``(1 - 2 p)(sum_j w_j x_j - threshold + 1/2)`` (exact QUBO, see the source);
    * anything else up to 24 bits (other models, tables, polynomials): the least-squares quadratic
      fit of the loss over all bit strings (the Walsh expansion truncated at degree 2).

    The surrogate only guides the sampler: :class:`AnnealingSearch` reports the true loss.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.encoding import LossLandscape
    >>> X = np.array([[1, 0], [0, 1], [1, 1]]); y = np.array([1, 0, 1])
    >>> bqm, how = quadratic_surrogate(LossLandscape("perceptron", None, X, y))
    >>> how.startswith("squared pre-activation"), sorted(bqm.variables)
    (True, [0, 1, 2])
    """
    from quark.models.perceptron import BinaryPerceptron
    from quark.optimizers.problem import as_problem

    prob = as_problem(problem)
    land = prob.landscape if isinstance(prob, LandscapeProblem) else None
    if land is not None and land.model.linear:
        sq = land if land.loss == "squared" else LossLandscape(land.model, land.encoding, land.X, land.y, loss="squared")
        return sq.to_bqm(), "squared loss on the linear score (exact QUBO)"
    if land is not None and type(land.model) is BinaryPerceptron:
        return _perceptron_surrogate(land), "squared pre-activation loss, polarity-signed (exact QUBO)"
    return _walsh_projection(prob), "least-squares quadratic fit of the loss table (Walsh degree <= 2)"


# ------------------------------------------------------------------------------------------------
# Compilation
# ------------------------------------------------------------------------------------------------
@dataclass
class CompiledModel:
    """What is sent to a sampler, and how to read its samples back.

    Attributes
    ----------
    bqm : dimod.BinaryQuadraticModel or None
        BINARY model; variable ``i < n_original`` is bit ``i`` of the problem.
    poly : dimod.BinaryPolynomial or None
        For ``encoding="hubo"`` only.
    n_original : int
    encoding : str
        ``"qubo"``, ``"reduced"``, ``"surrogate"`` or ``"hubo"``.
    products : list of (u, v, p)
        Auxiliary variable ``p`` stands for ``u * v`` (reduced only).
    penalty, penalty_bound : float or None
        AND-gate strength and the bound it must exceed (reduced only).
    description : str
    flip : int
        Bit ``i`` set: variable ``i`` of the model is ``NOT`` bit ``i`` of the problem.
    """

    bqm: Any = None
    n_original: int = 0
    encoding: str = "qubo"
    products: list = field(default_factory=list)
    penalty: float | None = None
    penalty_bound: float | None = None
    poly: Any = None
    description: str = ""
    flip: int = 0

    def decode(self, samples: np.ndarray) -> np.ndarray:
        """Problem bit strings of samples: original variables only, flips undone."""
        bits = samples[:, : self.n_original]
        if self.flip:
            bits = bits ^ ((self.flip >> np.arange(self.n_original)) & 1).astype(np.uint8)
        return bits

    def with_penalty(self, penalty: float) -> "CompiledModel":
        """The same reduction with another AND-gate strength (reduced encoding only)."""
        bqm = self.bqm.copy()
        delta = penalty - self.penalty
        for u, v, p in self.products:
            bqm.add_quadratic(u, v, delta)
            bqm.add_quadratic(u, p, -2.0 * delta)
            bqm.add_quadratic(v, p, -2.0 * delta)
            bqm.add_linear(p, 3.0 * delta)
        out = CompiledModel(**{**vars(self), "bqm": bqm, "penalty": float(penalty)})
        return out

    @property
    def n_variables(self) -> int:
        return len(self.bqm.variables) if self.bqm is not None else self.n_original

    def violations(self, samples: np.ndarray) -> np.ndarray:
        """Per sample (rows over variables ``0..n_variables-1``): whether a product is wrong."""
        bad = np.zeros(samples.shape[0], dtype=bool)
        if self.products:
            u, v, p = (np.array(c) for c in zip(*self.products))
            bad = ((samples[:, u] & samples[:, v]) != samples[:, p]).any(axis=1)
        return bad


def _is_quadratic(problem: SearchProblem) -> bool:
    if isinstance(problem, LandscapeProblem):
        return problem.landscape.is_quadratic
    if isinstance(problem, PolynomialProblem):
        return hasattr(problem.model, "quadratic") or problem.model.degree <= 2
    return False


def _bqm_from_terms(terms: dict[tuple[int, ...], float], n: int):
    import dimod

    bqm = dimod.BinaryQuadraticModel(dimod.BINARY)
    bqm.add_variables_from((i, 0.0) for i in range(n))
    for t, c in terms.items():
        if len(t) == 0:
            bqm.offset += c
        elif len(t) == 1:
            bqm.add_linear(t[0], c)
        elif len(t) == 2:
            bqm.add_quadratic(t[0], t[1], c)
        else:
            raise ValueError(
                f"the problem has a term of degree {len(t)}, so it has no exact QUBO; use "
                "encoding='reduced' (exact, with auxiliary variables) or 'surrogate'"
            )
    return bqm


def compile_problem(
    problem: SearchProblem,
    encoding: str = "auto",
    penalty: float | None = None,
    *,
    poly_sampler: bool = False,
    max_terms: int = MAX_REDUCTION_TERMS,
) -> CompiledModel:
    """Compile a :class:`SearchProblem` to what a sampler receives (see the module docstring)."""
    import dimod

    if encoding not in ENCODINGS:
        raise ValueError(f"'encoding' must be one of {ENCODINGS}; got {encoding!r}")
    n = problem.n_qubits
    if encoding == "auto":
        encoding = "qubo" if _is_quadratic(problem) else ("hubo" if poly_sampler else "reduced")
    if encoding == "qubo":
        if isinstance(problem, LandscapeProblem):
            if not problem.landscape.is_quadratic:
                raise ValueError(
                    f"encoding='qubo' needs a quadratic loss (squared loss on a linear model); the "
                    f"{problem.landscape.loss!r} loss of model {problem.landscape.model.name!r} is not. "
                    "Use encoding='reduced' (exact) or 'surrogate'"
                )
            bqm = problem.landscape.to_bqm()
        elif isinstance(problem, PolynomialProblem) and hasattr(problem.model, "quadratic"):
            bqm = problem.model.relabel_variables({v: i for i, v in enumerate(problem.variables)}, inplace=False)
        else:
            bqm = _bqm_from_terms(problem_polynomial(problem, max_terms=max_terms), n)
        return CompiledModel(bqm=bqm, n_original=n, encoding="qubo", description="exact QUBO")
    if encoding == "surrogate":
        bqm, how = quadratic_surrogate(problem)
        return CompiledModel(bqm=bqm, n_original=n, encoding="surrogate", description=how)
    terms, flip = _reduction_polynomial(problem, max_terms)
    if encoding == "hubo":
        if not poly_sampler:
            raise ValueError("encoding='hubo' needs a sampler with sample_poly (e.g. 'exact'); use 'reduced'")
        poly = dimod.BinaryPolynomial(terms, dimod.BINARY)
        for i in range(n):  # every bit is a variable, even one the loss does not depend on
            poly.setdefault((i,), 0.0)
        return CompiledModel(poly=poly, n_original=n, encoding="hubo", flip=flip, description="exact polynomial")
    red = reduce_polynomial(terms, n, penalty, max_terms=max_terms)
    red.flip = flip
    red.description = f"exact polynomial reduced to a QUBO with {len(red.products)} auxiliary variables"
    return red


def _reduction_polynomial(problem: SearchProblem, max_terms: int) -> tuple[dict, int]:
    """The polynomial to reduce and its flip mask: the sparsest of the table's polarity choices."""
    if isinstance(problem, PolynomialProblem) or _is_quadratic(problem):
        return problem_polynomial(problem, max_terms=max_terms), 0
    n = problem.n_qubits
    if n > DEFAULT_MAX_TABLE_QUBITS:
        raise ProblemTooLargeError(
            f"the exact polynomial of a {n}-bit problem is built from its table of 2**{n} losses; the "
            f"limit is {DEFAULT_MAX_TABLE_QUBITS} bits, so it is too large to reduce to a QUBO. Use "
            "encoding='surrogate' (a quadratic stand-in; the true loss is still reported)"
        )
    coeffs, flip = sparse_polynomial(problem.table(np.float64))
    return _terms_from_coefficients(coeffs, max_terms), flip


# ------------------------------------------------------------------------------------------------
# The optimizer
# ------------------------------------------------------------------------------------------------
def _sampler_parameters(sampler) -> dict:
    try:
        return dict(getattr(sampler, "parameters", {}) or {})
    except Exception:  # a sampler whose parameters property needs a connection
        return {}


def _binary_samples(sampleset, n_variables: int) -> np.ndarray:
    """Samples as a uint8 array ``(rows, n_variables)`` in variable order ``0..n_variables-1``."""
    import dimod

    labels = list(sampleset.variables)
    pos = {v: i for i, v in enumerate(labels)}
    missing = [i for i in range(n_variables) if i not in pos]
    if missing:
        raise RuntimeError(
            f"the sampler returned samples without variables {missing[:5]}; a sampler must return a "
            "value for every variable of the model"
        )
    arr = np.asarray(sampleset.record.sample)[:, [pos[i] for i in range(n_variables)]]
    if sampleset.vartype is dimod.SPIN:
        arr = (arr + 1) // 2
    if arr.size and not np.isin(arr, (0, 1)).all():
        raise RuntimeError("the sampler returned values other than 0/1 for a BINARY model")
    return arr.astype(np.uint8)


def _compile_evaluations(problem: SearchProblem, compiled: CompiledModel) -> int:
    """Model evaluations the compilation itself made: the whole loss table, where it was built.

    Not a device cost, so not in the ledger; reported so that nobody mistakes a HUBO built from
    an exhaustive table for a cheap route to the optimum.
    """
    if not isinstance(problem, LandscapeProblem) or problem.landscape.is_quadratic:
        return 0
    from_table = compiled.encoding in ("reduced", "hubo") or compiled.description.startswith("least-squares")
    return (1 << problem.n_qubits) * problem.evaluation_cost if from_table else 0


def _check_sampleset(sampleset, sampler_name: str) -> None:
    if len(sampleset) == 0:
        raise RuntimeError(f"sampler {sampler_name} returned no samples; nothing to decode")
    energies = np.asarray(sampleset.record.energy, dtype=np.float64)
    if not np.isfinite(energies).all():
        raise RuntimeError(f"sampler {sampler_name} returned NaN or infinite energies; its samples are not trusted")


class AnnealingSearch(Optimizer):
    """Minimize a loss with a dimod sampler: compile, sample, decode, verify (and optionally polish).

    Parameters
    ----------
    sampler : str or dimod sampler, default="neal"
        A backend name of kind ``"sampler"`` (``"neal"``, ``"sqa"``, ``"exact"``, ``"tabu"``,
        ``"steepest-descent"``, ``"dwave"``; see :func:`quark.backends.available_backends`) or any
        object with dimod's ``sample(bqm, **kwargs)``.
    num_reads : int, optional
        Reads per sampler call (default 100 for exact QUBOs, 1000 for reduced HUBOs); ignored by
        samplers without ``num_reads`` (``exact`` returns every state).
    encoding : {"auto", "qubo", "reduced", "surrogate", "hubo"}
        What to send (see the module docstring). ``"auto"``: the exact QUBO when the loss is
        quadratic, else the polynomial (reduced to a QUBO, or as is for a ``sample_poly`` sampler).
    penalty : None, "bound" or float
        AND-gate strength of the reduction. ``None`` (automatic): start at the proved bound / 64
        and double, resampling (every read counted), while the sampler's lowest energy belongs to a
        state with a wrong product, up to the bound — small penalties anneal far better, and the
        bound always keeps the minimum (see :func:`penalty_bound`). ``"bound"``: just above the
        bound, one round. A number: that strength (a warning when it is not above the bound).
    polish : bool
        Greedy single-bit-flip descent on the true loss from the best decoded samples (every
        evaluation counted in ``model_evaluations``).
    n_verify : int, optional
        Verify only the ``n_verify`` lowest-energy distinct decoded bit strings (default: all).
    n_polish : int
        How many of the best verified bit strings polishing starts from (default 1).
    random_state, verbose, callback
        See :class:`~quark.optimizers.base.Optimizer`. ``random_state`` seeds samplers that take a
        ``seed`` and minorminer's embedding (a QPU has no seed, so its runs do not repeat).
        ``verbose`` prints one line per sampler call.
    **sample_kwargs
        Passed to ``sampler.sample`` (``num_sweeps``, ``beta_range``, ``timeout``, ``chain_strength``...).

    Ledger: ``annealer_reads`` (samples returned), ``annealer_sweeps`` (reads x sweeps per read, for
    sweep-based samplers), ``model_evaluations`` (every classical check of a decoded or polished bit
    string, ``problem.evaluation_cost`` each). ``info["timing"]`` is the sampler's own
    ``SampleSet.info["timing"]``; ``info["read_losses"]`` the true loss of every read.
    ``info["compile_evaluations"]`` counts the model evaluations spent *compiling* (the full loss
    table behind the polynomial of a non-quadratic landscape — as many as an exhaustive search);
    they are not device costs and stay out of the ledger.

    Examples
    --------
    >>> from quark.datasets import load_edge_detection
    >>> from quark.encoding import LossLandscape
    >>> X, y = load_edge_detection(lines="rows")
    >>> land = LossLandscape("line-detector", None, X, y)
    >>> res = AnnealingSearch(num_reads=20, random_state=0).minimize(land)
    >>> res.loss, res.info["encoding"], [r["reads"] for r in res.info["rounds"]]
    (0.0, 'reduced', [20, 20])
    >>> res.ledger.annealer_reads, res.ledger.annealer_sweeps          # 1000 sweeps per read
    (40, 40000)
    """

    name = "anneal"

    def __init__(
        self,
        sampler: Any = "neal",
        num_reads: int | None = None,
        encoding: str = "auto",
        penalty: float | None = None,
        polish: bool = False,
        *,
        n_verify: int | None = None,
        n_polish: int = 1,
        random_state=None,
        verbose: bool = False,
        callback: Callable[[dict[str, Any]], None] | None = None,
        **sample_kwargs: Any,
    ) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)
        self.sampler = sampler
        self.num_reads = num_reads
        self.encoding = encoding
        self.penalty = penalty
        self.polish = polish
        self.n_verify = n_verify
        self.n_polish = n_polish
        self.sample_kwargs = sample_kwargs

    def get_params(self) -> dict[str, Any]:
        """Constructor arguments (sampling keywords flattened), so ``AnnealingSearch(**p)`` rebuilds it."""
        params = {k: v for k, v in vars(self).items() if not k.startswith("_") and k != "sample_kwargs"}
        return {**params, **self.sample_kwargs}

    # -- pieces -----------------------------------------------------------------------------------
    def _resolve_sampler(self):
        from quark.backends import get_backend

        s = self.sampler
        if isinstance(s, str):
            from quark.backends.registry import backend_names

            samplers = backend_names("sampler")
            if s in backend_names("grover"):
                raise ValueError(f"backend {s!r} runs Grover circuits, not annealing; 'sampler' must be one of {samplers}")
            if s not in samplers:
                raise ValueError(f"unknown sampler {s!r}; expected one of {samplers} or a dimod sampler")
            s = get_backend(s)
        if not callable(getattr(s, "sample", None)):
            raise TypeError(f"'sampler' must be a sampler name or a dimod sampler (with .sample); got {type(s).__name__}")
        return s

    def _sample_call(self, sampler, model, rng, poly: bool, default_reads: int = DEFAULT_NUM_READS):
        from quark.backends.samplers import sampler_num_sweeps

        params = _sampler_parameters(sampler)
        kwargs = dict(self.sample_kwargs)
        num_reads = check_positive_int(self.num_reads, "num_reads", allow_none=True)
        if "num_reads" in params and "num_reads" not in kwargs:
            kwargs["num_reads"] = default_reads if num_reads is None else num_reads
        if "seed" in params and "seed" not in kwargs:  # reproducible when random_state is
            kwargs["seed"] = int(rng.integers(0, 2**31 - 1))
        if (
            "embedding_parameters" in params
            and "embedding_parameters" not in kwargs
            and not getattr(sampler, "embedding_parameters", None)
        ):  # minorminer's heuristic is random too: seed it so that embedded runs repeat
            kwargs["embedding_parameters"] = {"random_seed": int(rng.integers(0, 2**31 - 1))}
        sampleset = sampler.sample_poly(model, **kwargs) if poly else sampler.sample(model, **kwargs)
        sweeps = sampler_num_sweeps(sampler, kwargs)
        return sampleset, kwargs, sweeps

    def _polish(self, problem, starts: list[np.ndarray], ledger) -> tuple[np.ndarray, float, int]:
        """Steepest single-bit-flip descent on the true loss from each start; returns the best."""
        n = problem.n_qubits
        best_bits, best_loss, steps = None, np.inf, 0
        flips = np.eye(n, dtype=np.uint8)
        for bits, loss in starts:
            cur, cur_loss = bits.copy(), float(loss)
            while True:
                neigh = cur[None, :] ^ flips
                losses = problem.evaluate(neigh)
                ledger.update(model_evaluations=n * problem.evaluation_cost)
                j = int(np.argmin(losses))
                if losses[j] < cur_loss - 1e-12:
                    cur, cur_loss = neigh[j], float(losses[j])
                    steps += 1
                else:
                    break
            if cur_loss < best_loss:
                best_bits, best_loss = cur, cur_loss
        return best_bits, best_loss, steps

    # -- the search -------------------------------------------------------------------------------
    def _round(self, sampler, compiled: CompiledModel, rng, sampler_name: str) -> dict[str, Any]:
        """One sampler call: samples, energies, decoded bit strings, costs."""
        is_poly = compiled.encoding == "hubo"
        default_reads = DEFAULT_REDUCED_NUM_READS if compiled.encoding == "reduced" else DEFAULT_NUM_READS
        sampleset, kwargs, sweeps = self._sample_call(
            sampler, compiled.poly if is_poly else compiled.bqm, rng, is_poly, default_reads
        )
        _check_sampleset(sampleset, repr(sampler_name))
        samples = _binary_samples(sampleset, compiled.n_variables)
        occ = np.asarray(sampleset.record.num_occurrences, dtype=np.int64)
        timing = dict(sampleset.info.get("timing", {}))
        return {
            "samples": samples,
            "bits": compiled.decode(samples),
            "energies": np.asarray(sampleset.record.energy, dtype=np.float64),
            "occ": occ,
            "reads": int(occ.sum()),
            "violated": compiled.violations(samples),
            "kwargs": kwargs,
            "sweeps": sweeps,
            "timing": timing,
            "info": {k: v for k, v in sampleset.info.items() if k not in ("timing", "statistics", "embedding_context")},
            "embedding_context": sampleset.info.get("embedding_context"),
            "chain_break_fraction": (
                float(np.mean(sampleset.record.chain_break_fraction))
                if "chain_break_fraction" in sampleset.record.dtype.names
                else None
            ),
            "penalty": compiled.penalty,
        }

    def _search(self, problem, ledger, rng):
        n_polish = check_positive_int(self.n_polish, "n_polish")
        n_verify = check_positive_int(self.n_verify, "n_verify", allow_none=True)
        check_positive_int(self.num_reads, "num_reads", allow_none=True)
        penalty = self.penalty
        if penalty is not None and penalty != "bound" and (
            isinstance(penalty, bool) or not isinstance(penalty, (int, float, np.floating, np.integer))
        ):
            raise TypeError(f"'penalty' must be None (automatic), 'bound' or a positive number; got {penalty!r}")
        sampler = self._resolve_sampler()
        sampler_name = self.sampler if isinstance(self.sampler, str) else type(sampler).__name__
        poly_sampler = callable(getattr(sampler, "sample_poly", None))
        fixed = None if penalty in (None, "bound") else float(penalty)
        compiled = compile_problem(problem, self.encoding, fixed, poly_sampler=poly_sampler)

        # Automatic penalty: start well below the proved bound (small penalties anneal far better)
        # and double while the sampler's lowest energy belongs to a state with a wrong product —
        # the sign that the penalty is too weak — up to the bound, which is always sufficient.
        adaptive = penalty is None and compiled.encoding == "reduced" and bool(compiled.products)
        if adaptive:
            compiled = compiled.with_penalty(compiled.penalty / _ADAPTIVE_START)
        rounds = []
        while True:
            rnd = self._round(sampler, compiled, rng, sampler_name)
            rounds.append(rnd)
            ledger.update(annealer_reads=rnd["reads"], annealer_sweeps=rnd["reads"] * (rnd["sweeps"] or 0))
            if self.verbose:
                print(
                    f"[anneal] {sampler_name}: {rnd['reads']} reads, lowest energy {rnd['energies'].min():.6g}, "
                    f"penalty {compiled.penalty}, wrong products in {rnd['occ'][rnd['violated']].sum()} reads"
                )
            if not adaptive or compiled.penalty >= compiled.penalty_bound:
                break
            v, e = rnd["violated"], rnd["energies"]
            best_valid = e[~v].min() if (~v).any() else np.inf
            best_invalid = e[v].min() if v.any() else np.inf
            if best_invalid >= best_valid - 1e-12 * max(1.0, abs(best_valid)):
                break
            compiled = compiled.with_penalty(min(2.0 * compiled.penalty, compiled.penalty_bound * (1 + _PENALTY_MARGIN) + _PENALTY_MARGIN))

        # Decode every read of every round, merge repeated bit strings, verify in energy order.
        bits = np.concatenate([r["bits"] for r in rounds])
        energies = np.concatenate([r["energies"] for r in rounds])
        occ = np.concatenate([r["occ"] for r in rounds])
        violated = np.concatenate([r["violated"] for r in rounds])
        reads = int(occ.sum())
        # one key per distinct bit string, whatever its width (int64 indices stop at 62 bits)
        _, key = np.unique(np.packbits(bits, axis=1), axis=0, return_inverse=True)
        key = key.reshape(-1)
        order = np.argsort(energies, kind="stable")
        _, first = np.unique(key[order], return_index=True)
        distinct_rows = order[np.sort(first)]  # one row per bit string, by its lowest energy
        if n_verify is not None:
            distinct_rows = distinct_rows[:n_verify]
        true = problem.evaluate(bits[distinct_rows])
        ledger.update(model_evaluations=len(distinct_rows) * problem.evaluation_cost)
        j = int(np.argmin(true))
        best_bits, best_loss = bits[distinct_rows[j]].copy(), float(true[j])
        ledger.record(best_loss, stage="anneal")

        loss_of_key = np.full(key.max() + 1, np.nan)
        loss_of_key[key[distinct_rows]] = true
        read_losses = np.repeat(loss_of_key[key], occ)
        last = rounds[-1]
        sampling_s = 0.0
        for r in rounds:
            t = r["timing"]
            if "sampling_ns" in t:
                sampling_s += t["sampling_ns"] / 1e9
            elif "qpu_sampling_time" in t:  # D-Wave QPU timing is in microseconds
                sampling_s += t["qpu_sampling_time"] / 1e6
            if "qpu_access_time" in t:  # what the QPU bills, programming included
                ledger.update(qpu_time_s=t["qpu_access_time"] / 1e6)
        info: dict[str, Any] = {
            "encoding": compiled.encoding,
            "description": compiled.description,
            "sampler": sampler_name,
            "n_variables": compiled.n_variables,
            "n_auxiliary": compiled.n_variables - compiled.n_original,
            "penalty": compiled.penalty,
            "penalty_bound": compiled.penalty_bound,
            "penalty_proved": None if compiled.penalty_bound is None else compiled.penalty > compiled.penalty_bound,
            "flip": compiled.flip,
            "compile_evaluations": _compile_evaluations(problem, compiled),
            "rounds": [
                {"penalty": r["penalty"], "reads": r["reads"], "invalid_fraction": float(r["occ"][r["violated"]].sum() / r["reads"]),
                 "best_energy": float(r["energies"].min())}
                for r in rounds
            ],
            "num_reads": reads,
            "num_sweeps": last["sweeps"],
            "sample_kwargs": {k: v for k, v in last["kwargs"].items() if k != "initial_states"},
            "best_energy": float(last["energies"].min()),
            "n_distinct": int(first.size),
            "n_verified": int(len(distinct_rows)),
            "invalid_fraction": float(occ[violated].sum() / reads),
            "read_losses": read_losses,
            "timing": last["timing"],
            "sampling_time_s": sampling_s if sampling_s else None,
            "sampler_info": last["info"],
            "chain_break_fraction": last["chain_break_fraction"],
            "embedding_context": last["embedding_context"],
            "stop_reason": "sampled",
        }
        # Exact encodings: a read whose products are right has energy == its true loss (the model's
        # constant included). A mismatch means the energies do not belong to this model.
        if compiled.encoding != "surrogate":
            valid = ~violated[distinct_rows]
            if compiled.encoding == "reduced":
                pen_rows = np.concatenate([np.full(len(r["energies"]), r["penalty"]) for r in rounds])
                valid &= pen_rows[distinct_rows] == compiled.penalty
            if valid.any():
                err = np.abs(energies[distinct_rows][valid] - true[valid])
                info["max_energy_error"] = float(err.max())
        if self.polish:
            starts_rows = np.argsort(true, kind="stable")[:n_polish]
            starts = [(bits[distinct_rows[r]], float(true[r])) for r in starts_rows]
            pbits, ploss, steps = self._polish(problem, starts, ledger)
            info["polish_steps"] = steps
            if ploss < best_loss:
                best_bits, best_loss = pbits, ploss
            ledger.record(best_loss, stage="polish")
            info["stop_reason"] = "polished"
        return np.asarray(best_bits, dtype=np.uint8), best_loss, info
