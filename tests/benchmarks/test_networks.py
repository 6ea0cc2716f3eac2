"""The network benchmark end to end in --quick mode (circles and a digits subset)."""

import json

import pytest


def test_quick_networks_benchmark_writes_its_tables(tmp_path, load_benchmark):
    mod = load_benchmark("networks")
    result = mod.main(["--quick", "--out", str(tmp_path)])
    assert set(result) == {"circles", "digits, 10 classes"}
    for name, d in result.items():
        methods = [r["method"] for r in d["rows"]]
        assert methods[0] == "LogisticRegression" and "float MLP" in methods
        assert {"PTQ 1-bit", "STE 2-bit", "Quark 2-bit (ridge start)", "Quark 2-bit (random start)"} <= set(methods)
        for r in d["rows"]:
            assert 0.0 <= r["test"] <= 1.0 and r["seconds"] >= 0
            if r["method"].startswith("Quark"):
                # the search's ledger and the start it improved on are reported beside the result
                assert r["oracle_queries"] > 0 and r["block_steps"] > 0 and r["loss"] <= r["start_loss"]
    rows = {r["method"]: r for r in result["circles"]["rows"]}
    assert 0.5 < rows["QBoost recipe"]["test"] <= 1.0   # decision stumps selected by annealing
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


def test_float_start_rows_beside_the_ridge_start(tmp_path, load_benchmark):
    mod = load_benchmark("networks")
    result = mod.main(["--float-start", "--quick", "--out", str(tmp_path)])
    rows = {(r["data"], r["method"]): r for r in result["_float"]}
    for name in ("circles", "digits, 10 classes"):
        alone = rows[(name, "2-bit, float start alone (optimizer='none')")]
        searched = rows[(name, "2-bit, float start")]
        # the start alone runs no search; searched from it, the loss only falls; both count the float training
        assert alone["oracle_queries"] == 0 and searched["oracle_queries"] > 0
        assert searched["loss"] <= searched["start_loss"] == alone["loss"]
        assert searched["compile_evaluations"] == alone["compile_evaluations"] > 0
        assert 0.5 < rows[(name, "float tanh MLP, 32 units (what the float start rounds)")]["test"] <= 1.0
    md = (tmp_path / "networks_float.md").read_text()
    assert "| circles | 2-bit, float start |" in md and "| circles | float tanh MLP, 32 units" in md


def test_one_wider_float_start_fit_per_data_set(tmp_path, load_benchmark):
    mod = load_benchmark("networks")
    result = mod.main(["--float-start", "--quick", "--hidden", "8", "--sweeps", "1", "--scale", "range",
                       "--out", str(tmp_path)])
    rows = result["_float"]
    assert [r["data"] for r in rows] == ["circles", "digits, 10 classes"]
    assert all(r["sweeps"] == 1 and r["oracle_queries"] > 0 and r["loss"] <= r["start_loss"] for r in rows)
    md = (tmp_path / "networks_float_hidden8_sweeps1_scalerange.md").read_text()
    assert "`python benchmarks/networks.py --float-start --hidden 8 --sweeps 1 --scale range`" in md
    assert "| circles | 2-bit, 8 units, float start, 1 sweeps, scale='range' |" in md
    # another seed: its own tables, named by it, and another fit
    again = mod.main(["--float-start", "--quick", "--hidden", "8", "--sweeps", "1", "--scale", "range", "--seed", "1",
                      "--out", str(tmp_path)])["_float"]
    md = (tmp_path / "networks_float_hidden8_sweeps1_scalerange_seed1.md").read_text()
    assert "`python benchmarks/networks.py --float-start --hidden 8 --sweeps 1 --scale range --seed 1`" in md
    assert "| circles | 2-bit, 8 units, float start, 1 sweeps, scale='range', random_state=1 |" in md
    assert [r["loss"] for r in again] != [r["loss"] for r in rows]


def test_a_float_start_fit_of_two_hidden_layers_and_bits_per_layer(tmp_path, load_benchmark):
    mod = load_benchmark("networks")
    rows = mod.main(["--float-start", "--quick", "--hidden", "6,4", "--bits", "2,2,4", "--sweeps", "1",
                     "--out", str(tmp_path)])["_float"]
    assert all(r["sweeps"] == 1 and r["loss"] <= r["start_loss"] for r in rows)
    # 64 pixels -> 6 -> 4 -> 10 outputs on digits, each unit's weights at its layer's bits and a 4-bit bias
    assert rows[1]["data"] == "digits, 10 classes"
    assert rows[1]["n_qubits"] == 6 * (64 * 2 + 4) + 4 * (6 * 2 + 4) + 10 * (4 * 4 + 4)
    md = (tmp_path / "networks_float_hidden6-4_sweeps1_bits2-2-4.md").read_text()
    assert "`python benchmarks/networks.py --float-start --hidden 6,4 --sweeps 1 --bits 2,2,4`" in md
    assert "| circles | bits 2/2/4, 6 + 4 units, float start, 1 sweeps |" in md
    with pytest.raises(SystemExit):
        mod.main(["--float-start", "--quick", "--bits", "2,4"])      # --bits without --hidden: refused
    with pytest.raises(SystemExit):
        mod.main(["--float-start", "--quick", "--hidden", "6,x"])


