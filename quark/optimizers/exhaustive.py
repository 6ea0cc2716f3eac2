"""Classical references: exhaustive search (the true optimum) and random search."""

from __future__ import annotations

import math
import warnings

import numpy as np

from quark._validation import check_int, check_number
from quark.optimizers.base import Optimizer

__all__ = ["ExhaustiveSearch", "RandomSearch"]


class ExhaustiveSearch(Optimizer):
    """Evaluate every bit string classically; the exact minimum (ties: the lowest index).

    Costs ``2**n`` evaluations, each ``evaluation_cost`` model evaluations (``m`` samples for a
    landscape). ``info`` holds ``n_optima``, the number of bit strings that reach the minimum.

    Examples
    --------
    >>> import numpy as np
    >>> res = ExhaustiveSearch().minimize(np.array([2.0, 0.0, 1.0, 0.0]))
    >>> res.index, res.loss, res.info["n_optima"], res.ledger.model_evaluations
    (1, 0.0, 2, 4)
    """

    name = "exhaustive"
    exponential_cost = True
    progress_unit = "model_evaluations"

    def __init__(self, *, random_state=None, verbose: bool = False, callback=None) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)

    def _search(self, problem, ledger, rng):
        with self._bar(float(1 << problem.n_qubits), unit="setting") as bar:
            table = problem.table(np.float64, progress=self._timed(problem, bar))
        ledger.update(model_evaluations=table.size * problem.evaluation_cost)
        best = int(np.argmin(table))
        loss = float(table[best])
        if not math.isfinite(loss):
            raise ValueError(f"every loss of this problem is {loss}: it has no minimum to find (check the data's scale)")
        n_optima = int(np.count_nonzero(table <= loss + 1e-12 * max(1.0, abs(loss))))
        ledger.record(loss)
        return best, loss, {"n_optima": n_optima, "stop_reason": "exhausted", "reached_optimum": True}


class RandomSearch(Optimizer):
    """Draw bit strings uniformly at random and keep the best (a classical baseline).

    Parameters
    ----------
    max_queries : int, optional
        Bit strings to draw; default ``ceil(sqrt(2**n))`` — the query budget of a Grover search. Never
        more than ``4 N`` (``N = 2**n``; a warning says so): past that, exhaustive search is cheaper.
    target_loss : float, optional
        Stop as soon as a drawn bit string reaches it.
    """

    name = "random"
    progress_unit = "model_evaluations"

    def __init__(self, max_queries: int | None = None, target_loss: float | None = None, *, random_state=None,
                 verbose: bool = False, callback=None) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)
        self.max_queries = max_queries
        self.target_loss = target_loss

    def _validate(self) -> None:
        super()._validate()
        check_int(self.max_queries, "max_queries", allow_none=True)
        check_number(self.target_loss, "target_loss", allow_none=True, allow_inf=True)

    def _search(self, problem, ledger, rng):
        n = problem.n_qubits
        budget = self.max_queries
        if budget is None:
            budget = int(np.ceil(2 ** (n / 2)))
        elif n <= 62 and budget > 4 * (1 << n):
            warnings.warn(
                f"max_queries={budget} exceeds 4 N = {4 * (1 << n)} draws for {n} qubits, where checking all "
                f"{1 << n} settings (ExhaustiveSearch) is cheaper; capped at {4 * (1 << n)}",
                UserWarning, stacklevel=4,
            )
            budget = 4 * (1 << n)
        best, best_loss, drawn = None, np.inf, 0
        batch = 1024
        with self._bar(budget, unit="setting") as bar:
            while drawn < budget:
                k = min(batch, budget - drawn)
                bits = rng.integers(0, 2, size=(k, n), dtype=np.uint8)
                losses = problem.evaluate(bits)
                if self.target_loss is not None:
                    hit = np.flatnonzero(losses <= self.target_loss)
                    if hit.size:  # a device would stop at the first hit, so count only up to it
                        k = int(hit[0]) + 1
                        bits, losses = bits[:k], losses[:k]
                ledger.update(model_evaluations=k * problem.evaluation_cost)
                drawn += k
                bar.update(k)
                j = int(np.argmin(losses))
                if best is None or losses[j] < best_loss:
                    best, best_loss = bits[j].copy(), float(losses[j])
                    ledger.record(best_loss)
                if self.target_loss is not None and best_loss <= self.target_loss:
                    return best, best_loss, {"stop_reason": "target_loss", "evaluations": drawn, "reached_optimum": None}
        return best, best_loss, {"stop_reason": "budget", "evaluations": drawn, "reached_optimum": None}
