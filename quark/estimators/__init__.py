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

__all__ = ["QuarkClassifier", "DEFAULT_MAX_QUBITS"]


def __getattr__(name: str):
    # lazy: a worker process of a fit unpickles quark.estimators.problems, which must not pay for importing
    # scikit-learn (about a second) through the classifier it never uses
    if name in __all__:
        from quark.estimators import classifier

        return getattr(classifier, name)
    raise AttributeError(f"module 'quark.estimators' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
