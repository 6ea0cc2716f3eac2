"""The estimators users fit: :class:`QuarkClassifier` and the steps of its fit, one module each.

A fit flows one way through these modules:

- :mod:`~quark.estimators.data` — ``X``, ``y`` and weights checked, ``"auto"`` settings resolved, features
  prepared (:mod:`~quark.estimators.preprocessing`: scaling, binarization);
- :mod:`~quark.estimators.schemes` — the two-class problems of a task (one-vs-one, one-vs-rest) and how
  their margins combine;
- :mod:`~quark.estimators.routing` — the optimizer each problem runs;
- :mod:`~quark.estimators.problems` — every problem searched (:mod:`~quark.estimators.binary`: one
  problem, :mod:`~quark.estimators.scale`: a linear model's weight scale and start;
  :mod:`~quark.estimators.native`: one model of C output units; :mod:`~quark.estimators.network`: a network
  with hidden layers, fitted whole on every class);
- :mod:`~quark.estimators.combine` — one result for the task;
- :mod:`~quark.estimators.calibration` — probabilities from the decision values.
"""

from quark.estimators.classifier import DEFAULT_MAX_QUBITS, QuarkClassifier

__all__ = ["QuarkClassifier", "DEFAULT_MAX_QUBITS"]
