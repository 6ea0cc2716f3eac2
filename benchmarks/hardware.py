"""The crossover: fault-tolerant Grover search against classical search of the same register.

For each case the script builds the query circuits Quark's gate-level path builds (the Grover
iterate of the oracle :func:`~quark.encoding.oracles.choose_threshold_oracle` picks, through
:mod:`quark.resources`), counts them with Microsoft's resource estimator (``qdk``), and sets the
estimated fault-tolerant runtime of a Grover search — queries times the per-query runtime — against
measured classical times on this machine:

- **the paper's tasks** (Edge Detection line-detector, Tiny-MNIST perceptron): a real fit with
  Grover adaptive search on the exact kernel, its ledger's queries, its fault-tolerant estimate; the
  kernel's wall time and an exhaustive search's;
- **a digit pair's blocks** (sklearn digits 3 vs 8, ``fixed-point-linear``, 4-bit weights, squared
  loss, 260 bits): the restriction of the landscape to a block of ``b`` bits, ``b`` growing. Two
  oracles: what ``oracle="auto"`` builds today for a real-valued block, and the arithmetic (QUBO)
  oracle on the block's QUBO with coefficients rounded to ``--coef-bits`` bits relative to the
  largest. Circuits are built and counted up to ``--max-built`` bits; beyond, the per-query logical
  counts are extrapolated by a power law fitted in ``b`` (the oracle's terms grow as ``b**2``), the
  classical times by ``2**b`` from the largest measured register, and the Grover queries by
  ``c * sqrt(2**b)`` with ``c`` the median measured on the exact kernel.

Every estimate assumes the estimator's defaults unless ``--qubits`` says otherwise: ``qubit_gate_ns_e3``
(50 ns gates, 100 ns measurement, 10^-3 error rates), a surface code, error budget 10^-3 for the whole
search. Classical times are one process on this machine (2 shared cores), vectorized NumPy.

Run::

    python benchmarks/hardware.py                 # writes docs/figures/hardware.json, hardware.png, hardware.md
    python benchmarks/hardware.py --quick         # smaller registers, for a check
    python benchmarks/hardware.py --qubits qubit_gate_ns_e4 --out docs/figures/hardware_e4
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings
from pathlib import Path

import numpy as np

from quark.encoding import LossLandscape
from quark.encoding.oracles import ORACLE_KINDS
from quark.optimizers import ExhaustiveSearch, GroverAdaptiveSearch
from quark.resources import estimate
from quark.resources.counting import count_query, query_oracle
from quark.resources.fault_tolerant import LOGICAL_FIELDS, logical_counts, physical_estimate
from quark.resources.targets import resolve_target

ROOT = Path(__file__).resolve().parents[1]
#: The arithmetic (QUBO) oracle's name among the gate-level oracle kinds ("qubo" before it was renamed).
ARITHMETIC = "arithmetic" if "arithmetic" in ORACLE_KINDS else "qubo"
YEAR_S = 365.25 * 86400
#: The resource estimator keeps times in integer nanoseconds and wraps past ~1e19 ns (measured: runtimes that fall
#: as registers grow); a search longer than this is estimated for as many queries as fit in it and its runtime
#: scaled by the ratio (the code distance of that shorter run: a runtime that is, if anything, too short).
MAX_ESTIMATOR_NS = 1e16


def _timed(fn, repeat: int = 1):
    best = math.inf
    out = None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return out, best


def _ft_search(per_query: dict, queries: float, shots: float, n_weights: int, params: dict) -> dict:
    """The estimator's physical resources of a whole search with these per-query logical counts."""
    total = {f: int(round(per_query.get(f, 0) * queries)) for f in LOGICAL_FIELDS}
    total["measurementCount"] += int(round(shots * n_weights))
    total["numQubits"] = int(per_query["numQubits"])
    return physical_estimate(total, params)


