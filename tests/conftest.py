"""Test-wide settings: a non-interactive matplotlib, a bounded and deterministic hypothesis budget, and the
shared helpers of the hostile-input property tests (``hostile``)."""

import math
import os

import matplotlib

matplotlib.use("Agg")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

# derandomize: every run draws the same examples (CI is deterministic); no example database either
settings.register_profile("quark", max_examples=40, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("quark")


class Hostile:
    """Values a parameter must refuse, and the check that it refuses them by name.

    ``named_error(call, name)`` runs ``call`` and asserts that it raises a ``ValueError`` or
    ``TypeError`` (``ProblemTooLargeError`` is one) — never a raw ``IndexError``, ``KeyError`` or
    arithmetic error from deep inside — whose message names ``name`` (as ``'name'``, ``'name[key]'`` or
    ``name=``).
    The strategies draw values outside what a parameter of each kind accepts.
    """

    RAW = (IndexError, KeyError, ArithmeticError, AttributeError, AssertionError)

    @classmethod
    def named_error(cls, call, *names: str) -> BaseException:
        try:
            call()
        except (ValueError, TypeError) as exc:
            assert not isinstance(exc, cls.RAW), f"a raw {type(exc).__name__}: {exc}"
            text = str(exc)
            assert any(f"'{n}'" in text or f"'{n}[" in text or f"{n}=" in text for n in names), \
                f"the message does not name {' or '.join(names)}: {type(exc).__name__}: {text}"
            return exc
        raise AssertionError(f"no error: the call accepted a value that {' or '.join(names)} must refuse")

    # -- strategies of refused values ---------------------------------------------------------------
    @staticmethod
    def not_a_number():
        """Values that are no real number: strings, booleans, None, containers, objects."""
        return st.one_of(st.text(max_size=4), st.booleans(), st.none(), st.lists(st.integers(0, 3), max_size=2),
                         st.just({}), st.just(object()), st.just(1 + 2j))

    @classmethod
    def not_an_int(cls):
        """Values that are no integer (floats are never integers, even 2.0; booleans neither)."""
        return st.one_of(st.floats(allow_nan=True, allow_infinity=True), cls.not_a_number().filter(lambda v: v is not None))

    @classmethod
    def bad_int(cls, minimum: int = 1, maximum: int | None = None, none_ok: bool = False):
        """Refused by ``check_int(minimum=..., maximum=..., allow_none=none_ok)``."""
        parts = [st.integers(max_value=minimum - 1), cls.not_an_int()]
        if maximum is not None:
            parts.append(st.integers(min_value=maximum + 1))
        if not none_ok:
            parts.append(st.none())
        return st.one_of(parts)

    @classmethod
    def bad_number(cls, *, above: float | None = None, minimum: float | None = None, none_ok: bool = False,
                   inf_ok: bool = False):
        """Refused by ``check_number``: NaN (and infinity unless ``inf_ok``), too small, or no number."""
        parts = [st.just(math.nan), st.just(np.float64("nan")), cls.not_a_number().filter(lambda v: v is not None)]
        if not inf_ok:
            parts += [st.just(math.inf), st.just(-math.inf)]
        if above is not None:
            parts.append(st.floats(max_value=above, allow_nan=False, allow_infinity=False))
        if minimum is not None:
            parts.append(st.floats(max_value=minimum, exclude_max=True, allow_nan=False, allow_infinity=False))
        if not none_ok:
            parts.append(st.none())
        return st.one_of(parts)

    @staticmethod
    def bad_bool():
        """Not ``True``/``False``: ``0``, ``1``, ``"no"``, ``None``..."""
        return st.one_of(st.integers(-2, 2), st.text(max_size=4), st.none(), st.floats(allow_nan=True))

    @staticmethod
    def bad_choice(valid):
        """Strings outside ``valid`` and values that are no string."""
        valid = set(valid)
        return st.one_of(st.text(max_size=8).filter(lambda s: s not in valid), st.integers(), st.none(),
                         st.lists(st.sampled_from(sorted(valid)), min_size=1, max_size=2))

    @staticmethod
    def bad_mapping():
        """Not a dict of option names: numbers, strings, lists, or a dict with a non-string key."""
        return st.one_of(st.integers(), st.text(min_size=1, max_size=4), st.lists(st.integers(), min_size=1, max_size=2),
                         st.just({1: 2}), st.just({None: "x"}))


@pytest.fixture(scope="session")
def hostile():
    """The :class:`Hostile` helpers (session-scoped: safe inside hypothesis tests)."""
    return Hostile
