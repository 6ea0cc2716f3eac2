"""Annealing benchmark: success probability per read, time-to-solution, sweeps per second.

Instances
---------
* ``qubo-n``: the exact QUBO of a fixed-point linear model (squared loss, 4-bit weights, planted
  linear rule on Gaussian data, m = 64 samples), n = 16 ... 64 bits.
* the reduced HUBO (0-1 loss) of the edge-detection models (all 512 3x3 images, "rows") and of the
  Tiny-MNIST 3x3 perceptron (6 vs 7, deduplicated).

Reference optimum: ``ExactSolver`` (quark's ``exact`` sampler) where n <= 20; the exhaustive loss
table for n = 24; for n > 24 the best loss of long runs (neal with 10 000 sweeps and tabu), which is
a *best known* value, not a proof. For the HUBOs, ``ExactPolySolver`` on the 8-10 original bits.

For each instance and sampler: ``p`` = fraction of reads whose decoded bit string has the optimal
true loss; ``t_read`` = the sampler's own sampling time (``SampleSet.info["timing"]``) per read;
``TTS99 = t_read * ln(0.01) / ln(1 - p)`` (``t_read`` when p = 1); sweeps/s = sweeps / sampling
time. Where ``quark.optimizers`` has ``grover``, the same small instances are run with
``GroverAdaptiveSearch`` (statevector kernel) and its oracle queries reported alongside.

Run: ``python benchmarks/annealing.py [--reads 1000] [--quick] [--json out.json]``; the tables of
docs/annealing.md are printed at the end (``--from-json out.json`` reprints them without rerunning).
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings

import numpy as np

TOL = 1e-9


def qubo_instance(n: int, m: int = 64, bits: int = 4, seed: int = 0):
    from quark.encoding import LossLandscape, WeightEncoding

    if n % bits:
        raise ValueError(f"n must be a multiple of {bits}")
    n_weights = n // bits  # d features + bias
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_weights - 1))
    w = rng.normal(size=n_weights - 1)
    y = (X @ w + 0.3 * rng.normal(size=m) > 0).astype(int)
    return LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(n_weights, bits=bits), X, y, loss="squared")


def hubo_instances():
    from quark.datasets import load_edge_detection, load_tiny_mnist
    from quark.encoding import LossLandscape

    X, y = load_edge_detection(size=3)
    Xm, ym = load_tiny_mnist(size=3, dedupe=True)
    return {
        "edge3-line-detector": LossLandscape("line-detector", None, X, y),
        "edge3-perceptron": LossLandscape("perceptron", None, X, y),
        "mnist3-perceptron": LossLandscape("perceptron", None, Xm, ym),
    }


def reference(land, n: int) -> tuple[float, str]:
    """The optimum (or best known) loss and how it was obtained."""
    from quark.backends import get_backend
    from quark.optimizers import AnnealingSearch

    if not land.is_quadratic:
        res = AnnealingSearch("exact").minimize(land)  # ExactPolySolver on the original bits
        return res.loss, "ExactPolySolver"
    if n <= 20:
        res = AnnealingSearch("exact").minimize(land)  # ExactSolver on the QUBO
        return res.loss, "ExactSolver"
    if n <= 24:
        return float(land.table().min()), "exhaustive table"
    best = np.inf
    for seed in range(2):
        r = AnnealingSearch("neal", shots=200, sample_options={"num_sweeps": 10}_000, random_state=seed).minimize(land)
        best = min(best, r.loss)
    r = AnnealingSearch(get_backend("tabu"), shots=20, timeout=500, random_state=0).minimize(land)
    best = min(best, r.loss)
    return best, "best known (neal 400x10k sweeps, tabu 20x0.5 s)"


def run_sampler(land, opt: float, sampler: str, reads: int, seed: int = 0, **kw) -> dict:
    from quark.optimizers import AnnealingSearch

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        res = AnnealingSearch(sampler, shots=reads, random_state=seed, sample_options=kw or None).minimize(land)
        wall = time.perf_counter() - t0
    rl = res.info["read_losses"]
    p = float(np.mean(rl <= opt + TOL))
    t_samp = res.info["sampling_time_s"] or wall
    n_reads = res.ledger.annealer_reads
    t_read = t_samp / n_reads
    if p >= 1.0:
        tts = t_read
    elif p > 0:
        tts = t_read * math.log(0.01) / math.log1p(-p)
    else:
        tts = math.inf
    sweeps = res.ledger.annealer_sweeps
    return {
        "sampler": sampler,
        "encoding": res.info["encoding"],
        "n_variables": res.info["n_variables"],
        "penalty": res.info["penalty"],
        "rounds": len(res.info["rounds"]),
        "reads": n_reads,
        "p_read": p,
        "found": bool(res.loss <= opt + TOL),
        "t_read_us": 1e6 * t_read,
        "tts99_ms": 1e3 * tts,
        "sweeps_per_s": sweeps / t_samp if sweeps else None,
        "wall_s": wall,
    }


def run_grover(land, opt: float, seeds: int) -> dict | None:
    from quark.optimizers import OPTIMIZERS

    if "grover" not in OPTIMIZERS:
        return None
    found, queries, at_best = 0, [], []
    t0 = time.perf_counter()
    for s in range(seeds):
        res = OPTIMIZERS["grover"](random_state=s).minimize(land)
        found += res.loss <= opt + TOL
        queries.append(res.ledger.oracle_queries)
        at_best.append(res.info.get("queries_at_best", np.nan))
    return {
        "sampler": "grover (statevector)",
        "success": found / seeds,
        "median_queries": float(np.median(queries)),
        "median_queries_at_best": float(np.nanmedian(at_best)),
        "sqrt_N": 2 ** (land.n_qubits / 2),
        "wall_s": (time.perf_counter() - t0) / seeds,
    }


def ablation(land, opt: float, reads: int) -> list[dict]:
    """What the polarity choice and the penalty do to neal's success per read (fixed penalty, one call)."""
    from dwave.samplers import SimulatedAnnealingSampler

    from quark.optimizers import as_problem
    from quark.encoding.compile import problem_polynomial
    from quark.encoding.reduction import reduce_polynomial, sparse_terms

    problem = as_problem(land)
    n = land.n_qubits
    variants = {"as is": (problem_polynomial(problem), 0), "polarity-chosen": sparse_terms(problem.table(), 10**6)}
    out = []
    for label, (poly, mask) in variants.items():
        bound = reduce_polynomial(poly, n).penalty_bound
        for factor in (1 / 64, 1 / 32, 1 / 8, 1 / 2, 1.0):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                red = reduce_polynomial(poly, n, penalty=bound * factor * (1 + 1e-6) + 1e-9)
            ss = SimulatedAnnealingSampler().sample(red.bqm, num_reads=reads, seed=0)
            red.flip = mask
            bits = red.decode(np.asarray(ss.record.sample)[:, [list(ss.variables).index(i) for i in range(red.n_variables)]].astype(np.uint8))
            losses = np.repeat(land.evaluate(bits), ss.record.num_occurrences)
            out.append({"variant": label, "terms": len(poly), "auxiliary": len(red.products), "penalty_over_bound": factor,
                        "penalty": red.penalty, "p_read": float(np.mean(losses <= opt + TOL))})
    return out


