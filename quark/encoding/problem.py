"""The one problem interface every optimizer and backend works on.

``minimize`` takes a :class:`~quark.encoding.LossLandscape`, a dimod ``BinaryQuadraticModel`` or
``BinaryPolynomial``, a binary qiskit-optimization ``QuadraticProgram``, or a loss table (an
array of length ``2**n``); :func:`as_problem` gives each as a :class:`SearchProblem`. The
interface offers what searches need, so that nothing above encoding asks what kind of problem it
holds: its size, losses of bit strings and of indices, loss and count tables under the memory
guard, its exact polynomial (and QUBO when quadratic), and :meth:`SearchProblem.restrict` — the
same problem on a subset of its bits with the others fixed, on which block-wise search is built.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

import numpy as np

from quark._validation import check_array, check_choice, check_indices, check_int
from quark.encoding._tables import TABLE_CHUNK, check_float_dtype, check_table_fits, chunked, fill_table
from quark.encoding._terms import DEFAULT_MAX_TERMS, model_terms, table_terms, terms_to_bqm
from quark.encoding.bits import MAX_INDEX_QUBITS, as_bit_array, index_to_bits
from quark.exceptions import ProblemTooLargeError, advised

__all__ = ["SearchProblem", "TableProblem", "PolynomialProblem", "RestrictedProblem", "as_problem",
           "DEFAULT_MAX_TABLE_QUBITS"]

#: Largest problem whose full table a transform-based export (polynomial, Pauli) computes by default.
DEFAULT_MAX_TABLE_QUBITS = 24


#: Attributes a problem's restrictions keep between calls (see :meth:`SearchProblem.reset_restrictions`).
_INCREMENTAL_STATE = ("_base_state_cache",)


class SearchProblem(ABC):
    """A function of ``n_qubits`` bits to minimize.

    Subclasses implement :meth:`_losses_of_bits` (and may override :meth:`_losses_of_indices`);
    every public method validates its input and calls them in chunks.

    Attributes
    ----------
    n_qubits : int
    variables : list
        Labels; bit ``i`` is ``variables[i]``.
    evaluation_cost : int
        Model evaluations one classical check of a bit string costs (``m`` training samples for a
        landscape, 1 otherwise).
    n_samples : int or None
        Training samples of a classifier's loss (``None`` for other problems).
    is_quadratic : bool
        Whether the loss is exactly quadratic in the bits (it then has an exact QUBO, :meth:`to_bqm`).
    classifies : bool
        Whether the loss is a model's on training data, so that the paper's joint amplification
        (weights ⊗ data) applies (:meth:`correct_samples`).
    has_counts : bool
        Whether the loss is a 0-1 loss whose value follows from the number of correctly classified
        samples (:meth:`count_table`, :meth:`loss_of_counts`): the compact tables and the counting
        oracle apply.
    count_total : int or None
        What those counts are out of: ``n_samples``, or the total of integer sample weights.
    sense : {"minimize", "maximize"}
        ``"maximize"`` for a maximized ``QuadraticProgram``: the loss is then ``-objective``.
    """

    n_qubits: int
    variables: list
    evaluation_cost: int = 1
    n_samples: int | None = None
    count_total: int | float | None = None
    is_quadratic: bool = False
    classifies: bool = False
    has_counts: bool = False
    sense: str = "minimize"

    # -- what subclasses provide ---------------------------------------------------------------
    @abstractmethod
    def _losses_of_bits(self, bits: np.ndarray) -> np.ndarray:
        """Losses ``(B,)`` of validated bit strings ``(B, n_qubits)`` (uint8)."""

    def _losses_of_indices(self, idx: np.ndarray) -> np.ndarray:
        return self._losses_of_bits(index_to_bits(idx, self.n_qubits))

    def _chunk_rows(self) -> int:
        return TABLE_CHUNK

    def _counts_of_bits(self, bits: np.ndarray) -> np.ndarray:
        """Correct-sample counts ``(B,)`` of validated bit strings (problems with counts only)."""
        raise TypeError(f"{type(self).__name__} has no correct-sample counts")

    def _counts_of_indices(self, idx: np.ndarray) -> np.ndarray:
        return self._counts_of_bits(index_to_bits(idx, self.n_qubits))

    def _correct_of_bits(self, bits: np.ndarray) -> np.ndarray:
        """``(B, n_samples)`` bool: which samples each bit string classifies correctly (classifiers only)."""
        raise TypeError(
            "the joint amplification marks correctly classified (weight, sample) pairs, so it needs a "
            f"LossLandscape (a model and its data); got {type(self).__name__}"
        )

    # -- evaluation ----------------------------------------------------------------------------
    def evaluate(self, bits) -> np.ndarray | float:
        """Loss of one bit string (a float) or of a batch ``(B, n_qubits)`` (an array ``(B,)``)."""
        b = as_bit_array(bits, self.n_qubits)
        out = chunked(b.reshape(-1, self.n_qubits), self._losses_of_bits, np.float64, self._chunk_rows())
        return float(out[0]) if b.ndim == 1 else out.reshape(b.shape[:-1])

    def evaluate_indices(self, indices) -> np.ndarray:
        """Losses of integer-indexed bit strings (bit *i* of index ``k`` is ``(k >> i) & 1``)."""
        self._check_indexable()
        idx = check_indices(indices, self.n_qubits)
        return chunked(idx, self._losses_of_indices, np.float64, self._chunk_rows())

    def decode(self, bits) -> np.ndarray | None:
        """Weights of a bit string, where the problem has an encoding (``None`` otherwise)."""
        return None

    # -- tables --------------------------------------------------------------------------------
    def table(self, dtype=np.float64, *, max_memory: float | None = None, progress=None) -> np.ndarray:
        """The loss of all ``2**n_qubits`` bit strings, index ``k`` at position ``k``.

        Raises :class:`~quark.exceptions.ProblemTooLargeError` (a ``MemoryError`` and a
        ``ValueError``), saying how many GiB it would need, when the table would not fit in
        ``max_memory`` (default: 90% of available memory). ``progress`` is called with the number
        of entries each chunk filled.
        """
        dt = check_float_dtype(dtype)
        check_table_fits(self.n_qubits, dt.itemsize, f"the loss table of {self.n_qubits} qubits ({dt.name})",
                         max_memory, scratch=self._table_scratch())
        return fill_table(self._losses_of_indices, self.n_qubits, dt, self._chunk_rows(), progress)

    def _table_scratch(self) -> int:
        return 0

    def count_table(self, *, max_memory: float | None = None, progress=None) -> np.ndarray | None:
        """Correct-sample counts of all ``2**n_qubits`` settings in the smallest unsigned dtype.

        A compact table (1–2 bytes per setting): for a 0-1 loss (:attr:`has_counts`) the threshold
        oracle's whole input, for other losses of a classifier the joint oracle's. ``None`` for
        problems that are no classifier's loss.
        """
        if self.n_samples is None:
            return None
        total = self.n_samples if self.count_total is None else self.count_total
        dtype = np.min_scalar_type(total) if float(total).is_integer() else np.dtype(np.float64)
        check_table_fits(self.n_qubits, np.dtype(dtype).itemsize, f"the count table of {self.n_qubits} weight qubits",
                         max_memory, scratch=self._table_scratch())
        return self._fill_counts(np.dtype(dtype), progress)

    def _fill_counts(self, dtype: np.dtype, progress=None) -> np.ndarray:
        """The count table's entries (the memory guard has passed); problems with a faster kernel override it."""
        return fill_table(self._counts_of_indices, self.n_qubits, dtype, self._chunk_rows(), progress)

    def correct_counts(self, indices) -> np.ndarray:
        """Correctly classified training samples of integer-indexed settings (``int64``)."""
        self._check_indexable()
        idx = check_indices(indices, self.n_qubits)
        return chunked(idx, self._counts_of_indices, np.int64, self._chunk_rows())

    def loss_of_counts(self, counts: np.ndarray) -> np.ndarray:
        """The loss of settings with these correct-sample counts, exactly as :meth:`evaluate` gives it."""
        raise TypeError(f"{type(self).__name__} has no correct-sample counts")

    def correct_samples(self, indices) -> np.ndarray:
        """``(B, n_samples)`` bool: which training samples each indexed setting classifies correctly."""
        self._check_indexable()
        idx = check_indices(indices, self.n_qubits)
        return self._correct_of_bits(index_to_bits(idx, self.n_qubits))

    # -- polynomials ---------------------------------------------------------------------------
    def polynomial(self, *, max_terms: int = DEFAULT_MAX_TERMS, max_qubits: int = DEFAULT_MAX_TABLE_QUBITS,
                   basis: str = "binary") -> dict[tuple[int, ...], float]:
        """The exact multilinear polynomial over bit positions ``0..n-1`` (``()`` is the constant).

        ``basis="binary"``: monomials of bits; ``"spin"``: of ``z_i = (-1)**b_i`` (Pauli Z
        eigenvalues). Built from the full loss table (``O(n 2**n)``) unless the problem has a
        symbolic form; raises :class:`~quark.exceptions.ProblemTooLargeError` past ``max_qubits``
        or ``max_terms``.
        """
        check_int(max_terms, "max_terms", minimum=0)
        check_int(max_qubits, "max_qubits")
        check_choice(basis, "basis", ("binary", "spin"))
        if self.n_qubits > max_qubits:
            raise advised(
                ProblemTooLargeError, f"the polynomial of a {self.n_qubits}-qubit problem is built from its full table of "
                f"2**{self.n_qubits} losses; the limit is max_qubits={max_qubits}", {"max_qubits": self.n_qubits},
                note="if memory allows: the memory guard still checks the table")
        check_table_fits(self.n_qubits, 24, f"the polynomial transform of {self.n_qubits} qubits")
        return table_terms(self.table(np.float64), max_terms, basis=basis)

    def to_bqm(self):
        """The exact QUBO (a BINARY ``dimod.BinaryQuadraticModel`` over ``0..n-1``); quadratic problems only."""
        if not self.is_quadratic:
            raise ValueError(f"{self!r} is not quadratic in its bits, so it has no exact QUBO; use to_polynomial()")
        return terms_to_bqm(self.polynomial(), self.n_qubits)

    def to_polynomial(self, **limits):
        """The exact ``dimod.BinaryPolynomial`` (BINARY, variables ``0..n-1``)."""
        import dimod

        return dimod.BinaryPolynomial(self.polynomial(**limits), dimod.BINARY)

    # -- restriction ---------------------------------------------------------------------------
    def restrict(self, free: Sequence[int], base) -> "SearchProblem":
        """The same loss over the bits ``free`` only, every other bit fixed as in ``base``.

        Bit ``j`` of the restricted problem is bit ``free[j]`` of this one; the losses are exactly
        this problem's (the restriction evaluates the full bit strings). Block-wise search
        optimizes a large problem through its restrictions.
        """
        return RestrictedProblem(self, free, base)

    def reset_restrictions(self) -> None:
        """Forget the state restrictions keep from one call to the next, so a search run again on this problem
        repeats itself to the bit.

        A linear landscape's restrictions keep its weights and Gram products ``G w`` and update them from
        the bits that changed since the previous block (``O(d)`` per changed bit, not ``O(d**2)``); sums in
        another order differ in their last bits, so a second search would start from the first one's
        rounding. :class:`~quark.optimizers.BlockSearch` calls this when it starts: every search begins
        from a full computation, whatever ran on the problem before.
        """
        for name in _INCREMENTAL_STATE:
            self.__dict__.pop(name, None)

    def _restrict_block(self, free: np.ndarray, base: np.ndarray) -> "SearchProblem":
        """:meth:`restrict` to a block a block search made: ``free`` sorted distinct int64 positions in range,
        ``base`` its uint8 string of 0s and 1s (checked when the search started). The same problem; a
        restriction that checks what it is given may skip those checks."""
        return self.restrict(free, base)

    # -- internals -----------------------------------------------------------------------------
    def _check_indexable(self) -> None:
        if self.n_qubits > MAX_INDEX_QUBITS:
            raise ValueError(
                f"integer indices cover at most {MAX_INDEX_QUBITS} qubits; this problem has {self.n_qubits} "
                "(use evaluate(bits) with bit arrays)"
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n_qubits={self.n_qubits})"


