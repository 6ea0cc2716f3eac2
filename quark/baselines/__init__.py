"""The gradient baselines Quark is compared with, filling the same :class:`~quark.optimizers.CostLedger`.

- :class:`VQCBaseline` -- qiskit-machine-learning's ``VQC`` trained by parameter-shift gradients
  (Adam), SPSA or COBYLA at finite shots on Aer, every shot counted by :class:`CountingSampler`;
  and its noiseless ceiling (exact probabilities and gradients, L-BFGS-B).
- :class:`TorchClassifierBaseline`, :class:`BinaryNetBaseline` (straight-through estimator) and
  :class:`LogisticBaseline` -- classical gradient training, counting model evaluations
  (extra ``torch`` for the first two).
- :class:`QBoostClassifier` -- D-Wave's QBoost recipe (decision stumps selected by a QUBO, solved
  by simulated annealing): the annealing peer on real data.
- :func:`gradient_variance` -- the barren-plateau measurement.

Heavy dependencies (qiskit-machine-learning, torch) are imported only when a baseline runs.
"""

from __future__ import annotations

from quark.baselines.classical import BinaryNetBaseline, LogisticBaseline, TorchClassifierBaseline
from quark.baselines.circuits import (
    READOUTS,
    RealCircuitSimulator,
    basis_feature_map,
    degeneracy_bound,
    vqc_ansatz,
    vqc_circuit,
)
from quark.baselines.counting import CountingSampler, circuit_cost, make_aer_sampler
from quark.baselines.qboost import QBoostClassifier
from quark.baselines.vqc import TRAINERS, VQCBaseline

__all__ = [
    "VQCBaseline",
    "TorchClassifierBaseline",
    "BinaryNetBaseline",
    "LogisticBaseline",
    "QBoostClassifier",
    "TRAINERS",
    "CountingSampler",
    "circuit_cost",
    "make_aer_sampler",
    "RealCircuitSimulator",
    "READOUTS",
    "basis_feature_map",
    "vqc_ansatz",
    "vqc_circuit",
    "degeneracy_bound",
]
