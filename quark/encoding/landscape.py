"""The loss landscape: a model's training loss as a function of its weight bits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from quark._validation import as_array, check_array, check_choice
from quark.encoding.kernels import OrForm
from quark.encoding.bits import as_bit_array, index_to_bits
from quark.encoding.losses import LOSSES
from quark.encoding.problem import DEFAULT_MAX_TABLE_QUBITS, SearchProblem
from quark.encoding._terms import DEFAULT_MAX_TERMS
from quark.encoding.weights import WeightEncoding, weight_encoding

if TYPE_CHECKING:  # pragma: no cover
    import dimod
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_optimization import QuadraticProgram

    from quark.models import QuantizedModel

__all__ = ["LossLandscape", "LOSSES", "validate_Xy"]


# Bytes of scratch memory per (weight setting x sample) pair while a chunk is evaluated.
_SCRATCH_PER_PAIR = 48
_CHUNK_PAIRS = 1 << 21


def validate_Xy(X, y=None, *, name_X: str = "X") -> tuple[np.ndarray, np.ndarray | None]:
    """Check a feature matrix (2-D, finite, non-empty) and 0/1 labels of matching length."""
    Xa = as_array(X, name_X)
    if Xa.dtype == object or not (np.issubdtype(Xa.dtype, np.number) or Xa.dtype == bool) \
            or np.issubdtype(Xa.dtype, np.complexfloating):
        raise TypeError(f"'{name_X}' must hold real numbers; got dtype {Xa.dtype}")
    if Xa.ndim != 2:
        raise ValueError(f"'{name_X}' must be 2-D (n_samples, n_features); got shape {Xa.shape}")
    if Xa.shape[0] == 0 or Xa.shape[1] == 0:
        raise ValueError(f"'{name_X}' must have at least one sample and one feature; got shape {Xa.shape}")
    Xa = Xa.astype(np.float64) if Xa.dtype == bool else Xa
    if not np.isfinite(Xa).all():
        raise ValueError(f"'{name_X}' contains NaN or infinity")
    if y is None:
        return Xa, None
    ya = as_array(y, "y")
    if ya.ndim != 1 or ya.shape[0] != Xa.shape[0]:
        raise ValueError(f"'y' must be 1-D with {Xa.shape[0]} labels (one per row of {name_X}); got shape {ya.shape}")
    if ya.dtype == bool:
        ya = ya.astype(np.uint8)
    if not np.issubdtype(ya.dtype, np.number) or not np.isin(ya, (0, 1)).all():
        raise ValueError("'y' must hold 0/1 labels (QuarkClassifier encodes any two labels)")
    return Xa, ya.astype(np.uint8)


def _frozen(a: np.ndarray) -> np.ndarray:
    """A private read-only copy: later changes to the caller's array cannot reach the landscape."""
    out = np.array(a, copy=True)
    out.flags.writeable = False
    return out


def _check_sample_weight(sample_weight, m: int) -> np.ndarray:
    raw = as_array(sample_weight, "sample_weight")
    if raw.dtype == bool:
        raise TypeError("'sample_weight' must hold numbers, not booleans")
    sw = check_array(raw, "sample_weight", allow_nonfinite=True)
    if sw.shape != (m,):
        raise ValueError(f"'sample_weight' must have one weight per sample ({m}); got shape {sw.shape}")
    if not np.isfinite(sw).all() or (sw < 0).any():
        raise ValueError("'sample_weight' must be finite and non-negative")
    if not sw.sum() > 0:
        raise ValueError("'sample_weight' must not be all zero")
    return sw


