"""``n_jobs=None``: fit the problems here, and in worker processes too when the idle cores make it pay.

A multi-class fit is many independent two-class problems, each with its own seed, so *where* each one
runs never changes the result. What parallelism costs is the workers' start: a fresh process imports
NumPy and Quark's fitting modules and loads the compiled kernels (0.8 s measured on 2 cores; the
decision counts :data:`WORKER_START_S`, a conservative figure). So the fit begins here, one problem after another, and after
:data:`PROBE_S` seconds (and at least two problems, the first paying one-off costs) it knows two things a
guess before the fit would not: how long the problems take, and how many cores stayed idle meanwhile (``/proc/stat``; the load average elsewhere). It
starts workers only when the problems left would take clearly longer in this process alone, and then
keeps fitting here too — this process takes problems from the front, the workers from the back, and
a problem still queued for a worker when this process runs out of its own is taken back — so no core
waits for the workers to start.
"""

from __future__ import annotations

import math
import os
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, wait
from typing import Callable, Sequence

__all__ = ["fit_here_and_in_workers", "helper_workers", "idle_cores", "WORKER_START_S", "PROBE_S",
           "MIN_PROBLEMS"]

#: Seconds a worker process is taken to need before it is useful (spawn, imports, compiled kernels): 1.5 s was
#: measured on a 2-core machine while workers still imported scikit-learn; 0.8 s since (docs/real_data.md).
#: The larger figure is kept: workers start only where they clearly pay.
WORKER_START_S = 1.5
#: Seconds of fitting in this process before deciding on workers (the problems' pace and the idle cores).
PROBE_S = 0.2
#: Fewer problems than this always run in this process.
MIN_PROBLEMS = 8
#: Workers are started only when they are expected to cut the fit's remaining time by at least this share.
MIN_GAIN = 0.2


