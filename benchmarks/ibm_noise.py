"""IBM fake devices: what the edge-detection counting oracle costs on hardware, and what noise leaves.

Instances (the coherent counting oracle of :func:`quark.encoding.oracles.counting_oracle`):

* ``edge2-paper``: 2x2 images (all 16), the paper's 3-weight line detector (rows / columns /
  diagonals), 3 weight qubits + 1 ancilla + 6 counter qubits = 10 qubits.
* ``edge2-lines``: 2x2 images, one weight per line (6 weights), 13 qubits.

For each (instance, marked set, rounds) the Grover circuit is transpiled by ``IBMBackend`` with the
preset pass manager for three fake devices of qiskit-ibm-runtime — Guadalupe (Falcon, 16 qubits,
CX), Brisbane (Eagle, 127 qubits, ECR), Torino (Heron, 133 qubits, CZ) — at optimization levels 1
and 3, and run in the runtime's local mode (Aer with the device's noise model). Reported: transpiled
depth and two-qubit gate count, and the measured probability of a *marked* setting (``loss <
threshold``) under noise, against the same circuit on noiseless Aer (``AerBackend``, quark's
"aer"), the exact closed form ``sin^2((2r+1) theta)``, a uniform guess ``M / N``, and a simple
noise model (``P model``, nothing fitted): each two-qubit gate keeps the signal with probability
``1 - e`` (``e`` the device model's median two-qubit error), else the output is a uniform guess —
``F P_exact + (1 - F) M / N`` with ``F = (1 - e)**two_qubit_gates``.

Run: ``python benchmarks/ibm_noise.py [--shots 2000] [--quick] [--json docs/figures/ibm_noise.json]
[--plot docs/figures/ibm_noise.png]``; ``--from-json`` reprints the table without rerunning.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def instances():
    from quark.datasets import load_edge_detection
    from quark.encoding import LossLandscape
    from quark.models.line_detector import LineDetector

    X, y = load_edge_detection(size=2)
    return {
        "edge2-paper": LossLandscape(LineDetector(grouping="paper"), None, X, y),
        "edge2-lines": LossLandscape(LineDetector(grouping="lines"), None, X, y),
    }


def threshold_for(table: np.ndarray, marked: int) -> float:
    """A threshold marking exactly the ``marked`` lowest losses (ties must not cross it)."""
    s = np.sort(table)
    if s[marked - 1] == s[marked]:
        raise ValueError(f"no threshold marks exactly {marked} settings")
    return float((s[marked - 1] + s[marked]) / 2)


def cases(quick: bool):
    # (instance, marked settings, rounds, devices, optimization levels)
    out = [("edge2-paper", 1, 1, ("guadalupe", "brisbane", "torino"), (1, 3))]
    if not quick:
        out += [
            ("edge2-paper", 3, 1, ("guadalupe", "brisbane", "torino"), (3,)),
            ("edge2-paper", 1, 2, ("torino",), (3,)),
            ("edge2-lines", 1, 1, ("torino",), (3,)),
        ]
    return out


def device(name: str):
    from qiskit_ibm_runtime import fake_provider

    return {"guadalupe": fake_provider.FakeGuadalupeV2, "brisbane": fake_provider.FakeBrisbane,
            "torino": fake_provider.FakeTorino}[name]()


def run(shots: int, quick: bool, seed: int = 0) -> list[dict]:
    from quark.backends.aer import AerBackend
    from quark.backends.ibm import IBMBackend
    from quark.testing import threshold_distribution

    lands = instances()
    aer = AerBackend(aer_options={"max_parallel_threads": 1})
    rows = []
    for inst, marked, rounds, devices, levels in cases(quick):
        land = lands[inst]
        table = land.table()
        thr = threshold_for(table, marked)
        exact = float(threshold_distribution(table, thr, rounds)[table < thr].sum())
        ideal = aer.sample_threshold(land, thr, rounds, shots, np.random.default_rng(seed)).indices
        p_ideal = float(np.mean(table[ideal] < thr))
        for dev_name in devices:
            for level in levels:
                be = IBMBackend(device(dev_name), optimization_level=level)
                t0 = time.perf_counter()
                noisy = be.sample_threshold(land, thr, rounds, shots, np.random.default_rng(seed)).indices
                secs = time.perf_counter() - t0
                rep = be.report[-1]
                row = {
                    "instance": inst, "weights": land.n_qubits, "qubits": rep["qubits"],
                    "marked": marked, "settings": table.size, "rounds": rounds,
                    "device": rep["device"], "optimization_level": level,
                    "physical_qubits": rep["physical_qubits"], "depth": rep["depth"],
                    "two_qubit_gates": rep["two_qubit_gates"],
                    "two_qubit_gate": sorted(k for k in rep["ops"] if k in ("cx", "ecr", "cz"))[0],
                    "p_noisy": float(np.mean(table[noisy] < thr)), "p_aer_ideal": p_ideal,
                    "p_exact": exact, "p_uniform": marked / table.size, "shots": shots,
                    "seconds": round(secs, 1),
                }
                rows.append(add_model(row))
                print(format_row(row), flush=True)
    return rows


HEADER = ("| instance | qubits | M/N | rounds | device | opt | depth | 2q gates | P noisy | P Aer ideal "
          "| P exact | P uniform | P model |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def format_row(r: dict) -> str:
    return (f"| {r['instance']} | {r['qubits']} | {r['marked']}/{r['settings']} | {r['rounds']} | {r['device']} "
            f"| {r['optimization_level']} | {r['depth']} | {r['two_qubit_gates']} {r['two_qubit_gate']} "
            f"| {r['p_noisy']:.3f} | {r['p_aer_ideal']:.3f} | {r['p_exact']:.3f} | {r['p_uniform']:.3f} "
            f"| {r['p_model']:.3f} |")


def median_two_qubit_error(dev, gate: str) -> float:
    """The device model's median two-qubit gate error (from its calibration snapshot)."""
    errors = [p.error for p in dev.target[gate].values() if p is not None and p.error is not None]
    return float(np.median(errors))


