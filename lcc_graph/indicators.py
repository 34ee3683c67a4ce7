"""Indicators as data: computed by catalogue queries, stored as DQV measurements in assessment graphs.

Each ``lcc:Indicator`` of ``ontology/indicators.ttl`` names the catalogue query that computes it
(``lcc:computedBy``). That query returns, per community, ``?count`` (what the indicator counts),
``?base`` (what a share is taken of; not projected by a plain count) and ``?value``; a community
without a row counts 0. A community's assessment graph then holds one ``dqv:QualityMeasurement``
per indicator, ``{assessment}/{indicator}``, computed on the community (``dqv:computedOn``), with
the count as ``lcc:numerator`` and the value in each normalisation as a measure of its own (DQV
measurements are Data Cube observations, and an observation may carry several measures):

- ``dqv:value``, raw: the value itself (count / base, with the base as ``lcc:denominator``, or
  the count);
- ``lcc:perThousandInhabitants``: count x 1000 / ``lcc:population``;
- ``lcc:perAvailableResource`` / ``lcc:perPotentialResource``: count / the number of the
  community's ``lcc:Resource`` items of that availability (amounts come in units that cannot be
  added, so each declared resource is one unit of resource).

Each normalisation concept names its property (``lcc:valueProperty``). A value whose denominator
is missing or zero is left out, and so is a measurement with no value at all.
``resource-relative-indicators`` and ``peer-comparison`` read these measurements instead of
recomputing the world: one node per community and indicator is what lets the report read them
by scanning instead of by one look-up per value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from .assessment_history import is_version_triple
from .catalogue import Catalogue, default_catalogue
from .judgements import stamp
from .network_assessment import metric_triples, networks
from .namespaces import (
    BASE,
    DQV,
    GRAPHS,
    LCC,
    PRIVATE,
    PROV,
    RDF,
    XSD,
    community_graph,
    community_id_of_graph,
    community_iri,
)
from .resources import data_dir
from .store.base import QueryResult
from .store.stores import patch_or_replace

INDICATORS = "https://w3id.org/lcc/indicators/"
NORMALISATIONS = "https://w3id.org/lcc/normalisations/"
# The property of a measurement holding its value in each normalisation (as lcc:valueProperty says).
VALUE_PROPERTIES = {
    "raw": DQV + "value",
    "per-1000-inhabitants": LCC + "perThousandInhabitants",
    "per-available-resource": LCC + "perAvailableResource",
    "per-potential-resource": LCC + "perPotentialResource",
}
CONTEXT_QUERY = "community-context"
_PLACES = Decimal("0.000001")

_A = ox.NamedNode(RDF + "type")
_MEASUREMENT = ox.NamedNode(DQV + "QualityMeasurement")
_MEASUREMENT_OF = ox.NamedNode(DQV + "isMeasurementOf")
_COMPUTED_ON = ox.NamedNode(DQV + "computedOn")
_COMMUNITY = ox.NamedNode(LCC + "community")
_VALUE_OF = {slug: ox.NamedNode(iri) for slug, iri in VALUE_PROPERTIES.items()}
_NUMERATOR = ox.NamedNode(LCC + "numerator")
_DENOMINATOR = ox.NamedNode(LCC + "denominator")
_ASSESSMENT = ox.NamedNode(LCC + "Assessment")
_AVAILABLE = ox.NamedNode(LCC + "availableResources")
_DATA_VERSION = ox.NamedNode(LCC + "dataVersion")
_POTENTIAL = ox.NamedNode(LCC + "potentialResources")
_FRAMEWORK_VERSION = ox.NamedNode(LCC + "frameworkVersion")
_GENERATED = ox.NamedNode(PROV + "generatedAtTime")
_DECIMAL = ox.NamedNode(XSD + "decimal")
_INTEGER = ox.NamedNode(XSD + "integer")
_DATETIME = ox.NamedNode(XSD + "dateTime")

_INDICATORS_QUERY = """
PREFIX lcc: <https://w3id.org/lcc#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?indicator ?criterion ?query (SAMPLE(?l) AS ?label) WHERE {
  ?indicator a lcc:Indicator ; lcc:criterion ?criterion ; lcc:computedBy ?query .
  FILTER NOT EXISTS { ?indicator <http://www.w3.org/2002/07/owl#deprecated> true }  # retired with its criterion
  OPTIONAL { ?indicator rdfs:label ?l FILTER(LANGMATCHES(LANG(?l), "en")) }
} GROUP BY ?indicator ?criterion ?query ORDER BY ?indicator
"""
_VERSION_QUERY = """
PREFIX lcc: <https://w3id.org/lcc#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?version WHERE {
  ?version a lcc:FrameworkVersion .
  OPTIONAL { ?newer prov:wasRevisionOf ?version }
  FILTER(!BOUND(?newer))
} ORDER BY ?version LIMIT 1
"""


@dataclass(frozen=True)
class Indicator:
    """One indicator of ``ontology/indicators.ttl``."""

    iri: str
    criterion: str
    query_id: str
    label: str
    is_share: bool = True

    @property
    def slug(self) -> str:
        """The last segment of the indicator's IRI."""
        return self.iri.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Context:
    """What a community's indicators are read against."""

    population: Decimal | None
    available: int
    potential: int


