"""The cost ledger every optimizer fills: what a device (or a classical machine) would pay."""

from __future__ import annotations

import time
from typing import Any, Callable

__all__ = ["CostLedger", "LEDGER_FIELDS", "TIME_FIELDS"]

#: Counted costs, in the order reports print them. ``model_evaluations`` counts
#: (weight setting x training sample) forward passes: checking one setting on m samples costs m.
LEDGER_FIELDS: tuple[str, ...] = (
    "oracle_queries",
    "grover_iterations",
    "shots",
    "circuit_executions",
    "model_evaluations",
    "annealer_reads",
    "annealer_sweeps",
)

#: Measured, not counted: seconds of device time billed on real hardware (a D-Wave QPU's
#: ``qpu_access_time``, IBM Quantum usage). Zero on simulators.
TIME_FIELDS: tuple[str, ...] = ("qpu_time_s",)


class CostLedger:
    """Running totals of a search's costs, a history of (costs so far, best loss so far), a callback.

    Modelled on PennyLane's ``qml.Tracker``: backends and optimizers call :meth:`update` with the
    costs they incur; optimizers call :meth:`record` whenever the best loss may have changed.

    Attributes
    ----------
    oracle_queries, grover_iterations, shots, circuit_executions, model_evaluations,
    annealer_reads, annealer_sweeps : int
        Totals so far.
    qpu_time_s : float
        Device seconds billed by real hardware (D-Wave QPU access time, IBM Quantum usage).
    wall_time_s : float
        Seconds the search has run (final once the search returns).
    history : list of dict
        One snapshot per :meth:`record`: every total, ``wall_time_s`` and ``best_loss``.
    latest : dict
        The counts of the most recent :meth:`update`.

    Examples
    --------
    >>> led = CostLedger()
    >>> led.update(oracle_queries=3, shots=1)
    >>> led.update(shots=1)
    >>> led.shots, led.record(best_loss=0.25)["oracle_queries"]
    (2, 3)
    """

    def __init__(self, callback: Callable[[dict[str, Any]], None] | None = None) -> None:
        for name in LEDGER_FIELDS:
            setattr(self, name, 0)
        for name in TIME_FIELDS:
            setattr(self, name, 0.0)
        self.wall_time_s = 0.0
        self.history: list[dict[str, Any]] = []
        self.latest: dict[str, int] = {}
        self.callback = callback
        self._t0: float | None = None

    def update(self, **counts: float) -> None:
        """Add costs (non-negative integers; seconds for ``qpu_time_s``) to the totals."""
        for name, value in counts.items():
            if name not in LEDGER_FIELDS + TIME_FIELDS:
                raise ValueError(f"unknown ledger field {name!r}; expected one of {LEDGER_FIELDS + TIME_FIELDS}")
            if value < 0:
                raise ValueError(f"ledger counts must be non-negative; got {name}={value}")
            cast = float if name in TIME_FIELDS else int
            setattr(self, name, getattr(self, name) + cast(value))
        self.latest = dict(counts)

    def start(self) -> None:
        """Start (or restart) the wall clock."""
        self._t0 = time.perf_counter()

    def stop(self) -> None:
        """Freeze ``wall_time_s``."""
        self.wall_time_s = self.elapsed()
        self._t0 = None

    def elapsed(self) -> float:
        return self.wall_time_s if self._t0 is None else time.perf_counter() - self._t0

    def totals(self) -> dict[str, Any]:
        """Every counted field and ``wall_time_s``."""
        out: dict[str, Any] = {name: getattr(self, name) for name in LEDGER_FIELDS + TIME_FIELDS}
        out["wall_time_s"] = self.elapsed()
        return out

    as_dict = totals

    def record(self, best_loss: float, **extra: Any) -> dict[str, Any]:
        """Append a history snapshot (totals + ``best_loss`` + ``extra``) and call the callback."""
        snap = {**self.totals(), "best_loss": float(best_loss), **extra}
        self.history.append(snap)
        if self.callback is not None:
            self.callback(snap)
        return snap

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.totals().items())
        return f"CostLedger({body})"
