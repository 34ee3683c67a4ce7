"""``GET /sparql`` for a program, answered in front of FastAPI's router.

The route (:func:`api.routes.sparql.sparql_get`) runs as it is, with the same error answers
(:func:`api.errors.lcc_error_response`); only what lies between the middlewares and the route is
left out: FastAPI's exception and exit-stack layers, the router trying its routes, the request
wrapper and its dependencies. That was 30% of the server's time on a lookup and 25% of the
throughput of a one-community catalogue query with a different query each request (py-spy, and
benchmarks/ceiling.py at 1,000 communities).

It sits innermost of the middlewares: the answer cache, CORS and the guard's headers apply as to
any other answer. A browser (``Accept: text/html`` or ``?format=html``: the SPARQL editor, whose
page needs the router), any other method or path, goes on to FastAPI unchanged.
"""

from __future__ import annotations

from starlette.datastructures import QueryParams
from starlette.requests import Request

from lcc_graph.errors import LccError

from .errors import lcc_error_response, unexpected_response
from .negotiation import wants_html
from .routes.sparql import sparql_get


def decode_query_string(raw: bytes) -> QueryParams:
    """The query string's parameters, exactly as Starlette's ``QueryParams(raw)`` reads them
    (``parse_qsl`` of its Latin-1 text, blank values kept), the percent escapes decoded by
    Python's ``unicode_escape`` codec (C) instead of ``urllib.parse.unquote`` (a Python loop per
    escape): a 6.6 KB catalogue query with 1,300 escapes 0.62 -> 0.08 ms, which was a third of
    the server's time under load. A query string with a byte above 127 or a malformed escape is
    read by Starlette itself (tested alike on fuzzed strings)."""
    try:
        if not raw.isascii():
            raise ValueError("not ASCII")
        pairs = []
        for field in raw.replace(b"+", b" ").split(b"&"):
            if field:
                name, _, value = field.partition(b"=")
                pairs.append((_unquote(name), _unquote(value)))
        return QueryParams(pairs)
    except ValueError:  # UnicodeDecodeError included: a truncated or non-hex escape
        return QueryParams(raw)


def _unquote(raw: bytes) -> str:
    if b"%" not in raw:
        return raw.decode("ascii")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"%", b"\\x")
    return escaped.decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")


class _ProgramRequest(Request):
    """A request whose query parameters are read by :func:`decode_query_string`."""

    _decoded: QueryParams | None = None

    @property
    def query_params(self) -> QueryParams:
        if self._decoded is None:
            self._decoded = decode_query_string(self.scope["query_string"])
        return self._decoded


class SparqlFastPath:
    """ASGI middleware: a program's ``GET /sparql`` straight to the route's function."""

    def __init__(self, app, path: str = "/sparql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        request = _ProgramRequest(scope, receive)
        if wants_html(request):
            await self.app(scope, receive, send)
            return
        try:
            response = await sparql_get(request)
        except LccError as exc:
            response = await lcc_error_response(request, exc)
        except Exception as exc:  # a bug: the same logged 500 as the app's own handler gives
            response = await unexpected_response(request, exc)
        await response(scope, receive, send)
