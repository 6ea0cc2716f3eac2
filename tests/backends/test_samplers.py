"""dimod samplers by name: the registry, the exact solver's guard, sweeps, seeds."""

from __future__ import annotations

import unittest

import dimod
import numpy as np
import pytest
from dimod.testing import assert_sampleset_energies
from dwave.samplers import (
    PathIntegralAnnealingSampler,
    SimulatedAnnealingSampler,
    SteepestDescentSolver,
    TabuSampler,
)

from quark.backends import available_backends, get_backend
from quark.backends.samplers import ExactSampler, sampler_num_sweeps
from quark.encoding import LossLandscape, WeightEncoding
from quark.exceptions import ProblemTooLargeError
from quark.optimizers import AnnealingSearch, ExhaustiveSearch

SAMPLERS = {
    "neal": SimulatedAnnealingSampler,
    "sqa": PathIntegralAnnealingSampler,
    "tabu": TabuSampler,
    "steepest-descent": SteepestDescentSolver,
    "exact": ExactSampler,
}


def _qubo_landscape():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(25, 2)), rng.integers(0, 2, 25)
    return LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(3, bits=3), X, y, loss="squared")


@pytest.mark.parametrize("name, cls", sorted(SAMPLERS.items()))
def test_names_give_dimod_samplers(name, cls):
    s = get_backend(name)
    assert isinstance(s, cls) and isinstance(s, dimod.Sampler)


def test_available_backends_lists_every_sampler_with_a_reason():
    info = {b.name: b for b in available_backends()}
    for name in [*SAMPLERS, "dwave"]:
        assert info[name].kind == "sampler"
        assert info[name].usable == (info[name].reason == "")
    for name in SAMPLERS:
        assert info[name].usable


@pytest.mark.parametrize("name", ["neal", "sqa", "tabu", "steepest-descent", "exact"])
def test_each_sampler_solves_a_small_qubo_through_annealing_search(name):
    land = _qubo_landscape()
    kwargs = {"timeout": 5} if name == "tabu" else {}
    res = AnnealingSearch(name, shots=20, random_state=0, sample_options=kwargs).minimize(land)
    assert res.loss == pytest.approx(ExhaustiveSearch().minimize(land).loss)
    assert res.info["sampler"] == name


def test_exact_refuses_past_its_size_with_size_and_memory():
    bqm = dimod.BinaryQuadraticModel({i: 1.0 for i in range(25)}, {}, 0.0, "BINARY")
    with pytest.raises(ProblemTooLargeError, match=r"2\*\*25 states.*GiB.*max_variables=20"):
        get_backend("exact").sample(bqm)
    with pytest.raises(ProblemTooLargeError, match="max_variables=4"):
        get_backend("exact", max_variables=4).sample_poly(dimod.BinaryPolynomial({(0, 1, 2, 3, 4): 1.0}, "BINARY"))
    with pytest.raises(ValueError, match="'max_variables' must be a positive integer"):
        get_backend("exact", max_variables=0)


def test_exact_sampler_energies_and_every_state_counted():
    bqm = dimod.generators.gnp_random_bqm(6, 0.5, "BINARY", random_state=0)
    ss = get_backend("exact").sample(bqm)
    assert len(ss) == 64
    assert_sampleset_energies(ss, bqm)
    table = np.random.default_rng(0).random(16)
    res = AnnealingSearch("exact").minimize(table)
    assert res.info["encoding"] == "hubo" and res.index == int(np.argmin(table))
    assert res.ledger.annealer_reads == 16 and res.ledger.annealer_sweeps == 0


def test_sweeps_follow_arguments_and_defaults_through_composites():
    sa = get_backend("neal")
    assert sampler_num_sweeps(sa, {}) == 1000
    assert sampler_num_sweeps(sa, {"num_sweeps": 7}) == 7
    sched = {"beta_schedule_type": "custom", "beta_schedule": [0.1, 1.0, 5.0], "num_sweeps_per_beta": 4}
    assert sampler_num_sweeps(sa, sched) == 12
    wrapped = dimod.StructureComposite(sa, [0, 1], [(0, 1)])
    assert sampler_num_sweeps(wrapped, {"num_sweeps": 9}) == 9
    assert sampler_num_sweeps(get_backend("sqa"), {}) == 1000
    assert sampler_num_sweeps(get_backend("tabu"), {}) is None


def test_sampler_seeds_are_drawn_from_random_state():
    land = _qubo_landscape()
    for name, kwargs in [("neal", {"num_sweeps": 5}), ("sqa", {"num_sweeps": 5}), ("steepest-descent", {})]:
        a = AnnealingSearch(name, shots=10, random_state=3, sample_options=kwargs).minimize(land)
        b = AnnealingSearch(name, shots=10, random_state=3, sample_options=kwargs).minimize(land)
        assert a.info["sample_kwargs"]["seed"] == b.info["sample_kwargs"]["seed"]
        assert np.array_equal(a.info["read_losses"], b.info["read_losses"])


def test_factories_reject_construction_options():
    with pytest.raises(TypeError, match="num_sweeps"):
        get_backend("neal", num_sweeps=10)


def test_unknown_backend_name():
    with pytest.raises(ValueError, match="unknown backend 'anneal-o-matic'"):
        get_backend("anneal-o-matic")


def test_exact_sampler_passes_dimods_sampler_api_checks():
    from dimod.testing import assert_sampler_api

    assert_sampler_api(ExactSampler())


# dimod's conformance kit: the built-in samplers' BQM tests, run on the exact sampler.
@dimod.testing.load_sampler_bqm_tests(ExactSampler, max_num_variables=8)
class TestExactSamplerConformance(unittest.TestCase):
    pass
