"""``quark backends``: every registered backend, whether it runs here, and why not."""

from __future__ import annotations

__all__ = ["register", "run"]


def register(sub) -> None:
    """Add ``backends`` to the sub-command parsers."""
    back = sub.add_parser(
        "backends",
        help="list the backends and whether each is usable here (and why not)",
        description="List every registered backend, whether it can run here, and why not.",
    )
    back.set_defaults(func=run)



def run(args) -> int:
    from quark.backends import available_backends

    infos = available_backends()
    rows = [("name", "kind", "usable", "why not / description")]
    for b in infos:
        rows.append((b.name, b.kind, "yes" if b.usable else "no", b.description if b.usable else b.reason))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r[:3], widths)) + "  " + r[3])
    return 0
