"""Metrics of a community's partner network, per community and per partner (issue 14).

The partner network (:func:`partner_graph`) is a simple weighted ``networkx.Graph``: one node per
partner (a node of ``kind == "partner"`` in the network ``views.network.build_network`` builds, or
of no kind at all in a hand-made graph), one edge per pair of partners that share at least one
partnership, its ``weight`` the number of partnerships they share. A *tie* is such an edge: a pair
counts once however many partnerships it shares. Nodes keep their attributes (``sector``, a slug
such as ``"public"``, or None; ``label``). The bipartite view (partnerships as nodes) is projected
onto the partners the same way.

Community metrics (``COMMUNITY_METRICS``, in this order), with n partners and m ties:

``partners``
    n, the number of partners (isolated ones included). Integer.
``ties``
    m, the number of distinct ties. Integer.
``density``
    2m / (n (n - 1)) (``networkx.density``): the share of possible ties that exist; None for n < 2.
``components``
    The number of connected components (``networkx.number_connected_components``); an isolated
    partner is a component of its own; 0 for the empty network. Integer.
``largest-component-share``
    Partners in the largest component / n; None for n = 0.
``degree-centralisation``
    Freeman's degree centralisation on unweighted degrees: sum over partners of
    (max degree - degree) / ((n - 1)(n - 2)), the largest such sum a network of n nodes can have (a
    star's). 1 for a star, 0 when every partner has the same degree; None for n < 3.
``ei-index-sector``
    Krackhardt and Stern's E-I index of sector mixing, (E - I) / (E + I), over distinct ties whose
    two ends both have a known sector: E the ties between different sectors, I the ties within one.
    From -1 (every tie within a sector) to +1 (every tie across sectors). Partners without a sector
    are left out: a tie with such an end counts neither as E nor as I. None when E + I = 0.
``cross-sector-tie-share``
    E / (E + I) over the same ties: the share of ties crossing sectors (= (E-I index + 1) / 2).
    None when E + I = 0.
``clusters``
    The number of clusters found by Louvain, ``networkx.community.louvain_communities(G,
    weight="weight", seed=seed)`` (resolution 1) on the partner graph, nodes inserted in IRI order so
    that a seed always gives the same clusters; an isolated partner is a cluster of its own; 0 for
    the empty network. Integer.
``modularity``
    ``networkx.community.modularity(G, clusters, weight="weight")`` of those clusters (Newman's Q,
    weighted by shared partnerships); None when there is no tie (Q divides by the total weight).
``brokers``
    The number of brokers (below). Integer.

Partner metrics (``PARTNER_METRICS``), for each partner v:

``degree``
    The number of partners v has a tie with. Integer.
``weighted-degree``
    The sum of v's tie weights: the number of (partnership, fellow member) pairs v has. Integer.
``betweenness``
    ``networkx.betweenness_centrality(G, normalized=True, weight=None)``: the share of shortest
    paths between two other partners that pass through v, over ties regardless of weight (a weight
    counts shared partnerships, it is no distance), normalised by (n - 1)(n - 2) / 2 so that a
    star's centre has 1. 0 when n < 3 (there is no pair of other partners).
``constraint``
    Burt's constraint, ``networkx.constraint(G, weight="weight")``: sum over neighbours j of
    (p_vj + sum over q of p_vq p_qj)^2, p_vj = w_vj / sum_k w_vk. From about 1/degree (contacts not
    tied to each other: v spans structural holes) to 1 and above (one contact, or contacts all tied
    to each other). None for an isolated partner.
``cluster``
    The number of v's Louvain cluster: clusters are numbered from 1, largest first, ties between
    equal sizes broken by their smallest partner IRI. Integer.
``broker``
    Whether v is a broker. Boolean.

**Brokers.** A partner is a broker when either

1. it is a *sector separator*: an articulation point of the partner graph whose removal leaves
   two partners of different (known) sectors, until then connected, in different components; or
2. it is a *top go-between*: its betweenness (rounded to 6 places) is the highest in the network
   and greater than 0 (every partner sharing that highest value is one).

So a star's centre is the only broker (whatever the leaves' sectors: it has the highest
betweenness, 1, and the leaves 0); in two one-sector cliques joined by one tie, the tie's two ends
are brokers (each separates its sector's clique from the other sector, and they share the highest
betweenness); and a network without paths of length two through anyone has no broker. Burt's
constraint is reported per partner but does not enter the rule.

Every float is rounded to 6 places; nodes are sorted (by IRI) before anything that depends on
order, so that the same network always gives the same values. The cost is that of betweenness,
O(n m) per community; the sector separators take O(n + m) per articulation point.
:func:`measurement_triples` writes the values as DQV measurements of the metrics of
``ontology/metrics.ttl`` (https://w3id.org/lcc/metrics/{slug}).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import combinations
from typing import Any

import networkx as nx
import pyoxigraph as ox

from .namespaces import DQV, RDF, XSD

METRICS = "https://w3id.org/lcc/metrics/"
COMMUNITY_METRICS: tuple[str, ...] = (
    "partners",
    "ties",
    "density",
    "components",
    "largest-component-share",
    "degree-centralisation",
    "ei-index-sector",
    "cross-sector-tie-share",
    "clusters",
    "modularity",
    "brokers",
)
PARTNER_METRICS: tuple[str, ...] = ("degree", "weighted-degree", "betweenness", "constraint", "cluster", "broker")
PLACES = 6

Value = float | int | bool | None


def _is_partner(attrs: dict[str, Any]) -> bool:
    return attrs.get("kind") in (None, "partner")


def partner_graph(g: nx.MultiGraph | nx.Graph) -> nx.Graph:
    """The simple weighted partner graph of a network (see the module docstring).

    A MultiGraph's parallel edges between two partners become one edge whose ``weight`` is their
    number; a simple Graph's edges keep their ``weight`` (1 when absent). Nodes of another kind
    (partnerships in the bipartite view) are projected away: their partner neighbours are tied
    pairwise, one unit of weight per partnership. Self-loops are ignored. Nodes and edges are
    inserted in sorted order.
    """
    partners = sorted(n for n, attrs in g.nodes(data=True) if _is_partner(attrs))
    is_partner = set(partners)
    weights: dict[tuple[str, str], float] = defaultdict(int)
    multi = g.is_multigraph()
    for a, b, attrs in g.edges(data=True):
        if a == b or a not in is_partner or b not in is_partner:
            continue
        pair = (a, b) if a < b else (b, a)
        weights[pair] += 1 if multi else attrs.get("weight", 1)
    for n in sorted(set(g.nodes) - is_partner):  # bipartite view: a partnership node ties its members
        members = sorted(m for m in g[n] if m in is_partner)
        for a, b in combinations(members, 2):
            weights[(a, b)] += 1
    h = nx.Graph()
    for n in partners:
        h.add_node(n, **g.nodes[n])
    for (a, b), w in sorted(weights.items()):
        h.add_edge(a, b, weight=w)
    return h


@dataclass(frozen=True)
class NetworkMetrics:
    """The metrics of one partner network: ``community`` slug -> value, ``partners`` IRI -> slug -> value."""

    community: dict[str, Value]
    partners: dict[str, dict[str, Value]]

    def to_json(self) -> dict:
        """``{"community": {slug: value}, "partners": [{"partner": iri, slug: value, ...}]}``, partners sorted by IRI."""
        return {
            "community": {slug: self.community.get(slug) for slug in COMMUNITY_METRICS},
            "partners": [{"partner": iri, **{slug: values.get(slug) for slug in PARTNER_METRICS}}
                         for iri, values in sorted(self.partners.items())],
        }


def _round(x: float | None) -> float | None:
    if x is None or math.isnan(x) or math.isinf(x):
        return None
    r = round(float(x), PLACES)
    return 0.0 if r == 0 else r  # no -0.0


def _sector(g: nx.Graph, n: str) -> str | None:
    return g.nodes[n].get("sector") or None


def _degree_centralisation(degrees: list[int]) -> float | None:
    n = len(degrees)
    if n < 3:
        return None
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def _sector_separators(h: nx.Graph) -> set[str]:
    """Articulation points whose removal puts two partners of different known sectors, connected
    before, in different components."""
    out: set[str] = set()
    for v in sorted(nx.articulation_points(h)):
        rest = nx.node_connected_component(h, v) - {v}
        parts = [{s for n in part if (s := _sector(h, n))} for part in nx.connected_components(h.subgraph(rest))]
        with_sector = [p for p in parts if p]
        # two separated parts with known sectors, and at least two sectors among them: then some
        # partner of one part and some partner of another have different sectors
        if len(with_sector) >= 2 and len(set().union(*with_sector)) >= 2:
            out.add(v)
    return out


def burt_constraint(h: nx.Graph) -> dict[str, float]:
    """Burt's constraint of every partner of a simple weighted undirected graph: what
    ``networkx.constraint(h, weight="weight")`` gives (a test checks they agree on random graphs),
    computed from each partner's proportional tie strengths p_vj = w_vj / sum_k w_vk read once,
    where networkx recomputes them inside every pair's sum (half of all the metrics' time, measured
    on the demo networks). NaN for an isolated partner, as networkx."""
    share: dict[str, dict[str, float]] = {}
    for v in h:
        ties = {u: float(d.get("weight", 1)) for u, d in h[v].items() if u != v}
        total = sum(ties.values())
        share[v] = {u: w / total for u, w in ties.items()} if total else {}
    out: dict[str, float] = {}
    for v, p_v in share.items():
        if not p_v:
            out[v] = float("nan")
            continue
        c = 0.0
        for j, p_vj in p_v.items():
            indirect = sum(p_vq * share[q].get(j, 0.0) for q, p_vq in p_v.items() if q != j)
            c += (p_vj + indirect) ** 2
        out[v] = c
    return out


def compute(g: nx.MultiGraph | nx.Graph, *, seed: int = 0) -> NetworkMetrics:
    """Every community and partner metric of a network (a ``build_network`` MultiGraph, or a partner graph)."""
    h = partner_graph(g)
    nodes = list(h.nodes)  # sorted by partner_graph
    n, m = h.number_of_nodes(), h.number_of_edges()

    degree = {v: h.degree(v) for v in nodes}
    weighted = {v: h.degree(v, weight="weight") for v in nodes}
    betweenness = {v: _round(b) for v, b in nx.betweenness_centrality(h, normalized=True, weight=None).items()}
    constraint = {v: _round(c) for v, c in burt_constraint(h).items()}

    clusters = nx.community.louvain_communities(h, weight="weight", seed=seed) if n else []
    clusters = sorted((sorted(c) for c in clusters), key=lambda c: (-len(c), c[0]))
    cluster_of = {v: i for i, members in enumerate(clusters, start=1) for v in members}
    total_weight = h.size(weight="weight")
    modularity = nx.community.modularity(h, [set(c) for c in clusters], weight="weight") if total_weight else None

    top = max((b for b in betweenness.values() if b is not None), default=0.0)
    brokers = _sector_separators(h) | ({v for v, b in betweenness.items() if b == top} if top > 0 else set())

    external = internal = 0
    for a, b in h.edges():
        sa, sb = _sector(h, a), _sector(h, b)
        if sa is None or sb is None:
            continue
        if sa == sb:
            internal += 1
        else:
            external += 1
    mixed = external + internal

    components = [len(c) for c in nx.connected_components(h)]
    community: dict[str, Value] = {
        "partners": n,
        "ties": m,
        "density": _round(nx.density(h)) if n >= 2 else None,
        "components": len(components),
        "largest-component-share": _round(max(components) / n) if n else None,
        "degree-centralisation": _round(_degree_centralisation(list(degree.values()))),
        "ei-index-sector": _round((external - internal) / mixed) if mixed else None,
        "cross-sector-tie-share": _round(external / mixed) if mixed else None,
        "clusters": len(clusters),
        "modularity": _round(modularity),
        "brokers": len(brokers),
    }
    partners: dict[str, dict[str, Value]] = {
        v: {
            "degree": degree[v],
            "weighted-degree": _count(weighted[v]),
            "betweenness": betweenness.get(v, 0.0),
            "constraint": constraint.get(v),
            "cluster": cluster_of[v],
            "broker": v in brokers,
        }
        for v in nodes
    }
    return NetworkMetrics(community=community, partners=partners)


def _count(x: float) -> int | float | None:
    """A weight sum: an integer when it is one (it always is for shared partnerships)."""
    return int(x) if float(x).is_integer() else _round(x)


# --------------------------------------------------------------------------- DQV measurements

_A = ox.NamedNode(RDF + "type")
_MEASUREMENT = ox.NamedNode(DQV + "QualityMeasurement")
_COMPUTED_ON = ox.NamedNode(DQV + "computedOn")
_MEASUREMENT_OF = ox.NamedNode(DQV + "isMeasurementOf")
_VALUE = ox.NamedNode(DQV + "value")
_DECIMAL = ox.NamedNode(XSD + "decimal")
_INTEGER = ox.NamedNode(XSD + "integer")
_BOOLEAN = ox.NamedNode(XSD + "boolean")
_QUANTUM = Decimal(1).scaleb(-PLACES)


def literal(value: float | int | bool) -> ox.Literal:
    """A metric value as a literal: xsd:boolean, xsd:integer, or xsd:decimal rounded to 6 places
    without trailing zeros (``0.5``, ``-0.846154``, ``1``)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_BOOLEAN)
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_INTEGER)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"not a finite metric value: {value}")
    d = Decimal(repr(float(value))).quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)
    if d == 0:
        d = Decimal(0)
    return ox.Literal(format(d.normalize(), "f"), datatype=_DECIMAL)


