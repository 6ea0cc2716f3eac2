"""Conformance kit for backends: check any Grover backend — built-in or plug-in — against exact theory.

A backend's measured distribution after ``r`` rounds of the threshold oracle must match the
closed form (uniform start, phase flip of the marked set ``loss < threshold``):
``P(marked) = sin^2((2r+1) theta)`` with ``sin^2 theta = M / N``, uniform within the marked and the
unmarked sets. The checks draw enough shots to make the total-variation distance meaningful.

Examples
--------
>>> from quark.backends import get_backend
>>> report = check_grover_backend(get_backend("statevector"), shots=4000)
>>> report["passed"]
True
"""

from __future__ import annotations

from typing import Any

import numpy as np

from quark.encoding.problem import TableProblem, as_problem

__all__ = ["threshold_distribution", "total_variation", "check_grover_backend"]


def threshold_distribution(table: np.ndarray, threshold: float, iterations: int) -> np.ndarray:
    """Exact measurement distribution after ``iterations`` Grover rounds marking ``table < threshold``."""
    table = np.asarray(table, dtype=np.float64)
    marked = table < threshold
    M, N = int(marked.sum()), table.size
    if M in (0, N):  # the oracle is a global phase: the state stays uniform
        return np.full(N, 1.0 / N)
    theta = np.arcsin(np.sqrt(M / N))
    p_marked = np.sin((2 * iterations + 1) * theta) ** 2
    return np.where(marked, p_marked / M, (1.0 - p_marked) / (N - M))


def total_variation(samples: np.ndarray, probs: np.ndarray) -> float:
    """Total-variation distance between the empirical distribution of ``samples`` and ``probs``."""
    counts = np.bincount(np.asarray(samples, dtype=np.int64), minlength=probs.size) / len(samples)
    return 0.5 * float(np.abs(counts - probs).sum())


def _tv_bound(n_outcomes: int, shots: int) -> float:
    """A generous bound on the TVD of ``shots`` exact samples: E[TVD] <= 0.5 sqrt(K / shots)."""
    return 0.5 * np.sqrt(n_outcomes / shots) + 0.02


def check_grover_backend(
    backend,
    problems: list | None = None,
    *,
    shots: int = 4000,
    seed: int = 1234,
) -> dict[str, Any]:
    """Run a backend on small threshold-search instances and compare with the closed form.

    Parameters
    ----------
    backend : GroverBackend
        Anything with ``sample_threshold(problem, threshold, iterations, shots, rng)``.
    problems : list, optional
        Problems (anything ``minimize`` accepts) with up to ~6 qubits; default: three loss tables.
    shots : int
        Shots per (problem, threshold, rounds) case.

    Returns
    -------
    dict
        ``passed`` (bool) and ``cases``: per case the qubits, marked count, rounds, measured TVD
        and the bound it was held to.
    """
    rng = np.random.default_rng(seed)
    if problems is None:
        problems = [
            TableProblem(rng.permutation(8).astype(float)),
            TableProblem(rng.integers(0, 5, size=16).astype(float)),
            TableProblem(rng.random(32)),
        ]
    cases = []
    for prob in map(as_problem, problems):
        table = prob.table()
        for q in (0.2, 0.5):
            threshold = float(np.quantile(table, q)) + 1e-12
            for r in (0, 1, 2):
                samples = np.asarray(backend.sample_threshold(prob, threshold, r, shots, rng))
                if samples.shape != (shots,) or samples.min() < 0 or samples.max() >= table.size:
                    raise AssertionError(f"sample_threshold must return {shots} indices in [0, {table.size}); got shape {samples.shape}")
                probs = threshold_distribution(table, threshold, r)
                tvd = total_variation(samples, probs)
                cases.append(
                    {
                        "n_qubits": prob.n_qubits,
                        "marked": int((table < threshold).sum()),
                        "iterations": r,
                        "tvd": tvd,
                        "bound": _tv_bound(table.size, shots),
                    }
                )
    return {"passed": all(c["tvd"] <= c["bound"] for c in cases), "cases": cases}
