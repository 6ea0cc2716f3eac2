"""``quark info``: what a saved model was fitted on, how, and at what cost."""

from __future__ import annotations

from quark.cli.ledger import format_ledger

__all__ = ["register", "run"]


def register(sub) -> None:
    """Add ``info`` to the sub-command parsers."""
    info = sub.add_parser("info", help="describe a saved model: what was fitted, on what, at what cost",
                          description="Describe a model saved by 'quark fit --save'. Reading a model file runs "
                          "Python's unpickler, which can execute code: load only models you trust. A saved model "
                          "holds no credentials (tokens are never saved): a refit asks for them again.")
    info.add_argument("model", metavar="MODEL")
    info.add_argument("--target", default="aer", metavar="TARGET",
                      help="the resource estimate's target: 'aer' (default), an IBM device name, 'fault-tolerant', "
                           "or 'none' to skip it (see 'quark estimate')")
    info.set_defaults(func=run)



def run(args) -> int:
    from quark.io import load_model

    record = load_model(args.model)
    clf = record["classifier"]
    print(f"Quark model, saved {record.get('saved', '?')} by quark {record.get('quark_version', '?')}")
    print(f"fitted on   {record.get('source')}")
    print(f"target      {record.get('target')!r}; classes {clf.classes_.tolist()}")
    names = record["feature_names"]
    print(f"features    {len(names)}: {', '.join(names[:8])}" + (", ..." if len(names) > 8 else ""))
    if record.get("categorical") or record.get("impute"):
        print(f"columns     one-hot encoded: {', '.join(record['categorical']) or 'none'}; "
              f"missing values: {'filled with the training ' + record['impute'] if record['impute'] else 'refused'}")
    problems = len(clf.results_)
    print(f"model       {clf.model_.name!r}, {clf.encoding_.n_qubits} weight qubits"
          + (f", {problems} two-class problems ({clf.multi_class_})" if problems > 1 else ""))
    print(f"optimizer   {clf._optimizer_name()!r}; loss {clf.loss_!r}; training loss {clf.result_.loss:.4g}")
    print("ledger")
    print(format_ledger(clf.result_.ledger))
    target = getattr(args, "target", "aer")
    if target != "none":
        print(_resources(clf, target))
    return 0


def _resources(clf, target: str) -> str:
    """The resource estimate's lines, or why there is none (a search without oracle queries, an old model)."""
    from quark.cli.estimate import format_estimate
    from quark.resources import estimate

    try:
        return "resources\n" + format_estimate(estimate(clf, target=target))
    except ValueError as exc:
        return f"resources   none: {' '.join(str(exc).split())}"
