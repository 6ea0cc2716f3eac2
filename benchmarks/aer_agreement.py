"""Gate-level Aer circuits vs the exact closed forms: sizes, depths and measured TVDs.

For each test instance this builds the oracle Quark's ``aer`` backend uses, reports its qubit
counts and its depth / two-qubit-gate count transpiled to the ``['cx', 'u']`` basis (optimization
level 1, no ancilla-assisted MCX), then draws shots on Aer through ``AerBackend`` and measures the
total-variation distance to the closed form:

- threshold oracles: ``P(marked) = sin^2((2r+1) theta)``, uniform within the marked / unmarked sets;
- the paper's joint oracle: the closed-form ``P(w)`` (docs/concepts.md) with ``c(w)^k`` marked states per weight.

It also reports the largest deviation of the circuit's exact (statevector) weight distribution from
the closed form, which separates circuit errors (must be ~1e-12) from shot noise.

``--compact`` runs the same cases on ``AerBackend(compact=True)`` (the oracles' simulator forms:
no ancilla, narrow registers, diagonal blocks, swap-free QFTs), ``--oracle cheapest`` with the
tabulated oracle where it is smaller: the circuits change, the distributions must not.

Run::

    python benchmarks/aer_agreement.py            # all instances, 20,000 shots per case
    python benchmarks/aer_agreement.py --shots 4000 --quick
    python benchmarks/aer_agreement.py --compact --gas-seeds 0
"""

from __future__ import annotations

import argparse
import math
import time

import dimod
import numpy as np
from qiskit import transpile
from qiskit_aer import AerSimulator

from quark.backends.aer import AerBackend
from quark.datasets import load_edge_detection, load_tiny_mnist
from quark.encoding import LossLandscape, WeightEncoding
from quark.encoding.oracles import grover_circuit, joint_oracle
from quark.models import LineDetector
from quark.encoding import as_problem
from quark.testing import threshold_distribution, total_variation

BASIS = ["cx", "u"]


def _gates(qc) -> tuple[int, int]:
    """Depth and two-qubit-gate count in the ['cx', 'u'] basis."""
    t = transpile(qc, basis_gates=BASIS, optimization_level=1)
    return t.depth(), int(t.count_ops().get("cx", 0))


def _exact_weight_probs(qc, n_weights: int) -> np.ndarray:
    sim = AerSimulator(method="statevector", max_parallel_threads=1)
    c = qc.copy()
    c.save_statevector()
    sv = np.asarray(sim.run(transpile(c, sim, optimization_level=1)).result().get_statevector())
    return (np.abs(sv) ** 2).reshape(-1, 1 << n_weights).sum(axis=0)


def _joint_closed_form(land: LossLandscape, r: int, k: int) -> np.ndarray:
    c = land.correct_counts(np.arange(1 << land.n_qubits)).astype(np.float64) ** k
    m = float(land.n_samples) ** k
    M, N = c.sum(), (1 << land.n_qubits) * m
    th = math.asin(math.sqrt(M / N))
    return c * math.sin((2 * r + 1) * th) ** 2 / M + (m - c) * math.cos((2 * r + 1) * th) ** 2 / (N - M)


def _noise_tvd(probs: np.ndarray, shots: int, rng: np.random.Generator) -> float:
    """TVD of ``shots`` draws from the exact distribution itself: the sampling-noise reference."""
    return total_variation(rng.choice(probs.size, size=shots, p=probs / probs.sum()), probs)


def _best_rounds(p_marked_frac: float, cap: int = 3) -> int:
    """Rounds (<= cap) that bring the marked probability closest to 1."""
    th = math.asin(math.sqrt(p_marked_frac))
    return max(1, min(cap, round(math.pi / (4 * th) - 0.5)))


