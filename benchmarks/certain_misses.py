"""The exact kernel's certain misses: a default fit with and without them, CPU seconds side by side, results identical.

    python benchmarks/certain_misses.py digits           # digits-10, the split of benchmarks/fit_speed.py
    python benchmarks/certain_misses.py mnist14          # the bundled MNIST 14x14
    python benchmarks/certain_misses.py digits --repeats 3 --profile

Once nothing lies below a Grover search's threshold, every round left misses whatever it would draw; the
exact kernel says so and the search runs those rounds without simulating their draws and checks (the same
rounds, walk and charges: docs/real_data.md). After one untimed warm-up fit, the fits alternate (with,
without, with, ...) in one process, ``n_jobs=1``, and must agree exactly: predictions, decision values,
every problem's bits, loss, ledger and history. ``--profile`` prints the top entries (CPU clock,
tottime) of one more fit with the shortcut.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
import warnings

import numpy as np


def load(name: str):
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
        return Xtr, ytr, Xte, yte
    from quark.datasets import load_mnist

    (Xtr, ytr), (Xte, yte) = load_mnist(14, subset="train"), load_mnist(14, subset="test")
    return Xtr, ytr, Xte, yte


def fit(Xtr, ytr, shortcut: bool):
    """One default fit, the shortcut on or off (a simulation switch of the exact kernel); CPU seconds."""
    from quark import QuarkClassifier
    from quark.backends.statevector import StatevectorBackend

    StatevectorBackend._skip_certain_misses = shortcut
    try:
        clf = QuarkClassifier(random_state=0, n_jobs=1)
        c0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(Xtr, ytr)
        return clf, time.process_time() - c0
    finally:
        StatevectorBackend._skip_certain_misses = True


def fingerprint(clf, Xte) -> tuple:
    """What must not change: predictions, decision values, every problem's bits, loss, ledger and history."""
    from quark.optimizers.ledger import LEDGER_FIELDS

    per = []
    for r in clf.results_:
        history = [{k: v for k, v in s.items() if k != "wall_time_s"} for s in r.history]
        per.append((r.bits.tobytes(), r.loss, tuple(getattr(r.ledger, f) for f in LEDGER_FIELDS),
                    repr(history), r.info.get("block_steps")))
    return (clf.predict(Xte).tobytes(), np.asarray(clf.decision_function(Xte)).tobytes(), repr(per))


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", choices=("digits", "mnist14"))
    ap.add_argument("--repeats", type=int, default=3, help="fits with and without, alternating (default 3 each)")
    ap.add_argument("--profile", action="store_true", help="then profile one fit with the shortcut (CPU clock)")
    args = ap.parse_args(argv)
    Xtr, ytr, Xte, yte = load(args.data)
    fit(Xtr, ytr, False)  # warm-up, untimed: compiled kernels and the shared posterior trees are built once
    times = {True: [], False: []}
    prints = {}
    for _ in range(args.repeats):
        for shortcut in (True, False):
            clf, cpu = fit(Xtr, ytr, shortcut)
            times[shortcut].append(cpu)
            got = fingerprint(clf, Xte)
            if prints.setdefault(shortcut, got) != got:
                raise RuntimeError("two seeded fits differ: the fit is not reproducible")
            steps = sum(r.info.get("block_steps") or 0 for r in clf.results_)
            print(f"  {'with' if shortcut else 'without'} the shortcut: CPU {cpu:.2f} s "
                  f"(test accuracy {clf.score(Xte, yte):.4f}, {steps} block steps)", flush=True)
    if prints[True] != prints[False]:
        raise RuntimeError("the fits with and without the shortcut differ")
    on, off = float(np.median(times[True])), float(np.median(times[False]))
    print(f"{args.data}: median CPU {on:.2f} s with the shortcut, {off:.2f} s without ({off / on:.2f}x; best "
          f"{min(times[True]):.2f} s and {min(times[False]):.2f} s); predictions, decision values, bits, losses, "
          "ledgers and histories identical")
    if args.profile:
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        fit(Xtr, ytr, True)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return {"data": args.data, "cpu_with_s": times[True], "cpu_without_s": times[False]}


if __name__ == "__main__":
    main()