class TableProblem(SearchProblem):
    """A loss table: entry ``k`` is the loss of the bit string with index ``k``."""

    def __init__(self, table) -> None:
        t = check_array(table, "table", ndim=1)
        if t.size < 2 or t.size & (t.size - 1):
            raise ValueError(f"'table' (a loss table) must have a power-of-two length >= 2; got length {t.size}")
        t = np.array(t, dtype=np.float64)  # a copy: later changes to the caller's array do not leak in
        t.flags.writeable = False
        self._table = t
        self.n_qubits = t.size.bit_length() - 1
        self.variables = list(range(self.n_qubits))

    def _losses_of_indices(self, idx):
        return self._table[idx]

    def _losses_of_bits(self, bits):
        return self._table[bits.astype(np.int64) @ (np.int64(1) << np.arange(self.n_qubits, dtype=np.int64))]

    def table(self, dtype=np.float64, *, max_memory=None, progress=None):
        dt = check_float_dtype(dtype)
        if progress is not None:
            progress(self._table.size)
        return self._table.astype(dt, copy=dt != self._table.dtype)


class PolynomialProblem(SearchProblem):
    """A dimod ``BinaryQuadraticModel`` or ``BinaryPolynomial`` (SPIN ones are read as BINARY).

    Bit ``i`` is ``variables[i]``, the model's own variable order.
    """

    def __init__(self, model, *, sense: str = "minimize") -> None:
        import dimod

        if isinstance(model, dimod.BinaryQuadraticModel):
            self.model = model.binary.copy()
            self.is_quadratic = True
        elif isinstance(model, dimod.BinaryPolynomial):
            self.model = (model if model.vartype is dimod.BINARY else model.to_binary()).copy()
            self.is_quadratic = self.model.degree <= 2
        else:  # pragma: no cover - guarded by as_problem
            raise TypeError(type(model).__name__)
        self.variables = _ordered(self.model.variables)
        self.n_qubits = len(self.variables)
        self.sense = sense
        if self.n_qubits == 0:
            raise ValueError(f"'model' (a dimod {type(model).__name__}) has no variables: there is nothing to search")
        self._terms = model_terms(self.model, self.variables)
        bad = [t for t, c in self._terms.items() if not math.isfinite(c)]
        if bad:
            where = f"the term over {[self.variables[i] for i in bad[0]]}" if bad[0] else "the offset"
            raise ValueError(f"'model' (a dimod {type(model).__name__}) has a NaN or infinite coefficient on {where}: "
                             "its minimum is undefined")

    def _losses_of_bits(self, bits):
        # float samples: dimod multiplies biases into the samples' dtype, and integer biases on
        # unsigned samples overflow
        return np.asarray(self.model.energies((bits.astype(np.float64), self.variables), dtype=np.float64), dtype=np.float64)

    def polynomial(self, *, max_terms: int = DEFAULT_MAX_TERMS, max_qubits: int = DEFAULT_MAX_TABLE_QUBITS,
                   basis: str = "binary"):
        if basis != "binary":
            return super().polynomial(max_terms=max_terms, max_qubits=max_qubits, basis=basis)
        check_int(max_terms, "max_terms", minimum=0)
        if len(self._terms) > max_terms:
            raise advised(ProblemTooLargeError, f"the polynomial has {len(self._terms)} terms, more than max_terms={max_terms}",
                          {"max_terms": len(self._terms)})
        return dict(self._terms)

    def to_bqm(self):
        import dimod

        if isinstance(self.model, dimod.BinaryQuadraticModel):
            return self.model.relabel_variables({v: i for i, v in enumerate(self.variables)}, inplace=False)
        return super().to_bqm()

    def __repr__(self) -> str:
        return f"PolynomialProblem({type(self.model).__name__}, n_qubits={self.n_qubits})"


