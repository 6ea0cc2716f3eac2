"""Memory estimates and the guard that refuses allocations that would not fit.

What a process may still allocate is the least of what the machine has available (``MemAvailable``),
what its control group may still use (cgroup v2 ``memory.max`` or v1 ``memory.limit_in_bytes``, less
the group's usage but for its reclaimable page cache, at every level of the hierarchy) and what its
address-space limit leaves (``RLIMIT_AS`` less the process's current size). A limit that cannot be
read is skipped with its reason logged (logger ``"quark"``), never read as zero.
"""

from __future__ import annotations

import logging
import math
import os
from dataclasses import dataclass

from quark.exceptions import ProblemTooLargeError, format_bytes

__all__ = ["available_memory", "memory_limits", "MemoryLimit", "check_fits"]

logger = logging.getLogger("quark")

# Where the kernel's files are (tests point these at a fake tree).
_PROC = "/proc"
_CGROUP_ROOT = "/sys/fs/cgroup"
# cgroup v1 writes "no limit" as a huge number (PAGE_COUNTER_MAX pages): anything above this is none.
_UNLIMITED = 1 << 60


@dataclass(frozen=True)
class MemoryLimit:
    """One bound on what this process may allocate: ``bytes`` left under it, and where it comes from."""

    bytes: int
    source: str


def _read(path: str) -> str | None:
    """A kernel file's text, or ``None`` when it is absent (normal: no such limit here) or unreadable (logged)."""
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None
    except OSError as exc:  # permission, I/O: the limit is unknown, and the guard says so in the log
        logger.warning("memory guard: cannot read %s (%s: %s); this limit is not applied", path, type(exc).__name__, exc)
        return None


def _positive(value: int | None, what: str) -> int | None:
    if value is not None and value <= 0:
        # a reading of 0 bytes is not a machine that runs this code: a transient or broken reading
        logger.warning("memory guard: %s reads %d bytes; ignored (other limits still apply)", what, value)
        return None
    return value


def _meminfo() -> int | None:
    text = _read(f"{_PROC}/meminfo")
    for line in (text or "").splitlines():
        if line.startswith("MemAvailable:"):
            try:
                return _positive(int(line.split()[1]) * 1024, "MemAvailable")
            except (IndexError, ValueError):
                logger.warning("memory guard: cannot parse %r in %s/meminfo", line, _PROC)
                return None
    if text is not None:
        logger.warning("memory guard: %s/meminfo has no MemAvailable line", _PROC)
    return None


def _physical() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError) as exc:  # pragma: no cover - non-POSIX
        logger.warning("memory guard: physical memory unknown (%s); assuming 8 GiB", exc)
        return 8 * 1024**3


