"""``quark estimate``: what a saved model's searches would need on Aer, an IBM device or a fault-tolerant machine."""

from __future__ import annotations

__all__ = ["register", "run", "format_estimate"]


def register(sub) -> None:
    """Add ``estimate`` to the sub-command parsers."""
    p = sub.add_parser(
        "estimate", help="resources a saved model's searches would need on hardware (qubits, gates, T count, runtime)",
        description="Estimate the resources of a saved model's searches: per oracle query (qubits, two-qubit gates, "
                    "depth, T count) and in total (queries and shots from its ledger, runtime, physical qubits).")
    p.add_argument("--model", required=True, metavar="MODEL", help="a model saved by 'quark fit --save'")
    p.add_argument("--target", default="aer", metavar="TARGET",
                   help="'aer' (default), an IBM device name such as 'fake_brisbane' (offline), or 'fault-tolerant' "
                        "(Microsoft's resource estimator: pip install 'quark-qml[resources]')")
    p.add_argument("--json", action="store_true", help="print every field as JSON")
    p.set_defaults(func=run)


def format_estimate(est, indent: str = "  ") -> str:
    """The estimate's summary lines, indented."""
    return "\n".join(indent + line.strip() for line in est.summary().splitlines())


def run(args) -> int:
    from quark.io import load_model
    from quark.resources import estimate

    clf = load_model(args.model)["estimator"]
    est = estimate(clf, target=args.target)
    if args.json:
        import json

        print(json.dumps(est.to_dict(), indent=1, default=str))
    else:
        print(format_estimate(est, indent=""))
        print("assumptions")
        for key in ("query", "target"):
            print(f"  {key}: {est.assumptions[key]}")
    return 0