class LossLandscape(SearchProblem):
    """The training loss of a quantized model as a function of its weight bit string.

    Parameters
    ----------
    model : str or QuantizedModel
        ``"perceptron"``, ``"spin-perceptron"``, ``"fixed-point-linear"``, ``"line-detector"``,
        ``"sign-mlp"`` or a model instance.
    encoding : WeightEncoding or None
        How bits map to weights; ``None`` takes the model's default encoding.
    X : array, shape (m, d)
        Training features (0/1 for Boolean models). The landscape keeps a read-only copy.
    y : array, shape (m,)
        0/1 labels.
    loss : {"zero_one", "squared", "hinge"}
        Mean loss over the samples.
    alpha : float, default=0
        Ridge penalty: ``alpha * sum_j w_j**2`` over the weights the model penalizes (not a bias),
        added to the mean loss. On binary selection weights it is a sparsity penalty (QBoost's).
        The squared loss stays an exact QUBO.
    sample_weight : array of shape (m,), optional
        Non-negative weights: the loss is the weighted mean. Integer weights give exactly the loss
        of the data with each row repeated that many times (and keep the compact count tables).

    Attributes
    ----------
    n_qubits : int
        Bits per weight setting (the size of the weight register).
    n_samples : int
        Training samples ``m``; evaluating one weight setting costs ``m`` model evaluations.

    Examples
    --------
    >>> from quark.datasets import load_edge_detection
    >>> X, y = load_edge_detection(lines="rows")
    >>> land = LossLandscape("line-detector", None, X, y)
    >>> land.n_qubits
    8
    >>> float(land.evaluate([1, 1, 1, 0, 0, 0, 0, 0]))   # exactly the rows: no error
    0.0
    >>> float(land.table().min())
    0.0
    """

    classifies = True

    def __init__(
        self,
        model: "str | QuantizedModel",
        encoding: WeightEncoding | None,
        X,
        y,
        loss: str = "zero_one",
        *,
        alpha: float = 0.0,
        sample_weight=None,
    ) -> None:
        from quark._validation import check_number
        from quark.models import get_model

        self.model = get_model(model)
        X, y = validate_Xy(X, y)
        self.model.check_features(X)
        if encoding is None:
            encoding = weight_encoding(self.model, X.shape[1])
        if not isinstance(encoding, WeightEncoding):
            raise TypeError(f"'encoding' must be a WeightEncoding or None; got {type(encoding).__name__}")
        if encoding.n_weights != self.model.n_weights(X.shape[1]):
            raise ValueError(
                f"'encoding' has {encoding.n_weights} weights but model {self.model.name!r} needs "
                f"{self.model.n_weights(X.shape[1])} for {X.shape[1]} features"
            )
        if encoding.kind != self.model.weight_kind:
            raise ValueError(
                f"model {self.model.name!r} is defined on {self.model.weight_kind} weights; "
                f"got a {encoding.kind} encoding"
            )
        self.loss = check_choice(loss, "loss", LOSSES)
        self.alpha = check_number(alpha, "alpha", minimum=0.0)
        self.encoding = encoding
        self.X = _frozen(X)
        self.y = _frozen(y)
        self.sample_weight = None if sample_weight is None else _frozen(_check_sample_weight(sample_weight, len(y)))
        integral = self.sample_weight is None or bool(np.all(self.sample_weight == np.round(self.sample_weight)))
        self.n_qubits = encoding.n_qubits
        self.variables = list(range(self.n_qubits))
        self.n_samples = int(self.X.shape[0])
        self.evaluation_cost = self.n_samples
        #: what the count of correct samples is out of: m, or the total of integer sample weights
        self.count_total = self.n_samples if self.sample_weight is None else (
            int(round(self.sample_weight.sum())) if integral else float(self.sample_weight.sum()))
        self.has_counts = self.loss == "zero_one" and self.alpha == 0.0 and integral
        self._penalized = np.asarray(self.model.penalized(X.shape[1]), dtype=bool)
        # Boolean OR-form models on 1-bit weights: bit j of an index is weight j, so the bit-level
        # kernel counts correct samples straight from indices.
        or_form = self.model.or_form(self.X) if encoding.kind == "binary" and integral and self.alpha == 0.0 else None
        self._or_form = None if or_form is None else OrForm.from_samples(
            or_form[0], self.y, or_form[1], None if self.sample_weight is None else self.sample_weight.astype(np.int64))

    @property
    def is_quadratic(self) -> bool:
        """Whether the loss is exactly quadratic in the bits (squared loss on a linear model)."""
        return self.loss == "squared" and self.model.linear

    def __repr__(self) -> str:
        extra = (f", alpha={self.alpha:g}" if self.alpha else "") + (", weighted" if self.sample_weight is not None else "")
        return (
            f"LossLandscape(model={self.model!r}, n_qubits={self.n_qubits}, "
            f"n_samples={self.n_samples}, loss={self.loss!r}{extra})"
        )

    # -- evaluation -------------------------------------------------------------------------------
    def decode(self, bits) -> np.ndarray:
        """Weight values of bit strings (see :meth:`WeightEncoding.decode`)."""
        return self.encoding.decode(bits)

    def scores(self, bits) -> np.ndarray:
        """Model scores ``(B, m)`` of a batch of bit strings on the training samples."""
        b = as_bit_array(bits, self.n_qubits)
        return self.model.decision(self.encoding.decode(b.reshape(-1, self.n_qubits)), self.X)

    def accuracy(self, bits) -> np.ndarray | float:
        """Training accuracy of one bit string or a batch."""
        b = as_bit_array(bits, self.n_qubits)
        acc = self._correct_of_bits(b.reshape(-1, self.n_qubits)).mean(axis=1)
        return float(acc[0]) if b.ndim == 1 else acc

    def loss_of_counts(self, counts) -> np.ndarray:
        """The 0-1 loss of settings with these correct counts, bit-identical to :meth:`evaluate`."""
        if not self.has_counts:
            raise TypeError(f"the {self.loss!r} loss does not follow from correct-sample counts")
        # (m - c) / m, not 1 - c / m: the generic path's mean of mistakes rounds the same way
        return (self.count_total - np.asarray(counts, dtype=np.float64)) / self.count_total

    # -- full tables ------------------------------------------------------------------------------
    def table_nbytes(self, dtype=np.float64) -> int:
        """Memory a :meth:`table` of ``dtype`` needs, scratch included."""
        return (1 << self.n_qubits) * np.dtype(dtype).itemsize + self._table_scratch()

    def _table_scratch(self) -> int:
        return _SCRATCH_PER_PAIR * _CHUNK_PAIRS

    # -- Hamiltonians (see quark.encoding.hamiltonians) ------------------------------------------
    def polynomial(self, *, max_terms: int = DEFAULT_MAX_TERMS, max_qubits: int = DEFAULT_MAX_TABLE_QUBITS,
                   basis: str = "binary") -> dict[tuple[int, ...], float]:
        """Exact polynomial over bit positions: symbolic for quadratic landscapes, else from the table."""
        if self.is_quadratic and basis == "binary":
            from quark.encoding.hamiltonians import quadratic_terms

            return quadratic_terms(self)
        return super().polynomial(max_terms=max_terms, max_qubits=max_qubits, basis=basis)

    def to_bqm(self) -> "dimod.BinaryQuadraticModel":
        """Exact QUBO (squared loss on linear models), derived symbolically from the data."""
        from quark.encoding.hamiltonians import landscape_to_bqm

        return landscape_to_bqm(self)

    def to_polynomial(self, **limits) -> "dimod.BinaryPolynomial":
        """Exact higher-order binary polynomial of any landscape (fast Möbius transform)."""
        from quark.encoding.hamiltonians import landscape_to_polynomial

        return landscape_to_polynomial(self, **limits)

    def to_pauli(self, **limits) -> "SparsePauliOp":
        """Diagonal Z-only ``SparsePauliOp`` whose diagonal is the loss table."""
        from quark.encoding.hamiltonians import landscape_to_pauli

        return landscape_to_pauli(self, **limits)

    def to_quadratic_program(self) -> "QuadraticProgram":
        """qiskit-optimization ``QuadraticProgram`` of the exact QUBO."""
        from quark.encoding.hamiltonians import landscape_to_quadratic_program

        return landscape_to_quadratic_program(self)

    def restrict(self, free, base) -> SearchProblem:
        """The landscape over the bits ``free``, the others fixed as in ``base``.

        Linear models restrict through their pre-activations (:mod:`quark.encoding.restricted`):
        a block's table costs ``O(2**b * b * m)``, or ``O(2**b * b**2)`` for the squared loss.
        """
        if self.model.linear:
            from quark.encoding.restricted import RestrictedLinearLandscape

            return RestrictedLinearLandscape(self, free, base)
        return super().restrict(free, base)

    def _restrict_block(self, free, base) -> SearchProblem:
        if self.model.linear:
            from quark.encoding.restricted import RestrictedLinearLandscape

            return RestrictedLinearLandscape._of_checked(self, free, base)
        return super()._restrict_block(free, base)

    # -- internals --------------------------------------------------------------------------------
    def _base_scores(self, bits: np.ndarray) -> np.ndarray:
        """``Phi @ w(bits)`` of a linear model, updated from the last call's bits where few changed.

        Block search asks for the scores of bit strings that differ from the previous one in one block
        only: ``O(m * changed)`` instead of ``O(m * n_weights)``.
        """
        cached = getattr(self, "_scores_cache", None)
        if cached is not None:
            old_bits, scores = cached
            diff = np.flatnonzero(old_bits != bits)
            fresh = getattr(self, "_scores_updates", 0) < 256  # recompute now and then: no rounding drift
            if diff.size <= 64 and fresh:
                if diff.size:
                    self._scores_updates = getattr(self, "_scores_updates", 0) + 1
                    enc = self.encoding
                    scale, _ = enc._vectors()
                    cols = diff // enc.bits_per_weight
                    coef = scale[cols] * enc._bit_values[diff % enc.bits_per_weight]
                    delta = (bits[diff].astype(np.float64) - old_bits[diff].astype(np.float64)) * coef
                    scores = scores + self._features()[:, cols] @ delta
                    self._scores_cache = (bits.copy(), scores)
                return scores
        scores = self._features() @ np.asarray(self.encoding.decode(bits), dtype=np.float64)
        self._scores_cache = (np.array(bits, copy=True), scores)
        self._scores_updates = 0
        return scores

    def _features(self) -> np.ndarray:
        """``features(X)`` of a linear model, computed once (``X`` is read-only)."""
        phi = getattr(self, "_phi", None)
        if phi is None:
            phi = self._phi = np.asarray(self.model.features(self.X), dtype=np.float64)
        return phi

    def _chunk_rows(self) -> int:
        if self._or_form is not None:  # the kernel needs no per-sample scratch
            return 1 << 20
        return max(1, _CHUNK_PAIRS // max(self.n_samples, 1))

    def _losses_of_bits(self, bits: np.ndarray) -> np.ndarray:
        W = self.encoding.decode(bits)
        out = LOSSES[self.loss](self.model.decision(W, self.X), self.y, self.sample_weight)
        if self.alpha:
            Wf = np.asarray(W, dtype=np.float64)[:, self._penalized]
            out = out + self.alpha * np.einsum("bj,bj->b", Wf, Wf)
        return out

    def _losses_of_indices(self, idx: np.ndarray) -> np.ndarray:
        if self._or_form is None:
            return self._losses_of_bits(index_to_bits(idx, self.n_qubits))
        # A Boolean model scores ±1: a wrong sample costs 1 (0-1), 4 (squared) or 2 (hinge).
        wrong = (self.count_total - self._or_form.counts(idx)) / self.count_total
        return wrong * {"zero_one": 1.0, "squared": 4.0, "hinge": 2.0}[self.loss]

    def _counts_of_indices(self, idx: np.ndarray) -> np.ndarray:
        if self._or_form is None:
            return self._counts_of_bits(index_to_bits(idx, self.n_qubits))
        return self._or_form.counts(idx)

    def _fill_counts(self, dtype: np.dtype, progress=None) -> np.ndarray:
        if self._or_form is not None and dtype.kind == "u":  # the parallel chunk kernel: no index arrays
            return self._or_form.count_table(self.n_qubits, dtype, progress)
        return super()._fill_counts(dtype, progress)

    def _counts_of_bits(self, bits: np.ndarray) -> np.ndarray:
        right = self._correct_of_bits(bits)
        if self.sample_weight is None:
            return right.sum(axis=1)
        return right.astype(np.float64) @ self.sample_weight

    def _correct_of_bits(self, bits: np.ndarray) -> np.ndarray:
        pred = self.model.decision(self.encoding.decode(bits), self.X) > 0
        return pred == self.y.astype(bool)