def load_indicators(path: str | Path | None = None) -> list[Indicator]:
    """The indicators declared in ``indicators.ttl`` (the shipped ontology by default)."""
    return list(_load_indicators(str(path or data_dir("ontology") / "indicators.ttl")))


@lru_cache(maxsize=4)
def _load_indicators(path: str) -> tuple[Indicator, ...]:
    store = ox.Store()
    store.bulk_extend(ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    out = []
    for row in store.query(_INDICATORS_QUERY):
        query = row["query"].value
        if not query.startswith("https://w3id.org/lcc/queries/"):
            raise ValueError(f"{path}: {row['indicator'].value} is computed by {query}, not a catalogue query")
        label = row["label"]
        out.append(
            Indicator(
                iri=row["indicator"].value,
                criterion=row["criterion"].value,
                query_id=query.rsplit("/", 1)[-1],
                label=label.value if label is not None else "",
            )
        )
    return tuple(out)


def assessment_iri(community_id: str) -> str:
    """``https://w3id.org/lcc/communities/{id}/assessment``."""
    return community_iri(community_id) + "/assessment"


def measurement_iri(community_id: str, indicator: Indicator) -> str:
    """``https://w3id.org/lcc/communities/{id}/assessment/{indicator}``."""
    return f"{assessment_iri(community_id)}/{indicator.slug}"


def compute_indicators(
    store,
    community_id: str,
    *,
    data: Iterable[ox.Triple] | None = None,
    catalogue: Catalogue | None = None,
    now: datetime | None = None,
) -> list[ox.Triple]:
    """The assessment graph of one community: its ``lcc:Assessment`` and every measurement.

    Reads the community's data graph from ``store`` (an EmbeddedStore, or Stores whose public
    store is used), or, when ``data`` is given, those triples instead (the candidate data of an
    upload, before it is stored, so that data, findings and assessment go in one transaction).
    """
    store = getattr(store, "public", store)
    catalogue = catalogue or default_catalogue()
    iri = community_iri(community_id)
    if data is not None:
        memory = ox.Store()
        memory.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in data)

        def run(sparql: str) -> list[dict]:
            return QueryResult.from_pyoxigraph(memory.query(sparql)).rows()
    else:
        graph = community_graph(community_id, "data")

        def run(sparql: str) -> list[dict]:
            return store.query(sparql, default_graph=[graph]).rows()

    bind = {"community": iri}
    context_rows = run(catalogue.get(CONTEXT_QUERY).bind(bind))
    if not context_rows:
        return []
    indicators = _with_kinds(load_indicators(), catalogue)
    rows = {}
    for ind in indicators:
        found = run(catalogue.get(ind.query_id).bind(bind))
        rows[ind.iri] = found[0] if found else None
    triples = _assessment_triples(community_id, _context(context_rows[0]), indicators, rows,
                                  framework_version(store), now)
    graphs = networks(run, strict=data is not None)  # an upload is refused over the ties limit
    return stamp(triples + metric_triples(community_id, assessment_iri(community_id), graphs.get(iri)),
                 framework_version(store))


