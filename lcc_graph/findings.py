"""Criteria findings of stored communities, recomputed set-based over many communities at once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import pyoxigraph as ox

from .communities import community_ids
from .indicators import framework_version
from .judgements import stamp
from .namespaces import LCC, community_graph
from .store.embedded import EmbeddedStore
from .store.stores import Stores

_COMMUNITY = ox.NamedNode(LCC + "community")


def refresh_findings(
    stores: Stores | EmbeddedStore,
    ids: list[str] | None = None,
    *,
    batch: int = 100,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Validate the communities' stored data and replace their findings graphs; returns findings stored.

    Each finding is stamped with the framework version it was found under (``lcc:frameworkVersion``).

    Communities are validated ``batch`` at a time in one candidate graph (the shapes are scoped to
    each focus node's own community), and each batch's findings graphs are replaced in one
    transaction.
    """
    from .validation import validate

    store = stores.public if isinstance(stores, Stores) else stores
    ids = community_ids(store) if ids is None else ids
    version = framework_version(store)
    total = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        triples: list[ox.Triple] = []
        for cid in chunk:
            triples += store.get_graph(community_graph(cid, "data"))
        report = validate(triples)
        by_node: dict = defaultdict(list)
        owner: dict = {}
        for t in report.findings_triples():
            by_node[t.subject].append(t)
            if t.predicate == _COMMUNITY:
                owner[t.subject] = t.object.value.rsplit("/", 1)[1]
        graphs: dict[str, list[ox.Triple]] = {community_graph(cid, "findings"): [] for cid in chunk}
        for node, node_triples in by_node.items():
            graphs[community_graph(owner[node], "findings")] += node_triples
        stores.replace_graphs({g: stamp(ts, version) for g, ts in graphs.items()})
        total += len(owner)
        if progress:
            progress(len(chunk))
    return total
