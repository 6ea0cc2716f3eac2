"""Conformance kit for optimizers: any :class:`~quark.optimizers.base.Optimizer` — built-in or plug-in —
checked by the same tests.

:func:`check_optimizer` runs the optimizer on small random loss tables (distinct losses, so the
optimum is one setting; random classification landscapes for searches that need a model and its data) and checks what the rest of Quark relies on: ``minimize`` returns a
:class:`~quark.optimizers.SearchResult` whose loss is the problem's loss of its bits, the ledger's
fields are non-negative and something was charged, a seed reproduces the search, a search that
reports ``reached_optimum=True`` did reach it, and — statistically, since most searches are
stochastic — the optimum is found on at least ``min_success`` of the landscapes.

Examples
--------
>>> from quark.optimizers import ExhaustiveSearch
>>> check_optimizer(ExhaustiveSearch)["success_rate"]
1.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.base import clone

from quark.encoding.bits import bits_to_index
from quark.optimizers.ledger import LEDGER_FIELDS
from quark.optimizers.registry import is_optimizer
from quark.optimizers.result import SearchResult

__all__ = ["check_optimizer"]


def _fail(name: str, what: str) -> AssertionError:
    return AssertionError(f"optimizer {name!r}: {what}")


def _counts(result: SearchResult) -> dict[str, float]:
    return {f: getattr(result.ledger, f) for f in LEDGER_FIELDS}


def _landscape(rng: np.random.Generator, n_qubits: int):
    """A random classification landscape of ``n_qubits`` binary weights (perceptron: features + polarity)."""
    from quark.encoding.landscape import LossLandscape

    X = rng.integers(0, 2, size=(16, n_qubits - 1)).astype(np.float64)
    y = rng.integers(0, 2, size=16)
    return LossLandscape("perceptron", None, X, y)


def _tables(rng: np.random.Generator, n_qubits: int):
    table = rng.permutation(1 << n_qubits).astype(np.float64)
    return table, table


def _landscapes(rng: np.random.Generator, n_qubits: int):
    land = _landscape(rng, n_qubits)
    return land, land.table()


def check_optimizer(opt_or_cls: Any, *, n_qubits: int = 6, trials: int = 20, min_success: float = 0.9,
                    problems: str = "auto", seed: int = 0) -> dict[str, Any]:
    """Check an optimizer (an instance, or a class built with its defaults) against the optimizer interface.

    Parameters
    ----------
    opt_or_cls : Optimizer or Optimizer subclass
    n_qubits : int
        Size of the random loss tables (``2**n_qubits`` distinct losses each).
    trials : int
        Landscapes (and seeds) of the statistical check.
    min_success : float
        Smallest fraction of the ``trials`` landscapes on which the optimum must be found (1.0 for an
        exact search; lower for a search whose budget may miss it — choose it from the search's
        guarantee, and give the optimizer the budget the guarantee needs).
    problems : {"auto", "tables", "landscapes"}
        What to search: random loss tables (distinct losses), or random classification landscapes (a
        perceptron on random 0/1 data) for optimizers that need a model and its data. ``"auto"``:
        tables, or landscapes when the optimizer refuses a table with a ``TypeError``.
    seed : int

    Returns
    -------
    dict
        ``passed`` (True; a failed check raises ``AssertionError`` saying which), ``problems``, ``success_rate``,
        ``mean_costs`` (ledger field -> mean over the trials) and ``checks``.
    """
    opt = opt_or_cls() if isinstance(opt_or_cls, type) else opt_or_cls
    if not is_optimizer(opt):
        raise TypeError(f"check_optimizer needs an Optimizer or a subclass; got {type(opt).__name__}")
    name = getattr(opt, "name", type(opt).__name__)
    rng = np.random.default_rng(seed)
    checks: list[str] = []

    def run(problem, random_state: int) -> SearchResult:
        return clone(opt).set_params(random_state=random_state).minimize(problem)  # never the caller's instance

    if problems not in ("auto", "tables", "landscapes"):
        raise ValueError(f"'problems' must be 'auto', 'tables' or 'landscapes'; got {problems!r}")
    make = _landscapes if problems == "landscapes" else _tables
    problem, table = make(rng, n_qubits)
    try:
        res = run(problem, 1)
    except TypeError:
        if problems != "auto":
            raise
        make, problems = _landscapes, "landscapes"  # an optimizer that needs a model and its data
        problem, table = make(rng, n_qubits)
        res = run(problem, 1)
    problems = "tables" if make is _tables else "landscapes"
    if not isinstance(res, SearchResult):
        raise _fail(name, f"minimize must return a SearchResult; got {type(res).__name__}")
    bits = np.asarray(res.bits)
    if bits.shape != (n_qubits,) or not np.isin(bits, (0, 1)).all():
        raise _fail(name, f"result.bits must be {n_qubits} bits; got {bits!r}")
    if not math.isclose(float(res.loss), float(table[bits_to_index(bits)]), abs_tol=1e-12):
        raise _fail(name, f"result.loss {res.loss} is not the loss of its bits ({table[bits_to_index(bits)]})")
    checks.append("result is the loss of its bits")

    counts = _counts(res)
    if any(not (v >= 0) for v in counts.values()) or res.ledger.wall_time_s < 0:
        raise _fail(name, f"ledger fields must be non-negative; got {counts}")
    if sum(counts.values()) <= 0:
        raise _fail(name, "nothing was charged to the ledger: a search that looked at the problem has a cost")
    if "reached_optimum" not in res.info:
        raise _fail(name, "result.info must say reached_optimum (True, False or None)")
    checks.append("ledger charged, non-negative")

    again = run(problem, 1)
    if not (np.array_equal(again.bits, res.bits) and again.loss == res.loss and _counts(again) == counts):
        raise _fail(name, "two searches with the same random_state differ (bits, loss or ledger)")
    checks.append("reproducible with a seed")

    found, costs = 0, {f: 0.0 for f in LEDGER_FIELDS}
    for t in range(trials):
        problem, table = make(rng, n_qubits)
        r = run(problem, 1000 + t)
        best = float(table.min())
        hit = float(r.loss) <= best + 1e-12
        if r.info.get("reached_optimum") is True and not hit:
            raise _fail(name, f"reported reached_optimum=True with loss {r.loss} above the minimum {best}")
        found += hit
        for f, v in _counts(r).items():
            costs[f] += v
    rate = found / trials
    costs = {f: v / trials for f, v in costs.items()}
    if rate < min_success:
        raise _fail(name, f"found the optimum on {found} of {trials} random {n_qubits}-qubit {problems} "
                          f"({rate:.0%} < min_success {min_success:.0%})")
    checks.append(f"success rate {rate:.0%} >= {min_success:.0%}")
    return {"passed": True, "problems": problems, "success_rate": rate, "mean_costs": costs, "checks": checks}
