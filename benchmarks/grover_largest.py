"""The largest Grover searches on the exact kernel: wall time and peak memory (RSS).

A binary perceptron (the paper's Tiny-MNIST model: ``n - 1`` pixel weights and a polarity bit)
on ``m`` random binary samples labelled by a planted perceptron with 10% label noise, so the
optimum is a non-trivial setting among ``2**n``. Two modes, one process per run so that each
peak RSS is its own:

* ``search`` (default): ``GroverAdaptiveSearch`` with the closed form. The kernel builds the
  compact count table (1 byte per setting: 1 GiB at 30 qubits, 4 GiB at 32) with the parallel
  chunk kernel, then its per-chunk histogram of counts (one pass), then every round costs a
  histogram lookup and one 65,536-entry chunk scan. Several ``--n`` run one after the other, each
  in a fresh process, and end in a Markdown table.
* ``explicit``: a few Grover rounds on the explicit float32 statevector (4 bytes per setting plus
  a 1-byte mask), timed per round, checked against the closed form.

    python benchmarks/grover_largest.py --n 30 31 32                  # ~1-3 min, 4.1 GiB peak at 32
    python benchmarks/grover_largest.py --n 32 --max-memory 3e9       # the guard refuses, with the GiB
    python benchmarks/grover_largest.py --mode explicit --n 28 --rounds 2

Peak RSS is ``VmHWM`` of ``/proc/self/status`` (``resource.getrusage`` agrees).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from quark.backends.statevector import StatevectorBackend
from quark.encoding import LossLandscape, as_problem
from quark.exceptions import ProblemTooLargeError
from quark.optimizers import GroverAdaptiveSearch


def peak_rss_gib() -> float:
    """Peak resident memory of this process: VmHWM (else ru_maxrss, in KiB on Linux)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024**2
    except OSError:  # pragma: no cover - not Linux
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _child_env() -> dict:
    """The environment of a child run: it imports the same quark as this process."""
    import quark

    root = str(Path(quark.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (every thread)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def planted_landscape(n: int, m: int, seed: int) -> LossLandscape:
    rng = np.random.default_rng(seed)
    d = n - 1
    X = (rng.random((m, d)) < 0.15).astype(np.uint8)  # sparse images: the OR of few pixels
    w = (rng.random(d) < 0.3).astype(np.uint8)
    y = ((X @ w) > 0).astype(np.uint8) ^ (rng.random(m) < 0.1).astype(np.uint8)
    return LossLandscape("perceptron", None, X, y)


def run_search(n: int, m: int, seed: int, max_memory: float | None) -> dict:
    """One search in this process: table build, histogram, search; times and peak RSS."""
    land = planted_landscape(n, m, seed)
    N = 2**n
    out = {"n": n, "m": m, "N": N, "start_rss_gib": peak_rss_gib()}
    print(f"{n} weight qubits (N = {N:,}), m = {m} samples; start RSS {out['start_rss_gib']:.2f} GiB", flush=True)
    backend = StatevectorBackend(max_memory=max_memory)
    filled = [0, 0.0, 0.0]

    def progress(k: int) -> None:  # the last call marks the end of the table fill
        filled[0] += k
        filled[1] = time.perf_counter()
        filled[2] = cpu_seconds()

    c0 = cpu_seconds()
    t0 = time.perf_counter()
    try:
        backend.prepare(land, progress=progress)  # count table + per-chunk histogram, cached
    except ProblemTooLargeError as exc:
        out["refused"] = str(exc)
        print(f"refused: {exc}", flush=True)
        return out
    t1, c1 = time.perf_counter(), cpu_seconds()
    out["table_s"], out["table_cpu_s"] = filled[1] - t0, filled[2] - c0
    out["histogram_s"], out["histogram_cpu_s"] = t1 - filled[1], c1 - filled[2]
    out["table_rss_gib"] = peak_rss_gib()
    print(f"count table: {out['table_s']:.1f} s (CPU {out['table_cpu_s']:.1f} s), histogram {out['histogram_s']:.1f} s "
          f"(CPU {out['histogram_cpu_s']:.1f} s), "
          f"peak RSS {out['table_rss_gib']:.2f} GiB", flush=True)
    t0 = time.perf_counter()
    res = GroverAdaptiveSearch(backend=backend, random_state=seed).minimize(land)
    out["search_s"] = time.perf_counter() - t0
    led = res.ledger
    out.update(rounds=res.info["rounds"], queries=led.oracle_queries, queries_sqrtN=led.oracle_queries / np.sqrt(N),
               queries_at_best=res.info["queries_at_best"], loss=res.loss, below=res.info["n_marked_final"],
               reached=res.info["reached_optimum"], evaluations=led.model_evaluations)
    out["at_best"] = backend.marked_count(land, np.nextafter(res.loss, np.inf)) - res.info["n_marked_final"]
    print(f"search: {out['search_s']:.2f} s after the table; {out['rounds']} rounds, {led.oracle_queries:,} oracle "
          f"queries = {out['queries_sqrtN']:.2f} sqrt(N); queries at best {out['queries_at_best']:,}")
    print(f"best loss {res.loss:.4f}; settings below it: {out['below']} (reached optimum: {out['reached']}); "
          f"settings at it: {out['at_best']:,}")
    print(f"model evaluations {led.model_evaluations:,} vs exhaustive {N * m:,} ({N * m / led.model_evaluations:,.0f}x fewer)")
    out["peak_rss_gib"] = peak_rss_gib()
    out["ru_maxrss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(f"total wall time {out['table_s'] + out['histogram_s'] + out['search_s']:.1f} s; "
          f"peak RSS {out['peak_rss_gib']:.2f} GiB", flush=True)
    return out


def run_explicit(n: int, m: int, seed: int, rounds: int) -> None:
    land = planted_landscape(n, m, seed)
    N = 2**n
    print(f"{n} weight qubits (N = {N:,}), m = {m} samples; start RSS {peak_rss_gib():.2f} GiB", flush=True)
    backend = StatevectorBackend(method="statevector")
    thr = float(np.median(land.evaluate_indices(np.random.default_rng(0).integers(0, N, 64))))
    t0 = time.perf_counter()
    n_marked = backend.marked_count(land, thr)  # builds the count table
    print(f"count table: {time.perf_counter() - t0:.1f} s; {n_marked:,} settings below the threshold; "
          f"peak RSS {peak_rss_gib():.2f} GiB", flush=True)
    theta = np.arcsin(np.sqrt(n_marked / N))
    p = np.sin((2 * rounds + 1) * theta) ** 2
    on, off = p / n_marked, (1 - p) / (N - n_marked)
    data = backend._data(as_problem(land))
    key = data.key(thr)
    t0 = time.perf_counter()
    amps = backend._threshold_amplitudes(data, key, rounds)
    t_rounds = time.perf_counter() - t0
    err = 0.0
    for s0 in range(0, N, 1 << 22):  # compare with the closed form chunk by chunk
        a2 = amps[s0 : s0 + (1 << 22)].astype(np.float64) ** 2
        mk = data.mask(key, s0, min(N, s0 + (1 << 22)))
        err = max(err, float(np.abs(a2 - np.where(mk, on, off)).max() / max(on, off)))
    print(f"explicit float32: {rounds} rounds in {t_rounds:.1f} s ({t_rounds / max(rounds, 1):.1f} s/round "
          f"incl. building the mask); P(marked) = {p:.4f}; max relative error vs closed form {err:.1e}; "
          f"peak RSS {peak_rss_gib():.2f} GiB")


def _row(r: dict) -> str:
    if "refused" in r:
        return f"| {r['n']} | {r['N']:,} | refused: {r['refused']} | | | | | |"
    if "error" in r:
        return f"| {r['n']} | {r['N']:,} | failed: {r['error']} | | | | | |"
    return (f"| {r['n']} | {r['N']:,} | {r['table_s']:.1f} s ({r['table_cpu_s']:.1f}) | "
            f"{r['histogram_s']:.1f} s ({r['histogram_cpu_s']:.1f}) | {r['search_s']:.2f} s "
            f"({r['rounds']} rounds, {r['queries_sqrtN']:.2f}·√N queries) | {r['loss']:.4f} "
            f"({'optimum' if r['reached'] else 'not optimal'}) | {r['peak_rss_gib']:.2f} GiB | "
            f"{r['table_s'] + r['histogram_s'] + r['search_s']:.1f} s |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=("search", "explicit"), default="search")
    ap.add_argument("--n", type=int, nargs="+", default=[30], help="weight qubits (several: one process each)")
    ap.add_argument("--m", type=int, default=64, help="training samples")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rounds", type=int, default=2, help="explicit mode: Grover rounds to time")
    ap.add_argument("--max-memory", type=float, default=None, help="bytes the kernel may use (default: 90%% of available)")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # a child's result line
    args = ap.parse_args(argv)

    if args.mode == "explicit":
        for n in args.n:
            run_explicit(n, args.m, args.seed, args.rounds)
        return
    if len(args.n) == 1:
        res = run_search(args.n[0], args.m, args.seed, args.max_memory)
        if args.json:
            print("RESULT " + json.dumps(res), flush=True)
        return
    rows = []
    for n in args.n:  # a fresh process per size: each peak RSS is its own
        cmd = [sys.executable, __file__, "--n", str(n), "--m", str(args.m), "--seed", str(args.seed), "--json"]
        if args.max_memory is not None:
            cmd += ["--max-memory", repr(args.max_memory)]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_child_env())
        lines = proc.stdout.splitlines()
        for line in lines:
            if not line.startswith("RESULT "):
                print(line, flush=True)
        got = [json.loads(line[7:]) for line in lines if line.startswith("RESULT ")]
        if got:
            rows.append(got[0])
        else:
            tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
            rows.append({"n": n, "N": 2**n, "error": tail})
        print(flush=True)
    print(f"m = {args.m} samples, seed {args.seed}; {time.strftime('%b %Y')}\n")
    print("wall time (in brackets: CPU seconds of all threads, user + system)\n")
    print("| weight qubits | N | count table | histogram | search | best loss | peak RSS | total |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(_row(r))


if __name__ == "__main__":
    main()
