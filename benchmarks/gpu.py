"""GPU figures, when a GPU is at hand: aer-gpu against aer on the same Grover circuits, and the exact
kernel's count table built on the GPU (torch) against the numba kernel.

One command, about 5-8 minutes on one GPU, Markdown tables on stdout::

    python benchmarks/gpu.py                    # both parts
    python benchmarks/gpu.py --budget 300 --table-n 28 30

1. **Aer circuits.** The counting-oracle Grover circuits of Tiny-MNIST 6 vs 7 (deduplicated,
   perceptron): 3x3 (10 weight qubits) at 1, 4 and 8 rounds, and 4x4 (17 weight qubits) at 1
   round, in Aer's default (compact) oracle forms — each row reports its circuit's qubits; the
   same backend options on ``aer``
   (``device="CPU"``, every core) and ``aer-gpu``, a fixed number of shots, the threshold at the
   fifth-smallest loss. Each (circuit, device) runs in its own process under a time limit; a
   row gives the first call (transpiling included), a second run of the cached circuit, and the
   measured P(marked) against the exact sin^2((2r+1) theta).
2. **Count table on the GPU** (needs torch with CUDA). The perceptron of
   benchmarks/grover_largest.py at 28-32 weight qubits: the table as one float32 GEMM per block
   of high bits (exact: small integers, TF32 off) against the numba chunk kernel on every CPU
   core, both ending in the same uint8 array in host memory (checked equal).

Without a GPU (no qiskit-aer-gpu device and no CUDA device for torch) it prints one line saying
what is missing and exits with status 2; when only one part can run it runs that part, says why
the other was skipped, and exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
EXIT_PARTIAL, EXIT_NO_GPU = 1, 2


def _child_env() -> dict:
    """The environment of a child run: it imports the same quark as this process."""
    import quark

    root = str(Path(quark.__file__).resolve().parents[1])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)}


# -- what is here -----------------------------------------------------------------------------------
def aer_gpu_missing() -> str:
    """Why aer-gpu cannot run here ('' when it can)."""
    try:
        from quark.backends.aer import aer_unusable_reason
    except Exception as exc:  # pragma: no cover - broken installation
        return f"quark's Aer backend does not import ({exc})"
    return aer_unusable_reason("GPU")


def torch_cuda_missing() -> str:
    """Why torch cannot build a table on a CUDA device here ('' when it can)."""
    try:
        import torch
    except ImportError:
        return "torch is not installed"
    if not torch.cuda.is_available():
        return f"torch {torch.__version__} sees no CUDA device"
    return ""


# -- part 2: the count table as a GEMM ----------------------------------------------------------------
def torch_count_table(form, n_qubits: int, device, block_rows: int = 4096) -> np.ndarray:
    """The uint8 count table of an :class:`~quark.encoding.kernels.OrForm` (total below 256) built with torch.

    Index ``k = hi * 2**L + lo``: sample ``i`` fires when ``a_i(hi)`` or ``b_i(lo)`` does, and is
    correct when ``fire XOR p == label``. With ``t = label XOR p`` that is
    ``t + (1 - 2t)(1 - a)(1 - b)``, so a block of rows is ``const(hi) + A @ B`` with
    ``A[hi, i] = w_i (1 - 2 t_i(hi)) (1 - a_i(hi))`` and ``B[i, lo] = 1 - b_i(lo)``; a polarity bit
    among the low bits flips ``t``: those columns are ``W - const - A @ B``.
    """
    import torch

    if int(form.weights.sum()) > 255:
        raise ValueError("torch_count_table builds uint8 tables (total weight below 256)")
    torch.backends.cuda.matmul.allow_tf32 = False  # TF32 would round the inputs: keep the sums exact
    torch.set_float32_matmul_precision("highest")
    low = min(16, n_qubits)
    n_hi = 1 << (n_qubits - low)
    masks = torch.as_tensor(form.masks, dtype=torch.int64, device=device)
    labels = torch.as_tensor(form.labels, dtype=torch.int64, device=device)
    w = torch.as_tensor(form.weights, dtype=torch.float32, device=device)
    pol = int(form.pol_bit)
    lo = torch.arange(1 << low, dtype=torch.int64, device=device)
    B = ((lo[None, :] & masks[:, None]) == 0).to(torch.float32)  # (samples, 2**L)
    p_lo = ((lo >> pol) & 1).bool()[None, :] if 0 <= pol < low else None
    total = float(form.weights.sum())
    out = np.empty(1 << n_qubits, dtype=np.uint8)
    host = torch.from_numpy(out).view(n_hi, 1 << low)
    for r0 in range(0, n_hi, block_rows):
        hi = torch.arange(r0, min(n_hi, r0 + block_rows), dtype=torch.int64, device=device) << low
        a = (hi[:, None] & masks[None, :]) != 0
        p_hi = (hi >> pol) & 1 if pol >= low else torch.zeros_like(hi)
        t = (labels[None, :] ^ p_hi[:, None]).to(torch.float32)
        const = t @ w
        A = w[None, :] * (1.0 - 2.0 * t) * (~a).to(torch.float32)
        G = A @ B
        C = const[:, None] + G if p_lo is None else torch.where(p_lo, (total - const)[:, None] - G, const[:, None] + G)
        host[r0 : r0 + hi.numel()].copy_(C.round_().to(torch.uint8))
    return out


def table_rows(ns: list[int], m: int) -> list[dict]:
    import numba
    import torch

    sys.path.insert(0, str(HERE))
    from grover_largest import planted_landscape

    rows = []
    dev = torch.device("cuda")
    for n in ns:
        form = planted_landscape(n, m, 0)._or_form
        torch_count_table(form, 16, dev)  # warm-up: CUDA context, kernels
        form.count_table(16, np.uint8)  # and numba's
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        gpu = torch_count_table(form, n, dev)
        torch.cuda.synchronize()
        t_gpu = time.perf_counter() - t0
        t0 = time.perf_counter()
        cpu = form.count_table(n, np.uint8)
        t_cpu = time.perf_counter() - t0
        rows.append({"n": n, "cpu_s": t_cpu, "gpu_s": t_gpu, "equal": bool(np.array_equal(cpu, gpu)),
                     "threads": numba.get_num_threads()})
        del gpu, cpu
        print(f"count table {n} qubits: numba {t_cpu:.2f} s, torch GPU {t_gpu:.2f} s, equal {rows[-1]['equal']}", flush=True)
    return rows


# -- part 1: aer against aer-gpu ----------------------------------------------------------------------
def aer_case(size: int, device: str, rounds: list[int], shots: int, backend=None) -> dict:
    """One circuit family on one device (run in a child process): timings and P(marked) per round count."""
    from quark.backends.aer import AerBackend, AerGPUBackend
    from quark.datasets import load_tiny_mnist
    from quark.encoding import LossLandscape

    X, y = load_tiny_mnist(digits=(6, 7), size=size, dedupe=True)
    land = LossLandscape("perceptron", None, X, y)
    table = land.table()
    threshold = float(np.unique(table)[4])
    marked = table < threshold
    theta = math.asin(math.sqrt(marked.mean()))
    if backend is None:
        backend = AerGPUBackend() if device == "GPU" else AerBackend(method="statevector")
    rng = np.random.default_rng(0)
    out = {"size": size, "device": device, "weights": land.n_qubits, "marked": int(marked.sum()), "rounds": []}
    for r in rounds:
        t0 = time.perf_counter()
        backend.sample_threshold(land, threshold, r, shots, rng)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        s = backend.sample_threshold(land, threshold, r, shots, rng)
        run = time.perf_counter() - t0
        out["qubits"] = s.metadata["circuit"]["qubits"]
        out["rounds"].append({"r": r, "first_s": first, "run_s": run, "p_measured": float(marked[s.indices].mean()),
                              "p_exact": math.sin((2 * r + 1) * theta) ** 2})
        print(f"  {device} {size}x{size} r={r}: first {first:.2f} s, run {run:.2f} s", file=sys.stderr, flush=True)
    return out


def run_aer_case(size: int, device: str, rounds: list[int], shots: int, limit: float) -> dict:
    cmd = [sys.executable, __file__, "--aer-case", str(size), device, ",".join(map(str, rounds)), str(shots)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, env=_child_env(), timeout=max(1.0, limit))
    except subprocess.TimeoutExpired:
        return {"size": size, "device": device, "stopped": f"over {limit:.0f} s"}
    got = [json.loads(line[7:]) for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    if got:
        return got[0]
    tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
    return {"size": size, "device": device, "stopped": tail}


def _cell(case: dict, r: int) -> tuple[str, float | None, str]:
    if "stopped" in case:
        return f"stopped ({case['stopped']})", None, "—"
    row = next(x for x in case["rounds"] if x["r"] == r)
    return f"{row['first_s']:.2f} / {row['run_s']:.2f} s", row["run_s"], f"{row['p_measured']:.3f}"


def aer_table(cases: list[tuple[int, list[int]]], shots: int, cpu_limit: float, gpu_limit: float, deadline: float) -> list[str]:
    lines = [f"| circuit | qubits | rounds | aer (CPU, {os.cpu_count()} cores): first / run | aer-gpu: first / run | "
             "speed-up (run) | P(marked) exact / CPU / GPU |", "|---|---|---|---|---|---|---|"]
    for size, rounds in cases:
        gpu = run_aer_case(size, "GPU", rounds, shots, min(gpu_limit, deadline - time.time()))
        cpu = run_aer_case(size, "CPU", rounds, shots, min(cpu_limit, deadline - time.time()))
        ref = gpu if "stopped" not in gpu else cpu
        for r in rounds:
            c_txt, c_s, c_p = _cell(cpu, r)
            g_txt, g_s, g_p = _cell(gpu, r)
            speed = f"{c_s / g_s:.1f}x" if c_s and g_s else "—"
            exact = next((f"{x['p_exact']:.3f}" for x in ref.get("rounds", []) if x["r"] == r), "—")
            lines.append(f"| Tiny-MNIST {size}x{size}, {ref.get('weights', '?')} weight qubits | {ref.get('qubits', '?')} | "
                         f"{r} | {c_txt} | {g_txt} | {speed} | {exact} / {c_p} / {g_p} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shots", type=int, default=2000)
    ap.add_argument("--budget", type=float, default=420.0, help="seconds for the Aer part (the table part comes after)")
    ap.add_argument("--cpu-limit", type=float, default=150.0, help="seconds per Aer CPU circuit family")
    ap.add_argument("--table-n", type=int, nargs="+", default=[28, 30, 32], help="weight qubits of the GPU count tables")
    ap.add_argument("--m", type=int, default=64, help="training samples of the count-table landscape")
    ap.add_argument("--aer-case", nargs=4, help=argparse.SUPPRESS)  # child: SIZE DEVICE ROUNDS SHOTS
    args = ap.parse_args(argv)

    if args.aer_case:
        size, device, rounds, shots = args.aer_case
        res = aer_case(int(size), device, [int(r) for r in rounds.split(",")], int(shots))
        print("RESULT " + json.dumps(res), flush=True)
        return 0

    no_aer, no_torch = aer_gpu_missing(), torch_cuda_missing()
    if no_aer and no_torch:
        print(f"gpu.py: no GPU to measure: {no_aer}; {no_torch}", flush=True)
        return EXIT_NO_GPU

    import numba
    import qiskit_aer

    header = [f"{time.strftime('%b %Y')}; {os.cpu_count()} CPU cores (numba {numba.get_num_threads()} threads); "
              f"qiskit-aer {qiskit_aer.__version__}"]
    if not no_torch:
        import torch

        header.append(f"GPU: {torch.cuda.get_device_name(0)}; torch {torch.__version__}")
    print("\n".join(header) + "\n", flush=True)
    skipped = []
    if no_aer:
        skipped.append(f"aer-gpu against aer skipped: {no_aer}")
    else:
        deadline = time.time() + args.budget
        lines = aer_table([(3, [1, 4, 8]), (4, [1])], args.shots, args.cpu_limit, args.budget, deadline)
        print(f"Aer, counting-oracle Grover circuits, {args.shots} shots, double precision "
              "(first call includes the transpile):\n")
        print("\n".join(lines) + "\n", flush=True)
    if no_torch:
        skipped.append(f"GPU count table skipped: {no_torch}")
    else:
        rows = table_rows(args.table_n, args.m)
        print(f"\nCount table of the planted perceptron (m = {args.m}), uint8 in host memory:\n")
        print("| weight qubits | numba chunk kernel (CPU) | torch GEMM on the GPU (incl. copy to host) | speed-up | equal |")
        print("|---|---|---|---|---|")
        for r in rows:
            print(f"| {r['n']} | {r['cpu_s']:.2f} s ({r['threads']} threads) | {r['gpu_s']:.2f} s | "
                  f"{r['cpu_s'] / r['gpu_s']:.1f}x | {'yes' if r['equal'] else 'NO'} |")
    for s in skipped:
        print(s)
    return EXIT_PARTIAL if skipped else 0


if __name__ == "__main__":
    sys.exit(main())
