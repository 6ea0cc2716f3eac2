"""Optimizers over weight bit strings: quantum search, annealing and classical references.

Every optimizer is a parameter object (``get_params`` / ``set_params``, so ``sklearn.base.clone`` and
grid searches work) with one method, ``minimize(problem) -> SearchResult``.
"""

from __future__ import annotations

from quark.encoding.problem import SearchProblem, as_problem
from quark.optimizers.annealing import AnnealingSearch
from quark.optimizers.base import Optimizer, SearchWarning
from quark.optimizers.block import BlockSearch
from quark.optimizers.exhaustive import ExhaustiveSearch, RandomSearch
from quark.optimizers.grover import GroverAdaptiveSearch
from quark.optimizers.ledger import LEDGER_FIELDS, CostLedger
from quark.optimizers.quark_search import QuarkSearch
from quark.optimizers.result import SearchResult

__all__ = [
    "Optimizer",
    "AnnealingSearch",
    "GroverAdaptiveSearch",
    "QuarkSearch",
    "ExhaustiveSearch",
    "RandomSearch",
    "BlockSearch",
    "CostLedger",
    "LEDGER_FIELDS",
    "SearchResult",
    "SearchProblem",
    "SearchWarning",
    "as_problem",
    "OPTIMIZERS",
    "get_optimizer",
]

#: Optimizer classes by the string name the classifier and the command line accept.
OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls
    for cls in (ExhaustiveSearch, RandomSearch, AnnealingSearch, GroverAdaptiveSearch, QuarkSearch, BlockSearch)
}


def get_optimizer(name: str | Optimizer, **params) -> Optimizer:
    """An optimizer from its name, with its parameters; an instance passes through.

    Examples
    --------
    >>> get_optimizer("exhaustive")
    ExhaustiveSearch(random_state=None, verbose=False, callback=None)
    """
    if isinstance(name, Optimizer):
        if params:
            raise TypeError("parameters apply only when the optimizer is given by name; use set_params on an instance")
        return name
    if not isinstance(name, str) or name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; expected one of {sorted(OPTIMIZERS)}")
    return OPTIMIZERS[name](**params)
