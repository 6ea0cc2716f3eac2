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

__all__ = ["WeightEncoding", "weight_encoding", "MAX_WEIGHT_BITS"]

#: Most bits one fixed-point weight may have.
MAX_WEIGHT_BITS = 32

_KINDS = ("spin", "binary", "fixed", "ternary")


def _per_weight(value, n: int, name: str) -> float | tuple:
    """A float, or a tuple of ``n`` floats (one per weight), checked finite."""
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim == 0:
        if not np.isfinite(arr):
            raise ValueError(f"'{name}' must be finite; got {value!r}")
        return float(arr)
    if arr.shape != (n,) or not np.isfinite(arr).all():
        raise ValueError(f"'{name}' must be a finite number or {n} finite numbers (one per weight); got shape {arr.shape}")
    return tuple(arr.tolist())


@dataclass(frozen=True)
class WeightEncoding:
    """Map between bit strings and quantized weight vectors.

    Parameters
    ----------
    n_weights : int
        Number of weights.
    kind : {"spin", "binary", "fixed", "ternary"}
        ``"spin"``: each weight is ±1 (bit 1 → +1). ``"binary"``: each weight is 0 or 1.
        ``"fixed"``: k-bit fixed point, ``w = offset + scale * integer``. ``"ternary"``: two bits
        ``(p, n)`` per weight, ``w = scale * (p - n)`` in ``{-scale, 0, +scale}``.
    bits_per_weight : int
        Bits per weight (1 for spin and binary, 2 for ternary).
    scale, offset : float or sequence of floats, optional
        Fixed point and ternary (``scale`` only): one value, or one per weight. Default: fixed
        point's ``2**k`` levels spread evenly over ``[-1, 1]``; ternary ``scale=1``.

    Every encoding is affine in the bits (:meth:`affine_map`), which is what makes a squared loss
    on a linear model an exact QUBO.

    Examples
    --------
    >>> enc = WeightEncoding.fixed_point(2, bits=2)
    >>> enc.n_qubits
    4
    >>> enc.decode([1, 0, 1, 1]).round(3).tolist()
    [-0.333, 1.0]
    >>> enc.encode([-0.333, 1.0]).tolist()
    [1, 0, 1, 1]
    >>> WeightEncoding.ternary(3).decode([1, 0, 0, 0, 0, 1]).tolist()
    [1.0, 0.0, -1.0]
    """

    n_weights: int
    kind: str = "binary"
    bits_per_weight: int = 1
    scale: float | tuple | None = None
    offset: float | tuple | None = None

    def __post_init__(self) -> None:
        if isinstance(self.n_weights, bool) or not isinstance(self.n_weights, (int, np.integer)) or self.n_weights < 1:
            raise ValueError(f"'n_weights' must be a positive integer; got {self.n_weights!r}")
        if self.kind not in _KINDS:
            raise ValueError(f"'kind' must be one of {_KINDS}; got {self.kind!r}")
        k = self.bits_per_weight
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= MAX_WEIGHT_BITS:
            raise ValueError(
                f"'weight_bits' must be an integer in [1, {MAX_WEIGHT_BITS}] (finer weights exceed float64's exact "
                f"integers); got {k!r}"
            )
        if self.kind in ("spin", "binary") and k != 1:
            raise ValueError(f"{self.kind} weights use 1 bit each; got bits_per_weight={k}")
        if self.kind == "ternary" and k != 2:
            raise ValueError(f"ternary weights use 2 bits each; got bits_per_weight={k}")
        n = int(self.n_weights)
        defaults = {"spin": (2.0, -1.0), "binary": (1.0, 0.0), "fixed": (2.0 / max(2**k - 1, 1), -1.0), "ternary": (1.0, 0.0)}
        scale, offset = defaults[self.kind]
        if self.kind in ("fixed", "ternary"):
            scale = scale if self.scale is None else _per_weight(self.scale, n, "scale")
            if np.any(np.asarray(scale) <= 0):
                raise ValueError(f"'scale' must be positive; got {self.scale!r}")
            if self.kind == "fixed":
                offset = offset if self.offset is None else _per_weight(self.offset, n, "offset")
            elif self.offset is not None:
                raise ValueError("ternary weights are centred: 'offset' does not apply")
        elif self.scale is not None or self.offset is not None:
            raise ValueError(f"'scale' and 'offset' apply to fixed-point and ternary weights only, not {self.kind!r}")
        object.__setattr__(self, "n_weights", n)
        object.__setattr__(self, "bits_per_weight", int(k))
        object.__setattr__(self, "scale", scale)
        object.__setattr__(self, "offset", offset)

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
    def fixed_point(cls, n_weights: int, bits: int, scale=None, offset=None) -> "WeightEncoding":
        """k-bit fixed-point weights ``offset + scale * integer``, integer in ``[0, 2**bits)``."""
        return cls(n_weights, "fixed", bits, scale, offset)

    @classmethod
    def ternary(cls, n_weights: int, scale=None) -> "WeightEncoding":
        """Weights in ``{-scale, 0, +scale}``, two bits each (``w = scale * (p - n)``)."""
        return cls(n_weights, "ternary", 2, scale)

    # -- sizes and levels -----------------------------------------------------------------------
    @property
    def n_qubits(self) -> int:
        """Number of bits (qubits) in a weight register."""
        return self.n_weights * self.bits_per_weight

    @property
    def _bit_values(self) -> np.ndarray:
        """What each of a weight's bits adds to its integer level (before ``scale``)."""
        if self.kind == "ternary":
            return np.array([1.0, -1.0])
        return 2.0 ** np.arange(self.bits_per_weight)

    def _vectors(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.broadcast_to(np.asarray(self.scale, dtype=np.float64), (self.n_weights,)),
                np.broadcast_to(np.asarray(self.offset, dtype=np.float64), (self.n_weights,)))

    @property
    def levels(self) -> np.ndarray:
        """The values one weight can take, ascending (of weight 0 when the weights differ in scale)."""
        scale, offset = self._vectors()
        if self.kind == "ternary":
            return scale[0] * np.array([-1.0, 0.0, 1.0])
        return offset[0] + scale[0] * np.arange(2**self.bits_per_weight, dtype=np.float64)

    def affine_map(self) -> tuple[np.ndarray, np.ndarray]:
        """``(w0, G)`` with ``weights = w0 + G @ bits`` (``G`` has shape ``(n_weights, n_qubits)``).

        This is what compiles squared losses of linear models to exact QUBOs.
        """
        k = self.bits_per_weight
        scale, offset = self._vectors()
        G = np.zeros((self.n_weights, self.n_qubits))
        for j in range(self.n_weights):
            G[j, j * k : (j + 1) * k] = scale[j] * self._bit_values
        return offset.copy(), G

    # -- bits <-> values ------------------------------------------------------------------------
    def decode(self, bits) -> np.ndarray:
        """Weight values of one bit string (shape ``(n_qubits,)``) or many (``(..., n_qubits)``).

        Spin and binary weights come back as ``int8``; fixed point and ternary as ``float64``.
        """
        b = as_bit_array(bits, self.n_qubits)
        k = self.bits_per_weight
        if self.kind == "binary":
            return b.astype(np.int8)
        if self.kind == "spin":
            return (2 * b.astype(np.int8) - 1).astype(np.int8)
        scale, offset = self._vectors()
        # float64 powers of two: exact for k <= 32, no int64 overflow
        ints = b.reshape(b.shape[:-1] + (self.n_weights, k)).astype(np.float64) @ self._bit_values
        return offset + scale * ints

    def encode(self, weights, atol: float = 1e-6) -> np.ndarray:
        """Bit strings of weight vectors: the inverse of :meth:`decode`.

        Fixed-point values are rounded to the nearest level; a value farther than half a step
        from every level (out of range), or a spin/binary/ternary value that is not a level, is an error.
        """
        w = np.asarray(weights, dtype=np.float64)
        if w.ndim == 0 or w.shape[-1] != self.n_weights:
            raise ValueError(f"'weights' must have {self.n_weights} values per vector; got shape {w.shape}")
        if not np.isfinite(w).all():
            raise ValueError("'weights' must be finite")
        scale, offset = self._vectors()
        k = self.bits_per_weight
        if self.kind == "ternary":
            t = w / scale
            ints = np.rint(t)
            if (np.abs(t - ints) > atol).any() or (np.abs(ints) > 1).any():
                raise ValueError(f"'weights' must lie on the ternary levels (-scale, 0, +scale)")
            bits = np.stack([(ints > 0), (ints < 0)], axis=-1).astype(np.uint8)
            return bits.reshape(w.shape[:-1] + (self.n_qubits,))
        ints = np.rint((w - offset) / scale)
        levels = 2**k
        tol = 0.5 + atol if self.kind == "fixed" else atol / scale
        if (np.abs((w - offset) / scale - ints) > tol).any() or (ints < 0).any() or (ints >= levels).any():
            raise ValueError(
                f"'weights' must lie on the {self.kind} levels {self.levels.tolist()[:8]}"
                f"{'...' if levels > 8 else ''}"
            )
        ints = ints.astype(np.int64)
        bits = (ints[..., None] >> np.arange(k)) & 1
        return bits.reshape(w.shape[:-1] + (self.n_qubits,)).astype(np.uint8)


