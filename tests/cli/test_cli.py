"""The ``quark`` command line: fit, backends, bench, help and one-line errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import numpy as np
import pytest

from quark.backends import available_backends
from quark.cli import build_parser, main


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_fit_edge_detection_prints_accuracy_and_ledger(capsys, tmp_path):
    png = tmp_path / "fit.png"
    code, out, err = _run(capsys, "fit", "--dataset", "edge-detection", "--optimizer", "exhaustive", "--plot", str(png))
    assert code == 0, err
    assert "384 train / 128 test" in out
    assert re.search(r"train accuracy\s+1\.0000", out) and re.search(r"test accuracy\s+1\.0000", out)
    assert "row0=1, row1=1, row2=1, col0=0" in out
    assert re.search(r"model_evaluations\s+98,304", out)  # 2**8 settings x 384 training images
    assert png.stat().st_size > 10_000 and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_fit_tiny_mnist_with_grover_matches_exhaustive(capsys):
    def train_accuracy(optimizer):
        code, out, err = _run(capsys, "fit", "--dataset", "tiny-mnist", "--optimizer", optimizer, "--seed", "1")
        assert code == 0, err
        assert "Tiny-MNIST 6 vs 7 (3x3)" in out and "test accuracy" in out
        return out, float(re.search(r"train accuracy\s+([0-9.]+)", out).group(1))

    out, grover = train_accuracy("grover")
    assert re.search(r"oracle_queries\s+[1-9]", out) and re.search(r"shots\s+[1-9]", out)
    assert grover == train_accuracy("exhaustive")[1]


def test_backends_table_lists_every_registered_backend(capsys):
    code, out, _ = _run(capsys, "backends")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["name", "kind", "usable"]
    for info in available_backends():
        row = next(line for line in lines[1:] if line.split()[0] == info.name)
        assert row.split()[2] == ("yes" if info.usable else "no")
        if not info.usable:
            assert info.reason.split()[0] in row  # says why not


def test_bench_lists_and_runs_scripts(capsys, tmp_path):
    (tmp_path / "hello.py").write_text('"""Say hello."""\nimport sys\nprint("hello", *sys.argv[1:])\nsys.exit(3)\n')
    (tmp_path / "_helper.py").write_text("")
    code, out, _ = _run(capsys, "bench", "--dir", str(tmp_path))
    assert code == 0 and "hello  Say hello." in out and "_helper" not in out
    # the script's own output and exit status come through
    proc = subprocess.run(
        [sys.executable, "-m", "quark", "bench", "--dir", str(tmp_path), "hello", "--", "a", "b"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 3 and proc.stdout.strip() == "hello a b"
    code, _, err = _run(capsys, "bench", "--dir", str(tmp_path), "nope")
    assert code == 1 and "unknown benchmark 'nope'" in err and "hello" in err


def test_bench_lists_the_repository_benchmarks(capsys):
    code, out, _ = _run(capsys, "bench")
    assert code == 0 and "benchmarks in" in out


@pytest.mark.parametrize(
    ("argv", "code", "pattern"),
    [
        (["fit", "--dataset", "cifar"], 2, r"invalid choice: 'cifar'"),
        (["fit", "--dataset", "tiny-mnist", "--scale", "pixels"], 2, r"--scale: invalid choice: 'pixels'"),
        (["fit", "--dataset", "tiny-mnist", "--alpha", "-1"], 2, r"--alpha: expected 'auto' or a non-negative number"),
        (["fit", "--dataset", "tiny-mnist", "--alpha", "nan"], 2, r"--alpha: expected 'auto' or a non-negative number"),
        (["fit", "--dataset", "tiny-mnist", "--start", "float"], 1, r"start='float' rounds a float network"),
        (["fit"], 2, r"--dataset"),
        (["fit", "--dataset", "tiny-mnist", "--shots", "0"], 2, r"--shots: expected a positive integer"),
        (["fit", "--dataset", "tiny-mnist", "--optimizer", "adam"], 1, r"'optimizer' must be one of"),
        (["fit", "--dataset", "tiny-mnist", "--digits", "3", "3"], 1, r"'digits' must be two different digits"),
        (["fit", "--dataset", "edge-detection", "--optimizer", "exhaustive", "--shots", "5"], 1, r"'shots' does not apply"),
        (["fit", "--dataset", "edge-detection", "--lines", "zigzag"], 1, r"'lines' must be one of"),
        (["fit", "--dataset", "edge-detection", "--optimizer", "exhaustive", "--plot", "/no/such/dir/x.png"], 1,
         r"folder '/no/such/dir' does not exist"),
        (["bench", "--dir", "/no/such/dir"], 1, r"is not a folder"),
    ],
)
def test_user_errors_are_one_line_without_traceback(capsys, argv, code, pattern):
    got, _, err = _run(capsys, *argv) if code == 1 else _exit_code(capsys, argv)
    assert got == code
    assert len(err.strip().splitlines()) == 1, err
    assert re.search(pattern, err) and "Traceback" not in err


def _exit_code(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    return info.value.code, out, err


def test_help_everywhere(capsys):
    for argv in ([], ["fit"], ["backends"], ["bench"]):
        code, out, _ = _exit_code(capsys, [*argv, "--help"])
        assert code == 0 and out.startswith("usage: quark")
    for option in ("--dataset", "--model", "--optimizer", "--backend", "--shots", "--max-queries", "--copies",
                   "--size", "--digits", "--lines", "--seed", "--plot"):
        assert option in build_parser()._subparsers._group_actions[0].choices["fit"].format_help()


def test_python_dash_m_and_the_console_script():
    proc = subprocess.run([sys.executable, "-m", "quark", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "fit" in proc.stdout and "backends" in proc.stdout and "bench" in proc.stdout
    script = shutil.which("quark")
    if script is None:
        pytest.skip("the 'quark' console script is not on PATH (package not installed)")
    proc = subprocess.run([script, "fit", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: quark fit")


def _write_csv(path, X, y, names=None):
    names = names or [f"f{j}" for j in range(X.shape[1])]
    rows = [",".join([*names, "label"])]
    rows += [",".join([*(f"{v:.6g}" for v in x), str(t)]) for x, t in zip(X, y)]
    path.write_text("\n".join(rows) + "\n")


@pytest.mark.parametrize("flag, scaler", [("range", "RangeScaler"), ("standardize", "StandardScaler"),
                                          ("none", None)])
def test_scale_from_the_command_line(capsys, tmp_path, flag, scaler):
    from quark.io import load_model

    model = tmp_path / "m.joblib"
    code, out, err = _run(capsys, "fit", "--dataset", "tiny-mnist", "--model", "fixed-point-linear", "--optimizer",
                          "none", "--scale", flag, "--save", str(model))
    assert code == 0, err
    clf = load_model(model)["classifier"]
    assert clf.scale == {"range": "range", "standardize": True, "none": False}[flag]
    assert (type(clf.scaler_).__name__ if clf.scaler_ is not None else None) == scaler


def test_float_start_of_a_network_from_the_command_line(capsys):
    code, out, err = _run(capsys, "fit", "--dataset", "digits", "--model", "quantized-mlp", "--start", "float",
                          "--model-option", "hidden=8", "--optimizer", "none")
    assert code == 0, err
    assert "model 'quantized-mlp'" in out and re.search(r"oracle_queries\s+0\b", out)
    assert float(re.search(r"test accuracy\s+([0-9.]+)", out).group(1)) > 0.6   # a trained layer, rounded


def test_binarize_and_alpha_from_the_command_line(capsys, tmp_path):
    from quark.io import load_model

    model = tmp_path / "m.joblib"
    code, out, err = _run(capsys, "fit", "--dataset", "breast-cancer", "--model", "perceptron", "--optimizer", "none",
                          "--binarize", "yes", "--alpha", "0.25", "--save", str(model))
    assert code == 0, err
    clf = load_model(model)["classifier"]
    assert clf.binarize is True and clf.alpha == 0.25 and clf.thresholds_ is not None


def test_csv_fit_save_predict_round_trip(capsys, tmp_path):
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    data, model, preds = tmp_path / "iris.csv", tmp_path / "iris.joblib", tmp_path / "pred.csv"
    _write_csv(data, X, labels)
    code, out, err = _run(capsys, "fit", "--data", str(data), "--target", "label", "--save", str(model))
    assert code == 0, err
    assert "3 classes of 'label' (setosa, versicolor, virginica)" in out
    test_acc = float(re.search(r"test accuracy\s+([0-9.]+)", out).group(1))
    assert test_acc > 0.8 and model.is_file()
    # a prediction file with its columns in another order and no label column
    order = [3, 0, 2, 1]
    rows = [",".join(f"f{j}" for j in order)] + [",".join(f"{x[j]:.6g}" for j in order) for x in X]
    (tmp_path / "new.csv").write_text("\n".join(rows) + "\n")
    code, out, err = _run(capsys, "predict", "--model", str(model), "--data", str(tmp_path / "new.csv"),
                          "--out", str(preds))
    assert code == 0, err
    got = preds.read_text().split()
    assert got[0] == "label" and len(got) == 151
    assert np.mean(np.array(got[1:]) == labels) > 0.85
    code, out, err = _run(capsys, "predict", "--model", str(model), "--data", str(tmp_path / "new.csv"), "--proba")
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].split(",") == ["P(setosa)", "P(versicolor)", "P(virginica)"]
    assert all(abs(sum(map(float, line.split(","))) - 1.0) < 1e-6 for line in lines[1:])
    code, out, err = _run(capsys, "info", str(model))
    assert code == 0 and "f0" in out and "label" in out


def test_named_real_data_sets_fit_many_features_and_classes(capsys):
    code, out, err = _run(capsys, "fit", "--dataset", "digits", "--n-jobs", "1")
    assert code == 0, err
    assert float(re.search(r"test accuracy\s+([0-9.]+)", out).group(1)) > 0.9
    assert re.search(r"compile_evaluations\s+[1-9]", out) and re.search(r"oracle_queries\s+[1-9]", out)


@pytest.mark.parametrize(("argv", "pattern"), [
    (["fit", "--dataset", "iris", "--digits", "1", "2"], r"'digits' \(--digits\) does not apply to data set 'iris'"),
    (["fit", "--data", "/no/such.csv"], r"no data file '/no/such.csv'"),
    (["fit", "--dataset", "iris", "--option", "nonsense=1"], r"optimizer='grover' \(in 'optimizer_options'\) got an unknown option 'nonsense'"),
    (["fit", "--dataset", "iris", "--option", "shot=5"], r"unknown option 'shot' \(did you mean 'shots'\?\)"),
    (["fit", "--dataset", "iris", "--shots", "3", "--option", "shots=5"], r"'shots' is given twice"),
    (["predict", "--model", "/no/model.joblib", "--data", "/no/such.csv"], r"no model file"),
])
def test_user_data_errors_are_one_line(capsys, argv, pattern):
    code, _, err = _run(capsys, *argv)
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert re.search(pattern, err), err


def test_malformed_options_are_usage_errors(capsys):
    code, _, err = _exit_code(capsys, ["fit", "--dataset", "iris", "--option", "block_size"])
    assert code == 2 and "expected KEY=VALUE; got 'block_size'" in err


def test_fit_the_start_alone_from_the_command_line(capsys):
    base = ("fit", "--dataset", "tiny-mnist", "--model", "fixed-point-linear", "--seed", "0")
    code, out, err = _run(capsys, *base, "--optimizer", "none", "--start", "random")
    assert code == 0, err
    assert re.search(r"oracle_queries\s+0\b", out) and re.search(r"shots\s+0\b", out)
    code, out, err = _run(capsys, *base, "--start", "zeros")
    assert code != 0 and "'start' must be one of ['ridge', 'hebbian', 'float', 'random']" in err
