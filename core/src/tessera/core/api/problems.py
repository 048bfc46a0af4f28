"""RFC 7807 problem+json responses for every error the API reports."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tessera.core.errors import KernelError

PROBLEM_JSON = "application/problem+json"


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


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"location": ".".join(str(p) for p in err["loc"]), "message": err["msg"]} for err in exc.errors()
    ]
    detail = "; ".join(f"{e['location']}: {e['message']}" for e in errors)
    return problem(422, "Invalid input", f"Fix the request and send it again: {detail}", errors=errors)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    return problem(exc.status_code, str(exc.detail), str(exc.detail))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KernelError, _kernel_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
