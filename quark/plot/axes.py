"""What every figure shares: fresh axes without pyplot state, and the search result behind an object."""

from __future__ import annotations

__all__ = ["new_axes", "result_of"]


def new_axes(ax=None, *, figsize=(6.0, 4.0)):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def result_of(obj):
    """A ``SearchResult`` from a result or a fitted ``QuarkClassifier``."""
    if hasattr(obj, "ledger") and hasattr(obj, "history"):
        return obj
    if hasattr(obj, "result_"):
        return obj.result_
    raise TypeError(f"expected a SearchResult or a fitted QuarkClassifier; got {type(obj).__name__}")

