"""``tessera plugins install|uninstall|purge``: plugin versions in and out of the kernel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tessera.core.cli.runtime import database_session, reporting_errors
from tessera.core.errors import InputError
from tessera.core.plugin_install import install_plugin
from tessera.core.plugin_removal import purge_plugin, uninstall_plugin
from tessera.core.settings import Settings


def register(app: typer.Typer) -> None:
    app.command("install")(install)
    app.command("uninstall")(uninstall)
    app.command("purge")(purge)


def install(
    path: Annotated[
        Path,
        typer.Argument(
            help="A plugin folder (the package or its project), a wheel (.whl) or a zip of the folder."
        ),
    ],
) -> None:
    """Install a plugin version; it serves nobody until a release sends teams to it."""
    with reporting_errors(), database_session() as session:
        version = install_plugin(
            session=session, source=path, cache_root=Settings.from_env().plugin_cache_dir
        )
    typer.echo(f"Installed {version.name} {version.version}")


def uninstall(
    spec: Annotated[
        str, typer.Argument(metavar="NAME==VERSION", help="The version to remove, e.g. hello==1.0.0.")
    ],
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Take it out of releases and leave the plugins that need it without it."
        ),
    ] = False,
) -> None:
    """Remove a plugin version; its data stays until `tessera plugins purge`."""
    with reporting_errors():
        name, version = _name_and_version(spec)
        with database_session() as session:
            uninstall_plugin(session=session, name=name, version=version, force=force)
    typer.echo(f"Uninstalled {name} {version}; its data stays until: tessera plugins purge {name}")


def purge(name: Annotated[str, typer.Argument(help="The plugin's name.")]) -> None:
    """Delete a plugin's tables, migrations record, configurations and releases (every version must be uninstalled)."""
    with reporting_errors(), database_session() as session:
        result = purge_plugin(session=session, name=name)
    typer.echo(f"Purged {name}: dropped {', '.join(result.tables) or 'no tables'}")


def _name_and_version(spec: str) -> tuple[str, str]:
    name, separator, version = spec.partition("==")
    if not separator or not name or not version:
        raise InputError(f"{spec!r} does not name a version: write NAME==VERSION, e.g. hello==1.0.0")
    return name.strip(), version.strip()
