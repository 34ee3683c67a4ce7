"""A community's assessment: findings grouped by criterion, indicators raw and relative, peer bands.

:func:`assessment` is the one reading of a community's findings and indicators: the JSON of
``/communities/{id}/assessment`` is its answer as is, and the community page shows the same
answer put in reading order by :func:`for_reading` (no second query).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from .. import assessment_history, expected, peers
from ..catalogue import Catalogue, default_catalogue
from ..errors import NotFound
from ..framework import framework_version_label
from ..indicators import NORMALISATIONS, VALUE_PROPERTIES, framework_version
from ..namespaces import check_slug, community_iri, sparql_prefixes
from ..store.stores import Stores
from .community import literal_number, resource_totals
from .network_figures import community_metrics, metric_labels
from .criteria import list_criteria
from .labels import pick

SEVERITY_ORDER = ("Violation", "Warning", "Info")
# The peer bands (lcc_graph.peers.band), as the quarter a page marks ("few": too few peers to compare).
QUARTERS = {"bottom quarter": "low", "second quarter": "lower-mid", "third quarter": "upper-mid", "top quarter": "high"}
NORMALISATION_ORDER = tuple(VALUE_PROPERTIES)  # raw, per 1,000 inhabitants, per available, per potential

_EXISTS = sparql_prefixes() + "ASK { %s a lcc:Community }"

# The shape's own hint (in the reader's language) is preferred to the English one stored on the
# result. The results, their focus nodes' labels, and the shapes' and criteria's texts are read by
# separate queries: in one, every language of every optional text multiplied the rows (81 rows a
# finding with messages, labels and hints in three languages).
_FINDINGS = sparql_prefixes() + """
SELECT ?r ?criterion ?shape ?severity ?message ?hint ?focus WHERE {
  VALUES ?community { %s }
  ?r a sh:ValidationResult ; lcc:community ?community ; sh:sourceShape ?shape ;
     sh:resultSeverity ?severity ; sh:focusNode ?focus .
  OPTIONAL { ?r lcc:criterion ?criterion }
  OPTIONAL { ?r sh:resultMessage ?message }
  OPTIONAL { ?r lcc:hint ?hint }
}"""
_FOCUS_LABELS = sparql_prefixes() + """
SELECT DISTINCT ?focus ?flabel WHERE {
  VALUES ?community { %s }
  ?r a sh:ValidationResult ; lcc:community ?community ; sh:focusNode ?focus .
  ?focus rdfs:label ?flabel .
}"""
# Every label, hint and preferred label of the framework graphs (shapes, property shapes whether
# typed or not, criteria): a few thousand short rows.
_SHAPE_TEXTS = sparql_prefixes() + """
SELECT ?x ?p ?text WHERE {
  VALUES ?p { rdfs:label lcc:hint skos:prefLabel }
  ?x ?p ?text .
}"""

_MEASUREMENTS = sparql_prefixes() + """
SELECT ?indicator ?ilabel ?criterion ?clabel ?normalisation ?value WHERE {
  VALUES ?community { %s }
  ?m a dqv:QualityMeasurement ; dqv:computedOn ?community ; dqv:isMeasurementOf ?indicator ;
     ?property ?value .
  ?indicator a lcc:Indicator .
  ?normalisation skos:inScheme <%s> ; lcc:valueProperty ?property .
  OPTIONAL { ?indicator rdfs:label ?ilabel }
  OPTIONAL { ?indicator lcc:criterion ?criterion . OPTIONAL { ?criterion skos:prefLabel ?clabel } }
} ORDER BY ?indicator ?normalisation"""

# The community's own figures: what each indicator counts, and what a share is taken of.
_FIGURES = sparql_prefixes() + """
SELECT ?indicator ?count ?base WHERE {
  VALUES ?community { %s }
  ?m a dqv:QualityMeasurement ; dqv:computedOn ?community ; dqv:isMeasurementOf ?indicator .
  ?indicator a lcc:Indicator .
  OPTIONAL { ?m lcc:numerator ?count }
  OPTIONAL { ?m lcc:denominator ?base }
}"""

# The indicators as the framework states them (for an earlier version's figures).
_INDICATOR_LABELS = sparql_prefixes() + """
SELECT ?indicator ?ilabel ?criterion ?clabel WHERE {
  ?indicator a lcc:Indicator .
  OPTIONAL { ?indicator rdfs:label ?ilabel }
  OPTIONAL { ?indicator lcc:criterion ?criterion . OPTIONAL { ?criterion skos:prefLabel ?clabel } }
}"""
RAW = VALUE_PROPERTIES["raw"]
EARLIER = ("verdicts and peer bands are given for the current version only: they are read against "
           "every community's current data")

_NORMALISATION_LABELS = sparql_prefixes() + """
SELECT ?x ?label WHERE { ?x skos:inScheme <%s> ; skos:prefLabel ?label }""" % NORMALISATIONS


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _add(literals: list[ox.Literal], row: dict, key: str) -> None:
    if isinstance(row.get(key), ox.Literal) and row[key] not in literals:
        literals.append(row[key])


def assessment(stores: Stores, community_id: str, lang: str = "en", catalogue: Catalogue | None = None,
               k: str | int | None = None, version: int | None = None) -> dict[str, Any]:
    """The community's findings and indicators, with its percentile band among its peers.

    ``k`` (text as asked for, or a number) is the size of the peer group: the k communities nearest
    in size and resources (:mod:`lcc_graph.peers`), held within 5 to 50; 10 when absent.
    ``version``: the assessment of that version of the community's data (the current one when
    absent or current); an earlier version has its own figures and their change, but no findings,
    peer bands or verdicts (:data:`EARLIER`). Each indicator's ``change`` is since the previous
    version that measured it. Labels, messages and hints are picked in ``lang``. A focus node that
    is a blank node has no IRI to show: its ``focus`` is None.
    """
    check_slug(community_id)
    me = str(ox.NamedNode(community_iri(community_id)))
    if not stores.query_public(_EXISTS % me).boolean:
        raise NotFound(f"no community {community_id!r}")
    kept = assessment_history.assessments(stores, community_id)
    current = next((n for n, a in kept.items() if a.current), None)
    versions = [{"version": n, "assessed_at": a.generated_at, "framework_version": a.framework_version,
                 "current": a.current} for n, a in sorted(kept.items())]
    if version is not None and version != current:
        if version not in kept:
            known = f"; its assessed versions are {', '.join(str(n) for n in kept)}" if kept else ""
            raise NotFound(f"community {community_id!r} has no assessment of version {version}{known}")
        return {"community": community_id, "iri": community_iri(community_id), "version": version,
                "current": False, "versions": versions, "findings": None,
                "indicators": _earlier_indicators(stores, kept, version, lang), "peer_group": None,
                "metrics": community_metrics(kept, version, metric_labels(stores, lang)),
                "resources": None, "plan": expected.PLAN, "framework_version": kept[version].framework_version,
                "note": EARLIER}
    catalogue = catalogue or default_catalogue()
    body = {
        "community": community_id,
        "iri": community_iri(community_id),
        "version": current,
        "current": True,
        "versions": versions,
        "findings": _findings(stores, me, lang),
        **_indicators(stores, me, community_id, lang, catalogue, peers.clamp_k(k)),
        "resources": _resources(stores, me, community_iri(community_id), lang),
        "metrics": community_metrics(kept, current, metric_labels(stores, lang)),
        "plan": expected.PLAN,
        # the version the stored results were judged under (the current one once `lcc assess` ran)
        "framework_version": (kept[current].framework_version if current in kept else None) or framework_version(stores),
        "framework_current": framework_version(stores),
        "note": "Indicators are read against the community's own resources; peers are the communities nearest "
                "in size and resources per inhabitant, shown as percentile bands, never as a ranking.",
    }
    rejudged = _rejudged(stores, community_id, current, body["framework_version"])
    body["framework_change"] = framework_change(stores, rejudged, body, lang)
    # with the current data judged again under a newer framework, what the data changed is read
    # under the framework it was judged by before (the framework's part is in framework_change)
    by_data = _judged_before(kept, current, rejudged)
    for entry in body["indicators"]:
        entry["change"] = assessment_history.change(by_data, current, entry["indicator"], RAW) if current else None
        # the contract names an indicator by its slug; its IRI is beside it
        entry["iri"], entry["indicator"] = entry["indicator"], entry["slug"]
    return body


def _rejudged(stores: Stores, community_id: str, current: int | None, now: str | None) -> tuple[str, dict] | None:
    """The framework snapshot of the current data judged under the latest earlier framework version
    (:mod:`lcc_graph.judgements`): ``(its label, the snapshot)``, or None."""
    from ..judgements import framework_snapshots

    if current is None:
        return None
    earlier = [(label, s) for (n, label), s in framework_snapshots(stores, community_id).items()
               if n == current and s["framework"] != now]
    if not earlier:
        return None
    return sorted(earlier, key=lambda x: [int(p) if p.isdigit() else 0 for p in x[0].split(".")])[-1]


def framework_change(stores: Stores, rejudged: tuple[str, dict] | None, body: dict, lang: str) -> dict[str, Any] | None:
    """What changed because the framework changed: the community's current data as judged under the
    framework version before against the current judgement, findings by criterion and each
    indicator's value; None when the current data was judged under one version only."""
    if rejudged is None:
        return None
    label, snap = rejudged
    after: dict[str, int] = defaultdict(int)
    for group in (body.get("findings") or {}).get("by_criterion", []):
        if group.get("criterion"):
            after[group["criterion"]] += sum(len(s["results"]) for s in group.get("shapes", []))
    labels = {c["iri"]: c["label"] for retired in (False, True) for c in list_criteria(stores, lang, retired=retired)}
    findings = [{"criterion": c, "slug": c.rsplit("/", 1)[-1], "label": labels.get(c),
                 "before": snap["findings"].get(c, 0), "after": after.get(c, 0)}
                for c in sorted(set(after) | set(snap["findings"])) if snap["findings"].get(c, 0) != after.get(c, 0)]
    indicators = []
    for entry in body["indicators"]:
        before = snap["measurements"].get(entry["indicator"], {}).get(RAW)
        value = entry.get("value")
        if before != value:
            delta = None if before is None or value is None else round(value - before, 6)
            indicators.append({"indicator": entry["slug"], "iri": entry["indicator"], "label": entry.get("label"),
                               "before": before, "after": value, "delta": delta})
    return {"from": label, "from_iri": snap["framework"], "to": framework_version_label(stores),
            "to_iri": body.get("framework_version"), "snapshot": snap["iri"], "findings": findings,
            "indicators": indicators}


