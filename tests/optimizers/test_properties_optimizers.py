"""Hostile-input properties of the optimizers (issue 13, "no silent wrong answers").

(a) Every parameter of every optimizer — discovered through ``get_params``, so a new parameter must be
    described here — refuses values outside its range with a ``ValueError``/``TypeError`` that names it.
(b) Every accepted problem gives a result whose reported loss is the problem's own loss of the returned
    bits; a fixed seed gives the same result twice; exhaustive search returns the table's minimum.
(c) Advice in errors is spelled the way the user sets the option, and ``AnnealingSearch(max_terms=...)``
    takes effect.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import dimod
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from quark import QuarkClassifier
from quark.datasets import load_edge_detection
from quark.encoding import LossLandscape
from quark.encoding.compiled_model import ENCODINGS
from quark.encoding.problem import as_problem
from quark.exceptions import ProblemTooLargeError
from quark.optimizers import OPTIMIZERS, AnnealingSearch, BlockSearch, SearchWarning, get_optimizer
from quark.optimizers.block import DECOMPOSERS, INNER_STARTS, ORDERS

_TABLE = np.array([3.0, 1.0, 4.0, 1.5, 5.0, 9.0, 2.0, 6.0])


def _landscape(model: str = "perceptron") -> LossLandscape:
    X, y = load_edge_detection(size=2)
    return LossLandscape(model, None, X, y)


_LAND = _landscape()

# -- (a) every parameter refuses what it must, by name -------------------------------------------------
def _specs(H) -> dict[str, dict[str, st.SearchStrategy]]:
    """For each optimizer and parameter, the values it must refuse (``H``: tests/conftest.py's Hostile)."""
    pos, pos_or_none = H.bad_int(), H.bad_int(none_ok=True)
    common = {"random_state": st.one_of(st.integers(max_value=-1), st.floats(), st.text(max_size=3), st.booleans()),
              "verbose": H.bad_bool(),
              "callback": st.one_of(st.integers(), st.text(max_size=3), st.floats())}
    # None is a start of its own (the caller's, or random/zeros alone): not refused
    bad_init = st.one_of(st.text(min_size=1, max_size=5).filter(lambda s: s not in ("random", "zeros")),
                         st.lists(st.integers(0, 1), max_size=2), st.lists(st.integers(2, 5), min_size=3, max_size=3),
                         st.just([[0, 1, 0], [1, 1, 1]]), st.integers())
    return {
        "exhaustive": {**common},
        "none": {**common, "init": bad_init},
        "random": {**common, "max_queries": pos_or_none, "target_loss": H.bad_number(none_ok=True, inf_ok=True)},
        "anneal": {**common, "backend": st.one_of(H.bad_choice(["neal", "sqa", "exact", "tabu", "steepest-descent",
                                                                  "dwave"]).filter(lambda v: not isinstance(v, list)),
                                                   st.just(object())),
                   "shots": pos_or_none, "encoding": H.bad_choice(ENCODINGS),
                   "penalty": st.one_of(st.floats(max_value=0.0), st.just(float("nan")), st.just(float("inf")),
                                        st.text(max_size=4).filter(lambda s: s != "bound"), st.booleans()),
                   "polish": H.bad_bool(), "n_verify": pos_or_none, "n_polish": pos, "max_terms": pos,
                   "sample_options": H.bad_mapping(), "backend_options": H.bad_mapping()},
        "grover": {**common, "backend": st.one_of(st.text(min_size=1, max_size=6).filter(
                       lambda s: s not in ("aer", "ibm", "neal", "sqa", "exact", "tabu", "dwave")), st.integers(),
                       st.just(object())),
                   "max_queries": pos_or_none, "growth": H.bad_number(above=1.0), "patience": pos_or_none,
                   "confidence": st.one_of(H.bad_number(above=0.0, none_ok=True),
                                           st.floats(min_value=1.0, allow_nan=False, allow_infinity=False)),
                   "target_loss": H.bad_number(none_ok=True, inf_ok=True), "shots": pos,
                   "budget_factor": H.bad_number(above=0.0), "restart": H.bad_bool(),
                   "backend_options": H.bad_mapping(),
                   # a warm start: a setting index in [0, 2**n) or one bit string of n bits
                   "init": st.one_of(st.text(min_size=1, max_size=5), st.lists(st.integers(0, 1), max_size=2),
                                     st.lists(st.integers(2, 5), min_size=3, max_size=3),
                                     st.integers(max_value=-1), st.integers(min_value=2**20))},
        "quark": {**common, "backend": st.one_of(st.text(min_size=1, max_size=6).filter(
                      lambda s: s not in ("aer", "ibm", "neal", "sqa", "exact", "tabu", "dwave")), st.integers(),
                      st.just(object())),
                  "iterations": H.bad_int(minimum=0, none_ok=True), "shots": pos, "copies": pos,
                  "estimation_shots": pos, "backend_options": H.bad_mapping()},
        "block": {**common, "inner": H.bad_choice(["grover", "quark", "anneal", "exhaustive", "random"]),
                  "block_size": H.bad_int(maximum=30), "max_sweeps": pos, "order": H.bad_choice(ORDERS),
                  "init": bad_init,
                  "restarts": H.bad_int(minimum=0), "inner_options": H.bad_mapping(),
                  "decomposer": H.bad_choice(DECOMPOSERS),
                  "inner_start": H.bad_choice(INNER_STARTS), "skip_unchanged": H.bad_bool()},
    }


def _problem_for(name: str):
    return _LAND if name == "quark" else _TABLE


def test_every_parameter_of_every_optimizer_is_described(hostile):
    specs = _specs(hostile)
    for name, cls in OPTIMIZERS.items():
        assert set(cls().get_params(deep=False)) == set(specs[name]), f"describe the parameters of {name!r} here"


_PARAMS = [(name, param) for name, cls in sorted(OPTIMIZERS.items()) for param in cls().get_params(deep=False)]


@pytest.mark.parametrize("name, param", _PARAMS, ids=[f"{n}-{p}" for n, p in _PARAMS])
@settings(max_examples=8)
@given(data=st.data())
def test_a_refused_parameter_value_is_named(hostile, name, param, data):
    value = data.draw(_specs(hostile)[name][param], label=param)
    inner = {"inner": "exhaustive"} if name == "block" and param != "inner" else {}

    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            get_optimizer(name, **inner, **{param: value}).minimize(_problem_for(name))

    hostile.named_error(call, param)


@pytest.mark.parametrize("name, options, named", [
    ("anneal", {"sample_options": {"num_sweep": 10}}, "num_sweep"),
    ("grover", {"backend_options": {"methd": "x"}}, "methd"),
    ("quark", {"backend_options": {"methd": "x"}}, "methd"),
    ("block", {"inner": "exhaustive", "inner_options": {"shots": 3}}, "shots"),
])
def test_an_unknown_option_is_named(hostile, name, options, named):
    hostile.named_error(lambda: get_optimizer(name, **options).minimize(_problem_for(name)), named)


@pytest.mark.parametrize("name, param", [("grover", "shots"), ("quark", "shots"), ("quark", "copies"),
                                         ("anneal", "shots")])
def test_an_impossible_number_of_shots_is_refused_by_the_memory_guard(hostile, name, param):
    exc = hostile.named_error(lambda: get_optimizer(name, **{param: 10**30}).minimize(_problem_for(name)), param)
    assert isinstance(exc, ProblemTooLargeError) and "GiB" in str(exc)


def test_random_search_budget_is_capped_where_exhaustive_search_is_cheaper():
    with pytest.warns(UserWarning, match="capped at 32"):
        res = get_optimizer("random", max_queries=10**30, random_state=0).minimize(_TABLE)
    assert res.ledger.model_evaluations == 32


# -- (b) every accepted problem: the reported loss is the problem's own --------------------------------
def _tables(max_qubits: int = 8):
    """Random loss tables of 1..max_qubits qubits: real values, integer ties, exact zeros, huge spreads."""
    values = st.one_of(st.floats(-1e6, 1e6, allow_nan=False, allow_subnormal=False), st.integers(-3, 3))
    return st.integers(1, max_qubits).flatmap(
        lambda n: st.lists(values, min_size=1 << n, max_size=1 << n).map(lambda v: np.asarray(v, dtype=np.float64)))


def _bqms(max_vars: int = 6):
    coef = st.floats(-10, 10, allow_nan=False, allow_subnormal=False)

    def build(n):
        return st.tuples(st.lists(coef, min_size=n, max_size=n),
                         st.lists(coef, min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2), coef,
                         st.sampled_from(["BINARY", "SPIN"]))

    def bqm(parts):
        lin, quad, offset, vartype = parts
        n = len(lin)
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
        return dimod.BinaryQuadraticModel({f"v{i}": c for i, c in enumerate(lin)},
                                          {(f"v{i}", f"v{j}"): c for (i, j), c in zip(pairs, quad)}, offset, vartype)

    return st.integers(1, max_vars).flatmap(build).map(bqm)


def _landscapes():
    X, y = load_edge_detection(size=2)
    return st.tuples(st.sampled_from(["perceptron", "line-detector", "spin-perceptron"]),
                     st.sampled_from(["zero_one", "hinge", "squared"]),
                     st.lists(st.integers(0, 15), min_size=4, max_size=16, unique=True)).map(
        lambda t: LossLandscape(t[0], None, X[t[2]], y[t[2]], t[1]))


# one fast configuration per optimizer: small budgets, few reads
_FAST = {
    "exhaustive": {},
    "random": {"max_queries": 20},
    "anneal": {"shots": 8, "sample_options": {"num_sweeps": 50}},
    "grover": {},
    "block": {"inner": "exhaustive", "block_size": 3, "max_sweeps": 3},
}


def _run(name: str, problem, seed: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SearchWarning)
        return get_optimizer(name, **_FAST.get(name, {}), random_state=seed).minimize(problem)


def _check_result(name, problem, seed):
    prob = as_problem(problem)
    res = _run(name, problem, seed)
    assert res.bits.shape == (prob.n_qubits,) and set(np.unique(res.bits)) <= {0, 1}
    assert res.loss == pytest.approx(prob.evaluate(res.bits), rel=1e-9, abs=1e-12)
    again = _run(name, problem, seed)
    assert np.array_equal(again.bits, res.bits) and again.loss == res.loss
    assert res.info["reached_optimum"] in (True, False, None)
    return prob, res


@pytest.mark.parametrize("name", sorted(_FAST))
@settings(max_examples=6)
@given(table=_tables(), seed=st.integers(0, 2**31 - 1))
@example(table=np.random.default_rng(8).permutation(256).astype(np.float64), seed=1)  # the largest: 8 qubits
def test_on_a_random_table_the_reported_loss_is_the_tables_own(name, table, seed):
    prob, res = _check_result(name, table, seed)
    assert res.loss >= table.min() - 1e-9 * max(1.0, abs(table.min()))
    if name == "exhaustive":
        assert res.loss == table.min() and res.info["reached_optimum"] is True
    if res.info["reached_optimum"] is True:
        assert res.loss == table.min()


@pytest.mark.parametrize("name", sorted(_FAST))
@settings(max_examples=5)
@given(bqm=_bqms(), seed=st.integers(0, 2**31 - 1))
def test_on_a_random_bqm_the_reported_loss_is_the_models_energy(name, bqm, seed):
    prob, res = _check_result(name, bqm, seed)
    sample = dict(zip(prob.variables, res.bits.tolist()))
    energy = bqm.binary.energy(sample)  # the model's own energy, read as BINARY
    assert res.loss == pytest.approx(energy, rel=1e-9, abs=1e-9)
    if name == "exhaustive":
        low = dimod.ExactSolver().sample(bqm.binary).first.energy
        assert res.loss == pytest.approx(low, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("name", sorted(_FAST) + ["quark"])
@settings(max_examples=4)
@given(land=_landscapes(), seed=st.integers(0, 2**31 - 1))
def test_on_a_small_landscape_the_reported_loss_is_the_landscapes_own(name, land, seed):
    prob, res = _check_result(name, land, seed)
    if name == "exhaustive":
        assert res.loss == land.table().min()
    if name == "quark":  # every reported setting was measured, and its loss is the measured one
        assert res.loss == res.info["measured_losses"][int(res.index)]


def test_quark_search_refuses_a_bare_table_by_saying_what_it_needs():
    with pytest.raises(TypeError, match="LossLandscape"):
        get_optimizer("quark").minimize(_TABLE)


def test_an_inconsistent_search_is_an_error_not_a_wrong_answer():
    class Liar(type(get_optimizer("exhaustive"))):
        def _search(self, problem, ledger, rng):
            index, loss, info = super()._search(problem, ledger, rng)
            return index, loss - 1.0, info  # claims a loss its bits do not have

    with pytest.raises(RuntimeError, match="is inconsistent"):
        Liar().minimize(_TABLE)


# -- (c) advice spelled where the user sets it; max_terms takes effect ------------------------------------
def _dense_table(n: int = 6) -> np.ndarray:
    return np.random.default_rng(0).random(1 << n)  # a dense polynomial: ~2**n terms


def test_max_terms_reaches_the_compile_and_takes_effect():
    table = _dense_table()
    with pytest.raises(ProblemTooLargeError, match="more than max_terms=10") as info:
        AnnealingSearch(max_terms=10, shots=4).minimize(table)
    needed = info.value.alternatives[-1]["max_terms"]
    assert needed > 10
    with pytest.raises(ProblemTooLargeError):
        AnnealingSearch(max_terms=needed - 1, shots=4).minimize(table)
    res = AnnealingSearch(max_terms=needed, shots=4, polish=True, random_state=0).minimize(table)
    assert res.info["encoding"] == "reduced" and res.loss == pytest.approx(table[res.index])


def test_annealing_advice_is_spelled_for_python_the_classifier_and_the_command_line():
    with pytest.raises(ProblemTooLargeError) as info:
        AnnealingSearch(max_terms=10).minimize(_dense_table())
    text = str(info.value)
    assert "AnnealingSearch(encoding='surrogate')" in text
    assert "QuarkClassifier(optimizer='anneal', optimizer_options={'encoding': 'surrogate'})" in text
    assert "--option encoding=surrogate" in text and "--option max_terms=" in text
    assert "use encoding=" not in text and "raise max_terms" not in text


def test_inside_the_classifier_the_advice_names_optimizer_options():
    X, y = load_edge_detection(size=2)
    clf = QuarkClassifier(model="line-detector", optimizer="anneal", optimizer_options={"max_terms": 1})
    with pytest.raises(ProblemTooLargeError, match=r"optimizer_options=\{'encoding': 'surrogate'\}") as info:
        clf.fit(X, y)
    assert "QuarkClassifier(encoding=" not in str(info.value)
    # and the advice works: the surrogate fits
    QuarkClassifier(model="line-detector", optimizer="anneal", random_state=0,
                    optimizer_options={"max_terms": 1, "encoding": "surrogate"}).fit(X, y)


def test_inside_a_block_search_the_advice_names_inner_options():
    with pytest.raises(ProblemTooLargeError) as info:
        BlockSearch(inner="anneal", inner_options={"max_terms": 10}, block_size=6).minimize(_dense_table())
    assert "BlockSearch(inner='anneal', inner_options={'encoding': 'surrogate'})" in str(info.value)
    assert "optimizer_options={'inner': 'anneal', 'inner_options': {'encoding': 'surrogate'}}" in str(info.value)


def test_compile_problem_advice_names_its_own_arguments():
    from quark.encoding.compile import compile_problem

    with pytest.raises(ProblemTooLargeError, match=r"set encoding='surrogate' or max_terms=\d+"):
        compile_problem(_dense_table(), "reduced", max_terms=10)
    with pytest.raises(ValueError, match=r"set encoding='reduced' or encoding='surrogate'"):
        compile_problem(_LAND, "qubo")


_STALE = re.compile(r"use encoding=|raise max_terms|raise max_qubits|\(raise it if")


def test_no_message_suggests_an_argument_without_saying_where_it_is_set():
    """Advice goes through quark.exceptions.advised / Optimizer._spell, which spell it for where it is raised."""
    root = Path(__file__).resolve().parents[2] / "quark"
    stale = [f"{p.relative_to(root.parent)}:{i}" for p in sorted(root.rglob("*.py"))
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if _STALE.search(line)]
    assert not stale, stale
