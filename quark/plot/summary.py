"""The summary figure of one fit (``quark fit --plot``): where the weights stand, what the search measured,
the weights themselves.

Any number of classes and any kind of search: the measured distribution or the accuracy of every
setting (small registers), else the confusion matrix; the best loss against oracle queries (one line
per problem), the loss of every annealing read, or of every setting the amplification measured; the
weights on the image grid for square inputs, else as bars (two classes) or a heat map (several
problems) labelled with the feature names.
"""

from __future__ import annotations

import textwrap

import numpy as np

from quark.estimators.preprocessing import RangeScaler
from quark.plot.search import plot_convergence, plot_weight_distribution
from quark.plot.weights import plot_weights_as_images, problem_names

__all__ = ["plot_summary"]

#: Features drawn in the weights panel of inputs with no image form (the largest weights first).
MAX_BARS = 15


def _search_panel(clf, ax) -> None:
    """What the search measured, by kind of search: best loss against oracle queries (Grover and block
    searches, one line per problem), the loss of every read (annealing), or of every measured setting
    (the paper's amplification, which measures once)."""
    results = clf.results_
    names = [problem_names(clf, p)[1] or clf._optimizer_name() for p in clf.problems_]
    led = clf.result_.ledger
    reads = [r.info.get("read_losses") for r in results]
    counts = [r.info.get("counts") for r in results]
    if led.oracle_queries and all(c is None for c in counts):
        for i, (res, name) in enumerate(zip(results[:10], names[:10])):
            xs = np.array([h["oracle_queries"] for h in res.history], dtype=float)
            ys = np.array([h["best_loss"] for h in res.history], dtype=float)
            ax.step(np.r_[xs, xs[-1]], np.r_[ys, ys[-1]], where="post", color=f"C{i % 10}", lw=1.2,
                    label=name if len(results) > 1 else None)
        ax.set_xlabel("oracle queries")
        ax.set_ylabel("best training loss so far")
        ax.set_title(textwrap.fill(f"{clf._optimizer_name()}: best loss against queries"
                                   + (f" ({len(results)} problems" + (", first 10)" if len(results) > 10 else ")")
                                      if len(results) > 1 else ""), 50), fontsize=10)
        if len(results) > 1:
            ax.legend(fontsize=6, ncol=2, loc="best", framealpha=0.6)
        return
    if any(r is not None for r in reads):
        losses = np.concatenate([np.asarray(r) for r in reads if r is not None])
        ax.hist(losses, bins=40, color="C1", alpha=0.8)
        best = float(np.min([r.loss for r in results]))
        ax.axvline(best, color="C3", lw=2, label=f"returned (loss {best:.4g})")
        ax.set_xlabel("true training loss of each read")
        ax.set_ylabel("reads")
        ax.set_title("Annealing: the loss of every read", fontsize=10)
        ax.legend(fontsize=8)
        return
    if any(c for c in counts):
        loss_of, times = [], []
        for res, c in zip(results, counts):
            if c:
                idx = np.fromiter(c.keys(), dtype=np.int64)
                loss_of.append(clf_landscape_losses(res, idx))
                times.append(np.fromiter(c.values(), dtype=np.float64))
        ax.hist(np.concatenate(loss_of), bins=40, weights=np.concatenate(times), color="C2", alpha=0.8)
        ax.axvline(float(results[0].loss), color="C3", lw=2, label="best measured (returned)")
        ax.set_xlabel("training loss of each measured setting")
        ax.set_ylabel("shots")
        ax.set_title("The amplification: what each shot measured", fontsize=10)
        ax.legend(fontsize=8)
        return
    plot_convergence({clf._optimizer_name(): clf}, x="model_evaluations", ax=ax)


def clf_landscape_losses(result, indices: np.ndarray) -> np.ndarray:
    """The training loss of measured settings, read from the search's own record."""
    per = result.info.get("measured_losses")
    if per is not None:
        return np.array([per[int(i)] for i in indices])
    return np.full(indices.size, float(result.loss))


