"""The views as RDF: a CONSTRUCT of what each view shows, and the JSON-LD context that reads a
view's plain JSON as RDF (published at ``/context.jsonld``; docs/linked-data.md)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ..framework import framework_graphs
from ..linked_data import describe
from ..namespaces import (COMMUNITIES, CRITERIA, DCTERMS, DQV, LCC, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, XSD,
                          community_graph, community_iri)
from .community import require_community

_LABELS = f"<{RDFS}label> <{SKOS}prefLabel>"


def _labels_of(stores, iris: set[str]) -> list[ox.Triple]:
    """The labels of IRIs a view names: framework terms' from the framework graphs only, the
    communities' from their own data."""
    out: list[ox.Triple] = []
    framework = sorted(i for i in iris if not i.startswith(COMMUNITIES))
    communities = sorted(i for i in iris if i.startswith(COMMUNITIES))
    for group, graphs in ((framework, framework_graphs()), (communities, None)):
        for start in range(0, len(group), 400):
            values = " ".join(str(ox.NamedNode(i)) for i in group[start:start + 400])
            query = (f"CONSTRUCT {{ ?x ?lp ?l }} WHERE {{ VALUES ?x {{ {values} }} VALUES ?lp {{ {_LABELS} }} "
                     f"?x ?lp ?l }}")
            out += stores.query_public(query, default_graph=graphs).triples()
    return out


def _objects(triples: list[ox.Triple]) -> set[str]:
    return {t.object.value for t in triples if isinstance(t.object, ox.NamedNode)}


def community_triples(stores, community_id: str) -> list[ox.Triple]:
    """What the community page shows, as RDF: its data graph (the community and everything it owns)
    and the labels of the framework concepts and communities it points at."""
    require_community(stores, community_id)
    data = stores.query_public("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                               default_graph=[community_graph(community_id, "data")]).triples()
    held = set(data)
    data += [t for t in describe(stores, community_iri(community_id)).about if t not in held]
    subjects = {t.subject.value for t in data if isinstance(t.subject, ox.NamedNode)}
    return data + _labels_of(stores, _objects(data) - subjects)


def communities_triples(stores) -> list[ox.Triple]:
    """The communities list as RDF: each community's type, labels, population, stage and what it is
    part of, and the stages' labels."""
    query = (f"CONSTRUCT {{ ?c ?p ?o }} WHERE {{ ?c a <{LCC}Community> . "
             f"VALUES ?p {{ <{RDF}type> <{RDFS}label> <{LCC}population> <{LCC}stage> <{LCC}partOf> }} ?c ?p ?o }}")
    triples = [t for t in stores.query_public(query).triples()
               if t.subject.value.startswith(COMMUNITIES)]
    return triples + _labels_of(stores, {t.object.value for t in triples
                                         if t.predicate.value == LCC + "stage" and isinstance(t.object, ox.NamedNode)})


def assessment_triples(stores, community_id: str, version: int | None = None) -> list[ox.Triple]:
    """The assessment as RDF: the lcc:Assessment of that version, its DQV measurements (indicators
    and network metrics), its findings (SHACL results, current version only) and the labels of the
    indicators, metrics and criteria they name."""
    require_community(stores, community_id)
    base = community_iri(community_id)
    if version is not None:
        current = stores.query_public(
            f"SELECT ?v WHERE {{ {ox.NamedNode(base + '/assessment')} <{LCC}assessedVersion> ?v }}",
            default_graph=[community_graph(community_id, "assessment")]).values()
        if current and current[0]["v"] == f"{base}/versions/{int(version)}":
            version = None
    if version is None:
        graphs = [community_graph(community_id, "assessment"), community_graph(community_id, "findings")]
        triples = stores.query_public("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=graphs).triples()
    else:
        prefix = f"{base}/versions/{int(version)}/"
        query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {ox.Literal(prefix)}) || "
                 f"?s = {ox.NamedNode(prefix.rstrip('/'))}) }}")
        triples = stores.query_public(query, default_graph=[community_graph(community_id, "assessment-history"),
                                                            community_graph(community_id, "assessment")]).triples()
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    named = {i for i in _objects(triples) - subjects if not i.startswith(base)}
    return triples + _labels_of(stores, named)


