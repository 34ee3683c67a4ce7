"""A criterion in UNESCO's terms: its crosswalk to the Key Features of Learning Cities.

The crosswalk is a framework graph (``ontology/unesco.ttl``, docs/unesco.md): each criterion states
``skos:closeMatch`` or ``skos:relatedMatch`` to features of the scheme
``https://w3id.org/lcc/unesco/key-features/``, and an ``owl:Axiom`` annotating that triple carries
the pair's justification (``lcc:justification``). Read from the framework graphs only.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from ..framework import framework_graphs
from ..namespaces import SKOS, sparql_prefixes
from ..store.stores import Stores
from .labels import pick

KEY_FEATURES = "https://w3id.org/lcc/unesco/key-features/"
MATCH_TYPES = (SKOS + "closeMatch", SKOS + "relatedMatch")

# A pair counts when both the mapping triple and the axiom annotating it are there.
_PAIRS = sparql_prefixes() + """
SELECT ?axiom ?match ?feature ?notation ?area WHERE {
  VALUES ?criterion { %s }
  VALUES ?match { skos:closeMatch skos:relatedMatch }
  ?axiom a owl:Axiom ; owl:annotatedSource ?criterion ; owl:annotatedProperty ?match ; owl:annotatedTarget ?feature .
  ?criterion ?match ?feature .
  ?feature skos:inScheme <%s> ; skos:notation ?notation ; skos:broader ?area .
}"""

# The texts of those nodes: labels of the features, areas, scheme and match types; justifications.
_TEXTS = sparql_prefixes() + """
SELECT ?x ?p ?text WHERE {
  VALUES ?x { %s }
  VALUES ?p { skos:prefLabel rdfs:label lcc:justification }
  ?x ?p ?text .
}"""


def crosswalk(stores: Stores, criterion_iri: str, lang: str = "en") -> list[dict[str, Any]]:
    """The Key Features the criterion matches, in the order of their notation ("1.1" ... "3.3").

    Each entry: ``notation``, ``feature`` (IRI), ``label``, ``area`` (IRI), ``area_label``,
    ``match`` (``closeMatch`` or ``relatedMatch``), ``match_iri``, ``match_label``,
    ``justification``, ``axiom`` (the IRI of the annotated mapping), ``scheme`` (the scheme's own
    label, a heading for the list) and ``scheme_iri``; texts in ``lang``, else English.
    """
    framework = framework_graphs()
    term = str(ox.NamedNode(criterion_iri))
    pairs = stores.query_public(_PAIRS % (term, KEY_FEATURES), default_graph=framework).rows()
    if not pairs:
        return []
    nodes = {KEY_FEATURES, *MATCH_TYPES}
    for row in pairs:
        nodes |= {row["axiom"].value, row["feature"].value, row["area"].value}
    texts: dict[str, dict[str, list[ox.Literal]]] = defaultdict(lambda: defaultdict(list))
    values = " ".join(str(ox.NamedNode(n)) for n in sorted(nodes))
    for row in stores.query_public(_TEXTS % values, default_graph=framework).rows():
        found = texts[row["x"].value][row["p"].value.rsplit("#", 1)[-1]]
        if isinstance(row["text"], ox.Literal) and row["text"] not in found:
            found.append(row["text"])

    def label(iri: str) -> str | None:
        return pick(texts[iri]["prefLabel"], lang) or pick(texts[iri]["label"], lang)

    out: dict[str, dict[str, Any]] = {}
    for row in pairs:
        axiom, match = row["axiom"].value, row["match"].value
        feature, area = row["feature"].value, row["area"].value
        out[axiom] = {
            "notation": row["notation"].value,
            "feature": feature,
            "label": label(feature),
            "area": area,
            "area_label": label(area),
            "match": match.rsplit("#", 1)[-1],
            "match_iri": match,
            "match_label": label(match),
            "justification": pick(texts[axiom]["justification"], lang),
            "axiom": axiom,
            "scheme": label(KEY_FEATURES),
            "scheme_iri": KEY_FEATURES,
        }
    return sorted(out.values(), key=lambda e: ([int(p) if p.isdigit() else 0 for p in e["notation"].split(".")],
                                              e["feature"]))
