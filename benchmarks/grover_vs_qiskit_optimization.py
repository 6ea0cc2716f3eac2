"""GroverAdaptiveSearch against qiskit-optimization's GroverOptimizer, side by side on the same QUBOs.

Random integer QUBOs (coefficients in [-4, 4], seeded) of n = 6 and 8 binary variables. Each is
solved by

* qiskit-optimization ``GroverOptimizer`` (Aer ``SamplerV2`` with a preset pass manager; its value
  register sized exactly from the brute-forced range, which it cannot do itself; its own stop
  rule: ``num_iterations`` rounds without improvement);
* Quark ``GroverAdaptiveSearch`` on the exact ``statevector`` kernel (default settings);
* Quark ``GroverAdaptiveSearch`` on gate-level ``aer`` circuits, in three configurations
  (``--aer-variants``):

  - ``aer hardware``: ``compact=False`` (the QUBO arithmetic oracle in its hardware form);
  - ``aer``: ``backend="aer"`` as it comes (the arithmetic oracle's simulator form: value register
    as narrow as each threshold allows, diagonal blocks, no QFT swaps);
  - ``aer cheapest``: ``oracle="cheapest"`` (the tabulated ``DiagonalGate`` oracle where it
    synthesizes to fewer CX than the arithmetic one: every instance here);
  - ``aer every round`` (not in the default set): ``aer`` with the runner's resuming from saved
    states switched off, every call simulating all its rounds (the same shots, seed for seed).

Success = the returned solution has the brute-force minimum energy. Time = wall-clock seconds
per solve, in this one process, one after the other, each solver warmed up once on the first
instance (imports, Qiskit's pass-manager plugins: not timed). Ratios are qiskit / Quark, of the
median seconds per solve.

    python benchmarks/grover_vs_qiskit_optimization.py               # ~6-8 min on 2 cores
    python benchmarks/grover_vs_qiskit_optimization.py --n 6 --instances 2 --qiskit-solves 1
    python benchmarks/grover_vs_qiskit_optimization.py --n 8 --qiskit-solves 0 --quark-solves 0 \
        --aer-solves 4 --aer-variants aer "aer every round"     # resuming from saved states, on and off
"""

from __future__ import annotations

import argparse
import itertools
import time
import warnings

import numpy as np


def random_qubo(n: int, seed: int):
    from qiskit_optimization import QuadraticProgram

    rng = np.random.default_rng(seed)
    qp = QuadraticProgram(f"qubo{n}_{seed}")
    names = [f"x{i}" for i in range(n)]
    for v in names:
        qp.binary_var(v)
    linear = {v: int(rng.integers(-4, 5)) for v in names}
    quadratic = {(a, b): int(rng.integers(-4, 5)) for a, b in itertools.combinations(names, 2) if rng.random() < 0.6}
    qp.minimize(linear=linear, quadratic=quadratic)
    return qp


def brute_force(qp) -> np.ndarray:
    n = qp.get_num_vars()
    X = ((np.arange(1 << n)[:, None] >> np.arange(n)) & 1).astype(float)
    return np.array([qp.objective.evaluate(x) for x in X])


def qiskit_solve(qp, energies: np.ndarray, seed: int, num_iterations: int) -> tuple[bool, float, int]:
    from qiskit.transpiler.preset_passmanagers import generate_preset_pass_manager
    from qiskit_aer import AerSimulator
    from qiskit_aer.primitives import SamplerV2
    from qiskit_optimization.algorithms import GroverOptimizer
    from qiskit_optimization.utils import algorithm_globals

    fmin, fmax = float(energies.min()), float(energies.max())
    # values f(x) - threshold lie in [fmin, fmax - fmin] (the threshold falls from 0 to fmin)
    span = max(abs(fmin), fmax - fmin + 1)
    n_value = int(np.ceil(np.log2(span))) + 1
    algorithm_globals.random_seed = seed
    sim = AerSimulator(seed_simulator=seed, max_parallel_threads=1)
    sampler = SamplerV2(seed=seed, options={"backend_options": {"max_parallel_threads": 1}})
    pm = generate_preset_pass_manager(optimization_level=1, backend=sim)
    opt = GroverOptimizer(n_value, num_iterations=num_iterations, sampler=sampler, pass_manager=pm)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = opt.solve(qp)
    dt = time.perf_counter() - t0
    return bool(abs(res.fval - fmin) < 1e-9), dt, len(res.operation_counts)


