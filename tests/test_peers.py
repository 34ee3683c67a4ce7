"""Peers that always exist: the k nearest communities by size and resources, on data whose answer is known."""

from __future__ import annotations

import math

import pyoxigraph as ox
import pytest

from lcc_graph import peers
from lcc_graph.communities import replace_community
from lcc_graph.views.assessment import assessment

C = "https://w3id.org/lcc/communities/"
UNIT = "https://w3id.org/lcc/units/eur-per-year"


def _town(cid: str, population: int, budgets: list[float]) -> list[ox.Triple]:
    """A community with available funding resources of the given amounts."""
    me = ox.NamedNode(C + cid)
    lcc = "https://w3id.org/lcc#"
    out = [ox.Triple(me, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(lcc + "Community")),
           ox.Triple(me, ox.NamedNode(lcc + "population"), ox.Literal(str(population), datatype=ox.NamedNode(
               "http://www.w3.org/2001/XMLSchema#integer")))]
    for i, amount in enumerate(budgets):
        r = ox.NamedNode(f"{C}{cid}/resources/r{i}")
        out += [ox.Triple(r, ox.NamedNode(lcc + "community"), me),
                ox.Triple(r, ox.NamedNode(lcc + "availability"), ox.NamedNode(peers.AVAILABLE)),
                ox.Triple(r, ox.NamedNode(lcc + "resourceKind"), ox.NamedNode("https://w3id.org/lcc/resource-kinds/funding")),
                ox.Triple(r, ox.NamedNode(lcc + "unit"), ox.NamedNode(UNIT)),
                ox.Triple(r, ox.NamedNode(lcc + "amount"), ox.Literal(str(amount), datatype=ox.NamedNode(
                    "http://www.w3.org/2001/XMLSchema#decimal")))]
    return out


# twelve towns: populations 1,000 to 12,000 and a budget of 10 per inhabitant, but t6 has 100
TOWNS = {f"t{i}": (1000 * i, [10.0 * 1000 * i if i != 6 else 100.0 * 1000 * i]) for i in range(1, 13)}


@pytest.fixture
def towns(stores):
    for cid, (population, budgets) in TOWNS.items():
        replace_community(stores.public, cid, _town(cid, population, budgets))
    return stores


def test_profiles_are_amounts_per_1000_inhabitants(towns):
    found = peers.profiles(towns)
    assert len(found) == 12
    assert found[C + "t4"].population == 4000
    assert found[C + "t4"].per_1000 == {("https://w3id.org/lcc/resource-kinds/funding", f"<{UNIT}>"): 10_000.0}
    assert found[C + "t6"].per_1000[("https://w3id.org/lcc/resource-kinds/funding", f"<{UNIT}>")] == 100_000.0


def test_the_nearest_are_of_similar_size_and_resources(towns):
    group = peers.peer_group(peers.profiles(towns), C + "t4", k=3)
    # sizes compare as ratios: 5,000 (x1.25) before 3,000 (x1.33) and 7,000 (x1.75) before 2,000 (x2);
    # t6 (x1.5) has ten times the budget per inhabitant, so it is further than all of them
    assert [iri.rsplit("/", 1)[1] for iri, _ in group.members] == ["t5", "t3", "t7"]
    assert group.enough and group.to_json()["size"] == 3
    assert C + "t5" not in str(group.to_json())  # sizes and distances, no names
    # t6's budget per inhabitant is ten times the others': it is further than its size alone says
    far = dict(peers.peer_group(peers.profiles(towns), C + "t5", k=11).members)
    assert far[C + "t6"] > far[C + "t4"]


def test_splitting_a_resource_changes_no_peer_group(towns, stores):
    before = peers.peer_group(peers.profiles(towns), C + "t7", k=5)
    population, (budget,) = TOWNS["t7"]
    replace_community(stores.public, "t7", _town("t7", population, [budget / 3] * 3))
    after = peers.peer_group(peers.profiles(stores), C + "t7", k=5)
    assert [m for m, _ in after.members] == [m for m, _ in before.members]
    assert all(math.isclose(a, b) for (_, a), (_, b) in zip(after.members, before.members))


def test_too_few_peers_only_when_the_store_holds_fewer_than_k_plus_one(towns):
    profiles = peers.profiles(towns)
    assert peers.peer_group(profiles, C + "t1", k=11).enough
    assert not peers.peer_group(profiles, C + "t1", k=12).enough


def test_band_places_a_value_among_its_group():
    assert peers.band(5, [1, 2, 3, 4, 5]) == {"percentile": 90.0, "band": "top quarter", "peers": 5}
    assert peers.band(1, [1, 2, 3, 4, 5]) == {"percentile": 10.0, "band": "bottom quarter", "peers": 5}
    assert peers.band(3, [3, 3, 3, 3, 3])["band"] == "third quarter"  # all equal: the middle, 50
    assert peers.band(3, [1, 2, 3, 4])["band"] == peers.TOO_FEW


def test_k_is_held_within_its_range():
    assert peers.clamp_k(None) == 10 and peers.clamp_k("3") == 5 and peers.clamp_k(500) == 50
    assert peers.clamp_k("many") == 10


def test_no_indicator_of_the_demo_lacks_peers(demo_copy):
    from lcc_graph.store import open_stores

    stores = open_stores(demo_copy)
    try:
        ids = [row["c"].rsplit("/", 1)[1] for row in stores.public.query(
            "SELECT ?c WHERE { ?c a <https://w3id.org/lcc#Community> }", union=True).values()]
        assert len(ids) == 12
        for cid in ids:
            body = assessment(stores, cid)
            assert body["peer_group"]["size"] == 10
            bands = [p["band"] for i in body["indicators"] for p in i["peers"].values()]
            assert bands and peers.TOO_FEW not in bands, cid
    finally:
        stores.close()


def test_the_assessment_route_takes_the_group_size(client):
    cid = client.get("/communities").json()["communities"][0]["id"]
    assert client.get(f"/communities/{cid}/assessment").json()["peer_group"]["size"] == 10
    assert client.get(f"/communities/{cid}/assessment?peers=5").json()["peer_group"]["size"] == 5
    assert client.get(f"/communities/{cid}/assessment?peers=3").status_code == 400
