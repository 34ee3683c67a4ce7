"""A community's partnership-network metrics as stored in its assessment: the figures of
``/communities/{id}/network/metrics`` and the ``metrics`` of ``/communities/{id}/assessment``.

The metrics are computed at every accepted upload and by ``lcc assess`` (:mod:`lcc_graph.network_assessment`)
and stored as ``dqv:QualityMeasurement``s of ``https://w3id.org/lcc/metrics/{slug}``: on the
community for the network's figures, on each partner for its position. These views read them
back from the community's assessment graph (what ``/sparql`` reads too), with the metrics'
labels and criteria from the framework graphs.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from .. import assessment_history
from ..framework import framework_graphs
from ..namespaces import DQV, RDFS, community_graph, community_iri, sparql_prefixes
from ..network_metrics import COMMUNITY_METRICS, METRICS, PARTNER_METRICS
from ..store.stores import Stores
from .community import require_community
from .labels import pick

_ON = ox.NamedNode(DQV + "computedOn")
_OF = ox.NamedNode(DQV + "isMeasurementOf")
_VALUE = ox.NamedNode(DQV + "value")
_LABEL = ox.NamedNode(RDFS + "label")

_METRIC_LABELS = sparql_prefixes() + f"""
SELECT ?metric ?label ?criterion WHERE {{
  ?metric skos:inScheme <{METRICS}> .
  OPTIONAL {{ ?metric skos:prefLabel ?label }}
  OPTIONAL {{ ?metric lcc:criterion ?criterion }}
}}"""


def metric_labels(stores: Stores, lang: str) -> dict[str, dict[str, Any]]:
    """Metric slug -> its label in ``lang`` and the slugs of the criteria it informs."""
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    criteria: dict[str, set[str]] = defaultdict(set)
    for row in stores.query_public(_METRIC_LABELS, default_graph=framework_graphs()).rows():
        slug = row["metric"].value[len(METRICS):]
        if isinstance(row.get("label"), ox.Literal) and row["label"] not in labels[slug]:
            labels[slug].append(row["label"])
        if row.get("criterion") is not None:
            criteria[slug].add(row["criterion"].value.rsplit("/", 1)[-1])
    return {slug: {"label": pick(labels[slug], lang) or slug, "criteria": sorted(criteria[slug])}
            for slug in set(labels) | set(criteria)}


def _value(term) -> int | float | bool | None:
    if not isinstance(term, ox.Literal):
        return None
    text, datatype = term.value, term.datatype.value.rsplit("#", 1)[-1]
    if datatype == "boolean":
        return text in ("true", "1")
    try:
        number = float(text)
    except ValueError:
        return None
    # a decimal stays a float even when whole (0 betweenness): GraphML types a key by its values
    return int(number) if datatype == "integer" else number


def community_metrics(kept: dict, version: int | None, labels: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The community-level metrics of one version's assessment, in reading order, each with its
    change since the previous version that measured it (the ``metrics`` of an assessment)."""
    if version is None or version not in kept:
        return []
    figures = kept[version].measurements
    out = []
    for slug in COMMUNITY_METRICS:
        iri = METRICS + slug
        if iri not in figures:
            continue
        known = labels.get(slug, {"label": slug, "criteria": []})
        out.append({"metric": slug, "iri": iri, "label": known["label"], "criteria": known["criteria"],
                    "value": figures[iri].get(DQV + "value"),
                    "change": assessment_history.change(kept, version, iri, DQV + "value")})
    return out


def metric_measurements(stores: Stores, community_id: str) -> list[ox.Triple]:
    """The metric measurements of the community's current assessment, as stored (for JSON-LD)."""
    triples = stores.public.get_graph(community_graph(community_id, "assessment"))
    measured = {t.subject for t in triples if t.predicate == _OF and t.object.value.startswith(METRICS)}
    return [t for t in triples if t.subject in measured]


def partner_figures(stores: Stores, community_id: str) -> dict[str, dict[str, Any]]:
    """Partner IRI -> metric slug -> value, from the community's current assessment (computed once
    at its upload: a page or a network download reads them instead of computing them again)."""
    me = community_iri(community_id)
    partners: dict[str, dict[str, Any]] = defaultdict(dict)
    by_subject: dict[ox.NamedNode, dict[ox.NamedNode, Any]] = defaultdict(dict)
    for t in metric_measurements(stores, community_id):
        by_subject[t.subject][t.predicate] = t.object
    for facts in by_subject.values():
        on, of = facts.get(_ON), facts.get(_OF)
        if on is None or of is None or on.value == me:
            continue
        partners[on.value][of.value[len(METRICS):]] = _value(facts.get(_VALUE))
    return dict(partners)


def network_figures(stores: Stores, community_id: str, lang: str = "en") -> dict[str, Any]:
    """The community's network metrics and each partner's figures (partners by label)."""
    _, label = require_community(stores, community_id, lang)
    kept = assessment_history.assessments(stores, community_id)
    version = next((n for n, a in kept.items() if a.current), None)
    labels = metric_labels(stores, lang)
    me = community_iri(community_id)
    partners = partner_figures(stores, community_id)
    names: dict[str, list[ox.Literal]] = defaultdict(list)
    for t in stores.public.get_graph(community_graph(community_id, "data")):
        if t.predicate == _LABEL and t.subject.value in partners and isinstance(t.object, ox.Literal):
            names[t.subject.value].append(t.object)
    rows = [{"partner": iri, "label": pick(names.get(iri, []), lang) or iri.rsplit("/", 1)[-1],
             **{slug: figures.get(slug) for slug in PARTNER_METRICS}} for iri, figures in partners.items()]
    rows.sort(key=lambda r: (r["label"].casefold(), r["partner"]))
    return {
        "community": community_id,
        "iri": me,
        "label": label,
        "version": version,
        "metrics": community_metrics(kept, version, labels),
        "partner_metrics": [{"metric": slug, "label": labels.get(slug, {}).get("label", slug),
                             "criteria": labels.get(slug, {}).get("criteria", [])} for slug in PARTNER_METRICS],
        "partners": rows,
    }


def figures_csv(body: dict[str, Any]) -> str:
    """One row per figure: the community's (``scope`` community) then each partner's."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("scope", "iri", "label", "metric", "value"))
    for m in body["metrics"]:
        writer.writerow(("community", body["iri"], _safe(body["label"] or body["community"]), m["metric"],
                         _cell(m["value"])))
    for row in body["partners"]:
        for slug in PARTNER_METRICS:
            writer.writerow(("partner", row["partner"], _safe(row["label"]), slug, _cell(row.get(slug))))
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _safe(text: str) -> str:
    """A label a spreadsheet will not run as a formula (labels are uploaded text)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


__all__ = ["community_metrics", "figures_csv", "metric_labels", "metric_measurements", "network_figures",
           "partner_figures"]
