from __future__ import annotations

import mmh3
from hypothesis import given
from hypothesis import strategies as st

from tessera.core.models import ALL_REGIONS
from tessera.core.rollout import Split, bucket, choose_version, for_region, put_first, total_percent
from tessera.sdk import Caller

names = st.text(min_size=1, max_size=40)
versions = st.sampled_from(["1.0.0", "1.4.2", "2.0.0", "3.0.0rc1"])
splits = st.lists(
    st.builds(Split, version=versions, percent=st.integers(1, 100)),
    max_size=4,
    unique_by=lambda s: s["version"],
).filter(lambda s: total_percent(s) <= 100)


def caller(team: str | None, region: str | None = "East", user: str = "u") -> Caller:
    return Caller(user=user, role="rep", region=region, team=team)


@given(plugin=names, team=names)
def test_bucket_is_unleash_normalised_murmur3(plugin, team):
    expected = mmh3.hash(f"{plugin}:{team}".encode(), 0, signed=False) % 100 + 1
    assert bucket(plugin, team) == expected
    assert 1 <= bucket(plugin, team) <= 100


def test_splits_are_cumulative_and_buckets_past_the_last_split_get_nothing():
    release = {"East": [Split(version="2.0.0", percent=20), Split(version="1.4.2", percent=30)]}
    for team in (f"team {n}" for n in range(300)):
        chosen = choose_version(release, "p", caller(team))
        expected = {True: "2.0.0", False: "1.4.2" if bucket("p", team) <= 50 else None}[
            bucket("p", team) <= 20
        ]
        assert chosen == expected


@given(team=names, existing=splits, version=versions, low=st.integers(0, 100), high=st.integers(0, 100))
def test_raising_a_versions_share_keeps_every_team_it_served(team, existing, version, low, high):
    low, high = sorted((low, high))
    before = {ALL_REGIONS: put_first(existing, version, low)}
    after = {ALL_REGIONS: put_first(before[ALL_REGIONS], version, high)}
    if choose_version(before, "p", caller(team)) == version:
        assert choose_version(after, "p", caller(team)) == version


@given(existing=splits, version=versions, percent=st.integers(0, 100))
def test_put_first_gives_the_version_its_share_first_and_never_exceeds_100(existing, version, percent):
    result = put_first(existing, version, percent)
    assert total_percent(result) <= 100
    assert (result[:1] == [Split(version=version, percent=percent)]) is (percent > 0)
    assert [s["version"] for s in result].count(version) == (1 if percent else 0)
    assert all(s["percent"] > 0 for s in result)


def test_put_first_trims_the_others_in_order():
    stable = [Split(version="1.4.2", percent=100)]
    canary = put_first(stable, "2.0.0", 20)
    assert canary == [Split(version="2.0.0", percent=20), Split(version="1.4.2", percent=80)]
    assert put_first(canary, "2.0.0", 50) == [
        Split(version="2.0.0", percent=50),
        Split(version="1.4.2", percent=50),
    ]
    assert put_first(canary, "1.4.2", 100) == [Split(version="1.4.2", percent=100)]


def test_a_regions_own_release_wins_over_all_even_when_empty():
    release = {ALL_REGIONS: [Split(version="1.0.0", percent=100)], "East": []}
    assert for_region(release, "East") == []
    assert for_region(release, "West") == release[ALL_REGIONS]
    assert for_region(release, None) == release[ALL_REGIONS]
    assert for_region({"East": []}, None) is None
    assert choose_version(release, "p", caller("any team", region="East")) is None
    assert choose_version(release, "p", caller("any team", region="West")) == "1.0.0"


def test_members_of_a_team_share_its_bucket_and_teamless_callers_use_their_user():
    at_team_bucket = {ALL_REGIONS: [Split(version="1.0.0", percent=bucket("p", "Team A"))]}
    assert choose_version(at_team_bucket, "p", caller("Team A", user="x")) == "1.0.0"
    assert choose_version(at_team_bucket, "p", caller("Team A", user="y")) == "1.0.0"
    solo = bucket("p", "solo")
    assert choose_version(
        {ALL_REGIONS: [Split(version="1.0.0", percent=solo)]}, "p", caller(None, None, "solo")
    )
    assert not choose_version(
        {ALL_REGIONS: [Split(version="1.0.0", percent=solo - 1)]} if solo > 1 else {},
        "p",
        caller(None, None, "solo"),
    )
