"""Digits (8x8, all 10 classes, all 64 pixels): Quark's defaults against LogisticRegression and QBoost.

scikit-learn's handwritten digits, split 60/40 (stratified, seed 0). ``QuarkClassifier(random_state=0)``
fits one two-class problem per pair of digits (45 problems): a linear model with 4-bit weights on
the 64 standardized pixels (65 weights, 260 weight qubits), started from the rounded ridge solution
and searched block-wise by Grover adaptive search, 16 qubits a block. Side by side on the same split:
scikit-learn's LogisticRegression and D-Wave's QBoost recipe (decision stumps chosen by a QUBO solved
by simulated annealing), one-vs-one like Quark, with 20 annealing reads per QUBO, a fifth of the recipe's 100
(``benchmarks/real_data.py`` runs it at 100).

It prints a table (test accuracy, fit time, what each paid) and saves three figures: the confusion
matrix on the test images, each digit's learned weights as an 8x8 image (the sum of its nine
one-vs-one weight vectors, signed toward the digit), and the best training loss against oracle
queries across the block sweeps of the hardest pair.

Run: ``python examples/digits.py [--out-dir figures] [--seed 0]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np


def class_maps(clf) -> dict[str, np.ndarray]:
    """Per digit: its one-vs-one weight vectors summed, each signed toward the digit (the bias dropped)."""
    maps = {int(c): np.zeros(clf.n_features_in_) for c in clf.classes_}
    for fit, (a, b) in zip(clf.fits_, clf.problems_):
        w = np.asarray(fit.weights, dtype=np.float64)[: clf.n_features_in_]
        maps[b] += w           # the pair's positive class is the second digit
        maps[a] -= w
    return {f"digit {c}": m for c, m in maps.items()}


def main(argv: list[str] | None = None) -> dict:
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import ConfusionMatrixDisplay
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from quark import QuarkClassifier
    from quark.baselines import QBoostClassifier
    from quark.plot import plot_convergence
    from quark.report import markdown_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default="figures", help="where the PNG figures go (default: ./figures)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the split and every search (default 0)")
    args = parser.parse_args(argv)

    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.4, stratify=y, random_state=args.seed)
    print(f"digits, 8x8: {len(Xtr)} training and {len(Xte)} test images, 10 classes, 64 pixels")

    t_all = time.perf_counter()
    methods = {
        "Quark (defaults: Grover, block-wise)": QuarkClassifier(random_state=args.seed),
        "LogisticRegression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        "QBoost recipe (one-vs-one, 20 reads)": QBoostClassifier("ovo", reads=20, random_state=args.seed),
    }
    rows = []
    for name, est in methods.items():
        t0 = time.perf_counter()
        est.fit(Xtr, ytr)
        seconds = time.perf_counter() - t0
        ledger = getattr(est, "ledger_", None) or getattr(getattr(est, "result_", None), "ledger", None)
        paid = "-" if ledger is None else (f"{ledger.oracle_queries:,} oracle queries" if ledger.oracle_queries
                                           else f"{ledger.annealer_reads:,} annealer reads")
        rows.append((name, f"{est.score(Xte, yte):.4f}", f"{seconds:.1f}", paid))
    print(markdown_table(rows, columns=("method", "test acc", "fit s", "search cost")))

    quark = methods["Quark (defaults: Grover, block-wise)"]
    rates = [r.info["inner_reached_optimum"] for r in quark.results_ if r.info.get("inner_reached_optimum") is not None]
    steps = sum(r.info.get("block_steps", 0) for r in quark.results_)
    led = quark.result_.ledger
    print(f"Quark: {len(quark.fits_)} pair problems, {steps} block steps; the inner Grover search reached its "
          f"block's optimum in {np.mean(rates):.1%} of them (the exact kernel's count of settings below each result); "
          f"{led.compile_evaluations:,} sample reads for the ridge starts, {led.model_evaluations:,} model evaluations")

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(5.5, 5.0), layout="constrained")
    ConfusionMatrixDisplay.from_predictions(yte, quark.predict(Xte), ax=fig.add_subplot(), colorbar=False,
                                            cmap="Blues")
    fig.axes[0].set_title(f"Quark on the test digits: {quark.score(Xte, yte):.3f} right")
    figures = {"digits_confusion.png": fig}

    fig = Figure(figsize=(11.0, 1.9), layout="constrained")
    maps = class_maps(quark)
    top = max(float(np.abs(m).max()) for m in maps.values())
    axes = fig.subplots(1, 10)
    for ax, (label, m) in zip(axes, maps.items()):
        im = ax.imshow(m.reshape(8, 8), cmap="RdBu_r", vmin=-top, vmax=top)
        ax.set_title(label, fontsize=9)
        ax.set_axis_off()
    fig.colorbar(im, ax=axes, shrink=0.8, label="summed weight")
    fig.suptitle("Learned weights per digit: its nine one-vs-one weight vectors, signed toward it "
                 "(red: ink here is evidence for the digit)", fontsize=10)
    figures["digits_weights.png"] = fig

    hardest = int(np.argmax([r.loss for r in quark.results_]))
    res = quark.results_[hardest]
    a, b = quark.problems_[hardest]
    fig = plot_convergence({f"{a} vs {b}": res}, title=f"Hardest pair ({a} vs {b}): best training loss against "
                           "oracle queries, block sweeps marked")
    ax = fig.axes[0]
    for sweep in res.info["sweeps"]:  # where each sweep over all blocks ended
        ax.axvline(sweep["oracle_queries"], color="0.6", ls=":", lw=0.8, zorder=1)
    ax.text(0.98, 0.97, f"{len(res.info['sweeps'])} sweeps (dotted: where each ended);\nthe last improved nothing",
            transform=ax.transAxes, ha="right", va="top", fontsize=8, color="0.3")
    figures["digits_convergence.png"] = fig

    for filename, fig in figures.items():
        fig.savefig(out / filename, dpi=120)
    print(f"figures saved to {out}/: {', '.join(figures)} (total {time.perf_counter() - t_all:.1f} s)")
    return methods


if __name__ == "__main__":
    main()
