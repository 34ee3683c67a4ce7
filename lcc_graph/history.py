"""Earlier versions of a community's data and who uploaded what: the private store only."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import NotFound, ParseError, StoreError
from .namespaces import LCC, PRIVATE, PROV, XSD, check_slug, community_iri
from .store.embedded import EmbeddedStore

PROVENANCE = PRIVATE + "provenance"
MAX_BLANK_NODES = 5_000
_P = {name: ox.NamedNode(LCC + name) for name in
      ("community", "version", "token", "tripleCount", "checksum", "frameworkVersion", "findingCount")}
_AT = ox.NamedNode(PROV + "generatedAtTime")
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_ENTITY = ox.NamedNode(PROV + "Entity")
_VALUE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")
_XSD_STRING = XSD + "string"


@dataclass(frozen=True)
class Version:
    """One accepted upload of a community's data."""

    community_id: str
    version: int
    uploaded_at: str
    token_id: str
    triple_count: int
    checksum: str
    framework_version: str
    finding_count: int

    def to_json(self) -> dict:
        """The public view of a version: who uploaded is private, so the token is not shown."""
        return {"version": self.version, "uploaded_at": self.uploaded_at, "triples": self.triple_count,
                "checksum": self.checksum, "framework_version": self.framework_version,
                "findings": self.finding_count}


def version_graph(community_id: str, version: int) -> str:
    """The private graph that keeps one version of a community's data."""
    return f"{PRIVATE}history:{check_slug(community_id)}:{version}"


def _record(community_id: str, version: int) -> ox.NamedNode:
    return ox.NamedNode(f"{PRIVATE}version:{check_slug(community_id)}:{version}")


