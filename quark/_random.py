"""Seeds: every stochastic path draws from a generator made here."""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["as_generator"]


def as_generator(random_state=None) -> np.random.Generator:
    """A NumPy ``Generator`` from ``None``, an int seed, a ``Generator`` or a ``RandomState``.

    An int gives the same stream on every call (reproducible fits); a ``Generator`` is used as is.

    Examples
    --------
    >>> int(as_generator(3).integers(100)) == int(as_generator(3).integers(100))
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1, size=4))
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(f"'random_state' must be a non-negative integer; got {random_state}")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        f"'random_state' must be None, an int, a numpy Generator or RandomState; got {type(random_state).__name__}"
    )
