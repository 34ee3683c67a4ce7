"""A validation report (``Report.to_json()``) made ready for the report page, and as Turtle to download."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox

from lcc_graph.namespaces import CRITERIA, LCC, RDF, RDFS, SH

SEVERITIES = ("Violation", "Warning", "Info")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):  # a term in SPARQL JSON style, or a labelled reference
        for key in ("label", "value", "iri", "en"):
            if value.get(key) is not None:
                return str(value[key])
        return None
    return str(value)


def _short(iri: str | None) -> str | None:
    """A path IRI in its usual prefixed form."""
    if not iri:
        return iri
    from lcc_graph.namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def _severity(value: Any) -> str:
    name = str(value or "Violation").rsplit("#", 1)[-1]
    return name if name in SEVERITIES else "Violation"


def _criterion(value: Any) -> tuple[str | None, str | None, str | None]:
    """(iri, slug, label) of a criterion given as a slug, an IRI or a dict."""
    if value is None:
        return None, None, None
    if isinstance(value, dict):
        iri = value.get("iri") or (CRITERIA + value["slug"] if value.get("slug") else None)
        slug = value.get("slug") or (iri[len(CRITERIA):] if iri and iri.startswith(CRITERIA) else None)
        return iri, slug, value.get("label") or slug
    text = str(value)
    if text.startswith(CRITERIA):
        return text, text[len(CRITERIA):], text[len(CRITERIA):]
    return CRITERIA + text, text, text


def _result(r: dict[str, Any]) -> dict[str, Any]:
    focus = r.get("focus_node") or r.get("focus") or r.get("focusNode") or r.get("node")
    if isinstance(focus, dict):
        label = focus.get("label")
        focus = focus.get("iri") or focus.get("id")
    else:
        label = None
    return {
        "focus": _text(focus),
        "label": r.get("label") or r.get("nodeLabel") or r.get("focusLabel") or label,
        "message": _text(r.get("message")),
        "path": _text(r.get("path")),
        "shortPath": _short(_text(r.get("path"))),
        "value": _text(r.get("value")),
        "valueLabel": r.get("value_label") or r.get("valueLabel"),
        "severity": _severity(r.get("severity")),
        "shape": _text(r.get("source_shape") or r.get("shape") or r.get("sourceShape")),
        "hint": _text(r.get("hint")),
        "location": r.get("location") if isinstance(r.get("location"), dict) else None,
    }


def flat_results(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Every result of the report as a flat dict, whichever grouping the report uses."""
    out: list[dict[str, Any]] = []
    groups = report.get("groups") or report.get("criteria") or report.get("byCriterion")
    items = groups if isinstance(groups, list) else None
    if items is None and isinstance(report.get("results"), list):
        items = report["results"]
    if items is None and isinstance(report.get("results"), dict):
        items = [{"criterion": k, **(v if isinstance(v, dict) else {"shapes": v})} for k, v in report["results"].items()]
    for item in items or []:
        if not isinstance(item, dict):
            continue
        if "shapes" in item:
            crit = item.get("criterion", item.get("slug"))
            shapes = item["shapes"]
            if isinstance(shapes, dict):
                shapes = [{"shape": k, **v} for k, v in shapes.items()]
            for shape in shapes:
                for r in shape.get("results", []):
                    flat = _result(r)
                    flat["shape"] = flat["shape"] or _text(shape.get("shape") or shape.get("iri"))
                    flat["shapeLabel"] = shape.get("label")
                    flat["shapeMessage"] = _text(shape.get("message"))
                    flat["hint"] = flat["hint"] or _text(shape.get("hint"))
                    flat["severity"] = _severity(r.get("severity") or shape.get("severity"))
                    flat["criterion"] = crit if crit is not None else r.get("criterion")
                    out.append(flat)
        elif "results" in item and isinstance(item["results"], list):
            for r in item["results"]:
                flat = _result(r)
                flat["criterion"] = item.get("criterion", r.get("criterion"))
                flat["shapeLabel"] = r.get("shapeLabel")
                out.append(flat)
        else:
            flat = _result(item)
            flat["criterion"] = item.get("criterion")
            flat["shapeLabel"] = item.get("shapeLabel")
            flat["shapeMessage"] = _text(item.get("shapeMessage"))
            out.append(flat)
    return out


def shape_name(iri: str | None) -> str | None:
    """A readable name for a shape without a label: its local name, dashes as spaces."""
    if not iri:
        return None
    local = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return local.replace("-", " ").replace("_", " ")


