"""A community's upload: parse, own, validate, then store data, findings and indicators at once.

The untrusted bytes are handled in the sandbox (:mod:`.sandbox`), in one call of
:func:`check_upload`: the linear pre-checks, parsing, the ownership checks that need no store,
the community node, the checksum (RDFC-1.0, under the sandbox's deadline) and validation with
its report. Only what needs the store runs in the calling thread: whether another community
already describes a subject, the indicators, and the commit.

Nothing is stored unless everything before the commit succeeded; the commit is one transaction
on the public store, preceded by the version and provenance record in the private store (undone
if the public write fails). Uploads to one community are serialised. Content whose checksum is the
community's latest version's makes no new version (a retried upload whose answer was lost).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import access, history
from .assessment_history import history_graph, version_triples, with_snapshot
from .communities import replace_community
from .errors import Busy, OwnershipError, ParseError, ValidationRejected
from .framework import follow_published, framework_version_label
from .indicators import framework_version
from .judgements import stamp
from .namespaces import LCC, RDF, RDFS, community_base, community_graph, community_iri
from .ownership import check_not_taken, check_ownership
from .rdf_input import DEFAULT_MAX_TRIPLES, normalise_media_type, parse_rdf
from .sandbox import Sandbox
from .store.lease import engine_lease
from .store.stores import Stores

CHECK_UPLOAD = "lcc_graph.uploads:check_upload"

_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()


def community_lock(community_id: str) -> threading.Lock:
    """The lock that serialises writes to one community."""
    with _locks_guard:
        return _locks[community_id]


@dataclass
class Prepared:
    """An upload that passed every check and is ready to store."""

    community_id: str
    triples: list[ox.Triple]
    report: Any
    findings: list[ox.Triple]
    assessment: list[ox.Triple]
    checksum: str
    media_type: str
    framework: str | None = None  # the framework version it was judged under


@dataclass
class Accepted:
    """What an accepted upload answers."""

    prepared: Prepared
    version: history.Version
    extra: dict = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        """True when the content was the latest version's already, so no new version was made."""
        return bool(self.extra.get("unchanged"))

    def to_json(self, lang: str = "en") -> dict:
        """The answer to the uploader: the version and the findings (``unchanged``: no new version),
        the findings' messages and hints in ``lang``."""
        return {"status": "accepted", "community": self.prepared.community_id, "unchanged": self.unchanged,
                "version": self.version.to_json(), "report": self.prepared.report.to_json(lang)}


def _with_community_node(triples: list[ox.Triple], community_id: str, label: str) -> list[ox.Triple]:
    """Make sure the data says what the community is, so it never drops out of the listings."""
    me = ox.NamedNode(community_iri(community_id))
    rdf_type, rdfs_label = ox.NamedNode(RDF + "type"), ox.NamedNode(RDFS + "label")
    out = list(triples)
    if ox.Triple(me, rdf_type, ox.NamedNode(LCC + "Community")) not in set(triples):
        out.append(ox.Triple(me, rdf_type, ox.NamedNode(LCC + "Community")))
    if not any(t.subject == me and t.predicate == rdfs_label for t in triples):
        out.append(ox.Triple(me, rdfs_label, ox.Literal(label, language="en")))
    return out


def _ntriples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _from_ntriples(data: bytes) -> list[ox.Triple]:
    """Triples pyoxigraph wrote as N-Triples (flat and linear to read: no triple terms)."""
    return [q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES, lenient=True)]


def check_upload(
    data: bytes,
    media_type: str,
    community_id: str | None,
    label: str | None = None,
    *,
    max_triples: int = DEFAULT_MAX_TRIPLES,
    check_owner: bool = True,
    engine: str = "fast",
) -> dict:
    """Every check of an upload that needs no store; meant to run in the sandbox.

    Pre-checks and parses the bytes (base IRI under ``community_id``; a spreadsheet is read by
    :mod:`.tabular`, and its report's results then name sheet, row and column), checks ownership without
    a store (``check_owner``), adds the community node (``label``), computes the checksum and
    validates. Answers plain data: ``triples`` and ``findings`` as N-Triples bytes, ``checksum``,
    ``media_type``, and ``report`` capped (:meth:`Report.capped`: exact counts, the first results
    of each shape). ``lcc load``, ``lcc validate``, uploads and the dry run all go through it.
    """
    from .validation import validate

    from . import tabular

    base = community_base(community_id) if community_id is not None else None
    converted = None
    if tabular.is_tabular(media_type):
        if community_id is None:
            raise ParseError("a spreadsheet's rows belong to a community: name it (--community, ?community=)")
        converted = tabular.read_upload(data, media_type, community_id, max_triples=max_triples)
        triples, media = converted.triples, normalise_media_type(media_type)
    else:
        parsed = parse_rdf(data, media_type, base_iri=base, max_triples=max_triples)
        triples, media = parsed.triples, parsed.media_type
    if community_id is not None:
        if check_owner:
            try:
                check_ownership(triples, community_id, None)
            except OwnershipError as exc:
                if converted is None:
                    raise
                located = tabular.locate_problems(list(exc.details.get("problems") or []), converted)
                raise OwnershipError(exc.message + " [in the file: " + "; ".join(
                    p for p in located if p.endswith(")"))[:2000] + "]", problems=located) from None
        triples = _with_community_node(triples, community_id, label or community_id)
    digest = history.checksum(triples)
    report = validate(triples, community_id, engine=engine)
    if converted is not None:
        report = tabular.locate(report, converted, community_id)  # every result named by sheet, row and column
    findings = report.findings_triples() if report.conforms and community_id is not None else []
    return {"triples": _ntriples(triples), "media_type": media, "checksum": digest,
            "report": report.capped(), "findings": _ntriples(findings)}


