"""Guards on the hook contract: every hook is documented and tested."""

from __future__ import annotations

import re
from pathlib import Path

from tessera.sdk import hookspecs

ROOT = Path(__file__).resolve().parents[2]


def hook_names() -> list[str]:
    return sorted(name for name in vars(hookspecs) if name.startswith("tessera_"))


def test_there_are_hooks():
    assert "tessera_register_routes" in hook_names()


def test_every_hook_is_documented():
    reference = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## `(tessera_\w+)\(", reference, flags=re.M))
    assert documented == set(hook_names())


def test_every_hook_has_a_test():
    tests = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "tests").rglob("test_*.py"))
    untested = [name for name in hook_names() if f"def test_hook_{name}" not in tests]
    assert untested == []
