"""D-Wave's QBoost recipe (Neven et al. 2008; D-Wave's ``qboost`` example), written from its formulation.

Weak classifiers: one decision stump per feature (scikit-learn ``DecisionTreeClassifier(max_depth=1)``
on that feature alone), answering ±1, scaled by ``1 / N`` for ``N`` stumps. Binary selection weights
``w_i`` minimize the QUBO

    (1 / m) sum_s (sum_i w_i h_i(x_s) / N - y_s)**2 + lam * sum_i w_i

(``y`` in ±1), built as a dimod ``BinaryQuadraticModel`` and solved with dwave-samplers' simulated
annealing. The prediction is ``sign(sum_i w_i h_i(x) / N - offset)``, ``offset`` the mean of the
ensemble's output on the training data. ``lam`` is chosen as in the example: ten values
``linspace(0, 1.75, 10) / N`` tried on a random 60/40 split of the training data, the one with the best
held-out accuracy kept. Multi-class: one problem per class (one-vs-rest, largest ensemble output) or
per pair (one-vs-one, votes).

It is the peer Quark is measured against on real data (``benchmarks/real_data.py``,
``examples/digits.py``); Quark's own ``model="stumps"`` searches the same model by Grover search.
"""

from __future__ import annotations

import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from quark._validation import check_choice, check_int
from quark.optimizers.ledger import CostLedger

__all__ = ["QBoostClassifier"]


def _stumps(X: np.ndarray, t: np.ndarray) -> list:
    from sklearn.tree import DecisionTreeClassifier

    return [DecisionTreeClassifier(max_depth=1).fit(X[:, [i]], t) for i in range(X.shape[1])]


def _votes(stumps: list, X: np.ndarray) -> np.ndarray:
    return np.stack([s.predict(X[:, [i]]) for i, s in enumerate(stumps)], axis=1).astype(np.float64)


def qboost_bqm(H: np.ndarray, t: np.ndarray, lam: float):
    """The QBoost QUBO of scaled weak answers ``H`` ``(m, N)`` and ±1 targets ``t`` as a dimod BQM.

    Examples
    --------
    >>> H = np.array([[0.5, -0.5], [0.5, 0.5]]); t = np.array([1.0, 1.0])
    >>> bqm = qboost_bqm(H, t, 0.0)
    >>> float(round(bqm.energy({0: 1, 1: 0}), 3))  # mean of (0.5 - 1)**2 over the two samples
    0.25
    """
    import dimod

    m = len(H)
    linear = lam - 2.0 * (H.T @ t) / m + np.einsum("ij,ij->j", H, H) / m
    quadratic = np.triu(2.0 * (H.T @ H) / m, 1)
    return dimod.BinaryQuadraticModel(linear, quadratic, float(t @ t) / m, "BINARY")


class _BinaryQBoost:
    """One two-class problem: stumps, the penalty sweep, the selected weights."""

    def __init__(self, reads: int, seed: int, lambdas, ledger: CostLedger):
        self.reads, self.seed, self.lambdas, self.ledger = reads, seed, lambdas, ledger

    def _solve(self, H, t, lam):
        from dwave.samplers import SimulatedAnnealingSampler

        sampleset = SimulatedAnnealingSampler().sample(qboost_bqm(H, t, lam), num_reads=self.reads, seed=self.seed)
        sweeps = int(sampleset.info.get("num_sweeps", 0) or 1000)
        self.ledger.update(annealer_reads=self.reads, annealer_sweeps=self.reads * sweeps,
                           compile_evaluations=H.shape[0])
        return np.array([sampleset.first.sample[i] for i in range(H.shape[1])], dtype=np.float64)

    def fit(self, X, t):
        from sklearn.model_selection import train_test_split

        n = X.shape[1]
        lambdas = np.linspace(0.0, 1.75, 10) / n if self.lambdas is None else np.asarray(self.lambdas, dtype=float)
        Xa, Xv, ta, tv = train_test_split(X, t, test_size=0.4, random_state=self.seed)
        stumps = _stumps(Xa, ta)
        Ha, Hv = _votes(stumps, Xa) / n, _votes(stumps, Xv) / n
        self.ledger.update(model_evaluations=len(Xa) + len(Xv))   # every stump answers every sample once
        best = None
        for lam in lambdas:
            w = self._solve(Ha, ta, lam)
            offset = float(np.mean(Ha @ w))
            score = float(np.mean(np.where(Hv @ w - offset > 0, 1, -1) == tv)) if w.any() else 0.0
            self.ledger.update(model_evaluations=len(Xv))
            if best is None or score > best[0]:
                best = (score, lam, w, offset)
        _, self.lam_, self.w_, self.offset_ = best
        self.stumps_, self.n_ = stumps, n
        return self

    def decision(self, X):
        return _votes(self.stumps_, X) / self.n_ @ self.w_ - self.offset_


