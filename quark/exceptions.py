"""Quark's error types: each subclasses the built-in type a caller would catch."""

from __future__ import annotations

__all__ = ["ProblemTooLargeError", "MissingDependencyError", "BackendConfigurationError", "format_bytes"]


class ProblemTooLargeError(MemoryError, ValueError):
    """A computation would need more memory (or terms) than allowed; the message says how much."""


class MissingDependencyError(ImportError):
    """An optional dependency is missing; the message names the extra that installs it."""


class BackendConfigurationError(RuntimeError):
    """A service (IBM Quantum, D-Wave) is not configured or cannot be reached; the message says how to fix it."""


def format_bytes(n: float) -> str:
    """``3.2 GiB``-style text for a byte count."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{int(n)} B"
        n /= 1024
    return f"{n:.1f} PiB"  # pragma: no cover
