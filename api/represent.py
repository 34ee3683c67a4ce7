"""One way from a request's data to its representation: JSON, HTML, CSV or RDF by ``Accept`` /
``?format=`` (406 when nothing fits), with an ``ETag`` made from the store's checkpoint and
``Cache-Control`` on public GETs, so a client that has the current answer gets a 304 before any
data is read.

Handlers are plain ``def`` (they run on the thread pool); they give ``represent`` a function that
builds the data, and the representations they offer. Templates receive that data; they never
read the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from .negotiation import choose
from .pages import render

CACHE_CONTROL = "public, max-age=0, must-revalidate"
VARY = "Accept, Accept-Language"


def etag_for(request: Request, media: str) -> str | None:
    """A strong validator of this URL's answer in ``media`` for the data readers see now; None when
    the data's generation cannot be known (no query pool)."""
    stores = getattr(request.app.state, "stores", None)
    generation = stores.generation() if stores is not None else None
    if generation is None:
        return None
    key = "\n".join((generation, request.url.path, str(request.url.query), media,
                     request.headers.get("accept-language", "")))
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def _matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match", "")
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in header.split(","))


def represent(
    request: Request,
    offers: list[str],
    build: Callable[[], Any],
    *,
    lang: str = "en",
    html: Callable[[Any], tuple[str, Mapping[str, Any]]] | None = None,
    renderers: Mapping[str, Callable[[Any], bytes | str]] | None = None,
    json: Callable[[Any], Any] | None = None,
) -> Response:
    """Choose the representation, answer 304 if the client has it, else build the data and render it.

    ``html(data)`` gives the template and its context; ``renderers[media](data)`` the body of
    another media type; JSON is the data itself (or ``json(data)``).
    """
    media = choose(request, offers)
    etag = etag_for(request, media) if request.method in ("GET", "HEAD") else None
    headers = {"Vary": VARY}
    if etag is not None:
        headers.update({"ETag": etag, "Cache-Control": CACHE_CONTROL})
        if _matches(request, etag):
            return Response(status_code=304, headers=headers)
    data = build()
    if media == "text/html" and html is not None:
        template, context = html(data)
        response: Response = render(request, template, lang, **context)
    elif renderers and media in renderers:
        response = Response(renderers[media](data), media_type=media)
    else:
        response = JSONResponse(json(data) if json else data, media_type=media if media.endswith("json") else None)
    response.headers.update(headers)
    return response
