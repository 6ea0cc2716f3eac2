"""Where a Grover search on Aer spends its time, and Tiny-MNIST 3x3 solved on Aer circuits.

Two parts, each measured side by side in this one process (the machine is shared: compare the
ratios, not absolute seconds across runs):

1. *One Grover call, taken apart* (``--profile``): for the Tiny-MNIST 3x3 perceptron at ``k``
   rounds, the seconds of each stage — building the oracle, the pass manager and transpiling the
   pieces (once per backend and oracle), building the ``k``-round circuit and converting it for Aer
   (once per round count), and the call itself (binding, simulation, sampling) — for the backend
   as it was (``compact=False, lean=False``: the hardware-form oracle through ``SamplerV2``), with
   the direct execution path only (``lean=True``), and with the simulator forms (``compact=True``).
2. *Grover adaptive search* (default settings: BBHT 6/5, 4.5 sqrt(N) queries) on the paper's
   perceptron with 10 weight qubits, over ``--seeds`` seeds per configuration, interleaved:
   seconds per solve (each solve builds its backend, as ``GroverAdaptiveSearch(backend="aer",
   ...)`` does; one untimed warm-up solve first), whether the exhaustive optimum was reached, oracle
   queries, circuits and circuit qubits.

Run::

    python benchmarks/aer_speed.py                       # profile + 3 seeds x 3 configurations, ~5 min
    python benchmarks/aer_speed.py --configs compact --seeds 5
    python benchmarks/aer_speed.py --configs hardware --seeds 1 --no-profile   # the old path, ~1-2 min/solve
    python benchmarks/aer_speed.py --subset train         # the 36 patterns of the bundled training split
    python benchmarks/aer_speed.py --all-images --configs compact --seeds 1 --no-profile   # 1,000 images
"""

from __future__ import annotations

import argparse
import time

import numpy as np

#: configuration name -> AerBackend options
CONFIGS = {
    "hardware": {"compact": False, "lean": False},  # the backend before issue 16
    "lean": {"compact": False},  # hardware-form oracle, direct execution
    "compact": {"compact": True},  # simulator forms + direct execution
    "cheapest": {"compact": True, "oracle": "cheapest"},  # the tabulated oracle where it is smaller
}


def landscape(subset: str, all_images: bool):
    from quark.datasets import load_tiny_mnist
    from quark.encoding import LossLandscape

    X, y = load_tiny_mnist(digits=(6, 7), size=3, subset=subset, dedupe=not all_images)
    return LossLandscape("perceptron", None, X, y)


def profile(land, k: int, configs: list[str]) -> None:
    from qiskit_aer.backends.aer_compiler import assemble_circuit

    from quark.backends.aer import AerBackend

    AerBackend(aer_options={"max_parallel_threads": 1}).sample_threshold([1.0, 0.0], 0.5, 1, 1, np.random.default_rng(0))  # warm-up
    table = land.table()
    threshold = float(np.unique(table)[3])
    print(f"\n## One call at k={k} rounds (threshold {threshold:.4f}), seconds\n")
    print("| configuration | oracle (qubits) | build oracle | transpile A and Q | k-round circuit + Aer conversion | call (bind, simulate, sample) |")
    print("|---|---|---|---|---|---|")
    for name in configs:
        be = AerBackend(aer_options={"max_parallel_threads": 1}, **CONFIGS[name])
        t0 = time.perf_counter()
        orc = be.threshold_oracle(land)
        qc, _, _ = orc.at(threshold)
        t1 = time.perf_counter()
        be.sample_threshold(land, threshold, 0, 1, np.random.default_rng(0))  # transpiles A and Q (k = 0 runs A only)
        t2 = time.perf_counter()
        be.sample_threshold(land, threshold, k, 1, np.random.default_rng(1))
        pieces = next(v[0] for key, v in be._transpiled.items() if key[0] == "rounds" and key[-1] == k)
        t = time.perf_counter()
        if CONFIGS[name].get("lean", True):  # once per round count: replay the recorded conversions
            be._runner._assembled.clear()
            be._runner._prepare(pieces)
        else:  # SamplerV2: the QuantumCircuit once, Aer's conversion on every call
            pieces._circuit = None
            assemble_circuit(pieces.circuit())
        convert = time.perf_counter() - t
        calls = []
        for rep in range(2):
            t = time.perf_counter()
            be.sample_threshold(land, threshold, k, 1, np.random.default_rng(2 + rep))
            calls.append(time.perf_counter() - t)
        print(f"| {name} | {orc.kind} ({qc.num_qubits}) | {t1 - t0:.3f} | {t2 - t1:.3f} | {convert:.3f} | {min(calls):.3f} |",
              flush=True)


def solves(land, configs: list[str], seeds: int) -> None:
    from quark.optimizers import GroverAdaptiveSearch

    best = float(land.table().min())
    print(f"\n## GroverAdaptiveSearch, {land.n_qubits} weight qubits, {land.n_samples} samples (optimum loss {best:.4f})\n")
    for name in configs:  # warm-up: imports, Qiskit's pass-manager plugins, Aer's first run
        GroverAdaptiveSearch(backend="aer", random_state=99, max_queries=8,
                             backend_options={"aer_options": {"max_parallel_threads": 1}, **CONFIGS[name]}).minimize(land)
    rows: dict[str, list] = {name: [] for name in configs}
    for seed in range(seeds):
        for name in configs:
            opt = GroverAdaptiveSearch(backend="aer", random_state=seed,
                                       backend_options={"aer_options": {"max_parallel_threads": 1}, **CONFIGS[name]})
            t = time.perf_counter()
            res = opt.minimize(land)
            dt = time.perf_counter() - t
            be = opt._backend()
            orc = be.threshold_oracle(land)
            qubits = orc.circuit.num_qubits if orc.circuit is not None else orc.n_weights
            rows[name].append((res.loss == best, dt, res.ledger.oracle_queries, res.ledger.circuit_executions, orc.kind, qubits))
            print(f"  seed {seed} {name}: {dt:.2f} s, optimum {res.loss == best}", flush=True)
    print("\n| configuration | oracle | qubits (widest) | optimum reached | median oracle queries | median circuits | median s / solve | ratio to hardware |")
    print("|---|---|---|---|---|---|---|---|")
    ref = np.median([r[1] for r in rows["hardware"]]) if rows.get("hardware") else None
    for name, got in rows.items():
        med = float(np.median([r[1] for r in got]))
        ratio = f"{ref / med:.1f}x" if ref else "-"
        print(f"| {name} | {got[0][4]} | {got[0][5]} | {sum(r[0] for r in got)}/{len(got)} | {np.median([r[2] for r in got]):.0f} | "
              f"{np.median([r[3] for r in got]):.0f} | {med:.2f} | {ratio} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--configs", nargs="+", default=["hardware", "compact", "cheapest"], choices=list(CONFIGS))
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--k", type=int, default=4, help="rounds of the profiled call")
    ap.add_argument("--subset", default="all", choices=["all", "train", "test"],
                    help="'all': the paper's 39 deduplicated patterns; 'train': 36")
    ap.add_argument("--all-images", action="store_true", help="every image, not deduplicated (1,000 for 'all')")
    ap.add_argument("--no-profile", action="store_true")
    args = ap.parse_args()
    land = landscape(args.subset, args.all_images)
    if not args.no_profile:
        profile(land, args.k, [c for c in ("hardware", "lean", "compact", "cheapest") if c in args.configs or c == "lean"])
    if args.seeds:
        solves(land, args.configs, args.seeds)


if __name__ == "__main__":
    main()