#: Quark configurations on Aer: name -> backend options (each solve builds its backend, as a user would)
AER_VARIANTS = {
    "aer hardware": {"compact": False},  # the hardware oracle forms (the IBM backend's)
    "aer": {},  # backend="aer" as it comes: the compact simulator forms
    "aer cheapest": {"oracle": "cheapest"},
    # the default without resuming from saved states (every call simulates all its rounds): same shots
    "aer every round": {"_resume": False},
}
DEFAULT_VARIANTS = ["aer hardware", "aer", "aer cheapest"]


def quark_solve(qp, energies: np.ndarray, seed: int, backend: str, options: dict | None = None) -> tuple[bool, float, int, int]:
    from quark.optimizers import GroverAdaptiveSearch

    options = dict(options or {})
    resume = options.pop("_resume", True)
    opts = {"aer_options": {"max_parallel_threads": 1}, **options} if backend == "aer" else None
    t0 = time.perf_counter()
    opt = GroverAdaptiveSearch(backend=backend, random_state=seed, backend_options=opts)
    if not resume:
        opt._backend()._runner.resume = False
    res = opt.minimize(qp)
    dt = time.perf_counter() - t0
    return bool(abs(res.loss - energies.min()) < 1e-9), dt, res.ledger.circuit_executions, res.ledger.oracle_queries


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[6, 8])
    ap.add_argument("--instances", type=int, default=5)
    ap.add_argument("--qiskit-solves", type=int, default=1, help="GroverOptimizer seeds per instance")
    ap.add_argument("--quark-solves", type=int, default=20, help="statevector seeds per instance")
    ap.add_argument("--aer-solves", type=int, default=2, help="aer seeds per instance and variant (0: skip)")
    ap.add_argument("--aer-variants", nargs="+", default=DEFAULT_VARIANTS, choices=list(AER_VARIANTS))
    ap.add_argument("--num-iterations", type=int, default=10, help="GroverOptimizer's stop rule")
    args = ap.parse_args()

    print(f"{'n':>2} {'solver':>28} {'solves':>6} {'success':>7} {'median s':>9} {'mean s':>8} {'circuits':>8} {'queries':>7}")
    for n in args.n:
        names = ["qiskit-optimization", "quark statevector", *(v for v in args.aer_variants if args.aer_solves)]
        stats: dict[str, list] = {name: [] for name in names}
        for inst in range(args.instances):
            qp = random_qubo(n, 100 * n + inst)
            energies = brute_force(qp)
            if inst == 0:  # warm every solver up once (imports, pass-manager plugins), untimed
                qiskit_solve(qp, energies, 99, args.num_iterations)
                quark_solve(qp, energies, 99, "statevector")
                for v in args.aer_variants if args.aer_solves else ():
                    quark_solve(qp, energies, 99, "aer", AER_VARIANTS[v])
            for s in range(args.qiskit_solves):
                ok, dt, circ = qiskit_solve(qp, energies, s, args.num_iterations)
                stats["qiskit-optimization"].append((ok, dt, circ, np.nan))
            for s in range(args.quark_solves):
                stats["quark statevector"].append(quark_solve(qp, energies, s, "statevector"))
            for s in range(args.aer_solves):  # the variants interleaved: machine load hits them alike
                for v in args.aer_variants:
                    stats[v].append(quark_solve(qp, energies, s, "aer", AER_VARIANTS[v]))
        rows = {}
        for name, got in stats.items():
            if not got:
                continue
            a = np.array(got, dtype=float)
            rows[name] = (a[:, 0].mean(), float(np.median(a[:, 1])))
            q = np.nanmean(a[:, 3]) if np.isfinite(a[:, 3]).any() else float("nan")
            print(f"{n:>2} {name:>28} {len(got):>6} {a[:, 0].mean():7.2f} {np.median(a[:, 1]):9.4f} {a[:, 1].mean():8.4f} "
                  f"{a[:, 2].mean():8.1f} {q:7.1f}")
        if "aer every round" in rows and "aer" in rows:
            print(f"{n:>2} median time ratio aer every round / aer (resuming from saved states): "
                  f"{rows['aer every round'][1] / rows['aer'][1]:.2f}x", flush=True)
        ref = rows.get("qiskit-optimization")
        for name in names[1:] if ref else ():
            if name in rows:
                print(f"{n:>2} median time ratio qiskit-optimization / {name}: {ref[1] / rows[name][1]:.1f}x; "
                      f"success {ref[0]:.2f} vs {rows[name][0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
