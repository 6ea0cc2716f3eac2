"""Quark: gradient-free quantum machine learning.

Quantized classifiers whose training loss becomes a function of weight bits, searched with
Grover-style algorithms, annealing and exact references, with every cost counted.
"""

from quark._version import __version__
from quark.classifier import QuarkClassifier

__all__ = ["QuarkClassifier", "__version__"]