def weight_encoding(model: "QuantizedModel", n_features: int, weight_bits: int | None = None, *,
                    scale=None, offset=None) -> WeightEncoding:
    """The weight encoding of ``model`` on ``n_features`` features (its ``weight_kind``, k bits for fixed point).

    Parameters
    ----------
    model : QuantizedModel
    n_features : int
    weight_bits : int, optional
        Bits per weight; fixed-point models default to their ``default_weight_bits``, 1-bit models
        accept only 1 (ternary: 2).
    scale, offset : float or array, optional
        Fixed point and ternary: the levels' step and start, one value or one per weight.

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
        return WeightEncoding.fixed_point(n_w, bits=model.default_weight_bits if weight_bits is None else weight_bits,
                                          scale=scale, offset=offset)
    if model.weight_kind == "ternary":
        if weight_bits not in (None, 2):
            raise ValueError(f"model {model.name!r} has ternary weights (2 bits each); got weight_bits={weight_bits!r}")
        return WeightEncoding.ternary(n_w, scale=scale)
    if weight_bits not in (None, 1):
        raise ValueError(
            f"model {model.name!r} has 1-bit {model.weight_kind} weights, so 'weight_bits' must be 1; "
            f"got {weight_bits!r} (use model='fixed-point-linear' for k-bit weights)"
        )
    return WeightEncoding(n_w, model.weight_kind)
