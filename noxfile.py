"""Development sessions: ``nox -l`` lists them."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PACKAGES = ["-e", "./sdk", "-e", "./core", "-e", "./plugins/commission"]
TEST_REQUIREMENTS = ["pytest>=8", "httpx>=0.27", "hypothesis>=6"]
CODE = ["sdk/src", "core/src", "plugins", "tests", "noxfile.py"]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (on PostgreSQL too when TESSERA_TEST_DATABASE_URL is set)."""
    session.install(*PACKAGES, *TEST_REQUIREMENTS)
    session.run("pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install("ruff")
    session.run("ruff", "check", *CODE)
    session.run("ruff", "format", "--check", *CODE)


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the packages, the tests and this file with mypy (strict)."""
    session.install(*PACKAGES, *TEST_REQUIREMENTS, "mypy", "nox", "types-jsonschema")
    session.run("mypy", *CODE)
