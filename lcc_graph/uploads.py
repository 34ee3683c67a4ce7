"""A community's upload: parse, own, validate, then store data, findings and indicators at once.

Nothing is stored unless everything before the commit succeeded; the commit is one transaction
on the public store, preceded by the version and provenance record in the private store (undone
if the public write fails). Uploads to one community are serialised.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import access, history
from .communities import replace_community
from .errors import ValidationRejected
from .framework import framework_version_label
from .namespaces import LCC, RDF, RDFS, XSD, community_base, community_graph, community_iri
from .ownership import check_ownership
from .rdf_input import DEFAULT_MAX_TRIPLES, parse_rdf
from .store.stores import Stores

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


@dataclass
class Accepted:
    """What an accepted upload answers."""

    prepared: Prepared
    version: history.Version
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        """The answer to the uploader: the version and the findings."""
        return {"status": "accepted", "community": self.prepared.community_id,
                "version": self.version.to_json(), "report": self.prepared.report.to_json()}


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


def prepare(
    stores: Stores,
    community_id: str,
    data: bytes,
    media_type: str,
    *,
    max_triples: int = DEFAULT_MAX_TRIPLES,
    reject: bool = True,
    check_owner: bool = True,
) -> Prepared:
    """Parse, check ownership, validate, compute findings and indicators; store nothing.

    With ``reject`` a structure violation raises ValidationRejected carrying the report.
    """
    from .indicators import compute_indicators
    from .validation import validate

    label = access.registered(stores.private).get(community_id, community_id)
    parsed = parse_rdf(data, media_type, base_iri=community_base(community_id), max_triples=max_triples)
    if check_owner:
        check_ownership(parsed.triples, community_id, stores.public)
    triples = _with_community_node(parsed.triples, community_id, label)
    digest = history.checksum(triples)
    report = validate(triples, community_id)
    if reject and not report.conforms:
        raise ValidationRejected(
            f"the upload has {report.counts.get('Violation', 0)} structure violation(s); nothing was stored",
            report,
        )
    findings = report.findings_triples() if report.conforms else []
    assessment = compute_indicators(stores.public, community_id, data=triples) if report.conforms else []
    return Prepared(community_id, triples, report, findings, assessment, digest, parsed.media_type)


def commit(stores: Stores, prepared: Prepared, token_id: str) -> Accepted:
    """Store a prepared upload: the version first (private), then the public graphs at once."""
    cid = prepared.community_id
    with stores.write_lock:
        number = history.next_version(stores.private, cid)
        version = history.record_version(
            stores.private, cid, number, prepared.triples, token_id=token_id, digest=prepared.checksum,
            framework_version=framework_version_label(stores.public), finding_count=len(prepared.report.results),
        )
        marker = ox.Triple(ox.NamedNode(community_iri(cid)), ox.NamedNode(LCC + "dataVersion"),
                           ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer")))
        try:
            replace_community(stores, cid, prepared.triples, prepared.findings, [*prepared.assessment, marker])
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
                               for kind in ("data", "findings", "assessment", "answers")})
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
