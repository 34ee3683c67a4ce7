"""Uploads own their subjects: the community itself, or resources linked to it by ``lcc:community``.

The framework (criteria, statements, dialogue questions, indicators, vocabularies, shapes) belongs
to the service: an upload is instance data about the community, so it cannot state framework
classes or relations on any subject, nor declare classes and properties. IRIs are compared in
their RFC 3986 normal form, http and https of ``w3id.org/lcc`` counting as the service's namespace.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from .errors import OwnershipError
from .namespaces import (
    BASE, COMMUNITIES, DQV, LCC, OWL, RDF, RDFS, SCHEMA, SH, SKOS, community_base, community_graph, community_id_of_graph,
    community_iri,
)
from .store.embedded import EmbeddedStore

_COMMUNITY = ox.NamedNode(LCC + "community")
_TYPE = ox.NamedNode(RDF + "type")
MAX_LISTED = 10

# What only the service writes: the assessment (DQV measurements and their values), the findings
# (SHACL results) and the commit marker of a data version. Reports read measurements and findings
# from every public graph, so an upload that wrote them could forge another community's row (or,
# before reconcile() read the assessment graphs only, a version number); they are refused.
RESERVED_NAMESPACES = (DQV, SH)
RESERVED_PREDICATES = frozenset(LCC + name for name in (
    "dataVersion", "numerator", "denominator", "perThousandInhabitants", "perAvailableResource",
    "perPotentialResource", "availableResources", "potentialResources", "assessedVersion", "versionNumber"))
# Proposals to change the framework and their comments are written by the service alone, from a
# community's token (/framework/proposals): a data graph that stated one would pose as a proposal.
RESERVED_CLASSES = frozenset((LCC + "Assessment", LCC + "DataVersion", LCC + "Proposal", LCC + "ProposalComment"))

# Classes and properties are the ontology's: an upload declaring one (or an axiom about one)
# would change what the shapes (rdfs:subClassOf*) and every reader of the public graphs see.
DECLARATION_CLASSES = frozenset({RDFS + "Class", RDFS + "Datatype", RDF + "Property"})
# owl:Thing and owl:NamedIndividual say "an individual": instance data may say so.
_OWL_INDIVIDUALS = frozenset({OWL + "Thing", OWL + "NamedIndividual"})
SCHEMA_PREDICATES = frozenset({
    RDFS + "subClassOf", RDFS + "subPropertyOf", RDFS + "domain", RDFS + "range",
    SCHEMA + "domainIncludes", SCHEMA + "rangeIncludes",
    *(OWL + name for name in (
        "equivalentClass", "equivalentProperty", "inverseOf", "disjointWith", "propertyDisjointWith",
        "propertyChainAxiom", "onProperty", "someValuesFrom", "allValuesFrom", "hasValue", "hasKey",
        "unionOf", "intersectionOf", "complementOf", "oneOf", "disjointUnionOf")),
})
# (owl:imports is left alone: nothing reads or follows it, and the parsers never fetch.)
# Relations between concepts and schemes: stated with a framework concept or scheme at either
# end they would graft onto the framework (a "dimension" of penetration, a criterion in a scheme).
CONCEPT_RELATIONS = frozenset({
    *(SKOS + name for name in (
        "broader", "narrower", "broaderTransitive", "narrowerTransitive", "related", "semanticRelation",
        "inScheme", "topConceptOf", "hasTopConcept", "member", "memberList", "exactMatch", "closeMatch",
        "broadMatch", "narrowMatch", "relatedMatch", "mappingRelation")),
    OWL + "sameAs",
})

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_IRI_PARTS = re.compile(r"^(?:([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?\Z", re.DOTALL)
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
_SERVICE_HOST = "w3id.org"


def reserved_terms(triples: list[ox.Triple]) -> list[str]:
    """The computed-graph terms an upload uses (sorted), each once."""
    found: set[str] = set()
    for t in triples:
        p = t.predicate.value
        if p in RESERVED_PREDICATES or p.startswith(RESERVED_NAMESPACES):
            found.add(p)
        if t.predicate == _TYPE and isinstance(t.object, ox.NamedNode):
            o = t.object.value
            if o in RESERVED_CLASSES or o.startswith(RESERVED_NAMESPACES):
                found.add(o)
    return sorted(found)


# ---- IRIs in normal form


def _percent(text: str) -> str:
    """Percent-encodings of unreserved characters decoded, the others' hex digits upper-cased."""
    def fix(m: re.Match) -> str:
        char = chr(int(m.group(1), 16))
        return char if char in _UNRESERVED else "%" + m.group(1).upper()
    return _PERCENT.sub(fix, text)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: ``/a/./b/../c`` -> ``/a/c``."""
    out: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith("./"):
            path = path[2:]
        elif path.startswith("/./"):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../") or path == "/..":
            path = "/" + path[4:] if path.startswith("/../") else "/"
            if out:
                out.pop()
        elif path in (".", ".."):
            path = ""
        else:
            cut = path.find("/", 1)
            segment, path = (path, "") if cut == -1 else (path[:cut], path[cut:])
            out.append(segment)
    return "".join(out)


@lru_cache(maxsize=65536)
def normalise_iri(iri: str) -> str:
    """The RFC 3986 normal form of an IRI (section 6.2.2 and the http(s) rules of 6.2.3).

    Scheme and host lower-cased, percent-encodings of unreserved characters decoded (the others
    upper-cased), dot segments removed, a default or empty port dropped, an empty http(s) path
    made ``/``. Characters beyond ASCII are left as written.
    """
    m = _IRI_PARTS.match(iri)
    if m is None:  # the pattern matches every string; kept for type checkers
        return iri
    scheme, authority_part, authority, path, query, fragment = m.groups()
    out = ""
    if scheme is not None:
        scheme = scheme.lower()
        out += scheme + ":"
    if authority_part is not None:
        userinfo, at, hostport = authority.rpartition("@")
        host, colon, port = hostport, "", ""
        if not hostport.endswith("]") and ":" in hostport:
            host, colon, port = hostport.rpartition(":")
        if colon and (port == "" or port == _DEFAULT_PORTS.get(scheme or "")):
            colon, port = "", ""
        out += "//" + (_percent(userinfo) + at if at else "") + _percent(host).lower() + colon + port
        if path == "" and scheme in _DEFAULT_PORTS:
            path = "/"
    path = _percent(path)
    if scheme is not None:
        path = remove_dot_segments(path)
    out += path
    if query is not None:
        out += _percent(query)
    if fragment is not None:
        out += _percent(fragment)
    return out


@lru_cache(maxsize=65536)
def canonical_iri(iri: str) -> str:
    """The normal form, with the service's namespace always written ``https://w3id.org/lcc``
    (http, a user name or a port in front of it point at the same resources)."""
    norm = normalise_iri(iri)
    m = _IRI_PARTS.match(norm)
    if m is None:
        return norm
    scheme, authority_part, authority, path, query, fragment = m.groups()
    host = (authority or "").rpartition("@")[2]
    if not host.endswith("]"):
        host = host.rpartition(":")[0] if ":" in host else host
    if (scheme in ("http", "https") and authority_part is not None and host == _SERVICE_HOST
            and (path == "/lcc" or path.startswith("/lcc/"))):
        return "https://" + _SERVICE_HOST + path + (query or "") + (fragment or "")
    return norm


def service_place(iri: str) -> tuple[str, str | None] | None:
    """Where a canonical IRI lies in the service's namespace: ``("community", id)`` under a
    community's IRI, ``("framework", None)`` anywhere else under ``https://w3id.org/lcc``, or
    None outside it."""
    if iri.startswith(COMMUNITIES):
        community = re.split(r"[/?#]", iri[len(COMMUNITIES):], maxsplit=1)[0]
        if community:
            return ("community", community)
        return ("framework", None)
    if iri.startswith((BASE, LCC)) or iri == BASE.rstrip("/") or iri.startswith(BASE.rstrip("/") + "?"):
        return ("framework", None)
    return None


def _place_words(place: tuple[str, str | None] | None) -> str:
    if place is None:
        return ""
    if place[0] == "community":
        return f"the namespace of another community ({place[1]!r})"
    return "the namespace of the ontology and vocabularies"


# ---- the framework's own classes and relations, read from the ontology


@dataclass(frozen=True)
class FrameworkTerms:
    """What only the framework states: classes whose instances are framework resources, and
    properties whose every declared domain is such a class."""

    classes: frozenset[str]
    relations: frozenset[str]


def _is_declaration_class(iri: str) -> bool:
    return iri in DECLARATION_CLASSES or (iri.startswith(OWL) and iri not in _OWL_INDIVIDUALS)


def derive_framework_terms(triples: list[ox.Triple]) -> FrameworkTerms:
    """From the ontology's triples: the framework classes are the classes the ontology itself has
    instances of (criteria, statements, questions, indicators, queries, stages, concepts and
    schemes, the framework version) and every class below them (the reserved classes, refused as
    written by the service, left out); the framework relations are the properties whose every
    domain (``rdfs:domain``, ``schema:domainIncludes``) is a framework class, a declaration class
    or a reserved one."""
    typed: set[str] = set()
    sub_of: dict[str, set[str]] = defaultdict(set)
    domains: dict[str, set[str]] = defaultdict(set)
    for t in triples:
        p, o = t.predicate.value, t.object
        if not isinstance(o, ox.NamedNode) or not isinstance(t.subject, ox.NamedNode):
            continue
        if p == RDF + "type" and not _is_declaration_class(o.value):
            typed.add(o.value)
        elif p == RDFS + "subClassOf":
            sub_of[o.value].add(t.subject.value)
        elif p in (RDFS + "domain", SCHEMA + "domainIncludes"):
            domains[t.subject.value].add(o.value)
    classes = set(typed) | set(RESERVED_CLASSES)
    stack = list(classes)
    while stack:
        for sub in sub_of.get(stack.pop(), ()):
            if sub not in classes:
                classes.add(sub)
                stack.append(sub)

    def framework_only(cls: str) -> bool:
        return cls in classes or _is_declaration_class(cls) or cls.startswith(RESERVED_NAMESPACES)

    relations = {p for p, ds in domains.items()
                 if ds and all(framework_only(d) for d in ds)
                 and p not in RESERVED_PREDICATES and not p.startswith(RESERVED_NAMESPACES)}
    shown = {c for c in classes if c not in RESERVED_CLASSES and not c.startswith(RESERVED_NAMESPACES)}
    return FrameworkTerms(frozenset(shown), frozenset(relations))


@lru_cache(maxsize=1)
def framework_terms() -> FrameworkTerms:
    """The framework classes and relations of the shipped ontology (read once per process)."""
    from .framework import read_turtle
    from .resources import ontology_files

    return derive_framework_terms([t for path in ontology_files() for t in read_turtle(path)])


def _name(term) -> str:
    return f"<{term.value}>" if isinstance(term, ox.NamedNode) else str(term)


def framework_statements(triples: list[ox.Triple]) -> list[str]:
    """What an upload states that only the framework may: framework classes and relations on any
    subject, class and property declarations and axioms, and concept relations that touch a
    framework concept or scheme. One message per (subject, term), naming both."""
    terms = framework_terms()
    problems: dict[tuple[str, str], str] = {}
    for t in triples:
        s, p, o = _name(t.subject), t.predicate.value, t.object
        if t.predicate == _TYPE and isinstance(o, ox.NamedNode):
            cls = canonical_iri(o.value)
            if cls in terms.classes:
                problems.setdefault((s, cls), f"{s} is typed <{cls}>: the framework's criteria, statements, questions, "
                                             "indicators and concepts are the service's, never uploaded")
            elif _is_declaration_class(cls):
                problems.setdefault((s, cls), f"{s} is declared <{cls}>: an upload is instance data, "
                                             "not classes or properties")
            continue
        pc = canonical_iri(p)
        if pc in SCHEMA_PREDICATES:
            problems.setdefault((s, pc), f"{s} states <{pc}>: an upload is instance data, not an ontology axiom")
        elif pc in terms.relations:
            problems.setdefault((s, pc), f"{s} states <{pc}>, a relation of the framework's own terms")
        elif pc in CONCEPT_RELATIONS:
            ends = [x for x in (t.subject, o) if isinstance(x, ox.NamedNode)
                    and (service_place(canonical_iri(x.value)) or ("",))[0] == "framework"]
            if ends:
                problems.setdefault((s, pc + " " + ends[0].value),
                                    f"{s} states <{pc}> {_name(o)}: the framework's concepts and schemes "
                                    "are the service's, never linked by an upload")
    return list(problems.values())


def _lookalike_terms(triples: list[ox.Triple]) -> list[str]:
    """Predicates and objects in the service's namespace not written in their normal form."""
    problems: dict[str, str] = {}
    for t in triples:
        for term in (t.predicate, t.object):
            if isinstance(term, ox.NamedNode) and term.value not in problems:
                canon = canonical_iri(term.value)
                if canon != term.value and service_place(canon) is not None:
                    problems[term.value] = (f"<{term.value}> (used by {_name(t.subject)}) is not written in normal "
                                            f"form: it normalises to <{canon}>; write the service's IRIs in normal form")
    return list(problems.values())