def test_ceiling_reports_the_cv_chosen_setting_beside_the_best_over_the_grid(tmp_path, load_benchmark):
    mod = load_benchmark("networks")
    result = mod.main(["--ceiling", "--quick", "--out", str(tmp_path)])
    rows = result["digits"]["rows"]
    methods = {(r["method"], r["prep"]) for r in rows}
    for prep in ("standardized", "pixels / max"):
        assert {("LogisticRegression", prep), ("k-nearest neighbours", prep), ("SVC (RBF)", prep),
                ("SVC (RBF), sklearn defaults", prep), ("MLPClassifier", prep)} <= methods
    for r in rows:
        # the chosen setting is one of the grid's, so the best over the grid bounds its test accuracy
        assert 0.5 < r["test"] <= r["best_test"] <= 1.0
        assert r["test"] == sum(r["test_seeds"]) / len(r["test_seeds"])
    mlp = next(r for r in rows if r["method"] == "MLPClassifier")
    torch_mlp = next(r for r in rows if r["method"].startswith("torch MLP"))
    assert mlp["n_configs"] == 4 and len(torch_mlp["test_seeds"]) == 3 and torch_mlp["n_configs"] == 4 * 3
    md = (tmp_path / "networks_ceiling_quick.md").read_text()
    assert "`python benchmarks/networks.py --ceiling --quick`" in md and "| digits, 10 classes | SVC (RBF) |" in md


def test_global_scale_keeps_the_pixel_geometry(load_benchmark):
    import numpy as np

    mod = load_benchmark("networks_ceiling")
    X = np.array([[0.0, 4.0], [8.0, 16.0]])
    g = mod.GlobalScale().fit(X)
    assert np.allclose(g.transform(X), X / 16) and np.allclose(g.transform([[32.0, 0.0]]), [[2.0, 0.0]])


def test_mnist_at_28_is_its_own_data_set_with_its_own_tables(tmp_path, load_benchmark, monkeypatch):
    import pytest

    mod = load_benchmark("networks")
    (name, (Xtr, Xte, ytr, yte)), = mod.datasets(False, 28).items()
    assert name == "MNIST 28x28" and Xtr.shape == (4000, 784) and Xte.shape == (1000, 784)
    small = {name: (Xtr[::13], Xte[::10], ytr[::13], yte[::10])}  # the files are sorted by class
    monkeypatch.setattr(mod, "datasets", lambda quick, mnist: small if mnist == 28 else None)
    result = mod.main(["--float-start", "--mnist", "28", "--hidden", "2", "--sweeps", "1", "--out", str(tmp_path)])
    assert [r["data"] for r in result["_float"]] == ["MNIST 28x28"]
    md = (tmp_path / "networks_float_mnist28_hidden2_sweeps1.md").read_text()
    assert "`python benchmarks/networks.py --float-start --mnist 28 --hidden 2 --sweeps 1`" in md
    with pytest.raises(SystemExit):  # the ceiling's grid is MNIST 14x14's
        mod.main(["--ceiling", "--mnist", "28", "--out", str(tmp_path)])


def test_input_rows_give_the_network_each_input_from_both_starts(tmp_path, load_benchmark, monkeypatch):
    import numpy as np

    mod = load_benchmark("networks")
    Xtr, Xte = np.array([[0.0, 10.0], [2.0, -30.0], [4.0, 20.0]]), np.array([[100.0, 0.0]])
    A, B, scale = mod._network_input(Xtr, Xte, 2.0)   # standardized by the training set, then clipped
    assert scale == {"scale": False} and np.abs(A).max() <= 2.0 and B[0, 0] == 2.0
    assert mod._network_input(Xtr, Xte, "range")[2] == {"scale": "range"}
    monkeypatch.setattr(mod, "INPUTS", mod.INPUTS[2:])  # clipped at ±2 and pixel range: the test's share
    result = mod.main(["--inputs", "--quick", "--out", str(tmp_path)])
    rows = {(r["data"], r["method"]): r for r in result["_inputs"]}
    assert len(rows) == 2 * 2 * 2 and all(r["oracle_queries"] > 0 for r in rows.values())
    # each row is checked on validation splits of its training set, beside the test split
    assert all(len(r["validation"]) == len(mod.VALIDATION_SEEDS) and all(0 <= v <= 1 for v in r["validation"])
               for r in rows.values())
    assert ("digits, 10 classes", "pixel range (scale='range'), float start, 16 units, 3 sweeps") in rows
    assert rows[("circles", "standardized, clipped at ±2, ridge start, defaults")]["test"] > 0.75
    md = (tmp_path / "networks_inputs.md").read_text()
    assert "`python benchmarks/networks.py --inputs`" in md and "| circles | standardized, clipped at ±2, float" in md
    assert "| validation accuracy |" in md


def test_margin_rows_fit_each_margin_on_the_test_and_validation_splits(tmp_path, load_benchmark, monkeypatch):
    mod = load_benchmark("networks")
    monkeypatch.setattr(mod, "MARGINS", (0.5, 3.0))
    result = mod.main(["--margins", "--quick", "--out", str(tmp_path)])
    rows = {r["method"]: r for r in result["_margins"]}
    assert set(rows) == {"float MLP, 32 ReLU units (reference)", "hinge margin 0.5", "hinge margin 3 (the default)"}
    assert all(len(rows[m]["validation"]) == len(mod.VALIDATION_SEEDS) for m in ("hinge margin 0.5",
                                                                                   "hinge margin 3 (the default)"))
    # the margin reaches the network: the same start (seed) has a smaller hinge loss at the smaller margin
    assert rows["hinge margin 0.5"]["start_loss"] < rows["hinge margin 3 (the default)"]["start_loss"]
    assert all(r["test"] > 0.8 for r in rows.values())  # three digit classes are easy
    md = (tmp_path / "networks_margins.md").read_text()
    assert "`python benchmarks/networks.py --margins`" in md and "| digits, 3 classes | hinge margin 0.5 |" in md
    with pytest.raises(SystemExit):
        mod.main(["--margins", "--mnist"])
