"""The partner-network metrics (lcc_graph.network_metrics) on hand-made networks, every value worked out by hand.

The networks are built the way ``views.network.build_network`` builds them: a MultiGraph of
partner nodes (kind "partner", label, sector slug or None) and one edge per partnership two
partners share, keyed by the partnership's IRI. Floats are compared after rounding to 6 places,
as the module rounds them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import random
from fractions import Fraction
from itertools import combinations

import networkx as nx
import pyoxigraph as ox
import pytest

from lcc_graph import network_metrics as nm
from lcc_graph.network_metrics import COMMUNITY_METRICS, METRICS, PARTNER_METRICS, compute, measurement_triples, partner_graph

from .conftest import REPO
from .test_views_community import BANK, BOOKSHOP, CLUB, LIBRARY, SCHOOL, fixture_triples, load_fixture

P = "https://w3id.org/lcc/communities/t/partners/"
PS = "https://w3id.org/lcc/communities/t/partnerships/"
DQV = "http://www.w3.org/ns/dqv#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def r(x: Fraction | float) -> float:
    return round(float(x), 6)


def network(partners: dict[str, str | None], partnerships: dict[str, list[str]]) -> nx.MultiGraph:
    """A network as build_network makes it: partners by local name -> sector, partnerships by local
    name -> members; an edge per pair of members of each partnership, keyed by the partnership."""
    g = nx.MultiGraph()
    for name in sorted(partners):
        g.add_node(P + name, kind="partner", label=name.title(), sector=partners[name], fields=[])
    for ps in sorted(partnerships):
        for a, b in combinations(sorted(partnerships[ps]), 2):
            g.add_edge(P + a, P + b, key=PS + ps, kind="partnership", partnership=PS + ps, label=ps)
    return g


def ties(*pairs: tuple[str, str]) -> dict[str, list[str]]:
    """One two-member partnership per pair."""
    return {f"{a}-{b}": [a, b] for a, b in pairs}


def brokers(result: nm.NetworkMetrics) -> set[str]:
    return {iri.removeprefix(P) for iri, v in result.partners.items() if v["broker"]}


# --------------------------------------------------------------------------- the interface


def test_the_slugs():
    assert METRICS == "https://w3id.org/lcc/metrics/"
    assert COMMUNITY_METRICS == ("partners", "ties", "density", "components", "largest-component-share",
                                 "degree-centralisation", "ei-index-sector", "cross-sector-tie-share", "clusters",
                                 "modularity", "brokers")
    assert PARTNER_METRICS == ("degree", "weighted-degree", "betweenness", "constraint", "cluster", "broker")


# --------------------------------------------------------------------------- a star


STAR = {"centre": "public", "a": "public", "b": "public", "c": "public", "d": "public"}
STAR_TIES = ties(*(("centre", leaf) for leaf in "abcd"))


def test_star():
    m = compute(network(STAR, STAR_TIES))
    c = m.community
    assert c["partners"] == 5 and c["ties"] == 4
    assert c["density"] == 0.4  # 2 x 4 / (5 x 4) = 8 / 20
    assert c["components"] == 1 and c["largest-component-share"] == 1.0
    # degrees 4, 1, 1, 1, 1: sum (4 - d) = 4 x 3 = 12, over (n - 1)(n - 2) = 4 x 3 = 12
    assert c["degree-centralisation"] == 1.0
    # one sector: 4 internal ties, no external one: (0 - 4) / 4
    assert c["ei-index-sector"] == -1.0 and c["cross-sector-tie-share"] == 0.0
    # one cluster: Q = 4/4 - (8/8)^2 = 0; any split is worse (centre with 3 leaves: 3/4 - (7/8)^2 - (1/8)^2 < 0)
    assert c["clusters"] == 1 and c["modularity"] == 0.0
    assert c["brokers"] == 1 and brokers(m) == {"centre"}
    centre = m.partners[P + "centre"]
    # the centre is on the one shortest path of each of the C(4, 2) = 6 pairs of leaves: 6 / (4 x 3 / 2) = 1
    # constraint: 4 contacts of p = 1/4, none tied to another: 4 x (1/4)^2 = 1/4
    assert centre == {"degree": 4, "weighted-degree": 4, "betweenness": 1.0, "constraint": 0.25, "cluster": 1,
                      "broker": True}
    for leaf in "abcd":
        # one contact, p = 1: constraint 1
        assert m.partners[P + leaf] == {"degree": 1, "weighted-degree": 1, "betweenness": 0.0, "constraint": 1.0,
                                        "cluster": 1, "broker": False}


def test_star_of_several_sectors():
    """The centre separates the sectors as well; the leaves still are no brokers."""
    sectors = {"centre": "public", "a": "public", "b": "private", "c": "social", "d": "social"}
    m = compute(network(sectors, STAR_TIES))
    # external: centre-b, centre-c, centre-d = 3; internal: centre-a = 1; (3 - 1) / 4
    assert m.community["ei-index-sector"] == 0.5 and m.community["cross-sector-tie-share"] == 0.75
    assert brokers(m) == {"centre"} and nm._sector_separators(partner_graph(network(sectors, STAR_TIES))) == {P + "centre"}


# --------------------------------------------------------------------------- two one-sector cliques and a bridge


A = ["a1", "a2", "a3", "a4"]
B = ["b1", "b2", "b3", "b4"]
CLIQUES = {**{x: "public" for x in A}, **{x: "private" for x in B}}
CLIQUE_TIES = ties(*combinations(A, 2), *combinations(B, 2), ("a1", "b1"))


def test_two_cliques_joined_by_one_tie():
    m = compute(network(CLIQUES, CLIQUE_TIES))
    c = m.community
    # 6 + 6 ties within the cliques, 1 between them
    assert c["partners"] == 8 and c["ties"] == 13
    assert c["density"] == r(Fraction(13, 28))  # 13 of 8 x 7 / 2 = 28 pairs: 0.464286
    assert c["components"] == 1 and c["largest-component-share"] == 1.0
    # degrees: a1, b1 4; the six others 3: sum (4 - d) = 6, over 7 x 6 = 42
    assert c["degree-centralisation"] == r(Fraction(6, 42))  # 0.142857
    # E = 1 (a1-b1), I = 12: (1 - 12) / 13 = -0.846154; share 1/13 = 0.076923
    assert c["ei-index-sector"] == r(Fraction(-11, 13)) == -0.846154
    assert c["cross-sector-tie-share"] == r(Fraction(1, 13)) == 0.076923
    # two clusters, the cliques: each holds 6 of the 13 ties and degrees 3 + 3 + 3 + 4 = 13 of 26:
    # Q = 2 x (6/13 - (13/26)^2) = 12/13 - 1/2 = 11/26
    assert c["clusters"] == 2
    assert c["modularity"] == r(Fraction(11, 26)) == 0.423077
    # a1 and b1: each a cut point between a public and a private partner, and the highest betweenness
    assert brokers(m) == {"a1", "b1"} and c["brokers"] == 2
    a1 = m.partners[P + "a1"]
    # a1 is on every shortest path between a2..a4 and b1..b4: 3 x 4 = 12 pairs, over 7 x 6 / 2 = 21
    assert a1["betweenness"] == r(Fraction(12, 21)) == 0.571429
    # a1: contacts a2, a3, a4, b1 with p = 1/4. To a2: 1/4 + (a3: 1/4 x 1/3) + (a4: 1/4 x 1/3) = 5/12,
    # squared 25/144, the same for a3 and a4; to b1: (1/4)^2 = 9/144 (no contact of a1 is tied to b1).
    # 3 x 25/144 + 9/144 = 84/144 = 7/12
    assert a1["constraint"] == r(Fraction(7, 12)) == 0.583333
    a2 = m.partners[P + "a2"]
    # a2: contacts a1, a3, a4 with p = 1/3. To a1: 1/3 + 1/3 x 1/3 (via a3) + 1/3 x 1/3 (via a4) = 5/9 -> 25/81;
    # to a3: 1/3 + 1/3 x 1/4 (via a1, who has 4 contacts) + 1/3 x 1/3 (via a4) = 19/36 -> 361/1296; a4 the same.
    # 400/1296 + 2 x 361/1296 = 1122/1296
    assert a2["betweenness"] == 0.0 and a2["constraint"] == r(Fraction(1122, 1296)) == 0.865741
    assert a2["degree"] == 3 and a2["weighted-degree"] == 3 and a2["broker"] is False
    # the clusters are numbered from 1, equal sizes in the order of their first IRI (a1 < b1)
    assert {x: m.partners[P + x]["cluster"] for x in A + B} == {**{x: 1 for x in A}, **{x: 2 for x in B}}


def test_the_bridge_ends_separate_sectors_but_a_clique_member_does_not():
    h = partner_graph(network(CLIQUES, CLIQUE_TIES))
    assert set(nx.articulation_points(h)) == {P + "a1", P + "b1"}
    assert nm._sector_separators(h) == {P + "a1", P + "b1"}


# --------------------------------------------------------------------------- only ties within sectors


def test_only_in_sector_ties():
    # a public triangle p1 p2 p3, a private pair q1 q2, and u (no sector) tied to p1
    partners = {"p1": "public", "p2": "public", "p3": "public", "q1": "private", "q2": "private", "u": None}
    m = compute(network(partners, ties(("p1", "p2"), ("p1", "p3"), ("p2", "p3"), ("q1", "q2"), ("p1", "u"))))
    c = m.community
    assert c["partners"] == 6 and c["ties"] == 5
    assert c["density"] == r(Fraction(5, 15))  # 5 of 15 pairs
    assert c["components"] == 2 and c["largest-component-share"] == r(Fraction(4, 6))
    # degrees p1 3, p2 2, p3 2, q1 1, q2 1, u 1: sum (3 - d) = 0 + 1 + 1 + 2 + 2 + 2 = 8, over 5 x 4 = 20
    assert c["degree-centralisation"] == 0.4
    # u has no sector: p1-u counts neither way. E = 0, I = 4: (0 - 4) / 4
    assert c["ei-index-sector"] == -1.0 and c["cross-sector-tie-share"] == 0.0
    # the components are the best clusters: {p1 p2 p3 u} holds 4 of 5 ties, degrees 8 of 10; {q1 q2} 1, 2:
    # Q = (4/5 - (8/10)^2) + (1/5 - (2/10)^2) = 0.16 + 0.16 = 0.32
    assert c["clusters"] == 2 and c["modularity"] == 0.32
    # p1 cuts u off, but u has no sector: no sector separator. p1 is on the paths u-p2 and u-p3:
    # betweenness 2 / (5 x 4 / 2) = 0.2, the highest: p1 is the broker
    assert nm._sector_separators(partner_graph(network(partners, {}))) == set()
    assert m.partners[P + "p1"]["betweenness"] == 0.2
    assert brokers(m) == {"p1"}
    assert m.partners[P + "q1"]["cluster"] == 2 and m.partners[P + "u"]["cluster"] == 1


def test_in_sector_network_without_go_between_has_no_broker():
    # two one-sector triangles: nobody is on a shortest path between two others
    partners = {"p1": "public", "p2": "public", "p3": "public", "s1": "social", "s2": "social", "s3": "social"}
    m = compute(network(partners, ties(("p1", "p2"), ("p1", "p3"), ("p2", "p3"), ("s1", "s2"), ("s1", "s3"),
                                       ("s2", "s3"))))
    assert m.community["ei-index-sector"] == -1.0
    assert m.community["brokers"] == 0 and brokers(m) == set()
    assert m.community["degree-centralisation"] == 0.0  # every degree 2


# --------------------------------------------------------------------------- degenerate networks


def test_empty_network():
    m = compute(nx.MultiGraph())
    assert m.community == {"partners": 0, "ties": 0, "density": None, "components": 0,
                           "largest-component-share": None, "degree-centralisation": None, "ei-index-sector": None,
                           "cross-sector-tie-share": None, "clusters": 0, "modularity": None, "brokers": 0}
    assert m.partners == {}
    assert m.to_json() == {"community": m.community, "partners": []}
    # measured: partners, ties, components, clusters and brokers, each 0
    triples = measurement_triples("https://w3id.org/lcc/communities/t", "https://w3id.org/lcc/communities/t/assessment", m)
    assert len(triples) == 5 * 4
    assert {t.object for t in triples if t.predicate.value == DQV + "value"} == {
        ox.Literal("0", datatype=ox.NamedNode(XSD + "integer"))}


def test_one_partner():
    m = compute(network({"solo": None}, {}))
    assert m.community == {"partners": 1, "ties": 0, "density": None, "components": 1,
                           "largest-component-share": 1.0, "degree-centralisation": None, "ei-index-sector": None,
                           "cross-sector-tie-share": None, "clusters": 1, "modularity": None, "brokers": 0}
    assert m.partners == {P + "solo": {"degree": 0, "weighted-degree": 0, "betweenness": 0.0, "constraint": None,
                                       "cluster": 1, "broker": False}}


def test_two_partners():
    m = compute(network({"x": "public", "y": "private"}, ties(("x", "y"))))
    # density 1 / 1; centralisation undefined below three partners; one external tie: E-I = 1
    assert m.community["density"] == 1.0 and m.community["degree-centralisation"] is None
    assert m.community["ei-index-sector"] == 1.0 and m.community["cross-sector-tie-share"] == 1.0
    # nobody between: no broker; each has one contact: constraint 1
    assert m.community["brokers"] == 0
    assert m.partners[P + "x"]["constraint"] == 1.0 and m.partners[P + "x"]["betweenness"] == 0.0


def test_partners_without_sector_leave_the_e_i_index_undefined():
    m = compute(network({"x": None, "y": None, "z": "public"}, ties(("x", "y"), ("y", "z"))))
    assert m.community["ei-index-sector"] is None and m.community["cross-sector-tie-share"] is None
    assert m.community["ties"] == 2


# --------------------------------------------------------------------------- weights from shared partnerships


# x and y share two partnerships (one of them with z): ties x-y weight 2, x-z 1, y-z 1
SHARED = {"x": "public", "y": "private", "z": "social"}
SHARED_PS = {"two": ["x", "y"], "three": ["x", "y", "z"]}


def test_two_shared_partnerships_make_one_tie_of_weight_two():
    g = network(SHARED, SHARED_PS)
    assert g.number_of_edges() == 4  # x-y twice, x-z, y-z
    h = partner_graph(g)
    assert h.number_of_edges() == 3
    assert h[P + "x"][P + "y"]["weight"] == 2 and h[P + "x"][P + "z"]["weight"] == 1
    assert h.nodes[P + "z"]["sector"] == "social" and list(h.nodes) == sorted(h.nodes)
    m = compute(g)
    assert m.community["ties"] == 3 and m.community["density"] == 1.0
    assert m.community["cross-sector-tie-share"] == 1.0  # three ties, three sectors: each external, counted once
    x, z = m.partners[P + "x"], m.partners[P + "z"]
    assert (x["degree"], x["weighted-degree"]) == (2, 3)
    assert (z["degree"], z["weighted-degree"]) == (2, 2)
    # x: p_y = 2/3, p_z = 1/3. To y: 2/3 + p_z x p_zy = 2/3 + 1/3 x 1/2 = 5/6 -> 25/36;
    # to z: 1/3 + p_y x p_yz = 1/3 + 2/3 x 1/3 = 5/9 -> 25/81. 25/36 + 25/81 = 325/324
    assert x["constraint"] == r(Fraction(325, 324)) == 1.003086
    # z: p_x = p_y = 1/2. To x: 1/2 + 1/2 x 2/3 = 5/6 -> 25/36, to y the same: 50/36
    assert z["constraint"] == r(Fraction(50, 36)) == 1.388889


def test_the_bipartite_view_gives_the_same_partner_graph():
    g = nx.MultiGraph()
    for name, sector in SHARED.items():
        g.add_node(P + name, kind="partner", label=name, sector=sector)
    for ps, members in SHARED_PS.items():
        g.add_node(PS + ps, kind="partnership", label=ps)
        for mbr in members:
            g.add_edge(P + mbr, PS + ps, key=PS + ps, kind="member")
    h, expected = partner_graph(g), partner_graph(network(SHARED, SHARED_PS))
    assert list(h.nodes) == list(expected.nodes)
    assert sorted(h.edges(data="weight")) == sorted(expected.edges(data="weight"))
    assert compute(g) == compute(network(SHARED, SHARED_PS))


def test_a_simple_graph_keeps_its_weights():
    g = nx.Graph()
    g.add_node("x", sector="public")
    g.add_node("y", sector="public")
    g.add_edge("x", "y", weight=3)
    m = compute(g)
    assert m.partners["x"]["weighted-degree"] == 3 and m.community["ei-index-sector"] == -1.0


# --------------------------------------------------------------------------- the rules, checked against their definitions


def random_network(rng: random.Random, n: int, p: float) -> nx.MultiGraph:
    partners = {f"n{i:02d}": rng.choice(["public", "private", "social", None]) for i in range(n)}
    pss = {f"ps{k}": rng.sample(sorted(partners), rng.choice([2, 2, 2, 3])) for k in range(int(p * n * n / 2))}
    return network(partners, pss)


@pytest.mark.parametrize("seed", range(30))
def test_sector_separators_match_their_definition(seed):
    """A partner whose removal leaves two connected partners of different sectors disconnected."""
    rng = random.Random(seed)
    h = partner_graph(random_network(rng, rng.randint(3, 14), rng.choice([0.08, 0.12, 0.2])))
    expected = set()
    for v in h.nodes:
        rest = h.subgraph(set(h.nodes) - {v})
        for x, y in combinations(sorted(rest.nodes), 2):
            sx, sy = h.nodes[x]["sector"], h.nodes[y]["sector"]
            if sx and sy and sx != sy and nx.has_path(h, x, y) and not nx.has_path(rest, x, y):
                expected.add(v)
                break
    assert nm._sector_separators(h) == expected


@pytest.mark.parametrize("seed", range(10))
def test_values_do_not_depend_on_the_order_nodes_and_edges_come_in(seed):
    rng = random.Random(seed)
    g = random_network(rng, 25, 0.1)
    nodes, edges = list(g.nodes(data=True)), list(g.edges(keys=True, data=True))
    rng.shuffle(nodes)
    rng.shuffle(edges)
    shuffled = nx.MultiGraph()
    shuffled.add_nodes_from(nodes)
    shuffled.add_edges_from(edges)
    assert compute(shuffled) == compute(g)
    assert compute(g, seed=0) == compute(g)


@pytest.mark.parametrize("seed", range(5))
def test_values_agree_with_networkx(seed):
    rng = random.Random(seed)
    h = partner_graph(random_network(rng, 20, 0.15))
    m = compute(h)
    for v, c in nx.constraint(h, weight="weight").items():
        assert m.partners[v]["constraint"] == (None if c != c else r(c))
    for v, b in nx.betweenness_centrality(h).items():
        assert m.partners[v]["betweenness"] == r(b)
    assert m.community["density"] == r(nx.density(h))
    clusters = nx.community.louvain_communities(h, weight="weight", seed=0)
    assert m.community["clusters"] == len(clusters)
    assert m.community["modularity"] == r(nx.community.modularity(h, clusters, weight="weight"))


def test_brokers_are_the_top_go_betweens_and_the_sector_separators():
    rng = random.Random(7)
    for _ in range(20):
        h = partner_graph(random_network(rng, 15, 0.12))
        m = compute(h)
        top = max(v["betweenness"] for v in m.partners.values())
        expected = nm._sector_separators(h) | ({v for v, x in m.partners.items() if x["betweenness"] == top}
                                               if top > 0 else set())
        assert {v for v, x in m.partners.items() if x["broker"]} == expected
        assert m.community["brokers"] == len(expected)


# --------------------------------------------------------------------------- a community from the store


def benchmark_module():
    """benchmarks/metrics.py, whose network_from_triples builds the networks the benchmark times."""
    spec = importlib.util.spec_from_file_location("metrics_benchmark", REPO / "benchmarks" / "metrics.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


@pytest.fixture(scope="module")
def fixture_stores(tmp_path_factory):
    from lcc_graph.store import open_stores

    path = tmp_path_factory.mktemp("metrics") / "data"
    load_fixture(path)
    s = open_stores(path)
    yield s
    s.close()


def test_the_fixture_community_from_build_network(fixture_stores):
    """tests/data/views/fixture.ttl: reading {school, bank, club}, savings {school, bank}, books {library, bookshop}."""
    from lcc_graph.views.network import build_network

    m = compute(build_network(fixture_stores, "fixture"))
    c = m.community
    # ties school-bank (weight 2), school-club, bank-club, library-bookshop
    assert c["partners"] == 5 and c["ties"] == 4 and c["density"] == 0.4
    assert c["components"] == 2 and c["largest-component-share"] == 0.6
    # degrees 2, 2, 2, 1, 1: sum (2 - d) = 2, over 4 x 3 = 12
    assert c["degree-centralisation"] == r(Fraction(2, 12))
    # every tie joins two sectors (public-private, public-social, private-social, public-private)
    assert c["ei-index-sector"] == 1.0 and c["cross-sector-tie-share"] == 1.0
    # the triangle and the pair; weights 2 + 1 + 1 + 1 = 5: Q = (4/5 - (8/10)^2) + (1/5 - (2/10)^2) = 0.32
    assert c["clusters"] == 2 and c["modularity"] == 0.32
    assert c["brokers"] == 0  # a triangle and a pair: nobody between two others
    assert m.partners[SCHOOL]["weighted-degree"] == 3 and m.partners[BANK]["weighted-degree"] == 3
    assert m.partners[SCHOOL]["constraint"] == r(Fraction(325, 324))
    assert m.partners[CLUB]["constraint"] == r(Fraction(50, 36))
    assert m.partners[LIBRARY]["cluster"] == m.partners[BOOKSHOP]["cluster"] == 2
    assert m.partners[CLUB]["cluster"] == 1
    assert compute(build_network(fixture_stores, "fixture", view="bipartite")) == m


def test_the_benchmark_builds_the_network_build_network_builds(fixture_stores):
    from lcc_graph.views.network import build_network

    bench = benchmark_module()
    mine, theirs = bench.network_from_triples(fixture_triples()), build_network(fixture_stores, "fixture")
    assert list(mine.nodes) == list(theirs.nodes)
    assert {n: mine.nodes[n]["sector"] for n in mine} == {n: theirs.nodes[n]["sector"] for n in theirs}
    assert sorted(mine.edges(keys=True)) == sorted(theirs.edges(keys=True))
    assert compute(mine) == compute(theirs)


def test_demo_communities():
    from lcc_graph import demo

    bench = benchmark_module()
    for community in demo.generate(12, 0):
        m = compute(bench.network_from_triples(community.triples))
        c = m.community
        assert c["partners"] == len(m.partners) > 0
        assert c["brokers"] == sum(v["broker"] for v in m.partners.values())
        assert c["clusters"] == len({v["cluster"] for v in m.partners.values()})
        assert all(-1 <= x <= 1 for x in (c["ei-index-sector"], c["modularity"]) if x is not None)


# --------------------------------------------------------------------------- JSON and DQV


def test_to_json():
    m = compute(network(SHARED, SHARED_PS))
    j = m.to_json()
    assert list(j["community"]) == list(COMMUNITY_METRICS)
    assert [p["partner"] for p in j["partners"]] == [P + "x", P + "y", P + "z"]
    assert list(j["partners"][0]) == ["partner", *PARTNER_METRICS]


def test_measurement_triples():
    community, assessment = "https://w3id.org/lcc/communities/t", "https://w3id.org/lcc/communities/t/assessment"
    m = compute(network(STAR, STAR_TIES))
    triples = measurement_triples(community, assessment, m)
    # 11 community metrics, all defined for the star; 5 partners x 6 metrics; 4 triples each
    assert len(triples) == (11 + 5 * 6) * 4 == 164
    by_subject: dict[str, dict[str, ox.Term]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, {})[t.predicate.value] = t.object
    assert len(by_subject) == 41
    density = by_subject[assessment + "/metrics/density"]
    assert density == {
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ox.NamedNode(DQV + "QualityMeasurement"),
        DQV + "computedOn": ox.NamedNode(community),
        DQV + "isMeasurementOf": ox.NamedNode(METRICS + "density"),
        DQV + "value": ox.Literal("0.4", datatype=ox.NamedNode(XSD + "decimal")),
    }
    assert by_subject[assessment + "/metrics/partners"][DQV + "value"] == ox.Literal("5", datatype=ox.NamedNode(XSD + "integer"))
    assert by_subject[assessment + "/metrics/ei-index-sector"][DQV + "value"] == ox.Literal("-1", datatype=ox.NamedNode(XSD + "decimal"))
    assert by_subject[assessment + "/metrics/modularity"][DQV + "value"] == ox.Literal("0", datatype=ox.NamedNode(XSD + "decimal"))
    key = hashlib.sha1((P + "centre").encode()).hexdigest()[:12]
    broker = by_subject[f"{assessment}/metrics/broker/{key}"]
    assert broker[DQV + "computedOn"] == ox.NamedNode(P + "centre")
    assert broker[DQV + "isMeasurementOf"] == ox.NamedNode(METRICS + "broker")
    assert broker[DQV + "value"] == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    assert by_subject[f"{assessment}/metrics/constraint/{key}"][DQV + "value"] == ox.Literal(
        "0.25", datatype=ox.NamedNode(XSD + "decimal"))
    assert by_subject[f"{assessment}/metrics/cluster/{key}"][DQV + "value"] == ox.Literal(
        "1", datatype=ox.NamedNode(XSD + "integer"))
    assert all(str(s).startswith(assessment + "/metrics/") for s in by_subject)


def test_undefined_values_have_no_measurement():
    m = compute(network({"solo": None}, {}))
    triples = measurement_triples("https://w3id.org/lcc/communities/t", "urn:a", m)
    # defined: partners, ties, components, largest-component-share, clusters, brokers; and for the
    # partner every metric but constraint
    assert len(triples) == (6 + 5) * 4
    measured = {t.object.value for t in triples if t.predicate.value == DQV + "isMeasurementOf"}
    assert METRICS + "density" not in measured and METRICS + "constraint" not in measured


def test_decimals_are_rounded_to_six_places_without_trailing_zeros():
    assert nm.literal(2 / 3).value == "0.666667"
    assert nm.literal(-11 / 13).value == "-0.846154"
    assert nm.literal(1e-7).value == "0" and nm.literal(-1e-9).value == "0"
    assert nm.literal(1.5).value == "1.5" and nm.literal(3.0).value == "3"
    assert nm.literal(False) == ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
    with pytest.raises(ValueError):
        nm.literal(float("nan"))


# --------------------------------------------------------------------------- the ontology


def test_every_metric_is_in_the_ontology_with_labels_criteria_and_a_datatype():
    g = ox.Store()
    g.bulk_extend(ox.parse(path=str(REPO / "ontology" / "metrics.ttl"), format=ox.RdfFormat.TURTLE))
    rows = g.query("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX dqv: <http://www.w3.org/ns/dqv#>
        PREFIX lcc: <https://w3id.org/lcc#>
        SELECT ?m ?notation ?type (GROUP_CONCAT(DISTINCT STR(?c)) AS ?criteria)
               (GROUP_CONCAT(DISTINCT LANG(?label)) AS ?langs) WHERE {
          ?m a dqv:Metric, skos:Concept ; skos:inScheme <https://w3id.org/lcc/metrics/> ; skos:notation ?notation ;
             dqv:expectedDataType ?type ; lcc:criterion ?c ; skos:prefLabel ?label ; skos:definition ?d ;
             dqv:inDimension ?dim .
        } GROUP BY ?m ?notation ?type""")
    found = {row["notation"].value: row for row in rows}
    assert set(found) == set(COMMUNITY_METRICS) | set(PARTNER_METRICS)
    informed = set()
    for slug, row in found.items():
        assert row["m"].value == METRICS + slug
        assert set(row["langs"].value.split()) == {"en", "he", "ar"}, slug
        informed |= set(row["criteria"].value.split())
    assert informed == {f"https://w3id.org/lcc/criteria/{c}" for c in ("partnerships", "sharing", "penetration", "diversity")}
    # the datatype each value is written with
    sample = compute(network(CLIQUES, CLIQUE_TIES))
    values = {**sample.community, **sample.partners[P + "a1"]}
    for slug, row in found.items():
        expected = nm.literal(values[slug]).datatype
        assert row["type"] == expected, slug


def test_burt_constraint_agrees_with_networkx_on_random_weighted_graphs():
    import math
    import random

    import networkx as nx

    from lcc_graph.network_metrics import burt_constraint

    rng = random.Random(7)
    for trial in range(30):
        h = nx.gnp_random_graph(rng.randint(1, 25), rng.random() * 0.6, seed=trial)
        h = nx.relabel_nodes(h, {i: f"p{i}" for i in h})
        for a, b in h.edges:
            h[a][b]["weight"] = rng.randint(1, 4)
        ours, theirs = burt_constraint(h), nx.constraint(h, weight="weight")
        assert ours.keys() == theirs.keys()
        for v in ours:
            assert (math.isnan(ours[v]) and math.isnan(theirs[v])) or ours[v] == pytest.approx(theirs[v], rel=1e-12), (trial, v)
