"""One default fit against LogisticRegression, wall and CPU seconds side by side (docs/real_data.md#speed).

    python benchmarks/fit_speed.py digits            # digits-10, the 60/40 split with random_state=0
    python benchmarks/fit_speed.py mnist14           # the bundled MNIST 14x14

To time another version of Quark (e.g. the commit before a change) with the same script, run it with that
checkout first on the path: ``PYTHONPATH=/path/to/checkout python benchmarks/fit_speed.py digits``.
LogisticRegression's time is its best of three fits in the same process, before Quark's; CPU seconds count
every thread of the process (on a shared machine the wall clock measures the other jobs too).
"""

from __future__ import annotations

import argparse
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
    wall, cpu = timed(clf)
    out = {"data": args.data, "test_accuracy": float(clf.score(Xte, yte)), "wall_s": wall, "cpu_s": cpu,
           "logistic_wall_s": lr_wall, "logistic_cpu_s": lr_cpu}
    print(f"{args.data}: Quark {out['test_accuracy']:.4f}, wall {wall:.2f} s ({wall / lr_wall:.1f}x LogisticRegression's "
          f"{lr_wall:.3f} s), CPU {cpu:.2f} s ({cpu / lr_cpu:.1f}x its {lr_cpu:.3f} s)")
    return out


if __name__ == "__main__":
    main()
