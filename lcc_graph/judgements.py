"""Every result names the framework version it was judged under, and keeps it.

Findings, measurements, the assessment and dialogue answers carry ``lcc:frameworkVersion``
(:func:`stamp`). When a new framework version is published, :func:`rejudge_all` judges every
community's current data again under it (new findings, new assessment), and first keeps what the
earlier version said: the community's current assessment **and findings** move into its public
``assessment-history`` graph as a *framework snapshot* ``{community}/versions/{n}/frameworks/{label}/assessment``
(measurements ``{snapshot}/{indicator}``, findings ``{snapshot}/findings/{hash}``), computed on the
data version, never on the community, and with no ``lcc:community`` (so that reports reading the
current results count each community once, as with the data-version snapshots of
:mod:`lcc_graph.assessment_history`). The assessment page compares the two judgements of the same
data: what changed because the framework changed, apart from what changed because the data did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from .assessment_history import committed_version, history_graph, version_iri
from .namespaces import DCTERMS, DQV, LCC, RDF, SH, community_graph, community_iri

_A = ox.NamedNode(RDF + "type")
_FRAMEWORK_VERSION = ox.NamedNode(LCC + "frameworkVersion")
_COMMUNITY = ox.NamedNode(LCC + "community")
_COMPUTED_ON = ox.NamedNode(DQV + "computedOn")
_DATA_VERSION = ox.NamedNode(LCC + "dataVersion")
_PART_OF = ox.NamedNode(DCTERMS + "isPartOf")
_CRITERION = ox.NamedNode(LCC + "criterion")
_RESULT = ox.NamedNode(SH + "ValidationResult")
_MEASUREMENT = ox.NamedNode(DQV + "QualityMeasurement")
_MEASUREMENT_OF = ox.NamedNode(DQV + "isMeasurementOf")
_ASSESSMENT = ox.NamedNode(LCC + "Assessment")
STAMPED = (_RESULT, _MEASUREMENT, _ASSESSMENT, ox.NamedNode(LCC + "DialogueAnswer"))


def stamp(triples: Iterable[ox.Triple], version_iri: str | None) -> list[ox.Triple]:
    """The triples with each finding, measurement, assessment and answer in them stamped
    ``lcc:frameworkVersion`` ``version_iri`` (an earlier stamp replaced); unchanged without a version."""
    triples = list(triples)
    if not version_iri:
        return triples
    version = ox.NamedNode(version_iri)
    results = {t.subject for t in triples if t.predicate == _A and t.object in STAMPED}
    return [t for t in triples if not (t.predicate == _FRAMEWORK_VERSION and t.subject in results)] + \
        [ox.Triple(s, _FRAMEWORK_VERSION, version) for s in sorted(results, key=str)]


def judged_under(assessment: Iterable[ox.Triple]) -> str | None:
    """The framework version an assessment graph was judged under (its assessment's stamp)."""
    nodes = set()
    stamps = {}
    for t in assessment:
        if t.predicate == _A and t.object == _ASSESSMENT:
            nodes.add(t.subject)
        elif t.predicate == _FRAMEWORK_VERSION:
            stamps[t.subject] = t.object.value
    return next((stamps[n] for n in nodes if n in stamps), None)


def framework_snapshot_iri(community_id: str, version: int, label: str) -> str:
    """``{community}/versions/{n}/frameworks/{label}/assessment``: version n judged under framework ``label``."""
    return f"{version_iri(community_id, version)}/frameworks/{label}/assessment"


def framework_snapshot(community_id: str, assessment: list[ox.Triple], findings: list[ox.Triple],
                       label: str) -> list[ox.Triple]:
    """The current assessment and findings as kept under the framework version ``label`` they were
    judged by (empty when the assessment names no data version)."""
    version = committed_version(assessment)
    if version is None:
        return []
    me = community_iri(community_id)
    current = me + "/assessment"
    target = framework_snapshot_iri(community_id, version, label)
    node = ox.NamedNode(version_iri(community_id, version))
    community = ox.NamedNode(me)
    findings_base = me + "/findings/"

    def rename(term):
        if isinstance(term, ox.NamedNode):
            if term.value == current or term.value.startswith(current + "/"):
                return ox.NamedNode(target + term.value[len(current):])
            if term.value.startswith(findings_base):
                return ox.NamedNode(target + "/findings/" + term.value[len(findings_base):])
        return term

    out: list[ox.Triple] = []
    for t in assessment:
        if t.predicate == _DATA_VERSION or (t.predicate == _COMMUNITY and t.subject.value == current):
            continue
        if "/versions/" in t.subject.value and not t.subject.value.startswith(current):
            continue  # the version node itself lives in the history already (or with the current assessment)
        obj = node if t.predicate == _COMPUTED_ON and t.object == community else rename(t.object)
        out.append(ox.Triple(rename(t.subject), t.predicate, obj))
    snapshot = ox.NamedNode(target)
    for t in findings:
        if t.predicate == _COMMUNITY:
            out.append(ox.Triple(rename(t.subject), _PART_OF, snapshot))
            continue
        out.append(ox.Triple(rename(t.subject), t.predicate, t.object))
    return out


def rejudge_all(stores, progress: Callable[[str], None] | None = None) -> dict:
    """Judge every community again under the current framework version, keeping the results of
    the version each was judged under before; returns ``{"kept": n, "findings": n, "assessed": n}``.

    Communities already judged under the current version are simply reassessed (their
    unchanged measurements keep their time). Each community's snapshot is written in one
    transaction with nothing else changed, before its new results: a crash between the two leaves
    the old results current, and running it again takes the snapshot again (replacing it).
    """
    from .communities import community_ids
    from .findings import refresh_findings
    from .framework import framework_version_label
    from .framework_versions import versions as framework_versions
    from .indicators import assess_all, framework_version

    public = stores.public
    current = framework_version(public)
    labels = {v.iri: v.label for v in framework_versions(stores)}
    kept = 0
    ids = community_ids(public)
    with stores.write_lock:
        pending: dict[str, list[ox.Triple]] = {}
        for cid in ids:
            assessment = public.get_graph(community_graph(cid, "assessment"))
            before = judged_under(assessment)
            if before is None or before == current:
                continue
            label = labels.get(before, before.rstrip("/").rsplit("/", 1)[-1])
            taken = framework_snapshot(cid, assessment, public.get_graph(community_graph(cid, "findings")), label)
            if not taken:
                continue
            prefix = framework_snapshot_iri(cid, committed_version(assessment) or 0, label)
            history = [t for t in public.get_graph(history_graph(cid))
                       if not (t.subject.value == prefix or t.subject.value.startswith(prefix + "/"))]
            pending[history_graph(cid)] = history + taken
            kept += 1
            if len(pending) >= 100:
                stores.replace_graphs(pending)
                pending = {}
        if pending:
            stores.replace_graphs(pending)
        findings = refresh_findings(stores, ids)
    assessed = assess_all(stores, progress)
    return {"kept": kept, "findings": findings, "assessed": assessed, "framework_version": framework_version_label(stores)}


def framework_snapshots(store, community_id: str) -> dict[tuple[int, str], dict]:
    """A community's framework snapshots: (data version, framework label) -> ``{"iri", "framework"
    (the version's IRI), "findings" (criterion IRI -> count), "measurements" (indicator or metric IRI ->
    {"count", "base", value property IRI -> value}, as :class:`assessment_history.Assessed` has them)}``."""
    from .assessment_history import figures

    store = getattr(store, "public", store)
    prefix = version_iri(community_id, 0)[:-1]
    out: dict[tuple[int, str], dict] = {}
    triples = store.get_graph(history_graph(community_id))
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    owners: dict[str, dict] = {}
    for subject, ts in by_subject.items():
        if "/frameworks/" in subject and any(t.predicate == _A and t.object == _ASSESSMENT for t in ts):
            number, _, label = subject[len(prefix):].partition("/frameworks/")
            if not number.isdigit():
                continue
            entry = {"iri": subject, "findings": {}, "measurements": {},
                     "framework": next((t.object.value for t in ts if t.predicate == _FRAMEWORK_VERSION), None)}
            out[(int(number), label.removesuffix("/assessment"))] = owners[subject] = entry
    node_of = {e["iri"]: e["iri"].split("/frameworks/")[0] for e in owners.values()}
    for subject, ts in by_subject.items():
        owner = next((o for o in owners if subject.startswith(o + "/")), None)
        if owner is None:
            continue
        part_of = next((t.object.value for t in ts if t.predicate == _PART_OF), None)
        if part_of == owner:  # a finding
            criterion = next((t.object.value for t in ts if t.predicate == _CRITERION), None)
            if criterion:
                owners[owner]["findings"][criterion] = owners[owner]["findings"].get(criterion, 0) + 1
            continue
        of = next((t.object.value for t in ts if t.predicate == _MEASUREMENT_OF), None)
        on = next((t.object.value for t in ts if t.predicate == _COMPUTED_ON), None)
        if of is None or on != node_of[owner]:
            continue  # a partner's figure, or not a measurement
        owners[owner]["measurements"][of] = figures(ts)
    return out


__all__ = ["framework_snapshot", "framework_snapshot_iri", "framework_snapshots", "judged_under", "rejudge_all",
           "stamp"]
