"""Reading RDF that comes from outside: safe formats, base IRIs, clear errors, no outbound requests."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import InputTooComplex, ParseError, UnsafeInput, UnsupportedFormat

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
# Spreadsheets: read by lcc_graph.tabular (uploads.check_upload sends them there), never by an RDF parser.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TABULAR_MEDIA_TYPES: dict[str, str] = {XLSX: XLSX, "application/zip": "application/zip",
                                       "application/x-zip-compressed": "application/zip",
                                       "application/x-zip": "application/zip"}
TABULAR_EXTENSIONS: dict[str, str] = {".xlsx": XLSX, ".zip": "application/zip"}
DEFAULT_MAX_TRIPLES = 200_000
MAX_NESTING = 64  # brackets, lists, objects, quoted triples or XML elements inside one another
_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)

# Nesting scanners: strings, IRIs, comments and escaped characters are skipped whole, so that the
# brackets inside them do not count. Each is linear: a string, comment or tag that does not end
# stops the scan, since no parser reads structure past it either.
_TTL_TOKEN = re.compile(r"""(#[^\n\r]*)|("""
                        r'"""'
                        r"""|''')|(["'])|(<[^<>"{}|^`\\\x00-\x20]*>)|(<<|[\[({])|(>>|[\])}])|(\\.)""")
_TTL_LONG_END = {q: re.compile(rf"(?:[^{q}\\]|\\.|{q}(?!{q}{q}))*+{q}{q}{q}", re.DOTALL) for q in "\"'"}
_TTL_SHORT_END = {q: re.compile(rf"(?:[^{q}\\\n\r]|\\.)*+{q}") for q in "\"'"}
_JSON_TOKEN = re.compile(r'(")|([\[{])|([\]}])')
_JSON_STRING_END = re.compile(r'(?:[^"\\\x00-\x1f]|\\.)*+"')
_XML_TAG = re.compile(r"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*+>""")


@dataclass(frozen=True)
class ParsedRdf:
    """Triples parsed from one input, with the format they came in."""

    triples: list[ox.Triple]
    media_type: str


def media_type_for(filename: str | Path) -> str:
    """The media type for a file name, by extension."""
    ext = Path(filename).suffix.lower()
    if ext in TABULAR_EXTENSIONS:
        return TABULAR_EXTENSIONS[ext]
    if ext not in EXTENSIONS:
        raise UnsupportedFormat(
            f"unsupported file type {ext or '(none)'}: use one of {', '.join(sorted([*EXTENSIONS, *TABULAR_EXTENSIONS]))}"
        )
    return EXTENSIONS[ext]


