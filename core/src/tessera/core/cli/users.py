"""``tessera users add`` and ``tessera token issue``."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import BaseModel, ValidationError

from tessera.core.api.resources.registry import resource_named
from tessera.core.api.resources.shapes import create_shape
from tessera.core.auth import issue_token
from tessera.core.cli.runtime import database_session, reporting_errors
from tessera.core.errors import ConflictError, InputError, NotFoundError
from tessera.core.models import Team, User
from tessera.sdk import ROLES

users_app = typer.Typer(help="Manage users.", no_args_is_help=True)
token_app = typer.Typer(help="Manage bearer tokens.", no_args_is_help=True)


@users_app.command("add")
def add_user(
    key: Annotated[str, typer.Argument(help="The user's stable key, e.g. their name.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")],
    team: Annotated[str | None, typer.Option(help="The key of the user's team.")] = None,
    name: Annotated[str | None, typer.Option(help="Display name; defaults to the key.")] = None,
) -> None:
    """Add a user."""
    with reporting_errors():
        user = _validated_user(key=key, name=name or key, role=role, team=team)
        with database_session() as session:
            if session.get(User, key) is not None:
                raise ConflictError(f"User '{key}' exists already")
            if team is not None and session.get(Team, team) is None:
                raise NotFoundError(f"No team '{team}'; list teams with GET /api/teams")
            session.add(User(**user.model_dump()))
        typer.echo(f"Added {role} '{key}'" + (f" in team '{team}'" if team else ""))


def _validated_user(**fields: str | None) -> BaseModel:
    """The user as the API would accept it, or an InputError saying what to fix."""
    try:
        return create_shape(resource_named("users")).model_validate(fields)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'user'}: {e['msg']}" for e in err.errors())
        raise InputError(f"Cannot add this user: {problems}") from err


@token_app.command("issue")
def issue(user_key: Annotated[str, typer.Argument(help="The key of the user.")]) -> None:
    """Issue a bearer token for a user; the token is the last line printed."""
    with reporting_errors(), database_session() as session:
        token = issue_token(session=session, user_key=user_key)
    typer.echo(f"Bearer token for '{user_key}' (shown once):")
    typer.echo(token)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(token_app, name="token")
