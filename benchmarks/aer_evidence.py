"""Issue 21's "done when" on Aer, measured: gate-level fits at defaults against the exact kernel.

Parts (``--parts``, default all):

``real``
    Real-valued squared-loss fits: ``QuarkClassifier(backend="aer", random_state=s)`` against
    ``QuarkClassifier(random_state=s)`` (the exact kernel), everything else at its default
    (``fixed-point-linear``, 4 bits per weight, squared loss, ridge start, ``max_qubits=24``), on one
    standardized feature of three scikit-learn data sets (8 weight qubits: one search of a
    20-qubit arithmetic circuit), plus two features of breast cancer with ``max_qubits=20`` (12 weight
    qubits searched block-wise in 7-bit blocks; at the default ``max_qubits=24`` the blocks are 11
    bits, 24-qubit circuits, too slow to simulate on a shared CPU). Per seed: the oracles run, the
    final training loss of each, whether the weights are the same, test accuracy, whether each
    reached the landscape's brute-force optimum, time.
``search``
    At defaults the ridge start of those one-search tasks is already the optimum (a fit only confirms
    it), so ``GroverAdaptiveSearch(backend="aer")`` against ``backend="statevector"`` also searches
    each one's fitted landscape (``clf.landscape``) from a random setting, ``--search-seeds`` seeds.
``grover``
    ``GroverAdaptiveSearch(backend="aer")`` against ``backend="statevector"`` on weighted
    (``class_weight="balanced"`` weights) and penalised (``alpha=0.05``) 0-1 landscapes of the
    perceptron on Tiny-MNIST 2x2 (16 samples, 5 weight qubits) and on six pixels of Tiny-MNIST 3x3
    (39 samples, 7 weight qubits; ``--large-seeds`` seeds, 18-qubit circuits): how often each reaches the brute-force weighted optimum.
``classifier``
    ``QuarkClassifier(model="perceptron", backend="aer", class_weight="balanced")`` and
    ``alpha=0.05`` against the same on the exact kernel, on Tiny-MNIST 2x2: how often each reaches
    the optimum of the landscape it searched (``clf.landscape``).

Run::

    python benchmarks/aer_evidence.py --json docs/figures/aer_evidence.json
    python benchmarks/aer_evidence.py --parts grover --grover-seeds 3     # a quick look
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np


def _split(X, y, features):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    Xtr, Xte, ytr, yte = train_test_split(X[:, features], y, test_size=0.3, random_state=0, stratify=y)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


def real_tasks():
    """(name, Xtr, Xte, ytr, yte, extra classifier parameters)."""
    from sklearn.datasets import load_breast_cancer, load_iris, load_wine

    X, y = load_breast_cancer(return_X_y=True)
    yield "breast cancer, mean radius", *_split(X, y, [0]), {}
    Xw, yw = load_wine(return_X_y=True)
    keep = yw < 2
    yield "wine 0 vs 1, alcohol", *_split(Xw[keep], yw[keep], [0]), {}
    Xi, yi = load_iris(return_X_y=True)
    keep = yi > 0
    yield "iris versicolor vs virginica, sepal length", *_split(Xi[keep], yi[keep], [0]), {}
    yield "breast cancer, mean radius + texture (block-wise)", *_split(X, y, [0, 1]), {"max_qubits": 20}


def _fit(make, *args, **kwargs):
    t = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        clf = make().fit(*args, **kwargs)
    return clf, time.perf_counter() - t, sorted({type(w.message).__name__ + ": " + str(w.message)[:120] for w in caught})


def part_real(seeds: int) -> list[dict]:
    from quark import QuarkClassifier

    rows = []
    for name, Xtr, Xte, ytr, yte, extra in real_tasks():
        for s in range(seeds):
            kern, t_k, _ = _fit(lambda: QuarkClassifier(random_state=s, **extra), Xtr, ytr)
            aer, t_a, warned = _fit(lambda: QuarkClassifier(backend="aer", random_state=s, **extra), Xtr, ytr)
            land = aer.landscape(Xtr, ytr)
            best = float(land.table().min())
            info = aer.result_.info
            row = {
                "task": name, "seed": s, "n_train": len(ytr), "weight_qubits": int(land.n_qubits),
                "oracles": info.get("oracles") or {info.get("oracle"): 1},
                "block_size": info.get("block_size"), "block_steps": info.get("block_steps"),
                "loss_aer": float(aer.result_.loss), "loss_kernel": float(kern.result_.loss), "optimum": best,
                "same_weights": bool(np.array_equal(aer.bits_, kern.bits_)),
                "aer_reached_optimum": bool(aer.result_.loss <= best + 1e-12),
                "kernel_reached_optimum": bool(kern.result_.loss <= best + 1e-12),
                "test_accuracy_aer": float(aer.score(Xte, yte)), "test_accuracy_kernel": float(kern.score(Xte, yte)),
                "time_aer_s": round(t_a, 1), "time_kernel_s": round(t_k, 2), "warnings_aer": warned,
            }
            rows.append(row)
            print(json.dumps(row), flush=True)
    return rows


def part_search(seeds: int) -> list[dict]:
    """Grover search from a random setting on the landscape each one-search real-valued fit ran on.

    At defaults the ridge start of these tasks is already the optimum, so a fit only has to confirm it;
    this makes the search descend: the threshold starts at a uniform random setting's loss.
    """
    from quark import QuarkClassifier

    rows = []
    for name, Xtr, _, ytr, _, extra in real_tasks():
        if extra:  # the block-wise task: its landscape is past one search on Aer
            continue
        land = QuarkClassifier(random_state=0).fit(Xtr, ytr).landscape(Xtr, ytr)
        best = float(land.table().min())
        row = {"task": name, "weight_qubits": int(land.n_qubits), "optimum": best}
        for backend in ("statevector", "aer"):
            row[backend] = grover_seeds(land, best, backend, seeds, error_bounds=True)
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def grover_seeds(land, best: float, backend: str, seeds: int, error_bounds: bool = False) -> dict:
    """Grover adaptive search on ``land`` with seeds ``0 .. seeds-1`` on ``backend``: how often it reached
    ``best``, the oracles it ran (and their error bounds), the mean oracle queries and the seconds."""
    from quark.optimizers import GroverAdaptiveSearch

    hits, oracles, t0, queries, bounds = 0, set(), time.perf_counter(), [], set()
    for s in range(seeds):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = GroverAdaptiveSearch(backend=backend, random_state=s).minimize(land)
        hits += bool(r.loss <= best + 1e-12)
        oracles.add(str(r.info.get("oracle")))
        bounds.add(r.info.get("oracle_error_bound"))
        queries.append(int(r.ledger.oracle_queries))
    row = {"reached": hits, "seeds": seeds, "oracle": sorted(oracles)}
    if error_bounds:
        row["error_bound"] = sorted(b for b in bounds if b is not None)
    return {**row, "mean_queries": float(np.mean(queries)), "time_s": round(time.perf_counter() - t0, 1)}


def grover_landscapes():
    from quark.datasets import load_tiny_mnist
    from quark.encoding import LossLandscape

    for size, pixels in ((2, None), (3, 6)):
        X, y = load_tiny_mnist(size=size, dedupe=True)
        if pixels is not None:
            X = X[:, :pixels]
        data = f"Tiny-MNIST {size}x{size}" + (f", first {pixels} pixels" if pixels else "")
        balanced = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
        large = pixels is not None
        yield data, "class_weight='balanced'", LossLandscape("perceptron", None, X, y, sample_weight=balanced), large
        yield data, "alpha=0.05", LossLandscape("perceptron", None, X, y, alpha=0.05), large


def part_grover(seeds: int, large_seeds: int) -> list[dict]:
    rows = []
    for data, what, land, large in grover_landscapes():
        n_seeds = large_seeds if large else seeds
        if n_seeds <= 0:
            continue
        best = float(land.table().min())
        row = {"data": data, "landscape": what, "samples": int(land.n_samples), "weight_qubits": int(land.n_qubits),
               "optimum": best}
        for backend in ("statevector", "aer"):
            row[backend] = grover_seeds(land, best, backend, n_seeds)
        from quark.backends.aer import AerBackend

        orc = AerBackend().threshold_oracle(land)  # the compact form the searches ran
        row["aer"].update(qubits=int(orc.circuit.num_qubits), error_bound=float(orc.error_bound))
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def part_classifier(seeds: int) -> list[dict]:
    from quark import QuarkClassifier
    from quark.datasets import load_tiny_mnist

    X, y = load_tiny_mnist(size=2, dedupe=True)
    rows = []
    for what, params in (("class_weight='balanced'", {"class_weight": "balanced"}), ("alpha=0.05", {"alpha": 0.05})):
        row = {"data": "Tiny-MNIST 2x2", "setting": what, "seeds": seeds}
        for backend in ("statevector", "aer"):
            hits, oracles, times = 0, set(), []
            for s in range(seeds):
                clf, t, _ = _fit(lambda: QuarkClassifier(model="perceptron", backend=backend, random_state=s, **params), X, y)
                best = float(clf.landscape(X, y).table().min())
                hits += bool(clf.result_.loss <= best + 1e-12)
                oracles.add(str(clf.result_.info.get("oracle")))
                times.append(t)
            row[backend] = {"reached": hits, "oracle": sorted(oracles), "time_s": round(float(np.sum(times)), 1)}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", nargs="+", choices=["real", "search", "grover", "classifier"],
                        default=["real", "search", "grover", "classifier"])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per real-valued task (Aer and kernel)")
    parser.add_argument("--search-seeds", type=int, default=3,
                        help="seeds per real-valued landscape searched from a random setting")
    parser.add_argument("--grover-seeds", type=int, default=10, help="seeds per 0-1 landscape and backend")
    parser.add_argument("--large-seeds", type=int, default=3,
                        help="seeds for the 7-qubit Tiny-MNIST 3x3 landscapes (about 100 s per Aer search)")
    parser.add_argument("--clf-seeds", type=int, default=10, help="seeds per perceptron classifier setting")
    parser.add_argument("--json", default=None, help="write the figures here")
    args = parser.parse_args(argv)
    out: dict = {"command": "python benchmarks/aer_evidence.py " + " ".join(
        f"--{k.replace('_', '-')} {' '.join(v) if isinstance(v, list) else v}" for k, v in vars(args).items()
        if v is not None)}
    t0 = time.perf_counter()
    if "grover" in args.parts:
        out["grover"] = part_grover(args.grover_seeds, args.large_seeds)
    if "classifier" in args.parts:
        out["classifier"] = part_classifier(args.clf_seeds)
    if "real" in args.parts:
        out["real"] = part_real(args.seeds)
    if "search" in args.parts:
        out["search"] = part_search(args.search_seeds)
    out["total_s"] = round(time.perf_counter() - t0, 1)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)
    print(f"total {out['total_s']} s")
    return out


if __name__ == "__main__":
    main()