def add_model(row: dict) -> dict:
    """A prediction with nothing fitted: each two-qubit gate keeps the signal with probability
    ``1 - e`` (median error), the rest is a uniform guess: ``F P_exact + (1 - F) M/N``,
    ``F = (1 - e)**two_qubit_gates``."""
    e = median_two_qubit_error(device(row["device"].removeprefix("fake_")), row["two_qubit_gate"])
    f = (1.0 - e) ** row["two_qubit_gates"]
    row.update(median_2q_error=e, fidelity_model=f, p_model=f * row["p_exact"] + (1 - f) * row["p_uniform"])
    return row


def plot(rows: list[dict], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [f"{r['instance']}\nM={r['marked']} r={r['rounds']}\n{r['device'].removeprefix('fake_')} L{r['optimization_level']}"
              for r in rows]
    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(rows)), 4.2))
    ax.bar(x - 0.2, [r["p_aer_ideal"] for r in rows], 0.4, label="Aer, noiseless")
    ax.bar(x + 0.2, [r["p_noisy"] for r in rows], 0.4, label="fake device (noise model)")
    ax.scatter(x, [r["p_uniform"] for r in rows], marker="_", s=400, color="k", label="uniform guess M/N", zorder=3)
    ax.set_xticks(x, labels, fontsize=7)
    ax.set_ylabel("P(measured setting is marked)")
    ax.set_ylim(0, 1)
    ax.set_title("Counting-oracle Grover circuits on IBM fake devices (shots=%d)" % rows[0]["shots"])
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shots", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--quick", action="store_true", help="one instance at two levels (a smoke run)")
    ap.add_argument("--json", help="write the rows here")
    ap.add_argument("--plot", help="write a bar chart here (PNG)")
    ap.add_argument("--from-json", help="reprint a saved run")
    args = ap.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            rows = [r if "p_model" in r else add_model(r) for r in json.load(f)["rows"]]
    else:
        print(HEADER)
        rows = run(args.shots, args.quick, args.seed)
        if args.json:
            import qiskit
            import qiskit_aer
            import qiskit_ibm_runtime

            versions = {"qiskit": qiskit.__version__, "qiskit-aer": qiskit_aer.__version__,
                        "qiskit-ibm-runtime": qiskit_ibm_runtime.__version__}
            with open(args.json, "w") as f:
                json.dump({"command": "python benchmarks/ibm_noise.py " + " ".join(
                    a for a in ("--shots", str(args.shots), "--seed", str(args.seed)) if a),
                    "versions": versions, "rows": rows}, f, indent=1)
    if args.plot:
        plot(rows, args.plot)
    print()
    print(HEADER)
    for r in rows:
        print(format_row(r))


if __name__ == "__main__":
    main()
