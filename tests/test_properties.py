"""Hostile-input properties of the public face (issue 13): the classifier, its fit data, the data-set
loaders and helpers, and the files of ``quark.io``.

Every refused input raises a ``ValueError``/``TypeError`` (or, for a path, an ``OSError``) whose message
names the offending argument — never a raw ``IndexError``/``KeyError`` or a NumPy error from deep inside.
The optimizers and problems have their own files (tests/optimizers/, tests/encoding/), the command line
and saved model files theirs (tests/cli/test_properties.py).
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quark import QuarkClassifier
from quark.backends.registry import backend_names
from quark.estimators.checks import PARAMETER_CONSTRAINTS
from quark.datasets import (LINE_KINDS, deduplicate, downsample, load_edge_detection, load_mnist, load_tiny_mnist,
                            train_test_split)
from quark.encoding.landscape import LOSSES
from quark.models import MODELS
from quark.estimators.schemes import SCHEMES
from quark.optimizers import OPTIMIZERS
from quark.datasets.named import NAMED, load_named
from quark.io import read_table

_X, _Y = load_edge_detection(size=2)


# -- the classifier's parameters ------------------------------------------------------------------------------
def _classifier_specs(H) -> dict[str, st.SearchStrategy]:
    """For each hyper-parameter, the values ``fit`` must refuse (``H``: tests/conftest.py's Hostile)."""
    not_auto = lambda v: not (isinstance(v, str) and v == "auto")  # noqa: E731
    return {
        "model": H.bad_choice(list(MODELS) + ["auto"]),
        "weight_bits": H.bad_int(none_ok=True),
        "loss": H.bad_choice(list(LOSSES) + ["auto"]),
        "optimizer": H.bad_choice(OPTIMIZERS),
        "backend": st.one_of(st.text(min_size=1, max_size=8).filter(lambda s: s not in backend_names()),
                             st.integers(), st.floats(), st.lists(st.integers(), max_size=2), st.just(object())),
        "shots": H.bad_int(none_ok=True),
        "max_queries": H.bad_int(none_ok=True),
        "copies": H.bad_int(),
        "max_qubits": H.bad_int(none_ok=True),
        "multi_class": H.bad_choice(SCHEMES),
        "scale": H.bad_bool().filter(not_auto),
        "binarize": H.bad_bool().filter(not_auto),
        "alpha": H.bad_number(minimum=0.0).filter(not_auto),
        "start": H.bad_choice(("ridge", "hebbian")),
        "class_weight": st.one_of(st.integers(), st.text(max_size=6).filter(lambda s: s != "balanced"),
                                  st.lists(st.integers(), max_size=2),
                                  st.fixed_dictionaries({0: st.one_of(st.floats(max_value=-1e-9), st.just(math.nan),
                                                                      st.just(math.inf), st.text(max_size=2)),
                                                         1: st.just(1.0)})),
        "n_jobs": st.one_of(st.just(0), st.floats(), st.text(max_size=3), st.booleans()),
        "model_options": H.bad_mapping(),
        "optimizer_options": H.bad_mapping(),
        "random_state": st.one_of(st.integers(max_value=-1), st.floats(), st.text(max_size=3), st.booleans()),
        "verbose": H.bad_bool(),
    }


# the optimizer a parameter applies to (the others fail before any search, so exhaustive search)
_OPTIMIZER_OF = {"shots": "grover", "max_queries": "grover", "backend": "grover", "copies": "quark"}


def test_every_classifier_parameter_is_described(hostile):
    assert set(_classifier_specs(hostile)) == set(PARAMETER_CONSTRAINTS) == set(QuarkClassifier().get_params())


@pytest.mark.parametrize("param", sorted(PARAMETER_CONSTRAINTS))
@settings(max_examples=8)
@given(data=st.data())
def test_a_refused_classifier_parameter_is_named(hostile, param, data):
    value = data.draw(_classifier_specs(hostile)[param], label=param)
    params = {"model": "perceptron", "optimizer": _OPTIMIZER_OF.get(param, "exhaustive"), param: value}
    hostile.named_error(lambda: QuarkClassifier(**params).fit(_X, _Y), param)


@pytest.mark.parametrize("options, name", [({"model_options": {"bogus": 1}}, "bogus"),
                                           ({"optimizer_options": {"bogus": 1}}, "bogus"),
                                           ({"optimizer": "anneal", "optimizer_options": {"num_sweep": 5}}, "num_sweep"),
                                           ({"scale": True}, "scale"), ({"scale": "range"}, "scale")])
def test_an_option_that_cannot_apply_is_named(hostile, options, name):
    params = {"model": "perceptron", "optimizer": "exhaustive", **options}
    hostile.named_error(lambda: QuarkClassifier(**params).fit(_X, _Y), name)


# -- fit data -------------------------------------------------------------------------------------------------
_m = len(_Y)
_BAD_DATA = {
    "X-1d": ({"X": _X[:, 0]}, "X"),
    "X-3d": ({"X": _X[:, :, None]}, "X"),
    "X-nan": ({"X": np.where(_X == 1, np.nan, _X)}, "X"),
    "X-inf": ({"X": np.where(_X == 1, np.inf, _X)}, "X"),
    "X-strings": ({"X": np.full(_X.shape, "a")}, "X"),
    "X-empty": ({"X": _X[:0], "y": _Y[:0]}, "X"),
    "X-no-features": ({"X": _X[:, :0]}, "X"),
    "y-one-class": ({"y": np.zeros(_m)}, "y"),
    "y-continuous": ({"y": np.linspace(0, 1, _m)}, "y"),
    "y-nan": ({"y": np.where(_Y == 1, np.nan, 0.0)}, "y"),
    "y-length": ({"y": _Y[:-1]}, "y"),
    "y-2d": ({"y": np.stack([_Y, _Y], 1)}, "y"),
    "y-none": ({"y": None}, "y"),
    "sample_weight-shape": ({"sample_weight": np.ones(3)}, "sample_weight"),
    "sample_weight-2d": ({"sample_weight": np.ones((_m, 1))}, "sample_weight"),
    "sample_weight-negative": ({"sample_weight": -np.ones(_m)}, "sample_weight"),
    "sample_weight-nan": ({"sample_weight": np.full(_m, np.nan)}, "sample_weight"),
    "sample_weight-inf": ({"sample_weight": np.full(_m, np.inf)}, "sample_weight"),
    "sample_weight-zeros": ({"sample_weight": np.zeros(_m)}, "sample_weight"),
    "sample_weight-strings": ({"sample_weight": ["a"] * _m}, "sample_weight"),
}
def _fit(case):
    data = {"X": _X, "y": _Y, **_BAD_DATA[case][0]}
    return lambda: QuarkClassifier(model="perceptron", optimizer="exhaustive").fit(data["X"], data["y"],
                                                                                   sample_weight=data.get("sample_weight"))


@pytest.mark.parametrize("case", sorted(_BAD_DATA))
def test_bad_fit_data_is_refused_with_a_specific_error(case):
    with pytest.raises((ValueError, TypeError)) as info:
        _fit(case)()
    assert not isinstance(info.value, (IndexError, KeyError, ArithmeticError)), info.value


@pytest.mark.parametrize("case", sorted(_BAD_DATA))
def test_bad_fit_data_names_the_argument(case):
    with pytest.raises((ValueError, TypeError)) as info:
        _fit(case)()
    name = _BAD_DATA[case][1]
    assert re.search(rf"(?<![\w]){name}(?![\w])", str(info.value)), str(info.value)


def test_predict_refuses_data_unlike_the_training_data():
    clf = QuarkClassifier(model="perceptron", optimizer="exhaustive").fit(_X, _Y)
    for bad in (_X[:, :2], np.full(_X.shape, np.nan), _X * 2.0):
        with pytest.raises(ValueError, match=r"\bX\b"):
            clf.predict(bad)


# -- data-set loaders and helpers -----------------------------------------------------------------------------
def _loader_specs(H) -> dict[str, tuple]:
    """``name: (call taking the bad value, argument, strategy of bad values)``."""
    bad_pairs = st.one_of(st.integers(), st.none(), st.text(max_size=3), st.tuples(st.integers(0, 9)),
                          st.tuples(st.integers(0, 9), st.integers(0, 9), st.integers(0, 9)),
                          st.integers(0, 9).map(lambda d: (d, d)),
                          st.tuples(st.one_of(st.integers(10, 99), st.integers(max_value=-1), st.floats(),
                                              st.booleans(), st.text(max_size=1)), st.integers(0, 9)))
    bad_lines = st.one_of(st.integers(), st.none(), st.text(max_size=8).filter(lambda s: s not in LINE_KINDS),
                          st.just([]), st.lists(st.text(max_size=3).filter(lambda s: s not in LINE_KINDS), min_size=1,
                                                max_size=2), st.just([["rows"]]))
    bad_threshold = st.one_of(H.bad_number(minimum=0.0), st.floats(min_value=1.0, exclude_min=True))
    return {
        "edge-size": (lambda v: load_edge_detection(size=v), "size", H.bad_int(minimum=2, maximum=4)),
        "edge-lines": (lambda v: load_edge_detection(lines=v), "lines", bad_lines),
        "edge-return_X_y": (lambda v: load_edge_detection(return_X_y=v), "return_X_y", H.bad_bool()),
        "tiny-digits": (lambda v: load_tiny_mnist(digits=v), "digits", bad_pairs),
        "tiny-size": (lambda v: load_tiny_mnist(size=v), "size", H.bad_int(minimum=2, maximum=4)),
        "tiny-subset": (lambda v: load_tiny_mnist(subset=v), "subset", H.bad_choice(("train", "test", "all"))),
        "tiny-threshold": (lambda v: load_tiny_mnist(threshold=v), "threshold", bad_threshold),
        "tiny-binarize": (lambda v: load_tiny_mnist(binarize=v), "binarize", H.bad_bool()),
        "tiny-dedupe": (lambda v: load_tiny_mnist(dedupe=v), "dedupe", H.bad_bool()),
        "tiny-source": (lambda v: load_tiny_mnist(source=v), "source", H.bad_choice(("bundled", "torchvision"))),
        "tiny-root": (lambda v: load_tiny_mnist(root=v), "root", st.one_of(st.text(min_size=1, max_size=5),
                                                                         st.integers())),
        "mnist-size": (lambda v: load_mnist(size=v), "size", H.bad_int(minimum=2, maximum=28)),
        "mnist-subset": (lambda v: load_mnist(subset=v), "subset", H.bad_choice(("train", "test", "all"))),
        "mnist-source": (lambda v: load_mnist(source=v), "source", H.bad_choice(("bundled", "torchvision"))),
        "mnist-return_X_y": (lambda v: load_mnist(size=7, return_X_y=v), "return_X_y", H.bad_bool()),
        "downsample-size": (lambda v: downsample(np.zeros((1, 4, 4)), v), "size", H.bad_int()),
        "downsample-images": (lambda v: downsample(v, 2), "images", st.one_of(
            st.none(), st.text(max_size=3), st.just(np.zeros((4, 4))), st.just(np.zeros(4)),
            st.just(np.zeros((1, 0, 4))), st.just(np.full((1, 4, 4), np.nan)), st.just([[[0, 1], [1]]]))),
        "deduplicate-X": (lambda v: deduplicate(v, np.array([0, 1])), "X", st.one_of(
            st.none(), st.just(np.zeros((2, 2, 2))), st.just(np.array([["a", "b"], ["c", "d"]])),
            st.just(np.array([[0.5, 1], [1, 0]])), st.just([[0, 1], [1]]), st.just(np.zeros((2, 0))))),
        "deduplicate-y": (lambda v: deduplicate(np.array([[0, 1], [1, 0]]), v), "y", st.one_of(
            st.none(), st.just(np.array(["a", "b"])), st.just(np.zeros((2, 1))), st.just(np.array([0, 2])),
            st.just(np.array([0, 1, 1])))),
        "split-test_size": (lambda v: train_test_split(_X, _Y, test_size=v), "test_size", st.one_of(
            st.floats(min_value=1.0, exclude_min=True, allow_nan=False), H.bad_number(above=0.0), st.just(1.0))),
        "split-stratify": (lambda v: train_test_split(_X, _Y, stratify=v), "stratify", H.bad_bool()),
        "split-random_state": (lambda v: train_test_split(_X, _Y, random_state=v), "random_state", st.one_of(
            st.integers(max_value=-1), st.floats(), st.text(max_size=3), st.booleans())),
        "split-y": (lambda v: train_test_split(_X, v), "y", st.one_of(
            st.none(), st.just(_Y[:-1]), st.just(np.stack([_Y, _Y], 1)), st.just(np.array([0, "a"] * (_m // 2), dtype=object)))),
        "named-name": (lambda v: load_named(v), "name", H.bad_choice(NAMED)),
        "named-size": (lambda v: load_named("edge-detection", size=v), "size", H.bad_int(minimum=2).filter(
            lambda v: v is not None)),
        "named-digits": (lambda v: load_named("tiny-mnist", digits=v), "digits", bad_pairs.filter(
            lambda v: v is not None)),
        "named-lines": (lambda v: load_named("edge-detection", lines=v), "lines", bad_lines.filter(
            lambda v: v is not None)),
        "named-dedupe": (lambda v: load_named("tiny-mnist", dedupe=v), "dedupe", H.bad_bool()),
        "named-option-elsewhere": (lambda v: load_named("iris", **v), "", st.sampled_from(
            [{"size": 3}, {"digits": (1, 2)}, {"lines": "rows"}, {"dedupe": True}])),
    }


_LOADER_CASES = ["edge-size", "edge-lines", "edge-return_X_y", "tiny-digits", "tiny-size", "tiny-subset",
                 "tiny-threshold", "tiny-binarize", "tiny-dedupe", "tiny-source", "tiny-root", "mnist-size",
                 "mnist-subset", "mnist-source", "mnist-return_X_y", "downsample-size", "downsample-images",
                 "deduplicate-X", "deduplicate-y", "split-test_size", "split-stratify", "split-random_state",
                 "split-y", "named-name", "named-size", "named-digits", "named-lines", "named-dedupe",
                 "named-option-elsewhere"]


def test_every_loader_case_runs(hostile):
    assert sorted(_loader_specs(hostile)) == sorted(_LOADER_CASES)


@pytest.mark.parametrize("case", _LOADER_CASES)
@settings(max_examples=6)
@given(data=st.data())
def test_a_loader_refuses_a_bad_argument_by_name(hostile, case, data):
    call, name, values = _loader_specs(hostile)[case]
    value = data.draw(values, label=name or "options")
    if name:
        hostile.named_error(lambda: call(value), name)
    else:  # an option that does not apply to the data set: named, in Python and command-line spelling
        key = next(iter(value))
        exc = hostile.named_error(lambda: call(value), key)
        assert f"--{key}" in str(exc)


@settings(max_examples=15)
@given(n=st.integers(1, 3), h=st.integers(1, 9), w=st.integers(1, 9), size=st.integers(1, 9),
       seed=st.integers(0, 2**16))
def test_downsampling_keeps_every_images_mean(n, h, w, size, seed):
    images = np.random.default_rng(seed).random((n, h, w))
    small = downsample(images, size)
    assert small.shape == (n, size, size)
    np.testing.assert_allclose(small.mean(axis=(1, 2)), images.mean(axis=(1, 2)), rtol=1e-12, atol=1e-12)


@settings(max_examples=15)
@given(rows=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 1)), min_size=1, max_size=30))
def test_deduplicate_keeps_each_pattern_once_with_its_majority_label(rows):
    X = np.array([[(k >> j) & 1 for j in range(3)] for k, _ in rows])
    y = np.array([label for _, label in rows])
    Xu, yu, counts = deduplicate(X, y)
    keys = [int(sum(int(b) << j for j, b in enumerate(r))) for r in Xu]
    assert keys == sorted(set(keys))
    for k, label, count in zip(keys, yu, counts):
        mine = [lab for kk, lab in rows if kk == k]
        assert count == len(mine) and 2 * sum(mine) != len(mine) and label == (2 * sum(mine) > len(mine))


# -- files ----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("tables")
    (d / "good.csv").write_text("a,b,label\n1,2,yes\n3,4,no\n")
    (d / "binary.csv").write_bytes(b"\xff\xfe\x00\x01garbage\n\x80\x81,\n")
    (d / "nan.csv").write_text("a,b,label\nnan,2,1\n3,4,0\n")
    (d / "inf.csv").write_text("a,b,label\n1,2,1\n3,-inf,0\n")
    (d / "text.csv").write_text("a,b,label\n1,x,1\n3,4,0\n")
    (d / "ragged.csv").write_text("a,b,label\n1,2\n3,4,0\n")
    (d / "header-only.csv").write_text("a,b,label\n")
    (d / "not-a-zip.npz").write_text("not a zip")
    np.savez(d / "pickled.npz", X=np.array([[1, None]], dtype=object), y=np.zeros(1))
    np.savez(d / "strings.npz", X=np.array([["a", "b"]]), y=np.zeros(1))
    np.savez(d / "flat.npz", X=np.zeros(3), y=np.zeros(3))
    np.savez(d / "nan.npz", X=np.array([[np.nan, 1.0]]), y=np.zeros(1))
    np.savez(d / "good.npz", X=np.zeros((2, 2)), y=np.zeros(2))
    return d


@pytest.mark.parametrize("name", ["binary.csv", "nan.csv", "inf.csv", "text.csv", "ragged.csv", "header-only.csv",
                                  "not-a-zip.npz", "pickled.npz", "strings.npz", "flat.npz", "nan.npz"])
def test_a_bad_data_file_is_refused_naming_it(files, name):
    with pytest.raises((ValueError, TypeError)) as info:
        read_table(files / name)
    assert name in str(info.value) or name.split(".")[0] in str(info.value), str(info.value)


def test_a_path_that_is_no_file_is_an_os_error_naming_it(files):
    for path in (files, files / "missing.csv"):
        with pytest.raises(OSError, match=re.escape(str(path))):
            read_table(path)


@settings(max_examples=6)
@given(data=st.data())
def test_read_table_refuses_bad_arguments_by_name(hostile, files, data):
    name, kwargs = data.draw(st.one_of(
        st.one_of(st.none(), st.integers(), st.lists(st.text(max_size=2), max_size=1)).map(lambda v: ("path", {"path": v})),
        st.one_of(st.integers(), st.lists(st.text(max_size=2), max_size=1)).map(lambda v: ("target", {"target": v})),
        st.one_of(st.text(min_size=1, max_size=3), st.lists(st.integers(), min_size=1, max_size=2)).map(
            lambda v: ("feature_names", {"feature_names": v})),
        hostile.bad_bool().map(lambda v: ("require_target", {"require_target": v}))))
    kwargs.setdefault("path", files / "good.csv")
    hostile.named_error(lambda: read_table(**kwargs), name)


def test_a_warning_free_fit_on_accepted_input_reports_the_landscapes_loss():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf = QuarkClassifier(model="perceptron", optimizer="exhaustive").fit(_X, _Y)
    land = clf.landscape(_X, _Y)
    assert clf.result_.loss == land.evaluate(clf.bits_) == land.table().min()
