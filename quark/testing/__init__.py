"""Conformance kits: any backend, model or optimizer — built-in or plug-in — checked by the tests the
built-ins pass (as ``dimod.testing`` does for samplers).

- :func:`check_grover_backend` — a backend's measured distribution against the exact closed form;
- :func:`check_model` — a model's forward pass, encoding, landscape and declared hooks;
- :func:`check_optimizer` — an optimizer's result, ledger, seeding and success rate;
- :func:`oracle_marks` — the settings a gate-level threshold oracle marks, read off an Aer statevector.
"""

from __future__ import annotations

from quark.testing.backends import check_grover_backend, threshold_distribution, total_variation
from quark.testing.models import check_model
from quark.testing.optimizers import check_optimizer
from quark.testing.oracles import oracle_marks

__all__ = ["check_grover_backend", "check_model", "check_optimizer", "oracle_marks", "threshold_distribution",
           "total_variation"]
