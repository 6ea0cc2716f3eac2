"""The data-set-size benchmark end to end in --quick mode (3 sizes per family, few runs; ~20 s)."""

import json
import math


def test_quick_data_size_writes_outputs_and_fits_finite_exponents(tmp_path, load_benchmark):
    mod = load_benchmark("data_size")
    result = mod.main(["--quick", "--out", str(tmp_path)])
    for ext in ("json", "md", "png"):
        assert (tmp_path / f"data_size_quick.{ext}").stat().st_size > 0
    names = [F["name"] for F in result["families"]]
    assert names == ["mnist-repeat", "mnist-subsample", "edge-subsample"]
    for F in result["families"]:
        f = F["fits"]["GAS oracle queries to the optimum (median)"]
        assert f["exponent"] is not None and math.isfinite(f["exponent"])
        assert f["lo"] <= f["exponent"] <= f["hi"]
        # classical checks of measured settings cost m model evaluations each: linear in m
        assert 0.8 < F["fits"]["GAS model evaluations per solve (median)"]["exponent"] < 1.2
        widening = F["fits"]["counting oracle: qubits"]["per_doubling"]
        if F["name"].endswith("repeat"):
            # repeated patterns become one weighted sample each, and the weights' common factor
            # divides out: the counter does not grow with the repetitions
            assert abs(widening) < 1e-9
        else:
            # distinct samples: the counter widens by about one qubit per doubling of m
            assert widening > 0.5
    # repeating the patterns leaves the landscape, hence every seeded search, unchanged
    assert result["families"][0]["identical_runs"]
    md = (tmp_path / "data_size_quick.md").read_text()
    assert "| GAS oracle queries to the optimum (median) |" in md and "Aer wall time" in md
    json.loads((tmp_path / "data_size_quick.json").read_text())
    # --replot redraws the figure and rewrites the same tables from the JSON alone
    mod.main(["--quick", "--replot", "--out", str(tmp_path)])
    assert (tmp_path / "data_size_quick.md").read_text() == md


def test_fit_recovers_a_known_exponent_and_reads_flat_noise(load_benchmark):
    mod = load_benchmark("data_size")
    ms = [32, 64, 128, 256]
    exact = mod.fit(ms, None, None, values=[3 * m**0.5 for m in ms])
    assert abs(exact["exponent"] - 0.5) < 1e-9 and mod.reading(exact) == "grows as m^0.50"
    import numpy as np

    rng = np.random.default_rng(0)
    clusters = [[rng.normal(10, 1, 5) for _ in range(20)] for _ in ms]  # no dependence on m
    noisy = mod.fit(ms, clusters, np.median, B=200)
    assert noisy["lo"] < 0 < noisy["hi"] and mod.reading(noisy) == "flat within noise"
