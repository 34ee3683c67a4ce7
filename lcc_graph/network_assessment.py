"""The partnership-network metrics of each community, as measurements of its assessment.

:mod:`lcc_graph.network_metrics` computes the figures of one partner network; this module builds
the networks from the data (one query, for one community's candidate data or for every community
at once) and gives the ``dqv:QualityMeasurement`` triples that :mod:`lcc_graph.indicators` stores
in each assessment beside the indicators: recomputed on every accepted upload and by
``lcc assess``, kept per version (:mod:`lcc_graph.assessment_history`), readable by SPARQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from itertools import combinations

import networkx as nx
import pyoxigraph as ox

from .namespaces import community_iri, sparql_prefixes
from .errors import NetworkTooLarge
from .network_metrics import METRICS, NetworkMetrics, compute, measurement_triples

# Partners, and the members of partnerships, by community: a partner's sector as a slug of the
# sectors scheme (the first in scheme order should data carry several, as build_network). Two
# plain queries: one with a UNION and an OPTIONAL join took 2.6 s over 60 communities.
_PARTNERS = sparql_prefixes() + """
SELECT ?c ?partner ?sector WHERE {
  ?partner a lcc:Partner ; lcc:community ?c .
  OPTIONAL { ?partner lcc:sector ?sector }
}"""
_MEMBERS = sparql_prefixes() + """
SELECT ?c ?ps ?partner ?sector WHERE {
  ?ps a lcc:Partnership ; lcc:community ?c ; org:hasMember ?partner .
  OPTIONAL { ?partner lcc:sector ?sector }
}"""
_SECTORS = "https://w3id.org/lcc/sectors/"
# Ties a partner network may have: betweenness is O(partners x ties) in pure Python (a 200-member
# partnership, 19,900 ties, takes 0.7 s; 300 members, 44,850 ties, 2.4 s), and the drawing and the
# network downloads hold every tie in memory.
MAX_TIES = 50_000


def tie_bound(members: dict[str, set[str]]) -> int:
    """At most how many ties partnerships make (n members, n(n-1)/2 pairs each; shared pairs once)."""
    return sum(len(m) * (len(m) - 1) // 2 for m in members.values())


def check_ties(members: dict[str, set[str]], who: str) -> None:
    """NetworkTooLarge when the partnerships would make more than MAX_TIES ties."""
    bound = tie_bound(members)
    if bound > MAX_TIES:
        largest = max(members.items(), key=lambda kv: len(kv[1]))
        raise NetworkTooLarge(
            f"{who}: its partnerships would tie partners in up to {bound:,} pairs, over the limit of "
            f"{MAX_TIES:,} (the largest, <{largest[0]}>, has {len(largest[1]):,} members); a partnership "
            "of very many members is better described as several, or its members as a citizen group")


def networks(run: Callable[[str], list[dict]], *, strict: bool = False) -> dict[str, nx.MultiGraph]:
    """Community IRI -> its partner network (the ``partners`` view of :func:`build_network`: a node
    per partner with its ``sector`` slug, an edge per partnership two partners share), from the
    rows ``run`` gives for :data:`_PARTNERS` and :data:`_MEMBERS` (over one community's data, or
    over every graph).

    A community whose partnerships would make more than MAX_TIES ties raises NetworkTooLarge with
    ``strict`` (an upload), else gets its partners without ties and ``too_many_ties`` set (its
    metrics are then only the number of partners)."""
    from .views.community import sector_rank

    partners: dict[str, set[str]] = defaultdict(set)
    sectors: dict[tuple[str, str], set[str]] = defaultdict(set)
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in [*run(_PARTNERS), *run(_MEMBERS)]:
        c, partner = row["c"].value, row["partner"]
        if not isinstance(partner, ox.NamedNode):
            continue
        partners[c].add(partner.value)
        sector = row.get("sector")
        if isinstance(sector, ox.NamedNode) and sector.value.startswith(_SECTORS):
            sectors[(c, partner.value)].add(sector.value[len(_SECTORS):])
        if row.get("ps") is not None:
            members[(c, row["ps"].value)].add(partner.value)
    by_community: dict[str, dict[str, set[str]]] = defaultdict(dict)
    for (c, ps), group in members.items():
        by_community[c][ps] = group
    out: dict[str, nx.MultiGraph] = {}
    for c, found in partners.items():
        g = nx.MultiGraph()
        if tie_bound(by_community.get(c, {})) > MAX_TIES:
            if strict:
                check_ties(by_community[c], f"<{c}>")
            g.graph["too_many_ties"] = True
        for iri in sorted(found):
            known = sectors.get((c, iri))
            g.add_node(iri, kind="partner", sector=min(known, key=sector_rank) if known else None)
        out[c] = g
    for (c, ps), group in sorted(members.items()):
        if out[c].graph.get("too_many_ties"):
            continue
        for a, b in combinations(sorted(group), 2):
            out[c].add_edge(a, b, key=ps, partnership=ps)
    return out


def metric_triples(community_id: str, assessment: str, graph: nx.MultiGraph | None) -> list[ox.Triple]:
    """The measurements of a community's network metrics (an empty network when it has none; only
    the number of partners when it has too many ties to compute the rest)."""
    graph = graph if graph is not None else nx.MultiGraph()
    if graph.graph.get("too_many_ties"):
        figures = NetworkMetrics(community={"partners": graph.number_of_nodes()}, partners={})
    else:
        figures = compute(graph)
    return measurement_triples(community_iri(community_id), assessment, figures)


def is_metric(iri: str) -> bool:
    """Whether an IRI is one of the network metrics (not an indicator)."""
    return iri.startswith(METRICS)


__all__ = ["MAX_TIES", "check_ties", "is_metric", "metric_triples", "networks", "tie_bound"]
