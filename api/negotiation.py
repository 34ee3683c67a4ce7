"""One URL, many representations: ``?format=`` overrides ``Accept``."""

from __future__ import annotations

from fastapi import Request

from lcc_graph.errors import LccError

FORMAT_ALIASES: dict[str, str] = {
    "json": "application/json",
    "html": "text/html",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/sparql-results+xml",
    "srj": "application/sparql-results+json",
    "srx": "application/sparql-results+xml",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "json-ld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "graphml": "application/graphml+xml",
    "cytoscape": "application/vnd.cytoscape+json",
}


class NotAcceptable(LccError):
    """No representation the client accepts."""

    code = "not_acceptable"


def _parse_accept(header: str) -> list[tuple[str, float]]:
    items = []
    for part in header.split(","):
        bits = [b.strip() for b in part.split(";")]
        if not bits[0]:
            continue
        q = 1.0
        for b in bits[1:]:
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        items.append((bits[0].lower(), q))
    return sorted(items, key=lambda x: -x[1])


def choose(request: Request, offers: list[str], default: str | None = None) -> str:
    """The media type to answer with, among ``offers`` (the first is the default)."""
    fmt = request.query_params.get("format")
    if fmt is not None and not fmt.strip():
        raise NotAcceptable(f"format is empty: leave it out, or name one of {', '.join(offers)}", offers=offers)
    if fmt:
        media = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if media == "application/json" and "application/json" not in offers:
            media = next((o for o in offers if o.endswith("json")), media)
        if media not in offers:
            raise NotAcceptable(f"format {fmt!r} is not offered here; use one of {', '.join(offers)}")
        return media
    accept = request.headers.get("accept", "")
    for media, q in _parse_accept(accept):
        if q <= 0:
            continue
        if media in offers:
            return media
        if media == "application/json":  # plain JSON asked of a JSON-based type
            json_offer = next((o for o in offers if o.endswith("+json")), None)
            if json_offer:
                return json_offer
        if media.endswith("/*"):
            prefix = media[:-1]
            for offer in offers:
                if offer.startswith(prefix):
                    return offer
        if media == "*/*":
            return default or offers[0]
    if not accept.strip():
        return default or offers[0]
    raise NotAcceptable(f"none of the media types accepted ({accept[:200]}) is offered here; "
                        f"ask for one of {', '.join(offers)}", offers=offers)


def wants_html(request: Request) -> bool:
    """True when a browser asks for a page (or ``?format=html``)."""
    fmt = request.query_params.get("format")
    if fmt:
        return fmt.lower() == "html"
    accept = request.headers.get("accept", "")
    for media, q in _parse_accept(accept):
        if q > 0 and media in ("text/html", "application/xhtml+xml"):
            return True
        if q > 0 and media not in ("*/*",):
            return False
    return False
