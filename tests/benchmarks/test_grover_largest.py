"""benchmarks/grover_largest.py at small sizes: one process per size, a Markdown table, clean refusals."""


def test_several_sizes_end_in_a_table(capsys, load_benchmark):
    load_benchmark("grover_largest").main(["--n", "14", "16", "--m", "24"])
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("| 1")]
    assert [r.split("|")[1].strip() for r in rows] == ["14", "16"]
    assert all("(optimum)" in r and "GiB" in r for r in rows)


def test_a_table_that_does_not_fit_is_refused_with_the_gib(load_benchmark):
    res = load_benchmark("grover_largest").run_search(26, 24, 0, max_memory=3e7)
    assert "table_s" not in res
    assert "count table of 26 weight qubits would need 0.16 GiB" in res["refused"]
