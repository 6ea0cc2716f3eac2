"""One progress mechanism for every search: a tqdm bar on stderr, or nothing."""

from __future__ import annotations

import sys
from typing import Any

__all__ = ["progress_bar", "NullBar"]


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