def assess_all(
    stores,
    progress: Callable[[str], None] | None = None,
    *,
    catalogue: Catalogue | None = None,
    batch: int = 100,
    now: datetime | None = None,
) -> int:
    """Recompute every community's assessment graph; returns how many communities were assessed.

    Each indicator query runs once over all public graphs. An assessment graph is replaced (whole,
    ``batch`` communities per transaction) only when its content changed: one whose measurements
    are all the same keeps its ``prov:generatedAtTime``, which says when those values appeared.
    """
    store = getattr(stores, "public", stores)

    def write(pending: dict[str, tuple[list[ox.Triple], list[ox.Triple]]]) -> None:
        # only the triples that changed are rewritten (on the embedded store): a reassessment
        # that changes a few values per community writes a few quads each, not every metric
        if hasattr(stores, "publish"):
            stores.patch_graphs(pending)
        else:
            patch_or_replace(store, pending)

    catalogue = catalogue or default_catalogue()
    data_graphs = [g for g in store.graphs() if g.startswith(GRAPHS + "communities/") and g.endswith("/data")]
    ids = sorted(i for i in (community_id_of_graph(g) for g in data_graphs) if i)
    if not ids:
        return 0

    def run(query_id: str) -> dict[str, dict]:
        # All public graphs merged (a union: each subject is described in one graph only).
        rows = store.query(catalogue.get(query_id).bind({}), union=True).rows()
        return {row["community"].value: row for row in rows if "community" in row}

    contexts = run(CONTEXT_QUERY)
    graphs = networks(lambda sparql: store.query(sparql, union=True).rows())
    indicators = _with_kinds(load_indicators(), catalogue)
    results = {ind.iri: run(ind.query_id) for ind in indicators}
    version = framework_version(store)
    when = now or datetime.now(timezone.utc)
    pending: dict[str, tuple[list[ox.Triple], list[ox.Triple]]] = {}
    done = 0
    for community_id in ids:
        iri = community_iri(community_id)
        if iri in contexts:
            rows = {ind.iri: results[ind.iri].get(iri) for ind in indicators}
            triples = _assessment_triples(community_id, _context(contexts[iri]), indicators, rows, version, when)
            triples += metric_triples(community_id, assessment_iri(community_id), graphs.get(iri))
            triples = stamp(triples, version)
        else:
            triples = []
        graph = community_graph(community_id, "assessment")
        stored = store.get_graph(graph)
        # The upload path's commit marker and version link live in the assessment graph: they are
        # not indicators and must outlive a reassessment (reconcile() reads the marker to keep the
        # upload history; the link names the version the assessment is of).
        triples += [t for t in stored if is_version_triple(t)]
        if not _same_content(stored, triples):
            pending[graph] = (stored, triples)
        done += 1
        if progress:
            progress(community_id)
        if len(pending) >= batch:
            write(pending)
            pending = {}
    if pending:
        write(pending)
    return done


# A measurement in an older shape: before one measurement per indicator (dqv:computedOn, a value
# per normalisation), there was one per normalisation (lcc:community, lcc:normalisation).
# And one without the network metrics, which assessments hold since they were added.
_OUTDATED_QUERY = """
PREFIX dqv: <http://www.w3.org/ns/dqv#>
PREFIX lcc: <https://w3id.org/lcc#>
ASK {
  { ?m a dqv:QualityMeasurement . FILTER NOT EXISTS { ?m dqv:computedOn ?community } }
  UNION
  { ?a a lcc:Assessment ; lcc:community ?c .
    FILTER NOT EXISTS { ?n dqv:computedOn ?c ; dqv:isMeasurementOf <https://w3id.org/lcc/metrics/partners> } }
}
"""


def assessment_graphs(store) -> list[str]:
    """The IRIs of the communities' assessment graphs in a store (or the public store of Stores)."""
    store = getattr(store, "public", store)
    prefix = GRAPHS + "communities/"
    return [g for g in store.graphs() if g.startswith(prefix) and g.endswith("/assessment")]


#: The shape this version writes measurements in: change it with :data:`_OUTDATED_QUERY`.
ASSESSMENT_SHAPE = "2"
_SHAPE_GRAPH = PRIVATE + "assessment-shape"
_SHAPE_NODE = ox.NamedNode(_SHAPE_GRAPH)
_SHAPE = ox.NamedNode(LCC + "assessmentShape")
_GRAPH_COUNT = ox.NamedNode(LCC + "assessmentGraphs")


