"""The D-Wave QPU path, offline: embedding and unembedding on real Pegasus / Zephyr graphs.

A classical sampler restricted to the QPU's graph (``dimod.StructureComposite``) stands in for
``DWaveSampler``; everything else — minor embedding, chains, chain strength, unembedding, decoding
and verification — is the code a QPU run executes.
"""

from __future__ import annotations

import sys

import dimod
import dwave.system
import networkx as nx
import numpy as np
import pytest

from quark.backends import get_backend
from quark.backends.dwave import DWaveConfigurationError, check_dwave, dwave_sampler, structured_stand_in
from quark.datasets import load_edge_detection
from quark.encoding import LossLandscape, WeightEncoding
from quark.exceptions import MissingDependencyError
from quark.optimizers import AnnealingSearch, as_problem
from quark.encoding.compile import compile_problem


class _Recorder(dimod.Sampler):
    """Simulated annealing that keeps the last (embedded) model and raw sample set it produced."""

    def __init__(self):
        self.child = get_backend("neal")
        self.last = None

    @property
    def parameters(self):
        return self.child.parameters

    @property
    def properties(self):
        return self.child.properties

    def sample(self, bqm, **kwargs):
        ss = self.child.sample(bqm, **kwargs)
        self.last = (bqm, ss)
        return ss


@pytest.fixture(autouse=True)
def _no_dwave_config(monkeypatch, tmp_path):
    """Hide any real D-Wave configuration from these tests."""
    monkeypatch.delenv("DWAVE_API_TOKEN", raising=False)
    monkeypatch.delenv("DWAVE_CONFIG_FILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "etc"))


def _edge2():
    return LossLandscape("line-detector", None, *load_edge_detection(size=2))


def test_embedding_and_unembedding_on_pegasus():
    recorder = _Recorder()
    child = structured_stand_in("pegasus", 6, sampler=recorder)
    graph = nx.Graph(child.edgelist)
    sampler = dwave_sampler(child=child, embedding_parameters={"random_seed": 1})
    compiled = compile_problem(as_problem(_edge2()), "reduced")
    ss = sampler.sample(compiled.bqm, num_reads=30, seed=2, return_embedding=True)

    embedding = ss.info["embedding_context"]["embedding"]
    assert set(embedding) == set(compiled.bqm.variables)
    qubits = [q for chain in embedding.values() for q in chain]
    assert len(qubits) == len(set(qubits))  # chains are disjoint
    for chain in embedding.values():  # each chain is a connected set of real qubits
        assert set(chain) <= set(graph.nodes) and nx.is_connected(graph.subgraph(chain))
    for u, v in compiled.bqm.quadratic:  # every logical coupler has a physical one between chains
        assert any(graph.has_edge(a, b) for a in embedding[u] for b in embedding[v])

    # Unembedding = majority vote over each chain of the raw qubit samples, read by read.
    raw_bqm, raw = recorder.last
    assert set(raw_bqm.variables) <= set(graph.nodes)
    raw_arr = raw.record.sample
    col = {q: i for i, q in enumerate(raw.variables)}
    assert len(raw_arr) == len(ss) == 30
    checked = 0
    for row, logical in zip(raw_arr, ss.record.sample):
        for v, chain in embedding.items():
            votes = row[[col[q] for q in chain]]
            lo = logical[list(ss.variables).index(v)]
            if votes.mean() != 0.5:  # ties are broken at random
                assert lo == int(votes.mean() > 0.5)
                checked += 1
    assert checked > 30 * len(embedding) // 2
    # energies of unembedded samples are those of the logical model
    assert np.allclose(ss.record.energy, compiled.bqm.energies(ss))


def test_annealing_search_through_the_qpu_path_finds_the_optimum():
    land = _edge2()
    sampler = dwave_sampler(child=structured_stand_in("pegasus", 6))
    res = AnnealingSearch(sampler, shots=50, random_state=0, sample_options={"return_embedding": True}).minimize(land)
    assert res.loss == pytest.approx(land.table().min())
    assert res.loss == pytest.approx(land.evaluate(res.bits))
    assert 0.0 <= res.info["chain_break_fraction"] <= 1.0
    assert res.info["embedding_context"]["embedding"]
    assert "random_seed" in res.info["sample_kwargs"]["embedding_parameters"]
    assert res.ledger.annealer_reads >= 50 and res.ledger.annealer_sweeps == res.ledger.annealer_reads * 1000
    again = AnnealingSearch(sampler, shots=50, random_state=0).minimize(land)
    assert np.array_equal(res.info["read_losses"], again.info["read_losses"])


def test_qubo_on_zephyr():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(20, 2)), rng.integers(0, 2, 20)
    land = LossLandscape("fixed-point-linear", WeightEncoding.fixed_point(3, bits=2), X, y, loss="squared")
    sampler = dwave_sampler(child=structured_stand_in("zephyr", 3))
    res = AnnealingSearch(sampler, shots=30, random_state=1).minimize(land)
    assert res.info["encoding"] == "qubo"
    assert res.loss == pytest.approx(land.table().min())