def stored_form(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples as a store gives them back: Oxigraph normalises well-formed typed literals
    (``"9.0"^^xsd:decimal`` is stored as ``"9"``), so a checksum of this form is the same for
    an upload and for the data the store then holds (and exports)."""
    typed = {t.object for t in triples if isinstance(t.object, ox.Literal) and t.object.language is None
             and t.object.datatype.value != _XSD_STRING}
    if not typed:
        return list(triples)
    keys = {lit: ox.NamedNode(f"urn:lcc:literal:{i}") for i, lit in enumerate(typed)}
    store = ox.Store()
    store.extend(ox.Quad(key, _VALUE, lit, ox.DefaultGraph()) for lit, key in keys.items())
    back = {q.subject: q.object for q in store}
    stored = {lit: back[key] for lit, key in keys.items()}
    return [ox.Triple(t.subject, t.predicate, stored[t.object]) if t.object in stored else t for t in triples]


def canonical_lines(triples: list[ox.Triple]) -> list[str]:
    """Canonical (RDFC-1.0) N-Triples lines of the stored form, sorted; refuses graphs with too
    many blank nodes.

    A graph without blank nodes is its own canonical form (its lines sorted, linear time).
    RDFC-1.0 on blank nodes can take minutes (a 500-node chain: 14 s) and holds the GIL: on
    untrusted data call it in the sandbox (``uploads.check_upload`` does), under its deadline.
    """
    triples = stored_form(triples)
    blanks = {t for tr in triples for t in (tr.subject, tr.object) if isinstance(t, ox.BlankNode)}
    if not blanks:
        return sorted({f"{t} ." for t in triples})
    if len(blanks) > MAX_BLANK_NODES:
        raise ParseError(f"the data has {len(blanks)} blank nodes; the limit is {MAX_BLANK_NODES}: give resources IRIs")
    ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted({str(q.triple) + " ." for q in ds})


def checksum(triples: list[ox.Triple]) -> str:
    """SHA-256 of the canonical N-Triples of a graph."""
    return "sha256:" + hashlib.sha256("\n".join(canonical_lines(triples)).encode()).hexdigest()


def versions(private: EmbeddedStore, community_id: str) -> list[Version]:
    """A community's versions, oldest first."""
    me = ox.NamedNode(community_iri(community_id))
    q = f"""SELECT ?v ?n ?at ?tok ?count ?sum ?fw ?findings WHERE {{
      ?v {_P['community']} {me} ; {_P['version']} ?n ; {_AT} ?at ; {_P['token']} ?tok ;
         {_P['tripleCount']} ?count ; {_P['checksum']} ?sum ; {_P['frameworkVersion']} ?fw ;
         {_P['findingCount']} ?findings .
    }} ORDER BY ?n"""
    return [
        Version(community_id, int(r["n"]), r["at"], r["tok"], int(r["count"]), r["sum"], r["fw"], int(r["findings"]))
        for r in private.query(q, default_graph=[PROVENANCE]).values()
    ]


def all_versions(private: EmbeddedStore) -> list[Version]:
    """Every community's versions (for reconciliation after a crash)."""
    rows = private.query(f"SELECT DISTINCT ?c WHERE {{ ?v {_P['community']} ?c }}", default_graph=[PROVENANCE]).values()
    out: list[Version] = []
    for row in rows:
        out += versions(private, row["c"].rsplit("/", 1)[1])
    return out


def latest_versions(private: EmbeddedStore) -> dict[str, int]:
    """Every community's newest version number, in one query."""
    rows = private.query(f"SELECT ?c (MAX(?n) AS ?latest) WHERE {{ ?v {_P['community']} ?c ; {_P['version']} ?n }} "
                         "GROUP BY ?c", default_graph=[PROVENANCE]).values()
    return {row["c"].rsplit("/", 1)[1]: int(row["latest"]) for row in rows}


def latest_version(private: EmbeddedStore, community_id: str) -> Version | None:
    """A community's newest version, or None."""
    found = versions(private, community_id)
    return found[-1] if found else None


@dataclass(frozen=True)
class NewVersion:
    """What :func:`record_versions` keeps of one version."""

    community_id: str
    version: int
    triples: list[ox.Triple]
    digest: str
    finding_count: int


def record_version(
    private: EmbeddedStore,
    community_id: str,
    version: int,
    triples: list[ox.Triple],
    *,
    token_id: str,
    digest: str,
    framework_version: str,
    finding_count: int,
) -> Version:
    """Keep a version's data and its provenance record, in one transaction."""
    return record_versions(private, [NewVersion(community_id, version, triples, digest, finding_count)],
                           token_id=token_id, framework_version=framework_version)[0]


def record_versions(private: EmbeddedStore, new: list[NewVersion], *, token_id: str,
                    framework_version: str, graphs_loaded: bool = False) -> list[Version]:
    """Keep several versions' data and provenance records, in one transaction (``Store.extend``:
    atomic, and no SPARQL text to parse).

    With ``graphs_loaded`` the versions' data graphs are there already (:func:`load_version_graphs`)
    and only the provenance records are written.
    """
    # the time as the store gives it back, so the answer to an upload and its history agree
    (stamp,) = stored_form([ox.Triple(_ENTITY, _AT, ox.Literal(dt.datetime.now(dt.timezone.utc).isoformat(),
                                                                 datatype=ox.NamedNode(XSD + "dateTime")))])
    at, now = stamp.object, stamp.object.value
    provenance = ox.NamedNode(PROVENANCE)
    quads: list[ox.Quad] = []
    out: list[Version] = []
    if not graphs_loaded:
        _drop_stale(private, [version_graph(item.community_id, item.version) for item in new])
    for item in new:
        rec = _record(item.community_id, item.version)
        meta = [
            (_TYPE, _ENTITY),
            (_P["community"], ox.NamedNode(community_iri(item.community_id))),
            (_P["version"], ox.Literal(str(item.version), datatype=ox.NamedNode(XSD + "integer"))),
            (_AT, at),
            (_P["token"], ox.Literal(token_id)),
            (_P["tripleCount"], ox.Literal(str(len(item.triples)), datatype=ox.NamedNode(XSD + "integer"))),
            (_P["checksum"], ox.Literal(item.digest)),
            (_P["frameworkVersion"], ox.Literal(framework_version)),
            (_P["findingCount"], ox.Literal(str(item.finding_count), datatype=ox.NamedNode(XSD + "integer"))),
        ]
        quads += [ox.Quad(rec, p, o, provenance) for p, o in meta]
        if not graphs_loaded:
            graph = ox.NamedNode(version_graph(item.community_id, item.version))
            quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in item.triples]
        out.append(Version(item.community_id, item.version, now, token_id, len(item.triples), item.digest,
                           framework_version, item.finding_count))
    if quads:
        try:
            private.add_quads(quads)
        except OSError as exc:
            raise StoreError(f"could not record the version: {exc}") from exc
    return out


