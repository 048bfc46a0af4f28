"""RFC 7807 problem+json responses for every error the API reports."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError, StatementError
from starlette.exceptions import HTTPException

from tessera.core.errors import KernelError

PROBLEM_JSON = "application/problem+json"

log = logging.getLogger(__name__)


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


async def _kernel_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, KernelError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    response = problem(exc.status, exc.title, exc.detail)
    if headers:
        response.headers.update(headers)
    return response


def _message(error: Mapping[str, Any]) -> str:
    if error["type"] == "json_invalid":
        reason = error.get("ctx", {}).get("error", "malformed JSON")
        return f"the body is not valid JSON ({reason}); send a JSON document"
    return str(error["msg"])


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": ".".join(str(p) for p in err["loc"]), "message": _message(err)} for err in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
    return problem(422, "Invalid input", f"Fix the request and send it again: {detail}", errors=errors)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), str(exc.detail))


async def _data_error(_request: Request, exc: Exception) -> JSONResponse:
    log.info("database refused a value: %s", exc)
    return problem(
        422,
        "Invalid input",
        "The database cannot store or compare a value in this request (for example a NUL "
        "character, or a number or date out of range); fix the value and send it again.",
    )


async def _statement_error(request: Request, exc: Exception) -> JSONResponse:
    """A value the driver refused before the database saw it (e.g. a date past year 9999 in UTC)."""
    assert isinstance(exc, StatementError)
    if isinstance(exc.orig, (OverflowError, ValueError)):
        return await _data_error(request, exc)
    return await _unexpected_error(request, exc)


async def _integrity_error(_request: Request, exc: Exception) -> JSONResponse:
    log.info("database integrity conflict: %s", exc)
    return problem(
        409,
        "Conflict",
        "Another change to the same record was made at the same moment, or a record this one "
        "refers to has just gone; nothing was changed. Read the record again and retry.",
    )


async def _unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error", exc_info=exc)
    return problem(
        500,
        "Internal error",
        "The server failed on this request; nothing was changed. The error is in the server's log.",
    )


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KernelError, _kernel_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(StatementError, _statement_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(Exception, _unexpected_error)
