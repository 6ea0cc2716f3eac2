"""Memory estimates and the guard that refuses allocations that would not fit."""

from __future__ import annotations

import math
import os

from quark.exceptions import ProblemTooLargeError, format_bytes

__all__ = ["available_memory", "check_fits"]


def available_memory() -> int:
    """Bytes of memory available to a new allocation (``MemAvailable``; else total physical)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 * 1024**3


def check_fits(n_bytes: float, what: str, max_bytes: float | None = None) -> None:
    """Raise :class:`ProblemTooLargeError` when ``n_bytes`` exceeds ``max_bytes``.

    ``max_bytes`` defaults to 90% of :func:`available_memory` (``QUARK_MAX_MEMORY`` in bytes
    overrides it, e.g. for tests).
    """
    if max_bytes is None:
        env = os.environ.get("QUARK_MAX_MEMORY")
        max_bytes = _env_limit(env) if env else 0.9 * available_memory()
    elif isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, float)) or not math.isfinite(max_bytes) or max_bytes <= 0:
        raise ValueError(f"'max_memory' must be a positive finite number of bytes or None; got {max_bytes!r}")
    if not n_bytes <= max_bytes:  # also refuses a NaN estimate
        raise ProblemTooLargeError(
            f"{what} would need {n_bytes / 1024**3:.2f} GiB of memory, more than the "
            f"{format_bytes(max_bytes)} allowed here (90% of available memory, or QUARK_MAX_MEMORY)"
        )


def _env_limit(text: str) -> float:
    """``QUARK_MAX_MEMORY`` as bytes: a positive finite number, or an error (never a disabled guard)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"the environment variable QUARK_MAX_MEMORY must be a positive number of bytes; got {text!r}")
    return value
