"""``tessera plugins list|enable|disable|configure``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tessera.core.cli.runtime import database_session, load_plugins, reporting_errors
from tessera.core.errors import InputError
from tessera.core.models import ALL_REGIONS
from tessera.core.plugin_settings import list_plugins, set_config, set_rollout

app = typer.Typer(help="List, enable, disable and configure plugins.", no_args_is_help=True)

RegionOption = Annotated[str, typer.Option("--region", help=f"A region key, or '{ALL_REGIONS}'.")]


@app.command("list")
def list_command() -> None:
    """Show installed plugins and where they are enabled."""
    manager = load_plugins()
    with database_session() as session:
        statuses = list_plugins(session=session, manifests=manager.manifests)
    table = Table("plugin", "version", "enabled (percent of teams by region)", "description")
    for status in statuses:
        rollouts = ", ".join(f"{scope} {pct}%" for scope, pct in status.rollouts.items() if pct) or "off"
        table.add_row(status.name, status.version, rollouts, status.description)
    Console(width=160).print(table)


@app.command("enable")
def enable(
    name: Annotated[str, typer.Argument(help="The plugin's name.")],
    region: RegionOption,
    percent: Annotated[int, typer.Option(help="Percent of the region's teams, 0 to 100.")] = 100,
) -> None:
    """Enable a plugin for a percentage of a region's teams (sticky per team)."""
    manager = load_plugins()
    with reporting_errors(), database_session() as session:
        set_rollout(session=session, manifests=manager.manifests, plugin=name, scope=region, percent=percent)
    typer.echo(f"Enabled {name} for {percent}% of teams in {region}")


@app.command("disable")
def disable(name: Annotated[str, typer.Argument(help="The plugin's name.")], region: RegionOption) -> None:
    """Disable a plugin in a region (or in all regions without their own setting)."""
    manager = load_plugins()
    with reporting_errors(), database_session() as session:
        set_rollout(session=session, manifests=manager.manifests, plugin=name, scope=region, percent=0)
    typer.echo(f"Disabled {name} in {region}")


@app.command("configure")
def configure(
    name: Annotated[str, typer.Argument(help="The plugin's name.")],
    config_file: Annotated[Path, typer.Argument(help="A JSON file with the configuration.", exists=True)],
    region: RegionOption = ALL_REGIONS,
) -> None:
    """Set a plugin's configuration for a region, validated against its JSON Schema."""
    manager = load_plugins()
    with reporting_errors():
        try:
            config = json.loads(config_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:
            raise InputError(f"{config_file} is not valid JSON: {err}") from err
        with database_session() as session:
            set_config(session=session, manifests=manager.manifests, plugin=name, scope=region, config=config)
    typer.echo(f"Configured {name} for {region}")
