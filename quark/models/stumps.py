"""Decision stumps with binary selection weights: the weak-learner ensemble of QBoost."""

from __future__ import annotations

import numpy as np

from quark._validation import check_int
from quark.models.base import QuantizedModel

__all__ = ["DecisionStumps"]


class DecisionStumps(QuantizedModel):
    """``score = sum_f w_f h_f(x) / F`` over one decision stump per feature, ``w_f`` in {0, 1}.

    Stump ``f`` answers ``+1`` or ``-1`` by comparing feature ``f`` with a threshold (and a
    direction) chosen classically, before any search, as the single split of that feature with the
    best (weighted) training accuracy — D-Wave's QBoost recipe (Neven et al., 2008), where the
    search then *selects* stumps: the squared loss of the vote against the ±1 targets is an exact
    QUBO in the selection bits, and ``alpha`` (a penalty per selected stump) makes it sparse.

    An unfitted model (``thresholds=None``) is fitted by :meth:`prepare` on the training data.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 5.0], [1.0, 4.0], [2.0, 1.0], [3.0, 0.0]]); y = np.array([0, 0, 1, 1])
    >>> m = DecisionStumps().prepare(X, y)
    >>> m.predict(np.array([[1, 1]]), X).tolist()          # both stumps split the classes
    [[0, 0, 1, 1]]
    """

    name = "stumps"
    weight_kind = "binary"
    binary_input = False
    linear = True

    def __init__(self, thresholds=None, directions=None, max_thresholds: int = 32) -> None:
        self.thresholds = thresholds
        self.directions = directions
        self.max_thresholds = max_thresholds

    def n_weights(self, n_features: int) -> int:
        if n_features < 1:
            raise ValueError(f"model 'stumps' needs at least 1 feature; got {n_features}")
        if self.thresholds is not None and len(self.thresholds) != n_features:
            raise ValueError(f"these stumps were fitted on {len(self.thresholds)} features; got {n_features}")
        return n_features

    def prepare(self, X, y, sample_weight=None) -> "DecisionStumps":
        """A copy with one stump per feature fitted to ``(X, y)``: the best of up to ``max_thresholds``
        quantile thresholds and both directions, by weighted training accuracy."""
        check_int(self.max_thresholds, "max_thresholds", minimum=2)
        X = np.asarray(X, dtype=np.float64)
        t = 2.0 * np.asarray(y, dtype=np.float64) - 1.0
        sw = np.ones(len(t)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        qs = np.linspace(0.0, 1.0, self.max_thresholds + 2)[1:-1]
        thresholds = np.empty(X.shape[1])
        directions = np.empty(X.shape[1])
        for f in range(X.shape[1]):
            cand = np.unique(np.quantile(X[:, f], qs))
            votes = np.where(X[:, f][None, :] > cand[:, None], 1.0, -1.0)   # (thresholds, m)
            score = votes @ (sw * t)                                          # agreement with the targets
            j = int(np.argmax(np.abs(score)))
            thresholds[f], directions[f] = cand[j], (1.0 if score[j] >= 0 else -1.0)
        return DecisionStumps(tuple(thresholds.tolist()), tuple(directions.tolist()), self.max_thresholds)

    def features(self, X: np.ndarray) -> np.ndarray:
        if self.thresholds is None:
            raise ValueError("these decision stumps are not fitted: call prepare(X, y) (the classifier does)")
        X = np.asarray(X, dtype=np.float64)
        thr = np.asarray(self.thresholds)
        votes = np.where(X > thr[None, :], 1.0, -1.0) * np.asarray(self.directions)[None, :]
        return votes / X.shape[1]

    def decision(self, W: np.ndarray, X: np.ndarray) -> np.ndarray:
        return np.asarray(W, dtype=np.float64) @ self.features(X).T

    def weight_names(self, n_features: int) -> list[str]:
        return [f"stump{f}" for f in range(n_features)]

    def weight_images(self, weights, n_features: int, class_names=("0", "1")):
        from quark.models.base import WeightImage, _side

        s = _side(n_features)
        w = np.asarray(weights, dtype=float).ravel()
        return [WeightImage(w.reshape(s, s), f"{int(w.sum())} of {n_features} stumps selected")]
