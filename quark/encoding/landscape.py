"""The loss landscape: a model's training loss as a function of its weight bits."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

import numpy as np

from quark._memory import check_fits
from quark.encoding._kernels import OrForm
from quark.encoding.bits import MAX_INDEX_QUBITS, as_bit_array, index_to_bits
from quark.encoding.weights import WeightEncoding

if TYPE_CHECKING:  # pragma: no cover
    import dimod

    from quark.models import QuantizedModel
    from qiskit.quantum_info import SparsePauliOp
    from qiskit_optimization import QuadraticProgram

__all__ = ["LossLandscape", "LOSSES", "validate_Xy"]


def _zero_one(score: np.ndarray, y: np.ndarray) -> np.ndarray:
    return ((score > 0) != y).mean(axis=-1)


def _squared(score: np.ndarray, y: np.ndarray) -> np.ndarray:
    t = 2.0 * y - 1.0
    return ((score - t) ** 2).mean(axis=-1)


def _hinge(score: np.ndarray, y: np.ndarray) -> np.ndarray:
    t = 2.0 * y - 1.0
    return np.maximum(0.0, 1.0 - t * score).mean(axis=-1)


#: Losses by name: each maps scores ``(B, m)`` and 0/1 labels ``(m,)`` to ``(B,)`` mean losses.
#: Squared and hinge losses use the ±1 target ``t = 2y - 1`` and the model's score.
LOSSES: dict[str, Callable[[np.ndarray, np.ndarray], np.ndarray]] = {
    "zero_one": _zero_one,
    "squared": _squared,
    "hinge": _hinge,
}

# Bytes of scratch memory per (weight setting x sample) pair while a chunk is evaluated.
_SCRATCH_PER_PAIR = 48
_CHUNK_PAIRS = 1 << 21


def validate_Xy(X, y=None, *, name_X: str = "X") -> tuple[np.ndarray, np.ndarray | None]:
    """Check a feature matrix (2-D, finite, non-empty) and 0/1 labels of matching length."""
    Xa = np.asarray(X)
    if Xa.dtype == object or not (np.issubdtype(Xa.dtype, np.number) or Xa.dtype == bool):
        raise TypeError(f"'{name_X}' must be numeric; got dtype {Xa.dtype}")
    if Xa.ndim != 2:
        raise ValueError(f"'{name_X}' must be 2-D (n_samples, n_features); got shape {Xa.shape}")
    if Xa.shape[0] == 0 or Xa.shape[1] == 0:
        raise ValueError(f"'{name_X}' must have at least one sample and one feature; got shape {Xa.shape}")
    Xa = Xa.astype(np.float64) if Xa.dtype == bool else Xa
    if not np.isfinite(Xa).all():
        raise ValueError(f"'{name_X}' contains NaN or infinity")
    if y is None:
        return Xa, None
    ya = np.asarray(y)
    if ya.ndim != 1 or ya.shape[0] != Xa.shape[0]:
        raise ValueError(f"'y' must be 1-D with {Xa.shape[0]} labels (one per row of {name_X}); got shape {ya.shape}")
    if ya.dtype == bool:
        ya = ya.astype(np.uint8)
    if not np.issubdtype(ya.dtype, np.number) or not np.isin(ya, (0, 1)).all():
        raise ValueError("'y' must hold 0/1 labels (QuarkClassifier encodes any two labels)")
    return Xa, ya.astype(np.uint8)


class LossLandscape:
    """The training loss of a quantized model as a function of its weight bit string.

    Parameters
    ----------
    model : str or QuantizedModel
        ``"perceptron"``, ``"spin-perceptron"``, ``"fixed-point-linear"``, ``"line-detector"``,
        ``"sign-mlp"`` or a model instance.
    encoding : WeightEncoding or None
        How bits map to weights; ``None`` takes the model's default encoding.
    X : array, shape (m, d)
        Training features (0/1 for Boolean models).
    y : array, shape (m,)
        0/1 labels.
    loss : {"zero_one", "squared", "hinge"}
        Mean loss over the samples.

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

    def __init__(
        self,
        model: "str | QuantizedModel",
        encoding: WeightEncoding | None,
        X,
        y,
        loss: str = "zero_one",
    ) -> None:
        from quark.models import get_model  # models import encoding; import them lazily

        self.model = get_model(model)
        X, y = validate_Xy(X, y)
        self.model.check_features(X)
        if encoding is None:
            encoding = self.model.encoding(X.shape[1])
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
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; expected one of {sorted(LOSSES)}")
        self.encoding = encoding
        self.X = X
        self.y = y
        self.loss = loss
        # Boolean OR-form models on 1-bit weights: bit j of an index is weight j, so the bit-level
        # kernel counts correct samples straight from indices.
        or_form = self.model.or_form(X) if encoding.kind == "binary" else None
        self._or_form = None if or_form is None else OrForm.from_samples(or_form[0], y, or_form[1])

    # -- sizes ------------------------------------------------------------------------------------
    @property
    def n_qubits(self) -> int:
        return self.encoding.n_qubits

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def is_quadratic(self) -> bool:
        """Whether the loss is exactly quadratic in the bits (squared loss on a linear model)."""
        return self.loss == "squared" and self.model.linear

    def __repr__(self) -> str:
        return (
            f"LossLandscape(model={self.model!r}, n_qubits={self.n_qubits}, "
            f"n_samples={self.n_samples}, loss={self.loss!r})"
        )

    # -- evaluation -------------------------------------------------------------------------------
    def decode(self, bits) -> np.ndarray:
        """Weight values of bit strings (see :meth:`WeightEncoding.decode`)."""
        return self.encoding.decode(bits)

    def scores(self, bits) -> np.ndarray:
        """Model scores ``(B, m)`` of a batch of bit strings on the training samples."""
        b = as_bit_array(bits, self.n_qubits)
        return self.model.decision(self.encoding.decode(b.reshape(-1, self.n_qubits)), self.X)

    def evaluate(self, bits) -> np.ndarray | float:
        """Loss of one bit string (a float) or of a batch ``(B, n_qubits)`` (an array ``(B,)``)."""
        b = as_bit_array(bits, self.n_qubits)
        out = self._chunked(b.reshape(-1, self.n_qubits), self._loss_of_bits, np.float64)
        return float(out[0]) if b.ndim == 1 else out

    def evaluate_indices(self, indices) -> np.ndarray:
        """Losses of integer-indexed bit strings (bit *i* of index ``k`` is ``(k >> i) & 1``)."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        self._check_indices(idx)
        return self._chunked(idx, self._loss_of_indices, np.float64)

    def correct_counts(self, indices) -> np.ndarray:
        """Correctly classified training samples for integer-indexed bit strings (``int64``)."""
        idx = np.asarray(indices, dtype=np.int64).reshape(-1)
        self._check_indices(idx)
        return self._chunked(idx, self._counts_of_indices, np.int64)

    def accuracy(self, bits) -> np.ndarray | float:
        """Training accuracy of one bit string or a batch."""
        b = as_bit_array(bits, self.n_qubits)
        pred = self.model.predict(self.encoding.decode(b.reshape(-1, self.n_qubits)), self.X)
        acc = (pred == self.y).mean(axis=1)
        return float(acc[0]) if b.ndim == 1 else acc

    # -- full tables ------------------------------------------------------------------------------
    def table_nbytes(self, dtype=np.float64) -> int:
        """Memory a :meth:`table` of ``dtype`` needs, scratch included."""
        return (1 << self.n_qubits) * np.dtype(dtype).itemsize + _SCRATCH_PER_PAIR * _CHUNK_PAIRS

    def table(self, dtype=np.float64, *, max_bytes: float | None = None) -> np.ndarray:
        """The loss of all ``2**n_qubits`` bit strings, index ``k`` at position ``k``.

        Computed in chunks with bounded scratch memory. Raises
        :class:`~quark.exceptions.ProblemTooLargeError` (a ``MemoryError`` and ``ValueError``),
        saying how many GiB it would need, when the table would not fit in ``max_bytes``
        (default: 90% of available memory).
        """
        n = self.n_qubits
        check_fits(self.table_nbytes(dtype), f"the loss table of {n} weight qubits ({np.dtype(dtype).name})", max_bytes)
        return self._fill(self._loss_of_indices, dtype)

    def count_table(self, *, max_bytes: float | None = None) -> np.ndarray:
        """Correct-sample counts of all ``2**n_qubits`` bit strings in the smallest unsigned dtype.

        A compact table (1–2 bytes per setting) for the threshold oracle of the 0-1 loss:
        ``loss = 1 - count / n_samples``.
        """
        dtype = np.min_scalar_type(self.n_samples)
        n = self.n_qubits
        check_fits(self.table_nbytes(dtype), f"the count table of {n} weight qubits", max_bytes)
        return self._fill(self._counts_of_indices, dtype)

    # -- Hamiltonians (see quark.encoding.hamiltonians) ------------------------------------------
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

    # -- internals --------------------------------------------------------------------------------
    def _check_indices(self, idx: np.ndarray) -> None:
        if self.n_qubits > MAX_INDEX_QUBITS:
            raise ValueError(
                f"integer indices cover at most {MAX_INDEX_QUBITS} qubits; this landscape has {self.n_qubits} "
                "(use evaluate(bits) with bit arrays)"
            )
        if idx.size and (idx.min() < 0 or idx.max() >= (1 << self.n_qubits)):
            raise ValueError(f"indices must lie in [0, 2**{self.n_qubits})")

    def _chunk_rows(self) -> int:
        if self._or_form is not None:  # the kernel needs no per-sample scratch
            return 1 << 20
        return max(1, _CHUNK_PAIRS // max(self.n_samples, 1))

    def _loss_of_bits(self, bits: np.ndarray) -> np.ndarray:
        return LOSSES[self.loss](self.model.decision(self.encoding.decode(bits), self.X), self.y)

    def _loss_of_indices(self, idx: np.ndarray) -> np.ndarray:
        if self._or_form is None:
            return self._loss_of_bits(index_to_bits(idx, self.n_qubits))
        # A Boolean model scores ±1: a wrong sample costs 1 (0-1), 4 (squared) or 2 (hinge).
        # (m - c) / m, not 1 - c / m: bit-identical to the generic path's mean of mistakes.
        wrong = (self.n_samples - self._counts_of_indices(idx)) / self.n_samples
        return wrong * {"zero_one": 1.0, "squared": 4.0, "hinge": 2.0}[self.loss]

    def _counts_of_indices(self, idx: np.ndarray) -> np.ndarray:
        if self._or_form is None:
            return self._counts_of_bits(index_to_bits(idx, self.n_qubits))
        return self._or_form.counts(idx)

    def _counts_of_bits(self, bits: np.ndarray) -> np.ndarray:
        pred = self.model.decision(self.encoding.decode(bits), self.X) > 0
        return (pred == self.y.astype(bool)).sum(axis=1)

    def _chunked(self, items: np.ndarray, fn, dtype) -> np.ndarray:
        out = np.empty(items.shape[0], dtype=dtype)
        step = self._chunk_rows()
        for start in range(0, items.shape[0], step):
            out[start : start + step] = fn(items[start : start + step])
        return out

    def _fill(self, fn, dtype) -> np.ndarray:
        size = 1 << self.n_qubits
        out = np.empty(size, dtype=dtype)
        step = self._chunk_rows()
        for start in range(0, size, step):
            stop = min(size, start + step)
            out[start:stop] = fn(np.arange(start, stop, dtype=np.int64))
        return out
