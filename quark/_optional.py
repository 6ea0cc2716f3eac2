"""One helper for optional dependencies: import, or say which extra installs it."""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from quark.exceptions import MissingDependencyError

__all__ = ["require", "is_available"]


def require(module: str, *, extra: str, feature: str, package: str | None = None) -> ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the pip install line."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        pkg = package or module.split(".")[0].replace("_", "-")
        raise MissingDependencyError(
            f"The {pkg!r} package is required for {feature}. "
            f"Install it with: pip install 'quark-qml[{extra}]'"
        ) from exc


def is_available(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it when a spec suffices)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
