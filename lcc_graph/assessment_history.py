"""Every accepted version keeps its assessment: the earlier ones, public and readable by SPARQL.

A community's current assessment lives in its ``assessment`` graph (:mod:`lcc_graph.indicators`).
It names the data version it assessed: ``{assessment} lcc:assessedVersion {community}/versions/{n}``,
that version being an ``lcc:DataVersion`` with its ``lcc:versionNumber`` and ``dcterms:isVersionOf``
the community (beside the ``lcc:dataVersion`` commit marker that :func:`uploads.reconcile` reads).

When an accepted upload replaces version ``n``, the assessment of ``n`` moves, in the same
transaction, into the community's ``assessment-history`` graph as a **snapshot**: the same
triples with the assessment renamed ``{community}/versions/{n}/assessment`` and each measurement
``{community}/versions/{n}/assessment/{indicator}``, ``dqv:computedOn`` the version instead of the
community. Because no triple of a snapshot names the community as what a measurement is computed
on (nor carries ``lcc:community``), the reports that read current measurements from every public
graph (``resource-relative-indicators``, ``peer-comparison``, peer bands and fits) count each
community once, however many versions it has. Only the assessment is public: the data of earlier
versions, and who uploaded them, stay in the private store (:mod:`lcc_graph.history`).

:func:`assessments` reads a community's assessments, current and earlier, by version number;
:func:`series` and :func:`change` are what the API serves from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from .namespaces import DCTERMS, DQV, LCC, PROV, RDF, XSD, community_graph, community_iri

HISTORY_KIND = "assessment-history"

_A = ox.NamedNode(RDF + "type")
_DATA_VERSION = ox.NamedNode(LCC + "dataVersion")
_ASSESSED_VERSION = ox.NamedNode(LCC + "assessedVersion")
_VERSION_NUMBER = ox.NamedNode(LCC + "versionNumber")
_VERSION_CLASS = ox.NamedNode(LCC + "DataVersion")
_IS_VERSION_OF = ox.NamedNode(DCTERMS + "isVersionOf")
_COMMUNITY = ox.NamedNode(LCC + "community")
_COMPUTED_ON = ox.NamedNode(DQV + "computedOn")
_MEASUREMENT_OF = ox.NamedNode(DQV + "isMeasurementOf")
_MEASUREMENT = ox.NamedNode(DQV + "QualityMeasurement")
_GENERATED = ox.NamedNode(PROV + "generatedAtTime")
_FRAMEWORK_VERSION = ox.NamedNode(LCC + "frameworkVersion")
_NUMERATOR = ox.NamedNode(LCC + "numerator")
_DENOMINATOR = ox.NamedNode(LCC + "denominator")
_INTEGER = ox.NamedNode(XSD + "integer")
# what only commits write into an assessment graph, never recomputed from the data
VERSION_PREDICATES = frozenset({_DATA_VERSION, _ASSESSED_VERSION})


def history_graph(community_id: str) -> str:
    """The public graph of a community's earlier assessments."""
    return community_graph(community_id, HISTORY_KIND)


def version_iri(community_id: str, version: int) -> str:
    """``https://w3id.org/lcc/communities/{id}/versions/{n}``: one accepted upload of its data."""
    return f"{community_iri(community_id)}/versions/{int(version)}"


def snapshot_iri(community_id: str, version: int) -> str:
    """The assessment of an earlier version, ``{version}/assessment``."""
    return version_iri(community_id, version) + "/assessment"


def version_triples(community_id: str, version: int) -> list[ox.Triple]:
    """What a commit adds to the assessment graph: the ``lcc:dataVersion`` marker, the version as an
    ``lcc:DataVersion``, and the assessment's ``lcc:assessedVersion`` link to it."""
    community = ox.NamedNode(community_iri(community_id))
    node = ox.NamedNode(version_iri(community_id, version))
    number = ox.Literal(str(int(version)), datatype=_INTEGER)
    return [
        ox.Triple(community, _DATA_VERSION, number),
        ox.Triple(ox.NamedNode(community_iri(community_id) + "/assessment"), _ASSESSED_VERSION, node),
        ox.Triple(node, _A, _VERSION_CLASS),
        ox.Triple(node, _IS_VERSION_OF, community),
        ox.Triple(node, _VERSION_NUMBER, number),
    ]


def is_version_triple(t: ox.Triple) -> bool:
    """Whether a triple of an assessment graph was written by a commit (not recomputable from the
    data): reassessing keeps these."""
    return t.predicate in VERSION_PREDICATES or "/versions/" in t.subject.value


def committed_version(assessment: Iterable[ox.Triple]) -> int | None:
    """The ``lcc:dataVersion`` an assessment graph names, or None."""
    for t in assessment:
        if t.predicate == _DATA_VERSION:
            try:
                return int(t.object.value)
            except ValueError:
                return None
    return None


def snapshot(community_id: str, assessment: list[ox.Triple]) -> list[ox.Triple]:
    """The current assessment graph's triples as the snapshot of the version it assessed (empty
    when it names no version, or holds no assessment)."""
    version = committed_version(assessment)
    current = community_iri(community_id) + "/assessment"
    if version is None or not any(t.subject.value == current and t.predicate == _A for t in assessment):
        return []
    community = ox.NamedNode(community_iri(community_id))
    target = snapshot_iri(community_id, version)
    node = ox.NamedNode(version_iri(community_id, version))

    def rename(term):
        if isinstance(term, ox.NamedNode) and (term.value == current or term.value.startswith(current + "/")):
            return ox.NamedNode(target + term.value[len(current):])
        return term

    out = []
    for t in assessment:
        if t.predicate == _DATA_VERSION or (t.predicate == _COMMUNITY and t.subject.value == current):
            continue
        obj = node if t.predicate == _COMPUTED_ON and t.object == community else rename(t.object)
        out.append(ox.Triple(rename(t.subject), t.predicate, obj))
    return out


