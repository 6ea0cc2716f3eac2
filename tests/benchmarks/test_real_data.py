"""docs/figures/real_data.md and docs/real_data.md cannot drift from what the code measures.

- the committed table (``real_data.md``) is the rendering of the committed run (``real_data.json``);
- every accuracy and count that docs/real_data.md quotes is in that table or a speed run's table;
- a quick run of the benchmark (digit pairs and breast cancer, three ablations; ~2 min on 2 cores)
  reproduces the committed run's deterministic numbers: test accuracies, training losses, block
  steps and every ledger count of Quark's fits. A change that moves them must rerun the benchmark.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ROOT / "docs" / "figures"
_COUNTS = ("block_steps", "oracle_queries", "shots", "model_evaluations", "compile_evaluations")


def _committed() -> dict:
    return json.loads((FIGURES / "real_data.json").read_text())


def test_the_committed_table_renders_the_committed_run(load_benchmark):
    mod = load_benchmark("real_data")
    assert mod.report(_committed()) == (FIGURES / "real_data.md").read_text()


def test_every_number_the_page_quotes_is_in_the_table():
    page = (ROOT / "docs" / "real_data.md").read_text()
    # the main run's table, and the speed runs' (docs/figures/speed*/)
    table = "\n".join(f.read_text() for f in [FIGURES / "real_data.md", *sorted(FIGURES.glob("speed*/*.md"))])
    flat = table.replace(",", "")
    accuracies = {n for n in re.findall(r"(?<![\d.])0\.\d{4}(?!\d)", page) if float(n) >= 0.5}  # not differences
    assert accuracies and sorted(n for n in accuracies if n not in table) == []
    counts = set(re.findall(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])", page))
    assert counts and sorted(c for c in counts if c.replace(",", "") not in flat) == []


def test_a_quick_run_reproduces_the_committed_numbers(tmp_path, load_benchmark):
    mod = load_benchmark("real_data")
    fresh = mod.main(["--quick", "--out", str(tmp_path)])
    committed = _committed()
    stored = {(r["data"], r["method"]): r for r in committed["main"]}
    quark = [r for r in fresh["main"] if r["method"] == "Quark (defaults)"]
    assert len(quark) == 9  # the eight digit pairs and breast cancer
    for r in quark:
        old = stored[(r["data"], r["method"])]
        assert old["test_accuracy"] == pytest.approx(r["test_accuracy"]), r["data"]
        assert {k: old[k] for k in _COUNTS} == {k: r[k] for k in _COUNTS}, f"{r['data']}: committed counts are stale"
    stored = {(r["data"], r["variant"]): r for r in committed["ablations"]}
    for r in fresh["ablations"]:
        old = stored.get((r["data"], r["variant"]))
        assert old is not None, f"docs/figures/real_data.json lacks {r['variant']} on {r['data']}: rerun the benchmark"
        for key in ("test_accuracy", "train_loss", "rounded_start_accuracy"):
            if key not in r:
                assert key not in old, (r["variant"], r["data"], key)
                continue
            assert old[key] == pytest.approx(r[key], rel=1e-9), (r["variant"], r["data"], key)
        assert old["block_steps"] == r["block_steps"], (r["variant"], r["data"])
    # the scikit-learn baselines are deterministic too
    for r in fresh["main"]:
        if r["method"] in ("LogisticRegression", "Perceptron", "LinearSVC"):
            assert committed_accuracy(committed, r) == pytest.approx(r["test_accuracy"]), (r["data"], r["method"])


def committed_accuracy(committed: dict, row: dict) -> float:
    return next(r["test_accuracy"] for r in committed["main"] if (r["data"], r["method"]) == (row["data"], row["method"]))
