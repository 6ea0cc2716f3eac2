"""A quantized multi-layer network: hidden layers of low-bit weights, one output unit per class.

Layer ``l`` maps its input ``h`` (the standardized features for the first layer) to

    a = W h / sqrt(fan_in) + b,        h' = act(a)

with every weight of ``W`` on the layer's levels over ``[-1, 1]`` (1 bit: ±1; ``"ternary"``:
{-1, 0, 1}; k bits: ``2**k`` evenly spaced levels) and every bias on ``bias_bits``-bit levels over
``[-1, 1]``. Dividing by ``sqrt(fan_in)`` keeps pre-activations of order one whatever the width, so
one bias range and one margin serve every layer. Hidden units use ``act``; the output layer is
linear: one score per class (argmax), or one score for two classes (positive: class 1).

Activations that suit a search over bits have few output levels: ``"sign"`` (±1, ``sign(0) = +1``)
or ``"clip"``, a clipped linear unit quantized to ``2 * clip_levels + 1`` levels in ``[-1, 1]`` (rounding
half up). Ties within :data:`TIE` go up, whatever order the additions ran in.
A hidden unit then changes a sample's loss only through which level it outputs on it: the fact the
block search's incremental landscapes are built on (:mod:`quark.encoding.network`).
"""

from __future__ import annotations

import numpy as np

from quark._validation import check_choice, check_int
from quark.models.base import QuantizedModel

__all__ = ["QuantizedMLP", "ACTIVATIONS", "TIE"]

ACTIVATIONS = ("sign", "clip")
#: Pre-activations within this of a step (0 for sign, a half level for clip) count as past it: ties are
#: common on low-bit weights (sums of a few levels) and must not depend on the order of the additions.
TIE = 1e-9


def _check_bits(value, name: str):
    if isinstance(value, str):
        if value != "ternary":
            raise ValueError(f"'{name}' must be a number of bits (1-8) or 'ternary'; got {value!r}")
        return value
    return check_int(value, name, minimum=1, maximum=8)


