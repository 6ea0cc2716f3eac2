"""Long fills announce themselves: a warning with the estimated time left, early, once."""

from __future__ import annotations

import warnings

import dimod
import pytest

from quark import _progress
from quark._progress import TimedProgress, format_duration
from quark.optimizers import ExhaustiveSearch, GroverAdaptiveSearch, LongRunWarning


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def _timed(total, long_s=60.0):
    p = TimedProgress(total, "the loss of all 2**30 settings", long_s=long_s, advice="try annealing")
    p._clock = clock = Clock()
    p._t0 = 0.0
    return p, clock


def test_the_estimate_is_the_measured_rate_times_what_is_left():
    p, clock = _timed(1000)
    clock.t = 0.5
    p(5)  # too early to estimate: nothing said
    clock.t = 2.0
    # 10 settings in 2 s: the 990 left take 198 s
    with pytest.warns(LongRunWarning, match=r"will take about 3 min more \(10 of 1,000 settings in 2\.0 s\); try annealing"):
        p(5)
    clock.t = 4.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p(10)  # once only


def test_a_short_fill_says_nothing():
    p, clock = _timed(1000)
    clock.t = 1.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p(500)  # 3 s in all: well below a minute
        p(500)


def test_durations_read_naturally():
    assert [format_duration(s) for s in (12, 600, 3 * 3600, 5 * 86400)] == ["12 s", "10 min", "3.0 h", "5.0 days"]


@pytest.mark.parametrize("optimizer", [ExhaustiveSearch(), GroverAdaptiveSearch(random_state=0)], ids=["exhaustive", "grover"])
def test_searches_over_every_setting_warn_when_the_fill_is_long(monkeypatch, optimizer):
    # any fill counts as long here: the warning must come from the search's own fill, pointing at this file
    monkeypatch.setattr(_progress, "LONG_RUN_S", 0.0)
    monkeypatch.setattr(_progress, "_PROBE_S", 0.0)
    bqm = dimod.generators.gnp_random_bqm(17, 0.3, "BINARY", random_state=0)  # two chunks of 2**16
    with pytest.warns(LongRunWarning, match=r"the loss of all 2\*\*17 settings will take about .* more .*verbose=True") as rec:
        optimizer.minimize(bqm)
    assert rec[0].filename == __file__