def _remembered_shape(private) -> tuple[str, int] | None:
    """The shape and number of assessment graphs the last start-up found current, if recorded."""
    found = {q.predicate: q.object.value for q in private.quads(_SHAPE_NODE, None, None, graph=_SHAPE_GRAPH)}
    try:
        return found[_SHAPE], int(found[_GRAPH_COUNT])
    except (KeyError, ValueError):
        return None


def upgrade_assessments(stores, progress: Callable[[str], None] | None = None, *, remember: bool = False) -> int:
    """Reassess every community when a stored measurement is in an older shape; returns how many
    communities were assessed (0 when every assessment is current).

    The service calls it at start-up, so that a data directory assessed by an earlier version is
    read the way the catalogue queries expect, without waiting for ``lcc assess``. With
    ``remember`` (start-up) the outcome is recorded in the private store: the shape checked and
    the number of assessment graphs. A later start that finds both unchanged reads nothing
    else: every assessment written since was written by this version, in its shape (the full
    check reads every measurement, five seconds at 1,000 communities). An older version run on
    the same data directory afterwards (a rollback) can rewrite an assessment in its shape
    unseen: run ``lcc assess`` after going back to this one.
    """
    store = getattr(stores, "public", stores)
    private = getattr(stores, "private", None) if remember else None
    graphs = assessment_graphs(store)  # only these: what other graphs say is not an assessment
    if private is not None and _remembered_shape(private) == (ASSESSMENT_SHAPE, len(graphs)):
        return 0
    assessed = assess_all(stores, progress) if graphs and _outdated(store, graphs) else 0
    if private is not None:
        remember_assessments(stores, len(assessment_graphs(store)) if assessed else len(graphs))
    return assessed


def remember_assessments(stores, count: int | None = None) -> None:
    """Record in the private store that the ``count`` assessment graphs of the public store (all
    of them when None) are in this version's shape: what :func:`upgrade_assessments` checks at
    start-up. Called where every community has just been assessed (the demo, ``lcc assess``), so
    that the first start on that data directory reads no measurement either."""
    if count is None:
        count = len(assessment_graphs(stores.public))
    stores.private.replace_graphs({_SHAPE_GRAPH: [ox.Triple(_SHAPE_NODE, _SHAPE, ox.Literal(ASSESSMENT_SHAPE)),
                                                  ox.Triple(_SHAPE_NODE, _GRAPH_COUNT, ox.Literal(str(count)))]})


_MEASUREMENT_CLASS = ox.NamedNode(DQV + "QualityMeasurement")
_COMPUTED_ON = ox.NamedNode(DQV + "computedOn")
_MEASUREMENT_OF = ox.NamedNode(DQV + "isMeasurementOf")
_PARTNERS_METRIC = ox.NamedNode(BASE + "metrics/partners")
_A = ox.NamedNode(RDF + "type")


def _outdated(store, graphs: list[str]) -> bool:
    """Whether an assessment graph holds a measurement in an older shape (:data:`_OUTDATED_QUERY`).

    On the embedded store, by the quads with these predicates, kept when their graph is one of
    ``graphs``: linear in those quads. The same ASK with every assessment graph as the default
    graph was quadratic in the number of communities (over ten minutes at 1,000: start-up waited
    for it); a remote engine still answers the ASK.
    """
    raw = getattr(store, "raw", None)
    if raw is None:
        return store.query(_OUTDATED_QUERY, default_graph=graphs).boolean
    wanted = set(graphs)

    def quads(s, p, o) -> list[ox.Quad]:
        return [q for q in raw.quads_for_pattern(s, p, o, None)
                if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in wanted]

    measurements = {q.subject for q in quads(None, _A, _MEASUREMENT_CLASS)}
    if measurements - {q.subject for q in quads(None, _COMPUTED_ON, None)}:
        return True
    communities = {q.object for a in {q.subject for q in quads(None, _A, _ASSESSMENT)}
                   for q in quads(a, _COMMUNITY, None)}
    partners = {q.subject for q in quads(None, _MEASUREMENT_OF, _PARTNERS_METRIC)}
    counted = {q.object for m in partners for q in quads(m, _COMPUTED_ON, None)}
    return bool(communities - counted)


