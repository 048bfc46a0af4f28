"""``tessera plugins list|enable|release|disable|configure``; install, uninstall and
purge are in :mod:`tessera.core.cli.plugin_packages`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from tessera.core.cli.runtime import database_session, reporting_errors
from tessera.core.errors import InputError
from tessera.core.models import ALL_REGIONS, PluginRelease
from tessera.core.plugin_listing import list_plugins
from tessera.core.plugin_settings import (
    disable_in_region,
    disable_versions,
    enable_plugin,
    follow_all,
    set_config,
    set_release,
)
from tessera.core.rollout import Split

app = typer.Typer(help="Install, list, enable, release, disable and configure plugins.", no_args_is_help=True)

RegionOption = Annotated[str, typer.Option("--region", help=f"A region key, or '{ALL_REGIONS}'.")]
PluginArgument = Annotated[
    str, typer.Argument(metavar="NAME[==VERSION]", help="The plugin, and optionally one of its versions.")
]

_SPLIT = re.compile(r"^(?P<version>[^=\s]+)=(?P<percent>\d{1,3})$")


@app.command("list")
def list_command() -> None:
    """Show each plugin's versions, their states, and the share of teams each serves."""
    with reporting_errors(), database_session() as session:
        statuses = list_plugins(session)
    table = Table("plugin", "version", "state", "serves (percent of teams by region)", "notes")
    for status in statuses:
        for version in status.versions:
            serves = ", ".join(f"{scope} {pct}%" for scope, pct in status.shares_of(version.version).items())
            notes = version.reason or (status.description if version.version == status.version else "")
            table.add_row(status.name, version.version, version.state, serves or "-", notes)
        remainder = {scope: 100 - pct for scope, pct in status.rollouts.items() if pct < 100}
        if remainder:
            off = ", ".join(f"{scope} {pct}%" for scope, pct in remainder.items())
            table.add_row(status.name, "-", "off", off, "teams in these shares get no version")
    Console(width=200).print(table)


@app.command("enable")
def enable(
    plugin: PluginArgument,
    region: RegionOption,
    percent: Annotated[int, typer.Option(help="Percent of the region's teams, 0 to 100.")] = 100,
) -> None:
    """Serve a version (default: the highest installed) to a share of a region's teams.

    The version goes first in the region's release (a region without a release of
    its own starts from the one for all regions); raised, the versions already there
    keep the rest, in order, trimmed to fit: 1.4.2 at 100%, then 2.0.0 at 20%, gives
    2.0.0 20% and 1.4.2 80%. Teams keep their version while its share grows; lowered,
    the last version takes the freed share. Naming a failed version tries it again.
    """
    with reporting_errors():
        name, version = _plugin_and_version(plugin)
        with database_session() as session:
            release = enable_plugin(
                session=session, plugin=name, scope=region, percent=percent, version=version
            )
    _print_release(release)


@app.command("release")
def release(
    name: Annotated[str, typer.Argument(help="The plugin's name.")],
    region: RegionOption,
    split: Annotated[
        list[str] | None,
        typer.Option(
            "--split",
            metavar="VERSION=PERCENT",
            help="A version's share of teams, in bucket order; repeat it, e.g. --split 2.0.0=20 --split 1.4.2=80.",
        ),
    ] = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow-all",
            help=f"Drop the region's own release so that the one for '{ALL_REGIONS}' serves it.",
        ),
    ] = False,
) -> None:
    """Set which versions serve which share of a region's teams, exactly (none: off there)."""
    with reporting_errors():
        if follow and split:
            raise InputError("--follow-all drops the region's release; give it without --split")
        splits = [_split(text) for text in split or []]
        with database_session() as session:
            if follow:
                follow_all(session=session, plugin=name, scope=region)
            else:
                stored = set_release(session=session, plugin=name, scope=region, splits=splits)
    if follow:
        typer.echo(f"{name} in {region}: follows {ALL_REGIONS}")
    else:
        _print_release(stored)


@app.command("disable")
def disable(
    plugin: PluginArgument,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help=f"Serve no version in this region (or '{ALL_REGIONS}'); without it, disable the version "
            "(or every version) everywhere.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Disable even when enabled plugins need it; they then fail.")
    ] = False,
) -> None:
    """Turn a plugin off in a region, or take versions out of every worker."""
    with reporting_errors():
        name, version = _plugin_and_version(plugin)
        if region is not None and version is not None:
            raise InputError(
                f"--region turns the whole plugin off in a region; write `disable {name} --region {region}`, "
                f"or `release {name} --region {region} --split ...` to drop one version from its release"
            )
        with database_session() as session:
            if region is not None:
                disable_in_region(session=session, plugin=name, scope=region)
            else:
                disabled = disable_versions(session=session, plugin=name, version=version, force=force)
    if region is not None:
        typer.echo(f"Disabled {name} in {region}")
    else:
        typer.echo(f"Disabled {name} {', '.join(row.version for row in disabled) or '(no version was on)'}")


@app.command("configure")
def configure(
    name: Annotated[str, typer.Argument(help="The plugin's name.")],
    config_file: Annotated[
        Path, typer.Argument(help="A JSON file with the configuration.", exists=True, dir_okay=False)
    ],
    region: RegionOption = ALL_REGIONS,
) -> None:
    """Set a plugin's configuration for a region, validated against its JSON Schema."""
    with reporting_errors():
        try:
            config = json.loads(config_file.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as err:
            raise InputError(f"{config_file} is not a JSON document in UTF-8 we can read: {err}") from err
        with database_session() as session:
            set_config(session=session, plugin=name, scope=region, config=config)
    typer.echo(f"Configured {name} for {region}")


def _plugin_and_version(text: str) -> tuple[str, str | None]:
    name, separator, version = text.partition("==")
    if separator and not (name.strip() and version.strip()):
        raise InputError(f"{text!r} names no version: write NAME or NAME==VERSION, e.g. commission==0.2.0")
    return name.strip(), version.strip() if separator else None


def _split(text: str) -> Split:
    match = _SPLIT.match(text)
    if match is None:
        raise InputError(f"--split {text!r} is not VERSION=PERCENT, e.g. --split 2.0.0=20")
    return Split(version=match["version"], percent=int(match["percent"]))


def _print_release(release: PluginRelease) -> None:
    shares = ", ".join(f"{split['version']} {split['percent']}%" for split in release.splits)
    typer.echo(f"{release.plugin} in {release.scope}: {shares or 'off'}")
