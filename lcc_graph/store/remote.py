"""The remote engine: any SPARQL 1.1 Protocol (+ Graph Store Protocol) endpoint over HTTP.

Tested against real ``oxigraph serve`` and Virtuoso 7 servers on loopback (see ``docs/remote.md``
for what was measured). The answers come back as the same canonical :class:`QueryResult` bytes
as from the embedded engine: pyoxigraph parses whatever the engine sent and serialises it again
(SPARQL JSON for solutions and booleans, N-Triples for graphs).

Every request has a client deadline (``timeout_s``); queries also carry the engine's own
timeout where the engine has a per-request one (Virtuoso's ``timeout`` parameter). An engine
that stops a query at its timeout, or answers with *partial* results (Virtuoso's "anytime"
answers), raises :class:`QueryTimeout`; partial results are never returned.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
import pyoxigraph as ox

from ..errors import QueryError, QueryTimeout, StoreError
from .base import QueryResult, Term

Engine = Literal["auto", "generic", "oxigraph", "virtuoso"]

# Sent as the only default (or named) graph when the caller asks for an empty list: a graph no
# one writes, so the dataset is empty on every engine (Virtuoso would otherwise merge all graphs).
EMPTY_GRAPH = "urn:x-lcc:empty-graph"

# Graphs a fresh Virtuoso holds for itself (measured on 7.2.5). The service-description graph
# (``http://{URIQA DefaultHost}/sparql``) is recognised by its ``?g a sd:Service`` triple.
VIRTUOSO_SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/schemas/virtrdf#",
    "http://www.w3.org/ns/ldp#",
)
SD_SERVICE = "http://www.w3.org/ns/sparql-service-description#Service"

# Triples per ``GRAPH <g> { ... }`` block of an INSERT DATA: Virtuoso's SPARQL compiler runs out
# of parser stack at ~5,000 triples in one block ("memory exhausted"); 1,000 is safe.
TRIPLES_PER_BLOCK = 1000

_SOLUTIONS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.5"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/n-quads;q=0.5"
_ANY_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"

_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
_RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,  # older engines label N-Triples so
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
}

# The query form, to ask for a result format the engine can produce. Only the prologue may come
# before it (comments, BASE, PREFIX). This picks the Accept header, nothing else: the kind of the
# answer is read from the engine's Content-Type. The query itself is never parsed in-process.
_FORM = re.compile(
    r"\A(?:\s+|\#[^\n]*(?:\n|\Z)|BASE\s*<[^>]*>|PREFIX\s*[^\s:<>]*:\s*<[^>]*>)*"
    r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
    re.IGNORECASE,
)

# What engines say when they stop a query at their timeout (Oxigraph appends the first to a
# 200 stream it cuts; Virtuoso answers 500 with S1T00 / S1TAT, or 200/206 with X-SQL-State, and
# under load 500 "HY008 Error SR203: Async statement killed by SQLCancel", seen in CI).
_TIMEOUT_MARKERS = ("operation has been cancelled", "s1t00", "s1tat", "timed out", "anytime timeout",
                    "hy008", "killed by sqlcancel")


# a query that can read named graphs
_NAMES_GRAPHS = re.compile(r"\bGRAPH\b", re.IGNORECASE)


def query_form(sparql: str) -> str | None:
    """``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE`` (upper case), or None if unclear."""
    m = _FORM.match(sparql)
    return m.group(1).upper() if m else None


def _media_type(headers: httpx.Headers) -> str:
    return headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _engine_message(body: bytes, limit: int = 500) -> str:
    """The engine's error text, without the query Virtuoso echoes after it."""
    text = body.decode("utf-8", errors="replace").strip()
    for marker in ("\n\nSPARQL query:", "\nSPARQL query:"):
        if marker in text:
            text = text.split(marker, 1)[0].strip()
    if text.lstrip().startswith("<"):
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"\s+", " ", text).strip()
    return text[:limit] or "(no message)"


def _mentions_timeout(text: str) -> bool:
    low = text.lower()
    return any(m in low for m in _TIMEOUT_MARKERS)


_VALID_BNODE = re.compile(r"\A[A-Za-z0-9_][A-Za-z0-9_.\-]*\Z")


