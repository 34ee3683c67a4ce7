"""The SPARQL editor's example queries: a few hand-written ones, then the catalogue's named queries."""

from __future__ import annotations

from typing import Any

from ..catalogue import Catalogue

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
        examples.append({"id": "catalogue-" + q.id, "title": q.question or q.summary, "query": q.text.strip(),
                         "catalogue": True})
    return examples
