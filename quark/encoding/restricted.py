"""Fast restrictions of linear-model landscapes: a block of weight bits free, the rest fixed.

For a model whose score is affine in its weights (``score = Phi @ w``, ``w = w0 + G b``), fixing
every bit outside a block ``F`` leaves ``score = s0 + H b_F`` with ``s0 = Phi @ w(base with F
cleared)`` and ``H = Phi @ G[:, F]`` (``m x |F|``). A restricted loss table then costs
``O(2**|F| * |F| * m)`` (one matrix product), and for the squared loss only
``O(2**|F|)`` once the ``|F| x |F|`` quadratic form is built: ``mean((s0 - t + H b)**2) = (r.r + 2 (r^T H) b + b^T (H^T H) b) / m``
with ``r = s0 - t`` — independent of the number of samples. This is what block-wise search runs on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from quark.encoding.losses import LOSSES
from quark.encoding.problem import RestrictedProblem

if TYPE_CHECKING:  # pragma: no cover
    from quark.encoding.problem import SearchProblem

__all__ = ["RestrictedLinearLandscape"]


class RestrictedLinearLandscape(RestrictedProblem):
    """The restriction of a linear model's landscape, evaluated from the fixed part's pre-activations.

    Losses equal the parent's up to floating-point rounding of the scores.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.encoding import LossLandscape
    >>> rng = np.random.default_rng(0)
    >>> land = LossLandscape("fixed-point-linear", None, rng.normal(size=(30, 4)), rng.integers(0, 2, 30), loss="hinge")
    >>> r = land.restrict([0, 3, 7], rng.integers(0, 2, land.n_qubits))
    >>> sub = (np.arange(8)[:, None] >> np.arange(3)) & 1          # all 8 settings of the block
    >>> bool(np.allclose(r.table(), land.evaluate(r.embed(sub))))
    True
    """

    def __init__(self, parent: "SearchProblem", free: Sequence[int], base) -> None:
        super().__init__(parent, free, base)
        enc = parent.encoding
        k = enc.bits_per_weight
        cleared = self.base.copy()
        cleared[self.free] = 0
        w_base = np.asarray(enc.decode(cleared), dtype=np.float64)
        scale, _ = enc._vectors()
        cols = self.free // k
        coef = scale[cols] * enc._bit_values[self.free % k]
        phi = parent._features()
        self._H = phi[:, cols] * coef[None, :]        # (m, |F|)
        # the fixed part's pre-activations: the base's scores without the block's own bits
        self._s0 = parent._base_scores(self.base) - self._H @ self.base[self.free].astype(np.float64)
        self._y = parent.y
        self._sw = parent.sample_weight
        self._loss = parent.loss
        nb = self.free.size
        # the ridge penalty alpha * sum_pen w_c**2, a quadratic in the block's bits
        pen = parent._penalized[cols].astype(np.float64) * parent.alpha
        self._p_const = parent.alpha * float(w_base[parent._penalized] @ w_base[parent._penalized])
        self._p_lin = 2.0 * pen * w_base[cols] * coef
        self._p_quad = np.where(cols[:, None] == cols[None, :], np.sqrt(pen)[:, None] * np.sqrt(pen)[None, :], 0.0) \
            * coef[:, None] * coef[None, :] if parent.alpha else np.zeros((nb, nb))
        if parent.loss == "squared":
            t = 2.0 * parent.y.astype(np.float64) - 1.0
            p = np.full(parent.n_samples, 1.0 / parent.n_samples) if self._sw is None else self._sw / self._sw.sum()
            r = self._s0 - t
            pH = self._H * p[:, None]
            self._q_const = float((p * r) @ r) + self._p_const
            self._q_lin = 2.0 * (r @ pH) + self._p_lin
            self._q_quad = self._H.T @ pH + self._p_quad

    def _scores(self, bits: np.ndarray) -> np.ndarray:
        return self._s0[None, :] + bits.astype(np.float64) @ self._H.T

    def _losses_of_bits(self, bits):
        table = getattr(self, "_table", None)
        if table is not None:  # once the table exists every evaluation reads it: one value per setting
            return table[bits.astype(np.int64) @ (np.int64(1) << np.arange(self.n_qubits, dtype=np.int64))]
        b = bits.astype(np.float64)
        if self._loss == "squared":
            return self._q_const + b @ self._q_lin + ((b @ self._q_quad) * b).sum(axis=1)
        out = LOSSES[self._loss](self._scores(bits), self._y, self._sw)
        if self.parent.alpha:
            out = out + self._p_const + b @ self._p_lin + ((b @ self._p_quad) * b).sum(axis=1)
        return out

    def _correct_of_bits(self, bits):
        return (self._scores(bits) > 0) == self._y.astype(bool)

    def table(self, dtype=np.float64, *, max_memory=None, progress=None):
        """All ``2**|F|`` losses; for the squared loss by doubling, ``O(2**|F|)`` additions."""
        if self._loss != "squared":
            return super().table(dtype, max_memory=max_memory, progress=progress)
        from quark.encoding._tables import check_float_dtype, check_table_fits

        dt = check_float_dtype(dtype)
        b = self.n_qubits
        check_table_fits(b, 8, f"the loss table of {b} qubits", max_memory)
        from quark.encoding.kernels import quadratic_table

        out = quadratic_table(self._q_const, self._q_lin, self._q_quad)
        if progress is not None:
            progress(1 << b)
        self._table = out  # evaluations read it from now on: the table and every check agree to the bit
        return out.astype(dt, copy=False)

    def _losses_of_indices(self, idx):
        table = getattr(self, "_table", None)
        if table is not None:
            return table[idx]
        return super()._losses_of_indices(idx)

    def _counts_of_bits(self, bits):
        right = self._correct_of_bits(bits)
        return right.sum(axis=1) if self._sw is None else right.astype(np.float64) @ self._sw

    def _chunk_rows(self) -> int:
        if self._loss == "squared":
            return 1 << 16
        return max(1, (1 << 21) // max(self.parent.n_samples, 1))
