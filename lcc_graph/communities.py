"""A community's graphs in the public store: its data, findings and assessment, replaced together."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pyoxigraph as ox

from .namespaces import community_graph
from .store.embedded import EmbeddedStore
from .store.stores import Stores


def replace_community(
    store: EmbeddedStore | Stores,
    community_id: str,
    data: list[ox.Triple] | None,
    findings: list[ox.Triple] | None = None,
    assessment: list[ox.Triple] | None = None,
    *,
    history: list[ox.Triple] | None = None,
) -> None:
    """Replace a community's data, findings and assessment graphs in one transaction, and its
    assessment history when ``history`` is given (the earlier assessments, snapshot added).

    ``None`` for ``data`` removes all four graphs.
    """
    graphs: dict[str, list[ox.Triple] | None] = {
        community_graph(community_id, "data"): data,
        community_graph(community_id, "findings"): findings if data is not None else None,
        community_graph(community_id, "assessment"): assessment if data is not None else None,
    }
    if data is None or history is not None:
        graphs[community_graph(community_id, "assessment-history")] = history if data is not None else None
    store.replace_graphs(graphs)


def community_ids(store: EmbeddedStore) -> list[str]:
    """The ids of the communities that have a data graph."""
    from .namespaces import community_id_of_graph

    ids = {community_id_of_graph(g) for g in store.graphs() if g.endswith("/data")}
    return sorted(i for i in ids if i)


def load_communities(
    store: EmbeddedStore,
    communities: Iterable,
    *,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Store each (id, triples) community's data graph; returns the number of triples stored.

    Into a store with no communities yet this bulk-loads (not transactional: a first load that
    fails is simply run again); otherwise each community is replaced in its own transaction.
    """
    raw = store.public if isinstance(store, Stores) else store
    total = 0
    if community_ids(raw):
        for community in communities:
            replace_community(store, community.id, community.triples, [], [])
            total += len(community.triples)
            if progress:
                progress(community.id)
        return total

    def quads():
        nonlocal total
        for community in communities:
            graph = ox.NamedNode(community_graph(community.id, "data"))
            for t in community.triples:
                yield ox.Quad(t.subject, t.predicate, t.object, graph)
            total += len(community.triples)
            if progress:
                progress(community.id)

    if isinstance(raw, EmbeddedStore):
        raw.raw.bulk_extend(quads())
        raw.flush()
    else:  # a remote engine: one bulk request per community
        for community in communities:
            raw.bulk_add(community_graph(community.id, "data"), community.triples)
            total += len(community.triples)
            if progress:
                progress(community.id)
    if isinstance(store, Stores):
        store.publish()
    return total
