"""Figures of learned weights: each model's weights drawn on the image grid."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np

__all__ = ["weight_images", "problem_names", "plot_weights_as_images"]


def weight_images(model, weights, n_features: int) -> list[tuple[np.ndarray, str]]:
    """The learned weights of a model as ``(image, caption)`` pairs on the ``s x s`` pixel grid.

    Each model says how its weights draw (:meth:`~quark.models.QuantizedModel.weight_images`):
    perceptrons the selected pixels (polarity in the caption), line detectors how many enabled lines
    cover each pixel, linear models the weight of each pixel, sign MLPs one image per hidden unit.

    Examples
    --------
    >>> from quark.models import LineDetector
    >>> img, caption = weight_images(LineDetector(), [1, 0, 0, 0, 0, 0, 0, 0], 9)[0]
    >>> img.astype(int).tolist(), caption
    ([[1, 1, 1], [0, 0, 0], [0, 0, 0]], 'lines: row0')
    """
    from quark.models import get_model

    return [(w.image, w.caption) for w in get_model(model).weight_images(weights, n_features)]


def problem_names(clf, problem) -> tuple[tuple[str, str], str]:
    """Class names (negative, positive) and a title for one of a classifier's two-class problems."""
    if problem is None:
        c0, c1 = (str(c) for c in clf.classes_)
        return (c0, c1), ""
    if isinstance(problem, tuple) and len(problem) == 2:
        return (str(problem[0]), str(problem[1])), f"{problem[0]} vs {problem[1]}"
    return ("rest", str(problem)), f"{problem} vs rest"


def plot_weights_as_images(classifiers, *, fig=None, n_features: int | None = None, max_panels: int = 12,
                           max_columns: int = 6):
    """Draw the learned weights of fitted classifiers side by side on the image grid.

    Parameters
    ----------
    classifiers : mapping of label -> fitted QuarkClassifier (or ``(model, weights)`` pairs)
        A classifier of several classes draws one picture per two-class problem (per class for the
        native model), captioned with the class names.
    fig : matplotlib Figure, optional
        Drawn into (cleared first); default a new one.
    n_features : int, optional
        Needed for ``(model, weights)`` pairs; read from ``n_features_in_`` otherwise.
    max_panels, max_columns : int
        Draw at most this many pictures, in rows of at most this many.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if not isinstance(classifiers, Mapping):
        raise TypeError("'classifiers' must be a mapping {label: fitted QuarkClassifier}")
    from quark.models import get_model

    panels: list[tuple[str, np.ndarray, str, bool, tuple]] = []
    for label, obj in classifiers.items():
        if hasattr(obj, "fits_"):  # a fitted classifier: one picture per two-class problem
            d = obj.n_features_in_
            for fit, problem in zip(obj.fits_, obj.problems_):
                names, title = problem_names(obj, problem)
                weights = np.atleast_2d(fit.weights)
                units = [(weights[0], names, title)] if weights.shape[0] == 1 else [
                    (weights[c], ("rest", str(cls)), f"{label}: class {cls}") for c, cls in enumerate(obj.classes_)]
                for w, cnames, ttl in units:
                    for pic in fit.model.weight_images(w, d, cnames):
                        panels.append((ttl if ttl else str(label), pic.image, pic.caption, pic.signed, pic.strokes))
            continue
        model, weights = obj
        if n_features is None:
            raise ValueError("'n_features' is needed when weights are given as (model, weights) pairs")
        for pic in get_model(model).weight_images(weights, n_features):
            panels.append((str(label), pic.image, pic.caption, pic.signed, pic.strokes))
    panels = panels[:max_panels]
    if fig is None:
        from matplotlib.figure import Figure

        cols = min(len(panels), max_columns)
        rows = -(-len(panels) // cols)
        fig = Figure(figsize=(2.3 * cols + 0.5, 2.9 * rows), layout="constrained")
    else:
        fig.clear()
    if not panels:
        raise ValueError("nothing to draw")
    cols = min(len(panels), max_columns)
    axes = np.atleast_1d(fig.subplots(-(-len(panels) // cols), cols)).ravel()
    for ax in axes[len(panels):]:
        ax.set_axis_off()
    for ax, (label, img, caption, signed, strokes) in zip(axes, panels):
        vmax = (float(np.abs(img).max()) or 1.0) if signed else max(float(np.abs(img).max()), 1.0)
        cmap, vmin = ("RdBu_r", -vmax) if signed else ("Greys", 0.0)
        if strokes:  # line detectors: the enabled lines as strokes over a light pixel grid
            ax.imshow(np.zeros_like(img), cmap="Greys", vmin=0, vmax=1)
            for (r0, c0), (r1, c1) in strokes:
                ax.plot([c0, c1], [r0, r1], color="C3", lw=6, alpha=0.7, solid_capstyle="round")
            ax.set_xlim(-0.5, img.shape[1] - 0.5)
            ax.set_ylim(img.shape[0] - 0.5, -0.5)
            for k in range(1, img.shape[0]):
                ax.axhline(k - 0.5, color="lightgrey", lw=0.8)
                ax.axvline(k - 0.5, color="lightgrey", lw=0.8)
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(f"{label}\n{textwrap.fill(caption, 28)}", fontsize=8)
            continue
        ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax)
        if img.size <= 25:  # small grids carry their values; larger ones only their colours
            for (r, c), v in np.ndenumerate(img):
                shade = abs(v) / vmax if signed else (v - vmin) / (vmax - vmin)
                ax.text(c, r, f"{v:.2g}", ha="center", va="center", fontsize=8,
                        color="white" if shade > 0.6 else "black")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{label}\n{textwrap.fill(caption, 28)}", fontsize=8)
    return fig

