"""Lazy registries of plug-in kinds: a name -> ``"module:attribute"`` table, open to an entry-point group.

Models (``quark.models``), optimizers (``quark.optimizers``) and backends (``quark.backends``) are
all found this way: a registry maps short names to *targets*, strings resolved (imported) only when a
name is used, so listing names imports nothing heavy and the modules that register never import the
modules they list (no import cycle). Third-party packages add names through the registry's
entry-point group, read once on first use; :meth:`Registry.refresh` forgets them (after installing
a plug-in in a running interpreter, and in tests).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Iterator

__all__ = ["Registry", "RegistryView", "resolve", "inherits"]


def resolve(target: str) -> Any:
    """The object a ``"module:attribute"`` target names (imports the module)."""
    module, _, attr = target.partition(":")
    obj = import_module(module.strip())
    for part in attr.strip().split(".") if attr.strip() else []:
        obj = getattr(obj, part)
    return obj


def inherits(obj: Any, target: str) -> bool:
    """Whether ``obj`` is an instance of the class ``target`` names, decided from its MRO alone.

    A registry checks "is this a QuantizedModel?" this way without importing the module that
    defines the base class (which itself reads the registry: importing it would be a cycle).
    """
    module, _, qualname = target.partition(":")
    return any(c.__module__ == module and c.__qualname__ == qualname for c in type(obj).__mro__)


@dataclass(frozen=True)
class _Entry:
    target: str
    description: str
    plugin: bool


class Registry:
    """Names of one plug-in kind, each resolved to its class on use.

    Parameters
    ----------
    kind : str
        What the names are (``"model"``, ``"optimizer"``), for messages.
    group : str
        The entry-point group scanned for plug-ins (``"quark.models"``): each entry point's name is
        the registered name, its value the ``"module:Class"`` target.
    """

    def __init__(self, kind: str, group: str) -> None:
        self.kind = kind
        self.group = group
        self._entries: dict[str, _Entry] = {}
        self._plugins_loaded = False
        self._resolved: dict[str, Any] = {}  # target -> class (block searches build thousands)

    def register(self, name: str, target: str, *, description: str = "", plugin: bool = False) -> None:
        """Register ``name`` -> ``target`` (``"module:Class"``); a later registration replaces it."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"a {self.kind} name must be a non-empty string; got {name!r}")
        if not isinstance(target, str) or ":" not in target:
            raise ValueError(f"a {self.kind} target must be 'module:attribute'; got {target!r}")
        self._entries[name] = _Entry(target, description, plugin)
        self._resolved.pop(target, None)

    def _load_plugins(self) -> None:
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        from importlib.metadata import entry_points

        for ep in entry_points(group=self.group):
            if ep.name not in self._entries:  # a plug-in never shadows a built-in
                self.register(ep.name, ep.value, description=f"plug-in from {ep.value}", plugin=True)

    def refresh(self) -> None:
        """Forget the plug-ins read so far; the entry points are read again on next use."""
        self._entries = {k: e for k, e in self._entries.items() if not e.plugin}
        self._plugins_loaded = False
        self._resolved = {}

    def names(self) -> list[str]:
        """Every registered name, plug-ins included, sorted."""
        self._load_plugins()
        return sorted(self._entries)

    def target(self, name: str) -> str:
        """The ``"module:Class"`` a name stands for (nothing imported)."""
        self._load_plugins()
        if name not in self._entries:
            raise KeyError(name)
        return self._entries[name].target

    def get(self, name: str) -> Any:
        """The class registered under ``name`` (its module imported now)."""
        self._load_plugins()
        if not isinstance(name, str) or name not in self._entries:
            raise ValueError(f"unknown {self.kind} {name!r}; expected one of {self.names()}")
        target = self._entries[name].target
        if target not in self._resolved:
            self._resolved[target] = resolve(target)
        return self._resolved[target]

    def view(self) -> "RegistryView":
        """A read-only mapping ``name -> class`` over this registry (plug-ins included)."""
        return RegistryView(self)


class RegistryView(Mapping):
    """``name -> class`` of a :class:`Registry`, read-only, resolving each class when it is looked up."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def __getitem__(self, name: str) -> Any:
        if not isinstance(name, str) or name not in self._registry.names():
            raise KeyError(name)
        return self._registry.get(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._registry.names())

    def __len__(self) -> int:
        return len(self._registry.names())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._registry.names()

    def __repr__(self) -> str:
        return f"<{self._registry.kind}s: {', '.join(self._registry.names())}>"