class RestrictedProblem(SearchProblem):
    """A problem on the bits ``free`` of ``parent``, the others fixed to ``base`` (see :meth:`SearchProblem.restrict`)."""

    def __init__(self, parent: SearchProblem, free: Sequence[int], base) -> None:
        free_arr = np.asarray(free)
        if free_arr.ndim != 1 or free_arr.size == 0 or not np.issubdtype(free_arr.dtype, np.integer):
            raise ValueError(f"'free' must be a non-empty sequence of bit positions; got {free!r}")
        ordered = np.sort(free_arr)  # (cheaper than np.unique for the distinctness check)
        if ordered[0] < 0 or ordered[-1] >= parent.n_qubits or bool((ordered[1:] == ordered[:-1]).any()):
            raise ValueError(f"'free' must hold distinct positions in [0, {parent.n_qubits}); got {free_arr.tolist()}")
        self._set(parent, free_arr.astype(np.int64), as_bit_array(base, parent.n_qubits, name="base").copy())

    @classmethod
    def _of_checked(cls, parent: SearchProblem, free: np.ndarray, base: np.ndarray) -> "RestrictedProblem":
        """The restriction to ``free`` (int64, distinct, in range) with ``base`` (uint8 0s and 1s, ``n_qubits``
        of them) as a block search made and checked them: the same problem as the constructor's, without
        checking them again (``base`` is copied: the search goes on changing its bits)."""
        obj = cls.__new__(cls)
        obj._set(parent, free, base.copy())
        obj._derive()
        return obj

    def _derive(self) -> None:
        """What a subclass computes from the parent, ``free`` and ``base`` (after :meth:`_set`)."""

    def _set(self, parent: SearchProblem, free: np.ndarray, base: np.ndarray) -> None:
        self.parent = parent
        self.free = free
        self.base = base
        self.base.flags.writeable = False
        self.n_qubits = int(self.free.size)
        self.variables = [parent.variables[i] for i in self.free.tolist()]
        self.evaluation_cost = parent.evaluation_cost
        self.n_samples = parent.n_samples
        self.count_total = parent.count_total
        self.is_quadratic = parent.is_quadratic
        self.classifies = parent.classifies
        self.has_counts = parent.has_counts
        self.sense = parent.sense

    def embed(self, bits) -> np.ndarray:
        """Full bit strings of the parent from bit strings of this restriction."""
        b = as_bit_array(bits, self.n_qubits)
        full = np.broadcast_to(self.base, b.shape[:-1] + (self.parent.n_qubits,)).copy()
        full[..., self.free] = b
        return full

    def _losses_of_bits(self, bits):
        return self.parent._losses_of_bits(self.embed(bits))

    def _chunk_rows(self) -> int:
        return self.parent._chunk_rows()

    def substitute(self, terms: dict[tuple[int, ...], float]) -> dict[tuple[int, ...], float]:
        """Terms over the parent's bits with the fixed bits substituted: terms over this restriction's bits."""
        pos = {int(p): j for j, p in enumerate(self.free.tolist())}
        out: dict[tuple[int, ...], float] = {}
        for t, c in terms.items():
            if all(self.base[i] for i in t if i not in pos):
                key = tuple(sorted(pos[i] for i in t if i in pos))
                out[key] = out.get(key, 0.0) + c
        return {t: c for t, c in out.items() if c != 0.0}

    def _counts_of_bits(self, bits):
        return self.parent._counts_of_bits(self.embed(bits))

    def _correct_of_bits(self, bits):
        return self.parent._correct_of_bits(self.embed(bits))

    def loss_of_counts(self, counts):
        return self.parent.loss_of_counts(counts)

    def polynomial(self, *, max_terms: int = DEFAULT_MAX_TERMS, max_qubits: int = DEFAULT_MAX_TABLE_QUBITS,
                   basis: str = "binary"):
        if basis == "binary" and (self.is_quadratic or isinstance(self.parent, PolynomialProblem)):
            # substitute the fixed bits into the parent's polynomial: no table needed
            out = self.substitute(self.parent.polynomial(max_terms=1 << 62, max_qubits=max_qubits))
            if len(out) > check_int(max_terms, "max_terms", minimum=0):
                raise advised(ProblemTooLargeError, f"the restricted polynomial has {len(out)} terms, more than "
                              f"max_terms={max_terms}", {"max_terms": len(out)})
            return out
        return super().polynomial(max_terms=max_terms, max_qubits=max_qubits, basis=basis)

    def __repr__(self) -> str:
        return f"RestrictedProblem({self.parent!r}, free={self.n_qubits} bits)"


