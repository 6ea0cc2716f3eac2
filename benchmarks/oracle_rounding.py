"""The arithmetic oracle on real-valued features: its size against the table oracle, what rounding does,
and how many register bits Grover search on Aer needs to reach the exact kernel's result.

Landscapes: the squared loss of ``fixed-point-linear`` on two standardized features of scikit-learn's
breast-cancer data (569 samples), ``bits`` bits per weight (two weights and a bias).

1. *Size* (hardware forms, transpiled to ``cx`` + single-qubit gates, optimization level 1):
   qubits, CX and depth of one oracle call — the arithmetic oracle at its default grid against the
   table oracle (a ``DiagonalGate`` of the 2**n losses, which must all be computed classically first).
2. *Rounding*: for register widths ``--bits``, the stated error bound, the largest actual
   ``|rounded - exact|``, and over the thresholds a Grover search meets (the 64 lowest distinct
   losses) how many marks differ from ``loss < t`` and whether each lies within the bound of ``t``.
   Marks are the closed form (the rounded polynomial); the tests check that the circuits equal it.
3. *Grover search*: ``GroverAdaptiveSearch`` on Aer (compact forms) with ``oracle_bits`` set, seeds
   0..``--seeds``-1, against the exact kernel with the same seeds on a 6-qubit landscape; on the
   9- and 12-qubit ones the same search (``--closed-seeds`` seeds) on the closed form of the rounded
   oracle's marks (a stand-in for Aer, whose statevectors of 20+ qubits are slow on a shared CPU),
   said so in the table.

Run::

    python benchmarks/oracle_rounding.py            # about 3 minutes on 2 busy cores
    python benchmarks/oracle_rounding.py --json docs/figures/oracle_rounding.json
"""

from __future__ import annotations

import argparse
import json
import math
import time
import warnings

import numpy as np


def landscape(bits_per_weight: int):
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    from quark.encoding import LossLandscape, WeightEncoding

    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X[:, [0, 1]])
    return LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(3, bits=bits_per_weight), X, y, loss="squared")


def rounded_table(land, grid: float) -> np.ndarray:
    """The energies the arithmetic oracle compares: every coefficient on its grid, the offset exact."""
    from quark.encoding import index_to_bits

    terms = land.polynomial()
    n = land.n_qubits
    bits = index_to_bits(np.arange(1 << n), n).astype(bool)
    out = np.full(1 << n, float(terms.get((), 0.0)))
    for t, c in terms.items():
        if t:
            out += grid * np.rint(c / grid) * bits[:, list(t)].all(axis=1)
    return out


def size(sizes, transpile_table_up_to: int = 12) -> list[dict]:
    from qiskit import transpile

    from quark.encoding.oracles import arithmetic_oracle, table_oracle

    rows = []
    for b in sizes:
        land = landscape(b)
        n = land.n_qubits
        for kind in ("arithmetic", "table"):
            t0 = time.perf_counter()
            if kind == "table" and n > transpile_table_up_to:  # a DiagonalGate synthesizes to exactly 2**n - 2 CX
                rows.append({"weight_qubits": n, "oracle": "table (2**n - 2 CX, not transpiled)", "qubits": n,
                             "cx": (1 << n) - 2, "depth": "", "value_qubits": 0, "error_bound": 0.0,
                             "classical_losses": 1 << n, "seconds": 0.0})
                continue
            orc = arithmetic_oracle(land) if kind == "arithmetic" else table_oracle(land)
            qc = orc.bound(0.5)
            tqc = transpile(qc, basis_gates=["cx", "u"], optimization_level=1)
            rows.append({"weight_qubits": n, "oracle": kind, "qubits": tqc.num_qubits,
                         "cx": int(tqc.count_ops().get("cx", 0)), "depth": tqc.depth(),
                         "value_qubits": orc.info.get("value_qubits", 0), "error_bound": orc.error_bound,
                         "classical_losses": orc.compile_evaluations // land.n_samples,
                         "seconds": time.perf_counter() - t0})
    return rows


def rounding(sizes, widths) -> list[dict]:
    from quark.encoding.oracles import arithmetic_oracle

    rows = []
    for b in sizes:
        land = landscape(b)
        exact = land.table()
        levels = np.unique(exact)[:64]
        for w in [None, *widths]:
            orc = arithmetic_oracle(land, bits=w)
            R = rounded_table(land, orc.info["grid"])
            differ = within = 0
            for t in levels:
                d = (R < t) != (exact < t)
                differ += int(d.sum())
                within += int((np.abs(exact[d] - t) <= orc.error_bound + 1e-12).sum())
            rows.append({"weight_qubits": land.n_qubits, "value_qubits": orc.info["value_qubits"],
                         "default": w is None, "error_bound": orc.error_bound,
                         "max_error": float(np.abs(R - exact).max()), "gap": float(levels[1] - levels[0]),
                         "thresholds": int(levels.size), "marks_differing": differ, "within_bound": within})
    return rows