class QBoostClassifier(ClassifierMixin, BaseEstimator):
    """D-Wave's QBoost recipe as a scikit-learn classifier (see the module docstring).

    Parameters
    ----------
    multi_class : {"ovr", "ovo"}, default="ovr"
        The example's one-vs-rest, or one-vs-one problems (votes).
    reads : int, default=100
        Simulated-annealing reads per QUBO.
    lambdas : sequence of float, optional
        The penalties tried (default: the example's ``linspace(0, 1.75, 10) / N``).
    random_state : int, default=0
        Seeds the held-out split and the annealer.

    Attributes
    ----------
    classes_ : ndarray
    models_ : list
        One fitted problem per class (ovr) or pair (ovo): ``stumps_``, ``w_`` (selected), ``lam_``.
    ledger_ : CostLedger
        Annealer reads and sweeps, the QUBOs' data passes (``compile_evaluations``), stump evaluations.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = QBoostClassifier(reads=10).fit(X[:300], y[:300])
    >>> clf.score(X[300:], y[300:]) > 0.85, clf.ledger_.annealer_reads
    (True, 100)
    """

    def __init__(self, multi_class: str = "ovr", reads: int = 100, lambdas=None, random_state: int = 0):
        self.multi_class = multi_class
        self.reads = reads
        self.lambdas = lambdas
        self.random_state = random_state

    def fit(self, X, y):
        check_choice(self.multi_class, "multi_class", ("ovr", "ovo"))
        check_int(self.reads, "reads")
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.classes_ = C = np.unique(y)
        if len(C) < 2:
            raise ValueError(f"QBoostClassifier needs at least 2 classes in 'y'; got {len(C)}")
        if len(C) == 2:
            problems = [(np.ones(len(y), bool), C[1])]
        elif self.multi_class == "ovr":
            problems = [(np.ones(len(y), bool), c) for c in C]
        else:
            problems = [(np.isin(y, [C[i], C[j]]), C[j]) for i in range(len(C)) for j in range(i + 1, len(C))]
        self.ledger_ = CostLedger()
        start = time.perf_counter()
        self.models_ = [
            _BinaryQBoost(self.reads, int(self.random_state), self.lambdas, self.ledger_)
            .fit(X[rows], np.where(y[rows] == positive, 1.0, -1.0))
            for rows, positive in problems
        ]
        self.ledger_.wall_time_s = time.perf_counter() - start
        return self

    def decision_function(self, X) -> np.ndarray:
        """``(n,)`` for two classes; else per-problem outputs (ovr: per class) or votes (ovo)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        D = np.stack([m.decision(X) for m in self.models_], axis=1)
        C = self.classes_
        if len(C) == 2:
            return D[:, 0]
        if self.multi_class == "ovr":
            return D
        votes = np.zeros((len(X), len(C)))
        k = 0
        for i in range(len(C)):
            for j in range(i + 1, len(C)):
                votes[:, j] += D[:, k] > 0
                votes[:, i] += D[:, k] <= 0
                k += 1
        return votes

    def predict(self, X) -> np.ndarray:
        d = self.decision_function(X)
        if d.ndim == 1:
            return self.classes_[(d > 0).astype(int)]
        return self.classes_[np.argmax(d, axis=1)]
