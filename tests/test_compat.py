"""Old import paths and parameter names keep working, and say where things went."""

import warnings

import numpy as np
import pytest


def test_compilation_names_still_import_from_annealing():
    from quark.encoding.compile import compile_problem as new
    from quark.optimizers.annealing import compile_problem, quadratic_surrogate, reduce_polynomial  # noqa: F401

    assert compile_problem is new


@pytest.mark.parametrize(
    "make, attr, value",
    [
        (lambda: __import__("quark.optimizers", fromlist=["AnnealingSearch"]).AnnealingSearch(num_reads=7), "shots", 7),
        (lambda: __import__("quark.optimizers", fromlist=["AnnealingSearch"]).AnnealingSearch(sampler="exact"), "backend", "exact"),
        (lambda: __import__("quark.optimizers", fromlist=["RandomSearch"]).RandomSearch(max_evaluations=9), "max_queries", 9),
        (lambda: __import__("quark.backends.statevector", fromlist=["S"]).StatevectorBackend(pad_data=True), "index_state", "padded"),
    ],
)
def test_old_parameter_names_map_to_the_new_ones(make, attr, value):
    with pytest.warns(DeprecationWarning):
        obj = make()
    assert getattr(obj, attr) == value


def test_aer_old_names():
    from quark.backends.aer import AerBackend

    with pytest.warns(DeprecationWarning, match="max_memory"):
        be = AerBackend(max_memory_bytes=1e9, method="automatic", max_parallel_threads=1)
    assert be.max_memory == 1e9 and be.aer_options == {"max_parallel_threads": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        samples = be.sample_threshold(np.array([1.0, 0.0]), 0.5, 0, 4, np.random.default_rng(0))
    assert np.asarray(samples).shape == (4,)