def _confusion_panel(clf, X, y, ax) -> None:
    from sklearn.metrics import confusion_matrix

    pred = clf.predict(X)
    cm = confusion_matrix(y, pred, labels=clf.classes_)
    ax.imshow(cm, cmap="Blues")
    n = len(clf.classes_)
    for (r, c), v in np.ndenumerate(cm):
        ax.text(c, r, str(v), ha="center", va="center", fontsize=8 if n <= 10 else 6,
                color="white" if v > cm.max() / 2 else "black")
    ticks = [str(c) for c in clf.classes_]
    ax.set_xticks(range(n), ticks, fontsize=7, rotation=90 if n > 10 else 0)
    ax.set_yticks(range(n), ticks, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(f"Training data: {np.mean(pred == np.asarray(y)):.3f} right", fontsize=10)


def plot_summary(clf, X, y, *, title: str | None = None, feature_names=None):
    """One fit in three panels: where the learned weights stand, what the search measured, the weights.

    Panel 1: the measured distribution over accuracy (the paper's amplification), else — for a small
    two-class register (at most 16 qubits) — the accuracy of every weight setting with the learned one
    marked, else the confusion matrix of the training data. Panel 2: the best loss against oracle
    queries (Grover and block searches), the loss of every read (annealing), or of every measured
    setting (the amplification). Panel 3: the weights on the image grid (square inputs), captioned
    with the class names.

    Parameters
    ----------
    clf : fitted QuarkClassifier
    X, y : training data
    feature_names : list of str, optional
        Labels of the weights panel for inputs with no image form (default: ``clf.feature_names_in_``
        when it was fitted on a DataFrame, else ``x0, x1, ...``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(14.0, 4.4), layout="constrained")
    sub = fig.subfigures(1, 3, width_ratios=[1.1, 1.1, 0.9])
    ax0 = sub[0].add_subplot()
    single = len(clf.results_) == 1 and np.ndim(clf.bits_) == 1
    land = clf.landscape(X, y) if single and clf.encoding_.n_qubits <= 16 else None
    if land is not None and land.n_qubits != clf.encoding_.n_qubits:
        land = None
    try:
        if land is None:
            raise ValueError("no landscape to draw")
        plot_weight_distribution(clf, land, ax=ax0)
    except ValueError:
        if land is not None:  # no measured distribution: where the found weights sit in the landscape
            acc = land.correct_counts(np.arange(1 << land.n_qubits)) / land.n_samples
            ax0.hist(acc, bins=min(40, 1 + len(np.unique(acc))), color="C0", alpha=0.7)
            found = float(np.mean(clf.predict(X) == np.asarray(y)))
            ax0.axvline(found, color="C3", lw=2, label=f"learned ({found:.3f})")
            ax0.set_xlabel("training accuracy")
            ax0.set_ylabel("weight settings")
            ax0.set_title(f"Accuracy of all {1 << land.n_qubits:,} weight settings", fontsize=10)
            ax0.legend(fontsize=8)
        else:
            _confusion_panel(clf, X, y, ax0)
    _search_panel(clf, sub[1].add_subplot())
    names = feature_names if feature_names is not None else getattr(clf, "feature_names_in_", None)
    # named columns are drawn by name unless they are pixels; unnamed square inputs as images
    pixels = names is None or all(str(n).startswith("pixel") for n in names)
    try:
        if not pixels:
            raise ValueError("named features")
        plot_weights_as_images({"learned": clf}, fig=sub[2], max_panels=4, max_columns=2)
    except ValueError:  # no image form: the weights by feature name
        _weights_panel(clf, sub[2].add_subplot(), names)
    if title:
        fig.suptitle(textwrap.fill(title, 110), fontsize=11)
    return fig


def _weights_panel(clf, ax, feature_names=None) -> None:
    """The learned feature weights by name: bars for one problem, a heat map for several."""
    d = clf.n_features_in_
    names = list(feature_names) if feature_names is not None else [
        str(n) for n in getattr(clf, "feature_names_in_", [f"x{j}" for j in range(d)])]
    W = np.atleast_2d(np.asarray(clf.weights_, dtype=np.float64))
    if W.shape[-1] < d:  # models whose weights are not one per feature (line detector, MLP, stumps...)
        ax.set_axis_off()
        ax.text(0.5, 0.5, f"{W.shape[-1]} weights of model {clf.model_.name!r}\n(not one per feature)",
                ha="center", va="center")
        return
    W = W[..., :d]
    order = np.argsort(-np.abs(W).max(axis=0), kind="stable")[:MAX_BARS]
    labels = [names[j] for j in order]
    if W.shape[0] == 1:
        w = W[0, order]
        ax.barh(range(len(order)), w, color=np.where(w >= 0, "C3", "C0"))
        ax.set_yticks(range(len(order)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.axvline(0, color="k", lw=0.6)
        positive = str(clf.classes_[1])
        ax.set_xlabel(textwrap.fill(f"weight (positive: evidence for {positive!r})", 40), fontsize=8)
    else:
        rows = [problem_names(clf, p)[1] or str(p) for p in clf.problems_][:20]
        top = float(np.abs(W[:20][:, order]).max()) or 1.0
        ax.imshow(W[:20][:, order], cmap="RdBu_r", vmin=-top, vmax=top, aspect="auto")
        ax.set_xticks(range(len(order)), labels, fontsize=6, rotation=90)
        ax.set_yticks(range(len(rows)), rows, fontsize=6)
    shown = f"the {len(order)} largest of {d}" if d > len(order) else f"all {d}"
    scaler = getattr(clf, "scaler_", None)
    scaled = "" if scaler is None else (" (divided by their training maximum)" if isinstance(scaler, RangeScaler)
                                        else " (standardized)")
    ax.set_title(textwrap.fill(f"Learned weights, {shown} features{scaled}", 40), fontsize=10)
