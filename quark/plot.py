"""Figures of searches and learned weights (matplotlib, no pyplot state: safe under Agg).

Every function takes results or fitted classifiers and returns a ``matplotlib.figure.Figure``
(drawn on ``ax`` when one is given), so scripts save them with ``fig.savefig("out.png")``.

- :func:`plot_weight_distribution` — measured weight settings against their training accuracy
  (the paper's picture: amplification biases measurements toward accurate weights).
- :func:`plot_convergence` — best loss so far against a ledger cost (oracle queries by default).
- :func:`plot_weights_as_images` — learned weights drawn on the image grid.
- :func:`plot_measurements_vs_accuracy` — accuracy reached against measurements paid, per method.
- :func:`plot_summary` — the three panels of one fit (used by ``quark fit --plot``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np

__all__ = [
    "measured_counts",
    "weight_images",
    "plot_weight_distribution",
    "plot_convergence",
    "plot_weights_as_images",
    "plot_measurements_vs_accuracy",
    "plot_summary",
]

# Keys under which optimizers leave what they measured in ``SearchResult.info``.
_COUNT_KEYS = ("counts", "measured_counts", "measurements")
_DIST_KEYS = ("empirical_distribution", "distribution", "measured_distribution")


def _new_axes(ax=None, *, figsize=(6.0, 4.0)):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _result_of(obj):
    """A ``SearchResult`` from a result or a fitted ``QuarkClassifier``."""
    if hasattr(obj, "ledger") and hasattr(obj, "history"):
        return obj
    if hasattr(obj, "result_"):
        return obj.result_
    raise TypeError(f"expected a SearchResult or a fitted QuarkClassifier; got {type(obj).__name__}")


def measured_counts(result, n_qubits: int | None = None) -> np.ndarray:
    """How often each weight setting was measured, as a dense array of length ``2**n_qubits``.

    Reads the counts or the empirical distribution an optimizer stores in ``result.info``
    (``QuarkSearch`` does; a dict ``{index or bit string: count}`` or a dense array).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(ledger=None, history=[], info={"counts": {0: 3, 2: 1}}, bits=np.zeros(2))
    >>> measured_counts(r).tolist()
    [3.0, 0.0, 1.0, 0.0]
    """
    result = _result_of(result)
    n = len(result.bits) if n_qubits is None else int(n_qubits)
    info = result.info or {}
    raw = next((info[k] for k in _COUNT_KEYS + _DIST_KEYS if k in info and info[k] is not None), None)
    if raw is None:
        raise ValueError(
            "this result holds no measured distribution (info has none of "
            f"{list(_COUNT_KEYS + _DIST_KEYS)}); optimizer='quark' records one"
        )
    out = np.zeros(1 << n, dtype=np.float64)
    if isinstance(raw, Mapping):
        for key, value in raw.items():
            idx = int(key, 2) if isinstance(key, str) else int(key)  # bit strings as qiskit prints them
            out[idx] += float(value)
    else:
        arr = np.asarray(raw, dtype=np.float64)
        if arr.ndim != 1 or arr.size != out.size:
            raise ValueError(f"the measured distribution must have 2**{n} = {out.size} entries; got shape {arr.shape}")
        out[:] = arr
    return out


def plot_weight_distribution(result, landscape, *, ax=None, probabilities=None, title: str | None = None):
    """Measured frequency of every weight setting against its training accuracy.

    Parameters
    ----------
    result : SearchResult or fitted QuarkClassifier
        A search that measured weight settings (``optimizer="quark"``).
    landscape : LossLandscape
        The training landscape (``clf.landscape(X, y)``), which gives each setting's accuracy.
    ax : matplotlib Axes, optional
    probabilities : array of length ``2**n_qubits``, optional
        The exact measurement distribution, drawn as a curve over accuracy for comparison
        (e.g. ``StatevectorBackend().joint_probabilities(landscape, iterations, copies)``).
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    res = _result_of(result)
    n = landscape.n_qubits
    counts = measured_counts(res, n)
    freq = counts / max(counts.sum(), 1.0)
    acc = landscape.correct_counts(np.arange(1 << n)) / landscape.n_samples
    fig, ax = _new_axes(ax)
    best = acc >= acc.max() - 1e-12
    ax.scatter(acc[~best], freq[~best], s=14, alpha=0.6, label="weight settings")
    ax.scatter(acc[best], freq[best], s=40, marker="*", color="C3", label=f"optimal ({int(best.sum())})")
    if probabilities is not None:
        probs = np.asarray(probabilities, dtype=float).ravel()
        if probs.size != acc.size:
            raise ValueError(f"'probabilities' must have 2**{n} = {acc.size} entries; got {probs.size}")
        # the joint oracle's probability depends on a setting's accuracy only: one value per level
        levels, first = np.unique(acc, return_index=True)
        ax.plot(levels, probs[first], color="C2", lw=1.2, label="exact probability")
    ax.axhline(1.0 / acc.size, color="grey", ls="--", lw=1, label="uniform (no amplification)")
    ax.set_xlabel("training accuracy of the weight setting")
    ax.set_ylabel(f"measured frequency ({int(counts.sum())} shots)")
    copies = (res.info or {}).get("copies")
    ax.set_title(textwrap.fill(title or "Measured weights vs accuracy" + (f" (copies={copies})" if copies else ""), 60))
    ax.legend(fontsize=8)
    return fig


