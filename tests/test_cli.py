"""The ``quark`` command line: fit, backends, bench, help and one-line errors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

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
