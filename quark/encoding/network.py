"""The loss landscape of a quantized network (:class:`~quark.models.QuantizedMLP`) and its fast blocks.

:class:`NetworkEncoding` maps bits to the network's weights, every unit's bits contiguous (its input
weights, then its bias), so that a block of bits can lie within one unit. :class:`NetworkLandscape`
is the training loss over all bits: a margin (hinge) loss on the output scores, or the 0-1 loss.

Restricted to a block of bits of *one unit* (:class:`RestrictedUnit`), the landscape is evaluated
incrementally from a forward pass of the fixed network, cached once per block:

- the unit's pre-activation is affine in the block's bits: ``a(k) = a_0 + bits(k) @ G.T`` (``G``:
  what each bit adds on each sample);
- a hidden unit reaches the loss only through which activation level it outputs on each sample, so
  the loss of every sample at every level (``m x levels``, one forward pass of the layers above per
  level) turns the loss of a candidate setting into a sum of table look-ups: ``O(2**b * m * b)`` for
  the whole block, independent of the width of the layers above;
- an output unit changes one score per sample, whose effect on the margin is closed-form.

Blocks that mix units fall back to the full forward pass of every candidate (exact, slower).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from quark._validation import check_choice, check_number
from quark.encoding.bits import as_bit_array
from quark.encoding.landscape import _frozen, validate_Xy
from quark.encoding.problem import RestrictedProblem, SearchProblem

__all__ = ["NetworkEncoding", "NetworkLandscape", "RestrictedUnit", "NETWORK_LOSSES", "BLOCK_MODES"]

NETWORK_LOSSES = ("hinge", "zero_one")
#: How a network's bits are grouped into blocks: within one unit, within one layer, or anywhere.
BLOCK_MODES = ("unit", "layer", "random")
#: Candidate x sample pairs evaluated at once.
_PAIRS = 1 << 21


class NetworkEncoding:
    """Bits <-> the flat weights of a :class:`~quark.models.QuantizedMLP` on ``n_features`` inputs.

    Weight ``w = offset + sum(coef[i] * bits[i])`` over its own bits (affine, as every Quark
    encoding): k-bit weights on ``2**k`` levels over ``[-1, 1]`` (least significant bit first), ternary
    weights as ``(p, n)`` with ``w = p - n``, biases on ``bias_bits`` levels over ``[-1, 1]``.

    Examples
    --------
    >>> from quark.models import QuantizedMLP
    >>> enc = NetworkEncoding(QuantizedMLP(hidden=1, bits=("ternary", 1), bias_bits=1), 2)
    >>> enc.n_qubits                                   # (2 x 2 + 1) + (1 + 1)
    7
    >>> enc.decode([1, 0, 0, 1, 1, 0, 1]).tolist()
    [1.0, -1.0, 1.0, -1.0, 1.0]
    """

    def __init__(self, model, n_features: int) -> None:
        self.model = model
        self.n_features = int(n_features)
        layers = model.layers(self.n_features)
        kinds = model.layer_bits(len(layers))
        kb = int(model.bias_bits)
        coef, wid, offset, units, unit_layer = [], [], [], [], []
        w = q = 0
        for l, ((fan_in, fan_out), k) in enumerate(zip(layers, kinds)):
            if k == "ternary":
                wc, wo = np.array([1.0, -1.0]), 0.0
            else:
                wc, wo = (2.0 / (2**k - 1)) * 2.0 ** np.arange(k), -1.0
            bc = (2.0 / (2**kb - 1)) * 2.0 ** np.arange(kb)
            unit_coef = np.concatenate([np.tile(wc, fan_in), bc])
            unit_wid = np.concatenate([np.repeat(np.arange(fan_in), wc.size), np.full(kb, fan_in)])
            unit_off = np.r_[np.full(fan_in, wo), -1.0]
            for u in range(fan_out):
                coef.append(unit_coef)
                wid.append(w + unit_wid)
                offset.append(unit_off)
                units.append((l, u, q, q + unit_coef.size, w))
                unit_layer.append(l)
                q += unit_coef.size
                w += fan_in + 1
        self.layers = layers
        self.kinds = kinds
        self.coef = np.concatenate(coef)
        self.weight_of_bit = np.concatenate(wid)
        self.offset = np.concatenate(offset)
        #: per unit ``(layer, unit, first bit, end bit, first weight)``
        self.units = units
        self.unit_of_bit = np.repeat(np.arange(len(units)), [u[3] - u[2] for u in units])
        self.n_qubits = q
        self.n_weights = w
        self._starts = np.flatnonzero(np.r_[True, np.diff(self.weight_of_bit) != 0])

    def decode(self, bits) -> np.ndarray:
        """Flat weights ``(..., n_weights)`` of bit strings ``(..., n_qubits)``."""
        b = as_bit_array(bits, self.n_qubits)
        return self.offset + np.add.reduceat(b * self.coef, self._starts, axis=-1)

    def decode_unit(self, bits: np.ndarray, unit: int) -> np.ndarray:
        """The weights of one unit (its inputs', then its bias) from a full bit string: the same sums as
        :meth:`decode` gives them, without decoding the other units."""
        _l, _u, q0, q1, w0 = self.units[unit]
        lo, hi = np.searchsorted(self._starts, (q0, q1))
        sums = np.add.reduceat(bits[q0:q1] * self.coef[q0:q1], self._starts[lo:hi] - q0)
        return self.offset[w0 : w0 + hi - lo] + sums

    def encode(self, weights) -> np.ndarray:
        """Bit strings of flat weights, each weight moved to its nearest level first."""
        w = np.asarray(weights, dtype=np.float64)
        if w.shape[-1:] != (self.n_weights,) or not np.isfinite(w).all():
            raise ValueError(f"'weights' must hold {self.n_weights} finite values per vector; got shape {w.shape}")
        out = np.zeros(w.shape[:-1] + (self.n_qubits,), dtype=np.uint8)
        for (l, _u, q0, q1, w0) in self.units:
            fan_in = self.layers[l][0]
            k = self.kinds[l]
            ww, bb = w[..., w0 : w0 + fan_in], w[..., w0 + fan_in]
            if k == "ternary":
                t = np.clip(np.rint(ww), -1, 1)
                wbits = np.stack([t > 0, t < 0], axis=-1).reshape(w.shape[:-1] + (2 * fan_in,))
            else:
                wbits = _fixed_bits(ww, k)
            out[..., q0:q1] = np.concatenate([wbits, _fixed_bits(bb[..., None], self.model.bias_bits)], axis=-1)
        return out

    def nearest(self, weights) -> np.ndarray:
        """Each weight moved to its nearest level."""
        return self.decode(self.encode(weights))


def _fixed_bits(w: np.ndarray, k: int) -> np.ndarray:
    top = 2**k - 1
    ints = np.clip(np.rint((w + 1.0) * top / 2.0), 0, top).astype(np.int64)
    return ((ints[..., None] >> np.arange(k)) & 1).reshape(w.shape[:-1] + (w.shape[-1] * k,)).astype(np.uint8)


def sample_margins(S: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per sample, how far its own score leads: ``t * s`` (one output) or ``s_y - max_{c != y} s_c``."""
    if S.shape[-1] == 1:
        return (2.0 * y - 1.0) * S[..., 0]
    rows = np.arange(S.shape[-2])
    own = S[..., rows, y]
    others = S.copy()
    others[..., rows, y] = -np.inf
    return own - others.max(axis=-1)


def margin_loss(margins: np.ndarray, loss: str, margin: float) -> np.ndarray:
    """Per-sample loss of margins: ``max(0, margin - r)`` (hinge) or ``r <= 0`` (0-1: a tie is an error)."""
    if loss == "zero_one":
        return (margins <= 0).astype(np.float64)
    return np.maximum(0.0, margin - margins)


class NetworkLandscape(SearchProblem):
    """The training loss of a quantized network over all its weight bits.

    Parameters
    ----------
    model : QuantizedMLP
        With ``n_outputs`` set (1 for two classes, else one per class).
    X : array (m, d)
    y : array of int (m,)
        0/1 labels (one output) or class indices.
    loss : {"hinge", "zero_one"}, default="hinge"
        Mean hinge on the margins (:func:`sample_margins`) or the error rate.
    margin : float, default=0.5
        The hinge's margin, in units of the (normalized) output scores.
    sample_weight : array (m,), optional
    blocks : {"unit", "layer", "random"}, default="unit"
        How :meth:`natural_blocks` groups the bits for a block search.

    Examples
    --------
    >>> import numpy as np
    >>> from quark.models import QuantizedMLP
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(40, 3)); y = (X[:, 0] * X[:, 1] > 0).astype(int)
    >>> land = NetworkLandscape(QuantizedMLP(hidden=4, n_outputs=1), X, y)
    >>> base = rng.integers(0, 2, land.n_qubits)
    >>> r = land.restrict(np.arange(5, 10), base)     # five bits of hidden unit 0
    >>> sub = (np.arange(32)[:, None] >> np.arange(5)) & 1
    >>> bool(np.allclose(r.table(), land.evaluate(r.embed(sub))))
    True
    """

    def __init__(self, model, X, y, loss: str = "hinge", *, margin: float = 0.5, sample_weight=None,
                 blocks: str = "unit") -> None:
        X, _ = validate_Xy(X)
        y = np.asarray(y)
        C = model.outputs()
        n_classes = 2 if C == 1 else C
        if y.shape != (X.shape[0],) or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n_classes:
            raise ValueError(f"'y' must hold one class index in [0, {n_classes}) per row of X")
        self.model = model
        self.loss = check_choice(loss, "loss", NETWORK_LOSSES)
        self.margin = check_number(margin, "margin", minimum=0.0)
        self.blocks = check_choice(blocks, "blocks", BLOCK_MODES)
        self.X = _frozen(np.asarray(X, dtype=np.float64))
        self.y = _frozen(y.astype(np.int64))
        self.encoding = NetworkEncoding(model, X.shape[1])
        self.n_qubits = self.encoding.n_qubits
        self.variables = list(range(self.n_qubits))
        self.n_samples = int(X.shape[0])
        self.evaluation_cost = self.n_samples
        if sample_weight is None:
            p = np.full(self.n_samples, 1.0 / self.n_samples)
        else:
            sw = np.asarray(sample_weight, dtype=np.float64)
            if sw.shape != (self.n_samples,) or not np.isfinite(sw).all() or (sw < 0).any() or not sw.sum() > 0:
                raise ValueError("'sample_weight' must hold one finite non-negative weight per sample, not all zero")
            p = sw / sw.sum()
        self.p = _frozen(p)
        self._width = max(o for _, o in self.encoding.layers)

    def decode(self, bits) -> np.ndarray:
        return self.encoding.decode(bits)

    def sample_losses(self, S: np.ndarray) -> np.ndarray:
        """Per-sample losses ``(..., m)`` of output scores ``(..., m, n_outputs)``."""
        return margin_loss(sample_margins(S, self.y), self.loss, self.margin)

    def _chunk_rows(self) -> int:
        return max(1, _PAIRS // (self.n_samples * self._width))

    def _losses_of_bits(self, bits):
        S = self.model.scores(self.decode(bits), self.X)
        return self.sample_losses(S) @ self.p

    def error_rate(self, bits) -> float:
        """The training error of one bit string (argmax of the scores; ``score > 0`` for one output)."""
        S = self.model.scores(self.decode(as_bit_array(bits, self.n_qubits))[None], self.X)[0]
        pred = (S[:, 0] > 0).astype(np.int64) if S.shape[1] == 1 else S.argmax(axis=1)
        return float((pred != self.y) @ self.p)

    def _forward_state(self, base: np.ndarray):
        """The fixed network of ``base``: flat weights, layers, every layer's input, the scores ``(m, C)``.

        Cached for the last base; a base that differs from it within one unit is updated from that unit
        on: only the unit's own column of its layer is recomputed (the rest of that layer's outputs are
        unchanged), then the layers above it — block after block, a sweep changes one unit at a time, and
        recomputing the unit's whole layer cost a fifth of a wide network's fit.
        """
        model, enc = self.model, self.encoding
        cache = getattr(self, "_cache", None)
        changed = None  # the one unit in which base differs from the cached base, if only one does
        if cache is not None:
            diff = np.flatnonzero(cache[0] != base)
            if diff.size == 0:
                return cache[1:]
            units = np.unique(enc.unit_of_bit[diff])
            if units.size == 1:
                changed = int(units[0])
        if changed is None:
            flat = enc.decode(base)
        else:  # the other units' weights are the cached ones
            flat = cache[1].copy()
            w0 = enc.units[changed][4]
            unit_w = enc.decode_unit(base, changed)
            flat[w0 : w0 + unit_w.size] = unit_w
        layers = model.unpack(flat[None], enc.n_features)
        last = len(layers) - 1
        if changed is None:
            start, inputs = 0, [self.X[None]]
        else:
            l, u = enc.units[changed][:2]
            unit_layer = layers[l][:, u : u + 1]                      # (1, 1, fan_in + 1)
            a_u = model.pre_activation(unit_layer, cache[3][l])[..., 0]  # (1, m)
            if l == last:
                S0 = cache[4].copy()
                S0[:, u] = a_u[0]
                self._cache = (base.copy(), flat, layers, cache[3], S0)
                return self._cache[1:]
            # updated in place (callers use what this returns only until the next call); the cache is
            # dropped first, so that an interruption here cannot leave it describing the old base
            self._cache = None
            h = cache[3][l + 1]
            h[..., u] = model.activate(a_u)
            start, inputs = l + 1, cache[3][: l + 1] + [h]
        for j in range(start, len(layers)):
            a = model.pre_activation(layers[j], inputs[-1])
            inputs.append(a if j == last else model.activate(a))
        S0 = inputs.pop()[0]
        self._cache = (base.copy(), flat, layers, inputs, S0)
        return self._cache[1:]

    def restrict(self, free: Sequence[int], base) -> SearchProblem:
        free_arr = np.asarray(free)
        if free_arr.ndim == 1 and free_arr.size and np.issubdtype(free_arr.dtype, np.integer) \
                and 0 <= free_arr.min() and free_arr.max() < self.n_qubits \
                and np.unique(self.encoding.unit_of_bit[free_arr]).size == 1:
            return RestrictedUnit(self, free_arr, base)
        return RestrictedProblem(self, free, base)

    def natural_blocks(self, size: int, rng) -> list[np.ndarray]:
        """The bits in blocks of at most ``size``: within a unit, a layer or anywhere (:attr:`blocks`),
        a fresh random grouping each call; unit and layer order random too."""
        enc = self.encoding
        if self.blocks == "random":
            groups = [np.arange(self.n_qubits)]
        elif self.blocks == "layer":
            layer = np.repeat([u[0] for u in enc.units], [u[3] - u[2] for u in enc.units])
            groups = [np.flatnonzero(layer == l) for l in range(len(enc.layers))]
        else:
            groups = [np.arange(u[2], u[3]) for u in enc.units]
        out = []
        for g in (groups[i] for i in rng.permutation(len(groups))):
            g = rng.permutation(g)
            n_blocks = -(-g.size // size)
            out += [np.sort(part) for part in np.array_split(g, n_blocks)]
        return out


class RestrictedUnit(RestrictedProblem):
    """A block of bits of one unit, evaluated incrementally (see the module docstring)."""

    def __init__(self, parent: NetworkLandscape, free: Sequence[int], base) -> None:
        super().__init__(parent, free, base)
        enc, model = parent.encoding, parent.model
        unit = int(enc.unit_of_bit[self.free[0]])
        l, u, _q0, _q1, w0 = enc.units[unit]
        flat, layers, inputs, S0 = parent._forward_state(self.base)
        h = inputs[l][0]                                              # (m, fan_in) into the unit
        fan_in = h.shape[1]
        w_cleared = flat[w0 : w0 + fan_in + 1].copy()
        # the unit's weights with the block's bits cleared
        bits_here = self.base[self.free].astype(np.float64) * enc.coef[self.free]
        np.subtract.at(w_cleared, enc.weight_of_bit[self.free] - w0, bits_here)
        self._a0 = np.ascontiguousarray(h @ w_cleared[:fan_in] / np.sqrt(fan_in) + w_cleared[fan_in])
        col = enc.weight_of_bit[self.free] - w0                      # input index of each bit (fan_in: bias)
        # the block's columns of [h / sqrt(fan_in), 1] (not the whole matrix: one block's worth of copying)
        is_bias = col == fan_in
        G = np.ones((h.shape[0], col.size))
        G[:, ~is_bias] = h[:, col[~is_bias]] / np.sqrt(fan_in)
        self._G = G * enc.coef[self.free][None, :]                    # (m, b)
        self._model = model
        last = len(layers) - 1
        self._output = l == last
        if self._output:
            self._setup_output(S0, u)
        else:
            self._setup_hidden(layers, inputs, l, u)

    def _setup_output(self, S0: np.ndarray, u: int) -> None:
        p = self.parent
        y, C = p.y, S0.shape[1]
        m = S0.shape[0]
        kappa = p.margin if p.loss == "hinge" else 0.0
        # a sample's loss is f(c + s * max(L, a)) (see quark.encoding._network_kernels)
        if C == 1:
            self._c, self._s, self._L = np.full(m, kappa), -(2.0 * y - 1.0), np.full(m, -np.inf)
        else:
            rows = np.arange(m)
            is_u = y == u
            M = S0.copy()
            M[:, u] = -np.inf
            M[rows, y] = np.where(is_u, M[rows, y], -np.inf)
            best_other = M.max(axis=1)           # class-u samples: max over c != u; others: over c not in {y, u}
            self._c = np.where(is_u, kappa + best_other, kappa - S0[rows, y])
            self._s = np.where(is_u, -1.0, 1.0)
            self._L = np.where(is_u, -np.inf, best_other)
        self._mode = 1

    def _setup_hidden(self, layers, inputs, l: int, u: int) -> None:
        model, p = self._model, self.parent
        levels = model.activation_levels()
        table = np.empty((p.n_samples, levels.size))
        if l + 2 == len(layers):  # the last hidden layer: each level moves the scores along one column
            h_u = inputs[l + 1][0, :, u]
            out_w = layers[-1][0, :, u] / np.sqrt(layers[-1].shape[2] - 1)      # (C,)
            S0 = p._forward_state(self.base)[3]
            # every level at once: the same sums as level by level, one pass of the margins
            S = S0[None] + (levels[:, None] - h_u[None, :])[:, :, None] * out_w[None, None, :]
            table[:] = p.sample_losses(S).T
        else:
            for v_i, v in enumerate(levels):
                h = inputs[l + 1].copy()
                h[..., u] = v
                for j in range(l + 1, len(layers)):
                    a = model.pre_activation(layers[j], h)
                    h = a if j == len(layers) - 1 else model.activate(a)
                table[:, v_i] = p.sample_losses(h[0])
        self._mode, self._T = 0, table

    def _args(self):
        p = self.parent
        m = p.n_samples
        q = 0 if self._model.activation == "sign" else int(self._model.clip_levels)
        z = np.zeros(m)
        if self._mode == 0:
            return (self._a0, self._G, p.p, 0, q, self._T, z, z, z, p.loss == "hinge")
        return (self._a0, self._G, p.p, 1, q, np.zeros((m, 1)), self._c, self._s, self._L, p.loss == "hinge")

    def _losses_of_bits(self, bits):
        from quark.encoding._network_kernels import unit_losses

        return unit_losses(np.ascontiguousarray(bits, dtype=np.uint8), *self._args())

    def table(self, dtype=np.float64, *, max_memory=None, progress=None):
        """All ``2**b`` losses of the block, by doubling per sample (:mod:`quark.encoding._network_kernels`)."""
        from quark.encoding._network_kernels import unit_table
        from quark.encoding._tables import check_float_dtype, check_table_fits

        dt = check_float_dtype(dtype)
        check_table_fits(self.n_qubits, 16, f"the loss table of {self.n_qubits} qubits", max_memory)
        out = unit_table(*self._args())
        if progress is not None:
            progress(out.size)
        return out.astype(dt, copy=False)

    def _chunk_rows(self) -> int:
        return max(1, _PAIRS // self.parent.n_samples)
