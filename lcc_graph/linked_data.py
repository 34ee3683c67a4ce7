"""Linked data: every IRI the service mints dereferences to a description of it.

The path rule: ``https://w3id.org/lcc/{path}`` is served at ``/{path}`` (so a w3id.org redirect is
one line); ``https://w3id.org/lcc`` and its ``#`` terms at ``/ontology``; any other IRI the public
store holds (a community's own IRIs) at ``/resource?iri=``.

A description is what the public store says about one IRI: its triples (with the blank nodes
hanging off it, lists included), and the triples that point at it, at most :data:`INCOMING_LIMIT`.
Framework terms (anything under ``https://w3id.org/lcc`` that is not a community's) are described
from the framework graphs only; a community's resources from the public graphs, where only their
community may state them. The private store (tokens, history, provenance) is never read, and an
IRI under ``urn:lcc:private:`` is never described.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from .errors import NotFound, ParseError
from .framework import framework_graphs
from .namespaces import BASE, COMMUNITIES, DCTERMS, LCC, PREFIXES, PRIVATE, RDF, RDFS, SKOS

ONTOLOGY = BASE.rstrip("/")  # https://w3id.org/lcc, the ontology's own IRI
MAX_IRI_LENGTH = 2048
INCOMING_LIMIT = 500
BLANK_DEPTH = 4

#: RDF media types a description is served in, and their pyoxigraph formats.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_LABELS = (RDFS + "label", SKOS + "prefLabel", DCTERMS + "title")


def path_for(iri: str) -> str | None:
    """The service path of an IRI minted under ``https://w3id.org/lcc/`` (None for any other IRI)."""
    if iri == ONTOLOGY or iri.startswith(LCC):
        return "/ontology"
    if iri.startswith(BASE) and len(iri) > len(BASE) and "?" not in iri and "#" not in iri:
        return "/" + iri[len(BASE):]
    return None


def iri_for_path(path: str) -> str:
    """The IRI a service path stands for by the path rule (``/criteria/balances`` ->
    ``https://w3id.org/lcc/criteria/balances``)."""
    return BASE + path.lstrip("/")


def checked_iri(text: str | None) -> ox.NamedNode:
    """The IRI a client asks about, as a term: 400 for empty, over-long or not an absolute IRI,
    404 for an IRI of the private store (never described, whether or not it exists)."""
    if text is None or not text.strip():
        raise ParseError("iri is empty: give the absolute IRI of a resource, e.g. "
                         "https://w3id.org/lcc/criteria/balances")
    if len(text) > MAX_IRI_LENGTH:
        raise ParseError(f"iri is {len(text)} characters long; the most is {MAX_IRI_LENGTH}")
    try:
        term = ox.NamedNode(text)
    except ValueError as exc:
        raise ParseError(f"iri is not an absolute IRI ({exc})") from None
    if text.lower().startswith(PRIVATE.lower()):
        raise NotFound("the public store holds nothing about this IRI")
    return term


def is_framework_iri(iri: str) -> bool:
    """Whether an IRI is the framework's (under w3id.org/lcc, not a community's)."""
    return (iri == ONTOLOGY or iri.startswith(LCC) or iri.startswith(BASE)) and not iri.startswith(COMMUNITIES)


def _blank_branches(subject: str) -> str:
    """UNION branches binding ``?x ?y ?z`` to the triples of the blank nodes hanging off ``subject``
    (through at most BLANK_DEPTH blank nodes, each expanded along its rdf:rest list cells)."""
    branches = []
    for depth in range(1, BLANK_DEPTH + 1):
        steps, prev = [], subject
        for i in range(1, depth + 1):
            steps.append(f"{prev} ?p{i} ?n{i} . FILTER(isBlank(?n{i})) ?n{i} <{RDF}rest>* ?c{i} .")
            prev = f"?c{i}"
        branches.append("{ " + " ".join(steps) + f" {prev} ?y ?z . BIND({prev} AS ?x) }}")
    return "\n  UNION ".join(branches)


