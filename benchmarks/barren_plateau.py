"""Barren-plateau study: gradient variance of the VQC baseline vs qubit count, beside Quark's cost.

Measures (exactly, on the real-amplitude simulator) the variance over random initializations in
[0, 2 pi) of one parameter-shift gradient component of the baseline circuit, for 2..14 qubits:
the comparison's VQC (real_amplitudes, reps=2, parity readout -- a global cost), the same with
qiskit-machine-learning's default qubit-0 readout (a local cost), and a linear-depth ansatz
(reps = n, qubit-0 readout). Beside it, Quark's Grover adaptive search on
random landscapes of n weight qubits (exact kernel): oracle queries and shots until the optimum
is first measured -- no gradient, so no variance to vanish.

    python benchmarks/barren_plateau.py [--quick] [--out docs/figures]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2..8 qubits, fewer initializations")
    ap.add_argument("--out", default="docs/figures", help="folder for barren_plateau.png/.json")
    ap.add_argument("--inits", type=int, default=200)
    args = ap.parse_args(argv)

    from quark.optimizers import GroverAdaptiveSearch
    from quark.baselines.plateau import gradient_variance

    qubits = list(range(2, 9 if args.quick else 15))
    inits = 50 if args.quick else args.inits
    configs = [("reps=2, parity readout (the comparison's VQC)", 2, "parity"),
               ("reps=2, qubit-0 readout (qiskit-ml's default)", 2, "qubit0"),
               ("reps=n, qubit-0 readout (linear depth)", None, "qubit0")]
    t0 = time.perf_counter()
    rows = []
    for label, reps, readout in configs:
        for n in qubits:
            r = gradient_variance(n, reps=reps or n, readout=readout, n_inits=inits, random_state=1000 + n)
            r["config"] = label
            rows.append(r)
            print(f"{label:42s} n={n:2d} Var={r['variance']:.3e} shots(SNR 1)={r['shots_for_snr1']:.3g}", flush=True)
    quark_rows = []
    seeds = 5 if args.quick else 10
    for n in qubits:
        q, s = [], []
        for seed in range(seeds):
            losses = np.random.default_rng(seed).permutation(1 << n).astype(float)
            res = GroverAdaptiveSearch(random_state=seed).minimize(losses)
            # queries and shots until the optimum was first measured (read from the history)
            hit = next((h for h in res.history if h["best_loss"] <= 0.0), None)
            q.append(hit["oracle_queries"] if hit else np.inf)
            s.append(hit["shots"] if hit else np.inf)
        quark_rows.append({"n_qubits": n, "median_oracle_queries": float(np.median(q)),
                           "median_shots": float(np.median(s)), "seeds": seeds,
                           "reached": int(np.isfinite(q).sum())})
        print(f"quark grover n={n:2d} queries={np.median(q):.0f} shots={np.median(s):.0f}", flush=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data = {"vqc": rows, "quark": quark_rows, "inits": inits, "seconds": time.perf_counter() - t0}
    (out / "barren_plateau.json").write_text(json.dumps(data, indent=1))
    plot(data, out / "barren_plateau.png")
    print(f"wrote {out / 'barren_plateau.png'} in {data['seconds']:.0f} s")
    return data


def plot(data: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.2))
    for label in dict.fromkeys(r["config"] for r in data["vqc"]):
        rs = [r for r in data["vqc"] if r["config"] == label]
        n = [r["n_qubits"] for r in rs]
        a.semilogy(n, [r["variance"] for r in rs], "o-", label=label)
        b.semilogy(n, [r["shots_for_snr1"] for r in rs], "o-", label=f"VQC: shots per shifted circuit, {label}")
    qn = [r["n_qubits"] for r in data["quark"]]
    b.semilogy(qn, [r["median_shots"] for r in data["quark"]], "ks--", label="Quark Grover search: shots to the optimum (median)")
    b.semilogy(qn, [r["median_oracle_queries"] for r in data["quark"]], "k^:", label="Quark Grover search: oracle queries (median)")
    a.set(xlabel="qubits (circuit width = binary features)", ylabel="Var[dp/dθ₀] over random inits",
          title=f"Gradient variance ({data['inits']} inits in [0, 2π), exact)")
    b.set(xlabel="qubits (VQC: circuit width; Quark: weight register)", ylabel="count (log)",
          title="Shots for one gradient component (SNR 1) vs Quark")
    a.legend(fontsize=7)
    b.legend(fontsize=6)
    for ax in (a, b):
        ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


if __name__ == "__main__":
    main()
