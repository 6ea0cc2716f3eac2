"""Tiny-MNIST (6 vs 7, 3x3 pixels): train the paper's binary perceptron without gradients.

Run: ``python examples/tiny_mnist.py``
"""

from __future__ import annotations

from quark import QuarkClassifier
from quark.datasets import load_tiny_mnist


def main() -> None:
    X, y = load_tiny_mnist(digits=(6, 7), size=3, subset="train", dedupe=True)
    X_test, y_test = load_tiny_mnist(digits=(6, 7), size=3, subset="test")
    print(f"Tiny-MNIST 6 vs 7, 3x3: {len(X)} unique training patterns, {len(X_test)} test images")
    for optimizer in ("exhaustive",):
        clf = QuarkClassifier(model="perceptron", optimizer=optimizer, random_state=0).fit(X, y)
        led = clf.result_.ledger
        print(
            f"{optimizer:>10}: train acc {clf.score(X, y):.3f}  test acc {clf.score(X_test, y_test):.3f}  "
            f"weights {clf.weights_.tolist()}  oracle queries {led.oracle_queries}  shots {led.shots}  "
            f"model evaluations {led.model_evaluations}  wall {led.wall_time_s:.3f}s"
        )


if __name__ == "__main__":
    main()