def plot_convergence(
    results, *, x: str = "oracle_queries", ax=None, optimum: float | None = None, log_x: bool = False,
    title: str | None = None,
):
    """Best loss found so far against a cost from the ledger history.

    Parameters
    ----------
    results : mapping of label -> SearchResult or fitted QuarkClassifier
    x : str
        The ledger field on the x axis (``"oracle_queries"``, ``"shots"``, ``"model_evaluations"``...).
        A result that never paid this cost (e.g. exhaustive search has no oracle queries) is drawn
        as a horizontal reference line at its final loss.
    optimum : float, optional
        The true minimum, drawn as a dotted line.
    log_x : bool
        A symmetric-log x axis (searches of very different costs on one plot).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from quark.optimizers import ExhaustiveSearch
    >>> fig = plot_convergence({"exhaustive": ExhaustiveSearch().minimize([1.0, 0.0])}, x="model_evaluations")
    >>> fig.axes[0].get_xlabel()
    'model evaluations'
    """
    if not isinstance(results, Mapping):
        raise TypeError("'results' must be a mapping {label: SearchResult or fitted QuarkClassifier}")
    fig, ax = _new_axes(ax)
    x_max = 0.0
    for i, (label, obj) in enumerate(results.items()):
        hist = _result_of(obj).history
        if not hist:
            continue
        if x not in hist[-1]:
            raise ValueError(f"'x' must be a ledger field such as 'oracle_queries'; got {x!r}")
        xs = np.array([h[x] for h in hist], dtype=float)
        ys = np.array([h["best_loss"] for h in hist], dtype=float)
        x_max = max(x_max, float(xs.max()))
        if xs[-1] == 0:  # drawn over the optimum line (dashes): both stay visible where they coincide
            ax.axhline(ys[-1], color=f"C{i}", ls=(0, (5, 3)), lw=2.2, zorder=4,
                       label=f"{label} (no {x.replace('_', ' ')})")
            continue
        # a step curve: the best loss holds until the next improvement
        if xs.size == 1:  # one measurement round: a single point, not a curve
            ax.plot(xs, ys, "D", color=f"C{i}", ms=6, label=label)
            continue
        ax.step(np.r_[xs, xs[-1]], np.r_[ys, ys[-1]], where="post", color=f"C{i}", label=label)
        ax.plot(xs, ys, "o", color=f"C{i}", ms=3)
    if optimum is not None:
        ax.axhline(optimum, color="k", ls=":", lw=1.2, zorder=2, label="optimum")
    if log_x:  # symlog: a search's first, query-free measurement sits at 0
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(0, max(x_max, 1.0) * 2.0)
    ax.set_xlabel(x.replace("_", " "))
    ax.set_ylabel("best training loss so far")
    ax.set_title(textwrap.fill(title or "Convergence", 60))
    ax.legend(fontsize=8)
    return fig


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


def _problem_names(clf, problem) -> tuple[tuple[str, str], str]:
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
                names, title = _problem_names(obj, problem)
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


def plot_measurements_vs_accuracy(runs, *, ax=None, log_x: bool = True, title: str | None = None):
    """Accuracy reached against measurements paid, one curve (or point) per method.

    For comparing Quark's searches with each other and with gradient baselines on one axis: the
    paper's headline metric is the number of measurements needed to reach near-optimal weights.

    Parameters
    ----------
    runs : mapping of label -> sequence of ``(measurements, accuracy)`` pairs, or of
        ``(fitted QuarkClassifier or SearchResult, accuracy)`` pairs (measurements read from the
        ledger's ``shots``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_measurements_vs_accuracy({"grover": [(40, 0.9), (80, 1.0)], "sgd": [(1000, 0.95)]})
    >>> len(fig.axes[0].lines)
    2
    """
    if not isinstance(runs, Mapping):
        raise TypeError("'runs' must be a mapping {label: [(measurements, accuracy), ...]}")
    fig, ax = _new_axes(ax)
    for i, (label, points) in enumerate(runs.items()):
        pts = []
        for shots, acc in points:
            if not isinstance(shots, (int, float, np.integer, np.floating)):
                shots = _result_of(shots).ledger.shots
            pts.append((float(shots), float(acc)))
        pts.sort()
        xs, ys = zip(*pts) if pts else ((), ())
        ax.plot(xs, ys, "o-", color=f"C{i}", label=label, ms=4)
    if log_x:
        ax.set_xscale("log")
    ax.set_xlabel("measurements (shots)")
    ax.set_ylabel("accuracy")
    ax.set_title(title or "Accuracy vs measurements")
    ax.legend(fontsize=8)
    return fig


def plot_summary(clf, X, y, *, title: str | None = None, feature_names=None):
    """One fit in three panels (see :func:`quark.plot_summary.plot_summary`)."""
    from quark.plot_summary import plot_summary as _plot_summary

    return _plot_summary(clf, X, y, title=title, feature_names=feature_names)
