"""Query scaling and stopping of GroverAdaptiveSearch on random landscapes with distinct losses.

For each n, ``--seeds`` landscapes (a seeded random permutation of 0..N-1 as the loss table, N =
2**n) are searched on the exact statevector kernel with each schedule:

* ``confident`` — the default: ``k`` from the posterior over how many settings remain below the
  threshold, stop once ``P(none remains) >= 0.99`` (budget 4.5 sqrt(N) as a cap);
* ``bbht`` — ``confidence=None``: the BBHT range kept after an improvement, run to the budget;
* ``textbook`` — ``restart=True``: textbook Dürr–Høyer, run to the budget.

None of them knows the optimum. Reported in units of sqrt(N):

* ``first``: median oracle queries until the optimum was first measured (failures count as
  infinite), and its 95th percentile;
* ``stop``: median and 90th percentile of the queries until the search stopped (what a user pays);
* ``success``: fraction of runs that returned the optimum; ``false``: fraction that stopped
  confident without it; ``budget``: fraction stopped by the budget;
* ``rounds``: mean measurements (= classical checks) per run.

Then the log-log slope of the median queries to the optimum and to the stop against N.

    python benchmarks/grover_query_scaling.py                       # n = 8, 10, ..., 24
    python benchmarks/grover_query_scaling.py --n 8 12 16 --seeds 200 --schedules confident
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np

from quark.backends.statevector import StatevectorBackend
from quark.optimizers.base import SearchWarning
from quark.optimizers import GroverAdaptiveSearch


SCHEDULES = {"confident": {}, "bbht": {"confidence": None}, "textbook": {"restart": True}}


def run(n: int, seeds: int, schedules: list[str]) -> list[dict]:
    """Each schedule on the same ``seeds`` landscapes of ``n`` qubits."""
    sq = np.sqrt(2.0**n)
    first = {k: [] for k in schedules}
    stop = {k: [] for k in schedules}
    rounds = {k: [] for k in schedules}
    reason = {k: [] for k in schedules}
    backend = StatevectorBackend()
    for s in range(seeds):
        table = np.random.default_rng(1_000_003 * n + s).permutation(1 << n).astype(np.float64)
        for name in schedules:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SearchWarning)  # a miss is counted below
                res = GroverAdaptiveSearch(backend=backend, random_state=s, **SCHEDULES[name]).minimize(table)
            first[name].append(res.info["queries_at_best"] / sq if res.loss == 0.0 else np.inf)
            stop[name].append(res.ledger.oracle_queries / sq)
            rounds[name].append(res.info["rounds"])
            reason[name].append(res.info["stop_reason"])
        del table
    rows = []
    for name in schedules:
        f = np.array(first[name])
        ok = np.isfinite(f)
        why = np.array(reason[name])
        rows.append({
            "n": n,
            "schedule": name,
            "seeds": seeds,
            "median_first": float(np.median(f)),
            "p95_first": float(np.percentile(f, 95, method="higher")),
            "median_stop": float(np.median(stop[name])),
            "p90_stop": float(np.percentile(stop[name], 90)),
            "mean_stop": float(np.mean(stop[name])),
            "success": float(ok.mean()),
            "false_stop": float(((why == "confident") & ~ok).mean()),
            "budget_stop": float((why == "budget").mean()),
            "mean_rounds": float(np.mean(rounds[name])),
        })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=list(range(8, 25, 2)))
    ap.add_argument("--seeds", type=int, default=100)
    ap.add_argument("--schedules", nargs="+", choices=list(SCHEDULES), default=list(SCHEDULES))
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args()
    rows = []
    head = (f"{'n':>3} {'schedule':>9} {'first':>6} {'p95':>6} {'stop':>5} {'p90':>5} {'success':>7} "
            f"{'false':>5} {'budget':>6} {'rounds':>6} {'time_s':>6}")
    print(head)
    for n in args.n:
        t0 = time.perf_counter()
        for r in run(n, args.seeds, args.schedules):
            r["time_s"] = time.perf_counter() - t0
            rows.append(r)
            print(f"{n:>3} {r['schedule']:>9} {r['median_first']:6.2f} {r['p95_first']:6.2f} {r['median_stop']:5.2f} "
                  f"{r['p90_stop']:5.2f} {r['success']:7.3f} {r['false_stop']:5.3f} {r['budget_stop']:6.3f} "
                  f"{r['mean_rounds']:6.1f} {r['time_s']:6.1f}", flush=True)
    for sched in args.schedules:
        sel = [r for r in rows if r["schedule"] == sched and np.isfinite(r["median_first"])]
        if len(sel) >= 2:
            N = np.array([2.0 ** r["n"] for r in sel])
            for key in ("median_first", "median_stop"):
                q = np.array([r[key] for r in sel]) * np.sqrt(N)
                slope = np.polyfit(np.log(N), np.log(q), 1)[0]
                print(f"{sched}: log-log slope of {key.replace('_', ' ')} queries vs N = {slope:.3f} "
                      "(sqrt: 0.5, classical: 1)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
