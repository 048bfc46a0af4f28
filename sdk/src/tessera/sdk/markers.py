"""The pluggy markers of the ``tessera`` hook namespace.

Plugins decorate their hook implementations with :data:`hookimpl`::

    from tessera.sdk import hookimpl

    @hookimpl
    def tessera_register_routes():
        ...

The specification marker stays private to the SDK: only the SDK declares hooks.
"""

from __future__ import annotations

from typing import Final

import pluggy

PROJECT_NAME: Final = "tessera"

hookimpl: Final = pluggy.HookimplMarker(PROJECT_NAME)
_spec: Final = pluggy.HookspecMarker(PROJECT_NAME)