def _drop_stale(private: EmbeddedStore, graphs: list[str]) -> None:
    """Drop version graphs that no record names (left by a discarded version or a crash)."""
    stale = [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs if private.has_graph(g)]
    if stale:
        private.update(" ;\n".join(stale))


def load_version_graphs(private: EmbeddedStore, graphs: dict[str, list[ox.Triple]]) -> None:
    """Bulk-load the data graphs of versions about to be recorded (``version_graph`` IRI -> triples).

    For loading many communities while nothing else writes the private store; not a transaction,
    but a version exists only once :func:`record_versions` (``graphs_loaded=True``) writes its
    record, so a crash in between leaves graphs that no version names, replaced when that number
    is next recorded. pyoxigraph parses and writes the N-Quads in Rust, so another thread may run.
    """
    _drop_stale(private, list(graphs))
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g)) for g, triples in graphs.items() for t in triples]
    if quads:
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        try:
            if not hasattr(private, "raw"):  # a remote engine: one update request
                private.add_quads(quads)
                return
            private.raw.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)
        except OSError as exc:
            raise StoreError(f"could not record the versions: {exc}") from exc


def discard_version(private: EmbeddedStore, community_id: str, version: int) -> None:
    """Undo record_version (when the public write that follows it fails)."""
    rec = _record(community_id, version)
    private.update(f"DROP SILENT GRAPH {ox.NamedNode(version_graph(community_id, version))} ; "
                   f"DELETE WHERE {{ GRAPH {ox.NamedNode(PROVENANCE)} {{ {rec} ?p ?o }} }}")


def delete_history(private: EmbeddedStore, community_id: str) -> int:
    """Remove every version and provenance record of a community; returns how many versions."""
    found = versions(private, community_id)
    parts = []
    for v in found:
        parts.append(f"DROP SILENT GRAPH {ox.NamedNode(version_graph(community_id, v.version))}")
        parts.append(f"DELETE WHERE {{ GRAPH {ox.NamedNode(PROVENANCE)} {{ {_record(community_id, v.version)} ?p ?o }} }}")
    if parts:
        private.update(" ;\n".join(parts))
    return len(found)


def version_triples(private: EmbeddedStore, community_id: str, version: int) -> list[ox.Triple]:
    """The data of one version; NotFound if there is no such version."""
    if version not in {v.version for v in versions(private, community_id)}:
        raise NotFound(f"community {community_id!r} has no version {version}")
    return private.get_graph(version_graph(community_id, version))


def canonical_ntriples_lines(data: bytes) -> list[str]:
    """:func:`canonical_lines` of a graph given as N-Triples bytes (what the sandbox is sent)."""
    return canonical_lines([q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)])


def _lines(triples: list[ox.Triple], sandbox) -> list[str]:
    has_blanks = any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples)
    if sandbox is None or not has_blanks:
        return canonical_lines(triples)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return sandbox.run("lcc_graph.history:canonical_ntriples_lines", data)


def diff(private: EmbeddedStore, community_id: str, a: int, b: int, *, sandbox=None) -> dict:
    """What changed from version a to version b, as canonical N-Triples lines.

    With a ``sandbox`` (:class:`lcc_graph.sandbox.Sandbox`), a version with blank nodes is
    canonicalised there, under its deadline (RDFC-1.0 can take minutes and holds the GIL).
    """
    old = set(_lines(version_triples(private, community_id, a), sandbox))
    new = set(_lines(version_triples(private, community_id, b), sandbox))
    return {"community": community_id, "from": a, "to": b,
            "added": sorted(new - old), "removed": sorted(old - new)}
