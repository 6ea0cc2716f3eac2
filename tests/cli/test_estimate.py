"""``quark estimate`` and the estimate in ``quark info``."""

from __future__ import annotations

import json

import pytest

from quark.cli import main

pytest.importorskip("qiskit_aer")


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    path = tmp_path_factory.mktemp("models") / "edge.joblib"
    assert main(["fit", "--dataset", "edge-detection", "--seed", "0", "--save", str(path)]) == 0
    return path


def test_estimate_prints_per_query_and_totals(capsys, saved_model):
    capsys.readouterr()
    assert main(["estimate", "--model", str(saved_model), "--target", "aer"]) == 0
    out = capsys.readouterr().out
    assert "resources on aer" in out and "per oracle query" in out and "assumptions" in out
    assert main(["estimate", "--model", str(saved_model), "--json"]) == 0
    est = json.loads(capsys.readouterr().out)
    assert est["oracle_queries"] > 0 and est["oracles"] == {"counting": est["oracle_queries"]}
    assert est["total_two_qubit_gates"] == pytest.approx(est["two_qubit_gates"] * est["oracle_queries"])


def test_info_shows_the_estimate(capsys, saved_model):
    capsys.readouterr()
    assert main(["info", str(saved_model)]) == 0
    out = capsys.readouterr().out
    assert "ledger" in out and "resources on aer" in out and "two-qubit gates" in out
    assert main(["info", str(saved_model), "--target", "none"]) == 0
    assert "resources" not in capsys.readouterr().out


def test_estimate_errors(capsys, saved_model, tmp_path):
    capsys.readouterr()
    assert main(["estimate", "--model", str(saved_model), "--target", "warp-drive"]) == 1
    assert "quark estimate: error: unknown target 'warp-drive'" in capsys.readouterr().err
    path = tmp_path / "exhaustive.joblib"
    assert main(["fit", "--dataset", "edge-detection", "--optimizer", "exhaustive", "--save", str(path)]) == 0
    capsys.readouterr()
    assert main(["estimate", "--model", str(path)]) == 1
    assert "no oracle queries" in capsys.readouterr().err
    assert main(["info", str(path)]) == 0
    assert "resources   none: the search made no oracle queries" in capsys.readouterr().out