class RoundedMarks:
    """Grover rounds sampled from the closed form of the rounded oracle's marks (a stand-in for Aer)."""

    name = "rounded-closed-form"

    def __init__(self, rounded: np.ndarray) -> None:
        self.rounded = rounded

    def sample_threshold(self, problem, threshold, iterations, shots, rng):
        marked = self.rounded < threshold
        M, N = int(marked.sum()), marked.size
        p = math.sin((2 * iterations + 1) * math.asin(math.sqrt(M / N))) ** 2
        hit = rng.random(shots) < p
        pool_in, pool_out = np.flatnonzero(marked), np.flatnonzero(~marked)
        return np.where(hit & (M > 0), rng.choice(pool_in if M else [0], shots),
                        rng.choice(pool_out if M < N else [0], shots))


def grover(seeds: int, closed_seeds: int, widths, aer_widths) -> list[dict]:
    from quark.encoding.oracles import arithmetic_oracle
    from quark.optimizers import GroverAdaptiveSearch

    rows = []
    for b, on_aer in ((2, True), (3, False), (4, False)):
        land = landscape(b)
        best = float(land.table().min())
        n_seeds = seeds if on_aer else closed_seeds
        kernel = [GroverAdaptiveSearch(random_state=s).minimize(land).loss for s in range(n_seeds)]
        for w in aer_widths if on_aer else [*widths, None]:
            orc = arithmetic_oracle(land, bits=w)
            t0 = time.perf_counter()
            same = hits = 0
            for s in range(n_seeds):
                if on_aer:
                    opts = {"oracle_bits": w, "aer_options": {"max_parallel_threads": 1}}
                    res = GroverAdaptiveSearch(backend="aer", backend_options=opts, random_state=s).minimize(land)
                else:
                    res = GroverAdaptiveSearch(backend=RoundedMarks(rounded_table(land, orc.info["grid"])),
                                               random_state=s).minimize(land)
                same += abs(res.loss - kernel[s]) < 1e-12
                hits += abs(res.loss - best) < 1e-12
            rows.append({"weight_qubits": land.n_qubits, "value_qubits": orc.info["value_qubits"],
                         "default": w is None, "runs_on": "aer" if on_aer else "closed form of the marks",
                         "error_bound": orc.error_bound, "seeds": n_seeds, "same_as_kernel": same,
                         "optimum": hits, "kernel_optimum": sum(abs(k - best) < 1e-12 for k in kernel),
                         "seconds": time.perf_counter() - t0})
    return rows


def _table(rows, keys) -> str:
    out = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for r in rows:
        out.append("| " + " | ".join(f"{r[k]:.4g}" if isinstance(r[k], float) else str(r[k]) for k in keys) + " |")
    return "\n".join(out)


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds of the Aer runs")
    parser.add_argument("--closed-seeds", type=int, default=20, help="seeds of the closed-form runs")
    parser.add_argument("--json", default=None, help="write the figures here")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # a search's own miss warnings: the tables count them
    t0 = time.perf_counter()
    out = {"size": size((2, 3, 4, 5)), "rounding": rounding((3, 4), (8, 10, 12, 14, 16)),
           "grover": grover(args.seeds, args.closed_seeds, (8, 10, 12, 14, 16), (8, 10, 12))}
    print("## Size of one oracle call (hardware form)\n")
    print(_table(out["size"], ["weight_qubits", "oracle", "qubits", "cx", "depth", "value_qubits", "error_bound",
                               "classical_losses"]))
    print("\n## Rounding\n")
    print(_table(out["rounding"], ["weight_qubits", "value_qubits", "default", "error_bound", "max_error", "gap",
                                   "thresholds", "marks_differing", "within_bound"]))
    print("\n## Grover search: bits until the result equals the exact kernel's\n")
    print(_table(out["grover"], ["weight_qubits", "value_qubits", "default", "runs_on", "error_bound", "seeds",
                                 "same_as_kernel", "optimum", "kernel_optimum", "seconds"]))
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=1)
    return out


if __name__ == "__main__":
    main()
