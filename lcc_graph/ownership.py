"""Uploads own their subjects: the community itself, or resources linked to it by ``lcc:community``."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox

from .errors import OwnershipError
from .namespaces import BASE, COMMUNITIES, DQV, LCC, RDF, SH, community_base, community_graph, community_iri
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
    "perPotentialResource", "availableResources", "potentialResources"))
RESERVED_CLASSES = frozenset((LCC + "Assessment",))


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


def check_ownership(triples: list[ox.Triple], community_id: str, store: EmbeddedStore | None = None) -> None:
    """Raise OwnershipError if any subject is not this community's own.

    A subject is owned when it is the community, or has ``lcc:community`` this community in the
    upload, and its IRI is not in the ontology/vocabulary namespaces nor under another community;
    blank nodes must hang off owned subjects. Terms only the service writes (``reserved_terms``)
    are refused too. With a ``store``, a subject that another community's
    data graph already describes is refused too.
    """
    me = ox.NamedNode(community_iri(community_id))
    my_base = community_base(community_id)
    claims: dict = defaultdict(set)
    for t in triples:
        if t.predicate == _COMMUNITY:
            claims[t.subject].add(t.object)
    problems: list[str] = [f"<{term}> is written by the service (assessments, findings, versions), never uploaded"
                            for term in reserved_terms(triples)]
    owned: set = {me}
    subjects = {t.subject for t in triples}
    for s in subjects:
        if isinstance(s, ox.BlankNode):
            continue
        if isinstance(s, ox.Triple):
            problems.append("quoted triples cannot be subjects of an upload")
            continue
        iri = s.value
        if s == me:
            continue
        others = claims.get(s, set()) - {me}
        if others:
            problems.append(f"<{iri}> says it belongs to another community ({', '.join(sorted(o.value for o in others))})")
        elif me not in claims.get(s, set()):
            problems.append(f"<{iri}> has no lcc:community <{me.value}>")
        elif iri.startswith(BASE) or iri.startswith(LCC):
            if not iri.startswith(my_base):
                where = "another community" if iri.startswith(COMMUNITIES) else "the ontology and vocabularies"
                problems.append(f"<{iri}> lies in the namespace of {where}")
            else:
                owned.add(s)
        else:
            owned.add(s)
    blanks = {s for s in subjects if isinstance(s, ox.BlankNode)}
    stray = blanks - _owned_blank_nodes(triples, owned)
    if stray:
        problems.append(f"{len(stray)} blank node(s) do not hang off a resource of this community")
    if not problems and store is not None:
        problems += _taken_elsewhere(store, [s for s in owned if s != me], community_id)
    if problems:
        shown = problems[:MAX_LISTED]
        more = f" (and {len(problems) - MAX_LISTED} more)" if len(problems) > MAX_LISTED else ""
        raise OwnershipError(
            f"the upload describes resources community {community_id!r} does not own: " + "; ".join(shown) + more,
            problems=problems,
        )


def _taken_elsewhere(store: EmbeddedStore, subjects: list, community_id: str) -> list[str]:
    """Subjects that another community's data graph already describes."""
    if not subjects:
        return []
    mine = ox.NamedNode(community_graph(community_id, "data"))
    problems = []
    for i in range(0, len(subjects), 500):
        chunk = subjects[i:i + 500]
        values = " ".join(str(s) for s in chunk)
        result = store.query(
            f"SELECT DISTINCT ?s ?g WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {mine}) }}"
        )
        for row in result.rows():
            problems.append(f"<{row['s'].value}> is already described in <{row['g'].value}>")
    return problems
