"""``Table``: features, labels and column names, as read from a file or a built-in data set."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Table"]


@dataclass
class Table:
    """Features, labels (``None`` when the file has no target) and the names of the feature columns."""

    X: np.ndarray
    y: np.ndarray | None
    feature_names: list[str]
    target: str | None
    source: str
    extra: dict = field(default_factory=dict)

