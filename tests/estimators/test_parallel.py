"""Many fits at once through scikit-learn's joblib: worker processes give the same answers as one."""

from __future__ import annotations

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, cross_val_score

from quark import QuarkClassifier
from quark.datasets import load_edge_detection

GRID = {"model": ["perceptron", "line-detector"], "optimizer": ["grover", "exhaustive"]}


@pytest.fixture(scope="module")
def data():
    X, y = load_edge_detection(size=3, lines="any")
    rng = np.random.default_rng(0)
    keep = np.concatenate([rng.choice(np.flatnonzero(y == c), 60, replace=False) for c in (0, 1)])
    return X[keep], y[keep]


def _search(X, y, n_jobs):
    base = QuarkClassifier(random_state=0)
    return GridSearchCV(base, GRID, cv=3, n_jobs=n_jobs).fit(X, y)


def test_grid_search_with_two_worker_processes_matches_one(data):
    X, y = data
    parallel = _search(X, y, n_jobs=2)
    serial = _search(X, y, n_jobs=1)
    np.testing.assert_allclose(parallel.cv_results_["mean_test_score"], serial.cv_results_["mean_test_score"])
    assert parallel.best_params_ == serial.best_params_
    assert parallel.best_params_["model"] == "line-detector"
    assert parallel.best_estimator_.result_.ledger.model_evaluations > 0  # refit on all data, ledger kept


def test_joblib_parallel_config_chooses_the_engine(data):
    # the hook through which Dask (backend="dask") or Ray (backend="ray") take the same fits
    X, y = data
    clf = QuarkClassifier(model="line-detector", random_state=1)
    with parallel_config(backend="threading", n_jobs=2):
        threaded = cross_val_score(clf, X, y, cv=3)
    with parallel_config(backend="loky", n_jobs=2):
        processes = cross_val_score(clf, X, y, cv=3)
    sequential = cross_val_score(clf, X, y, cv=3, n_jobs=1)
    np.testing.assert_array_equal(threaded, sequential)
    np.testing.assert_array_equal(processes, sequential)
    assert sequential.mean() > 0.9  # a line detector learns "some line is full"


def test_aer_chunked_statevector_options_pass_through():
    # cache blocking (the chunking Aer's MPI builds distribute) on a counting-oracle circuit of more
    # qubits than a chunk holds (2**6 amplitudes): the measured distribution is still the closed form
    from quark.backends import get_backend
    from quark.encoding import LossLandscape
    from quark.models.line_detector import LineDetector
    from quark.testing import threshold_distribution

    X, y = load_edge_detection(size=2)
    land = LossLandscape(LineDetector(grouping="paper"), None, X, y)
    be = get_backend("aer", method="statevector",
                     aer_options={"blocking_enable": True, "blocking_qubits": 6, "max_parallel_threads": 1})
    assert be.aer_options == {"blocking_enable": True, "blocking_qubits": 6, "max_parallel_threads": 1}
    table = land.table()
    threshold = 0.1  # only the optimum (loss 0) is marked
    shots = 3000
    measured = be.sample_threshold(land, threshold, 1, shots, np.random.default_rng(0))
    samples = measured.indices
    p = float(threshold_distribution(table, threshold, 1)[table < threshold].sum())
    assert measured.metadata["circuit"]["qubits"] > 6
    assert abs(np.mean(table[samples] < threshold) - p) < 4 * np.sqrt(p * (1 - p) / shots)


def _digits_subset(n_classes=4):
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    keep = y < n_classes
    return X[keep][::3], y[keep][::3]


def test_problems_fitted_in_parallel_equal_the_serial_fit():
    X, y = _digits_subset()
    serial = QuarkClassifier(random_state=3).fit(X, y)
    parallel = QuarkClassifier(random_state=3, n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(serial.bits_, parallel.bits_)
    np.testing.assert_array_equal(serial.predict_proba(X), parallel.predict_proba(X))
    assert serial.result_.ledger.oracle_queries == parallel.result_.ledger.oracle_queries > 0


def test_a_dask_cluster_runs_the_same_fits():
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_backend

    X, y = _digits_subset(3)
    serial = QuarkClassifier(random_state=5, multi_class="ovr").fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        with parallel_backend("dask"):
            on_dask = QuarkClassifier(random_state=5, multi_class="ovr", n_jobs=-1).fit(X, y)
    np.testing.assert_array_equal(serial.bits_, on_dask.bits_)
    np.testing.assert_array_equal(serial.predict(X), on_dask.predict(X))
