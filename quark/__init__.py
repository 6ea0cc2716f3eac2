"""Quark: gradient-free quantum machine learning.

Quantized classifiers whose training loss becomes a function of weight bits, searched with
Grover-style algorithms, annealing and exact references, with every cost counted.

``import quark`` is light: :class:`QuarkClassifier` (and scikit-learn with it) is imported on first use.
"""

from quark._version import __version__

__all__ = ["QuarkClassifier", "__version__"]


def __getattr__(name: str):
    if name == "QuarkClassifier":
        from quark.estimators import QuarkClassifier

        return QuarkClassifier
    raise AttributeError(f"module 'quark' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
