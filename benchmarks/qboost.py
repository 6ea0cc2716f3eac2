"""D-Wave's QBoost recipe (Neven et al. 2008; D-Wave's qboost example), written from its formulation.

Weak classifiers: one decision stump per feature (scikit-learn ``DecisionTreeClassifier(max_depth=1)``
on that feature alone), answering ±1, scaled by ``1 / N`` for ``N`` stumps. Binary selection weights
``w_i`` minimize the QUBO

    (1 / m) sum_s (sum_i w_i h_i(x_s) / N - y_s)**2 + lam * sum_i w_i

(``y`` in ±1), solved with dwave-samplers' simulated annealing. The prediction is
``sign(sum_i w_i h_i(x) / N - offset)`` with ``offset`` the mean of the ensemble's output on the
training data. ``lam`` is chosen as in the example: ten values ``linspace(0, 1.75, 10) / N`` tried on a
random 60/40 split of the training data, the one with the best held-out accuracy kept. Multi-class:
one problem per class (one-vs-rest, largest ensemble output) or per pair (one-vs-one, votes).

Used by ``benchmarks/real_data.py`` as the peer Quark is measured against.
"""

from __future__ import annotations

import numpy as np

__all__ = ["QBoostRecipe"]


def _stumps(X: np.ndarray, y: np.ndarray):
    from sklearn.tree import DecisionTreeClassifier

    return [DecisionTreeClassifier(max_depth=1).fit(X[:, [i]], y) for i in range(X.shape[1])]


def _votes(stumps, X: np.ndarray) -> np.ndarray:
    return np.stack([s.predict(X[:, [i]]) for i, s in enumerate(stumps)], axis=1).astype(np.float64)


def _bqm(H: np.ndarray, t: np.ndarray, lam: float):
    import dimod

    m = len(H)
    linear = lam - 2.0 * (H.T @ t) / m + np.einsum("ij,ij->j", H, H) / m
    quadratic = np.triu(2.0 * (H.T @ H) / m, 1)
    return dimod.BinaryQuadraticModel(linear, quadratic, float(t @ t) / m, "BINARY")


class _Binary:
    def __init__(self, reads: int, seed: int, lambdas=None):
        self.reads, self.seed, self.lambdas = reads, seed, lambdas

    def _solve(self, H, t, lam):
        from dwave.samplers import SimulatedAnnealingSampler

        ss = SimulatedAnnealingSampler().sample(_bqm(H, t, lam), num_reads=self.reads, seed=self.seed)
        return np.array([ss.first.sample[i] for i in range(H.shape[1])], dtype=np.float64)

    def fit(self, X, t):
        from sklearn.model_selection import train_test_split

        n = X.shape[1]
        lambdas = np.linspace(0.0, 1.75, 10) / n if self.lambdas is None else self.lambdas
        Xa, Xv, ta, tv = train_test_split(X, t, test_size=0.4, random_state=self.seed)
        stumps = _stumps(Xa, ta)
        Ha, Hv = _votes(stumps, Xa) / n, _votes(stumps, Xv) / n
        best = None
        for lam in lambdas:
            w = self._solve(Ha, ta, lam)
            offset = float(np.mean(Ha @ w))
            score = float(np.mean(np.where(Hv @ w - offset > 0, 1, -1) == tv)) if w.any() else 0.0
            if best is None or score > best[0]:
                best = (score, lam, w, offset)
        _, self.lam_, self.w_, self.offset_ = best
        self.stumps_, self.n_ = stumps, n
        return self

    def decision(self, X):
        return _votes(self.stumps_, X) / self.n_ @ self.w_ - self.offset_


class QBoostRecipe:
    """The recipe as a small classifier: ``fit(X, y)``, ``predict(X)``, ``score(X, y)``.

    Parameters
    ----------
    multi_class : {"ovr", "ovo"}
    reads : int
        Simulated-annealing reads per QUBO.
    lambdas : sequence of float, optional
        The penalties tried (default: the example's ``linspace(0, 1.75, 10) / N``).
    """

    def __init__(self, multi_class: str = "ovr", reads: int = 100, seed: int = 0, lambdas=None):
        self.multi_class, self.reads, self.seed, self.lambdas = multi_class, reads, seed, lambdas

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=np.float64), np.asarray(y)
        self.classes_ = np.unique(y)
        C = self.classes_
        if len(C) == 2:
            problems = [(np.ones(len(y), bool), C[1])]
        elif self.multi_class == "ovr":
            problems = [(np.ones(len(y), bool), c) for c in C]
        else:
            problems = [(np.isin(y, [C[i], C[j]]), C[j]) for i in range(len(C)) for j in range(i + 1, len(C))]
        self.models_ = [_Binary(self.reads, self.seed, self.lambdas).fit(X[rows], np.where(y[rows] == positive, 1.0, -1.0))
                        for rows, positive in problems]
        return self

    def predict(self, X):
        X = np.asarray(X, dtype=np.float64)
        C = self.classes_
        D = np.stack([m.decision(X) for m in self.models_], axis=1)
        if len(C) == 2:
            return np.where(D[:, 0] > 0, C[1], C[0])
        if self.multi_class == "ovr":
            return C[np.argmax(D, axis=1)]
        votes = np.zeros((len(X), len(C)))
        k = 0
        for i in range(len(C)):
            for j in range(i + 1, len(C)):
                votes[:, j] += D[:, k] > 0
                votes[:, i] += D[:, k] <= 0
                k += 1
        return C[np.argmax(votes, axis=1)]

    def score(self, X, y):
        return float(np.mean(self.predict(X) == np.asarray(y)))
