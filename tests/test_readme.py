"""The Python snippets of the README and of the user-facing docs run exactly as written."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["README.md", "docs/your_data.md", "docs/getting_started.md", "docs/classifier.md", "docs/hardware.md"]


@pytest.mark.parametrize("page", PAGES)
def test_snippets_run_in_order(page, tmp_path, monkeypatch):
    """A page's snippets run one after the other in one namespace, as a reader would paste them."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / page).read_text(), flags=re.S)
    assert blocks, f"{page} has no Python snippet"
    monkeypatch.chdir(tmp_path)          # snippets that write files write them here
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace = {"__name__": "__snippet__"}
    for i, code in enumerate(blocks):
        exec(compile(code, f"{page}, snippet {i}", "exec"), namespace)