def _judged_before(kept: dict, current: int | None, rejudged: tuple[str, dict] | None) -> dict:
    """The assessments by version, the current data's as judged under the framework version before
    a newer one judged it again: a change between data versions is then the data's own."""
    if current is None or rejudged is None or current not in kept or not rejudged[1]["measurements"]:
        return kept
    now = kept[current]
    return {**kept, current: assessment_history.Assessed(now.version, now.current, now.generated_at,
                                                          rejudged[1]["framework"], dict(rejudged[1]["measurements"]))}


def _resources(stores: Stores, me: str, iri: str, lang: str) -> list[dict[str, Any]]:
    """The community's resources as quantities, per kind and unit (docs/resources.md)."""
    totals = resource_totals(stores, [me], lang).get(iri) or {}
    return [{"kind": q["kind"], "unit": q["unit"], "unit_label": q["unitLabel"], "available": q["available"],
             "potential": q["potential"], "per_1000": q["per_1000"], "resources": q["count"]}
            for q in totals.get("quantities", [])]


def indicator_labels(stores: Stores, lang: str) -> dict[str, dict[str, Any]]:
    """Indicator IRI -> its ``label``, ``criterion`` IRI and ``criterion_label`` in ``lang``, as the
    framework graphs state them."""
    from ..framework import framework_graphs

    found: dict[str, dict[str, Any]] = {}
    for row in stores.query_public(_INDICATOR_LABELS, default_graph=framework_graphs()).rows():
        entry = found.setdefault(row["indicator"].value, {"label": [], "criterion": None, "clabel": []})
        _add(entry["label"], row, "ilabel")
        if "criterion" in row:
            entry["criterion"] = row["criterion"].value
            _add(entry["clabel"], row, "clabel")
    return {iri: {"label": pick(e["label"], lang) or _local(iri), "criterion": e["criterion"],
                  "criterion_label": (pick(e["clabel"], lang) or _local(e["criterion"])) if e["criterion"] else None}
            for iri, e in found.items()}


