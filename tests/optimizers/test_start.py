"""NoSearch ("none"): the start alone, one counted check, no quantum cost."""

from __future__ import annotations

import numpy as np
import pytest

from quark.optimizers import OPTIMIZERS, NoSearch, get_optimizer


def test_none_is_a_registered_optimizer_name():
    assert OPTIMIZERS["none"] is NoSearch and isinstance(get_optimizer("none"), NoSearch)


@pytest.mark.parametrize("init, bits", [(None, [0, 0, 0]), ("zeros", [0, 0, 0]), ([1, 0, 1], [1, 0, 1])])
def test_returns_its_start_with_one_evaluation(init, bits):
    table = np.arange(8, dtype=float)[::-1].copy()
    res = NoSearch(init=init).minimize(table)
    assert res.bits.tolist() == bits and res.loss == table[res.index]
    assert res.ledger.model_evaluations == 1 and res.ledger.oracle_queries == 0 and res.ledger.shots == 0
    assert res.info["stop_reason"] == "start" and res.info["reached_optimum"] is None


def test_random_start_is_seeded():
    table = np.random.default_rng(0).random(1 << 10)
    a, b, c = (NoSearch(init="random", random_state=s).minimize(table) for s in (4, 4, 5))
    assert a.index == b.index != c.index


@pytest.mark.parametrize("init, exc, match", [
    ("ones", ValueError, r"'init' must be one of \['zeros', 'random'\]"),
    ([1, 0], ValueError, "'init' must have 3 bits per string; got 2"),
    ([2, 0, 1], ValueError, "'init' must hold only 0 and 1"),
])
def test_bad_init_is_refused(init, exc, match):
    with pytest.raises(exc, match=match):
        NoSearch(init=init).minimize(np.zeros(8))
