"""One progress mechanism for every search: a tqdm bar on stderr, or nothing."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar", "NullBar", "TimedProgress", "LongRunWarning", "LONG_RUN_S", "format_duration"]


class NullBar:
    """The bar of a quiet search: every call does nothing."""

    n = 0
    total = None

    def update(self, n: float = 1) -> None:
        pass

    def set_postfix(self, **kwargs: Any) -> None:
        pass

    def set_description(self, desc: str) -> None:
        pass

    def reset(self, total: float | None = None) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> "NullBar":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress_bar(enabled: bool, *, total: float | None = None, desc: str = "", unit: str = "it"):
    """A tqdm bar on stderr when ``enabled``, else a :class:`NullBar` (same methods, no output).

    Examples
    --------
    >>> with progress_bar(False, total=10) as bar:
    ...     bar.update(3)
    """
    if not enabled:
        return NullBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=True, dynamic_ncols=True)


#: A table fill estimated to take longer than this (seconds) is announced by a :class:`LongRunWarning`.
LONG_RUN_S = 60.0
# The estimate is taken once the fill has run this long (enough chunks for a steady rate).
_PROBE_S = 1.0


class LongRunWarning(UserWarning):
    """A search will run long: the message gives the estimated time and what would be faster."""


def format_duration(seconds: float) -> str:
    """``'45 s'``, ``'12 min'``, ``'3.2 h'``, ``'5.1 days'``."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


class TimedProgress:
    """A ``progress(n)`` callback for a long fill: moves ``bar`` and, once the rate is known, warns (once)
    with the estimated time left when the whole fill would take longer than ``long_s``.

    Examples
    --------
    >>> p = TimedProgress(1000, "the loss table of 10 qubits")
    >>> p(500); p(500); p.done
    1000
    """

    def __init__(self, total: float, what: str, bar: Any = None, *, long_s: float | None = None,
                 advice: str = "") -> None:
        import time

        self.total, self.what, self.bar, self.advice = float(total), what, bar, advice
        self.long_s = LONG_RUN_S if long_s is None else float(long_s)
        self.done, self.decided = 0, False
        self._clock = time.perf_counter
        self._t0 = self._clock()

    def __call__(self, n: float) -> None:
        self.done += int(n)
        if self.bar is not None:
            self.bar.update(n)
        if self.decided or not 0 < self.done < self.total:
            return
        elapsed = self._clock() - self._t0
        if elapsed < _PROBE_S:
            return
        self.decided = True
        left = elapsed * (self.total - self.done) / self.done
        if elapsed + left > self.long_s:
            import warnings

            warnings.warn(
                f"{self.what} will take about {format_duration(left)} more ({self.done:,} of {self.total:,.0f} "
                f"settings in {elapsed:.1f} s){'; ' + self.advice if self.advice else ''}",
                LongRunWarning, stacklevel=_user_stacklevel(),
            )


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside Quark (the user's line)."""
    frame, level = sys._getframe(1), 1
    while frame is not None and frame.f_globals.get("__name__", "").partition(".")[0] == "quark":
        frame, level = frame.f_back, level + 1
    return level