# -- the paper's tasks ---------------------------------------------------------------------------
def paper_tasks(params: dict) -> list[dict]:
    from quark import QuarkClassifier
    from quark.datasets import load_edge_detection, load_tiny_mnist

    rows = []
    for name, loader, model in (("Edge Detection", load_edge_detection, "line-detector"),
                                ("Tiny-MNIST", load_tiny_mnist, "perceptron")):
        X, y = loader()
        clf, t_fit = _timed(lambda: QuarkClassifier(model=model, random_state=0).fit(X, y))
        land = LossLandscape(model, None, X, y)
        _, t_exh = _timed(lambda: ExhaustiveSearch().minimize(LossLandscape(model, None, X, y)), repeat=3)
        est = estimate(clf, target="fault-tolerant", params=params)
        rows.append({
            "task": name, "model": model, "weight_qubits": land.n_qubits, "samples": len(y),
            "oracle": est.oracles, "qubits": est.qubits, "oracle_queries": est.oracle_queries, "shots": est.shots,
            "t_per_query": est.t_count, "toffoli_per_query": est.toffoli_count,
            "two_qubit_per_query": est.two_qubit_gates, "logical_qubits": est.logical_qubits,
            "physical_qubits": est.physical_qubits, "ft_runtime_s": est.runtime_s,
            "code_distance": est.assumptions["code_distance"],
            "kernel_fit_s": t_fit, "exhaustive_s": t_exh, "train_accuracy": float(clf.score(X, y)),
        })
        print(f"{name}: {rows[-1]}", flush=True)
    return rows


# -- a digit pair's blocks -----------------------------------------------------------------------
def digit_landscape(pair=(3, 8)) -> LossLandscape:
    from sklearn.datasets import load_digits

    d = load_digits()
    keep = np.isin(d.target, pair)
    X = d.data[keep] / 16.0
    y = (d.target[keep] == pair[1]).astype(np.uint8)
    return LossLandscape("fixed-point-linear", None, X, y, loss="squared")


def rounded_block_bqm(bqm, block: np.ndarray, base: np.ndarray, coef_bits: int):
    """The block's QUBO (other bits fixed at ``base``), coefficients rounded to integers on a
    ``coef_bits``-bit grid relative to the largest: what an arithmetic oracle adds up."""
    import dimod

    fixed = {v: int(base[v]) for v in bqm.variables if v not in set(block.tolist())}
    sub = bqm.copy()
    sub.fix_variables(fixed)
    top = max([abs(c) for c in sub.linear.values()] + [abs(c) for c in sub.quadratic.values()] + [1e-300])
    s = (2**coef_bits - 1) / top
    return dimod.BinaryQuadraticModel({v: round(c * s) for v, c in sub.linear.items()},
                                      {e: round(c * s) for e, c in sub.quadratic.items()},
                                      round(sub.offset * s), "BINARY")


def digit_blocks(sizes, max_built: int, max_table: int, max_classical: int, coef_bits: int, params: dict,
                 seed: int = 0) -> dict:
    land = digit_landscape()
    bqm = land.to_bqm()
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2, land.n_qubits).astype(np.uint8)
    ft = resolve_target("fault-tolerant")
    built, classical = [], []
    for b in sizes:
        block = np.sort(rng.choice(land.n_qubits, size=b, replace=False))
        sub = land.restrict(block, base)
        row = {"bits": b}
        if b <= max_built:
            for label, problem, kind in (("auto", sub, "auto"),
                                         ("arithmetic", rounded_block_bqm(bqm, block, base, coef_bits), ARITHMETIC)):
                if label == "auto" and b > max_table:
                    continue
                t0 = time.perf_counter()
                oq = query_oracle(problem, oracle=kind, threshold=0.0)
                counts = count_query(oq, ft)
                lc = logical_counts(counts["circuit"], oq.key())
                row[label] = {"oracle": oq.kind, "qubits": counts["qubits"], "two_qubit_gates": counts["two_qubit_gates"],
                              "logical": lc, "build_s": time.perf_counter() - t0}
            print(f"b={b}: " + ", ".join(f"{k}: {row[k]['oracle']} {row[k]['qubits']}q T={row[k]['logical']['tCount']} "
                                        f"rot={row[k]['logical']['rotationCount']} ({row[k]['build_s']:.1f}s)"
                                        for k in ("auto", "arithmetic") if k in row), flush=True)
            built.append(row)
        if b <= max_classical:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res, t_kernel = _timed(lambda: GroverAdaptiveSearch(random_state=seed).minimize(land.restrict(block, base)))
                _, t_exh = _timed(lambda: ExhaustiveSearch().minimize(land.restrict(block, base)))
            classical.append({"bits": b, "kernel_s": t_kernel, "exhaustive_s": t_exh,
                              "grover_queries": res.ledger.oracle_queries, "shots": res.ledger.shots,
                              "queries_per_sqrtN": res.ledger.oracle_queries / math.sqrt(2.0**b)})
            print(f"b={b}: classical {classical[-1]}", flush=True)
    return {"built": built, "classical": classical, "coef_bits": coef_bits, "n_bits": land.n_qubits,
            "samples": land.n_samples}


