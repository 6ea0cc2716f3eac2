"""The scale_range benchmark asks the networks benchmark for the data sets it names."""


def test_the_network_run_on_mnist_reads_mnist_at_14(load_benchmark, monkeypatch, capsys):
    mod = load_benchmark("scale_range")
    real, asked = mod.datasets, []

    def subset(quick, mnist):  # the real splits, every 20th row (the files are sorted by class): a quick fit
        asked.append(mnist)
        return {k: (a[::20], b[::20], c[::20], d[::20]) for k, (a, b, c, d) in real(quick, mnist).items()}

    monkeypatch.setattr(mod, "datasets", subset)
    mod.network(1, 2, mnist=True)
    mod.network(1, 2)
    assert asked == [14, None]
    out = capsys.readouterr().out
    assert "MNIST 14x14  quantized-mlp range, hidden 2, 1 sweeps: test" in out and "digits-10  quantized-mlp" in out
