"""The float ceiling on the network benchmark's splits: how accurate any float model measured here gets.

``python benchmarks/networks.py --ceiling`` (digits-10) and ``--ceiling --mnist`` (MNIST 14x14) run it
on exactly the splits of :func:`networks.datasets`. Every method has a small grid of settings, crossed
with two input preprocessings: ``standardized`` (per feature, as Quark's ``scale="auto"`` does) and
``pixels / max`` (one global factor for all features: the pixel geometry kept). For every method two
test accuracies are reported:

- **CV-chosen**: the setting with the best 3-fold stratified cross-validation accuracy on the *training*
  set (at seed 0), scored on the test set (mean over seeds 0-2 where several run). This is the number a
  model selection could honestly claim.
- **best over the grid**: the highest test accuracy of any setting and seed. No model selection could
  claim it: it is an upper bound, chosen on the test set.

The scaler is fitted inside each fold, never on the held-out part.
"""

from __future__ import annotations

import itertools
import time
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin

SEEDS = (0, 1, 2)


class GlobalScale(TransformerMixin, BaseEstimator):
    """Divide every feature by the training set's largest absolute value (one factor for all features)."""

    def fit(self, X, y=None):
        self.top_ = float(np.abs(X).max()) or 1.0
        return self

    def transform(self, X):
        return np.asarray(X, dtype=float) / self.top_


class TorchMLP(ClassifierMixin, BaseEstimator):
    """A small torch MLP (ReLU, dropout, AdamW weight decay, mini-batches of 64), CPU, fixed epochs."""

    def __init__(self, hidden=512, dropout=0.2, weight_decay=1e-4, epochs=60, lr=1e-3, random_state=0):
        self.hidden, self.dropout, self.weight_decay = hidden, dropout, weight_decay
        self.epochs, self.lr, self.random_state = epochs, lr, random_state

    def fit(self, X, y):
        import torch

        torch.manual_seed(self.random_state)
        torch.set_num_threads(1)
        self.classes_, yi = np.unique(y, return_inverse=True)
        self.net_ = torch.nn.Sequential(torch.nn.Linear(X.shape[1], self.hidden), torch.nn.ReLU(),
                                        torch.nn.Dropout(self.dropout),
                                        torch.nn.Linear(self.hidden, len(self.classes_)))
        opt = torch.optim.AdamW(self.net_.parameters(), lr=self.lr, weight_decay=self.weight_decay)
        Xt, yt = torch.tensor(X, dtype=torch.float32), torch.tensor(yi)
        gen = torch.Generator().manual_seed(self.random_state)
        self.net_.train()
        for _ in range(self.epochs):
            for idx in torch.randperm(len(yt), generator=gen).split(64):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(self.net_(Xt[idx]), yt[idx]).backward()
                opt.step()
        self.net_.eval()
        return self

    def predict(self, X):
        import torch

        with torch.no_grad():
            s = self.net_(torch.tensor(X, dtype=torch.float32)).numpy()
        return self.classes_[s.argmax(axis=1)]


def _grid(**axes) -> list[dict]:
    return [dict(zip(axes, v)) for v in itertools.product(*axes.values())]


