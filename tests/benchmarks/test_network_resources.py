"""One block step of a network's hidden unit, estimated on an IBM device (--quick: 300 digits)."""


def test_quick_block_step_is_counted(load_benchmark, tmp_path):
    mod = load_benchmark("network_resources")
    (row,) = mod.main(["--quick", "--out", str(tmp_path)])
    assert row["unit_bits"] == 64 * 2 + 4 and len(row["block"]) == 10       # 2-bit weights, a 4-bit bias
    assert row["sweep_block_steps"] > 0 and row["queries_per_step"] > 0 and row["step_oracle_queries"] > 0
    ibm = row["targets"]["fake_brisbane"]
    assert ibm["qubits"] == 10 and ibm["two_qubit_gates"] > 0
    assert ibm["total_two_qubit_gates"] == ibm["two_qubit_gates"] * row["step_oracle_queries"]
    unit = row["unit_oracle"]  # the coherent oracle oracle="auto" picks for the same block: its size
    assert unit["kind"] == "unit" and unit["qubits"] == 10 + unit["value_qubits"] + unit["accumulator_qubits"]
    assert 0 < unit["sample_groups"] <= unit["coherent_samples"] <= unit["samples"] == 300
