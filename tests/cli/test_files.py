"""The command line and the user's files: outputs checked before the fit, old files that survive any
failure, tables read as they come (categorical columns, gaps), labels it cannot compare, models it
cannot use, and out-of-memory or Ctrl-C as one line."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

from quark.cli import main

# exact blocks of at most 12 qubits (exhaustive search itself is the whole register, refused past --max-qubits)
FAST = ["--optimizer", "block", "--option", "inner=exhaustive", "--max-qubits", "12"]


def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    rows = ["a,b,label"] + [f"{a:.4f},{b:.4f},{'yes' if a + b > 0 else 'no'}" for a, b in X]
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def model(tmp_path, data, capsys):
    path = tmp_path / "m.joblib"
    code, _, err = _run(capsys, "fit", "--data", data, *FAST, "--save", path)
    assert code == 0, err
    return path


@pytest.mark.parametrize("flag", ["--save", "--plot"])
def test_an_output_onto_the_input_or_an_existing_file_is_refused_before_the_fit(capsys, tmp_path, data, flag):
    before = data.read_bytes()
    name = data if flag == "--save" else tmp_path / "d.png"
    if flag == "--plot":
        name.write_bytes(b"old figure")
    code, out, err = _run(capsys, "fit", "--data", data, *FAST, flag, name)
    assert code == 1 and out == ""  # nothing was read or fitted
    assert re.search(r"is the input file|exists; pass --force", _one_line(err))
    assert data.read_bytes() == before and (flag == "--save" or name.read_bytes() == b"old figure")
    code, _, err = _run(capsys, "fit", "--data", data, *FAST, "--save", tmp_path / "x.png", "--plot", tmp_path / "x.png")
    assert code == 1 and "name the same file" in _one_line(err)


def test_force_replaces_and_folders_are_checked_first(capsys, tmp_path, data, model):
    old = model.read_bytes()
    code, out, err = _run(capsys, "fit", "--data", data, *FAST, "--seed", "1", "--save", model, "--force")
    assert code == 0, err
    assert model.read_bytes() != old and "model saved to" in out
    code, out, err = _run(capsys, "fit", "--data", data, *FAST, "--save", tmp_path / "no" / "m.joblib")
    assert code == 1 and out == "" and "folder" in _one_line(err) and "does not exist" in err
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("this user writes into read-only folders (root)")
        code, out, err = _run(capsys, "fit", "--data", data, *FAST, "--save", locked / "m.joblib")
        assert code == 1 and out == "" and "takes no new file" in _one_line(err)
    finally:
        locked.chmod(0o700)


def test_an_interrupted_save_keeps_the_old_model(capsys, monkeypatch, data, model):
    import joblib

    old = model.read_bytes()

    def dump_then_interrupt(value, filename, *args, **kwargs):
        with open(filename, "wb") as fh:
            fh.write(b"\x80\x04 half a pickle")
        raise KeyboardInterrupt

    monkeypatch.setattr(joblib, "dump", dump_then_interrupt)
    code, _, err = _run(capsys, "fit", "--data", data, *FAST, "--save", model, "--force")
    assert code == 130 and "interrupted" in _one_line(err)
    assert model.read_bytes() == old and sorted(p.name for p in model.parent.iterdir()) == ["d.csv", "m.joblib"]
    code, out, _ = _run(capsys, "info", model)
    assert code == 0 and "classes ['no', 'yes']" in out


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs POSIX resource limits")
def test_a_file_size_limit_keeps_the_old_model(tmp_path, data, model):
    # the fault of issue 22 itself, not a mock: the process may write no file over 2 kB, so the new
    # model cannot be written whole; joblib writing in place left a truncated model that no tool could read
    import resource
    import signal
    import subprocess
    import sys

    old = model.read_bytes()
    assert len(old) > 2000

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, not a kill
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    proc = subprocess.run([sys.executable, "-m", "quark", "fit", "--data", str(data), *FAST, "--seed", "3",
                           "--save", str(model), "--force"], capture_output=True, text=True, preexec_fn=limit,
                          timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert re.search(r"cannot write --save .*m.joblib: File too large; the existing .* is unchanged",
                     _one_line(proc.stderr))
    assert model.read_bytes() == old and sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "m.joblib"]


def test_a_figure_that_fails_midway_keeps_the_old_one(capsys, monkeypatch, tmp_path, data):
    from matplotlib.figure import Figure

    png = tmp_path / "fit.png"
    png.write_bytes(b"old figure")

    def savefig_then_fail(self, fname, **kwargs):
        with open(fname, "wb") as fh:
            fh.write(b"\x89PNG half")
        raise OSError(27, "File too large")

    monkeypatch.setattr(Figure, "savefig", savefig_then_fail)
    code, _, err = _run(capsys, "fit", "--data", data, *FAST, "--plot", png, "--force")
    assert code == 1 and re.search(r"cannot write --plot .*fit.png: File too large; the existing .* is unchanged",
                                   _one_line(err))
    assert png.read_bytes() == b"old figure" and sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "fit.png"]


def test_predictions_that_fail_midway_keep_the_old_file(capsys, monkeypatch, tmp_path, data, model):
    from pathlib import Path

    out = tmp_path / "pred.csv"
    out.write_text("old predictions\n")
    code, _, err = _run(capsys, "predict", "--model", model, "--data", data, "--out", out)
    assert code == 1 and "exists; pass --force" in _one_line(err)
    real = Path.write_text

    def write_then_fail(self, text, *args, **kwargs):
        real(self, text[:10], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_text", write_then_fail)
    code, _, err = _run(capsys, "predict", "--model", model, "--data", data, "--out", out, "--force")
    assert code == 1 and re.search(r"cannot write --out .*: No space left on device; the existing", _one_line(err))
    assert out.read_text() == "old predictions\n"
    monkeypatch.undo()
    for target in (data, model):
        code, _, err = _run(capsys, "predict", "--model", model, "--data", data, "--out", target, "--force")
        assert code == 1 and "is the input file" in _one_line(err)


def test_predict_compares_only_labels_it_can(capsys, tmp_path, model):
    blank = tmp_path / "blank.csv"
    blank.write_text("a,b,label\n1,1,\n-1,-1,\n")
    code, out, err = _run(capsys, "predict", "--model", model, "--data", blank)
    assert code == 0 and out.split() == ["label", "yes", "no"]
    assert "empty: no accuracy" in err and "accuracy against" not in err
    half = tmp_path / "half.csv"
    half.write_text("a,b,label\n1,1,yes\n-1,-1,\n")
    code, out, err = _run(capsys, "predict", "--model", model, "--data", half)
    assert code == 1 and out == "" and "'label' is empty in line 3" in _one_line(err)
    np.savez(tmp_path / "short.npz", X=np.ones((3, 2)), y=np.array(["yes", "no"]))
    code, out, err = _run(capsys, "predict", "--model", model, "--data", tmp_path / "short.npz")
    assert code == 1 and out == "" and "one label per row" in _one_line(err)


def test_models_it_cannot_use_are_one_line(capsys, tmp_path, data):
    import joblib
    from sklearn.linear_model import LogisticRegression

    from quark import QuarkClassifier

    joblib.dump({"format": 1, "estimator": QuarkClassifier(), "feature_names": ["a", "b"]}, tmp_path / "u.joblib")
    joblib.dump({"format": 1, "estimator": LogisticRegression(), "feature_names": ["a", "b"]}, tmp_path / "f.joblib")
    joblib.dump([1, 2, 3], tmp_path / "list.joblib")
    (tmp_path / "cut.joblib").write_bytes(b"\x80\x04\x95")
    for name in ("u", "f", "list", "cut"):
        for argv in (["info", tmp_path / f"{name}.joblib"],
                     ["predict", "--model", tmp_path / f"{name}.joblib", "--data", data]):
            code, out, err = _run(capsys, *argv)
            assert code == 1 and out == "" and "Quark" in _one_line(err), (name, err)


def test_string_columns_and_gaps_fit_when_asked_and_predict_alike(capsys, tmp_path):
    rng = np.random.default_rng(1)
    a = rng.normal(size=60)
    color = np.where(rng.random(60) < 0.5, "red", "blue")
    label = np.where(a + (color == "red") > 0.5, "yes", "no")
    rows = ["color;a;label"] + [f"{c};{'' if i % 9 == 0 else f'{x:.4f}'};{t}" for i, (x, c, t) in
                                enumerate(zip(a, color, label))]
    data = tmp_path / "mixed.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    code, _, err = _run(capsys, "fit", "--data", data, *FAST)
    assert code == 1 and "'color'" in _one_line(err) and "--categorical auto" in err
    code, _, err = _run(capsys, "fit", "--data", data, *FAST, "--categorical", "auto")
    assert code == 1 and "'a'" in _one_line(err) and "missing value" in err and "--impute median" in err
    model = tmp_path / "m.joblib"
    code, out, err = _run(capsys, "fit", "--data", data, *FAST, "--categorical", "auto", "--impute", "median",
                          "--save", model, "--plot", tmp_path / "fit.png")
    assert code == 0, err
    assert "1 one-hot encoded: color" in out and float(re.search(r"test accuracy\s+([0-9.]+)", out).group(1)) > 0.7
    new = tmp_path / "new.csv"
    new.write_text("color,a\nred,2\nblue,-2\ngreen,\n")  # other order, an unseen colour, a gap
    code, out, err = _run(capsys, "predict", "--model", model, "--data", new)
    assert code == 0, err
    assert out.split() == ["label", "yes", "no", out.split()[3]] and "column 'color' holds categories the training rows never had ('green')" in err
    code, out, _ = _run(capsys, "info", model)
    assert code == 0 and "one-hot encoded: color; missing values: filled with the training median" in out


@pytest.mark.parametrize("failure, code, pattern", [(MemoryError(), 1, r"quark backends: error: out of memory"),
                                                    (KeyboardInterrupt(), 130, r"quark backends: interrupted")])
def test_out_of_memory_and_ctrl_c_are_one_line(capsys, monkeypatch, failure, code, pattern):
    import quark.cli.backends as backends

    def fail(args):
        raise failure

    monkeypatch.setattr(backends, "run", fail)
    got, _, err = _run(capsys, "backends")
    assert got == code and re.search(pattern, _one_line(err))