def _earlier_indicators(stores: Stores, kept: dict, version: int, lang: str) -> list[dict[str, Any]]:
    """An earlier version's indicators: its own figures as stored, and their change."""
    labels = indicator_labels(stores, lang)
    norms = {prop: slug for slug, prop in VALUE_PROPERTIES.items()}
    out = []
    for iri, figures in kept[version].measurements.items():
        if iri not in labels:
            continue  # a metric, or an indicator the framework no longer has
        known = labels[iri]
        count, base, value = figures.get("count"), figures.get("base"), figures.get(RAW)
        criterion = known["criterion"]
        out.append({
            "indicator": _local(iri), "iri": iri, "slug": _local(iri), "label": known["label"],
            "criterion": criterion, "criterion_slug": _local(criterion) if criterion else None,
            "criterion_label": known["criterion_label"],
            "count": count, "base": base, "value": value,
            "share": round(100 * count / base) if base and count is not None else None,
            "values": {norms[p]: v for p, v in figures.items() if p in norms and v is not None},
            "peers": {}, "expected": None, "verdict": None, "verdict_reason": EARLIER,
            "change": assessment_history.change(kept, version, iri, RAW),
        })
    return sorted(out, key=lambda e: (e["criterion"] or "", e["slug"]))


def _findings(stores: Stores, me: str, lang: str) -> dict[str, Any]:
    """Findings by criterion (IRI order), then shape (IRI order), then focus node."""
    from ..framework import framework_graphs

    texts: dict[tuple[str, str], list[ox.Literal]] = defaultdict(list)
    for row in stores.query_public(_SHAPE_TEXTS, default_graph=framework_graphs()).rows():
        _add(texts[(row["x"].value, row["p"].value.rsplit("#", 1)[-1])], row, "text")
    focus_labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in stores.query_public(_FOCUS_LABELS % me).rows():
        _add(focus_labels[row["focus"].value], row, "flabel")
    results: dict[str, dict[str, Any]] = {}
    for row in stores.query_public(_FINDINGS % me).rows():
        entry = results.get(row["r"].value)
        if entry is None:
            criterion = row["criterion"].value if "criterion" in row else None
            shape = row["shape"].value
            entry = results[row["r"].value] = {
                "criterion": criterion,
                "severity": _local(row["severity"].value),
                "shape": shape,
                "focus": None if isinstance(row["focus"], ox.BlankNode) else row["focus"].value,
                "clabel": texts.get((criterion, "prefLabel"), []) if criterion else [],
                "slabel": texts.get((shape, "label"), []), "shint": texts.get((shape, "hint"), []),
                "flabel": [] if isinstance(row["focus"], ox.BlankNode) else focus_labels.get(row["focus"].value, []),
                "hint": [], "message": []}
        for key in ("hint", "message"):
            _add(entry[key], row, key)
    criteria: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = defaultdict(int)
    for entry in results.values():
        key = entry["criterion"] or "none"
        counts[entry["severity"]] += 1
        crit = criteria.setdefault(key, {"criterion": entry["criterion"], "slug": _local(key) if entry["criterion"] else None,
                                         "labels": [], "shapes": {}, "counts": defaultdict(int)})
        crit["counts"][entry["severity"]] += 1
        for label in entry["clabel"]:
            if label not in crit["labels"]:
                crit["labels"].append(label)
        shape = crit["shapes"].setdefault(entry["shape"], {
            "shape": entry["shape"], "label": pick(entry["slabel"], lang) or _local(entry["shape"]),
            "severity": entry["severity"], "hint": pick(entry["shint"], lang) or pick(entry["hint"], lang),
            "results": []})
        shape["results"].append({"focus": entry["focus"], "label": pick(entry["flabel"], lang),
                                 "message": pick(entry["message"], lang)})
    grouped = []
    for key, crit in sorted(criteria.items()):
        shapes = sorted(crit["shapes"].values(), key=lambda s: s["shape"])
        for s in shapes:
            s["results"].sort(key=lambda r: r["focus"] or "")
            messages = {r["message"] for r in s["results"]}
            s["message"] = messages.pop() if len(messages) == 1 else None
        grouped.append({"criterion": crit["criterion"], "slug": crit["slug"], "shapes": shapes,
                        "label": pick(crit["labels"], lang) or crit["slug"], "counts": dict(crit["counts"])})
    return {"counts": dict(counts), "total": sum(counts.values()), "by_criterion": grouped}


