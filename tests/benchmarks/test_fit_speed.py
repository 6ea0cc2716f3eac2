"""The fit-speed benchmark times the classifier it is told to: the default fit, or the network with its options."""

import pytest


def test_network_options_reach_the_classifier(load_benchmark, capsys):
    mod = load_benchmark("fit_speed")
    out = mod.main(["digits", "--network", "--hidden", "3", "--float-start", "--scale", "range", "--sweeps", "1"])
    assert out["model"] == "quantized-mlp" and out["data"] == "digits"
    assert 0.3 < out["test_accuracy"] <= 1.0 and out["cpu_s"] > 0 and out["logistic_wall_s"] > 0
    printed = capsys.readouterr().out
    assert "digits, network hidden=3 start=float scale=range sweeps=1: Quark" in printed
    kw = mod.network_options(mod.parse_args(["digits", "--network", "--hidden", "3", "--sweeps", "2"]))
    assert kw == {"model": "quantized-mlp", "scale": "auto", "model_options": {"hidden": 3}, "optimizer": "block",
                  "optimizer_options": {"order": "structured", "block_size": 10, "max_sweeps": 2}}
    assert mod.network_options(mod.parse_args(["digits"])) == {}


def test_network_settings_without_network_are_refused(load_benchmark, capsys):
    mod = load_benchmark("fit_speed")
    with pytest.raises(SystemExit):
        mod.main(["digits", "--hidden", "128"])
    assert "add --network" in capsys.readouterr().err