def _fix_json_bnodes(data: bytes) -> bytes:
    """Rename blank nodes pyoxigraph refuses (Virtuoso writes ``nodeID://b10006``)."""
    doc = json.loads(data)
    names: dict[str, str] = {}

    def fix(term: Any) -> None:
        if not isinstance(term, dict):
            return
        if term.get("type") == "bnode":
            value = str(term.get("value", ""))
            if not _VALID_BNODE.match(value):
                term["value"] = names.setdefault(value, f"r{len(names)}")
        elif term.get("type") == "triple":
            for part in (term.get("value") or {}).values():
                fix(part)

    for row in (doc.get("results") or {}).get("bindings") or []:
        for term in row.values():
            fix(term)
    return json.dumps(doc).encode()


@dataclass
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes
    elapsed_s: float


class _Deadline(Exception):
    """The client deadline passed (raised inside ``_send``)."""


def _has_blank(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _canonical(media: str, data: bytes) -> QueryResult:
    """The engine's answer as canonical QueryResult bytes (raises SyntaxError/ValueError)."""
    if media in _RESULT_FORMATS:
        fmt = _RESULT_FORMATS[media]
        try:
            return QueryResult.from_pyoxigraph(ox.parse_query_results(data, format=fmt))
        except SyntaxError as exc:
            if fmt != ox.QueryResultsFormat.JSON or "bnode" not in str(exc).lower():
                raise
        # Virtuoso names blank nodes ``nodeID://b10006``, which pyoxigraph refuses.
        return QueryResult.from_pyoxigraph(ox.parse_query_results(_fix_json_bnodes(data), format=fmt))
    triples = [q.triple for q in ox.parse(data, format=_RDF_FORMATS[media])]
    return QueryResult("graph", ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")


class RemoteStore:
    """A SPARQL 1.1 Protocol endpoint with the methods and return types of ``EmbeddedStore``.

    ``query_url`` answers queries; ``update_url`` (default: ``query_url``) takes updates;
    ``graph_store_url``, if given, serves ``get_graph`` through the Graph Store Protocol
    (``GET ?graph=...``) instead of a CONSTRUCT.

    ``timeout_s`` is the client deadline of every request. ``engine_timeout_ms`` is sent to
    engines that take a per-request timeout (Virtuoso): None derives it from ``timeout_s``
    (three quarters of it, at least one second) so the engine stops first and says so; 0 sends
    none. ``auth`` goes to httpx as is (``("user", "pw")`` for Basic, ``httpx.DigestAuth(...)``
    for Virtuoso's ``/sparql-auth``).

    ``graph_prefix`` restricts ``graphs()``, ``count()`` and ``union=True`` to the graphs whose
    IRI starts with it (an endpoint shared with other data, or Virtuoso's own graphs).
    ``engine`` picks engine-specific behaviour; ``"auto"`` reads the ``Server`` header.
    Redirects are never followed: configure the final URL.
    """

    def __init__(
        self,
        query_url: str,
        update_url: str | None = None,
        graph_store_url: str | None = None,
        *,
        timeout_s: float = 20.0,
        engine_timeout_ms: int | None = None,
        auth: Any = None,
        graph_prefix: str | None = None,
        engine: Engine = "auto",
        max_response_bytes: int = 512 * 1024 * 1024,
        connect_timeout_s: float = 5.0,
    ) -> None:
        for url in (query_url, update_url, graph_store_url):
            if url is not None and urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"not an http(s) SPARQL endpoint URL: {url!r}")
        if engine not in ("auto", "generic", "oxigraph", "virtuoso"):
            raise ValueError(f"unknown engine: {engine}")
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self.timeout_s = float(timeout_s)
        if engine_timeout_ms is None:
            engine_timeout_ms = max(1000, int(self.timeout_s * 750))
        self.engine_timeout_ms = int(engine_timeout_ms)
        self.graph_prefix = graph_prefix
        self.max_response_bytes = max_response_bytes
        self._engine: str | None = None if engine == "auto" else engine
        self._client = httpx.Client(
            auth=auth,
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(self.timeout_s, connect=min(connect_timeout_s, self.timeout_s)),
            headers={"User-Agent": "lcc-graph"},
        )

    @classmethod
    def for_engine(cls, engine: Literal["oxigraph", "virtuoso"], base_url: str, **kwargs: Any) -> "RemoteStore":
        """The usual endpoint paths of a known server under ``base_url`` (``http://host:port``)."""
        base = base_url.rstrip("/")
        if engine == "oxigraph":
            return cls(f"{base}/query", f"{base}/update", f"{base}/store", engine="oxigraph", **kwargs)
        if engine == "virtuoso":
            return cls(f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud",
                       engine="virtuoso", **kwargs)
        raise ValueError(f"no known endpoint layout for {engine}")

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r}, engine={self._engine or 'auto'})"

    # --- HTTP -----------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, headers: dict[str, str], data: Any = None,
              content: bytes | None = None, params: Any = None) -> _Answer:
        """One request under the client deadline, the body read in full up to the size cap."""
        start = time.monotonic()
        deadline = start + self.timeout_s
        try:
            with self._client.stream(method, url, headers=headers, data=data, content=content,
                                     params=params) as resp:
                chunks: list[bytes] = []
                size = 0
                for chunk in resp.iter_bytes():
                    size += len(chunk)
                    if size > self.max_response_bytes:
                        raise QueryError(
                            f"the engine's answer is larger than {self.max_response_bytes} bytes"
                        )
                    if time.monotonic() > deadline:
                        raise _Deadline()
                    chunks.append(chunk)
                answer = _Answer(resp.status_code, resp.headers, b"".join(chunks),
                                 time.monotonic() - start)
        except httpx.ConnectTimeout as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: no connection within "
                             f"{self._client.timeout.connect} s") from exc
        except httpx.TimeoutException as exc:
            raise _Deadline() from exc
        except httpx.TransportError as exc:
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {exc or type(exc).__name__}") from exc
        if self._engine is None:
            self._engine = self._engine_from(answer.headers)
        if 300 <= answer.status < 400:
            where = answer.headers.get("location", "?")
            raise StoreError(f"the SPARQL endpoint {url} redirects ({answer.status}) to {where}; "
                             "redirects are not followed: configure the final URL")
        return answer

    @staticmethod
    def _engine_from(headers: httpx.Headers) -> str:
        server = headers.get("server", "").lower()
        if server.startswith("oxigraph"):
            return "oxigraph"
        if server.startswith("virtuoso"):
            return "virtuoso"
        return "generic"

    @property
    def engine(self) -> str:
        """``oxigraph``, ``virtuoso`` or ``generic`` (asks the endpoint once if set to auto)."""
        if self._engine is None:
            self._run_query("ASK {}", {"query": "ASK {}"}, "ASK")
        return self._engine or "generic"

    def _raise_for_query(self, answer: _Answer, url: str) -> None:
        """Map an engine's refusal of a query to our errors."""
        status = answer.status
        message = _engine_message(answer.body)
        state = answer.headers.get("x-sql-state", "")
        if status == 206 or state:
            # Virtuoso "anytime" answers: partial results, marked only by status or headers.
            detail = answer.headers.get("x-sql-message", "") or message
            if state.upper() == "S1TAT" or _mentions_timeout(detail):
                raise QueryTimeout(f"the engine stopped the query at its timeout and offered "
                                   f"partial results, which are refused: {detail[:300]}")
            raise QueryError(f"the engine returned incomplete results ({state}): {detail[:300]}")
        if status < 300:
            return
        if status in (401, 403, 407):
            raise StoreError(f"the SPARQL endpoint {url} refused access ({status}): {message}")
        if status in (404, 405):
            raise StoreError(f"no SPARQL query service at {url} ({status}): {message}")
        if status in (408, 504):
            raise QueryTimeout(f"the query passed the deadline at {url} ({status}): {message}")
        if _mentions_timeout(message):
            raise QueryTimeout(f"the engine stopped the query at its timeout: {message}")
        if 400 <= status < 500:
            raise QueryError(f"the engine refused the query ({status}): {message}")
        if self._engine == "virtuoso" and re.match(r"Virtuoso (37000|42|22)", message):
            # Virtuoso reports some query errors (bad arguments, compile limits) as 500.
            raise QueryError(f"the engine refused the query ({status}): {message}")
        raise StoreError(f"the SPARQL endpoint {url} failed ({status}): {message}")

    # --- queries --------------------------------------------------------------------------

    def _run_query(self, sparql: str, form: dict[str, Any], kind: str | None) -> QueryResult:
        accept = {"SELECT": _SOLUTIONS_ACCEPT, "ASK": _SOLUTIONS_ACCEPT,
                  "CONSTRUCT": _GRAPH_ACCEPT, "DESCRIBE": _GRAPH_ACCEPT}.get(kind or "", _ANY_ACCEPT)
        try:
            answer = self._send("POST", self.query_url, data=form, headers={"Accept": accept})
        except _Deadline:
            raise QueryTimeout(
                f"the query passed the {self.timeout_s:g} s deadline at {self.query_url}"
            ) from None
        self._raise_for_query(answer, self.query_url)
        return self._to_result(answer)

    def _to_result(self, answer: _Answer) -> QueryResult:
        media = _media_type(answer.headers)
        data = answer.body
        if media not in _RESULT_FORMATS and media not in _RDF_FORMATS:
            raise StoreError(f"the engine answered with an unexpected media type: {media or '(none)'}")
        if _RESULT_FORMATS.get(media) == ox.QueryResultsFormat.XML and b"<!DOCTYPE" in data[:4096].upper():
            raise StoreError("the engine's XML answer has a DOCTYPE; refused")
        problem = None
        try:
            return _canonical(media, data)
        except (SyntaxError, ValueError) as exc:
            # Keep only the text: the traceback holds pyoxigraph objects, which must be dropped
            # in the thread that made them ("unsendable").
            problem = str(exc)
        tail = data[-300:].decode("utf-8", errors="replace")
        if _mentions_timeout(tail):
            # Oxigraph cuts a streamed 200 answer and appends its message to what was sent.
            said = next((line.strip() for line in reversed(re.split(r"[\[\n{]", tail))
                         if _mentions_timeout(line)), tail.strip()[-200:])
            raise QueryTimeout(f"the engine stopped the query at its timeout: {said[:200]}")
        raise StoreError(f"the engine's answer ({media}) does not parse: {problem}")

    def query(
        self,
        sparql: str,
        *,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        union: bool = False,
        substitutions: Mapping[str, Term] | None = None,
    ) -> QueryResult:
        """Run a query over the listed graphs as default graph, all graphs (``union``), or the engine's.

        With neither ``default_graph`` nor ``union`` the engine's own default dataset applies
        (Oxigraph: its default graph; Virtuoso: every graph it holds). An empty list means an
        empty default graph. ``substitutions`` are not sent: the SPARQL protocol has no place for
        them, and a named query's VALUES block binds the same terms.
        """
        form: dict[str, Any] = {"query": sparql}
        if default_graph is not None:
            form["default-graph-uri"] = self._iris(default_graph)
        elif union:
            if self.graph_prefix is None and self.engine == "oxigraph" and named_graphs is None:
                form["union-default-graph"] = "true"
            else:
                # Virtuoso's own default dataset also holds its system graphs, a prefix narrows
                # "all graphs", and Oxigraph refuses its union flag beside named-graph-uri: list
                # the graphs as the default graph.
                form["default-graph-uri"] = self._iris(self.graphs())
        if named_graphs is not None:
            form["named-graph-uri"] = self._iris(named_graphs)
        elif self.graph_prefix is not None and _NAMES_GRAPHS.search(sparql):
            # the engine's other graphs (another prefix's, e.g. the private ones) stay out of GRAPH ?g
            form["named-graph-uri"] = self._iris(self.graphs())
        if self.engine_timeout_ms > 0 and self.engine == "virtuoso":
            form["timeout"] = str(self.engine_timeout_ms)
        return self._run_query(sparql, form, query_form(sparql))

    @staticmethod
    def _iris(graphs: Iterable[str]) -> list[str]:
        out = []
        for g in graphs:
            try:
                out.append(ox.NamedNode(g).value)
            except ValueError as exc:
                raise QueryError(f"not a graph IRI: {g!r}") from exc
        return out or [EMPTY_GRAPH]

    # --- updates --------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Send one update request (application/sparql-update).

        Whether a failing request leaves earlier operations applied is the engine's business:
        Oxigraph rolls the whole request back; Virtuoso 7.2 keeps the operations before the
        one that failed (measured; see docs/remote.md).
        """
        url = self.update_url
        try:
            answer = self._send("POST", url, content=sparql.encode("utf-8"),
                                headers={"Content-Type": "application/sparql-update; charset=utf-8",
                                         "Accept": "*/*"})
        except _Deadline:
            raise StoreError(
                f"the update did not answer within {self.timeout_s:g} s at {url}; "
                "whether the engine applied it is unknown"
            ) from None
        if answer.status < 300:
            return
        message = _engine_message(answer.body)
        if answer.status in (401, 403, 407):
            raise StoreError(f"the SPARQL endpoint {url} refused the update ({answer.status}): {message}"
                             " (does this account have update rights?)")
        if answer.status in (404, 405):
            raise StoreError(f"no SPARQL update service at {url} ({answer.status}): {message}")
        if 400 <= answer.status < 500:
            raise QueryError(f"the engine refused the update ({answer.status}): {message}")
        raise StoreError(f"update failed at {url} ({answer.status}): {message}")

    @staticmethod
    def _blocks(graph: str, triples: list[ox.Triple]) -> list[str]:
        g = ox.NamedNode(graph)
        return [
            f"GRAPH {g} {{\n" + "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples[i:i + TRIPLES_PER_BLOCK]) + "\n}"
            for i in range(0, len(triples), TRIPLES_PER_BLOCK)
        ]

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple] | None]) -> None:
        """Drop and refill several graphs in ONE update request; ``None`` drops a graph.

        Terms are written by pyoxigraph. Ground triples go in ``INSERT DATA``; triples with
        blank nodes go in ``INSERT { ... } WHERE {}`` (Virtuoso refuses blank nodes in INSERT
        DATA), one per graph (Virtuoso fails on a template naming two graphs).
        """
        ops: list[str] = []
        ground: list[str] = []
        templated: list[str] = []
        for graph, triples in graphs.items():
            g = ox.NamedNode(graph)
            ops.append(f"DROP SILENT GRAPH {g}")
            if triples is None:
                continue
            triples = list(triples)
            with_blank = [t for t in triples if _has_blank(t)]
            plain = [t for t in triples if not _has_blank(t)]
            ground.extend(self._blocks(graph, plain))
            if with_blank:
                body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in with_blank)
                templated.append(f"INSERT {{ GRAPH {g} {{\n{body}\n}} }} WHERE {{}}")
        if ground:
            ops.append("INSERT DATA {\n" + "\n".join(ground) + "\n}")
        ops.extend(templated)
        if ops:
            self.update(" ;\n".join(ops))

    def bulk_add(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Add triples to a graph (one request; for initial loads)."""
        g = ox.NamedNode(graph)
        self.add_quads(ox.Quad(t.subject, t.predicate, t.object, g) for t in triples)

    def add_quads(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (one update request), grouped by graph."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            if not isinstance(q.graph_name, ox.NamedNode):
                raise StoreError("lcc-graph writes named graphs only")
            by_graph.setdefault(q.graph_name.value, []).append(q.triple)
        ops = []
        plain = [block for g, ts in by_graph.items() for block in self._blocks(g, [t for t in ts if not _has_blank(t)])]
        if plain:
            ops.append("INSERT DATA {\n" + "\n".join(plain) + "\n}")
        for g, ts in by_graph.items():
            blank = [t for t in ts if _has_blank(t)]
            if blank:
                body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in blank)
                ops.append(f"INSERT {{ GRAPH {ox.NamedNode(g)} {{\n{body}\n}} }} WHERE {{}}")
        if ops:
            self.update(" ;\n".join(ops))

    def quads(self, subject=None, predicate=None, obj=None, graph: str | None = None) -> list[ox.Quad]:
        """The quads matching a pattern (None: any) in one named graph (``graph`` is required here:
        an engine's graphs are not all ours)."""
        if graph is None:
            raise StoreError("a remote pattern read names its graph")
        terms = [subject or ox.Variable("s"), predicate or ox.Variable("p"), obj or ox.Variable("o")]
        sparql = (f"SELECT ?s ?p ?o WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} "
                  + " ".join(f"VALUES ?{v} {{ {t} }}" for v, t in zip("spo", terms) if not isinstance(t, ox.Variable))
                  + " }")
        g = ox.NamedNode(graph)
        out = []
        for row in self._run_query(sparql, {"query": sparql}, "SELECT").rows():
            s, p, o = (row.get(v) or t for v, t in zip("spo", terms))
            out.append(ox.Quad(s, p, o, g))
        return out

    def has_graph(self, graph: str) -> bool:
        """Whether the named graph holds anything."""
        sparql = f"ASK {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        return bool(self._run_query(sparql, {"query": sparql}, "ASK").boolean)

    # --- graphs ---------------------------------------------------------------------------

    def _graph_filter(self, var: str = "?g") -> str:
        parts = []
        if self.graph_prefix is not None:
            parts.append(f"FILTER(STRSTARTS(STR({var}), {ox.Literal(self.graph_prefix)}))")
        elif self.engine == "virtuoso":
            system = ", ".join(str(ox.NamedNode(g)) for g in VIRTUOSO_SYSTEM_GRAPHS)
            parts.append(f"FILTER({var} NOT IN ({system}))")
            parts.append(f"FILTER NOT EXISTS {{ GRAPH {var} {{ {var} a <{SD_SERVICE}> }} }}")
        return " ".join(parts)

    def graphs(self) -> list[str]:
        """The named graphs (under ``graph_prefix`` if set; Virtuoso's own left out), sorted."""
        if self.engine == "oxigraph":
            # Oxigraph lists graphs from its graph table; Virtuoso answers `GRAPH ?g {}` with
            # one empty row, so other engines scan quads.
            pattern = "GRAPH ?g {}"
        else:
            pattern = "GRAPH ?g { ?s ?p ?o }"
        sparql = f"SELECT DISTINCT ?g WHERE {{ {pattern} {self._graph_filter()} }}"
        result = self._run_query(sparql, {"query": sparql}, "SELECT")
        return sorted({row["g"].value for row in result.rows() if isinstance(row.get("g"), ox.NamedNode)})

    def get_graph(self, graph: str) -> list[ox.Triple]:
        """The triples of a named graph (empty if absent)."""
        g = ox.NamedNode(graph)
        if self.graph_store_url is not None:
            try:
                answer = self._send("GET", self.graph_store_url, params={"graph": g.value},
                                    headers={"Accept": _GRAPH_ACCEPT})
            except _Deadline:
                raise QueryTimeout(f"reading graph {g.value} passed the {self.timeout_s:g} s deadline") from None
            if answer.status == 404:
                return []
            self._raise_for_query(answer, self.graph_store_url)
            result = self._to_result(answer)
        else:
            sparql = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }}"
            result = self._run_query(sparql, {"query": sparql}, "CONSTRUCT")
        return [q.triple for q in ox.parse(result.data, format=ox.RdfFormat.N_TRIPLES)]

    def count(self, graph: str | None = None) -> int:
        """Number of triples in one graph, or in all named graphs (see ``graphs()``)."""
        if graph is not None:
            sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        else:
            sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self._graph_filter()} }}"
        rows = self._run_query(sparql, {"query": sparql}, "SELECT").rows()
        return int(rows[0]["n"].value) if rows and "n" in rows[0] else 0

    def canonical_nquads(self, graphs: Sequence[str] | None = None) -> bytes:
        """Canonical (RDFC-1.0) N-Quads of the listed graphs (all named graphs by default)."""
        names = self.graphs() if graphs is None else list(graphs)
        ds = ox.Dataset()
        for name in names:
            g = ox.NamedNode(name)
            for t in self.get_graph(name):
                ds.add(ox.Quad(t.subject, t.predicate, t.object, g))
        ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return "".join(sorted(str(q) + " .\n" for q in ds)).encode()

    def flush(self) -> None:
        """Nothing to flush: the engine commits each update."""

    def close(self) -> None:
        """Close the HTTP connections."""
        self._client.close()
