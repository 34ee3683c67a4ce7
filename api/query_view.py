"""A named query's page: a control for each parameter, and result cells for reading (labels linked
to the service's pages, numbers rounded; CSV and JSON keep every digit)."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox

from lcc_graph.catalogue import NamedQuery
from lcc_graph.namespaces import BASE, COMMUNITIES, CRITERIA, XSD
from lcc_graph.views.labels import pick

NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "short", "byte",
                             "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong")}
_SCHEME = re.compile(re.escape(BASE) + r"([a-z0-9-]+)/")
_PAGES = [(re.compile(re.escape(COMMUNITIES) + r"([a-z0-9-]+)(?:[/#].*)?\Z"), "/communities/"),
          (re.compile(re.escape(CRITERIA) + r"([a-z0-9-]+)\Z"), "/criteria/"),
          (re.compile(re.escape(BASE) + r"queries/([a-z0-9-]+)\Z"), "/queries/")]
#: the bounds of the catalogue's number parameters that have them
BOUNDS = {"min_sectors": {"min": 0, "max": 3, "step": 1}, "factor": {"min": 1, "max": 10, "step": "any"}}


def page_for(iri: str) -> str | None:
    """The path of the service's page about ``iri`` (a community's resources go to the community), or None."""
    for pattern, prefix in _PAGES:
        m = pattern.match(iri)
        if m:
            return prefix + m.group(1)
    return None


def readable_number(lexical: str, datatype: str) -> str:
    """A number as people read it: whole numbers as they are, others with at most two decimals
    (three significant digits below 0.01)."""
    if datatype.endswith(("integer", "long", "int", "short", "byte", "Integer", "unsignedInt", "unsignedLong")):
        return lexical
    try:
        x = float(lexical)
    except ValueError:
        return lexical
    if x != x or x in (float("inf"), float("-inf")):
        return lexical
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    if abs(x) < 0.01:
        return f"{x:.3g}"
    return f"{x:.2f}".rstrip("0").rstrip(".")


def parameter_scheme(name: str, description: str | None) -> str | None:
    """Where a parameter's IRIs come from: communities, criteria, or the scheme its example names."""
    if name == "community":
        return COMMUNITIES
    m = _SCHEME.search(description or "")
    if m:
        return f"{BASE}{m.group(1)}/"
    return CRITERIA if name == "criterion" else None


def _labels_of(stores, bases: list[str], lang: str) -> dict[str, list[tuple[str, str]]]:
    if not bases:
        return {}
    values = " ".join(f'"{b}"' for b in bases)
    found: dict[str, dict[str, list[ox.Literal]]] = {b: {} for b in bases}
    text = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?base ?c ?l WHERE {{
  VALUES ?base {{ {values} }}
  ?c skos:prefLabel|rdfs:label ?l .
  FILTER(isIRI(?c) && STRSTARTS(STR(?c), ?base) && !CONTAINS(STRAFTER(STR(?c), ?base), "/"))
}}"""
    # every label of the store is read to find a scheme's (100,000 at 1,000 communities: 0.5 s),
    # so the answer is kept until the data changes, as the catalogue's are
    for row in stores.query_public(text, cache=True).rows():
        found[row["base"].value].setdefault(row["c"].value, []).append(row["l"])
    return {b: sorted(((iri, pick(ls, lang) or iri) for iri, ls in items.items()), key=lambda p: p[1].casefold())
            for b, items in found.items()}


def parameter_controls(stores, query: NamedQuery, lang: str) -> dict[str, dict[str, Any]]:
    """For each parameter, what its form control offers: choices (IRI, label) for an IRI from a known
    scheme, bounds for a number."""
    schemes = {name: parameter_scheme(name, p.description) for name, p in query.params.items() if p.type == "iri"}
    choices = _labels_of(stores, sorted({s for s in schemes.values() if s}), lang)
    controls: dict[str, dict[str, Any]] = {}
    for name, p in query.params.items():
        if p.type == "iri" and schemes.get(name):
            controls[name] = {"choices": choices.get(schemes[name], [])}
        elif p.type in ("integer", "decimal"):
            controls[name] = {"bounds": BOUNDS.get(name, {"min": 0, "step": 1 if p.type == "integer" else "any"})}
    return controls


def result_cells(stores, rows: list[dict[str, Any]], variables: list[str], lang: str) -> list[list[dict[str, Any]]]:
    """Each row's cells for reading: an IRI as its label (in ``lang``) linked to its page, a number
    rounded, other text as it is."""
    iris = sorted({t.value for row in rows for t in row.values() if isinstance(t, ox.NamedNode)})
    labels: dict[str, list[ox.Literal]] = {}
    for start in range(0, len(iris), 500):
        chunk = " ".join(f"<{i}>" for i in iris[start:start + 500])
        text = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?s ?l WHERE {{ VALUES ?s {{ {chunk} }} ?s skos:prefLabel|rdfs:label ?l }}"""
        for row in stores.query_public(text).rows():
            labels.setdefault(row["s"].value, []).append(row["l"])
    out = []
    for row in rows:
        cells = []
        for v in variables:
            term = row.get(v)
            if term is None:
                cells.append({"text": None})
            elif isinstance(term, ox.NamedNode):
                label = pick(labels.get(term.value, []), lang)
                cells.append({"iri": term.value, "text": label, "href": page_for(term.value)})
            elif isinstance(term, ox.Literal) and term.datatype.value in NUMERIC:
                cells.append({"text": readable_number(term.value, term.datatype.value), "num": True,
                              "full": term.value})
            else:
                cells.append({"text": getattr(term, "value", str(term))})
        out.append(cells)
    return out
