"""``tessera demo``: a pipeline, the bundled plugins, tokens to try them, and a server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlmodel import Session, col, select

from tessera.core.auth import issue_token
from tessera.core.cli.data import import_export, print_summary
from tessera.core.cli.runtime import open_engine, reporting_errors
from tessera.core.db import session_scope
from tessera.core.demo_data import write_demo_export
from tessera.core.models import ALL_REGIONS, PluginRelease, PluginVersion, Team, User
from tessera.core.plugin_settings import enable_plugin
from tessera.core.settings import Settings

DEMO_EXPORT_FOLDER = "demo-export"
DEMO_PLUGIN = "commission"
DEMO_STAFF = (("admin", "Admin", "admin"), ("finance", "Finance", "finance"))  # key, name, role

Login = tuple[str, str, str]  # user key, role, bearer token


def demo(
    data: Annotated[
        Path | None,
        typer.Option(
            help="A Maven CRM export to load instead of the synthetic pipeline.", exists=True, file_okay=False
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Load a sales pipeline, enable the bundled plugins, print tokens and serve; safe to repeat."""
    settings = Settings.from_env()
    directory = data
    if directory is None:
        directory = settings.data_dir / DEMO_EXPORT_FOLDER
        write_demo_export(directory)
    engine = open_engine()
    try:
        with reporting_errors():
            with session_scope(engine) as session:
                summary = import_export(session=session, directory=directory)
                with_plugin = _enable_demo_plugin(session)
                logins = _issue_logins(session)
            print_summary(directory, summary)
    finally:
        engine.dispose()
    _print_welcome(f"http://{host}:{port}", logins, with_plugin=with_plugin)
    uvicorn.run("tessera.core.app:create_app_from_env", factory=True, host=host, port=port)


def _enable_demo_plugin(session: Session) -> bool:
    """Enable the demo plugin everywhere unless an admin has set a release for it;
    whether it can serve (it is installed and has not failed)."""
    installed = session.exec(
        select(PluginVersion).where(
            PluginVersion.name == DEMO_PLUGIN, col(PluginVersion.state).in_(("installed", "enabled"))
        )
    ).first()
    if installed is None:
        return False
    if session.exec(select(PluginRelease).where(PluginRelease.plugin == DEMO_PLUGIN)).first() is None:
        enable_plugin(session=session, plugin=DEMO_PLUGIN, scope=ALL_REGIONS, percent=100)
    return True


def _issue_logins(session: Session) -> list[Login]:
    """Tokens for the admin, finance, one manager and the first rep of each region."""
    for key, name, role in DEMO_STAFF:
        if session.get(User, key) is None:
            session.add(User(key=key, name=name, role=role))
    session.flush()
    users = [session.get(User, key) for key, _, _ in DEMO_STAFF]
    users.append(session.exec(select(User).where(User.role == "manager").order_by(col(User.key))).first())
    reps = session.exec(
        select(User, Team).join(Team).where(User.role == "rep").order_by(col(Team.region), col(User.key))
    ).all()
    first_per_region: dict[str, User] = {}
    for user, team in reps:
        first_per_region.setdefault(team.region, user)
    users += first_per_region.values()
    return [(u.key, u.role, issue_token(session=session, user_key=u.key)) for u in users if u is not None]


def _print_welcome(url: str, logins: list[Login], *, with_plugin: bool) -> None:
    typer.echo(f"\nTessera demo: {url}  (API docs: {url}/docs)\n")
    typer.echo("Bearer tokens (new ones are issued each time the demo starts):")
    width = max(len(key) for key, _, _ in logins)
    for key, role, token in logins:
        typer.echo(f"  {key:<{width}}  {role:<8}  {token}")
    rep_token = logins[-1][2]
    typer.echo("\nTry:")
    typer.echo(f'  curl -H "Authorization: Bearer {rep_token}" {url}/api/me')
    if with_plugin:
        statements = f"{url}/api/plugins/{DEMO_PLUGIN}/statements?period=2017-Q2"
        typer.echo(f'  curl -H "Authorization: Bearer {rep_token}" "{statements}"')
    typer.echo("")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