# ---- ownership


def _owned_blank_nodes(triples: list[ox.Triple], roots: set) -> set:
    """Blank nodes reachable as objects from the owned subjects."""
    children: dict = defaultdict(list)
    for t in triples:
        if isinstance(t.object, ox.BlankNode):
            children[t.subject].append(t.object)
    seen: set = set()
    stack = list(roots)
    while stack:
        node = stack.pop()
        for child in children.get(node, ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def store_free_problems(triples: list[ox.Triple], community_id: str) -> tuple[list[str], set]:
    """Every ownership problem that needs no store, and the owned IRI subjects (the community's
    own node included)."""
    me = ox.NamedNode(community_iri(community_id))
    claims: dict = defaultdict(set)
    for t in triples:
        if t.predicate == _COMMUNITY:
            claims[t.subject].add(t.object)
    problems: list[str] = [f"<{term}> is written by the service (assessments, findings, versions), never uploaded"
                           for term in reserved_terms(triples)]
    problems += framework_statements(triples)
    problems += _lookalike_terms(triples)
    owned: set = {me}
    subjects = {t.subject for t in triples}
    for s in sorted(subjects, key=str):
        if isinstance(s, ox.BlankNode):
            continue
        if isinstance(s, ox.Triple):
            problems.append("quoted triples cannot be subjects of an upload")
            continue
        iri = s.value
        canon = canonical_iri(iri)
        place = service_place(canon)
        if canon != iri:
            where = place[1] == community_id if place and place[0] == "community" else False
            lies = "" if place is None or where else f", which lies in {_place_words(place)}"
            problems.append(f"<{iri}> is not written in normal form: it normalises to <{canon}>{lies}; "
                            "write each subject as its normal form")
            continue
        if s == me:
            continue
        others = claims.get(s, set()) - {me}
        if others:
            problems.append(f"<{iri}> says it belongs to another community ({', '.join(sorted(o.value for o in others))})")
        elif me not in claims.get(s, set()):
            problems.append(f"<{iri}> has no lcc:community <{me.value}>")
        elif place is not None and not canon.startswith(community_base(community_id)):
            where = (f"the service's namespace, outside <{community_base(community_id)}>"
                     if place == ("community", community_id) else _place_words(place))
            problems.append(f"<{iri}> lies in {where}")
        else:
            owned.add(s)
    blanks = {s for s in subjects if isinstance(s, ox.BlankNode)}
    stray = blanks - _owned_blank_nodes(triples, owned)
    if stray:
        problems.append(f"{len(stray)} blank node(s) do not hang off a resource of this community")
    return problems, owned


def check_ownership(triples: list[ox.Triple], community_id: str, store: EmbeddedStore | None = None) -> None:
    """Raise OwnershipError if the upload states what its community does not own.

    Without a store (the checks that need none, e.g. in the sandbox): every subject is the
    community, or has ``lcc:community`` this community and lies neither under another community
    nor in the ontology and vocabulary namespaces; every subject is written in its RFC 3986
    normal form (look-alikes such as ``http://w3id.org/lcc/...`` or ``%2e%2e`` segments are
    refused, naming both forms); blank nodes hang off owned subjects; no terms only the service
    writes (``reserved_terms``); no framework classes or relations, class or property
    declarations, or concept relations touching the framework (``framework_statements``).
    With a ``store``, also: no subject that another community's graphs already describe (its
    owner named).
    """
    problems, owned = store_free_problems(triples, community_id)
    me = ox.NamedNode(community_iri(community_id))
    if not problems and store is not None:
        problems += _taken_elsewhere(store, [s for s in owned if s != me], community_id)
    _refuse(problems, community_id)


def check_not_taken(store: EmbeddedStore, subjects: list, community_id: str) -> None:
    """The check of :func:`check_ownership` that needs the store, on its own (for subjects that
    passed the others, e.g. in the sandbox): OwnershipError if another community already
    describes one of them, its owner named."""
    me = ox.NamedNode(community_iri(community_id))
    _refuse(_taken_elsewhere(store, [s for s in subjects if s != me], community_id), community_id)


def _refuse(problems: list[str], community_id: str) -> None:
    if problems:
        shown = problems[:MAX_LISTED]
        more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        raise OwnershipError(
            f"the upload describes resources community {community_id!r} does not own: " + "; ".join(shown) + more,
            problems=problems,
        )


def _taken_elsewhere(store: EmbeddedStore, subjects: list, community_id: str) -> list[str]:
    """Subjects that another community's graphs (or the framework's) already describe, with the owner named."""
    if not subjects:
        return []
    mine = ox.NamedNode(community_graph(community_id, "data"))
    owners: dict[str, set[str]] = defaultdict(set)
    for i in range(0, len(subjects), 500):
        chunk = sorted(subjects[i:i + 500], key=str)
        values = " ".join(str(s) for s in chunk)
        result = store.query(
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {mine}) }}"
        )
        for row in result.rows():
            owner = community_id_of_graph(row["g"].value)
            if owner != community_id:
                owners[row["s"].value].add(f"community {owner!r}" if owner else "the framework")
    return [f"<{s}> is already described by {', '.join(sorted(who))}" for s, who in sorted(owners.items())]
