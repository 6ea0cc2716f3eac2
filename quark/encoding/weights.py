"""Weight encodings: how a bit string becomes a vector of quantized weights.

Every encoding Quark supports is *affine* in the bits: weight ``j`` is stored in ``bits_per_weight``
consecutive bits (least significant first) and

    w_j = offset + scale * sum_t 2**t * b[j * bits_per_weight + t]

Spin weights (±1) are ``scale=2, offset=-1`` on one bit, binary weights (0/1) ``scale=1, offset=0``,
and k-bit fixed point spreads ``2**k`` evenly spaced levels over ``[offset, offset + scale*(2**k-1)]``.
Being affine is what lets a squared loss on a linear model compile to an exact QUBO.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from typing import TYPE_CHECKING

from quark._validation import check_int
from quark.encoding.bits import as_bit_array

if TYPE_CHECKING:  # pragma: no cover
    from quark.models import QuantizedModel

__all__ = ["WeightEncoding", "weight_encoding"]

_KINDS = ("spin", "binary", "fixed")


@dataclass(frozen=True)
class WeightEncoding:
    """Map between bit strings and quantized weight vectors.

    Parameters
    ----------
    n_weights : int
        Number of weights.
    kind : {"spin", "binary", "fixed"}
        ``"spin"``: each weight is ±1 (bit 1 → +1). ``"binary"``: each weight is 0 or 1.
        ``"fixed"``: k-bit fixed point, ``w = offset + scale * integer``.
    bits_per_weight : int
        Bits per weight (1 for spin and binary).
    scale, offset : float, optional
        Fixed point only. Default: the ``2**k`` levels spread evenly over ``[-1, 1]``.

    Examples
    --------
    >>> enc = WeightEncoding.fixed_point(2, bits=2)
    >>> enc.n_qubits
    4
    >>> enc.decode([1, 0, 1, 1]).round(3).tolist()
    [-0.333, 1.0]
    >>> enc.encode([-0.333, 1.0]).tolist()
    [1, 0, 1, 1]
    """

    n_weights: int
    kind: str = "binary"
    bits_per_weight: int = 1
    scale: float | None = None
    offset: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.n_weights, (int, np.integer)) or self.n_weights < 1:
            raise ValueError(f"'n_weights' must be a positive integer; got {self.n_weights!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"'kind' must be one of {_KINDS}; got {self.kind!r}")
        k = self.bits_per_weight
        if not isinstance(k, (int, np.integer)) or k < 1:
            raise ValueError(f"'weight_bits' must be a positive integer; got {k!r}")
        if self.kind in ("spin", "binary") and k != 1:
            raise ValueError(f"{self.kind} weights use 1 bit each; got bits_per_weight={k}")
        defaults = {"spin": (2.0, -1.0), "binary": (1.0, 0.0), "fixed": (2.0 / max(2**k - 1, 1), -1.0)}
        scale, offset = defaults[self.kind]
        if self.kind == "fixed":
            scale = scale if self.scale is None else float(self.scale)
            offset = offset if self.offset is None else float(self.offset)
            if not np.isfinite(scale) or scale <= 0:
                raise ValueError(f"'scale' must be a positive finite number; got {self.scale!r}")
            if not np.isfinite(offset):
                raise ValueError(f"'offset' must be finite; got {self.offset!r}")
        elif self.scale is not None or self.offset is not None:
            raise ValueError(f"'scale' and 'offset' apply to fixed-point weights only, not {self.kind!r}")
        object.__setattr__(self, "n_weights", int(self.n_weights))
        object.__setattr__(self, "bits_per_weight", int(k))
        object.__setattr__(self, "scale", float(scale))
        object.__setattr__(self, "offset", float(offset))

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def spin(cls, n_weights: int) -> "WeightEncoding":
        """±1 weights, one bit each (bit 1 → +1, bit 0 → −1, as dimod's ``spin = 2*x - 1``)."""
        return cls(n_weights, "spin")

    @classmethod
    def binary(cls, n_weights: int) -> "WeightEncoding":
        """0/1 weights, one bit each."""
        return cls(n_weights, "binary")

    @classmethod
    def fixed_point(
        cls, n_weights: int, bits: int, scale: float | None = None, offset: float | None = None
    ) -> "WeightEncoding":
        """k-bit fixed-point weights ``offset + scale * integer``, integer in ``[0, 2**bits)``."""
        return cls(n_weights, "fixed", bits, scale, offset)

    # -- sizes and levels -----------------------------------------------------------------------
    @property
    def n_qubits(self) -> int:
        """Number of bits (qubits) in a weight register."""
        return self.n_weights * self.bits_per_weight

    @property
    def levels(self) -> np.ndarray:
        """The values one weight can take, ascending."""
        return self.offset + self.scale * np.arange(2**self.bits_per_weight, dtype=np.float64)

    def affine_map(self) -> tuple[np.ndarray, np.ndarray]:
        """``(w0, G)`` with ``weights = w0 + G @ bits`` (``G`` has shape ``(n_weights, n_qubits)``).

        This is what compiles squared losses of linear models to exact QUBOs.
        """
        k = self.bits_per_weight
        G = np.zeros((self.n_weights, self.n_qubits))
        for j in range(self.n_weights):
            G[j, j * k : (j + 1) * k] = self.scale * 2.0 ** np.arange(k)
        return np.full(self.n_weights, self.offset), G

    # -- bits <-> values ------------------------------------------------------------------------
    def decode(self, bits) -> np.ndarray:
        """Weight values of one bit string (shape ``(n_qubits,)``) or many (``(..., n_qubits)``).

        Spin and binary weights come back as ``int8``; fixed point as ``float64``.
        """
        b = as_bit_array(bits, self.n_qubits)
        k = self.bits_per_weight
        if self.kind == "binary":
            return b.astype(np.int8)
        if self.kind == "spin":
            return (2 * b.astype(np.int8) - 1).astype(np.int8)
        ints = b.reshape(b.shape[:-1] + (self.n_weights, k)).astype(np.int64) @ (1 << np.arange(k))
        return self.offset + self.scale * ints

    def encode(self, weights, atol: float = 1e-6) -> np.ndarray:
        """Bit strings of weight vectors: the inverse of :meth:`decode`.

        Fixed-point values are rounded to the nearest level; a value farther than half a step
        from every level (out of range), or a spin/binary value that is not a level, is an error.
        """
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim == 0 or w.shape[-1] != self.n_weights:
            raise ValueError(f"'weights' must have {self.n_weights} values per vector; got shape {w.shape}")
        if not np.isfinite(w).all():
            raise ValueError("'weights' must be finite")
        ints = np.rint((w - self.offset) / self.scale)
        levels = 2**self.bits_per_weight
        tol = 0.5 + atol if self.kind == "fixed" else atol / self.scale
        if (np.abs((w - self.offset) / self.scale - ints) > tol).any() or (ints < 0).any() or (ints >= levels).any():
            raise ValueError(
                f"'weights' must lie on the {self.kind} levels {self.levels.tolist()[:8]}"
                f"{'...' if levels > 8 else ''}"
            )
        ints = ints.astype(np.int64)
        k = self.bits_per_weight
        bits = (ints[..., None] >> np.arange(k)) & 1
        return bits.reshape(w.shape[:-1] + (self.n_qubits,)).astype(np.uint8)


def weight_encoding(model: "QuantizedModel", n_features: int, weight_bits: int | None = None) -> WeightEncoding:
    """The weight encoding of ``model`` on ``n_features`` features (its ``weight_kind``, k bits for fixed point).

    Parameters
    ----------
    model : QuantizedModel
    n_features : int
    weight_bits : int, optional
        Bits per weight; fixed-point models default to their ``default_weight_bits``, 1-bit models
        accept only 1.

    Examples
    --------
    >>> from quark.models import FixedPointLinear, SpinPerceptron
    >>> weight_encoding(FixedPointLinear(), 3, weight_bits=4).n_qubits     # 3 weights + bias, 4 bits each
    16
    >>> weight_encoding(SpinPerceptron(), 3).kind
    'spin'
    """
    n_w = model.n_weights(n_features)
    check_int(weight_bits, "weight_bits", allow_none=True)
    if model.weight_kind == "fixed":
        return WeightEncoding.fixed_point(n_w, bits=model.default_weight_bits if weight_bits is None else weight_bits)
    if weight_bits not in (None, 1):
        raise ValueError(
            f"model {model.name!r} has 1-bit {model.weight_kind} weights, so 'weight_bits' must be 1; "
            f"got {weight_bits!r} (use model='fixed-point-linear' for k-bit weights)"
        )
    return WeightEncoding(n_w, model.weight_kind)
