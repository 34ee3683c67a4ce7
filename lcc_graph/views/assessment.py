"""A community's assessment: findings grouped by criterion, indicators raw and relative, peer bands."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from ..catalogue import Catalogue, default_catalogue
from ..errors import NotFound
from ..namespaces import check_slug, community_iri, sparql_prefixes
from ..store.stores import Stores
from .labels import pick

_EXISTS = sparql_prefixes() + "ASK { %s a lcc:Community }"

_FINDINGS = sparql_prefixes() + """
SELECT ?r ?criterion ?clabel ?shape ?slabel ?severity ?message ?hint ?focus ?flabel WHERE {
  VALUES ?community { %s }
  ?r a sh:ValidationResult ; lcc:community ?community ; sh:sourceShape ?shape ;
     sh:resultSeverity ?severity ; sh:focusNode ?focus .
  OPTIONAL { ?r lcc:criterion ?criterion . OPTIONAL { ?criterion skos:prefLabel ?clabel } }
  OPTIONAL { ?r sh:resultMessage ?message }
  OPTIONAL { ?r lcc:hint ?hint }
  OPTIONAL { ?shape rdfs:label ?slabel }
  OPTIONAL { ?focus rdfs:label ?flabel }
}"""

_MEASUREMENTS = sparql_prefixes() + """
SELECT ?indicator ?ilabel ?criterion ?normalisation ?value WHERE {
  VALUES ?community { %s }
  ?m a dqv:QualityMeasurement ; lcc:community ?community ; dqv:isMeasurementOf ?indicator ;
     lcc:normalisation ?normalisation ; dqv:value ?value .
  OPTIONAL { ?indicator rdfs:label ?ilabel }
  OPTIONAL { ?indicator lcc:criterion ?criterion }
} ORDER BY ?indicator ?normalisation"""


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def assessment(stores: Stores, community_id: str, lang: str = "en", catalogue: Catalogue | None = None) -> dict[str, Any]:
    """The community's current findings and indicators, with its percentile band among its peers."""
    check_slug(community_id)
    me = str(ox.NamedNode(community_iri(community_id)))
    if not stores.query_public(_EXISTS % me).boolean:
        raise NotFound(f"no community {community_id!r}")
    criteria: dict[str, dict[str, Any]] = {}
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    seen: set[str] = set()
    for row in stores.query_public(_FINDINGS % me).rows():
        key = row["criterion"].value if "criterion" in row else "none"
        if "clabel" in row and row["clabel"] not in labels[key]:
            labels[key].append(row["clabel"])
        if row["r"].value in seen:
            continue
        seen.add(row["r"].value)
        severity = _local(row["severity"].value)
        counts[severity] += 1
        crit = criteria.setdefault(key, {"criterion": None if key == "none" else key,
                                         "slug": None if key == "none" else _local(key), "shapes": {}})
        shape = crit["shapes"].setdefault(row["shape"].value, {
            "shape": row["shape"].value, "label": row["slabel"].value if "slabel" in row else _local(row["shape"].value),
            "severity": severity, "hint": row["hint"].value if "hint" in row else None, "results": []})
        shape["results"].append({"focus": row["focus"].value, "label": row["flabel"].value if "flabel" in row else None,
                                 "message": row["message"].value if "message" in row else None})
    grouped = []
    for key, crit in sorted(criteria.items()):
        crit["label"] = pick(labels[key], lang) or crit["slug"]
        crit["shapes"] = sorted(crit["shapes"].values(), key=lambda s: s["shape"])
        for s in crit["shapes"]:
            s["results"].sort(key=lambda r: r["focus"])
        grouped.append(crit)
    indicators: dict[str, dict[str, Any]] = {}
    for row in stores.query_public(_MEASUREMENTS % me).rows():
        iri = row["indicator"].value
        entry = indicators.setdefault(iri, {"indicator": iri, "slug": _local(iri), "label": [],
                                            "criterion": row["criterion"].value if "criterion" in row else None,
                                            "values": {}, "peers": {}})
        if "ilabel" in row and row["ilabel"] not in entry["label"]:
            entry["label"].append(row["ilabel"])
        entry["values"][_local(row["normalisation"].value)] = float(row["value"].value)
    catalogue = catalogue or default_catalogue()
    peer_query = catalogue.get("peer-comparison").bind({"community": community_iri(community_id)})
    for row in stores.query_public(peer_query).values():
        entry = indicators.get(row["indicator"])
        if entry is None:
            continue
        entry["peers"][_local(row["normalisation"])] = {
            "percentile": float(row["percentile"]) if "percentile" in row else None,
            "band": row.get("band"), "peers": int(row["peers"])}
    for entry in indicators.values():
        entry["label"] = pick(entry["label"], lang) or entry["slug"]
    return {
        "community": community_id,
        "iri": community_iri(community_id),
        "findings": {"counts": dict(counts), "total": sum(counts.values()), "by_criterion": grouped},
        "indicators": sorted(indicators.values(), key=lambda e: (e["criterion"] or "", e["slug"])),
        "note": "Indicators are read against the community's own resources; peers are communities of similar "
                "size and resources per inhabitant, shown as percentile bands, never as a ranking.",
    }
