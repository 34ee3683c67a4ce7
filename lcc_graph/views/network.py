"""A community's partnership network: partners as nodes, an edge per partnership two partners share.

The network is a networkx ``MultiGraph`` (two partners sharing two partnerships are joined by two
edges), built from two set-based queries, and written out as Cytoscape.js JSON, GraphML, the RDF
subgraph of partners and partnerships (Turtle, JSON-LD), or an SVG drawing with a stable layout.
``bipartite=True`` adds the partnerships as nodes, joined to their members instead of each other.
"""

from __future__ import annotations

import io
from collections import defaultdict
from itertools import combinations
from typing import Any

import networkx as nx
import pyoxigraph as ox

from ..namespaces import LCC, ORG, PREFIXES, RDFS, community_iri, sparql_prefixes
from ..store.stores import Stores
from .community import concept_labels, framework_slug, require_community, sector_rank, values_block
from .labels import pick

VIEWS = ("partners", "bipartite")
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
SECTOR_COLOURS = {"public": "#1f6f8b", "private": "#d9822b", "social": "#3a9d5d"}
OTHER_COLOUR = "#8a8f99"
PARTNERSHIP_COLOUR = "#4a4f5a"


def _queries(term: str) -> tuple[str, str]:
    """The partners and the partnerships of the community ``term`` (a serialised IRI). The
    community is written into each branch of the partners' UNION: joined to the branches from a
    VALUES block, the UNION was evaluated over every community first (0.3 s at 1,000 communities,
    2-8 ms now; the same rows)."""
    values = values_block("c", [term])
    partners = sparql_prefixes() + f"""
SELECT DISTINCT ?partner ?p ?o WHERE {{
  {{ ?partner lcc:community {term} ; a lcc:Partner }}
  UNION
  {{ ?ps lcc:community {term} ; a lcc:Partnership ; org:hasMember ?partner }}
  OPTIONAL {{ VALUES ?p {{ rdfs:label lcc:sector lcc:field }} ?partner ?p ?o }}
}}"""
    partnerships = sparql_prefixes() + f"""
SELECT ?ps ?p ?o WHERE {{
  {values}
  ?ps lcc:community ?c ; a lcc:Partnership .
  OPTIONAL {{ VALUES ?p {{ rdfs:label org:hasMember lcc:agenda }} ?ps ?p ?o }}
}}"""
    return partners, partnerships


