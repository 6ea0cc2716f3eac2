"""Secrets: masked wherever they could show, kept in memory, never pickled with their value."""

from __future__ import annotations

import copy
import json
import logging
import pickle

import pytest
from sklearn.base import clone

from quark._params import Secret, mask_secrets, reveal, secrets_travel
from quark.exceptions import MissingCredentialError
from quark.optimizers import AnnealingSearch, GroverAdaptiveSearch

VALUE = "tok-5f2a9c"


def test_a_secret_shows_only_its_mask(caplog):
    s = Secret(VALUE)
    assert repr(s) == "Secret('***')" and str(s) == "***" and f"{s}" == "***" and "%s" % s == "***"
    assert json.dumps({"token": s}) == '{"token": "***"}' and s.encode() == b"***"
    with caplog.at_level(logging.INFO, logger="quark"):
        logging.getLogger("quark").info("options %s %r", {"token": s}, s)
    assert VALUE not in caplog.text
    assert reveal(s) == VALUE and reveal("plain") == "plain"


def test_a_secret_compares_as_its_value_and_copies_share_it():
    s = Secret(VALUE)
    assert s == VALUE and VALUE == s and s != "other" and s == Secret(VALUE) and s != Secret("other")
    assert hash(s) == hash(VALUE) and len({s, Secret(VALUE)}) == 1
    assert copy.copy(s) is s and copy.deepcopy(s) is s and Secret(s) is s


def test_a_pickled_secret_has_no_value_and_asks_for_it():
    blob = pickle.dumps({"token": Secret(VALUE)})
    assert VALUE.encode() not in blob
    back = pickle.loads(blob)["token"]
    assert not back.present and repr(back) == "Secret(<not saved>)"
    with pytest.raises(MissingCredentialError, match="'token' was not saved"):
        reveal(back)


def test_secrets_travel_only_inside_the_block():
    with secrets_travel():
        assert reveal(pickle.loads(pickle.dumps(Secret(VALUE)))) == VALUE
    assert not pickle.loads(pickle.dumps(Secret(VALUE))).present


def test_mask_secrets_wraps_credentials_once():
    opts = {"method": "statevector", "nested": {"api_key": VALUE}}
    masked = mask_secrets(opts)
    assert isinstance(masked["nested"]["api_key"], Secret) and opts["nested"]["api_key"] is VALUE
    assert mask_secrets(masked) is masked  # nothing left to wrap: the same object (clone relies on it)
    assert mask_secrets({"method": "x"}) is not None


def test_optimizer_params_mask_and_clone_keeps_the_value():
    opt = AnnealingSearch(backend="dwave", backend_options={"token": VALUE})
    assert VALUE not in repr(opt) and VALUE not in json.dumps(opt.get_params(deep=False), default=str)
    twin = clone(opt)
    assert reveal(twin.backend_options["token"]) == VALUE


def test_a_pickled_optimizer_leaves_its_built_backend_behind():
    opt = GroverAdaptiveSearch(backend="statevector", max_queries=4, random_state=0)
    opt.minimize([3.0, 1.0, 2.0, 0.0])
    assert hasattr(opt, "_backend_cache")  # built once and reused by the live object
    back = pickle.loads(pickle.dumps(opt))
    assert not hasattr(back, "_backend_cache")
    assert back.minimize([3.0, 1.0, 2.0, 0.0]).loss == opt.minimize([3.0, 1.0, 2.0, 0.0]).loss
