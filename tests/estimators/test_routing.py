"""One route per setting: a setting given twice is refused with both routes named; unknown options are
refused with the nearest valid name."""

import pytest

from quark import QuarkClassifier
from quark.estimators.routing import build_optimizer
from quark.optimizers import GroverAdaptiveSearch


def _build(**params):
    return build_optimizer(QuarkClassifier(**params).get_params(deep=False))


@pytest.mark.parametrize("param, value, option", [
    ("shots", 3, 5),
    ("max_queries", 40, 80),
    ("backend", "statevector", "aer"),
])
def test_a_setting_given_twice_names_both_routes(param, value, option):
    # QuarkClassifier(shots=3, optimizer_options={"shots": 5}) once ran 5 shots without a word
    with pytest.raises(ValueError, match=rf"'{param}' is given twice: QuarkClassifier\({param}={value!r}\) and "
                                         rf"optimizer_options=\{{'{param}': {option!r}\}}"):
        _build(optimizer="grover", **{param: value}, optimizer_options={param: option})


def test_copies_given_twice_is_refused():
    with pytest.raises(ValueError, match="'copies' is given twice"):
        _build(optimizer="quark", copies=2, optimizer_options={"copies": 4})


@pytest.mark.parametrize("param", ["random_state", "verbose"])
def test_the_classifiers_own_settings_are_not_optimizer_options(param):
    with pytest.raises(ValueError, match=f"'{param}' is set on QuarkClassifier itself"):
        _build(optimizer="grover", optimizer_options={param: 1})


def test_backend_options_given_with_a_backend_instance_are_refused():
    from quark.backends.statevector import StatevectorBackend

    with pytest.raises(TypeError, match="apply only when 'backend' is given by name"):
        _build(optimizer="grover", backend=StatevectorBackend(), optimizer_options={"backend_options": {"method": "auto"}})


def test_an_unknown_option_suggests_the_nearest_name():
    with pytest.raises(ValueError, match=r"'shot' \(did you mean 'shots'\?\)"):
        _build(optimizer="grover", optimizer_options={"shot": 5})
    with pytest.raises(TypeError, match=r"backend 'statevector'.*'methd' \(did you mean 'method'\?\)"):
        _build(optimizer="grover", optimizer_options={"backend_options": {"methd": "auto"}})


def test_each_route_alone_arrives():
    assert _build(optimizer="grover", shots=3).shots == 3
    assert _build(optimizer="grover", optimizer_options={"shots": 5}).shots == 5
    opt = _build(optimizer="grover", backend="aer", optimizer_options={"backend_options": {"oracle": "table"}})
    assert isinstance(opt, GroverAdaptiveSearch) and opt.backend == "aer" and opt.backend_options == {"oracle": "table"}


def test_a_block_search_takes_backend_and_shots_for_its_inner_search():
    # QuarkClassifier(optimizer="block", backend="aer") was refused: the block search has no backend of its own
    opt = _build(optimizer="block", backend="aer", shots=3, optimizer_options={"block_size": 4})
    assert opt.block_size == 4 and opt.inner_options == {"backend": "aer", "shots": 3}
    inner = opt._inner(0)
    assert isinstance(inner, GroverAdaptiveSearch) and inner.backend == "aer" and inner.shots == 3


def test_a_block_search_refuses_what_its_inner_search_does_not_take_or_is_given_twice():
    with pytest.raises(ValueError, match=r"'shots' does not apply to optimizer='block' with inner='exhaustive'"):
        _build(optimizer="block", shots=3, optimizer_options={"inner": "exhaustive"})
    with pytest.raises(ValueError, match=r"'backend' is given twice: QuarkClassifier\(backend='aer'\) and "
                                         r"optimizer_options=\{'inner_options': \{'backend': 'statevector'\}\}"):
        _build(optimizer="block", backend="aer", optimizer_options={"inner_options": {"backend": "statevector"}})


def test_a_block_search_on_aer_fits_with_the_backend_given_to_the_classifier():
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int)
    clf = QuarkClassifier(optimizer="block", backend="aer", optimizer_options={"block_size": 3, "max_sweeps": 2},
                          weight_bits=2, random_state=0).fit(X, y)
    assert set(clf.result_.info["oracles"]) == {"arithmetic"}
