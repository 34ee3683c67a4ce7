"""The one place where library errors become HTTP answers."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from lcc_graph import access, proposals
from lcc_graph import errors as e

from .negotiation import NotAcceptable, wants_html

log = logging.getLogger("lcc.api")

STATUS: list[tuple[type[e.LccError], int]] = [
    (NotAcceptable, 406),
    (e.Busy, 429),
    (access.Unauthorized, 401),
    (access.Forbidden, 403),
    (access.Conflict, 409),
    (e.PayloadTooLarge, 413),
    (e.ValidationRejected, 422),
    (e.NotFound, 404),
    (e.UnsupportedFormat, 415),
    (e.OwnershipError, 422),
    (e.NetworkTooLarge, 422),
    (e.FrameworkVersionRefused, 422),
    (proposals.ProposalRefused, 400),
    (proposals.DraftRefused, 422),
    (proposals.TooManyProposals, 429),
    (e.StoreLocked, 503),
    (e.QueryTimeout, 503),
    (e.StoreError, 503),
    (e.ParseError, 400),
    (e.QueryError, 400),
]


def status_for(exc: e.LccError) -> int:
    """The HTTP status of a library error (most specific class first)."""
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 500


def error_body(code: str, message: str, **extra: object) -> dict:
    """The JSON error shape: ``{"error": CODE, "message": ...}``."""
    return {"error": code, "message": message, **extra}


def _details(exc: e.LccError) -> dict:
    """The error's details that a JSON body can carry (problems, the parameter, the offers...)."""
    out = {}
    for name, value in exc.details.items():
        if isinstance(value, (str, int, float, bool)) or value is None:
            out[name] = value
        elif isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
            out[name] = list(value)[:100]
    return out


def _render_error_page(request: Request, status: int, code: str, message: str, report: dict | None) -> Response:
    from .pages import render

    if report is not None:
        community = request.path_params.get("id") or request.query_params.get("community") or ""
        return render(request, "report.html", "en", status_code=status, community=community, accepted=False,
                      report=report, message=message)
    back = None
    if request.method == "POST" and (request.url.path == "/upload" or request.url.path.endswith("/data")):
        # a refused form upload (a wrong token, a file too large): the way back to the form
        back = request.path_params.get("id") or ""
    return render(request, "error.html", "en", status_code=status, status=status, code=code, message=message,
                  back_to_upload=back)


async def error_page(request: Request, status: int, code: str, message: str, headers: dict | None = None,
                     report: dict | None = None) -> Response | None:
    """The error as an HTML page when a browser asks for one (``Accept: text/html`` or
    ``?format=html``), rendered off the event loop; None otherwise, or if the page cannot be
    rendered (the JSON answer stands)."""
    try:
        if not wants_html(request):
            return None
        page = await run_in_threadpool(_render_error_page, request, status, code, message, report)
    except Exception:  # the JSON answer is always there to fall back on
        log.exception("could not render the error page for %s", request.url.path)
        return None
    for name, value in (headers or {}).items():
        page.headers[name] = value
    return page


def allowed_methods(request: Request) -> list[str]:
    """The methods the OpenAPI document lists at this request's path (Starlette's 405 names one
    route's only)."""
    import re

    path = request.url.path
    methods: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        pattern = "^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path):
            methods |= {m.upper() for m in operations}
    return sorted(methods)


async def lcc_error_response(request: Request, exc: e.LccError) -> Response:
    """A library error's answer: its status, the JSON error body with its details (an HTML page
    for a browser), ``Retry-After`` on 429 and 503, ``WWW-Authenticate`` on 401."""
    status = status_for(exc)
    if status >= 500 and not isinstance(exc, (e.QueryTimeout, e.StoreError)):
        log.exception("unexpected library error", exc_info=exc)
    extra = _details(exc)
    if isinstance(exc, e.ValidationRejected) and hasattr(exc.report, "to_json"):
        from .deps import get_lang

        extra["report"] = exc.report.to_json(get_lang(request))
    headers = None
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    elif status in (429, 503):
        headers = {"Retry-After": str(exc.details.get("retry_after", 5))}
    page = await error_page(request, status, exc.code, exc.message, headers, extra.get("report"))
    if page is not None:
        return page
    return JSONResponse(error_body(exc.code, exc.message, **extra), status_code=status, headers=headers)


async def unexpected_response(request: Request, exc: Exception) -> Response:
    """A bug's answer: logged with its traceback, 500 with a message that gives nothing away."""
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = "an unexpected error happened; it was logged"
    page = await error_page(request, 500, "internal_error", message)
    if page is not None:
        return page
    return JSONResponse(error_body("internal_error", message), status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    """Map library errors, HTTP errors and request validation errors to JSON (an HTML page for browsers)."""

    @app.exception_handler(e.LccError)
    async def lcc_error(request: Request, exc: e.LccError) -> Response:
        return await lcc_error_response(request, exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code = {401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                406: "not_acceptable", 413: "payload_too_large", 415: "unsupported_media_type"}.get(
            exc.status_code, "http_error")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        page = await error_page(request, exc.status_code, code, str(exc.detail), headers)
        if page is not None:
            return page
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def request_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err.get('loc', []))}: {err.get('msg')}" for err in exc.errors()
        )
        page = await error_page(request, 400, "bad_request", problems or "invalid request")
        if page is not None:
            return page
        return JSONResponse(error_body("bad_request", problems or "invalid request"), status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        return await unexpected_response(request, exc)


_COMMON_ERRORS = [
    ("400", "a malformed request: the message names the parameter"),
    ("406", "no representation the client accepts (Accept, or ?format=)"),
    ("503", "a read passed its deadline, or the engine is unreachable"),
]
ERROR_SCHEMA = {"type": "object", "required": ["error", "message"],
                "properties": {"error": {"type": "string"}, "message": {"type": "string"}}}


def document_request_errors(app: FastAPI) -> None:
    """Say in the OpenAPI document what the service does with a malformed request: 400 with the
    error body (FastAPI documents its default, a 422 "Validation Error", on every operation)."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                responses = operation.setdefault("responses", {})
                default = responses.get("422", {})
                if default.get("description") == "Validation Error":
                    del responses["422"]
                    responses.setdefault("400", {"description": "a malformed request: the message names the parameter"})
                for status, description in _COMMON_ERRORS:
                    responses.setdefault(status, {"description": description})
                if "{" in path:
                    responses.setdefault("404", {"description": "no such resource (or a malformed id)"})
                if method in ("put", "post"):
                    responses.setdefault("413", {"description": "the body is over the size limit"})
                    responses.setdefault("415", {"description": "a media type this operation does not read"})
                for status, response in responses.items():
                    if status[0] in "45":
                        content = response.setdefault("content", {})
                        content.setdefault("application/json", {"schema": ERROR_SCHEMA})
                        content.setdefault("text/html", {"schema": {"type": "string"}})
        schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
        schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