def markdown(out: dict) -> str:
    """The tables of docs/annealing.md from a result dict."""
    lines = [
        "| instance | n | sampler | sweeps/read | BQM vars | reads | p (per read) | reads to 99% | t_read (us) | TTS99 (ms) | sweeps/s | optimum from |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in out["rows"]:
        if "p_read" not in r:
            continue
        p = r["p_read"]
        r99 = 1 if p >= 1 else (math.ceil(math.log(0.01) / math.log1p(-p)) if p > 0 else "inf")
        sps = f"{r['sweeps_per_s']:.2e}" if r["sweeps_per_s"] else "-"
        lines.append(
            f"| {r['instance']} | {r['n']} | {r['sampler']} | {r['sweeps']} | {r['n_variables']} | {r['reads']} | "
            f"{p:.3f} | {r99} | {r['t_read_us']:.0f} | {r['tts99_ms']:.2f} | {sps} | {r['reference']} |"
        )
    g = [r for r in out["rows"] if r.get("sampler", "").startswith("grover")]
    if g:
        lines += ["", "| instance | n | sqrt(N) | Grover success | median oracle queries (to stop) | median queries when the optimum was first measured | neal reads to 99% (x1000 sweeps) |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in g:
            a = next(x for x in out["rows"] if x["instance"] == r["instance"] and x["sampler"] == "neal" and x["sweeps"] == 1000)
            p = a["p_read"]
            r99 = 1 if p >= 1 else (math.ceil(math.log(0.01) / math.log1p(-p)) if p > 0 else "inf")
            lines.append(f"| {r['instance']} | {r['n']} | {r['sqrt_N']:.0f} | {r['success']:.2f} | {r['median_queries']:.0f} | {r['median_queries_at_best']:.0f} | {r99} |")
    if out.get("ablation"):
        lines += ["", "| instance | polynomial | terms | auxiliary vars | penalty / bound | penalty | p (per read) |", "| --- | --- | --- | --- | --- | --- | --- |"]
        for r in out["ablation"]:
            lines.append(f"| {r['instance']} | {r['variant']} | {r['terms']} | {r['auxiliary']} | {r['penalty_over_bound']:.4g} | {r['penalty']:.4g} | {r['p_read']:.3f} |")
    return "\n".join(lines)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reads", type=int, default=1000)
    ap.add_argument("--sizes", type=int, nargs="*", default=[16, 20, 24, 32, 48, 60, 64])
    ap.add_argument("--grover-seeds", type=int, default=20)
    ap.add_argument("--grover-max-n", type=int, default=20)
    ap.add_argument("--quick", action="store_true", help="small sizes and few reads (a smoke run)")
    ap.add_argument("--json", default=None)
    ap.add_argument("--from-json", default=None, help="print the tables of a saved run and exit")
    args = ap.parse_args(argv)
    if args.from_json:
        with open(args.from_json) as f:
            out = json.load(f)
        print(markdown(out))
        return out
    if args.quick:
        args.reads, args.sizes, args.grover_seeds = 100, [16, 20], 3

    rows = []
    instances = [(f"qubo-{n}", qubo_instance(n)) for n in args.sizes]
    instances += list(hubo_instances().items())
    for name, land in instances:
        n = land.n_qubits
        t0 = time.perf_counter()
        opt, how = reference(land, n)
        ref_s = time.perf_counter() - t0
        samplers = [("neal", {}), ("neal", {"num_sweeps": 100}), ("sqa", {})]
        for sampler, kw in samplers:
            r = run_sampler(land, opt, sampler, args.reads, **kw)
            r.update(instance=name, n=n, optimum=opt, reference=how, reference_s=ref_s, sweeps=kw.get("num_sweeps", 1000))
            rows.append(r)
            print(
                f"{name:22s} n={n:2d} {sampler:5s} sweeps={r['sweeps']:5d} vars={r['n_variables']:3d} "
                f"p={r['p_read']:.3f} t_read={r['t_read_us']:9.1f}us TTS99={r['tts99_ms']:10.2f}ms "
                f"sweeps/s={(r['sweeps_per_s'] or 0):.3g} [{how}]",
                flush=True,
            )
        if n <= args.grover_max_n:
            g = run_grover(land, opt, args.grover_seeds)
            if g is not None:
                g.update(instance=name, n=n, optimum=opt)
                rows.append(g)
                print(
                    f"{name:22s} n={n:2d} grover success={g['success']:.2f} median queries={g['median_queries']:.0f} "
                    f"(at best {g['median_queries_at_best']:.0f}; sqrt(N)={g['sqrt_N']:.0f})",
                    flush=True,
                )
    abl = []
    for name, land in hubo_instances().items():
        if name == "edge3-perceptron" and args.quick:
            continue
        opt = float(land.table().min())
        for r in ablation(land, opt, min(args.reads, 500)):
            r["instance"] = name
            abl.append(r)
            print(
                f"ablation {name:20s} {r['variant']:15s} terms={r['terms']:5d} aux={r['auxiliary']:3d} "
                f"P/bound={r['penalty_over_bound']:.4f} p={r['p_read']:.3f}",
                flush=True,
            )
    out = {"reads": args.reads, "rows": rows, "ablation": abl}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1, default=float)
    print(markdown(out))
    return out


if __name__ == "__main__":
    main()
