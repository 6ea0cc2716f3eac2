"""``scale="range"`` (every feature divided by the training data's largest absolute value) against
``scale="auto"`` (per-feature standardization) on image data: the splits of benchmarks/networks.py.

    python benchmarks/scale_range.py --network            # quantized-mlp, 512 sign units, 2 sweeps, digits-10
    python benchmarks/scale_range.py --network --sweeps 3 # the same, 3 sweeps
    python benchmarks/scale_range.py --network --hidden 768 # 768 units, 2 sweeps
    python benchmarks/scale_range.py --network --mnist --hidden 128 --sweeps 3  # MNIST 14x14
    python benchmarks/scale_range.py --linear             # Quark's linear model at defaults, digits-10 and MNIST 14x14

Prints one line per fit (test accuracy, fit seconds); the figures are in docs/networks.md.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from networks import datasets, quark_network, stopped_after  # noqa: E402


def network(sweeps: int, hidden: int, mnist: bool = False) -> None:
    name = "MNIST 14x14" if mnist else "digits, 10 classes"
    Xtr, Xte, ytr, yte = datasets(False, 14 if mnist else None)[name]
    label = f"range, hidden {hidden}, {sweeps} sweeps"
    r = quark_network(Xtr, ytr, Xte, yte, label, scale="range", model_options={"hidden": hidden},
                      **stopped_after(sweeps))
    print(f"{'MNIST 14x14' if mnist else 'digits-10'}  quantized-mlp {label}: test {r['test']:.4f}  train error {r['train_error']:.4f}  "
          f"loss {r['start_loss']:.4f} -> {r['loss']:.4f}  start error {r['start_error']:.4f}  {r['seconds']:.1f} s  "
          f"oracle queries {r['oracle_queries']:,}  steps {r['block_steps']:,}  sweeps {r['sweeps']}", flush=True)


def linear() -> None:
    from quark import QuarkClassifier

    data = {"digits-10": datasets(False, None)["digits, 10 classes"], **datasets(False, 14)}
    for name, (Xtr, Xte, ytr, yte) in data.items():
        for scale in ("auto", "range"):
            t = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf = QuarkClassifier(scale=scale, random_state=0).fit(Xtr, ytr)
            secs = time.perf_counter() - t
            print(f"{name:12s} linear (defaults) scale={scale!r:8s} test {clf.score(Xte, yte):.4f}  "
                  f"train {clf.score(Xtr, ytr):.4f}  {secs:.1f} s", flush=True)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", action="store_true")
    ap.add_argument("--linear", action="store_true")
    ap.add_argument("--sweeps", type=int, default=2)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--mnist", action="store_true", help="the network on the bundled MNIST 14x14 instead of digits-10")
    args = ap.parse_args()
    if args.linear:
        linear()
    if args.network:
        network(args.sweeps, args.hidden, args.mnist)
