"""The exact kernel's simulation shortcuts: a default fit with and without one, CPU seconds side by side,
results identical.

    python benchmarks/simulation_shortcuts.py digits                           # certain misses (the default)
    python benchmarks/simulation_shortcuts.py mnist14
    python benchmarks/simulation_shortcuts.py digits --shortcut deferred-tables
    python benchmarks/simulation_shortcuts.py mnist14 --shortcut deferred-tables --repeats 3 --profile

``certain-misses``: once nothing lies below a Grover search's threshold, every round left misses whatever it
would draw; the exact kernel says so and the search runs those rounds without simulating their draws and
checks (the same rounds, walk and charges). ``deferred-tables``: a squared-loss block's settings below a
threshold are enumerated inside the ellipsoid its convex loss makes (quark.encoding.ellipsoid) instead of
read off a 2**16-entry table built for every block step; the table is built only where that gives way (the
same settings, draws and checks). docs/real_data.md has both. After one untimed warm-up fit, the fits
alternate (with, without, with, ...) in one process, ``n_jobs=1``, and must agree exactly: predictions,
decision values, every problem's bits, loss, ledger and history. ``--profile`` prints the top entries (CPU
clock, tottime) of one more fit with the shortcut.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
import warnings

import numpy as np


def load(name: str):
    """``(X_train, y_train, X_test, y_test)``: digits-10 on its 60/40 stratified split (``random_state=0``), or
    the bundled MNIST 14x14 on its own split (also benchmarks/fit_speed.py's)."""
    if name == "digits":
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split

        X, y = load_digits(return_X_y=True)
        Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
        return Xtr, ytr, Xte, yte
    from quark.datasets import load_mnist

    (Xtr, ytr), (Xte, yte) = load_mnist(14, subset="train"), load_mnist(14, subset="test")
    return Xtr, ytr, Xte, yte


#: Each shortcut's switch on the exact kernel (a class attribute of StatevectorBackend, on by default).
SWITCHES = {"certain-misses": "_skip_certain_misses", "deferred-tables": "_defer_tables"}


def fit(Xtr, ytr, on: bool, shortcut: str = "certain-misses"):
    """One default fit, the shortcut on or off (a simulation switch of the exact kernel); CPU seconds."""
    from quark import QuarkClassifier
    from quark.backends.statevector import StatevectorBackend

    switch = SWITCHES[shortcut]
    setattr(StatevectorBackend, switch, on)
    try:
        clf = QuarkClassifier(random_state=0, n_jobs=1)
        c0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(Xtr, ytr)
        return clf, time.process_time() - c0
    finally:
        setattr(StatevectorBackend, switch, True)


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
    ap.add_argument("--shortcut", choices=tuple(SWITCHES), default="certain-misses",
                    help="which simulation shortcut to switch off and on (default: certain-misses)")
    ap.add_argument("--repeats", type=int, default=3, help="fits with and without, alternating (default 3 each)")
    ap.add_argument("--profile", action="store_true", help="then profile one fit with the shortcut (CPU clock)")
    args = ap.parse_args(argv)
    Xtr, ytr, Xte, yte = load(args.data)
    fit(Xtr, ytr, False, args.shortcut)  # warm-up, untimed: compiled kernels and shared posterior trees built once
    times = {True: [], False: []}
    prints = {}
    for _ in range(args.repeats):
        for on in (True, False):
            clf, cpu = fit(Xtr, ytr, on, args.shortcut)
            times[on].append(cpu)
            got = fingerprint(clf, Xte)
            if prints.setdefault(on, got) != got:
                raise RuntimeError("two seeded fits differ: the fit is not reproducible")
            steps = sum(r.info.get("block_steps") or 0 for r in clf.results_)
            print(f"  {'with' if on else 'without'} {args.shortcut}: CPU {cpu:.2f} s "
                  f"(test accuracy {clf.score(Xte, yte):.4f}, {steps} block steps)", flush=True)
    if prints[True] != prints[False]:
        raise RuntimeError(f"the fits with and without {args.shortcut} differ")
    with_, without = float(np.median(times[True])), float(np.median(times[False]))
    print(f"{args.data}: median CPU {with_:.2f} s with {args.shortcut}, {without:.2f} s without "
          f"({without / with_:.2f}x; best {min(times[True]):.2f} s and {min(times[False]):.2f} s); predictions, "
          "decision values, bits, losses, ledgers and histories identical")
    if args.profile:
        prof = cProfile.Profile(time.process_time)
        prof.enable()
        fit(Xtr, ytr, True, args.shortcut)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    return {"data": args.data, "shortcut": args.shortcut, "cpu_with_s": times[True], "cpu_without_s": times[False]}

if __name__ == "__main__":
    main()
