"""dimod samplers by name: simulated (quantum) annealing, exact solvers and classical references.

Each factory returns a plain dimod sampler, so anything written for dimod works with it:

========================  ===================================================================
``"neal"``                dwave-samplers ``SimulatedAnnealingSampler`` (the default)
``"sqa"``                 dwave-samplers ``PathIntegralAnnealingSampler``: simulated *quantum*
                          annealing (path-integral Monte Carlo of a transverse-field schedule)
``"exact"``               :class:`ExactSampler`: dimod ``ExactSolver`` / ``ExactPolySolver``,
                          refusing models past ``max_variables``
``"tabu"``                dwave-samplers ``TabuSampler`` (classical reference)
``"steepest-descent"``    dwave-samplers ``SteepestDescentSolver`` (classical reference)
``"dwave"``               a D-Wave QPU (:mod:`quark.backends.dwave`)
========================  ===================================================================
"""

from __future__ import annotations

from typing import Any

import dimod
import numpy as np

from quark._memory import check_fits
from quark._optional import is_available
from quark.exceptions import ProblemTooLargeError, format_bytes

__all__ = [
    "ExactSampler",
    "neal_sampler",
    "sqa_sampler",
    "exact_sampler",
    "tabu_sampler",
    "steepest_descent_sampler",
    "sampler_num_sweeps",
    "check_dwave_samplers",
    "DEFAULT_EXACT_MAX_VARIABLES",
]

#: Largest model the ``exact`` sampler enumerates by default (2**20 states, ~40 MiB).
DEFAULT_EXACT_MAX_VARIABLES = 20


def _no_options(name: str, options: dict) -> None:
    if options:
        raise TypeError(
            f"sampler {name!r} takes no construction options; got {sorted(options)}. "
            "Pass sampling parameters (num_sweeps, beta_range, ...) to AnnealingSearch(sample_options={...})"
        )


def neal_sampler(**options: Any):
    """dwave-samplers' simulated annealing (``neal``'s maintained home).

    Examples
    --------
    >>> type(neal_sampler()).__name__
    'SimulatedAnnealingSampler'
    """
    _no_options("neal", options)
    from dwave.samplers import SimulatedAnnealingSampler

    return SimulatedAnnealingSampler()


def sqa_sampler(**options: Any):
    """Simulated quantum annealing: dwave-samplers' ``PathIntegralAnnealingSampler``."""
    _no_options("sqa", options)
    from dwave.samplers import PathIntegralAnnealingSampler

    return PathIntegralAnnealingSampler()


def tabu_sampler(**options: Any):
    """dwave-samplers' ``TabuSampler`` (a classical reference; ``timeout`` in ms per read)."""
    _no_options("tabu", options)
    from dwave.samplers import TabuSampler

    return TabuSampler()


def steepest_descent_sampler(**options: Any):
    """dwave-samplers' ``SteepestDescentSolver``: greedy descent from random states."""
    _no_options("steepest-descent", options)
    from dwave.samplers import SteepestDescentSolver

    return SteepestDescentSolver()


def _exact_nbytes(n: int) -> int:
    # ExactSolver's SampleSet: 2**n rows of n int8 values, a float64 energy and an int64 count,
    # plus about as much again in temporaries while it is built.
    return 2 * (1 << n) * (n + 16)


