"""n_jobs=None: problems fitted here, and in worker processes too when idle cores make them pay."""

from __future__ import annotations

import os

import numpy as np
import pytest

from quark.estimators import workers
from quark.estimators.workers import ProblemFailed, fit_here_and_in_workers, helper_workers


def test_workers_start_only_when_they_cut_the_remaining_time():
    assert helper_workers(0.05, 34, idle=1.0) == 0       # 1.7 s left: one worker's start eats the gain
    assert helper_workers(0.25, 42, idle=1.0) == 1       # 10.5 s left, one idle core
    assert helper_workers(0.25, 42, idle=0.4) == 0       # no idle core: other jobs hold them
    assert helper_workers(0.25, 42, idle=5.5) == 5       # as many as are idle (rounded up from 0.7) and pay
    assert helper_workers(10.0, 3, idle=8.0) == 2        # never more workers than problems left but one
    # a worker pays only when (start + rest / 2) is at most 80% of the rest alone
    assert helper_workers(1.0, 2, idle=1.0, start_s=1.5) == 0
    assert helper_workers(1.0, 3, idle=1.0, start_s=1.5) == 1


def test_idle_cores_reads_the_cpu_counters_between_two_readings():
    before = workers._cpu_ticks()
    if before is None:
        pytest.skip("no /proc/stat here")
    cores = before[3]
    np.linalg.svd(np.random.default_rng(0).normal(size=(300, 300)))   # some work in between
    idle = workers.idle_cores(before)
    assert 0.0 <= idle <= cores + 1e-9


@pytest.mark.parametrize("idle_ticks, free", [(3, 1.0), (2, 0.0)])
def test_free_cores_are_counted_on_the_cores_this_process_may_use(monkeypatch, idle_ticks, free):
    # /proc/stat sums every CPU of the machine (4 here) while this process may use 2 of them; over one second
    # it kept one busy: free for a worker is the other usable core, unless other processes kept one busy
    tick = os.sysconf("SC_CLK_TCK")
    before = (0.0, 0, 0, 4)
    after = (1.0, idle_ticks * tick, 4 * tick, 4)   # one second of 4 CPUs: idle_ticks of them idle
    monkeypatch.setattr(workers, "_cpu_ticks", lambda: after)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert workers.idle_cores(before) == pytest.approx(free)


def _pid_and_square(x):
    return os.getpid(), x * x


def _force_workers(monkeypatch, n: int = 2) -> list:
    """Workers whatever the pace and the idle cores; returns the list of workers started, per decision."""
    started = []

    def decide(pace, remaining, idle, start_s):
        started.append(min(n, remaining - 1))
        return started[-1]

    monkeypatch.setattr(workers, "idle_cores", lambda before: float(n))
    monkeypatch.setattr(workers, "helper_workers", decide)
    return started


def test_results_come_back_in_order_whoever_fitted_them(monkeypatch):
    _force_workers(monkeypatch)
    done = []
    out = fit_here_and_in_workers(list(range(12)), _pid_and_square, on_done=done.append, probe_s=0.0)
    assert [sq for _, sq in out] == [x * x for x in range(12)]
    assert sorted(done) == list(range(12))                # every problem reported once
    assert len({pid for pid, _ in out}) >= 2               # here and in at least one worker
    assert any(pid == os.getpid() for pid, _ in out)       # this process worked too


def test_few_or_fast_problems_stay_in_this_process():
    out = fit_here_and_in_workers(list(range(5)), _pid_and_square)          # fewer than MIN_PROBLEMS
    assert {pid for pid, _ in out} == {os.getpid()}
    out = fit_here_and_in_workers(list(range(40)), _pid_and_square)         # microseconds each
    assert {pid for pid, _ in out} == {os.getpid()}


_CALLED: list = []


def _slow_first(x):
    """The first call in a process pays a one-off cost (as a fit's first problem loads compiled kernels)."""
    import time

    if not _CALLED:
        _CALLED.append(x)
        time.sleep(0.5)
    return os.getpid(), x


def test_a_first_problems_one_off_cost_alone_starts_no_workers(monkeypatch):
    decisions = []
    real = workers.helper_workers
    monkeypatch.setattr(workers, "idle_cores", lambda before: 1.0)
    monkeypatch.setattr(workers, "helper_workers", lambda *a, **k: decisions.append(a) or real(*a, **k))
    _CALLED.clear()
    out = fit_here_and_in_workers(list(range(40)), _slow_first, probe_s=0.2, start_s=1.5)
    assert {pid for pid, _ in out} == {os.getpid()}       # 39 fast problems left: no worker pays
    assert decisions and decisions[0][0] < 0.1             # the pace read from the second problem, not the first


def _fail_at_seven(x):
    if x == 7:
        raise ArithmeticError("problem seven failed")
    return x


@pytest.mark.parametrize("in_workers", [False, True])
def test_a_failing_problem_is_named_with_what_was_fitted_before_it(monkeypatch, in_workers):
    if in_workers:
        _force_workers(monkeypatch)
    with pytest.raises(ProblemFailed) as caught:
        fit_here_and_in_workers(list(range(12)), _fail_at_seven, probe_s=0.0 if in_workers else 10.0)
    failed = caught.value
    assert failed.index == 7 and isinstance(failed.error, ArithmeticError)
    assert all(r < 7 for r in failed.earlier())
    if not in_workers:
        assert failed.earlier() == list(range(7))


def test_a_multiclass_fit_with_workers_gives_the_result_of_one_process(monkeypatch):
    from sklearn.datasets import load_digits

    from quark import QuarkClassifier

    X, y = load_digits(n_class=5, return_X_y=True)   # 10 one-vs-one problems
    X, y = X[:150], y[:150]
    started = _force_workers(monkeypatch)
    monkeypatch.setattr(workers, "PROBE_S", 0.0)
    auto = QuarkClassifier(random_state=0, weight_bits=2).fit(X, y)
    assert started == [2]                             # two workers beside this process
    one = QuarkClassifier(random_state=0, weight_bits=2, n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(np.asarray(auto.result_.bits), np.asarray(one.result_.bits))
    np.testing.assert_array_equal(auto.decision_function(X), one.decision_function(X))
    counts = [{k: v for k, v in clf.result_.ledger.as_dict().items() if k != "wall_time_s"} for clf in (auto, one)]
    assert counts[0] == counts[1]


def test_an_active_joblib_configuration_keeps_n_jobs_none_joblibs(monkeypatch):
    from joblib import parallel_config

    from quark.estimators import problems

    assert not problems._joblib_configured()
    with parallel_config(backend="threading", n_jobs=2):
        assert problems._joblib_configured()
    with parallel_config(n_jobs=3):
        assert problems._joblib_configured()
