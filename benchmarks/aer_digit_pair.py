"""A digit pair end to end on Aer circuits: a block search whose inner Grover searches run gate-level.

sklearn's digits, one pair (3 vs 8 by default), all 64 pixels, ``QuarkClassifier`` with its default
linear model (``fixed-point-linear``, squared loss, the rounded ridge start). The same split is
fitted side by side with the same seed and the same block search (``optimizer="block"``, cyclic
blocks of ``--block-size`` bits, inner Grover adaptive search):

- **Aer** — every inner search runs on gate-level circuits (``backend="aer"`` inside the block
  search), with the threshold oracle ``oracle="auto"`` builds for a real-valued block: the
  arithmetic oracle (coefficients on a fixed-point grid, a value register in Fourier space);
- **exact kernel** — the inner searches on the default ``statevector`` backend.

Two references, cheap, beside them: the exact kernel at the classifier's defaults (blocks sized by
``max_qubits``) and the rounded ridge start alone (``optimizer="none"``). For the Aer fit the script
records its wall time, its ledger, ``info["oracles"]`` and ``info["simulation_s"]``, and
``quark.resources.estimate`` on ``target="aer"`` and ``"fault-tolerant"`` (the latter needs the
``resources`` extra). It also reports which block size ``QuarkClassifier(backend="aer")`` would
choose at its default ``max_qubits`` (circuit qubits, work registers included).

Aer's threads: ``--aer-threads 1`` (default) runs each statevector on one thread. On a busy shared
machine this was about 5x faster than Aer's own choice (all cores, which then wait on each other).

Run::

    python benchmarks/aer_digit_pair.py --json docs/figures/aer_digit_pair.json     # 5-10 min here
    python benchmarks/aer_digit_pair.py --pair 1 7 --block-size 4 --weight-bits 2
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from quark import QuarkClassifier
from quark.estimators.binary import block_size_for
from quark.estimators.classifier import DEFAULT_MAX_QUBITS
from quark.optimizers import GroverAdaptiveSearch
from quark.testing import oracle_marks

LEDGER_FIELDS = ("oracle_queries", "grover_iterations", "shots", "circuit_executions", "model_evaluations",
                 "compile_evaluations")
ESTIMATE_FIELDS = ("qubits", "weight_qubits", "two_qubit_gates", "depth", "t_count", "toffoli_count",
                   "oracle_queries", "shots", "total_two_qubit_gates", "runtime_s", "runtime_per_query_s",
                   "physical_qubits", "logical_qubits", "oracles")


def digit_pair(pair=(3, 8), test_size: float = 0.3, seed: int = 0):
    """``(X_train, X_test, y_train, y_test)`` of two sklearn digits (all 64 pixels), stratified."""
    X, y = load_digits(return_X_y=True)
    keep = np.isin(y, pair)
    X, y = X[keep], (y[keep] == pair[1]).astype(int)
    return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=y)


def block_classifier(block_size: int, seed: int, weight_bits, backend: str | None, aer_threads: int | None,
                     oracle_bits: int | None = None):
    """The classifier of both fits: the same block search, inner Grover on ``backend`` (``None``: the kernel)."""
    inner = {}
    if backend is not None:
        inner["backend"] = backend
        options = {}
        if aer_threads:
            options["aer_options"] = {"max_parallel_threads": aer_threads}
        if oracle_bits:
            options["oracle_bits"] = oracle_bits  # the arithmetic oracle's value register: a finer grid
        if options:
            inner["backend_options"] = options
    opts = {"inner": "grover", "block_size": block_size, "order": "cyclic"}
    if inner:
        opts["inner_options"] = inner
    return QuarkClassifier(random_state=seed, weight_bits=weight_bits, optimizer="block", optimizer_options=opts)


def _ledger(led) -> dict:
    return {k: int(getattr(led, k, 0) or 0) for k in LEDGER_FIELDS} | {"wall_time_s": float(led.wall_time_s)}


def fit_row(name: str, clf, data) -> dict:
    """Fit ``clf`` on the training split and read off what the benchmark reports."""
    Xtr, Xte, ytr, yte = data
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # constant pixels: said once below, not per fit
        clf.fit(Xtr, ytr)
    wall = time.perf_counter() - t
    info = clf.result_.info
    row = {
        "fit": name, "wall_s": wall, "test_accuracy": float(clf.score(Xte, yte)),
        "train_accuracy": float(clf.score(Xtr, ytr)), "loss": float(clf.result_.loss),
        "start_loss": info.get("start_loss"), "weight_qubits": int(clf.bits_.size),
        "block_size": info.get("block_size"), "block_steps": info.get("block_steps"),
        "skipped_blocks": info.get("skipped_blocks"), "sweeps": len(info.get("sweeps", [])),
        "converged": info.get("converged"), "inner_reached_optimum": info.get("inner_reached_optimum"),
        "oracles": info.get("oracles"), "simulation_s": info.get("simulation_s"),
        "ledger": _ledger(clf.result_.ledger),
    }
    return row


def estimate_row(clf, target: str) -> dict:
    from quark.resources import estimate

    t = time.perf_counter()
    try:
        est = estimate(clf, target=target)
    except Exception as exc:  # the fault-tolerant target needs the 'resources' extra: say why, keep the rest
        return {"target": target, "error": f"{type(exc).__name__}: {exc}"}
    out = {k: getattr(est, k) for k in ESTIMATE_FIELDS}
    out.update(target=target, seconds=time.perf_counter() - t, parts=len(est.parts), summary=est.summary())
    return out


def default_route(data, weight_bits, seed: int, aer_threads: int | None) -> dict:
    """What ``QuarkClassifier(backend="aer")`` would do at its default ``max_qubits`` on this pair: the block size
    it picks (circuit qubits, work registers included), the seconds one oracle query of such a block takes
    on Aer here (one call of 3 rounds less one of 1, after a warm-up call that transpiles), and the queries
    the same block search makes on the exact kernel — together, what a default fit on Aer would take."""
    from quark.backends.aer import AerBackend

    Xtr, _, ytr, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = QuarkClassifier(random_state=seed, weight_bits=weight_bits).fit(Xtr, ytr)
    land, bits = fitted.fits_[0].problem, fitted.bits_
    b = block_size_for(GroverAdaptiveSearch(backend="aer"), land, DEFAULT_MAX_QUBITS, start=bits)
    block = np.arange(b)
    sub = land.restrict(block, bits)
    be = AerBackend(aer_options={"max_parallel_threads": aer_threads} if aer_threads else None)
    q = be.threshold_oracle(sub).circuit.num_qubits
    threshold = float(sub.evaluate(bits[block][None, :])[0])
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    be.sample_threshold(sub, threshold, 1, 1, rng)  # builds and transpiles the circuits
    t1 = time.perf_counter()
    be.sample_threshold(sub, threshold, 1, 1, rng)
    t2 = time.perf_counter()
    be.sample_threshold(sub, threshold, 3, 1, rng)
    t3 = time.perf_counter()
    per_query = max((t3 - t2) - (t2 - t1), 0.0) / 2
    kernel = fit_row("exact kernel, default block size", block_classifier(b, seed, weight_bits, None, None), data)
    return {"max_qubits": DEFAULT_MAX_QUBITS, "block_size": b, "circuit_qubits": q,
            "statevector_mib": 16 * 2**q / 2**20, "first_call_s": t1 - t0, "seconds_per_query": per_query,
            "kernel_queries": kernel["ledger"]["oracle_queries"], "kernel_block_steps": kernel["block_steps"],
            "extrapolated_aer_fit_s": per_query * kernel["ledger"]["oracle_queries"]}


def block_optimality(clf, block_size: int) -> dict:
    """Whether a fit's bits are a block-wise local optimum of the cyclic partition its search swept (each block's
    2**b settings checked classically, the rest fixed). For each block that could still lower the loss alone:
    by how much, and the error bound of the arithmetic oracle Aer builds for it (a gap inside the bound may be
    invisible to the rounded oracle)."""
    from quark.backends.aer import AerBackend

    land, bits = clf.fits_[0].problem, clf.bits_
    loss = float(land.evaluate(bits[None, :])[0])
    better = []
    for s in range(0, land.n_qubits, block_size):
        sub = land.restrict(np.arange(s, min(s + block_size, land.n_qubits)), bits)
        gap = loss - float(sub.table().min())
        if gap > 1e-12 * max(1.0, abs(loss)):
            orc = AerBackend().threshold_oracle(sub)
            better.append({"first_bit": s, "gap": gap, "oracle_error_bound": orc.error_bound,
                           "settings_below_loss": int((sub.table() < loss - 1e-12 * max(1.0, abs(loss))).sum()),
                           "oracle_marks_at_loss": int(oracle_marks(orc, [loss])[0].sum())})
    return {"blocks": -(-land.n_qubits // block_size), "improvable_blocks": len(better), "improvable": better}


def run(args) -> dict:
    data = digit_pair(tuple(args.pair), args.test_size, args.seed)
    Xtr = data[0]
    constant = int((Xtr.std(axis=0) == 0).sum())
    print(f"digits {args.pair[0]} vs {args.pair[1]}: {len(Xtr)} train / {len(data[1])} test samples, 64 pixels "
          f"({constant} constant on the training split)", flush=True)
    result: dict = {"command": "python benchmarks/aer_digit_pair.py " + " ".join(args.argv), "pair": list(args.pair),
                    "seed": args.seed, "block_size": args.block_size, "weight_bits": args.weight_bits,
                    "aer_threads": args.aer_threads, "oracle_bits": args.oracle_bits, "n_train": len(Xtr), "n_test": len(data[1]),
                    "constant_pixels": constant}
    result["default_route"] = default_route(data, args.weight_bits, args.seed, args.aer_threads)
    print("default route on Aer:", result["default_route"], flush=True)
    kernel = block_classifier(args.block_size, args.seed, args.weight_bits, None, None)
    rows = [
        fit_row("start (rounded ridge, optimizer='none')",
                QuarkClassifier(random_state=args.seed, weight_bits=args.weight_bits, optimizer="none"), data),
        fit_row("exact kernel, defaults", QuarkClassifier(random_state=args.seed, weight_bits=args.weight_bits), data),
        fit_row("exact kernel, same block search", kernel, data),
    ]
    for r in rows:
        print(f"{r['fit']}: test {r['test_accuracy']:.4f}, loss {r['loss']:.6g}, {r['wall_s']:.2f} s", flush=True)
    aer = block_classifier(args.block_size, args.seed, args.weight_bits, "aer", args.aer_threads, args.oracle_bits)
    print(f"fitting on Aer (blocks of {args.block_size} bits) ...", flush=True)
    row = fit_row("aer, same block search", aer, data)
    rows.append(row)
    print(f"{row['fit']}: test {row['test_accuracy']:.4f}, loss {row['loss']:.6g}, {row['wall_s']:.1f} s, "
          f"simulation {row['simulation_s']:.1f} s, oracles {row['oracles']}, ledger {row['ledger']}", flush=True)
    result["fits"] = rows
    result["same_test_accuracy"] = row["test_accuracy"] == rows[2]["test_accuracy"]
    result["bits_differing_from_kernel"] = int((aer.bits_ != kernel.bits_).sum())
    result["block_optimality"] = {"aer": block_optimality(aer, args.block_size),
                                  "kernel": block_optimality(kernel, args.block_size)}
    result["bits"] = {"aer": aer.bits_.tolist(), "kernel": kernel.bits_.tolist()}
    print("block-wise local optimum (improvable blocks):", result["block_optimality"], flush=True)
    result["estimates"] = [estimate_row(aer, t) for t in args.targets]
    for e in result["estimates"]:
        print(e.get("summary") or e["error"], flush=True)
    return result


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pair", type=int, nargs=2, default=[3, 8], metavar=("A", "B"), help="the two digits")
    ap.add_argument("--block-size", type=int, default=6, help="bits per block of both block searches")
    ap.add_argument("--weight-bits", type=int, default=None, help="bits per weight (default: the classifier's)")
    ap.add_argument("--seed", type=int, default=0, help="split and fit seed")
    ap.add_argument("--test-size", type=float, default=0.3)
    ap.add_argument("--aer-threads", type=int, default=1, help="Aer's max_parallel_threads (0: Aer's own choice)")
    ap.add_argument("--oracle-bits", type=int, default=None,
                    help="value-register qubits of the Aer fit's arithmetic oracles (default: the grid's own choice)")
    ap.add_argument("--targets", nargs="*", default=["aer", "fault-tolerant"], help="resource-estimate targets")
    ap.add_argument("--json", type=Path, default=None, help="write the results here")
    args = ap.parse_args(argv)
    import sys

    args.argv = list(sys.argv[1:] if argv is None else argv)
    result = run(args)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1, default=str))
        print(f"wrote {args.json}")
    return result


if __name__ == "__main__":
    main()
