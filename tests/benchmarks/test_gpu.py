"""benchmarks/gpu.py: a clean refusal without a GPU, and its pieces checked on the CPU."""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "gpu.py"



def test_refuses_in_one_line_without_a_gpu(load_benchmark):
    gpu = load_benchmark("gpu")
    if not gpu.aer_gpu_missing() or not gpu.torch_cuda_missing():
        pytest.skip("a GPU is here: the script would measure it")
    proc = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 2
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1 and proc.stderr.strip() == ""
    assert lines[0].startswith("gpu.py: no GPU to measure: ")
    assert "qiskit-aer-gpu" in lines[0] and ("CUDA" in lines[0] or "torch is not installed" in lines[0])


@pytest.mark.parametrize("n, pol", [(18, 17), (18, 3), (20, 10), (17, -1), (12, 11)])
def test_torch_gemm_count_table_equals_the_numba_kernel(n, pol, load_benchmark):
    torch = pytest.importorskip("torch")
    from quark.encoding.kernels import OrForm

    rng = np.random.default_rng(n + pol)
    masks = rng.integers(0, 1 << n, 50) & rng.integers(0, 1 << n, 50)
    form = OrForm.from_samples(masks, rng.integers(0, 2, 50), pol, rng.integers(0, 4, 50))
    table = load_benchmark("gpu").torch_count_table(form, n, torch.device("cpu"), block_rows=3)
    np.testing.assert_array_equal(table, form.count_table(n, np.uint8))


def test_aer_rows_run_through_child_processes(load_benchmark):
    """The Aer part end to end on a tiny circuit: the CPU row measures, a missing GPU is reported in its cell."""
    pytest.importorskip("qiskit_aer")
    gpu = load_benchmark("gpu")
    lines = gpu.aer_table([(2, [1])], 200, 60, 60, time.time() + 120)
    assert len(lines) == 3 and lines[2].startswith("| Tiny-MNIST 2x2, 5 weight qubits | 10 | 1 |")
    cells = [c.strip() for c in lines[2].split("|")[1:-1]]
    assert cells[3].endswith(" s") and "/" in cells[3]
    exact, cpu, on_gpu = (x.strip() for x in cells[6].split("/"))
    assert abs(float(exact) - float(cpu)) < 0.15
    if gpu.aer_gpu_missing():
        assert cells[4].startswith("stopped (") and on_gpu == "—"