def power_fit(xs, ys):
    """``y = a * x**p`` by least squares in log-log: ``(a, p)``."""
    lx, ly = np.log(np.asarray(xs, float)), np.log(np.maximum(np.asarray(ys, float), 1e-300))
    p, la = np.polyfit(lx, ly, 1)
    return float(math.exp(la)), float(p)


def crossover(data: dict, extrapolate_to, params: dict) -> dict:
    """Per-query counts fitted and extrapolated; Grover (fault-tolerant) vs classical runtimes by register size."""
    built = [r for r in data["built"] if "arithmetic" in r]
    xs = [r["bits"] for r in built]
    fits = {}
    for f in ("tCount", "rotationCount", "rotationDepth", "cczCount", "ccixCount", "numQubits"):
        ys = [r["arithmetic"]["logical"].get(f, 0) for r in built]
        fits[f] = power_fit(xs, ys) if min(ys) > 0 else (0.0, 0.0)
    cls = data["classical"]
    c = float(np.median([r["queries_per_sqrtN"] for r in cls]))
    shots_per_query = float(np.median([r["shots"] / max(r["grover_queries"], 1) for r in cls]))
    big = max(cls, key=lambda r: r["bits"])
    per_setting = {"exhaustive_s": big["exhaustive_s"] / 2.0**big["bits"], "kernel_s": big["kernel_s"] / 2.0**big["bits"]}
    rows = []
    measured = {r["bits"]: r for r in built}
    timed = {r["bits"]: r for r in cls}
    for b in sorted(set(xs) | set(extrapolate_to)):
        if b in measured:
            pq = dict(measured[b]["arithmetic"]["logical"])
            source = "built"
        else:
            pq = {f: a * b**p for f, (a, p) in fits.items()}
            pq["numQubits"] = int(math.ceil(pq["numQubits"]))
            pq["measurementCount"] = 0
            source = "extrapolated"
        queries = c * math.sqrt(2.0**b)
        shots = max(1.0, shots_per_query * queries)
        probe = min(queries, 100.0)
        per_query_ns = _ft_search(pq, probe, max(1.0, shots * probe / queries), b, params)["runtime_s"] * 1e9 / probe
        scale = max(1.0, queries * per_query_ns / MAX_ESTIMATOR_NS)
        ft = _ft_search(pq, queries / scale, max(1.0, shots / scale), b, params)
        if scale > 1:
            source += ", runtime scaled"
        rows.append({"bits": b, "source": source, "queries": queries, "t_per_query": ft["t_states"] / (queries / scale),
                     "logical_qubits": ft["logical_qubits"], "physical_qubits": ft["physical_qubits"],
                     "code_distance": ft["code_distance"], "ft_runtime_s": ft["runtime_s"] * scale,
                     "ft_runtime_per_query_s": ft["runtime_s"] * scale / queries,
                     "classical": "measured" if b in timed else "x 2^b",
                     "exhaustive_s": timed[b]["exhaustive_s"] if b in timed else per_setting["exhaustive_s"] * 2.0**b,
                     "kernel_s": timed[b]["kernel_s"] if b in timed else per_setting["kernel_s"] * 2.0**b})
    win = next((r["bits"] for r in rows if r["ft_runtime_s"] < r["exhaustive_s"]), None)
    return {"queries_per_sqrtN": c, "shots_per_query": shots_per_query, "fits": fits, "per_setting_s": per_setting,
            "rows": rows, "first_win_bits": win}


