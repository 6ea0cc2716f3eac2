"""The hardware crossover benchmark's pieces: the rounded block QUBO, the power-law fit, and a --quick run (~1 min)."""

import json

import numpy as np
import pytest

pytest.importorskip("qdk")


def test_rounded_block_bqm_is_integer_and_the_arithmetic_oracle_takes_it(load_benchmark):
    mod = load_benchmark("hardware")
    land = mod.digit_landscape()
    bqm = land.to_bqm()
    block = np.arange(5)
    base = np.zeros(land.n_qubits, dtype=np.uint8)
    sub = mod.rounded_block_bqm(bqm, block, base, coef_bits=6)
    coefs = list(sub.linear.values()) + list(sub.quadratic.values())
    assert sorted(sub.variables) == list(range(5))
    assert all(float(c).is_integer() for c in coefs) and max(abs(c) for c in coefs) == 2**6 - 1
    from quark.encoding.oracles import choose_threshold_oracle

    assert choose_threshold_oracle(sub).kind in ("qubo", "arithmetic")


def test_power_fit_recovers_a_power_law(load_benchmark):
    mod = load_benchmark("hardware")
    x = np.array([4, 8, 16, 32])
    a, p = mod.power_fit(x, 3.0 * x**1.7)
    assert a == pytest.approx(3.0) and p == pytest.approx(1.7)


def test_quick_run_writes_outputs(tmp_path, load_benchmark):
    mod = load_benchmark("hardware")
    out = tmp_path / "hw"
    result = mod.main(["--quick", "--out", str(out), "--compare-qubits"])
    for ext in ("json", "md", "png"):
        assert out.with_suffix(f".{ext}").stat().st_size > 0
    rows = result["crossover"]["rows"]
    assert [r["source"] for r in rows[:4]] == ["built"] * 4 and rows[-1]["source"].startswith("extrapolated")
    assert all(r["physical_qubits"] > r["logical_qubits"] > 0 for r in rows)
    # the search's runtime grows with the register
    assert all(b["ft_runtime_s"] > a["ft_runtime_s"] for a, b in zip(rows, rows[1:]))
    assert {r["task"] for r in result["paper"]} == {"Edge Detection", "Tiny-MNIST"}
    json.loads(out.with_suffix(".json").read_text())
