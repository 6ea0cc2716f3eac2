"""Cost against the data-set size: how Quark's search cost grows with the number of training samples m.

The paper claims Quark's optimization cost does not grow with m: the Grover rounds of its
amplification depend on the mean accuracy, not on how many samples carry it. This benchmark
measures the claim and its limits, on data sets that grow in m:

- ``mnist-repeat``: Tiny-MNIST 6 vs 7, 3x3, the 39 deduplicated patterns (bundled digits, train and
  test together) repeated r = 1, 2, 4, ... times -- m grows, every accuracy stays exactly the same;
- ``mnist-subsample``: stratified random subsamples of the 1,000 bundled 6/7 images (3x3), m = 32 ...
  1,000 -- real growth, 20 subsamples per m;
- ``edge-subsample``: Edge Detection 3x3 (rows), stratified subsamples of the 512 images, m = 32 ...
  512, Quark's line detector (8 weights, one per line).

Per m it measures, on the exact kernel: Grover adaptive search (``GroverAdaptiveSearch``, default
settings) -- oracle queries and measurements until the optimum was first measured, success,
rounds, classical model evaluations, wall time; the paper's amplification (``QuarkSearch``, copies
k = 1 and 8, rounds chosen from its own sampled estimate) -- the rounds it chose, the exact
probability that one shot measures an optimal setting at those rounds, the expected shots and
oracle queries until one does, model evaluations, wall time. On the circuits Qiskit Aer runs: the
qubits, two-qubit gates and depth of the counting oracle (Grover adaptive search) and of the joint
oracle (k = 1, 8), transpiled to ['cx', 'u'] at optimization level 1 (as docs/aer.md); and Aer wall
time -- whole Grover adaptive searches on Tiny-MNIST 2x2 (12-18 qubits) and seconds per oracle
query on Tiny-MNIST 3x3 -- up to a time cap.

Every quantity gets a fitted exponent: the least-squares slope of log(quantity) against log(m),
with a 95% bootstrap interval over subsamples / seeds where runs are random ("flat within noise"
when it contains 0).

Run::

    python benchmarks/data_size.py            # docs/figures/data_size.{json,md,png} (~10 min on 2 cores)
    python benchmarks/data_size.py --quick    # seconds; writes data_size_quick.* (tests/benchmarks)
    python benchmarks/data_size.py --replot   # redraw the figure and tables from data_size.json
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path
from typing import Any, Callable

import numpy as np

BASIS = ("cx", "u")
SHOTS = 1024  # QuarkSearch's default measurements per run
COPIES = (1, 8)


# -- data sets that grow in m ---------------------------------------------------------------------
def stratified(y: np.ndarray, m: int, rng: np.random.Generator) -> np.ndarray:
    """Indices of a random subsample of size ``m`` with the class ratio of ``y``."""
    if m >= len(y):
        return np.arange(len(y))
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    n_pos = int(round(m * len(pos) / len(y)))
    return np.sort(np.concatenate([rng.choice(pos, n_pos, replace=False), rng.choice(neg, m - n_pos, replace=False)]))


def _sizes(ms, population: int, quick: bool) -> list[int]:
    """The subsample sizes below the population, then (full runs) the whole population once."""
    return [m for m in ms if m < population] + ([] if quick else [population])


def families(quick: bool, n_sub: int) -> list[dict[str, Any]]:
    from quark.datasets import load_edge_detection, load_tiny_mnist

    Xu, yu = load_tiny_mnist((6, 7), 3, subset="all", dedupe=True)
    Xa, ya = load_tiny_mnist((6, 7), 3, subset="all")
    Xe, ye = load_edge_detection(lines="rows")
    reps = (1, 2, 4) if quick else (1, 2, 4, 8, 16, 32)

    def repeat(m, g):
        r = m // len(yu)
        return np.tile(Xu, (r, 1)), np.tile(yu, r)

    def sub(X, y, seed):
        def make(m, g):
            idx = stratified(y, m, np.random.default_rng([seed, m, g]))
            return X[idx], y[idx]
        return make

    ms_sub = (32, 64, 128) if quick else (32, 64, 128, 256, 512)
    return [
        dict(name="mnist-repeat", title=f"Tiny-MNIST 3x3, the {len(yu)} patterns repeated", model="perceptron",
             ms=[len(yu) * r for r in reps], population=None, make=repeat, n_sub=1),
        dict(name="mnist-subsample", title=f"Tiny-MNIST 3x3, subsamples of the {len(ya)} images", model="perceptron",
             ms=_sizes(ms_sub, len(ya), quick), population=len(ya), make=sub(Xa, ya, 1), n_sub=n_sub),
        dict(name="edge-subsample", title=f"Edge Detection 3x3 rows, subsamples of the {len(ye)} images",
             model="line-detector", ms=_sizes(ms_sub, len(ye), quick), population=len(ye),
             make=sub(Xe, ye, 2), n_sub=n_sub),
    ]


# -- the searches on the exact kernel ------------------------------------------------------------
def run_grover(land, seeds) -> list[dict]:
    from quark.optimizers import GroverAdaptiveSearch

    out = []
    for s in seeds:
        # the schedule this page was measured with: BBHT to the 4.5 sqrt(N) budget (docs/results.md)
        res = GroverAdaptiveSearch(confidence=None, random_state=int(s)).minimize(land)
        first = next(h for h in res.history if h["best_loss"] <= res.loss)  # when the returned loss was measured
        out.append({"seed": int(s), "reached": bool(res.info["reached_optimum"]),
                    "queries_to_opt": int(first["oracle_queries"]), "shots_to_opt": int(first["shots"]),
                    "rounds": int(res.info["rounds"]), "queries": int(res.ledger.oracle_queries),
                    "shots": int(res.ledger.shots), "model_evaluations": int(res.ledger.model_evaluations),
                    "wall_s": float(res.ledger.wall_time_s)})
    return out


def run_quark(land, opt_mask: np.ndarray, opt_loss: float, k: int, seeds) -> list[dict]:
    from quark.backends.statevector import StatevectorBackend
    from quark.optimizers import QuarkSearch

    exact, p_at = StatevectorBackend(), {}
    out = []
    for s in seeds:
        res = QuarkSearch(copies=k, shots=SHOTS, random_state=int(s)).minimize(land)
        r = int(res.info["iterations"])
        if r not in p_at:
            p_at[r] = float(exact.joint_probabilities(land, r, k)[opt_mask].sum())
        p = p_at[r]
        out.append({"seed": int(s), "rounds": r, "p_opt": p, "shots_to_opt": 1.0 / p, "queries_to_opt": r / p,
                    "reached": bool(res.loss <= opt_loss), "queries": int(res.ledger.oracle_queries),
                    "shots": int(res.ledger.shots), "model_evaluations": int(res.ledger.model_evaluations),
                    "wall_s": float(res.ledger.wall_time_s)})
    return out


# -- circuits --------------------------------------------------------------------------------------
def circuit_sizes(land, max_ops: int) -> dict[str, dict]:
    """Qubits, two-qubit gates and depths of the oracles, transpiled to ['cx', 'u'] (level 1).

    The joint oracle is transpiled only while its untranspiled operation count is at most
    ``max_ops`` (its loader grows with m); past that only its qubits are reported.
    """
    from quark.backends.aer import AerBackend
    from quark.baselines.counting import circuit_cost

    be = AerBackend(method="statevector", aer_options={"max_parallel_threads": 1})
    out: dict[str, dict] = {}
    orc = be.threshold_oracle(land)
    t0 = time.perf_counter()
    out["counting"] = {**circuit_cost(orc.bound(0.5), basis_gates=BASIS), "classes": int(orc.info["classes"]),
                       "counter_qubits": int(orc.info["counter_qubits"]), "transpile_s": time.perf_counter() - t0}
    for k in COPIES:
        jo = be.joint_oracle(land, k)
        ops = int(jo.circuit.size())
        if ops <= max_ops:
            t0 = time.perf_counter()
            out[f"joint k={k}"] = {**circuit_cost(jo.circuit, basis_gates=BASIS), "ops": ops,
                                   "transpile_s": time.perf_counter() - t0}
        else:
            out[f"joint k={k}"] = {"qubits": int(jo.circuit.num_qubits), "ops": ops}
    return out


# -- Aer wall time ---------------------------------------------------------------------------------
def _too_wide(land, max_qubits: int, log) -> bool:
    from quark.encoding.oracles import counting_oracle

    q = counting_oracle(land).circuit.num_qubits
    if q > max_qubits:
        log(f"  aer: m = {land.n_samples} skipped ({q} circuit qubits > --aer-max-qubits {max_qubits})")
    return q > max_qubits


def aer_solves(reps, seeds: int, cap_s: float, log, max_qubits: int = 22) -> list[dict]:
    """Whole Grover adaptive searches on Aer: Tiny-MNIST 2x2 (16 patterns) repeated r times."""
    from quark.backends.aer import AerBackend
    from quark.datasets import load_tiny_mnist
    from quark.encoding import LossLandscape
    from quark.optimizers import GroverAdaptiveSearch

    X, y = load_tiny_mnist((6, 7), 2, subset="all", dedupe=True)
    out, last = [], 0.0
    for i, r in enumerate(reps):
        if i and last * 2 > cap_s:  # one more qubit roughly doubles a statevector's time
            log(f"  aer 2x2: m = {len(y) * r} skipped (the last solve took {last:.0f} s; --aer-cap {cap_s:.0f} s)")
            break
        land = LossLandscape("perceptron", None, np.tile(X, (r, 1)), np.tile(y, r))
        if _too_wide(land, max_qubits, log):
            break
        best = float(land.table().min())
        rows = []
        for s in range(seeds):
            be = AerBackend(method="statevector", aer_options={"max_parallel_threads": 1}, compact=False)  # hardware forms
            t0 = time.perf_counter()
            res = GroverAdaptiveSearch(backend=be, confidence=None, random_state=s).minimize(land)
            rows.append({"seed": s, "wall_s": time.perf_counter() - t0, "reached": bool(res.loss <= best),
                         "queries": int(res.ledger.oracle_queries), "circuits": int(res.ledger.circuit_executions)})
        last = float(np.median([q["wall_s"] for q in rows]))
        qubits = be.threshold_oracle(land).circuit.num_qubits
        out.append({"m": len(y) * r, "qubits": int(qubits), "wall_s": last, "runs": rows})
        log(f"  aer 2x2 GAS m={len(y) * r:5d} ({qubits} qubits): {last:.1f} s per solve")
    return out


def aer_per_query(reps, rounds: int, cap_s: float, log, max_qubits: int = 22) -> list[dict]:
    """Seconds per oracle query on Aer: Tiny-MNIST 3x3 (39 patterns) repeated r times."""
    from quark.backends.aer import AerBackend
    from quark.datasets import load_tiny_mnist
    from quark.encoding import LossLandscape

    X, y = load_tiny_mnist((6, 7), 3, subset="all", dedupe=True)
    out, last = [], 0.0
    for i, r in enumerate(reps):
        if i and last * 2 > cap_s:
            log(f"  aer 3x3: m = {len(y) * r} skipped (the last circuit took {last:.0f} s; --aer-cap {cap_s:.0f} s)")
            break
        land = LossLandscape("perceptron", None, np.tile(X, (r, 1)), np.tile(y, r))
        if _too_wide(land, max_qubits, log):
            break
        be = AerBackend(method="statevector", aer_options={"max_parallel_threads": 1})
        rng = np.random.default_rng(0)
        thr = float(np.median(land.table()))
        be.sample_threshold(land, thr, 0, 1, rng)  # transpiles A and the Grover iterate once
        t0 = time.perf_counter()
        be.sample_threshold(land, thr, 0, 1, rng)
        t_zero = time.perf_counter() - t0
        t0 = time.perf_counter()
        be.sample_threshold(land, thr, rounds, 1, rng)
        last = time.perf_counter() - t0
        per = max(last - t_zero, 1e-9) / rounds
        qubits = be.threshold_oracle(land).circuit.num_qubits
        out.append({"m": len(y) * r, "qubits": int(qubits), "rounds": rounds, "circuit_s": last,
                    "s_per_query": per, "solve_s_at_budget": per * 144})
        log(f"  aer 3x3 m={len(y) * r:5d} ({qubits} qubits): {per:.2f} s per oracle query")
    return out


# -- fits ------------------------------------------------------------------------------------------
def slope(ms, vals) -> float | None:
    v = np.asarray(vals, dtype=float)
    if v.size < 2 or not np.all(np.isfinite(v)) or np.any(v <= 0):
        return None
    return float(np.polyfit(np.log(np.asarray(ms, dtype=float)), np.log(v), 1)[0])


def fit(ms, clusters: list[list[np.ndarray]] | None, stat: Callable, values=None, B: int = 1000,
        seed: int = 0, kind: str = "exact") -> dict:
    """Exponent of ``stat`` against m; with ``clusters`` (per m: runs grouped by subsample, or one run
    per group), a 95% percentile bootstrap interval resampling the clusters of each m.

    Without clusters, ``values`` are one number per m: ``kind`` says whether it is ``"exact"``
    (a circuit's size) or a single ``"timing"``.
    """
    if clusters is None:
        f = {"exponent": slope(ms, values), "lo": None, "hi": None, "kind": kind, "values": list(map(float, values))}
        if kind == "exact" and len(ms) >= 2:  # a register that widens with log m: qubits per doubling
            f["per_doubling"] = float(np.polyfit(np.log2(np.asarray(ms, dtype=float)), np.asarray(values, dtype=float), 1)[0])
        return f
    point_vals = [stat(np.concatenate(c)) for c in clusters]
    point = slope(ms, point_vals)
    rng = np.random.default_rng(seed)
    boots = []
    for _ in range(B):
        vals = []
        for c in clusters:
            pick = rng.integers(0, len(c), len(c))
            vals.append(stat(np.concatenate([c[i] for i in pick])))
        boots.append(slope(ms, vals))
    boots = np.array([b for b in boots if b is not None])
    lo, hi = (np.percentile(boots, [2.5, 97.5]).tolist() if boots.size > B // 2 else (None, None))
    return {"exponent": point, "lo": lo, "hi": hi, "kind": "bootstrap", "values": [float(v) for v in point_vals]}


_EPS = 1e-9  # slopes of identical values come out at ~1e-16, not 0


def reading(f: dict, what: str = "") -> str:
    e, lo, hi = f["exponent"], f["lo"], f["hi"]
    if e is None:
        return "no fit (a zero or infinite value)"
    if lo is not None:
        if hi - lo < _EPS and abs(e) < _EPS:
            return "flat (identical at every m)"
        if lo <= _EPS and hi >= -_EPS:
            return "flat within noise"
        return f"{'grows' if e > 0 else 'falls'} as m^{e:.2f}"
    if "qubits" in what and "per_doubling" in f:
        return f"+{f['per_doubling']:.2f} qubits per doubling of m (grows with log m)"
    if abs(e) < 0.02:
        return "flat"
    return f"{'grows' if e > 0 else 'falls'} as m^{e:.2f}"


def fmt_fit(f: dict) -> str:
    if f["exponent"] is None:
        return "—"
    s = f"{f['exponent'] + 0.0:+.3f}".replace("-0.000", "+0.000")
    if f["lo"] is not None:
        return s + f" [{f['lo'] + 0.0:+.3f}, {f['hi'] + 0.0:+.3f}]".replace("-0.000", "+0.000")
    return s + (" (exact)" if f.get("kind") == "exact" else " (one timing per m)")


# -- one family ------------------------------------------------------------------------------------
def run_family(fam: dict, gas_runs: int, quark_runs: int, max_ops: int, log) -> dict:
    from quark.encoding import LossLandscape

    rows = []
    for m in fam["ms"]:
        t_m = time.perf_counter()
        n_groups = 1 if (fam["population"] is not None and m >= fam["population"]) else fam["n_sub"]
        per_g_gas, per_g_q = max(1, gas_runs // n_groups), max(1, quark_runs // n_groups)
        row: dict[str, Any] = {"m": m, "groups": n_groups, "grover": [], "quark": {k: [] for k in COPIES},
                               "landscape": []}
        for g in range(n_groups):
            X, y = fam["make"](m, g)
            land = LossLandscape(fam["model"], None, X, y)
            table = land.table()
            opt = float(table.min())
            mask = table <= opt + 1e-12
            row["landscape"].append({"optimum_accuracy": 1 - opt, "optimal_settings": int(mask.sum()),
                                     "mean_accuracy": float(1 - table.mean()),
                                     "loss_levels": int(np.unique(table).size)})
            n_opt, N = int(mask.sum()), int(mask.size)
            seeds = range(1000 * g, 1000 * g + per_g_gas)
            for rec in run_grover(land, seeds):
                # Grover's law: ~sqrt(N / M) queries find one of M marked settings
                row["grover"].append({"group": g, **rec, "optimal_settings": n_opt,
                                      "queries_per_sqrt_N_over_M": rec["queries_to_opt"] / np.sqrt(N / n_opt)})
            for k in COPIES:
                for rec in run_quark(land, mask, opt, k, range(1000 * g, 1000 * g + per_g_q)):
                    row["quark"][k].append({"group": g, **rec, "optimal_settings": n_opt,
                                            "p_per_optimal_setting": rec["p_opt"] / n_opt})
            if g == 0:
                row["circuits"] = circuit_sizes(land, max_ops)
        rows.append(row)
        gq = np.median([r["queries_to_opt"] for r in row["grover"]])
        log(f"  {fam['name']:16s} m={m:5d}: {n_groups} data set(s), GAS median queries to optimum {gq:.0f}, "
            f"circuits {row['circuits']['counting']['qubits']} / {row['circuits']['joint k=1']['qubits']} qubits, "
            f"{time.perf_counter() - t_m:.1f} s")
    return {"name": fam["name"], "title": fam["title"], "model": fam["model"], "rows": rows}


def run_values(rows, getter, key) -> list[list[np.ndarray]]:
    """Per m, the runs' values of ``key`` grouped into bootstrap clusters (subsamples, else runs)."""
    out = []
    for row in rows:
        runs = getter(row)
        vals = np.array([r[key] for r in runs], dtype=float)
        groups = np.array([r["group"] for r in runs])
        if row["groups"] > 1:
            out.append([vals[groups == g] for g in np.unique(groups)])
        else:
            out.append([vals[i : i + 1] for i in range(vals.size)])
    return out


def add_derived(rows) -> None:
    """Queries / shots to the optimum count only runs that reached it; a miss counts as never (inf)."""
    for r in rows:
        for rec in r["grover"]:
            rec["q_opt_or_inf"] = rec["queries_to_opt"] if rec["reached"] else np.inf
            rec["s_opt_or_inf"] = rec["shots_to_opt"] if rec["reached"] else np.inf
            rec["reached_f"] = float(rec["reached"])
            rec["qn_or_inf"] = rec["queries_per_sqrt_N_over_M"] if rec["reached"] else np.inf


_DERIVED = ("q_opt_or_inf", "s_opt_or_inf", "reached_f", "qn_or_inf")


def _columns(runs: list[dict]) -> dict[str, list]:
    """Runs as one list per field (a compact JSON), floats to 6 significant digits."""
    keys = [k for k in runs[0] if k not in _DERIVED] if runs else []
    return {k: [float(f"{r[k]:.6g}") if isinstance(r[k], float) else r[k] for r in runs] for k in keys}


def _records(cols: dict[str, list]) -> list[dict]:
    n = len(next(iter(cols.values()))) if cols else 0
    return [{k: v[i] for k, v in cols.items()} for i in range(n)]


def to_json(result: dict) -> str:
    import copy

    out = copy.deepcopy(result)
    for F in out["families"]:
        for r in F["rows"]:
            r["grover"] = _columns(r["grover"])
            r["quark"] = {str(k): _columns(v) for k, v in r["quark"].items()}
    return json.dumps(out, separators=(",", ":"), default=float)


def from_json(text: str) -> dict:
    result = json.loads(text)
    for F in result["families"]:
        for r in F["rows"]:
            r["grover"] = _records(r["grover"])
            r["quark"] = {int(k): _records(v) for k, v in r["quark"].items()}
        add_derived(F["rows"])
    return result


def family_fits(F: dict, B: int) -> dict[str, dict]:
    rows, ms = F["rows"], [r["m"] for r in F["rows"]]
    fits: dict[str, dict] = {}

    def gas(key, stat=np.median):
        return fit(ms, run_values(rows, lambda r: r["grover"], key), stat, B=B)

    add_derived(rows)
    fits["GAS oracle queries to the optimum (median)"] = gas("q_opt_or_inf")
    fits["GAS queries to the optimum / sqrt(N / optimal settings) (median)"] = gas("qn_or_inf")
    fits["GAS measurements to the optimum (median)"] = gas("s_opt_or_inf")
    fits["GAS success (optimum within the budget)"] = gas("reached_f", np.mean)
    fits["GAS rounds (circuits) per solve (median)"] = gas("rounds")
    fits["GAS oracle queries per solve (median)"] = gas("queries")
    fits["GAS model evaluations per solve (median)"] = gas("model_evaluations")
    fits["GAS kernel wall time per solve (median)"] = gas("wall_s")
    for k in COPIES:
        def qs(key, k=k, stat=np.median):
            return fit(ms, run_values(rows, lambda r: r["quark"][k], key), stat, B=B)
        fits[f"QuarkSearch k={k} rounds chosen (median)"] = qs("rounds")
        fits[f"QuarkSearch k={k} P(optimum) per shot (median)"] = qs("p_opt")
        fits[f"QuarkSearch k={k} P per optimal setting (median)"] = qs("p_per_optimal_setting")
        fits[f"QuarkSearch k={k} expected shots to the optimum (median)"] = qs("shots_to_opt")
        fits[f"QuarkSearch k={k} expected oracle queries to the optimum (median)"] = qs("queries_to_opt")
        fits[f"QuarkSearch k={k} model evaluations per run (median)"] = qs("model_evaluations")
        fits[f"QuarkSearch k={k} kernel wall time per run (median)"] = qs("wall_s")
    for circ in ("counting", *(f"joint k={k}" for k in COPIES)):
        for q in ("qubits", "two_qubit_gates", "depth"):
            pts = [(r["m"], r["circuits"][circ][q]) for r in rows if q in r["circuits"][circ]]
            if len(pts) >= 2:
                f = fit([p[0] for p in pts], None, None, values=[p[1] for p in pts])
                f["ms"] = [p[0] for p in pts]
                fits[f"{circ} oracle: {q.replace('_', '-')}"] = f
    return fits


# -- outputs ---------------------------------------------------------------------------------------
def markdown(result: dict) -> str:
    md = [f"Produced by `python benchmarks/data_size.py{' --quick' if result['quick'] else ''}` in "
          f"{result['seconds']:.0f} s. Exponent = least-squares slope of log(quantity) against log(m); "
          "[95% bootstrap interval over subsamples, or over seeds where the data set is fixed]; (exact) = a "
          "deterministic quantity, no interval.\n"]
    for F in result["families"]:
        ms = [r["m"] for r in F["rows"]]
        md.append(f"\n### {F['title']} ({F['model']}), m = {ms[0]} … {ms[-1]}\n\n")
        md.append("| m | data sets | optimum acc. | optimal settings / loss values | mean acc. | GAS queries to opt. "
                  "[IQR] | GAS success | GAS model evals | k=1 rounds / P(opt) | k=8 rounds / P(opt) | "
                  "counting oracle qubits / CX / depth | joint k=1 qubits / CX / depth | joint k=8 qubits / CX |\n")
        md.append("|" + "---|" * 13 + "\n")
        for r in F["rows"]:
            L = r["landscape"]
            q = np.array([x["q_opt_or_inf"] for x in r["grover"]])
            c = r["circuits"]

            def sz(d, keys=("qubits", "two_qubit_gates", "depth")):
                return " / ".join(f"{d[k]:,}" if k in d else "–" for k in keys)

            qk = {k: r["quark"][k] for k in COPIES}
            md.append(
                f"| {r['m']} | {r['groups']} | {np.median([x['optimum_accuracy'] for x in L]):.3f} | "
                f"{np.median([x['optimal_settings'] for x in L]):.0f} / {np.median([x['loss_levels'] for x in L]):.0f} | "
                f"{np.median([x['mean_accuracy'] for x in L]):.3f} | "
                f"{np.median(q):.0f} [{np.percentile(q, 25):.0f}–{np.percentile(q, 75):.0f}] | "
                f"{np.mean([x['reached'] for x in r['grover']]):.3f} | "
                f"{np.median([x['model_evaluations'] for x in r['grover']]):,.0f} | "
                + " | ".join(f"{np.median([x['rounds'] for x in qk[k]]):.0f} / {np.median([x['p_opt'] for x in qk[k]]):.4f}"
                             for k in COPIES)
                + f" | {sz(c['counting'])} | {sz(c['joint k=1'])} | {sz(c['joint k=8'], ('qubits', 'two_qubit_gates'))} |\n")
        if F.get("identical_runs"):
            md.append("\nEvery seed's Grover adaptive search made the same measurements at every m (the repeated "
                      "data leaves the loss landscape unchanged).\n")
        md.append("\n| quantity | exponent [95% interval] | reading |\n|---|---|---|\n")
        for name, f in F["fits"].items():
            md.append(f"| {name} | {fmt_fit(f)} | {reading(f, name)} |\n")
    A = result["aer"]
    md.append("\n### Aer wall time (statevector, one thread)\n\n")
    md.append("Whole Grover adaptive searches, Tiny-MNIST 2x2 perceptron (the 16 patterns repeated):\n\n"
              "| m | circuit qubits | s per solve (median) | oracle queries | circuits | optimum reached |\n|---|---|---|---|---|---|\n")
    for a in A["solves"]:
        md.append(f"| {a['m']} | {a['qubits']} | {a['wall_s']:.1f} | {np.median([x['queries'] for x in a['runs']]):.0f} | "
                  f"{np.median([x['circuits'] for x in a['runs']]):.0f} | {sum(x['reached'] for x in a['runs'])}/{len(a['runs'])} |\n")
    md.append("\nSeconds per oracle query, Tiny-MNIST 3x3 perceptron (the 39 patterns repeated); a solve runs its "
              "whole budget of 144 queries:\n\n| m | circuit qubits | s per oracle query | 144 queries |\n|---|---|---|---|\n")
    for a in A["per_query"]:
        md.append(f"| {a['m']} | {a['qubits']} | {a['s_per_query']:.2f} | {a['solve_s_at_budget'] / 60:.1f} min |\n")
    md.append("\n| quantity | exponent | reading |\n|---|---|---|\n")
    for name, f in A["fits"].items():
        md.append(f"| {name} | {fmt_fit(f)} | {reading(f)} |\n")
    return "".join(md)


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fams = result["families"]
    colors = {F["name"]: c for F, c in zip(fams, ("tab:blue", "tab:orange", "tab:green"))}
    fig, axes = plt.subplots(3, 5, figsize=(21, 12.5))
    ax = axes.ravel()

    def band(a, F, runs_of, key, stat=np.median, ls="-", label=None):
        ms = np.array([r["m"] for r in F["rows"]])
        vals = [np.array([x[key] for x in runs_of(r)], dtype=float) for r in F["rows"]]
        a.plot(ms, [stat(v) for v in vals], ls, marker="o", ms=4, color=colors[F["name"]], label=label)
        if stat is np.median and all(np.isfinite(np.percentile(v, 75)) for v in vals):
            a.fill_between(ms, [np.percentile(v, 25) for v in vals], [np.percentile(v, 75) for v in vals],
                           color=colors[F["name"]], alpha=0.12)

    for F in fams:
        n = F["name"]
        band(ax[0], F, lambda r: r["grover"], "q_opt_or_inf", label=n)
        band(ax[1], F, lambda r: r["grover"], "qn_or_inf", label=n)
        band(ax[2], F, lambda r: r["grover"], "s_opt_or_inf", label=n)
        band(ax[3], F, lambda r: r["grover"], "reached_f", stat=np.mean, label=n)
        band(ax[4], F, lambda r: r["grover"], "model_evaluations", label=f"{n}, GAS")
        band(ax[4], F, lambda r: r["quark"][1], "model_evaluations", ls="--", label=f"{n}, QuarkSearch k=1")
        for k, ls in zip(COPIES, ("--", "-")):
            lab = f"{n}, k={k}"
            band(ax[5], F, lambda r, k=k: r["quark"][k], "rounds", ls=ls, label=lab)
            band(ax[6], F, lambda r, k=k: r["quark"][k], "p_opt", ls=ls, label=lab)
            band(ax[7], F, lambda r, k=k: r["quark"][k], "p_per_optimal_setting", ls=ls, label=lab)
            band(ax[8], F, lambda r, k=k: r["quark"][k], "queries_to_opt", ls=ls, label=lab)
        band(ax[9], F, lambda r: r["grover"], "wall_s", label=f"{n}, GAS")
        band(ax[9], F, lambda r: r["quark"][8], "wall_s", ls="--", label=f"{n}, QuarkSearch k=8")
        for circ, ls in (("counting", "-"), ("joint k=1", "--"), ("joint k=8", ":")):
            for a, q in ((ax[10], "qubits"), (ax[11], "two_qubit_gates"), (ax[12], "depth")):
                pts = [(r["m"], r["circuits"][circ][q]) for r in F["rows"] if q in r["circuits"][circ]]
                if pts:
                    a.plot(*zip(*pts), ls, marker="o", ms=4, color=colors[n], label=f"{n}, {circ}")
        ms = [r["m"] for r in F["rows"]]
        for key, ls in (("optimal_settings", "-"), ("loss_levels", "--")):
            ax[14].plot(ms, [np.median([x[key] for x in r["landscape"]]) for r in F["rows"]], ls, marker="o", ms=4,
                        color=colors[n], label=f"{n}, {key.replace('_', ' ')}")
    A = result["aer"]
    if A["solves"]:
        ax[13].plot([a["m"] for a in A["solves"]], [a["wall_s"] for a in A["solves"]], "-o", color="k", ms=4,
                    label="Tiny-MNIST 2x2 repeated: one GAS solve")
    if A["per_query"]:
        ax[13].plot([a["m"] for a in A["per_query"]], [a["s_per_query"] for a in A["per_query"]], "--s",
                    color="tab:red", ms=4, label="Tiny-MNIST 3x3 repeated: one oracle query")
    titles = ["Grover adaptive search (GAS): oracle queries\nuntil the optimum is first measured",
              "GAS: the same in units of sqrt(N / optimal settings)\n(Grover's law; N = 2^n weight settings)",
              "GAS: measurements (shots)\nuntil the optimum is first measured",
              "GAS: success (optimum within 4.5·sqrt(N) queries)",
              "classical checks: model evaluations per run",
              "QuarkSearch: Grover rounds it chooses\n(dashed k=1, solid k=8 data copies)",
              "QuarkSearch: P(an optimal setting) per shot\nat those rounds (exact)",
              "QuarkSearch: P per shot of each optimal setting",
              "QuarkSearch: expected oracle queries until\nan optimal setting is measured (rounds / P)",
              "exact kernel: wall time per run (s)",
              "circuit qubits (solid: counting oracle,\ndashed: joint k=1, dotted: joint k=8)",
              "two-qubit gates of the oracle,\ntranspiled to ['cx','u'] (level 1)",
              "depth of the oracle, transpiled",
              "Aer (statevector, 1 thread): wall time (s)",
              "the loss landscape: optimal settings (solid),\ndistinct loss values (dashed); medians"]
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    plain = FuncFormatter(lambda v, _: f"{v:g}")
    for i, (a, t) in enumerate(zip(ax, titles)):
        axes_ = (a.xaxis,) if i == 3 else (a.xaxis, a.yaxis)
        a.set_xscale("log")
        if i != 3:
            a.set_yscale("log")
        for axis in axes_:
            axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(NullFormatter())
        a.set_title(t, fontsize=9)
        a.set_xlabel("training samples m (log)", fontsize=8)
        a.grid(alpha=0.3, which="both")
        a.tick_params(labelsize=7)
        if a.get_legend_handles_labels()[0]:
            a.legend(fontsize=5.5, loc="best")
    ax[3].set_ylim(0.9, 1.005)
    ax[10].set_yticks([16, 20, 25, 30, 40, 60, 100, 150, 200])
    fig.suptitle("Cost against the data-set size m (medians; shaded: 25th–75th percentile over subsamples and seeds)",
                 fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def replot(stem: Path) -> dict:
    """The figure and the Markdown tables again, from ``stem.json`` (no search is rerun)."""
    result = from_json(stem.with_suffix(".json").read_text())
    stem.with_suffix(".md").write_text(markdown(result))
    plot(result, stem.with_suffix(".png"))
    return result


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description="Quark's search cost against the number of training samples m")
    ap.add_argument("--quick", action="store_true", help="3 sizes per family, few runs, small Aer checks (seconds)")
    ap.add_argument("--out", default="docs/figures", help="folder for data_size.{json,md,png}")
    ap.add_argument("--gas-runs", type=int, default=200, help="Grover adaptive searches per m")
    ap.add_argument("--quark-runs", type=int, default=60, help="QuarkSearch runs per m and copies")
    ap.add_argument("--subsamples", type=int, default=20, help="random subsamples per m")
    ap.add_argument("--max-joint-ops", type=int, default=12000,
                    help="transpile a joint oracle only up to this many untranspiled operations")
    ap.add_argument("--aer-cap", type=float, default=150.0,
                    help="seconds: stop growing m on Aer when the next run would take longer (a doubling)")
    ap.add_argument("--aer-max-qubits", type=int, default=22, help="largest circuit timed on Aer")
    ap.add_argument("--bootstrap", type=int, default=1000)
    ap.add_argument("--replot", action="store_true",
                    help="only redraw the figure and tables from an earlier run's JSON in --out")
    args = ap.parse_args(argv)
    if args.replot:
        return replot(Path(args.out) / ("data_size_quick" if args.quick else "data_size"))
    if args.quick:
        args.gas_runs, args.quark_runs, args.subsamples, args.bootstrap = 20, 6, 3, 100
        args.max_joint_ops, args.aer_cap = 500, 5.0
    t_start = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - t_start:7.1f} s] {msg}", flush=True)

    result: dict[str, Any] = {"quick": args.quick, "args": vars(args), "families": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fam in families(args.quick, args.subsamples):
            log(f"{fam['name']}: {fam['title']}")
            F = run_family(fam, args.gas_runs, args.quark_runs, args.max_joint_ops, log)
            F["fits"] = family_fits(F, args.bootstrap)
            by_seed = [{x["seed"]: x["queries_to_opt"] for x in r["grover"]} for r in F["rows"]]
            F["identical_runs"] = bool(fam["name"].endswith("repeat") and all(b == by_seed[0] for b in by_seed))
            result["families"].append(F)
        log("Aer wall time")
        solves = aer_solves((1, 2) if args.quick else (1, 2, 4, 8, 16, 32, 64), 1 if args.quick else 2, args.aer_cap,
                            log, args.aer_max_qubits)
        per_q = aer_per_query((1,) if args.quick else (1, 2, 4, 8, 16, 32), 1 if args.quick else 4, args.aer_cap,
                              log, args.aer_max_qubits)
    aer_fits = {}
    if len(solves) >= 2:
        aer_fits["Aer wall time per GAS solve, 2x2 (median)"] = fit([a["m"] for a in solves], None, None,
                                                                   values=[a["wall_s"] for a in solves], kind="timing")
    if len(per_q) >= 2:
        aer_fits["Aer seconds per oracle query, 3x3"] = fit([a["m"] for a in per_q], None, None,
                                                           values=[a["s_per_query"] for a in per_q], kind="timing")
    result["aer"] = {"solves": solves, "per_query": per_q, "fits": aer_fits}
    result["seconds"] = time.perf_counter() - t_start
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = "data_size_quick" if args.quick else "data_size"
    (out / f"{stem}.json").write_text(to_json(result))
    (out / f"{stem}.md").write_text(markdown(result))
    plot(result, out / f"{stem}.png")
    log(f"wrote {out / stem}.json, .md, .png")
    return result


if __name__ == "__main__":
    main()