def describe_query(term: ox.NamedNode, *, incoming: bool = True, outgoing: bool = True) -> str:
    """CONSTRUCT the triples about ``term``: its own, its blank nodes', and (``incoming``) at most
    INCOMING_LIMIT triples that point at it."""
    parts = []
    if outgoing:
        parts.append(f"{{ {term} ?y ?z . BIND({term} AS ?x) }}")
        parts.append(_blank_branches(str(term)))
    if incoming:
        parts.append(f"{{ SELECT ?x ?y ?z WHERE {{ ?x ?y {term} . FILTER(!isBlank(?x)) BIND({term} AS ?z) }} "
                     f"LIMIT {INCOMING_LIMIT} }}")
    return "CONSTRUCT { ?x ?y ?z } WHERE {\n  " + "\n  UNION ".join(parts) + "\n}"


@dataclass
class Description:
    """What the public store says about one IRI."""

    iri: str
    triples: list[ox.Triple]
    framework: bool
    incoming_truncated: bool = False

    @property
    def about(self) -> list[ox.Triple]:
        """Its own triples and its blank nodes' (not those pointing at it)."""
        subject = ox.NamedNode(self.iri)
        return [t for t in self.triples if t.subject == subject or isinstance(t.subject, ox.BlankNode)]

    @property
    def incoming(self) -> list[ox.Triple]:
        """The triples pointing at it."""
        subject = ox.NamedNode(self.iri)
        return [t for t in self.triples if t.object == subject and t.subject != subject]


def _framework_scope(stores, iri: str) -> bool:
    """Whether ``iri`` is described from the framework graphs: a framework IRI, or another IRI the
    framework graphs state things about (before any community could)."""
    if is_framework_iri(iri):
        return True
    if iri.startswith(COMMUNITIES):
        return False
    ask = f"ASK {{ {ox.NamedNode(iri)} ?p ?o }}"
    return stores.query_public(ask, default_graph=framework_graphs()).boolean


def describe(stores, iri: str | ox.NamedNode) -> Description:
    """The description of an IRI from the public store (NotFound when it holds nothing about it)."""
    term = iri if isinstance(iri, ox.NamedNode) else checked_iri(iri)
    text = term.value
    if text.lower().startswith(PRIVATE.lower()):
        raise NotFound("the public store holds nothing about this IRI")
    framework = _framework_scope(stores, text)
    if framework:
        own = stores.query_public(describe_query(term, incoming=False), default_graph=framework_graphs()).triples()
        pointing = stores.query_public(describe_query(term, outgoing=False)).triples()
        held = set(own)
        triples = own + [t for t in pointing if t not in held]
    else:
        triples = stores.query_public(describe_query(term)).triples()
    if not triples:
        raise NotFound("the public store holds nothing about this IRI")
    incoming = sum(1 for t in triples if t.object == term and t.subject != term)
    return Description(text, triples, framework, incoming_truncated=incoming >= INCOMING_LIMIT)


def ontology_triples(stores) -> list[ox.Triple]:
    """The ontology document (``https://w3id.org/lcc``): every triple of the framework graphs about
    the ontology and its ``lcc:`` terms, with their blank nodes."""
    sub = f"FILTER(?s = <{ONTOLOGY}> || STRSTARTS(STR(?s), \"{LCC}\"))"
    query = ("CONSTRUCT { ?x ?y ?z } WHERE {\n  { SELECT DISTINCT ?s WHERE { ?s ?any ?thing " + sub + " } }\n  "
             "{ ?s ?y ?z . BIND(?s AS ?x) }\n  UNION " + _blank_branches("?s") + "\n}")
    return stores.query_public(query, default_graph=framework_graphs()).triples()


def serialize(triples: list[ox.Triple], media: str) -> bytes:
    """Triples in one of :data:`RDF_FORMATS` (Turtle and RDF/XML with the usual prefixes)."""
    fmt = RDF_FORMATS[media]
    prefixes = PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


# --------------------------------------------------------------------------- a page of it


@dataclass
class Names:
    """Labels (in the reader's language) of the IRIs on a page, and which ones the store holds."""

    labels: dict[str, str] = field(default_factory=dict)
    held: set[str] = field(default_factory=set)


