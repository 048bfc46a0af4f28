"""The plugin's configuration: its JSON Schema and default (both in ``plugin.json``), and parsing.

The kernel validates every configuration against :data:`CONFIG_SCHEMA` before
it stores one, so :func:`load_config` reads documents known to be valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

from tessera.sdk import Manifest

from .credits import FieldMapping, WonCondition
from .plan import Plan, to_cents

MANIFEST: Final = Manifest.load(Path(__file__).parent)
CONFIG_SCHEMA: Final = MANIFEST.config_schema
DEFAULT_CONFIG: Final[dict[str, Any]] = dict(MANIFEST.default_config)


@dataclass(frozen=True)
class CommissionConfig:
    fields: FieldMapping
    plan: Plan


def load_config(config: Mapping[str, Any]) -> CommissionConfig:
    """Read a configuration that satisfies :data:`CONFIG_SCHEMA`."""
    fields, plan = config["fields"], config["plan"]
    return CommissionConfig(
        fields=FieldMapping(
            amount=fields["amount"],
            date=fields["date"],
            owner=fields["owner"],
            won=WonCondition(field=fields["won"]["field"], equals=fields["won"]["equals"]),
        ),
        plan=Plan(
            name=plan["name"],
            quota=to_cents(Decimal(plan["quota"])),
            rate_to_quota=Decimal(plan["rate_to_quota"]),
            rate_above_quota=Decimal(plan["rate_above_quota"]),
            cap=None if plan["cap"] is None else to_cents(Decimal(plan["cap"])),
        ),
    )
