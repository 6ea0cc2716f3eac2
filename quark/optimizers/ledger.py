"""The cost ledger every optimizer fills: what a device (or a classical machine) would pay."""

from __future__ import annotations

import operator
import time
from typing import Any, Callable

__all__ = ["CostLedger", "LEDGER_FIELDS", "TIME_FIELDS"]

#: Counted costs, in the order reports print them. ``model_evaluations`` counts
#: (weight setting x training sample) forward passes: checking one setting on m samples costs m.
#: ``compile_evaluations`` counts the model evaluations spent *building* the problem a search
#: runs on (the loss table behind a HUBO or a least-squares surrogate); a method's cost includes
#: what it had to compute before it could run, so reports add it to the model evaluations.
LEDGER_FIELDS: tuple[str, ...] = (
    "oracle_queries",
    "grover_iterations",
    "shots",
    "circuit_executions",
    "model_evaluations",
    "annealer_reads",
    "annealer_sweeps",
    "compile_evaluations",
)

#: Measured, not counted: seconds of device time billed on real hardware (a D-Wave QPU's
#: ``qpu_access_time``, IBM Quantum usage). Zero on simulators.
TIME_FIELDS: tuple[str, ...] = ("qpu_time_s",)
_FIELDS = LEDGER_FIELDS + TIME_FIELDS
_COUNTED = frozenset(LEDGER_FIELDS)
_TIMED = frozenset(TIME_FIELDS)
_read_fields = operator.attrgetter(*_FIELDS)


class CostLedger:
    """Running totals of a search's costs, a history of (costs so far, best loss so far), a callback.

    Modelled on PennyLane's ``qml.Tracker``. Optimizers write it — they alone: from what they asked
    a backend for and from the :class:`~quark.backends.base.Samples` it returned
    (:meth:`charge_samples`), and from every classical check they make; they call :meth:`record`
    whenever the best loss may have changed. Backends only report what they ran.

    Attributes
    ----------
    oracle_queries, grover_iterations, shots, circuit_executions, model_evaluations,
    annealer_reads, annealer_sweeps : int
        Totals so far.
    qpu_time_s : float or None
        Device seconds billed by real hardware (D-Wave QPU access time, IBM Quantum usage);
        ``None`` once a device did not report what it billed (unknown, never silently 0).
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

    def update(self, **counts: float | None) -> None:
        """Add costs (non-negative integers; seconds for ``qpu_time_s``, where ``None`` means unknown)."""
        for name, value in counts.items():
            timed = name in _TIMED
            if not timed and name not in _COUNTED:
                raise ValueError(f"unknown ledger field {name!r}; expected one of {_FIELDS}")
            if value is None and timed:
                setattr(self, name, None)  # unknown from now on
                continue
            if value < 0:
                raise ValueError(f"ledger counts must be non-negative; got {name}={value}")
            if timed:
                current = getattr(self, name)
                setattr(self, name, None if current is None else current + float(value))
            else:
                if isinstance(value, float) and not float(value).is_integer():
                    raise ValueError(f"ledger counts are whole numbers; got {name}={value}")
                setattr(self, name, getattr(self, name) + int(value))
        self.latest = dict(counts)

    def add(self, part: "CostLedger") -> None:
        """Add every count and time of another ledger (a block step's, a sub-problem's) to this one."""
        self.update(**{f: getattr(part, f) for f in _FIELDS})

    def charge_samples(self, samples, iterations: int) -> None:
        """Charge one backend call: ``shots`` measurements of a circuit with ``iterations`` Grover rounds.

        ``oracle_queries += iterations * shots`` (every shot re-runs the circuit),
        ``grover_iterations += iterations`` (the circuit's depth in rounds), ``shots``,
        ``circuit_executions`` and the device seconds the backend reported.
        """
        iterations, shots = int(iterations), int(samples.shots)
        if iterations < 0 or shots < 0 or samples.circuit_executions < 0:
            raise ValueError(f"ledger counts must be non-negative; got iterations={iterations}, shots={shots}")
        # the hot path of every Grover round: direct additions (the fields are known)
        self.oracle_queries += iterations * shots
        self.grover_iterations += iterations
        self.shots += shots
        self.circuit_executions += int(samples.circuit_executions)
        if samples.device_time_s is None or self.qpu_time_s is None:
            self.qpu_time_s = None
        elif samples.device_time_s:
            self.qpu_time_s += float(samples.device_time_s)
        self.latest = {"oracle_queries": iterations * shots, "grover_iterations": iterations, "shots": shots,
                       "circuit_executions": int(samples.circuit_executions), "qpu_time_s": samples.device_time_s}

    def charge_evaluations(self, n: int) -> None:
        """Charge ``n`` model evaluations (classical checks of settings: m per setting)."""
        n = int(n)
        if n < 0:
            raise ValueError(f"ledger counts must be non-negative; got model_evaluations={n}")
        self.model_evaluations += n
        self.latest = {"model_evaluations": n}

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
        out: dict[str, Any] = dict(zip(_FIELDS, _read_fields(self)))  # (getattr of each, in one call)
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

    @property
    def total_model_evaluations(self) -> int:
        """Model evaluations including those spent compiling the problem: what a comparison should count."""
        return self.model_evaluations + self.compile_evaluations

    def __repr__(self) -> str:
        body = ", ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in self.totals().items())
        return f"CostLedger({body})"
