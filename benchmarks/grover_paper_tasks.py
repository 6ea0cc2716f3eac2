"""GroverAdaptiveSearch on the paper's tasks: how often it reaches the exhaustive optimum.

Edge Detection (3x3, rows; line detector, 8 weight qubits, all 512 images) and Tiny-MNIST (6 vs 7,
3x3, deduplicated; perceptron with polarity bit, 10 weight qubits), default settings (statevector
kernel, 4.5 sqrt(N) queries), one seed per run.

    python benchmarks/grover_paper_tasks.py               # 300 seeds per task, ~1-2 min
"""

from __future__ import annotations

import argparse

import numpy as np

from quark.backends.statevector import StatevectorBackend
from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape
from quark.optimizers import ExhaustiveSearch, GroverAdaptiveSearch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=300)
    args = ap.parse_args()
    tasks = {
        "edge detection 3x3 rows, line-detector": LossLandscape("line-detector", None, *load_edge_detection(lines="rows")),
        "tiny-mnist 6v7 3x3 dedupe, perceptron": LossLandscape(
            "perceptron", None, *load_tiny_mnist(digits=(6, 7), size=3, dedupe=True)
        ),
    }
    print(f"{'task':>40} {'qubits':>6} {'optima':>6} {'success':>7} {'first/sqrtN':>11} {'checks/exhaustive':>17}")
    for name, land in tasks.items():
        exact = ExhaustiveSearch().minimize(land)
        backend = StatevectorBackend()
        runs = [GroverAdaptiveSearch(backend=backend, random_state=s).minimize(land) for s in range(args.seeds)]
        ok = np.array([r.loss == exact.loss for r in runs])
        first = np.array([r.info["queries_at_best"] for r in runs])[ok] / np.sqrt(2**land.n_qubits)
        evals = np.mean([r.ledger.model_evaluations for r in runs]) / exact.ledger.model_evaluations
        print(f"{name:>40} {land.n_qubits:>6} {exact.info['n_optima']:>6} {ok.mean():7.3f} "
              f"{np.median(first):11.2f} {evals:17.3f}", flush=True)


if __name__ == "__main__":
    main()
