"""One result type for every optimizer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from quark.encoding.bits import bits_to_index
from quark.optimizers.ledger import CostLedger

__all__ = ["SearchResult"]


@dataclass
class SearchResult:
    """The outcome of ``optimizer.minimize(problem)``.

    Attributes
    ----------
    bits : ndarray of uint8, shape (n_qubits,)
        The best bit string found (bit *i* is variable *i* of the problem).
    loss : float
        Its loss (energy), evaluated on the problem — never an annealer's or a circuit's estimate.
    ledger : CostLedger
        Everything the search paid.
    history : list of dict
        Snapshots of (costs so far, ``best_loss``), for convergence plots.
    weights : ndarray or None
        The decoded weights when the problem is a :class:`~quark.encoding.LossLandscape`.
    variables : list
        The problem's variable labels; ``variables[i]`` is bit ``i``.
    info : dict
        Optimizer-specific extras (measured counts, the empirical distribution, stop reason...).

    Examples
    --------
    >>> from quark.optimizers import ExhaustiveSearch
    >>> res = ExhaustiveSearch().minimize([3.0, 1.0, 2.0, 0.5])
    >>> res.bits.tolist(), res.loss, res.index
    ([1, 1], 0.5, 3)
    """

    bits: np.ndarray
    loss: float
    ledger: CostLedger
    history: list[dict[str, Any]] = field(default_factory=list)
    weights: np.ndarray | None = None
    variables: list = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def index(self) -> int:
        """Integer index of :attr:`bits` (bit *i* = ``(index >> i) & 1``)."""
        return int(bits_to_index(self.bits))

    @property
    def sample(self) -> dict:
        """``{variable label: bit}``, as dimod reports samples."""
        return {v: int(b) for v, b in zip(self.variables, self.bits)}

    def __repr__(self) -> str:
        w = "" if self.weights is None else f", weights={np.asarray(self.weights).tolist()}"
        return f"SearchResult(loss={self.loss:.6g}, bits={self.bits.tolist()}{w}, ledger={self.ledger!r})"
