"""Any number of classes from two-class problems: one-vs-rest and one-vs-one.

- ``"ovr"``: one problem per class (that class against the rest); a sample goes to the class whose
  model gives it the largest margin.
- ``"ovo"``: one problem per pair of classes, trained on the samples of those two classes; a sample
  goes to the class with the most pairwise votes, ties broken by the summed margins (scaled into
  ``(-1/3, 1/3)`` so that they never outweigh a vote — scikit-learn's rule).

Measured on scikit-learn's digits (docs/real_data.md), one-vs-one wins for Quark's linear models:
the default ``multi_class="auto"`` uses it for more than two classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Subproblem", "subproblems", "combine", "SCHEMES"]

#: The schemes :class:`~quark.QuarkClassifier` accepts for ``multi_class`` (``"auto"`` resolves to one).
SCHEMES = ("auto", "ovr", "ovo", "native")


@dataclass(frozen=True)
class Subproblem:
    """One two-class problem: which rows it trains on and which of them are its positive class."""

    label: object          # the class (ovr), the pair (ovo), or None (a binary task)
    rows: np.ndarray       # indices into the training data
    positive: np.ndarray   # 0/1 per selected row


def subproblems(y: np.ndarray, classes: np.ndarray, scheme: str) -> list[Subproblem]:
    """The two-class problems of a scheme (two classes: one problem, ``classes[1]`` positive).

    Examples
    --------
    >>> y = np.array(["a", "b", "c", "a"])
    >>> [(p.label, p.rows.tolist(), p.positive.tolist()) for p in subproblems(y, np.unique(y), "ovo")]
    [(('a', 'b'), [0, 1, 3], [0, 1, 0]), (('a', 'c'), [0, 2, 3], [0, 1, 0]), (('b', 'c'), [1, 2], [0, 1])]
    """
    if len(classes) == 2:
        return [Subproblem(None, np.arange(len(y)), (y == classes[1]).astype(np.uint8))]
    labels = np.asarray(classes).tolist()  # plain Python labels for the problems' names
    if scheme == "ovr":
        return [Subproblem(lab, np.arange(len(y)), (y == c).astype(np.uint8)) for lab, c in zip(labels, classes)]
    if scheme == "ovo":
        out = []
        for i in range(len(classes)):
            for j in range(i + 1, len(classes)):
                rows = np.flatnonzero((y == classes[i]) | (y == classes[j]))
                out.append(Subproblem((labels[i], labels[j]), rows, (y[rows] == classes[j]).astype(np.uint8)))
        return out
    raise ValueError(f"no two-class decomposition for multi_class={scheme!r}")


def combine(margins: np.ndarray, scheme: str, n_classes: int) -> np.ndarray:
    """Per-class decision values ``(n, C)`` from the problems' margins ``(n, P)``; ``(n,)`` for two classes.

    Examples
    --------
    >>> combine(np.array([[1.0, -2.0, 0.5]]), "ovo", 3).round(3).tolist()   # pairs (0,1), (0,2), (1,2)
    [[1.167, 1.111, 0.8]]
    """
    if n_classes == 2:
        return margins[:, 0]
    if scheme == "ovr":
        return margins
    n = margins.shape[0]
    votes = np.zeros((n, n_classes))
    confidence = np.zeros((n, n_classes))
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            m = margins[:, k]
            votes[:, j] += m > 0
            votes[:, i] += m <= 0
            confidence[:, j] += m
            confidence[:, i] -= m
            k += 1
    # monotone squashing into (-1/3, 1/3): a confidence can break a tie of votes, never outweigh a vote
    return votes + confidence / (3.0 * (np.abs(confidence) + 1.0))
