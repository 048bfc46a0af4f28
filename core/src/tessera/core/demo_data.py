"""A synthetic sales pipeline, written in the layout of the Maven CRM export.

``tessera demo`` writes it to a folder and imports it with the importer that
reads real exports (:mod:`tessera.core.maven_import`), so the demo exercises the
import path. The shape follows the real export: 3 regional offices with 2
managers each, 5 to 7 agents per manager, 85 accounts, 7 products and 9,000
opportunities engaged and closed over the 15 months from October 2016 to
December 2017, with its quirks (open deals without an account, a product
spelled without its space in the pipeline). The same seed gives the same
files, byte for byte.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from tessera.core.maven_import import ACCOUNTS_FILE, COLUMNS, PIPELINE_FILE, PRODUCTS_FILE, TEAMS_FILE

DEMO_SEED: Final = 20161020

FIRST_DAY: Final = dt.date(2016, 10, 1)
LAST_DAY: Final = dt.date(2017, 12, 31)
REGIONS: Final = ("Central", "East", "West")
MANAGERS_PER_REGION: Final = 2
AGENTS_PER_MANAGER: Final = (5, 7)
ACCOUNT_COUNT: Final = 85
OPPORTUNITY_COUNT: Final = 9000

# name, series, list price, relative frequency in the pipeline
PRODUCTS: Final = (
    ("Atlas Basic", "Atlas", 550, 16),
    ("Atlas Pro", "Atlas", 4820, 12),
    ("Atlas Plus Basic", "Atlas", 1100, 14),
    ("Atlas Plus Pro", "Atlas", 5480, 11),
    ("Vega Special", "Vega", 55, 17),
    ("Vega Advanced", "Vega", 3390, 17),
    ("Titan 500", "Titan", 26770, 2),
)
PIPELINE_SPELLING: Final = {"Atlas Pro": "AtlasPro"}  # the real export's kind of variant

LONGEST_CYCLE_DAYS: Final = 140
STALLED_SHARE: Final = 0.08  # open deals that stopped moving long before the end
PROSPECTING_SHARE: Final = 0.25  # of open deals; they have no engage date yet
OPEN_WITHOUT_ACCOUNT_SHARE: Final = 0.6
WIN_RATE: Final = 0.63
SUBSIDIARY_SHARE: Final = 0.15

_FIRST_NAMES = (
    "Ada", "Bram", "Carmen", "Dario", "Edith", "Femi", "Greta", "Hugo", "Ines", "Jonas",
    "Kaia", "Liam", "Mira", "Nils", "Olga", "Pavel", "Quinn", "Rosa", "Soren", "Tess",
)  # fmt: skip
_LAST_NAMES = (
    "Abbott", "Brandt", "Costa", "Dahl", "Eriksen", "Fischer", "Gallo", "Holm", "Ibarra",
    "Jansen", "Kovac", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Ruiz", "Sato",
)  # fmt: skip
_ACCOUNT_STEMS = (
    "Alder", "Basalt", "Cobalt", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris",
    "Juniper", "Kestrel", "Lumen", "Meridian", "Nimbus", "Onyx", "Pinnacle", "Quarry",
)  # fmt: skip
_ACCOUNT_ENDINGS = ("works", "tech", "soft", "dyne", "corp", "labs", "systems")
_SECTORS = ("technology", "medical", "retail", "software", "marketing", "finance", "telecommunications")
_COUNTRIES = ("United States",) * 8 + ("Germany", "Japan", "Kenya", "Brazil", "Norway")
_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class _Agent:
    name: str
    manager: str
    region: str
    activity: int  # relative share of the pipeline


def write_demo_export(directory: Path, *, seed: int = DEMO_SEED) -> None:
    """Write the four CSV files of a synthetic export into ``directory``."""
    rng = random.Random(seed)
    agents = _agents(rng)
    accounts = rng.sample([s + e for s in _ACCOUNT_STEMS for e in _ACCOUNT_ENDINGS], ACCOUNT_COUNT)
    directory.mkdir(parents=True, exist_ok=True)
    _write(directory, TEAMS_FILE, ((a.name, a.manager, a.region) for a in agents))
    _write(directory, PRODUCTS_FILE, ((name, series, price) for name, series, price, _ in PRODUCTS))
    _write(directory, ACCOUNTS_FILE, _account_rows(rng, accounts))
    _write(directory, PIPELINE_FILE, _pipeline_rows(rng, agents, accounts))


def _agents(rng: random.Random) -> list[_Agent]:
    names = iter(rng.sample([f"{f} {last}" for f in _FIRST_NAMES for last in _LAST_NAMES], 60))
    agents = []
    for region in REGIONS:
        for manager in [next(names) for _ in range(MANAGERS_PER_REGION)]:
            team_size = rng.randint(*AGENTS_PER_MANAGER)
            agents += [_Agent(next(names), manager, region, rng.randint(5, 15)) for _ in range(team_size)]
    return agents


def _account_rows(rng: random.Random, accounts: Sequence[str]) -> Iterable[tuple[object, ...]]:
    parents = accounts[:10]
    for name in accounts:
        revenue_cents = rng.randint(40_00, 11_000_00)
        subsidiary_of = rng.choice(parents) if rng.random() < SUBSIDIARY_SHARE else ""
        yield (
            name,
            rng.choice(_SECTORS),
            rng.randint(1979, 2015),
            f"{revenue_cents // 100}.{revenue_cents % 100:02d}",
            rng.randint(9, 20_000),
            rng.choice(_COUNTRIES),
            subsidiary_of if subsidiary_of != name else "",
        )


def _pipeline_rows(
    rng: random.Random, agents: Sequence[_Agent], accounts: Sequence[str]
) -> list[tuple[object, ...]]:
    owners = rng.choices([a.name for a in agents], [a.activity for a in agents], k=OPPORTUNITY_COUNT)
    products = rng.choices(PRODUCTS, [p[3] for p in PRODUCTS], k=OPPORTUNITY_COUNT)
    used: set[str] = set()
    rows = []
    for owner, (product, _series, price, _weight) in zip(owners, products, strict=True):
        key = _new_id(rng, used)
        spelling = PIPELINE_SPELLING.get(product, product)
        rows.append((key, owner, spelling, *_deal(rng, price, accounts)))
    return sorted(rows, key=lambda row: (row[5] == "", row[5], row[0]))  # by engage date


def _deal(rng: random.Random, price: int, accounts: Sequence[str]) -> tuple[str, str, str, str, str]:
    """account, deal_stage, engage_date, close_date, close_value."""
    engaged = FIRST_DAY + dt.timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    closed = engaged + dt.timedelta(days=rng.randint(1, LONGEST_CYCLE_DAYS))
    if closed > LAST_DAY or rng.random() < STALLED_SHARE:
        account = "" if rng.random() < OPEN_WITHOUT_ACCOUNT_SHARE else rng.choice(accounts)
        if rng.random() < PROSPECTING_SHARE:
            return account, "Prospecting", "", "", ""
        return account, "Engaging", engaged.isoformat(), "", ""
    account = rng.choice(accounts)
    won = rng.random() < WIN_RATE
    value = price * rng.randint(75, 110) // 100 if won else 0
    return account, "Won" if won else "Lost", engaged.isoformat(), closed.isoformat(), str(value)


def _new_id(rng: random.Random, used: set[str]) -> str:
    while True:
        key = "".join(rng.choices(_ID_ALPHABET, k=8))
        if key not in used:
            used.add(key)
            return key


def _write(directory: Path, file: str, rows: Iterable[Iterable[object]]) -> None:
    with (directory / file).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")  # as in the real export
        writer.writerow(COLUMNS[file])
        writer.writerows(rows)