def _fallback_label(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def build_network(stores: Stores, community_id: str, *, view: str = "partners", lang: str = "en") -> nx.MultiGraph:
    """The community's partnership network as a networkx MultiGraph; NotFound for an unknown id.

    Partner nodes carry ``kind="partner"``, ``label``, ``sector`` / ``sectorLabel`` and ``fields``
    / ``fieldLabels``. In the ``partners`` view each edge is one partnership shared by its two ends
    (key, ``partnership`` and ``label`` name it); in the ``bipartite`` view partnerships are nodes
    too (``kind="partnership"``) and each edge joins a partnership to one of its members.
    """
    if view not in VIEWS:
        raise ValueError(f"unknown network view {view!r}; use one of {', '.join(VIEWS)}")
    term, label = require_community(stores, community_id, lang)
    partners_q, partnerships_q = _queries(term)
    concepts = concept_labels(stores, lang)

    labels: dict[str, list[ox.Literal]] = defaultdict(list)
    sectors: dict[str, set[str]] = defaultdict(set)
    fields: dict[str, set[str]] = defaultdict(set)
    partner_ids: set[str] = set()
    for row in stores.query_public(partners_q).rows():
        partner = row["partner"]
        if not isinstance(partner, ox.NamedNode):
            continue
        partner_ids.add(partner.value)
        if "p" not in row:
            continue
        p, o = row["p"].value, row["o"]
        if p == RDFS + "label" and isinstance(o, ox.Literal):
            labels[partner.value].append(o)
        elif p == LCC + "sector" and isinstance(o, ox.NamedNode):
            sectors[partner.value].add(o.value)
        elif p == LCC + "field" and isinstance(o, ox.NamedNode):
            fields[partner.value].add(o.value)

    ps_labels: dict[str, list[ox.Literal]] = defaultdict(list)
    members: dict[str, set[str]] = defaultdict(set)
    agendas: set[str] = set()
    partnership_ids: set[str] = set()
    for row in stores.query_public(partnerships_q).rows():
        ps = row["ps"].value
        partnership_ids.add(ps)
        if "p" not in row:
            continue
        p, o = row["p"].value, row["o"]
        if p == RDFS + "label" and isinstance(o, ox.Literal):
            ps_labels[ps].append(o)
        elif p == ORG + "hasMember" and isinstance(o, ox.NamedNode):
            members[ps].add(o.value)
        elif p == LCC + "agenda":
            agendas.add(ps)

    g = nx.MultiGraph(community=community_id, iri=community_iri(community_id), label=label, view=view)

    def sector_of(iri: str) -> str | None:
        # One sector per partner by contract; should data carry several, the first in order wins.
        slugs = sorted((s for s in sectors.get(iri, ()) if framework_slug(s)), key=lambda s: sector_rank(framework_slug(s)))
        return slugs[0] if slugs else None

    for iri in sorted(partner_ids):
        sector = sector_of(iri)
        field_iris = sorted(fields.get(iri, ()))
        g.add_node(
            iri,
            kind="partner",
            label=pick(labels.get(iri, []), lang) or _fallback_label(iri),
            sector=framework_slug(sector) if sector else None,
            sectorLabel=concepts.get(sector) if sector else None,
            fields=[framework_slug(f) for f in field_iris],
            fieldLabels=[concepts.get(f) or _fallback_label(f) for f in field_iris],
        )

    if view != "bipartite":
        from ..network_assessment import check_ties

        check_ties({ps: members.get(ps, set()) for ps in partnership_ids}, f"community {community_id!r}")
    edge_no = 0
    for ps in sorted(partnership_ids):
        label = pick(ps_labels.get(ps, []), lang) or _fallback_label(ps)
        member_list = sorted(members.get(ps, ()))
        if view == "bipartite":
            ps_sectors = sorted({g.nodes[m]["sector"] for m in member_list if g.nodes[m]["sector"]}, key=sector_rank)
            g.add_node(ps, kind="partnership", label=label, sectors=ps_sectors, memberCount=len(member_list),
                       hasAgenda=ps in agendas)
            for m in member_list:
                edge_no += 1
                g.add_edge(m, ps, key=ps, id=f"e{edge_no}", kind="member", partnership=ps, label=label)
        else:
            for a, b in combinations(member_list, 2):
                edge_no += 1
                g.add_edge(a, b, key=ps, id=f"e{edge_no}", kind="partnership", partnership=ps, label=label)
    add_partner_metrics(g, stores, community_id)
    return g


PARTNER_ATTRIBUTES = {"degree": "degree", "weighted-degree": "weightedDegree", "betweenness": "betweenness",
                      "constraint": "constraint", "cluster": "cluster", "broker": "broker"}


def add_partner_metrics(g: nx.MultiGraph, stores: Stores, community_id: str) -> None:
    """Each partner node's network figures as its assessment stores them (computed once per
    upload by :mod:`lcc_graph.network_metrics`, on the partner network whichever the view), as node
    attributes: ``degree``, ``weightedDegree``, ``betweenness``, ``constraint``, ``cluster``,
    ``broker``; so they travel in the Cytoscape JSON and GraphML."""
    from .network_figures import partner_figures

    for iri, figures in partner_figures(stores, community_id).items():
        if iri in g:
            g.nodes[iri].update({PARTNER_ATTRIBUTES.get(k, k): v for k, v in figures.items() if v is not None})


# --------------------------------------------------------------------------- representations


def to_cytoscape(g: nx.MultiGraph) -> dict[str, Any]:
    """Cytoscape.js JSON (``{"elements": {"nodes": [...], "edges": [...]}}``), in the cyjs form
    networkx reads back with ``networkx.cytoscape_graph`` (node ``value`` = id, edge ``key``).
    """
    data = nx.cytoscape_data(g, name="label", ident="id")
    data["data"] = {k: v for k, v in g.graph.items() if v is not None}
    data["data"]["nodeCount"] = g.number_of_nodes()
    data["data"]["edgeCount"] = g.number_of_edges()
    return data


def _scalar_copy(g: nx.MultiGraph) -> nx.MultiGraph:
    """GraphML carries scalars only: lists become space-separated text, None is left out."""

    def clean(attrs: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for k, v in attrs.items():
            if v is None:
                continue
            out[k] = " ".join(str(x) for x in v) if isinstance(v, (list, tuple)) else v
        return out

    h = nx.MultiGraph(**clean(g.graph))
    for n, attrs in g.nodes(data=True):
        h.add_node(n, **clean(attrs))
    for a, b, key, attrs in g.edges(keys=True, data=True):
        h.add_edge(a, b, key=key, **clean(attrs))
    return h


def to_graphml(g: nx.MultiGraph) -> bytes:
    """GraphML written by networkx (lists as space-separated text; edge ids from the ``id`` attribute)."""
    buffer = io.BytesIO()
    nx.write_graphml(_scalar_copy(g), buffer, edge_id_from_attribute="id")
    return buffer.getvalue()


def network_triples(stores: Stores, community_id: str) -> list[ox.Triple]:
    """The RDF subgraph of the network: the community's type and labels, its partners and partnerships."""
    term, _ = require_community(stores, community_id)
    # the community written into each branch, and its items found from it (a VALUES block joined
    # to the UNION, or the types first, made the engine read every community's partners: 0.3 s at
    # 1,000 communities, 2 ms now; the same triples)
    query = sparql_prefixes() + f"""
CONSTRUCT {{ {term} ?cp ?co . ?s ?p ?o }} WHERE {{
  {{ VALUES ?cp {{ rdf:type rdfs:label }} {term} ?cp ?co }}
  UNION
  {{ ?s lcc:community {term} ; a ?t ; ?p ?o . FILTER(?t IN (lcc:Partner, lcc:Partnership)) }}
}}"""
    return stores.query_public(query).triples()


def serialize_triples(triples: list[ox.Triple], media_type: str) -> bytes:
    """Turtle or JSON-LD, serialised by pyoxigraph (Turtle with the usual prefixes)."""
    fmt = RDF_FORMATS[media_type]
    prefixes = PREFIXES if fmt == ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=prefixes) or b""


# --------------------------------------------------------------------------- drawing


def svg_drawing(g: nx.MultiGraph) -> dict[str, Any]:
    """What a template needs to draw the network as inline SVG (see ``network_layout.drawing``):
    nodes grouped by cluster, sized by degree, coloured by sector, brokers marked; edges as paths
    (parallel edges bent apart so each stays visible); the partnerships, sectors and fields; a legend.
    """
    from .network_layout import drawing

    return drawing(g)
