"""One default fit against LogisticRegression, wall and CPU seconds side by side (docs/real_data.md#speed).

    python benchmarks/fit_speed.py digits            # digits-10, the 60/40 split with random_state=0
    python benchmarks/fit_speed.py mnist14           # the bundled MNIST 14x14
    python benchmarks/fit_speed.py digits --profile  # and where Quark's CPU seconds go, as shares of the fit
    python benchmarks/fit_speed.py digits --network  # model="quantized-mlp" at its defaults instead
    python benchmarks/fit_speed.py mnist14 --network --hidden 128 --float-start --scale range --sweeps 3

To time another version of Quark (e.g. the commit before a change) with the same script, run it with that
checkout first on the path: ``PYTHONPATH=/path/to/checkout python benchmarks/fit_speed.py digits``.
LogisticRegression's time is its best of three fits in the same process, before Quark's; CPU seconds count
every thread of the process (on a shared machine the wall clock measures the other jobs too).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from networks import stopped_after  # noqa: E402  (the networks benchmark's search settings)
from simulation_shortcuts import load  # noqa: E402  (the same digits-10 and MNIST 14x14 splits)


def main(argv=None) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from quark import QuarkClassifier

    args = parse_args(argv)
    Xtr, ytr, Xte, yte = load(args.data)

    def timed(est):
        t0, c0 = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(Xtr, ytr)
        return time.perf_counter() - t0, time.process_time() - c0

    lr = [timed(make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))) for _ in range(3)]
    lr_wall, lr_cpu = min(r[0] for r in lr), min(r[1] for r in lr)
    clf = QuarkClassifier(random_state=0, n_jobs=1, **network_options(args))
    prof = cProfile.Profile(time.process_time) if args.profile else None
    if prof is not None:
        prof.enable()
    wall, cpu = timed(clf)
    if prof is not None:
        prof.disable()
        print_shares(pstats.Stats(prof), NETWORK_SHARES if args.network else SHARES)
    out = {"data": args.data, "model": clf.model, "test_accuracy": float(clf.score(Xte, yte)), "wall_s": wall,
           "cpu_s": cpu, "logistic_wall_s": lr_wall, "logistic_cpu_s": lr_cpu}
    print(f"{args.data}, {' '.join(argv_label(args))}: Quark {out['test_accuracy']:.4f}, wall {wall:.2f} s "
          f"({wall / lr_wall:.1f}x LogisticRegression's {lr_wall:.3f} s), "
          f"CPU {cpu:.2f} s ({cpu / lr_cpu:.1f}x its {lr_cpu:.3f} s)")
    return out


def parse_args(argv=None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", choices=("digits", "mnist14"))
    ap.add_argument("--profile", action="store_true", help="profile Quark's fit (CPU clock) and print shares")
    ap.add_argument("--network", action="store_true", help="time model='quantized-mlp' (its defaults unless set below)")
    ap.add_argument("--hidden", type=int, help="the network's hidden units (default: the model's, 32)")
    ap.add_argument("--float-start", action="store_true", help="the network from start='float'")
    ap.add_argument("--scale", choices=("auto", "range"), default="auto", help="the classifier's scale")
    ap.add_argument("--sweeps", type=int, help="at most this many sweeps (the structured block search of "
                                                "docs/networks.md; default: the network's own, ten)")
    args = ap.parse_args(argv)
    if not args.network and (args.hidden or args.float_start or args.scale != "auto" or args.sweeps):
        ap.error("--hidden, --float-start, --scale and --sweeps set the network: add --network")
    return args


def network_options(args) -> dict:
    """The classifier's options for ``--network`` and its settings (none without it: the defaults)."""
    if not args.network:
        return {}
    kw: dict = {"model": "quantized-mlp", "scale": args.scale}
    if args.hidden:
        kw["model_options"] = {"hidden": args.hidden}
    if args.float_start:
        kw["start"] = "float"
    if args.sweeps:
        kw.update(stopped_after(args.sweeps))
    return kw


def argv_label(args) -> list[str]:
    """What was timed, in the command's own words."""
    if not args.network:
        return ["defaults"]
    settings = (("hidden", args.hidden), ("start", "float" if args.float_start else None),
                ("scale", None if args.scale == "auto" else args.scale), ("sweeps", args.sweeps))
    return ["network"] + [f"{k}={v}" for k, v in settings if v]


#: (share, (file suffix, function) whose cumulative time it is; a leading "-" subtracts)
SHARES = [
    ("Grover searches, all of it", [("optimizers/grover.py", "_search")]),
    ("· stopping rule (posterior updates, plans, next k)",
     [("optimizers/_stopping.py", "next_k"), ("optimizers/_stopping.py", "update"), ("optimizers/_stopping.py", "__init__")]),
    ("· Grover simulation (closed-form draws; whether a round's miss is certain)",
     [("backends/statevector.py", "__call__"), ("backends/statevector.py", "misses_certain")]),
    ("· restricted loss table and threshold index", [("backends/statevector.py", "prepare")]),
    ("· classical checks of measured settings", [("optimizers/base.py", "_check")]),
    ("· reported marked count (reached_optimum)", [("backends/statevector.py", "marked_count")]),
    ("block restriction (the block's quadratic form)",
     [("encoding/landscape.py", "restrict"), ("encoding/landscape.py", "_restrict_block")]),
    ("inner search set-up (copy, seeding, checks, result)",
     [("optimizers/block.py", "_run_inner"), ("-optimizers/grover.py", "_search")]),
    ("memory guard", [("quark/_memory.py", "check_fits")]),
    ("progress bars", [("optimizers/base.py", "_bar")]),
]


#: The same for ``--network``: its one search over the network's bits.
NETWORK_SHARES = [
    ("Grover searches, all of it", [("optimizers/grover.py", "_search")]),
    ("· a block's loss table (the unit kernel)", [("encoding/_network_kernels.py", "unit_table")]),
    ("block restriction (the fixed network around the block, the unit's per-level losses)",
     [("encoding/network.py", "restrict")]),
    ("· the cached forward pass of the fixed network", [("encoding/network.py", "_forward_state")]),
    ("the start (ridge output layer, or the float network and its rounding)",
     [("estimators/network.py", "_ridge_start"), ("estimators/network.py", "_float_start")]),
]


def print_shares(stats, shares=SHARES) -> None:
    """The profile's cumulative CPU seconds of each part of the fit, as shares of the whole fit."""
    def cum(suffix: str, func: str) -> float:
        return sum(row[3] for (path, _, name), row in stats.stats.items()
                   if path.replace("\\", "/").endswith(suffix) and name == func)

    network = shares is NETWORK_SHARES
    total = cum("estimators/network.py", "fit_network") if network else cum("estimators/problems.py", "fit_problems")
    what = "the network's fit" if network else "the problems' fits"
    print(f"profile (CPU clock, profiler overhead included): {what} {total:.2f} s")
    for label, parts in shares:
        seconds = sum(-cum(f[1:], g) if f.startswith("-") else cum(f, g) for f, g in parts)
        print(f"  {label}: {100 * seconds / total:.0f}%")


if __name__ == "__main__":
    main()