def with_snapshot(community_id: str, kept: list[ox.Triple], assessment: list[ox.Triple]) -> list[ox.Triple] | None:
    """The history graph with the current assessment's snapshot added (replacing one of the same
    version, should a crash have left it); None when there is nothing to add."""
    taken = snapshot(community_id, assessment)
    if not taken:
        return None
    prefix = version_iri(community_id, committed_version(assessment) or 0)
    # the version's framework snapshots (``{version}/frameworks/...``, :mod:`lcc_graph.judgements`) stay
    return [t for t in kept if not (t.subject.value == prefix or t.subject.value.startswith(prefix + "/assessment"))] \
        + taken


@dataclass
class Assessed:
    """One version's assessment as stored: when, with which framework, and each measurement's figures."""

    version: int
    current: bool
    generated_at: str | None = None
    framework_version: str | None = None
    # indicator or metric IRI -> {"count", "base", property IRI -> value}
    measurements: dict[str, dict[str, float | None]] = field(default_factory=dict)


def _number(term) -> int | float | None:
    """A literal's number: an int when whole (a count of 12 is 12, not 12.0)."""
    try:
        value = float(term.value)
    except (AttributeError, ValueError):
        return None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _read(triples: list[ox.Triple], current: bool, community: str) -> list[Assessed]:
    by_subject: dict[str, list[ox.Triple]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, []).append(t)
    numbers = {s: int(t.object.value) for s, ts in by_subject.items() for t in ts
               if t.predicate == _VERSION_NUMBER and t.object.value.isdigit()}
    found: dict[str, Assessed] = {}
    for subject, ts in by_subject.items():
        if "/frameworks/" in subject:
            continue  # a judgement under an earlier framework version (lcc_graph.judgements), not a version's own
        for t in ts:
            if t.predicate == _ASSESSED_VERSION and t.object.value in numbers:
                entry = Assessed(numbers[t.object.value], current)
                for u in ts:
                    if u.predicate == _GENERATED:
                        entry.generated_at = u.object.value
                    elif u.predicate == _FRAMEWORK_VERSION:
                        entry.framework_version = u.object.value
                found[subject] = entry
    for subject, ts in by_subject.items():
        owner = next((a for a in found if subject.startswith(a + "/")), None)
        if owner is None or not any(t.predicate == _A and t.object == _MEASUREMENT for t in ts):
            continue
        of = next((t.object.value for t in ts if t.predicate == _MEASUREMENT_OF), None)
        on = next((t.object.value for t in ts if t.predicate == _COMPUTED_ON), None)
        # the community's own figures (a partner's figures are measured on the partner)
        if of is None or on not in (community, owner.removesuffix("/assessment")):
            continue
        found[owner].measurements[of] = figures(ts)
    return list(found.values())


def figures(measurement: Iterable[ox.Triple]) -> dict[str, float | None]:
    """A measurement's figures: ``count`` (numerator), ``base`` (denominator), and each value
    property's value by the property's IRI."""
    out: dict[str, float | None] = {}
    for t in measurement:
        if t.predicate == _NUMERATOR:
            out["count"] = _number(t.object)
        elif t.predicate == _DENOMINATOR:
            out["base"] = _number(t.object)
        elif isinstance(t.object, ox.Literal) and t.predicate not in (_A, _MEASUREMENT_OF, _COMPUTED_ON):
            out[t.predicate.value] = _number(t.object)
    return out


def assessments(store, community_id: str) -> dict[int, Assessed]:
    """A community's assessments by version number, the current one included (``current=True``).

    ``store`` is the public store (or Stores): only the community's assessment and history graphs
    are read, so nothing another graph says about these IRIs counts.
    """
    store = getattr(store, "public", store)
    me = community_iri(community_id)
    found = _read(store.get_graph(history_graph(community_id)), False, me)
    found += _read(store.get_graph(community_graph(community_id, "assessment")), True, me)
    out: dict[int, Assessed] = {}
    for entry in sorted(found, key=lambda e: (e.version, e.current)):
        out[entry.version] = entry  # the current one wins over a stale snapshot of the same number
    return out


def change(history: dict[int, Assessed], version: int, measured: str, value_property: str) -> dict | None:
    """The change of one indicator (or metric) from the previous version that measured it to
    ``version``: ``{"since_version", "delta", "count_delta"}``; None without an earlier version
    that has it. ``delta`` is None when either value is missing (a share of nothing)."""
    now = history.get(version)
    if now is None or measured not in now.measurements:
        return None
    earlier = [n for n in history if n < version and measured in history[n].measurements]
    if not earlier:
        return None
    before = history[max(earlier)].measurements[measured]
    after = now.measurements[measured]

    def diff(key: str) -> float | None:
        a, b = before.get(key), after.get(key)
        return None if a is None or b is None else round(b - a, 6)

    return {"since_version": max(earlier), "delta": diff(value_property), "count_delta": diff("count")}


__all__ = ["Assessed", "HISTORY_KIND", "VERSION_PREDICATES", "assessments", "change", "committed_version", "figures",
           "history_graph", "is_version_triple", "snapshot", "snapshot_iri", "version_iri", "version_triples",
           "with_snapshot"]