def _usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _cpu_ticks() -> tuple[float, int, int, int] | None:
    """``(this process's CPU seconds, idle ticks, all ticks, the machine's CPUs)`` from ``/proc/stat``; ``None``
    where it cannot be read."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            lines = fh.read().splitlines()
        ticks = [int(v) for v in lines[0].split()[1:]]
    except (OSError, ValueError, IndexError):
        return None
    cpus = sum(1 for line in lines[1:] if line.startswith("cpu"))  # the ticks are summed over all of them
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    return time.process_time(), idle, sum(ticks[:8]), max(cpus, 1)  # no guest ticks: they are in user already


def idle_cores(before: tuple[float, int, int, int] | None) -> float:
    """Cores free for workers since ``before`` (a :func:`_cpu_ticks` reading): the cores this process may use,
    minus what other processes kept busy, minus one for this process. Without ``/proc/stat``: the cores
    minus the 1-minute load average and this process."""
    cores = _usable_cores()
    after = _cpu_ticks()
    if before is not None and after is not None and after[2] > before[2]:
        cpus, total = after[3], after[2] - before[2]
        busy = cpus * (1.0 - (after[1] - before[1]) / total)           # CPUs busy, all processes
        tick_s = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        mine = (after[0] - before[0]) / (total / cpus / tick_s)         # CPUs this process kept busy
        return max(0.0, min(cores, cpus) - max(busy - mine, 0.0) - 1.0)
    try:
        return max(0.0, cores - os.getloadavg()[0] - 1.0)
    except OSError:  # pragma: no cover - no load average: do not guess
        return 0.0


def helper_workers(seconds_per_problem: float, remaining: int, idle: float,
                   start_s: float = WORKER_START_S) -> int:
    """How many worker processes to start beside this one for ``remaining`` problems of about
    ``seconds_per_problem`` each, with ``idle`` cores free: 0 unless they cut the remaining time by at least
    :data:`MIN_GAIN` (this process fits alone while they start, then all share the rest).

    Examples
    --------
    >>> helper_workers(0.05, 34, idle=1.0)      # 1.7 s left: a worker's start would eat the gain
    0
    >>> helper_workers(0.25, 42, idle=1.0)      # 10.5 s left, one idle core
    1
    >>> helper_workers(0.25, 42, idle=0.2)      # nothing idle
    0
    """
    workers = min(int(math.floor(idle + 0.3)), remaining - 1)
    serial = seconds_per_problem * remaining
    while workers >= 1:
        parallel = start_s + max(serial - start_s, 0.0) / (workers + 1)
        if parallel <= (1.0 - MIN_GAIN) * serial:
            return workers
        workers -= 1
    return 0


def fit_here_and_in_workers(items: Sequence, fit_one: Callable, on_done: Callable[[int], None] | None = None,
                            *, probe_s: float | None = None, start_s: float | None = None) -> list:
    """``[fit_one(item) for item in items]``, in order, computed here and, where it pays, in loky worker
    processes as well (see the module docstring). ``fit_one`` must be picklable (cloudpickle: closures are).

    An exception of a problem is raised after the workers' problems already running have finished, as
    ``(index, exception, results_so_far)`` wrapped in :class:`ProblemFailed` so the caller can say which
    problem failed and what the earlier ones spent.
    """
    probe_s = PROBE_S if probe_s is None else probe_s
    start_s = WORKER_START_S if start_s is None else start_s
    n = len(items)
    results: list = [None] * n
    done = [False] * n
    t0, ticks = time.perf_counter(), _cpu_ticks()

    seconds: list[float] = []  # of each problem fitted here before the decision

    def here(i: int) -> None:
        clock = time.perf_counter()
        try:
            results[i] = fit_one(items[i])
        except Exception as exc:
            raise ProblemFailed(i, exc, results, done) from exc
        done[i] = True
        seconds.append(time.perf_counter() - clock)
        if on_done is not None:
            on_done(i)

    pending = deque(range(n))
    # the first problem pays one-off costs (the compiled kernels' load, imports), so the pace is read from the
    # others: past the probe, a second problem is waited for while the wait is shorter than a worker's start
    # (a worker started on the first problem's pace alone would be paid for a pace it never had)
    while pending and (time.perf_counter() - t0 < probe_s
                       or (len(seconds) < 2 and time.perf_counter() - t0 < start_s)):
        here(pending.popleft())
    workers = 0
    if len(pending) >= 2 and n >= MIN_PROBLEMS:
        pace = sum(seconds[1:]) / (len(seconds) - 1) if len(seconds) > 1 else sum(seconds)
        workers = helper_workers(pace, len(pending), idle_cores(ticks), start_s=start_s)
    if workers == 0:
        while pending:
            here(pending.popleft())
        return results

    # joblib's reusable loky executor (the one its Parallel shares): workers outlive this fit, so the next
    # one does not pay their start; no memory-mapping of arrays (a problem's rows are pickled with it)
    from joblib.executor import get_memmapping_executor

    executor = get_memmapping_executor(workers, max_nbytes=None)
    queued: dict = {}  # index -> future, for problems handed to the workers
    failure: ProblemFailed | None = None

    def top_up() -> None:  # two problems per worker in hand: none waits for this process between problems
        while pending and sum(not f.done() for f in queued.values()) < 2 * workers:
            i = pending.pop()
            queued[i] = executor.submit(fit_one, items[i])

    def harvest() -> None:
        nonlocal failure
        for i, fut in list(queued.items()):
            if fut.done():
                del queued[i]
                if fut.cancelled():  # after a failure: never run
                    continue
                exc = fut.exception()
                if exc is not None:
                    failure = failure if failure is not None and failure.index < i else ProblemFailed(i, exc, results, done)
                    continue
                results[i], done[i] = fut.result(), True
                if on_done is not None:
                    on_done(i)

    try:
        top_up()
        while (pending or queued) and failure is None:
            if pending:
                here(pending.popleft())
            else:  # take back a problem no worker has started; else wait for one to finish
                taken = next((i for i in sorted(queued) if queued[i].cancel()), None)
                if taken is not None:
                    del queued[taken]
                    here(taken)
                else:
                    wait(list(queued.values()), return_when=FIRST_COMPLETED)
            harvest()
            top_up()
    except ProblemFailed as exc:
        failure = exc if failure is None or exc.index < failure.index else failure
    if failure is not None:
        for fut in queued.values():
            fut.cancel()
        wait(list(queued.values()))
        harvest()
        raise failure
    return results


class ProblemFailed(Exception):
    """Problem ``index`` raised ``error``; ``results[i]`` holds every problem fitted when ``done[i]``."""

    def __init__(self, index: int, error: BaseException, results: list, done: list) -> None:
        super().__init__(index, error)
        self.index, self.error, self.results, self.done = index, error, results, done

    def earlier(self) -> list:
        """The fitted problems before the one that failed, in order (those that finished)."""
        return [r for r, d in zip(self.results[:self.index], self.done[:self.index]) if d]
