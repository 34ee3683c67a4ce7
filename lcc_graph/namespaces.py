"""IRIs of the vocabulary contract and of the graphs the store keeps."""

from __future__ import annotations

import re

from pyoxigraph import NamedNode

LCC = "https://w3id.org/lcc#"
BASE = "https://w3id.org/lcc/"
CRITERIA = BASE + "criteria/"
COMMUNITIES = BASE + "communities/"
GRAPHS = BASE + "graphs/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
ORG = "http://www.w3.org/ns/org#"
PROV = "http://www.w3.org/ns/prov#"
DQV = "http://www.w3.org/ns/dqv#"
SCHEMA = "https://schema.org/"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "lcc": LCC,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "org": ORG,
    "prov": PROV,
    "dqv": DQV,
    "schema": SCHEMA,
    "sh": SH,
}

COMMUNITY_GRAPH_KINDS = ("data", "findings", "assessment", "assessment-history", "answers")
PRIVATE = "urn:lcc:private:"

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?\Z")  # \Z: "$" would let "id\n" through


def lcc(term: str) -> NamedNode:
    """The `lcc:` term with this local name."""
    return NamedNode(LCC + term)


def concept(scheme: str, slug: str) -> NamedNode:
    """A concept of one of the fixed SKOS schemes, e.g. ``concept("sectors", "public")``."""
    return NamedNode(f"{BASE}{scheme}/{slug}")


def check_slug(community_id: str) -> str:
    """Return the id if it is a valid community slug, else raise ValueError."""
    if not isinstance(community_id, str) or not SLUG_RE.fullmatch(community_id):
        raise ValueError(f"not a valid community id: {community_id!r} (lower-case letters, digits, '-')")
    return community_id


def community_iri(community_id: str) -> str:
    """The IRI of a community, ``https://w3id.org/lcc/communities/{id}``."""
    return COMMUNITIES + check_slug(community_id)


def community_base(community_id: str) -> str:
    """The base IRI an upload of this community is parsed with (relative IRIs land here)."""
    return community_iri(community_id) + "/"


def community_graph(community_id: str, kind: str = "data") -> str:
    """The named graph of a community: ``data``, ``findings``, ``assessment``, ``assessment-history``
    (its earlier versions' assessments) or ``answers``."""
    if kind not in COMMUNITY_GRAPH_KINDS:
        raise ValueError(f"unknown community graph kind: {kind}")
    return f"{GRAPHS}communities/{check_slug(community_id)}/{kind}"


def framework_graph(name: str) -> str:
    """The named graph holding one ontology file (``lcc``, ``criteria``, ...)."""
    return f"{GRAPHS}framework/{name}"


def community_id_of_graph(graph: str) -> str | None:
    """The community id of a community graph IRI, or None."""
    prefix = GRAPHS + "communities/"
    if not graph.startswith(prefix):
        return None
    return graph[len(prefix):].split("/", 1)[0]


def sparql_prefixes() -> str:
    """PREFIX lines for the namespaces above."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def shapes_graph(name: str) -> str:
    """The named graph holding one shapes file (``structure``, ``criteria``)."""
    return f"{GRAPHS}shapes/{name}"
