"""Optimizers and backends are scikit-learn parameter objects: clone, nested set_params, grid search."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from quark import QuarkClassifier
from quark.backends.statevector import StatevectorBackend
from quark.datasets import load_edge_detection
from quark.optimizers import AnnealingSearch, ExhaustiveSearch, GroverAdaptiveSearch, QuarkSearch, RandomSearch


@pytest.mark.parametrize(
    "opt",
    [
        ExhaustiveSearch(random_state=3),
        RandomSearch(max_queries=20),
        GroverAdaptiveSearch(shots=2, backend=StatevectorBackend(dtype=np.float64)),
        QuarkSearch(copies=3, iterations=2),
        AnnealingSearch(shots=10, sample_options={"num_sweeps": 20}),
    ],
    ids=lambda o: type(o).__name__,
)
def test_clone_rebuilds_an_equal_optimizer(opt):
    twin = clone(opt)
    assert type(twin) is type(opt) and twin is not opt
    a, b = opt.get_params(deep=False), twin.get_params(deep=False)
    assert a.keys() == b.keys()
    for key in a:
        if hasattr(a[key], "get_params"):  # nested parameter objects are cloned, not shared
            assert b[key] is not a[key] and a[key].get_params() == b[key].get_params()
        else:
            assert a[key] == b[key]


def test_nested_parameters_reach_the_backend():
    opt = GroverAdaptiveSearch(backend=StatevectorBackend())
    params = opt.get_params(deep=True)
    assert params["backend__method"] == "auto" and params["backend__index_state"] == "uniform"
    opt.set_params(backend__method="statevector", shots=3)
    assert opt.backend.method == "statevector" and opt.shots == 3
    with pytest.raises(ValueError, match="invalid parameter 'shot'"):
        opt.set_params(shot=3)


def test_classifier_with_an_optimizer_instance_clones_and_reaches_nested_params():
    X, y = load_edge_detection(size=2)
    clf = QuarkClassifier(model="line-detector", optimizer=ExhaustiveSearch())
    twin = clone(clf)
    assert isinstance(twin.optimizer, ExhaustiveSearch) and twin.optimizer is not clf.optimizer
    clf.set_params(optimizer__random_state=1)
    assert clf.optimizer.random_state == 1
    assert clf.fit(X, y).score(X, y) == 1.0


def test_grid_search_over_optimizer_parameters():
    X, y = load_edge_detection(size=2, lines="any")
    base = QuarkClassifier(model="line-detector", optimizer=GroverAdaptiveSearch(), random_state=0)
    search = GridSearchCV(base, {"optimizer__shots": [1, 2], "optimizer__growth": [1.2, 1.5]}, cv=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert search.best_estimator_.optimizer.shots in (1, 2)


def test_the_classifier_seed_reaches_an_optimizer_instance_without_one():
    # four fits with the same random_state give the same result, whatever the optimizer's form
    X, y = load_edge_detection(size=3, lines="any")
    fits = [QuarkClassifier(model="line-detector", optimizer=GroverAdaptiveSearch(), random_state=7).fit(X, y)
            for _ in range(4)]
    assert len({(f.result_.ledger.oracle_queries, tuple(f.bits_)) for f in fits}) == 1
    named = QuarkClassifier(model="line-detector", random_state=7).fit(X, y)
    assert named.result_.ledger.oracle_queries == fits[0].result_.ledger.oracle_queries
    # the instance given is never changed by fit
    opt = GroverAdaptiveSearch()
    QuarkClassifier(model="line-detector", optimizer=opt, random_state=7).fit(X, y)
    assert opt.random_state is None
