"""The Aer evidence benchmark on its smallest landscapes (Tiny-MNIST 2x2, one seed each; ~15 s)."""

import json

import pytest

pytest.importorskip("qiskit_aer")


def test_weighted_and_penalised_runs_count_the_optimum_on_both_backends(tmp_path, load_benchmark):
    mod = load_benchmark("aer_evidence")
    path = tmp_path / "aer.json"
    out = mod.main(["--parts", "grover", "classifier", "--grover-seeds", "1", "--large-seeds", "0",
                    "--clf-seeds", "1", "--json", str(path)])
    assert json.loads(path.read_text())["grover"] == out["grover"]
    assert [r["landscape"] for r in out["grover"]] == ["class_weight='balanced'", "alpha=0.05"]
    for r in out["grover"] + out["classifier"]:
        # the Aer searches ran the exact counting oracle; the kernel runs no circuit
        assert r["aer"]["oracle"] == ["counting"] and r["statevector"]["oracle"] == ["None"]
        # seed 0 reaches the weighted / penalised optimum on both (a miscounting oracle did not on Aer)
        assert r["aer"]["reached"] == r["statevector"]["reached"] == 1
    for r in out["grover"]:
        assert r["aer"]["error_bound"] == 0.0 and r["aer"]["qubits"] > r["weight_qubits"]