def names(stores, iris: set[str], lang: str) -> Names:
    """Labels of ``iris`` in ``lang`` (else English, else any), framework IRIs' from the framework
    graphs only; and which of the other IRIs the public store describes (so that pages link them)."""
    from .views.labels import pick

    out = Names()
    framework = sorted(i for i in iris if is_framework_iri(i))
    others = sorted(i for i in iris if not is_framework_iri(i) and not i.lower().startswith(PRIVATE))
    label_values = " ".join(f"<{p}>" for p in _LABELS)
    for group, graphs in ((framework, framework_graphs()), (others, None)):
        for start in range(0, len(group), 400):
            chunk = group[start:start + 400]
            values = " ".join(str(ox.NamedNode(i)) for i in chunk)
            query = (f"SELECT ?x ?l ?held WHERE {{ VALUES ?x {{ {values} }} "
                     f"{{ VALUES ?lp {{ {label_values} }} ?x ?lp ?l }} UNION "
                     f"{{ FILTER EXISTS {{ ?x ?a ?b }} BIND(true AS ?held) }} }}")
            found: dict[str, list[ox.Literal]] = {}
            for row in stores.query_public(query, default_graph=graphs).rows():
                x = row["x"].value
                if row.get("l") is not None and isinstance(row["l"], ox.Literal):
                    found.setdefault(x, []).append(row["l"])
                if row.get("held") is not None:
                    out.held.add(x)
            for x, literals in found.items():
                label = pick(literals, lang)
                if label:
                    out.labels[x] = label
    return out


def prefixed(iri: str) -> str:
    """``lcc:Partner`` for an IRI in a known namespace, else the IRI."""
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def page_data(stores, description: Description, lang: str) -> dict[str, Any]:
    """What the resource page shows: label, types, properties grouped by predicate (values with
    labels; blank nodes as nested groups) and what points at it, grouped by predicate."""
    subject = ox.NamedNode(description.iri)
    by_subject: dict[Any, list[ox.Triple]] = {}
    for t in description.triples:
        by_subject.setdefault(t.subject, []).append(t)
    iris = {description.iri}
    for t in description.triples:
        iris.add(t.predicate.value)
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
    known = names(stores, iris, lang)

    def ref(term) -> dict[str, Any]:
        if isinstance(term, ox.NamedNode):
            return {"kind": "iri", "iri": term.value, "label": known.labels.get(term.value),
                    "short": prefixed(term.value),
                    "local": path_for(term.value) is not None or term.value in known.held}
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value if term.datatype else None
            return {"kind": "literal", "value": term.value, "language": term.language,
                    "datatype": None if datatype in (None, "http://www.w3.org/2001/XMLSchema#string",
                                                     RDF + "langString") else prefixed(datatype)}
        if term in seen_blank or len(seen_blank) >= 200:  # a cycle of blank nodes, or very many: shown once
            return {"kind": "blank", "properties": []}
        seen_blank.add(term)
        return {"kind": "blank", "properties": groups(term)}

    seen_blank: set[Any] = set()

    def groups(node) -> list[dict[str, Any]]:
        grouped: dict[str, list[Any]] = {}
        for t in by_subject.get(node, []):
            if node == subject and t.predicate.value == RDF + "type":
                continue
            grouped.setdefault(t.predicate.value, []).append(t.object)
        out = []
        for p, objects in grouped.items():
            values = [ref(o) for o in objects]
            values.sort(key=lambda v: (v.get("label") or v.get("value") or v.get("iri") or ""))
            out.append({"predicate": ref(ox.NamedNode(p)), "values": values})
        out.sort(key=lambda g: (g["predicate"]["label"] or g["predicate"]["short"]).lower())
        return out

    types = [ref(t.object) for t in by_subject.get(subject, []) if t.predicate.value == RDF + "type"]
    incoming: dict[str, list[Any]] = {}
    for t in description.incoming:
        incoming.setdefault(t.predicate.value, []).append(t.subject)
    pointing = []
    for p, subjects in incoming.items():
        values = sorted((ref(s) for s in subjects), key=lambda v: (v.get("label") or v.get("iri") or ""))
        pointing.append({"predicate": ref(ox.NamedNode(p)), "values": values})
    pointing.sort(key=lambda g: (g["predicate"]["label"] or g["predicate"]["short"]).lower())
    return {"iri": description.iri, "label": known.labels.get(description.iri), "types": types,
            "properties": groups(subject), "incoming": pointing, "incoming_count": len(description.incoming),
            "incoming_truncated": description.incoming_truncated, "framework": description.framework,
            "path": path_for(description.iri)}
