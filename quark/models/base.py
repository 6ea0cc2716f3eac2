"""The quantized-model interface: a forward pass over many weight settings at once, and its hooks.

Everything above the models (landscapes, exports, oracles, plots) asks a model what it is through
the hooks defined here — never by its type:

- :meth:`QuantizedModel.decision` — scores ``(B, m)`` of a batch of weight settings on samples;
- :meth:`~QuantizedModel.features` — linear models: ``score = features(X) @ w``;
- :meth:`~QuantizedModel.reversible_form` — the gated-OR circuit form of Boolean models (oracles);
- :meth:`~QuantizedModel.or_form` — the same structure as bit masks (the fast loss-table kernel);
- :meth:`~QuantizedModel.quadratic_surrogate` — a quadratic stand-in of the loss (annealing);
- :meth:`~QuantizedModel.weight_images` — how learned weights draw on the image grid (plots);
- :meth:`~QuantizedModel.prepare` — parameters set from the training data before any search (stumps);
- :meth:`~QuantizedModel.auto_loss`, :meth:`~QuantizedModel.fits_weight_scale` — what the classifier's
  ``"auto"`` settings mean for this model.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from quark._images import square_side
from quark._params import ParamsMixin

if TYPE_CHECKING:  # pragma: no cover
    from quark.models.circuits import GatedOrForm

__all__ = ["QuantizedModel", "WeightImage", "WeightQuadratic"]


@dataclass(frozen=True)
class WeightImage:
    """One picture of learned weights: an ``s x s`` array, a caption, how to colour it.

    ``signed``: draw with a diverging colour map (weights of both signs). ``strokes``: line
    segments ``((row0, col0), (row1, col1))`` drawn over the grid (enabled lines of a detector).
    """

    image: np.ndarray
    caption: str
    signed: bool = False
    strokes: tuple = ()


@dataclass(frozen=True)
class WeightQuadratic:
    """A quadratic function of the weight vector: ``offset + linear @ w + w @ quadratic @ w``.

    ``quadratic`` is symmetric. Built by :meth:`QuantizedModel.quadratic_surrogate`; the encoding
    layer turns it into a QUBO over the weight bits.
    """

    offset: float
    linear: np.ndarray
    quadratic: np.ndarray
    description: str

    def __call__(self, W: np.ndarray) -> np.ndarray:
        W = np.atleast_2d(np.asarray(W, dtype=np.float64))
        return self.offset + W @ self.linear + np.einsum("bi,ij,bj->b", W, self.quadratic, W)


class QuantizedModel(ParamsMixin, ABC):
    """A classifier whose weights are quantized, evaluated for a batch of weight settings.

    Subclasses implement :meth:`n_weights` and :meth:`decision`; everything else follows.
    The forward pass takes a *batch of weight vectors* ``W`` (shape ``(B, n_weights)``) and a
    batch of samples ``X`` (shape ``(m, n_features)``) and returns scores of shape ``(B, m)``:
    the model predicts class 1 where the score is positive, class 0 elsewhere.

    Class attributes
    ----------------
    name : str
        The string name accepted by :func:`quark.models.get_model` and the classifier.
    weight_kind : {"binary", "spin", "fixed"}
        The weight encoding the model is defined on (see :func:`quark.encoding.weight_encoding`).
    default_weight_bits : int or None
        Bits per weight by default (fixed point only).
    binary_input : bool
        Whether features must be 0/1 (Boolean models).
    linear : bool
        Whether the score is affine in the weights (``score = features(X) @ w``), which makes the
        squared loss an exact QUBO.
    reversible_condition : str or None
        When the model has a reversible-circuit form, the condition under which it does.
    network : bool
        Whether the model is one network for all classes (hidden layers shared by one output unit per
        class), fitted whole rather than as two-class problems.
    """

    name: ClassVar[str]
    weight_kind: ClassVar[str] = "binary"
    default_weight_bits: ClassVar[int | None] = None
    binary_input: ClassVar[bool] = True
    linear: ClassVar[bool] = False
    network: ClassVar[bool] = False
    reversible_condition: ClassVar[str | None] = None

    @abstractmethod
    def n_weights(self, n_features: int) -> int:
        """Number of weights for ``n_features`` input features (raises if unsupported)."""

    @abstractmethod
    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Scores ``(B, m)`` for weight vectors ``W`` ``(B, n_weights)`` on samples ``X`` ``(m, d)``."""

    # -- derived ----------------------------------------------------------------------------------
    def predict(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Predicted classes (0/1, ``uint8``) of shape ``(B, m)``."""
        return (self.decision(W, X) > 0).astype(np.uint8)

    def margin(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Real-valued confidence ``(B, m)`` with the sign of :meth:`decision` (probabilities are
        calibrated from it). Default: the score itself; Boolean models count how much fires."""
        return np.asarray(self.decision(W, X), dtype=np.float64)

    def class_scores(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        """Scores ``(m, n_classes)`` of a multi-class fit (argmax wins). Default: one unit per class,
        ``W`` of shape ``(n_classes, n_weights)``."""
        return self.margin(W, X).T

    def features(self, X: np.ndarray) -> np.ndarray:
        """Linear models only: ``Phi`` with ``score = Phi @ w`` (shape ``(m, n_weights)``)."""
        raise NotImplementedError(f"model {self.name!r} is not linear in its weights")

    def weight_names(self, n_features: int) -> list[str]:
        """A readable name per weight (for plots and reports)."""
        return [f"w{j}" for j in range(self.n_weights(n_features))]

    def check_features(self, X: np.ndarray) -> None:
        """Raise ``ValueError`` when ``X`` cannot be fed to this model."""
        self.n_weights(X.shape[1])
        if self.binary_input and X.size and not np.isin(X, (0, 1)).all():
            raise ValueError(
                f"model {self.name!r} needs binary (0/1) features in 'X'; got other values: threshold them first "
                "(e.g. X > X.mean(axis=0); QuarkClassifier does so itself with binarize='auto' or True)"
            )

    # -- hooks ------------------------------------------------------------------------------------
    def reversible_form(self, n_features: int) -> "GatedOrForm":
        """The gated-OR reversible-circuit form (:mod:`quark.models.circuits`), or a ``ValueError``
        naming the models that have one."""
        from quark.models.registry import model_classes

        have = ", ".join(f"{cls.name!r} ({cls.reversible_condition})" for cls in model_classes().values()
                         if getattr(cls, "reversible_condition", None))
        raise ValueError(f"model {self.name!r} has no reversible circuit form; models with one: {have}")

    def or_form(self, X: np.ndarray) -> tuple[np.ndarray, int] | None:
        """The gated-OR structure as bit masks, for the bit-level loss-table kernel; ``None`` without one.

        Returns ``(masks, polarity_bit)``: ``masks[i]`` has bit ``g`` set when sample ``i`` enables
        gate weight ``g`` (some term of gate ``g`` fires on it); ``polarity_bit`` is the weight index
        of the polarity bit (``-1``: none). Derived from :meth:`reversible_form`, so the circuit
        and the kernel share one description of the model.
        """
        try:
            form = self.reversible_form(X.shape[1])
        except ValueError:
            return None
        if form.n_gates > 62:  # masks are int64
            return None
        u = form.gate_features(X).astype(np.int64)
        masks = u @ (np.int64(1) << np.arange(form.n_gates, dtype=np.int64))
        return masks, (-1 if form.polarity is None else int(form.polarity))

    def prepare(self, X: np.ndarray, y: np.ndarray, sample_weight=None) -> "QuantizedModel":
        """The model ready for this training data: itself, or a fitted copy for models with parameters
        set before any search (decision stumps choose their thresholds here)."""
        return self

    def auto_loss(self) -> str:
        """The loss ``loss="auto"`` trains: ``"squared"`` for linear models whose weights are not spins (the
        squared loss is then an exact QUBO), ``"zero_one"`` otherwise. Override to choose another."""
        return "squared" if self.linear and self.weight_kind != "spin" else "zero_one"

    def fits_weight_scale(self) -> bool:
        """Whether the classifier fits the scale of the quantized weights (the ridge start and the scale
        alternation, ``alpha="auto"``): linear models with k-bit or ternary weights. Override to opt in or out."""
        return bool(self.linear and self.weight_kind in ("fixed", "ternary"))

    def penalized(self, n_features: int) -> np.ndarray:
        """Which weights a ridge penalty (``alpha``) applies to: all but a bias (bool per weight)."""
        return np.ones(self.n_weights(n_features), dtype=bool)

    def quadratic_surrogate(self, X: np.ndarray, y: np.ndarray, sample_weight=None) -> WeightQuadratic | None:
        """A quadratic function of the weights whose low values are good weights, or ``None``.

        Linear models: the (weighted) squared loss of the score against the ±1 targets (exact for
        ``loss="squared"``). Annealing uses it where the exact loss polynomial is too large; the
        true loss of every sample is still what is reported.
        """
        if not self.linear:
            return None
        phi = np.asarray(self.features(X), dtype=np.float64)
        t = 2.0 * np.asarray(y, dtype=np.float64) - 1.0
        sw = np.ones(phi.shape[0]) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        W = sw.sum()
        wphi = phi * (sw / W)[:, None]
        return WeightQuadratic(float((sw * t) @ t / W), -2.0 * (t @ wphi), phi.T @ wphi,
                               "squared loss on the linear score")

    def weight_images(self, weights, n_features: int, class_names=("0", "1")) -> list[WeightImage]:
        """The learned weights as pictures on the ``s x s`` pixel grid (square inputs only).

        ``class_names`` are the labels of classes 0 and 1, for captions. Default (linear models): the
        weight of each pixel (positive votes for ``class_names[1]``), the bias in the caption.
        """
        w = np.asarray(weights, dtype=float).ravel()
        s = _side(n_features)
        if not self.linear:
            raise ValueError(f"no image form for model {self.name!r}")
        bias = f", bias {w[n_features]:+.2f}" if w.size > n_features else ""
        return [WeightImage(w[:n_features].reshape(s, s), f"red votes {class_names[1]}, blue {class_names[0]}{bias}",
                            signed=True)]

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash((type(self), tuple(sorted(vars(self).items()))))


def _side(n_features: int) -> int:
    s = square_side(n_features)
    if s is None:
        raise ValueError(f"weights can be drawn as images only for square inputs; got {n_features} features")
    return s


def _as_float(X: np.ndarray) -> np.ndarray:
    return np.asarray(X, dtype=np.float32)


def _boolean_score(out: np.ndarray) -> np.ndarray:
    """Map a Boolean output to the ±1 score the losses use."""
    return out.astype(np.float32) * 2.0 - 1.0
