"""Classical references: exhaustive search (the true optimum) and random search."""

from __future__ import annotations

import numpy as np

from quark.optimizers.base import Optimizer, check_positive_int

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

    def _search(self, problem, ledger, rng):
        table = problem.table(np.float64)
        ledger.update(model_evaluations=table.size * problem.evaluation_cost)
        best = int(np.argmin(table))
        loss = float(table[best])
        n_optima = int(np.count_nonzero(table <= loss + 1e-12))
        ledger.record(loss)
        return best, loss, {"n_optima": n_optima, "stop_reason": "exhausted"}


class RandomSearch(Optimizer):
    """Draw bit strings uniformly at random and keep the best (a classical baseline).

    Parameters
    ----------
    max_evaluations : int, optional
        Bit strings to draw; default ``ceil(sqrt(2**n))`` — the query budget of a Grover search.
    target_loss : float, optional
        Stop as soon as a drawn bit string reaches it.
    """

    name = "random"

    def __init__(self, max_evaluations: int | None = None, target_loss: float | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.max_evaluations = max_evaluations
        self.target_loss = target_loss

    def _search(self, problem, ledger, rng):
        budget = check_positive_int(self.max_evaluations, "max_evaluations", allow_none=True)
        if budget is None:
            budget = int(np.ceil(2 ** (problem.n_qubits / 2)))
        best, best_loss, drawn = 0, np.inf, 0
        batch = 1024
        while drawn < budget:
            k = min(batch, budget - drawn)
            idx = rng.integers(0, 1 << problem.n_qubits, size=k, dtype=np.int64)
            losses = problem.evaluate_indices(idx)
            if self.target_loss is not None:
                hit = np.flatnonzero(losses <= self.target_loss)
                if hit.size:  # a device would stop at the first hit, so count only up to it
                    k = int(hit[0]) + 1
                    idx, losses = idx[:k], losses[:k]
            ledger.update(model_evaluations=k * problem.evaluation_cost)
            drawn += k
            j = int(np.argmin(losses))
            if losses[j] < best_loss:
                best, best_loss = int(idx[j]), float(losses[j])
                ledger.record(best_loss)
            if self.target_loss is not None and best_loss <= self.target_loss:
                return best, best_loss, {"stop_reason": "target_loss", "evaluations": drawn}
        return best, best_loss, {"stop_reason": "budget", "evaluations": drawn}