def criteria_triples(stores) -> list[ox.Triple]:
    """The criteria view as RDF: the framework's scheme, every criterion with its statements and
    dimensions, from the framework graphs."""
    query = (f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ {{ ?x a <{LCC}Criterion> }} UNION {{ ?c a <{LCC}Criterion> ; "
             f"<{LCC}statement> ?x }} UNION {{ ?x <{SKOS}broader> ?c . ?c a <{LCC}Criterion> }} "
             f"UNION {{ VALUES ?x {{ <{CRITERIA}> }} }} ?x ?p ?o }}")
    return stores.query_public(query, default_graph=framework_graphs()).triples()


def criterion_exists(stores, slug: str) -> bool:
    """Whether the framework graphs hold a criterion (current or retired) with this slug."""
    ask = f"ASK {{ {ox.NamedNode(CRITERIA + slug)} a <{LCC}Criterion> }}"
    return stores.query_public(ask, default_graph=framework_graphs()).boolean


def criterion_triples(stores, slug: str) -> list[ox.Triple]:
    """The criterion view as RDF: the criterion's description, its statements', dimensions' and
    dialogue questions', and the shapes that evidence it, from the framework graphs."""
    term = ox.NamedNode(CRITERIA + slug)
    triples = describe(stores, term).triples
    parts = stores.query_public(
        f"SELECT DISTINCT ?x WHERE {{ {{ {term} <{LCC}statement> ?x }} UNION {{ ?x <{SKOS}broader> {term} }} "
        f"UNION {{ ?x <{LCC}criterion> {term} }} }}", default_graph=framework_graphs()).rows()
    seen = set(triples)
    for row in parts:
        if isinstance(row["x"], ox.NamedNode):
            for t in describe(stores, row["x"]).about:
                if t not in seen:
                    seen.add(t)
                    triples.append(t)
    return triples


# --------------------------------------------------------------------------- the JSON-LD context

CONTEXT_VIEWS = ("community", "assessment", "framework")


def _concept(key: str, term: str, lang: str) -> dict[str, Any]:
    return {"@id": term, "@type": "@id",
            "@context": {"label": {"@id": SKOS + "prefLabel", "@language": lang}, "slug": None}}


def _ref(term: str, lang: str, reverse: bool = False) -> dict[str, Any]:
    key = "@reverse" if reverse else "@id"
    out: dict[str, Any] = {key: term, "@context": {"sector": None, "label": {"@id": RDFS + "label", "@language": lang}}}
    if not reverse:
        out["@type"] = "@id"
    return out


def jsonld_context(lang: str = "en", view: str = "community") -> dict[str, Any]:
    """The JSON-LD context that reads the plain JSON of a view as RDF (``view``: community for
    ``/communities`` and ``/communities/{id}``, assessment, framework for ``/criteria``): keys
    that stand for statements map to the ontology's terms, summaries and counts map to nothing.
    Labels are in ``lang``, the language the view was asked in."""
    lcc = LCC
    classes = {name: lcc + name for name in ("Community", "Partner", "Partnership", "Infrastructure", "Initiative",
                                              "CitizenGroup", "Need", "Resource", "Policy", "Dialogue", "Evidence",
                                              "DialogueAnswer", "DialogueQuestion")}
    base: dict[str, Any] = {
        "@version": 1.1,
        "lcc": lcc, "rdfs": RDFS, "skos": SKOS, "org": ORG, "prov": PROV, "dqv": DQV, "dcterms": DCTERMS,
        "schema": SCHEMA, "xsd": XSD,
        **classes,
        "iri": "@id", "type": "@type",
        "label": {"@id": RDFS + "label", "@language": lang},
        "labels": {"@id": RDFS + "label", "@container": "@language"},
    }
    if view == "framework":
        return {"@context": {**base,
                             "label": {"@id": SKOS + "prefLabel", "@language": lang},
                             "criteria": {"@reverse": SKOS + "inScheme"},
                             "retired": {"@reverse": SKOS + "inScheme"},
                             "definition": {"@id": SKOS + "definition", "@language": lang},
                             "statements": {"@id": lcc + "statement", "@type": "@id",
                                            "@context": {"text": {"@id": RDF + "value", "@language": lang}}},
                             "dimensions": {"@reverse": SKOS + "broader"}}}
    if view == "assessment":
        measurement = {"iri": {"@id": DQV + "isMeasurementOf", "@type": "@id"}, "label": None, "criterion": None,
                       "criteria": None, "values": None, "peers": None, "change": None}
        return {"@context": {**base,
                             "indicators": {"@reverse": DQV + "computedOn", "@context": measurement},
                             "metrics": {"@reverse": DQV + "computedOn", "@context": measurement}}}
    concept = lambda term: _concept("", lcc + term, lang)  # noqa: E731
    return {"@context": {
        **base,
        "population": {"@id": lcc + "population", "@type": XSD + "integer"},
        "stage": concept("stage"),
        "partOf": _ref(lcc + "partOf", lang), "collaboratesWith": _ref(lcc + "collaboratesWith", lang),
        "partners": "@nest", "resources": "@nest",
        "items": {"@reverse": lcc + "community"},
        "partnerships": {"@reverse": lcc + "community",
                         "@context": {"citizenGroups": _ref(lcc + "linksCitizenGroup", lang)}},
        "infrastructures": {"@reverse": lcc + "community"},
        "initiatives": {"@reverse": lcc + "community"}, "citizenGroups": {"@reverse": lcc + "community"},
        "needs": {"@reverse": lcc + "community"}, "policies": {"@reverse": lcc + "community"},
        "dialogues": {"@reverse": lcc + "community",
                      "@context": {"participants": _ref(lcc + "participant", lang), "kind": concept("dialogueKind")}}, "evidence": {"@reverse": lcc + "community"},
        "dialogueAnswers": {"@reverse": lcc + "community"},
        "communities": {"@id": "@included", "@context": {"resources": None, "partners": None}},
        "sector": concept("sector"), "fields": concept("field"), "levels": concept("level"),
        "bridges": concept("bridges"), "learningModes": concept("learningMode"), "purposes": concept("purpose"),
        "depth": concept("depth"), "status": concept("status"), "inclusionNeeds": concept("inclusionNeed"),
        "engagement": concept("engagement"), "availability": concept("availability"),
        "kind": concept("resourceKind"), "dialogueKind": concept("dialogueKind"),
        "members": _ref(ORG + "hasMember", lang), "citizenGroupsLinked": None,
        "ledBy": _ref(lcc + "ledBy", lang), "targets": _ref(lcc + "targets", lang),
        "coDesignedWith": _ref(lcc + "coDesignedWith", lang), "addressesNeeds": _ref(lcc + "addressesNeed", lang),
        "mobilises": _ref(lcc + "mobilises", lang), "identifiesNeeds": _ref(lcc + "identifiesNeed", lang),
        "formsPartnerships": _ref(lcc + "formsPartnership", lang),
        "expressedBy": _ref(lcc + "expressedBy", lang), "identifiedBy": _ref(lcc + "identifiedBy", lang),
        "discussedWith": _ref(lcc + "discussedWith", lang), "providedBy": _ref(lcc + "providedBy", lang),
        "adoptedBy": _ref(lcc + "adoptedBy", lang), "supports": _ref(lcc + "supports", lang),
        "involves": _ref(lcc + "involves", lang),
        "participants": {"@id": lcc + "participants", "@type": XSD + "integer"},
        "size": {"@id": lcc + "size", "@type": XSD + "integer"},
    }}


RS = "http://www.w3.org/2001/sw/DataAccess/tests/result-set#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def result_set_triples(query_iri: str, variables: list[str], rows: list[dict], *, offset: int = 0,
                       total: int | None = None) -> list[ox.Triple]:
    """A page of a named query's answer as RDF, in the W3C result-set vocabulary (``rs:``, the
    one the SPARQL test suites use): one ``rs:ResultSet`` derived from the query, its variables,
    and a solution per row with its ``rs:index`` (counted from 1 across pages) and a binding per
    bound variable. Values stay the RDF terms the query gave (a decimal stays a decimal)."""
    a = ox.NamedNode(RDF_TYPE)
    result = ox.BlankNode()
    out = [ox.Triple(result, a, ox.NamedNode(RS + "ResultSet")),
           ox.Triple(result, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), ox.NamedNode(query_iri))]
    out += [ox.Triple(result, ox.NamedNode(RS + "resultVariable"), ox.Literal(v)) for v in variables]
    if total is not None:
        out.append(ox.Triple(result, ox.NamedNode(RS + "size"),
                             ox.Literal(str(total), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    for i, row in enumerate(rows, start=offset + 1):
        solution = ox.BlankNode()
        out += [ox.Triple(result, ox.NamedNode(RS + "solution"), solution),
                ox.Triple(solution, ox.NamedNode(RS + "index"),
                          ox.Literal(str(i), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
        for var in variables:
            term = row.get(var)
            if term is None:
                continue
            binding = ox.BlankNode()
            out += [ox.Triple(solution, ox.NamedNode(RS + "binding"), binding),
                    ox.Triple(binding, ox.NamedNode(RS + "variable"), ox.Literal(var)),
                    ox.Triple(binding, ox.NamedNode(RS + "value"), term)]
    return out
