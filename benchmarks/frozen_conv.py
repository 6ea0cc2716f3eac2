"""Atallah & Herrman's setup with Quark's search: frozen random convolutions, a k-bit linear head per class.

Atallah & Herrman (arXiv 2603.02958) freeze randomly initialized convolution filters (the extreme
learning machine recipe), and train only the fully connected head: one QUBO per output class, each
with ``(d + 1) K`` bits (``d`` features, ``K`` bits per weight), solved by simulated annealing. They
report accuracy rising with ``K``, 10 bits as the practical minimum, and parity with SGD on MNIST at
20 bits. Here the same head is searched by Quark instead of annealing:

- **features** (fixed, seeded): ``--filters`` random 3x3 filters (Gaussian, each scaled to unit
  norm), valid convolution, ReLU, ``--pool`` x ``--pool`` max pooling, flattened. On the bundled
  MNIST at 14x14 with 8 filters and 2x2 pooling: 8 x 6 x 6 = 288 features;
- **Quark**: ``QuarkClassifier(model="fixed-point-linear", weight_bits=K, multi_class="ovr",
  random_state=0)`` — one k-bit linear head per class (squared loss with a ridge penalty: an exact
  QUBO, the role of the paper's quadratic surrogate), searched block-wise by Grover adaptive search
  from the rounded ridge start; and the same head with no search (``optimizer="none"``: the rounded
  start alone), to show what the search adds at each K;
- **classical**, on the same standardized features: ``SGDClassifier`` (log loss, the paper's SGD)
  and ``LogisticRegression``.

Data: the bundled MNIST (quark.datasets), its own 4,000/1,000 split, at ``--size`` (14 by default).

    python benchmarks/frozen_conv.py                     # K = 4, 10, 15, 20 at 14x14 (~10 min on 2 cores)
    python benchmarks/frozen_conv.py --size 28           # 28x28: 8 x 13 x 13 = 1,352 features
    python benchmarks/frozen_conv.py --bits 4 --quick    # 1,000 training digits (a test)

Writes docs/figures/frozen_conv_{size}x{size}.{json,md} (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np


def conv_features(X: np.ndarray, size: int, filters: int = 8, pool: int = 2, seed: int = 0) -> np.ndarray:
    """Frozen random 3x3 convolutions, ReLU and max pooling of flattened ``size x size`` images."""
    rng = np.random.default_rng(seed)
    F = rng.standard_normal((filters, 3, 3))
    F /= np.linalg.norm(F.reshape(filters, -1), axis=1)[:, None, None]
    imgs = np.asarray(X, dtype=float).reshape(-1, size, size)
    win = np.lib.stride_tricks.sliding_window_view(imgs, (3, 3), axis=(1, 2))   # (n, s-2, s-2, 3, 3)
    maps = np.maximum(np.einsum("nijkl,fkl->nfij", win, F), 0.0)               # (n, f, s-2, s-2)
    p = (size - 2) // pool
    maps = maps[:, :, : p * pool, : p * pool].reshape(len(imgs), filters, p, pool, p, pool)
    return maps.max(axis=(3, 5)).reshape(len(imgs), -1)


def _fit(est, Xtr, ytr, Xte, yte) -> dict:
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(Xtr, ytr)
    fit_s = time.perf_counter() - t0
    return {"test_accuracy": float(est.score(Xte, yte)), "train_accuracy": float(est.score(Xtr, ytr)),
            "fit_s": fit_s}


def _quark_row(clf) -> dict:
    led = clf.result_.ledger
    steps = sum(r.info.get("block_steps") or 0 for r in clf.results_)
    return {"oracle_queries": int(led.oracle_queries), "block_steps": int(steps),
            "qubits_per_head": int(clf.encoding_.n_qubits), "heads": len(clf.results_)}


def run(size: int, bits: tuple[int, ...], filters: int, pool: int, quick: bool) -> dict:
    from sklearn.linear_model import LogisticRegression, SGDClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from quark import QuarkClassifier
    from quark.datasets import load_mnist

    Xtr, ytr = load_mnist(size, subset="train")
    Xte, yte = load_mnist(size, subset="test")
    if quick:
        keep = np.random.default_rng(0).permutation(len(ytr))[:1000]   # the split is ordered by class
        Xtr, ytr = Xtr[keep], ytr[keep]
    Ftr, Fte = (conv_features(X, size, filters, pool) for X in (Xtr, Xte))
    rows = []

    def add(method, est, **extra):
        row = {"method": method, **_fit(est, Ftr, ytr, Fte, yte), **extra}
        if hasattr(est, "result_"):
            row.update(_quark_row(est))
        rows.append(row)
        print(f"{method:40s} test {row['test_accuracy']:.4f}  fit {row['fit_s']:.1f} s", flush=True)

    add("SGDClassifier (log loss)", make_pipeline(StandardScaler(), SGDClassifier(loss="log_loss", random_state=0)))
    add("LogisticRegression", make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)))
    for k in bits:
        common = dict(model="fixed-point-linear", weight_bits=k, multi_class="ovr", random_state=0)
        add(f"Quark {k}-bit head, rounded start only", QuarkClassifier(optimizer="none", **common), bits=k)
        add(f"Quark {k}-bit head, searched", QuarkClassifier(**common), bits=k)
    return {"size": size, "filters": filters, "pool": pool, "n_features": int(Ftr.shape[1]),
            "n_train": len(ytr), "n_test": len(yte), "rows": rows}


def markdown(res: dict, command: str) -> str:
    out = [f"`{command}`", "",
           f"MNIST {res['size']}x{res['size']} (bundled, {res['n_train']} training / {res['n_test']} test digits), "
           f"{res['filters']} frozen random 3x3 filters, ReLU, {res['pool']}x{res['pool']} max pooling: "
           f"{res['n_features']} features", "",
           "| method | test accuracy | training accuracy | fit s | qubits per head | oracle queries | block steps |",
           "|---|---|---|---|---|---|---|"]
    for r in res["rows"]:
        q = (f"{r['qubits_per_head']:,} | {r['oracle_queries']:,} | {r['block_steps']:,}"
             if "qubits_per_head" in r else " | | ")
        out.append(f"| {r['method']} | {r['test_accuracy']:.4f} | {r['train_accuracy']:.4f} | {r['fit_s']:.1f} | {q} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=14, choices=(14, 28), help="MNIST image side")
    ap.add_argument("--bits", type=int, nargs="+", default=[4, 10, 15, 20], help="bits per weight of the head")
    ap.add_argument("--filters", type=int, default=8)
    ap.add_argument("--pool", type=int, default=2)
    ap.add_argument("--quick", action="store_true", help="1,000 training digits (a test)")
    ap.add_argument("--out", default="docs/figures", help="folder for frozen_conv_*.{json,md}")
    args = ap.parse_args(argv)
    res = run(args.size, tuple(args.bits), args.filters, args.pool, args.quick)
    command = "python benchmarks/frozen_conv.py" + ("" if argv is None else " " + " ".join(argv))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if not args.quick:
        stem = f"frozen_conv_{args.size}x{args.size}"
        (out / f"{stem}.json").write_text(json.dumps(res, indent=1))
        (out / f"{stem}.md").write_text(markdown(res, command))
    print(markdown(res, command))
    return res


if __name__ == "__main__":
    import sys

    main(sys.argv[1:] or None)
