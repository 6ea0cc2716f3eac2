"""Optimizers over weight bit strings: quantum search, annealing and classical references."""

from __future__ import annotations

from quark.optimizers.annealing import AnnealingSearch
from quark.optimizers.base import Optimizer
from quark.optimizers.exhaustive import ExhaustiveSearch, RandomSearch
from quark.optimizers.grover import GroverAdaptiveSearch
from quark.optimizers.ledger import LEDGER_FIELDS, CostLedger
from quark.optimizers.problem import SearchProblem, as_problem
from quark.optimizers.quark_search import QuarkSearch
from quark.optimizers.result import SearchResult

__all__ = [
    "Optimizer",
    "AnnealingSearch",
    "GroverAdaptiveSearch",
    "QuarkSearch",
    "ExhaustiveSearch",
    "RandomSearch",
    "CostLedger",
    "LEDGER_FIELDS",
    "SearchResult",
    "SearchProblem",
    "as_problem",
    "OPTIMIZERS",
    "get_optimizer",
]

#: Optimizer classes by the string name the classifier and the command line accept.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (ExhaustiveSearch, RandomSearch, AnnealingSearch, GroverAdaptiveSearch, QuarkSearch)
}


def get_optimizer(name: str | Optimizer, **params) -> Optimizer:
    """An optimizer from its name, with its parameters; an instance passes through.

    Examples
    --------
    >>> get_optimizer("exhaustive")
    ExhaustiveSearch(random_state=None, verbose=False, callback=None)
    """
    if isinstance(name, Optimizer):
        return name
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[name](**params)