class ExactSampler(dimod.Sampler, dimod.PolySampler):
    """dimod's exact solvers behind a size guard: every state, enumerated.

    Parameters
    ----------
    max_variables : int
        Largest model it enumerates (``2**max_variables`` states); past it, and whenever the
        states would not fit in memory, :class:`~quark.exceptions.ProblemTooLargeError`.

    Examples
    --------
    >>> import dimod
    >>> bqm = dimod.BinaryQuadraticModel({0: 1.0, 1: -1.0}, {(0, 1): -1.0}, 0.0, "BINARY")
    >>> float(ExactSampler().sample(bqm).first.energy)
    -1.0
    """

    def __init__(self, max_variables: int = DEFAULT_EXACT_MAX_VARIABLES) -> None:
        if isinstance(max_variables, bool) or not isinstance(max_variables, (int, np.integer)) or max_variables < 1:
            raise ValueError(f"'max_variables' must be a positive integer; got {max_variables!r}")
        self.max_variables = int(max_variables)

    @property
    def parameters(self) -> dict:
        return {}

    @property
    def properties(self) -> dict:
        return {"max_variables": self.max_variables}

    def _check(self, n: int) -> None:
        need = _exact_nbytes(n)
        if n > self.max_variables:
            raise ProblemTooLargeError(
                f"the exact sampler enumerates all 2**{n} states of a {n}-variable model, which needs "
                f"about {format_bytes(need)} ({need / 1024**3:.2f} GiB); its limit is max_variables="
                f"{self.max_variables}. Use get_backend('exact', max_variables=...) if memory allows, "
                "or an annealer ('neal')"
            )
        check_fits(need, f"the exact sampler's 2**{n} states")

    def sample(self, bqm, **parameters):
        """All states of a BQM with their energies (dimod ``ExactSolver``)."""
        self._check(len(bqm.variables))
        return dimod.ExactSolver().sample(bqm, **parameters)

    def sample_poly(self, polynomial, **parameters):
        """All states of a ``BinaryPolynomial`` (dimod ``ExactPolySolver``)."""
        self._check(len(polynomial.variables))
        return dimod.ExactPolySolver().sample_poly(polynomial, **parameters)

    def __repr__(self) -> str:
        return f"ExactSampler(max_variables={self.max_variables})"


def exact_sampler(max_variables: int = DEFAULT_EXACT_MAX_VARIABLES) -> "ExactSampler":
    """:class:`ExactSampler` (``ExactSolver`` for BQMs, ``ExactPolySolver`` for polynomials)."""
    return ExactSampler(max_variables=max_variables)


# dwave-samplers hard-codes 1000 sweeps when num_sweeps is not given (sa/sampler.py, sqa/sampler.py).
_DEFAULT_SWEEPS = {
    "SimulatedAnnealingSampler": 1000,
    "Neal": 1000,
    "PathIntegralAnnealingSampler": 1000,
    "RotorModelAnnealingSampler": 1000,
}


def sampler_num_sweeps(sampler, kwargs: dict) -> int | None:
    """Sweeps per read a call with ``kwargs`` makes, for sweep-based samplers; ``None`` otherwise.

    Looks through composites (``.child``) to the sampler that sweeps, so an embedded stand-in
    counts its sweeps too. A custom schedule (``beta_schedule`` / ``Hp_field``) counts
    ``len(schedule) * num_sweeps_per_beta``.

    Examples
    --------
    >>> sampler_num_sweeps(neal_sampler(), {}), sampler_num_sweeps(neal_sampler(), {"num_sweeps": 50})
    (1000, 50)
    >>> sampler_num_sweeps(tabu_sampler(), {}) is None
    True
    """
    base, seen = sampler, 0
    while type(base).__name__ not in _DEFAULT_SWEEPS and hasattr(base, "child") and seen < 16:
        base, seen = base.child, seen + 1
    name = type(base).__name__
    if name not in _DEFAULT_SWEEPS:
        return None
    for schedule in ("beta_schedule", "Hp_field"):
        if kwargs.get("beta_schedule_type") == "custom" and kwargs.get(schedule) is not None:
            return len(kwargs[schedule]) * int(kwargs.get("num_sweeps_per_beta", 1))
    sweeps = kwargs.get("num_sweeps")
    return _DEFAULT_SWEEPS[name] if sweeps is None else int(sweeps)


def check_dwave_samplers() -> str:
    """'' when dwave-samplers is importable, else why not (it is a core dependency)."""
    if not is_available("dwave.samplers"):
        return "the 'dwave-samplers' package is not installed (pip install dwave-samplers)"
    return ""


def check_dimod() -> str:
    """'' when dimod is importable, else why not."""
    return "" if is_available("dimod") else "the 'dimod' package is not installed (pip install dimod)"
