"""No search: the start alone, so that what a search adds to its start can be measured."""

from __future__ import annotations

from typing import Any

import numpy as np

from quark._validation import check_choice
from quark.encoding.bits import as_bit_array
from quark.optimizers.base import Optimizer

__all__ = ["NoSearch", "INITS"]

#: Starting bit strings by name (an array is a start of its own).
INITS = ("zeros", "random")


def start_bits(init: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    """The bit string ``init`` stands for on an ``n``-bit problem: all zeros, uniformly random, or the
    array itself (checked: one string of ``n`` bits, 0s and 1s only)."""
    if isinstance(init, str):
        check_choice(init, "init", INITS)
        return np.zeros(n, dtype=np.uint8) if init == "zeros" else rng.integers(0, 2, size=n, dtype=np.uint8)
    start = as_bit_array(init, n, name="init")
    if start.ndim != 1:
        raise ValueError(f"'init' must be one bit string of {n} bits; got shape {start.shape}")
    return start.copy()


class NoSearch(Optimizer):
    """Return the start without searching (optimizer name ``"none"``): one classical check of its loss.

    The reference that measures a search's contribution: ``QuarkClassifier(optimizer="none")`` fits the
    classifier's start alone (the rounded ridge solution of a linear model, a random setting with
    ``start="random"``); its ledger holds no oracle query, shot or read — only the check of the start.

    Parameters
    ----------
    init : None, {"zeros", "random"} or array, default=None
        The bit string returned. ``None``: all zeros here; inside :class:`~quark.QuarkClassifier`, the
        classifier's start. Given explicitly it is always honoured.
    random_state, verbose, callback
        See :class:`~quark.optimizers.Optimizer`.

    Examples
    --------
    >>> import numpy as np
    >>> res = NoSearch(init=[1, 0]).minimize(np.array([3.0, 2.0, 1.0, 0.0]))
    >>> res.index, res.loss, res.ledger.oracle_queries, res.ledger.model_evaluations
    (1, 2.0, 0, 1)
    """

    name = "none"
    progress_unit = "model_evaluations"

    def __init__(self, init: Any = None, *, random_state=None, verbose: bool = False, callback=None) -> None:
        super().__init__(random_state=random_state, verbose=verbose, callback=callback)
        self.init = init

    def _validate(self) -> None:
        super()._validate()
        if isinstance(self.init, str):
            check_choice(self.init, "init", INITS)

    def _search(self, problem, ledger, rng):
        bits = start_bits("zeros" if self.init is None else self.init, problem.n_qubits, rng)
        loss = float(self._check(problem, bits[None, :], ledger, indices=False)[0])
        ledger.record(loss)
        return bits, loss, {"stop_reason": "start", "reached_optimum": None}
