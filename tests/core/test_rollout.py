from __future__ import annotations

import mmh3
from hypothesis import given
from hypothesis import strategies as st

from tessera.core.models import ALL_REGIONS
from tessera.core.rollout import bucket, effective_percent, is_enabled
from tessera.sdk import Caller

names = st.text(min_size=1, max_size=40)


@given(plugin=names, team=names)
def test_bucket_is_unleash_normalised_murmur3(plugin, team):
    expected = mmh3.hash(f"{plugin}:{team}".encode(), 0, signed=False) % 100 + 1
    assert bucket(plugin, team) == expected
    assert 1 <= bucket(plugin, team) <= 100


@given(team=names, low=st.integers(0, 100), high=st.integers(0, 100))
def test_raising_the_percentage_keeps_every_team_already_in(team, low, high):
    low, high = sorted((low, high))
    caller = Caller(user="u", role="rep", region="East", team=team)
    if is_enabled({"p": {"East": low}}, "p", caller):
        assert is_enabled({"p": {"East": high}}, "p", caller)


def test_region_setting_overrides_all_regions():
    scopes = {ALL_REGIONS: 100, "East": 0}
    assert effective_percent(scopes, "East") == 0
    assert effective_percent(scopes, "West") == 100
    assert effective_percent(scopes, None) == 100
    assert effective_percent({"East": 40}, None) == 0


def test_members_of_a_team_share_its_bucket_and_teamless_callers_use_their_user():
    table = {"p": {ALL_REGIONS: bucket("p", "Team A")}}
    assert is_enabled(table, "p", Caller(user="x", role="rep", region="East", team="Team A"))
    assert is_enabled(table, "p", Caller(user="y", role="manager", region="East", team="Team A"))
    loner = Caller(user="solo", role="admin", region=None, team=None)
    assert is_enabled({"p": {ALL_REGIONS: bucket("p", "solo")}}, "p", loner)
    assert not is_enabled({"p": {ALL_REGIONS: bucket("p", "solo") - 1}}, "p", loner)
