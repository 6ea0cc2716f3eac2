"""Query scaling of GroverAdaptiveSearch on random landscapes with distinct losses.

For each n, ``--seeds`` landscapes (a seeded random permutation of 0..N-1 as the loss table, N =
2**n) are searched twice — with Quark's schedule (the BBHT range is kept after an improvement)
and with textbook Dürr–Høyer (the range restarts at 1) — on the exact statevector kernel, with
the default stop rule (a budget of 4.5 sqrt(N) queries, no knowledge of the optimum). Reported
in units of sqrt(N):

* ``first``: median oracle queries until the optimum was first measured (failures count as
  infinite), and its 95th percentile;
* ``success``: fraction of runs that returned the optimum (at the default budget, and what it
  would have been at budgets of 3, 3.5 and 4 sqrt(N));
* ``stop``: mean oracle queries until the search stopped;
* ``mean/22.5``: mean queries to the optimum over the Dürr–Høyer bound 22.5 sqrt(N);
* ``rounds``: mean measurements (= classical checks) per run.

Then the log-log slope of the median queries to the optimum against N (1 would be classical).

    python benchmarks/grover_query_scaling.py            # n = 8, 10, ..., 24; 60 seeds; ~5 min
    python benchmarks/grover_query_scaling.py --n 8 12 16 --seeds 200
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np

from quark.backends.statevector import StatevectorBackend
from quark.optimizers import GroverAdaptiveSearch


def run(n: int, seeds: int) -> list[dict]:
    """Both schedules on the same ``seeds`` landscapes of ``n`` qubits."""
    sq = np.sqrt(2.0**n)
    schedules = {"quark": False, "textbook": True}
    first = {k: [] for k in schedules}
    stop = {k: [] for k in schedules}
    rounds = {k: [] for k in schedules}
    backend = StatevectorBackend()
    for s in range(seeds):
        table = np.random.default_rng(1_000_003 * n + s).permutation(1 << n).astype(np.float64)
        for name, restart in schedules.items():
            res = GroverAdaptiveSearch(backend=backend, restart=restart, random_state=s).minimize(table)
            first[name].append(res.info["queries_at_best"] / sq if res.loss == 0.0 else np.inf)
            stop[name].append(res.ledger.oracle_queries / sq)
            rounds[name].append(res.info["rounds"])
        del table
    rows = []
    for name in schedules:
        f = np.array(first[name])
        ok = np.isfinite(f)
        rows.append({
            "n": n,
            "schedule": name,
            "seeds": seeds,
            "median_first": float(np.median(f)),
            "p95_first": float(np.percentile(f, 95, method="higher")),
            "success": float(ok.mean()),
            **{f"success_at_{c}": float((f <= c).mean()) for c in (3.0, 3.5, 4.0)},
            "mean_stop": float(np.mean(stop[name])),
            "mean_first_over_22.5": float(f[ok].mean() / 22.5) if ok.any() else float("nan"),
            "mean_rounds": float(np.mean(rounds[name])),
        })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=list(range(8, 25, 2)))
    ap.add_argument("--seeds", type=int, default=60)
    ap.add_argument("--json", help="also write the rows to this file")
    args = ap.parse_args()
    rows = []
    head = (f"{'n':>3} {'schedule':>9} {'first':>6} {'p95':>6} {'success':>8} {'@3':>5} {'@3.5':>5} {'@4':>5} "
            f"{'stop':>5} {'mean/22.5':>9} {'rounds':>6} {'time_s':>6}")
    print(head)
    for n in args.n:
        t0 = time.perf_counter()
        for r in run(n, args.seeds):
            r["time_s"] = time.perf_counter() - t0
            rows.append(r)
            print(f"{n:>3} {r['schedule']:>9} {r['median_first']:6.2f} {r['p95_first']:6.2f} {r['success']:8.3f} "
                  f"{r['success_at_3.0']:5.2f} {r['success_at_3.5']:5.2f} {r['success_at_4.0']:5.2f} "
                  f"{r['mean_stop']:5.2f} {r['mean_first_over_22.5']:9.3f} {r['mean_rounds']:6.1f} {r['time_s']:6.1f}",
                  flush=True)
    for sched in ("quark", "textbook"):
        sel = [r for r in rows if r["schedule"] == sched and np.isfinite(r["median_first"])]
        if len(sel) >= 2:
            N = np.array([2.0 ** r["n"] for r in sel])
            q = np.array([r["median_first"] for r in sel]) * np.sqrt(N)
            slope = np.polyfit(np.log(N), np.log(q), 1)[0]
            print(f"{sched}: log-log slope of median queries to the optimum vs N = {slope:.3f} (sqrt: 0.5, classical: 1)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