def framework_version(store) -> str | None:
    """The IRI of the newest framework version in the framework graphs (none revises it)."""
    store = getattr(store, "public", store)
    graphs = [g for g in store.graphs() if g.startswith(GRAPHS + "framework/")]
    if not graphs:
        return None
    rows = store.query(_VERSION_QUERY, default_graph=graphs).rows()
    return rows[0]["version"].value if rows else None


def _same_content(old: Iterable[ox.Triple], new: Iterable[ox.Triple]) -> bool:
    """Whether two assessment graphs say the same, ignoring when they were generated."""

    def content(triples: Iterable[ox.Triple]) -> set[ox.Triple]:
        return {t for t in triples if t.predicate != _GENERATED}

    return content(old) == content(new)


def _with_kinds(indicators: list[Indicator], catalogue: Catalogue) -> list[Indicator]:
    """The indicators, each marked a share when its query projects ``?base``, else a count."""
    return [
        Indicator(i.iri, i.criterion, i.query_id, i.label, "base" in catalogue.get(i.query_id).variables)
        for i in indicators
    ]


def _context(row: Mapping[str, ox.Literal]) -> Context:
    population = row.get("population")
    return Context(
        population=Decimal(population.value) if population is not None else None,
        available=int(row["availableResources"].value),
        potential=int(row["potentialResources"].value),
    )


def _assessment_triples(
    community_id: str,
    context: Context,
    indicators: list[Indicator],
    rows: Mapping[str, Mapping[str, ox.Literal] | None],
    version: str | None,
    now: datetime | None,
) -> list[ox.Triple]:
    community = ox.NamedNode(community_iri(community_id))
    assessment = ox.NamedNode(assessment_iri(community_id))
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    when = moment.isoformat().replace("+00:00", "Z")  # the canonical form the store gives back
    triples = [
        ox.Triple(assessment, _A, _ASSESSMENT),
        ox.Triple(assessment, _COMMUNITY, community),
        ox.Triple(assessment, _GENERATED, ox.Literal(when, datatype=_DATETIME)),
        ox.Triple(assessment, _AVAILABLE, _integer(context.available)),
        ox.Triple(assessment, _POTENTIAL, _integer(context.potential)),
    ]
    if version:
        triples.append(ox.Triple(assessment, _FRAMEWORK_VERSION, ox.NamedNode(version)))
    for indicator in indicators:
        row = rows.get(indicator.iri) or {}
        count = Decimal(row["count"].value) if "count" in row else Decimal(0)
        base = (Decimal(row["base"].value) if "base" in row else Decimal(0)) if indicator.is_share else None
        values: dict[str, Decimal] = {}
        if not indicator.is_share:
            values["raw"] = count
        elif base:
            values["raw"] = count / base
        if context.population:
            values["per-1000-inhabitants"] = count * 1000 / context.population
        if context.available:
            values["per-available-resource"] = count / context.available
        if context.potential:
            values["per-potential-resource"] = count / context.potential
        if not values:
            continue
        m = ox.NamedNode(measurement_iri(community_id, indicator))
        triples += [
            ox.Triple(m, _A, _MEASUREMENT),
            ox.Triple(m, _COMPUTED_ON, community),
            ox.Triple(m, _MEASUREMENT_OF, ox.NamedNode(indicator.iri)),
            ox.Triple(m, _NUMERATOR, _decimal(count)),
        ]
        if "raw" in values and base:
            triples.append(ox.Triple(m, _DENOMINATOR, _decimal(base)))
        triples += [ox.Triple(m, _VALUE_OF[slug], _decimal(value)) for slug, value in values.items()]
    return triples


def _decimal(value: Decimal) -> ox.Literal:
    """An xsd:decimal rounded to six places, without trailing zeros."""
    rounded = value.quantize(_PLACES, rounding=ROUND_HALF_EVEN).normalize()
    text = format(rounded, "f")
    return ox.Literal(text, datatype=_DECIMAL)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=_INTEGER)


__all__ = [
    "Indicator",
    "INDICATORS",
    "NORMALISATIONS",
    "VALUE_PROPERTIES",
    "assess_all",
    "assessment_graphs",
    "assessment_iri",
    "compute_indicators",
    "framework_version",
    "load_indicators",
    "measurement_iri",
    "upgrade_assessments",
]