def warm_up() -> None:
    """Import and compile what :func:`check_upload` needs (a sandbox worker calls it at start)."""
    from .validation import validate

    me = ox.NamedNode(community_iri("warm-up"))
    validate([ox.Triple(me, ox.NamedNode(RDF + "type"), ox.NamedNode(LCC + "Community"))], "warm-up")


def check_taken(stores: Stores, triples: list[ox.Triple], community_id: str) -> None:
    """The ownership check that needs the store: no subject another community's data describes
    (OwnershipError, with the message :func:`check_ownership` gives)."""
    check_not_taken(stores.public, list({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}),
                    community_id)


def prepare(
    stores: Stores,
    community_id: str,
    data: bytes,
    media_type: str,
    *,
    max_triples: int = DEFAULT_MAX_TRIPLES,
    reject: bool = True,
    check_owner: bool = True,
    sandbox: Sandbox | None = None,
    timeout_s: float | None = None,
) -> Prepared:
    """Parse, check ownership, validate, compute findings and indicators; store nothing.

    The bytes are read and checked in the sandbox (``sandbox``, else ``stores.sandbox``; its
    deadline, or ``timeout_s``); an empty or zero-triple upload is a ParseError. With ``reject``
    a structure violation raises ValidationRejected carrying the report.
    """
    from .indicators import compute_indicators

    label = access.registered(stores.private).get(community_id, community_id)
    follow_published(stores)  # a version another instance published is the one to validate with
    framework = framework_version(stores.public)
    box = sandbox if sandbox is not None else stores.sandbox
    checked = box.run(CHECK_UPLOAD, data, media_type, community_id, label, max_triples=max_triples,
                      check_owner=check_owner, timeout_s=timeout_s)
    triples = _from_ntriples(checked["triples"])
    if check_owner:
        check_taken(stores, triples, community_id)
    report = checked["report"]
    if reject and not report.conforms:
        raise ValidationRejected(
            f"the upload has {report.counts.get('Violation', 0)} structure violation(s); nothing was stored",
            report,
        )
    findings = _from_ntriples(checked["findings"]) if report.conforms else []
    assessment = compute_indicators(stores.public, community_id, data=triples) if report.conforms else []
    return Prepared(community_id, triples, report, findings, assessment, checked["checksum"], checked["media_type"],
                    framework)


def commit(stores: Stores, prepared: Prepared, token_id: str) -> Accepted:
    """Store a prepared upload: the version first (private), then the public graphs at once.

    When the content's checksum is the community's latest version's, nothing is written and the
    answer is that version, ``unchanged`` (a client retrying an upload whose answer it lost).
    """
    cid = prepared.community_id
    # instances sharing one engine number a community's versions one at a time (store/lease.py)
    with engine_lease(stores.private, f"communities/{cid}"), stores.write_lock:
        if prepared.framework is not None and framework_version(stores.public) != prepared.framework:
            raise Busy("a new framework version was published while the upload was being checked: "
                       "send it again to have it judged under the new version")
        latest = history.latest_version(stores.private, cid)
        if latest is not None and latest.checksum == prepared.checksum:
            return Accepted(prepared, latest, {"unchanged": True})
        number = latest.version + 1 if latest is not None else 1
        version = history.record_version(
            stores.private, cid, number, prepared.triples, token_id=token_id, digest=prepared.checksum,
            framework_version=framework_version_label(stores.public), finding_count=prepared.report.total,
        )
        try:
            previous = stores.public.get_graph(community_graph(cid, "assessment"))
            kept = with_snapshot(cid, stores.public.get_graph(history_graph(cid)), previous)
            replace_community(stores, cid, prepared.triples, stamp(prepared.findings, prepared.framework),
                              [*prepared.assessment, *version_triples(cid, number)], history=kept)
        except Exception:
            history.discard_version(stores.private, cid, number)
            raise
    return Accepted(prepared, version)


def upload(stores: Stores, community_id: str, data: bytes, media_type: str, token_id: str, *,
           max_triples: int = DEFAULT_MAX_TRIPLES) -> Accepted:
    """Replace a community's data with an upload, all or nothing."""
    with community_lock(community_id):
        prepared = prepare(stores, community_id, data, media_type, max_triples=max_triples)
        return commit(stores, prepared, token_id)


def delete_data(stores: Stores, community_id: str) -> int:
    """Remove a community's public graphs and its whole history; returns versions removed."""
    with community_lock(community_id), stores.write_lock:
        stores.replace_graphs({community_graph(community_id, kind): None
                               for kind in ("data", "findings", "assessment", "assessment-history", "answers")})
        return history.delete_history(stores.private, community_id)


def reconcile(stores: Stores) -> list[tuple[str, int]]:
    """After a crash: drop private versions newer than what the public store committed.

    The version is recorded privately just before the public commit; a crash between the two
    leaves a version that was never acknowledged. Returns the (community, version) pairs dropped.
    """
    from .indicators import assessment_graphs

    # The markers are read from the assessment graphs only, where commit() puts them.
    graphs = assessment_graphs(stores.public)
    committed = {
        row["c"].rsplit("/", 1)[1]: int(row["v"])
        for row in stores.public.query(
            f"SELECT ?c ?v WHERE {{ ?c {ox.NamedNode(LCC + 'dataVersion')} ?v }}", default_graph=graphs).values()
    } if graphs else {}
    dropped = []
    for cid in {v.community_id for v in history.all_versions(stores.private)}:
        for version in history.versions(stores.private, cid):
            if version.version > committed.get(cid, 0):
                history.discard_version(stores.private, cid, version.version)
                dropped.append((cid, version.version))
    return dropped