def normalise_media_type(content_type: str | None) -> str:
    """The bare media type of a Content-Type header, checked against what we read (RDF, or a
    spreadsheet: an .xlsx workbook or a zip of CSV files, whose zip aliases fold into application/zip)."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    if media in TABULAR_MEDIA_TYPES:
        return TABULAR_MEDIA_TYPES[media]
    if media not in MEDIA_TYPES:
        raise UnsupportedFormat(
            f"unsupported media type {media or '(none)'}: send one of "
            "text/turtle, application/ld+json, application/rdf+xml, application/n-triples, "
            f"{XLSX} (a workbook) or application/zip (CSV files)"
        )
    return media


def turtle_depth(text: str) -> int:
    """The deepest nesting of ``[``, ``(``, ``{`` and ``<<`` in Turtle or N-Triples text."""
    depth = deepest = pos = 0
    while True:
        m = _TTL_TOKEN.search(text, pos)
        if m is None:
            return deepest
        pos = m.end()
        if m.group(2):  # a long string
            end = _TTL_LONG_END[m.group(2)[0]].match(text, pos)
        elif m.group(3):  # a short string
            end = _TTL_SHORT_END[m.group(3)].match(text, pos)
        else:
            if m.group(5):
                depth += 1
                deepest = max(deepest, depth)
            elif m.group(6):
                depth -= 1
            continue
        if end is None:
            return deepest
        pos = end.end()


def json_depth(text: str) -> int:
    """The deepest nesting of arrays and objects in JSON text."""
    depth = deepest = pos = 0
    while True:
        m = _JSON_TOKEN.search(text, pos)
        if m is None:
            return deepest
        pos = m.end()
        if m.group(1):
            end = _JSON_STRING_END.match(text, pos)
            if end is None:
                return deepest
            pos = end.end()
        elif m.group(2):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1


def xml_depth(text: str) -> int:
    """The deepest nesting of elements in XML text (comments, CDATA and instructions skipped)."""
    depth = deepest = 0
    pos = text.find("<")
    while pos >= 0:
        for start, stop in (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>")):
            if text.startswith(start, pos):
                end = text.find(stop, pos + len(start))
                if end < 0:
                    return deepest
                pos = end + len(stop)
                break
        else:
            m = _XML_TAG.match(text, pos)
            if m is None:
                return deepest
            tag = m.group()
            if tag.startswith("</"):
                depth -= 1
            elif not tag.endswith("/>") and not tag.startswith("<!"):
                depth += 1
                deepest = max(deepest, depth)
            pos = m.end()
        pos = text.find("<", pos)
    return deepest


def nesting_depth(text: str, fmt: ox.RdfFormat) -> int:
    """How deeply the input nests, by a linear scan of its text in the given format."""
    if fmt == ox.RdfFormat.JSON_LD:
        return json_depth(text)
    if fmt == ox.RdfFormat.RDF_XML:
        return xml_depth(text)
    return turtle_depth(text)


def check_input(data: bytes, media_type: str, *, max_nesting: int = MAX_NESTING) -> ox.RdfFormat:
    """The linear checks that run before any parser: media type, empty input, UTF-8, DOCTYPE, nesting.

    Returns the format to parse with; raises ParseError (or a subclass) otherwise.
    """
    media = normalise_media_type(media_type)
    if media not in MEDIA_TYPES:
        raise UnsupportedFormat(f"{media} is a spreadsheet, not RDF: read it with lcc_graph.tabular")
    fmt = MEDIA_TYPES[media]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"the input is not UTF-8 (byte {exc.start}): re-save it as UTF-8") from exc
    if not text.strip():
        raise ParseError("the upload is empty: send the community's data (an empty upload would erase it)")
    if fmt == ox.RdfFormat.RDF_XML and _DOCTYPE.search(data):
        raise UnsafeInput("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion)")
    depth = nesting_depth(text, fmt)
    if depth > max_nesting:
        raise InputTooComplex(f"the input nests {depth} levels deep; the limit is {max_nesting}")
    return fmt


def parse_rdf(
    data: bytes,
    media_type: str,
    *,
    base_iri: str | None = None,
    max_triples: int = DEFAULT_MAX_TRIPLES,
) -> ParsedRdf:
    """Parse an RDF graph from bytes, refusing what could call out or explode.

    The linear checks of :func:`check_input` run first (empty input, UTF-8, an RDF/XML DOCTYPE
    or ENTITY declaration, nesting deeper than ``MAX_NESTING``); JSON-LD is read by pyoxigraph,
    which never fetches a remote ``@context``; at most ``max_triples`` triples are read; named
    graphs and RDF-star triple terms are refused, and so is input that has no triples.
    """
    fmt = check_input(data, media_type)
    media = normalise_media_type(media_type)
    triples: list[ox.Triple] = []
    try:
        for quad in ox.parse(data, format=fmt, base_iri=base_iri):
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                raise ParseError("named graphs are not accepted in an upload: send a single graph")
            triple = quad.triple
            if isinstance(triple.subject, ox.Triple) or isinstance(triple.object, ox.Triple):
                raise ParseError("RDF-star triple terms (<< ... >>) are not accepted in an upload")
            triples.append(triple)
            if len(triples) > max_triples:
                raise ParseError(f"too many triples: the limit is {max_triples}")
    except SyntaxError as exc:
        raise ParseError(f"{media} syntax error: {_position(exc)}") from exc
    except ValueError as exc:
        raise ParseError(f"{media} could not be read: {exc}") from exc
    except RecursionError as exc:
        raise InputTooComplex(f"{media} nests too deeply to read") from exc
    if not triples:
        raise ParseError("the upload has no triples: send the community's data (an empty upload would erase it)")
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
