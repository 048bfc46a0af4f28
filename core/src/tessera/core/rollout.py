"""Which callers a plugin is enabled for: regions, percentages, sticky buckets.

Bucketing is Unleash-compatible: the normalised MurmurHash3 (x86, 32-bit,
unsigned, seed 0) of ``"<plugin>:<stickiness value>"``, modulo 100, plus 1.
The stickiness value is the caller's team, so a team keeps its bucket when the
percentage is raised, and every member of a team sees the same plugins.
Callers without a team are bucketed by their user key.
"""

from __future__ import annotations

from collections.abc import Mapping

import mmh3

from tessera.core.models import ALL_REGIONS
from tessera.sdk import Caller

# plugin name -> scope (region key or ALL_REGIONS) -> percent of teams enabled
RolloutTable = Mapping[str, Mapping[str, int]]


def bucket(group_id: str, stickiness: str) -> int:
    """The caller's bucket, 1 to 100, for one plugin."""
    return mmh3.hash(f"{group_id}:{stickiness}", 0, signed=False) % 100 + 1


def effective_percent(scopes: Mapping[str, int], region: str | None) -> int:
    """A region's own setting wins over the one for all regions."""
    if region is not None and region in scopes:
        return scopes[region]
    return scopes.get(ALL_REGIONS, 0)


def is_enabled(table: RolloutTable, plugin: str, caller: Caller) -> bool:
    percent = effective_percent(table.get(plugin, {}), caller.region)
    if percent <= 0:
        return False
    return bucket(plugin, caller.team or caller.user) <= percent