def threshold_cases(quick: bool):
    cases = [
        ("edge 2x2, line-detector (lines)", LossLandscape("line-detector", None, *load_edge_detection(size=2))),
        ("edge 3x3 rows, line-detector (paper, 3 w)", LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection())),
        ("Tiny-MNIST 2x2 6v7, perceptron", LossLandscape("perceptron", None, *load_tiny_mnist(size=2, dedupe=True))),
    ]
    if not quick:
        cases += [
            ("edge 3x3 rows, line-detector (lines, 8 w)", LossLandscape("line-detector", None, *load_edge_detection())),
            ("Tiny-MNIST 3x3 6v7, perceptron (10 w)", LossLandscape("perceptron", None, *load_tiny_mnist(size=3, dedupe=True))),
        ]
    return cases


def qubo_cases():
    rng = np.random.default_rng(5)
    n = 6
    bqm = dimod.BinaryQuadraticModel(
        {i: rng.integers(-8, 9) / 4 for i in range(n)},
        {(i, j): rng.integers(-4, 5) / 2 for i in range(n) for j in range(i + 1, n)},
        0.0,
        "BINARY",
    )
    X = rng.integers(0, 3, size=(6, 2)) / 2
    y = rng.integers(0, 2, size=6)
    land = LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(3, bits=2), X, y, loss="squared")
    return [("random QUBO, n=6 (quarter coefficients)", bqm), ("fixed-point linear, squared loss (QUBO, 6 q)", land)]