def _fmt_s(s: float) -> str:
    for unit, size in (("years", YEAR_S), ("days", 86400), ("h", 3600), ("min", 60), ("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= size:
            return f"{s / size:.3g} {unit}"
    return f"{s:.2g} s"


def write_outputs(out: Path, result: dict) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=1, default=str))
    lines = ["| task | weight qubits | oracle | qubits | queries | T per query | Toffoli per query | physical qubits | "
             "FT runtime (search) | exact kernel (fit) | exhaustive (classical) |", "|" + "---|" * 11]
    for r in result["paper"]:
        lines.append(f"| {r['task']} | {r['weight_qubits']} | {', '.join(r['oracle'])} | {r['qubits']} | {r['oracle_queries']} | "
                     f"{r['t_per_query']:,.0f} | {r['toffoli_per_query']:,.0f} | {r['physical_qubits']:,} | "
                     f"{_fmt_s(r['ft_runtime_s'])} | {_fmt_s(r['kernel_fit_s'])} | {_fmt_s(r['exhaustive_s'])} |")
    lines += ["", "| block bits | oracle (auto today) | CX per query (auto) | arithmetic oracle qubits | T per query "
              "(arithmetic) | Toffoli per query | build + count (s) |", "|" + "---|" * 7]
    for r in result["digits"]["built"]:
        a, q = r.get("auto"), r["arithmetic"]
        auto_cx = f"{a['two_qubit_gates']:,}" if a else "—"
        lines.append(f"| {r['bits']} | {a['oracle'] if a else '—'} | {auto_cx} | "
                     f"{q['qubits']} | {q['logical']['tCount']:,} T + {q['logical']['rotationCount']:,} rotations | "
                     f"{q['logical']['cczCount'] + q['logical']['ccixCount']:,} | {q['build_s']:.1f} |")
    cx = result["crossover"]
    lines += ["", f"Grover queries = {cx['queries_per_sqrtN']:.2f} x sqrt(2^b) (median measured on the exact kernel); "
              f"exhaustive: {cx['per_setting_s']['exhaustive_s'] * 1e9:.1f} ns per setting (measured at the largest register).",
              "", "| block bits | circuits | Grover queries | T per query | logical qubits | physical qubits | code distance | "
              "FT Grover search | classical exhaustive | exact kernel (simulated Grover) | classical times |", "|" + "---|" * 11]
    for r in cx["rows"]:
        lines.append(f"| {r['bits']} | {r['source']} | {r['queries']:.3g} | {r['t_per_query']:,.0f} | {r['logical_qubits']} | "
                     f"{r['physical_qubits']:,} | {r['code_distance']} | {_fmt_s(r['ft_runtime_s'])} | "
                     f"{_fmt_s(r['exhaustive_s'])} | {_fmt_s(r['kernel_s'])} | {r['classical']} |")
    lines += ["", f"First register where the fault-tolerant Grover search is faster than exhaustive search: "
              f"{cx['first_win_bits'] if cx['first_win_bits'] else 'none up to ' + str(cx['rows'][-1]['bits'])} bits."]
    if result.get("other_qubits"):
        names = list(result["other_qubits"])
        lines += ["", "Other qubit models (the same circuits and queries):", "",
                  "| block bits | " + " | ".join(f"FT Grover ({n})" for n in names) + " | classical exhaustive |",
                  "|" + "---|" * (len(names) + 2)]
        for i, r in enumerate(cx["rows"]):
            cells = [_fmt_s(result["other_qubits"][n]["rows"][i]["ft_runtime_s"]) for n in names]
            lines.append(f"| {r['bits']} | " + " | ".join(cells) + f" | {_fmt_s(r['exhaustive_s'])} |")
        lines.append("")
        lines.append("First win: " + ", ".join(f"{n}: {result['other_qubits'][n]['first_win_bits'] or 'none'}" for n in names))
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    _plot(out.with_suffix(".png"), result)


