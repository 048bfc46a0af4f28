"""``tessera import maven-crm DIR``: load a CRM export into the configured database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from sqlmodel import Session

from tessera.core.cli.runtime import database_session, err_console, reporting_errors
from tessera.core.errors import ImportRefusedError
from tessera.core.maven_import import ImportProgress, ImportSummary, import_maven_crm

import_app = typer.Typer(help="Import data exported from other systems.", no_args_is_help=True)


@import_app.command("maven-crm")
def maven_crm(
    directory: Annotated[
        Path,
        typer.Argument(
            metavar="DIR",
            help="The folder with accounts.csv, products.csv, sales_teams.csv and sales_pipeline.csv.",
            exists=True,
            file_okay=False,
        ),
    ],
) -> None:
    """Import a Maven Analytics "CRM + Sales Opportunities" export, all or nothing; safe to repeat."""
    with reporting_errors():
        with database_session() as session:
            summary = import_export(session=session, directory=directory)
        print_summary(directory, summary)  # only once the import is committed


def import_export(*, session: Session, directory: Path) -> ImportSummary:
    """Import with progress on stderr; on refusal print every problem and exit 1."""
    try:
        with _progress() as progress:
            summary = import_maven_crm(session=session, directory=directory, progress=progress)
    except ImportRefusedError as err:
        err_console.print(
            f"error: {len(err.problems)} row(s) of {directory} cannot be imported; nothing was imported. "
            "Fix these rows and run the import again:",
            markup=False,
            highlight=False,
        )
        for problem in err.problems:
            err_console.print(f"  {problem}", markup=False, highlight=False)
        raise typer.Exit(1) from err
    return summary


@contextmanager
def _progress() -> Iterator[ImportProgress]:
    """A progress bar on a terminal, plain lines otherwise (both on stderr)."""
    if not err_console.is_terminal:

        def print_step(step: str, done: int, total: int) -> None:
            err_console.print(f"[{done}/{total}] {step}", markup=False, highlight=False)

        yield print_step
        return
    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task("Importing", total=None)

        def advance(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield advance


def print_summary(directory: Path, summary: ImportSummary) -> None:
    outcome = "imported" if summary.changed else "already up to date, nothing changed"
    typer.echo(f"{directory}: {outcome}")
    width = max(len(entity) for entity in summary.counts)
    for entity, counts in summary.counts.items():
        typer.echo(
            f"  {entity:<{width}} {counts.total:>6}  "
            f"({counts.created} created, {counts.updated} updated, {counts.unchanged} unchanged)"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
