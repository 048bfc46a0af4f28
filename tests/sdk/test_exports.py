from __future__ import annotations

import tessera.sdk


def test_all_lists_exactly_the_public_names():
    public = {name for name in vars(tessera.sdk) if not name.startswith("_")}
    modules = {"context", "errors", "hookspecs", "manifest", "markers", "types", "annotations"}
    assert set(tessera.sdk.__all__) == public - modules


def test_every_exported_name_resolves():
    for name in tessera.sdk.__all__:
        assert getattr(tessera.sdk, name) is not None
