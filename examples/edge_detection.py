"""Edge Detection: learn which full lines of a binary 3x3 image mean "edge", without gradients.

All 512 binary 3x3 images, labelled 1 when some row is full (the paper's rows task, 169 positives),
split into train and test with a fixed seed. The model is the paper's line detector: one weight per
line (3 rows, 3 columns, 2 diagonals) — 8 weight qubits, 256 weight settings; it fires when an
enabled line is full, so the right answer is "enable exactly the three rows". (The paper's "any
selected pixel" perceptron cannot express this task: its best accuracy on all 512 images, 0.670, is
the majority rate of always answering "no line".)

Trained three ways: Grover adaptive search (``optimizer="grover"``), the paper's amplitude
amplification over weights and data (``optimizer="quark"``, with data copies), and exhaustive
search — the exact optimum. Prints a table (train/test accuracy, oracle queries, measurements,
model evaluations, wall time) and saves three figures: the measured weight distribution against
accuracy, the convergence curve, and the learned weights drawn on the 3x3 grid.

Run: ``python examples/edge_detection.py [--out-dir figures] [--seed 0] [--copies 8]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from quark import QuarkClassifier
from quark.backends import get_backend
from quark.datasets import load_edge_detection, train_test_split
from quark.plot import plot_convergence, plot_weight_distribution, plot_weights_as_images
from quark.report import compare_searches, describe_success, markdown_table, success_over_seeds


def main(argv: list[str] | None = None) -> dict[str, QuarkClassifier]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default="figures", help="where the PNG figures go (default: ./figures)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the train/test split and every search (default 0)")
    parser.add_argument("--max-queries", type=int, default=None,
                        help="oracle-query budget of Grover search (default: 4.5 sqrt(2**n_qubits))")
    parser.add_argument("--copies", type=int, default=8, help="data copies of the paper's amplification (default 8)")
    parser.add_argument("--test-size", type=float, default=0.25, help="held-out fraction (default 0.25)")
    parser.add_argument("--trials", type=int, default=0,
                        help="also repeat the two quantum searches with seeds 0..TRIALS-1 and report how often "
                        "each reaches the optimum (default: 0, skip)")
    args = parser.parse_args(argv)

    X_all, y_all = load_edge_detection(size=3, lines="rows")
    X, X_test, y, y_test = train_test_split(X_all, y_all, test_size=args.test_size, random_state=args.seed)
    print(f"Edge Detection (rows), 3x3: all {len(X_all)} images ({int(y_all.sum())} with a full row), "
          f"split {len(X)} train / {len(X_test)} test (seed {args.seed})")

    searches = {
        "grover": QuarkClassifier(model="line-detector", optimizer="grover", max_queries=args.max_queries,
                                  random_state=args.seed),
        "quark": QuarkClassifier(model="line-detector", optimizer="quark", copies=args.copies, random_state=args.seed),
        "exhaustive": QuarkClassifier(model="line-detector", optimizer="exhaustive"),
    }
    t0 = time.perf_counter()
    rows = compare_searches(searches, X, y, X_test, y_test)
    rows = [(f"quark (copies={args.copies})" if r[0] == "quark" else r[0],) + r[1:] for r in rows]
    print(markdown_table(rows))
    best = searches["exhaustive"].score(X, y)
    for name in ("grover", "quark"):
        reached = searches[name].score(X, y) >= best
        names = searches[name].model_.weight_names(9)
        enabled = [n for n, w in zip(names, searches[name].weights_) if w]
        print(f"{name}: {'reaches' if reached else 'MISSES'} the exhaustive optimum's train accuracy {best:.3f}; "
              f"enabled lines: {', '.join(enabled) or 'none'}")
    perceptron = QuarkClassifier(model="perceptron", optimizer="exhaustive").fit(X_all, y_all)
    print(f"for comparison, the paper's pixel perceptron at its exact optimum on all {len(X_all)} images: "
          f"accuracy {perceptron.score(X_all, y_all):.3f} (the majority rate is {1 - y_all.mean():.3f})")

    if args.trials:
        for name in ("grover", "quark"):
            print(describe_success(name, success_over_seeds(searches[name], X, y, best, args.trials)))

    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    land = searches["exhaustive"].landscape(X, y)
    # the exact distribution the measured shots were drawn from, for comparison
    info = searches["quark"].result_.info
    exact = get_backend("statevector").joint_probabilities(land, info["iterations"], info["copies"])
    figures = {
        "edge_detection_distribution.png": plot_weight_distribution(
            searches["quark"], land, probabilities=exact, title=f"Edge Detection (rows): measured weights (quark, copies={args.copies}) "
            "vs accuracy"),
        "edge_detection_convergence.png": plot_convergence(
            {"grover": searches["grover"], "quark": searches["quark"], "exhaustive": searches["exhaustive"]},
            optimum=searches["exhaustive"].result_.loss, log_x=True, title="Edge Detection (rows): best training loss vs oracle queries"),
        "edge_detection_weights.png": plot_weights_as_images(searches),
    }
    for filename, fig in figures.items():
        fig.savefig(out / filename, dpi=120)
    print(f"figures saved to {out}/: {', '.join(figures)} (total {time.perf_counter() - t0:.1f} s)")
    return searches


if __name__ == "__main__":
    main()
