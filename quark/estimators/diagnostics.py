"""What a fitted classifier says about itself on its training data, when the user needs a word.

A model that predicts one class on every training sample, or whose recall on a rarer class is far
below its recall on a more frequent one, has most likely traded the rare class for the training loss —
the usual sign of imbalanced classes, and of weights too coarse to separate them (1- or 2-bit weights
collapse to the majority class). :func:`warn_one_sided` says so, with the recalls, and names
``class_weight="balanced"`` when no class weights were given.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["FitWarning", "warn_one_sided", "RECALL_RATIO"]

#: A class whose training recall is below this fraction of the best-recalled more frequent class's is
#: "far below" it.
RECALL_RATIO = 0.5


class FitWarning(UserWarning):
    """The fitted model looks degenerate on its own training data (the message gives the evidence)."""


def warn_one_sided(y: np.ndarray, predicted: np.ndarray, classes: np.ndarray, class_weight) -> dict | None:
    """Warn when ``predicted`` (training predictions) holds one class only, or a rarer class's recall is far
    below a more frequent one's; returns the evidence (``None`` when there is nothing to say)."""
    counts = np.array([np.count_nonzero(y == c) for c in classes])
    recall = np.array([np.count_nonzero(predicted[y == c] == c) / n if n else 1.0 for c, n in zip(classes, counts)])
    seen = np.unique(predicted)
    label = np.asarray(classes).tolist()  # plain Python labels in the message (1, 'cat'), not np.int64(1)
    if seen.size == 1:
        evidence = {"one_class": seen[0]}
        text = (f"the fitted model predicts one class ({seen.tolist()[0]!r}) on every training sample "
                f"(class counts {dict(zip(label, counts.tolist()))})")
    else:
        worst = None
        for i in np.argsort(recall, kind="stable"):
            frequent = counts > counts[i]
            if frequent.any() and recall[i] < RECALL_RATIO * recall[frequent].max():
                j = int(np.flatnonzero(frequent)[np.argmax(recall[frequent])])
                worst = (int(i), j)
                break
        if worst is None:
            return None
        i, j = worst
        evidence = {"class": classes[i], "recall": float(recall[i]), "versus": classes[j], "versus_recall": float(recall[j])}
        text = (f"the fitted model recalls {recall[i]:.0%} of class {label[i]!r} ({counts[i]} training samples) "
                f"against {recall[j]:.0%} of class {label[j]!r} ({counts[j]} samples)")
    if class_weight is None:
        hint = ("; set class_weight='balanced' to weigh the classes equally in the loss (command line: "
                "--class-weight balanced), or give the weights more bits (weight_bits)")
    else:
        hint = f" despite class_weight={class_weight!r}; give the weights more bits (weight_bits) or another model"
    warnings.warn(f"QuarkClassifier: {text}{hint}", FitWarning, stacklevel=3)
    return evidence
