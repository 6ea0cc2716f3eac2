"""quark.plot: figures built from results and fitted classifiers (Agg, no pyplot state)."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from quark import QuarkClassifier
from quark.datasets import load_edge_detection
from quark.optimizers import CostLedger, ExhaustiveSearch, SearchResult
from quark.plot import (
    measured_counts,
    plot_convergence,
    plot_measurements_vs_accuracy,
    plot_summary,
    plot_weight_distribution,
    plot_weights_as_images,
    weight_images,
)


@pytest.fixture(scope="module")
def edges():
    X, y = load_edge_detection(lines="rows")
    clf = QuarkClassifier(model="line-detector", optimizer="exhaustive").fit(X, y)
    return X, y, clf


def _measured_result(n_qubits, counts, **info):
    led = CostLedger()
    led.update(oracle_queries=5, shots=int(sum(counts.values())))
    led.record(0.5)
    led.update(oracle_queries=7)
    led.record(0.0)
    return SearchResult(bits=np.zeros(n_qubits, np.uint8), loss=0.0, ledger=led, history=led.history,
                        info={"counts": counts, **info})


def test_measured_counts_reads_dicts_bitstrings_and_arrays():
    r = _measured_result(3, {0: 2, 5: 3})
    assert measured_counts(r).tolist() == [2, 0, 0, 0, 0, 3, 0, 0]
    r.info = {"counts": {"101": 4}}  # qiskit-style bit-string keys
    assert measured_counts(r)[5] == 4
    r.info = {"empirical_distribution": np.full(8, 0.125)}
    assert measured_counts(r).sum() == pytest.approx(1.0)
    r.info = {}
    with pytest.raises(ValueError, match="no measured distribution"):
        measured_counts(r)


def test_weight_distribution_places_each_setting_at_its_accuracy(edges):
    X, y, clf = edges
    land = clf.landscape(X, y)
    best = clf.result_.index  # rows only: accuracy 1.0
    r = _measured_result(8, {best: 30, 0: 10}, copies=4)
    fig = plot_weight_distribution(r, land)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    others, optimal = ax.collections[:2]
    star = optimal.get_offsets()
    assert star.shape == (1, 2) and tuple(star[0]) == (1.0, 0.75)  # accuracy 1, 30 of 40 shots
    pts = others.get_offsets()
    assert len(pts) == 255 and pts[:, 0].max() < 1.0
    assert "copies=4" in ax.get_title() and "40 shots" in ax.get_ylabel()


def test_convergence_steps_through_the_history(edges):
    _, _, clf = edges
    r = _measured_result(8, {0: 1})
    fig = plot_convergence({"grover": r, "exhaustive": clf}, optimum=0.0)
    ax = fig.axes[0]
    xs, ys = ax.lines[0].get_data()
    assert list(xs) == [5, 12, 12] and list(ys) == [0.5, 0.0, 0.0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "grover" in labels and "exhaustive (no oracle queries)" in labels and "optimum" in labels
    with pytest.raises(ValueError, match="ledger field"):
        plot_convergence({"grover": r}, x="not_a_field")
    with pytest.raises(TypeError, match="mapping"):
        plot_convergence([r])


def test_weight_images_of_each_model():
    from quark.models import BinaryPerceptron, LineDetector, SignMLP, SpinPerceptron

    img, cap = weight_images(BinaryPerceptron(), [1, 0, 0, 0, 1, 0, 0, 0, 1, 1], 9)[0]
    assert img.tolist() == np.eye(3).tolist() and cap == "a lit selected pixel means 0, none lit 1"
    _, cap = weight_images(BinaryPerceptron(), [1, 0, 0, 0, 1, 0, 0, 0, 1, 0], 9)[0]
    assert cap == "a lit selected pixel means 1, none lit 0"
    img, cap = weight_images(LineDetector(grouping="paper"), [0, 1, 0], 9)[0]
    assert img.tolist() == [[1, 1, 1]] * 3 and cap == "lines: col0, col1, col2"
    img, cap = weight_images(LineDetector(), [0] * 6 + [1, 1], 9)[0]
    assert img[1, 1] == 2 and img[0, 1] == 0  # both diagonals cross the centre
    (a, _), (b, cap) = weight_images(SignMLP(hidden=2), [1] * 9 + [-1] * 9 + [1, -1], 9)
    assert a.min() == 1 and b.max() == -1 and cap == "hidden 1, out weight -1"
    img, cap = weight_images(SpinPerceptron(), [1, -1, -1, 1, -1], 4)[0]
    assert img.tolist() == [[1, -1], [-1, 1]] and cap == "red votes 1, blue 0, bias -1.00"
    with pytest.raises(ValueError, match="square"):
        weight_images(SpinPerceptron(), [1, -1, 1, -1], 3)


def test_weights_as_images_draws_one_panel_per_image(edges):
    _, _, clf = edges
    fig = plot_weights_as_images({"rows": clf, "mlp": ("sign-mlp", np.ones(30))}, n_features=9)
    assert len(fig.axes) == 4  # a line detector + a 3-unit MLP
    assert len(fig.axes[0].lines) == 3 + 4  # three row strokes over the grid lines
    assert fig.axes[0].get_title().startswith("rows\nlines: row0, row1, row2")
    with pytest.raises(ValueError, match="n_features"):
        plot_weights_as_images({"mlp": ("sign-mlp", np.ones(30))})


def test_measurements_vs_accuracy_reads_shots_from_results(edges):
    r = _measured_result(8, {0: 64})
    fig = plot_measurements_vs_accuracy({"quark": [(r, 0.9), (200, 1.0)], "sgd": [(1000, 0.95)]})
    ax = fig.axes[0]
    assert list(ax.lines[0].get_xdata()) == [64, 200] and ax.get_xscale() == "log"


def test_summary_saves_a_png(edges, tmp_path):
    X, y, clf = edges
    path = tmp_path / "summary.png"
    plot_summary(clf, X, y, title="rows").savefig(path)
    assert path.read_bytes()[:4] == b"\x89PNG"