def _plot(path: Path, result: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["crossover"]["rows"]
    b = [r["bits"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    built = [r for r in rows if r["source"] == "built"]
    ax.semilogy(b, [r["ft_runtime_s"] for r in rows], "C0--", label="Grover, fault-tolerant (estimated)")
    ax.semilogy([r["bits"] for r in built], [r["ft_runtime_s"] for r in built], "C0o", label="  circuits built and counted")
    ax.semilogy(b, [r["exhaustive_s"] for r in rows], "C1-", label="classical exhaustive (measured, x 2^b beyond)")
    ax.semilogy(b, [r["kernel_s"] for r in rows], "C2:", label="Quark's exact kernel (measured, x 2^b beyond)")
    for r in result["digits"]["classical"]:
        ax.semilogy(r["bits"], r["exhaustive_s"], "C1s", ms=4)
        ax.semilogy(r["bits"], r["kernel_s"], "C2^", ms=4)
    ax.axhline(YEAR_S, color="grey", lw=0.6)
    ax.text(b[0], YEAR_S * 1.5, "1 year", fontsize=8, color="grey")
    ax.set_xlabel("register (block bits)")
    ax.set_ylabel("time to search the register (s)")
    ax.set_title("Digit pair 3 vs 8, fixed-point-linear blocks: Grover on a fault-tolerant machine vs classical")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller registers (a check, a minute)")
    ap.add_argument("--max-built", type=int, default=32, help="largest block whose circuits are built and counted")
    ap.add_argument("--max-table", type=int, default=12, help="largest block for the table oracle (auto today)")
    ap.add_argument("--max-classical", type=int, default=20, help="largest block timed classically")
    ap.add_argument("--coef-bits", type=int, default=10, help="bits of the arithmetic oracle's rounded coefficients")
    ap.add_argument("--qubits", default="qubit_gate_ns_e3", help="the estimator's qubit model (qubitParams name)")
    ap.add_argument("--error-budget", type=float, default=1e-3)
    ap.add_argument("--compare-qubits", nargs="*", default=["qubit_gate_ns_e4", "qubit_gate_us_e3", "qubit_maj_ns_e6"],
                    help="further qubit models: the crossover recomputed under each (same circuits)")
    ap.add_argument("--out", default=str(ROOT / "docs" / "figures" / "hardware"))
    ap.add_argument("--reuse", action="store_true", help="read the built circuits' counts and classical timings from "
                    "OUT.json (or OUT.partial.json) and only redo the estimates")
    args = ap.parse_args(argv)
    params = {"qubitParams": {"name": args.qubits}, "errorBudget": args.error_budget}
    if args.quick:
        sizes, extra = [4, 6, 8, 10], [16, 24, 32]
        args.max_built, args.max_table, args.max_classical = min(args.max_built, 10), min(args.max_table, 8), min(args.max_classical, 10)
    else:
        sizes, extra = [4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 28, 32], [36, 40, 44, 48, 52, 56, 60, 64, 72, 80, 96, 128]
    t0 = time.perf_counter()
    out = Path(args.out)
    partial = out.with_suffix(".partial.json")
    if args.reuse:
        src = out.with_suffix(".json") if out.with_suffix(".json").exists() else partial
        old = json.loads(src.read_text())
        result = {"params": params, "paper": old["paper"], "digits": old["digits"]}
    else:
        result = {"params": params, "paper": paper_tasks(params)}
        result["digits"] = digit_blocks(sizes, args.max_built, args.max_table, args.max_classical, args.coef_bits, params)
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(result, indent=1, default=str))
    result["crossover"] = crossover(result["digits"], extra, params)
    result["other_qubits"] = {}
    for name in args.compare_qubits:
        other = {**params, "qubitParams": {"name": name}}
        cx = crossover(result["digits"], extra, other)
        result["other_qubits"][name] = {"first_win_bits": cx["first_win_bits"],
                                        "rows": [{k: r[k] for k in ("bits", "ft_runtime_s", "physical_qubits", "exhaustive_s")}
                                                 for r in cx["rows"]]}
    result["wall_s"] = time.perf_counter() - t0
    write_outputs(out, result)
    partial.unlink(missing_ok=True)
    print(out.with_suffix(".md").read_text())
    print(f"total {result['wall_s']:.0f} s")
    return result


if __name__ == "__main__":
    main()
