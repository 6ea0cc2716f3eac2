"""Block searches on Aer circuits against the exact kernel: the counting oracle on each block's restriction.

A block search hands each inner Grover search the problem restricted to its block (the other bits
fixed at the incumbent). On Aer each block runs the coherent counting oracle of that restriction
(the frozen weights as per-sample data; docs/oracles.md). For each task and seed this fits
``QuarkClassifier(optimizer="block", optimizer_options={"block_size": B, "inner_options":
{"backend": ...}})`` once with inner searches on Aer circuits and once on the exact kernel (same
seed, same settings), and reports: the losses reached, whether they are equal, whether each reached
the global optimum (an exhaustive fit of the same task), the oracles the Aer blocks ran, the oracle
queries of both and the wall time.

Second, the inner searches alone: ``GroverAdaptiveSearch`` on ``--restrictions`` random restrictions
(random blocks of ``B`` bits, random frozen bits) of each task's landscape, seeds 0..2, on Aer and
on the exact kernel: how often each reaches the restriction's optimum (its loss table's minimum).

Tasks: the paper's Tiny-MNIST 3x3 perceptron (digits 6 / 7, 39 distinct images, 10 weight qubits),
the same with ``class_weight="balanced"`` and ``alpha=0.05``, and the ``line-detector`` on the 3x3
edge-detection task (8 weight qubits, subsampled to 64 images).

Run::

    python benchmarks/aer_blocks.py --seeds 10      # about 3 minutes on 2 busy cores (the figures in docs/oracles.md)
    python benchmarks/aer_blocks.py --seeds 3 --block-size 3
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np


def tasks():
    from quark.datasets import load_edge_detection, load_tiny_mnist

    X, y = load_tiny_mnist(size=3, dedupe=True)
    Xe, ye = load_edge_detection(size=3)
    return [
        ("tiny-mnist 3x3 perceptron", X, y, {"model": "perceptron"}),
        ("tiny-mnist 3x3 perceptron, balanced, alpha=0.05", X, y,
         {"model": "perceptron", "class_weight": "balanced", "alpha": 0.05}),
        ("edge 3x3 line-detector (64 images)", Xe[::8], ye[::8], {"model": "line-detector"}),
    ]


def fit(X, y, settings, seed, optimizer="block", **options):
    from quark import QuarkClassifier

    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = QuarkClassifier(random_state=seed, optimizer=optimizer, optimizer_options=options or None,
                              **settings).fit(X, y)
    return clf.result_, time.perf_counter() - t


def inner_searches(n_restrictions: int, block_size: int) -> None:
    from quark.encoding import LossLandscape
    from quark.optimizers import GroverAdaptiveSearch

    print(f"\ninner Grover searches on {n_restrictions} random restrictions of {block_size} bits x seeds 0..2")
    print("| task | searches | optimum reached (Aer / kernel) | oracle queries (Aer / kernel) | Aer oracle | time s (Aer / kernel) |")
    print("|---|---|---|---|---|---|")
    for name, X, y, settings in tasks():
        weight = None
        if settings.get("class_weight") == "balanced":
            weight = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
        land = LossLandscape(settings["model"], None, X, y, sample_weight=weight, alpha=settings.get("alpha", 0.0))
        rng = np.random.default_rng(5)
        hits, queries, secs, kinds, n = {"aer": 0, "statevector": 0}, {"aer": 0, "statevector": 0}, \
            {"aer": 0.0, "statevector": 0.0}, set(), 0
        for _ in range(n_restrictions):
            sub = land.restrict(rng.choice(land.n_qubits, block_size, replace=False), rng.integers(0, 2, land.n_qubits))
            best = sub.table().min()
            for seed in range(3):
                n += 1
                for backend in hits:
                    opts = {"aer_options": {"max_parallel_threads": 1}} if backend == "aer" else {}
                    t = time.perf_counter()
                    with warnings.catch_warnings():  # a missed optimum is what the table counts
                        warnings.simplefilter("ignore")
                        res = GroverAdaptiveSearch(backend=backend, backend_options=opts, random_state=seed).minimize(sub)
                    secs[backend] += time.perf_counter() - t
                    hits[backend] += abs(res.loss - best) < 1e-12
                    queries[backend] += res.ledger.oracle_queries
                    if backend == "aer":
                        kinds.add(res.info["oracle"])
        print(f"| {name} | {n} | {hits['aer']}/{n} / {hits['statevector']}/{n} | {queries['aer']} / "
              f"{queries['statevector']} | {', '.join(sorted(kinds))} | {secs['aer']:.1f} / {secs['statevector']:.1f} |",
              flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--block-size", type=int, default=4)
    ap.add_argument("--restrictions", type=int, default=25, help="random restrictions for the inner searches (0: skip)")
    args = ap.parse_args(argv)
    aer_inner = {"backend": "aer", "backend_options": {"aer_options": {"max_parallel_threads": 1}}}
    print(f"block_size={args.block_size}, seeds 0..{args.seeds - 1}")
    print("| task | seed | Aer loss | kernel loss | same | optimum (Aer / kernel) | Aer oracles | queries (Aer / kernel) "
          "| time s (Aer / kernel) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, X, y, settings in tasks():
        best, _ = fit(X, y, settings, 0, optimizer="exhaustive")
        same = hits_aer = hits_kernel = 0
        for seed in range(args.seeds):
            aer, ta = fit(X, y, settings, seed, block_size=args.block_size, inner_options=aer_inner)
            ker, tk = fit(X, y, settings, seed, block_size=args.block_size, inner_options={"backend": "statevector"})
            eq = abs(aer.loss - ker.loss) < 1e-12
            oa, ok = abs(aer.loss - best.loss) < 1e-12, abs(ker.loss - best.loss) < 1e-12
            same, hits_aer, hits_kernel = same + eq, hits_aer + oa, hits_kernel + ok
            oracles = ", ".join(f"{k}: {v}" for k, v in aer.info["oracles"].items())
            print(f"| {name} | {seed} | {aer.loss:.6g} | {ker.loss:.6g} | {'yes' if eq else 'no'} | "
                  f"{'yes' if oa else 'no'} / {'yes' if ok else 'no'} | {oracles} | "
                  f"{aer.ledger.oracle_queries} / {ker.ledger.oracle_queries} | {ta:.1f} / {tk:.1f} |", flush=True)
        print(f"| **{name}** | all | | | {same}/{args.seeds} | {hits_aer}/{args.seeds} / {hits_kernel}/{args.seeds} "
              f"(optimum {best.loss:.6g}) | | | |", flush=True)
    if args.restrictions:
        inner_searches(args.restrictions, args.block_size)


if __name__ == "__main__":
    main()
