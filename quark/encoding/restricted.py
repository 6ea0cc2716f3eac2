"""Fast restrictions of linear-model landscapes: a block of weight bits free, the rest fixed.

For a model whose score is affine in its weights (``score = Phi @ w``, ``w = w0 + G b``), fixing
every bit outside a block ``F`` leaves ``score = s0 + H b_F`` with ``s0 = Phi @ w(base with F
cleared)`` and ``H = Phi @ G[:, F]`` (``m x |F|``). A restricted loss table then costs
``O(2**|F| * |F| * m)`` (one matrix product), and for the squared loss only
``O(2**|F|)`` once the ``|F| x |F|`` quadratic form is built: ``mean((s0 - t + H b)**2) = (r.r + 2 (r^T H) b + b^T (H^T H) b) / m``
with ``r = s0 - t`` — independent of the number of samples. This is what block-wise search runs on.
The squared loss's form is read off the landscape's Gram matrix ``Phi' P Phi`` (built once), with
``G w`` kept up to date from the bits that changed between blocks: a block step never touches the
samples.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

from quark.encoding.losses import LOSSES
from quark.encoding.problem import RestrictedProblem

if TYPE_CHECKING:  # pragma: no cover
    from quark.encoding.problem import SearchProblem

__all__ = ["RestrictedLinearLandscape"]

#: G @ w(bits) is updated from the changed bits this many times, then recomputed (no rounding drift)
_GRAM_UPDATES = 256


def _gram(parent) -> tuple[np.ndarray, np.ndarray, float]:
    """``(G, c, tt) = (Phi' P Phi, Phi' P t, t' P t)`` of a linear landscape's squared loss, ``P`` the
    per-sample weights over their total and ``t`` the ±1 targets: built once per landscape (``m d²``),
    so that every block's quadratic form costs ``O(d |F|)`` instead of ``O(m |F|²)``."""
    got = getattr(parent, "_gram_cache", None)
    if got is None:
        phi = parent._features()
        t = 2.0 * parent.y.astype(np.float64) - 1.0
        sw = parent.sample_weight
        p = np.full(parent.n_samples, 1.0 / parent.n_samples) if sw is None else sw / sw.sum()
        got = parent._gram_cache = (phi.T @ (phi * p[:, None]), phi.T @ (p * t), float((p * t) @ t))
    return got


def _place_values(parent) -> np.ndarray:
    """What each bit adds to its weight (``scale * 2**j``; ternary: ``±scale``), once per landscape."""
    got = getattr(parent, "_place_cache", None)
    if got is None:
        enc = parent.encoding
        k = enc.bits_per_weight
        scale, _ = enc._vectors()
        pos = np.arange(enc.n_qubits)
        got = parent._place_cache = scale[pos // k] * enc._bit_values[pos % k]
    return got


def _base_state(parent, bits: np.ndarray, gram: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """``(w(bits), G @ w(bits))`` (``None`` for the second unless ``gram``), updated from the last call's
    bits where few changed (block search moves one block at a time): ``O(d * changed)``, recomputed in
    full every ``_GRAM_UPDATES`` updates so that no rounding drifts."""
    G = _gram(parent)[0] if gram else None
    cached = getattr(parent, "_base_state_cache", None)  # forgotten by parent.reset_restrictions()
    if cached is not None and cached[3] < _GRAM_UPDATES and (cached[2] is not None or not gram):
        old, w, u, updates = cached
        diff = np.flatnonzero(old != bits)
        if diff.size <= 64:
            if diff.size:
                k = parent.encoding.bits_per_weight
                step = (bits[diff].astype(np.float64) - old[diff].astype(np.float64)) * _place_values(parent)[diff]
                w = w + np.bincount(diff // k, weights=step, minlength=w.size)
                u = None if u is None else u + G[:, diff // k] @ step
                parent._base_state_cache = (bits.copy(), w, u, updates + 1)
            return w, u
    w = np.asarray(parent.encoding.decode(bits), dtype=np.float64)
    u = G @ w if gram else None
    parent._base_state_cache = (np.array(bits, copy=True), w, u, 0)
    return w, u


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
        self._derive()

    def _derive(self) -> None:
        # every step of a block search makes one: the same arithmetic as ever, each product made once
        parent = self.parent
        free = self.free
        k = parent.encoding.bits_per_weight
        cols = free // k
        coef = _place_values(parent)[free]
        own = coef * self.base[free].astype(np.float64)        # the block's bits' part of the weights
        w, u = _base_state(parent, self.base, gram=parent.loss == "squared")
        w_base = w - np.bincount(cols, weights=own, minlength=w.size)  # the weights with the block cleared
        self._cols, self._coef = cols, coef
        self._y = parent.y
        self._sw = parent.sample_weight
        self._loss = parent.loss
        nb = free.size
        alpha = parent.alpha
        coef2 = coef[:, None] * coef[None, :]
        # the ridge penalty alpha * sum_pen w_c**2, a quadratic in the block's bits
        pen = parent._penalized[cols].astype(np.float64) * alpha
        kept = w_base[parent._penalized]
        self._p_const = alpha * float(kept @ kept)
        self._p_lin = 2.0 * pen * w_base[cols] * coef
        if alpha:
            root = np.sqrt(pen)
            # (left to right, as ever: (where * coef_i) * coef_j, not where * (coef_i * coef_j))
            self._p_quad = np.where(cols[:, None] == cols[None, :], root[:, None] * root[None, :], 0.0) \
                * coef[:, None] * coef[None, :]
        else:
            self._p_quad = np.zeros((nb, nb))
        if parent.loss == "squared":
            # from the Gram matrix, never touching the m samples: with w_c the weights with the block's
            # bits cleared, loss(b) = (w_c + x(b))' G (w_c + x(b)) - 2 c'(w_c + x(b)) + tt, x(b) = the
            # block's bits times their place values. G w_c comes from the landscape's G w(base), kept
            # up to date from the bits that changed since the last block (O(d * changed), not O(m * d))
            G, c, tt = _gram(parent)
            u = u - G[:, cols] @ own                                       # G @ w_c
            self._q_const = float(w_base @ u - 2.0 * (c @ w_base) + tt) + self._p_const
            self._q_lin = 2.0 * coef * (u[cols] - c[cols]) + self._p_lin
            self._q_quad = coef2 * G[cols[:, None], cols] + self._p_quad

    @property
    def _H(self) -> np.ndarray:
        """The block's columns of the features times their place values ``(m, |F|)`` (made when asked)."""
        H = self.__dict__.get("_H_")
        if H is None:
            H = self.__dict__["_H_"] = self.parent._features()[:, self._cols] * self._coef[None, :]
        return H

    @property
    def _s0(self) -> np.ndarray:
        """The fixed part's pre-activations: the base's scores without the block's own bits."""
        s0 = self.__dict__.get("_s0_")
        if s0 is None:
            s0 = self.__dict__["_s0_"] = (self.parent._base_scores(self.base)
                                          - self._H @ self.base[self.free].astype(np.float64))
        return s0

    def _scores(self, bits: np.ndarray) -> np.ndarray:
        return self._s0[None, :] + bits.astype(np.float64) @ self._H.T

    def _losses_of_bits(self, bits):
        table = getattr(self, "_table", None)
        if table is not None or self._deferred:  # every evaluation reads the table's values: one per setting
            idx = bits.astype(np.int64) @ (np.int64(1) << np.arange(self.n_qubits, dtype=np.int64))
            return table[idx] if table is not None else self.table_values(idx)
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
        if self._deferred:
            return self.table_values(idx)
        return super()._losses_of_indices(idx)

    # -- the table's values without the table (the exact kernel's deferred loss data) ------------------
    #: Set by :meth:`defer_table`: evaluations give the table's values before the table exists.
    _deferred = False

    def defer_table(self) -> bool:
        """Whether :meth:`settings_below` can stand in for the loss table (the squared loss); if so, every
        evaluation from now on gives the table's values, to the last bit, whether or not it is ever built.

        The exact kernel asks this before it builds the table (:class:`~quark.backends._loss_data.LossData`):
        a block step then finds the settings below each threshold by enumeration, and builds the table
        only where that gives way.
        """
        if self._loss != "squared" or self.n_qubits > 62:
            return False
        self._deferred = True
        return True

    def table_values(self, idx) -> np.ndarray:
        """The loss table's values of the settings ``idx`` (int64 indices), to the last bit, without the table."""
        from quark.encoding.ellipsoid import table_values

        return table_values(self._q_const, self._q_lin, self._q_quad, np.asarray(idx, dtype=np.int64))

    def settings_below(self, threshold: float) -> np.ndarray | None:
        """The settings whose loss-table value lies below ``threshold``, in index order, found without the
        table (:mod:`quark.encoding.ellipsoid`: the squared loss is convex in the block's weights); ``None``
        where a pass over the table is the way (another loss, a singular block, many settings below)."""
        if self._loss != "squared":
            return None
        from quark.encoding.ellipsoid import settings_below

        return settings_below(self._q_const, self._q_lin, self._q_quad, self._cols, self._coef, threshold)

    def _counts_of_bits(self, bits):
        right = self._correct_of_bits(bits)
        return right.sum(axis=1) if self._sw is None else right.astype(np.float64) @ self._sw

    def _chunk_rows(self) -> int:
        if self._loss == "squared":
            return 1 << 16
        return max(1, (1 << 21) // max(self.parent.n_samples, 1))
