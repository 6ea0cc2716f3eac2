"""Credentials on the command line: ``--option token=...`` reaches the service, never the screen or the file."""

from __future__ import annotations

import dwave.system
import pytest

from quark.backends.dwave import structured_stand_in
from quark.cli import main

TOKEN = "0123456789"  # digits only: still the string typed, not a number


def test_option_token_reaches_dwave_and_is_not_printed_or_saved(monkeypatch, tmp_path, capsys):
    made = []
    monkeypatch.delenv("DWAVE_API_TOKEN", raising=False)
    monkeypatch.setattr(dwave.system, "DWaveSampler", lambda **c: made.append(c) or structured_stand_in("pegasus", 6))
    model = tmp_path / "m.joblib"
    code = main(["fit", "--dataset", "edge-detection", "--size", "2", "--optimizer", "anneal", "--backend", "dwave",
                 "--shots", "10", "--option", f"token={TOKEN}", "--save", str(model), "--verbose"])
    assert code == 0
    assert made and all(c["token"] == TOKEN and type(c["token"]) is str for c in made)
    out = capsys.readouterr()
    assert TOKEN not in out.out + out.err
    assert TOKEN.encode() not in model.read_bytes()


def test_info_help_warns_about_unpickling(capsys):
    with pytest.raises(SystemExit):
        main(["info", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "load only models you trust" in text and "never saved" in text


def test_a_sampler_failing_mid_fit_is_one_line_naming_it(monkeypatch, capsys):
    import dimod

    class Failing(dimod.Sampler):
        """A QPU that fails on its first call."""

        def __init__(self):
            from quark.backends import get_backend

            self.child, self.calls = get_backend("neal"), 0

        @property
        def parameters(self):
            return self.child.parameters

        @property
        def properties(self):
            return self.child.properties

        def sample(self, bqm, **kwargs):
            self.calls += 1
            if self.calls == 1:
                raise ConnectionError("SAPI: solver went offline")
            return self.child.sample(bqm, **kwargs)

    qpu = structured_stand_in("pegasus", 6, sampler=Failing())  # one device for every search of the fit
    monkeypatch.setattr(dwave.system, "DWaveSampler", lambda **c: qpu)
    code = main(["fit", "--dataset", "edge-detection", "--size", "2", "--optimizer", "anneal", "--backend", "dwave",
                 "--shots", "10", "--option", f"token={TOKEN}"])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "backend 'dwave' failed during AnnealingSearch: ConnectionError: SAPI: solver went offline" in err
    assert "Spent before the failure" in err and TOKEN not in err
