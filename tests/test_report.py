import numpy as np

from quark import QuarkClassifier
from quark.datasets import load_edge_detection
from quark.report import COLUMNS, compare_searches, markdown_table, success_over_seeds


def test_compare_searches_fits_each_and_reports_its_ledger():
    X, y = load_edge_detection(size=2)
    searches = {
        "grover": QuarkClassifier(model="line-detector", random_state=0),
        "exhaustive": QuarkClassifier(model="line-detector", optimizer="exhaustive"),
    }
    rows = compare_searches(searches, X, y, X[:5], y[:5])
    assert [r[0] for r in rows] == ["grover", "exhaustive"] and all(len(r) == len(COLUMNS) for r in rows)
    g = searches["grover"].result_.ledger
    assert rows[0][3] == f"{g.oracle_queries:,}" and rows[0][4] == f"{g.shots:,}"
    assert rows[1][3] == "0" and rows[1][5] == f"{16 * 2**6:,}"  # exhaustive: 2^6 settings x 16 images
    table = markdown_table(rows).splitlines()
    assert len(table) == 4 and table[0].startswith("| optimizer") and set(table[1]) <= {"|", "-", ":"}


def test_success_over_seeds_counts_hits():
    X, y = load_edge_detection(size=2)
    best = QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(X, y).score(X, y)
    r = success_over_seeds(QuarkClassifier(model="line-detector"), X, y, best, trials=5)
    assert r["trials"] == 5 and 0 <= r["hits"] <= 5 and r["hits"] >= 4
    assert r["oracle_queries"] >= r["queries_at_best"] >= 0 and r["shots"] >= 1
    assert np.isfinite(list(r.values())).all()
