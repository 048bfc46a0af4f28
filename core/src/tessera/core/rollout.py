"""Which version of a plugin serves a caller: releases, version splits, sticky buckets.

A release is, per plugin and scope (a region key or ``all``), an ordered list
of splits ``[{"version": "2.0.0", "percent": 20}, {"version": "1.4.2", "percent": 80}]``.
Splits are cumulative: the first takes buckets 1..20, the next 21..100;
buckets beyond the last split get no version, so the plugin is off for them.
A region's own release wins over the one for all regions, even when empty.

Bucketing is Unleash-compatible: the normalised MurmurHash3 (x86, 32-bit,
unsigned, seed 0) of ``"<plugin>:<stickiness value>"``, modulo 100, plus 1.
The stickiness value is the caller's team, so every member of a team is served
by the same version, and a team keeps its version while that version's share
grows. Callers without a team are bucketed by their user key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict, TypeVar

import mmh3

from tessera.core.models import ALL_REGIONS
from tessera.sdk import Caller

T = TypeVar("T")


class Split(TypedDict):
    version: str
    percent: int


Splits = Sequence[Split]
# scope (region key or ALL_REGIONS) -> that scope's splits
Release = Mapping[str, Splits]


def bucket(group_id: str, stickiness: str) -> int:
    """The caller's bucket, 1 to 100, for one plugin."""
    return mmh3.hash(f"{group_id}:{stickiness}", 0, signed=False) % 100 + 1


def for_region(by_scope: Mapping[str, T], region: str | None) -> T | None:
    """A region's own setting (release or configuration), else the one for all regions."""
    if region is not None and region in by_scope:
        return by_scope[region]
    return by_scope.get(ALL_REGIONS)


def choose_version(release: Release, plugin: str, caller: Caller) -> str | None:
    """The version whose share holds the caller's bucket, or ``None``: the plugin is off for them."""
    caller_bucket = bucket(plugin, caller.team or caller.user)
    upper = 0
    for split in for_region(release, caller.region) or ():
        upper += split["percent"]
        if caller_bucket <= upper:
            return split["version"]
    return None


def put_first(splits: Splits, version: str, percent: int) -> list[Split]:
    """``version`` first with ``percent``, then the other versions in their order,
    trimmed so the total stays at most 100; versions left with nothing are dropped.

    The first split keeps buckets 1..percent, so raising a version's share keeps
    every team it already served: [1.4.2:100] + 2.0.0 at 20 -> [2.0.0:20, 1.4.2:80].
    """
    result = [Split(version=version, percent=percent)] if percent else []
    room = 100 - percent
    for split in splits:
        share = min(split["percent"], room)
        if split["version"] != version and share > 0:
            result.append(Split(version=split["version"], percent=share))
            room -= share
    return result


def ramp(splits: Splits, version: str, percent: int) -> list[Split]:
    """``version`` first with ``percent``. Raising its share trims the others (see
    :func:`put_first`); lowering it keeps the total served:
    the versions after it keep their shares and the last one takes the freed share,
    so [2.0.0:35, 1.0.0:65] lowered to 20 gives [2.0.0:20, 1.0.0:80]."""
    current = sum(s["percent"] for s in splits if s["version"] == version)
    others = [Split(version=s["version"], percent=s["percent"]) for s in splits if s["version"] != version]
    if percent >= current or not others:
        return put_first(splits, version, percent)
    others[-1]["percent"] += current - percent
    first = [Split(version=version, percent=percent)] if percent else []
    return first + others


def total_percent(splits: Splits) -> int:
    return sum(split["percent"] for split in splits)