def _ordered(variables) -> list:
    """A deterministic bit order: a BQM's own order; a polynomial's (a set) sorted."""
    if isinstance(variables, (set, frozenset)):
        try:
            return sorted(variables)
        except TypeError:  # mixed label types
            return sorted(variables, key=lambda v: (type(v).__name__, repr(v)))
    return list(variables)


def _quadratic_program_to_bqm(qp) -> tuple[Any, str]:
    import dimod

    if qp.linear_constraints or qp.quadratic_constraints:
        raise ValueError(
            "the QuadraticProgram has constraints; convert it first with "
            "qiskit_optimization.converters.QuadraticProgramToQubo"
        )
    if any(v.vartype.name != "BINARY" for v in qp.variables):
        raise ValueError("every variable of the QuadraticProgram must be binary")
    sense = "minimize" if qp.objective.sense.name == "MINIMIZE" else "maximize"
    sign = 1.0 if sense == "minimize" else -1.0
    names = [v.name for v in qp.variables]
    bqm = dimod.BinaryQuadraticModel(dimod.BINARY)
    bqm.add_variables_from((n, 0.0) for n in names)
    for i, c in qp.objective.linear.to_dict().items():
        bqm.add_linear(names[i], sign * c)
    for (i, j), c in qp.objective.quadratic.to_dict().items():
        if i == j:
            bqm.add_linear(names[i], sign * c)
        else:
            bqm.add_quadratic(names[i], names[j], sign * c)
    bqm.offset = sign * qp.objective.constant
    return bqm, sense


def as_problem(problem) -> SearchProblem:
    """Wrap anything ``minimize`` accepts (see the module docstring); a :class:`SearchProblem` as is.

    Examples
    --------
    >>> as_problem([3.0, 1.0, 2.0, 0.0]).n_qubits
    2
    """
    if isinstance(problem, SearchProblem):
        return problem
    mod = type(problem).__module__
    if mod.startswith("dimod"):
        import dimod

        if isinstance(problem, (dimod.BinaryQuadraticModel, dimod.BinaryPolynomial)):
            return PolynomialProblem(problem)
    if mod.startswith("qiskit_optimization"):
        from qiskit_optimization import QuadraticProgram

        if isinstance(problem, QuadraticProgram):
            bqm, sense = _quadratic_program_to_bqm(problem)
            return PolynomialProblem(bqm, sense=sense)
    if isinstance(problem, (list, tuple, np.ndarray)):
        return TableProblem(problem)
    raise TypeError(
        "'problem' must be a LossLandscape, a dimod BinaryQuadraticModel or BinaryPolynomial, a binary "
        f"QuadraticProgram, or a loss table of length 2**n; got {type(problem).__name__}"
    )
