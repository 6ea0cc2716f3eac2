"""The largest Grover searches on the exact kernel: wall time and peak memory (RSS).

A binary perceptron (the paper's Tiny-MNIST model: ``n - 1`` pixel weights and a polarity bit)
on ``m`` random binary samples labelled by a planted perceptron with 10% label noise, so the
optimum is a non-trivial setting among ``2**n``. Two modes, one per process so that each peak
RSS is its own:

* ``search`` (default): ``GroverAdaptiveSearch`` with the closed form. The kernel builds the
  compact count table (1 byte per setting: 1 GiB at 30 qubits) once, then every round costs a
  histogram lookup and one 65536-entry chunk scan.
* ``explicit``: a few Grover rounds on the explicit float32 statevector (4 bytes per setting plus
  a 1-byte mask), timed per round, checked against the closed form.

    python benchmarks/grover_largest.py --n 30                        # ~1.5-2 min, 1.4 GiB peak
    python benchmarks/grover_largest.py --mode explicit --n 28 --rounds 2
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from quark.backends.statevector import StatevectorBackend
from quark.encoding import LossLandscape
from quark.optimizers import GroverAdaptiveSearch


def peak_rss_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # ru_maxrss is in KiB on Linux


def planted_landscape(n: int, m: int, seed: int) -> LossLandscape:
    rng = np.random.default_rng(seed)
    d = n - 1
    X = (rng.random((m, d)) < 0.15).astype(np.uint8)  # sparse images: the OR of few pixels
    w = (rng.random(d) < 0.3).astype(np.uint8)
    y = ((X @ w) > 0).astype(np.uint8) ^ (rng.random(m) < 0.1).astype(np.uint8)
    return LossLandscape("perceptron", None, X, y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("search", "explicit"), default="search")
    ap.add_argument("--n", type=int, default=30, help="weight qubits")
    ap.add_argument("--m", type=int, default=64, help="training samples")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=2, help="explicit mode: Grover rounds to time")
    args = ap.parse_args()

    land = planted_landscape(args.n, args.m, args.seed)
    N = 2**args.n
    print(f"{args.n} weight qubits (N = {N:,}), m = {args.m} samples; start RSS {peak_rss_gib():.2f} GiB", flush=True)
    if args.mode == "search":
        backend = StatevectorBackend()
        t0 = time.perf_counter()
        backend.marked_count(land, 1.0)  # builds and caches the count table (what the first round would do)
        t_table = time.perf_counter() - t0
        print(f"count table: {t_table:.1f} s, peak RSS {peak_rss_gib():.2f} GiB", flush=True)
        t0 = time.perf_counter()
        res = GroverAdaptiveSearch(backend=backend, random_state=args.seed).minimize(land)
        t_search = time.perf_counter() - t0
        led = res.ledger
        print(f"search: {t_search:.1f} s after the table; {res.info['rounds']} rounds, "
              f"{led.oracle_queries:,} oracle queries = {led.oracle_queries / np.sqrt(N):.2f} sqrt(N); "
              f"queries at best {res.info['queries_at_best']:,}")
        n_opt = backend.marked_count(land, np.nextafter(res.loss, np.inf)) - res.info["n_marked_final"]
        print(f"best loss {res.loss:.4f}; settings below it: {res.info['n_marked_final']} "
              f"(reached optimum: {res.info['reached_optimum']}); settings at it: {n_opt:,}")
        print(f"model evaluations {led.model_evaluations:,} vs exhaustive {N * args.m:,} "
              f"({N * args.m / led.model_evaluations:,.0f}x fewer)")
        print(f"total wall time {t_table + t_search:.1f} s; peak RSS {peak_rss_gib():.2f} GiB")
    else:
        backend = StatevectorBackend(method="statevector")
        thr = float(np.median(land.evaluate_indices(np.random.default_rng(0).integers(0, N, 64))))
        t0 = time.perf_counter()
        n_marked = backend.marked_count(land, thr)  # builds the count table
        print(f"count table: {time.perf_counter() - t0:.1f} s; {n_marked:,} settings below the threshold; "
              f"peak RSS {peak_rss_gib():.2f} GiB", flush=True)
        theta = np.arcsin(np.sqrt(n_marked / N))
        p = np.sin((2 * args.rounds + 1) * theta) ** 2
        on, off = p / n_marked, (1 - p) / (N - n_marked)
        data = backend._data(backend._problem(land))
        key = data.key(thr)
        t0 = time.perf_counter()
        amps = backend._threshold_amplitudes(data, key, args.rounds)
        t_rounds = time.perf_counter() - t0
        err = 0.0
        for s0 in range(0, N, 1 << 22):  # compare with the closed form chunk by chunk
            a2 = amps[s0 : s0 + (1 << 22)].astype(np.float64) ** 2
            mk = data.mask(key, s0, min(N, s0 + (1 << 22)))
            err = max(err, float(np.abs(a2 - np.where(mk, on, off)).max() / max(on, off)))
        print(f"explicit float32: {args.rounds} rounds in {t_rounds:.1f} s ({t_rounds / max(args.rounds, 1):.1f} s/round "
              f"incl. building the mask); P(marked) = {p:.4f}; max relative error vs closed form {err:.1e}; "
              f"peak RSS {peak_rss_gib():.2f} GiB")


if __name__ == "__main__":
    main()
