"""Credentials given to the classifier: masked in its parameters, kept for its searches, never saved."""

from __future__ import annotations

import io
import json
import pickle

import dwave.system
import joblib
import pytest
from sklearn.base import clone

from quark import QuarkClassifier
from quark._params import Secret, reveal
from quark.backends.dwave import structured_stand_in
from quark.datasets import load_edge_detection
from quark.exceptions import MissingCredentialError

TOKEN = "IBM-abcdef0123456789"


def _clf(**kw):
    return QuarkClassifier(optimizer="grover", optimizer_options={"backend_options": {"token": TOKEN}}, **kw)


def test_get_params_masks_the_token_and_clone_keeps_it():
    clf = QuarkClassifier(backend="ibm", optimizer_options={"token": TOKEN, "confidence": 0.9})
    params = clf.get_params()
    assert isinstance(params["optimizer_options"]["token"], Secret)
    for text in (repr(clf), str(params), json.dumps(params, default=str)):
        assert TOKEN not in text
    copy = clone(clf)
    assert reveal(copy.get_params()["optimizer_options"]["token"]) == TOKEN
    assert copy.get_params()["optimizer_options"]["confidence"] == 0.9
    # set_params with what get_params gave keeps the value
    other = QuarkClassifier().set_params(**clf.get_params())
    assert reveal(other.optimizer_options["token"]) == TOKEN
    # nested option dicts too
    assert TOKEN not in repr(_clf()) and TOKEN not in str(_clf().get_params())


def test_a_fitted_classifier_pickles_without_its_token(monkeypatch):
    made = []
    monkeypatch.setattr(dwave.system, "DWaveSampler", lambda **c: made.append(c) or structured_stand_in("pegasus", 6))
    X, y = load_edge_detection(size=2)
    clf = QuarkClassifier(model="line-detector", optimizer="anneal", backend="dwave", shots=10, random_state=0,
                          optimizer_options={"token": TOKEN}).fit(X, y)
    assert made and made[0]["token"] == TOKEN
    buffer = io.BytesIO()
    joblib.dump(clf, buffer)
    for blob in (pickle.dumps(clf), buffer.getvalue()):
        assert TOKEN.encode() not in blob
    loaded = pickle.loads(pickle.dumps(clf))
    assert loaded.score(X, y) == clf.score(X, y)  # predicting needs no credential
    assert reveal(clf.optimizer_options["token"]) == TOKEN  # pickling did not touch the live estimator
    with pytest.raises(MissingCredentialError, match="give it again"):
        loaded.fit(X, y)
    loaded.set_params(optimizer_options={"token": TOKEN}).fit(X, y)
    assert made[-1]["token"] == TOKEN


def test_save_model_stores_no_token(tmp_path):
    from quark.io import load_model, save_model

    X, y = load_edge_detection(size=2)
    clf = QuarkClassifier(model="line-detector", optimizer="exhaustive",
                          model_options=None, random_state=0).fit(X, y)
    clf.set_params(optimizer_options={"api_key": TOKEN})  # as a user who set it after fitting
    path = save_model(clf, tmp_path / "m.joblib", feature_names=[f"x{i}" for i in range(X.shape[1])], target="y",
                      source="test")
    assert TOKEN.encode() not in path.read_bytes()
    loaded = load_model(path)["estimator"]
    assert not loaded.optimizer_options["api_key"].present


def test_a_credential_in_optimizer_options_is_the_backends():
    from quark.estimators.routing import build_optimizer

    opt = build_optimizer(QuarkClassifier(optimizer="anneal", backend="dwave",
                                          optimizer_options={"token": TOKEN}).get_params(deep=False))
    assert reveal(opt.backend_options["token"]) == TOKEN and not opt.sample_options
    twice = QuarkClassifier(optimizer="anneal", backend="dwave",
                            optimizer_options={"token": TOKEN, "backend_options": {"token": TOKEN}})
    with pytest.raises(ValueError, match=r"\['token'\] given twice") as caught:
        build_optimizer(twice.get_params(deep=False))
    assert TOKEN not in str(caught.value)
    with pytest.raises(ValueError, match="credentials \\['token'\\] in optimizer_options have nowhere to go"):
        build_optimizer(QuarkClassifier(optimizer="exhaustive", optimizer_options={"token": TOKEN}).get_params(deep=False))
