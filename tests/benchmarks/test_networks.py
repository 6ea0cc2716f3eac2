"""The network benchmark end to end in --quick mode (circles and a digits subset)."""

import json


def test_quick_networks_benchmark_writes_its_tables(tmp_path, load_benchmark):
    mod = load_benchmark("networks")
    result = mod.main(["--quick", "--out", str(tmp_path)])
    assert set(result) == {"circles", "digits, 10 classes"}
    for name, d in result.items():
        methods = [r["method"] for r in d["rows"]]
        assert methods[:2] == ["LogisticRegression", "float MLP"]
        assert {"PTQ 1-bit", "STE 2-bit", "Quark 2-bit (ridge start)", "Quark 2-bit (random start)"} <= set(methods)
        for r in d["rows"]:
            assert 0.0 <= r["test"] <= 1.0 and r["seconds"] >= 0
            if r["method"].startswith("Quark"):
                # the search's ledger and the start it improved on are reported beside the result
                assert r["oracle_queries"] > 0 and r["block_steps"] > 0 and r["loss"] <= r["start_loss"]
    rows = {r["method"]: r for r in result["circles"]["rows"]}
    assert rows["LogisticRegression"]["test"] < 0.75 < rows["Quark 2-bit (ridge start)"]["test"]
    md = (tmp_path / "networks_quick.md").read_text()
    assert "| Quark 2-bit (random start) |" in md and "python benchmarks/networks.py --quick" in md
    json.loads((tmp_path / "networks_quick.json").read_text())


def test_linear_rows_sit_beside_the_network(tmp_path, load_benchmark):
    mod = load_benchmark("networks")
    result = mod.main(["--linear", "--quick", "--out", str(tmp_path)])
    rows = {r["data"]: r for r in result["_linear"]}
    assert set(rows) == {"circles", "digits, 10 classes"}
    assert rows["circles"]["test"] < 0.75 < rows["digits, 10 classes"]["test"]    # no line separates circles
    assert "| circles | Quark linear (defaults) |" in (tmp_path / "networks_linear.md").read_text()
