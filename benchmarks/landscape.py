"""Loss-landscape throughput and memory.

Reports (weight setting x sample) model evaluations per second for every model when the full
loss table is computed, and the peak memory of a 24-qubit table (each measurement in a fresh
subprocess, so the peak RSS is that table's alone).

Run: ``python benchmarks/landscape.py [--qubits 24] [--json out.json]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

import numpy as np


def _case(model: str, n_qubits: int, m: int, loss: str, seed: int = 0):
    from quark.encoding import LossLandscape, WeightEncoding
    from quark.models import get_model

    rng = np.random.default_rng(seed)
    if model == "perceptron":
        d, enc = n_qubits - 1, None
    elif model == "sign-mlp":  # hidden=1: d + 1 weights
        d, enc = n_qubits - 1, None
        model = get_model("sign-mlp", hidden=1)
    elif model == "fixed-point-linear":
        d, enc = n_qubits // 2 - 1, WeightEncoding.fixed_point(n_qubits // 2, bits=2)
    else:  # spin-perceptron
        d, enc = n_qubits - 1, None
    X = rng.integers(0, 2, size=(m, d))
    y = rng.integers(0, 2, size=m)
    return LossLandscape(model, enc, X, y, loss=loss)


def measure(model: str, n_qubits: int, m: int, loss: str, path: str = "auto") -> dict:
    land = _case(model, n_qubits, m, loss)
    if path == "generic":  # switch off the bit-level kernel to measure what it buys
        land._or_form = None
    elif land._or_form is not None:
        _case(model, 4, 4, loss).count_table()  # compile the kernel outside the timing
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    table = land.table()
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    pairs = table.size * land.n_samples
    return {
        "model": land.model.name,
        "path": "kernel" if land._or_form is not None else "matmul",
        "loss": loss,
        "n_qubits": land.n_qubits,
        "samples": land.n_samples,
        "seconds": round(dt, 3),
        "evals_per_s": pairs / dt,
        "table_MiB": table.nbytes / 2**20,
        "peak_rss_MiB": peak / 1024,
        "peak_rss_increase_MiB": (peak - base) / 1024,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qubits", type=int, default=20, help="qubits of the throughput runs")
    ap.add_argument("--memory-qubits", type=int, default=24, help="qubits of the memory run")
    ap.add_argument("--samples", type=int, default=64)
    ap.add_argument("--json", help="write the rows as JSON here")
    ap.add_argument("--one", nargs=5, metavar=("MODEL", "QUBITS", "SAMPLES", "LOSS", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        model, n, m, loss, path = args.one
        print(json.dumps(measure(model, int(n), int(m), loss, path)))
        return
    runs = [(mod, args.qubits, args.samples, "zero_one", "auto") for mod in ("perceptron", "spin-perceptron", "fixed-point-linear", "sign-mlp")]
    runs += [
        ("perceptron", args.qubits, args.samples, "zero_one", "generic"),
        ("perceptron", args.qubits, args.samples, "squared", "auto"),
        ("perceptron", args.memory_qubits, args.samples, "zero_one", "auto"),
        ("perceptron", args.memory_qubits, args.samples, "zero_one", "generic"),
    ]
    rows = []
    for mod, n, m, loss, path in runs:
        out = subprocess.run([sys.executable, __file__, "--one", mod, str(n), str(m), loss, path], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout))
    print(f"{'model':<20}{'path':<8}{'loss':<10}{'qubits':>7}{'samples':>8}{'seconds':>9}{'Mevals/s':>10}{'table MiB':>10}{'peak RSS MiB':>13}")
    for r in rows:
        print(
            f"{r['model']:<20}{r['path']:<8}{r['loss']:<10}{r['n_qubits']:>7}{r['samples']:>8}{r['seconds']:>9.2f}"
            f"{r['evals_per_s'] / 1e6:>10.1f}{r['table_MiB']:>10.0f}{r['peak_rss_MiB']:>13.0f}"
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