def test_without_a_token_the_error_says_what_to_set():
    assert "DWAVE_API_TOKEN" in check_dwave()
    with pytest.raises(DWaveConfigurationError, match="DWAVE_API_TOKEN.*dwave config create"):
        get_backend("dwave")
    with pytest.raises(DWaveConfigurationError):
        AnnealingSearch("dwave").minimize(np.arange(4.0))


def test_with_a_token_dwave_sampler_is_built_from_the_standard_configuration(monkeypatch):
    monkeypatch.setenv("DWAVE_API_TOKEN", "not-a-real-token")
    assert check_dwave() == ""
    made = {}

    def fake_dwave_sampler(**config):  # the network call is all that is replaced
        made.update(config)
        return structured_stand_in("pegasus", 6)

    monkeypatch.setattr(dwave.system, "DWaveSampler", fake_dwave_sampler)
    sampler = get_backend("dwave", solver="Advantage_system4.1")
    assert isinstance(sampler, dwave.system.EmbeddingComposite)
    assert made == {"solver": "Advantage_system4.1"}
    res = AnnealingSearch(sampler, shots=20, random_state=0).minimize(_edge2())
    assert res.loss == pytest.approx(_edge2().table().min())


def test_without_the_extra_the_error_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "dwave.system", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'quark-qml\[dwave\]'"):
        get_backend("dwave")
    assert "dwave-system" in check_dwave()


def test_bad_children_and_options():
    with pytest.raises(TypeError, match="structured dimod sampler"):
        dwave_sampler(child=get_backend("neal"))
    with pytest.raises(TypeError, match="do not apply"):
        dwave_sampler(child=structured_stand_in("pegasus", 2), solver="x")
    with pytest.raises(ValueError, match="'topology'"):
        structured_stand_in("chimera")


# -- credentials: the token reaches DWaveSampler wherever it is given, and never prints ------------------
_TOKEN = "DEV-0123456789abcdef"


@pytest.fixture
def fake_qpu(monkeypatch):
    """``DWaveSampler`` replaced by a stand-in that records the configuration it was built with."""
    monkeypatch.delenv("DWAVE_API_TOKEN", raising=False)
    monkeypatch.setenv("DWAVE_CONFIG_FILE", "/nonexistent/dwave.conf")
    made = []

    def fake_dwave_sampler(**config):
        made.append(config)
        return structured_stand_in("pegasus", 6)

    monkeypatch.setattr(dwave.system, "DWaveSampler", fake_dwave_sampler)
    return made


def test_annealing_token_reaches_the_sampler_and_never_prints(fake_qpu, recwarn):
    import json
    import pickle

    opt = AnnealingSearch(backend="dwave", backend_options={"token": _TOKEN}, shots=20, random_state=0)
    res = opt.minimize(_edge2())
    assert [c["token"] for c in fake_qpu] == [_TOKEN]
    assert type(fake_qpu[0]["token"]) is str  # the plain value, not the masked wrapper
    assert res.loss == pytest.approx(_edge2().table().min())
    shown = [repr(opt), str(opt.get_params()), json.dumps(opt.get_params(deep=False), default=str),
             repr(res.info), *(str(w.message) for w in recwarn)]
    assert not any(_TOKEN in text for text in shown)
    assert _TOKEN.encode() not in pickle.dumps(opt)


def test_a_token_in_sample_options_goes_to_the_backend_not_to_sample(fake_qpu):
    opt = AnnealingSearch(backend="dwave", sample_options={"token": _TOKEN}, shots=10, random_state=0)
    opt.minimize(_edge2())
    assert fake_qpu[0]["token"] == _TOKEN
    assert _TOKEN not in str(opt.get_params())


def test_classifier_optimizer_options_token_reaches_the_sampler(fake_qpu):
    from quark import QuarkClassifier

    X, y = load_edge_detection(size=2)
    clf = QuarkClassifier(model="line-detector", optimizer="anneal", backend="dwave", shots=10, random_state=0,
                          optimizer_options={"token": _TOKEN}).fit(X, y)
    assert fake_qpu and all(c["token"] == _TOKEN for c in fake_qpu)
    assert clf.score(X, y) == 1.0


def test_a_loaded_optimizer_asks_for_its_token_again(fake_qpu):
    import pickle

    from quark.exceptions import MissingCredentialError

    loaded = pickle.loads(pickle.dumps(AnnealingSearch(backend="dwave", backend_options={"token": _TOKEN}, shots=10)))
    with pytest.raises(MissingCredentialError, match="'token' was not saved.*give it again"):
        loaded.minimize(_edge2())
    assert not fake_qpu
    loaded.set_params(backend_options={"token": _TOKEN})
    loaded.minimize(_edge2())
    assert fake_qpu[0]["token"] == _TOKEN


def test_options_for_a_sampler_instance_are_refused():
    with pytest.raises(TypeError, match="apply only when 'backend' is given by name"):
        AnnealingSearch(backend=get_backend("neal"), backend_options={"token": _TOKEN}).minimize(np.arange(4.0))


def test_a_token_given_to_the_search_itself_says_where_it_goes():
    with pytest.raises(TypeError, match=r"'token' \(a credential: give it to the backend, backend_options=\{'token': \.\.\.\}\)") as caught:
        AnnealingSearch(backend="dwave", token=_TOKEN)
    assert _TOKEN not in str(caught.value)
