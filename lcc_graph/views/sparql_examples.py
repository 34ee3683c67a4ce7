"""The SPARQL editor's example queries: a few hand-written ones, then the catalogue's named queries."""

from __future__ import annotations

import re
from typing import Any

from ..catalogue import Catalogue, NamedQuery
from ..errors import QueryError
from ..namespaces import sparql_prefixes
from ..store.stores import Stores

EXAMPLES = [
    ("criteria", "The criteria and their number of statements", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?criterion ?label (COUNT(?statement) AS ?statements) WHERE {
  ?criterion a lcc:Criterion ; skos:prefLabel ?label ; lcc:statement ?statement .
  FILTER(LANG(?label) = "en")
} GROUP BY ?criterion ?label ORDER BY ?label"""),
    ("partners-by-sector", "Partners by sector in each community", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?community ?sector (COUNT(?partner) AS ?partners) WHERE {
  ?partner a lcc:Partner ; lcc:community ?community ; lcc:sector ?sector .
} GROUP BY ?community ?sector ORDER BY ?community ?sector"""),
    ("cross-sector", "Partnerships and the number of sectors among their members", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?partnership ?label (COUNT(DISTINCT ?sector) AS ?sectors) (COUNT(DISTINCT ?member) AS ?members) WHERE {
  ?partnership a lcc:Partnership ; org:hasMember ?member .
  OPTIONAL { ?partnership rdfs:label ?label }
  ?member lcc:sector ?sector .
} GROUP BY ?partnership ?label ORDER BY DESC(?sectors) LIMIT 50"""),
    ("unreached", "Citizen groups not reached, with their inclusion needs", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?community ?group ?label ?need WHERE {
  ?group a lcc:CitizenGroup ; lcc:community ?community ;
         lcc:engagement <https://w3id.org/lcc/engagement/disengaged> .
  OPTIONAL { ?group rdfs:label ?label }
  OPTIONAL { ?group lcc:inclusionNeed ?need }
} ORDER BY ?community LIMIT 100"""),
    ("findings", "Criteria findings by criterion and severity", """PREFIX lcc: <https://w3id.org/lcc#>
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?criterion ?severity (COUNT(?result) AS ?findings) WHERE {
  ?result a sh:ValidationResult ; lcc:criterion ?criterion ; sh:resultSeverity ?severity .
} GROUP BY ?criterion ?severity ORDER BY ?criterion"""),
]


def editor_examples(catalogue: Catalogue | None = None) -> list[dict[str, Any]]:
    """The examples the editor offers, each with an id, a title and the query text (catalogue ones marked)."""
    examples = [{"id": i, "title": title, "query": text} for i, title, text in EXAMPLES]
    for q in catalogue or []:
        examples.append({"id": "catalogue-" + q.id, "title": q.question or q.summary, "query": editor_text(q),
                         "catalogue": True})
    return examples


def editor_text(query: NamedQuery, values: dict[str, str] | None = None) -> str:
    """A named query as the editor opens it: its parameters bound (``values``, else their defaults) by
    the catalogue's ``VALUES`` block and, for a query with a ``scope`` given a community, the graphs
    of its scope written as ``FROM`` lines (``NamedQuery.bind(values, dataset=True)``), so that on
    ``/sparql`` it reads the graphs it reads at ``/queries/{id}``; without notes."""
    try:
        text = query.bind(values or {}, dataset=True)
    except QueryError:  # a required parameter without a value: the query as written
        text = query.text
    return public_text(text)


def public_text(text: str) -> str:
    """A shipped query as users read it: without its ``#+`` header and the developers' notes (whole
    comment lines: how it was measured, why it is written so). A ``#`` inside a line (an IRI) stays."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_TERMS = sparql_prefixes() + """
SELECT DISTINCT ?term ?kind WHERE {
  VALUES (?type ?kind) { (owl:Class "class") (rdfs:Class "class") (owl:ObjectProperty "property")
                         (owl:DatatypeProperty "property") (rdf:Property "property") }
  ?term a ?type .
  FILTER(isIRI(?term))
} ORDER BY ?term"""


def vocabulary_terms(stores: Stores) -> dict[str, list[str]]:
    """The classes and properties of the service's own vocabulary, for the editor's completion
    (the editor asks no outside service)."""
    terms: dict[str, list[str]] = {"class": [], "property": []}
    for row in stores.query_public(_TERMS).values():
        terms[row["kind"]].append(row["term"])
    return terms