def _number(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    if text in ("max", ""):
        return None
    try:
        value = int(text)
    except ValueError:
        logger.warning("memory guard: cannot parse the cgroup value %r", text)
        return None
    return None if value >= _UNLIMITED else value


def _stat(path: str, key: str) -> int:
    for line in (_read(path) or "").splitlines():
        name, _, value = line.partition(" ")
        if name == key:
            try:
                return int(value)
            except ValueError:
                break
    return 0


def _cgroup_dirs() -> list[tuple[str, str]]:
    """``(directory, version)`` of this process's memory cgroup and its ancestors, innermost first."""
    text = _read(f"{_PROC}/self/cgroup")
    out: list[tuple[str, str]] = []
    for line in (text or "").splitlines():
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            version, base = "v2", _CGROUP_ROOT
        elif "memory" in controllers.split(","):
            version, base = "v1", f"{_CGROUP_ROOT}/memory"
        else:
            continue
        limit_file = "memory.max" if version == "v2" else "memory.limit_in_bytes"
        rel = path.strip().strip("/")
        # the hierarchy as mounted; in a cgroup namespace the own group is the mount's root
        while True:
            d = f"{base}/{rel}" if rel else base
            if os.path.exists(f"{d}/{limit_file}"):
                out.append((d, version))
            if not rel:
                break
            rel = rel.rpartition("/")[0]
    return out


def _cgroup() -> MemoryLimit | None:
    best: MemoryLimit | None = None
    for d, version in _cgroup_dirs():
        if version == "v2":
            limit, usage = _number(_read(f"{d}/memory.max")), _number(_read(f"{d}/memory.current"))
            cache = _stat(f"{d}/memory.stat", "inactive_file")
            source = f"cgroup limit {d}/memory.max"
        else:
            limit, usage = _number(_read(f"{d}/memory.limit_in_bytes")), _number(_read(f"{d}/memory.usage_in_bytes"))
            cache = _stat(f"{d}/memory.stat", "total_inactive_file")
            source = f"cgroup limit {d}/memory.limit_in_bytes"
        if limit is None:
            continue
        # reclaimable page cache counts as usage but gives way to an allocation
        left = max(0, limit - max(0, (usage or 0) - cache))
        if best is None or left < best.bytes:
            best = MemoryLimit(left, f"{source} ({format_bytes(limit)})")
    return best


def _rlimit() -> MemoryLimit | None:
    try:
        import resource
    except ImportError:  # pragma: no cover - non-POSIX
        return None
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY or soft < 0:
        return None
    size = 0
    for line in (_read(f"{_PROC}/self/status") or "").splitlines():
        if line.startswith("VmSize:"):
            size = int(line.split()[1]) * 1024
    return MemoryLimit(max(0, soft - size), f"the process's address-space limit RLIMIT_AS ({format_bytes(soft)})")


def memory_limits() -> list[MemoryLimit]:
    """Every bound on what this process may still allocate, the tightest first.

    Examples
    --------
    >>> limits = memory_limits()                # each read once: a second read would see other processes
    >>> limits[0].bytes > 0 and all(a.bytes <= b.bytes for a, b in zip(limits, limits[1:]))
    True
    >>> any(lim.source.startswith(("available memory", "physical memory")) for lim in limits)
    True
    """
    found = [MemoryLimit(b, "available memory (MemAvailable)") for b in [_meminfo()] if b is not None]
    found += [lim for lim in (_cgroup(), _rlimit()) if lim is not None]
    if not any(lim.source.startswith("available") for lim in found):
        found.append(MemoryLimit(_physical(), "physical memory"))
    return sorted(found, key=lambda lim: lim.bytes)


def available_memory() -> int:
    """Bytes this process may still allocate: the least of available memory, its cgroup's and its RLIMIT_AS's."""
    return memory_limits()[0].bytes


def check_fits(n_bytes: float, what: str, max_bytes: float | None = None) -> None:
    """Raise :class:`ProblemTooLargeError` when ``n_bytes`` exceeds ``max_bytes``.

    ``max_bytes`` defaults to 90% of :func:`available_memory` (``QUARK_MAX_MEMORY`` in bytes
    overrides it, e.g. for tests). The error's ``allowed_bytes`` is the bound it was refused by (what a
    caller sizes a smaller allocation by).
    """
    where = "max_memory"
    if max_bytes is None:
        env = os.environ.get("QUARK_MAX_MEMORY")
        if env:
            max_bytes, where = _env_limit(env), "QUARK_MAX_MEMORY"
        else:
            if n_bytes <= 1 << 20:  # a small allocation: not worth reading the kernel's files
                return
            tightest = memory_limits()[0]
            max_bytes, where = 0.9 * tightest.bytes, f"90% of {tightest.source}"
    elif isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, float)) or not math.isfinite(max_bytes) or max_bytes <= 0:
        raise ValueError(f"'max_memory' must be a positive finite number of bytes or None; got {max_bytes!r}")
    if not n_bytes <= max_bytes:  # also refuses a NaN estimate
        exc = ProblemTooLargeError(
            f"{what} would need {n_bytes / 1024**3:.2f} GiB of memory, more than the "
            f"{format_bytes(max_bytes)} allowed here ({where})"
        )
        exc.allowed_bytes = float(max_bytes)
        raise exc


def _env_limit(text: str) -> float:
    """``QUARK_MAX_MEMORY`` as bytes: a positive finite number, or an error (never a disabled guard)."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"the environment variable QUARK_MAX_MEMORY must be a positive number of bytes; got {text!r}")
    return value