def joint_cases(quick: bool):
    paper2 = LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection(size=2))
    cases = [
        ("edge 2x2, line-detector (paper), k=1", paper2, 1),
        ("Tiny-MNIST 2x2 6v7, perceptron, k=1", LossLandscape("perceptron", None, *load_tiny_mnist(size=2, dedupe=True)), 1),
        ("3 samples, perceptron 2 px, k=2", LossLandscape("perceptron", None, np.array([[0, 1], [1, 0], [1, 1]]), np.array([1, 0, 1])), 2),
    ]
    if not quick:
        cases.append(("edge 3x3 rows, line-detector (paper), k=1", LossLandscape(LineDetector(grouping="paper"), None, *load_edge_detection()), 1))
    return cases


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shots", type=int, default=20000)
    ap.add_argument("--quick", action="store_true", help="skip the 18-20 qubit instances")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--gas-seeds", type=int, default=20, help="GroverAdaptiveSearch seeds per small instance (0: skip)")
    ap.add_argument("--gas-large-seeds", type=int, default=0,
                    help="GroverAdaptiveSearch seeds on Tiny-MNIST 3x3 (10 weight qubits, ~2 min per solve)")
    ap.add_argument("--only-gas", action="store_true", help="run only the GroverAdaptiveSearch section")
    ap.add_argument("--compact", action="store_true", help="the oracles' simulator forms (AerBackend(compact=True))")
    ap.add_argument("--oracle", default="auto", choices=["auto", "cheapest"], help="threshold oracle choice")
    args = ap.parse_args()
    options = {"compact": args.compact, "oracle": args.oracle}
    if args.only_gas:
        _gas_section(args.gas_seeds, args.gas_large_seeds, options)
        return
    rng = np.random.default_rng(args.seed)
    be = AerBackend(method="statevector", aer_options={"max_parallel_threads": 1}, **options)
    t_all = time.perf_counter()

    print(f"shots per case: {args.shots}; TVD bound of the conformance kit: 0.5*sqrt(K/shots) + 0.02\n")
    print("| instance | oracle | qubits (weights + work) | oracle depth / CX | r | marked | TVD | TVD of exact draws | exact max abs dev | s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, prob in [*threshold_cases(args.quick), *qubo_cases()]:
        p = as_problem(prob)
        orc = be.threshold_oracle(p)
        table = p.table()
        levels = np.unique(table)
        threshold = float(levels[1 if orc.kind == "counting" else 2]) if levels.size > 2 else float(levels[0]) + 1
        marked = int((table < threshold).sum())
        r = _best_rounds(marked / table.size)
        circuit = orc.bound(threshold)  # the shape this threshold runs on (narrow registers: its width)
        depth, cx = _gates(circuit)
        t0 = time.perf_counter()
        shots = be.sample_threshold(prob, threshold, r, args.shots, rng).indices
        dt = time.perf_counter() - t0
        exact = threshold_distribution(table, threshold, r)
        tvd = total_variation(shots, exact)
        dev = np.abs(_exact_weight_probs(be.threshold_circuit(prob, threshold, r, measure=False), p.n_qubits) - exact).max()
        i = orc.info
        what = {"counting": lambda: f"counting ({i['classes']} classes, {circuit.num_qubits - orc.n_weights - i['ancillas']}-q counter)",
                "qubo": lambda: f"QUBO (scale {i['scale']}, {circuit.num_qubits - orc.n_weights}-q value)",
                "table": lambda: "table (DiagonalGate)"}[orc.kind]()
        if args.compact and orc.kind != "table":
            what += f", compact{', ' + str(i.get('diagonal_blocks', 0)) + ' blocks' if i.get('diagonal_blocks') else ''}"
        print(f"| {name} | {what} | {circuit.num_qubits} ({orc.n_weights} + {circuit.num_qubits - orc.n_weights}) | "
              f"{depth} / {cx} | {r} | {marked}/{table.size} | {tvd:.4f} | {_noise_tvd(exact, args.shots, rng):.4f} | "
              f"{dev:.1e} | {dt:.2f} |")

    print("\n| instance (joint oracle, features loader) | qubits (w + idx + data + anc) | oracle depth / CX | r | TVD | TVD of exact draws | exact max abs dev | s |")
    print("|---|---|---|---|---|---|---|---|")
    for name, land, k in joint_cases(args.quick):
        jo = joint_oracle(land, k)
        i = jo.info
        depth, cx = _gates(jo.circuit)
        for r in (1, 2):
            t0 = time.perf_counter()
            shots = be.sample_joint(land, r, args.shots, k, rng).indices
            dt = time.perf_counter() - t0
            exact = _joint_closed_form(land, r, k)
            tvd = total_variation(shots, exact)
            qc = grover_circuit(jo.circuit, jo.search_qubits, list(range(jo.n_weights)), r, measure=False,
                                state_preparation=jo.state_preparation)
            dev = np.abs(_exact_weight_probs(qc, land.n_qubits) - exact).max()
            print(f"| {name} | {jo.circuit.num_qubits} ({i['weight_qubits']} + {i['index_qubits']} + {i['data_qubits']} + "
                  f"{i['ancillas']}) | {depth} / {cx} | {r} | {tvd:.4f} | {_noise_tvd(exact, args.shots, rng):.4f} | "
                  f"{dev:.1e} | {dt:.2f} |")
    if args.gas_seeds or args.gas_large_seeds:
        _gas_section(args.gas_seeds, args.gas_large_seeds, options)
    print(f"\ntotal wall time {time.perf_counter() - t_all:.0f} s")


def _gas_section(seeds: int, large_seeds: int = 0, options: dict | None = None) -> None:
    """GroverAdaptiveSearch with default settings on gate-level circuits: does it reach the optimum?"""
    from quark.optimizers import GroverAdaptiveSearch

    be = AerBackend(method="statevector", aer_options={"max_parallel_threads": 1}, **(options or {}))
    print("\n| instance (GroverAdaptiveSearch on aer) | qubits | optimum reached | median oracle queries | median circuits | s / solve |")
    print("|---|---|---|---|---|---|")
    cases = [(name, land, seeds) for name, land in threshold_cases(quick=True)] if seeds else []
    if large_seeds:
        name, land = threshold_cases(quick=False)[-1]
        cases.append((name, land, large_seeds))
    for name, land, seeds in cases:
        best = float(land.table().min())
        hits, queries, circuits = 0, [], []
        t0 = time.perf_counter()
        for seed in range(seeds):
            res = GroverAdaptiveSearch(backend=be, random_state=seed).minimize(land)
            hits += res.loss == best
            queries.append(res.ledger.oracle_queries)
            circuits.append(res.ledger.circuit_executions)
        dt = (time.perf_counter() - t0) / seeds
        print(f"| {name} | {land.n_qubits} | {hits}/{seeds} | {np.median(queries):.0f} | {np.median(circuits):.0f} | {dt:.2f} |")


if __name__ == "__main__":
    main()
