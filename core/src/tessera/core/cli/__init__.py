"""The ``tessera`` command line: serve, demo, import, users, tokens and plugins."""

from __future__ import annotations

import typer

from tessera.core.cli import data, demo, plugin_packages, plugins, serve, users

app = typer.Typer(
    name="tessera",
    help="Tessera: a plugin kernel for sales operations.",
    no_args_is_help=True,
    add_completion=False,
)
serve.register(app)
users.register(app)
data.register(app)
demo.register(app)
plugin_packages.register(plugins.app)
app.add_typer(plugins.app, name="plugins")


def main() -> None:
    app()
