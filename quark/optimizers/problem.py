"""Moved: the problem interface lives in :mod:`quark.encoding.problem` (importing it from here still works)."""

from __future__ import annotations

import warnings

from quark.encoding.problem import PolynomialProblem, RestrictedProblem, SearchProblem, TableProblem, as_problem

__all__ = ["SearchProblem", "as_problem", "LandscapeProblem", "TableProblem", "PolynomialProblem", "RestrictedProblem"]

warnings.warn(
    "quark.optimizers.problem moved to quark.encoding.problem (SearchProblem, as_problem, ...); "
    "import from there", DeprecationWarning, stacklevel=2,
)


def LandscapeProblem(landscape):  # noqa: N802 - the old class name
    """Deprecated: a :class:`~quark.encoding.LossLandscape` is itself a :class:`SearchProblem`."""
    warnings.warn("LandscapeProblem(landscape) is the landscape itself now", DeprecationWarning, stacklevel=2)
    return landscape