def report_groups(report: dict[str, Any], criteria_labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """The results grouped by criterion (structure first), then by shape, most severe first."""
    labels = criteria_labels or {}
    groups: dict[str | None, dict[str, Any]] = {}
    for r in flat_results(report):
        iri, slug, label = _criterion(r.get("criterion"))
        group = groups.setdefault(slug, {"iri": iri, "slug": slug, "label": labels.get(slug or "", label),
                                         "shapes": {}, "counts": defaultdict(int)})
        key = r["shape"] or r["message"] or "?"
        # a shape without a label (most property shapes) is headed by its message, which is in the
        # reader's language, rather than by its English local name
        label, message = r.get("shapeLabel"), r.get("shapeMessage")
        if not label:
            label, message = (message, None) if message else (shape_name(r["shape"]), message)
        shape = group["shapes"].setdefault(key, {"iri": r["shape"], "label": label,
                                                 "message": message, "hint": r["hint"],
                                                 "severity": r["severity"], "results": []})
        shape["results"].append(r)
        group["counts"][r["severity"]] += 1
    out = []
    for group in groups.values():
        shapes = sorted(group["shapes"].values(),
                        key=lambda s: (SEVERITIES.index(s["severity"]), s["label"] or s["iri"] or ""))
        out.append({**group, "shapes": shapes, "counts": dict(group["counts"])})
    return sorted(out, key=lambda g: (g["slug"] is not None, g["label"] or ""))


MAX_LOCATED = 300


def located_results(report: dict[str, Any], limit: int = MAX_LOCATED) -> tuple[list[dict[str, Any]], int]:
    """The results that name a place in the uploaded file (sheet, row, column, cell, value), most
    severe first, then in the templates' sheet order, by row and cell; at most ``limit`` of them,
    and how many were left out."""
    from lcc_graph.tabular.mapping import fold, load_mapping

    order = {name: i for i, table in enumerate(load_mapping().tables) for name in table.sheet_names()}
    found = [r for r in flat_results(report) if r.get("location")]
    found.sort(key=lambda r: (SEVERITIES.index(r["severity"]), order.get(fold(r["location"].get("sheet") or ""), 99),
                              int(r["location"].get("row") or 0), len(r["location"].get("cell") or ""),
                              str(r["location"].get("cell") or "")))
    rows = []
    for r in found[:limit]:
        message = r.get("message") or r.get("shapeMessage")
        rows.append({**r["location"], "severity": r["severity"], "message": message,
                     "label": r.get("label"), "hint": r.get("hint")})
    return rows, max(0, len(found) - limit)


def report_counts(report: dict[str, Any]) -> dict[str, int]:
    """Counts by severity, from the report's own counts if it has them."""
    counts = report.get("counts")
    if isinstance(counts, dict):
        return {s: int(counts.get(s, 0) or 0) for s in SEVERITIES}
    found: dict[str, int] = {s: 0 for s in SEVERITIES}
    for r in flat_results(report):
        found[r["severity"]] += 1
    return found


def _term(value: str | None) -> ox.NamedNode | ox.BlankNode | ox.Literal | None:
    if not value:
        return None
    if value.startswith(("http://", "https://", "urn:")):
        try:
            return ox.NamedNode(value)
        except ValueError:
            return ox.Literal(value)
    if value.startswith("_:"):
        return ox.BlankNode(value[2:]) if value[2:].isalnum() else ox.Literal(value)
    return ox.Literal(value)


def report_turtle(report: dict[str, Any]) -> str:
    """The report as a SHACL ``sh:ValidationReport`` in Turtle (results with their criteria)."""
    sh = lambda name: ox.NamedNode(SH + name)  # noqa: E731
    root = ox.BlankNode()
    conforms = bool(report.get("conforms", not report_counts(report).get("Violation")))
    triples = [ox.Triple(root, ox.NamedNode(RDF + "type"), sh("ValidationReport")),
               ox.Triple(root, sh("conforms"), ox.Literal(str(conforms).lower(),
                                                          datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")))]
    for r in flat_results(report):
        node = ox.BlankNode()
        triples += [ox.Triple(root, sh("result"), node),
                    ox.Triple(node, ox.NamedNode(RDF + "type"), sh("ValidationResult")),
                    ox.Triple(node, sh("resultSeverity"), sh(r["severity"]))]
        for predicate, value in ((sh("focusNode"), r["focus"]), (sh("sourceShape"), r["shape"]),
                                 (sh("resultPath"), r["path"]), (sh("value"), r["value"])):
            term = _term(value)
            if term is not None and not (predicate in (sh("sourceShape"), sh("resultPath")) and isinstance(term, ox.Literal)):
                triples.append(ox.Triple(node, predicate, term))
        if r["message"]:
            triples.append(ox.Triple(node, sh("resultMessage"), ox.Literal(r["message"], language="en")))
        if r.get("label") and isinstance(_term(r["focus"]), ox.NamedNode):
            triples.append(ox.Triple(ox.NamedNode(r["focus"]), ox.NamedNode(RDFS + "label"), ox.Literal(r["label"])))
        iri, _slug, _label = _criterion(r.get("criterion"))
        if iri:
            triples.append(ox.Triple(node, ox.NamedNode(LCC + "criterion"), ox.NamedNode(iri)))
    prefixes = {"sh": SH, "lcc": LCC, "rdfs": RDFS}
    return (ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b"").decode()


def data_url(text: str, media_type: str) -> str:
    """A ``data:`` URL, so that the page offers the download without asking the server again."""
    return f"data:{media_type};charset=utf-8,{quote(text, safe='')}"


def report_page(report: dict[str, Any], request: Any = None, lang: str = "en") -> dict[str, Any]:
    """Everything the report page shows: counts, groups, and the downloads as data URLs."""
    import json

    labels: dict[str, str] = {}
    stores = getattr(getattr(getattr(request, "app", None), "state", None), "stores", None)
    if stores is not None:
        from lcc_graph.views.criteria import list_criteria

        try:
            labels = {c["slug"]: c["label"] for c in list_criteria(stores, lang)}
        except Exception:  # labels are a nicety: the slugs do as well
            labels = {}
    located, unlisted = located_results(report)
    return {
        "counts": report_counts(report),
        "groups": report_groups(report, labels),
        "located": located,
        "unlisted": unlisted,
        "json_url": data_url(json.dumps(report, indent=2, ensure_ascii=False), "application/json"),
        "turtle_url": data_url(report_turtle(report), "text/turtle"),
    }
