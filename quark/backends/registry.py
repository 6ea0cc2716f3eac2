"""Backends by short name, open to plug-ins through the ``quark.backends`` entry-point group.

Each entry is a lazy factory, so listing backends imports nothing heavy, and a missing optional
dependency surfaces only when that backend is asked for (with the extra that installs it).
"""

from __future__ import annotations

import logging

from dataclasses import dataclass
from importlib import import_module
from typing import Any, Callable

__all__ = ["register_backend", "get_backend", "available_backends", "backend_names", "backend_parameters",
           "refresh_plugins", "BackendInfo"]


@dataclass(frozen=True)
class BackendInfo:
    """What ``available_backends()`` reports of one backend."""

    name: str
    kind: str  # "grover" (runs Grover circuits) or "sampler" (a dimod sampler for annealing)
    usable: bool
    reason: str  # why not usable ("" when usable)
    description: str


@dataclass
class _Entry:
    target: str  # "module:attribute" of a factory taking **options
    kind: str
    description: str
    check: Callable[[], str] | None = None  # returns "" when usable, else why not
    plugin: bool = False


_REGISTRY: dict[str, _Entry] = {}
#: Entry-point groups scanned for plug-ins, and the kind of backend each declares.
PLUGIN_GROUPS = {"quark.backends": "grover", "quark.samplers": "sampler"}
_PLUGINS_LOADED = False


def register_backend(
    name: str, target: str, *, kind: str = "grover", description: str = "", check: Callable[[], str] | None = None,
    plugin: bool = False,
) -> None:
    """Register a backend factory under ``name`` (``target`` is ``"module:attribute"``)."""
    if kind not in ("grover", "sampler"):
        raise ValueError(f"'kind' must be 'grover' or 'sampler'; got {kind!r}")
    _REGISTRY[name] = _Entry(target, kind, description, check, plugin)


def _load_plugins() -> None:
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED:
        return
    _PLUGINS_LOADED = True
    from importlib.metadata import entry_points

    # "quark.backends": Grover backends (the design's group); "quark.samplers": dimod samplers for
    # annealing. Two groups, because the kind must be known without importing the plug-in.
    for group, kind in PLUGIN_GROUPS.items():
        for ep in entry_points(group=group):
            if ep.name not in _REGISTRY:
                register_backend(
                    ep.name, ep.value, kind=kind, description=f"plug-in from {ep.value}", check=_plugin_check(ep.value),
                    plugin=True,
                )


def refresh_plugins() -> None:
    """Forget the plug-ins read so far; the entry-point groups are read again on next use."""
    global _PLUGINS_LOADED
    for name in [n for n, e in _REGISTRY.items() if e.plugin]:
        del _REGISTRY[name]
    _PLUGINS_LOADED = False


def _plugin_check(target: str) -> Callable[[], str]:
    """A plug-in is usable when its module can be found (checked without importing it)."""

    def check() -> str:
        from importlib.util import find_spec

        module = target.partition(":")[0].strip()
        try:
            found = find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        return "" if found else f"plug-in module {module!r} cannot be imported (is its package installed?)"

    return check


def _resolve(target: str) -> Any:
    module, _, attr = target.partition(":")
    obj = import_module(module)
    for part in attr.split(".") if attr else []:
        obj = getattr(obj, part)
    return obj


def backend_parameters(name: str) -> list[str] | None:
    """The option names backend ``name`` takes (from its factory's signature); ``None`` when that cannot be
    known without building it (an unknown name, a factory taking ``**options``, a module that fails to import).

    Examples
    --------
    >>> "max_memory" in backend_parameters("statevector")
    True
    """
    import inspect

    _load_plugins()
    if name not in _REGISTRY:
        return None
    try:
        factory = _resolve(_REGISTRY[name].target)
        params = inspect.signature(factory).parameters.values()
    except Exception as exc:  # a missing extra says so when the backend is built, not here
        logging.getLogger("quark").debug("backend %r: parameters unknown until it is built (%s: %s)",
                                         name, type(exc).__name__, exc)
        return None
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return [p.name for p in params if p.name != "self" and p.kind is not p.VAR_POSITIONAL]


def get_backend(name: str | Any, **options) -> Any:
    """A backend instance by name (``"statevector"``, ``"aer"``, ``"neal"``, ...) or as given.

    Raises ``ValueError`` for an unknown name and
    :class:`~quark.exceptions.MissingDependencyError` (naming the extra) for a missing dependency.

    Examples
    --------
    >>> get_backend("statevector").name
    'statevector'
    """
    if not isinstance(name, str):
        if options:
            raise TypeError("backend options apply only when the backend is given by name")
        return name
    _load_plugins()
    if name not in _REGISTRY:
        raise ValueError(f"unknown backend {name!r}; expected one of {sorted(_REGISTRY)}")
    from quark._params import reveal

    # credentials reach the backend's own constructor in clear (it keeps them as Secrets)
    return _resolve(_REGISTRY[name].target)(**{k: reveal(v) for k, v in options.items()})


def backend_names(kind: str | None = None) -> list[str]:
    """Registered backend names (plug-ins included), optionally only of one ``kind``.

    Examples
    --------
    >>> "neal" in backend_names("sampler") and "statevector" in backend_names("grover")
    True
    """
    _load_plugins()
    return sorted(n for n, e in _REGISTRY.items() if kind is None or e.kind == kind)


def available_backends() -> list[BackendInfo]:
    """Every registered backend, whether it is usable here, and why not."""
    _load_plugins()
    out = []
    for name, e in _REGISTRY.items():
        try:
            reason = e.check() if e.check else ""
        except Exception as exc:  # a broken check must not hide the other backends
            reason = f"check failed: {exc}"
        out.append(BackendInfo(name, e.kind, not reason, reason, e.description))
    return out
