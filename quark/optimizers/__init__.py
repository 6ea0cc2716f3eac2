"""Optimizers over weight bit strings: quantum search, annealing and classical references.

Every optimizer is a parameter object (``get_params`` / ``set_params``, so ``sklearn.base.clone`` and
grid searches work) with one method, ``minimize(problem) -> SearchResult``. Found by name through
:mod:`quark.optimizers.registry` (plug-ins: entry-point group ``quark.optimizers``).
"""

from __future__ import annotations

from quark._progress import LongRunWarning
from quark.encoding.problem import SearchProblem, as_problem
from quark.optimizers.annealing import AnnealingSearch
from quark.optimizers.base import Optimizer, SearchWarning
from quark.optimizers.block import BlockSearch
from quark.optimizers.exhaustive import ExhaustiveSearch, RandomSearch
from quark.optimizers.grover import GroverAdaptiveSearch
from quark.optimizers.ledger import LEDGER_FIELDS, CostLedger
from quark.optimizers.quark_search import QuarkSearch
from quark.optimizers.registry import OPTIMIZERS, get_optimizer, optimizer_names, register_optimizer
from quark.optimizers.result import SearchResult
from quark.optimizers.start import NoSearch

__all__ = [
    "Optimizer",
    "AnnealingSearch",
    "GroverAdaptiveSearch",
    "QuarkSearch",
    "ExhaustiveSearch",
    "RandomSearch",
    "BlockSearch",
    "NoSearch",
    "CostLedger",
    "LEDGER_FIELDS",
    "SearchResult",
    "SearchProblem",
    "SearchWarning",
    "LongRunWarning",
    "as_problem",
    "OPTIMIZERS",
    "get_optimizer",
    "optimizer_names",
    "register_optimizer",
]
