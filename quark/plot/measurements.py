"""The paper's comparison figure: accuracy reached against measurements paid, per method."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from quark.plot.axes import new_axes, result_of

__all__ = ["plot_measurements_vs_accuracy"]


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
    fig, ax = new_axes(ax)
    for i, (label, points) in enumerate(runs.items()):
        pts = []
        for shots, acc in points:
            if not isinstance(shots, (int, float, np.integer, np.floating)):
                shots = result_of(shots).ledger.shots
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

