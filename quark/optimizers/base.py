"""The optimizer template: coerce the problem, run the search, fill the ledger, wrap the result."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, ClassVar

import numpy as np

from quark._random import as_generator
from quark.encoding.bits import index_to_bits
from quark.optimizers.ledger import CostLedger
from quark.optimizers.problem import SearchProblem, as_problem
from quark.optimizers.result import SearchResult

__all__ = ["Optimizer", "check_positive_int", "device_time"]


def device_time(backend) -> float:
    """Device seconds a backend billed since last asked (plug-ins without the hook bill none)."""
    pop = getattr(backend, "pop_device_time", None)
    return float(pop()) if callable(pop) else 0.0


def check_positive_int(value, name: str, *, allow_none: bool = False) -> int | None:
    """Validate a positive integer parameter with a message that names it."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"'{name}' must be a positive integer; got {value!r}")
    return int(value)


class Optimizer(ABC):
    """Base class: subclasses implement :meth:`_search` only.

    Parameters
    ----------
    random_state : None, int or numpy Generator
        Seeds every random choice; an int makes :meth:`minimize` reproducible.
    verbose : bool
        Show a progress bar.
    callback : callable, optional
        Called with each history snapshot (a dict of costs so far and ``best_loss``).
    """

    name: ClassVar[str]

    def __init__(
        self,
        *,
        random_state=None,
        verbose: bool = False,
        callback: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.random_state = random_state
        self.verbose = verbose
        self.callback = callback

    def minimize(self, problem) -> SearchResult:
        """Search for the bit string of least loss.

        Parameters
        ----------
        problem : LossLandscape, dimod.BinaryQuadraticModel, dimod.BinaryPolynomial, QuadraticProgram or array
            See :func:`quark.optimizers.problem.as_problem`.

        Returns
        -------
        SearchResult
        """
        prob = as_problem(problem)
        rng = as_generator(self.random_state)
        ledger = CostLedger(callback=self.callback)
        ledger.start()
        try:
            index, loss, info = self._search(prob, ledger, rng)
        finally:
            ledger.stop()
        # an int index, or the bit array itself (problems wider than an int64 index)
        bits = np.asarray(index, dtype=np.uint8) if isinstance(index, np.ndarray) else index_to_bits(int(index), prob.n_qubits)
        return SearchResult(
            bits=bits,
            loss=float(loss),
            ledger=ledger,
            history=ledger.history,
            weights=prob.decode(bits),
            variables=list(prob.variables),
            info=info,
        )

    @abstractmethod
    def _search(
        self, problem: SearchProblem, ledger: CostLedger, rng: np.random.Generator
    ) -> tuple[int, float, dict[str, Any]]:
        """Return ``(best index or bit array, its loss, info)``, counting every cost in ``ledger``."""

    def get_params(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_params().items())})"
