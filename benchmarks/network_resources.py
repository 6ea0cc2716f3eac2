"""What one block step of a quantized network's hidden unit costs: qubits, oracle queries, a device's gates.

For the default network (``QuarkClassifier(model="quantized-mlp", random_state=0)``: 32 hidden sign
units, 2-bit weights, 4-bit biases) on digits-10 (60/40 split, ``random_state=0``) and the bundled
MNIST 14x14 (its 4,000-digit training set):

1. **one sweep** of the block search from the ridge start (``optimizer="block"``, ``order="structured"``,
   ``block_size=10``, ``max_sweeps=1``: the default search's first sweep): its ledger gives the oracle queries per block step (the mean over the sweep's
   steps, hidden and output units together);
2. **one block step of a hidden unit**: the first 10 bits of hidden unit 0 (its first five 2-bit
   weights) restricted at the ridge start, searched by Grover adaptive search (``random_state=0``)
   exactly as the block search's inner step is, and that search estimated with
   :func:`quark.resources.estimate` on an IBM device (``fake_brisbane``) and the fault-tolerant
   target (Microsoft's resource estimator, default surface-code parameters).

Two oracles for the same step: the table oracle (``oracle="table"``: the block's 2**10 losses computed
classically, ``compile_evaluations``, and a diagonal phase marking those below the threshold) and the
unit oracle that ``oracle="auto"`` picks (:func:`quark.encoding.oracles.unit_oracle`: each sample's
pre-activation computed coherently, its loss step accumulated, the sum compared with the threshold;
nothing tabulated). The unit oracle's size (qubits, sample groups, a CX lower bound) is recorded in
every mode; its transpiled counts in the full run only.

    python benchmarks/network_resources.py            # digits-10 and MNIST 14x14 (~6 min on 2 cores)
    python benchmarks/network_resources.py --quick    # 300 digits, fake_brisbane only (a test)

Writes docs/figures/network_resources.{json,md} (``--out`` to change).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np


def _data(name: str, quick: bool = False):
    if name == "MNIST 14x14":
        from quark.datasets import load_mnist

        return load_mnist(14, subset="train")
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    Xtr, _, ytr, _ = train_test_split(X, y, test_size=0.4, stratify=y, random_state=0)
    return (Xtr[:300], ytr[:300]) if quick else (Xtr, ytr)


def one_dataset(name: str, targets: tuple[str, ...], quick: bool = False) -> dict:
    from quark import QuarkClassifier
    from quark.optimizers import GroverAdaptiveSearch
    from quark.resources import estimate

    X, y = _data(name, quick)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = QuarkClassifier(model="quantized-mlp", optimizer="none", random_state=0).fit(X, y)
        t0 = time.perf_counter()
        sweep = QuarkClassifier(model="quantized-mlp", optimizer="block", random_state=0,
                                optimizer_options={"order": "structured", "block_size": 10, "max_sweeps": 1}).fit(X, y)
        sweep_s = time.perf_counter() - t0
    led, steps = sweep.result_.ledger, int(sweep.result_.info["block_steps"])
    land = start.fits_[0].problem
    enc = land.encoding
    _, _, first, end, _ = enc.units[0]                       # hidden unit 0 of layer 0
    block = list(range(first, first + 10))
    sub = land.restrict(block, start.bits_)
    step = GroverAdaptiveSearch(random_state=0).minimize(sub)
    out = {"data": name, "n_qubits": int(land.n_qubits), "unit_bits": int(end - first), "block": block,
           "sweep_block_steps": steps, "sweep_oracle_queries": int(led.oracle_queries), "sweep_shots": int(led.shots),
           "sweep_s": sweep_s, "queries_per_step": led.oracle_queries / steps,
           "step_oracle_queries": int(step.ledger.oracle_queries), "step_shots": int(step.ledger.shots),
           "targets": {}}
    from quark.encoding.oracles import choose_threshold_oracle, oracle_cost

    def unit_size(problem, what):
        t0 = time.perf_counter()
        orc = choose_threshold_oracle(problem, "auto")
        row = {k: orc.info[k] for k in ("value_qubits", "accumulator_qubits", "samples", "coherent_samples",
                                        "sample_groups", "error_bound", "sign_error_bound")}
        row.update(block=what, kind=orc.kind, qubits=orc.circuit.num_qubits, cx_lower_bound=oracle_cost(orc),
                   build_s=time.perf_counter() - t0)
        return row

    # the measured block (its first five weights: border pixels on MNIST, zero on most samples) and ten
    # random bits of the same unit, as the structured order draws them
    rand = sorted(np.random.default_rng(0).choice(np.arange(first, end), 10, replace=False).tolist())
    out["unit_oracle"] = unit_size(sub, "first 10 bits")
    out["unit_oracle_random"] = unit_size(land.restrict(rand, start.bits_), "10 random bits (rng 0)")
    out["unit_targets"] = {}
    for target, oracle in [(t, o) for o in (("table",) if quick else ("table", "auto")) for t in targets]:
        t0 = time.perf_counter()
        est = estimate(step, sub, target=target, oracle=oracle)
        (out["targets"] if oracle == "table" else out["unit_targets"])[target] = {
            "qubits": est.qubits, "logical_qubits": est.logical_qubits, "two_qubit_gates": est.two_qubit_gates,
            "depth": est.depth, "t_count": est.t_count, "total_two_qubit_gates": est.total_two_qubit_gates,
            "runtime_s": est.runtime_s, "physical_qubits": est.physical_qubits, "estimate_s": time.perf_counter() - t0}
        print(f"{name}: {target}, oracle={oracle}: {est.summary()}", flush=True)
    return out


def markdown(rows: list[dict], command: str) -> str:
    def n(x, f="{:,.0f}"):
        return "—" if x is None else f.format(x)

    out = [f"`{command}`", "",
           "| data | network bits | bits of a hidden unit | block steps in one sweep | oracle queries per step "
           "(sweep mean) | queries of the measured step | shots |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        out.append(f"| {r['data']} | {r['n_qubits']:,} | {r['unit_bits']} | {r['sweep_block_steps']:,} | "
                   f"{r['queries_per_step']:.1f} | {r['step_oracle_queries']} | {r['step_shots']} |")
    out += ["", "The unit oracle of that block and of 10 random bits of the same unit (hardware form; `oracle=\"auto\"`):", "",
            "| data, block | qubits (weights + pre-activation + loss) | samples | samples whose step the block can move | "
            "sample groups | CX lower bound | loss-step bound | sign bound |", "|---|---|---|---|---|---|---|---|"]
    for r, u in [(r, u) for r in rows for u in (r["unit_oracle"], r.get("unit_oracle_random")) if u]:
        out.append(f"| {r['data']}, {u['block']} | {u['qubits']} (10 + {u['value_qubits']} + {u['accumulator_qubits']}) | "
                   f"{u['samples']:,} | {u['coherent_samples']:,} | {u['sample_groups']:,} | {u['cx_lower_bound']:,} | "
                   f"{u['error_bound']:.2g} | {u['sign_error_bound']:.2g} |")
    out += ["", "One block step of a hidden unit (10 weight qubits), per oracle query and for the step:", "",
            "| data | oracle | target | qubits | two-qubit gates per query | depth per query | T count per query | "
            "two-qubit gates, whole step | runtime of the step | physical qubits |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        for t, e, kind in [(t, e, "table") for t, e in r["targets"].items()] + \
                [(t, e, "unit") for t, e in r.get("unit_targets", {}).items()]:
            q = f"{e['qubits']}" + (f" ({e['logical_qubits']} logical)" if e["logical_qubits"] else "")
            out.append(f"| {r['data']} | {kind} | {t} | {q} | {n(e['two_qubit_gates'])} | {n(e['depth'])} | {n(e['t_count'])} | "
                       f"{n(e['total_two_qubit_gates'])} | {n(e['runtime_s'], '{:.3g} s')} | {n(e['physical_qubits'])} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> list[dict]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="300 digits (10 classes), fake_brisbane only (a test)")
    ap.add_argument("--out", default="docs/figures", help="folder for network_resources.{json,md}")
    args = ap.parse_args(argv)
    names = ("digits, 10 classes",) if args.quick else ("digits, 10 classes", "MNIST 14x14")
    targets = ("fake_brisbane",) if args.quick else ("fake_brisbane", "fault-tolerant")
    rows = [one_dataset(name, targets, args.quick) for name in names]
    command = "python benchmarks/network_resources.py" + ("" if argv is None else " " + " ".join(argv))
    md = markdown(rows, command)
    if not args.quick:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "network_resources.json").write_text(json.dumps(rows, indent=1))
        (out / "network_resources.md").write_text(md)
    print(md)
    return rows


if __name__ == "__main__":
    import sys

    main(sys.argv[1:] or None)