class QuantizedMLP(QuantizedModel):
    """A network of quantized weights with hidden layers (see the module docstring).

    Parameters
    ----------
    hidden : int or tuple of int, default=(32,)
        Hidden units per hidden layer.
    bits : int, "ternary" or tuple, optional
        Weights per layer (hidden layers, then the output layer): bits per weight (1 = ±1) or
        ``"ternary"``; one value for every layer. Default: 2 bits (the classifier's ``weight_bits``
        sets every layer when given).
    bias_bits : int, default=4
        Bits of every bias (levels over ``[-1, 1]``).
    activation : {"sign", "clip"}, default="sign"
        Hidden activation: ±1, or the clipped linear unit on ``2 * clip_levels + 1`` levels.
    clip_levels : int, default=2
        Levels per side of ``"clip"``.
    n_outputs : int, optional
        Output units: 1 for two classes, one per class otherwise. Default: from the labels
        (:meth:`prepare`), 1 before.
    hinge_margin : float or "auto", default="auto"
        Training: the margin of the hinge loss on the output scores (of order one; at most
        ``sqrt(fan_in) + 1``). ``"auto"``: 0.25 with one output unit, 3.0 with one per class
        (measured: docs/networks.md — a wide margin keeps many classes from being memorized).
    blocks : {"unit", "layer", "random"}, default="unit"
        Training: how the block search groups the weight bits — within one unit (the incremental
        landscape), within one layer, or anywhere (both: a full forward pass per candidate).

    Weights, flat, layer after layer, unit after unit: unit ``u`` of layer ``l`` holds its
    ``fan_in`` input weights then its bias.

    Examples
    --------
    >>> import numpy as np
    >>> m = QuantizedMLP(hidden=2, bits=1, bias_bits=1)
    >>> m.n_weights(2)                       # 2 x (2 + 1) hidden, 1 x (2 + 1) output
    9
    >>> W = np.array([[1, 1, -1,  -1, -1, -1,   1, -1, -1]])
    >>> m.decision(W, np.array([[2.0, 2.0], [-2.0, -2.0]])).round(3).tolist()
    [[0.414, -2.414]]
    """

    name = "quantized-mlp"
    weight_kind = "fixed"
    default_weight_bits = 2
    binary_input = False
    linear = False
    network = True

    def __init__(self, hidden=(32,), bits=None, bias_bits: int = 4, activation: str = "sign",
                 clip_levels: int = 2, n_outputs: int | None = None, hinge_margin: float | str = "auto",
                 blocks: str = "unit") -> None:
        self.hidden = hidden
        self.bits = bits
        self.bias_bits = bias_bits
        self.activation = activation
        self.clip_levels = clip_levels
        self.n_outputs = n_outputs
        self.hinge_margin = hinge_margin
        self.blocks = blocks

    # -- structure --------------------------------------------------------------------------------
    def hidden_sizes(self) -> tuple[int, ...]:
        h = (self.hidden,) if isinstance(self.hidden, (int, np.integer)) else tuple(self.hidden)
        if not h:
            raise ValueError("'hidden' must name at least one hidden layer; got ()")
        return tuple(check_int(v, "hidden") for v in h)

    def layers(self, n_features: int) -> list[tuple[int, int]]:
        """``(fan_in, fan_out)`` of every layer, hidden ones first, the output layer last."""
        if n_features < 1:
            raise ValueError(f"model 'quantized-mlp' needs at least 1 feature; got {n_features}")
        check_choice(self.activation, "activation", ACTIVATIONS)
        check_int(self.clip_levels, "clip_levels")
        check_int(self.bias_bits, "bias_bits", maximum=8)
        sizes = (int(n_features),) + self.hidden_sizes() + (self.outputs(),)
        self.layer_bits(len(sizes) - 1)
        return list(zip(sizes[:-1], sizes[1:]))

    def outputs(self) -> int:
        return 1 if self.n_outputs is None else check_int(self.n_outputs, "n_outputs")

    def layer_bits(self, n_layers: int) -> list:
        """Bits per weight of each layer (an int or ``"ternary"``)."""
        b = self.default_weight_bits if self.bits is None else self.bits
        if isinstance(b, (str, int, np.integer)):
            return [_check_bits(b, "bits")] * n_layers
        b = tuple(b)
        if len(b) != n_layers:
            raise ValueError(f"'bits' must give one value per layer ({n_layers}: hidden layers, then the output); "
                             f"got {len(b)}")
        return [_check_bits(v, f"bits[{i}]") for i, v in enumerate(b)]

    def n_weights(self, n_features: int) -> int:
        return sum(o * (i + 1) for i, o in self.layers(n_features))

    def prepare(self, X: np.ndarray, y: np.ndarray, sample_weight=None) -> "QuantizedMLP":
        """A copy with ``n_outputs`` set from the labels (class indices ``0..C-1``) when not given."""
        if self.n_outputs is not None:
            return self
        n_classes = int(np.max(y)) + 1 if len(y) else 2
        return type(self)(**{**self.get_params(), "n_outputs": 1 if n_classes <= 2 else n_classes})

    def training_margin(self) -> float:
        """The hinge margin the search trains with (``hinge_margin``, ``"auto"`` resolved)."""
        if isinstance(self.hinge_margin, str):
            if self.hinge_margin != "auto":
                raise ValueError(f"'hinge_margin' must be a non-negative number or 'auto'; got {self.hinge_margin!r}")
            return 0.25 if self.outputs() == 1 else 3.0
        return float(self.hinge_margin)

    def activation_levels(self) -> np.ndarray:
        """The values a hidden unit can output, ascending."""
        if self.activation == "sign":
            return np.array([-1.0, 1.0])
        q = self.clip_levels
        return np.arange(-q, q + 1, dtype=np.float64) / q

    def activate(self, a: np.ndarray) -> np.ndarray:
        """The hidden activation of pre-activations ``a`` (any shape)."""
        if self.activation == "sign":
            return np.where(a >= -TIE, 1.0, -1.0)
        q = self.clip_levels
        return np.clip(np.floor(a * q + (0.5 + TIE)), -q, q) / q

    def level_index(self, a: np.ndarray) -> np.ndarray:
        """Which of :meth:`activation_levels` each pre-activation gives (``int8``)."""
        if self.activation == "sign":
            return (a >= -TIE).astype(np.int8)
        q = self.clip_levels
        return (np.clip(np.floor(a * q + (0.5 + TIE)), -q, q) + q).astype(np.int8)

    # -- forward pass -----------------------------------------------------------------------------
    def unpack(self, W: np.ndarray, n_features: int) -> list[np.ndarray]:
        """Per layer ``(B, fan_out, fan_in + 1)``: input weights, then the bias in the last column."""
        W = np.atleast_2d(np.asarray(W, dtype=np.float64))
        out, start = [], 0
        for i, o in self.layers(n_features):
            stop = start + o * (i + 1)
            out.append(W[:, start:stop].reshape(W.shape[0], o, i + 1))
            start = stop
        if start != W.shape[1]:
            raise ValueError(f"'W' must have {start} weights per row for {n_features} features; got {W.shape[1]}")
        return out

    @staticmethod
    def pre_activation(layer: np.ndarray, h: np.ndarray) -> np.ndarray:
        """``a = W h / sqrt(fan_in) + b`` for layer ``(B, out, in + 1)`` and inputs ``(B or 1, m, in)``."""
        fan_in = layer.shape[2] - 1
        return np.einsum("bmi,boi->bmo", h, layer[:, :, :fan_in]) / np.sqrt(fan_in) + layer[:, None, :, fan_in]

    def forward(self, W: np.ndarray, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's output ``(B, m, fan_out)``: the hidden activations, then the scores."""
        X = np.asarray(X, dtype=np.float64)
        h = X[None]
        outs = []
        layers = self.unpack(W, X.shape[1])
        for l, layer in enumerate(layers):
            a = self.pre_activation(layer, h)
            h = a if l == len(layers) - 1 else self.activate(a)
            outs.append(h)
        return outs

    def scores(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Output scores ``(B, m, n_outputs)``."""
        return self.forward(W, X)[-1]

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        if self.outputs() != 1:
            raise ValueError(f"this network has {self.outputs()} output units (one per class): use scores(W, X)")
        return self.scores(W, X)[..., 0]

    def class_scores(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Scores ``(m, n_outputs)`` of one flat weight vector ``W``."""
        return self.scores(np.asarray(W)[None], X)[0]

    def weight_names(self, n_features: int) -> list[str]:
        names = []
        for l, (i, o) in enumerate(self.layers(n_features)):
            for u in range(o):
                names += [f"W{l}[{u},{j}]" for j in range(i)] + [f"b{l}[{u}]"]
        return names