def partner_key(partner_iri: str) -> str:
    """The 12 hex digits that name a partner's measurements: the start of the SHA-1 of its IRI."""
    return hashlib.sha1(partner_iri.encode("utf-8")).hexdigest()[:12]


def measurement_triples(community_iri: str, assessment_iri: str, metrics: NetworkMetrics) -> list[ox.Triple]:
    """The metrics as ``dqv:QualityMeasurement`` triples.

    One measurement per community metric, ``{assessment_iri}/metrics/{slug}``, ``dqv:computedOn``
    the community; one per partner and partner metric, ``{assessment_iri}/metrics/{slug}/{key}``
    (key: :func:`partner_key`), ``dqv:computedOn`` the partner. Each is ``dqv:isMeasurementOf``
    ``https://w3id.org/lcc/metrics/{slug}`` and has its ``dqv:value`` (see :func:`literal`). A
    metric without a value (None: undefined for this network) has no measurement.
    """
    triples: list[ox.Triple] = []

    def add(iri: str, on: str, slug: str, value: Value) -> None:
        if value is None:
            return
        node = ox.NamedNode(iri)
        triples.extend((
            ox.Triple(node, _A, _MEASUREMENT),
            ox.Triple(node, _COMPUTED_ON, ox.NamedNode(on)),
            ox.Triple(node, _MEASUREMENT_OF, ox.NamedNode(METRICS + slug)),
            ox.Triple(node, _VALUE, literal(value)),
        ))

    base = f"{assessment_iri}/metrics/"
    for slug in COMMUNITY_METRICS:
        add(base + slug, community_iri, slug, metrics.community.get(slug))
    for partner, values in sorted(metrics.partners.items()):
        key = partner_key(partner)
        for slug in PARTNER_METRICS:
            add(f"{base}{slug}/{key}", partner, slug, values.get(slug))
    return triples


__all__ = [
    "COMMUNITY_METRICS",
    "METRICS",
    "PARTNER_METRICS",
    "NetworkMetrics",
    "compute",
    "literal",
    "measurement_triples",
    "partner_graph",
    "partner_key",
]
