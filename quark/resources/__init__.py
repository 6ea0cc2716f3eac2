"""Resource estimates: what a fit or a search would need on Aer, an IBM device, or a fault-tolerant machine.

:func:`estimate` reads a fitted :class:`~quark.QuarkClassifier` (or a
:class:`~quark.optimizers.SearchResult` with its problem): the oracle queries and shots from its
ledger, the problems it queried, and the circuit of one query — the Grover iterate of the oracle the
gate-level backends build. It compiles that circuit for the target and counts it:

- ``"aer"``: Qiskit Aer's basis;
- an IBM device by name (``"fake_brisbane"``, offline) or backend object: basis gates, coupling map
  (routing included) and gate durations;
- ``"fault-tolerant"``: logical counts and physical qubits and runtime under stated surface-code
  assumptions, from Microsoft's resource estimator (``pip install 'quark-qml[resources]'``).

Modules: :mod:`~quark.resources.targets` (what a target is), :mod:`~quark.resources.counting` (one
query's circuit, compiled and counted, cached per distinct circuit),
:mod:`~quark.resources.fault_tolerant` (the estimator), :mod:`~quark.resources.estimate`.
"""

from __future__ import annotations

from quark.resources.counting import QueryOracle, clear_cache, count_query, query_circuit, query_oracle
from quark.resources.estimate import ResourceEstimate, estimate
from quark.resources.targets import TARGET_KINDS, resolve_target

__all__ = ["estimate", "ResourceEstimate", "resolve_target", "query_oracle", "QueryOracle", "query_circuit",
           "count_query", "clear_cache",
           "TARGET_KINDS"]
