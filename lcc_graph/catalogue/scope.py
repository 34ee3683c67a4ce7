"""A named query's dataset: every public graph, or, for a query with a ``scope`` given a
community, only the graphs its scope lists, of that community and of the framework.

Each community's data lives in its own named graphs (``communities/{id}/data``, ``findings``,
``assessment``, ``assessment-history``, ``answers``) and the framework's in the framework graphs
(ontology, vocabularies, the UNESCO crosswalk, shapes). A query that, given a community, reads
only that community's resources, what its own graphs say of them and the framework, gives the same
answer over those graphs as over the whole store, and pyoxigraph then evaluates only them: its time
no longer grows with the number of communities. Each graph listed costs every look-up one more
index seek, so a scope lists only the graphs the query reads (docs/queries.md, "Scope").
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from ..framework import framework_graphs
from ..namespaces import COMMUNITIES, COMMUNITY_GRAPH_KINDS, GRAPHS, SLUG_RE, community_graph


def community_id_of_iri(iri: str) -> str | None:
    """The id of ``https://w3id.org/lcc/communities/{id}`` (an id is a slug), else None."""
    if not iri.startswith(COMMUNITIES):
        return None
    rest = iri[len(COMMUNITIES):]
    return rest if SLUG_RE.fullmatch(rest) else None


def scoped_dataset(scope: Sequence[str], term: ox.NamedNode | ox.Literal | None) -> list[str] | None:
    """The graphs a query with this ``scope`` reads for this ``community`` term: the community's
    graphs the scope names (data, findings, assessment, assessment-history, answers), then the
    framework's (``framework``: every framework graph; ``framework/criteria``: that one).

    None (every public graph) when the scope is empty, when no community is given, or when its IRI
    is not a community's (``https://w3id.org/lcc/communities/{id}``): the query then runs as a
    query without a scope does, so its answer is the same whatever the IRI.
    """
    if not scope or not isinstance(term, ox.NamedNode):
        return None
    community_id = community_id_of_iri(term.value)
    if community_id is None:
        return None
    graphs = [community_graph(community_id, kind) for kind in COMMUNITY_GRAPH_KINDS if kind in scope]
    for name in scope:
        if name == "framework":
            graphs += framework_graphs()
        elif name not in COMMUNITY_GRAPH_KINDS:
            graphs.append(GRAPHS + name)
    return graphs