def methods(mnist: bool, quick: bool) -> dict:
    """``name: (factory(config, seed) -> estimator, grid, seeds)``: MLPClassifier at seed 0 (time); MNIST: one MLP
    width, the torch MLP at seed 0 too."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.neural_network import MLPClassifier
    from sklearn.svm import SVC

    if quick:
        mlp = _grid(hidden=[(64,)], alpha=[1e-4, 1.0], early_stopping=[False, True])
    elif mnist:
        mlp = _grid(hidden=[(512,)], alpha=[1e-4, 1.0], early_stopping=[False])
    else:
        mlp = _grid(hidden=[(64,), (256,), (1024,), (256, 128)], alpha=[1e-4, 1.0], early_stopping=[False, True])
    return {
        "LogisticRegression": (lambda c, s: LogisticRegression(C=c["C"], max_iter=3000),
                               _grid(C=[0.01, 0.1, 1.0, 10.0]), (0,)),
        "k-nearest neighbours": (lambda c, s: KNeighborsClassifier(c["k"], weights=c["weights"]),
                                 _grid(k=[1, 3, 5, 7, 9], weights=["uniform", "distance"]), (0,)),
        # gamma as a multiple of sklearn's "scale" (1 / (n_features * X.var())): the grid moves with the preprocessing
        "SVC (RBF)": (lambda c, s: SVC(C=c["C"], gamma=c["gamma"]),
                      _grid(C=[1.0, 10.0, 100.0], gamma=[0.5, 1.0, 2.0]), (0,)),
        "MLPClassifier": (lambda c, s: MLPClassifier(c["hidden"], alpha=c["alpha"], early_stopping=c["early_stopping"],
                                                     max_iter=200 if quick else (500 if mnist else 300),
                                                     random_state=s),
                          mlp, (0,)),
        "torch MLP (dropout, AdamW)": (
            lambda c, s: TorchMLP(c["hidden"], dropout=c["dropout"], weight_decay=c["weight_decay"],
                                  epochs=3 if quick else 60, random_state=s),
            _grid(hidden=[512], dropout=[0.2, 0.5], weight_decay=[1e-4, 1e-2]), (0,) if mnist else SEEDS),
    }


def _fit_score(est, Xtr, ytr, Xte, yte) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence warnings: max_iter is part of the setting
        return float(est.fit(Xtr, ytr).score(Xte, yte))


def _resolve(c: dict, X) -> dict:
    """``gamma`` as a multiple of 1 / (n_features * X.var()) on the preprocessed training data."""
    return {**c, "gamma": c["gamma"] / (X.shape[1] * X.var())} if "gamma" in c else c


def _select(factory, grid, seeds, prep, Xtr, ytr, Xte, yte) -> dict:
    from sklearn.model_selection import StratifiedKFold

    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(Xtr, ytr))
    t = time.perf_counter()
    scored = []
    for c in grid:
        cv = []
        for tr, va in folds:
            p = prep().fit(Xtr[tr])
            cv.append(_fit_score(factory(_resolve(c, p.transform(Xtr[tr])), 0), p.transform(Xtr[tr]), ytr[tr],
                                 p.transform(Xtr[va]), ytr[va]))
        p = prep().fit(Xtr)
        A, B = p.transform(Xtr), p.transform(Xte)
        tests = [_fit_score(factory(_resolve(c, A), s), A, ytr, B, yte) for s in seeds]
        scored.append((float(np.mean(cv)), c, tests))
    cv, chosen, tests = max(scored, key=lambda r: r[0])  # first of equal CV scores: the grid's order
    best = max(((max(ts), c) for _, c, ts in scored), key=lambda r: r[0])
    return {"cv": cv, "chosen": chosen, "test": float(np.mean(tests)), "test_seeds": tests,
            "best_test": best[0], "best_config": best[1], "n_configs": len(grid) * len(seeds),
            "seconds": time.perf_counter() - t}


def ceiling(data: dict, quick: bool, mnist: bool) -> list[dict]:
    """Every method x preprocessing on the last data set of ``data`` (digits-10, or MNIST 14x14)."""
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import SVC

    name = list(data)[-1]
    Xtr, Xte, ytr, yte = data[name]
    rows = []
    for prep_name, prep in (("standardized", StandardScaler), ("pixels / max", GlobalScale)):
        p = prep().fit(Xtr)
        t = time.perf_counter()
        default = _fit_score(SVC(), p.transform(Xtr), ytr, p.transform(Xte), yte)
        rows.append({"data": name, "method": "SVC (RBF), sklearn defaults", "prep": prep_name, "cv": None,
                     "chosen": {"C": 1.0, "gamma": 1.0}, "test": default, "test_seeds": [default], "best_test": default,
                     "best_config": {"C": 1.0, "gamma": 1.0}, "n_configs": 1, "seconds": time.perf_counter() - t})
        for method, (factory, grid, seeds) in methods(mnist, quick).items():
            r = {"data": name, "method": method, "prep": prep_name,
                 **_select(factory, grid, seeds, prep, Xtr, ytr, Xte, yte)}
            rows.append(r)
            print(f"{name:20s} {method:28s} {prep_name:13s} CV {r['cv']:.4f} -> test {r['test']:.4f} "
                  f"(best over grid {r['best_test']:.4f})  {r['seconds']:.0f} s", flush=True)
    return rows


def _cfg(c: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in c.items())


def markdown(rows: list[dict], quark_rows: list[dict]) -> list[str]:
    lines = ["**The float ceiling** (`--ceiling`): CV-chosen = the setting with the best 3-fold CV accuracy on "
             "the training set, its test accuracy (mean over seeds 0-2 where a row lists three); best over the grid = "
             "the highest test accuracy of any setting and seed (chosen on the test set: an upper bound). "
             "SVC's gamma is a multiple of 1 / (n_features * X.var()).", "",
             "| data | method | preprocessing | CV-chosen setting | CV accuracy | test (CV-chosen) | "
             "best test over grid | its setting | fits | s |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        cv = "" if r["cv"] is None else f"{r['cv']:.4f}"
        seeds = "" if len(r["test_seeds"]) == 1 else " (" + " / ".join(f"{t:.4f}" for t in r["test_seeds"]) + ")"
        lines.append(f"| {r['data']} | {r['method']} | {r['prep']} | {_cfg(r['chosen'])} | {cv} | "
                     f"{r['test']:.4f}{seeds} | "
                     f"{r['best_test']:.4f} | {_cfg(r['best_config'])} | {r['n_configs']} | {r['seconds']:.0f} |")
    if quark_rows:
        lines += ["", "**Quark's network pushed on digits-10** (`--ceiling --quark`; the block search "
                  "`order='structured', block_size=10`, sweeps as listed)", "",
                  "| data | input, options, sweeps | test accuracy | training error | loss (start -> searched) | "
                  "start error | fit s | oracle queries | block steps |", "|---|---|---|---|---|---|---|---|---|"]
        lines += [f"| {r['data']} | {r['method']} | {r['test']:.4f} | {r['train_error']:.4f} | "
                  f"{r['start_loss']:.4f} -> "
                  f"{r['loss']:.4f} | {r['start_error']:.4f} | {r['seconds']:.1f} | {r['oracle_queries']:,} | "
                  f"{r['block_steps']:,} |" for r in quark_rows]
    return lines
