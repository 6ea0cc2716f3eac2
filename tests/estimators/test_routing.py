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
