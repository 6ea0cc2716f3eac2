"""One default fit against LogisticRegression, wall and CPU seconds side by side (docs/real_data.md#speed).

    python benchmarks/fit_speed.py digits            # digits-10, the 60/40 split with random_state=0
    python benchmarks/fit_speed.py mnist14           # the bundled MNIST 14x14
    python benchmarks/fit_speed.py digits --profile  # and where Quark's CPU seconds go, as shares of the fit

To time another version of Quark (e.g. the commit before a change) with the same script, run it with that
checkout first on the path: ``PYTHONPATH=/path/to/checkout python benchmarks/fit_speed.py digits``.
LogisticRegression's time is its best of three fits in the same process, before Quark's; CPU seconds count
every thread of the process (on a shared machine the wall clock measures the other jobs too).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
import warnings


def main(argv=None) -> dict:
    from sklearn.datasets import load_digits
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from quark import QuarkClassifier

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", choices=("digits", "mnist14"))
    ap.add_argument("--profile", action="store_true", help="profile Quark's fit (CPU clock) and print shares")
    args = ap.parse_args(argv)
    if args.data == "digits":
        X, y = load_digits(return_X_y=True)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
    else:
        from quark.datasets import load_mnist

        (Xtr, ytr), (Xte, yte) = load_mnist(14, subset="train"), load_mnist(14, subset="test")

    def timed(est):
        t0, c0 = time.perf_counter(), time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est.fit(Xtr, ytr)
        return time.perf_counter() - t0, time.process_time() - c0

    lr = [timed(make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))) for _ in range(3)]
    lr_wall, lr_cpu = min(r[0] for r in lr), min(r[1] for r in lr)
    clf = QuarkClassifier(random_state=0, n_jobs=1)
    prof = cProfile.Profile(time.process_time) if args.profile else None
    if prof is not None:
        prof.enable()
    wall, cpu = timed(clf)
    if prof is not None:
        prof.disable()
        print_shares(pstats.Stats(prof))
    out = {"data": args.data, "test_accuracy": float(clf.score(Xte, yte)), "wall_s": wall, "cpu_s": cpu,
           "logistic_wall_s": lr_wall, "logistic_cpu_s": lr_cpu}
    print(f"{args.data}: Quark {out['test_accuracy']:.4f}, wall {wall:.2f} s ({wall / lr_wall:.1f}x LogisticRegression's "
          f"{lr_wall:.3f} s), CPU {cpu:.2f} s ({cpu / lr_cpu:.1f}x its {lr_cpu:.3f} s)")
    return out


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


def print_shares(stats) -> None:
    """The profile's cumulative CPU seconds of each part of the fit, as shares of the whole fit."""
    def cum(suffix: str, func: str) -> float:
        return sum(row[3] for (path, _, name), row in stats.stats.items()
                   if path.replace("\\", "/").endswith(suffix) and name == func)

    total = cum("estimators/problems.py", "fit_problems")
    print(f"profile (CPU clock, profiler overhead included): the problems' fits {total:.2f} s")
    for label, parts in SHARES:
        seconds = sum(-cum(f[1:], g) if f.startswith("-") else cum(f, g) for f, g in parts)
        print(f"  {label}: {100 * seconds / total:.0f}%")


if __name__ == "__main__":
    main()