def _indicators(stores: Stores, me: str, community_id: str, lang: str, catalogue: Catalogue,
                k: int) -> dict[str, Any]:
    """The indicators with their values per normalisation and their bands among the k nearest
    peers (:mod:`lcc_graph.peers`), and the peer group."""
    me_iri = community_iri(community_id)
    indicators: dict[str, dict[str, Any]] = {}
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in stores.query_public(_MEASUREMENTS % (me, NORMALISATIONS)).rows():
        iri = row["indicator"].value
        entry = indicators.setdefault(iri, {"indicator": iri, "slug": _local(iri), "label": [],
                                            "criterion": row["criterion"].value if "criterion" in row else None,
                                            "values": {}, "peers": {}})
        _add(entry["label"], row, "ilabel")
        if entry["criterion"]:
            _add(labels[entry["criterion"]], row, "clabel")
        entry["values"][_local(row["normalisation"].value)] = float(row["value"].value)
    for row in stores.query_public(_FIGURES % me).rows():
        entry = indicators.get(row["indicator"].value)
        if entry is not None:
            entry["count"] = literal_number(row.get("count"))
            entry["base"] = literal_number(row.get("base"))
    for entry in indicators.values():
        entry.setdefault("count", None)
        entry.setdefault("base", None)
        entry["value"] = entry["values"].get("raw")
        entry["share"] = (round(100 * entry["count"] / entry["base"]) if entry["base"] and entry["count"] is not None
                          else None)
    profiles = peers.profiles(stores)
    group = peers.peer_group(profiles, me_iri, k)
    for iri, said in expected.expectations(stores, me_iri, VALUE_PROPERTIES["raw"], profiles).items():
        entry = indicators.get(iri)
        if entry is not None:
            entry.update(expected=said["expected"], verdict=said["verdict"], verdict_reason=said["reason"])
    for entry in indicators.values():
        entry.setdefault("expected", None)
        entry.setdefault("verdict", None)
        entry.setdefault("verdict_reason", "no value of this indicator, or no population to relate it to")
    members = [me_iri, *(iri for iri, _ in group.members)]
    values = peers.measurement_values(stores, members, VALUE_PROPERTIES)
    seen: set[str] = set()
    for entry in indicators.values():
        for norm, own in entry["values"].items():
            group_values = [v for (c, i, n), v in values.items() if i == entry["indicator"] and n == norm]
            placed = peers.band(own, group_values) if group.enough else {
                "percentile": None, "band": peers.TOO_FEW, "peers": len(group_values)}
            entry["peers"][norm] = {**placed, "quarter": QUARTERS.get(placed["band"], "few")}
            seen.add(norm)
    for entry in indicators.values():
        entry["label"] = pick(entry["label"], lang) or entry["slug"]
        entry["criterion_slug"] = _local(entry["criterion"]) if entry["criterion"] else None
        entry["criterion_label"] = (pick(labels[entry["criterion"]], lang) or entry["criterion_slug"]) if entry["criterion"] else None
    norm_labels: dict[str, list[ox.Literal]] = defaultdict(list)
    if seen:
        from ..framework import framework_graphs

        for row in stores.query_public(_NORMALISATION_LABELS, default_graph=framework_graphs()).rows():
            norm_labels[_local(row["x"].value)].append(row["label"])
    norms = [n for n in NORMALISATION_ORDER if n in seen] + sorted(seen - set(NORMALISATION_ORDER))
    return {
        "indicators": sorted(indicators.values(), key=lambda e: (e["criterion"] or "", e["slug"])),
        "peer_group": {
            **group.to_json(),
            "wider": k * 2 if k * 2 <= peers.MAX_K else None,
            "narrower": k // 2 if k // 2 >= peers.MIN_K else None,
            "normalisations": [{"slug": n, "label": pick(norm_labels[n], lang) or n} for n in norms],
        },
    }


def _rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else len(SEVERITY_ORDER)


def for_reading(body: dict[str, Any]) -> dict[str, Any]:
    """An :func:`assessment` in the order a page reads it (copies; ``body`` is left as is).

    ``findings``: the criteria by label (findings of no criterion last), in each the most severe
    shape first then by label, in each the results by label. ``indicators``: those with peers,
    by criterion label then label.
    """
    groups = []
    for g in body["findings"]["by_criterion"]:
        shapes = [dict(s, results=sorted(s["results"], key=lambda r: r["label"] or r["focus"] or ""))
                  for s in sorted(g["shapes"], key=lambda s: (_rank(s["severity"]), s["label"] or s["shape"]))]
        groups.append(dict(g, shapes=shapes))
    groups.sort(key=lambda g: (g["label"] is None, g["label"] or ""))
    rows = sorted((i for i in body["indicators"] if i["peers"]),
                  key=lambda i: (i["criterion_label"] or "", i["label"]))
    return {"findings": groups, "indicators": rows}
