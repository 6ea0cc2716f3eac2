"""Optimizers by name: a lazy registry (nothing imported to list names), read-only views, clear refusals."""

import pytest

from quark.optimizers import OPTIMIZERS, ExhaustiveSearch, get_optimizer, optimizer_names, register_optimizer
from quark.optimizers.registry import OPTIMIZER_REGISTRY, is_optimizer


def test_every_built_in_name_resolves_to_its_class():
    assert set(optimizer_names()) >= {"grover", "quark", "anneal", "exhaustive", "random", "block"}
    for name in optimizer_names():
        assert OPTIMIZERS[name].name == name


def test_the_view_is_read_only():
    with pytest.raises(TypeError):
        OPTIMIZERS["mine"] = ExhaustiveSearch


def test_register_optimizer_adds_a_name_the_classifier_accepts(monkeypatch):
    import numpy as np

    from quark import QuarkClassifier

    monkeypatch.setattr(OPTIMIZER_REGISTRY, "_entries", dict(OPTIMIZER_REGISTRY._entries))
    register_optimizer("brute", "quark.optimizers.exhaustive:ExhaustiveSearch")
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]] * 2)
    y = np.array([0, 1, 1, 1] * 2)
    clf = QuarkClassifier(model="perceptron", optimizer="brute").fit(X, y)
    assert isinstance(clf.result_, type(ExhaustiveSearch().minimize(np.arange(4.0)))) and clf.score(X, y) == 1.0


def test_unknown_names_and_parameters_are_refused_with_the_nearest_name():
    with pytest.raises(ValueError, match="unknown optimizer 'grovr'; expected one of"):
        get_optimizer("grovr")
    with pytest.raises(TypeError, match=r"'max_querys' \(did you mean 'max_queries'\?\)"):
        get_optimizer("random", max_querys=3)
    with pytest.raises(TypeError, match="use set_params on an instance"):
        get_optimizer(ExhaustiveSearch(), random_state=0)


def test_is_optimizer_reads_the_class_hierarchy():
    assert is_optimizer(ExhaustiveSearch()) and not is_optimizer(ExhaustiveSearch) and not is_optimizer("grover")
