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
from .network_metrics import METRICS, compute, measurement_triples

# Partners and the partnerships they are members of, by community: a partner's sector as a slug
# of the sectors scheme (the first in scheme order should data carry several, as build_network).
_NETWORK = sparql_prefixes() + """
SELECT ?c ?partner ?sector ?ps WHERE {
  { ?partner a lcc:Partner ; lcc:community ?c . OPTIONAL { ?ps a lcc:Partnership ; lcc:community ?c ; org:hasMember ?partner } }
  UNION
  { ?ps a lcc:Partnership ; lcc:community ?c ; org:hasMember ?partner . FILTER(isIRI(?partner)) }
  OPTIONAL { ?partner lcc:sector ?sector . FILTER(STRSTARTS(STR(?sector), "https://w3id.org/lcc/sectors/")) }
}"""
_SECTORS = "https://w3id.org/lcc/sectors/"


def networks(run: Callable[[str], list[dict]]) -> dict[str, nx.MultiGraph]:
    """Community IRI -> its partner network (the ``partners`` view of :func:`build_network`: a node
    per partner with its ``sector`` slug, an edge per partnership two partners share), from the
    rows ``run`` gives for :data:`_NETWORK` (over one community's data, or over every graph)."""
    from .views.community import sector_rank

    partners: dict[str, set[str]] = defaultdict(set)
    sectors: dict[tuple[str, str], set[str]] = defaultdict(set)
    members: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in run(_NETWORK):
        c, partner = row["c"].value, row["partner"]
        if not isinstance(partner, ox.NamedNode):
            continue
        partners[c].add(partner.value)
        if row.get("sector") is not None:
            sectors[(c, partner.value)].add(row["sector"].value[len(_SECTORS):])
        if row.get("ps") is not None:
            members[(c, row["ps"].value)].add(partner.value)
    out: dict[str, nx.MultiGraph] = {}
    for c, found in partners.items():
        g = nx.MultiGraph()
        for iri in sorted(found):
            known = sectors.get((c, iri))
            g.add_node(iri, kind="partner", sector=min(known, key=sector_rank) if known else None)
        out[c] = g
    for (c, ps), group in sorted(members.items()):
        for a, b in combinations(sorted(group), 2):
            out[c].add_edge(a, b, key=ps, partnership=ps)
    return out


def metric_triples(community_id: str, assessment: str, graph: nx.MultiGraph | None) -> list[ox.Triple]:
    """The measurements of a community's network metrics (an empty network when it has none)."""
    return measurement_triples(community_iri(community_id), assessment, compute(graph if graph is not None else nx.MultiGraph()))


def is_metric(iri: str) -> bool:
    """Whether an IRI is one of the network metrics (not an indicator)."""
    return iri.startswith(METRICS)


__all__ = ["is_metric", "metric_triples", "networks"]
