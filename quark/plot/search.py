"""Figures of one search: what it measured, and how its best loss fell with the cost paid."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

import numpy as np

from quark.plot.axes import new_axes, result_of

__all__ = ["measured_counts", "plot_weight_distribution", "plot_convergence"]

# Keys under which optimizers leave what they measured in ``SearchResult.info``.
_COUNT_KEYS = ("counts", "measured_counts", "measurements")

_DIST_KEYS = ("empirical_distribution", "distribution", "measured_distribution")


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
    result = result_of(result)
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
    res = result_of(result)
    n = landscape.n_qubits
    counts = measured_counts(res, n)
    freq = counts / max(counts.sum(), 1.0)
    acc = landscape.correct_counts(np.arange(1 << n)) / landscape.n_samples
    fig, ax = new_axes(ax)
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
    fig, ax = new_axes(ax)
    x_max = 0.0
    for i, (label, obj) in enumerate(results.items()):
        hist = result_of(obj).history
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

