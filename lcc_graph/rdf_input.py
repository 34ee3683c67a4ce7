"""Reading RDF that comes from outside: safe formats, base IRIs, clear errors, no outbound requests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import ParseError, UnsafeInput, UnsupportedFormat

MEDIA_TYPES: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/xml": ox.RdfFormat.RDF_XML,
    "text/xml": ox.RdfFormat.RDF_XML,
}
EXTENSIONS: dict[str, str] = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".json": "application/ld+json",
    ".rdf": "application/rdf+xml",
    ".owl": "application/rdf+xml",
    ".xml": "application/rdf+xml",
}
DEFAULT_MAX_TRIPLES = 200_000
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedRdf:
    """Triples parsed from one input, with the format they came in."""

    triples: list[ox.Triple]
    media_type: str


def media_type_for(filename: str | Path) -> str:
    """The media type for a file name, by extension."""
    ext = Path(filename).suffix.lower()
    if ext not in EXTENSIONS:
        raise UnsupportedFormat(
            f"unsupported file type {ext or '(none)'}: use one of {', '.join(sorted(EXTENSIONS))}"
        )
    return EXTENSIONS[ext]


def normalise_media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type header, checked against what we read."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media not in MEDIA_TYPES:
        raise UnsupportedFormat(
            f"unsupported media type {media or '(none)'}: send one of "
            "text/turtle, application/ld+json, application/rdf+xml, application/n-triples"
        )
    return media


def parse_rdf(
    data: bytes,
    media_type: str,
    *,
    base_iri: str | None = None,
    max_triples: int = DEFAULT_MAX_TRIPLES,
) -> ParsedRdf:
    """Parse an RDF graph from bytes, refusing what could call out or explode.

    RDF/XML with a DOCTYPE or ENTITY declaration is refused before any parser sees it;
    JSON-LD is read by pyoxigraph, which never fetches a remote ``@context``; the bytes
    must be UTF-8; at most ``max_triples`` triples are read.
    """
    media = normalise_media_type(media_type)
    fmt = MEDIA_TYPES[media]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"the input is not UTF-8 (byte {exc.start}): re-save it as UTF-8") from exc
    if fmt == ox.RdfFormat.RDF_XML and _DOCTYPE.search(data):
        raise UnsafeInput("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")
    triples: list[ox.Triple] = []
    try:
        for quad in ox.parse(data, format=fmt, base_iri=base_iri):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise ParseError("named graphs are not accepted in an upload: send a single graph")
            triples.append(quad.triple)
            if len(triples) > max_triples:
                raise ParseError(f"too many triples: the limit is {max_triples}")
    except SyntaxError as exc:
        raise ParseError(f"{media} syntax error: {_position(exc)}") from exc
    except ValueError as exc:
        raise ParseError(f"{media} could not be read: {exc}") from exc
    return ParsedRdf(triples=triples, media_type=media)


def parse_file(path: str | Path, *, base_iri: str | None = None, max_triples: int = DEFAULT_MAX_TRIPLES) -> ParsedRdf:
    """Parse an RDF file chosen by its extension."""
    path = Path(path)
    media = media_type_for(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(f"cannot read {path}: {exc.strerror}") from exc
    return parse_rdf(data, media, base_iri=base_iri, max_triples=max_triples)


def _position(exc: SyntaxError) -> str:
    """pyoxigraph's message, which names line and column."""
    return str(exc)
