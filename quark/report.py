"""Side-by-side reports: fit several searches on the same data and tabulate what each cost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["COLUMNS", "markdown_table", "compare_searches", "success_over_seeds", "describe_success"]

#: The columns of :func:`compare_searches`.
#: "compile evals": model evaluations spent building the problem before the search could run (a
#: polynomial or QUBO compiled from the loss table, a ridge start) — part of every method's cost.
COLUMNS = ("optimizer", "train acc", "test acc", "oracle queries", "measurements", "model evals", "compile evals",
           "wall s")


def markdown_table(rows: Sequence[Sequence[Any]], columns: Sequence[str] = COLUMNS) -> str:
    """A plain-text table that is also valid Markdown: first column left, the rest right-aligned.

    Examples
    --------
    >>> print(markdown_table([("grover", 1.0)], columns=("optimizer", "acc")))
    | optimizer | acc |
    |-----------|----:|
    | grover    | 1.0 |
    """
    cells = [tuple(columns)] + [tuple(str(c) for c in r) for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]

    def line(r):
        return "| " + " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"

    rule = "|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|"
    return "\n".join([line(cells[0]), rule] + [line(r) for r in cells[1:]])


def compare_searches(searches: Mapping[str, Any], X, y, X_test, y_test) -> list[tuple[str, ...]]:
    """Fit every classifier (in place) and return one :data:`COLUMNS` row each.

    Parameters
    ----------
    searches : dict of label -> QuarkClassifier
        Unfitted (or refittable) classifiers; each is fitted on ``(X, y)``.
    X, y, X_test, y_test : arrays
        Training and held-out data.

    Examples
    --------
    >>> from quark import QuarkClassifier
    >>> from quark.datasets import load_edge_detection
    >>> X, y = load_edge_detection(size=2)
    >>> rows = compare_searches({"exhaustive": QuarkClassifier(model="line-detector", optimizer="exhaustive")}, X, y, X, y)
    >>> rows[0][:3]
    ('exhaustive', '1.000', '1.000')
    """
    rows = []
    for label, clf in searches.items():
        clf.fit(X, y)
        led = clf.result_.ledger
        rows.append(
            (
                label,
                f"{clf.score(X, y):.3f}",
                f"{clf.score(X_test, y_test):.3f}",
                f"{led.oracle_queries:,}",
                f"{led.shots:,}",
                f"{led.model_evaluations:,}",
                f"{led.compile_evaluations:,}",
                f"{led.wall_time_s:.2f}",
            )
        )
    return rows


def success_over_seeds(search, X, y, best_accuracy: float, trials: int) -> dict[str, float]:
    """Refit ``search`` with seeds ``0..trials-1``: how often it reaches ``best_accuracy``, at what cost.

    Returns ``hits``, ``trials`` and the medians of ``oracle_queries`` (whole run),
    ``queries_at_best`` (when the returned weights were first measured) and ``shots``.
    """
    from sklearn.base import clone

    hits, queries, shots, first = 0, [], [], []
    for seed in range(trials):
        clf = clone(search).set_params(random_state=seed).fit(X, y)
        led = clf.result_.ledger
        hits += clf.score(X, y) >= best_accuracy
        queries.append(led.oracle_queries)
        shots.append(led.shots)
        first.append(clf.result_.info.get("queries_at_best", led.oracle_queries))
    return {
        "hits": int(hits),
        "trials": int(trials),
        "oracle_queries": float(np.median(queries)),
        "queries_at_best": float(np.median(first)),
        "shots": float(np.median(shots)),
    }


def describe_success(name: str, summary: dict[str, float]) -> str:
    """One sentence of a :func:`success_over_seeds` summary.

    Examples
    --------
    >>> describe_success("grover", {"hits": 9, "trials": 10, "oracle_queries": 72, "queries_at_best": 20, "shots": 22})
    'over 10 seeds, grover reaches the optimum in 9/10 runs (median 72 oracle queries in all, 20 when the returned weights were first measured; median 22 measurements)'
    """
    r = summary
    return (
        f"over {r['trials']} seeds, {name} reaches the optimum in {r['hits']}/{r['trials']} runs (median "
        f"{r['oracle_queries']:.0f} oracle queries in all, {r['queries_at_best']:.0f} when the returned weights "
        f"were first measured; median {r['shots']:.0f} measurements)"
    )
