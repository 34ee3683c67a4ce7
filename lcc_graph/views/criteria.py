"""The framework as plain data: criteria, their statements, dimensions, shapes and questions.

The framework is read from the framework graphs only (:func:`framework_graphs`); the communities'
evidence and findings from the public graphs as usual.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from ..errors import NotFound
from ..framework import framework_graphs
from ..namespaces import CRITERIA, sparql_prefixes
from ..store.stores import Stores
from .labels import pick
from .unesco import crosswalk

_CRITERIA = sparql_prefixes() + """
SELECT ?c ?slug ?label ?definition WHERE {
  ?c a lcc:Criterion ; skos:notation ?slug .
  OPTIONAL { ?c skos:prefLabel ?label }
  OPTIONAL { ?c skos:definition ?definition }
}"""

_STATEMENTS = sparql_prefixes() + """
SELECT ?c ?st ?text ?pos WHERE {
  ?c a lcc:Criterion ; lcc:statement ?st .
  ?st rdf:value ?text .
  OPTIONAL { ?st schema:position ?pos }
}"""

_STATUS = sparql_prefixes() + """
SELECT ?c ?retired ?retiredIn ?successor ?introducedIn WHERE {
  ?c a lcc:Criterion .
  OPTIONAL { ?c owl:deprecated ?retired }
  OPTIONAL { ?c lcc:retiredIn/owl:versionInfo ?retiredIn }
  OPTIONAL { ?c dcterms:isReplacedBy ?successor }
  OPTIONAL { ?c lcc:introducedIn/owl:versionInfo ?introducedIn }
}"""

_EXAMPLES = sparql_prefixes() + """
SELECT ?e ?text ?successful ?lesson WHERE {
  VALUES ?c { %s }
  ?c lcc:example ?e . ?e rdf:value ?text .
  OPTIONAL { ?e lcc:successful ?successful }
  OPTIONAL { ?e lcc:lesson ?lesson }
} ORDER BY ?e"""

_DIMENSIONS = sparql_prefixes() + """
SELECT ?c ?d ?label ?definition WHERE {
  ?d skos:broader ?c . ?c a lcc:Criterion .
  FILTER NOT EXISTS { ?d a lcc:Criterion }
  OPTIONAL { ?d skos:prefLabel ?label }
  OPTIONAL { ?d skos:definition ?definition }
}"""


def _num(term: ox.Literal | None) -> float:
    try:
        return float(term.value) if term is not None else 0.0
    except ValueError:
        return 0.0


def _criteria_rows(stores: Stores, lang: str) -> dict[str, dict[str, Any]]:
    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    definitions: dict[str, list[ox.Literal]] = defaultdict(list)
    slugs: dict[str, str] = {}
    framework = framework_graphs()
    for row in stores.query_public(_CRITERIA, default_graph=framework).rows():
        iri = row["c"].value
        slugs[iri] = row["slug"].value
        if "label" in row and row["label"] not in labels[iri]:
            labels[iri].append(row["label"])
        if "definition" in row and row["definition"] not in definitions[iri]:
            definitions[iri].append(row["definition"])
    out = {}
    for iri, slug in slugs.items():
        out[iri] = {
            "slug": slug,
            "iri": iri,
            "label": pick(labels[iri], lang),
            "definition": pick(definitions[iri], lang),
            "statements": [],
            "dimensions": [],
            "introduced_in": None,
            "retired": None,
        }
    # which version brought each criterion, and which retired it (merged into a successor, or not)
    for row in stores.query_public(_STATUS, default_graph=framework).rows():
        item = out.get(row["c"].value)
        if item is None:
            continue
        if "introducedIn" in row:
            item["introduced_in"] = row["introducedIn"].value
        if row.get("retired") is not None and row["retired"].value == "true":
            successor = row.get("successor")
            item["retired"] = {"in": row["retiredIn"].value if "retiredIn" in row else None,
                               "replaced_by": successor.value[len(CRITERIA):] if successor is not None else None}
    for item in out.values():
        if item["retired"] and item["retired"]["replaced_by"]:
            successor = out.get(CRITERIA + item["retired"]["replaced_by"])
            item["retired"]["replaced_by_label"] = successor["label"] if successor else item["retired"]["replaced_by"]
    # a statement's text in each language it has: the reader's is picked (one entry per statement)
    statements: dict[str, dict[str, tuple[float, list[ox.Literal]]]] = defaultdict(dict)
    for row in stores.query_public(_STATEMENTS, default_graph=framework).rows():
        pos, texts = statements[row["c"].value].setdefault(row["st"].value, (_num(row.get("pos")), []))
        if isinstance(row.get("text"), ox.Literal) and row["text"] not in texts:
            texts.append(row["text"])
    for iri, items in statements.items():
        if iri in out:
            chosen = sorted((pos, st, pick(texts, lang)) for st, (pos, texts) in items.items())
            out[iri]["statements"] = [{"iri": st, "text": text} for _, st, text in chosen]
    dims: dict[str, dict[str, dict[str, list[ox.Literal]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for row in stores.query_public(_DIMENSIONS, default_graph=framework).rows():
        d = dims[row["c"].value][row["d"].value]
        for key in ("label", "definition"):
            if key in row and row[key] not in d[key]:
                d[key].append(row[key])
    for iri, by_dim in dims.items():
        if iri in out:
            out[iri]["dimensions"] = [
                {"iri": d, "label": pick(v["label"], lang), "definition": pick(v["definition"], lang)}
                for d, v in sorted(by_dim.items())
            ]
    return out


def list_criteria(stores: Stores, lang: str = "en", *, retired: bool = False) -> list[dict[str, Any]]:
    """The current criteria (``retired``: the retired ones) with their statements and dimensions,
    in alphabetical order of slug."""
    rows = _criteria_rows(stores, lang).values()
    return sorted((c for c in rows if bool(c["retired"]) == retired), key=lambda c: c["slug"])


def get_criterion(stores: Stores, slug: str, lang: str = "en") -> dict[str, Any]:
    """One criterion by slug, with its statements and dimensions; NotFound if unknown."""
    rows = _criteria_rows(stores, lang)
    iri = CRITERIA + slug
    if iri not in rows:
        raise NotFound(f"no criterion {slug!r}: see /criteria for the framework's criteria")
    return rows[iri]


_SHAPES = sparql_prefixes() + """
SELECT ?shape ?label ?message ?hint ?severity ?off WHERE {
  VALUES ?c { %s }
  ?shape lcc:criterion ?c ; sh:severity ?severity .
  OPTIONAL { ?shape sh:deactivated ?off }
  OPTIONAL { ?shape rdfs:label ?label }
  OPTIONAL { ?shape sh:message ?message }
  OPTIONAL { ?shape lcc:hint ?hint }
} ORDER BY ?shape"""

_QUESTIONS = sparql_prefixes() + """
SELECT ?q ?text ?pos WHERE {
  VALUES ?c { %s }
  ?q a lcc:DialogueQuestion ; lcc:criterion ?c ; rdf:value ?text .
  OPTIONAL { ?q schema:position ?pos }
} ORDER BY ?q"""

# Evidence and dialogues are counted per community in a subquery each, starting from the
# criterion (a look-up of its evidence), then joined to the communities: the former UNION of the
# two, joined to every community, was evaluated over the whole store for each community (0.4 s at
# 100 communities, past the 20 s deadline at 1,000; now 60 ms there). Each community is in at most
# one row of each subquery, so the sums are the counts.
_EVIDENCE = sparql_prefixes() + """
SELECT ?community (SAMPLE(?label) AS ?clabel) (SUM(?ev) AS ?evidence) (SUM(?un) AS ?unsuccessful)
       (SUM(?dl) AS ?dialogues) WHERE {
  { SELECT ?community (COUNT(DISTINCT ?e) AS ?ev) (COUNT(DISTINCT ?bad) AS ?un) (0 AS ?dl) WHERE {
      ?e lcc:criterion %(c)s ; a lcc:Evidence ; lcc:community ?community .
      OPTIONAL { ?e lcc:successful false . BIND(?e AS ?bad) } } GROUP BY ?community }
  UNION
  { SELECT ?community (0 AS ?ev) (0 AS ?un) (COUNT(DISTINCT ?d) AS ?dl) WHERE {
      ?d lcc:criterion %(c)s ; a lcc:Dialogue ; lcc:community ?community . } GROUP BY ?community }
  ?community a lcc:Community .
  OPTIONAL { ?community rdfs:label ?label FILTER(lang(?label) = "en" || lang(?label) = "") }
} GROUP BY ?community ORDER BY ?community"""

_FINDINGS = sparql_prefixes() + """
SELECT ?severity (COUNT(?r) AS ?n) (COUNT(DISTINCT ?community) AS ?communities) WHERE {
  VALUES ?c { %s }
  ?r a sh:ValidationResult ; lcc:criterion ?c ; sh:resultSeverity ?severity ; lcc:community ?community .
} GROUP BY ?severity"""


def criterion_details(stores: Stores, slug: str, lang: str = "en") -> dict[str, Any]:
    """One criterion with its shapes, dialogue questions, the communities' evidence and findings."""
    item = get_criterion(stores, slug, lang)
    term = str(ox.NamedNode(item["iri"]))
    shapes: dict[str, dict[str, Any]] = {}
    framework = framework_graphs()
    for row in stores.query_public(_SHAPES % term, default_graph=framework).rows():
        entry = shapes.setdefault(row["shape"].value, {"iri": row["shape"].value, "severity": row["severity"].value.rsplit("#", 1)[1],
                                                       "label": [], "message": [], "hint": [],
                                                       "retired": "off" in row and row["off"].value == "true"})
        for key in ("label", "message", "hint"):
            if key in row and row[key] not in entry[key]:
                entry[key].append(row[key])
    item["shapes"] = [{**s, **{k: pick(s[k], lang) for k in ("label", "message", "hint")}} for s in shapes.values()]
    texts: dict[str, list[ox.Literal]] = defaultdict(list)
    for row in stores.query_public(_QUESTIONS % term, default_graph=framework).rows():
        if isinstance(row.get("text"), ox.Literal) and row["text"] not in texts[row["q"].value]:
            texts[row["q"].value].append(row["text"])
    questions = {q: {"iri": q, "id": q.rsplit("/", 1)[1], "text": pick(found, lang)} for q, found in texts.items()}
    item["questions"] = sorted(questions.values(), key=lambda q: (q["id"].split("-")[0], int(q["id"].split("-")[-1]) if q["id"].split("-")[-1].isdigit() else 0))
    item["evidence"] = [
        {"community": r["community"], "id": r["community"].rsplit("/", 1)[1], "label": r.get("clabel"),
         "evidence": int(r["evidence"]), "unsuccessful": int(r["unsuccessful"]), "dialogues": int(r["dialogues"])}
        for r in stores.query_public(_EVIDENCE % {"c": term}).values()
    ]
    item["findings"] = {
        r["severity"].rsplit("#", 1)[1]: {"results": int(r["n"]), "communities": int(r["communities"])}
        for r in stores.query_public(_FINDINGS % term).values()
    }
    examples: dict[str, dict[str, Any]] = {}
    for row in stores.query_public(_EXAMPLES % term, default_graph=framework).rows():
        entry = examples.setdefault(row["e"].value, {"iri": row["e"].value, "text": [], "lesson": [], "successful": None})
        for key in ("text", "lesson"):
            if key in row and row[key] not in entry[key]:
                entry[key].append(row[key])
        if "successful" in row:
            entry["successful"] = row["successful"].value == "true"
    item["examples"] = [{**e, "text": pick(e["text"], lang), "lesson": pick(e["lesson"], lang)} for e in examples.values()]
    item["unesco"] = crosswalk(stores, item["iri"], lang)
    return item
